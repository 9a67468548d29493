/* `anycast lab status`: what a lab is doing now, the state of each node (its processes, its BGP
 * sessions) and, for each client, the site that answers it. The site is asked (ask.h), not
 * inferred from routes, with its round-trip time, and shown beside the site the simulator
 * predicts for the same topology with the same sites failed (sim/labsim.h). */
#include "lab/lab.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ask.h"
#include "lab/proc.h"
#include "lab/wire.h"
#include "lib/json.h"
#include "lib/log.h"
#include "sim/labsim.h"

static const char *kind_name(const struct lab_node *n)
{
	if (n->hijacker)
		return "hijacker";
	return n->kind == LAB_ROUTER ? "router" : n->kind == LAB_SITE ? "site" : "client";
}

struct node_state {
	const char *state; /* up, degraded, down, failed */
	char failure[16];  /* what `lab fail` did, if anything */
	char hijack[64];   /* the prefix `lab hijack` has it originate, if any */
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
	lab_path(l, n->name, "hijack", path, sizeof(path));
	if (lab_read_file(path, s->hijack, sizeof(s->hijack)) < 0)
		s->hijack[0] = 0;
	if (!lab_netns_exists(ns)) {
		s->state = "down";
		return;
	}
	if (n->kind != LAB_CLIENT) {
		int total;

		lab_path(l, n->name, "anycastd.sock", path, sizeof(path));
		/* a frozen anycastd (lab fail --freeze) would never answer */
		if (strncmp(s->failure, "freeze", 6) == 0 ||
		    lab_sessions(path, &s->established, &total) < 0)
			s->established = 0;
		lab_path(l, n->name, "anycastd.pid", path, sizeof(path));
		if (!lab_proc_pid(path))
			s->state = "down";
		/* a hijacking site's anycast-dns is the hijacker's */
		lab_path(l, n->name, s->hijack[0] ? "hijack-dns.pid" : "anycast-dns.pid", path,
			 sizeof(path));
		if ((n->kind == LAB_SITE || s->hijack[0]) && !s->failure[0] && !lab_proc_pid(path))
			s->state = "down";
	}
	if (s->failure[0])
		s->state = "failed";
	else if (!s->state)
		s->state = s->established < s->sessions ? "degraded" : "up";
}

/* The simulator's site for client node i, or NULL (no route, or no prediction). */
static const char *predicted(const struct lab_topo *t, const struct sim_lab_pred *pr, size_t i)
{
	for (size_t k = 0; pr && k < pr->n; k++)
		if (strcmp(pr->client[k], t->nodes[i].name) == 0)
			return pr->site[k];
	return NULL;
}

/* A route for prefix p from AS asn is invalid against the lab's ROAs (RFC 6811: some ROA
 * covers it and none matches both origin and length). */
static int roa_invalid(const struct lab_topo *t, const struct prefix *p, uint32_t asn)
{
	int covered = 0;

	for (size_t i = 0; i < t->nroas; i++) {
		if (!prefix_contains(&t->roas[i].pfx, p))
			continue;
		covered = 1;
		if (t->roas[i].asn == asn && p->len <= t->roas[i].maxlen)
			return 0;
	}
	return covered;
}

/* The hijack `lab hijack` put in force at a router (the first, if several: the simulator
 * models one), as the simulator takes it; 0 if none. The hijack file holds the prefix. */
static int hijack_in_force(const struct lab *l, struct sim_lab_hijack *hj, char *label, size_t len)
{
	const struct lab_topo *t = &l->topo;
	char path[PATH_MAX], what[64];
	struct prefix p;

	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *n = &t->nodes[i];

		if (n->kind != LAB_ROUTER)
			continue;
		lab_path(l, n->name, "hijack", path, sizeof(path));
		if (lab_read_file(path, what, sizeof(what)) < 0)
			continue;
		what[strcspn(what, "\n")] = 0;
		if (prefix_parse(what, &p) < 0)
			continue;
		snprintf(label, len, "hijacker-%s", n->name);
		hj->asn = n->asn;
		hj->len = p.len > t->anycast_prefix.len ? p.len : 0;
		hj->rov = t->rpki && roa_invalid(t, &p, n->asn);
		hj->label = label;
		return 1;
	}
	return 0;
}

/* What the simulator predicts with every site that `lab fail` took down failed; NULL if the
 * topology cannot be simulated. */
static struct sim_lab_pred *predict(const struct lab *l)
{
	const struct lab_topo *t = &l->topo;
	const char **failed = xcalloc(t->nnodes ? t->nnodes : 1, sizeof(*failed));
	struct sim_lab_pred *pr = xcalloc(1, sizeof(*pr));
	size_t nfailed = 0;
	char path[PATH_MAX], what[16], err[256];

	for (size_t i = 0; i < t->nnodes; i++) {
		lab_path(l, t->nodes[i].name, "failed", path, sizeof(path));
		if (t->nodes[i].kind == LAB_SITE && lab_read_file(path, what, sizeof(what)) >= 0)
			failed[nfailed++] = t->nodes[i].name;
	}
	struct sim_lab_hijack hj;
	static char label[64]; /* outlives pr, which borrows it */
	int hijacked = hijack_in_force(l, &hj, label, sizeof(label));

	if (sim_predict_topology_hijack(t, failed, nfailed, hijacked ? &hj : NULL, pr, err,
					sizeof(err)) < 0) {
		log_debug("lab status: no prediction: %s", err);
		free(pr);
		pr = NULL;
	}
	free(failed);
	return pr;
}

/* The wire: alive or not, its CPU (share of one core over the last second) and the frames it
 * dropped, in total and per link that had a full queue. Nothing for a lab without a wire. */
static void wire_status(const struct lab *l, int json, struct buf *out)
{
	const struct lab_topo *t = &l->topo;
	struct lab_wire_stats st;
	char path[PATH_MAX];
	uint64_t fwd = 0, qdrop = 0, ddrop = 0;

	if (l->direct)
		return;
	lab_path(l, NULL, "wire.pid", path, sizeof(path));
	pid_t pid = lab_proc_pid(path);

	lab_path(l, NULL, "wire.stats", path, sizeof(path));
	lab_wire_stats_read(path, &st);
	for (size_t i = 0; i < st.nlinks; i++)
		for (int s = 0; s < 2; s++) {
			fwd += st.links[i].forwarded[s];
			qdrop += st.links[i].qdropped[s];
			ddrop += st.links[i].downdropped[s];
		}
	if (json) {
		buf_printf(out,
			   ",\"wire\":{\"running\":%s,\"threads\":%zu,\"cpu\":%.3f,"
			   "\"forwarded\":%llu,\"queue_drops\":%llu,\"down_drops\":%llu,"
			   "\"links\":[",
			   pid ? "true" : "false", st.threads, st.cpu, (unsigned long long)fwd,
			   (unsigned long long)qdrop, (unsigned long long)ddrop);
	} else {
		buf_printf(out, "\nwire: %s",
			   pid ? "running" : "NOT RUNNING (anycast lab heal wire)");
		if (pid)
			buf_printf(out, ", %zu threads, %.0f%% of a core", st.threads,
				   st.cpu * 100);
		buf_printf(out,
			   "; frames forwarded %llu, dropped at full queues %llu, lost on "
			   "links down %llu\n",
			   (unsigned long long)fwd, (unsigned long long)qdrop,
			   (unsigned long long)ddrop);
	}
	int first = 1;

	for (size_t i = 0; i < st.nlinks; i++) {
		const struct lab_wire_link_stats *ls = &st.links[i];
		size_t k;

		if (sscanf(ls->a, "w%zua", &k) != 1 || k >= t->nlinks)
			continue;
		const char *a = t->nodes[t->links[k].a].name, *b = t->nodes[t->links[k].b].name;

		if (json) {
			buf_printf(out, "%s{\"a\":", first ? "" : ",");
			json_str(out, a);
			buf_printf(out, ",\"b\":");
			json_str(out, b);
			buf_printf(out,
				   ",\"capacity\":%u,\"forwarded\":[%llu,%llu],"
				   "\"queue_drops\":[%llu,%llu]}",
				   t->links[k].capacity_pps, (unsigned long long)ls->forwarded[0],
				   (unsigned long long)ls->forwarded[1],
				   (unsigned long long)ls->qdropped[0],
				   (unsigned long long)ls->qdropped[1]);
			first = 0;
		} else if (ls->qdropped[0] || ls->qdropped[1]) {
			buf_printf(out, "  %s -> %s: %llu dropped, %s -> %s: %llu dropped\n", a, b,
				   (unsigned long long)ls->qdropped[0], b, a,
				   (unsigned long long)ls->qdropped[1]);
		}
	}
	if (json)
		buf_printf(out, "]}");
	lab_wire_stats_free(&st);
}

int lab_status(const char *name, int json, struct buf *out, char *err, size_t errlen)
{
	struct lab l;
	char a[2 * ADDR_STRLEN + 2], a6[ADDR_STRLEN];

	if (lab_open(name, &l, err, errlen) < 0)
		return -1;
	const struct lab_topo *t = &l.topo;
	struct lab_answer *ans = xcalloc(t->nnodes ? t->nnodes : 1, sizeof(*ans));

	lab_ask_clients(&l, 1000, ans);
	struct sim_lab_pred *pr = predict(&l);

	addr_fmt(&t->anycast_addr, a);
	if (json) {
		buf_printf(out, "{\"name\":");
		json_str(out, t->name);
		buf_printf(out, ",\"anycast_address\":\"%s\",", a);
		if (t->anycast_addr6.af)
			buf_printf(out, "\"anycast_address6\":\"%s\",",
				   addr_fmt(&t->anycast_addr6, a6));
		buf_printf(out, "\"delay\":%s,\"delays_by\":\"%s\",\"nodes\":[",
			   l.direct && !l.netem ? "false" : "true",
			   l.netem    ? "netem"
			   : l.direct ? "none"
				      : "wire");
	} else {
		if (t->anycast_addr6.af)
			snprintf(a + strlen(a), sizeof(a) - strlen(a), " %s",
				 addr_fmt(&t->anycast_addr6, a6));
		buf_printf(out, "lab %s: anycast %s, state in %s%s\n\n", t->name, a, l.dir,
			   l.netem    ? " (delays by netem)"
			   : l.direct ? " (no link delay)"
				      : "");
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
			buf_printf(out, ",\"kind\":\"%s\",", kind_name(n));
			if (n->kind == LAB_CLIENT)
				buf_printf(out, "\"asn\":null");
			else
				buf_printf(out, "\"asn\":%u", n->asn);
			buf_printf(out, ",\"city\":");
			json_str(out, n->city ? n->city->name : "");
			buf_printf(out, ",\"state\":\"%s\"", s.state);
			if (n->kind != LAB_CLIENT)
				buf_printf(out, ",\"established\":%d,\"sessions\":%d",
					   s.established, s.sessions);
			if (s.failure[0]) {
				buf_printf(out, ",\"failure\":");
				json_str(out, s.failure);
			}
			if (s.hijack[0]) {
				buf_printf(out, ",\"hijacking\":");
				json_str(out, s.hijack);
			}
			buf_put8(out, '}');
			first = 0;
		} else {
			char asn[16] = "-", sess[32] = "-";

			if (n->kind != LAB_CLIENT) {
				snprintf(asn, sizeof(asn), "%u", n->asn);
				snprintf(sess, sizeof(sess), "%d/%d", s.established, s.sessions);
			}
			buf_printf(out, "%-14s %-7s %-10s %-14s %-9s %s%s%s%s%s\n", n->name,
				   kind_name(n), asn, n->city ? n->city->name : "-", s.state, sess,
				   s.failure[0] ? "  failed: " : "", s.failure,
				   s.hijack[0] ? "  hijacking " : "", s.hijack);
		}
	}
	if (json)
		buf_printf(out, "]");
	wire_status(&l, json, out);
	if (json)
		buf_printf(out, ",\"clients\":[");
	else
		buf_printf(out, "\n%-14s %-14s %10s  %s\n", "CLIENT", "SITE", "RTT", "PREDICTED");
	first = 1;
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_answer *an = &ans[i];
		const char *want = predicted(t, pr, i);

		if (t->nodes[i].kind != LAB_CLIENT)
			continue;
		if (json) {
			buf_printf(out, "%s{\"name\":", first ? "" : ",");
			json_str(out, t->nodes[i].name);
			buf_printf(out, ",\"site\":");
			if (an->ok) {
				json_str(out, an->site);
				buf_printf(out, ",\"rtt_ms\":%.3f", an->rtt_ms);
			} else {
				buf_printf(out, "null,\"rtt_ms\":null,\"error\":");
				json_str(out, an->why);
			}
			if (an->six) {
				/* each family's own answer, also when the other failed */
				buf_printf(out, ",\"site6\":");
				if (an->ok6) {
					json_str(out, an->site6);
					buf_printf(out, ",\"rtt6_ms\":%.3f", an->rtt6_ms);
				} else {
					buf_printf(out, "null,\"rtt6_ms\":null");
				}
			}
			buf_printf(out, ",\"predicted_site\":");
			if (want)
				json_str(out, want);
			else
				buf_printf(out, "null");
			buf_put8(out, '}');
			first = 0;
		} else {
			/* "!" marks a client the lab and the simulator disagree on */
			int differs = pr && (!an->ok || !want || strcmp(an->site, want) != 0);

			if (an->ok)
				buf_printf(out, "%-14s %-14s %7.2f ms", t->nodes[i].name, an->site,
					   an->rtt_ms);
			else
				buf_printf(out, "%-14s %-14s %10s", t->nodes[i].name, "-", "-");
			buf_printf(out, "  %s%s", pr ? (want ? want : "-") : "?",
				   differs ? " !" : "");
			if (an->six)
				buf_printf(out, "  IPv6: %s", an->ok6 ? an->site6 : "-");
			if (!an->ok)
				buf_printf(out, "  (%s)", an->why);
			buf_put8(out, '\n');
		}
	}
	if (json)
		buf_printf(out, "]}\n");
	if (!json && pr)
		buf_printf(
			out,
			"(PREDICTED: anycast sim --topology with the failed sites failed and the hijack in force; "
			"! where the lab answers otherwise)\n");
	if (pr)
		sim_lab_pred_free(pr);
	free(pr);
	free(ans);
	lab_close(&l);
	return 0;
}
