/* The drain file, polled: inotify would see it sooner, but needs the directory to exist and
 * to be watched again when it is replaced; a stat every 100 ms is simpler and as cheap. */
#include "dns/drain.h"

#include <stdlib.h>
#include <sys/stat.h>

#include "lib/log.h"

struct dns_drain {
	struct ev_loop *loop;
	const char *path;
	dns_drain_fn *cb;
	void *arg;
	int on;
	struct ev_timer tick;
};

static void check(struct dns_drain *d)
{
	struct stat st;
	int on = stat(d->path, &st) == 0;

	if (on != d->on) {
		d->on = on;
		d->cb(on, d->arg);
	}
}

static void on_tick(struct ev_timer *t, void *arg)
{
	struct dns_drain *d = arg;

	check(d);
	ev_timer_start(d->loop, t, DNS_DRAIN_CHECK_MS);
}

struct dns_drain *dns_drain_new(struct ev_loop *loop, const char *path, dns_drain_fn *cb, void *arg)
{
	struct dns_drain *d = xcalloc(1, sizeof(*d));

	d->loop = loop;
	d->path = path;
	d->cb = cb;
	d->arg = arg;
	ev_timer_init(&d->tick, on_tick, d);
	on_tick(&d->tick, d);
	return d;
}

int dns_drain_on(const struct dns_drain *d) { return d->on; }

void dns_drain_free(struct dns_drain *d)
{
	if (!d)
		return;
	ev_timer_stop(d->loop, &d->tick);
	free(d);
}
