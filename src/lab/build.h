/* Building a lab's network (build.c): a namespace per node and one for the wire, veth pairs,
 * addresses, routes and sysctls; and cutting or restoring a node's links. */
#ifndef LAB_BUILD_H
#define LAB_BUILD_H

#include <stddef.h>

#include "lab/state.h"

int lab_build(const struct lab *l, char *err, size_t errlen);
/* All links of a node down (a crash) or up again, on the node's side and the wire's. */
int lab_links_set(const struct lab *l, size_t node, int up, char *err, size_t errlen);

#endif
