/* The secondaries' life in the event loop. Per zone: a refresh timer (the SOA's refresh after
 * a success, its retry after a failure), an expire timer (restarted by every success, the
 * copy no longer served when it fires), and at most one transfer at a time: a non-blocking
 * TCP connection that sends IXFR (AXFR without a copy, or after the primary could not do
 * IXFR) and feeds each reply message to xfr.c. NOTIFY only sets a flag and wakes the loop,
 * so the worker threads that receive it never touch a zone's state. */
#include "dns/secondary.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/xfr.h"
#include "dns/zfile.h"
#include "lib/ev.h"
#include "lib/log.h"

#define XFR_IDLE_MS 10000  /* a transfer that makes no progress this long is dropped */
#define RETRY_NO_SOA_S 10  /* retry before we have any SOA to take the interval from */
#define TIMER_MAX_S 86400u /* longer SOA timers are capped (they fit the timer in ms) */
#define RBUF (2 + 65535)
#define XFR_READS 2 /* reads of up to RBUF per wake-up */

struct sec {
	const struct dns_secondary_cfg *cfg;
	struct dns_secondaries *all;
	/* What the primary had at the last transfer: the base of the next IXFR, never changed in
	 * place. A transfer makes a new one; the builder thread turns it into the text to serve
	 * and save (reading it while the loop may read it as an IXFR base), so the one a build
	 * reads (db_build) is freed only after that build, not when a newer transfer lands. */
	struct dns_rrdb *db, *db_build;
	int cand_db; /* db is newer than text: build it */
	char *text;  /* the text served */
	size_t len;
	int slot; /* its place in the texts of the running build, or -1 */
	int expired;
	/* Not in the served set for want of data (expired, or never had a copy): the workers
	 * answer SERVFAIL for its names, as NSD and Knot do, rather than REFUSED, which would
	 * tell a resolver we are not authoritative at all (lame). */
	_Atomic int down;
	char path[4096]; /* the copy on disk, or "" */
	struct ev_timer refresh, expire, idle;
	_Atomic int notified;
	/* the transfer */
	int fd, connected, again, force_axfr;
	uint8_t *rbuf;
	size_t rlen;
	struct dns_xfr x;
	uint16_t id;
};

struct dns_secondaries {
	struct ev_loop *loop;
	struct sec *v;
	int n;
	int efd;           /* NOTIFY wakes the loop through it */
	_Atomic int ndown; /* zones down: queries check their names only while some are */
	dns_sec_changed_cb *cb;
	void *arg;
};

int dns_secondary_zone(const char *name, size_t n, struct dns_secondary_cfg *out)
{
	const char *err;
	uint8_t root = 0;
	int l = n == 1 && name[0] == '.' ? 1 : dns_name_from_text(name, n, &root, out->zone, &err);

	if (l < 0)
		return -1;
	if (l == 1)
		out->zone[0] = 0;
	out->zlen = (size_t)l;
	dns_name_lower(out->zone, out->zone, out->zlen);
	dns_name_to_text(out->zone, out->name, sizeof(out->name));
	return 0;
}

static uint32_t soa_timer(const struct sec *z, int idx, uint32_t dflt)
{
	uint32_t v = z->db->soa ? dns_rrdb_soa_field(z->db, idx) : dflt;

	return v < 1 ? 1 : v > TIMER_MAX_S ? TIMER_MAX_S : v;
}

enum { UP, DOWN_EMPTY, DOWN_EXPIRED };

static void set_down(struct sec *z, int down)
{
	int was = atomic_exchange(&z->down, down);

	if (!was != !down)
		atomic_fetch_add(&z->all->ndown, down ? 1 : -1);
}

/* ---- the copy on disk ---- */

/* DIR/NAME.zone, with anything but [a-z0-9.-_] in the name hex-escaped; the root is "root". */
static void disk_path(struct sec *z, const char *dir)
{
	char f[1024];
	size_t w = 0;
	const char *nm = z->cfg->zlen == 1 ? "root" : z->cfg->name;
	size_t nl = strlen(nm);

	if (nl > 1 && nm[nl - 1] == '.')
		nl--;
	for (size_t i = 0; i < nl && w + 4 < sizeof(f); i++) {
		unsigned char c = (unsigned char)nm[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_')
			f[w++] = (char)c;
		else
			w += (size_t)snprintf(f + w, sizeof(f) - w, "%%%02x", c);
	}
	f[w] = 0;
	snprintf(z->path, sizeof(z->path), "%s/%s.zone", dir, f);
}

/* At start-up the first build runs on the main thread, and saves nothing: the builder's
 * job then (builder.h). Written as dns_zfile_save does. */
static void disk_write(struct sec *z)
{
	char err[600];

	if (z->path[0] && z->text && dns_zfile_save(z->path, z->text, z->len, err, sizeof(err)) < 0)
		log_warn("secondary %s: %s", z->cfg->name, err);
}

/* Loads the copy; its age (the file's mtime is the last time the primary confirmed it)
 * counts against the SOA expire. Returns the seconds of validity left, 0 when expired, -1
 * without a usable copy. */
static long disk_load(struct sec *z)
{
	struct stat st;
	int fd = open(z->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > (off_t)1 << 30) {
		close(fd);
		return -1;
	}
	char *text = xmalloc((size_t)st.st_size + 1);
	ssize_t r = read(fd, text, (size_t)st.st_size);

	close(fd);
	char err[512];

	if (r != st.st_size ||
	    dns_rrdb_parse(z->db, z->path, text, (size_t)r, err, sizeof(err)) < 0 || !z->db->soa) {
		log_warn("secondary %s: ignoring %s: %s", z->cfg->name, z->path,
			 r != st.st_size ? "short read"
			 : z->db->soa    ? err
					 : "no SOA");
		dns_rrdb_free(z->db);
		free(text);
		return -1;
	}
	z->text = text;
	z->len = (size_t)r;
	long age = (long)(time(NULL) - st.st_mtime), exp = (long)soa_timer(z, 3, 0);

	return age < 0 ? exp : age >= exp ? 0 : exp - age;
}

/* ---- the transfer ---- */

static void refresh_now(struct sec *z);

/* d is no longer the zone's db: freed unless a running build reads it. */
static void db_release(struct sec *z, struct dns_rrdb *d)
{
	if (!d || d == z->db || d == z->db_build)
		return;
	dns_rrdb_free(d);
	free(d);
}

static void xfr_close(struct sec *z)
{
	if (z->fd >= 0) {
		ev_io_del(z->all->loop, z->fd);
		close(z->fd);
		z->fd = -1;
		dns_xfr_end(&z->x);
	}
	ev_timer_stop(z->all->loop, &z->idle);
	free(z->rbuf);
	z->rbuf = NULL;
	z->rlen = 0;
}

static void expire_arm(struct sec *z, uint64_t ms) { ev_timer_start(z->all->loop, &z->expire, ms); }

/* The copy is current as of now. */
static void confirmed(struct sec *z, int changed)
{
	ev_timer_start(z->all->loop, &z->refresh, (uint64_t)soa_timer(z, 1, 0) * 1000);
	expire_arm(z, (uint64_t)soa_timer(z, 3, 0) * 1000);
	if (!changed && z->path[0] && z->text)
		utimensat(AT_FDCWD, z->path, NULL, 0); /* the mtime dates the copy */
	if (changed || z->expired) {
		z->expired = 0;
		z->all->cb(z->all->arg);
	}
}

static void xfr_done(struct sec *z, enum dns_xfr_result r)
{
	const char *how = z->x.qtype == DNS_T_IXFR ? "IXFR" : "AXFR";

	if (r == DNS_XFR_UPTODATE) {
		log_debug("secondary %s: serial %u is current at %s", z->cfg->name,
			  dns_rrdb_soa_field(z->db, 0), z->cfg->ptext);
		xfr_close(z);
		confirmed(z, 0);
	} else if (r == DNS_XFR_DONE) {
		struct dns_rrdb *old = z->db;

		z->db = xmalloc(sizeof(*z->db));
		*z->db = z->x.db;
		dns_rrdb_init(&z->x.db);
		db_release(z, old);
		z->cand_db = 1; /* its text is made on the builder thread */
		log_info("secondary %s: serial %u from %s by %s (%u records, %d messages)",
			 z->cfg->name, dns_rrdb_soa_field(z->db, 0), z->cfg->ptext, how, z->x.nrr,
			 z->x.msgs);
		xfr_close(z);
		confirmed(z, 1);
	} else if (r == DNS_XFR_FALLBACK && !z->force_axfr) {
		log_info("secondary %s: %s from %s: %s; trying AXFR", z->cfg->name, how,
			 z->cfg->ptext, z->x.err);
		xfr_close(z);
		z->force_axfr = 1;
		refresh_now(z);
		return;
	} else {
		log_warn("secondary %s: %s from %s failed: %s; retry in %u s", z->cfg->name, how,
			 z->cfg->ptext, z->x.err, soa_timer(z, 2, RETRY_NO_SOA_S));
		xfr_close(z);
		ev_timer_start(z->all->loop, &z->refresh,
			       (uint64_t)soa_timer(z, 2, RETRY_NO_SOA_S) * 1000);
	}
	z->force_axfr = 0;
	if (z->again) { /* a NOTIFY came during the transfer */
		z->again = 0;
		refresh_now(z);
	}
}

static void xfr_fail(struct sec *z, const char *why)
{
	snprintf(z->x.err, sizeof(z->x.err), "%s", why);
	xfr_done(z, DNS_XFR_ERROR);
}

static void on_xfr_io(int fd, uint32_t events, void *arg)
{
	struct sec *z = arg;

	ev_timer_start(z->all->loop, &z->idle, XFR_IDLE_MS);
	if (!z->connected) {
		int e = 0;
		socklen_t el = sizeof(e);
		uint8_t q[2 + 1024];

		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
			xfr_fail(z, strerror(e ? e : errno));
			return;
		}
		int n = dns_xfr_query(&z->x, q + 2, sizeof(q) - 2);

		put16(q, (uint16_t)n);
		/* a fresh connection takes a query this small whole */
		if (n < 0 || send(fd, q, (size_t)n + 2, MSG_NOSIGNAL) != n + 2) {
			xfr_fail(z, "cannot send the query");
			return;
		}
		z->connected = 1;
		ev_io_mod(z->all->loop, fd, EPOLLIN);
		return;
	}
	/* A few reads per wake-up, then back to the loop (epoll is level-triggered): a primary
	 * that sends faster than we apply must not keep TCP clients waiting for the whole zone. */
	for (int reads = 0; reads < XFR_READS; reads++) {
		ssize_t r = recv(fd, z->rbuf + z->rlen, RBUF - z->rlen, MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				xfr_fail(z, strerror(errno));
			return;
		}
		if (r == 0) {
			xfr_fail(z, "the primary closed the connection before the end");
			return;
		}
		z->rlen += (size_t)r;
		size_t off = 0;

		while (z->rlen - off >= 2 && z->rlen - off - 2 >= get16(z->rbuf + off)) {
			size_t ml = get16(z->rbuf + off);
			enum dns_xfr_result res = dns_xfr_feed(&z->x, z->rbuf + off + 2, ml);

			off += 2 + ml;
			if (res != DNS_XFR_MORE) {
				xfr_done(z, res);
				return;
			}
		}
		memmove(z->rbuf, z->rbuf + off, z->rlen - off);
		z->rlen -= off;
	}
}

static void on_xfr_idle(struct ev_timer *t, void *arg)
{
	(void)t;
	xfr_fail(arg, "no progress for 10 s");
}

static void refresh_now(struct sec *z)
{
	if (z->fd >= 0) {
		z->again = 1;
		return;
	}
	ev_timer_stop(z->all->loop, &z->refresh);
	z->fd = socket(z->cfg->primary.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	dns_xfr_begin(&z->x, z->cfg->zone, z->cfg->zlen, z->force_axfr ? NULL : z->db, ++z->id);
	if (z->fd < 0) {
		xfr_fail(z, strerror(errno));
		return;
	}
	z->connected = 0;
	z->rbuf = xmalloc(RBUF);
	z->rlen = 0;
	if ((connect(z->fd, (const struct sockaddr *)&z->cfg->primary, z->cfg->plen) < 0 &&
	     errno != EINPROGRESS) ||
	    ev_io_add(z->all->loop, z->fd, EPOLLOUT, on_xfr_io, z) < 0) {
		xfr_fail(z, strerror(errno));
		return;
	}
	ev_timer_start(z->all->loop, &z->idle, XFR_IDLE_MS);
}

static void on_refresh(struct ev_timer *t, void *arg)
{
	(void)t;
	refresh_now(arg);
}

static void on_expire(struct ev_timer *t, void *arg)
{
	struct sec *z = arg;

	(void)t;
	if (z->expired || !z->text)
		return;
	log_warn("secondary %s: expired (no answer from %s for the SOA expire of %u s); not "
		 "served until a transfer succeeds",
		 z->cfg->name, z->cfg->ptext, soa_timer(z, 3, 0));
	z->expired = 1;
	set_down(z, DOWN_EXPIRED);
	z->all->cb(z->all->arg);
}

static void on_wake(int fd, uint32_t events, void *arg)
{
	struct dns_secondaries *s = arg;
	uint64_t v;

	(void)events;
	if (read(fd, &v, sizeof(v)) < 0)
		return;
	for (int i = 0; i < s->n; i++)
		if (atomic_exchange(&s->v[i].notified, 0))
			refresh_now(&s->v[i]);
}

struct dns_secondaries *dns_secondaries_new(struct ev_loop *loop,
					    const struct dns_secondary_cfg *cfg, int n,
					    const char *dir, dns_sec_changed_cb *cb, void *arg)
{
	struct dns_secondaries *s = xcalloc(1, sizeof(*s));

	s->loop = loop;
	s->n = n;
	s->cb = cb;
	s->arg = arg;
	s->v = xcalloc((size_t)n, sizeof(*s->v));
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->efd < 0 || ev_io_add(loop, s->efd, EPOLLIN, on_wake, s) < 0)
		fatal("secondaries: eventfd: %s", strerror(errno));
	for (int i = 0; i < n; i++) {
		struct sec *z = &s->v[i];

		z->cfg = &cfg[i];
		z->all = s;
		z->fd = -1;
		z->db = xmalloc(sizeof(*z->db));
		dns_rrdb_init(z->db);
		ev_timer_init(&z->refresh, on_refresh, z);
		ev_timer_init(&z->expire, on_expire, z);
		ev_timer_init(&z->idle, on_xfr_idle, z);
		set_down(z, DOWN_EMPTY); /* until a build puts it in the set */
		if (dir)
			disk_path(z, dir);
		long left = z->path[0] ? disk_load(z) : -1;

		if (left > 0) {
			log_info("secondary %s: serial %u from %s, valid %ld s more", cfg[i].name,
				 dns_rrdb_soa_field(z->db, 0), z->path, left);
			expire_arm(z, (uint64_t)left * 1000);
		} else if (left == 0) {
			log_warn("secondary %s: the copy in %s is past its expire; not served",
				 cfg[i].name, z->path);
			z->expired = 1;
			set_down(z, DOWN_EXPIRED);
		}
		ev_timer_start(loop, &z->refresh, 0);
	}
	return s;
}

void dns_secondaries_free(struct dns_secondaries *s)
{
	if (!s)
		return;
	for (int i = 0; i < s->n; i++) {
		struct sec *z = &s->v[i];

		xfr_close(z);
		ev_timer_stop(s->loop, &z->refresh);
		ev_timer_stop(s->loop, &z->expire);
		struct dns_rrdb *b = z->db_build;

		z->db_build = NULL;
		db_release(z, b);
		dns_rrdb_free(z->db);
		free(z->db);
		free(z->text);
	}
	ev_io_del(s->loop, s->efd);
	close(s->efd);
	free(s->v);
	free(s);
}

int dns_secondaries_texts(struct dns_secondaries *s, struct dns_ztext *t)
{
	int k = 0;

	for (int i = 0; s && i < s->n; i++) {
		struct sec *z = &s->v[i];

		z->slot = -1;
		z->db_build = NULL;
		if (z->expired)
			continue;
		if (z->cand_db) {
			z->cand_db = 0;
			z->db_build = z->db;
		}
		if (!z->text && !z->db_build)
			continue;
		z->slot = k;
		t[k++] = (struct dns_ztext){ .name = z->path[0] ? z->path : z->cfg->name,
					     .save = z->path[0] ? z->path : NULL,
					     .text = z->text,
					     .len = z->len,
					     .cdb = z->db_build };
	}
	return k;
}

void dns_secondaries_built(struct dns_secondaries *s, int built, const struct dns_ztext *t, int nt)
{
	for (int i = 0; s && i < s->n; i++) {
		struct sec *z = &s->v[i];

		if (z->slot < 0 || z->slot >= nt)
			continue;
		const struct dns_ztext *r = &t[z->slot];
		char *made = (char *)r->cand; /* the text of db_build, made by the build */
		struct dns_rrdb *d = z->db_build;

		z->slot = -1;
		z->db_build = NULL;
		if (built && !z->expired && r->in_set)
			set_down(z, UP); /* in the set now: its text or the candidate */
		if (built && r->took_cand) {
			free(z->text);
			z->text = made;
			z->len = r->clen;
			made = NULL;
			if (!r->saved)
				disk_write(z);
		} else if (!built && d && d == z->db) {
			z->cand_db = 1; /* the files broke the build: try it again later */
		} else if (r->err[0]) {
			log_err("secondary %s: %s zone not served: %s", z->cfg->name,
				d ? "the transferred" : "the", r->err);
		}
		free(made);
		db_release(z, d);
	}
}

size_t dns_secondaries_notify(struct dns_secondaries *s, const struct sockaddr *from,
			      const uint8_t *pkt, size_t len, uint8_t *out, size_t cap)
{
	uint8_t name[DNS_NAME_MAX];
	size_t off = DNS_HDR_LEN;
	int rcode = DNS_RC_REFUSED, nl = -1;

	if (len < DNS_HDR_LEN || DNS_OPCODE(get16(pkt + 2)) != DNS_OP_NOTIFY)
		return 0;
	if (get16(pkt + 2) & DNS_QR)
		return 0; /* a response: never answered */
	if (get16(pkt + 4) != 1 || (nl = dns_name_unpack(pkt, len, &off, name)) < 0 ||
	    len - off < 4 || off - DNS_HDR_LEN + DNS_HDR_LEN + 4 > cap) {
		rcode = DNS_RC_FORMERR;
		nl = -1;
	} else {
		dns_name_lower(name, name, (size_t)nl);
		for (int i = 0; s && i < s->n; i++) {
			struct sec *z = &s->v[i];
			const struct sockaddr_storage *p = &z->cfg->primary;

			if (z->cfg->zlen != (size_t)nl || memcmp(z->cfg->zone, name, (size_t)nl) ||
			    p->ss_family != from->sa_family)
				continue;
			/* RFC 1996 3.10: only from a known primary; the port is any */
			int same = p->ss_family == AF_INET
					   ? ((const struct sockaddr_in *)p)->sin_addr.s_addr ==
						     ((const struct sockaddr_in *)from)
							     ->sin_addr.s_addr
					   : memcmp(&((const struct sockaddr_in6 *)p)->sin6_addr,
						    &((const struct sockaddr_in6 *)from)->sin6_addr,
						    16) == 0;

			if (same) {
				rcode = DNS_RC_NOERROR;
				atomic_store(&z->notified, 1);
				uint64_t one = 1;

				if (write(s->efd, &one, sizeof(one)) < 0)
					log_debug("notify: eventfd: %s", strerror(errno));
			}
			break;
		}
	}
	size_t qlen = nl < 0 ? 0 : off + 4 - DNS_HDR_LEN;

	if (DNS_HDR_LEN + qlen > cap)
		return 0;
	memcpy(out, pkt, DNS_HDR_LEN + qlen);
	/* QR, opcode NOTIFY and AA (RFC 1996 4.7), the question as asked */
	put16(out + 2, (uint16_t)(DNS_QR | DNS_AA | (DNS_OP_NOTIFY << 11) | rcode));
	put16(out + 4, qlen ? 1 : 0);
	memset(out + 6, 0, 6);
	return DNS_HDR_LEN + qlen;
}

/* How the zone that holds the query's name is down (DOWN_*), UP when it is not or a deeper zone
 * we serve holds it. Zone transfers are refused as ever, and the DS at the apex is the
 * parent's. */
static int for_down_zone(struct dns_secondaries *s, const struct dns_zoneset *zs,
			 const uint8_t *pkt, size_t len)
{
	struct dns_query q;
	size_t best = 0;
	int how = UP;

	if (dns_query_parse(&q, pkt, len) != DNS_RC_NOERROR || !q.has_question ||
	    (q.qclass != DNS_C_IN && q.qclass != DNS_C_ANY) || q.qtype == DNS_T_AXFR ||
	    q.qtype == DNS_T_IXFR)
		return 0;
	for (int i = 0; i < s->n; i++) {
		const struct sec *z = &s->v[i];
		size_t zl = z->cfg->zlen, at = q.qname_len - zl;
		int label = zl == q.qname_len || zl == 1,
		    down = atomic_load_explicit(&z->down, memory_order_relaxed);

		if (!down || zl > q.qname_len || zl <= best ||
		    memcmp(q.qname + at, z->cfg->zone, zl))
			continue;
		for (int k = 0; !label && k < q.qlabels; k++)
			label = q.loff[k] == at;
		if (label && !(q.qtype == DNS_T_DS && zl == q.qname_len && zl > 1)) {
			best = zl;
			how = down;
		}
	}
	if (!best)
		return UP;
	const struct dns_zone *deeper = zs ? dns_zoneset_find(zs, q.qname, q.qname_len, q.qlabels)
					   : NULL;

	return !deeper || deeper->apex_len <= best ? how : UP;
}

size_t dns_secondaries_answer(struct dns_secondaries *s, const struct dns_ctx *ctx,
			      const struct dns_zoneset *zs, const struct sockaddr *from,
			      const uint8_t *pkt, size_t len, uint8_t *out, size_t cap, int tcp)
{
	if (s && len >= DNS_HDR_LEN && DNS_OPCODE(get16(pkt + 2)) == DNS_OP_NOTIFY)
		return dns_secondaries_notify(s, from, pkt, len, out, cap);
	int down = s && atomic_load_explicit(&s->ndown, memory_order_relaxed)
			   ? for_down_zone(s, zs, pkt, len)
			   : UP;

	/* The Extended DNS Errors and texts of NSD 4.6: Invalid Data (RFC 8914 4.25) when
	 * expired, Not Ready (4.15) before the first copy. */
	if (down == DOWN_EXPIRED)
		return dns_answer_error(ctx, from, pkt, len, out, cap, tcp, DNS_RC_SERVFAIL,
					DNS_EDE_INVALID_DATA, "Zone has expired");
	if (down == DOWN_EMPTY)
		return dns_answer_error(ctx, from, pkt, len, out, cap, tcp, DNS_RC_SERVFAIL,
					DNS_EDE_NOT_READY, "Zone is configured but not loaded");
	return dns_answer_from(ctx, zs, from, pkt, len, out, cap, tcp);
}
