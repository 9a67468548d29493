/* DNS Cookies (RFC 7873) with the interoperable server cookie of RFC 9018: version 1, a
 * timestamp, and SipHash-2-4 over the client cookie, those fields and the client's address,
 * keyed by a secret. Every instance of an anycast service that loads the same secret
 * (--cookie-secret) accepts the others' cookies, so a client that moves between sites keeps
 * a valid one. */
#ifndef DNS_COOKIE_H
#define DNS_COOKIE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define DNS_OPT_COOKIE 10
#define DNS_COOKIE_CLIENT 8
#define DNS_COOKIE_SERVER 16 /* ours; a client may send 8 to 32 octets */
#define DNS_COOKIE_SECRET 16
#define DNS_RC_BADCOOKIE 23

/* The secret from FILE: 32 hex digits (whitespace around ignored). -1 with a reason in err. */
int dns_cookie_secret_load(const char *file, uint8_t key[DNS_COOKIE_SECRET], char *err,
			   size_t errlen);

/* SipHash-2-4 (Aumasson and Bernstein), the MAC of RFC 9018 4.4. */
uint64_t dns_siphash24(const uint8_t key[16], const uint8_t *p, size_t n);

/* Our server cookie for this client cookie and address at time now (seconds): into out
 * (DNS_COOKIE_SERVER octets). A valid server cookie the client sent is reused while it is
 * younger than half an hour (RFC 9018 4.3), so its timestamp does not move every query. */
void dns_cookie_server(const uint8_t key[DNS_COOKIE_SECRET], const uint8_t *cookie, size_t len,
		       const struct sockaddr *from, uint32_t now, uint8_t *out);
/* 1 when cookie (client + server part, len octets) holds a server cookie we (or an instance
 * with the same secret) made for this client within the last hour, and not from more than
 * five minutes ahead (RFC 9018 4.3). */
int dns_cookie_valid(const uint8_t key[DNS_COOKIE_SECRET], const uint8_t *cookie, size_t len,
		     const struct sockaddr *from, uint32_t now);

#endif
