#!/bin/bash
# Route refresh instead of a session reset (RFC 2918, enhanced: RFC 7313) with FRR bgpd.
#
#   A eth0 198.18.0.1/31  anycastd AS 65001, import-prefix 203.0.113.0/24 only
#   B eth0 198.18.0.0/31  FRR bgpd AS 64500 (enhanced route refresh is on by default),
#                         announces 203.0.113.0/24 and 198.51.100.0/24
#
# A reload that adds 198.51.100.0/24 to the import allow-list sends ROUTE-REFRESH; FRR answers
# between BoRR and EoRR; the route is accepted; the session is the same TCP connection and
# anycastd's flap counter and FRR's connection counters do not move. (graceful-restart yes: FRR
# sends End-of-RIB only to a neighbour with graceful restart, and postpones a refresh until it
# has sent End-of-RIB.) Then an export-policy
# change (prepend) is re-sent without a reset either.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd vtysh python3
BGPD=${BGPD:-/usr/lib/frr/bgpd}
[ -x "$BGPD" ] || skip "missing $BGPD"
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

# write_conf "IMPORT-PREFIX LINES" PREPEND
write_conf() {
	cat >"$D/anycastd.conf" <<EOF2
router-id $A_V4
local-as 65001
listen $A_V4
control $SOCK
neighbor $B_V4 {
    remote-as 64500
    local-address $A_V4
    hold-time 9
    graceful-restart yes
$1
    prepend $2
}
service dns {
    prefix 192.0.2.0/25
}
EOF2
}
write_conf "    import-prefix 203.0.113.0/24" 0

cat >"$D/bgpd.conf" <<EOF2
frr defaults traditional
hostname peer
log stdout debugging
debug bgp neighbor-events
debug bgp updates in
router bgp 64500
 bgp router-id $B_V4
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 neighbor $A_V4 remote-as 65001
 neighbor $A_V4 update-source $B_V4
 neighbor $A_V4 timers 3 9
 neighbor $A_V4 timers connect 1
 address-family ipv4 unicast
  network 203.0.113.0/24
  network 198.51.100.0/24
  neighbor $A_V4 activate
 exit-address-family
exit
EOF2
mkdir -p "$D/vty"
spawn "$B" "$D/bgpd.log" "$BGPD" -f "$D/bgpd.conf" -i "$D/bgpd.pid" --vty_socket "$D/vty" \
	--no_zebra -S -n -l $B_V4
wait_until 10 ip netns exec "$B" vtysh --vty_socket "$D/vty" -d bgpd -c "show bgp summary" ||
	die "bgpd vty did not come up"
vtysh_() { ip netns exec "$B" vtysh --vty_socket "$D/vty" -d bgpd "$@"; }
nbr() { vtysh_ -c "show bgp neighbors $A_V4 json"; }
# frr_nbr EXPR: FRR's neighbor record (n) satisfies EXPR
frr_nbr() { local j; j=$(nbr) && jcheck "$j" "(lambda n: $1)(list(d.values())[0])" "FRR: want $1"; }
frr_conns() { local j; j=$(nbr) && jget "$j" "'%s/%s' % (list(d.values())[0].get('connectionsEstablished'), list(d.values())[0].get('connectionsDropped'))"; }
frr_aspath() {
	local j
	j=$(vtysh_ -c "show bgp ipv4 unicast 192.0.2.0/25 json") &&
		jcheck "$j" "d['paths'][0]['aspath']['string'] == '$1'" "want AS path $1 at FRR"
}
route_is() {
	local j
	j=$(anycast_in "$A" "$SOCK" show routes --json) || return 1
	jcheck "$j" "any(r['prefix']=='$1' and r['from']=='$B_V4' and ($2) for r in d)" "want $1 with $2"
}
session_id() {
	local t f
	t=$(tcp_session "$A" $A_V4 $B_V4) || return 1
	f=$(neighbor_flaps "$A" "$SOCK" $B_V4) && [ -n "$f" ] || return 1
	echo "$t flaps=$f"
}

spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/anycastd.conf"
APID=$SPAWN_PID
check_eventually 25 "session Established in anycastd" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 10 "session Established at FRR" frr_nbr "n['bgpState'] == 'Established'"
check "enhanced route refresh negotiated (FRR: advertised and received)" \
	frr_nbr "n['neighborCapabilities'].get('enhancedRouteRefresh') == 'advertisedAndReceived'"
check_eventually 10 "203.0.113.0/24 accepted" route_is 203.0.113.0/24 "not r.get('rejected')"
check_eventually 10 "198.51.100.0/24 received but filtered by import-prefix" \
	route_is 198.51.100.0/24 "r.get('rejected') == 'filtered'"
check_eventually 10 "FRR has 192.0.2.0/25 with AS path 65001" frr_aspath 65001
check_eventually 10 "the session is one TCP connection" session_id
sid=$(session_id)
fid=$(frr_conns)
rr0=$(nbr | "$PY" -c 'import json,sys; n=list(json.load(sys.stdin).values())[0]; print(n["messageStats"]["routeRefreshRecv"])')

# import policy change: ROUTE-REFRESH, no reset
write_conf "    import-prefix 203.0.113.0/24
    import-prefix 198.51.100.0/24" 0
kill -HUP "$APID"
check_eventually 10 "after the reload 198.51.100.0/24 is accepted" route_is 198.51.100.0/24 "not r.get('rejected')"
check "anycastd logged the ROUTE-REFRESH it sent" grep -q "import policy changed: sending ROUTE-REFRESH" "$D/anycastd.log"
check_eventually 5 "FRR received one ROUTE-REFRESH" \
	frr_nbr "n['messageStats']['routeRefreshRecv'] == $rr0 + 1"
check "FRR answered with BoRR (enhanced route refresh)" grep -q "sending route-refresh (BoRR)" "$D/bgpd.log"
check "no Cease/Other Configuration Change" sh -c "! grep -q 'Other Configuration Change' '$D/anycastd.log'"
check "same TCP connection, flap count unchanged ($sid)" test "$(session_id)" = "$sid"
check "FRR's connection counters unchanged ($fid)" test "$(frr_conns)" = "$fid"
check "203.0.113.0/24 still accepted, not stale" route_is 203.0.113.0/24 "not r.get('rejected') and not r.get('stale')"

# import policy narrowed again: the route is filtered again (EoRR sweep leaves it rejected)
write_conf "    import-prefix 203.0.113.0/24" 0
kill -HUP "$APID"
check_eventually 10 "narrowed again: 198.51.100.0/24 filtered" route_is 198.51.100.0/24 "r.get('rejected') == 'filtered'"

# export policy change: the difference is sent, no reset
write_conf "    import-prefix 203.0.113.0/24" 2
kill -HUP "$APID"
check_eventually 10 "prepend 2 on reload: FRR has AS path 65001 65001 65001" frr_aspath "65001 65001 65001"
check "same TCP connection, flap count unchanged after all reloads" test "$(session_id)" = "$sid"
check "FRR's connection counters unchanged after all reloads" test "$(frr_conns)" = "$fid"

if [ "$T_FAILED" != 0 ]; then
	for f in "$D/anycastd.log" "$D/bgpd.log"; do
		echo "---- tail of $f"
		tail -n 30 "$f"
	done
fi
stop_all
finish
