/* The ROA file: the JSON that stayrtr reads and rpki-client writes,
 * {"roas":[{"prefix":"192.0.2.0/24","maxLength":24,"asn":"AS65001"}, ...]}, for a site that
 * has no RTR cache. A bad entry is skipped, counted and reported; a document that is not such
 * JSON at all is refused whole, so that a caller keeps the table it had. */
#ifndef RPKI_ROAFILE_H
#define RPKI_ROAFILE_H

#include <stddef.h>

#include "lib/buf.h"
#include "rpki/vrp.h"

struct roa_stats {
	size_t entries; /* entries in "roas" */
	size_t bad;     /* entries skipped */
};

/* Reads text[0..len) as the ROA file called name. Returns a new table of its VRPs, with a line
 * "NAME:LINE: message" in msgs for each skipped entry; or NULL with "NAME:LINE:COL: message"
 * (or "NAME:LINE: message") when the document is refused. */
struct vrp_table *roa_parse(const char *name, const char *text, size_t len, struct roa_stats *st,
			    struct buf *msgs);
/* The same for a file on disk ("NAME: strerror" when it cannot be read). */
struct vrp_table *roa_load(const char *path, struct roa_stats *st, struct buf *msgs);

#endif
