/* `anycast check SERVICE`: run every check of a service now and answer when each has finished a
 * run. The waiting requests live in struct daemon (reqs); the daemon tells this file when a
 * check finished or a service went away, the control commands start requests. Apart from both
 * so that neither calls the other back. */
#ifndef DAEMON_CHECKREQ_H
#define DAEMON_CHECKREQ_H

#include <stddef.h>

#include "ctl/ctl.h"

struct daemon;
struct svc;

/* Starts the request of conn for service s: returns CTL_LATER (the answer comes later). */
int daemon_check_start(struct daemon *d, struct svc *s, int json, struct reqsrv_conn *conn);
/* A check of service s finished a run: answer the requests that were waiting for it. */
void daemon_check_done(struct daemon *d, struct svc *s);
/* Services v[0..n) are reconfigured or stopped: fail the requests waiting for them. */
void daemon_fail_check_reqs(struct daemon *d, struct svc *v, size_t n);

#endif
