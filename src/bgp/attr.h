/* Path attribute sets. A set is built in a scratch struct bgp_attrs (owning its arrays), then
 * interned: bgp_attrs_intern() returns the one shared, refcounted, immutable copy, so equal sets
 * are equal pointers (as OpenBGPD and BIRD do). The AS path is kept in 4-octet form always. */
#ifndef BGP_ATTR_H
#define BGP_ATTR_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/buf.h"

/* Which optional fields are present */
#define BGP_AH_MED (1u << 0)
#define BGP_AH_LOCAL_PREF (1u << 1)
#define BGP_AH_ATOMIC_AGGREGATE (1u << 2)
#define BGP_AH_AGGREGATOR (1u << 3)
#define BGP_AH_OTC (1u << 4)
#define BGP_AH_ORIGIN (1u << 5)
#define BGP_AH_AS_PATH (1u << 6)
#define BGP_AH_NEXT_HOP (1u << 7)

struct bgp_large_comm {
	uint32_t global, local1, local2;
};

/* An extended community (RFC 4360) as on the wire: type, sub-type, six octets of value. Kept
 * as bytes so that types we do not know are passed on untouched. */
struct bgp_ext_comm {
	uint8_t v[8];
};

struct bgp_attrs {
	uint32_t has; /* BGP_AH_* */
	uint8_t origin;
	uint32_t med, local_pref;
	uint32_t aggregator_as;
	struct addr aggregator_addr; /* IPv4 */
	uint32_t otc;                /* RFC 9234 Only-to-Customer AS */
	struct addr nexthop;         /* NEXT_HOP, or the MP_REACH global next hop */
	struct addr nexthop_ll;      /* IPv6 link-local next hop, if any */
	/* The arrays, pointers first and their lengths after, so that the struct has no holes
	 * (a full table interns hundreds of thousands of sets). */
	/* AS path: segments as on the wire with 4-octet ASNs: type, count, count * 4 octets. */
	uint8_t *aspath;
	uint32_t *comms; /* COMMUNITIES, in received order */
	struct bgp_large_comm *lcomms;
	struct bgp_ext_comm *ecomms; /* EXTENDED_COMMUNITIES, in received order */
	/* Unknown optional transitive attributes, encoded (flags, type, length, value) with the
	 * Partial bit already set, passed on as they are. */
	uint8_t *unknown;
	uint16_t aspath_len; /* octets */
	uint16_t ncomms, nlcomms, necomms;
	uint16_t unknown_len; /* octets */

	/* interning; zero in scratch sets */
	uint32_t refcnt;
	uint32_t hash;
	struct bgp_attrs *hnext;
};

/* Which fields take part in hash, equality, copy and the interned block is said by the
 * attribute table (attr_table.h), not here: a new attribute is a row there. */

/* Scratch sets */
void bgp_attrs_init(struct bgp_attrs *a);
void bgp_attrs_clear(struct bgp_attrs *a); /* frees the arrays, re-inits */
void bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src); /* deep; dst scratch */
void bgp_attrs_add_comm(struct bgp_attrs *a, uint32_t c);
void bgp_attrs_add_lcomm(struct bgp_attrs *a, uint32_t g, uint32_t l1, uint32_t l2);
void bgp_attrs_add_ecomm(struct bgp_attrs *a, const uint8_t v[8]);
/* Drops the non-transitive extended communities (RFC 4360 sec 2, RFC 7153 sec 2: type bit
 * 0x40), which must not leave the AS. */
void bgp_attrs_strip_nontransitive_ecomms(struct bgp_attrs *a);
int bgp_attrs_has_comm(const struct bgp_attrs *a, uint32_t c);
/* Prepends asn count times to the leading AS_SEQUENCE (a new one if needed; a full one of 255
 * starts another). */
void bgp_attrs_prepend(struct bgp_attrs *a, uint32_t asn, unsigned count);
/* Replaces the AS path with AS_SEQUENCE segments (255 ASNs each) holding asns[0..n). */
void bgp_attrs_set_aspath(struct bgp_attrs *a, const uint32_t *asns, size_t n);

/* Interning */
const struct bgp_attrs *bgp_attrs_intern(const struct bgp_attrs *scratch);
const struct bgp_attrs *bgp_attrs_ref(const struct bgp_attrs *a);
void bgp_attrs_unref(const struct bgp_attrs *a);
size_t bgp_attrs_interned_count(void);
int bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b); /* by value */

/* AS path queries */
unsigned bgp_aspath_length(const struct bgp_attrs *a); /* an AS_SET counts 1 (RFC 4271 9.1.2.2) */
int bgp_aspath_contains(const struct bgp_attrs *a, uint32_t asn);
uint32_t bgp_aspath_first_as(const struct bgp_attrs *a); /* leftmost AS of a SEQUENCE, 0 if none */
/* Flat list of ASNs in order (SET members included), for display. Returns count, fills up to max. */
size_t bgp_aspath_list(const struct bgp_attrs *a, uint32_t *out, size_t max);
/* "65001 64500 {1 2}" */
void bgp_aspath_fmt(const struct bgp_attrs *a, struct buf *out);

#endif
