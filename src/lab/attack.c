/* `anycast lab attack` (attack.h). Each attacker is a forked child that enters its client's
 * namespace and runs the DNS probe (probe/probe.h) at its share of the rate: the probe bounds
 * itself in count and time, and the parent bounds it once more (count/rate * 1.5 + 2 s) by
 * killing whatever still runs, so that an attack stops whatever happens. A child reports one
 * line through its pipe:
 *   R SENT ANSWERED LOST MEDIAN_US    or    E MESSAGE
 * Queries are CH TXT id.server, which every site answers from its own identity: the attack
 * costs the sites what a real flood of cheap queries would, and nothing is asked of a resolver
 * or of anything outside the lab. */
#include "lab/attack.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/lab.h"
#include "lab/sitestats.h"
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/sig.h"
#include "probe/probe.h"

static const char *const kind_words[] = { "router", "site", "client" };

int lab_attack_nodes(const struct lab *l, const char *from, struct lab_attack *a, char *err,
		     size_t errlen)
{
	const char *p = from;

	memset(a, 0, sizeof(*a));
	while (*p) {
		size_t n = strcspn(p, ","), i;
		char name[64];

		if (n == 0 || n >= sizeof(name)) {
			snprintf(err, errlen, "--from '%s': expected NODE[,NODE...]", from);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = 0;
		for (i = 0; i < l->topo.nnodes && strcmp(l->topo.nodes[i].name, name) != 0; i++)
			;
		if (i == l->topo.nnodes) {
			snprintf(err, errlen, "lab %s has no node '%s'", l->topo.name, name);
			return -1;
		}
		if (l->topo.nodes[i].kind != LAB_CLIENT) {
			snprintf(err, errlen,
				 "%s is a %s: only the lab's clients attack (their traffic is "
				 "what the lab routes)",
				 name, kind_words[l->topo.nodes[i].kind]);
			return -1;
		}
		for (size_t k = 0; k < a->n; k++)
			if (a->a[k].node == i) {
				snprintf(err, errlen, "--from names %s twice", name);
				return -1;
			}
		if (a->n == LAB_ATTACK_MAX) {
			snprintf(err, errlen, "--from: more than %d attackers", LAB_ATTACK_MAX);
			return -1;
		}
		a->a[a->n].fd = -1;
		a->a[a->n++].node = i;
		p += n + (p[n] == ',');
	}
	if (!a->n) {
		snprintf(err, errlen, "--from: no node");
		return -1;
	}
	return 0;
}

struct child {
	const char *server;
	const struct lab_attacker *at;
	int fd;
};

static int child_run(void *arg, char *err, size_t errlen)
{
	struct child *c = arg;
	struct probe_opts o = { .server = c->server,
				.rate = c->at->rate,
				.count = c->at->count,
				.timeout_ms = LAB_ATTACK_TIMEOUT_MS };
	struct probe_result r;

	if (probe_dns_run(&o, &r) < 0)
		dprintf(c->fd, "E %s\n", r.err);
	else
		dprintf(c->fd, "R %lu %lu %lu %lld %lld\n", r.sent, r.answered, r.lost,
			(long long)r.rtt_median_us, (long long)r.elapsed_ns);
	probe_result_free(&r);
	return 0;
}

static pid_t child_start(const char *ns, const char *server, struct lab_attacker *at)
{
	int p[2];
	pid_t parent = getpid(), pid;

	if (pipe2(p, O_CLOEXEC) < 0) {
		snprintf(at->why, sizeof(at->why), "pipe: %s", strerror(errno));
		return -1;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		struct child c = { server, at, p[1] };
		char err[256];

		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		/* an attacker never outlives whoever started it */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(p[0]);
		if (lab_in_netns(ns, child_run, &c, err, sizeof(err)) < 0)
			dprintf(p[1], "E %s\n", err);
		_exit(0);
	}
	close(p[1]);
	if (pid < 0) {
		snprintf(at->why, sizeof(at->why), "fork: %s", strerror(errno));
		close(p[0]);
		return -1;
	}
	at->fd = p[0];
	return pid;
}

int lab_attack_start(const struct lab *l, unsigned rate, unsigned long count, struct lab_attack *a,
		     char *err, size_t errlen)
{
	char server[64], ns[128];
	size_t started = 0;

	if (rate < a->n || count < a->n) {
		snprintf(err, errlen,
			 "--rate %u --count %lu: at least one query/s and one query per "
			 "attacker (%zu)",
			 rate, count, a->n);
		return -1;
	}
	if (rate / a->n > PROBE_RATE_MAX || count / a->n > PROBE_COUNT_MAX) {
		snprintf(err, errlen, "at most %u queries/s and %lu queries per attacker",
			 PROBE_RATE_MAX, PROBE_COUNT_MAX);
		return -1;
	}
	a->rate = rate;
	a->count = count;
	lab_hostport(&l->topo.anycast_addr, 53, server, sizeof(server));
	a->start_ns = clk_now_ns();
	/* the probes end by count/rate + their timeout; this is for anything that hangs */
	a->deadline_ns = a->start_ns + (int64_t)((double)count / rate * 1.5e9) + 2000000000LL;
	for (size_t k = 0; k < a->n; k++) {
		struct lab_attacker *at = &a->a[k];

		at->rate = rate / (unsigned)a->n + (k < rate % a->n);
		at->count = count / a->n + (k < count % a->n);
		at->median_ms = -1;
		lab_ns_name(l->topo.name, l->topo.nodes[at->node].name, ns, sizeof(ns));
		at->pid = child_start(ns, server, at);
		if (at->pid > 0)
			started++;
		else
			at->done = 1;
	}
	if (!started) {
		snprintf(err, errlen, "no attacker could start: %s", a->a[0].why);
		return -1;
	}
	return 0;
}

static void parse_report(struct lab_attacker *at)
{
	long long median, elapsed;
	at->in[at->inlen] = 0;
	if (at->in[0] == 'E')
		snprintf(at->why, sizeof(at->why), "%.*s", (int)strcspn(at->in + 2, "\n"),
			 at->in + 2);
	else if (sscanf(at->in, "R %lu %lu %lu %lld %lld", &at->sent, &at->answered, &at->lost,
			&median, &elapsed) == 5) {
		at->median_ms = median >= 0 ? (double)median / 1000 : -1;
		at->elapsed_s = (double)elapsed / 1e9;
	} else if (!at->why[0])
		snprintf(at->why, sizeof(at->why), "stopped at the deadline");
}

/* Reads what an attacker wrote; 1 at its end (EOF or error), 0 if more may come. */
static int read_report(struct lab_attacker *at)
{
	ssize_t n = read(at->fd, at->in + at->inlen, sizeof(at->in) - 1 - at->inlen);

	if (n > 0)
		at->inlen += (size_t)n;
	if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) ||
	    at->inlen == sizeof(at->in) - 1)
		return 1;
	return 0;
}

static void finish(struct lab_attack *a, int sig)
{
	for (size_t k = 0; k < a->n; k++) {
		struct lab_attacker *at = &a->a[k];

		/* one that reported (and is only exiting) or ended was not stopped */
		if (at->pid > 0) {
			if (waitpid(at->pid, NULL, WNOHANG) != at->pid) {
				if (sig && kill(at->pid, sig) == 0 && !at->done)
					a->killed = 1;
				waitpid(at->pid, NULL, 0);
			}
			at->pid = 0;
		}
		if (at->fd >= 0) {
			/* the writer is gone: whatever it wrote is there, then EOF */
			while (!at->done && !read_report(at))
				;
			close(at->fd);
			at->fd = -1;
		}
		if (!at->done) {
			parse_report(at);
			at->done = 1;
		}
	} /* how long the attack ran: its longest attacker's own run, when they all reported */
	a->elapsed_s = 0;
	for (size_t k = 0; k < a->n; k++) {
		if (!a->a[k].elapsed_s) {
			a->elapsed_s = (double)(clk_now_ns() - a->start_ns) / 1e9;
			break;
		}
		if (a->a[k].elapsed_s > a->elapsed_s)
			a->elapsed_s = a->a[k].elapsed_s;
	}
}

void lab_attack_wait(struct lab_attack *a)
{
	struct pollfd pf[LAB_ATTACK_MAX];

	for (;;) {
		int64_t left = (a->deadline_ns - clk_now_ns()) / 1000000;
		int last = left <= 0 || sig_interrupted;
		size_t open = 0;

		for (size_t k = 0; k < a->n; k++) {
			pf[k].fd = a->a[k].done ? -1 : a->a[k].fd;
			pf[k].events = POLLIN;
			pf[k].revents = 0;
		}
		/* past the deadline, one last look at what is there already */
		if (poll(pf, a->n, last ? 0 : (int)(left < 200 ? left : 200)) > 0)
			for (size_t k = 0; k < a->n; k++) {
				struct lab_attacker *at = &a->a[k];

				if (!at->done && pf[k].revents && read_report(at)) {
					parse_report(at);
					at->done = 1;
				}
			}
		for (size_t k = 0; k < a->n; k++)
			open += !a->a[k].done;
		if (!open || last)
			break;
	}
	finish(a, SIGKILL);
}

void lab_attack_stop(struct lab_attack *a) { finish(a, SIGKILL); }

/* ---- the command ---- */

static _Noreturn void usage(void)
{
	fprintf(stderr, "usage: anycast lab attack [--lab NAME] [--json] --from NODE[,NODE...] "
			"--rate N --count N\n");
	exit(2);
}

static unsigned long number(const char *flag, const char *v, unsigned long max)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < 1 || n > max) {
		fprintf(stderr, "anycast lab attack: %s '%s': a whole number from 1 to %lu\n", flag,
			v, max);
		exit(2);
	}
	return n;
}

struct site_delta {
	size_t node;
	struct lab_site_stats before, after;
};

static void report(const struct lab *l, const struct lab_attack *a, const struct site_delta *sd,
		   size_t nsd, int json, struct buf *out)
{
	const struct lab_topo *t = &l->topo;

	if (json) {
		buf_printf(out, "{\"lab\":");
		json_str(out, t->name);
		buf_printf(out,
			   ",\"rate\":%u,\"count\":%lu,\"elapsed_s\":%.3f,\"stopped\":%s,"
			   "\"sites\":[",
			   a->rate, a->count, a->elapsed_s, a->killed ? "true" : "false");
		for (size_t s = 0; s < nsd; s++) {
			buf_printf(out, "%s{\"name\":", s ? "," : "");
			json_str(out, t->nodes[sd[s].node].name);
			if (sd[s].before.ok && sd[s].after.ok)
				buf_printf(out, ",\"answered\":%llu,\"dropped\":%llu}",
					   (unsigned long long)(sd[s].after.answered -
								sd[s].before.answered),
					   (unsigned long long)(sd[s].after.dropped -
								sd[s].before.dropped));
			else
				buf_printf(out, ",\"answered\":null,\"dropped\":null}");
		}
		buf_printf(out, "],\"attackers\":[");
		for (size_t k = 0; k < a->n; k++) {
			const struct lab_attacker *at = &a->a[k];

			buf_printf(out, "%s{\"name\":", k ? "," : "");
			json_str(out, t->nodes[at->node].name);
			buf_printf(out, ",\"rate\":%u,\"sent\":%lu,\"answered\":%lu,\"lost\":%lu",
				   at->rate, at->sent, at->answered, at->lost);
			if (at->why[0]) {
				buf_printf(out, ",\"error\":");
				json_str(out, at->why);
			}
			buf_put8(out, '}');
		}
		buf_printf(out, "]}\n");
		return;
	}
	buf_printf(
		out,
		"attack on lab %s: %u queries/s, %lu queries, from %zu client%s; %s in %.1f s\n\n",
		t->name, a->rate, a->count, a->n, a->n == 1 ? "" : "s",
		a->killed ? "STOPPED at the deadline" : "ended by itself", a->elapsed_s);
	buf_printf(out, "%-14s %10s %10s\n", "SITE", "ANSWERED", "DROPPED");
	for (size_t s = 0; s < nsd; s++) {
		if (sd[s].before.ok && sd[s].after.ok)
			buf_printf(
				out, "%-14s %10llu %10llu\n", t->nodes[sd[s].node].name,
				(unsigned long long)(sd[s].after.answered - sd[s].before.answered),
				(unsigned long long)(sd[s].after.dropped - sd[s].before.dropped));
		else
			buf_printf(out, "%-14s %10s %10s  (%s)\n", t->nodes[sd[s].node].name, "-",
				   "-", sd[s].after.ok ? sd[s].before.why : sd[s].after.why);
	}
	buf_printf(out, "\n%-14s %8s %10s %10s %10s\n", "ATTACKER", "RATE", "SENT", "ANSWERED",
		   "LOST");
	for (size_t k = 0; k < a->n; k++) {
		const struct lab_attacker *at = &a->a[k];

		buf_printf(out, "%-14s %8u %10lu %10lu %10lu%s%s\n", t->nodes[at->node].name,
			   at->rate, at->sent, at->answered, at->lost, at->why[0] ? "  " : "",
			   at->why);
	}
}

int lab_attack_main(int argc, char **argv)
{
	const char *name = NULL, *from = NULL;
	unsigned long rate = 0, count = 0;
	int json = 0, rc = 1;
	char err[512];
	struct lab l;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--from") == 0 && i + 1 < argc)
			from = argv[++i];
		else if (strcmp(argv[i], "--rate") == 0 && i + 1 < argc)
			rate = number("--rate", argv[++i],
				      PROBE_RATE_MAX * (unsigned long)LAB_ATTACK_MAX);
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = number("--count", argv[++i], PROBE_COUNT_MAX);
		else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else
			usage();
	}
	if (!from || !rate || !count)
		usage();
	if (lab_open(name, &l, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab attack: %s\n", err);
		return 1;
	}
	struct lab_attack *a = xcalloc(1, sizeof(*a));
	struct site_delta *sd = xcalloc(l.topo.nnodes, sizeof(*sd));
	size_t nsd = 0;
	struct sig_saved saved;

	if (lab_attack_nodes(&l, from, a, err, sizeof(err)) < 0)
		goto fail;
	for (size_t i = 0; i < l.topo.nnodes; i++)
		if (l.topo.nodes[i].kind == LAB_SITE) {
			sd[nsd].node = i;
			lab_site_stats(&l, i, 1000, &sd[nsd++].before);
		}
	sig_catch(&saved);
	if (lab_attack_start(&l, (unsigned)rate, count, a, err, sizeof(err)) < 0)
		goto fail;
	lab_attack_wait(a);
	for (size_t s = 0; s < nsd; s++)
		lab_site_stats(&l, sd[s].node, 1000, &sd[s].after);

	struct buf out;

	buf_init(&out);
	report(&l, a, sd, nsd, json, &out);
	fwrite(out.data, 1, out.len, stdout);
	buf_free(&out);
	rc = 0;
	for (size_t k = 0; k < a->n; k++)
		if (a->a[k].why[0] && !a->a[k].sent)
			rc = 1; /* an attacker could not run at all */
	goto out;
fail:
	fprintf(stderr, "anycast lab attack: %s\n", err);
out:
	free(sd);
	free(a);
	lab_close(&l);
	return rc;
}
