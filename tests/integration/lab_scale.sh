#!/bin/bash
# The lab at scale: the 150-router, 10-site, 40-client topology of examples/lab/gen-large.py
# (delays from its cities, through the wire) comes up in bounded time, and every client is
# answered by the site the simulator predicts. Logs the `up` time and the memory of the whole
# lab (the RSS of every process of its namespaces, the wire included), the figures of
# bench/RESULTS.md; LAB_SCALE_UP_S and LAB_SCALE_MB bound them (defaults: the issue's 15 s and
# 400 MB, doubled when the machine is shared: LAB_SCALE_STRICT=1 keeps them as they are).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"
ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"
mk_tmpdir
D=$TMPD
L=sc$$
trap '_rc=$?; "$ANYCAST" lab down --lab $L >/dev/null 2>&1; (exit $_rc); _cleanup' EXIT
UP_S=${LAB_SCALE_UP_S:-15}
MB=${LAB_SCALE_MB:-400}
[ "${LAB_SCALE_STRICT:-0}" = 1 ] || UP_S=$((UP_S * 2))

# LAB_SCALE_TOPO=FILE measures another topology the same way (the seed's, for RESULTS.md)
if [ -n "${LAB_SCALE_TOPO:-}" ]; then
	cp "$LAB_SCALE_TOPO" "$D/large.yaml"
	NCLIENTS=$(grep -c 'kind: client' "$D/large.yaml")
else
	python3 "$(dirname "$0")/../../examples/lab/gen-large.py" --name "$L" >"$D/large.yaml"
	check "the generator writes 150 routers" [ "$(grep -c 'kind: router' "$D/large.yaml")" = 150 ]
	NCLIENTS=40
fi
t0=$(date +%s%N)
timeout 300 "$ANYCAST" lab up --keep --lab "$L" --timeout 120 "$D/large.yaml" >"$D/up.log" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
log "up: exit $rc in $ms ms"
tail -n 50 "$D/up.log"
check "up succeeds" [ "$rc" = 0 ]
check "up in under $UP_S s" [ "$ms" -lt $((UP_S * 1000)) ]

# The processes of the lab: those whose network namespace is one of the lab's (one pass over
# /proc: `ip netns pids` per namespace takes seconds each with 200 namespaces).
lab_pids() {
	local want="" ns p
	for ns in $(ip netns list | awk '{print $1}' | grep "^$L-"); do
		want="$want net:[$(stat -L -c %i "/run/netns/$ns")]"
	done
	for p in /proc/[0-9]*; do
		case " $want " in *" $(readlink "$p/ns/net" 2>/dev/null) "*) echo "${p#/proc/}" ;; esac
	done
}

# memory: the sum of the RSS of every process in the lab's namespaces (shared pages counted
# once per process, so an upper bound), and of their PSS (shared pages split between them)
kb=0 pss=0 np=0
for p in $(lab_pids); do
	r=$(awk '/^VmRSS/ {print $2}' /proc/$p/status 2>/dev/null)
	s=$(awk '/^Pss:/ {print $2}' /proc/$p/smaps_rollup 2>/dev/null)
	kb=$((kb + ${r:-0})) pss=$((pss + ${s:-0})) np=$((np + 1))
done
log "memory of the lab: $np processes, $((kb / 1024)) MB RSS, $((pss / 1024)) MB PSS"
check "memory under $MB MB" [ "$kb" -lt $((MB * 1024)) ]

# idle CPU of the whole lab over 5 s (utime+stime of its processes, in % of one core)
cpu_ticks() {
	local t=0 p
	for p in $PIDS; do
		t=$((t + $(awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null || echo 0)))
	done
	echo $t
}
PIDS=$(lab_pids)
c0=$(cpu_ticks); sleep 5; c1=$(cpu_ticks)
log "idle CPU of the lab: $(((c1 - c0) * 100 / ($(getconf CLK_TCK) * 5)))% of one core"

"$ANYCAST" lab status --json --lab "$L" >"$D/status.json"
check "every client answers at its predicted site" python3 - "$D/status.json" "$NCLIENTS" <<'PY'
import json, sys
st = json.load(open(sys.argv[1]))
bad = [c for c in st["clients"] if not c["site"] or c["site"] != c["predicted_site"]]
for c in bad:
    print("  client", c["name"], "site", c["site"], "predicted", c["predicted_site"], c.get("error"))
print(" ", len(st["clients"]) - len(bad), "of", len(st["clients"]), "clients at their predicted site")
sys.exit(1 if bad or len(st["clients"]) != int(sys.argv[2]) else 0)
PY
t0=$(date +%s%N)
"$ANYCAST" lab down --lab "$L"
log "down in $((($(date +%s%N) - t0) / 1000000)) ms"
check "down removes the lab" sh -c "! ip netns list | grep -q '^$L-'"
finish
