/* `anycast lab attack --from NODE[,NODE...] --rate N --count N` (attack.c): a bounded DNS
 * flood of the anycast address from inside the lab's client namespaces, as a botnet's members
 * would send it, and what each site answered and dropped meanwhile (sitestats.h). The demo's
 * DDoS chapter (demo_ddos.c) starts one while the legitimate clients probe, so starting and
 * waiting are apart. */
#ifndef LAB_ATTACK_H
#define LAB_ATTACK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lab/state.h"
#include "lib/buf.h"

#define LAB_ATTACK_MAX 64 /* attackers */
#define LAB_ATTACK_TIMEOUT_MS 500u

struct lab_attacker {
	size_t node;
	unsigned rate;
	unsigned long count;
	pid_t pid;
	int fd;
	char in[256];
	size_t inlen;
	int done;     /* reported */
	char why[96]; /* when it could not run */
	unsigned long sent, answered, lost;
	double median_ms; /* < 0: no answer */
	double elapsed_s; /* its probe's run, the wait for the last answers included */
};

struct lab_attack {
	struct lab_attacker a[LAB_ATTACK_MAX];
	size_t n;
	unsigned rate;       /* in all */
	unsigned long count; /* in all */
	int64_t start_ns, deadline_ns;
	double elapsed_s; /* the longest attacker's run (until stopped, if one was) */
	int killed;       /* an attacker was still running at the deadline */
};

/* Parses "a,b,c" into the client nodes of l; refuses anything but a client of the lab. */
int lab_attack_nodes(const struct lab *l, const char *from, struct lab_attack *a, char *err,
		     size_t errlen);
/* Starts the attackers of a (lab_attack_nodes): rate and count in all, split evenly (the
 * first ones take the remainders). Returns at once; -1 with err if none could start. */
int lab_attack_start(const struct lab *l, unsigned rate, unsigned long count, struct lab_attack *a,
		     char *err, size_t errlen);
/* Waits for the attackers, never past count/rate * 1.5 + 2 s from the start: whatever still
 * runs then is killed. */
void lab_attack_wait(struct lab_attack *a);
/* Kills the attackers at once (an interrupted demo). */
void lab_attack_stop(struct lab_attack *a);

/* `anycast lab attack ...` (argv[0] is "attack"). */
int lab_attack_main(int argc, char **argv);

#endif
