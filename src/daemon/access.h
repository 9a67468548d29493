/* Who may talk to anycastd, and the step from a started daemon to a locked-down one.
 *
 * `control-readonly PATH` opens a second control socket that answers only `show` commands,
 * mode 0666, or 0660 with its own group: monitoring can read without being able to drain,
 * check or reload. Like commands.h this is the top of src/daemon: it drives the core, the
 * core never calls it, so main() runs it after daemon_start(). */
#ifndef DAEMON_ACCESS_H
#define DAEMON_ACCESS_H

#include <stddef.h>

#include "ctl/ctl.h"

struct daemon;

/* The control commands of the read-only socket: `show ...` goes to daemon_ctl, anything else
 * is refused with an error naming the socket's purpose. */
int daemon_ctl_readonly(int argc, char **argv, struct buf *out, void *arg,
			struct reqsrv_conn *conn);
/* After daemon_start(): the read-only control socket, the sockets' groups, the pidfile
 * (pidfile: -p, else the configuration's), then the switch to `user`. Returns 0, or -1 with a
 * message in err. */
int daemon_access_start(struct daemon *d, const char *pidfile, char *err, size_t errlen);
/* Before daemon_stop(): closes the read-only socket, removes the pidfile. */
void daemon_access_stop(struct daemon *d);

#endif
