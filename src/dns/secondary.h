/* Secondary zones: each pulled from its primary by AXFR/IXFR over TCP (RFC 5936, RFC 1995)
 * on the SOA timers and on NOTIFY (RFC 1996), kept on disk across restarts, and served while
 * the copy is younger than the SOA's expire. Runs in the main thread's event loop; the zone
 * texts it produces are built into zone sets by the server (builder.h). */
#ifndef DNS_SECONDARY_H
#define DNS_SECONDARY_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/answer.h"
#include "dns/dns.h"
#include "dns/zoneset.h"

#define DNS_OP_NOTIFY 4

struct dns_secondary_cfg {
	char name[DNS_NAME_MAX * 4 + 1]; /* presentation form, for logs and the file name */
	uint8_t zone[DNS_NAME_MAX];      /* lowercase wire */
	size_t zlen;
	struct sockaddr_storage primary;
	socklen_t plen;
	char ptext[80];
};

/* The zone part of --secondary ZONE@PRIMARY: 0, or -1 for a bad name. */
int dns_secondary_zone(const char *name, size_t n, struct dns_secondary_cfg *out);

struct ev_loop;
struct dns_secondaries;

/* Called when a zone's servable text changed (a transfer, an expiry): rebuild the set. */
typedef void dns_sec_changed_cb(void *arg);

/* Loads the copies kept in dir (may be NULL: nothing kept) and arms the timers: every zone
 * is refreshed at once. */
struct dns_secondaries *dns_secondaries_new(struct ev_loop *loop,
					    const struct dns_secondary_cfg *cfg, int n,
					    const char *dir, dns_sec_changed_cb *cb, void *arg);
void dns_secondaries_free(struct dns_secondaries *s);

/* The zones to serve now, into t (room for n): their current text and any newer candidate.
 * They stay valid until dns_secondaries_built(), which takes the outcome (zs: the set was
 * built, else nothing changed). Returns how many. */
int dns_secondaries_texts(struct dns_secondaries *s, struct dns_ztext *t);
void dns_secondaries_built(struct dns_secondaries *s, int built, const struct dns_ztext *t, int nt);

/* The reply to a NOTIFY in pkt from from (any thread): NOERROR from a zone's primary, which
 * then refreshes; REFUSED from anyone else. 0 when pkt is no NOTIFY. */
size_t dns_secondaries_notify(struct dns_secondaries *s, const struct sockaddr *from,
			      const uint8_t *pkt, size_t len, uint8_t *out, size_t cap);

/* Every query goes through here: NOTIFY to the above, the rest to dns_answer(). s may be
 * NULL (no secondaries). */
size_t dns_secondaries_answer(struct dns_secondaries *s, const struct dns_ctx *ctx,
			      const struct dns_zoneset *zs, const struct sockaddr *from,
			      const uint8_t *pkt, size_t len, uint8_t *out, size_t cap, int tcp);

#endif
