/* Master-file lexer and record structure; the per-type RDATA syntax is in rdata.c. */
#include "dns/zparse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/dns.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "lib/log.h"

enum { TK_WORD, TK_EOL, TK_EOF, TK_ERR };

struct lex {
	const char *p, *end;
	unsigned line;
	int paren;
	unsigned paren_line; /* where the open "(" is */
	const char *err;
	unsigned errline;
};

static int is_delim(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ';' || c == '(' ||
	       c == ')' || c == '"';
}

/* Next token. Newlines inside parentheses are blanks (RFC 1035 5.1). */
static int lex_next(struct lex *l, struct dns_ztok *t)
{
	for (;;) {
		if (l->p >= l->end) {
			if (l->paren) {
				l->err = "unbalanced parentheses: \"(\" never closed";
				l->errline = l->paren_line;
				return TK_ERR;
			}
			return TK_EOF;
		}
		char c = *l->p;

		if (c == ' ' || c == '\t' || c == '\r') {
			l->p++;
		} else if (c == ';') {
			while (l->p < l->end && *l->p != '\n')
				l->p++;
		} else if (c == '\n') {
			l->p++;
			l->line++;
			if (!l->paren)
				return TK_EOL;
		} else if (c == '(') {
			if (!l->paren++)
				l->paren_line = l->line;
			l->p++;
		} else if (c == ')') {
			if (!l->paren) {
				l->err = "\")\" without \"(\"";
				l->errline = l->line;
				return TK_ERR;
			}
			l->paren--;
			l->p++;
		} else {
			break;
		}
	}
	t->line = l->line;
	if (*l->p == '"') {
		const char *s = ++l->p;

		while (l->p < l->end && *l->p != '"' && *l->p != '\n') {
			if (*l->p == '\\' && l->p + 1 < l->end && l->p[1] != '\n')
				l->p++;
			l->p++;
		}
		if (l->p >= l->end || *l->p != '"') {
			l->err = "unterminated quoted string";
			l->errline = t->line;
			return TK_ERR;
		}
		t->s = s;
		t->n = (size_t)(l->p - s);
		t->quoted = 1;
		l->p++;
		return TK_WORD;
	}
	const char *s = l->p;

	while (l->p < l->end && !is_delim(*l->p)) {
		if (*l->p == '\\') {
			if (l->p + 1 >= l->end || l->p[1] == '\n') {
				l->err = "backslash at the end of a line";
				l->errline = t->line;
				return TK_ERR;
			}
			l->p++;
		}
		l->p++;
	}
	t->s = s;
	t->n = (size_t)(l->p - s);
	t->quoted = 0;
	return TK_WORD;
}

struct zp {
	struct lex lex;
	const char *file;
	char *err;
	size_t errlen;
	uint8_t origin[DNS_NAME_MAX];
	int has_origin;
	uint8_t owner[DNS_NAME_MAX];
	size_t owner_len;
	uint32_t default_ttl, last_ttl;
	int has_default_ttl, has_last_ttl;
	struct dns_ztok *toks;
	int ntoks, captoks;
	uint8_t rdata[DNS_RDATA_MAX];
};

static int fail(struct zp *z, unsigned line, const char *why)
{
	snprintf(z->err, z->errlen, "%s:%u: %s", z->file, line, why);
	return -1;
}

/* Collects the tokens up to the end of the logical line. */
static int rest_of_line(struct zp *z)
{
	struct dns_ztok t;
	int k;

	z->ntoks = 0;
	while ((k = lex_next(&z->lex, &t)) == TK_WORD) {
		if (z->ntoks == z->captoks) {
			z->captoks = z->captoks ? z->captoks * 2 : 64;
			z->toks = xrealloc(z->toks, (size_t)z->captoks * sizeof(*z->toks));
		}
		z->toks[z->ntoks++] = t;
	}
	if (k == TK_ERR)
		return fail(z, z->lex.errline, z->lex.err);
	return 0;
}

static int tok_is(const struct dns_ztok *t, const char *s)
{
	return !t->quoted && strlen(s) == t->n && strncasecmp(t->s, s, t->n) == 0;
}

static int directive(struct zp *z, const struct dns_ztok *d)
{
	unsigned line = d->line;
	const char *why;

	if (rest_of_line(z) < 0)
		return -1;
	if (tok_is(d, "$ORIGIN")) {
		if (z->ntoks != 1)
			return fail(z, line, "$ORIGIN takes one name");
		/* relative to the previous origin, as BIND does */
		int l = dns_name_from_text(z->toks[0].s, z->toks[0].n,
					   z->has_origin ? z->origin : NULL, z->rdata, &why);

		if (l < 0)
			return fail(z, line, why);
		memcpy(z->origin, z->rdata, (size_t)l); /* case kept for rdata; owners are folded */
		z->has_origin = 1;
		return 0;
	}
	if (tok_is(d, "$TTL")) {
		if (z->ntoks != 1)
			return fail(z, line, "$TTL takes one value");
		if (dns_ttl_from_text(z->toks[0].s, z->toks[0].n, &z->default_ttl) < 0)
			return fail(z, line, "bad $TTL value");
		z->has_default_ttl = 1;
		return 0;
	}
	if (tok_is(d, "$INCLUDE"))
		return fail(z, line, "$INCLUDE is not supported");
	return fail(z, line, "unknown directive");
}

static int record(struct zp *z, int blank_owner, unsigned line, dns_zrr_cb *cb, void *arg)
{
	const char *why;
	int i = 0;

	if (rest_of_line(z) < 0)
		return -1;
	if (!blank_owner) {
		const struct dns_ztok *o = &z->toks[i++];
		uint8_t tmp[DNS_NAME_MAX];

		if (o->quoted)
			return fail(z, o->line, "an owner name cannot be a quoted string");
		int l = dns_name_from_text(o->s, o->n, z->has_origin ? z->origin : NULL, tmp, &why);

		if (l < 0)
			return fail(z, o->line, why);
		dns_name_lower(z->owner, tmp, (size_t)l);
		z->owner_len = (size_t)l;
	} else if (!z->owner_len) {
		return fail(z, line, "no owner name and no previous one to repeat");
	}
	/* [TTL] [class] type, or [class] [TTL] type (RFC 1035 5.1) */
	int have_ttl = 0, have_class = 0;
	uint32_t ttl = 0;
	int type = -1;

	for (; i < z->ntoks; i++) {
		const struct dns_ztok *t = &z->toks[i];

		if (t->quoted)
			return fail(z, t->line, "expected a TTL, class or type");
		if (!have_ttl && t->s[0] >= '0' && t->s[0] <= '9') {
			if (dns_ttl_from_text(t->s, t->n, &ttl) < 0)
				return fail(z, t->line, "bad TTL");
			have_ttl = 1;
			continue;
		}
		if (!have_class && (tok_is(t, "IN") || tok_is(t, "CH") || tok_is(t, "HS") ||
				    (t->n > 5 && strncasecmp(t->s, "CLASS", 5) == 0))) {
			if (!tok_is(t, "IN") && !tok_is(t, "CLASS1"))
				return fail(z, t->line, "only class IN is supported");
			have_class = 1;
			continue;
		}
		type = dns_type_from_text(t->s, t->n);
		if (type < 0)
			return fail(z, t->line, "unknown type");
		i++;
		break;
	}
	if (type < 0)
		return fail(z, line, "missing type");
	if (type == DNS_T_OPT || (type >= 128 && type <= 255) || type == 0)
		return fail(z, z->toks[i - 1].line, "this type cannot appear in a zone");
	if (!have_ttl) {
		/* RFC 2308 4: $TTL; before it, the last explicit TTL (RFC 1035 5.1) */
		if (z->has_default_ttl)
			ttl = z->default_ttl;
		else if (z->has_last_ttl)
			ttl = z->last_ttl;
		else if (type == DNS_T_SOA) {
			ttl = 0; /* set from the SOA minimum below */
		} else
			return fail(z, line, "no TTL given and no $TTL before");
	} else {
		z->last_ttl = ttl;
		z->has_last_ttl = 1;
	}
	unsigned eline = line;
	int rdlen = dns_rdata_from_text((uint16_t)type, z->toks + i, z->ntoks - i,
					z->has_origin ? z->origin : NULL, z->rdata, &why, &eline);

	if (rdlen < 0)
		return fail(z, eline, why);
	if (!have_ttl && !z->has_default_ttl && !z->has_last_ttl && type == DNS_T_SOA &&
	    rdlen >= 20) {
		/* BIND's old rule: an SOA with no TTL anywhere takes its own minimum */
		ttl = (uint32_t)z->rdata[rdlen - 4] << 24 | (uint32_t)z->rdata[rdlen - 3] << 16 |
		      (uint32_t)z->rdata[rdlen - 2] << 8 | z->rdata[rdlen - 1];
		z->last_ttl = ttl;
		z->has_last_ttl = 1;
	}
	why = cb(arg, z->owner, z->owner_len, (uint16_t)type, ttl, z->rdata, (size_t)rdlen, line);
	if (why)
		return fail(z, line, why);
	return 0;
}

int dns_zparse(const char *file, const char *text, size_t len, const uint8_t *origin,
	       dns_zrr_cb *cb, void *arg, char *err, size_t errlen)
{
	struct zp *z = xcalloc(1, sizeof(*z));
	int rc = 0;

	z->lex.p = text;
	z->lex.end = text + len;
	z->lex.line = 1;
	z->file = file;
	z->err = err;
	z->errlen = errlen;
	if (origin) {
		memcpy(z->origin, origin, dns_name_len(origin));
		z->has_origin = 1;
	}
	for (;;) {
		/* A line that starts with a blank repeats the previous owner (RFC 1035 5.1). */
		int bol_blank = z->lex.p < z->lex.end && (*z->lex.p == ' ' || *z->lex.p == '\t');
		struct dns_ztok t;
		int k = lex_next(&z->lex, &t);

		if (k == TK_EOF)
			break;
		if (k == TK_ERR) {
			rc = fail(z, z->lex.errline, z->lex.err);
			break;
		}
		if (k == TK_EOL)
			continue;
		if (!bol_blank && !t.quoted && t.n > 0 && t.s[0] == '$') {
			rc = directive(z, &t);
		} else {
			/* Put the token back: the record parser reads the whole line. */
			z->lex.p = t.s - (t.quoted ? 1 : 0);
			z->lex.line = t.line;
			rc = record(z, bol_blank, t.line, cb, arg);
		}
		if (rc < 0)
			break;
	}
	free(z->toks);
	free(z);
	return rc;
}
