/* anycast probe tcp: see tcp.h for what it counts and how. */
#include "probe/tcp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "dns/query.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/sig.h"
#include "probe/probe.h"

#define INBUF_CAP (2 + 65535) /* one whole message at least */

enum { Q_WAIT, Q_SENT }; /* a query of a slot: waiting for a connection, or written on it */

struct q {
	uint32_t seq;
	uint8_t state;
	int64_t due_ns;  /* when it was due (its loss deadline is due + timeout) */
	int64_t sent_ns; /* written on the current connection at */
};

/* One of the K connections, across its reconnects. */
struct slot {
	int fd; /* -1: none */
	int connecting;
	int was_up; /* an established connection that has not been counted reset */
	int marked; /* that connection was established at the mark */
	int64_t connect_ns;
	struct q *q; /* unanswered queries of this slot, in the order they were due */
	size_t nq, capq;
	struct buf out; /* not yet written */
	uint8_t *in;
	size_t nin;
};

struct run {
	const struct probe_tcp_opts *o;
	struct probe_tcp_result *r;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct dns_question qn;
	uint16_t key;
	int64_t t0, timeout_ns;
	unsigned long next;
	struct slot *s;
	int32_t *rtts; /* answered: rtt in us, for the median */
	size_t last_site;
	/* the message being handled (probe_tcp_frames' callback) */
	struct slot *cur;
	int64_t now;
};

static int64_t sched_ns(unsigned long seq, unsigned rate)
{
	return (int64_t)seq * 1000000000 / rate;
}

/* ---- framing ---- */

size_t probe_tcp_frames(const uint8_t *p, size_t n, void (*msg)(void *, const uint8_t *, size_t),
			void *arg)
{
	size_t off = 0;

	while (n - off >= 2) {
		size_t len = (size_t)p[off] << 8 | p[off + 1];

		if (n - off - 2 < len)
			break;
		msg(arg, p + off + 2, len);
		off += 2 + len;
	}
	return off;
}

/* ---- connections ---- */

static void count_reset(struct run *u, struct slot *sl)
{
	struct probe_tcp_result *r = u->r;
	int64_t at = u->now - u->t0;

	sl->was_up = 0;
	r->reset++;
	if (sl->marked)
		r->reset_of_marked++;
	sl->marked = 0;
	if (r->first_reset_ns < 0)
		r->first_reset_ns = at;
	r->last_reset_ns = at;
}

/* Ends the slot's connection; its unanswered queries wait for the next one. */
static void drop_conn(struct slot *sl)
{
	if (sl->fd >= 0)
		close(sl->fd);
	sl->fd = -1;
	sl->connecting = 0;
	buf_reset(&sl->out);
	sl->nin = 0;
	for (size_t i = 0; i < sl->nq; i++)
		sl->q[i].state = Q_WAIT;
}

static void start_connect(struct run *u, struct slot *sl)
{
	int one = 1;

	sl->fd = socket(u->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (sl->fd < 0) {
		u->r->connect_failed++;
		return;
	}
	setsockopt(sl->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	sl->connect_ns = u->now;
	if (connect(sl->fd, (struct sockaddr *)&u->ss, u->sslen) == 0) {
		sl->connecting = 1; /* loopback may connect at once: seen as writable next */
		return;
	}
	if (errno == EINPROGRESS) {
		sl->connecting = 1;
		return;
	}
	/* refused at once (a local address) */
	if (sl->was_up)
		count_reset(u, sl);
	else
		u->r->connect_failed++;
	close(sl->fd);
	sl->fd = -1;
}

static void write_query(struct run *u, struct slot *sl, struct q *q)
{
	uint8_t pkt[2 + DNS_QUERY_MAX];
	int len = dns_query_build(pkt + 2, sizeof(pkt) - 2, (uint16_t)(q->seq + u->key), &u->qn,
				  NULL);

	if (len < 0)
		return;
	pkt[0] = (uint8_t)(len >> 8);
	pkt[1] = (uint8_t)len;
	buf_put(&sl->out, pkt, (size_t)len + 2);
	if (q->sent_ns >= 0)
		u->r->resent++;
	q->state = Q_SENT;
	q->sent_ns = u->now;
}

/* A connection error: what it was counts as a reset, unless it was a connect on a slot that
 * never had an established connection since its last counted end. */
static void conn_error(struct run *u, struct slot *sl)
{
	int was_connecting = sl->connecting;

	if (!was_connecting || sl->was_up)
		count_reset(u, sl);
	else
		u->r->connect_failed++;
	drop_conn(sl);
}

static void flush_out(struct run *u, struct slot *sl)
{
	while (buf_pending(&sl->out)) {
		ssize_t n = send(sl->fd, sl->out.data + sl->out.off, buf_pending(&sl->out),
				 MSG_NOSIGNAL);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				return;
			conn_error(u, sl); /* EPIPE, ECONNRESET */
			return;
		}
		buf_consume(&sl->out, (size_t)n);
	}
}

static void connected(struct run *u, struct slot *sl)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(sl->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
		err = errno;
	if (err) {
		conn_error(u, sl);
		return;
	}
	sl->connecting = 0;
	sl->was_up = 1;
	sl->marked = 0; /* a new connection, not the one open at the mark */
	u->r->opened++;
	for (size_t i = 0; i < sl->nq; i++)
		write_query(u, sl, &sl->q[i]);
	flush_out(u, sl);
}

/* ---- answers ---- */

static size_t site_index(struct run *u, const char *name)
{
	struct probe_tcp_result *r = u->r;

	if (u->last_site < r->nsites && strcmp(r->sites[u->last_site].name, name) == 0)
		return u->last_site;
	for (size_t i = 0; i < r->nsites; i++)
		if (strcmp(r->sites[i].name, name) == 0)
			return u->last_site = i;
	/* a server making up identities cannot grow the table without bound */
	if (r->nsites > PROBE_SITES_MAX)
		return PROBE_SITES_MAX;
	r->sites = xrealloc(r->sites, (r->nsites + 1) * sizeof(*r->sites));
	r->sites[r->nsites] = (struct probe_tcp_site){
		.name = xstrdup(r->nsites == PROBE_SITES_MAX ? "(other)" : name),
		.first_ns = -1,
		.last_ns = -1,
	};
	return u->last_site = r->nsites++;
}

static void on_msg(void *arg, const uint8_t *p, size_t n)
{
	struct run *u = arg;
	struct slot *sl = u->cur;
	struct probe_tcp_result *r = u->r;
	struct dns_reply rep;
	char site[256];
	size_t i;

	if (dns_reply_parse(p, n, &u->qn, &rep) < 0) {
		r->late++;
		return;
	}
	for (i = 0; i < sl->nq; i++)
		if ((uint16_t)(sl->q[i].seq + u->key) == rep.id && sl->q[i].state == Q_SENT)
			break;
	if (i == sl->nq) {
		r->late++;
		return;
	}
	struct q *q = &sl->q[i];
	int64_t rtt = u->now - q->sent_ns;

	dns_reply_identity(p, n, &rep, site, sizeof(site));
	size_t si = site_index(u, site);

	if (si < r->nsites) {
		struct probe_tcp_site *s = &r->sites[si];
		int64_t due = q->due_ns - u->t0;

		s->answers++;
		if (s->first_ns < 0 || due < s->first_ns)
			s->first_ns = due;
		if (due > s->last_ns)
			s->last_ns = due;
	}
	u->rtts[r->answered++] = (int32_t)(rtt / 1000);
	memmove(q, q + 1, (sl->nq - i - 1) * sizeof(*q));
	sl->nq--;
}

static void read_conn(struct run *u, struct slot *sl)
{
	for (int rounds = 0; rounds < 64 && sl->fd >= 0; rounds++) {
		ssize_t n = recv(sl->fd, sl->in + sl->nin, INBUF_CAP - sl->nin, 0);

		if (n == 0) {
			/* the server closed it in order: FIN */
			u->r->closed_orderly++;
			drop_conn(sl);
			if (sl->nq) /* unanswered queries: re-sent on a new connection now */
				start_connect(u, sl);
			return;
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				conn_error(u, sl);
			return;
		}
		sl->nin += (size_t)n;
		u->cur = sl;
		size_t used = probe_tcp_frames(sl->in, sl->nin, on_msg, u);

		memmove(sl->in, sl->in + used, sl->nin - used);
		sl->nin -= used;
	}
}

/* ---- the schedule and the deadlines ---- */

static void add_query(struct run *u, struct slot *sl, unsigned long seq)
{
	if (sl->nq == PROBE_TCP_INFLIGHT_MAX) {
		u->r->lost++;
		return;
	}
	if (sl->nq == sl->capq) {
		sl->capq = sl->capq ? sl->capq * 2 : 16;
		sl->q = xrealloc(sl->q, sl->capq * sizeof(*sl->q));
	}
	struct q *q = &sl->q[sl->nq++];

	*q = (struct q){ .seq = (uint32_t)seq, .state = Q_WAIT, .due_ns = u->now, .sent_ns = -1 };
	if (sl->fd >= 0 && !sl->connecting) {
		write_query(u, sl, q);
		flush_out(u, sl);
	} else if (sl->fd < 0) {
		start_connect(u, sl); /* a new connection on the next query */
	}
}

static void send_due(struct run *u, int stopping)
{
	struct probe_tcp_result *r = u->r;

	for (int burst = 0; burst < 1024 && !stopping && u->next < r->count &&
			    sched_ns(u->next, r->rate) <= u->now - u->t0;
	     burst++) {
		add_query(u, &u->s[u->next % r->connections], u->next);
		u->next++;
		r->sent++;
	}
}

/* A query unanswered for the timeout on an open connection: the connection is broken (reset)
 * and its overdue queries lost. A query waiting that long for a connection is lost. A connect
 * that takes the timeout failed. */
static void expire(struct run *u)
{
	for (unsigned k = 0; k < u->r->connections; k++) {
		struct slot *sl = &u->s[k];
		int broken = 0;

		for (size_t i = 0; i < sl->nq; i++)
			if (sl->q[i].state == Q_SENT && sl->q[i].sent_ns + u->timeout_ns <= u->now)
				broken = 1;
		if (broken) {
			count_reset(u, sl);
			drop_conn(sl);
		} else if (sl->connecting && sl->connect_ns + u->timeout_ns <= u->now) {
			if (sl->was_up)
				count_reset(u, sl);
			else
				u->r->connect_failed++;
			drop_conn(sl);
		}
		size_t w = 0;

		for (size_t i = 0; i < sl->nq; i++) {
			if (sl->q[i].due_ns + u->timeout_ns <= u->now &&
			    (sl->q[i].state == Q_WAIT || broken)) {
				u->r->lost++;
				continue;
			}
			sl->q[w++] = sl->q[i];
		}
		sl->nq = w;
		/* queries still to be re-sent and no connection: try again */
		if (sl->fd < 0 && sl->nq && u->now - sl->connect_ns >= u->timeout_ns / 8)
			start_connect(u, sl);
	}
}

/* The earliest deadline of anything outstanding, as an absolute time. */
static int64_t next_deadline(const struct run *u, int64_t wake)
{
	for (unsigned k = 0; k < u->r->connections; k++) {
		const struct slot *sl = &u->s[k];

		if (sl->connecting && sl->connect_ns + u->timeout_ns < wake)
			wake = sl->connect_ns + u->timeout_ns;
		if (sl->fd < 0 && sl->nq && sl->connect_ns + u->timeout_ns / 8 < wake)
			wake = sl->connect_ns + u->timeout_ns / 8;
		for (size_t i = 0; i < sl->nq; i++) {
			int64_t d = sl->q[i].state == Q_SENT ? sl->q[i].sent_ns : sl->q[i].due_ns;

			if (d + u->timeout_ns < wake)
				wake = d + u->timeout_ns;
		}
	}
	return wake;
}

static size_t outstanding(const struct run *u)
{
	size_t n = 0;

	for (unsigned k = 0; k < u->r->connections; k++)
		n += u->s[k].nq;
	return n;
}

/* ---- run ---- */

/* The connections established now: what a failure at this moment can break. */
static void mark(struct run *u)
{
	struct probe_tcp_result *r = u->r;

	r->marked = 1;
	r->mark_at_ns = u->now - u->t0;
	for (unsigned k = 0; k < r->connections; k++)
		if (u->s[k].fd >= 0 && !u->s[k].connecting) {
			u->s[k].marked = 1;
			r->open_at_mark++;
		}
	if (u->o->mark_say)
		fprintf(stderr, "anycast probe tcp: mark at %.1f ms: %u connections open\n",
			(double)r->mark_at_ns / 1e6, r->open_at_mark);
}

static int run_open(struct run *u)
{
	const struct probe_tcp_opts *o = u->o;
	struct probe_tcp_result *r = u->r;
	const char *why;

	if (!o->server || probe_server_parse(o->server, &u->ss, &u->sslen) < 0) {
		snprintf(r->err, sizeof(r->err),
			 "bad server \"%s\": want ADDR[:PORT] or [IPv6]:PORT",
			 o->server ? o->server : "");
		return -1;
	}
	snprintf(r->server, sizeof(r->server), "%s", o->server);
	if (o->rate < 1 || o->rate > PROBE_TCP_RATE_MAX || o->count < 1 ||
	    o->count > PROBE_COUNT_MAX || o->connections < 1 ||
	    o->connections > PROBE_TCP_CONNS_MAX || r->timeout_ms > PROBE_TIMEOUT_MAX_MS) {
		snprintf(r->err, sizeof(r->err),
			 "connections want 1-%u, rate 1-%u, count 1-%lu, timeout 1-%u ms",
			 PROBE_TCP_CONNS_MAX, PROBE_TCP_RATE_MAX, PROBE_COUNT_MAX,
			 PROBE_TIMEOUT_MAX_MS);
		return -1;
	}
	if (dns_question_set(&u->qn, PROBE_NAME_DEFAULT, DNS_T_TXT, DNS_C_CH, &why) < 0) {
		snprintf(r->err, sizeof(r->err), "query: %s", why);
		return -1;
	}
	u->rtts = calloc(o->count, sizeof(*u->rtts));
	u->s = calloc(o->connections, sizeof(*u->s));
	if (!u->rtts || !u->s) {
		snprintf(r->err, sizeof(r->err), "no memory for %lu queries", o->count);
		return -1;
	}
	for (unsigned k = 0; k < o->connections; k++) {
		u->s[k].fd = -1;
		u->s[k].connect_ns = INT64_MIN / 2;
		buf_init(&u->s[k].out);
		u->s[k].in = xmalloc(INBUF_CAP);
	}
	if (getrandom(&u->key, sizeof(u->key), GRND_NONBLOCK) != sizeof(u->key))
		u->key = (uint16_t)(clk_now_ns() ^ getpid());
	return 0;
}

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static void run_close(struct run *u)
{
	struct probe_tcp_result *r = u->r;

	for (unsigned k = 0; u->s && k < r->connections; k++) {
		struct slot *sl = &u->s[k];

		r->lost += sl->nq;
		if (sl->fd >= 0 && !sl->connecting)
			r->open_end++;
		if (sl->fd >= 0)
			close(sl->fd);
		free(sl->q);
		free(sl->in);
		buf_free(&sl->out);
	}
	if (r->answered) {
		qsort(u->rtts, r->answered, sizeof(*u->rtts), cmp_i32);
		r->rtt_median_us = u->rtts[(r->answered + 1) / 2 - 1];
		r->rtt_max_us = u->rtts[r->answered - 1];
	}
	free(u->s);
	free(u->rtts);
}

int probe_tcp_run(const struct probe_tcp_opts *o, struct probe_tcp_result *r)
{
	struct run u = { .o = o, .r = r };

	memset(r, 0, sizeof(*r));
	r->connections = o->connections;
	r->rate = o->rate;
	r->count = o->count;
	r->timeout_ms = o->timeout_ms ? o->timeout_ms : PROBE_TIMEOUT_DEFAULT_MS;
	r->first_reset_ns = r->last_reset_ns = -1;
	r->rtt_median_us = r->rtt_max_us = -1;
	if (run_open(&u) < 0) {
		run_close(&u);
		return -1;
	}
	u.timeout_ns = (int64_t)r->timeout_ms * 1000000;
	struct pollfd *pfd = xcalloc(r->connections, sizeof(*pfd));

	u.t0 = clk_now_ns();
	/* the hard bound: the schedule, then a timeout for the last query and one for its
	 * re-send after a reconnect */
	const int64_t hard_end = u.t0 + sched_ns(r->count, r->rate) + 2 * u.timeout_ns;

	for (;;) {
		int stop = o->stop ? *o->stop : 0;

		u.now = clk_now_ns();
		if (stop >= 2 || u.now >= hard_end)
			break;
		send_due(&u, stop);
		expire(&u);
		if (!r->marked &&
		    ((o->mark_ns && u.now >= o->mark_ns) || (o->mark_now && *o->mark_now)))
			mark(&u);
		if ((u.next == r->count || stop) && outstanding(&u) == 0)
			break;

		int64_t wake = hard_end;

		if (u.next < r->count && !stop && u.t0 + sched_ns(u.next, r->rate) < wake)
			wake = u.t0 + sched_ns(u.next, r->rate);
		if (o->mark_ns && !r->marked && o->mark_ns < wake)
			wake = o->mark_ns;
		wake = next_deadline(&u, wake) - clk_now_ns();
		if (wake < 0)
			wake = 0;
		for (unsigned k = 0; k < r->connections; k++) {
			const struct slot *sl = &u.s[k];

			pfd[k].fd = sl->fd;
			pfd[k].events = (short)(POLLIN |
						(sl->connecting || buf_pending(&sl->out) ? POLLOUT
											 : 0));
			pfd[k].revents = 0;
		}
		struct timespec ts = { .tv_sec = wake / 1000000000, .tv_nsec = wake % 1000000000 };

		if (ppoll(pfd, r->connections, &ts, NULL) <= 0)
			continue;
		u.now = clk_now_ns();
		for (unsigned k = 0; k < r->connections; k++) {
			struct slot *sl = &u.s[k];

			if (!pfd[k].revents || sl->fd != pfd[k].fd)
				continue;
			if (sl->connecting) {
				if (pfd[k].revents & (POLLOUT | POLLERR | POLLHUP))
					connected(&u, sl);
				continue;
			}
			/* read first: an EOF or an answer that came before an error counts */
			if (pfd[k].revents & (POLLIN | POLLERR | POLLHUP))
				read_conn(&u, sl);
			if (sl->fd >= 0 && !sl->connecting && (pfd[k].revents & POLLOUT))
				flush_out(&u, sl);
		}
	}
	free(pfd);
	r->elapsed_ns = clk_now_ns() - u.t0;
	run_close(&u);
	return 0;
}

void probe_tcp_free(struct probe_tcp_result *r)
{
	for (size_t i = 0; i < r->nsites; i++)
		free(r->sites[i].name);
	free(r->sites);
	r->sites = NULL;
	r->nsites = 0;
}

/* ---- output ---- */

static double ms(int64_t ns) { return (double)ns / 1e6; }

static void ms_or_null(struct buf *b, int64_t ns)
{
	if (ns < 0)
		buf_printf(b, "null");
	else
		buf_printf(b, "%.3f", ms(ns));
}

void probe_tcp_json(const struct probe_tcp_result *r, struct buf *b)
{
	buf_printf(b, "{\"server\":");
	json_str(b, r->server);
	buf_printf(b,
		   ",\"connections\":%u,\"rate\":%u,\"count\":%lu,\"timeout_ms\":%u,\"sent\":%lu,"
		   "\"answered\":%lu,\"lost\":%lu,\"resent\":%lu,\"late\":%lu,\"opened\":%lu,"
		   "\"closed_orderly\":%lu,\"reset\":%lu,\"connect_failed\":%lu,\"open\":%u,"
		   "\"first_reset_ms\":",
		   r->connections, r->rate, r->count, r->timeout_ms, r->sent, r->answered, r->lost,
		   r->resent, r->late, r->opened, r->closed_orderly, r->reset, r->connect_failed,
		   r->open_end);
	ms_or_null(b, r->first_reset_ns);
	buf_printf(b, ",\"last_reset_ms\":");
	ms_or_null(b, r->last_reset_ns);
	buf_printf(b, ",\"rtt_ms\":{\"median\":");
	buf_printf(b, r->rtt_median_us < 0 ? "null" : "%.3f", (double)r->rtt_median_us / 1e3);
	buf_printf(b, ",\"max\":");
	buf_printf(b, r->rtt_max_us < 0 ? "null" : "%.3f", (double)r->rtt_max_us / 1e3);
	buf_printf(b, "},\"elapsed_ms\":%.3f,", ms(r->elapsed_ns));
	if (r->marked)
		buf_printf(b, "\"mark_ms\":%.3f,\"open_at_mark\":%u,\"reset_of_marked\":%lu,",
			   ms(r->mark_at_ns), r->open_at_mark, r->reset_of_marked);
	buf_printf(b, "\"sites\":{");
	for (size_t i = 0; i < r->nsites; i++) {
		buf_printf(b, "%s", i ? "," : "");
		json_str(b, r->sites[i].name);
		buf_printf(b, ":%lu", r->sites[i].answers);
	}
	buf_printf(b, "},\"site_spans\":[");
	for (size_t i = 0; i < r->nsites; i++) {
		buf_printf(b, "%s{\"name\":", i ? "," : "");
		json_str(b, r->sites[i].name);
		buf_printf(b, ",\"first_ms\":%.3f,\"last_ms\":%.3f}", ms(r->sites[i].first_ns),
			   ms(r->sites[i].last_ns));
	}
	buf_printf(b, "]}\n");
}

void probe_tcp_text(const struct probe_tcp_result *r, struct buf *b)
{
	buf_printf(b, "server %s  %u connections  rate %u/s  timeout %u ms\n", r->server,
		   r->connections, r->rate, r->timeout_ms);
	buf_printf(b, "queries   sent %lu  answered %lu  lost %lu  re-sent %lu  late %lu\n",
		   r->sent, r->answered, r->lost, r->resent, r->late);
	buf_printf(b,
		   "conns     opened %lu  closed orderly %lu  reset %lu  connect failed %lu  "
		   "open at the end %u\n",
		   r->opened, r->closed_orderly, r->reset, r->connect_failed, r->open_end);
	if (r->rtt_median_us >= 0)
		buf_printf(b, "rtt ms    median %.3f  max %.3f\n", (double)r->rtt_median_us / 1e3,
			   (double)r->rtt_max_us / 1e3);
	if (r->reset)
		buf_printf(b, "resets    from %.1f ms to %.1f ms\n", ms(r->first_reset_ns),
			   ms(r->last_reset_ns));
	if (r->marked)
		buf_printf(b,
			   "mark      at %.1f ms: %u connections open, %lu of them reset since\n",
			   ms(r->mark_at_ns), r->open_at_mark, r->reset_of_marked);
	buf_printf(b, "\n%-24s %10s %12s %12s\n", "site", "answers", "first ms", "last ms");
	for (size_t i = 0; i < r->nsites; i++)
		buf_printf(b, "%-24s %10lu %12.1f %12.1f\n", r->sites[i].name, r->sites[i].answers,
			   ms(r->sites[i].first_ns), ms(r->sites[i].last_ns));
	buf_printf(b, "elapsed %.2f s\n", ms(r->elapsed_ns) / 1e3);
}

/* ---- command ---- */

#define TCP_USAGE                                                                          \
	"usage: anycast probe tcp --server ADDR[:PORT] --connections K --rate N --count N" \
	" [--timeout MS] [--json]\n"

static volatile sig_atomic_t usr1_seen;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_seen = 1;
}

static int usage_err(const char *what, const char *val)
{
	fprintf(stderr, "anycast probe tcp: %s%s%s%s\n" TCP_USAGE, what, val ? " \"" : "",
		val ? val : "", val ? "\"" : "");
	return 2;
}

int probe_tcp_main(int argc, char **argv)
{
	struct probe_tcp_opts o = { 0 };
	unsigned long v;
	int json = 0;
	static const struct {
		const char *opt;
		unsigned long min, max;
	} nums[] = {
		{ "--connections", 1, PROBE_TCP_CONNS_MAX },
		{ "--rate", 1, PROBE_TCP_RATE_MAX },
		{ "--count", 1, PROBE_COUNT_MAX },
		{ "--timeout", 1, PROBE_TIMEOUT_MAX_MS },
	};

	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq = strchr(a, '=');
		char opt[32];
		size_t k;

		if (strcmp(a, "--json") == 0) {
			json = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(TCP_USAGE, stdout);
			return 0;
		}
		snprintf(opt, sizeof(opt), "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (!val)
			return usage_err("a value is wanted after", opt);
		if (strcmp(opt, "--server") == 0) {
			struct sockaddr_storage ss;
			socklen_t len;

			if (probe_server_parse(val, &ss, &len) < 0)
				return usage_err("bad --server (want ADDR[:PORT] or [IPv6]:PORT)",
						 val);
			o.server = val;
			continue;
		}
		for (k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
			if (strcmp(opt, nums[k].opt) == 0)
				break;
		if (k == sizeof(nums) / sizeof(nums[0]))
			return usage_err("unknown option", a);
		if (probe_num_arg(val, nums[k].min, nums[k].max, &v) < 0) {
			char what[96];

			snprintf(what, sizeof(what), "%s wants %lu-%lu, not", opt, nums[k].min,
				 nums[k].max);
			return usage_err(what, val);
		}
		if (k == 0)
			o.connections = (unsigned)v;
		else if (k == 1)
			o.rate = (unsigned)v;
		else if (k == 2)
			o.count = v;
		else
			o.timeout_ms = (unsigned)v;
	}
	if (!o.server || !o.connections || !o.rate || !o.count)
		return usage_err(!o.server        ? "--server is required"
				 : !o.connections ? "--connections is required"
				 : !o.rate        ? "--rate is required"
						  : "--count is required",
				 NULL);

	struct sig_saved saved;
	struct sigaction usr = { .sa_handler = on_usr1 }, old_usr;

	/* a first signal: send no more and wait for the answers; a second: report now */
	o.stop = &sig_interrupted;
	sig_catch(&saved);
	/* SIGUSR1: the mark (no SA_RESTART: the wait returns at once) */
	sigemptyset(&usr.sa_mask);
	sigaction(SIGUSR1, &usr, &old_usr);
	o.mark_now = &usr1_seen;
	o.mark_say = 1;

	struct probe_tcp_result r;
	int rc = probe_tcp_run(&o, &r);

	sig_restore(&saved);
	sigaction(SIGUSR1, &old_usr, NULL);
	if (rc < 0) {
		fprintf(stderr, "anycast probe tcp: %s\n", r.err);
		probe_tcp_free(&r);
		return 1;
	}

	struct buf out;

	buf_init(&out);
	if (json)
		probe_tcp_json(&r, &out);
	else
		probe_tcp_text(&r, &out);
	fwrite(out.data, 1, out.len, stdout);
	fflush(stdout);
	buf_free(&out);
	if (!r.answered)
		fprintf(stderr, "anycast probe tcp: no answer from %s to %lu queries\n", r.server,
			r.sent);
	rc = r.answered ? 0 : 1;
	probe_tcp_free(&r);
	return rc;
}
