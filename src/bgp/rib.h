/* Routing tables keyed by prefix: the Adj-RIB-In of every neighbour and our own routes share one
 * table (each path remembers where it came from, as in BIRD); each neighbour's Adj-RIB-Out is a
 * table of its own. A node holds every path for its prefix; the decision process marks one best. */
#ifndef BGP_RIB_H
#define BGP_RIB_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/slab.h"
#include "bgp/attr.h"

struct bgp_peer;

struct rib_path {
	struct rib_path *next;
	struct bgp_peer *src;          /* NULL: originated here */
	const struct bgp_attrs *attrs; /* interned, one reference held */
	uint8_t best;
	uint8_t ecmp;  /* as good as the best up to the router-id tie-break */
	uint8_t flags; /* RIB_PATH_* */
	uint8_t rov;   /* enum rov_state (rpki/vrp.h) of a neighbour's path, set by bgp/rov.c */
};

#define RIB_PATH_REJECTED 0x01 /* kept for display, never selected; one reason below */
#define RIB_PATH_LOOP 0x02     /* our AS in the AS path */
#define RIB_PATH_FILTERED 0x04 /* not in the neighbour's import allow-list */
#define RIB_PATH_LEAK 0x08     /* RFC 9234 OTC says it is a route leak */
#define RIB_PATH_STALE 0x10    /* kept over a graceful restart or route refresh (gr.h) */
#define RIB_PATH_ROV 0x40      /* RPKI invalid, and the neighbour's policy is reject-invalid */

struct rib_node {
	struct rib_node *hnext;
	struct rib_path *paths;
	uint32_t hash;
	struct prefix pfx;
	uint8_t first_used; /* (fits in the padding after pfx) */
	/* Most prefixes have one path: it lives here, in the node's own allocation, which saves
	 * a malloc and its overhead per route (a full table is a million of them). 72 bytes in
	 * all, an 80-byte malloc chunk. */
	struct rib_path first;
};

/* Linear hashing: the table doubles a few buckets at a time, never all at once, so one insert
 * never rehashes a million nodes (a long stop of the event loop). Buckets below split are
 * already split with the mask of 2 * base. Nodes and the paths beyond a node's first come from
 * the table's own slabs (lib/slab.h): a full table is a million of them. All zero is an empty
 * table. */
struct rib {
	struct rib_node **buckets;
	size_t nbuckets; /* allocated: base, or 2 * base while splitting */
	size_t base, split;
	size_t count; /* nodes */
	struct slab nodes, paths;
};

void rib_init(struct rib *r);
void rib_free(struct rib *r); /* drops every path and its attribute reference */
struct rib_node *rib_lookup(const struct rib *r, const struct prefix *p);
/* Adds or replaces the path from src (takes a new reference to attrs). Returns 1 if anything
 * changed, 0 if the same attributes and flags were already there. */
int rib_update(struct rib *r, const struct prefix *p, struct bgp_peer *src,
	       const struct bgp_attrs *attrs, uint8_t flags);
/* Removes the path from src. Returns 1 if there was one. */
int rib_withdraw(struct rib *r, const struct prefix *p, struct bgp_peer *src);
/* The same on a node already in hand, for the import path (a full table is a million prefixes:
 * one hash lookup each, not three). rib_get finds or creates the node of p (an empty node must
 * get a path before anything else looks at the table); rib_node_update is rib_update on it;
 * rib_node_withdraw removes src's path and returns n, or NULL when that was the last path and
 * the node is gone. */
struct rib_node *rib_get(struct rib *r, const struct prefix *p);
int rib_node_update(struct rib *r, struct rib_node *n, struct bgp_peer *src,
		    const struct bgp_attrs *attrs, uint8_t flags);
struct rib_node *rib_node_withdraw(struct rib *r, struct rib_node *n, struct bgp_peer *src);
struct rib_path *rib_path_of(const struct rib_node *n, const struct bgp_peer *src);

/* Iteration that tolerates removing the current node's paths. */
struct rib_iter {
	const struct rib *r;
	size_t bucket;
	struct rib_node *next;
};
void rib_iter_init(struct rib_iter *it, const struct rib *r);
struct rib_node *rib_iter_next(struct rib_iter *it);
/* A walk in steps, across loop iterations while the table changes: visits the nodes of buckets
 * *pos, *pos + 1, ... (whole buckets), calling fn(n, arg), which returns what the visit cost,
 * until the costs reach budget; *pos is where to resume. Returns 1 once the end is reached.
 * Linear hashing only ever moves a node to a higher bucket, so a walk resumed later visits
 * every node that stayed in the table (one that moved on may be visited twice; one added
 * meanwhile may or may not be). fn may remove n, nothing else. */
typedef size_t rib_walk_fn(struct rib_node *n, void *arg);
int rib_walk(struct rib *r, size_t *pos, size_t budget, rib_walk_fn *fn, void *arg);
/* Every node, sorted by prefix (for display). Caller frees the array. */
struct rib_node **rib_sorted(const struct rib *r, size_t *n);

#endif
