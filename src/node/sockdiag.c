/* NETLINK_SOCK_DIAG queries (sockdiag.h). */
#include "node/sockdiag.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TCP_STATE_ESTABLISHED 1 /* include/net/tcp_states.h */
#define TCP_STATE_LISTEN 10

/* The socket's own address (id.idiag_src, in family af) serves a: equal, or a wildcard. */
static int serves(const struct addr *a, int af, const uint32_t *src)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const uint8_t *s = (const uint8_t *)src;
	uint8_t zero[16] = { 0 };

	if (af == AF_INET)
		return a->af == AF_INET && (memcmp(s, zero, 4) == 0 || memcmp(s, a->a, 4) == 0);
	if (memcmp(s, zero, 16) == 0)
		return 1;
	if (a->af == AF_INET)
		return memcmp(s, mapped, 12) == 0 && memcmp(s + 12, a->a, 4) == 0;
	return memcmp(s, a->a, 16) == 0;
}

/* Called for each socket of a dump; returns 1 to count it. */
typedef int dump_fn(const struct inet_diag_msg *m, int af, const void *arg);

/* One dump of family af's sockets of the protocol in the given states: how many each says to
 * count, or -1 with err set. */
static long dump(int fd, int af, int proto, uint32_t states, dump_fn *each, const void *arg,
		 char *err, size_t errlen)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req;
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	long found = 0;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (uint8_t)af;
	req.r.sdiag_protocol = (uint8_t)proto;
	req.r.idiag_states = states;
	if (send(fd, &req, sizeof(req), 0) < 0) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "sock_diag: %s", n < 0 ? strerror(errno) : "closed");
			return -1;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return found;
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);

				snprintf(err, errlen, "sock_diag: %s", strerror(-e->error));
				return -1;
			}
			const struct inet_diag_msg *m = NLMSG_DATA(h);

			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*m)))
				found += each(m, af, arg);
		}
	}
}

struct listen_arg {
	const struct addr *a;
	uint16_t port;
};

static int serves_port(const struct inet_diag_msg *m, int af, const void *arg)
{
	const struct listen_arg *l = arg;

	return ntohs(m->id.idiag_sport) == l->port && serves(l->a, af, m->id.idiag_src);
}

int sockdiag_listening(const struct addr *a, uint16_t port, int udp, char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	struct listen_arg l = { a, port };
	int proto = udp ? IPPROTO_UDP : IPPROTO_TCP;
	uint32_t states = udp ? ~0u : 1u << TCP_STATE_LISTEN;
	long r;

	if (fd < 0) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		return -1;
	}
	/* an IPv4 address is also served by an IPv6 wildcard socket that takes IPv4 */
	r = a->af == AF_INET ? dump(fd, AF_INET, proto, states, serves_port, &l, err, errlen) : 0;
	if (r == 0)
		r = dump(fd, AF_INET6, proto, states, serves_port, &l, err, errlen);
	close(fd);
	return r < 0 ? -1 : r > 0;
}

struct est_arg {
	const struct prefix *pfx;
	size_t n;
};

/* The socket's local address (an IPv4-mapped one counts as IPv4) is inside one of the
 * prefixes. */
static int local_inside(const struct inet_diag_msg *m, int af, const void *arg)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	const struct est_arg *e = arg;
	const uint8_t *src = (const uint8_t *)m->id.idiag_src;
	struct prefix host;

	memset(&host, 0, sizeof(host));
	if (af == AF_INET || memcmp(src, mapped, 12) == 0) {
		host.addr.af = AF_INET;
		memcpy(host.addr.a, af == AF_INET ? src : src + 12, 4);
		host.len = 32;
	} else {
		host.addr.af = AF_INET6;
		memcpy(host.addr.a, src, 16);
		host.len = 128;
	}
	for (size_t i = 0; i < e->n; i++)
		if (prefix_contains(&e->pfx[i], &host))
			return 1;
	return 0;
}

long sockdiag_established(const struct prefix *pfx, size_t n, char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	struct est_arg e = { pfx, n };
	uint32_t states = 1u << TCP_STATE_ESTABLISHED;
	long v4 = 0, v6;

	if (fd < 0) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		return -1;
	}
	/* IPv6 always: an IPv4 connection may sit on an IPv6 socket, as a mapped address */
	for (size_t i = 0; i < n && !v4; i++)
		v4 = pfx[i].addr.af == AF_INET;
	if (v4)
		v4 = dump(fd, AF_INET, IPPROTO_TCP, states, local_inside, &e, err, errlen);
	v6 = v4 < 0 ? -1 : dump(fd, AF_INET6, IPPROTO_TCP, states, local_inside, &e, err, errlen);
	close(fd);
	return v4 < 0 || v6 < 0 ? -1 : v4 + v6;
}
