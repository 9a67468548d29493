/* The path attribute table (see attr_table.h): each attribute's codec functions, then its row.
 *
 * Decoders check the value, store it in the scratch set and return NULL, or return why it is
 * malformed; the UPDATE decoder applies the row's RFC 7606 action. Encoders write the
 * attribute with its header when the set has it. Nothing here calls into attr.c: the intern
 * table walks these rows, so the dependency goes one way. */
#include "bgp/attr_table.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp/extcomm.h"
#include "lib/log.h"

#define OPT BGP_AF_OPTIONAL
#define TRANS BGP_AF_TRANSITIVE

void bgp_attr_warn(struct bgp_attr_dec *d, const char *fmt, ...)
{
	size_t l = strlen(d->warn);
	va_list ap;

	if (l + 3 >= d->warn_size)
		return;
	if (l) {
		memcpy(d->warn + l, "; ", 3);
		l += 2;
	}
	va_start(ap, fmt);
	vsnprintf(d->warn + l, d->warn_size - l, fmt, ap);
	va_end(ap);
}

static const char *badlen(struct bgp_attr_dec *d, size_t len)
{
	snprintf(d->why, sizeof(d->why), "bad length %zu", len);
	return d->why;
}

void bgp_attr_hdr_put(struct buf *b, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255) {
		buf_put8(b, flags | BGP_AF_EXTLEN);
		buf_put8(b, type);
		buf_put16(b, (uint16_t)len);
	} else {
		buf_put8(b, flags & ~BGP_AF_EXTLEN);
		buf_put8(b, type);
		buf_put8(b, (uint8_t)len);
	}
}

int bgp_attr_nh4_valid(const uint8_t *a) { return a[0] != 0 && a[0] < 224; }

static int nh6_valid(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) != 0 && a[0] != 0xff;
}

/* ---- ORIGIN (RFC 4271 5.1.1, RFC 7606 7.1) ---- */

static const char *origin_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	if (len != 1)
		return badlen(d, len);
	if (v[0] > BGP_ORIGIN_INCOMPLETE)
		return "undefined value";
	d->a->origin = v[0];
	d->a->has |= BGP_AH_ORIGIN;
	return NULL;
}

/* Sent always: a set without one says IGP (0), as the scratch set was zeroed. */
static void origin_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		       int ipv4)
{
	(void)c, (void)ipv4;
	bgp_attr_hdr_put(b, TRANS, BGP_ATTR_ORIGIN, 1);
	buf_put8(b, a->origin);
}

/* ---- AS_PATH and AS4_PATH (RFC 4271 5.1.2, RFC 6793, RFC 7606 7.2) ---- */

/* Walks an AS path of w-octet ASNs; returns its size in 4-octet form, or -1 with *why.
 * RFC 7606 sec 7.2 (overrun, lone octet, zero count, unknown type), RFC 7607 (AS 0), and
 * RFC 5065 sec 5 (we are in no confederation, so confed segments from anyone are errors). */
static long aspath_check(const uint8_t *p, size_t len, size_t w, int confed_ok, const char **why)
{
	size_t off = 0;
	long out = 0;

	while (off < len) {
		uint8_t type, cnt;

		if (len - off < 2) {
			*why = "truncated segment header";
			return -1;
		}
		type = p[off];
		cnt = p[off + 1];
		if (type != BGP_ASSEG_SET && type != BGP_ASSEG_SEQUENCE &&
		    !(confed_ok &&
		      (type == BGP_ASSEG_CONFED_SEQ || type == BGP_ASSEG_CONFED_SET))) {
			*why = type == BGP_ASSEG_CONFED_SEQ || type == BGP_ASSEG_CONFED_SET
				       ? "confederation segment from outside our confederation"
				       : "bad segment type";
			return -1;
		}
		if (cnt == 0) {
			*why = "segment of zero length";
			return -1;
		}
		if ((size_t)cnt * w > len - off - 2) {
			*why = "segment overruns attribute";
			return -1;
		}
		for (size_t i = 0; i < cnt; i++) {
			const uint8_t *a = p + off + 2 + i * w;

			if ((w == 4 ? get32(a) : get16(a)) == 0) {
				*why = "AS 0 in path";
				return -1;
			}
		}
		off += 2 + (size_t)cnt * w;
		out += 2 + (long)cnt * 4;
	}
	return out;
}

static const char *aspath_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	struct bgp_attrs *a = d->a;
	size_t w = d->ctx->as4 ? 4 : 2, off = 0, o = 0;
	const char *why;
	long outlen = aspath_check(v, len, w, 0, &why);

	if (outlen < 0)
		return why;
	a->aspath = outlen ? xmalloc((size_t)outlen) : NULL;
	a->aspath_len = (uint16_t)outlen;
	a->has |= BGP_AH_AS_PATH;
	if (w == 4) {
		if (len)
			memcpy(a->aspath, v, len);
		return NULL;
	}
	while (off < len) {
		uint8_t cnt = v[off + 1];

		a->aspath[o++] = v[off];
		a->aspath[o++] = cnt;
		for (size_t i = 0; i < cnt; i++, o += 4)
			put32(a->aspath + o, get16(v + off + 2 + i * 2));
		off += 2 + (size_t)cnt * 2;
	}
	return NULL;
}

#define SEGS(a, off)                                                                        \
	for (size_t off = 0; off + 2 <= (a)->aspath_len &&                                  \
			     off + 2 + (size_t)(a)->aspath[off + 1] * 4 <= (a)->aspath_len; \
	     off += 2 + (size_t)(a)->aspath[off + 1] * 4)

static int aspath_has_big_asn(const struct bgp_attrs *a)
{
	SEGS(a, off)
		for (size_t i = 0; i < a->aspath[off + 1]; i++)
			if (get32(a->aspath + off + 2 + i * 4) > 0xffff)
				return 1;
	return 0;
}

/* For a 2-octet peer, ASNs that do not fit are AS_TRANS (RFC 6793 sec 4.2.2); the AS4_PATH
 * row then carries the real ones. Sent always (empty for our own routes to iBGP). */
static void aspath_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		       int ipv4)
{
	size_t len = 0;

	(void)ipv4;
	if (c->as4) {
		SEGS(a, off)
			len = off + 2 + (size_t)a->aspath[off + 1] * 4;
		bgp_attr_hdr_put(b, TRANS, BGP_ATTR_AS_PATH, len);
		buf_put(b, a->aspath, len);
		return;
	}
	SEGS(a, off)
		len += 2 + (size_t)a->aspath[off + 1] * 2;
	bgp_attr_hdr_put(b, TRANS, BGP_ATTR_AS_PATH, len);
	SEGS(a, off) {
		buf_put8(b, a->aspath[off]);
		buf_put8(b, a->aspath[off + 1]);
		for (size_t i = 0; i < a->aspath[off + 1]; i++) {
			uint32_t asn = get32(a->aspath + off + 2 + i * 4);

			buf_put16(b, asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn);
		}
	}
}

static const char *as4_ignore(const struct bgp_codec_ctx *c)
{
	/* RFC 6793 sec 4.2.2: a 4-octet speaker never sends them */
	return c->as4 ? "from a 4-octet AS peer" : NULL;
}

static const char *as4_path_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	const char *why;

	/* RFC 6793 sec 6: confed segments are dropped from AS4_PATH, not an error */
	if (aspath_check(v, len, 4, 1, &why) < 0)
		return why;
	d->as4_path = v;
	d->as4_path_len = len;
	return NULL;
}

static void as4_path_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
			 int ipv4)
{
	size_t len = 0;

	(void)ipv4;
	if (c->as4 || !aspath_has_big_asn(a))
		return;
	/* confederation segments never go into AS4_PATH (RFC 6793 sec 3) */
	SEGS(a, off)
		if (a->aspath[off] == BGP_ASSEG_SET || a->aspath[off] == BGP_ASSEG_SEQUENCE)
			len += 2 + (size_t)a->aspath[off + 1] * 4;
	bgp_attr_hdr_put(b, OPT | TRANS, BGP_ATTR_AS4_PATH, len);
	SEGS(a, off)
		if (a->aspath[off] == BGP_ASSEG_SET || a->aspath[off] == BGP_ASSEG_SEQUENCE)
			buf_put(b, a->aspath + off, 2 + (size_t)a->aspath[off + 1] * 4);
}

/* ---- NEXT_HOP (RFC 4271 5.1.3, RFC 7606 7.3); its validity needs the NLRI: update.c ---- */

static const char *nexthop_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	if (len != 4)
		return badlen(d, len);
	d->a->nexthop.af = AF_INET;
	memcpy(d->a->nexthop.a, v, 4);
	d->a->has |= BGP_AH_NEXT_HOP;
	return NULL;
}

static void nexthop_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
			int ipv4)
{
	(void)c;
	if (!ipv4)
		return; /* IPv6 goes in MP_REACH_NLRI */
	bgp_attr_hdr_put(b, TRANS, BGP_ATTR_NEXT_HOP, 4);
	buf_put(b, a->nexthop.a, 4);
}

/* ---- MED, LOCAL_PREF, OTC: one 32-bit value each (RFC 4271 5.1.4-5, RFC 9234) ---- */

static const char *u32_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len, uint32_t *to,
			   uint32_t has)
{
	if (len != 4)
		return badlen(d, len);
	*to = get32(v);
	d->a->has |= has;
	return NULL;
}

static void u32_enc(struct buf *b, const struct bgp_attrs *a, uint32_t has, uint8_t flags,
		    uint8_t type, uint32_t v)
{
	if (!(a->has & has))
		return;
	bgp_attr_hdr_put(b, flags, type, 4);
	buf_put32(b, v);
}

static const char *med_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	return u32_dec(d, v, len, &d->a->med, BGP_AH_MED);
}

static void med_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		    int ipv4)
{
	(void)c, (void)ipv4;
	u32_enc(b, a, BGP_AH_MED, OPT, BGP_ATTR_MED, a->med);
}

static void med_fmt(struct buf *out, const struct bgp_attrs *a, int json)
{
	if (a->has & BGP_AH_MED)
		buf_printf(out, json ? ",\"med\":%u" : " med %u", a->med);
}

static const char *local_pref_ignore(const struct bgp_codec_ctx *c)
{
	/* RFC 4271 9.1.2, whatever its shape (RFC 7606 sec 7.5) */
	return c->ebgp ? "from an external peer" : NULL;
}

static const char *local_pref_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	return u32_dec(d, v, len, &d->a->local_pref, BGP_AH_LOCAL_PREF);
}

static void local_pref_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
			   int ipv4)
{
	(void)ipv4;
	if (!c->ebgp) /* RFC 4271 5.1.5: it stays inside the AS */
		u32_enc(b, a, BGP_AH_LOCAL_PREF, TRANS, BGP_ATTR_LOCAL_PREF, a->local_pref);
}

static void local_pref_fmt(struct buf *out, const struct bgp_attrs *a, int json)
{
	if (a->has & BGP_AH_LOCAL_PREF)
		buf_printf(out, json ? ",\"local_pref\":%u" : " pref %u", a->local_pref);
}

static const char *otc_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	return u32_dec(d, v, len, &d->a->otc, BGP_AH_OTC);
}

static void otc_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		    int ipv4)
{
	(void)c, (void)ipv4;
	u32_enc(b, a, BGP_AH_OTC, OPT | TRANS, BGP_ATTR_OTC, a->otc);
}

static void otc_fmt(struct buf *out, const struct bgp_attrs *a, int json)
{
	if (a->has & BGP_AH_OTC)
		buf_printf(out, json ? ",\"otc\":%u" : " otc %u", a->otc);
}

/* ---- ATOMIC_AGGREGATE, AGGREGATOR, AS4_AGGREGATOR (RFC 4271 5.1.6-7, RFC 7606 7.6-7.7) ---- */

static const char *atomic_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	(void)v;
	if (len != 0)
		return badlen(d, len);
	d->a->has |= BGP_AH_ATOMIC_AGGREGATE;
	return NULL;
}

static void atomic_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		       int ipv4)
{
	(void)c, (void)ipv4;
	if (a->has & BGP_AH_ATOMIC_AGGREGATE)
		bgp_attr_hdr_put(b, TRANS, BGP_ATTR_ATOMIC_AGGREGATE, 0);
}

static const char *aggregator_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	struct bgp_attrs *a = d->a;

	if (len != (d->ctx->as4 ? 8u : 6u))
		return badlen(d, len);
	a->aggregator_as = d->ctx->as4 ? get32(v) : get16(v);
	if (a->aggregator_as == 0) /* RFC 7607 sec 2 */
		return "AS 0";
	memset(&a->aggregator_addr, 0, sizeof(a->aggregator_addr));
	a->aggregator_addr.af = AF_INET;
	memcpy(a->aggregator_addr.a, v + len - 4, 4);
	a->has |= BGP_AH_AGGREGATOR;
	return NULL;
}

static void aggregator_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
			   int ipv4)
{
	(void)ipv4;
	if (!(a->has & BGP_AH_AGGREGATOR))
		return;
	bgp_attr_hdr_put(b, OPT | TRANS, BGP_ATTR_AGGREGATOR, c->as4 ? 8 : 6);
	if (c->as4)
		buf_put32(b, a->aggregator_as);
	else
		buf_put16(b, a->aggregator_as > 0xffff ? BGP_AS_TRANS : (uint16_t)a->aggregator_as);
	buf_put(b, a->aggregator_addr.a, 4);
}

static const char *as4_aggregator_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	if (len != 8)
		return badlen(d, len);
	if (get32(v) == 0)
		return "AS 0";
	d->as4_aggr = 1;
	d->as4_aggr_as = get32(v);
	memcpy(d->as4_aggr_addr, v + 4, 4);
	return NULL;
}

static void as4_aggregator_enc(struct buf *b, const struct bgp_attrs *a,
			       const struct bgp_codec_ctx *c, int ipv4)
{
	(void)ipv4;
	if (c->as4 || !(a->has & BGP_AH_AGGREGATOR) || a->aggregator_as <= 0xffff)
		return;
	bgp_attr_hdr_put(b, OPT | TRANS, BGP_ATTR_AS4_AGGREGATOR, 8);
	buf_put32(b, a->aggregator_as);
	buf_put(b, a->aggregator_addr.a, 4);
}

/* ---- MP_REACH_NLRI, MP_UNREACH_NLRI (RFC 4760, RFC 7606 7.11): left for update.c ---- */

static int mp_family_ok(const struct bgp_attr_dec *d, uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return 0;
	return (afi == BGP_AFI_IPV4 && d->ctx->mp_ipv4) || (afi == BGP_AFI_IPV6 && d->ctx->mp_ipv6);
}

static const char *mp_reach_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	uint16_t afi;
	uint8_t safi, nhlen;
	const uint8_t *nh;

	d->mp_attr = 1;
	/* RFC 7606 sec 7.11: if the next hop length is off, the NLRI cannot be located: reset */
	if (len < 5 || (size_t)v[3] + 5 > len)
		return "next hop overruns attribute";
	afi = get16(v);
	safi = v[2];
	nhlen = v[3];
	nh = v + 4;
	if (!mp_family_ok(d, afi, safi)) {
		bgp_attr_warn(d, "MP_REACH_NLRI for AFI %u SAFI %u not negotiated, ignored", afi,
			      safi);
		return NULL;
	}
	/* RFC 8950: an IPv6 next hop (16, or 32 with a link-local) for IPv4 NLRI once
	 * negotiated */
	int v6nh = afi == BGP_AFI_IPV6 || (d->ctx->ext_nh4 && (nhlen == 16 || nhlen == 32));

	if ((afi == BGP_AFI_IPV4 && nhlen != 4 && !v6nh) || (v6nh && nhlen != 16 && nhlen != 32)) {
		snprintf(d->why, sizeof(d->why), "next hop length %u for AFI %u", nhlen, afi);
		return d->why;
	}
	/* v[4 + nhlen] is the reserved octet (RFC 4760 sec 3), ignored */
	d->reach.present = 1;
	d->reach.afi = afi;
	d->reach.nlri = v + 5 + nhlen;
	d->reach.len = len - 5 - nhlen;
	if (!v6nh) {
		d->mp_nexthop.af = AF_INET;
		memcpy(d->mp_nexthop.a, nh, 4);
		if (bgp_attr_nh4_valid(nh))
			return NULL;
	} else {
		d->mp_nexthop.af = AF_INET6;
		memcpy(d->mp_nexthop.a, nh, 16);
		if (nhlen == 32 && nh6_valid(nh + 16)) {
			d->mp_nexthop_ll.af = AF_INET6;
			memcpy(d->mp_nexthop_ll.a, nh + 16, 16);
		}
		/* A speaker with only a link-local address on the link sends it alone (16
		 * octets) or with an unspecified global (32): the link-local is the next hop. */
		if (nh[0] == 0xfe && (nh[1] & 0xc0) == 0x80) {
			d->mp_nexthop_ll = d->mp_nexthop;
			return NULL;
		}
		if (!nh6_valid(nh) && d->mp_nexthop_ll.af == AF_INET6) {
			d->mp_nexthop = d->mp_nexthop_ll;
			return NULL;
		}
		if (nh6_valid(nh))
			return NULL;
	}
	d->how = BGP_BAD_TAW; /* the NLRI are found: only the routes are lost */
	return "invalid next hop";
}

static const char *mp_unreach_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	d->mp_attr = 1;
	if (len < 3)
		return "shorter than AFI and SAFI";
	if (!mp_family_ok(d, get16(v), v[2])) {
		bgp_attr_warn(d, "MP_UNREACH_NLRI for AFI %u SAFI %u not negotiated, ignored",
			      get16(v), v[2]);
		return NULL;
	}
	d->unreach.present = 1;
	d->unreach.afi = get16(v);
	d->unreach.nlri = v + 3;
	d->unreach.len = len - 3;
	return NULL;
}

/* Before item i of a list: a space in text, a comma between JSON array items. */
static const char *sep(int json, size_t i) { return !json ? " " : i ? "," : ""; }

/* ---- COMMUNITIES (RFC 1997, RFC 7606 7.8), LARGE_COMMUNITY (RFC 8092 sec 6),
 * EXTENDED_COMMUNITIES (RFC 4360, RFC 7606 7.14): a non-empty list of fixed-size items ---- */

static const char *comms_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	struct bgp_attrs *a = d->a;

	if (len == 0 || len % 4)
		return badlen(d, len);
	a->ncomms = (uint16_t)(len / 4);
	a->comms = xmalloc(len);
	for (size_t i = 0; i < a->ncomms; i++)
		a->comms[i] = get32(v + i * 4);
	return NULL;
}

static void comms_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		      int ipv4)
{
	(void)c, (void)ipv4;
	if (!a->ncomms)
		return;
	bgp_attr_hdr_put(b, OPT | TRANS, BGP_ATTR_COMMUNITIES, (size_t)a->ncomms * 4);
	for (size_t i = 0; i < a->ncomms; i++)
		buf_put32(b, a->comms[i]);
}

static void comms_fmt(struct buf *out, const struct bgp_attrs *a, int json)
{
	if (json)
		buf_printf(out, ",\"communities\":[");
	for (size_t i = 0; i < a->ncomms; i++)
		buf_printf(out, json ? "%s\"%u:%u\"" : "%s(%u,%u)", sep(json, i), a->comms[i] >> 16,
			   a->comms[i] & 0xffff);
	if (json)
		buf_put8(out, ']');
}

static const char *ecomms_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	struct bgp_attrs *a = d->a;

	if (len == 0 || len % 8)
		return badlen(d, len);
	a->necomms = (uint16_t)(len / 8);
	a->ecomms = xmalloc(len);
	memcpy(a->ecomms, v, len);
	return NULL;
}

/* Non-transitive ones are sent as the set holds them: export drops them towards other ASes. */
static void ecomms_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		       int ipv4)
{
	(void)c, (void)ipv4;
	if (!a->necomms)
		return;
	bgp_attr_hdr_put(b, OPT | TRANS, BGP_ATTR_EXT_COMMUNITIES, (size_t)a->necomms * 8);
	buf_put(b, a->ecomms, (size_t)a->necomms * 8);
}

static void ecomms_fmt(struct buf *out, const struct bgp_attrs *a, int json)
{
	char s[BGP_EXTCOMM_STRLEN];

	if (json)
		buf_printf(out, ",\"ext_communities\":[");
	for (size_t i = 0; i < a->necomms; i++)
		buf_printf(out, json ? "%s\"%s\"" : "%s(%s)", sep(json, i),
			   bgp_extcomm_fmt(a->ecomms[i].v, s));
	if (json)
		buf_put8(out, ']');
}

static const char *lcomms_dec(struct bgp_attr_dec *d, const uint8_t *v, size_t len)
{
	struct bgp_attrs *a = d->a;

	if (len == 0 || len % 12)
		return badlen(d, len);
	a->nlcomms = (uint16_t)(len / 12);
	a->lcomms = xmalloc((size_t)a->nlcomms * sizeof(*a->lcomms));
	for (size_t i = 0; i < a->nlcomms; i++) {
		a->lcomms[i].global = get32(v + i * 12);
		a->lcomms[i].local1 = get32(v + i * 12 + 4);
		a->lcomms[i].local2 = get32(v + i * 12 + 8);
	}
	return NULL;
}

static void lcomms_enc(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *c,
		       int ipv4)
{
	(void)c, (void)ipv4;
	if (!a->nlcomms)
		return;
	bgp_attr_hdr_put(b, OPT | TRANS, BGP_ATTR_LARGE_COMMUNITIES, (size_t)a->nlcomms * 12);
	for (size_t i = 0; i < a->nlcomms; i++) {
		buf_put32(b, a->lcomms[i].global);
		buf_put32(b, a->lcomms[i].local1);
		buf_put32(b, a->lcomms[i].local2);
	}
}

static void lcomms_fmt(struct buf *out, const struct bgp_attrs *a, int json)
{
	if (json)
		buf_printf(out, ",\"large_communities\":[");
	for (size_t i = 0; i < a->nlcomms; i++)
		buf_printf(out, json ? "%s\"%u:%u:%u\"" : "%s(%u,%u,%u)", sep(json, i),
			   a->lcomms[i].global, a->lcomms[i].local1, a->lcomms[i].local2);
	if (json)
		buf_put8(out, ']');
}

/* ---- the table ---- */

#define AT(f) ((uint16_t)offsetof(struct bgp_attrs, f))
#define F_U8(f)                        \
	{                              \
		BGP_AK_U8, 1, AT(f), 0 \
	}
#define F_U32(f)                        \
	{                               \
		BGP_AK_U32, 4, AT(f), 0 \
	}
#define F_ADDR(f)                        \
	{                                \
		BGP_AK_ADDR, 0, AT(f), 0 \
	}
#define F_ARRAY(p, n)                                                                    \
	{                                                                                \
		BGP_AK_ARRAY, (uint8_t)sizeof(*((struct bgp_attrs *)0)->p), AT(p), AT(n) \
	}

/* Indexed by type code. Per row: name, type, expected flags, RFC 7606 action, presence bit,
 * stored fields; ignore, decode, encode, format. */
const struct bgp_attr_desc bgp_attr_table[256] = {
	[BGP_ATTR_ORIGIN] = { "ORIGIN",
			      BGP_ATTR_ORIGIN,
			      TRANS,
			      BGP_BAD_TAW,
			      BGP_AH_ORIGIN,
			      { F_U8(origin) },
			      NULL,
			      origin_dec,
			      origin_enc,
			      NULL },
	/* the path always counts, present or not */
	[BGP_ATTR_AS_PATH] = { "AS_PATH",
			       BGP_ATTR_AS_PATH,
			       TRANS,
			       BGP_BAD_TAW,
			       0,
			       { F_ARRAY(aspath, aspath_len) },
			       NULL,
			       aspath_dec,
			       aspath_enc,
			       NULL },
	/* the next hop of either family (MP_REACH's too) always counts */
	[BGP_ATTR_NEXT_HOP] = { "NEXT_HOP",
				BGP_ATTR_NEXT_HOP,
				TRANS,
				BGP_BAD_TAW,
				0,
				{ F_ADDR(nexthop), F_ADDR(nexthop_ll) },
				NULL,
				nexthop_dec,
				nexthop_enc,
				NULL },
	[BGP_ATTR_MED] = { "MULTI_EXIT_DISC",
			   BGP_ATTR_MED,
			   OPT,
			   BGP_BAD_TAW,
			   BGP_AH_MED,
			   { F_U32(med) },
			   NULL,
			   med_dec,
			   med_enc,
			   med_fmt },
	[BGP_ATTR_LOCAL_PREF] = { "LOCAL_PREF",
				  BGP_ATTR_LOCAL_PREF,
				  TRANS,
				  BGP_BAD_TAW,
				  BGP_AH_LOCAL_PREF,
				  { F_U32(local_pref) },
				  local_pref_ignore,
				  local_pref_dec,
				  local_pref_enc,
				  local_pref_fmt },
	/* presence only: the has bits compare it */
	[BGP_ATTR_ATOMIC_AGGREGATE] = { "ATOMIC_AGGREGATE",
					BGP_ATTR_ATOMIC_AGGREGATE,
					TRANS,
					BGP_BAD_DISCARD,
					BGP_AH_ATOMIC_AGGREGATE,
					{ { 0 } },
					NULL,
					atomic_dec,
					atomic_enc,
					NULL },
	[BGP_ATTR_AGGREGATOR] = { "AGGREGATOR",
				  BGP_ATTR_AGGREGATOR,
				  OPT | TRANS,
				  BGP_BAD_DISCARD,
				  BGP_AH_AGGREGATOR,
				  { F_U32(aggregator_as), F_ADDR(aggregator_addr) },
				  NULL,
				  aggregator_dec,
				  aggregator_enc,
				  NULL },
	[BGP_ATTR_COMMUNITIES] = { "COMMUNITIES",
				   BGP_ATTR_COMMUNITIES,
				   OPT | TRANS,
				   BGP_BAD_TAW,
				   0,
				   { F_ARRAY(comms, ncomms) },
				   NULL,
				   comms_dec,
				   comms_enc,
				   comms_fmt },
	/* the NLRI and their next hop: update.c frames them */
	[BGP_ATTR_MP_REACH] = { "MP_REACH_NLRI",
				BGP_ATTR_MP_REACH,
				OPT,
				BGP_BAD_RESET,
				0,
				{ { 0 } },
				NULL,
				mp_reach_dec,
				NULL,
				NULL },
	[BGP_ATTR_MP_UNREACH] = { "MP_UNREACH_NLRI",
				  BGP_ATTR_MP_UNREACH,
				  OPT,
				  BGP_BAD_RESET,
				  0,
				  { { 0 } },
				  NULL,
				  mp_unreach_dec,
				  NULL,
				  NULL },
	[BGP_ATTR_EXT_COMMUNITIES] = { "EXTENDED_COMMUNITIES",
				       BGP_ATTR_EXT_COMMUNITIES,
				       OPT | TRANS,
				       BGP_BAD_TAW,
				       0,
				       { F_ARRAY(ecomms, necomms) },
				       NULL,
				       ecomms_dec,
				       ecomms_enc,
				       ecomms_fmt },
	/* AS4_*: merged into AS_PATH and AGGREGATOR by update.c, sent when the peer needs them */
	[BGP_ATTR_AS4_PATH] = { "AS4_PATH",
				BGP_ATTR_AS4_PATH,
				OPT | TRANS,
				BGP_BAD_DISCARD,
				0,
				{ { 0 } },
				as4_ignore,
				as4_path_dec,
				as4_path_enc,
				NULL },
	[BGP_ATTR_AS4_AGGREGATOR] = { "AS4_AGGREGATOR",
				      BGP_ATTR_AS4_AGGREGATOR,
				      OPT | TRANS,
				      BGP_BAD_DISCARD,
				      0,
				      { { 0 } },
				      as4_ignore,
				      as4_aggregator_dec,
				      as4_aggregator_enc,
				      NULL },
	[BGP_ATTR_LARGE_COMMUNITIES] = { "LARGE_COMMUNITY",
					 BGP_ATTR_LARGE_COMMUNITIES,
					 OPT | TRANS,
					 BGP_BAD_TAW,
					 0,
					 { F_ARRAY(lcomms, nlcomms) },
					 NULL,
					 lcomms_dec,
					 lcomms_enc,
					 lcomms_fmt },
	[BGP_ATTR_OTC] = { "OTC",
			   BGP_ATTR_OTC,
			   OPT | TRANS,
			   BGP_BAD_TAW,
			   BGP_AH_OTC,
			   { F_U32(otc) },
			   NULL,
			   otc_dec,
			   otc_enc,
			   otc_fmt },
};
/* Built from the table on first use: the known rows in order, and the layout of a set. */
static struct {
	int built;
	const struct bgp_attr_desc *rows[256];
	size_t nrows;
	struct bgp_attr_layout layout;
} tab;

static void slot_add(struct bgp_attr_layout *l, uint32_t has, struct bgp_attr_field f)
{
	int arr = f.kind == BGP_AK_ARRAY;
	size_t *n = arr ? &l->narray : &l->nscalar;

	if (*n == BGP_ATTR_MAX_SLOTS)
		fatal("bgp_attr_table: more than %d stored fields", BGP_ATTR_MAX_SLOTS);
	(arr ? l->array : l->scalar)[(*n)++] = (struct bgp_attr_slot){ has, f };
}

static void tab_build(void)
{
	for (unsigned t = 0; t < 256; t++) {
		const struct bgp_attr_desc *r = &bgp_attr_table[t];

		if (!r->decode)
			continue;
		if (r->type != t)
			fatal("bgp_attr_table: %s in the row of type %u", r->name, t);
		tab.rows[tab.nrows++] = r;
		for (size_t k = 0; k < 2; k++)
			if (r->store[k].kind != BGP_AK_NONE)
				slot_add(&tab.layout, r->has, r->store[k]);
	}
	/* unknown optional transitive attributes, passed on as they came */
	slot_add(&tab.layout, 0, (struct bgp_attr_field)F_ARRAY(unknown, unknown_len));
	tab.built = 1;
}

const char *bgp_attr_name(uint8_t type)
{
	const struct bgp_attr_desc *r = bgp_attr_find(type);

	return r ? r->name : "attribute";
}

const struct bgp_attr_desc *const *bgp_attr_rows(size_t *n)
{
	if (!tab.built)
		tab_build();
	*n = tab.nrows;
	return tab.rows;
}

const struct bgp_attr_layout *bgp_attr_layout(void)
{
	if (!tab.built)
		tab_build();
	return &tab.layout;
}

/* Unknown attributes are stored sorted by type; they are interleaved with ours in order. */
struct unk {
	const uint8_t *p;
	size_t off, len;
};

static void unk_until(struct buf *b, struct unk *u, unsigned type)
{
	while (u->off + 3 <= u->len && u->p[u->off + 1] < type) {
		size_t hl = (u->p[u->off] & BGP_AF_EXTLEN) ? 4 : 3, vl;

		if (u->off + hl > u->len)
			break;
		vl = hl == 4 ? get16(u->p + u->off + 2) : u->p[u->off + 2];
		if (u->off + hl + vl > u->len)
			break; /* a hand-made set with a broken blob: send what is sound */
		buf_put(b, u->p + u->off, hl + vl);
		u->off += hl + vl;
	}
}

void bgp_attrs_encode(struct buf *b, const struct bgp_attrs *a, const struct bgp_codec_ctx *ctx,
		      int ipv4)
{
	struct unk u = { a->unknown, 0, a->unknown ? a->unknown_len : 0 };
	size_t n;
	const struct bgp_attr_desc *const *rows = bgp_attr_rows(&n);

	for (size_t i = 0; i < n; i++) {
		const struct bgp_attr_desc *r = rows[i];

		if (!r->encode)
			continue;
		unk_until(b, &u, r->type);
		r->encode(b, a, ctx, ipv4);
	}
	unk_until(b, &u, 256);
}

void bgp_attrs_format(struct buf *out, const struct bgp_attrs *a, int json)
{
	size_t n;
	const struct bgp_attr_desc *const *rows = bgp_attr_rows(&n);

	for (size_t i = 0; i < n; i++)
		if (rows[i]->format)
			rows[i]->format(out, a, json);
}
