/* The monotonic clock and sleeping (clock.h). */
#include "lib/clock.h"

#include <time.h>

int64_t clk_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t clk_now_us(void) { return clk_now_ns() / 1000; }

int64_t clk_now_ms(void) { return clk_now_ns() / 1000000; }

int clk_sleep_ns(int64_t ns)
{
	struct timespec ts;

	if (ns <= 0)
		return 0;
	ts.tv_sec = (time_t)(ns / 1000000000);
	ts.tv_nsec = (long)(ns % 1000000000);
	return nanosleep(&ts, NULL) == 0 ? 0 : -1;
}

int clk_sleep_ms(int64_t ms) { return clk_sleep_ns(ms * 1000000); }
