/* The session FSM (RFC 4271 section 8) driven over loopback TCP with a fake clock: the test is
 * the neighbour, speaking raw BGP through the codec. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/speaker.h"
#include "bgp/update.h"
#include "lib/log.h"
#include "t.h"

#define LOCAL_AS 65001
#define REMOTE_AS 64500
#define LOCAL_ID 0xC6120001u    /* 198.18.0.1 */
#define REMOTE_ID 0xC6120002u   /* 198.18.0.2 */

struct fix {
	struct ev_loop *loop;
	struct bgp_speaker *sp;
	struct bgp_peer *peer;
	int lfd;                /* the test neighbour's listening socket */
	int fd;                 /* the test neighbour's end of the session */
	uint16_t port;
};

static int listen_any(uint16_t *port)
{
	struct sockaddr_in sin = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	listen(fd, 4);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	*port = ntohs(sin.sin_port);
	return fd;
}

/* Runs the loop until cond holds or T_WAIT_MS of real time pass. */
#define SPIN(f, cond) T_WAIT(cond, ev_run_once((f)->loop, 10))

/* The speaker has read and handled everything the test peer sent: nothing waits in its
 * socket nor in its read buffer. */
static int all_read(struct fix *f)
{
	int n = 0;
	struct bgp_conn *c = f->peer->conn;

	return c && c->fd >= 0 && ioctl(c->fd, FIONREAD, &n) == 0 && n == 0 && c->rbuf.len == 0;
}

static void fix_init(struct fix *f, int passive)
{
	struct conf_neighbor nc = {0};

	f->loop = ev_loop_new();
	ev_set_fake_clock(f->loop, 1000000);
	f->lfd = listen_any(&f->port);
	f->fd = -1;
	f->sp = bgp_speaker_new(f->loop, LOCAL_AS, LOCAL_ID);
	f->sp->port = f->port;
	addr_parse("127.0.0.1", &nc.addr);
	nc.remote_as = REMOTE_AS;
	nc.hold_time = 9;
	nc.role = BGP_ROLE_NONE;
	nc.passive = (uint8_t)passive;
	f->peer = bgp_speaker_add_peer(f->sp, &nc);
}

static void fix_free(struct fix *f)
{
	bgp_speaker_free(f->sp, NULL);
	if (f->fd >= 0)
		close(f->fd);
	close(f->lfd);
	ev_loop_free(f->loop);
}

/* Reads one whole message from the neighbour's socket, running the loop meanwhile. Returns its
 * type, 0 on EOF/timeout. */
static int read_msg(struct fix *f, uint8_t *msg, uint16_t *len)
{
	size_t have = 0;
	uint16_t need = BGP_HDR_LEN;

	for (int64_t end = t_now_ms() + T_WAIT_MS; t_now_ms() < end;) {
		struct pollfd pfd = {.fd = f->fd, .events = POLLIN};

		ev_run_once(f->loop, 0);
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		ssize_t n = read(f->fd, msg + have, need - have);

		if (n <= 0)
			return 0;
		have += (size_t)n;
		if (have == BGP_HDR_LEN && need == BGP_HDR_LEN)
			need = get16(msg + 16);
		if (have == need) {
			*len = need;
			return msg[18];
		}
	}
	return 0;
}

static void send_buf(struct fix *f, struct buf *b)
{
	CHECK_INT(write(f->fd, b->data, b->len), b->len);
	buf_reset(b);
}

static void send_open(struct fix *f, uint32_t asn, uint16_t hold)
{
	struct buf b;
	struct bgp_caps caps = {.mp_ipv4 = 1, .mp_any = 1, .as4 = 1, .as4_asn = asn,
				.route_refresh = 1, .role = BGP_ROLE_NONE};

	buf_init(&b);
	bgp_open_encode(&b, asn, hold, REMOTE_ID, &caps);
	send_buf(f, &b);
	buf_free(&b);
}

static void send_keepalive(struct fix *f)
{
	struct buf b;

	buf_init(&b);
	bgp_keepalive_encode(&b);
	send_buf(f, &b);
	buf_free(&b);
}

/* Accepts anycastd's connection and checks its OPEN. */
static void accept_and_open(struct fix *f)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;
	struct bgp_open o;
	struct bgp_err e;

	SPIN(f, f->peer->state == BGP_OPENSENT || f->peer->state == BGP_CONNECT);
	struct pollfd pfd = {.fd = f->lfd, .events = POLLIN};

	T_WAIT(poll(&pfd, 1, 0) > 0, ev_run_once(f->loop, 10));
	f->fd = accept(f->lfd, NULL, NULL);
	CHECK(f->fd >= 0);
	CHECK_INT(read_msg(f, msg, &len), BGP_OPEN);
	CHECK_INT(bgp_open_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &o, &e), 0);
	CHECK_INT(o.asn, LOCAL_AS);
	CHECK_INT(o.hold_time, 9);
	CHECK_INT(o.bgp_id, LOCAL_ID);
	CHECK(o.caps.as4);
	CHECK(o.caps.mp_ipv4);
	CHECK(o.caps.route_refresh);
	CHECK_INT(f->peer->state, BGP_OPENSENT);
}

static void establish(struct fix *f)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;

	accept_and_open(f);
	send_open(f, REMOTE_AS, 30);
	CHECK_INT(read_msg(f, msg, &len), BGP_KEEPALIVE);
	CHECK_INT(f->peer->state, BGP_OPENCONFIRM);
	/* Hold time is the smaller of the two; keepalives every third of it. */
	CHECK_INT(f->peer->hold_time, 9);
	CHECK_INT(f->peer->keepalive_time, 3);
	send_keepalive(f);
	SPIN(f, f->peer->state == BGP_ESTABLISHED);
	CHECK_INT(f->peer->state, BGP_ESTABLISHED);
}

static void expect_notification(struct fix *f, int code, int subcode)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;
	int type;

	/* Skip keepalives and End-of-RIB updates on the way. */
	while ((type = read_msg(f, msg, &len)) == BGP_KEEPALIVE || type == BGP_UPDATE)
		;
	CHECK_INT(type, BGP_NOTIFICATION);
	CHECK_INT(msg[19], code);
	CHECK_INT(msg[20], subcode);
}

static void test_establish(void)
{
	struct fix f;

	fix_init(&f, 0);
	CHECK_INT(f.peer->state, BGP_CONNECT);
	establish(&f);
	fix_free(&f);
}

static void test_keepalive_and_hold(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;

	fix_init(&f, 0);
	establish(&f);
	/* Drain End-of-RIB. */
	CHECK_INT(read_msg(&f, msg, &len), BGP_UPDATE);
	/* After a third of the hold time a KEEPALIVE goes out. */
	ev_advance(f.loop, 3000);
	CHECK_INT(read_msg(&f, msg, &len), BGP_KEEPALIVE);
	/* Our keepalives keep the session up past the hold time... */
	for (int i = 0; i < 4; i++) {
		send_keepalive(&f);
		SPIN(&f, all_read(&f));
		ev_advance(f.loop, 3000);
		CHECK_INT(read_msg(&f, msg, &len), BGP_KEEPALIVE);
	}
	CHECK_INT(f.peer->state, BGP_ESTABLISHED);
	/* ...and silence for the hold time ends it with Hold Timer Expired (4/0): our last
	 * KEEPALIVE went 3 s ago, so 6 s more. */
	ev_advance(f.loop, 5999);
	CHECK_INT(f.peer->state, BGP_ESTABLISHED);
	ev_advance(f.loop, 1);
	expect_notification(&f, BGP_ERR_HOLD, 0);
	CHECK_INT(f.peer->state, BGP_IDLE);
	/* The automatic restart comes after the idle hold time, not at once. */
	ev_advance(f.loop, 500);
	CHECK_INT(f.peer->state, BGP_IDLE);
	ev_advance(f.loop, 600);
	CHECK(f.peer->state == BGP_CONNECT || f.peer->state == BGP_OPENSENT);
	fix_free(&f);
}

static void test_wrong_peer_as(void)
{
	struct fix f;

	fix_init(&f, 0);
	accept_and_open(&f);
	send_open(&f, 64999, 30);
	expect_notification(&f, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS);
	CHECK_INT(f.peer->state, BGP_IDLE);
	CHECK(strstr(f.peer->last_error, "64999") != NULL);
	fix_free(&f);
}

static void test_bad_hold_time(void)
{
	for (uint16_t hold = 1; hold <= 2; hold++) {
		struct fix f;

		fix_init(&f, 0);
		accept_and_open(&f);
		send_open(&f, REMOTE_AS, hold);
		expect_notification(&f, BGP_ERR_OPEN, BGP_ERR_OPEN_HOLD);
		CHECK_INT(f.peer->state, BGP_IDLE);
		fix_free(&f);
	}
}

static void test_update_before_established(void)
{
	struct fix f;
	struct buf b;

	fix_init(&f, 0);
	accept_and_open(&f);
	buf_init(&b);
	bgp_eor_encode(&b, BGP_AFI_IPV4);
	send_buf(&f, &b);
	buf_free(&b);
	/* RFC 6608: FSM error, subcode 1 = unexpected message in OpenSent */
	expect_notification(&f, BGP_ERR_FSM, 1);
	fix_free(&f);
}

static void test_connect_retry(void)
{
	struct fix f;

	fix_init(&f, 0);
	/* Nobody listens: the attempt fails and the neighbour waits in Active. */
	close(f.lfd);
	f.lfd = socket(AF_INET, SOCK_STREAM, 0);
	SPIN(&f, f.peer->state == BGP_ACTIVE);
	CHECK_INT(f.peer->state, BGP_ACTIVE);
	CHECK(strstr(f.peer->last_error, "connect: ") != NULL);
	/* ConnectRetryTimer expiry starts a new attempt. */
	CHECK(ev_timer_active(&f.peer->connect_retry));
	ev_advance(f.loop, 5000);
	CHECK(f.peer->state == BGP_CONNECT || f.peer->state == BGP_ACTIVE);
	CHECK(ev_timer_active(&f.peer->connect_retry));
	fix_free(&f);
}

static void test_announce_and_withdraw(void)
{
	struct fix f;
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;
	struct bgp_attrs a;
	struct prefix pfx;
	struct bgp_update u;
	struct bgp_err e;
	struct bgp_codec_ctx ctx = {.as4 = 1, .ebgp = 1, .mp_ipv4 = 1, .local_as = REMOTE_AS,
				    .peer_as = LOCAL_AS};

	fix_init(&f, 0);
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_MED;
	a.med = 10;
	bgp_attrs_add_comm(&a, 65001u << 16 | 100);
	const struct bgp_attrs *ia = bgp_attrs_intern(&a);

	prefix_parse("192.0.2.0/24", &pfx);
	bgp_speaker_originate(f.sp, &pfx, ia);
	establish(&f);
	CHECK_INT(read_msg(&f, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &ctx, &u, &e), 0);
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
	CHECK_INT(read_msg(&f, msg, &len), BGP_UPDATE);
	CHECK_INT(len, BGP_HDR_LEN + 4);
	CHECK_INT(f.peer->adj_out.count, 1);
	bgp_speaker_withdraw(f.sp, &pfx);
	CHECK_INT(read_msg(&f, msg, &len), BGP_UPDATE);
	CHECK_INT(bgp_update_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &ctx, &u, &e), 0);
	CHECK_INT(u.n_withdrawn, 1);
	bgp_update_free(&u);
	CHECK_INT(f.peer->adj_out.count, 0);
	bgp_attrs_unref(ia);
	bgp_attrs_clear(&a);
	fix_free(&f);
}

static void test_receive_routes(void)
{
	struct fix f;
	struct buf b;
	struct bgp_attrs a;
	struct prefix pfx;
	struct bgp_codec_ctx ctx = {.as4 = 1, .ebgp = 1, .mp_ipv4 = 1, .local_as = REMOTE_AS,
				    .peer_as = LOCAL_AS};

	fix_init(&f, 0);
	establish(&f);
	buf_init(&b);
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_NEXT_HOP;
	addr_parse("127.0.0.1", &a.nexthop);
	bgp_attrs_prepend(&a, REMOTE_AS, 1);
	prefix_parse("203.0.113.0/24", &pfx);
	CHECK_INT(bgp_update_encode(&b, &a, &pfx, 1, &ctx), 1);
	send_buf(&f, &b);
	SPIN(&f, rib_lookup(&f.sp->rib, &pfx) != NULL);
	struct rib_node *n = rib_lookup(&f.sp->rib, &pfx);

	CHECK(n && n->paths && n->paths->best && n->paths->src == f.peer);
	/* A path with our own AS in it is kept but never selected. */
	struct prefix loop;

	prefix_parse("198.51.100.0/24", &loop);
	bgp_attrs_prepend(&a, LOCAL_AS, 1);
	CHECK_INT(bgp_update_encode(&b, &a, &loop, 1, &ctx), 1);
	send_buf(&f, &b);
	SPIN(&f, rib_lookup(&f.sp->rib, &loop) != NULL);
	n = rib_lookup(&f.sp->rib, &loop);
	CHECK(n && n->paths && !n->paths->best && (n->paths->flags & RIB_PATH_REJECTED));
	/* The session going down takes its routes away. */
	close(f.fd);
	f.fd = -1;
	SPIN(&f, f.peer->state == BGP_IDLE);
	CHECK_INT(f.peer->state, BGP_IDLE);
	CHECK(rib_lookup(&f.sp->rib, &pfx) == NULL);
	CHECK_INT(f.sp->rib.count, 0);
	bgp_attrs_clear(&a);
	buf_free(&b);
	fix_free(&f);
}

static void test_unknown_peer_refused(void)
{
	struct fix f;
	struct addr la;
	char err[200];
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;

	fix_init(&f, 1);
	/* Listen on a port of our own, then connect from an address nobody configured. */
	int probe = listen_any(&f.sp->port);

	close(probe);
	addr_parse("127.0.0.1", &la);
	CHECK_INT(bgp_speaker_listen(f.sp, &la, 1, err, sizeof(err)), 0);
	struct sockaddr_in from = {.sin_family = AF_INET}, to = {.sin_family = AF_INET};

	from.sin_addr.s_addr = inet_addr("127.0.0.2");
	to.sin_addr.s_addr = inet_addr("127.0.0.1");
	to.sin_port = htons(f.sp->port);
	f.fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_INT(bind(f.fd, (struct sockaddr *)&from, sizeof(from)), 0);
	CHECK_INT(connect(f.fd, (struct sockaddr *)&to, sizeof(to)), 0);
	CHECK_INT(read_msg(&f, msg, &len), BGP_NOTIFICATION);
	CHECK_INT(msg[19], BGP_ERR_CEASE);
	CHECK_INT(msg[20], BGP_CEASE_CONN_REJECTED);
	/* The configured neighbour, passive, is untouched. */
	CHECK_INT(f.peer->state, BGP_ACTIVE);
	fix_free(&f);
}

static void test_passive_accepts(void)
{
	struct fix f;
	struct addr la;
	char err[200];
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;

	fix_init(&f, 1);
	int probe = listen_any(&f.sp->port);

	close(probe);
	addr_parse("127.0.0.1", &la);
	CHECK_INT(bgp_speaker_listen(f.sp, &la, 1, err, sizeof(err)), 0);
	CHECK_INT(f.peer->state, BGP_ACTIVE);
	struct sockaddr_in to = {.sin_family = AF_INET};

	to.sin_addr.s_addr = inet_addr("127.0.0.1");
	to.sin_port = htons(f.sp->port);
	f.fd = socket(AF_INET, SOCK_STREAM, 0);
	CHECK_INT(connect(f.fd, (struct sockaddr *)&to, sizeof(to)), 0);
	CHECK_INT(read_msg(&f, msg, &len), BGP_OPEN);
	CHECK_INT(f.peer->state, BGP_OPENSENT);
	send_open(&f, REMOTE_AS, 90);
	CHECK_INT(read_msg(&f, msg, &len), BGP_KEEPALIVE);
	send_keepalive(&f);
	SPIN(&f, f.peer->state == BGP_ESTABLISHED);
	CHECK_INT(f.peer->state, BGP_ESTABLISHED);
	/* A second connection while Established is a collision: closed with Cease/7. */
	int fd2 = socket(AF_INET, SOCK_STREAM, 0);

	CHECK_INT(connect(fd2, (struct sockaddr *)&to, sizeof(to)), 0);
	int keep = f.fd;

	f.fd = fd2;
	CHECK_INT(read_msg(&f, msg, &len), BGP_NOTIFICATION);
	CHECK_INT(msg[20], BGP_CEASE_COLLISION);
	close(fd2);
	f.fd = keep;
	CHECK_INT(f.peer->state, BGP_ESTABLISHED);
	fix_free(&f);
}

/* Section 6.8: both sides connect at once. Our identifier is the lower, so the connection the
 * neighbour initiated survives and ours is closed with Cease/Connection Collision Resolution. */
static void test_collision(void)
{
	struct fix f;
	struct addr la;
	char err[200];
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len;

	fix_init(&f, 0);
	/* Our outgoing connection reaches the test's listener... */
	accept_and_open(&f);
	int ours = f.fd;

	/* ...while the test connects to our listener on another port. */
	int probe = listen_any(&f.sp->port);

	close(probe);
	addr_parse("127.0.0.1", &la);
	CHECK_INT(bgp_speaker_listen(f.sp, &la, 1, err, sizeof(err)), 0);
	struct sockaddr_in to = {.sin_family = AF_INET};

	to.sin_addr.s_addr = inet_addr("127.0.0.1");
	to.sin_port = htons(f.sp->port);
	int theirs = socket(AF_INET, SOCK_STREAM, 0);

	CHECK_INT(connect(theirs, (struct sockaddr *)&to, sizeof(to)), 0);
	f.fd = theirs;
	CHECK_INT(read_msg(&f, msg, &len), BGP_OPEN);  /* our OPEN on the second connection */
	CHECK(f.peer->conn2 != NULL);
	/* The neighbour's OPEN on its own connection reveals its (higher) identifier. */
	send_open(&f, REMOTE_AS, 30);
	CHECK_INT(read_msg(&f, msg, &len), BGP_KEEPALIVE);
	/* Our connection is the loser: Cease/7 on it. */
	f.fd = ours;
	expect_notification(&f, BGP_ERR_CEASE, BGP_CEASE_COLLISION);
	close(ours);
	/* The survivor becomes the session. */
	f.fd = theirs;
	CHECK(f.peer->conn2 == NULL);
	send_keepalive(&f);
	SPIN(&f, f.peer->state == BGP_ESTABLISHED);
	CHECK_INT(f.peer->state, BGP_ESTABLISHED);
	CHECK(f.peer->conn && !f.peer->conn->outgoing);
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
	RUN(test_announce_and_withdraw);
	RUN(test_receive_routes);
	RUN(test_unknown_peer_refused);
	RUN(test_passive_accepts);
	RUN(test_collision);
	return t_done();
}
