/* The BADKEY reply's TSIG record. */
#include "dns/tsig.h"

#include <string.h>

#include "dns/name.h"
#include "lib/buf.h"

size_t dns_tsig_badkey(const struct dns_query *q, uint8_t *out, size_t n, size_t cap)
{
	uint8_t key[DNS_NAME_MAX], alg[DNS_NAME_MAX];
	size_t off = q->tsig_off;
	int kl = dns_name_unpack(q->pkt, q->len, &off, key);

	if (kl < 0 || q->len - off < 10)
		return n;
	off += 10; /* type, class, TTL, rdlength: checked by the parser */
	int al = dns_name_unpack(q->pkt, q->len, &off, alg);

	if (al < 0 || q->len - off < 10)
		return n;
	const uint8_t *times = q->pkt + off; /* time signed (48 bits) and fudge */
	size_t maclen = get16(q->pkt + off + 8);

	off += 10;
	if (q->len - off < maclen + 2)
		return n;
	uint16_t orig_id = get16(q->pkt + off + maclen);
	size_t rdlen = (size_t)al + 8 + 2 + 2 + 2 + 2, need = (size_t)kl + 10 + rdlen;

	if (n + need > cap)
		return n;
	uint8_t *p = out + n;

	memcpy(p, key, (size_t)kl);
	p += kl;
	put16(p, DNS_T_TSIG);
	put16(p + 2, DNS_C_ANY);
	put32(p + 4, 0);
	put16(p + 8, (uint16_t)rdlen);
	p += 10;
	memcpy(p, alg, (size_t)al);
	p += al;
	memcpy(p, times, 8);
	put16(p + 8, 0); /* no MAC: the reply is unsigned */
	put16(p + 10, orig_id);
	put16(p + 12, DNS_TSIG_BADKEY);
	put16(p + 14, 0);
	put16(out + 10, (uint16_t)(get16(out + 10) + 1));
	return n + need;
}
