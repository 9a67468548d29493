#!/bin/bash
# One prepend moves the clients the topology says it should (examples/lab/load-prepend.yaml):
# the lab and `anycast sim --topology` agree client by client, once on the file as it is
# (London 10, New York 4, Tokyo 4: two dual-homed ISPs break their tie towards r-lon) and once
# with `prepend: 1` on the site lon (6/6/6: exactly boston, boston-2, mumbai and mumbai-2 move,
# the clients of the two ISPs whose tie it was). Also: `announce_to` and `communities` reach the
# routers (a site linked to two routers announcing to one; its community seen there).
# It fails if the lab ignored the key (the lab would stay 10/4/4 while the model says 6/6/6) or
# the model did (it would predict 10/4/4).
. "$(dirname "$0")/lib.sh"
require_root
[ -x "$ANYCAST" ] || skip "build/anycast not built"
TOPO="$TOP/examples/lab/load-prepend.yaml"
LAB=lpp$$
mk_tmpdir
D=$TMPD
lab_cleanup() {
	local rc=$?
	"$ANYCAST" lab down "$LAB" >/dev/null 2>&1
	(exit $rc)
	_cleanup
}
trap lab_cleanup EXIT

# split FILE.yaml NAME: lab up, the measured site of every client beside the predicted one
# into $D/NAME.json as {"measured": {client: site}, "predicted": {client: site}}; lab down
split() {
	"$ANYCAST" sim --topology "$1" --json >"$D/$2.sim" 2>"$D/$2.sim.err" ||
		die "anycast sim: $(cat "$D/$2.sim.err")"
	"$ANYCAST" lab up --lab "$LAB" "$1" >"$D/$2.up" 2>&1 || die "lab up: $(tail -5 "$D/$2.up")"
	"$ANYCAST" lab status --json "$LAB" >"$D/$2.status" 2>"$D/$2.status.err"
	"$PY" - "$D/$2.sim" "$D/$2.status" >"$D/$2.json" <<'PYEOF'
import json, sys
sim, st = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(json.dumps({"predicted": {c["name"]: c["site"] for c in sim["clients"]},
                  "measured": {c["name"]: c.get("site") for c in st["clients"]}}))
PYEOF
}

log "as written: no prepend"
split "$TOPO" plain
P=$(cat "$D/plain.json")
check "lab down" "$ANYCAST" lab down "$LAB"
count='lambda m, s: sum(1 for v in m.values() if v == s)'
check "without prepend the model predicts lon 10, nyc 4, tyo 4" \
	jcheck "$P" "[($count)(d['predicted'], s) for s in ('lon', 'nyc', 'tyo')] == [10, 4, 4]"
check "without prepend every client is where the model says" \
	jcheck "$P" "d['measured'] == d['predicted']"

log "prepend: 1 on lon"
sed 's/^\(  lon: *{kind: site, asn: 65001, city: london\)}/\1, prepend: 1}/' "$TOPO" >"$D/pp.yaml"
check "the variant has the prepend" grep -q 'city: london, prepend: 1}' "$D/pp.yaml"
split "$D/pp.yaml" pp
Q=$(cat "$D/pp.json")
check "lon announces with one prepend" \
	grep -q '^[[:space:]]*prepend 1$' "/run/anycast/lab/$LAB/lon/anycastd.conf"
check "lab down" "$ANYCAST" lab down "$LAB"
check "with the prepend the model predicts 6, 6, 6" \
	jcheck "$Q" "[($count)(d['predicted'], s) for s in ('lon', 'nyc', 'tyo')] == [6, 6, 6]"
check "with the prepend every client is where the model says" \
	jcheck "$Q" "d['measured'] == d['predicted']"
MOVED=$("$PY" -c 'import json,sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
print(" ".join(sorted(c for c in a["measured"] if a["measured"][c] != b["measured"][c])))' \
	"$D/plain.json" "$D/pp.json")
check "exactly the dual-homed ISPs' clients moved (moved: $MOVED)" \
	[ "$MOVED" = "boston boston-2 mumbai mumbai-2" ]

log "announce_to and communities: lon also linked to r-par, announcing to r-lon only"
sed -e 's/^\(  lon: *{kind: site, asn: 65001, city: london\)}/\1, announce_to: [r-lon], communities: [65001:666]}/' \
	-e 's/^  - {endpoints: \[r-lon, lon\], rel: p2c}/&\n  - {endpoints: [r-par, lon], rel: p2c}/' \
	"$TOPO" >"$D/sel.yaml"
"$ANYCAST" sim --topology "$D/sel.yaml" --json >"$D/sel.sim" 2>&1
check "the model: paris still reaches lon through r-lon (no direct route)" \
	jcheck "$(cat "$D/sel.sim")" "[c['site'] for c in d['clients'] if c['name'] == 'paris'] == ['lon']"
"$ANYCAST" lab up --lab "$LAB" "$D/sel.yaml" >"$D/sel.up" 2>&1 || die "lab up: $(tail -5 "$D/sel.up")"
routes() {
	ip netns exec "$LAB-$1" "$ANYCAST" -s "/run/anycast/lab/$LAB/$1/anycastd.sock" show routes \
		192.0.2.0/24 --json
}
R=$(routes r-par)
check "r-par has no route from lon itself (announce_to leaves it out)" \
	jcheck "$R" "len(d) > 0 and all(r['as_path'][:1] != [65001] for r in d)"
R=$(routes r-lon)
check "r-lon has lon's route with community 65001:666" \
	jcheck "$R" "any(r['as_path'] == [65001] and '65001:666' in r['communities'] for r in d)"
check "lab down" "$ANYCAST" lab down "$LAB"
finish
