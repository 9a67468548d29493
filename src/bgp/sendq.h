/* The output queue of a BGP connection: whole encoded messages waiting for the socket.
 *
 * Why a file of its own: two promises hang on it. It is bounded for the layers that produce
 * UPDATEs (the Adj-RIB-Out stops encoding above BGP_SENDQ_HIGH and goes on when the socket
 * has taken the queue below BGP_SENDQ_LOW; what it still has to say stays as one entry per
 * prefix, never as bytes), so a neighbour that does not read cannot make us grow. And it
 * knows where its first message starts, so a last NOTIFICATION (the send hold timer's, RFC
 * 9687) is only queued where it cannot land in the middle of a half-written message. */
#ifndef BGP_SENDQ_H
#define BGP_SENDQ_H

#include <stddef.h>
#include <sys/types.h>

#include "lib/buf.h"

#define BGP_SENDQ_HIGH (128 * 1024)
#define BGP_SENDQ_LOW (32 * 1024)

/* Writes what q holds to fd without blocking. *head is the number of bytes of the first
 * queued message not yet written (0: q starts at a message boundary); q must hold whole
 * messages from that boundary on. Returns the bytes written (0 when the socket is full), or -1
 * on an error of the connection (errno set; q left as it was). */
ssize_t bgp_sendq_write(int fd, struct buf *q, size_t *head);
/* The queue is abandoned before a close: when no message is half written it is replaced by
 * msg, tried once without blocking; 0 when the socket took msg whole. Otherwise (-1) the
 * socket is set to reset on close, as nothing more can reach the neighbour in order. */
int bgp_sendq_last_words(int fd, struct buf *q, size_t head, const struct buf *msg);

#endif
