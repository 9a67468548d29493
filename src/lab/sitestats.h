/* A site's DNS counters (sitestats.c): what its anycast-dns answered and dropped, read from
 * the Prometheus text it serves at LAB_DNS_METRICS inside the site's namespace. For `lab
 * status`, `lab attack` and the demo's DDoS chapter. */
#ifndef LAB_SITESTATS_H
#define LAB_SITESTATS_H

#include <stddef.h>
#include <stdint.h>

#include "lab/state.h"
#include "lib/buf.h"

struct lab_site_stats {
	int ok; /* read (else why says why) */
	char why[96];
	uint64_t answered; /* anycast_dns_answered_total */
	uint64_t dropped;  /* anycast_dns_dropped_total{reason="capacity"} */
	double load;       /* anycast_dns_load */
};

/* Reads site node's counters, waiting at most timeout_ms; 0, or -1 with st->why. */
int lab_site_stats(const struct lab *l, size_t node, int timeout_ms, struct lab_site_stats *st);
/* `"answered":N,"dropped":N,"load":X` (null each when unread) for `lab status --json`. */
void lab_site_stats_json(const struct lab_site_stats *st, struct buf *out);
/* The value of the first sample of metric name in a Prometheus text exposition whose labels
 * hold label (e.g. `reason="capacity"`; NULL: any labels); 0, or -1 if there is none. */
int lab_metric_value(const char *text, size_t len, const char *name, const char *label,
		     double *out);

#endif
