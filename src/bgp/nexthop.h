/* Address families of a session and our next hops on it (RFC 4760, RFC 2545, RFC 8950).
 *
 * One session may carry IPv4 and IPv6 routes. A route needs a next hop of a family the
 * neighbour can use: our end of the connection when it is of the route's family; otherwise an
 * address of the other family on the interface the session runs over (a global IPv6 and the
 * link-local for IPv6 routes; for IPv4 routes on an IPv6 session, our IPv6 address when the
 * neighbour took the extended next hop capability, else an IPv4 address of that interface).
 * They are learnt once, when the session comes up, from the interface's addresses. */
#ifndef BGP_NEXTHOP_H
#define BGP_NEXTHOP_H

#include <sys/socket.h>

#include "lib/addr.h"

struct bgp_peer;

/* CONF_FAM_* to offer in the MP capability: the configured ones, or the address's family. */
unsigned bgp_peer_families(const struct bgp_peer *p);
/* Learns p->nh4, nh6, nh6_ll from local (our end of the connection). */
void bgp_nexthop_learn(struct bgp_peer *p, const struct addr *local);
/* The next hop (and IPv6 link-local, af 0 if none) to send routes of family af with; -1 when
 * the family is not negotiated or there is no usable next hop. */
int bgp_nexthop_for(const struct bgp_peer *p, int af, struct addr *nh, struct addr *ll);
/* Sets the scope of an IPv6 sockaddr to interface ifname ("": left as is). Returns -1 with
 * errno when there is no such interface. */
int bgp_sa_scope(struct sockaddr_storage *ss, const char *ifname);
/* fe80::/10 */
int bgp_addr_is_link_local(const struct addr *a);

#endif
