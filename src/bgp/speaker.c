/* The BGP speaker: listening sockets, the set of neighbours, the shared RIB (see speaker.h). */
#include "bgp/speaker.h"

#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "bgp/adjin.h"
#include "bgp/adjout.h"
#include "bgp/gr.h"
#include "bgp/locrib.h"
#include "bgp/nexthop.h"
#include "bgp/sockopt.h"
#include "bgp/refresh.h"
#include "lib/log.h"

#define ACCEPT_PAUSE_MS 100
#define ACCEPT_EPISODE_MS 10000

static void accept_resume(struct ev_timer *t, void *arg);

/* The next step of every neighbour's work in steps (see speaker.h's steps_fd); each layer asks
 * for another iteration itself while it has more. */
static void run_steps(int fd, uint32_t events, void *arg)
{
	struct bgp_speaker *sp = arg;

	(void)fd;
	(void)events;
	sp->steps_asked = 0;
	for (size_t i = 0; i < sp->npeers; i++) {
		struct bgp_peer *p = sp->peers[i];

		if (p->sweep_fams)
			bgp_adjin_sweep_step(p);
		if (p->export_walking)
			bgp_adjout_walk_step(p);
	}
}

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
	ev_timer_init(&sp->accept_pause, accept_resume, sp);
	sp->steps_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (sp->steps_fd < 0 || ev_io_add(loop, sp->steps_fd, EPOLLIN, run_steps, sp) < 0)
		fatal("eventfd for the speaker's steps: %s", strerror(errno));
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
	sp->listeners = NULL; /* removing a neighbour below looks for its keys on them */
	sp->nlisteners = 0;
	/* In order, each out of the list before it goes: the routes a neighbour takes with it are
	 * exported to those still there, never to one already freed. */
	while (sp->npeers)
		bgp_speaker_remove_peer(sp, sp->peers[0], BGP_CEASE_ADMIN_SHUTDOWN, text);
	free(sp->peers);
	ev_timer_stop(sp->loop, &sp->flush);
	ev_timer_stop(sp->loop, &sp->accept_pause);
	ev_io_del(sp->loop, sp->steps_fd);
	close(sp->steps_fd);
	rib_free(&sp->rib);
	free(sp);
}

struct bgp_peer *bgp_speaker_find_peer(struct bgp_speaker *sp, const struct addr *a,
				       const char *ifname)
{
	for (size_t i = 0; i < sp->npeers; i++)
		if (addr_eq(&sp->peers[i]->conf.addr, a) &&
		    (!ifname || !strcmp(sp->peers[i]->conf.ifname, ifname)))
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
	/* RFC 4486: Cease/Connection Rejected for a speaker we do not know. */
	bgp_session_refuse(fd, BGP_CEASE_CONN_REJECTED);
	log_warn("connection from %s refused: not a configured neighbor", who);
}

static void listeners_watch(struct bgp_speaker *sp, uint32_t events)
{
	for (size_t i = 0; i < sp->nlisteners; i++)
		ev_io_mod(sp->loop, sp->listeners[i].fd, events);
}

static void accept_resume(struct ev_timer *t, void *arg) { listeners_watch(arg, EPOLLIN); }

/* Out of descriptors (or memory): the connection stays in the backlog and the listener
 * readable, so trying again at once would spin. The listeners rest ACCEPT_PAUSE_MS and the
 * neighbour's connection waits in the backlog meanwhile; logged once per episode. */
static void accept_starved(struct bgp_speaker *sp)
{
	uint64_t now = ev_now(sp->loop);

	if (!sp->accept_starved_at || now - sp->accept_starved_at >= ACCEPT_EPISODE_MS)
		log_warn("accept: %s; BGP listeners paused, retrying every %d ms", strerror(errno),
			 ACCEPT_PAUSE_MS);
	sp->accept_starved_at = now ? now : 1;
	listeners_watch(sp, 0);
	ev_timer_start(sp->loop, &sp->accept_pause, ACCEPT_PAUSE_MS);
}

static void on_accept(int lfd, uint32_t events, void *arg)
{
	struct bgp_speaker *sp = arg;

	for (int i = 0; i < 16; i++) { /* then the others get their turn */
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(lfd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct addr a;
		char as[ADDR_STRLEN];

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
			    errno == ENOMEM)
				accept_starved(sp);
			else if (errno == ECONNABORTED || errno == EINTR)
				continue;
			else if (errno != EAGAIN && errno != EWOULDBLOCK)
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
	bgp_sockopt_listener(sp, fd, a->af);
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

/* ifnames[j] is the interface of a link-local addrs[j], "" otherwise; ifnames may be NULL. */
#define IFN(ifnames, j) ((ifnames) ? (ifnames)[j] : "")

static int has_listener(const struct bgp_speaker *sp, const struct addr *a, const char *ifname)
{
	for (size_t i = 0; sp && i < sp->nlisteners; i++)
		if (addr_eq(&sp->listeners[i].addr, a) && !strcmp(sp->listeners[i].ifname, ifname))
			return 1;
	return 0;
}

static int in_addrs(const struct addr *addrs, const char (*ifnames)[16], size_t n,
		    const struct bgp_listener *l)
{
	for (size_t j = 0; j < n; j++)
		if (addr_eq(&addrs[j], &l->addr) && !strcmp(IFN(ifnames, j), l->ifname))
			return 1;
	return 0;
}

void bgp_speaker_listen_prune(struct bgp_speaker *sp, const struct addr *addrs,
			      const char (*ifnames)[16], size_t n)
{
	for (size_t i = 0; i < sp->nlisteners;) {
		if (in_addrs(addrs, ifnames, n, &sp->listeners[i])) {
			i++;
			continue;
		}
		close_listener(sp, &sp->listeners[i]);
		sp->listeners[i] = sp->listeners[--sp->nlisteners];
	}
}

int bgp_speaker_listen_add(struct bgp_speaker *sp, const struct addr *addrs,
			   const char (*ifnames)[16], size_t n, const struct bgp_speaker *skip,
			   char *err, size_t errlen)
{
	size_t had = sp->nlisteners;

	for (size_t j = 0; j < n; j++) {
		if (has_listener(sp, &addrs[j], IFN(ifnames, j)) ||
		    has_listener(skip, &addrs[j], IFN(ifnames, j)))
			continue;
		if (open_listener(sp, &addrs[j], IFN(ifnames, j), err, errlen) < 0) {
			/* All or nothing: close what this call opened. */
			while (sp->nlisteners > had)
				close_listener(sp, &sp->listeners[--sp->nlisteners]);
			return -1;
		}
	}
	return 0;
}

void bgp_speaker_listen_move(struct bgp_speaker *to, struct bgp_speaker *from,
			     const struct addr *addrs, const char (*ifnames)[16], size_t n)
{
	for (size_t i = 0; i < from->nlisteners;) {
		struct bgp_listener l = from->listeners[i];

		if (!in_addrs(addrs, ifnames, n, &l) || has_listener(to, &l.addr, l.ifname)) {
			i++;
			continue;
		}
		from->listeners[i] = from->listeners[--from->nlisteners];
		ev_io_del(from->loop, l.fd);
		ev_io_add(to->loop, l.fd, EPOLLIN, on_accept, to);
		to->listeners = xrealloc(to->listeners,
					 (to->nlisteners + 1) * sizeof(*to->listeners));
		to->listeners[to->nlisteners++] = l;
	}
}

int bgp_speaker_listen(struct bgp_speaker *sp, const struct addr *addrs, const char (*ifnames)[16],
		       size_t n, char *err, size_t errlen)
{
	bgp_speaker_listen_prune(sp, addrs, ifnames, n);
	return bgp_speaker_listen_add(sp, addrs, ifnames, n, NULL, err, errlen);
}
#undef IFN

/* ---- neighbours ---- */

/* What each session reports, turned into RIB work (see session.h). */
static void on_established(struct bgp_peer *p)
{
	struct bgp_speaker *sp = p->sp;

	/* What the last session left must be gone before this one's paths arrive. */
	bgp_adjin_sweep_finish(p);
	if (sp->peer_event)
		sp->peer_event(sp, p, 1, sp->peer_arg);
	bgp_gr_up(p);
	bgp_adjout_start(p);
}

static void on_down(struct bgp_peer *p)
{
	struct bgp_speaker *sp = p->sp;
	bgp_adjin_sweep_finish(p);     /* (none normally: Established finished it) */
	uint8_t kept = bgp_gr_down(p); /* graceful restart keeps these families' paths */

	if (!kept)
		bgp_gr_forget(p);
	bgp_adjin_sweep(p, (uint8_t)~kept);
	if (sp->peer_event)
		sp->peer_event(sp, p, 0, sp->peer_arg);
	bgp_adjout_reset(p);
}

static int on_update(struct bgp_peer *p, struct bgp_update *u, struct bgp_err *e)
{
	int r = bgp_adjin_update(p, u, e);

	if (r == 0 && u->eor)
		bgp_gr_eor(p, u->eor_afi);
	return r;
}

static const struct bgp_session_ops session_ops = {
	.established = on_established,
	.down = on_down,
	.update = on_update,
	.refresh = bgp_refresh_answer,
	.rr_mark = bgp_refresh_mark,
	.writable = bgp_adjout_send_pending,
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
	bgp_sockopt_peer_keys(sp, p, 1);
	bgp_gr_init(p);
	p->gr_restarting = sp->gr_restarting;
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
	bgp_sockopt_peer_keys(sp, p, 0);
	/* Paths kept over a graceful restart outlive the session, not the neighbour. */
	bgp_gr_forget(p);
	bgp_adjin_clear(p); /* also ends a sweep under way */
	bgp_adjout_free(p);
	bgp_session_free(p);
}

/* ---- our own routes ---- */

void bgp_speaker_originate(struct bgp_speaker *sp, const struct prefix *pfx,
			   const struct bgp_attrs *attrs)
{
	struct rib_node *n = rib_get(&sp->rib, pfx);

	if (rib_node_update(&sp->rib, n, NULL, attrs, 0))
		bgp_locrib_changed(sp, pfx, n);
}

void bgp_speaker_reexport(struct bgp_speaker *sp, const struct prefix *pfx)
{
	struct rib_node *n = rib_lookup(&sp->rib, pfx);

	for (size_t i = 0; n && i < sp->npeers; i++)
		if (sp->peers[i]->state == BGP_ESTABLISHED)
			bgp_adjout_export(sp->peers[i], n);
}

void bgp_speaker_withdraw(struct bgp_speaker *sp, const struct prefix *pfx)
{
	struct rib_node *n = rib_lookup(&sp->rib, pfx);

	if (n && rib_path_of(n, NULL))
		bgp_locrib_changed(sp, pfx, rib_node_withdraw(&sp->rib, n, NULL));
}
