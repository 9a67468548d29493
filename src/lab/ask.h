/* Asking a running lab how it is (ask.c): the BGP sessions of a node's anycastd, over its
 * control socket, and which site answers each client, over DNS: a CH TXT id.server query to
 * the anycast address from inside the client's namespace, as a real client would see it. */
#ifndef LAB_ASK_H
#define LAB_ASK_H

#include "lab/state.h"

/* Established sessions and sessions of the anycastd behind sock; -1 if unreachable. */
int lab_sessions(const char *sock, int *established, int *total);
/* 1 when the anycastd behind sock has an RTR cache session that is synced (its VRPs loaded),
 * 0 when not yet, -1 if unreachable. */
int lab_rpki_synced(const char *sock);

struct lab_answer {
	int ok;        /* answered, with an identity */
	char site[64]; /* the identity in the CH TXT id.server answer */
	double rtt_ms;
	char why[64];              /* when not ok */
	const struct addr *server; /* the anycast address asked (the failed one, when not ok) */
	/* dual stack: the IPv6 answer; ok then needs both, so that up waits for both */
	int six, ok6;
	char site6[64];
	double rtt6_ms;
};
/* Asks the anycast address (both, in a dual-stack lab) for id.server from every client's
 * namespace at once; ans has topo.nnodes entries, filled for clients. */
void lab_ask_clients(const struct lab *l, int timeout_ms, struct lab_answer *ans);

#endif
