/* UDP workers and the server's life: load, bind, serve, reload, stop.
 *
 * The answer path takes no lock. Workers read the zone set through one atomic pointer; a
 * reload publishes a new set, then waits for a grace period before freeing the old one:
 * each worker announces the global epoch it has seen while it handles a batch and 0 while it
 * is idle in a system call (quiescent-state-based reclamation, as in userspace RCU). Once
 * every worker is idle or has seen the new epoch, none can hold the old pointer. */
#include "dns/server.h"

#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "dns/builder.h"
#include "dns/cookie.h"
#include "dns/drain.h"
#include "dns/metrics.h"
#include "dns/name.h"
#include "dns/zoneset.h"
#include "lib/addr.h"
#include "lib/clock.h"
#include "lib/ev.h"
#include "lib/log.h"

#define BATCH 32
#define RX_MAX 4096 /* larger queries arrive truncated and get FORMERR */

struct worker {
	/* Alone on its cache line: written per batch by the worker, read by a reload. */
	_Alignas(64) _Atomic uint64_t epoch;
	/* Its own cache line too: written per batch, read by the metrics. */
	_Alignas(64) struct dns_counters cnt;
	struct dns_server *srv;
	pthread_t tid;
	int idx;
	int *fds;
	int nfds;
	uint8_t *pktinfo; /* per fd: bound to a wildcard address, reply from the query's */
	struct mmsghdr rx[BATCH], tx[BATCH];
	struct iovec rxv[BATCH], txv[BATCH];
	struct sockaddr_storage from[BATCH];
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} rxc[BATCH], txc[BATCH];
	uint8_t *rxbuf, *txbuf;
};

static _Atomic uint64_t g_epoch = 1;
static atomic_int g_stop;

int dns_listen_parse(const char *s, struct dns_listen *out)
{
	char host[64];
	const char *port = NULL;
	size_t hl;
	struct addr a;

	memset(out, 0, sizeof(*out));
	if (s[0] == '[') {
		const char *e = strchr(s, ']');

		if (!e || (e[1] && e[1] != ':'))
			return -1;
		hl = (size_t)(e - s - 1);
		memcpy(host, s + 1, hl < sizeof(host) ? hl : 0);
		if (e[1])
			port = e + 2;
	} else {
		const char *c = strchr(s, ':');

		if (c && !strchr(c + 1, ':')) { /* one colon: v4 with a port */
			hl = (size_t)(c - s);
			port = c + 1;
		} else {
			hl = strlen(s);
		}
		if (hl < sizeof(host))
			memcpy(host, s, hl);
	}
	if (hl >= sizeof(host))
		return -1;
	host[hl] = 0;
	if (addr_parse(host, &a) < 0)
		return -1;
	unsigned long p = DNS_DEFAULT_PORT;

	if (port) {
		char *end;

		if (!*port || *port < '0' || *port > '9')
			return -1;
		p = strtoul(port, &end, 10);
		if (*end || p == 0 || p > 65535)
			return -1;
	}
	out->sslen = addr_to_sa(&a, (uint16_t)p, &out->ss);
	char at[ADDR_STRLEN];

	snprintf(out->text, sizeof(out->text), a.af == AF_INET6 ? "[%s]:%lu" : "%s:%lu",
		 addr_fmt(&a, at), p);
	return 0;
}

static int is_wildcard(const struct dns_listen *l)
{
	static const uint8_t any6[16];

	if (l->ss.ss_family == AF_INET)
		return ((const struct sockaddr_in *)&l->ss)->sin_addr.s_addr == htonl(INADDR_ANY);
	return memcmp(&((const struct sockaddr_in6 *)&l->ss)->sin6_addr, any6, 16) == 0;
}

static int udp_socket(const struct dns_listen *l)
{
	int fd = socket(l->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0)
		return -1;
	/* SO_REUSEPORT: the kernel spreads queries over the workers' sockets by flow hash */
	setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (l->ss.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (is_wildcard(l)) {
		/* On a wildcard bind the reply must leave from the address that was asked, or the
		 * client drops it: learn it per packet (the anycast address is one of many). */
		if (l->ss.ss_family == AF_INET)
			setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one));
		else
			setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one));
	}
	if (bind(fd, (const struct sockaddr *)&l->ss, l->sslen) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* Turns the received packet info into the source for the reply. */
static socklen_t reply_pktinfo(const struct msghdr *in, void *out)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(in); c; c = CMSG_NXTHDR((struct msghdr *)in, c)) {
		struct cmsghdr *o = out;

		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			pi.ipi_spec_dst = pi.ipi_addr;
			pi.ipi_ifindex = 0;
			o->cmsg_level = IPPROTO_IP;
			o->cmsg_type = IP_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(o), &pi, sizeof(pi));
			return CMSG_SPACE(sizeof(pi));
		}
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			o->cmsg_level = IPPROTO_IPV6;
			o->cmsg_type = IPV6_PKTINFO;
			o->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
			memcpy(CMSG_DATA(o), CMSG_DATA(c), sizeof(struct in6_pktinfo));
			return CMSG_SPACE(sizeof(struct in6_pktinfo));
		}
	}
	return 0;
}

static void rx_prepare(struct worker *w, int pktinfo)
{
	for (int i = 0; i < BATCH; i++) {
		struct msghdr *h = &w->rx[i].msg_hdr;

		w->rxv[i] = (struct iovec){ w->rxbuf + (size_t)i * RX_MAX, RX_MAX };
		h->msg_name = &w->from[i];
		h->msg_namelen = sizeof(w->from[i]);
		h->msg_iov = &w->rxv[i];
		h->msg_iovlen = 1;
		h->msg_control = pktinfo ? w->rxc[i].buf : NULL;
		h->msg_controllen = pktinfo ? sizeof(w->rxc[i].buf) : 0;
		h->msg_flags = 0;
	}
}

/* Answers n received packets and sends the replies. */
static void handle_batch(struct worker *w, int fd, int pktinfo, int n)
{
	struct dns_server *srv = w->srv;
	int m = 0, admit = n;

	/* Over capacity: the batch's last queries go unanswered. One clock read and one atomic
	 * operation per batch; nothing at all without --capacity. */
	if (srv->bucket) {
		admit = (int)dns_bucket_take(srv->bucket, clk_now_ns(), (unsigned)n);
		dns_count(&w->cnt.dropped_capacity, (uint64_t)(n - admit));
	}
	/* Online: announce the epoch, then read the pointer (both seq_cst; see the top). */
	atomic_store(&w->epoch, atomic_load(&g_epoch));
	const struct dns_zoneset *zs = atomic_load(&srv->zs);

	for (int i = 0; i < admit; i++) {
		struct msghdr *in = &w->rx[i].msg_hdr;
		uint8_t *out = w->txbuf + (size_t)m * srv->o->udp_max;
		size_t len = dns_secondaries_answer(srv->sec, &srv->ctx, zs, in->msg_name,
						    w->rxv[i].iov_base, w->rx[i].msg_len, out,
						    srv->o->udp_max, 0);

		if (!len)
			continue;
		struct msghdr *h = &w->tx[m].msg_hdr;

		w->txv[m] = (struct iovec){ out, len };
		h->msg_name = in->msg_name;
		h->msg_namelen = in->msg_namelen;
		h->msg_iov = &w->txv[m];
		h->msg_iovlen = 1;
		h->msg_control = NULL;
		h->msg_controllen = 0;
		h->msg_flags = 0;
		if (pktinfo) {
			socklen_t cl = reply_pktinfo(in, w->txc[m].buf);

			if (cl) {
				h->msg_control = w->txc[m].buf;
				h->msg_controllen = cl;
			}
		}
		m++;
	}
	/* Offline: the replies are copies; nothing below touches the zone set. */
	atomic_store_explicit(&w->epoch, 0, memory_order_release);
	dns_count(&w->cnt.received, (uint64_t)n);
	dns_count(&w->cnt.answered, (uint64_t)m);
	dns_count(&w->cnt.unanswered, (uint64_t)(admit - m));
	for (int done = 0; done < m;) {
		int r = sendmmsg(fd, w->tx + done, (unsigned)(m - done), 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			done++; /* e.g. an unreachable source: skip that one, send the rest */
			continue;
		}
		done += r;
	}
}

static int udp_recv(struct worker *w, int k, int flags)
{
	rx_prepare(w, w->pktinfo[k]);
	int n = recvmmsg(w->fds[k], w->rx, BATCH, flags, NULL);

	if (n > 0)
		handle_batch(w, w->fds[k], w->pktinfo[k], n);
	return n;
}

/* Software receive coalescing (off unless --coalesce): under sustained load, a short nap
 * after a partial batch lets the next recvmmsg take many queries at once, which saves
 * system calls, context switches and wake-ups per query, at the price of up to that much
 * latency. Queries that come alone (more than 1 ms apart) are never delayed. */
static void coalesce(struct worker *w, int n, uint64_t *last)
{
	unsigned us = w->srv->o->coalesce_us;

	if (!us || n <= 0 || n >= BATCH)
		return;
	uint64_t now = (uint64_t)clk_now_ns();

	if (now - *last < 1000000)
		clk_sleep_ns((int64_t)us * 1000);
	*last = now;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t last = 0;

	if (w->nfds == 1) {
		/* One socket: block in recvmmsg itself, one system call per wake-up. */
		while (!atomic_load_explicit(&g_stop, memory_order_relaxed)) {
			int n = udp_recv(w, 0, MSG_WAITFORONE);

			if (n < 0 && errno != EINTR && errno != EAGAIN) {
				log_warn("udp worker %d: recvmmsg: %s", w->idx, strerror(errno));
				clk_sleep_ms(10);
			}
			coalesce(w, n, &last);
		}
		return NULL;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		fatal("epoll_create1: %s", strerror(errno));
	for (int k = 0; k < w->nfds; k++) {
		struct epoll_event ee = { .events = EPOLLIN, .data.u32 = (uint32_t)k };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, w->fds[k], &ee) < 0)
			fatal("epoll_ctl: %s", strerror(errno));
	}
	while (!atomic_load_explicit(&g_stop, memory_order_relaxed)) {
		struct epoll_event ev[16];
		int n = epoll_wait(ep, ev, 16, -1), got = 0;

		for (int i = 0; i < n; i++) {
			int k = (int)ev[i].data.u32;

			/* Drain a little, then let the other sockets have a turn. */
			for (int rounds = 0; rounds < 4; rounds++) {
				int r = udp_recv(w, k, MSG_DONTWAIT);

				got += r > 0 ? r : 0;
				if (r < BATCH)
					break;
			}
		}
		coalesce(w, got, &last);
	}
	close(ep);
	return NULL;
}

/* Publishes zs; returns the previous set once no worker can still read it. */
static struct dns_zoneset *publish(struct dns_server *srv, struct worker *ws, int nw,
				   struct dns_zoneset *zs)
{
	struct dns_zoneset *old = atomic_exchange(&srv->zs, zs);
	uint64_t e = atomic_fetch_add(&g_epoch, 1) + 1;

	for (int i = 0; i < nw; i++) {
		for (;;) {
			uint64_t v = atomic_load(&ws[i].epoch);

			if (v == 0 || v >= e)
				break;
			clk_sleep_ns(20000);
		}
	}
	return old;
}

struct run {
	struct dns_server srv;
	struct worker *ws;
	int nw;
	struct dns_builder *builder;
	int build_again;          /* a reload was asked for while a build ran */
	struct dns_ztext *ztexts; /* the secondaries' texts of the running build */
	uint8_t cookie_key[DNS_COOKIE_SECRET];
	struct dns_bucket bucket;
	struct dns_metrics *metrics;
	struct dns_drain *drain;
	struct dns_rate rate;    /* queries received, for the load gauge */
	struct ev_timer sampler; /* every DNS_RATE_STEP_MS while the metrics are served */
};

static void log_zones(const struct dns_zoneset *zs)
{
	for (int i = 0; i < zs->nzones; i++) {
		char name[1024];

		dns_name_to_text(zs->zones[i]->apex, name, sizeof(name));
		log_info("zone %s from %s: %u names", name, zs->zones[i]->file,
			 zs->zones[i]->nnodes);
	}
}

/* Zone sets are built on the builder thread from the files and the secondaries' texts, and
 * swapped in here; the main loop answers TCP meanwhile. */
static void build(struct run *r)
{
	if (dns_builder_busy(r->builder)) {
		r->build_again = 1;
		return;
	}
	int nt = dns_secondaries_texts(r->srv.sec, r->ztexts);

	dns_builder_start(r->builder, r->srv.o->zones, r->srv.o->nzones, r->ztexts, nt);
}

static void on_built(struct dns_zoneset *zs, const char *err, struct dns_ztext *t, int nt,
		     void *arg)
{
	struct run *r = arg;

	if (zs) {
		dns_builder_dispose(r->builder, publish(&r->srv, r->ws, r->nw, zs));
		log_info("reloaded %d zones, %zu records", zs->nzones, zs->records);
		log_zones(zs);
	} else {
		log_err("reload failed, still serving the previous zones: %s", err);
	}
	dns_secondaries_built(r->srv.sec, zs != NULL, t, nt);
	if (r->build_again) {
		r->build_again = 0;
		build(r);
	}
}

static void on_hup(int sig, void *arg)
{
	(void)sig;
	build(arg);
}

static void on_sec_changed(void *arg) { build(arg); }

/* Every counter, summed over the workers and the TCP side. */
static void stats_read(struct run *r, struct dns_stats *s)
{
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < r->nw; i++)
		dns_stats_add(s, &r->ws[i].cnt, DNS_UDP);
	if (r->srv.tcp)
		dns_tcp_stats(r->srv.tcp, s);
	s->draining = atomic_load(&r->srv.draining);
	s->capacity = r->srv.o->capacity;
}

static void on_metrics(struct dns_stats *s, void *arg)
{
	struct run *r = arg;

	stats_read(r, s);
	if (s->capacity)
		s->load = dns_rate_per_s(&r->rate, ev_now(r->srv.loop),
					 s->received[DNS_UDP] + s->received[DNS_TCP]) /
			  s->capacity;
}

static void on_sample(struct ev_timer *tm, void *arg)
{
	struct run *r = arg;
	struct dns_stats s;

	stats_read(r, &s);
	dns_rate_sample(&r->rate, ev_now(r->srv.loop), s.received[DNS_UDP] + s.received[DNS_TCP]);
	ev_timer_start(r->srv.loop, tm, DNS_RATE_STEP_MS);
}

static void on_drain(int on, void *arg)
{
	struct run *r = arg;

	atomic_store(&r->srv.draining, on);
	log_info("drain file %s %s: TCP connections %s", r->srv.o->drain_file,
		 on ? "exists" : "is gone", on ? "closed once answered" : "kept open");
	dns_tcp_drain(r->srv.tcp, on);
}

static void on_term(int sig, void *arg)
{
	struct run *r = arg;

	log_info("signal %d: stopping", sig);
	ev_break(r->srv.loop);
}

static int nproc_allowed(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return CPU_COUNT(&set);
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}

int dns_server_run(const struct dns_server_opts *o)
{
	static const char version[] = "anycast-dns " DNS_VERSION;
	struct run r;
	char err[1024];
	int rc = 1, nthreads = o->threads > 0 ? o->threads : nproc_allowed();

	memset(&r, 0, sizeof(r));
	r.srv.o = o;
	const char *v = o->version ? o->version : version;
	int hide = o->version && strcmp(o->version, "hide") == 0;

	r.srv.ctx = (struct dns_ctx){ o->identity,
				      strlen(o->identity),
				      hide ? NULL : v,
				      hide ? 0 : strlen(v),
				      o->udp_max,
				      r.cookie_key,
				      0 };
	/* Without a shared secret, a random one: cookies still work, per instance. */
	if (o->cookie_secret
		    ? dns_cookie_secret_load(o->cookie_secret, r.cookie_key, err, sizeof(err)) < 0
		    : getrandom(r.cookie_key, sizeof(r.cookie_key), 0) !=
			      (ssize_t)sizeof(r.cookie_key)) {
		log_err("%s", o->cookie_secret ? err : "getrandom failed");
		return 1;
	}
	r.srv.loop = ev_loop_new();
	if (o->nsecondaries)
		r.srv.sec = dns_secondaries_new(r.srv.loop, o->secondaries, o->nsecondaries,
						o->zone_dir, on_sec_changed, &r);
	r.ztexts = xcalloc((size_t)o->nsecondaries + 1, sizeof(*r.ztexts));
	int nt = dns_secondaries_texts(r.srv.sec, r.ztexts);
	struct dns_zoneset *zs = dns_zoneset_build(o->zones, o->nzones, r.ztexts, nt, err,
						   sizeof(err));

	dns_secondaries_built(r.srv.sec, zs != NULL, r.ztexts, nt);
	if (!zs) {
		log_err("%s", err);
		goto out;
	}
	atomic_store(&r.srv.zs, zs);
	log_info("loaded %d zones, %zu records", zs->nzones, zs->records);
	log_zones(zs);
	r.builder = dns_builder_new(r.srv.loop, on_built, &r);
	r.nw = nthreads;
	r.ws = aligned_alloc(64, ((sizeof(*r.ws) * (size_t)nthreads + 63) / 64) * 64);
	if (!r.ws)
		fatal("out of memory");
	memset(r.ws, 0, sizeof(*r.ws) * (size_t)nthreads);
	for (int t = 0; t < nthreads; t++) {
		struct worker *w = &r.ws[t];

		w->srv = &r.srv;
		w->idx = t;
		w->nfds = o->nlisten;
		w->fds = xmalloc(sizeof(int) * (size_t)o->nlisten);
		w->pktinfo = xcalloc((size_t)o->nlisten, 1);
		for (int k = 0; k < o->nlisten; k++) {
			w->fds[k] = udp_socket(&o->listen[k]);
			if (w->fds[k] < 0) {
				log_err("udp %s: %s", o->listen[k].text, strerror(errno));
				w->nfds = k;
				goto out;
			}
			w->pktinfo[k] = (uint8_t)is_wildcard(&o->listen[k]);
		}
		w->rxbuf = xmalloc((size_t)BATCH * RX_MAX);
		w->txbuf = xmalloc((size_t)BATCH * o->udp_max);
	}
	if (o->capacity) {
		dns_bucket_init(&r.bucket, o->capacity, clk_now_ns());
		r.srv.bucket = &r.bucket;
	}
	r.srv.tcp = dns_tcp_start(&r.srv, o->listen, o->nlisten);
	if (!r.srv.tcp)
		goto out;
	if (o->metrics) {
		r.metrics = dns_metrics_new(r.srv.loop, o->metrics, on_metrics, &r);
		if (!r.metrics)
			goto out;
		ev_timer_init(&r.sampler, on_sample, &r);
		on_sample(&r.sampler, &r);
	}
	/* The drain file is looked at before the first query: a restart while drained stays so. */
	if (o->drain_file)
		r.drain = dns_drain_new(r.srv.loop, o->drain_file, on_drain, &r);
	if (o->daemonize) {
		if (daemon(0, 0) < 0) {
			log_err("daemon: %s", strerror(errno));
			goto out;
		}
		log_init("anycast-dns", 0, LOG_LVL_INFO);
	}
	/* Signals first: the workers inherit the blocked mask and never see them. */
	signal(SIGPIPE, SIG_IGN);
	if (ev_signal_add(r.srv.loop, SIGHUP, on_hup, &r) < 0 ||
	    ev_signal_add(r.srv.loop, SIGTERM, on_term, &r) < 0 ||
	    ev_signal_add(r.srv.loop, SIGINT, on_term, &r) < 0)
		fatal("signalfd: %s", strerror(errno));
	int started = 0;

	for (int t = 0; t < nthreads; t++) {
		int e = pthread_create(&r.ws[t].tid, NULL, worker_main, &r.ws[t]);

		if (e) {
			log_err("pthread_create: %s", strerror(e));
			break;
		}
		started++;
	}
	if (started == nthreads) {
		for (int k = 0; k < o->nlisten; k++)
			log_info("listening on %s (udp x%d, tcp)", o->listen[k].text, nthreads);
		if (o->capacity)
			log_info("capacity %u queries/s, burst %u", r.bucket.rate, r.bucket.burst);
		log_info("%s ready, identity \"%s\"", version, o->identity);
		ev_run(r.srv.loop);
		rc = 0;
	}
	/* Stop: shutdown() wakes a thread blocked in recvmmsg or epoll on that socket. */
	atomic_store(&g_stop, 1);
	for (int t = 0; t < nthreads; t++)
		for (int k = 0; k < r.ws[t].nfds; k++)
			shutdown(r.ws[t].fds[k], SHUT_RDWR);
	for (int t = 0; t < started; t++)
		pthread_join(r.ws[t].tid, NULL);
out:
	dns_drain_free(r.drain);
	if (r.metrics) {
		ev_timer_stop(r.srv.loop, &r.sampler);
		dns_metrics_free(r.metrics);
	}
	dns_builder_free(r.builder);
	dns_secondaries_free(r.srv.sec);
	free(r.ztexts);
	if (r.srv.tcp)
		dns_tcp_stop(r.srv.tcp);
	for (int t = 0; r.ws && t < nthreads; t++) {
		for (int k = 0; k < r.ws[t].nfds; k++)
			close(r.ws[t].fds[k]);
		free(r.ws[t].fds);
		free(r.ws[t].pktinfo);
		free(r.ws[t].rxbuf);
		free(r.ws[t].txbuf);
	}
	free(r.ws);
	dns_zoneset_free(atomic_load(&r.srv.zs));
	if (r.srv.loop)
		ev_loop_free(r.srv.loop);
	return rc;
}
