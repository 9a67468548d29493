/* A site's routing keys in the topology (topo.h): `prepend: N`, `communities: [A:B, ...]` and
 * `announce_to: [ROUTER, ...]`, the operator's levers on an uneven split of the load
 * (prepending, tagging, selective announcement). Parsed with the node; announce_to names are
 * checked once the links are known, since they must be routers the site has a session with. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/topo.h"
#include "lab/ytree.h"
#include "lib/log.h"

#define SITE_PREPEND_MAX \
	16 /* anycastd's own limit on a service's prepend is higher; more
			     * than this moves nothing that 16 does not */
#define SITE_LIST_MAX 64

static int parse_prepend(struct lab_yctx *c, const struct lab_ynode *n, unsigned *out)
{
	char b[LAB_YSHOW_LEN];
	unsigned v = 0;

	if (lab_ywant_str(c, n, "prepend") < 0)
		return -1;
	for (size_t i = 0; i < n->len; i++) {
		if (n->s[i] < '0' || n->s[i] > '9' || v > SITE_PREPEND_MAX)
			goto bad;
		v = v * 10 + (unsigned)(n->s[i] - '0');
	}
	if (!n->len || v > SITE_PREPEND_MAX)
		goto bad;
	*out = v;
	return 0;
bad:
	return lab_yfail_at(c, n, "prepend '%s': expected a whole number from 0 to %d",
			    lab_yshow(n, b), SITE_PREPEND_MAX);
}

/* A standard community, ASN:VALUE with both parts 0..65535 (RFC 1997). */
static int parse_community(struct lab_yctx *c, const struct lab_ynode *n, uint32_t *out)
{
	char b[LAB_YSHOW_LEN], *end;
	unsigned long hi, lo;

	if (lab_ywant_str(c, n, "community") < 0)
		return -1;
	if (n->s[0] < '0' || n->s[0] > '9')
		goto bad;
	hi = strtoul(n->s, &end, 10);
	if (*end != ':' || end[1] < '0' || end[1] > '9' || hi > 65535)
		goto bad;
	lo = strtoul(end + 1, &end, 10);
	if (*end || lo > 65535)
		goto bad;
	*out = (uint32_t)(hi << 16 | lo);
	return 0;
bad:
	return lab_yfail_at(c, n, "community '%s': expected ASN:VALUE, each 0 to 65535",
			    lab_yshow(n, b));
}

static int want_list(struct lab_yctx *c, const struct lab_ynode *n, const char *what)
{
	if (lab_ywant(c, n, LAB_YSEQ, what) < 0)
		return -1;
	if (n->n > SITE_LIST_MAX)
		return lab_yfail_at(c, n, "%s: more than %d entries", what, SITE_LIST_MAX);
	return 0;
}

int lab_topo_site_keys(struct lab_yctx *c, const struct lab_ynode *k, const struct lab_yfield *f,
		       struct lab_node *nd)
{
	const struct lab_ynode *prepend = f[0].v, *comms = f[1].v, *to = f[2].v;

	for (int i = 0; i < 3; i++)
		if (f[i].k && nd->kind != LAB_SITE)
			return lab_yfail_at(c, f[i].k,
					    "node '%s': %s is a site's key (it shapes how the "
					    "site announces the anycast prefix)",
					    nd->name, f[i].key);
	if (prepend && parse_prepend(c, prepend, &nd->prepend) < 0)
		return -1;
	if (comms) {
		if (want_list(c, comms, "communities") < 0)
			return -1;
		nd->communities = xcalloc(comms->n + 1, sizeof(*nd->communities));
		for (size_t i = 0; i < comms->n; i++) {
			uint32_t v = 0;

			if (parse_community(c, comms->v[i], &v) < 0)
				return -1;
			for (size_t j = 0; j < nd->ncommunities; j++)
				if (nd->communities[j] == v)
					return lab_yfail_at(c, comms->v[i],
							    "community %u:%u given twice", v >> 16,
							    v & 0xffff);
			nd->communities[nd->ncommunities++] = v;
		}
	}
	if (to) {
		char b[LAB_YSHOW_LEN];

		if (want_list(c, to, "announce_to") < 0)
			return -1;
		if (!to->n)
			return lab_yfail_at(c, to,
					    "announce_to: empty; a site that announces to nobody "
					    "is better left out");
		nd->announce_to = xcalloc(to->n, sizeof(*nd->announce_to));
		for (size_t i = 0; i < to->n; i++) {
			const struct lab_ynode *e = to->v[i];

			if (lab_ywant_str(c, e, "announce_to entry") < 0)
				return -1;
			if (!e->len)
				return lab_yfail_at(c, e, "announce_to: empty router name '%s'",
						    lab_yshow(e, b));
			nd->announce_to[i] = (struct lab_announce){ .name = xstrdup(e->s),
								    .line = e->line,
								    .col = e->col };
			nd->nannounce++;
		}
	}
	(void)k;
	return 0;
}

/* Every announce_to entry names a router the site has a BGP session with, once. */
int lab_topo_site_check(struct lab_yctx *c, struct lab_topo *t)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		struct lab_node *nd = &t->nodes[i];

		for (size_t a = 0; a < nd->nannounce; a++) {
			struct lab_announce *an = &nd->announce_to[a];
			const struct lab_node *r = NULL;
			size_t k;

			/* by name, as topo.c's lab_topo_node (not called: topo.c calls us) */
			for (k = 0; k < t->nnodes && !r; k++)
				if (strcmp(t->nodes[k].name, an->name) == 0)
					r = &t->nodes[k];
			if (!r)
				return lab_yfail(c, an->line, an->col,
						 "site '%s': announce_to: no node '%s'", nd->name,
						 an->name);
			for (k = 0; k < t->nlinks; k++) {
				const struct lab_link *lk = &t->links[k];

				if ((lk->a == i && lk->b == r->index) ||
				    (lk->b == i && lk->a == r->index))
					break;
			}
			if (k == t->nlinks || r->kind == LAB_CLIENT) /* no BGP on a client's link */
				return lab_yfail(c, an->line, an->col,
						 "site '%s': announce_to: '%s' is no BGP neighbour "
						 "of this site (no link between them)",
						 nd->name, an->name);
			for (size_t b = 0; b < a; b++)
				if (nd->announce_to[b].node == r->index)
					return lab_yfail(c, an->line, an->col,
							 "site '%s': announce_to: '%s' given twice",
							 nd->name, an->name);
			an->node = r->index;
		}
	}
	return 0;
}

int lab_site_announces_to(const struct lab_node *site, size_t node)
{
	if (!site->nannounce)
		return 1;
	for (size_t a = 0; a < site->nannounce; a++)
		if (site->announce_to[a].node == node)
			return 1;
	return 0;
}

void lab_topo_site_free(struct lab_node *nd)
{
	for (size_t a = 0; a < nd->nannounce; a++)
		free(nd->announce_to[a].name);
	free(nd->announce_to);
	free(nd->communities);
	nd->announce_to = NULL;
	nd->communities = NULL;
	nd->nannounce = nd->ncommunities = 0;
}
