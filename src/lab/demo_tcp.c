/* The demo's chapter "tcp" (demo.h): what a route change does to established TCP connections.
 * The clients that the site answers keep long-lived DNS-over-TCP connections open
 * (probe/tcp.h, run in each client's namespace by a forked child) while
 * (a) the site fails hard (`lab fail --site`: its links cut): every open connection breaks, and
 *     the probe counts each one reset (its queries time out, or the site that now has the route
 *     answers them with RST);
 * (b) after the heal, the same site is drained (`anycast drain anycast` on its anycastd): the
 *     lab's site runs with drain-wait and one drain-file for anycastd and anycast-dns (gen.c),
 *     so anycast-dns closes the connections in order and anycastd keeps the route until they
 *     are gone; the clients reconnect, and land on another site once the route has moved.
 * Pure L3 anycast cannot move a connection: (b) breaks none only because none is open on the
 * old path when the route moves. */
#include "lab/demo.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "ctl/ctl.h"
#include "lab/ask.h"
#include "lab/gen.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "lab/proc.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "probe/tcp.h"

#define TCP_CONNS 4 /* per client */
#define TCP_RATE 10 /* queries/s per client: one per connection every 400 ms */
/* Above the lab's longest RTT (about 300 ms) with a SYN retransmitted (after 1 s): a draining
 * site drops new connections' SYNs, and the second one reaches the next site. */
#define TCP_TIMEOUT_MS 2500
#define TCP_PRE_MS 1500 /* every connection open before the event */
#define TCP_FAIL_POST_MS 5000
#define TCP_DRAIN_POST_MS (LAB_DRAIN_WAIT_S * 1000 + 4000)
#define TCP_MARK_EARLY_MS 50 /* the open connections counted this long before the event */
#define TCP_BACK_MS 15000    /* the clients back at their site after the heal or resume */
#define TCP_SITES 4          /* identities kept per client; a client sees two or three */

/* What a child reports through its pipe: one write, well under PIPE_BUF. */
struct sum {
	int ok;
	char why[96];
	int64_t start_ns; /* CLOCK_MONOTONIC when its probe started */
	unsigned long opened, reset, closed_orderly, answered, lost, sent;
	unsigned open_at;
	unsigned long reset_of_open;
	size_t nsites;
	struct {
		char name[64];
		int64_t first_ns, last_ns; /* since start_ns */
	} s[TCP_SITES];
};

struct child_arg {
	struct probe_tcp_opts o;
	struct sum *sum;
};

static int child_probe(void *arg, char *err, size_t errlen)
{
	struct child_arg *ca = arg;
	struct sum *s = ca->sum;
	struct probe_tcp_result r;

	s->start_ns = clk_now_ns();
	if (probe_tcp_run(&ca->o, &r) < 0) {
		snprintf(err, errlen, "%s", r.err);
		probe_tcp_free(&r);
		return -1;
	}
	s->ok = 1;
	s->opened = r.opened;
	s->reset = r.reset;
	s->closed_orderly = r.closed_orderly;
	s->answered = r.answered;
	s->lost = r.lost;
	s->sent = r.sent;
	s->open_at = r.open_at_mark;
	s->reset_of_open = r.reset_of_marked;
	for (size_t i = 0; i < r.nsites && s->nsites < TCP_SITES; i++) {
		snprintf(s->s[s->nsites].name, sizeof(s->s[0].name), "%s", r.sites[i].name);
		s->s[s->nsites].first_ns = r.sites[i].first_ns;
		s->s[s->nsites++].last_ns = r.sites[i].last_ns;
	}
	probe_tcp_free(&r);
	return 0;
}

struct job {
	pid_t pid;
	int fd;
	struct sum sum;
};

static pid_t child_start(const char *ns, const struct probe_tcp_opts *o, int *fd)
{
	int p[2];
	pid_t parent = getpid(), pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct sum s;
		struct child_arg ca = { *o, &s };
		char err[256];

		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		prctl(PR_SET_PDEATHSIG, SIGKILL); /* a probe never outlives the demo */
		if (getppid() != parent)
			_exit(1);
		close(p[0]);
		memset(&s, 0, sizeof(s));
		if (lab_in_netns(ns, child_probe, &ca, err, sizeof(err)) < 0) {
			s.ok = 0;
			snprintf(s.why, sizeof(s.why), "%.90s", err);
		}
		ssize_t w = write(p[1], &s, sizeof(s));

		_exit(w == (ssize_t)sizeof(s) ? 0 : 1);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	*fd = p[0];
	return pid;
}

/* ---- the chapter ---- */

struct chap {
	struct lab *l;
	const struct lab_demo *d;
	int site;
	const char *site_name;
	int (*stopped)(void);
	size_t n;
	size_t client[LAB_DEMO_CLIENTS_MAX]; /* indexes into d->client */
};

static int drain_cmd(struct chap *c, const char *verb, char *err, size_t errlen)
{
	char sock[PATH_MAX];
	char *argv[] = { (char *)verb, "anycast", NULL };
	struct buf out;
	int r;

	lab_path(c->l, c->site_name, "anycastd.sock", sock, sizeof(sock));
	buf_init(&out);
	r = ctl_call(sock, 2, argv, &out, err, errlen);
	if (r > 0)
		snprintf(err, errlen, "%s refused: %.*s", verb, (int)out.len,
			 (const char *)out.data);
	buf_free(&out);
	return r == 0 ? 0 : -1;
}

/* The event of a run: the site's links cut, or its service drained. */
static int event(struct chap *c, int drain, char *err, size_t errlen)
{
	if (drain)
		return drain_cmd(c, "drain", err, errlen);
	return lab_fail(c->l->topo.name, c->site_name, LAB_FAIL_SITE, err, errlen);
}

/* Every catchment client answered by the site again (after the heal or the resume). */
static int back(struct chap *c)
{
	const struct lab_topo *t = &c->l->topo;
	struct lab_answer *ans = calloc(t->nnodes ? t->nnodes : 1, sizeof(*ans));
	int64_t end = clk_now_ns() + (int64_t)TCP_BACK_MS * 1000000;
	int ok = 0;

	if (!ans)
		return 0;
	while (!ok && clk_now_ns() < end && !c->stopped()) {
		lab_ask_clients(c->l, 1000, ans);
		ok = 1;
		for (size_t k = 0; k < c->n; k++) {
			const struct lab_node *n = lab_topo_node(
				t, c->d->client[c->client[k]].at.name);

			if (!n || !ans[n->index].ok ||
			    strcmp(ans[n->index].site, c->site_name) != 0)
				ok = 0;
		}
		if (!ok)
			clk_sleep_ms(300);
	}
	free(ans);
	return ok;
}

static void fold(struct lab_demo_tcp_run *r, struct lab_demo_tcp_client *tc, const struct sum *s,
		 double event_ms, const char *site)
{
	int64_t first = -1, last = -1, moved = -1;

	tc->ran = s->ok;
	if (!s->ok) {
		snprintf(tc->why, sizeof(tc->why), "%s", s->why[0] ? s->why : "no report");
		return;
	}
	tc->opened = s->opened;
	tc->reset = s->reset;
	tc->closed_orderly = s->closed_orderly;
	tc->answered = s->answered;
	tc->lost = s->lost;
	tc->sent = s->sent;
	tc->open_at = s->open_at;
	tc->reset_of_open = s->reset_of_open;
	tc->move_ms = -1;
	for (size_t i = 0; i < s->nsites; i++) {
		if (s->s[i].first_ns < 0)
			continue;
		if (first < 0 || s->s[i].first_ns < s->s[first].first_ns)
			first = (int64_t)i;
		if (last < 0 || s->s[i].last_ns > s->s[last].last_ns)
			last = (int64_t)i;
		/* the first answer of another site after the event */
		if (strcmp(s->s[i].name, site) != 0 &&
		    (moved < 0 || s->s[i].first_ns < s->s[moved].first_ns))
			moved = (int64_t)i;
	}
	if (first >= 0)
		snprintf(tc->before, sizeof(tc->before), "%s", s->s[first].name);
	if (last >= 0)
		snprintf(tc->after, sizeof(tc->after), "%s", s->s[last].name);
	/* a query due before the event may be the first the new site answers (re-sent after a
	 * reconnect): that client moved at once */
	if (moved >= 0) {
		tc->move_ms = (double)s->s[moved].first_ns / 1e6 - event_ms;
		if (tc->move_ms < 0)
			tc->move_ms = 0;
	}
	r->opened += tc->opened;
	r->reset += tc->reset;
	r->closed_orderly += tc->closed_orderly;
	r->answered += tc->answered;
	r->lost += tc->lost;
	r->sent += tc->sent;
	r->open_at += tc->open_at;
	r->reset_of_open += tc->reset_of_open;
	if (tc->after[0] && strcmp(tc->after, site) != 0)
		r->moved++;
}

/* One run: the probes from every catchment client, the event TCP_PRE_MS into them. */
static void run(struct chap *c, struct lab_demo_tcp_run *r, int drain)
{
	struct job *jobs = calloc(c->n ? c->n : 1, sizeof(*jobs));
	unsigned post = drain ? TCP_DRAIN_POST_MS : TCP_FAIL_POST_MS;
	struct probe_tcp_opts o = {
		.connections = TCP_CONNS,
		.rate = TCP_RATE,
		.count = TCP_RATE * (TCP_PRE_MS + post) / 1000,
		.timeout_ms = TCP_TIMEOUT_MS,
	};
	char server[64], err[256];
	int64_t t0, ev_ns = 0;
	int fired = 0;

	memset(r, 0, sizeof(*r));
	r->move_ms = -1;
	if (!jobs) {
		snprintf(r->why, sizeof(r->why), "no memory");
		return;
	}
	lab_hostport(&c->l->topo.anycast_addr, 53, server, sizeof(server));
	o.server = server;
	t0 = clk_now_ns();
	/* the connections are counted just before the event, on the parent's clock: a child
	 * that started late would count them after it */
	o.mark_ns = t0 + (int64_t)(TCP_PRE_MS - TCP_MARK_EARLY_MS) * 1000000;
	for (size_t k = 0; k < c->n; k++) {
		char ns[128];
		const struct lab_demo_client *dc = &c->d->client[c->client[k]];

		lab_ns_name(c->l->topo.name, dc->at.name, ns, sizeof(ns));
		jobs[k].fd = -1;
		jobs[k].pid = child_start(ns, &o, &jobs[k].fd);
	}
	/* the event, then every report (each child ends by itself: the probe is bounded) */
	int64_t end = t0 + (int64_t)(TCP_PRE_MS + post + 3 * TCP_TIMEOUT_MS + 5000) * 1000000;
	size_t left = c->n;

	while (left && clk_now_ns() < end && !c->stopped()) {
		struct pollfd pfd[LAB_DEMO_CLIENTS_MAX];
		size_t map[LAB_DEMO_CLIENTS_MAX], np = 0;
		int64_t now = clk_now_ns();
		int wait_ms = 200;

		if (!fired && now - t0 >= (int64_t)TCP_PRE_MS * 1000000) {
			fired = 1;
			ev_ns = clk_now_ns();
			if (event(c, drain, err, sizeof(err)) < 0)
				snprintf(r->why, sizeof(r->why), "cannot %s %s: %.80s",
					 drain ? "drain" : "fail", c->site_name, err);
		}
		if (!fired)
			wait_ms = (int)((t0 + (int64_t)TCP_PRE_MS * 1000000 - now) / 1000000) + 1;
		for (size_t k = 0; k < c->n; k++)
			if (jobs[k].fd >= 0) {
				pfd[np] = (struct pollfd){ .fd = jobs[k].fd, .events = POLLIN };
				map[np++] = k;
			}
		if (poll(pfd, np, wait_ms) <= 0)
			continue;
		for (size_t i = 0; i < np; i++) {
			struct job *j = &jobs[map[i]];

			if (!pfd[i].revents)
				continue;
			ssize_t got = read(j->fd, &j->sum, sizeof(j->sum));

			if (got != (ssize_t)sizeof(j->sum))
				memset(&j->sum, 0, sizeof(j->sum));
			close(j->fd);
			j->fd = -1;
			left--;
		}
	}
	for (size_t k = 0; k < c->n; k++) {
		struct job *j = &jobs[k];
		struct lab_demo_tcp_client *tc = &r->c[k];

		if (j->fd >= 0) {
			close(j->fd);
			snprintf(j->sum.why, sizeof(j->sum.why), "probe did not report");
		}
		if (j->pid > 0) {
			if (left)
				kill(j->pid, SIGKILL);
			waitpid(j->pid, NULL, 0);
		}
		snprintf(tc->client, sizeof(tc->client), "%s", c->d->client[c->client[k]].at.name);
		fold(r, tc, &j->sum, (double)(ev_ns - j->sum.start_ns) / 1e6, c->site_name);
	}
	/* the slowest client's move, when every client moved */
	r->move_ms = 0;
	for (size_t k = 0; k < c->n; k++) {
		if (!r->c[k].ran || r->c[k].move_ms < 0) {
			r->move_ms = -1;
			break;
		}
		if (r->c[k].move_ms > r->move_ms)
			r->move_ms = r->c[k].move_ms;
	}
	r->n = c->n;
	r->ran = fired && !r->why[0];
	free(jobs);
}

void lab_demo_tcp_run(struct lab *l, const struct lab_demo *d, int site, int (*stopped)(void),
		      struct lab_demo_tcp *t)
{
	struct chap c = { .l = l, .d = d, .site = site, .stopped = stopped };
	char err[256];

	memset(t, 0, sizeof(*t));
	t->site = site;
	t->connections = TCP_CONNS;
	t->rate = TCP_RATE;
	t->drain_wait_s = LAB_DRAIN_WAIT_S;
	c.site_name = d->site[site].name;
	for (size_t i = 0; i < d->nclients; i++)
		if (d->client[i].site == site)
			c.client[c.n++] = i;
	if (!c.n) {
		snprintf(t->why, sizeof(t->why), "no client is answered by %s", c.site_name);
		return;
	}
	run(&c, &t->failover, 0);
	if (stopped())
		return;
	if (lab_heal(l->topo.name, c.site_name, err, sizeof(err)) < 0) {
		snprintf(t->why, sizeof(t->why), "cannot heal %s: %.80s", c.site_name, err);
		return;
	}
	if (!back(&c)) {
		snprintf(t->why, sizeof(t->why), "the clients were not back at %s after the heal",
			 c.site_name);
		return;
	}
	run(&c, &t->drain, 1);
	if (drain_cmd(&c, "resume", err, sizeof(err)) < 0) {
		snprintf(t->why, sizeof(t->why), "cannot resume %s: %.80s", c.site_name, err);
		return;
	}
	back(&c);
	t->ran = t->failover.ran && t->drain.ran;
	if (!t->ran)
		snprintf(t->why, sizeof(t->why), "%s",
			 t->failover.why[0] ? t->failover.why : t->drain.why);
}
