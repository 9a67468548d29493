/* The lab's wire: forwards Ethernet frames between pairs of interfaces with a fixed one-way
 * delay and, optionally, a link capacity, in userspace.
 *
 * Why not netem: many kernels (containers, this project's CI) are built without sch_netem.
 * A link of the lab is therefore node A -- veth -- [wA  wire  wB] -- veth -- node B, and this
 * process, in the lab's wire namespace, copies each frame from wA to wB (and back) once its
 * delay has passed. Frames keep their order; GSO frames pass whole (PACKET_VNET_HDR), so TCP
 * works at full size.
 *
 * Why threads and batches: one wire carries every link of the lab, so it must never become
 * the bottleneck that a flood on one link turns into delay on all the others. The links are
 * spread over one worker thread per core, each with its own epoll and timer and no shared
 * state; frames move in batches (recvmmsg/sendmmsg, at most WIRE_BURST per socket per wakeup,
 * so that a busy link cannot starve its neighbours in the same worker); only the directions
 * with frames in flight are looked at when timing.
 *
 * Capacity: a direction may have a rate in packets per second and a queue limit. Frames then
 * leave one per 1/rate after each other, and a frame that finds the queue full is dropped,
 * like a router's full output queue: congestion appears at the overloaded link and nowhere
 * else. Without a rate a direction holds at most WIRE_QUEUE_MAX frames.
 *
 * Counters (frames forwarded, dropped at a full queue, dropped because the link was down) are
 * published by each worker and written with the wire's CPU use to a stats file once a second,
 * for `anycast lab status`. */
#include "lab/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"

#define WIRE_QUEUE_MAX 4096
#define WIRE_FRAME_MAX (65536 + sizeof(struct virtio_net_hdr))
#define WIRE_BATCH 32 /* frames per recvmmsg/sendmmsg */
#define WIRE_BURST 64 /* frames read from one socket per wakeup */
#define WIRE_THREADS_MAX 64

struct frame {
	struct frame *next;
	uint64_t due_us;
	size_t len;
	uint8_t data[];
};

struct port;

/* One direction of a link: frames read on its port, due to leave by `to`. */
struct dir {
	struct port *to;
	uint32_t delay_us;
	uint32_t pps, qlimit;  /* capacity; pps 0: none */
	int64_t busy_until_ns; /* capacity: when the last queued frame has left */
	struct frame *head, *tail;
	size_t n;
	struct dir *next_active; /* in its worker's list of directions with frames */
	int active;
	uint64_t forwarded, qdropped, downdropped;
	_Atomic uint64_t pub_forwarded, pub_qdropped, pub_downdropped;
};

struct port {
	char name[IF_NAMESIZE];
	int fd;
	struct dir *out; /* frames read here go into this direction */
};

struct worker {
	pthread_t thread;
	int epfd, tfd, stopfd;
	uint64_t armed_us; /* when the timerfd fires; 0 when disarmed */
	struct dir *active;
	struct port **ports;
	size_t nports;
	/* scratch for batches */
	struct mmsghdr msgs[WIRE_BATCH];
	struct iovec iov[WIRE_BATCH];
	uint8_t *bufs; /* WIRE_BATCH * WIRE_FRAME_MAX */
};

struct wire {
	struct port *ports;
	struct dir *dirs;
	size_t nlinks;
	struct worker *workers;
	size_t nworkers;
};

static int open_port(struct port *p, char *err, size_t errlen)
{
	int one = 1, bufsz = 4 << 20;
	unsigned idx = if_nametoindex(p->name);

	if (!idx) {
		snprintf(err, errlen, "no interface %s", p->name);
		return -1;
	}
	p->fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
	if (p->fd < 0) {
		snprintf(err, errlen, "packet socket: %s", strerror(errno));
		return -1;
	}
	/* Frames carry a virtio header so that GSO frames from a TCP sender go through whole and
	 * are segmented (or not) by the receiving side, as on a real veth. */
	if (setsockopt(p->fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof(one)) < 0 ||
	    setsockopt(p->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0) {
		snprintf(err, errlen, "%s: packet socket options: %s", p->name, strerror(errno));
		return -1;
	}
	/* The veth behind is the queue that matters; the wire's own qdisc would only add a
	 * lock and a copy per frame. */
	setsockopt(p->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	setsockopt(p->fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz));
	setsockopt(p->fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = (int)idx };

	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(err, errlen, "%s: bind: %s", p->name, strerror(errno));
		return -1;
	}
	/* Frames for the far node's MAC must be taken too. */
	struct packet_mreq mr = { .mr_ifindex = (int)idx, .mr_type = PACKET_MR_PROMISC };

	setsockopt(p->fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr));
	return 0;
}

static void publish(struct dir *d)
{
	atomic_store_explicit(&d->pub_forwarded, d->forwarded, memory_order_relaxed);
	atomic_store_explicit(&d->pub_qdropped, d->qdropped, memory_order_relaxed);
	atomic_store_explicit(&d->pub_downdropped, d->downdropped, memory_order_relaxed);
}

/* When a frame arriving now leaves, or 0 when it must be dropped (the queue is full). */
static uint64_t schedule(struct dir *d, int64_t now_ns)
{
	if (!d->pps) {
		if (d->n >= WIRE_QUEUE_MAX)
			return 0;
		return (uint64_t)(now_ns / 1000) + d->delay_us;
	}
	int64_t tx_ns = 1000000000LL / d->pps;
	int64_t start = d->busy_until_ns > now_ns ? d->busy_until_ns : now_ns;

	/* frames still waiting for their turn on the link, this one not counted */
	if ((start - now_ns) / tx_ns >= (int64_t)d->qlimit)
		return 0;
	d->busy_until_ns = start + tx_ns;
	return (uint64_t)(d->busy_until_ns / 1000) + d->delay_us;
}

static void enqueue(struct worker *wk, struct dir *d, const uint8_t *data, size_t len,
		    int64_t now_ns)
{
	uint64_t due = schedule(d, now_ns);

	if (!due) {
		d->qdropped++;
		return;
	}
	struct frame *f = xmalloc(sizeof(*f) + len);

	f->next = NULL;
	f->len = len;
	f->due_us = due;
	memcpy(f->data, data, len);
	if (d->tail)
		d->tail->next = f;
	else
		d->head = f;
	d->tail = f;
	d->n++;
	if (!d->active) {
		d->active = 1;
		d->next_active = wk->active;
		wk->active = d;
	}
}

static void receive(struct worker *wk, struct port *p)
{
	struct dir *d = p->out;

	for (int got = 0; got < WIRE_BURST;) {
		for (int i = 0; i < WIRE_BATCH; i++) {
			wk->iov[i].iov_base = wk->bufs + (size_t)i * WIRE_FRAME_MAX;
			wk->iov[i].iov_len = WIRE_FRAME_MAX;
			memset(&wk->msgs[i].msg_hdr, 0, sizeof(wk->msgs[i].msg_hdr));
			wk->msgs[i].msg_hdr.msg_iov = &wk->iov[i];
			wk->msgs[i].msg_hdr.msg_iovlen = 1;
		}
		int n = recvmmsg(p->fd, wk->msgs, WIRE_BATCH, MSG_DONTWAIT, NULL);

		if (n <= 0)
			break;
		int64_t now = clk_now_ns();

		for (int i = 0; i < n; i++)
			enqueue(wk, d, wk->iov[i].iov_base, wk->msgs[i].msg_len, now);
		got += n;
		if (n < WIRE_BATCH)
			break;
	}
	publish(d);
}

/* Sends the frames of d that are due by now, in batches. */
static void transmit_dir(struct worker *wk, struct dir *d, uint64_t now)
{
	while (d->head && d->head->due_us <= now) {
		struct frame *f = d->head;
		int n = 0;

		for (; f && f->due_us <= now && n < WIRE_BATCH; f = f->next, n++) {
			wk->iov[n].iov_base = f->data;
			wk->iov[n].iov_len = f->len;
			memset(&wk->msgs[n].msg_hdr, 0, sizeof(wk->msgs[n].msg_hdr));
			wk->msgs[n].msg_hdr.msg_iov = &wk->iov[n];
			wk->msgs[n].msg_hdr.msg_iovlen = 1;
		}
		int sent = sendmmsg(d->to->fd, wk->msgs, (unsigned)n, MSG_DONTWAIT);

		/* A link that is down (a failure the lab injected) loses the frame; so does a
		 * full socket buffer, as a full queue would. */
		if (sent <= 0)
			sent = 1, d->downdropped++;
		else
			d->forwarded += (uint64_t)sent;
		for (int i = 0; i < sent; i++) {
			f = d->head;
			d->head = f->next;
			d->n--;
			free(f);
		}
		if (!d->head)
			d->tail = NULL;
	}
	publish(d);
}

/* Transmits what is due and re-arms the timer for the earliest frame still in flight. */
static void transmit_due(struct worker *wk)
{
	uint64_t now = (uint64_t)clk_now_us(), next = 0;
	struct dir **pp = &wk->active;

	while (*pp) {
		struct dir *d = *pp;

		transmit_dir(wk, d, now);
		if (!d->head) {
			d->active = 0;
			*pp = d->next_active;
			continue;
		}
		if (!next || d->head->due_us < next)
			next = d->head->due_us;
		pp = &d->next_active;
	}
	if (next == wk->armed_us)
		return;
	wk->armed_us = next;
	struct itimerspec its = { 0 };

	if (next) {
		its.it_value.tv_sec = (time_t)(next / 1000000);
		its.it_value.tv_nsec = (long)(next % 1000000) * 1000;
	}
	timerfd_settime(wk->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

#define ID_TIMER UINT64_MAX
#define ID_STOP (UINT64_MAX - 1)

static void *worker_run(void *arg)
{
	struct worker *wk = arg;

	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(wk->epfd, evs, 64, -1);

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			uint64_t id = evs[i].data.u64;

			if (id == ID_STOP)
				return NULL;
			if (id == ID_TIMER) {
				uint64_t exp;

				(void)!read(wk->tfd, &exp, sizeof(exp));
				wk->armed_us = 0;
			} else {
				receive(wk, wk->ports[id]);
			}
		}
		transmit_due(wk);
	}
	return NULL;
}

/* "IFNAME_A IFNAME_B DELAY_US [PPS QUEUE]" per line. */
static int read_links(struct wire *w, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "re");
	char a[64], b[64], text[256];
	unsigned long delay, pps, qlimit;
	int line = 0;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(text, sizeof(text), fp)) {
		line++;
		if (text[0] == '#' || text[0] == '\n')
			continue;
		int k = sscanf(text, "%63s %63s %lu %lu %lu", a, b, &delay, &pps, &qlimit);

		if (k == 3)
			pps = qlimit = 0;
		if ((k != 3 && k != 5) || strlen(a) >= IF_NAMESIZE || strlen(b) >= IF_NAMESIZE ||
		    delay > 10000000 || pps > 100000000 ||
		    (pps && (qlimit < 1 || qlimit > 1000000))) {
			snprintf(err, errlen, "%s:%d: expected IFNAME IFNAME DELAY_US [PPS QUEUE]",
				 path, line);
			fclose(fp);
			return -1;
		}
		size_t l = w->nlinks++;

		w->ports = xrealloc(w->ports, 2 * w->nlinks * sizeof(*w->ports));
		w->dirs = xrealloc(w->dirs, 2 * w->nlinks * sizeof(*w->dirs));
		memset(&w->ports[2 * l], 0, 2 * sizeof(*w->ports));
		memset(&w->dirs[2 * l], 0, 2 * sizeof(*w->dirs));
		strcpy(w->ports[2 * l].name, a);
		strcpy(w->ports[2 * l + 1].name, b);
		for (int s = 0; s < 2; s++) {
			w->dirs[2 * l + s].delay_us = (uint32_t)delay;
			w->dirs[2 * l + s].pps = (uint32_t)pps;
			w->dirs[2 * l + s].qlimit = (uint32_t)qlimit;
		}
		w->ports[2 * l].fd = w->ports[2 * l + 1].fd = -1;
	}
	fclose(fp);
	/* Pointers only now: the arrays have stopped moving. */
	for (size_t l = 0; l < w->nlinks; l++) {
		w->ports[2 * l].out = &w->dirs[2 * l];
		w->dirs[2 * l].to = &w->ports[2 * l + 1];
		w->ports[2 * l + 1].out = &w->dirs[2 * l + 1];
		w->dirs[2 * l + 1].to = &w->ports[2 * l];
	}
	return 0;
}

static int worker_init(struct worker *wk, char *err, size_t errlen)
{
	struct epoll_event ev = { .events = EPOLLIN };

	wk->epfd = epoll_create1(EPOLL_CLOEXEC);
	wk->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	wk->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (wk->epfd < 0 || wk->tfd < 0 || wk->stopfd < 0) {
		snprintf(err, errlen, "worker: %s", strerror(errno));
		return -1;
	}
	ev.data.u64 = ID_TIMER;
	epoll_ctl(wk->epfd, EPOLL_CTL_ADD, wk->tfd, &ev);
	ev.data.u64 = ID_STOP;
	epoll_ctl(wk->epfd, EPOLL_CTL_ADD, wk->stopfd, &ev);
	for (size_t i = 0; i < wk->nports; i++) {
		ev.data.u64 = i;
		if (epoll_ctl(wk->epfd, EPOLL_CTL_ADD, wk->ports[i]->fd, &ev) < 0) {
			snprintf(err, errlen, "epoll: %s", strerror(errno));
			return -1;
		}
	}
	wk->bufs = xmalloc((size_t)WIRE_BATCH * WIRE_FRAME_MAX);
	return 0;
}

static void worker_free(struct worker *wk)
{
	if (wk->epfd >= 0)
		close(wk->epfd);
	if (wk->tfd >= 0)
		close(wk->tfd);
	if (wk->stopfd >= 0)
		close(wk->stopfd);
	free(wk->ports);
	free(wk->bufs);
}

static double cpu_seconds(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* The stats file, replaced whole (written aside, then renamed): see wire.h. */
static void write_stats(const struct wire *w, const char *path, double cpu)
{
	char tmp[4096 + 8];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	if (!(f = fopen(tmp, "we")))
		return;
	fprintf(f, "cpu %.3f\nthreads %zu\n", cpu, w->nworkers);
	for (size_t l = 0; l < w->nlinks; l++) {
		fprintf(f, "link %s %s", w->ports[2 * l].name, w->ports[2 * l + 1].name);
		for (int s = 0; s < 2; s++) {
			struct dir *d = &w->dirs[2 * l + s];

			fprintf(f, " %llu %llu %llu",
				(unsigned long long)atomic_load_explicit(&d->pub_forwarded,
									 memory_order_relaxed),
				(unsigned long long)atomic_load_explicit(&d->pub_qdropped,
									 memory_order_relaxed),
				(unsigned long long)atomic_load_explicit(&d->pub_downdropped,
									 memory_order_relaxed));
		}
		fputc('\n', f);
	}
	if (fclose(f) == 0)
		rename(tmp, path);
	else
		unlink(tmp);
}

int lab_wire_stats_read(const char *path, struct lab_wire_stats *st)
{
	FILE *f = fopen(path, "re");
	char line[256];

	memset(st, 0, sizeof(*st));
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		struct lab_wire_link_stats ls;
		unsigned long long v[6];

		if (sscanf(line, "cpu %lf", &st->cpu) == 1 ||
		    sscanf(line, "threads %zu", &st->threads) == 1)
			continue;
		if (sscanf(line, "link %15s %15s %llu %llu %llu %llu %llu %llu", ls.a, ls.b, &v[0],
			   &v[1], &v[2], &v[3], &v[4], &v[5]) != 8)
			continue;
		for (int s = 0; s < 2; s++) {
			ls.forwarded[s] = v[3 * s];
			ls.qdropped[s] = v[3 * s + 1];
			ls.downdropped[s] = v[3 * s + 2];
		}
		st->links = xrealloc(st->links, (st->nlinks + 1) * sizeof(*st->links));
		st->links[st->nlinks++] = ls;
	}
	fclose(f);
	return 0;
}

void lab_wire_stats_free(struct lab_wire_stats *st)
{
	free(st->links);
	memset(st, 0, sizeof(*st));
}

static size_t default_threads(size_t nlinks)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cores > 0 ? (size_t)cores : 1;

	if (n > WIRE_THREADS_MAX)
		n = WIRE_THREADS_MAX;
	return n < nlinks ? n : (nlinks ? nlinks : 1);
}

int lab_wire_run(const struct lab_wire_opts *o, char *err, size_t errlen)
{
	struct wire w = { 0 };
	sigset_t ss;
	int sfd = -1, tfd = -1, ep = -1, rc = -1;
	size_t started = 0;

	if (read_links(&w, o->links_file, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < 2 * w.nlinks; i++)
		if (open_port(&w.ports[i], err, errlen) < 0)
			goto out;
	w.nworkers = o->threads ? o->threads : default_threads(w.nlinks);
	w.workers = xcalloc(w.nworkers, sizeof(*w.workers));
	for (size_t k = 0; k < w.nworkers; k++)
		w.workers[k].epfd = w.workers[k].tfd = w.workers[k].stopfd = -1;
	/* Whole links to workers, round robin: both directions of a link in one worker keep
	 * the link's state in one thread. */
	for (size_t l = 0; l < w.nlinks; l++) {
		struct worker *wk = &w.workers[l % w.nworkers];

		wk->ports = xrealloc(wk->ports, (wk->nports + 2) * sizeof(*wk->ports));
		wk->ports[wk->nports++] = &w.ports[2 * l];
		wk->ports[wk->nports++] = &w.ports[2 * l + 1];
	}
	for (size_t k = 0; k < w.nworkers; k++)
		if (worker_init(&w.workers[k], err, errlen) < 0)
			goto out;
	/* Signals go to the main thread's signalfd only: blocked before any worker starts, so
	 * the workers inherit the mask. */
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	pthread_sigmask(SIG_BLOCK, &ss, NULL);
	sfd = signalfd(-1, &ss, SFD_CLOEXEC);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (sfd < 0 || tfd < 0) {
		snprintf(err, errlen, "signalfd/timerfd: %s", strerror(errno));
		goto out;
	}
	for (; started < w.nworkers; started++) {
		int e = pthread_create(&w.workers[started].thread, NULL, worker_run,
				       &w.workers[started]);

		if (e) {
			snprintf(err, errlen, "thread: %s", strerror(e));
			goto out;
		}
	}
	log_info("wire: %zu links, %zu threads", w.nlinks, w.nworkers);
	struct itimerspec its = { .it_interval = { 1, 0 }, .it_value = { 1, 0 } };

	timerfd_settime(tfd, 0, &its, NULL);
	double cpu_prev = cpu_seconds();
	int64_t t_prev = clk_now_us();

	if (o->stats_file)
		write_stats(&w, o->stats_file, 0);
	struct epoll_event ev = { .events = EPOLLIN };

	if ((ep = epoll_create1(EPOLL_CLOEXEC)) < 0) {
		snprintf(err, errlen, "epoll: %s", strerror(errno));
		goto out;
	}
	ev.data.fd = sfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ev);
	ev.data.fd = tfd;
	epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &ev);
	for (;;) {
		int n = epoll_wait(ep, &ev, 1, -1);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || ev.data.fd == sfd)
			break;
		uint64_t exp;

		(void)!read(tfd, &exp, sizeof(exp));
		double cpu = cpu_seconds();
		int64_t t = clk_now_us();

		if (o->stats_file && t > t_prev)
			write_stats(&w, o->stats_file,
				    (cpu - cpu_prev) / ((double)(t - t_prev) / 1e6));
		cpu_prev = cpu;
		t_prev = t;
	}
	rc = 0;
out:
	for (size_t k = 0; k < started; k++) {
		uint64_t one = 1;

		(void)!write(w.workers[k].stopfd, &one, sizeof(one));
		pthread_join(w.workers[k].thread, NULL);
	}
	for (size_t k = 0; k < w.nworkers; k++)
		worker_free(&w.workers[k]);
	free(w.workers);
	for (size_t i = 0; i < 2 * w.nlinks; i++) {
		struct frame *f, *next;

		for (f = w.dirs[i].head; f; f = next) {
			next = f->next;
			free(f);
		}
		if (w.ports[i].fd >= 0)
			close(w.ports[i].fd);
	}
	free(w.ports);
	free(w.dirs);
	if (ep >= 0)
		close(ep);
	if (sfd >= 0)
		close(sfd);
	if (tfd >= 0)
		close(tfd);
	return rc;
}

int lab_wire_main(int argc, char **argv)
{
	struct lab_wire_opts o = { 0 };
	char err[256];

	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--links") == 0 && i + 1 < argc) {
			o.links_file = argv[++i];
		} else if (strcmp(argv[i], "--stats") == 0 && i + 1 < argc) {
			o.stats_file = argv[++i];
		} else if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
			unsigned long n = strtoul(argv[++i], &end, 10);

			if (*end || n < 1 || n > WIRE_THREADS_MAX) {
				fprintf(stderr, "anycast lab wire: --threads: 1 to %d\n",
					WIRE_THREADS_MAX);
				return 2;
			}
			o.threads = n;
		} else {
			o.links_file = NULL;
			break;
		}
	}
	if (!o.links_file) {
		fprintf(stderr,
			"usage: anycast lab wire --links FILE [--stats FILE] [--threads N]\n");
		return 2;
	}
	log_init("anycast-wire", 1, LOG_LVL_INFO);
	if (lab_wire_run(&o, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab wire: %s\n", err);
		return 1;
	}
	return 0;
}
