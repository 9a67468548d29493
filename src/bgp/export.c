/* Export: what each neighbour is told about a prefix. */
#include <string.h>

#include "bgp/speaker.h"

static const struct rib_path *best_path(const struct rib_node *n)
{
	for (const struct rib_path *p = n->paths; p; p = p->next)
		if (p->best)
			return p;
	return NULL;
}

const struct bgp_attrs *bgp_export_attrs(struct bgp_speaker *sp, struct bgp_peer *p,
					 const struct rib_node *n)
{
	const struct rib_path *best = best_path(n);
	struct bgp_conn *c = p->conn;

	if (!best || !c || c->state != BGP_ESTABLISHED)
		return NULL;
	/* Never back to where it came from. */
	if (best->src == p)
		return NULL;
	/* In node mode only our own services are announced; transit is the router's job. */
	if (best->src && !sp->transit)
		return NULL;
	int ebgp = p->ctx.ebgp;

	/* RFC 4271 9.2: routes learnt over iBGP are not passed to iBGP neighbours. */
	if (best->src && !ebgp && best->src->conf.remote_as == sp->local_as)
		return NULL;
	/* One family per session, with a next hop of that family: our end of the connection. */
	if (n->pfx.addr.af != c->local.af)
		return NULL;
	if (n->pfx.addr.af == AF_INET ? !p->ctx.mp_ipv4 : !p->ctx.mp_ipv6)
		return NULL;

	struct bgp_attrs a;

	bgp_attrs_copy(&a, best->attrs);
	a.nexthop = c->local;
	memset(&a.nexthop_ll, 0, sizeof(a.nexthop_ll));
	if (ebgp) {
		/* RFC 4271 5.1.2: prepend our AS; LOCAL_PREF stays inside the AS (5.1.5), and a MED
		 * learnt from another AS is not passed on (5.1.4). */
		bgp_attrs_prepend(&a, sp->local_as, 1);
		a.has &= ~BGP_AH_LOCAL_PREF;
		if (best->src)
			a.has &= ~BGP_AH_MED;
	} else if (!(a.has & BGP_AH_LOCAL_PREF)) {
		a.has |= BGP_AH_LOCAL_PREF;
		a.local_pref = 100;
	}
	const struct bgp_attrs *out = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return out;
}
