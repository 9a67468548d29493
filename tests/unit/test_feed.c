/* anycast feed: the generator's promises (deterministic, unique prefixes, the length mix, the
 * share of attribute sets, path lengths) and the speaker end to end over loopback against a
 * tiny BGP listener in this process, the feed running in a child. */
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgp/update.h"
#include "feed/feed.h"
#include "t.h"

#define LAS 65001u
#define RAS 65002u

static int pfx_sort(const void *a, const void *b) { return prefix_cmp(a, b); }

/* Every prefix of a generator, in order. */
static struct prefix *all_prefixes(const struct feed_gen *g)
{
	struct prefix *p = calloc(g->n, sizeof(*p));

	for (uint64_t r = 0; r < g->n; r++)
		feed_gen_prefix(g, r, &p[r]);
	return p;
}

static size_t count_dups(struct prefix *p, size_t n)
{
	size_t d = 0;

	qsort(p, n, sizeof(*p), pfx_sort);
	for (size_t i = 1; i < n; i++)
		d += prefix_eq(&p[i - 1], &p[i]);
	return d;
}

static void test_mix_tables(void)
{
	for (int k = 0; k < 2; k++) {
		size_t n;
		const struct feed_mix *m = feed_gen_mix(k ? AF_INET6 : AF_INET, &n);
		uint32_t sum = 0;

		for (size_t i = 0; i < n; i++)
			sum += m[i].share;
		CHECK_INT(sum, 100000);
	}
}

static void test_bad_sizes(void)
{
	struct feed_gen g;

	CHECK_INT(feed_gen_init(&g, AF_INET, 0, 1, LAS, RAS), -1);
	CHECK_INT(feed_gen_init(&g, AF_INET, FEED_MAX_ROUTES + 1, 1, LAS, RAS), -1);
	CHECK_INT(feed_gen_init(&g, AF_UNIX, 10, 1, LAS, RAS), -1);
	CHECK_INT(feed_gen_init(&g, AF_INET, 1, 1, LAS, RAS), 0);
}

/* A digest of the whole table as the wire would carry it. */
static uint64_t table_digest(uint64_t n, uint64_t seed)
{
	struct feed_gen g;
	struct bgp_attrs a;
	struct prefix p[FEED_GROUP_MAX];
	struct bgp_codec_ctx ctx = {
		.as4 = 1, .ebgp = 1, .mp_ipv4 = 1, .local_as = LAS, .peer_as = RAS
	};
	struct buf b;
	uint64_t h = 1469598103934665603ull;
	size_t k;

	feed_gen_init(&g, AF_INET, n, seed, LAS, RAS);
	bgp_attrs_init(&a);
	buf_init(&b);
	while ((k = feed_gen_next(&g, &a, p)) > 0) {
		a.nexthop.af = AF_INET;
		for (size_t i = 0; i < k;)
			i += bgp_update_encode(&b, &a, p + i, k - i, &ctx);
		for (size_t i = 0; i < b.len; i++)
			h = (h ^ b.data[i]) * 1099511628211ull;
		buf_reset(&b);
	}
	bgp_attrs_clear(&a);
	buf_free(&b);
	return h;
}

static void test_deterministic(void)
{
	CHECK(table_digest(20000, 7) == table_digest(20000, 7));
	CHECK(table_digest(20000, 7) != table_digest(20000, 8));
	CHECK(table_digest(20000, 7) != table_digest(20001, 7));
}

static const char *const banned4[] = {
	"0.0.0.0/8",       "10.0.0.0/8",     "100.64.0.0/10", "127.0.0.0/8",    "169.254.0.0/16",
	"172.16.0.0/12",   "192.0.0.0/24",   "192.0.2.0/24",  "192.168.0.0/16", "198.18.0.0/15",
	"198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/3",
};

static void test_unique_v4(void)
{
	struct feed_gen g;
	const uint64_t n = 300000;
	struct prefix *p, ban[sizeof(banned4) / sizeof(banned4[0])];
	size_t bad_host = 0, bad_range = 0, nban = sizeof(banned4) / sizeof(banned4[0]);

	for (size_t i = 0; i < nban; i++)
		CHECK_INT(prefix_parse(banned4[i], &ban[i]), 0);
	CHECK_INT(feed_gen_init(&g, AF_INET, n, 42, LAS, RAS), 0);
	p = all_prefixes(&g);
	for (uint64_t r = 0; r < n; r++) {
		struct prefix c = p[r];

		prefix_normalize(&c);
		bad_host += !prefix_eq(&c, &p[r]) || p[r].addr.af != AF_INET;
		for (size_t i = 0; i < nban; i++)
			bad_range += prefix_contains(&ban[i], &p[r]) ||
				     prefix_contains(&p[r], &ban[i]);
	}
	CHECK_INT(bad_host, 0);
	CHECK_INT(bad_range, 0);
	CHECK_INT(count_dups(p, n), 0);
	free(p);
}

static void test_length_mix(void)
{
	const uint64_t n = 100000;
	uint64_t cnt[33] = { 0 };
	struct feed_gen g;
	size_t nm;
	const struct feed_mix *m = feed_gen_mix(AF_INET, &nm);
	struct prefix *p;

	feed_gen_init(&g, AF_INET, n, 3, LAS, RAS);
	p = all_prefixes(&g);
	for (uint64_t r = 0; r < n; r++)
		cnt[p[r].len]++;
	for (size_t i = 0; i < nm; i++) {
		uint64_t want = n * m[i].share / 100000;

		/* exact by construction; the remainder adds at most one per length */
		CHECK(cnt[m[i].len] >= want && cnt[m[i].len] <= want + 1);
		cnt[m[i].len] = 0;
	}
	for (int l = 0; l <= 32; l++)
		CHECK_INT(cnt[l], 0);
	/* the shape itself, against the published table's */
	memset(cnt, 0, sizeof(cnt));
	for (uint64_t r = 0; r < n; r++)
		cnt[p[r].len]++;
	CHECK(cnt[24] > n * 58 / 100 && cnt[24] < n * 64 / 100);
	CHECK(cnt[23] > n * 9 / 100 && cnt[23] < n * 13 / 100);
	CHECK(cnt[22] > n * 10 / 100 && cnt[22] < n * 14 / 100);
	CHECK(cnt[25] + cnt[26] + cnt[27] + cnt[28] < n / 100);
	free(p);
	/* lengths stay mixed along the route order, not in blocks */
	feed_gen_init(&g, AF_INET, 1000000, 3, LAS, RAS);
	memset(cnt, 0, sizeof(cnt));
	for (uint64_t r = 0; r < 10000; r++) {
		struct prefix q;

		feed_gen_prefix(&g, r, &q);
		cnt[q.len]++;
	}
	CHECK(cnt[24] > 5500 && cnt[24] < 6700);
	CHECK(cnt[22] > 900 && cnt[23] > 800);
}

/* A path's ASNs (one AS_SEQUENCE). */
static size_t path_of(const struct bgp_attrs *a, uint32_t *out)
{
	return bgp_aspath_list(a, out, 16);
}

static void check_sets(uint32_t las, uint32_t ras, uint64_t n)
{
	struct feed_gen g;
	struct bgp_attrs a;
	struct prefix p[FEED_GROUP_MAX];
	uint64_t sets = 0, routes = 0, with_comm = 0, lens[9] = { 0 };
	size_t k, bad_len = 0, bad_first = 0, bad_remote = 0, big = 0;
	const struct bgp_attrs **held = calloc(n, sizeof(*held));
	size_t before = bgp_attrs_interned_count();

	feed_gen_init(&g, AF_INET, n, 11, las, ras);
	bgp_attrs_init(&a);
	while ((k = feed_gen_next(&g, &a, p)) > 0) {
		uint32_t path[16];
		size_t pl = path_of(&a, path);

		routes += k;
		big += k > FEED_GROUP_MAX;
		bad_len += pl < 1 || pl > 8;
		if (pl >= 1 && pl <= 8)
			lens[pl]++;
		if (las != ras)
			bad_first += path[0] != las;
		for (size_t i = 0; i < pl; i++)
			bad_remote += path[i] == ras || (las == ras && path[i] == las);
		with_comm += a.ncomms > 0 || a.nlcomms > 0;
		if (las > 0xffff)
			CHECK_INT(a.ncomms, 0);
		held[sets++] = bgp_attrs_intern(&a);
	}
	CHECK_INT(routes, n);
	CHECK_INT(big, 0);
	CHECK_INT(bad_len, 0);
	CHECK_INT(bad_first, 0);
	CHECK_INT(bad_remote, 0);
	/* about one set per 12 routes, and every one distinct (interning merges equal sets) */
	CHECK(sets > n / 14 && sets < n / 10);
	CHECK_INT(bgp_attrs_interned_count() - before, sets);
	CHECK(with_comm > sets * 30 / 100 && with_comm < sets * 40 / 100);
	for (int l = 1; l <= 8; l++)
		CHECK(lens[l] > 0);
	CHECK(lens[3] + lens[4] > sets / 2);
	for (uint64_t i = 0; i < sets; i++)
		bgp_attrs_unref(held[i]);
	free(held);
	bgp_attrs_clear(&a);
}

static void test_attr_sets(void)
{
	check_sets(LAS, RAS, 100000);
	check_sets(4200000001u, RAS, 20000); /* large communities */
	check_sets(LAS, LAS, 20000);         /* iBGP: neither end's AS in the paths */
}

static void test_unique_v6(void)
{
	struct feed_gen g;
	const uint64_t n = 200000;
	struct prefix *p, doc;
	size_t bad = 0;

	prefix_parse("2001:db8::/32", &doc);
	CHECK_INT(feed_gen_init(&g, AF_INET6, n, 5, LAS, RAS), 0);
	p = all_prefixes(&g);
	for (uint64_t r = 0; r < n; r++) {
		struct prefix c = p[r];

		prefix_normalize(&c);
		bad += !prefix_eq(&c, &p[r]) || !prefix_contains(&doc, &p[r]) || p[r].len < 33 ||
		       p[r].len > 64;
	}
	CHECK_INT(bad, 0);
	CHECK_INT(count_dups(p, n), 0);
	free(p);
}

/* ---- end to end: a minimal peer ---- */

/* Does the file hold this text? */
static int file_has(const char *path, const char *text)
{
	char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = 0;
	return strstr(buf, text) != NULL;
}

struct tpeer {
	int lfd, fd;
	uint16_t port;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;
	uint8_t type;
};

static int tpeer_listen(struct tpeer *t, int af)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	struct addr a;
	uint16_t port;

	addr_parse(af == AF_INET ? "127.0.0.1" : "::1", &a);
	t->lfd = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);
	t->fd = -1;
	sl = addr_to_sa(&a, 0, &ss);
	if (t->lfd < 0 || bind(t->lfd, (struct sockaddr *)&ss, sl) < 0 || listen(t->lfd, 1) < 0)
		return -1;
	sl = sizeof(ss);
	getsockname(t->lfd, (struct sockaddr *)&ss, &sl);
	addr_from_sa((struct sockaddr *)&ss, &a, &port);
	t->port = port;
	return 0;
}

/* A small receive buffer makes the feed meet a slow peer: EAGAIN, partial sends. */
static int tpeer_accept(struct tpeer *t, int rcvbuf)
{
	struct timeval tv = { .tv_sec = 15 };

	setsockopt(t->lfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (rcvbuf)
		setsockopt(t->lfd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	t->fd = accept(t->lfd, NULL, NULL);
	if (t->fd < 0)
		return -1;
	setsockopt(t->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return 0;
}

/* 1 with a message in t->msg, 0 at EOF, -1 on error or timeout. */
static int tpeer_read(struct tpeer *t)
{
	struct bgp_err e;
	ssize_t n = recv(t->fd, t->msg, BGP_HDR_LEN, MSG_WAITALL);

	if (n == 0)
		return 0;
	if (n != BGP_HDR_LEN || bgp_hdr_check(t->msg, BGP_HDR_LEN, &t->len, &t->type, &e) != 1)
		return -1;
	if (t->len > BGP_HDR_LEN && recv(t->fd, t->msg + BGP_HDR_LEN, t->len - BGP_HDR_LEN,
					 MSG_WAITALL) != (ssize_t)(t->len - BGP_HDR_LEN))
		return -1;
	return 1;
}

static void tpeer_send(struct tpeer *t, struct buf *b)
{
	CHECK(send(t->fd, b->data, b->len, MSG_NOSIGNAL) == (ssize_t)b->len);
	buf_reset(b);
}

static void tpeer_close(struct tpeer *t)
{
	if (t->fd >= 0)
		close(t->fd);
	close(t->lfd);
}

/* Sends our OPEN (as asn, 4-octet capable or not) after reading the feed's. */
static void tpeer_open(struct tpeer *t, uint32_t asn, uint16_t hold, int as4, int af,
		       struct bgp_open *theirs)
{
	struct bgp_caps caps = { .as4 = (uint8_t)as4,
				 .as4_asn = asn,
				 .mp_any = 1,
				 .mp_ipv4 = af == AF_INET,
				 .mp_ipv6 = af == AF_INET6 };
	struct bgp_err e;
	struct buf b;

	CHECK_INT(tpeer_read(t), 1);
	CHECK_INT(t->type, BGP_OPEN);
	CHECK_INT(bgp_open_decode(t->msg + BGP_HDR_LEN, t->len - BGP_HDR_LEN, theirs, &e), 0);
	buf_init(&b);
	bgp_open_encode(&b, asn, hold, 0x7f0000feu, &caps);
	tpeer_send(t, &b);
	buf_free(&b);
}

/* When >= 0, the next feed writes its progress lines here (its stderr), for the test to read. */
static int feed_log_fd = -1;

static pid_t run_feed(const struct tpeer *t, int af, uint32_t las, uint64_t routes, int exit_after)
{
	struct feed_opts o = { .port = t->port,
			       .local_as = las,
			       .remote_as = RAS,
			       .routes = routes,
			       .seed = 9,
			       .hold_time = 90,
			       .exit_after = exit_after,
			       .quiet = !getenv("FEED_VERBOSE") };
	pid_t pid;

	addr_parse(af == AF_INET ? "127.0.0.1" : "::1", &o.peer);
	fflush(NULL);
	if (feed_log_fd >= 0)
		o.quiet = 0;
	pid = fork();
	if (pid == 0) {
		if (feed_log_fd >= 0)
			dup2(feed_log_fd, 2);
		_exit(feed_run(&o, NULL));
	}
	return pid;
}

static int reap(pid_t pid)
{
	int st = 0;

	for (int i = 0; i < 100; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		usleep(100000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

/* A whole session against the test peer: every UPDATE decoded, the prefixes exactly the
 * generator's, one End-of-RIB, then Cease (after End-of-RIB, or on SIGTERM) and exit 0. */
static void e2e(int af, uint32_t las, int as4, uint64_t n, int by_signal)
{
	struct tpeer t;
	struct bgp_open op;
	struct bgp_codec_ctx ctx = { .as4 = (uint8_t)as4,
				     .ebgp = 1,
				     .mp_ipv4 = 1,
				     .mp_ipv6 = 1,
				     .local_as = RAS,
				     .peer_as = las };
	struct prefix *got = calloc(n + 1, sizeof(*got));
	struct feed_gen g;
	struct buf b;
	struct addr lo;
	size_t ngot = 0, eor = 0, bad = 0, after_eor = 0, bad_first = 0;
	int r, cease = 0;
	pid_t pid;

	buf_init(&b);
	addr_parse(af == AF_INET ? "127.0.0.1" : "::1", &lo);
	if (tpeer_listen(&t, af) < 0) {
		T_SKIP(af == AF_INET ? "e2e: no IPv4 loopback (127.0.0.1) to listen on"
				     : "e2e: no IPv6 loopback (::1) to listen on");
		if (t.lfd >= 0)
			close(t.lfd);
		free(got);
		buf_free(&b);
		return;
	}
	/* With a signal, the feed must have finished (End-of-RIB acknowledged: its send queue
	 * empty) before SIGTERM, or it reports an interrupted run; it says so in its log. */
	char logpath[] = "/tmp/test_feed.XXXXXX";

	feed_log_fd = by_signal ? mkstemp(logpath) : -1;
	pid = run_feed(&t, af, las, n, by_signal ? -1 : 0);
	CHECK_INT(tpeer_accept(&t, 8192), 0);
	tpeer_open(&t, RAS, 90, as4, af, &op);
	CHECK_INT(op.asn, las);
	CHECK_INT(op.hold_time, 90);
	CHECK(af == AF_INET ? op.caps.mp_ipv4 && !op.caps.mp_ipv6 : op.caps.mp_ipv6);
	bgp_keepalive_encode(&b);
	tpeer_send(&t, &b);
	while ((r = tpeer_read(&t)) == 1) {
		const uint8_t *body = t.msg + BGP_HDR_LEN;
		size_t blen = t.len - BGP_HDR_LEN;

		if (t.type == BGP_NOTIFICATION) {
			struct bgp_notification nt;

			CHECK_INT(bgp_notification_decode(body, blen, &nt), 0);
			CHECK_INT(nt.code, BGP_ERR_CEASE);
			CHECK_INT(nt.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
			cease = 1;
			break;
		}
		if (t.type != BGP_UPDATE)
			continue;
		struct bgp_update u;
		struct bgp_err e;

		memset(&u, 0, sizeof(u));
		CHECK_INT(bgp_update_decode(body, blen, &ctx, &u, &e), 0);
		bad += u.treat_as_withdraw || u.n_withdrawn;
		if (u.eor) {
			eor++;
			CHECK_INT(u.eor_afi, af == AF_INET ? BGP_AFI_IPV4 : BGP_AFI_IPV6);
			if (by_signal) {
				T_WAIT(file_has(logpath, "End-of-RIB acknowledged"), usleep(2000));
				CHECK(file_has(logpath, "End-of-RIB acknowledged"));
				kill(pid, SIGTERM);
			}
		}
		after_eor += eor && u.n_announced;
		for (size_t i = 0; i < u.n_announced && ngot < n + 1; i++)
			got[ngot++] = u.announced[i];
		if (u.n_announced) {
			const struct addr *nh = af == AF_INET ? &u.attrs.nexthop : &u.mp_nexthop;

			bad += !addr_eq(nh, &lo);
			bad_first += bgp_aspath_first_as(&u.attrs) != las;
		}
		bgp_update_free(&u);
	}
	CHECK_INT(r, 1);
	CHECK(cease);
	CHECK_INT(tpeer_read(&t), 0); /* then the feed closes */
	CHECK_INT(bad, 0);
	CHECK_INT(bad_first, 0);
	CHECK_INT(eor, 1);
	CHECK_INT(after_eor, 0);
	CHECK_INT(ngot, n);
	CHECK_INT(count_dups(got, ngot), 0);
	/* exactly the generator's table */
	feed_gen_init(&g, af, n, 9, las, RAS);
	struct prefix *want = all_prefixes(&g);

	qsort(want, n, sizeof(*want), pfx_sort);
	CHECK(ngot == n && memcmp(want, got, n * sizeof(*got)) == 0);
	free(want);
	tpeer_close(&t); /* as a router does after a NOTIFICATION: the feed need not wait */
	CHECK_INT(reap(pid), 0);
	if (feed_log_fd >= 0) {
		close(feed_log_fd);
		unlink(logpath);
		feed_log_fd = -1;
	}
	buf_free(&b);
	free(got);
}

static void test_e2e_v4(void) { e2e(AF_INET, LAS, 1, 50000, 0); }
static void test_e2e_v6(void) { e2e(AF_INET6, LAS, 1, 5000, 0); }
static void test_e2e_as2_peer(void) { e2e(AF_INET, 4200000001u, 0, 3000, 0); }
static void test_e2e_signal(void) { e2e(AF_INET, LAS, 1, 2000, 1); }

/* The peer's NOTIFICATION ends the feed with 1; a wrong peer AS gets OPEN/Bad Peer AS. */
static void test_e2e_errors(void)
{
	struct tpeer t;
	struct bgp_open op;
	struct buf b;
	pid_t pid;

	buf_init(&b);
	CHECK_INT(tpeer_listen(&t, AF_INET), 0);
	pid = run_feed(&t, AF_INET, LAS, 1000, 0);
	CHECK_INT(tpeer_accept(&t, 0), 0);
	tpeer_open(&t, RAS, 90, 1, AF_INET, &op);
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance");
	tpeer_send(&t, &b);
	tpeer_close(&t);
	CHECK_INT(reap(pid), 1);

	CHECK_INT(tpeer_listen(&t, AF_INET), 0);
	pid = run_feed(&t, AF_INET, LAS, 1000, 0);
	CHECK_INT(tpeer_accept(&t, 0), 0);
	tpeer_open(&t, 64999, 90, 1, AF_INET, &op);
	int r, got = 0;

	while ((r = tpeer_read(&t)) == 1)
		if (t.type == BGP_NOTIFICATION) {
			CHECK_INT(t.msg[BGP_HDR_LEN], BGP_ERR_OPEN);
			CHECK_INT(t.msg[BGP_HDR_LEN + 1], BGP_ERR_OPEN_PEER_AS);
			got = 1;
		}
	CHECK(got);
	tpeer_close(&t);
	CHECK_INT(reap(pid), 1);
	buf_free(&b);
}

/* A peer that goes silent is dropped when the negotiated hold time runs out. */
static void test_e2e_hold(void)
{
	struct tpeer t;
	struct bgp_open op;
	struct buf b;
	pid_t pid;
	int r, got = 0;

	buf_init(&b);
	CHECK_INT(tpeer_listen(&t, AF_INET), 0);
	pid = run_feed(&t, AF_INET, LAS, 100, -1);
	CHECK_INT(tpeer_accept(&t, 0), 0);
	tpeer_open(&t, RAS, 3, 1, AF_INET, &op);
	bgp_keepalive_encode(&b);
	tpeer_send(&t, &b);
	while ((r = tpeer_read(&t)) == 1)
		if (t.type == BGP_NOTIFICATION) {
			CHECK_INT(t.msg[BGP_HDR_LEN], BGP_ERR_HOLD);
			got = 1;
		}
	CHECK(got);
	tpeer_close(&t);
	CHECK_INT(reap(pid), 1);
	buf_free(&b);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	RUN(test_mix_tables);
	RUN(test_bad_sizes);
	RUN(test_deterministic);
	RUN(test_unique_v4);
	RUN(test_length_mix);
	RUN(test_attr_sets);
	RUN(test_unique_v6);
	RUN(test_e2e_v4);
	RUN(test_e2e_v6);
	RUN(test_e2e_as2_peer);
	RUN(test_e2e_signal);
	RUN(test_e2e_errors);
	RUN(test_e2e_hold);
	return t_done();
}
