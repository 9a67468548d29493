#!/bin/bash
# The lab's command line (src/lab/cli.c, state.c): with two labs up a command without --lab
# refuses to guess and lists both; down of an unknown lab fails; flags with bad numbers are
# usage errors; `lab cities`; `up --lab` names the lab; `lab exec NODE -- anycast show` reaches
# that node's anycastd through ANYCAST_SOCKET; `up --keep` leaves a failed lab for inspection.
. "$(dirname "$0")/lib.sh"
require_root
[ -x "$ANYCAST" ] || skip "build/anycast not built"
ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"
mk_tmpdir
D=$TMPD
A=ca$$
B=cb$$
K=ck$$
trap '_rc=$?; for l in $A $B $K; do "$ANYCAST" lab down --lab $l >/dev/null 2>&1; done; (exit $_rc); _cleanup' EXIT

cat >"$D/t.yaml" <<EOF
name: whatever
anycast: {prefix: 192.0.2.0/24, address: 192.0.2.1}
nodes:
  r1: {kind: router, asn: 64501, city: london}
  s1: {kind: site, asn: 65001, city: london}
  c1: {kind: client, city: paris}
links:
  - {endpoints: [r1, s1], rel: p2c}
  - {endpoints: [r1, c1]}
EOF

"$ANYCAST" lab up --timeout abc "$D/t.yaml" 2>"$D/err"; rc=$?
check "--timeout abc is a usage error" [ "$rc" = 2 ]
check "  and says so" grep -q "timeout 'abc'" "$D/err"
"$ANYCAST" lab up --timeout 0 "$D/t.yaml" 2>/dev/null; rc=$?
check "--timeout 0 is out of range" [ "$rc" = 2 ]
check "lab cities lists london and sao-paulo" sh -c "'$ANYCAST' lab cities | grep -q '^london ' && '$ANYCAST' lab cities | grep -q '^sao-paulo '"
out=$("$ANYCAST" lab down --lab nosuch$$ 2>&1); rc=$?
check "down of an unknown lab fails, naming it" sh -c "[ $rc = 1 ] && echo '$out' | grep -q 'no lab nosuch$$'"

check "up --lab $A" "$ANYCAST" lab up --no-delay --lab "$A" "$D/t.yaml"
check "up --lab $B" "$ANYCAST" lab up --no-delay --lab "$B" "$D/t.yaml"
check "the lab is named by --lab, not the file" sh -c "ip netns list | grep -q '^$A-r1' && ! ip netns list | grep -q '^whatever-'"
out=$("$ANYCAST" lab status 2>&1); rc=$?
check "status without --lab refuses to guess" [ "$rc" = 1 ]
check "  and lists the labs" sh -c "echo '$out' | grep -q ' $A' && echo '$out' | grep -q ' $B'"
check "status --lab $A" sh -c "'$ANYCAST' lab status --lab $A | grep -q '^c1 *s1'"
out=$("$ANYCAST" lab exec --lab "$A" r1 -- sh -c 'echo $ANYCAST_SOCKET')
check "exec sets ANYCAST_SOCKET to the node's socket" [ "$out" = "/run/anycast/lab/$A/r1/anycastd.sock" ]
check_eventually 10 "exec NODE -- anycast show neighbors talks to that node" \
	sh -c "'$ANYCAST' lab exec --lab $A r1 -- '$ANYCAST' show neighbors | grep -q Established"
check "down --lab $B" "$ANYCAST" lab down --lab "$B"
check "$A is still up" test -d "/run/anycast/lab/$A"
check "down --lab $A" "$ANYCAST" lab down --lab "$A"

# --keep: an anycast-dns that cannot start fails up; the lab and its logs stay
printf '#!/bin/sh\nexec "%s" "$@" --zone "%s"\n' "$TOP/build/anycast-dns" "$D/no-such-zone" >"$D/bad-dns.sh"
chmod +x "$D/bad-dns.sh"
out=$(ANYCAST_LAB_DNS="$D/bad-dns.sh" "$ANYCAST" lab up --keep --no-delay --lab "$K" "$D/t.yaml" 2>&1); rc=$?
log "$out"
check "up with a broken anycast-dns fails" [ "$rc" = 1 ]
check "  saying the lab is kept" sh -c "echo '$out' | grep -q 'kept for inspection'"
check "  its logs are there" test -e "/run/anycast/lab/$K/s1/anycast-dns.log"
check "  its namespaces are there" sh -c "ip netns list | grep -q '^$K-s1'"
check "down removes the kept lab" "$ANYCAST" lab down --lab "$K"
check "nothing left" sh -c "! ip netns list | grep -q '^c[abk]$$-'"
finish
