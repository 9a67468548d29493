/* The authoritative answer logic: a query in, a reply out, with no allocation. Exact-name
 * queries are served from responses precomputed at load time (dns_answer_prepare); the rest
 * (NXDOMAIN, wildcards, CNAME chains, errors, CHAOS) are composed per query. */
#ifndef DNS_ANSWER_H
#define DNS_ANSWER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/zone.h"

struct dns_ctx {
	const char *identity;      /* CHAOS id.server./hostname.bind. and NSID (RFC 5001) */
	size_t identity_len;       /* <= 255 */
	const char *version;       /* CHAOS version.server./version.bind. */
	size_t version_len;        /* <= 255 */
	uint16_t udp_max;          /* the largest UDP reply we send and advertise (>= 512) */
	const uint8_t *cookie_key; /* the server cookie secret (cookie.h); NULL: no cookies */
	int tcp_closing;           /* TCP replies with EDNS say edns-tcp-keepalive 0 (RFC 7828):
				    * the server closes the connection after them (a drain) */
};

/* Answers the query pkt[0..len) into out (cap bytes; UDP needs ctx->udp_max, TCP 65535).
 * Returns the reply's length, or 0 when nothing must be sent. zs may be NULL (no zones). */
size_t dns_answer(const struct dns_ctx *ctx, const struct dns_zoneset *zs, const uint8_t *pkt,
		  size_t len, uint8_t *out, size_t cap, int tcp);

/* The same, for a query from this client (NULL: unknown), whose address goes into the
 * server cookie (RFC 9018). */
size_t dns_answer_from(const struct dns_ctx *ctx, const struct dns_zoneset *zs,
		       const struct sockaddr *from, const uint8_t *pkt, size_t len, uint8_t *out,
		       size_t cap, int tcp);

/* A reply of the question alone with rcode (no AA): with EDNS, an Extended DNS Error
 * (RFC 8914) option with info_code and text. For what the zone data cannot answer, e.g.
 * SERVFAIL with EDE 24 for an expired secondary zone. 0 when nothing must be sent. */
size_t dns_answer_error(const struct dns_ctx *ctx, const struct sockaddr *from, const uint8_t *pkt,
			size_t len, uint8_t *out, size_t cap, int tcp, int rcode,
			uint16_t info_code, const char *text);

/* Composes and stores the per-(name, type) replies of every node; called once per load. */
void dns_answer_prepare(struct dns_zoneset *zs);

#endif
