/* Attribute sets: scratch operations, interning, AS path helpers; the attribute table; extended
 * communities as text. */
#include <stdlib.h>
#include <sys/socket.h>

#include "bgp/attr.h"
#include "bgp/attr_table.h"
#include "bgp/extcomm.h"
#include "bgp/proto.h"
#include "t.h"

/* rt:65001:100 and a non-transitive opaque one (type 0x43) */
#define EC_RT ((const uint8_t *)"\x00\x02\xfd\xe9\x00\x00\x00\x64")
#define EC_NT ((const uint8_t *)"\x43\x00\x00\x00\x00\x00\x00\x05")

static void sample(struct bgp_attrs *a)
{
	static const uint32_t path[] = { 65001, 64500, 4200000001u };

	bgp_attrs_init(a);
	a->has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_NEXT_HOP | BGP_AH_MED;
	a->origin = BGP_ORIGIN_IGP;
	a->med = 10;
	addr_parse("198.51.100.1", &a->nexthop);
	bgp_attrs_set_aspath(a, path, 3);
	bgp_attrs_add_comm(a, 0xfde90064u);
	bgp_attrs_add_lcomm(a, 65001, 0, 1);
	bgp_attrs_add_ecomm(a, EC_RT);
}

static void test_intern_equal_is_same_pointer(void)
{
	struct bgp_attrs a, b;
	const struct bgp_attrs *ia, *ib, *ic;
	size_t base = bgp_attrs_interned_count();

	sample(&a);
	sample(&b);
	ia = bgp_attrs_intern(&a);
	ib = bgp_attrs_intern(&b);
	CHECK(ia == ib);
	CHECK(ia != &a);
	CHECK_INT(ia->refcnt, 2);
	CHECK_INT(bgp_attrs_interned_count(), base + 1);
	CHECK(bgp_attrs_equal(ia, &a));
	/* interning an interned set finds itself */
	ic = bgp_attrs_intern(ia);
	CHECK(ic == ia);
	CHECK_INT(ia->refcnt, 3);
	CHECK(bgp_attrs_ref(ia) == ia);
	CHECK_INT(ia->refcnt, 4);
	/* the interned copy owns its arrays: the scratch can go */
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
	CHECK_INT(ia->ncomms, 1);
	CHECK_INT(ia->comms[0], 0xfde90064u);
	CHECK_INT(ia->nlcomms, 1);
	CHECK_INT(ia->lcomms[0].local2, 1);
	CHECK_INT(ia->necomms, 1);
	CHECK(memcmp(ia->ecomms[0].v, EC_RT, 8) == 0);
	CHECK_INT(bgp_aspath_length(ia), 3);
	for (int i = 0; i < 4; i++)
		bgp_attrs_unref(ia);
	CHECK_INT(bgp_attrs_interned_count(), base);
	bgp_attrs_unref(NULL);
}

/* Each field on its own makes a different set. */
static void test_intern_distinguishes_fields(void)
{
	enum { N = 16 };
	const struct bgp_attrs *p[N];
	struct bgp_attrs a;

	for (int i = 0; i < N; i++) {
		sample(&a);
		switch (i) {
		case 0: break;
		case 1: a.origin = BGP_ORIGIN_INCOMPLETE; break;
		case 2: a.med = 11; break;
		case 3: a.has &= ~BGP_AH_MED; break;
		case 4:
			a.has |= BGP_AH_LOCAL_PREF;
			a.local_pref = 100;
			break;
		case 5: a.has |= BGP_AH_ATOMIC_AGGREGATE; break;
		case 6:
			a.has |= BGP_AH_AGGREGATOR;
			a.aggregator_as = 1;
			addr_parse("198.51.100.9", &a.aggregator_addr);
			break;
		case 7:
			a.has |= BGP_AH_OTC;
			a.otc = 64500;
			break;
		case 8: addr_parse("198.51.100.2", &a.nexthop); break;
		case 9: addr_parse("fe80::1", &a.nexthop_ll); break;
		case 10: bgp_attrs_prepend(&a, 65001, 1); break;
		case 11: bgp_attrs_add_comm(&a, 1); break;
		case 12: bgp_attrs_add_lcomm(&a, 1, 2, 3); break;
		case 13:
			a.unknown = malloc(4);
			memcpy(a.unknown, "\xe0\x63\x01\x00", 4);
			a.unknown_len = 4;
			break;
		case 14: bgp_attrs_add_ecomm(&a, EC_NT); break;
		case 15: a.ecomms[0].v[7] = 0x65; break; /* rt:65001:101 */
		}
		p[i] = bgp_attrs_intern(&a);
		bgp_attrs_clear(&a);
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			CHECK(p[i] != p[j]);
	for (int i = 0; i < N; i++)
		bgp_attrs_unref(p[i]);
}

/* Fields that has says are absent take no part: stale values do not split sets. */
static void test_intern_ignores_absent_fields(void)
{
	struct bgp_attrs a, b;
	const struct bgp_attrs *ia, *ib;

	sample(&a);
	sample(&b);
	a.has &= ~BGP_AH_MED;
	b.has &= ~BGP_AH_MED;
	b.med = 999;
	b.local_pref = 5;
	b.otc = 7;
	ia = bgp_attrs_intern(&a);
	ib = bgp_attrs_intern(&b);
	CHECK(ia == ib);
	CHECK_INT(ia->med, 0); /* the shared copy has no stale values */
	bgp_attrs_unref(ia);
	bgp_attrs_unref(ib);
	bgp_attrs_clear(&a);
	bgp_attrs_clear(&b);
}

static void test_intern_many_grows(void)
{
	enum { N = 5000 };
	const struct bgp_attrs **p = calloc(N, sizeof(*p));
	size_t base = bgp_attrs_interned_count();
	struct bgp_attrs a;

	for (int i = 0; i < N; i++) {
		sample(&a);
		a.med = (uint32_t)i;
		p[i] = bgp_attrs_intern(&a);
		bgp_attrs_clear(&a);
	}
	CHECK_INT(bgp_attrs_interned_count(), base + N);
	/* second round: all found again */
	for (int i = 0; i < N; i++) {
		sample(&a);
		a.med = (uint32_t)i;
		CHECK(bgp_attrs_intern(&a) == p[i]);
		bgp_attrs_clear(&a);
	}
	CHECK_INT(bgp_attrs_interned_count(), base + N);
	for (int i = 0; i < N; i++) {
		CHECK_INT(p[i]->refcnt, 2);
		bgp_attrs_unref(p[i]);
		bgp_attrs_unref(p[i]);
	}
	CHECK_INT(bgp_attrs_interned_count(), base);
	free(p);
}

static void test_copy_clear(void)
{
	struct bgp_attrs a, c;

	sample(&a);
	a.unknown = malloc(4);
	memcpy(a.unknown, "\xe0\x63\x01\x00", 4);
	a.unknown_len = 4;
	bgp_attrs_copy(&c, &a);
	CHECK(bgp_attrs_equal(&a, &c));
	CHECK(c.aspath != a.aspath);
	CHECK(c.comms != a.comms);
	CHECK(c.ecomms != a.ecomms);
	CHECK(c.unknown != a.unknown);
	bgp_attrs_clear(&a);
	CHECK_INT(a.aspath_len, 0);
	CHECK(a.aspath == NULL);
	CHECK_INT(c.comms[0], 0xfde90064u);
	bgp_attrs_add_comm(&c, BGP_COMM_GRACEFUL_SHUTDOWN);
	CHECK(bgp_attrs_has_comm(&c, BGP_COMM_GRACEFUL_SHUTDOWN));
	CHECK(!bgp_attrs_has_comm(&c, BGP_COMM_NO_EXPORT));
	CHECK_INT(c.ncomms, 2);
	bgp_attrs_clear(&c);
}

/* The interned block keeps every array aligned for its elements, whatever is present. */
static void test_intern_block_alignment(void)
{
	struct bgp_attrs a;
	const struct bgp_attrs *ia;

	sample(&a);
	a.unknown = malloc(3);
	memcpy(a.unknown, "\xe0\x63\x00", 3);
	a.unknown_len = 3;
	ia = bgp_attrs_intern(&a);
	CHECK(bgp_attrs_equal(ia, &a));
	CHECK_INT((uintptr_t)ia->comms % 4, 0);
	CHECK_INT((uintptr_t)ia->lcomms % 4, 0);
	CHECK(ia->unknown != a.unknown && memcmp(ia->unknown, a.unknown, 3) == 0);
	CHECK(ia->aspath != a.aspath && memcmp(ia->aspath, a.aspath, a.aspath_len) == 0);
	bgp_attrs_unref(ia);
	bgp_attrs_clear(&a);
}

/* RFC 4360 sec 2: only the non-transitive ones go; none left frees the array. */
static void test_strip_nontransitive_ecomms(void)
{
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	bgp_attrs_add_ecomm(&a, EC_NT);
	bgp_attrs_add_ecomm(&a, EC_RT);
	bgp_attrs_add_ecomm(&a, EC_NT);
	bgp_attrs_strip_nontransitive_ecomms(&a);
	CHECK_INT(a.necomms, 1);
	CHECK(memcmp(a.ecomms[0].v, EC_RT, 8) == 0);
	a.ecomms[0].v[0] = 0x40;
	bgp_attrs_strip_nontransitive_ecomms(&a);
	CHECK_INT(a.necomms, 0);
	CHECK(a.ecomms == NULL);
	bgp_attrs_clear(&a);
}

/* The text forms listed in anycast(1). */
static void test_extcomm_fmt(void)
{
	static const struct {
		const char *v, *want;
		int transitive;
	} t[] = {
		{ "\x00\x02\xfd\xe8\x00\x00\x00\x64", "rt:65000:100", 1 },
		{ "\x00\x03\xfd\xe8\xff\xff\xff\xff", "soo:65000:4294967295", 1 },
		{ "\x02\x02\xfa\x56\xea\x01\x00\x07", "rt:4200000001:7", 1 },
		{ "\x01\x03\xc6\x33\x64\x01\x01\x00", "soo:198.51.100.1:256", 1 },
		{ "\x40\x02\xfd\xe8\x00\x00\x00\x64", "generic:0x4002fde8:0x00000064", 0 },
		{ "\x43\x00\x00\x00\x00\x00\x00\x05", "generic:0x43000000:0x00000005", 0 },
		{ "\x06\x00\x00\x00\x00\x00\x00\x00", "generic:0x06000000:0x00000000", 1 },
		{ "\xff\xff\xff\xff\xff\xff\xff\xff", "generic:0xffffffff:0xffffffff", 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char s[BGP_EXTCOMM_STRLEN];

		CHECK_STR(bgp_extcomm_fmt((const uint8_t *)t[i].v, s), t[i].want);
		CHECK_INT(bgp_extcomm_transitive((const uint8_t *)t[i].v), t[i].transitive);
	}
}

/* What `show routes` prints of a set, from the table's rows, in type code order. */
static void test_show_format(void)
{
	struct bgp_attrs a;
	struct buf b;

	sample(&a);
	bgp_attrs_add_ecomm(&a, EC_NT);
	a.has |= BGP_AH_OTC;
	a.otc = 65001;
	buf_init(&b);
	bgp_attrs_format(&b, &a, 0);
	buf_put8(&b, 0);
	CHECK_STR((char *)b.data,
		  " med 10 (65001,100) (rt:65001:100) (generic:0x43000000:0x00000005)"
		  " (65001,0,1) otc 65001");
	buf_reset(&b);
	bgp_attrs_format(&b, &a, 1);
	buf_put8(&b, 0);
	CHECK_STR((char *)b.data, ",\"med\":10,\"communities\":[\"65001:100\"],\"ext_communities\":"
				  "[\"rt:65001:100\",\"generic:0x43000000:0x00000005\"],"
				  "\"large_communities\":[\"65001:0:1\"],\"otc\":65001");
	bgp_attrs_clear(&a);
	/* empty lists are still there in JSON (DESIGN.md), absent in text */
	bgp_attrs_init(&a);
	buf_reset(&b);
	bgp_attrs_format(&b, &a, 0);
	CHECK_INT(b.len, 0);
	bgp_attrs_format(&b, &a, 1);
	buf_put8(&b, 0);
	CHECK_STR((char *)b.data,
		  ",\"communities\":[],\"ext_communities\":[],\"large_communities\":[]");
	buf_free(&b);
}

/* The table: each row in its type code's place, the walk in type order, each stored field
 * inside struct bgp_attrs. */
static void test_table_rows(void)
{
	size_t n, known = 0;
	const struct bgp_attr_desc *const *rows = bgp_attr_rows(&n);
	const struct bgp_attr_layout *l = bgp_attr_layout();

	for (unsigned t = 0; t < 256; t++) {
		const struct bgp_attr_desc *r = bgp_attr_find((uint8_t)t);

		if (!r)
			continue;
		CHECK_INT(r->type, t);
		CHECK(known < n && rows[known] == r);
		known++;
		CHECK_STR(bgp_attr_name((uint8_t)t), r->name);
		CHECK((r->flags & ~(BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) == 0);
	}
	CHECK_INT(known, n);
	CHECK(bgp_attr_find(0) == NULL);
	CHECK(bgp_attr_find(99) == NULL);
	CHECK_STR(bgp_attr_name(99), "attribute");
	CHECK_STR(bgp_attr_find(BGP_ATTR_EXT_COMMUNITIES)->name, "EXTENDED_COMMUNITIES");
	CHECK_INT(bgp_attr_find(BGP_ATTR_EXT_COMMUNITIES)->flags,
		  BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE);
	CHECK_INT(bgp_attr_find(BGP_ATTR_EXT_COMMUNITIES)->bad, BGP_BAD_TAW);
	for (size_t i = 0; i < l->nscalar; i++) {
		CHECK(l->scalar[i].f.kind != BGP_AK_NONE && l->scalar[i].f.kind != BGP_AK_ARRAY);
		CHECK(l->scalar[i].f.off + (l->scalar[i].f.kind == BGP_AK_ADDR
						    ? sizeof(struct addr)
						    : l->scalar[i].f.elem) <=
		      offsetof(struct bgp_attrs, refcnt));
	}
	/* aspath, comms, ecomms, lcomms and the unknown blob */
	CHECK_INT(l->narray, 5);
	for (size_t i = 0; i < l->narray; i++) {
		CHECK_INT(l->array[i].f.kind, BGP_AK_ARRAY);
		CHECK_INT(l->array[i].has, 0);
		CHECK(l->array[i].f.count_off + 2u <= offsetof(struct bgp_attrs, refcnt));
	}
}

static void fmt(const struct bgp_attrs *a, char *out, size_t n)
{
	struct buf b;

	buf_init(&b);
	bgp_aspath_fmt(a, &b);
	snprintf(out, n, "%s", (char *)b.data);
	buf_free(&b);
}

static void test_prepend(void)
{
	struct bgp_attrs a;
	char s[4096];
	uint32_t l[600];

	bgp_attrs_init(&a);
	fmt(&a, s, sizeof(s));
	CHECK_STR(s, "");
	CHECK_INT(bgp_aspath_first_as(&a), 0);
	bgp_attrs_prepend(&a, 65001, 2);
	fmt(&a, s, sizeof(s));
	CHECK_STR(s, "65001 65001");
	CHECK_INT(a.aspath_len, 10);
	bgp_attrs_prepend(&a, 64500, 1);
	fmt(&a, s, sizeof(s));
	CHECK_STR(s, "64500 65001 65001");
	CHECK_INT(a.aspath[1], 3);
	CHECK_INT(bgp_aspath_first_as(&a), 64500);
	bgp_attrs_clear(&a);

	/* a leading AS_SET: a new sequence in front */
	{
		uint8_t p[] = { BGP_ASSEG_SET, 2, 0, 0, 0, 1, 0, 0, 0, 2 };

		a.aspath = malloc(sizeof(p));
		memcpy(a.aspath, p, sizeof(p));
		a.aspath_len = sizeof(p);
		CHECK_INT(bgp_aspath_first_as(&a), 0);
		CHECK_INT(bgp_aspath_length(&a), 1);
		bgp_attrs_prepend(&a, 7, 1);
		fmt(&a, s, sizeof(s));
		CHECK_STR(s, "7 {1 2}");
		CHECK_INT(bgp_aspath_length(&a), 2);
		CHECK(bgp_aspath_contains(&a, 2));
		CHECK(!bgp_aspath_contains(&a, 3));
		bgp_attrs_clear(&a);
	}

	/* 300 prepends: a full segment of 255 starts another */
	bgp_attrs_prepend(&a, 1, 250);
	bgp_attrs_prepend(&a, 2, 50);
	CHECK_INT(bgp_aspath_length(&a), 300);
	CHECK_INT(a.aspath[0], BGP_ASSEG_SEQUENCE);
	CHECK_INT(a.aspath[1], 45);
	CHECK_INT(a.aspath[2 + 45 * 4 + 1], 255);
	CHECK_INT(a.aspath_len, 300 * 4 + 4);
	CHECK_INT(bgp_aspath_list(&a, l, 600), 300);
	CHECK_INT(l[0], 2);
	CHECK_INT(l[49], 2);
	CHECK_INT(l[50], 1);
	CHECK_INT(l[299], 1);
	CHECK_INT(bgp_aspath_list(&a, l, 3), 300); /* count beyond max */
	bgp_attrs_clear(&a);
}

static void test_aspath_helpers(void)
{
	/* 65001 {64500 64501} (1 2) [3] 4200000000 */
	uint8_t p[] = { BGP_ASSEG_SEQUENCE,
			1,
			0,
			0,
			0xfd,
			0xe9,
			BGP_ASSEG_SET,
			2,
			0,
			0,
			0xfb,
			0xf4,
			0,
			0,
			0xfb,
			0xf5,
			BGP_ASSEG_CONFED_SEQ,
			2,
			0,
			0,
			0,
			1,
			0,
			0,
			0,
			2,
			BGP_ASSEG_CONFED_SET,
			1,
			0,
			0,
			0,
			3,
			BGP_ASSEG_SEQUENCE,
			1,
			0xfa,
			0x56,
			0xea,
			0x00 };
	struct bgp_attrs a;
	char s[256];
	uint32_t l[16];

	bgp_attrs_init(&a);
	a.aspath = p;
	a.aspath_len = sizeof(p);
	fmt(&a, s, sizeof(s));
	CHECK_STR(s, "65001 {64500 64501} (1 2) [3] 4200000000");
	CHECK_INT(bgp_aspath_length(&a), 3);
	CHECK_INT(bgp_aspath_first_as(&a), 65001);
	CHECK_INT(bgp_aspath_list(&a, l, 16), 7);
	CHECK_INT(l[6], 4200000000u);
	CHECK(bgp_aspath_contains(&a, 4200000000u));
	/* a truncated path (hand-made) is walked up to the damage */
	a.aspath_len = sizeof(p) - 1;
	CHECK_INT(bgp_aspath_list(&a, l, 16), 6);
	a.aspath = NULL;
	a.aspath_len = 0;

	{
		uint32_t asns[3] = { 1, 2, 3 };

		bgp_attrs_set_aspath(&a, asns, 3);
		fmt(&a, s, sizeof(s));
		CHECK_STR(s, "1 2 3");
		CHECK(a.has & BGP_AH_AS_PATH);
		bgp_attrs_set_aspath(&a, NULL, 0);
		CHECK_INT(a.aspath_len, 0);
	}
	bgp_attrs_clear(&a);
}

int main(void)
{
	RUN(test_intern_equal_is_same_pointer);
	RUN(test_intern_distinguishes_fields);
	RUN(test_intern_ignores_absent_fields);
	RUN(test_intern_many_grows);
	RUN(test_copy_clear);
	RUN(test_intern_block_alignment);
	RUN(test_strip_nontransitive_ecomms);
	RUN(test_extcomm_fmt);
	RUN(test_show_format);
	RUN(test_table_rows);
	RUN(test_prepend);
	RUN(test_aspath_helpers);
	CHECK_INT(bgp_attrs_interned_count(), 0);
	return t_done();
}
