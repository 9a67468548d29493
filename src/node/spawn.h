/* Starting an exec check's command: `/bin/sh -c COMMAND` in a process group of its own (so a
 * timeout kills the whole pipeline), stdin/stdout/stderr on /dev/null, signals unblocked, and
 * as another user when the configuration names one. Kept apart from check.c because switching
 * users needs fork() (posix_spawn cannot change uid) and is the only privileged step there.
 * The child of a user switch has no capabilities: after setresuid() to a non-zero uid the
 * kernel clears them at execve(). */
#ifndef NODE_SPAWN_H
#define NODE_SPAWN_H

#include <sys/types.h>

#include "conf/conf.h"

/* Starts cmd; as u when u->set and u->uid differs from ours. Returns 0 and sets *pid, or an
 * errno value. A child that cannot switch user exits with status 126 before running cmd. */
int spawn_sh(const char *cmd, const struct conf_user *u, pid_t *pid);
/* The same, with the command's stdout on out_fd (a load check reads its level there); out_fd
 * -1: /dev/null. */
int spawn_sh_out(const char *cmd, const struct conf_user *u, int out_fd, pid_t *pid);

#endif
