/* Health checks, non-blocking inside the event loop. */
#include "node/check.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns/query.h"
#include "lib/log.h"
#include "node/loadval.h"
#include "node/sockdiag.h"
#include "node/spawn.h"

#define HTTP_MAX_RESPONSE 65536

const char *check_kind_name(enum conf_check_kind k)
{
	switch (k) {
	case CHECK_TCP: return "tcp";
	case CHECK_HTTP: return "http";
	case CHECK_DNS: return "dns";
	case CHECK_EXEC: return "exec";
	case CHECK_PROCESS: return "process";
	case CHECK_LISTEN: return "listen";
	}
	return "?";
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int check_conf_equal(const struct conf_check *a, const struct conf_check *b)
{
	return a->kind == b->kind && str_eq(a->target, b->target) && a->port == b->port &&
	       str_eq(a->dns_name, b->dns_name) && a->dns_type == b->dns_type && a->udp == b->udp &&
	       a->http_expect == b->http_expect && str_eq(a->http_body, b->http_body) &&
	       a->interval_ms == b->interval_ms && a->fast_interval_ms == b->fast_interval_ms &&
	       a->timeout_ms == b->timeout_ms && a->rise == b->rise && a->fall == b->fall &&
	       a->run_as.set == b->run_as.set && a->run_as.uid == b->run_as.uid &&
	       a->run_as.gid == b->run_as.gid && a->load == b->load &&
	       str_eq(a->load_metric, b->load_metric);
}

/* ---- completing a run ---- */

static void schedule(struct check *c)
{
	/* Between states (a success while down or a failure while up) run at the fast interval,
	 * so that rise and fall take rise*fast and fall*fast, not rise*interval. */
	int moving = c->ok ? c->fail_streak > 0 : c->ok_streak > 0;
	uint32_t ms = moving && c->conf.fast_interval_ms ? c->conf.fast_interval_ms
							 : c->conf.interval_ms;

	ev_timer_start(c->loop, &c->next, ms);
}

static void close_out(struct check *c)
{
	if (c->out_fd < 0)
		return;
	ev_io_del(c->loop, c->out_fd);
	close(c->out_fd);
	c->out_fd = -1;
}

static void cleanup_io(struct check *c)
{
	close_out(c);
	if (c->fd >= 0) {
		ev_io_del(c->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	ev_timer_stop(c->loop, &c->deadline);
	buf_reset(&c->io);
	c->http_sent = 0;
}

static void finish(struct check *c, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void finish(struct check *c, int ok, const char *fmt, ...)
{
	va_list ap;
	int was = c->ok;

	cleanup_io(c);
	c->running = 0;
	c->has_run = 1;
	c->runs++;
	c->last_ms = (uint32_t)(ev_now(c->loop) - c->started_at);
	c->last_ok = (uint8_t)ok;
	c->last_error[0] = 0;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(c->last_error, sizeof(c->last_error), fmt, ap);
		va_end(ap);
	}
	if (ok) {
		c->ok_streak++;
		c->fail_streak = 0;
		if (!c->ok && c->ok_streak >= c->conf.rise)
			c->ok = 1;
	} else {
		c->failures++;
		c->fail_streak++;
		c->ok_streak = 0;
		if (c->ok && c->fail_streak >= c->conf.fall)
			c->ok = 0;
	}
	if (c->ok != was)
		log_info("check %s: %s%s%s", c->label, c->ok ? "up" : "down",
			 c->last_error[0] ? ": " : "", c->last_error);
	else if (!ok)
		log_debug("check %s failed: %s", c->label, c->last_error);
	schedule(c);
	c->cb(c, c->ok != was, c->arg);
}

/* ---- process: a pidfd on the process a pid file names ---- */

static void process_unwatch(struct check *c)
{
	if (c->watch_fd < 0)
		return;
	ev_io_del(c->loop, c->watch_fd);
	close(c->watch_fd);
	c->watch_fd = -1;
	c->watch_pid = 0;
}

/* The watched process exited: the check fails now, whatever fall says (there is nothing to
 * retry: the process is gone); the pid file is read again at the next run. */
static void process_exited(int fd, uint32_t events, void *arg)
{
	struct check *c = arg;
	pid_t pid = c->watch_pid;

	process_unwatch(c);
	if (c->running)
		return;
	c->started_at = ev_now(c->loop);
	if (c->conf.fall > 1)
		c->fail_streak = c->conf.fall - 1;
	finish(c, 0, "process %d exited", (int)pid);
}

static long read_pid(const char *path)
{
	char b[32];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, b, sizeof(b) - 1) : -1;
	char *end;
	long pid;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return -1;
	b[n] = 0;
	pid = strtol(b, &end, 10);
	return pid > 0 && pid < INT32_MAX && (*end == 0 || *end == '\n') ? pid : -1;
}

/* Reads the pid file; the process it names is watched through a pidfd until it exits. */
static void process_run(struct check *c)
{
	long pid = read_pid(c->conf.target);
	int fd;

	if (pid < 0) {
		process_unwatch(c);
		finish(c, 0, "no pid in %s", c->conf.target);
		return;
	}
	if (c->watch_fd >= 0 && c->watch_pid == pid) {
		finish(c, 1, NULL);
		return;
	}
	process_unwatch(c);
	fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (fd < 0 && errno == ENOSYS) {
		/* No pidfd (old kernels, valgrind): alive or not at each run only. */
		if (kill((pid_t)pid, 0) == 0 || errno == EPERM)
			finish(c, 1, NULL);
		else
			finish(c, 0, "process %ld: %s", pid, strerror(errno));
		return;
	}
	if (fd < 0) {
		finish(c, 0, "process %ld: %s", pid, strerror(errno));
		return;
	}
	if (ev_io_add(c->loop, fd, EPOLLIN, process_exited, c) < 0) {
		close(fd);
		finish(c, 0, "process %ld: cannot watch it", pid);
		return;
	}
	c->watch_fd = fd;
	c->watch_pid = (pid_t)pid;
	finish(c, 1, NULL);
}

/* ---- tcp and http ---- */

static void http_io(struct check *c, uint32_t events)
{
	if (!c->http_sent) {
		struct buf req;

		buf_init(&req);
		buf_printf(&req,
			   "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: anycastd\r\n"
			   "Connection: close\r\n\r\n",
			   c->conf.http_path ? c->conf.http_path : "/",
			   c->conf.http_host ? c->conf.http_host : "localhost");
		/* A request this small fits any fresh socket buffer. */
		ssize_t n = send(c->fd, req.data, req.len, MSG_NOSIGNAL);

		buf_free(&req);
		if (n < 0) {
			finish(c, 0, "send: %s", strerror(errno));
			return;
		}
		c->http_sent = 1;
		ev_io_mod(c->loop, c->fd, EPOLLIN);
		return;
	}
	for (;;) {
		buf_reserve(&c->io, 4096);
		ssize_t n = recv(c->fd, c->io.data + c->io.len, c->io.cap - c->io.len - 1,
				 MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			finish(c, 0, "recv: %s", strerror(errno));
			return;
		}
		if (n == 0 || c->io.len + (size_t)n >= HTTP_MAX_RESPONSE)
			break;
		c->io.len += (size_t)n;
	}
	c->io.data[c->io.len] = 0;
	int major, minor, status;
	const char *resp = (const char *)c->io.data;

	if (sscanf(resp, "HTTP/%d.%d %d", &major, &minor, &status) != 3) {
		finish(c, 0, "not an HTTP response");
		return;
	}
	if (status != c->conf.http_expect) {
		finish(c, 0, "status %d, expected %d", status, c->conf.http_expect);
		return;
	}
	const char *body = strstr(resp, "\r\n\r\n");

	if (c->conf.http_body && (!body || !strstr(body + 4, c->conf.http_body))) {
		finish(c, 0, "body does not contain \"%s\"", c->conf.http_body);
		return;
	}
	if (c->conf.load) {
		const char *b = body ? body + 4 : "", *why = "";
		size_t bl = strlen(b);
		double v;
		int r = c->conf.load_metric
				? loadval_prom_sample(b, bl, c->conf.load_metric, &v, &why)
				: loadval_bare_number(b, bl, &v, &why);

		if (r < 0) {
			finish(c, 0, "load unreadable: %s", why);
			return;
		}
		c->load = v;
		c->has_load = 1;
	}
	finish(c, 1, NULL);
}

static void sock_io(int fd, uint32_t events, void *arg)
{
	struct check *c = arg;

	if (c->conf.kind == CHECK_DNS) {
		uint8_t resp[4096];
		ssize_t n = recv(fd, resp, sizeof(resp), MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n < 0) {
			finish(c, 0, "recv: %s", strerror(errno));
			return;
		}
		struct dns_reply r;

		/* A stray datagram (another ID, not a response to our question) is ignored. */
		if (dns_reply_parse(resp, (size_t)n, &c->dns_q, &r) < 0 || r.id != c->dns_id)
			return;
		if (r.rcode != DNS_RC_NOERROR)
			finish(c, 0, "rcode %d (%s)", r.rcode,
			       dns_rcode_name(r.rcode) ? dns_rcode_name(r.rcode) : "?");
		else if (r.ancount == 0)
			finish(c, 0, "no answer");
		else
			finish(c, 1, NULL);
		return;
	}
	if (!c->http_sent && c->io.len == 0) {
		/* The connect completed, or failed. */
		int err = 0;
		socklen_t sl = sizeof(err);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		if (err) {
			finish(c, 0, "connect: %s", strerror(err));
			return;
		}
		if (c->conf.kind == CHECK_TCP) {
			finish(c, 1, NULL);
			return;
		}
	}
	http_io(c, events);
}

static int open_socket(struct check *c, int type)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(&c->conf.addr, c->conf.port, &ss);

	c->fd = socket(c->conf.addr.af, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		finish(c, 0, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(c->fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		finish(c, 0, "connect: %s", strerror(errno));
		return -1;
	}
	ev_io_add(c->loop, c->fd, type == SOCK_STREAM ? EPOLLOUT : EPOLLIN, sock_io, c);
	return 0;
}

/* ---- dns ---- */

static void dns_send(struct check *c)
{
	uint8_t q[DNS_QUERY_MAX];
	const char *why = "too long";
	int n;

	c->dns_id = (uint16_t)(random() & 0xffff);
	/* the configuration parser checked the name already */
	if (dns_question_set(&c->dns_q, c->conf.dns_name ? c->conf.dns_name : ".", c->conf.dns_type,
			     DNS_C_IN, &why) < 0 ||
	    (n = dns_query_build(q, sizeof(q), c->dns_id, &c->dns_q, NULL)) < 0) {
		finish(c, 0, "bad query name: %s", why);
		return;
	}
	if (send(c->fd, q, (size_t)n, MSG_DONTWAIT) < 0)
		finish(c, 0, "send: %s", strerror(errno));
}

/* ---- exec ---- */

#define REAP_POLL_MS 10

/* A load command's stdout, read as it comes so that a chatty one never blocks on a full pipe;
 * past LOADVAL_MAX_TEXT it is dropped. */
static void read_out(int fd, uint32_t events, void *arg)
{
	struct check *c = arg;
	char b[4096];
	ssize_t n;

	while ((n = read(fd, b, sizeof(b))) > 0)
		if (c->io.len + (size_t)n <= LOADVAL_MAX_TEXT)
			buf_put(&c->io, b, (size_t)n);
	if (n == 0)
		close_out(c); /* EOF: every writer is gone */
}

static void exec_load_done(struct check *c)
{
	const char *why = "";
	double v;

	if (loadval_first_number((const char *)c->io.data, c->io.len, &v, &why) < 0) {
		finish(c, 0, "load unreadable: %s", why);
		return;
	}
	c->load = v;
	c->has_load = 1;
	finish(c, 1, NULL);
}

/* The child may be done: reap it and report. Returns 0 if it is still running. */
static int reap_child(struct check *c)
{
	int status = 0;

	if (waitpid(c->pid, &status, WNOHANG) == 0)
		return 0;
	if (c->pidfd >= 0) {
		ev_io_del(c->loop, c->pidfd);
		close(c->pidfd);
		c->pidfd = -1;
	}
	ev_timer_stop(c->loop, &c->reap);
	c->pid = 0;
	if (c->out_fd >= 0)
		read_out(c->out_fd, 0, c);
	if (c->killed)
		finish(c, 0, "timed out after %ums, killed", c->conf.timeout_ms);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && c->conf.load)
		exec_load_done(c);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		finish(c, 1, NULL);
	else if (WIFEXITED(status))
		finish(c, 0, "exit status %d", WEXITSTATUS(status));
	else
		finish(c, 0, "killed by signal %d", WTERMSIG(status));
	return 1;
}

static void child_exited(int fd, uint32_t events, void *arg) { reap_child(arg); }

static void reap_poll(struct ev_timer *t, void *arg)
{
	struct check *c = arg;

	if (!reap_child(c))
		ev_timer_start(c->loop, t, REAP_POLL_MS);
}

static void exec_start(struct check *c)
{
	int p[2] = { -1, -1 }, r;

	buf_reset(&c->io);
	if (c->conf.load) {
		if (pipe2(p, O_CLOEXEC) < 0) {
			finish(c, 0, "pipe: %s", strerror(errno));
			return;
		}
		/* our end only: the child's stdout stays blocking */
		fcntl(p[0], F_SETFL, O_NONBLOCK);
	}
	r = spawn_sh_out(c->conf.target, &c->conf.run_as, p[1], &c->pid);
	if (p[1] >= 0)
		close(p[1]);
	if (p[0] >= 0) {
		c->out_fd = p[0];
		if (r == 0)
			ev_io_add(c->loop, c->out_fd, EPOLLIN, read_out, c);
	}
	if (r != 0) {
		c->pid = 0;
		finish(c, 0, "spawn: %s", strerror(r));
		return;
	}
	/* A pidfd tells the loop when the child is done: no SIGCHLD handler, no zombie. */
	c->pidfd = (int)syscall(SYS_pidfd_open, c->pid, 0);
	if (c->pidfd < 0) {
		/* Kernels before 5.3 (and valgrind) have no pidfd: look every few ms instead. */
		ev_timer_start(c->loop, &c->reap, REAP_POLL_MS);
		return;
	}
	ev_io_add(c->loop, c->pidfd, EPOLLIN, child_exited, c);
}

/* ---- running ---- */

static void timed_out(struct ev_timer *t, void *arg)
{
	struct check *c = arg;

	if (c->conf.kind == CHECK_EXEC) {
		/* Kill the group; the result comes when the pidfd says the child is reaped. */
		if (c->pid > 0 && !c->killed) {
			c->killed = 1;
			kill(-c->pid, SIGKILL);
		}
		return;
	}
	finish(c, 0, "timed out after %ums", c->conf.timeout_ms);
}

/* ---- listen: a listening socket, asked of the kernel ---- */

static void listen_run(struct check *c)
{
	char err[128];
	int r = sockdiag_listening(&c->conf.addr, c->conf.port, c->conf.udp, err, sizeof(err));

	if (r < 0)
		finish(c, 0, "%s", err);
	else if (r == 0)
		finish(c, 0, "nothing listens on %s", c->conf.target);
	else
		finish(c, 1, NULL);
}

static void run(struct check *c)
{
	if (c->running)
		return;
	ev_timer_stop(c->loop, &c->next);
	c->running = 1;
	c->killed = 0;
	c->started_at = ev_now(c->loop);
	ev_timer_start(c->loop, &c->deadline, c->conf.timeout_ms);
	switch (c->conf.kind) {
	case CHECK_TCP:
	case CHECK_HTTP: open_socket(c, SOCK_STREAM); break;
	case CHECK_DNS:
		if (open_socket(c, SOCK_DGRAM) == 0)
			dns_send(c);
		break;
	case CHECK_EXEC: exec_start(c); break;
	case CHECK_PROCESS: process_run(c); break;
	case CHECK_LISTEN: listen_run(c); break;
	}
}

static void next_due(struct ev_timer *t, void *arg) { run(arg); }

void check_run_now(struct check *c) { run(c); }

void check_init(struct check *c, struct ev_loop *loop, const struct conf_check *cc, check_cb *cb,
		void *arg)
{
	struct buf label;

	memset(c, 0, sizeof(*c));
	c->conf = *cc;
	c->conf.target = dup_or_null(cc->target);
	c->conf.dns_name = dup_or_null(cc->dns_name);
	c->conf.http_body = dup_or_null(cc->http_body);
	c->conf.http_host = dup_or_null(cc->http_host);
	c->conf.http_path = dup_or_null(cc->http_path);
	c->conf.run_as.name = dup_or_null(cc->run_as.name);
	c->conf.load_metric = dup_or_null(cc->load_metric);
	if (!c->conf.rise)
		c->conf.rise = 1;
	if (!c->conf.fall)
		c->conf.fall = 1;
	if (!c->conf.interval_ms)
		c->conf.interval_ms = 1000;
	if (!c->conf.timeout_ms)
		c->conf.timeout_ms = c->conf.interval_ms;
	buf_init(&label);
	buf_printf(&label, "%s%s %s", cc->load ? "load " : "", check_kind_name(cc->kind),
		   cc->target ? cc->target : "");
	buf_put8(&label, 0);
	c->label = (char *)label.data;
	c->loop = loop;
	c->cb = cb;
	c->arg = arg;
	c->fd = -1;
	c->out_fd = -1;
	c->pidfd = -1;
	c->watch_fd = -1;
	buf_init(&c->io);
	ev_timer_init(&c->next, next_due, c);
	ev_timer_init(&c->deadline, timed_out, c);
	ev_timer_init(&c->reap, reap_poll, c);
	ev_timer_start(loop, &c->next, 0);
}

void check_free(struct check *c)
{
	cleanup_io(c);
	ev_timer_stop(c->loop, &c->next);
	ev_timer_stop(c->loop, &c->reap);
	if (c->pid > 0) {
		kill(-c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	if (c->pidfd >= 0) {
		ev_io_del(c->loop, c->pidfd);
		close(c->pidfd);
	}
	process_unwatch(c);
	buf_free(&c->io);
	free(c->conf.target);
	free(c->conf.dns_name);
	free(c->conf.http_body);
	free(c->conf.http_host);
	free(c->conf.http_path);
	free(c->conf.run_as.name);
	free(c->conf.load_metric);
	free(c->label);
}
