/* The decision process (src/bgp/decide.c, RFC 4271 9.1.2.2), one table row per step.
 *
 * Each row is built so that exactly one step decides: every earlier step ties, the row's step
 * picks `win`, and a later step would pick `tie_win` instead. The test proves the second half
 * itself rather than trusting the row's comment: it runs the row again with the row's step
 * neutralised (that one attribute made equal on every path, nothing else touched) and expects
 * `tie_win`. A row therefore fails if the step is missing, inverted or moved after the step
 * that would decide the other way. Every row runs in every insertion order, so a pairwise
 * "best so far" comparison that depends on the order (MED is not transitive) is caught too.
 *
 * Step (e), the IGP cost to the next hop, does not exist in decide.c: every neighbour is
 * directly connected, so the cost is the same for all; the next hop is never looked at. */
#include <stdint.h>
#include <stdlib.h>

#include "bgp/proto.h"
#include "bgp/decide.h"
#include "bgp/peer.h"
#include "bgp/rib.h"
#include "bgp/speaker.h"
#include "lib/log.h"
#include "t.h"

#define LOCAL_AS 64510
#define OWN -1  /* a path we originate (src NULL) */
#define NONE -1 /* LOCAL_PREF or MED absent */
#define MAXP 3

enum { IGP = 0, EGP = 1, INCOMPLETE = 2 };

/* The step a row isolates, in the order decide.c applies them. */
enum step {
	S_INPUT,      /* 9.1.2 phase 2 input: rejected paths are not candidates */
	S_OWN,        /* our own routes first */
	S_LOCAL_PREF, /* 9.1.2.1: highest LOCAL_PREF, absent = 100 */
	S_ASPATH,     /* (a) shortest AS_PATH, an AS_SET counts one */
	S_ORIGIN,     /* (b) lowest ORIGIN */
	S_MED,        /* (c) lowest MED among paths from the same neighbour AS */
	S_EBGP,       /* (d) eBGP-learnt over iBGP-learnt */
	S_ROUTER_ID,  /* (f) lowest BGP identifier */
	S_ADDRESS,    /* (g) lowest neighbour address; the last step */
};

/* The neighbours; all eBGP but I. A1b is a second session to the router behind A1 (same
 * identifier, higher address). SPARE stands in for our own path when S_OWN is neutralised. */
enum { A1, A2, B, I, A1B, SPARE, NPEERS };
/* clang-format off */
static const struct {
	const char *addr;
	uint32_t as, id;
} peer_tab[NPEERS] = {
	[A1] = {"198.18.0.2", 65001, 10},
	[A2] = {"198.18.0.4", 65001, 30},
	[B] = {"198.18.0.6", 65002, 20},
	[I] = {"198.18.0.8", LOCAL_AS, 5},
	[A1B] = {"198.18.0.12", 65001, 10},
	[SPARE] = {"198.18.0.14", 65003, 40},
};
/* clang-format on */

struct path_spec {
	int peer;           /* index in peer_tab, or OWN */
	int lp, med;        /* NONE: attribute absent */
	const char *aspath; /* "65001 65009", "65001 {1 2 3}" (braces: an AS_SET) */
	uint8_t origin;
	uint8_t rejected;
};

struct row {
	const char *name;
	enum step step;
	int n;
	struct path_spec p[MAXP];
	int win;     /* the path the step picks */
	int tie_win; /* the path a later step picks once the step ties; -1: none */
	int ecmp;    /* paths marked ECMP (equal up to the tie-breaks (f) and (g)) */
};

/* Rows laid out by hand, one or two lines each. */
/* clang-format off */
static const struct row rows[] = {
	{"rejected path never selected", S_INPUT, 2,
	 {{A1, NONE, NONE, "65001", IGP, 1}, {B, NONE, NONE, "65002 65009", IGP, 0}}, 1, 0, 1},
	/* Own route with a lower LOCAL_PREF than the neighbour's: still ours. */
	{"own route first", S_OWN, 2,
	 {{OWN, 50, NONE, "", IGP, 0}, {B, 200, NONE, "65002", IGP, 0}}, 0, 1, 1},
	{"highest LOCAL_PREF", S_LOCAL_PREF, 2,
	 {{A1, 200, NONE, "65001 65009 65010", IGP, 0}, {B, 100, NONE, "65002", IGP, 0}}, 0, 1, 1},
	{"absent LOCAL_PREF is 100", S_LOCAL_PREF, 2,
	 {{A1, NONE, NONE, "65001 65009", IGP, 0}, {B, 99, NONE, "65002", IGP, 0}}, 0, 1, 1},
	{"shortest AS_PATH", S_ASPATH, 2,
	 {{A1, NONE, NONE, "65001", INCOMPLETE, 0}, {B, NONE, NONE, "65002 65009", IGP, 0}}, 0, 1,
	 1},
	{"AS_SET counts one", S_ASPATH, 2,
	 {{A1, NONE, NONE, "65001 {64601 64602 64603}", INCOMPLETE, 0},
	  {B, NONE, NONE, "65002 65009 65010", IGP, 0}},
	 0, 1, 1},
	/* Same neighbour AS, so a later MED would decide the other way. */
	{"ORIGIN IGP over EGP", S_ORIGIN, 2,
	 {{A1, NONE, 50, "65001", IGP, 0}, {A2, NONE, 10, "65001", EGP, 0}}, 0, 1, 1},
	{"ORIGIN EGP over INCOMPLETE", S_ORIGIN, 2,
	 {{B, NONE, NONE, "65002", EGP, 0}, {A1, NONE, NONE, "65001", INCOMPLETE, 0}}, 0, 1, 1},
	/* The lower MED arrives over iBGP, so (d) would pick the other. */
	{"lowest MED, same neighbour AS", S_MED, 2,
	 {{I, NONE, 10, "65001", IGP, 0}, {A1, NONE, 20, "65001", IGP, 0}}, 0, 1, 1},
	{"absent MED is 0", S_MED, 2,
	 {{A2, NONE, NONE, "65001", IGP, 0}, {A1, NONE, 5, "65001", IGP, 0}}, 0, 1, 1},
	/* Different neighbour ASes, the other AS's MED not 0: MED must not be compared, the
	 * identifier decides. Comparing MED always would pick path 1 (MED 10). */
	{"MED ignored across neighbour ASes", S_ROUTER_ID, 2,
	 {{B, NONE, 20, "65002", IGP, 0}, {A2, NONE, 10, "65001", IGP, 0}}, 0, 1, 2},
	/* The classic non-transitive case. Pairwise: B beats A (same AS, MED), C beats B
	 * (identifier 20 < 30), A beats C (identifier 10 < 20): a cycle, so a "best so far" loop
	 * answers by arrival order. Section 9.1.2.2 removes A first (B has a lower MED in AS
	 * 65001); of B and C the identifier picks C. */
	{"MED non-transitive A,B,C", S_MED, 3,
	 {{A1, NONE, 100, "65001", IGP, 0}, {A2, NONE, 50, "65001", IGP, 0},
	  {B, NONE, 200, "65002", IGP, 0}},
	 2, 0, 2},
	{"eBGP over iBGP", S_EBGP, 2,
	 {{A2, NONE, NONE, "65001", IGP, 0}, {I, NONE, NONE, "65001", IGP, 0}}, 0, 1, 1},
	{"lowest BGP identifier", S_ROUTER_ID, 2,
	 {{B, NONE, NONE, "65002", IGP, 0}, {A2, NONE, NONE, "65001", IGP, 0}}, 0, 1, 2},
	{"lowest neighbour address", S_ADDRESS, 2,
	 {{A1, NONE, NONE, "65001", IGP, 0}, {A1B, NONE, NONE, "65001", IGP, 0}}, 0, -1, 2},
};
/* clang-format on */

static struct bgp_speaker speaker;
static struct bgp_peer peers[NPEERS];

static void peers_init(void)
{
	speaker.local_as = LOCAL_AS;
	for (int i = 0; i < NPEERS; i++) {
		memset(&peers[i], 0, sizeof(peers[i]));
		peers[i].sp = &speaker;
		CHECK(addr_parse(peer_tab[i].addr, &peers[i].conf.addr) == 0);
		peers[i].conf.remote_as = peer_tab[i].as;
		peers[i].remote_id = peer_tab[i].id;
	}
}

/* "65001 {1 2} 65003" into wire segments of 4-octet ASNs. */
static void set_aspath(struct bgp_attrs *a, const char *s)
{
	uint8_t buf[256];
	size_t len = 0, seg = SIZE_MAX; /* offset of the open segment's header */

	a->has |= BGP_AH_AS_PATH;
	while (*s) {
		char *end;

		if (*s == ' ' || *s == '{' || *s == '}') {
			if (*s != ' ')
				seg = SIZE_MAX; /* a brace closes the open segment */
			uint8_t set = *s == '{';

			s++;
			if (set) {
				seg = len;
				buf[len++] = BGP_ASSEG_SET;
				buf[len++] = 0;
			}
			continue;
		}
		uint32_t asn = (uint32_t)strtoul(s, &end, 10);

		s = end;
		if (seg == SIZE_MAX) {
			seg = len;
			buf[len++] = BGP_ASSEG_SEQUENCE;
			buf[len++] = 0;
		}
		buf[seg + 1]++;
		for (int k = 3; k >= 0; k--)
			buf[len++] = (uint8_t)(asn >> (8 * k));
	}
	free(a->aspath);
	a->aspath = len ? malloc(len) : NULL;
	if (len)
		memcpy(a->aspath, buf, len);
	a->aspath_len = (uint16_t)len;
}

/* Interned attributes for a path spec; with neutralise, the row's step is made to tie by
 * giving this path the attribute of path `to` (or, for the AS path, the same length). */
static const struct bgp_attrs *mkattrs(const struct row *r, int i, int neutralise)
{
	struct path_spec s = r->p[i];
	const struct path_spec *to = &r->p[r->tie_win < 0 ? 0 : r->tie_win];
	struct bgp_attrs a;

	if (neutralise) {
		if (r->step == S_LOCAL_PREF)
			s.lp = to->lp;
		if (r->step == S_ORIGIN)
			s.origin = to->origin;
		if (r->step == S_MED)
			s.med = to->med;
	}
	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_NEXT_HOP;
	a.origin = s.origin;
	addr_parse("198.18.0.1", &a.nexthop);
	if (s.lp != NONE) {
		a.has |= BGP_AH_LOCAL_PREF;
		a.local_pref = (uint32_t)s.lp;
	}
	if (s.med != NONE) {
		a.has |= BGP_AH_MED;
		a.med = (uint32_t)s.med;
	}
	set_aspath(&a, s.aspath);
	if (neutralise && r->step == S_ASPATH) {
		/* Pad with prepends of the first AS: the length ties, the neighbour AS stays. */
		unsigned longest = 0;

		for (int j = 0; j < r->n; j++) {
			struct bgp_attrs b;

			bgp_attrs_init(&b);
			set_aspath(&b, r->p[j].aspath);
			if (bgp_aspath_length(&b) > longest)
				longest = bgp_aspath_length(&b);
			bgp_attrs_clear(&b);
		}
		bgp_attrs_prepend(&a, bgp_aspath_first_as(&a), longest - bgp_aspath_length(&a));
	}
	const struct bgp_attrs *in = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return in;
}

static struct bgp_peer *src_of(const struct row *r, int i, int neutralise)
{
	if (r->p[i].peer == OWN)
		return neutralise && r->step == S_OWN ? &peers[SPARE] : NULL;
	return &peers[r->p[i].peer];
}

/* Runs the decision over the row's paths inserted in the order ord[]; returns the index of
 * the path marked best (-1: none, -2: the marks and the return value disagree). */
static int decide_row(const struct row *r, const int *ord, int neutralise, int *ecmp)
{
	struct rib rib;
	struct prefix px;
	int got = -1, marked = 0;

	peers_init();
	if (neutralise && r->step == S_EBGP)
		for (int i = 0; i < r->n; i++)
			if (r->p[i].peer != OWN)
				peers[r->p[i].peer].conf.remote_as =
					peer_tab[r->p[r->tie_win].peer].as;
	if (neutralise && r->step == S_ROUTER_ID)
		for (int i = 0; i < r->n; i++)
			peers[r->p[i].peer].remote_id = peer_tab[r->p[r->tie_win].peer].id;
	rib_init(&rib);
	prefix_parse("203.0.113.0/24", &px);
	for (int k = 0; k < r->n; k++) {
		int i = ord[k];
		const struct bgp_attrs *a = mkattrs(r, i, neutralise);
		uint8_t flags = r->p[i].rejected && !(neutralise && r->step == S_INPUT)
					? RIB_PATH_REJECTED | RIB_PATH_FILTERED
					: 0;

		rib_update(&rib, &px, src_of(r, i, neutralise), a, flags);
		bgp_attrs_unref(a);
	}
	struct rib_node *node = rib_lookup(&rib, &px);
	struct rib_path *best = bgp_decide(&speaker, node);

	*ecmp = 0;
	for (int i = 0; i < r->n; i++) {
		struct rib_path *p = rib_path_of(node, src_of(r, i, neutralise));

		*ecmp += p->ecmp;
		if (p->best) {
			marked++;
			got = i;
		}
		if (p == best && !p->best)
			got = -2;
	}
	if (marked > 1 || (best == NULL) != (marked == 0))
		got = -2;
	rib_free(&rib);
	return got;
}

static const int orders[][MAXP] = { { 0, 1, 2 }, { 0, 2, 1 }, { 1, 0, 2 },
				    { 1, 2, 0 }, { 2, 0, 1 }, { 2, 1, 0 } };

static void test_steps(void)
{
	for (size_t ri = 0; ri < sizeof(rows) / sizeof(rows[0]); ri++) {
		const struct row *r = &rows[ri];

		for (size_t o = 0; o < sizeof(orders) / sizeof(orders[0]); o++) {
			int ecmp, got;

			if (r->n == 2 && orders[o][2] != 2)
				continue; /* two paths: the orders of 0 and 1 only */
			got = decide_row(r, orders[o], 0, &ecmp);
			if (got != r->win || ecmp != r->ecmp) {
				fprintf(stderr,
					"row \"%s\", order %d%d%d: best path %d (ecmp %d), "
					"expected %d (ecmp %d)\n",
					r->name, orders[o][0], orders[o][1], orders[o][2], got,
					ecmp, r->win, r->ecmp);
				t_case_failed = 1;
			}
			if (r->tie_win < 0)
				continue;
			got = decide_row(r, orders[o], 1, &ecmp);
			if (got != r->tie_win) {
				fprintf(stderr,
					"row \"%s\", order %d%d%d, step made to tie: best path "
					"%d, expected %d (a later step must decide the other way)\n",
					r->name, orders[o][0], orders[o][1], orders[o][2], got,
					r->tie_win);
				t_case_failed = 1;
			}
		}
	}
}

/* The control above relies on the table: a row whose step and tie_win agree would prove
 * nothing. */
static void test_rows_are_decisive(void)
{
	for (size_t ri = 0; ri < sizeof(rows) / sizeof(rows[0]); ri++)
		CHECK(rows[ri].tie_win != rows[ri].win);
}

/* Every path of a prefix is a candidate, however many neighbours send it: with 100 paths the
 * oldest one (LOCAL_PREF 200, the last in the node's list since rib_update puts a new path at
 * the head) stays the best, alone, and no path past the 64th is skipped. */
static void test_many_paths(void)
{
	enum { N = 100 };
	struct bgp_peer *ps = calloc(N, sizeof(*ps));
	struct rib rib;
	struct prefix px;
	char addr[32];

	peers_init();
	rib_init(&rib);
	prefix_parse("192.0.2.0/24", &px);
	for (int i = 0; i < N; i++) {
		struct path_spec s = { 0, i == 0 ? 200 : 100, NONE, "65001", IGP, 0 };
		struct row r = { .n = 1, .p = { s } };

		ps[i].sp = &speaker;
		snprintf(addr, sizeof(addr), "198.18.1.%d", i + 1);
		addr_parse(addr, &ps[i].conf.addr);
		ps[i].conf.remote_as = 65001;
		ps[i].remote_id = 1000 - (uint32_t)i; /* the newest has the lowest identifier */
		const struct bgp_attrs *a = mkattrs(&r, 0, 0);

		rib_update(&rib, &px, &ps[i], a, 0);
		bgp_attrs_unref(a);
		struct rib_path *best = bgp_decide(&speaker, rib_lookup(&rib, &px));

		CHECK(best && best->src == &ps[0]);
	}
	int ecmp = 0;

	for (const struct rib_path *p = rib_lookup(&rib, &px)->paths; p; p = p->next)
		ecmp += p->ecmp;
	CHECK_INT(ecmp, 1);
	/* Once the oldest is rejected, the other 99 tie: all ECMP, the lowest identifier best. */
	struct path_spec s0 = { 0, 200, NONE, "65001", IGP, 0 };
	struct row r0 = { .n = 1, .p = { s0 } };
	const struct bgp_attrs *a0 = mkattrs(&r0, 0, 0);

	rib_update(&rib, &px, &ps[0], a0, RIB_PATH_REJECTED | RIB_PATH_FILTERED);
	bgp_attrs_unref(a0);
	CHECK(bgp_decide(&speaker, rib_lookup(&rib, &px))->src == &ps[N - 1]);
	ecmp = 0;
	for (const struct rib_path *p = rib_lookup(&rib, &px)->paths; p; p = p->next)
		ecmp += p->ecmp;
	CHECK_INT(ecmp, N - 1);
	rib_free(&rib);
	free(ps);
}

int main(void)
{
	log_init("test_decide", 1, LOG_LVL_ERR);
	RUN(test_rows_are_decisive);
	RUN(test_steps);
	RUN(test_many_paths);
	CHECK_INT(bgp_attrs_interned_count(), 0);
	return t_done();
}
