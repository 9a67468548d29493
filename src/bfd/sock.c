/* BFD over UDP, single hop: RFC 5881. */
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bfd/sock.h"

#define SRC_PORT_MIN 49152 /* RFC 5881 section 4 */
#define SRC_PORT_COUNT 16384

static int udp_socket(const struct addr *local, uint16_t port)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(local, port, &ss);
	int fd = socket(local->af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int ttl = BFD_TTL, on = 1;

	if (fd < 0)
		return -1;
	if (local->af == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
	if ((local->af == AF_INET
		     ? setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl))
		     : setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl))) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The sending socket, on the first free port of the range from a random start. */
static int send_socket(struct bfd_sock *s)
{
	uint32_t start = (uint32_t)random() % SRC_PORT_COUNT;

	for (uint32_t i = 0; i < SRC_PORT_COUNT; i++) {
		uint16_t port = (uint16_t)(SRC_PORT_MIN + (start + i) % SRC_PORT_COUNT);
		int fd = udp_socket(&s->local, port);

		if (fd >= 0) {
			s->src_port = port;
			return fd;
		}
		if (errno != EADDRINUSE)
			return -1;
	}
	errno = EADDRINUSE;
	return -1;
}

/* The TTL or hop limit the kernel reported for a datagram; -1 when it did not. */
static int received_ttl(struct msghdr *mh)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		int v;

		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT)) {
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			return v;
		}
	}
	return -1;
}

static void on_readable(int fd, uint32_t events, void *arg)
{
	struct bfd_sock *s = arg;

	for (;;) {
		uint8_t buf[512];
		union {
			struct cmsghdr align;
			uint8_t b[CMSG_SPACE(sizeof(int)) * 2];
		} cbuf;
		struct sockaddr_storage from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from,
				     .msg_namelen = sizeof(from),
				     .msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = cbuf.b,
				     .msg_controllen = sizeof(cbuf.b) };
		ssize_t n = recvmsg(fd, &mh, 0);
		struct addr src;
		uint16_t port;
		struct bfd_pkt p;
		enum bfd_err e;

		if (n < 0)
			return; /* EAGAIN: drained; other errors: the next datagram will tell */
		if (received_ttl(&mh) != BFD_TTL) {
			s->ttl_drops++;
			continue;
		}
		e = bfd_pkt_decode(buf, (size_t)n, &p);
		if (e != BFD_OK) {
			s->drops[e]++;
			continue;
		}
		if (addr_from_sa((struct sockaddr *)&from, &src, &port) < 0)
			continue;
		s->received++;
		s->ops->input(s->owner, &src, port, &p);
	}
}

struct bfd_sock *bfd_sock_open(struct ev_loop *loop, const struct addr *local, uint16_t port,
			       const struct bfd_sock_ops *ops, void *owner)
{
	struct bfd_sock *s = calloc(1, sizeof(*s));
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int on = 1;

	if (!s)
		return NULL;
	s->loop = loop;
	s->ops = ops;
	s->owner = owner;
	s->local = *local;
	s->rfd = s->tfd = -1;
	s->rfd = udp_socket(local, port);
	if (s->rfd < 0 ||
	    (local->af == AF_INET
		     ? setsockopt(s->rfd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on))
		     : setsockopt(s->rfd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on))) < 0 ||
	    getsockname(s->rfd, (struct sockaddr *)&ss, &sl) < 0 ||
	    addr_from_sa((struct sockaddr *)&ss, &s->local, &s->port) < 0 ||
	    (s->tfd = send_socket(s)) < 0 || ev_io_add(loop, s->rfd, EPOLLIN, on_readable, s) < 0) {
		int e = errno;

		if (s->rfd >= 0)
			close(s->rfd);
		if (s->tfd >= 0)
			close(s->tfd);
		free(s);
		errno = e;
		return NULL;
	}
	return s;
}

void bfd_sock_close(struct bfd_sock *s)
{
	if (!s)
		return;
	ev_io_del(s->loop, s->rfd);
	close(s->rfd);
	close(s->tfd);
	free(s);
}

int bfd_sock_send(struct bfd_sock *s, const struct addr *to, uint16_t port, const uint8_t *pkt,
		  size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(to, port, &ss);

	return sendto(s->tfd, pkt, len, 0, (struct sockaddr *)&ss, sl) == (ssize_t)len ? 0 : -1;
}
