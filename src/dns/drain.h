/* The drain file (--drain-file): while it exists, the instance is draining. The one truth that
 * anycastd and anycast-dns both read: `anycast drain SERVICE` creates it, `anycast resume`
 * removes it. Looked at every DNS_DRAIN_CHECK_MS with one stat() on the main thread: it works
 * whether or not the directory exists yet, and costs nothing measurable. */
#ifndef DNS_DRAIN_H
#define DNS_DRAIN_H

#include "lib/ev.h"

#define DNS_DRAIN_CHECK_MS 100

struct dns_drain;
/* Called when the file appears (on = 1) or goes away (on = 0). */
typedef void dns_drain_fn(int on, void *arg);

/* Starts watching path; when the file exists already, cb(1) is called before this returns. */
struct dns_drain *dns_drain_new(struct ev_loop *loop, const char *path, dns_drain_fn *cb,
				void *arg);
int dns_drain_on(const struct dns_drain *d);
void dns_drain_free(struct dns_drain *d); /* NULL: nothing */

#endif
