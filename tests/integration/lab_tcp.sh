#!/bin/bash
# The demo's chapter tcp (`anycast lab demo --chapters tcp`) on examples/lab/seed.yaml: London's
# clients keep 4 DNS-over-TCP connections each (anycast probe tcp) through
# (a) a hard failure of lon (its links cut): every connection open at the failure is counted
#     reset, and no more than those;
# (b) after the heal, a drain of lon (`anycast drain anycast` on its anycastd, drain-wait 5s, one
#     drain-file for anycastd and anycast-dns): none of the connections open at the drain reset,
#     they are closed in order, every client answered by another site at the end; resets in all
#     fewer than the failover's. lon takes no new connection while draining (anycast-dns drops
#     the SYNs), so a reconnect gets in on its SYN's retransmission, at the next site; what can
#     still break is a handshake caught between two live sites while the routers converge (its
#     SYN-ACK from one, its ACK routed to the other), which no site can prevent.
# Also the JSON names of DESIGN.md ("tcp":{"failover":{"opened","reset"},"drain":{...}}) and the
# report's section. It fails if the drain moved the route under open connections (the resets
# would count them) or if a failover went uncounted.
. "$(dirname "$0")/lib.sh"
require_root
require_anycastd
[ -x "$ANYCAST" ] || skip "build/anycast not built"
LAB=ltcp$$
mk_tmpdir
T=$TMPD
lab_cleanup() {
	local rc=$?
	"$ANYCAST" lab down "$LAB" >/dev/null 2>&1
	(exit $rc)
	_cleanup
}
trap lab_cleanup EXIT

log "anycast lab demo --chapters tcp (failovers, then the chapter; about 40 s)"
timeout 240 "$ANYCAST" lab demo --chapters tcp --name "$LAB" --json --report "$T/report.html" \
	>"$T/demo.json" 2>"$T/demo.err"
check "demo exits 0" [ $? = 0 ] || tail -20 "$T/demo.err"
J=$(cat "$T/demo.json")
check "chapters.tcp has the DESIGN.md fields" jcheck "$J" \
	"all(k in d['chapters']['tcp'][r] for r in ('failover', 'drain') for k in ('opened', 'reset'))"
check "the chapter ran on lon's clients (paris, berlin, mumbai)" jcheck "$J" \
	"d['chapters']['tcp']['ran'] and d['chapters']['tcp']['site'] == 'lon' and sorted(c['client'] for c in d['chapters']['tcp']['failover']['clients']) == ['berlin', 'mumbai', 'paris']"
check "failover: connections were open at the failure (4 per client)" jcheck "$J" \
	"d['chapters']['tcp']['failover']['open_at_event'] == 4 * len(d['chapters']['tcp']['failover']['clients'])"
check "failover: every connection open at the failure reset, and no other" jcheck "$J" \
	"0 < d['chapters']['tcp']['failover']['reset_of_open'] == d['chapters']['tcp']['failover']['open_at_event'] == d['chapters']['tcp']['failover']['reset']"
check "failover: every client ends at another site" jcheck "$J" \
	"all(c['after'] not in (None, 'lon') for c in d['chapters']['tcp']['failover']['clients'])"
check "drain: connections were open when the drain began" jcheck "$J" \
	"d['chapters']['tcp']['drain']['open_at_event'] == 4 * len(d['chapters']['tcp']['drain']['clients'])"
check "drain: none of the connections open at the drain reset" jcheck "$J" \
	"d['chapters']['tcp']['drain']['reset_of_open'] == 0"
# The clients reconnect during the drain; lon drops their SYNs, and the retransmitted SYN reaches
# the next site. A handshake that meets a route change between two live sites is the one thing
# pure anycast cannot save (one round trip per new connection). Counted, and bounded well below
# the failover's.
check "drain: fewer resets in all than the failover" jcheck "$J" \
	"d['chapters']['tcp']['drain']['reset'] < d['chapters']['tcp']['failover']['reset']"
check "drain: every open connection closed in order by the server" jcheck "$J" \
	"d['chapters']['tcp']['drain']['closed_orderly'] >= d['chapters']['tcp']['drain']['open_at_event']"
check "drain: every client ends at another site, nothing lost" jcheck "$J" \
	"all(c['before'] == 'lon' and c['after'] not in (None, 'lon') for c in d['chapters']['tcp']['drain']['clients']) and d['chapters']['tcp']['drain']['lost'] == 0"
check "report has the tcp section" grep -q '<h2 id="tcp">' "$T/report.html"
check "terminal table has the chapter" grep -q '^tcp: lon' "$T/demo.err"
check "the lab is down" sh -c "! ip netns list | grep -q '^$LAB-'"
log "figures: $(jget "$J" "{k: {f: d['chapters']['tcp'][k][f] for f in ('open_at_event', 'reset_of_open', 'reset', 'closed_orderly', 'answered', 'sent', 'lost', 'move_ms')} for k in ('failover', 'drain')}")"
finish
