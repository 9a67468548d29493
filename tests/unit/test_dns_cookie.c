/* DNS Cookies: SipHash-2-4 against the reference vector of its paper, and server cookies
 * (RFC 9018): made, accepted by the same secret only, bound to the client's address and
 * cookie, reused while young, renewed when old, refused when expired or from the future; the
 * secret file read and its errors. */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/cookie.h"
#include "lib/buf.h"
#include "t.h"

static const uint8_t key[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };

static void test_siphash(void)
{
	uint8_t m[64];

	for (int i = 0; i < 64; i++)
		m[i] = (uint8_t)i;
	/* SipHash paper, appendix A: 15 octets 00..0e under the key 00..0f */
	CHECK(dns_siphash24(key, m, 15) == 0xa129ca6149be45e5ull);
	CHECK(dns_siphash24(key, m, 0) == 0x726fdb47dd0e0e31ull); /* vectors.h, first entry */
}

static struct sockaddr_in addr4(uint32_t a)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(a) };

	return s;
}

static void test_cookie(void)
{
	uint8_t c[24] = { 1, 2, 3, 4, 5, 6, 7, 8 }, other[16] = { 9 };
	struct sockaddr_in a = addr4(0xc0000201), b = addr4(0xc0000202);
	const struct sockaddr *sa = (const struct sockaddr *)&a, *sb = (const struct sockaddr *)&b;
	uint32_t now = 1700000000;

	dns_cookie_server(key, c, 8, sa, now, c + 8);
	CHECK_INT(c[8], 1); /* version 1 */
	CHECK_INT(get32(c + 12), now);
	CHECK(dns_cookie_valid(key, c, 24, sa, now));
	CHECK(dns_cookie_valid(key, c, 24, sa, now + 3000));  /* another site, later */
	CHECK(!dns_cookie_valid(other, c, 24, sa, now));      /* another secret */
	CHECK(!dns_cookie_valid(key, c, 24, sb, now));        /* another client address */
	CHECK(!dns_cookie_valid(key, c, 24, sa, now + 3601)); /* expired */
	CHECK(!dns_cookie_valid(key, c, 24, sa, now - 301));  /* from the future */
	CHECK(!dns_cookie_valid(key, c, 16, sa, now));
	c[0] ^= 1;
	CHECK(!dns_cookie_valid(key, c, 24, sa, now)); /* another client cookie */
	c[0] ^= 1;
	uint8_t s[16];

	dns_cookie_server(key, c, 24, sa, now + 100, s); /* young: reused */
	CHECK(memcmp(s, c + 8, 16) == 0);
	dns_cookie_server(key, c, 24, sa, now + 2000, s); /* old: a new one */
	CHECK_INT(get32(s + 4), now + 2000);
}

static void test_secret(void)
{
	char path[] = "/tmp/test_dns_cookie_XXXXXX", err[256];
	int fd = mkstemp(path);
	uint8_t k[16];

	CHECK(fd >= 0);
	CHECK(write(fd, " 000102030405060708090a0b0c0d0E0F\n", 34) == 34);
	close(fd);
	CHECK_INT(dns_cookie_secret_load(path, k, err, sizeof(err)), 0);
	CHECK(memcmp(k, key, 16) == 0);
	FILE *f = fopen(path, "w");

	fputs("0001zz", f);
	fclose(f);
	CHECK_INT(dns_cookie_secret_load(path, k, err, sizeof(err)), -1);
	CHECK(strstr(err, ":1: the secret is 32 hex digits") != NULL);
	unlink(path);
	CHECK_INT(dns_cookie_secret_load(path, k, err, sizeof(err)), -1);
	CHECK(strstr(err, ":0: cannot open") != NULL);
}

int main(void)
{
	RUN(test_siphash);
	RUN(test_cookie);
	RUN(test_secret);
	return t_done();
}
