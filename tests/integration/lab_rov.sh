#!/bin/bash
# A hijack in the lab, with and without route origin validation at the routers. The topology is
# examples/lab/relations.yaml with its Miami site replaced by "evil", a site of another AS
# (64666) announcing the same prefix: a hijacker; and r-mad also peering with r-fra.
#
#   ROV off: the hijacker takes the clients the simulator predicts for the topology
#            (`anycast sim --topology`): paris (Gao-Rexford prefers r-par's customer route
#            towards Miami); madrid (a shorter peer route to fra) and frankfurt stay with fra.
#   ROV on:  the same topology with `rpki: {roas: [192.0.2.0/24 max 24 AS 65001]}`: the lab
#            runs stayrtr (namespace NAME-rpki) as its RTR cache, every router validates against
#            it, r-mia rejects evil's route, and every client is answered by fra.
#   ROA added at run time: with `rpki: {roas: []}` the routers validate against nothing
#            (paris goes to evil, as with ROV off); the lab's ROA file then gets the ROA, and
#            the routers drop the hijack without a session reset: paris back to fra, and the
#            time it took printed.
# Labs are named rov<PID>a and rov<PID>b.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"
mk_tmpdir
T=$TMPD
LABS="rov$$a rov$$b rov$$c"
labs_down() { for l in $LABS; do "$ANYCAST" lab down "$l" >/dev/null 2>&1; done; }
trap '_rc=$?; labs_down; (exit $_rc); _cleanup' EXIT

# topo NAME RPKI: the topology (RPKI: the rpki line, or nothing)
topo() {
	sed -e "s/^name: relations/name: $1/" \
		-e 's/^  mia: .*/  evil:      {kind: site, asn: 64666, city: miami}/' \
		-e 's/endpoints: \[r-mia, mia\]/endpoints: [r-mia, evil]/' \
		"$TOP/examples/lab/relations.yaml" >"$T/$1.yaml"
	echo "  - {endpoints: [r-fra, r-mad], rel: p2p}" >>"$T/$1.yaml"
	# "without a session reset" is about the RTR path; a BFD flap of a starved CPU would
	# reset a session for reasons of its own (BFD has tests of its own)
	echo "bfd: no" >>"$T/$1.yaml"
	[ -n "$2" ] && printf '%s\n' "$2" >>"$T/$1.yaml"
	return 0
}
# sites FILE: "client=site" lines from a lab status or sim JSON (site null: "-")
sites() {
	$PY -c 'import json,sys
for c in sorted(json.load(open(sys.argv[1]))["clients"], key=lambda c: c["name"]):
    print("%s=%s" % (c["name"], c.get("site") or "-"))' "$1"
}

# ---------------------------------------------------------------- ROV off
topo "rov$$a" ""
check "lab up (ROV off)" "$ANYCAST" lab up "$T/rov$$a.yaml"
"$ANYCAST" sim --topology "$T/rov$$a.yaml" --json >"$T/sim.json" 2>"$T/sim.err"
"$ANYCAST" lab status --json "rov$$a" >"$T/a.json" 2>"$T/a.err"
PRED=$(sites "$T/sim.json" | tr '\n' ' ')
GOT=$(sites "$T/a.json" | tr '\n' ' ')
log "simulator: $PRED"
log "lab:       $GOT"
check "ROV off: every client answered where the simulator says" [ "$PRED" = "$GOT" ]
check "ROV off: the hijacker takes paris; madrid and frankfurt stay with fra" \
	[ "$GOT" = "frankfurt=fra madrid=fra paris=evil " ]
check "lab down (ROV off)" "$ANYCAST" lab down "rov$$a"

# ---------------------------------------------------------------- ROV on at every router
topo "rov$$b" "rpki: {roas: [{prefix: 192.0.2.0/24, max_length: 24, asn: 65001}]}"
check "lab up (ROV on)" "$ANYCAST" lab up "$T/rov$$b.yaml"
"$ANYCAST" lab status --json "rov$$b" >"$T/b.json" 2>"$T/b.err"
GOT=$(sites "$T/b.json" | tr '\n' ' ')
log "lab:       $GOT"
check "ROV on: nobody reaches the hijacker, every client is answered by fra" \
	[ "$GOT" = "frankfurt=fra madrid=fra paris=fra " ]
sock=/run/anycast/lab/rov$$b/r-mia/anycastd.sock
routes=$("$ANYCAST" lab exec --lab "rov$$b" r-mia -- "$ANYCAST" -s "$sock" show routes --json 2>/dev/null)
check "r-mia keeps evil's route, rejected as rpki-invalid" \
	jcheck "$routes" "any(r['prefix']=='192.0.2.0/24' and r['as_path']==[64666] and r['rov']=='invalid' and r.get('rejected')=='rpki-invalid' for r in d)"
rpki=$("$ANYCAST" lab exec --lab "rov$$b" r-mia -- "$ANYCAST" -s "$sock" show rpki --json 2>/dev/null)
check "r-mia validates against the lab's RTR cache (stayrtr in rov$$b-rpki), 1 VRP" \
	jcheck "$rpki" "d['caches'][0]['state']=='synced' and d['caches'][0]['address'].startswith('198.19.254.') and d['vrps']==1"
check "the cache is stayrtr, in the lab's namespace rov$$b-rpki" \
	sh -c "ip netns pids rov$$b-rpki | grep -qx \"\$(cut -d' ' -f1 /run/anycast/lab/rov$$b/rpki.pid)\""
check "lab down (ROV on)" "$ANYCAST" lab down "rov$$b"

# ---------------------------------------------------------------- the ROA added at run time
topo "rov$$c" "rpki: {roas: []}"
check "lab up (ROV on, no ROA yet)" "$ANYCAST" lab up "$T/rov$$c.yaml"
"$ANYCAST" lab status --json "rov$$c" >"$T/c.json" 2>"$T/c.err"
GOT=$(sites "$T/c.json" | tr '\n' ' ')
check "no ROA: the hijacker takes paris, as with ROV off" [ "$GOT" = "frankfurt=fra madrid=fra paris=evil " ]
roas=/run/anycast/lab/rov$$c/roas.json
printf '{"roas":[{"prefix":"192.0.2.0/24","maxLength":24,"asn":"AS65001"}]}\n' >"$roas.tmp"
t0=$(date +%s%N)
mv "$roas.tmp" "$roas"
paris_at_fra() {
	"$ANYCAST" lab status --json "rov$$c" >"$T/c.json" 2>/dev/null &&
		[ "$(sites "$T/c.json" | grep '^paris=')" = "paris=fra" ]
}
if check_eventually 20 "ROA added at run time: paris answered by fra again" paris_at_fra; then
	log "hijack dropped $((($(date +%s%N) - t0) / 1000000)) ms after the ROA was written (stayrtr re-reads the ROA file every second and notifies the routers; lab status ~0.3 s)"
fi
sock=/run/anycast/lab/rov$$c/r-mia/anycastd.sock
nbrs=$("$ANYCAST" lab exec --lab "rov$$c" r-mia -- "$ANYCAST" -s "$sock" show neighbors --json 2>/dev/null)
check "... without a session reset at r-mia" jcheck "$nbrs" "all(n['flaps']==0 and n['state']=='Established' for n in d)"
check "lab down (ROA at run time)" "$ANYCAST" lab down "rov$$c"
check "no namespace of the labs left" sh -c "! ip netns list | grep -q '^rov$$'"
finish
