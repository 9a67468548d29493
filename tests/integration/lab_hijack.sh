#!/bin/bash
# `anycast lab hijack` and `lab heal`: a router of the lab originates the anycast prefix from its
# own AS. The topology is examples/lab/relations.yaml (sites fra and mia of AS 65001) with r-mad
# also peering with r-fra, as in lab_rov.sh; the hijacker is r-nyc (AS 64510), a transit AS
# without clients of its own, between r-par (its provider) and r-mia (its customer).
#
#   before:  every client where the simulator says (paris mia, madrid and frankfurt fra).
#   ROV off, same prefix: r-nyc's own route [64510] replaces the customer route it passed on
#            to r-par: paris follows it (r-par prefers its customer r-nyc); madrid keeps fra (its
#            two peer routes are equally long and r-fra has the lower router id); frankfurt
#            keeps fra (r-fra's own customer). mia loses paris: r-nyc no longer passes it on.
#   heal:    back to where the simulator says.
#   ROV off, a /25: a longer prefix wins wherever it is heard, and r-par, which has it from a
#            customer, passes it to every neighbour: each client whose access router has the
#            /25 is answered by the hijacker, and that is every client.
#   ROV on (`rpki: {roas: [192.0.2.0/24 max 24 AS 65001]}`): every router rejects r-nyc's
#            routes, the same prefix and the /25 alike. With the same prefix nobody reaches the
#            hijacker (r-nyc passes on only its own route, so paris falls back to fra); with the
#            /25, r-nyc still passes on mia's valid /24 and intercepts what crosses it (paris).
# Labs are named hj<PID>a and hj<PID>b.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"
mk_tmpdir
T=$TMPD
LABS="hj$$a hj$$b"
labs_down() { for l in $LABS; do "$ANYCAST" lab down "$l" >/dev/null 2>&1; done; }
trap '_rc=$?; labs_down; (exit $_rc); _cleanup' EXIT

# topo NAME RPKI: the topology (RPKI: the rpki line, or nothing)
topo() {
	sed -e "s/^name: relations/name: $1/" "$TOP/examples/lab/relations.yaml" >"$T/$1.yaml"
	echo "  - {endpoints: [r-fra, r-mad], rel: p2p}" >>"$T/$1.yaml"
	[ -n "$2" ] && printf '%s\n' "$2" >>"$T/$1.yaml"
	return 0
}
# sites FILE: "client=site " for every client of a lab status or sim JSON, sorted
sites() {
	$PY -c 'import json,sys
for c in sorted(json.load(open(sys.argv[1]))["clients"], key=lambda c: c["name"]):
    print("%s=%s" % (c["name"], c.get("site") or "-"), end=" ")' "$1"
}
# clients_are LAB WANT: the lab's clients are answered as WANT says
clients_are() {
	local rc=0
	"$ANYCAST" lab status --json "$1" >"$T/st.json" 2>"$T/st.err" || rc=$?
	if [ $rc -ne 0 ]; then
		echo "lab status exited $rc: $(cat "$T/st.err")"
		return 1
	fi
	[ "$(sites "$T/st.json")" = "$2" ] || { echo "got: $(sites "$T/st.json")"; false; }
}
# access_router TOPOLOGY CLIENT: the router at the other end of the client's link
access_router() {
	sed -n "s/.*endpoints: \[\([^,]*\), $2\].*/\1/p" "$1"
}
jcheck_q() { jcheck "$(routes_of "$1" "$2")" "$3"; } # LAB ROUTER EXPR
routes_of() { # LAB ROUTER
	"$ANYCAST" lab exec --lab "$1" "$2" -- "$ANYCAST" -s "/run/anycast/lab/$1/$2/anycastd.sock" \
		show routes --json 2>/dev/null
}

# ---------------------------------------------------------------- ROV off
A=hj$$a
topo "$A" ""
check "lab up (ROV off)" "$ANYCAST" lab up "$T/$A.yaml"
"$ANYCAST" sim --topology "$T/$A.yaml" --json >"$T/sim.json" 2>"$T/sim.err"
PRED=$(sites "$T/sim.json")
log "simulator: $PRED"
check_eventually 20 "before: every client where the simulator says" clients_are "$A" "$PRED"
check "usage: a client cannot hijack" sh -c "! '$ANYCAST' lab hijack --lab $A paris 2>/dev/null"
check "usage: --more-specific must be longer than the prefix" \
	sh -c "! '$ANYCAST' lab hijack --lab $A r-nyc --more-specific 24 2>/dev/null"

check "lab hijack r-nyc" "$ANYCAST" lab hijack --lab "$A" r-nyc
check "a second hijack of the same node is refused" \
	sh -c "! '$ANYCAST' lab hijack --lab $A r-nyc 2>/dev/null"
check_eventually 20 "ROV off: the hijacker takes paris; madrid and frankfurt stay with fra" \
	clients_are "$A" "frankfurt=fra madrid=fra paris=hijacker-r-nyc "
"$ANYCAST" lab status --json "$A" >"$T/st.json" 2>/dev/null
check "lab status shows r-nyc hijacking the anycast prefix" \
	jcheck "$(cat "$T/st.json")" "any(n['name']=='r-nyc' and n.get('hijacking')=='192.0.2.0/24' and n['state']=='up' for n in d['nodes'])"
check "r-par has the hijacker's route [64510] from r-nyc" \
	jcheck "$(routes_of "$A" r-par)" "any(r['prefix']=='192.0.2.0/24' and r['as_path']==[64510] for r in d)"
# the PREDICTED column takes the hijack in force into account (anycast sim --hijack)
predicted_agree() {
	"$ANYCAST" lab status --json "$1" >"$T/pr.json" 2>/dev/null &&
		jcheck "$(cat "$T/pr.json")" "all(c['predicted_site']==c['site'] for c in d['clients'])"
}
check "lab status predicts the hijacked client (predicted_site hijacker-r-nyc for paris)" \
	predicted_agree "$A"

check "lab heal r-nyc" "$ANYCAST" lab heal --lab "$A" r-nyc
check_eventually 20 "healed: every client back where the simulator says" clients_are "$A" "$PRED"
"$ANYCAST" lab status --json "$A" >"$T/st.json" 2>/dev/null
check "lab status: r-nyc hijacks no more" \
	jcheck "$(cat "$T/st.json")" "all('hijacking' not in n for n in d['nodes'])"

check "lab hijack r-nyc --more-specific 25" "$ANYCAST" lab hijack --lab "$A" r-nyc --more-specific 25
# every client whose access router has the /25
has25() { jcheck "$(routes_of "$A" "$1")" "any(r['prefix']=='192.0.2.0/25' and r['as_path'][-1]==64510 for r in d)" >/dev/null; }
all_have25() {
	for c in paris madrid frankfurt; do has25 "$(access_router "$T/$A.yaml" $c)" || return 1; done
}
check_eventually 20 "the /25 reaches the access router of every client" all_have25
check_eventually 20 "ROV off, /25: every client that hears it is answered by the hijacker" \
	clients_are "$A" "frankfurt=hijacker-r-nyc madrid=hijacker-r-nyc paris=hijacker-r-nyc "
check "lab status predicts the /25 takes every client" predicted_agree "$A"
check "lab heal r-nyc (the /25)" "$ANYCAST" lab heal --lab "$A" r-nyc
check_eventually 20 "healed: every client back where the simulator says" clients_are "$A" "$PRED"
check "lab down (ROV off)" "$ANYCAST" lab down "$A"

# ---------------------------------------------------------------- ROV on at every router
B=hj$$b
topo "$B" "rpki: {roas: [{prefix: 192.0.2.0/24, max_length: 24, asn: 65001}]}"
check "lab up (ROV on)" "$ANYCAST" lab up "$T/$B.yaml"
check_eventually 20 "ROV on, before: every client where the simulator says" clients_are "$B" "$PRED"
check "lab hijack r-nyc (ROV on)" "$ANYCAST" lab hijack --lab "$B" r-nyc
check_eventually 20 "r-par has r-nyc's route, rejected as rpki-invalid" \
	jcheck_q "$B" r-par "any(r['prefix']=='192.0.2.0/24' and r['as_path']==[64510] and r.get('rejected')=='rpki-invalid' for r in d)"
# paris loses mia (r-nyc passes on only its own route) and falls back to fra's peer route
check_eventually 20 "ROV on: nobody reaches the hijacker, every client is answered by fra" \
	clients_are "$B" "frankfurt=fra madrid=fra paris=fra "
check "lab status predicts ROV keeps every client from the hijacker" predicted_agree "$B"
check "lab heal r-nyc (ROV on)" "$ANYCAST" lab heal --lab "$B" r-nyc
check "lab hijack r-nyc --more-specific 25 (ROV on)" "$ANYCAST" lab hijack --lab "$B" r-nyc --more-specific 25
check_eventually 20 "r-par has the /25, rejected as rpki-invalid (longer than max length 24)" \
	jcheck_q "$B" r-par "any(r['prefix']=='192.0.2.0/25' and r.get('rejected')=='rpki-invalid' for r in d)"
# ROV keeps the /25 out of every table, but r-nyc still carries mia's valid /24 to r-par and
# holds the anycast address itself: paris's packets, routed through r-nyc towards mia, are
# delivered there. Origin validation stops the announcement, not a hijacker on the path.
W="frankfurt=fra madrid=fra paris=hijacker-r-nyc "
check_eventually 20 "ROV on, /25: only paris, whose valid route to mia runs through r-nyc, reaches it" \
	clients_are "$B" "$W"
check_steady 3 "... and that lasts" clients_are "$B" "$W"
check "lab down (ROV on)" "$ANYCAST" lab down "$B"

# ---------------------------------------------------------------- the demo's chapter
# on the seed lab: a client's ISP hijacks while the routers validate against an empty ROA file,
# then the ROA is written at run time
D=hj$$d
LABS="$LABS $D"
sed "s/^name: .*/name: $D/" "$TOP/examples/lab/seed.yaml" >"$T/$D.yaml"
"$ANYCAST" lab demo --json --chapters hijack --topology "$T/$D.yaml" --report "$T/demo.html" \
	>"$T/demo.json" 2>"$T/demo.err" </dev/null
rc=$?
check "demo --chapters hijack exits 0" test $rc = 0
J=$(cat "$T/demo.json")
check "demo: without ROV the hijacker takes a client it is not the ISP of" \
	jcheck "$J" "any(c['site']=='hijacker' and not c['own'] for c in d['chapters']['hijack']['rov_off'])"
check "demo: with the ROA, only the hijacker's own clients still reach it" \
	jcheck "$J" "all((c['site']=='hijacker')==c['own'] for c in d['chapters']['hijack']['rov_on'])"
check "demo: the ROA made the routers drop the hijack, timed" \
	jcheck "$J" "d['chapters']['hijack']['drop_ms'] is not None and d['chapters']['hijack']['drop_ms'] > 0"
check "demo: the report has the chapter" grep -q 'id="hijack"' "$T/demo.html"
grep -A1 "dropped the hijack" "$T/demo.err" | head -1 | sed 's/^/       /'
check "no namespace of the labs left" sh -c "! ip netns list | grep -q '^hj$$'"
finish
