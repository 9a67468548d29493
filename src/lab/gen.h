/* The lab's programs (gen.c): the files they read, derived from the topology (an
 * anycastd.conf per router and site, a zone per site, the wire's list of links), and how a
 * site's anycast-dns is started. */
#ifndef LAB_GEN_H
#define LAB_GEN_H

#include <stddef.h>
#include <sys/types.h>

#include "lab/state.h"

/* Hold time of every session: short enough that a silent peer is noticed in seconds, long
 * enough for a loaded CI machine. A cut link is noticed at once anyway (carrier loss). */
#define LAB_HOLD_TIME 9
/* A site's drain (`anycast drain anycast` on its anycastd): the route stays for up to
 * LAB_DRAIN_WAIT_S while anycast-dns closes its TCP connections in order (told by the
 * drain-file both read, LAB_DRAIN_FILE in the site's directory), then GRACEFUL_SHUTDOWN and
 * prepends for LAB_DRAIN_TIME_S, then the withdrawal. */
#define LAB_DRAIN_WAIT_S 5
#define LAB_DRAIN_TIME_S 3
#define LAB_DRAIN_FILE "anycast-dns.drain"

/* Where a site's anycast-dns serves its metrics, inside the site's namespace. */
#define LAB_DNS_METRICS "127.0.0.1:9153"

int lab_gen_anycastd(const struct lab *l, size_t node, char *err, size_t errlen);
int lab_gen_zone(const struct lab *l, size_t node, char *err, size_t errlen);
int lab_gen_wire(const struct lab *l, char *err, size_t errlen);
/* Start (or restart, after `lab heal`) a site's anycast-dns, a router's or site's anycastd, the
 * wire (with its links file written anew); each returns the PID or -1. Their logs and PID
 * files are in the state directory (state.h). */
pid_t lab_start_dns(const struct lab *l, size_t node, char *err, size_t errlen);
pid_t lab_start_anycastd(const struct lab *l, size_t node, char *err, size_t errlen);
pid_t lab_start_wire(const struct lab *l, char *err, size_t errlen);

#endif
