/* The one-request-one-answer server behind the control socket and the metrics endpoint:
 * immediate and deferred answers, a client that hangs up while its answer is pending, a
 * request over the limit, shutdown with connections open; idle clients timed out, the
 * connection cap, and a process out of file descriptors that must not spin. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/reqsrv.h"
#include "t.h"

static struct ev_loop *loop;
static struct reqsrv_conn *held;
static int handled;

static int nl(const char *req, size_t len) { return memchr(req, '\n', len) != NULL; }

static int handler(struct reqsrv_conn *c, char *req, size_t len, struct buf *out, void *arg)
{
	handled++;
	if (strncmp(req, "later", 5) == 0) {
		held = c;
		return REQSRV_LATER;
	}
	buf_printf(out, "echo %.*s", (int)len, req);
	return 0;
}

static int client(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	connect(fd, (struct sockaddr *)&sin, sizeof(sin));
	return fd;
}

/* Reads until EOF while running the loop; returns the bytes read (-1 on timeout). */
static int read_all(int fd, char *buf, size_t cap)
{
	size_t n = 0;

	for (int64_t end = t_now_ms() + T_WAIT_MS; t_now_ms() < end;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		ev_run_once(loop, 5);
		if (poll(&p, 1, 5) <= 0)
			continue;
		ssize_t r = read(fd, buf + n, cap - n - 1);

		if (r <= 0) {
			buf[n] = 0;
			return (int)n;
		}
		n += (size_t)r;
	}
	return -1;
}

static struct reqsrv *start_backlog(uint16_t *port, int backlog)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	listen(fd, backlog);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	*port = ntohs(sin.sin_port);
	return reqsrv_new(loop, fd, 64, nl, handler, NULL);
}

static struct reqsrv *start(uint16_t *port) { return start_backlog(port, 8); }

/* 1 when the server has closed fd (EOF or reset), polling while the loop runs. */
static int closed_by_server(int fd)
{
	char c;

	for (int64_t end = t_now_ms() + T_WAIT_MS; t_now_ms() < end;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		ev_run_once(loop, 5);
		if (poll(&p, 1, 0) == 1)
			return read(fd, &c, 1) <= 0;
	}
	return 0;
}

/* A well-behaved client is answered. */
static int served(uint16_t port)
{
	char buf[64];
	int fd = client(port), ok;

	ok = write(fd, "hi\n", 3) == 3 && read_all(fd, buf, sizeof(buf)) == 8 &&
	     strcmp(buf, "echo hi\n") == 0;
	close(fd);
	return ok;
}

static void test_answers(void)
{
	uint16_t port;
	struct reqsrv *s = start(&port);
	char buf[256];
	int fd = client(port);

	/* A request in two pieces is answered once it is whole. */
	CHECK_INT(write(fd, "hel", 3), 3);
	for (int i = 0; i < 5; i++)
		ev_run_once(loop, 5);
	CHECK_INT(handled, 0);
	CHECK_INT(write(fd, "lo\n", 3), 3);
	CHECK_INT(read_all(fd, buf, sizeof(buf)), 11);
	CHECK_STR(buf, "echo hello\n");
	close(fd);
	/* Deferred: nothing until reqsrv_reply. */
	fd = client(port);
	CHECK_INT(write(fd, "later\n", 6), 6);
	T_WAIT(held != NULL, ev_run_once(loop, 5));
	CHECK(held != NULL);
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "done");
	reqsrv_reply(held, &b);
	held = NULL;
	CHECK_INT(read_all(fd, buf, sizeof(buf)), 4);
	CHECK_STR(buf, "done");
	close(fd);
	/* The client hangs up while its answer is pending: the reply later is harmless. */
	fd = client(port);
	CHECK_INT(write(fd, "later\n", 6), 6);
	T_WAIT(held != NULL, ev_run_once(loop, 5));
	close(fd);
	for (int i = 0; i < 10; i++)
		ev_run_once(loop, 5);
	CHECK(held != NULL);
	if (held)
		reqsrv_reply(held, &b);
	held = NULL;
	for (int i = 0; i < 10; i++)
		ev_run_once(loop, 5);
	/* Over the limit: closed without an answer. */
	fd = client(port);
	memset(buf, 'x', 100);
	CHECK_INT(write(fd, buf, 100), 100);
	CHECK_INT(read_all(fd, buf, sizeof(buf)), 0);
	close(fd);
	/* Shutdown with a connection open and one waiting frees both. */
	int a = client(port), w = client(port);

	CHECK_INT(write(w, "later\n", 6), 6);
	for (int i = 0; i < 10; i++)
		ev_run_once(loop, 5);
	reqsrv_free(s);
	buf_free(&b);
	close(a);
	close(w);
}

/* A client that connects and says nothing is closed after the idle time; with the cap reached,
 * the oldest connection makes room for the new one. */
static void test_idle_and_cap(void)
{
	uint16_t port;
	struct reqsrv *s = start(&port);

	reqsrv_set_limits(s, 200, 2);
	int idle = client(port);
	int64_t t0 = t_now_ms();

	CHECK(closed_by_server(idle));
	CHECK(t_now_ms() - t0 >= 150);
	close(idle);
	reqsrv_set_limits(s, 60000, 0);
	int a = client(port);

	T_WAIT(reqsrv_conns(s) == 1, ev_run_once(loop, 5));
	int b = client(port);

	T_WAIT(reqsrv_conns(s) == 2, ev_run_once(loop, 5));
	CHECK(served(port)); /* a third: a, the oldest, goes */
	CHECK(closed_by_server(a));
	struct pollfd p = { .fd = b, .events = POLLIN };

	CHECK_INT(poll(&p, 1, 0), 0); /* b is still open */
	CHECK_INT(reqsrv_conns(s), 1);
	close(a);
	close(b);
	reqsrv_free(s);
}

/* Idle clients eat every descriptor the process may open: accept fails with EMFILE while the
 * listener stays readable. The loop must rest instead of spinning, and a well-behaved client is
 * served once the idle ones have timed out. */
static void test_emfile(void)
{
	uint16_t port;
	struct reqsrv *s = start_backlog(&port, 256);
	struct rlimit old, low;
	int idle[256], n = 0;

	reqsrv_set_limits(s, 1000, 1000);
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)fcntl(0, F_DUPFD, 0); /* lowest free descriptor */
	close((int)low.rlim_cur);
	low.rlim_cur += 40;
	CHECK_INT(setrlimit(RLIMIT_NOFILE, &low), 0);
	/* Clients until the test itself runs out: the server, sharing the limit, has none left. */
	while (n < 256) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };

		if (fd < 0)
			break;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		connect(fd, (struct sockaddr *)&sin, sizeof(sin));
		idle[n++] = fd;
		ev_run_once(loop, 0);
	}
	CHECK(n > 10 && n < 256);
	/* Bounded time, real clock: a spinning loop makes thousands of iterations. */
	int iters = 0;

	for (int64_t end = t_now_ms() + 500; t_now_ms() < end; iters++)
		ev_run_once(loop, 50);
	CHECK(iters < 60);
	/* The test's own clients share the limit and, as the server closed its oldest connections
	 * to accept the next, took every descriptor: free one for the good client and one for the
	 * server, which must still work through the silent ones queued before the good one. */
	close(idle[--n]);
	close(idle[--n]);
	CHECK(served(port));
	while (n > 0)
		close(idle[--n]);
	setrlimit(RLIMIT_NOFILE, &old);
	reqsrv_free(s);
}

int main(void)
{
	log_init("test_reqsrv", 1, LOG_LVL_ERR);
	signal(SIGPIPE, SIG_IGN);
	loop = ev_loop_new();
	RUN(test_answers);
	RUN(test_idle_and_cap);
	RUN(test_emfile);
	ev_loop_free(loop);
	return t_done();
}
