/* Building and searching the NSEC and NSEC3 chains of a signed zone. */
#include "dns/zsec.h"

#include <stdlib.h>
#include <string.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "dns/nsec3.h"
#include "lib/buf.h"
#include "lib/log.h"

static const struct dns_rrset *type_set(const struct dns_node *n, uint16_t type)
{
	for (int i = 0; i < n->nrrsets; i++)
		if (n->rrsets[i].type == type)
			return &n->rrsets[i];
	return NULL;
}

const char *dns_zsec_add_nsec3(struct dns_zsec_build *b, const struct dns_node *n, size_t apex_len)
{
	struct dns_nsec3_ent e = { .node = n, .set = type_set(n, DNS_T_NSEC3) };

	if (n->len != 1 + n->name[0] + apex_len ||
	    dns_b32hex_decode((const char *)n->name + 1, n->name[0], e.hash, sizeof(e.hash)) !=
		    DNS_SHA1_LEN)
		return "NSEC3 owner is not a base32hex SHA-1 hash label right below the apex";
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 256;
		b->e = xrealloc(b->e, b->cap * sizeof(*b->e));
	}
	b->e[b->n++] = e;
	return NULL;
}

static int ent_cmp(const void *a, const void *b)
{
	return memcmp(((const struct dns_nsec3_ent *)a)->hash,
		      ((const struct dns_nsec3_ent *)b)->hash, DNS_SHA1_LEN);
}

static int node_cmp(const void *a, const void *b)
{
	return dns_name_canon_cmp((*(struct dns_node *const *)a)->name,
				  (*(struct dns_node *const *)b)->name);
}

/* An NSEC3 RR of the chain NSEC3PARAM names (RFC 5155 4.1: same algorithm, iterations, salt). */
static int same_params(const struct dns_rdata *nsec3, const struct dns_rdata *param)
{
	size_t sl = param->data[4];

	return nsec3->len > 5 + sl && nsec3->data[0] == param->data[0] &&
	       memcmp(nsec3->data + 2, param->data + 2, 3 + sl) == 0;
}

const struct dns_zsec *dns_zsec_finish(struct dns_arena *a, struct dns_zsec_build *b,
				       struct dns_node *const *nodes, size_t n,
				       const struct dns_node *apex)
{
	const struct dns_rrset *soa = type_set(apex, DNS_T_SOA);
	const struct dns_rrset *param = type_set(apex, DNS_T_NSEC3PARAM);
	struct dns_zsec *s = NULL;

	if (!soa || !soa->sigs)
		goto out;
	s = dns_arena_alloc(a, sizeof(*s));
	memset(s, 0, sizeof(*s));
	if (param && param->rd[0]->data[0] == DNS_NSEC3_SHA1) {
		const struct dns_rdata *p = param->rd[0];
		struct dns_nsec3_ent *e = dns_arena_alloc(a, (b->n ? b->n : 1) * sizeof(*e));
		uint32_t k = 0;

		s->iterations = get16(p->data + 2);
		s->saltlen = p->data[4];
		memcpy(s->salt, p->data + 5, s->saltlen);
		for (size_t i = 0; i < b->n; i++)
			if (b->e[i].set && same_params(b->e[i].set->rd[0], p))
				e[k++] = b->e[i];
		qsort(e, k, sizeof(*e), ent_cmp);
		s->nsec3 = e;
		s->nnsec3 = k;
	}
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += type_set(nodes[i], DNS_T_NSEC) != NULL;
	const struct dns_node **v = dns_arena_alloc(a, (k ? k : 1) * sizeof(*v));

	k = 0;
	for (size_t i = 0; i < n; i++)
		if (type_set(nodes[i], DNS_T_NSEC))
			v[k++] = nodes[i];
	qsort(v, k, sizeof(*v), node_cmp);
	s->nsec = v;
	s->nnsec = (uint32_t)k;
out:
	free(b->e);
	*b = (struct dns_zsec_build){ 0 };
	return s;
}

uint32_t dns_zsec_nsec3_find(const struct dns_zsec *s, const uint8_t h[DNS_SHA1_LEN], int *match)
{
	uint32_t lo = 0, hi = s->nnsec3; /* first entry > h */

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (memcmp(s->nsec3[mid].hash, h, DNS_SHA1_LEN) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	uint32_t at = lo ? lo - 1 : s->nnsec3 - 1;

	*match = lo && memcmp(s->nsec3[at].hash, h, DNS_SHA1_LEN) == 0;
	return at;
}

uint32_t dns_zsec_nsec_find(const struct dns_zsec *s, const uint8_t *name)
{
	uint32_t lo = 0, hi = s->nnsec;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (dns_name_canon_cmp(s->nsec[mid]->name, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? lo - 1 : s->nnsec - 1;
}
