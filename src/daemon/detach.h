/* Going to the background without losing the start-up's errors.
 *
 * daemon(3) detaches first and starts after, so a control socket already in use, a listen
 * address that does not exist or a user that cannot be switched to would only reach syslog
 * while the shell sees exit status 0. Here the parent waits: the child starts everything,
 * then reports "ok" or its error over a pipe, and the parent exits 0, or prints the error on
 * stderr and exits 1. */
#ifndef DAEMON_DETACH_H
#define DAEMON_DETACH_H

/* Forks; only the child returns (a new session, cwd /), with the pipe's write end. The parent
 * waits for daemon_detach_done() and exits with its result. Returns -1 (errno set) when the
 * fork or the pipe failed, without forking. */
int daemon_detach(void);
/* In the child: reports success (err NULL) or err to the waiting parent, then puts stdin,
 * stdout and stderr on /dev/null. fd < 0 (foreground): nothing. */
void daemon_detach_done(int fd, const char *err);

#endif
