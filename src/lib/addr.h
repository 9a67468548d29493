/* IPv4/IPv6 addresses and prefixes. */
#ifndef LIB_ADDR_H
#define LIB_ADDR_H

#include <stdint.h>
#include <stddef.h>
#include <sys/socket.h>

#define ADDR_STRLEN 46 /* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN 50

/* af is AF_INET or AF_INET6 (0 = unset). IPv4 uses a[0..3], the rest zero. */
struct addr {
	uint8_t af;
	uint8_t a[16];
};

struct prefix {
	struct addr addr; /* host bits always zero */
	uint8_t len;
};

int addr_parse(const char *s, struct addr *out);       /* 0 ok, -1 bad */
const char *addr_fmt(const struct addr *a, char *buf); /* buf >= ADDR_STRLEN */
int addr_cmp(const struct addr *a, const struct addr *b);
int addr_eq(const struct addr *a, const struct addr *b);
int addr_is_set(const struct addr *a);
size_t addr_len(int af); /* 4 or 16 */
/* To/from sockaddr; port in host order. Returns the sockaddr length. */
socklen_t addr_to_sa(const struct addr *a, uint16_t port, struct sockaddr_storage *ss);
int addr_from_sa(const struct sockaddr *sa, struct addr *a, uint16_t *port);

/* "192.0.2.0/24", "2001:db8::/32". Host bits set is an error (-2), bad syntax -1. */
int prefix_parse(const char *s, struct prefix *out);
const char *prefix_fmt(const struct prefix *p, char *buf); /* buf >= PREFIX_STRLEN */
int prefix_cmp(const struct prefix *a, const struct prefix *b);
int prefix_eq(const struct prefix *a, const struct prefix *b);
uint32_t prefix_hash(const struct prefix *p);
/* Clears bits past len. */
void prefix_normalize(struct prefix *p);
int prefix_contains(const struct prefix *outer, const struct prefix *inner);

#endif
