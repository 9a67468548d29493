/* The VRP table (Validated ROA Payloads: prefix, max length, origin AS) and route origin
 * validation against it (RFC 6811 section 2). One table holds both families. RTR and the ROA
 * file may both announce the same VRP, and a cache may announce it twice over two sessions, so
 * copies are counted: removing one copy keeps the VRP until the last copy goes. */
#ifndef RPKI_VRP_H
#define RPKI_VRP_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

struct vrp {
	struct prefix pfx; /* host bits zero */
	uint8_t maxlen;    /* pfx.len <= maxlen <= 32 or 128 */
	uint32_t asn;      /* 0: "this prefix must not be routed" (RFC 6483 section 4) */
};

enum rov_state { ROV_NOT_FOUND, ROV_VALID, ROV_INVALID };

/* The origin of a route whose AS_PATH ends in an AS_SET: RFC 6811 calls it NONE, and it matches
 * no VRP (RFC 7607 makes AS 0 as an origin mean the same, so 0 is used for both). */
#define ROV_ORIGIN_NONE 0u

struct vrp_table;

struct vrp_table *vrp_table_new(void);
void vrp_table_free(struct vrp_table *t);
/* 1: the VRP is new; 0: one more copy of a VRP already there; -1: not a well-formed VRP. */
int vrp_add(struct vrp_table *t, const struct vrp *v);
/* 1: the last copy went, the VRP is gone; 0: a copy remains; -1: no such VRP. */
int vrp_del(struct vrp_table *t, const struct vrp *v);
/* Distinct VRPs (copies counted once). */
size_t vrp_count(const struct vrp_table *t);
/* Calls fn for every distinct VRP, in no particular order; the table must not change meanwhile. */
void vrp_foreach(const struct vrp_table *t, void (*fn)(const struct vrp *v, void *ctx), void *ctx);

/* 1 when the table holds v (any number of copies), else 0. */
int vrp_has(const struct vrp_table *t, const struct vrp *v);
/* Adds to changed, as a VRP of that prefix (max length = its length, AS 0), the prefix of
 * every VRP that is in exactly one of a and b: the prefixes whose routes a change from a to b
 * can re-judge, so that re-validation visits only those. Returns how many differ. */
size_t vrp_diff(const struct vrp_table *a, const struct vrp_table *b, struct vrp_table *changed);

/* Every VRP whose prefix covers pfx (its prefix contains pfx; max length not considered): up
 * to max of them into out (out may be NULL when max is 0). Returns how many there are. */
size_t vrp_covering(const struct vrp_table *t, const struct prefix *pfx, struct vrp *out,
		    size_t max);
/* RFC 6811 section 2: valid when a covering VRP has this origin (not AS 0) and pfx->len <= its
 * max length; invalid when covered but none matches; not-found when nothing covers pfx. */
enum rov_state vrp_validate(const struct vrp_table *t, const struct prefix *pfx, uint32_t origin);
/* "valid", "invalid", "not-found" (the names of `show routes --json`'s "rov"). */
const char *rov_state_name(enum rov_state s);

#endif
