/* anycastd.conf: the router-mode keywords. At top level transit, multipath and the
 * LOCAL_PREF of each business relation; in a neighbor block prepend, local-pref and the
 * import/export prefix allow-lists. Their meaning is in anycastd.conf(5). */
#include "conf/conf.h"

#include <stdlib.h>
#include <string.h>

#include "conf/conf_int.h"
#include "conf/lexer.h"

/* "KEYWORD N" with N in min..max. */
static int parse_range(struct conf_parser *p, uint32_t min, uint32_t max, uint32_t *v)
{
	const struct lex_tok *t = &p->tok[1];
	char b[CONF_SHOW_LEN];
	uint32_t n;

	if (conf_nargs(p, 1, 1, "number") < 0)
		return -1;
	if (conf_parse_u32(t->text, max, &n) < 0 || n < min)
		return conf_terr(p, t, "invalid %s '%s' (expected %u..%u)", p->tok[0].text,
				 conf_show(t->text, b, sizeof(b)), min, max);
	*v = n;
	return 0;
}

/* ---------- top level ---------- */

int conf_top_transit(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;

	if (conf_parse_yesno(p, &c->transit) < 0)
		return -1;
	p->transit_set = 1;
	return 0;
}

int conf_top_multipath(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf *)obj)->multipath);
}

int conf_top_lp_customer(struct conf_parser *p, void *obj)
{
	return parse_range(p, 0, UINT32_MAX, &((struct conf *)obj)->lp_customer);
}

int conf_top_lp_peer(struct conf_parser *p, void *obj)
{
	return parse_range(p, 0, UINT32_MAX, &((struct conf *)obj)->lp_peer);
}

int conf_top_lp_provider(struct conf_parser *p, void *obj)
{
	return parse_range(p, 0, UINT32_MAX, &((struct conf *)obj)->lp_provider);
}

void conf_router_defaults(struct conf *c)
{
	c->lp_customer = CONF_DEFAULT_LP_CUSTOMER;
	c->lp_peer = CONF_DEFAULT_LP_PEER;
	c->lp_provider = CONF_DEFAULT_LP_PROVIDER;
}

void conf_router_finish(struct conf_parser *p)
{
	/* transit follows fib unless given, whichever of the two comes first in the file. */
	if (!p->transit_set)
		p->c->transit = p->c->fib;
}

/* ---------- neighbor ---------- */

int conf_nb_prepend(struct conf_parser *p, void *obj)
{
	return parse_range(p, 0, 16, &((struct conf_neighbor *)obj)->prepend);
}

int conf_nb_local_pref(struct conf_parser *p, void *obj)
{
	return parse_range(p, 1, UINT32_MAX, &((struct conf_neighbor *)obj)->local_pref);
}

/* "import-prefix PREFIX [or-longer]" or "export-prefix ...", appended to *list. A prefix may
 * appear once per list, with or without or-longer. */
static int parse_filter(struct conf_parser *p, struct conf_prefix_filter **list, size_t *n)
{
	struct conf_prefix_filter f = { .or_longer = 0 };
	char b[CONF_SHOW_LEN], pb[PREFIX_STRLEN];

	if (conf_nargs(p, 1, 2, "prefix") < 0 || conf_parse_prefix_tok(p, &p->tok[1], &f.pfx) < 0)
		return -1;
	if (p->ntok == 3) {
		if (strcmp(p->tok[2].text, "or-longer") != 0)
			return conf_terr(p, &p->tok[2],
					 "unexpected '%s' after '%s' prefix "
					 "(expected or-longer)",
					 conf_show(p->tok[2].text, b, sizeof(b)), p->tok[0].text);
		f.or_longer = 1;
	}
	for (size_t i = 0; i < *n; i++)
		if (prefix_eq(&(*list)[i].pfx, &f.pfx))
			return conf_terr(p, &p->tok[1], "duplicate %s %s", p->tok[0].text,
					 prefix_fmt(&f.pfx, pb));
	*list = conf_grow(*list, *n, sizeof(**list));
	(*list)[(*n)++] = f;
	return 0;
}

int conf_nb_import_prefix(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;

	return parse_filter(p, &n->import_allow, &n->nimport_allow);
}

int conf_nb_export_prefix(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;

	return parse_filter(p, &n->export_allow, &n->nexport_allow);
}

void conf_neighbor_free(struct conf_neighbor *n)
{
	free(n->description);
	free(n->import_allow);
	free(n->export_allow);
}
