/* Proof selection over the NSEC chain (canonical order) or the NSEC3 chain (hash order). */
#include "dns/dnssec.h"

#include <string.h>

#include "dns/name.h"
#include "dns/nsec3.h"
#include "dns/zsec.h"

static void add(struct dns_sec_proof *p, const struct dns_node *n, const struct dns_rrset *s)
{
	if (!s)
		return;
	for (int i = 0; i < p->n; i++)
		if (p->rr[i].set == s)
			return;
	if (p->n < DNS_SEC_PROOF_MAX)
		p->rr[p->n++] = (struct dns_sec_rr){ n, s };
}

static const struct dns_rrset *nsec_of(const struct dns_node *n)
{
	return n ? dns_node_rrset(n, DNS_T_NSEC) : NULL;
}

/* The NSEC whose span holds name: the last owner at or before it (RFC 4034 4.1.1). */
static void nsec_cover(const struct dns_zsec *s, const uint8_t *name, struct dns_sec_proof *p)
{
	if (s->nnsec) {
		const struct dns_node *n = s->nsec[dns_zsec_nsec_find(s, name)];

		add(p, n, nsec_of(n));
	}
}

/* name with its first skip labels removed */
static const uint8_t *up(const uint8_t *name, size_t *len, int skip)
{
	while (skip-- > 0 && name[0]) {
		*len -= 1 + (size_t)name[0];
		name += 1 + name[0];
	}
	return name;
}

/* The NSEC3 matching (match) or covering name; returns whether one matched. */
static int nsec3_at(const struct dns_zsec *s, const uint8_t *name, size_t len, int match,
		    struct dns_sec_proof *p)
{
	uint8_t h[DNS_SHA1_LEN];
	int m;

	dns_nsec3_hash(name, len, s->salt, s->saltlen, s->iterations, h);
	uint32_t at = dns_zsec_nsec3_find(s, h, &m);

	if (m == match)
		add(p, s->nsec3[at].node, s->nsec3[at].set);
	return m;
}

/* RFC 5155 7.2.1: the closest provable encloser of name, starting the search at from (an
 * ancestor of name, or name itself), proved by its matching NSEC3 and the NSEC3 covering the
 * next closer name. Returns the encloser's label count. */
static int closest_provable(const struct dns_zone *z, const uint8_t *name, size_t len,
			    const uint8_t *from, size_t flen, struct dns_sec_proof *p)
{
	const struct dns_zsec *s = z->sec;
	int nl = dns_name_labels(name), cl = dns_name_labels(from);

	while (flen > z->apex_len && !nsec3_at(s, from, flen, 1, p)) {
		from = up(from, &flen, 1);
		cl--;
	}
	if (flen <= z->apex_len)
		nsec3_at(s, z->apex, z->apex_len, 1, p);
	if (cl < nl) {
		size_t nlen = len;
		const uint8_t *next = up(name, &nlen, nl - cl - 1);

		nsec3_at(s, next, nlen, 0, p);
	}
	return cl;
}

static void prove_nsec3(const struct dns_zone *z, enum dns_sec_case kind, const uint8_t *name,
			size_t len, const struct dns_node *n, const struct dns_node *ce,
			struct dns_sec_proof *p)
{
	const struct dns_zsec *s = z->sec;
	uint8_t wc[DNS_NAME_MAX];
	size_t plen = len;
	const uint8_t *parent;
	int cl;

	switch (kind) {
	case DNS_SEC_NXDOMAIN:
		cl = closest_provable(z, name, len, ce->name, ce->len, p);
		/* the wildcard at the closest provable encloser does not exist either */
		plen = len;
		parent = up(name, &plen, dns_name_labels(name) - cl);
		if (plen + 2 <= DNS_NAME_MAX) {
			wc[0] = 1;
			wc[1] = '*';
			memcpy(wc + 2, parent, plen);
			nsec3_at(s, wc, plen + 2, 0, p);
		}
		break;
	case DNS_SEC_NODATA:
		/* RFC 5155 7.2.3, 7.2.4: the matching NSEC3; without one (an empty non-terminal
		 * or a DS under opt-out), the closest provable encloser */
		if (!nsec3_at(s, name, len, 1, p) && len > z->apex_len) {
			parent = up(name, &plen, 1);
			closest_provable(z, name, len, parent, plen, p);
		}
		break;
	case DNS_SEC_WILDCARD: /* RFC 5155 7.2.6: the next closer name does not exist */
		plen = len;
		parent = up(name, &plen, dns_name_labels(name) - ce->labels - 1);
		nsec3_at(s, parent, plen, 0, p);
		break;
	case DNS_SEC_WILD_NODATA: /* RFC 5155 7.2.5 */
		closest_provable(z, name, len, ce->name, ce->len, p);
		nsec3_at(s, n->name, n->len, 1, p);
		break;
	}
}

static void prove_nsec(const struct dns_zone *z, enum dns_sec_case kind, const uint8_t *name,
		       size_t len, const struct dns_node *n, const struct dns_node *ce,
		       struct dns_sec_proof *p)
{
	const struct dns_zsec *s = z->sec;
	uint8_t wc[DNS_NAME_MAX];

	switch (kind) {
	case DNS_SEC_NXDOMAIN: /* RFC 4035 3.1.3.2: the name and the wildcard */
		nsec_cover(s, name, p);
		if (ce->len + 2u <= DNS_NAME_MAX) {
			wc[0] = 1;
			wc[1] = '*';
			memcpy(wc + 2, ce->name, ce->len);
			nsec_cover(s, wc, p);
		}
		break;
	case DNS_SEC_NODATA: /* RFC 4035 3.1.3.1; an empty non-terminal has none: covered */
		if (nsec_of(n))
			add(p, n, nsec_of(n));
		else
			nsec_cover(s, name, p);
		break;
	case DNS_SEC_WILDCARD: /* RFC 4035 3.1.3.3 */ nsec_cover(s, name, p); break;
	case DNS_SEC_WILD_NODATA: /* RFC 4035 3.1.3.4 */
		nsec_cover(s, name, p);
		add(p, n, nsec_of(n));
		break;
	}
}

void dns_sec_prove(const struct dns_zone *z, enum dns_sec_case kind, const uint8_t *name,
		   size_t len, const struct dns_node *n, const struct dns_node *ce,
		   struct dns_sec_proof *p)
{
	if (!z->sec)
		return;
	if (z->sec->nnsec3)
		prove_nsec3(z, kind, name, len, n, ce, p);
	else
		prove_nsec(z, kind, name, len, n, ce, p);
}
