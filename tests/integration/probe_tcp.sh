#!/bin/bash
# `anycast probe tcp` against anycast-dns across a veth pair (client namespace 203.0.113.2,
# server namespace 203.0.113.1:53). Asserts:
# - a clean run: every query answered on exactly K connections, none reset or closed;
# - kill -9 of the server under load: of the connections open at the kill (the probe's mark,
#   SIGUSR1, as many as the server's namespace lists), every one counted reset;
# - with anycast-dns --drain-file: the file made while the probe runs closes the connections in
#   order (closed_orderly >= K), none is reset; the reconnects' SYNs are dropped (no connection
#   is taken while draining) until the file is removed (as when the route has moved on), then
#   get in on the kernel's SYN retransmission: nothing lost, no connect failed.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd ss
DNS_BIN=${ANYCAST_DNS:-$TOP/build/anycast-dns}
[ -x "$DNS_BIN" ] || skip "$DNS_BIN not built (run make)"
[ -x "$ANYCAST" ] || skip "$ANYCAST not built (run make)"

mk_tmpdir
D=$TMPD
ns_new ptc
C=$NS
ns_new pts
S=$NS
veth "$C" ptc0 "$S" pts0
addr "$C" ptc0 203.0.113.2/24
addr "$S" pts0 203.0.113.1/24
printf '$ORIGIN lab.\n$TTL 60\n@ SOA ns hostmaster 1 3600 600 86400 60\n NS ns\nns A 192.0.2.1\n' \
	>"$D/lab.zone"
K=8

# start_dns ARGS...: anycast-dns in S on 203.0.113.1:53 as "site-a"; sets DNS_PID
start_dns() {
	spawn "$S" "$D/dns.log" "$DNS_BIN" -d --listen 203.0.113.1:53 --zone "$D/lab.zone" \
		--identity site-a --threads 1 "$@"
	DNS_PID=$SPAWN_PID
	wait_until 5 listening "$S" tcp 53 || die "anycast-dns did not start: $(cat "$D/dns.log")"
}

# established: the server's established connections on port 53
established() { ip netns exec "$S" ss -Htn state established "sport = :53" | wc -l; }
all_open() { [ "$(established)" -ge $K ]; }

# probe_bg RATE COUNT OUT [TIMEOUT]: the probe from C in the background; sets PROBE_PID
probe_bg() {
	ip netns exec "$C" "$ANYCAST" probe tcp --server 203.0.113.1 --connections $K --rate "$1" \
		--count "$2" --timeout "${4:-1000}" --json >"$3" 2>"$3.err" &
	PROBE_PID=$!
	MARK_ERR=$3.err
	_PIDS+=("$PROBE_PID")
}

# mark_probe: SIGUSR1 to the probe (its mark: the connections open now are counted, and later
# how many of exactly those were reset); waits until it says so
marked() { grep -q 'mark at' "$MARK_ERR"; }
mark_probe() {
	kill -USR1 "$PROBE_PID"
	wait_until 5 marked || die "the probe did not mark: $(cat "$MARK_ERR")"
	log "$(grep 'mark at' "$MARK_ERR")"
}

start_dns
log "clean run: $K connections, 400 queries/s, 800 queries"
OUT=$(ip netns exec "$C" "$ANYCAST" probe tcp --server 203.0.113.1 --connections $K --rate 400 \
	--count 800 --timeout 1000 --json 2>"$D/clean.err")
check "clean run exits 0" [ $? = 0 ]
check "clean run: all 800 answered by site-a, none lost" \
	jcheck "$OUT" 'd["answered"] == 800 and d["lost"] == 0 and d["sites"] == {"site-a": 800}'
check "clean run: $K connections opened, none reset or closed, all open at the end" \
	jcheck "$OUT" 'd["opened"] == '$K' and d["reset"] == 0 and d["closed_orderly"] == 0 and d["open"] == '$K

log "kill -9 of the server while $K connections are open"
probe_bg 200 1000 "$D/kill.json" # 5 s
check "all $K connections established at the server" wait_until 10 all_open
OPEN=$(established)
mark_probe
kill -KILL "$DNS_PID"
wait_exit "$DNS_PID" 5
wait_exit "$PROBE_PID" 15
check "probe ends by itself" [ $? = 0 ]
OUT=$(cat "$D/kill.json")
check "kill: resets of the connections open at the kill == those open ($OPEN)" \
	jcheck "$OUT" 'd["open_at_mark"] == '"$OPEN"' == d["reset_of_marked"] and d["open"] == 0'
# A reconnect racing the kill can be taken by the dying listener's backlog and be reset (or
# closed) with it: more connections than those, but none counted twice.
check "kill: resets in all between those and the connections ever established" \
	jcheck "$OUT" 'd["reset_of_marked"] <= d["reset"] <= d["opened"]'
check "kill: queries lost after the kill, some answered before" \
	jcheck "$OUT" 'd["lost"] > 0 and d["answered"] > 0'

log "drain: the drain-file made while $K connections are open"
start_dns --drain-file "$D/drain"
# a timeout above the SYN retransmission (1 s): reconnects wait for the drain to end
probe_bg 200 800 "$D/drain.json" 2500 # 4 s
check "all $K connections established at the server" wait_until 10 all_open
mark_probe
touch "$D/drain"
none_open() { [ "$(established)" = 0 ]; }
check "drain: every connection closed at the server" wait_until 5 none_open
reconnecting() { grep -q 'drain file .* exists' "$D/dns.log" && ip netns exec "$C" ss -Htn state syn-sent | grep -q .; }
check "drain: the probe reconnects, its SYNs unanswered" wait_until 5 reconnecting
rm -f "$D/drain"
wait_exit "$PROBE_PID" 15
check "probe ends by itself" [ $? = 0 ]
OUT=$(cat "$D/drain.json")
check "drain: the $K connections open at the drain closed in order, none reset" \
	jcheck "$OUT" 'd["open_at_mark"] == '$K' and d["reset_of_marked"] == 0 and d["closed_orderly"] >= '$K' and d["reset"] == 0'
check "drain: every query answered (re-sent on a new connection after the drain), no connect failed" \
	jcheck "$OUT" 'd["answered"] == 800 and d["lost"] == 0 and d["connect_failed"] == 0 and d["opened"] >= 2 * '$K
finish
