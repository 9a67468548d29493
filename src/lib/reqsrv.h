/* A stream server of one request and one answer per connection, for the control socket and the
 * metrics endpoint: it reads until the request is whole, hands it to a handler, writes the
 * answer without blocking the event loop (a slow reader only delays itself), and closes. The
 * answer may come later (reqsrv_reply), e.g. when health checks have run. */
#ifndef LIB_REQSRV_H
#define LIB_REQSRV_H

#include <stddef.h>

#include "lib/buf.h"
#include "lib/ev.h"

struct reqsrv;
struct reqsrv_conn;

/* 1 when req[0..len) is a whole request (e.g. ends with a newline). */
typedef int reqsrv_complete_fn(const char *req, size_t len);
/* req is NUL-terminated and may be modified. Returns 0 with the answer in out, or
 * REQSRV_LATER to answer with reqsrv_reply(c, ...) later. */
typedef int reqsrv_handler(struct reqsrv_conn *c, char *req, size_t len, struct buf *out,
			   void *arg);
#define REQSRV_LATER 1

/* Serves the listening socket lfd (which it then owns). Requests longer than max_req close the
 * connection. A connection that makes no progress (no byte read or written) for idle_ms is
 * closed, unless it waits for a deferred answer. At most max_conns connections: when full, the
 * oldest one not waiting for a deferred answer is closed to make room (so idle clients cannot
 * lock others out); if every one waits, the new one is refused. When accept fails for want of
 * file descriptors (EMFILE, ENFILE), the oldest connection is closed likewise and the listener
 * rests for REQSRV_PAUSE_MS instead of spinning; that is logged once per episode. */
struct reqsrv *reqsrv_new(struct ev_loop *loop, int lfd, size_t max_req,
			  reqsrv_complete_fn *complete, reqsrv_handler *h, void *arg);
#define REQSRV_IDLE_DEFAULT_MS 5000
#define REQSRV_MAX_CONNS_DEFAULT 64
#define REQSRV_PAUSE_MS 100
/* Changes the defaults above (0 keeps the current value). */
void reqsrv_set_limits(struct reqsrv *s, unsigned idle_ms, int max_conns);
/* Connections open now. */
int reqsrv_conns(const struct reqsrv *s);
/* Closes the listening socket and every connection. */
void reqsrv_free(struct reqsrv *s);
/* The answer to a request whose handler returned REQSRV_LATER. */
void reqsrv_reply(struct reqsrv_conn *c, const struct buf *out);

#endif
