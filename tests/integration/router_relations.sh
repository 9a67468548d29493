#!/bin/bash
# anycastd in router mode among BIRD 2 neighbours of every business relation (RFC 9234 roles,
# Gao-Rexford preference and export).
#
#   R  anycastd AS 64510, fib yes; every BIRD is passive, R connects
#   up BIRD AS 64500  R u0 198.18.0.0/31 - up eth0 198.18.0.1  R: customer, BIRD: provider
#   P  BIRD AS 64600  R p0 198.18.0.2/31 - P  eth0 198.18.0.3  peers
#   Q  BIRD AS 64700  R q0 198.18.0.4/31 - Q  eth0 198.18.0.5  peers
#   C  BIRD AS 65010  R c0 198.18.0.6/31 - C  eth0 198.18.0.7  R: provider, BIRD: customer
#   M  BIRD AS 64800  R m0 198.18.0.8/31 - M  eth0 198.18.0.9  R: provider, BIRD: provider (mismatch)
#
# up and P both announce 198.51.100.0/24, P with its AS prepended twice (path 64600 x3 against
# 64500); C announces 203.0.113.0/24.
# Asserts: R's best path for 198.51.100.0/24 is P's (local_pref 100 against the provider's 50,
# despite the longer path), in the kernel via P; it reaches the customer C (with OTC 64600) but
# neither Q (another peer) nor the provider; when P withdraws, the provider's path becomes best
# and goes to C only, not to P or Q; C's 203.0.113.0/24 reaches up, P and Q (AS path 64510 65010)
# with local_pref 200 at R; the role mismatch with M is refused with NOTIFICATION 2/11 (R's log,
# BIRD's last error) and the session never comes up.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_router.sh"
require_root
require_cmd ip bird birdc python3
require_anycastd

NET=198.51.100.0/24
CUST=203.0.113.0/24

node R
node up
node P
node Q
node C
node M
link R u0 198.18.0.0/31 up eth0 198.18.0.1/31
link R p0 198.18.0.2/31 P eth0 198.18.0.3/31
link R q0 198.18.0.4/31 Q eth0 198.18.0.5/31
link R c0 198.18.0.6/31 C eth0 198.18.0.7/31
link R m0 198.18.0.8/31 M eth0 198.18.0.9/31
mk_tmpdir
D=$TMPD

# nbr ADDR AS LOCAL ROLE
nbr() {
	cat <<EOF
neighbor $1 {
    remote-as $2
    local-address $3
    local-role $4
    hold-time 9
}
EOF
}
{
	echo "# $T_NAME: router R"
	echo "router-id 198.18.0.0"
	echo "local-as 64510"
	echo "control $D/R.sock"
	echo "fib yes"
	nbr 198.18.0.1 64500 198.18.0.0 customer
	nbr 198.18.0.3 64600 198.18.0.2 peer
	nbr 198.18.0.5 64700 198.18.0.4 peer
	nbr 198.18.0.7 65010 198.18.0.6 provider
	nbr 198.18.0.9 64800 198.18.0.8 provider
} >"$D/R.conf"
check "anycastd -n accepts R's config" "$ANYCASTD" -n -c "$D/R.conf"

bird_conf up 198.18.0.1 64500 198.18.0.0 64510 provider "route $NET unreachable;" "where source = RTS_STATIC"
bird_conf P 198.18.0.3 64600 198.18.0.2 64510 peer "route $NET unreachable;" \
	"filter { if source = RTS_STATIC then { bgp_path.prepend(64600); bgp_path.prepend(64600); accept; } reject; }"
bird_conf Q 198.18.0.5 64700 198.18.0.4 64510 peer "" "none"
bird_conf C 198.18.0.7 65010 198.18.0.6 64510 customer "route $CUST unreachable;" "where source = RTS_STATIC"
bird_conf M 198.18.0.9 64800 198.18.0.8 64510 provider "route 203.0.113.128/25 unreachable;" "where source = RTS_STATIC"
for b in up P Q C M; do bird_up $b; done
ad_start R

sess_up() { ad_established R "$2" && bird_established "$1" ar; }
for b in up:198.18.0.1 P:198.18.0.3 Q:198.18.0.5 C:198.18.0.7; do
	check_eventually 20 "R-${b%%:*} session Established (at R and at BIRD ${b%%:*})" sess_up "${b%%:*}" "${b#*:}"
done

# ---------------------------------------------------------------- preference: peer over provider

route_is() { # PREFIX FROM BEST LOCAL_PREF AS_PATH
	ad_route_check R "any(r['prefix']=='$1' and r['from']=='$2' and r['best']==$3 and r.get('local_pref')==$4 and r['as_path']==[$5] for r in d)" \
		"want $1 from $2 best=$3 local_pref $4 as_path [$5] at R:"
}
check_eventually 10 "R: $NET from P (198.18.0.3) is best, local_pref 100, AS path 64600 64600 64600" \
	route_is $NET 198.18.0.3 True 100 64600,64600,64600
check_eventually 10 "R: $NET from the provider (198.18.0.1) is not best, local_pref 50, AS path 64500" \
	route_is $NET 198.18.0.1 False 50 64500
check "R: exactly one best path for $NET" \
	ad_route_check R "len([r for r in d if r['prefix']=='$NET' and r['best']])==1" "not one best path:"
check_eventually 10 "R's kernel FIB: $NET via P (198.18.0.3), proto 150" fib_is R $NET 198.18.0.3

# ---------------------------------------------------------------- export of a customer route

check_eventually 10 "R: $CUST from C, local_pref 200 (customer)" route_is $CUST 198.18.0.7 True 200 65010
for b in up:198.18.0.0 P:198.18.0.2 Q:198.18.0.4; do
	check_eventually 10 "customer route $CUST reaches BIRD ${b%%:*} with AS path 64510 65010, next hop ${b#*:} (R)" \
		bird_check ${b%%:*} ar "any(r['prefix']=='$CUST' and r['as_path']==[64510,65010] and r['next_hop']=='${b#*:}' for r in d)" \
		"BIRD ${b%%:*} lacks $CUST [64510 65010] next hop ${b#*:} from R:"
done
check "customer route at the provider carries no OTC (R sends none upwards)" \
	bird_check up ar "all('otc' not in r['attrs'] for r in d if r['prefix']=='$CUST')" "OTC sent to the provider:"

# ---------------------------------------------------------------- no export of a peer route

check_eventually 10 "peer route $NET reaches the customer C, AS path 64510 64600 64600 64600" \
	bird_check C ar "any(r['prefix']=='$NET' and r['as_path']==[64510,64600,64600,64600] for r in d)" \
	"C lacks $NET from R:"
check "peer route at C carries OTC 64600 (RFC 9234: set to the peer's AS)" \
	bird_check C ar "any(r['prefix']=='$NET' and r['attrs'].get('otc','').strip()=='64600' for r in d)" \
	"no OTC 64600 on $NET at C:"
no_net_at() { bird_check "$1" ar "not any(r['prefix']=='$NET' for r in d)" "BIRD $1 got $NET from R:"; }
check_steady 3 "peer route $NET is not exported to the other peer Q" no_net_at Q
check "peer route $NET is not exported to the provider" no_net_at up
log "Q's routes from R: $(bc Q show route protocol ar | grep -c /) ; provider's: $(bc up show route protocol ar | grep -c /)"

# P withdraws: the provider's route is best now, and goes to customers only
bc P disable st >/dev/null
check_eventually 10 "P withdrew: R's best for $NET is the provider's (local_pref 50)" route_is $NET 198.18.0.1 True 50 64500
check_eventually 10 "P withdrew: R's kernel FIB has $NET via the provider (198.18.0.1)" fib_is R $NET 198.18.0.1
check_eventually 10 "provider route $NET reaches the customer C, AS path 64510 64500" \
	bird_check C ar "any(r['prefix']=='$NET' and r['as_path']==[64510,64500] for r in d)" "C lacks [64510 64500]:"
check_steady 3 "provider route $NET is not exported to peer Q" no_net_at Q
check "provider route $NET is not exported to peer P" no_net_at P
bc P enable st >/dev/null
check_eventually 10 "P announces again: its route is best again" route_is $NET 198.18.0.3 True 100 64600,64600,64600
check_steady 2 "... and the provider got nothing back from R for $NET" no_net_at up

# ---------------------------------------------------------------- role mismatch

r_refused() {
	grep -q "neighbor 198.18.0.9.*sent NOTIFICATION 2/11" "$D/R.log" && return 0
	echo "no 'sent NOTIFICATION 2/11' for 198.18.0.9 in R's log:"
	grep 198.18.0.9 "$D/R.log" | tail -n 5
	return 1
}
bird_saw_mismatch() {
	bc M show protocols all ar | grep -qi "role mismatch" && return 0
	echo "BIRD M's show protocols all ar:"
	bc M show protocols all ar | head -n 12
	return 1
}
check_eventually 15 "role mismatch (both provider): R sends NOTIFICATION 2/11 (Role Mismatch)" r_refused
check_eventually 10 "role mismatch: BIRD M's last error is Role mismatch" bird_saw_mismatch
log "BIRD M: $(bc M show protocols all ar | grep -i -m1 'error')"
log "R: $(grep -m1 '198.18.0.9.*2/11' "$D/R.log")"
m_never_up() {
	! ad_established R 198.18.0.9 && ! bird_established M ar && ! grep -q "neighbor 198.18.0.9.*established" "$D/R.log"
}
check_steady 2 "role mismatch: the session never comes up" m_never_up
check "role mismatch: nothing learnt from M (203.0.113.128/25 absent at R)" \
	ad_route_check R "not any(r['prefix']=='203.0.113.128/25' for r in d)" "R has M's route:"

[ "$T_FAILED" = 0 ] || show_logs
finish
