/* The detection measured live in a running lab: every client of the lab pings the address from
 * inside its namespace, and the method (method.h) runs on those minimum RTTs, with the lab's
 * own cities as the candidates. `anycast lab detect` (labmain.c) prints it; `anycast lab demo`
 * asks it whether its anycast address, and one site's own address, look anycast. */
#ifndef DETECT_LABDETECT_H
#define DETECT_LABDETECT_H

#include <stddef.h>

#include "detect/input.h"
#include "detect/method.h"
#include "lab/topo.h"
#include "lib/buf.h"

#define DET_LAB_COUNT_MAX 20 /* echoes per client, 200 ms apart */

/* Pings addr count times from every located client of t (t->name names its namespaces) and
 * runs the method. 0 with *in (one vantage point per client that answered) and *r filled, to
 * be freed with det_input_free and det_result_free; -1 with the reason in err and nothing to
 * free (a bad address or count, no client reached the address). A client that could not
 * measure is a line "CLIENT: why" in msgs (may be NULL) and counts in in->discarded. */
int det_lab_detect(const struct lab_topo *t, const char *addr, int count, struct det_input *in,
		   struct det_result *r, struct buf *msgs, char *err, size_t errlen);

#endif
