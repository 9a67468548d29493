/* The control socket: a Unix stream socket on which `anycast` sends one command line and reads
 * the answer. Protocol: the client writes one line ("show neighbors json\n"); the server answers
 * "ok\n" or "error\n", then the body, then closes. */
#ifndef CTL_H
#define CTL_H

#include "lib/buf.h"
#include "lib/ev.h"

struct reqsrv_conn;

/* Runs one command; writes the body into out. Returns 0 for ok, -1 for error, or CTL_LATER to
 * answer later with ctl_reply(conn, ...) (e.g. when checks have run). argv[argc] is NULL. */
typedef int ctl_handler(int argc, char **argv, struct buf *out, void *arg,
			struct reqsrv_conn *conn);
#define CTL_LATER 1

struct ctl_server;

/* Answers a command whose handler returned CTL_LATER. status: 0 ok, -1 error. */
void ctl_reply(struct reqsrv_conn *c, int status, const struct buf *body);

struct ctl_server *ctl_listen(struct ev_loop *loop, const char *path, ctl_handler *h, void *arg,
			      char *err, size_t errlen);
void ctl_close(struct ctl_server *s); /* also unlinks the socket */

/* Client side: sends the command (words joined by spaces), writes the body to out. Returns 0
 * for ok, 1 for an error answer, -1 if the daemon could not be reached (message in err). */
int ctl_call(const char *path, int argc, char **argv, struct buf *out, char *err, size_t errlen);

#endif
