/* BFD: the Control packet codec (every drop reason of RFC 5880 6.8.6 the packet alone shows)
 * and the session FSM, two sessions wired back to back through their send callbacks on a fake
 * clock: the handshake, the negotiated timers, the exact detection time, Poll/Final, the
 * jitter of 6.8.7 and AdminDown. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bfd/packet.h"
#include "bfd/session.h"
#include "bfd/sock.h"
#include "lib/ev.h"
#include "t.h"

#define MAXTX 4096

/* One end: its session, what it sent, and whether its packets reach the other end. */
struct side {
	struct bfd_session *s;
	struct side *peer;
	int ups, downs, drop;
	struct bfd_pkt last;      /* the last packet it sent */
	enum bfd_state states[8]; /* the states its packets carried, each change once */
	int nstates;
	uint64_t last_rx;   /* when a packet of the peer last reached it */
	uint64_t tx[MAXTX]; /* when it sent its periodic (non-Final) packets */
	int ntx;
};

struct wire {
	struct ev_loop *loop;
	struct side a, b;
	/* Packets in flight: delivered by pump() after the callbacks return, as a network would. */
	struct {
		struct side *to;
		uint8_t pkt[BFD_PKT_LEN];
	} q[64];
	int nq;
};

static struct wire *W;

static struct side *side_of(struct bfd_session *s) { return s->owner; }

static void on_send(struct bfd_session *s, const uint8_t *pkt, size_t len)
{
	struct side *me = side_of(s);

	CHECK(bfd_pkt_decode(pkt, len, &me->last) == BFD_OK);
	if (me->nstates == 0 || me->states[me->nstates - 1] != me->last.state)
		if (me->nstates < 8)
			me->states[me->nstates++] = me->last.state;
	if (!(me->last.flags & BFD_F_FINAL) && me->ntx < MAXTX)
		me->tx[me->ntx++] = ev_now(W->loop);
	if (me->drop || W->nq == 64)
		return;
	W->q[W->nq].to = me->peer;
	memcpy(W->q[W->nq].pkt, pkt, len);
	W->nq++;
}

static void on_up(struct bfd_session *s) { side_of(s)->ups++; }

static void on_down(struct bfd_session *s) { side_of(s)->downs++; }

static const struct bfd_session_ops ops = { .send = on_send, .up = on_up, .down = on_down };

/* Bounded: two broken FSMs could answer each other forever within one millisecond. */
static void pump(void)
{
	for (int n = 0; W->nq > 0; n++) {
		struct side *to = W->q[0].to;
		uint8_t pkt[BFD_PKT_LEN];
		struct bfd_pkt p;

		if (n == 1000) {
			CHECK(!"packets ping-pong without end");
			W->nq = 0;
			return;
		}
		memcpy(pkt, W->q[0].pkt, sizeof(pkt));
		memmove(W->q, W->q + 1, (size_t)--W->nq * sizeof(W->q[0]));
		CHECK(bfd_pkt_decode(pkt, sizeof(pkt), &p) == BFD_OK);
		to->last_rx = ev_now(W->loop);
		CHECK(bfd_session_input(to->s, &p) == BFD_OK);
	}
}

/* Moves the clock ms milliseconds, one at a time, delivering what was sent at once; stops at
 * the case's first failure. */
static void step(uint64_t ms)
{
	for (uint64_t i = 0; i < ms && !t_case_failed; i++) {
		ev_advance(W->loop, 1);
		pump();
	}
}

static void wire_init(struct wire *w, const struct bfd_timers *ta, const struct bfd_timers *tb)
{
	memset(w, 0, sizeof(*w));
	W = w;
	w->loop = ev_loop_new();
	ev_set_fake_clock(w->loop, 1000000);
	w->a.peer = &w->b;
	w->b.peer = &w->a;
	w->a.s = bfd_session_new(w->loop, &ops, &w->a, 0x1111, ta);
	w->b.s = bfd_session_new(w->loop, &ops, &w->b, 0x2222, tb);
}

static void wire_free(struct wire *w)
{
	bfd_session_free(w->a.s);
	bfd_session_free(w->b.s);
	ev_loop_free(w->loop);
	W = NULL;
}

/* Runs until both ends are Up and their Poll sequences are over (at most 10 s of fake time). */
static void come_up(struct wire *w)
{
	for (int i = 0; i < 10000; i++) {
		if (w->a.s->state == BFD_UP && w->b.s->state == BFD_UP && !w->a.s->polling &&
		    !w->b.s->polling)
			break;
		step(1);
	}
	CHECK_INT(w->a.s->state, BFD_UP);
	CHECK_INT(w->b.s->state, BFD_UP);
	CHECK(!w->a.s->polling && !w->b.s->polling);
}

static const struct bfd_timers fast = { 100, 100, 3 };

static void test_handshake(void)
{
	struct wire w;

	wire_init(&w, &fast, &fast);
	come_up(&w);
	/* Down, then Init (the peer's Down seen), then Up (its Init seen): the three-way. */
	CHECK_INT(w.a.nstates, 3);
	CHECK_INT(w.a.states[0], BFD_DOWN);
	CHECK_INT(w.a.states[1], BFD_INIT);
	CHECK_INT(w.a.states[2], BFD_UP);
	CHECK_INT(w.a.ups, 1);
	CHECK_INT(w.b.ups, 1);
	CHECK_INT(w.a.s->remote_disc, 0x2222);
	CHECK_INT(w.b.s->remote_disc, 0x1111);
	CHECK_INT(w.a.last.your_disc, 0x2222);
	/* Up: the configured 100 ms replaced the slow 1 s start through Poll/Final. */
	CHECK_INT(w.a.last.min_tx_us, 100000);
	CHECK_INT(bfd_session_tx_interval_ms(w.a.s), 100);
	CHECK_INT(bfd_session_detect_ms(w.a.s), 300);
	step(5000);
	CHECK_INT(w.a.s->state, BFD_UP);
	CHECK_INT(w.a.downs + w.b.downs, 0);
	wire_free(&w);
}

/* Not Up: at most one packet a second (6.8.3), whatever the configured interval. */
static void test_slow_while_down(void)
{
	struct wire w;

	wire_init(&w, &fast, &fast);
	w.a.drop = 1; /* b never hears a: a never leaves Down (b stays in Init) */
	w.b.drop = 1;
	step(10000);
	CHECK_INT(w.a.s->state, BFD_DOWN);
	CHECK_INT(w.a.last.min_tx_us, 1000000);
	CHECK(w.a.ntx >= 10);
	for (int i = 2; i < w.a.ntx; i++) {
		uint64_t gap = w.a.tx[i] - w.a.tx[i - 1];

		CHECK(gap >= 750 && gap <= 1000);
	}
	wire_free(&w);
}

/* The slower side wins: its interval for both directions, each detection time the peer's
 * multiplier times it; and a silent peer is declared down exactly then, not a ms early. */
static void test_negotiation_and_detection(void)
{
	struct wire w;
	struct bfd_timers slow = { 300, 300, 5 };
	uint64_t down_at = 0;

	wire_init(&w, &fast, &slow);
	come_up(&w);
	CHECK_INT(bfd_session_tx_interval_ms(w.a.s), 300);
	CHECK_INT(bfd_session_tx_interval_ms(w.b.s), 300);
	CHECK_INT(bfd_session_detect_ms(w.a.s), 5 * 300);
	CHECK_INT(bfd_session_detect_ms(w.b.s), 3 * 300);
	step(2000);
	w.a.ntx = 0;
	step(3000);
	for (int i = 1; i < w.a.ntx; i++) {
		uint64_t gap = w.a.tx[i] - w.a.tx[i - 1];

		CHECK(gap >= 225 && gap <= 300);
	}
	CHECK(w.a.ntx >= 10);

	w.b.drop = 1;
	for (int i = 0; i < 5000 && w.a.s->state == BFD_UP; i++)
		step(1);
	down_at = ev_now(w.loop);
	CHECK_INT(w.a.s->state, BFD_DOWN);
	CHECK_INT(down_at - w.a.last_rx, 1500);
	CHECK_INT(w.a.s->diag, BFD_DIAG_TIME_EXPIRED);
	CHECK_INT(w.a.downs, 1);
	/* a tells b at once, with Your Discriminator 0: b goes down too, for that reason. */
	CHECK_INT(w.a.last.state, BFD_DOWN);
	CHECK_INT(w.a.last.your_disc, 0);
	CHECK_INT(w.b.s->state, BFD_DOWN);
	CHECK_INT(w.b.s->diag, BFD_DIAG_NEIGHBOR_DOWN);
	CHECK_INT(w.b.downs, 1);
	/* b's packets flow again: they come back up. */
	w.b.drop = 0;
	come_up(&w);
	CHECK_INT(w.a.ups, 2);
	CHECK_INT(w.a.s->flaps, 1);
	wire_free(&w);
}

/* A change of interval while Up: P on our packets, the old interval kept until the Final. */
static void test_poll_final(void)
{
	struct wire w;
	struct bfd_timers slower = { 300, 300, 3 };

	wire_init(&w, &fast, &fast);
	come_up(&w);
	w.b.drop = 1; /* no Final yet */
	bfd_session_set_timers(w.a.s, &slower);
	CHECK(w.a.s->polling);
	CHECK(w.a.last.flags & BFD_F_POLL);
	CHECK_INT(w.a.last.min_tx_us, 300000);
	w.a.ntx = 0;
	step(200);
	CHECK(w.a.ntx >= 2); /* still every 75-100 ms */
	CHECK(w.a.last.flags & BFD_F_POLL);
	CHECK_INT(bfd_session_tx_interval_ms(w.a.s), 100);
	CHECK_INT(bfd_session_detect_ms(w.b.s), 900); /* b adopted a's new TX at once */
	w.b.drop = 0;
	for (int i = 0; i < 200 && w.a.s->polling; i++)
		step(1);
	CHECK(!w.a.s->polling);
	CHECK(w.b.last.flags & BFD_F_FINAL);
	CHECK(!(w.b.last.flags & BFD_F_POLL));
	CHECK_INT(bfd_session_tx_interval_ms(w.a.s), 300);
	CHECK_INT(bfd_session_tx_interval_ms(w.b.s), 300);
	CHECK_INT(bfd_session_detect_ms(w.a.s), 900);
	step(1000);
	CHECK(!(w.a.last.flags & BFD_F_POLL));
	CHECK_INT(w.a.s->state, BFD_UP);
	CHECK_INT(w.a.downs + w.b.downs, 0);
	wire_free(&w);
}

/* 6.8.7: every interval 75-100% of the negotiated one, 75-90% with a multiplier of 1, and
 * actually spread (a constant interval would pass the bounds). */
static void check_jitter(uint8_t mult, uint64_t lo, uint64_t hi)
{
	struct wire w;
	struct bfd_timers t = { 100, 100, mult };
	uint64_t min = 1000, max = 0;

	wire_init(&w, &t, &fast);
	come_up(&w);
	w.a.ntx = 0;
	step(100000);
	CHECK(w.a.ntx >= 1000);
	for (int i = 1; i < w.a.ntx; i++) {
		uint64_t gap = w.a.tx[i] - w.a.tx[i - 1];

		min = gap < min ? gap : min;
		max = gap > max ? gap : max;
	}
	CHECK_INT(min, lo);
	CHECK_INT(max, hi);
	wire_free(&w);
}

static void test_jitter(void)
{
	check_jitter(3, 75, 100);
	check_jitter(1, 75, 90);
}

static void test_admin_down(void)
{
	struct wire w;

	wire_init(&w, &fast, &fast);
	come_up(&w);
	bfd_session_admin(w.a.s, 1);
	pump();
	CHECK_INT(w.a.s->state, BFD_ADMIN_DOWN);
	CHECK_INT(w.a.s->diag, BFD_DIAG_ADMIN_DOWN);
	CHECK_INT(w.b.s->state, BFD_DOWN);
	CHECK_INT(w.b.s->remote_state, BFD_ADMIN_DOWN);
	CHECK_INT(w.b.s->diag, BFD_DIAG_NEIGHBOR_DOWN);
	CHECK_INT(w.a.downs, 1);
	CHECK_INT(w.b.downs, 1);
	step(5000); /* b does not try to come up against an AdminDown peer */
	CHECK_INT(w.a.s->state, BFD_ADMIN_DOWN);
	CHECK_INT(w.b.s->state, BFD_DOWN);
	bfd_session_admin(w.a.s, 0);
	come_up(&w);
	CHECK_INT(w.a.ups, 2);
	CHECK_INT(w.b.ups, 2);
	wire_free(&w);
}

/* A packet for another session is not acted on. */
static void test_wrong_disc(void)
{
	struct wire w;
	struct bfd_pkt p;

	wire_init(&w, &fast, &fast);
	come_up(&w);
	p = w.b.last;
	p.state = BFD_DOWN;
	p.your_disc = 0x9999;
	CHECK_INT(bfd_session_input(w.a.s, &p), BFD_ERR_DISC);
	CHECK_INT(w.a.s->state, BFD_UP);
	p.your_disc = 0x1111;
	CHECK_INT(bfd_session_input(w.a.s, &p), BFD_OK);
	CHECK_INT(w.a.s->state, BFD_DOWN);
	wire_free(&w);
}

/* Codec */

static const struct bfd_pkt sample = {
	.diag = BFD_DIAG_TIME_EXPIRED,
	.state = BFD_UP,
	.flags = BFD_F_POLL | BFD_F_CPI,
	.mult = 3,
	.my_disc = 0x01020304,
	.your_disc = 0xa0b0c0d0,
	.min_tx_us = 100000,
	.min_rx_us = 200000,
	.min_echo_rx_us = 0x55667788,
};

static void test_round_trip(void)
{
	static const enum bfd_state states[] = { BFD_ADMIN_DOWN, BFD_DOWN, BFD_INIT, BFD_UP };
	uint8_t buf[BFD_PKT_LEN];
	struct bfd_pkt p, q;

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		p = sample;
		p.state = states[i];
		p.diag = (enum bfd_diag)(i * 2);
		p.flags = i & 1 ? BFD_F_FINAL | BFD_F_DEMAND : BFD_F_POLL;
		CHECK_INT(bfd_pkt_encode(&p, buf), BFD_PKT_LEN);
		CHECK_INT(buf[0] >> 5, 1);
		CHECK_INT(buf[3], BFD_PKT_LEN);
		CHECK_INT(bfd_pkt_decode(buf, sizeof(buf), &q), BFD_OK);
		CHECK_INT(q.state, p.state);
		CHECK_INT(q.diag, p.diag);
		CHECK_INT(q.flags, p.flags);
		CHECK_INT(q.mult, p.mult);
		CHECK_INT(q.my_disc, p.my_disc);
		CHECK_INT(q.your_disc, p.your_disc);
		CHECK_INT(q.min_tx_us, p.min_tx_us);
		CHECK_INT(q.min_rx_us, p.min_rx_us);
		CHECK_INT(q.min_echo_rx_us, p.min_echo_rx_us);
	}
	/* The bytes as RFC 5880 4.1 lays them out. */
	bfd_pkt_encode(&sample, buf);
	CHECK_INT(buf[0], 0x21);
	CHECK_INT(buf[1], 0xe8);
	CHECK_INT(buf[2], 3);
	CHECK_INT(buf[4], 0x01);
	CHECK_INT(buf[11], 0xd0);
	CHECK_INT(buf[14], 0x86); /* 100000 = 0x000186a0 */
	CHECK_INT(buf[23], 0x88);
	/* A longer packet without the A bit is taken, its extra bytes ignored. */
	uint8_t longer[30] = { 0 };
	memcpy(longer, buf, sizeof(buf));
	longer[3] = 30;
	CHECK_INT(bfd_pkt_decode(longer, sizeof(longer), &q), BFD_OK);
}

/* Each row breaks one rule of 6.8.6 in a valid packet; only that rule can reject it. */
struct bad {
	const char *what;
	size_t at;        /* byte to set */
	uint8_t val, or ; /* set to val, or OR in `or` when val is 0 */
	size_t len;       /* bytes received */
	enum bfd_err want;
};

/* clang-format off */
static const struct bad bad_rows[] = {
	{ "valid",                 0, 0x21, 0,    24, BFD_OK },
	{ "short",                 0, 0x21, 0,    23, BFD_ERR_SHORT },
	{ "version 0",             0, 0x01, 0,    24, BFD_ERR_VERSION },
	{ "version 2",             0, 0x41, 0,    24, BFD_ERR_VERSION },
	{ "length 23",             3, 23,   0,    24, BFD_ERR_LENGTH },
	{ "length beyond data",    3, 25,   0,    24, BFD_ERR_LENGTH },
	{ "mult 0",                2, 0,    0,    24, BFD_ERR_MULT },
	{ "multipoint",            1, 0,    0x01, 24, BFD_ERR_MULTIPOINT },
	{ "my disc 0",             7, 0,    0,    24, BFD_ERR_MY_DISC },
	{ "your disc 0 in up",    11, 0,    0,    24, BFD_ERR_YOUR_DISC },
	{ "your disc 0 in init",  11, 0,    0,    24, BFD_ERR_YOUR_DISC },
	{ "your disc 0 in down",  11, 0,    0,    24, BFD_OK },
	{ "auth, length 24",       1, 0,    0x04, 24, BFD_ERR_LENGTH },
	{ "auth, length 26",       1, 0,    0x04, 26, BFD_ERR_AUTH },
};
/* clang-format on */

static void test_rejections(void)
{
	for (size_t i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad *r = &bad_rows[i];
		uint8_t buf[32] = { 0 };
		struct bfd_pkt p = sample;
		enum bfd_err got;

		p.my_disc = 0x04; /* byte 7 alone: the row that zeroes it zeroes it */
		p.your_disc = 0xd0;
		p.flags = 0;
		if (strstr(r->what, "init"))
			p.state = BFD_INIT;
		if (strstr(r->what, "down"))
			p.state = BFD_DOWN;
		bfd_pkt_encode(&p, buf);
		if (r->or)
			buf[r->at] |= r->or ;
		else
			buf[r->at] = r->val;
		if (r->len == 26)
			buf[3] = 26;
		got = bfd_pkt_decode(buf, r->len, &p);
		if (got != r->want)
			fprintf(stderr, "row %s: got %s, want %s\n", r->what, bfd_err_name(got),
				bfd_err_name(r->want));
		CHECK_INT(got, r->want);
	}
	/* The counters' labels: one per reason, all distinct. */
	for (int i = 0; i < BFD_ERR_COUNT; i++) {
		CHECK(strcmp(bfd_err_name((enum bfd_err)i), "?") != 0);
		for (int j = 0; j < i; j++)
			CHECK(strcmp(bfd_err_name((enum bfd_err)i), bfd_err_name((enum bfd_err)j)));
	}
	CHECK_STR(bfd_err_name(BFD_ERR_VERSION), "bad version");
	CHECK_STR(bfd_err_name(BFD_ERR_LENGTH), "bad length");
	CHECK_STR(bfd_state_name(BFD_UP), "up");
	CHECK_STR(bfd_state_name(BFD_ADMIN_DOWN), "admin-down");
	CHECK_STR(bfd_diag_name(BFD_DIAG_TIME_EXPIRED), "control detection time expired");
	CHECK_STR(bfd_diag_name((enum bfd_diag)31), "unknown");
}

/* Socket layer (RFC 5881) on loopback */

struct rx {
	int n;
	uint16_t port;
	struct bfd_pkt p;
};

static void on_rx(void *owner, const struct addr *from, uint16_t port, const struct bfd_pkt *p)
{
	struct rx *rx = owner;

	rx->n++;
	rx->port = port;
	rx->p = *p;
}

static const struct bfd_sock_ops sock_ops = { .input = on_rx };

/* Sends pkt to a's port from a plain socket with TTL ttl (0: the system's default). */
static void send_raw(const struct bfd_sock *a, int ttl, const uint8_t *pkt)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(&a->local, a->port, &ss);
	int fd = socket(a->local.af, SOCK_DGRAM, 0);

	CHECK(fd >= 0);
	if (ttl && a->local.af == AF_INET)
		CHECK(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) == 0);
	else if (ttl)
		CHECK(setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) == 0);
	CHECK(sendto(fd, pkt, BFD_PKT_LEN, 0, (struct sockaddr *)&ss, sl) == BFD_PKT_LEN);
	close(fd);
}

static void check_sock(const char *local_s)
{
	struct ev_loop *loop = ev_loop_new();
	struct addr local;
	struct rx rx = { 0 };
	struct bfd_sock *a, *b;
	uint8_t pkt[BFD_PKT_LEN];

	CHECK(addr_parse(local_s, &local) == 0);
	a = bfd_sock_open(loop, &local, 0, &sock_ops, &rx);
	b = bfd_sock_open(loop, &local, 0, &sock_ops, NULL);
	if ((!a || !b) && local.af == AF_INET6 &&
	    (errno == EADDRNOTAVAIL || errno == EAFNOSUPPORT)) {
		T_SKIP("no IPv6 loopback");
		goto out;
	}
	CHECK(a && b);
	if (!a || !b)
		goto out;
	CHECK(b->src_port >= 49152);
	bfd_pkt_encode(&sample, pkt);
	/* Ours: TTL 255, from the source port range, taken. */
	CHECK(bfd_sock_send(b, &local, a->port, pkt, sizeof(pkt)) == 0);
	T_WAIT(rx.n == 1, ev_run_once(loop, 10));
	CHECK_INT(rx.n, 1);
	CHECK_INT(rx.port, b->src_port);
	CHECK_INT(rx.p.my_disc, sample.my_disc);
	/* The default TTL (64) and 254: from beyond the link as far as we can tell, dropped. */
	send_raw(a, 0, pkt);
	T_WAIT(a->ttl_drops == 1, ev_run_once(loop, 10));
	CHECK_INT(a->ttl_drops, 1);
	send_raw(a, 254, pkt);
	T_WAIT(a->ttl_drops == 2, ev_run_once(loop, 10));
	CHECK_INT(a->ttl_drops, 2);
	/* TTL 255 but a bad version, then a bad length: dropped, each under its reason. */
	pkt[0] = 0x41;
	send_raw(a, 255, pkt);
	T_WAIT(a->drops[BFD_ERR_VERSION] == 1, ev_run_once(loop, 10));
	CHECK_INT(a->drops[BFD_ERR_VERSION], 1);
	pkt[0] = 0x21;
	pkt[3] = 20;
	send_raw(a, 255, pkt);
	T_WAIT(a->drops[BFD_ERR_LENGTH] == 1, ev_run_once(loop, 10));
	CHECK_INT(a->drops[BFD_ERR_LENGTH], 1);
	CHECK_INT(rx.n, 1); /* none of them acted on */
	CHECK_INT(a->received, 1);
out:
	bfd_sock_close(a);
	bfd_sock_close(b);
	ev_loop_free(loop);
}

static void test_sock_v4(void) { check_sock("127.0.0.1"); }

static void test_sock_v6(void) { check_sock("::1"); }

int main(void)
{
	RUN(test_round_trip);
	RUN(test_rejections);
	RUN(test_handshake);
	RUN(test_slow_while_down);
	RUN(test_negotiation_and_detection);
	RUN(test_poll_final);
	RUN(test_jitter);
	RUN(test_admin_down);
	RUN(test_wrong_disc);
	RUN(test_sock_v4);
	RUN(test_sock_v6);
	return t_done();
}
