/* Import policy and business relations: what a neighbour is to us (RFC 9234 roles), the
 * LOCAL_PREF that follows from it (Gao-Rexford: customer over peer over provider), and the
 * Only-to-Customer attribute that stops route leaks (RFC 9234 section 5). */
#include <string.h>

#include "bgp/policy.h"
#include "bgp/speaker.h"

enum bgp_rel bgp_peer_rel(const struct bgp_peer *p)
{
	/* conf.role is OUR role on this session; the neighbour is the other side of it. */
	switch (p->conf.role) {
	case BGP_ROLE_PROVIDER: return BGP_REL_CUSTOMER;
	case BGP_ROLE_RS: return BGP_REL_CUSTOMER; /* an rs-client: served like a customer */
	case BGP_ROLE_CUSTOMER: return BGP_REL_PROVIDER;
	case BGP_ROLE_PEER: return BGP_REL_PEER;
	case BGP_ROLE_RS_CLIENT: return BGP_REL_PEER; /* a route server: like a peer */
	}
	return BGP_REL_NONE;
}

const char *bgp_rel_name(enum bgp_rel r)
{
	switch (r) {
	case BGP_REL_CUSTOMER: return "customer";
	case BGP_REL_PEER: return "peer";
	case BGP_REL_PROVIDER: return "provider";
	case BGP_REL_NONE: break;
	}
	return "none";
}

int bgp_prefix_allowed(const struct conf_prefix_filter *f, size_t n, const struct prefix *pfx)
{
	if (n == 0)
		return 1;
	for (size_t i = 0; i < n; i++)
		if (f[i].or_longer ? prefix_contains(&f[i].pfx, pfx) : prefix_eq(&f[i].pfx, pfx))
			return 1;
	return 0;
}

uint8_t bgp_import_attrs(struct bgp_speaker *sp, struct bgp_peer *p, struct bgp_attrs *a)
{
	uint8_t flags = 0;
	uint8_t role = p->conf.role;
	enum bgp_rel rel = bgp_peer_rel(p);

	/* RFC 4271 9.1.2: a path with our own AS in it is a loop; kept visible, never used. */
	if (bgp_aspath_contains(a, sp->local_as))
		flags |= RIB_PATH_REJECTED | RIB_PATH_LOOP;
	if (role != BGP_ROLE_NONE) {
		int has_otc = (a->has & BGP_AH_OTC) != 0;

		/* RFC 9234 5, ingress 1 and 2: OTC from a customer or rs-client, or from a peer
		 * naming another AS, means the route leaked. */
		if (has_otc && (role == BGP_ROLE_PROVIDER || role == BGP_ROLE_RS))
			flags |= RIB_PATH_REJECTED | RIB_PATH_LEAK;
		if (has_otc && role == BGP_ROLE_PEER && a->otc != p->conf.remote_as)
			flags |= RIB_PATH_REJECTED | RIB_PATH_LEAK;
		/* Ingress 3: from a provider, peer or route server it may go to customers only. */
		if (!has_otc && (role == BGP_ROLE_CUSTOMER || role == BGP_ROLE_PEER ||
				 role == BGP_ROLE_RS_CLIENT)) {
			a->has |= BGP_AH_OTC;
			a->otc = p->conf.remote_as;
		}
	}
	/* LOCAL_PREF: set by us for every eBGP route (RFC 4271 5.1.5), from the relation. */
	if (p->ctx.ebgp) {
		uint32_t lp = 100;

		switch (rel) {
		case BGP_REL_CUSTOMER: lp = sp->lp_customer; break;
		case BGP_REL_PEER: lp = sp->lp_peer; break;
		case BGP_REL_PROVIDER: lp = sp->lp_provider; break;
		case BGP_REL_NONE: break;
		}
		if (p->conf.local_pref)
			lp = p->conf.local_pref;
		a->has |= BGP_AH_LOCAL_PREF;
		a->local_pref = lp;
	}
	/* RFC 8326 sec 4.2: a path being drained loses to every other, before it is gone. */
	if (sp->gshut_on && bgp_attrs_has_comm(a, BGP_COMM_GRACEFUL_SHUTDOWN)) {
		a->has |= BGP_AH_LOCAL_PREF;
		a->local_pref = sp->gshut_lp;
	}
	/* RFC 8212: an eBGP neighbour with no role and no import policy is not listened to. */
	if (p->ctx.ebgp && sp->rfc8212 && role == BGP_ROLE_NONE && !p->conf.nimport_allow)
		flags |= RIB_PATH_REJECTED | RIB_PATH_FILTERED;
	return flags;
}
