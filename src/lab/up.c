/* `anycast lab up`: build a topology, start what runs in it, and wait until it works: every
 * BGP session Established and every client answered over DNS on the anycast address, twice
 * in a row by the same sites (so the summary shows a converged lab, not a transient).
 *
 * All or nothing: on any failure, timeout or signal, everything built so far is removed
 * (processes by PID, namespaces, state) before returning the reason. */
#include "lab/lab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/ask.h"
#include "lab/build.h"
#include "lab/gen.h"
#include "lab/cache.h"
#include "lab/netem.h"
#include "lab/proc.h"
#include "lab/ready.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sig.h"

#define UP_TIMEOUT_S 30
#define POLL_MS 100

struct started {
	pid_t pid;
	size_t node;      /* SIZE_MAX: the wire */
	const char *what; /* "anycastd", "anycast-dns", "wire" */
	char log[PATH_MAX];
};

struct up {
	struct lab l;
	struct started *procs;
	size_t nprocs;
};

static int copy_file(const char *from, const char *to, char *err, size_t errlen)
{
	FILE *f = fopen(from, "re");
	struct buf b;
	char chunk[4096];
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", from, strerror(errno));
		return -1;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	buf_put8(&b, 0);
	int r = lab_write_file(to, (const char *)b.data, err, errlen);

	buf_free(&b);
	return r;
}

/* Refuses a lab whose name is taken, by a state directory or by namespaces NAME-* (which a
 * crashed lab, even of another topology of that name, may have left). */
static int check_free(const struct lab *l, char *err, size_t errlen)
{
	int taken = lab_taken(l->topo.name);

	if (taken)
		snprintf(err, errlen,
			 "lab %s is already up (or was not taken down): "
			 "anycast lab down %s",
			 l->topo.name, l->topo.name);
	return taken ? -1 : 0;
}

/* Records a started process for check_procs: its log has the reason if it exits. */
static int started(struct up *u, pid_t pid, size_t node, const char *what)
{
	struct started *s;
	char name[64];

	if (pid < 0)
		return -1;
	u->procs = xrealloc(u->procs, (u->nprocs + 1) * sizeof(*u->procs));
	s = &u->procs[u->nprocs++];
	s->pid = pid;
	s->node = node;
	s->what = what;
	snprintf(name, sizeof(name), "%s.log", what);
	lab_path(&u->l, node == SIZE_MAX ? NULL : u->l.topo.nodes[node].name, name, s->log,
		 sizeof(s->log));
	return 0;
}

static int start_all(struct up *u, char *err, size_t errlen)
{
	struct lab *l = &u->l;
	const struct lab_topo *t = &l->topo;

	if (!l->direct && started(u, lab_start_wire(l, err, errlen), SIZE_MAX, "wire") < 0)
		return -1;
	/* the RPKI cache before the routers, so that they find it at their first try */
	if (t->rpki && started(u, lab_cache_start(l, err, errlen), SIZE_MAX, "rpki") < 0)
		return -1;
	/* anycast-dns first: a site's service comes up as soon as its check can pass */
	for (size_t i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind != LAB_SITE)
			continue;
		if (lab_gen_zone(l, i, err, errlen) < 0 ||
		    started(u, lab_start_dns(l, i, err, errlen), i, "anycast-dns") < 0)
			return -1;
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		if (t->nodes[i].kind == LAB_CLIENT)
			continue;
		if (sig_interrupted)
			return -1;
		if (started(u, lab_start_anycastd(l, i, err, errlen), i, "anycastd") < 0)
			return -1;
	}
	return 0;
}

/* A process that exited is a failed `up`, with the last line of its log as the reason. */
static int check_procs(struct up *u, char *err, size_t errlen)
{
	for (size_t i = 0; i < u->nprocs; i++) {
		struct started *s = &u->procs[i];
		int st = 0;
		char tail[300];

		if (s->pid <= 0 || !lab_proc_exited(s->pid, &st))
			continue;
		lab_log_tail(s->log, tail, sizeof(tail));
		/* the log goes with the lab: its last line is the reason */
		snprintf(err, errlen, "%s%s%s exited (%s %d)%s%s", s->what,
			 s->node == SIZE_MAX ? "" : " of ",
			 s->node == SIZE_MAX ? "" : u->l.topo.nodes[s->node].name,
			 WIFSIGNALED(st) ? "signal" : "status",
			 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st),
			 tail[0] ? ": " : " without a word", tail);
		s->pid = 0;
		return -1;
	}
	return 0;
}

/* Sessions not yet Established, listed in why. */
static size_t sessions_missing(const struct lab *l, struct buf *why)
{
	const struct lab_topo *t = &l->topo;
	size_t missing = 0;
	char sock[PATH_MAX];

	for (size_t i = 0; i < t->nnodes; i++) {
		int est = 0, total = 0;
		int want = (int)lab_sessions_of(t, i);

		if (t->nodes[i].kind == LAB_CLIENT || !want)
			continue;
		lab_path(l, t->nodes[i].name, "anycastd.sock", sock, sizeof(sock));
		if (lab_sessions(sock, &est, &total) < 0)
			est = 0;
		if (est < want) {
			missing += (size_t)(want - est);
			buf_printf(why, "%s%s %d/%d", why->len ? ", " : "", t->nodes[i].name, est,
				   want);
		}
		/* a router that has not its VRPs yet would take a hijack as not-found */
		if (t->rpki && t->nodes[i].kind == LAB_ROUTER && lab_rpki_synced(sock) != 1) {
			missing++;
			buf_printf(why, "%s%s: RPKI cache not synced", why->len ? ", " : "",
				   t->nodes[i].name);
		}
	}
	return missing;
}

static int wait_ready(struct up *u, const struct lab_ready *plan, unsigned timeout_s,
		      struct lab_answer *ans, char *err, size_t errlen)
{
	const struct lab_topo *t = &u->l.topo;
	struct lab_answer *prev = xcalloc(t->nnodes ? t->nnodes : 1, sizeof(*prev));
	int64_t end = clk_now_ms() + (int64_t)timeout_s * 1000;
	int have_prev = 0, r = -1;
	struct buf why;

	buf_init(&why);
	for (;;) {
		if (sig_interrupted) {
			snprintf(err, errlen, "interrupted");
			break;
		}
		if (check_procs(u, err, errlen) < 0)
			break;
		buf_reset(&why);
		size_t missing = sessions_missing(&u->l, &why);
		size_t unanswered = 0;

		if (!missing) {
			lab_ask_clients(&u->l, plan->ask_ms, ans);
			int same = have_prev;

			for (size_t i = 0; i < t->nnodes; i++) {
				if (t->nodes[i].kind != LAB_CLIENT)
					continue;
				if (!ans[i].ok) {
					unanswered++;
					buf_printf(&why, "%s%s (%s)", why.len ? ", " : "",
						   t->nodes[i].name, ans[i].why);
				}
				same = same && ans[i].ok && strcmp(ans[i].site, prev[i].site) == 0;
			}
			if (!unanswered && same) {
				r = 0;
				break;
			}
			have_prev = !unanswered;
			memcpy(prev, ans, t->nnodes * sizeof(*ans));
		}
		if (clk_now_ms() >= end) {
			if (!missing && unanswered) {
				buf_reset(&why);
				lab_ready_explain(&u->l, plan, ans, &why);
			}
			buf_put8(&why, 0);
			snprintf(err, errlen, "not ready after %u s: %s %s", timeout_s,
				 missing ? "BGP sessions not established:"
					 : "clients without an answer:",
				 (const char *)why.data);
			break;
		}
		/* answered: look again a moment later, for stability */
		sig_nap_ms(missing || unanswered ? POLL_MS : 200);
	}
	buf_free(&why);
	free(prev);
	return r;
}

/* Links with a capacity need the wire: netem's rate is bytes per second, not frames with a
 * queue of their own. */
static int has_capacity(const struct lab_topo *t)
{
	for (size_t k = 0; k < t->nlinks; k++)
		if (t->links[k].capacity_pps)
			return 1;
	return 0;
}

static void summary(const struct up *u, const struct lab_answer *ans, double took)
{
	const struct lab_topo *t = &u->l.topo;
	size_t nk[3] = { 0, 0, 0 }, sessions = 0;
	char a[ADDR_STRLEN];

	for (size_t i = 0; i < t->nnodes; i++) {
		nk[t->nodes[i].kind]++;
		sessions += lab_sessions_of(t, i);
	}
	printf("lab %s is up in %.1f s: %zu nodes (%zu routers, %zu sites, %zu clients), "
	       "%zu links%s, %zu BGP sessions established\n",
	       t->name, took, t->nnodes, nk[LAB_ROUTER], nk[LAB_SITE], nk[LAB_CLIENT], t->nlinks,
	       u->l.netem    ? " (delays by netem)"
	       : u->l.direct ? " (no delay)"
			     : "",
	       sessions / 2);
	printf("anycast %s: which site answers each client\n", addr_fmt(&t->anycast_addr, a));
	for (size_t i = 0; i < t->nnodes; i++)
		if (t->nodes[i].kind == LAB_CLIENT)
			printf("  %-14s %-14s %8.2f ms\n", t->nodes[i].name, ans[i].site,
			       ans[i].rtt_ms);
	printf("state in %s; take it down with: anycast lab down %s\n", u->l.dir, t->name);
	fflush(stdout);
}

int lab_up(const char *file, char *err, size_t errlen)
{
	struct lab_up_opts o = { 0 };

	return lab_up_with(file, &o, err, errlen);
}

int lab_up_with(const char *file, const struct lab_up_opts *o, char *err, size_t errlen)
{
	struct up u;
	struct sig_saved saved;
	int64_t t0 = clk_now_ms();
	char path[PATH_MAX];
	int r = -1, created = 0;
	struct lab_answer *ans = NULL;
	struct lab_ready plan;

	memset(&u, 0, sizeof(u));
	if (lab_topo_load(file, &u.l.topo, err, errlen) < 0)
		return -1;
	if (o->name && lab_rename(&u.l.topo, o->name, err, errlen) < 0) {
		lab_topo_free(&u.l.topo);
		return -1;
	}
	/* a client that cannot reach any site is known now, before anything is built */
	if (lab_ready_plan(&u.l.topo, &plan, err, errlen) < 0) {
		lab_ready_free(&plan);
		lab_topo_free(&u.l.topo);
		return -1;
	}
	u.l.loaded = 1;
	u.l.direct = o->no_delay;
	if (!o->no_delay && !o->wire && !has_capacity(&u.l.topo) && lab_netem_available())
		u.l.direct = u.l.netem = 1;
	snprintf(u.l.dir, sizeof(u.l.dir), "%s/%s", LAB_RUN_DIR, u.l.topo.name);
	lab_find_binaries(&u.l);
	if (access(u.l.anycastd, X_OK) < 0 || access(u.l.dns, X_OK) < 0) {
		snprintf(err, errlen, "cannot run %s: %s (build with make, or install)",
			 access(u.l.anycastd, X_OK) < 0 ? u.l.anycastd : u.l.dns, strerror(errno));
		lab_close(&u.l);
		return -1;
	}
	if (check_free(&u.l, err, errlen) < 0) {
		lab_close(&u.l);
		return -1;
	}
	/* From here on a signal means: undo everything, then exit. */
	sig_catch(&saved);

	mkdir("/run/anycast", 0755);
	mkdir(LAB_RUN_DIR, 0755);
	/* mkdir is the lock: two `up` of the same lab cannot both get past it */
	if (mkdir(u.l.dir, 0755) < 0) {
		if (errno == EEXIST)
			snprintf(err, errlen,
				 "lab %s is already up (or was not taken down): "
				 "anycast lab down %s",
				 u.l.topo.name, u.l.topo.name);
		else
			snprintf(err, errlen, "%s: %s", u.l.dir, strerror(errno));
		goto out;
	}
	created = 1;
	lab_path(&u.l, NULL, "topology.yaml", path, sizeof(path));
	if (copy_file(file, path, err, errlen) < 0)
		goto out;
	lab_path(&u.l, NULL, "mode", path, sizeof(path));
	if (lab_write_file(path,
			   u.l.netem    ? "netem\n"
			   : u.l.direct ? "direct\n"
					: "wire\n",
			   err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < u.l.topo.nnodes; i++) {
		snprintf(path, sizeof(path), "%s/%s", u.l.dir, u.l.topo.nodes[i].name);
		if (mkdir(path, 0755) < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto out;
		}
	}
	if (lab_build(&u.l, err, errlen) < 0 || start_all(&u, err, errlen) < 0) {
		if (sig_interrupted)
			snprintf(err, errlen, "interrupted");
		goto out;
	}
	ans = xcalloc(u.l.topo.nnodes ? u.l.topo.nnodes : 1, sizeof(*ans));
	if (wait_ready(&u, &plan, o->timeout_s ? o->timeout_s : UP_TIMEOUT_S, ans, err, errlen) < 0)
		goto out;
	if (!o->quiet)
		summary(&u, ans, (double)(clk_now_ms() - t0) / 1e3);
	r = 0;
out:
	if (r < 0 && created && o->keep && !sig_interrupted) {
		size_t n = strlen(err);

		snprintf(err + n, errlen - n,
			 " (kept for inspection in %s: anycast lab down --lab %s)", u.l.dir,
			 u.l.topo.name);
	} else if (r < 0 && created) {
		/* the reason is kept; what was built goes, whatever the reason */
		sigset_t prev;

		sig_hold(&prev);
		lab_teardown(u.l.topo.name, u.l.dir);
		sig_release(&prev);
	}
	sig_restore(&saved);
	free(ans);
	free(u.procs);
	lab_ready_free(&plan);
	lab_close(&u.l);
	return r;
}
