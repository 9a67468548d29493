/* The decision process (RFC 4271 9.1.2): which path of a prefix is the best, and which are as
 * good up to the tie-breaks (ECMP). Alone in its header because it is the one rule set read
 * and tested beside the RFC, step by step. */
#ifndef BGP_DECIDE_H
#define BGP_DECIDE_H

#include "bgp/rib.h"

struct bgp_speaker;

/* Marks the best path of a node (and its ECMP set). Returns the best path or NULL. */
struct rib_path *bgp_decide(struct bgp_speaker *sp, struct rib_node *n);

#endif
