#!/bin/bash
# Graceful restart (RFC 4724) with BIRD 2, both ways, in router mode (fib yes).
#
#   A eth0 198.18.0.1/31  anycastd AS 65001, graceful-restart yes, announces 192.0.2.0/25
#   B eth0 198.18.0.0/31  BIRD AS 64500, graceful restart on, announces 203.0.113.0/24
#
# 0. A first start (nothing left in the kernel, no restart mark): our OPEN's Restart State bit is
#    clear (BIRD's `show protocols all` lists "Restart recovery" among our capabilities when
#    it is set).
# 1. kill -9 of anycastd: BIRD keeps 192.0.2.0/25 and A's kernel keeps 203.0.113.0/24 while
#    anycastd is gone and restarts (both polled every 100 ms, never missing); the new anycastd
#    re-establishes with the Restart State bit, sends End-of-RIB, and its route is fresh again.
#    Then BIRD resets the session (`birdc restart`) while anycastd lives: the new OPEN has the
#    bit clear.
# 2. SIGTERM with graceful restart: the same, a planned restart (no NOTIFICATION), bit set.
#    Again with A's kernel routes removed while anycastd is stopped: the restart mark it left
#    next to its control socket alone makes the next start a restart (bit set).
# 3. kill -9 of BIRD, restarted with -R (graceful restart recovery): anycastd keeps BIRD's route,
#    `show routes` marks it stale, A's kernel route stays throughout; after BIRD's End-of-RIB it
#    is no longer stale.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bird birdc python3
require_anycastd

A_V4=198.18.0.1
B_V4=198.18.0.0

ns_new a
A=$NS
ns_new b
B=$NS
veth "$A" eth0 "$B" eth0
addr "$A" eth0 $A_V4/31
addr "$B" eth0 $B_V4/31
mk_tmpdir
D=$TMPD
SOCK=$D/anycastd.sock

cat >"$D/anycastd.conf" <<EOF2
router-id $A_V4
local-as 65001
listen $A_V4
control $SOCK
fib yes
rfc8212 no   # the test has no roles: BIRD is neither customer nor provider
neighbor $B_V4 {
    remote-as 64500
    local-address $A_V4
    hold-time 9
    graceful-restart yes
    graceful-restart-time 30
}
service dns {
    prefix 192.0.2.0/25
}
EOF2

cat >"$D/bird.conf" <<EOF2
log stderr all;
router id $B_V4;
protocol device { }
protocol static s4 {
	ipv4;
	route 203.0.113.0/24 unreachable;
}
protocol bgp v4 {
	local $B_V4 as 64500;
	neighbor $A_V4 as 65001;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	graceful restart on; graceful restart time 30;
	debug { states, events, packets };
	ipv4 { import all; export where source = RTS_STATIC; };
}
EOF2

birdc_() { birdc -s "$D/bird.ctl" "$@"; }
start_bird() {
	spawn "$B" "$D/bird.log.$1" bird -f "${@:2}" -c "$D/bird.conf" -s "$D/bird.ctl"
	BPID=$SPAWN_PID
	wait_until 10 birdc_ show status || die "BIRD control socket did not come up"
}
start_anycastd() {
	spawn "$A" "$D/anycastd.log.$1" "$ANYCASTD" -d -c "$D/anycastd.conf"
	APID=$SPAWN_PID
}
bird_up() { birdc_ show protocols v4 | grep -q Established; }
bird_has() { birdc_ show route "$1" protocol v4 | grep -q "^$1"; }
kernel_has() { ip -n "$A" route show "$1" proto 150 | grep -q "via $B_V4"; }
# route_flag PREFIX EXPR: anycast show routes --json, the route from BIRD satisfies EXPR (r)
route_is() {
	local j
	j=$(anycast_in "$A" "$SOCK" show routes --json) || return 1
	jcheck "$j" "any(r['prefix']=='$1' and r['from']=='$B_V4' and ($2) for r in d)" "want $1 with $2"
}

# poll_start NAME bird|kernel: every 100 ms (at most 600 times) record whether BIRD has our prefix and A's
# kernel has BIRD's (bird: both, kernel: the kernel only); poll_stop NAME bird|kernel ends it and fails on any "missing"
poll_start() {
	(
		for _ in $(seq 600); do
			if [ "$2" = bird ]; then
				bird_has 192.0.2.0/25 && echo "bird ok" || echo "bird missing $(date +%T.%N)"
			fi
			kernel_has 203.0.113.0/24 && echo "kernel ok" || echo "kernel missing $(date +%T.%N)"
			sleep 0.1
		done
	) >"$D/poll.$1" 2>&1 &
	POLL_PID=$!
	_PIDS+=("$POLL_PID")
}
poll_stop() {
	stop_pid "$POLL_PID" TERM 2 >/dev/null
	local ok
	ok=$(grep -c " ok" "$D/poll.$1")
	[ "$2" = bird ] && check "$1: BIRD's table never lost 192.0.2.0/25 ($ok samples ok)" \
		sh -c "! grep '^bird missing' '$D/poll.$1'"
	check "$1: A's kernel never lost 203.0.113.0/24" sh -c "! grep '^kernel missing' '$D/poll.$1'"
	check "$1: the poller sampled throughout" test "$ok" -gt 20
}

start_bird 0
start_anycastd 0
check_eventually 25 "session Established in anycastd" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 10 "session Established at BIRD" bird_up
check_eventually 10 "BIRD has 192.0.2.0/25" bird_has 192.0.2.0/25
check_eventually 10 "A's kernel has 203.0.113.0/24 via BIRD (proto 150)" kernel_has 203.0.113.0/24
# bird_caps REGEX: BIRD lists REGEX among the capabilities of our current OPEN
bird_caps() {
	birdc_ show protocols all v4 |
		awk -v re="$1" '/Neighbor capabilities/ { n = 1 } /Session:/ { n = 0 } n && $0 ~ re { f = 1 } END { exit !f }'
}
check "BIRD sees our graceful restart capability" bird_caps "Graceful restart"
check "BIRD sees our enhanced route refresh capability" bird_caps "Enhanced refresh"
no_restart_bit() { ! bird_caps "Restart recovery"; }
check "a first start: our OPEN's Restart State bit is clear" no_restart_bit
check "anycastd logged a first start" grep -q "a first start" "$D/anycastd.log.0"

# ---- 1. kill -9 of anycastd
poll_start kill9 bird
sleep 0.5
kill -KILL "$APID"
wait_exit "$APID" 5
check_eventually 10 "BIRD saw the session go (no NOTIFICATION): graceful restart active" \
	sh -c "birdc -s '$D/bird.ctl' show protocols all v4 | grep -qi 'graceful restart\|Connect\|Active'"
sleep 2
check "anycastd is gone for 2 s: BIRD still has 192.0.2.0/25" bird_has 192.0.2.0/25
check "anycastd is gone: A's kernel still has 203.0.113.0/24" kernel_has 203.0.113.0/24
start_anycastd 1
check_eventually 25 "restarted anycastd re-establishes" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 10 "BIRD got End-of-RIB from the restarted anycastd" \
	sh -c "grep -c 'END-OF-RIB' '$D/bird.log.0' | awk '\$1 >= 2 { ok = 1 } END { exit !ok }'"
check_eventually 10 "anycastd logged the end of its restart" \
	grep -q "graceful restart done" "$D/anycastd.log.1"
check "the restarted anycastd's OPEN has the Restart State bit" bird_caps "Restart recovery"
check "and the F bit: forwarding state preserved for IPv4" bird_caps "AF preserved:.*ipv4"
poll_stop kill9 bird
check "BIRD still has 192.0.2.0/25, no longer stale" sh -c \
	"birdc -s '$D/bird.ctl' show route 192.0.2.0/25 all | grep -q 192.0.2.0/25"
check "A's kernel still has 203.0.113.0/24" kernel_has 203.0.113.0/24
# a reset of the session while anycastd lives is no restart of ours
birdc_ restart v4 >/dev/null
check_eventually 10 "BIRD reset the session (Cease received)" \
	grep -q "received NOTIFICATION 6/4" "$D/anycastd.log.1"
check_eventually 25 "the session is back after BIRD's reset" bird_up
check "after a session reset the Restart State bit is clear" no_restart_bit

# ---- 2. SIGTERM with graceful restart: a planned restart
poll_start term bird
sleep 0.5
kill -TERM "$APID"
wait_exit "$APID" 10 || fail "anycastd exits on SIGTERM"
check "SIGTERM: no NOTIFICATION sent (planned restart)" sh -c "! grep -q 'Received: Administrative shutdown' '$D/bird.log.0'"
sleep 2
check "anycastd stopped for 2 s: BIRD still has 192.0.2.0/25" bird_has 192.0.2.0/25
start_anycastd 2
check_eventually 25 "anycastd re-establishes after SIGTERM" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 10 "anycastd finished its restart" grep -q "graceful restart done" "$D/anycastd.log.2"
check_eventually 10 "BIRD is Established with the restarted anycastd" bird_up
check "after SIGTERM the Restart State bit is set" bird_caps "Restart recovery"
poll_stop term bird
# the restart mark alone: no route of ours left in A's kernel
kill -TERM "$APID"
wait_exit "$APID" 10 || fail "anycastd exits on SIGTERM"
check "SIGTERM left the restart mark" grep -q "^stopped [0-9]" "$SOCK.restart"
ip -n "$A" route flush proto 150
check "A's kernel holds no route of protocol 150" test -z "$(ip -n "$A" route show proto 150)"
start_anycastd 3
check_eventually 25 "anycastd re-establishes after SIGTERM (mark only)" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 10 "BIRD is Established (mark only)" bird_up
check "the restart mark alone set the Restart State bit" bird_caps "Restart recovery"
check "anycastd logged the mark" grep -q "restarted (0 kernel routes, 0 addresses, restart mark)" "$D/anycastd.log.3"
check_eventually 10 "A's kernel has 203.0.113.0/24 again" kernel_has 203.0.113.0/24

# ---- 3. kill -9 of BIRD, restarted in graceful restart recovery
check_eventually 10 "BIRD's route is fresh in anycastd" route_is 203.0.113.0/24 "not r.get('stale')"
poll_start bird kernel
sleep 0.5
kill -KILL "$BPID"
wait_exit "$BPID" 5
check_eventually 10 "BIRD killed: anycastd keeps 203.0.113.0/24, marked stale" \
	route_is 203.0.113.0/24 "r.get('stale') is True and r['best']"
check "anycastd logged that it keeps the routes" grep -q "graceful restart: keeping 1 routes" "$D/anycastd.log.3"
sleep 2
check "BIRD gone for 2 s: A's kernel still has 203.0.113.0/24" kernel_has 203.0.113.0/24
start_bird 1 -R
check_eventually 25 "BIRD re-establishes" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 15 "after BIRD's End-of-RIB the route is no longer stale" \
	route_is 203.0.113.0/24 "not r.get('stale')"
poll_stop bird kernel
check "A's kernel has 203.0.113.0/24 after BIRD's restart" kernel_has 203.0.113.0/24

if [ "$T_FAILED" != 0 ]; then
	for f in "$D"/anycastd.log.* "$D"/bird.log.*; do
		echo "---- tail of $f"
		tail -n 30 "$f"
	done
fi
stop_all
finish
