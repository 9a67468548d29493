#!/bin/bash
# Malformed input from a peer (badpeer.py) against anycastd, one neighbor per case, while a
# well-behaved BIRD session in the same anycastd must stay Established throughout.
# anycastd runs under valgrind (--error-exitcode=1 --leak-check=full) when valgrind exists
# (VALGRIND=0 turns that off) and must exit 0 on SIGTERM: no crash, no errors, no leaks.
#
#   A eth0 198.18.1.1/24  anycastd AS 65001, announces 192.0.2.0/24
#   B eth0 198.18.1.2/24  BIRD AS 64500 (the good session), announces 198.51.100.128/25
#          198.18.1.11-20 badpeer AS 64512, one address per case (anycastd neighbor: passive)
#
# Cases and the outcome the RFCs require (RFC 4271 section 6, RFC 7606):
#   marker        KEEPALIVE with a bad marker                  NOTIFICATION 1/1
#   length        header length 18                             NOTIFICATION 1/2
#   origin        ORIGIN 5                                     treat-as-withdraw, session stays up
#   aspath        AS_PATH segment overruns the attribute       treat-as-withdraw
#   nexthop       NLRI without NEXT_HOP                        treat-as-withdraw
#   attr_overrun  last attribute overruns Total Path Attr Len  treat-as-withdraw (RFC 7606 sec. 4)
#   attrlist      Total Path Attribute Length overruns message NOTIFICATION 3/1
#   peeras        OPEN with AS 64666, 64512 configured         NOTIFICATION 2/2
#   hold1, hold2  OPEN with hold time 1, 2                     NOTIFICATION 2/6
# For every case anycastd's log must have a line naming the peer's address and the reason.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bird birdc python3
require_anycastd

A_IP=198.18.1.1
BIRD_IP=198.18.1.2
BAD_AS=64512
GOOD=203.0.113.0/24  # badpeer's well-formed announcement
EXTRA=198.51.100.0/24 # only ever in the malformed UPDATE
BIRD_PFX=198.51.100.128/25

# case name, last octet, badpeer --case, extra badpeer args, expected, log keywords (ERE)
CASES="
marker       11 marker       -            1/1      marker|synchron
length       12 length       -            1/2      length
origin       13 origin       -            withdraw origin
aspath       14 aspath       -            withdraw as_path|as-path|as path|aspath
nexthop      15 nexthop      -            withdraw next_hop|next-hop|next hop|nexthop
attr_overrun 16 attr_overrun -            withdraw attribute|attr|length
attrlist     17 attrlist     -            3/1      attribute|attr|length
peeras       18 open         --as=64666   2/2      peer as|remote-as|remote as|bad peer|64666
hold1        19 open         --hold=1     2/6      hold
hold2        20 open         --hold=2     2/6      hold
"

ns_new a
A=$NS
ns_new b
B=$NS
veth "$A" eth0 "$B" eth0
addr "$A" eth0 $A_IP/24
addr "$B" eth0 $BIRD_IP/24
for o in $(echo "$CASES" | awk 'NF { print $2 }'); do addr "$B" eth0 198.18.1.$o/24; done
mk_tmpdir
D=$TMPD
SOCK=$D/anycastd.sock

{
	echo "router-id $A_IP"
	echo "local-as 65001"
	echo "listen $A_IP"
	echo "control $SOCK"
	echo "neighbor $BIRD_IP {"
	echo "    remote-as 64500"
	echo "    local-address $A_IP"
	echo "    hold-time 9"
	echo "}"
	echo "$CASES" | while read -r name o rest; do
		[ -n "$name" ] || continue
		echo "neighbor 198.18.1.$o {    # case $name"
		echo "    remote-as $BAD_AS"
		echo "    local-address $A_IP"
		echo "    hold-time 9"
		echo "    passive"
		echo "}"
	done
	echo "service dns {"
	echo "    prefix 192.0.2.0/24"
	echo "    community 65001:100"
	echo "}"
} >"$D/anycastd.conf"

cat >"$D/bird.conf" <<EOF
log stderr all;
router id $BIRD_IP;
timeformat protocol iso long ms;
protocol device { }
protocol static s4 { ipv4; route $BIRD_PFX unreachable; }
protocol bgp good {
	local $BIRD_IP as 64500;
	neighbor $A_IP as 65001;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	ipv4 { import all; export where source = RTS_STATIC; };
}
EOF

check "anycastd -n accepts the config" "$ANYCASTD" -n -c "$D/anycastd.conf"

VG=()
if [ "${VALGRIND:-1}" != 0 ] && command -v valgrind >/dev/null 2>&1; then
	VG=(valgrind --error-exitcode=1 --leak-check=full --track-fds=no --log-file="$D/valgrind.log")
	log "anycastd runs under valgrind"
fi
spawn "$B" "$D/bird.log" bird -f -c "$D/bird.conf" -s "$D/bird.ctl"
spawn "$A" "$D/anycastd.log" "${VG[@]}" "$ANYCASTD" -d -c "$D/anycastd.conf"
APID=$SPAWN_PID

birdc_() { birdc -s "$D/bird.ctl" "$@"; }
# The good session's identity: BIRD's end of its TCP connection (a reset is a new connection,
# a new ephemeral port) and anycastd's flap counter for it. Not BIRD's "since" time: it moves by
# a millisecond with no reset, and a timestamp cut to the second can hide one.
bird_since() {
	local t f
	t=$(tcp_session "$B" $BIRD_IP $A_IP) || return 1
	f=$(neighbor_flaps "$A" "$SOCK" $BIRD_IP) && [ -n "$f" ] || return 1
	echo "$t flaps=$f"
}
bird_same() { local now; now=$(nonempty bird_since); [ "$now" = "$BIRD_SINCE" ]; }
bird_has_ours() { birdc_ show route 192.0.2.0/24 protocol good | grep -q 192.0.2.0/24; }
# routes in anycastd from ADDR for PREFIX (count)
routes_from() {
	local j
	j=$(anycast_in "$A" "$SOCK" show routes --json) || return 1
	jget "$j" "len([r for r in d if r['from']=='$1' and r['prefix']=='$2' and not r.get('rejected')])"
}
has_route() { [ "$(routes_from "$1" "$2")" -ge 1 ] 2>/dev/null; }
lacks_route() { [ "$(routes_from "$1" "$2")" = 0 ]; }
good_session_ok() {
	alive "$APID" || { echo "anycastd is not running"; return 1; }
	retry 3 neighbor_established "$A" "$SOCK" $BIRD_IP || { echo "anycastd: BIRD session not Established"; return 1; }
	retry 3 bird_same || { echo "BIRD's session was reset ($BIRD_SINCE -> $(bird_since))"; return 1; }
	retry 3 bird_has_ours || { echo "BIRD lost 192.0.2.0/24"; return 1; }
}
logged() { # ADDR KEYWORDS: a line of anycastd's log names the peer and the reason
	grep -w -F "$1" "$D/anycastd.log" | grep -q -i -E "$2"
}
badpeer() { # OCTET CASE ARGS...
	local o=$1 c=$2
	shift 2
	spawn "$B" "$D/badpeer-$o.out" "$PY" "$IT_DIR/badpeer.py" --connect $A_IP --bind 198.18.1.$o \
		--as $BAD_AS --router-id 198.18.1.$o --case "$c" --prefix $GOOD --extra $EXTRA \
		--go "$D/go-$o" --stop "$D/stop-$o" --timeout 20 "$@"
	BPID=$SPAWN_PID
}
bp_result() { grep '^RESULT' "$D/badpeer-$1.out" | head -n 1 | cut -d' ' -f2-; }

check_eventually 30 "good session with BIRD Established in anycastd" neighbor_established "$A" "$SOCK" $BIRD_IP
check_eventually 10 "BIRD has our 192.0.2.0/24" bird_has_ours
check_eventually 10 "anycastd has BIRD's $BIRD_PFX" has_route $BIRD_IP $BIRD_PFX
check_eventually 10 "the good session is one TCP connection" bird_since
BIRD_SINCE=$(nonempty bird_since)

echo "$CASES" | awk 'NF' >"$D/cases"
while read -r name o bcase bargs expect kw; do
	addr=198.18.1.$o
	args=()
	[ "$bargs" != - ] && args=("${bargs%%=*}" "${bargs#*=}")
	failed0=$T_FAILED
	echo "== case $name: expect $expect"
	badpeer "$o" "$bcase" "${args[@]}"
	if [ "$expect" = withdraw ]; then
		check_eventually 15 "$name: the well-formed $GOOD from $addr is accepted first" has_route "$addr" $GOOD
		touch "$D/go-$o"
		check_eventually 10 "$name: treat-as-withdraw removes $GOOD from $addr" lacks_route "$addr" $GOOD
		check_eventually 10 "$name: $EXTRA (only in the malformed UPDATE) was not accepted" lacks_route "$addr" $EXTRA
		check_steady 1 "$name: the session with $addr stays Established" neighbor_established "$A" "$SOCK" "$addr"
		touch "$D/stop-$o"
		wait_exit "$BPID" 10 || stop_pid "$BPID"
		check "$name: badpeer saw no NOTIFICATION (RESULT session-up)" test "$(bp_result "$o")" = session-up
	else
		wait_exit "$BPID" 25 || stop_pid "$BPID"
		res=$(bp_result "$o")
		check "$name: anycastd answers NOTIFICATION $expect (got: ${res:-nothing})" \
			test "$(echo "$res" | awk '{ print $1, $2 }')" = "notification $expect"
	fi
	check_eventually 10 "$name: anycastd's log names $addr and the reason (/$kw/)" logged "$addr" "$kw"
	check "$name: anycastd still running, BIRD session untouched" good_session_ok
	[ "$T_FAILED" != "$failed0" ] && sed 's/^/         badpeer: /' "$D/badpeer-$o.out"
done <"$D/cases"

check_steady 1 "after all cases: BIRD session still Established and never reset" good_session_ok
kill -TERM "$APID"
if wait_exit "$APID" 30; then
	if [ ${#VG[@]} -gt 0 ]; then
		check "anycastd exits 0 under valgrind (no memory errors, no leaks)" test "$EXIT_STATUS" = 0 ||
			sed -n '/ERROR SUMMARY\|definitely lost\|indirectly lost\|possibly lost\|Invalid\|uninitialised/p' "$D/valgrind.log" | head -n 30
		check "valgrind: ERROR SUMMARY: 0 errors" grep -q "ERROR SUMMARY: 0 errors" "$D/valgrind.log"
		grep -E "ERROR SUMMARY|definitely lost|in use at exit" "$D/valgrind.log" | sed 's/^/         /'
	else
		check "anycastd exits 0 on SIGTERM" test "$EXIT_STATUS" = 0
	fi
else
	fail "anycastd exits within 30 s of SIGTERM"
fi
if [ "$T_FAILED" != 0 ]; then
	echo "---- tail of anycastd.log"
	tail -n 40 "$D/anycastd.log"
	[ -s "$D/valgrind.log" ] && { echo "---- tail of valgrind.log"; tail -n 40 "$D/valgrind.log"; }
fi
finish
