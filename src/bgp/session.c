/* The BGP session: RFC 4271 section 8 finite state machine, its timers, and message I/O. What
 * it learns in routing terms goes to its owner through p->env.ops (see session.h).
 *
 * A neighbour has at most two TCP connections at once: the session's own (peer->conn) and,
 * while a connection collision is being resolved (section 6.8), a second one (peer->conn2).
 * Each connection goes Connect -> OpenSent -> OpenConfirm -> Established on its own; the
 * neighbour's state is that of its session connection, or Idle/Connect/Active without one. */
#include "bgp/peer.h"
#include "bgp/sendq.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/sockopt.h"
#include "lib/clock.h"
#include "bgp/capa.h"
#include "bgp/nexthop.h"
#include "lib/log.h"

#define CONNECT_RETRY_MS 5000     /* RFC 4271 suggests 120 s; anycast wants fast recovery */
#define OPEN_HOLD_MS (240 * 1000) /* hold timer while waiting for OPEN (section 8.2.2) */
#define IDLE_HOLD_MIN_MS 1000
#define IDLE_HOLD_MAX_MS 60000
#define STABLE_MS 60000 /* a session up this long resets the restart backoff */
/* RFC 9687: the send hold time when none is configured, at least twice the hold time */
#define SEND_HOLD_DEFAULT_MS (8 * 60 * 1000)
/* Work per wakeup of one connection: at most this many messages or this long, whichever comes
 * first. Shorter slices cost import speed (each wakeup has its overhead: 4 ms made a full
 * table 1.5 times slower in bench/fulltable); 10 ms kept the longest loop iteration near 25 ms
 * during a 1M-route import (bench/RESULTS.md). */
#define READ_BUDGET_MSGS 1024
#define READ_BUDGET_US 10000

const char *bgp_state_name(enum bgp_state s)
{
	static const char *const names[] = { "Idle",     "Connect",     "Active",
					     "OpenSent", "OpenConfirm", "Established" };
	return s <= BGP_ESTABLISHED ? names[s] : "?";
}

const char *bgp_session_name(const struct bgp_peer *p)
{
	static char buf[ADDR_STRLEN];

	return addr_fmt(&p->conf.addr, buf);
}

static void conn_io(int fd, uint32_t events, void *arg);
static void flush_sync_conn(struct bgp_conn *c, int timeout_ms);
static void peer_start(struct bgp_peer *p);
static void peer_down(struct bgp_peer *p, const char *why);

/* ---- connections ---- */

static void hold_expired(struct ev_timer *t, void *arg);
static void keepalive_due(struct ev_timer *t, void *arg);
static void acked_poll(struct ev_timer *t, void *arg);
static void send_hold_expired(struct ev_timer *t, void *arg);

static struct bgp_conn *conn_new(struct bgp_peer *p, int fd, int outgoing)
{
	struct bgp_conn *c = xcalloc(1, sizeof(*c));

	c->peer = p;
	c->fd = fd;
	c->outgoing = (uint8_t)outgoing;
	c->state = BGP_CONNECT;
	buf_init(&c->rbuf);
	buf_init(&c->wbuf);
	ev_timer_init(&c->hold, hold_expired, c);
	ev_timer_init(&c->keepalive, keepalive_due, c);
	ev_timer_init(&c->acked, acked_poll, c);
	ev_timer_init(&c->send_hold, send_hold_expired, c);
	return c;
}

static void conn_free(struct bgp_conn *c)
{
	if (!c)
		return;
	struct ev_loop *l = c->peer->env.loop;

	if (c->fd >= 0) {
		ev_io_del(l, c->fd);
		close(c->fd);
	}
	ev_timer_stop(l, &c->hold);
	ev_timer_stop(l, &c->keepalive);
	ev_timer_stop(l, &c->acked);
	ev_timer_stop(l, &c->send_hold);
	buf_free(&c->rbuf);
	buf_free(&c->wbuf);
	free(c);
}

static uint64_t send_hold_ms(const struct bgp_conn *c)
{
	const struct bgp_peer *p = c->peer;
	uint64_t hold = c->open_received ? p->hold_time : p->conf.hold_time;

	if (p->conf.send_hold_ms)
		return p->conf.send_hold_ms;
	return 2 * hold * 1000 > SEND_HOLD_DEFAULT_MS ? 2 * hold * 1000 : SEND_HOLD_DEFAULT_MS;
}

/* Writes what the buffer holds without blocking; EPOLLOUT while anything is left (or the
 * owner waits for room). A write error drops the data: the read side then sees the error and
 * closes the connection. The send hold timer runs while data waits and restarts whenever the
 * socket takes some. */
static void conn_flush(struct bgp_conn *c)
{
	struct ev_loop *l = c->peer->env.loop;
	ssize_t n = bgp_sendq_write(c->fd, &c->wbuf, &c->whead);

	if (n < 0) {
		buf_reset(&c->wbuf);
		c->whead = 0;
	}
	if (buf_pending(&c->wbuf) == 0)
		ev_timer_stop(l, &c->send_hold);
	else if (n > 0 || !ev_timer_active(&c->send_hold))
		ev_timer_start(l, &c->send_hold, send_hold_ms(c));
	ev_io_mod(l, c->fd,
		  EPOLLIN | (buf_pending(&c->wbuf) || c->want_writable ? (uint32_t)EPOLLOUT : 0));
}

size_t bgp_session_queued(const struct bgp_peer *p)
{
	return p->conn ? buf_pending(&p->conn->wbuf) : 0;
}

int bgp_session_congested(const struct bgp_peer *p)
{
	return bgp_session_queued(p) >= BGP_SENDQ_HIGH;
}

void bgp_session_want_writable(struct bgp_peer *p, int on)
{
	if (p->conn)
		p->conn->want_writable = (uint8_t)on;
}

void bgp_session_send(struct bgp_peer *p) { conn_flush(p->conn); }

static void send_open(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp_caps caps = { 0 };
	unsigned fam = bgp_peer_families(p);

	caps.mp_ipv4 = (fam & CONF_FAM_IPV4) != 0;
	caps.mp_ipv6 = (fam & CONF_FAM_IPV6) != 0;
	caps.ext_nh4 = caps.mp_ipv4 && p->conf.addr.af == AF_INET6 && p->conf.ext_nexthop;
	caps.mp_any = 1;
	caps.route_refresh = 1;
	caps.as4 = 1;
	caps.as4_asn = p->env.local_as;
	caps.role = p->conf.role;
	caps.enhanced_refresh = 1;
	if (p->conf.graceful_restart) {
		/* F bit: with graceful restart on we never flush the forwarding state at start, so
		 * it survives every restart (see gr.h). */
		caps.gr = 1;
		caps.gr_time = p->conf.gr_time;
		/* N bit (RFC 8538): a NOTIFICATION other than Hard Reset keeps routes too. */
		caps.gr_flags = (p->gr_restarting ? BGP_GR_FLAG_R : 0) | BGP_GR_FLAG_N;
		caps.gr_af[0] = caps.mp_ipv4 ? BGP_GR_AF_PRESENT | BGP_GR_AF_FORWARDING : 0;
		caps.gr_af[1] = caps.mp_ipv6 ? BGP_GR_AF_PRESENT | BGP_GR_AF_FORWARDING : 0;
	}
	bgp_open_encode(&c->wbuf, p->env.local_as, p->conf.hold_time, p->env.router_id, &caps);
	conn_flush(c);
}

/* RFC 8538: both OPENs of this Established connection carried the N bit (ours does whenever
 * graceful restart is on): a NOTIFICATION then ends the session as gracefully as a TCP loss,
 * unless it is a Hard Reset. */
static int gr_notification(const struct bgp_conn *c)
{
	return c->state == BGP_ESTABLISHED && c->peer->conf.graceful_restart && c->open_received &&
	       c->open.caps.gr && (c->open.caps.gr_flags & BGP_GR_FLAG_N);
}

/* RFC 8538 sec 5: the Cease subcodes sent as Hard Reset (their routes must go): Maximum
 * Number of Prefixes, Administrative Shutdown, Peer De-configured, and Administrative Reset
 * (left to the implementation: ours come from an operator clearing the session). The others
 * (Connection Rejected, Other Configuration Change, Collision, Out of Resources, BFD Down) keep
 * graceful restart. */
static int hard_cease(uint8_t code, uint8_t subcode)
{
	static const uint8_t hard[] = { BGP_CEASE_MAX_PREFIX, BGP_CEASE_ADMIN_SHUTDOWN,
					BGP_CEASE_PEER_DECONF, BGP_CEASE_ADMIN_RESET,
					BGP_CEASE_HARD_RESET };

	if (code != BGP_ERR_CEASE)
		return 0;
	for (size_t i = 0; i < sizeof(hard); i++)
		if (hard[i] == subcode)
			return 1;
	return 0;
}

/* Whether the end of c's session by a NOTIFICATION (code/subcode, sent or received) forbids
 * graceful restart: always without the N bit (RFC 4724 sec 4.2), only a Hard Reset with it. */
static int notification_ends_gr(const struct bgp_conn *c, int hard)
{
	return !gr_notification(c) || hard;
}

static void send_notification(struct bgp_conn *c, uint8_t code, uint8_t subcode, const void *data,
			      size_t len, const char *why)
{
	struct bgp_peer *p = c->peer;
	int hard = gr_notification(c) && hard_cease(code, subcode);

	log_warn("neighbor %s: sent NOTIFICATION %u/%u (%s)%s: %s", bgp_session_name(p), code,
		 subcode, bgp_err_subcode_name(code, subcode), hard ? " as Hard Reset" : "", why);
	snprintf(p->last_error, sizeof(p->last_error), "sent %s: %s",
		 bgp_err_subcode_name(code, subcode), why);
	if (hard && subcode != BGP_CEASE_HARD_RESET)
		bgp_hard_reset_encode(&c->wbuf, code, subcode, data, len);
	else
		bgp_notification_encode(&c->wbuf, code, subcode, data, len);
	p->notifications_out++;
	p->down_notified = (uint8_t)notification_ends_gr(c, hard);
	conn_flush(c);
}

/* Drops a connection; if it was the session's, the neighbour goes Idle and restarts later. */
static void conn_drop(struct bgp_conn *c, const char *why)
{
	struct bgp_peer *p = c->peer;

	if (c == p->conn2) {
		p->conn2 = NULL;
		conn_free(c);
		return;
	}
	p->conn = NULL;
	conn_free(c);
	/* A second connection still negotiating becomes the session's. */
	if (p->conn2) {
		p->conn = p->conn2;
		p->conn2 = NULL;
		p->state = p->conn->state;
		return;
	}
	peer_down(p, why);
}

/* A protocol error: NOTIFICATION, then the connection goes. Returns -1 for callers to stop. */
static int conn_error(struct bgp_conn *c, const struct bgp_err *e)
{
	send_notification(c, e->code, e->subcode, e->data, e->datalen, e->reason);
	conn_drop(c, e->reason);
	return -1;
}

static int fsm_error(struct bgp_conn *c, uint8_t type)
{
	struct bgp_err e;
	/* RFC 6608 subcodes: 1 in OpenSent, 2 in OpenConfirm, 3 in Established */
	uint8_t sub = c->state == BGP_OPENSENT      ? 1
		      : c->state == BGP_OPENCONFIRM ? 2
		      : c->state == BGP_ESTABLISHED ? 3
						    : 0;

	bgp_err_set(&e, BGP_ERR_FSM, sub, NULL, 0, "unexpected message type %u in %s", type,
		    bgp_state_name(c->state));
	return conn_error(c, &e);
}

static void hold_expired(struct ev_timer *t, void *arg)
{
	struct bgp_conn *c = arg;
	struct bgp_err e;

	/* Before Established, the neighbour's segments arrive but ours may be dropped there. */
	bgp_err_set(&e, BGP_ERR_HOLD, 0, NULL, 0, "hold timer expired in %s%s",
		    bgp_state_name(c->state),
		    c->state < BGP_ESTABLISHED ? bgp_sockopt_hint(c->peer) : "");
	conn_error(c, &e);
}

/* RFC 9687: the neighbour has taken nothing for the send hold time. Its queue goes, and with it
 * the connection; the NOTIFICATION goes out only where it can be written whole. */
static void send_hold_expired(struct ev_timer *t, void *arg)
{
	struct bgp_conn *c = arg;
	struct bgp_peer *p = c->peer;
	struct buf msg;
	char why[160];

	snprintf(why, sizeof(why),
		 "send hold timer expired: nothing written for %llu ms, %zu bytes queued",
		 (unsigned long long)send_hold_ms(c), buf_pending(&c->wbuf));
	log_warn("neighbor %s: %s", bgp_session_name(p), why);
	buf_init(&msg);
	bgp_notification_encode(&msg, BGP_ERR_SEND_HOLD, 0, NULL, 0);
	if (bgp_sendq_last_words(c->fd, &c->wbuf, c->whead, &msg) == 0)
		p->notifications_out++;
	buf_free(&msg);
	snprintf(p->last_error, sizeof(p->last_error), "%s", why);
	conn_drop(c, why);
}

static void keepalive_due(struct ev_timer *t, void *arg)
{
	struct bgp_conn *c = arg;
	struct bgp_peer *p = c->peer;

	bgp_keepalive_encode(&c->wbuf);
	conn_flush(c);
	if (p->keepalive_time)
		ev_timer_start(p->env.loop, &c->keepalive, (uint64_t)p->keepalive_time * 1000);
}

static void hold_restart(struct bgp_conn *c)
{
	if (c->peer->hold_time)
		ev_timer_start(c->peer->env.loop, &c->hold, (uint64_t)c->peer->hold_time * 1000);
}

static void set_state(struct bgp_conn *c, enum bgp_state s)
{
	struct bgp_peer *p = c->peer;

	c->state = s;
	if (c != p->conn)
		return;
	if (p->state != s)
		log_debug("neighbor %s: %s -> %s", bgp_session_name(p), bgp_state_name(p->state),
			  bgp_state_name(s));
	p->state = s;
}

/* The TCP connection is up: send OPEN and wait for the neighbour's (section 8.2.2). */
static void conn_opened(struct bgp_conn *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct bgp_peer *p = c->peer;

	c->connecting = 0;
	if (getsockname(c->fd, (struct sockaddr *)&ss, &sl) == 0)
		addr_from_sa((struct sockaddr *)&ss, &c->local, NULL);
	int one = 1;

	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (c == p->conn)
		ev_timer_stop(p->env.loop, &p->connect_retry);
	send_open(c);
	set_state(c, BGP_OPENSENT);
	ev_timer_start(p->env.loop, &c->hold, OPEN_HOLD_MS);
}

/* ---- connection collision (section 6.8) ---- */

/* Both connections exist and one has the neighbour's OPEN, hence its BGP identifier: keep the
 * connection initiated by the speaker with the higher identifier, close the other with Cease. */
static void resolve_collision(struct bgp_peer *p, uint32_t remote_id)
{
	struct bgp_conn *a = p->conn, *b = p->conn2, *loser;

	if (!a || !b)
		return;
	if (a->outgoing == b->outgoing)
		loser = a; /* the neighbour reconnected: the older one is stale */
	else {
		int keep_outgoing = p->env.router_id > remote_id;

		loser = a->outgoing == keep_outgoing ? b : a;
	}
	struct bgp_err e;

	bgp_err_set(&e, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0,
		    "connection collision, closing the %s connection",
		    loser->outgoing ? "outgoing" : "incoming");
	conn_error(loser, &e);
}

/* ---- receiving ---- */

static int role_pair_ok(uint8_t ours, uint8_t theirs)
{
	switch (ours) {
	case BGP_ROLE_PROVIDER: return theirs == BGP_ROLE_CUSTOMER;
	case BGP_ROLE_CUSTOMER: return theirs == BGP_ROLE_PROVIDER;
	case BGP_ROLE_RS: return theirs == BGP_ROLE_RS_CLIENT;
	case BGP_ROLE_RS_CLIENT: return theirs == BGP_ROLE_RS;
	case BGP_ROLE_PEER: return theirs == BGP_ROLE_PEER;
	}
	return 0;
}

static int recv_open(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	struct bgp_err e;
	struct bgp_open o;

	if (c->state != BGP_OPENSENT)
		return fsm_error(c, BGP_OPEN);
	if (bgp_open_decode(body, len, &o, &e) < 0)
		return conn_error(c, &e);
	if (o.asn != p->conf.remote_as) {
		uint8_t d[2];

		put16(d, o.my_as);
		bgp_err_set(&e, BGP_ERR_OPEN, BGP_ERR_OPEN_PEER_AS, d, 2, "peer AS %u, expected %u",
			    o.asn, p->conf.remote_as);
		return conn_error(c, &e);
	}
	uint32_t rid = o.bgp_id;

	/* RFC 6286: the identifier must differ from ours inside an AS. */
	if (rid == p->env.router_id && o.asn == p->env.local_as) {
		bgp_err_set(&e, BGP_ERR_OPEN, BGP_ERR_OPEN_BGPID, NULL, 0,
			    "BGP identifier equals ours");
		return conn_error(c, &e);
	}
	/* RFC 9234 section 4.2: roles present on both sides must be a matching pair. */
	if (p->conf.role != BGP_ROLE_NONE && o.caps.role != BGP_ROLE_NONE &&
	    !role_pair_ok(p->conf.role, o.caps.role)) {
		bgp_err_set(&e, BGP_ERR_OPEN, BGP_ERR_OPEN_ROLE, NULL, 0,
			    "role mismatch: ours %u, theirs %u", p->conf.role, o.caps.role);
		return conn_error(c, &e);
	}
	c->open = o;
	c->open_received = 1;
	if (p->conn && p->conn2) {
		resolve_collision(p, rid);
		/* If this connection lost, it is gone; the other one goes on. */
		if (p->conn != c && p->conn2 != c)
			return -1;
	}
	/* The collision is resolved: this connection is now the session's. */
	if (c == p->conn2) {
		p->conn = c;
		p->conn2 = NULL;
	}
	p->remote_id = rid;
	p->remote_role = o.caps.role;
	p->hold_time = o.hold_time < p->conf.hold_time ? o.hold_time : p->conf.hold_time;
	p->keepalive_time = p->hold_time / 3;
	memset(&p->ctx, 0, sizeof(p->ctx));
	p->ctx.as4 = o.caps.as4;
	p->ctx.local_as = p->env.local_as;
	p->ctx.peer_as = p->conf.remote_as;
	p->ctx.ebgp = p->env.local_as != p->conf.remote_as;
	if (o.caps.mp_any) {
		unsigned fam = bgp_peer_families(p);

		p->ctx.mp_ipv4 = o.caps.mp_ipv4 && (fam & CONF_FAM_IPV4);
		p->ctx.mp_ipv6 = o.caps.mp_ipv6 && (fam & CONF_FAM_IPV6);
		p->ctx.ext_nh4 = p->ctx.mp_ipv4 && o.caps.ext_nh4 && p->conf.addr.af == AF_INET6 &&
				 p->conf.ext_nexthop;
	} else {
		p->ctx.mp_ipv4 = 1; /* RFC 4760: no capability means IPv4 unicast only */
	}
	bgp_keepalive_encode(&c->wbuf);
	conn_flush(c);
	set_state(c, BGP_OPENCONFIRM);
	ev_timer_stop(p->env.loop, &c->hold);
	hold_restart(c);
	if (p->keepalive_time)
		ev_timer_start(p->env.loop, &c->keepalive, (uint64_t)p->keepalive_time * 1000);
	return 0;
}

static void established(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	char la[ADDR_STRLEN];

	set_state(c, BGP_ESTABLISHED);
	p->down_notified = 0;
	p->established_at = ev_now(p->env.loop);
	p->unanswered_warned = 0;
	bgp_nexthop_learn(p, &c->local);
	p->last_error[0] = 0;
	log_info("neighbor %s: session established (AS %u, hold %us, local %s%s)",
		 bgp_session_name(p), p->conf.remote_as, p->hold_time, addr_fmt(&c->local, la),
		 p->ctx.as4 ? "" : ", 2-octet AS peer");
	p->env.ops->established(p);
}

#define ACKED_POLL_MS 20

/* The neighbour's KEEPALIVE came in OpenConfirm: Established once it has acknowledged ours
 * too (sockopt.h, bgp_sockopt_unacked); until then, or until the hold timer, OpenConfirm. */
static void acked_poll(struct ev_timer *t, void *arg)
{
	struct bgp_conn *c = arg;

	if (c->state != BGP_OPENCONFIRM)
		return;
	if (bgp_sockopt_unacked(c->fd) > 0) {
		ev_timer_start(c->peer->env.loop, &c->acked, ACKED_POLL_MS);
		return;
	}
	established(c);
}

static int recv_update(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	struct bgp_update u;
	struct bgp_err e;

	if (c->state != BGP_ESTABLISHED)
		return fsm_error(c, BGP_UPDATE);
	p->updates_in++;
	if (bgp_update_decode(body, len, &p->ctx, &u, &e) < 0) {
		bgp_update_free(&u);
		return conn_error(c, &e);
	}
	if (u.warn[0])
		log_warn("neighbor %s: UPDATE %s%s", bgp_session_name(p),
			 u.treat_as_withdraw ? "treat-as-withdraw: " : "", u.warn);
	int r = p->env.ops->update(p, &u, &e);

	bgp_update_free(&u);
	return r < 0 ? conn_error(c, &e) : 0;
}

static int recv_notification(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	struct bgp_notification n;
	char why[640], inner[120] = ""; /* why holds a 255-byte shutdown message, and the rest */

	p->notifications_in++;
	bgp_notification_decode(body, len, &n);
	p->down_notified = (uint8_t)notification_ends_gr(c, n.hard_reset);
	if (n.hard_reset && (n.inner_code != n.code || n.inner_subcode != n.subcode))
		snprintf(inner, sizeof(inner), " for %u/%u (%s)", n.inner_code, n.inner_subcode,
			 bgp_err_subcode_name(n.inner_code, n.inner_subcode));
	snprintf(why, sizeof(why), "received NOTIFICATION %u/%u (%s)%s%s%s%s%s", n.code, n.subcode,
		 bgp_err_subcode_name(n.code, n.subcode), inner, n.shutdown_msg[0] ? ": \"" : "",
		 n.shutdown_msg, n.shutdown_msg[0] ? "\"" : "",
		 p->down_notified ? "" : " (graceful restart, RFC 8538)");
	log_warn("neighbor %s: %s", bgp_session_name(p), why);
	size_t wl = strlen(why);

	if (wl >= sizeof(p->last_error))
		wl = sizeof(p->last_error) - 1;
	memcpy(p->last_error, why, wl);
	p->last_error[wl] = 0;
	conn_drop(c, why);
	return -1;
}

static int recv_refresh(struct bgp_conn *c, const uint8_t *body, size_t len)
{
	struct bgp_peer *p = c->peer;
	uint16_t afi;
	uint8_t safi, sub;
	struct bgp_err e;

	if (c->state != BGP_ESTABLISHED)
		return fsm_error(c, BGP_ROUTE_REFRESH);
	if (bgp_refresh_decode_sub(body, len, &afi, &sub, &safi, &e) < 0)
		return conn_error(c, &e);
	if (sub == BGP_RR_REQUEST) {
		log_info("neighbor %s: route refresh requested (AFI %u SAFI %u)",
			 bgp_session_name(p), afi, safi);
		p->env.ops->refresh(p, afi, safi);
	} else if ((sub == BGP_RR_BORR || sub == BGP_RR_EORR) && p->env.ops->rr_mark) {
		log_debug("neighbor %s: %s (AFI %u SAFI %u)", bgp_session_name(p),
			  sub == BGP_RR_BORR ? "BoRR" : "EoRR", afi, safi);
		p->env.ops->rr_mark(p, afi, sub == BGP_RR_EORR);
	} /* other subtypes are ignored (RFC 7313 sec 5) */
	return 0;
}

/* Dispatches one message. Returns -1 if the connection is gone. */
static int recv_msg(struct bgp_conn *c, uint8_t type, const uint8_t *body, size_t len)
{
	/* Only an Established neighbour sends UPDATEs: it has had our KEEPALIVE. */
	if (type == BGP_UPDATE && c->state == BGP_OPENCONFIRM && c->keepalive_received &&
	    c == c->peer->conn) {
		ev_timer_stop(c->peer->env.loop, &c->acked);
		established(c);
	}
	if (c->state == BGP_ESTABLISHED || c->state == BGP_OPENCONFIRM)
		hold_restart(c);
	switch (type) {
	case BGP_OPEN: return recv_open(c, body, len);
	case BGP_UPDATE: return recv_update(c, body, len);
	case BGP_NOTIFICATION: return recv_notification(c, body, len);
	case BGP_KEEPALIVE:
		if (c->state == BGP_OPENCONFIRM) {
			if (c != c->peer->conn)
				return 0; /* wait for the collision to resolve */
			c->keepalive_received = 1;
			acked_poll(&c->acked, c);
			return 0;
		}
		if (c->state != BGP_ESTABLISHED)
			return fsm_error(c, type);
		return 0;
	case BGP_ROUTE_REFRESH: return recv_refresh(c, body, len);
	}
	return 0;
}

/* Parses the whole messages in the read buffer and reads more, until the socket is empty or
 * this wakeup's budget is spent: then the rest waits for the next iteration (ev_io_again), so
 * a neighbour sending a full table cannot hold up timers, checks and the other sockets. */
static void conn_read(struct bgp_conn *c)
{
	int64_t deadline = clk_now_us() + READ_BUDGET_US;
	int msgs = 0;

	for (;;) {
		for (;;) {
			uint16_t mlen;
			uint8_t type;
			struct bgp_err e;
			int r = bgp_hdr_check(c->rbuf.data + c->rbuf.off, buf_pending(&c->rbuf),
					      &mlen, &type, &e);

			if (r < 0) {
				conn_error(c, &e);
				return;
			}
			if (r == 0 || buf_pending(&c->rbuf) < mlen)
				break;
			if (msgs >= READ_BUDGET_MSGS || clk_now_us() >= deadline) {
				ev_io_again(c->peer->env.loop, c->fd);
				return;
			}
			const uint8_t *msg = c->rbuf.data + c->rbuf.off;

			msgs++;
			if (recv_msg(c, type, msg + BGP_HDR_LEN, mlen - BGP_HDR_LEN) < 0)
				return;
			buf_consume(&c->rbuf, mlen);
		}
		if (c->rbuf.off > 0 && c->rbuf.off == c->rbuf.len)
			buf_reset(&c->rbuf);
		buf_reserve(&c->rbuf, BGP_MAX_LEN * 16);
		ssize_t n = recv(c->fd, c->rbuf.data + c->rbuf.len, c->rbuf.cap - c->rbuf.len,
				 MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			char why[120];

			snprintf(why, sizeof(why), "connection %s",
				 n == 0 ? "closed by the neighbour" : strerror(errno));
			if (c->state == BGP_ESTABLISHED || c->state == BGP_OPENCONFIRM)
				log_warn("neighbor %s: %s", bgp_session_name(c->peer), why);
			conn_drop(c, why);
			return;
		}
		c->rbuf.len += (size_t)n;
	}
}

static void conn_io(int fd, uint32_t events, void *arg)
{
	struct bgp_conn *c = arg;

	if (c->connecting) {
		int err = 0;
		socklen_t sl = sizeof(err);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		if (err) {
			struct bgp_peer *p = c->peer;

			log_debug("neighbor %s: connect: %s", bgp_session_name(p), strerror(err));
			snprintf(p->last_error, sizeof(p->last_error), "connect: %s",
				 strerror(err));
			/* Active: wait for ConnectRetry, or for the neighbour to connect. */
			p->conn = NULL;
			conn_free(c);
			p->state = BGP_ACTIVE;
			return;
		}
		conn_opened(c);
		return;
	}
	if (events & EPOLLOUT) {
		struct bgp_peer *p = c->peer;

		conn_flush(c);
		if (c->want_writable && c == p->conn && c->state == BGP_ESTABLISHED &&
		    buf_pending(&c->wbuf) < BGP_SENDQ_LOW && p->env.ops->writable)
			p->env.ops->writable(p);
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		conn_read(c);
}

/* ---- starting and stopping ---- */

static void start_connect(struct bgp_peer *p)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = socket(p->conf.addr.af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	ev_timer_start(p->env.loop, &p->connect_retry, CONNECT_RETRY_MS);
	if (fd < 0) {
		log_warn("neighbor %s: socket: %s", bgp_session_name(p), strerror(errno));
		p->state = BGP_ACTIVE;
		return;
	}
	if (bgp_sockopt_connect(fd, p) < 0) {
		snprintf(p->last_error, sizeof(p->last_error), "cannot set the TCP-MD5 key");
		close(fd);
		p->state = BGP_ACTIVE;
		return;
	}
	if (addr_is_set(&p->conf.local_addr)) {
		int one = 1;

		/* The address may not be up yet (IPv6 DAD); bind anyway, connect will tell. */
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
		sl = addr_to_sa(&p->conf.local_addr, 0, &ss);
		bgp_sa_scope(&ss, p->conf.ifname);
		if (bind(fd, (struct sockaddr *)&ss, sl) < 0) {
			log_warn("neighbor %s: bind: %s", bgp_session_name(p), strerror(errno));
			close(fd);
			p->state = BGP_ACTIVE;
			return;
		}
	}
	struct bgp_conn *c = conn_new(p, fd, 1);

	p->conn = c;
	p->state = BGP_CONNECT;
	ev_io_add(p->env.loop, fd, EPOLLOUT | EPOLLIN, conn_io, c);
	sl = addr_to_sa(&p->conf.addr, p->env.port, &ss);
	if (bgp_sa_scope(&ss, p->conf.ifname) < 0) {
		snprintf(p->last_error, sizeof(p->last_error), "interface %s: %s", p->conf.ifname,
			 strerror(errno));
		log_warn("neighbor %s: %s", bgp_session_name(p), p->last_error);
		p->conn = NULL;
		conn_free(c);
		p->state = BGP_ACTIVE;
		return;
	}
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0) {
		conn_opened(c);
		return;
	}
	if (errno == EINPROGRESS) {
		c->connecting = 1;
		return;
	}
	log_debug("neighbor %s: connect: %s", bgp_session_name(p), strerror(errno));
	snprintf(p->last_error, sizeof(p->last_error), "connect: %s", strerror(errno));
	p->conn = NULL;
	conn_free(c);
	p->state = BGP_ACTIVE;
}

/* No SYN-ACK for a whole ConnectRetry interval: the neighbour is down, filtered, or drops
 * our segments on purpose (TCP-MD5, GTSM). Said once per outage at warning level: the kernel
 * says nothing, and a stale "Connection refused" must not stand for it. */
static void connect_unanswered(struct bgp_peer *p)
{
	snprintf(p->last_error, sizeof(p->last_error), "connect: no answer within %us%s",
		 CONNECT_RETRY_MS / 1000,
		 p->conf.password[0]    ? " (TCP-MD5 password mismatch?)"
		 : p->conf.ttl_security ? " (GTSM mismatch?)"
					: "");
	if (p->unanswered_warned++) {
		log_debug("neighbor %s: %s", bgp_session_name(p), p->last_error);
		return;
	}
	log_warn("neighbor %s: TCP connection not answered within %us%s", bgp_session_name(p),
		 CONNECT_RETRY_MS / 1000, bgp_sockopt_hint(p));
}

/* A passive neighbour with a password: every ConnectRetry interval without a connection,
 * see whether the kernel dropped segments for their TCP-MD5 signature meanwhile. */
static void passive_watch(struct bgp_peer *p)
{
	uint64_t n = bgp_sockopt_md5_drops();

	ev_timer_start(p->env.loop, &p->connect_retry, CONNECT_RETRY_MS);
	if (p->state == BGP_ACTIVE && !p->conn && n > p->md5_drops) {
		snprintf(p->last_error, sizeof(p->last_error),
			 "no connection; the kernel dropped %llu segments for their TCP-MD5 "
			 "signature",
			 (unsigned long long)(n - p->md5_drops));
		if (!p->unanswered_warned++)
			log_warn("neighbor %s: passive and not connected, while the kernel dropped "
				 "%llu TCP segments for a wrong or missing TCP-MD5 signature: if "
				 "they are this neighbour's, its password differs or is missing",
				 bgp_session_name(p), (unsigned long long)(n - p->md5_drops));
	}
	p->md5_drops = n;
}

static void connect_retry_expired(struct ev_timer *t, void *arg)
{
	struct bgp_peer *p = arg;

	if (p->conf.passive) {
		passive_watch(p);
		return;
	}
	/* Section 8.2.2: in Connect or Active, drop any attempt and try again. */
	if (p->state != BGP_CONNECT && p->state != BGP_ACTIVE)
		return;
	if (p->conn && p->conn->connecting)
		connect_unanswered(p);
	if (p->conn) {
		conn_free(p->conn);
		p->conn = NULL;
	}
	start_connect(p);
}

static void idle_hold_expired(struct ev_timer *t, void *arg) { peer_start(arg); }

static void peer_start(struct bgp_peer *p)
{
	p->admin_down = 0;
	if (p->held)
		return;
	if (p->conf.passive) {
		p->state = BGP_ACTIVE;
		if (p->conf.password[0]) {
			p->md5_drops = bgp_sockopt_md5_drops();
			ev_timer_start(p->env.loop, &p->connect_retry, CONNECT_RETRY_MS);
		}
		return;
	}
	start_connect(p);
}

/* The session is gone: drop what it brought, then restart after the idle hold time. */
static void peer_down(struct bgp_peer *p, const char *why)
{
	struct ev_loop *l = p->env.loop;
	int was_up = p->state == BGP_ESTABLISHED;

	if (was_up) {
		log_warn("neighbor %s: session down: %s", bgp_session_name(p), why);
		p->flaps++;
		if (ev_now(l) - p->established_at >= STABLE_MS)
			p->idle_hold_ms = 0;
	}
	p->state = BGP_IDLE;
	p->established_at = 0;
	ev_timer_stop(l, &p->connect_retry);
	if (was_up)
		p->env.ops->down(p);
	if (p->admin_down)
		return;
	/* Back off on repeated failures (RFC 4271 8.1.1 DampPeerOscillations), or wait what a
	 * max-prefix restart says. Past the first second, or after max-prefix, it is a penalty:
	 * the neighbour's own connections are refused until it ends (bgp_session_accept). */
	p->idle_hold_ms = p->idle_hold_ms ? p->idle_hold_ms * 2 : IDLE_HOLD_MIN_MS;
	if (p->idle_hold_ms > IDLE_HOLD_MAX_MS)
		p->idle_hold_ms = IDLE_HOLD_MAX_MS;
	uint32_t hold = p->idle_hold_ms;

	p->refuse_inbound = hold > IDLE_HOLD_MIN_MS || p->max_prefix_hit;
	if (p->max_prefix_hit && p->conf.max_prefix_restart_ms)
		hold = p->conf.max_prefix_restart_ms;
	p->max_prefix_hit = 0;
	ev_timer_start(l, &p->idle_hold, hold);
}

static struct conf_prefix_filter *filters_dup(const struct conf_prefix_filter *f, size_t n)
{
	struct conf_prefix_filter *v = xmalloc((n ? n : 1) * sizeof(*v));

	if (n)
		memcpy(v, f, n * sizeof(*v));
	return v;
}

static int filters_eq(const struct conf_prefix_filter *a, size_t na,
		      const struct conf_prefix_filter *b, size_t nb)
{
	return na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0);
}

struct bgp_peer *bgp_session_new(const struct bgp_session_env *env, const struct conf_neighbor *nc)
{
	struct bgp_peer *p = xcalloc(1, sizeof(*p));

	p->env = *env;
	p->conf = *nc;
	p->conf.description = NULL;
	/* The allow-lists are ours to keep: the configuration is freed on reload. */
	p->conf.import_allow = filters_dup(nc->import_allow, nc->nimport_allow);
	p->conf.export_allow = filters_dup(nc->export_allow, nc->nexport_allow);
	p->state = BGP_IDLE;
	ev_timer_init(&p->connect_retry, connect_retry_expired, p);
	ev_timer_init(&p->idle_hold, idle_hold_expired, p);
	peer_start(p);
	return p;
}

int bgp_session_conf_differs(const struct bgp_peer *p, const struct conf_neighbor *nc)
{
	return p->conf.remote_as != nc->remote_as ||
	       !addr_eq(&p->conf.local_addr, &nc->local_addr) || p->conf.role != nc->role ||
	       p->conf.hold_time != nc->hold_time || p->conf.passive != nc->passive ||
	       p->conf.max_prefix != nc->max_prefix ||
	       p->conf.max_prefix_restart_ms != nc->max_prefix_restart_ms ||
	       p->conf.max_prefix_warn_only != nc->max_prefix_warn_only ||
	       p->conf.send_hold_ms != nc->send_hold_ms || p->conf.prepend != nc->prepend ||
	       p->conf.local_pref != nc->local_pref || p->conf.families != nc->families ||
	       p->conf.ext_nexthop != nc->ext_nexthop || strcmp(p->conf.ifname, nc->ifname) ||
	       strcmp(p->conf.password, nc->password) != 0 ||
	       p->conf.ttl_security != nc->ttl_security || p->conf.multihop != nc->multihop ||
	       p->conf.graceful_restart != nc->graceful_restart || p->conf.gr_time != nc->gr_time ||
	       !filters_eq(p->conf.import_allow, p->conf.nimport_allow, nc->import_allow,
			   nc->nimport_allow) ||
	       !filters_eq(p->conf.export_allow, p->conf.nexport_allow, nc->export_allow,
			   nc->nexport_allow);
}

void bgp_session_stop(struct bgp_peer *p, uint8_t cease_subcode, const char *text)
{
	struct ev_loop *l = p->env.loop;

	p->admin_down = 1;
	ev_timer_stop(l, &p->idle_hold);
	ev_timer_stop(l, &p->connect_retry);
	for (int i = 0; i < 2; i++) {
		struct bgp_conn *c = i == 0 ? p->conn2 : p->conn;

		if (!c)
			continue;
		if (c->state >= BGP_OPENSENT && cease_subcode) {
			int hard = gr_notification(c) && hard_cease(BGP_ERR_CEASE, cease_subcode);

			log_info("neighbor %s: sending %s%s%s%s", bgp_session_name(p),
				 bgp_err_subcode_name(BGP_ERR_CEASE, cease_subcode),
				 hard ? " as Hard Reset" : "", text ? ": " : "", text ? text : "");
			if (hard)
				bgp_hard_reset_shutdown_encode(&c->wbuf, cease_subcode, text);
			else
				bgp_shutdown_encode(&c->wbuf, cease_subcode, text);
			p->notifications_out++;
			p->down_notified = (uint8_t)notification_ends_gr(c, hard);
			conn_flush(c);
			flush_sync_conn(c, 1000);
		}
		conn_drop(c, "stopped");
	}
	if (p->state != BGP_IDLE)
		peer_down(p, "stopped");
}

void bgp_session_free(struct bgp_peer *p)
{
	struct ev_loop *l = p->env.loop;

	ev_timer_stop(l, &p->idle_hold);
	ev_timer_stop(l, &p->connect_retry);
	free(p->conf.import_allow);
	free(p->conf.export_allow);
	free(p);
}

void bgp_session_reset(struct bgp_peer *p, const char *why)
{
	snprintf(p->last_error, sizeof(p->last_error), "%s", why);
	if (p->conn2)
		conn_drop(p->conn2, why);
	if (p->conn)
		conn_drop(p->conn, why);
	else if (p->state != BGP_IDLE)
		peer_down(p, why);
}

void bgp_session_refuse(int fd, uint8_t cease_subcode)
{
	struct buf b;

	buf_init(&b);
	bgp_notification_encode(&b, BGP_ERR_CEASE, cease_subcode, NULL, 0);
	(void)!send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	buf_free(&b);
	close(fd);
}

void bgp_session_hold(struct bgp_peer *p, int held, const char *why)
{
	if (p->held == !!held)
		return;
	p->held = !!held;
	if (held) {
		bgp_session_reset(p, why);
		p->state = BGP_IDLE;
		return;
	}
	if (p->admin_down || p->state != BGP_IDLE)
		return;
	/* The path is proven again: no back-off from the flaps it caused. */
	p->idle_hold_ms = 0;
	ev_timer_stop(p->env.loop, &p->idle_hold);
	peer_start(p);
}

void bgp_session_accept(struct bgp_peer *p, int fd)
{
	char a[ADDR_STRLEN];

	if (p->refuse_inbound && ev_timer_active(&p->idle_hold)) {
		bgp_session_refuse(fd, BGP_CEASE_CONN_REJECTED);
		log_info("neighbor %s: connection refused: idle hold for %llu ms more",
			 addr_fmt(&p->conf.addr, a),
			 (unsigned long long)ev_timer_remaining(p->env.loop, &p->idle_hold));
		return;
	}
	/* RFC 4724 sec 4.2: a neighbour that can restart gracefully and connects again while we
	 * think its session is up has restarted: the old session goes (its routes kept stale). */
	if (!p->admin_down && p->state == BGP_ESTABLISHED && !p->conn2 &&
	    p->conf.graceful_restart && p->conn->open.caps.gr)
		conn_drop(p->conn, "the neighbour restarted (new connection)");
	if (p->admin_down || p->held || p->state == BGP_ESTABLISHED || p->conn2) {
		/* Section 6.8: a collision with an Established session closes the new one. */
		bgp_session_refuse(fd, BGP_CEASE_COLLISION);
		log_info("neighbor %s: refused a second connection (%s)",
			 addr_fmt(&p->conf.addr, a), bgp_state_name(p->state));
		return;
	}
	char why[200];

	if (bgp_sockopt_accepted(fd, p, why, sizeof(why)) < 0) {
		close(fd);
		snprintf(p->last_error, sizeof(p->last_error), "%s", why);
		/* Once per outage at warning level: the neighbour retries every few seconds. */
		if (p->unanswered_warned++)
			log_debug("neighbor %s: %s", addr_fmt(&p->conf.addr, a), why);
		else
			log_warn("neighbor %s: %s", addr_fmt(&p->conf.addr, a), why);
		return;
	}
	struct bgp_conn *c = conn_new(p, fd, 0);

	ev_io_add(p->env.loop, fd, EPOLLIN, conn_io, c);
	if (!p->conn || p->conn->state < BGP_OPENSENT) {
		/* Nothing negotiated yet: drop any pending outgoing attempt, use this one. */
		if (p->conn)
			conn_free(p->conn);
		p->conn = c;
		ev_timer_stop(p->env.loop, &p->idle_hold);
	} else {
		p->conn2 = c;
	}
	conn_opened(c);
	/* If the neighbour's identifier is already known, the collision can be resolved now. */
	if (p->conn2 == c && p->conn->open_received)
		resolve_collision(p, p->conn->open.bgp_id);
}

/* ---- sending routes ---- */

static void flush_sync_conn(struct bgp_conn *c, int timeout_ms)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLOUT };

	for (int waited = 0; buf_pending(&c->wbuf) > 0 && waited < timeout_ms; waited += 50) {
		if (poll(&pfd, 1, 50) < 0 && errno != EINTR)
			break;
		conn_flush(c);
	}
}

void bgp_session_flush_sync(struct bgp_peer *p, int timeout_ms)
{
	if (p->conn && p->conn->fd >= 0)
		flush_sync_conn(p->conn, timeout_ms);
}
