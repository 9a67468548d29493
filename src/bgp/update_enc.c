/* UPDATE encoding: announcements, withdrawals, End-of-RIB.
 *
 * Attributes go out in type code order, except MP_REACH_NLRI/MP_UNREACH_NLRI, which come first
 * (RFC 7606 sec 5.1) so that a receiver can still find the NLRI when a later attribute is
 * malformed. One UPDATE carries one of: withdrawn routes, NLRI, MP_REACH, MP_UNREACH (same). */
#include "bgp/update.h"

#include <string.h>
#include <sys/socket.h>

/* Offsets into b are kept relative to b->off (see bgp_msg_begin): growing the buffer may move
 * the pending bytes. */
#define REL(b) ((b)->len - (b)->off)
#define AT(b, rel) ((b)->off + (rel))

static void attr_hdr(struct buf *b, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255) {
		buf_put8(b, flags | BGP_AF_EXTLEN);
		buf_put8(b, type);
		buf_put16(b, (uint16_t)len);
	} else {
		buf_put8(b, flags & ~BGP_AF_EXTLEN);
		buf_put8(b, type);
		buf_put8(b, (uint8_t)len);
	}
}

static size_t prefix_size(const struct prefix *p) { return 1 + ((size_t)p->len + 7) / 8; }

static void prefix_put(struct buf *b, const struct prefix *p)
{
	buf_put8(b, p->len);
	buf_put(b, p->addr.a, ((size_t)p->len + 7) / 8);
}

/* Unknown attributes are stored sorted by type; they are interleaved with ours in order. */
struct unk {
	const uint8_t *p;
	size_t off, len;
};

static void unk_until(struct buf *b, struct unk *u, unsigned type)
{
	while (u->off + 3 <= u->len && u->p[u->off + 1] < type) {
		size_t hl = (u->p[u->off] & BGP_AF_EXTLEN) ? 4 : 3, vl;

		if (u->off + hl > u->len)
			break;
		vl = hl == 4 ? get16(u->p + u->off + 2) : u->p[u->off + 2];
		if (u->off + hl + vl > u->len)
			break; /* a hand-made set with a broken blob: send what is sound */
		buf_put(b, u->p + u->off, hl + vl);
		u->off += hl + vl;
	}
}

#define SEGS(a, off)                                                                      \
	for (size_t off = 0; off + 2 <= (a)->aspath_len &&                                \
			     off + 2 + (size_t)(a)->aspath[off + 1] * 4 <= (a)->aspath_len; \
	     off += 2 + (size_t)(a)->aspath[off + 1] * 4)

/* AS_PATH, and for a 2-octet peer AS_TRANS in it plus an AS4_PATH (RFC 6793 sec 4.2.2).
 * Returns whether an AS4_PATH is needed. */
static int put_aspath(struct buf *b, const struct bgp_attrs *a, int as4)
{
	size_t len = 0;
	int big = 0;

	if (as4) {
		SEGS(a, off)
			len = off + 2 + (size_t)a->aspath[off + 1] * 4;
		attr_hdr(b, BGP_AF_TRANSITIVE, BGP_ATTR_AS_PATH, len);
		buf_put(b, a->aspath, len);
		return 0;
	}
	SEGS(a, off) {
		len += 2 + (size_t)a->aspath[off + 1] * 2;
		for (size_t i = 0; i < a->aspath[off + 1]; i++)
			if (get32(a->aspath + off + 2 + i * 4) > 0xffff)
				big = 1;
	}
	attr_hdr(b, BGP_AF_TRANSITIVE, BGP_ATTR_AS_PATH, len);
	SEGS(a, off) {
		buf_put8(b, a->aspath[off]);
		buf_put8(b, a->aspath[off + 1]);
		for (size_t i = 0; i < a->aspath[off + 1]; i++) {
			uint32_t asn = get32(a->aspath + off + 2 + i * 4);

			buf_put16(b, asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn);
		}
	}
	return big;
}

static void put_as4_path(struct buf *b, const struct bgp_attrs *a)
{
	size_t len = 0;

	/* confederation segments never go into AS4_PATH (RFC 6793 sec 3) */
	SEGS(a, off)
		if (a->aspath[off] == BGP_ASSEG_SET || a->aspath[off] == BGP_ASSEG_SEQUENCE)
			len += 2 + (size_t)a->aspath[off + 1] * 4;
	attr_hdr(b, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_AS4_PATH, len);
	SEGS(a, off)
		if (a->aspath[off] == BGP_ASSEG_SET || a->aspath[off] == BGP_ASSEG_SEQUENCE)
			buf_put(b, a->aspath + off, 2 + (size_t)a->aspath[off + 1] * 4);
}

/* Every attribute but MP_REACH_NLRI, in type order. */
static void put_attrs(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *ctx,
		      int ipv4)
{
	struct unk u = {a->unknown, 0, a->unknown ? a->unknown_len : 0};
	int as4_path, as4_aggr = 0;

	unk_until(b, &u, BGP_ATTR_ORIGIN);
	attr_hdr(b, BGP_AF_TRANSITIVE, BGP_ATTR_ORIGIN, 1);
	buf_put8(b, a->origin);
	unk_until(b, &u, BGP_ATTR_AS_PATH);
	as4_path = put_aspath(b, a, ctx->as4);
	unk_until(b, &u, BGP_ATTR_NEXT_HOP);
	if (ipv4) {
		attr_hdr(b, BGP_AF_TRANSITIVE, BGP_ATTR_NEXT_HOP, 4);
		buf_put(b, a->nexthop.a, 4);
	}
	unk_until(b, &u, BGP_ATTR_MED);
	if (a->has & BGP_AH_MED) {
		attr_hdr(b, BGP_AF_OPTIONAL, BGP_ATTR_MED, 4);
		buf_put32(b, a->med);
	}
	unk_until(b, &u, BGP_ATTR_LOCAL_PREF);
	if ((a->has & BGP_AH_LOCAL_PREF) && !ctx->ebgp) {
		attr_hdr(b, BGP_AF_TRANSITIVE, BGP_ATTR_LOCAL_PREF, 4);
		buf_put32(b, a->local_pref);
	}
	unk_until(b, &u, BGP_ATTR_ATOMIC_AGGREGATE);
	if (a->has & BGP_AH_ATOMIC_AGGREGATE)
		attr_hdr(b, BGP_AF_TRANSITIVE, BGP_ATTR_ATOMIC_AGGREGATE, 0);
	unk_until(b, &u, BGP_ATTR_AGGREGATOR);
	if (a->has & BGP_AH_AGGREGATOR) {
		attr_hdr(b, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_AGGREGATOR,
			 ctx->as4 ? 8 : 6);
		if (ctx->as4) {
			buf_put32(b, a->aggregator_as);
		} else {
			as4_aggr = a->aggregator_as > 0xffff;
			buf_put16(b, as4_aggr ? BGP_AS_TRANS : (uint16_t)a->aggregator_as);
		}
		buf_put(b, a->aggregator_addr.a, 4);
	}
	unk_until(b, &u, BGP_ATTR_COMMUNITIES);
	if (a->ncomms) {
		attr_hdr(b, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_COMMUNITIES,
			 (size_t)a->ncomms * 4);
		for (size_t i = 0; i < a->ncomms; i++)
			buf_put32(b, a->comms[i]);
	}
	unk_until(b, &u, BGP_ATTR_AS4_PATH);
	if (as4_path)
		put_as4_path(b, a);
	unk_until(b, &u, BGP_ATTR_AS4_AGGREGATOR);
	if (as4_aggr) {
		attr_hdr(b, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_AS4_AGGREGATOR, 8);
		buf_put32(b, a->aggregator_as);
		buf_put(b, a->aggregator_addr.a, 4);
	}
	unk_until(b, &u, BGP_ATTR_LARGE_COMMUNITIES);
	if (a->nlcomms) {
		attr_hdr(b, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_LARGE_COMMUNITIES,
			 (size_t)a->nlcomms * 12);
		for (size_t i = 0; i < a->nlcomms; i++) {
			buf_put32(b, a->lcomms[i].global);
			buf_put32(b, a->lcomms[i].local1);
			buf_put32(b, a->lcomms[i].local2);
		}
	}
	unk_until(b, &u, BGP_ATTR_OTC);
	if (a->has & BGP_AH_OTC) {
		attr_hdr(b, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE, BGP_ATTR_OTC, 4);
		buf_put32(b, a->otc);
	}
	unk_until(b, &u, 256);
}

size_t bgp_update_encode(struct buf *b, const struct bgp_attrs *attrs, const struct prefix *p,
			 size_t n, const struct bgp_codec_ctx *ctx)
{
	size_t start, alen_at, attrs_at, used, fit = 0, nl = 0;
	int ipv4;

	if (n == 0 || (p[0].addr.af != AF_INET && p[0].addr.af != AF_INET6))
		return 0;
	ipv4 = p[0].addr.af == AF_INET;
	start = bgp_msg_begin(b, BGP_UPDATE);
	buf_put16(b, 0); /* no withdrawn routes */
	alen_at = REL(b);
	buf_put16(b, 0);
	attrs_at = REL(b);
	put_attrs(b, attrs, ctx, ipv4);
	used = REL(b) - start;

	if (ipv4) {
		for (; fit < n && p[fit].addr.af == AF_INET; fit++) {
			if (used + nl + prefix_size(&p[fit]) > BGP_MAX_LEN)
				break;
			nl += prefix_size(&p[fit]);
		}
		if (fit == 0)
			goto none;
		buf_set16(b, AT(b, alen_at), (uint16_t)(REL(b) - attrs_at));
		for (size_t i = 0; i < fit; i++)
			prefix_put(b, &p[i]);
	} else {
		int ll = attrs->nexthop_ll.af == AF_INET6;
		size_t nhl = ll ? 32 : 16, rest = REL(b) - attrs_at, vl, hl;

		/* MP_REACH_NLRI value: AFI, SAFI, next hop length, next hop, reserved, NLRI */
		for (; fit < n && p[fit].addr.af == AF_INET6; fit++) {
			vl = 5 + nhl + nl + prefix_size(&p[fit]);
			if (used + (vl > 255 ? 4 : 3) + vl > BGP_MAX_LEN)
				break;
			nl += prefix_size(&p[fit]);
		}
		if (fit == 0)
			goto none;
		vl = 5 + nhl + nl;
		hl = vl > 255 ? 4 : 3;
		/* MP_REACH_NLRI goes first: shift the other attributes up behind it. After the
		 * reserve, nothing below grows the buffer. */
		buf_reserve(b, hl + vl);
		memmove(b->data + AT(b, attrs_at) + hl + vl, b->data + AT(b, attrs_at), rest);
		b->len = AT(b, attrs_at);
		attr_hdr(b, BGP_AF_OPTIONAL, BGP_ATTR_MP_REACH, vl);
		buf_put16(b, BGP_AFI_IPV6);
		buf_put8(b, BGP_SAFI_UNICAST);
		buf_put8(b, (uint8_t)nhl);
		buf_put(b, attrs->nexthop.a, 16);
		if (ll)
			buf_put(b, attrs->nexthop_ll.a, 16);
		buf_put8(b, 0);
		for (size_t i = 0; i < fit; i++)
			prefix_put(b, &p[i]);
		b->len += rest;
		buf_set16(b, AT(b, alen_at), (uint16_t)(REL(b) - attrs_at));
	}
	bgp_msg_end(b, start);
	return fit;
none:
	b->len = AT(b, start); /* not even one prefix fits: nothing is sent */
	return 0;
}

size_t bgp_withdraw_encode(struct buf *b, const struct prefix *p, size_t n,
			   const struct bgp_codec_ctx *ctx)
{
	size_t start, fit = 0, nl = 0;
	int af;

	(void)ctx;
	if (n == 0 || (p[0].addr.af != AF_INET && p[0].addr.af != AF_INET6))
		return 0;
	af = p[0].addr.af;
	start = bgp_msg_begin(b, BGP_UPDATE);
	if (af == AF_INET) {
		for (; fit < n && p[fit].addr.af == AF_INET; fit++) {
			if (BGP_HDR_LEN + 4 + nl + prefix_size(&p[fit]) > BGP_MAX_LEN)
				break;
			nl += prefix_size(&p[fit]);
		}
		buf_put16(b, (uint16_t)nl);
		for (size_t i = 0; i < fit; i++)
			prefix_put(b, &p[i]);
		buf_put16(b, 0);
	} else {
		size_t vl;

		for (; fit < n && p[fit].addr.af == AF_INET6; fit++) {
			vl = 3 + nl + prefix_size(&p[fit]);
			if (BGP_HDR_LEN + 4 + (vl > 255 ? 4 : 3) + vl > BGP_MAX_LEN)
				break;
			nl += prefix_size(&p[fit]);
		}
		vl = 3 + nl;
		buf_put16(b, 0);
		buf_put16(b, (uint16_t)((vl > 255 ? 4 : 3) + vl));
		attr_hdr(b, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, vl);
		buf_put16(b, BGP_AFI_IPV6);
		buf_put8(b, BGP_SAFI_UNICAST);
		for (size_t i = 0; i < fit; i++)
			prefix_put(b, &p[i]);
	}
	bgp_msg_end(b, start);
	return fit;
}

void bgp_eor_encode(struct buf *b, uint16_t afi)
{
	size_t start = bgp_msg_begin(b, BGP_UPDATE);

	buf_put16(b, 0);
	if (afi == BGP_AFI_IPV4) {
		buf_put16(b, 0);
	} else {
		buf_put16(b, 6);
		attr_hdr(b, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, 3);
		buf_put16(b, afi);
		buf_put8(b, BGP_SAFI_UNICAST);
	}
	bgp_msg_end(b, start);
}
