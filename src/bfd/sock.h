/* The RFC 5881 single-hop transport of BFD: UDP port 3784 on one local address, packets sent
 * with TTL (hop limit) 255 from a source port in 49152-65535, and received packets dropped
 * unless their TTL is 255 (a packet from beyond the link cannot have it, section 5) or when
 * bfd_pkt_decode() rejects them; each drop counted by reason.
 *
 * Why apart from the session: the FSM (session.h) is tested without sockets; this layer
 * is the only one that touches the network, and hands the owner checked packets with their
 * source, for it to find the session (by Your Discriminator, or by address while it is 0). */
#ifndef BFD_SOCK_H
#define BFD_SOCK_H

#include <stdint.h>

#include "lib/addr.h"
#include "lib/ev.h"
#include "bfd/packet.h"

#define BFD_PORT 3784
#define BFD_TTL 255

struct bfd_sock_ops {
	/* A packet that passed every check, from address `from`, UDP port `port`. */
	void (*input)(void *owner, const struct addr *from, uint16_t port, const struct bfd_pkt *p);
};

struct bfd_sock {
	struct ev_loop *loop;
	const struct bfd_sock_ops *ops;
	void *owner;
	struct addr local;
	uint16_t port;      /* the receiving port: BFD_PORT, or what the kernel chose for 0 */
	uint16_t src_port;  /* the sending socket's, in 49152-65535 */
	int rfd, tfd;       /* receive on 3784; send from the source port */
	uint64_t received;  /* passed every check */
	uint64_t ttl_drops; /* TTL or hop limit not 255, or not reported */
	uint64_t drops[BFD_ERR_COUNT]; /* by bfd_pkt_decode()'s reason */
};

/* Opens both sockets on local (IPv4 or IPv6) and watches the receiving one. port: BFD_PORT,
 * or 0 in tests. NULL with errno set on failure. */
struct bfd_sock *bfd_sock_open(struct ev_loop *loop, const struct addr *local, uint16_t port,
			       const struct bfd_sock_ops *ops, void *owner);
void bfd_sock_close(struct bfd_sock *s);
/* Sends len bytes to to:port with TTL 255. 0, or -1 with errno set. */
int bfd_sock_send(struct bfd_sock *s, const struct addr *to, uint16_t port, const uint8_t *pkt,
		  size_t len);

#endif
