/* The RTR client (RFC 8210, falling back to RFC 6810): one TCP session to one cache on the
 * event loop. It keeps the VRPs this cache gave in a table of its own and mirrors them into a
 * shared table, whole Cache Response..End of Data at a time, so that a reader of the shared
 * table never sees half an update; on_change then tells its owner to re-validate. */
#ifndef RPKI_CLIENT_H
#define RPKI_CLIENT_H

#include <stdint.h>

#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/ev.h"
#include "rpki/rtr.h"
#include "rpki/vrp.h"

enum rtrc_state { RTRC_IDLE, RTRC_CONNECTING, RTRC_SYNCING, RTRC_SYNCED };

struct rtr_client;

struct rtr_client_ops {
	/* The shared table changed (an update applied, or the data expired). */
	void (*on_change)(struct rtr_client *c, void *arg);
};

struct rtr_pending {
	uint8_t flags;
	struct vrp vrp;
};

struct rtr_client {
	struct ev_loop *loop;
	struct addr addr;
	uint16_t port;
	struct vrp_table *shared, *mine;
	const struct rtr_client_ops *ops;
	void *arg;
	enum rtrc_state state;
	int fd;
	uint8_t version; /* 1, or 0 after the cache refused 1 */
	int have_data;   /* session and serial hold: Serial Query, else Reset Query */
	int loading;     /* between Cache Response and End of Data */
	int resetting;   /* the answer is to a Reset Query: it replaces everything */
	uint16_t session;
	uint32_t serial;
	uint32_t refresh_s, retry_s, expire_s; /* RFC 8210 section 6 */
	struct ev_timer refresh, retry, expire;
	struct buf rbuf;
	struct rtr_pending *pend;
	size_t npend, cappend;
	/* Counters and the last error, for `show rpki` and for tests. */
	unsigned long updates, resets, errors;
	char last_error[128];
};

/* Connects at once and keeps reconnecting every retry interval. shared is not owned. */
struct rtr_client *rtr_client_new(struct ev_loop *loop, const struct addr *addr, uint16_t port,
				  struct vrp_table *shared, const struct rtr_client_ops *ops,
				  void *arg);
/* Closes the session and takes this cache's VRPs out of the shared table. */
void rtr_client_free(struct rtr_client *c);
const char *rtrc_state_name(enum rtrc_state s);

#endif
