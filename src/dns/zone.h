/* Loaded zones: nodes keyed by name in open-addressed hash tables, RRsets, delegation cuts,
 * and the responses precomputed per (name, type). A zone set is built once, then only read:
 * the server publishes it by pointer and frees it when no worker can still see it. */
#ifndef DNS_ZONE_H
#define DNS_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/dns.h"

struct dns_rdata {
	uint16_t len;
	uint8_t data[];
};

struct dns_rrset {
	uint16_t type;
	uint16_t count;
	uint32_t ttl;
	const struct dns_rdata **rd;
	const struct dns_rrset *sigs; /* the RRSIGs covering this set (RFC 4034 3), or NULL */
};

/* What follows the question in a reply, composed once at load time. Every name in it is
 * compressed against the question, whose length is that of the node's name, so the bytes
 * are right for any query of that name whatever its case. */
struct dns_blob {
	uint16_t qtype;
	uint16_t hflags; /* AA and rcode bits of the header */
	uint16_t an, ns, ar;
	uint16_t len_core;    /* answer + authority */
	uint16_t len;         /* + additional */
	uint8_t add_required; /* additional holds glue a referral needs (RFC 9471) */
	const uint8_t *data;
};

#define DNS_NODE_CUT 1   /* NS here and not the apex: a delegation (RFC 1034 4.2.1) */
#define DNS_NODE_WILD 2  /* first label is "*" (RFC 4592) */
#define DNS_NODE_DNAME 4 /* a DNAME here (RFC 6672): names below are synthesised */

struct dns_node {
	const uint8_t *name; /* lowercase wire */
	uint32_t hash;
	uint8_t len, labels, flags;
	uint16_t nrrsets, nblobs;
	const struct dns_rrset *rrsets;
	const struct dns_node *cut;   /* the delegation at or above, or NULL */
	const struct dns_node *dname; /* the DNAME strictly above (occluding us), or NULL */
	const struct dns_blob *blobs; /* by qtype */
	const struct dns_blob *other; /* for any other qtype; NULL: compose per query */
};

/* The fast path's view of a node: its name, its blobs and their bytes in one block, so that
 * an exact-name query touches one hash slot and a few adjacent cache lines. */
struct dns_fast {
	const struct dns_blob *other; /* into this block, or NULL */
	uint16_t nblobs;
	uint8_t len;
	uint8_t name[]; /* len bytes; then the blobs (dns_fast_blobs), then data */
};

/* Where the (8-aligned) blobs start in a block whose name has len octets. */
static inline size_t dns_fast_head(size_t len)
{
	return (offsetof(struct dns_fast, name) + len + 7u) & ~(size_t)7u;
}

static inline const struct dns_blob *dns_fast_blobs(const struct dns_fast *f)
{
	return (const struct dns_blob *)(const void *)((const uint8_t *)f + dns_fast_head(f->len));
}

struct dns_slot {
	uint32_t hash;
	void *p;
};

struct dns_zsec;

struct dns_zone {
	const char *file;
	const uint8_t *apex;
	uint8_t apex_len, apex_labels;
	const struct dns_node *apex_node;
	const struct dns_rrset *soa;
	uint32_t neg_ttl;         /* RFC 2308 5: min(SOA TTL, SOA MINIMUM) */
	struct dns_slot *tab;     /* name -> struct dns_node */
	struct dns_slot *ftab;    /* name -> struct dns_fast, same size */
	struct dns_slot *ftab_do; /* the same for queries with DO, when the zone is signed */
	uint32_t mask, nnodes;
	const struct dns_zsec *sec; /* DNSSEC: NSEC/NSEC3 chains; NULL when not signed */
};

struct dns_zoneset {
	struct dns_arena arena;
	struct dns_zone **zones;
	int nzones;
	struct dns_slot *ztab; /* apex -> zone */
	uint32_t zmask;
	uint8_t lc[DNS_LABELS_MAX]; /* distinct apex label counts, deepest first */
	int nlc;
	size_t records;
};

/* Parses one master file's text into zs (zoneset.c loads files through it); -1 with
 * "FILE:LINE: reason" in err. */
int dns_zone_build(struct dns_zoneset *zs, const char *file, const char *text, size_t len,
		   char *err, size_t errlen);
/* Indexes the apexes of every zone built into zs, for dns_zoneset_find. */
void dns_zoneset_index(struct dns_zoneset *zs);
void dns_zoneset_free(struct dns_zoneset *zs);

/* The deepest zone that name (lowercase wire) is at or below, or NULL. */
const struct dns_zone *dns_zoneset_find(const struct dns_zoneset *zs, const uint8_t *name,
					size_t len, int labels);
const struct dns_node *dns_zone_get(const struct dns_zone *z, const uint8_t *name, size_t len,
				    uint32_t hash);
/* dnssec: the replies to queries with DO (signed zones only; NULL otherwise). */
const struct dns_fast *dns_zone_fast(const struct dns_zone *z, const uint8_t *name, size_t len,
				     uint32_t hash, int dnssec);
const struct dns_rrset *dns_node_rrset(const struct dns_node *n, uint16_t type);

#endif
