/* anycastd.conf: the layer every block parser stands on. Errors as FILE:LINE:COL, the
 * statement reader (words up to a newline, '{' or '}'), keyword dispatch with "given twice"
 * checks, blocks, and the value parsers the blocks share. It knows no keyword: conf.c (top
 * level and neighbor), conf_service.c, conf_check.c and conf_router.c call down into it, so
 * the parser's files form no cycle. */
#include "conf/conf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/proto.h"
#include "conf/conf_int.h"
#include "conf/lexer.h"
#include "lib/log.h"

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

void conf_stmt_clear(struct conf_parser *p)
{
	for (size_t i = 0; i < p->ntok; i++)
		lex_tok_free(&p->tok[i]);
	p->ntok = 0;
	lex_tok_free(&p->term);
}

/* Reads words and strings up to the next newline, '{', '}' or end of file. */
int conf_read_stmt(struct conf_parser *p)
{
	conf_stmt_clear(p);
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

static void expected_list(const struct conf_kw *tab, size_t n, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", tab[i].name);
}

/* Runs the statement's handler: -1 on error, 1 if it was a block (consumed up to its '}'),
 * else 0. */
int conf_dispatch(struct conf_parser *p, const struct conf_kw *tab, size_t n,
		  struct conf_seen *seen, void *obj, const char *where, const char *inblock,
		  int open_line)
{
	const struct lex_tok *k = &p->tok[0];
	char b[CONF_SHOW_LEN], list[256];
	size_t i;

	if (n > sizeof(seen->line) / sizeof(seen->line[0]))
		fatal("conf: keyword table too large for struct conf_seen");
	if (k->kind != LEX_WORD)
		return conf_terr(p, k, "expected a keyword, not a quoted string");
	for (i = 0; i < n; i++)
		if (strcmp(k->text, tab[i].name) == 0)
			break;
	if (i == n) {
		/* The usual cause of a block keyword inside a block is a '}' forgotten above. */
		if (inblock &&
		    (strcmp(k->text, "neighbor") == 0 || strcmp(k->text, "service") == 0))
			return conf_terr(p, k,
					 "'%s' inside a %s block: missing '}' to close the "
					 "block opened at line %d?",
					 k->text, inblock, open_line);
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
		if (conf_read_stmt(p) < 0)
			return -1;
		if (p->ntok) {
			char b[CONF_SHOW_LEN];

			return conf_terr(p, &p->tok[0],
					 "expected '{' to open the %s block, found '%s'", what,
					 conf_show(p->tok[0].text, b, sizeof(b)));
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
	struct conf_seen seen = { { 0 } };
	char where[32];

	snprintf(where, sizeof(where), "in %s block", name);
	for (;;) {
		if (conf_read_stmt(p) < 0)
			return -1;
		if (p->ntok) {
			if (conf_dispatch(p, tab, n, &seen, obj, where, name, open_line) < 0)
				return -1;
		}
		switch (p->term.kind) {
		case LEX_RBRACE: return 0;
		case LEX_LBRACE: return conf_terr(p, &p->term, "unexpected '{' in %s block", name);
		case LEX_EOF:
			return conf_terr(p, &p->term,
					 "missing '}' to close the %s block opened at "
					 "line %d",
					 name, open_line);
		default: break;
		}
	}
}

/* ---------- tokens as values ---------- */

int conf_parse_addr_tok(struct conf_parser *p, const struct lex_tok *t, struct addr *a)
{
	char b[CONF_SHOW_LEN];

	if (addr_parse(t->text, a) < 0)
		return conf_terr(p, t, "invalid address '%s'", conf_show(t->text, b, sizeof(b)));
	return 0;
}

int conf_parse_yesno(struct conf_parser *p, uint8_t *v)
{
	const struct lex_tok *t = &p->tok[1];
	char b[CONF_SHOW_LEN];

	if (conf_nargs(p, 1, 1, "yes or no") < 0)
		return -1;
	if (strcmp(t->text, "yes") == 0)
		*v = 1;
	else if (strcmp(t->text, "no") == 0)
		*v = 0;
	else
		return conf_terr(p, t, "invalid %s '%s' (expected yes or no)", p->tok[0].text,
				 conf_show(t->text, b, sizeof(b)));
	return 0;
}

int conf_parse_prefix_tok(struct conf_parser *p, const struct lex_tok *t, struct prefix *pf)
{
	char b[CONF_SHOW_LEN], pb[PREFIX_STRLEN];
	int r;

	if (!strchr(t->text, '/'))
		return conf_terr(p, t, "prefix '%s' has no length (expected ADDR/LEN)",
				 conf_show(t->text, b, sizeof(b)));
	r = prefix_parse(t->text, pf);
	if (r == -2) {
		prefix_normalize(pf);
		return conf_terr(p, t, "prefix %s has host bits set (did you mean %s?)",
				 conf_show(t->text, b, sizeof(b)), prefix_fmt(pf, pb));
	}
	if (r < 0)
		return conf_terr(p, t, "invalid prefix '%s'", conf_show(t->text, b, sizeof(b)));
	return 0;
}

/* ---- communities (service and shed statements) ---- */

static const struct {
	const char *name;
	uint32_t value;
} well_known_comms[] = {
	{ "graceful-shutdown", BGP_COMM_GRACEFUL_SHUTDOWN },
	{ "no-export", BGP_COMM_NO_EXPORT },
	{ "no-advertise", BGP_COMM_NO_ADVERTISE },
};

/* Splits "A:B[:C]" into n numbers no larger than max; -1 on anything else. */
static int parse_colon_list(const char *s, size_t n, uint32_t max, uint32_t *out)
{
	char tmp[16];

	for (size_t i = 0; i < n; i++) {
		const char *end = i + 1 < n ? strchr(s, ':') : s + strlen(s);
		size_t l;

		if (!end)
			return -1;
		l = (size_t)(end - s);
		if (l == 0 || l >= sizeof(tmp))
			return -1;
		memcpy(tmp, s, l);
		tmp[l] = '\0';
		if (conf_parse_u32(tmp, max, &out[i]) < 0)
			return -1;
		s = end + (i + 1 < n);
	}
	return 0;
}

int conf_parse_comm(const char *s, uint32_t *comm)
{
	uint32_t v[2];

	for (size_t i = 0; i < sizeof(well_known_comms) / sizeof(well_known_comms[0]); i++) {
		if (strcmp(s, well_known_comms[i].name) == 0) {
			*comm = well_known_comms[i].value;
			return 0;
		}
	}
	if (parse_colon_list(s, 2, 65535, v) < 0)
		return -1;
	*comm = v[0] << 16 | v[1];
	return 0;
}

int conf_parse_lcomm(const char *s, uint32_t v[3]) { return parse_colon_list(s, 3, UINT32_MAX, v); }
