/* GCRA: tat is the time at which the bucket would be full again if nothing more were taken.
 * Taking k tokens moves it k intervals later; it may not get more than the tolerance (a full
 * bucket's worth) ahead of now. A bucket idle for long has tat in the past: it counts from now.
 *
 * Time is kept in sixteenths of a nanosecond from the bucket's creation: the interval of one
 * token is then exact enough at 10 million per second (1600 units, an error below 0.07 %), and
 * a signed 64-bit count lasts 18 years. */
#include "dns/bucket.h"

#define UNITS_PER_NS 16
#define UNITS_PER_S (1000000000LL * UNITS_PER_NS)

void dns_bucket_init(struct dns_bucket *b, uint32_t rate, int64_t now_ns)
{
	if (rate < 1)
		rate = 1;
	if (rate > DNS_CAPACITY_MAX)
		rate = DNS_CAPACITY_MAX;
	b->rate = rate;
	b->burst = rate / 10 ? rate / 10 : 1;
	b->t0_ns = now_ns;
	b->interval = UNITS_PER_S / rate;
	b->tolerance = b->interval * b->burst;
	atomic_store(&b->tat, 0); /* full now */
}

unsigned dns_bucket_take(struct dns_bucket *b, int64_t now_ns, unsigned n)
{
	int64_t now = (now_ns - b->t0_ns) * UNITS_PER_NS;
	int64_t tat = atomic_load_explicit(&b->tat, memory_order_relaxed);

	for (;;) {
		int64_t from = tat > now ? tat : now;
		int64_t room = now + b->tolerance - from; /* tokens left, as time */

		if (room < b->interval)
			return 0;
		int64_t k = room / b->interval;

		if (k > (int64_t)n)
			k = n;
		/* On failure tat is reloaded and the tokens counted again. */
		if (atomic_compare_exchange_weak_explicit(&b->tat, &tat, from + k * b->interval,
							  memory_order_relaxed,
							  memory_order_relaxed))
			return (unsigned)k;
	}
}
