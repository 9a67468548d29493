/* The demo's chapter "DDoS" (demo_ddos.h): a bounded attack of 1.5 times one site's capacity,
 * concentrated in one catchment, spread over all of them, and against the same topology with
 * one site left (every other site's service failed), while every client probes the anycast
 * address as a legitimate user would. Anycast's claim, measured: an attack that exceeds one
 * site but not the sum is absorbed where it lands, and only the clients that share the
 * attacked site's catchment pay; spread out, nobody does; with one site, everyone does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/attack.h"
#include "lab/ask.h"
#include "lab/demo.h"
#include "lab/fleet.h"
#include "lab/lab.h"
#include "lab/sitestats.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sig.h"

#define DDOS_FACTOR_NUM 3 /* the attack: 3/2 of the smallest site capacity */
#define DDOS_FACTOR_DEN 2
#define DDOS_SECS 3u         /* how long it lasts */
#define DDOS_VICTIM_RATE 50u /* each client's legitimate queries/s: 20 ms resolution */
#define DDOS_LEAD_MS 300     /* the clients probe this long before the attack starts */
#define DDOS_TAIL_MS 700     /* and after its last query */
/* With shedding: anycastd needs shed-rise samples (2 s) to shed and shed-fall samples (3 s)
 * plus BGP's convergence to take it back: the attack lasts long enough for the first, the
 * clients probe long enough after it for the second. */
#define DDOS_SHED_SECS 6u
#define DDOS_SHED_TAIL_MS 8000
#define DDOS_TIMEOUT_MS 500u /* a legitimate answer later than this is a loss */
#define DDOS_SETTLE_MS 20000 /* for the clients to reach their site after a fail or heal */

const char *lab_ddos_run_name(enum lab_ddos_kind k)
{
	static const char *const names[] = { "concentrated", "distributed", "unicast" };

	return k < LAB_DDOS_RUNS ? names[k] : "?";
}

struct ctx {
	struct lab *l;
	struct lab_demo *d;
	struct lab_attack *atk;
	unsigned long count; /* of the run under way */
	char atk_err[256];
	size_t client_node[LAB_DDOS_CLIENTS];
	char ns[LAB_DDOS_CLIENTS][128];
	struct lab_fleet *fleet;
};

static int stopped(void) { return sig_interrupted != 0; }

static void say(const char *what, const char *more)
{
	fprintf(stderr, "demo: ddos: %s%s\n", what, more ? more : "");
}

/* Called by the fleet DDOS_LEAD_MS after the clients started probing. */
static void start_attack(void *arg)
{
	struct ctx *c = arg;
	const struct lab_demo_ddos *x = &c->d->ddos;

	if (lab_attack_start(c->l, x->rate, c->count, c->atk, c->atk_err, sizeof(c->atk_err)) < 0)
		say("cannot attack: ", c->atk_err);
}

/* The node of topology l whose name is name; SIZE_MAX if none. */
static size_t node_of(const struct lab *l, const char *name)
{
	for (size_t i = 0; i < l->topo.nnodes; i++)
		if (strcmp(l->topo.nodes[i].name, name) == 0)
			return i;
	return SIZE_MAX;
}

/* Until every client is answered by want[i] (a site name, "" for any answer), or the wait is
 * over; 0 when they are. */
static int wait_sites(struct ctx *c, char want[][32])
{
	struct lab_answer *ans = xcalloc(c->l->topo.nnodes, sizeof(*ans));
	int64_t t0 = clk_now_ns();
	int all = 0;

	while (!stopped() && clk_now_ns() - t0 < (int64_t)DDOS_SETTLE_MS * 1000000) {
		all = 1;
		lab_ask_clients(c->l, 500, ans);
		for (size_t i = 0; i < c->d->nclients && all; i++) {
			const struct lab_answer *a = &ans[c->client_node[i]];

			if (want[i][0] && (!a->ok || strcmp(a->site, want[i]) != 0))
				all = 0;
		}
		if (all)
			break;
		sig_nap_ms(200);
	}
	free(ans);
	return all ? 0 : -1;
}

static void victim_of(struct lab_ddos_victim *v, const struct lab_fleet_got *g)
{
	unsigned long most = 0;
	int last = -1;

	if (!g->ok) {
		v->ran = 0;
		snprintf(v->why, sizeof(v->why), "%s", g->why[0] ? g->why : "probe did not report");
		return;
	}
	v->ran = 1;
	v->sent = g->sent;
	v->lost = g->lost;
	v->rtt_ms = g->answered && g->median_us >= 0 ? (double)g->median_us / 1000 : -1;
	for (size_t k = 0; k < g->nsites; k++)
		if (g->answers[k] > most) {
			most = g->answers[k];
			snprintf(v->site, sizeof(v->site), "%s", g->site[k]);
		}
	for (size_t q = 0; q < g->nseq; q++) {
		int s = g->seq[q].site;
		if (s < 0 || (size_t)s >= g->nsites)
			continue;
		if (last >= 0 && s != last)
			v->moves++;
		if (s != last && v->nseen < LAB_DDOS_SITES_SEEN)
			snprintf(v->seen[v->nseen++], sizeof(v->seen[0]), "%s", g->site[s]);
		last = s;
	}
}

/* One run: the clients probe, the attack starts DDOS_LEAD_MS later; the sites' counters
 * before and after. */
static int one_run(struct ctx *c, struct lab_ddos_run *r)
{
	struct lab *l = c->l;
	struct lab_demo *d = c->d;
	const struct lab_demo_ddos *x = &d->ddos;
	struct lab_site_stats before[LAB_DDOS_SITES], after;
	struct lab_fleet_spec spec;
	char err[256];

	memset(c->atk, 0, sizeof(*c->atk));
	if (lab_attack_nodes(l, r->attackers, c->atk, err, sizeof(err)) < 0) {
		snprintf(r->why, sizeof(r->why), "%.120s", err);
		return 0;
	}
	r->nsites = d->nsites;
	for (size_t s = 0; s < d->nsites; s++) {
		snprintf(r->site[s].name, sizeof(r->site[s].name), "%s", d->site[s].name);
		lab_site_stats(l, node_of(l, d->site[s].name), 1000, &before[s]);
	}
	memset(&spec, 0, sizeof(spec));
	lab_hostport(&l->topo.anycast_addr, 53, spec.server, sizeof(spec.server));
	spec.rate = x->victim_rate;
	if (!r->secs)
		r->secs = DDOS_SECS;
	r->count = (unsigned long)x->rate * r->secs;
	c->count = r->count;
	spec.count = x->victim_rate *
		     (DDOS_LEAD_MS + r->secs * 1000 +
		      (r->shed ? DDOS_SHED_TAIL_MS : DDOS_TAIL_MS)) /
		     1000;
	spec.timeout_ms = DDOS_TIMEOUT_MS;
	spec.timeline = 1;
	c->atk_err[0] = 0;
	fprintf(stderr,
		"demo: ddos: %s: %u queries/s for %u s from %s while every client asks %u/s\n",
		lab_ddos_run_name((enum lab_ddos_kind)(r - x->run)), x->rate, r->secs, r->attackers,
		x->victim_rate);
	if (lab_fleet_run(c->fleet, &spec, 1, DDOS_LEAD_MS) < 0) {
		lab_attack_stop(c->atk);
		return -1;
	}
	lab_attack_wait(c->atk);
	if (c->atk_err[0]) {
		snprintf(r->why, sizeof(r->why), "the attack did not start: %.100s", c->atk_err);
		return 0;
	}
	r->att_s = c->atk->elapsed_s;
	r->stopped = c->atk->killed;
	for (size_t k = 0; k < c->atk->n; k++) {
		r->att_sent += c->atk->a[k].sent;
		r->att_answered += c->atk->a[k].answered;
		r->att_lost += c->atk->a[k].lost;
	}
	for (size_t s = 0; s < d->nsites; s++) {
		lab_site_stats(l, node_of(l, d->site[s].name), 1000, &after);
		r->site[s].ok = before[s].ok && after.ok;
		if (r->site[s].ok) {
			r->site[s].answered = (unsigned long)(after.answered - before[s].answered);
			r->site[s].dropped = (unsigned long)(after.dropped - before[s].dropped);
		}
	}
	r->nvictims = d->nclients;
	for (size_t i = 0; i < d->nclients; i++) {
		struct lab_ddos_victim *v = &r->victim[i];

		snprintf(v->client, sizeof(v->client), "%s", d->client[i].at.name);
		for (size_t k = 0; k < c->atk->n; k++)
			v->attacker |= c->atk->a[k].node == c->client_node[i];
		victim_of(v, &c->fleet->job[i].got[0]);
	}
	r->ran = 1;
	return 0;
}

/* "a,b,c" of the clients i for which pick(i) holds. */
static void list_clients(const struct lab_demo *d, char *out, size_t len, const int *pick)
{
	size_t o = 0;

	out[0] = 0;
	for (size_t i = 0; i < d->nclients && o < len; i++)
		if (pick[i])
			o += (size_t)snprintf(out + o, len - o, "%s%s", o ? "," : "",
					      d->client[i].at.name);
}

/* The unicast run: every site but target fails its service, the clients all reach target,
 * the attack; then the heal, until every client has its own site back. */
static int unicast(struct ctx *c, int target, struct lab_ddos_run *r)
{
	struct lab_demo *d = c->d;
	char want[LAB_DDOS_CLIENTS][32], err[256];
	size_t o = 0;
	int rc = 0;

	for (size_t s = 0; s < d->nsites; s++) {
		if ((int)s == target)
			continue;
		if (lab_fail(c->l->topo.name, d->site[s].name, LAB_FAIL_SERVICE, err, sizeof(err)) <
		    0) {
			snprintf(r->why, sizeof(r->why), "cannot fail %s: %.100s", d->site[s].name,
				 err);
			goto heal;
		}
		o += (size_t)snprintf(r->failed + o, sizeof(r->failed) - o, "%s%s", o ? "," : "",
				      d->site[s].name);
	}
	for (size_t i = 0; i < d->nclients; i++)
		snprintf(want[i], sizeof(want[i]), "%s", d->site[target].name);
	say("unicast: every site but ", d->site[target].name);
	if (wait_sites(c, want) < 0) {
		if (!stopped())
			snprintf(r->why, sizeof(r->why), "not every client reached %s alone",
				 d->site[target].name);
		goto heal;
	}
	rc = one_run(c, r);
heal:
	for (size_t s = 0; s < d->nsites; s++)
		if ((int)s != target)
			lab_heal(c->l->topo.name, d->site[s].name, err, sizeof(err));
	for (size_t i = 0; i < d->nclients; i++)
		snprintf(want[i], sizeof(want[i]), "%s",
			 d->client[i].site >= 0 ? d->site[d->client[i].site].name : "");
	if (wait_sites(c, want) < 0 && !stopped())
		say("not every client had its site back after the heal", NULL);
	return rc;
}

void lab_demo_ddos_run(struct lab *l, struct lab_demo *d)
{
	struct lab_demo_ddos *x = &d->ddos;
	struct ctx c = { .l = l, .d = d };
	int pick[LAB_DDOS_CLIENTS], per_site[LAB_DDOS_SITES] = { 0 }, target = -1;

	for (size_t s = 0; s < d->nsites; s++) {
		const struct lab_node *n = &l->topo.nodes[node_of(l, d->site[s].name)];

		if (!n->capacity_qps) {
			snprintf(x->why, sizeof(x->why),
				 "site %s has no capacity in the topology (capacity: N, queries/s)",
				 n->name);
			return;
		}
		if (!x->capacity || n->capacity_qps < x->capacity)
			x->capacity = n->capacity_qps;
	}
	/* the attacked catchment: the site with the most clients */
	for (size_t i = 0; i < d->nclients; i++)
		if (d->client[i].site >= 0 &&
		    ++per_site[d->client[i].site] > (target >= 0 ? per_site[target] : 0))
			target = d->client[i].site;
	if (target < 0) {
		snprintf(x->why, sizeof(x->why), "no client was answered by a site");
		return;
	}
	x->rate = x->capacity * DDOS_FACTOR_NUM / DDOS_FACTOR_DEN;
	x->victim_rate = DDOS_VICTIM_RATE;
	c.atk = xcalloc(1, sizeof(*c.atk));
	c.fleet = xcalloc(1, sizeof(*c.fleet));
	for (size_t i = 0; i < d->nclients; i++) {
		c.client_node[i] = node_of(l, d->client[i].at.name);
		lab_ns_name(l->topo.name, d->client[i].at.name, c.ns[i], sizeof(c.ns[i]));
		c.fleet->ns[i] = c.ns[i];
	}
	c.fleet->n = d->nclients;
	c.fleet->stopped = stopped;
	c.fleet->act = start_attack;
	c.fleet->arg = &c;

	/* concentrated: the target's clients attack, but one that stays a bystander */
	struct lab_ddos_run *r = &x->run[LAB_DDOS_CONCENTRATED];
	int left = per_site[target] > 1;

	for (size_t i = d->nclients; i-- > 0;) {
		pick[i] = d->client[i].site == target && !(left && (left = 0, 1));
	}
	list_clients(d, r->attackers, sizeof(r->attackers), pick);
	snprintf(r->target, sizeof(r->target), "%s", d->site[target].name);
	r->shed = l->topo.nodes[node_of(l, d->site[target].name)].nshed > 0;
	r->secs = r->shed ? DDOS_SHED_SECS : DDOS_SECS;
	if (one_run(&c, r) < 0)
		goto out;
	/* distributed: the first client of every catchment */
	r = &x->run[LAB_DDOS_DISTRIBUTED];
	memset(per_site, 0, sizeof(per_site));
	for (size_t i = 0; i < d->nclients; i++)
		pick[i] = d->client[i].site >= 0 && per_site[d->client[i].site]++ == 0;
	list_clients(d, r->attackers, sizeof(r->attackers), pick);
	if (one_run(&c, r) < 0)
		goto out;
	/* unicast: the concentrated attack on the only site left */
	r = &x->run[LAB_DDOS_UNICAST];
	snprintf(r->attackers, sizeof(r->attackers), "%s", x->run[0].attackers);
	snprintf(r->target, sizeof(r->target), "%s", d->site[target].name);
	if (unicast(&c, target, r) < 0)
		goto out;
	x->ran = 1;
out:
	lab_fleet_free(c.fleet);
	free(c.fleet);
	free(c.atk);
}
