/* Inside the kernel interface: the handle and the netlink plumbing shared by kr_route.c,
 * kr_addr.c and kr_link.c (defined in kr_nl.c). Not for other modules. */
#ifndef KERNEL_KR_INT_H
#define KERNEL_KR_INT_H

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stdint.h>

#include "kernel/kr.h"
#include "lib/ev.h"

enum kr_op { KR_OP_REPLACE, KR_OP_DELETE, KR_OP_FLUSH };

/* What one queued message was, so a refusal can be logged with its prefix. The batch's
 * messages carry consecutive sequence numbers from batch_seq0. */
struct kr_pending {
	struct prefix pfx;
	uint8_t op; /* enum kr_op */
};

struct kr_link_state {
	int ifindex;
	uint8_t up;
	uint8_t seen; /* marked during a re-read of every link */
};

struct kr {
	struct ev_loop *loop;
	struct mnl_socket *tx;  /* batched route changes; refusals read back */
	struct mnl_socket *req; /* synchronous requests, dumps and lookups */
	struct mnl_socket *mon; /* link notifications, once kr_watch_links() was called */
	uint32_t tx_port, req_port;
	uint32_t seq;     /* of batch messages: consecutive within a batch */
	uint32_t req_seq; /* of synchronous requests, apart so as not to break that */

	uint8_t *batch;    /* queued messages */
	size_t blen, bcap; /* bcap: what one sendmsg() may carry (bounded by SO_SNDBUF) */
	struct kr_pending *pend;
	size_t npend, maxpend; /* maxpend: refusals the receive buffer surely holds */
	uint32_t batch_seq0;
	struct ev_timer flush_timer;
	struct kr_stats st;
	int quiet_esrch; /* kr_flush_stale: a route already gone is not worth a log line */
	uint8_t proto;   /* our rtm_protocol and IFA_PROTO: KR_RTPROT or kr_set_protocol() */

	kr_link_cb *link_cb;
	void *link_arg;
	struct kr_link_state *links;
	size_t nlinks, caplinks;

	uint8_t *rx; /* receive buffer for every socket */
	size_t rxlen;
};

/* Buffer for one synchronous request (an address, a lookup, a dump request). Declare it
 * zeroed: libmnl before 1.0.5 leaves attribute padding as it finds it. */
#define KR_REQ_SIZE 512

/* Space for the longest message we build: a multipath route with KR_MAX_NEXTHOPS next hops. */
#define KR_MSG_MAX 4096

/* Starts a message in the batch for pfx (flushing first if it is full): returns a header with
 * type, flags and seq set and room for KR_MSG_MAX bytes. kr_batch_end() commits it. */
struct nlmsghdr *kr_batch_begin(struct kr *k, uint16_t type, uint16_t flags,
				const struct prefix *pfx, enum kr_op op);
void kr_batch_end(struct kr *k, struct nlmsghdr *nlh);

/* Synchronous request on the req socket: nlh (type, flags and payload set by the caller; seq
 * and NLM_F_ACK added here) is sent and every reply until the ACK (or NLMSG_DONE for a dump)
 * goes to cb (may be NULL). Returns 0 or a negative errno; the kernel's extended error text, if
 * any, goes into why (why[0] = 0 otherwise). A dump the kernel marks interrupted
 * (NLM_F_DUMP_INTR) returns -EINTR after running to its end. */
int kr_nl_talk(struct kr *k, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg, char *why,
	       size_t whylen);

/* The kernel's reason for a refusal: the extended ACK text if any, else strerror. */
const char *kr_nl_reason(int err, const char *why, char *buf, size_t len);

/* Copies an attribute holding an address of family af into a; -1 if its length is wrong. */
int kr_attr_addr(const struct nlattr *attr, int af, struct addr *a);

#endif
