/* The master-file parser (RFC 1035 5) and the zone builder: every directive and syntax
 * feature, every supported type, and the "FILE:LINE: reason" of each kind of broken zone. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/zone.h"
#include "dns/zoneset.h"
#include "dns/zparse.h"
#include "t.h"

struct got {
	int n;
	struct {
		char owner[300];
		uint16_t type;
		uint32_t ttl;
		uint8_t rd[512];
		size_t rdlen;
		unsigned line;
	} r[32];
};

static const char *collect(void *arg, const uint8_t *owner, size_t olen, uint16_t type,
			   uint32_t ttl, const uint8_t *rdata, size_t rdlen, unsigned line)
{
	struct got *g = arg;

	if (g->n == 32)
		return "too many";
	dns_name_to_text(owner, g->r[g->n].owner, sizeof(g->r[g->n].owner));
	g->r[g->n].type = type;
	g->r[g->n].ttl = ttl;
	memcpy(g->r[g->n].rd, rdata, rdlen < 512 ? rdlen : 512);
	g->r[g->n].rdlen = rdlen;
	g->r[g->n].line = line;
	g->n++;
	return NULL;
}

static struct got G;
static char E[512];

static int parse(const char *text)
{
	memset(&G, 0, sizeof(G));
	E[0] = 0;
	return dns_zparse("z", text, strlen(text), NULL, collect, &G, E, sizeof(E));
}

#define RD(i, bytes) \
	(G.r[i].rdlen == sizeof(bytes) - 1 && memcmp(G.r[i].rd, bytes, sizeof(bytes) - 1) == 0)

static void test_syntax(void)
{
	CHECK_INT(parse("$ORIGIN Example.COM.\n"
			"$TTL 1h\n"
			"@ IN SOA ns1 host\\.master ( 1 ; serial\n"
			"   2h 30m 2w1d ; timers\n"
			"   5m )\n"
			"\tNS ns1 ; blank owner: the previous one\n"
			"www 60 IN A 192.0.2.1\n"
			"    IN 61 AAAA 2001:db8::1\n"
			"sub.www CNAME @\n"
			"$ORIGIN sub\n"
			"rel A 192.0.2.2\n"
			"abs.example.net. A 192.0.2.3\n"
			"\\065\\.b A 192.0.2.4\n"
			"\n   ; only a comment\n"),
		  0);
	CHECK_STR(E, "");
	CHECK_INT(G.n, 8);
	CHECK_STR(G.r[0].owner, "example.com.");
	CHECK_INT(G.r[0].type, DNS_T_SOA);
	CHECK_INT(G.r[0].ttl, 3600);
	CHECK(RD(0, "\3ns1\7Example\3COM\0\13host.master\7Example\3COM\0"
		    "\0\0\0\1\0\0\x1c\x20\0\0\x07\x08\0\x13\xc6\x80\0\0\1\x2c"));
	CHECK_STR(G.r[1].owner, "example.com.");
	CHECK_INT(G.r[1].type, DNS_T_NS);
	CHECK_INT(G.r[2].ttl, 60);
	CHECK_STR(G.r[3].owner, "www.example.com.");
	CHECK_INT(G.r[3].ttl, 61);
	CHECK_INT(G.r[3].type, DNS_T_AAAA);
	CHECK(RD(4, "\7Example\3COM\0")); /* rdata keeps the case as written */
	CHECK_STR(G.r[5].owner, "rel.sub.example.com.");
	CHECK_STR(G.r[6].owner, "abs.example.net.");
	CHECK_STR(G.r[7].owner, "a\\.b.sub.example.com."); /* \065 is "A", lowercased */
	CHECK_INT(G.r[7].line, 13);
}

static void test_types(void)
{
	CHECK_INT(parse("$ORIGIN t.\n$TTL 5\n"
			"a MX 10 mail\n"
			"a TXT \"a \\\"q\\\" \\065\" plain semi\\;colon\n"
			"a SRV 1 2 3 target.t.\n"
			"a PTR p\n"
			"a CAA 128 issue \"ca.example.net; x=y\"\n"
			"a TYPE65280 \\# 3 abcdef\n"
			"a A \\# 4 C0000201\n"
			"a TXT \"\"\n"
			"a CNAME x\n"),
		  0);
	CHECK_STR(E, "");
	CHECK_INT(G.n, 9);
	CHECK(RD(0, "\0\12\4mail\1t\0"));
	CHECK(RD(1, "\7a \"q\" A\5plain\12semi;colon"));
	CHECK(RD(2, "\0\1\0\2\0\3\6target\1t\0"));
	CHECK(RD(3, "\1p\1t\0"));
	CHECK(RD(4, "\x80\5issueca.example.net; x=y"));
	CHECK_INT(G.r[5].type, 65280);
	CHECK(RD(5, "\xab\xcd\xef"));
	CHECK(RD(6, "\xc0\0\2\1"));
	CHECK(RD(7, "\0"));
	CHECK(RD(8, "\1x\1t\0"));
	/* TTL inherits: with no $TTL, the last explicit one (RFC 1035 5.1) */
	CHECK_INT(parse("$ORIGIN t.\na 7 A 192.0.2.1\nb A 192.0.2.2\n"), 0);
	CHECK_INT(G.r[1].ttl, 7);
}

static void test_errors(void)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "a A 192.0.2.1\n", "z:1: relative name with no $ORIGIN" },
		{ "$ORIGIN t.\n$TTL 1\na A 192.0.2.300\n", "z:3: bad IPv4 address" },
		{ "$ORIGIN t.\n$TTL 1\na AAAA 2001:db8::g\n", "z:3: bad IPv6 address" },
		{ "$ORIGIN t.\n$TTL 1\na ( A\n 192.0.2.1\n",
		  "z:3: unbalanced parentheses: \"(\" never closed" },
		{ "$ORIGIN t.\n$TTL 1\na A 192.0.2.1 )\n", "z:3: \")\" without \"(\"" },
		{ "$ORIGIN t.\n$TTL 1\na TXT \"open\n", "z:3: unterminated quoted string" },
		{ "$ORIGIN t.\n$TTL 1\na BOGUS x\n", "z:3: unknown type" },
		{ "$ORIGIN t.\n$TTL 1\na CH TXT x\n", "z:3: only class IN is supported" },
		{ "$ORIGIN t.\na A 192.0.2.1\n", "z:2: no TTL given and no $TTL before" },
		{ "$ORIGIN t.\n$TTL x\n", "z:2: bad $TTL value" },
		{ "$ORIGIN t.\n$TTL 1\n$INCLUDE other\n", "z:3: $INCLUDE is not supported" },
		{ "$ORIGIN t.\n$TTL 1\n$FOO\n", "z:3: unknown directive" },
		{ "$ORIGIN t.\n$TTL 1\na MX 10\n", "z:3: missing rdata field" },
		{ "$ORIGIN t.\n$TTL 1\na A 192.0.2.1 extra\n", "z:3: extra rdata field" },
		{ "$ORIGIN t.\n$TTL 1\na MX 70000 m\n", "z:3: expected a number 0-65535" },
		{ "$ORIGIN t.\n$TTL 1\na..b A 192.0.2.1\n", "z:3: empty label in name" },
		{ "$ORIGIN t.\n$TTL 1\n"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa A 192.0.2.1\n",
		  "z:3: label longer than 63 octets" },
		{ "$ORIGIN t.\n$TTL 1\na\\300 A 192.0.2.1\n",
		  "z:3: \\DDD escape above 255 in name" },
		{ "$ORIGIN t.\n$TTL 1\na TXT \"\\9\"\n", "z:3: bad \\DDD escape" },
		{ "$ORIGIN t.\n$TTL 1\na TXT "
		  "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
		  "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"\n",
		  "z:3: TXT string longer than 255 octets" },
		{ "$ORIGIN t.\n$TTL 1\na TYPE65280 \\# 2 ab\n",
		  "z:3: \\# rdata shorter than its length" },
		{ "$ORIGIN t.\n$TTL 1\na A \\# 3 C00002\n",
		  "z:3: \\# rdata is not valid for its type" },
		{ "$ORIGIN t.\n$TTL 1\na HINFO cpu os\n",
		  "z:3: this type needs the generic \\# form (RFC 3597)" },
		{ "$ORIGIN t.\n$TTL 1\na ANY \\# 0\n", "z:3: this type cannot appear in a zone" },
		{ "$ORIGIN t.\n$TTL 1\na CAA 0 is-sue x\n", "z:3: bad CAA tag" },
		{ "$ORIGIN t.\n$TTL 1\na 1h30 A 192.0.2.1\n", "z:3: bad TTL" },
		{ "$ORIGIN t.\n$TTL 1\n A 192.0.2.1\n",
		  "z:3: no owner name and no previous one to repeat" },
		{ "$ORIGIN t.\n$TTL 1\na SOA a b 1 2 3 4\n", "z:3: missing rdata field" },
		{ "$ORIGIN t.\n$TTL 1\na A 192.0.2.1\\\n", "z:3: backslash at the end of a line" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(cases[i].text), -1);
		if (strncmp(E, cases[i].err, strlen(cases[i].err)) != 0) {
			fprintf(stderr, "  case %zu: got \"%s\", want \"%s\"\n", i, E,
				cases[i].err);
			t_case_failed = 1;
		}
	}
}

static void test_zone_errors(void)
{
	static const struct {
		const char *text, *err;
	} cases[] = {
		{ "$ORIGIN t.\n$TTL 1\na A 192.0.2.1\n", "z:1: no SOA record" },
		{ "$ORIGIN t.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nb.u. A 192.0.2.1\n",
		  "z:5: name is outside the zone t." },
		{ "$ORIGIN t.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nc CNAME a\nc A 192.0.2.1\n",
		  "z:5: CNAME and other data at the same name" },
		{ "$ORIGIN t.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nc CNAME a\nc CNAME b\n",
		  "z:6: more than one CNAME record at a name" },
		{ "$ORIGIN t.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n",
		  "z:3: no NS records at the zone apex" },
		{ "$ORIGIN t.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ SOA a b 2 2 3 4 5\n",
		  "z:4: more than one SOA record" },
		{ "$ORIGIN t.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ CNAME x\n",
		  "z:4: CNAME and other data at the same name" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dns_zoneset *zs = dns_zoneset_parse("z", cases[i].text,
							   strlen(cases[i].text), E, sizeof(E));

		CHECK(zs == NULL);
		dns_zoneset_free(zs);
		if (strncmp(E, cases[i].err, strlen(cases[i].err)) != 0) {
			fprintf(stderr, "  case %zu: got \"%s\", want \"%s\"\n", i, E,
				cases[i].err);
			t_case_failed = 1;
		}
	}
}

static void test_build(void)
{
	const char *text = "$ORIGIN t.\n$TTL 100\n@ SOA a b 1 2 3 4 50\n@ NS a\n"
			   "x A 192.0.2.1\nx 50 A 192.0.2.2\nx A 192.0.2.1\n" /* dup, lower TTL */
			   "a.b.c.d TXT x\nsub NS ns.sub\nns.sub A 192.0.2.9\n*.w TXT w\n";
	struct dns_zoneset *zs = dns_zoneset_parse("z", text, strlen(text), E, sizeof(E));

	CHECK(zs != NULL);
	if (!zs)
		return;
	CHECK_INT(zs->nzones, 1);
	const struct dns_zone *z = zs->zones[0];

	CHECK_INT(z->neg_ttl, 50);
	CHECK_INT(z->nnodes, 10); /* t x a.b.c.d b.c.d c.d d sub ns.sub *.w w */
	const uint8_t xn[] = "\1x\1t";
	const struct dns_node *x = dns_zone_get(z, xn, sizeof(xn), dns_name_hash(xn, sizeof(xn)));

	CHECK(x != NULL);
	if (x) {
		const struct dns_rrset *a = dns_node_rrset(x, DNS_T_A);

		CHECK(a && a->count == 2 && a->ttl == 50);
	}
	const uint8_t ent[] = "\1c\1d\1t";

	x = dns_zone_get(z, ent, sizeof(ent), dns_name_hash(ent, sizeof(ent)));
	CHECK(x && x->nrrsets == 0);
	const uint8_t glue[] = "\2ns\3sub\1t", sub[] = "\3sub\1t";

	x = dns_zone_get(z, glue, sizeof(glue), dns_name_hash(glue, sizeof(glue)));
	CHECK(x && x->cut && x->cut != x && x->cut->len == sizeof(sub));
	x = dns_zone_get(z, sub, sizeof(sub), dns_name_hash(sub, sizeof(sub)));
	CHECK(x && x->cut == x && (x->flags & DNS_NODE_CUT));
	const uint8_t wild[] = "\1*\1w\1t";

	x = dns_zone_get(z, wild, sizeof(wild), dns_name_hash(wild, sizeof(wild)));
	CHECK(x && (x->flags & DNS_NODE_WILD));
	const uint8_t q[] = "\3foo\3sub\1t", other[] = "\1t\4else";

	CHECK(dns_zoneset_find(zs, q, sizeof(q), 3) == z);
	CHECK(dns_zoneset_find(zs, other, sizeof(other), 2) == NULL);
	dns_zoneset_free(zs);
}

static void test_files(void)
{
	char d[] = "/tmp/test_dns_zone.XXXXXX";

	CHECK(mkdtemp(d) != NULL);
	char f1[64], f2[64], f3[64];

	snprintf(f1, sizeof(f1), "%s/a.zone", d);
	snprintf(f2, sizeof(f2), "%s/b.zone", d);
	snprintf(f3, sizeof(f3), "%s/c.zone", d);
	FILE *f = fopen(f1, "w");

	fputs("$TTL 1\nt. SOA a.t. b.t. 1 2 3 4 5\nt. NS a.t.\n", f);
	fclose(f);
	f = fopen(f2, "w");
	fputs("$TTL 1\nsub.t. SOA a.t. b.t. 1 2 3 4 5\nsub.t. NS a.t.\n", f);
	fclose(f);
	f = fopen(f3, "w");
	fputs("$TTL 1\nt. SOA a.t. b.t. 1 2 3 4 5\nt. NS a.t.\n", f);
	fclose(f);
	char *two[] = { f1, f2 }, *dup[] = { f1, f3 }, *missing[] = { d };
	struct dns_zoneset *zs = dns_zoneset_load(two, 2, E, sizeof(E));

	CHECK(zs != NULL);
	if (zs) {
		const uint8_t q[] = "\1x\3sub\1t", p[] = "\1x\1t";

		CHECK(dns_zoneset_find(zs, q, sizeof(q), 3) == zs->zones[1]); /* the deepest */
		CHECK(dns_zoneset_find(zs, p, sizeof(p), 2) == zs->zones[0]);
		dns_zoneset_free(zs);
	}
	CHECK(dns_zoneset_load(dup, 2, E, sizeof(E)) == NULL);
	CHECK(strstr(E, "c.zone:2: zone already loaded from") != NULL);
	CHECK(dns_zoneset_load(missing, 1, E, sizeof(E)) == NULL);
	CHECK(strstr(E, ":0: not a regular file") != NULL);
	unlink(f1);
	unlink(f2);
	unlink(f3);
	rmdir(d);
}

static void test_ttl_text(void)
{
	uint32_t v;

	CHECK(dns_ttl_from_text("3600", 4, &v) == 0 && v == 3600);
	CHECK(dns_ttl_from_text("1w2d3h4m5s", 10, &v) == 0 && v == 604800 + 172800 + 10800 + 245);
	CHECK(dns_ttl_from_text("2147483647", 10, &v) == 0);
	CHECK(dns_ttl_from_text("2147483648", 10, &v) < 0); /* RFC 2181 8 */
	CHECK(dns_ttl_from_text("h", 1, &v) < 0);
	CHECK(dns_ttl_from_text("", 0, &v) < 0);
	char b[16];

	CHECK_STR(dns_type_to_text(DNS_T_AAAA, b), "AAAA");
	CHECK_STR(dns_type_to_text(65280, b), "TYPE65280");
	CHECK_INT(dns_type_from_text("caa", 3), DNS_T_CAA);
	CHECK_INT(dns_type_from_text("type99", 6), 99);
	CHECK_INT(dns_type_from_text("TYPE65536", 9), -1);
}

int main(void)
{
	RUN(test_syntax);
	RUN(test_types);
	RUN(test_errors);
	RUN(test_zone_errors);
	RUN(test_build);
	RUN(test_files);
	RUN(test_ttl_text);
	return t_done();
}
