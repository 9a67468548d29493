/* A stream server of one request and one answer per connection. */
#include "lib/reqsrv.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"

struct reqsrv_conn {
	struct reqsrv *s;
	struct reqsrv_conn *prev, *next;
	int fd;
	struct buf in, out;
	int answered;
	int waiting;  /* REQSRV_LATER: the handler's owner holds it until reqsrv_reply */
	int detached; /* out of the event loop (the client hung up while waiting) */
};

struct reqsrv {
	struct ev_loop *loop;
	int fd;
	size_t max_req;
	reqsrv_complete_fn *complete;
	reqsrv_handler *handler;
	void *arg;
	struct reqsrv_conn *conns;
};

static void conn_close(struct reqsrv_conn *c)
{
	if (!c->detached)
		ev_io_del(c->s->loop, c->fd);
	close(c->fd);
	if (c->prev)
		c->prev->next = c->next;
	else
		c->s->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

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
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = 0;
		if (!c->s->complete((const char *)c->in.data, c->in.len))
			return;
		c->answered = 1;
		if (c->s->handler(c, (char *)c->in.data, c->in.len, &c->out, c->s->arg) ==
		    REQSRV_LATER) {
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
	}
	conn_close(c);
}

void reqsrv_reply(struct reqsrv_conn *c, const struct buf *out)
{
	buf_put(&c->out, out->data, out->len);
	c->waiting = 0;
	if (c->detached) {
		c->detached = 0;
		ev_io_add(c->s->loop, c->fd, EPOLLOUT, conn_io, c);
	} else {
		ev_io_mod(c->s->loop, c->fd, EPOLLOUT);
	}
}

static void on_accept(int lfd, uint32_t events, void *arg)
{
	struct reqsrv *s = arg;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct reqsrv_conn *c = xcalloc(1, sizeof(*c));

		c->s = s;
		c->fd = fd;
		buf_init(&c->in);
		buf_init(&c->out);
		c->next = s->conns;
		if (s->conns)
			s->conns->prev = c;
		s->conns = c;
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
	s->complete = complete;
	s->handler = h;
	s->arg = arg;
	ev_io_add(loop, lfd, EPOLLIN, on_accept, s);
	return s;
}

void reqsrv_free(struct reqsrv *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_close(s->conns);
	ev_io_del(s->loop, s->fd);
	close(s->fd);
	free(s);
}
