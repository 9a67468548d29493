/* anycastd.conf: the graceful restart keywords of a neighbor block (RFC 4724):
 * `graceful-restart yes|no` and `graceful-restart-time SECONDS|DURATION`. Their meaning is in
 * anycastd.conf(5). */
#include "conf/conf.h"

#include "conf/conf_int.h"

int conf_nb_graceful_restart(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf_neighbor *)obj)->graceful_restart);
}

/* The restart time goes into a 12-bit field of the capability: 1..4095 seconds. */
int conf_nb_gr_time(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	char b[CONF_SHOW_LEN];
	uint32_t ms;

	if (conf_nargs(p, 1, 1, "duration") < 0)
		return -1;
	if (conf_parse_duration(p->tok[1].text, &ms) < 0 || ms < 1000 || ms > 4095 * 1000u ||
	    ms % 1000 != 0)
		return conf_terr(p, &p->tok[1],
				 "invalid graceful-restart-time '%s' (expected 1..4095 seconds)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	n->gr_time = (uint16_t)(ms / 1000);
	return 0;
}
