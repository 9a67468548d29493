/* libFuzzer target over the whole UPDATE path: decode with the context picked by the first
 * input byte, intern the result, re-encode what was announced and decode that again. Our own
 * encoder's output must never make our decoder reset the session, and for a clean 4-octet
 * decode the attributes must survive the round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void roundtrip(const struct bgp_update *u, const struct bgp_codec_ctx *ctx)
{
	struct bgp_attrs a;
	struct bgp_update u2;
	struct bgp_err err;
	struct buf b;
	size_t k;
	/* IPv6, or IPv4 with an IPv6 next hop (RFC 8950): the next hop goes in MP_REACH */
	int v6 = u->announced[0].addr.af == AF_INET6 ||
		 (u->mp_reach_from == 0 && u->mp_nexthop.af == AF_INET6);

	bgp_attrs_copy(&a, &u->attrs);
	if (v6) {
		a.nexthop = u->mp_nexthop;
		a.nexthop_ll = u->mp_nexthop_ll;
	} else if (u->mp_reach_from == 0) {
		/* IPv4 that came in MP_REACH goes out in the NLRI field */
		a.nexthop = u->mp_nexthop;
		a.has |= BGP_AH_NEXT_HOP;
	}
	buf_init(&b);
	k = bgp_update_encode(&b, &a, u->announced, u->n_announced, ctx);
	if (k > 0) {
		uint16_t len;
		uint8_t type;

		if (bgp_hdr_check(b.data, b.len, &len, &type, &err) != 1 || len != b.len)
			abort();
		if (bgp_update_decode(b.data + BGP_HDR_LEN, b.len - BGP_HDR_LEN, ctx, &u2, &err) <
		    0)
			abort();
		if (u2.n_announced != k)
			abort();
		if (ctx->as4 && !u->treat_as_withdraw && u->warn[0] == 0 && !u2.treat_as_withdraw) {
			if (v6) {
				u2.attrs.nexthop = u2.mp_nexthop;
				u2.attrs.nexthop_ll = u2.mp_nexthop_ll;
			}
			if (!bgp_attrs_equal(&a, &u2.attrs))
				abort();
		}
		bgp_update_free(&u2);
	}
	/* withdrawals of the same prefixes */
	buf_reset(&b);
	k = bgp_withdraw_encode(&b, u->announced, u->n_announced, ctx);
	if (k > 0) {
		if (bgp_update_decode(b.data + BGP_HDR_LEN, b.len - BGP_HDR_LEN, ctx, &u2, &err) <
			    0 ||
		    u2.n_withdrawn != k)
			abort();
		bgp_update_free(&u2);
	}
	buf_free(&b);
	bgp_attrs_clear(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_codec_ctx ctx;
	struct bgp_update u;
	struct bgp_err err;

	if (size < 1 || size > 1 + BGP_MAX_LEN - BGP_HDR_LEN)
		return 0;
	memset(&ctx, 0, sizeof(ctx));
	ctx.as4 = data[0] & 1;
	ctx.ebgp = (data[0] >> 1) & 1;
	/* mostly both families, sometimes one missing */
	ctx.mp_ipv4 = !((data[0] >> 2) & 1);
	ctx.mp_ipv6 = !((data[0] >> 3) & 1);
	ctx.ext_nh4 = (data[0] >> 4) & 1;
	ctx.local_as = 65000;
	ctx.peer_as = ctx.ebgp ? 65001 : 65000;

	if (bgp_update_decode(data + 1, size - 1, &ctx, &u, &err) == 0) {
		const struct bgp_attrs *ia = bgp_attrs_intern(&u.attrs);
		const struct bgp_attrs *ib = bgp_attrs_intern(&u.attrs);

		if (ia != ib || !bgp_attrs_equal(ia, &u.attrs))
			abort();
		if (u.n_announced)
			roundtrip(&u, &ctx);
		bgp_attrs_unref(ia);
		bgp_attrs_unref(ib);
		if (bgp_attrs_interned_count() != 0)
			abort();
	}
	bgp_update_free(&u);
	return 0;
}
