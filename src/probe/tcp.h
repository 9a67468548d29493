/* anycast probe tcp: DNS over long-lived TCP connections (RFC 7766) to an anycast address, to
 * count what a route change does to established connections.
 *
 * K connections stay open; queries (CH TXT id.server, as `probe dns` asks) are due on an
 * absolute schedule at a total rate N and go round-robin over the connections, pipelined (each
 * with its 2-byte length, answers matched by ID, in any order). What ends a connection is
 * counted:
 * - closed_orderly: the server closed it (EOF). The probe reconnects at once when queries of
 *   that connection are still unanswered (they are re-sent on the new one), else on the next
 *   query due on it.
 * - reset: RST (ECONNRESET, EPIPE, ...), or a query unanswered within the timeout on an open
 *   connection (the probe then closes it), or a connect refused or timed out on a connection
 *   slot whose last connection was established and has not been counted reset yet (a server
 *   killed closes with FIN; that its address then refuses is what says the FIN was no drain).
 *   Each established connection is counted reset at most once.
 * A query is lost when no answer came within the timeout of the time it was due (waiting for
 * a connection counts), or when it was in flight on a connection that timed out. One poll loop,
 * non-blocking sockets; the run stops by itself at count/rate + 2 x timeout at the latest.
 * A mark (a time, or SIGUSR1 to the command) counts the connections established at that moment
 * and, later, how many of exactly those were reset: what a failure at the mark broke. */
#ifndef PROBE_TCP_H
#define PROBE_TCP_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/buf.h"

#define PROBE_TCP_CONNS_MAX 1024u
#define PROBE_TCP_RATE_MAX 100000u
#define PROBE_TCP_INFLIGHT_MAX 4096u /* per connection; above, a due query is lost at once */

struct probe_tcp_opts {
	const char *server; /* ADDR[:PORT] or [IPv6]:PORT; port 53 by default */
	unsigned connections;
	unsigned rate;       /* queries per second, all connections together */
	unsigned long count; /* 1..PROBE_COUNT_MAX (probe.h) */
	unsigned timeout_ms; /* 0: PROBE_TIMEOUT_DEFAULT_MS (probe.h) */
	/* Optional. 1: send no more, wait for the outstanding queries; 2: stop now. */
	volatile sig_atomic_t *stop;
	/* Optional: count the connections established at this CLOCK_MONOTONIC time (clk_now_ns:
	 * the moment a caller breaks something), into probe_tcp_result.open_at_mark. 0: none. */
	int64_t mark_ns;
	/* Optional: a flag that marks the moment when it becomes nonzero, as mark_ns does (the
	 * command sets it on SIGUSR1); the mark is said on stderr when mark_say is set. */
	volatile sig_atomic_t *mark_now;
	int mark_say;
};

struct probe_tcp_site {
	char *name; /* printable identity, or "(SERVFAIL)" etc. */
	unsigned long answers;
	int64_t first_ns, last_ns; /* send time of its first and last answered query */
};

struct probe_tcp_result {
	char server[64];
	unsigned connections, rate, timeout_ms;
	unsigned long count;
	unsigned long sent;     /* queries due (each once, however often re-sent) */
	unsigned long answered; /* within the timeout */
	unsigned long lost;
	unsigned long resent; /* writes of a query again on a new connection */
	unsigned long late;   /* answers to nothing outstanding on that connection */
	unsigned long opened, closed_orderly, reset;
	unsigned long connect_failed; /* refused or timed out, not counted reset */
	unsigned open_end;            /* connections still established at the end */
	int marked;                   /* the mark happened */
	int64_t mark_at_ns;           /* when, since the start */
	unsigned open_at_mark;        /* established at the mark */
	/* resets of those connections (a FIN followed by a refused connect included); the other
	 * resets are of connections opened after the mark */
	unsigned long reset_of_marked;
	int64_t first_reset_ns, last_reset_ns; /* since the start; -1: none */
	int64_t rtt_median_us, rtt_max_us;     /* -1 without answers */
	int64_t elapsed_ns;
	struct probe_tcp_site *sites;
	size_t nsites;
	char err[256];
};

/* Runs the probe; blocks for at most count/rate + 2 x timeout. 0 when it ran, -1 with r->err
 * when it could not start. Free r with probe_tcp_free() in both cases. */
int probe_tcp_run(const struct probe_tcp_opts *o, struct probe_tcp_result *r);
void probe_tcp_free(struct probe_tcp_result *r);
/* `anycast probe tcp --json`: one line and a newline. */
void probe_tcp_json(const struct probe_tcp_result *r, struct buf *out);
void probe_tcp_text(const struct probe_tcp_result *r, struct buf *out);

/* DNS-over-TCP framing of a received stream: calls msg for every whole message at the start
 * of p[0, n) and returns how many bytes those took (the rest is a message not yet complete).
 * A zero length prefix is a message of zero bytes. */
size_t probe_tcp_frames(const uint8_t *p, size_t n, void (*msg)(void *, const uint8_t *, size_t),
			void *arg);

/* `anycast probe tcp ...` (argv[0] is "probe", argv[1] "tcp"). Exit status as probe_main. */
int probe_tcp_main(int argc, char **argv);

#endif
