/* RPKI: route origin validation (RFC 6811 section 2) against the VRP table, table-driven, and
 * checked against a brute-force judge on random tables; copies of a VRP counted; the ROA JSON
 * file (good entries, each kind of bad entry skipped with its line, broken documents refused
 * whole); the RTR PDU codec (round trips of every PDU in both versions, a PDU cut anywhere is
 * "not yet", and every rejection with the Error Report code it must answer with). The lookup
 * rate on a large table is printed, not asserted. */
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/ev.h"
#include "rpki/client.h"
#include "rpki/roafile.h"
#include "rpki/rtr.h"
#include "rpki/vrp.h"
#include "t.h"

static struct vrp mkvrp(const char *pfx, int maxlen, uint32_t asn)
{
	struct vrp v;

	memset(&v, 0, sizeof(v));
	if (prefix_parse(pfx, &v.pfx) != 0) {
		fprintf(stderr, "bad test prefix %s\n", pfx);
		abort();
	}
	v.maxlen = (uint8_t)maxlen;
	v.asn = asn;
	return v;
}

static struct prefix mkpfx(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p) != 0)
		abort();
	return p;
}

/* The table every ROV row is judged against. */
static const struct {
	const char *pfx;
	int maxlen;
	uint32_t asn;
} base_vrps[] = {
	{ "192.0.2.0/24", 24, 65001 },    { "198.51.100.0/22", 24, 65002 },
	{ "198.51.100.0/24", 24, 65003 }, { "203.0.113.0/24", 24, 0 },
	{ "2001:db8::/32", 48, 65010 },   { "198.18.0.0/15", 15, 65020 },
};

static struct vrp_table *base_table(void)
{
	struct vrp_table *t = vrp_table_new();

	for (size_t i = 0; i < sizeof(base_vrps) / sizeof(base_vrps[0]); i++) {
		struct vrp v = mkvrp(base_vrps[i].pfx, base_vrps[i].maxlen, base_vrps[i].asn);

		CHECK_INT(vrp_add(t, &v), 1);
	}
	return t;
}

static void test_rov_table(void)
{
	static const struct {
		const char *pfx;
		uint32_t origin;
		enum rov_state want;
	} rows[] = {
		{ "192.0.2.0/24", 65001, ROV_VALID },
		{ "192.0.2.0/24", 65009, ROV_INVALID },   /* covered, other origin */
		{ "192.0.2.0/25", 65001, ROV_INVALID },   /* origin right, longer than max length */
		{ "192.0.2.128/25", 65001, ROV_INVALID }, /* the other half too */
		{ "192.0.3.0/24", 65001, ROV_NOT_FOUND }, /* beside the VRP */
		{ "192.0.0.0/16", 65001, ROV_NOT_FOUND }, /* less specific: not covered */
		{ "0.0.0.0/0", 65001, ROV_NOT_FOUND },
		/* Overlapping VRPs: either one makes a route valid. */
		{ "198.51.100.0/24", 65002, ROV_VALID },
		{ "198.51.100.0/24", 65003, ROV_VALID },
		{ "198.51.100.0/23", 65002, ROV_VALID },
		{ "198.51.100.0/23", 65003, ROV_INVALID }, /* 65003's VRP does not cover a /23 */
		{ "198.51.101.0/24", 65003, ROV_INVALID },
		{ "198.51.100.0/25", 65002, ROV_INVALID },
		{ "198.51.100.0/25", 65003, ROV_INVALID },
		/* AS 0 VRPs match nothing, not even origin 0 (RFC 6483 section 4, RFC 7607). */
		{ "203.0.113.0/24", 0, ROV_INVALID },
		{ "203.0.113.0/24", 65001, ROV_INVALID },
		{ "203.0.113.0/25", 65001, ROV_INVALID },
		/* An AS_SET-terminated path: origin NONE, invalid when covered (RFC 6811). */
		{ "192.0.2.0/24", ROV_ORIGIN_NONE, ROV_INVALID },
		{ "192.0.3.0/24", ROV_ORIGIN_NONE, ROV_NOT_FOUND },
		/* max length equal to the prefix length, and a VRP on an odd length */
		{ "198.18.0.0/15", 65020, ROV_VALID },
		{ "198.18.0.0/16", 65020, ROV_INVALID },
		{ "198.19.0.0/16", 65020, ROV_INVALID },
		{ "198.16.0.0/14", 65020, ROV_NOT_FOUND },
		/* IPv6 */
		{ "2001:db8::/32", 65010, ROV_VALID },
		{ "2001:db8:1::/48", 65010, ROV_VALID },
		{ "2001:db8:ffff::/48", 65010, ROV_VALID },
		{ "2001:db8:1::/49", 65010, ROV_INVALID },
		{ "2001:db8:1::/48", 65001, ROV_INVALID },
		{ "2001:db9::/32", 65010, ROV_NOT_FOUND },
		{ "2001:d00::/24", 65010, ROV_NOT_FOUND },
		/* The families are apart: the same leading bytes in IPv6 are not covered. */
		{ "c000:200::/24", 65001, ROV_NOT_FOUND },
		{ "2001:db8::/32", 65010, ROV_VALID },
	};
	struct vrp_table *t = base_table();

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct prefix p = mkpfx(rows[i].pfx);
		enum rov_state got = vrp_validate(t, &p, rows[i].origin);

		if (got != rows[i].want) {
			fprintf(stderr, "row %zu: %s AS%u: %s, expected %s\n", i, rows[i].pfx,
				rows[i].origin, rov_state_name(got), rov_state_name(rows[i].want));
			t_case_failed = 1;
		}
	}
	CHECK_STR(rov_state_name(ROV_VALID), "valid");
	CHECK_STR(rov_state_name(ROV_INVALID), "invalid");
	CHECK_STR(rov_state_name(ROV_NOT_FOUND), "not-found");
	vrp_table_free(t);
}

static void test_covering(void)
{
	struct vrp_table *t = base_table();
	struct prefix p = mkpfx("198.51.100.0/24");
	struct vrp out[4];

	CHECK_INT(vrp_count(t), 6);
	CHECK_INT(vrp_covering(t, &p, out, 4), 2);
	CHECK((out[0].asn == 65002 && out[1].asn == 65003) ||
	      (out[0].asn == 65003 && out[1].asn == 65002));
	/* More than fit: the count is still the whole. */
	CHECK_INT(vrp_covering(t, &p, out, 1), 2);
	CHECK_INT(vrp_covering(t, &p, NULL, 0), 2);
	p = mkpfx("198.51.102.0/24");
	CHECK_INT(vrp_covering(t, &p, out, 4), 1);
	CHECK_INT(out[0].asn, 65002);
	p = mkpfx("198.51.0.0/16");
	CHECK_INT(vrp_covering(t, &p, out, 4), 0);
	vrp_table_free(t);
}

/* Copies of one VRP: a withdrawal of one keeps the others. */
static void test_copies(void)
{
	struct vrp_table *t = vrp_table_new();
	struct vrp v = mkvrp("192.0.2.0/24", 24, 65001), other = v;
	struct prefix p = mkpfx("192.0.2.0/24");

	other.maxlen = 25; /* not a copy: a different VRP */
	CHECK_INT(vrp_add(t, &v), 1);
	CHECK_INT(vrp_add(t, &v), 0);
	CHECK_INT(vrp_add(t, &other), 1);
	CHECK_INT(vrp_count(t), 2);
	CHECK_INT(vrp_del(t, &other), 1);
	CHECK_INT(vrp_del(t, &v), 0);
	CHECK_INT(vrp_count(t), 1);
	CHECK_INT(vrp_validate(t, &p, 65001), ROV_VALID);
	CHECK_INT(vrp_del(t, &v), 1);
	CHECK_INT(vrp_count(t), 0);
	CHECK_INT(vrp_validate(t, &p, 65001), ROV_NOT_FOUND);
	CHECK_INT(vrp_del(t, &v), -1);
	vrp_table_free(t);
}

static void test_malformed_vrp(void)
{
	struct vrp_table *t = vrp_table_new();
	struct vrp v = mkvrp("192.0.2.0/24", 24, 65001);

	v.maxlen = 23;
	CHECK_INT(vrp_add(t, &v), -1);
	v.maxlen = 33;
	CHECK_INT(vrp_add(t, &v), -1);
	v.maxlen = 24;
	v.pfx.addr.a[3] = 1; /* host bit */
	CHECK_INT(vrp_add(t, &v), -1);
	v = mkvrp("2001:db8::/32", 128, 65001);
	CHECK_INT(vrp_add(t, &v), 1);
	v.maxlen = 129;
	CHECK_INT(vrp_add(t, &v), -1);
	v.pfx.addr.af = 0;
	v.maxlen = 32;
	CHECK_INT(vrp_add(t, &v), -1);
	CHECK_INT(vrp_count(t), 1);
	vrp_table_free(t);
}

/* A deterministic generator, so that a failure repeats. */
static uint32_t rnd_state = 12345;
static uint32_t rnd(void)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return rnd_state >> 8 ^ rnd_state << 13;
}

/* A random VRP (or route: its asn the origin) of a length in minlen..maxlen; wide spreads it
 * over the whole address space, else it falls in one /16 (or /16 of IPv6) so that VRPs and
 * routes overlap often. */
static struct vrp random_vrp(int af, int minlen, int maxlen, int wide)
{
	struct vrp v;

	memset(&v, 0, sizeof(v));
	v.pfx.addr.af = (uint8_t)af;
	v.pfx.addr.a[0] = af == AF_INET ? (wide ? 1 + rnd() % 223 : 198) : 0x20;
	v.pfx.addr.a[1] = af == AF_INET ? (wide ? (uint8_t)rnd() : 18) : 0x01;
	for (size_t i = 2; i < addr_len(af); i++)
		v.pfx.addr.a[i] = (uint8_t)rnd();
	v.pfx.len = (uint8_t)(minlen + rnd() % (unsigned)(maxlen - minlen + 1));
	/* Wide ones spread like real ROAs: half at the longest length, a quarter one shorter... */
	if (wide)
		for (v.pfx.len = (uint8_t)maxlen; v.pfx.len > minlen && rnd() % 2;)
			v.pfx.len--;
	prefix_normalize(&v.pfx);
	v.maxlen = (uint8_t)(v.pfx.len + rnd() % 3);
	if (v.maxlen > (af == AF_INET ? 32 : 128))
		v.maxlen = v.pfx.len;
	v.asn = 64500 + rnd() % 4; /* 64500 is AS 0 below */
	if (v.asn == 64500)
		v.asn = 0;
	return v;
}

/* RFC 6811 section 2 spelt out over a list, for comparison with the table. */
static enum rov_state brute(const struct vrp *vs, size_t n, const struct prefix *p, uint32_t origin)
{
	enum rov_state s = ROV_NOT_FOUND;

	for (size_t i = 0; i < n; i++) {
		if (!prefix_contains(&vs[i].pfx, p))
			continue;
		s = ROV_INVALID;
		if (vs[i].asn && origin && vs[i].asn == origin && p->len <= vs[i].maxlen)
			return ROV_VALID;
	}
	return s;
}

static void test_random_against_brute(void)
{
	enum { NV = 1500, NQ = 20000 };
	static struct vrp vs[NV];
	struct vrp_table *t = vrp_table_new();
	int seen[3] = { 0 };

	for (size_t i = 0; i < NV; i++) {
		int af = i % 3 ? AF_INET : AF_INET6;

		vs[i] = af == AF_INET ? random_vrp(af, 16, 24, 0) : random_vrp(af, 24, 36, 0);
		vrp_add(t, &vs[i]);
	}
	for (size_t q = 0; q < NQ; q++) {
		int af = q % 3 ? AF_INET : AF_INET6;
		struct vrp r = af == AF_INET ? random_vrp(af, 14, 26, 0)
					     : random_vrp(af, 22, 40, 0);
		enum rov_state want = brute(vs, NV, &r.pfx, r.asn),
			       got = vrp_validate(t, &r.pfx, r.asn);

		seen[want]++;
		if (got != want) {
			char b[PREFIX_STRLEN];

			fprintf(stderr, "%s AS%u: %s, brute force says %s\n", prefix_fmt(&r.pfx, b),
				r.asn, rov_state_name(got), rov_state_name(want));
			t_case_failed = 1;
			break;
		}
	}
	/* The random draw must exercise every state, else the comparison says little. */
	CHECK(seen[ROV_VALID] > 100 && seen[ROV_INVALID] > 100 && seen[ROV_NOT_FOUND] > 100);
	vrp_table_free(t);
}

/* The lookup rate on a table the size of today's global VRP set, printed for the record. */
static void test_lookup_rate(void)
{
	const char *env = getenv("RPKI_BENCH_LOOKUPS");
	size_t nv = 500000, nq = env ? strtoul(env, NULL, 10) : 1000000;
	struct vrp_table *t = vrp_table_new();
	size_t counts[3] = { 0 };
	int64_t t0, t1;

	for (size_t i = 0; i < nv; i++) {
		struct vrp v = i % 5 ? random_vrp(AF_INET, 12, 24, 1)
				     : random_vrp(AF_INET6, 24, 48, 1);

		vrp_add(t, &v);
	}
	t0 = clk_now_us();
	for (size_t q = 0; q < nq; q++) {
		struct vrp r = q % 5 ? random_vrp(AF_INET, 16, 24, 1)
				     : random_vrp(AF_INET6, 28, 48, 1);

		counts[vrp_validate(t, &r.pfx, r.asn)]++;
	}
	t1 = clk_now_us();
	printf("lookup rate: %zu lookups in a table of %zu VRPs: %.0f ms, %.2f M/s "
	       "(valid %zu, invalid %zu, not-found %zu)\n",
	       nq, vrp_count(t), (t1 - t0) / 1e3, nq / ((t1 - t0 + 1) / 1e6) / 1e6,
	       counts[ROV_VALID], counts[ROV_INVALID], counts[ROV_NOT_FOUND]);
	CHECK(counts[ROV_VALID] + counts[ROV_INVALID] + counts[ROV_NOT_FOUND] == nq);
	vrp_table_free(t);
}

/* ------------------------------------------------------------------ the ROA file */

static void test_roa_good(void)
{
	static const char text[] =
		"{\"metadata\":{\"generated\":1700000000},\n"
		" \"roas\":[\n"
		"  {\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":\"AS65001\"},\n"
		"  {\"prefix\":\"198.51.100.0/22\",\"maxLength\":24,\"asn\":65002,\"ta\":\"x\"},\n"
		"  {\"prefix\":\"203.0.113.0/24\",\"asn\":\"as65003\"},\n"
		"  {\"prefix\":\"2001:db8::/32\",\"maxLength\":48,\"asn\":\"65010\"},\n"
		"  {\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":\"AS65001\"},\n"
		"  {\"prefix\":\"198.18.0.0/15\",\"maxLength\":16,\"asn\":\"AS4294967295\"}\n"
		" ]}\n";
	static const struct {
		const char *pfx;
		uint32_t origin;
		enum rov_state want;
	} rows[] = {
		{ "192.0.2.0/24", 65001, ROV_VALID },
		{ "198.51.101.0/24", 65002, ROV_VALID },
		{ "198.51.101.0/25", 65002, ROV_INVALID },
		{ "203.0.113.0/24", 65003, ROV_VALID }, /* maxLength defaulted to 24 */
		{ "203.0.113.0/25", 65003, ROV_INVALID },
		{ "2001:db8:5::/48", 65010, ROV_VALID },
		{ "198.19.0.0/16", 4294967295u, ROV_VALID },
	};
	struct roa_stats st;
	struct buf msgs;
	struct vrp_table *t;

	buf_init(&msgs);
	t = roa_parse("r.json", text, strlen(text), &st, &msgs);
	CHECK(t != NULL);
	CHECK_INT(msgs.len, 0);
	CHECK_INT(st.entries, 6);
	CHECK_INT(st.bad, 0);
	if (t) {
		/* The repeated ROA is one VRP, not two copies. */
		CHECK_INT(vrp_count(t), 5);
		for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
			struct prefix p = mkpfx(rows[i].pfx);

			if (vrp_validate(t, &p, rows[i].origin) != rows[i].want) {
				fprintf(stderr, "roa row %zu: %s\n", i, rows[i].pfx);
				t_case_failed = 1;
			}
		}
		struct vrp v = mkvrp("192.0.2.0/24", 24, 65001);
		CHECK_INT(vrp_del(t, &v), 1);
	}
	vrp_table_free(t);
	buf_free(&msgs);
}

/* One bad entry on line 3 among good ones on lines 2 and 4: skipped, counted, reported. */
static void test_roa_bad_entries(void)
{
	static const struct {
		const char *entry, *msg;
	} rows[] = {
		{ "{\"prefix\":\"192.0.2.0/24\",\"maxLength\":23,\"asn\":1}", "maxLength" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"maxLength\":33,\"asn\":1}", "maxLength" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"maxLength\":1e40,\"asn\":1}", "maxLength" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24.5,\"asn\":1}", "maxLength" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"maxLength\":\"24\",\"asn\":1}", "maxLength" },
		{ "{\"prefix\":\"2001:db8::/32\",\"maxLength\":129,\"asn\":1}", "maxLength" },
		{ "{\"prefix\":\"192.0.2.1/24\",\"asn\":1}", "host bits" },
		{ "{\"prefix\":\"192.0.2.0/33\",\"asn\":1}", "not an IPv4 or IPv6 prefix" },
		{ "{\"prefix\":\"example\",\"asn\":1}", "not an IPv4 or IPv6 prefix" },
		{ "{\"prefix\":24,\"asn\":1}", "\"prefix\" missing" },
		{ "{\"asn\":1}", "\"prefix\" missing" },
		{ "{\"prefix\":\"192.0.2.0/24\"}", "\"asn\" missing" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"asn\":\"ASX\"}", "not an AS number" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"asn\":\"AS\"}", "not an AS number" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"asn\":\"AS4294967296\"}", "not an AS number" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"asn\":4294967296}", "not an AS number" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"asn\":-1}", "not an AS number" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"asn\":1.5}", "not an AS number" },
		{ "{\"prefix\":\"192.0.2.0/24\",\"asn\":\"AS-1\"}", "not an AS number" },
		{ "[\"192.0.2.0/24\"]", "must be an object" },
		{ "\"192.0.2.0/24\"", "must be an object" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char text[512], want[128];
		struct roa_stats st;
		struct buf msgs;
		struct vrp_table *t;

		snprintf(text, sizeof(text),
			 "{\"roas\":[\n{\"prefix\":\"198.51.100.0/24\",\"asn\":65001},\n%s,\n"
			 "{\"prefix\":\"203.0.113.0/24\",\"asn\":65001}]}",
			 rows[i].entry);
		buf_init(&msgs);
		t = roa_parse("x.json", text, strlen(text), &st, &msgs);
		buf_put8(&msgs, 0);
		snprintf(want, sizeof(want), "x.json:3: ");
		if (!t || st.entries != 3 || st.bad != 1 || vrp_count(t) != 2 ||
		    strncmp((char *)msgs.data, want, strlen(want)) != 0 ||
		    !strstr((char *)msgs.data, rows[i].msg) ||
		    strchr((char *)msgs.data, '\n') != (char *)msgs.data + msgs.len - 2) {
			fprintf(stderr, "bad entry row %zu (%s): got %s", i, rows[i].entry,
				(char *)msgs.data);
			t_case_failed = 1;
		}
		vrp_table_free(t);
		buf_free(&msgs);
	}
}

static void test_roa_broken(void)
{
	static const struct {
		const char *text, *msg;
	} rows[] = {
		{ "", "b.json:1:" },
		{ "{\"roas\":[\n{\"prefix\":\"192.0.2.0/24\",\"asn\":1}\n", "b.json:3:" },
		{ "{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"asn\":1},]}", "b.json:1:" },
		{ "{\"roas\":[]}\n{\"roas\":[]}", "b.json:2: text after" },
		{ "\n\n{\"vrps\":[]}", "b.json:3: expected an object with a \"roas\" array" },
		{ "{\"roas\":{}}", "b.json:1: expected an object" },
		{ "[{\"prefix\":\"192.0.2.0/24\",\"asn\":1}]", "b.json:1: expected an object" },
		{ "{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"asn\":1e}]}", "b.json:1:" },
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct roa_stats st;
		struct buf msgs;
		struct vrp_table *t;

		buf_init(&msgs);
		t = roa_parse("b.json", rows[i].text, strlen(rows[i].text), &st, &msgs);
		buf_put8(&msgs, 0);
		if (t || strncmp((char *)msgs.data, rows[i].msg, strlen(rows[i].msg)) != 0) {
			fprintf(stderr, "broken row %zu: %s, got %s", i, t ? "accepted" : "refused",
				(char *)msgs.data);
			t_case_failed = 1;
		}
		vrp_table_free(t);
		buf_free(&msgs);
	}
	/* An empty "roas" is a good, empty document. */
	{
		struct roa_stats st;
		struct buf msgs;
		struct vrp_table *t;

		buf_init(&msgs);
		t = roa_parse("e.json", "{\"roas\":[]}", 11, &st, &msgs);
		CHECK(t && vrp_count(t) == 0 && msgs.len == 0);
		vrp_table_free(t);
		buf_free(&msgs);
	}
}

static void test_roa_load(void)
{
	char path[] = "/tmp/test_rpki_XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "{\"roas\":[{\"prefix\":\"192.0.2.0/24\",\"asn\":\"AS65001\"}]}";
	struct roa_stats st;
	struct buf msgs;
	struct vrp_table *t;
	struct prefix p = mkpfx("192.0.2.0/24");

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	buf_init(&msgs);
	t = roa_load(path, &st, &msgs);
	CHECK(t && vrp_validate(t, &p, 65001) == ROV_VALID);
	vrp_table_free(t);
	unlink(path);
	t = roa_load(path, &st, &msgs);
	buf_put8(&msgs, 0);
	CHECK(!t);
	CHECK(strstr((char *)msgs.data, path) && strstr((char *)msgs.data, "No such file"));
	buf_free(&msgs);
}

/* ------------------------------------------------------------------ RTR PDUs */

static const uint8_t spki[] = { 0x30, 0x59, 0x30, 0x13, 0x06, 0x07 };
static const uint8_t inner[] = { 1, 2, 0, 0, 0, 0, 0, 8 };

/* Every PDU type in both versions where it exists. */
static int sample_pdus(struct rtr_pdu *out)
{
	int n = 0;

	for (uint8_t ver = 0; ver <= 1; ver++) {
		struct rtr_pdu p;

		memset(&p, 0, sizeof(p));
		p.version = ver;
		p.type = RTR_SERIAL_NOTIFY, p.session = 0x1234, p.serial = 0xdeadbeef;
		out[n++] = p;
		p.type = RTR_SERIAL_QUERY, p.session = 7, p.serial = 42;
		out[n++] = p;
		memset(&p, 0, sizeof(p));
		p.version = ver;
		p.type = RTR_RESET_QUERY;
		out[n++] = p;
		p.type = RTR_CACHE_RESET;
		out[n++] = p;
		p.type = RTR_CACHE_RESPONSE, p.session = 0xfffe;
		out[n++] = p;
		memset(&p, 0, sizeof(p));
		p.version = ver;
		p.type = RTR_IPV4_PREFIX, p.flags = RTR_FLAG_ANNOUNCE;
		p.vrp = mkvrp("198.51.100.0/22", 24, 4200000000u);
		out[n++] = p;
		p.flags = 0, p.vrp = mkvrp("0.0.0.0/0", 32, 0);
		out[n++] = p;
		p.type = RTR_IPV6_PREFIX, p.flags = RTR_FLAG_ANNOUNCE;
		p.vrp = mkvrp("2001:db8:ff00::/40", 128, 65001);
		out[n++] = p;
		memset(&p, 0, sizeof(p));
		p.version = ver;
		p.type = RTR_END_OF_DATA, p.session = 9, p.serial = 100;
		if (ver)
			p.refresh = 3600, p.retry = 600, p.expire = 7200;
		out[n++] = p;
		memset(&p, 0, sizeof(p));
		p.version = ver;
		p.type = RTR_ERROR_REPORT, p.ecode = RTR_E_NO_DATA;
		p.epdu = inner, p.epdu_len = sizeof(inner), p.text = "no data yet", p.text_len = 11;
		out[n++] = p;
		p.epdu_len = 0, p.text_len = 0, p.ecode = RTR_E_UNSUPPORTED_VERSION;
		out[n++] = p;
		if (ver) {
			memset(&p, 0, sizeof(p));
			p.version = ver;
			p.type = RTR_ROUTER_KEY, p.flags = RTR_FLAG_ANNOUNCE, p.asn = 65001;
			for (int i = 0; i < 20; i++)
				p.ski[i] = (uint8_t)(i * 7);
			p.spki = spki, p.spki_len = sizeof(spki);
			out[n++] = p;
		}
	}
	return n;
}

static int same_pdu(const struct rtr_pdu *a, const struct rtr_pdu *b)
{
	return a->version == b->version && a->type == b->type && a->session == b->session &&
	       a->serial == b->serial && a->flags == b->flags &&
	       memcmp(&a->vrp, &b->vrp, sizeof(a->vrp)) == 0 && a->refresh == b->refresh &&
	       a->retry == b->retry && a->expire == b->expire &&
	       memcmp(a->ski, b->ski, sizeof(a->ski)) == 0 && a->asn == b->asn &&
	       a->spki_len == b->spki_len &&
	       (!a->spki_len || !memcmp(a->spki, b->spki, a->spki_len)) && a->ecode == b->ecode &&
	       a->epdu_len == b->epdu_len &&
	       (!a->epdu_len || !memcmp(a->epdu, b->epdu, a->epdu_len)) &&
	       a->text_len == b->text_len &&
	       (!a->text_len || !memcmp(a->text, b->text, a->text_len));
}

static void test_rtr_round_trip(void)
{
	struct rtr_pdu pdus[32];
	int n = sample_pdus(pdus);
	static const size_t want_len[] = {
		[RTR_SERIAL_NOTIFY] = 12, [RTR_SERIAL_QUERY] = 12, [RTR_RESET_QUERY] = 8,
		[RTR_CACHE_RESPONSE] = 8, [RTR_IPV4_PREFIX] = 20,  [RTR_IPV6_PREFIX] = 32,
		[RTR_CACHE_RESET] = 8,
	};

	CHECK_INT(n, 23);
	for (int i = 0; i < n; i++) {
		uint8_t buf[256];
		size_t len = rtr_encode(&pdus[i], buf, sizeof(buf)), used;
		struct rtr_pdu q;
		struct rtr_reject why = { 0, NULL };
		int r;

		CHECK(len >= RTR_HDR_LEN);
		CHECK_INT(buf[0], pdus[i].version);
		CHECK_INT(buf[1], pdus[i].type);
		CHECK_INT((size_t)buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7], len);
		if (pdus[i].type < sizeof(want_len) / sizeof(want_len[0]) && want_len[pdus[i].type])
			CHECK_INT(len, want_len[pdus[i].type]);
		if (pdus[i].type == RTR_END_OF_DATA)
			CHECK_INT(len, pdus[i].version ? 24 : 12);
		r = rtr_decode(buf, len, &q, &used, &why);
		if (r != 1 || used != len || !same_pdu(&pdus[i], &q)) {
			fprintf(stderr, "round trip %d (%s v%u): r %d, %s\n", i,
				rtr_type_name(pdus[i].type), pdus[i].version, r,
				why.msg ? why.msg : "fields differ");
			t_case_failed = 1;
		}
		/* Cut anywhere: not yet a PDU, never a rejection. */
		for (size_t cut = 0; cut < len; cut++)
			if (rtr_decode(buf, cut, &q, &used, &why) != 0) {
				fprintf(stderr, "round trip %d cut at %zu decoded\n", i, cut);
				t_case_failed = 1;
				break;
			}
		/* Too small a buffer: nothing written. */
		CHECK_INT(rtr_encode(&pdus[i], buf, len - 1), 0);
	}
	/* A stream of two PDUs: the first one's length is what it used. */
	{
		uint8_t buf[64];
		size_t a = rtr_encode(&pdus[5], buf, sizeof(buf)), used;
		size_t b = rtr_encode(&pdus[0], buf + a, sizeof(buf) - a);
		struct rtr_pdu q;
		struct rtr_reject why;

		CHECK_INT(rtr_decode(buf, a + b, &q, &used, &why), 1);
		CHECK_INT(used, a);
		CHECK_INT(rtr_decode(buf + used, a + b - used, &q, &used, &why), 1);
		CHECK_INT(q.type, RTR_SERIAL_NOTIFY);
	}
	CHECK_STR(rtr_type_name(RTR_END_OF_DATA), "End of Data");
	CHECK(rtr_type_name(5) == NULL);
	CHECK_STR(rtr_ecode_name(RTR_E_UNSUPPORTED_VERSION), "Unsupported Protocol Version");
	CHECK_STR(rtr_ecode_name(99), "unknown error");
}

/* Every rejection: a good PDU with one field patched, and the Error Report code it earns. */
static void test_rtr_rejections(void)
{
	struct rtr_pdu base[32];
	int nbase = sample_pdus(base);
	/* base[] indices: version 0 from 0, version 1 from 11. */
	enum { NOTIFY = 0, RESET_Q = 2, V4 = 5, V6 = 7, EOD0 = 8, ERR = 9, EOD1 = 19, KEY = 22 };
	static const struct {
		int pdu;
		unsigned off, width;
		uint32_t val;
		enum rtr_ecode code;
		const char *why;
	} rows[] = {
		{ NOTIFY, 0, 1, 2, RTR_E_UNSUPPORTED_VERSION, "version 2" },
		{ RESET_Q, 0, 1, 255, RTR_E_UNSUPPORTED_VERSION, "version 255" },
		{ RESET_Q, 1, 1, 5, RTR_E_UNSUPPORTED_TYPE, "type 5 (unassigned)" },
		{ RESET_Q, 1, 1, 11, RTR_E_UNSUPPORTED_TYPE, "type 11" },
		{ RESET_Q, 1, 1, 255, RTR_E_UNSUPPORTED_TYPE, "type 255" },
		{ KEY, 0, 1, 0, RTR_E_UNSUPPORTED_TYPE, "Router Key in version 0" },
		{ RESET_Q, 4, 4, 7, RTR_E_CORRUPT_DATA, "length below the header" },
		{ RESET_Q, 4, 4, 0, RTR_E_CORRUPT_DATA, "length 0" },
		{ ERR, 4, 4, 70000, RTR_E_CORRUPT_DATA, "length above the bound" },
		{ RESET_Q, 4, 4, 12, RTR_E_CORRUPT_DATA, "Reset Query of 12" },
		{ NOTIFY, 4, 4, 8, RTR_E_CORRUPT_DATA, "Serial Notify of 8" },
		{ V4, 4, 4, 32, RTR_E_CORRUPT_DATA, "IPv4 Prefix of 32" },
		{ V6, 4, 4, 20, RTR_E_CORRUPT_DATA, "IPv6 Prefix of 20" },
		{ EOD0, 4, 4, 24, RTR_E_CORRUPT_DATA, "End of Data v0 of 24" },
		{ EOD1, 4, 4, 12, RTR_E_CORRUPT_DATA, "End of Data v1 of 12" },
		{ KEY, 4, 4, 31, RTR_E_CORRUPT_DATA, "Router Key of 31" },
		{ ERR, 4, 4, 15, RTR_E_CORRUPT_DATA, "Error Report of 15" },
		{ V4, 9, 1, 33, RTR_E_CORRUPT_DATA, "IPv4 prefix length 33" },
		{ V4, 10, 1, 21, RTR_E_CORRUPT_DATA, "IPv4 max length below the length" },
		{ V4, 10, 1, 33, RTR_E_CORRUPT_DATA, "IPv4 max length 33" },
		{ V4, 14, 1, 0x65, RTR_E_CORRUPT_DATA, "IPv4 host bits" },
		{ V6, 9, 1, 129, RTR_E_CORRUPT_DATA, "IPv6 prefix length 129" },
		{ V6, 10, 1, 129, RTR_E_CORRUPT_DATA, "IPv6 max length 129" },
		{ V6, 27, 1, 1, RTR_E_CORRUPT_DATA, "IPv6 host bits" },
		{ EOD1, 12, 4, 0, RTR_E_CORRUPT_DATA, "refresh 0" },
		{ EOD1, 12, 4, 86401, RTR_E_CORRUPT_DATA, "refresh 86401" },
		{ EOD1, 16, 4, 0, RTR_E_CORRUPT_DATA, "retry 0" },
		{ EOD1, 16, 4, 7201, RTR_E_CORRUPT_DATA, "retry 7201" },
		{ EOD1, 20, 4, 599, RTR_E_CORRUPT_DATA, "expire 599" },
		{ EOD1, 20, 4, 172801, RTR_E_CORRUPT_DATA, "expire 172801" },
		{ EOD1, 20, 4, 3600, RTR_E_CORRUPT_DATA, "expire not above refresh" },
		{ ERR, 8, 4, 20, RTR_E_CORRUPT_DATA, "encapsulated PDU past the end" },
		{ ERR, 8, 4, 4, RTR_E_CORRUPT_DATA, "encapsulated PDU length short" },
		{ ERR, 12 + sizeof(inner), 4, 12, RTR_E_CORRUPT_DATA, "text length long" },
		{ ERR, 12 + sizeof(inner), 4, 10, RTR_E_CORRUPT_DATA, "text length short" },
	};

	CHECK_INT(nbase, 23);
	CHECK_INT(base[EOD1].type, RTR_END_OF_DATA);
	CHECK_INT(base[EOD1].version, 1);
	CHECK_INT(base[KEY].type, RTR_ROUTER_KEY);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		uint8_t buf[256];
		size_t len = rtr_encode(&base[rows[i].pdu], buf, sizeof(buf)), used;
		struct rtr_pdu q;
		struct rtr_reject why = { RTR_E_INTERNAL, NULL };
		int ok = rtr_decode(buf, len, &q, &used, &why), r;

		for (unsigned b = 0; b < rows[i].width; b++)
			buf[rows[i].off + b] = (uint8_t)(rows[i].val >>
							 8 * (rows[i].width - 1 - b));
		r = rtr_decode(buf, len, &q, &used, &why);
		/* The unpatched PDU decodes: the patch alone is refused. */
		if (ok != 1 || r != -1 || why.code != rows[i].code || !why.msg) {
			fprintf(stderr,
				"rejection row %zu (%s): unpatched %d, patched %d, %s: %s\n", i,
				rows[i].why, ok, r, rtr_ecode_name(why.code),
				why.msg ? why.msg : "-");
			t_case_failed = 1;
		}
		/* The length claimed is reported, for the Error Report's copy of the PDU. */
		CHECK_INT(used, (size_t)buf[4] << 24 | buf[5] << 16 | buf[6] << 8 | buf[7]);
	}
}

/* ------------------------------------------------------------------ the client against stayrtr */

/* A free TCP port on 127.0.0.1 (the kernel's pick, released for stayrtr to take). */
static uint16_t free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sl) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &sl) < 0)
		abort();
	close(fd);
	return ntohs(sin.sin_port);
}

static int port_open(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(0x7f000001),
				   .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), ok;

	ok = fd >= 0 && connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0;
	if (fd >= 0)
		close(fd);
	return ok;
}

/* Writes the VRP file stayrtr serves, whole (rename), as rpki-client does. */
static void write_vrps(const char *path, const char *roas)
{
	char tmp[256];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		abort();
	fprintf(f, "{\"roas\":[%s]}\n", roas);
	fclose(f);
	if (rename(tmp, path) < 0)
		abort();
}

static pid_t start_stayrtr(const char *cache, uint16_t port, int protocol)
{
	char bind[32], metrics[32], proto[8];
	pid_t pid;

	snprintf(bind, sizeof(bind), "127.0.0.1:%u", port);
	snprintf(metrics, sizeof(metrics), "127.0.0.1:%u", free_port());
	snprintf(proto, sizeof(proto), "%d", protocol);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		dup2(null, 2);
		execlp("stayrtr", "stayrtr", "-bind", bind, "-cache", cache, "-checktime=false",
		       "-refresh", "1", "-metrics.addr", metrics, "-protocol", proto,
		       "-rtr.refresh", "60", "-rtr.retry", "1", "-rtr.expire", "600", (char *)NULL);
		_exit(127);
	}
	return pid;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

static int changes;
static void on_change(struct rtr_client *c, void *arg) { changes++; }
static const struct rtr_client_ops client_ops = { .on_change = on_change };

static int have_stayrtr(void) { return system("command -v stayrtr >/dev/null 2>&1") == 0; }

static enum rov_state judge_of(struct vrp_table *t, const char *pfx, uint32_t origin)
{
	struct prefix p = mkpfx(pfx);

	return vrp_validate(t, &p, origin);
}

/* A stayrtr serving a VRP file of the test's, and our client on a loop, synced to it. */
struct cache {
	char dir[32], path[64];
	uint16_t port;
	pid_t pid;
	struct ev_loop *loop;
	struct vrp_table *t;
	struct rtr_client *c;
};

/* 0 when the client is synced; -1 (the case skipped or failed) otherwise, all cleaned up. */
static int cache_start(struct cache *k, const char *roas, int protocol)
{
	struct addr lo;

	memset(k, 0, sizeof(*k));
	if (!have_stayrtr()) {
		T_SKIP("stayrtr not installed (scripts/deps.sh installs it)");
		return -1;
	}
	strcpy(k->dir, "/tmp/test_rpki_rtr_XXXXXX");
	if (!mkdtemp(k->dir))
		abort();
	snprintf(k->path, sizeof(k->path), "%s/vrps.json", k->dir);
	write_vrps(k->path, roas);
	k->port = free_port();
	k->pid = start_stayrtr(k->path, k->port, protocol);
	T_WAIT(port_open(k->port), clk_sleep_ms(20));
	CHECK(port_open(k->port));
	k->loop = ev_loop_new();
	k->t = vrp_table_new();
	addr_parse("127.0.0.1", &lo);
	changes = 0;
	k->c = rtr_client_new(k->loop, &lo, k->port, k->t, &client_ops, NULL);
	T_WAIT(k->c->state == RTRC_SYNCED, ev_run_once(k->loop, 50));
	CHECK_INT(k->c->state, RTRC_SYNCED);
	if (k->c->state != RTRC_SYNCED)
		fprintf(stderr, "client: %s\n", k->c->last_error);
	return 0;
}

static void cache_stop(struct cache *k)
{
	rtr_client_free(k->c);
	/* The client's VRPs leave the shared table with it. */
	CHECK_INT(vrp_count(k->t), 0);
	vrp_table_free(k->t);
	ev_loop_free(k->loop);
	stop(k->pid);
	unlink(k->path);
	rmdir(k->dir);
}

/* Reset Query, then a VRP edited at run time reaches the table by Serial Notify and Serial
 * Query on the same session, as one change. */
static void test_client_stayrtr(void)
{
	struct cache k;
	int fd;

	if (cache_start(&k,
			"{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":\"AS65001\"},"
			"{\"prefix\":\"2001:db8::/32\",\"maxLength\":48,\"asn\":\"AS65010\"}",
			1) < 0)
		return;
	CHECK_INT(k.c->version, 1);
	CHECK_INT(vrp_count(k.t), 2);
	CHECK_INT(changes, 1);
	CHECK_INT(k.c->refresh_s, 60); /* from the version 1 End of Data */
	CHECK_INT(judge_of(k.t, "192.0.2.0/24", 65001), ROV_VALID);
	CHECK_INT(judge_of(k.t, "2001:db8:1::/48", 65010), ROV_VALID);
	fd = k.c->fd;
	/* The ROA moves to another AS: valid turns invalid, without a new session. */
	write_vrps(k.path, "{\"prefix\":\"192.0.2.0/24\",\"maxLength\":24,\"asn\":\"AS65009\"},"
			   "{\"prefix\":\"2001:db8::/32\",\"maxLength\":48,\"asn\":\"AS65010\"}");
	T_WAIT(changes >= 2 && k.c->state == RTRC_SYNCED, ev_run_once(k.loop, 50));
	CHECK_INT(judge_of(k.t, "192.0.2.0/24", 65001), ROV_INVALID);
	CHECK_INT(judge_of(k.t, "192.0.2.0/24", 65009), ROV_VALID);
	CHECK_INT(vrp_count(k.t), 2);
	CHECK_INT(k.c->resets, 1);
	CHECK_INT(k.c->errors, 0);
	CHECK_INT(k.c->fd, fd);
	cache_stop(&k);
}

/* A cache of version 0 only: the client falls back to RFC 6810 and gets the data. */
static void test_client_downgrade(void)
{
	struct cache k;

	if (cache_start(&k, "{\"prefix\":\"198.51.100.0/22\",\"maxLength\":24,\"asn\":65002}", 0) <
	    0)
		return;
	CHECK_INT(k.c->version, 0);
	CHECK_INT(k.c->errors, 0);
	CHECK_INT(judge_of(k.t, "198.51.101.0/24", 65002), ROV_VALID);
	cache_stop(&k);
}

/* A fake cache for the error paths stayrtr never takes: the test speaks for the cache. */
struct fake {
	int lfd, fd;
	struct ev_loop *loop;
	struct vrp_table *t;
	struct rtr_client *c;
};

static void fake_send(struct fake *f, const struct rtr_pdu *p)
{
	uint8_t buf[256];
	size_t n = rtr_encode(p, buf, sizeof(buf));

	CHECK(n > 0 && write(f->fd, buf, n) == (ssize_t)n);
}

/* The next PDU the client sent, waiting for it while the loop runs; its type, or -1. */
static int fake_recv(struct fake *f, struct rtr_pdu *p)
{
	static uint8_t buf[512];
	size_t len = 0, used = 0;
	struct rtr_reject why;
	int r = 0;

	T_WAIT(r != 0, {
		ssize_t n = recv(f->fd, buf + len, 1, MSG_DONTWAIT); /* one byte: no over-read */

		if (n > 0)
			len += (size_t)n;
		if (n == 0)
			break;
		r = rtr_decode(buf, len, p, &used, &why);
		if (!r)
			ev_run_once(f->loop, 10);
	});
	return r == 1 ? p->type : -1;
}

static void fake_pdu(struct rtr_pdu *p, uint8_t type, uint8_t flags, const char *pfx)
{
	memset(p, 0, sizeof(*p));
	p->version = 1;
	p->type = type;
	p->session = 77;
	p->flags = flags;
	if (pfx)
		p->vrp = mkvrp(pfx, 24, 65001);
	if (type == RTR_END_OF_DATA)
		p->serial = 5, p->refresh = 60, p->retry = 1, p->expire = 600;
}

static void fake_start(struct fake *f)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t sl = sizeof(sin);
	struct addr lo;

	f->lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sin, sl) < 0 || listen(f->lfd, 1) < 0 ||
	    getsockname(f->lfd, (struct sockaddr *)&sin, &sl) < 0)
		abort();
	f->loop = ev_loop_new();
	f->t = vrp_table_new();
	addr_parse("127.0.0.1", &lo);
	f->c = rtr_client_new(f->loop, &lo, ntohs(sin.sin_port), f->t, &client_ops, NULL);
	f->fd = -1;
	T_WAIT(f->fd >= 0, {
		ev_run_once(f->loop, 10);
		f->fd = accept(f->lfd, NULL, NULL);
	});
	CHECK(f->fd >= 0);
}

static void fake_stop(struct fake *f)
{
	rtr_client_free(f->c);
	vrp_table_free(f->t);
	ev_loop_free(f->loop);
	close(f->fd);
	close(f->lfd);
}

/* Section 5.6 errors: each answered with its Error Report, the session closed, and the shared
 * table as before the faulty update (nothing half applied). */
static void test_client_errors(void)
{
	struct fake f;
	struct rtr_pdu p, q;

	fake_start(&f);
	CHECK_INT(fake_recv(&f, &q), RTR_RESET_QUERY);
	CHECK_INT(q.version, 1);
	fake_pdu(&p, RTR_CACHE_RESPONSE, 0, NULL);
	fake_send(&f, &p);
	fake_pdu(&p, RTR_IPV4_PREFIX, RTR_FLAG_ANNOUNCE, "192.0.2.0/24");
	fake_send(&f, &p);
	fake_pdu(&p, RTR_IPV4_PREFIX, RTR_FLAG_ANNOUNCE, "198.51.100.0/24");
	fake_send(&f, &p);
	fake_pdu(&p, RTR_END_OF_DATA, 0, NULL);
	fake_send(&f, &p);
	T_WAIT(f.c->state == RTRC_SYNCED, ev_run_once(f.loop, 10));
	CHECK_INT(vrp_count(f.t), 2);
	/* Serial Notify: a Serial Query with our session and serial. */
	fake_pdu(&p, RTR_SERIAL_NOTIFY, 0, NULL);
	fake_send(&f, &p);
	CHECK_INT(fake_recv(&f, &q), RTR_SERIAL_QUERY);
	CHECK_INT(q.session, 77);
	CHECK_INT(q.serial, 5);
	/* A delta with a good withdrawal, then one of a VRP we do not have. */
	fake_pdu(&p, RTR_CACHE_RESPONSE, 0, NULL);
	fake_send(&f, &p);
	fake_pdu(&p, RTR_IPV4_PREFIX, 0, "192.0.2.0/24");
	fake_send(&f, &p);
	fake_pdu(&p, RTR_IPV4_PREFIX, 0, "203.0.113.0/24");
	fake_send(&f, &p);
	fake_pdu(&p, RTR_END_OF_DATA, 0, NULL);
	fake_send(&f, &p);
	CHECK_INT(fake_recv(&f, &q), RTR_ERROR_REPORT);
	CHECK_INT(q.ecode, RTR_E_UNKNOWN_WITHDRAWAL);
	T_WAIT(f.c->state == RTRC_IDLE, ev_run_once(f.loop, 10));
	CHECK_INT(vrp_count(f.t), 2); /* the good withdrawal was not applied alone */
	CHECK_INT(judge_of(f.t, "192.0.2.0/24", 65001), ROV_VALID);
	CHECK_INT(f.c->errors, 1);
	close(f.fd);
	/* The retry interval (1 s, from End of Data): a new session, a Serial Query. */
	f.fd = -1;
	T_WAIT(f.fd >= 0, {
		ev_run_once(f.loop, 10);
		f.fd = accept(f.lfd, NULL, NULL);
	});
	CHECK_INT(fake_recv(&f, &q), RTR_SERIAL_QUERY);
	/* A duplicate announcement in the delta. */
	fake_pdu(&p, RTR_CACHE_RESPONSE, 0, NULL);
	fake_send(&f, &p);
	fake_pdu(&p, RTR_IPV4_PREFIX, RTR_FLAG_ANNOUNCE, "203.0.113.0/24");
	fake_send(&f, &p);
	fake_pdu(&p, RTR_IPV4_PREFIX, RTR_FLAG_ANNOUNCE, "198.51.100.0/24");
	fake_send(&f, &p);
	fake_pdu(&p, RTR_END_OF_DATA, 0, NULL);
	fake_send(&f, &p);
	CHECK_INT(fake_recv(&f, &q), RTR_ERROR_REPORT);
	CHECK_INT(q.ecode, RTR_E_DUPLICATE_ANNOUNCEMENT);
	T_WAIT(f.c->state == RTRC_IDLE, ev_run_once(f.loop, 10));
	CHECK_INT(vrp_count(f.t), 2);
	CHECK_INT(judge_of(f.t, "203.0.113.0/24", 65001), ROV_NOT_FOUND);
	fake_stop(&f);
}

int main(void)
{
	RUN(test_rov_table);
	RUN(test_covering);
	RUN(test_copies);
	RUN(test_malformed_vrp);
	RUN(test_random_against_brute);
	RUN(test_lookup_rate);
	RUN(test_roa_good);
	RUN(test_roa_bad_entries);
	RUN(test_roa_broken);
	RUN(test_roa_load);
	RUN(test_rtr_round_trip);
	RUN(test_rtr_rejections);
	RUN(test_client_stayrtr);
	RUN(test_client_downgrade);
	RUN(test_client_errors);
	return t_done();
}
