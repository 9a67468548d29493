/* Route refresh, asked and answered (see refresh.h). */
#include "bgp/refresh.h"

#include <stdlib.h>
#include <string.h>

#include "bgp/adjin.h"
#include "bgp/adjout.h"
#include "bgp/speaker.h"
#include "lib/log.h"

static int allow_eq(const struct conf_prefix_filter *a, size_t na,
		    const struct conf_prefix_filter *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

/* Replaces the list *dst (n entries) by a copy of src. */
static void allow_set(struct conf_prefix_filter **dst, size_t *n,
		      const struct conf_prefix_filter *src, size_t nsrc)
{
	free(*dst);
	*dst = xmalloc((nsrc ? nsrc : 1) * sizeof(**dst));
	if (nsrc)
		memcpy(*dst, src, nsrc * sizeof(**dst));
	*n = nsrc;
}

static void ask(struct bgp_peer *p, uint16_t afi)
{
	bgp_refresh_encode(&p->conn->wbuf, afi, BGP_SAFI_UNICAST);
	p->refreshes_out++;
}

int bgp_refresh_reconf(struct bgp_peer *p, const struct conf_neighbor *nc)
{
	struct conf_neighbor t = *nc;
	int up = p->state == BGP_ESTABLISHED && p->conn;

	/* Everything but the policy must be the same. */
	t.import_allow = p->conf.import_allow;
	t.nimport_allow = p->conf.nimport_allow;
	t.export_allow = p->conf.export_allow;
	t.nexport_allow = p->conf.nexport_allow;
	t.local_pref = p->conf.local_pref;
	t.prepend = p->conf.prepend;
	if (bgp_session_conf_differs(p, &t))
		return 0;
	int imp = !allow_eq(p->conf.import_allow, p->conf.nimport_allow, nc->import_allow,
			    nc->nimport_allow) ||
		  p->conf.local_pref != nc->local_pref;
	int exp = !allow_eq(p->conf.export_allow, p->conf.nexport_allow, nc->export_allow,
			    nc->nexport_allow) ||
		  p->conf.prepend != nc->prepend;

	if (imp && up && !p->conn->open.caps.route_refresh)
		return 0; /* it cannot re-send: only a new session brings the routes again */
	allow_set(&p->conf.import_allow, &p->conf.nimport_allow, nc->import_allow,
		  nc->nimport_allow);
	allow_set(&p->conf.export_allow, &p->conf.nexport_allow, nc->export_allow,
		  nc->nexport_allow);
	p->conf.local_pref = nc->local_pref;
	p->conf.prepend = nc->prepend;
	if (!up)
		return 1;
	if (imp) {
		log_info("neighbor %s: import policy changed: sending ROUTE-REFRESH",
			 bgp_session_name(p));
		if (p->ctx.mp_ipv4)
			ask(p, BGP_AFI_IPV4);
		if (p->ctx.mp_ipv6)
			ask(p, BGP_AFI_IPV6);
		bgp_session_send(p);
	}
	if (exp) {
		struct rib_iter it;
		struct rib_node *n;

		log_info("neighbor %s: export policy changed: updating what it was sent",
			 bgp_session_name(p));
		rib_iter_init(&it, &p->sp->rib);
		while ((n = rib_iter_next(&it)))
			bgp_adjout_export(p, n);
		/* Prefixes it was sent that the RIB no longer holds cannot be left; there are none:
		 * the Adj-RIB-Out only holds what some RIB node exported. */
	}
	return 1;
}

void bgp_refresh_answer(struct bgp_peer *p, uint16_t afi, uint8_t safi)
{
	uint8_t f = bgp_fam_of_afi(afi);

	if (!f || safi != BGP_SAFI_UNICAST || !p->conn)
		return;
	/* RFC 7313 sec 4: BoRR now, the routes as queued, EoRR after them (adjout.c). */
	if (p->conn->open.caps.enhanced_refresh) {
		bgp_refresh_encode_sub(&p->conn->wbuf, afi, BGP_RR_BORR, BGP_SAFI_UNICAST);
		p->eorr_pending |= f;
	}
	bgp_adjout_refresh(p, afi);
}

void bgp_refresh_mark(struct bgp_peer *p, uint16_t afi, int end)
{
	uint8_t f = bgp_fam_of_afi(afi);

	if (!f)
		return;
	if (!end) {
		p->rr_stale |= f;
		bgp_adjin_mark_stale(p, f);
		return;
	}
	if (!(p->rr_stale & f))
		return; /* an EoRR without its BoRR: nothing was marked */
	p->rr_stale &= (uint8_t)~f;
	size_t n = bgp_adjin_clear_fams(p, f, 1);

	if (n)
		log_info("neighbor %s: %zu routes not re-announced in the route refresh removed",
			 bgp_session_name(p), n);
}
