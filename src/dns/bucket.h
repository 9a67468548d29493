/* The capacity of an instance (--capacity): a token bucket shared by every worker thread,
 * refilled continuously at rate tokens per second and holding at most burst. A query takes a
 * token or is dropped. Lock-free: the bucket is one atomic word, the theoretical arrival time of
 * the generic cell rate algorithm (GCRA, ITU-T I.371), which is a token bucket expressed as the
 * time at which it will be full again; taking tokens is one compare-and-swap, and refusing
 * them when empty is a single load (a flood costs the least when it is dropped).
 * The clock is the caller's (nanoseconds, monotonic), so that tests inject their own. */
#ifndef DNS_BUCKET_H
#define DNS_BUCKET_H

#include <stdatomic.h>
#include <stdint.h>

#define DNS_CAPACITY_MAX 10000000

struct dns_bucket {
	/* Alone on its cache line: every worker writes it. */
	_Alignas(64) _Atomic int64_t tat; /* when the bucket is full again (time units below) */
	int64_t t0_ns;                    /* the clock at creation: times are taken from it */
	int64_t interval;                 /* one token's worth of time */
	int64_t tolerance;                /* burst tokens' worth of time */
	uint32_t rate, burst;
};

/* rate: tokens per second, 1..DNS_CAPACITY_MAX; the burst is rate / 10, at least 1. The
 * bucket starts full at now_ns. */
void dns_bucket_init(struct dns_bucket *b, uint32_t rate, int64_t now_ns);

/* Takes up to n tokens at now_ns; returns how many it got (0..n). */
unsigned dns_bucket_take(struct dns_bucket *b, int64_t now_ns, unsigned n);

#endif
