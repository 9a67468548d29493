/* Composing a message with name compression (RFC 1035 4.1.4). The writer never writes past
 * its capacity: a record that does not fit is rolled back whole and reported, so the caller
 * can decide between dropping optional data and setting TC. */
#ifndef DNS_COMPRESS_H
#define DNS_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_CT_MAX 128 /* names remembered for compression; later ones go uncompressed */

struct dns_ct_ent {
	const uint8_t *name; /* an uncompressed suffix, valid while the message is built */
	uint16_t off;        /* where that suffix starts in the message */
	uint8_t len;
};

struct dns_wr {
	uint8_t *buf;
	size_t len, cap;
	int nct;
	struct dns_ct_ent ct[DNS_CT_MAX];
};

struct dns_wr_mark {
	size_t len;
	int nct;
};

void dns_wr_init(struct dns_wr *w, uint8_t *buf, size_t cap);
static inline struct dns_wr_mark dns_wr_mark(const struct dns_wr *w)
{
	return (struct dns_wr_mark){ w->len, w->nct };
}
static inline void dns_wr_rollback(struct dns_wr *w, struct dns_wr_mark m)
{
	w->len = m.len;
	w->nct = m.nct;
}
/* Remembers that the name (uncompressed, len bytes) sits at off, with all its suffixes. */
void dns_wr_remember(struct dns_wr *w, const uint8_t *name, size_t len, size_t off);
/* Writes a name, compressed against earlier ones when allowed. -1 when it does not fit. */
int dns_wr_name(struct dns_wr *w, const uint8_t *name, size_t len, int compress);
int dns_wr_bytes(struct dns_wr *w, const void *p, size_t n);
/* One resource record; rdata is the uncompressed wire form, and names inside it are
 * compressed for the types RFC 3597 4 allows (NS, CNAME, SOA, PTR, MX). -1 when it does not
 * fit (nothing is left written). */
int dns_wr_rr(struct dns_wr *w, const uint8_t *owner, size_t olen, uint16_t type, uint16_t cls,
	      uint32_t ttl, const uint8_t *rdata, size_t rdlen);

#endif
