/* A client's DNS query and the reading of its response (query.h). */
#include "dns/query.h"

#include <stdio.h>
#include <string.h>

#include "dns/name.h"
#include "lib/buf.h"

int dns_question_set(struct dns_question *q, const char *name, uint16_t type, uint16_t qclass,
		     const char **err)
{
	static const uint8_t root[1] = { 0 };
	int len = dns_name_from_text(name, strlen(name), root, q->name, err);

	if (len < 0)
		return -1;
	q->len = (size_t)len;
	q->type = type;
	q->qclass = qclass;
	return 0;
}

int dns_query_build(uint8_t *out, size_t cap, uint16_t id, const struct dns_question *q,
		    const struct dns_edns_opts *edns)
{
	size_t n = DNS_HDR_LEN + q->len + 4, opt = edns ? 11 + (edns->nsid ? 4 : 0) : 0;

	if (cap < n + opt)
		return -1;
	memset(out, 0, DNS_HDR_LEN);
	put16(out, id);
	put16(out + 4, 1); /* QDCOUNT */
	memcpy(out + DNS_HDR_LEN, q->name, q->len);
	put16(out + DNS_HDR_LEN + q->len, q->type);
	put16(out + DNS_HDR_LEN + q->len + 2, q->qclass);
	if (!edns)
		return (int)n;
	put16(out + 10, 1); /* ARCOUNT */
	/* OPT (RFC 6891 6.1.2): root owner, class = UDP size, TTL = extended RCODE, version,
	 * flags, all 0 */
	out[n] = 0;
	put16(out + n + 1, DNS_T_OPT);
	put16(out + n + 3, edns->udp_size);
	memset(out + n + 5, 0, 4);
	put16(out + n + 9, edns->nsid ? 4 : 0);
	if (edns->nsid) {
		put16(out + n + 11, DNS_OPT_NSID);
		put16(out + n + 13, 0); /* empty in a query (RFC 5001 2.3) */
	}
	return (int)(n + opt);
}

int dns_reply_parse(const uint8_t *p, size_t n, const struct dns_question *q, struct dns_reply *r)
{
	uint8_t name[DNS_NAME_MAX];
	size_t off = DNS_HDR_LEN;

	if (n < DNS_HDR_LEN)
		return -1;
	uint16_t flags = get16(p + 2), qd = get16(p + 4);

	if (!(flags & DNS_QR) || DNS_OPCODE(flags) != DNS_OP_QUERY)
		return -1;
	r->id = get16(p);
	r->rcode = flags & 0xf;
	r->ancount = get16(p + 6);
	if (qd == 0 && r->rcode != DNS_RC_NOERROR) {
		r->answers = off;
		return 0;
	}
	if (qd != 1)
		return -1;
	int len = dns_name_unpack(p, n, &off, name);

	if (len < 0 || off + 4 > n || !dns_name_eq(name, (size_t)len, q->name, q->len) ||
	    get16(p + off) != q->type || get16(p + off + 2) != q->qclass)
		return -1;
	r->answers = off + 4;
	return 0;
}

enum dns_txt_result dns_reply_txt(const uint8_t *p, size_t n, const struct dns_reply *r, char *out,
				  size_t cap)
{
	size_t off = r->answers;

	out[0] = 0;
	for (unsigned an = r->ancount; an > 0; an--) {
		if (dns_name_skip(p, n, &off) < 0 || off + 10 > n)
			return DNS_TXT_MALFORMED;
		uint16_t type = get16(p + off), rdlen = get16(p + off + 8);

		off += 10;
		if (off + rdlen > n)
			return DNS_TXT_MALFORMED;
		if (type != DNS_T_TXT) {
			off += rdlen;
			continue;
		}
		if (rdlen < 1 || 1u + p[off] > rdlen)
			return DNS_TXT_MALFORMED;
		size_t len = p[off], i;

		for (i = 0; i < len && i + 1 < cap; i++) {
			uint8_t c = p[off + 1 + i];

			out[i] = c >= 0x20 && c < 0x7f ? (char)c : '?';
		}
		out[i] = 0;
		return DNS_TXT_FOUND;
	}
	return DNS_TXT_NONE;
}

int dns_reply_identity(const uint8_t *p, size_t n, const struct dns_reply *r, char *out, size_t cap)
{
	if (r->rcode != DNS_RC_NOERROR) {
		const char *name = dns_rcode_name(r->rcode);

		if (name)
			snprintf(out, cap, "(%s)", name);
		else
			snprintf(out, cap, "(RCODE%d)", r->rcode);
		return 0;
	}
	switch (dns_reply_txt(p, n, r, out, cap)) {
	case DNS_TXT_FOUND:
		if (out[0])
			return 1;
		snprintf(out, cap, "(empty)");
		return 0;
	case DNS_TXT_NONE: snprintf(out, cap, "(no TXT)"); return 0;
	case DNS_TXT_MALFORMED: break;
	}
	snprintf(out, cap, "(malformed)");
	return 0;
}

const char *dns_rcode_name(int rcode)
{
	static const char *const names[] = { "NOERROR",  "FORMERR", "SERVFAIL",
					     "NXDOMAIN", "NOTIMP",  "REFUSED" };

	return rcode >= 0 && (size_t)rcode < sizeof(names) / sizeof(names[0]) ? names[rcode] : NULL;
}
