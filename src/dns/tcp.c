/* DNS over TCP (RFC 7766) in the main thread's event loop: each message has a 2-octet
 * length prefix (RFC 1035 4.2.2); a client may pipeline many queries on one connection and
 * gets the replies in order; connections idle longer than the timeout are closed
 * (RFC 7766 6.2.3). One host cannot lock others out (RFC 7766 6.2.2): when the connections
 * are at the cap, or one source's are at its own cap, the least recently active one without
 * unsent answers is closed for the newcomer. Connections are kept most recently active first,
 * so that one is near the tail. The main thread is also the one that swaps zone sets, so it reads the
 * current set directly.
 *
 * Draining (the drain file exists): a connection is closed in order as soon as every query read
 * on it is answered and sent, and a connection opened meanwhile once it has had its first
 * answers. In order means FIN, never RST: a close() with unread bytes in the socket resets the
 * connection, and so does a segment arriving for a socket already closed. So the write side is
 * shut first (the client reads every answer, then EOF), what still comes in is read and thrown
 * away (queries sent before the client saw our FIN; it asks them again on a new connection),
 * and the socket is closed when the client closes its side, or after the idle timeout. Answers
 * with EDNS meanwhile carry edns-tcp-keepalive 0 (RFC 7828): a client that knows it closes the
 * connection itself. Only then can the route move without breaking a connection: another site
 * would answer this one's segments with RST.
 *
 * Nor does a draining instance take new connections: a socket filter on the listeners drops
 * every SYN without ACK. Accepting one would give anycastd a connection to wait for, and
 * refusing it (RST) would fail the client; unanswered, the client's kernel sends the SYN again
 * after 1 s, by which time the route has moved and another site answers. A handshake under
 * way when the drain begins completes (its ACK passes), and so the connection is served. */
#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/server.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/ev.h"
#include "lib/log.h"

#define EPISODE_MS 10000          /* EMFILE is logged once per episode */
#define TCP_PAUSE_MS 100          /* the listeners rest this long when out of descriptors */
#define TCP_OUT_HIGH (256 * 1024) /* stop reading while this much is unsent */
#define TCP_RBUF (2 + DNS_TCP_MAX)

struct conn {
	struct dns_tcp *t;
	int fd;
	int eof;
	int closable; /* when draining, may be closed once answered: it existed when the drain
		       * began, or has had answers since */
	int closing;  /* our side is shut (FIN sent); reading what comes until the peer's EOF */
	uint32_t events;
	uint8_t *rbuf;
	size_t rlen;
	struct buf out;
	struct ev_timer idle;
	struct ev_timer msg; /* runs while a message is incomplete: one byte every so often
			      * keeps a connection from idling out, not from this */
	struct sockaddr_storage peer;
	unsigned round; /* the accept round that made it */
	struct conn *prev, *next;
};

struct dns_tcp {
	struct dns_server *srv;
	int *lfds;
	int nl;
	int nconns;
	struct conn *conns, *tail;
	uint8_t *scratch;
	struct ev_timer pause; /* running while the listeners rest after EMFILE */
	uint64_t starved_at;   /* last EMFILE (ms); an episode ends after EPISODE_MS without */
	unsigned round;        /* accept rounds (calls of on_accept) so far */
	int draining;
	struct dns_counters cnt; /* written by the main thread only */
	uint64_t closed[DNS_CLOSE_N];
};

int dns_tcp_conns(const struct dns_tcp *t) { return t->nconns; }

void dns_tcp_stats(const struct dns_tcp *t, struct dns_stats *s)
{
	dns_stats_add(s, &t->cnt, DNS_TCP);
	s->tcp_conns = t->nconns;
	for (int i = 0; i < DNS_CLOSE_N; i++)
		s->tcp_closed[i] += t->closed[i];
}

static void conn_unlink(struct conn *c)
{
	struct dns_tcp *t = c->t;

	if (c->prev)
		c->prev->next = c->next;
	else
		t->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		t->tail = c->prev;
}

static void conn_link_head(struct conn *c)
{
	struct dns_tcp *t = c->t;

	c->prev = NULL;
	c->next = t->conns;
	if (t->conns)
		t->conns->prev = c;
	else
		t->tail = c;
	t->conns = c;
}

static void conn_close(struct conn *c, enum dns_tcp_close how)
{
	struct dns_tcp *t = c->t;

	if (how < DNS_CLOSE_N)
		t->closed[how]++;
	ev_timer_stop(t->srv->loop, &c->idle);
	ev_timer_stop(t->srv->loop, &c->msg);
	ev_io_del(t->srv->loop, c->fd);
	close(c->fd);
	conn_unlink(c);
	t->nconns--;
	buf_free(&c->out);
	free(c->rbuf);
	free(c);
}

/* A closing connection whose peer never closed its side: everything it sent has been read, so
 * close() sends no RST; what we sent was FIN. */
static void on_idle(struct ev_timer *tm, void *arg)
{
	struct conn *c = arg;

	conn_close(c, c->closing ? DNS_CLOSE_ORDERLY : DNS_CLOSE_TIMEOUT);
}

static void on_msg_timeout(struct ev_timer *tm, void *arg) { conn_close(arg, DNS_CLOSE_TIMEOUT); }

static int same_source(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return 0;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	if (a->ss_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
			      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
	return 1;
}

/* Closes the least recently active connection with no unsent answers, from peer's source
 * only when peer is given, sparing those of this accept round when spare_new (they have not
 * been read yet; all later ones are at least as recent). 0 when there was none. */
static int close_oldest(struct dns_tcp *t, const struct sockaddr_storage *peer, int spare_new)
{
	for (struct conn *c = t->tail; c; c = c->prev) {
		if (spare_new && c->round == t->round)
			break;
		if (!buf_pending(&c->out) && (!peer || same_source(&c->peer, peer))) {
			conn_close(c, DNS_CLOSE_EVICTED);
			return 1;
		}
	}
	return 0;
}

/* Makes room for a connection from peer; 0 when every candidate is busy answering. */
static int make_room(struct dns_tcp *t, const struct sockaddr_storage *peer)
{
	const struct dns_server_opts *o = t->srv->o;
	int same = 0;

	if (o->tcp_per_source > 0) {
		for (struct conn *c = t->conns; c; c = c->next)
			same += same_source(&c->peer, peer);
		if (same >= o->tcp_per_source && !close_oldest(t, peer, 0))
			return 0;
	}
	return t->nconns < (o->tcp_max > 0 ? o->tcp_max : DNS_TCP_MAX_DEFAULT) ||
	       close_oldest(t, NULL, 0);
}

/* A complete query waits in the read buffer. */
static int query_waits(const struct conn *c)
{
	return c->rlen >= 2 && c->rlen - 2 >= get16(c->rbuf);
}

/* Answers every complete message in the read buffer, in order; over the capacity, a query is
 * dropped as over UDP and the connection kept. */
static void conn_answer(struct conn *c)
{
	struct dns_tcp *t = c->t;
	struct dns_server *srv = t->srv;
	const struct dns_zoneset *zs = atomic_load_explicit(&srv->zs, memory_order_relaxed);
	struct dns_ctx ctx = srv->ctx;
	size_t off = 0;

	ctx.tcp_closing = t->draining;
	while (c->rlen - off >= 2 && buf_pending(&c->out) < TCP_OUT_HIGH) {
		size_t mlen = get16(c->rbuf + off);

		if (c->rlen - off - 2 < mlen)
			break;
		off += 2 + mlen;
		dns_count(&t->cnt.received, 1);
		if (srv->bucket && !dns_bucket_take(srv->bucket, clk_now_ns(), 1)) {
			dns_count(&t->cnt.dropped_capacity, 1);
			continue;
		}
		size_t n = dns_secondaries_answer(
			srv->sec, &ctx, zs, (const struct sockaddr *)&c->peer, c->rbuf + off - mlen,
			mlen, t->scratch, DNS_TCP_MAX, 1);

		if (!n) {
			dns_count(&t->cnt.unanswered, 1);
			continue;
		}
		dns_count(&t->cnt.answered, 1);
		buf_put16(&c->out, (uint16_t)n);
		buf_put(&c->out, t->scratch, n);
		c->closable = 1;
	}
	if (off) {
		memmove(c->rbuf, c->rbuf + off, c->rlen - off);
		c->rlen -= off;
	}
}

static void conn_update(struct conn *c);

/* Draining: every answer is sent; FIN, then wait for the peer's (see the top). */
static void conn_shut(struct conn *c)
{
	struct dns_tcp *t = c->t;

	shutdown(c->fd, SHUT_WR);
	c->closing = 1;
	ev_timer_stop(t->srv->loop, &c->msg);
	ev_timer_start(t->srv->loop, &c->idle, t->srv->o->tcp_idle_ms);
	if (c->events != EPOLLIN) {
		ev_io_mod(t->srv->loop, c->fd, EPOLLIN);
		c->events = EPOLLIN;
	}
}

/* A closing connection: read and throw away until EOF (orderly) or an error (reset). */
static void conn_discard(struct conn *c)
{
	for (int i = 0; i < 16; i++) {
		ssize_t r = recv(c->fd, c->t->scratch, DNS_TCP_MAX, MSG_DONTWAIT);

		if (r > 0)
			continue;
		if (r == 0)
			conn_close(c, DNS_CLOSE_ORDERLY);
		else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			conn_close(c, DNS_CLOSE_RESET);
		return;
	}
}

static void conn_flush(struct conn *c)
{
	while (buf_pending(&c->out)) {
		ssize_t w = send(c->fd, c->out.data + c->out.off, buf_pending(&c->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				break;
			conn_close(c, DNS_CLOSE_RESET);
			return;
		}
		buf_consume(&c->out, (size_t)w);
	}
	conn_update(c);
}

/* Interest follows state: read unless backed up or at EOF, write while output waits. Queries
 * left unanswered when the output buffer was full are answered on the next EPOLLOUT: a socket
 * with room is writable at once, so they never wait for input that may not come, and other
 * connections get their turn in between. */
static void conn_update(struct conn *c)
{
	if (c->eof && !buf_pending(&c->out)) {
		conn_close(c, DNS_CLOSE_ORDERLY);
		return;
	}
	if (c->t->draining && c->closable && !c->closing && !c->rlen && !buf_pending(&c->out)) {
		conn_shut(c);
		return;
	}
	if (c->rlen && !query_waits(c)) {
		if (!ev_timer_active(&c->msg) && c->t->srv->o->tcp_msg_ms)
			ev_timer_start(c->t->srv->loop, &c->msg, c->t->srv->o->tcp_msg_ms);
	} else {
		ev_timer_stop(c->t->srv->loop, &c->msg);
	}
	uint32_t ev = 0;

	if (!c->eof && buf_pending(&c->out) < TCP_OUT_HIGH)
		ev |= EPOLLIN;
	if (buf_pending(&c->out) || (query_waits(c) && buf_pending(&c->out) < TCP_OUT_HIGH))
		ev |= EPOLLOUT;
	if (ev != c->events) {
		ev_io_mod(c->t->srv->loop, c->fd, ev);
		c->events = ev;
	}
}

static void on_conn(int fd, uint32_t events, void *arg)
{
	struct conn *c = arg;

	if (c->closing) { /* the idle timer keeps running: it bounds the wait for the peer */
		conn_discard(c);
		return;
	}
	ev_timer_start(c->t->srv->loop, &c->idle, c->t->srv->o->tcp_idle_ms);
	conn_unlink(c);
	conn_link_head(c);
	if (events & EPOLLIN) {
		for (int i = 0; i < 16; i++) {
			/* Answer first: a full read buffer would make recv return 0, not EOF. */
			conn_answer(c);
			if (buf_pending(&c->out) >= TCP_OUT_HIGH || c->rlen == TCP_RBUF)
				break;
			ssize_t r = recv(fd, c->rbuf + c->rlen, TCP_RBUF - c->rlen, MSG_DONTWAIT);

			if (r > 0) {
				c->rlen += (size_t)r;
				continue;
			}
			if (r == 0) {
				c->eof = 1; /* a half-close still gets its answers */
			} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
				conn_close(c, DNS_CLOSE_RESET);
				return;
			}
			break;
		}
	} else if (events & (EPOLLERR | EPOLLHUP)) {
		conn_close(c, DNS_CLOSE_RESET);
		return;
	}
	/* Answers may have waited for room in the output buffer. */
	conn_answer(c);
	conn_flush(c);
}

static void listeners_set(struct dns_tcp *t, uint32_t events)
{
	for (int k = 0; k < t->nl; k++)
		ev_io_mod(t->srv->loop, t->lfds[k], events);
}

static void on_pause_end(struct ev_timer *tm, void *arg) { listeners_set(arg, EPOLLIN); }

/* Out of descriptors: the pending connection stays in the backlog and the listener stays
 * readable, so retrying as is would spin. Closing the least recently active connection frees
 * a descriptor for it (1: try again); with none to close, the listeners rest a while (0).
 * Logged once per episode, not once per attempt. */
static int starve(struct dns_tcp *t)
{
	uint64_t now = ev_now(t->srv->loop);

	if (!t->starved_at || now - t->starved_at >= EPISODE_MS)
		log_warn("tcp accept: %s; closing the oldest connections, or pausing %d ms",
			 strerror(errno), TCP_PAUSE_MS);
	t->starved_at = now ? now : 1;
	if (close_oldest(t, NULL, 1))
		return 1;
	listeners_set(t, 0);
	ev_timer_start(t->srv->loop, &t->pause, TCP_PAUSE_MS);
	return 0;
}

static void on_accept(int lfd, uint32_t events, void *arg)
{
	struct dns_tcp *t = arg;

	t->round++;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage peer;
		socklen_t pl = sizeof(peer);
		int fd = accept4(lfd, (struct sockaddr *)&peer, &pl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int one = 1;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				if (starve(t))
					continue;
			} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR &&
				   errno != ECONNABORTED) {
				log_warn("tcp accept: %s", strerror(errno));
			}
			return;
		}
		if (!make_room(t, &peer)) {
			close(fd);
			continue;
		}
		/* Replies go out as soon as they are made, not held back by Nagle. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct conn *c = xcalloc(1, sizeof(*c));

		c->t = t;
		c->fd = fd;
		c->peer = peer;
		c->round = t->round;
		c->rbuf = xmalloc(TCP_RBUF);
		buf_init(&c->out);
		ev_timer_init(&c->idle, on_idle, c);
		ev_timer_init(&c->msg, on_msg_timeout, c);
		c->events = EPOLLIN;
		if (ev_io_add(t->srv->loop, fd, EPOLLIN, on_conn, c) < 0) {
			close(fd);
			free(c->rbuf);
			free(c);
			continue;
		}
		ev_timer_start(t->srv->loop, &c->idle, t->srv->o->tcp_idle_ms);
		conn_link_head(c);
		t->nconns++;
	}
}

struct dns_tcp *dns_tcp_start(struct dns_server *srv, const struct dns_listen *l, int n)
{
	struct dns_tcp *t = xcalloc(1, sizeof(*t));

	t->srv = srv;
	t->lfds = xmalloc(sizeof(int) * (size_t)n);
	t->scratch = xmalloc(DNS_TCP_MAX);
	ev_timer_init(&t->pause, on_pause_end, t);
	for (int k = 0; k < n; k++) {
		int fd = socket(l[k].ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		int one = 1;

		if (fd >= 0) {
			setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (l[k].ss.ss_family == AF_INET6)
				setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		}
		if (fd < 0 || bind(fd, (const struct sockaddr *)&l[k].ss, l[k].sslen) < 0 ||
		    listen(fd, 128) < 0 || ev_io_add(srv->loop, fd, EPOLLIN, on_accept, t) < 0) {
			log_err("tcp %s: %s", l[k].text, strerror(errno));
			if (fd >= 0)
				close(fd);
			t->nl = k;
			dns_tcp_stop(t);
			return NULL;
		}
		t->lfds[k] = fd;
	}
	t->nl = n;
	return t;
}

/* Classic BPF over a TCP segment as the listener's filter sees it (from the TCP header): the
 * flags octet is at 13; SYN without ACK is dropped (0), anything else kept whole. */
static const struct sock_filter syn_drop[] = {
	BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 13),
	BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0x12), /* SYN | ACK */
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x02, 0, 1),
	BPF_STMT(BPF_RET | BPF_K, 0),
	BPF_STMT(BPF_RET | BPF_K, 0xffffffffu),
};

/* New connections: taken (1) or their SYNs dropped (0). Accepted ones inherit the filter;
 * harmless, as an established connection never receives a bare SYN. */
static void listeners_take_syn(struct dns_tcp *t, int take)
{
	struct sock_fprog prog = { .len = sizeof(syn_drop) / sizeof(syn_drop[0]),
				   .filter = (struct sock_filter *)syn_drop };
	int dummy = 0;

	for (int k = 0; k < t->nl; k++) {
		int r = take ? setsockopt(t->lfds[k], SOL_SOCKET, SO_DETACH_FILTER, &dummy,
					  sizeof(dummy))
			     : setsockopt(t->lfds[k], SOL_SOCKET, SO_ATTACH_FILTER, &prog,
					  sizeof(prog));

		if (r < 0 && !(take && errno == ENOENT))
			log_warn("tcp listener: %s the SYN filter: %s",
				 take ? "detaching" : "attaching", strerror(errno));
	}
}

void dns_tcp_drain(struct dns_tcp *t, int on)
{
	if (on != t->draining)
		listeners_take_syn(t, !on);
	t->draining = on;
	if (!on)
		return; /* those closing already finish closing */
	for (struct conn *c = t->conns, *next; c; c = next) {
		next = c->next;
		c->closable = 1;
		if (!c->closing)
			conn_update(c); /* idle ones close now, busy ones when answered */
	}
}

void dns_tcp_stop(struct dns_tcp *t)
{
	while (t->conns) /* not counted: the server stops */
		conn_close(t->conns, DNS_CLOSE_N);
	ev_timer_stop(t->srv->loop, &t->pause);
	for (int k = 0; k < t->nl; k++) {
		ev_io_del(t->srv->loop, t->lfds[k]);
		close(t->lfds[k]);
	}
	free(t->lfds);
	free(t->scratch);
	free(t);
}
