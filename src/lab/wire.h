/* The lab's wire: Ethernet frames between pairs of interfaces with a one-way delay, in
 * userspace (for kernels without sch_netem). */
#ifndef LAB_WIRE_H
#define LAB_WIRE_H

#include <stddef.h>

/* Runs until SIGTERM or SIGINT. links_file: one line per link, "IFNAME_A IFNAME_B DELAY_US"
 * (two interfaces of this namespace; '#' starts a comment line). Returns 0 after a signal, -1
 * with a message in err if it could not start. */
int lab_wire_run(const char *links_file, char *err, size_t errlen);
/* `anycast lab wire --links FILE` (argv[0] is "wire"). */
int lab_wire_main(int argc, char **argv);

#endif
