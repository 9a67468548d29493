/* The state of a lab: what every lab command opens first. A running lab is described by its
 * state directory, LAB_RUN_DIR/NAME/:
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
 * PID files hold "PID STARTTIME" (proc.h) so that a recycled PID is never signalled. */
#ifndef LAB_STATE_H
#define LAB_STATE_H

#include <limits.h>
#include <stddef.h>

#include "lab/netns.h"
#include "lab/topo.h"

#define LAB_RUN_DIR "/run/anycast/lab" /* state: LAB_RUN_DIR/NAME/ */

struct lab {
	struct lab_topo topo;
	int loaded;              /* topo is valid (and must be freed) */
	char dir[256];           /* LAB_RUN_DIR/NAME (names are short) */
	int direct;              /* veth pairs node to node, no wire namespace */
	int netem;               /* with direct: the links' delays by netem (netem.h) */
	char anycastd[PATH_MAX]; /* the binaries the lab runs */
	char dns[PATH_MAX];
	char self[PATH_MAX]; /* this program, for `anycast lab wire` */
};

/* "DIR/NODE/FILE", "DIR/FILE" when node is NULL. */
void lab_path(const struct lab *l, const char *node, const char *file, char *out, size_t len);
/* Opens the state of lab name (NULL: the only lab there is) and reloads its topology. */
int lab_open(const char *name, struct lab *l, char *err, size_t errlen);
void lab_close(struct lab *l);
/* The index of node in l's topology; -1 with "lab X has no node 'Y'" in err. */
int lab_find_node(const struct lab *l, const char *node, char *err, size_t errlen);
/* The name of the lab to act on: name itself if it is a valid lab name, or with name NULL the
 * only lab there is; -1 with the reason in err. */
int lab_pick(const char *name, char *out, size_t len, char *err, size_t errlen);
/* Gives topology t the lab name name (`up --name`, `demo --name`, and the state directory's
 * name over the one in its file); -1 with the reason in err if name is not a lab name. */
int lab_rename(struct lab_topo *t, const char *name, char *err, size_t errlen);
/* How many labs have a state directory. */
size_t lab_count(void);
/* Finds the binaries next to this one (or in PATH); ANYCAST_LAB_ANYCASTD and
 * ANYCAST_LAB_DNS override them (the tests use this to make a daemon fail). */
void lab_find_binaries(struct lab *l);
/* The namespaces of lab name: those recorded in dir/namespaces and every "NAME-*" that is not
 * another lab's (a lab "NAME-x" that is up); *out and its names are malloc'ed (lab_free_names). */
size_t lab_namespaces(const char *name, const char *dir, char ***out);
void lab_free_names(char **v, size_t n);
/* A lab of this name is up, or was not taken down: its state directory or a namespace
 * NAME-* exists (a crashed lab, even of another topology of that name, may have left one). */
int lab_taken(const char *name);

int lab_write_file(const char *path, const char *text, char *err, size_t errlen);
/* The text of a small file without its final newline, or -1. */
int lab_read_file(const char *path, char *out, size_t len);
/* write(2) until done; -1 on error. */
int lab_write_all(int fd, const void *p, size_t len);
/* ADDR:PORT, IPv6 in brackets, as anycast-dns --listen and the probes want it. */
void lab_hostport(const struct addr *a, int port, char *out, size_t len);

#endif
