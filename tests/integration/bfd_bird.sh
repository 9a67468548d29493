#!/bin/bash
# anycastd's BFD against BIRD 2 (`protocol bfd`, `bfd on` in its BGP protocols): the scenario of
# lib_bfd.sh, then malformed BFD packets from a raw sender (bfd_send.py) dropped and counted.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_bfd.sh"
require_root
require_cmd bird birdc python3 curl
require_anycastd

PEER_NAME=BIRD
PEER_DOWN4="v4: State changed to stop"
PEER_DOWN6="v6: State changed to stop"

peer_start() {
	cat >"$D/bird.conf" <<EOF2
log stderr all;
router id $B_V4;
protocol device { }
protocol bfd {
	interface "eth0" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; };
}
protocol static s4 { ipv4; route 203.0.113.0/24 unreachable; }
protocol static s6 { ipv6; route 2001:db8:100::/48 unreachable; }
protocol bgp v4 {
	local $B_V4 as $PEER_AS;
	neighbor $A_V4 as $LOCAL_AS;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	bfd on;
	debug { states };
	ipv4 { import all; export where source = RTS_STATIC; };
}
protocol bgp v6 {
	local $B_V6 as $PEER_AS;
	neighbor $A_V6 as $LOCAL_AS;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	bfd on;
	debug { states };
	ipv6 { import all; export where source = RTS_STATIC; };
}
EOF2
	spawn "$B" "$D/bird.log" bird -f -c "$D/bird.conf" -s "$D/bird.ctl"
	PEER_PIDS=$SPAWN_PID
	PEER_BGP_LOG=$D/bird.log
	wait_until 10 birdc -s "$D/bird.ctl" show status || fail "BIRD control socket did not come up"
}

birdc_() { birdc -s "$D/bird.ctl" "$@"; }
peer_bfd_up() { birdc_ show bfd sessions | awk -v a="$(ours "$1")" '$1 == a && $3 == "Up" { f = 1 } END { exit !f }'; }
peer_bgp_up() { birdc_ show protocols "$1" | grep -q Established; }
peer_logs() { echo "$D/bird.log"; }

bfd_scenario
bfd_malformed
finish
