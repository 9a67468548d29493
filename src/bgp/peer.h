/* A BGP neighbour: the one record its layers share, each keeping its own part in it. The
 * session FSM (session.h) owns the connections, timers and negotiated parameters; the
 * Adj-RIB-In (adjin.h) its received counters; the Adj-RIB-Out (adjout.h) what we told it. Kept
 * as one struct because show, metrics and the FIB read across all of it; only the functions
 * are split, each in the header of its layer. */
#ifndef BGP_PEER_H
#define BGP_PEER_H

#include <stdint.h>

#include "bgp/rib.h"
#include "bgp/session.h"
#include "bgp/update.h"
#include "conf/conf.h"

struct bgp_speaker;

struct bgp_peer {
	/* its speaker, for import, decision and export; the session never reads it (NULL in FSM
	 * tests) */
	struct bgp_speaker *sp;
	struct bgp_session_env env; /* loop, identity, ops: what the session reports to */
	struct conf_neighbor conf;  /* copy; description not kept */

	/* the session (session.c) */
	enum bgp_state state;
	struct bgp_conn *conn;         /* the session's connection, NULL if none */
	struct bgp_conn *conn2;        /* a second connection during a collision */
	struct ev_timer connect_retry; /* ConnectRetryTimer */
	struct ev_timer idle_hold;     /* delay before an automatic restart after an error */
	uint32_t idle_hold_ms;         /* grows with consecutive failures */
	uint8_t admin_down;            /* stopped on purpose: no automatic restart */
	uint8_t held;                  /* kept down by the owner: BFD says the path is down */
	/* negotiated, valid from OpenConfirm */
	uint16_t hold_time, keepalive_time;
	struct bgp_codec_ctx ctx;
	uint32_t remote_id; /* host order */
	uint8_t remote_role;
	uint64_t established_at; /* ms, ev_now */
	uint64_t updates_in, notifications_in, notifications_out, flaps;
	char last_error[200];

	/* the Adj-RIB-Out (adjout.c) */
	struct rib adj_out;     /* what we told this neighbour */
	struct prefix *pending; /* prefixes whose Adj-RIB-Out changed, to be sent */
	size_t npending, cappending;
	uint8_t eor_sent;
	uint64_t updates_out;

	/* the Adj-RIB-In (adjin.c) */
	size_t n_paths;    /* paths from this neighbour in the RIB (received) */
	size_t n_accepted; /* of those, the usable ones (not rejected) */

	int ifindex; /* the interface it is reached on; set by the owner */
};

#endif
