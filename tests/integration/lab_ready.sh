#!/bin/bash
# `lab up` readiness (src/lab/ready.c): a client that no site can reach (here: behind a
# customer of a peer of a peer, which may not pass the route on) makes `up` fail at once,
# naming the client and "no route", with nothing built; a lab whose client is far away waits
# long enough for it (the wait follows the predicted RTT, not a fixed 400 ms); `heal` after
# kill -9 of a site's anycastd brings the site's process back.
. "$(dirname "$0")/lib.sh"
require_root
[ -x "$ANYCAST" ] || skip "build/anycast not built"
ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"
mk_tmpdir
D=$TMPD
L=rd$$
trap '_rc=$?; "$ANYCAST" lab down $L >/dev/null 2>&1; (exit $_rc); _cleanup' EXIT

# r3 hears s1's route from its peer r2, and r4 is r3's peer: valley-free, r4 gets nothing.
cat >"$D/island.yaml" <<EOF
name: $L
anycast: {prefix: 192.0.2.0/24, address: 192.0.2.1}
nodes:
  r2: {kind: router, asn: 64502, city: london}
  r3: {kind: router, asn: 64503, city: paris}
  r4: {kind: router, asn: 64504, city: berlin}
  s1: {kind: site, asn: 65001, city: london}
  c1: {kind: client, city: paris}
  c4: {kind: client, city: berlin}
links:
  - {endpoints: [r2, s1], rel: p2c}
  - {endpoints: [r2, r3], rel: p2p}
  - {endpoints: [r3, r4], rel: p2p}
  - {endpoints: [r3, c1]}
  - {endpoints: [r4, c4]}
EOF
t0=$(date +%s%N)
out=$("$ANYCAST" lab up "$D/island.yaml" 2>&1); rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
log "up of the island lab: exit $rc in $ms ms: $out"
check "up fails" [ "$rc" != 0 ]
check "in under 5 s" [ "$ms" -lt 5000 ]
check "the message names the client and 'no route'" sh -c "echo '$out' | grep -q 'no route.*client c4'"
check "the reachable client is not blamed" sh -c "! echo '$out' | grep -q 'client c1'"
check "nothing was built" sh -c "! ip netns list | grep -q '^$L-'"

# A far client: 120 ms each way to its only site (RTT 240 ms + more), beyond a fixed 400 ms
# wait once the machine lags; up must wait for it.
cat >"$D/far.yaml" <<EOF
name: $L
anycast: {prefix: 192.0.2.0/24, address: 192.0.2.1}
nodes:
  r1: {kind: router, asn: 64501, city: london}
  r2: {kind: router, asn: 64502, city: sydney}
  s1: {kind: site, asn: 65001, city: london}
  c2: {kind: client, city: sydney}
links:
  - {endpoints: [r1, s1], rel: p2c}
  - {endpoints: [r1, r2], rel: p2c, delay: 200ms}
  - {endpoints: [r2, c2]}
EOF
out=$("$ANYCAST" lab up --timeout 40 "$D/far.yaml" 2>&1); rc=$?
log "$out"
check "the far lab comes up" [ "$rc" = 0 ]
check "c2 answered by s1 over the 400 ms path" sh -c "echo '$out' | grep -Eq 'c2 +s1 +4[0-9][0-9]'"

# heal restarts a killed anycastd
pid=$(awk '{print $1}' /run/anycast/lab/$L/s1/anycastd.pid)
kill -9 "$pid"
check_eventually 5 "the site's anycastd is gone" sh -c "! kill -0 $pid 2>/dev/null"
check "heal succeeds" "$ANYCAST" lab heal --lab "$L" s1
npid=$(awk '{print $1}' /run/anycast/lab/$L/s1/anycastd.pid)
check "a new anycastd runs" sh -c "[ '$npid' != '$pid' ] && kill -0 $npid"
check_eventually 30 "c2 is answered by s1 again" sh -c "'$ANYCAST' lab status --json $L | grep -q '\"name\":\"c2\",\"site\":\"s1\"'"
"$ANYCAST" lab down "$L"
check "down removes the lab" sh -c "! ip netns list | grep -q '^$L-'"
finish
