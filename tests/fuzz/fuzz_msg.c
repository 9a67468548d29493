/* libFuzzer target for the other messages: the header check, then OPEN, NOTIFICATION or
 * ROUTE-REFRESH by the header's type. OPENs that decode are re-encoded and decoded again, with
 * every capability (capa.h's table: graceful restart with its R and N bits, enhanced route
 * refresh); NOTIFICATIONs that are RFC 8538 Hard Resets are re-encoded likewise; so are
 * ROUTE-REFRESH messages with their RFC 7313 subtype. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bgp_err err;
	uint16_t len;
	uint8_t type;
	const uint8_t *body;
	size_t bl;

	if (bgp_hdr_check(data, size, &len, &type, &err) != 1 || len > size)
		return 0;
	body = data + BGP_HDR_LEN;
	bl = len - BGP_HDR_LEN;
	switch (type) {
	case BGP_OPEN: {
		struct bgp_open o, o2;
		struct buf b;

		if (bgp_open_decode(body, bl, &o, &err) < 0)
			break;
		buf_init(&b);
		bgp_open_encode(&b, o.asn, o.hold_time, o.bgp_id, &o.caps);
		if (bgp_open_decode(b.data + BGP_HDR_LEN, b.len - BGP_HDR_LEN, &o2, &err) < 0 ||
		    o2.asn != o.asn || o2.caps.mp_ipv4 != o.caps.mp_ipv4 ||
		    o2.caps.mp_ipv6 != o.caps.mp_ipv6 || o2.caps.role != o.caps.role ||
		    o2.caps.route_refresh != o.caps.route_refresh ||
		    o2.caps.enhanced_refresh != o.caps.enhanced_refresh ||
		    o2.caps.gr != o.caps.gr || o2.caps.gr_flags != o.caps.gr_flags ||
		    o2.caps.gr_time != o.caps.gr_time ||
		    memcmp(o2.caps.gr_af, o.caps.gr_af, sizeof(o.caps.gr_af)) != 0 ||
		    o2.caps.ext_nh4 != o.caps.ext_nh4)
			abort();
		buf_free(&b);
		break;
	}
	case BGP_NOTIFICATION: {
		struct bgp_notification n;

		if (bgp_notification_decode(body, bl, &n) == 0) {
			if (strlen(n.shutdown_msg) >= sizeof(n.shutdown_msg))
				abort();
			if (!bgp_err_subcode_name(n.code, n.subcode) || !bgp_err_code_name(n.code))
				abort();
			/* RFC 8538: a Hard Reset re-encoded from what was decoded decodes the same */
			if (n.hard_reset && n.datalen >= 2) {
				struct bgp_notification n2;
				struct buf b;

				buf_init(&b);
				bgp_hard_reset_encode(&b, n.inner_code, n.inner_subcode, n.data + 2,
						      n.datalen - 2u);
				if (bgp_notification_decode(b.data + BGP_HDR_LEN,
							    b.len - BGP_HDR_LEN, &n2) < 0 ||
				    !n2.hard_reset || n2.inner_code != n.inner_code ||
				    n2.inner_subcode != n.inner_subcode ||
				    strcmp(n2.shutdown_msg, n.shutdown_msg) != 0)
					abort();
				buf_free(&b);
			}
		}
		break;
	}
	case BGP_ROUTE_REFRESH: {
		uint16_t afi, afi2;
		uint8_t safi, sub, safi2, sub2;
		struct buf b;

		if (bgp_refresh_decode_sub(body, bl, &afi, &sub, &safi, &err) < 0)
			break;
		buf_init(&b);
		bgp_refresh_encode_sub(&b, afi, sub, safi);
		if (bgp_refresh_decode_sub(b.data + BGP_HDR_LEN, b.len - BGP_HDR_LEN, &afi2, &sub2,
					   &safi2, &err) < 0 ||
		    afi2 != afi || sub2 != sub || safi2 != safi)
			abort();
		buf_free(&b);
		break;
	}
	default: break;
	}
	return 0;
}
