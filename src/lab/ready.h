/* When a lab is ready, and why not (ready.c): what `up` knows before it waits (from the
 * simulation of the topology: which clients can reach a site at all, and how long their
 * answers should take) and what it says when a client never answers (no route at its access
 * router, an answer slower than predicted, or none). */
#ifndef LAB_READY_H
#define LAB_READY_H

#include <stddef.h>

#include "lab/ask.h"
#include "lab/state.h"
#include "lib/buf.h"

struct lab_ready {
	int predicted;       /* the topology could be simulated (else nothing below is known) */
	int ask_ms;          /* how long to wait for every client's answer */
	uint32_t *rtt_us;    /* per node: the client's predicted round trip (0: not predicted) */
	const char **site;   /* per node: the client's predicted site, NULL if unreached */
	const char **router; /* per node: the client's access router */
};

/* Predicts t; -1 with "client C: no route to any site (...)" for every unreached client in
 * err. A topology the simulator cannot take (routers sharing an AS) is not an error:
 * predicted stays 0 and ask_ms the default. */
int lab_ready_plan(const struct lab_topo *t, struct lab_ready *r, char *err, size_t errlen);
void lab_ready_free(struct lab_ready *r);
/* Appends to why, for each client that did not answer in ans, the cause: "no route at ROUTER"
 * (its access router has no route to the anycast address), "too slow: answered in N ms,
 * predicted M ms", or "no answer (ROUTER has a route)". Asks those clients again, with time
 * to spare. */
void lab_ready_explain(const struct lab *l, const struct lab_ready *r, const struct lab_answer *ans,
		       struct buf *why);

#endif
