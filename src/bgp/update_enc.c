/* UPDATE encoding: announcements, withdrawals, End-of-RIB. The attributes themselves are
 * written by their rows of the attribute table (bgp_attrs_encode).
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

static size_t prefix_size(const struct prefix *p) { return 1 + ((size_t)p->len + 7) / 8; }

static void prefix_put(struct buf *b, const struct prefix *p)
{
	buf_put8(b, p->len);
	buf_put(b, p->addr.a, ((size_t)p->len + 7) / 8);
}

size_t bgp_update_encode(struct buf *b, const struct bgp_attrs *attrs, const struct prefix *p,
			 size_t n, const struct bgp_codec_ctx *ctx)
{
	size_t start, alen_at, attrs_at, used, fit = 0, nl = 0;
	int af, plain;

	if (n == 0 || (p[0].addr.af != AF_INET && p[0].addr.af != AF_INET6))
		return 0;
	af = p[0].addr.af;
	/* IPv4 with an IPv4 next hop in the NLRI field; IPv6, and IPv4 with an IPv6 next hop
	 * (RFC 8950), in MP_REACH_NLRI */
	plain = af == AF_INET && attrs->nexthop.af != AF_INET6;
	start = bgp_msg_begin(b, BGP_UPDATE);
	buf_put16(b, 0); /* no withdrawn routes */
	alen_at = REL(b);
	buf_put16(b, 0);
	attrs_at = REL(b);
	bgp_attrs_encode(b, attrs, ctx, plain);
	used = REL(b) - start;

	if (plain) {
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
		for (; fit < n && p[fit].addr.af == af; fit++) {
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
		bgp_attr_hdr_put(b, BGP_AF_OPTIONAL, BGP_ATTR_MP_REACH, vl);
		buf_put16(b, af == AF_INET ? BGP_AFI_IPV4 : BGP_AFI_IPV6);
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
		bgp_attr_hdr_put(b, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, vl);
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
		bgp_attr_hdr_put(b, BGP_AF_OPTIONAL, BGP_ATTR_MP_UNREACH, 3);
		buf_put16(b, afi);
		buf_put8(b, BGP_SAFI_UNICAST);
	}
	bgp_msg_end(b, start);
}
