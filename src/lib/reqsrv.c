/* A stream server of one request and one answer per connection. Connections are kept newest
 * first, so the oldest (the one to close when full) is the tail. */
#include "lib/reqsrv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"

#define EPISODE_MS 10000

struct reqsrv_conn {
	struct reqsrv *s;
	struct reqsrv_conn *prev, *next;
	int fd;
	struct buf in, out;
	struct ev_timer idle;
	int answered;
	int waiting;    /* REQSRV_LATER: the handler's owner holds it until reqsrv_reply */
	int detached;   /* out of the event loop (the client hung up while waiting) */
	unsigned round; /* the accept round that made it */
};

struct reqsrv {
	struct ev_loop *loop;
	int fd;
	size_t max_req;
	unsigned idle_ms;
	int max_conns, nconns;
	reqsrv_complete_fn *complete;
	reqsrv_handler *handler;
	void *arg;
	struct reqsrv_conn *conns, *tail;
	struct ev_timer pause; /* running while the listener rests after EMFILE */
	uint64_t starved_at;   /* last EMFILE (ms); an episode ends after EPISODE_MS without */
	unsigned round;        /* accept rounds (calls of on_accept) so far */
};

static void conn_close(struct reqsrv_conn *c)
{
	struct reqsrv *s = c->s;

	ev_timer_stop(s->loop, &c->idle);
	if (!c->detached)
		ev_io_del(s->loop, c->fd);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		s->tail = c->prev;
	s->nconns--;
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

/* Closes the oldest connection that nobody holds, sparing those of this accept round when
 * spare_new (they have not been read yet). 0 when there was none. */
static int close_oldest(struct reqsrv *s, int spare_new)
{
	for (struct reqsrv_conn *c = s->tail; c; c = c->prev) {
		if (spare_new && c->round == s->round)
			break;
		if (!c->waiting) {
			conn_close(c);
			return 1;
		}
	}
	return 0;
}

static void on_idle(struct ev_timer *t, void *arg) { conn_close(arg); }

static void conn_io(int fd, uint32_t events, void *arg)
{
	struct reqsrv_conn *c = arg;

	if (c->waiting) {
		/* Hung up before the answer (epoll reports that whatever we asked for): stop
		 * watching until the answer comes, which then finds out the rest. */
		ev_io_del(c->s->loop, fd);
		c->detached = 1;
		return;
	}
	if (!c->answered) {
		buf_reserve(&c->in, 1024);
		ssize_t n = read(fd, c->in.data + c->in.len, c->in.cap - c->in.len - 1);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0 || c->in.len + (size_t)n > c->s->max_req) {
			conn_close(c);
			return;
		}
		ev_timer_start(c->s->loop, &c->idle, c->s->idle_ms);
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = 0;
		if (!c->s->complete((const char *)c->in.data, c->in.len))
			return;
		c->answered = 1;
		if (c->s->handler(c, (char *)c->in.data, c->in.len, &c->out, c->s->arg) ==
		    REQSRV_LATER) {
			/* The owner holds c now: no timer may free it under its feet. */
			ev_timer_stop(c->s->loop, &c->idle);
			c->waiting = 1;
			ev_io_mod(c->s->loop, fd, 0);
			return;
		}
		ev_io_mod(c->s->loop, fd, EPOLLOUT);
	}
	while (buf_pending(&c->out)) {
		ssize_t n = send(fd, c->out.data + c->out.off, buf_pending(&c->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			break;
		buf_consume(&c->out, (size_t)n);
		ev_timer_start(c->s->loop, &c->idle, c->s->idle_ms);
	}
	conn_close(c);
}

void reqsrv_reply(struct reqsrv_conn *c, const struct buf *out)
{
	buf_put(&c->out, out->data, out->len);
	c->waiting = 0;
	ev_timer_start(c->s->loop, &c->idle, c->s->idle_ms);
	if (c->detached) {
		c->detached = 0;
		ev_io_add(c->s->loop, c->fd, EPOLLOUT, conn_io, c);
	} else {
		ev_io_mod(c->s->loop, c->fd, EPOLLOUT);
	}
}

static void on_pause_end(struct ev_timer *t, void *arg)
{
	struct reqsrv *s = arg;

	ev_io_mod(s->loop, s->fd, EPOLLIN);
}

/* Out of descriptors: the pending connection stays in the backlog and the listener stays
 * readable, so retrying as is would spin. Closing the oldest connection frees a descriptor
 * for it (1: try again); with none to close, the listener rests a while (0). Logged once per
 * episode, not once per attempt. */
static int starve(struct reqsrv *s)
{
	uint64_t now = ev_now(s->loop);

	if (!s->starved_at || now - s->starved_at >= EPISODE_MS)
		log_warn("accept: %s; closing the oldest connections, or pausing %d ms",
			 strerror(errno), REQSRV_PAUSE_MS);
	s->starved_at = now ? now : 1;
	if (close_oldest(s, 1))
		return 1;
	ev_io_mod(s->loop, s->fd, 0);
	ev_timer_start(s->loop, &s->pause, REQSRV_PAUSE_MS);
	return 0;
}

static void on_accept(int lfd, uint32_t events, void *arg)
{
	struct reqsrv *s = arg;

	s->round++;
	for (int i = 0; i < 64; i++) { /* then others get their turn */
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM) {
				if (starve(s))
					continue;
			}
			return;
		}
		if (s->nconns >= s->max_conns && !close_oldest(s, 0)) {
			close(fd);
			continue;
		}
		struct reqsrv_conn *c = xcalloc(1, sizeof(*c));

		c->s = s;
		c->fd = fd;
		c->round = s->round;
		buf_init(&c->in);
		buf_init(&c->out);
		ev_timer_init(&c->idle, on_idle, c);
		ev_timer_start(s->loop, &c->idle, s->idle_ms);
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		else
			s->tail = c;
		s->conns = c;
		s->nconns++;
		ev_io_add(s->loop, fd, EPOLLIN, conn_io, c);
	}
}

struct reqsrv *reqsrv_new(struct ev_loop *loop, int lfd, size_t max_req,
			  reqsrv_complete_fn *complete, reqsrv_handler *h, void *arg)
{
	struct reqsrv *s = xcalloc(1, sizeof(*s));

	s->loop = loop;
	s->fd = lfd;
	s->max_req = max_req;
	s->idle_ms = REQSRV_IDLE_DEFAULT_MS;
	s->max_conns = REQSRV_MAX_CONNS_DEFAULT;
	s->complete = complete;
	s->handler = h;
	s->arg = arg;
	ev_timer_init(&s->pause, on_pause_end, s);
	ev_io_add(loop, lfd, EPOLLIN, on_accept, s);
	return s;
}

void reqsrv_set_limits(struct reqsrv *s, unsigned idle_ms, int max_conns)
{
	if (idle_ms)
		s->idle_ms = idle_ms;
	if (max_conns > 0)
		s->max_conns = max_conns;
}

int reqsrv_conns(const struct reqsrv *s) { return s->nconns; }

void reqsrv_free(struct reqsrv *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_close(s->conns);
	ev_timer_stop(s->loop, &s->pause);
	ev_io_del(s->loop, s->fd);
	close(s->fd);
	free(s);
}
