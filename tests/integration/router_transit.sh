#!/bin/bash
# anycastd as a transit router (`transit yes`, `fib no`) between BIRD 2 and FRR bgpd: routes pass
# through in both directions with their communities, large communities and unknown optional
# transitive attributes intact.
#
#   B  BIRD     AS 64500  B eth0 198.18.0.1/31 - A b0 198.18.0.0/31
#   A  anycastd AS 64510  (no local-role anywhere: every route goes to every neighbour)
#   F  FRR bgpd AS 64530  F eth0 198.18.0.3/31 - A f0 198.18.0.2/31
#   X  python3  AS 64550  X eth0 198.18.0.5/31 - A x0 198.18.0.4/31 (lib_router.sh's speaker.py)
#   Y  python3  AS 64560  Y eth0 198.18.0.7/31 - A y0 198.18.0.6/31 (the same, announcing nothing,
#                         logging every UPDATE it receives: the wire as A sends it)
#
# BIRD announces 203.0.113.0/24 with community 64500:1 and large community 64500:0:7.
# FRR announces 198.51.100.0/24 with community 64530:2 and large community 64530:0:9.
# X announces 198.51.100.128/25 with community 64550:3, large community 64550:0:3 and an unknown
# optional transitive attribute (type 250, flags 0xC0, value "hello"): BIRD 2.0 cannot originate
# one. BIRD shows unknown attributes in `show route all`; FRR does not show them, so that one is
# checked at BIRD, and byte for byte at Y.
# Asserts: FRR has 203.0.113.0/24 with AS path 64510 64500, next hop A, both communities; BIRD
# has 198.51.100.0/24 with AS path 64510 64530 and both communities; BIRD has 198.51.100.128/25
# with AS path 64510 64550, its communities and the type 250 attribute with value "hello" (the
# Partial bit set or not), FRR has it with its communities, Y receives the attribute as type 250
# flags 0xE0 (optional, transitive, Partial set by A: RFC 4271 section 5) value "hello"; with `fib no` nothing goes into A's
# kernel; a withdrawal at BIRD goes through to FRR.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_router.sh"
require_root
require_cmd ip bird birdc vtysh python3
[ -x /usr/lib/frr/bgpd ] || skip "missing /usr/lib/frr/bgpd"
require_anycastd

transit_lab 64560 " set community 64530:2
 set large-community 64530:0:9"
bird_conf B 198.18.0.1 64500 198.18.0.0 64510 - \
	"route 203.0.113.0/24 unreachable { bgp_community.add((64500,1)); bgp_large_community.add((64500,0,7)); };" \
	"where source = RTS_STATIC"

bird_up B
frr_up F 198.18.0.3
ad_start A
speaker_write
spawn "${NSOF[X]}" "$D/X.log" "$PY" "$D/speaker.py" --connect 198.18.0.4 --bind 198.18.0.5 --as 64550 \
	--prefix 198.51.100.128/25 --community 64550:3 --large-community 64550:0:3 \
	--attr 250:0xC0:68656c6c6f --timeout 120
PIDOF[X]=$SPAWN_PID
spawn "${NSOF[Y]}" "$D/Y.log" "$PY" "$D/speaker.py" --connect 198.18.0.6 --bind 198.18.0.7 --as 64560 --timeout 120
PIDOF[Y]=$SPAWN_PID

check_eventually 20 "A-BIRD session Established" ad_established A 198.18.0.1
check_eventually 20 "A-FRR session Established" ad_established A 198.18.0.3
check_eventually 20 "A-speaker X session Established" ad_established A 198.18.0.5
check_eventually 20 "A-speaker Y session Established" ad_established A 198.18.0.7
check_eventually 10 "BIRD sees the session Established" bird_established B ar
check_eventually 10 "FRR sees the session Established" frr_established F 198.18.0.2

# ---------------------------------------------------------------- BIRD -> anycastd -> FRR

check_eventually 10 "A received 203.0.113.0/24 from BIRD with its communities" \
	ad_route_check A "any(r['prefix']=='203.0.113.0/24' and r['from']=='198.18.0.1' and r['as_path']==[64500] and '64500:1' in r['communities'] and '64500:0:7' in r['large_communities'] for r in d)" \
	"A lacks 203.0.113.0/24 [64500] 64500:1 64500:0:7:"
check_eventually 10 "BIRD -> A -> FRR: 203.0.113.0/24 at FRR, AS path 64510 64500, next hop 198.18.0.2" \
	frr_check F "any(r['prefix']=='203.0.113.0/24' and r['from']=='198.18.0.2' and r['as_path']==[64510,64500] and r['next_hop']=='198.18.0.2' for r in d)" \
	"FRR lacks 203.0.113.0/24 [64510 64500] from A:"
check "... with community 64500:1 and large community 64500:0:7" \
	frr_check F "any(r['prefix']=='203.0.113.0/24' and r['communities']==['64500:1'] and r['large_communities']==['64500:0:7'] for r in d)" \
	"203.0.113.0/24 at FRR without exactly community 64500:1 and large community 64500:0:7:"

# ---------------------------------------------------------------- FRR -> anycastd -> BIRD

check_eventually 10 "FRR -> A -> BIRD: 198.51.100.0/24 at BIRD, AS path 64510 64530, next hop 198.18.0.0" \
	bird_check B ar "any(r['prefix']=='198.51.100.0/24' and r['as_path']==[64510,64530] and r['next_hop']=='198.18.0.0' for r in d)" \
	"BIRD lacks 198.51.100.0/24 [64510 64530] from A:"
check "... with community 64530:2 and large community 64530:0:9" \
	bird_check B ar "any(r['prefix']=='198.51.100.0/24' and r['communities']==['64530:2'] and r['large_communities']==['64530:0:9'] for r in d)" \
	"198.51.100.0/24 at BIRD without exactly community 64530:2 and large community 64530:0:9:"

# ---------------------------------------------------------------- unknown transitive attribute

check_eventually 10 "speaker -> A -> BIRD: 198.51.100.128/25 at BIRD, AS path 64510 64550, its communities" \
	bird_check B ar "any(r['prefix']=='198.51.100.128/25' and r['as_path']==[64510,64550] and r['communities']==['64550:3'] and r['large_communities']==['64550:0:3'] for r in d)" \
	"BIRD lacks 198.51.100.128/25 [64510 64550] 64550:3 64550:0:3:"
# BIRD 2.0 prints an unknown attribute as "BGP.<type in hex> [t]: <hex bytes>" ([t]: transitive)
unknown_ok() {
	local j
	j=$(bird_rib B ar) || return 1
	jcheck "$j" "any(r['prefix']=='198.51.100.128/25' and any(k.split()[0].lower() in ('fa', '0xfa') and '68:65:6c:6c:6f' in v.lower().replace(' ', ':') for k, v in r['attrs'].items()) for r in d)" \
		"no unknown attribute 250 = 68:65:6c:6c:6f on 198.51.100.128/25 at BIRD:"
}
check "... with the unknown transitive attribute 250 = \"hello\" intact" unknown_ok
log "BIRD: $(bc B show route all 198.51.100.128/25 | grep -i -E 'BGP\.fa|\[t' | tr -s '\t ' ' ')"
check_eventually 10 "speaker -> A -> FRR: 198.51.100.128/25 at FRR, AS path 64510 64550, its communities" \
	frr_check F "any(r['prefix']=='198.51.100.128/25' and r['as_path']==[64510,64550] and r['communities']==['64550:3'] and r['large_communities']==['64550:0:3'] for r in d)" \
	"FRR lacks 198.51.100.128/25 [64510 64550] 64550:3 64550:0:3:"
check_eventually 10 "speaker -> A -> Y: on the wire type 250, flags 0xE0 (Partial set), value \"hello\"" \
	wire_update "$D/Y.log" 250/e0/68656c6c6f 198.51.100.128/25

# ---------------------------------------------------------------- fib no, withdrawals

check "fib no: no route of protocol 150 in A's kernel" \
	sh -c "[ -z \"\$(ip -n ${NSOF[A]} route show proto 150)\" ]"
bc B disable st >/dev/null
check_eventually 10 "BIRD withdraws 203.0.113.0/24: FRR drops it" \
	frr_check F "not any(r['prefix']=='203.0.113.0/24' for r in d)" "FRR still has 203.0.113.0/24:"
bc B enable st >/dev/null
check_eventually 10 "BIRD announces it again: FRR has it again" \
	frr_check F "any(r['prefix']=='203.0.113.0/24' and r['as_path']==[64510,64500] for r in d)" "FRR lacks 203.0.113.0/24:"
check "the speakers' sessions stayed up throughout" alive "${PIDOF[X]}" && alive "${PIDOF[Y]}"

[ "$T_FAILED" = 0 ] || show_logs
finish
