/* Route refresh in both directions (RFC 2918, enhanced: RFC 7313).
 *
 * Asking: a neighbour whose import policy changed on reload (import-prefix, local-pref) is sent
 * ROUTE-REFRESH instead of having its session reset; one whose export policy changed
 * (export-prefix, prepend) is simply told the difference. Answering: a request is answered with
 * the family's Adj-RIB-Out, between BoRR and EoRR when the neighbour can take them. Receiving
 * BoRR marks the neighbour's paths of the family stale; EoRR removes those not re-announced.
 *
 * Why a file: the speaker wires these to the session ops and the daemon's reload calls
 * bgp_refresh_reconf(); the Adj-RIBs only see the marks and queues they already have. */
#ifndef BGP_REFRESH_H
#define BGP_REFRESH_H

#include <stdint.h>

#include "bgp/peer.h"

/* A new configuration nc of neighbour p: if it differs from the running one only in policy
 * that a refresh can apply (and the neighbour takes ROUTE-REFRESH when it is up), applies it,
 * asks for or re-sends the routes, and returns 1. Returns 0 when the session must be reset. */
int bgp_refresh_reconf(struct bgp_peer *p, const struct conf_neighbor *nc);
/* The session op for a received request: re-send the family afi. */
void bgp_refresh_answer(struct bgp_peer *p, uint16_t afi, uint8_t safi);
/* The session op for a received BoRR (end 0) or EoRR (end 1). */
void bgp_refresh_mark(struct bgp_peer *p, uint16_t afi, int end);

#endif
