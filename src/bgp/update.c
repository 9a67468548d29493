/* UPDATE decoding with the error handling of RFC 7606.
 *
 * The four outcomes of RFC 7606 sec 2: session reset (return -1 with the NOTIFICATION), AFI/SAFI
 * disable (not used: we reset instead, as sec 2 permits), treat-as-withdraw (u->treat_as_withdraw)
 * and attribute discard (the attribute is dropped). Where several errors meet, the strongest
 * action wins (sec 3.b). Every discard and treat-as-withdraw says why in u->warn.
 * Here: the message's framing, duplicates, unknown attributes, NLRI and the checks across
 * attributes; each known attribute is decoded by its row of the attribute table.
 * Encoding is in update_enc.c. */
#include "bgp/update.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"

struct dec {
	struct bgp_attr_dec ad; /* what the attribute table's decoders fill */
	struct bgp_update *u;
	struct bgp_err *err;
	uint8_t seen[32]; /* attribute types seen, for duplicates (sec 3.g) */
	unsigned nattrs;
	size_t nlri_len, wd_len;
	struct buf unknown;
};

/* Applies the handling for a malformed attribute; returns -1 for a session reset. */
static int bad(struct dec *d, enum bgp_attr_bad how, const struct bgp_attr_desc *r, uint8_t subcode,
	       const uint8_t *whole, size_t wlen, const char *why)
{
	switch (how) {
	case BGP_BAD_TAW:
		d->u->treat_as_withdraw = 1;
		bgp_attr_warn(&d->ad, "malformed %s: %s (treat-as-withdraw)", r->name, why);
		return 0;
	case BGP_BAD_DISCARD:
		bgp_attr_warn(&d->ad, "malformed %s: %s (attribute discarded)", r->name, why);
		return 0;
	default:
		bgp_err_set(d->err, BGP_ERR_UPDATE, subcode, whole, wlen, "malformed %s: %s",
			    r->name, why);
		return -1;
	}
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

/* One attribute through its row of the attribute table. */
static int attr_one(struct dec *d, uint8_t flags, uint8_t type, const uint8_t *v, size_t len,
		    const uint8_t *whole, size_t wlen)
{
	const struct bgp_attr_desc *r = bgp_attr_find(type);
	const char *why;

	if (!r) {
		if (!(flags & BGP_AF_OPTIONAL)) {
			bgp_err_set(d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_UNKNOWN_WK, whole, wlen,
				    "unrecognized well-known attribute %u", type);
			return -1;
		}
		if (flags & BGP_AF_TRANSITIVE)
			keep_unknown(d, flags, type, v, len);
		return 0; /* optional non-transitive: quietly dropped (RFC 4271 sec 5) */
	}
	if (r->ignore && (why = r->ignore(d->ad.ctx)) != NULL) {
		bgp_attr_warn(&d->ad, "%s %s discarded", r->name, why);
		return 0;
	}
	/* RFC 7606 sec 3.c: wrong Optional/Transitive bits make the attribute malformed */
	if ((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != r->flags)
		return bad(d, r->bad, r, BGP_ERR_UPD_FLAGS, whole, wlen, "wrong attribute flags");
	d->ad.how = r->bad;
	why = r->decode(&d->ad, v, len);
	return why ? bad(d, d->ad.how, r, BGP_ERR_UPD_OPTATTR, whole, wlen, why) : 0;
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
			if (!d->nlri_len && !d->wd_len && !d->ad.mp_attr) {
				bgp_err_set(d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0,
					    "malformed attribute list: attribute at offset %zu "
					    "overruns the path attributes",
					    start);
				return -1;
			}
			d->u->treat_as_withdraw = 1;
			bgp_attr_warn(&d->ad,
				      "malformed attribute list: attribute at offset %zu "
				      "overruns the path attributes (treat-as-withdraw)",
				      start);
			return 0;
		}
		d->nattrs++;
		if (d->seen[type / 8] & (1u << (type % 8))) {
			/* RFC 7606 sec 3.g */
			if (type == BGP_ATTR_MP_REACH || type == BGP_ATTR_MP_UNREACH) {
				bgp_err_set(d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0,
					    "malformed attribute list: %s repeated",
					    bgp_attr_name(type));
				return -1;
			}
			bgp_attr_warn(&d->ad, "repeated attribute %u discarded", type);
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
	    (d->ad.unreach.present &&
	     prefixes(d->ad.unreach.nlri, d->ad.unreach.len, d->ad.unreach.afi, NULL, &nmw) < 0) ||
	    (d->ad.reach.present &&
	     prefixes(d->ad.reach.nlri, d->ad.reach.len, d->ad.reach.afi, NULL, &nma) < 0)) {
		bgp_err_set(
			d->err, BGP_ERR_UPDATE, BGP_ERR_UPD_NETWORK, NULL, 0,
			"invalid network field: bad prefix length or prefix overruns its field");
		return -1;
	}
	if (nw + nmw) {
		u->withdrawn = xmalloc((nw + nmw) * sizeof(*u->withdrawn));
		prefixes(wd, d->wd_len, BGP_AFI_IPV4, u->withdrawn, &nw);
		if (d->ad.unreach.present)
			prefixes(d->ad.unreach.nlri, d->ad.unreach.len, d->ad.unreach.afi,
				 u->withdrawn + nw, &nmw);
		u->n_withdrawn = nw + nmw;
	}
	if (na + nma) {
		u->announced = xmalloc((na + nma) * sizeof(*u->announced));
		prefixes(nlri, d->nlri_len, BGP_AFI_IPV4, u->announced, &na);
		if (d->ad.reach.present)
			prefixes(d->ad.reach.nlri, d->ad.reach.len, d->ad.reach.afi,
				 u->announced + na, &nma);
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
		if (d->ad.as4_path || d->ad.as4_aggr)
			bgp_attr_warn(
				&d->ad,
				"AGGREGATOR is not AS_TRANS: AS4_PATH and AS4_AGGREGATOR ignored");
		return;
	}
	if (d->ad.as4_aggr && (a->has & BGP_AH_AGGREGATOR)) {
		a->aggregator_as = d->ad.as4_aggr_as;
		memcpy(a->aggregator_addr.a, d->ad.as4_aggr_addr, 4);
	}
	if (!d->ad.as4_path || !(a->has & BGP_AH_AS_PATH))
		return;
	n2 = path_count(a->aspath, a->aspath_len);
	n4 = path_count(d->ad.as4_path, d->ad.as4_path_len);
	if (n2 < n4) {
		bgp_attr_warn(&d->ad, "AS4_PATH longer than AS_PATH ignored");
		return;
	}
	need = n2 - n4;
	buf_init(&b);
	for (size_t off = 0; need > 0 && off < a->aspath_len;
	     off += 2 + (size_t)a->aspath[off + 1] * 4) {
		uint8_t type = a->aspath[off];
		size_t cnt = a->aspath[off + 1];

		if (type == BGP_ASSEG_SEQUENCE && cnt > need)
			cnt = need;
		seg_put(&b, &last, type, a->aspath + off + 2, cnt);
		need -= type == BGP_ASSEG_SET ? 1 : cnt;
	}
	for (size_t off = 0; off < d->ad.as4_path_len;
	     off += 2 + (size_t)d->ad.as4_path[off + 1] * 4) {
		uint8_t type = d->ad.as4_path[off];

		if (type == BGP_ASSEG_SET || type == BGP_ASSEG_SEQUENCE)
			seg_put(&b, &last, type, d->ad.as4_path + off + 2, d->ad.as4_path[off + 1]);
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
	d.ad.ctx = ctx;
	d.ad.a = a;
	d.ad.warn = u->warn;
	d.ad.warn_size = sizeof(u->warn);
	d.u = u;
	d.err = err;
	buf_init(&d.unknown);
	rd_init(&r, body, len);
	/* RFC 4271 6.3: lengths that run past the message are a Malformed Attribute List;
	 * RFC 7606 keeps this a reset since the NLRI cannot be located. */
	if (rd_get16(&r, &wlen) < 0 || rd_ref(&r, &wd, wlen) < 0) {
		bgp_err_set(
			err, BGP_ERR_UPDATE, BGP_ERR_UPD_ATTRLIST, NULL, 0,
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
	u->mp_nexthop = d.ad.mp_nexthop;
	u->mp_nexthop_ll = d.ad.mp_nexthop_ll;
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
	if (u->n_announced || d.ad.reach.present) {
		static const uint8_t need[] = { BGP_ATTR_ORIGIN, BGP_ATTR_AS_PATH,
						BGP_ATTR_NEXT_HOP };

		for (size_t i = 0; i < sizeof(need); i++) {
			uint8_t t = need[i];

			if (t == BGP_ATTR_NEXT_HOP && d.nlri_len == 0)
				continue;
			if (!(d.seen[t / 8] & (1u << (t % 8)))) {
				u->treat_as_withdraw = 1;
				bgp_attr_warn(&d.ad,
					      "missing well-known attribute %s "
					      "(treat-as-withdraw)",
					      bgp_attr_name(t));
			}
		}
	}
	if (d.nlri_len == 0) {
		/* RFC 4760 sec 3: NEXT_HOP without NLRI in the NLRI field is ignored */
		a->has &= ~BGP_AH_NEXT_HOP;
		memset(&a->nexthop, 0, sizeof(a->nexthop));
	} else if ((a->has & BGP_AH_NEXT_HOP) && !bgp_attr_nh4_valid(a->nexthop.a)) {
		/* RFC 4271 6.3 with RFC 7606 sec 7.3 */
		u->treat_as_withdraw = 1;
		bgp_attr_warn(&d.ad, "invalid NEXT_HOP %u.%u.%u.%u (treat-as-withdraw)",
			      a->nexthop.a[0], a->nexthop.a[1], a->nexthop.a[2], a->nexthop.a[3]);
	}
	/* RFC 4724 sec 2: End-of-RIB is an empty UPDATE (IPv4 unicast) or one holding only an
	 * empty MP_UNREACH_NLRI */
	if (wlen == 0 && d.nlri_len == 0 && alen == 0) {
		u->eor = 1;
		u->eor_afi = BGP_AFI_IPV4;
	} else if (wlen == 0 && d.nlri_len == 0 && d.nattrs == 1 && d.ad.unreach.present &&
		   d.ad.unreach.len == 0 && !u->treat_as_withdraw) {
		u->eor = 1;
		u->eor_afi = d.ad.unreach.afi;
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
