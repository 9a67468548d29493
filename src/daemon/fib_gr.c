/* Graceful restart of anycastd itself (RFC 4724, the restarting speaker; bgp/gr.h is the
 * neighbour's side). With `graceful-restart yes` on any neighbour:
 *
 * - A stop (SIGTERM) is a planned restart: neighbours with graceful restart see the connection
 *   close without a NOTIFICATION, so they keep our routes for our restart time; the kernel
 *   routes and the service addresses on lo stay, so traffic keeps flowing. A kill -9 leaves the
 *   same state behind.
 * - At start, the routes and addresses of our protocol number that an earlier instance left are
 *   taken over instead of flushed: a route re-learnt replaces its old self in place
 *   (NLM_F_REPLACE), and only when every neighbour has sent End-of-RIB for its families (or the
 *   longest restart time has passed) is what was not learnt again removed. Only a start that
 *   finds such state (routes or addresses of our protocol, or the restart mark a stopping
 *   instance left, bgp/restart_mark.h) is a restart: then each neighbour's first OPEN carries
 *   the Restart State bit; a first start, or a session that resets later, sends it clear.
 *
 * Why a file: the start, the stop and the End-of-RIB events meet here and nowhere else. */
#include <stdio.h>
#include <string.h>

#include "bgp/adjin.h"
#include "bgp/restart_mark.h"
#include "daemon/daemon.h"
#include "kernel/kr.h"
#include "lib/log.h"

static uint16_t gr_time(const struct conf *c)
{
	uint16_t t = 0;

	for (size_t i = 0; i < c->nneighbors; i++)
		if (c->neighbors[i].graceful_restart && c->neighbors[i].gr_time > t)
			t = c->neighbors[i].gr_time;
	return t; /* 0: no neighbour has graceful restart */
}

/* A route the RIB would install now: its kernel route was replaced, it stays. */
static int keep_route(const struct prefix *pfx, void *arg)
{
	struct daemon *d = arg;
	const struct rib_node *n = rib_lookup(&d->sp->rib, pfx);

	for (const struct rib_path *p = n ? n->paths : NULL; p; p = p->next)
		if (p->src && p->best)
			return 1;
	return 0;
}

static int keep_addr(const struct addr *a, void *arg)
{
	struct daemon *d = arg;

	for (size_t i = 0; i < d->naddresses; i++)
		if (addr_eq(&d->addresses[i], a))
			return 1;
	return 0;
}

static void gr_finish(struct daemon *d, const char *why)
{
	int routes = 0, addrs = 0;

	if (!d->gr_active)
		return;
	d->gr_active = 0;
	ev_timer_stop(d->loop, &d->gr_timer);
	d->sp->gr_restarting = 0;
	for (size_t i = 0; i < d->sp->npeers; i++)
		d->sp->peers[i]->gr_restarting = 0;
	if (d->kr && d->conf.fib)
		routes = kr_flush_stale_except(d->kr, keep_route, d);
	if (d->kr)
		addrs = kr_addr_flush_stale_except(d->kr, "lo", keep_addr, d);
	log_info("graceful restart done (%s): %d stale kernel routes and %d addresses removed", why,
		 routes > 0 ? routes : 0, addrs > 0 ? addrs : 0);
}

static void gr_expired(struct ev_timer *t, void *arg)
{
	(void)t;
	gr_finish(arg, "restart time passed");
}

void daemon_gr_eor(struct bgp_speaker *sp, struct bgp_peer *p, void *arg)
{
	struct daemon *d = arg;

	(void)p;
	if (!d->gr_active)
		return;
	for (size_t i = 0; i < sp->npeers; i++) {
		const struct bgp_peer *q = sp->peers[i];
		uint8_t want = (q->ctx.mp_ipv4 ? BGP_FAM_IPV4 : 0) |
			       (q->ctx.mp_ipv6 ? BGP_FAM_IPV6 : 0);

		if (q->state != BGP_ESTABLISHED || (q->eor_received & want) != want)
			return;
	}
	gr_finish(d, "End-of-RIB from every neighbor");
}

/* The restart mark next to the control socket (restart_mark.h). */
static void mark_path(const struct daemon *d, char *path, size_t len)
{
	snprintf(path, len, "%s.restart", d->conf.control);
}

int daemon_gr_begin(struct daemon *d)
{
	uint16_t t = gr_time(&d->conf);
	char path[4096];
	int marked = 0, routes = 0, addrs = 0;

	ev_timer_init(&d->gr_timer, gr_expired, d);
	d->gr_mark_fd = -1;
	if (!t)
		return 0;
	mark_path(d, path, sizeof(path));
	d->gr_mark_fd = bgp_restart_mark_open(path, t, &marked);
	if (d->kr) {
		routes = kr_count_stale(d->kr);
		addrs = kr_addr_count_stale(d->kr, "lo");
	}
	if (!marked && routes <= 0 && addrs <= 0) {
		log_info("graceful restart: a first start (no forwarding state left by an earlier "
			 "instance): Restart State bit clear");
		return 0;
	}
	d->gr_active = 1;
	ev_timer_start(d->loop, &d->gr_timer, (uint64_t)t * 1000);
	log_info("graceful restart: restarted (%d kernel routes, %d addresses%s): Restart State "
		 "bit set; keeping what an earlier instance left in the kernel until End-of-RIB "
		 "from every neighbor, at most %us",
		 routes > 0 ? routes : 0, addrs > 0 ? addrs : 0, marked ? ", restart mark" : "", t);
	return 1;
}

int daemon_gr_stop(struct daemon *d)
{
	struct bgp_speaker *sp = d->sp;
	size_t n = 0;

	ev_timer_stop(d->loop, &d->gr_timer);
	d->gr_active = 0;
	int mark = d->gr_mark_fd > 0 ? d->gr_mark_fd : -1; /* 0: daemon_gr_begin never ran */

	d->gr_mark_fd = -1;
	if (!gr_time(&d->conf)) {
		bgp_restart_mark_close(mark);
		return 0;
	}
	bgp_restart_mark_stopping(mark);
	/* Nothing we leave is taken out of the kernel: not as neighbours' routes leave the RIB
	 * below, not at exit. */
	sp->best_changed = NULL;
	for (size_t i = 0; i < sp->npeers;) {
		struct bgp_peer *p = sp->peers[i];

		if (!p->conf.graceful_restart) {
			i++;
			continue;
		}
		bgp_speaker_remove_peer(sp, p, 0, NULL);
		n++;
	}
	log_info("graceful restart: %zu sessions closed without NOTIFICATION; kernel routes and "
		 "service addresses kept",
		 n);
	return 1;
}
