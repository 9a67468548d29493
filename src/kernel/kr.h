/* The kernel interface: routes in the Linux FIB, service addresses on lo, link state, all
 * over rtnetlink (libmnl).
 *
 * Routes are written asynchronously and in batches: kr_route_replace() and kr_route_delete()
 * only append a message to a buffer; kr_flush() (or a full buffer, or the event loop's next
 * iteration) sends the whole buffer in one sendmsg(). The kernel handles a netlink send
 * synchronously, so when sendmsg() returns every message has been applied or refused and the
 * refusals are already queued on the socket: kr_flush() reads them at once and logs each with
 * its prefix. No ACK is asked for per route; only failures come back.
 *
 * Addresses, dumps and lookups are synchronous (one request, wait for the ACK).
 *
 * Everything we put in the kernel carries our protocol number KR_RTPROT (rtm_protocol for
 * routes, IFA_PROTO for addresses), so a new instance recognises and removes what a crashed one
 * left: kr_flush_stale(), kr_addr_flush_stale().
 *
 * Needs CAP_NET_ADMIN for every change; works in whatever network namespace the process is in. */
#ifndef KERNEL_KR_H
#define KERNEL_KR_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

struct ev_loop;

/* Our route protocol number (rtm_protocol), also our address protocol (IFA_PROTO), unless
 * kr_set_protocol() (`kernel-protocol`) says otherwise. Taken by nobody we know of: the kernel
 * names 0-4, 8-18, 42 (babel), 84 (ovn), 99 (openr) and 186-192; iproute2's rt_protos and
 * FRR's rt_protos.d/frr.conf take 186-197 (196 is FRR's static routes), and FRR keeps adding
 * daemons above that (198 srte); BIRD is 12, zebra 11. 150 is far from all of them, so
 * `ip route show proto 150` is ours alone, and the flush at start never touches another
 * daemon's routes. */
#define KR_RTPROT 150
/* The metric (RTA_PRIORITY) of our routes. Not 0 (IPv4's default) nor 1024 (IPv6's), so a
 * replace never overwrites a static route an operator added with the default metric, and an
 * operator's route with a lower metric still wins. */
#define KR_METRIC 32
/* IPv4 addresses get the label "<ifname>:anycast" (visible in `ip -4 addr`), when it fits. */
#define KR_ADDR_LABEL ":anycast"
/* Most next hops in one route (a multipath route). */
#define KR_MAX_NEXTHOPS 64

struct kr;

/* loop may be NULL (tools, tests): then nothing is read in the background and queued route
 * changes go out only on kr_flush() or a full buffer; kr_watch_links() needs a loop.
 * On failure returns NULL and writes the reason into err. */
struct kr *kr_open(struct ev_loop *loop, char *err, size_t errlen);
/* Flushes what is queued, then closes. Removes nothing from the kernel. */
void kr_close(struct kr *k);

/* gw unset (af 0): a device route out of ifindex. ifindex 0: the kernel finds the interface
 * that reaches gw. A gateway of the other family (IPv4 route via an IPv6 next hop, RFC 8950) is
 * sent as RTA_VIA. IPv6 link-local gateways need their ifindex. */
struct kr_nexthop {
	struct addr gw;
	int ifindex;
};

/* Queue: install pfx via nh[0..n) (1 <= n <= KR_MAX_NEXTHOPS), replacing our previous route for pfx (NLM_F_CREATE |
 * NLM_F_REPLACE; table main, protocol KR_RTPROT, metric KR_METRIC). n > 1 makes one multipath
 * (ECMP) route, IPv4 or IPv6; multipath next hops should have gateways (IPv6 only treats routes
 * via gateways as ECMP siblings). Returns 0 when queued, -1 for bad arguments (logged). */
int kr_route_replace(struct kr *k, const struct prefix *pfx, const struct kr_nexthop *nh, size_t n);
/* Queue: remove our route for pfx (only ours: protocol and metric are part of the match). */
int kr_route_delete(struct kr *k, const struct prefix *pfx);
/* Send everything queued now and log what the kernel refused. Safe to call with nothing
 * queued. */
void kr_flush(struct kr *k);
/* Synchronously remove every route of our protocol (KR_RTPROT or kr_set_protocol()) in table main, IPv4 and IPv6, whatever
 * its metric (the routes a crashed instance left). Flushes the queue first. Returns how many
 * routes were removed, -1 if the table could not be read. */
int kr_flush_stale(struct kr *k);
/* The same, keeping the routes whose prefix keep(pfx, arg) approves: after a graceful restart,
 * what the new instance learnt again (and so already replaced) stays. */
typedef int kr_keep_route_fn(const struct prefix *pfx, void *arg);
int kr_flush_stale_except(struct kr *k, kr_keep_route_fn *keep, void *arg);

/* How many routes of our protocol table main holds now (what an earlier instance left, when
 * called at start), -1 if the table could not be read. Synchronous. */
int kr_count_stale(struct kr *k);

/* Use proto instead of KR_RTPROT for everything from now on (routes, addresses, and what the
 * stale flushes remove). */
void kr_set_protocol(struct kr *k, uint8_t proto);

/* Counters since kr_open(), for logs, metrics and tests. */
struct kr_stats {
	uint64_t sent;         /* route messages the kernel took in (applied or refused) */
	uint64_t errors;       /* of those, refused (each logged, see kr_flush) */
	uint64_t batches;      /* sendmsg() calls */
	uint64_t lost_reports; /* times the socket overflowed and refusals were lost (ENOBUFS) */
};
void kr_get_stats(const struct kr *k, struct kr_stats *st);

/* Addresses, synchronous. Put a/plen on the interface named ifname (usually "lo"), tagged
 * IFA_PROTO = KR_RTPROT (kernel >= 6.1; older kernels ignore it) and, for IPv4, labelled
 * "<ifname>:anycast". IPv6 addresses get IFA_F_NODAD (an anycast address is meant to be
 * duplicated across sites) and full-length ones IFA_F_NOPREFIXROUTE. An address already there
 * is left as it is and is not an error. Returns 0 or -1 (logged). */
int kr_addr_add(struct kr *k, const char *ifname, const struct addr *a, uint8_t plen);
/* Remove a/plen from ifname; an address that is not there is not an error. Removes the
 * address whoever added it. Returns 0 or -1 (logged). */
int kr_addr_del(struct kr *k, const char *ifname, const struct addr *a, uint8_t plen);
/* Remove the addresses an earlier instance left on ifname: those with IFA_PROTO KR_RTPROT or,
 * for IPv4, our label. Returns how many were removed, -1 on error. */
int kr_addr_flush_stale(struct kr *k, const char *ifname);
/* How many of those ifname holds now (at start: what an earlier instance left), -1 on error. */
int kr_addr_count_stale(struct kr *k, const char *ifname);
/* The same, keeping the addresses keep(a, arg) approves (graceful restart: those still wanted). */
typedef int kr_keep_addr_fn(const struct addr *a, void *arg);
int kr_addr_flush_stale_except(struct kr *k, const char *ifname, kr_keep_addr_fn *keep, void *arg);

/* Link state. cb(ifindex, up, arg) is called from the event loop when an interface changes
 * between up and down; up means administratively up and operationally running (IFF_UP and
 * IFF_RUNNING: carrier present). A deleted interface reports down. Only changes are reported:
 * the state at kr_watch_links() is read silently. If the kernel drops notifications (the socket
 * overflowed) the state is read again and the differences reported. cb must not call
 * kr_close(). Returns 0 or -1 (logged); needs a loop; a second call replaces cb. */
typedef void kr_link_cb(int ifindex, int up, void *arg);
int kr_watch_links(struct kr *k, kr_link_cb *cb, void *arg);

/* The interface through which a is directly reachable (the interface of the connected route
 * that covers a), 0 if a is reached via a gateway, is local, or is unreachable. Synchronous.
 * Not for IPv6 link-local addresses: without an interface the kernel picks any. */
int kr_ifindex_for(struct kr *k, const struct addr *a);

#endif
