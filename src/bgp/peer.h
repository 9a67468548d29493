/* A BGP neighbour: its configuration, its session (the RFC 4271 section 8 FSM over one or, during
 * a collision, two TCP connections), its Adj-RIB-Out and its counters. */
#ifndef BGP_PEER_H
#define BGP_PEER_H

#include <stdint.h>

#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/ev.h"
#include "bgp/msg.h"
#include "bgp/rib.h"
#include "bgp/update.h"
#include "conf/conf.h"

struct bgp_speaker;

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
	int fd;                 /* -1: none */
	uint8_t outgoing;       /* we initiated it */
	uint8_t connecting;     /* non-blocking connect() in progress */
	enum bgp_state state;
	struct buf rbuf, wbuf;
	struct ev_timer hold, keepalive;
	struct bgp_open open;   /* the peer's OPEN, once received */
	uint8_t open_received;
	struct addr local;      /* our end of the connection */
};

struct bgp_peer {
	struct bgp_speaker *sp;
	struct conf_neighbor conf;      /* copy; description not kept */
	enum bgp_state state;
	struct bgp_conn *conn;          /* the session's connection, NULL if none */
	struct bgp_conn *conn2;         /* a second connection during a collision */
	struct ev_timer connect_retry;  /* ConnectRetryTimer */
	struct ev_timer idle_hold;      /* delay before an automatic restart after an error */
	uint32_t idle_hold_ms;          /* grows with consecutive failures */
	uint8_t admin_down;             /* stopped on purpose: no automatic restart */

	/* negotiated, valid from OpenConfirm */
	uint16_t hold_time, keepalive_time;
	struct bgp_codec_ctx ctx;
	uint32_t remote_id;             /* host order */
	uint8_t remote_role;

	struct rib adj_out;             /* what we told this neighbour */
	struct prefix *pending;         /* prefixes whose Adj-RIB-Out changed, to be sent */
	size_t npending, cappending;
	uint8_t eor_sent;

	uint64_t established_at;        /* ms, ev_now */
	int ifindex;                    /* the interface it is reached on; set by the owner */
	size_t n_paths;                 /* paths from this neighbour in the RIB (received) */
	size_t n_accepted;              /* of those, the usable ones (not rejected) */
	uint64_t updates_in, updates_out, notifications_in, notifications_out, flaps;
	char last_error[200];
};

const char *bgp_state_name(enum bgp_state s);

/* Creates a neighbour and starts it (Connect, or Active when passive). */
struct bgp_peer *bgp_peer_new(struct bgp_speaker *sp, const struct conf_neighbor *nc);
/* Sends Cease with subcode and text if a session is up, drops its routes, frees it. */
void bgp_peer_free(struct bgp_peer *p, uint8_t cease_subcode, const char *text);
/* Whether a new configuration of this neighbour needs the session reset. */
int bgp_peer_conf_differs(const struct bgp_peer *p, const struct conf_neighbor *nc);
/* Stops the session with a Cease (administrative), no restart. */
void bgp_peer_stop(struct bgp_peer *p, uint8_t cease_subcode, const char *text);
/* Drops the session at once without a NOTIFICATION (e.g. its link went down); it restarts
 * after the idle hold time. */
void bgp_peer_reset(struct bgp_peer *p, const char *why);
/* A TCP connection accepted for this neighbour. */
void bgp_peer_accept(struct bgp_peer *p, int fd);
/* Queues a prefix to be sent again as Adj-RIB-Out says (route refresh). */
void bgp_peer_queue(struct bgp_peer *p, const struct prefix *pfx);
/* Queues an Adj-RIB-Out change of p's prefix and sends it soon. */
void bgp_peer_export(struct bgp_peer *p, const struct rib_node *n);
/* Writes what the connection's buffer holds, without blocking. */
void bgp_conn_send(struct bgp_conn *c);
/* Sends the queued Adj-RIB-Out changes (the speaker calls it once per loop iteration). */
void bgp_peer_send_pending(struct bgp_peer *p);
/* Writes what is queued, blocking at most timeout_ms in all (used at shutdown). */
void bgp_peer_flush_sync(struct bgp_peer *p, int timeout_ms);

#endif
