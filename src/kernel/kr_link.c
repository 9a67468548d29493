/* Link state: tells the daemon when an interface goes down or comes back, from the kernel's
 * RTNLGRP_LINK notifications, so a neighbour's session falls with its link at once instead of
 * after a hold time. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kernel/kr_int.h"
#include "lib/log.h"

/* Notifications come in bursts (a lab tearing down hundreds of veths); room for many before
 * the kernel drops some, after which we re-read everything anyway. */
#define KR_MON_RCVBUF (4 * 1024 * 1024)

/* Usable for traffic: administratively up, and the kernel's operational state up (IFF_RUNNING
 * follows carrier and RFC 2863 operstate; a veth whose peer is down is not running). */
static int link_up(const struct ifinfomsg *ifi)
{
	return (ifi->ifi_flags & IFF_UP) && (ifi->ifi_flags & IFF_RUNNING);
}

/* A linear table: a router has a handful of interfaces, and events are rare. */
static struct kr_link_state *find_link(struct kr *k, int ifindex)
{
	for (size_t i = 0; i < k->nlinks; i++)
		if (k->links[i].ifindex == ifindex)
			return &k->links[i];
	return NULL;
}

static void report(struct kr *k, int ifindex, int up)
{
	log_debug("kr: link %d %s", ifindex, up ? "up" : "down");
	if (k->link_cb)
		k->link_cb(ifindex, up, k->link_arg);
}

/* Records a state; reports it if it changed and report is set. A link first seen is reported
 * only when up: down was the assumption for an interface we did not know. */
static void link_state(struct kr *k, int ifindex, int up, int do_report)
{
	struct kr_link_state *l = find_link(k, ifindex);

	if (!l) {
		if (k->nlinks == k->caplinks) {
			k->caplinks = k->caplinks ? k->caplinks * 2 : 16;
			k->links = xrealloc(k->links, k->caplinks * sizeof(*k->links));
		}
		l = &k->links[k->nlinks++];
		*l = (struct kr_link_state){ .ifindex = ifindex, .up = 0 };
	}
	l->seen = 1;
	if (l->up == up)
		return;
	l->up = (uint8_t)up;
	if (do_report)
		report(k, ifindex, up);
}

static void link_gone(struct kr *k, int ifindex)
{
	struct kr_link_state *l = find_link(k, ifindex);

	if (!l)
		return;
	int was_up = l->up;

	*l = k->links[--k->nlinks];
	if (was_up)
		report(k, ifindex, 0);
}

/* One RTM_NEWLINK or RTM_DELLINK. Only the generic messages (family AF_UNSPEC) count: a bridge
 * sends AF_BRIDGE ones, and an AF_BRIDGE RTM_DELLINK means a port left the bridge, not that
 * the interface is gone. */
static void link_msg(struct kr *k, const struct nlmsghdr *nlh, int do_report)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi) || ifi->ifi_family != AF_UNSPEC ||
	    ifi->ifi_index <= 0)
		return;
	if (nlh->nlmsg_type == RTM_NEWLINK)
		link_state(k, ifi->ifi_index, link_up(ifi), do_report);
	else if (nlh->nlmsg_type == RTM_DELLINK)
		link_gone(k, ifi->ifi_index);
}

struct dump_ctx {
	struct kr *k;
	int do_report;
};

static int dump_link(const struct nlmsghdr *nlh, void *arg)
{
	struct dump_ctx *c = arg;

	link_msg(c->k, nlh, c->do_report);
	return MNL_CB_OK;
}

/* Reads every link; do_report: report the differences from what we knew, and the links that
 * vanished. */
static int read_links(struct kr *k, int do_report)
{
	uint8_t buf[KR_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct dump_ctx c = { k, do_report };
	char why[256], reason[320];
	int err;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_DUMP;
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	for (int pass = 0;; pass++) {
		for (size_t i = 0; i < k->nlinks; i++)
			k->links[i].seen = 0;
		err = kr_nl_talk(k, nlh, dump_link, &c, why, sizeof(why));
		if (err != -EINTR || pass == 2)
			break;
		nlh->nlmsg_flags = NLM_F_DUMP; /* kr_nl_talk added its own */
	}
	if (err < 0 && err != -EINTR) {
		log_err("kr: reading the links: %s",
			kr_nl_reason(-err, why, reason, sizeof(reason)));
		return -1;
	}
	for (size_t i = 0; i < k->nlinks;) {
		if (k->links[i].seen)
			i++;
		else
			link_gone(k, k->links[i].ifindex); /* moves the last entry to i */
	}
	return 0;
}

static void mon_readable(int fd, uint32_t events, void *arg)
{
	struct kr *k = arg;
	int lost = 0;

	for (;;) {
		ssize_t r = recv(fd, k->rx, k->rxlen, MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				lost = 1;
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_err("kr: reading link notifications: %s", strerror(errno));
			break;
		}
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)k->rx;
		int left = (int)r;

		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
			link_msg(k, nlh, 1);
	}
	if (lost) {
		/* Some notifications were dropped: which links changed is unknown, so read
		 * them all and report what differs. */
		log_warn("kr: link notifications lost; reading every link again");
		read_links(k, 1);
	}
}

int kr_watch_links(struct kr *k, kr_link_cb *cb, void *arg)
{
	k->link_cb = cb;
	k->link_arg = arg;
	if (k->mon)
		return 0;
	if (!k->loop) {
		log_err("kr: watching links needs an event loop");
		return -1;
	}
	k->mon = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	/* Subscribe before the initial read, so no change falls between the two. */
	if (!k->mon || mnl_socket_bind(k->mon, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		log_err("kr: link notification socket: %s", strerror(errno));
		goto fail;
	}
	int fd = mnl_socket_get_fd(k->mon), v = KR_MON_RCVBUF;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	if (ev_io_add(k->loop, fd, EPOLLIN, mon_readable, k) < 0) {
		log_err("kr: event loop: %s", strerror(errno));
		goto fail;
	}
	if (read_links(k, 0) < 0) {
		ev_io_del(k->loop, fd);
		goto fail;
	}
	return 0;
fail:
	if (k->mon)
		mnl_socket_close(k->mon);
	k->mon = NULL;
	return -1;
}
