/* The speaker with its layers wired: sessions over loopback TCP with a fake clock, what they
 * receive going through the Adj-RIB-In into the RIB, what the RIB holds going out through the
 * Adj-RIB-Out, and the listener routing connections to neighbours. The test is the neighbour,
 * speaking raw BGP through the codec. The FSM alone is test_session.c. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/resource.h>

#include "bgp/capa.h"
#include "bgp/sendq.h"
#include "bgp/speaker.h"
#include "bgp/update.h"
#include "lib/log.h"
#include "t.h"
#include "t_bgp.h"

struct fix {
	struct tnb t;
	struct bgp_speaker *sp;
};

static const struct bgp_codec_ctx test_ctx = {
	.as4 = 1, .ebgp = 1, .mp_ipv4 = 1, .local_as = REMOTE_AS, .peer_as = LOCAL_AS
};

static void fix_init_with(struct fix *f, struct conf_neighbor nc)
{
	f->t.loop = ev_loop_new();
	ev_set_fake_clock(f->t.loop, 1000000);
	f->t.lfd = t_listen_any(&f->t.port);
	f->t.fd = -1;
	f->sp = bgp_speaker_new(f->t.loop, LOCAL_AS, LOCAL_ID);
	f->sp->port = f->t.port;
	f->t.peer = bgp_speaker_add_peer(f->sp, &nc);
}

static void fix_init(struct fix *f, int passive) { fix_init_with(f, t_neighbor(passive)); }

static void fix_free(struct fix *f)
{
	bgp_speaker_free(f->sp, NULL);
	if (f->t.fd >= 0)
		close(f->t.fd);
	close(f->t.lfd);
	ev_loop_free(f->t.loop);
}

/* The speaker listens on a port of its own on 127.0.0.1. */
static void speaker_listen(struct fix *f)
{
	struct addr la;
	char err[200];
	int probe = t_listen_any(&f->sp->port);

	close(probe);
	addr_parse("127.0.0.1", &la);
	CHECK_INT(bgp_speaker_listen(f->sp, &la, NULL, 1, err, sizeof(err)), 0);
}

/* Sends an UPDATE announcing pfx with AS path (REMOTE_AS[, extra]). */
static void send_route(struct fix *f, const char *pfx, uint32_t extra)
{
	struct buf b;
	struct bgp_attrs a;
	struct prefix px;

	buf_init(&b);
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_NEXT_HOP;
	addr_parse("127.0.0.1", &a.nexthop);
	if (extra)
		bgp_attrs_prepend(&a, extra, 1);
	bgp_attrs_prepend(&a, REMOTE_AS, 1);
	prefix_parse(pfx, &px);
	CHECK_INT(bgp_update_encode(&b, &a, &px, 1, &test_ctx), 1);
	t_send_buf(&f->t, &b);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

static void test_announce_and_withdraw(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;
	struct bgp_attrs a;
	struct prefix pfx;
	struct bgp_update u;
	struct bgp_err e;

	fix_init(&f, 0);
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_MED;
	a.med = 10;
	bgp_attrs_add_comm(&a, 65001u << 16 | 100);
	const struct bgp_attrs *ia = bgp_attrs_intern(&a);

	prefix_parse("192.0.2.0/24", &pfx);
	bgp_speaker_originate(f.sp, &pfx, ia);
	t_establish(&f.t);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &test_ctx, &u, &e), 0);
	CHECK_INT(u.n_announced, 1);
	CHECK(u.n_announced == 1 && prefix_eq(&u.announced[0], &pfx));
	/* eBGP: our AS in front, next hop self, MED and communities kept. */
	CHECK_INT(bgp_aspath_first_as(&u.attrs), LOCAL_AS);
	CHECK_INT(bgp_aspath_length(&u.attrs), 1);
	struct in_addr nh;

	memcpy(&nh, u.attrs.nexthop.a, sizeof(nh)); /* the address bytes need not be aligned */
	CHECK_STR(inet_ntoa(nh), "127.0.0.1");
	CHECK_INT(u.attrs.med, 10);
	CHECK_INT(u.attrs.ncomms, 1);
	bgp_update_free(&u);
	/* End-of-RIB follows the initial table. */
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK_INT(len, BGP_HDR_LEN + 4);
	CHECK_INT(f.t.peer->adj_out.count, 1);
	/* ROUTE-REFRESH: the Adj-RIB-Out goes out again, without another End-of-RIB. */
	struct buf b;

	buf_init(&b);
	bgp_refresh_encode(&b, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	t_send_buf(&f.t, &b);
	buf_free(&b);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &test_ctx, &u, &e), 0);
	CHECK(u.n_announced == 1 && prefix_eq(&u.announced[0], &pfx));
	bgp_update_free(&u);
	bgp_speaker_withdraw(f.sp, &pfx);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &test_ctx, &u, &e), 0);
	CHECK_INT(u.n_withdrawn, 1);
	bgp_update_free(&u);
	CHECK_INT(f.t.peer->adj_out.count, 0);
	CHECK_INT(f.t.peer->updates_out, 3);
	bgp_attrs_unref(ia);
	bgp_attrs_clear(&a);
	fix_free(&f);
}

/* A route whose attributes cannot fit in 4096 octets (1100 communities) replaces one the
 * neighbour has: it is withdrawn there rather than left stale, counted, and not kept in the
 * Adj-RIB-Out as if it had been sent. */
static void test_unencodable_withdrawn(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;
	struct bgp_attrs a;
	struct prefix pfx;
	struct bgp_update u;
	struct bgp_err e;

	fix_init(&f, 0);
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH;
	const struct bgp_attrs *small = bgp_attrs_intern(&a);

	prefix_parse("192.0.2.0/24", &pfx);
	bgp_speaker_originate(f.sp, &pfx, small);
	t_establish(&f.t);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &test_ctx, &u, &e), 0);
	CHECK_INT(u.n_announced, 1);
	bgp_update_free(&u);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE); /* End-of-RIB */
	for (uint32_t i = 0; i < 1100; i++)
		bgp_attrs_add_comm(&a, 65001u << 16 | i);
	const struct bgp_attrs *huge = bgp_attrs_intern(&a);

	bgp_speaker_originate(f.sp, &pfx, huge);
	bgp_speaker_flush_now(f.sp);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &test_ctx, &u, &e), 0);
	CHECK_INT(u.n_announced, 0);
	CHECK(u.n_withdrawn == 1 && prefix_eq(&u.withdrawn[0], &pfx));
	bgp_update_free(&u);
	CHECK_INT(f.t.peer->unencodable, 1);
	CHECK_INT(f.t.peer->adj_out.count, 0);
	/* Back to a small set: announced again. */
	bgp_speaker_originate(f.sp, &pfx, small);
	bgp_speaker_flush_now(f.sp);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &test_ctx, &u, &e), 0);
	CHECK_INT(u.n_announced, 1);
	bgp_update_free(&u);
	CHECK_INT(f.t.peer->adj_out.count, 1);
	bgp_attrs_unref(small);
	bgp_attrs_unref(huge);
	bgp_attrs_clear(&a);
	fix_free(&f);
}

static void test_receive_routes(void)
{
	struct fix f;
	struct prefix pfx, loop;

	fix_init(&f, 0);
	t_establish(&f.t);
	prefix_parse("203.0.113.0/24", &pfx);
	send_route(&f, "203.0.113.0/24", 0);
	SPIN(&f.t, rib_lookup(&f.sp->rib, &pfx) != NULL);
	struct rib_node *n = rib_lookup(&f.sp->rib, &pfx);

	CHECK(n && n->paths && n->paths->best && n->paths->src == f.t.peer);
	/* A path with our own AS in it is kept but never selected. */
	prefix_parse("198.51.100.0/24", &loop);
	send_route(&f, "198.51.100.0/24", LOCAL_AS);
	SPIN(&f.t, rib_lookup(&f.sp->rib, &loop) != NULL);
	n = rib_lookup(&f.sp->rib, &loop);
	CHECK(n && n->paths && !n->paths->best && (n->paths->flags & RIB_PATH_REJECTED));
	CHECK_INT(f.t.peer->n_paths, 2);
	CHECK_INT(f.t.peer->n_accepted, 1);
	/* The same prefix again replaces the path: still one from this neighbour. */
	send_route(&f, "203.0.113.0/24", 64999);
	SPIN(&f.t, f.t.peer->updates_in == 3);
	n = rib_lookup(&f.sp->rib, &pfx);
	CHECK(n && n->paths && !n->paths->next && bgp_aspath_length(n->paths->attrs) == 2);
	CHECK_INT(f.t.peer->n_paths, 2);
	/* The session going down takes its routes away (in steps, from the next iteration). */
	close(f.t.fd);
	f.t.fd = -1;
	SPIN(&f.t, f.t.peer->state == BGP_IDLE);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	SPIN(&f.t, f.t.peer->n_paths == 0);
	CHECK(rib_lookup(&f.sp->rib, &pfx) == NULL);
	CHECK_INT(f.sp->rib.count, 0);
	CHECK_INT(f.t.peer->n_paths, 0);
	fix_free(&f);
}

/* RFC 4486: one prefix more than max-prefix ends the session with Cease/1, and its routes go. */
static void test_max_prefix(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(0);

	nc.max_prefix = 1;
	fix_init_with(&f, nc);
	t_establish(&f.t);
	send_route(&f, "203.0.113.0/24", 0);
	send_route(&f, "198.51.100.0/24", 0);
	t_expect_notification(&f.t, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK_INT(f.sp->rib.count, 0);
	fix_free(&f);
}

static void test_unknown_peer_refused(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;

	fix_init(&f, 1);
	speaker_listen(&f);
	/* Connect from an address nobody configured. */
	f.t.fd = t_connect(f.sp->port, 2);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_NOTIFICATION);
	CHECK_INT(msg[19], BGP_ERR_CEASE);
	CHECK_INT(msg[20], BGP_CEASE_CONN_REJECTED);
	/* The configured neighbour, passive, is untouched. */
	CHECK_INT(f.t.peer->state, BGP_ACTIVE);
	fix_free(&f);
}

/* The listener hands a configured neighbour's connection to its session. */
static void test_passive_accepts(void)
{
	struct fix f;

	fix_init(&f, 1);
	speaker_listen(&f);
	CHECK_INT(f.t.peer->state, BGP_ACTIVE);
	f.t.fd = t_connect(f.sp->port, 0);
	t_answer_open(&f.t);
	fix_free(&f);
}

/* Shutdown stops the neighbours one by one; the routes of a later one, withdrawn as it goes,
 * must not be exported to one already freed (valgrind sees it if they are). */
static void test_shutdown_two_peers(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(1);
	struct tnb t2 = { .fd = -1, .lfd = -1 };

	fix_init(&f, 1);
	f.sp->transit = 1; /* a router: what one neighbour sends goes to the other */
	speaker_listen(&f);
	f.t.fd = t_connect(f.sp->port, 0);
	t_answer_open(&f.t);
	addr_parse("127.0.0.2", &nc.addr);
	t2.loop = f.t.loop;
	t2.peer = bgp_speaker_add_peer(f.sp, &nc);
	t2.fd = t_connect(f.sp->port, 2);
	t_answer_open(&t2);
	struct tnb keep = f.t;

	f.t = t2;
	send_route(&f, "203.0.113.0/24", 0);
	SPIN(&f.t, f.sp->rib.count == 1);
	CHECK_INT(f.sp->rib.count, 1);
	f.t = keep;
	/* The first neighbour is told (the route came from the second). */
	SPIN(&f.t, f.t.peer->adj_out.count == 1);
	CHECK_INT(f.t.peer->adj_out.count, 1);
	fix_free(&f);
	close(t2.fd);
}

/* One link-local address on two links is two neighbours: a reload looks each up by address
 * and interface, and must not take one for the other. */
static void test_find_peer_by_interface(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(1);
	struct bgp_peer *p0, *p1;

	fix_init(&f, 1);
	addr_parse("fe80::b", &nc.addr);
	memset(&nc.local_addr, 0, sizeof(nc.local_addr));
	strcpy(nc.ifname, "eth0");
	p0 = bgp_speaker_add_peer(f.sp, &nc);
	strcpy(nc.ifname, "eth1");
	p1 = bgp_speaker_add_peer(f.sp, &nc);
	CHECK(p0 != p1);
	CHECK(bgp_speaker_find_peer(f.sp, &nc.addr, "eth0") == p0);
	CHECK(bgp_speaker_find_peer(f.sp, &nc.addr, "eth1") == p1);
	CHECK(bgp_speaker_find_peer(f.sp, &nc.addr, "") == NULL);
	CHECK(bgp_speaker_find_peer(f.sp, &nc.addr, NULL) == p0);
	fix_free(&f);
}

/* Max-prefix counts what is accepted: routes the import policy rejects (here, looped ones)
 * cost nothing. */
static void test_max_prefix_counts_accepted(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(0);

	nc.max_prefix = 1;
	fix_init_with(&f, nc);
	t_establish(&f.t);
	send_route(&f, "203.0.113.0/24", 0);
	send_route(&f, "198.51.100.0/24", LOCAL_AS);
	send_route(&f, "198.51.100.128/25", LOCAL_AS);
	SPIN(&f.t, f.t.peer->updates_in == 3);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	CHECK_INT(f.t.peer->n_paths, 3);
	CHECK_INT(f.t.peer->n_accepted, 1);
	send_route(&f, "203.0.113.128/25", 0);
	t_expect_notification(&f.t, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	fix_free(&f);
}

/* warning-only: over the limit, a warning and the session stays. */
static void test_max_prefix_warning_only(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(0);

	nc.max_prefix = 1;
	nc.max_prefix_warn_only = 1;
	fix_init_with(&f, nc);
	t_establish(&f.t);
	send_route(&f, "203.0.113.0/24", 0);
	send_route(&f, "198.51.100.0/24", 0);
	send_route(&f, "192.0.2.0/24", 0);
	SPIN(&f.t, f.t.peer->updates_in == 3);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	CHECK_INT(f.t.peer->n_accepted, 3);
	CHECK_INT(f.t.peer->max_prefix_warned, 1);
	CHECK_INT(f.sp->rib.count, 3);
	fix_free(&f);
}

/* Reads the next message on a fresh connection to the speaker: the refusal's NOTIFICATION. */
static void expect_refused(struct fix *f, int subcode)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;

	if (f->t.fd >= 0)
		close(f->t.fd);
	f->t.fd = t_connect(f->sp->port, 0);
	CHECK_INT(t_read_msg(&f->t, msg, &len), BGP_NOTIFICATION);
	CHECK_INT(msg[19], BGP_ERR_CEASE);
	CHECK_INT(msg[20], subcode);
}

/* max-prefix restart: the session stays down for exactly the restart time, and the
 * neighbour's own connections are refused meanwhile (no way around the penalty). */
static void test_max_prefix_restart_inbound(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(1);

	nc.max_prefix = 1;
	nc.max_prefix_restart_ms = 30000;
	fix_init_with(&f, nc);
	speaker_listen(&f);
	f.t.fd = t_connect(f.sp->port, 0);
	t_answer_open(&f.t);
	send_route(&f, "203.0.113.0/24", 0);
	send_route(&f, "198.51.100.0/24", 0);
	t_expect_notification(&f.t, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	expect_refused(&f, BGP_CEASE_CONN_REJECTED);
	ev_advance(f.t.loop, 29900);
	expect_refused(&f, BGP_CEASE_CONN_REJECTED);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	ev_advance(f.t.loop, 100);
	CHECK_INT(f.t.peer->state, BGP_ACTIVE);
	close(f.t.fd);
	f.t.fd = t_connect(f.sp->port, 0);
	t_answer_open(&f.t);
	CHECK_INT(f.t.peer->flaps, 1);
	fix_free(&f);
}

/* 198.18.0.0 + i/32 -> i */
static size_t index_of(const struct prefix *p)
{
	const uint8_t *a = p->addr.a;

	return (size_t)(a[1] - 18) * 65536 + a[2] * 256u + a[3];
}

/* A neighbour that never reads: what we have to tell it waits as prefixes, the encoded queue
 * stays bounded through churn, and all of it goes once it reads again. */
static void test_output_bounded(void)
{
	enum { N = 100000 };
	struct fix f;
	struct bgp_attrs a;
	static struct prefix pfx[N];
	static uint8_t state[N];
	int small = 4096;
	char txt[32];

	fix_init(&f, 0);
	t_establish(&f.t);
	struct bgp_peer *p = f.t.peer;

	/* The kernel then holds about 130 kB (our small send buffer, the neighbour's untouched
	 * receive window); the table is 500 kB. */
	setsockopt(p->conn->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH;
	const struct bgp_attrs *ia = bgp_attrs_intern(&a);

	for (int i = 0; i < N; i++) {
		snprintf(txt, sizeof(txt), "198.%d.%d.%d/32", 18 + i / 65536, i / 256 % 256,
			 i % 256);
		prefix_parse(txt, &pfx[i]);
		bgp_speaker_originate(f.sp, &pfx[i], ia);
	}
	for (int i = 0; i < 5; i++)
		ev_run_once(f.t.loop, 10);
	CHECK(bgp_session_queued(p) <= BGP_SENDQ_HIGH + BGP_MAX_LEN);
	CHECK(p->outq_pos < p->noutq); /* the rest waits, as prefixes */
	for (int round = 0; round < 4; round++) {
		for (int i = 0; i < N; i++)
			bgp_speaker_withdraw(f.sp, &pfx[i]);
		ev_run_once(f.t.loop, 0);
		for (int i = 0; i < N; i++)
			bgp_speaker_originate(f.sp, &pfx[i], ia);
		ev_run_once(f.t.loop, 0);
	}
	CHECK(bgp_session_queued(p) <= BGP_SENDQ_HIGH + BGP_MAX_LEN);
	CHECK(p->cappending <= 4 * N);
	CHECK_INT(p->state, BGP_ESTABLISHED);
	/* The neighbour reads again: everything arrives, the last word on each prefix "up". */
	struct buf in;
	int quiet = 0, big = 1 << 20;

	setsockopt(p->conn->fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	buf_init(&in);
	for (int64_t end = t_now_ms() + T_WAIT_MS; t_now_ms() < end && quiet < 20;) {
		ev_run_once(f.t.loop, 1);
		buf_reserve(&in, 65536);
		ssize_t n = recv(f.t.fd, in.data + in.len, in.cap - in.len, MSG_DONTWAIT);

		if (n > 0)
			in.len += (size_t)n;
		int unsent = 0;

		ioctl(p->conn->fd, TIOCOUTQ, &unsent); /* what the kernel still holds */
		int idle = n <= 0 && p->npending == 0 && p->noutq == 0 && !bgp_session_queued(p) &&
			   unsent == 0;

		quiet = idle ? quiet + 1 : 0;
		while (buf_pending(&in) >= BGP_HDR_LEN &&
		       buf_pending(&in) >= get16(in.data + in.off + 16)) {
			const uint8_t *m = in.data + in.off;
			uint16_t len = get16(m + 16);
			struct bgp_update u;
			struct bgp_err e;

			if (m[18] == BGP_UPDATE &&
			    bgp_update_decode(m + BGP_HDR_LEN, len - BGP_HDR_LEN, &test_ctx, &u,
					      &e) == 0) {
				for (size_t k = 0; k < u.n_withdrawn; k++)
					state[index_of(&u.withdrawn[k])] = 0;
				for (size_t k = 0; k < u.n_announced; k++)
					state[index_of(&u.announced[k])] = 1;
			}
			bgp_update_free(&u);
			buf_consume(&in, len);
		}
	}
	int up = 0;

	for (int i = 0; i < N; i++)
		up += state[i];
	CHECK_INT(up, N);
	CHECK_INT(p->state, BGP_ESTABLISHED);
	buf_free(&in);
	bgp_attrs_unref(ia);
	bgp_attrs_clear(&a);
	fix_free(&f);
}

/* Out of descriptors, the listener rests instead of spinning on EMFILE, and takes the waiting
 * connection once descriptors are back. */
static void test_accept_emfile(void)
{
	struct fix f;
	struct rlimit old, low;
	int fill[64], nfill = 0;
	const char *pre = getenv("LD_PRELOAD");

	if (pre && strstr(pre, "vgpreload")) {
		T_SKIP("valgrind does not give a lowered RLIMIT_NOFILE back");
		return;
	}
	fix_init(&f, 1);
	speaker_listen(&f);
	getrlimit(RLIMIT_NOFILE, &old);
	int probe = dup(0);

	low = old;
	low.rlim_cur = (rlim_t)probe + 4;
	close(probe);
	f.t.fd = t_connect(f.sp->port, 2); /* from an address nobody configured */
	CHECK_INT(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (nfill < 64 && (fill[nfill] = dup(0)) >= 0)
		nfill++;
	CHECK(nfill < 64);
	int64_t t0 = t_now_ms();

	for (int i = 0; i < 10; i++)
		ev_run_once(f.t.loop, 20);
	CHECK(t_now_ms() - t0 >= 150); /* it slept: nothing was readable */
	while (nfill > 0)
		close(fill[--nfill]);
	CHECK_INT(setrlimit(RLIMIT_NOFILE, &old), 0);
	/* The listener tries again after its pause. */
	struct pollfd pfd = { .fd = f.t.fd, .events = POLLIN };

	T_WAIT(poll(&pfd, 1, 0) > 0, (ev_advance(f.t.loop, 100), ev_run_once(f.t.loop, 10)));
	uint8_t msg[BGP_MAX_LEN] = { 0 };
	uint16_t len = 0;

	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_NOTIFICATION);
	CHECK_INT(msg[20], BGP_CEASE_CONN_REJECTED);
	fix_free(&f);
}

/* From the session's outgoing connection to Established, the test's OPEN carrying graceful
 * restart (restart time 30 s, IPv4 with the F bit) and enhanced route refresh. */
static void establish_gr_flags(struct fix *f, uint8_t gr_flags);
static void establish_gr(struct fix *f) { establish_gr_flags(f, 0); }

/* The same with the capability's flags (R, N). */
static void establish_gr_flags(struct fix *f, uint8_t gr_flags)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;
	struct buf b;
	struct bgp_caps caps = { .mp_ipv4 = 1,
				 .mp_any = 1,
				 .as4 = 1,
				 .as4_asn = REMOTE_AS,
				 .route_refresh = 1,
				 .enhanced_refresh = 1,
				 .role = BGP_ROLE_NONE,
				 .gr = 1,
				 .gr_flags = gr_flags,
				 .gr_time = 30,
				 .gr_af = { BGP_GR_AF_PRESENT | BGP_GR_AF_FORWARDING, 0 } };

	t_accept_open(&f->t);
	buf_init(&b);
	bgp_open_encode(&b, REMOTE_AS, 30, REMOTE_ID, &caps);
	t_send_buf(&f->t, &b);
	buf_free(&b);
	CHECK_INT(t_read_msg(&f->t, msg, &len), BGP_KEEPALIVE);
	t_send_keepalive(&f->t);
	SPIN(&f->t, f->t.peer->state == BGP_ESTABLISHED);
	CHECK_INT(f->t.peer->state, BGP_ESTABLISHED);
}

static void send_eor_or_rr(struct fix *f, int subtype)
{
	struct buf b;

	buf_init(&b);
	if (subtype < 0)
		bgp_eor_encode(&b, BGP_AFI_IPV4);
	else
		bgp_refresh_encode_sub(&b, BGP_AFI_IPV4, (uint8_t)subtype, BGP_SAFI_UNICAST);
	t_send_buf(&f->t, &b);
	buf_free(&b);
}

static int path_flags(struct fix *f, const char *pfx)
{
	struct prefix px;
	const struct rib_node *n;

	prefix_parse(pfx, &px);
	n = rib_lookup(&f->sp->rib, &px);
	if (!n || !n->paths)
		return -1;
	return n->paths->flags | (n->paths->best ? 0x100 : 0);
}

/* the connection drops without a NOTIFICATION */
static void drop(struct fix *f)
{
	close(f->t.fd);
	f->t.fd = -1;
	SPIN(&f->t, f->t.peer->state != BGP_ESTABLISHED);
}

/* RFC 4724 as helper, and RFC 7313 BoRR/EoRR. */
static void test_graceful_restart_helper(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(0);

	nc.graceful_restart = 1;
	nc.gr_time = 120;
	fix_init_with(&f, nc);
	establish_gr(&f);
	send_route(&f, "203.0.113.0/24", 0);
	send_route(&f, "198.51.100.0/24", 0);
	SPIN(&f.t, f.t.peer->n_paths == 2);
	/* Gone without a NOTIFICATION: its paths stay, stale, still best. */
	drop(&f);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK_INT(path_flags(&f, "203.0.113.0/24"), 0x100 | RIB_PATH_STALE);
	CHECK_INT(path_flags(&f, "198.51.100.0/24"), 0x100 | RIB_PATH_STALE);
	CHECK_INT(f.t.peer->gr_stale, 1);
	/* Back within its restart time: the re-announced path is fresh, the other goes at
	 * End-of-RIB. */
	ev_advance(f.t.loop, 2000);
	establish_gr(&f);
	CHECK_INT(path_flags(&f, "198.51.100.0/24"), 0x100 | RIB_PATH_STALE);
	send_route(&f, "203.0.113.0/24", 0);
	SPIN(&f.t, path_flags(&f, "203.0.113.0/24") == 0x100);
	CHECK_INT(path_flags(&f, "203.0.113.0/24"), 0x100);
	send_eor_or_rr(&f, -1);
	SPIN(&f.t, path_flags(&f, "198.51.100.0/24") < 0);
	CHECK_INT(path_flags(&f, "198.51.100.0/24"), -1);
	CHECK_INT(f.t.peer->n_paths, 1);
	CHECK_INT(f.t.peer->gr_stale, 0);
	CHECK(!ev_timer_active(&f.t.peer->gr_timer));
	/* Enhanced route refresh: what is not re-sent between BoRR and EoRR goes. */
	send_route(&f, "198.51.100.0/24", 0);
	SPIN(&f.t, f.t.peer->n_paths == 2);
	send_eor_or_rr(&f, BGP_RR_BORR);
	SPIN(&f.t, path_flags(&f, "203.0.113.0/24") == (0x100 | RIB_PATH_STALE));
	send_route(&f, "198.51.100.0/24", 0);
	send_eor_or_rr(&f, BGP_RR_EORR);
	SPIN(&f.t, path_flags(&f, "203.0.113.0/24") < 0);
	CHECK_INT(path_flags(&f, "203.0.113.0/24"), -1);
	CHECK_INT(path_flags(&f, "198.51.100.0/24"), 0x100);
	CHECK_INT(f.t.peer->n_paths, 1);
	/* Down again and not back within its restart time (30 s): the stale paths go. */
	drop(&f);
	CHECK_INT(path_flags(&f, "198.51.100.0/24"), 0x100 | RIB_PATH_STALE);
	ev_advance(f.t.loop, 29000);
	CHECK_INT(path_flags(&f, "198.51.100.0/24"), 0x100 | RIB_PATH_STALE);
	ev_advance(f.t.loop, 1500);
	CHECK_INT(path_flags(&f, "198.51.100.0/24"), -1);
	CHECK_INT(f.t.peer->n_paths, 0);
	CHECK_INT(f.sp->rib.count, 0);
	fix_free(&f);
}

/* A NOTIFICATION ends graceful restart (RFC 4724 sec 4.2): the paths go at once. */
static void test_graceful_restart_notification(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(0);
	struct buf b;

	nc.graceful_restart = 1;
	nc.gr_time = 120;
	fix_init_with(&f, nc);
	establish_gr(&f);
	send_route(&f, "203.0.113.0/24", 0);
	SPIN(&f.t, f.t.peer->n_paths == 1);
	buf_init(&b);
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_RESET, "bye");
	t_send_buf(&f.t, &b);
	buf_free(&b);
	SPIN(&f.t, f.t.peer->state != BGP_ESTABLISHED);
	SPIN(&f.t, f.t.peer->n_paths == 0);
	CHECK_INT(path_flags(&f, "203.0.113.0/24"), -1);
	CHECK_INT(f.sp->rib.count, 0);
	fix_free(&f);
}

/* The first export walks the RIB in steps (one per loop iteration) while routes change: every prefix ends up told once with its latest attributes, a withdrawn one not
 * at all or withdrawn, and End-of-RIB comes after all of them. */
enum { WALK_N = 40000 };

static struct prefix walk_pfx(uint32_t i)
{
	struct prefix px = { .addr = { .af = AF_INET }, .len = 32 };

	px.addr.a[0] = 198;
	px.addr.a[1] = (uint8_t)(18 + (i >> 16));
	px.addr.a[2] = (uint8_t)(i >> 8);
	px.addr.a[3] = (uint8_t)i;
	return px;
}

static uint32_t walk_idx(const struct prefix *px)
{
	return (uint32_t)(px->addr.a[1] - 18) << 16 | (uint32_t)px->addr.a[2] << 8 | px->addr.a[3];
}

static const struct bgp_attrs *med_attrs(uint32_t med)
{
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_MED;
	a.med = med;
	const struct bgp_attrs *ia = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return ia;
}

static void test_export_walk_concurrent(void)
{
	struct fix f;
	static uint8_t told[WALK_N], med[WALK_N], state[WALK_N];
	static uint8_t rb[1 << 17];
	size_t rl = 0;
	int eor = 0, eor_early = 0;
	const struct bgp_attrs *a1 = med_attrs(1), *a2 = med_attrs(2);

	memset(told, 0, sizeof(told));
	memset(state, 0, sizeof(state));
	fix_init(&f, 0);
	for (uint32_t i = 0; i < WALK_N; i++) {
		struct prefix px = walk_pfx(i);

		bgp_speaker_originate(f.sp, &px, a1);
	}
	t_establish(&f.t);
	ev_run_once(f.t.loop, 0);
	CHECK(f.t.peer->export_walking);
	CHECK(f.t.peer->export_pos > 0 && f.t.peer->export_pos < f.sp->rib.nbuckets);
	/* Changes during the walk, before and after where it is: a new MED on every 500th, a
	 * withdrawal of every 500th + 250. */
	for (uint32_t i = 0; i < WALK_N; i += 500) {
		struct prefix px = walk_pfx(i), py = walk_pfx(i + 250);

		bgp_speaker_originate(f.sp, &px, a2);
		bgp_speaker_withdraw(f.sp, &py);
	}
	int fl = fcntl(f.t.fd, F_GETFL);

	fcntl(f.t.fd, F_SETFL, fl | O_NONBLOCK);
	for (int round = 0; round < 100000 && !eor; round++) {
		ev_run_once(f.t.loop, 0);
		ssize_t n = read(f.t.fd, rb + rl, sizeof(rb) - rl);

		if (n > 0)
			rl += (size_t)n;
		size_t off = 0;

		while (rl - off >= BGP_HDR_LEN && rl - off >= get16(rb + off + 16)) {
			uint16_t len = get16(rb + off + 16);
			struct bgp_update u;
			struct bgp_err e;

			if (rb[off + 18] == BGP_UPDATE && len == BGP_HDR_LEN + 4) {
				eor++;
				eor_early += f.t.peer->export_walking;
			} else if (rb[off + 18] == BGP_UPDATE) {
				CHECK_INT(bgp_update_decode(rb + off + BGP_HDR_LEN,
							    len - BGP_HDR_LEN, &test_ctx, &u, &e),
					  0);
				for (size_t k = 0; k < u.n_announced; k++) {
					uint32_t i = walk_idx(&u.announced[k]);

					told[i]++;
					med[i] = (uint8_t)u.attrs.med;
					state[i] = 1;
				}
				for (size_t k = 0; k < u.n_withdrawn; k++)
					state[walk_idx(&u.withdrawn[k])] = 0;
				bgp_update_free(&u);
			}
			off += len;
		}
		memmove(rb, rb + off, rl - off);
		rl -= off;
	}
	CHECK_INT(eor, 1);
	CHECK_INT(eor_early, 0);
	size_t wrong = 0, twice = 0;

	for (uint32_t i = 0; i < WALK_N; i++) {
		if (i % 500 == 250) {
			wrong += state[i] != 0;
			continue;
		}
		wrong += state[i] != 1 || med[i] != (i % 500 == 0 ? 2 : 1);
		/* told twice only if it changed after the walk had sent it */
		twice += told[i] > 1;
		wrong += told[i] > 1 && i % 500 != 0;
	}
	CHECK_INT(wrong, 0);
	printf("walk: %zu changed prefixes told twice (before and after their change)\n", twice);
	bgp_attrs_unref(a1);
	bgp_attrs_unref(a2);
	fix_free(&f);
}

/* RFC 8538: with the N bit on both sides, a NOTIFICATION other than Hard Reset keeps the paths
 * stale as a broken connection would; a Hard Reset removes them. */
static void test_graceful_restart_n_bit(void)
{
	struct fix f;
	struct conf_neighbor nc = t_neighbor(0);
	struct buf b;

	nc.graceful_restart = 1;
	nc.gr_time = 120;
	fix_init_with(&f, nc);
	establish_gr_flags(&f, BGP_GR_FLAG_N);
	send_route(&f, "203.0.113.0/24", 0);
	SPIN(&f.t, f.t.peer->n_paths == 1);
	buf_init(&b);
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_RESET, "bye");
	t_send_buf(&f.t, &b);
	SPIN(&f.t, f.t.peer->state != BGP_ESTABLISHED);
	CHECK_INT(path_flags(&f, "203.0.113.0/24"), 0x100 | RIB_PATH_STALE);
	CHECK_INT(f.t.peer->gr_stale, 1);
	/* back, re-announced; then a Hard Reset carrying the same Administrative Reset */
	ev_advance(f.t.loop, 2000);
	establish_gr_flags(&f, BGP_GR_FLAG_N);
	send_route(&f, "203.0.113.0/24", 0);
	SPIN(&f.t, path_flags(&f, "203.0.113.0/24") == 0x100);
	buf_reset(&b);
	bgp_hard_reset_shutdown_encode(&b, BGP_CEASE_ADMIN_RESET, "bye");
	t_send_buf(&f.t, &b);
	buf_free(&b);
	SPIN(&f.t, f.t.peer->state != BGP_ESTABLISHED);
	SPIN(&f.t, path_flags(&f, "203.0.113.0/24") < 0);
	CHECK_INT(path_flags(&f, "203.0.113.0/24"), -1);
	CHECK_INT(f.sp->rib.count, 0);
	fix_free(&f);
}

/* RFC 7313: a request from a neighbour that takes enhanced route refresh is answered with
 * BoRR, the routes, EoRR. */
static void test_enhanced_refresh_answer(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;
	struct bgp_attrs a;
	struct prefix pfx;
	const struct bgp_attrs *ia;

	fix_init(&f, 0);
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH;
	ia = bgp_attrs_intern(&a);
	prefix_parse("192.0.2.0/24", &pfx);
	bgp_speaker_originate(f.sp, &pfx, ia);
	establish_gr(&f);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE); /* the route */
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE); /* End-of-RIB */
	CHECK_INT(len, BGP_HDR_LEN + 4);
	send_eor_or_rr(&f, BGP_RR_REQUEST);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_ROUTE_REFRESH);
	CHECK_INT(msg[BGP_HDR_LEN + 2], BGP_RR_BORR);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_UPDATE);
	CHECK(len > BGP_HDR_LEN + 4);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_ROUTE_REFRESH);
	CHECK_INT(msg[BGP_HDR_LEN + 2], BGP_RR_EORR);
	CHECK_INT(get16(msg + BGP_HDR_LEN), BGP_AFI_IPV4);
	/* An unknown subtype is ignored, the session stays. */
	send_eor_or_rr(&f, 9);
	t_send_keepalive(&f.t);
	ev_run_once(f.t.loop, 10);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	bgp_attrs_unref(ia);
	bgp_attrs_clear(&a);
	fix_free(&f);
}

int main(void)
{
	RUN(test_find_peer_by_interface);
	log_init("test_speaker", 1, getenv("T_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_ERR);
	RUN(test_announce_and_withdraw);
	RUN(test_unencodable_withdrawn);
	RUN(test_receive_routes);
	RUN(test_max_prefix);
	RUN(test_unknown_peer_refused);
	RUN(test_passive_accepts);
	RUN(test_shutdown_two_peers);
	RUN(test_max_prefix_counts_accepted);
	RUN(test_max_prefix_warning_only);
	RUN(test_max_prefix_restart_inbound);
	RUN(test_output_bounded);
	RUN(test_accept_emfile);
	RUN(test_graceful_restart_helper);
	RUN(test_graceful_restart_notification);
	RUN(test_graceful_restart_n_bit);
	RUN(test_export_walk_concurrent);
	RUN(test_enhanced_refresh_answer);
	return t_done();
}
