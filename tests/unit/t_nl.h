/* The unit tests' own rtnetlink, for test_kr.c: set up links, addresses and foreign routes,
 * and read back what the kernel holds, independently of src/kernel. Include after t.h. */
#ifndef TESTS_T_NL_H
#define TESTS_T_NL_H

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <stdlib.h>

#include "lib/addr.h"

static struct mnl_socket *tnl; /* opened and bound by the test's main() */
static uint32_t tseq;

static int t_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *arg)
{
	static uint8_t rbuf[65536];

	nlh->nlmsg_seq = ++tseq;
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (mnl_socket_sendto(tnl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t r = mnl_socket_recvfrom(tnl, rbuf, sizeof(rbuf));

		if (r < 0)
			return -errno;
		int ret = mnl_cb_run(rbuf, (size_t)r, tseq, mnl_socket_get_portid(tnl), cb, arg);

		if (ret == MNL_CB_ERROR)
			return -errno;
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

static struct nlmsghdr *t_msg(uint8_t *buf, uint16_t type, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	return nlh;
}

static int t_veth(const char *a, const char *b)
{
	uint8_t buf[1024] = { 0 };
	struct nlmsghdr *nlh = t_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, a);
	struct nlattr *info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	struct nlattr *data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	struct nlattr *peer = mnl_attr_nest_start(nlh, VETH_INFO_PEER);

	mnl_nlmsg_put_extra_header(nlh, sizeof(struct ifinfomsg)); /* the peer's, zeroed */
	mnl_attr_put_strz(nlh, IFLA_IFNAME, b);
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return t_talk(nlh, NULL, NULL);
}

static int t_link(const char *name, int up, int del)
{
	uint8_t buf[256] = { 0 };
	struct nlmsghdr *nlh = t_msg(buf, del ? RTM_DELLINK : RTM_NEWLINK, 0);
	struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

	ifi->ifi_index = (int)if_nametoindex(name);
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return t_talk(nlh, NULL, NULL);
}

static struct addr A(const char *s) {
	struct addr a;

	if (addr_parse(s, &a) < 0)
		abort();
	return a;
}

static struct prefix
P(const char *s) {
	struct prefix p;

	if (prefix_parse(s, &p) < 0)
		abort();
	return p;
}

/* An address as an operator would add it: no label, no protocol. */
static int
t_addr(const char *ifname, const char *addr, uint8_t plen)
{
	uint8_t buf[256] = { 0 };
	struct addr a = A(addr);
	struct nlmsghdr *nlh = t_msg(buf, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));

	ifa->ifa_family = a.af;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_flags = a.af == AF_INET6 ? IFA_F_NODAD : 0;
	ifa->ifa_index = if_nametoindex(ifname);
	mnl_attr_put(nlh, IFA_LOCAL, addr_len(a.af), a.a);
	mnl_attr_put(nlh, IFA_ADDRESS, addr_len(a.af), a.a);
	return t_talk(nlh, NULL, NULL);
}

/* A route someone else owns: protocol proto, in table, with metric. */
static int t_route(const char *pfx, const char *gw, uint8_t proto, uint32_t table, uint32_t metric)
{
	uint8_t buf[256] = { 0 };
	struct prefix p = P(pfx);
	struct addr g = A(gw);
	struct nlmsghdr *nlh = t_msg(buf, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = p.addr.af;
	rtm->rtm_dst_len = p.len;
	rtm->rtm_table = RT_TABLE_UNSPEC;
	rtm->rtm_protocol = proto;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put_u32(nlh, RTA_TABLE, table);
	mnl_attr_put(nlh, RTA_DST, addr_len(p.addr.af), p.addr.a);
	mnl_attr_put(nlh, RTA_GATEWAY, addr_len(g.af), g.a);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return t_talk(nlh, NULL, NULL);
}

struct t_route {
	struct prefix pfx;
	uint8_t proto;
	uint32_t metric, table;
	int nnh;
	struct addr gw[4];
	int oif[4];
};

struct t_routes {
	struct t_route *v;
	size_t n, cap;
};

static void nh_add(struct t_route *r, const struct addr *gw, int oif)
{
	if (r->nnh < 4) {
		r->gw[r->nnh] = *gw;
		r->oif[r->nnh] = oif;
	}
	r->nnh++;
}

static void parse_multipath(struct t_route *r, const struct nlattr *mp)
{
	const struct rtnexthop *rtnh = mnl_attr_get_payload(mp);
	int len = (int)mnl_attr_get_payload_len(mp);

	while (len >= (int)sizeof(*rtnh) && rtnh->rtnh_len <= len) {
		const struct nlattr *attr = (const struct nlattr *)((const char *)rtnh +
								    RTNH_ALIGN(sizeof(*rtnh)));
		int alen = rtnh->rtnh_len - (int)RTNH_ALIGN(sizeof(*rtnh));
		struct addr gw = { 0 };

		for (; mnl_attr_ok(attr, alen);
		     alen -= (int)MNL_ALIGN(attr->nla_len), attr = mnl_attr_next(attr)) {
			if (mnl_attr_get_type(attr) == RTA_GATEWAY) {
				gw.af = r->pfx.addr.af;
				memcpy(gw.a, mnl_attr_get_payload(attr), addr_len(gw.af));
			}
		}
		nh_add(r, &gw, rtnh->rtnh_ifindex);
		len -= RTNH_ALIGN(rtnh->rtnh_len);
		rtnh = RTNH_NEXT(rtnh);
	}
}

static int route_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct t_routes *rs = arg;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	struct t_route r = { .pfx.addr.af = rtm->rtm_family,
			     .pfx.len = rtm->rtm_dst_len,
			     .proto = rtm->rtm_protocol,
			     .table = rtm->rtm_table };
	struct addr gw = { 0 };
	int oif = 0, single = 0;

	if (rtm->rtm_flags & RTM_F_CLONED || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm))
	{
		switch (mnl_attr_get_type(attr)) {
		case RTA_TABLE: r.table = mnl_attr_get_u32(attr); break;
		case RTA_DST:
			memcpy(r.pfx.addr.a, mnl_attr_get_payload(attr), addr_len(r.pfx.addr.af));
			break;
		case RTA_PRIORITY: r.metric = mnl_attr_get_u32(attr); break;
		case RTA_OIF:
			oif = (int)mnl_attr_get_u32(attr);
			single = 1;
			break;
		case RTA_GATEWAY:
			gw.af = r.pfx.addr.af;
			memcpy(gw.a, mnl_attr_get_payload(attr), addr_len(gw.af));
			single = 1;
			break;
		case RTA_MULTIPATH: parse_multipath(&r, attr); break;
		}
	}
	if (single && r.nnh == 0)
		nh_add(&r, &gw, oif);
	/* Older kernels dump each IPv6 ECMP sibling on its own: fold them into one. */
	struct t_route *last = rs->n ? &rs->v[rs->n - 1] : NULL;

	if (last && prefix_eq(&last->pfx, &r.pfx) && last->table == r.table &&
	    last->metric == r.metric) {
		for (int i = 0; i < r.nnh && i < 4; i++)
			nh_add(last, &r.gw[i], r.oif[i]);
		return MNL_CB_OK;
	}
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 64;
		rs->v = realloc(rs->v, rs->cap * sizeof(*rs->v));
	}
	rs->v[rs->n++] = r;
	return MNL_CB_OK;
}

static void t_routes(int af, struct t_routes *rs)
{
	uint8_t buf[256] = { 0 };
	struct nlmsghdr *nlh = t_msg(buf, RTM_GETROUTE, NLM_F_DUMP);
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)af;
	rs->n = 0;
	CHECK_INT(t_talk(nlh, route_cb, rs), 0);
}

static const struct t_route *t_find(const struct t_routes *rs, const char *pfx, uint32_t table)
{
	struct prefix p = P(pfx);

	for (size_t i = 0; i < rs->n; i++)
		if (prefix_eq(&rs->v[i].pfx, &p) && rs->v[i].table == table)
			return &rs->v[i];
	return NULL;
}

static int has_gw(const struct t_route *r, const char *gw, int oif)
{
	struct addr g = A(gw);

	for (int i = 0; i < r->nnh && i < 4; i++)
		if (addr_eq(&r->gw[i], &g) && r->oif[i] == oif)
			return 1;
	return 0;
}

struct t_addr {
	struct addr a;
	uint8_t plen, proto;
	uint32_t flags;
	char label[IFNAMSIZ];
};

struct t_addrs {
	int ifindex;
	struct t_addr v[32];
	size_t n;
};

static int addr_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct t_addrs *as = arg;
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	struct t_addr x = { .a.af = ifa->ifa_family,
			    .plen = ifa->ifa_prefixlen,
			    .flags = ifa->ifa_flags };

	if ((int)ifa->ifa_index != as->ifindex || as->n == 32)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa))
	{
		switch (mnl_attr_get_type(attr)) {
		case IFA_ADDRESS:
			memcpy(x.a.a, mnl_attr_get_payload(attr), addr_len(x.a.af));
			break;
		case IFA_LABEL:
			snprintf(x.label, sizeof(x.label), "%s", mnl_attr_get_str(attr));
			break;
		case IFA_PROTO: x.proto = mnl_attr_get_u8(attr); break;
		case IFA_FLAGS: x.flags = mnl_attr_get_u32(attr); break;
		}
	}
	as->v[as->n++] = x;
	return MNL_CB_OK;
}

static const struct t_addr *t_find_addr(const char *ifname, const char *addr, struct t_addrs *as)
{
	uint8_t buf[256] = { 0 };
	struct nlmsghdr *nlh = t_msg(buf, RTM_GETADDR, NLM_F_DUMP);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	struct addr a = A(addr);

	ifa->ifa_family = AF_UNSPEC;
	as->ifindex = (int)if_nametoindex(ifname);
	as->n = 0;
	CHECK_INT(t_talk(nlh, addr_cb, as), 0);
	for (size_t i = 0; i < as->n; i++)
		if (addr_eq(&as->v[i].a, &a))
			return &as->v[i];
	return NULL;
}

#endif
