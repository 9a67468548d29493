/* Server cookies. */
#include "dns/cookie.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "lib/buf.h"

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL(v[1], 13) ^ v[0];
	v[0] = ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = ROTL(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = ROTL(v[1], 17) ^ v[2];
	v[2] = ROTL(v[2], 32);
}

uint64_t dns_siphash24(const uint8_t key[16], const uint8_t *p, size_t n)
{
	uint64_t k0 = le64(key), k1 = le64(key + 8);
	uint64_t v[4] = { k0 ^ 0x736f6d6570736575ull, k1 ^ 0x646f72616e646f6dull,
			  k0 ^ 0x6c7967656e657261ull, k1 ^ 0x7465646279746573ull };
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t m = le64(p + i);

		v[3] ^= m;
		sipround(v);
		sipround(v);
		v[0] ^= m;
	}
	uint8_t last[8] = { 0 };

	memcpy(last, p + i, n - i);
	last[7] = (uint8_t)n;
	uint64_t m = le64(last);

	v[3] ^= m;
	sipround(v);
	sipround(v);
	v[0] ^= m;
	v[2] ^= 0xff;
	for (int r = 0; r < 4; r++)
		sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

static int hexval(int c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

int dns_cookie_secret_load(const char *file, uint8_t key[DNS_COOKIE_SECRET], char *err,
			   size_t errlen)
{
	FILE *f = fopen(file, "r");
	char line[256];
	size_t got = 0;

	if (!f) {
		snprintf(err, errlen, "%s:0: cannot open: %s", file, strerror(errno));
		return -1;
	}
	size_t n = fread(line, 1, sizeof(line) - 1, f);

	fclose(f);
	line[n] = 0;
	for (size_t i = 0; i < n; i++) {
		if (line[i] == ' ' || line[i] == '\t' || line[i] == '\n' || line[i] == '\r')
			continue;
		int h = hexval(line[i]), l = i + 1 < n ? hexval(line[i + 1]) : -1;

		if (h < 0 || l < 0 || got == DNS_COOKIE_SECRET) {
			snprintf(err, errlen, "%s:1: the secret is 32 hex digits", file);
			return -1;
		}
		key[got++] = (uint8_t)(h << 4 | l);
		i++;
	}
	if (got != DNS_COOKIE_SECRET) {
		snprintf(err, errlen, "%s:1: the secret is 32 hex digits", file);
		return -1;
	}
	return 0;
}

/* The hash over client cookie | version | reserved | timestamp | client address. */
static uint64_t mac(const uint8_t *key, const uint8_t *client, const uint8_t *head,
		    const struct sockaddr *from)
{
	uint8_t in[8 + 8 + 16];
	size_t n = 16;

	memcpy(in, client, 8);
	memcpy(in + 8, head, 8);
	if (from && from->sa_family == AF_INET) {
		memcpy(in + n, &((const struct sockaddr_in *)from)->sin_addr, 4);
		n += 4;
	} else if (from && from->sa_family == AF_INET6) {
		memcpy(in + n, &((const struct sockaddr_in6 *)from)->sin6_addr, 16);
		n += 16;
	}
	return dns_siphash24(key, in, n);
}

static int fresh(uint32_t ts, uint32_t now, uint32_t age)
{
	return (uint32_t)(now - ts) <= age || (uint32_t)(ts - now) <= 300;
}

int dns_cookie_valid(const uint8_t key[DNS_COOKIE_SECRET], const uint8_t *cookie, size_t len,
		     const struct sockaddr *from, uint32_t now)
{
	if (len != DNS_COOKIE_CLIENT + DNS_COOKIE_SERVER || cookie[8] != 1)
		return 0;
	uint64_t h = mac(key, cookie, cookie + 8, from);
	uint8_t hb[8];

	for (int i = 0; i < 8; i++)
		hb[i] = (uint8_t)(h >> (8 * i));
	return memcmp(hb, cookie + 16, 8) == 0 && fresh(get32(cookie + 12), now, 3600);
}

void dns_cookie_server(const uint8_t key[DNS_COOKIE_SECRET], const uint8_t *cookie, size_t len,
		       const struct sockaddr *from, uint32_t now, uint8_t *out)
{
	if (dns_cookie_valid(key, cookie, len, from, now) && fresh(get32(cookie + 12), now, 1800)) {
		memcpy(out, cookie + 8, DNS_COOKIE_SERVER);
		return;
	}
	uint8_t head[8] = { 1, 0, 0, 0 };

	put32(head + 4, now);
	uint64_t h = mac(key, cookie, head, from);

	memcpy(out, head, 8);
	for (int i = 0; i < 8; i++)
		out[8 + i] = (uint8_t)(h >> (8 * i));
}
