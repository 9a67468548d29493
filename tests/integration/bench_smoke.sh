#!/bin/bash
# The benchmarks still run: each bench/ script at a tiny size, through to its ratio line, without
# writing bench/RESULTS.md. Not a timing test: no figure is compared with anything. A bench that
# no longer runs fails here rather than in the hands of the next person who measures (the FIB part
# of bench/fulltable took no route for a whole stop once RFC 8212's default deny came in, and
# only a full run showed it).
#
# Each bench makes and removes its own namespaces and processes; each runs under a timeout.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd bird birdc
mk_tmpdir
T=$TMPD
SHARED=$TOP/../shared/data
cd "$TOP" || die "no $TOP"

# run NAME LIMIT CMD...: the bench's output in $T/NAME.out, its exit code in RC
run() {
	local name=$1 limit=$2
	shift 2
	log "$name: $*"
	timeout -k 10 "$limit" "$@" >"$T/$name.out" 2>&1
	RC=$?
	on_fail "tail -n 20 $T/$name.out"
}

# ---- bench/fulltable: 3000 routes, one trial of each part
run fulltable 300 env ROUTES=3000 TRIALS=1 FIB_TRIALS=1 LIMIT=60 bench/fulltable/run.sh --no-results
check "fulltable: exits 0 (exit $RC)" test "$RC" = 0
check "fulltable: both daemons took the 3000 routes into the RIB" \
	grep -Eq '^\| anycastd / BIRD \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \|$' "$T/fulltable.out"
check "fulltable: and into the kernel" grep -Eq '^\| anycastd / BIRD \| [0-9.]+ \|$' "$T/fulltable.out"
check "fulltable: no complaint" sh -c "! grep -q 'only [0-9]* of' '$T/fulltable.out'"

# ---- bench/dns: one short round of each server
if command -v dnsperf >/dev/null && command -v nsd >/dev/null && command -v knotd >/dev/null; then
	run dns 180 bench/dns/run.sh -Q 2000 -l 1 -r 1 -n
	check "dns: exits 0 (exit $RC)" test "$RC" = 0
	check "dns: a ratio against Knot and NSD" \
		grep -Eq '^anycast-dns / Knot = [0-9.]+, anycast-dns / NSD = [0-9.]+ ' "$T/dns.out"
	check "dns: every server answered" sh -c "[ \$(grep -Ec '^round 1: (anycast-dns|nsd|knot): [1-9][0-9]* answered' '$T/dns.out') = 3 ]"
else
	log "dns: dnsperf, nsd or knotd missing, not run"
fi

# ---- bench/failover: two trials of each setup. It exits 1 when a target is missed, which is a
# figure, not a breakage: only the tables are checked here.
if command -v exabgp >/dev/null; then
	run failover 300 env TRIALS=2 bench/failover/run.sh --no-results
	for row in 'anycastd (interval 100ms, fall 2)' 'exabgp-healthcheck (interval 1, fall 1)' \
		'exabgp-healthcheck (interval 0.1, fall 2)' 'anycastd check process (pidfd)' \
		'anycastd, bfd 100ms x 3' 'BIRD site, bfd 100 ms x 3'; do
		check "failover: a row for $row, two trials" grep -Fq "| $row | 2 |" "$T/failover.out"
	done
else
	log "failover: exabgp missing, not run"
fi

# ---- bench/sim and bench/detect: on the shared data, when it is beside the checkout
if [ -r "$SHARED/20250901.as-rel2.txt.bz2" ]; then
	run sim 300 sh bench/sim/run.sh "$SHARED/20250901.as-rel2.txt.bz2" 5
	check "sim: exits 0 (exit $RC)" test "$RC" = 0
	check "sim: the graph loaded and propagated" grep -q 'ases 78' "$T/sim.out"
else
	log "sim: no CAIDA graph in $SHARED, not run"
fi
if [ -d "$SHARED/igreedy" ]; then
	run detect 300 sh bench/detect/run.sh "$SHARED/igreedy"
	check "detect: exits 0 (exit $RC)" test "$RC" = 0
	check "detect: a row for each of the 12 datasets" \
		sh -c "[ \$(grep -Ec '^\| [a-z]+-(ripe|planetlab) \|' '$T/detect.out') = 12 ]"
else
	log "detect: no iGreedy data in $SHARED, not run"
fi

git -C "$TOP" diff --quiet -- bench/RESULTS.md 2>/dev/null || log "bench/RESULTS.md has local changes (not ours)"
finish
