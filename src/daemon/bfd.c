/* anycastd's BFD sessions: see bfd.h. */
#include "daemon/bfd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/session.h"
#include "bfd/sock.h"
#include "bgp/peer.h"
#include "daemon/daemon.h"
#include "lib/log.h"

/* One neighbour's session. */
struct bfd_nbr {
	struct daemon *d;
	struct addr addr;
	struct bfd_timers timers;
	struct bfd_session *s;
	uint64_t send_errors;
};

struct daemon_bfd {
	struct bfd_sock *sock[2]; /* IPv4, IPv6: opened when a neighbour of the family needs it */
	struct bfd_nbr **nbrs;
	size_t nnbrs;
	uint32_t next_disc;
	uint64_t drops[BFD_ERR_COUNT];
};

static int fam(int af) { return af == AF_INET6; }

static const char *nbr_name(const struct bfd_nbr *n)
{
	static char b[ADDR_STRLEN];

	return addr_fmt(&n->addr, b);
}

/* RFC 5882 section 3.2: a peer that turned BFD off (AdminDown) does not take BGP down; nor
 * does our own AdminDown (the session being removed on reload or at shutdown). */
static int path_down(const struct bfd_session *s)
{
	return s->state != BFD_UP && s->state != BFD_ADMIN_DOWN &&
	       s->remote_state != BFD_ADMIN_DOWN;
}

static void apply(struct bfd_nbr *n)
{
	struct bgp_peer *p = n->d->sp ? bgp_speaker_find_peer(n->d->sp, &n->addr, NULL) : NULL;

	if (p)
		bgp_session_hold(p, path_down(n->s), "BFD: path down");
}

static void op_send(struct bfd_session *s, const uint8_t *pkt, size_t len)
{
	struct bfd_nbr *n = s->owner;
	struct bfd_sock *so = n->d->bfd->sock[fam(n->addr.af)];

	if (!so || bfd_sock_send(so, &n->addr, BFD_PORT, pkt, len) < 0)
		n->send_errors++;
}

static void op_up(struct bfd_session *s)
{
	struct bfd_nbr *n = s->owner;

	log_info("neighbor %s: BFD up (tx %u ms, detect %u ms)", nbr_name(n),
		 bfd_session_tx_interval_ms(s), bfd_session_detect_ms(s));
	apply(n);
}

static void op_down(struct bfd_session *s)
{
	struct bfd_nbr *n = s->owner;

	log_warn("neighbor %s: BFD down: %s%s", nbr_name(n), bfd_diag_name(s->diag),
		 path_down(s) ? "" : " (peer AdminDown: BGP left up)");
	apply(n);
}

static const struct bfd_session_ops session_ops = { op_send, op_up, op_down };

static struct bfd_nbr *find_addr(struct daemon_bfd *b, const struct addr *a)
{
	for (size_t i = 0; i < b->nnbrs; i++)
		if (addr_eq(&b->nbrs[i]->addr, a))
			return b->nbrs[i];
	return NULL;
}

static struct bfd_nbr *find_disc(struct daemon_bfd *b, uint32_t disc)
{
	for (size_t i = 0; i < b->nnbrs; i++)
		if (b->nbrs[i]->s->local_disc == disc)
			return b->nbrs[i];
	return NULL;
}

/* A checked packet: its session by Your Discriminator, which must also be the sender's
 * session, or by the sender's address while the peer does not know ours yet (6.8.6). */
static void sock_input(void *owner, const struct addr *from, uint16_t port, const struct bfd_pkt *p)
{
	struct daemon_bfd *b = owner;
	struct bfd_nbr *n = p->your_disc ? find_disc(b, p->your_disc) : find_addr(b, from);
	enum bfd_err e;

	if (!n || !addr_eq(&n->addr, from)) {
		b->drops[BFD_ERR_DISC]++;
		return;
	}
	e = bfd_session_input(n->s, p);
	if (e != BFD_OK) {
		b->drops[e]++;
		return;
	}
	/* The peer's AdminDown changes no state of ours but does change the hold. */
	apply(n);
}

static const struct bfd_sock_ops sock_ops = { sock_input };

static int open_sock(struct daemon *d, int af)
{
	struct daemon_bfd *b = d->bfd;
	struct addr any = { .af = (uint8_t)af };
	char e[128];

	if (b->sock[fam(af)])
		return 0;
	b->sock[fam(af)] = bfd_sock_open(d->loop, &any, BFD_PORT, &sock_ops, b);
	if (b->sock[fam(af)])
		return 0;
	snprintf(e, sizeof(e), "%s", strerror(errno));
	log_err("BFD: cannot open the %s socket on port %u: %s", af == AF_INET ? "IPv4" : "IPv6",
		BFD_PORT, e);
	return -1;
}

static uint32_t new_disc(struct daemon_bfd *b)
{
	/* Unique among ours, nonzero, and not reused soon after a session ends (6.8.1). */
	do
		b->next_disc = b->next_disc * 1103515245u + 12345u;
	while (b->next_disc == 0 || find_disc(b, b->next_disc));
	return b->next_disc;
}

static void nbr_free(struct bfd_nbr *n)
{
	bfd_session_admin(n->s, 1); /* one AdminDown packet: not a failure for the peer */
	bfd_session_free(n->s);
	free(n);
}

/* BFD sessions are keyed by address alone (RFC 5881 single hop: the address is the peer). */
static const struct conf_neighbor *find_conf(const struct conf *c, const struct addr *a)
{
	for (size_t i = 0; i < c->nneighbors; i++)
		if (addr_eq(&c->neighbors[i].addr, a) && c->neighbors[i].bfd)
			return &c->neighbors[i];
	return NULL;
}

void daemon_bfd_sync(struct daemon *d, const struct conf *c)
{
	struct daemon_bfd *b = d->bfd;

	if (!b) {
		b = d->bfd = xcalloc(1, sizeof(*b));
		b->next_disc = (uint32_t)random() | 1;
	}
	for (size_t i = 0; i < b->nnbrs;) {
		if (find_conf(c, &b->nbrs[i]->addr)) {
			i++;
			continue;
		}
		log_info("neighbor %s: BFD session removed", nbr_name(b->nbrs[i]));
		nbr_free(b->nbrs[i]);
		b->nbrs[i] = b->nbrs[--b->nnbrs];
	}
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct conf_neighbor *nc = &c->neighbors[i];
		struct bfd_timers t = { nc->bfd_interval_ms, nc->bfd_interval_ms, nc->bfd_mult };
		struct bfd_nbr *n;

		if (!nc->bfd)
			continue;
		n = find_addr(b, &nc->addr);
		if (n) {
			if (memcmp(&n->timers, &t, sizeof(t)) != 0)
				bfd_session_set_timers(n->s, &t);
			n->timers = t;
			continue;
		}
		open_sock(d, nc->addr.af);
		n = xcalloc(1, sizeof(*n));
		n->d = d;
		n->addr = nc->addr;
		n->timers = t;
		n->s = bfd_session_new(d->loop, &session_ops, n, new_disc(b), &t);
		if (!n->s)
			fatal("out of memory");
		b->nbrs = xrealloc(b->nbrs, (b->nnbrs + 1) * sizeof(*b->nbrs));
		b->nbrs[b->nnbrs++] = n;
	}
	for (size_t i = 0; d->sp && i < d->sp->npeers; i++) {
		struct bgp_peer *p = d->sp->peers[i];
		struct bfd_nbr *n = find_addr(b, &p->conf.addr);

		bgp_session_hold(p, n && path_down(n->s), "BFD: path down");
	}
}

void daemon_bfd_free(struct daemon *d)
{
	struct daemon_bfd *b = d->bfd;

	if (!b)
		return;
	for (size_t i = 0; i < b->nnbrs; i++)
		nbr_free(b->nbrs[i]);
	free(b->nbrs);
	for (int f = 0; f < 2; f++)
		bfd_sock_close(b->sock[f]);
	free(b);
	d->bfd = NULL;
}

void daemon_bfd_show(struct daemon *d, const struct addr *a, int json, struct buf *out)
{
	struct bfd_nbr *n = d->bfd ? find_addr(d->bfd, a) : NULL;
	const struct bfd_session *s = n ? n->s : NULL;

	if (!json) {
		buf_printf(out, "%-10s", s ? bfd_state_name(s->state) : "off");
		return;
	}
	if (!s) {
		buf_printf(out, ",\"bfd\":\"off\"");
		return;
	}
	buf_printf(out,
		   ",\"bfd\":\"%s\",\"bfd_detail\":{\"remote_state\":\"%s\",\"diag\":\"%s\","
		   "\"tx_ms\":%u,\"detect_ms\":%u,\"interval_ms\":%u,\"multiplier\":%u,"
		   "\"remote_tx_ms\":%u,\"remote_rx_ms\":%u,\"remote_multiplier\":%u,"
		   "\"local_discriminator\":%u,\"remote_discriminator\":%u,\"packets_out\":%llu,"
		   "\"packets_in\":%llu,\"flaps\":%llu}",
		   bfd_state_name(s->state), bfd_state_name(s->remote_state),
		   bfd_diag_name(s->diag), bfd_session_tx_interval_ms(s), bfd_session_detect_ms(s),
		   s->conf.min_tx_ms, s->conf.mult, s->remote_tx_us / 1000, s->remote_rx_us / 1000,
		   s->remote_mult, s->local_disc, s->remote_disc, (unsigned long long)s->sent,
		   (unsigned long long)s->received, (unsigned long long)s->flaps);
}

static void help(struct buf *out, const char *name, const char *type, const char *text)
{
	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

void daemon_bfd_metrics(struct daemon *d, struct buf *out)
{
	static const char *const per_session[][3] = {
		{ "anycast_bfd_session_up", "gauge", "1 while the BFD session is Up" },
		{ "anycast_bfd_packets_sent_total", "counter", "BFD Control packets sent" },
		{ "anycast_bfd_packets_received_total", "counter",
		  "BFD Control packets accepted by the session" },
		{ "anycast_bfd_session_flaps_total", "counter", "times the session left Up" },
	};
	struct daemon_bfd *b = d->bfd;
	uint64_t drops[BFD_ERR_COUNT], ttl = 0;

	if (!b)
		return;
	for (int k = 0; k < 4; k++) {
		help(out, per_session[k][0], per_session[k][1], per_session[k][2]);
		for (size_t i = 0; i < b->nnbrs; i++) {
			const struct bfd_session *s = b->nbrs[i]->s;
			uint64_t v = k == 0   ? s->state == BFD_UP
				     : k == 1 ? s->sent
				     : k == 2 ? s->received
					      : s->flaps;

			buf_printf(out, "%s{neighbor=\"%s\"} %llu\n", per_session[k][0],
				   nbr_name(b->nbrs[i]), (unsigned long long)v);
		}
	}
	memcpy(drops, b->drops, sizeof(drops));
	for (int f = 0; f < 2; f++) {
		if (!b->sock[f])
			continue;
		ttl += b->sock[f]->ttl_drops;
		for (int e = 0; e < BFD_ERR_COUNT; e++)
			drops[e] += b->sock[f]->drops[e];
	}
	help(out, "anycast_bfd_drops_total", "counter",
	     "BFD packets dropped, by reason; never acted on");
	buf_printf(out, "anycast_bfd_drops_total{reason=\"ttl not 255\"} %llu\n",
		   (unsigned long long)ttl);
	for (int e = BFD_OK + 1; e < BFD_ERR_COUNT; e++)
		buf_printf(out, "anycast_bfd_drops_total{reason=\"%s\"} %llu\n", bfd_err_name(e),
			   (unsigned long long)drops[e]);
}
