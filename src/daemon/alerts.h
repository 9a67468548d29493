/* Hijack alarms, as BGPalerter and ARTEMIS raise them, on any anycastd that hears routes: a
 * route for a watched prefix or a more-specific of it whose origin is not ours, or whose RPKI
 * state is invalid. Watched are the `watch PREFIX origin ASN` entries (router mode) and, with
 * `monitor yes`, the service prefixes with our own AS. An alarm is one (prefix, neighbour,
 * origin, kind): logged when it starts and when it ends, never in between, counted in the
 * metrics and listed by `anycast show alerts`. Rejected routes count too: a route that ROV
 * drops is still somebody's attempt. */
#ifndef DAEMON_ALERTS_H
#define DAEMON_ALERTS_H

#include "bgp/rib.h"
#include "conf/conf.h"
#include "lib/buf.h"

struct daemon;

/* The watched prefixes from c (at start and on reload); alarms of prefixes no longer watched
 * end, and the RIB is looked through for the newly watched ones. */
void daemon_alerts_apply(struct daemon *d, const struct conf *c);
/* The paths of pfx changed (n NULL: the prefix left the RIB). */
void daemon_alerts_route(struct daemon *d, const struct prefix *pfx, const struct rib_node *n);
void daemon_alerts_stop(struct daemon *d);
/* `show alerts`: [{"prefix","origin","as_path":[…],"neighbor","kind","since","watched",
 * "rov"}] (since: Unix time, seconds). */
void daemon_alerts_show(struct daemon *d, int json, struct buf *out);
/* anycast_hijack_routes{prefix,origin} (neighbours announcing it now) and
 * anycast_hijack_events_total. */
void daemon_alerts_metrics(struct daemon *d, struct buf *out);

#endif
