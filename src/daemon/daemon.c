/* anycastd: applies a configuration to the speaker and the services, and re-applies a changed
 * one on SIGHUP without touching what did not change. */
#include "daemon/daemon.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/refresh.h"
#include "daemon/bfd.h"
#include "daemon/checkreq.h"
#include "daemon/metrics.h"
#include "daemon/priv.h"
#include "daemon/alerts.h"
#include "daemon/checkreq.h"
#include "daemon/metrics.h"
#include "daemon/rov.h"
#include "kernel/kr.h"
#include "lib/log.h"

static uint32_t router_id_of(const struct conf *c)
{
	uint32_t id;

	memcpy(&id, c->router_id.a, 4);
	return ntohl(id);
}

/* ---- services ---- */

static int has_prefix(const struct prefix *v, size_t n, const struct prefix *p)
{
	for (size_t i = 0; i < n; i++)
		if (prefix_eq(&v[i], p))
			return 1;
	return 0;
}

static int has_addr(const struct addr *v, size_t n, const struct addr *a)
{
	for (size_t i = 0; i < n; i++)
		if (addr_eq(&v[i], a))
			return 1;
	return 0;
}

void daemon_sync_routes(struct daemon *d)
{
	struct prefix *want = NULL;
	struct addr *addrs = NULL;
	size_t nwant = 0, naddrs = 0, withdrawn = 0;
	char as[ADDR_STRLEN];

	for (size_t i = 0; i < d->nsvcs; i++) {
		const struct svc *s = &d->svcs[i];

		if (!s->announced)
			continue;
		want = xrealloc(want, (nwant + s->conf.nprefixes) * sizeof(*want));
		for (size_t j = 0; j < s->conf.nprefixes; j++)
			if (!has_prefix(want, nwant, &s->conf.prefixes[j]))
				want[nwant++] = s->conf.prefixes[j];
		if (addr_is_set(&s->conf.address) && !has_addr(addrs, naddrs, &s->conf.address)) {
			addrs = xrealloc(addrs, (naddrs + 1) * sizeof(*addrs));
			addrs[naddrs++] = s->conf.address;
		}
	}
	/* 1. The service address goes on lo before anyone is told to send traffic to it; a
	 * service whose address is not there is not announced (serve.c), and tried again on
	 * the next change. */
	d->naddr_failed = 0;
	for (size_t i = 0; i < naddrs;) {
		if (has_addr(d->addresses, d->naddresses, &addrs[i]) ||
		    daemon_addr_up(d, &addrs[i]) == 0) {
			i++;
			continue;
		}
		d->addr_failed = xrealloc(d->addr_failed,
					  (d->naddr_failed + 1) * sizeof(*d->addr_failed));
		d->addr_failed[d->naddr_failed++] = addrs[i];
		addrs[i] = addrs[--naddrs];
	}
	/* 2. Announce (a prefix belongs to one service: the parser refuses it in two); unchanged
	 * routes cause no UPDATE, since interned attributes compare equal. */
	nwant = 0;
	for (size_t i = 0; i < d->nsvcs; i++) {
		const struct svc *s = &d->svcs[i];

		if (!s->announced ||
		    (addr_is_set(&s->conf.address) && daemon_addr_failed(d, &s->conf.address)))
			continue;
		for (size_t j = 0; j < s->conf.nprefixes; j++)
			if (!has_prefix(want, nwant, &s->conf.prefixes[j]))
				want[nwant++] = s->conf.prefixes[j];
		for (size_t j = 0; j < s->conf.nprefixes; j++)
			bgp_speaker_originate(d->sp, &s->conf.prefixes[j], s->announced);
	}
	/* 3. Withdraw what no service announces any more... */
	for (size_t i = 0; i < d->noriginated; i++) {
		if (has_prefix(want, nwant, &d->originated[i]))
			continue;
		bgp_speaker_withdraw(d->sp, &d->originated[i]);
		withdrawn++;
	}
	/* 4. ...make sure the withdrawals are on the wire... */
	if (withdrawn)
		bgp_speaker_flush_now(d->sp);
	/* 5. ...and only then take the address away. */
	for (size_t i = 0; i < d->naddresses; i++) {
		if (has_addr(addrs, naddrs, &d->addresses[i]) || !d->kr)
			continue;
		kr_addr_del(d->kr, "lo", &d->addresses[i],
			    d->addresses[i].af == AF_INET ? 32 : 128);
		log_info("address %s removed from lo", addr_fmt(&d->addresses[i], as));
	}
	free(d->originated);
	d->originated = want;
	d->noriginated = nwant;
	free(d->addresses);
	d->addresses = addrs;
	d->naddresses = naddrs;
}

struct svc *daemon_find_svc(struct daemon *d, const char *name)
{
	for (size_t i = 0; i < d->nsvcs; i++)
		if (strcmp(d->svcs[i].name, name) == 0)
			return &d->svcs[i];
	return NULL;
}

/* The speaker's own_export_skip: a service's active `shed ... withdraw-from` holds its
 * prefixes back from that neighbour only. */
static int own_export_skip(struct bgp_speaker *sp, const struct bgp_peer *p,
			   const struct prefix *pfx, void *arg)
{
	struct daemon *d = arg;

	for (size_t i = 0; i < d->nsvcs; i++) {
		const struct svc *s = &d->svcs[i];

		for (size_t j = 0; j < s->conf.nprefixes; j++)
			if (prefix_eq(&s->conf.prefixes[j], pfx))
				return svc_withdrawn_from(s, &p->conf.addr);
	}
	return 0;
}

static void svc_changed(struct svc *s, void *arg)
{
	struct daemon *d = arg;

	daemon_sync_routes(d);
	/* A withdraw-from step may have changed with no attribute: each neighbour is asked again
	 * (one that was told the same hears nothing). */
	if (s->announced)
		for (size_t j = 0; j < s->conf.nprefixes; j++)
			bgp_speaker_reexport(d->sp, &s->conf.prefixes[j]);
}

static void svc_checked(struct svc *s, void *arg) { daemon_check_done(arg, s); }

/* Builds the service table for conf, carrying state over from old (by name). */
static void svcs_build(struct daemon *d, const struct conf *c, struct svc *old, size_t nold)
{
	d->svcs = xcalloc(c->nservices ? c->nservices : 1, sizeof(*d->svcs));
	d->nsvcs = c->nservices;
	for (size_t i = 0; i < c->nservices; i++) {
		struct svc *prev = NULL;

		for (size_t j = 0; j < nold; j++)
			if (strcmp(old[j].name, c->services[i].name) == 0)
				prev = &old[j];
		/* No apply callback for the first update: the caller syncs all services at once. */
		svc_init(&d->svcs[i], d->loop, &c->services[i], c->local_as, NULL, d, prev);
		svc_update(&d->svcs[i]);
		d->svcs[i].apply = svc_changed;
		d->svcs[i].checked = svc_checked;
	}
}

static void svcs_free(struct svc *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		svc_free(&v[i]);
	free(v);
}

/* ---- neighbours ---- */

static void peers_sync(struct daemon *d, const struct conf *c)
{
	struct bgp_speaker *sp = d->sp;

	/* Removed or changed neighbours go first, so a changed one is re-created below. */
	for (size_t i = 0; i < sp->npeers;) {
		struct bgp_peer *p = sp->peers[i];
		const struct conf_neighbor *nc = conf_find_neighbor(c, &p->conf.addr,
								    p->conf.ifname);
		char a[ADDR_STRLEN];

		/* Same, or only policy a route refresh applies (RFC 2918/7313): no reset. */
		if (nc && (!bgp_session_conf_differs(p, nc) || bgp_refresh_reconf(p, nc))) {
			i++;
			continue;
		}
		log_info("neighbor %s: %s", addr_fmt(&p->conf.addr, a),
			 nc ? "configuration changed, restarting the session" : "removed");
		if (nc) /* RFC 4486: Other Configuration Change */
			bgp_speaker_remove_peer(sp, p, BGP_CEASE_CONFIG_CHANGE,
						"configuration changed");
		else
			bgp_speaker_remove_peer(sp, p, BGP_CEASE_PEER_DECONF,
						"neighbor removed from the configuration");
	}
	for (size_t i = 0; i < c->nneighbors; i++)
		if (!bgp_speaker_find_peer(sp, &c->neighbors[i].addr, c->neighbors[i].ifname))
			bgp_speaker_add_peer(sp, &c->neighbors[i]);
}

/* ---- signals ---- */

static void on_term(int signo, void *arg)
{
	struct daemon *d = arg;

	log_info("%s: shutting down", strsignal(signo));
	ev_break(d->loop);
}

static void on_hup(int signo, void *arg)
{
	struct daemon *d = arg;
	char err[512];

	log_info("SIGHUP: reloading %s", d->conf_path);
	if (daemon_reload(d, err, sizeof(err)) < 0)
		log_err("reload failed, keeping the running configuration: %s", err);
}

/* ---- start, reload, stop ---- */

static void speaker_settings(struct bgp_speaker *sp, const struct conf *c)
{
	sp->transit = c->transit;
	sp->lp_customer = c->lp_customer;
	sp->lp_peer = c->lp_peer;
	sp->lp_provider = c->lp_provider;
	sp->rfc8212 = c->fib && c->rfc8212;
	sp->gshut_on = !c->gshut_off;
	sp->gshut_lp = c->gshut_lp;
}

/* Everything of the new speaker d->sp but its listeners, which the caller opened. Cannot fail. */
static void speaker_populate(struct daemon *d)
{
	const struct conf *c = &d->conf;

	speaker_settings(d->sp, c);
	d->sp->own_export_skip = own_export_skip;
	d->sp->own_export_arg = d;
	daemon_fib_start(d);
	for (size_t i = 0; i < c->nneighbors; i++)
		bgp_speaker_add_peer(d->sp, &c->neighbors[i]);
	daemon_bfd_sync(d, c);
	daemon_rov_apply(d, c);
	daemon_alerts_apply(d, c);
	svcs_build(d, c, NULL, 0);
	daemon_sync_routes(d);
}

int daemon_start(struct daemon *d, struct ev_loop *loop, const char *conf_path,
		 ctl_handler *commands, char *err, size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->commands = commands;
	d->conf_path = xstrdup(conf_path);
	d->started_at = ev_now(loop);
	if (conf_load(conf_path, &d->conf, err, errlen) < 0)
		return -1;
	d->ctl = ctl_listen(loop, d->conf.control, d->commands, d, err, errlen);
	if (!d->ctl)
		return -1;
	if (addr_is_set(&d->conf.metrics_addr)) {
		d->metrics = metrics_listen(d, &d->conf.metrics_addr, d->conf.metrics_port, err,
					    errlen);
		if (!d->metrics)
			return -1;
	}
	/* Netlink for the service addresses; without it (no CAP_NET_ADMIN) we still announce. */
	d->kr = kr_open(loop, err, errlen);
	if (!d->kr)
		log_warn("netlink unavailable, service addresses will not be managed: %s", err);
	else
		kr_set_protocol(d->kr, d->conf.priv.kernel_protocol);
	if (!daemon_gr_begin(d) && d->kr)
		kr_addr_flush_stale(d->kr, "lo");
	d->sp = bgp_speaker_new(d->loop, d->conf.local_as, router_id_of(&d->conf));
	if (bgp_speaker_listen(d->sp, d->conf.listen, d->conf.listen_ifname, d->conf.nlisten, err,
			       errlen) < 0)
		return -1;
	speaker_populate(d);
	daemon_watch_links(d);
	ev_signal_add(loop, SIGTERM, on_term, d);
	ev_signal_add(loop, SIGINT, on_term, d);
	ev_signal_add(loop, SIGHUP, on_hup, d);
	signal(SIGPIPE, SIG_IGN);
	log_info("anycastd started: AS %u, router-id %u.%u.%u.%u, %zu neighbors, %zu services",
		 d->conf.local_as, d->conf.router_id.a[0], d->conf.router_id.a[1],
		 d->conf.router_id.a[2], d->conf.router_id.a[3], d->conf.nneighbors,
		 d->conf.nservices);
	return 0;
}

/* A new identity: every session starts over (RFC 4271 has no way to change the AS or BGP
 * identifier of a running session) on nsp, which already listens where nc says. */
static void reload_identity(struct daemon *d, struct conf *nc, struct bgp_speaker *nsp)
{
	log_info("local-as or router-id changed: restarting every session");
	bgp_speaker_listen_move(nsp, d->sp, nc->listen, nc->listen_ifname, nc->nlisten);
	bgp_speaker_free(d->sp, "local AS or router ID changed");
	daemon_fail_check_reqs(d, d->svcs, d->nsvcs);
	svcs_free(d->svcs, d->nsvcs);
	d->svcs = NULL;
	d->nsvcs = 0;
	free(d->originated);
	d->originated = NULL;
	d->noriginated = 0;
	conf_free(&d->conf);
	d->conf = *nc;
	d->sp = nsp;
	speaker_populate(d);
}

int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct conf nc;
	struct ctl_server *ctl = NULL;
	struct bgp_speaker *nsp = NULL;

	if (conf_load(d->conf_path, &nc, err, errlen) < 0)
		return -1;
	int identity = nc.local_as != d->conf.local_as ||
		       !addr_eq(&nc.router_id, &d->conf.router_id);

	/* All or nothing: first what can fail (sockets), touching nothing that runs; then the
	 * changes, none of which can fail. */
	if (strcmp(nc.control, d->conf.control) != 0 &&
	    !(ctl = ctl_listen(d->loop, nc.control, d->commands, d, err, errlen)))
		goto fail;
	if (identity)
		nsp = bgp_speaker_new(d->loop, nc.local_as, router_id_of(&nc));
	if (bgp_speaker_listen_add(nsp ? nsp : d->sp, nc.listen, nc.listen_ifname, nc.nlisten,
				   nsp ? d->sp : NULL, err, errlen) < 0)
		goto fail;
	if (ctl) {
		ctl_close(d->ctl);
		d->ctl = ctl;
	}
	daemon_priv_reload(d, &nc);
	if (identity) {
		reload_identity(d, &nc, nsp);
		return 0;
	}
	bgp_speaker_listen_prune(d->sp, nc.listen, nc.listen_ifname, nc.nlisten);
	if (d->sp->transit != nc.transit || d->conf.fib != nc.fib ||
	    d->conf.multipath != nc.multipath || d->sp->lp_customer != nc.lp_customer ||
	    d->sp->lp_peer != nc.lp_peer || d->sp->lp_provider != nc.lp_provider ||
	    d->conf.rfc8212 != nc.rfc8212 || d->conf.gshut_off != nc.gshut_off ||
	    d->conf.gshut_lp != nc.gshut_lp) {
		/* Policy of every session changed: the simple, correct way is new sessions. */
		log_info("transit, fib, multipath or local-pref changed: restarting every session");
		while (d->sp->npeers)
			bgp_speaker_remove_peer(d->sp, d->sp->peers[0], BGP_CEASE_PEER_DECONF,
						"neighbor removed from the configuration");
		speaker_settings(d->sp, &nc);
		d->conf.fib = nc.fib;
		d->conf.multipath = nc.multipath;
		daemon_fib_start(d);
	}
	peers_sync(d, &nc);
	daemon_bfd_sync(d, &nc);
	daemon_rov_apply(d, &nc);
	daemon_alerts_apply(d, &nc);
	struct svc *old = d->svcs;
	size_t nold = d->nsvcs;

	svcs_build(d, &nc, old, nold);
	daemon_sync_routes(d);
	daemon_fail_check_reqs(d, old, nold);
	svcs_free(old, nold);
	/* Services now point into nc only; neighbours keep copies of their own. */
	conf_free(&d->conf);
	d->conf = nc;
	log_info("configuration reloaded: %zu neighbors, %zu services", d->conf.nneighbors,
		 d->conf.nservices);
	return 0;
fail:
	if (ctl)
		ctl_close(ctl);
	if (nsp)
		bgp_speaker_free(nsp, NULL);
	conf_free(&nc);
	return -1;
}

void daemon_stop(struct daemon *d)
{
	/* With graceful restart this is a planned restart: forwarding state stays (fib_gr.c). */
	int keep = daemon_gr_stop(d);

	/* Cease to every neighbour first: they drop our routes; then the addresses go. */
	bgp_speaker_free(d->sp, "anycastd shutting down");
	d->sp = NULL;
	daemon_bfd_free(d);
	daemon_rov_stop(d);
	daemon_alerts_stop(d);
	for (size_t i = 0; d->kr && !keep && i < d->naddresses; i++)
		kr_addr_del(d->kr, "lo", &d->addresses[i],
			    d->addresses[i].af == AF_INET ? 32 : 128);
	/* Routes we put in the kernel would forward to neighbours we no longer talk to. */
	if (d->kr && d->conf.fib && !keep)
		kr_flush_stale(d->kr);
	free(d->addresses);
	free(d->addr_failed);
	free(d->originated);
	daemon_fail_check_reqs(d, d->svcs, d->nsvcs);
	svcs_free(d->svcs, d->nsvcs);
	free(d->reqs);
	metrics_close(d->metrics);
	if (d->kr)
		kr_close(d->kr);
	ctl_close(d->ctl);
	d->ctl = NULL;
	conf_free(&d->conf);
	free(d->conf_path);
}
