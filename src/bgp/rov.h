/* Route origin validation in the speaker (RFC 6811): every neighbour's path carries its state
 * (valid, invalid, not-found) against the speaker's VRP table, and the neighbour's `rov` policy
 * decides what an invalid path becomes: rejected (kept in the RIB, never selected, as with
 * soft-reconfiguration inbound, so that it comes back when a ROA makes it valid), ranked
 * below valid ones by the decision process (prefer-valid, decide.c), or only tagged.
 *
 * Why apart from adjin.c: the same judgement runs at import and again, without any UPDATE,
 * when the VRP set or the policy changes. */
#ifndef BGP_ROV_H
#define BGP_ROV_H

#include <stddef.h>

#include "bgp/peer.h"
#include "rpki/vrp.h"

/* RFC 6811 section 2: the last AS of the AS_PATH's final segment when it is an AS_SEQUENCE,
 * ROV_ORIGIN_NONE when it is an AS_SET, and local_as when the path has no segment outside a
 * confederation (a route of our own AS). */
uint32_t bgp_rov_origin(const struct bgp_attrs *a, uint32_t local_as);
/* The state of a route for pfx with attributes a against sp->vrps (not-found without VRPs). */
enum rov_state bgp_rov_state(const struct bgp_speaker *sp, const struct prefix *pfx,
			     const struct bgp_attrs *a);
/* The RIB_PATH_* flags p's policy gives a path in state s (reject-invalid: rejected). */
uint8_t bgp_rov_flags(const struct bgp_peer *p, enum rov_state s);
/* Judges again the neighbours' paths of every prefix that a VRP prefix in changed covers
 * (changed NULL: every prefix), only those from only when it is not NULL (its policy
 * changed); updates their state, flags and counters, and re-decides and exports each
 * prefix where one of them changed. No session is touched. Returns the prefixes re-decided. */
size_t bgp_rov_revalidate(struct bgp_speaker *sp, const struct vrp_table *changed,
			  const struct bgp_peer *only);

#endif
