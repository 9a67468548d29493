/* A zone set loaded and ready to answer from: parsed, indexed, answers precomputed. */
#ifndef DNS_ZONESET_H
#define DNS_ZONESET_H

#include <stddef.h>

#include "dns/zone.h"

/* Loads every file; NULL with "FILE:LINE: reason" in err if any is broken. */
struct dns_zoneset *dns_zoneset_load(char *const *files, int n, char *err, size_t errlen);
/* One zone from memory (tests, fuzzing). */
struct dns_zoneset *dns_zoneset_parse(const char *file, const char *text, size_t len, char *err,
				      size_t errlen);

#endif
