/* The Adj-RIB-In: a received UPDATE applied to the speaker's shared RIB (see adjin.h). Every
 * path remembers its neighbour (rib_path.src), so this neighbour's Adj-RIB-In is its paths in
 * that one table, as in BIRD. */
#include "bgp/adjin.h"

#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>

#include "bgp/locrib.h"
#include "bgp/policy.h"
#include "bgp/rov.h"
#include "bgp/speaker.h"
#include "lib/log.h"

/* Counters of a path from p leaving the RIB, or being replaced. */
static void count_out(struct bgp_peer *p, const struct rib_path *old)
{
	p->n_paths--;
	p->n_accepted -= !(old->flags & RIB_PATH_REJECTED);
}

static void withdraw_prefix(struct bgp_peer *p, const struct prefix *pfx)
{
	struct rib *rib = &p->sp->rib;
	struct rib_node *n = rib_lookup(rib, pfx);
	struct rib_path *old = n ? rib_path_of(n, p) : NULL;

	if (!old)
		return;
	count_out(p, old);
	bgp_locrib_changed(p->sp, pfx, rib_node_withdraw(rib, n, p));
}

/* One hash lookup per prefix: the node found (or made) here goes on to the decision. */
static void import_prefix(struct bgp_peer *p, const struct prefix *pfx,
			  const struct bgp_attrs *attrs, uint8_t flags, int *family_warned)
{
	int ok = pfx->addr.af == AF_INET ? p->ctx.mp_ipv4 : p->ctx.mp_ipv6;

	if (!ok) {
		if (!*family_warned)
			log_warn("neighbor %s: ignoring prefixes of a family not negotiated",
				 bgp_session_name(p));
		*family_warned = 1;
		return;
	}
	if (!bgp_prefix_allowed(p->conf.import_allow, p->conf.nimport_allow, pfx))
		flags |= RIB_PATH_REJECTED | RIB_PATH_FILTERED;
	enum rov_state rov = bgp_rov_state(p->sp, pfx, attrs);

	flags |= bgp_rov_flags(p, rov);
	struct rib_node *n = rib_get(&p->sp->rib, pfx);
	struct rib_path *old = rib_path_of(n, p);

	if (old)
		count_out(p, old);
	p->n_paths++;
	p->n_accepted += !(flags & RIB_PATH_REJECTED);
	if (rib_node_update(&p->sp->rib, n, p, attrs, flags)) {
		rib_path_of(n, p)->rov = (uint8_t)rov;
		bgp_locrib_changed(p->sp, pfx, n);
	}
}

static const struct bgp_attrs *intern_with_nexthop(struct bgp_attrs *a, const struct addr *nh,
						   const struct addr *ll)
{
	a->nexthop = *nh;
	if (ll)
		a->nexthop_ll = *ll;
	return bgp_attrs_intern(a);
}

/* RFC 4486 6/1: too many prefixes accepted (after import policy: what is filtered costs
 * nothing). Data: AFI, SAFI and the limit. With warning-only, one log line per crossing. */
static int check_max_prefix(struct bgp_peer *p, struct bgp_err *e)
{
	uint8_t d[7];

	if (!p->conf.max_prefix || p->n_accepted <= p->conf.max_prefix) {
		p->max_prefix_warned = 0;
		return 0;
	}
	if (p->conf.max_prefix_warn_only) {
		if (!p->max_prefix_warned)
			log_warn("neighbor %s: %zu prefixes accepted, more than max-prefix %u "
				 "(warning-only)",
				 bgp_session_name(p), p->n_accepted, p->conf.max_prefix);
		p->max_prefix_warned = 1;
		return 0;
	}
	put16(d, p->conf.addr.af == AF_INET ? BGP_AFI_IPV4 : BGP_AFI_IPV6);
	d[2] = BGP_SAFI_UNICAST;
	put32(d + 3, p->conf.max_prefix);
	bgp_err_set(e, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, d, sizeof(d),
		    "%zu prefixes accepted, more than max-prefix %u", p->n_accepted,
		    p->conf.max_prefix);
	p->max_prefix_hit = 1;
	return -1;
}

int bgp_adjin_update(struct bgp_peer *p, struct bgp_update *u, struct bgp_err *e)
{
	int family_warned = 0;

	for (size_t i = 0; i < u->n_withdrawn; i++)
		withdraw_prefix(p, &u->withdrawn[i]);
	if (u->treat_as_withdraw) {
		/* RFC 7606 section 2: the announced prefixes are handled as withdrawn. */
		for (size_t i = 0; i < u->n_announced; i++)
			withdraw_prefix(p, &u->announced[i]);
	} else if (u->n_announced > 0) {
		const struct bgp_attrs *plain = NULL, *mp = NULL;
		struct addr nh4 = u->attrs.nexthop;
		uint8_t flags = bgp_import_attrs(p->sp, p, &u->attrs);

		if (flags & RIB_PATH_LEAK)
			log_warn("neighbor %s: route leak (RFC 9234 OTC %u): %zu prefixes ignored",
				 bgp_session_name(p), u->attrs.otc, u->n_announced);
		if (u->mp_reach_from > 0)
			plain = intern_with_nexthop(&u->attrs, &nh4, NULL);
		if (u->mp_reach_from < u->n_announced)
			mp = intern_with_nexthop(&u->attrs, &u->mp_nexthop, &u->mp_nexthop_ll);
		for (size_t i = 0; i < u->n_announced; i++)
			import_prefix(p, &u->announced[i], i < u->mp_reach_from ? plain : mp, flags,
				      &family_warned);
		if (plain)
			bgp_attrs_unref(plain);
		if (mp)
			bgp_attrs_unref(mp);
	}
	return check_max_prefix(p, e);
}

uint8_t bgp_fam_of_afi(uint16_t afi)
{
	return afi == BGP_AFI_IPV4 ? BGP_FAM_IPV4 : afi == BGP_AFI_IPV6 ? BGP_FAM_IPV6 : 0;
}

static uint8_t fam_of(const struct prefix *pfx)
{
	return pfx->addr.af == AF_INET ? BGP_FAM_IPV4 : BGP_FAM_IPV6;
}

size_t bgp_adjin_clear_fams(struct bgp_peer *p, uint8_t fams, int only_stale)
{
	struct rib *rib = &p->sp->rib;
	struct rib_iter it;
	struct rib_node *n;
	struct rib_path *old;
	size_t cap = 64, cnt = 0;
	struct prefix *gone = xmalloc(cap * sizeof(*gone));

	/* Collect first: re-deciding may free nodes the iterator would visit. */
	rib_iter_init(&it, rib);
	while ((n = rib_iter_next(&it))) {
		if (!(fam_of(&n->pfx) & fams) || !(old = rib_path_of(n, p)))
			continue;
		if (only_stale && !(old->flags & RIB_PATH_STALE))
			continue;
		if (cnt == cap) {
			cap *= 2;
			gone = xrealloc(gone, cap * sizeof(*gone));
		}
		gone[cnt++] = n->pfx;
	}
	for (size_t i = 0; i < cnt; i++)
		withdraw_prefix(p, &gone[i]);
	free(gone);
	return cnt;
}

size_t bgp_adjin_mark_stale(struct bgp_peer *p, uint8_t fams)
{
	struct rib_iter it;
	struct rib_node *n;
	struct rib_path *path;
	size_t cnt = 0;

	rib_iter_init(&it, &p->sp->rib);
	while ((n = rib_iter_next(&it))) {
		if ((fam_of(&n->pfx) & fams) && (path = rib_path_of(n, p))) {
			path->flags |= RIB_PATH_STALE;
			cnt++;
		}
	}
	return cnt;
}

/* ---- the sweep of a session that ended ---- */

/* A step's cost: a node visited 1, a path removed (decision, kernel, export) 4: a few ms. */
#define SWEEP_BUDGET 16384
#define SWEEP_PATH_COST 4

static size_t sweep_visit(struct rib_node *n, void *arg)
{
	struct bgp_peer *p = arg;
	struct rib_path *old;

	if (!(fam_of(&n->pfx) & p->sweep_fams) || !(old = rib_path_of(n, p)))
		return 1;
	count_out(p, old);
	struct prefix pfx = n->pfx; /* n may go */

	bgp_locrib_changed(p->sp, &pfx, rib_node_withdraw(&p->sp->rib, n, p));
	return SWEEP_PATH_COST;
}

int bgp_adjin_sweep_step(struct bgp_peer *p)
{
	if (!p->sweep_fams)
		return 0;
	if (!rib_walk(&p->sp->rib, &p->sweep_pos, SWEEP_BUDGET, sweep_visit, p)) {
		bgp_speaker_want_steps(p->sp);
		return 1;
	}
	log_debug("neighbor %s: its routes are gone from the RIB", bgp_session_name(p));
	p->sweep_fams = 0;
	return 0;
}

void bgp_adjin_sweep(struct bgp_peer *p, uint8_t fams)
{
	fams &= BGP_FAM_ALL;
	if (!fams)
		return;
	/* A sweep under way goes on with the families added, from the start: its earlier
	 * buckets may hold paths of those. */
	if ((p->sweep_fams | fams) != p->sweep_fams)
		p->sweep_pos = 0;
	p->sweep_fams |= fams;
	bgp_speaker_want_steps(p->sp);
}

void bgp_adjin_sweep_finish(struct bgp_peer *p)
{
	if (!p->sweep_fams)
		return;
	while (!rib_walk(&p->sp->rib, &p->sweep_pos, SIZE_MAX, sweep_visit, p))
		;
	p->sweep_fams = 0;
}

void bgp_adjin_clear(struct bgp_peer *p)
{
	p->sweep_fams = 0;
	struct rib *rib = &p->sp->rib;
	struct rib_iter it;
	struct rib_node *n;
	size_t cap = 64, cnt = 0;
	struct prefix *gone = xmalloc(cap * sizeof(*gone));

	/* Collect first: re-deciding may free nodes the iterator would visit. */
	rib_iter_init(&it, rib);
	while ((n = rib_iter_next(&it))) {
		if (!rib_path_of(n, p))
			continue;
		if (cnt == cap) {
			cap *= 2;
			gone = xrealloc(gone, cap * sizeof(*gone));
		}
		gone[cnt++] = n->pfx;
	}
	for (size_t i = 0; i < cnt; i++) {
		n = rib_lookup(rib, &gone[i]);
		bgp_locrib_changed(p->sp, &gone[i], n ? rib_node_withdraw(rib, n, p) : NULL);
	}
	p->n_paths = p->n_accepted = 0;
	free(gone);
}
