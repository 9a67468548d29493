/* What `anycast detect` measures from: vantage points, each with its location and its minimum
 * RTT to the address, read from a CSV file or from RIPE Atlas ping results. Parsers never stop
 * at a bad row: they report it as "FILE:LINE: message" in msgs, count it in discarded and go
 * on; only a file they cannot read at all (no header, not JSON) fails. */
#ifndef DETECT_INPUT_H
#define DETECT_INPUT_H

#include <stddef.h>

#include "lib/buf.h"

#define DET_VP_NAME 48

struct det_vp {
	char name[DET_VP_NAME];
	double lat, lon; /* degrees */
	double rtt_ms;   /* minimum RTT to the address */
};

struct det_input {
	struct det_vp *vp;
	size_t n, cap;
	size_t discarded; /* rows or results rejected */
};

void det_input_init(struct det_input *in);
void det_input_free(struct det_input *in);
/* Appends a vantage point (the name is cut to DET_VP_NAME - 1 bytes). */
void det_input_add(struct det_input *in, const char *name, double lat, double lon, double rtt_ms);
/* One vantage point per name, with the smallest RTT seen (a probe may appear in many rows or
 * results); sorted by name. */
void det_input_merge(struct det_input *in);
/* NULL if the location and RTT are usable, else why not. */
const char *det_vp_check(double lat, double lon, double rtt_ms);

/* CSV with a header naming at least the columns vp, lat, lon, rtt_ms (any order; more columns
 * are ignored); '#' comments and blank lines skipped. -1 (message in msgs) without a header. */
int det_csv_parse(const char *file, const char *text, size_t len, struct det_input *in,
		  struct buf *msgs);

/* RIPE Atlas: ping results as the API returns them (a JSON array of results, or one result
 * per line) and the probes' metadata (the /api/v2/probes/ list: {"results":[...]}, the
 * archive's {"objects":[...]} or a plain array; each probe with "id" and "geometry":
 * {"coordinates":[lon,lat]} or "latitude"/"longitude"). -1 if either file is not JSON. */
int det_atlas_parse(const char *file, const char *text, size_t len, const char *pfile,
		    const char *ptext, size_t plen, struct det_input *in, struct buf *msgs);

#endif
