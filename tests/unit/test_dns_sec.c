/* DNSSEC for pre-signed zones: SHA-1 (FIPS 180 examples), NSEC3 hashes (RFC 5155 appendix A),
 * base32hex, the DNSSEC rdata parsers, RRSIGs grouped with the RRset they cover, the NSEC and
 * NSEC3 proof chosen for each kind of answer, and DNAME loading. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "dns/dnssec.h"
#include "dns/name.h"
#include "dns/nsec3.h"
#include "dns/rdata.h"
#include "dns/zone.h"
#include "dns/zoneset.h"
#include "dns/zsec.h"
#include "lib/buf.h"
#include "t.h"

static void hex(const uint8_t *p, size_t n, char *out)
{
	for (size_t i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void test_sha1(void)
{
	static const struct {
		const char *in, *want;
	} v[] = {
		{ "abc", "a9993e364706816aba3e25717850c26c9cd0d89d" },
		{ "", "da39a3ee5e6b4b0d3255bfef95601890afd80709" },
		{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		  "84983e441c3bd26ebaae4aa1f95129e5e54670f1" },
	};
	uint8_t d[DNS_SHA1_LEN];
	char h[41];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t n = strlen(v[i].in);

		dns_sha1((const uint8_t *)v[i].in, n, NULL, 0, d);
		hex(d, sizeof(d), h);
		CHECK_STR(h, v[i].want);
		/* split anywhere between the two inputs: the same digest */
		dns_sha1((const uint8_t *)v[i].in, n / 3, (const uint8_t *)v[i].in + n / 3,
			 n - n / 3, d);
		hex(d, sizeof(d), h);
		CHECK_STR(h, v[i].want);
	}
	/* a million 'a': many blocks, and the length in the padding */
	char *m = malloc(1000000);

	memset(m, 'a', 1000000);
	dns_sha1((const uint8_t *)m, 1000000, NULL, 0, d);
	hex(d, sizeof(d), h);
	CHECK_STR(h, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(m);
}

static void test_nsec3_rfc5155(void)
{
	/* RFC 5155 appendix A: salt aabbccdd, 12 iterations */
	static const struct {
		const char *name, *hash;
	} v[] = {
		{ "example.", "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom" },
		{ "a.example.", "35mthgpgcu1qg68fab165klnsnk3dpvl" },
		{ "ai.example.", "gjeqe526plbf1g8mklp59enfd789njgi" },
		{ "ns1.example.", "2t7b4g4vsa5smi47k61mv5bv1a22bojr" },
		{ "*.w.example.", "r53bq7cc2uvmubfu5ocmm6pers9tk9en" },
		{ "x.y.w.example.", "2vptu5timamqttgl4luu9kg21e0aor3s" },
		{ "xx.example.", "t644ebqk9bibcna874givr6joj62mlhv" },
	};
	static const uint8_t salt[4] = { 0xaa, 0xbb, 0xcc, 0xdd };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t name[DNS_NAME_MAX], h[DNS_SHA1_LEN], back[DNS_SHA1_LEN];
		const char *err;
		char text[40];
		int l = dns_name_from_text(v[i].name, strlen(v[i].name), NULL, name, &err);

		CHECK(l > 0);
		dns_nsec3_hash(name, (size_t)l, salt, sizeof(salt), 12, h);
		CHECK_INT(dns_b32hex_encode(h, sizeof(h), text), 32);
		CHECK_STR(text, v[i].hash);
		/* and back, in upper case as zone files often write it */
		for (int k = 0; k < 32; k++)
			text[k] = (char)(text[k] >= 'a' ? text[k] - 32 : text[k]);
		CHECK_INT(dns_b32hex_decode(text, 32, back, sizeof(back)), DNS_SHA1_LEN);
		CHECK(memcmp(back, h, DNS_SHA1_LEN) == 0);
	}
	uint8_t out[8];

	CHECK_INT(dns_b32hex_decode("w0", 2, out, sizeof(out)), -1);  /* not base32hex */
	CHECK_INT(dns_b32hex_decode("01", 2, out, sizeof(out)), -1);  /* stray padding bits */
	CHECK_INT(dns_b32hex_decode("000", 3, out, sizeof(out)), -1); /* a whole extra char */
}

/* ---- a small signed zone, written by hand: the proofs do not check signatures */

#define SIG(t) " RRSIG " t " 13 2 300 20300101000000 20200101000000 1 example. AAAA\n"

static const char nsec_zone[] =
	"$ORIGIN example.\n$TTL 300\n"
	"@ SOA ns1 h 1 2 3 4 300\n" SIG("SOA") "@ NS ns1\n" SIG("NS") "@ NSEC a NS SOA RRSIG NSEC DNSKEY\n" SIG("NSEC") "@ DNSKEY 257 3 13 AAAA\n" SIG(
		"DNSKEY") "a A 192.0.2.1\n" SIG("A") "a NSEC b.c A RRSIG NSEC\n" SIG("NSEC") "b.c A 192.0.2.2\n"
											     "b.c NSEC ns1 A NSEC\n"
											     "ns1 A 192.0.2.3\n"
											     "ns1 NSEC sub NSEC\n"
											     "sub NS ns.sub\n"
											     "sub NSEC *.w NS NSEC\n"
											     "ns.sub A 192.0.2.4\n"
											     "*.w TXT \"w\"\n"
											     "*.w NSEC example. TXT NSEC\n"
											     "dn DNAME example.net.\n";

static const char *owner_of(const struct dns_sec_rr *r, char *buf)
{
	dns_name_to_text(r->node->name, buf, 300);
	return buf;
}

static int has_owner(const struct dns_sec_proof *p, const char *want)
{
	char b[300];

	for (int i = 0; i < p->n; i++)
		if (strcmp(owner_of(&p->rr[i], b), want) == 0)
			return 1;
	return 0;
}

static const struct dns_zone *zone0(const struct dns_zoneset *zs) { return zs->zones[0]; }

static const struct dns_node *node(const struct dns_zone *z, const char *text)
{
	uint8_t n[DNS_NAME_MAX];
	const char *err;
	int l = dns_name_from_text(text, strlen(text), NULL, n, &err);

	return l > 0 ? dns_zone_get(z, n, (size_t)l, dns_name_hash(n, (size_t)l)) : NULL;
}

static void prove(const struct dns_zone *z, enum dns_sec_case k, const char *name, const char *ce,
		  const char *n, struct dns_sec_proof *p)
{
	uint8_t w[DNS_NAME_MAX];
	const char *err;
	int l = dns_name_from_text(name, strlen(name), NULL, w, &err);

	memset(p, 0, sizeof(*p));
	dns_sec_prove(z, k, w, (size_t)l, n ? node(z, n) : NULL, ce ? node(z, ce) : NULL, p);
}

static void test_rrsig_grouping(void)
{
	char err[256];
	struct dns_zoneset *zs = dns_zoneset_parse("s.zone", nsec_zone, sizeof(nsec_zone) - 1, err,
						   sizeof(err));

	CHECK(zs != NULL);
	if (!zs) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	const struct dns_zone *z = zone0(zs);
	const struct dns_node *apex = node(z, "example.");

	CHECK(z->sec != NULL);
	/* RRSIG is no RRset of its own: each covered set carries its signatures */
	CHECK(dns_node_rrset(apex, DNS_T_RRSIG) == NULL);
	CHECK(dns_node_rrset(apex, DNS_T_SOA)->sigs != NULL);
	CHECK_INT(dns_node_rrset(apex, DNS_T_SOA)->sigs->count, 1);
	CHECK_INT(dns_node_rrset(apex, DNS_T_SOA)->sigs->type, DNS_T_RRSIG);
	CHECK(dns_node_rrset(apex, DNS_T_NSEC)->sigs != NULL);
	CHECK(dns_node_rrset(node(z, "b.c.example."), DNS_T_A)->sigs == NULL);
	CHECK_INT(z->sec->nnsec, 6);
	CHECK_INT(z->sec->nnsec3, 0);
	/* the DNAME owner is flagged; nothing below it is a node */
	CHECK(node(z, "dn.example.")->flags & DNS_NODE_DNAME);
	dns_zoneset_free(zs);

	/* unsigned: no DNSSEC data */
	static const char plain[] = "$ORIGIN e.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\n";

	zs = dns_zoneset_parse("p.zone", plain, sizeof(plain) - 1, err, sizeof(err));
	CHECK(zs && zone0(zs)->sec == NULL);
	dns_zoneset_free(zs);
}

static void test_nsec_proofs(void)
{
	char err[256];
	struct dns_zoneset *zs = dns_zoneset_parse("s.zone", nsec_zone, sizeof(nsec_zone) - 1, err,
						   sizeof(err));
	struct dns_sec_proof p;

	CHECK(zs != NULL);
	if (!zs)
		return;
	const struct dns_zone *z = zone0(zs);

	/* NXDOMAIN: the NSEC covering the name and the one covering "*." + closest encloser */
	prove(z, DNS_SEC_NXDOMAIN, "aa.example.", "example.", NULL, &p);
	CHECK_INT(p.n, 2);
	CHECK(has_owner(&p, "a.example.")); /* a < aa < b.c */
	CHECK(has_owner(&p, "example."));   /* example < *.example < a */
	/* both spans the same NSEC: given once */
	prove(z, DNS_SEC_NXDOMAIN, "zz.example.", "example.", NULL, &p);
	CHECK_INT(p.n, 2);
	CHECK(has_owner(&p, "*.w.example.")); /* the last: wraps to the apex */
	CHECK(has_owner(&p, "example."));
	prove(z, DNS_SEC_NXDOMAIN, "x.b.c.example.", "b.c.example.", NULL, &p);
	CHECK_INT(p.n, 1);
	CHECK(has_owner(&p, "b.c.example.")); /* covers both x.b.c and *.b.c */
	/* NODATA: the name's own NSEC; an empty non-terminal's covering one */
	prove(z, DNS_SEC_NODATA, "a.example.", NULL, "a.example.", &p);
	CHECK_INT(p.n, 1);
	CHECK(has_owner(&p, "a.example."));
	prove(z, DNS_SEC_NODATA, "c.example.", NULL, "c.example.", &p);
	CHECK_INT(p.n, 1);
	CHECK(has_owner(&p, "a.example.")); /* a < c < b.c */
	/* insecure delegation: the cut's NSEC (NS, no DS) */
	prove(z, DNS_SEC_NODATA, "sub.example.", NULL, "sub.example.", &p);
	CHECK_INT(p.n, 1);
	CHECK(has_owner(&p, "sub.example."));
	/* wildcard answer: the name itself is covered; wildcard NODATA: and the wildcard's NSEC */
	prove(z, DNS_SEC_WILDCARD, "x.w.example.", "w.example.", NULL, &p);
	CHECK_INT(p.n, 1);
	CHECK(has_owner(&p, "*.w.example."));
	prove(z, DNS_SEC_WILD_NODATA, "x.w.example.", "w.example.", "*.w.example.", &p);
	CHECK_INT(p.n, 1);
	dns_zoneset_free(zs);
}

/* An NSEC3 zone made here: owners are the hashes of the names, each pointing to the next. */
static char *nsec3_zone(int optout)
{
	static const char *names[] = { "example.",   "a.example.",   "b.c.example.",
				       "c.example.", "*.w.example.", "w.example." };
	enum { N = sizeof(names) / sizeof(names[0]) };
	static const uint8_t salt[2] = { 0xab, 0xcd };
	char hashes[N][40], *text = malloc(8192);
	size_t o = 0;

	for (int i = 0; i < N; i++) {
		uint8_t w[DNS_NAME_MAX], h[DNS_SHA1_LEN];
		const char *err;
		int l = dns_name_from_text(names[i], strlen(names[i]), NULL, w, &err);

		dns_nsec3_hash(w, (size_t)l, salt, sizeof(salt), 2, h);
		dns_b32hex_encode(h, sizeof(h), hashes[i]);
	}
	qsort(hashes, N, sizeof(hashes[0]), (int (*)(const void *, const void *))strcmp);
	o += (size_t)sprintf(text + o, "$ORIGIN example.\n$TTL 300\n@ SOA ns1 h 1 2 3 4 300\n" SIG(
					       "SOA") "@ NS ns1\n@ NSEC3PARAM 1 0 2 abcd\n"
						      "ns1 A 192.0.2.1\na A 192.0.2.2\n"
						      "b.c A 192.0.2.3\n*.w TXT \"x\"\n");
	for (int i = 0; i < N; i++)
		o += (size_t)sprintf(text + o, "%s NSEC3 1 %d 2 abcd %s A\n" SIG("NSEC3"),
				     hashes[i], optout, hashes[(i + 1) % N]);
	text[o] = 0;
	return text;
}

static int nsec3_relation(const struct dns_zone *z, const struct dns_sec_rr *r, const char *name)
{
	/* 1: r matches name, 2: r covers it, 0: neither */
	uint8_t w[DNS_NAME_MAX], h[DNS_SHA1_LEN], own[DNS_SHA1_LEN];
	const char *err;
	int l = dns_name_from_text(name, strlen(name), NULL, w, &err);
	const uint8_t *rd = r->set->rd[0]->data;
	const uint8_t *next = rd + 5 + rd[4] + 1;

	dns_nsec3_hash(w, (size_t)l, z->sec->salt, z->sec->saltlen, z->sec->iterations, h);
	dns_b32hex_decode((const char *)r->node->name + 1, 32, own, sizeof(own));
	if (memcmp(own, h, DNS_SHA1_LEN) == 0)
		return 1;
	int after = memcmp(own, h, DNS_SHA1_LEN) < 0, before = memcmp(h, next, DNS_SHA1_LEN) < 0;

	if (memcmp(own, next, DNS_SHA1_LEN) < 0)
		return after && before ? 2 : 0;
	return after || before ? 2 : 0; /* the last span wraps around */
}

static int proves(const struct dns_zone *z, const struct dns_sec_proof *p, const char *name,
		  int rel)
{
	for (int i = 0; i < p->n; i++)
		if (nsec3_relation(z, &p->rr[i], name) == rel)
			return 1;
	return 0;
}

static void test_nsec3_proofs(void)
{
	char err[256], *text = nsec3_zone(0);
	struct dns_zoneset *zs = dns_zoneset_parse("3.zone", text, strlen(text), err, sizeof(err));
	struct dns_sec_proof p;

	free(text);
	CHECK(zs != NULL);
	if (!zs) {
		fprintf(stderr, "%s\n", err);
		return;
	}
	const struct dns_zone *z = zone0(zs);

	CHECK_INT(z->sec->nnsec3, 6);
	CHECK_INT(z->sec->iterations, 2);
	/* NSEC3 owners are no names of the tree */
	CHECK(node(z, "w.example.") != NULL);
	CHECK_INT((int)z->nnodes, 7); /* apex, ns1, a, b.c, c (ENT), *.w, w (ENT) */
	/* NXDOMAIN (RFC 5155 7.2.2): closest encloser matched, next closer and wildcard covered */
	prove(z, DNS_SEC_NXDOMAIN, "x.y.a.example.", "a.example.", NULL, &p);
	CHECK(p.n >= 2 && p.n <= 3);
	CHECK(proves(z, &p, "a.example.", 1));
	CHECK(proves(z, &p, "y.a.example.", 2));
	CHECK(proves(z, &p, "*.a.example.", 2));
	/* NODATA: the matching NSEC3; for an empty non-terminal too */
	prove(z, DNS_SEC_NODATA, "c.example.", NULL, "c.example.", &p);
	CHECK_INT(p.n, 1);
	CHECK(proves(z, &p, "c.example.", 1));
	/* wildcard answer (7.2.6): the next closer covered */
	prove(z, DNS_SEC_WILDCARD, "q.r.w.example.", "w.example.", NULL, &p);
	CHECK_INT(p.n, 1);
	CHECK(proves(z, &p, "r.w.example.", 2));
	/* wildcard NODATA (7.2.5): encloser, next closer, and the wildcard matched */
	prove(z, DNS_SEC_WILD_NODATA, "q.w.example.", "w.example.", "*.w.example.", &p);
	CHECK(proves(z, &p, "w.example.", 1));
	CHECK(proves(z, &p, "q.w.example.", 2));
	CHECK(proves(z, &p, "*.w.example.", 1));
	/* no NSEC3 at the name (opt-out): the closest provable encloser instead (7.2.4) */
	prove(z, DNS_SEC_NODATA, "d.b.c.example.", NULL, NULL, &p);
	CHECK(proves(z, &p, "b.c.example.", 1));
	CHECK(proves(z, &p, "d.b.c.example.", 2));
	dns_zoneset_free(zs);
}

static void test_rdata_text(void)
{
	static const struct {
		const char *type, *text;
		int ok;
	} v[] = {
		{ "DS", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118", 1 },
		{ "DS", "60485 5 1 2BB183AF5F2258817 9A53B0A98631FAD1A292118", 1 },
		{ "DS", "60485 5 1 2BB", 0 },
		{ "DNSKEY",
		  "257 3 13 AQPSKmynfzW4kyBv015MUG2DeIQ3 Cbl+BBZH4b/0PY1kxkmvHjcZc8no==", 1 },
		{ "DNSKEY", "257 3 13 A*==", 0 },
		{ "RRSIG", "A 5 3 86400 20030322173103 20030220173103 2642 example.com. AAAA", 1 },
		{ "RRSIG", "A 5 3 86400 1048354263 1045762263 2642 example.com. AAAA", 1 },
		{ "RRSIG", "BOGUS 5 3 86400 1 2 3 example.com. AAAA", 0 },
		{ "RRSIG", "A 5 3 86400 20031322173103 20030220173103 2642 example.com. AAAA", 0 },
		{ "NSEC", "host.example.com. A MX RRSIG NSEC TYPE1234", 1 },
		{ "NSEC", "host.example.com. A NOPE", 0 },
		{ "NSEC3", "1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG", 1 },
		{ "NSEC3", "1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3s", 1 },
		{ "NSEC3", "1 0 0 - 2vptu5timamqttgl4luu9kg21e0aor3z", 0 },
		{ "NSEC3PARAM", "1 0 12 aabbccdd", 1 },
		{ "NSEC3PARAM", "1 0 12 aabbccdd extra", 0 },
		{ "DNAME", "example.net.", 1 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char text[300];
		char err[256];

		/* an NSEC3 must sit at a hashed owner name */
		snprintf(text, sizeof(text),
			 "$ORIGIN e.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\n%s %s %s\n",
			 strcmp(v[i].type, "NSEC3") ? "x" : "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom",
			 v[i].type, v[i].text);
		struct dns_zoneset *zs = dns_zoneset_parse("r.zone", text, strlen(text), err,
							   sizeof(err));

		if ((zs != NULL) != v[i].ok)
			fprintf(stderr, "case %zu: %s %s: %s\n", i, v[i].type, v[i].text,
				zs ? "accepted" : err);
		CHECK((zs != NULL) == v[i].ok);
		if (!zs)
			CHECK(strncmp(err, "r.zone:5: ", 10) == 0);
		dns_zoneset_free(zs);
	}
	/* the RFC 4034 2.2 example key tag etc. decode to the RFC's wire octets */
	uint8_t out[64];
	const char *err;
	unsigned line = 0;
	struct dns_ztok t[4] = { { "60485", 5, 1, 0 },
				 { "5", 1, 1, 0 },
				 { "1", 1, 1, 0 },
				 { "2BB183AF5F22588179A53B0A98631FAD1A292118", 40, 1, 0 } };

	CHECK_INT(dns_rdata_from_text(DNS_T_DS, t, 4, NULL, out, &err, &line), 24);
	CHECK(out[0] == 0xec && out[1] == 0x45 && out[2] == 5 && out[3] == 1 && out[4] == 0x2b);
	/* a NSEC bitmap: window 0, A (1) and MX (15): 2 octets */
	struct dns_ztok b[3] = { { "a.", 2, 1, 0 }, { "A", 1, 1, 0 }, { "MX", 2, 1, 0 } };

	CHECK_INT(dns_rdata_from_text(DNS_T_NSEC, b, 3, NULL, out, &err, &line), 3 + 4);
	CHECK(out[3] == 0 && out[4] == 2 && out[5] == 0x40 && out[6] == 0x01);
}

static void test_bad_zones(void)
{
	static const struct {
		const char *text, *err;
	} v[] = {
		{ "$ORIGIN e.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nd DNAME x.\nd DNAME y.\n",
		  "r.zone:6: more than one DNAME record at a name" },
		{ "$ORIGIN e.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nd CNAME x.\nd DNAME y.\n",
		  "r.zone:5: CNAME and other data at the same name" },
		{ "$ORIGIN e.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nd CNAME x.\nd NSEC e. CNAME\n",
		  NULL },
		{ "$ORIGIN e.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ NS a\nnothash NSEC3 1 0 0 - "
		  "2vptu5timamqttgl4luu9kg21e0aor3s\n",
		  "r.zone:5: NSEC3 owner is not a base32hex SHA-1 hash label right below the apex" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char err[256] = "";
		struct dns_zoneset *zs = dns_zoneset_parse("r.zone", v[i].text, strlen(v[i].text),
							   err, sizeof(err));

		if (v[i].err)
			CHECK_STR(err, v[i].err);
		else
			CHECK(zs != NULL);
		dns_zoneset_free(zs);
	}
}

/* Every reply with DO from the precomputed table equals the one composed per query, over UDP
 * (small and large buffers) and TCP, for the names of the zone and names below them. */
static void same_as_composed(const char *text)
{
	static const struct dns_ctx ctx = { "t", 1, "v", 1, 4096, NULL, 0 };
	static const uint16_t types[] = { 0,         DNS_T_A,     DNS_T_TXT,  DNS_T_MX,
					  DNS_T_DS,  DNS_T_RRSIG, DNS_T_NSEC, DNS_T_ANY,
					  DNS_T_SOA, DNS_T_DNSKEY };
	static uint8_t a[65535], b[65535];
	char err[256];
	struct dns_zoneset *zs = dns_zoneset_parse("e.zone", text, strlen(text), err, sizeof(err));
	int asked = 0, fast = 0;

	CHECK(zs != NULL);
	if (!zs)
		return;
	struct dns_zone *z = zs->zones[0];
	struct dns_slot *ftab_do = z->ftab_do;

	CHECK(ftab_do != NULL);
	for (uint32_t i = 0; i <= z->mask; i++) {
		const struct dns_node *n = z->tab[i].p;

		for (size_t k = 0; n && k < sizeof(types) / sizeof(types[0]); k++)
			for (int below = 0; below < 2; below++)
				for (int size = 0; size < 3; size++) {
					uint8_t q[300] = { 1, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 };
					size_t o = 12;

					if (below) {
						q[o++] = 1;
						q[o++] = 'q';
					}
					memcpy(q + o, n->name, n->len);
					o += n->len;
					put16(q + o, types[k]);
					put16(q + o + 2, DNS_C_IN);
					o += 4;
					/* OPT: UDP size 512 or 4096, DO */
					uint8_t opt[11] = { 0, 0, 41, size ? 0x10 : 0x02,
							    0, 0, 0,  0x80 };

					memcpy(q + o, opt, sizeof(opt));
					o += sizeof(opt);
					z->ftab_do = ftab_do;
					size_t la = dns_answer(&ctx, zs, q, o, a, sizeof(a),
							       size == 2);

					fast += !below &&
						dns_zone_fast(z, n->name, n->len, n->hash, 1);
					z->ftab_do = NULL;
					size_t lb = dns_answer(&ctx, zs, q, o, b, sizeof(b),
							       size == 2);

					asked++;
					if (la != lb || memcmp(a, b, la) != 0) {
						char nm[300];

						dns_name_to_text(n->name, nm, sizeof(nm));
						fprintf(stderr, "differs: %s%s type %u size %d\n",
							below ? "q." : "", nm, types[k], size);
						CHECK(0);
						goto out;
					}
				}
	}
out:
	z->ftab_do = ftab_do;
	CHECK(asked > 100);
	CHECK(fast > 0);
	dns_zoneset_free(zs);
}

static void test_precomputed_do(void)
{
	char *t3 = nsec3_zone(1);

	same_as_composed(nsec_zone);
	same_as_composed(t3);
	free(t3);
}

int main(void)
{
	RUN(test_sha1);
	RUN(test_nsec3_rfc5155);
	RUN(test_rdata_text);
	RUN(test_rrsig_grouping);
	RUN(test_nsec_proofs);
	RUN(test_nsec3_proofs);
	RUN(test_bad_zones);
	RUN(test_precomputed_do);
	return t_done();
}
