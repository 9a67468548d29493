/* libFuzzer target for the other messages: the header check, then OPEN, NOTIFICATION or
 * ROUTE-REFRESH by the header's type. OPENs that decode are re-encoded and decoded again. */
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
		}
		break;
	}
	case BGP_ROUTE_REFRESH: {
		uint16_t afi;
		uint8_t safi;

		bgp_refresh_decode(body, bl, &afi, &safi, &err);
		break;
	}
	default: break;
	}
	return 0;
}
