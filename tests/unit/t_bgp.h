/* The unit tests' BGP neighbour, for test_session.c and test_speaker.c: a loopback socket
 * speaking raw BGP through the codec, while the code under test runs on an ev_loop with a fake
 * clock. Include after t.h. */
#ifndef TESTS_T_BGP_H
#define TESTS_T_BGP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/peer.h"

#define LOCAL_AS 65001
#define REMOTE_AS 64500
#define LOCAL_ID 0xC6120001u  /* 198.18.0.1 */
#define REMOTE_ID 0xC6120002u /* 198.18.0.2 */

/* The test neighbour and the session (peer) it talks to. */
struct tnb {
	struct ev_loop *loop;
	struct bgp_peer *peer;
	int lfd;       /* the test neighbour's listening socket */
	int fd;        /* the test neighbour's end of the session */
	uint16_t port; /* lfd's port */
};

static inline int t_listen_any(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
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

/* A connection from the test to 127.0.0.1:port (from 127.0.0.<from_host>, 0: any). */
static inline int t_connect(uint16_t port, int from_host)
{
	struct sockaddr_in from = { .sin_family = AF_INET }, to = { .sin_family = AF_INET };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (from_host) {
		from.sin_addr.s_addr = htonl(INADDR_LOOPBACK & ~0xffu) | htonl((uint32_t)from_host);
		CHECK_INT(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0);
	}
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	to.sin_port = htons(port);
	CHECK_INT(connect(fd, (struct sockaddr *)&to, sizeof(to)), 0);
	return fd;
}

/* Runs the loop until cond holds or T_WAIT_MS of real time pass. */
#define SPIN(t, cond) T_WAIT(cond, ev_run_once((t)->loop, 10))

/* The session has read and handled everything the test neighbour sent: nothing waits in its
 * socket nor in its read buffer. */
static inline int t_all_read(const struct tnb *t)
{
	int n = 0;
	const struct bgp_conn *c = t->peer->conn;

	return c && c->fd >= 0 && ioctl(c->fd, FIONREAD, &n) == 0 && n == 0 && c->rbuf.len == 0;
}

/* Reads one whole message from the neighbour's socket, running the loop meanwhile. Returns its
 * type, 0 on EOF/timeout. */
static inline int t_read_msg(struct tnb *t, uint8_t *msg, uint16_t *len)
{
	size_t have = 0;
	uint16_t need = BGP_HDR_LEN;

	for (int64_t end = t_now_ms() + T_WAIT_MS; t_now_ms() < end;) {
		struct pollfd pfd = { .fd = t->fd, .events = POLLIN };

		ev_run_once(t->loop, 0);
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		ssize_t n = read(t->fd, msg + have, need - have);

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

static inline void t_send_buf(struct tnb *t, struct buf *b)
{
	CHECK_INT(write(t->fd, b->data, b->len), b->len);
	buf_reset(b);
}

static inline void t_send_open(struct tnb *t, uint32_t asn, uint16_t hold)
{
	struct buf b;
	struct bgp_caps caps = { .mp_ipv4 = 1,
				 .mp_any = 1,
				 .as4 = 1,
				 .as4_asn = asn,
				 .route_refresh = 1,
				 .role = BGP_ROLE_NONE };

	buf_init(&b);
	bgp_open_encode(&b, asn, hold, REMOTE_ID, &caps);
	t_send_buf(t, &b);
	buf_free(&b);
}

static inline void t_send_keepalive(struct tnb *t)
{
	struct buf b;

	buf_init(&b);
	bgp_keepalive_encode(&b);
	t_send_buf(t, &b);
	buf_free(&b);
}

/* Accepts the session's outgoing connection and checks its OPEN. */
static inline void t_accept_open(struct tnb *t)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;
	struct bgp_open o;
	struct bgp_err e;

	SPIN(t, t->peer->state == BGP_OPENSENT || t->peer->state == BGP_CONNECT);
	struct pollfd pfd = { .fd = t->lfd, .events = POLLIN };

	T_WAIT(poll(&pfd, 1, 0) > 0, ev_run_once(t->loop, 10));
	t->fd = accept(t->lfd, NULL, NULL);
	CHECK(t->fd >= 0);
	CHECK_INT(t_read_msg(t, msg, &len), BGP_OPEN);
	CHECK_INT(bgp_open_decode(msg + BGP_HDR_LEN, len - BGP_HDR_LEN, &o, &e), 0);
	CHECK_INT(o.asn, LOCAL_AS);
	CHECK_INT(o.hold_time, 9);
	CHECK_INT(o.bgp_id, LOCAL_ID);
	CHECK(o.caps.as4);
	CHECK(o.caps.mp_ipv4);
	CHECK(o.caps.route_refresh);
	CHECK_INT(t->peer->state, BGP_OPENSENT);
}

/* From the session's outgoing connection to Established (our hold time 9 s, theirs 30 s). */
static inline void t_establish(struct tnb *t)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;

	t_accept_open(t);
	t_send_open(t, REMOTE_AS, 30);
	CHECK_INT(t_read_msg(t, msg, &len), BGP_KEEPALIVE);
	CHECK_INT(t->peer->state, BGP_OPENCONFIRM);
	/* Hold time is the smaller of the two; keepalives every third of it. */
	CHECK_INT(t->peer->hold_time, 9);
	CHECK_INT(t->peer->keepalive_time, 3);
	t_send_keepalive(t);
	SPIN(t, t->peer->state == BGP_ESTABLISHED);
	CHECK_INT(t->peer->state, BGP_ESTABLISHED);
}

/* The test connected to a passive session: OPENs both ways (theirs with hold time 90 s), then
 * KEEPALIVEs, to Established. */
static inline void t_answer_open(struct tnb *t)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;

	CHECK_INT(t_read_msg(t, msg, &len), BGP_OPEN);
	CHECK_INT(t->peer->state, BGP_OPENSENT);
	t_send_open(t, REMOTE_AS, 90);
	CHECK_INT(t_read_msg(t, msg, &len), BGP_KEEPALIVE);
	t_send_keepalive(t);
	SPIN(t, t->peer->state == BGP_ESTABLISHED);
	CHECK_INT(t->peer->state, BGP_ESTABLISHED);
}

/* The next NOTIFICATION (KEEPALIVEs and UPDATEs on the way skipped) has this code/subcode. */
static inline void t_expect_notification(struct tnb *t, int code, int subcode)
{
	uint8_t msg[BGP_MAX_LEN];
	uint16_t len = 0;
	int type;

	while ((type = t_read_msg(t, msg, &len)) == BGP_KEEPALIVE || type == BGP_UPDATE)
		;
	CHECK_INT(type, BGP_NOTIFICATION);
	CHECK_INT(msg[19], code);
	CHECK_INT(msg[20], subcode);
}

/* A neighbour configuration as the tests use it. */
static inline struct conf_neighbor t_neighbor(int passive)
{
	struct conf_neighbor nc = { 0 };

	addr_parse("127.0.0.1", &nc.addr);
	nc.remote_as = REMOTE_AS;
	nc.hold_time = 9;
	nc.role = BGP_ROLE_NONE;
	nc.passive = (uint8_t)passive;
	return nc;
}

#endif
