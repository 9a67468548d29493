#!/bin/bash
# anycastd against GoBGP (see lib_peer.sh for the scenario and what it asserts).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peer.sh"
require_root
require_cmd gobgpd gobgp python3
require_anycastd

PEER_NAME=GoBGP
GOBGP_API=127.0.0.1:50051 # loopback of the peer's own namespace

peer_start() {
	local las=$1 passive=$2 fam nb
	{
		echo '[global.config]'
		echo "  as = $PEER_AS"
		echo "  router-id = \"$B_V4\""
		echo "  local-address-list = [\"$B_V4\", \"$B_V6\"]"
		for fam in v4 v6; do
			echo '[[neighbors]]'
			echo '  [neighbors.config]'
			echo "    neighbor-address = \"$(ours $fam)\""
			echo "    peer-as = $las"
			echo '  [neighbors.timers.config]'
			echo '    connect-retry = 1'
			echo '    hold-time = 9'
			echo '    keepalive-interval = 3'
			echo '  [neighbors.transport.config]'
			echo "    local-address = \"$(theirs $fam)\""
			[ "$passive" = 1 ] && echo '    passive-mode = true'
			echo '  [[neighbors.afi-safis]]'
			echo '    [neighbors.afi-safis.config]'
			if [ $fam = v4 ]; then
				echo '      afi-safi-name = "ipv4-unicast"'
			else
				echo '      afi-safi-name = "ipv6-unicast"'
			fi
		done
	} >"$D/gobgpd.toml"
	spawn "$B" "$D/gobgpd.log" gobgpd -f "$D/gobgpd.toml" --api-hosts $GOBGP_API
	PEER_PID=$SPAWN_PID
	wait_until 10 gobgp_ global || fail "gobgpd API did not come up"
	gobgp_ global rib add -a ipv4 203.0.113.0/24 community 64500:7 large-community 64500:0:7 ||
		fail "gobgp: cannot add 203.0.113.0/24"
	gobgp_ global rib add -a ipv6 2001:db8:100::/48 || fail "gobgp: cannot add 2001:db8:100::/48"
}

gobgp_() { ip netns exec "$B" gobgp -u 127.0.0.1 -p 50051 "$@"; }

peer_established() {
	local j
	j=$(gobgp_ neighbor "$(ours "$1")" -j) && jcheck "$j" "d['state']['session_state'] == 6" >/dev/null
}

# OPENs received + the Established timestamp: both change when the session is reset
peer_session_id() {
	local j
	j=$(gobgp_ neighbor "$(ours "$1")" -j) &&
		jget "$j" "'%s/%s' % (d['state']['messages']['received'].get('open', 0), d['timers']['state'].get('uptime', {}).get('seconds'))"
}

peer_rib() {
	local j4 j6
	j4=$(gobgp_ global rib -a ipv4 -j) || return 1
	j6=$(gobgp_ global rib -a ipv6 -j) || return 1
	"$PY" -c '
import sys, json
ours = set(sys.argv[3:])
out = []
for doc in sys.argv[1:3]:
    for pfx, paths in (json.loads(doc or "{}") or {}).items():
        for p in paths:
            if p.get("neighbor-ip") not in ours: continue
            r = {"prefix": pfx, "from": p["neighbor-ip"], "next_hop": None, "as_path": [], "med": None,
                 "communities": [], "large_communities": []}
            for a in p["attrs"]:
                t = a["type"]
                if t == 2:
                    for s in a.get("as_paths", []): r["as_path"] += s.get("asns", [])
                elif t in (3, 14): r["next_hop"] = a["nexthop"]
                elif t == 4: r["med"] = a.get("metric", 0)
                elif t == 8: r["communities"] = ["%d:%d" % (c >> 16, c & 0xffff) for c in a["communities"]]
                elif t == 32: r["large_communities"] = ["%d:%d:%d" % (c["ASN"], c["LocalData1"], c["LocalData2"]) for c in a["value"]]
            out.append(r)
print(json.dumps(out))
' "$j4" "$j6" $A_V4 $A_V6
}

# gobgpd logs the NOTIFICATION it received with the peer's address as Key
peer_saw_shutdown() {
	grep "\"Key\":\"$(ours "$1")\"" "$D/gobgpd.log" | grep -i -q -E 'code 6.*subcode 2|"Code":6,.*"Subcode":2|administrative shutdown'
}

peer_logs() { echo "$D/gobgpd.log"; }

peer_scenario 1 65001 peer-passive
peer_scenario 2 4200000001 anycastd-passive
finish
