/* The Adj-RIB-Out of a neighbour: what we told it (p->adj_out), and the changes not yet sent
 * (p->pending). Each change is queued per prefix and sent once per loop iteration, packed into
 * as few UPDATEs as the attribute sets allow, appended to the session's connection and
 * written with bgp_session_send(). The connection's queue is bounded (sendq.h): what does not
 * fit waits here as prefixes, never as encoded bytes.
 *
 * Why a layer: it sits on the session (it needs only the connection's buffer and negotiated
 * codec context) and below the Loc-RIB, which tells it what changed. */
#ifndef BGP_ADJOUT_H
#define BGP_ADJOUT_H

#include "bgp/peer.h"
#include "bgp/rib.h"

/* The session reached Established: sends everything the speaker's RIB holds that is
 * exportable to p, then End-of-RIB (even with nothing to say). The RIB is walked a step per
 * loop iteration (and only while little is left unsent), so a full table never holds the
 * loop; what changes meanwhile is exported as it changes. */
void bgp_adjout_start(struct bgp_peer *p);
/* The walk's next step (the speaker's steps_fd runs it while p->export_walking). */
void bgp_adjout_walk_step(struct bgp_peer *p);
/* Re-evaluates node n of the RIB for p and queues the change if what p should hear differs;
 * n NULL only schedules the send. A no-op unless p is Established. */
void bgp_adjout_export(struct bgp_peer *p, const struct rib_node *n);
/* ROUTE-REFRESH: queues every prefix of the family again (AFI; one SAFI, unicast). */
void bgp_adjout_refresh(struct bgp_peer *p, uint16_t afi);
/* Sends the queued changes (the speaker calls it once per loop iteration, and when the session
 * reports room again): as much as the session's bounded output queue takes, the rest later. */
void bgp_adjout_send_pending(struct bgp_peer *p);
/* The session went down: forgets what p was told. */
void bgp_adjout_reset(struct bgp_peer *p);
/* Frees what the Adj-RIB-Out holds, before the neighbour goes. */
void bgp_adjout_free(struct bgp_peer *p);

#endif
