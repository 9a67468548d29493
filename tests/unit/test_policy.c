/* The decision process (RFC 4271 9.1.2.2), import policy (LOCAL_PREF by relation, OTC of
 * RFC 9234) and export rules (Gao-Rexford, OTC egress, prepend, allow-lists), on hand-made
 * neighbours without sockets. */
#include <stdlib.h>

#include "bgp/decide.h"
#include "bgp/export.h"
#include "bgp/policy.h"
#include "bgp/speaker.h"
#include "lib/log.h"
#include "t.h"

#define LOCAL_AS 64510

static struct bgp_speaker *sp;

static struct bgp_peer *mkpeer(const char *addr, uint32_t as, uint8_t role, uint32_t id)
{
	struct bgp_peer *p = xcalloc(1, sizeof(*p));
	struct bgp_conn *c = xcalloc(1, sizeof(*c));

	p->sp = sp;
	addr_parse(addr, &p->conf.addr);
	p->conf.remote_as = as;
	p->conf.role = role;
	p->remote_id = id;
	p->state = BGP_ESTABLISHED;
	p->ctx.ebgp = as != LOCAL_AS;
	p->ctx.as4 = 1;
	p->ctx.mp_ipv4 = 1;
	p->conn = c;
	c->peer = p;
	c->state = BGP_ESTABLISHED;
	addr_parse("198.18.0.1", &c->local);
	return p;
}

static void rmpeer(struct bgp_peer *p)
{
	free(p->conn);
	free(p);
}

/* An interned set: AS path asns[0..n), origin, optional MED. */
static const struct bgp_attrs *mkattrs(const uint32_t *asns, size_t n, uint8_t origin, int med)
{
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_NEXT_HOP;
	a.origin = origin;
	bgp_attrs_set_aspath(&a, asns, n);
	addr_parse("198.18.0.0", &a.nexthop);
	if (med >= 0) {
		a.has |= BGP_AH_MED;
		a.med = (uint32_t)med;
	}
	const struct bgp_attrs *i = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return i;
}

/* Imports as a session would: policy on a scratch copy, then the RIB. */
static void import(struct bgp_peer *p, const char *pfx, const struct bgp_attrs *in)
{
	struct bgp_attrs a;
	struct prefix px;

	prefix_parse(pfx, &px);
	bgp_attrs_copy(&a, in);
	uint8_t flags = bgp_import_attrs(sp, p, &a);
	const struct bgp_attrs *i = bgp_attrs_intern(&a);

	rib_update(&sp->rib, &px, p, i, flags);
	bgp_attrs_unref(i);
	bgp_attrs_clear(&a);
	bgp_decide(sp, rib_lookup(&sp->rib, &px));
}

static const struct rib_path *best_of(const char *pfx)
{
	struct prefix px;

	prefix_parse(pfx, &px);
	struct rib_node *n = rib_lookup(&sp->rib, &px);

	for (const struct rib_path *p = n ? n->paths : NULL; p; p = p->next)
		if (p->best)
			return p;
	return NULL;
}

static void test_decision_steps(void)
{
	struct bgp_peer *a = mkpeer("198.18.0.2", 65001, BGP_ROLE_NONE, 2);
	struct bgp_peer *b = mkpeer("198.18.0.4", 65002, BGP_ROLE_NONE, 1);
	uint32_t p1[] = { 65001 }, p2[] = { 65002, 65009 }, p3[] = { 65002 };
	const struct bgp_attrs *s1 = mkattrs(p1, 1, 0, -1), *s2 = mkattrs(p2, 2, 0, -1);
	const struct bgp_attrs *s3 = mkattrs(p3, 1, 2, -1), *s4 = mkattrs(p3, 1, 0, -1);

	/* Shorter AS path wins. */
	import(a, "203.0.113.0/24", s1);
	import(b, "203.0.113.0/24", s2);
	CHECK(best_of("203.0.113.0/24")->src == a);
	/* Same length: lower ORIGIN wins (IGP over INCOMPLETE). */
	import(a, "198.51.100.0/24", s3); /* origin incomplete via a */
	import(b, "198.51.100.0/24", s4); /* origin IGP via b */
	CHECK(best_of("198.51.100.0/24")->src == b);
	/* All equal: the lower BGP identifier (b: 1) wins, both are ECMP. */
	import(a, "192.0.2.0/24", s1);
	import(b, "192.0.2.0/24", s4);
	const struct rib_path *w = best_of("192.0.2.0/24");

	CHECK(w->src == b);
	struct prefix px;

	prefix_parse("192.0.2.0/24", &px);
	int ecmp = 0;

	for (const struct rib_path *p = rib_lookup(&sp->rib, &px)->paths; p; p = p->next)
		ecmp += p->ecmp;
	CHECK_INT(ecmp, 2);
	bgp_attrs_unref(s1);
	bgp_attrs_unref(s2);
	bgp_attrs_unref(s3);
	bgp_attrs_unref(s4);
	rib_free(&sp->rib);
	rmpeer(a);
	rmpeer(b);
}

static void test_med_same_as_only(void)
{
	/* MED compares only paths from the same neighbouring AS (9.1.2.2 c). a and b are AS
	 * 65001 (MED 50 and 10), c is AS 65002 with MED 0 but a higher identifier. */
	struct bgp_peer *a = mkpeer("198.18.0.2", 65001, BGP_ROLE_NONE, 1);
	struct bgp_peer *b = mkpeer("198.18.0.4", 65001, BGP_ROLE_NONE, 3);
	struct bgp_peer *c = mkpeer("198.18.0.6", 65002, BGP_ROLE_NONE, 2);
	uint32_t pa[] = { 65001 }, pc[] = { 65002 };
	const struct bgp_attrs *ma = mkattrs(pa, 1, 0, 50), *mb = mkattrs(pa, 1, 0, 10);
	const struct bgp_attrs *mc = mkattrs(pc, 1, 0, 0);

	import(a, "203.0.113.0/24", ma);
	import(b, "203.0.113.0/24", mb);
	import(c, "203.0.113.0/24", mc);
	/* a is out (higher MED than b); between b (id 3) and c (id 2) the identifier decides. */
	CHECK(best_of("203.0.113.0/24")->src == c);
	bgp_attrs_unref(ma);
	bgp_attrs_unref(mb);
	bgp_attrs_unref(mc);
	rib_free(&sp->rib);
	rmpeer(a);
	rmpeer(b);
	rmpeer(c);
}

static void test_gao_rexford_preference(void)
{
	/* A customer's route wins over a provider's even with a longer AS path. */
	struct bgp_peer *cust = mkpeer("198.18.0.2", 65001, BGP_ROLE_PROVIDER, 9);
	struct bgp_peer *prov = mkpeer("198.18.0.4", 65002, BGP_ROLE_CUSTOMER, 1);
	struct bgp_peer *peer = mkpeer("198.18.0.6", 65003, BGP_ROLE_PEER, 1);
	uint32_t longp[] = { 65001, 65100, 65200, 65300 }, shortp[] = { 65002 },
		 pp[] = { 65003, 65300 };
	const struct bgp_attrs *l = mkattrs(longp, 4, 0, -1), *s = mkattrs(shortp, 1, 0, -1);
	const struct bgp_attrs *m = mkattrs(pp, 2, 0, -1);

	CHECK_INT(bgp_peer_rel(cust), BGP_REL_CUSTOMER);
	CHECK_INT(bgp_peer_rel(prov), BGP_REL_PROVIDER);
	CHECK_INT(bgp_peer_rel(peer), BGP_REL_PEER);
	import(prov, "203.0.113.0/24", s);
	import(peer, "203.0.113.0/24", m);
	CHECK(best_of("203.0.113.0/24")->src == peer); /* peer over provider */
	import(cust, "203.0.113.0/24", l);
	CHECK(best_of("203.0.113.0/24")->src == cust); /* customer over both */
	CHECK_INT(best_of("203.0.113.0/24")->attrs->local_pref, 200);
	bgp_attrs_unref(l);
	bgp_attrs_unref(s);
	bgp_attrs_unref(m);
	rib_free(&sp->rib);
	rmpeer(cust);
	rmpeer(prov);
	rmpeer(peer);
}

static void test_loop_and_otc_ingress(void)
{
	struct bgp_peer *cust = mkpeer("198.18.0.2", 65001, BGP_ROLE_PROVIDER, 1);
	struct bgp_peer *peer = mkpeer("198.18.0.6", 65003, BGP_ROLE_PEER, 1);
	struct bgp_peer *prov = mkpeer("198.18.0.4", 65002, BGP_ROLE_CUSTOMER, 1);
	uint32_t loop[] = { 65001, LOCAL_AS }, pc[] = { 65001 }, pp[] = { 65003 }, pv[] = { 65002 };
	struct bgp_attrs a;

	const struct bgp_attrs *l = mkattrs(loop, 2, 0, -1);

	import(cust, "192.0.2.0/24", l);
	CHECK(best_of("192.0.2.0/24") == NULL);
	bgp_attrs_unref(l);

	/* OTC from a customer: a leak. */
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_OTC;
	a.otc = 65009;
	bgp_attrs_set_aspath(&a, pc, 1);
	CHECK(bgp_import_attrs(sp, cust, &a) & RIB_PATH_LEAK);
	/* OTC from a peer naming another AS: a leak; naming the peer: fine. */
	bgp_attrs_set_aspath(&a, pp, 1);
	CHECK(bgp_import_attrs(sp, peer, &a) & RIB_PATH_LEAK);
	a.otc = 65003;
	CHECK_INT(bgp_import_attrs(sp, peer, &a), 0);
	/* From a provider without OTC: it gets one, with the provider's AS. */
	a.has &= ~BGP_AH_OTC;
	bgp_attrs_set_aspath(&a, pv, 1);
	CHECK_INT(bgp_import_attrs(sp, prov, &a), 0);
	CHECK(a.has & BGP_AH_OTC);
	CHECK_INT(a.otc, 65002);
	CHECK_INT(a.local_pref, 50);
	bgp_attrs_clear(&a);
	rib_free(&sp->rib);
	rmpeer(cust);
	rmpeer(peer);
	rmpeer(prov);
}

/* What `to` would be sent for prefix (NULL: nothing). Caller unrefs. */
static const struct bgp_attrs *exported(struct bgp_peer *to, const char *pfx)
{
	struct prefix px;

	prefix_parse(pfx, &px);
	return bgp_export_attrs(sp, to, rib_lookup(&sp->rib, &px));
}

static void test_export_rules(void)
{
	struct bgp_peer *cust = mkpeer("198.18.0.2", 65001, BGP_ROLE_PROVIDER, 1);
	struct bgp_peer *cust2 = mkpeer("198.18.0.8", 65004, BGP_ROLE_PROVIDER, 1);
	struct bgp_peer *prov = mkpeer("198.18.0.4", 65002, BGP_ROLE_CUSTOMER, 1);
	struct bgp_peer *peer = mkpeer("198.18.0.6", 65003, BGP_ROLE_PEER, 1);
	uint32_t pc[] = { 65001 }, pp[] = { 65003 };
	const struct bgp_attrs *ca = mkattrs(pc, 1, 0, 5), *pa = mkattrs(pp, 1, 0, -1);
	const struct bgp_attrs *x;

	sp->transit = 1;
	import(cust, "192.0.2.0/24", ca);
	import(peer, "203.0.113.0/24", pa);
	/* A customer's route goes to providers and peers, with our AS in front, next hop self,
	 * no MED and no LOCAL_PREF; towards the peer it is marked Only-to-Customer. */
	x = exported(prov, "192.0.2.0/24");
	CHECK(x && bgp_aspath_first_as(x) == LOCAL_AS && bgp_aspath_length(x) == 2);
	CHECK(x && !(x->has & (BGP_AH_MED | BGP_AH_LOCAL_PREF | BGP_AH_OTC)));
	bgp_attrs_unref(x);
	x = exported(peer, "192.0.2.0/24");
	CHECK(x && (x->has & BGP_AH_OTC) && x->otc == LOCAL_AS);
	bgp_attrs_unref(x);
	/* Never back to the customer it came from. */
	CHECK(exported(cust, "192.0.2.0/24") == NULL);
	/* A peer's route goes to customers only. */
	CHECK(exported(prov, "203.0.113.0/24") == NULL);
	x = exported(cust2, "203.0.113.0/24");
	CHECK(x != NULL);
	bgp_attrs_unref(x);
	/* Prepends towards one neighbour; an export allow-list that does not match. */
	prov->conf.prepend = 2;
	x = exported(prov, "192.0.2.0/24");
	CHECK(x && bgp_aspath_length(x) == 4);
	bgp_attrs_unref(x);
	struct conf_prefix_filter f = { .or_longer = 1 };

	prefix_parse("198.51.100.0/24", &f.pfx);
	prov->conf.export_allow = &f;
	prov->conf.nexport_allow = 1;
	CHECK(exported(prov, "192.0.2.0/24") == NULL);
	prefix_parse("192.0.0.0/16", &f.pfx);
	x = exported(prov, "192.0.2.0/24");
	CHECK(x != NULL);
	bgp_attrs_unref(x);
	prov->conf.export_allow = NULL;
	prov->conf.nexport_allow = 0;
	/* In node mode nothing learnt is passed on. */
	sp->transit = 0;
	CHECK(exported(prov, "192.0.2.0/24") == NULL);
	bgp_attrs_unref(ca);
	bgp_attrs_unref(pa);
	rib_free(&sp->rib);
	rmpeer(cust);
	rmpeer(cust2);
	rmpeer(prov);
	rmpeer(peer);
}

int main(void)
{
	log_init("test_policy", 1, LOG_LVL_ERR);
	sp = bgp_speaker_new(ev_loop_new(), LOCAL_AS, 0xC6120001u);
	RUN(test_decision_steps);
	RUN(test_med_same_as_only);
	RUN(test_gao_rexford_preference);
	RUN(test_loop_and_otc_ingress);
	RUN(test_export_rules);
	CHECK_INT(bgp_attrs_interned_count(), 0);
	return t_done();
}
