#!/bin/bash
# anycastd against FRR bgpd (see lib_peer.sh for the scenario and what it asserts).
# bgpd runs alone (--no_zebra, no kernel routes), in the foreground, with its config, pid file and
# vty socket in the test's temp dir; vtysh talks to it through --vty_socket.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peer.sh"
require_root
require_cmd vtysh python3
BGPD=${BGPD:-/usr/lib/frr/bgpd}
[ -x "$BGPD" ] || skip "missing $BGPD"
require_anycastd

PEER_NAME=FRR

peer_start() {
	local las=$1 passive=$2 fam a
	{
		echo "frr defaults traditional"
		echo "hostname peer"
		echo "log stdout informational"
		echo "router bgp $PEER_AS"
		echo " bgp router-id $B_V4"
		echo " no bgp ebgp-requires-policy"
		echo " no bgp default ipv4-unicast"
		echo " no bgp network import-check"
		echo " bgp log-neighbor-changes"
		for fam in v4 v6; do
			a=$(ours $fam)
			echo " neighbor $a remote-as $las"
			echo " neighbor $a update-source $(theirs $fam)"
			echo " neighbor $a timers 3 9"
			echo " neighbor $a timers connect 1"
			[ "$passive" = 1 ] && echo " neighbor $a passive"
		done
		echo " address-family ipv4 unicast"
		echo "  network 203.0.113.0/24 route-map PEER4"
		echo "  neighbor $A_V4 activate"
		echo " exit-address-family"
		echo " address-family ipv6 unicast"
		echo "  network 2001:db8:100::/48"
		echo "  neighbor $A_V6 activate"
		echo " exit-address-family"
		echo "exit"
		echo "route-map PEER4 permit 10"
		echo " set community 64500:7"
		echo " set large-community 64500:0:7"
		echo "exit"
	} >"$D/bgpd.conf"
	mkdir -p "$D/vty"
	spawn "$B" "$D/bgpd.log" "$BGPD" -f "$D/bgpd.conf" -i "$D/bgpd.pid" --vty_socket "$D/vty" \
		--no_zebra -S -n -l $B_V4 -l $B_V6
	PEER_PID=$SPAWN_PID
	wait_until 10 vtysh_ -c "show bgp summary" || fail "bgpd vty did not come up"
}

vtysh_() { ip netns exec "$B" vtysh --vty_socket "$D/vty" -d bgpd "$@"; }

nbr_json() { vtysh_ -c "show bgp neighbors $(ours "$1") json"; }

peer_established() {
	local j
	j=$(nbr_json "$1") && jcheck "$j" "list(d.values())[0]['bgpState'] == 'Established'" >/dev/null
}

# connectionsEstablished counts every session that came up
peer_session_id() {
	local j
	j=$(nbr_json "$1") && jget "$j" "'%s/%s' % (list(d.values())[0].get('connectionsEstablished'), list(d.values())[0].get('connectionsDropped'))"
}

peer_rib() {
	local j4 j6
	j4=$(vtysh_ -c "show bgp ipv4 unicast json detail") || return 1
	j6=$(vtysh_ -c "show bgp ipv6 unicast json detail") || return 1
	"$PY" -c '
import sys, json
ours = set(sys.argv[3:])
out = []
for doc in sys.argv[1:3]:
    for pfx, paths in json.loads(doc).get("routes", {}).items():
        if isinstance(paths, dict): paths = paths.get("paths", [])
        for p in paths:
            frm = p.get("peer", {}).get("peerId")
            if frm not in ours: continue
            segs = p.get("aspath", {}).get("segments", [])
            nhs = [n["ip"] for n in p.get("nexthops", []) if n.get("scope", "global") == "global"]
            out.append({"prefix": pfx, "from": frm, "next_hop": nhs[0] if nhs else None,
                        "as_path": [a for s in segs for a in s.get("list", [])], "med": p.get("metric"),
                        "communities": p.get("community", {}).get("string", "").split(),
                        "large_communities": p.get("largeCommunity", {}).get("string", "").split()})
print(json.dumps(out))
' "$j4" "$j6" $A_V4 $A_V6
}

peer_saw_shutdown() {
	grep -q -F "NOTIFICATION: received from neighbor $(ours "$1") 6/2 (Cease/Administrative Shutdown)" "$D/bgpd.log" ||
		nbr_json "$1" | grep -q -i "Cease/Administrative Shutdown"
}

peer_logs() { echo "$D/bgpd.log"; }

peer_scenario 1 65001 anycastd-passive
peer_scenario 2 4200000001 peer-passive
finish
