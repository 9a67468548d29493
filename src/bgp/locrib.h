/* The Loc-RIB side of the speaker's shared RIB (RFC 4271 3.2): when the paths of a prefix change,
 * run the decision process (decide.h) on it, tell the owner (best_changed: the kernel FIB), and
 * update every Established neighbour's Adj-RIB-Out (adjout.h).
 *
 * Why a file: it is the one step between the Adj-RIB-In (adjin.c, our own routes in speaker.c)
 * and the Adj-RIB-Out, so that both sides call down into it and nothing calls back up. */
#ifndef BGP_LOCRIB_H
#define BGP_LOCRIB_H

#include "bgp/rib.h"

struct bgp_speaker;

/* The RIB changed at pfx, whose node is n (NULL: the prefix left the RIB). */
void bgp_locrib_changed(struct bgp_speaker *sp, const struct prefix *pfx, struct rib_node *n);

#endif
