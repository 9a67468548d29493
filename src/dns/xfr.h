/* Zone transfers, the client's side: a secondary zone's records as a set (what IXFR edits),
 * the AXFR/IXFR query, and the response stream read message by message and applied (RFC 5936,
 * RFC 1995). Pure functions over bytes, so the event loop, the tests and the fuzzer share
 * them; the network and the timers are in secondary.c. */
#ifndef DNS_XFR_H
#define DNS_XFR_H

#include <stddef.h>
#include <stdint.h>

#include "dns/dns.h"
#include "lib/buf.h"

/* One record, in one allocation; the owner lowercase, names in rdata uncompressed. Shared
 * by the record sets copied from one another (refs: how many hold it), so that the copy IXFR
 * edits costs a table, not the zone; a shared record is never changed, only replaced. */
struct dns_rr {
	uint16_t type, rdlen;
	uint32_t ttl;
	uint32_t hash;
	uint32_t refs;
	uint8_t olen;
	uint8_t data[]; /* owner, then rdata */
};

static inline const uint8_t *dns_rr_rdata(const struct dns_rr *r) { return r->data + r->olen; }

/* A zone's records without duplicates (RFC 2181 5: an RRset holds no two equal records). */
struct dns_rrdb {
	struct dns_rr **slot; /* open addressing; DNS_RRDB_GONE marks a deleted slot */
	uint32_t mask, used, live;
	struct dns_rr *soa; /* the apex SOA, or NULL */
};

void dns_rrdb_init(struct dns_rrdb *db);
void dns_rrdb_free(struct dns_rrdb *db);
/* dst shares src's records. src's records gain a reference, which only the thread that
 * frees and edits the sets may touch; other threads may read both sets meanwhile. */
void dns_rrdb_copy(struct dns_rrdb *dst, const struct dns_rrdb *src);
/* Adds a record (a copy); an equal one already there only takes the new TTL. */
void dns_rrdb_add(struct dns_rrdb *db, const uint8_t *owner, size_t olen, uint16_t type,
		  uint32_t ttl, const uint8_t *rd, size_t rdlen);
/* Removes the record equal to this one (TTL ignored). -1 when there is none. */
int dns_rrdb_del(struct dns_rrdb *db, const uint8_t *owner, size_t olen, uint16_t type,
		 const uint8_t *rd, size_t rdlen);
/* The SOA fields (RFC 1035 3.3.13), 0 when the db has no SOA. */
uint32_t dns_rrdb_soa_field(const struct dns_rrdb *db, int idx); /* 0 serial .. 4 minimum */
/* The zone as a master file (RFC 1035 5) in the generic form of RFC 3597 5, which any
 * type fits and every master-file reader (ours, NSD's, Knot's) takes back. */
void dns_rrdb_text(const struct dns_rrdb *db, struct buf *out);
/* Reads such a text back (or any master file of ours); -1 with "FILE:LINE: reason" in err. */
int dns_rrdb_parse(struct dns_rrdb *db, const char *file, const char *text, size_t len, char *err,
		   size_t errlen);

/* RFC 1982 serial number arithmetic: 1 when a is newer than b. */
int dns_serial_gt(uint32_t a, uint32_t b);

enum dns_xfr_result {
	DNS_XFR_MORE = 0,      /* the transfer goes on in the next message */
	DNS_XFR_DONE = 1,      /* x->db holds the new zone */
	DNS_XFR_UPTODATE = 2,  /* the primary has nothing newer than we do */
	DNS_XFR_ERROR = -1,    /* x->err says why */
	DNS_XFR_FALLBACK = -2, /* IXFR refused or inconsistent: ask again with AXFR */
};

struct dns_xfr {
	uint8_t zone[DNS_NAME_MAX]; /* lowercase wire */
	size_t zlen;
	uint16_t id, qtype;
	uint32_t have; /* the serial asked from (IXFR) */
	int st;
	int msgs;
	uint32_t new_serial, cur_serial;
	uint32_t nrr;
	struct dns_rrdb db;          /* the zone being built or edited */
	const struct dns_rrdb *base; /* what IXFR edits: copied into db on its first difference */
	char err[256];
};

/* Starts a transfer of zone (lowercase wire): IXFR from base's serial when base is not NULL
 * (base must outlive the transfer), AXFR otherwise. */
void dns_xfr_begin(struct dns_xfr *x, const uint8_t *zone, size_t zlen, const struct dns_rrdb *base,
		   uint16_t id);
/* The query to send (without the TCP length prefix). Returns its length, -1 if cap is short. */
int dns_xfr_query(const struct dns_xfr *x, uint8_t *out, size_t cap);
/* Reads one response message. */
enum dns_xfr_result dns_xfr_feed(struct dns_xfr *x, const uint8_t *msg, size_t len);
void dns_xfr_end(struct dns_xfr *x);

#endif
