/* `anycast lab demo`: its command (demo.c) and the model of what it measured, plain data with
 * fixed-size arrays, so that a test can write one by hand and render it without a lab. The
 * renderings (terminal tables, JSON, the HTML report) are report.h's and depend on this, never
 * the other way. */
#ifndef LAB_DEMO_H
#define LAB_DEMO_H

#include <stddef.h>

#include "lab/demo_ddos.h"

/* `anycast lab demo [--json] [--report FILE.html] [--topology FILE] [--fail SITE] [--crash
 * SITE] [--chapters LIST]` (argv[0] is "demo"). Exit status 0, 1 on failure, 128 + signal if stopped. */
int lab_demo_main(int argc, char **argv);

#define LAB_DEMO_SITES_MAX 16
#define LAB_DEMO_CLIENTS_MAX 64
#define LAB_DEMO_SEGS_MAX 256 /* timeline segments per client and failover; more are merged */
#define LAB_DEMO_FAILOVERS 2

/* Site indexes in results; >= 0 is an index into lab_demo.site. */
#define LAB_DEMO_NONE (-1)  /* no answer at all */
#define LAB_DEMO_OTHER (-2) /* answered with an identity that is no site of the lab */
#define LAB_DEMO_LOST (-3)  /* a timeline segment of lost queries */

struct lab_demo_place {
	char name[32]; /* node name */
	char city[48]; /* city label, UTF-8 ("São Paulo"); "" if none */
	double lat, lon;
	int located; /* lat/lon are known */
};

struct lab_demo_client {
	struct lab_demo_place at;
	int site;      /* site answering the anycast address (most answers) */
	double rtt_ms; /* median RTT to the anycast address; < 0: none */
	double unicast_ms[LAB_DEMO_SITES_MAX]; /* median RTT to each site's own address; < 0: none */
	char why[96];                          /* why there is no answer, if known */
	/* the site `anycast sim --topology` predicts for it, LAB_DEMO_NONE when the model has no
	 * route for it, LAB_DEMO_OTHER when the topology could not be simulated */
	int predicted;
};

/* Consecutive queries with the same outcome. Times in ms relative to the failure instant
 * (negative before it): t0 is the first query's send time, t1 the last one's plus the probe
 * interval, so that segments tile the time axis. */
struct lab_demo_seg {
	double t0_ms, t1_ms;
	int site; /* site index, LAB_DEMO_OTHER or LAB_DEMO_LOST */
	unsigned long n;
};

struct lab_demo_fo_client {
	int ran; /* the probe ran (else why says why) */
	char why[96];
	int before;             /* site answering when the failure was injected */
	int after;              /* site answering at the end of the probe */
	double outage_ms;       /* from the failure (or the first loss) until answers resumed */
	double outage_from_ms;  /* when that outage began, relative to the failure */
	double longest_loss_ms; /* the longest run of lost queries times the interval */
	int recovered;          /* answers resumed before the probe ended */
	unsigned long lost, sent;
	struct lab_demo_seg seg[LAB_DEMO_SEGS_MAX];
	size_t nseg;
};

struct lab_demo_failover {
	int site;              /* the failed site */
	int crash;             /* 0: service failure (anycast-dns stopped), 1: links cut */
	double from_ms, to_ms; /* probe window relative to the failure */
	double interval_ms;    /* between two queries of one client */
	double inject_ms;      /* how long lab_fail took */
	double heal_ms;        /* from lab_heal until every client had its site back; < 0: not */
	struct lab_demo_fo_client c[LAB_DEMO_CLIENTS_MAX]; /* as lab_demo.client */
};

/* The chapter "is the anycast address anycast?", answered the way an outsider would, from
 * latency alone (`anycast lab detect`): every client pings the address, and the method finds
 * the sites and their cities. The same for one site's own unicast address, as the control:
 * it must come out unicast. */
struct lab_demo_detect {
	int ran; /* the anycast address was measured (else why says why) */
	char why[128];
	int anycast;                                    /* judged anycast */
	struct lab_demo_place site[LAB_DEMO_SITES_MAX]; /* found; name: the lab's site in that
							 * city, "" if none */
	size_t nsites;
	size_t vps;          /* clients that answered */
	char unicast[48];    /* the control: a site's own address */
	char unicast_of[32]; /* that site's name */
	int unicast_ran;     /* it was measured (else unicast_why says why) */
	char unicast_why[128];
	int unicast_ok;        /* judged unicast */
	char unicast_city[64]; /* where it was placed: its one site's city; "" if none */
};

/* The chapter "a site hangs": the failover site frozen (`lab fail --freeze`: every process
 * stopped, links up), once with BFD on its sessions and once without, when only the BGP hold
 * timer can tell; the difference is what BFD buys. */
struct lab_demo_hang {
	int site;
	int hold_s;            /* the lab's BGP hold time */
	int bfd_ran, hold_ran; /* each run was measured (else why says why) */
	char why[128];
	struct lab_demo_failover bfd, hold;
};

/* The chapter "hijack": a router of the lab (a client's ISP but no site's, if there is one)
 * originates the anycast prefix from its own AS (`lab hijack`) while every router validates
 * against an empty ROA set (as good as no ROV: the route is not-found, accepted); then the
 * ROA of the sites' AS is written at run time and the routers drop the hijack, timed from
 * that write until no client is answered by the hijacker. */
struct lab_demo_hijack {
	int ran; /* else why says why */
	char why[128];
	char hijacker[32];
	size_t n;
	struct {
		char client[32];
		char before[64], rov_off[64], rov_on[64]; /* the answering identity; "" none */
		int own; /* the hijacker is this client's ISP: no other router's ROV can help it */
	} c[LAB_DEMO_CLIENTS_MAX];
	double drop_ms; /* ROA written until only the hijacker's own clients reach it; < 0: not
			 * within the wait */
};
struct lab;
/* Runs the chapter on the running lab l (demo_hijack.c); leaves the hijack healed. */
void lab_demo_hijack_run(struct lab *l, struct lab_demo_hijack *h);

/* The chapter "tcp" (demo_tcp.c): the clients of one site's catchment keep long-lived DNS
 * connections open (`anycast probe tcp`) while the site fails hard (links cut), then while it is
 * drained (`anycast drain`: anycast-dns closes the connections in order, anycastd waits for them
 * before it moves the route). */
struct lab_demo_tcp_client {
	char client[32];
	int ran;
	char why[96];
	char before[64], after[64]; /* the identity answering first and last; "" none */
	unsigned long opened, reset, closed_orderly, answered, lost, sent;
	unsigned open_at; /* connections established when the site failed or was drained */
	unsigned long reset_of_open; /* of those, reset (the rest were opened after the event) */
	double move_ms; /* from the event to its first answer from another site; < 0: none */
};
struct lab_demo_tcp_run {
	int ran; /* else why says why */
	char why[128];
	unsigned long opened, reset, closed_orderly, answered, lost, sent;
	unsigned open_at;
	unsigned long reset_of_open;
	double move_ms; /* the slowest client's move; < 0 when one did not move */
	size_t moved;   /* clients whose last answer came from another site */
	size_t n;
	struct lab_demo_tcp_client c[LAB_DEMO_CLIENTS_MAX];
};
struct lab_demo_tcp {
	int ran;
	char why[128];
	int site;
	unsigned connections, rate; /* per client */
	double drain_wait_s;
	struct lab_demo_tcp_run failover, drain;
};
/* Runs the chapter on the running lab l for the site at index site of d (its catchment from
 * d's clients); leaves the site healed and resumed. */
struct lab_demo;
void lab_demo_tcp_run(struct lab *l, const struct lab_demo *d, int site, int (*stopped)(void),
		      struct lab_demo_tcp *t);

#define LAB_DEMO_CH_DETECT 0x1 /* chapters: bits of lab_demo.chapters */
#define LAB_DEMO_CH_HANG 0x2
#define LAB_DEMO_CH_HIJACK 0x4
#define LAB_DEMO_CH_TCP 0x8
#define LAB_DEMO_CH_DDOS 0x40 /* demo_ddos.h */

struct lab_demo {
	char lab[32];
	char anycast[48]; /* the anycast address */
	struct lab_demo_place site[LAB_DEMO_SITES_MAX];
	size_t nsites;
	struct lab_demo_client client[LAB_DEMO_CLIENTS_MAX];
	size_t nclients;
	struct lab_demo_failover fo[LAB_DEMO_FAILOVERS];
	size_t nfo;
	unsigned chapters; /* LAB_DEMO_CH_* that were asked for */
	struct lab_demo_detect detect;
	struct lab_demo_hang hang;
	struct lab_demo_hijack hijack;
	struct lab_demo_tcp tcp;
	struct lab_demo_ddos ddos;
	double up_s;    /* lab_up */
	double total_s; /* the whole demo */
};

/* Runs the DDoS chapter on the running lab l (demo_ddos.c) into d->ddos; leaves every site
 * healed. */
void lab_demo_ddos_run(struct lab *l, struct lab_demo *d);

/* demo_model.c: reading and building the model. */
/* The name of a site index for tables: the site's name, "(other)" or "-". */
const char *lab_demo_site_name(const struct lab_demo *d, int site);
/* Appends a segment of n queries [t0, t1) to c, merging it into the previous one when it has
 * the same outcome (or when c is full: a flapping client does not overflow the timeline). */
void lab_demo_seg_add(struct lab_demo_fo_client *c, double t0_ms, double t1_ms, int site,
		      unsigned long n);
/* How many clients have a prediction (returned) and, in *agree, how many of those were
 * answered by the predicted site. */
size_t lab_demo_predicted(const struct lab_demo *d, size_t *agree);
/* Characters of a UTF-8 label (city labels are), for table columns and label boxes. */
size_t lab_demo_chars(const char *s);
/* before, after, outage_ms, longest_loss_ms and recovered of c from its segments; the failure
 * is at time 0, failed is the failed site, in_flight_ms how long before the failure a query
 * could still be lost to it (the client's RTT), end_ms the end of the probe window. lost and
 * sent are the probe's own counts and are left alone. */
/* The median outage of f's clients that the failed site answered before; < 0: none. */
double lab_demo_fo_median(const struct lab_demo *d, const struct lab_demo_failover *f);
void lab_demo_analyze(struct lab_demo_fo_client *c, int failed, double interval_ms,
		      double in_flight_ms, double end_ms);

#endif
