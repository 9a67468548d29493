/* UPDATE codec: round trips, the 4096-octet limit, AS4 handling, and the RFC 7606 cases. */
#include <stdlib.h>
#include <sys/socket.h>

#include "bgp/update.h"
#include "t.h"

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;

	for (; *s; s++) {
		if (*s == ' ' || *s == '|')
			continue;
		sscanf(s, "%2hhx", &out[n++]);
		s++;
	}
	return n;
}

static struct bgp_codec_ctx mkctx(int as4, int ebgp)
{
	struct bgp_codec_ctx c = { 0 };

	c.as4 = (uint8_t)as4;
	c.ebgp = (uint8_t)ebgp;
	c.mp_ipv4 = c.mp_ipv6 = 1;
	c.local_as = 65000;
	c.peer_as = ebgp ? 65001 : 65000;
	return c;
}

/* Body from withdrawn routes, attributes, NLRI in hex. */
static size_t body(uint8_t *out, const char *wd, const char *attrs, const char *nlri)
{
	size_t n = 2, w, a;

	w = unhex(wd, out + 2);
	put16(out, (uint16_t)w);
	n += w;
	a = unhex(attrs, out + n + 2);
	put16(out + n, (uint16_t)a);
	n += 2 + a;
	n += unhex(nlri, out + n);
	return n;
}

/* Decodes the one UPDATE message in b (from offset at). */
static int dec_msg(const struct buf *b, size_t at, const struct bgp_codec_ctx *c,
		   struct bgp_update *u, struct bgp_err *err)
{
	uint16_t len = 0;
	uint8_t type = 0;

	CHECK_INT(bgp_hdr_check(b->data + at, b->len - at, &len, &type, err), 1);
	CHECK_INT(type, BGP_UPDATE);
	CHECK(len <= BGP_MAX_LEN);
	return bgp_update_decode(b->data + at + BGP_HDR_LEN, len - BGP_HDR_LEN, c, u, err);
}

static struct prefix P(const char *s) {
	struct prefix p;

	if (prefix_parse(s, &p) != 0)
		fprintf(stderr, "bad prefix %s\n", s);
	return p;
}

static void
full_attrs(struct bgp_attrs *a, int v6)
{
	static const uint32_t path[] = { 65001, 4200000001u, 64500, 70000 };

	bgp_attrs_init(a);
	a->has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_MED | BGP_AH_LOCAL_PREF |
		 BGP_AH_ATOMIC_AGGREGATE | BGP_AH_AGGREGATOR | BGP_AH_OTC;
	a->origin = BGP_ORIGIN_EGP;
	a->med = 10;
	a->local_pref = 200;
	a->aggregator_as = 4200000002u;
	addr_parse("198.51.100.7", &a->aggregator_addr);
	a->otc = 65001;
	bgp_attrs_set_aspath(a, path, 4);
	bgp_attrs_add_comm(a, 0xfde90064u);
	bgp_attrs_add_comm(a, BGP_COMM_GRACEFUL_SHUTDOWN);
	bgp_attrs_add_lcomm(a, 4200000001u, 0, 1);
	bgp_attrs_add_ecomm(a, (const uint8_t *)"\x00\x02\xfd\xe9\x00\x00\x00\x64");
	bgp_attrs_add_ecomm(a, (const uint8_t *)"\x43\x00\x00\x00\x00\x00\x00\x05");
	if (v6) {
		addr_parse("2001:db8::1", &a->nexthop);
	} else {
		a->has |= BGP_AH_NEXT_HOP;
		addr_parse("198.51.100.1", &a->nexthop);
	}
}

/* Encode, decode, compare: every attribute, both families, both AS widths, iBGP. */
static void test_roundtrip_all_attrs(void)
{
	for (int v6 = 0; v6 < 2; v6++) {
		for (int as4 = 0; as4 < 2; as4++) {
			struct bgp_codec_ctx c = mkctx(as4, 0);
			struct prefix p[3];
			struct bgp_attrs a;
			struct bgp_update u;
			struct bgp_err err;
			struct buf b;

			full_attrs(&a, v6);
			p[0] = P(v6 ? "2001:db8:1::/48" : "192.0.2.0/24");
			p[1] = P(v6 ? "2001:db8:2::/64" : "198.51.100.128/25");
			p[2] = P(v6 ? "::/0" : "0.0.0.0/0");
			buf_init(&b);
			CHECK_INT(bgp_update_encode(&b, &a, p, 3, &c), 3);
			CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
			CHECK_STR(u.warn, "");
			CHECK_INT(u.treat_as_withdraw, 0);
			CHECK_INT(u.n_announced, 3);
			CHECK_INT(u.mp_reach_from, v6 ? 0 : 3);
			for (int i = 0; i < 3; i++)
				CHECK(prefix_eq(&u.announced[i], &p[i]));
			if (v6) {
				/* the RIB puts the MP next hop into the set */
				CHECK(addr_eq(&u.mp_nexthop, &a.nexthop));
				CHECK_INT(u.mp_nexthop_ll.af, 0);
				u.attrs.nexthop = u.mp_nexthop;
			}
			CHECK(bgp_attrs_equal(&u.attrs, &a));
			bgp_update_free(&u);
			bgp_attrs_clear(&a);
			buf_free(&b);
		}
	}
}

/* eBGP: no LOCAL_PREF on the wire. */
static void test_ebgp_no_local_pref(void)
{
	struct bgp_codec_ctx c = mkctx(1, 1);
	struct prefix p = P("192.0.2.0/24");
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_err err;
	struct buf b;

	full_attrs(&a, 0);
	buf_init(&b);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 1);
	CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
	CHECK(!(u.attrs.has & BGP_AH_LOCAL_PREF));
	CHECK_STR(u.warn, "");
	bgp_update_free(&u);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

/* Walks the attributes of an encoded UPDATE; returns their type codes in order. */
static size_t attr_types(const struct buf *b, uint8_t *types, uint8_t *flags)
{
	const uint8_t *m = b->data + BGP_HDR_LEN;
	size_t wl = get16(m), al = get16(m + 2 + wl), off = 0, n = 0;
	const uint8_t *p = m + 4 + wl;

	while (off < al) {
		size_t hl = (p[off] & BGP_AF_EXTLEN) ? 4 : 3;
		size_t vl = hl == 4 ? get16(p + off + 2) : p[off + 2];

		flags[n] = p[off];
		types[n++] = p[off + 1];
		off += hl + vl;
	}
	return n;
}

/* Every row of the attribute table that encodes goes on the wire, with the flags the row
 * expects, and comes back equal: a 2-octet iBGP peer, IPv4, needs all of them (AS4_* too). */
static void test_every_row_on_the_wire(void)
{
	struct bgp_codec_ctx c = mkctx(0, 0);
	struct prefix p = P("192.0.2.0/24");
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_err err;
	struct buf b;
	uint8_t types[32], flags[32];
	size_t n, k = 0, nrows;
	const struct bgp_attr_desc *const *rows = bgp_attr_rows(&nrows);

	full_attrs(&a, 0);
	buf_init(&b);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 1);
	n = attr_types(&b, types, flags);
	for (size_t i = 0; i < nrows; i++) {
		const struct bgp_attr_desc *r = rows[i];

		if (!r->encode)
			continue;
		CHECK(k < n);
		if (k >= n)
			break;
		CHECK_INT(types[k], r->type);
		CHECK_INT(flags[k] & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE), r->flags);
		k++;
	}
	CHECK_INT(n, k);
	CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
	CHECK_STR(u.warn, "");
	CHECK(bgp_attrs_equal(&u.attrs, &a));
	bgp_update_free(&u);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

/* MP_REACH first (RFC 7606 5.1), then by type code; unknown ones merged in order. */
static void test_attr_order_and_unknown(void)
{
	struct bgp_codec_ctx c = mkctx(0, 1);
	struct prefix p = P("2001:db8::/32");
	struct bgp_attrs a;
	struct buf b;
	uint8_t types[32], flags[32];
	size_t n;
	/* types we do not know (16 was one before extended communities came) */
	static const uint8_t unk[] = { 0xe0, 9,    1, 0xaa, 0xe0, 19, 8,    0,  2,
				       0xfd, 0xe9, 0, 0,    0,    1,  0xe0, 40, 0 };
	struct bgp_update u;
	struct bgp_err err;

	full_attrs(&a, 1);
	a.unknown = malloc(sizeof(unk));
	memcpy(a.unknown, unk, sizeof(unk));
	a.unknown_len = sizeof(unk);
	buf_init(&b);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 1);
	n = attr_types(&b, types, flags);
	{
		/* 2-octet eBGP peer: no LOCAL_PREF; AS4_PATH and AS4_AGGREGATOR */
		static const uint8_t want[] = {
			14, 1, 2, 4, 6, 7, 8, 9, 16, 17, 18, 19, 32, 35, 40
		};

		CHECK_INT(n, sizeof(want));
		for (size_t i = 0; i < n && i < sizeof(want); i++)
			CHECK_INT(types[i], want[i]);
	}
	/* and the unknown ones come back in the set with the Partial bit */
	CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
	CHECK_INT(u.attrs.unknown_len, sizeof(unk));
	CHECK(memcmp(u.attrs.unknown, unk, sizeof(unk)) == 0);
	/* the AS4 attributes were merged back */
	CHECK_INT(u.attrs.aggregator_as, 4200000002u);
	CHECK_INT(u.attrs.aspath_len, a.aspath_len);
	CHECK(memcmp(u.attrs.aspath, a.aspath, a.aspath_len) == 0);
	bgp_update_free(&u);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

/* A 2-octet peer sees AS_TRANS; small ASNs need no AS4_PATH. */
static void test_as_trans_encoding(void)
{
	struct bgp_codec_ctx c = mkctx(0, 1);
	struct prefix p = P("192.0.2.0/24");
	struct bgp_attrs a;
	struct buf b;
	uint8_t types[32], flags[32];
	static const uint32_t big[] = { 65001, 4200000001u };
	static const uint32_t small[] = { 65001, 64500 };
	const uint8_t *m;

	bgp_attrs_init(&a);
	a.has = BGP_AH_ORIGIN | BGP_AH_AS_PATH | BGP_AH_NEXT_HOP;
	addr_parse("198.51.100.1", &a.nexthop);
	bgp_attrs_set_aspath(&a, big, 2);
	buf_init(&b);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 1);
	CHECK_INT(attr_types(&b, types, flags), 4);
	CHECK_INT(types[3], BGP_ATTR_AS4_PATH);
	CHECK_INT(flags[3], BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE);
	/* AS_PATH: 40 02 06 02 02 FDE9 5BA0 */
	m = b.data + BGP_HDR_LEN + 4 + 4;
	CHECK_INT(m[2], 6);
	CHECK_INT(get16(m + 5), 65001);
	CHECK_INT(get16(m + 7), BGP_AS_TRANS);
	buf_reset(&b);
	bgp_attrs_set_aspath(&a, small, 2);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 1);
	CHECK_INT(attr_types(&b, types, flags), 3);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

static void test_ipv6_link_local_nexthop(void)
{
	struct bgp_codec_ctx c = mkctx(1, 1);
	struct prefix p = P("2001:db8:1::/48");
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_err err;
	struct buf b;

	full_attrs(&a, 1);
	addr_parse("fe80::1", &a.nexthop_ll);
	buf_init(&b);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 1);
	/* MP_REACH: flags, type, len, AFI(2), SAFI, nhlen */
	CHECK_INT(b.data[BGP_HDR_LEN + 4 + 6], 32);
	CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
	CHECK(addr_eq(&u.mp_nexthop, &a.nexthop));
	CHECK(addr_eq(&u.mp_nexthop_ll, &a.nexthop_ll));
	bgp_update_free(&u);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

/* RFC 8950: IPv4 NLRI with an IPv6 next hop go in MP_REACH_NLRI (AFI 1, next hop length 16
 * or 32), with no NEXT_HOP attribute; without the capability such a next hop is malformed. */
static void test_extended_nexthop(void)
{
	for (int ll = 0; ll < 2; ll++) {
		struct bgp_codec_ctx c = mkctx(1, 1);
		struct prefix p[2] = { P("192.0.2.0/24"), P("198.51.100.0/24") };
		struct bgp_attrs a;
		struct bgp_update u;
		struct bgp_err err;
		struct buf b;
		const uint8_t *at;

		c.ext_nh4 = 1;
		full_attrs(&a, 1); /* an IPv6 next hop */
		if (ll)
			addr_parse("fe80::1", &a.nexthop_ll);
		buf_init(&b);
		CHECK_INT(bgp_update_encode(&b, &a, p, 2, &c), 2);
		at = b.data + BGP_HDR_LEN + 4; /* the first attribute: MP_REACH_NLRI */
		CHECK_INT(at[1], BGP_ATTR_MP_REACH);
		CHECK_INT(get16(at + 3), BGP_AFI_IPV4);
		CHECK_INT(at[6], ll ? 32 : 16);
		CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
		CHECK(!u.treat_as_withdraw);
		CHECK_INT(u.n_announced, 2);
		CHECK_INT(u.mp_reach_from, 0);
		CHECK(prefix_eq(&u.announced[1], &p[1]));
		CHECK(addr_eq(&u.mp_nexthop, &a.nexthop));
		CHECK(!(u.attrs.has & BGP_AH_NEXT_HOP));
		CHECK(ll ? addr_eq(&u.mp_nexthop_ll, &a.nexthop_ll) : u.mp_nexthop_ll.af == 0);
		bgp_update_free(&u);
		/* The same bytes from a neighbour that did not agree to RFC 8950. */
		c.ext_nh4 = 0;
		CHECK_INT(dec_msg(&b, 0, &c, &u, &err), -1);
		bgp_update_free(&u);
		bgp_attrs_clear(&a);
		buf_free(&b);
	}
}

/* A speaker with only a link-local address on the link sends it as the next hop, alone (16
 * octets) or after an unspecified global one (32): either way it is the link-local next hop. */
static void test_link_local_only_nexthop(void)
{
	static const char *const reach[] = {
		/* MP_REACH: AFI 2 SAFI 1, nh len 16: fe80::1, reserved, 2001:db8:1::/48 */
		"800e1c000201"
		"10fe800000000000000000000000000001"
		"00"
		"3020010db80001",
		/* nh len 32: :: then fe80::1 */
		"800e2c000201"
		"2000000000000000000000000000000000fe800000000000000000000000000001"
		"00"
		"3020010db80001",
	};
	struct bgp_codec_ctx c = mkctx(1, 1);
	struct addr want;

	addr_parse("fe80::1", &want);
	for (size_t i = 0; i < 2; i++) {
		uint8_t msg[256];
		char attrs[512];
		struct bgp_update u;
		struct bgp_err err;

		snprintf(attrs, sizeof(attrs), "%s%s",
			 "40010100"
			 "400206020100000001",
			 reach[i]);
		size_t n = body(msg, "", attrs, "");

		CHECK_INT(bgp_update_decode(msg, n, &c, &u, &err), 0);
		CHECK(!u.treat_as_withdraw);
		CHECK_INT(u.n_announced, 1);
		CHECK(addr_eq(&u.mp_nexthop_ll, &want));
		CHECK(addr_eq(&u.mp_nexthop, &want));
		bgp_update_free(&u);
	}
}

static void test_withdraw_roundtrip(void)
{
	for (int v6 = 0; v6 < 2; v6++) {
		struct bgp_codec_ctx c = mkctx(1, 1);
		struct prefix p[2];
		struct bgp_update u;
		struct bgp_err err;
		struct buf b;

		p[0] = P(v6 ? "2001:db8:1::/48" : "192.0.2.0/24");
		p[1] = P(v6 ? "2001:db8::/32" : "198.51.100.0/24");
		buf_init(&b);
		CHECK_INT(bgp_withdraw_encode(&b, p, 2, &c), 2);
		CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
		CHECK_INT(u.n_withdrawn, 2);
		CHECK_INT(u.n_announced, 0);
		CHECK_INT(u.eor, 0);
		CHECK_STR(u.warn, "");
		CHECK(prefix_eq(&u.withdrawn[0], &p[0]));
		CHECK(prefix_eq(&u.withdrawn[1], &p[1]));
		bgp_update_free(&u);
		buf_free(&b);
	}
}

static void test_eor(void)
{
	for (int v6 = 0; v6 < 2; v6++) {
		struct bgp_codec_ctx c = mkctx(1, 1);
		struct bgp_update u;
		struct bgp_err err;
		struct buf b;

		buf_init(&b);
		bgp_eor_encode(&b, v6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
		CHECK_INT(b.len, v6 ? 29 : 23);
		CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
		CHECK_INT(u.eor, 1);
		CHECK_INT(u.eor_afi, v6 ? 2 : 1);
		CHECK_INT(u.n_withdrawn + u.n_announced, 0);
		bgp_update_free(&u);
		buf_free(&b);
	}
}

/* Many prefixes: split into full UPDATEs, none above 4096, all prefixes come back. */
static void test_limit_4096(void)
{
	enum { N = 3000 };
	for (int v6 = 0; v6 < 2; v6++) {
		for (int wd = 0; wd < 2; wd++) {
			struct bgp_codec_ctx c = mkctx(1, 1);
			struct prefix *p = calloc(N, sizeof(*p));
			struct bgp_attrs a;
			struct buf b;
			size_t done = 0, msgs = 0, got = 0;

			full_attrs(&a, v6);
			for (int i = 0; i < N; i++) {
				char s[64];

				if (v6)
					snprintf(s, sizeof(s), "2001:db8:%x:%x::/64", i / 256,
						 i % 256);
				else
					snprintf(s, sizeof(s), "10.%d.%d.0/24", i / 256, i % 256);
				p[i] = P(s);
			}
			buf_init(&b);
			while (done < N) {
				size_t k = wd ? bgp_withdraw_encode(&b, p + done, N - done, &c)
					      : bgp_update_encode(&b, &a, p + done, N - done, &c);
				struct bgp_update u;
				struct bgp_err err;

				CHECK(k > 0);
				if (k == 0)
					break;
				CHECK(b.len <= BGP_MAX_LEN);
				/* full: one more prefix would not have fitted */
				if (done + k < N)
					CHECK(b.len + (v6 ? 9 : 4) > BGP_MAX_LEN);
				CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
				CHECK_INT(wd ? u.n_withdrawn : u.n_announced, k);
				for (size_t i = 0; i < k; i++)
					got += prefix_eq(wd ? &u.withdrawn[i] : &u.announced[i],
							 &p[done + i]);
				bgp_update_free(&u);
				buf_reset(&b);
				done += k;
				msgs++;
			}
			CHECK_INT(got, N);
			CHECK(msgs > 1);
			free(p);
			bgp_attrs_clear(&a);
			buf_free(&b);
		}
	}
}

/* Values over 255 octets get the Extended Length bit, and decode. */
static void test_extended_length(void)
{
	struct bgp_codec_ctx c = mkctx(1, 0);
	struct prefix p = P("192.0.2.0/24");
	struct bgp_attrs a;
	struct bgp_update u;
	struct bgp_err err;
	struct buf b;
	uint8_t types[32], flags[32];
	uint32_t path[100];

	full_attrs(&a, 0);
	for (int i = 0; i < 100; i++) {
		path[i] = 65000u + (uint32_t)i;
		bgp_attrs_add_comm(&a, (uint32_t)i);
	}
	bgp_attrs_set_aspath(&a, path, 100);
	buf_init(&b);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 1);
	CHECK_INT(attr_types(&b, types, flags),
		  11); /* full_attrs: ORIGIN..OTC, EXT_COMMUNITIES included */
	CHECK_INT(types[1], BGP_ATTR_AS_PATH);
	CHECK(flags[1] & BGP_AF_EXTLEN);
	CHECK(!(flags[0] & BGP_AF_EXTLEN));
	CHECK_INT(dec_msg(&b, 0, &c, &u, &err), 0);
	CHECK(bgp_attrs_equal(&u.attrs, &a));
	CHECK_INT(u.attrs.ncomms, 102);
	bgp_update_free(&u);

	/* attributes too large for any UPDATE: nothing goes out */
	buf_reset(&b);
	for (int i = 0; i < 1100; i++)
		bgp_attrs_add_comm(&a, (uint32_t)i);
	CHECK_INT(bgp_update_encode(&b, &a, &p, 1, &c), 0);
	CHECK_INT(b.len, 0);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

/* Mixed families: the encoder stops at the first prefix of the other family. */
static void test_one_family_per_update(void)
{
	struct bgp_codec_ctx c = mkctx(1, 1);
	struct prefix p[3] = { P("192.0.2.0/24"), P("2001:db8::/32"), P("198.51.100.0/24") };
	struct bgp_attrs a;
	struct buf b;

	full_attrs(&a, 0);
	buf_init(&b);
	CHECK_INT(bgp_update_encode(&b, &a, p, 3, &c), 1);
	buf_reset(&b);
	CHECK_INT(bgp_withdraw_encode(&b, p + 1, 2, &c), 1);
	bgp_attrs_clear(&a);
	buf_free(&b);
}

/* ---- RFC 7606 cases on hand-written UPDATEs ---- */

/* Valid pieces (4-octet AS peer unless noted) */
#define ORIGIN "40 01 01 00"
#define ASPATH4 "40 02 06 02 01 0000FDE9" /* 65001 */
#define ASPATH2 "40 02 04 02 01 FDE9"
#define NH "40 03 04 C6336401" /* 198.51.100.1 */
#define NLRI "18 C00002"       /* 192.0.2.0/24 */
#define MPR6 "80 0E 1A 0002 01 10 20010DB8000000000000000000000001 00 20 20010DB8"
#define MPU6 "80 0F 09 0002 01 20 20010DB8 00" /* 2001:db8::/32 and ::/0 */

enum { OK = 0, TAW = 1, RST = 2 };
static const struct case7606 {
	const char *name;
	int as4, ebgp;
	const char *wd, *attrs, *nlri;
	int outcome;      /* OK, TAW, RST */
	int code, sub;    /* for RST */
	const char *warn; /* substring of warn (OK/TAW); NULL: warn must be empty */
} cases[] = {
	{ "valid", 1, 1, "", ORIGIN ASPATH4 NH, NLRI, OK, 0, 0, NULL },
	{ "valid 2-octet", 0, 1, "", ORIGIN ASPATH2 NH, NLRI, OK, 0, 0, NULL },
	{ "extended length on a short attribute", 1, 1, "", "50 01 0001 00" ASPATH4 NH, NLRI, OK, 0,
	  0, NULL },
	/* ORIGIN, sec 7.1 */
	{ "ORIGIN value 3", 1, 1, "", "40 01 01 03" ASPATH4 NH, NLRI, TAW, 0, 0,
	  "ORIGIN: undefined value" },
	{ "ORIGIN length 2", 1, 1, "", "40 01 02 0000" ASPATH4 NH, NLRI, TAW, 0, 0,
	  "ORIGIN: bad length 2" },
	{ "ORIGIN flags optional", 1, 1, "", "C0 01 01 00" ASPATH4 NH, NLRI, TAW, 0, 0,
	  "ORIGIN: wrong attribute flags" },
	/* AS_PATH, sec 7.2 */
	{ "AS_PATH segment overrun", 1, 1, "", ORIGIN "40 02 06 02 02 0000FDE9" NH, NLRI, TAW, 0, 0,
	  "malformed AS_PATH: segment overruns attribute" },
	{ "AS_PATH 2-octet overrun", 0, 1, "", ORIGIN "40 02 04 02 02 FDE9" NH, NLRI, TAW, 0, 0,
	  "segment overruns attribute" },
	{ "AS_PATH zero count", 1, 1, "", ORIGIN "40 02 02 02 00" NH, NLRI, TAW, 0, 0,
	  "segment of zero length" },
	{ "AS_PATH bad type", 1, 1, "", ORIGIN "40 02 06 05 01 0000FDE9" NH, NLRI, TAW, 0, 0,
	  "bad segment type" },
	{ "AS_PATH lone octet", 1, 1, "", ORIGIN "40 02 07 02 01 0000FDE9 02" NH, NLRI, TAW, 0, 0,
	  "truncated segment header" },
	{ "AS_PATH confed segment", 1, 1, "", ORIGIN "40 02 06 03 01 0000FDE9" NH, NLRI, TAW, 0, 0,
	  "confederation" },
	{ "AS_PATH AS 0", 1, 1, "", ORIGIN "40 02 06 02 01 00000000" NH, NLRI, TAW, 0, 0, "AS 0" },
	{ "AS_PATH 4-octet read as 2-octet", 0, 1, "", ORIGIN ASPATH4 NH, NLRI, TAW, 0, 0,
	  "AS_PATH" },
	{ "AS_PATH flags optional", 1, 1, "", ORIGIN "C0 02 06 02 01 0000FDE9" NH, NLRI, TAW, 0, 0,
	  "wrong attribute flags" },
	{ "AS_PATH empty (iBGP style)", 1, 0, "", ORIGIN "40 02 00" NH, NLRI, OK, 0, 0, NULL },
	/* missing well-known, sec 3.d */
	{ "missing ORIGIN", 1, 1, "", ASPATH4 NH, NLRI, TAW, 0, 0,
	  "missing well-known attribute ORIGIN" },
	{ "missing AS_PATH", 1, 1, "", ORIGIN NH, NLRI, TAW, 0, 0,
	  "missing well-known attribute AS_PATH" },
	{ "missing NEXT_HOP", 1, 1, "", ORIGIN ASPATH4, NLRI, TAW, 0, 0,
	  "missing well-known attribute NEXT_HOP" },
	{ "missing NEXT_HOP, MP only", 1, 1, "", MPR6 ORIGIN ASPATH4, "", OK, 0, 0, NULL },
	{ "missing AS_PATH, MP only", 1, 1, "", MPR6 ORIGIN, "", TAW, 0, 0,
	  "missing well-known attribute AS_PATH" },
	{ "no NLRI, no attributes needed", 1, 1, "18 C00002", "", "", OK, 0, 0, NULL },
	/* NEXT_HOP, sec 7.3 */
	{ "NEXT_HOP 0.0.0.0", 1, 1, "", ORIGIN ASPATH4 "40 03 04 00000000", NLRI, TAW, 0, 0,
	  "invalid NEXT_HOP 0.0.0.0" },
	{ "NEXT_HOP multicast", 1, 1, "", ORIGIN ASPATH4 "40 03 04 E0000001", NLRI, TAW, 0, 0,
	  "invalid NEXT_HOP" },
	{ "NEXT_HOP length 5", 1, 1, "", ORIGIN ASPATH4 "40 03 05 C633640100", NLRI, TAW, 0, 0,
	  "NEXT_HOP: bad length 5" },
	{ "NEXT_HOP loopback is fine", 1, 1, "", ORIGIN ASPATH4 "40 03 04 7F000001", NLRI, OK, 0, 0,
	  NULL },
	{ "NEXT_HOP bad but no IPv4 NLRI: ignored", 1, 1, "",
	  MPR6 ORIGIN ASPATH4 "40 03 04 00000000", "", OK, 0, 0, NULL },
	/* MED, sec 7.4 */
	{ "MED length 3", 1, 1, "", ORIGIN ASPATH4 NH "80 04 03 000001", NLRI, TAW, 0, 0,
	  "MULTI_EXIT_DISC: bad length 3" },
	{ "MED flags well-known", 1, 1, "", ORIGIN ASPATH4 NH "40 04 04 00000001", NLRI, TAW, 0, 0,
	  "MULTI_EXIT_DISC: wrong attribute flags" },
	/* LOCAL_PREF, sec 7.5 */
	{ "LOCAL_PREF iBGP length 3", 1, 0, "", ORIGIN ASPATH4 NH "40 05 03 000064", NLRI, TAW, 0,
	  0, "LOCAL_PREF: bad length 3" },
	{ "LOCAL_PREF from eBGP discarded", 1, 1, "", ORIGIN ASPATH4 NH "40 05 04 00000064", NLRI,
	  OK, 0, 0, "LOCAL_PREF from an external peer discarded" },
	{ "LOCAL_PREF eBGP bad length: discarded too", 1, 1, "",
	  ORIGIN ASPATH4 NH "40 05 03 000064", NLRI, OK, 0, 0, "LOCAL_PREF from an external peer" },
	/* ATOMIC_AGGREGATE, sec 7.6 */
	{ "ATOMIC_AGGREGATE length 1", 1, 1, "", ORIGIN ASPATH4 NH "40 06 01 00", NLRI, OK, 0, 0,
	  "ATOMIC_AGGREGATE: bad length 1 (attribute discarded)" },
	{ "ATOMIC_AGGREGATE flags", 1, 1, "", ORIGIN ASPATH4 NH "C0 06 00", NLRI, OK, 0, 0,
	  "ATOMIC_AGGREGATE: wrong attribute flags (attribute discarded)" },
	/* AGGREGATOR, sec 7.7 */
	{ "AGGREGATOR 6 from 4-octet peer", 1, 1, "", ORIGIN ASPATH4 NH "C0 07 06 FDE9 C6336401",
	  NLRI, OK, 0, 0, "AGGREGATOR: bad length 6 (attribute discarded)" },
	{ "AGGREGATOR 8 from 2-octet peer", 0, 1, "",
	  ORIGIN ASPATH2 NH "C0 07 08 0000FDE9 C6336401", NLRI, OK, 0, 0,
	  "AGGREGATOR: bad length 8" },
	{ "AGGREGATOR AS 0", 1, 1, "", ORIGIN ASPATH4 NH "C0 07 08 00000000 C6336401", NLRI, OK, 0,
	  0, "AGGREGATOR: AS 0" },
	{ "AGGREGATOR valid", 1, 1, "", ORIGIN ASPATH4 NH "C0 07 08 0000FDE9 C6336401", NLRI, OK, 0,
	  0, NULL },
	/* COMMUNITIES, sec 7.8; LARGE_COMMUNITY, RFC 8092 sec 6; OTC, RFC 9234 sec 5 */
	{ "COMMUNITIES length 5", 1, 1, "", ORIGIN ASPATH4 NH "C0 08 05 FDE9006400", NLRI, TAW, 0,
	  0, "COMMUNITIES: bad length 5" },
	{ "COMMUNITIES length 0", 1, 1, "", ORIGIN ASPATH4 NH "C0 08 00", NLRI, TAW, 0, 0,
	  "COMMUNITIES: bad length 0" },
	{ "LARGE_COMMUNITY length 13", 1, 1, "",
	  ORIGIN ASPATH4 NH "C0 20 0D 0000FDE9 00000000 00000001 00", NLRI, TAW, 0, 0,
	  "LARGE_COMMUNITY: bad length 13" },
	{ "LARGE_COMMUNITY length 0", 1, 1, "", ORIGIN ASPATH4 NH "C0 20 00", NLRI, TAW, 0, 0,
	  "LARGE_COMMUNITY: bad length 0" },
	{ "OTC length 3", 1, 1, "", ORIGIN ASPATH4 NH "C0 23 03 00FDE9", NLRI, TAW, 0, 0,
	  "OTC: bad length 3" },
	{ "OTC flags", 1, 1, "", ORIGIN ASPATH4 NH "80 23 04 0000FDE9", NLRI, TAW, 0, 0,
	  "OTC: wrong attribute flags" },
	/* EXTENDED_COMMUNITIES, sec 7.14: a non-zero multiple of 8 */
	{ "EXTENDED_COMMUNITIES valid", 1, 1, "",
	  ORIGIN ASPATH4 NH "C0 10 10 0002FDE900000064 4300000000000005", NLRI, OK, 0, 0, NULL },
	{ "EXTENDED_COMMUNITIES length 7", 1, 1, "", ORIGIN ASPATH4 NH "C0 10 07 0002FDE9000000",
	  NLRI, TAW, 0, 0, "EXTENDED_COMMUNITIES: bad length 7 (treat-as-withdraw)" },
	{ "EXTENDED_COMMUNITIES length 12", 1, 1, "",
	  ORIGIN ASPATH4 NH "C0 10 0C 0002FDE900000064 00000000", NLRI, TAW, 0, 0,
	  "EXTENDED_COMMUNITIES: bad length 12" },
	{ "EXTENDED_COMMUNITIES length 0", 1, 1, "", ORIGIN ASPATH4 NH "C0 10 00", NLRI, TAW, 0, 0,
	  "EXTENDED_COMMUNITIES: bad length 0" },
	{ "EXTENDED_COMMUNITIES flags non-transitive", 1, 1, "",
	  ORIGIN ASPATH4 NH "80 10 08 0002FDE900000064", NLRI, TAW, 0, 0,
	  "EXTENDED_COMMUNITIES: wrong attribute flags" },
	{ "EXTENDED_COMMUNITIES flags well-known", 1, 1, "",
	  ORIGIN ASPATH4 NH "40 10 08 0002FDE900000064", NLRI, TAW, 0, 0,
	  "EXTENDED_COMMUNITIES: wrong attribute flags" },
	{ "EXTENDED_COMMUNITIES repeated: first kept", 1, 1, "",
	  ORIGIN ASPATH4 NH "C0 10 08 0002FDE900000064 C0 10 08 0002FDE900000065", NLRI, OK, 0, 0,
	  "repeated attribute 16 discarded" },
	{ "EXTENDED_COMMUNITIES bad, withdrawal only: nothing lost", 1, 1, "18 C00002",
	  "C0 10 03 000000", "", TAW, 0, 0, "EXTENDED_COMMUNITIES: bad length 3" },
	/* duplicates, sec 3.g */
	{ "duplicate ORIGIN: first kept", 1, 1, "", ORIGIN ASPATH4 NH "40 01 01 07", NLRI, OK, 0, 0,
	  "repeated attribute 1 discarded" },
	{ "duplicate MP_REACH", 1, 1, "", MPR6 MPR6 ORIGIN ASPATH4, "", RST, 3, 1, NULL },
	{ "duplicate MP_UNREACH", 1, 1, "", MPU6 MPU6, "", RST, 3, 1, NULL },
	/* unrecognized attributes (RFC 4271 sec 5, 6.3) */
	{ "unknown well-known", 1, 1, "", ORIGIN ASPATH4 NH "40 63 01 00", NLRI, RST, 3, 2, NULL },
	{ "unknown optional transitive kept", 1, 1, "", ORIGIN ASPATH4 NH "C0 63 01 AA", NLRI, OK,
	  0, 0, NULL },
	{ "unknown optional non-transitive dropped", 1, 1, "", ORIGIN ASPATH4 NH "80 63 01 AA",
	  NLRI, OK, 0, 0, NULL },
	/* attribute framing, sec 4 */
	{ "attribute overruns the section", 1, 1, "", ORIGIN ASPATH4 NH "C0 08 08 FDE90064", NLRI,
	  TAW, 0, 0, "malformed attribute list" },
	{ "fewer than 3 octets left", 1, 1, "", ORIGIN ASPATH4 NH "C0 08", NLRI, TAW, 0, 0,
	  "malformed attribute list" },
	{ "extended length header cut", 1, 1, "", ORIGIN ASPATH4 NH "D0 08 00", NLRI, TAW, 0, 0,
	  "malformed attribute list" },
	{ "overrun after MP_REACH", 1, 1, "", MPR6 ORIGIN "40 02 09 02 01 0000FDE9", "", TAW, 0, 0,
	  "malformed attribute list" },
	{ "overrun with no NLRI to be found", 1, 1, "", ORIGIN "40 02 09 02 01 0000FDE9", "", RST,
	  3, 1, NULL },
	/* NLRI, sec 5.3 */
	{ "NLRI prefix length 33", 1, 1, "", ORIGIN ASPATH4 NH, "21 C0000200 00", RST, 3, 10,
	  NULL },
	{ "NLRI overrun", 1, 1, "", ORIGIN ASPATH4 NH, "18 C000", RST, 3, 10, NULL },
	{ "withdrawn prefix length 33", 1, 1, "21 C0000200 00", "", "", RST, 3, 10, NULL },
	{ "withdrawn overrun", 1, 1, "20 C00002", "", "", RST, 3, 10, NULL },
	{ "MP_REACH prefix length 129", 1, 1, "",
	  "80 0E 16 0002 01 10 20010DB8000000000000000000000001 00 81" ORIGIN ASPATH4, "", RST, 3,
	  10, NULL },
	{ "MP_UNREACH overrun", 1, 1, "", "80 0F 05 0002 01 30 2001", "", RST, 3, 10, NULL },
	/* MP_REACH / MP_UNREACH, sec 7.11 */
	{ "MP_REACH next hop length 8", 1, 1, "",
	  "80 0E 12 0002 01 08 20010DB800000000 00 20 20010DB8" ORIGIN ASPATH4, "", RST, 3, 9,
	  NULL },
	{ "MP_REACH next hop overruns", 1, 1, "", "80 0E 08 0002 01 10 20010DB8" ORIGIN ASPATH4, "",
	  RST, 3, 9, NULL },
	{ "MP_REACH too short", 1, 1, "", "80 0E 03 000201" ORIGIN ASPATH4, "", RST, 3, 9, NULL },
	{ "MP_REACH flags", 1, 1, "",
	  "C0 0E 1A 0002 01 10 20010DB8000000000000000000000001 00 20 20010DB8" ORIGIN ASPATH4, "",
	  RST, 3, 4, NULL },
	{ "MP_UNREACH too short", 1, 1, "", "80 0F 02 0002", "", RST, 3, 9, NULL },
	{ "MP_REACH IPv4 next hop 16", 1, 1, "",
	  "80 0E 1A 0001 01 10 20010DB8000000000000000000000001 00 18 C00002" ORIGIN ASPATH4, "",
	  RST, 3, 9, NULL },
	{ "MP_REACH IPv6 next hop ::", 1, 1, "",
	  "80 0E 1A 0002 01 10 00000000000000000000000000000000 00 20 20010DB8" ORIGIN ASPATH4, "",
	  TAW, 0, 0, "MP_REACH_NLRI: invalid next hop" },
	{ "MP_REACH IPv6 next hop multicast", 1, 1, "",
	  "80 0E 1A 0002 01 10 FF020000000000000000000000000001 00 20 20010DB8" ORIGIN ASPATH4, "",
	  TAW, 0, 0, "invalid next hop" },
	{ "MP_REACH unknown family ignored", 1, 1, "",
	  "80 0E 1A 0002 80 10 20010DB8000000000000000000000001 00 20 20010DB8" ORIGIN ASPATH4, "",
	  OK, 0, 0, "not negotiated, ignored" },
	{ "MP_REACH IPv4", 1, 1, "", "80 0E 0D 0001 01 04 C6336401 00 18 C00002" ORIGIN ASPATH4, "",
	  OK, 0, 0, NULL },
	/* AS4, RFC 6793 */
	{ "AS4_PATH from a 4-octet peer discarded", 1, 1, "",
	  ORIGIN ASPATH4 NH "C0 11 06 02 01 0000FDE9", NLRI, OK, 0, 0,
	  "AS4_PATH from a 4-octet AS peer discarded" },
	{ "AS4_PATH malformed: discarded", 0, 1, "", ORIGIN ASPATH2 NH "C0 11 06 02 02 0000FDE9",
	  NLRI, OK, 0, 0, "AS4_PATH: segment overruns attribute (attribute discarded)" },
	{ "AS4_AGGREGATOR length 6: discarded", 0, 1, "",
	  ORIGIN ASPATH2 NH "C0 12 06 FDE9 C6336401", NLRI, OK, 0, 0,
	  "AS4_AGGREGATOR: bad length 6" },
	{ "AS4_PATH flags: discarded", 0, 1, "", ORIGIN ASPATH2 NH "40 11 06 02 01 0000FDE9", NLRI,
	  OK, 0, 0, "AS4_PATH: wrong attribute flags (attribute discarded)" },
	/* strongest action wins, sec 3.b */
	{ "treat-as-withdraw and reset: reset", 1, 1, "", "40 01 01 09" ASPATH4 NH,
	  "21 C0000200 00", RST, 3, 10, NULL },
	/* truncated bodies, RFC 4271 6.3 */
	{ "withdrawn length overruns", 1, 1, NULL, "00 10 0000", NULL, RST, 3, 1, NULL },
	{ "attribute length overruns", 1, 1, NULL, "00 00 0010 40010100", NULL, RST, 3, 1, NULL },
	{ "body of 3 octets", 1, 1, NULL, "00 00 00", NULL, RST, 3, 1, NULL },
};

static void test_rfc7606_table(void)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct case7606 *t = &cases[i];
		struct bgp_codec_ctx c = mkctx(t->as4, t->ebgp);
		uint8_t m[4096];
		size_t n;
		struct bgp_update u;
		struct bgp_err err;
		int rc, fail = t_case_failed;

		/* NULL wd: attrs is the raw body */
		n = t->wd ? body(m, t->wd, t->attrs, t->nlri) : unhex(t->attrs, m);
		memset(&err, 0, sizeof(err));
		rc = bgp_update_decode(m, n, &c, &u, &err);
		t_case_failed = 0;
		CHECK_INT(rc, t->outcome == RST ? -1 : 0);
		if (rc < 0) {
			CHECK_INT(err.code, t->code);
			CHECK_INT(err.subcode, t->sub);
			CHECK(err.reason[0] != 0);
		} else {
			CHECK_INT(u.treat_as_withdraw, t->outcome == TAW);
			if (t->warn)
				CHECK(strstr(u.warn, t->warn) != NULL);
			else
				CHECK_STR(u.warn, "");
		}
		if (t_case_failed)
			fprintf(stderr, "  case \"%s\": rc %d, err %u/%u \"%s\", warn \"%s\"\n",
				t->name, rc, err.code, err.subcode, err.reason, u.warn);
		t_case_failed |= fail;
		bgp_update_free(&u);
	}
}

static int dec_hex(const char *wd, const char *attrs, const char *nlri, int as4,
		   struct bgp_update *u, struct bgp_err *err)
{
	struct bgp_codec_ctx c = mkctx(as4, 1);
	uint8_t m[4096];
	size_t n = body(m, wd, attrs, nlri);

	return bgp_update_decode(m, n, &c, u, err);
}

/* Details the table does not show: what was kept. */
static void test_kept_values(void)
{
	struct bgp_update u;
	struct bgp_err err;

	/* duplicate: the first ORIGIN counts */
	CHECK_INT(dec_hex("", ORIGIN ASPATH4 NH "40 01 01 02", NLRI, 1, &u, &err), 0);
	CHECK_INT(u.attrs.origin, 0);
	bgp_update_free(&u);
	/* unknown optional transitive: Partial bit set, kept sorted by type */
	CHECK_INT(dec_hex("", ORIGIN ASPATH4 NH "C0 63 01 AA C0 30 01 BB 80 62 01 CC", NLRI, 1, &u,
			  &err),
		  0);
	CHECK_INT(u.attrs.unknown_len, 8);
	CHECK(memcmp(u.attrs.unknown, "\xe0\x30\x01\xbb\xe0\x63\x01\xaa", 8) == 0);
	bgp_update_free(&u);
	/* extended communities: as on the wire, in order, non-transitive ones too (export's job) */
	CHECK_INT(dec_hex("", ORIGIN ASPATH4 NH "D0 10 0010 4300000000000005 0002FDE900000064",
			  NLRI, 1, &u, &err),
		  0);
	CHECK_STR(u.warn, "");
	CHECK_INT(u.attrs.necomms, 2);
	CHECK(memcmp(u.attrs.ecomms[0].v, "\x43\x00\x00\x00\x00\x00\x00\x05", 8) == 0);
	CHECK(memcmp(u.attrs.ecomms[1].v, "\x00\x02\xfd\xe9\x00\x00\x00\x64", 8) == 0);
	CHECK_INT(u.attrs.unknown_len, 0);
	bgp_update_free(&u);
	/* discarded LOCAL_PREF is not in the set */
	CHECK_INT(dec_hex("", ORIGIN ASPATH4 NH "40 05 04 00000064", NLRI, 1, &u, &err), 0);
	CHECK(!(u.attrs.has & BGP_AH_LOCAL_PREF));
	bgp_update_free(&u);
	/* host bits are cleared */
	CHECK_INT(dec_hex("", ORIGIN ASPATH4 NH, "17 C00003", 1, &u, &err), 0);
	{
		struct prefix want = P("192.0.2.0/23");

		CHECK(prefix_eq(&u.announced[0], &want));
	}
	bgp_update_free(&u);
	/* NEXT_HOP without IPv4 NLRI is ignored (RFC 4760 sec 3) */
	CHECK_INT(dec_hex("", MPR6 ORIGIN ASPATH4 NH, "", 1, &u, &err), 0);
	CHECK(!(u.attrs.has & BGP_AH_NEXT_HOP));
	CHECK_INT(u.attrs.nexthop.af, 0);
	CHECK_INT(u.n_announced, 1);
	CHECK_INT(u.mp_reach_from, 0);
	bgp_update_free(&u);
	/* withdrawals and announcements of both families in one message */
	CHECK_INT(dec_hex("18 C63364", MPU6 ORIGIN ASPATH4 NH, NLRI, 1, &u, &err), 0);
	CHECK_INT(u.n_withdrawn, 3);
	CHECK_INT(u.withdrawn[1].addr.af, AF_INET6);
	CHECK_INT(u.withdrawn[2].len, 0);
	CHECK_INT(u.n_announced, 1);
	CHECK_INT(u.eor, 0);
	bgp_update_free(&u);
	/* MP_UNREACH with prefixes is not End-of-RIB */
	CHECK_INT(dec_hex("", MPU6, "", 1, &u, &err), 0);
	CHECK_INT(u.eor, 0);
	bgp_update_free(&u);
	/* nor is an empty MP_UNREACH next to other attributes */
	CHECK_INT(dec_hex("", "80 0F 03 000201" ORIGIN, "", 1, &u, &err), 0);
	CHECK_INT(u.eor, 0);
	bgp_update_free(&u);
	/* treat-as-withdraw keeps the prefixes for the caller to withdraw */
	CHECK_INT(dec_hex("", "40 01 01 03" ASPATH4 NH, NLRI "18 C63364", 1, &u, &err), 0);
	CHECK_INT(u.treat_as_withdraw, 1);
	CHECK_INT(u.n_announced, 2);
	bgp_update_free(&u);
	/* the NOTIFICATION for an unknown well-known attribute carries the attribute */
	CHECK_INT(dec_hex("", ORIGIN ASPATH4 NH "40 63 01 00", NLRI, 1, &u, &err), -1);
	CHECK_INT(err.datalen, 4);
	CHECK(memcmp(err.data, "\x40\x63\x01\x00", 4) == 0);
	bgp_update_free(&u);
}

/* RFC 6793 sec 4.2.3 on updates from a 2-octet peer. */
static void test_as4_merge(void)
{
	static const struct {
		const char *attrs, *path, *warn;
		uint32_t aggr;
	} m[] = {
		/* 65001 AS_TRANS AS_TRANS + AS4_PATH 4200000001 4200000002 */
		{ ORIGIN "40 02 08 02 03 FDE9 5BA0 5BA0" NH "C0 11 0A 02 02 FA56EA01 FA56EA02",
		  "65001 4200000001 4200000002", NULL, 0 },
		/* AS4_PATH longer than AS_PATH: ignored */
		{ ORIGIN "40 02 04 02 01 5BA0" NH "C0 11 0A 02 02 FA56EA01 FA56EA02", "23456",
		  "AS4_PATH longer than AS_PATH ignored", 0 },
		/* AGGREGATOR not AS_TRANS: both AS4 attributes ignored */
		{ ORIGIN "40 02 06 02 02 FDE9 5BA0" NH "C0 07 06 FDE9 C6336401"
			 "C0 11 06 02 01 FA56EA01 C0 12 08 FA56EA02 C6336402",
		  "65001 23456", "AGGREGATOR is not AS_TRANS", 65001 },
		/* AGGREGATOR AS_TRANS: AS4_AGGREGATOR taken */
		{ ORIGIN "40 02 06 02 02 FDE9 5BA0" NH "C0 07 06 5BA0 C6336401"
			 "C0 11 06 02 01 FA56EA01 C0 12 08 FA56EA02 C6336402",
		  "65001 4200000001", NULL, 4200000002u },
		/* sets: 1 2 {3 4} and AS4_PATH {5 6}: take two ASNs, then the AS4 set */
		{ ORIGIN "40 02 0C 02 02 0001 0002 01 02 0003 0004" NH
			 "C0 11 0A 01 02 00000005 00000006",
		  "1 2 {5 6}", NULL, 0 },
		/* a set inside the taken part counts one */
		{ ORIGIN "40 02 0E 01 02 0003 0004 02 03 0001 5BA0 5BA0" NH
			 "C0 11 0A 02 02 FA56EA01 FA56EA02",
		  "{3 4} 1 4200000001 4200000002", NULL, 0 },
		/* confed segments in AS4_PATH are dropped, the rest is used */
		{ ORIGIN "40 02 06 02 02 FDE9 5BA0" NH "C0 11 0C 03 01 00000009 02 01 FA56EA01",
		  "65001 4200000001", NULL, 0 },
	};

	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct bgp_update u;
		struct bgp_err err;
		struct buf b;

		CHECK_INT(dec_hex("", m[i].attrs, NLRI, 0, &u, &err), 0);
		buf_init(&b);
		bgp_aspath_fmt(&u.attrs, &b);
		CHECK_STR((char *)b.data, m[i].path);
		if (m[i].warn)
			CHECK(strstr(u.warn, m[i].warn) != NULL);
		else
			CHECK_STR(u.warn, "");
		if (m[i].aggr)
			CHECK_INT(u.attrs.aggregator_as, m[i].aggr);
		CHECK_INT(u.treat_as_withdraw, 0);
		buf_free(&b);
		bgp_update_free(&u);
	}
}

/* Merging joins adjacent sequences, so the path equals what a 4-octet peer sends: the
 * decoded sets intern to one pointer. */
static void test_as4_merge_interns_alike(void)
{
	struct bgp_update u2, u4;
	struct bgp_err err;
	const struct bgp_attrs *a2, *a4;

	CHECK_INT(dec_hex("", ORIGIN "40 02 06 02 02 FDE9 5BA0" NH "C0 11 06 02 01 FA56EA01", NLRI,
			  0, &u2, &err),
		  0);
	CHECK_INT(dec_hex("", ORIGIN "40 02 0A 02 02 0000FDE9 FA56EA01" NH, NLRI, 1, &u4, &err), 0);
	a2 = bgp_attrs_intern(&u2.attrs);
	a4 = bgp_attrs_intern(&u4.attrs);
	CHECK(a2 == a4);
	bgp_attrs_unref(a2);
	bgp_attrs_unref(a4);
	bgp_update_free(&u2);
	bgp_update_free(&u4);
	CHECK_INT(bgp_attrs_interned_count(), 0);
}

int main(void)
{
	RUN(test_roundtrip_all_attrs);
	RUN(test_ebgp_no_local_pref);
	RUN(test_every_row_on_the_wire);
	RUN(test_attr_order_and_unknown);
	RUN(test_as_trans_encoding);
	RUN(test_ipv6_link_local_nexthop);
	RUN(test_extended_nexthop);
	RUN(test_link_local_only_nexthop);
	RUN(test_withdraw_roundtrip);
	RUN(test_eor);
	RUN(test_limit_4096);
	RUN(test_extended_length);
	RUN(test_one_family_per_update);
	RUN(test_rfc7606_table);
	RUN(test_kept_values);
	RUN(test_as4_merge);
	RUN(test_as4_merge_interns_alike);
	return t_done();
}
