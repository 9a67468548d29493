#!/bin/bash
# A reload is all or nothing: one that changes router-id and local-as and then cannot listen
# on a new address leaves everything as it was (the session, its TCP connection and flap count,
# the services, the listeners); once the address is free, a reload with a new router-id applies.
#
#   A eth0 198.18.0.1/31, lo 203.0.113.9/32  anycastd AS 65001, service dns 192.0.2.0/25
#   B eth0 198.18.0.0/31                     BIRD AS 64500
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bird birdc python3
require_anycastd

A_V4=198.18.0.1
B_V4=198.18.0.0
BUSY=203.0.113.9

ns_new a
A=$NS
ns_new b
B=$NS
veth "$A" eth0 "$B" eth0
addr "$A" eth0 $A_V4/31
addr "$B" eth0 $B_V4/31
addr "$A" lo $BUSY/32
mk_tmpdir
D=$TMPD
SOCK=$D/anycastd.sock

# write_conf ROUTER_ID LOCAL_AS EXTRA_LISTEN SERVICES...
write_conf() {
	local rid=$1 las=$2 extra=$3 s
	shift 3
	{
		echo "router-id $rid"
		echo "local-as $las"
		echo "listen $A_V4"
		[ -n "$extra" ] && echo "listen $extra"
		echo "control $SOCK"
		echo "neighbor $B_V4 {"
		echo "    remote-as 64500"
		echo "    local-address $A_V4"
		echo "    hold-time 9"
		echo "}"
		for s; do
			case $s in
			dns) echo "service dns { prefix 192.0.2.0/25 }" ;;
			web) echo "service web { prefix 192.0.2.128/25 }" ;;
			esac
		done
	} >"$D/anycastd.conf"
}
write_conf $A_V4 65001 "" dns

cat >"$D/bird.conf" <<EOF2
log stderr all;
router id $B_V4;
protocol device { }
protocol bgp v4 {
	local $B_V4 as 64500;
	neighbor $A_V4 as 65001;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	ipv4 { import all; export none; };
}
EOF2
spawn "$B" "$D/bird.log" bird -f -c "$D/bird.conf" -s "$D/bird.ctl"
wait_until 10 birdc -s "$D/bird.ctl" show status || die "BIRD control socket did not come up"
spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/anycastd.conf"
APID=$SPAWN_PID

session_id() {
	local t f
	t=$(tcp_session "$A" $A_V4 $B_V4) || return 1
	f=$(neighbor_flaps "$A" "$SOCK" $B_V4) && [ -n "$f" ] || return 1
	echo "$t flaps=$f"
}
services() {
	local j
	j=$(anycast_in "$A" "$SOCK" show services --json) && jget "$j" "' '.join(sorted(s['name'] for s in d))"
}
bird_has() { birdc -s "$D/bird.ctl" show route "$1" | grep -q "^$1"; }
bird_rid() { birdc -s "$D/bird.ctl" show protocols all v4 | grep -q "Neighbor ID:.*$1"; }

check_eventually 25 "session Established" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 10 "BIRD has 192.0.2.0/25" bird_has 192.0.2.0/25
check_eventually 10 "the session is one TCP connection" session_id
sid=$(session_id)

# someone else holds port 179 on the new listen address
spawn "$A" "$D/busy.log" "$PY" -c "import socket, time
s = socket.socket(); s.bind(('$BUSY', 179)); s.listen(); time.sleep(120)"
BUSY_PID=$SPAWN_PID
check_eventually 5 "port 179 on $BUSY is taken by another process" listening "$A" tcp 179

write_conf 198.18.0.9 65009 $BUSY dns web
check "anycastd -n accepts the new config" "$ANYCASTD" -n -c "$D/anycastd.conf"
out=$(anycast_in "$A" "$SOCK" reload 2>&1)
rc=$?
check "anycast reload fails (exit $rc): $out" test $rc != 0
check "the failure names the address" sh -c "printf '%s' '$out' | grep -q '$BUSY'"
check "the anycastd log says so too" sh -c "grep -q 'listen $BUSY port 179' '$D/anycastd.log' || printf '%s' '$out' | grep -q 'listen $BUSY port 179'"
sleep 2
check "same TCP connection and flap count" test "$(session_id)" = "$sid"
check "neighbor still Established" neighbor_established "$A" "$SOCK" $B_V4
check "services unchanged (dns only)" test "$(services)" = dns
check "BIRD still has 192.0.2.0/25 and not 192.0.2.128/25" sh -c "birdc -s '$D/bird.ctl' show route 192.0.2.0/25 | grep -q 192.0.2.0/25 && ! birdc -s '$D/bird.ctl' show route 192.0.2.128/25 | grep -q 192.0.2.128/25"
check "anycastd still listens on $A_V4" sh -c "ip netns exec '$A' ss -Hlnt 'sport = :179' | grep -q '$A_V4:179'"
check "the router-id BIRD sees is still $A_V4" bird_rid $A_V4

# the address is free again: a new router-id (same AS) applies, with the new listener
stop_pid "$BUSY_PID" TERM 2
write_conf 198.18.0.9 65001 $BUSY dns web
out=$(anycast_in "$A" "$SOCK" reload 2>&1)
check "with the port free the reload succeeds: $out" test $? = 0
check_eventually 25 "the session comes back with router-id 198.18.0.9" bird_rid 198.18.0.9
check_eventually 10 "services dns and web" sh -c "test \"\$(ip netns exec '$A' '$ANYCAST' -s '$SOCK' show services --json | $PY -c 'import json,sys; print(\" \".join(sorted(s[\"name\"] for s in json.load(sys.stdin))))')\" = 'dns web'"
check_eventually 10 "BIRD has 192.0.2.128/25" bird_has 192.0.2.128/25
check "anycastd listens on $A_V4 and $BUSY" sh -c "ip netns exec '$A' ss -Hlnt 'sport = :179' | grep -q '$A_V4:179' && ip netns exec '$A' ss -Hlnt 'sport = :179' | grep -q '$BUSY:179'"

if [ "$T_FAILED" != 0 ]; then
	for f in "$D/anycastd.log" "$D/bird.log"; do
		echo "---- tail of $f"
		tail -n 30 "$f"
	done
fi
stop_all
finish
