/* Lab topologies: the YAML file of DESIGN.md ("containerlab-flavoured"), read with libyaml,
 * validated, with the addresses and delays derived from it. */
#ifndef LAB_TOPO_H
#define LAB_TOPO_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

enum lab_kind { LAB_ROUTER, LAB_SITE, LAB_CLIENT };
/* p2p: peers. p2c: the first endpoint is the provider of the second. none: a client's access
 * link (no BGP). */
enum lab_rel { LAB_REL_NONE, LAB_REL_P2P, LAB_REL_P2C };

struct lab_city {
	const char *name;  /* "new-york", "london", "sao-paulo", ... */
	const char *label; /* "New York", "London", "São Paulo" */
	double lat, lon;   /* degrees */
};

/* A site's `shed: [{level: 0.9, prepend: 3}]` step: anycastd's `shed LEVEL ACTION`, fed by a
 * `check load` of the site's anycast-dns. */
#define LAB_SHED_MAX 4
enum lab_shed_kind { LAB_SHED_PREPEND, LAB_SHED_COMMUNITY, LAB_SHED_WITHDRAW };
struct lab_shed {
	double level;
	enum lab_shed_kind kind;
	uint32_t prepend; /* LAB_SHED_PREPEND */
	char arg[32];     /* LAB_SHED_COMMUNITY: "65001:666"; LAB_SHED_WITHDRAW: a neighbour node */
};

/* A router a site announces the anycast prefix to (`announce_to`). */
struct lab_announce {
	char *name;
	int line, col;
	size_t node; /* resolved once the links are read */
};

struct lab_node {
	char *name; /* [a-z0-9-], at most 12 characters (it names interfaces) */
	enum lab_kind kind;
	uint32_t asn; /* routers and sites; 0 for clients */
	const struct lab_city *city;
	uint8_t hijacker; /* `kind: hijacker`: a router that `lab hijack` and the demo pick */
	int line, col;
	/* sites (topo_site.c): how the anycast prefix is announced */
	unsigned prepend;      /* `prepend: N`: extra copies of the site's AS */
	uint32_t *communities; /* `communities: [A:B, ...]`, ASN << 16 | VALUE */
	size_t ncommunities;
	struct lab_announce *announce_to; /* `announce_to: [ROUTER, ...]`; none: every neighbour */
	size_t nannounce;
	/* derived */
	size_t index;
	struct addr router_id; /* 198.19.(index / 254).(index % 254 + 1): no .0 or .255 */
	struct addr unicast;   /* sites: their own address (198.51.100.index+1) */
	struct addr unicast6;  /* sites: their own IPv6 address (2001:db8:ffff:ffff::index+1) */
	/* sites (topo_capacity.c): `capacity` (queries/s its anycast-dns answers; 0: no limit) and
	 * `shed` (load steps its anycastd takes before withdrawing) */
	uint32_t capacity_qps;
	struct lab_shed shed[LAB_SHED_MAX];
	size_t nshed;
};

struct lab_link {
	size_t a, b; /* node indices, as written in endpoints */
	enum lab_rel rel;
	uint32_t delay_us;     /* one way */
	uint8_t delay_given;   /* from the file, not from the cities' distance */
	uint32_t capacity_pps; /* frames per second each way; 0: unlimited */
	uint32_t queue;        /* with a capacity: frames that may wait for the link */
	int line, col;
	/* derived: a /31 in 198.18.0.0/15 and a /64 in 2001:db8:ffff::/48 per link */
	struct addr addr_a, addr_b;      /* IPv4, a gets the even address */
	struct addr addr6_a, addr6_b;    /* IPv6 ::1 and ::2 */
	char ifname_a[16], ifname_b[16]; /* "to-" + the other end's name: unique per namespace */
};

/* A ROA of the lab (`rpki: {roas: [...]}`). */
struct lab_roa {
	struct prefix pfx;
	uint8_t maxlen;
	uint32_t asn;
};

struct lab_topo {
	char *file;
	char *name; /* [a-z0-9-], at most 12 characters */
	struct prefix anycast_prefix;
	struct addr anycast_addr;
	/* a dual-stack lab's IPv6 service (`prefix6`, `address6`) beside an IPv4 one; af 0 if
	 * none. An IPv6-only lab has its IPv6 service in anycast_prefix/anycast_addr. */
	struct prefix anycast_prefix6;
	struct addr anycast_addr6;
	struct lab_node *nodes;
	size_t nnodes;
	struct lab_link *links;
	size_t nlinks;
	uint8_t no_bfd; /* `bfd: no` at top level: the BGP sessions run without BFD */
	uint8_t rpki;   /* `rpki:` given: routers validate against roas, served by the lab's
			 * RTR cache (cache.h) */
	/* routers validate against the ROA file itself, read by anycastd (`roa-file`): ROV turned
	 * on in a running lab that has no cache (the demo's hijack chapter) */
	uint8_t rpki_file;
	struct lab_roa *roas;
	size_t nroas;
};

/* Reads and validates a topology. On error returns -1 with "FILE:LINE:COL: message" in err
 * (unknown or duplicate node, missing ASN, unknown city, a rel on a client's link, a bad
 * delay, a link to an unknown node, a client with no link or more than one, ...). */
int lab_topo_load(const char *path, struct lab_topo *t, char *err, size_t errlen);
int lab_topo_parse(const char *name, const char *text, size_t len, struct lab_topo *t, char *err,
		   size_t errlen);
void lab_topo_free(struct lab_topo *t);
const struct lab_node *lab_topo_node(const struct lab_topo *t, const char *name);
/* The lab carries IPv6 (an IPv6 anycast service): sessions then carry both families. */
int lab_topo_v6(const struct lab_topo *t);
/* Routers and sites speak BGP; clients do not. */
int lab_node_speaks_bgp(const struct lab_node *n);
/* BGP sessions of a node (links to routers and sites). */
size_t lab_sessions_of(const struct lab_topo *t, size_t node);
/* The client's access link and the router on its other end; -1 if none. */
int lab_client_link(const struct lab_topo *t, size_t node, size_t *link, size_t *router);

/* The site announces the anycast prefix to node (topo_site.c): it has no announce_to list,
 * or node is on it. */
int lab_site_announces_to(const struct lab_node *site, size_t node);

/* Cities (cities.c): the built-in table. */
const struct lab_city *lab_city_find(const char *name);
const struct lab_city *lab_cities(size_t *n);
/* The city whose name is nearest to name (at most two edits), for "did you mean"; or NULL. */
const struct lab_city *lab_city_suggest(const char *name);
/* Great-circle distance in km. */
double lab_distance_km(const struct lab_city *a, const struct lab_city *b);
/* One-way delay for a fibre path between two cities: distance * LAB_PATH_INFLATION at the
 * speed of light in fibre (about 200,000 km/s, 5 us per km); at least 100 us. */
#define LAB_PATH_INFLATION 1.5
uint32_t lab_city_delay_us(const struct lab_city *a, const struct lab_city *b);

#endif
