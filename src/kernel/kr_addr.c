/* Service addresses on an interface (lo): add, remove, and remove what a crashed instance
 * left. Synchronous: the caller orders "address up" before "announce" and "withdraw" before
 * "address down", so each call returns only once the kernel has done it. */
#include <errno.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kr_int.h"
#include "lib/log.h"

/* "<ifname>:anycast", or "" when it would not fit in a label (IFNAMSIZ with its NUL). */
static void our_label(const char *ifname, char *out)
{
	if (strlen(ifname) + strlen(KR_ADDR_LABEL) < IFNAMSIZ)
		snprintf(out, IFNAMSIZ, "%s%s", ifname, KR_ADDR_LABEL);
	else
		out[0] = 0;
}

static int check_args(const char *what, const char *ifname, const struct addr *a, uint8_t plen,
		      int *ifindex)
{
	char s[ADDR_STRLEN];

	if ((a->af != AF_INET && a->af != AF_INET6) || plen > addr_len(a->af) * 8) {
		log_err("kr: %s %s/%u: bad address", what, addr_fmt(a, s), plen);
		return -1;
	}
	*ifindex = (int)if_nametoindex(ifname);
	if (*ifindex == 0) {
		log_err("kr: %s %s/%u: interface %s: %s", what, addr_fmt(a, s), plen, ifname,
			strerror(errno));
		return -1;
	}
	return 0;
}

/* RTM_NEWADDR or RTM_DELADDR for a/plen on ifindex, up to the attributes both share. */
static struct nlmsghdr *addr_msg(uint8_t *buf, uint16_t type, uint16_t flags, int ifindex,
				 const struct addr *a, uint8_t plen)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = a->af;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (uint32_t)ifindex;
	/* IFA_ADDRESS equal to IFA_LOCAL: a plain address, not a point-to-point peer. */
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a->af), a->a);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a->af), a->a);
	return nlh;
}

int kr_addr_add(struct kr *k, const char *ifname, const struct addr *a, uint8_t plen)
{
	uint8_t buf[KR_REQ_SIZE] = { 0 };
	char label[IFNAMSIZ], why[256], reason[320], s[ADDR_STRLEN];
	int ifindex;

	if (check_args("add address", ifname, a, plen, &ifindex) < 0)
		return -1;
	/* EXCL: an address already there (ours from before, or the operator's) stays as it is,
	 * and in particular does not become ours for kr_addr_flush_stale(). */
	struct nlmsghdr *nlh = addr_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, ifindex, a,
					plen);
	uint32_t flags = 0;

	if (a->af == AF_INET) {
		our_label(ifname, label);
		if (label[0])
			mnl_attr_put_strz(nlh, IFA_LABEL, label);
	} else {
		/* No duplicate address detection: the address is on every site by design, and
		 * it must be usable the moment it is added. */
		flags |= IFA_F_NODAD;
		/* A /128 needs no prefix route in table main; leave main to routing. */
		if (plen == 128)
			flags |= IFA_F_NOPREFIXROUTE;
	}
	struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);

	ifa->ifa_flags = (uint8_t)flags;
	mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
	/* What marks the address ours for kr_addr_flush_stale(), IPv6 included. Kernels before
	 * 6.1 ignore it; there IPv4 still has the label, IPv6 stale addresses stay. */
	mnl_attr_put_u8(nlh, IFA_PROTO, k->proto);
	int err = kr_nl_talk(k, nlh, NULL, NULL, why, sizeof(why));

	if (err == -EEXIST)
		err = 0;
	if (err < 0) {
		log_err("kr: add address %s/%u on %s: %s", addr_fmt(a, s), plen, ifname,
			kr_nl_reason(-err, why, reason, sizeof(reason)));
		return -1;
	}
	log_debug("kr: address %s/%u on %s", addr_fmt(a, s), plen, ifname);
	return 0;
}

static int del_index(struct kr *k, const char *ifname, int ifindex, const struct addr *a,
		     uint8_t plen)
{
	uint8_t buf[KR_REQ_SIZE] = { 0 };
	char why[256], reason[320], s[ADDR_STRLEN];
	struct nlmsghdr *nlh = addr_msg(buf, RTM_DELADDR, 0, ifindex, a, plen);
	int err = kr_nl_talk(k, nlh, NULL, NULL, why, sizeof(why));

	if (err == -EADDRNOTAVAIL)
		return 0;
	if (err < 0) {
		log_err("kr: remove address %s/%u from %s: %s", addr_fmt(a, s), plen, ifname,
			kr_nl_reason(-err, why, reason, sizeof(reason)));
		return -1;
	}
	log_debug("kr: address %s/%u off %s", addr_fmt(a, s), plen, ifname);
	return 1;
}

int kr_addr_del(struct kr *k, const char *ifname, const struct addr *a, uint8_t plen)
{
	int ifindex;

	if (check_args("remove address", ifname, a, plen, &ifindex) < 0)
		return -1;
	return del_index(k, ifname, ifindex, a, plen) < 0 ? -1 : 0;
}

/* ---- stale addresses ---- */

struct stale_addrs {
	int ifindex;
	uint8_t proto;
	char label[IFNAMSIZ];
	struct {
		struct addr a;
		uint8_t plen;
	} * v;
	size_t n, cap;
};

static int stale_addr(const struct nlmsghdr *nlh, void *arg)
{
	struct stale_addrs *s = arg;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	struct addr local = { 0 }, address = { 0 };
	int ours = 0;

	if (nlh->nlmsg_type != RTM_NEWADDR || mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifa) ||
	    (int)ifa->ifa_index != s->ifindex ||
	    (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6))
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa))
	{
		switch (mnl_attr_get_type(attr)) {
		case IFA_LOCAL: kr_attr_addr(attr, ifa->ifa_family, &local); break;
		case IFA_ADDRESS: kr_attr_addr(attr, ifa->ifa_family, &address); break;
		case IFA_LABEL:
			if (s->label[0] && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0 &&
			    strcmp(mnl_attr_get_str(attr), s->label) == 0)
				ours = 1;
			break;
		case IFA_PROTO:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) == 0 &&
			    mnl_attr_get_u8(attr) == s->proto)
				ours = 1;
			break;
		}
	}
	/* IPv6 reports the address in IFA_ADDRESS (IFA_LOCAL only with a peer). */
	const struct addr *a = addr_is_set(&local) ? &local : &address;

	if (!ours || !addr_is_set(a))
		return MNL_CB_OK;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n].a = *a;
	s->v[s->n].plen = ifa->ifa_prefixlen;
	s->n++;
	return MNL_CB_OK;
}

int kr_addr_flush_stale(struct kr *k, const char *ifname)
{
	return kr_addr_flush_stale_except(k, ifname, NULL, NULL);
}

/* Reads the addresses on ifname that are ours (IFA_PROTO or label) into s. 0 or -1 (logged). */
static int dump_ours(struct kr *k, const char *ifname, struct stale_addrs *s)
{
	uint8_t buf[KR_REQ_SIZE] = { 0 };
	char why[256], reason[320];

	s->ifindex = (int)if_nametoindex(ifname);
	s->proto = k->proto;
	if (s->ifindex == 0) {
		log_err("kr: interface %s: %s", ifname, strerror(errno));
		return -1;
	}
	our_label(ifname, s->label);
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_DUMP;
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = AF_UNSPEC;
	ifa->ifa_index = (uint32_t)s->ifindex; /* a filter, with strict checking */
	int err = kr_nl_talk(k, nlh, stale_addr, s, why, sizeof(why));

	if (err < 0 && err != -EINTR) {
		log_err("kr: reading the addresses of %s: %s", ifname,
			kr_nl_reason(-err, why, reason, sizeof(reason)));
		free(s->v);
		s->v = NULL;
		return -1;
	}
	return 0;
}

int kr_addr_count_stale(struct kr *k, const char *ifname)
{
	struct stale_addrs s = { 0 };

	if (dump_ours(k, ifname, &s) < 0)
		return -1;
	free(s.v);
	return (int)s.n;
}

int kr_addr_flush_stale_except(struct kr *k, const char *ifname, kr_keep_addr_fn *keep, void *arg)
{
	struct stale_addrs s = { 0 };

	if (dump_ours(k, ifname, &s) < 0)
		return -1;
	int removed = 0;

	for (size_t i = 0; i < s.n; i++)
		if (!(keep && keep(&s.v[i].a, arg)) &&
		    del_index(k, ifname, s.ifindex, &s.v[i].a, s.v[i].plen) > 0)
			removed++;
	free(s.v);
	if (removed)
		log_info("kr: removed %d stale addresses from %s", removed, ifname);
	return removed;
}
