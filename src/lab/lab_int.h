/* Inside the lab runtime: what lab.c, up.c, build.c, gen.c, proc.c and status.c share.
 *
 * A running lab is described by its state directory, LAB_RUN_DIR/NAME/:
 *   topology.yaml      a copy of the file it was built from (every later command reloads it,
 *                      so addresses and names are derived again, never stored twice)
 *   mode               "wire" (links through the delay wire) or "direct" (--no-delay)
 *   namespaces         every namespace, appended *before* it is created, so that `down`
 *                      after a crash knows what to delete
 *   NS.ip              the ip(8) batch that configured namespace NS (kept for debugging)
 *   wire.links, wire.pid, wire.log
 *   NODE/anycastd.conf, anycastd.pid, anycastd.log, anycastd.sock
 *   NODE/lab.zone, anycast-dns.pid, anycast-dns.log                  (sites)
 *   NODE/failed        "service" or "site" while `lab fail` is in force
 * PID files hold "PID STARTTIME" so that a recycled PID is never signalled. */
#ifndef LAB_INT_H
#define LAB_INT_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#include "lab/lab.h"
#include "lab/topo.h"

/* Set by SIGINT/SIGTERM/SIGHUP while `lab up` runs: every wait gives up and `up` removes what
 * it built. */
extern volatile sig_atomic_t lab_interrupted;

struct lab {
	struct lab_topo topo;
	int loaded;                     /* topo is valid (and must be freed) */
	char dir[256];                  /* LAB_RUN_DIR/NAME (names are short) */
	int direct;                     /* veth pairs node to node, no wire namespace */
	char anycastd[PATH_MAX];        /* the binaries the lab runs */
	char dns[PATH_MAX];
	char self[PATH_MAX];            /* this program, for `anycast lab wire` */
};

/* lab.c: state directory and names. */
/* "DIR/NODE/FILE", "DIR/FILE" when node is NULL. */
void lab_path(const struct lab *l, const char *node, const char *file, char *out, size_t len);
/* Opens the state of lab name (NULL: the only lab there is) and reloads its topology. */
int lab_open(const char *name, struct lab *l, char *err, size_t errlen);
void lab_close(struct lab *l);
/* Finds the binaries next to this one (or in PATH); ANYCAST_LAB_ANYCASTD and
 * ANYCAST_LAB_DNS override them (the tests use this to make a daemon fail). */
void lab_find_binaries(struct lab *l);
/* Removes everything of lab name whose state is in dir (dir may be missing): processes by
 * PID, namespaces, state. Never fails half-way: every step is tried. */
void lab_teardown(const char *name, const char *dir);
/* The namespaces of lab name: those recorded in dir/namespaces and every "NAME-*" that is not
 * another lab's (a lab "NAME-x" that is up); *out and its names are malloc'ed. */
size_t lab_namespaces(const char *name, const char *dir, char ***out);
int lab_write_file(const char *path, const char *text, char *err, size_t errlen);
/* The text of a small file without its final newline, or -1. */
int lab_read_file(const char *path, char *out, size_t len);
/* Starts (or restarts, after `lab heal`) a site's anycast-dns; its PID or -1. */
pid_t lab_start_dns(const struct lab *l, size_t node, char *err, size_t errlen);

/* build.c: namespaces, links, addresses, routes, sysctls. */
int lab_build(const struct lab *l, char *err, size_t errlen);
/* All links of a node down (a crash) or up again, on the node's side and the wire's. */
int lab_links_set(const struct lab *l, size_t node, int up, char *err, size_t errlen);
int lab_netns_exists(const char *ns);
/* Deletes a named namespace as ip(8) does (detach the bind mount, remove the file). */
void lab_netns_del(const char *ns);
/* Names in /run/netns starting with prefix; *out is malloc'ed, each name too. */
size_t lab_netns_list(const char *prefix, char ***out);
/* Runs fn(arg) inside namespace ns and comes back to ours; fn explains a failure in err.
 * Sockets fn opens stay in ns. */
int lab_in_netns(const char *ns, int (*fn)(void *arg, char *err, size_t errlen), void *arg,
		 char *err, size_t errlen);

/* gen.c: generated files. */
int lab_gen_anycastd(const struct lab *l, size_t node, char *err, size_t errlen);
int lab_gen_zone(const struct lab *l, size_t node, char *err, size_t errlen);
int lab_gen_wire(const struct lab *l, char *err, size_t errlen);
/* BGP sessions of a node (links to routers and sites). */
size_t lab_sessions_of(const struct lab_topo *t, size_t node);
/* ADDR:PORT, IPv6 in brackets, as anycast-dns --listen wants it. */
void lab_hostport(const struct addr *a, int port, char *out, size_t len);
/* The client's access link and the router on its other end; -1 if none. */
int lab_client_link(const struct lab_topo *t, size_t node, size_t *link, size_t *router);

/* proc.c: processes in namespaces, by PID. */
/* Starts argv (argv[0] a path) in namespace ns (NULL: ours), in a session of its own, stdin
 * /dev/null, stdout and stderr appended to logpath; records "PID STARTTIME" in pidfile.
 * Returns the PID (our child), -1 with the reason in err. */
pid_t lab_proc_start(const char *ns, char *const argv[], const char *logpath,
		     const char *pidfile, char *err, size_t errlen);
/* The PID in pidfile if that very process (same start time) still runs, else 0. */
pid_t lab_proc_pid(const char *pidfile);
/* For our own children: 1 and the wait status if pid has exited (and is reaped). */
int lab_proc_exited(pid_t pid, int *status);
/* Stops the processes of the PID files: TERM, then KILL after 2 s; removes the files. */
void lab_proc_stop(char *const *pidfiles, size_t n);
/* TERM, then KILL, every process still inside namespace ns (found by PID in /proc). */
void lab_proc_kill_netns(const char *ns);
/* Runs argv (searched in PATH) and waits; a failure gives its last stderr line in err. */
int lab_run(char *const argv[], char *err, size_t errlen);
/* The last non-empty line of a log file, for error messages. */
void lab_log_tail(const char *path, char *out, size_t len);

/* status.c: sessions and DNS answers. */
/* Established sessions and sessions of the anycastd behind sock; -1 if unreachable. */
int lab_sessions(const char *sock, int *established, int *total);
struct lab_answer {
	int ok;                 /* answered */
	char site[64];          /* the identity in the CH TXT id.server answer */
	double rtt_ms;
	char why[64];           /* when not ok */
};
/* Asks the anycast address for id.server from every client's namespace at once; ans has
 * topo.nnodes entries, filled for clients. */
void lab_ask_clients(const struct lab *l, int timeout_ms, struct lab_answer *ans);

#endif
