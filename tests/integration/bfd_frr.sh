#!/bin/bash
# anycastd's BFD against FRR: bfdd (`peer … local-address …` at 100 ms x 3) and bgpd
# (`neighbor X bfd`, registered with bfdd through zebra), the scenario of lib_bfd.sh. The three
# daemons run in the peer's namespace with their sockets, pid files and vty in the temp dir.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bfd.sh"
require_root
require_cmd vtysh python3 curl
FRR_DIR=${FRR_DIR:-/usr/lib/frr}
for x in zebra bfdd bgpd; do [ -x "$FRR_DIR/$x" ] || skip "missing $FRR_DIR/$x"; done
require_anycastd

PEER_NAME=FRR
PEER_DOWN4="ADJCHANGE: neighbor $A_V4.* Down"
PEER_DOWN6="ADJCHANGE: neighbor $A_V6.* Down"

# frr_spawn DAEMON ARGS...: one FRR daemon in $B, its config $D/DAEMON.conf, log $D/DAEMON.log
frr_spawn() {
	local dm=$1
	shift
	spawn "$B" "$D/$dm.log" "$FRR_DIR/$dm" -f "$D/$dm.conf" -i "$F/$dm.pid" --vty_socket "$F" \
		-z "$F/zserv.api" "$@"
}

peer_start() {
	local fam a
	# the daemons drop privileges to the frr user: their sockets and pid files in a dir of its own
	F=$D/frr
	mkdir -p "$F"
	chown frr:frr "$F" 2>/dev/null
	printf 'hostname peer\nlog stdout informational\n' >"$D/zebra.conf"
	{
		echo "hostname peer"
		echo "log stdout informational"
		echo "bfd"
		for fam in v4 v6; do
			echo " peer $(ours $fam) local-address $(theirs $fam) interface eth0"
			echo "  receive-interval 100"
			echo "  transmit-interval 100"
			echo "  detect-multiplier 3"
			echo " exit"
		done
		echo "exit"
	} >"$D/bfdd.conf"
	{
		echo "frr defaults traditional"
		echo "hostname peer"
		echo "log stdout informational"
		echo "log timestamp precision 3"
		echo "router bgp $PEER_AS"
		echo " bgp router-id $B_V4"
		echo " bgp log-neighbor-changes"
		echo " no bgp ebgp-requires-policy"
		echo " no bgp default ipv4-unicast"
		echo " no bgp network import-check"
		for fam in v4 v6; do
			a=$(ours $fam)
			echo " neighbor $a remote-as $LOCAL_AS"
			echo " neighbor $a update-source $(theirs $fam)"
			echo " neighbor $a timers 3 9"
			echo " neighbor $a timers connect 1"
			echo " neighbor $a bfd"
		done
		echo " address-family ipv4 unicast"
		echo "  network 203.0.113.0/24"
		echo "  neighbor $A_V4 activate"
		echo " exit-address-family"
		echo " address-family ipv6 unicast"
		echo "  network 2001:db8:100::/48"
		echo "  neighbor $A_V6 activate"
		echo " exit-address-family"
		echo "exit"
	} >"$D/bgpd.conf"
	frr_spawn zebra
	ZEBRA_PID=$SPAWN_PID
	wait_until 10 test -S "$F/zserv.api" || fail "zebra's socket did not come up"
	frr_spawn bfdd --bfdctl "$F/bfdd.sock"
	BFDD_PID=$SPAWN_PID
	frr_spawn bgpd -S -l $B_V4 -l $B_V6
	BGPD_PID=$SPAWN_PID
	PEER_PIDS="$BFDD_PID $BGPD_PID"
	PEER_BGP_LOG=$D/bgpd.log
	wait_until 10 vtysh_ bgpd -c "show bgp summary" || fail "bgpd vty did not come up"
	wait_until 10 vtysh_ bfdd -c "show bfd peers" || fail "bfdd vty did not come up"
}

vtysh_() {
	local dm=$1
	shift
	ip netns exec "$B" timeout 2 vtysh --vty_socket "$F" -d "$dm" "$@"
}
peer_bfd_up() {
	vtysh_ bfdd -c "show bfd peer $(ours "$1") json" | grep -q '"status":"up"'
}
peer_bgp_up() {
	vtysh_ bgpd -c "show bgp neighbors $(ours "$1") json" | grep -q '"bgpState":"Established"'
}
# one call: vtysh takes ~100 ms, and this is polled against a clock; bgpd shows its BFD status
peer_down() {
	local j
	j=$(vtysh_ bgpd -c "show bgp neighbors json") || return 1
	[ "$(printf '%s' "$j" | grep -o '"status":"Down"' | wc -l)" = 2 ] &&
		! printf '%s' "$j" | grep -q '"bgpState":"Established"'
}
peer_logs() { echo "$D/bfdd.log" "$D/bgpd.log" "$D/zebra.log"; }

bfd_scenario
finish
