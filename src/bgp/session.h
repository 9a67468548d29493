/* The BGP session: the RFC 4271 section 8 finite state machine of one neighbour, its timers and
 * its TCP connections (one, or two while a collision is resolved).
 *
 * Why a layer of its own: the FSM knows messages, timers and sockets, not routes. What a
 * session brings and needs in routing terms it hands to its owner through struct
 * bgp_session_ops (established, down, a received UPDATE, a ROUTE-REFRESH); it never calls
 * up. The layers above (adjin.h, adjout.h, the speaker) call down into it: adjout appends
 * UPDATEs to p->conn->wbuf and calls bgp_session_send(). So the FSM is tested with a fake
 * clock, a socket and test ops, without a speaker or a RIB (tests/unit/test_session.c). */
#ifndef BGP_SESSION_H
#define BGP_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/ev.h"
#include "bgp/msg.h"
#include "bgp/update.h"
#include "conf/conf.h"

struct bgp_peer;

enum bgp_state {
	BGP_IDLE,
	BGP_CONNECT,
	BGP_ACTIVE,
	BGP_OPENSENT,
	BGP_OPENCONFIRM,
	BGP_ESTABLISHED,
};

/* One TCP connection and its progress through OpenSent/OpenConfirm/Established. */
struct bgp_conn {
	struct bgp_peer *peer;
	int fd;             /* -1: none */
	uint8_t outgoing;   /* we initiated it */
	uint8_t connecting; /* non-blocking connect() in progress */
	enum bgp_state state;
	struct buf rbuf, wbuf;
	size_t whead; /* bytes of wbuf's first message not yet written (sendq.h) */
	struct ev_timer hold, keepalive;
	struct ev_timer acked;     /* OpenConfirm: waits for our KEEPALIVE to be acknowledged */
	struct ev_timer send_hold; /* RFC 9687: runs while wbuf holds what the socket refuses */
	uint8_t want_writable;     /* the owner has more to say: tell it when wbuf runs low */
	struct bgp_open open;      /* the peer's OPEN, once received */
	uint8_t open_received;
	uint8_t keepalive_received; /* in OpenConfirm, while ours is not yet acknowledged */
	struct addr local;          /* our end of the connection */
};

/* What a session tells its owner. Each op gets the neighbour; p->env.owner is the owner's. */
struct bgp_session_ops {
	/* The session reached Established: send it routes. */
	void (*established)(struct bgp_peer *p);
	/* The session left Established (p->state is already Idle): forget what it brought and
	 * what it was told. Not called for a session that never got there. */
	void (*down)(struct bgp_peer *p);
	/* An UPDATE received in Established, decoded (RFC 7606: u->treat_as_withdraw set where
	 * the announced prefixes are to be withdrawn). Returns 0, or -1 with e set to end the
	 * session with that NOTIFICATION (e.g. max-prefix). */
	int (*update)(struct bgp_peer *p, struct bgp_update *u, struct bgp_err *e);
	/* A ROUTE-REFRESH (RFC 2918) for afi/safi: send that family's Adj-RIB-Out again. */
	void (*refresh)(struct bgp_peer *p, uint16_t afi, uint8_t safi);
	/* The output queue fell below BGP_SENDQ_LOW after bgp_session_want_writable(p, 1): the
	 * owner may append more. May be NULL. */
	void (*writable)(struct bgp_peer *p);
	/* RFC 7313: the neighbour begins (end 0, BoRR) or ends (end 1, EoRR) re-sending the
	 * family afi. May be NULL. */
	void (*rr_mark)(struct bgp_peer *p, uint16_t afi, int end);
};

/* What a session needs from whoever runs it; copied into the neighbour. */
struct bgp_session_env {
	struct ev_loop *loop;
	uint32_t local_as;
	uint32_t router_id; /* host order */
	uint16_t port;      /* the neighbours' BGP port: 179 (tests use another) */
	const struct bgp_session_ops *ops;
	void *owner; /* for the ops: the speaker, or a test */
};

const char *bgp_state_name(enum bgp_state s);
/* The neighbour's address, for log lines (a static buffer: one use per statement). */
const char *bgp_session_name(const struct bgp_peer *p);

/* Creates a neighbour and starts its session (Connect, or Active when passive). */
struct bgp_peer *bgp_session_new(const struct bgp_session_env *env, const struct conf_neighbor *nc);
/* Stops the session with a Cease (administrative) if one is up; no automatic restart.
 * cease_subcode 0: the connection just closes, no NOTIFICATION (a graceful restart, RFC 4724). */
void bgp_session_stop(struct bgp_peer *p, uint8_t cease_subcode, const char *text);
/* Frees a stopped neighbour; the owner has freed what it keeps in it (adj_out, pending). */
void bgp_session_free(struct bgp_peer *p);
/* Whether a new configuration of this neighbour needs the session reset. */
int bgp_session_conf_differs(const struct bgp_peer *p, const struct conf_neighbor *nc);
/* Drops the session at once without a NOTIFICATION (e.g. its link went down); it restarts
 * after the idle hold time. */
void bgp_session_reset(struct bgp_peer *p, const char *why);
/* held: the path is down (BFD, RFC 5882 section 4.3): the session is dropped now without a
 * NOTIFICATION, and neither connects nor accepts until released; released, it starts at once. */
void bgp_session_hold(struct bgp_peer *p, int held, const char *why);
/* A TCP connection accepted for this neighbour. Refused (Cease/Connection Rejected) while the
 * neighbour waits out a penalty: a backoff past its first second, or a max-prefix restart. */
void bgp_session_accept(struct bgp_peer *p, int fd);
/* Sends NOTIFICATION Cease/cease_subcode on a connection not taken (without blocking), closes it. */
void bgp_session_refuse(int fd, uint8_t cease_subcode);
/* Writes what p->conn->wbuf holds (messages the layers above appended), without blocking. */
void bgp_session_send(struct bgp_peer *p);
/* Bytes queued for the session's connection and not yet taken by the socket. */
size_t bgp_session_queued(const struct bgp_peer *p);
/* Whether the output queue is over BGP_SENDQ_HIGH: the owner should stop appending UPDATEs,
 * ask bgp_session_want_writable(p, 1) and go on when the writable op comes. */
int bgp_session_congested(const struct bgp_peer *p);
void bgp_session_want_writable(struct bgp_peer *p, int on);
/* Writes what is queued, blocking at most timeout_ms in all (used at shutdown). */
void bgp_session_flush_sync(struct bgp_peer *p, int timeout_ms);

#endif
