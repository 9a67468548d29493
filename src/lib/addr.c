/* IPv4/IPv6 addresses and prefixes. */
#include "lib/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t addr_len(int af) { return af == AF_INET6 ? 16 : 4; }

int addr_parse(const char *s, struct addr *out)
{
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, s, out->a) == 1) {
		out->af = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, out->a) == 1) {
		out->af = AF_INET6;
		return 0;
	}
	memset(out, 0, sizeof(*out));
	return -1;
}

const char *addr_fmt(const struct addr *a, char *buf)
{
	if (a->af != AF_INET && a->af != AF_INET6)
		strcpy(buf, "-");
	else
		inet_ntop(a->af, a->a, buf, ADDR_STRLEN);
	return buf;
}

int addr_cmp(const struct addr *a, const struct addr *b)
{
	if (a->af != b->af)
		return a->af < b->af ? -1 : 1;
	return memcmp(a->a, b->a, addr_len(a->af));
}

int addr_eq(const struct addr *a, const struct addr *b) { return addr_cmp(a, b) == 0; }

int addr_is_set(const struct addr *a) { return a->af == AF_INET || a->af == AF_INET6; }

socklen_t addr_to_sa(const struct addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->af == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		memcpy(&sin->sin_addr, a->a, 4);
		return sizeof(*sin);
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	memcpy(&sin6->sin6_addr, a->a, 16);
	return sizeof(*sin6);
}

int addr_from_sa(const struct sockaddr *sa, struct addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)sa;

		a->af = AF_INET;
		memcpy(a->a, &sin->sin_addr, 4);
		if (port)
			*port = ntohs(sin->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)sa;

		/* An IPv4 peer on a dual-stack socket is an IPv4 peer. */
		if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) {
			a->af = AF_INET;
			memcpy(a->a, (const uint8_t *)&sin6->sin6_addr + 12, 4);
		} else {
			a->af = AF_INET6;
			memcpy(a->a, &sin6->sin6_addr, 16);
		}
		if (port)
			*port = ntohs(sin6->sin6_port);
		return 0;
	}
	return -1;
}

void prefix_normalize(struct prefix *p)
{
	size_t bytes = addr_len(p->addr.af);

	for (size_t i = 0; i < 16; i++) {
		int bit = (int)i * 8;

		if (i >= bytes || bit >= p->len)
			p->addr.a[i] = 0;
		else if (bit + 8 > p->len) {
			p->addr.a[i] &= (uint8_t)(0xff << (8 - (p->len - bit)));
		}
	}
}

int prefix_parse(const char *s, struct prefix *out)
{
	char tmp[PREFIX_STRLEN];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	memset(out, 0, sizeof(*out));
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = 0;
	if (addr_parse(tmp, &out->addr) < 0)
		return -1;
	unsigned max = out->addr.af == AF_INET ? 32 : 128;
	unsigned long len = max;
	if (slash) {
		char *end;

		if (!slash[1] || slash[1] < '0' || slash[1] > '9')
			return -1;
		len = strtoul(slash + 1, &end, 10);
		if (*end || len > max)
			return -1;
	}
	out->len = (uint8_t)len;
	struct prefix norm = *out;

	prefix_normalize(&norm);
	if (memcmp(norm.addr.a, out->addr.a, 16) != 0)
		return -2;
	return 0;
}

const char *prefix_fmt(const struct prefix *p, char *buf)
{
	char a[ADDR_STRLEN];

	snprintf(buf, PREFIX_STRLEN, "%s/%u", addr_fmt(&p->addr, a), p->len);
	return buf;
}

int prefix_cmp(const struct prefix *a, const struct prefix *b)
{
	int c = addr_cmp(&a->addr, &b->addr);

	if (c)
		return c;
	return a->len == b->len ? 0 : (a->len < b->len ? -1 : 1);
}

int prefix_eq(const struct prefix *a, const struct prefix *b) { return prefix_cmp(a, b) == 0; }

uint32_t prefix_hash(const struct prefix *p)
{
	/* FNV-1a over family, length and the significant bytes. */
	uint32_t h = 2166136261u;
	size_t n = addr_len(p->addr.af);

	h = (h ^ p->addr.af) * 16777619u;
	h = (h ^ p->len) * 16777619u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p->addr.a[i]) * 16777619u;
	return h;
}

int prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	if (outer->addr.af != inner->addr.af || inner->len < outer->len)
		return 0;
	struct prefix t = *inner;

	t.len = outer->len;
	prefix_normalize(&t);
	return memcmp(t.addr.a, outer->addr.a, 16) == 0;
}
