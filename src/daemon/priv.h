/* anycastd's privileges: what it gives up once its sockets are open, and who may talk to it.
 *
 * Why: a BGP daemon parses input from the network all day; if that parsing goes wrong the
 * attacker should get an unprivileged uid with three capabilities, not root. Everything that
 * needs root is done first (listeners, netlink, the control and metrics sockets, the pidfile);
 * then, with `user`, the process switches uid and gid for good and keeps exactly
 * CAP_NET_ADMIN (kernel routes, service addresses), CAP_NET_BIND_SERVICE (port 179, also for
 * listeners a reload adds) and CAP_NET_RAW (BFD, raw probes). Everything else is dropped from
 * the bounding set too, so nothing it executes can regain it; exec checks it starts have no
 * capability at all (spawn.h).
 *
 * The control socket is given the group of `control-group` (mode 0660); access.h opens the
 * read-only one. */
#ifndef DAEMON_PRIV_H
#define DAEMON_PRIV_H

#include <stddef.h>
#include <sys/types.h>

#include "conf/conf.h"

struct daemon;

/* Exactly these stay (CapPrm and CapEff in /proc/PID/status). */
#define PRIV_KEEP_CAPS ((1ull << 12) | (1ull << 10) | (1ull << 13)) /* ADMIN, BIND, RAW */

/* Gives the socket at path the group g (mode 0660), or mode others when g is not set.
 * Returns 0, or -1 with a message in err. */
int daemon_priv_socket(const char *path, const struct conf_user *g, mode_t others, char *err,
		       size_t errlen);
/* Switches to v->user (if set) keeping PRIV_KEEP_CAPS; the supplementary groups are the user's
 * and the socket groups, so a reload can still give a new socket its group. Returns 0, or -1
 * with a message in err (then nothing is half done that matters: the caller exits). */
int daemon_priv_drop(const struct conf_priv *v, char *err, size_t errlen);
/* On reload: what only a restart can change (user, group, sockets' groups, pidfile,
 * kernel-protocol) is logged and kept; a new control socket gets its group. */
void daemon_priv_reload(struct daemon *d, const struct conf *nc);

#endif
