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

/* The layout is fixed once built: keep it at hand, these run for every UPDATE. */
static const struct bgp_attr_layout *layout(void)
{
	static const struct bgp_attr_layout *l;

	if (!l)
		l = bgp_attr_layout();
	return l;
}

void bgp_attrs_clear(struct bgp_attrs *a)
{
	const struct bgp_attr_layout *l = layout();

	for (size_t i = 0; i < l->narray; i++)
		free(ARR(a, &l->array[i].f));
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
	const struct bgp_attr_layout *l = layout();

	*dst = *src;
	for (size_t i = 0; i < l->narray; i++) {
		const struct bgp_attr_field *f = &l->array[i].f;

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

/* The mixing steps of MurmurHash3 (32 bits), four octets at a time: a full table hashes every
 * UPDATE's set, AS path included, so byte-at-a-time hashing would cost more than decoding. */
static uint32_t mix32(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51u;
	k = (k << 15) | (k >> 17);
	h ^= k * 0x1b873593u;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

static uint32_t mix_bytes(uint32_t h, const void *p, size_t n)
{
	const uint8_t *s = p;
	uint32_t k = 0;
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		memcpy(&k, s + i, 4);
		h = mix32(h, k);
	}
	for (k = 0; i < n; i++)
		k = k << 8 | s[i];
	return mix32(h, k);
}

/* The final avalanche, so that the low bits that pick a bucket depend on every input bit. */
static uint32_t mix_final(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

static uint32_t addr_hash(uint32_t h, const struct addr *a)
{
	return mix_bytes(mix32(h, a->af), a->a, a->af ? addr_len(a->af) : 0);
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
	const struct bgp_attr_layout *l = layout();
	uint32_t h = mix32(0, a->has);

	for (size_t i = 0; i < l->nscalar; i++) {
		const struct bgp_attr_field *f = &l->scalar[i].f;

		if (!slot_on(a, &l->scalar[i]))
			continue;
		if (f->kind == BGP_AK_ADDR)
			h = addr_hash(h, CFIELD(a, f));
		else if (f->kind == BGP_AK_U32)
			h = mix32(h, *(const uint32_t *)CFIELD(a, f));
		else
			h = mix32(h, *(const uint8_t *)CFIELD(a, f));
	}
	/* arrays have no presence bit: an empty one is absent */
	for (size_t i = 0; i < l->narray; i++) {
		const struct bgp_attr_field *f = &l->array[i].f;
		uint16_t n = CCOUNT(a, f);

		h = mix32(h, n);
		if (n)
			h = mix_bytes(h, CARR(a, f), (size_t)n * f->elem);
	}
	return mix_final(h);
}

int bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	const struct bgp_attr_layout *l;

	if (a == b)
		return 1;
	if (a->has != b->has)
		return 0;
	l = layout();
	for (size_t i = 0; i < l->nscalar; i++) {
		const struct bgp_attr_field *f = &l->scalar[i].f;

		if (!slot_on(a, &l->scalar[i]))
			continue;
		if (f->kind == BGP_AK_U32
			    ? *(const uint32_t *)CFIELD(a, f) != *(const uint32_t *)CFIELD(b, f)
		    : f->kind == BGP_AK_U8
			    ? *(const uint8_t *)CFIELD(a, f) != *(const uint8_t *)CFIELD(b, f)
			    : !addr_same(CFIELD(a, f), CFIELD(b, f)))
			return 0;
	}
	for (size_t i = 0; i < l->narray; i++) {
		const struct bgp_attr_field *f = &l->array[i].f;
		uint16_t n = CCOUNT(a, f);

		if (n != CCOUNT(b, f) || (n && memcmp(CARR(a, f), CARR(b, f), (size_t)n * f->elem)))
			return 0;
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

/* Appends the arrays whose element size is (aligned) or is not a multiple of 4 at p. */
static uint8_t *block_arrays(struct bgp_attrs *a, const struct bgp_attrs *src, uint8_t *p,
			     int aligned)
{
	const struct bgp_attr_layout *l = layout();

	for (size_t i = 0; i < l->narray; i++) {
		const struct bgp_attr_field *f = &l->array[i].f;
		size_t len = (size_t)CCOUNT(src, f) * f->elem;

		if ((f->elem % 4 == 0) != aligned || len == 0)
			continue;
		ARR(a, f) = p;
		memcpy(p, CARR(src, f), len);
		COUNT(a, f) = CCOUNT(src, f);
		p += len;
	}
	return p;
}

/* The shared copy: one block, fields that are absent zeroed so nobody reads stale values.
 * Arrays of 4-octet multiples go first (the struct keeps p aligned), the others after. */
static struct bgp_attrs *attrs_block(const struct bgp_attrs *src, uint32_t hash)
{
	const struct bgp_attr_layout *l = layout();
	size_t sz = sizeof(struct bgp_attrs);
	struct bgp_attrs *a;

	for (size_t i = 0; i < l->narray; i++)
		sz += (size_t)CCOUNT(src, &l->array[i].f) * l->array[i].f.elem;
	a = xcalloc(1, sz);
	a->has = src->has;
	for (size_t i = 0; i < l->nscalar; i++) {
		const struct bgp_attr_field *f = &l->scalar[i].f;

		if (!slot_on(src, &l->scalar[i]))
			continue;
		if (f->kind == BGP_AK_ADDR)
			norm_addr(FIELD(a, f), CFIELD(src, f));
		else
			memcpy(FIELD(a, f), CFIELD(src, f), f->elem);
	}
	block_arrays(a, src, block_arrays(a, src, (uint8_t *)(a + 1), 1), 0);
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

#define SEG_FOREACH(a, off, type, cnt)                                                           \
	for (size_t off = 0, type, cnt;                                                          \
	     off + 2 <= (a)->aspath_len && (type = (a)->aspath[off], cnt = (a)->aspath[off + 1], \
					   off + 2 + cnt * 4 <= (a)->aspath_len);                \
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
		const char *open = type == BGP_ASSEG_SET          ? "{"
				   : type == BGP_ASSEG_CONFED_SEQ ? "("
				   : type == BGP_ASSEG_CONFED_SET ? "["
								  : "";
		const char *close = type == BGP_ASSEG_SET          ? "}"
				    : type == BGP_ASSEG_CONFED_SEQ ? ")"
				    : type == BGP_ASSEG_CONFED_SET ? "]"
								   : "";

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
