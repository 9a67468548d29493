/* A minimal table-friendly test harness: CHECK() records a failure and goes on; each TEST is
 * one case; main() ends with t_done(), which prints "N passed, N failed". */
#ifndef TESTS_T_H
#define TESTS_T_H

#include <stdio.h>
#include <string.h>
#include <inttypes.h>

static int t_case_failed, t_passed, t_failed;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			t_case_failed = 1;                                            \
		}                                                                     \
	} while (0)
#define CHECK_INT(a, b)                                                               \
	do {                                                                          \
		long long t_a_ = (long long)(a), t_b_ = (long long)(b);               \
		if (t_a_ != t_b_) {                                                   \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, \
				__LINE__, #a, t_a_, #b, t_b_);                        \
			t_case_failed = 1;                                            \
		}                                                                     \
	} while (0)
#define CHECK_STR(a, b)                                                               \
	do {                                                                          \
		const char *t_a_ = (a), *t_b_ = (b);                                  \
		if (!t_a_ || !t_b_ || strcmp(t_a_, t_b_) != 0) {                      \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, \
				__LINE__, #a, t_a_ ? t_a_ : "(null)", t_b_ ? t_b_ : "(null)"); \
			t_case_failed = 1;                                            \
		}                                                                     \
	} while (0)

#define RUN(fn)                                                                       \
	do {                                                                          \
		t_case_failed = 0;                                                    \
		fn();                                                                 \
		if (t_case_failed) {                                                  \
			t_failed++;                                                   \
			fprintf(stderr, "FAIL %s\n", #fn);                            \
		} else {                                                              \
			t_passed++;                                                   \
		}                                                                     \
	} while (0)

static inline int t_done(void)
{
	printf("%d passed, %d failed\n", t_passed, t_failed);
	return t_failed ? 1 : 0;
}

#endif
