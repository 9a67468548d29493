/* NSEC3 owner hashes (RFC 5155 5) and their base32hex spelling (RFC 4648 7), used by the zone
 * loader to index a signed zone's NSEC3 chain and by the answer path to find the records
 * that prove a name absent. */
#ifndef DNS_NSEC3_H
#define DNS_NSEC3_H

#include <stddef.h>
#include <stdint.h>

#include "dns/sha1.h"

#define DNS_NSEC3_SHA1 1 /* the only hash algorithm defined (RFC 5155 11) */

/* H(name) iterated: name is lowercase wire form. */
void dns_nsec3_hash(const uint8_t *name, size_t len, const uint8_t *salt, size_t saltlen,
		    unsigned iterations, uint8_t out[DNS_SHA1_LEN]);

/* base32hex text (case-insensitive, no padding) to bytes; -1 for a bad character or a
 * length that leaves stray bits, else the byte count (at most cap). */
int dns_b32hex_decode(const char *s, size_t n, uint8_t *out, size_t cap);
/* bytes to lowercase base32hex, NUL-terminated; out holds (n * 8 + 4) / 5 + 1 chars. */
size_t dns_b32hex_encode(const uint8_t *p, size_t n, char *out);

#endif
