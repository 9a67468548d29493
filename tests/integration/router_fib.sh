#!/bin/bash
# anycastd in router mode (`fib yes`): a site behind two anycastd routers, routes in the kernel.
#
#   s1 (site, AS 65001) ---- R1 (AS 64510) ---- R2 (AS 64520) ---- h (host)
#   s2 (site, AS 65001) ----/
#
#   s1 eth0 198.18.0.1/31  -- R1 s1 198.18.0.0/31      (s1: local-role customer, R1: provider)
#   s2 eth0 198.18.0.3/31  -- R1 s2 198.18.0.2/31      (s2: local-role customer, R1: provider)
#   R1 r2   198.18.1.0/31  -- R2 r1 198.18.1.1/31      (peers, local-role peer both ways)
#   R2 hst  203.0.113.1/24 -- h eth0 203.0.113.10/24   (the host: a route to 192.0.2.0/24 via R2)
#
# The sites run anycastd in node mode with service dns (192.0.2.0/24, address 192.0.2.1, no
# checks) and a static route to 203.0.113.0/24 via R1 for the replies. R1 (fib yes, multipath
# yes) and R2 (fib yes) forward. R2 announces the host subnet 203.0.113.0/24 as a service, so R1
# learns the way back. s2's anycastd runs only in the multipath part.
#
# Asserts: 192.0.2.0/24 in R1's FIB (proto 150) via s1 and in R2's via R1, and 203.0.113.0/24 in
# R1's via R2; ping from h to 192.0.2.1 works; SIGTERM to s1's anycastd clears 192.0.2.0/24 from
# both FIBs within 5 s (and the ping fails); restarting it brings the routes and the ping back;
# with s2 announcing too, R1 has one route with two next hops (ECMP), R2 still one via R1; when
# s2 stops, R1 is back to one next hop; when R1's anycastd stops it leaves no proto 150 route.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_router.sh"
require_root
require_cmd ip python3
require_anycastd

SVC=192.0.2.0/24
HOSTS=203.0.113.0/24

node s1
node s2
node R1
node R2
node h
link s1 eth0 198.18.0.1/31 R1 s1 198.18.0.0/31
link s2 eth0 198.18.0.3/31 R1 s2 198.18.0.2/31
link R1 r2 198.18.1.0/31 R2 r1 198.18.1.1/31
link R2 hst 203.0.113.1/24 h eth0 203.0.113.10/24
router_fwd R1
router_fwd R2
ip -n "${NSOF[h]}" route add $SVC via 203.0.113.1 || die "host route"
ip -n "${NSOF[s1]}" route add $HOSTS via 198.18.0.0 || die "site route"
ip -n "${NSOF[s2]}" route add $HOSTS via 198.18.0.2 || die "site route"
mk_tmpdir
D=$TMPD

# site_conf NAME ADDR ROUTER_ADDR
site_conf() {
	cat >"$D/$1.conf" <<EOF
# $T_NAME: site $1, node mode
router-id $2
local-as 65001
control $D/$1.sock
neighbor $3 {
    remote-as 64510
    local-address $2
    local-role customer
    hold-time 9
}
service dns {
    prefix $SVC
    address 192.0.2.1
}
EOF
}
site_conf s1 198.18.0.1 198.18.0.0
site_conf s2 198.18.0.3 198.18.0.2

cat >"$D/R1.conf" <<EOF
# $T_NAME: router R1
router-id 198.18.1.0
local-as 64510
listen 198.18.0.0
listen 198.18.0.2
listen 198.18.1.0
control $D/R1.sock
fib yes
multipath yes
neighbor 198.18.0.1 {
    remote-as 65001
    local-address 198.18.0.0
    local-role provider
    hold-time 9
}
neighbor 198.18.0.3 {
    remote-as 65001
    local-address 198.18.0.2
    local-role provider
    hold-time 9
}
neighbor 198.18.1.1 {
    remote-as 64520
    local-address 198.18.1.0
    local-role peer
    hold-time 9
}
EOF

cat >"$D/R2.conf" <<EOF
# $T_NAME: router R2
router-id 198.18.1.1
local-as 64520
listen 198.18.1.1
control $D/R2.sock
fib yes
neighbor 198.18.1.0 {
    remote-as 64510
    local-address 198.18.1.1
    local-role peer
    hold-time 9
}
service hosts {
    prefix $HOSTS
}
EOF

for n in s1 s2 R1 R2; do
	check "anycastd -n accepts $n's config" "$ANYCASTD" -n -c "$D/$n.conf"
done

ad_start R1
ad_start R2
ad_start s1

check_eventually 20 "R1-R2 session Established" ad_established R1 198.18.1.1
check_eventually 20 "s1-R1 session Established" ad_established R1 198.18.0.1

ping_ok() { ping_from h 3 192.0.2.1; }
ping_fails() { ! ping_from h 1 192.0.2.1 >/dev/null 2>&1; }

check_eventually 10 "R1 FIB: $SVC via s1 (198.18.0.1), proto 150" fib_is R1 $SVC 198.18.0.1
check_eventually 10 "R2 FIB: $SVC via R1 (198.18.1.0), proto 150" fib_is R2 $SVC 198.18.1.0
check_eventually 10 "R1 FIB: $HOSTS via R2 (198.18.1.1), from R2's service" fib_is R1 $HOSTS 198.18.1.1
check "R2 does not install its own service $HOSTS" fib_lacks R2 $HOSTS
check "R1's route carries metric 32 and dev s1: $(fib R1 $SVC)" \
	sh -c "ip -n ${NSOF[R1]} route show proto 150 exact $SVC | grep -q 'dev s1.*metric 32'"
check "R2 best path for $SVC: AS path 64510 65001 from 198.18.1.0" \
	ad_route_check R2 "any(r['prefix']=='$SVC' and r['best'] and r['from']=='198.18.1.0' and r['as_path']==[64510,65001] for r in d)" \
	"R2 has no best $SVC from R1 with AS path [64510, 65001]:"
check_eventually 10 "ping -c 3 from h (203.0.113.10) to 192.0.2.1 succeeds" ping_ok

# stop the site: the prefix leaves both FIBs
# (the 5 s count from the signal, not from the exit)
kill -TERM "${PIDOF[s1]}"
t_term=$(date +%s%N)
both_clear() { fib_lacks R1 $SVC && fib_lacks R2 $SVC; }
check_eventually 5 "after SIGTERM to s1: $SVC gone from R1's and R2's FIB within 5 s" both_clear
log "cleared from both FIBs $((($(date +%s%N) - t_term) / 1000000)) ms after SIGTERM"
wait_exit "${PIDOF[s1]}" 10 || fail "s1's anycastd did not exit within 10 s of SIGTERM"
check "after SIGTERM to s1: R1 keeps $HOSTS via R2" fib_is R1 $HOSTS 198.18.1.1
check "after SIGTERM to s1: ping to 192.0.2.1 fails" ping_fails

# start it again: back
ad_start s1
check_eventually 20 "s1 restarted: session Established" ad_established R1 198.18.0.1
check_eventually 10 "s1 restarted: R1 FIB has $SVC via 198.18.0.1 again" fib_is R1 $SVC 198.18.0.1
check_eventually 10 "s1 restarted: R2 FIB has $SVC via 198.18.1.0 again" fib_is R2 $SVC 198.18.1.0
check_eventually 10 "s1 restarted: ping from h to 192.0.2.1 succeeds again" ping_ok

# multipath: a second site announces the same prefix to R1
ad_start s2
check_eventually 20 "s2-R1 session Established" ad_established R1 198.18.0.3
mp_ok() {
	fib_is R1 $SVC 198.18.0.1 198.18.0.3 || return 1
	fib R1 $SVC | grep -q "nexthop via 198.18.0.1" && fib R1 $SVC | grep -q "nexthop via 198.18.0.3" &&
		return 0
	echo "no 'nexthop via ... nexthop via ...' in: $(ip -n "${NSOF[R1]}" route show proto 150)"
	return 1
}
check_eventually 10 "multipath yes: R1 has one $SVC route with two next hops (s1 and s2)" mp_ok
log "R1: $(ip -n "${NSOF[R1]}" route show proto 150 exact $SVC | tr '\n' ' ')"
check "multipath: R2 still one route, via R1" fib_is R2 $SVC 198.18.1.0
check "multipath: R2 is sent the one best path (AS path 64510 65001)" \
	ad_route_check R2 "len([r for r in d if r['prefix']=='$SVC'])==1" "R2 should have exactly one path for $SVC:"
check_eventually 10 "multipath: ping from h to 192.0.2.1 succeeds" ping_ok
ad_stop s2 || fail "s2's anycastd did not exit on SIGTERM"
check_eventually 10 "s2 stopped: R1 back to one next hop (198.18.0.1)" fib_is R1 $SVC 198.18.0.1

# R1 stops: it removes its routes from the kernel
ad_stop R1 || fail "R1's anycastd did not exit on SIGTERM"
check "R1 stopped: no proto 150 route left in R1's namespace" \
	sh -c "[ -z \"\$(ip -n ${NSOF[R1]} route show proto 150)\" ]"
check_eventually 10 "R1 stopped: $SVC gone from R2's FIB" fib_lacks R2 $SVC

[ "$T_FAILED" = 0 ] || show_logs
finish
