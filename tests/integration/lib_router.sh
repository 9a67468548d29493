#!/bin/bash
# Helpers for the router_*.sh tests (anycastd in router mode among BIRD 2, FRR bgpd and other
# anycastd instances). Sourced after lib.sh (tests/run.sh skips lib*.sh).
#
# Every daemon has a short NAME; its namespace is NSOF[NAME], its files live in $D:
#   anycastd  $D/NAME.conf  $D/NAME.log  $D/NAME.sock (control)
#   BIRD      $D/NAME.bird.conf  $D/NAME.log  $D/NAME.ctl
#   FRR bgpd  $D/NAME.frr.conf   $D/NAME.log  $D/NAME.vty/ (vty socket dir)
# PIDOF[NAME] is the PID of its daemon. Namespaces are "ac<pid><name>" (lib.sh's ns_new).

declare -A NSOF PIDOF

# node NAME: a namespace for NAME (lo up, forwarding off); sets NSOF[NAME]
node() {
	ns_new "$1"
	NSOF[$1]=$NS
}

# router_fwd NAME: IPv4 forwarding on inside NAME's namespace (and only there)
router_fwd() { ip netns exec "${NSOF[$1]}" sysctl -qw net.ipv4.ip_forward=1 >/dev/null; }

# link NAME1 IF1 ADDR1/LEN NAME2 IF2 ADDR2/LEN: a veth between two nodes, addresses on both ends
link() {
	veth "${NSOF[$1]}" "$2" "${NSOF[$4]}" "$5"
	addr "${NSOF[$1]}" "$2" "$3"
	addr "${NSOF[$4]}" "$5" "$6"
}

# ---------------------------------------------------------------- anycastd

# ad_start NAME: anycastd -d -c $D/NAME.conf in NAME's namespace; waits for the control socket
ad_start() {
	local n=$1
	spawn "${NSOF[$n]}" "$D/$n.log" "$ANYCASTD" -d -c "$D/$n.conf"
	PIDOF[$n]=$SPAWN_PID
	wait_until 10 anycast_in "${NSOF[$n]}" "$D/$n.sock" show neighbors ||
		die "anycastd $n: control socket did not come up ($(tail -n 5 "$D/$n.log"))"
}

# ad_stop NAME [SIGNAL]: stop anycastd NAME by its PID (TERM by default); 0 when it exited
ad_stop() { stop_pid "${PIDOF[$1]}" "${2:-TERM}" 10; }

# ac NAME ARGS...: build/anycast against anycastd NAME
ac() {
	local n=$1
	shift
	anycast_in "${NSOF[$n]}" "$D/$n.sock" "$@"
}

# ad_established NAME ADDR: anycastd NAME has its session to ADDR Established
ad_established() { neighbor_established "${NSOF[$1]}" "$D/$1.sock" "$2"; }

# ad_routes NAME: `anycast show routes --json` of anycastd NAME
ad_routes() { ac "$1" show routes --json; }

# ad_route_check NAME EXPR MESSAGE: jcheck EXPR (a Python expression over d, the list of routes
# of `anycast show routes --json`) on anycastd NAME
ad_route_check() {
	local j
	j=$(ad_routes "$1") || { echo "anycast show routes failed"; return 1; }
	jcheck "$j" "$2" "$3"
}

# ---------------------------------------------------------------- the kernel FIB (route protocol 150)

# fib NAME PREFIX: anycastd's kernel route for exactly PREFIX in NAME's namespace (text)
fib() { ip -n "${NSOF[$1]}" route show proto 150 exact "$2"; }

# fib_nexthops NAME PREFIX: the sorted gateways of anycastd's route for PREFIX, one per line
fib_nexthops() {
	ip -n "${NSOF[$1]}" -j route show proto 150 exact "$2" | "$PY" -c '
import json, sys
out = []
for r in json.load(sys.stdin):
    if "gateway" in r: out.append(r["gateway"])
    for nh in r.get("nexthops", []):
        if "gateway" in nh: out.append(nh["gateway"])
print("\n".join(sorted(out)))'
}

# fib_is NAME PREFIX VIA...: exactly one route of ours for PREFIX, with exactly these next hops
fib_is() {
	local n=$1 p=$2 got want nroutes
	shift 2
	got=$(fib_nexthops "$n" "$p")
	want=$(printf '%s\n' "$@" | sort)
	nroutes=$(ip -n "${NSOF[$n]}" -j route show proto 150 exact "$p" | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[ "$got" = "$want" ] && [ "$nroutes" = 1 ] && return 0
	echo "$n: want one route $p via $*; the kernel has ($nroutes routes):"
	ip -n "${NSOF[$n]}" route show proto 150
	return 1
}

# fib_lacks NAME PREFIX: no route of ours for PREFIX
fib_lacks() {
	local out
	out=$(fib "$1" "$2")
	[ -z "$out" ] && return 0
	echo "$1 still has: $out"
	return 1
}

# ---------------------------------------------------------------- BIRD 2

# bird_conf NAME ADDR AS NBR NBR_AS ROLE STATIC EXPORT: write $D/NAME.bird.conf, one passive
# BGP protocol "ar" (IPv4, hold 9) from ADDR/AS to NBR/NBR_AS, importing everything.
#   ROLE    BIRD's `local role` (provider|customer|peer|rs_server|rs_client), or - for none
#   STATIC  the body of an IPv4 static protocol "st" (e.g. "route 203.0.113.0/24 unreachable;")
#   EXPORT  the channel's export clause: "none", "where source = RTS_STATIC", "filter { ... }"
bird_conf() {
	local role=""
	[ "$6" != - ] && role="local role $6;"
	cat >"$D/$1.bird.conf" <<EOF
# $T_NAME: BIRD $1
log stderr all;
router id $2;
timeformat protocol iso long ms;
protocol device { }
protocol static st {
	ipv4;
	$7
}
protocol bgp ar {
	local $2 as $3;
	neighbor $4 as $5;
	$role
	passive on;
	hold time 9; connect retry time 1; error wait time 1, 5;
	ipv4 { import all; export $8; };
}
EOF
}

# bird_up NAME: BIRD with $D/NAME.bird.conf in NAME's namespace; waits for its control socket
bird_up() {
	local n=$1
	spawn "${NSOF[$n]}" "$D/$n.log" bird -f -c "$D/$n.bird.conf" -s "$D/$n.ctl"
	PIDOF[$n]=$SPAWN_PID
	wait_until 10 birdc -s "$D/$n.ctl" show status || die "BIRD $n: control socket did not come up"
}

# bc NAME ARGS...: birdc against BIRD NAME
bc() {
	local n=$1
	shift
	birdc -s "$D/$n.ctl" "$@"
}

# bird_established NAME PROTO
bird_established() { bc "$1" show protocols "$2" | awk -v p="$2" '$1 == p' | grep -q Established; }

# bird_rib NAME PROTO: the routes BIRD NAME learned over protocol PROTO, as JSON:
# [{"prefix","as_path":[int],"next_hop","communities":["a:b"],"large_communities":["a:b:c"],
#   "ext_communities":["rt:a:b", "generic:0x43000000:0x5", ...BIRD's (kind, x, y) as kind:x:y],
#   "attrs":{"as_path": "...", "otc": "...", ...every BGP.* line verbatim}}]
bird_rib() {
	bc "$1" show route all protocol "$2" | "$PY" -c '
import sys, json, re
routes, cur, pfx = [], None, None
for ln in sys.stdin:
    ln = ln.rstrip("\n")
    m = re.match(r"^(\S+/\d+)\s+\S+\s+\[", ln) or re.match(r"^\s+(unicast|unreachable|blackhole)\s+\[", ln)
    if m and ("/" in m.group(1) or pfx):
        if "/" in m.group(1): pfx = m.group(1)
        cur = {"prefix": pfx, "next_hop": None, "as_path": [], "communities": [],
               "large_communities": [], "ext_communities": [], "attrs": {}}
        routes.append(cur); continue
    if cur is None: continue
    m = re.match(r"^\s+BGP\.([^:]+):\s*(.*)$", ln)
    if not m: continue
    k, v = m.groups()
    cur["attrs"][k] = v
    if k == "as_path": cur["as_path"] = [int(x) for x in re.findall(r"\d+", v)]
    elif k == "next_hop": cur["next_hop"] = v.split()[0]
    elif k == "community": cur["communities"] = ["%s:%s" % t for t in re.findall(r"\((\d+),\s*(\d+)\)", v)]
    elif k == "large_community": cur["large_communities"] = ["%s:%s:%s" % t for t in re.findall(r"\((\d+),\s*(\d+),\s*(\d+)\)", v)]
    elif k == "ext_community": cur["ext_communities"] = ["%s:%s:%s" % t for t in re.findall(r"\((\w+),\s*([^,()\s]+),\s*([^,()\s]+)\)", v)]
print(json.dumps(routes))
'
}

# bird_check NAME PROTO EXPR MESSAGE: jcheck EXPR on bird_rib NAME PROTO (d = the list)
bird_check() {
	local j
	j=$(bird_rib "$1" "$2") || { echo "birdc failed"; return 1; }
	jcheck "$j" "$3" "$4"
}

# ---------------------------------------------------------------- FRR bgpd

# frr_up NAME LISTEN_ADDR: bgpd alone (no zebra) with $D/NAME.frr.conf in NAME's namespace
frr_up() {
	local n=$1
	mkdir -p "$D/$n.vty"
	spawn "${NSOF[$n]}" "$D/$n.log" /usr/lib/frr/bgpd -f "$D/$n.frr.conf" -i "$D/$n.pid" \
		--vty_socket "$D/$n.vty" --no_zebra -S -n -l "$2"
	PIDOF[$n]=$SPAWN_PID
	wait_until 10 vt "$n" -c "show bgp summary" || die "bgpd $n: vty did not come up"
}

# vt NAME ARGS...: vtysh against bgpd NAME
vt() {
	local n=$1
	shift
	ip netns exec "${NSOF[$n]}" vtysh --vty_socket "$D/$n.vty" -d bgpd "$@"
}

# frr_established NAME ADDR
frr_established() {
	local j
	j=$(vt "$1" -c "show bgp neighbors $2 json") &&
		jcheck "$j" "list(d.values())[0]['bgpState'] == 'Established'" >/dev/null
}

# frr_rib NAME: bgpd NAME's IPv4 routes as JSON [{"prefix","from","next_hop","as_path",
# "communities","large_communities","ext_communities","raw"}] (communities as FRR writes them:
# "64500:1", "RT:64500:100", "SoO:64500:7"; "raw" is FRR's whole path object)
frr_rib() {
	local j
	j=$(vt "$1" -c "show bgp ipv4 unicast json detail") || return 1
	"$PY" -c '
import sys, json
out = []
for pfx, paths in json.loads(sys.argv[1]).get("routes", {}).items():
    if isinstance(paths, dict): paths = paths.get("paths", [])
    for p in paths:
        segs = p.get("aspath", {}).get("segments", [])
        nhs = [n["ip"] for n in p.get("nexthops", [])]
        out.append({"prefix": pfx, "from": p.get("peer", {}).get("peerId"), "next_hop": nhs[0] if nhs else None,
                    "as_path": [a for s in segs for a in s.get("list", [])],
                    "communities": p.get("community", {}).get("string", "").split(),
                    "large_communities": p.get("largeCommunity", {}).get("string", "").split(),
                    "ext_communities": p.get("extendedCommunity", {}).get("string", "").split(), "raw": p})
print(json.dumps(out))
' "$j"
}

# frr_check NAME EXPR MESSAGE: jcheck EXPR over d, the list of frr_rib NAME
frr_check() {
	local j
	j=$(frr_rib "$1") || { echo "vtysh failed"; return 1; }
	jcheck "$j" "$2" "$3"
}

# wire_update LOG ATTR PREFIX: LOG, a test speaker's log, has an UPDATE that carries attribute
# ATTR exactly as "TYPE/FLAGS/HEXVALUE" and announces PREFIX; else says what it has
wire_update() {
	local pfx
	pfx=$(printf '%s' "$3" | sed 's/\./\\./g')
	grep -E "^UPDATE .*attr=$2\b.*nlri=([0-9./,]*,)?$pfx" "$1" && return 0
	echo "$1 has no UPDATE for $3 with attr=$2:"
	grep -E "^UPDATE" "$1" | tail -n 10
	return 1
}

# ---------------------------------------------------------------- the transit lab

# transit_lab Y_AS FRR_SETS: the topology of the transit tests (router_transit, bgp_extcomm):
#   B  BIRD     AS 64500  B eth0 198.18.0.1/31 - A b0 198.18.0.0/31 (config: the test's bird_conf)
#   A  anycastd AS 64510  transit yes, fib no, no local-role anywhere (every route goes to every
#                         neighbour); written and checked with anycastd -n
#   F  FRR bgpd AS 64530  F eth0 198.18.0.3/31 - A f0 198.18.0.2/31, announcing 198.51.100.0/24
#                         through route-map SET, whose lines are FRR_SETS (" set ..." lines)
#   X  AS 64550           X eth0 198.18.0.5/31 - A x0 198.18.0.4/31 (speaker.py, the test starts it)
#   Y  AS Y_AS            Y eth0 198.18.0.7/31 - A y0 198.18.0.6/31 (the same)
# Makes the namespaces, the links, $D and the configs of A and F; starts nothing.
transit_lab() {
	node A
	node B
	node F
	node X
	node Y
	link A b0 198.18.0.0/31 B eth0 198.18.0.1/31
	link A f0 198.18.0.2/31 F eth0 198.18.0.3/31
	link A x0 198.18.0.4/31 X eth0 198.18.0.5/31
	link A y0 198.18.0.6/31 Y eth0 198.18.0.7/31
	mk_tmpdir
	D=$TMPD
	cat >"$D/A.conf" <<EOF
# $T_NAME: anycastd, transit without FIB
router-id 198.18.0.0
local-as 64510
listen 198.18.0.4
listen 198.18.0.6
control $D/A.sock
fib no
transit yes
neighbor 198.18.0.1 {
    remote-as 64500
    local-address 198.18.0.0
    hold-time 9
}
neighbor 198.18.0.3 {
    remote-as 64530
    local-address 198.18.0.2
    hold-time 9
}
neighbor 198.18.0.5 {
    remote-as 64550
    local-address 198.18.0.4
    hold-time 9
    passive
}
neighbor 198.18.0.7 {
    remote-as $1
    local-address 198.18.0.6
    hold-time 9
    passive
}
EOF
	check "anycastd -n accepts A's config" "$ANYCASTD" -n -c "$D/A.conf"
	cat >"$D/F.frr.conf" <<EOF
frr defaults traditional
hostname f
log stdout informational
router bgp 64530
 bgp router-id 198.18.0.3
 no bgp ebgp-requires-policy
 no bgp default ipv4-unicast
 no bgp network import-check
 bgp log-neighbor-changes
 neighbor 198.18.0.2 remote-as 64510
 neighbor 198.18.0.2 update-source 198.18.0.3
 neighbor 198.18.0.2 timers 3 9
 neighbor 198.18.0.2 timers connect 1
 neighbor 198.18.0.2 passive
 address-family ipv4 unicast
  network 198.51.100.0/24 route-map SET
  neighbor 198.18.0.2 activate
  neighbor 198.18.0.2 send-community all
 exit-address-family
exit
route-map SET permit 10
$2
exit
EOF
}

# ---------------------------------------------------------------- a python3 BGP speaker

# speaker_write: writes $D/speaker.py, a minimal BGP-4 speaker (python3 stdlib): connects to
# --connect from --bind, OPEN (4-octet AS, IPv4 unicast), announces --prefix with ORIGIN IGP,
# AS_PATH [--as], NEXT_HOP --bind, the --community, --large-community and --attr TYPE:FLAGS:HEX
# attributes given (nothing without --prefix), then keeps the session up (KEEPALIVE every hold/3)
# until --timeout seconds have passed or a NOTIFICATION or close arrives. Prints progress lines,
# and every UPDATE it receives as one line:
#   UPDATE [withdraw=P,...] [attr=TYPE/FLAGS/HEX ...] [nlri=P,...]   (TYPE decimal, FLAGS hex)
speaker_write() {
	cat >"$D/speaker.py" <<'EOF'
import argparse, ipaddress, select, socket, struct, sys, time

def out(*a): print(*a, flush=True)

def msg(t, body): return b"\xff" * 16 + struct.pack("!HB", 19 + len(body), t) + body

def attr(flags, code, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value

ap = argparse.ArgumentParser()
ap.add_argument("--connect", required=True); ap.add_argument("--bind", required=True)
ap.add_argument("--as", dest="asn", type=int, required=True); ap.add_argument("--hold", type=int, default=9)
ap.add_argument("--prefix", action="append", default=[])
ap.add_argument("--community", action="append", default=[])
ap.add_argument("--large-community", action="append", default=[])
ap.add_argument("--attr", action="append", default=[], help="TYPE:FLAGS:HEX")
ap.add_argument("--timeout", type=float, default=120)
a = ap.parse_args()
end = time.monotonic() + a.timeout

s = None
while time.monotonic() < end:
    try:
        s = socket.socket(); s.bind((a.bind, 0)); s.settimeout(2)
        s.connect((a.connect, 179)); break
    except OSError as e:
        s.close(); s = None; time.sleep(0.5)
if s is None: out("connect failed"); sys.exit(2)
s.settimeout(None)
out("connected")

caps = bytes([1, 4]) + struct.pack("!HBB", 1, 0, 1) + bytes([65, 4]) + struct.pack("!I", a.asn)
opt = bytes([2, len(caps)]) + caps
s.sendall(msg(1, struct.pack("!BHH", 4, a.asn if a.asn < 65536 else 23456, a.hold)
              + socket.inet_aton(a.bind) + bytes([len(opt)]) + opt))

attrs = attr(0x40, 1, b"\x00")
attrs += attr(0x40, 2, bytes([2, 1]) + struct.pack("!I", a.asn))
attrs += attr(0x40, 3, socket.inet_aton(a.bind))
if a.community:
    attrs += attr(0xC0, 8, b"".join(struct.pack("!HH", *map(int, c.split(":"))) for c in a.community))
if a.large_community:
    attrs += attr(0xC0, 32, b"".join(struct.pack("!III", *map(int, c.split(":"))) for c in a.large_community))
for x in a.attr:
    t, f, v = x.split(":")
    attrs += attr(int(f, 0), int(t, 0), bytes.fromhex(v))
nlri = b""
for p in a.prefix:
    n = ipaddress.ip_network(p)
    nlri += bytes([n.prefixlen]) + n.network_address.packed[: (n.prefixlen + 7) // 8]
update = msg(2, struct.pack("!H", 0) + struct.pack("!H", len(attrs)) + attrs + nlri)

def prefixes(b):
    out, i = [], 0
    while i < len(b):
        n = b[i]; k = (n + 7) // 8
        out.append("%s/%d" % (socket.inet_ntoa(b[i + 1:i + 1 + k] + bytes(4 - k)), n)); i += 1 + k
    return out

# an UPDATE as words: withdraw=P,... attr=TYPE/FLAGS/HEX ... nlri=P,...
def dump_update(body):
    wl = struct.unpack("!H", body[:2])[0]
    w = body[2:2 + wl]
    al = struct.unpack("!H", body[2 + wl:4 + wl])[0]
    at = body[4 + wl:4 + wl + al]
    words = ["withdraw=" + ",".join(prefixes(w))] if w else []
    i = 0
    while i < len(at):
        f, c = at[i], at[i + 1]
        if f & 0x10: ln = struct.unpack("!H", at[i + 2:i + 4])[0]; v = at[i + 4:i + 4 + ln]; i += 4 + ln
        else: ln = at[i + 2]; v = at[i + 3:i + 3 + ln]; i += 3 + ln
        words.append("attr=%d/%02x/%s" % (c, f, v.hex()))
    n = body[4 + wl + al:]
    if n: words.append("nlri=" + ",".join(prefixes(n)))
    return words

buf, state, last_ka = b"", "opensent", time.monotonic()
while time.monotonic() < end:
    r, _, _ = select.select([s], [], [], 0.5)
    if r:
        data = s.recv(65536)
        if not data: out("closed by peer"); sys.exit(1)
        buf += data
        while len(buf) >= 19:
            ln, t = struct.unpack("!HB", buf[16:19])
            if len(buf) < ln: break
            body, buf = buf[19:ln], buf[ln:]
            if t == 3: out("NOTIFICATION %d/%d" % (body[0], body[1])); sys.exit(1)
            if t == 1:
                s.sendall(msg(4, b"")); out("got OPEN")
            elif t == 4 and state == "opensent":
                state = "established"; out("established")
                if a.prefix: s.sendall(update); out("sent UPDATE")
            elif t == 2:
                out("UPDATE " + " ".join(dump_update(body)))
    if time.monotonic() - last_ka >= max(a.hold / 3, 1):
        s.sendall(msg(4, b"")); last_ka = time.monotonic()
out("timeout, closing")
EOF
}

# ---------------------------------------------------------------- ping

# ping_from NAME COUNT DST: ICMP echo from NAME's namespace, 0.2 s apart, 1 s wait for each
# reply; exit 0 when at least one reply came back (as ping does). Uses ping(8) when it is
# installed, else the same with a python3 raw socket.
ping_from() {
	if command -v ping >/dev/null 2>&1; then
		ip netns exec "${NSOF[$1]}" ping -n -c "$2" -i 0.2 -W 1 "$3"
		return
	fi
	ip netns exec "${NSOF[$1]}" "$PY" - "$2" "$3" <<'EOF'
import os, select, socket, struct, sys, time
count, dst = int(sys.argv[1]), sys.argv[2]
def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff); s += s >> 16
    return ~s & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
ident, got = os.getpid() & 0xffff, 0
for seq in range(1, count + 1):
    payload = b"anycast-test" * 4
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    pkt = struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload
    t0 = time.monotonic()
    s.sendto(pkt, (dst, 0))
    ok = False
    while not ok and time.monotonic() - t0 < 1:
        r, _, _ = select.select([s], [], [], 1 - (time.monotonic() - t0))
        if not r: break
        data, src = s.recvfrom(2048)
        ihl = (data[0] & 15) * 4
        t, _, _, i, q = struct.unpack("!BBHHH", data[ihl:ihl + 8])
        if t == 0 and i == ident and q == seq and src[0] == dst:
            ok = True
            print("reply from %s: icmp_seq=%d time=%.2f ms" % (dst, seq, (time.monotonic() - t0) * 1000))
    if ok: got += 1
    else: print("no reply for icmp_seq=%d" % seq)
    time.sleep(0.2)
print("%d packets transmitted, %d received" % (count, got))
sys.exit(0 if got else 1)
EOF
}

# ---------------------------------------------------------------- diagnostics

# show_logs: the tails of every daemon log in $D (after a failure)
show_logs() {
	local f
	for f in "$D"/*.log; do
		[ -s "$f" ] || continue
		echo "---- tail of $f"
		grep -v -e zclient_send_message "$f" | tail -n 20
	done
}
