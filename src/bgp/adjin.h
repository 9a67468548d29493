/* The Adj-RIB-In: what a received UPDATE does to the RIB. Its prefixes are checked against the
 * negotiated families and the neighbour's import allow-list, its attributes go through import
 * policy (policy.h), each prefix's path from this neighbour is added, replaced or withdrawn in
 * the speaker's shared RIB, and every prefix that changed goes to the Loc-RIB (locrib.h) to be
 * decided and exported. Also keeps the neighbour's received/accepted counters and max-prefix.
 *
 * Why apart from the session: the FSM hands the decoded UPDATE over (session.h's update op)
 * and never touches a RIB; this is the routing half, called by the speaker that wires it. */
#ifndef BGP_ADJIN_H
#define BGP_ADJIN_H

#include "bgp/msg.h"
#include "bgp/peer.h"
#include "bgp/update.h"

/* Applies a decoded UPDATE from p (RFC 7606 treat-as-withdraw honoured). u->attrs is used as
 * scratch. Returns 0, or -1 with e set when the neighbour now exceeds its max-prefix
 * (RFC 4486 Cease 1): the session is to end with that NOTIFICATION. */
int bgp_adjin_update(struct bgp_peer *p, struct bgp_update *u, struct bgp_err *e);
/* The neighbour goes: removes every path from p and re-decides each prefix, now (stops a
 * sweep). */
void bgp_adjin_clear(struct bgp_peer *p);

/* Families as bits, for graceful restart and route refresh: */
#define BGP_FAM_IPV4 1
#define BGP_FAM_IPV6 2
#define BGP_FAM_ALL 3
uint8_t bgp_fam_of_afi(uint16_t afi); /* 0 for an AFI we do not carry */
/* Removes p's paths of the families fams (only those marked RIB_PATH_STALE if only_stale) and
 * re-decides each prefix; returns how many went. */
size_t bgp_adjin_clear_fams(struct bgp_peer *p, uint8_t fams, int only_stale);
/* Marks p's paths of the families fams RIB_PATH_STALE: a re-announcement clears the mark. The
 * decision ignores it (RFC 4724 sec 4.2: stale routes keep forwarding). Returns how many. */
size_t bgp_adjin_mark_stale(struct bgp_peer *p, uint8_t fams);
/* The session went down: p's paths of the families fams leave the RIB a step per loop
 * iteration (a full table at once held the loop for hundreds of ms), each prefix re-decided
 * and exported as its path goes. Until then they stay as they were. The speaker runs the
 * steps (its steps_fd): bgp_adjin_sweep_step returns 1 while more are left. */
void bgp_adjin_sweep(struct bgp_peer *p, uint8_t fams);
int bgp_adjin_sweep_step(struct bgp_peer *p);
/* Completes a sweep under way now: before a new session of p brings paths a sweep would
 * take for old ones, and before paths are marked stale. */
void bgp_adjin_sweep_finish(struct bgp_peer *p);

#endif
