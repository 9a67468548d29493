/* The Loc-RIB: the decision and its consequences for one prefix (see locrib.h). */
#include "bgp/locrib.h"

#include "bgp/adjout.h"
#include "bgp/decide.h"
#include "bgp/speaker.h"

void bgp_locrib_changed(struct bgp_speaker *sp, const struct prefix *pfx, struct rib_node *n)
{
	if (n)
		bgp_decide(sp, n);
	if (sp->best_changed)
		sp->best_changed(sp, pfx, n, sp->best_arg);
	for (size_t i = 0; i < sp->npeers; i++) {
		struct bgp_peer *p = sp->peers[i];

		if (p->state != BGP_ESTABLISHED)
			continue;
		if (n) {
			bgp_adjout_export(p, n);
		} else {
			/* The prefix is gone from the RIB altogether: an empty node exports as a
			 * withdrawal of whatever we had said. */
			struct rib_node gone = { .pfx = *pfx };

			bgp_adjout_export(p, &gone);
		}
	}
}
