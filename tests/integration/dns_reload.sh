#!/bin/bash
# Zones are checked at start and on SIGHUP: a broken zone file stops the start with
# "FILE:LINE: reason"; on SIGHUP the new zones replace the old ones at once, and a broken new
# zone leaves the old ones serving with the reason in the log. Reloads under load lose nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig kdig
dns_setup

# ---- broken zones refused at start
bad() { # LINE-IN-FILE REASON CONTENT
	printf '%b' "$3" >"$D/bad.zone"
	out=$("$DNS_BIN" -d --listen 127.0.0.1:1 --zone "$D/bad.zone" 2>&1)
	rc=$?
	check "refused at start: $2" contains "rc=$rc: $out" "rc=1: "
	check "refused at start: $2: FILE:LINE: reason" contains "$out" "$D/bad.zone:$1: $2"
}
HEAD='$ORIGIN t.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\n'
bad 5 "bad IPv4 address" "${HEAD}ns A 192.0.2.256\n"
bad 6 "unknown type" "${HEAD}ns A 192.0.2.1\nx FOO bar\n"
bad 5 "unbalanced parentheses" "${HEAD}x TXT ( \"a\"\n"
bad 5 "name is outside the zone t." "${HEAD}x.u. A 192.0.2.1\n"
bad 6 "CNAME and other data at the same name" "${HEAD}x A 192.0.2.1\nx CNAME ns\n"
bad 1 "no SOA record" 'x. 60 A 192.0.2.1\n'
bad 3 "no NS records at the zone apex" '$ORIGIN t.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n'
bad 2 "relative name with no \$ORIGIN" '$TTL 60\nx A 192.0.2.1\n'
out=$("$DNS_BIN" -d --listen 127.0.0.1:1 --zone "$D/none.zone" 2>&1)
check "refused at start: a missing file" ok_all "$out" "none.zone:0: cannot open"
out=$("$DNS_BIN" --check "${ZONES[@]}" 2>&1)
check "--check accepts the example zones" ok_all "$out" '^2 zones, [0-9]+ records: ok$'
out=$("$DNS_BIN" --check --zone "$D/bad.zone" 2>&1)
check "--check reports a broken zone" ok_all "$out" "bad.zone:2: relative name"

# ---- SIGHUP
cp "$D/example.com.zone" "$D/orig.zone"
dns_start
both() { # DESC REGEX QUERY...: dig and kdig both see it
	local c
	for c in dig kdig; do
		out=$(dns_q $c udp 127.0.0.1 "${@:3}")
		check "$c: $1" ok_all "$out" "$2"
	done
}
both "before reload: www is 192.0.2.80" 'A[[:space:]]+192\.0\.2\.80$' www.example.com A
both "before reload: new.example.com does not exist" 'status: NXDOMAIN' new.example.com A

sed -i 's/^www     A       192.0.2.80/www     A       192.0.2.81/' "$D/example.com.zone"
echo 'new A 192.0.2.200' >>"$D/example.com.zone"
kill -HUP "$DNS_PID"
check_eventually 10 "the log says the zones were reloaded" grep -q 'reloaded 2 zones' "$D/dns.log"
both "after reload: www changed" 'A[[:space:]]+192\.0\.2\.81$' www.example.com A
both "after reload: new.example.com exists" 'A[[:space:]]+192\.0\.2\.200$' new.example.com A

echo 'broken A not-an-address' >>"$D/example.com.zone"
line=$(wc -l <"$D/example.com.zone")
kill -HUP "$DNS_PID"
check_eventually 10 "a broken zone on reload is logged with FILE:LINE" \
	grep -q "reload failed, still serving the previous zones: $D/example.com.zone:$line: bad IPv4 address" "$D/dns.log"
both "the previous zones still answer" 'A[[:space:]]+192\.0\.2\.200$' new.example.com A
check "still running after a failed reload" alive "$DNS_PID"

reloads_above() { [ "$(grep -c 'reloaded 2 zones' "$D/dns.log")" -gt "$1" ]; }

# ---- reloads under load: dnsperf (bounded) while SIGHUP flips between two zone versions
cp "$D/orig.zone" "$D/example.com.zone"
kill -HUP "$DNS_PID"
if command -v dnsperf >/dev/null; then
	for i in $(seq 2000); do echo "www.example.com A"; echo "nothere.example.com A"; done >"$D/q.txt"
	dnsperf -s 127.0.0.1 -p "$PORT" -d "$D/q.txt" -l 4 -Q 4000 -t 2 >"$D/perf.out" 2>&1 &
	perf=$!
	_PIDS+=("$perf")
	for i in $(seq 30); do
		if [ $((i % 2)) = 0 ]; then cp "$D/orig.zone" "$D/example.com.zone"
		else sed 's/192.0.2.80/192.0.2.82/' "$D/orig.zone" >"$D/example.com.zone"; fi
		# one SIGHUP at a time: the next only once this reload is logged (two signals sent
		# before the first is handled would merge into one reload)
		n=$(grep -c 'reloaded 2 zones' "$D/dns.log")
		kill -HUP "$DNS_PID"
		wait_until 10 reloads_above "$n" || fail "reload $i not logged within 10 s"
	done
	wait_exit "$perf" 20
	check "30 reloads under load: no query lost" ok_all "$(cat "$D/perf.out")" \
		'Queries lost:[[:space:]]+0 ' 'Queries completed:[[:space:]]+[1-9]'
	check "31 reloads logged" test "$(grep -c 'reloaded 2 zones' "$D/dns.log")" -ge 31
fi
check "still running after the reloads" alive "$DNS_PID"
stop_pid "$DNS_PID"
check "SIGTERM: a clean exit" test "$EXIT_STATUS" = 0
finish
