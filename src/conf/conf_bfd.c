/* anycastd.conf: the BFD keywords of a neighbor block (bfd, bfd-interval, bfd-multiplier).
 * Their meaning is in anycastd.conf(5); the daemon runs the sessions (src/daemon/bfd.c). */
#include "conf/conf.h"

#include "conf/conf_int.h"
#include "conf/lexer.h"

/* Below 10 ms the event loop's millisecond clock cannot keep the jitter of RFC 5880 6.8.7;
 * above a minute BFD has nothing to add to the BGP hold timer. */
#define BFD_INTERVAL_MIN_MS 10
#define BFD_INTERVAL_MAX_MS 60000

void conf_bfd_defaults(struct conf_neighbor *n)
{
	n->bfd_interval_ms = CONF_DEFAULT_BFD_INTERVAL_MS;
	n->bfd_mult = CONF_DEFAULT_BFD_MULT;
}

int conf_nb_bfd(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf_neighbor *)obj)->bfd);
}

int conf_nb_bfd_interval(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	const struct lex_tok *t = &p->tok[1];
	char b[CONF_SHOW_LEN];
	uint32_t ms;

	if (conf_nargs(p, 1, 1, "duration") < 0)
		return -1;
	if (conf_parse_duration(t->text, &ms) < 0 || ms < BFD_INTERVAL_MIN_MS ||
	    ms > BFD_INTERVAL_MAX_MS)
		return conf_terr(p, t, "invalid bfd-interval '%s' (expected 10ms..60s)",
				 conf_show(t->text, b, sizeof(b)));
	n->bfd_interval_ms = ms;
	return 0;
}

int conf_nb_bfd_multiplier(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	const struct lex_tok *t = &p->tok[1];
	char b[CONF_SHOW_LEN];
	uint32_t v;

	if (conf_nargs(p, 1, 1, "number") < 0)
		return -1;
	/* The wire field is one byte; 0 is invalid (RFC 5880 6.8.6). */
	if (conf_parse_u32(t->text, 255, &v) < 0 || v == 0)
		return conf_terr(p, t, "invalid bfd-multiplier '%s' (expected 1..255)",
				 conf_show(t->text, b, sizeof(b)));
	n->bfd_mult = (uint8_t)v;
	return 0;
}
