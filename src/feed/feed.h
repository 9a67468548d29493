/* anycast feed: a BGP speaker that sends a synthetic full table as fast as the peer takes it,
 * for load tests of any router (anycastd, BIRD, FRR).
 *
 * The table comes from a generator that is a pure function of (family, route count, seed,
 * local AS, remote AS): route r's prefix and attribute set k are computed on demand, so a
 * million routes cost no memory beyond one group of prefixes and one attribute set.
 *
 * Synthetic prefixes and the project's address rules: the IPv4 table is made of realistic,
 * global-looking prefixes, because a load test only means something with the shape of the real
 * table (as bgperf and BIRD's own tests do). They are route data inside the test: no packet is
 * ever sent to them, and the generator leaves out every special-purpose range (RFC 6890) and
 * the ranges the lab uses (192.0.2.0/24, 198.18.0.0/15, 198.51.100.0/24, 203.0.113.0/24), so a
 * synthetic route never covers or shadows a lab address. An IPv6 session gets an IPv6 table
 * inside 2001:db8::/32 only (lengths /33 to /64, since the documentation prefix is all there is).
 * AS numbers are drawn from 1-64495 and 131072-199999, never the local or remote AS.
 *
 * IPv4 prefix-length mix (per 100000 routes), roughly the shape of the 2024 global table as the
 * public table reports show it: /24 61%, /22 11.6%, /23 10.8%, /21 4.6%, /20 4.4%, /19 2.7%,
 * /18 1.5%, /16 1.4%, /17 0.9%, /8-/15 0.9% together, /25-/28 0.24% together. Counts per
 * length are exact; a length whose space runs out passes its excess to /24, /23, /22...
 *
 * Attribute sets: routes come in groups that share one set; group sizes are heavy-tailed like
 * a real table's (35% single prefixes, a few of hundreds) with a mean of about 12, so N routes
 * have about N/12 distinct sets. AS paths have 1 to 8 ASNs (mean about 4, 10% with the origin
 * prepended), the first being the local AS on eBGP; every set has its own origin AS (or MED
 * where the AS space wraps), so sets are distinct by construction. 35% carry 1 to 4 of the
 * local AS's informational communities (large communities if the local AS is 4-octet). */
#ifndef FEED_FEED_H
#define FEED_FEED_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/attr.h"
#include "lib/addr.h"

#define FEED_GROUP_MAX 576 /* largest group: prefixes sharing one attribute set */
#define FEED_MAX_ROUTES 100000000ull
#define FEED_NLEN_MAX 32
#define FEED_NSKIP_MAX 16

/* A share of the prefix-length mix, per 100000 routes */
struct feed_mix {
	uint8_t len;
	uint32_t share;
};
/* The mix for AF_INET or AF_INET6; *n gets the number of entries. */
const struct feed_mix *feed_gen_mix(int af, size_t *n);

/* A closed interval of excluded values, for unranking past them. */
struct feed_skip {
	uint64_t lo, hi;
};

/* A keyed permutation of [0, n): a few invertible mixing rounds on the next power of two,
 * walked until the value falls below n. */
struct feed_perm {
	uint64_t n, mask, m1, a1, m2;
	unsigned s1, s2;
};

struct feed_len {
	uint8_t len;
	uint64_t space;        /* prefixes of this length available */
	uint64_t count, start; /* routes of this length; their slots in the route order */
	struct feed_perm perm; /* which of the available prefixes */
	struct feed_skip skip[FEED_NSKIP_MAX]; /* excluded values, sorted and merged */
	unsigned nskip;
};

struct feed_gen {
	int af;
	uint64_t n, seed;
	uint32_t local_as, remote_as;
	int ebgp;
	struct feed_perm order; /* route index -> slot */
	struct feed_len lens[FEED_NLEN_MAX];
	unsigned nlens;
	struct feed_perm asperm; /* set -> origin AS */
	struct feed_skip asskip[8];
	unsigned nasskip;
	uint64_t as_space;
	/* iteration */
	uint64_t next_route, next_set;
};

/* Returns 0, or -1 if n is 0, above FEED_MAX_ROUTES or af is not AF_INET/AF_INET6. */
int feed_gen_init(struct feed_gen *g, int af, uint64_t n, uint64_t seed, uint32_t local_as,
		  uint32_t remote_as);
void feed_gen_rewind(struct feed_gen *g);
/* The prefix of route r (r < n). Host bits are clear. */
void feed_gen_prefix(const struct feed_gen *g, uint64_t r, struct prefix *p);
/* Attribute set k into a scratch set (cleared first), all but the next hop. */
void feed_gen_attrs(const struct feed_gen *g, uint64_t k, struct bgp_attrs *a);
/* Number of routes in group k before the table's end cuts it (1..FEED_GROUP_MAX). */
unsigned feed_gen_group_size(const struct feed_gen *g, uint64_t k);
/* The next group: its set into a (next hop not set), its prefixes into p[FEED_GROUP_MAX].
 * Returns how many, 0 at the end of the table. */
size_t feed_gen_next(struct feed_gen *g, struct bgp_attrs *a, struct prefix *p);

/* The speaker */
struct feed_opts {
	struct addr peer;
	struct addr local; /* af 0: the kernel picks */
	uint16_t port;
	uint32_t local_as, remote_as;
	uint64_t routes, seed;
	uint16_t hold_time; /* 0 or >= 3 */
	int exit_after;     /* seconds after End-of-RIB; < 0: until SIGINT/SIGTERM */
	int json;           /* the final document on stdout */
	int quiet;          /* no progress lines on stderr */
};

struct feed_result {
	uint64_t routes, updates, attr_sets, bytes;
	double seconds; /* from Established until the peer acked the End-of-RIB */
};

/* Runs one session: connect, OPEN, send the table and End-of-RIB, stay up, Cease. Returns 0
 * when the whole table went out and the session ended on our side, 1 otherwise (error, peer's
 * NOTIFICATION, interrupted before End-of-RIB). res may be NULL. */
int feed_run(const struct feed_opts *o, struct feed_result *res);
/* `anycast feed ...`; argv[0] is "feed". */
int feed_main(int argc, char **argv);

#endif
