/* The output queue of a BGP connection (see sendq.h). */
#include "bgp/sendq.h"

#include <errno.h>
#include <sys/socket.h>

/* Drops n written bytes from the front of q, keeping track of message boundaries. */
static void consume(struct buf *q, size_t n, size_t *head)
{
	while (n > 0) {
		if (*head == 0)
			*head = get16(q->data + q->off + 16); /* the header's length field */
		size_t take = n < *head ? n : *head;

		buf_consume(q, take);
		*head -= take;
		n -= take;
	}
}

ssize_t bgp_sendq_write(int fd, struct buf *q, size_t *head)
{
	size_t total = 0;

	while (buf_pending(q) > 0) {
		ssize_t n = send(fd, q->data + q->off, buf_pending(q), MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			consume(q, (size_t)n, head);
			total += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		return -1;
	}
	return (ssize_t)total;
}

int bgp_sendq_last_words(int fd, struct buf *q, size_t head, const struct buf *msg)
{
	struct linger abort_close = { .l_onoff = 1, .l_linger = 0 };

	if (head == 0) {
		buf_reset(q);
		buf_put(q, msg->data, msg->len);
		if (send(fd, q->data, q->len, MSG_NOSIGNAL | MSG_DONTWAIT) == (ssize_t)q->len)
			return 0;
	}
	/* Nothing more can reach the neighbour in order: the close resets the connection
	 * rather than leave the kernel holding what it will never take. */
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_close, sizeof(abort_close));
	return -1;
}
