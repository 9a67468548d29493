#!/bin/bash
# The load scenario: many clients of examples/lab/load.yaml send a steady, bounded DNS query
# load to the anycast address at once; the answers per site show the load spread over the
# sites by BGP alone, then shifting when a site fails.
#
#   sudo examples/lab/load.sh [RATE_PER_CLIENT] [SECONDS]      (defaults: 200 queries/s, 4 s)
#   sudo examples/lab/load.sh --prepend [RATE_PER_CLIENT] [SECONDS]
#
# --prepend: the uneven case (load-prepend.yaml: London answers 10 of 18 clients) measured as it
# is and again with `prepend: 1` on the site lon, which evens it out; each round prints the
# simulator's prediction (`anycast sim --topology`) beside the measured share of each site.
#
# LAB_NAME=NAME names the lab (default: the topology's name, "load").
#
# Every client runs `anycast probe dns` in its own namespace (bounded: RATE x SECONDS queries),
# the per-site answer counts are summed. Round 1: all sites up. Round 2: lon's service fails.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ANYCAST=${ANYCAST:-$TOP/build/anycast}
PREPEND=0
if [ "${1:-}" = --prepend ]; then
	PREPEND=1
	shift
fi
RATE=${1:-200}
SECS=${2:-4}
TOPO=$TOP/examples/lab/load.yaml
[ $PREPEND = 1 ] && TOPO=$TOP/examples/lab/load-prepend.yaml
LAB=${LAB_NAME:-$(sed -n 's/^name: *//p' "$TOPO")}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
T=$(mktemp -d)
cleanup() { "$ANYCAST" lab down "$LAB" >/dev/null 2>&1; rm -rf "$T"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

round() { # NAME [SIM.json]: every client probes at once; prints per-site totals (and the
	# simulator's share of clients per site beside them)
	local pids=() c
	for c in $CLIENTS; do
		"$ANYCAST" lab exec --lab "$LAB" "$c" -- "$ANYCAST" probe dns --server "$ADDR" \
			--rate "$RATE" --count $((RATE * SECS)) --timeout 500 --json >"$T/$1.$c.json" 2>/dev/null &
		pids+=($!)
	done
	wait "${pids[@]}"
	$PY - "$T" "$1" "${2:-}" $CLIENTS <<'PYEOF'
import json, sys, os
d, name, sim, clients = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
pred = {}
if sim:
    for c in json.load(open(sim))["clients"]:
        pred[c["name"]] = c["site"]
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
    p = f"  predicted {pred.get(c) or '-':5}" if pred else ""
    per_client.append((c, f"{top:5} ({r['answered']} answered, {r['lost']} lost){p}"))
answered = sum(total.values())
print(f"  {'client':12} mostly answered by")
for c, s in per_client:
    print(f"  {c:12} {s}")
print(f"  answers per site ({answered} in all, {lost} lost)" +
      (", beside the simulator's share of the clients:" if pred else ":"))
for s, n in sorted(total.items()):
    share = 100.0 * n / max(answered, 1)
    p = ""
    if pred:
        k = sum(1 for v in pred.values() if v == s)
        p = f"  predicted {100.0 * k / max(len(pred), 1):5.1f}% ({k} clients)"
    print(f"    {s:6} {n:8}  {share:5.1f}%{p}  " + "#" * int(50 * n / max(answered, 1)))
PYEOF
}

if [ $PREPEND = 1 ]; then
	ADDR=$(sed -n 's/.*address: *\([0-9.]*\).*/\1/p' "$TOPO" | head -1)
	for v in plain prepend; do
		F=$TOPO
		if [ $v = prepend ]; then
			F=$T/load-prepend-1.yaml
			sed 's/^\(  lon: *{kind: site, asn: 65001, city: london\)}/\1, prepend: 1}/' \
				"$TOPO" >"$F"
		fi
		"$ANYCAST" sim --topology "$F" --json >"$T/$v.sim" || exit 1
		"$ANYCAST" lab up --lab "$LAB" "$F" || exit 1
		CLIENTS=$("$ANYCAST" lab status --json "$LAB" | $PY -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["clients"]))')
		if [ $v = plain ]; then
			echo "== as written: $RATE queries/s from each client for ${SECS}s"
		else
			echo "== with prepend: 1 on lon: $RATE queries/s from each client for ${SECS}s"
		fi
		round "$v" "$T/$v.sim"
		"$ANYCAST" lab down "$LAB" >/dev/null
	done
	exit 0
fi

"$ANYCAST" lab up --lab "$LAB" "$TOPO" || exit 1
CLIENTS=$("$ANYCAST" lab status --json "$LAB" | $PY -c 'import json,sys; print(" ".join(c["name"] for c in json.load(sys.stdin)["clients"]))')
ADDR=$(sed -n 's/.*address: *\([0-9.]*\).*/\1/p' "$TOPO" | head -1)


echo "== round 1: every site up, $RATE queries/s from each client for ${SECS}s"
round up
echo "== round 2: lon's service fails"
"$ANYCAST" lab fail --lab "$LAB" lon --service
sleep 1
round failed
"$ANYCAST" lab heal --lab "$LAB" lon
