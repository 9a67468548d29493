/* Graceful restart of a neighbour (see gr.h). */
#include "bgp/gr.h"

#include "bgp/adjin.h"
#include "bgp/capa.h"
#include "bgp/speaker.h"
#include "lib/log.h"

static uint8_t fams_of_caps(const struct bgp_caps *c, uint8_t bit)
{
	return ((c->gr_af[0] & bit) ? BGP_FAM_IPV4 : 0) | ((c->gr_af[1] & bit) ? BGP_FAM_IPV6 : 0);
}

static void sweep(struct bgp_peer *p, uint8_t fams, const char *why)
{
	fams &= p->gr_stale;
	if (!fams)
		return;
	p->gr_stale &= (uint8_t)~fams;
	size_t n = bgp_adjin_clear_fams(p, fams, 1);

	if (n)
		log_info("neighbor %s: %zu stale routes removed (%s)", bgp_session_name(p), n, why);
	if (!p->gr_stale)
		ev_timer_stop(p->env.loop, &p->gr_timer);
}

static void gr_expired(struct ev_timer *t, void *arg)
{
	struct bgp_peer *p = arg;

	(void)t;
	sweep(p, BGP_FAM_ALL,
	      p->state == BGP_ESTABLISHED ? "no End-of-RIB in time" : "restart time passed");
}

void bgp_gr_init(struct bgp_peer *p) { ev_timer_init(&p->gr_timer, gr_expired, p); }

void bgp_gr_forget(struct bgp_peer *p)
{
	ev_timer_stop(p->env.loop, &p->gr_timer);
	p->gr_stale = 0;
}

uint8_t bgp_gr_down(struct bgp_peer *p)
{
	uint8_t fams = p->gr_peer_fams;

	p->eor_received = 0;
	if (!p->conf.graceful_restart || p->down_notified || p->admin_down || !fams)
		return 0;
	/* Paths still stale from before count as stale again; the timer starts over. */
	p->gr_stale = fams;
	size_t n = bgp_adjin_mark_stale(p, fams);

	log_info("neighbor %s: graceful restart: keeping %zu routes for %us", bgp_session_name(p),
		 n, p->gr_peer_time);
	ev_timer_start(p->env.loop, &p->gr_timer, (uint64_t)p->gr_peer_time * 1000);
	return fams;
}

void bgp_gr_up(struct bgp_peer *p)
{
	const struct bgp_caps *c = &p->conn->open.caps;

	p->eor_received = 0;
	/* The Restart State bit is for the first session after our restart only: one that resets
	 * later, while this process lives, has nothing to recover (RFC 4724 sec 3). */
	p->gr_restarting = 0;
	p->gr_peer_fams = c->gr && p->conf.graceful_restart ? fams_of_caps(c, BGP_GR_AF_PRESENT)
							    : 0;
	p->gr_peer_time = c->gr_time;
	if (!p->gr_stale)
		return;
	/* RFC 4724 sec 4.2: a family it did not keep forwarding (no F bit, or no capability at
	 * all now) goes at once; the others wait for End-of-RIB, at most our restart time. */
	uint8_t keep = c->gr ? fams_of_caps(c, BGP_GR_AF_FORWARDING) : 0;

	sweep(p, (uint8_t)~keep, "forwarding state not kept");
	if (p->gr_stale)
		ev_timer_start(p->env.loop, &p->gr_timer, (uint64_t)p->conf.gr_time * 1000);
}

void bgp_gr_eor(struct bgp_peer *p, uint16_t afi)
{
	uint8_t f = bgp_fam_of_afi(afi);

	p->eor_received |= f;
	sweep(p, f, "End-of-RIB");
	if (p->sp && p->sp->eor_event)
		p->sp->eor_event(p->sp, p, p->sp->peer_arg);
}
