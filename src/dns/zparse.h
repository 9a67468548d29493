/* RFC 1035 5 master files: $ORIGIN, $TTL, relative names, "@", a blank owner repeating the
 * previous one, TTL and class in either order, parentheses across lines, ";" comments,
 * quoted strings, "\DDD" and "\X" escapes. Every error is "FILE:LINE: reason". */
#ifndef DNS_ZPARSE_H
#define DNS_ZPARSE_H

#include <stddef.h>
#include <stdint.h>

/* One record. owner is lowercase wire form; rdata uncompressed wire. Return NULL to go on,
 * or a static reason to stop the parse with an error at line. */
typedef const char *dns_zrr_cb(void *arg, const uint8_t *owner, size_t olen, uint16_t type,
			       uint32_t ttl, const uint8_t *rdata, size_t rdlen, unsigned line);

/* Parses text (len bytes, not necessarily NUL-terminated). origin: the initial $ORIGIN (wire),
 * or NULL. Returns 0, or -1 with "FILE:LINE: reason" in err. */
int dns_zparse(const char *file, const char *text, size_t len, const uint8_t *origin,
	       dns_zrr_cb *cb, void *arg, char *err, size_t errlen);

#endif
