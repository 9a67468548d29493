/* Zone transfers, the client's side: AXFR in one and in several messages, IXFR applied to a
 * copy (the zone we had untouched), the lone SOA of an up-to-date zone, an AXFR-style answer
 * to IXFR, every inconsistency that must end the transfer or fall back to AXFR, the query,
 * the record set's text round trip, and a zone set that keeps the last good text when a
 * transferred one does not build. */
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"
#include "dns/xfr.h"
#include "dns/zoneset.h"
#include "lib/buf.h"
#include "t.h"

#define ZONE "x.test."

/* ---- composing primary's messages ---- */

struct msg {
	uint8_t b[4096];
	size_t len;
	unsigned an;
};

static void msg_begin(struct msg *m, uint16_t id, uint16_t flags)
{
	memset(m, 0, sizeof(*m));
	put16(m->b, id);
	put16(m->b + 2, (uint16_t)(0x8400 | flags));
	put16(m->b + 4, 1);
	m->len = 12;
	int n = dns_name_from_text(ZONE, strlen(ZONE), NULL, m->b + 12, &(const char *){ 0 });

	m->len += (size_t)n;
	put16(m->b + m->len, DNS_T_AXFR);
	put16(m->b + m->len + 2, DNS_C_IN);
	m->len += 4;
}

static size_t wname(uint8_t *p, const char *name)
{
	const char *e;

	return (size_t)dns_name_from_text(name, strlen(name), NULL, p, &e);
}

/* One record; the rdata given as bytes (already wire). */
static void msg_rr(struct msg *m, const char *owner, uint16_t type, const void *rd, size_t rdlen)
{
	m->len += wname(m->b + m->len, owner);
	put16(m->b + m->len, type);
	put16(m->b + m->len + 2, DNS_C_IN);
	put32(m->b + m->len + 4, 300);
	put16(m->b + m->len + 8, (uint16_t)rdlen);
	memcpy(m->b + m->len + 10, rd, rdlen);
	m->len += 10 + rdlen;
	put16(m->b + 6, (uint16_t)++m->an);
}

static size_t soa_rd(uint8_t *p, uint32_t serial)
{
	size_t n = wname(p, "ns1." ZONE);

	n += wname(p + n, "h." ZONE);
	put32(p + n, serial);
	put32(p + n + 4, 3600);
	put32(p + n + 8, 60);
	put32(p + n + 12, 600);
	put32(p + n + 16, 300);
	return n + 20;
}

static void msg_soa(struct msg *m, uint32_t serial)
{
	uint8_t rd[600];

	msg_rr(m, ZONE, DNS_T_SOA, rd, soa_rd(rd, serial));
}

static void msg_a(struct msg *m, const char *owner, uint8_t last)
{
	uint8_t a[4] = { 192, 0, 2, last };

	msg_rr(m, owner, DNS_T_A, a, 4);
}

static void msg_ns(struct msg *m) { msg_rr(m, ZONE, DNS_T_NS, "\3ns1\300\14", 6); }

static int has_a(const struct dns_rrdb *db, const char *owner, uint8_t last)
{
	uint8_t o[DNS_NAME_MAX], a[4] = { 192, 0, 2, last };
	size_t ol = wname(o, owner);
	struct dns_rrdb c;

	dns_rrdb_copy(&c, db);
	int r = dns_rrdb_del(&c, o, ol, DNS_T_A, a, 4) == 0;

	dns_rrdb_free(&c);
	return r;
}

/* serial 1: SOA, NS (its name compressed against the question), MX, www and ns1 */
static void full_zone(struct msg *m, uint32_t serial, int end)
{
	msg_soa(m, serial);
	msg_ns(m);
	msg_rr(m, ZONE, DNS_T_MX, "\0\12\4mail\300\14", 9);
	msg_a(m, "www." ZONE, 80);
	msg_a(m, "ns1." ZONE, 53);
	if (end)
		msg_soa(m, serial);
}

static const uint8_t zone_wire[] = "\1x\4test";

static void axfr(struct dns_xfr *x, struct dns_rrdb *out)
{
	struct msg m;

	dns_xfr_begin(x, zone_wire, sizeof(zone_wire), NULL, 7);
	msg_begin(&m, 7, 0);
	full_zone(&m, 1, 1);
	CHECK_INT(dns_xfr_feed(x, m.b, m.len), DNS_XFR_DONE);
	*out = x->db;
	dns_rrdb_init(&x->db);
	dns_xfr_end(x);
}

static void test_axfr(void)
{
	struct dns_xfr x;
	struct dns_rrdb db;

	axfr(&x, &db);
	CHECK_INT(db.live, 5);
	CHECK_INT(dns_rrdb_soa_field(&db, 0), 1);
	CHECK_INT(dns_rrdb_soa_field(&db, 3), 600);
	CHECK(has_a(&db, "www." ZONE, 80));
	/* the MX's compressed name is stored expanded */
	uint8_t mx[64], o[DNS_NAME_MAX];
	size_t n = 2;

	mx[0] = 0;
	mx[1] = 10;
	n += wname(mx + 2, "mail." ZONE);
	size_t ol = wname(o, ZONE);

	CHECK_INT(dns_rrdb_del(&db, o, ol, DNS_T_MX, mx, n), 0);
	dns_rrdb_free(&db);

	/* in three messages, the later ones without a question */
	struct msg m;

	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), NULL, 9);
	msg_begin(&m, 9, 0);
	msg_soa(&m, 5);
	msg_ns(&m);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_MORE);
	msg_begin(&m, 9, 0);
	put16(m.b + 4, 0);
	m.len = 12;
	msg_a(&m, "a." ZONE, 1);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_MORE);
	msg_begin(&m, 9, 0);
	msg_a(&m, "b." ZONE, 2);
	msg_a(&m, "other.test.", 3); /* out of zone: ignored (RFC 5936 3.2) */
	msg_soa(&m, 5);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_DONE);
	CHECK_INT(x.db.live, 4);
	CHECK_INT(x.msgs, 3);
	CHECK(!has_a(&x.db, "other.test.", 3));
	/* anything after the end is an error */
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_ERROR);
	dns_xfr_end(&x);
}

static void test_ixfr(void)
{
	struct dns_xfr x;
	struct dns_rrdb base;
	struct msg m;

	axfr(&x, &base);
	/* 1 -> 2: www .80 -> .81; 2 -> 3: new .99 added */
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), &base, 11);
	CHECK_INT(x.qtype, DNS_T_IXFR);
	msg_begin(&m, 11, 0);
	msg_soa(&m, 3);
	msg_soa(&m, 1);
	msg_a(&m, "www." ZONE, 80);
	msg_soa(&m, 2);
	msg_a(&m, "www." ZONE, 81);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_MORE);
	msg_begin(&m, 11, 0);
	msg_soa(&m, 2);
	msg_soa(&m, 3);
	msg_a(&m, "new." ZONE, 99);
	msg_soa(&m, 3);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_DONE);
	CHECK_INT(dns_rrdb_soa_field(&x.db, 0), 3);
	CHECK(has_a(&x.db, "www." ZONE, 81));
	CHECK(!has_a(&x.db, "www." ZONE, 80));
	CHECK(has_a(&x.db, "new." ZONE, 99));
	CHECK_INT(x.db.live, 6);
	/* what we had is untouched */
	CHECK(has_a(&base, "www." ZONE, 80));
	CHECK_INT(dns_rrdb_soa_field(&base, 0), 1);
	dns_xfr_end(&x);

	/* up to date: a lone SOA of our serial */
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), &base, 12);
	msg_begin(&m, 12, 0);
	msg_soa(&m, 1);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_UPTODATE);
	dns_xfr_end(&x);

	/* the primary answers IXFR with the whole zone (RFC 1995 4) */
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), &base, 13);
	msg_begin(&m, 13, 0);
	full_zone(&m, 4, 0);
	msg_a(&m, "extra." ZONE, 4);
	msg_soa(&m, 4);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_DONE);
	CHECK_INT(x.db.live, 6);
	CHECK(has_a(&x.db, "extra." ZONE, 4));
	dns_xfr_end(&x);

	/* deleting what we do not have, or from another serial: ask again with AXFR */
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), &base, 14);
	msg_begin(&m, 14, 0);
	msg_soa(&m, 2);
	msg_soa(&m, 1);
	msg_a(&m, "nothere." ZONE, 1);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_FALLBACK);
	dns_xfr_end(&x);
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), &base, 15);
	msg_begin(&m, 15, 0);
	msg_soa(&m, 9);
	msg_soa(&m, 7);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_FALLBACK);
	dns_xfr_end(&x);
	/* an IXFR the server does not implement */
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), &base, 16);
	msg_begin(&m, 16, DNS_RC_NOTIMP);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_FALLBACK);
	dns_xfr_end(&x);
	dns_rrdb_free(&base);
}

/* A copy shares the records: an edit of the copy (a new TTL, a deletion, an addition)
 * leaves the original as it was, and both free cleanly in either order. */
static void test_copy_shares(void)
{
	static const uint8_t owner[] = "\3www\7example\3com", rd[4] = { 192, 0, 2, 1 };
	struct dns_rrdb a, b, c;

	dns_rrdb_init(&a);
	dns_rrdb_add(&a, owner, sizeof(owner), DNS_T_A, 300, rd, 4);
	dns_rrdb_copy(&b, &a);
	dns_rrdb_copy(&c, &b);
	CHECK(memcmp(a.slot, b.slot, ((size_t)a.mask + 1) * sizeof(*a.slot)) == 0);
	dns_rrdb_add(&b, owner, sizeof(owner), DNS_T_A, 60, rd, 4); /* a new TTL */
	CHECK_INT(b.live, 1);
	for (uint32_t i = 0; i <= a.mask; i++)
		if (a.slot[i]) {
			CHECK_INT(a.slot[i]->ttl, 300);
			CHECK_INT(c.slot[i]->ttl, 300);
			CHECK_INT(a.slot[i]->refs, 2);
		}
	CHECK_INT(dns_rrdb_del(&c, owner, sizeof(owner), DNS_T_A, rd, 4), 0);
	CHECK_INT(c.live, 0);
	CHECK_INT(a.live, 1);
	dns_rrdb_free(&a);
	dns_rrdb_free(&c);
	CHECK_INT(b.live, 1);
	dns_rrdb_free(&b);
}

static void test_errors(void)
{
	struct dns_xfr x;
	struct msg m;

	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), NULL, 20);
	msg_begin(&m, 21, 0);
	msg_soa(&m, 1);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_ERROR); /* not our ID */
	msg_begin(&m, 20, DNS_RC_REFUSED);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_ERROR);
	CHECK(strstr(x.err, "RCODE 5") != NULL);
	msg_begin(&m, 20, 0);
	msg_a(&m, "www." ZONE, 1);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_ERROR); /* no SOA first */
	dns_xfr_end(&x);

	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), NULL, 22);
	msg_begin(&m, 22, 0);
	full_zone(&m, 1, 1);
	msg_a(&m, "late." ZONE, 1);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_ERROR); /* after the final SOA */
	dns_xfr_end(&x);

	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), NULL, 23);
	msg_begin(&m, 23, 0);
	full_zone(&m, 1, 0);
	msg_soa(&m, 2);
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_ERROR); /* ends with another serial */
	dns_xfr_end(&x);

	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), NULL, 24);
	msg_begin(&m, 24, 0);
	full_zone(&m, 1, 1);
	for (size_t cut = 12; cut < m.len; cut += 7) { /* every truncation fails cleanly */
		struct dns_xfr y;

		dns_xfr_begin(&y, zone_wire, sizeof(zone_wire), NULL, 24);
		CHECK(dns_xfr_feed(&y, m.b, cut) <= DNS_XFR_MORE);
		dns_xfr_end(&y);
	}
	m.b[m.len - 21] = 0xc0; /* a compression pointer in the SOA rdata, pointing forward */
	m.b[m.len - 20] = 0xff;
	CHECK_INT(dns_xfr_feed(&x, m.b, m.len), DNS_XFR_ERROR);
	dns_xfr_end(&x);
}

static void test_query(void)
{
	struct dns_xfr x;
	struct dns_rrdb base;
	uint8_t q[1024];

	axfr(&x, &base);
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), NULL, 0x1234);
	int n = dns_xfr_query(&x, q, sizeof(q));

	CHECK_INT(n, 12 + (int)sizeof(zone_wire) + 4);
	CHECK_INT(get16(q), 0x1234);
	CHECK_INT(get16(q + n - 4), DNS_T_AXFR);
	CHECK_INT(get16(q + 8), 0);
	dns_xfr_end(&x);
	dns_xfr_begin(&x, zone_wire, sizeof(zone_wire), &base, 0x4321);
	n = dns_xfr_query(&x, q, sizeof(q));
	CHECK_INT(get16(q + 8), 1); /* the SOA we have, in the authority section */
	size_t p = 12 + sizeof(zone_wire);

	CHECK_INT(get16(q + p), DNS_T_IXFR);
	CHECK_INT(get16(q + p + 6), DNS_T_SOA);
	CHECK_INT(get32(q + n - 20), 1);
	CHECK_INT(dns_xfr_query(&x, q, 20), -1);
	dns_xfr_end(&x);
	dns_rrdb_free(&base);

	CHECK(dns_serial_gt(2, 1));
	CHECK(!dns_serial_gt(1, 2));
	CHECK(!dns_serial_gt(5, 5));
	CHECK(dns_serial_gt(1, 0xfffffff0u)); /* RFC 1982 wraps */
}

static void test_text(void)
{
	struct dns_xfr x;
	struct dns_rrdb db, back;
	struct buf b;
	char err[256];

	axfr(&x, &db);
	buf_init(&b);
	dns_rrdb_text(&db, &b);
	dns_rrdb_init(&back);
	CHECK_INT(dns_rrdb_parse(&back, "t", (const char *)b.data, b.len, err, sizeof(err)), 0);
	CHECK_INT(back.live, db.live);
	CHECK_INT(dns_rrdb_soa_field(&back, 0), 1);
	CHECK(has_a(&back, "www." ZONE, 80));

	/* a zone set keeps the text when the candidate does not build */
	static const char bad[] = "x.test. 300 IN A 192.0.2.1\n"; /* no SOA */
	struct dns_ztext t = {
		.name = "sec", .text = (const char *)b.data, .len = b.len, .cand = bad, .clen = 27
	};
	struct dns_zoneset *zs = dns_zoneset_build(NULL, 0, &t, 1, err, sizeof(err));

	CHECK(zs != NULL);
	CHECK_INT(t.took_cand, 0);
	CHECK(strstr(t.err, "no SOA") != NULL);
	CHECK_INT(zs ? zs->nzones : 0, 1);
	dns_zoneset_free(zs);
	t.cand = t.text;
	t.clen = t.len;
	t.text = NULL;
	zs = dns_zoneset_build(NULL, 0, &t, 1, err, sizeof(err));
	CHECK_INT(t.took_cand, 1);
	CHECK_INT(zs ? zs->nzones : 0, 1);
	dns_zoneset_free(zs);
	buf_free(&b);
	dns_rrdb_free(&db);
	dns_rrdb_free(&back);
}

int main(void)
{
	RUN(test_axfr);
	RUN(test_ixfr);
	RUN(test_copy_shares);
	RUN(test_errors);
	RUN(test_query);
	RUN(test_text);
	return t_done();
}
