/* anycastd.conf: what a neighbour may cost us, in a neighbor block. max-prefix bounds what it
 * may make us hold, send-hold-time how long it may leave what we send unread (RFC 9687). Their
 * meaning is in anycastd.conf(5). */
#include <string.h>

#include "conf/conf.h"
#include "conf/conf_int.h"
#include "conf/lexer.h"

static int bad_duration(struct conf_parser *p, const struct lex_tok *t)
{
	char b[CONF_SHOW_LEN];

	return conf_terr(p, t, "invalid duration '%s' (expected e.g. 100ms, 2s, 1m, 1h or seconds)",
			 conf_show(t->text, b, sizeof(b)));
}

/* "max-prefix N [restart DURATION | warning-only]" */
int conf_nb_max_prefix(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	char b[CONF_SHOW_LEN];
	uint32_t v;

	if (conf_nargs(p, 1, 3, "number") < 0)
		return -1;
	if (conf_parse_u32(p->tok[1].text, UINT32_MAX, &v) < 0 || v < 1)
		return conf_terr(p, &p->tok[1], "invalid max-prefix '%s' (expected 1..%u)",
				 conf_show(p->tok[1].text, b, sizeof(b)), UINT32_MAX);
	n->max_prefix = v;
	n->max_prefix_restart_ms = 0;
	n->max_prefix_warn_only = 0;
	if (p->ntok == 2)
		return 0;
	const struct lex_tok *t = &p->tok[2];

	if (strcmp(t->text, "warning-only") == 0 && p->ntok == 3) {
		n->max_prefix_warn_only = 1;
		return 0;
	}
	if (strcmp(t->text, "restart") == 0) {
		if (p->ntok != 4)
			return conf_terr(p, t, "'restart' needs a duration (e.g. restart 1m)");
		if (conf_parse_duration(p->tok[3].text, &n->max_prefix_restart_ms) < 0 ||
		    n->max_prefix_restart_ms == 0)
			return bad_duration(p, &p->tok[3]);
		return 0;
	}
	return conf_terr(p, t,
			 "unexpected '%s' after max-prefix %u (expected restart DURATION "
			 "or warning-only)",
			 conf_show(t->text, b, sizeof(b)), v);
}

/* "send-hold-time DURATION" */
int conf_nb_send_hold_time(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "duration") < 0)
		return -1;
	if (conf_parse_duration(p->tok[1].text, &n->send_hold_ms) < 0 || n->send_hold_ms < 1000)
		return conf_terr(p, &p->tok[1], "invalid send-hold-time '%s' (expected 1s or more)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}
