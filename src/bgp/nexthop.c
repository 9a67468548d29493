/* Address families of a session and our next hops on it (see nexthop.h). */
#include "bgp/nexthop.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>

#include "bgp/peer.h"

int bgp_addr_is_link_local(const struct addr *a)
{
	return a->af == AF_INET6 && a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
}

int bgp_sa_scope(struct sockaddr_storage *ss, const char *ifname)
{
	unsigned idx;

	if (!ifname || !ifname[0] || ss->ss_family != AF_INET6)
		return 0;
	idx = if_nametoindex(ifname);
	if (!idx)
		return -1;
	((struct sockaddr_in6 *)ss)->sin6_scope_id = idx;
	return 0;
}

unsigned bgp_peer_families(const struct bgp_peer *p)
{
	if (p->conf.families)
		return p->conf.families;
	return p->conf.addr.af == AF_INET ? CONF_FAM_IPV4 : CONF_FAM_IPV6;
}

/* The interface holding local, then its first IPv4, global IPv6 and link-local IPv6. */
static void from_interface(const struct addr *local, struct addr *v4, struct addr *g6,
			   struct addr *ll)
{
	struct ifaddrs *ifs, *i;
	const char *name = NULL;

	if (getifaddrs(&ifs) < 0)
		return;
	for (i = ifs; i && !name; i = i->ifa_next) {
		struct addr a;

		if (i->ifa_addr && addr_from_sa(i->ifa_addr, &a, NULL) == 0 && addr_eq(&a, local))
			name = i->ifa_name;
	}
	for (i = ifs; i && name; i = i->ifa_next) {
		struct addr a;

		if (!i->ifa_addr || strcmp(i->ifa_name, name) != 0 ||
		    addr_from_sa(i->ifa_addr, &a, NULL) < 0)
			continue;
		if (a.af == AF_INET && !v4->af)
			*v4 = a;
		else if (a.af == AF_INET6 && bgp_addr_is_link_local(&a) && !ll->af)
			*ll = a;
		else if (a.af == AF_INET6 && !bgp_addr_is_link_local(&a) && !g6->af)
			*g6 = a;
	}
	freeifaddrs(ifs);
}

void bgp_nexthop_learn(struct bgp_peer *p, const struct addr *local)
{
	struct addr v4 = { 0 }, g6 = { 0 }, ll = { 0 };

	from_interface(local, &v4, &g6, &ll);
	if (local->af == AF_INET)
		v4 = *local;
	else if (bgp_addr_is_link_local(local))
		ll = *local;
	else
		g6 = *local;
	/* No global IPv6 on the link: the link-local alone is the next hop (RFC 2545 sec 3).
	 * With a global one, that one alone: FRR 8.4 withdraws routes whose next hop carries a
	 * link-local from a neighbour it does not know by interface, and the global one is
	 * reachable on the link anyway. */
	if (!g6.af && ll.af)
		g6 = ll;
	memset(&ll, 0, sizeof(ll));
	p->nh4 = v4;
	p->nh6 = g6;
	p->nh6_ll = ll;
}

int bgp_nexthop_for(const struct bgp_peer *p, int af, struct addr *nh, struct addr *ll)
{
	struct addr v4 = p->nh4, g6 = p->nh6;

	/* Not learnt (a session driven without a speaker): our end of the connection. */
	if (p->conn && !v4.af && !g6.af) {
		if (p->conn->local.af == AF_INET)
			v4 = p->conn->local;
		else
			g6 = p->conn->local;
	}
	memset(ll, 0, sizeof(*ll));
	if (af == AF_INET6) {
		if (!p->ctx.mp_ipv6 || !g6.af)
			return -1;
		*nh = g6;
		*ll = p->nh6_ll;
		return 0;
	}
	if (!p->ctx.mp_ipv4)
		return -1;
	/* On an IPv6 session an IPv6 next hop once RFC 8950 is agreed: the neighbour asked for
	 * it, and an IPv4 address of ours on the link may not be what it can reach. */
	if (p->conf.addr.af == AF_INET6 && p->ctx.ext_nh4 && g6.af) {
		*nh = g6;
		*ll = p->nh6_ll;
		return 0;
	}
	if (!v4.af)
		return -1;
	*nh = v4;
	return 0;
}
