#!/bin/bash
# A lab where business relations, not distance, decide the catchment (examples/lab/relations.yaml):
# Gao-Rexford sends paris and madrid to Miami although Frankfurt is next door, and frankfurt to
# Frankfurt. Asked over DNS from each client's own namespace (lab status: CH TXT id.server).
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"
TOPO="$TOP/examples/lab/relations.yaml"
LAB=relations
if [ -e /run/anycast/lab/$LAB ] || ip netns list | grep -q "^$LAB-"; then
	skip "a lab named $LAB is already up (anycast lab down $LAB)"
fi
lab_down() { "$ANYCAST" lab down "$LAB" >/dev/null 2>&1; }
trap '_rc=$?; lab_down; (exit $_rc); _cleanup' EXIT

check "lab up relations.yaml" "$ANYCAST" lab up "$TOPO"
mk_tmpdir
T=$TMPD
"$ANYCAST" lab status --json "$LAB" >"$T/status.json" 2>"$T/status.err"
site_of() {
	$PY -c 'import json,sys
d = json.load(open(sys.argv[1]))
print([c.get("site") for c in d["clients"] if c["name"] == sys.argv[2]][0])' "$T/status.json" "$1"
}
for want in paris:mia madrid:mia frankfurt:fra; do
	c=${want%%:*} s=${want#*:}
	got=$(site_of "$c" 2>/dev/null)
	check "$c is answered by $s (got ${got:-nothing}): relations, not distance" [ "$got" = "$s" ]
done
check "lab down" "$ANYCAST" lab down "$LAB"
check "no namespace of the lab left" sh -c "! ip netns list | grep -q '^$LAB-'"
check "no state left" [ ! -e /run/anycast/lab/$LAB ]
finish
