/* The BGP speaker: our identity, the neighbours, the listening sockets and the shared RIB (every
 * Adj-RIB-In and our own routes). It owns the neighbours and wires their layers together; each
 * layer calls only the ones to its right (A -> B: A's object uses B's symbols):
 *
 *   speaker.c -> adjin.c      -> locrib.c   -> adjout.c      -> session.c
 *                (Adj-RIB-In)    (decision)    (Adj-RIB-Out)    (FSM, TCP)
 *
 * and speaker.c also calls each of them directly. The session reports back only through the
 * struct bgp_session_ops the speaker gives it (on_established, on_down, the UPDATE and
 * ROUTE-REFRESH handlers in speaker.c). The layers use this struct's data (the RIB, the peers,
 * local_as, the flush timer) but none of this file's functions. */
#ifndef BGP_SPEAKER_H
#define BGP_SPEAKER_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ev.h"
#include "bgp/peer.h"
#include "bgp/rib.h"

struct vrp_table;

struct bgp_listener {
	int fd;
	struct addr addr;
	char ifname[16]; /* of a link-local address; "" otherwise */
};

struct bgp_speaker {
	struct ev_loop *loop;
	uint32_t local_as;
	uint32_t router_id; /* host order */
	uint16_t port;      /* 179; tests may change it */
	uint8_t transit;    /* router mode: re-advertise what neighbours send */
	uint32_t lp_customer, lp_peer, lp_provider; /* LOCAL_PREF by relation */
	uint8_t rfc8212;  /* router mode: eBGP without role or policy gets nothing (RFC 8212) */
	uint8_t gshut_on; /* received GRACEFUL_SHUTDOWN sets LOCAL_PREF gshut_lp (RFC 8326) */
	uint32_t gshut_lp;
	/* The VRPs routes are validated against (bgp/rov.h); NULL: none, all not-found. */
	const struct vrp_table *vrps;
	/* Called when the best path (or its ECMP set) of a prefix may have changed; n is NULL
	 * when the prefix left the RIB. For the kernel FIB. */
	void (*best_changed)(struct bgp_speaker *sp, const struct prefix *pfx,
			     const struct rib_node *n, void *arg);
	void *best_arg;
	/* Called when a neighbour reaches or leaves Established. */
	void (*peer_event)(struct bgp_speaker *sp, struct bgp_peer *p, int up, void *arg);
	void *peer_arg;
	struct bgp_peer **peers;
	size_t npeers;
	struct bgp_listener *listeners;
	size_t nlisteners;
	struct rib rib;
	struct ev_timer flush; /* batches exports made in one loop iteration */
	/* Work in steps, one per loop iteration without sleeping between them (ev_io_again on
	 * an eventfd nobody writes): the first export of a neighbour (adjout.c) and the removal
	 * of a session's paths (adjin.c). A layer with a step left asks
	 * bgp_speaker_want_steps(); the speaker then runs every neighbour's next step. */
	int steps_fd;
	uint8_t steps_asked;          /* ev_io_again(steps_fd) made and not yet run */
	struct ev_timer accept_pause; /* running while the listeners rest after EMFILE */
	uint64_t accept_starved_at;   /* last EMFILE (ms); one log line per episode */
	/* graceful restart (gr.h): our OPENs carry the Restart State bit while set; eor_event is
	 * called (with peer_arg) when a neighbour's End-of-RIB arrives */
	uint8_t gr_restarting;
	void (*eor_event)(struct bgp_speaker *sp, struct bgp_peer *p, void *arg);
	/* Optional filter of our own routes (anycastd's `shed ... withdraw-from`): 1 when the
	 * route for pfx is not to be sent to p. When its answer changes, the owner calls
	 * bgp_speaker_reexport. */
	int (*own_export_skip)(struct bgp_speaker *sp, const struct bgp_peer *p,
			       const struct prefix *pfx, void *arg);
	void *own_export_arg;
};

/* Asks for the next iteration's steps (see steps_fd). Once until they run: ev_io_again on a
 * descriptor already due in this iteration would move it to the next one, and a writable
 * callback asking every iteration would then put it off for ever. */
static inline void bgp_speaker_want_steps(struct bgp_speaker *sp)
{
	if (!sp->steps_asked) {
		sp->steps_asked = 1;
		ev_io_again(sp->loop, sp->steps_fd);
	}
}

struct bgp_speaker *bgp_speaker_new(struct ev_loop *loop, uint32_t local_as, uint32_t router_id);
/* Cease/Administrative Shutdown to every neighbour (with text), then frees everything. */
void bgp_speaker_free(struct bgp_speaker *sp, const char *text);
/* Makes the set of listening sockets equal addrs[0..n): opens new ones, closes dropped ones.
 * ifnames[i] is the interface of a link-local addrs[i] ("" otherwise); ifnames may be NULL.
 * Returns 0, or -1 with a message in err if one could not be opened. */
int bgp_speaker_listen(struct bgp_speaker *sp, const struct addr *addrs, const char (*ifnames)[16],
		       size_t n, char *err, size_t errlen);
/* The same in steps, for a reload that must change nothing when it fails: add opens the
 * addresses sp lacks (except those skip, a speaker being replaced, already has) and on failure
 * closes what it opened; prune closes the listeners not in addrs; move hands from's listeners
 * of addrs over to to. */
int bgp_speaker_listen_add(struct bgp_speaker *sp, const struct addr *addrs,
			   const char (*ifnames)[16], size_t n, const struct bgp_speaker *skip,
			   char *err, size_t errlen);
void bgp_speaker_listen_prune(struct bgp_speaker *sp, const struct addr *addrs,
			      const char (*ifnames)[16], size_t n);
void bgp_speaker_listen_move(struct bgp_speaker *to, struct bgp_speaker *from,
			     const struct addr *addrs, const char (*ifnames)[16], size_t n);
/* The neighbour at address a on interface ifname ("" for all but link-local neighbours), or
 * with ifname NULL the first at a on any interface. */
struct bgp_peer *bgp_speaker_find_peer(struct bgp_speaker *sp, const struct addr *a,
				       const char *ifname);
struct bgp_peer *bgp_speaker_add_peer(struct bgp_speaker *sp, const struct conf_neighbor *nc);
/* Stops the neighbour's session with Cease/cease_subcode and text, then forgets it. */
void bgp_speaker_remove_peer(struct bgp_speaker *sp, struct bgp_peer *p, uint8_t cease_subcode,
			     const char *text);

/* Our own routes (attrs without our AS: export prepends it). Re-run the decision for the prefix
 * and export the result. */
void bgp_speaker_originate(struct bgp_speaker *sp, const struct prefix *pfx,
			   const struct bgp_attrs *attrs);
void bgp_speaker_withdraw(struct bgp_speaker *sp, const struct prefix *pfx);
/* Exports pfx to every neighbour again (after own_export_skip changed its mind); only what
 * differs from what a neighbour was told is sent. */
void bgp_speaker_reexport(struct bgp_speaker *sp, const struct prefix *pfx);

/* Sends every queued UPDATE now and waits (briefly) until it is written to the sockets. */
void bgp_speaker_flush_now(struct bgp_speaker *sp);

#endif
