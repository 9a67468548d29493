/* anycast probe dns: a steady, bounded DNS query load that records which anycast site answered
 * each query (CHAOS TXT id.server), its RTT, and every loss, so that an outage is measured.
 * The queries and the reading of the answers are dns/query.h's.
 *
 * Queries leave one unconnected UDP socket (an answer from any instance is accepted) on an
 * absolute schedule: query i is due at start + i/rate, so a slow iteration never makes the
 * rate drift. A query is lost if no answer came within the timeout. The 16-bit DNS ID is the
 * low bits of the sequence number (plus a random per-run offset), so at most 65536 queries can
 * be outstanding: above rate x timeout = 65536 the oldest outstanding query is counted lost
 * when its ID is needed again (the effective timeout is then 65536/rate seconds). */
#ifndef PROBE_PROBE_H
#define PROBE_PROBE_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/dns.h"
#include "lib/buf.h"

#define PROBE_RATE_MAX 100000u
#define PROBE_COUNT_MAX 10000000ul
#define PROBE_TIMEOUT_DEFAULT_MS 1000u
#define PROBE_TIMEOUT_MAX_MS 60000u
#define PROBE_TIMELINE_MAX 100000ul /* JSON timeline entries; longer runs are sampled */
#define PROBE_SITES_MAX 1024        /* distinct identities kept; the rest count as "(other)" */
#define PROBE_NAME_DEFAULT "id.server."

struct probe_opts {
	const char *server;  /* ADDR[:PORT] or [IPv6]:PORT; port 53 by default */
	const char *name;    /* NULL: id.server. (always class CH, type TXT) */
	unsigned rate;       /* queries per second, 1..PROBE_RATE_MAX */
	unsigned long count; /* 1..PROBE_COUNT_MAX */
	unsigned timeout_ms; /* 0: PROBE_TIMEOUT_DEFAULT_MS */
	/* Optional. 1: send no more, wait for the outstanding queries; 2: stop now. */
	volatile sig_atomic_t *stop;
};

enum probe_state { PROBE_UNSENT, PROBE_PENDING, PROBE_ANSWERED, PROBE_LOST };

/* One query. 16 bytes, so the largest run (10M queries) stays at 160 MB. */
struct probe_rec {
	int64_t sent_ns; /* since the start of the run */
	int32_t rtt_us;  /* answered only */
	uint16_t site;   /* answered only: index into probe_result.sites */
	uint8_t state;   /* enum probe_state */
	uint8_t pad;
};

struct probe_site {
	char *name; /* printable ASCII; "(SERVFAIL)" etc. for non-identities */
	unsigned long answers;
};

struct probe_switch {
	int64_t at_ns;     /* send time of the first query the new site answered */
	uint16_t from, to; /* site indexes */
};

struct probe_result {
	char server[64];                 /* as given */
	char name[DNS_NAME_MAX * 4 + 2]; /* query name, text, with the final dot */
	unsigned rate, timeout_ms;
	unsigned long count;
	/* Filled by probe_result_summarize() from recs[0, sent): */
	unsigned long sent, answered, lost;
	int64_t rtt_min_us, rtt_median_us, rtt_p90_us, rtt_max_us; /* -1 without answers */
	struct probe_switch *switches;
	size_t nswitches;
	unsigned long longest_loss_run;
	int64_t outage_start_ns, outage_end_ns; /* -1 without losses */
	/* Filled by the run: */
	unsigned long late;        /* answers after the timeout, and duplicates */
	unsigned long send_errors; /* counted as sent and lost (e.g. no route: an outage) */
	int last_send_errno;
	int64_t elapsed_ns;
	struct probe_rec *recs; /* count entries; [0, sent) were sent */
	struct probe_site *sites;
	size_t nsites;
	char err[256]; /* why probe_dns_run() returned -1 */
};

/* Runs the probe; blocks for about count/rate + timeout seconds at most. Returns 0 when the
 * run took place (whatever was answered), -1 with r->err set if it could not start (bad
 * options, no socket). r must be freed with probe_result_free() in both cases. */
int probe_dns_run(const struct probe_opts *o, struct probe_result *r);
/* Counts, RTT percentiles, per-site answers, the longest loss run and the site switches,
 * computed from r->recs[0, r->sent) and r->rate (so tests can feed records of their own). */
void probe_result_summarize(struct probe_result *r);
/* The JSON document of `anycast probe dns --json` (one line and a newline). */
void probe_result_json(const struct probe_result *r, struct buf *out);
/* The table for humans. */
void probe_result_text(const struct probe_result *r, struct buf *out);
void probe_result_free(struct probe_result *r);

/* `anycast probe dns ...` (argv[0] is "probe"; `anycast probe tcp` is tcp.h's). Exit status: 0 if anything answered, 1 if
 * nothing did or the probe could not run, 2 on usage errors. */
int probe_main(int argc, char **argv);

/* A decimal number of the command line within [min, max]; -1 if it is not. */
int probe_num_arg(const char *s, unsigned long min, unsigned long max, unsigned long *out);

/* "ADDR", "ADDR:PORT", "[IPv6]:PORT" to a socket address (port 53 by default); -1 if bad. */
int probe_server_parse(const char *s, struct sockaddr_storage *ss, socklen_t *sslen);

#endif
