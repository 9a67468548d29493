/* The control commands: show neighbors|routes|services as text tables or JSON (field names in
 * DESIGN.md), and reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/attr_table.h"
#include "bgp/policy.h"
#include "daemon/bfd.h"
#include "bgp/rov.h"
#include "daemon/daemon.h"
#include "lib/json.h"
#include "lib/log.h"

static void fmt_duration(char *out, size_t len, uint64_t s)
{
	if (s >= 86400)
		snprintf(out, len, "%llud%02lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	else
		snprintf(out, len, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60), (unsigned long long)(s % 60));
}

void daemon_show_neighbors(struct daemon *d, int json, struct buf *out)
{
	struct bgp_speaker *sp = d->sp;
	uint64_t now = ev_now(d->loop);

	if (json)
		buf_put8(out, '[');
	else
		buf_printf(out, "%-28s %-10s %-12s %-10s %8s %8s %10s %-10s %s\n", "Neighbor", "AS",
			   "State", "Up/Down", "Received", "Accepted", "Advertised", "BFD", "Info");
	for (size_t i = 0; i < sp->npeers; i++) {
		const struct bgp_peer *p = sp->peers[i];
		size_t rcv = p->n_paths, acc = p->n_accepted;
		char a[ADDR_STRLEN];
		uint64_t up = p->state == BGP_ESTABLISHED ? (now - p->established_at) / 1000 : 0;

		addr_fmt(&p->conf.addr, a);
		if (json) {
			buf_printf(out,
				   "%s{\"address\":\"%s\",\"remote_as\":%u,\"state\":\"%s\","
				   "\"uptime_s\":%llu,\"received\":%zu,\"accepted\":%zu,"
				   "\"advertised\":%zu,\"hold_time\":%u,\"flaps\":%llu,"
				   "\"last_error\":",
				   i ? "," : "", a, p->conf.remote_as, bgp_state_name(p->state),
				   (unsigned long long)up, rcv, acc, p->adj_out.count, p->hold_time,
				   (unsigned long long)p->flaps);
			json_str(out, p->last_error);
			daemon_bfd_show(d, &p->conf.addr, 1, out);
			buf_put8(out, '}');
		} else {
			char dur[32];

			fmt_duration(dur, sizeof(dur), up);
			buf_printf(out, "%-28s %-10u %-12s %-10s %8zu %8zu %10zu ", a,
				   p->conf.remote_as, bgp_state_name(p->state),
				   p->state == BGP_ESTABLISHED ? dur : "-", rcv, acc,
				   p->adj_out.count);
			daemon_bfd_show(d, &p->conf.addr, 0, out);
			buf_printf(out, " %s\n", p->last_error);
		}
	}
	if (json)
		buf_printf(out, "]\n");
}

static const char *reject_reason(uint8_t flags)
{
	return flags & RIB_PATH_ROV        ? "rpki-invalid"
	       : flags & RIB_PATH_LOOP     ? "as-loop"
	       : flags & RIB_PATH_LEAK     ? "route-leak"
	       : flags & RIB_PATH_FILTERED ? "filtered"
					   : "rejected";
}

static const char *origin_name(uint8_t o) { return o == 0 ? "IGP" : o == 1 ? "EGP" : "incomplete"; }

/* One path: the columns here, then what the attribute table shows (MED, LOCAL_PREF,
 * communities of every kind, OTC). Ours ("from": "local") show the AS path they are originated with: empty, or the
 * service's prepends; export adds our AS in front towards eBGP neighbours. */
static void show_path(struct daemon *d, const struct rib_node *n, const struct rib_path *path,
		      int json, int *first, struct buf *out)
{
	char pf[PREFIX_STRLEN], nh[ADDR_STRLEN], from[ADDR_STRLEN];
	const struct bgp_attrs *a = path->attrs;
	uint32_t asns[256];
	size_t nas = bgp_aspath_list(a, asns, 256);
	/* Ours are judged here: the speaker judges only what neighbours send. */
	const char *rov = rov_state_name(path->src ? (enum rov_state)path->rov
						   : bgp_rov_state(d->sp, &n->pfx, a));

	prefix_fmt(&n->pfx, pf);
	if (path->src)
		addr_fmt(&path->src->conf.addr, from);
	else
		strcpy(from, "local");
	if (path->src)
		addr_fmt(&a->nexthop, nh);
	else
		strcpy(nh, "self");
	if (json) {
		buf_printf(out, "%s{\"prefix\":\"%s\",\"as_path\":[", *first ? "" : ",", pf);
		for (size_t i = 0; i < nas && i < 256; i++)
			buf_printf(out, "%s%u", i ? "," : "", asns[i]);
		buf_printf(out,
			   "],\"next_hop\":\"%s\",\"best\":%s,\"from\":\"%s\",\"origin\":\"%s\","
			   "\"rov\":\"%s\"",
			   nh, path->best ? "true" : "false", from, origin_name(a->origin), rov);
		if (path->flags & RIB_PATH_REJECTED)
			buf_printf(out, ",\"rejected\":\"%s\"", reject_reason(path->flags));
		if (path->flags & RIB_PATH_STALE) /* kept over a graceful restart */
			buf_printf(out, ",\"stale\":true");
		if (path->src)
			buf_printf(out, ",\"relation\":\"%s\"",
				   bgp_rel_name(bgp_peer_rel(path->src)));
		bgp_attrs_format(out, a, 1);
		buf_put8(out, '}');
	} else {
		struct buf asp;

		buf_init(&asp);
		bgp_aspath_fmt(a, &asp);
		buf_put8(&asp, 0);
		buf_printf(out, "%s %-24s via %-20s from %-20s [%s] %s rpki %s",
			   path->best ? "*" : " ", pf, nh, from,
			   asp.len > 1 ? (char *)asp.data : "", origin_name(a->origin), rov);
		bgp_attrs_format(out, a, 0);
		if (path->flags & RIB_PATH_REJECTED)
			buf_printf(out, " (rejected: %s)", reject_reason(path->flags));
		if (path->flags & RIB_PATH_STALE)
			buf_printf(out, " (stale)");
		buf_put8(out, '\n');
		buf_free(&asp);
	}
	*first = 0;
}

int daemon_show_routes(struct daemon *d, const char *filter, int json, struct buf *out)
{
	struct prefix want;
	size_t n;

	if (filter && prefix_parse(filter, &want) != 0) {
		buf_printf(out, "bad prefix '%s'\n", filter);
		return -1;
	}
	struct rib_node **v = rib_sorted(&d->sp->rib, &n);
	int first = 1;

	if (json)
		buf_put8(out, '[');
	for (size_t i = 0; i < n; i++) {
		if (filter && !prefix_contains(&want, &v[i]->pfx))
			continue;
		/* Best path first. */
		for (int pass = 0; pass < 2; pass++)
			for (const struct rib_path *p = v[i]->paths; p; p = p->next)
				if ((pass == 0) == (p->best != 0))
					show_path(d, v[i], p, json, &first, out);
	}
	if (json)
		buf_printf(out, "]\n");
	free(v);
	return 0;
}

/* A load level, or null. */
static void json_load(struct buf *out, int has, double v)
{
	if (has)
		buf_printf(out, "%.6g", v);
	else
		buf_printf(out, "null");
}

void daemon_show_checks(struct daemon *d, struct svc *s, int json, struct buf *out)
{
	for (size_t j = 0; j < s->nchecks; j++) {
		const struct check *c = s->checks[j];

		if (json) {
			buf_printf(out, "%s{\"kind\":\"%s\",\"target\":", j ? "," : "",
				   check_kind_name(c->conf.kind));
			json_str(out, c->conf.target ? c->conf.target : "");
			buf_printf(out,
				   ",\"ok\":%s,\"last_ok\":%s,\"last_ms\":%u,\"runs\":%llu,"
				   "\"failures\":%llu,\"error\":",
				   c->ok ? "true" : "false", c->last_ok ? "true" : "false",
				   c->last_ms, (unsigned long long)c->runs,
				   (unsigned long long)c->failures);
			json_str(out, c->last_error);
			if (c->conf.load) {
				buf_printf(out, ",\"load\":");
				json_load(out, c->has_load && c->last_ok, c->load);
			}
			buf_put8(out, '}');
		} else if (c->conf.load) {
			char lv[32] = "-";

			if (c->has_load && c->last_ok)
				snprintf(lv, sizeof(lv), "%.3g", c->load);
			buf_printf(out, "    load %-4s %-35s %-4s load %s last %s in %ums%s%s\n",
				   check_kind_name(c->conf.kind),
				   c->conf.target ? c->conf.target : "", c->ok ? "up" : "down", lv,
				   !c->has_run  ? "-"
				   : c->last_ok ? "ok"
						: "failed",
				   c->last_ms, c->last_error[0] ? ": " : "", c->last_error);
		} else {
			buf_printf(out, "    %-4s %-40s %-4s last %s in %ums%s%s\n",
				   check_kind_name(c->conf.kind),
				   c->conf.target ? c->conf.target : "", c->ok ? "up" : "down",
				   !c->has_run  ? "-"
				   : c->last_ok ? "ok"
						: "failed",
				   c->last_ms, c->last_error[0] ? ": " : "", c->last_error);
		}
	}
}

void daemon_show_services(struct daemon *d, int json, struct buf *out)
{
	uint64_t now = ev_now(d->loop);

	if (json)
		buf_put8(out, '[');
	else
		buf_printf(out, "%-16s %-9s %-10s %-6s %-6s %-6s %s\n", "Service", "State",
			   "Announced", "Load", "Shed", "Conns", "Prefixes");
	for (size_t i = 0; i < d->nsvcs; i++) {
		struct svc *s = &d->svcs[i];
		char pf[PREFIX_STRLEN], why[160];
		uint64_t held = s->held_until > now ? (s->held_until - now) / 1000 : 0;
		/* Healthy but not served (serve.c): down, and not announced where it is not. */
		int unserved = daemon_svc_unserved(d, s, why, sizeof(why));
		const char *state = unserved ? "down" : svc_state_name(s->state);
		int announced = s->announced && !unserved;
		double load, shed = svc_shed_level(s);
		int has_load = svc_load(s, &load);
		const char *phase = s->drain_since ? svc_drain_phase_name(s->drain_phase) : NULL;

		if (json) {
			buf_printf(out, "%s{\"name\":", i ? "," : "");
			json_str(out, s->name);
			buf_printf(out,
				   ",\"state\":\"%s\",\"announced\":%s,\"healthy\":%s,"
				   "\"transitions\":%llu,\"held_down_s\":%llu,\"prefixes\":[",
				   state, announced ? "true" : "false",
				   s->healthy ? "true" : "false",
				   (unsigned long long)s->transitions, (unsigned long long)held);
			for (size_t j = 0; j < s->conf.nprefixes; j++)
				buf_printf(out, "%s\"%s\"", j ? "," : "",
					   prefix_fmt(&s->conf.prefixes[j], pf));
			buf_printf(out, "],\"reason\":");
			json_str(out, why);
			buf_printf(out, ",\"load\":");
			json_load(out, has_load, load);
			buf_printf(out, ",\"shed\":");
			json_load(out, shed > 0, shed);
			buf_printf(out, ",\"shed_changes\":%llu,\"connections\":",
				   (unsigned long long)s->shed_changes);
			if (s->connections >= 0)
				buf_printf(out, "%ld", s->connections);
			else
				buf_printf(out, "null");
			if (phase)
				buf_printf(out, ",\"drain_phase\":\"%s\"", phase);
			buf_printf(out, ",\"checks\":[");
			daemon_show_checks(d, s, 1, out);
			buf_printf(out, "]}");
		} else {
			char lv[24] = "-", sv[24] = "-", cv[24] = "-";

			if (has_load)
				snprintf(lv, sizeof(lv), "%.3g", load);
			if (shed > 0)
				snprintf(sv, sizeof(sv), "%g", shed);
			if (s->connections >= 0)
				snprintf(cv, sizeof(cv), "%ld", s->connections);
			buf_printf(out, "%-16s %-9s %-10s %-6s %-6s %-6s", s->name, state,
				   !announced                       ? "no"
				   : s->announced == s->drain_attrs ? "drain"
								    : "yes",
				   lv, sv, cv);
			for (size_t j = 0; j < s->conf.nprefixes; j++)
				buf_printf(out, " %s", prefix_fmt(&s->conf.prefixes[j], pf));
			if (held)
				buf_printf(out, "  (flapping: held down %llus more)",
					   (unsigned long long)held);
			if (why[0])
				buf_printf(out, "  (%s)", why);
			if (phase)
				buf_printf(out, "  (drain: %s)", phase);
			buf_put8(out, '\n');
			daemon_show_checks(d, s, 0, out);
		}
	}
	if (json)
		buf_printf(out, "]\n");
}
