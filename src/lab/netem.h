/* Link delay by the kernel's netem qdisc, where the kernel has it: each node's end of a veth
 * pair delays what it sends by the link's one-way delay, so a round trip takes twice that,
 * exactly the wire's model (wire.c) without a process copying frames. The wire stays for
 * kernels without sch_netem (this project's CI machine) and for links with a `capacity`,
 * which netem's byte rate cannot model as packets per second with a queue of frames. */
#ifndef LAB_NETEM_H
#define LAB_NETEM_H

#include <stddef.h>

#include "lab/state.h"
#include "lib/buf.h"

/* 1 when this kernel can put a netem qdisc on an interface: tried for real, on lo of a
 * throwaway network namespace (the module may load on demand), so nothing of ours changes. */
int lab_netem_available(void);
/* tc(8) batch lines for node's ends of its links: a netem delay of the link's one-way delay. */
void lab_netem_batch(const struct lab *l, size_t node, struct buf *b);

#endif
