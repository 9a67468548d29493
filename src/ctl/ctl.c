/* The control socket, server and client. */
#include "ctl/ctl.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"

#define CTL_MAX_LINE 4096
#define CTL_MAX_ARGS 32

struct ctl_server {
	struct ev_loop *loop;
	int fd;
	char *path;
	ctl_handler *handler;
	void *arg;
};

/* One client connection: read a line, answer, close. */
struct ctl_conn {
	struct ctl_server *s;
	int fd;
	struct buf in, out;
	int answered;
	int waiting;            /* CTL_LATER: the daemon owns this until ctl_reply */
	int detached;           /* no longer in the event loop (client hung up meanwhile) */
};

static void conn_close(struct ctl_conn *c)
{
	if (!c->detached)
		ev_io_del(c->s->loop, c->fd);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

static void answer(struct ctl_conn *c)
{
	char *line = (char *)c->in.data, *argv[CTL_MAX_ARGS + 1], *save = NULL;
	int argc = 0;
	struct buf body;

	for (char *w = strtok_r(line, " \t\r\n", &save); w && argc < CTL_MAX_ARGS;
	     w = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	buf_init(&body);
	c->answered = 1;
	int r = argc ? c->s->handler(argc, argv, &body, c->s->arg, c) : -1;

	if (!argc)
		buf_printf(&body, "empty command\n");
	c->waiting = r == CTL_LATER;
	if (r != CTL_LATER) {
		buf_printf(&c->out, "%s\n", r == 0 ? "ok" : "error");
		buf_put(&c->out, body.data, body.len);
	}
	buf_free(&body);
}

static void conn_io(int fd, uint32_t events, void *arg);

void ctl_reply(struct ctl_conn *c, int status, const struct buf *body)
{
	buf_printf(&c->out, "%s\n", status == 0 ? "ok" : "error");
	buf_put(&c->out, body->data, body->len);
	c->waiting = 0;
	if (c->detached) {
		c->detached = 0;
		ev_io_add(c->s->loop, c->fd, EPOLLOUT, conn_io, c);
	} else {
		ev_io_mod(c->s->loop, c->fd, EPOLLOUT);
	}
}

static void conn_io(int fd, uint32_t events, void *arg)
{
	struct ctl_conn *c = arg;

	if (c->waiting) {
		/* The client hung up before the answer: stop watching until ctl_reply. */
		ev_io_del(c->s->loop, fd);
		c->detached = 1;
		return;
	}
	if (!c->answered) {
		buf_reserve(&c->in, 512);
		ssize_t n = read(fd, c->in.data + c->in.len, c->in.cap - c->in.len - 1);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0 || c->in.len + (size_t)n >= CTL_MAX_LINE) {
			conn_close(c);
			return;
		}
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = 0;
		if (!memchr(c->in.data, '\n', c->in.len))
			return;
		answer(c);
		/* A deferred answer: wait for ctl_reply (no events until then). */
		ev_io_mod(c->s->loop, fd, buf_pending(&c->out) ? EPOLLOUT : 0);
		if (!buf_pending(&c->out))
			return;
	}
	/* Write the answer without blocking the daemon; a slow reader only delays itself. */
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

static void on_accept(int lfd, uint32_t events, void *arg)
{
	struct ctl_server *s = arg;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct ctl_conn *c = xcalloc(1, sizeof(*c));

		c->s = s;
		c->fd = fd;
		buf_init(&c->in);
		buf_init(&c->out);
		ev_io_add(s->loop, fd, EPOLLIN, conn_io, c);
	}
}

static int make_addr(const char *path, struct sockaddr_un *sun, char *err, size_t errlen)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "control socket path too long: %s", path);
		return -1;
	}
	strcpy(sun->sun_path, path);
	return 0;
}

struct ctl_server *ctl_listen(struct ev_loop *loop, const char *path, ctl_handler *h, void *arg,
			      char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd;

	if (make_addr(path, &sun, err, errlen) < 0)
		return NULL;
	/* Create the directory if it is the default one under /run. */
	char dir[sizeof(sun.sun_path)];

	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');

	if (slash && slash != dir) {
		*slash = 0;
		mkdir(dir, 0755);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	/* A socket file left by a crashed daemon is stale only if nobody answers on it. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
		snprintf(err, errlen, "control socket %s: another anycastd is running", path);
		close(fd);
		return NULL;
	}
	unlink(path);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 || listen(fd, 16) < 0)
		goto fail;
	chmod(path, 0660);
	struct ctl_server *s = xcalloc(1, sizeof(*s));

	s->loop = loop;
	s->fd = fd;
	s->path = xstrdup(path);
	s->handler = h;
	s->arg = arg;
	ev_io_add(loop, fd, EPOLLIN, on_accept, s);
	return s;
fail:
	snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return NULL;
}

void ctl_close(struct ctl_server *s)
{
	if (!s)
		return;
	ev_io_del(s->loop, s->fd);
	close(s->fd);
	unlink(s->path);
	free(s->path);
	free(s);
}

int ctl_call(const char *path, int argc, char **argv, struct buf *out, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct buf req, resp;
	int fd;

	if (make_addr(path, &sun, err, errlen) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		snprintf(err, errlen, "cannot reach anycastd at %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	buf_init(&req);
	for (int i = 0; i < argc; i++)
		buf_printf(&req, "%s%s", i ? " " : "", argv[i]);
	buf_put8(&req, '\n');
	if (write(fd, req.data, req.len) != (ssize_t)req.len) {
		snprintf(err, errlen, "write to %s: %s", path, strerror(errno));
		buf_free(&req);
		close(fd);
		return -1;
	}
	buf_free(&req);
	buf_init(&resp);
	for (;;) {
		buf_reserve(&resp, 65536);
		ssize_t n = read(fd, resp.data + resp.len, resp.cap - resp.len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		resp.len += (size_t)n;
	}
	close(fd);
	char *nl = resp.len ? memchr(resp.data, '\n', resp.len) : NULL;

	if (!nl) {
		snprintf(err, errlen, "anycastd at %s closed the connection without an answer",
			 path);
		buf_free(&resp);
		return -1;
	}
	int ok = (size_t)(nl - (char *)resp.data) == 2 && memcmp(resp.data, "ok", 2) == 0;
	size_t off = (size_t)(nl - (char *)resp.data) + 1;

	buf_put(out, resp.data + off, resp.len - off);
	buf_free(&resp);
	return ok ? 0 : 1;
}
