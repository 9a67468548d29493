/* Lab topology files (DESIGN.md "Lab topology"): the YAML tree of ytree.c, which keeps every
 * node's line and column, validated and turned into struct lab_topo with its derived
 * addresses and delays.
 *
 * Address plan (all documentation/benchmarking ranges, DESIGN.md "Addresses"):
 *   router id of node i    198.19.(i / 254).(i % 254 + 1): never .0 or .255 in the last
 *                          byte, so each /24 holds 254 ids; 65024 nodes at most
 *   unicast of site s      198.51.100.(s + 1), s counting sites only: 250 sites at most;
 *                          IPv6 2001:db8:ffff:ffff::(s + 1), above every link's /64
 *   link l (0-based)       IPv4 /31: 198.18.(2l >> 8).(2l & 255) on a, the next address on b;
 *                          IPv6 /64: 2001:db8:ffff:l::1 on a, ::2 on b; 32768 links at most
 *   interface names        "to-" + the other endpoint's name ("to-r-lon" in r-par's namespace):
 *                          at most 15 characters since names have at most 12, and unique
 *                          inside each namespace since a pair of nodes has at most one link.
 *                          They are not unique in the host's namespace: the builder creates
 *                          each veth pair directly in its two namespaces (or renames it). */
#include "lab/topo.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ytree.h"
#include "lib/log.h"

#define MAX_SITES 250
#define MAX_LINKS 32768
#define MAX_NODES (256 * 254)
#define MAX_FILE (4u << 20) /* 32768 links take about 1.3 MiB */
#define NAME_MAX_LEN 12
#define DELAY_MAX_US 10000000u /* 10 s */

static int valid_name(const struct lab_ynode *n)
{
	if (n->kind != LAB_YSCALAR || n->len < 1 || n->len > NAME_MAX_LEN)
		return 0;
	for (size_t i = 0; i < n->len; i++) {
		char ch = n->s[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
			return 0;
	}
	return 1;
}

/* ---- Values ---- */

static int parse_asn(struct lab_yctx *c, const struct lab_ynode *n, uint32_t *out)
{
	char b[LAB_YSHOW_LEN];
	uint64_t v = 0;

	if (lab_ywant(c, n, LAB_YSCALAR, "asn") < 0)
		return -1;
	/* Plain decimal only: a leading zero reads as octal to some YAML tools. */
	if (n->len == 0 || n->len > 10 || (n->s[0] == '0' && n->len > 1))
		goto bad;
	for (size_t i = 0; i < n->len; i++) {
		if (n->s[i] < '0' || n->s[i] > '9')
			goto bad;
		v = v * 10 + (uint64_t)(n->s[i] - '0');
	}
	if (v == 23456)
		return lab_yfail_at(c, n, "asn 23456 is AS_TRANS (RFC 6793), not a real AS");
	if (v < 1 || v > 4294967294u)
		return lab_yfail_at(c, n, "asn %llu out of range (1..4294967294)",
				    (unsigned long long)v);
	*out = (uint32_t)v;
	return 0;
bad:
	return lab_yfail_at(c, n, "asn '%s' is not a decimal number (1..4294967294)",
			    lab_yshow(n, b));
}

/* "4ms", "500us", "1.5ms", "2s": a decimal number and a unit, exact to the microsecond. */
static int parse_delay(struct lab_yctx *c, const struct lab_ynode *n, uint32_t *out)
{
	static const struct {
		const char *unit;
		uint64_t us;
	} units[] = {
		{ "us", 1 },
		{ "ms", 1000 },
		{ "s", 1000000 },
	};
	char b[LAB_YSHOW_LEN];
	const char *s, *end;
	uint64_t whole = 0, frac = 0, scale = 1, mult = 0;
	size_t digits = 0;

	if (lab_ywant(c, n, LAB_YSCALAR, "delay") < 0)
		return -1;
	s = n->s;
	end = n->s + n->len;
	for (; s < end && *s >= '0' && *s <= '9'; s++, digits++)
		if (whole < 100000000) /* anything past that is over the limit anyway */
			whole = whole * 10 + (uint64_t)(*s - '0');
	if (s < end && *s == '.') {
		s++;
		for (; s < end && *s >= '0' && *s <= '9'; s++, digits++)
			if (scale < 10000000) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				scale *= 10;
			} else if (*s != '0') {
				goto finer;
			}
	}
	if (!digits)
		goto bad;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if ((size_t)(end - s) == strlen(units[i].unit) &&
		    memcmp(s, units[i].unit, (size_t)(end - s)) == 0)
			mult = units[i].us;
	if (!mult)
		goto bad;
	if ((frac * mult) % scale)
		goto finer;
	uint64_t us = whole * mult + frac * mult / scale;

	if (us == 0 || us > DELAY_MAX_US)
		return lab_yfail_at(c, n, "delay '%s' out of range (more than 0, at most 10s)",
				    lab_yshow(n, b));
	*out = (uint32_t)us;
	return 0;
bad:
	return lab_yfail_at(c, n, "delay '%s': expected a number and a unit (us, ms, s), e.g. 4ms",
			    lab_yshow(n, b));
finer:
	return lab_yfail_at(c, n, "delay '%s' is finer than a microsecond", lab_yshow(n, b));
}

static int parse_city(struct lab_yctx *c, const struct lab_ynode *n, const struct lab_city **out)
{
	char b[LAB_YSHOW_LEN];
	const struct lab_city *near;
	size_t nc;

	if (lab_ywant_str(c, n, "city") < 0)
		return -1;
	if ((*out = lab_city_find(n->s)))
		return 0;
	if ((near = lab_city_suggest(n->s)))
		return lab_yfail_at(c, n, "unknown city '%s' (did you mean '%s'?)", lab_yshow(n, b),
				    near->name);
	lab_cities(&nc);
	return lab_yfail_at(c, n,
			    "unknown city '%s' (known: new-york, london, paris, tokyo, "
			    "sao-paulo, sydney and %zu more)",
			    lab_yshow(n, b), nc - 6);
}

/* ---- Hash tables for names and node pairs (files may hold thousands of each) ---- */

static uint64_t hash_bytes(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

static size_t table_size(size_t n)
{
	size_t sz = 16;

	while (sz < 2 * n)
		sz *= 2;
	return sz;
}

/* Slot of name in a table of node index + 1 (0: empty). */
static size_t name_slot(const struct lab_topo *t, const size_t *tab, size_t sz, const char *s,
			size_t len)
{
	size_t i = (size_t)hash_bytes(s, len) & (sz - 1);

	while (tab[i] && !(strlen(t->nodes[tab[i] - 1].name) == len &&
			   memcmp(t->nodes[tab[i] - 1].name, s, len) == 0))
		i = (i + 1) & (sz - 1);
	return i;
}

static size_t pair_slot(const struct lab_topo *t, const size_t *tab, size_t sz, size_t a, size_t b)
{
	size_t lo = a < b ? a : b, hi = a < b ? b : a;
	uint64_t key = ((uint64_t)lo << 32) | hi;
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (sz - 1);

	while (tab[i]) {
		const struct lab_link *l = &t->links[tab[i] - 1];

		if ((l->a == lo && l->b == hi) || (l->a == hi && l->b == lo))
			break;
		i = (i + 1) & (sz - 1);
	}
	return i;
}

/* ---- The document ---- */

/* A hijacker is a router in all but intent: it speaks BGP in router mode like any other, and
 * the demo's hijack chapter picks it (DESIGN.md: `{kind: hijacker, asn: 64666, city: ...}`). */
static const char *const kind_words[] = { "router", "site", "client", "hijacker" };

/* One prefix and its address of `anycast:` (keys kp and ka); af 0 takes either family. */
static int load_anycast_pair(struct lab_yctx *c, const struct lab_ynode *n,
			     const struct lab_yfield *fp, const struct lab_yfield *fa, int af,
			     struct prefix *pfx, struct addr *addr)
{
	static const char *docs[] = { "192.0.2.0/24", "2001:db8::/32" };
	struct prefix links6, host;
	char b[LAB_YSHOW_LEN];
	int r, inside = 0;

	if (!fp->v)
		return lab_yfail_at(c, n, "anycast: %s missing", fp->key);
	if (!fa->v)
		return lab_yfail_at(c, n, "anycast: %s missing", fa->key);
	if (lab_ywant_str(c, fp->v, "anycast prefix") < 0 ||
	    lab_ywant_str(c, fa->v, "anycast address") < 0)
		return -1;
	r = prefix_parse(fp->v->s, pfx);
	if (r == -2)
		return lab_yfail_at(c, fp->v, "anycast prefix '%s' has host bits set",
				    lab_yshow(fp->v, b));
	if (r < 0)
		return lab_yfail_at(c, fp->v, "anycast prefix '%s' is not a prefix",
				    lab_yshow(fp->v, b));
	if (af && pfx->addr.af != af)
		return lab_yfail_at(c, fp->v, "anycast %s '%s' is not an IPv6 prefix", fp->key,
				    lab_yshow(fp->v, b));
	/* The lab must never take a real public address: its routes would shadow a real
	 * service for whoever runs the lab. */
	for (size_t i = 0; i < 2; i++) {
		struct prefix doc;

		prefix_parse(docs[i], &doc);
		inside |= prefix_contains(&doc, pfx);
	}
	if (!inside)
		return lab_yfail_at(c, fp->v,
				    "anycast prefix '%s' is outside the documentation ranges "
				    "192.0.2.0/24 and 2001:db8::/32",
				    lab_yshow(fp->v, b));
	prefix_parse("2001:db8:ffff::/48", &links6);
	if (prefix_contains(&links6, pfx) || prefix_contains(pfx, &links6))
		return lab_yfail_at(c, fp->v,
				    "anycast prefix '%s' overlaps the lab's links, "
				    "2001:db8:ffff::/48",
				    lab_yshow(fp->v, b));
	if (addr_parse(fa->v->s, addr) < 0)
		return lab_yfail_at(c, fa->v, "anycast address '%s' is not an address",
				    lab_yshow(fa->v, b));
	host.addr = *addr;
	host.len = (uint8_t)(addr_len(host.addr.af) * 8);
	if (!prefix_contains(pfx, &host))
		return lab_yfail_at(c, fa->v, "anycast address '%s' is not inside prefix '%s'",
				    lab_yshow(fa->v, b), fp->v->s);
	return 0;
}

/* `anycast: {prefix, address}` of either family, and for a dual-stack lab an IPv6
 * `prefix6, address6` beside an IPv4 pair. */
static int load_anycast(struct lab_yctx *c, const struct lab_ynode *n, struct lab_topo *t)
{
	struct lab_yfield f[] = {
		{ "prefix", 0, 0 }, { "address", 0, 0 }, { "prefix6", 0, 0 }, { "address6", 0, 0 }
	};

	if (lab_ywant(c, n, LAB_YMAP, "anycast") < 0 || lab_yfields(c, n, "anycast", f, 4) < 0)
		return -1;
	if (load_anycast_pair(c, n, &f[0], &f[1], 0, &t->anycast_prefix, &t->anycast_addr) < 0)
		return -1;
	if (!f[2].v && !f[3].v)
		return 0;
	if (t->anycast_addr.af != AF_INET)
		return lab_yfail_at(c, f[2].v ? f[2].v : f[3].v,
				    "anycast: prefix6 needs an IPv4 prefix beside it (an IPv6 one "
				    "alone goes in prefix)");
	return load_anycast_pair(c, n, &f[2], &f[3], AF_INET6, &t->anycast_prefix6,
				 &t->anycast_addr6);
}

static int load_node(struct lab_yctx *c, const struct lab_ynode *k, const struct lab_ynode *v,
		     struct lab_node *nd)
{
	struct lab_yfield f[] = { { "kind", 0, 0 },        { "asn", 0, 0 },
				  { "city", 0, 0 },        { "prepend", 0, 0 },
				  { "communities", 0, 0 }, { "announce_to", 0, 0 },
				  { "capacity", 0, 0 },    { "shed", 0, 0 } };
	char what[32], b[LAB_YSHOW_LEN];
	size_t i;

	snprintf(what, sizeof(what), "node '%s'", nd->name);
	if (v->kind != LAB_YMAP)
		return lab_yfail_at(c, v,
				    "%s: expected a mapping like {kind: router, asn: 64500, "
				    "city: paris}",
				    what);
	if (lab_yfields(c, v, what, f, sizeof(f) / sizeof(f[0])) < 0)
		return -1;
	if (!f[0].v)
		return lab_yfail_at(c, k, "%s: kind missing (router, site, client or hijacker)",
				    what);
	if (lab_ywant_str(c, f[0].v, "kind") < 0)
		return -1;
	for (i = 0; i < 4 && strcmp(f[0].v->s, kind_words[i]) != 0; i++)
		;
	if (i == 4)
		return lab_yfail_at(c, f[0].v,
				    "unknown kind '%s' (router, site, client or hijacker)",
				    lab_yshow(f[0].v, b));
	nd->hijacker = i == 3;
	nd->kind = nd->hijacker ? LAB_ROUTER : (enum lab_kind)i;
	if (nd->kind == LAB_CLIENT && f[1].k)
		return lab_yfail_at(c, f[1].k, "%s: a client has no asn (it does not speak BGP)",
				    what);
	if (nd->kind != LAB_CLIENT && !f[1].v)
		return lab_yfail_at(c, k, "%s: asn missing (a %s needs one)", what, kind_words[i]);
	if (f[1].v && parse_asn(c, f[1].v, &nd->asn) < 0)
		return -1;
	if (!f[2].v)
		return lab_yfail_at(c, k, "%s: city missing", what);
	if (parse_city(c, f[2].v, &nd->city) < 0)
		return -1;
	if (lab_topo_site_keys(c, k, &f[3], nd) < 0)
		return -1;
	return lab_topo_capacity(c, f[6].k ? f[6].v : NULL, f[7].k ? f[7].v : NULL, nd);
}

static int load_nodes(struct lab_yctx *c, const struct lab_ynode *map, struct lab_topo *t,
		      size_t *tab, size_t sz)
{
	char b[LAB_YSHOW_LEN];
	size_t sites = 0;

	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct lab_ynode *k = map->v[i], *v = map->v[i + 1];
		struct lab_node *nd;
		size_t slot;

		if (!valid_name(k))
			return lab_yfail_at(c, k,
					    "node name '%s' must be 1 to 12 of a-z, 0-9 and '-'",
					    lab_yshow(k, b));
		/* NAME-wire is the wire's namespace, and `lab heal wire` restarts the wire */
		if (k->len == 4 && memcmp(k->s, "wire", 4) == 0)
			return lab_yfail_at(c, k, "node name 'wire' is taken by the lab's wire");
		/* NAME-rpki is the namespace of the lab's RPKI cache (cache.h) */
		if (k->len == 4 && memcmp(k->s, "rpki", 4) == 0)
			return lab_yfail_at(c, k,
					    "node name 'rpki' is taken by the lab's RPKI cache");
		slot = name_slot(t, tab, sz, k->s, k->len);
		if (tab[slot]) {
			nd = &t->nodes[tab[slot] - 1];
			return lab_yfail_at(c, k, "duplicate node '%s' (first at %d:%d)", nd->name,
					    nd->line, nd->col);
		}
		if (t->nnodes == MAX_NODES)
			return lab_yfail_at(
				c, k, "more than %d nodes (router ids come from 198.19.0.0/16)",
				MAX_NODES);
		nd = &t->nodes[t->nnodes];
		nd->name = xstrdup(k->s);
		nd->line = k->line;
		nd->col = k->col;
		nd->index = t->nnodes++;
		tab[slot] = t->nnodes;
		if (load_node(c, k, v, nd) < 0)
			return -1;
		if (nd->kind == LAB_SITE && ++sites > MAX_SITES)
			return lab_yfail_at(c, k,
					    "more than %d sites (their addresses come "
					    "from 198.51.100.0/24)",
					    MAX_SITES);
	}
	if (!sites)
		return lab_yfail_at(c, map, "nodes: no site; an anycast lab needs at least one");
	return 0;
}

/* Which kinds of node may be linked, and whether the link is a BGP session (rel needed). */
static int check_pair(struct lab_yctx *c, const struct lab_ynode *ep, const struct lab_node *a,
		      const struct lab_node *b)
{
	enum lab_kind x = a->kind < b->kind ? a->kind : b->kind;
	enum lab_kind y = a->kind < b->kind ? b->kind : a->kind;

	if (x == LAB_SITE && y == LAB_SITE)
		return lab_yfail_at(c, ep,
				    "a link between two sites, '%s' and '%s' (a site "
				    "connects to routers)",
				    a->name, b->name);
	if (x == LAB_CLIENT || (x == LAB_SITE && y == LAB_CLIENT))
		return lab_yfail_at(c, ep,
				    "a link between %s '%s' and %s '%s' (a client "
				    "connects to one router)",
				    kind_words[a->kind], a->name, kind_words[b->kind], b->name);
	if (y != LAB_CLIENT && a->asn == b->asn)
		return lab_yfail_at(c, ep,
				    "'%s' and '%s' are both in AS %u; lab links are eBGP sessions",
				    a->name, b->name, a->asn);
	return 0;
}

/* A whole number in [lo, hi] from a scalar; what names the key in the message. */
static int parse_count(struct lab_yctx *c, const struct lab_ynode *n, const char *what, uint64_t lo,
		       uint64_t hi, uint32_t *out)
{
	char b[LAB_YSHOW_LEN];
	uint64_t v = 0;

	if (lab_ywant(c, n, LAB_YSCALAR, what) < 0)
		return -1;
	for (size_t i = 0; i < n->len; i++) {
		if (n->s[i] < '0' || n->s[i] > '9' || v > hi)
			return lab_yfail_at(
				c, n, "%s '%s': expected a whole number from %llu to %llu", what,
				lab_yshow(n, b), (unsigned long long)lo, (unsigned long long)hi);
		v = v * 10 + (uint64_t)(n->s[i] - '0');
	}
	if (!n->len || v < lo || v > hi)
		return lab_yfail_at(c, n, "%s '%s': expected a whole number from %llu to %llu",
				    what, lab_yshow(n, b), (unsigned long long)lo,
				    (unsigned long long)hi);
	*out = (uint32_t)v;
	return 0;
}

/* capacity: frames per second each way; queue: frames that may wait for the link, by default
 * 50 ms worth (a router's buffer), at least 16. */
static int load_capacity(struct lab_yctx *c, const struct lab_ynode *cap,
			 const struct lab_ynode *qkey, const struct lab_ynode *queue,
			 struct lab_link *l)
{
	if (!cap) {
		if (qkey)
			return lab_yfail_at(c, qkey, "queue without capacity (frames per second)");
		return 0;
	}
	if (parse_count(c, cap, "capacity", 1, 10000000, &l->capacity_pps) < 0)
		return -1;
	if (queue)
		return parse_count(c, queue, "queue", 1, 1000000, &l->queue);
	l->queue = l->capacity_pps / 20 > 16 ? l->capacity_pps / 20 : 16;
	return 0;
}

static int load_link(struct lab_yctx *c, const struct lab_ynode *n, struct lab_topo *t,
		     const size_t *names, size_t nsz, struct lab_link *l)
{
	struct lab_yfield f[] = { { "endpoints", 0, 0 },
				  { "rel", 0, 0 },
				  { "delay", 0, 0 },
				  { "capacity", 0, 0 },
				  { "queue", 0, 0 } };
	const struct lab_ynode *ep;
	const struct lab_node *a, *b;
	char s[LAB_YSHOW_LEN];
	size_t idx[2];

	l->line = n->line;
	l->col = n->col;
	if (n->kind != LAB_YMAP)
		return lab_yfail_at(c, n,
				    "link: expected a mapping like {endpoints: [a, b], rel: p2p}");
	if (lab_yfields(c, n, "link", f, 5) < 0)
		return -1;
	if (!(ep = f[0].v))
		return lab_yfail_at(c, n, "link: endpoints missing");
	if (ep->kind != LAB_YSEQ || ep->n != 2)
		return lab_yfail_at(c, ep,
				    "endpoints: expected two node names, like [r-lon, r-par]");
	for (size_t i = 0; i < 2; i++) {
		size_t slot;

		if (lab_ywant(c, ep->v[i], LAB_YSCALAR, "endpoint") < 0)
			return -1;
		slot = name_slot(t, names, nsz, ep->v[i]->s, ep->v[i]->len);
		if (!names[slot])
			return lab_yfail_at(c, ep->v[i], "unknown node '%s'",
					    lab_yshow(ep->v[i], s));
		idx[i] = names[slot] - 1;
	}
	if (idx[0] == idx[1])
		return lab_yfail_at(c, ep->v[1], "a link from '%s' to itself",
				    t->nodes[idx[0]].name);
	l->a = idx[0];
	l->b = idx[1];
	a = &t->nodes[l->a];
	b = &t->nodes[l->b];
	if (check_pair(c, ep, a, b) < 0)
		return -1;
	if (a->kind == LAB_CLIENT || b->kind == LAB_CLIENT) {
		if (f[1].k)
			return lab_yfail_at(c, f[1].k,
					    "rel on a client's link (an access link, not a BGP "
					    "session)");
		l->rel = LAB_REL_NONE;
	} else {
		if (!f[1].v)
			return lab_yfail_at(c, n,
					    "rel required (p2p or p2c) on the link "
					    "between '%s' and '%s'",
					    a->name, b->name);
		if (lab_ywant_str(c, f[1].v, "rel") < 0)
			return -1;
		if (strcmp(f[1].v->s, "p2p") == 0)
			l->rel = LAB_REL_P2P;
		else if (strcmp(f[1].v->s, "p2c") == 0)
			l->rel = LAB_REL_P2C;
		else
			return lab_yfail_at(c, f[1].v,
					    "unknown rel '%s' (p2p: peers; p2c: the first "
					    "endpoint is the provider of the second)",
					    lab_yshow(f[1].v, s));
		if (l->rel == LAB_REL_P2C && a->kind == LAB_SITE && b->kind == LAB_ROUTER)
			return lab_yfail_at(c, f[1].v,
					    "p2c makes site '%s' the provider of router '%s'; "
					    "a site is a customer or a peer",
					    a->name, b->name);
	}
	if (f[2].v) {
		if (parse_delay(c, f[2].v, &l->delay_us) < 0)
			return -1;
		l->delay_given = 1;
	} else {
		l->delay_us = lab_city_delay_us(a->city, b->city);
	}
	return load_capacity(c, f[3].v, f[4].k, f[4].v, l);
}

static int load_links(struct lab_yctx *c, const struct lab_ynode *seq, struct lab_topo *t,
		      const size_t *names, size_t nsz)
{
	size_t psz = table_size(seq->n), *pairs = xcalloc(psz, sizeof(*pairs));
	size_t *first = xmalloc((t->nnodes ? t->nnodes : 1) * sizeof(*first));
	int rc = -1;

	for (size_t i = 0; i < t->nnodes; i++)
		first[i] = SIZE_MAX;
	for (size_t i = 0; i < seq->n; i++) {
		const struct lab_ynode *n = seq->v[i];
		struct lab_link *l = &t->links[t->nlinks];
		size_t slot;

		if (t->nlinks == MAX_LINKS) {
			lab_yfail_at(c, n,
				     "more than %d links (their addresses come from 198.18.0.0/16)",
				     MAX_LINKS);
			goto out;
		}
		if (load_link(c, n, t, names, nsz, l) < 0)
			goto out;
		slot = pair_slot(t, pairs, psz, l->a, l->b);
		if (pairs[slot]) {
			const struct lab_link *o = &t->links[pairs[slot] - 1];

			lab_yfail_at(c, n, "duplicate link between '%s' and '%s' (first at %d:%d)",
				     t->nodes[l->a].name, t->nodes[l->b].name, o->line, o->col);
			goto out;
		}
		for (size_t e = 0; e < 2; e++) {
			size_t x = e ? l->b : l->a;
			const struct lab_node *nd = &t->nodes[x];

			if (nd->kind == LAB_CLIENT && first[x] != SIZE_MAX) {
				const struct lab_link *o = &t->links[first[x]];

				lab_yfail_at(c, n,
					     "client '%s' has more than one link (first at %d:%d)",
					     nd->name, o->line, o->col);
				goto out;
			}
			if (first[x] == SIZE_MAX)
				first[x] = t->nlinks;
		}
		pairs[slot] = ++t->nlinks;
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *nd = &t->nodes[i];

		if (nd->kind != LAB_ROUTER && first[i] == SIZE_MAX) {
			lab_yfail(c, nd->line, nd->col, "%s '%s' has no link", kind_words[nd->kind],
				  nd->name);
			goto out;
		}
	}
	rc = 0;
out:
	free(pairs);
	free(first);
	return rc;
}

static void set_v4(struct addr *a, uint8_t b0, uint8_t b1, uint8_t b2, uint8_t b3)
{
	memset(a, 0, sizeof(*a));
	a->af = AF_INET;
	a->a[0] = b0;
	a->a[1] = b1;
	a->a[2] = b2;
	a->a[3] = b3;
}

static void set_link6(struct addr *a, size_t l, uint8_t host)
{
	static const uint8_t pfx[6] = { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff };

	memset(a, 0, sizeof(*a));
	a->af = AF_INET6;
	memcpy(a->a, pfx, sizeof(pfx));
	a->a[6] = (uint8_t)(l >> 8);
	a->a[7] = (uint8_t)l;
	a->a[15] = host;
}

/* The address plan at the top of this file. */
static void derive(struct lab_topo *t)
{
	size_t sites = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		struct lab_node *nd = &t->nodes[i];

		set_v4(&nd->router_id, 198, 19, (uint8_t)(i / 254), (uint8_t)(i % 254 + 1));
		if (nd->kind == LAB_SITE) {
			set_v4(&nd->unicast, 198, 51, 100, (uint8_t)(++sites));
			set_link6(&nd->unicast6, 0xffff, (uint8_t)sites);
		}
	}
	for (size_t l = 0; l < t->nlinks; l++) {
		struct lab_link *k = &t->links[l];

		set_v4(&k->addr_a, 198, 18, (uint8_t)((2 * l) >> 8), (uint8_t)((2 * l) & 255));
		k->addr_b = k->addr_a;
		k->addr_b.a[3]++;
		set_link6(&k->addr6_a, l, 1);
		set_link6(&k->addr6_b, l, 2);
		snprintf(k->ifname_a, sizeof(k->ifname_a), "to-%s", t->nodes[k->b].name);
		snprintf(k->ifname_b, sizeof(k->ifname_b), "to-%s", t->nodes[k->a].name);
	}
}

/* `bfd: yes|no` (or true|false): BFD on every BGP session, the default. */
static int load_bfd(struct lab_yctx *c, const struct lab_ynode *v, struct lab_topo *t)
{
	static const char *const yes[] = { "yes", "true", "on" }, *const no[] = { "no", "false",
										  "off" };
	char b[LAB_YSHOW_LEN];

	if (lab_ywant_str(c, v, "bfd") < 0)
		return -1;
	for (size_t i = 0; i < 3; i++) {
		if (strcmp(v->s, yes[i]) == 0)
			return 0;
		if (strcmp(v->s, no[i]) == 0) {
			t->no_bfd = 1;
			return 0;
		}
	}
	return lab_yfail_at(c, v, "bfd must be yes or no, not '%s'", lab_yshow(v, b));
}

static int load_doc(struct lab_yctx *c, const struct lab_ynode *root, struct lab_topo *t)
{
	struct lab_yfield f[] = {
		{ "name", 0, 0 },  { "anycast", 0, 0 }, { "nodes", 0, 0 },
		{ "links", 0, 0 }, { "bfd", 0, 0 },     { "rpki", 0, 0 },
	};
	size_t nsz, *names;
	char b[LAB_YSHOW_LEN];
	int rc;

	if (root->kind == LAB_YSCALAR && root->len == 0) /* "---" and nothing else */
		return lab_yfail_at(c, root, "empty topology file");
	if (lab_ywant(c, root, LAB_YMAP, "topology") < 0 ||
	    lab_yfields(c, root, "the topology", f, 6) < 0)
		return -1;
	if (f[4].v && load_bfd(c, f[4].v, t) < 0)
		return -1;
	if (f[5].v && lab_topo_rpki(c, f[5].v, t) < 0)
		return -1;
	if (!f[0].v)
		return lab_yfail_at(c, root, "name missing");
	if (!valid_name(f[0].v))
		return lab_yfail_at(c, f[0].v, "name '%s' must be 1 to 12 of a-z, 0-9 and '-'",
				    lab_yshow(f[0].v, b));
	t->name = xstrdup(f[0].v->s);
	if (!f[1].v)
		return lab_yfail_at(c, root,
				    "anycast missing (e.g. {prefix: 192.0.2.0/24, address: "
				    "192.0.2.1})");
	if (load_anycast(c, f[1].v, t) < 0)
		return -1;
	if (!f[2].v)
		return lab_yfail_at(c, root, "nodes missing");
	if (lab_ywant(c, f[2].v, LAB_YMAP, "nodes") < 0)
		return -1;
	if (f[3].v && lab_ywant(c, f[3].v, LAB_YSEQ, "links") < 0)
		return -1;
	/* Sized from the file; the limits are enforced while loading. */
	t->nodes = xcalloc(f[2].v->n / 2 + 1, sizeof(*t->nodes));
	t->links = xcalloc(f[3].v ? f[3].v->n + 1 : 1, sizeof(*t->links));
	nsz = table_size(f[2].v->n / 2);
	names = xcalloc(nsz, sizeof(*names));
	rc = load_nodes(c, f[2].v, t, names, nsz);
	if (rc == 0) {
		struct lab_ynode none = { .kind = LAB_YSEQ };

		rc = load_links(c, f[3].v ? f[3].v : &none, t, names, nsz);
	}
	if (rc == 0)
		rc = lab_topo_site_check(c, t);
	free(names);
	if (rc == 0)
		derive(t);
	return rc;
}

int lab_topo_parse(const char *name, const char *text, size_t len, struct lab_topo *t, char *err,
		   size_t errlen)
{
	struct lab_yctx c = { .file = name, .err = err, .errlen = errlen };
	struct lab_ynode *root;
	int rc;

	memset(t, 0, sizeof(*t));
	if (err && errlen)
		err[0] = '\0';
	if (len > MAX_FILE)
		return lab_yfail(&c, 1, 1, "file larger than %u MiB", MAX_FILE >> 20);
	if (lab_ytree_load(&c, text, len, &root) < 0)
		return -1;
	rc = load_doc(&c, root, t);
	lab_ytree_free(root);
	if (rc < 0) {
		lab_topo_free(t);
		return -1;
	}
	t->file = xstrdup(name);
	return 0;
}

int lab_topo_load(const char *path, struct lab_topo *t, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	if (!err || !errlen)
		err = NULL, errlen = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			if (cap > MAX_FILE) {
				fclose(f);
				free(text);
				snprintf(err, errlen, "%s: larger than %u MiB", path,
					 MAX_FILE >> 20);
				return -1;
			}
			cap = cap ? cap * 2 : 65536;
			text = xrealloc(text, cap);
		}
		got = fread(text + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		fclose(f);
		free(text);
		return -1;
	}
	fclose(f);
	rc = lab_topo_parse(path, text, len, t, err, errlen);
	free(text);
	return rc;
}

void lab_topo_free(struct lab_topo *t)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		free(t->nodes[i].name);
		lab_topo_site_free(&t->nodes[i]);
	}
	free(t->nodes);
	free(t->links);
	free(t->roas);
	free(t->name);
	free(t->file);
	memset(t, 0, sizeof(*t));
}

const struct lab_node *lab_topo_node(const struct lab_topo *t, const char *name)
{
	/* Linear: callers look up a few nodes given on a command line. */
	for (size_t i = 0; i < t->nnodes; i++)
		if (strcmp(t->nodes[i].name, name) == 0)
			return &t->nodes[i];
	return NULL;
}

/* ---- queries ---- */

int lab_topo_v6(const struct lab_topo *t)
{
	return t->anycast_addr.af == AF_INET6 || t->anycast_addr6.af == AF_INET6;
}

int lab_node_speaks_bgp(const struct lab_node *n)
{
	return n->kind == LAB_ROUTER || n->kind == LAB_SITE;
}

size_t lab_sessions_of(const struct lab_topo *t, size_t node)
{
	size_t n = 0;

	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];

		if ((lk->a == node || lk->b == node) && lab_node_speaks_bgp(&t->nodes[lk->a]) &&
		    lab_node_speaks_bgp(&t->nodes[lk->b]))
			n++;
	}
	return n;
}

int lab_client_link(const struct lab_topo *t, size_t node, size_t *link, size_t *router)
{
	for (size_t k = 0; k < t->nlinks; k++) {
		const struct lab_link *lk = &t->links[k];

		if (lk->a == node || lk->b == node) {
			*link = k;
			*router = lk->a == node ? lk->b : lk->a;
			return 0;
		}
	}
	return -1;
}
