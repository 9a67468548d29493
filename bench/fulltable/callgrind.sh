#!/bin/bash
# bench/fulltable/callgrind.sh: instructions anycastd executes to import a fixed feed, counted
# by valgrind's callgrind (repeatable on a shared, noisy machine, unlike time).
#
#   sudo bench/fulltable/callgrind.sh [anycastd|bird]   env: ROUTES=200000 SEED=1 LIMIT=900 (s) TOP=20
#
# bird: the anchor, BIRD 2 as in run.sh (one bgp protocol `feed`, import all, export none, no
# kernel protocol), counted the same way ("N imported" of `birdc show protocols all feed`).
#
# Two fresh namespaces joined by a veth, as in run.sh: F (198.18.0.0/31, `anycast feed`, AS
# 64500) and D (198.18.0.1/31, anycastd under callgrind, `fib no`, `transit yes`, AS 65001).
# Counting is zeroed (callgrind_control -z) once anycastd is up, just before the feed starts,
# and dumped (-d) when anycastd has accepted all ROUTES: the figure is the session and the
# import (decode, import policy, RIB, decision, Adj-RIB-Out), not start-up or exit. It also
# holds the control-socket polls (`show neighbors`, one a second, a few tens of thousands of
# instructions each: noise well under 0.1%). Prints the total and the TOP functions by self
# cost.
# Bounded by LIMIT; everything it starts it stops by PID; its namespaces go on exit.
set -u
TOPDIR=$(cd "$(dirname "$0")/../.." && pwd)
ANYCASTD=${ANYCASTD:-$TOPDIR/build/anycastd}
ANYCAST=${ANYCAST:-$TOPDIR/build/anycast}
ROUTES=${ROUTES:-200000}
SEED=${SEED:-1}
LIMIT=${LIMIT:-900}
TOP=${TOP:-20}
WHO=${1:-anycastd}
die() { echo "callgrind: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
for c in valgrind callgrind_control callgrind_annotate ip python3; do
	command -v "$c" >/dev/null || die "missing $c"
done
D=$(mktemp -d /tmp/anycast-callgrind.$$.XXXXXX) || die mktemp
NSF=cgf$$ NSD=cgd$$
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	sleep 1
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	ip netns del $NSF 2>/dev/null
	ip netns del $NSD 2>/dev/null
	rm -rf "$D"
}
trap cleanup EXIT
ip netns add $NSF && ip netns add $NSD || die "ip netns add"
ip -n $NSF link set lo up
ip -n $NSD link set lo up
ip link add cgv$$f netns $NSF type veth peer name cgv$$d netns $NSD || die veth
ip -n $NSF addr add 198.18.0.0/31 dev cgv$$f
ip -n $NSD addr add 198.18.0.1/31 dev cgv$$d
ip -n $NSF link set cgv$$f up
ip -n $NSD link set cgv$$d up
if [ "$WHO" = bird ]; then
	cat >"$D/bird.conf" <<EOF2
log stderr { warning, error, fatal };
router id 198.18.0.1;
protocol device { }
protocol bgp feed {
    local 198.18.0.1 as 65001;
    neighbor 198.18.0.0 as 64500;
    passive on;
    hold time 240;
    ipv4 { import all; export none; };
}
EOF2
	CTL=$D/bird.ctl
	ip netns exec $NSD valgrind --tool=callgrind --callgrind-out-file="$D/cg.out" \
		bird -f -c "$D/bird.conf" -s "$CTL" >"$D/daemon.log" 2>&1 &
	accepted() {
		ip netns exec $NSD birdc -s "$CTL" show protocols all feed 2>/dev/null |
			awk '/Routes:/ { print $2; f = 1 } END { if (!f) print -1 }'
	}
else
	cat >"$D/anycastd.conf" <<EOF2
router-id 198.18.0.1
local-as 65001
listen 198.18.0.1
control $D/anycastd.sock
fib no
transit yes
rfc8212 no
neighbor 198.18.0.0 {
    remote-as 64500
    local-address 198.18.0.1
    passive
    hold-time 240
}
EOF2
	CTL=$D/anycastd.sock
	ip netns exec $NSD valgrind --tool=callgrind --callgrind-out-file="$D/cg.out" \
		"$ANYCASTD" -d -c "$D/anycastd.conf" >"$D/daemon.log" 2>&1 &
	accepted() {
		ip netns exec $NSD "$ANYCAST" -s "$CTL" show neighbors --json 2>/dev/null |
			python3 -c 'import sys, json; d = json.load(sys.stdin); print(d[0]["accepted"] if d and d[0]["state"] == "Established" else -1)' 2>/dev/null
	}
fi
VPID=$!
PIDS+=("$VPID")
end=$((SECONDS + LIMIT))
until [ -S "$CTL" ] && [ "$(accepted)" != "" ]; do
	[ $SECONDS -lt $end ] || die "$WHO did not start: $(tail -5 "$D/daemon.log")"
	sleep 1
done
# counting from now: the feed's session (OPEN, KEEPALIVE) and its routes, nothing of start-up
callgrind_control -z "$VPID" >/dev/null 2>&1 || die "callgrind_control -z failed"
ip netns exec $NSF "$ANYCAST" feed --peer 198.18.0.1 --local-address 198.18.0.0 --local-as 64500 \
	--remote-as 65001 --routes "$ROUTES" --seed "$SEED" --quiet >"$D/feed.log" 2>&1 &
FPID=$!
PIDS+=("$FPID")
T0=$SECONDS
while n=$(accepted) && [ "${n:--1}" -lt "$ROUTES" ]; do
	[ $SECONDS -lt $end ] || die "only ${n:-?} of $ROUTES routes accepted in time"
	sleep 1
done
callgrind_control -d "$VPID" >/dev/null 2>&1 || die "callgrind_control -d failed"
echo "$WHO, routes $ROUTES seed $SEED: import under callgrind $((SECONDS - T0)) s"
F=$(ls "$D"/cg.out.* 2>/dev/null | sort | tail -1)
[ -n "$F" ] || F=$D/cg.out
OUT=${OUT:-/tmp/anycast-callgrind.out}
cp "$F" "$OUT" && echo "callgrind output kept in $OUT (callgrind_annotate $OUT)"
callgrind_annotate --auto=no "$F" 2>/dev/null | awk -v top="$TOP" '
	/PROGRAM TOTALS/ { print; next }
	/file:function/ { f = 1; print; next }
	f && /\(/ && n < top { print; n++ }'
