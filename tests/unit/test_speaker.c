/* The speaker with its layers wired: sessions over loopback TCP with a fake clock, what they
 * receive going through the Adj-RIB-In into the RIB, what the RIB holds going out through the
 * Adj-RIB-Out, and the listener routing connections to neighbours. The test is the neighbour,
 * speaking raw BGP through the codec. The FSM alone is test_session.c. */
#include <stdlib.h>

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
	CHECK_STR(inet_ntoa(*(struct in_addr *)u.attrs.nexthop.a), "127.0.0.1");
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
	/* The session going down takes its routes away. */
	close(f.t.fd);
	f.t.fd = -1;
	SPIN(&f.t, f.t.peer->state == BGP_IDLE);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
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

int main(void)
{
	log_init("test_speaker", 1, getenv("T_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_ERR);
	RUN(test_announce_and_withdraw);
	RUN(test_unencodable_withdrawn);
	RUN(test_receive_routes);
	RUN(test_max_prefix);
	RUN(test_unknown_peer_refused);
	RUN(test_passive_accepts);
	RUN(test_shutdown_two_peers);
	return t_done();
}
