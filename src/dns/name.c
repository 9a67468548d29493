/* Domain names: wire decoding with compression, presentation form, hashing. */
#include "dns/name.h"

#include <string.h>

/* Shared walker for unpack and skip. A pointer must point strictly backwards (earlier than
 * where the current run of labels started), which both rules out loops and bounds the work. */
static int name_walk(const uint8_t *msg, size_t len, size_t *off, uint8_t *out)
{
	size_t pos = *off, end = 0, wlen = 0, limit = pos;
	int jumped = 0;

	for (;;) {
		if (pos >= len)
			return -1;
		uint8_t c = msg[pos];

		if (c == 0) {
			if (wlen + 1 > DNS_NAME_MAX)
				return -1;
			if (out)
				out[wlen] = 0;
			wlen++;
			if (!jumped)
				end = pos + 1;
			break;
		}
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len)
				return -1;
			size_t ptr = (size_t)(c & 0x3f) << 8 | msg[pos + 1];

			if (ptr >= limit)
				return -1;
			if (!jumped)
				end = pos + 2;
			jumped = 1;
			limit = ptr;
			pos = ptr;
			continue;
		}
		if (c & 0xc0)
			return -1; /* 01 and 10: extended label types (RFC 6891 5) are not used */
		if (pos + 1 + c > len || wlen + 1 + c + 1 > DNS_NAME_MAX)
			return -1;
		if (out)
			memcpy(out + wlen, msg + pos, 1 + (size_t)c);
		wlen += 1 + (size_t)c;
		pos += 1 + (size_t)c;
	}
	*off = end;
	return (int)wlen;
}

int dns_name_unpack(const uint8_t *msg, size_t len, size_t *off, uint8_t *out)
{
	return name_walk(msg, len, off, out);
}

int dns_name_skip(const uint8_t *msg, size_t len, size_t *off)
{
	return name_walk(msg, len, off, NULL);
}

size_t dns_name_len(const uint8_t *name)
{
	const uint8_t *p = name;

	while (*p)
		p += 1 + *p;
	return (size_t)(p - name) + 1;
}

int dns_name_labels(const uint8_t *name)
{
	int n = 0;

	for (; *name; name += 1 + *name)
		n++;
	return n;
}

void dns_name_lower(uint8_t *dst, const uint8_t *src, size_t len)
{
	/* Length octets are < 64 and so never in 'A'..'Z': the whole form can be folded. */
	for (size_t i = 0; i < len; i++)
		dst[i] = dns_lower(src[i]);
}

int dns_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (a[i] != b[i] && dns_lower(a[i]) != dns_lower(b[i]))
			return 0;
	return 1;
}

int dns_name_under(const uint8_t *name, size_t nlen, const uint8_t *zone, size_t zlen)
{
	while (nlen > zlen) {
		nlen -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
	return nlen == zlen && memcmp(name, zone, zlen) == 0;
}

uint32_t dns_name_hash(const uint8_t *p, size_t n)
{
	/* Word-at-a-time multiply-xorshift: names are short and this runs once per lookup. */
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;

	while (n >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 29;
		p += 8;
		n -= 8;
	}
	uint64_t w = 0;

	memcpy(&w, p, n);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 32;
	return (uint32_t)h;
}

int dns_name_from_text(const char *s, size_t n, const uint8_t *origin, uint8_t *out,
		       const char **err)
{
	size_t w = 0, lab = 0; /* lab: where the current label's length octet goes */
	int abs = 0;

	if (n == 1 && s[0] == '@') {
		if (!origin) {
			*err = "\"@\" used with no $ORIGIN";
			return -1;
		}
		size_t ol = dns_name_len(origin);

		memcpy(out, origin, ol);
		return (int)ol;
	}
	if (n == 1 && s[0] == '.') {
		out[0] = 0;
		return 1;
	}
	if (n == 0) {
		*err = "empty name";
		return -1;
	}
	out[0] = 0;
	w = 1;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)s[i];

		if (c == '.') {
			if (w == lab + 1) {
				*err = "empty label in name";
				return -1;
			}
			out[lab] = (uint8_t)(w - lab - 1);
			if (i + 1 == n) {
				abs = 1;
				break;
			}
			lab = w;
			if (w >= DNS_NAME_MAX - 1)
				goto toolong;
			out[w++] = 0;
			continue;
		}
		if (c == '\\') {
			if (i + 1 >= n) {
				*err = "backslash at the end of a name";
				return -1;
			}
			c = (uint8_t)s[++i];
			if (c >= '0' && c <= '9') {
				if (i + 2 >= n || s[i + 1] < '0' || s[i + 1] > '9' ||
				    s[i + 2] < '0' || s[i + 2] > '9') {
					*err = "bad \\DDD escape in name";
					return -1;
				}
				int v = (c - '0') * 100 + (s[i + 1] - '0') * 10 + (s[i + 2] - '0');

				if (v > 255) {
					*err = "\\DDD escape above 255 in name";
					return -1;
				}
				c = (uint8_t)v;
				i += 2;
			}
		}
		if (w - lab - 1 >= DNS_LABEL_MAX) {
			*err = "label longer than 63 octets";
			return -1;
		}
		if (w >= DNS_NAME_MAX - 1)
			goto toolong;
		out[w++] = c;
	}
	if (!abs) {
		out[lab] = (uint8_t)(w - lab - 1);
		if (!origin) {
			*err = "relative name with no $ORIGIN";
			return -1;
		}
		size_t ol = dns_name_len(origin);

		if (w + ol > DNS_NAME_MAX)
			goto toolong;
		memcpy(out + w, origin, ol);
		return (int)(w + ol);
	}
	if (w + 1 > DNS_NAME_MAX)
		goto toolong;
	out[w++] = 0;
	return (int)w;
toolong:
	*err = "name longer than 255 octets";
	return -1;
}

size_t dns_name_to_text(const uint8_t *name, char *buf, size_t size)
{
	size_t w = 0;

	if (size == 0)
		return 0;
#define EMIT(ch)                               \
	do {                                   \
		if (w + 1 < size)              \
			buf[w++] = (char)(ch); \
	} while (0)
	if (*name == 0)
		EMIT('.');
	for (; *name; name += 1 + *name) {
		for (int i = 1; i <= *name; i++) {
			uint8_t c = name[i];

			if (c <= ' ' || c >= 0x7f) {
				EMIT('\\');
				EMIT('0' + c / 100);
				EMIT('0' + c / 10 % 10);
				EMIT('0' + c % 10);
			} else {
				if (c == '.' || c == '\\' || c == '"' || c == ';' || c == '(' ||
				    c == ')' || c == '@' || c == '$')
					EMIT('\\');
				EMIT(c);
			}
		}
		EMIT('.');
	}
#undef EMIT
	buf[w] = 0;
	return w;
}

int dns_name_canon_cmp(const uint8_t *a, const uint8_t *b)
{
	const uint8_t *la[DNS_LABELS_MAX], *lb[DNS_LABELS_MAX];
	int na = 0, nb = 0;

	for (const uint8_t *p = a; *p && na < DNS_LABELS_MAX; p += 1 + *p)
		la[na++] = p;
	for (const uint8_t *p = b; *p && nb < DNS_LABELS_MAX; p += 1 + *p)
		lb[nb++] = p;
	/* the most significant label is the rightmost; a shorter label sorts first */
	while (na && nb) {
		const uint8_t *x = la[--na], *y = lb[--nb];
		int c = memcmp(x + 1, y + 1, x[0] < y[0] ? x[0] : y[0]);

		if (c)
			return c;
		if (x[0] != y[0])
			return x[0] < y[0] ? -1 : 1;
	}
	return (na > 0) - (nb > 0);
}
