/* Asking a running lab how it is (ask.h). */
#include "lab/ask.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "dns/query.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sig.h"

int lab_sessions(const char *sock, int *established, int *total)
{
	char *argv[] = { "show", "neighbors", "json", NULL };
	char err[256];
	struct buf out;
	int r;

	buf_init(&out);
	r = ctl_call(sock, 3, argv, &out, err, sizeof(err));
	*established = *total = 0;
	if (r == 0) {
		buf_put8(&out, 0);
		/* the document is ours (show.c): one "address" and one "state" per neighbour */
		for (const char *p = (const char *)out.data; (p = strstr(p, "\"address\":")); p++)
			(*total)++;
		for (const char *p = (const char *)out.data;
		     (p = strstr(p, "\"state\":\"Established\"")); p++)
			(*established)++;
	}
	buf_free(&out);
	return r == 0 ? 0 : -1;
}

int lab_rpki_synced(const char *sock)
{
	char *argv[] = { "show", "rpki", "json", NULL };
	char err[256];
	struct buf out;
	int r;

	buf_init(&out);
	r = ctl_call(sock, 3, argv, &out, err, sizeof(err));
	if (r == 0) {
		buf_put8(&out, 0);
		/* show.c's document: a "state" per cache, "synced" once its VRPs are in */
		r = strstr((const char *)out.data, "\"state\":\"synced\"") != NULL;
	} else {
		r = -1;
	}
	buf_free(&out);
	return r;
}

struct asker {
	const struct addr *server;
	int fd;
};

/* Inside the client's namespace: a UDP socket connected to the anycast address, so that an
 * ICMP error (no route, port unreachable) comes back as an error on it. */
static int open_socket(void *arg, char *err, size_t errlen)
{
	struct asker *k = arg;
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(k->server, 53, &ss);

	k->fd = socket(k->server->af, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (k->fd < 0 || connect(k->fd, (struct sockaddr *)&ss, sl) < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (k->fd >= 0)
			close(k->fd);
		k->fd = -1;
		return -1;
	}
	return 0;
}

static double now_ms(void) { return (double)clk_now_us() / 1e3; }

/* Asks every client over each of the lab's anycast addresses at once: slot i + f * n is client
 * i over family f, with its answer in per[f][i]. */
static void ask_all(const struct lab *l, const struct addr *const *servers, size_t nfam,
		    int timeout_ms, struct lab_answer *const *per)
{
	const struct lab_topo *t = &l->topo;
	size_t n = t->nnodes, slots = n * nfam;
	struct pollfd *pf = xcalloc(slots ? slots : 1, sizeof(*pf));
	uint16_t *ids = xcalloc(slots ? slots : 1, sizeof(*ids));
	double *sent = xcalloc(slots ? slots : 1, sizeof(*sent));
	size_t waiting = 0;
	struct dns_question q;
	const char *bad;

	dns_question_set(&q, "id.server.", DNS_T_TXT, DNS_C_CH, &bad);

	for (size_t j = 0; j < slots; j++) {
		size_t i = j % n;
		struct lab_answer *a = &per[j / n][i];
		char ns[128];
		struct asker k = { servers[j / n], -1 };
		uint8_t pkt[DNS_QUERY_MAX];

		memset(a, 0, sizeof(*a));
		a->server = servers[j / n];
		pf[j].fd = -1;
		if (t->nodes[i].kind != LAB_CLIENT)
			continue;
		lab_ns_name(t->name, t->nodes[i].name, ns, sizeof(ns));
		if (lab_in_netns(ns, open_socket, &k, a->why, sizeof(a->why)) < 0)
			continue;
		if (getrandom(&ids[j], sizeof(ids[j]), 0) != sizeof(ids[j]))
			ids[j] = (uint16_t)(rand() ^ (int)j);
		int qlen = dns_query_build(pkt, sizeof(pkt), ids[j], &q, NULL);

		sent[j] = now_ms();
		if (send(k.fd, pkt, (size_t)qlen, 0) < 0) {
			snprintf(a->why, sizeof(a->why), "%s", strerror(errno));
			close(k.fd);
			continue;
		}
		pf[j].fd = k.fd;
		pf[j].events = POLLIN;
		waiting++;
	}
	double end = now_ms() + timeout_ms;

	while (waiting) {
		double left = end - now_ms();

		if (left <= 0)
			break;
		int r = poll(pf, slots, (int)left + 1);

		if (r < 0 && errno == EINTR) {
			if (sig_interrupted)
				break;
			continue;
		}
		if (r <= 0)
			continue;
		for (size_t j = 0; j < slots; j++) {
			struct lab_answer *a = &per[j / n][j % n];
			uint8_t p[1500];

			if (pf[j].fd < 0 || !pf[j].revents)
				continue;
			ssize_t m = recv(pf[j].fd, p, sizeof(p), 0);
			double at = now_ms();

			if (m < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			struct dns_reply rep;

			if (m < 0)
				snprintf(a->why, sizeof(a->why), "%s", strerror(errno));
			else if (dns_reply_parse(p, (size_t)m, &q, &rep) < 0 || rep.id != ids[j])
				continue; /* not ours (a late answer to an earlier query) */
			else if (dns_reply_identity(p, (size_t)m, &rep, a->site, sizeof(a->site)))
				a->ok = 1;
			else {
				snprintf(a->why, sizeof(a->why), "answered %.50s", a->site);
				a->site[0] = 0;
			}
			a->rtt_ms = at - sent[j];
			close(pf[j].fd);
			pf[j].fd = -1;
			waiting--;
		}
	}
	for (size_t j = 0; j < slots; j++) {
		if (pf[j].fd < 0)
			continue;
		close(pf[j].fd);
		snprintf(per[j / n][j % n].why, sizeof(per[j / n][j % n].why), "no answer in %d ms",
			 timeout_ms);
	}
	free(pf);
	free(ids);
	free(sent);
}

void lab_ask_clients(const struct lab *l, int timeout_ms, struct lab_answer *ans)
{
	const struct lab_topo *t = &l->topo;
	const struct addr *servers[2] = { &t->anycast_addr, &t->anycast_addr6 };
	size_t n = t->nnodes, nfam = t->anycast_addr6.af ? 2 : 1;
	struct lab_answer *six = xcalloc(n ? n : 1, sizeof(*six));
	struct lab_answer *per[2] = { ans, six };

	ask_all(l, servers, nfam, timeout_ms, per);
	/* dual stack: a client is answered when both families are, each by the same site */
	for (size_t i = 0; nfam == 2 && i < n; i++) {
		struct lab_answer *a = &ans[i];

		if (t->nodes[i].kind != LAB_CLIENT)
			continue;
		a->six = 1;
		a->ok6 = six[i].ok;
		a->rtt6_ms = six[i].rtt_ms;
		snprintf(a->site6, sizeof(a->site6), "%s", six[i].site);
		if (!a->ok || six[i].ok)
			continue;
		a->ok = 0;
		a->server = six[i].server;
		snprintf(a->why, sizeof(a->why), "IPv6: %.56s", six[i].why);
	}
	free(six);
}
