#!/bin/bash
# A hung site in the lab: `anycast lab fail NODE --freeze` stops every process of the node with
# its links up, so only BFD (on by default on every lab session) can tell its router.
#
#   c1 -- r1 ==customer of==> r2 ==peer== r3 -- c2
#                              |           |
#                              s1          s2        (s1, s2: customers, AS 65001)
#
# Asserts: every lab session runs BFD (the generated configs say `bfd yes`, r2 shows its session
# with s1 Up); s1 frozen -> r2's BFD and BGP sessions with s1 down in under 1 s (by r2's log
# timestamps; the hold time is 9 s) and c1 answered by s2; status says s1 is frozen; heal ->
# s1's processes resume and c1 is answered by s1 again; down leaves nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_logtime.sh"
. "$(dirname "$0")/lib_hanglab.sh"
require_root
require_cmd ip
require_anycastd
[ -x "$TOP/build/anycast-dns" ] || skip "$TOP/build/anycast-dns not built (run make)"

RUN=/run/anycast/lab
L=lh$$ # the lab of this test; names carry our PID, as every namespace of a test
mk_tmpdir
D=$TMPD
trap '_rc=$?; "$ANYCAST" lab heal --lab $L s1 >/dev/null 2>&1; "$ANYCAST" lab down $L >/dev/null 2>&1; (exit $_rc); _cleanup' EXIT

hang_lab_yaml "$L" "$D/lab.yaml"

client_site() {
	local j
	j=$("$ANYCAST" lab status --json "$L") || return 1
	jcheck "$j" "[c['site'] for c in d['clients'] if c['name']=='$1'] == ['$2']"
}
"$ANYCAST" lab up "$D/lab.yaml" >"$D/up.log" 2>&1 || { cat "$D/up.log"; die "lab up failed"; }
pass "lab up"
R2SOCK=$(find "$RUN/$L" -path '*r2*' -name anycastd.sock | head -n 1)
R2LOG=$(find "$RUN/$L" -path '*r2*' -name 'anycastd*.log' | head -n 1)
check "every generated anycastd config runs BFD on its sessions" sh -c \
	"for f in \$(find '$RUN/$L' -name anycastd.conf); do grep -q 'bfd yes' \"\$f\" || { echo \"no bfd in \$f\"; exit 1; }; done"
check_eventually 20 "r2: every BFD session Up" sh -c \
	"'$ANYCAST' -s '$R2SOCK' show neighbors --json | $PY -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if d and all(n[\"bfd\"]==\"up\" for n in d) else 1)'"
check_eventually 20 "c1 is answered by s1" client_site c1 s1
S1ADDR=$("$ANYCAST" -s "$R2SOCK" show neighbors --json | "$PY" -c '
import json, sys
for n in json.load(sys.stdin):
    if n["remote_as"] == 65001: print(n["address"])')

echo "== s1 frozen"
t0=$(date +%s%N)
check "fail s1 --freeze" "$ANYCAST" lab fail --lab "$L" s1 --freeze
check_eventually 5 "r2: BFD and BGP with s1 ($S1ADDR) down" sh -c \
	"'$ANYCAST' -s '$R2SOCK' show neighbors --json | $PY -c 'import json,sys; d=[n for n in json.load(sys.stdin) if n[\"address\"]==\"$S1ADDR\"]; sys.exit(0 if d and d[0][\"bfd\"]!=\"up\" and d[0][\"state\"]!=\"Established\" else 1)'"
ms=$(log_delay "$t0" "$R2LOG" "neighbor $S1ADDR: session down: BFD")
check "r2 took s1's session down ${ms:-?} ms after the freeze (< 1000; hold time 9 s)" test "${ms:-99999}" -lt 1000
check_eventually 10 "c1 is answered by s2 while s1 hangs" client_site c1 s2
check "status says s1 is frozen" sh -c "'$ANYCAST' lab status --json '$L' | grep -q '\"failure\":\"freeze\"'"
check "s1's processes are stopped" sh -c \
	"for p in \$(ip netns pids '$L-s1'); do grep -q '^State:.*T' /proc/\$p/status || exit 1; done"

echo "== s1 resumed"
check "heal s1" "$ANYCAST" lab heal --lab "$L" s1
check_eventually 30 "after heal, c1 is answered by s1 again" client_site c1 s1
check "lab down" "$ANYCAST" lab down "$L"
finish
