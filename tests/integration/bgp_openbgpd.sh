#!/bin/bash
# anycastd against OpenBGPD (see lib_peer.sh for the scenario and what it asserts): IPv4 and
# IPv6 sessions, communities and large communities both ways, a 2-octet and a 4-octet local AS.
# Debian's openbgpd installs bgpd in /usr/sbin (FRR's bgpd is /usr/lib/frr/bgpd: not that one).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peer.sh"
require_root
require_cmd python3
require_anycastd
OBGPD=/usr/sbin/bgpd
BGPCTL=/usr/sbin/bgpctl
[ -x "$OBGPD" ] && [ -x "$BGPCTL" ] || skip "OpenBGPD not installed (Debian package openbgpd)"
"$BGPCTL" -h 2>&1 | grep -qi frr && skip "$BGPCTL is not OpenBGPD's"

PEER_NAME=OpenBGPD
# bgpd chroots into its user's home, which the package's systemd unit creates at start
# (RuntimeDirectory=openbgpd); without systemd it is missing.
CHROOT=$(getent passwd _openbgpd | cut -d: -f6)
[ -n "$CHROOT" ] || skip "no _openbgpd user"
[ -d "$CHROOT" ] || mkdir -p -m 755 "$CHROOT" || skip "cannot create $CHROOT"

peer_start() {
	local las=$1 passive=$2 p=""
	[ "$passive" = 1 ] && p="passive"
	cat >"$D/bgpd.conf" <<EOF
AS $PEER_AS
router-id $B_V4
socket "$D/bgpd.sock"
fib-update no
listen on $B_V4
listen on $B_V6
network 203.0.113.0/24 set { community 64500:7 large-community 64500:0:7 }
network 2001:db8:100::/48
neighbor $A_V4 {
	remote-as $las
	descr v4
	local-address $B_V4
	holdtime 9
	$p
}
neighbor $A_V6 {
	remote-as $las
	descr v6
	local-address $B_V6
	holdtime 9
	$p
}
allow from any
allow to any
EOF
	chmod 644 "$D/bgpd.conf"
	"$OBGPD" -n -f "$D/bgpd.conf" >"$D/bgpd-n.log" 2>&1 || fail "bgpd -n: $(cat "$D/bgpd-n.log")"
	spawn "$B" "$D/bgpd.log" "$OBGPD" -d -v -f "$D/bgpd.conf"
	PEER_PID=$SPAWN_PID
	wait_until 10 bgpctl_ show summary || fail "OpenBGPD control socket did not come up"
}

bgpctl_() { ip netns exec "$B" "$BGPCTL" -s "$D/bgpd.sock" "$@"; }

peer_established() { bgpctl_ show neighbor "$1" | grep -q "BGP state = Established"; }

peer_session_id() { tcp_session "$B" "$(theirs "$1")" "$(ours "$1")"; }

peer_rib() {
	bgpctl_ -j show rib detail in | "$PY" -c '
import sys, json
d = json.load(sys.stdin)
out = []
for r in d.get("rib", []):
    nb = r.get("neighbor", {})
    comms = [c for c in r.get("communities", []) if ":" in str(c)]
    out.append({"prefix": r["prefix"], "from": nb.get("remote_addr"),
                "next_hop": r.get("exit_nexthop"),
                "as_path": [int(x) for x in str(r.get("aspath", "")).split() if x.isdigit()],
                "med": r.get("metric"),
                "communities": comms,
                "large_communities": r.get("large_communities", [])})
print(json.dumps([x for x in out if x["from"] in ("'$A_V4'", "'$A_V6'")]))
'
}

# OpenBGPD names Cease subcode 2 "administratively down"
peer_saw_shutdown() {
	grep -F "$(ours "$1")" "$D/bgpd.log" | grep -qiE "administrativ(e shutdown|ely down)"
}

peer_logs() { echo "$D/bgpd.log"; }

peer_scenario 1 65001 both-active
# OpenBGPD's ConnectRetry is 120 s and not configurable: it would not come back in time to a
# passive anycastd it found closed on its first try, so here OpenBGPD is the passive one.
peer_scenario 2 4200000001 peer-passive
finish
