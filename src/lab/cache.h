/* The lab's RPKI cache (`rpki: {roas: [...]}`): stayrtr in a namespace of its own, NAME-rpki,
 * serving the lab's ROA file over RTR (RFC 8210) to every router, as an operator's cache
 * serves its routers. Each router reaches it over a veth of its own ("rpki"), with no delay:
 * a cache sits in the router's own point of presence. The ROA file is the one truth: the
 * demo's hijack chapter rewrites it while the lab runs, stayrtr re-reads it every second and
 * notifies the routers (Serial Notify), and they revalidate without a session reset. */
#ifndef LAB_CACHE_H
#define LAB_CACHE_H

#include <stddef.h>
#include <sys/types.h>

#include "lab/state.h"
#include "lib/buf.h"

#define LAB_CACHE_NODE "rpki" /* the namespace NAME-rpki: no node may take the name */
#define LAB_CACHE_IF "rpki"   /* the router's end of its link to the cache */
#define LAB_CACHE_PORT 8282
#define LAB_CACHE_MAX 256 /* routers: a /31 each in 198.19.254.0/23 */

/* The two ends of router `node`'s link to the cache; -1 if the node is no router or the lab has
 * no cache. */
int lab_cache_addrs(const struct lab_topo *t, size_t node, struct addr *cache, struct addr *router);
/* Appends to b the ip(8) batch lines that make the veth pairs between every router and the
 * cache namespace (run in ours); nothing if the lab has no cache. -1 beyond LAB_CACHE_MAX. */
int lab_cache_links(const struct lab *l, struct buf *b, char *err, size_t errlen);
/* The batch run inside the cache namespace (lo, its ends of the links) and the one run in a
 * router's (its end); nothing for other nodes. */
void lab_cache_ns_batch(const struct lab *l, struct buf *b);
void lab_cache_router_batch(const struct lab *l, size_t node, struct buf *b);
/* Writes the ROA file and starts stayrtr in the cache namespace (PID file rpki.pid, log
 * rpki.log). Returns the PID, or -1 with the reason (stayrtr missing: how to install it). */
pid_t lab_cache_start(const struct lab *l, char *err, size_t errlen);
/* The ROA file of the lab, as stayrtr and rpki-client write it (gen.c's format). */
int lab_cache_write_roas(const struct lab *l, char *err, size_t errlen);

#endif
