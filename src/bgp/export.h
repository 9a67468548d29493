/* Export policy: what one neighbour is told about a prefix (RFC 4271 9.1.3 and 5.1, RFC 9234
 * section 5, Gao-Rexford export rules, allow-lists). A pure function of the best path and the
 * neighbour, so the Adj-RIB-Out (adjout.h) only compares its answer with what it said before. */
#ifndef BGP_EXPORT_H
#define BGP_EXPORT_H

#include "bgp/rib.h"

struct bgp_speaker;
struct bgp_peer;

/* The attributes this neighbour should get for this node's best path, interned (the caller
 * drops the reference), or NULL for nothing (a withdrawal if something was said). */
const struct bgp_attrs *bgp_export_attrs(struct bgp_speaker *sp, struct bgp_peer *p,
					 const struct rib_node *n);

#endif
