/* The counters summed, and the one-second rate behind the load gauge. */
#include "dns/stats.h"

const char *const dns_tcp_close_names[DNS_CLOSE_N] = {
	[DNS_CLOSE_ORDERLY] = "orderly",
	[DNS_CLOSE_RESET] = "reset",
	[DNS_CLOSE_TIMEOUT] = "timeout",
	[DNS_CLOSE_EVICTED] = "evicted",
};

void dns_stats_add(struct dns_stats *s, const struct dns_counters *c, int tr)
{
	s->received[tr] += atomic_load_explicit(&c->received, memory_order_relaxed);
	s->answered += atomic_load_explicit(&c->answered, memory_order_relaxed);
	s->dropped_capacity += atomic_load_explicit(&c->dropped_capacity, memory_order_relaxed);
	s->unanswered += atomic_load_explicit(&c->unanswered, memory_order_relaxed);
}

void dns_rate_sample(struct dns_rate *r, uint64_t now_ms, uint64_t total)
{
	r->at_ms[r->next] = now_ms;
	r->total[r->next] = total;
	r->next = (r->next + 1) % DNS_RATE_SAMPLES;
	if (r->n < DNS_RATE_SAMPLES)
		r->n++;
}

double dns_rate_per_s(const struct dns_rate *r, uint64_t now_ms, uint64_t total)
{
	/* The oldest sample kept: the ring's next slot once it is full, else the first. */
	int old = r->n < DNS_RATE_SAMPLES ? 0 : r->next;

	if (!r->n || now_ms < r->at_ms[old] + DNS_RATE_STEP_MS || total < r->total[old])
		return 0;
	return (double)(total - r->total[old]) * 1000.0 / (double)(now_ms - r->at_ms[old]);
}
