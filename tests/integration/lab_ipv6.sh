#!/bin/bash
# IPv6 in the lab: the topology of lab_basic.sh (3 routers, 2 sites, 2 clients) once with an
# IPv6-only anycast service and once dual-stack (IPv4 `prefix`/`address` and IPv6
# `prefix6`/`address6`):
#
#   c1 -- r1 ==customer of==> r2 ==peer== r3 -- c2
#                              |           |
#                              s1          s2        (s1, s2: customers, AS 65001)
#
# c1 is answered by s1 (r2 prefers its customer route), c2 by s2, over each family.
# Asserts: `up` succeeds; status --json gives every client its expected site over IPv6 (and
# over IPv4 too in the dual-stack lab, "site" and "site6"); the routers learn the IPv6 anycast
# prefix over BGP and install it; a client's IPv6 default route points at its router; a site
# answers on its own IPv6 address; a site's failed service withdraws both families and heal
# brings both back; `down` leaves no namespace.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ip
require_cmd dig
require_anycastd
[ -x "$TOP/build/anycast-dns" ] || skip "$TOP/build/anycast-dns not built (run make)"
ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"

L6=l6$$ # IPv6 only
LD=ld$$ # dual stack
mk_tmpdir
D=$TMPD
trap '_rc=$?; for l in $L6 $LD; do "$ANYCAST" lab down $l >/dev/null 2>&1; done; (exit $_rc); _cleanup' EXIT

topo() { # topo NAME ANYCAST-MAP
	cat <<EOF
name: $1
anycast: $2
nodes:
  r1: {kind: router, asn: 64501, city: paris}
  r2: {kind: router, asn: 64502, city: london}
  r3: {kind: router, asn: 64503, city: new-york}
  s1: {kind: site, asn: 65001, city: london}
  s2: {kind: site, asn: 65001, city: new-york}
  c1: {kind: client, city: paris}
  c2: {kind: client, city: boston}
links:
  - {endpoints: [r2, r1], rel: p2c}
  - {endpoints: [r2, r3], rel: p2p, delay: 2ms}
  - {endpoints: [r2, s1], rel: p2c}
  - {endpoints: [r3, s2], rel: p2c}
  - {endpoints: [r1, c1]}
  - {endpoints: [r3, c2]}
EOF
}

# up_ok NAME FILE: up succeeds and prints its summary
up_ok() {
	local out rc
	out=$("$ANYCAST" lab up "$2" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/         /'
	if [ $rc = 0 ] && printf '%s' "$out" | grep -q "lab $1 is up"; then
		pass "$1: lab up exit 0"
	else
		"$ANYCAST" lab down "$1" >/dev/null 2>&1
		die "$1: lab up failed (exit $rc)"
	fi
}

# ---------------------------------------------------------------- IPv6 only

topo "$L6" "{prefix: 2001:db8:1::/48, address: '2001:db8:1::1'}" >"$D/v6.yaml"
up_ok "$L6" "$D/v6.yaml"
J=$("$ANYCAST" lab status --json "$L6")
check "IPv6 only: status names the IPv6 anycast address" jcheck "$J" \
	"d['anycast_address']=='2001:db8:1::1'"
check "IPv6 only: every client answered over IPv6 by its expected site" jcheck "$J" \
	"sorted((c['name'],c['site']) for c in d['clients'])==[('c1','s1'),('c2','s2')] and \
	 all(c['site']==c['predicted_site'] and c['rtt_ms'] > 0 for c in d['clients'])"
check "IPv6 only: r2 learnt the IPv6 anycast prefix over BGP and installed it" \
	sh -c "'$ANYCAST' lab exec --lab '$L6' r2 -- ip -6 route show 2001:db8:1::/48 | grep -q 'via 2001:db8:ffff:'"
check "IPv6 only: a client's IPv6 default route is its access router" \
	sh -c "'$ANYCAST' lab exec --lab '$L6' c1 -- ip -6 route show default | grep -q 'via 2001:db8:ffff:'"
check "IPv6 only: s2 answers on its own IPv6 address from c1" \
	sh -c "'$ANYCAST' lab exec --lab '$L6' c1 -- dig +short +tries=1 +time=2 @2001:db8:ffff:ffff::2 id.server CH TXT | grep -q s2"
"$ANYCAST" lab down "$L6" >/dev/null 2>&1
check "IPv6 only: down leaves no namespace" sh -c "! ls /run/netns 2>/dev/null | grep -q '^$L6-'"

# ---------------------------------------------------------------- dual stack

topo "$LD" "{prefix: 192.0.2.0/24, address: 192.0.2.1, prefix6: 2001:db8:1::/48, address6: '2001:db8:1::1'}" >"$D/ds.yaml"
up_ok "$LD" "$D/ds.yaml"
J=$("$ANYCAST" lab status --json "$LD")
check "dual stack: status names both anycast addresses" jcheck "$J" \
	"d['anycast_address']=='192.0.2.1' and d['anycast_address6']=='2001:db8:1::1'"
check "dual stack: every client answered over IPv4 and IPv6 by its expected site" jcheck "$J" \
	"sorted((c['name'],c['site'],c['site6']) for c in d['clients'])==[('c1','s1','s1'),('c2','s2','s2')] and \
	 all(c['site']==c['predicted_site'] and c['rtt_ms'] > 0 and c['rtt6_ms'] > 0 for c in d['clients'])"
check "dual stack: r3 installed both anycast prefixes" \
	sh -c "'$ANYCAST' lab exec --lab '$LD' r3 -- ip -4 route show 192.0.2.0/24 | grep -q via && \
	       '$ANYCAST' lab exec --lab '$LD' r3 -- ip -6 route show 2001:db8:1::/48 | grep -q via"
check "dual stack: status (table) shows each client's IPv6 site" \
	sh -c "'$ANYCAST' lab status '$LD' | grep -Eq '^c1 .*IPv6: s1'"
# client_sites CLIENT SITE SITE6: the dual-stack lab says SITE answers CLIENT over IPv4, SITE6
# over IPv6
client_sites() {
	local j
	j=$("$ANYCAST" lab status --json "$LD") || return 1
	jcheck "$j" "[(c['site'],c['site6']) for c in d['clients'] if c['name']=='$1'] == [('$2','$3')]"
}
check "dual stack: fail s1 --service" "$ANYCAST" lab fail --lab "$LD" s1 --service
check_eventually 10 "dual stack: s1's service down, c1 moves to s2 over both families" \
	client_sites c1 s2 s2
check "dual stack: heal s1" "$ANYCAST" lab heal --lab "$LD" s1
check_eventually 10 "dual stack: after heal, c1 is answered by s1 over both again" \
	client_sites c1 s1 s1
"$ANYCAST" lab down "$LD" >/dev/null 2>&1
check "dual stack: down leaves no namespace" sh -c "! ls /run/netns 2>/dev/null | grep -q '^$LD-'"

finish
