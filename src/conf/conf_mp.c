/* anycastd.conf: address families and link-local neighbours (RFC 4760, RFC 8950), and the
 * receive-side policy defaults of router mode (RFC 8326 GRACEFUL_SHUTDOWN, RFC 8212). In a
 * neighbor block `family`, `interface`, `extended-nexthop`; at top level
 * `graceful-shutdown-localpref` and `rfc8212`; the "ADDR%IF" form of neighbor and listen
 * addresses. Their meaning is in anycastd.conf(5). */
#include "conf/conf.h"

#include <string.h>

#include "conf/conf_int.h"
#include "conf/lexer.h"

static int is_link_local(const struct addr *a)
{
	return a->af == AF_INET6 && a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
}

int conf_parse_scoped_addr_tok(struct conf_parser *p, const struct lex_tok *t, struct addr *a,
			       char ifname[16])
{
	char tmp[64], b[CONF_SHOW_LEN];
	const char *pct = strchr(t->text, '%');
	size_t al = pct ? (size_t)(pct - t->text) : strlen(t->text);

	ifname[0] = '\0';
	if (al >= sizeof(tmp))
		return conf_terr(p, t, "invalid address '%s'", conf_show(t->text, b, sizeof(b)));
	memcpy(tmp, t->text, al);
	tmp[al] = '\0';
	if (addr_parse(tmp, a) < 0)
		return conf_terr(p, t, "invalid address '%s'", conf_show(t->text, b, sizeof(b)));
	if (!pct)
		return 0;
	if (!is_link_local(a))
		return conf_terr(p, t, "'%%INTERFACE' is only for IPv6 link-local addresses: '%s'",
				 conf_show(t->text, b, sizeof(b)));
	if (!pct[1] || strlen(pct + 1) >= 16 || strchr(pct + 1, '/'))
		return conf_terr(p, t, "invalid interface name in '%s'",
				 conf_show(t->text, b, sizeof(b)));
	strcpy(ifname, pct + 1);
	return 0;
}

int conf_check_scope(struct conf_parser *p, int line, int col, const struct addr *a,
		     const char *ifname)
{
	char b[ADDR_STRLEN];

	if (is_link_local(a) && !ifname[0])
		return conf_perr(p, line, col,
				 "link-local address %s needs its interface (%s%%IFNAME, or the "
				 "interface keyword)",
				 addr_fmt(a, b), b);
	return 0;
}

/* ---------- neighbor ---------- */

int conf_nb_family(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 2, "ipv4 and/or ipv6") < 0)
		return -1;
	n->families = 0;
	for (size_t i = 1; i < p->ntok; i++) {
		uint8_t f = strcmp(p->tok[i].text, "ipv4") == 0   ? CONF_FAM_IPV4
			    : strcmp(p->tok[i].text, "ipv6") == 0 ? CONF_FAM_IPV6
								  : 0;

		if (!f)
			return conf_terr(p, &p->tok[i], "unknown family '%s' (expected ipv4, ipv6)",
					 conf_show(p->tok[i].text, b, sizeof(b)));
		if (n->families & f)
			return conf_terr(p, &p->tok[i], "family %s given twice", p->tok[i].text);
		n->families |= f;
	}
	return 0;
}

int conf_nb_interface(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	char b[ADDR_STRLEN];

	if (conf_nargs(p, 1, 1, "interface name") < 0)
		return -1;
	if (!is_link_local(&n->addr))
		return conf_terr(p, &p->tok[0],
				 "interface is only for a link-local neighbor, not %s",
				 addr_fmt(&n->addr, b));
	if (n->ifname[0] && strcmp(n->ifname, p->tok[1].text) != 0)
		return conf_terr(p, &p->tok[1], "neighbor %s already names interface %s",
				 addr_fmt(&n->addr, b), n->ifname);
	if (!p->tok[1].len || p->tok[1].len >= sizeof(n->ifname) || strchr(p->tok[1].text, '/'))
		return conf_terr(p, &p->tok[1], "invalid interface name");
	strcpy(n->ifname, p->tok[1].text);
	return 0;
}

int conf_nb_ext_nexthop(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf_neighbor *)obj)->ext_nexthop);
}

void conf_nb_mp_defaults(struct conf_neighbor *n) { n->ext_nexthop = 1; }

/* ---------- top level ---------- */

int conf_top_gshut_lp(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;

	if (conf_nargs(p, 1, 1, "LOCAL_PREF or off") < 0)
		return -1;
	if (strcmp(p->tok[1].text, "off") == 0) {
		c->gshut_off = 1;
		return 0;
	}
	c->gshut_off = 0;
	if (conf_parse_u32(p->tok[1].text, UINT32_MAX, &c->gshut_lp) < 0)
		return conf_terr(p, &p->tok[1],
				 "invalid graceful-shutdown-localpref (expected "
				 "0..4294967295 or off)");
	return 0;
}

int conf_top_rfc8212(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf *)obj)->rfc8212);
}

void conf_mp_defaults(struct conf *c) { c->rfc8212 = 1; }

/* Families not given: the address's own, plus the other one when a service announces
 * prefixes of it that no neighbour of that family could carry (the neighbour may refuse it:
 * the capability is an offer). A site with an IPv4 and an IPv6 session keeps one family on
 * each, as before. */
void conf_mp_finish(struct conf *c)
{
	uint8_t svc = 0, own = 0;

	for (size_t i = 0; i < c->nservices; i++)
		for (size_t j = 0; j < c->services[i].nprefixes; j++)
			svc |= c->services[i].prefixes[j].addr.af == AF_INET ? CONF_FAM_IPV4
									     : CONF_FAM_IPV6;
	for (size_t i = 0; i < c->nneighbors; i++)
		own |= c->neighbors[i].addr.af == AF_INET ? CONF_FAM_IPV4 : CONF_FAM_IPV6;
	for (size_t i = 0; i < c->nneighbors; i++) {
		struct conf_neighbor *n = &c->neighbors[i];
		uint8_t mine = n->addr.af == AF_INET ? CONF_FAM_IPV4 : CONF_FAM_IPV6;

		if (!n->families)
			n->families = (uint8_t)((svc & ~own) | mine);
	}
}
