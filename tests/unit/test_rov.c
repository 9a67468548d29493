/* Route origin validation in the speaker (src/bgp/rov.c) and its configuration
 * (src/conf/conf_rpki.c): the origin AS of RFC 6811, the three policies through the real import
 * path (bgp_adjin_update), re-validation when the VRPs change (only the covered prefixes, no
 * UPDATE needed, rejected routes coming back), prefer-valid in the decision process, and the
 * rpki/roa-file/watch/rov keywords with the default policy of each mode. */
#include <stdint.h>
#include <stdlib.h>

#include "bgp/adjin.h"
#include "bgp/proto.h"
#include "bgp/rov.h"
#include "bgp/speaker.h"
#include "conf/conf.h"
#include "daemon/alerts.h"
#include "daemon/daemon.h"
#include "lib/log.h"
#include "rpki/vrp.h"
#include "t.h"

#define LOCAL_AS 64510

static struct prefix pfx(const char *s)
{
	struct prefix p;

	CHECK(prefix_parse(s, &p) == 0);
	return p;
}

static struct vrp vrp(const char *p, uint8_t maxlen, uint32_t asn)
{
	struct vrp v = { .pfx = pfx(p), .maxlen = maxlen, .asn = asn };

	return v;
}

/* Wire AS path segments: each seg is {type, n, asns...}. */
static void set_segments(struct bgp_attrs *a, const uint32_t *segs, size_t nwords)
{
	uint8_t buf[128];
	size_t len = 0;

	for (size_t i = 0; i < nwords;) {
		uint32_t type = segs[i], n = segs[i + 1];

		buf[len++] = (uint8_t)type;
		buf[len++] = (uint8_t)n;
		for (uint32_t k = 0; k < n; k++)
			for (int b = 3; b >= 0; b--)
				buf[len++] = (uint8_t)(segs[i + 2 + k] >> (8 * b));
		i += 2 + n;
	}
	free(a->aspath);
	a->aspath = len ? malloc(len) : NULL;
	if (len)
		memcpy(a->aspath, buf, len);
	a->aspath_len = (uint16_t)len;
	a->has |= BGP_AH_AS_PATH;
}

static void test_origin(void)
{
	static const struct {
		uint32_t segs[12];
		size_t n;
		uint32_t origin;
	} rows[] = {
		{ { BGP_ASSEG_SEQUENCE, 2, 64500, 65001 }, 4, 65001 },
		{ { 0 }, 0, LOCAL_AS }, /* empty: a route of our own AS */
		{ { BGP_ASSEG_SEQUENCE, 1, 64500, BGP_ASSEG_SET, 2, 65001, 65002 },
		  7,
		  ROV_ORIGIN_NONE },
		{ { BGP_ASSEG_SET, 1, 65009, BGP_ASSEG_SEQUENCE, 2, 64500, 65003 }, 7, 65003 },
		/* confederation segments are not the origin */
		{ { BGP_ASSEG_SEQUENCE, 1, 65004, BGP_ASSEG_CONFED_SEQ, 1, 65100 }, 6, 65004 },
		{ { BGP_ASSEG_CONFED_SEQ, 1, 65100 }, 3, LOCAL_AS },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bgp_attrs a;

		bgp_attrs_init(&a);
		set_segments(&a, rows[i].segs, rows[i].n);
		CHECK_INT(bgp_rov_origin(&a, LOCAL_AS), rows[i].origin);
		bgp_attrs_clear(&a);
	}
}

static void test_vrp_diff(void)
{
	struct vrp_table *a = vrp_table_new(), *b = vrp_table_new(), *ch = vrp_table_new();
	struct vrp v1 = vrp("192.0.2.0/24", 24, 65001), v2 = vrp("198.51.100.0/24", 24, 65001);
	struct vrp v2b = vrp("198.51.100.0/24", 25, 65001), v3 = vrp("203.0.113.0/24", 24, 1);

	vrp_add(a, &v1);
	vrp_add(a, &v2);
	vrp_add(b, &v1);
	vrp_add(b, &v1); /* a second copy is no change */
	vrp_add(b, &v2b);
	vrp_add(b, &v3);
	CHECK_INT(vrp_diff(a, b, ch), 3); /* v2 gone, v2b and v3 new */
	CHECK_INT(vrp_count(ch), 2);      /* two prefixes */
	CHECK_INT(vrp_covering(ch, &v1.pfx, NULL, 0), 0);
	struct prefix inner = pfx("198.51.100.128/25");

	CHECK_INT(vrp_covering(ch, &inner, NULL, 0), 1);
	CHECK_INT(vrp_covering(ch, &v3.pfx, NULL, 0), 1);
	CHECK(vrp_has(b, &v2b) && !vrp_has(b, &v2));
	vrp_table_free(a);
	vrp_table_free(b);
	vrp_table_free(ch);
}

/* ---- a speaker with three neighbours, one per policy, fed through bgp_adjin_update ---- */

enum { R, P, T, NPEERS };
static struct bgp_speaker sp;
static struct bgp_peer peers[NPEERS];

static void speaker_init(struct vrp_table *vrps)
{
	static const char *const addrs[] = { "198.18.0.1", "198.18.0.3", "198.18.0.5" };
	static const uint8_t pol[] = { CONF_ROV_REJECT, CONF_ROV_PREFER, CONF_ROV_TAG };

	memset(&sp, 0, sizeof(sp));
	sp.local_as = LOCAL_AS;
	sp.vrps = vrps;
	rib_init(&sp.rib);
	for (int i = 0; i < NPEERS; i++) {
		memset(&peers[i], 0, sizeof(peers[i]));
		peers[i].sp = &sp;
		CHECK(addr_parse(addrs[i], &peers[i].conf.addr) == 0);
		peers[i].conf.remote_as = 64500 + (uint32_t)i;
		peers[i].conf.rov = pol[i];
		peers[i].remote_id = 10 + (uint32_t)i;
		peers[i].ctx.mp_ipv4 = 1;
	}
}

/* Neighbour i announces prefix with AS path [remote_as, origin] (or [remote_as] if 0). */
static void announce(int i, const char *prefix, uint32_t origin)
{
	struct bgp_update u;
	struct bgp_err e;
	struct prefix p = pfx(prefix);
	uint32_t path[2] = { peers[i].conf.remote_as, origin };

	memset(&u, 0, sizeof(u));
	bgp_attrs_init(&u.attrs);
	bgp_attrs_set_aspath(&u.attrs, path, origin ? 2 : 1);
	u.attrs.has |= BGP_AH_ORIGIN | BGP_AH_NEXT_HOP;
	u.attrs.nexthop = peers[i].conf.addr;
	u.announced = &p;
	u.n_announced = 1;
	CHECK_INT(bgp_adjin_update(&peers[i], &u, &e), 0);
	bgp_attrs_clear(&u.attrs);
}

static const struct rib_path *path_of(const char *prefix, int i)
{
	struct prefix p = pfx(prefix);
	const struct rib_node *n = rib_lookup(&sp.rib, &p);

	return n ? rib_path_of(n, &peers[i]) : NULL;
}

static int best_is(const char *prefix, int i)
{
	const struct rib_path *p = path_of(prefix, i);

	return p && p->best;
}

static void test_policies_and_revalidation(void)
{
	struct vrp_table *vrps = vrp_table_new(), *next, *changed;
	struct vrp roa = vrp("203.0.113.0/24", 24, 65001);

	vrp_add(vrps, &roa);
	speaker_init(vrps);
	/* The same invalid route (origin 65002) from each neighbour, and a not-found one. */
	for (int i = 0; i < NPEERS; i++)
		announce(i, "203.0.113.0/24", 65002);
	announce(R, "198.51.100.0/24", 65002);
	for (int i = 0; i < NPEERS; i++)
		CHECK_INT(path_of("203.0.113.0/24", i)->rov, ROV_INVALID);
	CHECK_INT(path_of("198.51.100.0/24", R)->rov, ROV_NOT_FOUND);
	/* reject-invalid: kept, rejected, not accepted; the others usable */
	CHECK(path_of("203.0.113.0/24", R)->flags & RIB_PATH_REJECTED);
	CHECK(path_of("203.0.113.0/24", R)->flags & RIB_PATH_ROV);
	CHECK(!(path_of("203.0.113.0/24", P)->flags & RIB_PATH_REJECTED));
	CHECK(!(path_of("203.0.113.0/24", T)->flags & RIB_PATH_REJECTED));
	CHECK_INT(peers[R].n_paths, 2);
	CHECK_INT(peers[R].n_accepted, 1);
	/* prefer-valid ranks its invalid route below the tag-only one, although P's router id
	 * (11) is lower than T's (12): validity comes before the tie-breaks */
	CHECK(best_is("203.0.113.0/24", T));

	/* The ROA moves to 65002: only 203.0.113.0/24 is judged again, and R's route returns
	 * without any UPDATE. */
	next = vrp_table_new();
	changed = vrp_table_new();
	struct vrp moved = vrp("203.0.113.0/24", 24, 65002);

	vrp_add(next, &moved);
	vrp_diff(vrps, next, changed);
	sp.vrps = next;
	CHECK_INT(bgp_rov_revalidate(&sp, changed, NULL), 1);
	for (int i = 0; i < NPEERS; i++)
		CHECK_INT(path_of("203.0.113.0/24", i)->rov, ROV_VALID);
	CHECK(!(path_of("203.0.113.0/24", R)->flags & (RIB_PATH_REJECTED | RIB_PATH_ROV)));
	CHECK_INT(peers[R].n_accepted, 2);
	/* all valid now, but only P's policy ranks by validity: its valid route beats the
	 * others (ranked as not-found), although R's router id (10) is lower */
	CHECK(best_is("203.0.113.0/24", P));
	/* nothing changed for the VRPs of an unrelated prefix */
	vrp_table_free(changed);
	changed = vrp_table_new();
	struct vrp other = vrp("192.0.2.0/24", 24, 1);

	vrp_add(changed, &other);
	CHECK_INT(bgp_rov_revalidate(&sp, changed, NULL), 0);

	/* Policy change of one neighbour (reload): T becomes reject-invalid; a new ROA makes
	 * everything invalid; T's route is rejected, P's stays usable and wins. */
	vrp_del(next, &moved);
	vrp_add(next, &roa);
	peers[T].conf.rov = CONF_ROV_REJECT;
	CHECK_INT(bgp_rov_revalidate(&sp, NULL, NULL), 1);
	CHECK(path_of("203.0.113.0/24", T)->flags & RIB_PATH_REJECTED);
	CHECK(path_of("203.0.113.0/24", R)->flags & RIB_PATH_REJECTED);
	CHECK(best_is("203.0.113.0/24", P));
	/* and back to tag-only for T alone */
	peers[T].conf.rov = CONF_ROV_TAG;
	CHECK_INT(bgp_rov_revalidate(&sp, NULL, &peers[T]), 1);
	CHECK(!(path_of("203.0.113.0/24", T)->flags & RIB_PATH_REJECTED));
	CHECK(path_of("203.0.113.0/24", R)->flags & RIB_PATH_REJECTED);

	for (int i = 0; i < NPEERS; i++)
		bgp_adjin_clear(&peers[i]);
	CHECK_INT(sp.rib.count, 0);
	rib_free(&sp.rib);
	vrp_table_free(changed);
	vrp_table_free(vrps);
	vrp_table_free(next);
}

/* A route the loop check rejects stays rejected when its ROA turns valid. */
static void test_other_rejection_kept(void)
{
	struct vrp_table *vrps = vrp_table_new();
	struct vrp roa = vrp("203.0.113.0/24", 24, LOCAL_AS);

	speaker_init(vrps);
	announce(R, "203.0.113.0/24", LOCAL_AS); /* our own AS in the path: a loop */
	CHECK(path_of("203.0.113.0/24", R)->flags & RIB_PATH_LOOP);
	vrp_add(vrps, &roa);
	bgp_rov_revalidate(&sp, NULL, NULL);
	CHECK_INT(path_of("203.0.113.0/24", R)->rov, ROV_VALID);
	CHECK(path_of("203.0.113.0/24", R)->flags & RIB_PATH_REJECTED);
	CHECK_INT(peers[R].n_accepted, 0);
	bgp_adjin_clear(&peers[R]);
	rib_free(&sp.rib);
	vrp_table_free(vrps);
}

static void test_conf(void)
{
	static const char text[] =
		"router-id 198.18.0.1\nlocal-as 64510\nfib yes\n"
		"rpki 127.0.0.1:8282 preference 2\nrpki [2001:db8::1]\n"
		"roa-file /var/lib/rpki-client/json\nmonitor yes\n"
		"watch 192.0.2.0/24 origin 65001\nwatch 192.0.2.0/24 origin 65002\n"
		"neighbor 198.18.0.0 { remote-as 64500 }\n"
		"neighbor 198.18.0.2 {\n remote-as 64501\n rov prefer-valid\n}\n";
	struct conf c;
	char err[256] = "";

	CHECK_INT(conf_parse("t.conf", text, sizeof(text) - 1, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(c.nrpki, 2);
	if (c.nrpki == 2) {
		CHECK_INT(c.rpki[0].port, 8282);
		CHECK_INT(c.rpki[0].preference, 2);
		CHECK_INT(c.rpki[1].port, 323);
		CHECK_INT(c.rpki[1].preference, 100);
	}
	CHECK_STR(c.roa_file, "/var/lib/rpki-client/json");
	CHECK_INT(c.monitor, 1);
	CHECK_INT(c.nwatch, 2);
	CHECK_INT(c.neighbors[0].rov, CONF_ROV_REJECT); /* router mode with a cache */
	CHECK_INT(c.neighbors[1].rov, CONF_ROV_PREFER);
	conf_free(&c);

	/* without a cache or file, or on a site: tag-only */
	static const char *const tag_only[] = {
		"router-id 198.18.0.1\nlocal-as 64510\nfib yes\nneighbor 198.18.0.0 { remote-as 1 }\n",
		"router-id 198.18.0.1\nlocal-as 64510\nrpki 127.0.0.1\n"
		"neighbor 198.18.0.0 { remote-as 1 }\n",
	};
	for (size_t i = 0; i < 2; i++) {
		CHECK_INT(conf_parse("t.conf", tag_only[i], strlen(tag_only[i]), &c, err,
				     sizeof(err)),
			  0);
		CHECK_INT(c.neighbors[0].rov, CONF_ROV_TAG);
		conf_free(&c);
	}

	static const struct {
		const char *text, *err;
	} bad[] = {
		{ "rpki 127.0.0.1:99999\n",
		  "t.conf:1:6: invalid RTR cache address '127.0.0.1:99999'" },
		{ "rpki 127.0.0.1 pref 1\n",
		  "t.conf:1:16: unexpected 'pref' (expected preference N)" },
		{ "rpki 127.0.0.1 preference 300\n", "t.conf:1:27: invalid preference '300'" },
		{ "rpki 127.0.0.1\nrpki 127.0.0.1:323\n", "t.conf:2:6: duplicate rpki cache" },
		{ "watch 192.0.2.0/24 asn 1\n",
		  "t.conf:1:20: unexpected 'asn' (expected origin ASN)" },
		{ "watch 192.0.2.1/24 origin 1\n", "t.conf:1:7:" },
		{ "watch 192.0.2.0/24 origin 0\n", "t.conf:1:27: invalid origin AS '0'" },
		{ "neighbor 198.18.0.0 {\n remote-as 1\n rov drop-invalid\n}\n",
		  "t.conf:3:6: unknown rov policy 'drop-invalid'" },
		{ "monitor maybe\n", "t.conf:1:9:" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		CHECK_INT(conf_parse("t.conf", bad[i].text, strlen(bad[i].text), &c, err,
				     sizeof(err)),
			  -1);
		if (strncmp(err, bad[i].err, strlen(bad[i].err)) != 0) {
			fprintf(stderr, "bad[%zu]: got \"%s\", expected \"%s...\"\n", i, err,
				bad[i].err);
			CHECK(0);
		}
		conf_free(&c);
	}
}

/* Hijack alarms (src/daemon/alerts.c) on a site with `monitor yes` and a `watch`: the kinds,
 * one alarm per (prefix, neighbour, origin, kind) however often the route changes, the end of
 * an alarm when the route goes, and the metric. */
static void test_alerts(void)
{
	static const char text[] = "router-id 198.18.0.1\nlocal-as 65001\nmonitor yes\n"
				   "watch 198.51.100.0/24 origin 65002\n"
				   "service dns {\n prefix 192.0.2.0/24\n}\n";
	struct daemon d;
	struct conf c;
	char err[256] = "";
	struct buf out;
	struct rib rib;
	struct bgp_peer nb;
	static const struct {
		const char *prefix;
		uint32_t origin;
		uint8_t rov;
		const char *kind; /* NULL: no alarm */
	} rows[] = {
		{ "192.0.2.0/24", 65001, ROV_VALID, NULL },       /* ours */
		{ "192.0.2.0/24", 64666, ROV_INVALID, "origin" }, /* foreign origin */
		{ "192.0.2.128/25", 64666, ROV_NOT_FOUND, "more-specific" },
		{ "192.0.2.0/25", 65001, ROV_INVALID, "invalid" }, /* ours, beyond max length */
		{ "192.0.2.0/26", 65001, ROV_NOT_FOUND, NULL },    /* ours, not invalid */
		{ "198.51.100.0/24", 65002, ROV_NOT_FOUND, NULL }, /* the watch's own origin */
		{ "198.51.100.0/24", 65001, ROV_NOT_FOUND, "origin" },
		{ "203.0.113.0/24", 64666, ROV_INVALID, NULL }, /* not watched */
	};

	CHECK_INT(conf_parse("t.conf", text, sizeof(text) - 1, &c, err, sizeof(err)), 0);
	memset(&d, 0, sizeof(d));
	d.conf.local_as = 65001;
	daemon_alerts_apply(&d, &c);
	memset(&nb, 0, sizeof(nb));
	CHECK(addr_parse("198.18.0.0", &nb.conf.addr) == 0);
	rib_init(&rib);
	buf_init(&out);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct bgp_attrs a;
		uint32_t path[2] = { 64500, rows[i].origin };
		struct prefix p = pfx(rows[i].prefix);

		bgp_attrs_init(&a);
		bgp_attrs_set_aspath(&a, path, 2);
		const struct bgp_attrs *in = bgp_attrs_intern(&a);

		/* twice, as a re-announcement would: still one alarm */
		for (int k = 0; k < 2; k++) {
			rib_update(&rib, &p, &nb, in, 0);
			rib_path_of(rib_lookup(&rib, &p), &nb)->rov = rows[i].rov;
			daemon_alerts_route(&d, &p, rib_lookup(&rib, &p));
		}
		bgp_attrs_unref(in);
		bgp_attrs_clear(&a);
		buf_reset(&out);
		daemon_alerts_show(&d, 1, &out);
		buf_put8(&out, 0);
		char want[128];

		snprintf(want, sizeof(want), "\"prefix\":\"%s\",\"origin\":%u,", rows[i].prefix,
			 rows[i].origin);
		const char *hit = strstr((char *)out.data, want);

		if (!rows[i].kind) {
			CHECK(hit == NULL);
		} else {
			char k[64];

			snprintf(k, sizeof(k), "\"kind\":\"%s\"", rows[i].kind);
			CHECK(hit && strstr(hit, k) && strstr(hit, "\"neighbor\":\"198.18.0.0\""));
		}
		/* the route goes: its alarm ends */
		rib_withdraw(&rib, &p, &nb);
		daemon_alerts_route(&d, &p, NULL);
	}
	buf_reset(&out);
	daemon_alerts_show(&d, 1, &out);
	buf_put8(&out, 0);
	CHECK_STR((char *)out.data, "[]\n");

	/* two neighbours' worth in the metric: one line, value 1 per (prefix, origin) */
	struct prefix p = pfx("192.0.2.0/24");
	struct bgp_attrs a;
	uint32_t path[2] = { 64500, 64666 };

	bgp_attrs_init(&a);
	bgp_attrs_set_aspath(&a, path, 2);
	const struct bgp_attrs *in = bgp_attrs_intern(&a);

	rib_update(&rib, &p, &nb, in, 0);
	daemon_alerts_route(&d, &p, rib_lookup(&rib, &p));
	buf_reset(&out);
	daemon_alerts_metrics(&d, &out);
	buf_put8(&out, 0);
	CHECK(strstr((char *)out.data,
		     "anycast_hijack_routes{prefix=\"192.0.2.0/24\",origin=\"64666\"} 1\n") !=
	      NULL);
	CHECK(strstr((char *)out.data, "anycast_hijack_events_total 5\n") != NULL);
	bgp_attrs_unref(in);
	bgp_attrs_clear(&a);
	daemon_alerts_stop(&d);
	rib_free(&rib);
	buf_free(&out);
	conf_free(&c);
}

int main(void)
{
	RUN(test_origin);
	RUN(test_vrp_diff);
	RUN(test_policies_and_revalidation);
	RUN(test_other_rejection_kept);
	RUN(test_conf);
	RUN(test_alerts);
	return t_done();
}
