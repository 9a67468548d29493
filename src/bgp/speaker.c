/* The BGP speaker: listening sockets, the set of neighbours, the shared RIB (see speaker.h). */
#include "bgp/speaker.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/adjin.h"
#include "bgp/adjout.h"
#include "bgp/locrib.h"
#include "bgp/nexthop.h"
#include "lib/log.h"

static void flush_all(struct ev_timer *t, void *arg)
{
	struct bgp_speaker *sp = arg;

	for (size_t i = 0; i < sp->npeers; i++)
		bgp_adjout_send_pending(sp->peers[i]);
}

void bgp_speaker_flush_now(struct bgp_speaker *sp)
{
	ev_timer_stop(sp->loop, &sp->flush);
	for (size_t i = 0; i < sp->npeers; i++) {
		bgp_adjout_send_pending(sp->peers[i]);
		bgp_session_flush_sync(sp->peers[i], 200);
	}
}

struct bgp_speaker *bgp_speaker_new(struct ev_loop *loop, uint32_t local_as, uint32_t router_id)
{
	struct bgp_speaker *sp = xcalloc(1, sizeof(*sp));

	sp->loop = loop;
	sp->local_as = local_as;
	sp->router_id = router_id;
	sp->port = BGP_PORT;
	sp->lp_customer = 200;
	sp->lp_peer = 100;
	sp->lp_provider = 50;
	rib_init(&sp->rib);
	ev_timer_init(&sp->flush, flush_all, sp);
	return sp;
}

static void close_listener(struct bgp_speaker *sp, struct bgp_listener *l)
{
	ev_io_del(sp->loop, l->fd);
	close(l->fd);
}

void bgp_speaker_free(struct bgp_speaker *sp, const char *text)
{
	if (!sp)
		return;
	for (size_t i = 0; i < sp->nlisteners; i++)
		close_listener(sp, &sp->listeners[i]);
	free(sp->listeners);
	/* In order, each out of the list before it goes: the routes a neighbour takes with it are
	 * exported to those still there, never to one already freed. */
	while (sp->npeers)
		bgp_speaker_remove_peer(sp, sp->peers[0], BGP_CEASE_ADMIN_SHUTDOWN, text);
	free(sp->peers);
	ev_timer_stop(sp->loop, &sp->flush);
	rib_free(&sp->rib);
	free(sp);
}

struct bgp_peer *bgp_speaker_find_peer(struct bgp_speaker *sp, const struct addr *a)
{
	for (size_t i = 0; i < sp->npeers; i++)
		if (addr_eq(&sp->peers[i]->conf.addr, a))
			return sp->peers[i];
	return NULL;
}

/* ---- listening ---- */

/* The neighbour a connection comes from: a link-local one only on its own interface. */
static struct bgp_peer *find_peer_scoped(struct bgp_speaker *sp, const struct addr *a,
					 const struct sockaddr_storage *ss)
{
	uint32_t scope = ss->ss_family == AF_INET6
				 ? ((const struct sockaddr_in6 *)ss)->sin6_scope_id
				 : 0;

	for (size_t i = 0; i < sp->npeers; i++) {
		const struct conf_neighbor *nc = &sp->peers[i]->conf;

		if (addr_eq(&nc->addr, a) &&
		    (!nc->ifname[0] || if_nametoindex(nc->ifname) == scope))
			return sp->peers[i];
	}
	return NULL;
}

static void refuse(int fd, const char *who)
{
	struct buf b;

	/* RFC 4486: Cease/Connection Rejected for a speaker we do not know. */
	buf_init(&b);
	bgp_notification_encode(&b, BGP_ERR_CEASE, BGP_CEASE_CONN_REJECTED, NULL, 0);
	(void)!send(fd, b.data, b.len, MSG_NOSIGNAL | MSG_DONTWAIT);
	buf_free(&b);
	close(fd);
	log_warn("connection from %s refused: not a configured neighbor", who);
}

static void on_accept(int lfd, uint32_t events, void *arg)
{
	struct bgp_speaker *sp = arg;

	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct addr a;
		char as[ADDR_STRLEN];

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_warn("accept: %s", strerror(errno));
			return;
		}
		addr_from_sa((struct sockaddr *)&ss, &a, NULL);
		struct bgp_peer *p = find_peer_scoped(sp, &a, &ss);

		if (!p) {
			refuse(fd, addr_fmt(&a, as));
			continue;
		}
		bgp_session_accept(p, fd);
	}
}

static int open_listener(struct bgp_speaker *sp, const struct addr *a, const char *ifname,
			 char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(a, sp->port, &ss);
	int fd = -1;
	int one = 1;
	char as[ADDR_STRLEN];

	if (bgp_sa_scope(&ss, ifname) < 0)
		goto fail;
	fd = socket(a->af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* The address may still be tentative (IPv6 DAD) or come up later. */
	setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one));
	if (a->af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 64) < 0)
		goto fail;
	if (ev_io_add(sp->loop, fd, EPOLLIN, on_accept, sp) < 0)
		goto fail;
	sp->listeners = xrealloc(sp->listeners, (sp->nlisteners + 1) * sizeof(*sp->listeners));
	sp->listeners[sp->nlisteners] = (struct bgp_listener){ .fd = fd, .addr = *a };
	strcpy(sp->listeners[sp->nlisteners++].ifname, ifname);
	log_info("listening on %s%s%s port %u", addr_fmt(a, as), *ifname ? "%" : "", ifname,
		 sp->port);
	return 0;
fail:
	snprintf(err, errlen, "listen %s%s%s port %u: %s", addr_fmt(a, as), *ifname ? "%" : "",
		 ifname, sp->port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

int bgp_speaker_listen(struct bgp_speaker *sp, const struct addr *addrs, const char (*ifnames)[16],
		       size_t n, char *err, size_t errlen)
{
#define IFN(j) (ifnames ? ifnames[j] : "")
	/* Close the ones no longer wanted. */
	for (size_t i = 0; i < sp->nlisteners;) {
		int keep = 0;

		for (size_t j = 0; j < n; j++)
			keep |= addr_eq(&sp->listeners[i].addr, &addrs[j]) &&
				!strcmp(sp->listeners[i].ifname, IFN(j));
		if (keep) {
			i++;
			continue;
		}
		close_listener(sp, &sp->listeners[i]);
		sp->listeners[i] = sp->listeners[--sp->nlisteners];
	}
	for (size_t j = 0; j < n; j++) {
		int have = 0;

		for (size_t i = 0; i < sp->nlisteners; i++)
			have |= addr_eq(&sp->listeners[i].addr, &addrs[j]) &&
				!strcmp(sp->listeners[i].ifname, IFN(j));
		if (!have && open_listener(sp, &addrs[j], IFN(j), err, errlen) < 0)
			return -1;
	}
	return 0;
#undef IFN
}

/* ---- neighbours ---- */

/* What each session reports, turned into RIB work (see session.h). */
static void on_established(struct bgp_peer *p)
{
	struct bgp_speaker *sp = p->sp;

	if (sp->peer_event)
		sp->peer_event(sp, p, 1, sp->peer_arg);
	bgp_adjout_start(p, &sp->rib);
}

static void on_down(struct bgp_peer *p)
{
	struct bgp_speaker *sp = p->sp;

	bgp_adjin_clear(p);
	if (sp->peer_event)
		sp->peer_event(sp, p, 0, sp->peer_arg);
	bgp_adjout_reset(p);
}

static void on_refresh(struct bgp_peer *p, uint16_t afi, uint8_t safi)
{
	(void)safi;
	bgp_adjout_refresh(p, afi);
}

static const struct bgp_session_ops session_ops = {
	.established = on_established,
	.down = on_down,
	.update = bgp_adjin_update,
	.refresh = on_refresh,
};

struct bgp_peer *bgp_speaker_add_peer(struct bgp_speaker *sp, const struct conf_neighbor *nc)
{
	struct bgp_session_env env = { .loop = sp->loop,
				       .local_as = sp->local_as,
				       .router_id = sp->router_id,
				       .port = sp->port,
				       .ops = &session_ops,
				       .owner = sp };
	struct bgp_peer *p = bgp_session_new(&env, nc);

	p->sp = sp;
	sp->peers = xrealloc(sp->peers, (sp->npeers + 1) * sizeof(*sp->peers));
	sp->peers[sp->npeers++] = p;
	return p;
}

void bgp_speaker_remove_peer(struct bgp_speaker *sp, struct bgp_peer *p, uint8_t cease_subcode,
			     const char *text)
{
	for (size_t i = 0; i < sp->npeers; i++) {
		if (sp->peers[i] != p)
			continue;
		memmove(&sp->peers[i], &sp->peers[i + 1],
			(sp->npeers - i - 1) * sizeof(*sp->peers));
		sp->npeers--;
		break;
	}
	bgp_session_stop(p, cease_subcode, text);
	bgp_adjout_free(p);
	bgp_session_free(p);
}

/* ---- our own routes ---- */

void bgp_speaker_originate(struct bgp_speaker *sp, const struct prefix *pfx,
			   const struct bgp_attrs *attrs)
{
	struct rib_node *n = rib_get(&sp->rib, pfx);

	if (rib_node_update(n, NULL, attrs, 0))
		bgp_locrib_changed(sp, pfx, n);
}

void bgp_speaker_withdraw(struct bgp_speaker *sp, const struct prefix *pfx)
{
	struct rib_node *n = rib_lookup(&sp->rib, pfx);

	if (n && rib_path_of(n, NULL))
		bgp_locrib_changed(sp, pfx, rib_node_withdraw(&sp->rib, n, NULL));
}
