/* What a lab is doing now: the state of each node (its processes, its BGP sessions) and, for
 * each client, the site that answers it. The site is asked, not inferred from routes: a CH
 * TXT id.server query to the anycast address from inside the client's namespace, as a real
 * client would see it, with its round-trip time. */
#include "lab/lab_int.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ctl/ctl.h"
#include "dns/dns.h"
#include "dns/name.h"
#include "lib/json.h"
#include "lib/log.h"

int lab_sessions(const char *sock, int *established, int *total)
{
	char *argv[] = {"show", "neighbors", "json", NULL};
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

/* ---- CH TXT id.server ---- */

static const uint8_t id_server[] = "\2id\6server";    /* with its final 0: the root */

static size_t query_encode(uint8_t *q, uint16_t id)
{
	size_t n = 0;

	memset(q, 0, DNS_HDR_LEN);
	q[0] = id >> 8;
	q[1] = id & 0xff;
	q[5] = 1;                                       /* QDCOUNT; no RD: we are the client */
	n = DNS_HDR_LEN;
	memcpy(q + n, id_server, sizeof(id_server));
	n += sizeof(id_server);
	q[n++] = 0;
	q[n++] = DNS_T_TXT;
	q[n++] = 0;
	q[n++] = DNS_C_CH;
	return n;
}

/* The first string of the first TXT answer, made printable; -1 if p is not our answer. */
static int answer_parse(const uint8_t *p, size_t n, uint16_t id, struct lab_answer *a)
{
	size_t off = DNS_HDR_LEN;

	if (n < DNS_HDR_LEN || get16(p) != id || !(p[2] & 0x80))
		return -1;
	if (p[3] & 0x0f) {
		snprintf(a->why, sizeof(a->why), "rcode %d", p[3] & 0x0f);
		return 0;
	}
	for (unsigned q = get16(p + 4); q; q--) {
		if (dns_name_skip(p, n, &off) < 0 || off + 4 > n)
			return -1;
		off += 4;
	}
	for (unsigned an = get16(p + 6); an; an--) {
		if (dns_name_skip(p, n, &off) < 0 || off + 10 > n)
			return -1;
		uint16_t type = get16(p + off), rdlen = get16(p + off + 8);

		off += 10;
		if (off + rdlen > n)
			return -1;
		if (type == DNS_T_TXT && rdlen >= 1 && (size_t)p[off] + 1 <= rdlen) {
			size_t len = p[off], k = 0;

			for (size_t i = 0; i < len && k + 1 < sizeof(a->site); i++) {
				uint8_t c = p[off + 1 + i];

				a->site[k++] = c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char)c
											      : '?';
			}
			a->site[k] = 0;
			a->ok = 1;
			return 0;
		}
		off += rdlen;
	}
	snprintf(a->why, sizeof(a->why), "no TXT in the answer");
	return 0;
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

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

void lab_ask_clients(const struct lab *l, int timeout_ms, struct lab_answer *ans)
{
	const struct lab_topo *t = &l->topo;
	size_t n = t->nnodes;
	struct pollfd *pf = xcalloc(n ? n : 1, sizeof(*pf));
	uint16_t *ids = xcalloc(n ? n : 1, sizeof(*ids));
	double *sent = xcalloc(n ? n : 1, sizeof(*sent));
	size_t waiting = 0;

	for (size_t i = 0; i < n; i++) {
		struct lab_answer *a = &ans[i];
		char ns[128];
		struct asker k = {&t->anycast_addr, -1};
		uint8_t q[64];

		memset(a, 0, sizeof(*a));
		pf[i].fd = -1;
		if (t->nodes[i].kind != LAB_CLIENT)
			continue;
		lab_ns_name(t->name, t->nodes[i].name, ns, sizeof(ns));
		if (lab_in_netns(ns, open_socket, &k, a->why, sizeof(a->why)) < 0)
			continue;
		if (getrandom(&ids[i], sizeof(ids[i]), 0) != sizeof(ids[i]))
			ids[i] = (uint16_t)(rand() ^ (int)i);
		size_t qlen = query_encode(q, ids[i]);

		sent[i] = now_ms();
		if (send(k.fd, q, qlen, 0) < 0) {
			snprintf(a->why, sizeof(a->why), "%s", strerror(errno));
			close(k.fd);
			continue;
		}
		pf[i].fd = k.fd;
		pf[i].events = POLLIN;
		waiting++;
	}
	double end = now_ms() + timeout_ms;

	while (waiting) {
		double left = end - now_ms();

		if (left <= 0)
			break;
		int r = poll(pf, n, (int)left + 1);

		if (r < 0 && errno == EINTR) {
			if (lab_interrupted)
				break;
			continue;
		}
		if (r <= 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			uint8_t p[1500];

			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			ssize_t m = recv(pf[i].fd, p, sizeof(p), 0);
			double at = now_ms();

			if (m < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			if (m < 0)
				snprintf(ans[i].why, sizeof(ans[i].why), "%s", strerror(errno));
			else if (answer_parse(p, (size_t)m, ids[i], &ans[i]) < 0)
				continue;       /* not ours (a late answer to an earlier query) */
			ans[i].rtt_ms = at - sent[i];
			close(pf[i].fd);
			pf[i].fd = -1;
			waiting--;
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (pf[i].fd < 0)
			continue;
		close(pf[i].fd);
		snprintf(ans[i].why, sizeof(ans[i].why), "no answer in %d ms", timeout_ms);
	}
	free(pf);
	free(ids);
	free(sent);
}

/* ---- lab status ---- */

static const char *kind_name(enum lab_kind k)
{
	return k == LAB_ROUTER ? "router" : k == LAB_SITE ? "site" : "client";
}

struct node_state {
	const char *state;      /* up, degraded, down, failed */
	char failure[16];       /* what `lab fail` did, if anything */
	int established, sessions;
};

static void node_state(const struct lab *l, size_t i, struct node_state *s)
{
	const struct lab_node *n = &l->topo.nodes[i];
	char ns[128], path[PATH_MAX];

	memset(s, 0, sizeof(*s));
	s->sessions = (int)lab_sessions_of(&l->topo, i);
	lab_ns_name(l->topo.name, n->name, ns, sizeof(ns));
	lab_path(l, n->name, "failed", path, sizeof(path));
	if (lab_read_file(path, s->failure, sizeof(s->failure)) < 0)
		s->failure[0] = 0;
	if (!lab_netns_exists(ns)) {
		s->state = "down";
		return;
	}
	if (n->kind != LAB_CLIENT) {
		int total;

		lab_path(l, n->name, "anycastd.sock", path, sizeof(path));
		if (lab_sessions(path, &s->established, &total) < 0)
			s->established = 0;
		lab_path(l, n->name, "anycastd.pid", path, sizeof(path));
		if (!lab_proc_pid(path))
			s->state = "down";
		lab_path(l, n->name, "anycast-dns.pid", path, sizeof(path));
		if (n->kind == LAB_SITE && !s->failure[0] && !lab_proc_pid(path))
			s->state = "down";
	}
	if (s->failure[0])
		s->state = "failed";
	else if (!s->state)
		s->state = s->established < s->sessions ? "degraded" : "up";
}

int lab_status(const char *name, int json, struct buf *out, char *err, size_t errlen)
{
	struct lab l;
	char a[ADDR_STRLEN];

	if (lab_open(name, &l, err, errlen) < 0)
		return -1;
	const struct lab_topo *t = &l.topo;
	struct lab_answer *ans = xcalloc(t->nnodes ? t->nnodes : 1, sizeof(*ans));

	lab_ask_clients(&l, 1000, ans);
	addr_fmt(&t->anycast_addr, a);
	if (json) {
		buf_printf(out, "{\"name\":");
		json_str(out, t->name);
		buf_printf(out, ",\"anycast_address\":\"%s\",\"delay\":%s,\"nodes\":[", a,
			   l.direct ? "false" : "true");
	} else {
		buf_printf(out, "lab %s: anycast %s, state in %s%s\n\n", t->name, a, l.dir,
			   l.direct ? " (no link delay)" : "");
		buf_printf(out, "%-14s %-7s %-10s %-14s %-9s %s\n", "NODE", "KIND", "ASN", "CITY",
			   "STATE", "SESSIONS");
	}
	int first = 1;

	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *n = &t->nodes[i];
		struct node_state s;

		node_state(&l, i, &s);
		if (json) {
			buf_printf(out, "%s{\"name\":", first ? "" : ",");
			json_str(out, n->name);
			buf_printf(out, ",\"kind\":\"%s\",", kind_name(n->kind));
			if (n->kind == LAB_CLIENT)
				buf_printf(out, "\"asn\":null");
			else
				buf_printf(out, "\"asn\":%u", n->asn);
			buf_printf(out, ",\"city\":");
			json_str(out, n->city ? n->city->name : "");
			buf_printf(out, ",\"state\":\"%s\"", s.state);
			if (n->kind != LAB_CLIENT)
				buf_printf(out, ",\"established\":%d,\"sessions\":%d", s.established,
					   s.sessions);
			if (s.failure[0]) {
				buf_printf(out, ",\"failure\":");
				json_str(out, s.failure);
			}
			buf_put8(out, '}');
			first = 0;
		} else {
			char asn[16] = "-", sess[32] = "-";

			if (n->kind != LAB_CLIENT) {
				snprintf(asn, sizeof(asn), "%u", n->asn);
				snprintf(sess, sizeof(sess), "%d/%d", s.established, s.sessions);
			}
			buf_printf(out, "%-14s %-7s %-10s %-14s %-9s %s%s%s\n", n->name,
				   kind_name(n->kind), asn, n->city ? n->city->name : "-", s.state,
				   sess, s.failure[0] ? "  failed: " : "", s.failure);
		}
	}
	if (json)
		buf_printf(out, "],\"clients\":[");
	else
		buf_printf(out, "\n%-14s %-14s %10s\n", "CLIENT", "SITE", "RTT");
	first = 1;
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_answer *an = &ans[i];

		if (t->nodes[i].kind != LAB_CLIENT)
			continue;
		if (json) {
			buf_printf(out, "%s{\"name\":", first ? "" : ",");
			json_str(out, t->nodes[i].name);
			buf_printf(out, ",\"site\":");
			if (an->ok) {
				json_str(out, an->site);
				buf_printf(out, ",\"rtt_ms\":%.3f}", an->rtt_ms);
			} else {
				buf_printf(out, "null,\"rtt_ms\":null,\"error\":");
				json_str(out, an->why);
				buf_put8(out, '}');
			}
			first = 0;
		} else if (an->ok) {
			buf_printf(out, "%-14s %-14s %7.2f ms\n", t->nodes[i].name, an->site,
				   an->rtt_ms);
		} else {
			buf_printf(out, "%-14s %-14s %10s  (%s)\n", t->nodes[i].name, "-", "-",
				   an->why);
		}
	}
	if (json)
		buf_printf(out, "]}\n");
	free(ans);
	lab_close(&l);
	return 0;
}
