#!/bin/bash
# anycast lab on a small topology of its own (3 routers, 2 sites, 2 clients):
#
#   c1 -- r1 ==customer of==> r2 ==peer== r3 -- c2
#                              |           |
#                              s1          s2        (s1, s2: customers, AS 65001)
#
# r1 has one provider, r2, whose customer route to s1 wins (LOCAL_PREF) over its peer route to
# s2: c1 is answered by s1, c2 (on r3, s2's provider) by s2. When s1 fails, r2 falls back to
# its peer route and c1 moves to s2; when s1 heals, back to s1.
# Asserts: `up` works and says so; `status --json` gives the right client -> site map and every
# node up; exec runs in a node and passes its exit status; fail/heal of a service and of a
# site move c1 and back; `down` leaves no namespace NAME-*, no process, no state, and is
# idempotent, also after a crash (lost PID files, a namespace without state); a failed `up`
# (unknown city, an anycast-dns that cannot start) and SIGINT during `up` leave nothing behind;
# `up` over a lab that is up refuses with the hint.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ip
require_anycastd
[ -x "$TOP/build/anycast-dns" ] || skip "$TOP/build/anycast-dns not built (run make)"
ip netns add "ac$$probe" 2>/dev/null || skip "cannot create network namespaces"
ip netns del "ac$$probe"

RUN=/run/anycast/lab
L=lb$$          # the lab of this test; names carry our PID, as every namespace of a test
LF=lf$$         # labs that must fail
LI=li$$         # the lab interrupted by SIGINT
mk_tmpdir
D=$TMPD

# Whatever happens, every lab this test may have started is taken down (by anycast itself,
# which stops processes by PID), then lib.sh's own cleanup runs.
trap '_rc=$?; for l in $L $LF $LI; do "$ANYCAST" lab down $l >/dev/null 2>&1; done; (exit $_rc); _cleanup' EXIT

topo() { # topo NAME [CITY_OF_C2]
	cat <<EOF
# lab_basic.sh: a tiny Internet; r1 paris, r2 london, r3 new-york
name: $1
anycast: {prefix: 192.0.2.0/24, address: 192.0.2.1}
nodes:
  r1: {kind: router, asn: 64501, city: paris}
  r2: {kind: router, asn: 64502, city: london}
  r3: {kind: router, asn: 64503, city: new-york}
  s1: {kind: site, asn: 65001, city: london}
  s2: {kind: site, asn: 65001, city: new-york}
  c1: {kind: client, city: paris}
  c2: {kind: client, city: ${2:-boston}}
links:
  - {endpoints: [r2, r1], rel: p2c}
  - {endpoints: [r2, r3], rel: p2p, delay: 2ms}
  - {endpoints: [r2, s1], rel: p2c}
  - {endpoints: [r3, s2], rel: p2c}
  - {endpoints: [r1, c1]}
  - {endpoints: [r3, c2]}
EOF
}
topo "$L" >"$D/lab.yaml"

# nothing_left NAME: no namespace NAME-*, no state directory, no process of the lab (its
# programs all carry the state directory in their arguments)
nothing_left() {
	local ns procs
	ns=$(ls /run/netns 2>/dev/null | grep "^$1-")
	procs=$(ps -eo pid=,args= | grep -F "$RUN/$1/" | grep -v grep)
	if [ -n "$ns" ] || [ -e "$RUN/$1" ] || [ -n "$procs" ]; then
		echo "left behind: namespaces [$ns] state [$(ls -d "$RUN/$1" 2>/dev/null)] processes [$procs]"
		return 1
	fi
}

status_json() { "$ANYCAST" lab status --json "$L"; }
# client_site CLIENT SITE: the lab says SITE answers CLIENT now
client_site() {
	local j
	j=$(status_json) || return 1
	jcheck "$j" "[c['site'] for c in d['clients'] if c['name']=='$1'] == ['$2']"
}

# ---------------------------------------------------------------- up

t0=$(date +%s%N)
out=$("$ANYCAST" lab up "$D/lab.yaml" 2>&1)
rc=$?
took=$(( ($(date +%s%N) - t0) / 1000000 ))
log "lab up took ${took} ms"
printf '%s\n' "$out" | sed 's/^/         /'
if [ $rc = 0 ] && printf '%s' "$out" | grep -q "lab $L is up"; then
	pass "lab up: exit 0 and a summary"
else
	die "lab up failed (exit $rc)"
fi
check "up prints which site answers each client" \
	sh -c "printf '%s' \"\$1\" | grep -Eq '^ +c1 +s1 ' && printf '%s' \"\$1\" | grep -Eq '^ +c2 +s2 '" _ "$out"

# Delays come from the kernel's netem where it has it, else from the wire: asked the same way
# as `up` asks, independently of it.
if unshare -n tc qdisc add dev lo root netem delay 1ms 2>/dev/null; then DELAYS=netem; else DELAYS=wire; fi
log "this kernel: delays by $DELAYS"
missing=""
want="r1 r2 r3 s1 s2 c1 c2"
[ $DELAYS = wire ] && want="$want wire"
for n in $want; do
	[ -e "/run/netns/$L-$n" ] || missing="$missing $L-$n"
done
if [ -z "$missing" ]; then pass "a namespace per node (and one for the wire without netem)"; else fail "no namespace$missing"; fi

J=$(status_json)
check "status --json: name, clients -> sites" jcheck "$J" \
	"d['name']=='$L' and sorted((c['name'],c['site']) for c in d['clients'])==[('c1','s1'),('c2','s2')]"
check "status --json: every node up, with kind and asn" jcheck "$J" \
	"len(d['nodes'])==7 and all(n['state']=='up' for n in d['nodes']) and \
	 [n['kind'] for n in d['nodes'] if n['name']=='s1']==['site'] and \
	 [n['asn'] for n in d['nodes'] if n['name']=='r2']==[64502]"
check "status --json: an RTT for each client" jcheck "$J" \
	"all(isinstance(c['rtt_ms'], float) and c['rtt_ms'] > 0 for c in d['clients'])"
# c1 -> s1 crosses r1-r2, paris-london: about 2.6 ms each way from the cities' distance (a
# lab without the wire answers in well under 1 ms)
check "the links delay ($DELAYS): c1 -> s1 crosses paris-london" jcheck "$J" \
	"[c['rtt_ms'] for c in d['clients'] if c['name']=='c1'][0] > 1.0"
check "status --json says the delays come from $DELAYS (netem detected at up where it exists)" \
	jcheck "$J" "d['delay'] is True and d['delays_by']=='$DELAYS'"
check "status (table) names the lab" sh -c "'$ANYCAST' lab status '$L' | grep -q 'lab $L'"

# ---------------------------------------------------------------- exec

check "exec: a client's default route is its access router" \
	sh -c "'$ANYCAST' lab exec --lab '$L' c1 -- ip -4 route show default | grep -q 'via 198.18.'"
"$ANYCAST" lab exec --lab "$L" c1 -- sh -c 'exit 3'
rc=$?
if [ $rc = 3 ]; then pass "exec passes the exit status through"; else fail "exec: exit $rc, not 3"; fi
check "exec: the client has no address outside the plan" \
	sh -c "! '$ANYCAST' lab exec --lab '$L' c1 -- ip -4 -o addr | grep -v -E ' (127\\.0\\.0\\.1|198\\.1[89]\\.)'"
out=$("$ANYCAST" lab up "$D/lab.yaml" 2>&1)
rc=$?
if [ $rc != 0 ] && printf '%s' "$out" | grep -q "anycast lab down $L"; then
	pass "up over a running lab refuses with the hint"
else
	fail "up over a running lab: exit $rc, $out"
fi

# ---------------------------------------------------------------- failures

check "fail s1 --service" "$ANYCAST" lab fail --lab "$L" s1 --service
check_eventually 10 "after the service of s1 fails, c1 is answered by s2" client_site c1 s2
check "status: s1 failed (service)" sh -c "'$ANYCAST' lab status --json '$L' | grep -q '\"failure\":\"service\"'"
check "heal s1" "$ANYCAST" lab heal --lab "$L" s1
check_eventually 10 "after heal, c1 is answered by s1 again" client_site c1 s1

check "fail s1 --site (its links down)" "$ANYCAST" lab fail --lab "$L" s1 --site
check_eventually 10 "after s1 crashes, c1 is answered by s2" client_site c1 s2
node_state() { jcheck "$(status_json)" "[n['state'] for n in d['nodes'] if n['name']=='$1']==['$2']"; }
check_eventually 5 "r2 lost its session to s1 at once (carrier loss)" node_state r2 degraded
check "heal s1 (links up)" "$ANYCAST" lab heal --lab "$L" s1
check_eventually 15 "after its links are back, c1 is answered by s1 again" client_site c1 s1
all_up() { jcheck "$(status_json)" "all(n['state']=='up' for n in d['nodes'])"; }
check_eventually 15 "every node up again, every session established" all_up

# ---------------------------------------------------------------- down

pids=$(cat $(find "$RUN/$L" -name '*.pid') | cut -d' ' -f1)
npids=7
[ $DELAYS = wire ] && npids=8
if [ "$(echo $pids | wc -w)" = $npids ]; then
	pass "$npids processes recorded (5 anycastd, 2 anycast-dns, and the wire without netem)"
else
	fail "recorded PIDs: $pids"
fi
t0=$(date +%s%N)
check "down" "$ANYCAST" lab down "$L"
log "lab down took $(( ($(date +%s%N) - t0) / 1000000 )) ms"
check "down leaves nothing behind" nothing_left "$L"
left=""
for p in $pids; do alive "$p" && left="$left $p"; done
if [ -z "$left" ]; then pass "every recorded process is gone"; else fail "still running:$left"; fi
out=$("$ANYCAST" lab down "$L" 2>&1); rc=$?
check "down again fails, saying the lab is not up" sh -c "[ $rc != 0 ] && echo '$out' | grep -q 'no lab $L is up'"

# ---------------------------------------------------------------- after a crash

# a lab whose PID files and namespace list are lost, and an orphan namespace with no state
check "up again, without delay" "$ANYCAST" lab up --no-delay "$D/lab.yaml"
check_eventually 5 "without delay, c1 is answered by s1" client_site c1 s1
rm -f "$RUN/$L/r1/anycastd.pid" "$RUN/$L/namespaces"
check "down after lost PID files and namespace list" "$ANYCAST" lab down "$L"
check "nothing left after that" nothing_left "$L"
ip netns add "$L-r9"
_NSS+=("$L-r9")
out=$("$ANYCAST" lab up "$D/lab.yaml" 2>&1)
rc=$?
if [ $rc != 0 ] && printf '%s' "$out" | grep -q "anycast lab down $L" && [ ! -e "$RUN/$L" ]; then
	pass "up refuses over a stale namespace $L-*"
else
	fail "up over a stale namespace: exit $rc, $out"
fi
check "down removes a namespace left without state" "$ANYCAST" lab down "$L"
check "nothing left" nothing_left "$L"

# ---------------------------------------------------------------- failed up

topo "$LF" atlantis >"$D/bad-city.yaml"
out=$("$ANYCAST" lab up "$D/bad-city.yaml" 2>&1)
rc=$?
if [ $rc != 0 ] && printf '%s' "$out" | grep -q "bad-city.yaml:[0-9]*:[0-9]*: .*atlantis"; then
	pass "up with an unknown city fails with FILE:LINE:COL"
else
	fail "up with an unknown city: exit $rc, $out"
fi
check "nothing left after it" nothing_left "$LF"

# an anycast-dns that cannot start: the real one, given a zone file that does not exist
printf '#!/bin/sh\nexec "%s" "$@" --zone "%s"\n' "$TOP/build/anycast-dns" "$D/no-such-zone" >"$D/bad-dns.sh"
chmod +x "$D/bad-dns.sh"
topo "$LF" >"$D/lf.yaml"
out=$(ANYCAST_LAB_DNS="$D/bad-dns.sh" "$ANYCAST" lab up "$D/lf.yaml" 2>&1)
rc=$?
printf '%s\n' "$out" | sed 's/^/         /'
if [ $rc != 0 ] && printf '%s' "$out" | grep -q "anycast-dns of s[12] exited"; then
	pass "up fails when anycast-dns cannot start, and says which"
else
	fail "up with a broken anycast-dns: exit $rc"
fi
check "nothing left after it" nothing_left "$LF"

# ---------------------------------------------------------------- SIGINT during up

topo "$LI" >"$D/li.yaml"
# anycast-dns that takes 3 s to start holds `up` in its wait, so that the signal surely comes
# in the middle (namespaces, links, daemons all there: the last anycastd, s2's, has its PID
# file); its `sleep` is a process the lab did not record, which down must find in the
# namespace
printf '#!/bin/sh\nsleep 3\nexec "%s" "$@"\n' "$TOP/build/anycast-dns" >"$D/slow-dns.sh"
chmod +x "$D/slow-dns.sh"
ANYCAST_LAB_DNS="$D/slow-dns.sh" "$ANYCAST" lab up "$D/li.yaml" >"$D/li.out" 2>&1 &
UP=$!
_PIDS+=("$UP")
wait_until 10 test -e "$RUN/$LI/s2/anycastd.pid" || fail "SIGINT during up: the daemons did not start"
kill -INT "$UP"
wait_exit "$UP" 20
rc=$EXIT_STATUS
if [ "$rc" = 130 ] && grep -q interrupted "$D/li.out"; then
	pass "SIGINT during up: exit $rc, 'interrupted'"
else
	fail "SIGINT during up: exit $rc, $(cat "$D/li.out")"
fi
check "nothing left after SIGINT" nothing_left "$LI"
check "no process of the lab left in any of its namespaces" \
	sh -c "! ps -eo args= | grep -v grep | grep -q '$D/slow-dns.sh'"

finish
