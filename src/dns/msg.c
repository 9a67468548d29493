/* Query parsing. Everything here reads untrusted bytes: every access is bounds-checked, and
 * any inconsistency maps to FORMERR (RFC 1035 4.1.1) rather than to a crash or silence. */
#include "dns/msg.h"

#include <string.h>

#include "dns/cookie.h"
#include "dns/name.h"
#include "lib/buf.h"

/* The question name must be uncompressed: a pointer there could only point into the header. */
static int parse_qname(struct dns_query *q, size_t *off)
{
	size_t pos = *off, w = 0;
	int labels = 0;

	for (;;) {
		if (pos >= q->len)
			return -1;
		uint8_t c = q->pkt[pos];

		if (c == 0)
			break;
		if (c > DNS_LABEL_MAX || pos + 1 + c > q->len || w + 1 + c + 1 > DNS_NAME_MAX)
			return -1;
		q->loff[labels++] = (uint8_t)w;
		q->qname[w++] = c;
		for (size_t i = 1; i <= c; i++)
			q->qname[w++] = dns_lower(q->pkt[pos + i]);
		pos += 1 + c;
	}
	q->qname[w++] = 0;
	q->qname_len = (uint8_t)w;
	q->qlabels = (uint8_t)labels;
	*off = pos + 1;
	return 0;
}

/* OPT RR (RFC 6891 6.1.2): owner root, CLASS = UDP size, TTL = ext-rcode|version|flags. */
static int parse_opt(struct dns_query *q, const uint8_t *rr, size_t owner_len, uint16_t cls,
		     uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	if (q->edns || owner_len != 1)
		return -1; /* 6.1.1: more than one OPT, or a non-root owner, is FORMERR */
	(void)rr;
	q->edns = 1;
	q->udp_size = cls;
	q->edns_version = (uint8_t)(ttl >> 16);
	q->edns_do = (ttl & 0x8000) != 0;
	size_t p = 0;

	while (p < rdlen) {
		if (rdlen - p < 4)
			return -1;
		uint16_t code = get16(rd + p), olen = get16(rd + p + 2);

		if (olen > rdlen - p - 4)
			return -1;
		if (code == DNS_OPT_NSID)
			q->nsid = 1; /* RFC 5001 2.3: the query's payload is empty; ignore any */
		if (code == DNS_OPT_COOKIE) { /* RFC 7873 5.2.2: a malformed one is FORMERR */
			if (q->cookie_len || (olen != 8 && (olen < 16 || olen > 40)))
				return -1;
			memcpy(q->cookie, rd + p + 4, olen);
			q->cookie_len = (uint8_t)olen;
		}
		p += 4 + (size_t)olen;
	}
	return 0;
}

int dns_query_parse(struct dns_query *q, const uint8_t *pkt, size_t len)
{
	q->pkt = pkt;
	q->len = len;
	q->has_question = 0;
	q->edns = 0;
	q->nsid = 0;
	q->edns_do = 0;
	q->edns_version = 0;
	q->udp_size = 0;
	q->tsig_off = 0;
	q->cookie_len = 0;
	q->scookie_set = 0;
	q->keepalive_set = 0;
	if (len < DNS_HDR_LEN)
		return -1;
	q->id = get16(pkt);
	q->flags = get16(pkt + 2);
	if (q->flags & DNS_QR)
		return -1;
	q->opcode = (uint8_t)DNS_OPCODE(q->flags);
	uint16_t qd = get16(pkt + 4), an = get16(pkt + 6), ns = get16(pkt + 8),
		 ar = get16(pkt + 10);
	size_t off = DNS_HDR_LEN;

	/* Parse the question first even for an unknown opcode, to echo it with NOTIMP. */
	if (qd >= 1 && parse_qname(q, &off) == 0 && off + 4 <= len) {
		q->qtype = get16(pkt + off);
		q->qclass = get16(pkt + off + 2);
		off += 4;
		q->has_question = 1;
	}
	/* The other sections are read whatever the opcode, so that an error reply keeps the
	 * OPT (RFC 6891 6.1.1) and a TSIG-signed query is known (RFC 8945 5.2). Answer and
	 * authority have no use in a QUERY; they are skipped, checking bounds. */
	int bad = qd > 1 || (qd == 1 && !q->has_question);
	unsigned total = (unsigned)an + ns + ar;

	for (unsigned i = 1; i < qd && q->has_question; i++) { /* FORMERR, but find the OPT */
		if (dns_name_skip(pkt, len, &off) < 0 || len - off < 4) {
			q->has_question = 0;
			break;
		}
		off += 4;
	}
	if (qd > 1 && !q->has_question)
		total = 0;

	for (unsigned i = 0; i < total && (!bad || qd > 1); i++) {
		size_t start = off;
		int nl = dns_name_skip(pkt, len, &off);

		if (nl < 0 || len - off < 10) {
			bad = 1;
			break;
		}
		uint16_t type = get16(pkt + off), cls = get16(pkt + off + 2);
		uint32_t ttl = get32(pkt + off + 4);
		uint16_t rdlen = get16(pkt + off + 8);

		off += 10;
		if (rdlen > len - off) {
			bad = 1;
			break;
		}
		if (type == DNS_T_OPT &&
		    (i < (unsigned)an + ns ||
		     parse_opt(q, pkt + start, (size_t)nl, cls, ttl, pkt + off, rdlen) < 0)) {
			q->edns = 0;
			bad = 1;
		}
		if (type == DNS_T_TSIG && i == total - 1 && i >= (unsigned)an + ns)
			q->tsig_off = (uint16_t)start; /* RFC 8945 5.1: only as the last record */
		off += rdlen;
	}
	if (q->opcode != DNS_OP_QUERY)
		return DNS_RC_NOTIMP;
	if (!q->has_question || bad)
		return DNS_RC_FORMERR;
	if (q->qtype == DNS_T_OPT)
		return DNS_RC_FORMERR; /* a meta type that is never asked for (RFC 6891 6.1.1) */
	return DNS_RC_NOERROR;
}

size_t dns_opt_len(const struct dns_query *q, size_t nsid_len)
{
	if (!q->edns)
		return 0;
	return 11 + (q->nsid && nsid_len ? 4 + nsid_len : 0) + (q->scookie_set ? 4 + 8 + 16 : 0) +
	       (q->keepalive_set ? 4 + 2 : 0);
}

size_t dns_opt_write(uint8_t *p, const struct dns_query *q, uint16_t udp_size, int rcode,
		     const char *nsid, size_t nsid_len)
{
	size_t rdlen = q->nsid && nsid_len ? 4 + nsid_len : 0;
	size_t clen = q->scookie_set ? 4 + 8 + 16 : 0;
	size_t klen = q->keepalive_set ? 4 + 2 : 0;

	p[0] = 0; /* root owner */
	put16(p + 1, DNS_T_OPT);
	put16(p + 3, udp_size);
	/* Upper 8 bits of the 12-bit rcode; version 0; DO echoed (RFC 3225 3). */
	put32(p + 5, (uint32_t)(rcode >> 4) << 24 | (q->edns_do ? 0x8000u : 0));
	put16(p + 9, (uint16_t)(rdlen + clen + klen));
	if (rdlen) {
		put16(p + 11, DNS_OPT_NSID);
		put16(p + 13, (uint16_t)nsid_len);
		memcpy(p + 15, nsid, nsid_len);
	}
	if (clen) { /* the client's cookie, then ours (RFC 7873 5.2.3) */
		uint8_t *c = p + 11 + rdlen;

		put16(c, DNS_OPT_COOKIE);
		put16(c + 2, 24);
		memcpy(c + 4, q->cookie, 8);
		memcpy(c + 12, q->scookie, 16);
	}
	if (klen) {
		uint8_t *k = p + 11 + rdlen + clen;

		put16(k, DNS_OPT_TCP_KEEPALIVE);
		put16(k + 2, 2);
		put16(k + 4, q->keepalive);
	}
	return 11 + rdlen + clen + klen;
}
