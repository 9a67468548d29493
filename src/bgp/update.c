/* UPDATE decoding with the error handling of RFC 7606.
 *
 * The four outcomes of RFC 7606 sec 2: session reset (return -1 with the NOTIFICATION), AFI/SAFI
 * disable (not used: we reset instead, as sec 2 permits), treat-as-withdraw (u->treat_as_withdraw)
 * and attribute discard (the attribute is dropped). Where several errors meet, the strongest
 * action wins (sec 3.b). Every discard and treat-as-withdraw says why in u->warn.
 * Encoding is in update_enc.c. */
#include "bgp/update.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"

enum bad { TAW, DISCARD, RESET }; /* what a malformed attribute costs (RFC 7606 sec 7) */

struct mp {
	int present;                    /* the attribute was seen and is for a family we take */
	uint16_t afi;
	const uint8_t *nlri;
	size_t len;
};

struct dec {
	const struct bgp_codec_ctx *ctx;
	struct bgp_update *u;
	struct bgp_err *err;
	uint8_t seen[32];               /* attribute types seen, for duplicates (sec 3.g) */
	unsigned nattrs;
	size_t nlri_len, wd_len;
	struct mp reach, unreach;
	int mp_attr;                    /* an MP attribute was seen, supported family or not */
	const uint8_t *as4_path;        /* valid AS4_PATH from a 2-octet peer */
	size_t as4_path_len;
	int as4_aggr;
	uint32_t as4_aggr_as;
	uint8_t as4_aggr_addr[4];
	struct buf unknown;
};

static void warn(struct dec *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct dec *d, const char *fmt, ...)
{
	char *w = d->u->warn;
	size_t l = strlen(w);
	va_list ap;

	if (l + 3 >= sizeof(d->u->warn))
		return;
	if (l) {
		memcpy(w + l, "; ", 3);
		l += 2;
	}
	va_start(ap, fmt);
	vsnprintf(w + l, sizeof(d->u->warn) - l, fmt, ap);
	va_end(ap);
}

static const char *attr_name(uint8_t type)
{
	switch (type) {
	case BGP_ATTR_ORIGIN: return "ORIGIN";
	case BGP_ATTR_AS_PATH: return "AS_PATH";
	case BGP_ATTR_NEXT_HOP: return "NEXT_HOP";
	case BGP_ATTR_MED: return "MULTI_EXIT_DISC";
	case BGP_ATTR_LOCAL_PREF: return "LOCAL_PREF";
	case BGP_ATTR_ATOMIC_AGGREGATE: return "ATOMIC_AGGREGATE";
	case BGP_ATTR_AGGREGATOR: return "AGGREGATOR";
	case BGP_ATTR_COMMUNITIES: return "COMMUNITIES";
	case BGP_ATTR_MP_REACH: return "MP_REACH_NLRI";
	case BGP_ATTR_MP_UNREACH: return "MP_UNREACH_NLRI";
	case BGP_ATTR_AS4_PATH: return "AS4_PATH";
	case BGP_ATTR_AS4_AGGREGATOR: return "AS4_AGGREGATOR";
	case BGP_ATTR_LARGE_COMMUNITIES: return "LARGE_COMMUNITY";
	case BGP_ATTR_OTC: return "OTC";
	default: return "attribute";
	}
}

/* Applies the handling for a malformed attribute; returns -1 for a session reset. */
static int bad(struct dec *d, enum bad how, uint8_t type, uint8_t subcode, const uint8_t *whole,
	       size_t wlen, const char *why)
{
	switch (how) {
	case TAW:
		d->u->treat_as_withdraw = 1;
		warn(d, "malformed %s: %s (treat-as-withdraw)", attr_name(type), why);
		return 0;
	case DISCARD:
		warn(d, "malformed %s: %s (attribute discarded)", attr_name(type), why);
		return 0;
	default:
		bgp_err_set(d->err, BGP_ERR_UPDATE, subcode, whole, wlen, "malformed %s: %s",
			    attr_name(type), why);
		return -1;
	}
}

static int badlen(struct dec *d, enum bad how, uint8_t type, size_t len)
{
	char why[32];

	snprintf(why, sizeof(why), "bad length %zu", len);
	return bad(d, how, type, 0, NULL, 0, why);
}

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
		    !(confed_ok && (type == BGP_ASSEG_CONFED_SEQ || type == BGP_ASSEG_CONFED_SET))) {
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

static void aspath_store(struct bgp_attrs *a, const uint8_t *p, size_t len, size_t w, long outlen)
{
	size_t off = 0, o = 0;

	a->aspath = outlen ? xmalloc((size_t)outlen) : NULL;
	a->aspath_len = (uint16_t)outlen;
	a->has |= BGP_AH_AS_PATH;
	if (w == 4) {
		if (len)
			memcpy(a->aspath, p, len);
		return;
	}
	while (off < len) {
		uint8_t cnt = p[off + 1];

		a->aspath[o++] = p[off];
		a->aspath[o++] = cnt;
		for (size_t i = 0; i < cnt; i++, o += 4)
			put32(a->aspath + o, get16(p + off + 2 + i * 2));
		off += 2 + (size_t)cnt * 2;
	}
}

/* RFC 4271 6.3: a NEXT_HOP must be a valid host address: not 0/8, multicast or class E. */
static int nh4_valid(const uint8_t *a) { return a[0] != 0 && a[0] < 224; }
static int nh6_valid(const uint8_t *a)
{
	static const uint8_t zero[16];

	return memcmp(a, zero, 16) != 0 && a[0] != 0xff;
}

static int mp_family_ok(const struct dec *d, uint16_t afi, uint8_t safi)
{
	if (safi != BGP_SAFI_UNICAST)
		return 0;
	return (afi == BGP_AFI_IPV4 && d->ctx->mp_ipv4) || (afi == BGP_AFI_IPV6 && d->ctx->mp_ipv6);
}

static int mp_reach(struct dec *d, const uint8_t *v, size_t len, const uint8_t *whole, size_t wlen)
{
	uint16_t afi;
	uint8_t safi, nhlen;
	const uint8_t *nh;

	/* RFC 7606 sec 7.11: if the next hop length is off, the NLRI cannot be located: reset */
	if (len < 5 || (size_t)v[3] + 5 > len)
		return bad(d, RESET, BGP_ATTR_MP_REACH, BGP_ERR_UPD_OPTATTR, whole, wlen,
			   "next hop overruns attribute");
	afi = get16(v);
	safi = v[2];
	nhlen = v[3];
	nh = v + 4;
	if (!mp_family_ok(d, afi, safi)) {
		warn(d, "MP_REACH_NLRI for AFI %u SAFI %u not negotiated, ignored", afi, safi);
		return 0;
	}
	if ((afi == BGP_AFI_IPV4 && nhlen != 4) ||
	    (afi == BGP_AFI_IPV6 && nhlen != 16 && nhlen != 32)) {
		char why[64];

		snprintf(why, sizeof(why), "next hop length %u for AFI %u", nhlen, afi);
		return bad(d, RESET, BGP_ATTR_MP_REACH, BGP_ERR_UPD_OPTATTR, whole, wlen, why);
	}
	/* v[4 + nhlen] is the reserved octet (RFC 4760 sec 3), ignored */
	d->reach.present = 1;
	d->reach.afi = afi;
	d->reach.nlri = v + 5 + nhlen;
	d->reach.len = len - 5 - nhlen;
	if (afi == BGP_AFI_IPV4) {
		d->u->mp_nexthop.af = AF_INET;
		memcpy(d->u->mp_nexthop.a, nh, 4);
		if (!nh4_valid(nh))
			return bad(d, TAW, BGP_ATTR_MP_REACH, 0, NULL, 0, "invalid next hop");
	} else {
		d->u->mp_nexthop.af = AF_INET6;
		memcpy(d->u->mp_nexthop.a, nh, 16);
		if (nhlen == 32 && nh6_valid(nh + 16)) {
			d->u->mp_nexthop_ll.af = AF_INET6;
			memcpy(d->u->mp_nexthop_ll.a, nh + 16, 16);
		}
		if (!nh6_valid(nh))
			return bad(d, TAW, BGP_ATTR_MP_REACH, 0, NULL, 0, "invalid next hop");
	}
	return 0;
}

static int mp_unreach(struct dec *d, const uint8_t *v, size_t len, const uint8_t *whole,
		      size_t wlen)
{
	if (len < 3)
		return bad(d, RESET, BGP_ATTR_MP_UNREACH, BGP_ERR_UPD_OPTATTR, whole, wlen,
			   "shorter than AFI and SAFI");
	if (!mp_family_ok(d, get16(v), v[2])) {
		warn(d, "MP_UNREACH_NLRI for AFI %u SAFI %u not negotiated, ignored", get16(v), v[2]);
		return 0;
	}
	d->unreach.present = 1;
	d->unreach.afi = get16(v);
	d->unreach.nlri = v + 3;
	d->unreach.len = len - 3;
	return 0;
}

/* Unknown optional transitive attributes are passed on with the Partial bit (RFC 4271 5 and
 * 9.1.2.2), kept sorted by type so that equal sets encode, hash and intern alike. */
static void keep_unknown(struct dec *d, uint8_t flags, uint8_t type, const uint8_t *v, size_t len)
{
	struct buf *b = &d->unknown;
	size_t hl = len > 255 ? 4 : 3, at = 0;

	flags = (uint8_t)((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) | BGP_AF_PARTIAL |
			  (len > 255 ? BGP_AF_EXTLEN : 0));
	while (at < b->len && b->data[at + 1] < type)
		at += ((b->data[at] & BGP_AF_EXTLEN) ? 4 + get16(b->data + at + 2)
						     : 3 + b->data[at + 2]);
	buf_reserve(b, hl + len);
	memmove(b->data + at + hl + len, b->data + at, b->len - at);
	b->data[at] = flags;
	b->data[at + 1] = type;
	if (hl == 4)
		put16(b->data + at + 2, (uint16_t)len);
	else
		b->data[at + 2] = (uint8_t)len;
	memcpy(b->data + at + hl, v, len);
	b->len += hl + len;
}

/* The Optional and Transitive bits each known attribute must have (RFC 4271 sec 5). */
static int expected_flags(uint8_t type)
{
	switch (type) {
	case BGP_ATTR_ORIGIN:
	case BGP_ATTR_AS_PATH:
	case BGP_ATTR_NEXT_HOP:
	case BGP_ATTR_LOCAL_PREF:
	case BGP_ATTR_ATOMIC_AGGREGATE:
		return BGP_AF_TRANSITIVE;
	case BGP_ATTR_MED:
	case BGP_ATTR_MP_REACH:
	case BGP_ATTR_MP_UNREACH:
		return BGP_AF_OPTIONAL;
	case BGP_ATTR_AGGREGATOR:
	case BGP_ATTR_COMMUNITIES:
	case BGP_ATTR_AS4_PATH:
	case BGP_ATTR_AS4_AGGREGATOR:
	case BGP_ATTR_LARGE_COMMUNITIES:
	case BGP_ATTR_OTC:
		return BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE;
	default:
		return -1;
	}
}

/* How a malformed instance of each known attribute is handled (RFC 7606 sec 7, RFC 6793 sec 6,
 * RFC 8092 sec 6, RFC 9234 sec 5). */
static enum bad how_bad(uint8_t type)
{
	switch (type) {
	case BGP_ATTR_ATOMIC_AGGREGATE:
	case BGP_ATTR_AGGREGATOR:
	case BGP_ATTR_AS4_PATH:
	case BGP_ATTR_AS4_AGGREGATOR:
		return DISCARD;
	case BGP_ATTR_MP_REACH:
	case BGP_ATTR_MP_UNREACH:
		return RESET;
	default:
		return TAW;
	}
}

static int attr_one(struct dec *d, uint8_t flags, uint8_t type, const uint8_t *v, size_t len,
		    const uint8_t *whole, size_t wlen)
{
	struct bgp_attrs *a = &d->u->attrs;
	int ef = expected_flags(type);
	const char *why;
	long l;

	if (ef < 0) {
		if (!(flags & BGP_AF_OPTIONAL)) {
			bgp_err_set(d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_UNKNOWN_WK, whole, wlen,
				    "unrecognized well-known attribute %u", type);
			return -1;
		}
		if (flags & BGP_AF_TRANSITIVE)
			keep_unknown(d, flags, type, v, len);
		return 0; /* optional non-transitive: quietly dropped (RFC 4271 sec 5) */
	}
	/* RFC 4271 9.1.2: LOCAL_PREF from an external peer is ignored, whatever its shape
	 * (RFC 7606 sec 7.5) */
	if (type == BGP_ATTR_LOCAL_PREF && d->ctx->ebgp) {
		warn(d, "LOCAL_PREF from an external peer discarded");
		return 0;
	}
	/* AS4_* from a 4-octet peer are to be discarded (RFC 6793 sec 4.2.2) */
	if ((type == BGP_ATTR_AS4_PATH || type == BGP_ATTR_AS4_AGGREGATOR) && d->ctx->as4) {
		warn(d, "%s from a 4-octet AS peer discarded", attr_name(type));
		return 0;
	}
	/* RFC 7606 sec 3.c: wrong Optional/Transitive bits make the attribute malformed */
	if ((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != ef)
		return bad(d, how_bad(type), type, BGP_ERR_UPD_FLAGS, whole, wlen,
			   "wrong attribute flags");

	switch (type) {
	case BGP_ATTR_ORIGIN:
		if (len != 1)
			return badlen(d, TAW, type, len);
		if (v[0] > BGP_ORIGIN_INCOMPLETE)
			return bad(d, TAW, type, 0, NULL, 0, "undefined value");
		a->origin = v[0];
		a->has |= BGP_AH_ORIGIN;
		break;
	case BGP_ATTR_AS_PATH:
		l = aspath_check(v, len, d->ctx->as4 ? 4 : 2, 0, &why);
		if (l < 0)
			return bad(d, TAW, type, 0, NULL, 0, why);
		aspath_store(a, v, len, d->ctx->as4 ? 4 : 2, l);
		break;
	case BGP_ATTR_NEXT_HOP:
		if (len != 4)
			return badlen(d, TAW, type, len);
		a->nexthop.af = AF_INET;
		memcpy(a->nexthop.a, v, 4);
		a->has |= BGP_AH_NEXT_HOP;
		break;
	case BGP_ATTR_MED:
	case BGP_ATTR_LOCAL_PREF:
	case BGP_ATTR_OTC:
		if (len != 4)
			return badlen(d, TAW, type, len);
		if (type == BGP_ATTR_MED)
			a->med = get32(v), a->has |= BGP_AH_MED;
		else if (type == BGP_ATTR_LOCAL_PREF)
			a->local_pref = get32(v), a->has |= BGP_AH_LOCAL_PREF;
		else
			a->otc = get32(v), a->has |= BGP_AH_OTC;
		break;
	case BGP_ATTR_ATOMIC_AGGREGATE:
		if (len != 0)
			return badlen(d, DISCARD, type, len);
		a->has |= BGP_AH_ATOMIC_AGGREGATE;
		break;
	case BGP_ATTR_AGGREGATOR:
		if (len != (d->ctx->as4 ? 8u : 6u))
			return badlen(d, DISCARD, type, len);
		a->aggregator_as = d->ctx->as4 ? get32(v) : get16(v);
		if (a->aggregator_as == 0) /* RFC 7607 sec 2 */
			return bad(d, DISCARD, type, 0, NULL, 0, "AS 0");
		memset(&a->aggregator_addr, 0, sizeof(a->aggregator_addr));
		a->aggregator_addr.af = AF_INET;
		memcpy(a->aggregator_addr.a, v + len - 4, 4);
		a->has |= BGP_AH_AGGREGATOR;
		break;
	case BGP_ATTR_COMMUNITIES:
		if (len == 0 || len % 4)
			return badlen(d, TAW, type, len);
		a->ncomms = (uint16_t)(len / 4);
		a->comms = xmalloc(len);
		for (size_t i = 0; i < a->ncomms; i++)
			a->comms[i] = get32(v + i * 4);
		break;
	case BGP_ATTR_LARGE_COMMUNITIES:
		if (len == 0 || len % 12)
			return badlen(d, TAW, type, len);
		a->nlcomms = (uint16_t)(len / 12);
		a->lcomms = xmalloc((size_t)a->nlcomms * sizeof(*a->lcomms));
		for (size_t i = 0; i < a->nlcomms; i++) {
			a->lcomms[i].global = get32(v + i * 12);
			a->lcomms[i].local1 = get32(v + i * 12 + 4);
			a->lcomms[i].local2 = get32(v + i * 12 + 8);
		}
		break;
	case BGP_ATTR_MP_REACH:
		d->mp_attr = 1;
		return mp_reach(d, v, len, whole, wlen);
	case BGP_ATTR_MP_UNREACH:
		d->mp_attr = 1;
		return mp_unreach(d, v, len, whole, wlen);
	case BGP_ATTR_AS4_PATH:
		/* RFC 6793 sec 6: confed segments are dropped from AS4_PATH, not an error */
		if (aspath_check(v, len, 4, 1, &why) < 0)
			return bad(d, DISCARD, type, 0, NULL, 0, why);
		d->as4_path = v;
		d->as4_path_len = len;
		break;
	case BGP_ATTR_AS4_AGGREGATOR:
		if (len != 8)
			return badlen(d, DISCARD, type, len);
		if (get32(v) == 0)
			return bad(d, DISCARD, type, 0, NULL, 0, "AS 0");
		d->as4_aggr = 1;
		d->as4_aggr_as = get32(v);
		memcpy(d->as4_aggr_addr, v + 4, 4);
		break;
	}
	return 0;
}

/* Walks the path attributes. Returns -1 for a session reset. */
static int attrs_parse(struct dec *d, const uint8_t *p, size_t len)
{
	struct rd r;

	rd_init(&r, p, len);
	while (rd_left(&r) > 0) {
		size_t start = r.pos;
		uint8_t flags, type, l8;
		uint16_t alen;
		const uint8_t *v;

		/* RFC 7606 sec 4: an attribute header or value running past the Total Path
		 * Attribute Length is treat-as-withdraw; the NLRI field is still where that
		 * length says. The rest of the attributes is lost, so if no NLRI has been
		 * located the MP attributes may be among them: then nothing can be withdrawn
		 * and sec 3 (last paragraph) requires a reset. */
		alen = 0;
		if (rd_get8(&r, &flags) == 0 && rd_get8(&r, &type) == 0) {
			if (flags & BGP_AF_EXTLEN)
				rd_get16(&r, &alen);
			else if (rd_get8(&r, &l8) == 0)
				alen = l8;
		}
		if (r.err || rd_ref(&r, &v, alen) < 0) {
			if (!d->nlri_len && !d->wd_len && !d->mp_attr) {
				bgp_err_set(d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0,
					    "malformed attribute list: attribute at offset %zu "
					    "overruns the path attributes", start);
				return -1;
			}
			d->u->treat_as_withdraw = 1;
			warn(d, "malformed attribute list: attribute at offset %zu overruns the "
				"path attributes (treat-as-withdraw)", start);
			return 0;
		}
		d->nattrs++;
		if (d->seen[type / 8] & (1u << (type % 8))) {
			/* RFC 7606 sec 3.g */
			if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH) {
				bgp_err_set(d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0,
					    "malformed attribute list: %s repeated",
					    attr_name(type));
				return -1;
			}
			warn(d, "repeated attribute %u discarded", type);
			continue;
		}
		d->seen[type / 8] |= (uint8_t)(1u << (type % 8));
		if (attr_one(d, flags, type, v, alen, p + start, r.pos - start) < 0)
			return -1;
	}
	return 0;
}

/* Counts (out == NULL) or decodes the prefixes of an NLRI or withdrawn field. RFC 7606 sec
 * 5.3: a length past the family's maximum or past the field is an error. */
static int prefixes(const uint8_t *p, size_t len, uint16_t afi, struct prefix *out, size_t *n)
{
	size_t off = 0, alen = afi == BGP_AFI_IPV6 ? 16 : 4;

	*n = 0;
	while (off < len) {
		uint8_t pl = p[off++];
		size_t bytes = ((size_t)pl + 7) / 8;

		if (pl > alen * 8 || bytes > len - off)
			return -1;
		if (out) {
			struct prefix *x = &out[*n];

			memset(x, 0, sizeof(*x));
			x->addr.af = afi == BGP_AFI_IPV6 ? AF_INET6 : AF_INET;
			x->len = pl;
			memcpy(x->addr.a, p + off, bytes);
			if (pl % 8) /* host bits are not part of the prefix (RFC 4271 4.3) */
				x->addr.a[bytes - 1] &= (uint8_t)(0xff << (8 - pl % 8));
		}
		off += bytes;
		(*n)++;
	}
	return 0;
}

static int nlri_all(struct dec *d, const uint8_t *wd, const uint8_t *nlri)
{
	struct bgp_update *u = d->u;
	size_t nw = 0, nmw = 0, na = 0, nma = 0;

	if (prefixes(wd, d->wd_len, BGP_AFI_IPV4, NULL, &nw) < 0 ||
	    prefixes(nlri, d->nlri_len, BGP_AFI_IPV4, NULL, &na) < 0 ||
	    (d->unreach.present &&
	     prefixes(d->unreach.nlri, d->unreach.len, d->unreach.afi, NULL, &nmw) < 0) ||
	    (d->reach.present &&
	     prefixes(d->reach.nlri, d->reach.len, d->reach.afi, NULL, &nma) < 0)) {
		bgp_err_set(d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0,
			    "invalid network field: bad prefix length or prefix overruns its field");
		return -1;
	}
	if (nw + nmw) {
		u->withdrawn = xmalloc((nw + nmw) * sizeof(*u->withdrawn));
		prefixes(wd, d->wd_len, BGP_AFI_IPV4, u->withdrawn, &nw);
		if (d->unreach.present)
			prefixes(d->unreach.nlri, d->unreach.len, d->unreach.afi,
				 u->withdrawn + nw, &nmw);
		u->n_withdrawn = nw + nmw;
	}
	if (na + nma) {
		u->announced = xmalloc((na + nma) * sizeof(*u->announced));
		prefixes(nlri, d->nlri_len, BGP_AFI_IPV4, u->announced, &na);
		if (d->reach.present)
			prefixes(d->reach.nlri, d->reach.len, d->reach.afi, u->announced + na,
				 &nma);
		u->n_announced = na + nma;
	}
	u->mp_reach_from = na;
	return 0;
}

/* Number of ASNs as counted by RFC 6793 sec 4.2.3: a set counts one, confed segments none. */
static size_t path_count(const uint8_t *p, size_t len)
{
	size_t n = 0;

	for (size_t off = 0; off + 2 <= len; off += 2 + (size_t)p[off + 1] * 4)
		n += p[off] == BGP_ASSEG_SET ? 1 : p[off] == BGP_ASSEG_SEQUENCE ? p[off + 1] : 0;
	return n;
}

/* Appends a segment, merging it into a preceding AS_SEQUENCE while that stays within 255. */
static void seg_put(struct buf *b, size_t *last, uint8_t type, const uint8_t *asns, size_t cnt)
{
	if (cnt == 0)
		return;
	if (*last != SIZE_MAX && type == BGP_ASSEG_SEQUENCE &&
	    b->data[*last] == BGP_ASSEG_SEQUENCE && b->data[*last + 1] + cnt <= 255) {
		b->data[*last + 1] = (uint8_t)(b->data[*last + 1] + cnt);
	} else {
		*last = b->len;
		buf_put8(b, type);
		buf_put8(b, (uint8_t)cnt);
	}
	buf_put(b, asns, cnt * 4);
}

/* RFC 6793 sec 4.2.3: rebuilds the path from AS_PATH and AS4_PATH of a 2-octet peer. */
static void as4_merge(struct dec *d)
{
	struct bgp_attrs *a = &d->u->attrs;
	size_t n2, n4, need, last = SIZE_MAX;
	struct buf b;

	if ((a->has & BGP_AH_AGGREGATOR) && a->aggregator_as != BGP_AS_TRANS) {
		if (d->as4_path || d->as4_aggr)
			warn(d, "AGGREGATOR is not AS_TRANS: AS4_PATH and AS4_AGGREGATOR ignored");
		return;
	}
	if (d->as4_aggr && (a->has & BGP_AH_AGGREGATOR)) {
		a->aggregator_as = d->as4_aggr_as;
		memcpy(a->aggregator_addr.a, d->as4_aggr_addr, 4);
	}
	if (!d->as4_path || !(a->has & BGP_AH_AS_PATH))
		return;
	n2 = path_count(a->aspath, a->aspath_len);
	n4 = path_count(d->as4_path, d->as4_path_len);
	if (n2 < n4) {
		warn(d, "AS4_PATH longer than AS_PATH ignored");
		return;
	}
	need = n2 - n4;
	buf_init(&b);
	for (size_t off = 0; need > 0 && off < a->aspath_len; off += 2 + (size_t)a->aspath[off + 1] * 4) {
		uint8_t type = a->aspath[off];
		size_t cnt = a->aspath[off + 1];

		if (type == BGP_ASSEG_SEQUENCE && cnt > need)
			cnt = need;
		seg_put(&b, &last, type, a->aspath + off + 2, cnt);
		need -= type == BGP_ASSEG_SET ? 1 : cnt;
	}
	for (size_t off = 0; off < d->as4_path_len; off += 2 + (size_t)d->as4_path[off + 1] * 4) {
		uint8_t type = d->as4_path[off];

		if (type == BGP_ASSEG_SET || type == BGP_ASSEG_SEQUENCE)
			seg_put(&b, &last, type, d->as4_path + off + 2, d->as4_path[off + 1]);
	}
	free(a->aspath);
	a->aspath = b.data;
	a->aspath_len = (uint16_t)b.len;
}

int bgp_update_decode(const uint8_t *body, size_t len, const struct bgp_codec_ctx *ctx,
		      struct bgp_update *u, struct bgp_err *err)
{
	struct dec d;
	struct rd r;
	uint16_t wlen, alen;
	const uint8_t *wd, *attrs, *nlri;
	struct bgp_attrs *a = &u->attrs;

	memset(u, 0, sizeof(*u));
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.u = u;
	d.err = err;
	buf_init(&d.unknown);
	rd_init(&r, body, len);
	/* RFC 4271 6.3: lengths that run past the message are a Malformed Attribute List;
	 * RFC 7606 keeps this a reset since the NLRI cannot be located. */
	if (rd_get16(&r, &wlen) < 0 || rd_ref(&r, &wd, wlen) < 0) {
		bgp_err_set(err, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0,
			    "malformed attribute list: withdrawn routes length overruns the message");
		return -1;
	}
	if (rd_get16(&r, &alen) < 0 || rd_ref(&r, &attrs, alen) < 0) {
		bgp_err_set(err, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0,
			    "malformed attribute list: total path attribute length overruns the "
			    "message");
		return -1;
	}
	d.wd_len = wlen;
	d.nlri_len = rd_left(&r);
	rd_ref(&r, &nlri, d.nlri_len);

	if (attrs_parse(&d, attrs, alen) < 0 || nlri_all(&d, wd, nlri) < 0) {
		buf_free(&d.unknown);
		return -1;
	}
	if (d.unknown.len) {
		a->unknown = d.unknown.data;
		a->unknown_len = (uint16_t)d.unknown.len;
	} else {
		buf_free(&d.unknown);
	}
	if (!ctx->as4)
		as4_merge(&d);

	/* RFC 7606 sec 3.d and RFC 4760 sec 3: ORIGIN and AS_PATH with any NLRI, NEXT_HOP
	 * with NLRI in the NLRI field; missing ones are treat-as-withdraw. An attribute seen
	 * but malformed has been reported already. */
	if (u->n_announced || d.reach.present) {
		static const uint8_t need[] = {BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH, BGP_ATTR_NEXT_HOP};

		for (size_t i = 0; i < sizeof(need); i++) {
			uint8_t t = need[i];

			if (t == BGP_ATTR_NEXT_HOP && d.nlri_len == 0)
				continue;
			if (!(d.seen[t / 8] & (1u << (t % 8)))) {
				u->treat_as_withdraw = 1;
				warn(&d, "missing well-known attribute %s "
				     "(treat-as-withdraw)", attr_name(t));
			}
		}
	}
	if (d.nlri_len == 0) {
		/* RFC 4760 sec 3: NEXT_HOP without NLRI in the NLRI field is ignored */
		a->has &= ~BGP_AH_NEXT_HOP;
		memset(&a->nexthop, 0, sizeof(a->nexthop));
	} else if ((a->has & BGP_AH_NEXT_HOP) && !nh4_valid(a->nexthop.a)) {
		/* RFC 4271 6.3 with RFC 7606 sec 7.3 */
		u->treat_as_withdraw = 1;
		warn(&d, "invalid NEXT_HOP %u.%u.%u.%u (treat-as-withdraw)", a->nexthop.a[0],
		     a->nexthop.a[1], a->nexthop.a[2], a->nexthop.a[3]);
	}
	/* RFC 4724 sec 2: End-of-RIB is an empty UPDATE (IPv4 unicast) or one holding only an
	 * empty MP_UNREACH_NLRI */
	if (wlen == 0 && d.nlri_len == 0 && alen == 0) {
		u->eor = 1;
		u->eor_afi = BGP_AFI_IPV4;
	} else if (wlen == 0 && d.nlri_len == 0 && d.nattrs == 1 && d.unreach.present &&
		   d.unreach.len == 0 && !u->treat_as_withdraw) {
		u->eor = 1;
		u->eor_afi = d.unreach.afi;
	} else {
		u->eor_afi = 0;
	}
	return 0;
}

void bgp_update_free(struct bgp_update *u)
{
	free(u->withdrawn);
	free(u->announced);
	bgp_attrs_clear(&u->attrs);
	u->withdrawn = u->announced = NULL;
	u->n_withdrawn = u->n_announced = 0;
}
