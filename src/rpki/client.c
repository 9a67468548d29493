/* The RTR client's session: RFC 8210 sections 6 to 8 and 10, RFC 6810 as the fallback. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "rpki/client.h"

/* RFC 8210 section 6: the defaults until a version 1 End of Data says otherwise. */
#define REFRESH_DEFAULT 3600
#define RETRY_DEFAULT 600
#define EXPIRE_DEFAULT 7200
/* Until a cache has given us data, we have nothing to validate with: a router that starts
 * before its cache would otherwise wait the whole default retry interval (10 minutes). */
#define RETRY_NO_DATA_MS 5000

static void start_connect(struct rtr_client *c);

const char *rtrc_state_name(enum rtrc_state s)
{
	static const char *const names[] = {
		[RTRC_IDLE] = "idle",
		[RTRC_CONNECTING] = "connecting",
		[RTRC_SYNCING] = "syncing",
		[RTRC_SYNCED] = "synced",
	};

	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

static void close_conn(struct rtr_client *c)
{
	if (c->fd >= 0) {
		ev_io_del(c->loop, c->fd);
		close(c->fd);
		c->fd = -1;
	}
	buf_reset(&c->rbuf);
	c->loading = 0;
	c->npend = 0;
	ev_timer_stop(c->loop, &c->refresh);
}

/* Ends the session; the data stays until the expire timer runs out (section 6). */
static void fail(struct rtr_client *c, uint64_t retry_ms, const char *fmt, const char *what)
{
	snprintf(c->last_error, sizeof(c->last_error), fmt, what);
	log_debug("rtr %s: %s", addr_fmt(&c->addr, (char[ADDR_STRLEN]){ 0 }), c->last_error);
	c->errors++;
	if (!c->have_data && retry_ms > RETRY_NO_DATA_MS)
		retry_ms = RETRY_NO_DATA_MS;
	close_conn(c);
	c->state = RTRC_IDLE;
	ev_timer_start(c->loop, &c->retry, retry_ms);
}

static void send_pdu(struct rtr_client *c, const struct rtr_pdu *p)
{
	uint8_t buf[RTR_PDU_MAX];
	size_t n = rtr_encode(p, buf, sizeof(buf));

	/* Our PDUs are a few dozen bytes: the socket takes them whole or is broken. No SIGPIPE:
	 * a cache that went away is an error of this session, not the end of anycastd. */
	if (c->fd >= 0 && send(c->fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n)
		fail(c, c->retry_s * 1000ull, "write: %s", strerror(errno));
}

static void send_query(struct rtr_client *c)
{
	struct rtr_pdu p;

	memset(&p, 0, sizeof(p));
	p.version = c->version;
	if (c->have_data) {
		p.type = RTR_SERIAL_QUERY;
		p.session = c->session;
		p.serial = c->serial;
		c->resetting = 0;
	} else {
		p.type = RTR_RESET_QUERY;
		c->resetting = 1;
	}
	c->state = RTRC_SYNCING;
	send_pdu(c, &p);
}

static void send_error(struct rtr_client *c, enum rtr_ecode code, const uint8_t *pdu, size_t len,
		       const char *text)
{
	struct rtr_pdu p;

	memset(&p, 0, sizeof(p));
	p.version = c->version;
	p.type = RTR_ERROR_REPORT;
	p.ecode = code;
	p.epdu = pdu;
	p.epdu_len = len;
	p.text = text;
	p.text_len = strlen(text);
	send_pdu(c, &p);
}

static void del_shared(const struct vrp *v, void *shared) { vrp_del(shared, v); }

static void add_shared(const struct vrp *v, void *shared) { vrp_add(shared, v); }

/* Takes this cache's VRPs out of the shared table (expiry, or a reset's old set). */
static void drop_mine(struct rtr_client *c)
{
	vrp_foreach(c->mine, del_shared, c->shared);
	vrp_table_free(c->mine);
	c->mine = vrp_table_new();
}

/* A Reset Query's answer: the whole set, which replaces ours. NULL, or why it cannot. */
static const char *apply_reset(struct rtr_client *c, enum rtr_ecode *code)
{
	struct vrp_table *t = vrp_table_new();

	for (size_t i = 0; i < c->npend; i++) {
		const struct rtr_pending *e = &c->pend[i];

		*code = e->flags & RTR_FLAG_ANNOUNCE ? RTR_E_DUPLICATE_ANNOUNCEMENT
						     : RTR_E_UNKNOWN_WITHDRAWAL;
		if (!(e->flags & RTR_FLAG_ANNOUNCE) || vrp_add(t, &e->vrp) != 1) {
			vrp_table_free(t);
			return *code == RTR_E_UNKNOWN_WITHDRAWAL ? "withdrawal in a reset"
								 : "duplicate announcement";
		}
	}
	drop_mine(c);
	vrp_table_free(c->mine);
	c->mine = t;
	vrp_foreach(t, add_shared, c->shared);
	return NULL;
}

/* Undoes pend[0..n) on our own table, last first. */
static void undo(struct rtr_client *c, size_t n)
{
	while (n-- > 0) {
		if (c->pend[n].flags & RTR_FLAG_ANNOUNCE)
			vrp_del(c->mine, &c->pend[n].vrp);
		else
			vrp_add(c->mine, &c->pend[n].vrp);
	}
}

/* A Serial Query's answer: changes, checked against our set first (section 5.6: a duplicate
 * announcement or a withdrawal of an unknown record is an error), then mirrored. */
static const char *apply_delta(struct rtr_client *c, enum rtr_ecode *code)
{
	for (size_t i = 0; i < c->npend; i++) {
		const struct rtr_pending *e = &c->pend[i];
		int r;

		if (e->flags & RTR_FLAG_ANNOUNCE) {
			if ((r = vrp_add(c->mine, &e->vrp)) == 1)
				continue;
			if (r == 0)
				vrp_del(c->mine, &e->vrp);
			*code = RTR_E_DUPLICATE_ANNOUNCEMENT;
		} else {
			if (vrp_del(c->mine, &e->vrp) == 1)
				continue;
			*code = RTR_E_UNKNOWN_WITHDRAWAL;
		}
		undo(c, i);
		return *code == RTR_E_UNKNOWN_WITHDRAWAL ? "withdrawal of an unknown record"
							 : "duplicate announcement";
	}
	for (size_t i = 0; i < c->npend; i++) {
		if (c->pend[i].flags & RTR_FLAG_ANNOUNCE)
			vrp_add(c->shared, &c->pend[i].vrp);
		else
			vrp_del(c->shared, &c->pend[i].vrp);
	}
	return NULL;
}

static void end_of_data(struct rtr_client *c, const struct rtr_pdu *p, const uint8_t *raw,
			size_t len)
{
	enum rtr_ecode code = RTR_E_CORRUPT_DATA;
	const char *why;
	int changed = c->npend > 0 || c->resetting;

	if (!c->loading) {
		send_error(c, RTR_E_CORRUPT_DATA, raw, len, "End of Data without Cache Response");
		fail(c, c->retry_s * 1000ull, "%s", "End of Data without Cache Response");
		return;
	}
	why = c->resetting ? apply_reset(c, &code) : apply_delta(c, &code);
	if (why) {
		send_error(c, code, raw, len, why);
		fail(c, c->retry_s * 1000ull, "%s", why);
		return;
	}
	c->loading = 0;
	c->npend = 0;
	c->have_data = 1;
	c->serial = p->serial;
	c->session = p->session;
	if (p->version == 1) {
		c->refresh_s = p->refresh;
		c->retry_s = p->retry;
		c->expire_s = p->expire;
	}
	c->state = RTRC_SYNCED;
	c->updates++;
	c->resets += c->resetting;
	ev_timer_start(c->loop, &c->refresh, c->refresh_s * 1000ull);
	ev_timer_start(c->loop, &c->expire, c->expire_s * 1000ull);
	if (changed && c->ops->on_change)
		c->ops->on_change(c, c->arg);
}

static void pending_add(struct rtr_client *c, const struct rtr_pdu *p)
{
	if (c->npend == c->cappend) {
		c->cappend = c->cappend ? c->cappend * 2 : 256;
		c->pend = realloc(c->pend, c->cappend * sizeof(*c->pend));
		if (!c->pend)
			abort();
	}
	c->pend[c->npend].flags = p->flags;
	c->pend[c->npend].vrp = p->vrp;
	c->npend++;
}

/* One PDU from the cache; 0 to go on reading, -1 when the session ended. */
static int handle(struct rtr_client *c, const struct rtr_pdu *p, const uint8_t *raw, size_t len)
{
	if (p->type == RTR_ERROR_REPORT) {
		/* Section 7: a cache that only speaks version 0 says so; try again in 0 at once. */
		if (p->ecode == RTR_E_UNSUPPORTED_VERSION && c->version > 0) {
			c->version = 0;
			fail(c, 0, "%s", "cache wants version 0");
			c->errors--; /* a negotiation, not an error */
			return -1;
		}
		fail(c, c->retry_s * 1000ull, "cache: %s", rtr_ecode_name(p->ecode));
		return -1;
	}
	/* Section 7: a cache answering our first query in a lower version is a cache of that
	 * version (stayrtr -protocol 0 does so); start again in it. Later, a change of version
	 * is an error. */
	if (p->version < c->version && !c->have_data && !c->loading && c->state == RTRC_SYNCING) {
		c->version = p->version;
		fail(c, 0, "cache speaks version %s", p->version ? "1" : "0");
		c->errors--; /* a negotiation, not an error */
		return -1;
	}
	if (p->version != c->version) {
		send_error(c, RTR_E_UNEXPECTED_VERSION, raw, len, "unexpected protocol version");
		fail(c, c->retry_s * 1000ull, "%s", "unexpected protocol version");
		return -1;
	}
	switch (p->type) {
	case RTR_SERIAL_NOTIFY:
		if (c->state == RTRC_SYNCED)
			send_query(c);
		return c->fd >= 0 ? 0 : -1;
	case RTR_CACHE_RESPONSE:
		if (!c->resetting && p->session != c->session) {
			send_error(c, RTR_E_CORRUPT_DATA, raw, len, "session id changed");
			fail(c, c->retry_s * 1000ull, "%s", "session id changed");
			return -1;
		}
		c->loading = 1;
		c->npend = 0;
		return 0;
	case RTR_IPV4_PREFIX:
	case RTR_IPV6_PREFIX:
		if (!c->loading)
			break;
		pending_add(c, p);
		return 0;
	case RTR_ROUTER_KEY: /* BGPsec: not ours to use */ return 0;
	case RTR_END_OF_DATA: end_of_data(c, p, raw, len); return c->fd >= 0 ? 0 : -1;
	case RTR_CACHE_RESET:
		/* Section 5.9: the cache has no data for our serial; start over. */
		c->have_data = 0;
		send_query(c);
		return c->fd >= 0 ? 0 : -1;
	default: break;
	}
	send_error(c, RTR_E_INVALID_REQUEST, raw, len, "PDU out of place");
	fail(c, c->retry_s * 1000ull, "%s", "PDU out of place");
	return -1;
}

static void read_pdus(struct rtr_client *c)
{
	for (;;) {
		uint8_t chunk[8192];
		ssize_t n = read(c->fd, chunk, sizeof(chunk));

		if (n == 0) {
			fail(c, c->retry_s * 1000ull, "%s", "cache closed the session");
			return;
		}
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			fail(c, c->retry_s * 1000ull, "read: %s", strerror(errno));
			return;
		}
		buf_put(&c->rbuf, chunk, (size_t)n);
	}
	for (;;) {
		const uint8_t *b = c->rbuf.data + c->rbuf.off;
		size_t left = buf_pending(&c->rbuf), used;
		struct rtr_pdu p;
		struct rtr_reject why;
		int r = rtr_decode(b, left, &p, &used, &why);

		if (r == 0)
			break;
		if (r < 0) {
			if (b[1] != RTR_ERROR_REPORT) /* never answer an error with one */
				send_error(c, why.code, b, used < left ? used : left, why.msg);
			fail(c, c->retry_s * 1000ull, "%s", why.msg);
			return;
		}
		if (handle(c, &p, b, used) < 0)
			return;
		buf_consume(&c->rbuf, used);
	}
	if (c->rbuf.off == c->rbuf.len)
		buf_reset(&c->rbuf);
}

static void conn_io(int fd, uint32_t events, void *arg)
{
	struct rtr_client *c = arg;

	if (c->state == RTRC_CONNECTING) {
		int err = 0;
		socklen_t sl = sizeof(err);

		getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &sl);
		if (err) {
			fail(c, c->retry_s * 1000ull, "connect: %s", strerror(err));
			return;
		}
		ev_io_mod(c->loop, fd, EPOLLIN);
		send_query(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR))
		read_pdus(c);
}

static void start_connect(struct rtr_client *c)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(&c->addr, c->port, &ss);

	c->fd = socket(c->addr.af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		fail(c, c->retry_s * 1000ull, "socket: %s", strerror(errno));
		return;
	}
	c->state = RTRC_CONNECTING;
	ev_io_add(c->loop, c->fd, EPOLLOUT | EPOLLIN, conn_io, c);
	if (connect(c->fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS)
		fail(c, c->retry_s * 1000ull, "connect: %s", strerror(errno));
}

static void retry_fired(struct ev_timer *t, void *arg)
{
	struct rtr_client *c = arg;

	if (c->fd < 0)
		start_connect(c);
}

static void refresh_fired(struct ev_timer *t, void *arg)
{
	struct rtr_client *c = arg;

	if (c->state == RTRC_SYNCED)
		send_query(c);
}

/* Section 6: data older than the expire interval is dropped, session or not. */
static void expire_fired(struct ev_timer *t, void *arg)
{
	struct rtr_client *c = arg;
	int had = vrp_count(c->mine) > 0;

	drop_mine(c);
	c->have_data = 0;
	if (had && c->ops->on_change)
		c->ops->on_change(c, c->arg);
}

struct rtr_client *rtr_client_new(struct ev_loop *loop, const struct addr *addr, uint16_t port,
				  struct vrp_table *shared, const struct rtr_client_ops *ops,
				  void *arg)
{
	struct rtr_client *c = calloc(1, sizeof(*c));

	if (!c)
		abort();
	c->loop = loop;
	c->addr = *addr;
	c->port = port;
	c->shared = shared;
	c->mine = vrp_table_new();
	c->ops = ops;
	c->arg = arg;
	c->fd = -1;
	c->version = RTR_VERSION_MAX;
	c->refresh_s = REFRESH_DEFAULT;
	c->retry_s = RETRY_DEFAULT;
	c->expire_s = EXPIRE_DEFAULT;
	buf_init(&c->rbuf);
	ev_timer_init(&c->refresh, refresh_fired, c);
	ev_timer_init(&c->retry, retry_fired, c);
	ev_timer_init(&c->expire, expire_fired, c);
	start_connect(c);
	return c;
}

void rtr_client_free(struct rtr_client *c)
{
	if (!c)
		return;
	close_conn(c);
	ev_timer_stop(c->loop, &c->retry);
	ev_timer_stop(c->loop, &c->expire);
	drop_mine(c);
	vrp_table_free(c->mine);
	buf_free(&c->rbuf);
	free(c->pend);
	free(c);
}
