/* The demo's chapter "DDoS" (demo_ddos.c): the model of what it measured, plain data like the
 * rest of demo.h's, and the chapter's renderings (report_ddos.c). A bounded attack (`lab
 * attack`) above one site's capacity but below the sum of them, three times while every
 * client probes the anycast address at a legitimate rate:
 *   concentrated  the attackers in one site's catchment
 *   distributed   the same attack spread over every catchment
 *   unicast       the concentrated attack with every other site's service failed: the same
 *                 topology as a single-site deployment, for contrast; then healed. */
#ifndef LAB_DEMO_DDOS_H
#define LAB_DEMO_DDOS_H

#include <stddef.h>

#include "lib/buf.h"

#define LAB_DDOS_SITES 16     /* = LAB_DEMO_SITES_MAX */
#define LAB_DDOS_CLIENTS 64   /* = LAB_DEMO_CLIENTS_MAX */
#define LAB_DDOS_SITES_SEEN 8 /* answering sites kept per client and run, in time order */

enum lab_ddos_kind { LAB_DDOS_CONCENTRATED, LAB_DDOS_DISTRIBUTED, LAB_DDOS_UNICAST, LAB_DDOS_RUNS };

struct lab_ddos_site {
	char name[32];
	int ok; /* its counters were read before and after */
	unsigned long answered, dropped;
};

struct lab_ddos_victim {
	char client[32];
	int ran; /* else why says why */
	char why[96];
	int attacker; /* this client also attacked */
	char site[32];
	/* the site that answered most of its queries; "" none */ /* the sites that answered it, in time order, each as long as it answered: "lon", "tyo",
	 * "lon" for a client shed to tyo and taken back */
	char seen[LAB_DDOS_SITES_SEEN][32];
	size_t nseen;
	unsigned long moves; /* changes of answering site during the run */
	unsigned long lost, sent;
	double rtt_ms; /* median; < 0: none */
};

struct lab_ddos_run {
	int ran; /* else why says why */
	char why[128];
	char attackers[256]; /* "paris,berlin" */
	char target[32];     /* the attacked site (concentrated, unicast); "" distributed */
	char failed[128];    /* unicast: the sites whose service was failed */
	unsigned secs;       /* how long the attack was to last */
	unsigned long count; /* queries in all: rate x secs */
	int shed; /* the target has `shed` steps: a longer attack and tail, so that its shedding
		   * and its recovery are seen */
	unsigned long att_sent, att_answered, att_lost;
	double att_s; /* how long the attack ran */
	int stopped;  /* the attack had to be stopped at its deadline */
	struct lab_ddos_site site[LAB_DDOS_SITES];
	size_t nsites;
	struct lab_ddos_victim victim[LAB_DDOS_CLIENTS];
	size_t nvictims;
};

struct lab_demo_ddos {
	int ran; /* else why says why */
	char why[128];
	unsigned capacity;    /* the smallest site capacity, queries/s */
	unsigned rate;        /* the attack, queries/s in all */
	unsigned victim_rate; /* each client's legitimate probe, queries/s */
	struct lab_ddos_run run[LAB_DDOS_RUNS];
};

/* "concentrated", "distributed", "unicast" */
const char *lab_ddos_run_name(enum lab_ddos_kind k);

/* report_ddos.c: the chapter in the terminal, as `"ddos":{...}` of the demo's JSON (the
 * DESIGN.md shape, the concentrated run, plus each run by name), and as the report's section. */
void lab_ddos_text(const struct lab_demo_ddos *x, struct buf *b);
void lab_ddos_json(const struct lab_demo_ddos *x, struct buf *b);
void lab_ddos_html(const struct lab_demo_ddos *x, struct buf *b);

#endif
