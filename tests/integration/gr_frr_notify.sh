#!/bin/bash
# RFC 8538 (Notification Message support for graceful restart) against FRR bgpd, which has it
# (`bgp graceful-restart notification`, `bgp hard-administrative-reset`); BIRD 2.0 has not.
#
#   A eth0 198.18.0.1/31  anycastd AS 65001, graceful-restart yes (time 60), hold-time 3,
#                         announces 192.0.2.0/25
#   B eth0 198.18.0.0/31  FRR bgpd AS 64500, graceful restart with notification, announces
#                         203.0.113.0/24
#
# 0. FRR sees the N bit in our capability (and R clear: a first start).
# 1. FRR clears the session with hard-administrative-reset (its default): a Cease/Hard Reset
#    carrying Administrative Reset; anycastd drops FRR's route at once (no graceful restart).
# 2. With `no bgp hard-administrative-reset`: a plain Administrative Reset; both N bits set, so
#    anycastd keeps FRR's route, stale, over the reset (polled every 100 ms: never missing).
# 3. bgpd frozen (SIGSTOP): anycastd's hold timer expires; it sends Hold Timer Expired and keeps
#    FRR's route stale, as for a TCP loss; thawed, FRR (whose own hold timer fires first) keeps
#    ours likewise; after the new session's End-of-RIB both are fresh again.
# 4. A reload that changes the neighbour (Other Configuration Change, graceful per RFC 8538
#    sec 5): FRR keeps 192.0.2.0/25 throughout (polled).
# 5. A reload that removes the neighbour (Peer De-configured): sent as Hard Reset; FRR drops
#    192.0.2.0/25 at once instead of keeping it for our 60 s restart time.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd vtysh python3
BGPD=${BGPD:-/usr/lib/frr/bgpd}
[ -x "$BGPD" ] || skip "missing $BGPD"
require_anycastd

A_V4=198.18.0.1
B_V4=198.18.0.0

ns_new grn_a
A=$NS
ns_new grn_b
B=$NS
veth "$A" eth0 "$B" eth0
addr "$A" eth0 $A_V4/31
addr "$B" eth0 $B_V4/31
mk_tmpdir
D=$TMPD
SOCK=$D/anycastd.sock

# anycastd_conf HOLD [NO_NEIGHBOR]
anycastd_conf() {
	{
		echo "router-id $A_V4"
		echo "local-as 65001"
		echo "listen $A_V4"
		echo "control $SOCK"
		echo "rfc8212 no"
		if [ -z "${2:-}" ]; then
			echo "neighbor $B_V4 {"
			echo "    remote-as 64500"
			echo "    local-address $A_V4"
			echo "    hold-time $1"
			echo "    graceful-restart yes"
			echo "    graceful-restart-time 60"
			echo "}"
		fi
		echo "service dns {"
		echo "    prefix 192.0.2.0/25"
		echo "}"
	} >"$D/anycastd.conf"
}
anycastd_conf 3

cat >"$D/bgpd.conf" <<EOF2
frr defaults traditional
hostname peer
log stdout informational
router bgp 64500
 bgp router-id $B_V4
 no bgp ebgp-requires-policy
 no bgp network import-check
 bgp log-neighbor-changes
 bgp graceful-restart
 bgp graceful-restart notification
 bgp graceful-restart restart-time 60
 bgp graceful-restart preserve-fw-state
 neighbor $A_V4 remote-as 65001
 neighbor $A_V4 update-source $B_V4
 neighbor $A_V4 timers 1 3
 neighbor $A_V4 timers connect 1
 address-family ipv4 unicast
  network 203.0.113.0/24
 exit-address-family
exit
EOF2
mkdir -p "$D/vty"
spawn "$B" "$D/bgpd.log" "$BGPD" -f "$D/bgpd.conf" -i "$D/bgpd.pid" --vty_socket "$D/vty" \
	--no_zebra -S -n -l $B_V4
BPID=$SPAWN_PID
vtysh_() { ip netns exec "$B" vtysh --vty_socket "$D/vty" -d bgpd "$@"; }
wait_until 10 vtysh_ -c "show bgp summary" || die "bgpd vty did not come up"
spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/anycastd.conf"
APID=$SPAWN_PID

nbr_json() { vtysh_ -c "show bgp neighbors $A_V4 json"; }
frr_up() {
	local j
	j=$(nbr_json) && jcheck "$j" "d['$A_V4']['bgpState'] == 'Established'" >/dev/null
}
# frr_gr EXPR: FRR's gracefulRestartInfo about us (g) satisfies EXPR
frr_gr() {
	local j
	j=$(nbr_json) && jcheck "$j" "(lambda g: $1)(d['$A_V4'].get('gracefulRestartInfo', {}))" "want $1"
}
# frr_route [stale|fresh|any]: FRR holds 192.0.2.0/25 from us, in that state
frr_route() {
	local j
	j=$(vtysh_ -c "show bgp ipv4 unicast 192.0.2.0/25 json") || return 1
	jcheck "$j" "any(p.get('peer', {}).get('peerId') == '$A_V4' and {'stale': p.get('stale') is True, 'fresh': not p.get('stale'), 'any': True}['${1:-any}'] for p in d.get('paths', []))" "want ${1:-any}"
}
frr_no_route() { ! frr_route any >/dev/null 2>&1; }
# our_route EXPR: anycastd's route 203.0.113.0/24 from FRR satisfies EXPR (r)
our_route() {
	local j
	j=$(anycast_in "$A" "$SOCK" show routes --json) || return 1
	jcheck "$j" "any(r['prefix']=='203.0.113.0/24' and r['from']=='$B_V4' and ($1) for r in d)" "want $1"
}
our_no_route() { ! our_route True >/dev/null 2>&1; }
kept_lines() { grep -c "graceful restart: keeping" "$D/anycastd.log"; }
kept_more() { [ "$(kept_lines)" -gt "$1" ]; }

# poll_start NAME CMD...: every 100 ms (at most 400 times) record whether CMD succeeds;
# poll_stop NAME WHAT [MIN]: none failed, at least MIN (3) succeeded
poll_start() {
	local name=$1
	shift
	(
		for _ in $(seq 400); do
			if "$@" >/dev/null 2>&1; then echo ok; else echo "missing $(date +%T.%N)"; fi
			sleep 0.1
		done
	) >"$D/poll.$name" 2>&1 &
	POLL_PID=$!
	_PIDS+=("$POLL_PID")
}
poll_stop() {
	stop_pid "$POLL_PID" TERM 2 >/dev/null
	local ok
	ok=$(grep -c "^ok" "$D/poll.$1")
	check "$1: $2 throughout ($ok samples)" sh -c "! grep -q '^missing' '$D/poll.$1'"
	check "$1: the poller sampled throughout" test "$ok" -ge "${3:-3}"
}

check_eventually 30 "session Established in anycastd" neighbor_established "$A" "$SOCK" $B_V4
check_eventually 10 "session Established at FRR" frr_up
check_eventually 10 "anycastd has FRR's 203.0.113.0/24" our_route True
check_eventually 10 "FRR has our 192.0.2.0/25" frr_route fresh
# ---- 0
check "FRR sees the N bit of our graceful restart capability" frr_gr "g.get('nBit') is True"
check "FRR sees the Restart State bit clear (a first start)" frr_gr "g.get('rBit') is False"

# ---- 1. Hard Reset from FRR
K=$(kept_lines)
vtysh_ -c "clear bgp $A_V4" >/dev/null
check_eventually 10 "FRR's clear arrives as a Hard Reset carrying Administrative Reset" \
	grep -q "received NOTIFICATION 6/9 (Cease/Hard Reset) for 6/4" "$D/anycastd.log"
check "Hard Reset: anycastd kept nothing stale" test "$(kept_lines)" = "$K"
check_eventually 30 "the session comes back" frr_up
check_eventually 10 "FRR's route is back, fresh" our_route "not r.get('stale')"

# ---- 2. a plain Administrative Reset: graceful with both N bits
vtysh_ -c "configure terminal" -c "router bgp 64500" -c "no bgp hard-administrative-reset" >/dev/null
check_eventually 10 "FRR's route is fresh before the reset" our_route "not r.get('stale')"
poll_start admreset our_route True
sleep 0.5
K=$(kept_lines)
vtysh_ -c "clear bgp $A_V4" >/dev/null
check_eventually 10 "anycastd got a plain Administrative Reset" \
	grep -q "received NOTIFICATION 6/4 (Cease/Administrative Reset).*graceful restart, RFC 8538" "$D/anycastd.log"
check_eventually 5 "anycastd kept FRR's route over it (graceful restart)" \
	kept_more "$K"
check_eventually 30 "the session comes back" frr_up
check_eventually 15 "FRR's route is fresh again after its End-of-RIB" our_route "not r.get('stale')"
poll_stop admreset "anycastd had FRR's route"

# ---- 3. hold timer expiry
K=$(kept_lines)
kill -STOP "$BPID"
check_eventually 10 "bgpd frozen: anycastd's hold timer expires" \
	grep -q "sent NOTIFICATION 4/0" "$D/anycastd.log"
check_eventually 5 "anycastd keeps FRR's route, stale, after its hold timer expired" \
	our_route "r.get('stale') is True and r['best']"
check "and logged that it keeps it" kept_more "$K"
sleep 2
check "bgpd frozen for 2 s more: the route is still kept" our_route "r.get('stale') is True"
kill -CONT "$BPID"
# thawed, FRR's own hold timer fires first: it sends Hold Timer Expired and, N bits on both
# sides, keeps our route as for a TCP loss
poll_start thaw frr_route any
check_eventually 30 "bgpd thawed: the session comes back" frr_up
check_eventually 15 "FRR's route is fresh again" our_route "not r.get('stale')"
check_eventually 15 "FRR has our route, fresh" frr_route fresh
poll_stop thaw "FRR had our 192.0.2.0/25" 1

# ---- 4. reload, neighbour changed: Other Configuration Change keeps graceful restart
DOWNS=$(grep -c "neighbor $A_V4.* Down" "$D/bgpd.log")
poll_start confchange frr_route any
sleep 0.5
anycastd_conf 6
kill -HUP "$APID"
# FRR reads the close with the NOTIFICATION and logs "NSF peer closed the session"
check_eventually 10 "FRR saw the session go down" \
	sh -c "[ \$(grep -c 'neighbor $A_V4.* Down' '$D/bgpd.log') -gt $DOWNS ]"
check_eventually 30 "the session comes back after the reload" frr_up
check_eventually 15 "FRR has our route, fresh" frr_route fresh
poll_stop confchange "FRR had our 192.0.2.0/25"

# ---- 5. reload, neighbour removed: Peer De-configured as Hard Reset
anycastd_conf 6 none
kill -HUP "$APID"
check_eventually 10 "anycastd sent Peer De-configured as Hard Reset" \
	grep -q "sending Cease/Peer De-configured as Hard Reset" "$D/anycastd.log"
check_eventually 10 "FRR decoded it: a Hard Reset for Peer De-configured" \
	grep -q "NOTIFICATION(Hard Reset): received from neighbor $A_V4 6/3" "$D/bgpd.log"
check_eventually 5 "FRR dropped our route at once (not kept for our 60 s)" frr_no_route

if [ "$T_FAILED" != 0 ]; then
	for f in "$D/anycastd.log" "$D/bgpd.log"; do
		echo "---- tail of $f"
		tail -n 40 "$f"
	done
fi
stop_all
finish
