/* Zone transfer responses read and applied. Everything here reads the primary's bytes:
 * every access is bounds-checked, and any inconsistency ends the transfer with a reason,
 * leaving the zone we had untouched (IXFR edits a copy). */
#include "dns/xfr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/zparse.h"
#include "lib/log.h"

#define GONE ((struct dns_rr *)1)

/* ---- the record set ---- */

static uint32_t rr_hash(const uint8_t *owner, size_t olen, uint16_t type, const uint8_t *rd,
			size_t rdlen)
{
	uint32_t h = dns_name_hash(owner, olen) ^ (uint32_t)type * 0x9e3779b1u;

	for (size_t i = 0; i < rdlen; i++)
		h = (h ^ rd[i]) * 0x01000193u;
	return h ? h : 1;
}

static int rr_eq(const struct dns_rr *r, const uint8_t *owner, size_t olen, uint16_t type,
		 const uint8_t *rd, size_t rdlen)
{
	return r->type == type && r->olen == olen && r->rdlen == rdlen &&
	       memcmp(r->data, owner, olen) == 0 && memcmp(r->data + olen, rd, rdlen) == 0;
}

void dns_rrdb_init(struct dns_rrdb *db) { memset(db, 0, sizeof(*db)); }

static void rr_unref(struct dns_rr *r)
{
	if (--r->refs == 0)
		free(r);
}

void dns_rrdb_free(struct dns_rrdb *db)
{
	for (uint32_t i = 0; db->slot && i <= db->mask; i++)
		if (db->slot[i] && db->slot[i] != GONE)
			rr_unref(db->slot[i]);
	free(db->slot);
	dns_rrdb_init(db);
}

static void put_slot(struct dns_rrdb *db, struct dns_rr *r)
{
	uint32_t j = r->hash & db->mask;

	while (db->slot[j] && db->slot[j] != GONE)
		j = (j + 1) & db->mask;
	if (!db->slot[j])
		db->used++;
	db->slot[j] = r;
	db->live++;
}

/* Keeps the table at most half full of live and deleted slots. */
static void grow(struct dns_rrdb *db)
{
	if ((db->used + 1) * 2 <= (db->slot ? db->mask + 1 : 0))
		return;
	uint32_t omask = db->mask, nmask = 63;
	struct dns_rr **old = db->slot;

	while ((db->live + 1) * 4 > nmask + 1)
		nmask = nmask * 2 + 1;
	db->slot = xcalloc((size_t)nmask + 1, sizeof(*db->slot));
	db->mask = nmask;
	db->used = db->live = 0;
	for (uint32_t i = 0; old && i <= omask; i++)
		if (old[i] && old[i] != GONE)
			put_slot(db, old[i]);
	free(old);
}

static struct dns_rr **find(const struct dns_rrdb *db, uint32_t h, const uint8_t *owner,
			    size_t olen, uint16_t type, const uint8_t *rd, size_t rdlen)
{
	if (!db->slot)
		return NULL;
	for (uint32_t j = h & db->mask;; j = (j + 1) & db->mask) {
		struct dns_rr *r = db->slot[j];

		if (!r)
			return NULL;
		if (r != GONE && r->hash == h && rr_eq(r, owner, olen, type, rd, rdlen))
			return &db->slot[j];
	}
}

void dns_rrdb_add(struct dns_rrdb *db, const uint8_t *owner, size_t olen, uint16_t type,
		  uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	uint32_t h = rr_hash(owner, olen, type, rd, rdlen);
	struct dns_rr **s = find(db, h, owner, olen, type, rd, rdlen);

	if (s && (*s)->ttl == ttl)
		return;
	if (s && (*s)->refs == 1) {
		(*s)->ttl = ttl;
		return;
	}
	struct dns_rr *r = xmalloc(sizeof(*r) + olen + rdlen);

	r->refs = 1;
	r->type = type;
	r->rdlen = (uint16_t)rdlen;
	r->ttl = ttl;
	r->hash = h;
	r->olen = (uint8_t)olen;
	memcpy(r->data, owner, olen);
	if (rdlen)
		memcpy(r->data + olen, rd, rdlen);
	if (s) { /* a new TTL for a shared record: this set's own copy replaces it */
		rr_unref(*s);
		*s = r;
		if (type == DNS_T_SOA)
			db->soa = r;
		return;
	}
	grow(db);
	put_slot(db, r);
	if (type == DNS_T_SOA)
		db->soa = r;
}

int dns_rrdb_del(struct dns_rrdb *db, const uint8_t *owner, size_t olen, uint16_t type,
		 const uint8_t *rd, size_t rdlen)
{
	struct dns_rr **s = find(db, rr_hash(owner, olen, type, rd, rdlen), owner, olen, type, rd,
				 rdlen);

	if (!s)
		return -1;
	if (*s == db->soa)
		db->soa = NULL;
	rr_unref(*s);
	*s = GONE;
	db->live--;
	return 0;
}

void dns_rrdb_copy(struct dns_rrdb *dst, const struct dns_rrdb *src)
{
	*dst = *src;
	if (!src->slot)
		return;
	dst->slot = xmalloc(((size_t)src->mask + 1) * sizeof(*dst->slot));
	memcpy(dst->slot, src->slot, ((size_t)src->mask + 1) * sizeof(*dst->slot));
	for (uint32_t i = 0; i <= src->mask; i++)
		if (dst->slot[i] && dst->slot[i] != GONE)
			dst->slot[i]->refs++;
}

uint32_t dns_rrdb_soa_field(const struct dns_rrdb *db, int idx)
{
	const struct dns_rr *r = db->soa;

	if (!r || r->rdlen < 20 || idx < 0 || idx > 4)
		return 0;
	return get32(dns_rr_rdata(r) + r->rdlen - 20 + 4 * (size_t)idx);
}

/* Canonical-ish order for a stable file: the SOA first, then by owner, type and rdata. */
static int rr_cmp(const void *a, const void *b)
{
	const struct dns_rr *x = *(const struct dns_rr *const *)a,
			    *y = *(const struct dns_rr *const *)b;
	int c;

	if ((x->type == DNS_T_SOA) != (y->type == DNS_T_SOA))
		return x->type == DNS_T_SOA ? -1 : 1;
	if (x->olen != y->olen)
		return x->olen < y->olen ? -1 : 1;
	if ((c = memcmp(x->data, y->data, x->olen)))
		return c;
	if (x->type != y->type)
		return x->type < y->type ? -1 : 1;
	if (x->rdlen != y->rdlen)
		return x->rdlen < y->rdlen ? -1 : 1;
	return memcmp(dns_rr_rdata(x), dns_rr_rdata(y), x->rdlen);
}

void dns_rrdb_text(const struct dns_rrdb *db, struct buf *out)
{
	static const char hex[] = "0123456789abcdef";
	const struct dns_rr **v = xmalloc(sizeof(*v) * (db->live + 1));
	uint32_t n = 0;

	for (uint32_t i = 0; db->slot && i <= db->mask; i++)
		if (db->slot[i] && db->slot[i] != GONE)
			v[n++] = db->slot[i];
	qsort(v, n, sizeof(*v), rr_cmp);
	buf_printf(out, "; written by anycast-dns from a zone transfer; RFC 3597 generic form\n");
	for (uint32_t i = 0; i < n; i++) {
		char name[1024], type[16];

		dns_name_to_text(v[i]->data, name, sizeof(name));
		buf_printf(out, "%s %u IN %s \\# %u ", name, v[i]->ttl,
			   dns_type_to_text(v[i]->type, type), v[i]->rdlen);
		const uint8_t *rd = dns_rr_rdata(v[i]);

		buf_reserve(out, (size_t)v[i]->rdlen * 2 + 1);
		for (size_t k = 0; k < v[i]->rdlen; k++) {
			out->data[out->len++] = (uint8_t)hex[rd[k] >> 4];
			out->data[out->len++] = (uint8_t)hex[rd[k] & 15];
		}
		buf_put8(out, '\n');
	}
	free(v);
}

static const char *parse_cb(void *arg, const uint8_t *owner, size_t olen, uint16_t type,
			    uint32_t ttl, const uint8_t *rdata, size_t rdlen, unsigned line)
{
	(void)line;
	dns_rrdb_add(arg, owner, olen, type, ttl, rdata, rdlen);
	return NULL;
}

int dns_rrdb_parse(struct dns_rrdb *db, const char *file, const char *text, size_t len, char *err,
		   size_t errlen)
{
	return dns_zparse(file, text, len, NULL, parse_cb, db, err, errlen);
}

int dns_serial_gt(uint32_t a, uint32_t b) { return a != b && (uint32_t)(a - b) < 0x80000000u; }

/* ---- the transfer ---- */

enum { ST_FIRST, ST_SECOND, ST_AXFR, ST_DEL, ST_ADD, ST_END };

void dns_xfr_begin(struct dns_xfr *x, const uint8_t *zone, size_t zlen, const struct dns_rrdb *base,
		   uint16_t id)
{
	memset(x, 0, sizeof(*x));
	memcpy(x->zone, zone, zlen);
	x->zlen = zlen;
	x->id = id;
	x->base = base && base->soa ? base : NULL;
	x->qtype = x->base ? DNS_T_IXFR : DNS_T_AXFR;
	x->have = x->base ? dns_rrdb_soa_field(x->base, 0) : 0;
	dns_rrdb_init(&x->db);
}

void dns_xfr_end(struct dns_xfr *x) { dns_rrdb_free(&x->db); }

int dns_xfr_query(const struct dns_xfr *x, uint8_t *out, size_t cap)
{
	const struct dns_rr *soa = x->base ? x->base->soa : NULL;
	size_t need = DNS_HDR_LEN + x->zlen + 4 + (soa ? 12u + soa->rdlen : 0);

	if (need > cap)
		return -1;
	memset(out, 0, DNS_HDR_LEN);
	put16(out, x->id);
	put16(out + 4, 1);
	put16(out + 8, soa ? 1 : 0);
	size_t p = DNS_HDR_LEN;

	memcpy(out + p, x->zone, x->zlen);
	p += x->zlen;
	put16(out + p, x->qtype);
	put16(out + p + 2, DNS_C_IN);
	p += 4;
	if (soa) { /* RFC 1995 3: the version we have, as a SOA in the authority section */
		put16(out + p, 0xc000 | DNS_HDR_LEN);
		put16(out + p + 2, DNS_T_SOA);
		put16(out + p + 4, DNS_C_IN);
		put32(out + p + 6, soa->ttl);
		put16(out + p + 10, soa->rdlen);
		memcpy(out + p + 12, dns_rr_rdata(soa), soa->rdlen);
		p += 12u + soa->rdlen;
	}
	return (int)p;
}

/* Where compressed names may sit in the rdata of the types that allow it (RFC 3597 4), plus
 * those some servers compress anyway (RFC 2782's SRV, RFC 2163's PX left out): skip bytes,
 * then names. */
static const struct {
	uint16_t type;
	uint8_t skip, names;
} name_rdata[] = {
	{ DNS_T_NS, 0, 1 }, { 3, 0, 1 },  { 4, 0, 1 },  { DNS_T_CNAME, 0, 1 }, { DNS_T_SOA, 0, 2 },
	{ 7, 0, 1 },        { 8, 0, 1 },  { 9, 0, 1 },  { DNS_T_PTR, 0, 1 },   { 14, 0, 2 },
	{ DNS_T_MX, 2, 1 }, { 17, 0, 2 }, { 18, 2, 1 }, { 21, 2, 1 },          { DNS_T_SRV, 6, 1 },
	{ 36, 2, 1 },       { 39, 0, 1 },
};

/* The rdata at msg[off..off+rdlen) with its names expanded into out (DNS_RDATA_MAX). */
static int expand_rdata(const uint8_t *msg, size_t len, size_t off, size_t rdlen, uint16_t type,
			uint8_t *out)
{
	size_t end = off + rdlen;

	for (size_t i = 0; i < sizeof(name_rdata) / sizeof(name_rdata[0]); i++) {
		if (name_rdata[i].type != type)
			continue;
		size_t w = name_rdata[i].skip, p = off + w;

		if (w > rdlen)
			return -1;
		memcpy(out, msg + off, w);
		for (int k = 0; k < name_rdata[i].names; k++) {
			int n = dns_name_unpack(msg, end, &p, out + w);

			if (n < 0)
				return -1;
			w += (size_t)n;
		}
		if (p > end || w + (end - p) > DNS_RDATA_MAX)
			return -1;
		memcpy(out + w, msg + p, end - p);
		w += end - p;
		return (int)w;
	}
	memcpy(out, msg + off, rdlen);
	return (int)rdlen;
}

static enum dns_xfr_result fail(struct dns_xfr *x, enum dns_xfr_result r, const char *why,
				unsigned long a, unsigned long b)
{
	snprintf(x->err, sizeof(x->err), why, a, b);
	return r;
}

static uint32_t soa_serial(const uint8_t *rd, size_t rdlen)
{
	return rdlen >= 20 ? get32(rd + rdlen - 20) : 0;
}

/* One record of the answer stream, through the states of RFC 5936 2.2 and RFC 1995 4. */
static enum dns_xfr_result step(struct dns_xfr *x, const uint8_t *owner, size_t olen, uint16_t type,
				uint32_t ttl, const uint8_t *rd, size_t rdlen)
{
	int is_soa = type == DNS_T_SOA;
	uint32_t serial = is_soa ? soa_serial(rd, rdlen) : 0;

	if (is_soa && (rdlen < 22 || olen != x->zlen || memcmp(owner, x->zone, olen) != 0))
		return fail(x, DNS_XFR_ERROR, "a SOA record that is not the zone's", 0, 0);
	if (!dns_name_under(owner, olen, x->zone, x->zlen))
		return DNS_XFR_MORE; /* RFC 5936 3.2: out-of-zone data is ignored */
	x->nrr++;
	switch (x->st) {
	case ST_FIRST:
		if (!is_soa)
			return fail(x, DNS_XFR_ERROR, "the transfer does not start with the SOA", 0,
				    0);
		x->new_serial = serial;
		dns_rrdb_add(&x->db, owner, olen, type, ttl, rd, rdlen);
		x->st = ST_SECOND;
		return DNS_XFR_MORE;
	case ST_SECOND:
		if (is_soa && x->qtype == DNS_T_IXFR && serial != x->new_serial) {
			if (serial != x->have)
				return fail(x, DNS_XFR_FALLBACK,
					    "IXFR from serial %lu, but we have %lu", serial,
					    x->have);
			/* Incremental: edit a copy of what we have, from its SOA on. */
			struct dns_rrdb first = x->db;

			dns_rrdb_copy(&x->db, x->base);
			dns_rrdb_free(&first);
			if (dns_rrdb_del(&x->db, owner, olen, type, rd, rdlen) < 0)
				return fail(x, DNS_XFR_FALLBACK,
					    "IXFR deletes a SOA we do not have", 0, 0);
			x->cur_serial = serial;
			x->st = ST_DEL;
			return DNS_XFR_MORE;
		}
		x->st = ST_AXFR;
		__attribute__((fallthrough)); /* the second record of a full zone */
	case ST_AXFR:
		if (is_soa) {
			if (serial != x->new_serial)
				return fail(x, DNS_XFR_ERROR,
					    "AXFR ends with serial %lu, began with %lu", serial,
					    x->new_serial);
			x->st = ST_END;
			return DNS_XFR_DONE;
		}
		dns_rrdb_add(&x->db, owner, olen, type, ttl, rd, rdlen);
		return DNS_XFR_MORE;
	case ST_DEL:
		if (is_soa) {
			dns_rrdb_add(&x->db, owner, olen, type, ttl, rd, rdlen);
			x->cur_serial = serial;
			x->st = ST_ADD;
		} else if (dns_rrdb_del(&x->db, owner, olen, type, rd, rdlen) < 0) {
			return fail(x, DNS_XFR_FALLBACK, "IXFR deletes a record we do not have", 0,
				    0);
		}
		return DNS_XFR_MORE;
	case ST_ADD:
		if (!is_soa) {
			dns_rrdb_add(&x->db, owner, olen, type, ttl, rd, rdlen);
			return DNS_XFR_MORE;
		}
		if (x->cur_serial == x->new_serial) {
			if (serial != x->new_serial)
				return fail(x, DNS_XFR_FALLBACK,
					    "IXFR ends with serial %lu, began with %lu", serial,
					    x->new_serial);
			x->st = ST_END;
			return DNS_XFR_DONE;
		}
		if (serial != x->cur_serial ||
		    dns_rrdb_del(&x->db, owner, olen, type, rd, rdlen) < 0)
			return fail(x, DNS_XFR_FALLBACK, "IXFR deletes from serial %lu after %lu",
				    serial, x->cur_serial);
		x->st = ST_DEL;
		return DNS_XFR_MORE;
	default: return fail(x, DNS_XFR_ERROR, "records after the final SOA", 0, 0);
	}
}

enum dns_xfr_result dns_xfr_feed(struct dns_xfr *x, const uint8_t *msg, size_t len)
{
	static uint8_t rd[DNS_RDATA_MAX]; /* only the main thread transfers */

	if (x->st == ST_END)
		return fail(x, DNS_XFR_ERROR, "a message after the end of the transfer", 0, 0);
	if (len < DNS_HDR_LEN)
		return fail(x, DNS_XFR_ERROR, "a message of %lu octets", len, 0);
	uint16_t flags = get16(msg + 2);
	unsigned qd = get16(msg + 4), an = get16(msg + 6), rcode = flags & 0xf;

	if (get16(msg) != x->id || !(flags & DNS_QR) || DNS_OPCODE(flags) != 0)
		return fail(x, DNS_XFR_ERROR, "not a response to our query (ID %lu)", get16(msg),
			    0);
	if (rcode) {
		/* RFC 1995 and 5936 leave an IXFR refusal to the server; AXFR is the answer */
		if (x->qtype == DNS_T_IXFR && x->msgs == 0 && rcode != DNS_RC_REFUSED &&
		    rcode != DNS_RC_NXDOMAIN)
			return fail(x, DNS_XFR_FALLBACK, "IXFR answered with RCODE %lu", rcode, 0);
		return fail(x, DNS_XFR_ERROR, "the primary answered with RCODE %lu", rcode, 0);
	}
	if (flags & DNS_TC)
		return fail(x, DNS_XFR_ERROR, "a truncated message", 0, 0);
	x->msgs++;
	size_t off = DNS_HDR_LEN;

	for (unsigned i = 0; i < qd; i++) {
		if (dns_name_skip(msg, len, &off) < 0 || len - off < 4)
			return fail(x, DNS_XFR_ERROR, "a malformed question", 0, 0);
		off += 4;
	}
	for (unsigned i = 0; i < an; i++) {
		uint8_t owner[DNS_NAME_MAX];
		int olen = dns_name_unpack(msg, len, &off, owner);

		if (olen < 0 || len - off < 10)
			return fail(x, DNS_XFR_ERROR, "a malformed record (%lu of %lu)", i + 1, an);
		uint16_t type = get16(msg + off), cls = get16(msg + off + 2);
		uint32_t ttl = get32(msg + off + 4);
		size_t rdlen = get16(msg + off + 8);

		off += 10;
		if (len - off < rdlen)
			return fail(x, DNS_XFR_ERROR, "a record runs off the message", 0, 0);
		if (type == DNS_T_OPT || type == 250 /* TSIG */) {
			off += rdlen;
			continue;
		}
		if (cls != DNS_C_IN)
			return fail(x, DNS_XFR_ERROR, "a record of class %lu", cls, 0);
		int n = expand_rdata(msg, len, off, rdlen, type, rd);

		if (n < 0 || (dns_type_known(type) && dns_rdata_check(type, rd, (size_t)n) < 0))
			return fail(x, DNS_XFR_ERROR, "malformed rdata of type %lu", type, 0);
		off += rdlen;
		dns_name_lower(owner, owner, (size_t)olen);
		enum dns_xfr_result r = step(x, owner, (size_t)olen, type, ttl & 0x7fffffffu, rd,
					     (size_t)n);

		if (r != DNS_XFR_MORE) {
			if (r == DNS_XFR_DONE && i + 1 < an)
				return fail(x, DNS_XFR_ERROR, "records after the final SOA", 0, 0);
			return r;
		}
	}
	/* RFC 1995 4: a lone SOA no newer than ours says we are up to date. */
	if (x->st == ST_SECOND && x->qtype == DNS_T_IXFR) {
		if (!dns_serial_gt(x->new_serial, x->have))
			return DNS_XFR_UPTODATE;
		return fail(x, DNS_XFR_FALLBACK, "IXFR answered with a lone SOA", 0, 0);
	}
	return DNS_XFR_MORE;
}
