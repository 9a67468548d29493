/* src/kernel: routes, addresses and link state against the real kernel, in a private network
 * namespace (unshare(CLONE_NEWNET) first, so the host's tables are never touched). Needs root;
 * skips otherwise. What the kernel holds is read back with this file's own netlink code, not
 * with kr's. KR_BULK=N sets the size of the timed bulk run (default 100,000 routes). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kernel/kr.h"
#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/ev.h"
#include "lib/log.h"
#include "t.h"
#include "t_nl.h"

static struct ev_loop *loop;
static struct kr *kr;

/* Routes of ours in table main, and how many of them have two next hops or more. */
static size_t count_ours(size_t *multi)
{
	struct t_routes rs = { 0 };
	size_t n = 0;

	*multi = 0;
	for (int f = 0; f < 2; f++) {
		t_routes(f ? AF_INET6 : AF_INET, &rs);
		for (size_t i = 0; i < rs.n; i++) {
			if (rs.v[i].proto == KR_RTPROT && rs.v[i].table == RT_TABLE_MAIN) {
				n++;
				*multi += rs.v[i].nnh >= 2;
			}
		}
	}
	free(rs.v);
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the namespace ---- */

/* Two links, each a veth whose far end has no address: gateways .0 and .2 are neighbours that
 * need not answer for a route to be accepted. */
static int setup(void)
{
	if (t_link("lo", 1, 0) || t_veth("kr0", "kr1") || t_veth("kr2", "kr3"))
		return -1;
	if (t_link("kr0", 1, 0) || t_link("kr1", 1, 0) || t_link("kr2", 1, 0) ||
	    t_link("kr3", 1, 0))
		return -1;
	if (t_addr("kr0", "198.19.255.1", 31) || t_addr("kr2", "198.19.255.3", 31) ||
	    t_addr("kr0", "2001:db8:ffff:fff1::1", 64) ||
	    t_addr("kr2", "2001:db8:ffff:fff2::1", 64))
		return -1;
	return 0;
}

/* ---- the cases ---- */

static void test_route_v4(void)
{
	struct t_routes rs = { 0 };
	struct prefix p = P("198.51.100.0/24");
	int kr0 = (int)if_nametoindex("kr0"), kr2 = (int)if_nametoindex("kr2");
	struct kr_nexthop one = { A("198.19.255.0"), 0 };
	struct kr_nexthop two[2] = { { A("198.19.255.0"), kr0 }, { A("198.19.255.2"), 0 } };
	const struct t_route *r;

	CHECK_INT(kr_route_replace(kr, &p, &one, 1), 0);
	kr_flush(kr);
	t_routes(AF_INET, &rs);
	r = t_find(&rs, "198.51.100.0/24", RT_TABLE_MAIN);
	CHECK(r != NULL);
	if (r) {
		CHECK_INT(r->proto, KR_RTPROT);
		CHECK_INT(r->metric, KR_METRIC);
		CHECK_INT(r->nnh, 1);
		CHECK(has_gw(r, "198.19.255.0", kr0));
	}
	/* single -> multipath -> single, always one route */
	CHECK_INT(kr_route_replace(kr, &p, two, 2), 0);
	kr_flush(kr);
	t_routes(AF_INET, &rs);
	r = t_find(&rs, "198.51.100.0/24", RT_TABLE_MAIN);
	CHECK(r != NULL);
	if (r) {
		CHECK_INT(r->nnh, 2);
		CHECK(has_gw(r, "198.19.255.0", kr0));
		CHECK(has_gw(r, "198.19.255.2", kr2));
	}
	one.gw = A("198.19.255.2");
	CHECK_INT(kr_route_replace(kr, &p, &one, 1), 0);
	kr_flush(kr);
	t_routes(AF_INET, &rs);
	r = t_find(&rs, "198.51.100.0/24", RT_TABLE_MAIN);
	CHECK(r && r->nnh == 1 && has_gw(r, "198.19.255.2", kr2));
	/* a device route, and the default route */
	struct kr_nexthop dev = { { 0 }, kr0 };
	struct prefix def = P("0.0.0.0/0");

	CHECK_INT(kr_route_replace(kr, &def, &dev, 1), 0);
	CHECK_INT(kr_route_delete(kr, &p), 0);
	kr_flush(kr);
	t_routes(AF_INET, &rs);
	CHECK(t_find(&rs, "198.51.100.0/24", RT_TABLE_MAIN) == NULL);
	r = t_find(&rs, "0.0.0.0/0", RT_TABLE_MAIN);
	CHECK(r && r->nnh == 1 && r->oif[0] == kr0 && !addr_is_set(&r->gw[0]));
	CHECK_INT(kr_route_delete(kr, &def), 0);
	kr_flush(kr);
	t_routes(AF_INET, &rs);
	CHECK(t_find(&rs, "0.0.0.0/0", RT_TABLE_MAIN) == NULL);
	free(rs.v);
}

static void test_route_v6(void)
{
	struct t_routes rs = { 0 };
	struct prefix p = P("2001:db8:100::/48");
	int kr0 = (int)if_nametoindex("kr0"), kr2 = (int)if_nametoindex("kr2");
	struct kr_nexthop one = { A("2001:db8:ffff:fff1::2"), 0 };
	struct kr_nexthop two[2] = { { A("2001:db8:ffff:fff1::2"), kr0 },
				     { A("2001:db8:ffff:fff2::2"), kr2 } };
	const struct t_route *r;

	CHECK_INT(kr_route_replace(kr, &p, &one, 1), 0);
	kr_flush(kr);
	t_routes(AF_INET6, &rs);
	r = t_find(&rs, "2001:db8:100::/48", RT_TABLE_MAIN);
	CHECK(r && r->proto == KR_RTPROT && r->metric == KR_METRIC && r->nnh == 1 &&
	      has_gw(r, "2001:db8:ffff:fff1::2", kr0));
	CHECK_INT(kr_route_replace(kr, &p, two, 2), 0);
	kr_flush(kr);
	t_routes(AF_INET6, &rs);
	r = t_find(&rs, "2001:db8:100::/48", RT_TABLE_MAIN);
	CHECK(r && r->nnh == 2 && has_gw(r, "2001:db8:ffff:fff1::2", kr0) &&
	      has_gw(r, "2001:db8:ffff:fff2::2", kr2));
	one.gw = A("2001:db8:ffff:fff2::2");
	CHECK_INT(kr_route_replace(kr, &p, &one, 1), 0);
	kr_flush(kr);
	t_routes(AF_INET6, &rs);
	r = t_find(&rs, "2001:db8:100::/48", RT_TABLE_MAIN);
	CHECK(r && r->nnh == 1 && has_gw(r, "2001:db8:ffff:fff2::2", kr2));
	/* multipath again, then one delete removes every sibling */
	CHECK_INT(kr_route_replace(kr, &p, two, 2), 0);
	CHECK_INT(kr_route_delete(kr, &p), 0);
	kr_flush(kr);
	t_routes(AF_INET6, &rs);
	CHECK(t_find(&rs, "2001:db8:100::/48", RT_TABLE_MAIN) == NULL);
	free(rs.v);
}

/* RFC 8950: an IPv4 route via an IPv6 next hop goes out as RTA_VIA. */
static void test_route_via_v6(void)
{
	struct prefix p = P("198.51.100.64/26");
	struct kr_nexthop nh = { A("2001:db8:ffff:fff1::2"), (int)if_nametoindex("kr0") };
	struct kr_stats before, after;
	size_t multi;

	kr_get_stats(kr, &before);
	CHECK_INT(kr_route_replace(kr, &p, &nh, 1), 0);
	kr_flush(kr);
	kr_get_stats(kr, &after);
	CHECK_INT(after.errors, before.errors);
	CHECK_INT(count_ours(&multi), 1);
	CHECK_INT(kr_route_delete(kr, &p), 0);
	kr_flush(kr);
	CHECK_INT(count_ours(&multi), 0);
}

/* Refusals come back asynchronously and are counted (and logged with the prefix). */
static void test_route_errors(void)
{
	struct prefix p = P("198.51.100.0/25"), q = P("198.51.100.128/25");
	struct kr_nexthop far = { A("203.0.113.9"), 0 }; /* no route to this gateway */
	struct kr_nexthop ok = { A("198.19.255.0"), 0 };
	struct kr_nexthop none = { { 0 }, 0 };
	struct kr_stats before, after;
	size_t multi;

	kr_get_stats(kr, &before);
	CHECK_INT(kr_route_replace(kr, &p, &far, 1), 0);
	CHECK_INT(kr_route_replace(kr, &q, &ok, 1), 0); /* one refusal spoils nothing else */
	CHECK_INT(kr_route_delete(kr, &p), 0);          /* not there: refused, quietly */
	kr_flush(kr);
	kr_get_stats(kr, &after);
	CHECK_INT(after.errors - before.errors, 2);
	CHECK_INT(after.sent - before.sent, 3);
	CHECK_INT(after.lost_reports, 0);
	CHECK_INT(count_ours(&multi), 1);
	CHECK_INT(kr_route_replace(kr, &p, &none, 1), -1);
	CHECK_INT(kr_route_replace(kr, &p, &ok, 0), -1);
	struct prefix bad = { .addr.af = AF_INET, .len = 33 };

	CHECK_INT(kr_route_delete(kr, &bad), -1);
	CHECK_INT(kr_route_delete(kr, &q), 0);
	kr_flush(kr);
	CHECK_INT(count_ours(&multi), 0);
}

/* Queued changes go out when the loop iteration ends, without kr_flush(). */
static void test_route_autoflush(void)
{
	struct prefix p = P("198.51.100.0/24");
	struct kr_nexthop nh = { A("198.19.255.0"), 0 };
	size_t multi;

	CHECK_INT(kr_route_replace(kr, &p, &nh, 1), 0);
	CHECK_INT(count_ours(&multi), 0);
	ev_run_once(loop, 0);
	CHECK_INT(count_ours(&multi), 1);
	CHECK_INT(kr_route_delete(kr, &p), 0);
	ev_run_once(loop, 0);
	CHECK_INT(count_ours(&multi), 0);
}

static int keep_p2(const struct prefix *pfx, void *arg) { return prefix_eq(pfx, arg); }

static void test_flush_stale(void)
{
	struct t_routes rs = { 0 };
	struct kr_nexthop nh4[2] = { { A("198.19.255.0"), 0 }, { A("198.19.255.2"), 0 } };
	struct kr_nexthop nh6[2] = { { A("2001:db8:ffff:fff1::2"), 0 },
				     { A("2001:db8:ffff:fff2::2"), 0 } };
	struct prefix p1 = P("198.51.100.0/24"), p2 = P("2001:db8:100::/48"),
		      p3 = P("2001:db8:200::/48");
	size_t multi;

	/* Someone else's routes: protocol boot in main; ours but in another table. */
	CHECK_INT(t_route("203.0.113.0/24", "198.19.255.0", RTPROT_BOOT, RT_TABLE_MAIN, 0), 0);
	CHECK_INT(t_route("203.0.113.0/24", "198.19.255.0", KR_RTPROT, 100, 0), 0);
	/* Ours, one with a metric an older configuration might have used. */
	CHECK_INT(t_route("198.51.100.0/25", "198.19.255.0", KR_RTPROT, RT_TABLE_MAIN, 50), 0);
	CHECK_INT(kr_route_replace(kr, &p1, nh4, 2), 0);
	CHECK_INT(kr_route_replace(kr, &p2, nh6, 1), 0);
	CHECK_INT(kr_route_replace(kr, &p3, nh6, 2), 0); /* not flushed yet: flush_stale must */
	/* Graceful restart: what the new instance learnt again stays. */
	CHECK_INT(kr_flush_stale_except(kr, keep_p2, &p2), 3);
	CHECK_INT(count_ours(&multi), 1);
	CHECK_INT(kr_flush_stale(kr), 1);
	CHECK_INT(count_ours(&multi), 0);
	t_routes(AF_INET, &rs);
	CHECK(t_find(&rs, "203.0.113.0/24", RT_TABLE_MAIN) != NULL);
	CHECK(t_find(&rs, "203.0.113.0/24", 100) != NULL);
	CHECK_INT(kr_flush_stale(kr), 0);
	free(rs.v);
}

static void test_addr(void)
{
	struct t_addrs as;
	const struct t_addr *x;
	struct addr a4 = A("192.0.2.1"), a6 = A("2001:db8:1::1");

	CHECK_INT(kr_addr_add(kr, "lo", &a4, 32), 0);
	CHECK_INT(kr_addr_add(kr, "lo", &a4, 32), 0); /* already there: fine */
	CHECK_INT(kr_addr_add(kr, "lo", &a6, 128), 0);
	CHECK_INT(kr_addr_add(kr, "lo", &a6, 128), 0);
	x = t_find_addr("lo", "192.0.2.1", &as);
	CHECK(x != NULL);
	if (x) {
		CHECK_INT(x->plen, 32);
		CHECK_STR(x->label, "lo:anycast");
		CHECK_INT(x->proto, KR_RTPROT);
	}
	x = t_find_addr("lo", "2001:db8:1::1", &as);
	CHECK(x != NULL);
	if (x) {
		CHECK_INT(x->plen, 128);
		CHECK_INT(x->proto, KR_RTPROT);
		CHECK(x->flags & IFA_F_NOPREFIXROUTE);
		CHECK(x->flags & IFA_F_NODAD);
	}
	CHECK_INT(kr_addr_del(kr, "lo", &a4, 32), 0);
	CHECK_INT(kr_addr_del(kr, "lo", &a4, 32), 0); /* already gone: fine */
	CHECK_INT(kr_addr_del(kr, "lo", &a6, 128), 0);
	CHECK_INT(kr_addr_del(kr, "lo", &a6, 128), 0);
	CHECK(t_find_addr("lo", "192.0.2.1", &as) == NULL);
	CHECK(t_find_addr("lo", "2001:db8:1::1", &as) == NULL);
	CHECK_INT(kr_addr_add(kr, "nosuchif0", &a4, 32), -1);
	CHECK_INT(kr_addr_add(kr, "lo", &a4, 33), -1);
}

static int keep_addr(const struct addr *a, void *arg) { return addr_eq(a, arg); }

static void test_addr_flush_stale(void)
{
	struct t_addrs as;
	struct addr a4 = A("192.0.2.1"), b4 = A("192.0.2.2"), a6 = A("2001:db8:1::1");

	CHECK_INT(kr_addr_add(kr, "lo", &a4, 32), 0);
	CHECK_INT(kr_addr_add(kr, "lo", &b4, 32), 0);
	CHECK_INT(kr_addr_add(kr, "lo", &a6, 128), 0);
	CHECK_INT(t_addr("lo", "192.0.2.99", 32), 0); /* the operator's */
	CHECK_INT(t_addr("lo", "2001:db8:1::99", 128), 0);
	/* An operator's address that was there before us stays the operator's. */
	struct addr op = A("192.0.2.99");

	CHECK_INT(kr_addr_add(kr, "lo", &op, 32), 0);
	/* Graceful restart: an address still wanted stays. */
	CHECK_INT(kr_addr_flush_stale_except(kr, "lo", keep_addr, &b4), 2);
	CHECK(t_find_addr("lo", "192.0.2.2", &as) != NULL);
	CHECK(t_find_addr("lo", "192.0.2.1", &as) == NULL);
	CHECK_INT(kr_addr_flush_stale(kr, "lo"), 1);
	CHECK(t_find_addr("lo", "192.0.2.1", &as) == NULL);
	CHECK(t_find_addr("lo", "192.0.2.2", &as) == NULL);
	CHECK(t_find_addr("lo", "2001:db8:1::1", &as) == NULL);
	CHECK(t_find_addr("lo", "192.0.2.99", &as) != NULL);
	CHECK(t_find_addr("lo", "2001:db8:1::99", &as) != NULL);
	CHECK(t_find_addr("lo", "127.0.0.1", &as) != NULL);
	CHECK_INT(kr_addr_flush_stale(kr, "lo"), 0);
	CHECK_INT(kr_addr_flush_stale(kr, "nosuchif0"), -1);
}

static void test_ifindex_for(void)
{
	int kr0 = (int)if_nametoindex("kr0"), kr2 = (int)if_nametoindex("kr2");
	struct prefix p = P("198.51.100.0/24");
	struct kr_nexthop nh = { A("198.19.255.0"), 0 };
	struct addr a;

	a = A("198.19.255.0");
	CHECK_INT(kr_ifindex_for(kr, &a), kr0);
	a = A("198.19.255.2");
	CHECK_INT(kr_ifindex_for(kr, &a), kr2);
	a = A("2001:db8:ffff:fff2::2");
	CHECK_INT(kr_ifindex_for(kr, &a), kr2);
	a = A("203.0.113.7"); /* no route */
	CHECK_INT(kr_ifindex_for(kr, &a), 0);
	a = A("198.19.255.1"); /* our own */
	CHECK_INT(kr_ifindex_for(kr, &a), 0);
	CHECK_INT(kr_route_replace(kr, &p, &nh, 1), 0);
	kr_flush(kr);
	a = A("198.51.100.7"); /* via a gateway */
	CHECK_INT(kr_ifindex_for(kr, &a), 0);
	CHECK_INT(kr_route_delete(kr, &p), 0);
	kr_flush(kr);
}

struct link_ev {
	int n, ifindex[8], up[8];
};

static void on_link(int ifindex, int up, void *arg)
{
	struct link_ev *e = arg;

	if (e->n < 8) {
		e->ifindex[e->n] = ifindex;
		e->up[e->n] = up;
	}
	e->n++;
}

/* Runs the loop until ifindex is reported as up (or down), or 30 s. */
static int wait_link(struct link_ev *e, int ifindex, int up)
{
	/* linkwatch batches carrier changes up to 1 s; a loaded machine (or valgrind) adds more.
	 * The wait ends as soon as the event is seen, so the headroom costs nothing. */
	double end = now_s() + 30;

	while (now_s() < end) {
		for (int i = 0; i < e->n && i < 8; i++)
			if (e->ifindex[i] == ifindex && e->up[i] == up)
				return 1;
		ev_run_once(loop, 50);
	}
	return 0;
}

/* Is the link up and running (carrier), as the kernel says now? */
static int running(const char *ifname)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), up;

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	up = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0 && (ifr.ifr_flags & IFF_UP) &&
	     (ifr.ifr_flags & IFF_RUNNING);
	if (fd >= 0)
		close(fd);
	return up;
}

static void test_links(void)
{
	struct link_ev e = { 0 };
	int kr0 = (int)if_nametoindex("kr0");

	/* A veth gets its carrier asynchronously (linkwatch, up to 1 s after both ends are up):
	 * start watching only once kr0 runs, or taking kr1 down changes nothing to report. */
	T_WAIT(running("kr0"), usleep(10000));
	CHECK(running("kr0"));
	CHECK_INT(kr_watch_links(kr, on_link, &e), 0);
	ev_run_once(loop, 0);
	CHECK_INT(e.n, 0);                 /* the initial state is not news */
	CHECK_INT(t_link("kr1", 0, 0), 0); /* the far end goes down: kr0 loses carrier */
	CHECK(wait_link(&e, kr0, 0));
	e.n = 0;
	CHECK_INT(t_link("kr1", 1, 0), 0);
	CHECK(wait_link(&e, kr0, 1));
	/* A new link comes up, goes administratively down and up, then is deleted. (Not kr0:
	 * IPv6 drops a link's addresses when it goes administratively down.) */
	e.n = 0;
	CHECK_INT(t_veth("kr4", "kr5"), 0);
	CHECK_INT(t_link("kr4", 1, 0), 0);
	CHECK_INT(t_link("kr5", 1, 0), 0);
	int kr4 = (int)if_nametoindex("kr4");

	CHECK(wait_link(&e, kr4, 1));
	e.n = 0;
	CHECK_INT(t_link("kr4", 0, 0), 0);
	CHECK(wait_link(&e, kr4, 0));
	e.n = 0;
	CHECK_INT(t_link("kr4", 1, 0), 0);
	CHECK(wait_link(&e, kr4, 1));
	e.n = 0;
	CHECK_INT(t_link("kr4", 0, 1), 0);
	CHECK(wait_link(&e, kr4, 0));
}

/* The timed part: many routes in, multipath for some, all out, leftovers by flush_stale. */
static struct prefix bulk_prefix(size_t i, size_t n4)
{
	struct prefix p = { 0 };

	if (i < n4) {
		/* 255 /24s in 198.19.0.0/16, then /32s from 198.18.0.0 */
		p.addr.af = AF_INET;
		uint32_t v = i < 255 ? 0xc6130000u | (uint32_t)i << 8
				     : 0xc6120000u + (uint32_t)(i - 255);

		put32(p.addr.a, v);
		p.len = i < 255 ? 24 : 32;
		return p;
	}
	/* /48s in 2001:db8::/32, then /64s from 2001:db8:8000::/64 on */
	size_t j = i - n4;

	p.addr.af = AF_INET6;
	put32(p.addr.a, 0x20010db8);
	if (j < 65535) {
		put16(p.addr.a + 4, (uint16_t)j);
		p.len = 48;
	} else {
		put32(p.addr.a + 4, 0x80000000u + (uint32_t)(j - 65535));
		p.len = 64;
	}
	return p;
}

static void bulk_install(size_t from, size_t to, size_t n4, int paths)
{
	struct kr_nexthop v4[2] = { { A("198.19.255.0"), 0 }, { A("198.19.255.2"), 0 } };
	struct kr_nexthop v6[2] = { { A("2001:db8:ffff:fff1::2"), 0 },
				    { A("2001:db8:ffff:fff2::2"), 0 } };

	for (size_t i = from; i < to; i++) {
		struct prefix p = bulk_prefix(i, n4);
		const struct kr_nexthop *nh = p.addr.af == AF_INET ? v4 : v6;

		if (paths == 1)
			nh += i % 2; /* half via each link */
		kr_route_replace(kr, &p, nh, (size_t)paths);
	}
}

static void test_bulk(void)
{
	const char *env = getenv("KR_BULK");
	size_t n = env ? strtoul(env, NULL, 10) : 100000, multi;
	size_t n4 = n * 6 / 10;
	struct kr_stats before, after;

	if (n4 > 130000)
		n4 = 130000;
	if (n - n4 > 2000000)
		n = n4 + 2000000;
	kr_get_stats(kr, &before);
	double t0 = now_s();

	bulk_install(0, n4, n4, 1);
	kr_flush(kr);
	double tv4 = now_s();

	bulk_install(n4, n, n4, 1);
	kr_flush(kr);
	double t1 = now_s();

	CHECK_INT(count_ours(&multi), n);
	CHECK_INT(multi, 0);
	size_t m = n < 2000 ? n / 2 : 1000;

	bulk_install(0, m, n4, 2);
	bulk_install(n4, n4 + m, n4, 2);
	kr_flush(kr);
	CHECK_INT(count_ours(&multi), n);
	CHECK_INT(multi, 2 * m);
	double t2 = now_s();

	for (size_t i = 0; i < n; i++) {
		struct prefix p = bulk_prefix(i, n4);

		kr_route_delete(kr, &p);
	}
	kr_flush(kr);
	double t3 = now_s();

	CHECK_INT(count_ours(&multi), 0);
	kr_get_stats(kr, &after);
	CHECK_INT(after.errors, before.errors);
	CHECK_INT(after.lost_reports, 0);
	printf("kr bulk: %zu routes installed in %.3f s: %.0f routes/s (%zu IPv4: %.0f/s, "
	       "%zu IPv6: %.0f/s); deleted in %.3f s: %.0f routes/s; %" PRIu64 " sendmsg calls\n",
	       n, t1 - t0, (double)n / (t1 - t0), n4, (double)n4 / (tv4 - t0), n - n4,
	       (double)(n - n4) / (t1 - tv4), t3 - t2, (double)n / (t3 - t2),
	       after.batches - before.batches);
	bulk_install(0, m, n4, 1);
	bulk_install(n4, n4 + m, n4, 2);
	CHECK_INT(kr_flush_stale(kr), 2 * m);
	CHECK_INT(count_ours(&multi), 0);
}

int main(void)
{
	char err[256];

	log_init("test_kr", 1, getenv("T_DEBUG") ? LOG_LVL_DEBUG : LOG_LVL_ERR);
	if (geteuid() != 0)
		return t_skip_all("test_kr: needs root (a private network namespace)");
	if (unshare(CLONE_NEWNET) < 0) {
		snprintf(err, sizeof(err), "test_kr: unshare(CLONE_NEWNET): %s", strerror(errno));
		return t_skip_all(err);
	}
	tnl = mnl_socket_open(NETLINK_ROUTE);
	if (!tnl || mnl_socket_bind(tnl, 0, MNL_SOCKET_AUTOPID) < 0 || setup() < 0) {
		fprintf(stderr, "test_kr: cannot set up the namespace: %s\n", strerror(errno));
		return 1;
	}
	loop = ev_loop_new();
	kr = kr_open(loop, err, sizeof(err));
	if (!kr) {
		fprintf(stderr, "test_kr: kr_open: %s\n", err);
		return 1;
	}
	RUN(test_route_v4);
	RUN(test_route_v6);
	RUN(test_route_via_v6);
	RUN(test_route_errors);
	RUN(test_route_autoflush);
	RUN(test_flush_stale);
	RUN(test_addr);
	RUN(test_addr_flush_stale);
	RUN(test_ifindex_for);
	RUN(test_links);
	RUN(test_bulk);
	kr_close(kr);
	ev_loop_free(loop);
	mnl_socket_close(tnl);
	return t_done();
}
