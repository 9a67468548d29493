/* The monotonic clock and sleeping, in the units callers want. One place for CLOCK_MONOTONIC
 * (never the wall clock, which jumps): every duration, deadline and timestamp a program of
 * ours measures comes from here, so instants taken by different processes (the lab's probes
 * and the failure it injects) lie on one time line. */
#ifndef LIB_CLOCK_H
#define LIB_CLOCK_H

#include <stdint.h>

int64_t clk_now_ns(void);
int64_t clk_now_us(void);
int64_t clk_now_ms(void);
/* Sleeps; a signal cuts the sleep short (no restart): callers that poll a flag want that.
 * Returns 0 after the full time, -1 when interrupted. */
int clk_sleep_ns(int64_t ns);
int clk_sleep_ms(int64_t ms);

#endif
