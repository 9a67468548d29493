/* `anycast lab fail` and `heal`: a site loses its service (its anycast-dns is stopped, so that
 * its anycastd's dns check fails and it withdraws), or a node crashes (all its links down, on
 * both ends: the neighbours lose carrier), or hangs (--freeze: every process of its namespace
 * stopped, links up); heal undoes what the node's "failed" file says. */
#include "lab/lab.h"

#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab/build.h"
#include "lab/gen.h"
#include "lab/netns.h"
#include "lab/proc.h"

/* Opens lab name at node: its index, and the node's "failed" file with what it says (was
 * empty when the node has not failed). -1 with err set, the lab closed. */
static int open_node(const char *name, const char *node, struct lab *l, char *path, size_t pathlen,
		     char *was, size_t waslen, char *err, size_t errlen)
{
	int i;

	if (lab_open(name, l, err, errlen) < 0)
		return -1;
	if ((i = lab_find_node(l, node, err, errlen)) < 0) {
		lab_close(l);
		return -1;
	}
	lab_path(l, node, "failed", path, pathlen);
	if (lab_read_file(path, was, waslen) < 0)
		was[0] = 0;
	return i;
}

static void node_signal(const struct lab *l, size_t node, int sig)
{
	char ns[64];

	lab_ns_name(l->topo.name, l->topo.nodes[node].name, ns, sizeof(ns));
	lab_proc_signal_netns(ns, sig);
}

int lab_fail(const char *name, const char *node, enum lab_fail_kind how, char *err, size_t errlen)
{
	struct lab l;
	char path[PATH_MAX], was[32];
	int r = -1,
	    i = open_node(name, node, &l, path, sizeof(path), was, sizeof(was), err, errlen);

	if (i < 0)
		return -1;
	if (was[0]) {
		snprintf(err, errlen, "%s has already failed (%s): anycast lab heal %s", node, was,
			 node);
		goto out;
	}
	if (how == LAB_FAIL_SERVICE) {
		char pidf[PATH_MAX];
		char *files[] = { pidf };

		if (l.topo.nodes[i].kind != LAB_SITE) {
			snprintf(err, errlen,
				 "%s is not a site: only a site has a service to fail "
				 "(--site cuts any node's links)",
				 node);
			goto out;
		}
		/* the service dies, anycastd stays: its dns check fails and it withdraws */
		lab_path(&l, node, "anycast-dns.pid", pidf, sizeof(pidf));
		lab_proc_stop(files, 1);
		r = lab_write_file(path, "service\n", err, errlen);
	} else if (how == LAB_FAIL_FREEZE) {
		/* a hung host: every process stops, the links stay up; only BFD or the hold timer
		 * can tell */
		r = lab_write_file(path, "freeze\n", err, errlen);
		if (r == 0)
			node_signal(&l, (size_t)i, SIGSTOP);
	} else {
		if (lab_links_set(&l, (size_t)i, 0, err, errlen) == 0)
			r = lab_write_file(path, "site\n", err, errlen);
	}
out:
	lab_close(&l);
	return r;
}

/* Restarts the processes of node i that are not running (killed, crashed); a site's
 * anycast-dns too. */
static int restart_dead(const struct lab *l, size_t i, char *err, size_t errlen)
{
	const struct lab_node *n = &l->topo.nodes[i];
	char pidf[PATH_MAX];

	if (n->kind == LAB_CLIENT)
		return 0;
	lab_path(l, n->name, "anycast-dns.pid", pidf, sizeof(pidf));
	if (n->kind == LAB_SITE && !lab_proc_pid(pidf) && lab_start_dns(l, i, err, errlen) < 0)
		return -1;
	lab_path(l, n->name, "anycastd.pid", pidf, sizeof(pidf));
	if (!lab_proc_pid(pidf) && lab_start_anycastd(l, i, err, errlen) < 0)
		return -1;
	return 0;
}

int lab_heal(const char *name, const char *node, char *err, size_t errlen)
{
	struct lab l;
	char path[PATH_MAX], was[32];
	int r = 0, i;

	if (strcmp(node, "wire") == 0) {
		if (lab_open(name, &l, err, errlen) < 0)
			return -1;
		lab_path(&l, NULL, "wire.pid", path, sizeof(path));
		if (l.direct)
			snprintf(err, errlen, "lab %s has no wire (it is up with --no-delay)",
				 l.topo.name),
				r = -1;
		else if (!lab_proc_pid(path))
			r = lab_start_wire(&l, err, errlen) < 0 ? -1 : 0;
		lab_close(&l);
		return r;
	}
	i = open_node(name, node, &l, path, sizeof(path), was, sizeof(was), err, errlen);
	if (i < 0)
		return -1;
	if (was[0]) { /* what `lab fail` did, undone */
		if (strcmp(was, "service") == 0)
			r = lab_start_dns(&l, (size_t)i, err, errlen) < 0 ? -1 : 0;
		else if (strcmp(was, "freeze") == 0)
			node_signal(&l, (size_t)i, SIGCONT);
		else
			r = lab_links_set(&l, (size_t)i, 1, err, errlen);
		if (r == 0)
			unlink(path);
	}
	if (r == 0)
		r = lab_hijack_undo(&l, (size_t)i, err, errlen);
	/* and what died by itself, restarted */
	if (r == 0)
		r = restart_dead(&l, (size_t)i, err, errlen);
	lab_close(&l);
	return r;
}
