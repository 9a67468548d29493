#!/bin/bash
# A DDoS in the seed lab (examples/lab/seed.yaml, through the wire): every site answers at most
# its `capacity` (2000 queries/s) and London sheds (`shed: [{level: 0.9, prepend: 3}]`).
# `anycast lab attack` from paris and berlin (London's catchment) at 1.5 times that for 6 s:
#   - London drops, New York and Tokyo drop nothing, and their clients (boston, seoul) lose
#     nothing: the attack stays in the catchment it lands in;
#   - `lab status --json` has each site's answered and dropped counts;
#   - the attack stops by itself, within count/rate * 1.5 + 2 s, every query sent;
#   - London sheds: its anycastd shows a shed level, and mumbai (whose ISP also buys transit
#     from Tokyo) moves to tyo, then back to lon after the attack, and only that: two
#     switches of its answering site, no flapping;
#   - `lab attack` refuses a node that is not a client.
. "$(dirname "$0")/lib.sh"
require_root
require_anycastd
require_cmd ip "$PY"
ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"
mk_tmpdir
D=$TMPD
L=dd$$
trap '_rc=$?; "$ANYCAST" lab down --lab $L >/dev/null 2>&1; (exit $_rc); _cleanup' EXIT
TOPO="$TOP/examples/lab/seed.yaml"
RATE=3000  # 1.5 x capacity
SECS=6
COUNT=$((RATE * SECS))
BOUND=$((SECS * 3 / 2 + 2)) # lab attack's own deadline, seconds

check "up" "$ANYCAST" lab up --lab "$L" --timeout 90 "$TOPO" || {
	finish
	exit 1
}

site_field() { # STATUS.json SITE FIELD
	$PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
n = [n for n in d["nodes"] if n["name"] == sys.argv[2]][0]
print(n[sys.argv[3]])' "$@"
}
"$ANYCAST" lab status --json --lab "$L" >"$D/status0.json"
check "lab status --json: every site has answered and dropped counts" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = [n for n in d["nodes"] if n["kind"] == "site"]
sys.exit(0 if len(s) == 3 and all(isinstance(n.get("answered"), int) and isinstance(n.get("dropped"), int) for n in s) else 1)' "$D/status0.json"
check "mumbai is answered by lon before the attack" sh -c \
	"'$ANYCAST' lab status --json --lab $L | grep -q '\"name\":\"mumbai\",\"site\":\"lon\"'"

refuses_router() {
	local out
	out=$("$ANYCAST" lab attack --lab "$L" --from paris,r-lon --rate 10 --count 10 2>&1) && return 1
	echo "$out"
	case $out in *"only the lab's clients"*) return 0 ;; esac
	return 1
}
check "lab attack refuses a router" refuses_router

# the legitimate clients: the other catchments' and mumbai, at 20/s, from before the attack
# until well after it (mumbai's way back waits for the load to fall, shed-fall samples and
# shed-hold)
probe() { # CLIENT SECONDS
	"$ANYCAST" lab exec --lab "$L" "$1" -- "$ANYCAST" probe dns --server 192.0.2.1 \
		--rate 20 --count $(($2 * 20)) --timeout 1000 --json >"$D/$1.json" 2>&1 </dev/null &
	_PIDS+=($!)
	eval "P_${1//-/_}=$!"
}
probe boston $((SECS + 4))
probe seoul $((SECS + 4))
probe mumbai $((SECS + 26))
sleep 1 # the probes run before the attack begins: a timeline, not a condition

t0=$(date +%s%N)
"$ANYCAST" lab attack --lab "$L" --from paris,berlin --rate $RATE --count $COUNT --json \
	>"$D/attack.json" 2>"$D/attack.err" &
A=$!
_PIDS+=($A)
# London sheds while the attack is on
shed_on() {
	"$ANYCAST" lab exec --lab "$L" lon -- "$ANYCAST" show services --json 2>/dev/null |
		$PY -c 'import json,sys
s = [s for s in json.load(sys.stdin) if s["name"] == "anycast"][0]
sys.exit(0 if s.get("shed") is not None else 1)'
}
check_eventually $((SECS + 4)) "lon's anycastd sheds under the attack" shed_on
wait_exit $A $((BOUND + 20))
took=$((($(date +%s%N) - t0) / 1000000))
log "attack: $(cat "$D/attack.json" "$D/attack.err")"
check "the attack ended by itself within its bound (${took} ms, bound ${BOUND} s)" \
	sh -c "[ $EXIT_STATUS = 0 ] && [ $took -le $((BOUND * 1000 + 1500)) ]"
check "the attack was not stopped at its deadline, and sent every query" $PY -c '
import json, sys
a = json.load(open(sys.argv[1]))
sys.exit(0 if not a["stopped"] and sum(x["sent"] for x in a["attackers"]) == int(sys.argv[2]) else 1)' \
	"$D/attack.json" $COUNT
check "lon dropped, nyc and tyo dropped nothing" $PY -c '
import json, sys
s = {x["name"]: x for x in json.load(open(sys.argv[1]))["sites"]}
print(s)
sys.exit(0 if s["lon"]["dropped"] > 0 and s["nyc"]["dropped"] == 0 and s["tyo"]["dropped"] == 0 else 1)' \
	"$D/attack.json"
for c in boston seoul; do
	eval "p=\$P_$c"
	wait_exit "$p" 30
	check "$c (another catchment) lost nothing during the attack ($(head -c 200 "$D/$c.json"))" $PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if d["sent"] > 0 and d["lost"] == 0 else 1)' "$D/$c.json"
done
"$ANYCAST" lab status --json --lab "$L" >"$D/status1.json"
check "lab status --json shows lon's drops" sh -c \
	"[ $(site_field "$D/status1.json" lon dropped) -gt $(site_field "$D/status0.json" lon dropped) ]"

wait_exit "$P_mumbai" $((SECS + 40))
log "mumbai: $($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["sites"], d["switches"], "lost", d["lost"], "of", d["sent"])' "$D/mumbai.json" 2>&1)"
check "lon shed mumbai to tyo and took it back, without flapping (exactly two switches)" $PY -c '
import json, sys
sw = json.load(open(sys.argv[1]))["switches"]
sys.exit(0 if [(s["from"], s["to"]) for s in sw] == [("lon", "tyo"), ("tyo", "lon")] else 1)' \
	"$D/mumbai.json"
check "mumbai is answered by lon again" sh -c \
	"'$ANYCAST' lab status --json --lab $L | grep -q '\"name\":\"mumbai\",\"site\":\"lon\"'"

"$ANYCAST" lab down --lab "$L"
check "down removes the lab" sh -c "! ip netns list | grep -q '^$L-'"
finish
