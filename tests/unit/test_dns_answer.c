/* The answer logic, query by query: what an authoritative server must reply (RFC 1034 4.3.2,
 * RFC 2308, RFC 4592, RFC 6891, RFC 5001), and that the precomputed replies are byte for byte
 * what the per-query composer makes. */
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/zoneset.h"
#include "lib/buf.h"
#include "t.h"

static const char zone_text[] = "$ORIGIN example.com.\n"
				"$TTL 3600\n"
				"@ IN SOA ns1 hostmaster ( 2024010101 ; serial\n"
				"        7200 3600 1209600 300 )\n"
				"  IN NS ns1\n"
				"  IN NS ns2.example.net.\n"
				"  IN MX 10 mail\n"
				"ns1 IN A 192.0.2.53\n"
				"    IN AAAA 2001:db8::53\n"
				"mail 600 A 192.0.2.25\n"
				"www A 192.0.2.80\n"
				"    AAAA 2001:db8::80\n"
				"alias CNAME www\n"
				"chain1 CNAME chain2\n"
				"chain2 CNAME www\n"
				"dangling CNAME nothere\n"
				"outside CNAME www.example.net.\n"
				"loop1 CNAME loop2\n"
				"loop2 CNAME loop1\n"
				"*.wild A 192.0.2.99\n"
				"*.wild TXT \"wildcard\"\n"
				"*.wc CNAME www\n"
				"a.b.c TXT \"deep\"\n"
				"*.c A 192.0.2.100\n"
				"sub NS ns.sub\n"
				"sub NS ns.elsewhere.example.net.\n"
				"ns.sub A 192.0.2.153\n"
				"srv._tcp SRV 10 60 5060 www\n"
				"caa CAA 0 issue \"ca.example.net\"\n"
				"txt TXT \"hello world\" second\n";

static struct dns_zoneset *zs;
static const struct dns_ctx ctx = {
	"test-id", 7, "anycast-dns " DNS_VERSION, sizeof("anycast-dns " DNS_VERSION) - 1, 1232,
	NULL,      0
};

struct rr {
	char owner[300];
	uint16_t type, cls, rdlen;
	uint32_t ttl;
	char rname[300]; /* the name in NS/CNAME/PTR/MX/SRV rdata, decompressed */
	uint8_t rd[512];
};

struct reply {
	uint16_t id, flags, qd, cnt[3];
	int rcode; /* with the extended bits */
	int opt, opt_do;
	uint16_t opt_size;
	char nsid[300];
	char qname[300];
	int n;
	struct rr rr[64];
	size_t len;
};

static size_t mkq(uint8_t *b, const char *name, uint16_t type, uint16_t cls, int edns,
		  uint16_t size, int nsid, int version)
{
	const char *err;
	uint8_t wire[DNS_NAME_MAX];
	int l = dns_name_from_text(name, strlen(name), (const uint8_t *)"", wire, &err);

	if (l < 0)
		return 0;
	memset(b, 0, DNS_HDR_LEN);
	put16(b, 0x1234);
	put16(b + 2, DNS_RD);
	put16(b + 4, 1);
	memcpy(b + DNS_HDR_LEN, wire, (size_t)l);
	size_t o = DNS_HDR_LEN + (size_t)l;

	put16(b + o, type);
	put16(b + o + 2, cls);
	o += 4;
	if (edns) {
		put16(b + 10, 1);
		b[o] = 0;
		put16(b + o + 1, DNS_T_OPT);
		put16(b + o + 3, size);
		put32(b + o + 5, (uint32_t)version << 16 | 0x8000);
		put16(b + o + 9, nsid ? 4 : 0);
		o += 11;
		if (nsid) {
			put16(b + o, DNS_OPT_NSID);
			put16(b + o + 2, 0);
			o += 4;
		}
	}
	return o;
}

static int parse_reply(const uint8_t *p, size_t len, struct reply *r)
{
	memset(r, 0, sizeof(*r));
	r->len = len;
	if (len < DNS_HDR_LEN)
		return -1;
	r->id = get16(p);
	r->flags = get16(p + 2);
	r->rcode = r->flags & 0xf;
	r->qd = get16(p + 4);
	size_t off = DNS_HDR_LEN;
	uint8_t nm[DNS_NAME_MAX];

	for (int i = 0; i < r->qd; i++) {
		if (dns_name_unpack(p, len, &off, nm) < 0 || off + 4 > len)
			return -1;
		dns_name_to_text(nm, r->qname, sizeof(r->qname));
		off += 4;
	}
	int total = get16(p + 6) + get16(p + 8) + get16(p + 10);

	for (int i = 0; i < total; i++) {
		struct rr x;

		memset(&x, 0, sizeof(x));
		if (dns_name_unpack(p, len, &off, nm) < 0 || off + 10 > len)
			return -1;
		dns_name_to_text(nm, x.owner, sizeof(x.owner));
		x.type = get16(p + off);
		x.cls = get16(p + off + 2);
		x.ttl = get32(p + off + 4);
		x.rdlen = get16(p + off + 8);
		off += 10;
		if (off + x.rdlen > len)
			return -1;
		memcpy(x.rd, p + off, x.rdlen < sizeof(x.rd) ? x.rdlen : sizeof(x.rd));
		size_t no = off + (x.type == DNS_T_MX ? 2 : x.type == DNS_T_SRV ? 6 : 0);

		if (x.type == DNS_T_NS || x.type == DNS_T_CNAME || x.type == DNS_T_PTR ||
		    x.type == DNS_T_MX || x.type == DNS_T_SRV || x.type == DNS_T_SOA) {
			if (dns_name_unpack(p, len, &no, nm) < 0)
				return -1;
			dns_name_to_text(nm, x.rname, sizeof(x.rname));
		}
		off += x.rdlen;
		if (x.type == DNS_T_OPT) {
			r->opt = 1;
			r->opt_size = x.cls;
			r->opt_do = (x.ttl & 0x8000) != 0;
			r->rcode |= (int)(x.ttl >> 24) << 4;
			if (x.rdlen >= 4 && get16(x.rd) == DNS_OPT_NSID) {
				size_t nl = get16(x.rd + 2);

				memcpy(r->nsid, x.rd + 4, nl);
				r->nsid[nl] = 0;
			}
			continue;
		}
		if (r->n < 64)
			r->rr[r->n++] = x;
	}
	r->cnt[0] = get16(p + 6);
	r->cnt[1] = get16(p + 8);
	r->cnt[2] = (uint16_t)(get16(p + 10) - r->opt);
	return off == len ? 0 : -1;
}

/* Sends one query and parses the reply; returns 0 if there was one. */
static int ask_full(const char *name, uint16_t type, uint16_t cls, int edns, uint16_t size,
		    int nsid, int version, int tcp, struct reply *r)
{
	uint8_t q[600], out[DNS_TCP_MAX];
	size_t ql = mkq(q, name, type, cls, edns, size, nsid, version);
	size_t n = dns_answer(&ctx, zs, q, ql, out, tcp ? sizeof(out) : 4096, tcp);

	if (!n)
		return -1;
	CHECK(parse_reply(out, n, r) == 0);
	CHECK_INT(r->id, 0x1234);
	CHECK(r->flags & DNS_QR);
	CHECK(r->flags & DNS_RD);
	return 0;
}

static struct reply R;

static void ask(const char *name, uint16_t type)
{
	CHECK(ask_full(name, type, DNS_C_IN, 0, 0, 0, 0, 0, &R) == 0);
}

static void test_positive(void)
{
	ask("www.example.com.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK(R.flags & DNS_AA);
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.cnt[1], 0);
	CHECK_STR(R.rr[0].owner, "www.example.com.");
	CHECK_INT(R.rr[0].ttl, 3600);
	CHECK_INT(R.rr[0].rdlen, 4);
	CHECK(memcmp(R.rr[0].rd, "\xc0\x00\x02\x50", 4) == 0);
	ask("www.example.com.", DNS_T_AAAA);
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.rr[0].rdlen, 16);
	ask("mail.example.com.", DNS_T_A);
	CHECK_INT(R.rr[0].ttl, 600);
}

static void test_case_preserved(void)
{
	/* 0x20 randomisation: question and owner keep the query's case (RFC 4343 4.1). */
	ask("WwW.ExAmPlE.cOm.", DNS_T_A);
	CHECK_STR(R.qname, "WwW.ExAmPlE.cOm.");
	CHECK_STR(R.rr[0].owner, "WwW.ExAmPlE.cOm.");
	ask("NOPE.Example.COM.", DNS_T_A);
	CHECK_STR(R.qname, "NOPE.Example.COM.");
	CHECK_INT(R.rcode, DNS_RC_NXDOMAIN);
}

static void test_nxdomain_nodata(void)
{
	ask("nope.example.com.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_NXDOMAIN);
	CHECK(R.flags & DNS_AA);
	CHECK_INT(R.cnt[0], 0);
	CHECK_INT(R.cnt[1], 1);
	CHECK_INT(R.rr[0].type, DNS_T_SOA);
	CHECK_STR(R.rr[0].owner, "example.com.");
	CHECK_INT(R.rr[0].ttl, 300); /* min(SOA TTL 3600, minimum 300), RFC 2308 5 */
	CHECK_STR(R.rr[0].rname, "ns1.example.com.");
	ask("www.example.com.", DNS_T_MX);
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK(R.flags & DNS_AA);
	CHECK_INT(R.cnt[0], 0);
	CHECK_INT(R.cnt[1], 1);
	CHECK_INT(R.rr[0].type, DNS_T_SOA);
	CHECK_INT(R.rr[0].ttl, 300);
}

static void test_ent_and_wildcards(void)
{
	ask("b.c.example.com.", DNS_T_A); /* an empty non-terminal exists: NODATA */
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK_INT(R.cnt[0], 0);
	CHECK_INT(R.rr[0].type, DNS_T_SOA);
	ask("x.c.example.com.", DNS_T_A); /* *.c matches */
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK_INT(R.cnt[0], 1);
	CHECK_STR(R.rr[0].owner, "x.c.example.com.");
	ask("x.b.c.example.com.", DNS_T_A); /* the closest encloser b.c has no wildcard */
	CHECK_INT(R.rcode, DNS_RC_NXDOMAIN);
	ask("deep.er.Wild.example.com.", DNS_T_TXT);
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK(R.flags & DNS_AA);
	CHECK_STR(R.rr[0].owner, "deep.er.Wild.example.com.");
	CHECK_INT(R.rr[0].type, DNS_T_TXT);
	ask("any.wild.example.com.", DNS_T_MX); /* NODATA from a wildcard */
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK_INT(R.cnt[0], 0);
	CHECK_INT(R.cnt[1], 1);
	ask("*.wild.example.com.", DNS_T_A);
	CHECK_STR(R.rr[0].owner, "*.wild.example.com.");
	ask("x.wc.example.com.", DNS_T_A); /* a wildcard CNAME, then its target */
	CHECK_INT(R.n, 2);
	CHECK_STR(R.rr[0].owner, "x.wc.example.com.");
	CHECK_INT(R.rr[0].type, DNS_T_CNAME);
	CHECK_STR(R.rr[1].owner, "www.example.com.");
	CHECK_INT(R.rr[1].type, DNS_T_A);
}

static void test_cname(void)
{
	ask("chain1.example.com.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK(R.flags & DNS_AA);
	CHECK_INT(R.cnt[0], 3);
	CHECK_STR(R.rr[0].owner, "chain1.example.com.");
	CHECK_STR(R.rr[0].rname, "chain2.example.com.");
	CHECK_STR(R.rr[1].owner, "chain2.example.com.");
	CHECK_STR(R.rr[2].owner, "www.example.com.");
	CHECK_INT(R.rr[2].type, DNS_T_A);
	ask("alias.example.com.", DNS_T_CNAME);
	CHECK_INT(R.cnt[0], 1);
	ask("dangling.example.com.", DNS_T_A); /* RFC 6604: the last name's rcode */
	CHECK_INT(R.rcode, DNS_RC_NXDOMAIN);
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.cnt[1], 1);
	ask("outside.example.com.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.cnt[1], 0);
	ask("loop1.example.com.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK_INT(R.cnt[0], 2);
	ask("alias.example.com.", DNS_T_MX); /* the target has no MX: NODATA after the CNAME */
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.cnt[1], 1);
}

static void test_delegation(void)
{
	ask("host.sub.example.com.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_NOERROR);
	CHECK(!(R.flags & DNS_AA));
	CHECK_INT(R.cnt[0], 0);
	CHECK_INT(R.cnt[1], 2);
	CHECK_INT(R.rr[0].type, DNS_T_NS);
	CHECK_STR(R.rr[0].owner, "sub.example.com.");
	CHECK_INT(R.cnt[2], 1);
	CHECK_STR(R.rr[2].owner, "ns.sub.example.com.");
	CHECK_INT(R.rr[2].type, DNS_T_A);
	ask("sub.example.com.", DNS_T_NS);
	CHECK(!(R.flags & DNS_AA));
	CHECK_INT(R.cnt[1], 2);
	ask("ns.sub.example.com.", DNS_T_A); /* glue is not an authoritative answer */
	CHECK(!(R.flags & DNS_AA));
	CHECK_INT(R.cnt[0], 0);
	CHECK_INT(R.cnt[1], 2);
	ask("sub.example.com.", DNS_T_DS); /* the parent side answers DS: NODATA here */
	CHECK(R.flags & DNS_AA);
	CHECK_INT(R.cnt[1], 1);
	CHECK_INT(R.rr[0].type, DNS_T_SOA);
}

static void test_additional(void)
{
	ask("example.com.", DNS_T_MX);
	CHECK_INT(R.cnt[0], 1);
	CHECK_STR(R.rr[0].rname, "mail.example.com.");
	CHECK_INT(R.cnt[2], 1);
	CHECK_STR(R.rr[1].owner, "mail.example.com.");
	ask("example.com.", DNS_T_NS);
	CHECK_INT(R.cnt[0], 2);
	CHECK_INT(R.cnt[2], 2); /* ns1 A and AAAA; ns2 is not ours */
	ask("srv._tcp.example.com.", DNS_T_SRV);
	CHECK_INT(R.cnt[0], 1);
	CHECK_STR(R.rr[0].rname, "www.example.com.");
	CHECK_INT(R.cnt[2], 2);
}

static void test_any_and_types(void)
{
	/* RFC 8482: one RRset, the lowest type (A), never all of them */
	ask("www.example.com.", DNS_T_ANY);
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.rr[0].type, DNS_T_A);
	ask("caa.example.com.", DNS_T_CAA);
	CHECK_INT(R.cnt[0], 1);
	CHECK(R.rr[0].rdlen == 2 + 5 + 14 &&
	      memcmp(R.rr[0].rd, "\0\5issueca.example.net", 21) == 0);
	ask("txt.example.com.", DNS_T_TXT);
	CHECK(R.rr[0].rdlen == 19 && memcmp(R.rr[0].rd, "\13hello world\6second", 19) == 0);
}

static void test_refused_and_errors(void)
{
	ask("www.example.net.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_REFUSED);
	CHECK(!(R.flags & DNS_AA));
	CHECK_INT(R.qd, 1);
	ask("com.", DNS_T_A);
	CHECK_INT(R.rcode, DNS_RC_REFUSED);
	ask("example.com.", DNS_T_AXFR);
	CHECK_INT(R.rcode, DNS_RC_REFUSED);
	CHECK(ask_full("www.example.com.", DNS_T_A, 4, 0, 0, 0, 0, 0, &R) == 0); /* class HS */
	CHECK_INT(R.rcode, DNS_RC_REFUSED);

	uint8_t q[600], out[4096];
	size_t ql = mkq(q, "www.example.com.", DNS_T_A, DNS_C_IN, 0, 0, 0, 0);

	put16(q + 2, 5 << 11); /* UPDATE */
	size_t n = dns_answer(&ctx, zs, q, ql, out, sizeof(out), 0);

	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_NOTIMP);
	CHECK_INT(DNS_OPCODE(R.flags), 5);
	put16(q + 2, 0);
	put16(q + 4, 2); /* two questions */
	n = dns_answer(&ctx, zs, q, ql, out, sizeof(out), 0);
	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_FORMERR);
	put16(q + 4, 0);
	n = dns_answer(&ctx, zs, q, 12, out, sizeof(out), 0);
	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_FORMERR);
	put16(q + 4, 1);
	n = dns_answer(&ctx, zs, q, ql - 2, out, sizeof(out), 0); /* truncated question */
	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_FORMERR);
	CHECK_INT(R.qd, 0);
	CHECK_INT(dns_answer(&ctx, zs, q, 11, out, sizeof(out), 0), 0); /* no header: silence */
	put16(q + 2, DNS_QR); /* a response: never answered */
	CHECK_INT(dns_answer(&ctx, zs, q, ql, out, sizeof(out), 0), 0);
	ql = mkq(q, "www.example.com.", DNS_T_OPT, DNS_C_IN, 0, 0, 0, 0);
	n = dns_answer(&ctx, zs, q, ql, out, sizeof(out), 0);
	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_FORMERR);
	/* two OPT records */
	ql = mkq(q, "www.example.com.", DNS_T_A, DNS_C_IN, 1, 1232, 0, 0);
	memcpy(q + ql, q + ql - 11, 11);
	put16(q + 10, 2);
	n = dns_answer(&ctx, zs, q, ql + 11, out, sizeof(out), 0);
	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_FORMERR);
	CHECK(!R.opt);
	/* an option running past the OPT rdata */
	ql = mkq(q, "www.example.com.", DNS_T_A, DNS_C_IN, 1, 1232, 1, 0);
	put16(q + ql - 2, 9);
	n = dns_answer(&ctx, zs, q, ql, out, sizeof(out), 0);
	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_FORMERR);
}

static void test_edns(void)
{
	CHECK(ask_full("www.example.com.", DNS_T_A, DNS_C_IN, 1, 4096, 1, 0, 0, &R) == 0);
	CHECK(R.opt);
	CHECK_INT(R.opt_size, 1232);
	CHECK(R.opt_do); /* RFC 3225: DO copied */
	CHECK_STR(R.nsid, "test-id");
	CHECK_INT(R.cnt[0], 1);
	CHECK(ask_full("nope.example.com.", DNS_T_A, DNS_C_IN, 1, 1232, 1, 0, 0, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_NXDOMAIN);
	CHECK_STR(R.nsid, "test-id");
	CHECK(ask_full("www.example.com.", DNS_T_A, DNS_C_IN, 1, 1232, 0, 1, 0, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_BADVERS);
	CHECK_INT(R.cnt[0], 0);
	CHECK(ask_full("www.example.com.", DNS_T_A, DNS_C_IN, 1, 1232, 0, 0, 0, &R) == 0);
	CHECK_STR(R.nsid, "");
}

/* SERVFAIL for a zone we cannot answer from: the question, no AA, and with EDNS the OPT
 * ends with an Extended DNS Error (RFC 8914 2) after the NSID. */
static void test_error_ede(void)
{
	uint8_t q[600], out[4096];
	size_t ql = mkq(q, "www.example.com.", DNS_T_A, DNS_C_IN, 1, 1232, 1, 0);
	size_t n = dns_answer_error(&ctx, NULL, q, ql, out, sizeof(out), 0, DNS_RC_SERVFAIL,
				    DNS_EDE_INVALID_DATA, "Zone has expired");
	static const char want[] = "\x00\x0f\x00\x12\x00\x18Zone has expired";

	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_SERVFAIL);
	CHECK(!(R.flags & DNS_AA));
	CHECK_INT(R.qd, 1);
	CHECK_INT(R.cnt[0] + R.cnt[1] + R.cnt[2], 0);
	CHECK(R.opt && R.opt_do);
	CHECK_STR(R.nsid, "test-id");
	CHECK(n > sizeof(want) - 1 &&
	      memcmp(out + n - (sizeof(want) - 1), want, sizeof(want) - 1) == 0);
	ql = mkq(q, "www.example.com.", DNS_T_A, DNS_C_IN, 0, 0, 0, 0);
	n = dns_answer_error(&ctx, NULL, q, ql, out, sizeof(out), 0, DNS_RC_SERVFAIL,
			     DNS_EDE_INVALID_DATA, "Zone has expired");
	CHECK(parse_reply(out, n, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_SERVFAIL);
	CHECK(!R.opt); /* no EDNS, no EDE */
	CHECK_INT((int)n, DNS_HDR_LEN + 17 + 4);
}

static void test_chaos(void)
{
	CHECK(ask_full("id.server.", DNS_T_TXT, DNS_C_CH, 0, 0, 0, 0, 0, &R) == 0);
	CHECK_INT(R.rcode, 0);
	CHECK(R.flags & DNS_AA);
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.rr[0].cls, DNS_C_CH);
	CHECK(R.rr[0].rdlen == 8 && memcmp(R.rr[0].rd, "\7test-id", 8) == 0);
	CHECK(ask_full("HOSTNAME.BIND.", DNS_T_TXT, DNS_C_CH, 0, 0, 0, 0, 0, &R) == 0);
	CHECK_STR(R.rr[0].owner, "HOSTNAME.BIND.");
	CHECK(R.rr[0].rdlen == 8 && memcmp(R.rr[0].rd, "\7test-id", 8) == 0);
	CHECK(ask_full("version.bind.", DNS_T_TXT, DNS_C_CH, 0, 0, 0, 0, 0, &R) == 0);
	CHECK(R.rr[0].rd[0] == ctx.version_len &&
	      !memcmp(R.rr[0].rd + 1, ctx.version, ctx.version_len));
	CHECK(ask_full("version.server.", DNS_T_TXT, DNS_C_CH, 0, 0, 0, 0, 0, &R) == 0);
	CHECK_INT(R.cnt[0], 1);
	CHECK(ask_full("id.server.", DNS_T_A, DNS_C_CH, 0, 0, 0, 0, 0, &R) == 0);
	CHECK_INT(R.rcode, 0);
	CHECK_INT(R.cnt[0], 0);
	CHECK(ask_full("other.bind.", DNS_T_TXT, DNS_C_CH, 0, 0, 0, 0, 0, &R) == 0);
	CHECK_INT(R.rcode, DNS_RC_REFUSED);
}

static void test_truncation(void)
{
	/* 40 TXT strings of 100 bytes: 4 KB, more than fits in 512 or 1232 */
	static char text[8192];
	size_t o = (size_t)snprintf(text, sizeof(text),
				    "$ORIGIN big.test.\n$TTL 60\n@ SOA ns h 1 1 1 1 1\n@ NS ns\n"
				    "ns A 192.0.2.1\nns AAAA 2001:db8::1\nmid TXT");

	for (int i = 0; i < 6; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, " \"%0100d\"", i);
	o += (size_t)snprintf(text + o, sizeof(text) - o, "\nhuge TXT");
	for (int i = 0; i < 40; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o, " \"%0100d\"", i);
	o += (size_t)snprintf(text + o, sizeof(text) - o, "\n");
	char err[256];
	struct dns_zoneset *big = dns_zoneset_parse("big", text, o, err, sizeof(err));

	CHECK(big != NULL);
	if (!big)
		return;
	struct dns_zoneset *save = zs;

	zs = big;
	CHECK(ask_full("mid.big.test.", DNS_T_TXT, DNS_C_IN, 0, 0, 0, 0, 0, &R) == 0);
	CHECK(R.flags & DNS_TC); /* 600 bytes, no EDNS: over 512 */
	CHECK_INT(R.cnt[0], 0);
	CHECK(R.len <= 512);
	CHECK(ask_full("mid.big.test.", DNS_T_TXT, DNS_C_IN, 1, 1232, 0, 0, 0, &R) == 0);
	CHECK(!(R.flags & DNS_TC));
	CHECK_INT(R.cnt[0], 1); /* one TXT of six strings */
	CHECK_INT(R.rr[0].rdlen, 6 * 101);
	CHECK(ask_full("mid.big.test.", DNS_T_TXT, DNS_C_IN, 1, 100, 0, 0, 0, &R) == 0);
	CHECK(R.flags & DNS_TC); /* a size under 512 counts as 512 */
	CHECK(ask_full("huge.big.test.", DNS_T_TXT, DNS_C_IN, 1, 4096, 0, 0, 0, &R) == 0);
	CHECK(R.flags & DNS_TC); /* over our 1232 */
	CHECK(R.len <= 1232);
	CHECK(ask_full("huge.big.test.", DNS_T_TXT, DNS_C_IN, 1, 4096, 0, 0, 1, &R) == 0);
	CHECK(!(R.flags & DNS_TC)); /* TCP */
	CHECK_INT(R.cnt[0], 1);
	CHECK_INT(R.rr[0].rdlen, 40 * 101);
	/* the NS answer's additional data is dropped before anything is truncated */
	CHECK(ask_full("big.test.", DNS_T_NS, DNS_C_IN, 0, 0, 0, 0, 0, &R) == 0);
	CHECK(!(R.flags & DNS_TC));
	CHECK_INT(R.cnt[2], 2);
	zs = save;
	dns_zoneset_free(big);
}

/* The precomputed replies must be exactly what the composer makes: compare both for every
 * name and a spread of types, through dns_answer (fast path) and with the blobs removed. */
static void test_precomputed_equal(void)
{
	static const char *names[] = {
		"example.com.",        "www.example.com.",      "alias.example.com.",
		"sub.example.com.",    "ns.sub.example.com.",   "b.c.example.com.",
		"*.wild.example.com.", "mail.example.com.",     "x.y.sub.example.com.",
		"MAIL.example.COM.",   "srv._tcp.example.com.",
	};
	static const uint16_t types[] = { DNS_T_A,     DNS_T_AAAA, DNS_T_NS,  DNS_T_MX, DNS_T_SOA,
					  DNS_T_CNAME, DNS_T_TXT,  DNS_T_ANY, DNS_T_DS, DNS_T_SRV };
	char err[256];
	struct dns_zoneset *plain = dns_zoneset_parse("t", zone_text, sizeof(zone_text) - 1, err,
						      sizeof(err));

	CHECK(plain != NULL);
	if (!plain)
		return;
	for (int i = 0; i < plain->nzones; i++) {
		free(plain->zones[i]->ftab); /* no fast path: compose every reply */
		plain->zones[i]->ftab = NULL;
	}
	int compared = 0;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
			for (int e = 0; e < 2; e++) {
				uint8_t q[600], a[4096], b[4096];
				size_t ql = mkq(q, names[i], types[t], DNS_C_IN, e, 1232, e, 0);
				size_t na = dns_answer(&ctx, zs, q, ql, a, sizeof(a), 0);
				size_t nb = dns_answer(&ctx, plain, q, ql, b, sizeof(b), 0);

				CHECK(na == nb && memcmp(a, b, na) == 0);
				if (na != nb || memcmp(a, b, na))
					fprintf(stderr, "  differs: %s type %u\n", names[i],
						types[t]);
				compared++;
			}
	CHECK(compared > 100);
	dns_zoneset_free(plain);
}

static void test_compression(void)
{
	ask("example.com.", DNS_T_SOA);
	/* header 12 + question 17 + SOA: owner pointer 2, fixed 10, mname "ns1"+ptr 6, rname
	 * "hostmaster"+ptr 13, 20 */
	CHECK_INT(R.len, 12 + 17 + 2 + 10 + 6 + 13 + 20);
	CHECK_STR(R.rr[0].rname, "ns1.example.com.");
}

int main(void)
{
	char err[256];

	zs = dns_zoneset_parse("t.zone", zone_text, sizeof(zone_text) - 1, err, sizeof(err));
	if (!zs) {
		fprintf(stderr, "zone: %s\n", err);
		return 1;
	}
	RUN(test_positive);
	RUN(test_case_preserved);
	RUN(test_nxdomain_nodata);
	RUN(test_ent_and_wildcards);
	RUN(test_cname);
	RUN(test_delegation);
	RUN(test_additional);
	RUN(test_any_and_types);
	RUN(test_refused_and_errors);
	RUN(test_edns);
	RUN(test_error_ede);
	RUN(test_chaos);
	RUN(test_truncation);
	RUN(test_precomputed_equal);
	RUN(test_compression);
	dns_zoneset_free(zs);
	return t_done();
}
