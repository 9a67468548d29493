/* Domain names in wire form (RFC 1035 3.1): length-prefixed labels ending with the root.
 * Comparisons are ASCII case-insensitive (RFC 4343); lookups use a lowercase copy. */
#ifndef DNS_NAME_H
#define DNS_NAME_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"

static inline uint8_t dns_lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
}

/* Reads the name at *off in msg (following compression pointers, RFC 1035 4.1.4) into out
 * (DNS_NAME_MAX bytes) as written, and moves *off past it. Returns the wire length, or -1 for
 * a name that runs off the message, loops, is too long, or uses a reserved label type. */
int dns_name_unpack(const uint8_t *msg, size_t len, size_t *off, uint8_t *out);
/* Like dns_name_unpack without the copy; only checks and skips. */
int dns_name_skip(const uint8_t *msg, size_t len, size_t *off);
/* Length of a well-formed uncompressed name. */
size_t dns_name_len(const uint8_t *name);
int dns_name_labels(const uint8_t *name);
void dns_name_lower(uint8_t *dst, const uint8_t *src, size_t len);
/* Case-insensitive equality of two wire names of known length. */
int dns_name_eq(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);
/* 1 when name (length nlen) is zone or below it; both lowercase. */
int dns_name_under(const uint8_t *name, size_t nlen, const uint8_t *zone, size_t zlen);
/* DNSSEC canonical order (RFC 4034 6.1) of two lowercase wire names: <0, 0, >0. */
int dns_name_canon_cmp(const uint8_t *a, const uint8_t *b);
/* The hash used by every table keyed by a lowercase wire name. */
uint32_t dns_name_hash(const uint8_t *p, size_t n);

/* Master-file text (RFC 1035 5.1: "\DDD" and "\X" escapes, "@", relative names) to wire form.
 * origin may be NULL (then relative names and "@" are errors). Returns the length, or -1
 * with *err set to a static reason. */
int dns_name_from_text(const char *s, size_t n, const uint8_t *origin, uint8_t *out,
		       const char **err);
/* Wire to presentation form with escapes; always NUL-terminates (truncates if size is short).
 * Returns the length written. */
size_t dns_name_to_text(const uint8_t *name, char *buf, size_t size);

#endif
