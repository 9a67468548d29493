/* libFuzzer target for the RTR PDU codec: the input is read as a stream of PDUs, as a session
 * reads its socket. Every PDU that decodes is encoded again and must decode to the same fields
 * and the same length; a refusal must name a known Error Report code and a reason, and report
 * the length the header claims; a PDU cut short is "not yet", never a refusal it would not
 * have earned whole. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpki/rtr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct rtr_pdu *p, size_t len)
{
	static uint8_t buf[RTR_PDU_MAX];
	struct rtr_pdu q;
	struct rtr_reject why;
	size_t n = rtr_encode(p, buf, sizeof(buf)), used;

	if (n != len || rtr_decode(buf, n, &q, &used, &why) != 1 || used != n)
		abort();
	if (q.version != p->version || q.type != p->type || q.session != p->session ||
	    q.serial != p->serial || q.flags != p->flags ||
	    memcmp(&q.vrp, &p->vrp, sizeof(q.vrp)) != 0 || q.refresh != p->refresh ||
	    q.retry != p->retry || q.expire != p->expire || q.asn != p->asn ||
	    memcmp(q.ski, p->ski, sizeof(q.ski)) != 0 || q.spki_len != p->spki_len ||
	    q.ecode != p->ecode || q.epdu_len != p->epdu_len || q.text_len != p->text_len)
		abort();
	if ((q.spki_len && memcmp(q.spki, p->spki, q.spki_len)) ||
	    (q.epdu_len && memcmp(q.epdu, p->epdu, q.epdu_len)) ||
	    (q.text_len && memcmp(q.text, p->text, q.text_len)))
		abort();
	if ((p->type == RTR_IPV4_PREFIX || p->type == RTR_IPV6_PREFIX) &&
	    (p->vrp.maxlen < p->vrp.pfx.len ||
	     p->vrp.maxlen > (p->type == RTR_IPV4_PREFIX ? 32 : 128)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	while (size > 0) {
		struct rtr_pdu p;
		struct rtr_reject why = { RTR_E_INTERNAL, NULL };
		size_t used;
		int r = rtr_decode(data, size, &p, &used, &why);

		if (r == 0)
			break;
		if (r < 0) {
			if (!why.msg || why.code > RTR_E_UNEXPECTED_VERSION ||
			    why.code == RTR_E_INTERNAL)
				abort();
			if (size >= RTR_HDR_LEN && used != ((size_t)data[4] << 24 | data[5] << 16 |
							    data[6] << 8 | data[7]))
				abort();
			break;
		}
		if (used < RTR_HDR_LEN || used > size || !rtr_type_name(p.type))
			abort();
		round_trip(&p, used);
		/* One byte short of a good PDU is "not yet". */
		if (rtr_decode(data, used - 1, &p, &used, &why) != 0)
			abort();
		rtr_decode(data, size, &p, &used, &why);
		data += used;
		size -= used;
	}
	return 0;
}
