#!/bin/bash
# anycast lab detect in the seed lab (examples/lab/seed.yaml, under a name of its own): the
# anycast address 192.0.2.1, pinged from the seven clients, is anycast with three sites at New
# York, London and Tokyo; a site's own unicast address (nyc's, 198.51.100.1 in the lab's
# address plan, read back from the node) is unicast, at New York. Also the offline command on
# the hand-written fixtures: a CSV with bad rows and an Atlas result with its probes.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ip
require_cmd ping
require_anycastd
[ -x "$TOP/build/anycast-dns" ] || skip "$TOP/build/anycast-dns not built (run make)"

mk_tmpdir
D=$TMPD

# offline: the fixtures
out=$("$ANYCAST" detect --json "$TOP/tests/data/detect/three.csv" 2>"$D/err")
check "CSV fixture: anycast, 3 sites, bad rows discarded" jcheck "$out" \
	'd["anycast"] and len(d["sites"]) == 3 and d["discarded"] == 2 and d["vps"] == 5'
check "CSV fixture: bad rows named FILE:LINE" grep -q "three.csv:7: latitude" "$D/err"
out=$("$ANYCAST" detect --json --probes "$TOP/tests/data/detect/atlas-probes.json" \
	"$TOP/tests/data/detect/atlas-ping.json" 2>/dev/null)
check "Atlas fixture: anycast, Amsterdam and Tokyo" jcheck "$out" \
	'd["anycast"] and sorted(s["city"] for s in d["sites"]) == ["Amsterdam", "Tokyo"] and d["discarded"] == 1'
check "--map writes an SVG" "$ANYCAST" detect --map "$D/map.svg" "$TOP/tests/data/detect/three.csv"
check "the map has the discs" grep -q 'class="disc"' "$D/map.svg"

ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"
L=detx$$
L=${L:0:12}
sed "s/^name: seed$/name: $L/" "$TOP/examples/lab/seed.yaml" >"$D/seed.yaml"
grep -q "^name: $L$" "$D/seed.yaml" || die "could not rename the seed lab"
trap '_rc=$?; "$ANYCAST" lab down $L >/dev/null 2>&1; (exit $_rc); _cleanup' EXIT

log "lab up $L"
"$ANYCAST" lab up "$D/seed.yaml" >"$D/up.log" 2>&1 || { cat "$D/up.log"; die "lab up failed"; }

out=$("$ANYCAST" lab detect --json --lab "$L" 192.0.2.1)
check "192.0.2.1 is anycast with 3 sites: New York, London, Tokyo" jcheck "$out" \
	'd["anycast"] and sorted(s["city"] for s in d["sites"]) == ["London", "New York", "Tokyo"] and d["vps"] == 7'

# nyc's own address, from the node itself
uni=$("$ANYCAST" lab exec --lab "$L" nyc -- ip -o -4 addr show dev lo 2>/dev/null |
	grep -o '198\.51\.100\.[0-9]*' | head -n 1)
[ -n "$uni" ] || uni=$(ip netns exec "$L-nyc" ip -o -4 addr show dev lo | grep -o '198\.51\.100\.[0-9]*' | head -n 1)
[ -n "$uni" ] || die "no unicast address on nyc"
out=$("$ANYCAST" lab detect --json --lab "$L" "$uni")
check "$uni (nyc's own) is unicast, at New York" jcheck "$out" \
	'not d["anycast"] and [s["city"] for s in d["sites"]] == ["New York"]'
out=$("$ANYCAST" lab detect --lab "$L" 192.0.2.1)
check "the table names the sites" sh -c "printf '%s' \"\$1\" | grep -q '^anycast: 3 sites'" _ "$out"
"$ANYCAST" lab down "$L" >/dev/null 2>&1
check "lab down leaves no namespace" sh -c "! ip netns list | grep -q '^$L-'"
finish
