/* anycastd's origin validation: caches, ROA file, the merged VRP table (see rov.h). */
#include "daemon/rov.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bgp/rov.h"
#include "daemon/daemon.h"
#include "lib/json.h"
#include "lib/log.h"
#include "rpki/client.h"
#include "rpki/roafile.h"

/* How often the ROA file is looked at (one stat) for a new version. */
#define ROA_POLL_MS 1000

struct rov_cache {
	struct conf_rpki conf;
	struct vrp_table *vrps; /* what this cache gave, mirrored by its client */
	struct rtr_client *client;
};

struct daemon_rov {
	struct daemon *d;
	struct rov_cache *caches;
	size_t ncaches;
	char *file; /* NULL: none */
	struct vrp_table *file_vrps;
	struct roa_stats file_stats;
	char file_error[256];
	struct stat file_st; /* of the version read; st_ino 0 when none */
	struct ev_timer poll;
	struct vrp_table *vrps; /* the merged table the speaker uses */
	uint64_t revalidations; /* prefixes judged again since start */
};

static void merge_one(const struct vrp *v, void *t) { vrp_add(t, v); }

static void rebuild(struct daemon_rov *r, const char *why)
{
	struct vrp_table *nt = vrp_table_new(), *changed = vrp_table_new();
	uint32_t best = UINT32_MAX;
	size_t ndiff, redone;

	/* The best preference among the caches that have data: theirs is the set in force. */
	for (size_t i = 0; i < r->ncaches; i++)
		if (r->caches[i].client->have_data && r->caches[i].conf.preference < best)
			best = r->caches[i].conf.preference;
	for (size_t i = 0; i < r->ncaches; i++)
		if (r->caches[i].client->have_data && r->caches[i].conf.preference == best)
			vrp_foreach(r->caches[i].vrps, merge_one, nt);
	if (r->file_vrps)
		vrp_foreach(r->file_vrps, merge_one, nt);
	ndiff = vrp_diff(r->vrps, nt, changed);
	vrp_table_free(r->vrps);
	r->vrps = nt;
	if (r->d->sp)
		r->d->sp->vrps = nt;
	redone = r->d->sp ? bgp_rov_revalidate(r->d->sp, changed, NULL) : 0;
	r->revalidations += redone;
	if (ndiff)
		log_info("rpki: %s: %zu VRPs, %zu changed, %zu prefixes judged again", why,
			 vrp_count(nt), ndiff, redone);
	vrp_table_free(changed);
}

static void cache_changed(struct rtr_client *c, void *arg)
{
	struct daemon_rov *r = arg;
	char a[ADDR_STRLEN], why[ADDR_STRLEN + 32];

	snprintf(why, sizeof(why), "cache %s:%u", addr_fmt(&c->addr, a), c->port);
	rebuild(r, why);
}

static const struct rtr_client_ops cache_ops = { .on_change = cache_changed };

/* Reads the ROA file again; a file that cannot be read or parsed keeps the VRPs we had
 * (a half-written file must not make every route not-found). */
static void load_file(struct daemon_rov *r)
{
	struct buf msgs;
	struct stat st;
	struct vrp_table *t;

	buf_init(&msgs);
	if (stat(r->file, &st) < 0)
		memset(&st, 0, sizeof(st));
	t = roa_load(r->file, &r->file_stats, &msgs);
	buf_put8(&msgs, 0);
	if (!t) {
		snprintf(r->file_error, sizeof(r->file_error), "%s", (char *)msgs.data);
		log_err("roa-file: %s; keeping %zu VRPs from before", r->file_error,
			r->file_vrps ? vrp_count(r->file_vrps) : (size_t)0);
	} else {
		if (msgs.len > 1)
			log_warn("roa-file: %s", (char *)msgs.data);
		r->file_error[0] = '\0';
		vrp_table_free(r->file_vrps);
		r->file_vrps = t;
	}
	r->file_st = st;
	buf_free(&msgs);
	rebuild(r, "roa-file");
}

static int same_version(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void poll_file(struct ev_timer *t, void *arg)
{
	struct daemon_rov *r = arg;
	struct stat st;

	if (stat(r->file, &st) < 0)
		memset(&st, 0, sizeof(st));
	if (!same_version(&st, &r->file_st)) {
		log_info("roa-file %s changed: reading it again", r->file);
		load_file(r);
	}
	ev_timer_start(r->d->loop, &r->poll, ROA_POLL_MS);
}

static int same_cache(const struct conf_rpki *a, const struct conf_rpki *b)
{
	return addr_eq(&a->addr, &b->addr) && a->port == b->port;
}

static void free_cache(struct rov_cache *c)
{
	rtr_client_free(c->client);
	vrp_table_free(c->vrps);
}

static void sync_caches(struct daemon_rov *r, const struct conf *c)
{
	struct rov_cache *nv = xcalloc(c->nrpki ? c->nrpki : 1, sizeof(*nv));

	for (size_t i = 0; i < c->nrpki; i++) {
		struct rov_cache *old = NULL;

		for (size_t j = 0; j < r->ncaches && !old; j++)
			if (r->caches[j].client && same_cache(&r->caches[j].conf, &c->rpki[i]))
				old = &r->caches[j];
		if (old) {
			nv[i] = *old;
			old->client = NULL;
		} else {
			nv[i].vrps = vrp_table_new();
			nv[i].client = rtr_client_new(r->d->loop, &c->rpki[i].addr, c->rpki[i].port,
						      nv[i].vrps, &cache_ops, r);
		}
		nv[i].conf = c->rpki[i];
	}
	for (size_t j = 0; j < r->ncaches; j++)
		if (r->caches[j].client)
			free_cache(&r->caches[j]);
	free(r->caches);
	r->caches = nv;
	r->ncaches = c->nrpki;
}

static void sync_file(struct daemon_rov *r, const struct conf *c)
{
	ev_timer_stop(r->d->loop, &r->poll);
	if (!c->roa_file) {
		free(r->file);
		r->file = NULL;
		vrp_table_free(r->file_vrps);
		r->file_vrps = NULL;
		return;
	}
	/* Read again on every reload: that is how an operator says "now". */
	free(r->file);
	r->file = xstrdup(c->roa_file);
	load_file(r);
	ev_timer_start(r->d->loop, &r->poll, ROA_POLL_MS);
}

/* A neighbour whose rov policy changed keeps its session: its paths are judged again. */
static void sync_policies(struct daemon *d, const struct conf *c)
{
	for (size_t i = 0; d->sp && i < d->sp->npeers; i++) {
		struct bgp_peer *p = d->sp->peers[i];
		const struct conf_neighbor *nc = conf_find_neighbor(c, &p->conf.addr,
								    p->conf.ifname);

		if (!nc || nc->rov == p->conf.rov)
			continue;
		p->conf.rov = nc->rov;
		d->rov->revalidations += bgp_rov_revalidate(d->sp, NULL, p);
	}
}

void daemon_rov_apply(struct daemon *d, const struct conf *c)
{
	struct daemon_rov *r = d->rov;

	if (!r) {
		r = d->rov = xcalloc(1, sizeof(*r));
		r->d = d;
		r->vrps = vrp_table_new();
		ev_timer_init(&r->poll, poll_file, r);
	}
	sync_policies(d, c);
	sync_caches(r, c);
	sync_file(r, c);
	rebuild(r, "configuration");
}

void daemon_rov_stop(struct daemon *d)
{
	struct daemon_rov *r = d->rov;

	if (!r)
		return;
	if (d->sp)
		d->sp->vrps = NULL;
	ev_timer_stop(d->loop, &r->poll);
	for (size_t i = 0; i < r->ncaches; i++)
		free_cache(&r->caches[i]);
	free(r->caches);
	free(r->file);
	vrp_table_free(r->file_vrps);
	vrp_table_free(r->vrps);
	free(r);
	d->rov = NULL;
}

void daemon_rov_show(struct daemon *d, int json, struct buf *out)
{
	struct daemon_rov *r = d->rov;
	size_t nv = r && r->vrps ? vrp_count(r->vrps) : 0;

	if (json)
		buf_printf(out, "{\"vrps\":%zu,\"revalidations\":%llu,\"caches\":[", nv,
			   (unsigned long long)(r ? r->revalidations : 0));
	else
		buf_printf(out, "VRPs in force: %zu\n", nv);
	for (size_t i = 0; r && i < r->ncaches; i++) {
		const struct rtr_client *c = r->caches[i].client;
		char a[ADDR_STRLEN];

		addr_fmt(&c->addr, a);
		if (json) {
			buf_printf(out,
				   "%s{\"address\":\"%s\",\"port\":%u,\"preference\":%u,"
				   "\"state\":\"%s\",\"version\":%u,\"session\":%u,\"serial\":%u,"
				   "\"vrps\":%zu,\"updates\":%lu,\"resets\":%lu,\"errors\":%lu,"
				   "\"last_error\":",
				   i ? "," : "", a, c->port, r->caches[i].conf.preference,
				   rtrc_state_name(c->state), c->version, c->session, c->serial,
				   vrp_count(r->caches[i].vrps), c->updates, c->resets, c->errors);
			json_str(out, c->last_error);
			buf_put8(out, '}');
		} else {
			buf_printf(out,
				   "cache %s port %u preference %u: %s, version %u, serial %u, "
				   "%zu VRPs%s%s\n",
				   a, c->port, r->caches[i].conf.preference,
				   rtrc_state_name(c->state), c->version, c->serial,
				   vrp_count(r->caches[i].vrps),
				   c->last_error[0] ? "; last error: " : "", c->last_error);
		}
	}
	if (json)
		buf_put8(out, ']');
	if (r && r->file) {
		size_t fv = r->file_vrps ? vrp_count(r->file_vrps) : 0;

		if (json) {
			buf_printf(out, ",\"roa_file\":{\"path\":");
			json_str(out, r->file);
			buf_printf(out, ",\"vrps\":%zu,\"entries\":%zu,\"bad\":%zu,\"error\":", fv,
				   r->file_stats.entries, r->file_stats.bad);
			json_str(out, r->file_error);
			buf_put8(out, '}');
		} else {
			buf_printf(out, "roa-file %s: %zu VRPs, %zu entries, %zu bad%s%s\n",
				   r->file, fv, r->file_stats.entries, r->file_stats.bad,
				   r->file_error[0] ? "; " : "", r->file_error);
		}
	}
	if (json)
		buf_printf(out, "}\n");
}

void daemon_rov_metrics(struct daemon *d, struct buf *out)
{
	struct daemon_rov *r = d->rov;

	if (!r)
		return;
	buf_printf(out,
		   "# HELP anycast_rpki_vrps VRPs routes are validated against\n"
		   "# TYPE anycast_rpki_vrps gauge\nanycast_rpki_vrps %zu\n",
		   r->vrps ? vrp_count(r->vrps) : (size_t)0);
	if (!r->ncaches)
		return;
	buf_printf(out, "# HELP anycast_rpki_cache_up 1 while the RTR session is synced\n"
			"# TYPE anycast_rpki_cache_up gauge\n");
	for (size_t i = 0; i < r->ncaches; i++) {
		const struct rtr_client *c = r->caches[i].client;
		char a[ADDR_STRLEN];

		buf_printf(out, "anycast_rpki_cache_up{cache=\"%s:%u\"} %d\n",
			   addr_fmt(&c->addr, a), c->port, c->state == RTRC_SYNCED);
	}
}
