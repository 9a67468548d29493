/* What an anycast-dns instance counts: queries received, answered and dropped per worker
 * thread (each thread writes only its own counters, so counting costs the hot path no shared
 * write), TCP connections by how they ended, and the load: the
 * queries received in the last second over the capacity. Read by the metrics endpoint. */
#ifndef DNS_STATS_H
#define DNS_STATS_H

#include <stdatomic.h>
#include <stdint.h>

/* One writer per set; readers on other threads see each value whole (relaxed atomics). A
 * worker keeps its set on a cache line of its own (the member is aligned where it is declared,
 * so that a set may also live in plain malloc'd memory). */
struct dns_counters {
	_Atomic uint64_t received; /* queries read, whatever became of them */
	_Atomic uint64_t answered;
	_Atomic uint64_t dropped_capacity; /* over --capacity: no answer */
	_Atomic uint64_t unanswered;       /* nothing to send back (not a query) */
};

/* Adds n to a counter only its owner thread writes: a load and a store, no locked operation. */
static inline void dns_count(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

/* How a TCP connection ended. */
enum dns_tcp_close {
	DNS_CLOSE_ORDERLY, /* FIN both ways, every query read answered */
	DNS_CLOSE_RESET,   /* the peer reset it, or a read or write failed */
	DNS_CLOSE_TIMEOUT, /* idle, or a message begun and not finished in time */
	DNS_CLOSE_EVICTED, /* closed to make room for a newcomer (--tcp-max, --tcp-per-source) */
	DNS_CLOSE_N
};
extern const char *const dns_tcp_close_names[DNS_CLOSE_N];

enum { DNS_UDP, DNS_TCP, DNS_TRANSPORTS };

/* One reading of every figure, for the metrics. */
struct dns_stats {
	uint64_t received[DNS_TRANSPORTS];
	uint64_t answered, dropped_capacity, unanswered;
	uint64_t tcp_closed[DNS_CLOSE_N];
	int tcp_conns;
	int draining;
	uint32_t capacity; /* 0: none */
	double load;       /* received in the last second / capacity; 0 without capacity */
};

/* Adds the counters c into s (received under transport tr). */
void dns_stats_add(struct dns_stats *s, const struct dns_counters *c, int tr);

/* The rate of a growing total over about the last second, from samples taken every
 * DNS_RATE_STEP_MS (the caller's timer) on the caller's millisecond clock. */
#define DNS_RATE_STEP_MS 100
#define DNS_RATE_SAMPLES 11 /* 10 steps: one second */
struct dns_rate {
	uint64_t at_ms[DNS_RATE_SAMPLES], total[DNS_RATE_SAMPLES];
	int next, n;
};
void dns_rate_sample(struct dns_rate *r, uint64_t now_ms, uint64_t total);
/* Per second, between the oldest sample (about a second ago) and (now_ms, total); 0 without a
 * sample at least one step old. */
double dns_rate_per_s(const struct dns_rate *r, uint64_t now_ms, uint64_t total);

#endif
