/* anycastd.conf parser: statements, blocks, the top level, neighbor and service blocks.
 * Check lines and the value parsers they share live in conf_check.c, the service block in
 * conf_service.c, the router-mode keywords in conf_router.c. The grammar and every
 * default are documented in anycastd.conf(5). */
#include "conf/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
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

/* ---------- errors ---------- */

static int conf_vperr(struct conf_parser *p, int line, int col, const char *fmt, va_list ap)
{
	char msg[512];

	if (p->failed)
		return -1;
	p->failed = 1;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (p->err && p->errlen)
		snprintf(p->err, p->errlen, "%s:%d:%d: %s", p->file, line, col, msg);
	return -1;
}

int conf_perr(struct conf_parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vperr(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int conf_terr(struct conf_parser *p, const struct lex_tok *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	conf_vperr(p, t->line, t->col, fmt, ap);
	va_end(ap);
	return -1;
}

const char *conf_show(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (o + 8 >= len) {
			memcpy(buf + o, "...", 4);
			return buf;
		}
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", ch);
	}
	buf[o] = '\0';
	return buf;
}

/* ---------- small value parsers ---------- */

void *conf_grow(void *arr, size_t n, size_t size)
{
	if (n & (n - 1)) /* not a power of two (nor 0): there is room already */
		return arr;
	return xrealloc(arr, (n ? 2 * n : 1) * size);
}

int conf_parse_u32(const char *s, uint32_t max, uint32_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (uint64_t)(*s - '0');
		if (n > max)
			return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

int conf_parse_duration(const char *s, uint32_t *ms)
{
	static const struct {
		const char *unit;
		uint32_t ms;
	} units[] = { { "h", 3600000 }, { "ms", 1 }, { "m", 60000 }, { "s", 1000 } };
	uint64_t total = 0;
	uint32_t last = UINT32_MAX; /* units must come in decreasing size: 1m30s, not 30s1m */
	int parts = 0;

	if (!s || !*s)
		return -1;
	while (*s) {
		uint64_t n = 0;
		size_t i, ndig = 0;

		while (*s >= '0' && *s <= '9') {
			n = n * 10 + (uint64_t)(*s++ - '0');
			if (n > UINT32_MAX)
				return -1;
			ndig++;
		}
		if (!ndig)
			return -1;
		if (!*s) {
			/* A bare number means seconds, but only on its own: "1m30" is a typo. */
			if (parts)
				return -1;
			total = n * 1000;
			break;
		}
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
			size_t ul = strlen(units[i].unit);

			if (strncmp(s, units[i].unit, ul) == 0 && !(s[ul] >= 'a' && s[ul] <= 'z'))
				break;
		}
		if (i == sizeof(units) / sizeof(units[0]) || units[i].ms >= last)
			return -1;
		last = units[i].ms;
		s += strlen(units[i].unit);
		total += n * units[i].ms;
		if (total > UINT32_MAX)
			return -1;
		parts++;
	}
	if (total > UINT32_MAX)
		return -1;
	*ms = (uint32_t)total;
	return 0;
}

int conf_parse_hostport(const char *s, uint16_t defport, struct addr *a, uint16_t *port)
{
	char host[64];
	const char *colon, *hs;
	size_t hl;
	uint32_t v;

	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb)
			return -1;
		hs = s + 1;
		hl = (size_t)(rb - hs);
		colon = rb[1] == ':' ? rb + 1 : NULL;
		if (!colon && rb[1])
			return -1;
	} else {
		/* An unbracketed IPv6 address is refused even without a port: "::1:53" is a valid
		 * address, and silently taking it as one would hide the typo. */
		colon = strchr(s, ':');
		if (colon && strchr(colon + 1, ':'))
			return -1;
		hs = s;
		hl = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (hl == 0 || hl >= sizeof(host))
		return -1;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	if (addr_parse(host, a) < 0)
		return -1;
	if ((s[0] == '[') != (a->af == AF_INET6))
		return -1;
	if (!colon) {
		if (!defport)
			return -1;
		*port = defport;
		return 0;
	}
	if (conf_parse_u32(colon + 1, 65535, &v) < 0 || v == 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* ---------- statements ---------- */

static void stmt_clear(struct conf_parser *p)
{
	for (size_t i = 0; i < p->ntok; i++)
		lex_tok_free(&p->tok[i]);
	p->ntok = 0;
	lex_tok_free(&p->term);
}

/* Reads words and strings up to the next newline, '{', '}' or end of file. */
static int read_stmt(struct conf_parser *p)
{
	stmt_clear(p);
	for (;;) {
		struct lex_tok t;

		if (lex_next(&p->lx, &t) < 0)
			return conf_perr(p, p->lx.err_line, p->lx.err_col, "%s", p->lx.err);
		if (t.kind != LEX_WORD && t.kind != LEX_STRING) {
			p->term = t;
			return 0;
		}
		if (p->ntok == p->captok) {
			p->captok = p->captok ? p->captok * 2 : 8;
			p->tok = xrealloc(p->tok, p->captok * sizeof(*p->tok));
		}
		p->tok[p->ntok++] = t;
	}
}

/* Checks that the statement has between min and max values after its keyword. */
int conf_nargs(struct conf_parser *p, size_t min, size_t max, const char *what)
{
	char b[CONF_SHOW_LEN];

	if (p->ntok - 1 < min)
		return conf_terr(p, &p->tok[0], "missing %s after '%s'", what, p->tok[0].text);
	if (p->ntok - 1 > max)
		return conf_terr(p, &p->tok[max + 1], "unexpected '%s' after '%s' %s",
				 conf_show(p->tok[max + 1].text, b, sizeof(b)), p->tok[0].text,
				 max ? "value" : "(it takes no value)");
	return 0;
}

struct seen {
	int line[16];   /* where each unique keyword of the table was first given; 0 = not yet */
};

static void expected_list(const struct conf_kw *tab, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", tab[i].name);
}

/* Runs the statement's handler: -1 on error, 1 if it was a block (consumed up to its '}'),
 * else 0. */
static int dispatch(struct conf_parser *p, const struct conf_kw *tab, size_t n, struct seen *seen,
		    void *obj, const char *where, const char *inblock, int open_line)
{
	const struct lex_tok *k = &p->tok[0];
	char b[CONF_SHOW_LEN], list[256];
	size_t i;

	if (n > sizeof(seen->line) / sizeof(seen->line[0]))
		fatal("conf: keyword table too large for struct seen");
	if (k->kind != LEX_WORD)
		return conf_terr(p, k, "expected a keyword, not a quoted string");
	for (i = 0; i < n; i++)
		if (strcmp(k->text, tab[i].name) == 0)
			break;
	if (i == n) {
		/* The usual cause of a block keyword inside a block is a '}' forgotten above. */
		if (inblock && (strcmp(k->text, "neighbor") == 0 || strcmp(k->text, "service") == 0))
			return conf_terr(p, k, "'%s' inside a %s block: missing '}' to close the "
					 "block opened at line %d?", k->text, inblock, open_line);
		expected_list(tab, n, list, sizeof(list));
		return conf_terr(p, k, "unknown keyword '%s' %s (expected %s)",
				 conf_show(k->text, b, sizeof(b)), where, list);
	}
	if (!tab[i].repeatable) {
		if (seen->line[i])
			return conf_terr(p, k, "'%s' given twice %s (first at line %d)", k->text,
					 where, seen->line[i]);
		seen->line[i] = k->line;
	}
	if (!tab[i].block && p->term.kind == LEX_LBRACE)
		return conf_terr(p, &p->term, "unexpected '{' after '%s'", k->text);
	if (tab[i].fn(p, obj) < 0)
		return -1;
	return tab[i].block;
}

/* After a block header: the '{' ends the statement, or comes alone on a following line. */
int conf_expect_lbrace(struct conf_parser *p, const char *what)
{
	while (p->term.kind == LEX_NEWLINE) {
		if (read_stmt(p) < 0)
			return -1;
		if (p->ntok) {
			char b[CONF_SHOW_LEN];

			return conf_terr(p, &p->tok[0], "expected '{' to open the %s block, found '%s'",
					 what, conf_show(p->tok[0].text, b, sizeof(b)));
		}
	}
	if (p->term.kind != LEX_LBRACE)
		return conf_terr(p, &p->term, "expected '{' to open the %s block, found %s", what,
				 lex_kind_name(p->term.kind));
	return 0;
}

/* Runs the statements of a block until its '}'. Blocks do not nest. */
int conf_parse_block(struct conf_parser *p, const struct conf_kw *tab, size_t n, void *obj,
		       const char *name, int open_line)
{
	struct seen seen = { { 0 } };
	char where[32];

	snprintf(where, sizeof(where), "in %s block", name);
	for (;;) {
		if (read_stmt(p) < 0)
			return -1;
		if (p->ntok) {
			if (dispatch(p, tab, n, &seen, obj, where, name, open_line) < 0)
				return -1;
		}
		switch (p->term.kind) {
		case LEX_RBRACE:
			return 0;
		case LEX_LBRACE:
			return conf_terr(p, &p->term, "unexpected '{' in %s block", name);
		case LEX_EOF:
			return conf_terr(p, &p->term, "missing '}' to close the %s block opened at "
					 "line %d", name, open_line);
		default:
			break;
		}
	}
}

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
	return conf_terr(p, t, "invalid AS number '%s' (expected 1..4294967295, or asdot like 1.10)",
			 conf_show(t->text, b, sizeof(b)));
}

int conf_parse_addr_tok(struct conf_parser *p, const struct lex_tok *t, struct addr *a)
{
	char b[CONF_SHOW_LEN];

	if (addr_parse(t->text, a) < 0)
		return conf_terr(p, t, "invalid address '%s'", conf_show(t->text, b, sizeof(b)));
	return 0;
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

	if (conf_nargs(p, 1, 1, "address") < 0 || conf_parse_addr_tok(p, &p->tok[1], &n->local_addr) < 0)
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
		{ "provider", BGP_ROLE_PROVIDER }, { "customer", BGP_ROLE_CUSTOMER },
		{ "peer", BGP_ROLE_PEER },         { "rs", BGP_ROLE_RS },
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
		return conf_terr(p, &p->tok[1], "invalid hold-time '%s' (expected 0 or 3..65535 seconds)",
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
	{ "prepend", conf_nb_prepend, 0, 0 },
	{ "local-pref", conf_nb_local_pref, 0, 0 },
	{ "import-prefix", conf_nb_import_prefix, 1, 0 },
	{ "export-prefix", conf_nb_export_prefix, 1, 0 },
};

static int top_neighbor(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;
	struct conf_neighbor *n;
	struct addr a;
	char b[ADDR_STRLEN];
	int line = p->tok[0].line, col = p->tok[0].col;

	if (conf_nargs(p, 1, 1, "neighbor address") < 0 || conf_parse_addr_tok(p, &p->tok[1], &a) < 0)
		return -1;
	for (size_t i = 0; i < c->nneighbors; i++)
		if (addr_eq(&c->neighbors[i].addr, &a))
			return conf_terr(p, &p->tok[1], "duplicate neighbor %s (first at line %d)",
					 addr_fmt(&a, b), c->neighbors[i].line);
	if (conf_expect_lbrace(p, "neighbor") < 0)
		return -1;
	/* Appended before its block is parsed, so conf_free() finds whatever it owns. */
	c->neighbors = conf_grow(c->neighbors, c->nneighbors, sizeof(*c->neighbors));
	n = &c->neighbors[c->nneighbors++];
	memset(n, 0, sizeof(*n));
	n->addr = a;
	n->role = BGP_ROLE_NONE;
	n->hold_time = CONF_DEFAULT_HOLD;
	n->line = line;
	n->col = col;
	if (conf_parse_block(p, neighbor_kw, sizeof(neighbor_kw) / sizeof(neighbor_kw[0]), n,
			"neighbor", line) < 0)
		return -1;
	if (!n->remote_as)
		return conf_perr(p, line, col, "neighbor %s has no remote-as", addr_fmt(&a, b));
	return 0;
}

/* ---------- top level ---------- */

static int top_router_id(struct conf_parser *p, void *obj)
{
	struct conf *c = obj;

	if (conf_nargs(p, 1, 1, "router id") < 0 || conf_parse_addr_tok(p, &p->tok[1], &c->router_id) < 0)
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
	char b[ADDR_STRLEN];

	if (conf_nargs(p, 1, 1, "address") < 0 || conf_parse_addr_tok(p, &p->tok[1], &a) < 0)
		return -1;
	for (size_t i = 0; i < c->nlisten; i++)
		if (addr_eq(&c->listen[i], &a))
			return conf_terr(p, &p->tok[1], "duplicate listen address %s", addr_fmt(&a, b));
	c->listen = conf_grow(c->listen, c->nlisten, sizeof(*c->listen));
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
		return conf_terr(p, &p->tok[1], "invalid metrics address '%s' (expected IPV4:PORT or "
				 "[IPV6]:PORT)", conf_show(p->tok[1].text, b, sizeof(b)));
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
	{ "neighbor", top_neighbor, 1, 1 },
	{ "service", conf_parse_service, 1, 1 },
};

static int parse_top(struct conf_parser *p)
{
	struct seen seen = { { 0 } };
	struct conf *c = p->c;

	for (;;) {
		if (read_stmt(p) < 0)
			return -1;
		if (p->ntok) {
			int r = dispatch(p, top_kw, sizeof(top_kw) / sizeof(top_kw[0]), &seen, c,
					 "at top level", NULL, 0);

			if (r < 0)
				return -1;
			/* A block handler has consumed through its '}'; the next statement starts. */
			if (r == 1)
				continue;
		}
		switch (p->term.kind) {
		case LEX_EOF:
			goto done;
		case LEX_RBRACE:
			return conf_terr(p, &p->term, "unexpected '}' (no block is open)");
		case LEX_LBRACE:
			return conf_terr(p, &p->term, "unexpected '{'");
		default:
			break;
		}
	}
done:
	conf_router_finish(p);
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

			return conf_perr(p, c->neighbors[i].line, c->neighbors[i].col,
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
	lex_init(&p.lx, text, len);
	r = parse_top(&p);
	stmt_clear(&p);
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
					snprintf(err, errlen, "%s: file too large (over %u bytes)", path,
						 CONF_MAX_FILE);
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
	}
	free(c->services);
	memset(c, 0, sizeof(*c));
}

const struct conf_service *conf_find_service(const struct conf *c, const char *name)
{
	for (size_t i = 0; i < c->nservices; i++)
		if (strcmp(c->services[i].name, name) == 0)
			return &c->services[i];
	return NULL;
}

const struct conf_neighbor *conf_find_neighbor(const struct conf *c, const struct addr *a)
{
	for (size_t i = 0; i < c->nneighbors; i++)
		if (addr_eq(&c->neighbors[i].addr, a))
			return &c->neighbors[i];
	return NULL;
}
