/* TSIG (RFC 8945) as a server that holds no key: a signed query cannot be verified, so it gets
 * NOTAUTH with a TSIG record saying BADKEY (5.2.2), unsigned, instead of an unsigned answer
 * the client would have to reject anyway. */
#ifndef DNS_TSIG_H
#define DNS_TSIG_H

#include <stddef.h>
#include <stdint.h>

#include "dns/msg.h"

#define DNS_TSIG_BADKEY 17

/* Appends to the reply out[0..n) (cap bytes) the TSIG record of q's BADKEY error: the
 * client's key and algorithm names, its time and fudge, no MAC, its original ID. Returns the
 * new length; n unchanged when q's TSIG record cannot be read or does not fit. */
size_t dns_tsig_badkey(const struct dns_query *q, uint8_t *out, size_t n, size_t cap);

#endif
