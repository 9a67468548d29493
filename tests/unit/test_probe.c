/* anycast probe dns: server addresses, the summary, and real runs on loopback against a fake
 * anycast service (a thread that answers "lon", goes silent, then answers "nyc") and, when it
 * has been built, against anycast-dns. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "probe/probe.h"
#include "probe/tcp.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "t.h"

/* ---- a fake anycast service ---- */

struct fake {
	int fd;
	uint16_t port;
	unsigned first, drop; /* answer `first` as a, drop `drop`, answer the rest as b */
	const char *a, *b;
	atomic_int stop;
	atomic_uint seen;
	pthread_t th;
};

/* Answers with the question copied and one TXT record, written here by hand so that the
 * probe's own encoder is not what checks it. */
static void *fake_loop(void *arg)
{
	struct fake *f = arg;
	uint8_t p[600];

	while (!atomic_load(&f->stop)) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(f->fd, p, 512, 0, (struct sockaddr *)&from, &fl);

		if (n < 12)
			continue;
		unsigned k = atomic_fetch_add(&f->seen, 1);

		if (k >= f->first && k < f->first + f->drop)
			continue;
		const char *site = k < f->first ? f->a : f->b;
		size_t sl = strlen(site), at = (size_t)n;

		p[2] = 0x84; /* QR, AA */
		p[3] = 0;
		p[6] = 0;
		p[7] = 1; /* ANCOUNT */
		const uint8_t rr[] = { 0xc0,       12, 0, 16, 0, 3,
				       0,          0,  0, 0,  0, (uint8_t)(1 + sl),
				       (uint8_t)sl };

		memcpy(p + at, rr, sizeof(rr));
		memcpy(p + at + sizeof(rr), site, sl);
		sendto(f->fd, p, at + sizeof(rr) + sl, 0, (struct sockaddr *)&from, fl);
	}
	return NULL;
}

static void fake_start(struct fake *f, unsigned first, unsigned drop, const char *a, const char *b)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	struct timeval tv = { .tv_usec = 20000 }; /* to see the stop flag */
	int sz = 4 << 20;

	f->first = first;
	f->drop = drop;
	f->a = a;
	f->b = b;
	atomic_init(&f->stop, 0);
	atomic_init(&f->seen, 0);
	f->fd = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(f->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(f->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	bind(f->fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(f->fd, (struct sockaddr *)&sin, &sl);
	f->port = ntohs(sin.sin_port);
	pthread_create(&f->th, NULL, fake_loop, f);
}

static void fake_stop(struct fake *f)
{
	atomic_store(&f->stop, 1);
	pthread_join(f->th, NULL);
	close(f->fd);
}

static long site_answers(const struct probe_result *r, const char *name)
{
	for (size_t i = 0; i < r->nsites; i++)
		if (strcmp(r->sites[i].name, name) == 0)
			return (long)r->sites[i].answers;
	return -1;
}

static void test_server_parse(void)
{
	static const struct {
		const char *s;
		int ok, af, port;
	} cases[] = {
		{ "127.0.0.1", 1, AF_INET, 53 },
		{ "192.0.2.1:5353", 1, AF_INET, 5353 },
		{ "::1", 1, AF_INET6, 53 },
		{ "2001:db8::1", 1, AF_INET6, 53 },
		{ "[2001:db8::1]:54", 1, AF_INET6, 54 },
		{ "[::1]", 1, AF_INET6, 53 },
		{ "127.0.0.1:0", 0, 0, 0 },
		{ "127.0.0.1:65536", 0, 0, 0 },
		{ "127.0.0.1:", 0, 0, 0 },
		{ "localhost", 0, 0, 0 },
		{ "[::1]x", 0, 0, 0 },
		{ "[::1", 0, 0, 0 },
		{ "", 0, 0, 0 },
		{ ":53", 0, 0, 0 },
		{ "1.2.3.4:5x", 0, 0, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;
		socklen_t len;
		int rc = probe_server_parse(cases[i].s, &ss, &len);

		CHECK_INT(rc, cases[i].ok ? 0 : -1);
		if (rc == 0 && cases[i].ok) {
			CHECK_INT(ss.ss_family, cases[i].af);
			CHECK_INT(ntohs(((struct sockaddr_in *)&ss)->sin_port), cases[i].port);
		}
	}
}

/* ---- summary, from records made here ---- */

static void test_summarize(void)
{
	/* 10/s: a b b - - - b a a -, RTTs 1..6 ms */
	static const int site[] = { 0, 1, 1, -1, -1, -1, 1, 0, 0, -1 };
	static const int rtt[] = { 5, 1, 2, 0, 0, 0, 6, 3, 4, 0 };
	struct probe_result r = { .rate = 10, .sent = 10, .count = 10 };

	r.recs = calloc(10, sizeof(*r.recs));
	r.sites = calloc(2, sizeof(*r.sites));
	r.sites[0].name = strdup("a");
	r.sites[1].name = strdup("b");
	r.nsites = 2;
	for (int i = 0; i < 10; i++) {
		r.recs[i].sent_ns = (int64_t)i * 100000000;
		r.recs[i].state = site[i] < 0 ? PROBE_LOST : PROBE_ANSWERED;
		r.recs[i].site = (uint16_t)(site[i] < 0 ? 0 : site[i]);
		r.recs[i].rtt_us = rtt[i] * 1000;
	}
	probe_result_summarize(&r);
	CHECK_INT(r.answered, 6);
	CHECK_INT(r.lost, 4);
	CHECK_INT(r.sites[0].answers, 3);
	CHECK_INT(r.sites[1].answers, 3);
	CHECK_INT(r.longest_loss_run, 3);
	CHECK_INT(r.outage_start_ns, 300000000);
	CHECK_INT(r.outage_end_ns, 600000000);
	CHECK_INT(r.rtt_min_us, 1000);
	CHECK_INT(r.rtt_median_us, 3000); /* nearest rank of 1 2 3 4 5 6 */
	CHECK_INT(r.rtt_p90_us, 6000);
	CHECK_INT(r.rtt_max_us, 6000);
	CHECK_INT(r.nswitches, 2);
	if (r.nswitches == 2) {
		CHECK_INT(r.switches[0].at_ns, 100000000);
		CHECK_INT(r.switches[0].from, 0);
		CHECK_INT(r.switches[0].to, 1);
		CHECK_INT(r.switches[1].at_ns, 700000000);
		CHECK_INT(r.switches[1].to, 0);
	}
	/* a loss run at the end lasts to one interval past its last query; summarize twice is
	 * the same */
	r.recs[9].state = PROBE_LOST;
	r.recs[8].state = PROBE_LOST;
	r.recs[7].state = PROBE_LOST;
	r.recs[6].state = PROBE_LOST;
	probe_result_summarize(&r);
	CHECK_INT(r.longest_loss_run, 7);
	CHECK_INT(r.outage_start_ns, 300000000);
	CHECK_INT(r.outage_end_ns, 1000000000);
	CHECK_INT(r.nswitches, 1);

	struct buf b;

	buf_init(&b);
	probe_result_json(&r, &b);
	buf_put8(&b, 0);
	CHECK(strstr((char *)b.data, "\"outage_ms\":700.000,\"outage_start_ms\":300.000"));
	CHECK(strstr((char *)b.data, "[600.000,null,null]"));
	CHECK(strstr((char *)b.data, "[100.000,\"b\",1.000]"));
	buf_free(&b);
	probe_result_free(&r);
}

/* ---- real runs ---- */

static struct probe_result outage_r;
static int outage_ok;

/* The failover: 100 answers from lon, 50 queries unanswered, 150 answers from nyc. */
static void test_outage(void)
{
	struct fake f;
	char server[32];

	fake_start(&f, 100, 50, "lon", "nyc");
	snprintf(server, sizeof(server), "127.0.0.1:%u", f.port);

	/* A generous timeout: on a loaded machine a slow answer must not count as lost. */
	struct probe_opts o = { .server = server, .rate = 200, .count = 300, .timeout_ms = 1000 };
	int64_t t0 = clk_now_ms();
	int rc = probe_dns_run(&o, &outage_r);
	int64_t took = clk_now_ms() - t0;

	fake_stop(&f);
	CHECK_INT(rc, 0);
	CHECK_INT(outage_r.sent, 300);
	CHECK_INT(outage_r.answered, 250);
	CHECK_INT(outage_r.lost, 50);
	CHECK_INT(outage_r.late, 0);
	CHECK_INT(site_answers(&outage_r, "lon"), 100);
	CHECK_INT(site_answers(&outage_r, "nyc"), 150);
	CHECK_INT(outage_r.longest_loss_run, 50);
	/* the outage is the send times of the queries around the lost ones (query 100 lost first,
	 * 150 answered again): exact, whatever the machine's load did to those times */
	CHECK_INT(outage_r.outage_start_ns, outage_r.recs[100].sent_ns);
	CHECK_INT(outage_r.outage_end_ns, outage_r.recs[150].sent_ns);
	CHECK_INT(outage_r.nswitches, 1);
	if (outage_r.nswitches == 1) {
		CHECK_STR(outage_r.sites[outage_r.switches[0].from].name, "lon");
		CHECK_STR(outage_r.sites[outage_r.switches[0].to].name, "nyc");
		CHECK_INT(outage_r.switches[0].at_ns, outage_r.recs[150].sent_ns);
	}
	/* the absolute schedule: no query leaves before its slot (i x 5 ms), and the times only
	 * grow */
	unsigned long early = 0, backwards = 0;

	for (unsigned long i = 0; i < outage_r.sent; i++) {
		early += outage_r.recs[i].sent_ns < (int64_t)i * 5000000;
		backwards += i && outage_r.recs[i].sent_ns < outage_r.recs[i - 1].sent_ns;
	}
	CHECK_INT(early, 0);
	CHECK_INT(backwards, 0);
	/* the run ends after its last query left (1.495 s) and by its hard bound, count/rate +
	 * timeout = 2.5 s (plus headroom for a loaded machine) */
	CHECK(outage_r.elapsed_ns >= outage_r.recs[299].sent_ns);
	CHECK(outage_r.elapsed_ns / 1000000 <= 2500 + 500);
	CHECK(took >= outage_r.elapsed_ns / 1000000);
	CHECK(outage_r.rtt_min_us >= 0 && outage_r.rtt_min_us <= outage_r.rtt_median_us &&
	      outage_r.rtt_median_us <= outage_r.rtt_p90_us &&
	      outage_r.rtt_p90_us <= outage_r.rtt_max_us &&
	      outage_r.rtt_max_us < o.timeout_ms * 1000);
	/* each query on its slot: the send times follow an absolute schedule. A pacer that sleeps
	 * 5 ms after each send drifts by its own work on every query and has most of them 5 ms
	 * late by the end; stalls of a loaded machine (two cores shared with builds and other
	 * tests) make some late whatever the pacer, so the bound is half. */
	unsigned long late = 0;

	for (unsigned long i = 0; i < outage_r.sent; i++) {
		if (outage_r.recs[i].sent_ns - (int64_t)i * 5000000 >= 5000000)
			late++;
	}
	CHECK(late <= 150);
	outage_ok = rc == 0;
}

static void test_json(void)
{
	struct buf b;
	char path[] = "/tmp/test_probe_XXXXXX", cmd[512];

	if (!outage_ok)
		return;
	buf_init(&b);
	probe_result_json(&outage_r, &b);
	buf_put8(&b, 0);

	const char *j = (const char *)b.data;

	CHECK(strstr(j, "\"sent\":300,\"answered\":250,\"lost\":50,"));
	CHECK(strstr(j, "\"sites\":{\"lon\":100,\"nyc\":150}"));
	CHECK(strstr(j, "\"switches\":[{\"at_ms\":"));
	CHECK(strstr(j, ",\"from\":\"lon\",\"to\":\"nyc\"}]"));
	CHECK(strstr(j, "\"longest_loss_run\":50,"));
	CHECK(strstr(j, "\"timeline_stride\":1,\"timeline\":[["));

	int fd = mkstemp(path);

	CHECK(fd >= 0);
	if (fd < 0)
		goto out;
	CHECK((size_t)write(fd, j, b.len - 1) == b.len - 1);
	close(fd);
	if (system("command -v python3 >/dev/null 2>&1") == 0) {
		/* parsed back by a real JSON parser, and the numbers agree */
		snprintf(
			cmd, sizeof(cmd),
			"python3 -c 'import json,sys; d=json.load(open(sys.argv[1]));"
			" assert d[\"sent\"]==300 and d[\"lost\"]==50 and len(d[\"timeline\"])==300;"
			" assert sum(1 for t in d[\"timeline\"] if t[1] is None)==50;"
			" assert d[\"switches\"][0][\"to\"]==\"nyc\" and d[\"rtt_ms\"][\"p90\"]>0;"
			" assert 245<=d[\"outage_ms\"]<=255 and d[\"server\"].startswith(\"127.0.0.1:\")'"
			" %s",
			path);
		CHECK_INT(system(cmd), 0);
	}
	unlink(path);
out:
	buf_free(&b);
}

static void test_text(void)
{
	struct buf b;

	if (!outage_ok)
		return;
	buf_init(&b);
	probe_result_text(&outage_r, &b);
	buf_put8(&b, 0);
	CHECK(strstr((char *)b.data, "sent 300  answered 250  lost 50 (16.67%)"));
	CHECK(strstr((char *)b.data, "50 queries lost in a row"));
	CHECK(strstr((char *)b.data, ": lon -> nyc\n"));
	buf_free(&b);
}

/* Nothing listens: every query is lost, the run ends at count/rate + timeout. */
static void test_no_server(void)
{
	struct fake f;
	char server[32];
	struct probe_result r;

	fake_start(&f, 0, 1000000, "x", "x"); /* holds a port and drops everything */
	snprintf(server, sizeof(server), "127.0.0.1:%u", f.port);

	struct probe_opts o = { .server = server, .rate = 100, .count = 10, .timeout_ms = 50 };
	int64_t t0 = clk_now_ms();

	CHECK_INT(probe_dns_run(&o, &r), 0);
	int64_t took = clk_now_ms() - t0;

	fake_stop(&f);
	CHECK_INT(r.sent, 10);
	CHECK_INT(r.answered, 0);
	CHECK_INT(r.lost, 10);
	CHECK_INT(r.longest_loss_run, 10);
	CHECK_INT(r.rtt_median_us, -1);
	CHECK_INT(r.nsites, 0);
	/* the last query leaves at 90 ms and expires 50 ms later; the hard bound is count/rate +
	 * timeout = 150 ms (plus headroom for a loaded machine; waiting for the default 1 s
	 * timeout instead would be caught) */
	CHECK(r.elapsed_ns >= 140000000);
	CHECK(r.elapsed_ns <= 150000000 + 500000000);
	CHECK(took >= r.elapsed_ns / 1000000);
	probe_result_free(&r);
}

/* Sets *stop to 1 once the fake service has seen n queries: a condition, not a delay. */
struct stopper {
	struct fake *f;
	volatile sig_atomic_t *stop;
	unsigned n;
};

static void *stop_after(void *arg)
{
	struct stopper *s = arg;

	for (int i = 0; i < 10000 && atomic_load(&s->f->seen) < s->n; i++)
		clk_sleep_ms(1);
	*s->stop = 1;
	return NULL;
}

/* stop = 1: no more queries, the outstanding ones are waited for, nothing is counted lost. */
static void test_stop(void)
{
	struct fake f;
	char server[32];
	struct probe_result r;
	volatile sig_atomic_t stop = 0;
	pthread_t th;

	fake_start(&f, 1000000, 0, "lon", "nyc");
	snprintf(server, sizeof(server), "127.0.0.1:%u", f.port);

	struct probe_opts o = { .server = server, .rate = 100, .count = 1000, .stop = &stop };

	struct stopper sp = { &f, &stop, 20 };

	pthread_create(&th, NULL, stop_after, &sp);
	int64_t t0 = clk_now_ms();

	CHECK_INT(probe_dns_run(&o, &r), 0);
	int64_t took = clk_now_ms() - t0;

	pthread_join(th, NULL);
	fake_stop(&f);
	/* stopped after the 20th query was seen, long before the 1000th (10 s) */
	CHECK(r.sent >= 20 && r.sent < 1000);
	CHECK_INT(r.answered, r.sent);
	CHECK_INT(r.lost, 0);
	CHECK(took < 5000);
	probe_result_free(&r);

	stop = 2;
	CHECK_INT(probe_dns_run(&o, &r), 0);
	CHECK_INT(r.sent, 0);
	probe_result_free(&r);
}

/* A faster rate holds on its absolute schedule. */
static void test_rate(void)
{
	struct fake f;
	char server[32];
	struct probe_result r;

	fake_start(&f, 1000000, 0, "tyo", "tyo");
	snprintf(server, sizeof(server), "127.0.0.1:%u", f.port);

	struct probe_opts o = { .server = server, .rate = 5000, .count = 5000, .timeout_ms = 500 };

	CHECK_INT(probe_dns_run(&o, &r), 0);
	fake_stop(&f);
	CHECK_INT(r.sent, 5000);
	CHECK(r.answered > 0);
	CHECK_INT(r.answered + r.lost, 5000);
	/* the last query leaves at 0.9998 s, not before, and before the hard bound (count/rate +
	 * timeout = 1.5 s); the run ends by then (plus headroom for a loaded machine) */
	CHECK(r.recs[4999].sent_ns >= 999800000 && r.recs[4999].sent_ns <= 1500000000);
	CHECK(r.elapsed_ns >= r.recs[4999].sent_ns && r.elapsed_ns <= 1500000000 + 500000000);
	probe_result_free(&r);
}

static void test_bad_opts(void)
{
	struct probe_result r;
	struct probe_opts o = { .server = "127.0.0.1", .rate = 10, .count = 10 };

	o.server = "nowhere";
	CHECK_INT(probe_dns_run(&o, &r), -1);
	CHECK(strstr(r.err, "bad server"));
	probe_result_free(&r);
	o.server = "127.0.0.1";
	o.rate = 0;
	CHECK_INT(probe_dns_run(&o, &r), -1);
	probe_result_free(&r);
	o.rate = 10;
	o.count = PROBE_COUNT_MAX + 1;
	CHECK_INT(probe_dns_run(&o, &r), -1);
	probe_result_free(&r);
	o.count = 10;
	o.name = "a..b";
	CHECK_INT(probe_dns_run(&o, &r), -1);
	CHECK(strstr(r.err, "bad name"));
	probe_result_free(&r);

	/* the command: usage errors are 2, before anything is sent */
	char *a1[] = { "probe", "dns", "--rate", "10", "--count", "5", NULL };
	char *a2[] = {
		"probe", "dns", "--server", "127.0.0.1", "--rate", "0", "--count", "5", NULL
	};
	char *a3[] = { "probe", "dns", "--server=127.0.0.1", "--rate=100001", "--count=5", NULL };
	char *a4[] = { "probe", "http", NULL };
	char *a5[] = { "probe", "dns",     "--server", "127.0.0.1", "--rate",
		       "1",     "--count", "10000001", NULL };
	char *a6[] = { "probe", "dns",     "--server", "127.0.0.1", "--rate",
		       "1",     "--count", "1",        "--bogus",   NULL };
	char *a7[] = { "probe",   "dns", "--server",  "127.0.0.1", "--rate", "1",
		       "--count", "1",   "--timeout", "-5",        NULL };
	char *a8[] = { "probe", "dns", "--server", NULL };

	CHECK_INT(probe_main(6, a1), 2);
	CHECK_INT(probe_main(8, a2), 2);
	CHECK_INT(probe_main(5, a3), 2);
	CHECK_INT(probe_main(2, a4), 2);
	CHECK_INT(probe_main(8, a5), 2);
	CHECK_INT(probe_main(9, a6), 2);
	CHECK_INT(probe_main(10, a7), 2);
	CHECK_INT(probe_main(3, a8), 2);
}

/* The command itself, as the lab and a user run it. */
static void test_cli(void)
{
	struct fake f;
	char cmd[512];

	if (access("build/anycast", X_OK) != 0) {
		printf("skip test_cli: no build/anycast\n");
		return;
	}
	fake_start(&f, 5, 5, "lon", "nyc");
	snprintf(cmd, sizeof(cmd),
		 "build/anycast probe dns --server 127.0.0.1:%u --rate 100 --count 20 --timeout 100"
		 " --json >/tmp/test_probe_cli.json",
		 f.port);
	CHECK_INT(system(cmd), 0);
	fake_stop(&f);
	if (system("command -v python3 >/dev/null 2>&1") == 0)
		CHECK_INT(
			system("python3 -c 'import json; d=json.load(open(\"/tmp/test_probe_cli.json\"));"
			       " assert (d[\"sent\"],d[\"lost\"],d[\"longest_loss_run\"])==(20,5,5);"
			       " assert d[\"sites\"]=={\"lon\":5,\"nyc\":10}'"),
			0);
	unlink("/tmp/test_probe_cli.json");

	/* nothing answers: 1; a usage error: 2 */
	fake_start(&f, 0, 1000, "x", "x");
	snprintf(cmd, sizeof(cmd),
		 "build/anycast probe dns --server 127.0.0.1:%u --rate 100 --count 3 --timeout 50"
		 " >/dev/null 2>&1",
		 f.port);
	int st = system(cmd);

	fake_stop(&f);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1);
	st = system("build/anycast probe dns --server 127.0.0.1 --count 3 >/dev/null 2>&1");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}

/* Against the real responder, when it has been built. */
static void test_anycast_dns(void)
{
	const char *zone = "/tmp/test_probe_zone";
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sin);
	char listen_arg[32], server[32];

	if (access("build/anycast-dns", X_OK) != 0) {
		printf("skip test_anycast_dns: no build/anycast-dns\n");
		return;
	}
	FILE *zf = fopen(zone, "w");

	CHECK(zf != NULL);
	if (!zf)
		return;
	fputs("$ORIGIN probe.test.\n$TTL 300\n@ IN SOA ns hostmaster 1 7200 3600 1209600 300\n"
	      "  IN NS ns\nns IN A 192.0.2.53\n",
	      zf);
	fclose(zf);
	/* a port free now (the responder takes it a moment later) */
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	bind(s, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(s, (struct sockaddr *)&sin, &sl);
	close(s);
	snprintf(listen_arg, sizeof(listen_arg), "127.0.0.1:%u", ntohs(sin.sin_port));
	snprintf(server, sizeof(server), "127.0.0.1:%u", ntohs(sin.sin_port));

	pid_t pid = fork();

	if (pid == 0) {
		freopen("/dev/null", "w", stdout);
		freopen("/dev/null", "w", stderr);
		execl("build/anycast-dns", "anycast-dns", "--listen", listen_arg, "--zone", zone,
		      "--identity", "lab1", "-d", (char *)NULL);
		_exit(127);
	}
	CHECK(pid > 0);
	if (pid < 0)
		goto out;

	struct probe_result r;
	struct probe_opts ready = { .server = server, .rate = 1, .count = 1, .timeout_ms = 50 };
	int up = 0;

	for (int i = 0; i < 60 && !up; i++) {
		if (probe_dns_run(&ready, &r) == 0 && r.answered == 1)
			up = 1;
		probe_result_free(&r);
	}
	CHECK(up);
	if (up) {
		struct probe_opts o = {
			.server = server, .rate = 500, .count = 500, .timeout_ms = 200
		};

		CHECK_INT(probe_dns_run(&o, &r), 0);
		CHECK_INT(r.sent, 500);
		CHECK_INT(r.answered, 500);
		CHECK_INT(site_answers(&r, "lab1"), 500);
		CHECK_INT(r.nswitches, 0);
		probe_result_free(&r);
		/* hostname.bind is the same identity */
		o.name = "HOSTNAME.BIND";
		o.count = 10;
		CHECK_INT(probe_dns_run(&o, &r), 0);
		CHECK_INT(site_answers(&r, "lab1"), 10);
		probe_result_free(&r);
	}
	kill(pid, SIGTERM);
	for (int i = 0; i < 100 && waitpid(pid, NULL, WNOHANG) == 0; i++)
		clk_sleep_ms(20);
	if (waitpid(pid, NULL, WNOHANG) == 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
out:
	unlink(zone);
}

/* ---- probe tcp ---- */

struct frames_seen {
	size_t n, lens[8];
};

static void frame_msg(void *arg, const uint8_t *p, size_t n)
{
	struct frames_seen *s = arg;

	(void)p;
	if (s->n < 8)
		s->lens[s->n] = n;
	s->n++;
}

/* Whole messages only, a zero-length one included; a partial length or body is left. */
static void test_tcp_frames(void)
{
	static const uint8_t two[] = { 0, 2, 'a', 'b', 0, 0, 0, 5, 'a', 'b' };
	struct frames_seen s = { 0 };

	CHECK_INT(probe_tcp_frames(two, sizeof(two), frame_msg, &s), 6);
	CHECK_INT(s.n, 2);
	CHECK_INT(s.lens[0], 2);
	CHECK_INT(s.lens[1], 0);
	memset(&s, 0, sizeof(s));
	CHECK_INT(probe_tcp_frames(two, 1, frame_msg, &s), 0);
	CHECK_INT(s.n, 0);
	CHECK_INT(probe_tcp_frames(two, 3, frame_msg, &s), 0);
	CHECK_INT(probe_tcp_frames(two, 4, frame_msg, &s), 4);
	CHECK_INT(s.n, 1);
}

/* Nothing listens: every connect is refused and never counted a reset (no connection was ever
 * established), every query lost; bad options refuse to start. */
static void test_tcp_refused(void)
{
	struct probe_tcp_opts o = {
		.server = "127.0.0.1:9",
		.connections = 2,
		.rate = 100,
		.count = 10,
		.timeout_ms = 100,
	};
	struct probe_tcp_result r;

	CHECK_INT(probe_tcp_run(&o, &r), 0);
	CHECK_INT(r.sent, 10);
	CHECK_INT(r.lost, 10);
	CHECK_INT(r.answered, 0);
	CHECK_INT(r.opened, 0);
	CHECK_INT(r.reset, 0);
	CHECK(r.connect_failed >= 2);
	probe_tcp_free(&r);
	o.connections = 0;
	CHECK_INT(probe_tcp_run(&o, &r), -1);
	CHECK(strstr(r.err, "connections") != NULL);
	probe_tcp_free(&r);
}

int main(void)
{
	RUN(test_server_parse);
	RUN(test_summarize);
	RUN(test_outage);
	RUN(test_json);
	RUN(test_text);
	RUN(test_no_server);
	RUN(test_stop);
	RUN(test_rate);
	RUN(test_bad_opts);
	RUN(test_cli);
	RUN(test_anycast_dns);
	RUN(test_tcp_frames);
	RUN(test_tcp_refused);
	probe_result_free(&outage_r);
	return t_done();
}
