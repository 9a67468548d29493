#!/bin/bash
# anycastd on a site, BIRD 2 upstream (see lib_site.sh for the topology): health checks decide
# what BIRD has.
#   service dns: 192.0.2.0/24, address 192.0.2.1, checks tcp 127.0.0.1:8053 (100 ms, rise/fall 2)
#                and exec "test ! -e $D/dns.down"
#   service web: 198.51.100.0/24, address 198.51.100.1, check tcp 127.0.0.1:8080
# Asserts: the service dies -> BIRD loses the route, it comes back -> BIRD has it again; either
# of two checks failing withdraws; failing one service keeps the other; the service address is
# on lo exactly while announced; metrics (transitions, service_up, check_ok, bgp_session_up);
# show services --json; `anycast check`; SIGTERM -> Administrative shutdown, routes and
# addresses gone.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_site.sh"
require_root
require_cmd bird birdc curl
require_anycastd

DNS=192.0.2.0/24
WEB=198.51.100.0/24

# watch_pair PREFIX ADDR SECONDS: sample (route at BIRD, ADDR on lo) for SECONDS, every ~20 ms,
# the route read first. Fails when the route is at BIRD without the address on lo, or the
# address is on lo without the route, in two samples in a row (one sample may straddle a
# transition). Prints the sample trace on failure.
watch_pair() {
	local p=$1 ad=$2 end r l prev="" bad=0 trace="" n=0
	end=$(($(date +%s%N) + $3 * 1000000000))
	while [ "$(date +%s%N)" -lt $end ]; do
		r=0
		l=0
		birdc_ show route "$p" | awk -v p="$p" '$1 == p { f = 1 } END { exit !f }' && r=1
		ip -n "$A" addr show dev lo | grep -q "inet $ad/" && l=1
		n=$((n + 1))
		trace="$trace $r$l"
		if [ "$r" != "$l" ] && [ "$prev" = "$r$l" ]; then bad=1; fi
		prev=$r$l
		sleep 0.02
	done
	# run-length form for the log: "11x40 00x100" = 40 samples both present, then 100 both absent
	echo "$trace" | tr ' ' '\n' | awk 'NF { if (($1 "") == (p "")) c++; else { if (c) printf "%sx%d ", p, c; p = $1; c = 1 } }
		END { printf "%sx%d\n", p, c }' >"$D/watch.trace"
	[ $bad = 0 ] && return 0
	echo "route/address samples (route at BIRD, $ad on lo), $n samples:$trace"
	return 1
}

site_net
bird_start 9
listener_start 8053
DNS_PID=$LISTEN_PID
listener_start 8080
WEB_PID=$LISTEN_PID
site_conf "$D/anycastd.conf" 9 "
service dns {
    prefix $DNS
    address 192.0.2.1
    check tcp 127.0.0.1:8053 interval 100ms timeout 80ms rise 2 fall 2
    check exec \"test ! -e $D/dns.down\" interval 100ms timeout 80ms rise 2 fall 2
    flap-limit 0
}
service web {
    prefix $WEB
    address 198.51.100.1
    check tcp 127.0.0.1:8080 interval 100ms timeout 80ms rise 2 fall 2
    flap-limit 0
}"
check "anycastd -n accepts the config" "$ANYCASTD" -n -c "$D/anycastd.conf"
anycastd_start

echo "== both services healthy"
check_eventually 20 "BGP session Established at BIRD" bird_established
check_eventually 10 "BIRD has $DNS (AS path $SITE_AS, no 65535:0)" bird_route_is $DNS 1 0
check_eventually 10 "BIRD has $WEB" bird_has $WEB
check "192.0.2.1 on lo while announced" lo_has 192.0.2.1
check "198.51.100.1 on lo while announced" lo_has 198.51.100.1
check_eventually 10 "metrics: anycast_bgp_session_up{neighbor=\"$SB_V4\"} 1" metric_is anycast_bgp_session_up "\"$SB_V4\"" 1
check "metrics: anycast_service_up{service=\"dns\"} 1" metric_is anycast_service_up '"dns"' 1
check "metrics: anycast_check_ok for dns's tcp check 1" metric_is anycast_check_ok 'service="dns",check="tcp' 1
check "metrics: anycast_check_ok for dns's exec check 1" metric_is anycast_check_ok 'service="dns",check="exec' 1
J=$(ac show services --json)
check "show services --json: dns up with checks tcp 127.0.0.1:8053 and exec, each with kind, target, ok, last_ms" \
	jcheck "$J" "([(s['state'], [(c['kind'], c['ok']) for c in s['checks']]) for s in d if s['name']=='dns'] == [('up', [('tcp', True), ('exec', True)])]
		and all(set(c) >= {'kind','target','ok','last_ms'} and isinstance(c['last_ms'], (int, float)) for s in d for c in s['checks'])
		and [c['target'] for s in d if s['name']=='dns' for c in s['checks']][0] == '127.0.0.1:8053')"
check "show services --json: web up" jcheck "$J" "[s['state'] for s in d if s['name']=='web'] == ['up']"
check "anycast check dns exits 0 while its checks pass" ac check dns
T0=$(metric anycast_service_transitions_total '"dns"')
log "anycast_service_transitions_total{service=\"dns\"} = $T0"

echo "== the dns service dies (kill -9 of its listener), then comes back"
log "killing the listener on 8053 (PID $DNS_PID)"
listener_stop "$DNS_PID"
check "route and address follow each other while the service dies (3 s of samples)" watch_pair $DNS 192.0.2.1 3
log "samples (route at BIRD, address on lo) x count: $(cat "$D/watch.trace")"
check "BIRD lost $DNS" bird_lacks $DNS
check "192.0.2.1 removed from lo after the withdrawal" lo_lacks 192.0.2.1
check "BIRD still has $WEB (the other service)" bird_has $WEB
check "198.51.100.1 still on lo" lo_has 198.51.100.1
check "show services: dns down" svc_is dns down
check "show services --json: dns's tcp check not ok, exec check ok" \
	jcheck "$(ac show services --json)" "[c['ok'] for s in d if s['name']=='dns' for c in s['checks']] == [False, True]"
check "metrics: anycast_service_up{service=\"dns\"} 0" metric_is anycast_service_up '"dns"' 0
check "metrics: anycast_check_ok for dns's tcp check 0" metric_is anycast_check_ok 'service="dns",check="tcp' 0
check "metrics: anycast_service_up{service=\"web\"} 1" metric_is anycast_service_up '"web"' 1
ac check dns >"$D/check.out" 2>&1
RC=$?
check "anycast check dns exits 1 while its tcp check fails (got $RC)" test "$RC" = 1
listener_start 8053
DNS_PID=$LISTEN_PID
log "listener on 8053 back (PID $DNS_PID)"
check "route and address follow each other while the service comes back (3 s of samples)" watch_pair $DNS 192.0.2.1 3
log "samples (route at BIRD, address on lo) x count: $(cat "$D/watch.trace")"
check "BIRD has $DNS again (AS path $SITE_AS, no 65535:0)" bird_route_is $DNS 1 0
check "192.0.2.1 back on lo" lo_has 192.0.2.1
check "metrics: anycast_service_up{service=\"dns\"} 1" metric_is anycast_service_up '"dns"' 1
T1=$(metric anycast_service_transitions_total '"dns"')
check "metrics: anycast_service_transitions_total{service=\"dns\"} rose by 2 (down, up): $T0 -> $T1" \
	test "${T1:-0}" -ge $((${T0:-0} + 2))
check "anycast check dns exits 0 again" ac check dns

echo "== two checks on one service: the exec check fails"
touch "$D/dns.down"
check_eventually 10 "BIRD lost $DNS while $D/dns.down exists (tcp check still passes)" bird_lacks $DNS
check "show services --json: dns down, tcp ok, exec not ok" \
	jcheck "$(ac show services --json)" "[(s['state'], [c['ok'] for c in s['checks']]) for s in d if s['name']=='dns'] == [('down', [True, False])]"
check_eventually 10 "192.0.2.1 removed from lo" lo_lacks 192.0.2.1
check "BIRD still has $WEB" bird_has $WEB
ac check dns >"$D/check.out" 2>&1
RC=$?
check "anycast check dns exits 1 while its exec check fails (got $RC)" test "$RC" = 1
rm -f "$D/dns.down"
check_eventually 10 "BIRD has $DNS again after $D/dns.down is removed" bird_route_is $DNS 1 0
check "192.0.2.1 back on lo" lo_has 192.0.2.1
log "both checks fail: the listener dies and the file exists"
touch "$D/dns.down"
listener_stop "$DNS_PID"
check_eventually 10 "BIRD lost $DNS with both checks failing" bird_lacks $DNS
listener_start 8053
DNS_PID=$LISTEN_PID
check_steady 1 "... still withdrawn when only the tcp check recovers" bird_lacks $DNS
rm -f "$D/dns.down"
check_eventually 10 "BIRD has $DNS once both pass" bird_has $DNS

echo "== two services, independent prefixes: web dies, dns stays"
listener_stop "$WEB_PID"
check_eventually 10 "BIRD lost $WEB" bird_lacks $WEB
check_eventually 10 "198.51.100.1 removed from lo" lo_lacks 198.51.100.1
check_steady 2 "BIRD keeps $DNS (2 s) while web is down" bird_route_is $DNS 1 0
check "192.0.2.1 still on lo" lo_has 192.0.2.1
check "show services: web down, dns up" \
	jcheck "$(ac show services --json)" "sorted((s['name'], s['state']) for s in d) == [('dns','up'), ('web','down')]"
listener_start 8080
WEB_PID=$LISTEN_PID
check_eventually 10 "BIRD has $WEB again" bird_has $WEB
check "198.51.100.1 back on lo" lo_has 198.51.100.1
log "now dns dies, web stays"
listener_stop "$DNS_PID"
check_eventually 10 "BIRD lost $DNS" bird_lacks $DNS
check_steady 2 "BIRD keeps $WEB (2 s) while dns is down" bird_has $WEB
listener_start 8053
DNS_PID=$LISTEN_PID
check_eventually 10 "BIRD has $DNS again" bird_has $DNS
check "metrics: anycast_bgp_session_up 1 throughout" metric_is anycast_bgp_session_up "\"$SB_V4\"" 1

echo "== SIGTERM"
kill -TERM "$APID"
if wait_exit "$APID" 10; then
	check "anycastd exits 0 on SIGTERM" test "$EXIT_STATUS" = 0
else
	fail "anycastd exits within 10 s of SIGTERM"
fi
check_eventually 10 "BIRD recorded 'Administrative shutdown'" \
	sh -c "grep -q 'Received: Administrative shutdown' '$D/bird.log' || birdc -s '$BIRDSOCK' show protocols all a | grep -q 'Received: Administrative shutdown'"
check_eventually 10 "BIRD dropped $DNS" bird_lacks $DNS
check_eventually 10 "BIRD dropped $WEB" bird_lacks $WEB
check "192.0.2.1 removed from lo" lo_lacks 192.0.2.1
check "198.51.100.1 removed from lo" lo_lacks 198.51.100.1

[ "$T_FAILED" = 0 ] || show_site_logs
finish
