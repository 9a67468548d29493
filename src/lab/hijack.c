/* `anycast lab hijack NODE [--more-specific LEN]` and its undoing by `lab heal NODE`: a router
 * or a site of the lab originates the anycast prefix, or the more-specific of length LEN that
 * holds the anycast address, from its own AS, unconditionally; and answers DNS on the anycast
 * address as "hijacker-NODE", so that a client that follows the hijack says so.
 *
 * The node's "hijack" file (state.h) holds the prefix while the hijack is in force; the node's
 * anycastd.conf is written anew from the topology and that file (gen.c adds the origination)
 * and its anycastd reloaded (SIGHUP), without a session reset. A site's own anycast-dns
 * gives way to the hijacker's, which also answers the site's health check. */
#include "lab/lab.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/socket.h>

#include "lab/gen.h"
#include "lab/proc.h"

static int reload_anycastd(const struct lab *l, const char *node, char *err, size_t errlen)
{
	char pidf[PATH_MAX];
	pid_t pid;

	lab_path(l, node, "anycastd.pid", pidf, sizeof(pidf));
	if (!(pid = lab_proc_pid(pidf)) || kill(pid, SIGHUP) < 0) {
		snprintf(err, errlen, "the anycastd of %s is not running (anycast lab heal %s)",
			 node, node);
		return -1;
	}
	return 0;
}

/* The hijacker's zone: enough for the site check (the SOA of lab.) and an A record. */
static int write_zone(const struct lab *l, const struct lab_node *n, char *err, size_t errlen)
{
	char path[PATH_MAX], a[ADDR_STRLEN], text[512];

	addr_fmt(&l->topo.anycast_addr, a);
	snprintf(text, sizeof(text),
		 "; hijacker %s in lab %s: written by `anycast lab hijack`\n"
		 "$ORIGIN lab.\n$TTL 60\n@\tSOA\tns hostmaster 1 3600 600 86400 60\n\tNS\tns\n"
		 "ns\t%s\t%s\nhijacker\tTXT\t\"hijacker %s\"\n",
		 n->name, l->topo.name, l->topo.anycast_addr.af == AF_INET6 ? "AAAA" : "A", a,
		 n->name);
	lab_path(l, n->name, "hijack.zone", path, sizeof(path));
	return lab_write_file(path, text, err, errlen);
}

static pid_t start_dns(const struct lab *l, const struct lab_node *n, char *err, size_t errlen)
{
	char ns[128], zone[PATH_MAX], log[PATH_MAX], pidf[PATH_MAX], id[96];
	char any[ADDR_STRLEN + 8];

	lab_ns_name(l->topo.name, n->name, ns, sizeof(ns));
	lab_path(l, n->name, "hijack.zone", zone, sizeof(zone));
	lab_path(l, n->name, "hijack-dns.log", log, sizeof(log));
	lab_path(l, n->name, "hijack-dns.pid", pidf, sizeof(pidf));
	lab_hostport(&l->topo.anycast_addr, 53, any, sizeof(any));
	snprintf(id, sizeof(id), "hijacker-%s", n->name);
	char *argv[] = {
		(char *)l->dns, "-d",         "--listen", "127.0.0.1:53", "--listen", any, "--zone",
		zone,           "--identity", id,         "--threads",    "1",        NULL
	};

	return lab_proc_start(ns, argv, log, pidf, err, errlen);
}

static int try_bind(void *arg, char *err, size_t errlen)
{
	const struct addr *a = arg;
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(a, 0, &ss);
	int fd = socket(a->af, SOCK_DGRAM | SOCK_CLOEXEC, 0), r;

	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	r = bind(fd, (struct sockaddr *)&ss, sl);
	if (r < 0)
		snprintf(err, errlen, "%s", strerror(errno));
	close(fd);
	return r;
}

/* Until the anycast address is on the node (bindable in its namespace), at most 5 s. */
static int wait_address(const struct lab *l, const struct lab_node *n, char *err, size_t errlen)
{
	char ns[128], e[128] = "", a[ADDR_STRLEN];
	struct addr any = l->topo.anycast_addr;

	lab_ns_name(l->topo.name, n->name, ns, sizeof(ns));
	for (int k = 0; k < 100; k++) {
		if (lab_in_netns(ns, try_bind, &any, e, sizeof(e)) == 0)
			return 0;
		usleep(50000);
	}
	snprintf(err, errlen, "%s: the anycast address %s never came up on lo: %s", n->name,
		 addr_fmt(&any, a), e);
	return -1;
}

static void stop_file(const struct lab *l, const char *node, const char *file)
{
	char pidf[PATH_MAX];
	char *files[] = { pidf };

	lab_path(l, node, file, pidf, sizeof(pidf));
	lab_proc_stop(files, 1);
}

int lab_hijack(const char *name, const char *node, int len, char *err, size_t errlen)
{
	struct lab l;
	char path[PATH_MAX], was[64], pf[PREFIX_STRLEN], p[PREFIX_STRLEN + 1];
	int i, r = -1;

	if (lab_open(name, &l, err, errlen) < 0)
		return -1;
	if ((i = lab_find_node(&l, node, err, errlen)) < 0)
		goto out;
	const struct lab_node *n = &l.topo.nodes[i];
	struct prefix pfx = l.topo.anycast_prefix;
	int max = pfx.addr.af == AF_INET6 ? 128 : 32;

	if (n->kind == LAB_CLIENT) {
		snprintf(err, errlen, "%s is a client: only a router or a site can originate",
			 node);
		goto out;
	}
	if (len) {
		if (len <= pfx.len || len > max) {
			snprintf(err, errlen,
				 "--more-specific %d: not longer than the anycast prefix /%d and "
				 "at most %d",
				 len, pfx.len, max);
			goto out;
		}
		pfx.addr = l.topo.anycast_addr;
		pfx.len = (uint8_t)len;
		prefix_normalize(&pfx);
	}
	lab_path(&l, node, "hijack", path, sizeof(path));
	if (lab_read_file(path, was, sizeof(was)) >= 0) {
		snprintf(err, errlen, "%s already hijacks %s: anycast lab heal %s", node, was,
			 node);
		goto out;
	}
	snprintf(p, sizeof(p), "%s\n", prefix_fmt(&pfx, pf));
	if (write_zone(&l, n, err, errlen) < 0 || lab_write_file(path, p, err, errlen) < 0)
		goto out;
	if (n->kind == LAB_SITE) /* its own anycast-dns holds the anycast address's port */
		stop_file(&l, node, "anycast-dns.pid");
	/* A router's anycastd puts the anycast address on lo once it has reloaded with the
	 * hijack: its anycast-dns can bind it only then (started first, it lost that race and
	 * answered nothing). A site has the address already, and its new anycast-dns must answer
	 * the site's own check at once. */
	if (n->kind == LAB_SITE)
		r = start_dns(&l, n, err, errlen) < 0 ||
		    lab_gen_anycastd(&l, (size_t)i, err, errlen) < 0 ||
		    reload_anycastd(&l, node, err, errlen) < 0;
	else
		r = lab_gen_anycastd(&l, (size_t)i, err, errlen) < 0 ||
		    reload_anycastd(&l, node, err, errlen) < 0 ||
		    wait_address(&l, n, err, errlen) < 0 || start_dns(&l, n, err, errlen) < 0;
	if (r) {
		r = -1;
		char e2[256];

		lab_hijack_undo(&l, (size_t)i, e2, sizeof(e2));
		goto out;
	}
	r = 0;
out:
	lab_close(&l);
	return r;
}

int lab_hijack_undo(const struct lab *l, size_t node, char *err, size_t errlen)
{
	const struct lab_node *n = &l->topo.nodes[node];
	char path[PATH_MAX];

	lab_path(l, n->name, "hijack", path, sizeof(path));
	if (access(path, F_OK) < 0)
		return 0;
	unlink(path);
	stop_file(l, n->name, "hijack-dns.pid");
	if (n->kind == LAB_SITE && lab_start_dns(l, node, err, errlen) < 0)
		return -1;
	if (lab_gen_anycastd(l, node, err, errlen) < 0)
		return -1;
	reload_anycastd(l, n->name, err, errlen); /* a dead one starts anew with `heal` */
	return 0;
}

int lab_hijack_main(int argc, char **argv)
{
	const char *name = NULL, *node = NULL;
	int len = 0;
	char err[512];

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--more-specific") == 0 && i + 1 < argc) {
			char *end;

			len = (int)strtol(argv[++i], &end, 10);
			if (*end || len <= 0) {
				fprintf(stderr,
					"anycast lab hijack: --more-specific '%s' is not a "
					"prefix length\n",
					argv[i]);
				return 2;
			}
		} else if (argv[i][0] != '-' && !node)
			node = argv[i];
		else {
			fprintf(stderr, "usage: anycast lab hijack [--lab NAME] NODE "
					"[--more-specific LEN]\n");
			return 2;
		}
	}
	if (!node) {
		fprintf(stderr,
			"usage: anycast lab hijack [--lab NAME] NODE [--more-specific LEN]\n");
		return 2;
	}
	if (lab_hijack(name, node, len, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab hijack: %s\n", err);
		return 1;
	}
	return 0;
}
