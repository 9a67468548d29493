/* The control commands: show neighbors|routes|services as text tables or JSON (field names in
 * DESIGN.md), and reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "lib/json.h"
#include "lib/log.h"

/* Prefixes a neighbour sent us (received) and of those the ones we may use (accepted). */
static void count_paths(const struct bgp_speaker *sp, const struct bgp_peer *p, size_t *received,
			size_t *accepted)
{
	struct rib_iter it;
	struct rib_node *n;

	*received = *accepted = 0;
	rib_iter_init(&it, &sp->rib);
	while ((n = rib_iter_next(&it))) {
		const struct rib_path *path = rib_path_of(n, p);

		if (!path)
			continue;
		(*received)++;
		if (!(path->flags & RIB_PATH_REJECTED))
			(*accepted)++;
	}
}

static void fmt_duration(char *out, size_t len, uint64_t s)
{
	if (s >= 86400)
		snprintf(out, len, "%llud%02lluh", (unsigned long long)(s / 86400),
			 (unsigned long long)(s % 86400 / 3600));
	else
		snprintf(out, len, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
			 (unsigned long long)(s % 3600 / 60), (unsigned long long)(s % 60));
}

static void show_neighbors(struct daemon *d, int json, struct buf *out)
{
	struct bgp_speaker *sp = d->sp;
	uint64_t now = ev_now(d->loop);

	if (json)
		buf_put8(out, '[');
	else
		buf_printf(out, "%-28s %-10s %-12s %-10s %8s %8s %10s  %s\n", "Neighbor", "AS",
			   "State", "Up/Down", "Received", "Accepted", "Advertised", "Info");
	for (size_t i = 0; i < sp->npeers; i++) {
		const struct bgp_peer *p = sp->peers[i];
		size_t rcv, acc;
		char a[ADDR_STRLEN];
		uint64_t up = p->state == BGP_ESTABLISHED ? (now - p->established_at) / 1000 : 0;

		count_paths(sp, p, &rcv, &acc);
		addr_fmt(&p->conf.addr, a);
		if (json) {
			buf_printf(out, "%s{\"address\":\"%s\",\"remote_as\":%u,\"state\":\"%s\","
				   "\"uptime_s\":%llu,\"received\":%zu,\"accepted\":%zu,"
				   "\"advertised\":%zu,\"hold_time\":%u,\"flaps\":%llu,"
				   "\"last_error\":",
				   i ? "," : "", a, p->conf.remote_as, bgp_state_name(p->state),
				   (unsigned long long)up, rcv, acc, p->adj_out.count, p->hold_time,
				   (unsigned long long)p->flaps);
			json_str(out, p->last_error);
			buf_put8(out, '}');
		} else {
			char dur[32];

			fmt_duration(dur, sizeof(dur), up);
			buf_printf(out, "%-28s %-10u %-12s %-10s %8zu %8zu %10zu  %s\n", a,
				   p->conf.remote_as, bgp_state_name(p->state),
				   p->state == BGP_ESTABLISHED ? dur : "-", rcv, acc, p->adj_out.count,
				   p->last_error);
		}
	}
	if (json)
		buf_printf(out, "]\n");
}

static void json_comms(struct buf *out, const struct bgp_attrs *a)
{
	buf_printf(out, ",\"communities\":[");
	for (size_t i = 0; i < a->ncomms; i++)
		buf_printf(out, "%s\"%u:%u\"", i ? "," : "", a->comms[i] >> 16, a->comms[i] & 0xffff);
	buf_printf(out, "],\"large_communities\":[");
	for (size_t i = 0; i < a->nlcomms; i++)
		buf_printf(out, "%s\"%u:%u:%u\"", i ? "," : "", a->lcomms[i].global,
			   a->lcomms[i].local1, a->lcomms[i].local2);
	buf_put8(out, ']');
}

static void text_comms(struct buf *out, const struct bgp_attrs *a)
{
	for (size_t i = 0; i < a->ncomms; i++)
		buf_printf(out, " (%u,%u)", a->comms[i] >> 16, a->comms[i] & 0xffff);
	for (size_t i = 0; i < a->nlcomms; i++)
		buf_printf(out, " (%u,%u,%u)", a->lcomms[i].global, a->lcomms[i].local1,
			   a->lcomms[i].local2);
}

static const char *origin_name(uint8_t o)
{
	return o == 0 ? "IGP" : o == 1 ? "EGP" : "incomplete";
}

/* One path. Ours ("from": "local") show the AS path they are originated with: empty, or the
 * service's prepends; export adds our AS in front towards eBGP neighbours. */
static void show_path(struct daemon *d, const struct rib_node *n, const struct rib_path *path,
		      int json, int *first, struct buf *out)
{
	char pf[PREFIX_STRLEN], nh[ADDR_STRLEN], from[ADDR_STRLEN];
	const struct bgp_attrs *a = path->attrs;
	uint32_t asns[256];
	size_t nas = bgp_aspath_list(a, asns, 256);

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
		buf_printf(out, "],\"next_hop\":\"%s\",\"best\":%s,\"from\":\"%s\",\"origin\":\"%s\"",
			   nh, path->best ? "true" : "false", from, origin_name(a->origin));
		if (a->has & BGP_AH_MED)
			buf_printf(out, ",\"med\":%u", a->med);
		if (a->has & BGP_AH_LOCAL_PREF)
			buf_printf(out, ",\"local_pref\":%u", a->local_pref);
		if (path->flags & RIB_PATH_REJECTED)
			buf_printf(out, ",\"rejected\":true");
		json_comms(out, a);
		buf_put8(out, '}');
	} else {
		struct buf asp;

		buf_init(&asp);
		bgp_aspath_fmt(a, &asp);
		buf_put8(&asp, 0);
		buf_printf(out, "%s %-24s via %-20s from %-20s [%s] %s", path->best ? "*" : " ", pf,
			   nh, from, asp.len > 1 ? (char *)asp.data : "", origin_name(a->origin));
		if (a->has & BGP_AH_MED)
			buf_printf(out, " med %u", a->med);
		if (path->flags & RIB_PATH_REJECTED)
			buf_printf(out, " (rejected: AS loop)");
		text_comms(out, a);
		buf_put8(out, '\n');
		buf_free(&asp);
	}
	*first = 0;
	(void)d;
}

static int show_routes(struct daemon *d, const char *filter, int json, struct buf *out)
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

static void show_services(struct daemon *d, int json, struct buf *out)
{
	if (json)
		buf_put8(out, '[');
	else
		buf_printf(out, "%-16s %-9s %s\n", "Service", "State", "Prefixes");
	for (size_t i = 0; i < d->nsvcs; i++) {
		const struct svc *s = &d->svcs[i];
		char pf[PREFIX_STRLEN];

		if (json) {
			buf_printf(out, "%s{\"name\":", i ? "," : "");
			json_str(out, s->name);
			buf_printf(out, ",\"state\":\"%s\",\"prefixes\":[", svc_state_name(s->state));
			for (size_t j = 0; j < s->conf.nprefixes; j++)
				buf_printf(out, "%s\"%s\"", j ? "," : "",
					   prefix_fmt(&s->conf.prefixes[j], pf));
			buf_printf(out, "],\"checks\":[]}");
		} else {
			buf_printf(out, "%-16s %-9s", s->name, svc_state_name(s->state));
			for (size_t j = 0; j < s->conf.nprefixes; j++)
				buf_printf(out, " %s", prefix_fmt(&s->conf.prefixes[j], pf));
			buf_put8(out, '\n');
		}
	}
	if (json)
		buf_printf(out, "]\n");
}

int daemon_ctl(int argc, char **argv, struct buf *out, void *arg)
{
	struct daemon *d = arg;
	int json = argc > 1 && strcmp(argv[argc - 1], "json") == 0;

	if (json)
		argc--;
	if (argc >= 2 && strcmp(argv[0], "show") == 0) {
		if (strcmp(argv[1], "neighbors") == 0 && argc == 2) {
			show_neighbors(d, json, out);
			return 0;
		}
		if (strcmp(argv[1], "routes") == 0 && argc <= 3)
			return show_routes(d, argc == 3 ? argv[2] : NULL, json, out);
		if (strcmp(argv[1], "services") == 0 && argc == 2) {
			show_services(d, json, out);
			return 0;
		}
	}
	if (argc == 1 && strcmp(argv[0], "reload") == 0) {
		char err[512];

		if (daemon_reload(d, err, sizeof(err)) < 0) {
			buf_printf(out, "reload failed, running configuration kept: %s\n", err);
			return -1;
		}
		buf_printf(out, "configuration reloaded\n");
		return 0;
	}
	buf_printf(out, "unknown command:");
	for (int i = 0; i < argc; i++)
		buf_printf(out, " %s", argv[i]);
	buf_put8(out, '\n');
	return -1;
}
