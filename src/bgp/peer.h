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
	uint8_t unanswered_warned;     /* connects unanswered since Established (sockopt.h) */
	uint64_t md5_drops;            /* passive with a password: the kernel's count, last seen */
	uint8_t refuse_inbound; /* this idle hold is a penalty: the neighbour must wait too */
	uint8_t held;           /* kept down by the owner: BFD says the path is down */
	/* negotiated, valid from OpenConfirm */
	uint16_t hold_time, keepalive_time;
	struct bgp_codec_ctx ctx;
	uint32_t remote_id; /* host order */
	uint8_t remote_role;
	uint64_t established_at; /* ms, ev_now */
	uint64_t updates_in, notifications_in, notifications_out, flaps;
	char last_error[200];
	/* our next hops towards it per family, learnt when it comes up (nexthop.h) */
	struct addr nh4, nh6, nh6_ll;

	/* the Adj-RIB-Out (adjout.c) */
	struct rib adj_out;     /* what we told this neighbour */
	struct prefix *pending; /* prefixes whose Adj-RIB-Out changed, to be sent */
	size_t npending, cappending;
	/* being sent: pending as it was taken, sorted by attributes; outq[outq_pos..noutq) are
	 * left while the output queue is full */
	struct prefix *outq;
	size_t noutq, outq_pos;
	uint8_t eor_sent;
	/* the first export walks the RIB a step per loop iteration (adjout.c): a full table in
	 * one go held the loop for hundreds of ms */
	uint8_t export_walking;
	size_t export_pos; /* the walk's next RIB bucket */
	uint64_t updates_out;
	uint64_t unencodable; /* routes withdrawn because no UPDATE could hold them */

	/* the Adj-RIB-In (adjin.c) */
	size_t n_paths;            /* paths from this neighbour in the RIB (received) */
	size_t n_accepted;         /* of those, the usable ones (not rejected) */
	uint8_t max_prefix_warned; /* warning-only: over the limit was logged */
	uint8_t max_prefix_hit;    /* the session ends for max-prefix: its restart rule applies */
	/* the paths of a session that ended leave the RIB a step per loop iteration (adjin.c) */
	uint8_t sweep_fams; /* families still being removed; 0: no sweep */
	size_t sweep_pos;   /* the sweep's next RIB bucket */

	int ifindex; /* the interface it is reached on; set by the owner */

	/* graceful restart and enhanced route refresh (gr.c, refresh.c) */
	uint8_t down_notified;    /* the session ended with a NOTIFICATION, either way */
	uint8_t gr_restarting;    /* our OPEN carries the Restart State bit (we restarted) */
	uint8_t gr_stale;         /* families (BGP_FAM_*) with stale paths awaiting End-of-RIB */
	uint8_t gr_peer_fams;     /* families its last OPEN's graceful restart capability listed */
	uint16_t gr_peer_time;    /* and its restart time, seconds */
	uint8_t eor_received;     /* families whose End-of-RIB came since Established */
	uint8_t rr_stale;         /* bit per family: an enhanced route refresh is in progress */
	uint8_t eorr_pending;     /* bit per family: send EoRR after the queued routes */
	struct ev_timer gr_timer; /* the neighbour's restart time, then the stale-path limit */
	uint64_t refreshes_out;   /* ROUTE-REFRESH messages sent */
};

#endif
