/* Probes from many namespaces at once (fleet.h).
 *
 * Each child sends its results back through a pipe as lines of text, so that no JSON parser
 * is needed on either side:
 *   P K START_NS SENT ANSWERED LOST MEDIAN_US   probe K ran (START_NS: CLOCK_MONOTONIC)
 *   S K ANSWERS NAME                            a site that answered probe K (index order)
 *   Q K SITE N FIRST_NS LAST_NS                 N queries in a row with one outcome (SITE is
 *                                               an index of the S lines, -1 for lost), sent
 *                                               FIRST_NS..LAST_NS after the probe started
 *   E K MESSAGE                                 probe K could not run
 * CLOCK_MONOTONIC is one clock for the whole machine, so an instant of the parent's (the
 * failure injection) places itself on every child's timeline. */
#include "lab/fleet.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab/netns.h"
#include "lab/state.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "probe/probe.h"

/* ---- the child ---- */

struct child_job {
	const struct lab_fleet_spec *specs;
	size_t n;
	int fd;
};

static void put_seqs(struct buf *b, size_t k, const struct probe_result *r)
{
	for (unsigned long i = 0; i < r->sent;) {
		const struct probe_rec *q = &r->recs[i];
		int site = q->state == PROBE_ANSWERED ? q->site : -1;
		unsigned long j = i + 1;

		while (j < r->sent &&
		       (r->recs[j].state == PROBE_ANSWERED ? r->recs[j].site : -1) == site)
			j++;
		buf_printf(b, "Q %zu %d %lu %lld %lld\n", k, site, j - i, (long long)q->sent_ns,
			   (long long)r->recs[j - 1].sent_ns);
		i = j;
	}
}

/* Runs inside the namespace, in the child. */
static int child_probe(void *arg, char *err, size_t errlen)
{
	struct child_job *j = arg;
	struct buf b;

	buf_init(&b);
	for (size_t k = 0; k < j->n; k++) {
		const struct lab_fleet_spec *s = &j->specs[k];
		struct probe_opts o = { .server = s->server,
					.rate = s->rate,
					.count = s->count,
					.timeout_ms = s->timeout_ms };
		struct probe_result r;
		/* the probe's own clock starts microseconds later: far below its resolution */
		int64_t start = clk_now_ns();

		if (probe_dns_run(&o, &r) < 0) {
			buf_printf(&b, "E %zu %s\n", k, r.err);
			probe_result_free(&r);
			continue;
		}
		buf_printf(&b, "P %zu %lld %lu %lu %lu %lld\n", k, (long long)start, r.sent,
			   r.answered, r.lost, (long long)r.rtt_median_us);
		for (size_t i = 0; i < r.nsites; i++)
			buf_printf(&b, "S %zu %lu %s\n", k, r.sites[i].answers, r.sites[i].name);
		if (s->timeline)
			put_seqs(&b, k, &r);
		probe_result_free(&r);
	}
	lab_write_all(j->fd, b.data, b.len);
	buf_free(&b);
	return 0;
}

static pid_t child_start(const char *ns, const struct lab_fleet_spec *specs, size_t nspecs, int *fd,
			 char *why, size_t whylen)
{
	int p[2];
	pid_t parent = getpid(), pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(why, whylen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		struct child_job cj = { specs, nspecs, p[1] };
		char err[256];

		/* ^C on a terminal reaches the children too: they just die, the parent cleans up */
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		/* a probe never outlives the demo */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(p[0]);
		if (lab_in_netns(ns, child_probe, &cj, err, sizeof(err)) < 0)
			dprintf(p[1], "E 0 %s\n", err);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	*fd = p[0];
	return pid;
}

/* ---- the parent ---- */

static void parse_line(struct lab_fleet_job *jb, size_t nspecs, char *line)
{
	char kind = line[0], *p = line + 1, *end;
	unsigned long k = strtoul(p, &end, 10);

	if (end == p || k >= nspecs)
		return;
	struct lab_fleet_got *g = &jb->got[k];

	p = end + (*end == ' ');
	if (kind == 'E') {
		snprintf(g->why, sizeof(g->why), "%s", p);
	} else if (kind == 'P') {
		long long start, median;

		if (sscanf(p, "%lld %lu %lu %lu %lld", &start, &g->sent, &g->answered, &g->lost,
			   &median) == 5) {
			g->ok = 1;
			g->start_ns = start;
			g->median_us = median;
		}
	} else if (kind == 'S' && g->nsites < LAB_FLEET_SITES) {
		unsigned long answers = strtoul(p, &end, 10);

		if (*end == ' ') {
			snprintf(g->site[g->nsites], sizeof(g->site[0]), "%s", end + 1);
			g->answers[g->nsites++] = answers;
		}
	} else if (kind == 'Q') {
		struct lab_fleet_seq q;
		long long first, last;

		if (sscanf(p, "%d %lu %lld %lld", &q.site, &q.n, &first, &last) != 4)
			return;
		q.first_ns = first;
		q.last_ns = last;
		g->seq = xrealloc(g->seq, (g->nseq + 1) * sizeof(*g->seq));
		g->seq[g->nseq++] = q;
	}
}

void lab_fleet_free(struct lab_fleet *r)
{
	for (size_t i = 0; i < LAB_DEMO_CLIENTS_MAX; i++) {
		struct lab_fleet_job *jb = &r->job[i];

		for (size_t k = 0; k < LAB_FLEET_SPECS_MAX; k++)
			free(jb->got[k].seq);
		buf_free(&jb->in);
		if (jb->fd_open)
			close(jb->fd);
		memset(jb, 0, sizeof(*jb));
	}
}

static void reap(struct lab_fleet *r, int sig)
{
	for (size_t i = 0; i < r->n; i++) {
		if (r->job[i].pid > 0) {
			if (sig)
				kill(r->job[i].pid, sig);
			waitpid(r->job[i].pid, NULL, 0);
			r->job[i].pid = 0;
		}
	}
}

int lab_fleet_run(struct lab_fleet *r, const struct lab_fleet_spec *specs, size_t nspecs,
		  long act_at_ms)
{
	struct pollfd pf[LAB_DEMO_CLIENTS_MAX];
	int64_t t0 = clk_now_ns(), limit_ms = 5000;
	int64_t act_at = t0 + (int64_t)act_at_ms * 1000000;
	int acted = act_at_ms < 0, left = 0;

	for (size_t k = 0; k < nspecs; k++)
		limit_ms += (int64_t)specs[k].count * 1000 / specs[k].rate + specs[k].timeout_ms;
	lab_fleet_free(r);
	/* the children must not write our buffered output again */
	fflush(stdout);
	fflush(stderr);
	for (size_t i = 0; i < r->n; i++) {
		struct lab_fleet_job *jb = &r->job[i];
		pid_t pid = child_start(r->ns[i], specs, nspecs, &jb->fd, jb->got[0].why,
					sizeof(jb->got[0].why));

		jb->fd_open = pid > 0;
		if (pid > 0) {
			jb->pid = pid;
			left++;
		} else {
			jb->fd = -1;
		}
	}
	while (left > 0) {
		int64_t now = clk_now_ns(), wait_ms = 200;

		if (r->stopped && r->stopped()) {
			reap(r, SIGKILL);
			return -1;
		}
		if (!acted && now >= act_at) {
			r->act(r->arg);
			acted = 1;
			continue;
		}
		if (!acted && (act_at - now) / 1000000 < wait_ms)
			wait_ms = (act_at - now) / 1000000;
		if (now - t0 > limit_ms * 1000000) {
			/* a probe bounds itself; this is for a child that hangs anyway */
			for (size_t i = 0; i < r->n; i++) {
				if (r->job[i].fd_open) {
					snprintf(r->job[i].got[0].why, sizeof(r->job[i].got[0].why),
						 "timed out");
					close(r->job[i].fd);
					r->job[i].fd = -1;
					r->job[i].fd_open = 0;
				}
			}
			reap(r, SIGKILL);
			break;
		}
		for (size_t i = 0; i < r->n; i++) {
			pf[i].fd = r->job[i].fd_open ? r->job[i].fd : -1;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		if (poll(pf, r->n, (int)(wait_ms > 0 ? wait_ms : 0)) <= 0)
			continue;
		for (size_t i = 0; i < r->n; i++) {
			struct lab_fleet_job *jb = &r->job[i];
			char chunk[65536];

			if (!jb->fd_open || !pf[i].revents)
				continue;
			ssize_t n = read(jb->fd, chunk, sizeof(chunk));

			if (n > 0) {
				buf_put(&jb->in, chunk, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(jb->fd);
				jb->fd = -1;
				jb->fd_open = 0;
				left--;
			}
		}
	}
	if (!acted)
		r->act(r->arg);
	reap(r, 0);
	for (size_t i = 0; i < r->n; i++) {
		struct lab_fleet_job *jb = &r->job[i];
		char *line;

		buf_put8(&jb->in, 0);
		line = (char *)jb->in.data;
		for (char *nl; line && *line; line = nl ? nl + 1 : NULL) {
			if ((nl = strchr(line, '\n')))
				*nl = 0;
			parse_line(jb, nspecs, line);
		}
	}
	return 0;
}
