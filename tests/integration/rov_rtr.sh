#!/bin/bash
# Route origin validation in anycastd against a real RTR cache (stayrtr), with BIRD's roa_check
# as the anchor, and hijack alarms for a watched prefix.
#
#   A  anycastd AS 64510  A b0 198.18.0.0/31, `rpki 127.0.0.1:8282`, neighbour B with
#                         `rov reject-invalid`, `watch 192.0.2.0/24 origin 65001`
#      stayrtr            in A's namespace, 127.0.0.1:8282, serving $D/vrps.json (re-read
#                         every 5 s: the file is edited while the test runs)
#      BIRD V             in A's namespace: only `protocol rpki` against the same stayrtr, asked
#                         `eval roa_check(...)` for each route (the anchor)
#   B  BIRD   AS 64500    B eth0 198.18.0.1/31, announcing four routes, each with its own origin
#                         (bgp_path.prepend): 203.0.113.0/24 from 65001 (ROA: valid),
#                         198.51.100.0/24 from 65002 (ROA for 65001: invalid), 192.0.2.0/24 from
#                         64666 (no ROA: not-found; a foreign origin of the watched prefix) and
#                         192.0.2.128/25 from 64666 (a more-specific of it)
#
# Asserts: the three states as anycastd shows them equal BIRD's roa_check; the invalid route is
# rejected (kept, not best); when the file changes 203.0.113.0/24's ROA to another AS the route
# turns invalid and rejected, and back valid and best when it is restored, both without a
# session reset (same TCP 4-tuple, flaps unchanged) and judged alike by BIRD; the hijack of
# 192.0.2.0/24 and of its more-specific raise one alarm each (`show alerts`, the metric, one log
# line each), a ROA that makes them invalid keeps them alarmed without a second log line, and
# they end when B withdraws them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_router.sh"
require_root
require_cmd ip bird birdc stayrtr python3 curl
require_anycastd

node A
node B
link A b0 198.18.0.0/31 B eth0 198.18.0.1/31
mk_tmpdir
D=$TMPD

# vrps LINE...: the cache file stayrtr reads, written whole (rename) as rpki-client does; each
# LINE is "PREFIX MAXLEN ASN"
vrps() {
	"$PY" - "$D/vrps.json" "$@" <<'EOF'
import json, os, sys
roas = [{"prefix": p, "maxLength": int(m), "asn": "AS" + a} for p, m, a in (x.split() for x in sys.argv[2:])]
tmp = sys.argv[1] + ".tmp"
with open(tmp, "w") as f: json.dump({"roas": roas}, f)
os.rename(tmp, sys.argv[1])
EOF
}
vrps "203.0.113.0/24 24 65001" "198.51.100.0/24 24 65001"

spawn "${NSOF[A]}" "$D/stayrtr.log" stayrtr -bind 127.0.0.1:8282 -cache "$D/vrps.json" \
	-checktime=false -refresh 5 -metrics.addr 127.0.0.1:8283
PIDOF[stayrtr]=$SPAWN_PID
wait_until 10 listening "${NSOF[A]}" tcp 8282 || die "stayrtr did not listen ($(tail -n 5 "$D/stayrtr.log"))"

cat >"$D/V.bird.conf" <<EOF
# $T_NAME: BIRD as the validation anchor
log stderr all;
router id 198.18.0.9;
roa4 table r4;
protocol rpki rp {
	roa4 { table r4; };
	remote 127.0.0.1 port 8282;
	retry keep 2; refresh keep 5; expire keep 600;
}
EOF
NSOF[V]=${NSOF[A]}
bird_up V

bird_conf B 198.18.0.1 64500 198.18.0.0 64510 - \
	"route 203.0.113.0/24 unreachable { bgp_path.prepend(65001); };
	route 198.51.100.0/24 unreachable { bgp_path.prepend(65002); };
	route 192.0.2.0/24 unreachable { bgp_path.prepend(64666); };
	route 192.0.2.128/25 unreachable { bgp_path.prepend(64666); };" \
	"where source = RTS_STATIC"
bird_up B

cat >"$D/A.conf" <<EOF
# $T_NAME: anycastd validating against stayrtr
router-id 198.18.0.0
local-as 64510
control $D/A.sock
metrics 127.0.0.1:9179
fib no
rpki 127.0.0.1:8282 preference 1
watch 192.0.2.0/24 origin 65001
neighbor 198.18.0.1 {
    remote-as 64500
    local-address 198.18.0.0
    hold-time 9
    rov reject-invalid
}
EOF
check "anycastd -n accepts the config" "$ANYCASTD" -n -c "$D/A.conf"
ad_start A

rpki_synced() {
	local j
	j=$(ac A show rpki --json) && jcheck "$j" "d['caches'][0]['state']=='synced' and d['vrps']==$1" "A's RTR session is not synced with $1 VRPs:"
}
check_eventually 20 "A's RTR session with stayrtr is synced, 2 VRPs" rpki_synced 2
check_eventually 20 "BIRD V's RPKI session is Established" \
	sh -c "birdc -s '$D/V.ctl' show protocols rp | grep -q Established"
check_eventually 20 "A-BIRD session Established" ad_established A 198.18.0.1

# rov_of PREFIX: the "rov" of A's route for PREFIX from B
rov_of() {
	jget "$(ad_routes A)" "[r['rov'] for r in d if r['prefix']=='$1' and r['from']=='198.18.0.1'][0]"
}
# bird_rov PREFIX ORIGIN: BIRD V's roa_check, by the same names
bird_rov() {
	case $(bc V eval "roa_check(r4, $1, $2)" | sed -n 's/^(enum [0-9]*)//p') in
	0) echo not-found ;; 1) echo valid ;; 2) echo invalid ;; *) echo "?" ;;
	esac
}
# same_as_bird PREFIX ORIGIN WANT: A and BIRD both judge the route WANT
same_as_bird() {
	local a b
	a=$(rov_of "$1")
	b=$(bird_rov "$1" "$2")
	[ "$a" = "$3" ] && [ "$b" = "$3" ] && return 0
	echo "$1 from AS$2: anycastd says '$a', BIRD roa_check says '$b', want '$3'"
	return 1
}
route_is() { # PREFIX EXPR: A's route for PREFIX from B satisfies EXPR (r = the route)
	ad_route_check A "any(($2) for r in d if r['prefix']=='$1' and r['from']=='198.18.0.1')" "A's $1 is not: $2"
}

check_eventually 20 "A has all four routes from B" \
	ad_route_check A "len([r for r in d if r['from']=='198.18.0.1'])==4" "A lacks routes:"
check_eventually 10 "valid: 203.0.113.0/24 from 65001, by anycastd and BIRD" same_as_bird 203.0.113.0/24 65001 valid
check "invalid: 198.51.100.0/24 from 65002, by anycastd and BIRD" same_as_bird 198.51.100.0/24 65002 invalid
check "not-found: 192.0.2.0/24 from 64666, by anycastd and BIRD" same_as_bird 192.0.2.0/24 64666 not-found
check "the valid route is the best" route_is 203.0.113.0/24 "r['best'] and 'rejected' not in r"
check "the invalid route is kept but rejected (rpki-invalid), not best" \
	route_is 198.51.100.0/24 "not r['best'] and r.get('rejected')=='rpki-invalid'"
check "the not-found route is the best" route_is 192.0.2.0/24 "r['best']"
text_has() { ac A show routes | grep -q "$1"; }
check "show routes (text) has the rpki column" text_has '198.51.100.0/24.*rpki invalid.*rejected: rpki-invalid'

SESSION=$(tcp_session "${NSOF[A]}" 198.18.0.0 198.18.0.1)
FLAPS=$(neighbor_flaps "${NSOF[A]}" "$D/A.sock" 198.18.0.1)
log "session $SESSION, flaps $FLAPS"
same_session() {
	local s f
	s=$(tcp_session "${NSOF[A]}" 198.18.0.0 198.18.0.1)
	f=$(neighbor_flaps "${NSOF[A]}" "$D/A.sock" 198.18.0.1)
	[ "$s" = "$SESSION" ] && [ "$f" = "$FLAPS" ] && return 0
	echo "session was $SESSION with $FLAPS flaps, now '$s' with '$f' flaps"
	return 1
}

# ---------------------------------------------------------------- the VRP file edited: valid -> invalid

vrps "203.0.113.0/24 24 65009" "198.51.100.0/24 24 65001"
check_eventually 30 "ROA moved to AS 65009: 203.0.113.0/24 invalid, by anycastd and BIRD" \
	same_as_bird 203.0.113.0/24 65001 invalid
check "... and rejected, not best" route_is 203.0.113.0/24 "not r['best'] and r.get('rejected')=='rpki-invalid'"
check "... without a session reset (same TCP 4-tuple, no flap)" same_session
check "A's neighbour counters: 4 received, 2 accepted" \
	jcheck "$(ac A show neighbors --json)" "d[0]['received']==4 and d[0]['accepted']==2"

vrps "203.0.113.0/24 24 65001" "198.51.100.0/24 24 65001"
check_eventually 30 "ROA restored: 203.0.113.0/24 valid again, by anycastd and BIRD" \
	same_as_bird 203.0.113.0/24 65001 valid
check "... accepted again and best" route_is 203.0.113.0/24 "r['best'] and 'rejected' not in r"
check "... still without a session reset" same_session

# ---------------------------------------------------------------- hijack alarms

alerts_are() { # EXPR over d, the list of `show alerts --json`
	jcheck "$(ac A show alerts --json)" "$1" "alerts are not as expected:"
}
check_eventually 10 "alarm: 192.0.2.0/24 from foreign origin 64666 (kind origin, path 64500 64666)" \
	alerts_are "any(a['prefix']=='192.0.2.0/24' and a['origin']==64666 and a['kind']=='origin' and a['neighbor']=='198.18.0.1' and a['as_path']==[64500,64666] for a in d)"
check "alarm: 192.0.2.128/25, a more-specific from 64666" \
	alerts_are "any(a['prefix']=='192.0.2.128/25' and a['origin']==64666 and a['kind']=='more-specific' for a in d)"
check "no alarm for routes outside the watched prefix" \
	alerts_are "len(d)==2 and all(a['prefix'].startswith('192.0.2.') for a in d)"
hijack_logs() { grep -c 'HIJACK' "$D/A.log"; }
check "one log line per alarm" test "$(hijack_logs)" = 2
metric_hijack() {
	ip netns exec "${NSOF[A]}" curl -s -m 2 http://127.0.0.1:9179/metrics |
		grep -qx "anycast_hijack_routes{prefix=\"$1\",origin=\"$2\"} 1"
}
check "metric anycast_hijack_routes for 192.0.2.0/24 origin 64666" metric_hijack 192.0.2.0/24 64666
check "metric anycast_hijack_routes for 192.0.2.128/25 origin 64666" metric_hijack 192.0.2.128/25 64666

vrps "203.0.113.0/24 24 65001" "198.51.100.0/24 24 65001" "192.0.2.0/24 24 65001"
check_eventually 30 "a ROA for the watched prefix: the hijack is invalid, by anycastd and BIRD" \
	same_as_bird 192.0.2.0/24 64666 invalid
check "... the more-specific too (beyond the ROA's max length)" same_as_bird 192.0.2.128/25 64666 invalid
check "... both rejected" route_is 192.0.2.0/24 "not r['best'] and r.get('rejected')=='rpki-invalid'"
check "... still alarmed, now with rov invalid" \
	alerts_are "len(d)==2 and all(a['rov']=='invalid' for a in d)"
check "... without a second log line" test "$(hijack_logs)" = 2
check "... and without a session reset" same_session

bc B disable st >/dev/null
check_eventually 10 "B withdraws the hijacks: the alarms end" alerts_are "d==[]"
check "... logged as ended" grep -q "hijack ended" "$D/A.log"

finish
