/* anycast probe dns: see probe.h for what it measures and how. */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "probe/probe.h"
#include "dns/query.h"
#include "lib/addr.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/sig.h"

#define ID_SPACE 65536

/* ---- wire ---- */

int probe_server_parse(const char *s, struct sockaddr_storage *ss, socklen_t *sslen)
{
	char host[64];
	const char *start = s, *port = NULL;
	size_t hl;

	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (!end || (end[1] && end[1] != ':'))
			return -1;
		start = s + 1;
		hl = (size_t)(end - start);
		if (end[1] == ':')
			port = end + 2;
	} else {
		const char *c = strchr(s, ':');

		/* exactly one colon: IPv4:PORT; none or several: a bare address */
		if (c && !strchr(c + 1, ':')) {
			hl = (size_t)(c - s);
			port = c + 1;
		} else {
			hl = strlen(s);
		}
	}
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, start, hl);
	host[hl] = 0;

	struct addr a;
	long pn = 53;

	if (addr_parse(host, &a) < 0)
		return -1;
	if (port) {
		char *end;

		pn = strtol(port, &end, 10);
		if (!*port || *end || pn < 1 || pn > 65535)
			return -1;
	}
	*sslen = addr_to_sa(&a, (uint16_t)pn, ss);
	return 0;
}

/* ---- run ---- */

static int64_t sched_ns(unsigned long seq, unsigned rate)
{
	return (int64_t)seq * 1000000000 / rate;
}

struct run {
	const struct probe_opts *o;
	struct probe_result *r;
	int fd;
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct dns_question q;
	uint16_t key;
	int64_t t0, timeout_ns;
	unsigned long next, head; /* next to send; oldest that may be outstanding */
	size_t last_site;         /* answers come in long runs from one site */
};

static uint16_t site_index(struct run *u, const char *name)
{
	struct probe_result *r = u->r;

	if (u->last_site < r->nsites && strcmp(r->sites[u->last_site].name, name) == 0)
		return (uint16_t)u->last_site;
	for (size_t i = 0; i < r->nsites; i++) {
		if (strcmp(r->sites[i].name, name) == 0)
			return (uint16_t)(u->last_site = i);
	}
	/* Past PROBE_SITES_MAX, a server making up identities cannot grow the table. */
	if (r->nsites > PROBE_SITES_MAX)
		return PROBE_SITES_MAX;
	r->sites = xrealloc(r->sites, (r->nsites + 1) * sizeof(*r->sites));
	r->sites[r->nsites].name = xstrdup(r->nsites == PROBE_SITES_MAX ? "(other)" : name);
	r->sites[r->nsites].answers = 0;
	u->last_site = r->nsites;
	return (uint16_t)r->nsites++;
}

static void send_due(struct run *u, int stopping, int64_t now, int *busy)
{
	struct probe_result *r = u->r;
	uint8_t pkt[DNS_QUERY_MAX];
	int burst = 0;

	while (u->next < r->count && !stopping && sched_ns(u->next, r->rate) <= now - u->t0) {
		/* The ID is about to be reused: its previous holder can no longer be told apart. */
		if (u->next >= ID_SPACE && r->recs[u->next - ID_SPACE].state == PROBE_PENDING)
			r->recs[u->next - ID_SPACE].state = PROBE_LOST;
		struct probe_rec *q = &r->recs[u->next];
		int len = dns_query_build(pkt, sizeof(pkt), (uint16_t)(u->next + u->key), &u->q,
					  NULL);

		q->sent_ns = clk_now_ns() - u->t0;
		q->state = PROBE_PENDING;
		if (sendto(u->fd, pkt, (size_t)len, 0, (struct sockaddr *)&u->ss, u->sslen) < 0) {
			/* No route, full buffers: the query did not reach the service, a loss. */
			q->state = PROBE_LOST;
			r->send_errors++;
			r->last_send_errno = errno;
		}
		u->next++;
		/* Bounded, so that answers are read while catching up after a stall. */
		if (++burst == 1024) {
			*busy = 1;
			break;
		}
	}
}

static void recv_all(struct run *u, int *busy)
{
	struct probe_result *r = u->r;
	uint8_t pkt[1500];
	char site[256];
	struct dns_reply rep;

	for (int i = 0; i < 1024; i++) {
		ssize_t n = recvfrom(u->fd, pkt, sizeof(pkt), 0, NULL, NULL);

		if (n < 0)
			return;
		int64_t now = clk_now_ns() - u->t0;

		if (dns_reply_parse(pkt, (size_t)n, &u->q, &rep) < 0 || u->next == 0)
			continue;
		/* an answer, an error or an odd one: the server did answer, and is named */
		dns_reply_identity(pkt, (size_t)n, &rep, site, sizeof(site));
		uint16_t id = rep.id;

		/* The latest query sent with this ID. */
		uint16_t back = (uint16_t)((uint16_t)(u->next - 1 + u->key) - id);

		if (back > u->next - 1)
			continue;
		struct probe_rec *q = &r->recs[u->next - 1 - back];
		int64_t rtt = now - q->sent_ns;

		if (q->state != PROBE_PENDING || rtt > u->timeout_ns) {
			r->late++;
			continue;
		}
		q->state = PROBE_ANSWERED;
		q->rtt_us = (int32_t)(rtt / 1000);
		q->site = site_index(u, site);
	}
	*busy = 1;
}

static void expire(struct run *u, int64_t now)
{
	struct probe_rec *recs = u->r->recs;

	while (u->head < u->next) {
		struct probe_rec *q = &recs[u->head];

		if (q->state == PROBE_PENDING) {
			if (q->sent_ns + u->timeout_ns > now - u->t0)
				return;
			q->state = PROBE_LOST;
		}
		u->head++;
	}
}

static int run_open(struct run *u)
{
	const struct probe_opts *o = u->o;
	struct probe_result *r = u->r;
	const char *name = o->name ? o->name : PROBE_NAME_DEFAULT;
	const char *why;

	if (!o->server || probe_server_parse(o->server, &u->ss, &u->sslen) < 0) {
		snprintf(r->err, sizeof(r->err),
			 "bad server \"%s\": want ADDR[:PORT] or [IPv6]:PORT",
			 o->server ? o->server : "");
		return -1;
	}
	snprintf(r->server, sizeof(r->server), "%s", o->server);
	if (o->rate < 1 || o->rate > PROBE_RATE_MAX || o->count < 1 || o->count > PROBE_COUNT_MAX ||
	    r->timeout_ms > PROBE_TIMEOUT_MAX_MS) {
		snprintf(r->err, sizeof(r->err), "rate wants 1-%u, count 1-%lu, timeout 1-%u ms",
			 PROBE_RATE_MAX, PROBE_COUNT_MAX, PROBE_TIMEOUT_MAX_MS);
		return -1;
	}
	if (dns_question_set(&u->q, name, DNS_T_TXT, DNS_C_CH, &why) < 0) {
		snprintf(r->err, sizeof(r->err), "bad name \"%.64s\": %s", name, why);
		return -1;
	}
	snprintf(r->name, sizeof(r->name), "%s%s", name, name[strlen(name) - 1] == '.' ? "" : ".");
	/* calloc, not xcalloc: the size comes from the command line. Untouched pages of a
	 * large calloc are never faulted in, so a short run costs little. */
	r->recs = calloc(o->count, sizeof(*r->recs));
	if (!r->recs) {
		snprintf(r->err, sizeof(r->err), "no memory for %lu queries", o->count);
		return -1;
	}
	u->fd = socket(u->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (u->fd < 0) {
		snprintf(r->err, sizeof(r->err), "socket: %s", strerror(errno));
		return -1;
	}
	/* At high rates a stall of a few ms must not drop answers in the kernel. */
	int sz = 4 << 20;

	setsockopt(u->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	if (getrandom(&u->key, sizeof(u->key), GRND_NONBLOCK) != sizeof(u->key))
		u->key = (uint16_t)(clk_now_ns() ^ getpid());
	return 0;
}

int probe_dns_run(const struct probe_opts *o, struct probe_result *r)
{
	struct run u = { .o = o, .r = r, .fd = -1 };

	memset(r, 0, sizeof(*r));
	r->rate = o->rate;
	r->count = o->count;
	r->timeout_ms = o->timeout_ms ? o->timeout_ms : PROBE_TIMEOUT_DEFAULT_MS;
	r->rtt_min_us = r->rtt_median_us = r->rtt_p90_us = r->rtt_max_us = -1;
	r->outage_start_ns = r->outage_end_ns = -1;
	if (run_open(&u) < 0)
		return -1; /* nothing open: the socket is the last step */
	u.timeout_ns = (int64_t)r->timeout_ms * 1000000;

	/* Wake-ups within a microsecond of the schedule, not the default 50 us slack. */
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);

	prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0);
	u.t0 = clk_now_ns();
	/* The hard bound: count/rate + timeout, whatever happens. */
	const int64_t hard_end = sched_ns(r->count, r->rate) + u.timeout_ns;

	for (;;) {
		int64_t now = clk_now_ns();
		int stop = o->stop ? *o->stop : 0, busy = 0;

		if (stop >= 2 || now - u.t0 >= hard_end)
			break;
		send_due(&u, stop, now, &busy);
		recv_all(&u, &busy);
		now = clk_now_ns();
		expire(&u, now);
		if ((u.next == r->count || stop) && u.head == u.next)
			break;

		int64_t wake = hard_end;

		if (u.next < r->count && !stop && sched_ns(u.next, r->rate) < wake)
			wake = sched_ns(u.next, r->rate);
		if (u.head < u.next && r->recs[u.head].sent_ns + u.timeout_ns < wake)
			wake = r->recs[u.head].sent_ns + u.timeout_ns;
		wake -= now - u.t0;
		if (busy || wake < 0)
			wake = 0;

		struct pollfd pfd = { .fd = u.fd, .events = POLLIN };
		struct timespec ts = { .tv_sec = wake / 1000000000, .tv_nsec = wake % 1000000000 };

		ppoll(&pfd, 1, &ts, NULL);
	}
	r->elapsed_ns = clk_now_ns() - u.t0;
	for (unsigned long i = u.head; i < u.next; i++)
		if (r->recs[i].state == PROBE_PENDING)
			r->recs[i].state = PROBE_LOST;
	r->sent = u.next;
	if (slack >= 0)
		prctl(PR_SET_TIMERSLACK, (unsigned long)slack, 0, 0, 0);
	close(u.fd);
	probe_result_summarize(r);
	return 0;
}

/* ---- summary ---- */

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

void probe_result_summarize(struct probe_result *r)
{
	unsigned long run = 0, run_start = 0, best_start = 0, n = 0;
	int prev = -1;
	int32_t *rtts = xmalloc((r->sent ? r->sent : 1) * sizeof(*rtts));

	r->answered = r->lost = r->longest_loss_run = 0;
	free(r->switches);
	r->switches = NULL;
	r->nswitches = 0;
	for (size_t i = 0; i < r->nsites; i++)
		r->sites[i].answers = 0;
	for (unsigned long i = 0; i < r->sent; i++) {
		const struct probe_rec *q = &r->recs[i];

		if (q->state != PROBE_ANSWERED) {
			r->lost++;
			if (run++ == 0)
				run_start = i;
			if (run > r->longest_loss_run) {
				r->longest_loss_run = run;
				best_start = run_start;
			}
			continue;
		}
		run = 0;
		r->answered++;
		rtts[n++] = q->rtt_us;
		if (q->site < r->nsites)
			r->sites[q->site].answers++;
		/* A switch is seen at the first query the new site answered, losses between the
		 * two sites are the outage, counted above. */
		if (prev >= 0 && prev != q->site) {
			r->switches = xrealloc(r->switches,
					       (r->nswitches + 1) * sizeof(*r->switches));
			r->switches[r->nswitches++] = (struct probe_switch){ .at_ns = q->sent_ns,
									     .from = (uint16_t)prev,
									     .to = q->site };
		}
		prev = q->site;
	}
	if (n) {
		qsort(rtts, n, sizeof(*rtts), cmp_i32);
		/* nearest rank: the smallest value with at least p of the answers at or below */
		r->rtt_min_us = rtts[0];
		r->rtt_median_us = rtts[(n + 1) / 2 - 1];
		r->rtt_p90_us = rtts[(9 * n + 9) / 10 - 1];
		r->rtt_max_us = rtts[n - 1];
	} else {
		r->rtt_min_us = r->rtt_median_us = r->rtt_p90_us = r->rtt_max_us = -1;
	}
	free(rtts);
	if (r->longest_loss_run) {
		unsigned long end = best_start + r->longest_loss_run;

		r->outage_start_ns = r->recs[best_start].sent_ns;
		/* until the next query that got through, or one interval past the last loss */
		r->outage_end_ns = end < r->sent ? r->recs[end].sent_ns
						 : r->recs[end - 1].sent_ns +
							   sched_ns(1, r->rate ? r->rate : 1);
	} else {
		r->outage_start_ns = r->outage_end_ns = -1;
	}
}

void probe_result_free(struct probe_result *r)
{
	for (size_t i = 0; i < r->nsites; i++)
		free(r->sites[i].name);
	free(r->sites);
	free(r->switches);
	free(r->recs);
	r->sites = NULL, r->switches = NULL, r->recs = NULL;
	r->nsites = r->nswitches = 0;
}

/* ---- output ---- */

static double ms(int64_t ns) { return (double)ns / 1e6; }

/* RTT min/median/p90/max in ms: JSON members (null without answers) or table cells */
static void rtt_out(const struct probe_result *r, struct buf *b, int json)
{
	static const char *const label[] = { "min", "median", "p90", "max" };
	const int64_t us[] = { r->rtt_min_us, r->rtt_median_us, r->rtt_p90_us, r->rtt_max_us };

	for (int i = 0; i < 4; i++) {
		buf_printf(b, json ? "%s\"%s\":" : "%s  %s ", json && i ? "," : "", label[i]);
		if (us[i] < 0)
			buf_printf(b, json ? "null" : "-");
		else
			buf_printf(b, "%.3f", (double)us[i] / 1e3);
	}
}

static double loss_pct(const struct probe_result *r)
{
	return r->sent ? 100.0 * (double)r->lost / (double)r->sent : 0.0;
}

void probe_result_json(const struct probe_result *r, struct buf *b)
{
	buf_printf(b, "{\"server\":");
	json_str(b, r->server);
	buf_printf(b, ",\"name\":");
	json_str(b, r->name);
	buf_printf(b,
		   ",\"rate\":%u,\"count\":%lu,\"timeout_ms\":%u,\"sent\":%lu,\"answered\":%lu,"
		   "\"lost\":%lu,\"loss_pct\":%.2f,\"late\":%lu,\"send_errors\":%lu,"
		   "\"elapsed_ms\":%.3f,\"rtt_ms\":{",
		   r->rate, r->count, r->timeout_ms, r->sent, r->answered, r->lost, loss_pct(r),
		   r->late, r->send_errors, ms(r->elapsed_ns));
	rtt_out(r, b, 1);
	buf_printf(b, "},\"sites\":{");
	for (size_t i = 0; i < r->nsites; i++) {
		buf_printf(b, "%s", i ? "," : "");
		json_str(b, r->sites[i].name);
		buf_printf(b, ":%lu", r->sites[i].answers);
	}
	buf_printf(b, "},\"switches\":[");
	for (size_t i = 0; i < r->nswitches; i++) {
		buf_printf(b, "%s{\"at_ms\":%.3f,\"from\":", i ? "," : "",
			   ms(r->switches[i].at_ns));
		json_str(b, r->sites[r->switches[i].from].name);
		buf_printf(b, ",\"to\":");
		json_str(b, r->sites[r->switches[i].to].name);
		buf_printf(b, "}");
	}
	if (r->longest_loss_run)
		buf_printf(b,
			   "],\"outage_ms\":%.3f,\"outage_start_ms\":%.3f,\"outage_end_ms\":%.3f",
			   ms(r->outage_end_ns - r->outage_start_ns), ms(r->outage_start_ns),
			   ms(r->outage_end_ns));
	else
		buf_printf(b, "],\"outage_ms\":0,\"outage_start_ms\":null,\"outage_end_ms\":null");

	/* Past PROBE_TIMELINE_MAX entries, one per stride queries: a lost one if the stride
	 * has any, so a sampled timeline still shows every outage. */
	unsigned long stride = (r->sent + PROBE_TIMELINE_MAX - 1) / PROBE_TIMELINE_MAX;

	if (!stride)
		stride = 1;
	buf_printf(b, ",\"longest_loss_run\":%lu,\"timeline_stride\":%lu,\"timeline\":[",
		   r->longest_loss_run, stride);
	for (unsigned long i = 0; i < r->sent; i += stride) {
		unsigned long pick = i;

		for (unsigned long j = i; j < i + stride && j < r->sent; j++) {
			if (r->recs[j].state != PROBE_ANSWERED) {
				pick = j;
				break;
			}
		}
		const struct probe_rec *q = &r->recs[pick];

		buf_printf(b, "%s[%.3f,", i ? "," : "", ms(q->sent_ns));
		if (q->state == PROBE_ANSWERED && q->site < r->nsites) {
			json_str(b, r->sites[q->site].name);
			buf_printf(b, ",%.3f]", (double)q->rtt_us / 1e3);
		} else {
			buf_printf(b, "null,null]");
		}
	}
	buf_printf(b, "]}\n");
}

void probe_result_text(const struct probe_result *r, struct buf *b)
{
	buf_printf(b, "server %s  query %s CH TXT  rate %u/s  timeout %u ms\n", r->server, r->name,
		   r->rate, r->timeout_ms);
	buf_printf(b, "sent %lu  answered %lu  lost %lu (%.2f%%)  late %lu  elapsed %.2f s\n",
		   r->sent, r->answered, r->lost, loss_pct(r), r->late, ms(r->elapsed_ns) / 1e3);
	if (r->send_errors)
		buf_printf(b, "send errors %lu (counted lost; last: %s)\n", r->send_errors,
			   strerror(r->last_send_errno));
	buf_printf(b, "rtt ms");
	rtt_out(r, b, 0);
	buf_printf(b, "\n\n%-24s %10s %8s\n", "site", "answers", "share");
	for (size_t i = 0; i < r->nsites; i++)
		buf_printf(b, "%-24s %10lu %7.2f%%\n", r->sites[i].name, r->sites[i].answers,
			   r->sent ? 100.0 * (double)r->sites[i].answers / (double)r->sent : 0.0);
	if (r->lost)
		buf_printf(b, "%-24s %10lu %7.2f%%\n", "(lost)", r->lost, loss_pct(r));
	buf_printf(b, "\n");
	if (r->longest_loss_run)
		buf_printf(b,
			   "outage   %.1f ms: %lu queries lost in a row, from %.1f ms to %.1f ms\n",
			   ms(r->outage_end_ns - r->outage_start_ns), r->longest_loss_run,
			   ms(r->outage_start_ns), ms(r->outage_end_ns));
	else
		buf_printf(b, "outage   none\n");
	for (size_t i = 0; i < r->nswitches && i < 20; i++)
		buf_printf(b, "switch   at %.1f ms: %s -> %s\n", ms(r->switches[i].at_ns),
			   r->sites[r->switches[i].from].name, r->sites[r->switches[i].to].name);
	if (r->nswitches > 20)
		buf_printf(b, "switch   ... %zu more (see --json)\n", r->nswitches - 20);
	if (!r->nswitches)
		buf_printf(b, "switches none\n");
}

/* ---- command ---- */

#define PROBE_USAGE                                                        \
	"usage: anycast probe dns --server ADDR[:PORT] --rate N --count N" \
	" [--timeout MS] [--name NAME] [--json]\n"

static int usage_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "anycast probe: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n" PROBE_USAGE);
	return 2;
}

int probe_num_arg(const char *s, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;

	errno = 0;
	unsigned long v = strtoul(s, &end, 10);

	if (!*s || *s == '-' || *end || errno || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

int probe_main(int argc, char **argv)
{
	struct probe_opts o = { 0 };
	unsigned long v;
	int json = 0;

	if (argc < 2 || strcmp(argv[1], "dns") != 0)
		return usage_err("%s", argc < 2 ? "which probe? (dns or tcp)"
						: "only \"dns\" and \"tcp\" are known");
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *val = NULL, *eq = strchr(a, '=');
		char opt[32];

		if (strcmp(a, "--json") == 0) {
			json = 1;
			continue;
		}
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(PROBE_USAGE, stdout);
			return 0;
		}
		/* --opt VALUE or --opt=VALUE */
		snprintf(opt, sizeof(opt), "%.*s", eq ? (int)(eq - a) : (int)strlen(a), a);
		if (eq)
			val = eq + 1;
		else if (i + 1 < argc)
			val = argv[++i];
		if (strcmp(opt, "--server") && strcmp(opt, "--rate") && strcmp(opt, "--count") &&
		    strcmp(opt, "--timeout") && strcmp(opt, "--name"))
			return usage_err("unknown option \"%s\"", a);
		if (!val)
			return usage_err("%s wants a value", opt);
		if (strcmp(opt, "--server") == 0) {
			struct sockaddr_storage ss;
			socklen_t len;

			if (probe_server_parse(val, &ss, &len) < 0)
				return usage_err(
					"bad --server \"%s\": want ADDR[:PORT] or [IPv6]:PORT",
					val);
			o.server = val;
		} else if (strcmp(opt, "--rate") == 0) {
			if (probe_num_arg(val, 1, PROBE_RATE_MAX, &v) < 0)
				return usage_err("--rate \"%s\": want 1-100000 queries per second",
						 val);
			o.rate = (unsigned)v;
		} else if (strcmp(opt, "--count") == 0) {
			if (probe_num_arg(val, 1, PROBE_COUNT_MAX, &v) < 0)
				return usage_err("--count \"%s\": want 1-10000000 queries", val);
			o.count = v;
		} else if (strcmp(opt, "--timeout") == 0) {
			if (probe_num_arg(val, 1, PROBE_TIMEOUT_MAX_MS, &v) < 0)
				return usage_err("--timeout \"%s\": want 1-60000 ms", val);
			o.timeout_ms = (unsigned)v;
		} else {
			struct dns_question q;
			const char *why;

			if (dns_question_set(&q, val, DNS_T_TXT, DNS_C_CH, &why) < 0)
				return usage_err("bad --name \"%s\": %s", val, why);
			o.name = val;
		}
	}
	if (!o.server || !o.rate || !o.count)
		return usage_err("%s is required", !o.server ? "--server"
						   : !o.rate ? "--rate"
							     : "--count");

	unsigned tmo = o.timeout_ms ? o.timeout_ms : PROBE_TIMEOUT_DEFAULT_MS;

	if ((uint64_t)o.rate * tmo > (uint64_t)ID_SPACE * 1000)
		fprintf(stderr,
			"anycast probe: note: at %u/s only %d queries can be outstanding "
			"(16-bit DNS ID): a query is counted lost after %.0f ms\n",
			o.rate, ID_SPACE, ID_SPACE * 1000.0 / o.rate);

	struct sig_saved saved;

	/* a first signal: finish the queries in flight and report; a second: report now */
	o.stop = &sig_interrupted;
	sig_catch(&saved);

	struct probe_result r;
	int rc = probe_dns_run(&o, &r);

	sig_restore(&saved);
	if (rc < 0) {
		fprintf(stderr, "anycast probe: %s\n", r.err);
		probe_result_free(&r);
		return 1;
	}

	struct buf out;

	buf_init(&out);
	if (json)
		probe_result_json(&r, &out);
	else
		probe_result_text(&r, &out);
	fwrite(out.data, 1, out.len, stdout);
	fflush(stdout);
	buf_free(&out);
	if (!r.answered)
		fprintf(stderr, "anycast probe: no answer from %s to %lu queries%s%s\n", r.server,
			r.sent, r.send_errors ? "; sendto: " : "",
			r.send_errors ? strerror(r.last_send_errno) : "");
	rc = r.answered ? 0 : 1;
	probe_result_free(&r);
	return rc;
}
