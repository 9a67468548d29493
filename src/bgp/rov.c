/* Route origin validation of the speaker's paths (see rov.h). */
#include "bgp/rov.h"

#include <stdlib.h>

#include "bgp/locrib.h"
#include "bgp/proto.h"
#include "bgp/speaker.h"
#include "lib/log.h"

/* The reasons other than origin validation that keep a path rejected (policy.h, adjin.c). */
#define OTHER_REJECTS (RIB_PATH_LOOP | RIB_PATH_FILTERED | RIB_PATH_LEAK)

uint32_t bgp_rov_origin(const struct bgp_attrs *a, uint32_t local_as)
{
	uint32_t origin = local_as;

	for (size_t off = 0; off + 2 <= a->aspath_len;) {
		uint8_t type = a->aspath[off], cnt = a->aspath[off + 1];

		if (off + 2 + cnt * 4u > a->aspath_len)
			break;
		if (type == BGP_ASSEG_SET)
			origin = ROV_ORIGIN_NONE;
		else if (type == BGP_ASSEG_SEQUENCE && cnt > 0)
			origin = get32(a->aspath + off + 2 + (cnt - 1) * 4u);
		off += 2 + cnt * 4u;
	}
	return origin;
}

enum rov_state bgp_rov_state(const struct bgp_speaker *sp, const struct prefix *pfx,
			     const struct bgp_attrs *a)
{
	/* No VRP at all (no rpki, or none yet): every route is not-found, without walking the
	 * table or the AS path (that was 18% of a full table's import, bench/RESULTS.md). */
	if (!sp->vrps || vrp_count(sp->vrps) == 0)
		return ROV_NOT_FOUND;
	return vrp_validate(sp->vrps, pfx, bgp_rov_origin(a, sp->local_as));
}

uint8_t bgp_rov_flags(const struct bgp_peer *p, enum rov_state s)
{
	return s == ROV_INVALID && p->conf.rov == CONF_ROV_REJECT ? RIB_PATH_ROV | RIB_PATH_REJECTED
								  : 0;
}

/* Judges one path again; 1 when its state or flags changed. */
static int rejudge(struct bgp_speaker *sp, const struct rib_node *n, struct rib_path *path)
{
	enum rov_state s = bgp_rov_state(sp, &n->pfx, path->attrs);
	uint8_t flags = path->flags & (uint8_t) ~(RIB_PATH_ROV | RIB_PATH_REJECTED);
	int was_rejected = path->flags & RIB_PATH_REJECTED;

	if (flags & OTHER_REJECTS)
		flags |= RIB_PATH_REJECTED;
	flags |= bgp_rov_flags(path->src, s);
	if (flags == path->flags && s == path->rov)
		return 0;
	if (!was_rejected != !(flags & RIB_PATH_REJECTED)) {
		if (flags & RIB_PATH_REJECTED)
			path->src->n_accepted--;
		else
			path->src->n_accepted++;
	}
	path->flags = flags;
	path->rov = (uint8_t)s;
	return 1;
}

size_t bgp_rov_revalidate(struct bgp_speaker *sp, const struct vrp_table *changed,
			  const struct bgp_peer *only)
{
	struct rib_iter it;
	struct rib_node *n;
	size_t cnt = 0, cap = 0;
	struct prefix *redo = NULL;

	if (changed && vrp_count(changed) == 0)
		return 0;
	/* Judge first, decide after: deciding exports, and export must see a RIB whose paths
	 * are all judged against the same VRPs. */
	rib_iter_init(&it, &sp->rib);
	while ((n = rib_iter_next(&it))) {
		int any = 0;

		if (changed && vrp_covering(changed, &n->pfx, NULL, 0) == 0)
			continue;
		for (struct rib_path *p = n->paths; p; p = p->next)
			if (p->src && (!only || p->src == only))
				any |= rejudge(sp, n, p);
		if (!any)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 64;
			redo = xrealloc(redo, cap * sizeof(*redo));
		}
		redo[cnt++] = n->pfx;
	}
	for (size_t i = 0; i < cnt; i++)
		bgp_locrib_changed(sp, &redo[i], rib_lookup(&sp->rib, &redo[i]));
	free(redo);
	return cnt;
}
