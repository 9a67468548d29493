/* `anycast lab demo`: the seed's story, measured. Bring a lab up; from every client ask which
 * site answers the anycast address and how fast, beside the RTT to each site's own address;
 * then fail a site's service under continuous query load and measure each client's outage,
 * heal it, crash a site (all links cut) and measure again; take everything down.
 *
 * Every client measures from inside its own namespace, all at once (fleet.h), and the
 * failure is injected while they do, so that each client's timeline shows it. */
#include "lab/demo.h"

#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "detect/labdetect.h"
#include "lab/ask.h"
#include "lab/fleet.h"
#include "lab/gen.h"
#include "lab/lab.h"
#include "lab/report.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sig.h"
#include "sim/labsim.h"

/* The scenario's numbers. 200 queries/s resolves an outage to 5 ms; 500 ms is well above the
 * longest RTT in the seed (Sydney to New York, about 300 ms), so a slow answer is not a loss. */
#define DEMO_RATE 200u
#define DEMO_TIMEOUT_MS 500u
#define DEMO_PRE_MS 1000  /* probing before the failure */
#define DEMO_POST_MS 4000 /* and after it */
#define DEMO_RTT_RATE 40u /* the RTT table: a short burst per target */
#define DEMO_RTT_ANYCAST 10u
#define DEMO_RTT_UNICAST 5u
#define DEMO_HEAL_WAIT_MS 10000 /* for every client to have its own site back */
#define DEMO_DETECT_COUNT 5     /* echoes per client: about a second per address */
#define DEMO_HANG_WAIT_MS 30000 /* a resumed site re-establishes its sessions, BFD first */
#define DEMO_HANG_HOLD_MAX_S 9  /* the run without BFD waits this long at most */

static int stopped(void) { return sig_interrupted != 0; }

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "demo: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
}

struct demo {
	struct lab l;
	struct lab_demo *d;
	size_t client_node[LAB_DEMO_CLIENTS_MAX];
	size_t site_node[LAB_DEMO_SITES_MAX];
	char ns[LAB_DEMO_CLIENTS_MAX][128];
	struct lab_fleet fleet;
	/* the failure being injected, and where its measurement goes */
	int fail_site;
	enum lab_fail_kind fail_how;
	struct lab_demo_failover *fail_fo;
	int64_t inject_ns;
	char inject_err[256];
};

/* Called by lab_fleet_run() while the failover's probes run. */
static void inject(void *arg)
{
	struct demo *m = arg;
	const char *name = m->d->site[m->fail_site].name;

	m->inject_ns = clk_now_ns();
	if (lab_fail(m->l.topo.name, name, m->fail_how, m->inject_err, sizeof(m->inject_err)) < 0)
		say("cannot fail %s: %s", name, m->inject_err);
	m->fail_fo->inject_ms = (double)(clk_now_ns() - m->inject_ns) / 1e6;
}

/* The site a probe's identity names, in the demo's numbering. */
static int site_of(const struct lab_demo *d, const char *name)
{
	for (size_t s = 0; s < d->nsites; s++)
		if (strcmp(d->site[s].name, name) == 0)
			return (int)s;
	return LAB_DEMO_OTHER;
}

static void why_not(char *why, size_t len, const struct lab_fleet_got *g)
{
	if (g->why[0])
		snprintf(why, len, "%s", g->why);
	else if (!g->ok)
		snprintf(why, len, "probe did not report");
	else
		snprintf(why, len, "%lu queries, no answer", g->sent);
}

/* ---- the scenario ---- */

/* What the simulator predicts for each client of the healthy lab, to be shown beside what the
 * lab measures: a difference is either a model that is wrong or a lab that is. */
static void predict(struct demo *m)
{
	struct lab_demo *d = m->d;
	struct sim_lab_pred pr;
	char err[256];
	int ok = sim_predict_topology(&m->l.topo, NULL, 0, &pr, err, sizeof(err)) == 0;

	if (!ok)
		say("no prediction: %s", err);
	for (size_t i = 0; i < d->nclients; i++) {
		struct lab_demo_client *c = &d->client[i];

		c->predicted = ok ? LAB_DEMO_NONE : LAB_DEMO_OTHER;
		for (size_t k = 0; ok && k < pr.n; k++)
			if (strcmp(pr.client[k], c->at.name) == 0 && pr.site[k])
				c->predicted = site_of(d, pr.site[k]);
	}
	if (ok)
		sim_lab_pred_free(&pr);
}

static int measure(struct demo *m)
{
	struct lab_demo *d = m->d;
	struct lab_fleet_spec specs[LAB_FLEET_SPECS_MAX];
	size_t n = 0;

	memset(specs, 0, sizeof(specs));
	lab_hostport(&m->l.topo.anycast_addr, 53, specs[n].server, sizeof(specs[n].server));
	specs[n].rate = DEMO_RTT_RATE;
	specs[n].count = DEMO_RTT_ANYCAST;
	specs[n++].timeout_ms = 1000;
	for (size_t s = 0; s < d->nsites; s++, n++) {
		lab_hostport(&m->l.topo.nodes[m->site_node[s]].unicast, 53, specs[n].server,
			     sizeof(specs[n].server));
		specs[n].rate = DEMO_RTT_RATE;
		specs[n].count = DEMO_RTT_UNICAST;
		specs[n].timeout_ms = 1000;
	}
	if (lab_fleet_run(&m->fleet, specs, n, -1) < 0)
		return -1;
	for (size_t i = 0; i < d->nclients; i++) {
		struct lab_demo_client *c = &d->client[i];
		const struct lab_fleet_got *g = &m->fleet.job[i].got[0];
		unsigned long most = 0;

		c->site = LAB_DEMO_NONE;
		c->rtt_ms = -1;
		for (size_t k = 0; k < g->nsites; k++) {
			if (g->answers[k] > most) {
				most = g->answers[k];
				c->site = site_of(d, g->site[k]);
			}
		}
		if (g->ok && g->answered)
			c->rtt_ms = (double)g->median_us / 1000;
		else
			why_not(c->why, sizeof(c->why), g);
		for (size_t s = 0; s < d->nsites; s++) {
			const struct lab_fleet_got *u = &m->fleet.job[i].got[1 + s];

			c->unicast_ms[s] = u->ok && u->answered ? (double)u->median_us / 1000 : -1;
		}
	}
	predict(m);
	return 0;
}

/* After a heal: until every client that had a site at the start has it again. */
static double wait_back(struct demo *m, int64_t since, int wait_ms)
{
	struct lab_demo *d = m->d;
	struct lab_answer *ans = xcalloc(m->l.topo.nnodes, sizeof(*ans));
	double r = -1;

	while (!stopped() && clk_now_ns() - since < (int64_t)wait_ms * 1000000) {
		int all = 1;

		lab_ask_clients(&m->l, 500, ans);
		for (size_t i = 0; i < d->nclients && all; i++) {
			const struct lab_answer *a = &ans[m->client_node[i]];

			if (d->client[i].site >= 0 &&
			    (!a->ok || strcmp(a->site, d->site[d->client[i].site].name) != 0))
				all = 0;
		}
		if (all) {
			r = (double)(clk_now_ns() - since) / 1e6;
			break;
		}
		sig_nap_ms(200);
	}
	free(ans);
	return r;
}

/* One failure of site under load, measured into f: probes from DEMO_PRE_MS before the failure
 * to post_ms after it, then the heal, waited for up to heal_wait_ms. */
static int failover(struct demo *m, struct lab_demo_failover *f, const char *what, int site,
		    enum lab_fail_kind how, int post_ms, int heal_wait_ms)
{
	struct lab_demo *d = m->d;
	struct lab_fleet_spec s;
	char err[256];
	const double interval = 1000.0 / DEMO_RATE;

	memset(&s, 0, sizeof(s));
	lab_hostport(&m->l.topo.anycast_addr, 53, s.server, sizeof(s.server));
	s.rate = DEMO_RATE;
	s.count = DEMO_RATE * (DEMO_PRE_MS + (unsigned)post_ms) / 1000;
	s.timeout_ms = DEMO_TIMEOUT_MS;
	s.timeline = 1;
	m->fail_site = site;
	m->fail_how = how;
	m->fail_fo = f;
	m->inject_err[0] = 0;
	f->site = site;
	f->crash = how == LAB_FAIL_SITE;
	f->from_ms = -DEMO_PRE_MS;
	f->to_ms = post_ms;
	f->interval_ms = interval;
	f->heal_ms = -1;
	say("%s: %s %s under %u queries/s from each client", what, d->site[site].name,
	    how == LAB_FAIL_SITE     ? "crashes (all links cut)"
	    : how == LAB_FAIL_FREEZE ? "hangs (every process stopped, links up)"
				     : "loses its DNS service",
	    DEMO_RATE);
	if (lab_fleet_run(&m->fleet, &s, 1, DEMO_PRE_MS) < 0)
		return -1;
	for (size_t i = 0; i < d->nclients; i++) {
		struct lab_demo_fo_client *c = &f->c[i];
		const struct lab_fleet_got *g = &m->fleet.job[i].got[0];
		double at = (double)(m->inject_ns - g->start_ns) / 1e6, end = f->to_ms;

		memset(c, 0, sizeof(*c));
		c->ran = g->ok;
		if (!g->ok) {
			why_not(c->why, sizeof(c->why), g);
			continue;
		}
		c->sent = g->sent;
		c->lost = g->lost;
		for (size_t k = 0; k < g->nseq; k++) {
			const struct lab_fleet_seq *r = &g->seq[k];
			int st = r->site < 0                   ? LAB_DEMO_LOST
				 : (size_t)r->site < g->nsites ? site_of(d, g->site[r->site])
							       : LAB_DEMO_OTHER;

			end = (double)r->last_ns / 1e6 + interval - at;
			lab_demo_seg_add(c, (double)r->first_ns / 1e6 - at, end, st, r->n);
		}
		/* a query is in flight for about an RTT: plus one interval, and at least 1 ms */
		double rtt = d->client[i].rtt_ms > 0 ? d->client[i].rtt_ms : 0;

		lab_demo_analyze(c, site, interval, rtt + interval + 1, end);
	}
	if (m->inject_err[0])
		return 0; /* nothing was failed, nothing to heal */
	int64_t heal = clk_now_ns();

	if (lab_heal(m->l.topo.name, d->site[site].name, err, sizeof(err)) < 0) {
		say("cannot heal %s: %s", d->site[site].name, err);
		return 0;
	}
	f->heal_ms = wait_back(m, heal, heal_wait_ms);
	if (stopped())
		return -1;
	if (f->heal_ms >= 0)
		say("healed %s: every client back at its site in %.1f s", d->site[site].name,
		    f->heal_ms / 1000);
	else
		say("healed %s, but not every client was back at its site after %d s",
		    d->site[site].name, heal_wait_ms / 1000);
	return 0;
}

/* The anycastd of node i reloads its configuration, rewritten with or without BFD: -1 with
 * why said. */
static int reconf(struct demo *m, size_t i, int bfd)
{
	const char *name = m->l.topo.nodes[i].name;
	char *argv[] = { "reload", NULL };
	char sock[PATH_MAX], err[256];
	struct buf out;
	int r;

	m->l.topo.no_bfd = !bfd;
	r = lab_gen_anycastd(&m->l, i, err, sizeof(err));
	m->l.topo.no_bfd = 0;
	if (r < 0) {
		say("cannot rewrite %s's configuration: %s", name, err);
		return -1;
	}
	lab_path(&m->l, name, "anycastd.sock", sock, sizeof(sock));
	buf_init(&out);
	r = ctl_call(sock, 1, argv, &out, err, sizeof(err));
	buf_free(&out);
	if (r != 0)
		say("cannot reload %s's anycastd: %s", name, r < 0 ? err : "refused");
	return r == 0 ? 0 : -1;
}

/* BFD on or off on the sessions of the site at node sn: its anycastd and its BGP neighbours'
 * (all of their sessions: simpler than per-session, and only this site's matter here) reload,
 * then until every session of them is back and every client has its site again. */
static int bfd_switch(struct demo *m, size_t sn, int on)
{
	const struct lab_topo *t = &m->l.topo;
	size_t nodes[LAB_DEMO_SITES_MAX * 4], n = 0;
	int64_t t0 = clk_now_ns();

	nodes[n++] = sn;
	for (size_t k = 0; k < t->nlinks && n < sizeof(nodes) / sizeof(nodes[0]); k++) {
		size_t o = t->links[k].a == sn ? t->links[k].b : t->links[k].a;

		if ((t->links[k].a == sn || t->links[k].b == sn) &&
		    lab_node_speaks_bgp(&t->nodes[o]))
			nodes[n++] = o;
	}
	for (size_t k = 0; k < n; k++)
		if (reconf(m, nodes[k], on) < 0)
			return -1;
	for (size_t k = 0; k < n && !stopped(); k++) {
		char sock[PATH_MAX];
		int est = 0, total = 1;

		lab_path(&m->l, t->nodes[nodes[k]].name, "anycastd.sock", sock, sizeof(sock));
		while (!stopped() && clk_now_ns() - t0 < (int64_t)DEMO_HANG_WAIT_MS * 1000000 &&
		       (lab_sessions(sock, &est, &total) < 0 || est < total))
			sig_nap_ms(200);
		if (est < total) {
			say("%s: %d of %d sessions up after the reload", t->nodes[nodes[k]].name,
			    est, total);
			return -1;
		}
	}
	if (stopped() || wait_back(m, clk_now_ns(), DEMO_HANG_WAIT_MS) < 0) {
		say("not every client had its site back after BFD was turned %s",
		    on ? "on" : "off");
		return -1;
	}
	return 0;
}

/* The chapter "a site hangs": the site frozen with BFD, then (when the hold time is short
 * enough for a demo) without. Only an interruption is an error; a run that could not be made
 * says why in the model. */
static int hang(struct demo *m, int site)
{
	struct lab_demo_hang *h = &m->d->hang;
	size_t sn = m->site_node[site];

	h->site = site;
	h->hold_s = LAB_HOLD_TIME;
	if (m->l.topo.no_bfd) {
		snprintf(h->why, sizeof(h->why), "the lab runs without BFD (bfd: no)");
	} else {
		if (failover(m, &h->bfd, "a site hangs, BFD on", site, LAB_FAIL_FREEZE,
			     DEMO_POST_MS, DEMO_HANG_WAIT_MS) < 0)
			return -1;
		h->bfd_ran = 1;
	}
	if (LAB_HOLD_TIME > DEMO_HANG_HOLD_MAX_S) {
		snprintf(h->why, sizeof(h->why), "hold time %d s: too long to wait for in a demo",
			 LAB_HOLD_TIME);
		return 0;
	}
	if (!m->l.topo.no_bfd && bfd_switch(m, sn, 0) < 0) {
		snprintf(h->why, sizeof(h->why), "BFD could not be turned off");
		return stopped() ? -1 : 0;
	}
	if (failover(m, &h->hold, "a site hangs, BFD off", site, LAB_FAIL_FREEZE,
		     LAB_HOLD_TIME * 1000 + DEMO_POST_MS, DEMO_HANG_WAIT_MS) < 0)
		return -1;
	h->hold_ran = 1;
	if (!m->l.topo.no_bfd && bfd_switch(m, sn, 1) < 0 && stopped())
		return -1;
	return 0;
}

/* One address detected: 0 with the result in *r (det_result_free it), or -1 with why. */
static int detect_one(struct demo *m, const char *addr, struct det_result *r, char *why, size_t len)
{
	struct det_input in;
	struct buf msgs;
	int got;

	buf_init(&msgs);
	got = det_lab_detect(&m->l.topo, addr, DEMO_DETECT_COUNT, &in, r, &msgs, why, len);
	buf_put8(&msgs, 0);
	for (char *l = (char *)msgs.data, *nl; (nl = strchr(l, '\n')); l = nl + 1)
		say("detect %s: %.*s", addr, (int)(nl - l), l);
	buf_free(&msgs);
	if (got == 0)
		det_input_free(&in);
	return got;
}

/* A found city's place in the chapter, named after the lab's site in that city if any. */
static void found_place(const struct lab_demo *d, struct lab_demo_place *p,
			const struct det_site *s)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->city, sizeof(p->city), "%.*s", (int)sizeof(p->city) - 1, s->city.name);
	p->lat = s->city.lat;
	p->lon = s->city.lon;
	p->located = 1;
	for (size_t k = 0; k < d->nsites; k++)
		if (strcmp(d->site[k].city, s->city.name) == 0)
			snprintf(p->name, sizeof(p->name), "%s", d->site[k].name);
}

/* The chapter "is the anycast address anycast?", on the whole lab (after the heals): the
 * anycast address, then site 0's own address as the control. The sites found are listed in
 * the lab's order of its sites, those in no site's city last. */
static void detect(struct demo *m)
{
	struct lab_demo *d = m->d;
	struct lab_demo_detect *x = &d->detect;
	struct det_result r;
	char a[ADDR_STRLEN];

	say("is %s anycast? every client pings it %d times", d->anycast, DEMO_DETECT_COUNT);
	if (detect_one(m, d->anycast, &r, x->why, sizeof(x->why)) == 0) {
		x->ran = 1;
		x->anycast = r.anycast;
		x->vps = r.vps;
		for (size_t k = 0; k <= d->nsites; k++)
			for (size_t i = 0; i < r.nsites && x->nsites < LAB_DEMO_SITES_MAX; i++) {
				struct lab_demo_place p;

				found_place(d, &p, &r.site[i]);
				if (k < d->nsites ? strcmp(p.name, d->site[k].name) == 0
						  : !p.name[0])
					x->site[x->nsites++] = p;
			}
		det_result_free(&r);
	} else {
		say("cannot tell whether %s is anycast: %s", d->anycast, x->why);
	}
	if (stopped())
		return;
	snprintf(x->unicast, sizeof(x->unicast), "%s",
		 addr_fmt(&m->l.topo.nodes[m->site_node[0]].unicast, a));
	snprintf(x->unicast_of, sizeof(x->unicast_of), "%s", d->site[0].name);
	if (detect_one(m, x->unicast, &r, x->unicast_why, sizeof(x->unicast_why)) == 0) {
		x->unicast_ran = 1;
		x->unicast_ok = !r.anycast && r.nsites == 1;
		if (r.nsites == 1)
			snprintf(x->unicast_city, sizeof(x->unicast_city), "%s",
				 r.site[0].city.name);
		det_result_free(&r);
	} else {
		say("cannot tell whether %s is unicast: %s", x->unicast, x->unicast_why);
	}
}

/* ---- the command ---- */

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: anycast lab demo [--json] [--name NAME] [--report FILE.html] [--topology FILE]\n"
		"                         [--fail SITE] [--crash SITE] [--chapters LIST]\n");
	exit(2);
}

/* The seed topology: next to the source tree this binary was built in (build/anycast), where
 * `make install` puts it (PREFIX/bin/anycast -> PREFIX/share/anycast/lab), or in the current
 * directory. */
static void default_topology(char *out, size_t len)
{
	static const char *const rel[] = { "/../examples/lab/seed.yaml",
					   "/../share/anycast/lab/seed.yaml" };
	char self[PATH_MAX], try[PATH_MAX + 64], real[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash = NULL;

	if (n > 0) {
		self[n] = 0;
		slash = strrchr(self, '/');
	}
	for (size_t i = 0; slash && i < sizeof(rel) / sizeof(rel[0]); i++) {
		*slash = 0;
		snprintf(try, sizeof(try), "%s%s", self, rel[i]);
		/* shown to the user: without the "build/.." */
		if (realpath(try, real) && strlen(real) < len) {
			memcpy(out, real, strlen(real) + 1);
			return;
		}
	}
	snprintf(out, len, "examples/lab/seed.yaml");
}

/* The chapters after the failovers, by their names in --chapters. */
static const struct {
	const char *name;
	unsigned bit;
} chapters[] = { { "detect", LAB_DEMO_CH_DETECT },
		 { "hang", LAB_DEMO_CH_HANG },
		 { "hijack", LAB_DEMO_CH_HIJACK },
		 { "tcp", LAB_DEMO_CH_TCP },
		 { "ddos", LAB_DEMO_CH_DDOS } };

/* "detect,..." (or "" for none) to chapter bits; -1 on a name no chapter has. */
static int parse_chapters(const char *list, unsigned *bits)
{
	const char *p = list;

	*bits = 0;
	while (*p) {
		size_t n = strcspn(p, ","), k;

		for (k = 0; k < sizeof(chapters) / sizeof(chapters[0]); k++)
			if (strlen(chapters[k].name) == n && strncmp(chapters[k].name, p, n) == 0)
				break;
		if (k == sizeof(chapters) / sizeof(chapters[0])) {
			fprintf(stderr,
				"anycast lab demo: --chapters: no chapter %.*s (there is: ", (int)n,
				p);
			for (k = 0; k < sizeof(chapters) / sizeof(chapters[0]); k++)
				fprintf(stderr, "%s%s", k ? ", " : "", chapters[k].name);
			fprintf(stderr, ")\n");
			return -1;
		}
		*bits |= chapters[k].bit;
		p += n + (p[n] == ',');
	}
	return 0;
}

static void place_of(struct lab_demo_place *p, const struct lab_node *n)
{
	snprintf(p->name, sizeof(p->name), "%s", n->name);
	if (n->city) {
		snprintf(p->city, sizeof(p->city), "%s", n->city->label);
		p->lat = n->city->lat;
		p->lon = n->city->lon;
		p->located = 1;
	}
}

static int pick_site(const struct lab_demo *d, const char *want, const char *what)
{
	int s = site_of(d, want);

	if (s < 0)
		fprintf(stderr, "anycast lab demo: --%s %s: no such site in lab %s\n", what, want,
			d->lab);
	return s;
}

/* The topology, checked before anything is built: the demo needs sites and clients. */
static int setup(struct demo *m, const char *file, const char *name, const char *fail,
		 const char *crash, int *fail_site, int *crash_site)
{
	struct lab_demo *d = m->d;
	struct lab_topo *t = &m->l.topo;
	char err[1024], a[ADDR_STRLEN];

	if (lab_topo_load(file, t, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab demo: %s\n", err);
		return -1;
	}
	m->l.loaded = 1;
	if (name && lab_rename(t, name, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab demo: %s\n", err);
		return -1;
	}
	snprintf(d->lab, sizeof(d->lab), "%s", t->name);
	snprintf(d->anycast, sizeof(d->anycast), "%s", addr_fmt(&t->anycast_addr, a));
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *n = &t->nodes[i];

		if (n->kind == LAB_SITE && d->nsites < LAB_DEMO_SITES_MAX) {
			m->site_node[d->nsites] = i;
			place_of(&d->site[d->nsites++], n);
		} else if (n->kind == LAB_CLIENT && d->nclients < LAB_DEMO_CLIENTS_MAX) {
			m->client_node[d->nclients] = i;
			place_of(&d->client[d->nclients++].at, n);
		} else if (n->kind != LAB_ROUTER) {
			fprintf(stderr, "anycast lab demo: %s: more than %d sites or %d clients\n",
				file, LAB_DEMO_SITES_MAX, LAB_DEMO_CLIENTS_MAX);
			return -1;
		}
	}
	for (size_t i = 0; i < d->nclients; i++) {
		lab_ns_name(t->name, d->client[i].at.name, m->ns[i], sizeof(m->ns[i]));
		m->fleet.ns[i] = m->ns[i];
	}
	m->fleet.n = d->nclients;
	m->fleet.stopped = stopped;
	m->fleet.act = inject;
	m->fleet.arg = m;
	if (d->nsites < 2 || d->nclients < 1) {
		fprintf(stderr,
			"anycast lab demo: %s: a failover needs at least two sites and a "
			"client\n",
			file);
		return -1;
	}
	/* London by default, the story; else the first site */
	if (!fail)
		fail = site_of(d, "lon") >= 0 ? "lon" : d->site[0].name;
	if ((*fail_site = pick_site(d, fail, "fail")) < 0)
		return -1;
	if ((*crash_site = crash ? pick_site(d, crash, "crash") : *fail_site) < 0)
		return -1;
	/* refuse before building anything: a lab of this name is someone's, not ours to take
	 * down */
	if (lab_taken(t->name)) {
		fprintf(stderr,
			"anycast lab demo: lab %s is already up (or was not taken down): "
			"run `anycast lab down %s` first\n",
			t->name, t->name);
		return -1;
	}
	return 0;
}

static int take_down(const char *name)
{
	char err[1024];
	sigset_t prev;
	int r;

	/* a second ^C must not cut the teardown short */
	sig_hold(&prev);
	r = lab_down(name, err, sizeof(err));
	sig_release(&prev);
	if (r < 0)
		fprintf(stderr, "anycast lab demo: %s\n", err);
	return r;
}

int lab_demo_main(int argc, char **argv)
{
	const char *report = NULL, *topo = NULL, *fail = NULL, *crash = NULL, *name = NULL;
	char deftopo[PATH_MAX], err[1024];
	int json = 0, fail_site, crash_site, rc = 1, out = 1;
	/* hang adds half a minute: asked for by name */
	unsigned bits = ~0u & ~LAB_DEMO_CH_HANG;
	struct demo *m;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "--report") == 0 && i + 1 < argc)
			report = argv[++i];
		else if (strcmp(argv[i], "--topology") == 0 && i + 1 < argc)
			topo = argv[++i];
		else if (strcmp(argv[i], "--fail") == 0 && i + 1 < argc)
			fail = argv[++i];
		else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--crash") == 0 && i + 1 < argc)
			crash = argv[++i];
		else if (strcmp(argv[i], "--chapters") == 0 && i + 1 < argc) {
			if (parse_chapters(argv[++i], &bits) < 0)
				return 2;
		} else if (argv[i][0] != '-' && !topo)
			topo = argv[i];
		else
			usage();
	}
	if (!topo) {
		default_topology(deftopo, sizeof(deftopo));
		topo = deftopo;
	}
	m = xcalloc(1, sizeof(*m));
	m->d = xcalloc(1, sizeof(*m->d));
	m->d->chapters = bits;
	if (setup(m, topo, name, fail, crash, &fail_site, &crash_site) < 0)
		goto done;
	if (json) {
		/* stdout is the JSON document alone: anything else printed on the way goes to
		 * stderr */
		fflush(stdout);
		out = dup(1);
		dup2(2, 1);
	}
	struct sig_saved saved;

	sig_catch(&saved);

	struct lab_demo *d = m->d;
	struct lab_up_opts uo = { .quiet = 1, .name = d->lab };
	int64_t t0 = clk_now_ns();

	say("building lab %s from %s: %zu nodes, %zu links, sites and clients in namespaces",
	    d->lab, topo, m->l.topo.nnodes, m->l.topo.nlinks);
	if (lab_up_with(topo, &uo, err, sizeof(err)) < 0) {
		/* lab_up removed whatever it had built */
		if (stopped()) {
			rc = 128 + (sig_last ? sig_last : SIGINT);
			say("interrupted; nothing left behind");
		} else {
			fprintf(stderr, "anycast lab demo: %s\n", err);
		}
		goto done;
	}
	d->up_s = (double)(clk_now_ns() - t0) / 1e9;
	say("lab up in %.1f s; measuring from %zu clients", d->up_s, d->nclients);
	/* the runtime's view of the lab, with the derived addresses */
	lab_close(&m->l);
	if (lab_open(d->lab, &m->l, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab demo: %s\n", err);
		take_down(d->lab);
		goto done;
	}
	int broke = stopped() || measure(m) < 0 ||
		    failover(m, &d->fo[d->nfo++], "failover 1", fail_site, LAB_FAIL_SERVICE,
			     DEMO_POST_MS, DEMO_HEAL_WAIT_MS) < 0 ||
		    failover(m, &d->fo[d->nfo++], "failover 2", crash_site, LAB_FAIL_SITE,
			     DEMO_POST_MS, DEMO_HEAL_WAIT_MS) < 0;

	if (!broke && (d->chapters & LAB_DEMO_CH_HANG))
		broke = hang(m, fail_site) < 0;
	if (!broke && (d->chapters & LAB_DEMO_CH_DETECT))
		detect(m);
	if (!broke && !stopped() && (d->chapters & LAB_DEMO_CH_HIJACK)) {
		say("a hijack, without and with origin validation");
		lab_demo_hijack_run(&m->l, &d->hijack);
	}
	if (!broke && !stopped() && (d->chapters & LAB_DEMO_CH_TCP)) {
		say("tcp: long-lived connections through a hard failure of %s, then its drain",
		    d->site[fail_site].name);
		lab_demo_tcp_run(&m->l, d, fail_site, stopped, &d->tcp);
	}
	if (!broke && !stopped() && (d->chapters & LAB_DEMO_CH_DDOS)) {
		say("a DDoS: concentrated, distributed, against one site");
		lab_demo_ddos_run(&m->l, d);
	}
	if (broke || stopped()) {
		rc = 128 + (sig_last ? sig_last : SIGINT);
		say("interrupted; taking lab %s down", d->lab);
		take_down(d->lab);
		goto done;
	}
	say("taking lab %s down", d->lab);
	rc = take_down(d->lab) < 0 ? 1 : 0;
	d->total_s = (double)(clk_now_ns() - t0) / 1e9;

	struct buf b;

	buf_init(&b);
	lab_demo_text(d, &b);
	fflush(stdout);
	lab_write_all(json ? 2 : out, b.data, b.len);
	if (json) {
		buf_reset(&b);
		lab_demo_json(d, &b);
		lab_write_all(out, b.data, b.len);
	}
	buf_free(&b);
	if (report) {
		if (lab_report_write(d, report, err, sizeof(err)) < 0) {
			fprintf(stderr, "anycast lab demo: %s\n", err);
			rc = 1;
		} else {
			say("report written to %s", report);
		}
	}
done:
	lab_fleet_free(&m->fleet);
	lab_close(&m->l);
	free(m->d);
	free(m);
	return rc;
}
