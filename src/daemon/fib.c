/* Router mode (`fib yes`): best routes into the kernel, and sessions that follow their links. */
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "bgp/nexthop.h"
#include "daemon/alerts.h"
#include "daemon/daemon.h"
#include "kernel/kr.h"
#include "lib/log.h"

/* The best path, or with `multipath yes` every path as good as the best (RFC 4271 9.1.2.2
 * up to the router-id tie-break), installed as one route; our own routes are not installed:
 * the service is local. */
static void best_changed(struct bgp_speaker *sp, const struct prefix *pfx, const struct rib_node *n,
			 void *arg)
{
	struct daemon *d = arg;
	struct kr_nexthop nh[KR_MAX_NEXTHOPS];
	size_t nnh = 0;

	/* Hijack alarms look at every change, in either mode. */
	daemon_alerts_route(d, pfx, n);
	if (!d->kr || !d->conf.fib)
		return;

	for (const struct rib_path *p = n ? n->paths : NULL; p && nnh < KR_MAX_NEXTHOPS;
	     p = p->next) {
		if (!p->src || !(p->best || (d->conf.multipath && p->ecmp)))
			continue;
		if (!p->best && !d->conf.multipath)
			continue;
		memset(&nh[nnh], 0, sizeof(nh[nnh]));
		/* IPv6: a link-local next hop needs its interface; the global one does not. The
		 * link-local one is on the neighbour's link for sure, so it is preferred when the
		 * interface is known (an IPv4 route via it too: RFC 8950, RTA_VIA). */
		nh[nnh].gw = p->attrs->nexthop;
		if (p->src->ifindex && bgp_addr_is_link_local(&p->attrs->nexthop_ll))
			nh[nnh].gw = p->attrs->nexthop_ll;
		if (bgp_addr_is_link_local(&nh[nnh].gw))
			nh[nnh].ifindex = p->src->ifindex;
		if (!addr_is_set(&nh[nnh].gw))
			continue;
		/* The best path first: the kernel lists it first. */
		if (p->best && nnh > 0) {
			struct kr_nexthop t = nh[0];

			nh[0] = nh[nnh];
			nh[nnh] = t;
		}
		nnh++;
	}
	if (nnh)
		kr_route_replace(d->kr, pfx, nh, nnh);
	else
		kr_route_delete(d->kr, pfx);
}

static void link_changed(int ifindex, int up, void *arg)
{
	struct daemon *d = arg;

	if (up)
		return;
	/* A neighbour behind a link that went down cannot be reached: waiting for the hold timer
	 * would blackhole traffic for up to hold-time seconds. */
	for (size_t i = 0; i < d->sp->npeers; i++) {
		struct bgp_peer *p = d->sp->peers[i];

		/* The interface was learnt when the session came up: by now the kernel may have
		 * dropped the connected route that would tell. */
		if (p->state != BGP_ESTABLISHED || !p->ifindex || p->ifindex != ifindex)
			continue;
		bgp_session_reset(p, "link down");
	}
}

static void peer_event(struct bgp_speaker *sp, struct bgp_peer *p, int up, void *arg)
{
	struct daemon *d = arg;

	p->ifindex = up && d->kr ? kr_ifindex_for(d->kr, &p->conf.addr) : 0;
	if (up && p->conf.ifname[0])
		p->ifindex = (int)if_nametoindex(p->conf.ifname);
}

void daemon_watch_links(struct daemon *d)
{
	/* Link state matters on a site too: its sessions are what announce the service. */
	if (d->kr)
		kr_watch_links(d->kr, link_changed, d);
}

void daemon_fib_start(struct daemon *d)
{
	struct bgp_speaker *sp = d->sp;

	sp->peer_event = peer_event;
	sp->peer_arg = d;
	sp->eor_event = daemon_gr_eor;
	sp->gr_restarting = d->gr_active;
	/* Routes an earlier instance left (a crash, or fib turned off) are not ours to keep,
	 * unless we restart gracefully: then they go only once replaced (fib_gr.c). */
	if (d->kr && !(d->gr_active && d->conf.fib))
		kr_flush_stale(d->kr);
	sp->best_changed = best_changed;
	sp->best_arg = d;
}
