/* The RTR PDU codec: RFC 8210 section 5 (version 1) and RFC 6810 section 5 (version 0). */
#include <string.h>

#include "rpki/rtr.h"

/* One row per PDU type: its length (0: variable, at least min_len) and the first protocol
 * version that has it. End of Data is the one PDU whose length depends on the version. */
struct pdu_kind {
	const char *name;
	uint32_t len, min_len;
	uint8_t min_version;
};

/* clang-format off */
static const struct pdu_kind kinds[] = {
	[RTR_SERIAL_NOTIFY]  = { "Serial Notify",  12, 12, 0 },
	[RTR_SERIAL_QUERY]   = { "Serial Query",   12, 12, 0 },
	[RTR_RESET_QUERY]    = { "Reset Query",     8,  8, 0 },
	[RTR_CACHE_RESPONSE] = { "Cache Response",  8,  8, 0 },
	[RTR_IPV4_PREFIX]    = { "IPv4 Prefix",    20, 20, 0 },
	[RTR_IPV6_PREFIX]    = { "IPv6 Prefix",    32, 32, 0 },
	[RTR_END_OF_DATA]    = { "End of Data",     0, 12, 0 },
	[RTR_CACHE_RESET]    = { "Cache Reset",     8,  8, 0 },
	[RTR_ROUTER_KEY]     = { "Router Key",      0, 32, 1 },
	[RTR_ERROR_REPORT]   = { "Error Report",    0, 16, 0 },
};
/* clang-format on */

static const char *const ecode_names[] = {
	[RTR_E_CORRUPT_DATA] = "Corrupt Data",
	[RTR_E_INTERNAL] = "Internal Error",
	[RTR_E_NO_DATA] = "No Data Available",
	[RTR_E_INVALID_REQUEST] = "Invalid Request",
	[RTR_E_UNSUPPORTED_VERSION] = "Unsupported Protocol Version",
	[RTR_E_UNSUPPORTED_TYPE] = "Unsupported PDU Type",
	[RTR_E_UNKNOWN_WITHDRAWAL] = "Withdrawal of Unknown Record",
	[RTR_E_DUPLICATE_ANNOUNCEMENT] = "Duplicate Announcement Received",
	[RTR_E_UNEXPECTED_VERSION] = "Unexpected Protocol Version",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const struct pdu_kind *kind_of(unsigned type)
{
	return type < NELEM(kinds) && kinds[type].name ? &kinds[type] : NULL;
}

const char *rtr_type_name(unsigned type)
{
	const struct pdu_kind *k = kind_of(type);

	return k ? k->name : NULL;
}

const char *rtr_ecode_name(unsigned code)
{
	return code < NELEM(ecode_names) ? ecode_names[code] : "unknown error";
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static int reject(struct rtr_reject *why, enum rtr_ecode code, const char *msg)
{
	why->code = code;
	why->msg = msg;
	return -1;
}

/* The End of Data length of a version: RFC 6810 has no timers, RFC 8210 adds three. */
static uint32_t eod_len(unsigned version) { return version == 0 ? 12 : 24; }

static int decode_prefix(const uint8_t *b, int af, struct rtr_pdu *p, struct rtr_reject *why)
{
	unsigned bits = af == AF_INET ? 32 : 128;
	struct prefix n;

	p->flags = b[8];
	memset(&p->vrp, 0, sizeof(p->vrp));
	p->vrp.pfx.addr.af = (uint8_t)af;
	p->vrp.pfx.len = b[9];
	p->vrp.maxlen = b[10];
	memcpy(p->vrp.pfx.addr.a, b + 12, bits / 8);
	p->vrp.asn = get32(b + 12 + bits / 8);
	if (p->vrp.pfx.len > bits)
		return reject(why, RTR_E_CORRUPT_DATA, "prefix length too long");
	if (p->vrp.maxlen < p->vrp.pfx.len || p->vrp.maxlen > bits)
		return reject(why, RTR_E_CORRUPT_DATA, "max length outside prefix length..32/128");
	n = p->vrp.pfx;
	prefix_normalize(&n);
	if (memcmp(&n, &p->vrp.pfx, sizeof(n)) != 0)
		return reject(why, RTR_E_CORRUPT_DATA, "prefix has host bits set");
	return 1;
}

/* RFC 8210 section 6: the ranges of the End of Data timers. */
static int decode_eod(const uint8_t *b, struct rtr_pdu *p, struct rtr_reject *why)
{
	p->serial = get32(b + 8);
	if (p->version == 0)
		return 1;
	p->refresh = get32(b + 12);
	p->retry = get32(b + 16);
	p->expire = get32(b + 20);
	if (p->refresh < 1 || p->refresh > 86400)
		return reject(why, RTR_E_CORRUPT_DATA, "refresh interval outside 1..86400");
	if (p->retry < 1 || p->retry > 7200)
		return reject(why, RTR_E_CORRUPT_DATA, "retry interval outside 1..7200");
	if (p->expire < 600 || p->expire > 172800)
		return reject(why, RTR_E_CORRUPT_DATA, "expire interval outside 600..172800");
	if (p->expire <= p->refresh || p->expire <= p->retry)
		return reject(why, RTR_E_CORRUPT_DATA,
			      "expire interval not above refresh and retry");
	return 1;
}

static int decode_router_key(const uint8_t *b, uint32_t len, struct rtr_pdu *p)
{
	p->flags = b[2];
	memcpy(p->ski, b + 8, sizeof(p->ski));
	p->asn = get32(b + 28);
	p->spki = b + 32;
	p->spki_len = len - 32;
	return 1;
}

static int decode_error(const uint8_t *b, uint32_t len, struct rtr_pdu *p, struct rtr_reject *why)
{
	uint32_t elen = get32(b + 8), tlen;

	p->ecode = get16(b + 2);
	if (elen > len - 16)
		return reject(why, RTR_E_CORRUPT_DATA, "encapsulated PDU longer than the report");
	p->epdu = b + 12;
	p->epdu_len = elen;
	tlen = get32(b + 12 + elen);
	if (tlen != len - 16 - elen)
		return reject(why, RTR_E_CORRUPT_DATA, "error text length does not fit the report");
	p->text = (const char *)b + 16 + elen;
	p->text_len = tlen;
	return 1;
}

int rtr_decode(const uint8_t *b, size_t len, struct rtr_pdu *p, size_t *used,
	       struct rtr_reject *why)
{
	const struct pdu_kind *k;
	uint32_t plen;

	*used = 0;
	if (len < RTR_HDR_LEN)
		return 0;
	memset(p, 0, sizeof(*p));
	p->version = b[0];
	p->type = b[1];
	plen = get32(b + 4);
	*used = plen;
	if (p->version > RTR_VERSION_MAX)
		return reject(why, RTR_E_UNSUPPORTED_VERSION, "protocol version above 1");
	if (plen < RTR_HDR_LEN || plen > RTR_PDU_MAX)
		return reject(why, RTR_E_CORRUPT_DATA, "PDU length outside 8..65536");
	k = kind_of(p->type);
	if (!k || p->version < k->min_version)
		return reject(why, RTR_E_UNSUPPORTED_TYPE, "PDU type unknown in this version");
	if (k->len                       ? plen != k->len
	    : p->type == RTR_END_OF_DATA ? plen != eod_len(p->version)
					 : plen < k->min_len)
		return reject(why, RTR_E_CORRUPT_DATA, "wrong length for the PDU type");
	if (len < plen)
		return 0;
	switch (p->type) {
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
		p->session = get16(b + 2);
		p->serial = get32(b + 8);
		return 1;
	case RTR_CACHE_RESPONSE: p->session = get16(b + 2); return 1;
	case RTR_IPV4_PREFIX: return decode_prefix(b, AF_INET, p, why);
	case RTR_IPV6_PREFIX: return decode_prefix(b, AF_INET6, p, why);
	case RTR_END_OF_DATA: p->session = get16(b + 2); return decode_eod(b, p, why);
	case RTR_ROUTER_KEY: return decode_router_key(b, plen, p);
	case RTR_ERROR_REPORT: return decode_error(b, plen, p, why);
	default: /* Reset Query, Cache Reset: the header is all */ return 1;
	}
}

static uint8_t *put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
	return b + 2;
}

static uint8_t *put32(uint8_t *b, uint32_t v)
{
	b[0] = (uint8_t)(v >> 24);
	b[1] = (uint8_t)(v >> 16);
	b[2] = (uint8_t)(v >> 8);
	b[3] = (uint8_t)v;
	return b + 4;
}

/* The length p will take on the wire; 0 for an unknown type. */
static size_t wire_len(const struct rtr_pdu *p)
{
	const struct pdu_kind *k = kind_of(p->type);

	if (!k)
		return 0;
	if (k->len)
		return k->len;
	switch (p->type) {
	case RTR_END_OF_DATA: return eod_len(p->version);
	case RTR_ROUTER_KEY: return 32 + p->spki_len;
	default: /* Error Report */ return 16 + p->epdu_len + p->text_len;
	}
}

size_t rtr_encode(const struct rtr_pdu *p, uint8_t *buf, size_t cap)
{
	size_t len = wire_len(p);
	uint8_t *b = buf;
	unsigned addr_bytes = p->type == RTR_IPV4_PREFIX ? 4 : 16;

	if (!len || len > cap || len > RTR_PDU_MAX)
		return 0;
	memset(buf, 0, len);
	buf[0] = p->version;
	buf[1] = p->type;
	put32(buf + 4, (uint32_t)len);
	b = buf + RTR_HDR_LEN;
	switch (p->type) {
	case RTR_SERIAL_NOTIFY:
	case RTR_SERIAL_QUERY:
	case RTR_END_OF_DATA:
		put16(buf + 2, p->session);
		b = put32(b, p->serial);
		if (p->type == RTR_END_OF_DATA && p->version > 0) {
			b = put32(b, p->refresh);
			b = put32(b, p->retry);
			put32(b, p->expire);
		}
		break;
	case RTR_CACHE_RESPONSE: put16(buf + 2, p->session); break;
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX:
		b[0] = p->flags;
		b[1] = p->vrp.pfx.len;
		b[2] = p->vrp.maxlen;
		memcpy(b + 4, p->vrp.pfx.addr.a, addr_bytes);
		put32(b + 4 + addr_bytes, p->vrp.asn);
		break;
	case RTR_ROUTER_KEY:
		buf[2] = p->flags;
		memcpy(b, p->ski, sizeof(p->ski));
		b = put32(b + sizeof(p->ski), p->asn);
		if (p->spki_len)
			memcpy(b, p->spki, p->spki_len);
		break;
	case RTR_ERROR_REPORT:
		put16(buf + 2, p->ecode);
		b = put32(b, (uint32_t)p->epdu_len);
		if (p->epdu_len)
			memcpy(b, p->epdu, p->epdu_len);
		b = put32(b + p->epdu_len, (uint32_t)p->text_len);
		if (p->text_len)
			memcpy(b, p->text, p->text_len);
		break;
	default: /* Reset Query, Cache Reset */ break;
	}
	return len;
}
