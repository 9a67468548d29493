/* Health checks: tcp (connect), http (GET, status, optional body substring), dns (a query that
 * must come back NOERROR with an answer), exec (exit status 0) and process (the process a pid
 * file names is alive: watched through a pidfd, so its exit fails the check at once). Every check runs inside the
 * event loop without blocking it: a hanging check never delays a keepalive. Each result goes
 * through rise/fall hysteresis; while a check is between states it runs at its fast interval.
 * A load check (conf.load: exec or http) also reads a load level from the command's stdout or
 * the body (node/loadval.h); a run that cannot read one fails. */
#ifndef NODE_CHECK_H
#define NODE_CHECK_H

#include <stdint.h>
#include <sys/types.h>

#include "conf/conf.h"
#include "dns/query.h"
#include "lib/buf.h"
#include "lib/ev.h"

struct check;
/* Called after every completed run (changed: the hysteresis state flipped). */
typedef void check_cb(struct check *c, int changed, void *arg);

struct check {
	struct conf_check conf; /* deep copy: outlives configuration reloads */
	char *label;            /* "tcp 127.0.0.1:53", for logs and metrics */
	struct ev_loop *loop;
	check_cb *cb;
	void *arg;
	struct ev_timer next;     /* the next run */
	struct ev_timer deadline; /* the running one's timeout */
	struct ev_timer reap;     /* exec without pidfd_open (old kernels, valgrind): poll */
	int fd;                   /* tcp, http, dns: the socket; -1 when idle */
	pid_t pid;                /* exec: the child, 0 when none */
	int pidfd;
	int watch_fd;    /* process: a pidfd on the watched process, -1 when none */
	pid_t watch_pid; /* process: its pid */
	uint8_t running, killed, http_sent;
	uint16_t dns_id;
	struct dns_question dns_q; /* dns: what the running query asked */
	struct buf io;             /* http request, then response; dns response */
	uint64_t started_at;       /* ms */

	uint8_t ok;      /* after rise/fall: the state the service sees */
	uint8_t last_ok; /* the last run's own result */
	uint8_t has_run;
	uint32_t ok_streak, fail_streak;
	uint32_t last_ms; /* duration of the last run */
	int out_fd;       /* load exec: the read end of the child's stdout, -1 when none */
	double load;      /* load: the level the last passing run read */
	uint8_t has_load; /* load: a level was read (by the last run when last_ok) */
	uint64_t runs, failures;
	char last_error[128];
};

/* Sets up a check; it starts down and runs at once. */
void check_init(struct check *c, struct ev_loop *loop, const struct conf_check *cc, check_cb *cb,
		void *arg);
/* Cancels a run in progress (an exec child is killed and reaped) and frees everything. */
void check_free(struct check *c);
/* Runs now (unless already running), then on schedule again. */
void check_run_now(struct check *c);
/* Same kind, target and parameters: a reload may keep its state. */
int check_conf_equal(const struct conf_check *a, const struct conf_check *b);
const char *check_kind_name(enum conf_check_kind k);

#endif
