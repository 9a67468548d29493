#!/bin/bash
# Extended communities (RFC 4360) through anycastd in router mode (`transit yes`, `fib no`),
# between BIRD 2 and FRR bgpd, both ways; non-transitive ones stay inside anycastd's AS.
# The topology is lib_router.sh's transit_lab, as in router_transit.sh:
#
#   B  BIRD     AS 64500  B eth0 198.18.0.1/31 - A b0 198.18.0.0/31
#   A  anycastd AS 64510
#   F  FRR bgpd AS 64530  F eth0 198.18.0.3/31 - A f0 198.18.0.2/31
#   X  python3  AS 64550  X eth0 198.18.0.5/31 - A x0 198.18.0.4/31 (lib_router.sh's speaker.py)
#   Y  python3  AS 64510  Y eth0 198.18.0.7/31 - A y0 198.18.0.6/31 (iBGP to A, announcing nothing,
#                         logging every UPDATE it receives: the wire as A sends it)
#
# BIRD announces 203.0.113.0/24 with (rt, 64500, 100) and (ro, 64500, 7) (BIRD's "ro", route
# origin, is FRR's SoO and our soo).
# FRR announces 198.51.100.0/24 with rt 64530:200 and soo 64530:9.
# X announces 198.51.100.128/25 with a transitive rt 64550:300 and a non-transitive opaque one
# (type 0x43, RFC 7153), which BIRD and FRR cannot originate.
# Asserts: `anycast show routes --json` at A lists each route's ext_communities in the documented
# form (anycast(1)) and the text output shows them; FRR has BIRD's with RT:64500:100 and
# SoO:64500:7; BIRD has FRR's with (rt, 64530, 200) and (ro, 64530, 9); the non-transitive one
# reaches Y (iBGP) byte for byte and neither BIRD nor FRR (eBGP), while X's rt reaches all three.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_router.sh"
require_root
require_cmd ip bird birdc vtysh python3
[ -x /usr/lib/frr/bgpd ] || skip "missing /usr/lib/frr/bgpd"
require_anycastd

transit_lab 64510 " set extcommunity rt 64530:200
 set extcommunity soo 64530:9"
bird_conf B 198.18.0.1 64500 198.18.0.0 64510 - \
	"route 203.0.113.0/24 unreachable { bgp_ext_community.add((rt, 64500, 100)); bgp_ext_community.add((ro, 64500, 7)); };" \
	"where source = RTS_STATIC"

# X's EXTENDED_COMMUNITIES value: Two-Octet AS Route Target 64550:300, then type 0x43
# (non-transitive opaque) sub-type 0 value 5
EC_RT=0002fc260000012c
EC_NT=4300000000000005

bird_up B
frr_up F 198.18.0.3
ad_start A
speaker_write
spawn "${NSOF[X]}" "$D/X.log" "$PY" "$D/speaker.py" --connect 198.18.0.4 --bind 198.18.0.5 --as 64550 \
	--prefix 198.51.100.128/25 --attr "16:0xC0:$EC_RT$EC_NT" --timeout 120
PIDOF[X]=$SPAWN_PID
spawn "${NSOF[Y]}" "$D/Y.log" "$PY" "$D/speaker.py" --connect 198.18.0.6 --bind 198.18.0.7 --as 64510 --timeout 120
PIDOF[Y]=$SPAWN_PID

check_eventually 20 "A-BIRD session Established" ad_established A 198.18.0.1
check_eventually 20 "A-FRR session Established" ad_established A 198.18.0.3
check_eventually 20 "A-speaker X session Established" ad_established A 198.18.0.5
check_eventually 20 "A-speaker Y (iBGP) session Established" ad_established A 198.18.0.7

# ---------------------------------------------------------------- BIRD -> anycastd -> FRR

check_eventually 10 "A: 203.0.113.0/24 from BIRD, ext_communities rt:64500:100 soo:64500:7" \
	ad_route_check A "any(r['prefix']=='203.0.113.0/24' and r['from']=='198.18.0.1' and sorted(r['ext_communities'])==['rt:64500:100','soo:64500:7'] for r in d)" \
	"A lacks 203.0.113.0/24 with ext_communities rt:64500:100 soo:64500:7:"
text_shows() {
	local t
	t=$(ac A show routes 203.0.113.0/24) || return 1
	case $t in *"(rt:64500:100)"*"(soo:64500:7)"* | *"(soo:64500:7)"*"(rt:64500:100)"*) return 0 ;; esac
	echo "anycast show routes 203.0.113.0/24 (text) lacks (rt:64500:100) (soo:64500:7): $t"
	return 1
}
check "... and the text output shows (rt:64500:100) (soo:64500:7)" text_shows
check_eventually 10 "BIRD -> A -> FRR: 203.0.113.0/24 at FRR with RT:64500:100 SoO:64500:7" \
	frr_check F "any(r['prefix']=='203.0.113.0/24' and r['as_path']==[64510,64500] and sorted(r['ext_communities'])==['RT:64500:100','SoO:64500:7'] for r in d)" \
	"203.0.113.0/24 at FRR without exactly RT:64500:100 SoO:64500:7:"
log "FRR: $(vt F -c 'show bgp ipv4 unicast 203.0.113.0/24 json' | tr -d '\n' | grep -o '"extendedCommunity":{[^}]*}')"

# ---------------------------------------------------------------- FRR -> anycastd -> BIRD

check_eventually 10 "A: 198.51.100.0/24 from FRR, ext_communities rt:64530:200 soo:64530:9" \
	ad_route_check A "any(r['prefix']=='198.51.100.0/24' and r['from']=='198.18.0.3' and sorted(r['ext_communities'])==['rt:64530:200','soo:64530:9'] for r in d)" \
	"A lacks 198.51.100.0/24 with ext_communities rt:64530:200 soo:64530:9:"
check_eventually 10 "FRR -> A -> BIRD: 198.51.100.0/24 at BIRD with (rt, 64530, 200) (ro, 64530, 9)" \
	bird_check B ar "any(r['prefix']=='198.51.100.0/24' and r['as_path']==[64510,64530] and sorted(r['ext_communities'])==['ro:64530:9','rt:64530:200'] for r in d)" \
	"198.51.100.0/24 at BIRD without exactly (rt, 64530, 200) (ro, 64530, 9):"
log "BIRD: $(bc B show route all 198.51.100.0/24 | grep ext_community | tr -s '\t ' ' ')"

# ---------------------------------------------------------------- non-transitive: iBGP only

check_eventually 10 "A: 198.51.100.128/25 from X, ext_communities rt:64550:300 generic:0x43000000:0x00000005" \
	ad_route_check A "any(r['prefix']=='198.51.100.128/25' and r['ext_communities']==['rt:64550:300','generic:0x43000000:0x00000005'] for r in d)" \
	"A lacks 198.51.100.128/25 with rt:64550:300 generic:0x43000000:0x00000005:"
check_eventually 10 "A -> Y (iBGP): both extended communities on the wire, byte for byte" \
	wire_update "$D/Y.log" "16/c0/$EC_RT$EC_NT" 198.51.100.128/25
check_eventually 10 "A -> FRR (eBGP): 198.51.100.128/25 with RT:64550:300 only" \
	frr_check F "any(r['prefix']=='198.51.100.128/25' and r['ext_communities']==['RT:64550:300'] for r in d)" \
	"198.51.100.128/25 at FRR without exactly RT:64550:300:"
check_eventually 10 "A -> BIRD (eBGP): 198.51.100.128/25 with (rt, 64550, 300) only" \
	bird_check B ar "any(r['prefix']=='198.51.100.128/25' and r['ext_communities']==['rt:64550:300'] for r in d)" \
	"198.51.100.128/25 at BIRD without exactly (rt, 64550, 300):"

check "fib no: no route of protocol 150 in A's kernel" \
	sh -c "[ -z \"\$(ip -n ${NSOF[A]} route show proto 150)\" ]"
check "speaker X's session stayed up throughout" alive "${PIDOF[X]}"
check "speaker Y's session stayed up throughout" alive "${PIDOF[Y]}"

[ "$T_FAILED" = 0 ] || show_logs
finish
