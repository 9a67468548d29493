/* The lab's RPKI cache: see cache.h. */
#include "lab/cache.h"

#include <stdio.h>
#include <sys/socket.h>
#include <string.h>
#include <unistd.h>

#include "lab/proc.h"
#include "lib/buf.h"

/* The cache's links: 198.19.254.0/23, a /31 per router in the order of the topology; the
 * cache takes the even address. Router ids are 198.19.0.1 upwards and links come from
 * 198.18.0.0/16, so nothing else of the plan reaches it. */
#define CACHE_NET 0xc613fe00u /* 198.19.254.0 */

/* The router's rank among the routers, or -1. */
static int router_rank(const struct lab_topo *t, size_t node)
{
	int rank = 0;

	if (!t->rpki || t->rpki_file || node >= t->nnodes || t->nodes[node].kind != LAB_ROUTER)
		return -1;
	for (size_t i = 0; i < node; i++)
		rank += t->nodes[i].kind == LAB_ROUTER;
	return rank < LAB_CACHE_MAX ? rank : -1;
}

static void v4(struct addr *a, uint32_t host)
{
	memset(a, 0, sizeof(*a));
	a->af = AF_INET;
	a->a[0] = (uint8_t)(host >> 24);
	a->a[1] = (uint8_t)(host >> 16);
	a->a[2] = (uint8_t)(host >> 8);
	a->a[3] = (uint8_t)host;
}

int lab_cache_addrs(const struct lab_topo *t, size_t node, struct addr *cache, struct addr *router)
{
	int rank = router_rank(t, node);

	if (rank < 0)
		return -1;
	v4(cache, CACHE_NET + 2 * (uint32_t)rank);
	v4(router, CACHE_NET + 2 * (uint32_t)rank + 1);
	return 0;
}

/* The cache's end of the link to the router of that rank. */
static void cache_if(int rank, char *out, size_t len) { snprintf(out, len, "r%d", rank); }

int lab_cache_links(const struct lab *l, struct buf *b, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	char ns[128], cns[128], cif[16];
	size_t routers = 0;

	if (!t->rpki)
		return 0;
	for (size_t i = 0; i < t->nnodes; i++)
		routers += t->nodes[i].kind == LAB_ROUTER;
	if (routers > LAB_CACHE_MAX) {
		snprintf(err, errlen,
			 "%s: rpki: the lab's cache serves at most %d routers, not %zu", t->file,
			 LAB_CACHE_MAX, routers);
		return -1;
	}
	lab_ns_name(t->name, LAB_CACHE_NODE, cns, sizeof(cns));
	for (size_t i = 0; i < t->nnodes; i++) {
		int rank = router_rank(t, i);

		if (rank < 0)
			continue;
		lab_ns_name(t->name, t->nodes[i].name, ns, sizeof(ns));
		cache_if(rank, cif, sizeof(cif));
		buf_printf(b, "link add %s netns %s type veth peer name %s netns %s\n",
			   LAB_CACHE_IF, ns, cif, cns);
	}
	return 0;
}

void lab_cache_ns_batch(const struct lab *l, struct buf *b)
{
	const struct lab_topo *t = &l->topo;
	struct addr c, r;
	char s[ADDR_STRLEN], cif[16];

	buf_printf(b, "link set lo up\n");
	for (size_t i = 0; i < t->nnodes; i++) {
		int rank = router_rank(t, i);

		if (rank < 0)
			continue;
		lab_cache_addrs(t, i, &c, &r);
		cache_if(rank, cif, sizeof(cif));
		buf_printf(b, "address add %s/31 dev %s\nlink set %s up\n", addr_fmt(&c, s), cif,
			   cif);
	}
}

void lab_cache_router_batch(const struct lab *l, size_t node, struct buf *b)
{
	struct addr c, r;
	char s[ADDR_STRLEN];

	if (lab_cache_addrs(&l->topo, node, &c, &r) < 0)
		return;
	buf_printf(b, "address add %s/31 dev %s\nlink set %s up\n", addr_fmt(&r, s), LAB_CACHE_IF,
		   LAB_CACHE_IF);
}

int lab_cache_write_roas(const struct lab *l, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	char path[PATH_MAX], p[PREFIX_STRLEN];
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "{\"roas\":[");
	for (size_t i = 0; i < t->nroas; i++)
		buf_printf(&b, "%s\n{\"prefix\":\"%s\",\"maxLength\":%u,\"asn\":\"AS%u\"}",
			   i ? "," : "", prefix_fmt(&t->roas[i].pfx, p), t->roas[i].maxlen,
			   t->roas[i].asn);
	buf_printf(&b, "]}\n");
	buf_put8(&b, 0);
	lab_path(l, NULL, "roas.json", path, sizeof(path));
	int r = lab_write_file(path, (const char *)b.data, err, errlen);

	buf_free(&b);
	return r;
}

/* stayrtr from Debian's package; lab_proc_start wants a path. */
static const char *stayrtr_path(void)
{
	static const char *const where[] = { "/usr/bin/stayrtr", "/usr/local/bin/stayrtr",
					     "/usr/sbin/stayrtr" };

	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++)
		if (access(where[i], X_OK) == 0)
			return where[i];
	return NULL;
}

pid_t lab_cache_start(const struct lab *l, char *err, size_t errlen)
{
	char ns[128], roas[PATH_MAX], log[PATH_MAX], pidf[PATH_MAX], bind[32];
	const char *bin = stayrtr_path();

	if (!bin) {
		snprintf(err, errlen,
			 "%s: rpki: the lab's RPKI cache is stayrtr, which is not installed "
			 "(apt-get install stayrtr)",
			 l->topo.file);
		return -1;
	}
	if (lab_cache_write_roas(l, err, errlen) < 0)
		return -1;
	lab_ns_name(l->topo.name, LAB_CACHE_NODE, ns, sizeof(ns));
	lab_path(l, NULL, "roas.json", roas, sizeof(roas));
	lab_path(l, NULL, "rpki.log", log, sizeof(log));
	lab_path(l, NULL, "rpki.pid", pidf, sizeof(pidf));
	snprintf(bind, sizeof(bind), ":%d", LAB_CACHE_PORT);
	/* -refresh 1: the file is read again every second, so that a ROA written while the lab
	 * runs reaches the routers (Serial Notify) within about a second, as a ROA file polled
	 * by anycastd itself did; the metrics listener stays inside the namespace. */
	char *argv[] = { (char *)bin,      "-bind", bind,
			 "-cache",         roas,    "-checktime=false",
			 "-refresh",       "1",     "-metrics.addr",
			 "127.0.0.1:9847", NULL };

	return lab_proc_start(ns, argv, log, pidf, err, errlen);
}
