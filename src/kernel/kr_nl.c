/* The kernel interface's netlink plumbing: the sockets, the route batch and its refusals, and
 * synchronous request/response. */
#include "kernel/kr_int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"

/* The most one sendmsg() carries. Bigger batches cost the kernel nothing extra (it walks the
 * messages one by one either way) but cut syscalls; 256 KiB holds about 4,000 routes. */
#define KR_BATCH_MAX (256 * 1024)
/* Receive buffer asked for on the batch socket. Refusals of a whole batch must fit in it until
 * kr_flush() reads them, or the kernel drops them (ENOBUFS). */
#define KR_TX_RCVBUF (16 * 1024 * 1024)
#define KR_TX_SNDBUF (2 * 1024 * 1024)
/* What one refusal costs in the receive buffer: the kernel charges an skb's true size (buffer
 * plus struct sk_buff), under 1 KiB for an error with its extended ACK; twice that for margin. */
#define KR_REFUSAL_COST 2048
/* Big enough for any one skb the kernel sends us (dumps fill at most 32 KiB). */
#define KR_RX_SIZE (64 * 1024)
/* Refusals logged one by one per flush; beyond that only counted (100,000 routes towards a
 * vanished interface must not write 100,000 lines). */
#define KR_LOG_REFUSALS 16
/* How long a synchronous request waits for the kernel. It answers at once; this only bounds a
 * bug. */
#define KR_REQ_TIMEOUT_S 10

static const char *op_name(uint8_t op)
{
	switch (op) {
	case KR_OP_REPLACE: return "replace";
	case KR_OP_DELETE: return "delete";
	default: return "remove stale";
	}
}

const char *kr_nl_reason(int err, const char *why, char *buf, size_t len)
{
	if (why && why[0])
		snprintf(buf, len, "%s (%s)", strerror(err), why);
	else
		snprintf(buf, len, "%s", strerror(err));
	return buf;
}

int kr_attr_addr(const struct nlattr *attr, int af, struct addr *a)
{
	size_t n = addr_len(af);

	if (mnl_attr_get_payload_len(attr) != n)
		return -1;
	memset(a, 0, sizeof(*a));
	a->af = (uint8_t)af;
	memcpy(a->a, mnl_attr_get_payload(attr), n);
	return 0;
}

/* The extended ACK's message (NLMSGERR_ATTR_MSG) of an NLMSG_ERROR or NLMSG_DONE, if any. With
 * NETLINK_CAP_ACK the request is not echoed back (NLM_F_CAPPED), so the TLVs follow the
 * struct nlmsgerr directly; otherwise they follow the echoed request. */
static void ext_ack_msg(const struct nlmsghdr *nlh, size_t hdr, char *why, size_t whylen)
{
	why[0] = 0;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return;
	if (nlh->nlmsg_type == NLMSG_ERROR && !(nlh->nlmsg_flags & NLM_F_CAPPED)) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

		hdr += MNL_ALIGN(e->msg.nlmsg_len) - MNL_NLMSG_HDRLEN;
	}
	size_t plen = mnl_nlmsg_get_payload_len(nlh);

	if (plen < hdr)
		return;
	const struct nlattr *attr =
		(const struct nlattr *)((const char *)mnl_nlmsg_get_payload(nlh) + hdr);
	int left = (int)(plen - hdr);

	for (; mnl_attr_ok(attr, left);
	     left -= (int)MNL_ALIGN(attr->nla_len), attr = mnl_attr_next(attr)) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
			snprintf(why, whylen, "%s", mnl_attr_get_str(attr));
			return;
		}
	}
}

/* ---- the route batch ---- */

/* sent: the batch in k->pend has just been sent and the refusal may be from it. */
static void refused(struct kr *k, const struct nlmsghdr *nlh, int err, int sent, int *logged)
{
	char why[256], reason[320], p[PREFIX_STRLEN];
	uint32_t idx = nlh->nlmsg_seq - k->batch_seq0; /* wraps harmlessly */

	k->st.errors++;
	ext_ack_msg(nlh, sizeof(struct nlmsgerr), why, sizeof(why));
	kr_nl_reason(err, why, reason, sizeof(reason));
	if (!sent || idx >= k->npend) {
		/* Not from the batch just sent: cannot happen as the kernel answers a send before
		 * it returns, but say so rather than guess a prefix. */
		log_err("kr: route change seq %u refused: %s", nlh->nlmsg_seq, reason);
		return;
	}
	const struct kr_pending *pd = &k->pend[idx];

	if (err == ESRCH && (k->quiet_esrch || pd->op == KR_OP_DELETE)) {
		/* Deleting what is not there: the kernel drops our routes itself when their
		 * interface goes away, so this is routine. */
		log_debug("kr: %s %s: %s", op_name(pd->op), prefix_fmt(&pd->pfx, p), reason);
		return;
	}
	if ((*logged)++ < KR_LOG_REFUSALS)
		log_err("kr: %s %s: %s", op_name(pd->op), prefix_fmt(&pd->pfx, p), reason);
}

/* Reads every refusal queued on the batch socket; sent as for refused(). */
static void tx_drain(struct kr *k, int sent)
{
	int fd = mnl_socket_get_fd(k->tx), logged = 0;

	for (;;) {
		ssize_t r = recv(fd, k->rx, k->rxlen, MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* The kernel could not queue some refusals: those routes are in an
				 * unknown state. Sizing (maxpend) should make this impossible. */
				k->st.lost_reports++;
				log_warn(
					"kr: the kernel dropped route error reports (socket buffer full)");
				continue;
			}
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_err("kr: reading route replies: %s", strerror(errno));
			break;
		}
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)k->rx;
		int left = (int)r;

		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
			if (nlh->nlmsg_type != NLMSG_ERROR ||
			    nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct nlmsgerr))
				continue;
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (e->error != 0)
				refused(k, nlh, -e->error, sent, &logged);
		}
	}
	if (logged > KR_LOG_REFUSALS)
		log_err("kr: %d more route changes refused", logged - KR_LOG_REFUSALS);
}

/* Nothing should be left for the loop to find (kr_flush reads all); this is a safety net. */
static void tx_readable(int fd, uint32_t events, void *arg) { tx_drain(arg, 0); }

void kr_flush(struct kr *k)
{
	if (k->loop)
		ev_timer_stop(k->loop, &k->flush_timer);
	if (k->blen == 0)
		return;
	ssize_t r;

	for (int tries = 0;; tries++) {
		r = mnl_socket_sendto(k->tx, k->batch, k->blen);
		if (r >= 0)
			break;
		if (errno == EINTR)
			continue;
		/* ENOBUFS/ENOMEM: the kernel could not allocate the skb for a big batch; give it a
		 * moment. A few ms in the loop are cheaper than losing the batch. */
		if ((errno == ENOBUFS || errno == ENOMEM || errno == EAGAIN) && tries < 5) {
			clk_sleep_ms(1 << tries);
			continue;
		}
		break;
	}
	if (r < 0) {
		log_err("kr: sending %zu route changes: %s", k->npend, strerror(errno));
		k->st.errors += k->npend;
	} else {
		k->st.batches++;
		k->st.sent += k->npend;
	}
	tx_drain(k, 1);
	k->blen = 0;
	k->npend = 0;
}

static void flush_due(struct ev_timer *t, void *arg) { kr_flush(arg); }

struct nlmsghdr *kr_batch_begin(struct kr *k, uint16_t type, uint16_t flags,
				const struct prefix *pfx, enum kr_op op)
{
	if (k->bcap - k->blen < KR_MSG_MAX || k->npend >= k->maxpend)
		kr_flush(k);
	if (k->npend == 0)
		k->batch_seq0 = k->seq + 1;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(k->batch + k->blen);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++k->seq;
	k->pend[k->npend] = (struct kr_pending){ .pfx = *pfx, .op = (uint8_t)op };
	return nlh;
}

void kr_batch_end(struct kr *k, struct nlmsghdr *nlh)
{
	k->blen += MNL_ALIGN(nlh->nlmsg_len);
	k->npend++;
	/* Whoever queues in a loop callback gets the batch sent when the iteration ends, even
	 * without calling kr_flush(). */
	if (k->loop && !ev_timer_active(&k->flush_timer))
		ev_timer_start(k->loop, &k->flush_timer, 0);
}

void kr_get_stats(const struct kr *k, struct kr_stats *st) { *st = k->st; }

void kr_set_protocol(struct kr *k, uint8_t proto) { k->proto = proto; }

/* ---- synchronous requests ---- */

int kr_nl_talk(struct kr *k, struct nlmsghdr *nlh, mnl_cb_t cb, void *arg, char *why, size_t whylen)
{
	uint32_t seq = ++k->req_seq;
	int intr = 0;

	why[0] = 0;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(k->req, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(k->req, k->rx, k->rxlen);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
		}
		const struct nlmsghdr *m = (const struct nlmsghdr *)k->rx;
		int left = (int)r;

		for (; mnl_nlmsg_ok(m, left); m = mnl_nlmsg_next(m, &left)) {
			/* Replies to an earlier request that timed out are skipped. */
			if (m->nlmsg_seq != seq || m->nlmsg_pid != k->req_port)
				continue;
			if (m->nlmsg_flags & NLM_F_DUMP_INTR)
				intr = 1;
			if (m->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = mnl_nlmsg_get_payload(m);

				if (m->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e))
					return -EPROTO;
				ext_ack_msg(m, sizeof(*e), why, whylen);
				return e->error ? e->error : intr ? -EINTR : 0;
			}
			if (m->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (mnl_nlmsg_get_payload_len(m) >= sizeof(int))
					memcpy(&err, mnl_nlmsg_get_payload(m), sizeof(int));
				ext_ack_msg(m, sizeof(int), why, whylen);
				return err < 0 ? err : intr ? -EINTR : 0;
			}
			if (m->nlmsg_type < NLMSG_MIN_TYPE || !cb)
				continue;
			cb(m, arg);
		}
	}
}

/* ---- open and close ---- */

/* Asks for size bytes of socket buffer: the *FORCE variant passes rmem_max/wmem_max with
 * CAP_NET_ADMIN; without it the capped plain variant is what we get. Returns the size the
 * kernel actually uses. */
static int set_buf(int fd, int force_opt, int opt, int size)
{
	int v = size;
	socklen_t l = sizeof(v);

	if (setsockopt(fd, SOL_SOCKET, force_opt, &v, sizeof(v)) < 0)
		setsockopt(fd, SOL_SOCKET, opt, &v, sizeof(v));
	if (getsockopt(fd, SOL_SOCKET, opt, &v, &l) < 0)
		return 0;
	return v;
}

static void set_flag(struct mnl_socket *nl, int opt)
{
	int one = 1;

	/* Absent on old kernels: the code works without, only with plainer errors. */
	mnl_socket_setsockopt(nl, opt, &one, sizeof(one));
}

static struct mnl_socket *open_sock(int flags, uint32_t *port)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, flags | SOCK_CLOEXEC);

	if (!nl)
		return NULL;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		mnl_socket_close(nl);
		return NULL;
	}
	/* Refusals without the request echoed back (we know it by its seq), with the
	 * kernel's reason in words. */
	set_flag(nl, NETLINK_CAP_ACK);
	set_flag(nl, NETLINK_EXT_ACK);
	*port = mnl_socket_get_portid(nl);
	return nl;
}

struct kr *kr_open(struct ev_loop *loop, char *err, size_t errlen)
{
	struct kr *k = xcalloc(1, sizeof(*k));

	k->loop = loop;
	k->proto = KR_RTPROT;
	ev_timer_init(&k->flush_timer, flush_due, k);
	k->tx = open_sock(SOCK_NONBLOCK, &k->tx_port);
	k->req = open_sock(0, &k->req_port);
	if (!k->tx || !k->req) {
		snprintf(err, errlen, "netlink socket: %s", strerror(errno));
		goto fail;
	}
	/* Dumps filtered in the kernel (by table and protocol) rather than copied to us. */
	set_flag(k->req, NETLINK_GET_STRICT_CHK);
	struct timeval tv = { .tv_sec = KR_REQ_TIMEOUT_S };

	setsockopt(mnl_socket_get_fd(k->req), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

	int fd = mnl_socket_get_fd(k->tx);

	/* netlink refuses a message longer than the send buffer less a little. */
	int snd = set_buf(fd, SO_SNDBUFFORCE, SO_SNDBUF, KR_TX_SNDBUF) - 64;
	int rcv = set_buf(fd, SO_RCVBUFFORCE, SO_RCVBUF, KR_TX_RCVBUF);

	k->bcap = snd > KR_BATCH_MAX ? KR_BATCH_MAX : snd > KR_MSG_MAX ? (size_t)snd : KR_MSG_MAX;
	k->maxpend = rcv / KR_REFUSAL_COST > 16 ? (size_t)(rcv / KR_REFUSAL_COST) : 16;
	k->batch = xmalloc(k->bcap);
	k->pend = xmalloc(k->maxpend * sizeof(*k->pend));
	k->rxlen = KR_RX_SIZE;
	k->rx = xmalloc(k->rxlen);
	k->seq = (uint32_t)time(NULL);
	k->req_seq = k->seq;
	if (loop && ev_io_add(loop, fd, EPOLLIN, tx_readable, k) < 0) {
		snprintf(err, errlen, "event loop: %s", strerror(errno));
		goto fail;
	}
	log_debug("kr: batches of up to %zu bytes and %zu messages", k->bcap, k->maxpend);
	return k;
fail:
	if (k->tx)
		mnl_socket_close(k->tx);
	if (k->req)
		mnl_socket_close(k->req);
	free(k->batch);
	free(k->pend);
	free(k->rx);
	free(k);
	return NULL;
}

void kr_close(struct kr *k)
{
	if (!k)
		return;
	kr_flush(k);
	if (k->loop) {
		ev_timer_stop(k->loop, &k->flush_timer);
		ev_io_del(k->loop, mnl_socket_get_fd(k->tx));
		if (k->mon)
			ev_io_del(k->loop, mnl_socket_get_fd(k->mon));
	}
	mnl_socket_close(k->tx);
	mnl_socket_close(k->req);
	if (k->mon)
		mnl_socket_close(k->mon);
	free(k->batch);
	free(k->pend);
	free(k->links);
	free(k->rx);
	free(k);
}
