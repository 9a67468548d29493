/* Graceful restart (RFC 4724) of a neighbour, in both roles, per neighbour with
 * `graceful-restart yes`.
 *
 * Helper: when the session of a neighbour that sent the capability ends without a NOTIFICATION
 * (its process died, the TCP connection broke), its paths of the families it listed stay in the
 * RIB, marked RIB_PATH_STALE, still selected and still forwarding, for its restart time. When it
 * comes back, families without the F bit (forwarding not kept) lose them at once; the others are
 * replaced as it re-announces and the rest go at its End-of-RIB, or when our own restart time
 * passes (the limit on waiting for End-of-RIB).
 *
 * Restarting speaker: our OPEN carries the capability with our restart time and the F bit (the
 * daemon keeps the kernel routes over a restart, see daemon/fib_gr.c), and the Restart State
 * bit while sp->gr_restarting; End-of-RIB goes out after the initial table (adjout.c).
 *
 * Why a file: the speaker's session ops call it at three moments (down, up, End-of-RIB); the
 * timer and the stale bookkeeping are this concept's alone. */
#ifndef BGP_GR_H
#define BGP_GR_H

#include <stdint.h>

#include "bgp/peer.h"

/* Before the neighbour is used (its timer) and before it is freed (stops the timer, drops what
 * is still stale). */
void bgp_gr_init(struct bgp_peer *p);
void bgp_gr_forget(struct bgp_peer *p);
/* The session left Established. Returns the families whose paths were kept stale; the caller
 * removes the rest (bgp_adjin_clear_fams). */
uint8_t bgp_gr_down(struct bgp_peer *p);
/* The session reached Established with the OPEN in p->conn. */
void bgp_gr_up(struct bgp_peer *p);
/* End-of-RIB received for afi. */
void bgp_gr_eor(struct bgp_peer *p, uint16_t afi);

#endif
