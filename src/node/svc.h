/* Services: the prefixes a site announces while the service is healthy. */
#ifndef NODE_SVC_H
#define NODE_SVC_H

#include <stdint.h>

#include "bgp/attr.h"
#include "conf/conf.h"

enum svc_state { SVC_DOWN, SVC_UP, SVC_DRAINING };

struct svc {
	char *name;
	struct conf_service conf;       /* shallow copy of the daemon's current configuration */
	enum svc_state state;
	const struct bgp_attrs *attrs;  /* interned: what the prefixes are announced with */
};

const char *svc_state_name(enum svc_state s);
/* The attribute set a service's prefixes are originated with: ORIGIN IGP, an AS path of
 * `prepend` copies of local_as (export adds one more towards eBGP neighbours), MED,
 * communities and large communities. Interned; the caller owns one reference. */
const struct bgp_attrs *svc_attrs(const struct conf_service *cs, uint32_t local_as);

#endif
