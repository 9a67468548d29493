/* Routes in the kernel FIB: replace and delete (batched), stale removal, lookup. */
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kr_int.h"
#include "lib/log.h"

static int valid_prefix(const struct prefix *p)
{
	return (p->addr.af == AF_INET && p->len <= 32) || (p->addr.af == AF_INET6 && p->len <= 128);
}

/* The header and the attributes every message about one of our routes carries: the table,
 * protocol and metric make the kernel match our route and no one else's. */
static struct rtmsg *put_route(const struct kr *k, struct nlmsghdr *nlh, const struct prefix *pfx,
			       uint32_t metric)
{
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = pfx->addr.af;
	rtm->rtm_dst_len = pfx->len;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = k->proto;
	if (pfx->len)
		mnl_attr_put(nlh, RTA_DST, addr_len(pfx->addr.af), pfx->addr.a);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return rtm;
}

static void put_gw(struct nlmsghdr *nlh, int af, const struct addr *gw)
{
	if (gw->af == af) {
		mnl_attr_put(nlh, RTA_GATEWAY, addr_len(af), gw->a);
		return;
	}
	/* The other family's next hop (RFC 8950) goes in RTA_VIA: struct rtvia, a host-order
	 * family then the address. */
	uint8_t via[sizeof(sa_family_t) + 16];
	sa_family_t fam = gw->af;

	memcpy(via, &fam, sizeof(fam));
	memcpy(via + sizeof(fam), gw->a, addr_len(gw->af));
	/* Its length is not a multiple of 4 and libmnl before 1.0.5 does not clear the padding:
	 * the batch buffer is reused, so clear it here. */
	memset(mnl_nlmsg_get_payload_tail(nlh), 0, MNL_ATTR_HDRLEN + MNL_ALIGN(sizeof(via)));
	mnl_attr_put(nlh, RTA_VIA, sizeof(fam) + addr_len(gw->af), via);
}

/* RTA_MULTIPATH is a run of struct rtnexthop, each followed by its own attributes and
 * carrying their length; libmnl knows nests of attributes only, so the rtnexthop headers are
 * laid down by hand at the message's tail. */
static void put_multipath(struct nlmsghdr *nlh, int af, const struct kr_nexthop *nh, size_t n)
{
	struct nlattr *mp = mnl_attr_nest_start(nlh, RTA_MULTIPATH);

	for (size_t i = 0; i < n; i++) {
		struct rtnexthop *rtnh = mnl_nlmsg_get_payload_tail(nlh);

		memset(rtnh, 0, sizeof(*rtnh));
		rtnh->rtnh_ifindex = nh[i].ifindex;
		rtnh->rtnh_hops = 0; /* weight 1: equal cost */
		nlh->nlmsg_len += MNL_ALIGN(sizeof(*rtnh));
		if (addr_is_set(&nh[i].gw))
			put_gw(nlh, af, &nh[i].gw);
		rtnh->rtnh_len = (unsigned short)((char *)mnl_nlmsg_get_payload_tail(nlh) -
						  (char *)rtnh);
	}
	mnl_attr_nest_end(nlh, mp);
}

int kr_route_replace(struct kr *k, const struct prefix *pfx, const struct kr_nexthop *nh, size_t n)
{
	char p[PREFIX_STRLEN];

	if (!valid_prefix(pfx) || n == 0 || n > KR_MAX_NEXTHOPS) {
		log_err("kr: replace %s: bad prefix or %zu next hops", prefix_fmt(pfx, p), n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (!addr_is_set(&nh[i].gw) && nh[i].ifindex <= 0) {
			log_err("kr: replace %s: next hop without gateway or interface",
				prefix_fmt(pfx, p));
			return -1;
		}
	}
	struct nlmsghdr *nlh = kr_batch_begin(k, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, pfx,
					      KR_OP_REPLACE);
	struct rtmsg *rtm = put_route(k, nlh, pfx, KR_METRIC);

	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	if (n > 1) {
		put_multipath(nlh, pfx->addr.af, nh, n);
	} else {
		if (addr_is_set(&nh->gw))
			put_gw(nlh, pfx->addr.af, &nh->gw);
		if (nh->ifindex > 0)
			mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)nh->ifindex);
	}
	kr_batch_end(k, nlh);
	return 0;
}

/* scope NOWHERE and type UNSPEC are wildcards to the kernel; no next hop matches any. */
static void queue_delete(struct kr *k, const struct prefix *pfx, uint32_t metric, uint8_t tos,
			 enum kr_op op)
{
	struct nlmsghdr *nlh = kr_batch_begin(k, RTM_DELROUTE, 0, pfx, op);
	struct rtmsg *rtm = put_route(k, nlh, pfx, metric);

	rtm->rtm_scope = RT_SCOPE_NOWHERE;
	rtm->rtm_tos = tos;
	kr_batch_end(k, nlh);
}

int kr_route_delete(struct kr *k, const struct prefix *pfx)
{
	char p[PREFIX_STRLEN];

	if (!valid_prefix(pfx)) {
		log_err("kr: delete %s: bad prefix", prefix_fmt(pfx, p));
		return -1;
	}
	queue_delete(k, pfx, KR_METRIC, 0, KR_OP_DELETE);
	return 0;
}

/* ---- stale routes ---- */

struct stale {
	struct prefix pfx;
	uint32_t metric;
	uint8_t tos;
};

struct stale_set {
	struct stale *v;
	size_t n, cap;
	uint8_t proto;
};

static int stale_route(const struct nlmsghdr *nlh, void *arg)
{
	struct stale_set *s = arg;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	/* The kernel filters by protocol and table when it can (strict checking); check anyway
	 * for kernels that cannot. Cloned entries are the IPv6 route cache, not routes. */
	if (rtm->rtm_protocol != s->proto || (rtm->rtm_flags & RTM_F_CLONED) ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return MNL_CB_OK;
	struct stale st = { .pfx.addr.af = rtm->rtm_family,
			    .pfx.len = rtm->rtm_dst_len,
			    .tos = rtm->rtm_tos };
	uint32_t table = rtm->rtm_table;
	const struct nlattr *attr;

	mnl_attr_for_each(attr, nlh, sizeof(*rtm))
	{
		switch (mnl_attr_get_type(attr)) {
		case RTA_TABLE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				table = mnl_attr_get_u32(attr);
			break;
		case RTA_DST:
			if (kr_attr_addr(attr, rtm->rtm_family, &st.pfx.addr) < 0)
				return MNL_CB_OK;
			break;
		case RTA_PRIORITY:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				st.metric = mnl_attr_get_u32(attr);
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	/* The kernel dumps the siblings of an IPv6 multipath route next to each other on older
	 * versions; one delete removes them all. */
	if (s->n && prefix_eq(&s->v[s->n - 1].pfx, &st.pfx) && s->v[s->n - 1].metric == st.metric)
		return MNL_CB_OK;
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = st;
	return MNL_CB_OK;
}

static int dump_ours(struct kr *k, int af, struct stale_set *s)
{
	uint8_t buf[KR_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	char why[256], reason[320];

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_DUMP;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = (uint8_t)af;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = k->proto;
	int err = kr_nl_talk(k, nlh, stale_route, s, why, sizeof(why));

	if (err < 0 && err != -EINTR)
		log_err("kr: reading the %s routing table: %s", af == AF_INET ? "IPv4" : "IPv6",
			kr_nl_reason(-err, why, reason, sizeof(reason)));
	return err;
}

int kr_flush_stale(struct kr *k) { return kr_flush_stale_except(k, NULL, NULL); }

int kr_count_stale(struct kr *k)
{
	struct stale_set s = { .proto = k->proto };
	int e4 = dump_ours(k, AF_INET, &s), e6 = dump_ours(k, AF_INET6, &s);
	int n = (int)s.n;

	free(s.v);
	/* An interrupted dump still saw some: enough to know whether there are any. */
	if (!n && ((e4 < 0 && e4 != -EINTR) || (e6 < 0 && e6 != -EINTR)))
		return -1;
	return n;
}

int kr_flush_stale_except(struct kr *k, kr_keep_route_fn *keep, void *arg)
{
	int removed = 0;

	kr_flush(k);
	/* A dump the kernel reports as interrupted (the table changed under it) may have
	 * skipped routes: go again, a few times at most. */
	for (int pass = 0; pass < 3; pass++) {
		struct stale_set s = { .proto = k->proto };
		int e4 = dump_ours(k, AF_INET, &s), e6 = dump_ours(k, AF_INET6, &s);

		if ((e4 < 0 && e4 != -EINTR) || (e6 < 0 && e6 != -EINTR)) {
			free(s.v);
			return removed ? removed : -1;
		}
		uint64_t errors = k->st.errors;

		size_t queued = 0;

		k->quiet_esrch = 1;
		for (size_t i = 0; i < s.n; i++) {
			if (keep && keep(&s.v[i].pfx, arg))
				continue;
			queue_delete(k, &s.v[i].pfx, s.v[i].metric, s.v[i].tos, KR_OP_FLUSH);
			queued++;
		}
		kr_flush(k);
		k->quiet_esrch = 0;
		removed += (int)(queued - (size_t)(k->st.errors - errors));
		free(s.v);
		if (e4 != -EINTR && e6 != -EINTR)
			break;
	}
	if (removed)
		log_info("kr: removed %d stale routes of protocol %d", removed, k->proto);
	return removed;
}

/* ---- lookup ---- */

struct lookup {
	int oif;
	uint8_t type;
	uint8_t via_gateway;
};

static int lookup_reply(const struct nlmsghdr *nlh, void *arg)
{
	struct lookup *l = arg;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWROUTE || mnl_nlmsg_get_payload_len(nlh) < sizeof(*rtm))
		return MNL_CB_OK;
	l->type = rtm->rtm_type;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm))
	{
		switch (mnl_attr_get_type(attr)) {
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				l->oif = (int)mnl_attr_get_u32(attr);
			break;
		case RTA_GATEWAY:
		case RTA_VIA:
		case RTA_MULTIPATH: l->via_gateway = 1; break;
		}
	}
	return MNL_CB_OK;
}

int kr_ifindex_for(struct kr *k, const struct addr *a)
{
	uint8_t buf[KR_REQ_SIZE] = { 0 };
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct lookup l = { 0 };
	char why[256];

	if (a->af != AF_INET && a->af != AF_INET6)
		return 0;
	nlh->nlmsg_type = RTM_GETROUTE;
	struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

	rtm->rtm_family = a->af;
	rtm->rtm_dst_len = (uint8_t)(addr_len(a->af) * 8);
	mnl_attr_put(nlh, RTA_DST, addr_len(a->af), a->a);
	/* The answer is the route the kernel would use to send to a: directly connected when it
	 * names an interface and no gateway. Unreachable is an error reply, hence 0. */
	if (kr_nl_talk(k, nlh, lookup_reply, &l, why, sizeof(why)) < 0)
		return 0;
	return l.type == RTN_UNICAST && !l.via_gateway && l.oif > 0 ? l.oif : 0;
}
