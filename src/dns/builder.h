/* Zone sets built and freed off the main thread: parsing a large zone takes most of a second
 * and freeing it a good part of that, and the main thread serves TCP meanwhile. One builder
 * thread takes one job at a time and reports back through the event loop, so the result is
 * published from the main thread like any other event. */
#ifndef DNS_BUILDER_H
#define DNS_BUILDER_H

#include "dns/zoneset.h"

struct ev_loop;
struct dns_builder;

/* Called on the main thread when a build ends: zs is the new set (NULL with err on failure);
 * t and nt are the job's texts, with their outcome filled in. */
typedef void dns_built_cb(struct dns_zoneset *zs, const char *err, struct dns_ztext *t, int nt,
			  void *arg);

struct dns_builder *dns_builder_new(struct ev_loop *loop, dns_built_cb *cb, void *arg);
/* Starts building the files and texts (which must stay valid until the callback). A text's
 * candidate that makes it into the new set is then saved to its save path (zfile.h), still on
 * the builder thread, before the callback: a transferred zone is on disk when it is served.
 * -1 while a build runs: the caller asks again from its callback. */
int dns_builder_start(struct dns_builder *b, char *const *files, int n, struct dns_ztext *t,
		      int nt);
int dns_builder_busy(const struct dns_builder *b);
/* Frees zs on the builder thread, then gives the freed memory back to the system. */
void dns_builder_dispose(struct dns_builder *b, struct dns_zoneset *zs);
/* Waits for a running job (its result is dropped) and the disposals, then stops. */
void dns_builder_free(struct dns_builder *b);

#endif
