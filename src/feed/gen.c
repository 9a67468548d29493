/* The synthetic table generator (see feed.h for the shape of the table and why).
 *
 * Everything is a function of the seed and an index, nothing is stored per route:
 *   route r -> slot order(r) in [0, n); slots are cut into one range per prefix length, with
 *   exactly the mix's count in each; slot j of length L -> the perm_L(j)-th prefix of length L
 *   that avoids the excluded ranges. Both maps are permutations, so prefixes are unique.
 *   group k -> its size and its attribute set, from a hash of (seed, k); groups take routes in
 *   order, so route r belongs to the group whose run covers r. */
#include "feed/feed.h"

#include <string.h>
#include <sys/socket.h>

#include "bgp/proto.h"

static const struct feed_mix mix4[] = {
	{ 8, 2 },     { 9, 3 },     { 10, 8 },     { 11, 25 },    { 12, 60 },    { 13, 120 },
	{ 14, 250 },  { 15, 400 },  { 16, 1400 },  { 17, 900 },   { 18, 1500 },  { 19, 2700 },
	{ 20, 4400 }, { 21, 4600 }, { 22, 11600 }, { 23, 10800 }, { 24, 60997 }, { 25, 100 },
	{ 26, 60 },   { 27, 40 },   { 28, 35 },
};

/* Squeezed into 2001:db8::/32: the global table's /48 bulk and its /32-/44 allocations become
 * /48s and /36-/47s here, with room to spill into /52-/64. */
static const struct feed_mix mix6[] = {
	{ 33, 200 },   { 34, 200 },   { 35, 200 },   { 36, 1500 }, { 37, 300 },
	{ 38, 400 },   { 39, 500 },   { 40, 5000 },  { 41, 600 },  { 42, 1000 },
	{ 43, 800 },   { 44, 10000 }, { 45, 1500 },  { 46, 3000 }, { 47, 2500 },
	{ 48, 40000 }, { 52, 5000 },  { 56, 10000 }, { 60, 4000 }, { 64, 13300 },
};

/* Where a length's excess goes when its space runs out: the long end of the table. */
static const uint8_t spill4[] = { 24, 23, 22, 21, 20, 25, 26, 27, 28 };
static const uint8_t spill6[] = { 64, 60, 56, 52, 48 };

/* Special-purpose and lab ranges no synthetic IPv4 prefix may cover or fall into. */
static const struct {
	uint32_t addr;
	uint8_t len;
} reserved4[] = {
	{ 0x00000000, 8 },  /* this network */
	{ 0x0a000000, 8 },  /* private */
	{ 0x64400000, 10 }, /* shared address space */
	{ 0x7f000000, 8 },  /* loopback */
	{ 0xa9fe0000, 16 }, /* link local */
	{ 0xac100000, 12 }, /* private */
	{ 0xc0000000, 24 }, /* IETF protocol assignments */
	{ 0xc0000200, 24 }, /* TEST-NET-1: the lab's anycast service */
	{ 0xc0586300, 24 }, /* 6to4 relay anycast */
	{ 0xc0a80000, 16 }, /* private */
	{ 0xc6120000, 15 }, /* benchmarking: the lab's links and router ids */
	{ 0xc6336400, 24 }, /* TEST-NET-2: lab hosts */
	{ 0xcb007100, 24 }, /* TEST-NET-3: lab hosts */
	{ 0xe0000000, 3 },  /* multicast, reserved, broadcast */
};

/* Path lengths (ASNs, prepends included) per 100 sets: a transit's view, mean about 4. */
static const uint8_t pathlen_share[8] = { 1, 12, 30, 28, 16, 8, 3, 2 };

/* Group sizes per 1000 groups: {share, min, max}. Mean about 12.1 routes per set. */
static const struct {
	uint16_t share, min, max;
} group_share[] = {
	{ 350, 1, 1 },  { 150, 2, 2 },   { 150, 3, 4 },
	{ 120, 5, 8 },  { 100, 9, 16 },  { 60, 17, 32 },
	{ 40, 33, 64 }, { 20, 65, 128 }, { 10, 129, FEED_GROUP_MAX },
};

/* hash streams */
enum { S_ORDER = 1, S_LEN, S_ASPERM, S_GROUP, S_ATTR };

static uint64_t mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t hash3(uint64_t seed, uint64_t stream, uint64_t k)
{
	return mix64(seed ^ mix64(stream * 0x100000001b3ull ^ mix64(k)));
}

/* A small counter-based random stream for one attribute set or group. */
struct rng {
	uint64_t s;
};
static uint64_t rng_next(struct rng *r) { return mix64(r->s++); }
static uint64_t rng_below(struct rng *r, uint64_t n) { return rng_next(r) % n; }

/* ---- permutations ---- */

static void perm_init(struct feed_perm *p, uint64_t n, uint64_t key)
{
	unsigned bits = 0;

	while (bits < 63 && (1ull << bits) < n)
		bits++;
	p->n = n;
	p->mask = (1ull << bits) - 1;
	p->m1 = mix64(key) | 1;
	p->a1 = mix64(key + 1);
	p->m2 = mix64(key + 2) | 1;
	/* the shifts fold high bits into the low ones the multiplications cannot reach */
	p->s1 = bits / 2 + 1;
	p->s2 = bits / 3 + 1;
}

static uint64_t perm_step(const struct feed_perm *p, uint64_t x)
{
	x = (x * p->m1) & p->mask;
	x ^= x >> p->s1;
	x = (x + p->a1) & p->mask;
	x = (x * p->m2) & p->mask;
	x ^= x >> p->s2;
	return x;
}

/* Each step is a bijection of [0, 2^bits); walking the cycle until the value is below n
 * makes it one of [0, n) (n > 2^(bits-1), so under two steps on average). */
static uint64_t perm_apply(const struct feed_perm *p, uint64_t x)
{
	if (p->n <= 1)
		return 0;
	do
		x = perm_step(p, x);
	while (x >= p->n);
	return x;
}

/* ---- excluded intervals ---- */

static void skip_add(struct feed_skip *s, unsigned *n, unsigned max, uint64_t lo, uint64_t hi)
{
	unsigned i = *n;

	if (i == max)
		return; /* the tables above stay well below the bound */
	/* insertion sort, then merge with the neighbours it touches */
	while (i > 0 && s[i - 1].lo > lo) {
		s[i] = s[i - 1];
		i--;
	}
	s[i] = (struct feed_skip){ lo, hi };
	(*n)++;
	for (unsigned j = 0; j + 1 < *n;) {
		if (s[j + 1].lo <= s[j].hi + 1) {
			if (s[j + 1].hi > s[j].hi)
				s[j].hi = s[j + 1].hi;
			memmove(&s[j + 1], &s[j + 2], (*n - j - 2) * sizeof(*s));
			(*n)--;
		} else {
			j++;
		}
	}
}

/* The j-th value of the universe that no interval excludes. */
static uint64_t skip_unrank(const struct feed_skip *s, unsigned n, uint64_t j)
{
	for (unsigned i = 0; i < n && j >= s[i].lo; i++)
		j += s[i].hi - s[i].lo + 1;
	return j;
}

static uint64_t skip_space(const struct feed_skip *s, unsigned n, uint64_t universe)
{
	uint64_t left = universe;

	for (unsigned i = 0; i < n; i++)
		if (s[i].lo < universe)
			left -= (s[i].hi < universe ? s[i].hi : universe - 1) - s[i].lo + 1;
	return left;
}

/* ---- set up ---- */

const struct feed_mix *feed_gen_mix(int af, size_t *n)
{
	if (af == AF_INET6) {
		*n = sizeof(mix6) / sizeof(mix6[0]);
		return mix6;
	}
	*n = sizeof(mix4) / sizeof(mix4[0]);
	return mix4;
}

static void len_setup(struct feed_gen *g, struct feed_len *l)
{
	if (g->af == AF_INET) {
		for (size_t i = 0; i < sizeof(reserved4) / sizeof(reserved4[0]); i++) {
			uint64_t v = reserved4[i].addr >> (32 - l->len);

			if (reserved4[i].len >= l->len) /* one prefix of ours would cover it */
				skip_add(l->skip, &l->nskip, FEED_NSKIP_MAX, v, v);
			else
				skip_add(l->skip, &l->nskip, FEED_NSKIP_MAX, v,
					 v + (1ull << (l->len - reserved4[i].len)) - 1);
		}
		l->space = skip_space(l->skip, l->nskip, 1ull << l->len);
	} else {
		l->space = 1ull << (l->len - 32);
	}
}

/* Exact counts per length: floor of the shares, the remainder to the biggest shares, then
 * what a length cannot hold to the spill list. */
static int counts_setup(struct feed_gen *g, const struct feed_mix *mix, size_t nmix,
			const uint8_t *spill, size_t nspill)
{
	uint64_t given = 0, excess = 0;

	for (size_t i = 0; i < nmix; i++) {
		g->lens[i].count = g->n * mix[i].share / 100000;
		given += g->lens[i].count;
	}
	while (given < g->n) {
		size_t best = 0;

		for (size_t i = 1; i < nmix; i++)
			if (mix[i].share > mix[best].share)
				best = i;
		/* the remainder is under nmix routes: one each, from the largest share on */
		for (size_t r = 0; r < nmix && given < g->n; r++) {
			size_t k = (best + r) % nmix;

			g->lens[k].count++;
			given++;
		}
	}
	for (size_t i = 0; i < nmix; i++) {
		if (g->lens[i].count > g->lens[i].space) {
			excess += g->lens[i].count - g->lens[i].space;
			g->lens[i].count = g->lens[i].space;
		}
	}
	for (size_t s = 0; s < nspill && excess > 0; s++) {
		for (size_t i = 0; i < nmix; i++) {
			if (g->lens[i].len != spill[s])
				continue;
			uint64_t room = g->lens[i].space - g->lens[i].count;
			uint64_t take = room < excess ? room : excess;

			g->lens[i].count += take;
			excess -= take;
		}
	}
	return excess ? -1 : 0;
}

int feed_gen_init(struct feed_gen *g, int af, uint64_t n, uint64_t seed, uint32_t local_as,
		  uint32_t remote_as)
{
	const struct feed_mix *mix;
	size_t nmix;
	uint64_t start = 0;

	memset(g, 0, sizeof(*g));
	if (n == 0 || n > FEED_MAX_ROUTES || (af != AF_INET && af != AF_INET6))
		return -1;
	g->af = af;
	g->n = n;
	g->seed = seed;
	g->local_as = local_as;
	g->remote_as = remote_as;
	g->ebgp = local_as != remote_as;
	mix = feed_gen_mix(af, &nmix);
	g->nlens = (unsigned)nmix;
	for (size_t i = 0; i < nmix; i++) {
		g->lens[i].len = mix[i].len;
		len_setup(g, &g->lens[i]);
	}
	if (af == AF_INET ? counts_setup(g, mix, nmix, spill4, sizeof(spill4))
			  : counts_setup(g, mix, nmix, spill6, sizeof(spill6)))
		return -1;
	for (size_t i = 0; i < nmix; i++) {
		g->lens[i].start = start;
		start += g->lens[i].count;
		perm_init(&g->lens[i].perm, g->lens[i].space, hash3(seed, S_LEN, mix[i].len));
	}
	perm_init(&g->order, n, hash3(seed, S_ORDER, 0));

	/* AS numbers: 1-199999 without AS_TRANS, the documentation and private 16-bit ranges,
	 * and the two ends of the session (a path holding the receiver's own AS would be dropped
	 * as a loop). About half 2-octet and half 4-octet, as among the table's origins. */
	skip_add(g->asskip, &g->nasskip, 8, 0, 0);
	skip_add(g->asskip, &g->nasskip, 8, BGP_AS_TRANS, BGP_AS_TRANS);
	skip_add(g->asskip, &g->nasskip, 8, 64496, 131071);
	skip_add(g->asskip, &g->nasskip, 8, local_as, local_as);
	skip_add(g->asskip, &g->nasskip, 8, remote_as, remote_as);
	g->as_space = skip_space(g->asskip, g->nasskip, 200000);
	perm_init(&g->asperm, g->as_space, hash3(seed, S_ASPERM, 0));
	return 0;
}

void feed_gen_rewind(struct feed_gen *g)
{
	g->next_route = 0;
	g->next_set = 0;
}

/* ---- routes ---- */

void feed_gen_prefix(const struct feed_gen *g, uint64_t r, struct prefix *p)
{
	uint64_t slot = perm_apply(&g->order, r), v;
	const struct feed_len *l = &g->lens[0];

	for (unsigned i = 0; i < g->nlens; i++) {
		if (slot >= g->lens[i].start && slot - g->lens[i].start < g->lens[i].count) {
			l = &g->lens[i];
			break;
		}
	}
	v = skip_unrank(l->skip, l->nskip, perm_apply(&l->perm, slot - l->start));
	memset(p, 0, sizeof(*p));
	p->len = l->len;
	if (g->af == AF_INET) {
		p->addr.af = AF_INET;
		put32(p->addr.a, (uint32_t)(v << (32 - l->len)));
	} else {
		p->addr.af = AF_INET6;
		put32(p->addr.a, 0x20010db8);
		put32(p->addr.a + 4, (uint32_t)(v << (64 - l->len)));
	}
}

static uint32_t asn_at(const struct feed_gen *g, uint64_t idx)
{
	return (uint32_t)skip_unrank(g->asskip, g->nasskip, idx % g->as_space);
}

/* A transit AS for hop `hop` of set k: the second hop from 16 large transits (old, small
 * numbers, as the real ones are), the third from 1024 regionals (2-octet numbers), later ones
 * from anywhere; none repeats an AS already in the path (that would read as a loop or a
 * prepend). */
static uint32_t transit_as(const struct feed_gen *g, struct rng *r, unsigned hop,
			   const uint32_t *path, unsigned n, uint32_t origin)
{
	uint64_t pool = hop == 1 ? 16 : hop == 2 ? 1024 : g->as_space;
	uint64_t range = hop == 1 ? 9000 : 60000; /* pool positions = ASNs up to about that */
	uint64_t idx = rng_below(r, pool);

	for (uint64_t tries = 0; tries < g->as_space; tries++, idx++) {
		/* the small pools are the same for every set */
		uint32_t asn = asn_at(g, pool < g->as_space
						 ? hash3(g->seed, 100 + hop, idx % pool) % range
						 : idx);
		int dup = asn == origin;

		for (unsigned i = 0; i < n && !dup; i++)
			dup = path[i] == asn;
		if (!dup)
			return asn;
		if (pool < g->as_space && tries >= pool) /* a tiny pool used up: go wide */
			pool = g->as_space;
	}
	return origin; /* unreachable: the AS space is far larger than a path */
}

void feed_gen_attrs(const struct feed_gen *g, uint64_t k, struct bgp_attrs *a)
{
	struct rng r = { hash3(g->seed, S_ATTR, k) };
	uint32_t path[8], origin;
	unsigned len = 1, n = 0, prepend = 0, pick = (unsigned)rng_below(&r, 100), acc = 0;
	uint64_t wrap = k / g->as_space;

	bgp_attrs_clear(a);
	for (unsigned i = 0; i < 8; i++) {
		acc += pathlen_share[i];
		if (pick < acc) {
			len = i + 1;
			break;
		}
	}
	/* Distinct sets by construction: each set in a run of as_space sets has its own origin;
	 * the run number goes in the MED. The eBGP one-AS paths (the peer's own routes) differ
	 * from each other by MED alone. */
	origin = asn_at(g, perm_apply(&g->asperm, k % g->as_space));
	a->has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_NEXT_HOP | BGP_AH_LOCAL_PREF;
	a->local_pref = 100; /* only sent on iBGP */
	if (g->ebgp) {
		path[n++] = g->local_as;
		if (len == 1) {
			a->has |= BGP_AH_MED;
			a->med = (uint32_t)(k + 1);
		}
	} else if (len > 1) {
		/* iBGP: a synthetic neighbouring AS where the eBGP paths have ours */
		path[n++] = asn_at(g, hash3(g->seed, 0, rng_below(&r, 8)));
		if (path[0] == origin)
			path[0] = asn_at(g, hash3(g->seed, 0, 8));
	}
	if (len >= 3 && rng_below(&r, 100) < 10)
		prepend = 1 + (unsigned)rng_below(&r, 2);
	if (prepend > len - 2)
		prepend = len - 2;
	if (len > 1 || !g->ebgp) {
		while (n < len - 1 - prepend) {
			uint32_t t = transit_as(g, &r, n, path, n, origin);

			path[n] = t;
			n++;
		}
		while (n < len)
			path[n++] = origin;
		if (wrap) {
			a->has |= BGP_AH_MED;
			a->med = (uint32_t)wrap;
		}
	}
	bgp_attrs_set_aspath(a, path, n);

	unsigned o = (unsigned)rng_below(&r, 100);

	a->origin = o < 92 ? BGP_ORIGIN_IGP : o < 99 ? BGP_ORIGIN_INCOMPLETE : BGP_ORIGIN_EGP;
	if (rng_below(&r, 100) < 35) {
		/* informational tags a transit puts on what it learns: location, relation,
		 * ingress point, a misc class; ascending kinds, so no duplicates */
		static const uint32_t kind[4] = { 1000, 2000, 3000, 4000 },
				      spread[4] = { 20, 4, 50, 10 };
		unsigned c = 1 + (unsigned)rng_below(&r, 4);

		for (unsigned i = 0; i < c; i++) {
			uint32_t v = kind[i] + (uint32_t)rng_below(&r, spread[i]);

			if (g->local_as <= 0xffff)
				bgp_attrs_add_comm(a, g->local_as << 16 | v);
			else
				bgp_attrs_add_lcomm(a, g->local_as, kind[i] / 1000, v);
		}
	}
}

unsigned feed_gen_group_size(const struct feed_gen *g, uint64_t k)
{
	struct rng r = { hash3(g->seed, S_GROUP, k) };
	unsigned pick = (unsigned)rng_below(&r, 1000), acc = 0;

	for (size_t i = 0; i < sizeof(group_share) / sizeof(group_share[0]); i++) {
		acc += group_share[i].share;
		if (pick < acc)
			return group_share[i].min +
			       (unsigned)rng_below(&r,
						   group_share[i].max - group_share[i].min + 1u);
	}
	return 1;
}

size_t feed_gen_next(struct feed_gen *g, struct bgp_attrs *a, struct prefix *p)
{
	uint64_t left = g->n - g->next_route;
	size_t size;

	if (left == 0)
		return 0;
	size = feed_gen_group_size(g, g->next_set);
	if (size > left)
		size = (size_t)left;
	feed_gen_attrs(g, g->next_set, a);
	for (size_t i = 0; i < size; i++)
		feed_gen_prefix(g, g->next_route + i, &p[i]);
	g->next_route += size;
	g->next_set++;
	return size;
}
