#!/bin/bash
# A flood into one site's catchment leaves the others alone: in the seed lab (through the
# wire), paris, berlin and mumbai (London's catchment) send FLOOD_RATE queries/s in all
# (default 20,000: a fixed count at a fixed rate, FLOOD_SECS seconds, stopping by itself) while
# boston (New York) and seoul (Tokyo) probe at 20/s; their median RTT stays within 20% (plus
# 1 ms of scheduling slack on a shared 2-core machine) of the idle one. Logs the wire's CPU and
# drops from `lab status`, the figures of bench/RESULTS.md.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"
ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"
mk_tmpdir
D=$TMPD
L=fl$$
trap '_rc=$?; "$ANYCAST" lab down --lab $L >/dev/null 2>&1; (exit $_rc); _cleanup' EXIT
RATE=${FLOOD_RATE:-20000}
SECS=${FLOOD_SECS:-5}
FLOODERS="paris berlin mumbai"
WATCHED="boston seoul"
TOPO="$(dirname "$0")/../../examples/lab/seed.yaml"

check "up (the wire, also where netem exists: its CPU and drops are measured)" "$ANYCAST" lab up --wire --lab "$L" --timeout 60 "$TOPO"

median() { # CLIENT FILE: probe at 20/s for SECS+2 s from CLIENT, JSON in FILE
	"$ANYCAST" lab exec --lab "$L" "$1" -- "$ANYCAST" probe dns --server 192.0.2.1 \
		--rate 20 --count $(((SECS + 2) * 20)) --timeout 1000 --json >"$2"
}
med_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rtt_ms"]["median"])' "$1"; }
wire() { # the wire's CPU (fraction of a core) and drops
	"$ANYCAST" lab status --json --lab "$L" | python3 -c '
import json, sys
w = json.load(sys.stdin)["wire"]
print("wire cpu %.2f forwarded %d queue_drops %d down_drops %d" %
      (w["cpu"], w["forwarded"], w["queue_drops"], w["down_drops"]))'
}

for c in $WATCHED; do median "$c" "$D/idle.$c.json" & done
wait
log "idle: $(for c in $WATCHED; do printf '%s %s ms  ' $c "$(med_of "$D/idle.$c.json")"; done)"
log "idle $(wire)"

n=$(echo $FLOODERS | wc -w)
per=$((RATE / n))
pids=""
for c in $FLOODERS; do
	timeout $((SECS + 30)) "$ANYCAST" lab exec --lab "$L" "$c" -- "$ANYCAST" probe dns \
		--server 192.0.2.1 --rate $per --count $((per * SECS)) --timeout 500 --json \
		>"$D/flood.$c.json" 2>&1 &
	pids="$pids $!"
done
sleep 1 # the flood is running when the measurement starts
for c in $WATCHED; do median "$c" "$D/load.$c.json" & done
sleep 2
log "during the flood $(wire)" # cpu: the wire's share of a core over its last second
wait
log "flood: $RATE queries/s for $SECS s from $FLOODERS"
for c in $FLOODERS; do log "  $c: $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("sent", d["sent"], "in", d["elapsed_ms"], "ms, answered", d["answered"], "send errors", d["send_errors"], "median", d["rtt_ms"]["median"], "ms")' "$D/flood.$c.json" 2>&1)"; done
log "flood $(wire)"
for c in $WATCHED; do
	i=$(med_of "$D/idle.$c.json")
	f=$(med_of "$D/load.$c.json")
	log "$c: median $i ms idle, $f ms under the flood"
	check "$c's median RTT within 20% of idle" python3 -c "import sys; sys.exit(0 if $f <= $i * 1.2 + 1 else 1)"
done
"$ANYCAST" lab down --lab "$L"
check "down removes the lab" sh -c "! ip netns list | grep -q '^$L-'"
finish
