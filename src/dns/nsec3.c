/* NSEC3 hashing and base32hex. */
#include "dns/nsec3.h"

void dns_nsec3_hash(const uint8_t *name, size_t len, const uint8_t *salt, size_t saltlen,
		    unsigned iterations, uint8_t out[DNS_SHA1_LEN])
{
	/* RFC 5155 5: IH(0) = H(name || salt), IH(k) = H(IH(k-1) || salt) */
	dns_sha1(name, len, salt, saltlen, out);
	for (unsigned i = 0; i < iterations; i++) {
		uint8_t prev[DNS_SHA1_LEN];

		for (int k = 0; k < DNS_SHA1_LEN; k++)
			prev[k] = out[k];
		dns_sha1(prev, DNS_SHA1_LEN, salt, saltlen, out);
	}
}

static const char b32hex[] = "0123456789abcdefghijklmnopqrstuv";

static int b32val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	return -1;
}

int dns_b32hex_decode(const char *s, size_t n, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		int v = b32val(s[i]);

		if (v < 0)
			return -1;
		acc = acc << 5 | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			if (w >= cap)
				return -1;
			out[w++] = (uint8_t)(acc >> bits);
		}
	}
	if (bits >= 5 || (acc & ((1u << bits) - 1)))
		return -1; /* a whole unused character, or non-zero padding bits */
	return (int)w;
}

size_t dns_b32hex_encode(const uint8_t *p, size_t n, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t w = 0;

	for (size_t i = 0; i < n; i++) {
		acc = acc << 8 | p[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[w++] = b32hex[(acc >> bits) & 31];
		}
	}
	if (bits)
		out[w++] = b32hex[(acc << (5 - bits)) & 31];
	out[w] = 0;
	return w;
}
