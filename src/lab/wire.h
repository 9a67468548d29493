/* The lab's wire: Ethernet frames between pairs of interfaces with a one-way delay and an
 * optional capacity, in userspace (for kernels without sch_netem), on one worker thread per
 * core; and its stats file, which `lab status` reads. */
#ifndef LAB_WIRE_H
#define LAB_WIRE_H

#include <stddef.h>
#include <stdint.h>

struct lab_wire_opts {
	/* one line per link, "IFNAME_A IFNAME_B DELAY_US [PPS QUEUE]" (two interfaces of this
	 * namespace; PPS: the link's capacity in frames per second each way, QUEUE: frames that
	 * may wait for it; '#' starts a comment line) */
	const char *links_file;
	const char *stats_file; /* NULL: none; else rewritten once a second */
	size_t threads;         /* 0: one per core, at most one per link */
};

/* Runs until SIGTERM or SIGINT. Returns 0 after a signal, -1 with a message in err if it could
 * not start. */
int lab_wire_run(const struct lab_wire_opts *o, char *err, size_t errlen);
/* `anycast lab wire --links FILE [--stats FILE] [--threads N]` (argv[0] is "wire"). */
int lab_wire_main(int argc, char **argv);

/* The stats file: "cpu SHARE" (of one core, over the last second), "threads N", and per link
 * "link IFNAME_A IFNAME_B" then, for a->b and b->a, frames forwarded, dropped at a full queue
 * and dropped because the far end was down. */
struct lab_wire_link_stats {
	char a[16], b[16];
	uint64_t forwarded[2], qdropped[2], downdropped[2]; /* [0]: a to b, [1]: b to a */
};
struct lab_wire_stats {
	double cpu;
	size_t threads;
	struct lab_wire_link_stats *links;
	size_t nlinks;
};
int lab_wire_stats_read(const char *path, struct lab_wire_stats *st);
void lab_wire_stats_free(struct lab_wire_stats *st);

#endif
