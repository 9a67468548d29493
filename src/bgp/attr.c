/* Path attribute sets: scratch sets, the intern table, AS path helpers.
 *
 * An interned set is one allocation: the struct followed by its arrays, so that a million
 * routes sharing a few thousand sets cost a few thousand blocks. Equal values intern to one
 * pointer, so the RIB compares attributes by pointer. */
#include "bgp/attr.h"

#include <stdlib.h>
#include <string.h>

#include "bgp/attr_table.h"
#include "bgp/extcomm.h"
#include "bgp/proto.h"
#include "lib/log.h"

void bgp_attrs_init(struct bgp_attrs *a) { memset(a, 0, sizeof(*a)); }

/* The stored fields of a set, as the attribute table lists them, and where they live. */
#define FIELD(a, f) ((void *)((char *)(a) + (f)->off))
#define CFIELD(a, f) ((const void *)((const char *)(a) + (f)->off))
#define ARR(a, f) (*(uint8_t **)FIELD(a, f))
#define CARR(a, f) (*(uint8_t *const *)CFIELD(a, f))
#define COUNT(a, f) (*(uint16_t *)((char *)(a) + (f)->count_off))
#define CCOUNT(a, f) (*(const uint16_t *)((const char *)(a) + (f)->count_off))

void bgp_attrs_clear(struct bgp_attrs *a)
{
	size_t n;
	const struct bgp_attr_slot *s = bgp_attr_slots(&n);

	for (size_t i = 0; i < n; i++)
		if (s[i].f.kind == BGP_AK_ARRAY)
			free(ARR(a, &s[i].f));
	bgp_attrs_init(a);
}

static void *dup_mem(const void *p, size_t n)
{
	void *q;

	if (!p || n == 0)
		return NULL;
	q = xmalloc(n);
	memcpy(q, p, n);
	return q;
}

void bgp_attrs_copy(struct bgp_attrs *dst, const struct bgp_attrs *src)
{
	size_t n;
	const struct bgp_attr_slot *s = bgp_attr_slots(&n);

	*dst = *src;
	for (size_t i = 0; i < n; i++) {
		const struct bgp_attr_field *f = &s[i].f;

		if (f->kind != BGP_AK_ARRAY)
			continue;
		ARR(dst, f) = dup_mem(CARR(src, f), (size_t)CCOUNT(src, f) * f->elem);
		if (!ARR(dst, f))
			COUNT(dst, f) = 0;
	}
	dst->refcnt = 0;
	dst->hash = 0;
	dst->hnext = NULL;
}

void bgp_attrs_add_comm(struct bgp_attrs *a, uint32_t c)
{
	if (a->ncomms == UINT16_MAX)
		return;
	a->comms = xrealloc(a->comms, ((size_t)a->ncomms + 1) * sizeof(*a->comms));
	a->comms[a->ncomms++] = c;
}

void bgp_attrs_add_lcomm(struct bgp_attrs *a, uint32_t g, uint32_t l1, uint32_t l2)
{
	if (a->nlcomms == UINT16_MAX)
		return;
	a->lcomms = xrealloc(a->lcomms, ((size_t)a->nlcomms + 1) * sizeof(*a->lcomms));
	a->lcomms[a->nlcomms].global = g;
	a->lcomms[a->nlcomms].local1 = l1;
	a->lcomms[a->nlcomms].local2 = l2;
	a->nlcomms++;
}

void bgp_attrs_add_ecomm(struct bgp_attrs *a, const uint8_t v[8])
{
	if (a->necomms == UINT16_MAX)
		return;
	a->ecomms = xrealloc(a->ecomms, ((size_t)a->necomms + 1) * sizeof(*a->ecomms));
	memcpy(a->ecomms[a->necomms++].v, v, 8);
}

void bgp_attrs_strip_nontransitive_ecomms(struct bgp_attrs *a)
{
	size_t k = 0;

	for (size_t i = 0; i < a->necomms; i++)
		if (bgp_extcomm_transitive(a->ecomms[i].v))
			a->ecomms[k++] = a->ecomms[i];
	a->necomms = (uint16_t)k;
	if (k == 0) {
		free(a->ecomms);
		a->ecomms = NULL;
	}
}

int bgp_attrs_has_comm(const struct bgp_attrs *a, uint32_t c)
{
	for (size_t i = 0; i < a->ncomms; i++)
		if (a->comms[i] == c)
			return 1;
	return 0;
}

void bgp_attrs_prepend(struct bgp_attrs *a, uint32_t asn, unsigned count)
{
	while (count > 0) {
		int grow = a->aspath_len >= 2 && a->aspath[0] == BGP_ASSEG_SEQUENCE &&
			   a->aspath[1] < 255;
		unsigned k = grow ? 255u - a->aspath[1] : 255u;
		size_t add, at;
		uint8_t *p;

		if (k > count)
			k = count;
		add = (size_t)k * 4 + (grow ? 0 : 2);
		if (a->aspath_len + add > UINT16_MAX)
			return; /* cannot be encoded anyway */
		p = xmalloc(a->aspath_len + add);
		p[0] = BGP_ASSEG_SEQUENCE;
		p[1] = (uint8_t)(grow ? a->aspath[1] + k : k);
		for (unsigned i = 0; i < k; i++)
			put32(p + 2 + i * 4, asn);
		/* then the old path; a grown segment's header is replaced by the new one */
		at = grow ? 2 : 0;
		if (a->aspath_len > at)
			memcpy(p + 2 + (size_t)k * 4, a->aspath + at, a->aspath_len - at);
		free(a->aspath);
		a->aspath = p;
		a->aspath_len = (uint16_t)(a->aspath_len + add);
		a->has |= BGP_AH_AS_PATH;
		count -= k;
	}
}

void bgp_attrs_set_aspath(struct bgp_attrs *a, const uint32_t *asns, size_t n)
{
	size_t segs = (n + 254) / 255, len = n * 4 + segs * 2, at = 0;

	free(a->aspath);
	a->aspath = NULL;
	a->aspath_len = 0;
	a->has |= BGP_AH_AS_PATH;
	if (n == 0)
		return;
	if (len > UINT16_MAX)
		fatal("bgp_attrs_set_aspath: %zu ASNs", n);
	a->aspath = xmalloc(len);
	for (size_t i = 0; i < n; i++) {
		if (i % 255 == 0) {
			size_t k = n - i > 255 ? 255 : n - i;

			a->aspath[at++] = BGP_ASSEG_SEQUENCE;
			a->aspath[at++] = (uint8_t)k;
		}
		put32(a->aspath + at, asns[i]);
		at += 4;
	}
	a->aspath_len = (uint16_t)len;
}

/* ---- interning ---- */

static struct {
	struct bgp_attrs **b;
	size_t nb, count;
} itab;

/* FNV-1a, 32 bits */
static uint32_t fnv(uint32_t h, const void *p, size_t n)
{
	const uint8_t *s = p;

	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 16777619u;
	}
	return h;
}

static uint32_t fnv32(uint32_t h, uint32_t v)
{
	uint8_t x[4];

	put32(x, v);
	return fnv(h, x, 4);
}

static uint32_t addr_hash(uint32_t h, const struct addr *a)
{
	h = fnv(h, &a->af, 1);
	return fnv(h, a->a, a->af ? addr_len(a->af) : 0);
}

static int addr_same(const struct addr *a, const struct addr *b)
{
	if (a->af != b->af)
		return 0;
	return a->af == 0 || memcmp(a->a, b->a, addr_len(a->af)) == 0;
}

/* A slot takes part when its presence bit is set (or it has none). */
static int slot_on(const struct bgp_attrs *a, const struct bgp_attr_slot *s)
{
	return !s->has || (a->has & s->has);
}

static uint32_t attrs_hash(const struct bgp_attrs *a)
{
	size_t n;
	const struct bgp_attr_slot *s = bgp_attr_slots(&n);
	uint32_t h = fnv32(2166136261u, a->has);

	for (size_t i = 0; i < n; i++) {
		const struct bgp_attr_field *f = &s[i].f;

		if (!slot_on(a, &s[i]))
			continue;
		switch (f->kind) {
		case BGP_AK_U8:
		case BGP_AK_U32:
			h = fnv(h, CFIELD(a, f), f->elem);
			break;
		case BGP_AK_ADDR:
			h = addr_hash(h, CFIELD(a, f));
			break;
		case BGP_AK_ARRAY:
			h = fnv32(h, CCOUNT(a, f));
			h = fnv(h, CARR(a, f), (size_t)CCOUNT(a, f) * f->elem);
			break;
		}
	}
	return h;
}

int bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	size_t n;
	const struct bgp_attr_slot *s;

	if (a == b)
		return 1;
	if (a->has != b->has)
		return 0;
	s = bgp_attr_slots(&n);
	for (size_t i = 0; i < n; i++) {
		const struct bgp_attr_field *f = &s[i].f;
		size_t len;

		if (!slot_on(a, &s[i]))
			continue;
		switch (f->kind) {
		case BGP_AK_U8:
		case BGP_AK_U32:
			if (memcmp(CFIELD(a, f), CFIELD(b, f), f->elem) != 0)
				return 0;
			break;
		case BGP_AK_ADDR:
			if (!addr_same(CFIELD(a, f), CFIELD(b, f)))
				return 0;
			break;
		case BGP_AK_ARRAY:
			len = (size_t)CCOUNT(a, f) * f->elem;
			if (CCOUNT(a, f) != CCOUNT(b, f) ||
			    (len && memcmp(CARR(a, f), CARR(b, f), len) != 0))
				return 0;
			break;
		}
	}
	return 1;
}

static void norm_addr(struct addr *d, const struct addr *s)
{
	memset(d, 0, sizeof(*d));
	if (s->af) {
		d->af = s->af;
		memcpy(d->a, s->a, addr_len(s->af));
	}
}

/* Arrays whose elements are not 4-octet multiples go in the second pass, after the others,
 * so that every array of 32-bit values stays aligned. */
static int block_pass(const struct bgp_attr_field *f)
{
	return f->kind == BGP_AK_ARRAY && f->elem % 4 != 0;
}

/* The shared copy: one block, fields that are absent zeroed so nobody reads stale values.
 * Arrays of 4-octet multiples go first (the struct keeps p aligned), byte arrays after. */
static struct bgp_attrs *attrs_block(const struct bgp_attrs *src, uint32_t hash)
{
	size_t n, sz = sizeof(struct bgp_attrs);
	const struct bgp_attr_slot *s = bgp_attr_slots(&n);
	struct bgp_attrs *a;
	uint8_t *p;

	for (size_t i = 0; i < n; i++)
		if (s[i].f.kind == BGP_AK_ARRAY)
			sz += (size_t)CCOUNT(src, &s[i].f) * s[i].f.elem;
	a = xcalloc(1, sz);
	p = (uint8_t *)(a + 1);
	a->has = src->has;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const struct bgp_attr_field *f = &s[i].f;
			size_t len;

			if (!slot_on(src, &s[i]) || block_pass(f) != pass)
				continue;
			switch (f->kind) {
			case BGP_AK_U8:
			case BGP_AK_U32:
				memcpy(FIELD(a, f), CFIELD(src, f), f->elem);
				break;
			case BGP_AK_ADDR:
				norm_addr(FIELD(a, f), CFIELD(src, f));
				break;
			case BGP_AK_ARRAY:
				len = (size_t)CCOUNT(src, f) * f->elem;
				if (len == 0)
					break;
				ARR(a, f) = p;
				memcpy(p, CARR(src, f), len);
				COUNT(a, f) = CCOUNT(src, f);
				p += len;
				break;
			}
		}
	}
	a->refcnt = 1;
	a->hash = hash;
	return a;
}

static void itab_grow(void)
{
	size_t nb = itab.nb ? itab.nb * 2 : 1024;
	struct bgp_attrs **b = xcalloc(nb, sizeof(*b));

	for (size_t i = 0; i < itab.nb; i++) {
		struct bgp_attrs *a = itab.b[i], *next;

		for (; a; a = next) {
			next = a->hnext;
			a->hnext = b[a->hash & (nb - 1)];
			b[a->hash & (nb - 1)] = a;
		}
	}
	free(itab.b);
	itab.b = b;
	itab.nb = nb;
}

const struct bgp_attrs *bgp_attrs_intern(const struct bgp_attrs *scratch)
{
	uint32_t h = attrs_hash(scratch);
	struct bgp_attrs *a;

	if (itab.nb) {
		for (a = itab.b[h & (itab.nb - 1)]; a; a = a->hnext) {
			if (a->hash == h && bgp_attrs_equal(a, scratch)) {
				a->refcnt++;
				return a;
			}
		}
	}
	if (itab.count >= itab.nb)
		itab_grow();
	a = attrs_block(scratch, h);
	a->hnext = itab.b[h & (itab.nb - 1)];
	itab.b[h & (itab.nb - 1)] = a;
	itab.count++;
	return a;
}

const struct bgp_attrs *bgp_attrs_ref(const struct bgp_attrs *a)
{
	if (a)
		((struct bgp_attrs *)a)->refcnt++;
	return a;
}

void bgp_attrs_unref(const struct bgp_attrs *ca)
{
	struct bgp_attrs *a = (struct bgp_attrs *)ca, **pp;

	if (!a)
		return;
	if (a->refcnt == 0)
		fatal("bgp_attrs_unref: not an interned set, or unreferenced twice");
	if (--a->refcnt > 0)
		return;
	for (pp = &itab.b[a->hash & (itab.nb - 1)]; *pp; pp = &(*pp)->hnext) {
		if (*pp == a) {
			*pp = a->hnext;
			break;
		}
	}
	itab.count--;
	free(a);
	if (itab.count == 0) {
		/* nothing left: give the table back (keeps valgrind and long runs tidy) */
		free(itab.b);
		itab.b = NULL;
		itab.nb = 0;
	}
}

size_t bgp_attrs_interned_count(void) { return itab.count; }

/* ---- AS path queries. Walkers stop at a truncated segment: the decoder never stores one,
 * but sets built by hand may. ---- */

#define SEG_FOREACH(a, off, type, cnt)                                                    \
	for (size_t off = 0, type, cnt;                                                   \
	     off + 2 <= (a)->aspath_len && (type = (a)->aspath[off], cnt = (a)->aspath[off + 1], \
					    off + 2 + cnt * 4 <= (a)->aspath_len);        \
	     off += 2 + cnt * 4)

unsigned bgp_aspath_length(const struct bgp_attrs *a)
{
	unsigned n = 0;

	SEG_FOREACH(a, off, type, cnt) {
		(void)off;
		/* RFC 4271 9.1.2.2: a set counts one; RFC 5065 5.3: confed segments none */
		if (type == BGP_ASSEG_SEQUENCE)
			n += (unsigned)cnt;
		else if (type == BGP_ASSEG_SET)
			n++;
	}
	return n;
}

int bgp_aspath_contains(const struct bgp_attrs *a, uint32_t asn)
{
	SEG_FOREACH(a, off, type, cnt) {
		(void)type;
		for (size_t i = 0; i < cnt; i++)
			if (get32(a->aspath + off + 2 + i * 4) == asn)
				return 1;
	}
	return 0;
}

uint32_t bgp_aspath_first_as(const struct bgp_attrs *a)
{
	if (a->aspath_len >= 6 && a->aspath[0] == BGP_ASSEG_SEQUENCE && a->aspath[1] > 0)
		return get32(a->aspath + 2);
	return 0;
}

size_t bgp_aspath_list(const struct bgp_attrs *a, uint32_t *out, size_t max)
{
	size_t n = 0;

	SEG_FOREACH(a, off, type, cnt) {
		(void)type;
		for (size_t i = 0; i < cnt; i++, n++)
			if (n < max)
				out[n] = get32(a->aspath + off + 2 + i * 4);
	}
	return n;
}

void bgp_aspath_fmt(const struct bgp_attrs *a, struct buf *out)
{
	int first = 1;

	SEG_FOREACH(a, off, type, cnt) {
		/* {set}, (confed sequence), [confed set], as BIRD and Cisco print them */
		const char *open = type == BGP_ASSEG_SET ? "{" : type == BGP_ASSEG_CONFED_SEQ ? "("
				   : type == BGP_ASSEG_CONFED_SET ? "[" : "";
		const char *close = type == BGP_ASSEG_SET ? "}" : type == BGP_ASSEG_CONFED_SEQ ? ")"
				    : type == BGP_ASSEG_CONFED_SET ? "]" : "";

		buf_printf(out, "%s%s", first ? "" : " ", open);
		for (size_t i = 0; i < cnt; i++)
			buf_printf(out, "%s%u", i ? " " : "",
				   (unsigned)get32(a->aspath + off + 2 + i * 4));
		buf_printf(out, "%s", close);
		first = 0;
	}
	/* buf_printf leaves a NUL past len; make sure there is one for an empty path too */
	buf_reserve(out, 1);
	out->data[out->len] = 0;
}
