#!/bin/bash
# anycastd under load and abuse (issue 10), with `anycast feed` and loadpeer.py as neighbours.
#
#   A eth0 198.18.3.1/24  anycastd AS 65001, listens, every neighbour passive
#   B eth0 198.18.3.2-6   the neighbours, all in one namespace:
#          .2 anycast feed AS 64500 (a full table: 1M routes in part 1, 400k in part 2)
#          .3 loadpeer steady AS 64501, hold time 3, keeps its own hold timer, logs withdrawals
#          .4 loadpeer noread AS 64502: KEEPALIVEs every second, never reads (send-hold-time 6s)
#          .5 anycast feed AS 64503, 2000 routes against max-prefix 1000 restart 5s
#          .6 anycast feed AS 64504, 2000 routes against max-prefix 1000 warning-only
#
# 1. Node mode. While .2 sends 1M routes: the hold-time-3 session with .3 stays up (the same TCP
#    4-tuple before and after, flap count 0, loadpeer's own hold timer never expires), the
#    service's failing check is withdrawn towards .3 at its normal time (fall 2 x 100 ms), and
#    the longest event loop iteration (anycastd_loop_max_iteration_seconds) stays under 50 ms.
#    Then .3 reconnects (its first export walks the 1M-route RIB) and .2 goes down (1M paths
#    leave the RIB): the most CPU an iteration took stays under 50 ms, both being done in steps.
# 2. Router mode (transit yes). .2 sends 400k routes, then .4 connects: the table exported to it
#    sticks in the socket; its output queue metric stays bounded, anycastd's RSS does not grow,
#    and it is dropped by the send hold timer with a log line naming it. max-prefix restart: the
#    session ends with Cease/1, .5 reconnecting at once is refused (Cease/5) until the 5 s are
#    over; warning-only: .6 stays Established with all 2000 routes and a warning in the log.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3 ss
require_anycastd

A_IP=198.18.3.1
FEED=198.18.3.2
STEADY=198.18.3.3
NOREAD=198.18.3.4
MPR=198.18.3.5
MPW=198.18.3.6
SVC=192.0.2.0/24
HEALTH_PORT=8053
METRICS_PORT=9179

ns_new a
A=$NS
ns_new b
B=$NS
veth "$A" eth0 "$B" eth0
addr "$A" eth0 $A_IP/24
for h in $FEED $STEADY $NOREAD $MPR $MPW; do addr "$B" eth0 $h/24; done
mk_tmpdir
D=$TMPD
SOCK=$D/anycastd.sock

# neighbor ADDR AS [EXTRA LINE...]
neighbor() {
	local a=$1 as=$2
	shift 2
	echo "neighbor $a {"
	echo "    remote-as $as"
	echo "    local-address $A_IP"
	echo "    passive"
	for l; do echo "    $l"; done
	echo "}"
}

conf_common() {
	echo "router-id $A_IP"
	echo "local-as 65001"
	echo "listen $A_IP"
	echo "control $SOCK"
	echo "metrics 127.0.0.1:$METRICS_PORT"
}

metric() { # metric NAME_WITH_LABELS: its value
	ip netns exec "$A" "$PY" -c '
import sys, urllib.request
t = urllib.request.urlopen("http://127.0.0.1:%s/metrics" % sys.argv[1], timeout=5).read().decode()
for l in t.splitlines():
    if l.startswith(sys.argv[2] + " "):
        print(l.split()[1])' "$METRICS_PORT" "$1"
}
accepted() {
	local j
	j=$(anycast_in "$A" "$SOCK" show neighbors --json 2>/dev/null) || return 1
	jget "$j" "[n['accepted'] for n in d if n['address']=='$1'][0]"
}
accepted_is() { [ "$(accepted "$1")" = "$2" ]; }
accepted_over() { local n; n=$(accepted "$1") && [ "${n:-0}" -gt "$2" ]; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
start_anycastd() {
	spawn "$A" "$D/anycastd$1.log" "$ANYCASTD" -d -c "$D/anycastd$1.conf"
	APID=$SPAWN_PID
	wait_until 10 test -S "$SOCK" || die "anycastd did not start: $(cat "$D/anycastd$1.log")"
}
feed() { # feed FROM AS ROUTES LOG
	spawn "$B" "$4" "$ANYCAST" feed --peer $A_IP --local-address "$1" --local-as "$2" \
		--remote-as 65001 --routes "$3" --quiet
	FEED_PID=$SPAWN_PID
}

# ---------------------------------------------------------------- 1. node mode, 1M routes
PARTS=${PARTS:-1 2} # PARTS=2 runs only part 2; KEEP_LOGS=DIR keeps the logs there
part1() {

{
	conf_common
	neighbor $FEED 64500
	neighbor $STEADY 64501 "hold-time 3"
	echo "service web {"
	echo "    prefix $SVC"
	echo "    check tcp 127.0.0.1:$HEALTH_PORT interval 100ms timeout 80ms rise 2 fall 2"
	echo "}"
} >"$D/anycastd1.conf"
# the service: accepts and closes, until stopped
spawn "$A" "$D/health.log" "$PY" -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", '$HEALTH_PORT')); s.listen(64)
while True: s.accept()[0].close()'
HEALTH_PID=$SPAWN_PID
start_anycastd 1
spawn "$B" "$D/steady.log" "$PY" "$IT_DIR/loadpeer.py" --peer $A_IP --local $STEADY --as 64501 \
	--hold 3 --mode steady --events "$D/steady.events" --stop "$D/stop1"
STEADY_PID=$SPAWN_PID
check_eventually 15 "the hold-time-3 neighbour is Established" neighbor_established "$A" "$SOCK" $STEADY
S0=$(tcp_session "$A" $A_IP $STEADY)
log "its session: $S0"
T0=$(date +%s%N)
feed $FEED 64500 1M "$D/feed1.log"
check_eventually 30 "the full table is arriving" accepted_over $FEED 100000
# the service fails in the middle of the import
stop_pid "$HEALTH_PID"
T_FAIL=$(date +%s%N)
check_eventually 3 "the failing service is withdrawn towards the steady neighbour in time" \
	grep -q "^W $SVC\$" "$D/steady.events"
log "withdrawal seen $(( ($(date +%s%N) - T_FAIL) / 1000000 )) ms after the check's target went"
check_eventually 60 "all 1M routes accepted" accepted_is $FEED 1000000
log "1M routes in $(( ($(date +%s%N) - T0) / 1000000 )) ms"
STALL=$(metric anycastd_loop_max_iteration_seconds)
CPU=$(metric anycastd_loop_max_iteration_cpu_seconds)
log "longest loop iteration: ${STALL}s of wall time, at most ${CPU}s of CPU in one iteration"
# The work done in one go is what the budget bounds; the wall time also counts the moments
# other processes (a loaded test machine) held the CPU, so it is logged, not asserted.
check "the most CPU one loop iteration took during the import is under 50 ms" \
	awk -v s="$CPU" 'BEGIN { exit !(s != "" && s < 0.05) }'
check "the steady neighbour's session is the same TCP connection" \
	test "$(tcp_session "$A" $A_IP $STEADY)" = "$S0"
check "and never flapped" test "$(neighbor_flaps "$A" "$SOCK" $STEADY)" = 0
touch "$D/stop1"
wait_exit "$STEADY_PID" 5
check "loadpeer's own hold timer never expired" grep -q "RESULT session-up" "$D/steady.log"
# A neighbour comes up (its first export walks the 1M-route RIB) while the 1M-route one goes
# down (its paths leave the RIB): both in steps, no iteration near the import's budget.
rm -f "$D/stop1"
spawn "$B" "$D/steady2.log" "$PY" "$IT_DIR/loadpeer.py" --peer $A_IP --local $STEADY --as 64501 \
	--hold 3 --mode steady --events "$D/steady2.events" --stop "$D/stop1"
STEADY_PID=$SPAWN_PID
check_eventually 15 "the hold-time-3 neighbour is Established again" neighbor_established "$A" "$SOCK" $STEADY
stop_pid "$FEED_PID"
T_DOWN=$(date +%s%N)
check_eventually 30 "the 1M-route neighbour is down and its routes are gone" accepted_is $FEED 0
log "1M routes removed in $(( ($(date +%s%N) - T_DOWN) / 1000000 )) ms"
CPU=$(metric anycastd_loop_max_iteration_cpu_seconds)
log "at most ${CPU}s of CPU in one iteration, import, walk and removal included"
check "the most CPU one loop iteration took, with the 1M-route neighbour gone and another up, is under 50 ms" \
	awk -v s="$CPU" 'BEGIN { exit !(s != "" && s < 0.05) }'
check "the steady neighbour stays up meanwhile" neighbor_established "$A" "$SOCK" $STEADY
touch "$D/stop1"
wait_exit "$STEADY_PID" 5
stop_pid "$APID" TERM 20
rm -f "$SOCK"
}

# ---------------------------------------------------------------- 2. router mode, abuse
part2() {

{
	conf_common
	echo "fib no"
	echo "transit yes"
	neighbor $FEED 64500
	neighbor $NOREAD 64502 "send-hold-time 6s"
	neighbor $MPR 64503 "max-prefix 1000 restart 5s"
	neighbor $MPW 64504 "max-prefix 1000 warning-only"
} >"$D/anycastd2.conf"
start_anycastd 2
feed $FEED 64500 400k "$D/feed2.log"
check_eventually 30 "400k routes accepted" accepted_is $FEED 400000
spawn "$B" "$D/noread.log" "$PY" "$IT_DIR/loadpeer.py" --peer $A_IP --local $NOREAD --as 64502 \
	--hold 9 --mode noread --stop "$D/stop2"
NOREAD_PID=$SPAWN_PID
check_eventually 15 "the neighbour that never reads gets to Established" \
	grep -q "neighbor $NOREAD: session established" "$D/anycastd2.log"
# RSS from the moment the connection is stuck: its output queue holds bytes and has not moved
# since the sample before (the socket takes nothing more), at least 1 s after Established (its
# Adj-RIB-Out, 400k prefixes, is built by then). Not "the queue is over 64 KiB": the kernel's
# socket buffers take a varying share first, and the queue may stop well below its cap (37 kB
# in one CI run) when the socket fills between two encoding steps.
T1=$(date +%s%N)
MAXQ=0 RSS0= RSS1= PREVQ=-1
while alive "$NOREAD_PID" && ! grep -q "send hold timer expired" "$D/anycastd2.log"; do
	q=$(metric "anycast_bgp_output_queue_bytes{neighbor=\"$NOREAD\"}")
	[ -n "$q" ] && [ "$q" -gt "$MAXQ" ] && MAXQ=$q
	[ -z "$RSS0" ] && [ "${q:-0}" -gt 0 ] && [ "$q" = "$PREVQ" ] &&
		[ $(($(date +%s%N) - T1)) -ge 1000000000 ] && RSS0=$(rss_kb "$APID")
	PREVQ=${q:--1}
	[ -n "$RSS0" ] && RSS1=$(rss_kb "$APID")
	sleep 0.2
	[ $(( ($(date +%s%N) - T1) / 1000000000 )) -lt 30 ] || break
done
log "output queue at most $MAXQ bytes; RSS $RSS0 kB when it stopped reading, ${RSS1:-?} kB last"
check "its output queue stays bounded (<= 132 kB)" test "$MAXQ" -le 135168
check "anycastd's RSS does not grow while it is stuck (< 2 MB)" \
	test -n "$RSS0" -a $((${RSS1:-0} - ${RSS0:-0})) -lt 2048
check "it is dropped by the send hold timer, the log names it" \
	grep -q "neighbor $NOREAD: send hold timer expired" "$D/anycastd2.log"
touch "$D/stop2"
wait_exit "$NOREAD_PID" 5

# max-prefix restart: Cease/1, then refused while the 5 s run, then accepted again
feed $MPR 64503 2000 "$D/mpr1.log"
check_eventually 10 "max-prefix ends the session with Cease/1" \
	grep -q "Maximum Number of Prefixes" "$D/mpr1.log"
wait_exit "$FEED_PID" 5
feed $MPR 64503 2000 "$D/mpr2.log"
check_eventually 5 "reconnecting at once is refused (Cease/Connection Rejected)" \
	grep -q "Connection Rejected" "$D/mpr2.log"
check "anycastd logs why" grep -q "neighbor $MPR: connection refused: idle hold" "$D/anycastd2.log"
wait_exit "$FEED_PID" 5
check "and never got to Established meanwhile" test "$(neighbor_flaps "$A" "$SOCK" $MPR)" = 1
sleep 5
feed $MPR 64503 500 "$D/mpr3.log"
check_eventually 10 "after the restart time it is accepted again" accepted_is $MPR 500
stop_pid "$FEED_PID"
# warning-only
feed $MPW 64504 2000 "$D/mpw.log"
check_eventually 15 "warning-only keeps all 2000 routes" accepted_is $MPW 2000
check "warning-only: still Established" neighbor_established "$A" "$SOCK" $MPW
check "warning-only: a warning in the log" grep -q "neighbor $MPW: .*warning-only" "$D/anycastd2.log"
stop_pid "$FEED_PID"
stop_pid "$APID" TERM 20
}

for p in $PARTS; do part$p; done
[ -n "${KEEP_LOGS:-}" ] && cp -r "$D" "$KEEP_LOGS"
finish
