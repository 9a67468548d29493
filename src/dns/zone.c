/* Building zones from master files, and the lookups the answer path makes. */
#include "dns/zone.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/name.h"
#include "dns/zparse.h"
#include "dns/zsec.h"
#include "lib/buf.h"
#include "lib/log.h"

/* ---- hash tables: open addressing, linear probing, at most half full ---- */

/* The table stores nodes or zones; name_off and len_off say where their key is. */
static void *tab_get(const struct dns_slot *tab, uint32_t mask, uint32_t hash, const uint8_t *name,
		     size_t len, size_t name_off, size_t len_off)
{
	if (!tab)
		return NULL;
	for (uint32_t i = hash & mask;; i = (i + 1) & mask) {
		const struct dns_slot *s = &tab[i];

		if (!s->p)
			return NULL;
		if (s->hash == hash) {
			const char *e = s->p;
			const uint8_t *n = *(const uint8_t *const *)(e + name_off);

			if (*(const uint8_t *)(e + len_off) == len && memcmp(n, name, len) == 0)
				return s->p;
		}
	}
}

static void tab_put(struct dns_slot **tab, uint32_t *mask, uint32_t *count, uint32_t hash, void *p)
{
	if ((*count + 1) * 2 > *mask + 1) {
		uint32_t nmask = *mask ? *mask * 2 + 1 : 63;
		struct dns_slot *n = xcalloc((size_t)nmask + 1, sizeof(*n));

		for (uint32_t i = 0; *tab && i <= *mask; i++) {
			if (!(*tab)[i].p)
				continue;
			uint32_t j = (*tab)[i].hash & nmask;

			while (n[j].p)
				j = (j + 1) & nmask;
			n[j] = (*tab)[i];
		}
		free(*tab);
		*tab = n;
		*mask = nmask;
	}
	uint32_t j = hash & *mask;

	while ((*tab)[j].p)
		j = (j + 1) & *mask;
	(*tab)[j] = (struct dns_slot){ hash, p };
	(*count)++;
}

const struct dns_node *dns_zone_get(const struct dns_zone *z, const uint8_t *name, size_t len,
				    uint32_t hash)
{
	return tab_get(z->tab, z->mask, hash, name, len, offsetof(struct dns_node, name),
		       offsetof(struct dns_node, len));
}

const struct dns_fast *dns_zone_fast(const struct dns_zone *z, const uint8_t *name, size_t len,
				     uint32_t hash, int dnssec)
{
	const struct dns_slot *tab = dnssec ? z->ftab_do : z->ftab;

	if (!tab)
		return NULL;
	for (uint32_t i = hash & z->mask;; i = (i + 1) & z->mask) {
		const struct dns_slot *s = &tab[i];

		if (!s->p)
			return NULL;
		const struct dns_fast *f = s->p;

		if (s->hash == hash && f->len == len && memcmp(f->name, name, len) == 0)
			return f;
	}
}

const struct dns_zone *dns_zoneset_find(const struct dns_zoneset *zs, const uint8_t *name,
					size_t len, int labels)
{
	/* Only suffixes with as many labels as some apex can match: usually one probe. */
	for (int i = 0; i < zs->nlc; i++) {
		int skip = labels - zs->lc[i];

		if (skip < 0)
			continue;
		const uint8_t *s = name;
		size_t l = len;

		while (skip--) {
			l -= 1 + (size_t)s[0];
			s += 1 + s[0];
		}
		const struct dns_zone *z = tab_get(zs->ztab, zs->zmask, dns_name_hash(s, l), s, l,
						   offsetof(struct dns_zone, apex),
						   offsetof(struct dns_zone, apex_len));

		if (z)
			return z;
	}
	return NULL;
}

const struct dns_rrset *dns_node_rrset(const struct dns_node *n, uint16_t type)
{
	for (int i = 0; i < n->nrrsets; i++)
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
	return NULL;
}

/* ---- building one zone ---- */

struct rec {
	const uint8_t *owner;
	const uint8_t *rd;
	uint32_t ttl;
	unsigned line;
	uint16_t type, rdlen;
	uint8_t olen;
};

struct zb {
	struct dns_arena tmp;
	struct rec *recs;
	size_t n, cap;
	const uint8_t *apex;
	size_t apex_len;
	unsigned soa_line;
};

static const char *zb_add(void *arg, const uint8_t *owner, size_t olen, uint16_t type, uint32_t ttl,
			  const uint8_t *rdata, size_t rdlen, unsigned line)
{
	struct zb *b = arg;

	if (type == DNS_T_SOA) {
		if (b->apex)
			return "more than one SOA record";
		b->apex = dns_arena_dup(&b->tmp, owner, olen);
		b->apex_len = olen;
		b->soa_line = line;
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 1024;
		b->recs = xrealloc(b->recs, b->cap * sizeof(*b->recs));
	}
	b->recs[b->n++] = (struct rec){
		.owner = dns_arena_dup(&b->tmp, owner, olen),
		.rd = dns_arena_dup(&b->tmp, rdata, rdlen),
		.ttl = ttl,
		.line = line,
		.type = type,
		.rdlen = (uint16_t)rdlen,
		.olen = (uint8_t)olen,
	};
	return NULL;
}

static int rec_cmp(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;

	if (a->olen != b->olen)
		return a->olen < b->olen ? -1 : 1;
	int c = memcmp(a->owner, b->owner, a->olen);

	if (c)
		return c;
	if (a->type != b->type)
		return a->type < b->type ? -1 : 1;
	/* RRSIGs grouped by the type they cover (RFC 4034 3.1.1), before their length */
	if (a->type == DNS_T_RRSIG && get16(a->rd) != get16(b->rd))
		return get16(a->rd) < get16(b->rd) ? -1 : 1;
	if (a->rdlen != b->rdlen)
		return a->rdlen < b->rdlen ? -1 : 1;
	c = memcmp(a->rd, b->rd, a->rdlen);
	if (c)
		return c;
	return a->line < b->line ? -1 : a->line > b->line;
}

static struct dns_node *node_get_or_add(struct dns_zoneset *zs, struct dns_zone *z,
					const uint8_t *name, size_t len)
{
	uint32_t h = dns_name_hash(name, len);
	struct dns_node *n = (struct dns_node *)dns_zone_get(z, name, len, h);

	if (n)
		return n;
	n = dns_arena_alloc(&zs->arena, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->name = dns_arena_dup(&zs->arena, name, len);
	n->hash = h;
	n->len = (uint8_t)len;
	n->labels = (uint8_t)dns_name_labels(name);
	if (name[0] == 1 && name[1] == '*')
		n->flags |= DNS_NODE_WILD;
	tab_put(&z->tab, &z->mask, &z->nnodes, h, n);
	return n;
}

static int zerr(char *err, size_t errlen, const char *file, unsigned line, const char *why)
{
	snprintf(err, errlen, "%s:%u: %s", file, line, why);
	return -1;
}

/* One RRset from the sorted records r[i..j) of one type (and, for RRSIG, one covered type). */
static void make_rrset(struct dns_zoneset *zs, struct dns_rrset *s, const struct rec *r, size_t i,
		       size_t j)
{
	const struct dns_rdata **rd = dns_arena_alloc(&zs->arena, (j - i) * sizeof(*rd));
	size_t uniq = 0;

	memset(s, 0, sizeof(*s));
	s->type = r[i].type;
	s->ttl = r[i].ttl;
	for (size_t m = i; m < j; m++) {
		/* RFC 2181 5: an RRset is a set; RFC 2181 5.2: one TTL, we take the lowest */
		if (r[m].ttl < s->ttl)
			s->ttl = r[m].ttl;
		if (m > i && r[m].rdlen == r[m - 1].rdlen &&
		    memcmp(r[m].rd, r[m - 1].rd, r[m].rdlen) == 0)
			continue;
		struct dns_rdata *d = dns_arena_alloc(&zs->arena, sizeof(*d) + r[m].rdlen);

		d->len = r[m].rdlen;
		memcpy(d->data, r[m].rd, r[m].rdlen);
		rd[uniq++] = d;
	}
	s->count = (uint16_t)uniq;
	s->rd = rd;
}

static uint16_t covered(const struct rec *r)
{
	return get16(r->rd); /* RRSIG rdata is checked: at least 18 octets */
}

/* Where the records of r[i]'s RRset end: its type, and for RRSIG its covered type. */
static size_t set_end(const struct rec *r, size_t i, size_t n)
{
	size_t j = i;

	while (j < n && r[j].type == r[i].type &&
	       (r[i].type != DNS_T_RRSIG || covered(&r[j]) == covered(&r[i])))
		j++;
	return j;
}

/* Turns the sorted records of one owner (recs[0..n)) into the node's RRsets; RRSIGs hang
 * off the RRset they cover instead of forming one of their own. */
static int fill_node(struct dns_zoneset *zs, struct dns_node *node, const struct rec *r, size_t n,
		     const char *file, char *err, size_t errlen)
{
	size_t ntypes = 0;
	unsigned cname_line = 0;

	for (size_t i = 0; i < n; i++)
		if (r[i].type != DNS_T_RRSIG && (i == 0 || r[i].type != r[i - 1].type))
			ntypes++;
	struct dns_rrset *sets = dns_arena_alloc(&zs->arena, (ntypes ? ntypes : 1) * sizeof(*sets));
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		size_t j = set_end(r, i, n);

		if (r[i].type == DNS_T_RRSIG) {
			i = j;
			continue;
		}
		struct dns_rrset *s = &sets[k++];

		make_rrset(zs, s, r, i, j);
		if (s->type == DNS_T_CNAME || s->type == DNS_T_DNAME) {
			/* RFC 1034 3.6.2, RFC 2181 10.1, RFC 6672 2.4: only one, and a CNAME
			 * stands alone but for its DNSSEC records (RFC 4035 2.5) */
			if (s->count > 1)
				return zerr(err, errlen, file, r[i + 1].line,
					    s->type == DNS_T_CNAME
						    ? "more than one CNAME record at a name"
						    : "more than one DNAME record at a name");
		}
		if (s->type == DNS_T_CNAME)
			cname_line = r[i].line;
		if (s->type == DNS_T_DNAME)
			node->flags |= DNS_NODE_DNAME;
		i = j;
	}
	for (size_t m = 0; m < k && cname_line; m++)
		if (sets[m].type != DNS_T_CNAME && sets[m].type != DNS_T_NSEC)
			return zerr(err, errlen, file, cname_line,
				    "CNAME and other data at the same name");
	for (size_t i = 0; i < n;) {
		size_t j = set_end(r, i, n);

		for (size_t m = 0; m < k && r[i].type == DNS_T_RRSIG; m++) {
			if (sets[m].type != covered(&r[i]))
				continue;
			struct dns_rrset *sig = dns_arena_alloc(&zs->arena, sizeof(*sig));

			make_rrset(zs, sig, r, i, j);
			sets[m].sigs = sig;
		}
		i = j;
	}
	node->rrsets = sets;
	node->nrrsets = (uint16_t)ntypes;
	return 0;
}

static int lbl_cmp(const void *a, const void *b)
{
	const struct dns_node *x = *(struct dns_node *const *)a, *y = *(struct dns_node *const *)b;

	return (x->labels > y->labels) - (x->labels < y->labels);
}

static int has_nsec3(const struct rec *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].type == DNS_T_NSEC3)
			return 1;
	return 0;
}

/* An NSEC3 owner: a node of its own, kept out of the name table (zsec.h says why). */
static int nsec3_node(struct dns_zoneset *zs, struct dns_zsec_build *sb, const struct rec *r,
		      size_t n, size_t apex_len, const char *file, char *err, size_t errlen)
{
	struct dns_node *node = dns_arena_alloc(&zs->arena, sizeof(*node));
	const char *why;

	memset(node, 0, sizeof(*node));
	node->name = dns_arena_dup(&zs->arena, r[0].owner, r[0].olen);
	node->len = r[0].olen;
	node->labels = (uint8_t)dns_name_labels(r[0].owner);
	if (fill_node(zs, node, r, n, file, err, errlen) < 0)
		return -1;
	why = dns_zsec_add_nsec3(sb, node, apex_len);
	return why ? zerr(err, errlen, file, r[0].line, why) : 0;
}

int dns_zone_build(struct dns_zoneset *zs, const char *file, const char *text, size_t len,
		   char *err, size_t errlen)
{
	struct zb b = { 0 };
	int rc = -1;
	struct dns_node **all = NULL;
	struct dns_zsec_build sb = { 0 };

	dns_arena_init(&b.tmp);
	if (dns_zparse(file, text, len, NULL, zb_add, &b, err, errlen) < 0)
		goto out;
	if (!b.apex) {
		zerr(err, errlen, file, 1, "no SOA record: the zone has no apex");
		goto out;
	}
	for (size_t i = 0; i < b.n; i++) {
		if (!dns_name_under(b.recs[i].owner, b.recs[i].olen, b.apex, b.apex_len)) {
			char a[1024], why[1100];

			dns_name_to_text(b.apex, a, sizeof(a));
			snprintf(why, sizeof(why), "name is outside the zone %s", a);
			zerr(err, errlen, file, b.recs[i].line, why);
			goto out;
		}
	}
	for (int i = 0; i < zs->nzones; i++) {
		const struct dns_zone *o = zs->zones[i];

		if (o->apex_len == b.apex_len && memcmp(o->apex, b.apex, b.apex_len) == 0) {
			char why[1200];

			snprintf(why, sizeof(why), "zone already loaded from %s", o->file);
			zerr(err, errlen, file, b.soa_line, why);
			goto out;
		}
	}
	qsort(b.recs, b.n, sizeof(*b.recs), rec_cmp);

	struct dns_zone *z = dns_arena_alloc(&zs->arena, sizeof(*z));

	memset(z, 0, sizeof(*z));
	z->file = dns_arena_dup(&zs->arena, file, strlen(file) + 1);
	z->apex = dns_arena_dup(&zs->arena, b.apex, b.apex_len);
	z->apex_len = (uint8_t)b.apex_len;
	z->apex_labels = (uint8_t)dns_name_labels(b.apex);
	for (size_t i = 0; i < b.n;) {
		size_t j = i;

		while (j < b.n && b.recs[j].olen == b.recs[i].olen &&
		       memcmp(b.recs[j].owner, b.recs[i].owner, b.recs[i].olen) == 0)
			j++;
		if (has_nsec3(&b.recs[i], j - i)) {
			if (nsec3_node(zs, &sb, &b.recs[i], j - i, b.apex_len, file, err, errlen) <
			    0)
				goto free_zone;
			zs->records += j - i;
			i = j;
			continue;
		}
		struct dns_node *node = node_get_or_add(zs, z, b.recs[i].owner, b.recs[i].olen);

		if (fill_node(zs, node, &b.recs[i], j - i, file, err, errlen) < 0)
			goto free_zone;
		/* Empty non-terminals get nodes too: they exist (RFC 4592 2.2.2), which is what
		 * makes them answer NODATA and block wildcards. */
		const uint8_t *p = b.recs[i].owner;
		size_t pl = b.recs[i].olen;

		while (pl > b.apex_len) {
			pl -= 1 + (size_t)p[0];
			p += 1 + p[0];
			node_get_or_add(zs, z, p, pl);
		}
		zs->records += j - i;
		i = j;
	}
	z->apex_node = dns_zone_get(z, z->apex, z->apex_len, dns_name_hash(z->apex, z->apex_len));
	z->soa = dns_node_rrset(z->apex_node, DNS_T_SOA);
	if (!dns_node_rrset(z->apex_node, DNS_T_NS)) {
		zerr(err, errlen, file, b.soa_line, "no NS records at the zone apex");
		goto free_zone;
	}
	const struct dns_rdata *soa = z->soa->rd[0];
	uint32_t minimum = get32(soa->data + soa->len - 4);

	z->neg_ttl = z->soa->ttl < minimum ? z->soa->ttl : minimum;

	/* Delegations: walk nodes parents first so each inherits the cut above it. */
	all = xmalloc((size_t)z->nnodes * sizeof(*all));
	size_t na = 0;

	for (uint32_t i = 0; i <= z->mask; i++)
		if (z->tab[i].p)
			all[na++] = z->tab[i].p;
	qsort(all, na, sizeof(*all), lbl_cmp);
	for (size_t i = 0; i < na; i++) {
		struct dns_node *n = all[i];

		if (n == z->apex_node)
			continue;
		const uint8_t *pn = n->name + 1 + n->name[0];
		size_t pl = n->len - 1 - n->name[0];
		const struct dns_node *parent = dns_zone_get(z, pn, pl, dns_name_hash(pn, pl));

		n->cut = parent == z->apex_node ? NULL : parent->cut;
		/* RFC 6672 2.3: a DNAME occludes what is below it, delegations too; below a
		 * cut, a DNAME is not ours to apply */
		if (!n->cut)
			n->dname = parent->flags & DNS_NODE_DNAME ? parent : parent->dname;
		if (!n->cut && !n->dname && dns_node_rrset(n, DNS_T_NS)) {
			n->flags |= DNS_NODE_CUT;
			n->cut = n;
		}
	}
	z->sec = dns_zsec_finish(&zs->arena, &sb, all, na, z->apex_node);
	zs->zones = xrealloc(zs->zones, (size_t)(zs->nzones + 1) * sizeof(*zs->zones));
	zs->zones[zs->nzones++] = z;
	rc = 0;
	goto out;
free_zone:
	free(z->tab);
out:
	free(sb.e);
	free(all);
	free(b.recs);
	dns_arena_free(&b.tmp);
	return rc;
}

/* Apex table and the label counts dns_zoneset_find probes, once every zone is built. */
void dns_zoneset_index(struct dns_zoneset *zs)
{
	uint32_t cnt = 0;

	for (int i = 0; i < zs->nzones; i++) {
		struct dns_zone *z = zs->zones[i];
		int seen = 0;

		tab_put(&zs->ztab, &zs->zmask, &cnt, dns_name_hash(z->apex, z->apex_len), z);
		for (int j = 0; j < zs->nlc; j++)
			seen |= zs->lc[j] == z->apex_labels;
		if (!seen) {
			int j = zs->nlc++;

			while (j > 0 && zs->lc[j - 1] < z->apex_labels) {
				zs->lc[j] = zs->lc[j - 1];
				j--;
			}
			zs->lc[j] = z->apex_labels;
		}
	}
}

void dns_zoneset_free(struct dns_zoneset *zs)
{
	if (!zs)
		return;
	for (int i = 0; i < zs->nzones; i++) {
		free(zs->zones[i]->tab);
		free(zs->zones[i]->ftab);
		free(zs->zones[i]->ftab_do);
	}
	free(zs->zones);
	free(zs->ztab);
	dns_arena_free(&zs->arena);
	free(zs);
}
