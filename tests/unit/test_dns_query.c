/* dns/query.h: the client's query (built here, parsed back by the responder's own parser and
 * answered by the responder itself), and the reading of responses, well-formed and not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/query.h"
#include "dns/zone.h"
#include "dns/zoneset.h"
#include "lib/buf.h"
#include "t.h"

static void test_question(void)
{
	static const struct {
		const char *text;
		int len; /* wire length, -1: invalid */
	} cases[] = {
		{ "id.server", 11 },
		{ "id.server.", 11 },
		{ "hostname.bind", 15 },
		{ ".", 1 },
		{ "a..b", -1 },
		{ "", -1 },
		{ ".a", -1 },
		{ "a\\.b", 5 },
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
		  67 }, /* 63 */
		{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
		  -1 }, /* 64 */
	};
	struct dns_question q;
	const char *why;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = dns_question_set(&q, cases[i].text, DNS_T_TXT, DNS_C_CH, &why);

		CHECK_INT(rc < 0 ? -1 : (int)q.len, cases[i].len);
	}
	CHECK_INT(dns_question_set(&q, "id.server", DNS_T_TXT, DNS_C_CH, &why), 0);
	CHECK(memcmp(q.name, "\2id\6server\0", 11) == 0);

	/* 255 octets in all: 4 labels of 62 is 252, one more label of 1 fits, of 2 does not */
	char big[300], l62[63];

	memset(l62, 'x', 62);
	l62[62] = 0;
	snprintf(big, sizeof(big), "%s.%s.%s.%s.a", l62, l62, l62, l62);
	CHECK_INT(dns_question_set(&q, big, DNS_T_A, DNS_C_IN, &why), 0);
	CHECK_INT(q.len, 255);
	snprintf(big, sizeof(big), "%s.%s.%s.%s.ab", l62, l62, l62, l62);
	CHECK_INT(dns_question_set(&q, big, DNS_T_A, DNS_C_IN, &why), -1);
}

/* Built here, parsed by the responder's parser (dns/msg.h): the same question, ID and EDNS. */
static void test_build_roundtrip(void)
{
	static const struct {
		const char *name;
		uint16_t type, qclass;
		int edns, nsid;
		uint16_t udp;
	} cases[] = {
		{ "id.server.", DNS_T_TXT, DNS_C_CH, 0, 0, 0 },
		{ "Health.LAB", DNS_T_SOA, DNS_C_IN, 0, 0, 0 },
		{ "www.example.com", DNS_T_AAAA, DNS_C_IN, 1, 0, 1232 },
		{ "hostname.bind", DNS_T_TXT, DNS_C_CH, 1, 1, 4096 },
		{ ".", DNS_T_NS, DNS_C_IN, 1, 1, 512 },
	};
	uint8_t pkt[DNS_QUERY_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dns_question q;
		struct dns_edns_opts e = { cases[i].udp, cases[i].nsid };
		struct dns_query pq;
		const char *why;

		CHECK_INT(dns_question_set(&q, cases[i].name, cases[i].type, cases[i].qclass, &why),
			  0);
		int n = dns_query_build(pkt, sizeof(pkt), (uint16_t)(0x1234 + i), &q,
					cases[i].edns ? &e : NULL);

		CHECK(n > 0);
		CHECK_INT(dns_query_parse(&pq, pkt, (size_t)n), DNS_RC_NOERROR);
		CHECK_INT(pq.id, 0x1234 + i);
		CHECK_INT(pq.flags, 0); /* a plain query: RD clear */
		CHECK_INT(pq.qtype, cases[i].type);
		CHECK_INT(pq.qclass, cases[i].qclass);
		CHECK_INT(pq.qname_len, q.len);
		/* the parser keeps a lowercase copy */
		CHECK(dns_name_eq(pq.qname, pq.qname_len, q.name, q.len));
		CHECK_INT(pq.edns, cases[i].edns);
		if (cases[i].edns) {
			CHECK_INT(pq.udp_size, cases[i].udp);
			CHECK_INT(pq.nsid, cases[i].nsid);
		}
		/* too small a buffer by one byte */
		CHECK_INT(dns_query_build(pkt, (size_t)n - 1, 1, &q, cases[i].edns ? &e : NULL),
			  -1);
	}
}

/* Asked of the responder itself (dns/answer.h): the identity comes back, by either name. */
static void test_responder_roundtrip(void)
{
	static const char zone[] = "$ORIGIN lab.\n$TTL 60\n@ SOA ns hostmaster 1 3600 600 86400 60\n"
				   "@ NS ns\nns A 192.0.2.53\n";
	static const struct dns_ctx ctx = { "lon", 3, "anycast-dns test", 16, 1232, NULL, 0 };
	char err[256], who[64];
	struct dns_zoneset *zs = dns_zoneset_parse("t", zone, sizeof(zone) - 1, err, sizeof(err));
	static const char *const names[] = { "id.server", "HOSTNAME.BIND." };
	uint8_t pkt[DNS_QUERY_MAX], out[1232];
	struct dns_question q;
	struct dns_reply r;
	const char *why;

	CHECK(zs != NULL);
	if (!zs)
		return;
	for (size_t i = 0; i < 2; i++) {
		dns_question_set(&q, names[i], DNS_T_TXT, DNS_C_CH, &why);
		int n = dns_query_build(pkt, sizeof(pkt), 77, &q, NULL);
		size_t m = dns_answer(&ctx, zs, pkt, (size_t)n, out, sizeof(out), 0);

		CHECK(m > 0);
		CHECK_INT(dns_reply_parse(out, m, &q, &r), 0);
		CHECK_INT(r.id, 77);
		CHECK_INT(r.rcode, 0);
		CHECK_INT(dns_reply_txt(out, m, &r, who, sizeof(who)), DNS_TXT_FOUND);
		CHECK_STR(who, "lon");
		CHECK_INT(dns_reply_identity(out, m, &r, who, sizeof(who)), 1);
		CHECK_STR(who, "lon");
	}
	/* a name of the zone: an answer, but no TXT and so no identity */
	dns_question_set(&q, "ns.lab.", DNS_T_A, DNS_C_IN, &why);
	int n = dns_query_build(pkt, sizeof(pkt), 78, &q, NULL);
	size_t m = dns_answer(&ctx, zs, pkt, (size_t)n, out, sizeof(out), 0);

	CHECK_INT(dns_reply_parse(out, m, &q, &r), 0);
	CHECK_INT(r.ancount, 1);
	CHECK_INT(dns_reply_identity(out, m, &r, who, sizeof(who)), 0);
	CHECK_STR(who, "(no TXT)");
	/* a name outside it: REFUSED, named by its RCODE */
	dns_question_set(&q, "example.com.", DNS_T_A, DNS_C_IN, &why);
	n = dns_query_build(pkt, sizeof(pkt), 79, &q, NULL);
	m = dns_answer(&ctx, zs, pkt, (size_t)n, out, sizeof(out), 0);
	CHECK_INT(dns_reply_parse(out, m, &q, &r), 0);
	CHECK(r.rcode != 0);
	CHECK_INT(dns_reply_identity(out, m, &r, who, sizeof(who)), 0);
	CHECK(who[0] == '(' && strcmp(who, "(no TXT)") != 0);
	/* the response to another question is not ours */
	dns_question_set(&q, "id.server", DNS_T_TXT, DNS_C_CH, &why);
	CHECK_INT(dns_reply_parse(out, m, &q, &r), -1);
	dns_zoneset_free(zs);
}

/* A response to q (qlen bytes) with flags, and a TXT answer of rdata (rdlen bytes) after an
 * optional record of another type; written by hand, not by the code under test. */
static size_t mk_resp(uint8_t *p, const uint8_t *q, size_t qlen, uint16_t flags, int other,
		      const uint8_t *rdata, size_t rdlen)
{
	size_t n = qlen;

	memcpy(p, q, qlen);
	put16(p + 2, flags);
	put16(p + 6, (uint16_t)(other + (rdata != NULL)));
	if (other) {
		/* an uncompressed owner name, type A */
		const uint8_t a[] = { 2, 'i', 'd', 6, 's', 'e', 'r', 'v', 'e', 'r', 0, 0, 1,
				      0, 3,   0,   0, 0,   0,   0,   4,   192, 0,   2, 1 };

		memcpy(p + n, a, sizeof(a));
		n += sizeof(a);
	}
	if (rdata) {
		const uint8_t h[] = { 0xc0, 12, 0, 16, 0, 3, 0, 0, 0, 0, 0, (uint8_t)rdlen };

		memcpy(p + n, h, sizeof(h));
		n += sizeof(h);
		memcpy(p + n, rdata, rdlen);
		n += rdlen;
	}
	return n;
}

/* identity of p[0, m) for q: -1 when it is not a response to q, else the label in who */
static int ident(const uint8_t *p, size_t m, const struct dns_question *q, char *who)
{
	struct dns_reply r;

	if (dns_reply_parse(p, m, q, &r) < 0)
		return -1;
	return dns_reply_identity(p, m, &r, who, 64);
}

static void test_reply(void)
{
	uint8_t q[DNS_QUERY_MAX], p[600];
	struct dns_question qq;
	const char *why;
	char who[64];

	dns_question_set(&qq, "id.server", DNS_T_TXT, DNS_C_CH, &why);
	int n = dns_query_build(q, sizeof(q), 0xbeef, &qq, NULL);

	CHECK_INT(n, 12 + 11 + 4);
	/* a query is not a response */
	CHECK_INT(ident(q, (size_t)n, &qq, who), -1);

	size_t m = mk_resp(p, q, (size_t)n, 0x8400, 0, (const uint8_t *)"\3lon", 4);
	struct dns_reply r;

	CHECK_INT(dns_reply_parse(p, m, &qq, &r), 0);
	CHECK_INT(r.id, 0xbeef);
	CHECK_INT(ident(p, m, &qq, who), 1);
	CHECK_STR(who, "lon");
	/* case of the question may differ (RFC 4343) */
	p[13] = 'I';
	CHECK_INT(ident(p, m, &qq, who), 1);
	/* another question, class or type, another opcode, or a short packet: not ours */
	p[13] = 'x';
	CHECK_INT(ident(p, m, &qq, who), -1);
	p[13] = 'i';
	p[n - 1] = 1;
	CHECK_INT(ident(p, m, &qq, who), -1);
	p[n - 1] = 3;
	p[n - 3] = 1;
	CHECK_INT(ident(p, m, &qq, who), -1);
	p[n - 3] = 16;
	p[2] |= 0x10; /* opcode 2 */
	CHECK_INT(ident(p, m, &qq, who), -1);
	p[2] &= (uint8_t)~0x10;
	CHECK_INT(ident(p, (size_t)n - 1, &qq, who), -1);
	CHECK_INT(ident(p, 11, &qq, who), -1);
	put16(p + 4, 2); /* two questions */
	CHECK_INT(ident(p, m, &qq, who), -1);
	put16(p + 4, 1);
	CHECK_INT(ident(p, m, &qq, who), 1);

	/* the TXT after a record of another type; a TXT with two strings gives the first */
	m = mk_resp(p, q, (size_t)n, 0x8400, 1, (const uint8_t *)"\3nyc\2xx", 7);
	CHECK_INT(ident(p, m, &qq, who), 1);
	CHECK_STR(who, "nyc");
	/* error responses and odd answers are named, not dropped: the server did answer */
	m = mk_resp(p, q, (size_t)n, 0x8402, 0, NULL, 0);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(SERVFAIL)");
	m = mk_resp(p, q, (size_t)n, 0x840b, 0, NULL, 0);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(RCODE11)");
	/* an error response need not echo the question */
	m = mk_resp(p, q, DNS_HDR_LEN, 0x8401, 0, NULL, 0);
	put16(p + 4, 0);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(FORMERR)");
	put16(p + 2, 0x8400); /* a NOERROR without the question is not ours */
	CHECK_INT(ident(p, m, &qq, who), -1);
	m = mk_resp(p, q, (size_t)n, 0x8400, 1, NULL, 0);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(no TXT)");
	m = mk_resp(p, q, (size_t)n, 0x8400, 0, (const uint8_t *)"\0", 1);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(empty)");
	/* identities end up on terminals: printable ASCII only */
	m = mk_resp(p, q, (size_t)n, 0x8400, 0, (const uint8_t *)"\4a\"\n\xff", 5);
	CHECK_INT(ident(p, m, &qq, who), 1);
	CHECK_STR(who, "a\"??");
	/* cut to the caller's buffer */
	CHECK_INT(dns_reply_parse(p, m, &qq, &r), 0);
	CHECK_INT(dns_reply_txt(p, m, &r, who, 3), DNS_TXT_FOUND);
	CHECK_STR(who, "a\"");

	/* malformed: a string longer than its record, a record longer than the packet, more
	 * answers than there are, an owner name pointing forward into nothing */
	m = mk_resp(p, q, (size_t)n, 0x8400, 0, (const uint8_t *)"\7abc", 4);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(malformed)");
	m = mk_resp(p, q, (size_t)n, 0x8400, 0, (const uint8_t *)"\3lon", 4);
	CHECK_INT(ident(p, m - 2, &qq, who), 0);
	CHECK_STR(who, "(malformed)");
	m = mk_resp(p, q, (size_t)n, 0x8400, 1, NULL, 0);
	put16(p + 6, 3);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(malformed)");
	m = mk_resp(p, q, (size_t)n, 0x8400, 0, (const uint8_t *)"\3lon", 4);
	p[n + 1] = 0xff; /* the answer's owner: a pointer past the end */
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(malformed)");
	m = mk_resp(p, q, (size_t)n, 0x8400, 0, (const uint8_t *)"", 0);
	CHECK_INT(ident(p, m, &qq, who), 0);
	CHECK_STR(who, "(malformed)"); /* a TXT with no string at all */
}

static void test_rcode_names(void)
{
	CHECK_STR(dns_rcode_name(0), "NOERROR");
	CHECK_STR(dns_rcode_name(3), "NXDOMAIN");
	CHECK_STR(dns_rcode_name(5), "REFUSED");
	CHECK(dns_rcode_name(6) == NULL);
	CHECK(dns_rcode_name(-1) == NULL);
}

int main(void)
{
	RUN(test_question);
	RUN(test_build_roundtrip);
	RUN(test_responder_roundtrip);
	RUN(test_reply);
	RUN(test_rcode_names);
	return t_done();
}
