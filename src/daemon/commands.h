/* The control commands (show, drain, resume, check, reload): anycastd's control socket handler.
 * The top of src/daemon: it drives the daemon core (daemon.h), never the other way round, so
 * main() hands it to daemon_start(). */
#ifndef DAEMON_COMMANDS_H
#define DAEMON_COMMANDS_H

#include "ctl/ctl.h"

/* A ctl_handler; arg is the struct daemon. */
int daemon_ctl(int argc, char **argv, struct buf *out, void *arg, struct reqsrv_conn *conn);

#endif
