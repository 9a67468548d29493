/* A site's keys beyond kind, asn and city (DESIGN.md "Lab topology"):
 *   capacity: 2000                        queries/s its anycast-dns answers; above it, drops
 *   shed: [{level: 0.9, prepend: 3}]      steps its anycastd takes as that load rises
 *         [{level: 0.8, community: "65001:666"}, {level: 1.2, withdraw-from: r-par}]
 * gen.c turns them into anycast-dns --capacity and anycastd's `check load` and `shed` lines.
 * A shed step needs a capacity: without one the load is always 0 and the step never fires,
 * which is a mistake worth saying at load time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/topo.h"
#include "lab/ytree.h"

#define CAPACITY_MAX 10000000u /* anycast-dns --capacity's range */
#define PREPEND_MAX 16u        /* anycastd's shed prepend range */
#define LEVEL_MAX 10.0         /* anycastd's shed LEVEL range: (0, 10] */

static int parse_uint(struct lab_yctx *c, const struct lab_ynode *n, const char *what, uint32_t lo,
		      uint32_t hi, uint32_t *out)
{
	char b[LAB_YSHOW_LEN];
	uint64_t v = 0;

	if (lab_ywant(c, n, LAB_YSCALAR, what) < 0)
		return -1;
	for (size_t i = 0; i < n->len && v <= hi; i++) {
		if (n->s[i] < '0' || n->s[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(n->s[i] - '0');
	}
	if (!n->len || v < lo || v > hi)
		goto bad;
	*out = (uint32_t)v;
	return 0;
bad:
	return lab_yfail_at(c, n, "%s '%s': expected a whole number from %u to %u", what,
			    lab_yshow(n, b), lo, hi);
}

static int parse_level(struct lab_yctx *c, const struct lab_ynode *n, double *out)
{
	char b[LAB_YSHOW_LEN], *end;
	double v;

	if (lab_ywant_str(c, n, "shed level") < 0)
		return -1;
	v = strtod(n->s, &end);
	/* plain decimals only: no "inf", "nan", hex or exponent surprises */
	if (!n->len || *end || strspn(n->s, "0123456789.") != n->len || !(v > 0) || v > LEVEL_MAX)
		return lab_yfail_at(c, n,
				    "shed level '%s': expected a load level above 0, at most 10 "
				    "(1 = the site's capacity), e.g. 0.9",
				    lab_yshow(n, b));
	*out = v;
	return 0;
}

/* "ASN:VALUE", each 0..65535: a standard community. */
static int valid_community(const char *s)
{
	unsigned long a, v;
	char *end;

	if (*s < '0' || *s > '9')
		return 0;
	a = strtoul(s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9')
		return 0;
	v = strtoul(end + 1, &end, 10);
	return !*end && a <= 65535 && v <= 65535;
}

static int load_step(struct lab_yctx *c, const struct lab_ynode *n, struct lab_shed *st)
{
	struct lab_yfield f[] = { { "level", 0, 0 },
				  { "prepend", 0, 0 },
				  { "community", 0, 0 },
				  { "withdraw-from", 0, 0 } };
	char b[LAB_YSHOW_LEN];
	int actions = 0;

	if (n->kind != LAB_YMAP)
		return lab_yfail_at(c, n,
				    "shed step: expected a mapping like {level: 0.9, prepend: 3}");
	if (lab_yfields(c, n, "shed step", f, 4) < 0)
		return -1;
	if (!f[0].v)
		return lab_yfail_at(c, n, "shed step: level missing");
	if (parse_level(c, f[0].v, &st->level) < 0)
		return -1;
	for (size_t i = 1; i < 4; i++)
		actions += f[i].k != NULL;
	if (actions != 1)
		return lab_yfail_at(c, n,
				    "shed step: exactly one of prepend, community, withdraw-from");
	if (f[1].v) {
		st->kind = LAB_SHED_PREPEND;
		return parse_uint(c, f[1].v, "shed prepend", 1, PREPEND_MAX, &st->prepend);
	}
	const struct lab_ynode *v = f[2].v ? f[2].v : f[3].v;

	st->kind = f[2].v ? LAB_SHED_COMMUNITY : LAB_SHED_WITHDRAW;
	if (lab_ywant_str(c, v, st->kind == LAB_SHED_COMMUNITY ? "community" : "withdraw-from") < 0)
		return -1;
	if (v->len >= sizeof(st->arg) || (st->kind == LAB_SHED_COMMUNITY && !valid_community(v->s)))
		return lab_yfail_at(c, v,
				    st->kind == LAB_SHED_COMMUNITY
					    ? "community '%s': expected ASN:VALUE, e.g. 65001:666"
					    : "withdraw-from '%s': expected a node name",
				    lab_yshow(v, b));
	memcpy(st->arg, v->s, v->len + 1);
	return 0;
}

int lab_topo_capacity(struct lab_yctx *c, const struct lab_ynode *capacity,
		      const struct lab_ynode *shed, struct lab_node *nd)
{
	if (nd->kind != LAB_SITE && (capacity || shed))
		return lab_yfail_at(c, capacity ? capacity : shed,
				    "node '%s': %s is a site's key (its anycast-dns answers)",
				    nd->name, capacity ? "capacity" : "shed");
	if (capacity && parse_uint(c, capacity, "capacity", 1, CAPACITY_MAX, &nd->capacity_qps) < 0)
		return -1;
	if (!shed)
		return 0;
	if (!capacity)
		return lab_yfail_at(c, shed,
				    "node '%s': shed needs a capacity (the load is queries/s over "
				    "capacity)",
				    nd->name);
	if (lab_ywant(c, shed, LAB_YSEQ, "shed") < 0)
		return -1;
	if (shed->n == 0 || shed->n > LAB_SHED_MAX)
		return lab_yfail_at(c, shed, "shed: 1 to %d steps", LAB_SHED_MAX);
	for (size_t i = 0; i < shed->n; i++)
		if (load_step(c, shed->v[i], &nd->shed[nd->nshed++]) < 0)
			return -1;
	return 0;
}
