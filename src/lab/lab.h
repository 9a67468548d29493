/* anycast lab: a topology built for real in network namespaces, and what runs in it. The
 * operations on a lab (up, down, fail, heal, status) and its command line; they stand on the
 * lab's state (state.h) and are what the demo (demo.h) drives. */
#ifndef LAB_LAB_H
#define LAB_LAB_H

#include <stddef.h>

#include "lab/state.h"
#include "lab/topo.h"
#include "lib/buf.h"

/* `anycast lab ...` (argv[0] is "lab"): up, down, status, exec, fail, heal, demo (cli.c). */
int lab_main(int argc, char **argv);

/* Builds the lab of topology file and starts everything in it; returns when every BGP
 * session is established and every client reaches the anycast address (or fails with a
 * message after a bounded wait, having removed what it built). */
int lab_up(const char *file, char *err, size_t errlen);
struct lab_up_opts {
	int no_delay;       /* veth pairs node to node: no wire process, no link delay */
	int wire;           /* delays by the wire even where the kernel has netem */
	unsigned timeout_s; /* how long to wait for sessions and answers; 0: 30 s */
	int quiet;          /* no summary on stdout */
	const char *name;   /* the lab's name instead of the topology's (NULL: the topology's) */
	int keep;           /* a failed lab stays (logs, configs, namespaces) for inspection */
};
int lab_up_with(const char *file, const struct lab_up_opts *o, char *err, size_t errlen);
/* Stops every process of the lab by its recorded PID and deletes its namespaces and state;
 * works after a crash (from the state directory and the namespace names). name NULL: the
 * only lab there is. */
int lab_down(const char *name, char *err, size_t errlen);
/* Removes everything of lab name whose state is in dir (dir may be missing): processes by
 * PID, namespaces, state. Never fails half-way: every step is tried. */
void lab_teardown(const char *name, const char *dir);
enum lab_fail_kind { LAB_FAIL_SERVICE, LAB_FAIL_SITE, LAB_FAIL_FREEZE };
int lab_fail(const char *name, const char *node, enum lab_fail_kind how, char *err, size_t errlen);
int lab_heal(const char *name, const char *node, char *err, size_t errlen);
/* `anycast lab hijack` (hijack.c): node originates the anycast prefix (len 0) or its
 * more-specific of length len from its own AS and answers DNS there as "hijacker-NODE";
 * lab_hijack_undo, called by lab_heal, takes it back (0 when node hijacks nothing). */
int lab_hijack(const char *name, const char *node, int len, char *err, size_t errlen);
int lab_hijack_undo(const struct lab *l, size_t node, char *err, size_t errlen);
int lab_hijack_main(int argc, char **argv);
/* The DESIGN.md `lab status` document or a table. */
int lab_status(const char *name, int json, struct buf *out, char *err, size_t errlen);

#endif
