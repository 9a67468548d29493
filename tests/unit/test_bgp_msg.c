/* BGP message codec: header, OPEN and capabilities, KEEPALIVE, NOTIFICATION, ROUTE-REFRESH. */
#include <stdlib.h>

#include "bgp/capa.h"
#include "bgp/msg.h"
#include "t.h"

/* Body of the single message in b, after checking its header. */
static const uint8_t *one_msg(const struct buf *b, uint8_t want_type, size_t *bodylen)
{
	struct bgp_err err;
	uint16_t len = 0;
	uint8_t type = 0;

	CHECK_INT(bgp_hdr_check(b->data + b->off, buf_pending(b), &len, &type, &err), 1);
	CHECK_INT(len, buf_pending(b));
	CHECK_INT(type, want_type);
	*bodylen = buf_pending(b) - BGP_HDR_LEN;
	return b->data + b->off + BGP_HDR_LEN;
}

static void hdr(uint8_t *m, uint16_t len, uint8_t type)
{
	memset(m, 0xff, 16);
	put16(m + 16, len);
	m[18] = type;
}

static void test_hdr_check(void)
{
	static const struct {
		uint16_t len;
		uint8_t type;
		int rc, sub;
	} cases[] = {
		{ 19, BGP_KEEPALIVE, 1, 0 },
		{ 20, BGP_KEEPALIVE, -1, BGP_ERR_HDR_LEN },
		{ 18, BGP_KEEPALIVE, -1, BGP_ERR_HDR_LEN },
		{ 4097, BGP_UPDATE, -1, BGP_ERR_HDR_LEN },
		{ 4096, BGP_UPDATE, 1, 0 },
		{ 22, BGP_UPDATE, -1, BGP_ERR_HDR_LEN },
		{ 23, BGP_UPDATE, 1, 0 },
		{ 28, BGP_OPEN, -1, BGP_ERR_HDR_LEN },
		{ 29, BGP_OPEN, 1, 0 },
		{ 20, BGP_NOTIFICATION, -1, BGP_ERR_HDR_LEN },
		{ 21, BGP_NOTIFICATION, 1, 0 },
		{ 23, BGP_ROUTE_REFRESH, 1, 0 },
		{ 24, BGP_ROUTE_REFRESH, -1, BGP_ERR_HDR_LEN },
		{ 19, 6, -1, BGP_ERR_HDR_TYPE },
		{ 19, 0, -1, BGP_ERR_HDR_TYPE },
	};
	uint8_t m[19];
	struct bgp_err err;
	uint16_t len;
	uint8_t type;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		hdr(m, cases[i].len, cases[i].type);
		memset(&err, 0, sizeof(err));
		CHECK_INT(bgp_hdr_check(m, sizeof(m), &len, &type, &err), cases[i].rc);
		if (cases[i].rc < 0) {
			CHECK_INT(err.code, BGP_ERR_HEADER);
			CHECK_INT(err.subcode, cases[i].sub);
			if (cases[i].sub == BGP_ERR_HDR_LEN) { /* data: the bad length */
				CHECK_INT(err.datalen, 2);
				CHECK_INT(get16(err.data), cases[i].len);
			} else {
				CHECK_INT(err.datalen, 1);
				CHECK_INT(err.data[0], cases[i].type);
			}
		} else {
			CHECK_INT(len, cases[i].len);
			CHECK_INT(type, cases[i].type);
		}
	}
	hdr(m, 19, BGP_KEEPALIVE);
	CHECK_INT(bgp_hdr_check(m, 18, &len, &type, &err), 0);
	m[3] = 0xfe;
	CHECK_INT(bgp_hdr_check(m, 19, &len, &type, &err), -1);
	CHECK_INT(err.code, BGP_ERR_HEADER);
	CHECK_INT(err.subcode, BGP_ERR_HDR_SYNC);
}

static void test_keepalive(void)
{
	struct buf b;
	size_t bl;

	buf_init(&b);
	bgp_keepalive_encode(&b);
	CHECK_INT(b.len, 19);
	one_msg(&b, BGP_KEEPALIVE, &bl);
	CHECK_INT(bl, 0);
	buf_free(&b);
}

/* Offsets survive the buffer moving pending bytes to the front while it grows. */
static void test_msg_offsets_after_consume(void)
{
	struct buf b;
	uint8_t big[5000];
	size_t start, bl;

	buf_init(&b);
	memset(big, 0, sizeof(big));
	buf_put(&b, big, 300);
	buf_consume(&b, 100);
	start = bgp_msg_begin(&b, BGP_NOTIFICATION);
	buf_put(&b, big, 4000); /* forces growth with off > 0 */
	bgp_msg_end(&b, start);
	CHECK_INT(get16(b.data + b.off + 200 + 16), 19 + 4000);
	buf_consume(&b, 200);
	one_msg(&b, BGP_NOTIFICATION, &bl);
	buf_free(&b);
}

static void test_open_roundtrip(void)
{
	static const struct {
		uint32_t asn;
		uint8_t v4, v6, rr, as4, role;
	} cases[] = {
		{ 65001, 1, 1, 1, 1, BGP_ROLE_CUSTOMER },
		{ 4200000001u, 1, 0, 0, 1, BGP_ROLE_NONE },
		{ 64500, 0, 1, 1, 0, BGP_ROLE_PEER },
		{ 64500, 0, 0, 0, 0, BGP_ROLE_NONE },
		{ 1, 1, 1, 1, 1, BGP_ROLE_RS_CLIENT },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct bgp_caps c = { .mp_ipv4 = cases[i].v4,
				      .mp_ipv6 = cases[i].v6,
				      .route_refresh = cases[i].rr,
				      .as4 = cases[i].as4,
				      .role = cases[i].role };
		struct bgp_open o;
		struct bgp_err err;
		struct buf b;
		const uint8_t *body;
		size_t bl;

		buf_init(&b);
		bgp_open_encode(&b, cases[i].asn, 90, 0xc6120001u, &c);
		body = one_msg(&b, BGP_OPEN, &bl);
		CHECK_INT(bgp_open_decode(body, bl, &o, &err), 0);
		CHECK_INT(o.version, 4);
		CHECK_INT(o.my_as, cases[i].asn > 65535 ? BGP_AS_TRANS : cases[i].asn);
		CHECK_INT(o.hold_time, 90);
		CHECK_INT(o.bgp_id, 0xc6120001u);
		CHECK_INT(o.caps.mp_ipv4, cases[i].v4);
		CHECK_INT(o.caps.mp_ipv6, cases[i].v6);
		CHECK_INT(o.caps.mp_any, cases[i].v4 || cases[i].v6);
		CHECK_INT(o.caps.route_refresh, cases[i].rr);
		CHECK_INT(o.caps.as4, cases[i].as4);
		CHECK_INT(o.caps.role, cases[i].role);
		if (cases[i].as4)
			CHECK_INT(o.caps.as4_asn, cases[i].asn);
		CHECK_INT(o.asn, cases[i].as4 ? cases[i].asn : o.my_as);
		buf_free(&b);
	}
}

static size_t unhex(const char *s, uint8_t *out)
{
	size_t n = 0;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		sscanf(s, "%2hhx", &out[n++]);
		s += 2;
	}
	return n;
}

/* OPEN bodies: version, AS, hold, id, then the optional parameters. */
static void test_open_errors(void)
{
	static const struct {
		const char *hex;
		int rc, code, sub;
		uint32_t asn;
	} cases[] = {
		/* fine, no parameters */
		{ "04 FDE9 005A C6120001 00", 0, 0, 0, 65001 },
		/* version 3: 2/1, data says 4 */
		{ "03 FDE9 005A C6120001 00", -1, 2, 1, 0 },
		/* hold time 1 and 2: 2/6; 0 and 3 fine */
		{ "04 FDE9 0001 C6120001 00", -1, 2, 6, 0 },
		{ "04 FDE9 0002 C6120001 00", -1, 2, 6, 0 },
		{ "04 FDE9 0000 C6120001 00", 0, 0, 0, 65001 },
		{ "04 FDE9 0003 C6120001 00", 0, 0, 0, 65001 },
		/* BGP identifier 0 */
		{ "04 FDE9 005A 00000000 00", -1, 2, 3, 0 },
		/* AS 0 (RFC 7607) */
		{ "04 0000 005A C6120001 00", -1, 2, 2, 0 },
		/* optional parameter type 1 (authentication, deprecated): unsupported */
		{ "04 FDE9 005A C6120001 03 01 01 00", -1, 2, 4, 0 },
		/* optional parameters length disagrees with the message */
		{ "04 FDE9 005A C6120001 05 02 02 02 00", -1, 2, 0, 0 },
		{ "04 FDE9 005A C6120001 02 02 02 02 00", -1, 2, 0, 0 },
		/* parameter overruns */
		{ "04 FDE9 005A C6120001 03 02 05 02", -1, 2, 0, 0 },
		/* capability overruns its parameter */
		{ "04 FDE9 005A C6120001 04 02 02 41 04", -1, 2, 0, 0 },
		/* 4-octet AS capability of length 2 */
		{ "04 5BA0 005A C6120001 06 02 04 41 02 FDE9", -1, 2, 0, 0 },
		/* 4-octet AS capability with AS 0 */
		{ "04 5BA0 005A C6120001 08 02 06 41 04 00000000", -1, 2, 2, 0 },
		/* 4-octet AS: 4200000001 */
		{ "04 5BA0 005A C6120001 08 02 06 41 04 FA56EA01", 0, 0, 0, 4200000001u },
		/* unknown capabilities (64 GR, 70 enhanced RR, 128 old RR) ignored */
		{ "04 FDE9 005A C6120001 0C 02 0A 40 02 0078 46 00 80 00 02 00", 0, 0, 0, 65001 },
		/* MP capability of length 3 */
		{ "04 FDE9 005A C6120001 05 02 03 01 01 00", -1, 2, 0, 0 },
		/* two Role capabilities that disagree: Role Mismatch */
		{ "04 FDE9 005A C6120001 08 02 06 09 01 03 09 01 00", -1, 2, 11, 0 },
		/* two that agree */
		{ "04 FDE9 005A C6120001 08 02 06 09 01 03 09 01 03", 0, 0, 0, 65001 },
		/* Role of length 2 */
		{ "04 FDE9 005A C6120001 05 02 03 09 02 03", -1, 2, 0, 0 },
		/* capabilities spread over two parameters */
		{ "04 FDE9 005A C6120001 0A 02 02 02 00 02 04 09 02 03", -1, 2, 0, 0 },
		{ "04 FDE9 005A C6120001 09 02 02 02 00 02 03 09 01 04", 0, 0, 0, 65001 },
		/* RFC 9072 extended optional parameters */
		{ "04 FDE9 005A C6120001 FF FF 0007 02 0004 41 02 FDE9", -1, 2, 0, 0 },
		{ "04 FDE9 005A C6120001 FF FF 0009 02 0006 41 04 0000FDEA", 0, 0, 0, 65002 },
		/* truncated OPEN */
		{ "04 FDE9 005A C61200", -1, 1, 2, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t body[128];
		size_t n = unhex(cases[i].hex, body);
		struct bgp_open o;
		struct bgp_err err;
		int rc;

		memset(&err, 0, sizeof(err));
		rc = bgp_open_decode(body, n, &o, &err);
		if (rc != cases[i].rc)
			fprintf(stderr, "case %zu: %s\n", i, err.reason);
		CHECK_INT(rc, cases[i].rc);
		if (rc < 0) {
			CHECK_INT(err.code, cases[i].code);
			CHECK_INT(err.subcode, cases[i].sub);
			CHECK(err.reason[0] != 0);
		} else {
			CHECK_INT(o.asn, cases[i].asn);
		}
		if (cases[i].code == 2 && cases[i].sub == 1) {
			CHECK_INT(err.datalen, 2);
			CHECK_INT(get16(err.data), 4);
		}
	}
}

static void test_open_caps_detail(void)
{
	uint8_t body[64];
	size_t n = unhex("04 FDE9 005A C6120001 0E 02 0C 01 04 0002 00 01 01 04 0001 00 02", body);
	struct bgp_open o;
	struct bgp_err err;

	/* IPv6 unicast and IPv4 multicast: only the unicast family counts */
	CHECK_INT(bgp_open_decode(body, n, &o, &err), 0);
	CHECK_INT(o.caps.mp_any, 1);
	CHECK_INT(o.caps.mp_ipv6, 1);
	CHECK_INT(o.caps.mp_ipv4, 0);
	CHECK_INT(o.caps.role, BGP_ROLE_NONE);
	CHECK_INT(o.caps.route_refresh, 0);
}

static void test_notification_roundtrip(void)
{
	static const uint8_t data[] = { 1, 2, 3, 4, 5 };
	struct bgp_notification n;
	struct buf b;
	const uint8_t *body;
	size_t bl;

	buf_init(&b);
	bgp_notification_encode(&b, BGP_ERR_UPDATE, BGP_ERR_UPD_ASPATH, data, sizeof(data));
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_INT(n.code, 3);
	CHECK_INT(n.subcode, 11);
	CHECK_INT(n.datalen, 5);
	CHECK(memcmp(n.data, data, 5) == 0);
	CHECK_STR(n.shutdown_msg, "");
	buf_reset(&b);

	bgp_notification_encode(&b, BGP_ERR_HOLD, 0, NULL, 0);
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_INT(n.code, 4);
	CHECK_INT(n.datalen, 0);
	CHECK_INT(bgp_notification_decode(body, 1, &n), -1);
	buf_free(&b);
}

static void test_shutdown_communication(void)
{
	struct bgp_notification n;
	struct buf b;
	const uint8_t *body;
	size_t bl;
	char text[400];

	buf_init(&b);
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance, back at 14:00 UTC — ok");
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(body[2], strlen("maintenance, back at 14:00 UTC — ok"));
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_INT(n.code, BGP_ERR_CEASE);
	CHECK_INT(n.subcode, BGP_CEASE_ADMIN_SHUTDOWN);
	CHECK_STR(n.shutdown_msg, "maintenance, back at 14:00 UTC — ok");
	buf_reset(&b);

	/* NULL text: a zero length octet */
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_RESET, NULL);
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(bl, 3);
	CHECK_INT(body[2], 0);
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_STR(n.shutdown_msg, "");
	buf_reset(&b);

	/* 254 ASCII then a 2-octet character: cut to 254, not in the middle of it */
	memset(text, 'a', 254);
	strcpy(text + 254, "é and more");
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_SHUTDOWN, text);
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(body[2], 254);
	CHECK_INT(bl, 3 + 254);
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_INT(strlen(n.shutdown_msg), 254);
	buf_reset(&b);

	/* 255 ASCII fits exactly */
	memset(text, 'b', 300);
	text[300] = 0;
	bgp_shutdown_encode(&b, BGP_CEASE_ADMIN_SHUTDOWN, text);
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(body[2], 255);
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_INT(strlen(n.shutdown_msg), 255);
	buf_free(&b);

	/* control characters and broken UTF-8 are replaced */
	{
		uint8_t m[] = { 6, 2, 9, 'h', 'i', '\n', 0x1b, 0xff, 0xc3, 'x', 0xc3, 0xa9 };
		CHECK_INT(bgp_notification_decode(m, sizeof(m), &n), 0);
		CHECK_STR(n.shutdown_msg, "hi????xé");
	}
	/* a length past the data: malformed, no text */
	{
		uint8_t m[] = { 6, 2, 10, 'h', 'i' };
		CHECK_INT(bgp_notification_decode(m, sizeof(m), &n), 0);
		CHECK_STR(n.shutdown_msg, "");
		CHECK_INT(n.datalen, 3);
	}
	/* other Cease subcodes carry no communication */
	{
		uint8_t m[] = { 6, 3, 2, 'h', 'i' };
		CHECK_INT(bgp_notification_decode(m, sizeof(m), &n), 0);
		CHECK_STR(n.shutdown_msg, "");
	}
}

static void test_names(void)
{
	CHECK_STR(bgp_err_code_name(6), "Cease");
	CHECK_STR(bgp_err_code_name(99), "Unknown Error Code");
	CHECK_STR(bgp_err_subcode_name(6, 2), "Cease/Administrative Shutdown");
	CHECK_STR(bgp_err_subcode_name(3, 11), "UPDATE Message Error/Malformed AS_PATH");
	CHECK_STR(bgp_err_subcode_name(2, 11), "OPEN Message Error/Role Mismatch");
	CHECK_STR(bgp_err_subcode_name(6, 9), "Cease/Hard Reset");
	CHECK_STR(bgp_err_subcode_name(6, 8), "Cease/Out of Resources");
	CHECK_STR(bgp_err_subcode_name(1, 1), "Message Header Error/Connection Not Synchronized");
	CHECK_STR(bgp_err_subcode_name(4, 0), "Hold Timer Expired/Unspecific");
	CHECK_STR(bgp_err_subcode_name(6, 77), "Cease/Unknown Subcode");
	CHECK_STR(bgp_err_subcode_name(0, 0), "Unknown Error Code/Unknown Subcode");
	/* every defined pair has its own name; nothing is ever NULL */
	for (int c = 0; c < 256; c++)
		for (int s = 0; s < 256; s++)
			CHECK(bgp_err_subcode_name((uint8_t)c, (uint8_t)s) != NULL);
	for (int s = 1; s <= 3; s++)
		CHECK(strstr(bgp_err_subcode_name(1, (uint8_t)s), "Unknown") == NULL);
	for (int s = 1; s <= 7; s++)
		CHECK(strstr(bgp_err_subcode_name(2, (uint8_t)s), "Unknown") == NULL);
	for (int s = 1; s <= 11; s++)
		CHECK(strstr(bgp_err_subcode_name(3, (uint8_t)s), "Unknown") == NULL);
	for (int s = 1; s <= 9; s++)
		CHECK(strstr(bgp_err_subcode_name(6, (uint8_t)s), "Unknown") == NULL);
}

static void test_refresh(void)
{
	struct buf b;
	struct bgp_err err;
	const uint8_t *body;
	size_t bl;
	uint16_t afi;
	uint8_t safi;

	buf_init(&b);
	bgp_refresh_encode(&b, BGP_AFI_IPV6, BGP_SAFI_UNICAST);
	CHECK_INT(b.len, 23);
	body = one_msg(&b, BGP_ROUTE_REFRESH, &bl);
	CHECK_INT(bgp_refresh_decode(body, bl, &afi, &safi, &err), 0);
	CHECK_INT(afi, 2);
	CHECK_INT(safi, 1);
	CHECK_INT(bgp_refresh_decode(body, 3, &afi, &safi, &err), -1);
	CHECK_INT(err.code, BGP_ERR_REFRESH);
	CHECK_INT(err.subcode, 1);
	buf_free(&b);
}

/* RFC 7313 subtypes ride in RFC 2918's reserved octet. */
static void test_refresh_subtypes(void)
{
	static const uint8_t subs[] = { BGP_RR_REQUEST, BGP_RR_BORR, BGP_RR_EORR, 9 };
	struct buf b;
	struct bgp_err err;
	const uint8_t *body;
	size_t bl;
	uint16_t afi;
	uint8_t safi, sub;

	for (size_t i = 0; i < sizeof(subs); i++) {
		buf_init(&b);
		bgp_refresh_encode_sub(&b, BGP_AFI_IPV4, subs[i], BGP_SAFI_UNICAST);
		body = one_msg(&b, BGP_ROUTE_REFRESH, &bl);
		CHECK_INT(body[2], subs[i]);
		CHECK_INT(bgp_refresh_decode_sub(body, bl, &afi, &sub, &safi, &err), 0);
		CHECK_INT(afi, BGP_AFI_IPV4);
		CHECK_INT(sub, subs[i]);
		CHECK_INT(safi, BGP_SAFI_UNICAST);
		buf_free(&b);
	}
}

/* Graceful restart and enhanced route refresh capabilities, both ways, and their errors. */
static void test_open_gr_caps(void)
{
	struct bgp_caps c = { .mp_ipv4 = 1,
			      .mp_ipv6 = 1,
			      .as4 = 1,
			      .role = BGP_ROLE_NONE,
			      .enhanced_refresh = 1,
			      .gr = 1,
			      .gr_flags = BGP_GR_FLAG_R,
			      .gr_time = 120,
			      .gr_af = { BGP_GR_AF_PRESENT | BGP_GR_AF_FORWARDING,
					 BGP_GR_AF_PRESENT } };
	struct bgp_open o;
	struct bgp_err err;
	struct buf b;
	const uint8_t *body;
	size_t bl;

	buf_init(&b);
	bgp_open_encode(&b, 65001, 90, 0xc6120001u, &c);
	body = one_msg(&b, BGP_OPEN, &bl);
	CHECK_INT(bgp_open_decode(body, bl, &o, &err), 0);
	CHECK_INT(o.caps.enhanced_refresh, 1);
	CHECK_INT(o.caps.gr, 1);
	CHECK_INT(o.caps.gr_flags, BGP_GR_FLAG_R);
	CHECK_INT(o.caps.gr_time, 120);
	CHECK_INT(o.caps.gr_af[0], BGP_GR_AF_PRESENT | BGP_GR_AF_FORWARDING);
	CHECK_INT(o.caps.gr_af[1], BGP_GR_AF_PRESENT);
	buf_free(&b);

	/* Capability TLVs by hand: a GR of the wrong length, an ERR with a value, the last GR
	 * instance counting, and an unknown family skipped. */
	static const struct {
		uint8_t caps[24];
		uint8_t len;
		int ok;
		uint16_t time;
		uint8_t af0;
	} cases[] = {
		{ { 64, 3, 0, 120, 0 }, 5, 0, 0, 0 },
		{ { 70, 1, 0 }, 3, 0, 0, 0 },
		{ { 64, 2, 0x80, 30 }, 4, 1, 30, 0 },
		{ { 64, 6, 0, 30, 0, 1, 1, 0x80, 64, 2, 0x0f, 0xff }, 12, 1, 4095, 0 },
		{ { 64, 6, 0, 10, 0, 25, 70, 0x80 }, 8, 1, 10, 0 },
		{ { 64, 6, 0, 10, 0, 1, 1, 0 }, 8, 1, 10, BGP_GR_AF_PRESENT },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t m[64] = { 4, 0xfd, 0xe9, 0, 90, 198, 18, 0, 1 };

		m[9] = (uint8_t)(cases[i].len + 2);
		m[10] = 2;
		m[11] = cases[i].len;
		memcpy(m + 12, cases[i].caps, cases[i].len);
		int r = bgp_open_decode(m, 12 + (size_t)cases[i].len, &o, &err);

		CHECK_INT(r, cases[i].ok ? 0 : -1);
		if (!cases[i].ok) {
			CHECK_INT(err.code, BGP_ERR_OPEN);
			continue;
		}
		CHECK_INT(o.caps.gr_time, cases[i].time);
		CHECK_INT(o.caps.gr_af[0], cases[i].af0);
	}
}

/* RFC 8538: the N bit in the GR capability's flags (0x4000 of the 16 bits on the wire), and the
 * Hard Reset Cease carrying the NOTIFICATION it stands for. */
static void test_gr_notification(void)
{
	struct bgp_caps c = { .mp_ipv4 = 1,
			      .as4 = 1,
			      .gr = 1,
			      .gr_flags = BGP_GR_FLAG_R | BGP_GR_FLAG_N,
			      .gr_time = 90,
			      .gr_af = { BGP_GR_AF_PRESENT | BGP_GR_AF_FORWARDING, 0 } };
	struct bgp_open o;
	struct bgp_err err;
	struct bgp_notification n;
	struct buf b;
	const uint8_t *body;
	size_t bl;

	buf_init(&b);
	bgp_open_encode(&b, 65001, 90, 0xc6120001u, &c);
	body = one_msg(&b, BGP_OPEN, &bl);
	CHECK_INT(bgp_open_decode(body, bl, &o, &err), 0);
	CHECK_INT(o.caps.gr_flags, BGP_GR_FLAG_R | BGP_GR_FLAG_N);
	/* on the wire: code 64, then flags and time: 0xc000 | 90 */
	int found = 0;

	for (size_t i = 0; i + 4 <= bl; i++)
		if (body[i] == 64 && body[i + 1] == 6 && body[i + 2] == 0xc0 && body[i + 3] == 90)
			found = 1;
	CHECK(found);
	buf_reset(&b);

	bgp_hard_reset_shutdown_encode(&b, BGP_CEASE_PEER_DECONF, "gone");
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(bl, 2 + 2 + 1 + 4);
	CHECK_INT(body[0], BGP_ERR_CEASE);
	CHECK_INT(body[1], BGP_CEASE_HARD_RESET);
	CHECK_INT(body[2], BGP_ERR_CEASE);
	CHECK_INT(body[3], BGP_CEASE_PEER_DECONF);
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_INT(n.hard_reset, 1);
	CHECK_INT(n.inner_code, BGP_ERR_CEASE);
	CHECK_INT(n.inner_subcode, BGP_CEASE_PEER_DECONF);
	buf_reset(&b);

	/* the text of an encapsulated Administrative Shutdown is shown */
	bgp_hard_reset_shutdown_encode(&b, BGP_CEASE_ADMIN_SHUTDOWN, "maintenance");
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(bgp_notification_decode(body, bl, &n), 0);
	CHECK_STR(n.shutdown_msg, "maintenance");
	buf_reset(&b);

	/* max-prefix data (AFI, SAFI, limit) carried whole */
	static const uint8_t mp[7] = { 0, 1, 1, 0, 0, 3, 0xe8 };

	bgp_hard_reset_encode(&b, BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, mp, sizeof(mp));
	body = one_msg(&b, BGP_NOTIFICATION, &bl);
	CHECK_INT(bl, 4 + sizeof(mp));
	CHECK(memcmp(body + 4, mp, sizeof(mp)) == 0);
	buf_reset(&b);

	/* a bare Hard Reset (no inner octets) and a plain NOTIFICATION */
	static const uint8_t bare[2] = { BGP_ERR_CEASE, BGP_CEASE_HARD_RESET };

	CHECK_INT(bgp_notification_decode(bare, 2, &n), 0);
	CHECK_INT(n.hard_reset, 1);
	CHECK_INT(n.inner_subcode, BGP_CEASE_HARD_RESET);
	static const uint8_t hold[2] = { BGP_ERR_HOLD, 0 };

	CHECK_INT(bgp_notification_decode(hold, 2, &n), 0);
	CHECK_INT(n.hard_reset, 0);
	CHECK_INT(n.inner_code, BGP_ERR_HOLD);
	buf_free(&b);
}

static void test_err_set(void)
{
	struct bgp_err e;
	uint8_t big[100];

	memset(big, 7, sizeof(big));
	bgp_err_set(&e, 3, 9, big, sizeof(big), "x %d", 42);
	CHECK_INT(e.datalen, sizeof(e.data));
	CHECK_STR(e.reason, "x 42");
	bgp_err_set(&e, 3, 1, NULL, 5, "y");
	CHECK_INT(e.datalen, 0);
}

int main(void)
{
	RUN(test_hdr_check);
	RUN(test_keepalive);
	RUN(test_msg_offsets_after_consume);
	RUN(test_open_roundtrip);
	RUN(test_open_errors);
	RUN(test_open_caps_detail);
	RUN(test_notification_roundtrip);
	RUN(test_shutdown_communication);
	RUN(test_names);
	RUN(test_refresh);
	RUN(test_err_set);
	RUN(test_refresh_subtypes);
	RUN(test_open_gr_caps);
	RUN(test_gr_notification);
	return t_done();
}
