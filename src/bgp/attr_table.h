/* The path attribute table: one row per attribute we know, as BIRD's bgp_attr_table[]. A row
 * says everything the rest of the BGP code needs to know about one attribute: its name, type
 * code and flags, what a malformed one costs (RFC 7606), how it is decoded, encoded and shown,
 * and which fields of struct bgp_attrs hold it (for hash, equality, copy and interning). The
 * UPDATE decoder, encoder, the intern table and `show routes` walk the rows, so adding an
 * attribute is one row in attr_table.c plus its codec functions there (and its type code in
 * proto.h, and the fields that keep it in struct bgp_attrs if it is kept). */
#ifndef BGP_ATTR_TABLE_H
#define BGP_ATTR_TABLE_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/attr.h"
#include "bgp/proto.h"
#include "lib/addr.h"
#include "lib/buf.h"

/* What the session negotiated and knows, for decoding and encoding. */
struct bgp_codec_ctx {
	uint8_t as4;              /* both sides sent the 4-octet AS capability */
	uint8_t ebgp;             /* local_as != peer_as */
	uint8_t mp_ipv4, mp_ipv6; /* families negotiated (IPv4 without any MP capability: 1) */
	uint8_t ext_nh4;          /* RFC 8950 both ways: IPv4 NLRI may have an IPv6 next hop */
	uint32_t local_as, peer_as;
};

/* What a malformed attribute costs (RFC 7606 sec 2 and 7). */
enum bgp_attr_bad {
	BGP_BAD_TAW,     /* treat-as-withdraw */
	BGP_BAD_DISCARD, /* attribute discard */
	BGP_BAD_RESET,   /* session reset */
};

/* How a value is kept in struct bgp_attrs. */
enum bgp_attr_kind {
	BGP_AK_NONE, /* not kept: folded into others (AS4_*) or handled by the UPDATE */
	BGP_AK_U8,
	BGP_AK_U32,
	BGP_AK_ADDR,  /* struct addr: only af and the address's own octets count */
	BGP_AK_ARRAY, /* pointer + uint16_t count of elem-octet elements */
};

struct bgp_attr_field {
	uint8_t kind;       /* enum bgp_attr_kind */
	uint8_t elem;       /* ARRAY: element size; a multiple of 4 is kept 4-aligned */
	uint16_t off;       /* of the value, or of the array's pointer */
	uint16_t count_off; /* ARRAY: of its uint16_t count */
};

/* Decoder state shared by the rows' decode functions and the UPDATE decoder (update.c), which
 * owns it. What is not an attribute of the set (MP NLRI, AS4_*) is left here for update.c. */
struct bgp_mp_nlri {
	int present; /* the attribute was seen and is for a family we take */
	uint16_t afi;
	const uint8_t *nlri;
	size_t len;
};

struct bgp_attr_dec {
	const struct bgp_codec_ctx *ctx;
	struct bgp_attrs *a; /* the scratch set being filled */
	char *warn;          /* where bgp_attr_warn() appends, "; "-separated */
	size_t warn_size;
	enum bgp_attr_bad how; /* preset to the row's action; a decoder may change it */
	char why[64];          /* room for a decoder's formatted reason */
	struct bgp_mp_nlri reach, unreach;
	int mp_attr; /* an MP attribute was seen, supported family or not */
	struct addr mp_nexthop, mp_nexthop_ll;
	const uint8_t *as4_path; /* valid AS4_PATH from a 2-octet peer */
	size_t as4_path_len;
	int as4_aggr;
	uint32_t as4_aggr_as;
	uint8_t as4_aggr_addr[4];
};

struct bgp_attr_desc {
	const char *name; /* as the RFCs write it, for messages */
	uint8_t type;     /* type code; the table is sorted by it */
	uint8_t flags;    /* expected BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE bits */
	uint8_t bad;      /* enum bgp_attr_bad for a malformed one */
	/* Presence bit (BGP_AH_*) gating the fields in hash and equality; 0: the fields always
	 * take part (arrays by their count). */
	uint32_t has;
	struct bgp_attr_field store[2];
	/* Non-NULL when the attribute is to be dropped, unread, in this context: the reason,
	 * for the warning (RFC 4271 9.1.2 LOCAL_PREF from eBGP; RFC 6793 AS4_* from AS4 peers). */
	const char *(*ignore)(const struct bgp_codec_ctx *ctx);
	/* Stores the value of len octets; NULL when sound, else why it is malformed. */
	const char *(*decode)(struct bgp_attr_dec *d, const uint8_t *v, size_t len);
	/* Appends the attribute (header included) if the set has it; NULL: the UPDATE framing
	 * places it (MP_REACH/MP_UNREACH). ipv4: the NLRI go in the NLRI field. */
	void (*encode)(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *ctx,
		       int ipv4);
	/* Appends it for `show routes`: text " name value", or JSON ",\"key\":value"; NULL:
	 * show.c lays it out itself (origin, AS path, next hop). */
	void (*format)(struct buf *out, const struct bgp_attrs *a, int json);
};

/* Indexed by type code: the decoder finds a row without a search. Rows of attributes we do not
 * know are empty (no decode). */
extern const struct bgp_attr_desc bgp_attr_table[256];

/* The row for a type code, NULL for an attribute we do not know. */
static inline const struct bgp_attr_desc *bgp_attr_find(uint8_t type)
{
	return bgp_attr_table[type].decode ? &bgp_attr_table[type] : NULL;
}

/* The name of a type code: the row's, or "attribute". */
const char *bgp_attr_name(uint8_t type);

/* The known rows in type code order, the order of encoding and of `show routes`. */
const struct bgp_attr_desc *const *bgp_attr_rows(size_t *n);

/* Where the values of a set are, for hash, equality, copy and interning: every stored field
 * with its gating BGP_AH_* bit (0: always), the unknown attributes' blob among the arrays.
 * Scalars (U8, U32, ADDR) and arrays apart, so that each walk only sees its kind. */
struct bgp_attr_slot {
	uint32_t has;
	struct bgp_attr_field f;
};
#define BGP_ATTR_MAX_SLOTS 32
struct bgp_attr_layout {
	size_t nscalar, narray;
	struct bgp_attr_slot scalar[BGP_ATTR_MAX_SLOTS], array[BGP_ATTR_MAX_SLOTS];
};
const struct bgp_attr_layout *bgp_attr_layout(void);

/* Appends every attribute but MP_REACH_NLRI/MP_UNREACH_NLRI in type order, the unknown ones
 * passed on interleaved. */
void bgp_attrs_encode(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *ctx,
		      int ipv4);
/* An attribute header, the extended length form when len > 255. */
void bgp_attr_hdr_put(struct buf *b, uint8_t flags, uint8_t type, size_t len);
/* Appends what the rows show of a set (see format above). */
void bgp_attrs_format(struct buf *out, const struct bgp_attrs *a, int json);
/* Appends a warning to d->warn. */
void bgp_attr_warn(struct bgp_attr_dec *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* RFC 4271 6.3: an IPv4 next hop must be a host address: not 0/8, multicast or class E. */
int bgp_attr_nh4_valid(const uint8_t *a);

#endif
