/* The lab's programs (gen.c): the files they read, derived from the topology (an
 * anycastd.conf per router and site, a zone per site, the wire's list of links), and how a
 * site's anycast-dns is started. */
#ifndef LAB_GEN_H
#define LAB_GEN_H

#include <stddef.h>
#include <sys/types.h>

#include "lab/state.h"

int lab_gen_anycastd(const struct lab *l, size_t node, char *err, size_t errlen);
int lab_gen_zone(const struct lab *l, size_t node, char *err, size_t errlen);
int lab_gen_wire(const struct lab *l, char *err, size_t errlen);
/* Starts (or restarts, after `lab heal`) a site's anycast-dns; its PID or -1. */
pid_t lab_start_dns(const struct lab *l, size_t node, char *err, size_t errlen);

#endif
