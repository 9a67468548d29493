/* Probes from many network namespaces at once, for `anycast lab demo`: one forked child per
 * namespace enters it and runs a list of DNS probes (probe.h) one after the other; the parent
 * collects the results, and can act (inject a failure) at a given time while they run. */
#ifndef LAB_DEMO_RUN_H
#define LAB_DEMO_RUN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab/report.h"
#include "lib/buf.h"

#define LAB_RUN_SPECS_MAX (1 + LAB_DEMO_SITES_MAX)
#define LAB_RUN_SITES 8         /* identities kept per probe; more are not expected */

struct lab_run_spec {
	char server[64];        /* ADDR:PORT */
	unsigned rate, count, timeout_ms;
	int timeline;           /* report the runs of queries too */
};

/* Consecutive queries with one outcome. */
struct lab_run_seq {
	int site;               /* index into lab_run_got.site, -1: lost */
	unsigned long n;
	int64_t first_ns, last_ns; /* send times since the probe started */
};

/* One probe's result from one namespace. */
struct lab_run_got {
	int ok;                 /* the probe ran */
	char why[96];           /* why not */
	int64_t start_ns;       /* CLOCK_MONOTONIC when the probe started */
	int64_t median_us;      /* -1 without answers */
	unsigned long sent, answered, lost;
	char site[LAB_RUN_SITES][64];
	unsigned long answers[LAB_RUN_SITES];
	size_t nsites;
	struct lab_run_seq *seq;
	size_t nseq;
};

struct lab_run_job {
	pid_t pid;
	int fd, fd_open;
	struct buf in;
	struct lab_run_got got[LAB_RUN_SPECS_MAX];
};

struct lab_run {
	/* set by the caller */
	const char *ns[LAB_DEMO_CLIENTS_MAX];   /* the namespaces */
	size_t n;
	int (*stopped)(void);                   /* polled: nonzero to give up */
	void (*act)(void *arg);                 /* called once, act_at_ms after the start */
	void *arg;
	/* the results, job[i].got[spec] */
	struct lab_run_job job[LAB_DEMO_CLIENTS_MAX];
};

/* Runs specs from every namespace at once; if act_at_ms >= 0, calls r->act that long after
 * the start (or at the end, if the probes end sooner). Returns -1 if r->stopped() said so
 * (the children are killed), else 0 whatever the probes found. */
int lab_run_probes(struct lab_run *r, const struct lab_run_spec *specs, size_t nspecs,
		   long act_at_ms);
/* Frees the results of the last lab_run_probes(). */
void lab_run_free(struct lab_run *r);
int64_t lab_run_now_ns(void);   /* CLOCK_MONOTONIC */
/* write(2) until done; -1 on error. */
int lab_write_all(int fd, const void *p, size_t len);

#endif
