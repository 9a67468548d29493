/* The session FSM (RFC 4271 section 8) on its own: no speaker, no RIB. It runs over loopback TCP
 * with a fake clock; the test is the neighbour, speaking raw BGP through the codec, and the
 * session's owner, recording what the session reports through its ops. */
#include <errno.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "bgp/session.h"
#include "lib/log.h"
#include "t.h"
#include "t_bgp.h"

/* The owner: what the session reported. */
struct fix {
	struct tnb t;
	int established, down, updates, refreshes;
	size_t announced, withdrawn; /* in the last UPDATE */
	struct prefix first;         /* its first announced prefix */
	uint16_t refresh_afi;
	int reject; /* the update op ends the session (as max-prefix would) */
};

static void on_established(struct bgp_peer *p)
{
	struct fix *f = p->env.owner;

	CHECK_INT(p->state, BGP_ESTABLISHED);
	f->established++;
}

static void on_down(struct bgp_peer *p)
{
	struct fix *f = p->env.owner;

	CHECK_INT(p->state, BGP_IDLE);
	f->down++;
}

static int on_update(struct bgp_peer *p, struct bgp_update *u, struct bgp_err *e)
{
	struct fix *f = p->env.owner;

	f->updates++;
	f->announced = u->n_announced;
	f->withdrawn = u->n_withdrawn;
	if (u->n_announced)
		f->first = u->announced[0];
	if (!f->reject)
		return 0;
	bgp_err_set(e, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, NULL, 0, "owner said no");
	return -1;
}

static void on_refresh(struct bgp_peer *p, uint16_t afi, uint8_t safi)
{
	struct fix *f = p->env.owner;

	f->refreshes++;
	f->refresh_afi = afi;
}

static const struct bgp_session_ops test_ops = {
	.established = on_established,
	.down = on_down,
	.update = on_update,
	.refresh = on_refresh,
};

static void fix_init(struct fix *f, int passive)
{
	memset(f, 0, sizeof(*f));
	f->t.loop = ev_loop_new();
	ev_set_fake_clock(f->t.loop, 1000000);
	f->t.lfd = t_listen_any(&f->t.port);
	f->t.fd = -1;
	struct bgp_session_env env = { .loop = f->t.loop,
				       .local_as = LOCAL_AS,
				       .router_id = LOCAL_ID,
				       .port = f->t.port,
				       .ops = &test_ops,
				       .owner = f };
	struct conf_neighbor nc = t_neighbor(passive);

	f->t.peer = bgp_session_new(&env, &nc);
}

static void fix_free(struct fix *f)
{
	bgp_session_stop(f->t.peer, BGP_CEASE_ADMIN_SHUTDOWN, NULL);
	bgp_session_free(f->t.peer);
	if (f->t.fd >= 0)
		close(f->t.fd);
	close(f->t.lfd);
	ev_loop_free(f->t.loop);
}

/* What a speaker's listener does: a connection from the test, handed to the session. Returns
 * the test's end. */
static int hand_over(struct fix *f)
{
	uint16_t port;
	int l = t_listen_any(&port);
	int fd = t_connect(port, 0);
	int ours = accept4(l, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	CHECK(ours >= 0);
	close(l);
	bgp_session_accept(f->t.peer, ours);
	return fd;
}

static void send_update(struct fix *f, const char *pfx, int withdraw)
{
	struct buf b;
	struct bgp_attrs a;
	struct prefix px;
	struct bgp_codec_ctx ctx = {
		.as4 = 1, .ebgp = 1, .mp_ipv4 = 1, .local_as = REMOTE_AS, .peer_as = LOCAL_AS
	};

	buf_init(&b);
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_NEXT_HOP;
	addr_parse("127.0.0.1", &a.nexthop);
	bgp_attrs_prepend(&a, REMOTE_AS, 1);
	prefix_parse(pfx, &px);
	if (withdraw)
		CHECK_INT(bgp_withdraw_encode(&b, &px, 1, &ctx), 1);
	else
		CHECK_INT(bgp_update_encode(&b, &a, &px, 1, &ctx), 1);
	t_send_buf(&f->t, &b);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

static void test_establish(void)
{
	struct fix f;

	fix_init(&f, 0);
	CHECK_INT(f.t.peer->state, BGP_CONNECT);
	t_establish(&f.t);
	CHECK_INT(f.established, 1);
	CHECK_INT(f.down, 0);
	CHECK(f.t.peer->ctx.ebgp && f.t.peer->ctx.as4 && f.t.peer->ctx.mp_ipv4);
	CHECK_INT(f.t.peer->remote_id, REMOTE_ID);
	fix_free(&f);
	/* Stopping an Established session reports it down, once. */
	CHECK_INT(f.down, 1);
}

static void test_keepalive_and_hold(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;

	fix_init(&f, 0);
	t_establish(&f.t);
	/* After a third of the hold time a KEEPALIVE goes out. */
	ev_advance(f.t.loop, 3000);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_KEEPALIVE);
	/* Our keepalives keep the session up past the hold time... */
	for (int i = 0; i < 4; i++) {
		t_send_keepalive(&f.t);
		SPIN(&f.t, t_all_read(&f.t));
		ev_advance(f.t.loop, 3000);
		CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_KEEPALIVE);
	}
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	/* ...and silence for the hold time ends it with Hold Timer Expired (4/0): our last
	 * KEEPALIVE went 3 s ago, so 6 s more. */
	ev_advance(f.t.loop, 5999);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	ev_advance(f.t.loop, 1);
	t_expect_notification(&f.t, BGP_ERR_HOLD, 0);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK_INT(f.down, 1);
	CHECK_INT(f.t.peer->flaps, 1);
	/* The automatic restart comes after the idle hold time, not at once. */
	ev_advance(f.t.loop, 500);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	ev_advance(f.t.loop, 600);
	CHECK(f.t.peer->state == BGP_CONNECT || f.t.peer->state == BGP_OPENSENT);
	fix_free(&f);
	CHECK_INT(f.down, 1);
	CHECK_INT(f.established, 1);
}

static void test_wrong_peer_as(void)
{
	struct fix f;

	fix_init(&f, 0);
	t_accept_open(&f.t);
	t_send_open(&f.t, 64999, 30);
	t_expect_notification(&f.t, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK(strstr(f.t.peer->last_error, "64999") != NULL);
	/* Never Established: the owner hears nothing. */
	CHECK_INT(f.established + f.down, 0);
	fix_free(&f);
}

static void test_bad_hold_time(void)
{
	for (uint16_t hold = 1; hold <= 2; hold++) {
		struct fix f;

		fix_init(&f, 0);
		t_accept_open(&f.t);
		t_send_open(&f.t, REMOTE_AS, hold);
		t_expect_notification(&f.t, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD);
		CHECK_INT(f.t.peer->state, BGP_IDLE);
		fix_free(&f);
	}
}

static void test_update_before_established(void)
{
	struct fix f;
	struct buf b;

	fix_init(&f, 0);
	t_accept_open(&f.t);
	buf_init(&b);
	bgp_eor_encode(&b, BGP_AFI_IPV4);
	t_send_buf(&f.t, &b);
	buf_free(&b);
	/* RFC 6608: FSM error, subcode 1 = unexpected message in OpenSent */
	t_expect_notification(&f.t, BGP_ERR_FSM, 1);
	CHECK_INT(f.updates, 0);
	fix_free(&f);
}

static void test_connect_retry(void)
{
	struct fix f;

	fix_init(&f, 0);
	/* Nobody listens: the attempt fails and the neighbour waits in Active. */
	close(f.t.lfd);
	f.t.lfd = socket(AF_INET, SOCK_STREAM, 0);
	SPIN(&f.t, f.t.peer->state == BGP_ACTIVE);
	CHECK_INT(f.t.peer->state, BGP_ACTIVE);
	CHECK(strstr(f.t.peer->last_error, "connect: ") != NULL);
	/* ConnectRetryTimer expiry starts a new attempt. */
	CHECK(ev_timer_active(&f.t.peer->connect_retry));
	ev_advance(f.t.loop, 5000);
	CHECK(f.t.peer->state == BGP_CONNECT || f.t.peer->state == BGP_ACTIVE);
	CHECK(ev_timer_active(&f.t.peer->connect_retry));
	fix_free(&f);
}

/* A received UPDATE reaches the owner decoded; the session keeps no routes of its own. */
static void test_update_to_owner(void)
{
	struct fix f;
	struct prefix px;

	fix_init(&f, 0);
	t_establish(&f.t);
	send_update(&f, "203.0.113.0/24", 0);
	SPIN(&f.t, f.updates == 1);
	CHECK_INT(f.updates, 1);
	CHECK_INT(f.announced, 1);
	prefix_parse("203.0.113.0/24", &px);
	CHECK(prefix_eq(&f.first, &px));
	send_update(&f, "203.0.113.0/24", 1);
	SPIN(&f.t, f.updates == 2);
	CHECK_INT(f.withdrawn, 1);
	CHECK_INT(f.announced, 0);
	CHECK_INT(f.t.peer->updates_in, 2);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	fix_free(&f);
}

/* The owner may refuse an UPDATE (max-prefix): its NOTIFICATION goes out and the session ends. */
static void test_update_refused_by_owner(void)
{
	struct fix f;

	fix_init(&f, 0);
	t_establish(&f.t);
	f.reject = 1;
	send_update(&f, "203.0.113.0/24", 0);
	t_expect_notification(&f.t, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK_INT(f.down, 1);
	CHECK(strstr(f.t.peer->last_error, "owner said no") != NULL);
	fix_free(&f);
}

/* An UPDATE the codec cannot read ends the session before the owner sees it. */
static void test_malformed_update(void)
{
	struct fix f;
	struct buf b;

	fix_init(&f, 0);
	t_establish(&f.t);
	buf_init(&b);
	size_t start = bgp_msg_begin(&b, BGP_UPDATE);

	buf_put16(&b, 0xffff); /* withdrawn routes length beyond the message */
	buf_put16(&b, 0);
	bgp_msg_end(&b, start);
	t_send_buf(&f.t, &b);
	buf_free(&b);
	t_expect_notification(&f.t, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST);
	CHECK_INT(f.updates, 0);
	CHECK_INT(f.down, 1);
	fix_free(&f);
}

static void test_refresh_to_owner(void)
{
	struct fix f;
	struct buf b;

	fix_init(&f, 0);
	t_establish(&f.t);
	buf_init(&b);
	bgp_refresh_encode(&b, BGP_AFI_IPV4, BGP_SAFI_UNICAST);
	t_send_buf(&f.t, &b);
	buf_free(&b);
	SPIN(&f.t, f.refreshes == 1);
	CHECK_INT(f.refreshes, 1);
	CHECK_INT(f.refresh_afi, BGP_AFI_IPV4);
	fix_free(&f);
}

static void test_notification_received(void)
{
	struct fix f;
	struct buf b;

	fix_init(&f, 0);
	t_establish(&f.t);
	buf_init(&b);
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance");
	t_send_buf(&f.t, &b);
	buf_free(&b);
	SPIN(&f.t, f.t.peer->state == BGP_IDLE);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK_INT(f.down, 1);
	CHECK_INT(f.t.peer->notifications_in, 1);
	CHECK(strstr(f.t.peer->last_error, "\"maintenance\"") != NULL);
	/* A restart follows after the idle hold time. */
	CHECK(ev_timer_active(&f.t.peer->idle_hold));
	fix_free(&f);
}

/* An administrative stop says Cease/Administrative Shutdown and does not restart. */
static void test_stop(void)
{
	struct fix f;

	fix_init(&f, 0);
	t_establish(&f.t);
	bgp_session_stop(f.t.peer, BGP_CEASE_ADMIN_SHUTDOWN, "bye");
	t_expect_notification(&f.t, BGP_ERR_CEASE, BGP_CEASE_ADMIN_SHUTDOWN);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK_INT(f.down, 1);
	CHECK(!ev_timer_active(&f.t.peer->idle_hold));
	ev_advance(f.t.loop, 120000);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	fix_free(&f);
	CHECK_INT(f.down, 1);
}

static void test_passive_accepts(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;

	fix_init(&f, 1);
	CHECK_INT(f.t.peer->state, BGP_ACTIVE);
	f.t.fd = hand_over(&f);
	t_answer_open(&f.t);
	/* A second connection while Established is a collision: closed with Cease/7. */
	int keep = f.t.fd;

	f.t.fd = hand_over(&f);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_NOTIFICATION);
	CHECK_INT(msg[20], BGP_CEASE_COLLISION);
	close(f.t.fd);
	f.t.fd = keep;
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	CHECK_INT(f.established, 1);
	fix_free(&f);
}

/* Section 6.8: both sides connect at once. Our identifier is the lower, so the connection the
 * neighbour initiated survives and ours is closed with Cease/Connection Collision Resolution. */
static void test_collision(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;

	fix_init(&f, 0);
	/* Our outgoing connection reaches the test's listener... */
	t_accept_open(&f.t);
	int ours = f.t.fd;

	/* ...while the test's own connection reaches the session. */
	int theirs = hand_over(&f);

	f.t.fd = theirs;
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_OPEN); /* our OPEN on the second connection */
	CHECK(f.t.peer->conn2 != NULL);
	/* The neighbour's OPEN on its own connection reveals its (higher) identifier. */
	t_send_open(&f.t, REMOTE_AS, 30);
	CHECK_INT(t_read_msg(&f.t, msg, &len), BGP_KEEPALIVE);
	/* Our connection is the loser: Cease/7 on it. */
	f.t.fd = ours;
	t_expect_notification(&f.t, BGP_ERR_CEASE, BGP_CEASE_COLLISION);
	close(ours);
	/* The survivor becomes the session, and the owner hears of one session, not two. */
	f.t.fd = theirs;
	CHECK(f.t.peer->conn2 == NULL);
	t_send_keepalive(&f.t);
	SPIN(&f.t, f.t.peer->state == BGP_ESTABLISHED);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	CHECK(f.t.peer->conn && !f.t.peer->conn->outgoing);
	CHECK_INT(f.established, 1);
	CHECK_INT(f.down, 0);
	fix_free(&f);
}

/* A neighbour sending a flood: one wakeup handles a bounded part of it, the rest follows in the
 * next iterations although the socket is then empty (it all sits in the read buffer). */
static void test_read_budget(void)
{
	struct fix f;
	char pfx[32];

	fix_init(&f, 0);
	t_establish(&f.t);
	for (int i = 0; i < 1500; i++) {
		snprintf(pfx, sizeof(pfx), "198.18.%d.%d/32", i / 256, i % 256);
		send_update(&f, pfx, 0);
	}
	int fionread = 0;

	T_WAIT(ioctl(f.t.peer->conn->fd, FIONREAD, &fionread) == 0 && fionread >= 1500 * 40,
	       (void)0);
	ev_run_once(f.t.loop, 100);
	CHECK(f.updates > 0);
	CHECK(f.updates <= 1024);
	SPIN(&f.t, f.updates == 1500);
	CHECK_INT(f.updates, 1500);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	fix_free(&f);
}

/* Fills the session's output queue past what a neighbour that reads nothing can take: small
 * kernel buffers on both ends, then 1 MB of KEEPALIVEs. */
static void fill_output(struct fix *f)
{
	int small = 4096;
	struct bgp_conn *c = f->t.peer->conn;

	setsockopt(c->fd, SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
	setsockopt(f->t.fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	for (int i = 0; i < 1024 * 1024 / BGP_HDR_LEN; i++)
		bgp_keepalive_encode(&c->wbuf);
	bgp_session_send(f->t.peer);
	CHECK(bgp_session_queued(f->t.peer) > 512 * 1024);
	CHECK(ev_timer_active(&c->send_hold));
}

/* Keeps the session's hold timer fed for ms of fake time, reading nothing: each KEEPALIVE is
 * seen (the hold timer starts over) before the clock moves on. */
static void keep_alive_for(struct fix *f, uint64_t ms)
{
	int one = 1;

	setsockopt(f->t.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	for (uint64_t t = 0; t < ms && f->t.peer->state == BGP_ESTABLISHED; t += 1000) {
		t_send_keepalive(&f->t);
		SPIN(&f->t, !f->t.peer->conn ||
				    ev_timer_remaining(f->t.loop, &f->t.peer->conn->hold) == 9000);
		ev_advance(f->t.loop, 1000);
	}
}

/* RFC 9687: a neighbour that sends KEEPALIVEs but takes nothing is dropped after the send hold
 * time, by default max(8 minutes, twice the hold time); the owner hears the session go. */
static void test_send_hold_default(void)
{
	struct fix f;

	fix_init(&f, 0);
	t_establish(&f.t);
	fill_output(&f);
	keep_alive_for(&f, 479000);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	keep_alive_for(&f, 2000);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK_INT(f.down, 1);
	CHECK(strstr(f.t.peer->last_error, "send hold timer expired") != NULL);
	fix_free(&f);
}

/* The neighbour reads what has arrived; false, for SPIN to go on. */
static int read_some(int fd)
{
	char sink[65536];

	(void)!recv(fd, sink, sizeof(sink), MSG_DONTWAIT);
	return 0;
}

/* A configured send hold time; whatever the socket takes restarts it. */
static void test_send_hold_progress(void)
{
	struct fix f;

	fix_init(&f, 0);
	f.t.peer->conf.send_hold_ms = 5000;
	t_establish(&f.t);
	fill_output(&f);
	keep_alive_for(&f, 4000);
	/* The neighbour reads a little: the socket takes more, the timer starts over. */
	size_t before = bgp_session_queued(f.t.peer);

	SPIN(&f.t, bgp_session_queued(f.t.peer) < before || read_some(f.t.fd));
	CHECK(bgp_session_queued(f.t.peer) < before);
	keep_alive_for(&f, 4000);
	CHECK_INT(f.t.peer->state, BGP_ESTABLISHED);
	keep_alive_for(&f, 2000);
	CHECK_INT(f.t.peer->state, BGP_IDLE);
	CHECK(strstr(f.t.peer->last_error, "send hold timer expired") != NULL);
	fix_free(&f);
}

int main(void)
{
	log_init("test_session", 1, getenv("T_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_ERR);
	RUN(test_establish);
	RUN(test_keepalive_and_hold);
	RUN(test_wrong_peer_as);
	RUN(test_bad_hold_time);
	RUN(test_update_before_established);
	RUN(test_connect_retry);
	RUN(test_update_to_owner);
	RUN(test_update_refused_by_owner);
	RUN(test_malformed_update);
	RUN(test_refresh_to_owner);
	RUN(test_notification_received);
	RUN(test_stop);
	RUN(test_passive_accepts);
	RUN(test_collision);
	RUN(test_read_budget);
	RUN(test_send_hold_default);
	RUN(test_send_hold_progress);
	return t_done();
}
