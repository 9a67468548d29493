/* The BGP session: RFC 4271 section 8 finite state machine, its timers, and message I/O. What
 * it learns in routing terms goes to its owner through p->env.ops (see session.h).
 *
 * A neighbour has at most two TCP connections at once: the session's own (peer->conn) and,
 * while a connection collision is being resolved (section 6.8), a second one (peer->conn2).
 * Each connection goes Connect -> OpenSent -> OpenConfirm -> Established on its own; the
 * neighbour's state is that of its session connection, or Idle/Connect/Active without one. */
#include "bgp/peer.h"

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

#include "lib/log.h"

#define CONNECT_RETRY_MS 5000     /* RFC 4271 suggests 120 s; anycast wants fast recovery */
#define OPEN_HOLD_MS (240 * 1000) /* hold timer while waiting for OPEN (section 8.2.2) */
#define IDLE_HOLD_MIN_MS 1000
#define IDLE_HOLD_MAX_MS 60000
#define STABLE_MS 60000 /* a session up this long resets the restart backoff */
#define RBUF_MAX (BGP_MAX_LEN * 64)

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
	buf_free(&c->rbuf);
	buf_free(&c->wbuf);
	free(c);
}

/* Writes what the buffer holds without blocking; EPOLLOUT while anything is left. A write
 * error drops the data: the read side then sees the error and closes the connection. */
static void conn_flush(struct bgp_conn *c)
{
	while (buf_pending(&c->wbuf) > 0) {
		ssize_t n = send(c->fd, c->wbuf.data + c->wbuf.off, buf_pending(&c->wbuf),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			buf_consume(&c->wbuf, (size_t)n);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		buf_reset(&c->wbuf);
		break;
	}
	ev_io_mod(c->peer->env.loop, c->fd,
		  EPOLLIN | (buf_pending(&c->wbuf) ? (uint32_t)EPOLLOUT : 0));
}

void bgp_session_send(struct bgp_peer *p) { conn_flush(p->conn); }

static void send_open(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp_caps caps = { 0 };

	/* One family per session: the one of the session's addresses (see DESIGN.md). */
	caps.mp_ipv4 = p->conf.addr.af == AF_INET;
	caps.mp_ipv6 = p->conf.addr.af == AF_INET6;
	caps.mp_any = 1;
	caps.route_refresh = 1;
	caps.as4 = 1;
	caps.as4_asn = p->env.local_as;
	caps.role = p->conf.role;
	bgp_open_encode(&c->wbuf, p->env.local_as, p->conf.hold_time, p->env.router_id, &caps);
	conn_flush(c);
}

static void send_notification(struct bgp_conn *c, uint8_t code, uint8_t subcode, const void *data,
			      size_t len, const char *why)
{
	struct bgp_peer *p = c->peer;

	log_warn("neighbor %s: sent NOTIFICATION %u/%u (%s): %s", bgp_session_name(p), code,
		 subcode, bgp_err_subcode_name(code, subcode), why);
	snprintf(p->last_error, sizeof(p->last_error), "sent %s: %s",
		 bgp_err_subcode_name(code, subcode), why);
	bgp_notification_encode(&c->wbuf, code, subcode, data, len);
	p->notifications_out++;
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

	bgp_err_set(&e, BGP_ERR_HOLD, 0, NULL, 0, "hold timer expired");
	conn_error(c, &e);
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
		p->ctx.mp_ipv4 = o.caps.mp_ipv4 && p->conf.addr.af == AF_INET;
		p->ctx.mp_ipv6 = o.caps.mp_ipv6 && p->conf.addr.af == AF_INET6;
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
	p->established_at = ev_now(p->env.loop);
	p->last_error[0] = 0;
	log_info("neighbor %s: session established (AS %u, hold %us, local %s%s)",
		 bgp_session_name(p), p->conf.remote_as, p->hold_time, addr_fmt(&c->local, la),
		 p->ctx.as4 ? "" : ", 2-octet AS peer");
	p->env.ops->established(p);
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
	char why[400];

	p->notifications_in++;
	bgp_notification_decode(body, len, &n);
	snprintf(why, sizeof(why), "received NOTIFICATION %u/%u (%s)%s%s%s", n.code, n.subcode,
		 bgp_err_subcode_name(n.code, n.subcode), n.shutdown_msg[0] ? ": \"" : "",
		 n.shutdown_msg, n.shutdown_msg[0] ? "\"" : "");
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
	uint8_t safi;
	struct bgp_err e;

	if (c->state != BGP_ESTABLISHED)
		return fsm_error(c, BGP_ROUTE_REFRESH);
	if (bgp_refresh_decode(body, len, &afi, &safi, &e) < 0)
		return conn_error(c, &e);
	log_info("neighbor %s: route refresh requested (AFI %u SAFI %u)", bgp_session_name(p), afi,
		 safi);
	p->env.ops->refresh(p, afi, safi);
	return 0;
}

/* Dispatches one message. Returns -1 if the connection is gone. */
static int recv_msg(struct bgp_conn *c, uint8_t type, const uint8_t *body, size_t len)
{
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
			established(c);
			return 0;
		}
		if (c->state != BGP_ESTABLISHED)
			return fsm_error(c, type);
		return 0;
	case BGP_ROUTE_REFRESH: return recv_refresh(c, body, len);
	}
	return 0;
}

static void conn_read(struct bgp_conn *c)
{
	for (;;) {
		buf_reserve(&c->rbuf, BGP_MAX_LEN * 16);
		ssize_t n = recv(c->fd, c->rbuf.data + c->rbuf.len, c->rbuf.cap - c->rbuf.len,
				 MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
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
		/* Parse every whole message in the buffer. */
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
			const uint8_t *msg = c->rbuf.data + c->rbuf.off;

			if (recv_msg(c, type, msg + BGP_HDR_LEN, mlen - BGP_HDR_LEN) < 0)
				return;
			buf_consume(&c->rbuf, mlen);
		}
		if (c->rbuf.off > 0 && c->rbuf.off == c->rbuf.len)
			buf_reset(&c->rbuf);
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
	if (events & EPOLLOUT)
		conn_flush(c);
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
	if (addr_is_set(&p->conf.local_addr)) {
		int one = 1;

		/* The address may not be up yet (IPv6 DAD); bind anyway, connect will tell. */
		setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
		sl = addr_to_sa(&p->conf.local_addr, 0, &ss);
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

static void connect_retry_expired(struct ev_timer *t, void *arg)
{
	struct bgp_peer *p = arg;

	/* Section 8.2.2: in Connect or Active, drop any attempt and try again. */
	if (p->state != BGP_CONNECT && p->state != BGP_ACTIVE)
		return;
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
	/* Back off on repeated failures (RFC 4271 8.1.1 DampPeerOscillations). */
	p->idle_hold_ms = p->idle_hold_ms ? p->idle_hold_ms * 2 : IDLE_HOLD_MIN_MS;
	if (p->idle_hold_ms > IDLE_HOLD_MAX_MS)
		p->idle_hold_ms = IDLE_HOLD_MAX_MS;
	ev_timer_start(l, &p->idle_hold, p->idle_hold_ms);
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
	       p->conf.max_prefix != nc->max_prefix || p->conf.prepend != nc->prepend ||
	       p->conf.local_pref != nc->local_pref ||
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
		if (c->state >= BGP_OPENSENT) {
			log_info("neighbor %s: sending %s%s%s", bgp_session_name(p),
				 bgp_err_subcode_name(BGP_ERR_CEASE, cease_subcode),
				 text ? ": " : "", text ? text : "");
			bgp_shutdown_encode(&c->wbuf, cease_subcode, text);
			p->notifications_out++;
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

	if (p->admin_down || p->held || p->state == BGP_ESTABLISHED || p->conn2) {
		/* Section 6.8: a collision with an Established session closes the new one. */
		struct buf b;

		buf_init(&b);
		bgp_notification_encode(&b, BGP_ERR_CEASE, BGP_CEASE_COLLISION, NULL, 0);
		(void)!write(fd, b.data, b.len);
		buf_free(&b);
		close(fd);
		log_info("neighbor %s: refused a second connection (%s)",
			 addr_fmt(&p->conf.addr, a), bgp_state_name(p->state));
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
