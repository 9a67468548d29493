/* Health checks against real sockets and processes on loopback, and the service state machine
 * (health, drain, flap protection) on top of them. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgp/proto.h"
#include "lib/log.h"
#include "node/check.h"
#include "node/loadval.h"
#include "node/sockdiag.h"
#include "node/svc.h"
#include "t.h"

static struct ev_loop *loop;
static int results, changes;

static void on_result(struct check *c, int changed, void *arg)
{
	results++;
	changes += changed;
}

static int tcp_listener(uint16_t *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	listen(fd, 16);
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	*port = ntohs(sin.sin_port);
	return fd;
}

static struct conf_check make(enum conf_check_kind kind, const char *target, uint16_t port)
{
	struct conf_check cc = { .kind = kind,
				 .target = (char *)target,
				 .port = port,
				 .interval_ms = 50,
				 .fast_interval_ms = 20,
				 .timeout_ms = 200,
				 .rise = 2,
				 .fall = 2,
				 .http_expect = 200,
				 .dns_type = 1 };

	addr_parse("127.0.0.1", &cc.addr);
	return cc;
}

/* Runs the loop until n more results came in (or T_WAIT_MS passed). */
static void wait_results(int n)
{
	int want = results + n;

	T_WAIT(results >= want, ev_run_once(loop, 10));
}

/* Runs the loop until fd is readable (or T_WAIT_MS passed); 1 if it is. */
static int wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	T_WAIT(poll(&p, 1, 0) > 0, ev_run_once(loop, 10));
	return poll(&p, 1, 0) > 0;
}

static void test_tcp(void)
{
	uint16_t port;
	int lfd = tcp_listener(&port);
	struct conf_check cc = make(CHECK_TCP, "127.0.0.1:x", port);
	struct check c;

	results = changes = 0;
	check_init(&c, loop, &cc, on_result, NULL);
	CHECK(!c.ok); /* a check starts down */
	wait_results(1);
	CHECK(c.last_ok);
	CHECK(!c.ok); /* rise 2: one success is not enough */
	wait_results(1);
	CHECK(c.ok);
	CHECK_INT(changes, 1);
	/* The service dies: two failures (fall 2) take the check down. */
	close(lfd);
	wait_results(1);
	CHECK(!c.last_ok);
	CHECK(c.ok);
	CHECK(strstr(c.last_error, "refused") != NULL);
	wait_results(1);
	CHECK(!c.ok);
	CHECK_INT(changes, 2);
	check_free(&c);
}

static void test_tcp_fast_interval(void)
{
	uint16_t port;
	int lfd = tcp_listener(&port);
	struct conf_check cc = make(CHECK_TCP, "t", port);
	struct check c;

	cc.interval_ms = 1000;
	cc.fast_interval_ms = 20;
	check_init(&c, loop, &cc, on_result, NULL);
	wait_results(1);
	/* One success while down: the next run comes at the fast interval. */
	CHECK(ev_timer_remaining(loop, &c.next) <= 20);
	wait_results(1);
	CHECK(c.ok);
	CHECK(ev_timer_remaining(loop, &c.next) > 500);
	check_free(&c);
	close(lfd);
}

static void http_serve_once(int lfd, const char *response)
{
	/* The check connects, then writes its request: wait for each, running the loop. */
	CHECK(wait_readable(lfd));
	int fd = accept(lfd, NULL, NULL);
	char req[2048] = "";

	if (fd < 0)
		return;
	CHECK(wait_readable(fd));
	ssize_t n = read(fd, req, sizeof(req) - 1);

	(void)n;
	CHECK(strncmp(req, "GET /healthz HTTP/1.0\r\n", 23) == 0);
	(void)!write(fd, response, strlen(response));
	close(fd);
}

static void test_http(void)
{
	uint16_t port;
	int lfd = tcp_listener(&port);
	struct conf_check cc = make(CHECK_HTTP, "http://127.0.0.1/healthz", port);
	struct check c;

	cc.http_path = "/healthz";
	cc.http_host = "127.0.0.1";
	cc.http_body = "alive";
	cc.interval_ms = 10000;
	check_init(&c, loop, &cc, on_result, NULL);
	static const struct {
		const char *resp;
		int ok;
		const char *err;
	} cases[] = {
		{ "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nalive", 1, "" },
		{ "HTTP/1.1 503 Unavailable\r\n\r\nalive", 0, "status 503" },
		{ "HTTP/1.0 200 OK\r\n\r\ndead", 0, "body" },
		{ "garbage", 0, "not an HTTP" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		check_run_now(&c);
		http_serve_once(lfd, cases[i].resp);
		wait_results(1);
		CHECK_INT(c.last_ok, cases[i].ok);
		CHECK(strstr(c.last_error, cases[i].err) != NULL);
	}
	check_free(&c);
	close(lfd);
}

static void test_dns(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET }, from;
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &sl);
	struct conf_check cc = make(CHECK_DNS, "127.0.0.1", ntohs(sin.sin_port));
	struct check c;

	cc.dns_name = "health.lab.";
	cc.interval_ms = 10000;
	check_init(&c, loop, &cc, on_result, NULL);
	for (int rcode = 0; rcode <= 3; rcode += 3) {
		uint8_t q[512];

		if (rcode)
			check_run_now(&c);
		CHECK(wait_readable(fd));
		sl = sizeof(from);
		ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &sl);

		CHECK(n > 12);
		/* The question carries the name in labels: 6 health 3 lab 0. */
		CHECK(n > 24 && memcmp(q + 12, "\x06health\x03lab\x00", 12) == 0);
		q[2] |= 0x84; /* QR, AA */
		q[3] = (uint8_t)rcode;
		q[7] = rcode ? 0 : 1; /* ANCOUNT */
		sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&from, sl);
		wait_results(1);
		CHECK_INT(c.last_ok, rcode == 0);
		if (rcode)
			CHECK(strstr(c.last_error, "rcode 3") != NULL);
	}
	check_free(&c);
	close(fd);
}

static void test_exec(void)
{
	struct conf_check ok = make(CHECK_EXEC, "exit 0", 0), bad = make(CHECK_EXEC, "exit 3", 0);
	struct check c1, c2;

	check_init(&c1, loop, &ok, on_result, NULL);
	check_init(&c2, loop, &bad, on_result, NULL);
	wait_results(4);
	CHECK(c1.ok);
	CHECK(!c2.ok);
	CHECK(strstr(c2.last_error, "exit status 3") != NULL);
	check_free(&c1);
	check_free(&c2);
}

static pid_t sleeper(const char *pidfile)
{
	pid_t pid = fork();
	FILE *f;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	f = fopen(pidfile, "w");
	fprintf(f, "%d\n", (int)pid);
	fclose(f);
	return pid;
}

/* check process: up while the pid file's process lives; its exit is seen at once through the
 * pidfd, well before the next run; a new process in the pid file brings it back. */
static void test_process(void)
{
	char path[] = "/tmp/anycast-test-pidXXXXXX";
	int fd = mkstemp(path);
	struct conf_check cc = make(CHECK_PROCESS, path, 0);
	struct check c;
	pid_t pid = sleeper(path);
	int64_t t0;
	int pidfd_ok;

	close(fd);
	cc.interval_ms = 400;
	check_init(&c, loop, &cc, on_result, NULL);
	T_WAIT(c.ok, ev_run_once(loop, 10));
	CHECK(c.ok);
	/* a run while it lives keeps it up */
	check_run_now(&c);
	CHECK(c.ok);
	pidfd_ok = c.watch_fd >= 0;
	t0 = t_now_ms();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0); /* a zombie would still answer kill(pid, 0) without pidfds */
	T_WAIT(!c.ok, ev_run_once(loop, 10));
	CHECK(!c.ok);
	/* not the next run, 400 ms away (without pidfds, under valgrind, it is the next run) */
	if (pidfd_ok) {
		CHECK(t_now_ms() - t0 < 300);
		CHECK(strstr(c.last_error, "exited") != NULL);
	}
	/* the dead pid stays in the file: still down at the next run */
	wait_results(1);
	CHECK(!c.ok);
	pid = sleeper(path);
	T_WAIT(c.ok, ev_run_once(loop, 10));
	CHECK(c.ok);
	check_free(&c);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
	/* no pid file */
	cc.target = "/nonexistent/anycast.pid";
	check_init(&c, loop, &cc, on_result, NULL);
	wait_results(1);
	CHECK(!c.ok);
	CHECK(strstr(c.last_error, "no pid in") != NULL);
	check_free(&c);
}

/* check listen: up while a socket listens on the address and port (TCP LISTEN, or a bound UDP
 * socket with /udp), down once it is closed; the other protocol on the same port does not
 * count. */
static void test_listen(void)
{
	uint16_t port, uport;
	int lfd = tcp_listener(&port), ufd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	char target[64], utarget[64];
	struct check c, u, wrong;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(ufd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(ufd, (struct sockaddr *)&sin, &sl);
	uport = ntohs(sin.sin_port);
	snprintf(target, sizeof(target), "127.0.0.1:%u", port);
	snprintf(utarget, sizeof(utarget), "127.0.0.1:%u/udp", uport);
	struct conf_check cc = make(CHECK_LISTEN, target, port),
			  uc = make(CHECK_LISTEN, utarget, uport),
			  wc = make(CHECK_LISTEN, "127.0.0.1:N/tcp", uport);

	uc.udp = 1;
	check_init(&c, loop, &cc, on_result, NULL);
	check_init(&u, loop, &uc, on_result, NULL);
	check_init(&wrong, loop, &wc, on_result, NULL);
	T_WAIT(c.ok && u.ok, ev_run_once(loop, 10));
	CHECK(c.ok);
	CHECK(u.ok);
	CHECK(!wrong.ok);
	CHECK(strstr(wrong.last_error, "nothing listens") != NULL);
	close(lfd);
	close(ufd);
	T_WAIT(!c.ok && !u.ok, ev_run_once(loop, 10));
	CHECK(!c.ok);
	CHECK(!u.ok);
	check_free(&c);
	check_free(&u);
	check_free(&wrong);
}

/* Processes of group pgid that are not zombies (a reparented zombie waits for init). */
static int alive_in_group(pid_t pgid)
{
	int alive = 0;

	for (int64_t end = t_now_ms() + T_WAIT_MS; t_now_ms() < end;) {
		char cmd[128];

		snprintf(cmd, sizeof(cmd),
			 "ps -eo pgid=,stat= | awk '$1 == %d && $2 !~ /^Z/' | grep -c . >/dev/null",
			 (int)pgid);
		alive = system(cmd) == 0;
		if (!alive)
			break;
		usleep(50000);
	}
	return alive;
}

static void test_exec_timeout(void)
{
	/* A check that hangs forever is killed at its timeout, with its children, and reaped. */
	struct conf_check cc = make(CHECK_EXEC, "sleep 100 & sleep 100", 0);
	struct check c;

	cc.timeout_ms = 150;
	cc.interval_ms = 10000;
	check_init(&c, loop, &cc, on_result, NULL);
	ev_run_once(loop, 0);
	pid_t pid = c.pid;

	CHECK(pid > 0);
	wait_results(1);
	CHECK(!c.last_ok);
	CHECK(strstr(c.last_error, "timed out") != NULL);
	/* not before the timeout; the upper bound only tells "killed" from "ran 100 s" */
	CHECK(c.last_ms >= 150 && c.last_ms < T_WAIT_MS);
	/* Reaped: no zombie left, and its process group is gone. */
	CHECK(waitpid(pid, NULL, WNOHANG) < 0 && errno == ECHILD);
	CHECK_INT(alive_in_group(pid), 0);
	check_free(&c);
}

static int applied;
static void on_apply(struct svc *s, void *arg) { applied++; }

static void test_service_states(void)
{
	uint16_t port;
	int lfd = tcp_listener(&port);
	struct conf_check checks[2] = { make(CHECK_TCP, "a", port), make(CHECK_EXEC, "exit 0", 0) };
	struct conf_service cs = {
		.name = "dns", .checks = checks, .nchecks = 2, .drain_time_ms = 100, .flap_limit = 0
	};
	struct svc s;

	svc_init(&s, loop, &cs, 65001, on_apply, NULL, NULL);
	svc_update(&s);
	CHECK_INT(s.state, SVC_DOWN);
	CHECK(s.announced == NULL);
	/* Both checks must rise before the service is up. */
	T_WAIT(s.state == SVC_UP, ev_run_once(loop, 10));
	CHECK_INT(s.state, SVC_UP);
	CHECK(s.announced == s.attrs);
	int before = applied;

	/* Passing checks again and again change nothing: no UPDATE storm. */
	for (int i = 0; i < 20; i++)
		ev_run_once(loop, 10);
	CHECK_INT(applied, before);
	/* Drain: GRACEFUL_SHUTDOWN and longer path for drain-time, then nothing. */
	svc_drain(&s);
	CHECK_INT(s.state, SVC_DRAINING);
	CHECK(s.announced == s.drain_attrs);
	CHECK(bgp_attrs_has_comm(s.drain_attrs, BGP_COMM_GRACEFUL_SHUTDOWN));
	CHECK_INT(bgp_aspath_length(s.drain_attrs), SVC_DRAIN_PREPEND);
	T_WAIT(s.announced == NULL, ev_run_once(loop, 10));
	CHECK(s.announced == NULL);
	CHECK_INT(s.state, SVC_DRAINING);
	svc_resume(&s);
	CHECK(s.announced == s.attrs);
	CHECK_INT(s.state, SVC_UP);
	/* One check failing takes the whole service down. */
	close(lfd);
	T_WAIT(s.state != SVC_UP, ev_run_once(loop, 10));
	CHECK_INT(s.state, SVC_DOWN);
	CHECK(s.announced == NULL);
	svc_free(&s);
}

static void test_flap_protection(void)
{
	struct conf_service cs = {
		.name = "web", .flap_limit = 3, .flap_window_ms = 60000, .drain_time_ms = 100
	};
	struct conf_check cc = make(CHECK_TCP, "t", 1);
	struct svc s;

	cs.checks = &cc;
	cs.nchecks = 1;
	cc.interval_ms = 100000; /* the test drives health by hand */
	svc_init(&s, loop, &cs, 65001, on_apply, NULL, NULL);
	for (int i = 0; i < 5; i++) {
		s.checks[0]->ok = (uint8_t)!s.checks[0]->ok;
		svc_update(&s);
	}
	/* The fourth change within the window exceeded the limit: held down though healthy. */
	CHECK(s.healthy);
	CHECK(s.held_until > 0);
	CHECK(s.announced == NULL);
	CHECK_INT(s.state, SVC_DOWN);
	CHECK_INT(s.transitions, 5);
	svc_free(&s);
}

/* In a service, a listen check is asked again the moment a process check of the same service
 * sees its process exit, not at its own next run (10 s away here). */
static void test_listen_on_process_exit(void)
{
	char path[] = "/tmp/anycast-test-pidXXXXXX", target[64];
	int fd = mkstemp(path);
	uint16_t port;
	int lfd = tcp_listener(&port);
	pid_t pid = sleeper(path); /* holds the listener */
	struct conf_check checks[2];
	int64_t t0;

	close(fd);
	close(lfd);
	snprintf(target, sizeof(target), "127.0.0.1:%u", port);
	checks[0] = make(CHECK_PROCESS, path, 0);
	checks[1] = make(CHECK_LISTEN, target, port);
	checks[1].interval_ms = checks[1].fast_interval_ms = 10000;
	checks[1].rise = checks[1].fall = 1;
	struct conf_service cs = { .name = "dns", .checks = checks, .nchecks = 2 };
	struct svc s;

	svc_init(&s, loop, &cs, 65001, on_apply, NULL, NULL);
	T_WAIT(s.checks[1]->ok, ev_run_once(loop, 10));
	CHECK(s.checks[1]->ok);
	t0 = t_now_ms();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	T_WAIT(!s.checks[1]->ok, ev_run_once(loop, 10));
	CHECK(!s.checks[1]->ok);
	CHECK(t_now_ms() - t0 < 1000);
	svc_free(&s);
	unlink(path);
}

static void test_loadval(void)
{
	static const char prom[] = "# HELP load x\n# TYPE load gauge\nload_ratio 7\n"
				   "load{site=\"a}\\\"b\"} 0.7\nload 0.9 1700000000\n";
	const char *why = NULL;
	double v = -1;

	CHECK_INT(loadval_bare_number(" 0.95\n", 6, &v, &why), 0);
	CHECK(v == 0.95);
	CHECK_INT(loadval_bare_number("0.95 x", 6, &v, &why), -1);
	CHECK_INT(loadval_bare_number("inf", 3, &v, &why), -1);
	CHECK_INT(loadval_bare_number("-1", 2, &v, &why), -1);
	CHECK_INT(loadval_bare_number("0x10", 4, &v, &why), -1);
	CHECK_INT(loadval_first_number("load: 1.5e-1 of 1\n", 18, &v, &why), 0);
	CHECK(v == 0.15);
	CHECK_INT(loadval_first_number("none", 4, &v, &why), -1);
	CHECK_STR(why, "no number in the output");
	/* the unlabelled sample wins; a longer name with the same start is another metric */
	CHECK_INT(loadval_prom_sample(prom, sizeof(prom) - 1, "load", &v, &why), 0);
	CHECK(v == 0.9);
	/* without one, the first labelled sample (its label value holds '}' and a quote) */
	CHECK_INT(loadval_prom_sample(prom, sizeof(prom) - 1 - 20, "load", &v, &why), 0);
	CHECK(v == 0.7);
	CHECK_INT(loadval_prom_sample(prom, sizeof(prom) - 1, "lo", &v, &why), -1);
}

/* Established connections to a prefix, counted through sock_diag: the server end of a loopback
 * connection to 127.77.0.1 (an address nothing else here uses; the client's end is 127.0.0.1,
 * lo's own address); an IPv4 connection accepted by a dual-stack IPv6 socket (local address
 * ::ffff:127.77.0.2) counts as IPv4. */
static void test_established(void)
{
	struct prefix p;
	char err[128];
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	socklen_t sl = sizeof(sin);
	int l4 = socket(AF_INET, SOCK_STREAM, 0), l6 = socket(AF_INET6, SOCK_STREAM, 0), off = 0;
	int c1 = socket(AF_INET, SOCK_STREAM, 0), c2 = socket(AF_INET, SOCK_STREAM, 0), a1, a2;

	prefix_parse("127.77.0.0/16", &p);
	CHECK_INT(sockdiag_established(&p, 1, err, sizeof(err)), 0);
	inet_pton(AF_INET, "127.77.0.1", &sin.sin_addr);
	CHECK_INT(bind(l4, (struct sockaddr *)&sin, sizeof(sin)), 0);
	listen(l4, 4);
	getsockname(l4, (struct sockaddr *)&sin, &sl);
	CHECK_INT(connect(c1, (struct sockaddr *)&sin, sizeof(sin)), 0);
	a1 = accept(l4, NULL, NULL);
	CHECK_INT(sockdiag_established(&p, 1, err, sizeof(err)), 1);
	setsockopt(l6, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(l6, (struct sockaddr *)&s6, sizeof(s6)) == 0) {
		sl = sizeof(s6);
		listen(l6, 4);
		getsockname(l6, (struct sockaddr *)&s6, &sl);
		inet_pton(AF_INET, "127.77.0.2", &sin.sin_addr);
		sin.sin_port = s6.sin6_port;
		CHECK_INT(connect(c2, (struct sockaddr *)&sin, sizeof(sin)), 0);
		a2 = accept(l6, NULL, NULL);
		CHECK_INT(sockdiag_established(&p, 1, err, sizeof(err)), 2);
		close(a2);
	}
	close(c1);
	close(a1);
	close(c2);
	close(l4);
	close(l6);
	CHECK_INT(sockdiag_established(&p, 1, err, sizeof(err)), 0);
}

static int shed_applied;
static void on_shed_apply(struct svc *s, void *arg) { shed_applied++; }

static void write_load(const char *path, const char *v)
{
	FILE *f = fopen(path, "w");

	fputs(v, f);
	fclose(f);
}

/* A load check reads the level a command prints; shed steps switch after shed-rise samples at
 * or above their level and back after shed-fall samples below level - hysteresis; a load
 * oscillating across the level within the hysteresis switches nothing back. */
static void test_load_shed(void)
{
	char path[] = "/tmp/anycast-test-load.XXXXXX", cmd[96];
	int fd = mkstemp(path);
	struct conf_shed sheds[2] = {
		{ .level = 0.9, .action = SHED_PREPEND, .prepend = 2 },
		{ .level = 0.9, .action = SHED_COMMUNITY, .comm = 64500u << 16 | 7 },
	};
	struct conf_check cc;
	struct conf_service cs = { .name = "dns",
				   .drain_time_ms = 100,
				   .sheds = sheds,
				   .nsheds = 2,
				   .shed_rise = 2,
				   .shed_fall = 3,
				   .shed_hysteresis = 0.1,
				   .shed_hold_ms = 0 };
	struct svc s;

	close(fd);
	write_load(path, "0.2\n");
	snprintf(cmd, sizeof(cmd), "cat %s", path);
	cc = make(CHECK_EXEC, cmd, 0);
	cc.load = 1;
	cc.rise = cc.fall = 1;
	cs.checks = &cc;
	cs.nchecks = 1;
	svc_init(&s, loop, &cs, 65001, on_shed_apply, NULL, NULL);
	svc_update(&s);
	T_WAIT(s.state == SVC_UP && s.has_load, ev_run_once(loop, 10));
	CHECK(s.load == 0.2);
	CHECK(svc_shed_level(&s) == 0);
	CHECK_INT(bgp_aspath_length(s.announced), 0);
	write_load(path, "0.95\n");
	T_WAIT(svc_shed_level(&s) > 0, ev_run_once(loop, 10));
	CHECK(svc_shed_level(&s) == 0.9);
	CHECK(s.announced == s.attrs);
	CHECK_INT(bgp_aspath_length(s.announced), 2);
	CHECK(bgp_attrs_has_comm(s.announced, 64500u << 16 | 7));
	uint64_t nchanges = s.shed_changes, runs = s.checks[0]->runs;

	/* 0.85 is within the hysteresis: never 3 samples below 0.8 */
	write_load(path, "0.85\n");
	T_WAIT(s.checks[0]->runs >= runs + 8, ev_run_once(loop, 10));
	CHECK_INT(s.shed_changes, nchanges);
	CHECK(svc_shed_level(&s) == 0.9);
	write_load(path, "0.2\n");
	T_WAIT(svc_shed_level(&s) == 0, ev_run_once(loop, 10));
	CHECK_INT(bgp_aspath_length(s.announced), 0);
	CHECK(!bgp_attrs_has_comm(s.announced, 64500u << 16 | 7));
	/* unreadable: the check fails, the service goes down */
	write_load(path, "busy\n");
	T_WAIT(s.state == SVC_DOWN, ev_run_once(loop, 10));
	CHECK(strstr(s.checks[0]->last_error, "load unreadable") != NULL);
	svc_free(&s);
	unlink(path);
}

int main(void)
{
	log_init("test_check", 1, getenv("T_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_ERR);
	signal(SIGPIPE, SIG_IGN);
	loop = ev_loop_new();
	RUN(test_tcp);
	RUN(test_tcp_fast_interval);
	RUN(test_http);
	RUN(test_dns);
	RUN(test_exec);
	RUN(test_exec_timeout);
	RUN(test_process);
	RUN(test_listen);
	RUN(test_service_states);
	RUN(test_flap_protection);
	RUN(test_listen_on_process_exit);
	RUN(test_loadval);
	RUN(test_established);
	RUN(test_load_shed);
	ev_loop_free(loop);
	return t_done();
}
