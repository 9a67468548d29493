/* anycastd.conf parser: the top level and the neighbor block, and the API (conf_parse,
 * conf_load, conf_free). Statements, dispatch, errors and shared value parsers live in
 * conf_parse.c, the service block in conf_service.c, check lines in conf_check.c, the
 * router-mode keywords in conf_router.c. The grammar and every default are documented in
 * anycastd.conf(5). */
#include "conf/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "bgp/proto.h"
#include "conf/conf_int.h"
#include "conf/lexer.h"
#include "lib/log.h"

/* Large enough for any sane config, small enough that a wrong path (a disk image, say)
 * fails fast instead of being slurped. */
#define CONF_MAX_FILE (16u << 20)
#define AS_TRANS 23456u

/* ---------- neighbor ---------- */

static int parse_asn(struct conf_parser *p, const struct lex_tok *t, uint32_t *as)
{
	const char *dot = strchr(t->text, '.');
	char b[CONF_SHOW_LEN];
	uint32_t hi, lo;

	if (dot) {
		char tmp[16];
		size_t hl = (size_t)(dot - t->text);

		/* asdot (RFC 5396): HIGH.LOW, each a 16-bit number. */
		if (hl == 0 || hl >= sizeof(tmp))
			goto bad;
		memcpy(tmp, t->text, hl);
		tmp[hl] = '\0';
		if (conf_parse_u32(tmp, 65535, &hi) < 0 || conf_parse_u32(dot + 1, 65535, &lo) < 0)
			goto bad;
		*as = hi << 16 | lo;
	} else if (conf_parse_u32(t->text, UINT32_MAX, as) < 0) {
		goto bad;
	}
	if (*as == 0)
		return conf_terr(p, t, "AS number 0 is reserved");
	if (*as == AS_TRANS)
		return conf_terr(p, t, "AS 23456 (AS_TRANS) cannot be configured");
	return 0;
bad:
	return conf_terr(p, t,
			 "invalid AS number '%s' (expected 1..4294967295, or asdot like 1.10)",
			 conf_show(t->text, b, sizeof(b)));
}

static int nb_remote_as(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;

	if (conf_nargs(p, 1, 1, "AS number") < 0)
		return -1;
	return parse_asn(p, &p->tok[1], &n->remote_as);
}

static int nb_local_address(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	char b1[ADDR_STRLEN], b2[ADDR_STRLEN];

	if (conf_nargs(p, 1, 1, "address") < 0 ||
	    conf_parse_addr_tok(p, &p->tok[1], &n->local_addr) < 0)
		return -1;
	if (n->local_addr.af != n->addr.af)
		return conf_terr(p, &p->tok[1], "local-address %s is %s but neighbor %s is %s",
				 addr_fmt(&n->local_addr, b1),
				 n->local_addr.af == AF_INET ? "IPv4" : "IPv6",
				 addr_fmt(&n->addr, b2), n->addr.af == AF_INET ? "IPv4" : "IPv6");
	return 0;
}

static int nb_local_role(struct conf_parser *p, void *obj)
{
	static const struct {
		const char *name;
		enum bgp_role role;
	} roles[] = {
		{ "provider", BGP_ROLE_PROVIDER },   { "customer", BGP_ROLE_CUSTOMER },
		{ "peer", BGP_ROLE_PEER },           { "rs", BGP_ROLE_RS },
		{ "rs-client", BGP_ROLE_RS_CLIENT },
	};
	struct conf_neighbor *n = obj;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "role") < 0)
		return -1;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		if (strcmp(p->tok[1].text, roles[i].name) == 0) {
			n->role = (uint8_t)roles[i].role;
			return 0;
		}
	}
	return conf_terr(p, &p->tok[1],
			 "unknown role '%s' (expected provider, customer, peer, rs, rs-client)",
			 conf_show(p->tok[1].text, b, sizeof(b)));
}

static int nb_hold_time(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;
	uint32_t v;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "hold time") < 0)
		return -1;
	/* RFC 4271 4.2: zero (no keepalives) or at least three seconds. */
	if (conf_parse_u32(p->tok[1].text, 65535, &v) < 0 || v == 1 || v == 2)
		return conf_terr(p, &p->tok[1],
				 "invalid hold-time '%s' (expected 0 or 3..65535 seconds)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	n->hold_time = (uint16_t)v;
	return 0;
}

static int nb_passive(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;

	if (conf_nargs(p, 0, 0, "") < 0)
		return -1;
	n->passive = 1;
	return 0;
}

static int nb_description(struct conf_parser *p, void *obj)
{
	struct conf_neighbor *n = obj;

	if (conf_nargs(p, 1, 1, "text") < 0)
		return -1;
	n->description = xstrdup(p->tok[1].text);
	return 0;
}

static const struct conf_kw neighbor_kw[] = {
	{ "remote-as", nb_remote_as, 0, 0 },
	{ "local-address", nb_local_address, 0, 0 },
	{ "local-role", nb_local_role, 0, 0 },
	{ "hold-time", nb_hold_time, 0, 0 },
	{ "passive", nb_passive, 0, 0 },
	{ "description", nb_description, 0, 0 },
	{ "max-prefix", conf_nb_max_prefix, 0, 0 },
	{ "send-hold-time", conf_nb_send_hold_time, 0, 0 },
	{ "prepend", conf_nb_prepend, 0, 0 },
	{ "local-pref", conf_nb_local_pref, 0, 0 },
	{ "import-prefix", conf_nb_import_prefix, 1, 0 },
	{ "export-prefix", conf_nb_export_prefix, 1, 0 },
	{ "password", conf_nb_password, 0, 0 },
	{ "ttl-security", conf_nb_ttl_security, 0, 0 },
	{ "multihop", conf_nb_multihop, 0, 0 },
	{ "graceful-restart", conf_nb_graceful_restart, 0, 0 },
	{ "graceful-restart-time", conf_nb_gr_time, 0, 0 },
	{ "family", conf_nb_family, 0, 0 },
	{ "interface", conf_nb_interface, 0, 0 },
	{ "extended-nexthop", conf_nb_ext_nexthop, 0, 0 },
	{ "bfd", conf_nb_bfd, 0, 0 },
	{ "bfd-interval", conf_nb_bfd_interval, 0, 0 },
	{ "bfd-multiplier", conf_nb_bfd_multiplier, 0, 0 },
	{ "rov", conf_nb_rov, 0, 0 },
};

static int top_neighbor(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	struct conf_neighbor *n;
	struct addr a;
	char b[ADDR_STRLEN], ifname[16];
	int line = p->tok[0].line, col = p->tok[0].col;
	int aline = p->tok[1].line, acol = p->tok[1].col;

	if (conf_nargs(p, 1, 1, "neighbor address") < 0 ||
	    conf_parse_scoped_addr_tok(p, &p->tok[1], &a, ifname) < 0)
		return -1;
	if (conf_expect_lbrace(p, "neighbor") < 0)
		return -1;
	/* Appended before its block is parsed, so conf_free() finds whatever it owns. */
	c->neighbors = conf_grow(c->neighbors, c->nneighbors, sizeof(*c->neighbors));
	n = &c->neighbors[c->nneighbors++];
	memset(n, 0, sizeof(*n));
	n->addr = a;
	strcpy(n->ifname, ifname);
	conf_nb_mp_defaults(n);
	n->role = BGP_ROLE_NONE;
	n->hold_time = CONF_DEFAULT_HOLD;
	n->gr_time = CONF_DEFAULT_GR_TIME;
	conf_bfd_defaults(n);
	n->line = line;
	n->col = col;
	if (conf_parse_block(p, neighbor_kw, sizeof(neighbor_kw) / sizeof(neighbor_kw[0]), n,
			     "neighbor", line) < 0)
		return -1;
	if (!n->remote_as)
		return conf_perr(p, line, col, "neighbor %s has no remote-as", addr_fmt(&a, b));
	/* Only now is the neighbour's interface known: `interface` may come in its block. */
	const struct conf_neighbor *dup = conf_find_neighbor(c, &n->addr, n->ifname);

	if (dup != n)
		return conf_perr(p, aline, acol, "duplicate neighbor %s%s%s (first at line %d)",
				 addr_fmt(&a, b), n->ifname[0] ? "%" : "", n->ifname, dup->line);
	return conf_check_scope(p, aline, acol, &n->addr, n->ifname);
}

/* ---------- top level ---------- */

static int top_router_id(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;

	if (conf_nargs(p, 1, 1, "router id") < 0 ||
	    conf_parse_addr_tok(p, &p->tok[1], &c->router_id) < 0)
		return -1;
	/* The BGP Identifier is four octets and must not be zero (RFC 6286). */
	if (c->router_id.af != AF_INET || !memcmp(c->router_id.a, "\0\0\0\0", 4))
		return conf_terr(p, &p->tok[1], "router-id must be a non-zero IPv4 address");
	return 0;
}

static int top_local_as(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;

	if (conf_nargs(p, 1, 1, "AS number") < 0)
		return -1;
	return parse_asn(p, &p->tok[1], &c->local_as);
}

static int top_listen(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	struct addr a;
	char b[ADDR_STRLEN], ifname[16];

	if (conf_nargs(p, 1, 1, "address") < 0 ||
	    conf_parse_scoped_addr_tok(p, &p->tok[1], &a, ifname) < 0 ||
	    conf_check_scope(p, p->tok[1].line, p->tok[1].col, &a, ifname) < 0)
		return -1;
	for (size_t i = 0; i < c->nlisten; i++)
		if (addr_eq(&c->listen[i], &a) && !strcmp(c->listen_ifname[i], ifname))
			return conf_terr(p, &p->tok[1], "duplicate listen address %s",
					 addr_fmt(&a, b));
	c->listen = conf_grow(c->listen, c->nlisten, sizeof(*c->listen));
	c->listen_ifname = conf_grow(c->listen_ifname, c->nlisten, sizeof(*c->listen_ifname));
	strcpy(c->listen_ifname[c->nlisten], ifname);
	c->listen[c->nlisten++] = a;
	return 0;
}

static int top_control(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	const size_t max = sizeof(((struct sockaddr_un *)0)->sun_path) - 1;

	if (conf_nargs(p, 1, 1, "socket path") < 0)
		return -1;
	if (!p->tok[1].len || p->tok[1].len > max)
		return conf_terr(p, &p->tok[1], "control socket path must be 1 to %zu bytes", max);
	free(c->control);
	c->control = xstrdup(p->tok[1].text);
	return 0;
}

static int top_metrics(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "ADDR:PORT") < 0)
		return -1;
	if (conf_parse_hostport(p->tok[1].text, 9179, &c->metrics_addr, &c->metrics_port) < 0)
		return conf_terr(p, &p->tok[1],
				 "invalid metrics address '%s' (expected IPV4:PORT or "
				 "[IPV6]:PORT)",
				 conf_show(p->tok[1].text, b, sizeof(b)));
	return 0;
}

static int top_fib(struct conf_parser *p, void *obj)
{
	return conf_parse_yesno(p, &((struct conf *)obj)->fib);
}

static const struct conf_kw top_kw[] = {
	{ "router-id", top_router_id, 0, 0 },
	{ "local-as", top_local_as, 0, 0 },
	{ "listen", top_listen, 1, 0 },
	{ "control", top_control, 0, 0 },
	{ "metrics", top_metrics, 0, 0 },
	{ "fib", top_fib, 0, 0 },
	{ "transit", conf_top_transit, 0, 0 },
	{ "multipath", conf_top_multipath, 0, 0 },
	{ "local-pref-customer", conf_top_lp_customer, 0, 0 },
	{ "local-pref-peer", conf_top_lp_peer, 0, 0 },
	{ "local-pref-provider", conf_top_lp_provider, 0, 0 },
	{ "user", conf_top_user, 0, 0 },
	{ "group", conf_top_group, 0, 0 },
	{ "check-user", conf_top_check_user, 0, 0 },
	{ "control-group", conf_top_control_group, 0, 0 },
	{ "control-readonly", conf_top_control_ro, 0, 0 },
	{ "pidfile", conf_top_pidfile, 0, 0 },
	{ "kernel-protocol", conf_top_kernel_protocol, 0, 0 },
	{ "graceful-shutdown-localpref", conf_top_gshut_lp, 0, 0 },
	{ "rfc8212", conf_top_rfc8212, 0, 0 },
	{ "neighbor", top_neighbor, 1, 1 },
	{ "service", conf_parse_service, 1, 1 },
	{ "rpki", conf_top_rpki, 1, 0 },
	{ "roa-file", conf_top_roa_file, 0, 0 },
	{ "monitor", conf_top_monitor, 0, 0 },
	{ "watch", conf_top_watch, 1, 0 },
};

static int parse_top(struct conf_parser *p)
{
	struct conf_seen seen = { { 0 } };
	struct conf *c = p->c;

	for (;;) {
		if (conf_read_stmt(p) < 0)
			return -1;
		if (p->ntok) {
			int r = conf_dispatch(p, top_kw, sizeof(top_kw) / sizeof(top_kw[0]), &seen,
					      c, "at top level", NULL, 0);

			if (r < 0)
				return -1;
			/* A block handler has consumed through its '}'; the next statement starts. */
			if (r == 1)
				continue;
		}
		switch (p->term.kind) {
		case LEX_EOF: goto done;
		case LEX_RBRACE: return conf_terr(p, &p->term, "unexpected '}' (no block is open)");
		case LEX_LBRACE: return conf_terr(p, &p->term, "unexpected '{'");
		default: break;
		}
	}
done:
	conf_router_finish(p);
	if (conf_sec_finish(p) < 0 || conf_shed_finish(p) < 0)
		return -1;
	conf_mp_finish(c);
	conf_rpki_finish(c);
	if (c->nneighbors && !c->router_id.af)
		return conf_perr(p, c->neighbors[0].line, c->neighbors[0].col,
				 "router-id is required when a neighbor is configured");
	if (c->nneighbors && !c->local_as)
		return conf_perr(p, c->neighbors[0].line, c->neighbors[0].col,
				 "local-as is required when a neighbor is configured");
	/* A passive neighbour can only ever reach us through a listening socket. */
	for (size_t i = 0; i < c->nneighbors && !c->nlisten; i++) {
		if (c->neighbors[i].passive) {
			char b[ADDR_STRLEN];

			return conf_perr(
				p, c->neighbors[i].line, c->neighbors[i].col,
				"neighbor %s is passive but no listen address is configured",
				addr_fmt(&c->neighbors[i].addr, b));
		}
	}
	return 0;
}

/* ---------- API ---------- */

int conf_parse(const char *name, const char *text, size_t len, struct conf *c, char *err,
	       size_t errlen)
{
	struct conf_parser p = { .file = name, .c = c, .err = err, .errlen = errlen };
	int r;

	memset(c, 0, sizeof(*c));
	if (err && errlen)
		err[0] = '\0';
	c->file = xstrdup(name);
	c->control = xstrdup(CONF_DEFAULT_CONTROL);
	conf_router_defaults(c);
	conf_sec_defaults(c);
	conf_mp_defaults(c);
	lex_init(&p.lx, text, len);
	r = parse_top(&p);
	conf_stmt_clear(&p);
	free(p.tok);
	if (r < 0) {
		/* Callers may conf_free() after a failure too; a freed conf is all zeroes. */
		conf_free(c);
		return -1;
	}
	return 0;
}

int conf_load(const char *path, struct conf *c, char *err, size_t errlen)
{
	char *text = NULL;
	size_t len = 0, cap = 0;
	int fd, r;

	memset(c, 0, sizeof(*c));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto ioerr;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			if (cap >= CONF_MAX_FILE) {
				close(fd);
				free(text);
				if (err && errlen)
					snprintf(err, errlen, "%s: file too large (over %u bytes)",
						 path, CONF_MAX_FILE);
				return -1;
			}
			cap = cap ? cap * 2 : 4096;
			text = xrealloc(text, cap);
		}
		n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			free(text);
			errno = e;
			goto ioerr;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	r = conf_parse(path, text ? text : "", len, c, err, errlen);
	free(text);
	return r;
ioerr:
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	return -1;
}

void conf_free(struct conf *c)
{
	free(c->file);
	free(c->listen);
	free(c->listen_ifname);
	free(c->control);
	for (size_t i = 0; i < c->nneighbors; i++)
		conf_neighbor_free(&c->neighbors[i]);
	free(c->neighbors);
	for (size_t i = 0; i < c->nservices; i++) {
		struct conf_service *s = &c->services[i];

		free(s->name);
		free(s->prefixes);
		for (size_t j = 0; j < s->nchecks; j++)
			conf_check_free(&s->checks[j]);
		free(s->checks);
		free(s->comms);
		free(s->lcomms);
		free(s->drain_file);
		free(s->sheds);
	}
	free(c->services);
	conf_sec_free(c);
	conf_rpki_free(c);
	memset(c, 0, sizeof(*c));
}

const struct conf_service *conf_find_service(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	return NULL;
}

const struct conf_neighbor *conf_find_neighbor(const struct conf *c, const struct addr *a,
					       const char *ifname)
{
	for (size_t i = 0; i < c->nneighbors; i++)
		if (addr_eq(&c->neighbors[i].addr, a) && !strcmp(c->neighbors[i].ifname, ifname))
			return &c->neighbors[i];
	return NULL;
}
