/* Export: what each neighbour is told about a prefix (RFC 4271 9.1.3 and 5.1, RFC 9234 5,
 * Gao-Rexford export rules). */
#include "bgp/export.h"

#include <string.h>

#include "bgp/nexthop.h"
#include "bgp/policy.h"
#include "bgp/speaker.h"

static const struct rib_path *best_path(const struct rib_node *n)
{
	for (const struct rib_path *p = n->paths; p; p = p->next)
		if (p->best)
			return p;
	return NULL;
}

/* Gao-Rexford: our own routes and our customers' go to everyone; what peers and providers
 * give us goes to customers only (nobody carries traffic for free). A neighbour without a
 * role has no known relation and is not restricted. */
static int relation_allows(const struct rib_path *best, const struct bgp_peer *to)
{
	if (!best->src)
		return 1;
	enum bgp_rel from = bgp_peer_rel(best->src), dst = bgp_peer_rel(to);

	if (from != BGP_REL_PEER && from != BGP_REL_PROVIDER)
		return 1;
	return dst == BGP_REL_CUSTOMER || dst == BGP_REL_NONE;
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
	/* Our own route, held back from this neighbour by its owner (speaker.h). */
	if (!best->src && sp->own_export_skip &&
	    sp->own_export_skip(sp, p, &n->pfx, sp->own_export_arg))
		return NULL;
	/* On a site only our own services are announced; transit is a router's job. */
	if (best->src && !sp->transit)
		return NULL;
	int ebgp = p->ctx.ebgp;

	/* RFC 4271 9.2: routes learnt over iBGP are not passed to iBGP neighbours. */
	if (best->src && !ebgp && !best->src->ctx.ebgp)
		return NULL;
	/* A family negotiated on this session, with a next hop it can use (nexthop.h). */
	struct addr nh, ll;

	if (bgp_nexthop_for(p, n->pfx.addr.af, &nh, &ll) < 0)
		return NULL;
	/* RFC 8212: with no role and no export policy an eBGP neighbour is told nothing. */
	if (ebgp && sp->rfc8212 && p->conf.role == BGP_ROLE_NONE && !p->conf.nexport_allow)
		return NULL;
	if (!relation_allows(best, p))
		return NULL;
	if (!bgp_prefix_allowed(p->conf.export_allow, p->conf.nexport_allow, &n->pfx))
		return NULL;
	uint8_t role = p->conf.role;

	/* RFC 9234 5, egress 1: a route marked Only-to-Customer never goes up or sideways. */
	if ((best->attrs->has & BGP_AH_OTC) &&
	    (role == BGP_ROLE_CUSTOMER || role == BGP_ROLE_PEER || role == BGP_ROLE_RS_CLIENT))
		return NULL;

	struct bgp_attrs a;

	bgp_attrs_copy(&a, best->attrs);
	a.nexthop = nh;
	a.nexthop_ll = ll;
	if (ebgp) {
		/* RFC 4271 5.1.2: prepend our AS (and any configured extra copies); LOCAL_PREF
		 * stays inside the AS (5.1.5); a MED learnt from another AS is not passed on, nor
		 * are non-transitive extended communities. */
		bgp_attrs_prepend(&a, sp->local_as, 1 + p->conf.prepend);
		a.has &= ~BGP_AH_LOCAL_PREF;
		if (best->src)
			a.has &= ~BGP_AH_MED;
		bgp_attrs_strip_nontransitive_ecomms(&a); /* RFC 4360 sec 2: they stay in the AS */
		/* Egress 2: towards a customer, peer or rs-client, mark it Only-to-Customer. */
		if (!(a.has & BGP_AH_OTC) &&
		    (role == BGP_ROLE_PROVIDER || role == BGP_ROLE_PEER || role == BGP_ROLE_RS)) {
			a.has |= BGP_AH_OTC;
			a.otc = sp->local_as;
		}
	} else if (!(a.has & BGP_AH_LOCAL_PREF)) {
		a.has |= BGP_AH_LOCAL_PREF;
		a.local_pref = 100;
	}
	const struct bgp_attrs *out = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return out;
}
