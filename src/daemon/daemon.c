/* anycastd: applies a configuration to the speaker and the services, and re-applies a changed
 * one on SIGHUP without touching what did not change. */
#include "daemon/daemon.h"

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

static uint32_t router_id_of(const struct conf *c)
{
	uint32_t id;

	memcpy(&id, c->router_id.a, 4);
	return ntohl(id);
}

/* ---- services ---- */

static void svcs_free(struct daemon *d)
{
	for (size_t i = 0; i < d->nsvcs; i++)
		bgp_attrs_unref(d->svcs[i].attrs);
	free(d->svcs);
	d->svcs = NULL;
	d->nsvcs = 0;
}

/* Builds the service table for conf. A service with no check is always up. */
static void svcs_build(struct daemon *d, const struct conf *c)
{
	d->svcs = xcalloc(c->nservices ? c->nservices : 1, sizeof(*d->svcs));
	d->nsvcs = c->nservices;
	for (size_t i = 0; i < c->nservices; i++) {
		struct svc *s = &d->svcs[i];

		s->conf = c->services[i];
		s->name = s->conf.name;
		s->state = SVC_UP;
		s->attrs = svc_attrs(&s->conf, c->local_as);
	}
}

/* Is pfx announced, and with which attributes, by the service table? */
static const struct bgp_attrs *svcs_announce(const struct daemon *d, const struct prefix *pfx)
{
	for (size_t i = 0; i < d->nsvcs; i++) {
		const struct svc *s = &d->svcs[i];

		if (s->state == SVC_DOWN)
			continue;
		for (size_t j = 0; j < s->conf.nprefixes; j++)
			if (prefix_eq(&s->conf.prefixes[j], pfx))
				return s->attrs;
	}
	return NULL;
}

/* Makes our originated routes match the service table: withdraw what is no longer announced
 * (old table), originate what is (new table). Unchanged routes keep their interned attributes,
 * so they cause no UPDATE. */
static void svcs_sync(struct daemon *d, const struct svc *old, size_t nold)
{
	for (size_t i = 0; i < nold; i++)
		for (size_t j = 0; j < old[i].conf.nprefixes; j++)
			if (!svcs_announce(d, &old[i].conf.prefixes[j]))
				bgp_speaker_withdraw(d->sp, &old[i].conf.prefixes[j]);
	for (size_t i = 0; i < d->nsvcs; i++) {
		const struct svc *s = &d->svcs[i];

		if (s->state == SVC_DOWN)
			continue;
		for (size_t j = 0; j < s->conf.nprefixes; j++) {
			const struct bgp_attrs *a = svcs_announce(d, &s->conf.prefixes[j]);

			/* The first service naming a prefix decides its attributes. */
			if (a == s->attrs)
				bgp_speaker_originate(d->sp, &s->conf.prefixes[j], a);
		}
	}
}

/* ---- neighbours ---- */

static void peers_sync(struct daemon *d, const struct conf *c)
{
	struct bgp_speaker *sp = d->sp;

	/* Removed or changed neighbours go first, so a changed one is re-created below. */
	for (size_t i = 0; i < sp->npeers;) {
		struct bgp_peer *p = sp->peers[i];
		const struct conf_neighbor *nc = conf_find_neighbor(c, &p->conf.addr);
		char a[ADDR_STRLEN];

		if (nc && !bgp_peer_conf_differs(p, nc)) {
			i++;
			continue;
		}
		log_info("neighbor %s: %s", addr_fmt(&p->conf.addr, a),
			 nc ? "configuration changed, restarting the session" : "removed");
		if (nc) {
			/* RFC 4486: Other Configuration Change */
			memmove(&sp->peers[i], &sp->peers[i + 1],
				(sp->npeers - i - 1) * sizeof(*sp->peers));
			sp->npeers--;
			bgp_peer_free(p, BGP_CEASE_CONFIG_CHANGE, "configuration changed");
		} else {
			bgp_speaker_remove_peer(sp, p);
		}
	}
	for (size_t i = 0; i < c->nneighbors; i++)
		if (!bgp_speaker_find_peer(sp, &c->neighbors[i].addr))
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

static int apply_new_speaker(struct daemon *d, char *err, size_t errlen)
{
	const struct conf *c = &d->conf;

	d->sp = bgp_speaker_new(d->loop, c->local_as, router_id_of(c));
	d->sp->transit = c->fib;
	if (bgp_speaker_listen(d->sp, c->listen, c->nlisten, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < c->nneighbors; i++)
		bgp_speaker_add_peer(d->sp, &c->neighbors[i]);
	svcs_build(d, c);
	svcs_sync(d, NULL, 0);
	return 0;
}

int daemon_start(struct daemon *d, struct ev_loop *loop, const char *conf_path, char *err,
		 size_t errlen)
{
	memset(d, 0, sizeof(*d));
	d->loop = loop;
	d->conf_path = xstrdup(conf_path);
	d->started_at = ev_now(loop);
	if (conf_load(conf_path, &d->conf, err, errlen) < 0)
		return -1;
	d->ctl = ctl_listen(loop, d->conf.control, daemon_ctl, d, err, errlen);
	if (!d->ctl)
		return -1;
	if (apply_new_speaker(d, err, errlen) < 0)
		return -1;
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

int daemon_reload(struct daemon *d, char *err, size_t errlen)
{
	struct conf nc;

	if (conf_load(d->conf_path, &nc, err, errlen) < 0)
		return -1;
	/* A new identity means every session must start over (RFC 4271 has no way to change
	 * the AS or BGP identifier of a running session). */
	if (nc.local_as != d->conf.local_as || !addr_eq(&nc.router_id, &d->conf.router_id)) {
		log_info("local-as or router-id changed: restarting every session");
		bgp_speaker_free(d->sp, "local AS or router ID changed");
		svcs_free(d);
		conf_free(&d->conf);
		d->conf = nc;
		return apply_new_speaker(d, err, errlen);
	}
	if (strcmp(nc.control, d->conf.control) != 0) {
		struct ctl_server *s = ctl_listen(d->loop, nc.control, daemon_ctl, d, err, errlen);

		if (!s) {
			conf_free(&nc);
			return -1;
		}
		ctl_close(d->ctl);
		d->ctl = s;
	}
	if (bgp_speaker_listen(d->sp, nc.listen, nc.nlisten, err, errlen) < 0) {
		/* Keep going: the neighbours can still be reached by connecting out. */
		log_err("%s", err);
	}
	d->sp->transit = nc.fib;
	peers_sync(d, &nc);
	struct svc *old = d->svcs;
	size_t nold = d->nsvcs;

	d->svcs = NULL;
	svcs_build(d, &nc);
	svcs_sync(d, old, nold);
	for (size_t i = 0; i < nold; i++)
		bgp_attrs_unref(old[i].attrs);
	free(old);
	/* Services now point into nc only; neighbours keep copies of their own. */
	conf_free(&d->conf);
	d->conf = nc;
	log_info("configuration reloaded: %zu neighbors, %zu services", d->conf.nneighbors,
		 d->conf.nservices);
	return 0;
}

void daemon_stop(struct daemon *d)
{
	bgp_speaker_free(d->sp, "anycastd shutting down");
	d->sp = NULL;
	svcs_free(d);
	ctl_close(d->ctl);
	d->ctl = NULL;
	conf_free(&d->conf);
	free(d->conf_path);
}
