#!/bin/bash
# The demo's chapter "a site hangs" (`anycast lab demo --chapters hang`) on a small lab of our
# own (lib_hanglab.sh, named after our PID): s1 is frozen with BFD on its sessions, then again
# with BFD off.
#
# Asserts: chapters.hang in the JSON names s1 and c1 among its clients; with BFD c1's outage is
# under 1 s and c1 ends at s2; without BFD it is about the hold time (over 2 s, at most the hold
# time plus a second); the text report says what BFD saved; nothing of the lab is left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_hanglab.sh"
require_root
require_cmd ip
require_anycastd
[ -x "$TOP/build/anycast-dns" ] || skip "$TOP/build/anycast-dns not built (run make)"

L=ldh$$
mk_tmpdir
D=$TMPD
trap '_rc=$?; "$ANYCAST" lab down $L >/dev/null 2>&1; (exit $_rc); _cleanup' EXIT

hang_lab_yaml "$L" "$D/lab.yaml"

"$ANYCAST" lab demo --json --topology "$D/lab.yaml" --fail s1 --chapters hang \
	--report "$D/report.html" >"$D/demo.json" 2>"$D/demo.err" </dev/null
rc=$?
sed 's/^/       | /' "$D/demo.err"
check "demo exits 0" test $rc = 0
J=$(cat "$D/demo.json")
H="d['chapters']['hang']"
C1="[c for c in $H['clients'] if c['client']=='c1'][0]"
check "chapters.hang names s1, hold time 9 s" jcheck "$J" "$H['site']=='s1' and $H['hold_time_s']==9"
check "c1 was s1's client" jcheck "$J" "$C1['site_before']=='s1'"
check "with BFD: c1's outage under 1 s, then answered by s2" \
	jcheck "$J" "0 < $C1['bfd_outage_ms'] < 1000 and $C1['bfd_new_site']=='s2'"
check "without BFD: c1's outage about the hold time (2 s < outage <= 10 s)" \
	jcheck "$J" "2000 < $C1['hold_outage_ms'] <= 10000 and $C1['hold_new_site']=='s2'"
check "medians in the chapter" \
	jcheck "$J" "$H['bfd_outage_ms'] < 1000 < 2000 < $H['hold_outage_ms']"
check "the text says what BFD saved" grep -q "BFD saved each of them" "$D/demo.err"
check "the HTML report has the chapter" grep -q "A site hangs: s1" "$D/report.html"
check "nothing of the lab is left" sh -c "! ip netns list | grep -q '^$L-' && test ! -e /run/anycast/lab/$L"
finish
