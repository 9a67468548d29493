/* UPDATE codec with RFC 7606 error handling. */
#ifndef BGP_UPDATE_H
#define BGP_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include "bgp/attr.h"
#include "bgp/attr_table.h" /* struct bgp_codec_ctx */
#include "bgp/msg.h"

/* A decoded UPDATE. Prefixes of both families are in one list each; attrs.nexthop is the IPv4
 * NEXT_HOP (for IPv4 NLRI in the plain NLRI field); mp_nexthop is the MP_REACH next hop for the
 * MP_REACH prefixes (mp_reach_from marks where they start in announced[]). */
struct bgp_update {
	struct prefix *withdrawn;
	size_t n_withdrawn;
	struct prefix *announced;
	size_t n_announced;
	size_t mp_reach_from;   /* announced[mp_reach_from..] came in MP_REACH_NLRI */
	struct bgp_attrs attrs; /* scratch set: owned, not interned */
	struct addr mp_nexthop, mp_nexthop_ll;
	uint8_t treat_as_withdraw; /* RFC 7606: every announced prefix is to be withdrawn */
	uint8_t eor;               /* End-of-RIB marker; eor_afi says which family */
	uint16_t eor_afi;
	char warn[200]; /* why attributes were discarded or treat-as-withdraw */
};

/* Decodes an UPDATE body. Returns 0 when the message is usable (possibly with
 * treat_as_withdraw or discarded attributes, explained in warn), -1 when the RFC requires a
 * session reset, with the NOTIFICATION in err. Always call bgp_update_free() afterwards. */
int bgp_update_decode(const uint8_t *body, size_t len, const struct bgp_codec_ctx *ctx,
		      struct bgp_update *u, struct bgp_err *err);
void bgp_update_free(struct bgp_update *u);

/* Appends one UPDATE announcing as many of p[0..n) as fit in 4096 octets, all of one family
 * (IPv4 in the NLRI field with NEXT_HOP, IPv6 in MP_REACH_NLRI), with attrs. For a 2-octet
 * peer (!ctx->as4) the AS path is sent with AS_TRANS and an AS4_PATH, AGGREGATOR likewise.
 * Returns how many prefixes were put in. */
size_t bgp_update_encode(struct buf *b, const struct bgp_attrs *attrs, const struct prefix *p,
			 size_t n, const struct bgp_codec_ctx *ctx);
/* Appends one UPDATE withdrawing as many of p[0..n) (one family) as fit; returns how many. */
size_t bgp_withdraw_encode(struct buf *b, const struct prefix *p, size_t n,
			   const struct bgp_codec_ctx *ctx);
/* End-of-RIB for a family (RFC 4724): an empty UPDATE for IPv4, an empty MP_UNREACH for IPv6. */
void bgp_eor_encode(struct buf *b, uint16_t afi);

#endif
