/* The lab's wire: forwards Ethernet frames between pairs of interfaces with a fixed one-way
 * delay, in userspace.
 *
 * Why not netem: many kernels (containers, this project's CI) are built without sch_netem.
 * A link of the lab is therefore node A -- veth -- [wA  wire  wB] -- veth -- node B, and this
 * process, in the lab's wire namespace, copies each frame from wA to wB (and back) once its
 * delay has passed. Frames keep their order; GSO frames pass whole (PACKET_VNET_HDR), so TCP
 * works at full size; a direction holds at most WIRE_QUEUE_MAX frames, beyond which frames are
 * dropped like a full router queue. Timing uses CLOCK_MONOTONIC in microseconds and a timerfd,
 * so delays are exact to the scheduler's precision, well under a millisecond. */
#include "lab/wire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"

#define WIRE_QUEUE_MAX 4096
#define WIRE_FRAME_MAX (65536 + sizeof(struct virtio_net_hdr))

struct frame {
	struct frame *next;
	uint64_t due_us;
	size_t len;
	uint8_t data[];
};

struct port;

/* One direction of a link: frames read on `from`, due to leave by `to`. */
struct dir {
	struct port *to;
	uint32_t delay_us;
	struct frame *head, *tail;
	size_t n;
	uint64_t forwarded, dropped;
};

struct port {
	char name[IF_NAMESIZE];
	int fd;
	struct dir *out; /* frames read here go into this direction */
};

struct wire {
	struct port *ports;
	struct dir *dirs;
	size_t nlinks;
	int epfd, tfd, sfd;
	uint64_t armed_us; /* when the timerfd fires; 0 when disarmed */
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

static void arm(struct wire *w)
{
	uint64_t next = 0;

	for (size_t i = 0; i < 2 * w->nlinks; i++)
		if (w->dirs[i].head && (!next || w->dirs[i].head->due_us < next))
			next = w->dirs[i].head->due_us;
	if (next == w->armed_us)
		return;
	w->armed_us = next;
	struct itimerspec its = { 0 };

	if (next) {
		its.it_value.tv_sec = (time_t)(next / 1000000);
		its.it_value.tv_nsec = (long)(next % 1000000) * 1000;
		if (!its.it_value.tv_sec && !its.it_value.tv_nsec)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(w->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void receive(struct port *p)
{
	uint8_t buf[WIRE_FRAME_MAX];

	for (int i = 0; i < 256; i++) {
		ssize_t n = recv(p->fd, buf, sizeof(buf), MSG_DONTWAIT);

		if (n < 0)
			return;
		struct dir *d = p->out;

		if (d->n >= WIRE_QUEUE_MAX) {
			d->dropped++;
			continue;
		}
		struct frame *f = xmalloc(sizeof(*f) + (size_t)n);

		f->next = NULL;
		f->len = (size_t)n;
		f->due_us = (uint64_t)clk_now_us() + d->delay_us;
		memcpy(f->data, buf, (size_t)n);
		if (d->tail)
			d->tail->next = f;
		else
			d->head = f;
		d->tail = f;
		d->n++;
	}
}

static void transmit_due(struct wire *w)
{
	uint64_t now = (uint64_t)clk_now_us();

	for (size_t i = 0; i < 2 * w->nlinks; i++) {
		struct dir *d = &w->dirs[i];

		while (d->head && d->head->due_us <= now) {
			struct frame *f = d->head;

			/* A link that is down (a failure the lab injected) loses the frame. */
			if (send(d->to->fd, f->data, f->len, MSG_DONTWAIT) < 0)
				d->dropped++;
			else
				d->forwarded++;
			d->head = f->next;
			if (!d->head)
				d->tail = NULL;
			d->n--;
			free(f);
		}
	}
}

static int read_links(struct wire *w, const char *path, char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	char a[64], b[64];
	unsigned long delay;
	int line = 0;

	if (!fp) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	char text[256];

	while (fgets(text, sizeof(text), fp)) {
		line++;
		if (text[0] == '#' || text[0] == '\n')
			continue;
		if (sscanf(text, "%63s %63s %lu", a, b, &delay) != 3 || strlen(a) >= IF_NAMESIZE ||
		    strlen(b) >= IF_NAMESIZE || delay > 10000000) {
			snprintf(err, errlen, "%s:%d: expected IFNAME IFNAME DELAY_US", path, line);
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
		w->dirs[2 * l].delay_us = w->dirs[2 * l + 1].delay_us = (uint32_t)delay;
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

int lab_wire_run(const char *links_file, char *err, size_t errlen)
{
	struct wire w = { 0 };
	sigset_t ss;
	int rc = -1;

	w.epfd = w.tfd = w.sfd = -1;
	if (read_links(&w, links_file, err, errlen) < 0)
		goto out;
	w.epfd = epoll_create1(EPOLL_CLOEXEC);
	w.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigprocmask(SIG_BLOCK, &ss, NULL);
	w.sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	struct epoll_event ev = { .events = EPOLLIN };

	ev.data.u64 = UINT64_MAX;
	epoll_ctl(w.epfd, EPOLL_CTL_ADD, w.tfd, &ev);
	ev.data.u64 = UINT64_MAX - 1;
	epoll_ctl(w.epfd, EPOLL_CTL_ADD, w.sfd, &ev);
	for (size_t i = 0; i < 2 * w.nlinks; i++) {
		w.ports[i].fd = -1;
		if (open_port(&w.ports[i], err, errlen) < 0)
			goto out;
		ev.data.u64 = i;
		epoll_ctl(w.epfd, EPOLL_CTL_ADD, w.ports[i].fd, &ev);
	}
	log_info("wire: %zu links", w.nlinks);
	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(w.epfd, evs, 64, -1);

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			uint64_t id = evs[i].data.u64;

			if (id == UINT64_MAX - 1) {
				rc = 0;
				goto out;
			}
			if (id == UINT64_MAX) {
				uint64_t exp;

				(void)!read(w.tfd, &exp, sizeof(exp));
				w.armed_us = 0;
			} else {
				receive(&w.ports[id]);
			}
		}
		transmit_due(&w);
		arm(&w);
	}
out:
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
	if (w.epfd >= 0)
		close(w.epfd);
	if (w.tfd >= 0)
		close(w.tfd);
	if (w.sfd >= 0)
		close(w.sfd);
	return rc;
}

int lab_wire_main(int argc, char **argv)
{
	char err[256];

	if (argc != 3 || strcmp(argv[1], "--links") != 0) {
		fprintf(stderr, "usage: anycast lab wire --links FILE\n");
		return 2;
	}
	log_init("anycast-wire", 1, LOG_LVL_INFO);
	if (lab_wire_run(argv[2], err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab wire: %s\n", err);
		return 1;
	}
	return 0;
}
