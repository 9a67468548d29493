/* A zone set loaded and ready to answer from: parsed, indexed, answers precomputed. */
#ifndef DNS_ZONESET_H
#define DNS_ZONESET_H

#include <stddef.h>

#include "dns/zone.h"

/* Loads every file; NULL with "FILE:LINE: reason" in err if any is broken. */
struct dns_zoneset *dns_zoneset_load(char *const *files, int n, char *err, size_t errlen);
struct dns_rrdb;

/* A zone held in memory (a secondary's copy): its text, and maybe a newer candidate, given as
 * a record set (cdb) that the build writes out as text into cand (then the caller's to free). */
struct dns_ztext {
	const char *name;           /* for errors, as a file name would be */
	const char *text;           /* may be NULL */
	const struct dns_rrdb *cdb; /* may be NULL */
	const char *cand;           /* out: the text of cdb */
	size_t len, clen;
	const char *save; /* where the builder thread saves the candidate once built, or NULL */
	int took_cand;    /* out: the candidate built and is in the set */
	int saved;     /* out: 1 the candidate was saved (builder.h), -1 that failed, 0 not tried */
	int in_set;    /* out: the candidate or the text is in the set */
	char err[512]; /* out: why the candidate (or the text) did not build */
};

/* The files, then the texts: a candidate that does not build is replaced by the text, and a
 * text that does not build is left out (each with its reason in err), so that a bad transfer
 * never costs the other zones. NULL with "FILE:LINE: reason" in err if a file is broken. */
struct dns_zoneset *dns_zoneset_build(char *const *files, int n, struct dns_ztext *t, int nt,
				      char *err, size_t errlen);
/* One zone from memory (tests, fuzzing). */
struct dns_zoneset *dns_zoneset_parse(const char *file, const char *text, size_t len, char *err,
				      size_t errlen);

#endif
