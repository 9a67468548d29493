/* Hijack alarms (see alerts.h). */
#include "daemon/alerts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bgp/rov.h"
#include "daemon/daemon.h"
#include "lib/json.h"
#include "lib/log.h"

enum alert_kind { ALERT_ORIGIN, ALERT_MORE_SPECIFIC, ALERT_INVALID };

static const char *const kind_names[] = {
	[ALERT_ORIGIN] = "origin",
	[ALERT_MORE_SPECIFIC] = "more-specific",
	[ALERT_INVALID] = "invalid",
};

struct watch {
	struct prefix pfx;
	uint32_t origin;
};

struct alert {
	struct prefix pfx, watched;
	struct addr neighbor;
	uint32_t origin;
	enum alert_kind kind;
	uint8_t rov;
	uint8_t seen; /* still announced, during one update */
	uint32_t *path;
	size_t npath;
	time_t since;
};

struct daemon_alerts {
	struct watch *w;
	size_t nw;
	struct alert *a;
	size_t na, cap;
	uint64_t events;
};

static void fmt_path(struct buf *b, const uint32_t *path, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf_printf(b, "%s%u", i ? " " : "", path[i]);
	buf_put8(b, 0);
}

static void drop(struct daemon_alerts *s, size_t i, const char *why)
{
	struct alert *a = &s->a[i];
	char pf[PREFIX_STRLEN], nb[ADDR_STRLEN];

	log_info("hijack ended (%s): %s origin AS%u from neighbor %s (%s)", kind_names[a->kind],
		 prefix_fmt(&a->pfx, pf), a->origin, addr_fmt(&a->neighbor, nb), why);
	free(a->path);
	s->a[i] = s->a[--s->na];
}

static int covered(const struct daemon_alerts *s, const struct prefix *pfx)
{
	for (size_t i = 0; i < s->nw; i++)
		if (prefix_contains(&s->w[i].pfx, pfx))
			return 1;
	return 0;
}

/* What is wrong with a path for pfx under the watches that cover it: 0 nothing, else kind+1. */
static int judge(const struct daemon_alerts *s, const struct prefix *pfx, uint32_t origin,
		 uint8_t rov, struct prefix *watched)
{
	int covered = 0, ours = 0, exact = 0;

	for (size_t i = 0; i < s->nw; i++) {
		if (!prefix_contains(&s->w[i].pfx, pfx))
			continue;
		if (!covered || s->w[i].pfx.len > watched->len)
			*watched = s->w[i].pfx;
		covered = 1;
		ours |= s->w[i].origin == origin;
		exact |= s->w[i].pfx.len == pfx->len;
	}
	if (!covered)
		return 0;
	if (!ours)
		return 1 + (exact ? ALERT_ORIGIN : ALERT_MORE_SPECIFIC);
	return rov == ROV_INVALID ? 1 + ALERT_INVALID : 0;
}

static struct alert *find(struct daemon_alerts *s, const struct prefix *pfx, const struct addr *nb,
			  uint32_t origin, enum alert_kind k)
{
	for (size_t i = 0; i < s->na; i++)
		if (s->a[i].kind == k && s->a[i].origin == origin &&
		    addr_eq(&s->a[i].neighbor, nb) && prefix_eq(&s->a[i].pfx, pfx))
			return &s->a[i];
	return NULL;
}

static void raise_alert(struct daemon_alerts *s, const struct prefix *pfx,
			const struct prefix *watched, const struct rib_path *p, uint32_t origin,
			enum alert_kind k)
{
	uint32_t path[256];
	size_t np = bgp_aspath_list(p->attrs, path, 256);
	struct alert *a = find(s, pfx, &p->src->conf.addr, origin, k);

	if (np > 256)
		np = 256;
	if (!a) {
		char pf[PREFIX_STRLEN], wf[PREFIX_STRLEN], nb[ADDR_STRLEN];
		struct buf pb;

		if (s->na == s->cap) {
			s->cap = s->cap ? s->cap * 2 : 8;
			s->a = xrealloc(s->a, s->cap * sizeof(*s->a));
		}
		a = &s->a[s->na++];
		memset(a, 0, sizeof(*a));
		a->pfx = *pfx;
		a->watched = *watched;
		a->neighbor = p->src->conf.addr;
		a->origin = origin;
		a->kind = k;
		a->since = time(NULL);
		s->events++;
		buf_init(&pb);
		fmt_path(&pb, path, np);
		log_warn("HIJACK (%s): %s (watched %s) origin AS%u from neighbor %s, AS path [%s], "
			 "rpki %s",
			 kind_names[k], prefix_fmt(pfx, pf), prefix_fmt(watched, wf), origin,
			 addr_fmt(&p->src->conf.addr, nb), (char *)pb.data,
			 rov_state_name((enum rov_state)p->rov));
		buf_free(&pb);
	}
	free(a->path);
	a->path = xmalloc((np ? np : 1) * sizeof(*a->path));
	memcpy(a->path, path, np * sizeof(*path));
	a->npath = np;
	a->rov = p->rov;
	a->seen = 1;
}

void daemon_alerts_route(struct daemon *d, const struct prefix *pfx, const struct rib_node *n)
{
	struct daemon_alerts *s = d->alerts;
	struct prefix watched;

	/* Cheap exit for the prefixes nobody watches: most of a full table. */
	if (!s || !covered(s, pfx))
		return;
	for (size_t i = 0; i < s->na; i++)
		if (prefix_eq(&s->a[i].pfx, pfx))
			s->a[i].seen = 0;
	for (const struct rib_path *p = n ? n->paths : NULL; p; p = p->next) {
		uint32_t origin;
		int k;

		if (!p->src)
			continue;
		origin = bgp_rov_origin(p->attrs, d->conf.local_as);
		if ((k = judge(s, pfx, origin, p->rov, &watched)))
			raise_alert(s, pfx, &watched, p, origin, (enum alert_kind)(k - 1));
	}
	for (size_t i = 0; i < s->na;)
		if (prefix_eq(&s->a[i].pfx, pfx) && !s->a[i].seen)
			drop(s, i, n ? "route changed or withdrawn" : "withdrawn");
		else
			i++;
}

static void add_watch(struct daemon_alerts *s, const struct prefix *pfx, uint32_t origin)
{
	for (size_t i = 0; i < s->nw; i++)
		if (prefix_eq(&s->w[i].pfx, pfx) && s->w[i].origin == origin)
			return;
	s->w = xrealloc(s->w, (s->nw + 1) * sizeof(*s->w));
	s->w[s->nw].pfx = *pfx;
	s->w[s->nw++].origin = origin;
}

void daemon_alerts_apply(struct daemon *d, const struct conf *c)
{
	struct daemon_alerts *s = d->alerts;

	if (!s)
		s = d->alerts = xcalloc(1, sizeof(*s));
	free(s->w);
	s->w = NULL;
	s->nw = 0;
	for (size_t i = 0; i < c->nwatch; i++)
		add_watch(s, &c->watch[i].pfx, c->watch[i].origin);
	for (size_t i = 0; c->monitor && i < c->nservices; i++)
		for (size_t j = 0; j < c->services[i].nprefixes; j++)
			add_watch(s, &c->services[i].prefixes[j], c->local_as);
	/* Alarms of a prefix no longer watched, or no longer in the RIB (a new speaker), end. */
	for (size_t i = 0; i < s->na;)
		if (!d->sp || !rib_lookup(&d->sp->rib, &s->a[i].pfx) || !covered(s, &s->a[i].pfx))
			drop(s, i, "no longer watched");
		else
			i++;
	if (!s->nw || !d->sp)
		return;
	struct rib_iter it;
	struct rib_node *n;

	rib_iter_init(&it, &d->sp->rib);
	while ((n = rib_iter_next(&it)))
		daemon_alerts_route(d, &n->pfx, n);
}

void daemon_alerts_stop(struct daemon *d)
{
	struct daemon_alerts *s = d->alerts;

	if (!s)
		return;
	for (size_t i = 0; i < s->na; i++)
		free(s->a[i].path);
	free(s->a);
	free(s->w);
	free(s);
	d->alerts = NULL;
}

static int cmp_alert(const void *x, const void *y)
{
	const struct alert *a = x, *b = y;
	int r = prefix_cmp(&a->pfx, &b->pfx);

	if (r)
		return r;
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	return addr_cmp(&a->neighbor, &b->neighbor);
}

void daemon_alerts_show(struct daemon *d, int json, struct buf *out)
{
	struct daemon_alerts *s = d->alerts;
	size_t n = s ? s->na : 0;
	time_t now = time(NULL);

	if (n)
		qsort(s->a, n, sizeof(*s->a), cmp_alert);
	if (json)
		buf_put8(out, '[');
	else
		buf_printf(out, "%-24s %-10s %-14s %-8s %-20s %-8s %s\n", "Prefix", "Origin",
			   "Kind", "RPKI", "Neighbor", "Since", "AS path");
	for (size_t i = 0; i < n; i++) {
		const struct alert *a = &s->a[i];
		char pf[PREFIX_STRLEN], wf[PREFIX_STRLEN], nb[ADDR_STRLEN];

		prefix_fmt(&a->pfx, pf);
		prefix_fmt(&a->watched, wf);
		addr_fmt(&a->neighbor, nb);
		if (json) {
			buf_printf(out, "%s{\"prefix\":\"%s\",\"origin\":%u,\"as_path\":[",
				   i ? "," : "", pf, a->origin);
			for (size_t j = 0; j < a->npath; j++)
				buf_printf(out, "%s%u", j ? "," : "", a->path[j]);
			buf_printf(out,
				   "],\"neighbor\":\"%s\",\"kind\":\"%s\",\"since\":%lld,"
				   "\"watched\":\"%s\",\"rov\":\"%s\"}",
				   nb, kind_names[a->kind], (long long)a->since, wf,
				   rov_state_name((enum rov_state)a->rov));
		} else {
			struct buf pb;

			buf_init(&pb);
			fmt_path(&pb, a->path, a->npath);
			buf_printf(out, "%-24s AS%-8u %-14s %-8s %-20s %-7llds %s\n", pf, a->origin,
				   kind_names[a->kind], rov_state_name((enum rov_state)a->rov), nb,
				   (long long)(now - a->since), (char *)pb.data);
			buf_free(&pb);
		}
	}
	if (json)
		buf_printf(out, "]\n");
}

void daemon_alerts_metrics(struct daemon *d, struct buf *out)
{
	struct daemon_alerts *s = d->alerts;

	if (!s || !s->nw)
		return;
	buf_printf(out, "# HELP anycast_hijack_routes neighbours announcing a hijack of a watched "
			"prefix now\n# TYPE anycast_hijack_routes gauge\n");
	for (size_t i = 0; i < s->na; i++) {
		size_t cnt = 0, first = 1;
		char pf[PREFIX_STRLEN];

		/* One line per (prefix, origin): counted at its first alarm. */
		for (size_t j = 0; j < s->na; j++) {
			if (!prefix_eq(&s->a[j].pfx, &s->a[i].pfx) ||
			    s->a[j].origin != s->a[i].origin)
				continue;
			first &= j >= i;
			cnt++;
		}
		if (first)
			buf_printf(out, "anycast_hijack_routes{prefix=\"%s\",origin=\"%u\"} %zu\n",
				   prefix_fmt(&s->a[i].pfx, pf), s->a[i].origin, cnt);
	}
	buf_printf(out,
		   "# HELP anycast_hijack_events_total hijack alarms raised since start\n"
		   "# TYPE anycast_hijack_events_total counter\nanycast_hijack_events_total "
		   "%llu\n",
		   (unsigned long long)s->events);
}
