/* anycast feed: one outgoing BGP session that pushes the generated table as fast as the peer
 * reads it (see feed.h).
 *
 * Speed comes from never waiting on anything but the socket: the send buffer is kept full
 * (EPOLLOUT level-triggered while there is more to send), UPDATEs are encoded on demand into a
 * small user-space queue (at most FILL_BYTES ahead of the kernel), so a KEEPALIVE or the final
 * Cease never sits behind megabytes of our own UPDATEs. The measured time runs from
 * Established until the kernel reports every byte up to the End-of-RIB acknowledged by the
 * peer (SIOCOUTQ = 0): the peer's TCP has it, and a peer that stops reading stops the clock
 * from reaching there. */
#include "feed/feed.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/sockios.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bgp/msg.h"
#include "bgp/proto.h"
#include "bgp/update.h"
#include "lib/clock.h"
#include "lib/ev.h"
#include "lib/log.h"

#define FILL_BYTES (64 * 1024) /* encoded UPDATEs queued ahead of the kernel */
#define PUMP_ROUNDS 64         /* sends per wakeup before other events get a turn */
#define SETUP_MS 30000         /* connect to Established */
#define DRAIN_POLL_MS 2
#define CLOSE_WAIT_MS 2000 /* to flush the Cease and see the peer close */

enum fstate { F_CONNECT, F_OPENSENT, F_OPENCONFIRM, F_ESTABLISHED };

struct feed {
	const struct feed_opts *o;
	struct ev_loop *loop;
	int fd;
	enum fstate state;
	int eor_queued, finished, stopped, rc;
	struct bgp_codec_ctx ctx;
	struct addr local;
	uint32_t bgp_id;
	uint16_t hold;
	struct buf out, in;
	struct feed_gen gen;
	struct bgp_attrs attrs;
	struct prefix grp[FEED_GROUP_MAX];
	size_t gn, gi;
	struct feed_result res;
	double t_est, t_last;
	uint64_t last_routes;
	struct ev_timer t_setup, t_keepalive, t_hold, t_progress, t_drain, t_exit;
};

static double now_s(void) { return (double)clk_now_ns() / 1e9; }

static const char *peer_str(const struct feed *f)
{
	static char s[ADDR_STRLEN];

	return addr_fmt(&f->o->peer, s);
}

/* ---- ending ---- */

/* Blocks up to the deadline to hand the queued bytes (the NOTIFICATION last) to the kernel. */
static void flush_until(struct feed *f, double deadline)
{
	while (buf_pending(&f->out) > 0) {
		struct pollfd pfd = { .fd = f->fd, .events = POLLOUT };
		double left = deadline - now_s();

		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			return;
		ssize_t n = send(f->fd, f->out.data + f->out.off, buf_pending(&f->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return;
		buf_consume(&f->out, (size_t)n);
	}
}

/* Ends the session; a NOTIFICATION, if any, has been queued by the caller. Closing with
 * unread input would reset the connection and could destroy the NOTIFICATION in flight, so
 * we half-close and read until the peer closes too (bounded). */
static void feed_stop(struct feed *f, int rc)
{
	double deadline = now_s() + CLOSE_WAIT_MS / 1000.0;
	char junk[4096];

	if (f->stopped)
		return;
	f->stopped = 1;
	f->rc = rc;
	ev_break(f->loop);
	ev_timer_stop(f->loop, &f->t_setup);
	ev_timer_stop(f->loop, &f->t_keepalive);
	ev_timer_stop(f->loop, &f->t_hold);
	ev_timer_stop(f->loop, &f->t_progress);
	ev_timer_stop(f->loop, &f->t_drain);
	ev_timer_stop(f->loop, &f->t_exit);
	if (f->fd < 0)
		return;
	ev_io_del(f->loop, f->fd);
	flush_until(f, deadline);
	shutdown(f->fd, SHUT_WR);
	for (;;) {
		struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
		double left = deadline - now_s();

		if (left <= 0 || poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			break;
		if (read(f->fd, junk, sizeof(junk)) <= 0)
			break;
	}
	close(f->fd);
	f->fd = -1;
}

static void feed_fail(struct feed *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void feed_fail(struct feed *f, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "anycast feed: %s: ", peer_str(f));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	feed_stop(f, 1);
}

/* A protocol error of ours to report to the peer before closing. */
static void feed_notify(struct feed *f, uint8_t code, uint8_t sub, const char *why)
{
	bgp_notification_encode(&f->out, code, sub, NULL, 0);
	feed_fail(f, "%s (sent %s)", why, bgp_err_subcode_name(code, sub));
}

static void feed_cease(struct feed *f, int rc, const char *text)
{
	if (f->state >= F_OPENSENT)
		bgp_shutdown_encode(&f->out, BGP_CEASE_ADMIN_SHUTDOWN, text);
	feed_stop(f, rc);
}

/* ---- sending ---- */

static void fill(struct feed *f)
{
	while (buf_pending(&f->out) < FILL_BYTES) {
		if (f->gi == f->gn) {
			f->gn = feed_gen_next(&f->gen, &f->attrs, f->grp);
			f->gi = 0;
			if (f->gn == 0) {
				bgp_eor_encode(&f->out,
					       f->gen.af == AF_INET ? BGP_AFI_IPV4 : BGP_AFI_IPV6);
				f->eor_queued = 1;
				return;
			}
			f->attrs.nexthop = f->local;
			f->res.attr_sets++;
		}
		size_t k = bgp_update_encode(&f->out, &f->attrs, f->grp + f->gi, f->gn - f->gi,
					     &f->ctx);

		if (k == 0)
			fatal("feed: a generated attribute set leaves no room for a prefix");
		f->gi += k;
		f->res.routes += k;
		f->res.updates++;
	}
}

static void drain_check(struct ev_timer *t, void *arg);

static void pump(struct feed *f)
{
	int want_out;

	for (int round = 0; round < PUMP_ROUNDS && !f->stopped; round++) {
		if (f->state == F_ESTABLISHED && !f->eor_queued)
			fill(f);
		if (buf_pending(&f->out) == 0)
			break;
		ssize_t n = send(f->fd, f->out.data + f->out.off, buf_pending(&f->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0) {
			feed_fail(f, "send: %s", strerror(errno));
			return;
		}
		f->res.bytes += (uint64_t)n;
		buf_consume(&f->out, (size_t)n);
	}
	if (f->stopped)
		return;
	want_out = buf_pending(&f->out) > 0 || (f->state == F_ESTABLISHED && !f->eor_queued);
	ev_io_mod(f->loop, f->fd, EPOLLIN | (want_out ? EPOLLOUT : 0));
	if (f->eor_queued && !f->finished && buf_pending(&f->out) == 0 &&
	    !ev_timer_active(&f->t_drain))
		ev_timer_start(f->loop, &f->t_drain, 0);
}

static void queue_keepalive(struct feed *f)
{
	bgp_keepalive_encode(&f->out);
	pump(f);
}

/* ---- reports ---- */

static void report(struct feed *f, const char *what)
{
	double t = now_s(), el = t - f->t_est, dt = t - f->t_last;
	double rate = el > 0 ? (double)f->res.routes / el : 0;

	if (!f->o->quiet)
		fprintf(stderr,
			"feed: %s %" PRIu64 " routes, %" PRIu64 " updates, %.1f s, %.0f routes/s"
			" (last %.0f/s)\n",
			what, f->res.routes, f->res.updates, el, rate,
			dt > 0 ? (double)(f->res.routes - f->last_routes) / dt : 0);
	f->t_last = t;
	f->last_routes = f->res.routes;
}

static void progress_tick(struct ev_timer *t, void *arg)
{
	struct feed *f = arg;

	report(f, "sent");
	ev_timer_start(f->loop, t, 1000);
}

static void exit_tick(struct ev_timer *t, void *arg) { feed_cease(arg, 0, "anycast feed: done"); }

static void finished(struct feed *f)
{
	f->finished = 1;
	f->res.seconds = now_s() - f->t_est;
	ev_timer_stop(f->loop, &f->t_progress);
	if (!f->o->quiet)
		fprintf(stderr,
			"feed: done: %" PRIu64 " routes (%" PRIu64 " attribute sets) in %" PRIu64
			" updates, %.3f s, %.0f routes/s, End-of-RIB acknowledged\n",
			f->res.routes, f->res.attr_sets, f->res.updates, f->res.seconds,
			f->res.seconds > 0 ? (double)f->res.routes / f->res.seconds : 0);
	if (f->o->json) {
		printf("{\"routes\":%" PRIu64 ",\"updates\":%" PRIu64 ",\"seconds\":%.3f,"
		       "\"routes_per_s\":%.0f,\"attr_sets\":%" PRIu64 ",\"bytes\":%" PRIu64 "}\n",
		       f->res.routes, f->res.updates, f->res.seconds,
		       f->res.seconds > 0 ? (double)f->res.routes / f->res.seconds : 0,
		       f->res.attr_sets, f->res.bytes);
		fflush(stdout);
	}
	if (f->o->exit_after >= 0)
		ev_timer_start(f->loop, &f->t_exit, (uint64_t)f->o->exit_after * 1000);
}

static void drain_check(struct ev_timer *t, void *arg)
{
	struct feed *f = arg;
	int outq = 0;

	if (ioctl(f->fd, SIOCOUTQ, &outq) < 0 || outq == 0) {
		finished(f);
		return;
	}
	ev_timer_start(f->loop, t, DRAIN_POLL_MS);
}

/* ---- timers ---- */

static void keepalive_tick(struct ev_timer *t, void *arg)
{
	struct feed *f = arg;

	queue_keepalive(f);
	if (!f->stopped)
		ev_timer_start(f->loop, t, (uint64_t)f->hold * 1000 / 3);
}

static void hold_expired(struct ev_timer *t, void *arg)
{
	feed_notify(arg, BGP_ERR_HOLD, 0, "hold timer expired");
}

static void setup_expired(struct ev_timer *t, void *arg)
{
	feed_fail(arg, "no session after %d s", SETUP_MS / 1000);
}

static void on_signal(int signo, void *arg)
{
	struct feed *f = arg;

	if (f->finished) {
		feed_cease(f, 0, "anycast feed: done");
		return;
	}
	if (!f->o->quiet)
		fprintf(stderr, "anycast feed: %s before End-of-RIB\n", strsignal(signo));
	feed_cease(f, 1, "anycast feed: interrupted");
}

/* ---- receiving ---- */

static void got_open(struct feed *f, const uint8_t *body, size_t len)
{
	struct bgp_open op;
	struct bgp_err e;
	int v4 = f->gen.af == AF_INET;
	char why[200];

	if (bgp_open_decode(body, len, &op, &e) < 0) {
		bgp_notification_encode(&f->out, e.code, e.subcode, e.data, e.datalen);
		feed_fail(f, "bad OPEN: %s", e.reason);
		return;
	}
	if (op.asn != f->o->remote_as) {
		snprintf(why, sizeof(why), "peer is AS %" PRIu32 ", expected AS %" PRIu32, op.asn,
			 f->o->remote_as);
		feed_notify(f, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, why);
		return;
	}
	if (f->o->local_as == f->o->remote_as && op.bgp_id == f->bgp_id) {
		feed_notify(f, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, "peer has our BGP identifier");
		return;
	}
	/* without any MP capability the peer takes IPv4 unicast only (RFC 4760) */
	if (!(v4 ? !op.caps.mp_any || op.caps.mp_ipv4 : op.caps.mp_ipv6)) {
		snprintf(why, sizeof(why), "peer does not take %s unicast", v4 ? "IPv4" : "IPv6");
		feed_notify(f, BGP_ERR_OPEN, BGP_ERR_OPEN_CAPA, why);
		return;
	}
	f->hold = f->o->hold_time < op.hold_time ? f->o->hold_time : op.hold_time;
	f->ctx.as4 = op.caps.as4;
	f->ctx.ebgp = f->o->local_as != f->o->remote_as;
	f->ctx.mp_ipv4 = v4;
	f->ctx.mp_ipv6 = !v4;
	f->ctx.local_as = f->o->local_as;
	f->ctx.peer_as = op.asn;
	bgp_keepalive_encode(&f->out);
	f->state = F_OPENCONFIRM;
	if (f->hold)
		ev_timer_start(f->loop, &f->t_hold, (uint64_t)f->hold * 1000);
}

static void established(struct feed *f)
{
	char l[ADDR_STRLEN];

	f->state = F_ESTABLISHED;
	f->t_est = f->t_last = now_s();
	ev_timer_stop(f->loop, &f->t_setup);
	if (f->hold)
		ev_timer_start(f->loop, &f->t_keepalive, (uint64_t)f->hold * 1000 / 3);
	ev_timer_start(f->loop, &f->t_progress, 1000);
	if (!f->o->quiet)
		fprintf(stderr,
			"feed: established with %s AS %" PRIu32 " from %s, hold %u s%s;"
			" sending %" PRIu64 " routes (seed %" PRIu64 ")\n",
			peer_str(f), f->o->remote_as, addr_fmt(&f->local, l), f->hold,
			f->ctx.as4 ? "" : ", 2-octet AS peer", f->gen.n, f->gen.seed);
}

/* Returns -1 when the session ended. */
static int got_msg(struct feed *f, uint8_t type, const uint8_t *body, size_t len)
{
	if (f->hold && f->state >= F_OPENCONFIRM)
		ev_timer_start(f->loop, &f->t_hold, (uint64_t)f->hold * 1000);
	switch (type) {
	case BGP_OPEN:
		if (f->state != F_OPENSENT) {
			feed_notify(f, BGP_ERR_FSM, 0, "OPEN on an open session");
			return -1;
		}
		got_open(f, body, len);
		break;
	case BGP_KEEPALIVE:
		if (f->state == F_OPENSENT) {
			feed_notify(f, BGP_ERR_FSM, 0, "KEEPALIVE before OPEN");
			return -1;
		}
		if (f->state == F_OPENCONFIRM)
			established(f);
		break;
	case BGP_UPDATE:
		if (f->state != F_ESTABLISHED) {
			feed_notify(f, BGP_ERR_FSM, 0, "UPDATE before Established");
			return -1;
		}
		break; /* a load generator has no use for the peer's routes */
	case BGP_NOTIFICATION: {
		struct bgp_notification n;

		if (bgp_notification_decode(body, len, &n) < 0) {
			feed_fail(f, "malformed NOTIFICATION");
			return -1;
		}
		feed_fail(f, "peer sent NOTIFICATION %s%s%s%s",
			  bgp_err_subcode_name(n.code, n.subcode), n.shutdown_msg[0] ? " \"" : "",
			  n.shutdown_msg, n.shutdown_msg[0] ? "\"" : "");
		return -1;
	}
	default: break; /* ROUTE-REFRESH: not advertised, so not expected; harmless */
	}
	return f->stopped ? -1 : 0;
}

static void do_read(struct feed *f)
{
	for (int round = 0; round < PUMP_ROUNDS; round++) {
		buf_reserve(&f->in, 65536);
		ssize_t n = read(f->fd, f->in.data + f->in.len, f->in.cap - f->in.len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			feed_fail(f, "%s",
				  n == 0 ? "connection closed by the peer" : strerror(errno));
			return;
		}
		f->in.len += (size_t)n;
		for (;;) {
			uint16_t mlen;
			uint8_t type;
			struct bgp_err e;
			int r = bgp_hdr_check(f->in.data + f->in.off, buf_pending(&f->in), &mlen,
					      &type, &e);

			if (r < 0) {
				bgp_notification_encode(&f->out, e.code, e.subcode, e.data,
							e.datalen);
				feed_fail(f, "bad message header: %s", e.reason);
				return;
			}
			if (r == 0 || buf_pending(&f->in) < mlen)
				break;
			if (got_msg(f, type, f->in.data + f->in.off + BGP_HDR_LEN,
				    (size_t)mlen - BGP_HDR_LEN) < 0)
				return;
			buf_consume(&f->in, mlen);
		}
		if (f->in.off == f->in.len)
			buf_reset(&f->in);
	}
}

static void connected(struct feed *f)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct bgp_caps caps = { 0 };

	if (getsockname(f->fd, (struct sockaddr *)&ss, &sl) < 0 ||
	    addr_from_sa((struct sockaddr *)&ss, &f->local, NULL) < 0) {
		feed_fail(f, "getsockname: %s", strerror(errno));
		return;
	}
	if (f->local.af == AF_INET) {
		f->bgp_id = get32(f->local.a);
	} else {
		/* no IPv4 address to borrow: one from the benchmarking range, tied to ours */
		struct prefix p = { .addr = f->local, .len = 128 };

		f->bgp_id = 0xc6120000u | (prefix_hash(&p) & 0x1ffffu);
		if ((f->bgp_id & 0x1ffffu) == 0)
			f->bgp_id |= 1;
	}
	caps.as4 = 1;
	caps.as4_asn = f->o->local_as;
	caps.mp_any = 1;
	caps.mp_ipv4 = f->gen.af == AF_INET;
	caps.mp_ipv6 = f->gen.af == AF_INET6;
	caps.role = BGP_ROLE_NONE;
	bgp_open_encode(&f->out, f->o->local_as, f->o->hold_time, f->bgp_id, &caps);
	f->state = F_OPENSENT;
	pump(f);
}

static void on_io(int fd, uint32_t events, void *arg)
{
	struct feed *f = arg;

	if (f->state == F_CONNECT) {
		int err = 0;
		socklen_t sl = sizeof(err);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		if (err) {
			feed_fail(f, "connect: %s", strerror(err));
			return;
		}
		connected(f);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		do_read(f);
	/* also after reading: an answer may be queued, or Established reached */
	if (!f->stopped)
		pump(f);
}

static int start_connect(struct feed *f)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	f->fd = socket(f->o->peer.af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (f->fd < 0) {
		fprintf(stderr, "anycast feed: socket: %s\n", strerror(errno));
		return -1;
	}
	if (addr_is_set(&f->o->local)) {
		sl = addr_to_sa(&f->o->local, 0, &ss);
		if (bind(f->fd, (struct sockaddr *)&ss, sl) < 0) {
			fprintf(stderr, "anycast feed: bind: %s\n", strerror(errno));
			return -1;
		}
	}
	sl = addr_to_sa(&f->o->peer, f->o->port, &ss);
	if (connect(f->fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		fprintf(stderr, "anycast feed: %s: connect: %s\n", peer_str(f), strerror(errno));
		return -1;
	}
	/* completion (or failure) shows as writable, as for a connect still in progress */
	ev_io_add(f->loop, f->fd, EPOLLOUT | EPOLLIN, on_io, f);
	return 0;
}

int feed_run(const struct feed_opts *o, struct feed_result *res)
{
	struct feed *f = xcalloc(1, sizeof(*f));
	int rc;

	f->o = o;
	f->fd = -1;
	f->rc = 1;
	if (feed_gen_init(&f->gen, o->peer.af, o->routes, o->seed, o->local_as, o->remote_as) < 0) {
		fprintf(stderr, "anycast feed: routes must be 1 to %llu\n", FEED_MAX_ROUTES);
		free(f);
		return 1;
	}
	f->loop = ev_loop_new();
	buf_init(&f->out);
	buf_init(&f->in);
	bgp_attrs_init(&f->attrs);
	ev_timer_init(&f->t_setup, setup_expired, f);
	ev_timer_init(&f->t_keepalive, keepalive_tick, f);
	ev_timer_init(&f->t_hold, hold_expired, f);
	ev_timer_init(&f->t_progress, progress_tick, f);
	ev_timer_init(&f->t_drain, drain_check, f);
	ev_timer_init(&f->t_exit, exit_tick, f);
	ev_signal_add(f->loop, SIGINT, on_signal, f);
	ev_signal_add(f->loop, SIGTERM, on_signal, f);
	if (start_connect(f) == 0) {
		ev_timer_start(f->loop, &f->t_setup, SETUP_MS);
		ev_run(f->loop);
	}
	if (f->fd >= 0)
		close(f->fd);
	rc = f->stopped ? f->rc : 1;
	if (res)
		*res = f->res;
	bgp_attrs_clear(&f->attrs);
	buf_free(&f->out);
	buf_free(&f->in);
	ev_loop_free(f->loop);
	free(f);
	return rc;
}

/* ---- command line ---- */

static void feed_usage(void)
{
	fprintf(stderr,
		"usage: anycast feed --peer ADDR --local-as N --remote-as N --routes N\n"
		"                    [--local-address ADDR] [--port P] [--seed S] [--hold-time S]\n"
		"                    [--exit-after S] [--json] [--quiet]\n"
		"  Sends N synthetic routes (a global-table-like mix; IPv6 peers get routes in\n"
		"  2001:db8::/32) as fast as the peer takes them, then End-of-RIB; stays up until\n"
		"  SIGINT/SIGTERM or --exit-after seconds, then Cease. --routes takes k and M.\n");
	exit(2);
}

static int parse_u64(const char *s, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end == 'k' || *end == 'K') {
		v = v > ULLONG_MAX / 1000 ? ULLONG_MAX : v * 1000;
		end++;
	} else if (*end == 'M') {
		v = v > ULLONG_MAX / 1000000 ? ULLONG_MAX : v * 1000000;
		end++;
	}
	if (*end || v > max)
		return -1;
	*out = v;
	return 0;
}

static void bad_value(const char *name, const char *val)
{
	fprintf(stderr, "anycast feed: bad value for %s: '%s'\n", name, val);
	exit(2);
}

static uint64_t opt_u64(const char *name, const char *val, uint64_t min, uint64_t max)
{
	uint64_t v = 0;

	if (parse_u64(val, max, &v) < 0 || v < min)
		bad_value(name, val);
	return v;
}

int feed_main(int argc, char **argv)
{
	struct feed_opts o = { .port = BGP_PORT, .seed = 1, .hold_time = 90, .exit_after = -1 };
	int have_peer = 0, have_las = 0, have_ras = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

		if (strcmp(a, "--json") == 0 || strcmp(a, "-j") == 0) {
			o.json = 1;
			continue;
		}
		if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			o.quiet = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0 || !val)
			feed_usage();
		i++;
		if (strcmp(a, "--peer") == 0) {
			if (addr_parse(val, &o.peer) < 0)
				bad_value(a, val);
			have_peer = 1;
		} else if (strcmp(a, "--local-address") == 0) {
			if (addr_parse(val, &o.local) < 0)
				bad_value(a, val);
		} else if (strcmp(a, "--local-as") == 0) {
			o.local_as = (uint32_t)opt_u64(a, val, 1, UINT32_MAX);
			have_las = 1;
		} else if (strcmp(a, "--remote-as") == 0) {
			o.remote_as = (uint32_t)opt_u64(a, val, 1, UINT32_MAX);
			have_ras = 1;
		} else if (strcmp(a, "--routes") == 0) {
			o.routes = opt_u64(a, val, 1, FEED_MAX_ROUTES);
		} else if (strcmp(a, "--port") == 0) {
			o.port = (uint16_t)opt_u64(a, val, 1, 65535);
		} else if (strcmp(a, "--seed") == 0) {
			o.seed = opt_u64(a, val, 0, UINT64_MAX);
		} else if (strcmp(a, "--hold-time") == 0) {
			o.hold_time = (uint16_t)opt_u64(a, val, 0, 65535);
			if (o.hold_time == 1 || o.hold_time == 2)
				bad_value(a, val); /* RFC 4271: 0 or at least 3 */
		} else if (strcmp(a, "--exit-after") == 0) {
			o.exit_after = (int)opt_u64(a, val, 0, 86400 * 365);
		} else {
			feed_usage();
		}
	}
	if (!have_peer || !have_las || !have_ras || o.routes == 0)
		feed_usage();
	if (addr_is_set(&o.local) && o.local.af != o.peer.af) {
		fprintf(stderr, "anycast feed: --local-address and --peer differ in family\n");
		exit(2);
	}
	return feed_run(&o, NULL);
}
