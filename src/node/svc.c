/* Services: the prefixes a site announces while the service is healthy. */
#include "node/svc.h"

const char *svc_state_name(enum svc_state s)
{
	switch (s) {
	case SVC_UP: return "up";
	case SVC_DRAINING: return "draining";
	case SVC_DOWN: break;
	}
	return "down";
}

const struct bgp_attrs *svc_attrs(const struct conf_service *cs, uint32_t local_as)
{
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	a.has |= BGP_AH_ORIGIN | BGP_AH_AS_PATH;
	a.origin = 0;   /* IGP */
	if (cs->prepend)
		bgp_attrs_prepend(&a, local_as, cs->prepend);
	if (cs->has_med) {
		a.has |= BGP_AH_MED;
		a.med = cs->med;
	}
	for (size_t i = 0; i < cs->ncomms; i++)
		bgp_attrs_add_comm(&a, cs->comms[i]);
	for (size_t i = 0; i < cs->nlcomms; i++)
		bgp_attrs_add_lcomm(&a, cs->lcomms[i][0], cs->lcomms[i][1], cs->lcomms[i][2]);
	const struct bgp_attrs *out = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return out;
}
