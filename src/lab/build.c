/* Building a lab's network: a namespace per node and one for the wire, veth pairs, addresses,
 * routes and sysctls.
 *
 * ip(8) does the netlink work, from batch files kept in the state directory so that a step
 * that failed can be read and replayed by hand; one ip process per namespace keeps `up` fast.
 * Sysctls are written from inside each namespace (/proc/sys/net follows the writer's
 * namespace).
 *
 * A link with delay is  node A [ifname_a] -- veth -- [w<l>a] wire [w<l>b] -- veth -- [ifname_b]
 * node B: the wire process (wire.c) in the namespace NAME-wire copies frames between w<l>a
 * and w<l>b after the link's delay. With --no-delay the two nodes share one veth pair. */
#include "lab/build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lab/cache.h"
#include "lab/netem.h"
#include "lab/netns.h"
#include "lab/proc.h"
#include "lib/buf.h"
#include "lib/log.h"
#include "lib/sig.h"

/* ---- sysctls ---- */

struct sysctl {
	const char *path; /* under /proc/sys */
	const char *value;
};

static const struct sysctl sc_node[] = {
	/* Paths may be asymmetric (Gao-Rexford does that): never drop a packet for it. */
	{ "net/ipv4/conf/all/rp_filter", "0" },
	{ "net/ipv4/conf/default/rp_filter", "0" },
	/* `lab fail --site` sets links down; their IPv6 addresses must be there after heal. */
	{ "net/ipv6/conf/all/keep_addr_on_down", "1" },
	{ "net/ipv6/conf/default/keep_addr_on_down", "1" },
	{ "net/ipv6/conf/default/accept_dad", "0" },
	{ NULL, NULL },
};
/* Any router may become a hijacker (`lab hijack`), whose anycast-dns binds the anycast address
 * before its anycastd puts it on lo, as a site's does. */
static const struct sysctl sc_router[] = {
	{ "net/ipv4/ip_forward", "1" },
	{ "net/ipv6/conf/all/forwarding", "1" },
	{ "net/ipv4/ip_nonlocal_bind", "1" },
	{ "net/ipv6/ip_nonlocal_bind", "1" },
	{ NULL, NULL },
};
static const struct sysctl sc_host[] = {
	{ "net/ipv4/ip_forward", "0" },
	{ "net/ipv6/conf/all/forwarding", "0" },
	{ NULL, NULL },
};
/* anycast-dns binds the anycast and unicast addresses before anycastd puts them on lo (the
 * service comes up only once anycast-dns answers its check). */
static const struct sysctl sc_site[] = {
	{ "net/ipv4/ip_nonlocal_bind", "1" },
	{ "net/ipv6/ip_nonlocal_bind", "1" },
	{ NULL, NULL },
};
/* The wire only copies frames: it must not speak (no router solicitations, no DAD). */
static const struct sysctl sc_wire[] = {
	{ "net/ipv6/conf/all/disable_ipv6", "1" },
	{ "net/ipv6/conf/default/disable_ipv6", "1" },
	{ "net/ipv4/ip_forward", "0" },
	{ NULL, NULL },
};

static int write_sysctls(void *arg, char *err, size_t errlen)
{
	const struct sysctl *const *lists = arg;

	for (size_t i = 0; lists[i]; i++) {
		for (const struct sysctl *s = lists[i]; s->path; s++) {
			char path[256];
			int fd;

			snprintf(path, sizeof(path), "/proc/sys/%s", s->path);
			fd = open(path, O_WRONLY | O_CLOEXEC);
			if (fd < 0 || write(fd, s->value, strlen(s->value)) < 0) {
				snprintf(err, errlen, "sysctl %s=%s: %s", s->path, s->value,
					 strerror(errno));
				if (fd >= 0)
					close(fd);
				return -1;
			}
			close(fd);
		}
	}
	return 0;
}

/* ---- ip(8) batches ---- */

static void ns_of(const struct lab *l, size_t node, char *out, size_t len)
{
	lab_ns_name(l->topo.name, l->topo.nodes[node].name, out, len);
}

/* Writes the batch to DIR/TAG.PROG and runs it with PROG [-n ns] -batch (ip or tc). */
static int run_prog_batch(const struct lab *l, const char *prog, const char *ns, const char *tag,
			  const struct buf *b, char *err, size_t errlen)
{
	char path[PATH_MAX];
	char *argv[7];
	int n = 0;

	if (!b->len)
		return 0;
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.%s", l->dir, tag, prog) >= sizeof(path)) {
		snprintf(err, errlen, "%s/%s.%s: path too long", l->dir, tag, prog);
		return -1;
	}
	char *text = xmalloc(b->len + 1);

	memcpy(text, b->data, b->len);
	text[b->len] = 0;
	int r = lab_write_file(path, text, err, errlen);

	free(text);
	if (r < 0)
		return -1;
	argv[n++] = (char *)prog;
	if (ns) {
		argv[n++] = "-n";
		argv[n++] = (char *)ns;
	}
	argv[n++] = "-batch";
	argv[n++] = path;
	argv[n] = NULL;
	return lab_cmd_run(argv, err, errlen);
}

static int run_batch(const struct lab *l, const char *ns, const char *tag, const struct buf *b,
		     char *err, size_t errlen)
{
	return run_prog_batch(l, "ip", ns, tag, b, err, errlen);
}

/* Names of the wire's ends of link k: "w<k>a" faces node a, "w<k>b" node b. */
static void wire_if(size_t link, char side, char *out, size_t len)
{
	snprintf(out, len, "w%u%c", (unsigned)link, side);
}

/* The namespace of node i, of the wire with i == nnodes, of the RPKI cache with i == nnodes + 1;
 * 0 when there is none. NS_COUNT(t) is one past the last. */
#define NS_COUNT(t) ((t)->nnodes + 2)
static int ns_at(const struct lab *l, size_t i, char *ns, size_t len, const struct sysctl *lists[4])
{
	const struct lab_topo *t = &l->topo;

	lists[0] = lists[1] = lists[2] = lists[3] = NULL;
	if (i < t->nnodes) {
		ns_of(l, i, ns, len);
		lists[0] = sc_node;
		lists[1] = t->nodes[i].kind == LAB_ROUTER ? sc_router : sc_host;
		lists[2] = t->nodes[i].kind == LAB_SITE ? sc_site : NULL;
		return 1;
	}
	if (i == t->nnodes) {
		if (l->direct)
			return 0;
		lab_ns_name(t->name, "wire", ns, len);
		lists[0] = sc_wire;
		return 1;
	}
	if (!t->rpki)
		return 0;
	lab_ns_name(t->name, LAB_CACHE_NODE, ns, len);
	lists[0] = sc_host;
	return 1;
}

static int build_namespaces(const struct lab *l, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	const struct sysctl *lists[4];
	char list[PATH_MAX], ns[128];
	struct buf names, add;
	int r = -1;

	/* all recorded first: a crash right after `ip netns add` must not hide one from down */
	buf_init(&names);
	buf_init(&add);
	for (size_t i = 0; i < NS_COUNT(t); i++) {
		if (!ns_at(l, i, ns, sizeof(ns), lists))
			continue;
		buf_printf(&names, "%s\n", ns);
		buf_printf(&add, "netns add %s\n", ns);
	}
	lab_path(l, NULL, "namespaces", list, sizeof(list));
	FILE *f = fopen(list, "ae");

	if (!f || fwrite(names.data, 1, names.len, f) != names.len || fclose(f) != 0) {
		snprintf(err, errlen, "%s: %s", list, strerror(errno));
		goto out;
	}
	/* one ip(8) for all of them: a process per namespace cost 5 s of `up` at 200 nodes */
	if (sig_interrupted || run_batch(l, NULL, "netns", &add, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < NS_COUNT(t); i++) {
		if (!ns_at(l, i, ns, sizeof(ns), lists))
			continue;
		if (sig_interrupted) {
			snprintf(err, errlen, "interrupted");
			goto out;
		}
		if (lab_in_netns(ns, write_sysctls, lists, err, errlen) < 0)
			goto out;
	}
	r = 0;
out:
	buf_free(&names);
	buf_free(&add);
	if (r < 0 && sig_interrupted)
		snprintf(err, errlen, "interrupted");
	return r;
}

static void put_addr(struct buf *b, const char *ifname, const struct addr *a, int plen)
{
	char s[ADDR_STRLEN];

	addr_fmt(a, s);
	buf_printf(b, "address add %s/%d dev %s%s\n", s, plen, ifname,
		   a->af == AF_INET6 ? " nodad" : "");
}

/* Everything inside one node's namespace: lo, its side of each link, a client's routes. */
static void node_batch(const struct lab *l, size_t node, struct buf *b)
{
	const struct lab_topo *t = &l->topo;
	char s[ADDR_STRLEN];

	buf_printf(b, "link set lo up\n");
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];

		if (lk->a == node) {
			put_addr(b, lk->ifname_a, &lk->addr_a, 31);
			put_addr(b, lk->ifname_a, &lk->addr6_a, 64);
			buf_printf(b, "link set %s up\n", lk->ifname_a);
		} else if (lk->b == node) {
			put_addr(b, lk->ifname_b, &lk->addr_b, 31);
			put_addr(b, lk->ifname_b, &lk->addr6_b, 64);
			buf_printf(b, "link set %s up\n", lk->ifname_b);
		}
	}
	size_t k, r;

	/* A client's only way anywhere is its access router: inside the lab, nothing leaves. */
	if (t->nodes[node].kind == LAB_CLIENT && lab_client_link(t, node, &k, &r) == 0) {
		const struct lab_link *lk = &t->links[k];
		int router_is_a = lk->a == r;

		buf_printf(b, "route add default via %s\n",
			   addr_fmt(router_is_a ? &lk->addr_a : &lk->addr_b, s));
		buf_printf(b, "route add default via %s\n",
			   addr_fmt(router_is_a ? &lk->addr6_a : &lk->addr6_b, s));
	}
}

int lab_build(const struct lab *l, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	char ns[128], nsa[128], nsb[128], wns[128], wa[16], wb[16];
	struct buf b;
	int r = -1;

	err[0] = 0;
	if (build_namespaces(l, err, errlen) < 0)
		return -1;
	lab_ns_name(t->name, "wire", wns, sizeof(wns));
	buf_init(&b);
	/* Each veth end is created directly in its namespace: nothing ever appears in ours. */
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];

		ns_of(l, lk->a, nsa, sizeof(nsa));
		ns_of(l, lk->b, nsb, sizeof(nsb));
		if (l->direct) {
			buf_printf(&b, "link add %s netns %s type veth peer name %s netns %s\n",
				   lk->ifname_a, nsa, lk->ifname_b, nsb);
			continue;
		}
		wire_if(k, 'a', wa, sizeof(wa));
		wire_if(k, 'b', wb, sizeof(wb));
		buf_printf(&b, "link add %s netns %s type veth peer name %s netns %s\n",
			   lk->ifname_a, nsa, wa, wns);
		buf_printf(&b, "link add %s netns %s type veth peer name %s netns %s\n",
			   lk->ifname_b, nsb, wb, wns);
	}
	if (lab_cache_links(l, &b, err, errlen) < 0)
		goto out;
	if (sig_interrupted || run_batch(l, NULL, "links", &b, err, errlen) < 0)
		goto out;
	for (size_t i = 0; i < t->nnodes; i++) {
		if (sig_interrupted)
			goto out;
		ns_of(l, i, ns, sizeof(ns));
		buf_reset(&b);
		node_batch(l, i, &b);
		lab_cache_router_batch(l, i, &b);
		if (run_batch(l, ns, ns, &b, err, errlen) < 0)
			goto out;
		if (l->netem) {
			buf_reset(&b);
			lab_netem_batch(l, i, &b);
			if (run_prog_batch(l, "tc", ns, ns, &b, err, errlen) < 0)
				goto out;
		}
	}
	if (t->rpki) {
		lab_ns_name(t->name, LAB_CACHE_NODE, ns, sizeof(ns));
		buf_reset(&b);
		lab_cache_ns_batch(l, &b);
		if (run_batch(l, ns, ns, &b, err, errlen) < 0)
			goto out;
	}
	if (!l->direct) {
		buf_reset(&b);
		buf_printf(&b, "link set lo up\n");
		for (size_t k = 0; k < t->nlinks; k++) {
			wire_if(k, 'a', wa, sizeof(wa));
			wire_if(k, 'b', wb, sizeof(wb));
			buf_printf(&b, "link set %s up\nlink set %s up\n", wa, wb);
		}
		if (run_batch(l, wns, wns, &b, err, errlen) < 0)
			goto out;
	}
	r = 0;
out:
	if (r < 0 && sig_interrupted && !err[0])
		snprintf(err, errlen, "interrupted");
	buf_free(&b);
	return r;
}

int lab_links_set(const struct lab *l, size_t node, int up, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	const char *how = up ? "up" : "down";
	char ns[128], wns[128], wa[16], wb[16], tag[160];
	struct buf b, w;
	int r = -1;

	ns_of(l, node, ns, sizeof(ns));
	lab_ns_name(t->name, "wire", wns, sizeof(wns));
	buf_init(&b);
	buf_init(&w);
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];

		if (lk->a != node && lk->b != node)
			continue;
		buf_printf(&b, "link set %s %s\n", lk->a == node ? lk->ifname_a : lk->ifname_b,
			   how);
		/* Both wire ends: the far node's veth loses its carrier only when its own peer
		 * (the wire's end facing it) goes down, as when a cable is cut. */
		wire_if(k, 'a', wa, sizeof(wa));
		wire_if(k, 'b', wb, sizeof(wb));
		buf_printf(&w, "link set %s %s\nlink set %s %s\n", wa, how, wb, how);
	}
	snprintf(tag, sizeof(tag), "%s-links", ns);
	if (run_batch(l, ns, tag, &b, err, errlen) < 0)
		goto out;
	snprintf(tag, sizeof(tag), "%s-links-%s", wns, t->nodes[node].name);
	if (!l->direct && run_batch(l, wns, tag, &w, err, errlen) < 0)
		goto out;
	r = 0;
out:
	buf_free(&b);
	buf_free(&w);
	return r;
}
