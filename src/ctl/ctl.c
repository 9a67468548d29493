/* The control socket, server and client. */
#include "ctl/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/reqsrv.h"

#define CTL_MAX_LINE 4096
#define CTL_MAX_ARGS 32

struct ctl_server {
	struct reqsrv *srv;
	char *path;
	ctl_handler *handler;
	void *arg;
};

static int line_complete(const char *req, size_t len) { return memchr(req, '\n', len) != NULL; }

static void status_line(struct buf *out, int status, const struct buf *body)
{
	buf_printf(out, "%s\n", status == 0 ? "ok" : "error");
	buf_put(out, body->data, body->len);
}

/* One command line: words to argv, the handler, then "ok" or "error" and the body. */
static int answer(struct reqsrv_conn *c, char *line, size_t len, struct buf *out, void *arg)
{
	struct ctl_server *s = arg;
	char *argv[CTL_MAX_ARGS + 1], *save = NULL;
	int argc = 0;
	struct buf body;

	for (char *w = strtok_r(line, " \t\r\n", &save); w && argc < CTL_MAX_ARGS;
	     w = strtok_r(NULL, " \t\r\n", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	buf_init(&body);
	int r = argc ? s->handler(argc, argv, &body, s->arg, c) : -1;

	if (!argc)
		buf_printf(&body, "empty command\n");
	if (r != CTL_LATER)
		status_line(out, r, &body);
	buf_free(&body);
	return r == CTL_LATER ? REQSRV_LATER : 0;
}

void ctl_reply(struct reqsrv_conn *c, int status, const struct buf *body)
{
	struct buf out;

	buf_init(&out);
	status_line(&out, status, body);
	reqsrv_reply(c, &out);
	buf_free(&out);
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

	s->path = xstrdup(path);
	s->handler = h;
	s->arg = arg;
	s->srv = reqsrv_new(loop, fd, CTL_MAX_LINE, line_complete, answer, s);
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
	reqsrv_free(s->srv);
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
