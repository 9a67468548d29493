/* anycast-dns under load: the capacity's token bucket on an injected clock (burst, refill,
 * the rate over a long run, odd rates, idle periods, two threads taking at once), the
 * one-second rate behind the load gauge, the metrics text, and edns-tcp-keepalive 0 in TCP
 * replies while draining (never over UDP, never without EDNS). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "dns/bucket.h"
#include "dns/metrics.h"
#include "dns/query.h"
#include "dns/stats.h"
#include "lib/buf.h"
#include "t.h"

#define MS 1000000LL
#define S 1000000000LL

static void test_burst_refill(void)
{
	struct dns_bucket b;
	int64_t t0 = 123456789;

	dns_bucket_init(&b, 500, t0);
	CHECK_INT(b.burst, 50);
	CHECK_INT(dns_bucket_take(&b, t0, 100), 50); /* starts full: the burst, no more */
	CHECK_INT(dns_bucket_take(&b, t0, 1), 0);
	CHECK_INT(dns_bucket_take(&b, t0 + 1 * MS, 1), 0); /* 2 ms per token at 500/s */
	CHECK_INT(dns_bucket_take(&b, t0 + 2 * MS, 5), 1);
	CHECK_INT(dns_bucket_take(&b, t0 + 12 * MS, 10), 5);
	CHECK_INT(dns_bucket_take(&b, t0 + 12 * MS, 10), 0);
	/* idle for long: full again, and never more than full */
	CHECK_INT(dns_bucket_take(&b, t0 + 100 * S, 1000), 50);
	CHECK_INT(dns_bucket_take(&b, t0 + 100 * S, 1), 0);
	/* a clock read a little earlier by another thread takes nothing it should not */
	CHECK_INT(dns_bucket_take(&b, t0 + 100 * S - MS, 1), 0);

	dns_bucket_init(&b, 1, t0);
	CHECK_INT(b.burst, 1);
	CHECK_INT(dns_bucket_take(&b, t0, 5), 1);
	CHECK_INT(dns_bucket_take(&b, t0 + S - 1, 5), 0);
	CHECK_INT(dns_bucket_take(&b, t0 + S, 5), 1);
	dns_bucket_init(&b, 0, t0); /* clamped */
	CHECK_INT(b.rate, 1);
	dns_bucket_init(&b, DNS_CAPACITY_MAX + 1u, t0);
	CHECK_INT(b.rate, DNS_CAPACITY_MAX);
}

/* offered per second for secs seconds in batches of n, evenly spaced: how many got through */
static uint64_t offer(uint32_t rate, uint64_t offered, int secs, unsigned n)
{
	struct dns_bucket b;
	uint64_t got = 0, batches = offered * (uint64_t)secs / n;

	dns_bucket_init(&b, rate, 0);
	for (uint64_t i = 0; i < batches; i++)
		got += dns_bucket_take(&b, (int64_t)(i * (uint64_t)secs * S / batches), n);
	return got;
}

static void test_long_run(void)
{
	static const struct {
		uint32_t rate;
		uint64_t offered;
		int secs;
		unsigned n;
	} cases[] = {
		{ 500, 2000, 10, 1 },    /* the integration test's load, 4x the capacity */
		{ 500, 400, 10, 1 },     /* below the capacity: all of it */
		{ 3, 10000, 100, 1 },    /* an interval of 333 333 333.3 ns */
		{ 7777, 100000, 5, 32 }, /* in batches, as the UDP workers take */
		{ DNS_CAPACITY_MAX, 20000000, 2, 32 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t got = offer(cases[i].rate, cases[i].offered, cases[i].secs, cases[i].n);
		uint64_t burst = cases[i].rate / 10 ? cases[i].rate / 10 : 1;
		uint64_t want = (uint64_t)cases[i].rate * (uint64_t)cases[i].secs + burst;

		if (cases[i].offered < cases[i].rate)
			want = cases[i].offered * (uint64_t)cases[i].secs;
		/* within 0.1 % and a batch of the capacity over the run, plus the first burst */
		if (got + want / 1000 + cases[i].n < want || got > want + cases[i].n) {
			fprintf(stderr, "rate %u offered %llu/s: %llu got, %llu wanted\n",
				cases[i].rate, (unsigned long long)cases[i].offered,
				(unsigned long long)got, (unsigned long long)want);
			CHECK(0);
		}
	}
}

struct racer {
	struct dns_bucket *b;
	uint64_t got;
};

static void *race(void *arg)
{
	struct racer *r = arg;

	for (int i = 0; i < 300000; i++)
		r->got += dns_bucket_take(r->b, 5 * MS, 1);
	return NULL;
}

/* Two threads on a stopped clock: together exactly the burst, not a token more. */
static void test_threads(void)
{
	struct dns_bucket b;
	struct racer r[2] = { { &b, 0 }, { &b, 0 } };
	pthread_t th[2];

	dns_bucket_init(&b, 1000000, 5 * MS);
	for (int i = 0; i < 2; i++)
		CHECK(pthread_create(&th[i], NULL, race, &r[i]) == 0);
	for (int i = 0; i < 2; i++)
		pthread_join(th[i], NULL);
	CHECK_INT(r[0].got + r[1].got, 100000);
}

static void test_rate(void)
{
	struct dns_rate r;
	uint64_t total = 0, t = 1000;

	memset(&r, 0, sizeof(r));
	CHECK(dns_rate_per_s(&r, t, 0) == 0); /* no sample */
	dns_rate_sample(&r, t, total);
	CHECK(dns_rate_per_s(&r, t + 50, 30) == 0); /* none a step old */
	for (int i = 0; i < 30; i++) {              /* 3 s at 500/s */
		t += DNS_RATE_STEP_MS;
		total += 50;
		dns_rate_sample(&r, t, total);
	}
	double v = dns_rate_per_s(&r, t + 50, total + 25);

	CHECK(v > 490 && v < 510);
	/* 1.1 s after the load stopped, nothing is left of it */
	for (int i = 0; i < 11; i++) {
		t += DNS_RATE_STEP_MS;
		dns_rate_sample(&r, t, total);
	}
	CHECK(dns_rate_per_s(&r, t, total) == 0);
	/* half a second of 1000/s after that: the last second saw 500 */
	for (int i = 0; i < 5; i++) {
		t += DNS_RATE_STEP_MS;
		total += 100;
		dns_rate_sample(&r, t, total);
	}
	v = dns_rate_per_s(&r, t, total);
	CHECK(v > 450 && v < 550);
}

static void test_metrics_text(void)
{
	struct dns_stats s = { .received = { 900, 100 },
			       .answered = 600,
			       .dropped_capacity = 399,
			       .unanswered = 1,
			       .tcp_closed = { 7, 1, 2, 0 },
			       .tcp_conns = 3,
			       .draining = 1,
			       .capacity = 500,
			       .load = 2.5 };
	static const char *const want[] = {
		"anycast_dns_queries_total{transport=\"udp\"} 900\n",
		"anycast_dns_queries_total{transport=\"tcp\"} 100\n",
		"anycast_dns_answered_total 600\n",
		"anycast_dns_dropped_total{reason=\"capacity\"} 399\n",
		"anycast_dns_dropped_total{reason=\"malformed\"} 1\n",
		"anycast_dns_load 2.5000\n",
		"anycast_dns_capacity_qps 500\n",
		"anycast_dns_tcp_connections 3\n",
		"anycast_dns_tcp_closed_total{how=\"orderly\"} 7\n",
		"anycast_dns_tcp_closed_total{how=\"reset\"} 1\n",
		"anycast_dns_tcp_closed_total{how=\"timeout\"} 2\n",
		"anycast_dns_draining 1\n",
		"# TYPE anycast_dns_load gauge\n",
		"# TYPE anycast_dns_answered_total counter\n",
	};
	struct buf b;

	buf_init(&b);
	dns_metrics_render(&s, &b);
	buf_put8(&b, 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr((const char *)b.data, want[i])) {
			fprintf(stderr, "missing: %s", want[i]);
			CHECK(0);
		}
	buf_free(&b);
}

/* The options of the reply's OPT record (the last record we write), or NULL. */
static const uint8_t *opt_rdata(const uint8_t *p, size_t n, size_t *len)
{
	/* our OPT: root owner, type 41, ..., RDLEN, then the options to the end */
	for (size_t i = DNS_HDR_LEN; i + 11 <= n; i++)
		if (p[i] == 0 && get16(p + i + 1) == DNS_T_OPT && i + 11 + get16(p + i + 9) == n) {
			*len = get16(p + i + 9);
			return p + i + 11;
		}
	return NULL;
}

static int has_keepalive0(const uint8_t *p, size_t n)
{
	size_t len;
	const uint8_t *o = opt_rdata(p, n, &len);

	for (size_t i = 0; o && i + 4 <= len; i += 4 + get16(o + i + 2))
		if (get16(o + i) == DNS_OPT_TCP_KEEPALIVE)
			return get16(o + i + 2) == 2 && get16(o + i + 4) == 0;
	return 0;
}

static void test_keepalive(void)
{
	struct dns_ctx ctx = { "site-a", 6, "v", 1, 1232, NULL, 0 };
	struct dns_question q;
	struct dns_edns_opts e = { 1232, 1 };
	const char *err;
	uint8_t pkt[DNS_QUERY_MAX], plain[DNS_QUERY_MAX], out[4096];

	CHECK(dns_question_set(&q, "id.server", DNS_T_TXT, DNS_C_CH, &err) == 0);
	int pl = dns_query_build(pkt, sizeof(pkt), 7, &q, &e);
	int ql = dns_query_build(plain, sizeof(plain), 8, &q, NULL);
	size_t n;

	CHECK(pl > 0 && ql > 0);
	n = dns_answer(&ctx, NULL, pkt, (size_t)pl, out, sizeof(out), 1);
	CHECK(n > 0 && opt_rdata(out, n, &(size_t){ 0 }) && !has_keepalive0(out, n));
	ctx.tcp_closing = 1;
	n = dns_answer(&ctx, NULL, pkt, (size_t)pl, out, sizeof(out), 1);
	CHECK(n > 0 && has_keepalive0(out, n));
	CHECK(memmem(out, n, "site-a", 6) != NULL); /* the NSID is still there, before it */
	n = dns_answer(&ctx, NULL, pkt, (size_t)pl, out, sizeof(out), 0); /* UDP: never */
	CHECK(n > 0 && opt_rdata(out, n, &(size_t){ 0 }) && !has_keepalive0(out, n));
	n = dns_answer(&ctx, NULL, plain, (size_t)ql, out, sizeof(out), 1); /* no EDNS: no OPT */
	CHECK(n > 0 && !opt_rdata(out, n, &(size_t){ 0 }));
}

int main(void)
{
	RUN(test_burst_refill);
	RUN(test_long_run);
	RUN(test_threads);
	RUN(test_rate);
	RUN(test_metrics_text);
	RUN(test_keepalive);
	return t_done();
}
