/* A fleet of probes: DNS probes from many network namespaces at once, for `anycast lab demo`.
 * One forked child per namespace enters it and runs a list of probes (probe/probe.h) one after
 * the other; the parent collects the results, and can act (inject a failure) at a given time
 * while they run. */
#ifndef LAB_FLEET_H
#define LAB_FLEET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab/demo.h"
#include "lib/buf.h"

#define LAB_FLEET_SPECS_MAX (1 + LAB_DEMO_SITES_MAX)
#define LAB_FLEET_SITES 8 /* identities kept per probe; more are not expected */

struct lab_fleet_spec {
	char server[64]; /* ADDR:PORT */
	unsigned rate, count, timeout_ms;
	int timeline; /* report the runs of queries too */
};

/* Consecutive queries with one outcome. */
struct lab_fleet_seq {
	int site; /* index into lab_fleet_got.site, -1: lost */
	unsigned long n;
	int64_t first_ns, last_ns; /* send times since the probe started */
};

/* One probe's result from one namespace. */
struct lab_fleet_got {
	int ok;            /* the probe ran */
	char why[96];      /* why not */
	int64_t start_ns;  /* CLOCK_MONOTONIC when the probe started */
	int64_t median_us; /* -1 without answers */
	unsigned long sent, answered, lost;
	char site[LAB_FLEET_SITES][64];
	unsigned long answers[LAB_FLEET_SITES];
	size_t nsites;
	struct lab_fleet_seq *seq;
	size_t nseq;
};

struct lab_fleet_job {
	pid_t pid;
	int fd, fd_open;
	struct buf in;
	struct lab_fleet_got got[LAB_FLEET_SPECS_MAX];
};

struct lab_fleet {
	/* set by the caller */
	const char *ns[LAB_DEMO_CLIENTS_MAX]; /* the namespaces */
	size_t n;
	int (*stopped)(void);   /* polled: nonzero to give up */
	void (*act)(void *arg); /* called once, act_at_ms after the start */
	void *arg;
	/* the results, job[i].got[spec] */
	struct lab_fleet_job job[LAB_DEMO_CLIENTS_MAX];
};

/* Runs specs from every namespace at once; if act_at_ms >= 0, calls r->act that long after
 * the start (or at the end, if the probes end sooner). Returns -1 if r->stopped() said so
 * (the children are killed), else 0 whatever the probes found. */
int lab_fleet_run(struct lab_fleet *r, const struct lab_fleet_spec *specs, size_t nspecs,
		  long act_at_ms);
/* Frees the results of the last lab_fleet_run(). */
void lab_fleet_free(struct lab_fleet *r);

#endif
