/* The topology's `rpki: {roas: [{prefix: 192.0.2.0/24, max_length: 24, asn: 65001}]}`: the
 * lab's ROAs, which every router validates against (see topo.h). */
#include <stdlib.h>
#include <string.h>

#include "lab/topo.h"
#include "lab/ytree.h"
#include "lib/log.h"

static int roa_number(struct lab_yctx *c, const struct lab_ynode *n, const char *what, uint32_t max,
		      uint32_t *out)
{
	char b[LAB_YSHOW_LEN], *end;
	unsigned long v;

	if (lab_ywant_str(c, n, what) < 0)
		return -1;
	v = strtoul(n->s, &end, 10);
	if (!n->len || *end || n->s[0] < '0' || n->s[0] > '9' || v > max)
		return lab_yfail_at(c, n, "%s '%s' is not a number up to %u", what, lab_yshow(n, b),
				    max);
	*out = (uint32_t)v;
	return 0;
}

static int load_roa(struct lab_yctx *c, const struct lab_ynode *n, struct lab_roa *r)
{
	struct lab_yfield f[] = { { "prefix", 0, 0 }, { "max_length", 0, 0 }, { "asn", 0, 0 } };
	char b[LAB_YSHOW_LEN];
	uint32_t v;

	if (lab_ywant(c, n, LAB_YMAP, "roa") < 0 || lab_yfields(c, n, "roa", f, 3) < 0)
		return -1;
	if (!f[0].v || !f[2].v)
		return lab_yfail_at(c, n, "roa: prefix and asn are required");
	if (lab_ywant_str(c, f[0].v, "roa prefix") < 0)
		return -1;
	if (prefix_parse(f[0].v->s, &r->pfx) != 0)
		return lab_yfail_at(c, f[0].v, "roa prefix '%s' is not a prefix (or has host bits)",
				    lab_yshow(f[0].v, b));
	r->maxlen = r->pfx.len;
	if (f[1].v) {
		if (roa_number(c, f[1].v, "max_length", r->pfx.addr.af == AF_INET ? 32 : 128, &v) <
		    0)
			return -1;
		if (v < r->pfx.len)
			return lab_yfail_at(c, f[1].v, "max_length %u is shorter than the prefix",
					    v);
		r->maxlen = (uint8_t)v;
	}
	return roa_number(c, f[2].v, "roa asn", UINT32_MAX, &r->asn);
}

int lab_topo_rpki(struct lab_yctx *c, const struct lab_ynode *n, struct lab_topo *t)
{
	struct lab_yfield f[] = { { "roas", 0, 0 } };

	if (lab_ywant(c, n, LAB_YMAP, "rpki") < 0 || lab_yfields(c, n, "rpki", f, 1) < 0)
		return -1;
	t->rpki = 1;
	if (!f[0].v)
		return 0;
	if (lab_ywant(c, f[0].v, LAB_YSEQ, "roas") < 0)
		return -1;
	t->roas = xcalloc(f[0].v->n + 1, sizeof(*t->roas));
	for (size_t i = 0; i < f[0].v->n; i++)
		if (load_roa(c, f[0].v->v[i], &t->roas[t->nroas++]) < 0)
			return -1;
	return 0;
}
