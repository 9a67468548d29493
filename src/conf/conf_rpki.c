/* anycastd.conf: route origin validation and hijack alarms. At top level `rpki ADDR[:PORT]
 * [preference N]` (RTR caches), `roa-file FILE`, `monitor yes|no` and `watch PREFIX origin
 * ASN`; in a neighbor block `rov reject-invalid|prefer-valid|tag-only`. Their meaning is in
 * anycastd.conf(5). */
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "lib/log.h"

/* RFC 8210 section 15: the IANA port of RTR over plain TCP. */
#define RTR_DEFAULT_PORT 323
#define RTR_DEFAULT_PREFERENCE 100

int conf_top_rpki(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	struct conf_rpki r = { .preference = RTR_DEFAULT_PREFERENCE };
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 3, "ADDR[:PORT] [preference N]") < 0)
		return -1;
	if (conf_parse_hostport(p->tok[1].text, RTR_DEFAULT_PORT, &r.addr, &r.port) < 0)
		return conf_terr(p, &p->tok[1],
				 "invalid RTR cache address '%s' (expected IPV4[:PORT] or "
				 "[IPV6][:PORT])",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	if (p->ntok == 2)
		goto add;
	if (strcmp(p->tok[2].text, "preference") != 0)
		return conf_terr(p, &p->tok[2], "unexpected '%s' (expected preference N)",
				 conf_show(p->tok[2].text, b, sizeof(b)));
	if (p->ntok != 4)
		return conf_terr(p, &p->tok[2], "preference needs a number");
	if (conf_parse_u32(p->tok[3].text, 255, &r.preference) < 0)
		return conf_terr(p, &p->tok[3], "invalid preference '%s' (expected 0..255)",
				 conf_show(p->tok[3].text, b, sizeof(b)));
add:
	for (size_t i = 0; i < c->nrpki; i++)
		if (addr_eq(&c->rpki[i].addr, &r.addr) && c->rpki[i].port == r.port)
			return conf_terr(p, &p->tok[1], "duplicate rpki cache (first at line %d)",
					 c->rpki[i].line);
	r.line = p->tok[0].line;
	r.col = p->tok[0].col;
	c->rpki = conf_grow(c->rpki, c->nrpki, sizeof(*c->rpki));
	c->rpki[c->nrpki++] = r;
	return 0;
}

int conf_top_roa_file(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;

	if (conf_nargs(p, 1, 1, "file name") < 0)
		return -1;
	if (!p->tok[1].len)
		return conf_terr(p, &p->tok[1], "roa-file needs a file name");
	c->roa_file = xstrdup(p->tok[1].text);
	return 0;
}

int conf_top_monitor(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf *)obj)->monitor);
}

int conf_top_watch(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	struct conf_watch w = { .line = p->tok[0].line, .col = p->tok[0].col };
	char b[CONF_SHOW_LEN], pb[PREFIX_STRLEN];

	if (conf_nargs(p, 3, 3, "PREFIX origin ASN") < 0 ||
	    conf_parse_prefix_tok(p, &p->tok[1], &w.pfx) < 0)
		return -1;
	if (strcmp(p->tok[2].text, "origin") != 0)
		return conf_terr(p, &p->tok[2], "unexpected '%s' (expected origin ASN)",
				 conf_show(p->tok[2].text, b, sizeof(b)));
	/* Plain AS numbers, as ROAs write them; 0 and AS_TRANS are never an origin. */
	if (conf_parse_u32(p->tok[3].text, UINT32_MAX, &w.origin) < 0 || !w.origin ||
	    w.origin == 23456)
		return conf_terr(p, &p->tok[3], "invalid origin AS '%s' (expected 1..4294967295)",
				 conf_show(p->tok[3].text, b, sizeof(b)));
	for (size_t i = 0; i < c->nwatch; i++)
		if (prefix_eq(&c->watch[i].pfx, &w.pfx) && c->watch[i].origin == w.origin)
			return conf_terr(p, &p->tok[1], "duplicate watch %s origin %u",
					 prefix_fmt(&w.pfx, pb), w.origin);
	c->watch = conf_grow(c->watch, c->nwatch, sizeof(*c->watch));
	c->watch[c->nwatch++] = w;
	return 0;
}

int conf_nb_rov(struct conf_parser *p, void *obj)
{
	static const struct {
		const char *name;
		enum conf_rov rov;
	} modes[] = {
		{ "reject-invalid", CONF_ROV_REJECT },
		{ "prefer-valid", CONF_ROV_PREFER },
		{ "tag-only", CONF_ROV_TAG },
	};
	struct conf_neighbor *n = obj;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "reject-invalid, prefer-valid or tag-only") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(p->tok[1].text, modes[i].name) == 0) {
			n->rov = (uint8_t)modes[i].rov;
			return 0;
		}
	return conf_terr(
		p, &p->tok[1],
		"unknown rov policy '%s' (expected reject-invalid, prefer-valid, tag-only)",
		conf_show(p->tok[1].text, b, sizeof(b)));
}

void conf_rpki_finish(struct conf *c)
{
	/* Dropping invalid routes is the point of validating in a router; a site that only
	 * listens, or has nothing to validate against, just shows the state. */
	uint8_t def = c->fib && (c->nrpki || c->roa_file) ? CONF_ROV_REJECT : CONF_ROV_TAG;

	for (size_t i = 0; i < c->nneighbors; i++)
		if (c->neighbors[i].rov == CONF_ROV_DEFAULT)
			c->neighbors[i].rov = def;
}

void conf_rpki_free(struct conf *c)
{
	free(c->rpki);
	free(c->roa_file);
	free(c->watch);
}
