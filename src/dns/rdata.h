/* RDATA in master-file text (RFC 1035 5, RFC 3597 5 for the generic "\#" form) to wire form,
 * per type; type mnemonics; TTL values with units. */
#ifndef DNS_RDATA_H
#define DNS_RDATA_H

#include <stddef.h>
#include <stdint.h>

#define DNS_RDATA_MAX 65535

/* One token of a master file, with escapes still in place. */
struct dns_ztok {
	const char *s;
	size_t n;
	unsigned line;
	int quoted;
};

/* "A", "mx", "TYPE65280" -> type number; -1 if unknown. */
int dns_type_from_text(const char *s, size_t n);
/* "A", "TYPE65280": buf >= 16. */
const char *dns_type_to_text(uint16_t type, char *buf);
/* 1 for the types whose text form we parse (the rest need RFC 3597 "\#"). */
int dns_type_known(uint16_t type);

/* "3600", "1h30m", "2W" (RFC 2308 limits: at most 2^31-1). 0 ok, -1 bad. */
int dns_ttl_from_text(const char *s, size_t n, uint32_t *out);

/* Parses the rdata tokens of one record into out (DNS_RDATA_MAX bytes). Returns the length,
 * or -1 with *err and *errline set. */
int dns_rdata_from_text(uint16_t type, const struct dns_ztok *t, int nt, const uint8_t *origin,
			uint8_t *out, const char **err, unsigned *errline);
/* Checks a wire rdata of a known type for consistency (for "\#" input). 0 ok, -1 bad. */
int dns_rdata_check(uint16_t type, const uint8_t *rd, size_t len);

#endif
