/* anycast-dns's statistics over HTTP (--metrics ADDR:PORT), served by the main thread's event
 * loop with the one-request server of lib/reqsrv.h, so a slow scraper never holds a worker:
 *   GET /metrics  Prometheus text exposition (dns_metrics_render)
 *   GET /load     the load gauge alone and a newline, for scripts and `check load` */
#ifndef DNS_METRICS_H
#define DNS_METRICS_H

#include "dns/server.h"
#include "dns/stats.h"
#include "lib/buf.h"
#include "lib/ev.h"

struct dns_metrics;
/* Fills s with the figures of the moment; called per request. */
typedef void dns_metrics_read_fn(struct dns_stats *s, void *arg);

/* Listens on l; NULL (logged, with the address and the reason) when it cannot. */
struct dns_metrics *dns_metrics_new(struct ev_loop *loop, const struct dns_listen *l,
				    dns_metrics_read_fn *read, void *arg);
void dns_metrics_free(struct dns_metrics *m);

/* The exposition text of s. */
void dns_metrics_render(const struct dns_stats *s, struct buf *b);

#endif
