/* Lab topology files and the city table: every validation error at its exact FILE:LINE:COL,
 * the shipped examples, the derived address plan and delays, distances against known values. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/netem.h"
#include "lab/topo.h"
#include "t.h"

static size_t cur; /* the table row the next RUN() checks */

static int parse(const char *text, struct lab_topo *t, char *err, size_t errlen)
{
	return lab_topo_parse("t.yaml", text, strlen(text), t, err, errlen);
}

static const char *fmt(const struct addr *a)
{
	static char buf[4][ADDR_STRLEN];
	static int i;

	return addr_fmt(a, buf[i++ & 3]);
}

/* ---- Cities ---- */

static void test_city_table(void)
{
	size_t n;
	const struct lab_city *c = lab_cities(&n);
	static const char *const needed[] = {
		"new-york",  "boston", "london",    "paris", "berlin", "frankfurt",
		"amsterdam", "madrid", "stockholm", "tokyo", "seoul",  "singapore",
		"mumbai",    "sydney", "sao-paulo", "miami",
	};

	CHECK(n >= 60);
	for (size_t i = 0; i < n; i++) {
		CHECK(lab_city_find(c[i].name) == &c[i]); /* names are unique */
		CHECK(c[i].lat >= -90 && c[i].lat <= 90 && c[i].lon >= -180 && c[i].lon <= 180);
		CHECK(c[i].label && c[i].label[0]);
		for (const char *s = c[i].name; *s; s++)
			CHECK((*s >= 'a' && *s <= 'z') || *s == '-');
	}
	for (size_t i = 0; i < sizeof(needed) / sizeof(needed[0]); i++)
		CHECK(lab_city_find(needed[i]) != NULL);
	CHECK_STR(lab_city_find("sao-paulo")->label, "São Paulo");
	CHECK_STR(lab_city_find("new-york")->label, "New York");
	CHECK(lab_city_find("New-York") == NULL);
	CHECK(lab_city_find("") == NULL);
	CHECK(lab_city_suggest("new-yrok") == lab_city_find("new-york"));
	CHECK(lab_city_suggest("sao paulo") == lab_city_find("sao-paulo"));
	CHECK(lab_city_suggest("xanadu") == NULL);
	CHECK(lab_city_suggest("") == NULL);
}

static const struct {
	const char *a, *b;
	double km; /* published great-circle distances between city centres */
} distances[] = {
	{ "new-york", "london", 5570 },      { "london", "paris", 344 },
	{ "los-angeles", "new-york", 3940 }, { "tokyo", "sydney", 7823 },
	{ "paris", "berlin", 878 },          { "tokyo", "seoul", 1155 },
	{ "sao-paulo", "new-york", 7682 },
};

static void test_distance(void)
{
	const struct lab_city *a = lab_city_find(distances[cur].a);
	const struct lab_city *b = lab_city_find(distances[cur].b);
	double d = lab_distance_km(a, b), want = distances[cur].km;

	if (d < want * 0.99 || d > want * 1.01) {
		fprintf(stderr, "%s-%s: %.1f km, expected %.0f\n", a->name, b->name, d, want);
		CHECK(0);
	}
	CHECK(lab_distance_km(b, a) == d);
	CHECK(lab_city_delay_us(a, b) == lab_city_delay_us(b, a));
}

static void test_delay_model(void)
{
	const struct lab_city *lon = lab_city_find("london"), *par = lab_city_find("paris");
	const struct lab_city *nyc = lab_city_find("new-york"), *syd = lab_city_find("sydney");
	uint32_t d = lab_city_delay_us(lon, par);

	/* 344 km * 1.5 * 5 us/km = 2580 us */
	CHECK(d >= 2550 && d <= 2610);
	CHECK_INT(lab_city_delay_us(lon, lon), 100); /* the floor */
	CHECK_INT(lab_distance_km(lon, lon), 0);
	d = lab_city_delay_us(nyc, lon);
	CHECK(d >= 41350 && d <= 42200);          /* 5570 km: about 42 ms */
	CHECK(lab_distance_km(nyc, syd) < 20016); /* half the circumference */
}

/* ---- Errors ---- */

#define HDR "name: t\nanycast: {prefix: 192.0.2.0/24, address: 192.0.2.1}\n"
/* lines 3..7 */
#define NODES                                              \
	"nodes:\n"                                         \
	"  r1: {kind: router, asn: 64500, city: london}\n" \
	"  r2: {kind: router, asn: 64501, city: paris}\n"  \
	"  s1: {kind: site, asn: 65001, city: london}\n"   \
	"  c1: {kind: client, city: paris}\n"
#define LINKS_HDR "links:\n"
#define L9 "  - {endpoints: [r1, r2], rel: p2p}\n"
#define L10 "  - {endpoints: [r1, s1], rel: p2c}\n"
#define L11 "  - {endpoints: [r2, c1]}\n"
/* links on lines 9..11 */
#define LINKS LINKS_HDR L9 L10 L11
#define GOOD HDR NODES LINKS
/* with one more node on line 8, links on lines 10..12 */
#define NODE8(x) HDR NODES x "\n" LINKS
#define ANY(x) "name: t\nanycast: {" x "}\n" NODES LINKS

static const struct {
	const char *text, *err;
} errors[] = {
	/* top level */
	{ "name: t\nfoo: 1\n", "t.yaml:2:1: unknown key 'foo' in the topology (expected name, "
			       "anycast, nodes, links, bfd, rpki)" },
	{ GOOD "bfd: maybe\n", "t.yaml:12:6: bfd must be yes or no, not 'maybe'" },
	{ GOOD "bfd: [no]\n", "t.yaml:12:6: bfd: expected a scalar, not a sequence" },
	{ HDR "name: u\n" NODES LINKS, "t.yaml:3:1: duplicate key 'name' in the topology (first "
				       "at 1:1)" },
	{ "anycast: {prefix: 192.0.2.0/24, address: 192.0.2.1}\n" NODES LINKS,
	  "t.yaml:1:1: name missing" },
	{ "name: Seed\n", "t.yaml:1:7: name 'Seed' must be 1 to 12 of a-z, 0-9 and '-'" },
	{ "name: abcdefghijklm\n", "t.yaml:1:7: name 'abcdefghijklm' must be 1 to 12 of a-z, 0-9 "
				   "and '-'" },
	{ "name: ''\n", "t.yaml:1:7: name '' must be 1 to 12 of a-z, 0-9 and '-'" },
	{ "name: [a]\n", "t.yaml:1:7: name '[...]' must be 1 to 12 of a-z, 0-9 and '-'" },
	{ "name: t\n" NODES LINKS, "t.yaml:1:1: anycast missing (e.g. {prefix: 192.0.2.0/24, "
				   "address: 192.0.2.1})" },
	{ HDR LINKS, "t.yaml:1:1: nodes missing" },
	{ "- a\n", "t.yaml:1:1: topology: expected a mapping, not a sequence" },
	{ "", "t.yaml:1:1: empty topology file" },
	{ "# nothing\n", "t.yaml:1:1: empty topology file" },
	{ "---\n", "t.yaml:2:1: empty topology file" },
	{ "\n---", "t.yaml:2:4: empty topology file" },
	{ "name: t\nanycast: {prefix: [", "t.yaml:2:20: YAML: did not find expected node content "
					  "(while parsing a flow node at 2:20)" },
	/* anycast */
	{ ANY("prefix: 192.0.2.0/33, address: 192.0.2.1"),
	  "t.yaml:2:19: anycast prefix '192.0.2.0/33' is not a prefix" },
	{ ANY("prefix: 192.0.2.1/24, address: 192.0.2.1"),
	  "t.yaml:2:19: anycast prefix '192.0.2.1/24' has host bits set" },
	{ ANY("prefix: 1.1.1.0/24, address: 1.1.1.1"),
	  "t.yaml:2:19: anycast prefix '1.1.1.0/24' "
	  "is outside the documentation ranges 192.0.2.0/24 and 2001:db8::/32" },
	{ ANY("prefix: 192.0.0.0/16, address: 192.0.2.1"),
	  "t.yaml:2:19: anycast prefix "
	  "'192.0.0.0/16' is outside the documentation ranges 192.0.2.0/24 and 2001:db8::/32" },
	{ ANY("prefix: 2001:db9::/32, address: 2001:db9::1"),
	  "t.yaml:2:19: anycast prefix "
	  "'2001:db9::/32' is outside the documentation ranges 192.0.2.0/24 and 2001:db8::/32" },
	{ ANY("prefix: 2001:db8::/32, address: 2001:db8::1"),
	  "t.yaml:2:19: anycast prefix "
	  "'2001:db8::/32' overlaps the lab's links, 2001:db8:ffff::/48" },
	{ ANY("prefix: 192.0.2.0/24, address: 192.0.2.300"),
	  "t.yaml:2:42: anycast address '192.0.2.300' is not an address" },
	{ ANY("prefix: 192.0.2.0/25, address: 192.0.2.200"),
	  "t.yaml:2:42: anycast address "
	  "'192.0.2.200' is not inside prefix '192.0.2.0/25'" },
	{ ANY("prefix: 192.0.2.0/24, address: '2001:db8::1'"),
	  "t.yaml:2:42: anycast address "
	  "'2001:db8::1' is not inside prefix '192.0.2.0/24'" },
	{ ANY("prefix: 192.0.2.0/24, address: 192.0.2.1, mask: 1"),
	  "t.yaml:2:53: unknown key "
	  "'mask' in anycast (expected prefix, address, prefix6, address6)" },
	/* the IPv6 half of a dual-stack lab */
	{ ANY("prefix: 192.0.2.0/24, address: 192.0.2.1, prefix6: 192.0.2.0/25, "
	      "address6: 192.0.2.1"),
	  "t.yaml:2:62: anycast prefix6 '192.0.2.0/25' is not an IPv6 prefix" },
	{ ANY("prefix: 2001:db8:1::/48, address: 2001:db8:1::1, prefix6: 2001:db8:2::/48, "
	      "address6: 2001:db8:2::1"),
	  "t.yaml:2:69: anycast: prefix6 needs an IPv4 prefix beside it (an IPv6 one alone "
	  "goes in prefix)" },
	{ ANY("prefix: 192.0.2.0/24, address: 192.0.2.1, prefix6: 2001:db8:1::/48"),
	  "t.yaml:2:10: anycast: address6 missing" },
	{ ANY("prefix: 192.0.2.0/24, address: 192.0.2.1, prefix6: 2001:db8:ffff::/64, "
	      "address6: 2001:db8:ffff::1"),
	  "t.yaml:2:62: anycast prefix '2001:db8:ffff::/64' overlaps the lab's links, "
	  "2001:db8:ffff::/48" },
	{ ANY("prefix: 192.0.2.0/24, address: 192.0.2.1, prefix6: 2001:db8:1::/48, "
	      "address6: 2001:db8:2::1"),
	  "t.yaml:2:89: anycast address '2001:db8:2::1' is not inside prefix "
	  "'2001:db8:1::/48'" },
	{ ANY("prefix: 192.0.2.0/24, prefix: 192.0.2.0/24"),
	  "t.yaml:2:33: duplicate key "
	  "'prefix' in anycast (first at 2:11)" },
	{ ANY("address: 192.0.2.1"), "t.yaml:2:10: anycast: prefix missing" },
	{ ANY("prefix: 192.0.2.0/24"), "t.yaml:2:10: anycast: address missing" },
	{ "name: t\nanycast: 192.0.2.1\n", "t.yaml:2:10: anycast: expected a mapping, not a "
					   "scalar" },
	/* nodes */
	{ HDR "nodes: [a]\n", "t.yaml:3:8: nodes: expected a mapping, not a sequence" },
	{ NODE8("  r1: {kind: router, asn: 64509, city: london}"),
	  "t.yaml:8:3: duplicate node 'r1' (first at 4:3)" },
	{ NODE8("  r3: {kind: router, kind: site, asn: 1, city: paris}"),
	  "t.yaml:8:22: duplicate key 'kind' in node 'r3' (first at 8:8)" },
	{ NODE8("  R3: {kind: router, asn: 64509, city: paris}"),
	  "t.yaml:8:3: node name 'R3' must be 1 to 12 of a-z, 0-9 and '-'" },
	{ NODE8("  abcdefghijklm: {kind: client, city: paris}"),
	  "t.yaml:8:3: node name 'abcdefghijklm' must be 1 to 12 of a-z, 0-9 and '-'" },
	{ NODE8("  \"a\\tb\": {kind: client, city: paris}"),
	  "t.yaml:8:3: node name 'a\\x09b' must be 1 to 12 of a-z, 0-9 and '-'" },
	{ NODE8("  r3: {kind: switch, asn: 64509, city: paris}"),
	  "t.yaml:8:14: unknown kind 'switch' (router, site, client or hijacker)" },
	{ NODE8("  r3: {asn: 64509, city: paris}"),
	  "t.yaml:8:3: node 'r3': kind missing (router, site, client or hijacker)" },
	{ NODE8("  r3: {kind: router, city: paris}"),
	  "t.yaml:8:3: node 'r3': asn missing (a router needs one)" },
	{ NODE8("  s2: {kind: site, city: paris}"),
	  "t.yaml:8:3: node 's2': asn missing (a site needs one)" },
	{ NODE8("  c2: {kind: client, asn: 65002, city: paris}"),
	  "t.yaml:8:22: node 'c2': a client has no asn (it does not speak BGP)" },
	{ NODE8("  r3: {kind: router, asn: 0, city: paris}"),
	  "t.yaml:8:27: asn 0 out of range (1..4294967294)" },
	{ NODE8("  r3: {kind: router, asn: 4294967295, city: paris}"),
	  "t.yaml:8:27: asn 4294967295 out of range (1..4294967294)" },
	{ NODE8("  r3: {kind: router, asn: 99999999999, city: paris}"),
	  "t.yaml:8:27: asn '99999999999' is not a decimal number (1..4294967294)" },
	{ NODE8("  r3: {kind: router, asn: 23456, city: paris}"),
	  "t.yaml:8:27: asn 23456 is AS_TRANS (RFC 6793), not a real AS" },
	{ NODE8("  r3: {kind: router, asn: 64x, city: paris}"),
	  "t.yaml:8:27: asn '64x' is not a decimal number (1..4294967294)" },
	{ NODE8("  r3: {kind: router, asn: 0644, city: paris}"),
	  "t.yaml:8:27: asn '0644' is not a decimal number (1..4294967294)" },
	{ NODE8("  r3: {kind: router, asn: -1, city: paris}"),
	  "t.yaml:8:27: asn '-1' is not a decimal number (1..4294967294)" },
	{ NODE8("  r3: {kind: router, asn: 64509, city: pari}"),
	  "t.yaml:8:40: unknown city 'pari' (did you mean 'paris'?)" },
	{ NODE8("  r3: {kind: router, asn: 64509}"), "t.yaml:8:3: node 'r3': city missing" },
	{ NODE8("  r3: {kind: router, asn: 64509, city: \"par\\0is\"}"),
	  "t.yaml:8:40: city: NUL character in value" },
	{ NODE8("  r3: {kind: router, asn: 64509, city: paris, color: red}"),
	  "t.yaml:8:47: unknown key 'color' in node 'r3' (expected kind, asn, city, "
	  "prepend, communities, announce_to, capacity, shed)" },
	/* a site's capacity and shed (topo_capacity.c) */
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 0}"),
	  "t.yaml:8:55: capacity '0': expected a whole number from 1 to 10000000" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 2k}"),
	  "t.yaml:8:55: capacity '2k': expected a whole number from 1 to 10000000" },
	{ NODE8("  r3: {kind: router, asn: 65002, city: paris, capacity: 100}"),
	  "t.yaml:8:57: node 'r3': capacity is a site's key (its anycast-dns answers)" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, shed: [{level: 0.9, prepend: 3}]}"),
	  "t.yaml:8:51: node 's2': shed needs a capacity (the load is queries/s over capacity)" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 9, shed: [{level: 0.9}]}"),
	  "t.yaml:8:65: shed step: exactly one of prepend, community, withdraw-from" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 9, shed: [{level: 0, "
		"prepend: 3}]}"),
	  "t.yaml:8:73: shed level '0': expected a load level above 0, at most 10 (1 = the site's capacity), e.g. 0.9" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 9, shed: [{level: 0.9, "
		"prepend: 17}]}"),
	  "t.yaml:8:87: shed prepend '17': expected a whole number from 1 to 16" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 9, shed: [{level: 0.9, "
		"community: 65001}]}"),
	  "t.yaml:8:89: community '65001': expected ASN:VALUE, e.g. 65001:666" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 9, shed: [{level: 0.9, "
		"prepend: 1, community: '1:2'}]}"),
	  "t.yaml:8:65: shed step: exactly one of prepend, community, withdraw-from" },
	{ NODE8("  r3: router"), "t.yaml:8:7: node 'r3': expected a mapping like {kind: router, "
				 "asn: 64500, city: paris}" },
	{ NODE8("  c2: {kind: client, city: paris}"), "t.yaml:8:3: client 'c2' has no link" },
	{ NODE8("  s2: {kind: site, asn: 65001, city: paris}"),
	  "t.yaml:8:3: site 's2' has no link" },
	{ HDR "nodes:\n  r1: {kind: router, asn: 64500, city: london}\n",
	  "t.yaml:4:3: nodes: no site; an anycast lab needs at least one" },
	{ HDR "nodes: {}\n", "t.yaml:3:8: nodes: no site; an anycast lab needs at least one" },
	/* links */
	{ HDR NODES "links: {a: b}\n", "t.yaml:8:8: links: expected a sequence, not a mapping" },
	{ GOOD "  - [r1, r2]\n", "t.yaml:12:5: link: expected a mapping like {endpoints: [a, b], "
				 "rel: p2p}" },
	{ GOOD "  - {rel: p2p}\n", "t.yaml:12:5: link: endpoints missing" },
	{ GOOD "  - {endpoints: [r1, r2, s1], rel: p2p}\n", "t.yaml:12:17: endpoints: expected "
							    "two node names, like [r-lon, r-par]" },
	{ GOOD "  - {endpoints: r1, rel: p2p}\n", "t.yaml:12:17: endpoints: expected two node "
						  "names, like [r-lon, r-par]" },
	{ GOOD "  - {endpoints: [r2, [s1]], rel: p2p}\n", "t.yaml:12:22: endpoint: expected a "
							  "scalar, not a sequence" },
	{ GOOD "  - {endpoints: [r2, s1], rel: p2c, cost: 3}\n",
	  "t.yaml:12:37: unknown key "
	  "'cost' in link (expected endpoints, rel, delay, capacity, queue)" },
	{ GOOD "  - {endpoints: [r2, x9], rel: p2p}\n", "t.yaml:12:22: unknown node 'x9'" },
	{ GOOD "  - {endpoints: [r2, r2], rel: p2p}\n",
	  "t.yaml:12:22: a link from 'r2' to itself" },
	{ GOOD "  - {endpoints: [r2, r1], rel: p2c}\n", "t.yaml:12:5: duplicate link between 'r2' "
							"and 'r1' (first at 9:5)" },
	{ GOOD "  - {endpoints: [r1, c1]}\n", "t.yaml:12:5: client 'c1' has more than one link "
					      "(first at 11:5)" },
	{ HDR NODES LINKS_HDR L9 L10 "  - {endpoints: [r2, c1], rel: p2c}\n",
	  "t.yaml:11:27: rel on a client's link (an access link, not a BGP session)" },
	{ HDR NODES LINKS_HDR L9 L10 "  - {endpoints: [c1, r2], rel: p2p}\n",
	  "t.yaml:11:27: rel on a client's link (an access link, not a BGP session)" },
	{ HDR NODES LINKS_HDR "  - {endpoints: [r1, r2]}\n" L10 L11,
	  "t.yaml:9:5: rel required (p2p or p2c) on the link between 'r1' and 'r2'" },
	{ HDR NODES LINKS_HDR L9 "  - {endpoints: [s1, r1]}\n" L11,
	  "t.yaml:10:5: rel required (p2p or p2c) on the link between 's1' and 'r1'" },
	{ HDR NODES LINKS_HDR L9 "  - {endpoints: [r1, s1], rel: c2p}\n" L11,
	  "t.yaml:10:32: unknown rel 'c2p' (p2p: peers; p2c: the first endpoint is the provider "
	  "of the second)" },
	{ HDR NODES LINKS_HDR L9 "  - {endpoints: [s1, r1], rel: p2c}\n" L11,
	  "t.yaml:10:32: p2c makes site 's1' the provider of router 'r1'; a site is a customer or "
	  "a peer" },
	{ NODE8("  s2: {kind: site, asn: 65002, city: paris}") "  - {endpoints: [s1, s2], rel: "
							       "p2p}\n",
	  "t.yaml:13:17: a link between two sites, 's1' and 's2' (a site connects to "
	  "routers)" },
	{ NODE8("  c2: {kind: client, city: paris}") "  - {endpoints: [c1, c2]}\n",
	  "t.yaml:13:17: a link between client 'c1' and client 'c2' (a client connects to one "
	  "router)" },
	{ GOOD "  - {endpoints: [s1, c1]}\n", "t.yaml:12:17: a link between site 's1' and client "
					      "'c1' (a client connects to one router)" },
	{ HDR "nodes:\n  r1: {kind: router, asn: 64500, city: london}\n"
	      "  r2: {kind: router, asn: 64500, city: paris}\n"
	      "  s1: {kind: site, asn: 65001, city: london}\n"
	      "links:\n  - {endpoints: [r1, r2], rel: p2p}\n",
	  "t.yaml:8:17: 'r1' and 'r2' are both in AS 64500; lab links are eBGP sessions" },
	{ HDR NODES LINKS_HDR "  - {endpoints: [r1, r2], rel: p2p, delay: 4}\n" L10 L11,
	  "t.yaml:9:44: delay '4': expected a number and a unit (us, ms, s), e.g. 4ms" },
	{ HDR NODES LINKS_HDR "  - {endpoints: [r1, r2], rel: p2p, delay: 0ms}\n" L10 L11,
	  "t.yaml:9:44: delay '0ms' out of range (more than 0, at most 10s)" },
	{ HDR NODES LINKS_HDR "  - {endpoints: [r1, r2], rel: p2p, delay: 10.000001s}\n" L10 L11,
	  "t.yaml:9:44: delay '10.000001s' out of range (more than 0, at most 10s)" },
	{ HDR NODES LINKS_HDR "  - {endpoints: [r1, r2], rel: p2p, delay: 1.5us}\n" L10 L11,
	  "t.yaml:9:44: delay '1.5us' is finer than a microsecond" },
	{ HDR NODES LINKS_HDR "  - {endpoints: [r1, r2], rel: p2p, delay: 4 ms}\n" L10 L11,
	  "t.yaml:9:44: delay '4 ms': expected a number and a unit (us, ms, s), e.g. 4ms" },
	{ HDR NODES LINKS_HDR "  - {endpoints: [r1, r2], rel: p2p, delay: -4ms}\n" L10 L11,
	  "t.yaml:9:44: delay '-4ms': expected a number and a unit (us, ms, s), e.g. 4ms" },
	/* YAML itself */
	{ "name: &n t\nanycast: *n\n", "t.yaml:2:10: YAML aliases are not supported in topology "
				       "files" },
	{ "---\nname: t\n---\nname: u\n", "t.yaml:3:1: a topology file holds one YAML document" },
	{ "name: [t\n", "t.yaml:2:1: YAML: did not find expected ',' or ']' (while parsing a "
			"flow sequence at 1:7)" },
	{ "name: t\n\tanycast: x\n", "t.yaml:2:1: YAML: found a tab character that violates "
				     "indentation (while scanning a plain scalar at 1:7)" },
	{ "name: t\xff\n", "t.yaml:1:8: YAML: invalid leading UTF-8 octet" },
	{ "a: [[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]\n", "t.yaml:1:19: nested too deeply" },
};

static void test_error(void)
{
	struct lab_topo t;
	char err[512];
	int r = parse(errors[cur].text, &t, err, sizeof(err));

	CHECK_INT(r, -1);
	CHECK_STR(err, errors[cur].err);
	CHECK(!t.name && !t.nodes && !t.links && !t.file && !t.nnodes && !t.nlinks);
	lab_topo_free(&t);
}

static void test_unknown_city_list(void)
{
	struct lab_topo t;
	char err[512], want[512];
	size_t n;

	lab_cities(&n);
	snprintf(want, sizeof(want),
		 "t.yaml:8:40: unknown city 'xanadu' (known: new-york, "
		 "london, paris, tokyo, sao-paulo, sydney and %zu more)",
		 n - 6);
	CHECK_INT(parse(NODE8("  r3: {kind: router, asn: 64509, city: xanadu}"), &t, err,
			sizeof(err)),
		  -1);
	CHECK_STR(err, want);
}

static void test_error_buffers(void)
{
	struct lab_topo t;
	char err[8];

	/* Short and absent buffers: truncated, never overrun. */
	memset(err, 'x', sizeof(err));
	CHECK_INT(parse("name: Bad\n", &t, err, sizeof(err)), -1);
	CHECK_STR(err, "t.yaml:");
	CHECK_INT(parse("name: Bad\n", &t, NULL, 0), -1);
	CHECK_INT(parse(GOOD, &t, NULL, 0), 0);
	lab_topo_free(&t);
}

/* ---- Delays ---- */

static const struct {
	const char *text;
	uint32_t us;
} delays[] = {
	{ "4ms", 4000 },     { "500us", 500 },         { "1.5ms", 1500 },           { "1us", 1 },
	{ "10s", 10000000 }, { "0.25s", 250000 },      { "2.000ms", 2000 },         { ".5ms", 500 },
	{ "0.001ms", 1 },    { "9.999999s", 9999999 }, { "10.0000000s", 10000000 },
};

static void test_delay(void)
{
	struct lab_topo t;
	char text[512], err[512];

	snprintf(text, sizeof(text),
		 HDR NODES LINKS_HDR "  - {endpoints: [r1, r2], rel: p2p, delay: '%s'}\n" L10 L11,
		 delays[cur].text);
	CHECK_INT(parse(text, &t, err, sizeof(err)), 0);
	if (t.nlinks == 3) {
		CHECK_INT(t.links[0].delay_us, delays[cur].us);
		CHECK_INT(t.links[0].delay_given, 1);
		CHECK_INT(t.links[1].delay_given, 0);
	}
	lab_topo_free(&t);
}

/* ---- Examples and the derived plan ---- */

static void test_minimal(void)
{
	struct lab_topo t;
	char err[512];
	const struct lab_node *n;

	CHECK_INT(parse(GOOD, &t, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(t.file, "t.yaml");
	CHECK_STR(t.name, "t");
	CHECK_INT(t.nnodes, 4);
	CHECK_INT(t.nlinks, 3);
	n = lab_topo_node(&t, "s1");
	CHECK(n && n->kind == LAB_SITE && n->asn == 65001 && n->index == 2);
	CHECK(n && n->line == 6 && n->col == 3);
	CHECK(n && strcmp(n->city->name, "london") == 0);
	CHECK(lab_topo_node(&t, "c1")->asn == 0);
	CHECK(lab_topo_node(&t, "x") == NULL);
	CHECK(t.links[0].rel == LAB_REL_P2P && t.links[1].rel == LAB_REL_P2C &&
	      t.links[2].rel == LAB_REL_NONE);
	CHECK(t.links[0].line == 9 && t.links[0].col == 5);
	CHECK_INT(t.no_bfd, 0); /* BFD on by default */
	lab_topo_free(&t);
	CHECK(!t.nodes && !t.name);
	CHECK_INT(parse(GOOD "bfd: no\n", &t, err, sizeof(err)), 0);
	CHECK_INT(t.no_bfd, 1);
	lab_topo_free(&t);
	CHECK_INT(parse(GOOD "bfd: true\n", &t, err, sizeof(err)), 0);
	CHECK_INT(t.no_bfd, 0);
	lab_topo_free(&t);
	lab_topo_free(&t); /* twice is harmless */
}

/* A site's capacity and shed steps. */
static void test_capacity_keys(void)
{
	struct lab_topo t;
	char err[512];
	const struct lab_node *n;

	CHECK_INT(
		parse(NODE8("  s2: {kind: site, asn: 65002, city: paris, capacity: 2000, shed: "
			    "[{level: 0.9, prepend: 3}, {level: 1.5, community: '65001:666'}, "
			    "{level: 2, withdraw-from: r2}]}") "  - {endpoints: [r2, s2], rel: p2c}\n",
		      &t, err, sizeof(err)),
		0);
	CHECK_STR(err, "");
	n = lab_topo_node(&t, "s2");
	CHECK(n && n->capacity_qps == 2000 && n->nshed == 3);
	CHECK(n && n->shed[0].kind == LAB_SHED_PREPEND && n->shed[0].prepend == 3 &&
	      n->shed[0].level > 0.89 && n->shed[0].level < 0.91);
	CHECK(n && n->shed[1].kind == LAB_SHED_COMMUNITY &&
	      strcmp(n->shed[1].arg, "65001:666") == 0);
	CHECK(n && n->shed[2].kind == LAB_SHED_WITHDRAW && strcmp(n->shed[2].arg, "r2") == 0);
	n = lab_topo_node(&t, "s1");
	CHECK(n && n->capacity_qps == 0 && n->nshed == 0); /* none: no limit */
	lab_topo_free(&t);
}

/* `kind: hijacker` is a router that the hijack chapter picks: it speaks BGP like one. */
static void test_hijacker(void)
{
	struct lab_topo t;
	char err[512];
	const struct lab_node *n;

	CHECK_INT(
		parse(NODE8("  h1: {kind: hijacker, asn: 64666, city: mumbai}") "  - {endpoints: [r2, h1], rel: p2c}\n",
		      &t, err, sizeof(err)),
		0);
	CHECK_STR(err, "");
	n = lab_topo_node(&t, "h1");
	CHECK(n && n->kind == LAB_ROUTER && n->hijacker && n->asn == 64666);
	CHECK(n && lab_node_speaks_bgp(n));
	CHECK(!lab_topo_node(&t, "r1")->hijacker);
	lab_topo_free(&t);
	CHECK(parse(NODE8("  h1: {kind: hijacker, city: mumbai}"), &t, err, sizeof(err)) < 0);
	CHECK_STR(err, "t.yaml:8:3: node 'h1': asn missing (a hijacker needs one)");
	lab_topo_free(&t);
}

/* netem's batch: each end of a node's links delays what it sends by the link's one-way delay
 * (r1-r2 is london-paris from the cities; r1-s1 is within london, the 100 us floor). */
static void test_netem_batch(void)
{
	struct lab l;
	char err[512], want[256];
	struct buf b;

	memset(&l, 0, sizeof(l));
	CHECK_INT(parse(GOOD, &l.topo, err, sizeof(err)), 0);
	buf_init(&b);
	lab_netem_batch(&l, 0, &b);
	buf_put8(&b, 0);
	snprintf(want, sizeof(want),
		 "qdisc add dev to-r2 root netem delay %uus limit 100000\n"
		 "qdisc add dev to-s1 root netem delay 100us limit 100000\n",
		 l.topo.links[0].delay_us);
	CHECK(l.topo.links[0].delay_us > 1000);
	CHECK_STR((const char *)b.data, want);
	buf_reset(&b);
	lab_netem_batch(&l, 3, &b); /* c1: its access link only */
	buf_put8(&b, 0);
	CHECK(strstr((const char *)b.data, "dev to-r2 root netem") &&
	      !strchr((const char *)b.data + 1, 'q'));
	buf_free(&b);
	lab_topo_free(&l.topo);
}

/* A dual-stack lab: both services, and IPv6 addresses of its own for each site. */
static void test_dual_stack(void)
{
	struct lab_topo t;
	char err[512], buf[PREFIX_STRLEN];

	CHECK_INT(parse(ANY("prefix: 192.0.2.0/24, address: 192.0.2.1, prefix6: 2001:db8:1::/48, "
			    "address6: 2001:db8:1::53"),
			&t, err, sizeof(err)),
		  0);
	CHECK_STR(err, "");
	CHECK_STR(fmt(&t.anycast_addr), "192.0.2.1");
	CHECK_STR(prefix_fmt(&t.anycast_prefix6, buf), "2001:db8:1::/48");
	CHECK_STR(fmt(&t.anycast_addr6), "2001:db8:1::53");
	CHECK_INT(lab_topo_v6(&t), 1);
	CHECK_STR(fmt(&lab_topo_node(&t, "s1")->unicast6), "2001:db8:ffff:ffff::1");
	lab_topo_free(&t);
	/* IPv4 only: no IPv6 service */
	CHECK_INT(parse(GOOD, &t, err, sizeof(err)), 0);
	CHECK_INT(t.anycast_addr6.af, 0);
	CHECK_INT(lab_topo_v6(&t), 0);
	lab_topo_free(&t);
}

/* `rpki: {roas: [...]}`: the lab's ROAs (routers validate against them). */
static void test_rpki(void)
{
	static const struct {
		const char *rpki, *err; /* err NULL: parses */
	} rows[] = {
		{ "rpki: {roas: [{prefix: 192.0.2.0/24, max_length: 25, asn: 65001}, "
		  "{prefix: '2001:db8:1::/48', asn: 65002}]}\n",
		  NULL },
		{ "rpki: {}\n", NULL },
		{ "rpki: {roas: [{prefix: 192.0.2.0/24}]}\n", "roa: prefix and asn are required" },
		{ "rpki: {roas: [{prefix: 192.0.2.1/24, asn: 1}]}\n",
		  "roa prefix '192.0.2.1/24' is not a prefix" },
		{ "rpki: {roas: [{prefix: 192.0.2.0/24, max_length: 23, asn: 1}]}\n",
		  "max_length 23 is shorter than the prefix" },
		{ "rpki: {roas: [{prefix: 192.0.2.0/24, max_length: 33, asn: 1}]}\n",
		  "max_length '33' is not a number up to 32" },
		{ "rpki: {roas: [{prefix: 192.0.2.0/24, asn: AS1}]}\n", "roa asn 'AS1' is not a" },
		{ "rpki: {caches: 1}\n", "unknown key 'caches' in rpki" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[1024], err[512] = "";
		struct lab_topo t;

		snprintf(text, sizeof(text), "%s%s", GOOD, rows[i].rpki);
		int r = parse(text, &t, err, sizeof(err));

		if (!rows[i].err) {
			CHECK_INT(r, 0);
			CHECK_INT(t.rpki, 1);
		} else if (r != -1 || !strstr(err, rows[i].err)) {
			fprintf(stderr, "row %zu: got %d \"%s\", expected \"%s\"\n", i, r, err,
				rows[i].err);
			CHECK(0);
		}
		if (i == 0 && r == 0) {
			char pb[PREFIX_STRLEN];

			CHECK_INT(t.nroas, 2);
			CHECK_STR(prefix_fmt(&t.roas[0].pfx, pb), "192.0.2.0/24");
			CHECK(t.roas[0].maxlen == 25 && t.roas[0].asn == 65001);
			CHECK(t.roas[1].maxlen == 48 && t.roas[1].asn == 65002);
		}
		lab_topo_free(&t);
	}
}

/* Block style, comments, quoting: the same document. */
static void test_block_style(void)
{
	static const char text[] = "# a comment\n"
				   "name: \"t\"\n"
				   "anycast:\n"
				   "  prefix: 2001:db8:1::/48\n"
				   "  address: 2001:db8:1::1\n"
				   "nodes:\n"
				   "  r1:\n"
				   "    kind: router\n"
				   "    asn: 4200000000\n"
				   "    city: tokyo\n"
				   "  s1: {kind: site, asn: 65001, city: 'seoul'}\n"
				   "links:\n"
				   "  - endpoints:\n"
				   "      - r1\n"
				   "      - s1\n"
				   "    rel: p2c\n"
				   "    delay: 7ms\n";
	struct lab_topo t;
	char err[512], buf[PREFIX_STRLEN];

	CHECK_INT(parse(text, &t, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(prefix_fmt(&t.anycast_prefix, buf), "2001:db8:1::/48");
	CHECK_STR(fmt(&t.anycast_addr), "2001:db8:1::1");
	CHECK_INT(t.nodes[0].asn, 4200000000u);
	CHECK(t.nodes[0].line == 7 && t.nodes[0].col == 3);
	CHECK(t.nlinks == 1 && t.links[0].line == 13 && t.links[0].col == 5);
	CHECK_INT(t.links[0].delay_us, 7000);
	lab_topo_free(&t);
}

static void test_seed(void)
{
	struct lab_topo t;
	char err[512];
	const struct lab_node *paris, *lon, *nyc, *tyo, *rpar, *rlon;
	const struct lab_link *l = NULL;
	static const char *const clients[] = { "paris",  "boston", "berlin", "sao-paulo",
					       "mumbai", "seoul",  "sydney" };

	if (access("examples/lab/seed.yaml", R_OK) != 0)
		CHECK(!"run from the repository root");
	CHECK_INT(lab_topo_load("examples/lab/seed.yaml", &t, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	if (!t.nnodes)
		return;
	CHECK_STR(t.name, "seed");
	CHECK_STR(t.file, "examples/lab/seed.yaml");
	CHECK_STR(fmt(&t.anycast_addr), "192.0.2.1");
	CHECK(t.nnodes <= 20);
	nyc = lab_topo_node(&t, "nyc");
	lon = lab_topo_node(&t, "lon");
	tyo = lab_topo_node(&t, "tyo");
	CHECK(nyc && lon && tyo);
	if (!nyc || !lon || !tyo)
		return;
	CHECK(nyc->kind == LAB_SITE && nyc->asn == 65001 && !strcmp(nyc->city->name, "new-york"));
	CHECK(lon->kind == LAB_SITE && lon->asn == 65001 && !strcmp(lon->city->name, "london"));
	CHECK(tyo->kind == LAB_SITE && tyo->asn == 65001 && !strcmp(tyo->city->name, "tokyo"));
	/* sites are numbered in file order: nyc, lon, tyo */
	CHECK_STR(fmt(&nyc->unicast), "198.51.100.1");
	CHECK_STR(fmt(&lon->unicast), "198.51.100.2");
	CHECK_STR(fmt(&tyo->unicast), "198.51.100.3");
	for (size_t i = 0; i < sizeof(clients) / sizeof(clients[0]); i++) {
		const struct lab_node *c = lab_topo_node(&t, clients[i]);

		CHECK(c && c->kind == LAB_CLIENT && c->asn == 0);
	}
	CHECK_STR(lab_topo_node(&t, "sao-paulo")->city->label, "São Paulo");
	for (size_t i = 0; i < t.nnodes; i++) {
		const struct lab_node *n = &t.nodes[i];
		char want[ADDR_STRLEN];

		CHECK_INT(n->index, i);
		snprintf(want, sizeof(want), "198.19.0.%zu", i + 1);
		CHECK_STR(fmt(&n->router_id), want);
		CHECK(n->kind == LAB_CLIENT || (n->asn >= 64500 && n->asn <= 64599) ||
		      n->asn == 65001);
		if (n->kind == LAB_CLIENT)
			CHECK(!addr_is_set(&n->unicast));
	}
	paris = lab_topo_node(&t, "paris");
	rpar = lab_topo_node(&t, "r-par");
	rlon = lab_topo_node(&t, "r-lon");
	for (size_t i = 0; i < t.nlinks; i++) {
		const struct lab_link *k = &t.links[i];
		char want[ADDR_STRLEN];

		snprintf(want, sizeof(want), "198.18.%zu.%zu", (2 * i) >> 8, (2 * i) & 255);
		CHECK_STR(fmt(&k->addr_a), want);
		snprintf(want, sizeof(want), "198.18.%zu.%zu", (2 * i) >> 8, ((2 * i) & 255) + 1);
		CHECK_STR(fmt(&k->addr_b), want);
		if (i) {
			snprintf(want, sizeof(want), "2001:db8:ffff:%zx::1", i);
			CHECK_STR(fmt(&k->addr6_a), want);
			snprintf(want, sizeof(want), "2001:db8:ffff:%zx::2", i);
			CHECK_STR(fmt(&k->addr6_b), want);
		} else {
			CHECK_STR(fmt(&k->addr6_a), "2001:db8:ffff::1");
			CHECK_STR(fmt(&k->addr6_b), "2001:db8:ffff::2");
		}
		CHECK_INT(k->delay_given, 0);
		CHECK_INT(k->delay_us, lab_city_delay_us(t.nodes[k->a].city, t.nodes[k->b].city));
		if (k->a == rlon->index && k->b == rpar->index)
			l = k;
		/* a client's access link: no rel */
		if (t.nodes[k->a].kind == LAB_CLIENT || t.nodes[k->b].kind == LAB_CLIENT)
			CHECK(k->rel == LAB_REL_NONE);
		else
			CHECK(k->rel != LAB_REL_NONE);
	}
	/* the link London-Paris: about 344 km, 2.6 ms one way */
	CHECK(l != NULL);
	if (l) {
		CHECK(l->rel == LAB_REL_P2C);
		CHECK(l->delay_us >= 2550 && l->delay_us <= 2610);
		CHECK_STR(l->ifname_a, "to-r-par");
		CHECK_STR(l->ifname_b, "to-r-lon");
	}
	CHECK(paris && paris->kind == LAB_CLIENT);
	lab_topo_free(&t);
}

/* Interface names are unique inside each namespace. */
static void check_ifnames(const struct lab_topo *t)
{
	for (size_t i = 0; i < t->nlinks; i++)
		for (size_t j = i + 1; j < t->nlinks; j++) {
			const struct lab_link *x = &t->links[i], *y = &t->links[j];

			if (x->a == y->a)
				CHECK(strcmp(x->ifname_a, y->ifname_a) != 0);
			if (x->a == y->b)
				CHECK(strcmp(x->ifname_a, y->ifname_b) != 0);
			if (x->b == y->a)
				CHECK(strcmp(x->ifname_b, y->ifname_a) != 0);
			if (x->b == y->b)
				CHECK(strcmp(x->ifname_b, y->ifname_b) != 0);
		}
	for (size_t i = 0; i < t->nlinks; i++)
		CHECK(strlen(t->links[i].ifname_a) <= 15 && strlen(t->links[i].ifname_b) <= 15);
}

static const char *const examples[] = {
	"examples/lab/seed.yaml",
	"examples/lab/relations.yaml",
	"examples/lab/load.yaml",
};

static void test_example(void)
{
	struct lab_topo t;
	char err[512];

	CHECK_INT(lab_topo_load(examples[cur], &t, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	check_ifnames(&t);
	if (strstr(examples[cur], "relations")) {
		CHECK(lab_topo_node(&t, "fra") && lab_topo_node(&t, "mia"));
		CHECK(lab_topo_node(&t, "paris") && lab_topo_node(&t, "madrid"));
	}
	if (strstr(examples[cur], "load"))
		CHECK(t.nnodes > 20);
	lab_topo_free(&t);
}

/* A generated topology: `routers` routers in a chain (p2p, distinct ASNs), then `sites`
 * sites, each a customer of router 0. */
static char *gen(size_t routers, size_t sites, size_t extra_pairs)
{
	size_t cap = 256 + (routers + sites) * 64 + (routers + sites + extra_pairs) * 48, o = 0;
	char *s = malloc(cap);

	o += (size_t)snprintf(s + o, cap - o, HDR "nodes:\n");
	for (size_t i = 0; i < routers; i++)
		o += (size_t)snprintf(s + o, cap - o,
				      "  r%zu: {kind: router, asn: %zu, "
				      "city: paris}\n",
				      i, 64500 + i);
	for (size_t i = 0; i < sites; i++)
		o += (size_t)snprintf(s + o, cap - o,
				      "  s%zu: {kind: site, asn: 65001, city: paris}\n", i);
	o += (size_t)snprintf(s + o, cap - o, "links:\n");
	for (size_t i = 0; i < sites; i++)
		o += (size_t)snprintf(s + o, cap - o, "- {endpoints: [r0, s%zu], rel: p2c}\n", i);
	for (size_t i = 0; i + 1 < routers; i++)
		o += (size_t)snprintf(s + o, cap - o, "- {endpoints: [r%zu, r%zu], rel: p2p}\n", i,
				      i + 1);
	/* then further distinct pairs (i, j), j > i + 1 */
	for (size_t i = 0, j = 2, k = 0; k < extra_pairs; k++) {
		o += (size_t)snprintf(s + o, cap - o, "- {endpoints: [r%zu, r%zu], rel: p2p}\n", i,
				      j);
		if (++j == routers) {
			i++;
			j = i + 2;
		}
	}
	return s;
}

static void test_plan(void)
{
	struct lab_topo t;
	char err[512];
	char *text = gen(300, 1, 0);

	CHECK_INT(parse(text, &t, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(t.nnodes, 301);
	CHECK_STR(fmt(&t.nodes[0].router_id), "198.19.0.1");
	CHECK_STR(fmt(&t.nodes[253].router_id), "198.19.0.254");
	CHECK_STR(fmt(&t.nodes[254].router_id), "198.19.1.1");
	CHECK_STR(fmt(&t.nodes[300].router_id), "198.19.1.47");
	CHECK_STR(fmt(&t.nodes[300].unicast), "198.51.100.1");
	CHECK_INT(t.nlinks, 300);
	CHECK_STR(fmt(&t.links[127].addr_a), "198.18.0.254");
	CHECK_STR(fmt(&t.links[127].addr_b), "198.18.0.255");
	CHECK_STR(fmt(&t.links[128].addr_a), "198.18.1.0");
	CHECK_STR(fmt(&t.links[299].addr6_b), "2001:db8:ffff:12b::2");
	CHECK_STR(t.links[5].ifname_a, "to-r5"); /* r4-r5 */
	CHECK_STR(t.links[5].ifname_b, "to-r4");
	CHECK_STR(t.links[0].ifname_a, "to-s0");
	lab_topo_free(&t);
	free(text);
}

static void test_limits(void)
{
	struct lab_topo t;
	char err[512];
	char *text;

	/* 250 sites: the last one gets 198.51.100.250 */
	text = gen(1, 250, 0);
	CHECK_INT(parse(text, &t, err, sizeof(err)), 0);
	CHECK_STR(fmt(&t.nodes[250].unicast), "198.51.100.250");
	lab_topo_free(&t);
	free(text);
	/* 251: the 251st site is refused (line 3 + 1 router + 251) */
	text = gen(1, 251, 0);
	CHECK_INT(parse(text, &t, err, sizeof(err)), -1);
	CHECK_STR(err, "t.yaml:255:3: more than 250 sites (their addresses come from "
		       "198.51.100.0/24)");
	free(text);
	/* 32768 links: 1 site link, 299 chain links, 32468 more pairs */
	text = gen(300, 1, 32468);
	CHECK_INT(parse(text, &t, err, sizeof(err)), 0);
	CHECK_INT(t.nlinks, 32768);
	if (t.nlinks == 32768) {
		CHECK_STR(fmt(&t.links[32767].addr_a), "198.18.255.254");
		CHECK_STR(fmt(&t.links[32767].addr_b), "198.18.255.255");
		CHECK_STR(fmt(&t.links[32767].addr6_a), "2001:db8:ffff:7fff::1");
	}
	lab_topo_free(&t);
	free(text);
	/* 32769: the last link is refused; nodes end on line 304, links start on 306 */
	text = gen(300, 1, 32469);
	CHECK_INT(parse(text, &t, err, sizeof(err)), -1);
	CHECK_STR(err, "t.yaml:33074:3: more than 32768 links (their addresses come from "
		       "198.18.0.0/16)");
	free(text);
}

static void test_load_errors(void)
{
	struct lab_topo t;
	char err[512], path[] = "/tmp/anycast-topo-XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	char want[600];

	CHECK_INT(lab_topo_load("/nonexistent/seed.yaml", &t, err, sizeof(err)), -1);
	CHECK_STR(err, "/nonexistent/seed.yaml: No such file or directory");
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs(GOOD "  - {endpoints: [r2, x9], rel: p2p}\n", f);
	fclose(f);
	CHECK_INT(lab_topo_load(path, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:12:22: unknown node 'x9'", path);
	CHECK_STR(err, want);
	CHECK(!t.file && !t.nodes);
	unlink(path);
}

/* A site's prepend, communities and announce_to: read, and refused where they make no sense
 * with FILE:LINE:COL. */
#define SITE6(x)                                                       \
	HDR "nodes:\n  r1: {kind: router, asn: 64500, city: london}\n" \
	    "  r2: {kind: router, asn: 64501, city: paris}\n"          \
	    "  s1: {kind: site, asn: 65001, city: london" x "}\n"      \
	    "  c1: {kind: client, city: paris}\n" LINKS
static void test_site_keys(void)
{
	static const struct {
		const char *text, *err;
	} bad[] = {
		{ SITE6(", prepend: 17"), "t.yaml:6:55: prepend '17': expected a whole number "
					  "from 0 to 16" },
		{ SITE6(", prepend: -1"), "t.yaml:6:55: prepend '-1': expected a whole number "
					  "from 0 to 16" },
		{ SITE6(", communities: [65001:70000]"),
		  "t.yaml:6:60: community '65001:70000': expected ASN:VALUE, each 0 to 65535" },
		{ SITE6(", communities: [no-export]"),
		  "t.yaml:6:60: community 'no-export': expected ASN:VALUE, each 0 to 65535" },
		{ SITE6(", communities: [1:2, 1:2]"), "t.yaml:6:65: community 1:2 given twice" },
		{ SITE6(", communities: 1:2"), "t.yaml:6:59: communities: expected a sequence, "
					       "not a scalar" },
		{ SITE6(", announce_to: []"), "t.yaml:6:59: announce_to: empty; a site that "
					      "announces to nobody is better left out" },
		{ SITE6(", announce_to: [r2]"), "t.yaml:6:60: site 's1': announce_to: 'r2' is no "
						"BGP neighbour of this site (no link between "
						"them)" },
		{ SITE6(", announce_to: [zz]"), "t.yaml:6:60: site 's1': announce_to: no node "
						"'zz'" },
		{ SITE6(", announce_to: [r1, r1]"), "t.yaml:6:64: site 's1': announce_to: 'r1' "
						    "given twice" },
		{ HDR NODES "  r3: {kind: router, asn: 64502, city: paris, prepend: 1}\n" LINKS,
		  "t.yaml:8:47: node 'r3': prepend is a site's key (it shapes how the site "
		  "announces the anycast prefix)" },
	};
	struct lab_topo t;
	char err[512];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_INT(parse(bad[i].text, &t, err, sizeof(err)), -1);
		CHECK_STR(err, bad[i].err);
		lab_topo_free(&t);
	}
	CHECK_INT(parse(SITE6(", prepend: 2, communities: [65001:100, 0:65535], "
			      "announce_to: [r1]"),
			&t, err, sizeof(err)),
		  0);
	CHECK_STR(err, "");
	const struct lab_node *n = lab_topo_node(&t, "s1");

	CHECK(n && n->prepend == 2 && n->ncommunities == 2 && n->nannounce == 1);
	CHECK(n && n->communities[0] == (65001u << 16 | 100) && n->communities[1] == 65535);
	CHECK(n && lab_site_announces_to(n, 0) && !lab_site_announces_to(n, 1));
	CHECK(lab_site_announces_to(lab_topo_node(&t, "r1"), 1)); /* no list: everyone */
	lab_topo_free(&t);
}

int main(void)
{
	for (cur = 0; cur < sizeof(distances) / sizeof(distances[0]); cur++)
		RUN(test_distance);
	RUN(test_city_table);
	RUN(test_delay_model);
	for (cur = 0; cur < sizeof(errors) / sizeof(errors[0]); cur++) {
		int before = t_failed;

		RUN(test_error);
		if (t_failed != before)
			fprintf(stderr, "  in errors[%zu]: %s\n", cur, errors[cur].err);
	}
	RUN(test_unknown_city_list);
	RUN(test_error_buffers);
	for (cur = 0; cur < sizeof(delays) / sizeof(delays[0]); cur++)
		RUN(test_delay);
	RUN(test_minimal);
	RUN(test_site_keys);
	RUN(test_capacity_keys);
	RUN(test_rpki);
	RUN(test_hijacker);
	RUN(test_netem_batch);
	RUN(test_dual_stack);
	RUN(test_block_style);
	RUN(test_seed);
	for (cur = 0; cur < sizeof(examples) / sizeof(examples[0]); cur++)
		RUN(test_example);
	RUN(test_plan);
	RUN(test_limits);
	RUN(test_load_errors);
	return t_done();
}
