/* Authoritative answers (RFC 1034 4.3.2 as amended by RFC 2308, 4592, 6604, 9471). */
#include "dns/answer.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/compress.h"
#include "dns/dnssec.h"
#include "dns/cookie.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/tsig.h"
#include "lib/buf.h"
#include "lib/log.h"

enum { SEC_AN, SEC_NS, SEC_AR };

#define PREP_TYPES 64 /* RRset types per node we precompute replies for */

#define CHAIN_MAX 8  /* CNAME hops we follow inside a zone */
#define ADDED_MAX 16 /* targets we look up for additional data */

struct resp {
	const struct dns_query *q;
	const struct dns_zone *z;
	uint16_t hflags; /* AA and rcode */
	uint16_t cnt[3];
	size_t core_end;  /* end of answer + authority */
	int tc;           /* answer or authority did not fit */
	int add_required; /* additional holds glue a referral needs */
	int add_full;     /* stop adding optional additional data */
	int nadded;
	const struct dns_node *added[ADDED_MAX];
	int dnssec;                 /* DO set and the zone signed: RRSIGs and proofs */
	struct dns_sec_proof proof; /* NSEC/NSEC3 for the authority section */
	struct dns_wr w;            /* last: compose() clears everything before it */
};

static int add_rrset(struct resp *r, int sec, const uint8_t *owner, size_t olen,
		     const struct dns_rrset *s)
{
	struct dns_wr_mark m = dns_wr_mark(&r->w);

	for (int i = 0; i < s->count; i++) {
		if (dns_wr_rr(&r->w, owner, olen, s->type, DNS_C_IN, s->ttl, s->rd[i]->data,
			      s->rd[i]->len) < 0) {
			/* RFC 2181 9: never a partial RRset */
			dns_wr_rollback(&r->w, m);
			if (sec != SEC_AR)
				r->tc = 1;
			return -1;
		}
	}
	r->cnt[sec] += s->count;
	if (r->dnssec && s->sigs && add_rrset(r, sec, owner, olen, s->sigs) < 0) {
		dns_wr_rollback(&r->w, m); /* an RRset goes with its signatures */
		r->cnt[sec] -= s->count;
		return -1;
	}
	return 0;
}

/* The NSEC/NSEC3 records gathered for this reply, into the authority section. */
static void add_proof(struct resp *r)
{
	for (int i = 0; i < r->proof.n && !r->tc; i++)
		add_rrset(r, SEC_NS, r->proof.rr[i].node->name, r->proof.rr[i].node->len,
			  r->proof.rr[i].set);
	r->proof.n = 0;
}

static void prove(struct resp *r, enum dns_sec_case kind, const uint8_t *name, size_t len,
		  const struct dns_node *n, const struct dns_node *ce)
{
	if (r->dnssec)
		dns_sec_prove(r->z, kind, name, len, n, ce, &r->proof);
}

static void add_soa(struct resp *r)
{
	struct dns_rrset neg = *r->z->soa, negsig;

	neg.ttl = r->z->neg_ttl; /* RFC 2308 3 */
	if (neg.sigs) {          /* and its signatures with it, as NSD and Knot do */
		negsig = *neg.sigs;
		negsig.ttl = neg.ttl;
		neg.sigs = &negsig;
	}
	add_rrset(r, SEC_NS, r->z->apex, r->z->apex_len, &neg);
}

/* The name inside an rdata that additional section processing follows (RFC 1035 3.3.9,
 * 3.3.11; RFC 2782). */
static const uint8_t *rdata_target(uint16_t type, const struct dns_rdata *d)
{
	switch (type) {
	case DNS_T_NS: return d->data;
	case DNS_T_MX: return d->data + 2;
	case DNS_T_SRV: return d->data + 6;
	}
	return NULL;
}

/* A/AAAA of a name we serve. below: the names that are required glue, or NULL. */
static void add_addresses(struct resp *r, const uint8_t *target, const uint8_t *below,
			  size_t below_len)
{
	uint8_t lname[DNS_NAME_MAX];
	size_t len = dns_name_len(target);

	dns_name_lower(lname, target, len);
	if (!dns_name_under(lname, len, r->z->apex, r->z->apex_len))
		return;
	const struct dns_node *n = dns_zone_get(r->z, lname, len, dns_name_hash(lname, len));

	if (!n)
		return;
	for (int i = 0; i < r->nadded; i++)
		if (r->added[i] == n)
			return;
	if (r->nadded < ADDED_MAX)
		r->added[r->nadded++] = n;
	int required = below && dns_name_under(lname, len, below, below_len);
	static const uint16_t kinds[2] = { DNS_T_A, DNS_T_AAAA };

	for (int k = 0; k < 2; k++) {
		const struct dns_rrset *s = dns_node_rrset(n, kinds[k]);

		if (!s || (r->add_full && !required))
			continue;
		if (add_rrset(r, SEC_AR, target, len, s) < 0) {
			r->add_full = 1;
			if (required)
				r->tc = 1; /* RFC 9471 3: glue that does not fit means TC */
		} else if (required) {
			r->add_required = 1;
		}
	}
}

static void additional_for(struct resp *r, const struct dns_rrset *s, const uint8_t *below,
			   size_t below_len)
{
	if (s->type != DNS_T_NS && s->type != DNS_T_MX && s->type != DNS_T_SRV)
		return;
	for (int i = 0; i < s->count && !r->tc; i++) {
		const uint8_t *t = rdata_target(s->type, s->rd[i]);

		if (t[0])
			add_addresses(r, t, below, below_len);
	}
}

/* RFC 1034 4.3.2 step 3b: a referral; no AA, NS in authority, glue in additional. */
static void referral(struct resp *r, const struct dns_node *cut)
{
	const struct dns_rrset *ns = dns_node_rrset(cut, DNS_T_NS);

	if (add_rrset(r, SEC_NS, cut->name, cut->len, ns) < 0)
		return;
	if (r->dnssec) { /* RFC 4035 3.1.4: the DS, or the proof there is none */
		const struct dns_rrset *ds = dns_node_rrset(cut, DNS_T_DS);

		if (ds)
			add_rrset(r, SEC_NS, cut->name, cut->len, ds);
		else
			prove(r, DNS_SEC_NODATA, cut->name, cut->len, cut, NULL);
		add_proof(r);
	}
	r->core_end = r->w.len;
	additional_for(r, ns, cut->name, cut->len);
}

/* The longest existing ancestor of name (RFC 4592 3.3.1); the apex at worst. */
static const struct dns_node *closest_encloser(const struct dns_zone *z, const uint8_t *name,
					       size_t len)
{
	while (len > z->apex_len) {
		len -= 1 + (size_t)name[0];
		name += 1 + name[0];
		const struct dns_node *n = dns_zone_get(z, name, len, dns_name_hash(name, len));

		if (n)
			return n;
	}
	return z->apex_node;
}

/* RFC 6672 2.2: the DNAME d and the CNAME it synthesises for owner (len octets, below d),
 * whose target goes to out. Returns the target's length, or 0 when the reply ends here. */
static size_t dname_step(struct resp *r, const struct dns_node *d, const uint8_t *owner, size_t len,
			 uint8_t *out)
{
	const struct dns_rrset *dn = dns_node_rrset(d, DNS_T_DNAME);
	const struct dns_rdata *t = dn->rd[0];
	size_t pre = len - d->len;

	r->hflags |= DNS_AA;
	if (add_rrset(r, SEC_AN, d->name, d->len, dn) < 0)
		return 0;
	if (pre + t->len > DNS_NAME_MAX) {
		r->hflags = DNS_AA | DNS_RC_YXDOMAIN;
		return 0;
	}
	memcpy(out, owner, pre);
	memcpy(out + pre, t->data, t->len);
	/* unsigned: a validator checks the DNAME's signature and does the same (4.1) */
	if (dns_wr_rr(&r->w, owner, len, DNS_T_CNAME, DNS_C_IN, dn->ttl, out, pre + t->len) < 0) {
		r->tc = 1;
		return 0;
	}
	r->cnt[SEC_AN]++;
	return pre + t->len;
}

/* qtype RRSIG: every signature at the name, whatever it covers. */
static int answer_sigs(struct resp *r, const struct dns_node *n, const uint8_t *owner, size_t len)
{
	for (int i = 0; i < n->nrrsets; i++)
		if (n->rrsets[i].sigs && add_rrset(r, SEC_AN, owner, len, n->rrsets[i].sigs) < 0)
			return -1;
	return 0;
}

static void answer_in(struct resp *r)
{
	const struct dns_query *q = r->q;
	const struct dns_zone *z = r->z;
	uint8_t bufs[2][DNS_NAME_MAX], synth[2][DNS_NAME_MAX];
	const uint8_t *name = q->qname;  /* lowercase, for lookups */
	const uint8_t *owner = q->qname; /* as it goes into the reply */
	size_t len = q->qname_len;
	const struct dns_node *seen[CHAIN_MAX];
	int hops = 0;

	for (;;) {
		const struct dns_node *n = dns_zone_get(z, name, len, dns_name_hash(name, len));
		const struct dns_node *wild_ce = NULL, *ce = NULL, *d = n ? n->dname : NULL;

		if (!n) {
			ce = closest_encloser(z, name, len);
			if (ce->cut) {
				referral(r, ce->cut);
				return;
			}
			d = ce->dname ? ce->dname : ce->flags & DNS_NODE_DNAME ? ce : NULL;
		}
		if (d) {
			if (hops == CHAIN_MAX)
				return;
			uint8_t *t = synth[hops & 1], *lt = bufs[hops & 1];
			size_t tl = dname_step(r, d, owner, len, t);

			if (!tl || q->qtype == DNS_T_CNAME) {
				add_proof(r);
				return;
			}
			seen[hops++] = NULL;
			dns_name_lower(lt, t, tl);
			if (!dns_name_under(lt, tl, z->apex, z->apex_len)) {
				add_proof(r);
				return;
			}
			name = lt;
			owner = t;
			len = tl;
			continue;
		}
		if (!n) {
			/* RFC 4592 3.3.1: the source of synthesis is "*." + closest encloser */
			uint8_t wc[DNS_NAME_MAX];

			if (ce->len + 2u <= DNS_NAME_MAX) {
				wc[0] = 1;
				wc[1] = '*';
				memcpy(wc + 2, ce->name, ce->len);
				n = dns_zone_get(z, wc, ce->len + 2u,
						 dns_name_hash(wc, ce->len + 2u));
			}
			if (!n) {
				/* RFC 6604 3: after a CNAME the rcode is that of the last name */
				r->hflags = DNS_AA | DNS_RC_NXDOMAIN;
				add_soa(r);
				prove(r, DNS_SEC_NXDOMAIN, name, len, NULL, ce);
				add_proof(r);
				return;
			}
			wild_ce = ce;
		} else if (n->cut && !(n->cut == n && q->qtype == DNS_T_DS)) {
			/* DS lives on the parent side of a cut (RFC 4035 2.4) */
			referral(r, n->cut);
			return;
		}
		r->hflags |= DNS_AA;
		for (int i = 0; i < hops; i++)
			if (seen[i] == n)
				return; /* a CNAME loop: stop with what we have */
		const struct dns_rrset *cname = dns_node_rrset(n, DNS_T_CNAME);
		const struct dns_rrset *s = dns_node_rrset(n, q->qtype);

		if (wild_ce && (s || (cname && q->qtype != DNS_T_ANY) ||
				(q->qtype == DNS_T_ANY && n->nrrsets)))
			prove(r, DNS_SEC_WILDCARD, name, len, NULL, wild_ce);
		if (cname && q->qtype != DNS_T_CNAME && q->qtype != DNS_T_ANY &&
		    q->qtype != DNS_T_RRSIG) {
			if (add_rrset(r, SEC_AN, owner, len, cname) < 0 || hops == CHAIN_MAX) {
				add_proof(r);
				return;
			}
			seen[hops] = n;
			const uint8_t *t = cname->rd[0]->data;
			size_t tl = cname->rd[0]->len;
			uint8_t *lt = bufs[hops & 1];

			dns_name_lower(lt, t, tl);
			if (!dns_name_under(lt, tl, z->apex, z->apex_len)) {
				add_proof(r);
				return; /* the resolver follows it outside our zone */
			}
			hops++;
			name = lt;
			owner = t;
			len = tl;
			continue;
		}
		if (q->qtype == DNS_T_RRSIG && answer_sigs(r, n, owner, len) == 0 && r->cnt[SEC_AN])
			return;
		if (q->qtype == DNS_T_ANY && n->nrrsets) {
			for (int i = 0; i < n->nrrsets; i++)
				if (add_rrset(r, SEC_AN, owner, len, &n->rrsets[i]) < 0)
					return;
			add_proof(r);
			return;
		}
		if (!s) {
			add_soa(r); /* NODATA (RFC 2308 2.2) */
			if (wild_ce)
				prove(r, DNS_SEC_WILD_NODATA, name, len, n, wild_ce);
			else
				prove(r, DNS_SEC_NODATA, name, len, n, NULL);
			add_proof(r);
			return;
		}
		if (add_rrset(r, SEC_AN, owner, len, s) < 0)
			return;
		add_proof(r);
		r->core_end = r->w.len;
		additional_for(r, s, NULL, 0);
		return;
	}
}

static const uint8_t chaos_names[4][16] = {
	"\2id\6server",
	"\10hostname\4bind",
	"\7version\6server",
	"\7version\4bind",
};

static void answer_chaos(struct resp *r, const struct dns_ctx *ctx)
{
	const struct dns_query *q = r->q;
	int which = -1;

	for (int i = 0; i < 4; i++)
		if (dns_name_len(chaos_names[i]) == q->qname_len &&
		    memcmp(chaos_names[i], q->qname, q->qname_len) == 0)
			which = i;
	if (which < 0 || (which >= 2 && !ctx->version)) { /* --version hide */
		r->hflags = DNS_RC_REFUSED;
		return;
	}
	r->hflags = DNS_AA;
	if (q->qtype != DNS_T_TXT && q->qtype != DNS_T_ANY)
		return;
	const char *s = which < 2 ? ctx->identity : ctx->version;
	size_t sl = which < 2 ? ctx->identity_len : ctx->version_len;
	uint8_t rd[256];

	rd[0] = (uint8_t)sl;
	memcpy(rd + 1, s, sl);
	if (dns_wr_rr(&r->w, q->qname, q->qname_len, DNS_T_TXT, DNS_C_CH, 0, rd, sl + 1) < 0)
		r->tc = 1;
	else
		r->cnt[SEC_AN] = 1;
}

static size_t reply_limit(const struct dns_ctx *ctx, const struct dns_query *q, size_t cap, int tcp)
{
	size_t lim;

	if (tcp)
		lim = DNS_TCP_MAX;
	else if (!q->edns)
		lim = DNS_UDP_MIN;
	else /* RFC 6891 6.2.5: below 512 counts as 512; above ours, ours */
		lim = q->udp_size < DNS_UDP_MIN    ? DNS_UDP_MIN
		      : q->udp_size > ctx->udp_max ? ctx->udp_max
						   : q->udp_size;
	return lim < cap ? lim : cap;
}

static void put_header(uint8_t *out, const struct dns_query *q, uint16_t hflags, int tc,
		       const uint16_t cnt[3], int opt)
{
	/* QR, the opcode, RD and CD copied (RFC 1035 4.1.1, RFC 6840 5.9); no RA. */
	uint16_t f = DNS_QR | (q->flags & (0x7800 | DNS_RD | DNS_CD)) | (hflags & (DNS_AA | 0xf));

	if (tc)
		f |= DNS_TC;
	put16(out, q->id);
	put16(out + 2, f);
	put16(out + 4, q->has_question ? 1 : 0);
	put16(out + 6, cnt[0]);
	put16(out + 8, cnt[1]);
	put16(out + 10, (uint16_t)(cnt[2] + (opt ? 1 : 0)));
}

static size_t finish(const struct dns_ctx *ctx, const struct dns_query *q, uint8_t *out, size_t len,
		     uint16_t hflags, int rcode, int tc, const uint16_t cnt[3])
{
	put_header(out, q, (uint16_t)(hflags | (rcode & 0xf)), tc, cnt, q->edns);
	if (q->edns)
		len += dns_opt_write(out + len, q, ctx->udp_max, rcode, ctx->identity,
				     ctx->identity_len);
	return len;
}

/* Header and question only: errors, REFUSED, and truncated replies. */
static size_t bare(const struct dns_ctx *ctx, const struct dns_query *q, uint8_t *out,
		   uint16_t hflags, int rcode, int tc)
{
	static const uint16_t zero[3];
	size_t qs = dns_query_qsec_len(q);

	memcpy(out + DNS_HDR_LEN, q->pkt + DNS_HDR_LEN, qs);
	return finish(ctx, q, out, DNS_HDR_LEN + qs, hflags, rcode, tc, zero);
}

static size_t emit_blob(const struct dns_ctx *ctx, const struct dns_query *q,
			const struct dns_blob *b, uint8_t *out, size_t limit)
{
	size_t qs = DNS_HDR_LEN + dns_query_qsec_len(q);
	uint16_t cnt[3] = { b->an, b->ns, b->ar };
	size_t n = b->len;

	if (qs + n > limit) {
		if (b->add_required || qs + b->len_core > limit)
			return bare(ctx, q, out, b->hflags & DNS_AA, 0, 1);
		n = b->len_core; /* drop the optional additional data */
		cnt[2] = 0;
	}
	memcpy(out + DNS_HDR_LEN, q->pkt + DNS_HDR_LEN, qs - DNS_HDR_LEN);
	memcpy(out + qs, b->data, n);
	return finish(ctx, q, out, qs + n, b->hflags & DNS_AA, b->hflags & 0xf, 0, cnt);
}

/* Composes into out; the reply and the sections' layout are left in r. */
static void compose(struct resp *r, const struct dns_ctx *ctx, const struct dns_zone *z,
		    const struct dns_query *q, uint8_t *out, size_t cap)
{
	size_t qs = DNS_HDR_LEN + dns_query_qsec_len(q);

	memset(r, 0, offsetof(struct resp, w));
	r->q = q;
	r->z = z;
	r->dnssec = q->edns_do && z && z->sec;
	dns_wr_init(&r->w, out, cap);
	r->w.len = qs;
	memcpy(out + DNS_HDR_LEN, q->pkt + DNS_HDR_LEN, qs - DNS_HDR_LEN);
	dns_wr_remember(&r->w, q->qname, q->qname_len, DNS_HDR_LEN);
	if (z)
		answer_in(r);
	else
		answer_chaos(r, ctx);
	if (!r->core_end)
		r->core_end = r->w.len;
	if (r->core_end > r->w.len)
		r->core_end = r->w.len;
}

/* RFC 8482 4.1: ANY gets one RRset of the name, not all of them (an amplifier's favourite),
 * and the client asks for what it needs. Knot's and NSD's choice, over UDP and TCP alike: the
 * lowest type. The question keeps ANY; names without data of their own stay ANY (NXDOMAIN,
 * wildcards, referrals). */
static uint16_t any_one_rrset(const struct dns_zone *z, const struct dns_query *q)
{
	const struct dns_node *n = dns_zone_get(z, q->qname, q->qname_len,
						dns_name_hash(q->qname, q->qname_len));
	uint16_t best = 0;

	if (!n || (n->cut && n != z->apex_node))
		return DNS_T_ANY;
	for (int i = 0; i < n->nrrsets; i++)
		if (!best || n->rrsets[i].type < best)
			best = n->rrsets[i].type;
	return best ? best : DNS_T_ANY;
}

size_t dns_answer(const struct dns_ctx *ctx, const struct dns_zoneset *zs, const uint8_t *pkt,
		  size_t len, uint8_t *out, size_t cap, int tcp)
{
	return dns_answer_from(ctx, zs, NULL, pkt, len, out, cap, tcp);
}

size_t dns_answer_from(const struct dns_ctx *ctx, const struct dns_zoneset *zs,
		       const struct sockaddr *from, const uint8_t *pkt, size_t len, uint8_t *out,
		       size_t cap, int tcp)
{
	struct dns_query q;
	int rc = dns_query_parse(&q, pkt, len);

	if (rc < 0 || cap < DNS_UDP_MIN)
		return 0;
	if (q.cookie_len && ctx->cookie_key) { /* a client cookie gets a server cookie */
		dns_cookie_server(ctx->cookie_key, q.cookie, q.cookie_len, from,
				  (uint32_t)time(NULL), q.scookie);
		q.scookie_set = 1;
	}
	if (tcp && ctx->tcp_closing && q.edns) { /* never over UDP: RFC 7828 3.2.2 */
		q.keepalive_set = 1;
		q.keepalive = 0;
	}
	size_t limit = reply_limit(ctx, &q, cap, tcp);
	size_t optlen = dns_opt_len(&q, ctx->identity_len);

	if (rc != DNS_RC_NOERROR)
		return bare(ctx, &q, out, 0, rc, 0);
	if (q.tsig_off) /* we know no key: RFC 8945 5.2.2 */
		return dns_tsig_badkey(&q, out, bare(ctx, &q, out, 0, DNS_RC_NOTAUTH, 0), limit);
	if (q.edns && q.edns_version > 0)
		return bare(ctx, &q, out, 0, DNS_RC_BADVERS, 0); /* RFC 6891 6.1.3 */
	const struct dns_zone *z = NULL;

	if (q.qclass == DNS_C_IN || q.qclass == DNS_C_ANY) { /* ANY: the IN data, as NSD/Knot */
		if (q.qtype == DNS_T_AXFR || q.qtype == DNS_T_IXFR)
			return bare(ctx, &q, out, 0, DNS_RC_REFUSED, 0); /* no zone transfers */
		if (q.qtype == DNS_T_MAILA || q.qtype == DNS_T_MAILB)
			return bare(ctx, &q, out, 0, DNS_RC_NOTIMP, 0);
		z = zs ? dns_zoneset_find(zs, q.qname, q.qname_len, q.qlabels) : NULL;
		if (!z)
			return bare(ctx, &q, out, 0, DNS_RC_REFUSED, 0);
		if (q.qtype == DNS_T_DS && q.qlabels && q.qname_len == z->apex_len) {
			/* RFC 4035 3.1.4.1: a DS at a zone's apex is the parent's, if we serve it */
			const struct dns_zone *pz = dns_zoneset_find(zs, q.qname + 1 + q.qname[0],
								     q.qname_len - 1u - q.qname[0],
								     q.qlabels - 1);

			if (pz)
				z = pz;
		}
		if (q.qtype == DNS_T_ANY)
			q.qtype = any_one_rrset(z, &q);
		/* The fast path: one hash probe and a copy. */
		const struct dns_fast *f = dns_zone_fast(z, q.qname, q.qname_len,
							 dns_name_hash(q.qname, q.qname_len),
							 q.edns_do && z->sec);

		if (f) {
			const struct dns_blob *b = f->other, *bl = dns_fast_blobs(f);

			for (int i = 0; i < f->nblobs; i++)
				if (bl[i].qtype == q.qtype) {
					b = &bl[i];
					break;
				}
			if (b)
				return emit_blob(ctx, &q, b, out, limit - optlen);
		}
	} else if (q.qclass != DNS_C_CH) {
		return bare(ctx, &q, out, 0, DNS_RC_REFUSED, 0);
	}
	struct resp r;

	compose(&r, ctx, z, &q, out, limit - optlen);
	if (r.tc)
		return bare(ctx, &q, out, r.hflags & DNS_AA, 0, 1);
	if (r.hflags & 0xf && !(r.hflags & DNS_AA))
		return bare(ctx, &q, out, 0, r.hflags & 0xf, 0); /* REFUSED */
	return finish(ctx, &q, out, r.w.len, r.hflags & DNS_AA, r.hflags & 0xf, 0, r.cnt);
}

size_t dns_answer_error(const struct dns_ctx *ctx, const struct sockaddr *from, const uint8_t *pkt,
			size_t len, uint8_t *out, size_t cap, int tcp, int rcode,
			uint16_t info_code, const char *text)
{
	struct dns_query q;
	int rc = dns_query_parse(&q, pkt, len);
	size_t tl = text ? strlen(text) : 0;

	if (rc < 0 || cap < DNS_UDP_MIN)
		return 0;
	if (rc != DNS_RC_NOERROR)
		return bare(ctx, &q, out, 0, rc, 0);
	if (q.cookie_len && ctx->cookie_key) {
		dns_cookie_server(ctx->cookie_key, q.cookie, q.cookie_len, from,
				  (uint32_t)time(NULL), q.scookie);
		q.scookie_set = 1;
	}
	if (tl > 64)
		tl = 64;
	size_t n = bare(ctx, &q, out, 0, rcode, 0);

	/* The EDE option goes last in our OPT, the record bare() ended with; a question is at
	 * most 259 octets, so the whole fits the 512 of any reply. */
	if (q.edns && n + 6 + tl <= reply_limit(ctx, &q, cap, tcp)) {
		size_t opt = n - dns_opt_len(&q, ctx->identity_len);

		put16(out + n, DNS_OPT_EDE);
		put16(out + n + 2, (uint16_t)(2 + tl));
		put16(out + n + 4, info_code);
		if (tl)
			memcpy(out + n + 6, text, tl);
		put16(out + opt + 9, (uint16_t)(get16(out + opt + 9) + 6 + tl));
		n += 6 + tl;
	}
	return n;
}

/* ---- precomputation ---- */

struct prep {
	uint8_t *out;  /* compose buffer */
	uint8_t *data; /* the node's blob bytes so far */
	size_t dlen, dcap;
	struct dns_blob b[PREP_TYPES + 3];
	size_t off[PREP_TYPES + 3];
	int nb;
};

/* Composes the reply to (node, qtype) and keeps what follows the question. 0: not kept. */
static int prepare_one(struct prep *p, const struct dns_zone *z, const struct dns_node *n,
		       uint16_t qtype, int dnssec)
{
	/* dnssec: asked with DO, in an OPT record (RFC 3225) */
	static const uint8_t opt[11] = { 0, 0, DNS_T_OPT, 0x10, 0, 0, 0, 0x80, 0, 0, 0 };
	uint8_t pkt[DNS_HDR_LEN + DNS_NAME_MAX + 4 + sizeof(opt)];
	struct dns_query q;
	struct resp r;
	size_t qs = DNS_HDR_LEN + n->len + 4u;

	memset(pkt, 0, DNS_HDR_LEN);
	pkt[5] = 1; /* QDCOUNT */
	memcpy(pkt + DNS_HDR_LEN, n->name, n->len);
	put16(pkt + DNS_HDR_LEN + n->len, qtype);
	put16(pkt + DNS_HDR_LEN + n->len + 2, DNS_C_IN);
	if (dnssec) {
		pkt[11] = 1; /* ARCOUNT */
		memcpy(pkt + qs, opt, sizeof(opt));
	}
	if (dns_query_parse(&q, pkt, qs + (dnssec ? sizeof(opt) : 0)) != DNS_RC_NOERROR)
		return 0;
	compose(&r, NULL, z, &q, p->out, DNS_TCP_MAX);
	if (r.tc)
		return 0; /* too big for any reply: leave it to the per-query path */
	size_t len = r.w.len - qs;
	struct dns_blob *b = &p->b[p->nb];

	b->qtype = qtype;
	b->hflags = r.hflags;
	b->an = r.cnt[SEC_AN];
	b->ns = r.cnt[SEC_NS];
	b->ar = r.cnt[SEC_AR];
	b->len_core = (uint16_t)(r.core_end - qs);
	b->len = (uint16_t)len;
	b->add_required = (uint8_t)r.add_required;
	b->data = NULL;
	if (p->dlen + len > p->dcap) {
		p->dcap = (p->dlen + len) * 2;
		p->data = xrealloc(p->data, p->dcap);
	}
	memcpy(p->data + p->dlen, p->out + qs, len);
	p->off[p->nb++] = p->dlen;
	p->dlen += len;
	return 1;
}

/* Lays the node's name, blobs and bytes out in one block and indexes it. */
static void prepare_store(struct dns_zoneset *zs, struct dns_zone *z, struct dns_node *n,
			  struct prep *p, int has_other, int dnssec)
{
	struct dns_slot *tab = dnssec ? z->ftab_do : z->ftab;
	size_t head = dns_fast_head(n->len);
	size_t bl = (size_t)p->nb * sizeof(struct dns_blob);
	struct dns_fast *f = dns_arena_alloc(&zs->arena, head + bl + p->dlen);
	struct dns_blob *b = (struct dns_blob *)(void *)((uint8_t *)f + head);
	uint8_t *data = (uint8_t *)b + bl;

	memcpy(f->name, n->name, n->len);
	f->len = n->len;
	f->nblobs = (uint16_t)(p->nb - has_other);
	f->other = has_other ? &b[p->nb - 1] : NULL;
	memcpy(data, p->data, p->dlen);
	for (int i = 0; i < p->nb; i++) {
		b[i] = p->b[i];
		b[i].data = data + p->off[i];
	}
	if (!dnssec) {
		n->blobs = b;
		n->nblobs = f->nblobs;
		n->other = f->other;
	}
	uint32_t j = n->hash & z->mask;

	while (tab[j].p)
		j = (j + 1) & z->mask;
	tab[j] = (struct dns_slot){ n->hash, f };
}

void dns_answer_prepare(struct dns_zoneset *zs)
{
	struct prep p = { .out = xmalloc(DNS_TCP_MAX) };

	for (int zi = 0; zi < zs->nzones; zi++) {
		struct dns_zone *z = zs->zones[zi];

		z->ftab = xcalloc((size_t)z->mask + 1, sizeof(*z->ftab));
		/* a signed zone: the replies to queries with DO too, in a table of their own */
		if (z->sec)
			z->ftab_do = xcalloc((size_t)z->mask + 1, sizeof(*z->ftab_do));
		for (uint32_t i = 0; i <= z->mask; i++) {
			struct dns_node *n = z->tab[i].p;
			uint16_t types[PREP_TYPES + 3];
			int nt = 0, has_other, sigs = 0;

			if (!n)
				continue;
			if (n->dname) {
				has_other = 0; /* occluded by a DNAME: synthesised per query */
			} else if (n->cut && n->cut != n) {
				has_other = 1; /* below a cut: a referral whatever the type */
			} else if (n->cut) {
				types[nt++] = DNS_T_DS;
				has_other = 1;
			} else if (dns_node_rrset(n, DNS_T_CNAME)) {
				/* A CNAME's chain depends on the type asked: per query. */
				types[nt++] = DNS_T_CNAME;
				types[nt++] = DNS_T_ANY;
				has_other = 0;
			} else {
				has_other = n->nrrsets <= PREP_TYPES;
				for (int k = 0; k < n->nrrsets && k < PREP_TYPES; k++) {
					types[nt++] = n->rrsets[k].type;
					sigs |= n->rrsets[k].sigs != NULL;
				}
				types[nt++] = DNS_T_ANY;
				if (sigs) /* not absent: the signatures at the name */
					types[nt++] = DNS_T_RRSIG;
			}
			for (int dnssec = 0; dnssec <= (z->sec != NULL); dnssec++) {
				int other = has_other;

				p.nb = 0;
				p.dlen = 0;
				for (int k = 0; k < nt; k++)
					if (!prepare_one(&p, z, n, types[k], dnssec))
						other = 0; /* that type must not fall to "other" */
				/* type 0 is never in a zone: what any absent type gets */
				if (other && !prepare_one(&p, z, n, 0, dnssec))
					other = 0;
				prepare_store(zs, z, n, &p, other, dnssec);
			}
		}
	}
	free(p.out);
	free(p.data);
}
