/* anycastd.conf: load shedding in a service block.
 *
 *   shed LEVEL prepend N | community C | large-community C | withdraw-from NEIGHBOR
 *   shed-rise N, shed-fall N, shed-hysteresis X, shed-hold DURATION
 *
 * A withdraw-from must name a configured neighbour; neighbours may come after the service in
 * the file, so that is checked once the whole file is read (conf_shed_finish). */
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "lib/log.h"

#define SHED_MAX_LEVEL 10.0
#define SHED_MAX_RISE_FALL 100

/* A plain decimal ("0.9", "2", ".5"); no sign, exponent, inf or nan. 0 or -1. */
static int parse_decimal(const char *s, double *v)
{
	char *end;
	int digits = 0, dots = 0;

	for (const char *q = s; *q; q++) {
		if (*q == '.')
			dots++;
		else if (*q >= '0' && *q <= '9')
			digits++;
		else
			return -1;
	}
	if (!digits || dots > 1 || strlen(s) > 32)
		return -1;
	*v = strtod(s, &end);
	return *end ? -1 : 0;
}

static int act_prepend(struct conf_parser *p, const struct lex_tok *t, struct conf_shed *sh)
{
	char b[CONF_SHOW_LEN];

	if (conf_parse_u32(t->text, 16, &sh->prepend) < 0 || sh->prepend == 0)
		return conf_terr(p, t, "invalid shed prepend '%s' (expected 1..16)",
				 conf_show(t->text, b, sizeof(b)));
	return 0;
}

static int act_community(struct conf_parser *p, const struct lex_tok *t, struct conf_shed *sh)
{
	char b[CONF_SHOW_LEN];

	if (conf_parse_comm(t->text, &sh->comm) < 0)
		return conf_terr(p, t,
				 "invalid community '%s' (expected A:B with each 0..65535, "
				 "graceful-shutdown, no-export or no-advertise)",
				 conf_show(t->text, b, sizeof(b)));
	return 0;
}

static int act_lcomm(struct conf_parser *p, const struct lex_tok *t, struct conf_shed *sh)
{
	char b[CONF_SHOW_LEN];

	if (conf_parse_lcomm(t->text, sh->lcomm) < 0)
		return conf_terr(p, t,
				 "invalid large community '%s' (expected A:B:C with each "
				 "0..4294967295)",
				 conf_show(t->text, b, sizeof(b)));
	return 0;
}

static int act_withdraw(struct conf_parser *p, const struct lex_tok *t, struct conf_shed *sh)
{
	return conf_parse_addr_tok(p, t, &sh->nbr);
}

static const struct {
	const char *name;
	enum conf_shed_action action;
	int (*parse)(struct conf_parser *p, const struct lex_tok *t, struct conf_shed *sh);
} actions[] = {
	{ "prepend", SHED_PREPEND, act_prepend },
	{ "community", SHED_COMMUNITY, act_community },
	{ "large-community", SHED_LARGE_COMMUNITY, act_lcomm },
	{ "withdraw-from", SHED_WITHDRAW_FROM, act_withdraw },
};

void conf_shed_defaults(struct conf_service *s)
{
	s->shed_rise = 2;
	s->shed_fall = 3;
	s->shed_hysteresis = 0.1;
	s->shed_hold_ms = 5000;
}

int conf_parse_shed(struct conf_parser *p, struct conf_service *s)
{
	char b[CONF_SHOW_LEN];
	struct conf_shed sh;
	size_t i;

	if (p->ntok != 4)
		return conf_terr(p, &p->tok[0],
				 "expected 'shed LEVEL ACTION VALUE' (ACTION: prepend, community, "
				 "large-community or withdraw-from)");
	memset(&sh, 0, sizeof(sh));
	sh.line = p->tok[0].line;
	sh.col = p->tok[0].col;
	sh.arg_line = p->tok[3].line;
	sh.arg_col = p->tok[3].col;
	if (parse_decimal(p->tok[1].text, &sh.level) < 0 || sh.level <= 0 ||
	    sh.level > SHED_MAX_LEVEL)
		return conf_terr(p, &p->tok[1],
				 "invalid shed level '%s' (expected a number above 0, at most 10; "
				 "1.0 is at capacity)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(p->tok[2].text, actions[i].name) == 0)
			break;
	if (i == sizeof(actions) / sizeof(actions[0]))
		return conf_terr(p, &p->tok[2],
				 "unknown shed action '%s' (expected prepend, community, "
				 "large-community or withdraw-from)",
				 conf_show(p->tok[2].text, b, sizeof(b)));
	sh.action = actions[i].action;
	if (actions[i].parse(p, &p->tok[3], &sh) < 0)
		return -1;
	s->sheds = conf_grow(s->sheds, s->nsheds, sizeof(*s->sheds));
	s->sheds[s->nsheds++] = sh;
	return 0;
}

static int rise_fall(struct conf_parser *p, uint32_t *v, const char *what)
{
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "count") < 0)
		return -1;
	if (conf_parse_u32(p->tok[1].text, SHED_MAX_RISE_FALL, v) < 0 || *v == 0)
		return conf_terr(p, &p->tok[1], "invalid %s '%s' (expected 1..%d samples)", what,
				 conf_show(p->tok[1].text, b, sizeof(b)), SHED_MAX_RISE_FALL);
	return 0;
}

int conf_sv_shed_rise(struct conf_parser *p, void *obj)
{
	return rise_fall(p, &((struct conf_svc_ctx *)obj)->s->shed_rise, "shed-rise");
}

int conf_sv_shed_fall(struct conf_parser *p, void *obj)
{
	return rise_fall(p, &((struct conf_svc_ctx *)obj)->s->shed_fall, "shed-fall");
}

int conf_sv_shed_hysteresis(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "number") < 0)
		return -1;
	if (parse_decimal(p->tok[1].text, &s->shed_hysteresis) < 0 ||
	    s->shed_hysteresis >= SHED_MAX_LEVEL)
		return conf_terr(p, &p->tok[1],
				 "invalid shed-hysteresis '%s' (expected a number 0 or more, "
				 "below 10)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

int conf_sv_shed_hold(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "duration") < 0)
		return -1;
	if (conf_parse_duration(p->tok[1].text, &s->shed_hold_ms) < 0)
		return conf_terr(p, &p->tok[1],
				 "invalid shed-hold '%s' (expected a duration such as 5s, or 0)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

int conf_shed_finish(struct conf_parser *p)
{
	const struct conf *c = p->c;
	char ab[ADDR_STRLEN];

	for (size_t i = 0; i < c->nservices; i++)
		for (size_t j = 0; j < c->services[i].nsheds; j++) {
			const struct conf_shed *sh = &c->services[i].sheds[j];

			size_t k = 0;

			/* (not conf_find_neighbor: conf.c calls this file) */
			while (k < c->nneighbors && !addr_eq(&c->neighbors[k].addr, &sh->nbr))
				k++;
			if (sh->action == SHED_WITHDRAW_FROM && k == c->nneighbors)
				return conf_perr(p, sh->arg_line, sh->arg_col,
						 "withdraw-from %s: no such neighbor in this file",
						 addr_fmt(&sh->nbr, ab));
		}
	return 0;
}
