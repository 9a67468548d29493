#!/bin/bash
# The load scenario: many clients of examples/lab/load.yaml send a steady, bounded DNS query
# load to the anycast address at once; the answers per site show the load spread over the
# sites by BGP alone, then shifting when a site fails.
#
#   sudo examples/lab/load.sh [RATE_PER_CLIENT] [SECONDS]      (defaults: 200 queries/s, 4 s)
#
# LAB_NAME=NAME names the lab (default: the topology's name, "load").
#
# Every client runs `anycast probe dns` in its own namespace (bounded: RATE x SECONDS queries),
# the per-site answer counts are summed. Round 1: all sites up. Round 2: lon's service fails.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ANYCAST=${ANYCAST:-$TOP/build/anycast}
RATE=${1:-200}
SECS=${2:-4}
TOPO=$TOP/examples/lab/load.yaml
LAB=${LAB_NAME:-$(sed -n 's/^name: *//p' "$TOPO")}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
cleanup() { "$ANYCAST" lab down "$LAB" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ANYCAST" lab up --lab "$LAB" "$TOPO" || exit 1
CLIENTS=$("$ANYCAST" lab status --json "$LAB" | $PY -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["clients"]))')
ADDR=$(sed -n 's/.*address: *\([0-9.]*\).*/\1/p' "$TOPO" | head -1)

round() { # NAME: every client probes at once; prints per-site totals
	local pids=() c
	for c in $CLIENTS; do
		"$ANYCAST" lab exec --lab "$LAB" "$c" -- "$ANYCAST" probe dns --server "$ADDR" \
			--rate "$RATE" --count $((RATE * SECS)) --timeout 500 --json >"$T/$1.$c.json" 2>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	$PY - "$T" "$1" $CLIENTS <<'PYEOF'
import json, sys, os
d, name, clients = sys.argv[1], sys.argv[2], sys.argv[3:]
total, lost, per_client = {}, 0, []
for c in clients:
    try:
        r = json.load(open(os.path.join(d, f"{name}.{c}.json")))
    except Exception:
        per_client.append((c, "no result")); continue
    for s, n in r["sites"].items():
        total[s] = total.get(s, 0) + n
    lost += r["lost"]
    top = max(r["sites"].items(), key=lambda kv: kv[1])[0] if r["sites"] else "-"
    per_client.append((c, f"{top:5} ({r['answered']} answered, {r['lost']} lost)"))
answered = sum(total.values())
print(f"  {'client':12} mostly answered by")
for c, s in per_client:
    print(f"  {c:12} {s}")
print(f"  answers per site ({answered} in all, {lost} lost):")
for s, n in sorted(total.items()):
    print(f"    {s:6} {n:8}  {100.0 * n / max(answered, 1):5.1f}%  " + "#" * int(50 * n / max(answered, 1)))
PYEOF
}

echo "== round 1: every site up, $RATE queries/s from each client for ${SECS}s"
round up
echo "== round 2: lon's service fails"
"$ANYCAST" lab fail --lab "$LAB" lon --service
sleep 1
round failed
"$ANYCAST" lab heal --lab "$LAB" lon
