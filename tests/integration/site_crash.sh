#!/bin/bash
# anycastd on a site, BIRD 2 upstream (see lib_site.sh), hold time 3 s on both sides:
#   service dns:  192.0.2.0/24,    address 192.0.2.1, check tcp 127.0.0.1:8053 (100 ms)
#   service hang: 198.51.100.0/24, check exec "$D/maybe-hang.sh" interval 1s timeout 300ms
#                 (the script runs `sleep 1000` while $D/hang exists)
# Asserts: an exec check that hangs is killed at its timeout (the service goes down, no sleep
# of the check lives past the timeout, no zombie child of anycastd) while the BGP session stays
# Established at BIRD with the same "since" for 10 s and the other service stays announced;
# `kill -9` of anycastd makes BIRD drop every route within 5 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_site.sh"
require_root
require_cmd bird birdc ps
require_anycastd

DNS=192.0.2.0/24
HANG=198.51.100.0/24
HZ=$(getconf CLK_TCK)

# procs_ok: one sample of the processes in namespace A. Appends to $D/procs.log; fails when a
# `sleep` is older than 2500 ms (timeout 300 ms + headroom for a loaded machine; a sleep the
# timeout missed lives 1000 s, and the next run starts only 1 s later) or more than one exists, or when a
# child of anycastd has been a zombie in this and the previous sample.
procs_ok() {
	local pids p st age up bad=0 nsleep=0 zombies=""
	pids=$(ip netns pids "$A" 2>/dev/null)
	up=$(cut -d' ' -f1 /proc/uptime)
	for p in $pids; do
		st=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		[ -n "$st" ] || continue
		# after "comm) ": field 1 state, 2 ppid, 3 pgrp, ..., 20 starttime (clock ticks)
		set -- $st
		case $(cat "/proc/$p/comm" 2>/dev/null) in
		sleep)
			nsleep=$((nsleep + 1))
			age=$(awk -v u="$up" -v s="${20}" -v hz="$HZ" 'BEGIN { printf "%d", (u - s / hz) * 1000 }')
			echo "$(date +%s%3N) sleep pid $p pgrp $3 parent $2 age ${age}ms" >>"$D/procs.log"
			if [ "$age" -gt 2500 ]; then
				echo "sleep (pid $p, group $3) still running after ${age} ms"
				bad=1
			fi
			;;
		esac
		if [ "$2" = "$APID" ] && [ "$1" = Z ]; then
			zombies="$zombies $p"
			case " $(cat "$D/zombies" 2>/dev/null) " in *" $p "*)
				echo "zombie child of anycastd: pid $p"
				bad=1
				;;
			esac
		fi
	done
	echo "$zombies" >"$D/zombies"
	if [ $nsleep -gt 1 ]; then
		echo "$nsleep sleep processes in the namespace"
		bad=1
	fi
	return $bad
}

# steady_hang SECONDS SESSION_ID: for SECONDS, every 200 ms: procs_ok, BIRD's session
# unchanged and Established, $DNS still at BIRD
steady_hang() {
	local end sid=$2 cur
	end=$(($(date +%s%N) + $1 * 1000000000))
	while [ "$(date +%s%N)" -lt $end ]; do
		procs_ok || return 1
		cur=$(bird_session_id)
		if [ "$cur" != "$sid" ]; then
			echo "BIRD's session changed: was '$sid', now '$cur'"
			birdc_ show protocols all a
			return 1
		fi
		bird_has $DNS >/dev/null || { bird_has $DNS; return 1; }
		sleep 0.2
	done
}

site_net
bird_start 3
listener_start 8053
cat >"$D/maybe-hang.sh" <<EOF
#!/bin/sh
# hangs "forever" while $D/hang exists
if [ -e "$D/hang" ]; then sleep 1000; fi
exit 0
EOF
chmod 755 "$D/maybe-hang.sh"
site_conf "$D/anycastd.conf" 3 "
service dns {
    prefix $DNS
    address 192.0.2.1
    check tcp 127.0.0.1:8053 interval 100ms timeout 80ms rise 2 fall 2
    flap-limit 0
}
service hang {
    prefix $HANG
    check exec \"$D/maybe-hang.sh\" interval 1s timeout 300ms rise 2 fall 2
    flap-limit 0
}"
check "anycastd -n accepts the config" "$ANYCASTD" -n -c "$D/anycastd.conf"
anycastd_start
check_eventually 20 "BGP session Established at BIRD (hold time 3)" bird_established
check_eventually 10 "BIRD has $DNS" bird_has $DNS
check_eventually 10 "BIRD has $HANG" bird_has $HANG
check "BIRD's session uses hold time 3" sh -c "birdc -s '$BIRDSOCK' show protocols all a | grep -q 'Hold timer:.*/3'"

echo "== the exec check hangs (sleep 1000) and is killed at its 300 ms timeout"
SID=$(bird_stable_session_id)
log "BIRD's session: $SID"
: >"$D/zombies"
touch "$D/hang"
check_eventually 10 "BIRD lost $HANG (the hanging check failed)" bird_lacks $HANG
check "show services: hang down" svc_is hang down
J=$(ac show services --json)
log "hang's check: $(jget "$J" "[c for s in d if s['name']=='hang' for c in s['checks']][0]")"
# not before the timeout; the upper bound only has to tell "killed" from "ran 1000 s"
check "show services --json: the exec check not ok, last run >= 300 ms and well short of the sleep (killed at the timeout)" \
	jcheck "$J" "[(c['ok'], 290 <= c['last_ms'] <= 3000) for s in d if s['name']=='hang' for c in s['checks']] == [(False, True)]"
check "for 10 s: no sleep of the check outlives the timeout, no zombie child, BIRD's session same and Established, $DNS stays" \
	steady_hang 10 "$SID"
log "sleep processes seen: $(grep -c sleep "$D/procs.log" 2>/dev/null) samples, distinct pids $(awk '{ print $4 }' "$D/procs.log" 2>/dev/null | sort -u | wc -l)"
check "BIRD: protocol a state and TCP connection unchanged ($SID)" test "$(bird_session_id)" = "$SID"
check "metrics: anycast_bgp_session_up 1" metric_is anycast_bgp_session_up "\"$SB_V4\"" 1
rm -f "$D/hang"
check_eventually 10 "check passes again: BIRD has $HANG" bird_has $HANG
check "no sleep left in the namespace" sh -c "! ps -o comm= -p \"\$(ip netns pids $A | tr '\n' ,)0\" | grep -qx sleep"
check "no zombie child of anycastd" sh -c "! ps --ppid $APID -o stat= | grep -q Z"

echo "== kill -9 anycastd"
T0=$(date +%s%N)
kill -KILL "$APID"
if wait_until 5 bird_lacks $DNS; then
	pass "BIRD dropped $DNS $((($(date +%s%N) - T0) / 1000000)) ms after kill -9 (within 5 s; polled every 100 ms)"
else
	check "BIRD dropped $DNS within 5 s of kill -9" bird_lacks $DNS
fi
check_eventually 10 "BIRD dropped $HANG" bird_lacks $HANG
wait_exit "$APID" 5
check_eventually 10 "BIRD's session no longer Established" sh -c "! birdc -s '$BIRDSOCK' show protocols a | grep -q Established"

[ "$T_FAILED" = 0 ] || show_site_logs
finish
