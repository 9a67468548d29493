/* SHA-1 over two concatenated inputs, one 64-byte block at a time. */
#include "dns/sha1.h"

#include <string.h>

static uint32_t rol(uint32_t x, int n) { return x << n | x >> (32 - n); }

static void block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 80; i++) {
		uint32_t f, k;

		if (i < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];

		e = d;
		d = c;
		c = rol(b, 30);
		b = a;
		a = t;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void dns_sha1(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
	      uint8_t out[DNS_SHA1_LEN])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	uint8_t buf[64];
	size_t fill = 0;
	uint64_t total = (uint64_t)(alen + blen) * 8;

	for (int part = 0; part < 2; part++) {
		const uint8_t *p = part ? b : a;
		size_t n = part ? blen : alen;

		while (n) {
			size_t take = 64 - fill < n ? 64 - fill : n;

			memcpy(buf + fill, p, take);
			fill += take;
			p += take;
			n -= take;
			if (fill == 64) {
				block(h, buf);
				fill = 0;
			}
		}
	}
	buf[fill++] = 0x80;
	if (fill > 56) {
		memset(buf + fill, 0, 64 - fill);
		block(h, buf);
		fill = 0;
	}
	memset(buf + fill, 0, 56 - fill);
	for (int i = 0; i < 8; i++)
		buf[56 + i] = (uint8_t)(total >> (56 - 8 * i));
	block(h, buf);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (uint8_t)(h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(h[i] >> 8);
		out[4 * i + 3] = (uint8_t)h[i];
	}
}
