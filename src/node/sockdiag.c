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

#define TCP_STATE_LISTEN 10 /* include/net/tcp_states.h: TCP_LISTEN */

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

/* One dump of family af's sockets of the protocol: 1 when one serves a:port. */
static int dump(int fd, int af, const struct addr *a, uint16_t port, int udp, char *err,
		size_t errlen)
{
	struct {
		struct nlmsghdr nh;
		struct inet_diag_req_v2 r;
	} req;
	char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
	int found = 0;

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_len = sizeof(req);
	req.nh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (uint8_t)af;
	req.r.sdiag_protocol = udp ? IPPROTO_UDP : IPPROTO_TCP;
	req.r.idiag_states = udp ? ~0u : 1u << TCP_STATE_LISTEN;
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

			if (h->nlmsg_len >= NLMSG_LENGTH(sizeof(*m)) &&
			    ntohs(m->id.idiag_sport) == port && serves(a, af, m->id.idiag_src))
				found = 1;
		}
	}
}

int sockdiag_listening(const struct addr *a, uint16_t port, int udp, char *err, size_t errlen)
{
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), r;

	if (fd < 0) {
		snprintf(err, errlen, "sock_diag: %s", strerror(errno));
		return -1;
	}
	/* an IPv4 address is also served by an IPv6 wildcard socket that takes IPv4 */
	r = a->af == AF_INET ? dump(fd, AF_INET, a, port, udp, err, errlen) : 0;
	if (r == 0)
		r = dump(fd, AF_INET6, a, port, udp, err, errlen);
	close(fd);
	return r;
}
