/* Whether a service can be served where it would be announced: its address is on lo, and some
 * established neighbour carries each family of its prefixes. A prefix whose traffic would have
 * nowhere to go (the address could not be added) is never originated: that is a blackhole;
 * a family no neighbour takes is only reported, since nothing can send it anyway. */
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>

#include "bgp/nexthop.h"
#include "daemon/daemon.h"
#include "kernel/kr.h"
#include "lib/log.h"

static int addr_is_local(const struct addr *a)
{
	struct ifaddrs *ifs;
	int found = 0;

	if (getifaddrs(&ifs) < 0)
		return 0;
	for (struct ifaddrs *i = ifs; i && !found; i = i->ifa_next) {
		struct addr x;

		found = i->ifa_addr && addr_from_sa(i->ifa_addr, &x, NULL) == 0 && addr_eq(&x, a);
	}
	freeifaddrs(ifs);
	return found;
}

int daemon_addr_up(struct daemon *d, const struct addr *a)
{
	char as[ADDR_STRLEN];

	if (d->kr) {
		if (kr_addr_add(d->kr, "lo", a, a->af == AF_INET ? 32 : 128) == 0) {
			log_info("address %s added to lo", addr_fmt(a, as));
			return 0;
		}
		log_err("cannot add %s to lo: its service is not announced", addr_fmt(a, as));
		return -1;
	}
	/* Without netlink someone else must have put it there. */
	if (addr_is_local(a))
		return 0;
	log_err("service address %s is on no interface and netlink is unavailable: its service "
		"is not announced",
		addr_fmt(a, as));
	return -1;
}

int daemon_addr_failed(const struct daemon *d, const struct addr *a)
{
	for (size_t i = 0; i < d->naddr_failed; i++)
		if (addr_eq(&d->addr_failed[i], a))
			return 1;
	return 0;
}

/* Some established neighbour would take routes of family af. */
static int family_carried(const struct daemon *d, int af)
{
	struct addr nh, ll;

	for (size_t i = 0; i < d->sp->npeers; i++) {
		const struct bgp_peer *p = d->sp->peers[i];

		if (p->state == BGP_ESTABLISHED && bgp_nexthop_for(p, af, &nh, &ll) == 0)
			return 1;
	}
	return 0;
}

int daemon_svc_unserved(const struct daemon *d, const struct svc *s, char *why, size_t len)
{
	char as[ADDR_STRLEN];
	int fams = 0, carried = 0;

	why[0] = '\0';
	if (!s->announced)
		return 0;
	if (addr_is_set(&s->conf.address) && daemon_addr_failed(d, &s->conf.address)) {
		snprintf(why, len, "service address %s could not be put on lo",
			 addr_fmt(&s->conf.address, as));
		return 1;
	}
	for (int k = 0; k < 2; k++) {
		int af = k ? AF_INET6 : AF_INET, has = 0;

		for (size_t j = 0; j < s->conf.nprefixes; j++)
			has |= s->conf.prefixes[j].addr.af == af;
		if (!has)
			continue;
		fams++;
		if (family_carried(d, af)) {
			carried++;
			continue;
		}
		snprintf(why + strlen(why), len - strlen(why),
			 "%sno established neighbor carries %s", why[0] ? "; " : "",
			 k ? "IPv6" : "IPv4");
	}
	/* Down only when nothing of it reaches anyone; else up with the reason shown. */
	return fams > 0 && carried == 0;
}
