/* anycastd's origin validation: the RTR caches (`rpki`) and the ROA file (`roa-file`) of the
 * configuration feed the one VRP table the speaker validates against (bgp/rov.h). Only the
 * caches of the best preference that have data count (RFC 8210 section 10: the others are the
 * fallback), plus the file. Whenever that set changes, only the prefixes whose VRPs changed
 * are judged again, without touching a session. */
#ifndef DAEMON_ROV_H
#define DAEMON_ROV_H

#include "conf/conf.h"
#include "lib/buf.h"

struct daemon;

/* Makes the caches, the ROA file and every neighbour's rov policy match c (at start, and on
 * reload before c replaces d->conf): new caches connect, removed ones go, the file is read
 * again; the speaker gets the table. */
void daemon_rov_apply(struct daemon *d, const struct conf *c);
/* Closes the caches and frees the table. */
void daemon_rov_stop(struct daemon *d);
/* `show rpki`: {"vrps","revalidations","caches":[{"address","port","preference","state",
 * "version","session","serial","vrps","updates","resets","errors","last_error"}],
 * "roa_file":{"path","vrps","entries","bad","error"}}. */
void daemon_rov_show(struct daemon *d, int json, struct buf *out);
/* anycast_rpki_vrps, anycast_rpki_cache_up{cache}. */
void daemon_rov_metrics(struct daemon *d, struct buf *out);

#endif
