/* A minimal table-friendly test harness: CHECK() records a failure and goes on; each TEST is
 * one case; main() ends with t_done(), which prints "N passed, N failed, N skipped".
 * A case that cannot run here (no root, no IPv6) calls T_SKIP("why") and returns: it counts as
 * skipped, not passed. A test with nothing but skipped cases exits 77, which tests/run.sh
 * reports as SKIP with the first "SKIP" line of its output. */
#ifndef TESTS_T_H
#define TESTS_T_H

#include <stdio.h>
#include <string.h>
#include <inttypes.h>
#include <time.h>

static int t_case_failed, t_case_skipped, t_passed, t_failed, t_skipped;

#define CHECK(cond)                                                                              \
	do {                                                                                     \
		if (!(cond)) {                                                                   \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			t_case_failed = 1;                                                       \
		}                                                                                \
	} while (0)
#define CHECK_INT(a, b)                                                                       \
	do {                                                                                  \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);                       \
		if (t_a_ != t_b_) {                                                           \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
				__LINE__, #a, t_a_, #b, t_b_);                                \
			t_case_failed = 1;                                                    \
		}                                                                             \
	} while (0)
#define CHECK_STR(a, b)                                                                        \
	do {                                                                                   \
		const char *t_a_ = (a), *t_b_ = (b);                                           \
		if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                               \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__,    \
				__LINE__, #a, t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)"); \
			t_case_failed = 1;                                                     \
		}                                                                              \
	} while (0)

/* Milliseconds on the monotonic clock, for the deadlines of waits. */
static inline int64_t t_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A wait on a condition: runs step until cond holds or T_WAIT_MS of real time have passed,
 * e.g. T_WAIT(peer->state == BGP_ESTABLISHED, ev_run_once(loop, 10)). The deadline is far off
 * so that a loaded machine or valgrind still makes it; the wait ends as soon as cond holds, so
 * the headroom costs nothing. Assert cond afterwards. Not a count of iterations: a loop's
 * iteration can return at once on an event, so N of them bound no particular time. */
#define T_WAIT_MS 10000
#define T_WAIT(cond, step)                                                             \
	for (int64_t t_end_ = t_now_ms() + T_WAIT_MS; !(cond) && t_now_ms() < t_end_;) \
	step

/* Marks the current case skipped, with the reason on a "SKIP" line. The case returns itself. */
#define T_SKIP(why)                         \
	do {                                \
		printf("SKIP %s\n", (why)); \
		t_case_skipped = 1;         \
	} while (0)

#define RUN(fn)                                            \
	do {                                               \
		t_case_failed = 0;                         \
		t_case_skipped = 0;                        \
		fn();                                      \
		if (t_case_failed) {                       \
			t_failed++;                        \
			fprintf(stderr, "FAIL %s\n", #fn); \
		} else if (t_case_skipped) {               \
			t_skipped++;                       \
		} else {                                   \
			t_passed++;                        \
		}                                          \
	} while (0)

/* The whole test cannot run here: prints why and returns 77 (skipped) for main(). */
static inline int t_skip_all(const char *why)
{
	printf("SKIP %s\n", why);
	printf("%d passed, %d failed, %d skipped\n", 0, 0, 1);
	return 77;
}

static inline int t_done(void)
{
	printf("%d passed, %d failed, %d skipped\n", t_passed, t_failed, t_skipped);
	if (t_failed)
		return 1;
	return t_passed == 0 && t_skipped > 0 ? 77 : 0;
}

#endif
