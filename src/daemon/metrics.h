/* The Prometheus endpoint: GET /metrics on the `metrics` address, text exposition format. */
#ifndef DAEMON_METRICS_H
#define DAEMON_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/buf.h"

struct daemon;
struct metrics_server;

struct metrics_server *metrics_listen(struct daemon *d, const struct addr *a, uint16_t port,
				      char *err, size_t errlen);
void metrics_close(struct metrics_server *m);
/* The exposition text (also used by tests). */
void metrics_render(struct daemon *d, struct buf *out);

#endif
