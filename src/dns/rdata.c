/* Per-type RDATA parsing from master-file text. */
#include "dns/rdata.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "dns/nsec3.h"
#include "lib/buf.h"

static const struct {
	const char *name;
	uint16_t type;
} types[] = {
	{ "A", DNS_T_A },
	{ "NS", DNS_T_NS },
	{ "CNAME", DNS_T_CNAME },
	{ "SOA", DNS_T_SOA },
	{ "PTR", DNS_T_PTR },
	{ "MX", DNS_T_MX },
	{ "TXT", DNS_T_TXT },
	{ "AAAA", DNS_T_AAAA },
	{ "SRV", DNS_T_SRV },
	{ "CAA", DNS_T_CAA },
	{ "DS", DNS_T_DS },
	{ "ANY", DNS_T_ANY },
	{ "AXFR", DNS_T_AXFR },
	{ "IXFR", DNS_T_IXFR },
	{ "OPT", DNS_T_OPT },
	{ "DNAME", DNS_T_DNAME },
	{ "RRSIG", DNS_T_RRSIG },
	{ "NSEC", DNS_T_NSEC },
	{ "DNSKEY", DNS_T_DNSKEY },
	{ "NSEC3", DNS_T_NSEC3 },
	{ "NSEC3PARAM", DNS_T_NSEC3PARAM },
	/* names only (their rdata needs "\#"), as type bitmaps of signed zones spell them */
	{ "HINFO", 13 },
	{ "RP", 17 },
	{ "AFSDB", 18 },
	{ "LOC", 29 },
	{ "NAPTR", 35 },
	{ "CERT", 37 },
	{ "SSHFP", 44 },
	{ "IPSECKEY", 45 },
	{ "DHCID", 49 },
	{ "TLSA", 52 },
	{ "SMIMEA", 53 },
	{ "CDS", 59 },
	{ "CDNSKEY", 60 },
	{ "OPENPGPKEY", 61 },
	{ "CSYNC", 62 },
	{ "ZONEMD", 63 },
	{ "SVCB", 64 },
	{ "HTTPS", 65 },
	{ "SPF", 99 },
	{ "URI", 256 },
};

int dns_type_known(uint16_t type)
{
	switch (type) {
	case DNS_T_A:
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_SOA:
	case DNS_T_PTR:
	case DNS_T_MX:
	case DNS_T_TXT:
	case DNS_T_AAAA:
	case DNS_T_SRV:
	case DNS_T_CAA:
	case DNS_T_DNAME:
	case DNS_T_DS:
	case DNS_T_DNSKEY:
	case DNS_T_RRSIG:
	case DNS_T_NSEC:
	case DNS_T_NSEC3:
	case DNS_T_NSEC3PARAM: return 1;
	}
	return 0;
}

static int parse_uint(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 20)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > max)
			return -1;
	}
	*out = v;
	return 0;
}

int dns_type_from_text(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].name) == n && strncasecmp(types[i].name, s, n) == 0)
			return types[i].type;
	uint64_t v;

	/* RFC 3597 5: TYPEnnn for any type */
	if (n > 4 && strncasecmp(s, "TYPE", 4) == 0 && parse_uint(s + 4, n - 4, 65535, &v) == 0)
		return (int)v;
	return -1;
}

const char *dns_type_to_text(uint16_t type, char *buf)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == type)
			return types[i].name;
	snprintf(buf, 16, "TYPE%u", type);
	return buf;
}

int dns_ttl_from_text(const char *s, size_t n, uint32_t *out)
{
	uint64_t total = 0, cur = 0;
	int digits = 0, units = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			digits++;
			if (cur > 0xffffffffull)
				return -1;
			continue;
		}
		uint64_t mul;

		switch (c | 0x20) {
		case 's': mul = 1; break;
		case 'm': mul = 60; break;
		case 'h': mul = 3600; break;
		case 'd': mul = 86400; break;
		case 'w': mul = 604800; break;
		default: return -1;
		}
		if (!digits)
			return -1;
		total += cur * mul;
		cur = 0;
		digits = 0;
		units = 1;
		if (total > 0x7fffffffull)
			return -1;
	}
	if (digits && units)
		return -1; /* "1h30": a trailing number without its unit */
	total += cur;
	/* RFC 2181 8: a TTL is at most 2^31 - 1 */
	if (total > 0x7fffffffull)
		return -1;
	*out = (uint32_t)total;
	return 0;
}

/* Text with \DDD and \X escapes to bytes; -1 for a bad escape or more than cap bytes. */
static int unescape(const struct dns_ztok *t, uint8_t *out, size_t cap, const char **err)
{
	size_t w = 0;

	for (size_t i = 0; i < t->n; i++) {
		uint8_t c = (uint8_t)t->s[i];

		if (c == '\\') {
			if (i + 1 >= t->n) {
				*err = "backslash at the end of a string";
				return -1;
			}
			c = (uint8_t)t->s[++i];
			if (c >= '0' && c <= '9') {
				uint64_t v;

				if (i + 2 >= t->n || parse_uint(t->s + i, 3, 255, &v) < 0) {
					*err = "bad \\DDD escape";
					return -1;
				}
				c = (uint8_t)v;
				i += 2;
			}
		}
		if (w >= cap) {
			*err = "string too long";
			return -1;
		}
		out[w++] = c;
	}
	return (int)w;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* RFC 3597 5: "\# <length> <hex>..." */
static int parse_generic(uint16_t type, const struct dns_ztok *t, int nt, uint8_t *out,
			 const char **err, unsigned *errline)
{
	uint64_t len;
	size_t w = 0;

	if (nt < 2 || parse_uint(t[1].s, t[1].n, DNS_RDATA_MAX, &len) < 0) {
		*errline = t[nt < 2 ? 0 : 1].line;
		*err = "\\# needs a length (0-65535)";
		return -1;
	}
	for (int i = 2; i < nt; i++) {
		if (t[i].n % 2 || t[i].quoted) {
			*errline = t[i].line;
			*err = "bad hex in \\# rdata";
			return -1;
		}
		for (size_t j = 0; j < t[i].n; j += 2) {
			int hi = hexval(t[i].s[j]), lo = hexval(t[i].s[j + 1]);

			if (hi < 0 || lo < 0 || w >= len) {
				*errline = t[i].line;
				*err = hi < 0 || lo < 0 ? "bad hex in \\# rdata"
							: "\\# rdata longer than its length";
				return -1;
			}
			out[w++] = (uint8_t)(hi << 4 | lo);
		}
	}
	if (w != len) {
		*errline = t[nt - 1].line;
		*err = "\\# rdata shorter than its length";
		return -1;
	}
	if (dns_type_known(type) && dns_rdata_check(type, out, w) < 0) {
		*errline = t[0].line;
		*err = "\\# rdata is not valid for its type";
		return -1;
	}
	return (int)w;
}

static int check_name(const uint8_t *rd, size_t len, size_t *off)
{
	size_t o = *off;

	while (o < len && rd[o] != 0) {
		if (rd[o] > DNS_LABEL_MAX)
			return -1;
		o += 1 + rd[o];
	}
	if (o >= len || o + 1 - *off > DNS_NAME_MAX)
		return -1;
	*off = o + 1;
	return 0;
}

/* RFC 4034 4.1.2: windows in increasing order, each 1-32 octets. */
static int check_bitmap(const uint8_t *p, size_t len)
{
	int last = -1;

	for (size_t o = 0; o < len;) {
		if (o + 2 > len || p[o] <= last || p[o + 1] < 1 || p[o + 1] > 32 ||
		    o + 2 + p[o + 1] > len)
			return -1;
		last = p[o];
		o += 2 + (size_t)p[o + 1];
	}
	return 0;
}

int dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len)
{
	size_t off = 0;

	switch (type) {
	case DNS_T_DS:
	case DNS_T_DNSKEY: return len > 4 ? 0 : -1;
	case DNS_T_RRSIG: off = 18; return len > off && check_name(rd, len, &off) == 0 ? 0 : -1;
	case DNS_T_NSEC:
		if (check_name(rd, len, &off) < 0)
			return -1;
		return check_bitmap(rd + off, len - off);
	case DNS_T_NSEC3:
		if (len < 6 || (off = 5 + (size_t)rd[4]) >= len || rd[off] == 0 ||
		    off + 1 + rd[off] > len)
			return -1;
		off += 1 + (size_t)rd[off];
		return check_bitmap(rd + off, len - off);
	case DNS_T_NSEC3PARAM: return len >= 5 && len == 5 + (size_t)rd[4] ? 0 : -1;
	case DNS_T_A: return len == 4 ? 0 : -1;
	case DNS_T_AAAA: return len == 16 ? 0 : -1;
	case DNS_T_DNAME:
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR: break;
	case DNS_T_MX: off = 2; break;
	case DNS_T_SRV: off = 6; break;
	case DNS_T_SOA:
		if (check_name(rd, len, &off) < 0)
			return -1;
		if (check_name(rd, len, &off) < 0)
			return -1;
		return len - off == 20 ? 0 : -1;
	case DNS_T_TXT:
		if (len == 0)
			return -1;
		while (off < len)
			off += 1 + (size_t)rd[off];
		return off == len ? 0 : -1;
	case DNS_T_CAA:
		if (len < 2 || rd[1] == 0 || (size_t)rd[1] + 2 > len)
			return -1;
		return 0;
	default: return 0;
	}
	if (off > len || check_name(rd, len, &off) < 0)
		return -1;
	return off == len ? 0 : -1;
}

/* Shorthands for the per-type parsers below. */
#define FAIL(tok, msg)                 \
	do {                           \
		*errline = (tok).line; \
		*err = (msg);          \
		return -1;             \
	} while (0)

static int need(const struct dns_ztok *t, int nt, int want, const char **err, unsigned *errline)
{
	if (nt < want) {
		*errline = nt ? t[nt - 1].line : *errline;
		*err = "missing rdata field";
		return -1;
	}
	if (nt > want) {
		*errline = t[want].line;
		*err = "extra rdata field";
		return -1;
	}
	return 0;
}

static int put_name(const struct dns_ztok *t, const uint8_t *origin, uint8_t *out, const char **err,
		    unsigned *errline)
{
	if (t->quoted)
		FAIL(*t, "a name cannot be a quoted string");
	int l = dns_name_from_text(t->s, t->n, origin, out, err);

	if (l < 0)
		*errline = t->line;
	return l;
}

static int put_u16(const struct dns_ztok *t, uint8_t *out, const char **err, unsigned *errline)
{
	uint64_t v;

	if (t->quoted || parse_uint(t->s, t->n, 65535, &v) < 0)
		FAIL(*t, "expected a number 0-65535");
	put16(out, (uint16_t)v);
	return 2;
}

static int put_addr(int af, const struct dns_ztok *t, uint8_t *out, const char **err,
		    unsigned *errline)
{
	char tmp[64];

	if (t->quoted || t->n >= sizeof(tmp))
		FAIL(*t, af == AF_INET ? "bad IPv4 address" : "bad IPv6 address");
	memcpy(tmp, t->s, t->n);
	tmp[t->n] = 0;
	if (inet_pton(af, tmp, out) != 1)
		FAIL(*t, af == AF_INET ? "bad IPv4 address" : "bad IPv6 address");
	return af == AF_INET ? 4 : 16;
}

static int put_num(const struct dns_ztok *t, uint64_t max, uint8_t *out, int bytes,
		   const char **err, unsigned *errline)
{
	uint64_t v;

	if (t->quoted || parse_uint(t->s, t->n, max, &v) < 0)
		FAIL(*t, bytes == 1 ? "expected a number 0-255" : "expected a number");
	for (int i = 0; i < bytes; i++)
		out[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
	return bytes;
}

/* Hex in one or more tokens (RFC 4034 5.3, 4.3), appended at out; -1 on bad input. */
static int put_hex(const struct dns_ztok *t, int nt, uint8_t *out, size_t cap, const char **err,
		   unsigned *errline)
{
	size_t w = 0;
	int half = -1;

	for (int i = 0; i < nt; i++)
		for (size_t j = 0; j < t[i].n; j++) {
			int v = hexval(t[i].s[j]);

			if (v < 0 || t[i].quoted)
				FAIL(t[i], "bad hex digit");
			if (half < 0) {
				half = v;
				continue;
			}
			if (w >= cap)
				FAIL(t[i], "rdata too long");
			out[w++] = (uint8_t)(half << 4 | v);
			half = -1;
		}
	if (half >= 0)
		FAIL(t[nt - 1], "odd number of hex digits");
	return (int)w;
}

static int b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Base64 (RFC 4648 4) over one or more tokens, as keys and signatures are written. */
static int put_base64(const struct dns_ztok *t, int nt, uint8_t *out, size_t cap, const char **err,
		      unsigned *errline)
{
	uint32_t acc = 0;
	int bits = 0, pad = 0;
	size_t w = 0;

	if (nt < 1)
		return need(t, nt, 1, err, errline);
	for (int i = 0; i < nt; i++)
		for (size_t j = 0; j < t[i].n; j++) {
			int v = b64val(t[i].s[j]);

			if (t[i].s[j] == '=') {
				pad++;
				continue;
			}
			if (v < 0 || pad || t[i].quoted)
				FAIL(t[i], "bad base64");
			acc = acc << 6 | (uint32_t)v;
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				if (w >= cap)
					FAIL(t[i], "rdata too long");
				out[w++] = (uint8_t)(acc >> bits);
			}
		}
	if (bits >= 6 || pad > 2)
		FAIL(t[nt - 1], "bad base64 length");
	return (int)w;
}

/* RFC 4034 4.1.2: the types present, as a list of mnemonics, to window blocks. */
static int put_bitmap(const struct dns_ztok *t, int nt, uint8_t *out, const char **err,
		      unsigned *errline)
{
	uint8_t bits[256][32];
	uint8_t used[256];
	int w = 0;

	memset(used, 0, sizeof(used));
	for (int i = 0; i < nt; i++) {
		int ty = t[i].quoted ? -1 : dns_type_from_text(t[i].s, t[i].n);

		if (ty < 0)
			FAIL(t[i], "unknown type in the type bitmap");
		int win = ty >> 8, b = ty & 255;

		if (!used[win]) {
			memset(bits[win], 0, 32);
			used[win] = 1;
		}
		bits[win][b >> 3] |= (uint8_t)(0x80 >> (b & 7));
	}
	for (int win = 0; win < 256; win++) {
		if (!used[win])
			continue;
		int len = 32;

		while (len > 1 && !bits[win][len - 1])
			len--;
		out[w] = (uint8_t)win;
		out[w + 1] = (uint8_t)len;
		memcpy(out + w + 2, bits[win], (size_t)len);
		w += 2 + len;
	}
	return w;
}

/* NSEC3 salt: hex, or "-" for none (RFC 5155 3.3); written with its length octet. */
static int put_salt(const struct dns_ztok *t, uint8_t *out, const char **err, unsigned *errline)
{
	if (t->n == 1 && t->s[0] == '-' && !t->quoted) {
		out[0] = 0;
		return 1;
	}
	int l = put_hex(t, 1, out + 1, 255, err, errline);

	if (l < 0)
		return -1;
	out[0] = (uint8_t)l;
	return 1 + l;
}

static int days_from_civil(int y, int m, int d)
{
	/* days since 1970-01-01 of a proleptic Gregorian date */
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* RRSIG times (RFC 4034 3.2): YYYYMMDDHHmmSS in UTC, or seconds as a plain number. */
static int put_time(const struct dns_ztok *t, uint8_t *out, const char **err, unsigned *errline)
{
	uint64_t f[6];
	static const int w[6] = { 4, 2, 2, 2, 2, 2 };

	if (t->quoted)
		FAIL(*t, "bad RRSIG time");
	if (t->n != 14)
		return put_num(t, 0xffffffffu, out, 4, err, errline);
	for (int i = 0, o = 0; i < 6; o += w[i], i++)
		if (parse_uint(t->s + o, (size_t)w[i], 9999, &f[i]) < 0)
			FAIL(*t, "bad RRSIG time");
	if (f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60)
		FAIL(*t, "bad RRSIG time");
	int64_t s = (int64_t)days_from_civil((int)f[0], (int)f[1], (int)f[2]) * 86400 +
		    (int64_t)(f[3] * 3600 + f[4] * 60 + f[5]);

	put32(out, (uint32_t)s); /* RFC 4034 3.1.5: serial arithmetic, modulo 2^32 */
	return 4;
}

/* The DNSSEC types (RFC 4034, RFC 5155). */
static int sec_from_text(uint16_t type, const struct dns_ztok *t, int nt, const uint8_t *origin,
			 uint8_t *out, const char **err, unsigned *errline)
{
	int l, w = 0;

	switch (type) {
	case DNS_T_DS:     /* key tag, algorithm, digest type, digest */
	case DNS_T_DNSKEY: /* flags, protocol, algorithm, key */
		if (nt < 4)
			return need(t, nt, 4, err, errline);
		if (put_num(&t[0], 65535, out, 2, err, errline) < 0 ||
		    put_num(&t[1], 255, out + 2, 1, err, errline) < 0 ||
		    put_num(&t[2], 255, out + 3, 1, err, errline) < 0)
			return -1;
		l = type == DNS_T_DS
			    ? put_hex(t + 3, nt - 3, out + 4, DNS_RDATA_MAX - 4, err, errline)
			    : put_base64(t + 3, nt - 3, out + 4, DNS_RDATA_MAX - 4, err, errline);
		return l < 0 ? -1 : 4 + l;
	case DNS_T_RRSIG: {
		int ty = nt > 0 && !t[0].quoted ? dns_type_from_text(t[0].s, t[0].n) : -1;

		if (nt < 9)
			return need(t, nt, 9, err, errline);
		if (ty < 0)
			FAIL(t[0], "unknown type covered");
		put16(out, (uint16_t)ty);
		if (put_num(&t[1], 255, out + 2, 1, err, errline) < 0 ||
		    put_num(&t[2], 255, out + 3, 1, err, errline) < 0 ||
		    put_num(&t[3], 0xffffffffu, out + 4, 4, err, errline) < 0 ||
		    put_time(&t[4], out + 8, err, errline) < 0 ||
		    put_time(&t[5], out + 12, err, errline) < 0 ||
		    put_num(&t[6], 65535, out + 16, 2, err, errline) < 0)
			return -1;
		l = put_name(&t[7], origin, out + 18, err, errline);
		if (l < 0)
			return -1;
		w = 18 + l;
		l = put_base64(t + 8, nt - 8, out + w, DNS_RDATA_MAX - (size_t)w, err, errline);
		return l < 0 ? -1 : w + l;
	}
	case DNS_T_NSEC: /* next owner, types */
		if (nt < 1)
			return need(t, nt, 1, err, errline);
		w = put_name(&t[0], origin, out, err, errline);
		if (w < 0)
			return -1;
		l = put_bitmap(t + 1, nt - 1, out + w, err, errline);
		return l < 0 ? -1 : w + l;
	case DNS_T_NSEC3: /* algorithm, flags, iterations, salt, next hashed owner, types */
	case DNS_T_NSEC3PARAM:
		if (nt < (type == DNS_T_NSEC3 ? 5 : 4) || (type == DNS_T_NSEC3PARAM && nt > 4))
			return need(t, nt, type == DNS_T_NSEC3 ? 5 : 4, err, errline);
		if (put_num(&t[0], 255, out, 1, err, errline) < 0 ||
		    put_num(&t[1], 255, out + 1, 1, err, errline) < 0 ||
		    put_num(&t[2], 65535, out + 2, 2, err, errline) < 0)
			return -1;
		l = put_salt(&t[3], out + 4, err, errline);
		if (l < 0)
			return -1;
		w = 4 + l;
		if (type == DNS_T_NSEC3PARAM)
			return w;
		l = t[4].quoted ? -1 : dns_b32hex_decode(t[4].s, t[4].n, out + w + 1, 255);
		if (l < 1)
			FAIL(t[4], "bad base32hex next hashed owner");
		out[w] = (uint8_t)l;
		w += 1 + l;
		l = put_bitmap(t + 5, nt - 5, out + w, err, errline);
		return l < 0 ? -1 : w + l;
	}
	FAIL(t[0], "this type needs the generic \\# form (RFC 3597)");
}

int dns_rdata_from_text(uint16_t type, const struct dns_ztok *t, int nt, const uint8_t *origin,
			uint8_t *out, const char **err, unsigned *errline)
{
	int l, w = 0;

	if (nt >= 1 && !t[0].quoted && t[0].n == 2 && memcmp(t[0].s, "\\#", 2) == 0)
		return parse_generic(type, t, nt, out, err, errline);
	switch (type) {
	case DNS_T_A:
	case DNS_T_AAAA:
		if (need(t, nt, 1, err, errline) < 0)
			return -1;
		return put_addr(type == DNS_T_A ? AF_INET : AF_INET6, &t[0], out, err, errline);
	case DNS_T_NS:
	case DNS_T_CNAME:
	case DNS_T_PTR:
	case DNS_T_DNAME:
		if (need(t, nt, 1, err, errline) < 0)
			return -1;
		return put_name(&t[0], origin, out, err, errline);
	case DNS_T_MX:
		if (need(t, nt, 2, err, errline) < 0 || put_u16(&t[0], out, err, errline) < 0)
			return -1;
		l = put_name(&t[1], origin, out + 2, err, errline);
		return l < 0 ? -1 : 2 + l;
	case DNS_T_SRV: /* RFC 2782: priority weight port target */
		if (need(t, nt, 4, err, errline) < 0)
			return -1;
		for (int i = 0; i < 3; i++)
			if (put_u16(&t[i], out + 2 * i, err, errline) < 0)
				return -1;
		l = put_name(&t[3], origin, out + 6, err, errline);
		return l < 0 ? -1 : 6 + l;
	case DNS_T_SOA: /* mname rname serial refresh retry expire minimum */
		if (need(t, nt, 7, err, errline) < 0)
			return -1;
		for (int i = 0; i < 2; i++) {
			l = put_name(&t[i], origin, out + w, err, errline);
			if (l < 0)
				return -1;
			w += l;
		}
		for (int i = 2; i < 7; i++) {
			uint64_t v;
			uint32_t v32;

			if (t[i].quoted)
				FAIL(t[i], "expected a number");
			if (i == 2) { /* the serial is a plain 32-bit number (RFC 1982) */
				if (parse_uint(t[i].s, t[i].n, 0xffffffffu, &v) < 0)
					FAIL(t[i], "bad SOA serial");
				v32 = (uint32_t)v;
			} else if (dns_ttl_from_text(t[i].s, t[i].n, &v32) < 0) {
				FAIL(t[i], "bad SOA timer");
			}
			put32(out + w, v32);
			w += 4;
		}
		return w;
	case DNS_T_TXT: /* one or more <character-string>s of at most 255 octets */
		if (nt < 1)
			return need(t, nt, 1, err, errline);
		for (int i = 0; i < nt; i++) {
			if (w + 256 > DNS_RDATA_MAX)
				FAIL(t[i], "TXT rdata too long");
			l = unescape(&t[i], out + w + 1, 255, err);
			if (l < 0) {
				*errline = t[i].line;
				if (strcmp(*err, "string too long") == 0)
					*err = "TXT string longer than 255 octets";
				return -1;
			}
			out[w] = (uint8_t)l;
			w += 1 + l;
		}
		return w;
	case DNS_T_CAA: { /* RFC 8659 4.1: flags tag value */
		uint64_t v;

		if (need(t, nt, 3, err, errline) < 0)
			return -1;
		if (t[0].quoted || parse_uint(t[0].s, t[0].n, 255, &v) < 0)
			FAIL(t[0], "bad CAA flags (0-255)");
		out[0] = (uint8_t)v;
		if (t[1].quoted || t[1].n < 1 || t[1].n > 15)
			FAIL(t[1], "bad CAA tag");
		for (size_t i = 0; i < t[1].n; i++) {
			char c = t[1].s[i];

			if (!((c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')))
				FAIL(t[1], "bad CAA tag");
		}
		out[1] = (uint8_t)t[1].n;
		memcpy(out + 2, t[1].s, t[1].n);
		w = 2 + (int)t[1].n;
		l = unescape(&t[2], out + w, DNS_RDATA_MAX - (size_t)w, err);
		if (l < 0) {
			*errline = t[2].line;
			return -1;
		}
		return w + l;
	}
	default:
		if (nt < 1)
			return need(t, nt, 1, err, errline);
		return sec_from_text(type, t, nt, origin, out, err, errline);
	}
}
