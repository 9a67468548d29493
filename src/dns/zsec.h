/* The DNSSEC side of a loaded zone (pre-signed: we serve signatures, we never make them): its
 * NSEC chain in canonical order (RFC 4034 6.1) or its NSEC3 chain by hash (RFC 5155), built
 * once at load so that the answer path finds the record covering any name by binary search. */
#ifndef DNS_ZSEC_H
#define DNS_ZSEC_H

#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/sha1.h"
#include "dns/zone.h"

struct dns_nsec3_ent {
	uint8_t hash[DNS_SHA1_LEN];
	const struct dns_node *node; /* the hashed owner; its NSEC3 RRset carries its RRSIGs */
	const struct dns_rrset *set;
};

struct dns_zsec {
	const struct dns_node **nsec; /* nodes with an NSEC RRset, canonical order */
	uint32_t nnsec;
	const struct dns_nsec3_ent *nsec3; /* sorted by hash; used when nnsec3 > 0 */
	uint32_t nnsec3;
	uint16_t iterations; /* from the apex NSEC3PARAM */
	uint8_t saltlen;
	uint8_t salt[255];
};

/* NSEC3 owners collected while a zone is built: they live outside its name table, since
 * they are no names of the zone's tree (they must not become empty non-terminals or wildcard
 * blockers). */
struct dns_zsec_build {
	struct dns_nsec3_ent *e;
	size_t n, cap;
};

/* n: a node (not in the zone's table) whose records include an NSEC3 RRset. NULL, or why it
 * cannot be one (its owner is not a base32hex SHA-1 hash right below the apex). */
const char *dns_zsec_add_nsec3(struct dns_zsec_build *b, const struct dns_node *n, size_t apex_len);
/* The zone's DNSSEC data, in arena a, from all its nodes; NULL when its SOA is not signed.
 * Frees what b holds. */
const struct dns_zsec *dns_zsec_finish(struct dns_arena *a, struct dns_zsec_build *b,
				       struct dns_node *const *nodes, size_t n,
				       const struct dns_node *apex);

/* Position of the last NSEC3 whose hash is <= h, wrapping to the last one below the first
 * (the chain is circular, RFC 5155 3.1.7); *match says whether it is equal. */
uint32_t dns_zsec_nsec3_find(const struct dns_zsec *s, const uint8_t h[DNS_SHA1_LEN], int *match);
/* Position of the last NSEC owner <= name (lowercase wire) in canonical order, wrapping. */
uint32_t dns_zsec_nsec_find(const struct dns_zsec *s, const uint8_t *name);

#endif
