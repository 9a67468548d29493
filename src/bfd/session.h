/* One BFD session: the RFC 5880 asynchronous-mode state machine (sections 6.2, 6.8) of one
 * neighbour, with its transmit and detection timers on the event loop.
 *
 * Why a layer of its own: the FSM knows packets and timers, not sockets nor BGP. It hands the
 * bytes to send to its owner (ops->send) and tells it when the path came up or went down
 * (ops->up, ops->down); the socket layer demultiplexes received packets by discriminator and
 * calls bfd_session_input() with packets that passed bfd_pkt_decode(). So two sessions can be
 * wired back to back in one process with a fake clock (tests/unit/test_bfd.c).
 *
 * Timers follow the RFC: the transmit interval is the slower of our DesiredMinTx and the
 * peer's RequiredMinRx, jittered to 75-100% (75-90% with a multiplier of 1, 6.8.7); at least
 * 1 s while not Up (6.8.3); the detection time is the peer's multiplier times the slower of
 * our RequiredMinRx and its DesiredMinTx; a change of our timers while Up runs a Poll
 * sequence, and the new values take effect locally when its Final arrives. */
#ifndef BFD_SESSION_H
#define BFD_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/ev.h"
#include "bfd/packet.h"

struct bfd_session;

struct bfd_session_ops {
	/* Sends one Control packet (len bytes) to the neighbour; errors are the owner's to count. */
	void (*send)(struct bfd_session *s, const uint8_t *pkt, size_t len);
	/* The session reached Up: the path works both ways. */
	void (*up)(struct bfd_session *s);
	/* The session left Up (s->diag says why: detection time expired, neighbour down, ...).
	 * With s->remote_state AdminDown the peer turned BFD off: RFC 5882 section 3.2 says not
	 * to take the client (BGP) down for that. Neither op may free the session. */
	void (*down)(struct bfd_session *s);
};

/* Timer parameters, in milliseconds as configured (`bfd-interval`, `bfd-multiplier`). */
struct bfd_timers {
	uint32_t min_tx_ms; /* DesiredMinTxInterval */
	uint32_t min_rx_ms; /* RequiredMinRxInterval */
	uint8_t mult;       /* DetectMult, >= 1 */
};

/* The session, read-only outside session.c. Intervals in microseconds as on the wire. */
struct bfd_session {
	struct ev_loop *loop;
	const struct bfd_session_ops *ops;
	void *owner;

	enum bfd_state state, remote_state;
	enum bfd_diag diag; /* ours, sent in every packet */
	uint32_t local_disc, remote_disc;
	struct bfd_timers conf; /* what the owner asked for */
	/* Sent in our packets: conf, but DesiredMinTx at least 1 s while not Up. */
	uint32_t adv_tx_us, adv_rx_us;
	/* Used for our own timers: the advertised values once the peer acknowledged them (Final). */
	uint32_t act_tx_us, act_rx_us;
	/* The peer's last packet. */
	uint32_t remote_tx_us, remote_rx_us;
	uint8_t remote_mult;
	uint8_t polling;    /* a Poll sequence is in progress: P bit on what we send */
	uint8_t poll_again; /* the timers changed again during it */

	struct ev_timer tx, detect;
	uint32_t rand; /* xorshift state for the jitter */
	uint64_t sent, received, flaps;
};

/* A session in Down, transmitting. local_disc: nonzero, unique among the owner's sessions. */
struct bfd_session *bfd_session_new(struct ev_loop *loop, const struct bfd_session_ops *ops,
				    void *owner, uint32_t local_disc, const struct bfd_timers *t);
void bfd_session_free(struct bfd_session *s);
/* A received packet that passed bfd_pkt_decode() and belongs to this session (section 6.8.6
 * from "If bfd.RemoteDiscr..." on). */
/* Returns BFD_OK, or BFD_ERR_DISC when the packet names another session (not acted on). */
enum bfd_err bfd_session_input(struct bfd_session *s, const struct bfd_pkt *p);
/* New timers; while Up they take effect through a Poll sequence. */
void bfd_session_set_timers(struct bfd_session *s, const struct bfd_timers *t);
/* AdminDown (on) or back to Down (off): the peer is told, and does not count it as a failure. */
void bfd_session_admin(struct bfd_session *s, int down);
/* The current transmit interval before jitter, and the detection time, in ms. */
uint32_t bfd_session_tx_interval_ms(const struct bfd_session *s);
uint32_t bfd_session_detect_ms(const struct bfd_session *s);

#endif
