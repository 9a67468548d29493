/* The lab's programs (gen.h): the files they read, an anycastd.conf per router and site, a zone
 * per site, the wire's list of links, all derived from the topology with nothing chosen here
 * but policy; and a site's anycast-dns command line:
 *
 * - Every BGP link is one session, both ends active and listening on their own address (the
 *   one that starts second connects at once; collisions are resolved by RFC 4271 6.8), with
 *   roles from `rel` so that the routers apply Gao-Rexford.
 * - Routers run in router mode (fib yes) and announce the /31 of each attached client link, so
 *   that replies find their way back to clients; nothing else of their own.
 * - Sites run fib yes + transit no: they learn and install the routes back to the clients
 *   (they are customers, so they are sent everything) without ever carrying transit. They
 *   announce the anycast prefix while their own anycast-dns answers, and their unicast /32
 *   always, so that each site stays reachable on its own address for RTT comparisons. */
#include "lab/gen.h"

#include <stdio.h>
#include <string.h>

#include "lab/cache.h"
#include "lab/proc.h"
#include "lib/buf.h"

/* The name the site's health check asks: a zone of our own, because a dns check wants a
 * NOERROR answer in class IN, which CH TXT id.server is not. */
#define LAB_ZONE "lab."
/* RFC 9234 role of this end: p2c makes the first endpoint the provider. A link between two
 * speakers without rel is taken as peering. */
static const char *role(const struct lab_link *lk, size_t node)
{
	if (lk->rel == LAB_REL_P2C)
		return lk->a == node ? "provider" : "customer";
	return "peer";
}

static void link_prefix(const struct lab_link *lk, char *out)
{
	struct prefix p = { .addr = lk->addr_a, .len = 31 };

	prefix_normalize(&p);
	prefix_fmt(&p, out);
}

static void link_prefix6(const struct lab_link *lk, char *out)
{
	struct prefix p = { .addr = lk->addr6_a, .len = 64 };

	prefix_normalize(&p);
	prefix_fmt(&p, out);
}

/* A site's anycast service of one family: each family has its own, so that one comes and
 * goes with its own check and neither waits for the other. */
static void put_anycast(struct buf *b, const struct lab_node *n, const char *drain,
			const char *name, const struct prefix *pfx, const struct addr *a)
{
	char p[PREFIX_STRLEN], s[ADDR_STRLEN];

	buf_printf(b,
		   "\n# announced while this site's anycast-dns answers\n"
		   "service %s {\n\tprefix %s\n\taddress %s\n",
		   name, prefix_fmt(pfx, p), addr_fmt(a, s));
	/* a drain closes the TCP connections before it moves the route (gen.h) */
	buf_printf(b, "\tdrain-file %s\n\tdrain-wait %ds\n\tdrain-time %ds\n", drain,
		   LAB_DRAIN_WAIT_S, LAB_DRAIN_TIME_S);
	/* the topology's levers on this site's catchment (topo_site.c) */
	if (n->prepend)
		buf_printf(b, "\tprepend %u\n", n->prepend);
	for (size_t i = 0; i < n->ncommunities; i++)
		buf_printf(b, "\tcommunity %u:%u\n", n->communities[i] >> 16,
			   n->communities[i] & 0xffff);
	/* A site with a capacity drops what exceeds it, its health check's queries too: under
	 * an attack the check would fail and withdraw the site, and the attack would move on to
	 * the next one, a cascade. It is checked by its listening socket instead (gone when
	 * `lab fail --service` stops anycast-dns), as an operator exempts health checks. */
	if (n->capacity_qps)
		buf_printf(b, "\tcheck listen 127.0.0.1:53/udp\n");
	else
		buf_printf(b, "\tcheck dns 127.0.0.1:53 name %s type SOA\n", LAB_ZONE);
}

/* A site's `shed` steps (topo_capacity.c): its anycast-dns's load, read from its metrics, steers
 * the announcement in steps before any withdrawal. */
static int put_shed(struct buf *b, const struct lab_topo *t, size_t node, char *err, size_t errlen)
{
	const struct lab_node *n = &t->nodes[node];

	if (!n->nshed)
		return 0;
	buf_printf(b, "\tcheck load http http://%s/metrics metric anycast_dns_load\n",
		   LAB_DNS_METRICS);
	for (size_t i = 0; i < n->nshed; i++) {
		const struct lab_shed *st = &n->shed[i];
		char s[ADDR_STRLEN];
		size_t k;

		buf_printf(b, "\tshed %g ", st->level);
		if (st->kind == LAB_SHED_PREPEND) {
			buf_printf(b, "prepend %u\n", st->prepend);
			continue;
		}
		if (st->kind == LAB_SHED_COMMUNITY) {
			buf_printf(b, "community %s\n", st->arg);
			continue;
		}
		for (k = 0; k < t->nlinks; k++) {
			const struct lab_link *lk = &t->links[k];
			size_t o = lk->a == node ? lk->b : lk->a;

			if ((lk->a == node || lk->b == node) &&
			    strcmp(t->nodes[o].name, st->arg) == 0)
				break;
		}
		if (k == t->nlinks) {
			snprintf(err, errlen,
				 "site %s: shed withdraw-from %s: no link to such a node", n->name,
				 st->arg);
			return -1;
		}
		buf_printf(
			b, "withdraw-from %s\n",
			addr_fmt(t->links[k].a == node ? &t->links[k].addr_b : &t->links[k].addr_a,
				 s));
	}
	return 0;
}

static void put_unicast(struct buf *b, const char *name, const struct addr *a)
{
	char s[ADDR_STRLEN];

	addr_fmt(a, s);
	buf_printf(b,
		   "\n# always: the site's own address\nservice %s {\n\tprefix %s/%d\n"
		   "\taddress %s\n}\n",
		   name, s, a->af == AF_INET6 ? 128 : 32, s);
}

static int write_buf(const char *path, struct buf *b, char *err, size_t errlen)
{
	buf_put8(b, 0);
	int r = lab_write_file(path, (const char *)b->data, err, errlen);

	buf_free(b);
	return r;
}

int lab_gen_anycastd(const struct lab *l, size_t node, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	const struct lab_node *n = &t->nodes[node];
	char path[PATH_MAX], s[ADDR_STRLEN], p[PREFIX_STRLEN], hj[PREFIX_STRLEN + 8];
	struct buf b;
	size_t nclients = 0;
	/* IPv6 rides on the IPv4 sessions (multiprotocol, next hop the link's IPv6 address) */
	int v6 = lab_topo_v6(t);

	buf_init(&b);
	buf_printf(&b, "# anycastd of %s %s (AS %u, %s) in lab %s; written by `anycast lab up`\n",
		   n->kind == LAB_SITE ? "site" : "router", n->name, n->asn,
		   n->city ? n->city->name : "-", t->name);
	buf_printf(&b, "router-id %s\n", addr_fmt(&n->router_id, s));
	buf_printf(&b, "local-as %u\n", n->asn);
	lab_path(l, n->name, "anycastd.sock", path, sizeof(path));
	buf_printf(&b, "control %s\n", path);
	buf_printf(&b, "fib yes\n");
	struct addr cache, mine;

	/* Every router validates (reject-invalid, the router-mode default) against the lab's RTR
	 * cache (cache.h), or the ROA file itself when ROV was turned on in a running lab. */
	if (lab_cache_addrs(t, node, &cache, &mine) == 0) {
		buf_printf(&b, "rpki %s:%d\n", addr_fmt(&cache, s), LAB_CACHE_PORT);
	} else if (t->rpki_file && n->kind == LAB_ROUTER) {
		lab_path(l, NULL, "roas.json", path, sizeof(path));
		buf_printf(&b, "roa-file %s\n", path);
	}
	if (n->kind == LAB_SITE)
		buf_printf(&b, "transit no\n");
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];

		if ((lk->a == node || lk->b == node) && lab_node_speaks_bgp(&t->nodes[lk->a]) &&
		    lab_node_speaks_bgp(&t->nodes[lk->b]))
			buf_printf(&b, "listen %s\n",
				   addr_fmt(lk->a == node ? &lk->addr_a : &lk->addr_b, s));
	}
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];
		size_t other = lk->a == node ? lk->b : lk->a;
		char local[ADDR_STRLEN];

		if (lk->a != node && lk->b != node)
			continue;
		if (t->nodes[other].kind == LAB_CLIENT) {
			nclients++;
			continue;
		}
		if (!lab_node_speaks_bgp(&t->nodes[other]))
			continue;
		addr_fmt(lk->a == node ? &lk->addr_a : &lk->addr_b, local);
		addr_fmt(lk->a == node ? &lk->addr_b : &lk->addr_a, s);
		/* BFD at 100 ms, slower on a link whose round trip is longer than that: a
		 * long-haul link of the lab is one hop, and its packets are in flight for a
		 * whole round trip before the other end sees them */
		char bfd[64] = "";
		uint32_t rtt_ms = 2 * lk->delay_us / 1000;

		if (!t->no_bfd)
			snprintf(bfd, sizeof(bfd), "\tbfd yes\n\tbfd-interval %ums\n",
				 rtt_ms > 100 ? rtt_ms : 100);
		/* `announce_to` leaves this neighbour out: an export allow-list of the site's
		 * own unicast address alone keeps the anycast prefix from it (a site carries no
		 * transit, so its services are all it exports) */
		char only[2 * (PREFIX_STRLEN + 32)] = "";

		if (n->kind == LAB_SITE && !lab_site_announces_to(n, other)) {
			char u[ADDR_STRLEN];
			size_t ol = (size_t)snprintf(only, sizeof(only), "\texport-prefix %s/32\n",
						     addr_fmt(&n->unicast, u));

			if (v6)
				snprintf(only + ol, sizeof(only) - ol, "\texport-prefix %s/128\n",
					 addr_fmt(&n->unicast6, u));
		}
		buf_printf(&b,
			   "\nneighbor %s {\n\tremote-as %u\n\tlocal-address %s\n"
			   "\tlocal-role %s\n\thold-time %d\n\tdescription \"%s\"\n%s%s%s}\n",
			   s, t->nodes[other].asn, local, role(lk, node), LAB_HOLD_TIME,
			   t->nodes[other].name, bfd, v6 ? "\tfamily ipv4 ipv6\n" : "", only);
	}
	if (nclients) {
		buf_printf(&b, "\n# the client links of this router, so that answers find them\n"
			       "service clients {\n");
		for (size_t k = 0; k < t->nlinks; k++) {
			const struct lab_link *lk = &t->links[k];
			size_t other = lk->a == node ? lk->b : lk->a;

			if ((lk->a == node || lk->b == node) &&
			    t->nodes[other].kind == LAB_CLIENT) {
				link_prefix(lk, p);
				buf_printf(&b, "\tprefix %s\n", p);
				if (v6) {
					link_prefix6(lk, p);
					buf_printf(&b, "\tprefix %s\n", p);
				}
			}
		}
		buf_printf(&b, "}\n");
	}
	if (n->kind == LAB_SITE) {
		lab_path(l, n->name, LAB_DRAIN_FILE, path, sizeof(path));
		put_anycast(&b, n, path, "anycast", &t->anycast_prefix, &t->anycast_addr);
		if (put_shed(&b, t, node, err, errlen) < 0) {
			buf_free(&b);
			return -1;
		}
		buf_printf(&b, "}\n");
		if (t->anycast_addr6.af) {
			put_anycast(&b, n, path, "anycast6", &t->anycast_prefix6,
				    &t->anycast_addr6);
			buf_printf(&b, "}\n");
		}
		put_unicast(&b, "unicast", &n->unicast);
		if (v6)
			put_unicast(&b, "unicast6", &n->unicast6);
	}
	lab_path(l, n->name, "hijack", path, sizeof(path));
	if (lab_read_file(path, hj, sizeof(hj)) >= 0 &&
	    (n->kind != LAB_SITE || strcmp(hj, prefix_fmt(&t->anycast_prefix, p)) != 0)) {
		/* `anycast lab hijack`: from this node's AS, whatever happens (a site has the
		 * address already, its service anycast's) */
		buf_printf(&b, "\n# anycast lab hijack\nservice hijack {\n\tprefix %s\n", hj);
		if (n->kind != LAB_SITE)
			buf_printf(&b, "\taddress %s\n", addr_fmt(&t->anycast_addr, s));
		buf_printf(&b, "}\n");
	}
	lab_path(l, n->name, "anycastd.conf", path, sizeof(path));
	return write_buf(path, &b, err, errlen);
}

int lab_gen_zone(const struct lab *l, size_t node, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	const struct lab_node *n = &t->nodes[node];
	char path[PATH_MAX], s[ADDR_STRLEN], u[ADDR_STRLEN];
	struct buf b;

	addr_fmt(&t->anycast_addr, s);
	addr_fmt(&n->unicast, u);
	buf_init(&b);
	buf_printf(&b,
		   "; zone of site %s in lab %s; its SOA is what the health check asks\n"
		   "$ORIGIN " LAB_ZONE "\n$TTL 60\n"
		   "@\tSOA\tns hostmaster 1 3600 600 86400 60\n"
		   "\tNS\tns\n"
		   "ns\t%s\t%s\n"
		   "%s\t%s\t%s\n"
		   "%s\tTXT\t\"site %s\"\n",
		   n->name, t->name, t->anycast_addr.af == AF_INET6 ? "AAAA" : "A", s, n->name,
		   n->unicast.af == AF_INET6 ? "AAAA" : "A", u, n->name, n->name);
	lab_path(l, n->name, "lab.zone", path, sizeof(path));
	return write_buf(path, &b, err, errlen);
}

int lab_gen_wire(const struct lab *l, char *err, size_t errlen)
{
	const struct lab_topo *t = &l->topo;
	char path[PATH_MAX];
	struct buf b;

	buf_init(&b);
	buf_printf(&b, "# IFNAME_A IFNAME_B DELAY_US [PPS QUEUE]: one line per link of lab %s\n",
		   t->name);
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];

		buf_printf(&b, "w%zua w%zub %u", k, k, lk->delay_us);
		if (lk->capacity_pps)
			buf_printf(&b, " %u %u", lk->capacity_pps, lk->queue);
		buf_put8(&b, '\n');
	}
	lab_path(l, NULL, "wire.links", path, sizeof(path));
	return write_buf(path, &b, err, errlen);
}

/* ---- fail, heal ---- */

pid_t lab_start_dns(const struct lab *l, size_t node, char *err, size_t errlen)
{
	const struct lab_node *n = &l->topo.nodes[node];
	char ns[128], zone[PATH_MAX], log[PATH_MAX], pidf[PATH_MAX];
	char hp[4][ADDR_STRLEN + 8], cap[16], drain[PATH_MAX];
	char *argv[30];
	int k = 0, nhp = 0;

	lab_ns_name(l->topo.name, n->name, ns, sizeof(ns));
	lab_path(l, n->name, "lab.zone", zone, sizeof(zone));
	lab_path(l, n->name, "anycast-dns.log", log, sizeof(log));
	lab_path(l, n->name, "anycast-dns.pid", pidf, sizeof(pidf));
	lab_hostport(&l->topo.anycast_addr, 53, hp[nhp++], sizeof(hp[0]));
	if (l->topo.anycast_addr6.af)
		lab_hostport(&l->topo.anycast_addr6, 53, hp[nhp++], sizeof(hp[0]));
	lab_hostport(&n->unicast, 53, hp[nhp++], sizeof(hp[0]));
	if (lab_topo_v6(&l->topo))
		lab_hostport(&n->unicast6, 53, hp[nhp++], sizeof(hp[0]));
	argv[k++] = (char *)l->dns;
	argv[k++] = "-d";
	argv[k++] = "--listen";
	argv[k++] = "127.0.0.1:53";
	for (int i = 0; i < nhp; i++) {
		argv[k++] = "--listen";
		argv[k++] = hp[i];
	}
	argv[k++] = "--zone";
	argv[k++] = zone;
	argv[k++] = "--identity";
	argv[k++] = n->name;
	argv[k++] = "--threads";
	argv[k++] = "1";
	/* the file anycastd's drain makes (gen.h): TCP connections are closed in order */
	lab_path(l, n->name, LAB_DRAIN_FILE, drain, sizeof(drain));
	argv[k++] = "--drain-file";
	argv[k++] = drain;
	/* the site's answered and dropped counts, read by `lab status` and the demo, and its
	 * load, read by its anycastd's `check load` */
	argv[k++] = "--metrics";
	argv[k++] = LAB_DNS_METRICS;
	if (n->capacity_qps) {
		snprintf(cap, sizeof(cap), "%u", n->capacity_qps);
		argv[k++] = "--capacity";
		argv[k++] = cap;
	}
	argv[k] = NULL;

	return lab_proc_start(ns, argv, log, pidf, err, errlen);
}

pid_t lab_start_anycastd(const struct lab *l, size_t node, char *err, size_t errlen)
{
	const struct lab_node *n = &l->topo.nodes[node];
	char ns[128], conf[PATH_MAX], log[PATH_MAX], pidf[PATH_MAX];

	if (lab_gen_anycastd(l, node, err, errlen) < 0)
		return -1;
	lab_ns_name(l->topo.name, n->name, ns, sizeof(ns));
	lab_path(l, n->name, "anycastd.conf", conf, sizeof(conf));
	lab_path(l, n->name, "anycastd.log", log, sizeof(log));
	lab_path(l, n->name, "anycastd.pid", pidf, sizeof(pidf));
	char *argv[] = { (char *)l->anycastd, "-d", "-c", conf, NULL };

	return lab_proc_start(ns, argv, log, pidf, err, errlen);
}

pid_t lab_start_wire(const struct lab *l, char *err, size_t errlen)
{
	char ns[128], links[PATH_MAX], stats[PATH_MAX], log[PATH_MAX], pidf[PATH_MAX];

	if (lab_gen_wire(l, err, errlen) < 0)
		return -1;
	lab_ns_name(l->topo.name, "wire", ns, sizeof(ns));
	lab_path(l, NULL, "wire.links", links, sizeof(links));
	lab_path(l, NULL, "wire.stats", stats, sizeof(stats));
	lab_path(l, NULL, "wire.log", log, sizeof(log));
	lab_path(l, NULL, "wire.pid", pidf, sizeof(pidf));
	char *argv[] = { (char *)l->self, "lab", "wire", "--links", links, "--stats", stats, NULL };

	return lab_proc_start(ns, argv, log, pidf, err, errlen);
}
