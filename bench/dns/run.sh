#!/bin/bash
# bench/dns: CPU time per answered query, anycast-dns against NSD and Knot DNS, in one run.
#
# The same zone of 10,000 names and the same query file go to each server in turn; dnsperf
# offers a fixed load on loopback (RATE queries/s for SECS seconds) from core 1, and the
# server runs on core 0 with one worker. Not the other way round: knotd pins its UDP worker N
# to CPU N itself, whatever taskset said, so its one worker runs on core 0 (until 2026-12-06
# it shared that core with dnsperf while the other servers had core 1 alone); every thread's
# allowed CPUs are checked before a run. A server's CPU time is utime+stime from
# /proc/PID/stat, summed over its processes (NSD forks), read before and after the
# measured run. Result: microseconds of server CPU per answered query, and the ratios.
#
# The servers take turns, ROUNDS times, and each one's median is reported: the machine may be
# shared, and interleaving spreads background load over all of them alike.
#
# usage: bench/dns/run.sh [-Q RATE] [-l SECS] [-r ROUNDS] [-c USEC] [-n]
#   -c USEC: also run anycast-dns with --coalesce USEC (a row of its own)
#   -n: print only, do not append to bench/RESULTS.md
# Environment: ANYCAST_DNS (default build/anycast-dns).
set -eu
RATE=40000
SECS=10
WARM=2
RECORD=1
ROUNDS=3
COALESCE=
while getopts "Q:l:r:c:n" o; do
	case $o in
	Q) RATE=$OPTARG ;;
	l) SECS=$OPTARG ;;
	r) ROUNDS=$OPTARG ;;
	c) COALESCE=$OPTARG ;;
	n) RECORD=0 ;;
	*) echo "usage: $0 [-Q RATE] [-l SECS] [-r ROUNDS] [-c USEC] [-n]" >&2; exit 2 ;;
	esac
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=${ANYCAST_DNS:-$ROOT/build/anycast-dns}
for t in dnsperf nsd knotd taskset; do
	command -v $t >/dev/null || { echo "bench/dns: $t is missing" >&2; exit 77; }
done
[ -x "$BIN" ] || { echo "bench/dns: $BIN is missing (make)" >&2; exit 1; }
[ "$(nproc)" -ge 2 ] || { echo "bench/dns: needs 2 cores" >&2; exit 77; }

TMP=$(mktemp -d /tmp/bench-dns.XXXXXX)
PID=""
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
PORT=$((20000 + RANDOM % 30000))
ZONE=bench.test

# The zone: 10,000 names with an A record, every tenth with an AAAA too.
{
	printf '$ORIGIN %s.\n$TTL 3600\n' $ZONE
	printf '@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2\n'
	printf 'ns1 A 192.0.2.1\nns2 A 192.0.2.2\n'
	awk 'BEGIN { for (i = 0; i < 10000; i++) {
		printf "host%d A 198.51.100.%d\n", i, i % 250 + 1
		if (i % 10 == 0) printf "host%d AAAA 2001:db8::%x\n", i, i
	} }'
} >"$TMP/bench.zone"
# The queries: every name once (A), in a fixed shuffled order, plus 10% AAAA and 5% NXDOMAIN.
awk -v z=$ZONE 'BEGIN { srand(42); for (i = 0; i < 10000; i++) {
		printf "%d host%d.%s A\n", rand() * 1000000, i, z
		if (i % 10 == 0) printf "%d host%d.%s AAAA\n", rand() * 1000000, i, z
		if (i % 20 == 0) printf "%d nohost%d.%s A\n", rand() * 1000000, i, z
	} }' | sort -n | cut -d' ' -f2- >"$TMP/queries.txt"

cat >"$TMP/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$PORT
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$TMP"
    zonelistfile: "$TMP/zone.list"
    database: ""
    xfrdfile: "$TMP/xfrd.state"
    pidfile: "$TMP/nsd.pid"
    logfile: "$TMP/nsd.log"
    verbosity: 0
    rrl-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: $ZONE
    zonefile: "$TMP/bench.zone"
CONF
mkdir -p "$TMP/knot"
cat >"$TMP/knot.conf" <<CONF
server:
    rundir: "$TMP/knot"
    listen: 127.0.0.1@$PORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$TMP/knot"
log:
  - target: stderr
    any: warning
zone:
  - domain: $ZONE
    storage: "$TMP"
    file: "bench.zone"
CONF

# CPU ticks of a process and all its descendants.
cpu_ticks() {
	local total=0 p
	for p in $(tree_pids "$1"); do
		if [ -r /proc/$p/stat ]; then
			# fields after the ")" of comm: utime is the 12th, stime the 13th
			total=$((total + $(sed 's/.*) //' /proc/$p/stat | awk '{print $12 + $13}')))
		fi
	done
	echo $total
}
tree_pids() {
	local p
	echo "$1"
	for p in $(cat /proc/$1/task/*/children 2>/dev/null); do tree_pids "$p"; done
}

wait_up() {
	for _ in $(seq 100); do
		dig +short +time=1 +tries=1 @127.0.0.1 -p $PORT host1.$ZONE A 2>/dev/null | grep -q 198.51 && return 0
		sleep 0.1
	done
	echo "bench/dns: $1 did not answer" >&2
	return 1
}

HZ=$(getconf CLK_TCK)
declare -A US QPS LOST LAT
SRV_CPU=0 GEN_CPU=1
# Every thread of the server may run on SRV_CPU only.
check_affinity() {
	local t l
	for t in /proc/$1/task/*; do
		l=$(awk '/^Cpus_allowed_list/ {print $2}' "$t/status" 2>/dev/null) || continue
		[ -z "$l" ] || [ "$l" = $SRV_CPU ] || {
			echo "bench/dns: $2 thread $(basename "$t") ($(cat "$t/comm")) runs on CPUs $l, not $SRV_CPU" >&2
			exit 1
		}
	done
	for t in $(cat /proc/$1/task/*/children 2>/dev/null); do check_affinity "$t" "$2"; done
}
# run_one NAME CMD...: start the server on SRV_CPU, warm it up, measure one run
run_one() {
	local name=$1
	shift
	taskset -c $SRV_CPU "$@" >"$TMP/$name.out" 2>&1 &
	PID=$!
	wait_up "$name"
	taskset -c $GEN_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$TMP/queries.txt" -Q "$RATE" -l "$WARM" >/dev/null 2>&1
	check_affinity $PID "$name"
	local t0 t1 done lost us
	t0=$(cpu_ticks $PID)
	taskset -c $GEN_CPU dnsperf -s 127.0.0.1 -p $PORT -d "$TMP/queries.txt" -Q "$RATE" -l "$SECS" \
		-t 2 >"$TMP/$name.perf" 2>&1
	t1=$(cpu_ticks $PID)
	kill $PID
	wait $PID 2>/dev/null || true
	PID=""
	done=$(awk '/Queries completed:/ {print $3}' "$TMP/$name.perf")
	lost=$(awk '/Queries lost:/ {print $3}' "$TMP/$name.perf")
	[ -n "$done" ] && [ "$done" -gt 0 ] || { cat "$TMP/$name.perf" "$TMP/$name.out" >&2; exit 1; }
	us=$(awk -v t=$((t1 - t0)) -v hz="$HZ" -v n="$done" 'BEGIN { printf "%.2f", t / hz * 1e6 / n }')
	US[$name]="${US[$name]:-} $us"
	QPS[$name]="${QPS[$name]:-} $(awk '/Queries per second:/ {printf "%.0f", $4}' "$TMP/$name.perf")"
	LOST[$name]="${LOST[$name]:-} $lost"
	LAT[$name]="${LAT[$name]:-} $(awk '/Average Latency/ {printf "%.0f", $4 * 1e6}' "$TMP/$name.perf")"
	echo "round $r: $name: $done answered, $lost lost, $((t1 - t0)) ticks -> $us us/query" >&2
}
median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

SERVERS="anycast-dns nsd knot"
[ -n "$COALESCE" ] && SERVERS="anycast-dns anycast-dns+coalesce nsd knot"
# Rounds interleave the servers so that drifting background load hits them alike.
for r in $(seq "$ROUNDS"); do
	run_one anycast-dns "$BIN" -d --listen 127.0.0.1:$PORT --zone "$TMP/bench.zone" --threads 1 --identity bench
	[ -n "$COALESCE" ] && run_one anycast-dns+coalesce "$BIN" -d --listen 127.0.0.1:$PORT \
		--zone "$TMP/bench.zone" --threads 1 --identity bench --coalesce "$COALESCE"
	run_one nsd nsd -d -c "$TMP/nsd.conf"
	run_one knot knotd -c "$TMP/knot.conf"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
CMD="bench/dns/run.sh -Q $RATE -l $SECS -r $ROUNDS${COALESCE:+ -c $COALESCE}"
declare -A MED
for s in $SERVERS; do MED[$s]=$(echo ${US[$s]} | median); done
TABLE=$(
	echo "| server | CPU us/query (median of $ROUNDS) | each round | answered qps | avg latency us | lost |"
	echo "| --- | ---: | --- | ---: | ---: | ---: |"
	for s in $SERVERS; do
		label=$s
		[ $s = anycast-dns+coalesce ] && label="anycast-dns --coalesce $COALESCE"
		echo "| $label | ${MED[$s]} |${US[$s]} | $(echo ${QPS[$s]} | median) | $(echo ${LAT[$s]} | median) | $(echo ${LOST[$s]} | awk '{ for (i = 1; i <= NF; i++) t += $i; print t + 0 }') |"
	done
	echo
	echo "anycast-dns / Knot = $(ratio "${MED[anycast-dns]}" "${MED[knot]}"), anycast-dns / NSD = $(ratio "${MED[anycast-dns]}" "${MED[nsd]}")${COALESCE:+; with --coalesce $COALESCE: / Knot = $(ratio "${MED[anycast-dns+coalesce]}" "${MED[knot]}"), / NSD = $(ratio "${MED[anycast-dns+coalesce]}" "${MED[nsd]}")} (lower is better; the target is <= 1 against Knot)"
)
echo "$TABLE"
[ "$RECORD" = 1 ] || exit 0

pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }
OUT=$ROOT/bench/RESULTS.md
[ -f "$OUT" ] || printf '# Benchmarks\n' >"$OUT"
grep -q '^## dns$' "$OUT" || printf '\n## dns\n' >>"$OUT"
ENTRY=$(
	echo
	echo "### $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
	echo
	echo "Command: \`$CMD\` (dnsperf -Q $RATE -l $SECS on core $GEN_CPU; each server on core $SRV_CPU, one worker; $ROUNDS rounds;"
	echo "dnsperf $(pkgver dnsperf), NSD $(pkgver nsd), Knot DNS $(pkgver knot), Linux $(uname -r); zone of 10,000 names, $(wc -l <"$TMP/queries.txt") distinct queries)."
	echo
	echo "$TABLE"
)
# Insert at the end of the "## dns" section, before the next "## " heading if any.
awk -v entry="$ENTRY" '
	/^## / { if (indns) { print entry; print ""; done = 1 } indns = ($0 == "## dns") }
	{ print }
	END { if (indns && !done) print entry }
' "$OUT" >"$OUT.tmp" && mv "$OUT.tmp" "$OUT"
echo "bench/dns: appended to bench/RESULTS.md" >&2
