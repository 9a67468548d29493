#!/bin/bash
# Multiprotocol sessions against BIRD 2 (issue 10): IPv4 and IPv6 on one IPv6 session with the
# extended next hop (RFC 8950), the same over a link-local session (neighbor fe80::b%eth0) in
# router mode with the routes in the kernel via the link-local gateway (IPv4 via RTA_VIA),
# GRACEFUL_SHUTDOWN received -> LOCAL_PREF 0 (RFC 8326), RFC 8212 default deny, and services
# that cannot be served: down with a reason and not announced (checked in BIRD's table).
#
#   A (anycastd, AS 65001) eth0 ---- eth0 B (BIRD, AS 64500)
#   run 1: 2001:db8:ffff::1/64 and fe80::a     2001:db8:ffff::2/64 and fe80::b
#   run 2: fe80::a only                         fe80::b only
# BIRD originates 203.0.113.0/24 tagged 65535:0 and 2001:db8:100::/48.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bird birdc python3
require_anycastd

mk_tmpdir
D=$TMPD

birdc_() { birdc -s "$D/bird.ctl" "$@"; }

# link RUN GLOBAL(0|1): fresh namespaces A and B with one veth whose only link-local
# addresses are fe80::a and fe80::b (no kernel-made ones, so the next hops are known)
link() {
	ns_new "a$1"
	A=$NS
	ns_new "b$1"
	B=$NS
	ip link add eth0 netns "$A" type veth peer name eth0 netns "$B" || die "veth"
	for n in "$A" "$B"; do ip -n "$n" link set eth0 addrgenmode none; done
	ip -n "$A" link set eth0 up
	ip -n "$B" link set eth0 up
	addr "$A" eth0 fe80::a/64
	addr "$B" eth0 fe80::b/64
	if [ "$2" = 1 ]; then
		addr "$A" eth0 2001:db8:ffff::1/64
		addr "$B" eth0 2001:db8:ffff::2/64
	fi
}

# bird_start NEIGHBOR LOCAL
bird_start() {
	cat >"$D/bird.conf" <<EOF
log stderr all;
router id 198.18.0.0;
protocol device { }
protocol static s4 {
	ipv4;
	route 203.0.113.0/24 unreachable { bgp_community.add((65535,0)); };
}
protocol static s6 {
	ipv6;
	route 2001:db8:100::/48 unreachable;
}
protocol bgp up {
	local $2 as 64500;
	neighbor $1 as 65001;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	ipv4 { extended next hop on; import all; export where source = RTS_STATIC; };
	ipv6 { import all; export where source = RTS_STATIC; };
}
EOF
	spawn "$B" "$D/bird.log" bird -f -c "$D/bird.conf" -s "$D/bird.ctl"
	BIRD_PID=$SPAWN_PID
	wait_until 10 birdc_ show status || die "BIRD control socket did not come up"
}

# anycastd_start FILE
anycastd_start() {
	check "anycastd -n accepts $(basename "$1")" "$ANYCASTD" -n -c "$1"
	spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$1"
	AD_PID=$SPAWN_PID
}

bird_up() { birdc_ show protocols up | grep -q Established; }
# bird_has PREFIX PATTERN: BIRD's route for PREFIX from us shows PATTERN
bird_has() { birdc_ show route "$1" all protocol up | grep -q -- "$2"; }
bird_lacks() { ! birdc_ show route "$1" protocol up | grep -q "$1"; }
routes() { anycast_in "$A" "$D/a.sock" show routes --json; }
services() { anycast_in "$A" "$D/a.sock" show services --json; }
# route_is PREFIX EXPR: EXPR about r, our received route for PREFIX
route_is() {
	jcheck "$(routes)" "any(r['prefix']=='$1' and r['from']!='local' and ($2) for r in d)" \
		"no route $1 with $2"
}
svc_is() { jcheck "$(services)" "any(s['name']=='$1' and ($2) for s in d)" "service $1: not $2"; }

stop_run() {
	stop_pid "$AD_PID"
	stop_pid "$BIRD_PID"
	stop_all
}

# ---- run 1: IPv4 and IPv6 over one global IPv6 session, node mode ----
log "run 1: one IPv6 session, IPv4 with the extended next hop"
link 1 1
cat >"$D/a1.conf" <<EOF
router-id 198.18.0.1
local-as 65001
listen 2001:db8:ffff::1
control $D/a.sock
neighbor 2001:db8:ffff::2 {
    remote-as 64500
    local-address 2001:db8:ffff::1
    hold-time 9
}
service dns {
    prefix 192.0.2.0/24
    prefix 2001:db8:1::/48
}
EOF
bird_start 2001:db8:ffff::1 2001:db8:ffff::2
anycastd_start "$D/a1.conf"
check_eventually 20 "BIRD: session up" bird_up
check_eventually 10 "BIRD has 192.0.2.0/24 via our IPv6 address" \
	bird_has 192.0.2.0/24 "BGP.next_hop: 2001:db8:ffff::1"
check_eventually 10 "BIRD has 2001:db8:1::/48 via 2001:db8:ffff::1" \
	bird_has 2001:db8:1::/48 "BGP.next_hop: 2001:db8:ffff::1"
check_eventually 10 "we have 203.0.113.0/24 with BIRD's IPv6 next hop" \
	route_is 203.0.113.0/24 "r['next_hop']=='2001:db8:ffff::2'"
check_eventually 10 "we have 2001:db8:100::/48" route_is 2001:db8:100::/48 "True"
check "dns is up, no reason" svc_is dns "s['state']=='up' and s['reason']==''"
stop_pid "$AD_PID"

# ---- run 1b: what cannot be served is not announced ----
log "run 1b: unservable services are down with a reason"
cat >"$D/a1b.conf" <<EOF
router-id 198.18.0.1
local-as 65001
listen 2001:db8:ffff::1
control $D/a.sock
neighbor 2001:db8:ffff::2 {
    remote-as 64500
    local-address 2001:db8:ffff::1
    hold-time 9
    extended-nexthop no
}
service dns {
    prefix 192.0.2.0/24
}
service web {
    prefix 2001:db8:2::/48
    address 2001:db8:2::1
}
service mail {
    prefix 2001:db8:3::/48
}
EOF
check "anycastd -n warns that no neighbor carries 192.0.2.0/24" \
	sh -c "'$ANYCASTD' -n -c '$D/a1b.conf' 2>&1 | grep -q 'warning: service dns: no neighbor can carry IPv4'"
# IPv6 off on lo: the service address cannot be added
ip netns exec "$A" sysctl -qw net.ipv6.conf.lo.disable_ipv6=1
spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/a1b.conf"
AD_PID=$SPAWN_PID
check_eventually 20 "BIRD: session up again" bird_up
check_eventually 10 "mail (a served IPv6 service) reaches BIRD" bird_has 2001:db8:3::/48 65001
check_eventually 5 "dns is down: no neighbor carries IPv4" \
	svc_is dns "s['state']=='down' and not s['announced'] and 'IPv4' in s['reason']"
check "web is down: its address is not on lo" \
	svc_is web "s['state']=='down' and not s['announced'] and 'lo' in s['reason']"
check "show services (text) says why" \
	sh -c "ip netns exec $A '$ANYCAST' -s '$D/a.sock' show services | grep web | grep -q 'could not be put on lo'"
check "BIRD never got 192.0.2.0/24" bird_lacks 192.0.2.0/24
check "BIRD never got 2001:db8:2::/48" bird_lacks 2001:db8:2::/48
stop_pid "$AD_PID"

# ---- run 1c: RFC 8212 in router mode ----
log "run 1c: router mode, eBGP without role or policy: nothing either way"
cat >"$D/a1c.conf" <<EOF
router-id 198.18.0.1
local-as 65001
listen 2001:db8:ffff::1
control $D/a.sock
fib yes
neighbor 2001:db8:ffff::2 {
    remote-as 64500
    local-address 2001:db8:ffff::1
    hold-time 9
}
service dns {
    prefix 2001:db8:1::/48
}
EOF
check "anycastd -n warns about RFC 8212" \
	sh -c "'$ANYCASTD' -n -c '$D/a1c.conf' 2>&1 | grep -q 'RFC 8212'"
ip netns exec "$A" sysctl -qw net.ipv6.conf.lo.disable_ipv6=0
spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/a1c.conf"
AD_PID=$SPAWN_PID
check_eventually 20 "BIRD: session up again" bird_up
check_eventually 10 "BIRD's routes are received, not selected" \
	route_is 2001:db8:100::/48 "not r['best']"
check_steady 2 "BIRD is sent nothing" bird_lacks 2001:db8:1::/48
check "no kernel route for BIRD's prefix" \
	sh -c "[ -z \"\$(ip -n $A -6 route show 2001:db8:100::/48)\" ]"
stop_run

# ---- run 2: link-local session, router mode ----
log "run 2: link-local neighbors, router mode"
link 2 0
cat >"$D/a2.conf" <<EOF
router-id 198.18.0.1
local-as 65001
listen fe80::a%eth0
control $D/a.sock
fib yes
neighbor fe80::b%eth0 {
    remote-as 64500
    local-role customer
    hold-time 9
}
service dns {
    prefix 192.0.2.0/24
    prefix 2001:db8:1::/48
}
EOF
check "anycastd -n refuses a link-local neighbor without interface" \
	sh -c "printf 'router-id 198.18.0.1\nlocal-as 1\nneighbor fe80::b {\n remote-as 2\n}\n' >'$D/bad.conf'; ! '$ANYCASTD' -n -c '$D/bad.conf' 2>&1 | grep -q OK"
bird_start "fe80::a%eth0" "fe80::b"
anycastd_start "$D/a2.conf"
check_eventually 20 "BIRD: link-local session up" bird_up
check_eventually 10 "BIRD has 192.0.2.0/24 via fe80::a" bird_has 192.0.2.0/24 "fe80::a"
check_eventually 10 "BIRD has 2001:db8:1::/48 via fe80::a" bird_has 2001:db8:1::/48 "fe80::a"
check_eventually 10 "203.0.113.0/24 (65535:0) has LOCAL_PREF 0" \
	route_is 203.0.113.0/24 "r.get('local_pref')==0 and r['best']"
check_eventually 10 "2001:db8:100::/48 has the default LOCAL_PREF" \
	route_is 2001:db8:100::/48 "r.get('local_pref')!=0"
check_eventually 10 "kernel: IPv4 route via inet6 fe80::b dev eth0 (RFC 8950)" \
	sh -c "ip -n $A route show 203.0.113.0/24 | grep -q 'via inet6 fe80::b dev eth0'"
check_eventually 10 "kernel: IPv6 route via fe80::b dev eth0" \
	sh -c "ip -n $A -6 route show 2001:db8:100::/48 | grep -q 'via fe80::b dev eth0'"
stop_run
finish
