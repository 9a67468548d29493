#!/bin/bash
# The BFD scenario bfd_bird.sh and bfd_frr.sh run (sourced after lib.sh; tests/run.sh skips
# lib*.sh).
#
#   A eth0 198.18.0.1/31  2001:db8:ffff::1/64   anycastd AS 65001, service dns 192.0.2.0/25
#   B eth0 198.18.0.0/31  2001:db8:ffff::2/64   the peer AS 64500, 203.0.113.0/24, 2001:db8:100::/48
# Both BGP sessions (IPv4, IPv6) run BFD at 100 ms x 3 on both sides, BGP hold time 9 s.
# Asserts: BFD Up on both ends for both families, then
#   - the peer's BFD and BGP daemons frozen (SIGSTOP): anycastd's BFD and BGP sessions down and
#     the peer's routes gone from anycastd in under 500 ms (measured from the SIGSTOP to the
#     state seen, by polling), and BGP not brought back while BFD is down;
#   - resumed (SIGCONT): BFD and BGP back up;
#   - anycastd frozen: the peer sees BFD and BGP down in under 500 ms; resumed: back up.
# A peer script defines PEER_NAME and these hooks (using A, B, D and the addresses):
#   peer_start                 write the peer's config into $D, spawn it in $B, set PEER_PIDS
#   peer_bfd_up v4|v6          exit 0 when the peer's BFD session with anycastd is Up
#   peer_bgp_up v4|v6          exit 0 when the peer's BGP session is Established
#   peer_logs                  the paths of the peer's log files
# and sets PEER_BGP_LOG, the log with millisecond timestamps where PEER_DOWN4 and PEER_DOWN6
# (regular expressions) match the peer's BGP sessions going down
# The addresses, ours/theirs and peer_net come from lib_peer.sh.
. "$(dirname "${BASH_SOURCE[0]}")/lib_peer.sh"
. "$(dirname "${BASH_SOURCE[0]}")/lib_logtime.sh"
LOCAL_AS=65001
BFD_LIMIT_MS=500

bfd_conf() {
	local fam
	{
		echo "router-id $A_V4"
		echo "local-as $LOCAL_AS"
		echo "listen $A_V4"
		echo "listen $A_V6"
		echo "control $SOCK"
		echo "metrics 127.0.0.1:9179"
		for fam in v4 v6; do
			echo "neighbor $(theirs $fam) {"
			echo "    remote-as $PEER_AS"
			echo "    local-address $(ours $fam)"
			echo "    hold-time 9"
			echo "    bfd yes"
			echo "    bfd-interval 100ms"
			echo "    bfd-multiplier 3"
			echo "}"
		done
		echo "service dns {"
		echo "    prefix 192.0.2.0/25"
		echo "    prefix 2001:db8:1::/48"
		echo "}"
	} >"$1"
}

nbrs() { anycast_in "$A" "$SOCK" show neighbors --json; }
# our_bfd v4|v6: anycastd's BFD state with the peer
our_bfd() {
	local j
	j=$(nbrs 2>/dev/null) && jget "$j" "[n.get('bfd') for n in d if n['address']=='$(theirs "$1")'][0]"
}
our_bfd_up() { [ "$(our_bfd "$1")" = up ]; }
peer_routes_here() {
	local j
	j=$(anycast_in "$A" "$SOCK" show routes --json) &&
		jcheck "$j" "any(r['prefix']=='203.0.113.0/24' for r in d) and any(r['prefix']=='2001:db8:100::/48' for r in d)"
}
metric() {
	ip netns exec "$A" curl -s --max-time 2 http://127.0.0.1:9179/metrics | awk -v k="$1" 'index($0, k) == 1 { print $NF }'
}

# ours_down: anycastd has BFD and BGP down for both neighbours and none of their routes left
# ("received" counts the neighbour's paths in the RIB). One call and grep, not python: this is
# polled against a clock.
ours_down() {
	local n
	n=$(nbrs 2>/dev/null) || return 1
	[ "$(printf '%s' "$n" | grep -o '"bfd":"down"' | wc -l)" = 2 ] || return 1
	printf '%s' "$n" | grep -q -e Established -e '"received":[1-9]' && return 1
	return 0
}
# peer_down: the peer has BFD and BGP down for both families (a peer script may define a
# faster one: this is polled against a clock)
peer_down() {
	local fam
	for fam in v4 v6; do
		peer_bfd_up $fam && return 1
		peer_bgp_up $fam && return 1
	done
	return 0
}

# freeze COND PIDS...: SIGSTOP the PIDS (remembered for resume and the trap), then poll COND
# until it holds (POLL_MS: when the poll saw it; 1 if not within 5 s); T0 the SIGSTOP in ns
freeze() {
	local cond=$1 now
	shift
	FROZEN="$*"
	T0=$(date +%s%N)
	kill -STOP "$@"
	while :; do
		$cond && break
		now=$(date +%s%N)
		[ $((now - T0)) -gt 5000000000 ] && return 1
	done
	now=$(date +%s%N)
	POLL_MS=$(((now - T0) / 1000000))
}

# frozen DESC COND LOGFILE REGEX4 REGEX6 PIDS...: freeze PIDS, wait for COND, and assert that the
# failure was acted on (the log lines for both families) within BFD_LIMIT_MS of the SIGSTOP
frozen() {
	local desc=$1 cond=$2 lf=$3 r4=$4 r6=$5 ms
	shift 5
	if ! freeze "$cond" "$@"; then
		fail "$desc: not seen within 5 s"
		return
	fi
	if ! ms=$(log_delay "$T0" "$lf" "$r4" "$r6"); then
		fail "$desc: seen by polling after $POLL_MS ms, but no log line in $lf"
		return
	fi
	check "$desc: $ms ms after the SIGSTOP (< $BFD_LIMIT_MS; the poll saw it at $POLL_MS ms)" test "$ms" -lt $BFD_LIMIT_MS
	echo "$PEER_NAME $cond $ms $POLL_MS" >>"${BFD_TIMES:-/dev/null}"
}

resume() {
	[ -n "${FROZEN:-}" ] && kill -CONT $FROZEN 2>/dev/null
	FROZEN=
}

all_up() {
	local fam failed0=$T_FAILED
	for fam in v4 v6; do
		check_eventually 20 "$fam: anycastd's BFD session Up" our_bfd_up $fam
		check_eventually 20 "$fam: $PEER_NAME's BFD session Up" peer_bfd_up $fam
		check_eventually 20 "$fam: BGP Established in anycastd" neighbor_established "$A" "$SOCK" "$(theirs $fam)"
		check_eventually 20 "$fam: BGP Established at $PEER_NAME" peer_bgp_up $fam
	done
	check_eventually 10 "the peer's routes in anycastd" peer_routes_here
	# nothing below means anything without the sessions
	[ "$T_FAILED" = "$failed0" ] || { bfd_logs; die "the sessions did not come up"; }
}

bfd_scenario() {
	local j failed0=$T_FAILED
	echo "== $PEER_NAME: BFD 100 ms x 3 on IPv4 and IPv6"
	peer_net ""
	bfd_conf "$D/anycastd.conf"
	check "anycastd -n accepts bfd, bfd-interval, bfd-multiplier" "$ANYCASTD" -n -c "$D/anycastd.conf"
	peer_start
	spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/anycastd.conf"
	APID=$SPAWN_PID
	all_up
	j=$(nbrs)
	check "show neighbors --json: bfd_detail with 100 ms, x3, detect 300 ms" jcheck "$j" \
		"all(n['bfd_detail']['interval_ms']==100 and n['bfd_detail']['multiplier']==3 and n['bfd_detail']['detect_ms']==300 for n in d)"
	check "show neighbors: a BFD column" sh -c "ip netns exec $A $ANYCAST -s $SOCK show neighbors | grep -q 'BFD'"
	check_eventually 5 "metrics: anycast_bfd_session_up 1" sh -c "[ \"\$(ip netns exec $A curl -s http://127.0.0.1:9179/metrics | grep -c '^anycast_bfd_session_up{.*} 1')\" = 2 ]"

	echo "== $PEER_NAME frozen (SIGSTOP of its BFD and BGP daemons)"
	frozen "anycastd: BFD and BGP down, the peer's routes gone" ours_down "$D/anycastd.log" \
		"neighbor $B_V4: session down: BFD" "neighbor $B_V6: session down: BFD" $PEER_PIDS
	check_steady 2 "BGP stays down while BFD is down (hold time 9 s not reached)" sh -c \
		"! ip netns exec $A $ANYCAST -s $SOCK show neighbors --json | grep -q Established"
	resume
	all_up

	echo "== anycastd frozen (SIGSTOP)"
	frozen "$PEER_NAME: BFD and BGP down" peer_down "$PEER_BGP_LOG" "$PEER_DOWN4" "$PEER_DOWN6" "$APID"
	resume
	all_up
	[ "$T_FAILED" != "$failed0" ] && bfd_logs
}

# drops REASON: anycastd's anycast_bfd_drops_total for the reason
drops() { metric "anycast_bfd_drops_total{reason=\"$1\"}"; }

# bfd_malformed: each malformed case, 5 packets per family from the peer's address that would
# take the session down if acted on: counted under its reason, the sessions stay Up
bfd_malformed() {
	local fam c reason before after j my your flaps
	echo "== malformed BFD packets from the peer's addresses"
	j=$(nbrs)
	flaps=$(jget "$j" "sum(n['bfd_detail']['flaps'] for n in d)")
	for c in "ttl:ttl not 255" "length:bad length" "disc:unknown discriminator" "version:bad version"; do
		reason=${c#*:}
		before=$(drops "$reason")
		for fam in v4 v6; do
			j=$(nbrs)
			my=$(jget "$j" "[n['bfd_detail']['remote_discriminator'] for n in d if n['address']=='$(theirs $fam)'][0]")
			your=$(jget "$j" "[n['bfd_detail']['local_discriminator'] for n in d if n['address']=='$(theirs $fam)'][0]")
			ip netns exec "$B" "$PY" "$IT_DIR/bfd_send.py" "$(theirs $fam)" "$(ours $fam)" "${c%%:*}" "$my" "$your" 5
		done
		check_eventually 5 "${c%%:*}: 10 packets counted as \"$reason\" ($before before)" \
			sh -c "[ \"\$(ip netns exec $A curl -s http://127.0.0.1:9179/metrics | grep -F 'anycast_bfd_drops_total{reason=\"$reason\"}' | awk '{print \$NF}')\" = $((before + 10)) ]"
	done
	j=$(nbrs)
	check "after the malformed packets: both BFD sessions Up, no flap, BGP Established" jcheck "$j" \
		"all(n['bfd']=='up' and n['state']=='Established' for n in d) and sum(n['bfd_detail']['flaps'] for n in d)==$flaps"
}

bfd_logs() {
	local f
	for f in "$D/anycastd.log" $(peer_logs); do
		[ -s "$f" ] || continue
		echo "---- tail of $f"
		tail -n 25 "$f"
	done
}
# a frozen process would outlive the trap's TERM: resume it first
trap 'resume; _cleanup' EXIT
