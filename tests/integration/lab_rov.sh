#!/bin/bash
# A hijack in the lab, with and without route origin validation at the routers. The topology is
# examples/lab/relations.yaml with its Miami site replaced by "evil", a site of another AS
# (64666) announcing the same prefix: a hijacker; and r-mad also peering with r-fra.
#
#   ROV off: the hijacker takes the clients the simulator predicts for the topology
#            (`anycast sim --topology`): paris (Gao-Rexford prefers r-par's customer route
#            towards Miami); madrid (a shorter peer route to fra) and frankfurt stay with fra.
#   ROV on:  the same topology with `rpki: {roas: [192.0.2.0/24 max 24 AS 65001]}`: every
#            router validates, r-mia rejects evil's route, and every client is answered by fra.
# Labs are named rov<PID>a and rov<PID>b.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"
T=$(mk_tmpdir)
LABS="rov$$a rov$$b"
labs_down() { for l in $LABS; do "$ANYCAST" lab down "$l" >/dev/null 2>&1; done; }
trap 'labs_down' EXIT INT TERM

# topo NAME RPKI: the topology (RPKI: the rpki line, or nothing)
topo() {
	sed -e "s/^name: relations/name: $1/" \
		-e 's/^  mia: .*/  evil:      {kind: site, asn: 64666, city: miami}/' \
		-e 's/endpoints: \[r-mia, mia\]/endpoints: [r-mia, evil]/' \
		"$TOP/examples/lab/relations.yaml" >"$T/$1.yaml"
	echo "  - {endpoints: [r-fra, r-mad], rel: p2p}" >>"$T/$1.yaml"
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
check "lab down (ROV on)" "$ANYCAST" lab down "rov$$b"
check "no namespace of the labs left" sh -c "! ip netns list | grep -q '^rov$$'"
trap - EXIT INT TERM
finish
