/* Import policy and business relations (RFC 9234 roles, Gao-Rexford preferences). */
#ifndef BGP_POLICY_H
#define BGP_POLICY_H

#include <stdint.h>

#include "bgp/attr.h"
#include "conf/conf.h"

struct bgp_speaker;
struct bgp_peer;

/* What a neighbour is to us. */
enum bgp_rel { BGP_REL_NONE, BGP_REL_CUSTOMER, BGP_REL_PEER, BGP_REL_PROVIDER };

enum bgp_rel bgp_peer_rel(const struct bgp_peer *p);
const char *bgp_rel_name(enum bgp_rel r);
/* An empty list allows everything. */
int bgp_prefix_allowed(const struct conf_prefix_filter *f, size_t n, const struct prefix *pfx);
/* Applies import policy to the attributes of an UPDATE from p (LOCAL_PREF by relation, OTC
 * added on routes from providers and peers) and returns the RIB_PATH_* flags that reject it
 * (AS loop, route leak), 0 when usable. */
uint8_t bgp_import_attrs(struct bgp_speaker *sp, struct bgp_peer *p, struct bgp_attrs *a);

#endif
