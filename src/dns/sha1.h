/* SHA-1 (FIPS 180-4), only for NSEC3 owner hashes (RFC 5155 5): a hash that is part of the
 * DNSSEC protocol, not a security choice of ours. Small and allocation-free, so that the
 * answer path needs no crypto library. */
#ifndef DNS_SHA1_H
#define DNS_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define DNS_SHA1_LEN 20

/* The digest of a[0..alen) followed by b[0..blen) (b may be NULL when blen is 0). */
void dns_sha1(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
	      uint8_t out[DNS_SHA1_LEN]);

#endif
