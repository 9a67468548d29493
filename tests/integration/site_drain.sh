#!/bin/bash
# anycastd on a site, BIRD 2 upstream (see lib_site.sh): graceful drain.
#   service dns: 192.0.2.0/24, address 192.0.2.1, check tcp 127.0.0.1:8053 (100 ms, rise/fall 2),
#                drain-time 2s, drain-file $D/dns.drain
# Asserts: `anycast drain dns` and the drain-file each make BIRD see the route with community
# (65535,0) and an AS path 3 longer for about drain-time, then no route (and 192.0.2.1 leaves lo
# after that); `anycast resume dns` / removing the file restores the plain route; a drain
# survives SIGHUP (by command and by file).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_site.sh"
require_root
require_cmd bird birdc
require_anycastd

DNS=192.0.2.0/24

# drain_trace SECONDS: sample BIRD's route for $DNS every ~20 ms until it is gone (at most
# SECONDS); writes "MS STATE" lines to $D/trace, MS since the call, STATE = P<len> (plain),
# G<len> (with 65535:0) or - (no route); STATE "A" marks a sample where 192.0.2.1 was not on lo
# while the route was at BIRD.
drain_trace() {
	local t0 now end out st path n
	t0=$(date +%s%N)
	end=$((t0 + $1 * 1000000000))
	: >"$D/trace"
	while :; do
		now=$(date +%s%N)
		[ "$now" -ge $end ] && break
		out=$(birdc_ show route all $DNS 2>&1)
		if printf '%s\n' "$out" | awk -v p=$DNS '$1 == p { f = 1 } END { exit !f }'; then
			path=$(printf '%s\n' "$out" | sed -n 's/^[[:space:]]*BGP\.as_path:[[:space:]]*//p' | head -n 1)
			n=$(echo $path | wc -w)
			case $out in *"(65535,0)"*) st=G$n ;; *) st=P$n ;; esac
			lo_addrs | grep -q "inet 192.0.2.1/" || st="$st A"
		else
			st=-
		fi
		echo "$(((now - t0) / 1000000)) $st" >>"$D/trace"
		[ "$st" = - ] && break
		sleep 0.02
	done
}
# trace_summary: run-length form of the trace, "STATE from..to ms"
trace_summary() {
	awk '{ s = $2 ($3 ? "+" $3 : "") } s != p { if (p != "") printf "%s %d..%d ms, ", p, a, b; p = s; a = $1 } { b = $1 }
		END { printf "%s %d..%d ms\n", p, a, b }' "$D/trace"
}
# drained_ok: the trace shows G4 (65535:0, path 65001 x4) first, then no route; no plain route
# in between, the address on lo the whole time the route was there (but for a last sample that
# straddles the withdrawal), the route gone no sooner than 1.5 s after the drain (drain-time is
# 2 s) and within 10 s (headroom for a loaded machine; the drain only has to end)
drained_ok() {
	awk '
		NR == 1 && $2 != "G4" { print "first sample is " $2 ", not G4 (65535:0, AS path length 4)"; bad = 1 }
		$2 ~ /^P/ { print "a plain route at " $1 " ms"; bad = 1 }
		# a sample read BIRD first, then lo: the last one before the route is gone may straddle
		# the withdrawal (sent, address removed, BIRD not done yet); any other is a fault
		pend != "" && $2 != "-" { print "192.0.2.1 not on lo at " pend " ms while BIRD had the route"; bad = 1 }
		{ pend = "" }
		$3 == "A" { pend = $1 }
		$2 == "G4" { lastg = $1 }
		$2 == "-" { gone = $1 }
		END {
			if (gone == "") { print "the route never went away"; bad = 1 }
			else if (gone < 1500 || gone > 10000) { print "route gone after " gone " ms, want 1500..10000"; bad = 1 }
			exit bad
		}' "$D/trace" && return 0
	trace_summary
	return 1
}

site_net
bird_start 9
listener_start 8053
site_conf "$D/anycastd.conf" 9 "
service dns {
    prefix $DNS
    address 192.0.2.1
    check tcp 127.0.0.1:8053 interval 100ms timeout 80ms rise 2 fall 2
    drain-time 2s
    drain-file $D/dns.drain
    flap-limit 0
}"
check "anycastd -n accepts the config" "$ANYCASTD" -n -c "$D/anycastd.conf"
anycastd_start
check_eventually 20 "BGP session Established at BIRD" bird_established
check_eventually 10 "BIRD has $DNS, AS path $SITE_AS, no 65535:0" bird_route_is $DNS 1 0
check "192.0.2.1 on lo" lo_has 192.0.2.1

echo "== anycast drain dns"
check "anycast drain dns exits 0" ac drain dns
drain_trace 15
log "BIRD's route (G=65535:0, P=plain, number=AS path length, -=none): $(trace_summary)"
check "BIRD: 65535:0 and AS path +3 for ~drain-time (2 s), then no route; 192.0.2.1 on lo meanwhile" drained_ok
check_eventually 10 "192.0.2.1 removed from lo after the withdrawal" lo_lacks 192.0.2.1
check "show services: dns draining" svc_is dns draining
check_steady 1 "no route while drained" bird_lacks $DNS
check "anycast resume dns exits 0" ac resume dns
check_eventually 10 "after resume: BIRD has the plain route again (AS path $SITE_AS, no 65535:0)" bird_route_is $DNS 1 0
check "192.0.2.1 back on lo" lo_has 192.0.2.1
check "show services: dns up" svc_is dns up

echo "== drain-file"
touch "$D/dns.drain"
check_eventually 10 "BIRD sees 65535:0 and AS path +3 once $D/dns.drain exists" bird_route_is $DNS 4 1
drain_trace 15
log "BIRD's route: $(trace_summary)"
check "... then no route after drain-time" bird_lacks $DNS
check_eventually 10 "192.0.2.1 removed from lo" lo_lacks 192.0.2.1
check "show services: dns draining" svc_is dns draining
log "SIGHUP while drained by the file"
kill -HUP "$APID"
check_steady 2 "after SIGHUP: still no route at BIRD" bird_lacks $DNS
check "after SIGHUP: still draining" svc_is dns draining
rm -f "$D/dns.drain"
check_eventually 10 "file removed: BIRD has the plain route again" bird_route_is $DNS 1 0
check "192.0.2.1 back on lo" lo_has 192.0.2.1

echo "== a drain survives SIGHUP"
check "anycast drain dns exits 0" ac drain dns
check_eventually 10 "BIRD sees 65535:0 and AS path +3" bird_route_is $DNS 4 1
log "SIGHUP during drain-time"
kill -HUP "$APID"
drain_trace 15
log "BIRD's route: $(trace_summary)"
check "after SIGHUP during drain-time: never the plain route, then no route" \
	awk '$2 ~ /^P/ { print "plain route at " $1 " ms"; bad = 1 } END { exit bad }' "$D/trace"
check "no route at BIRD" bird_lacks $DNS
log "SIGHUP once withdrawn"
kill -HUP "$APID"
check_steady 3 "after SIGHUP: still no route at BIRD (3 s)" bird_lacks $DNS
check "after SIGHUP: show services says draining" svc_is dns draining
check "after SIGHUP: 192.0.2.1 not on lo" lo_lacks 192.0.2.1
check "anycastd still running" alive "$APID"
check "anycast resume dns exits 0" ac resume dns
check_eventually 10 "after resume: the plain route (AS path $SITE_AS, no 65535:0)" bird_route_is $DNS 1 0
check "show services: dns up" svc_is dns up

[ "$T_FAILED" = 0 ] || show_site_logs
finish
