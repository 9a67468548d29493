/* The pidfile: the daemon's process id for `kill -HUP $(cat PIDFILE)`, written once it has
 * started (so its presence means a running daemon that took its sockets) and removed when it
 * stops. Why not pidof: several anycastd may run on one machine (one per namespace in the
 * lab), and a signal must reach exactly one. */
#ifndef DAEMON_PIDFILE_H
#define DAEMON_PIDFILE_H

#include <stddef.h>

#include "conf/conf.h"

/* Writes our pid to path (replacing the file). With v->user set, warns when the directory
 * will not let that user remove the file at exit. Returns 0, or -1 with a message in err. */
int daemon_pidfile_write(const char *path, const struct conf_priv *v, char *err, size_t errlen);
/* Removes it if it still holds our pid (a newer instance may have taken the path). */
void daemon_pidfile_remove(const char *path);

#endif
