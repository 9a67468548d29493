/* anycastd's BFD: one RFC 5880 session per neighbour with `bfd yes`, over one RFC 5881 socket
 * per address family, and the BGP session held down while its session is not Up.
 *
 * Why apart from daemon.c: the BFD FSM (bfd/session.h) and the socket (bfd/sock.h) know
 * nothing of neighbours; this is the glue that gives each session its discriminator, finds
 * the session of a received packet (by Your Discriminator, or by source address while it is
 * 0), counts what it drops, and tells the BGP session (bgp_session_hold) what BFD says of the
 * path. Everything runs on the daemon's one event loop. */
#ifndef DAEMON_BFD_H
#define DAEMON_BFD_H

#include "lib/addr.h"
#include "lib/buf.h"
#include "conf/conf.h"

struct daemon;
struct daemon_bfd;

/* Makes the sessions match the neighbours of c that have `bfd yes` (created, re-timed through
 * a Poll sequence, or removed), then holds or releases every BGP session accordingly. Called
 * once the speaker's neighbours match c. */
void daemon_bfd_sync(struct daemon *d, const struct conf *c);
/* Tells every peer we go AdminDown (so it does not count it as a failure), then frees all. */
void daemon_bfd_free(struct daemon *d);
/* `show neighbors`: the column (text) or the fields (JSON, after a comma) of neighbour a. */
void daemon_bfd_show(struct daemon *d, const struct addr *a, int json, struct buf *out);
/* Prometheus: per-session state and packets, and the drops by reason. */
void daemon_bfd_metrics(struct daemon *d, struct buf *out);

#endif
