#!/bin/bash
# anycastd against ExaBGP (see lib_peer.sh for the scenario and what it asserts).
# ExaBGP keeps no RIB we can query: a process script writes every message it passes us (JSON,
# one per line) to events.jsonl, and peer_rib replays those events (announce, withdraw, session down).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_peer.sh"
require_root
require_cmd exabgp python3
require_anycastd

PEER_NAME=ExaBGP

peer_start() {
	local las=$1 passive=$2 p="passive false;"
	[ "$passive" = 1 ] && p="passive true;"
	cat >"$D/exabgp-log.py" <<'EOF'
import sys
# ExaBGP API process: append every JSON message to the file named in argv[1]; stop at EOF.
with open(sys.argv[1], "a") as out:
    for line in sys.stdin:
        out.write(line if line.endswith("\n") else line + "\n")
        out.flush()
EOF
	: >"$D/events.jsonl"
	cat >"$D/exabgp.conf" <<EOF
process logger {
	run $PY $D/exabgp-log.py $D/events.jsonl;
	encoder json;
}
template {
	neighbor common {
		local-as $PEER_AS;
		peer-as $las;
		router-id $B_V4;
		hold-time 9;
		$p
		api {
			processes [ logger ];
			neighbor-changes;
			receive { parsed; update; notification; }
		}
	}
}
neighbor $A_V4 {
	inherit common;
	local-address $B_V4;
	family { ipv4 unicast; }
	static {
		route 203.0.113.0/24 next-hop self community [ 64500:7 ] large-community [ 64500:0:7 ];
	}
}
neighbor $A_V6 {
	inherit common;
	local-address $B_V6;
	family { ipv6 unicast; }
	static {
		route 2001:db8:100::/48 next-hop self;
	}
}
EOF
	spawn "$B" "$D/exabgp.log" env exabgp.daemon.user=root exabgp.daemon.drop=false \
		exabgp.daemon.daemonize=false exabgp.api.cli=false exabgp.log.destination=stdout \
		exabgp.tcp.bind="$B_V4 $B_V6" exabgp.tcp.port=179 exabgp.log.packets=true exabgp.log.level=DEBUG \
		exabgp "$D/exabgp.conf"
	PEER_PID=$SPAWN_PID
}

# replay events.jsonl: the routes and session state ExaBGP saw, per neighbor (our address)
exa_state() {
	"$PY" - "$D/events.jsonl" <<'EOF'
import sys, json
rib, ups, state, notes = {}, {}, {}, {}
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    nb = m.get("neighbor", {})
    peer = nb.get("address", {}).get("peer")
    if peer is None:
        continue
    t = m.get("type")
    if t == "state":
        state[peer] = nb.get("state")
        if nb.get("state") == "up":
            ups[peer] = ups.get(peer, 0) + 1
        if nb.get("state") == "down":
            for k in [k for k in rib if k[0] == peer]:
                del rib[k]
    elif t == "notification":
        n = nb.get("notification") or nb.get("message", {}).get("notification", {})
        notes.setdefault(peer, []).append([n.get("code"), n.get("subcode")])
    elif t == "update" and nb.get("direction", "receive") == "receive":
        u = nb.get("message", {}).get("update", {})
        at = u.get("attribute", {})
        for fam, byhop in u.get("announce", {}).items():
            for nh, nlris in byhop.items():
                for n in nlris:
                    pfx = n["nlri"] if isinstance(n, dict) else n
                    path = []
                    for seg in at.get("as-path", []):
                        path += seg if isinstance(seg, list) else [seg]
                    rib[(peer, pfx)] = {
                        "prefix": pfx, "from": peer, "next_hop": nh, "as_path": path,
                        "med": at.get("med"),
                        "communities": ["%d:%d" % tuple(c) for c in at.get("community", [])],
                        "large_communities": ["%d:%d:%d" % tuple(c) for c in at.get("large-community", [])]}
        for fam, nlris in u.get("withdraw", {}).items():
            for n in nlris:
                rib.pop((peer, n["nlri"] if isinstance(n, dict) else n), None)
print(json.dumps({"rib": list(rib.values()), "ups": ups, "state": state, "notifications": notes}))
EOF
}

peer_established() {
	local j
	j=$(exa_state) && jcheck "$j" "d['state'].get('$(ours "$1")') == 'up'" >/dev/null
}

# how many times the session came up
peer_session_id() {
	local j
	j=$(exa_state) && jget "$j" "d['ups'].get('$(ours "$1")', 0)"
}

peer_rib() {
	local j
	j=$(exa_state) && jget "$j" "d['rib']"
}

peer_saw_shutdown() {
	local j
	j=$(exa_state) && jcheck "$j" "[6, 2] in d['notifications'].get('$(ours "$1")', [])" >/dev/null && return 0
	# ExaBGP 4.2.21 cannot decode a Cease that carries a Shutdown Communication (RFC 9003): its
	# notification.py does bytes % str, raises TypeError, answers NOTIFICATION 1/0 and never
	# tells the API. Its packet log (exabgp.log.packets) still shows the message body: 0602...
	"$PY" - "$D/exabgp.log" "$(ours "$1")" <<'PYEOF'
import re, sys
ids, last, ok = {}, {}, False
for ln in open(sys.argv[1], errors="replace"):
    f = [x.strip() for x in ln.split("|", 3)]
    if len(f) < 4:
        continue
    who, text = f[2], f[3]
    m = re.search(r"connected to \S+ with (\S+) (\S+)-(\S+)$", text)
    if m:
        ids[m.group(1)] = {m.group(2), m.group(3)}
        continue
    m = re.match(r"received complete TCP payload \(\s*\d+\)\s*(.*)$", text)
    if m:
        last[who] = m.group(1).replace(" ", "").lower()
        continue
    if "<< message of type NOTIFICATION" in text and last.get(who, "").startswith("0602") \
            and sys.argv[2] in ids.get(who, ()):
        ok = True
sys.exit(0 if ok else 1)
PYEOF
}

peer_logs() { echo "$D/exabgp.log" "$D/events.jsonl"; }

peer_scenario 1 65001 anycastd-passive
peer_scenario 2 4200000001 peer-passive
finish
