/* Per-type RDATA parsing from master-file text. */
#include "dns/rdata.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "lib/buf.h"

static const struct {
	const char *name;
	uint16_t type;
} types[] = {
	{ "A", DNS_T_A },       { "NS", DNS_T_NS },     { "CNAME", DNS_T_CNAME },
	{ "SOA", DNS_T_SOA },   { "PTR", DNS_T_PTR },   { "MX", DNS_T_MX },
	{ "TXT", DNS_T_TXT },   { "AAAA", DNS_T_AAAA }, { "SRV", DNS_T_SRV },
	{ "CAA", DNS_T_CAA },   { "DS", DNS_T_DS },     { "ANY", DNS_T_ANY },
	{ "AXFR", DNS_T_AXFR }, { "IXFR", DNS_T_IXFR }, { "OPT", DNS_T_OPT },
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
	case DNS_T_CAA: return 1;
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

int dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len)
{
	size_t off = 0;

	switch (type) {
	case DNS_T_A: return len == 4 ? 0 : -1;
	case DNS_T_AAAA: return len == 16 ? 0 : -1;
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
		FAIL(t[0], "this type needs the generic \\# form (RFC 3597)");
	}
}
