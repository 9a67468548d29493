#!/bin/bash
# anycastd against BIRD 2 (see lib_peer.sh for the scenario and what it asserts).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peer.sh"
require_root
require_cmd bird birdc python3
require_anycastd

PEER_NAME=BIRD

peer_start() {
	local las=$1 passive=$2 p=""
	[ "$passive" = 1 ] && p="passive on;"
	cat >"$D/bird.conf" <<EOF
log stderr all;
router id $B_V4;
timeformat protocol iso long ms;
protocol device { }
protocol static s4 {
	ipv4;
	route 203.0.113.0/24 unreachable { bgp_community.add((64500,7)); bgp_large_community.add((64500,0,7)); };
}
protocol static s6 {
	ipv6;
	route 2001:db8:100::/48 unreachable;
}
protocol bgp v4 {
	local $B_V4 as $PEER_AS;
	neighbor $A_V4 as $las;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	$p
	ipv4 { import all; export where source = RTS_STATIC; };
}
protocol bgp v6 {
	local $B_V6 as $PEER_AS;
	neighbor $A_V6 as $las;
	hold time 9; connect retry time 1; connect delay time 1; error wait time 1, 5;
	$p
	ipv6 { import all; export where source = RTS_STATIC; };
}
EOF
	spawn "$B" "$D/bird.log" bird -f -c "$D/bird.conf" -s "$D/bird.ctl"
	PEER_PID=$SPAWN_PID
	wait_until 10 birdc -s "$D/bird.ctl" show status || fail "BIRD control socket did not come up"
}

birdc_() { birdc -s "$D/bird.ctl" "$@"; }

peer_established() { birdc_ show protocols "$1" | grep -q Established; }

# BIRD's end of the TCP connection: a reset is a new connection (new ephemeral port). Not the
# protocol's "since" time: BIRD moves it by a millisecond right after Established, no reset.
peer_session_id() { tcp_session "$B" "$(theirs "$1")" "$(ours "$1")"; }

peer_rib() {
	{
		echo "@from $A_V4"
		birdc_ show route all protocol v4
		echo "@from $A_V6"
		birdc_ show route all protocol v6
	} | "$PY" -c '
import sys, json, re
routes, cur, frm, pfx = [], None, None, None
for ln in sys.stdin:
    ln = ln.rstrip("\n")
    if ln.startswith("@from "):
        frm = ln.split()[1]; continue
    m = re.match(r"^(\S+/\d+)\s+\S+\s+\[", ln) or re.match(r"^\s+(unicast|unreachable)\s+\[", ln)
    if m and ("/" in m.group(1) or cur):
        if "/" in m.group(1): pfx = m.group(1)
        cur = {"prefix": pfx, "from": frm, "next_hop": None, "as_path": [], "med": None,
               "communities": [], "large_communities": []}
        routes.append(cur); continue
    if cur is None: continue
    m = re.match(r"^\s+BGP\.(\w+):\s*(.*)$", ln)
    if not m: continue
    k, v = m.groups()
    if k == "as_path": cur["as_path"] = [int(x) for x in re.findall(r"\d+", v)]
    elif k == "next_hop": cur["next_hop"] = v.split()[0]
    elif k == "med": cur["med"] = int(v)
    elif k == "community": cur["communities"] = ["%s:%s" % t for t in re.findall(r"\((\d+),\s*(\d+)\)", v)]
    elif k == "large_community": cur["large_communities"] = ["%s:%s:%s" % t for t in re.findall(r"\((\d+),\s*(\d+),\s*(\d+)\)", v)]
print(json.dumps(routes))
'
}

peer_saw_shutdown() {
	grep -q "$1: Received: Administrative shutdown" "$D/bird.log" ||
		birdc_ show protocols all "$1" | grep -q "Received: Administrative shutdown"
}

peer_logs() { echo "$D/bird.log"; }

peer_scenario 1 65001 both-active
peer_scenario 2 4200000001 anycastd-passive
finish
