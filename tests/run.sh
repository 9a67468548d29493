#!/bin/sh
# The test runner `make check` calls after building: unit tests, fuzz targets, integration tests.
#
#   build/tests/test_*        unit test binaries; their "N passed, N failed[, N skipped]" lines
#                             are added up; exit 0 pass, 77 skip (nothing could run here), else fail
#   build/san/tests/test_*    the same built with ASan and UBSan (`make unit-san`), if built;
#                             then build/tests/test_* once more under valgrind (any error fails)
#   build/fuzz/fuzz_*         libFuzzer targets, run for a bounded time over a copy of
#                             tests/fuzz/corpus/<name without fuzz_>/ (fuzz_update 30 s, others 10 s;
#                             FUZZ_SECONDS overrides both); crash inputs land in build/test-logs/
#   tests/integration/*.sh    exit 0 pass, 77 skip, else fail; their "N passed, N failed" lines
#                             are added up (lib*.sh are helpers, not tests)
# A skip prints a line starting "SKIP " that says why; the runner shows it.
#
# Each test's output goes to build/test-logs/NAME.log; one line per test on the terminal; the log's
# tail when it fails. The last line is always "N passed, N failed, N skipped"; exit 1 on any failure.
# Environment: FUZZ_SECONDS, ONLY=PATTERN (run only tests whose name contains PATTERN).

cd "$(dirname "$0")/.." || exit 1
B=build
LOGS=$B/test-logs
mkdir -p "$LOGS"

PASSED=0
FAILED=0
SKIPPED=0

now_ms() { date +%s%3N; }

# counts LOG: sum of the "N passed, N failed[, N skipped]" lines in LOG -> CP CF CS (CN = how
# many lines)
counts() {
	set -- $(sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed\(, \([0-9][0-9]*\) skipped\)\{0,1\}$/\1 \2 \4/p' "$1" |
		awk '{ p += $1; f += $2; s += $3; n++ } END { print p + 0, f + 0, s + 0, n + 0 }')
	CP=$1
	CF=$2
	CS=$3
	CN=$4
}

# run_test KIND NAME TIMEOUT CMD...: run, log, report, count
run_test() {
	kind=$1
	name=$2
	limit=$3
	shift 3
	if [ -n "${ONLY:-}" ]; then
		case $name in *"$ONLY"*) ;; *) return 0 ;; esac
	fi
	log=$LOGS/$name.log
	t0=$(now_ms)
	timeout -k 10 "$limit" "$@" >"$log" 2>&1 </dev/null
	rc=$?
	t1=$(now_ms)
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1fs", (b - a) / 1000 }')
	[ $rc = 124 ] && echo "runner: timed out after ${limit}s" >>"$log"
	counts "$log"
	if [ "$kind" = fuzz ]; then
		CP=0 CF=0 CS=0 CN=0 # libFuzzer prints no such lines; one target is one test
	fi
	if [ $rc = 77 ] && [ "$kind" != fuzz ]; then
		[ "$CS" -gt 0 ] || CS=1
		SKIPPED=$((SKIPPED + CS))
		printf 'SKIP %-28s %7s  %s\n' "$name" "$took" "$(grep -m1 '^SKIP' "$log" | sed 's/^SKIP:\{0,1\} //')"
		return 0
	fi
	if [ "$CN" -gt 0 ]; then
		PASSED=$((PASSED + CP))
		FAILED=$((FAILED + CF))
		SKIPPED=$((SKIPPED + CS))
		# a test that failed without saying so in its counts still counts as one failure
		if [ $rc != 0 ] && [ "$CF" = 0 ]; then
			FAILED=$((FAILED + 1))
			CF=1
		fi
		detail="$CP passed, $CF failed"
		[ "$CS" = 0 ] || detail="$detail, $CS skipped ($(grep -m1 '^SKIP' "$log" | sed 's/^SKIP:\{0,1\} //'))"
	else
		if [ $rc = 0 ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
		detail=""
	fi
	if [ $rc = 0 ] && [ "$CF" = 0 ]; then
		printf 'PASS %-28s %7s  %s\n' "$name" "$took" "$detail"
	else
		printf 'FAIL %-28s %7s  %s (exit %s, log %s)\n' "$name" "$took" "$detail" "$rc" "$log"
		echo "---- last lines of $log"
		tail -n 40 "$log" | sed 's/^/| /'
		echo "----"
	fi
}

echo "== unit tests"
for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	run_test unit "$(basename "$t")" 300 "$t"
done

echo "== unit tests under ASan and UBSan (make unit-san)"
for t in "$B"/san/tests/test_*; do
	[ -x "$t" ] || continue
	run_test unit "san-$(basename "$t")" 600 "$t"
done

# Valgrind sees what the sanitizers do not (reads of uninitialised memory), in the binaries as
# they are built for use.
echo "== unit tests under valgrind"
if command -v valgrind >/dev/null; then
	for t in "$B"/tests/test_*; do
		[ -x "$t" ] || continue
		run_test unit "valgrind-$(basename "$t")" 600 valgrind -q --leak-check=full \
			--errors-for-leak-kinds=definite,indirect --error-exitcode=99 "$t"
	done
fi

echo "== fuzz targets"
for f in "$B"/fuzz/fuzz_*; do
	[ -x "$f" ] || continue
	name=$(basename "$f")
	short=${name#fuzz_}
	secs=10
	[ "$name" = fuzz_update ] && secs=30
	[ -n "${FUZZ_SECONDS:-}" ] && secs=$FUZZ_SECONDS
	corpus=$(mktemp -d "/tmp/anycast-fuzz-$short.XXXXXX") || exit 1
	[ -d "tests/fuzz/corpus/$short" ] && cp -R "tests/fuzz/corpus/$short/." "$corpus/"
	run_test fuzz "$name" $((secs + 120)) "$f" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$LOGS/$name-" "$corpus"
	rm -rf "$corpus"
done

echo "== integration tests"
for s in tests/integration/*.sh; do
	[ -f "$s" ] || continue
	case $(basename "$s") in lib*.sh) continue ;; esac
	run_test integration "$(basename "$s" .sh)" 300 bash "$s"
done

echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
[ "$FAILED" = 0 ]
