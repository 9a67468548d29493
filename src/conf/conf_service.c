/* anycastd.conf: the service block (prefixes, address, communities, MED, prepend, drain,
 * flap protection).
 * Its check lines are parsed in conf_check.c. */
#include "conf/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/proto.h"
#include "conf/conf_int.h"
#include "conf/lexer.h"
#include "lib/log.h"

static int sv_prefix(struct conf_parser *p, void *obj)
{
	struct conf_svc_ctx *x = obj;
	struct conf_service *s = x->s;
	const struct lex_tok *t = &p->tok[1];
	struct prefix pf;
	char pb[PREFIX_STRLEN];

	if (conf_nargs(p, 1, 1, "prefix") < 0 || conf_parse_prefix_tok(p, t, &pf) < 0)
		return -1;
	for (size_t i = 0; i < x->c->nservices; i++) {
		const struct conf_service *o = &x->c->services[i];

		for (size_t j = 0; j < o->nprefixes; j++) {
			if (!prefix_eq(&o->prefixes[j], &pf))
				continue;
			if (o == s)
				return conf_terr(p, t, "duplicate prefix %s", prefix_fmt(&pf, pb));
			return conf_terr(p, t,
					 "prefix %s already belongs to service '%s' (line %d)",
					 prefix_fmt(&pf, pb), o->name, o->line);
		}
	}
	s->prefixes = conf_grow(s->prefixes, s->nprefixes, sizeof(*s->prefixes));
	s->prefixes[s->nprefixes++] = pf;
	return 0;
}

static int sv_address(struct conf_parser *p, void *obj)
{
	struct conf_svc_ctx *x = obj;

	if (conf_nargs(p, 1, 1, "address") < 0 ||
	    conf_parse_addr_tok(p, &p->tok[1], &x->s->address) < 0)
		return -1;
	x->address_at.line = p->tok[1].line;
	x->address_at.col = p->tok[1].col;
	return 0;
}

static int sv_check(struct conf_parser *p, void *obj)
{
	struct conf_svc_ctx *x = obj;

	return conf_parse_check(p, x->s);
}

static int sv_community(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	const struct lex_tok *t = &p->tok[1];
	uint32_t comm;
	size_t i;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "community") < 0)
		return -1;
	if (conf_parse_comm(t->text, &comm) < 0) {
		return conf_terr(p, t,
				 "invalid community '%s' (expected A:B with each 0..65535, "
				 "graceful-shutdown, no-export or no-advertise)",
				 conf_show(t->text, b, sizeof(b)));
	}
	for (i = 0; i < s->ncomms; i++)
		if (s->comms[i] == comm)
			return conf_terr(p, t, "duplicate community %u:%u", comm >> 16,
					 comm & 0xffff);
	s->comms = conf_grow(s->comms, s->ncomms, sizeof(*s->comms));
	s->comms[s->ncomms++] = comm;
	return 0;
}

static int sv_large_community(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	const struct lex_tok *t = &p->tok[1];
	uint32_t v[3];
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "large community") < 0)
		return -1;
	if (conf_parse_lcomm(t->text, v) < 0)
		return conf_terr(p, t,
				 "invalid large community '%s' (expected A:B:C with each "
				 "0..4294967295)",
				 conf_show(t->text, b, sizeof(b)));
	for (size_t i = 0; i < s->nlcomms; i++)
		if (memcmp(s->lcomms[i], v, sizeof(v)) == 0)
			return conf_terr(p, t, "duplicate large community %u:%u:%u", v[0], v[1],
					 v[2]);
	s->lcomms = conf_grow(s->lcomms, s->nlcomms, sizeof(*s->lcomms));
	memcpy(s->lcomms[s->nlcomms++], v, sizeof(v));
	return 0;
}

static int sv_med(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "MED") < 0)
		return -1;
	if (conf_parse_u32(p->tok[1].text, UINT32_MAX, &s->med) < 0)
		return conf_terr(p, &p->tok[1], "invalid med '%s' (expected 0..4294967295)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	s->has_med = 1;
	return 0;
}

static int sv_prepend(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "count") < 0)
		return -1;
	if (conf_parse_u32(p->tok[1].text, 16, &s->prepend) < 0)
		return conf_terr(p, &p->tok[1], "invalid prepend '%s' (expected 0..16)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

static int sv_drain_time(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "duration") < 0)
		return -1;
	if (conf_parse_duration(p->tok[1].text, &s->drain_time_ms) < 0)
		return conf_terr(p, &p->tok[1],
				 "invalid duration '%s' (expected e.g. 100ms, 2s, "
				 "1m, 1h or seconds)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

static int sv_drain_file(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;

	if (conf_nargs(p, 1, 1, "path") < 0)
		return -1;
	if (!p->tok[1].len)
		return conf_terr(p, &p->tok[1], "empty drain-file path");
	s->drain_file = xstrdup(p->tok[1].text);
	return 0;
}

static int sv_flap_limit(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "count") < 0)
		return -1;
	if (conf_parse_u32(p->tok[1].text, 1000, &s->flap_limit) < 0)
		return conf_terr(p, &p->tok[1],
				 "invalid flap-limit '%s' (expected 0..1000, 0 for "
				 "no limit)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

static int sv_flap_window(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "duration") < 0)
		return -1;
	if (conf_parse_duration(p->tok[1].text, &s->flap_window_ms) < 0 || !s->flap_window_ms)
		return conf_terr(p, &p->tok[1],
				 "invalid flap-window '%s' (expected a duration "
				 "longer than 0, e.g. 1m)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

static int sv_drain_wait(struct conf_parser *p, void *obj)
{
	struct conf_service *s = ((struct conf_svc_ctx *)obj)->s;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "duration") < 0)
		return -1;
	if (conf_parse_duration(p->tok[1].text, &s->drain_wait_ms) < 0)
		return conf_terr(p, &p->tok[1],
				 "invalid drain-wait '%s' (expected a duration such as 20s, "
				 "or 0 for no wait)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

static int sv_shed(struct conf_parser *p, void *obj)
{
	return conf_parse_shed(p, ((struct conf_svc_ctx *)obj)->s);
}

static const struct conf_kw service_kw[] = {
	{ "prefix", sv_prefix, 1, 0 },
	{ "address", sv_address, 0, 0 },
	{ "check", sv_check, 1, 0 },
	{ "community", sv_community, 1, 0 },
	{ "large-community", sv_large_community, 1, 0 },
	{ "med", sv_med, 0, 0 },
	{ "prepend", sv_prepend, 0, 0 },
	{ "drain-time", sv_drain_time, 0, 0 },
	{ "drain-file", sv_drain_file, 0, 0 },
	{ "flap-limit", sv_flap_limit, 0, 0 },
	{ "flap-window", sv_flap_window, 0, 0 },
	{ "drain-wait", sv_drain_wait, 0, 0 },
	{ "shed", sv_shed, 1, 0 },
	{ "shed-rise", conf_sv_shed_rise, 0, 0 },
	{ "shed-fall", conf_sv_shed_fall, 0, 0 },
	{ "shed-hysteresis", conf_sv_shed_hysteresis, 0, 0 },
	{ "shed-hold", conf_sv_shed_hold, 0, 0 },
};

/* Service names show up in metrics labels, control commands and file names: keep them tame. */
static int valid_service_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return 0;
	return 1;
}

int conf_parse_service(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	struct conf_svc_ctx x = { .c = c };
	struct conf_service *s;
	const struct lex_tok *t = &p->tok[1];
	int line = p->tok[0].line, col = p->tok[0].col;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "service name") < 0)
		return -1;
	if (!valid_service_name(t->text))
		return conf_terr(p, t,
				 "invalid service name '%s' (1 to 63 letters, digits, '-', "
				 "'_' or '.')",
				 conf_show(t->text, b, sizeof(b)));
	for (size_t i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i].name, t->text) == 0)
			return conf_terr(p, t, "duplicate service '%s' (first at line %d)", t->text,
					 c->services[i].line);
	c->services = conf_grow(c->services, c->nservices, sizeof(*c->services));
	s = &c->services[c->nservices++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(t->text);
	s->drain_time_ms = 30000;
	s->flap_limit = 10;
	s->flap_window_ms = 60000;
	conf_shed_defaults(s);
	s->line = line;
	s->col = col;
	x.s = s;
	if (conf_expect_lbrace(p, "service") < 0)
		return -1;
	if (conf_parse_block(p, service_kw, sizeof(service_kw) / sizeof(service_kw[0]), &x,
			     "service", line) < 0)
		return -1;
	if (!s->nprefixes)
		return conf_perr(p, line, col, "service '%s' has no prefix", s->name);
	if (s->address.af) {
		struct prefix host = { .addr = s->address,
				       .len = s->address.af == AF_INET ? 32 : 128 };
		size_t i;
		char ab[ADDR_STRLEN];

		for (i = 0; i < s->nprefixes; i++)
			if (prefix_contains(&s->prefixes[i], &host))
				break;
		if (i == s->nprefixes)
			return conf_perr(p, x.address_at.line, x.address_at.col,
					 "address %s is not inside any prefix of service '%s'",
					 addr_fmt(&s->address, ab), s->name);
	}
	return 0;
}
