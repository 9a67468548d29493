/* The decision process, RFC 4271 section 9.1.2, read top to bottom beside the RFC.
 *
 * Phase 2 picks one best path per prefix among the usable ones. Each step keeps only the
 * candidates that are best by one criterion and hands the survivors to the next step, which
 * is how section 9.1.2.2 is written (MED in particular is not a total order, so pairwise
 * comparison would not do). */
#include <stdlib.h>
#include <string.h>

#include "bgp/decide.h"
#include "bgp/speaker.h"
#include "lib/log.h"
#include "rpki/vrp.h"

/* Candidates of a prefix held on the stack; a prefix with more paths (more neighbours) gets
 * a heap array: every path counts. */
#define STACK_CAND 64

static uint32_t local_pref(const struct rib_path *p)
{
	return (p->attrs->has & BGP_AH_LOCAL_PREF) ? p->attrs->local_pref : 100;
}

static uint32_t med(const struct rib_path *p)
{
	/* Section 9.1.2.2 (c): a missing MED is the lowest possible value. */
	return (p->attrs->has & BGP_AH_MED) ? p->attrs->med : 0;
}

static int is_ebgp(const struct rib_path *p)
{
	return p->src && p->src->conf.remote_as != p->src->sp->local_as;
}

/* Keeps the candidates for which key() is lowest (or highest with sign -1). */
static size_t keep_min(struct rib_path **c, size_t n, int64_t (*key)(const struct rib_path *))
{
	int64_t best = key(c[0]);
	size_t m = 0;

	for (size_t i = 1; i < n; i++)
		if (key(c[i]) < best)
			best = key(c[i]);
	for (size_t i = 0; i < n; i++)
		if (key(c[i]) == best)
			c[m++] = c[i];
	return m;
}

/* Our own routes first: a site's announcement of its own service is never displaced by a copy
 * of it heard back from the network. */
static int64_t k_local(const struct rib_path *p) { return p->src != NULL; }
/* (a) highest degree of preference: LOCAL_PREF */
static int64_t k_local_pref(const struct rib_path *p) { return -(int64_t)local_pref(p); }
/* prefer-valid (bgp/rov.h): right after LOCAL_PREF, valid over not-found over invalid. BIRD,
 * FRR and OpenBGPD have no such step of their own: their documentation does it in import
 * policy by raising LOCAL_PREF of valid routes (roa_check, match rpki, ovs), which puts it
 * before LOCAL_PREF and lets a valid provider route beat a customer one. Here LOCAL_PREF by
 * business relation stays first and validity ranks the routes of equal preference, before
 * AS path length; a neighbour without prefer-valid ranks all its routes as not-found. */
static int64_t k_rov(const struct rib_path *p)
{
	if (!p->src || p->src->conf.rov != CONF_ROV_PREFER)
		return 1;
	return p->rov == ROV_VALID ? 0 : p->rov == ROV_INVALID ? 2 : 1;
}
/* (a) of 9.1.2.2: shortest AS_PATH, an AS_SET counting one */
static int64_t k_aspath(const struct rib_path *p) { return bgp_aspath_length(p->attrs); }
/* (b) lowest ORIGIN */
static int64_t k_origin(const struct rib_path *p) { return p->attrs->origin; }
/* (d) eBGP-learnt over iBGP-learnt */
static int64_t k_ibgp(const struct rib_path *p) { return !is_ebgp(p); }
/* (f) lowest BGP identifier of the advertising speaker */
static int64_t k_router_id(const struct rib_path *p) { return p->src ? p->src->remote_id : 0; }

/* (c) MED: among paths from the same neighbouring AS, drop those with a higher MED than
 * another. Paths from different ASes are not compared. */
static size_t keep_med(struct rib_path **c, size_t n)
{
	uint8_t sdrop[STACK_CAND] = { 0 }, *drop = n <= STACK_CAND ? sdrop : xcalloc(n, 1);
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n; j++)
			if (bgp_aspath_first_as(c[i]->attrs) == bgp_aspath_first_as(c[j]->attrs) &&
			    med(c[j]) < med(c[i]))
				drop[i] = 1;
	for (size_t i = 0; i < n; i++)
		if (!drop[i])
			c[m++] = c[i];
	if (drop != sdrop)
		free(drop);
	return m;
}

/* (g) lowest neighbour address */
static struct rib_path *lowest_address(struct rib_path **c, size_t n)
{
	struct rib_path *best = c[0];

	for (size_t i = 1; i < n; i++)
		if (best->src && c[i]->src &&
		    addr_cmp(&c[i]->src->conf.addr, &best->src->conf.addr) < 0)
			best = c[i];
	return best;
}

struct rib_path *bgp_decide(struct bgp_speaker *sp, struct rib_node *node)
{
	struct rib_path *sc[STACK_CAND], **c = sc;
	size_t n = 0, total = 0;

	for (struct rib_path *p = node->paths; p; p = p->next)
		total++;
	if (total > STACK_CAND)
		c = xmalloc(total * sizeof(*c));
	/* Phase 2 input: every path that is usable (section 9.1.2: not looped, not rejected). */
	for (struct rib_path *p = node->paths; p; p = p->next) {
		p->best = 0;
		p->ecmp = 0;
		if (!(p->flags & RIB_PATH_REJECTED))
			c[n++] = p;
	}
	if (n == 0) {
		if (c != sc)
			free(c);
		return NULL;
	}
	if (n == 1) {
		/* One usable path, as for most prefixes of a full table: every step below would
		 * keep it (a fifth of the import's instructions went there, bench/RESULTS.md). */
		c[0]->ecmp = 1;
		c[0]->best = 1;
		struct rib_path *only = c[0];

		if (c != sc)
			free(c);
		return only;
	}
	n = keep_min(c, n, k_local);
	n = keep_min(c, n, k_local_pref);
	n = keep_min(c, n, k_rov);
	n = keep_min(c, n, k_aspath);
	n = keep_min(c, n, k_origin);
	n = keep_med(c, n);
	n = keep_min(c, n, k_ibgp);
	/* (e) IGP cost to the next hop: every neighbour here is directly connected, all equal.
	 * What is left is equally good; only tie-breaks follow, so these are the ECMP set. */
	for (size_t i = 0; i < n; i++)
		c[i]->ecmp = 1;
	n = keep_min(c, n, k_router_id);
	struct rib_path *best = lowest_address(c, n);

	best->best = 1;
	(void)sp;
	if (c != sc)
		free(c);
	return best;
}
