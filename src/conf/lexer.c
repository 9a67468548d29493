/* Tokenizer for anycastd.conf; see lexer.h for the token rules. */
#include "conf/lexer.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

void lex_init(struct lex *lx, const char *text, size_t len)
{
	memset(lx, 0, sizeof(*lx));
	lx->p = (const unsigned char *)text;
	lx->end = lx->p + len;
	lx->line = 1;
	lx->col = 1;
	/* Editors on some systems write a BOM; it is not part of the first keyword. */
	if (len >= 3 && lx->p[0] == 0xef && lx->p[1] == 0xbb && lx->p[2] == 0xbf)
		lx->p += 3;
}

void lex_tok_free(struct lex_tok *t)
{
	free(t->text);
	memset(t, 0, sizeof(*t));
}

const char *lex_kind_name(enum lex_kind k)
{
	switch (k) {
	case LEX_EOF: return "end of file";
	case LEX_NEWLINE: return "end of line";
	case LEX_WORD: return "word";
	case LEX_STRING: return "string";
	case LEX_LBRACE: return "'{'";
	case LEX_RBRACE: return "'}'";
	}
	return "token";
}

/* Positions saturate instead of overflowing: a 2 GiB line is absurd, not undefined. */
static void advance(struct lex *lx)
{
	if (*lx->p == '\n') {
		if (lx->line < INT_MAX)
			lx->line++;
		lx->col = 1;
	} else if (lx->col < INT_MAX) {
		lx->col++;
	}
	lx->p++;
}

static int lex_error(struct lex *lx, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int lex_error(struct lex *lx, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(lx->err, sizeof(lx->err), fmt, ap);
	va_end(ap);
	lx->err_line = line;
	lx->err_col = col;
	return -1;
}

/* Bytes that may never appear in the file outside of escapes. */
static int is_bad_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f;
}

static int bad_byte(struct lex *lx)
{
	unsigned char c = *lx->p;

	if (c == 0)
		return lex_error(lx, lx->line, lx->col, "NUL byte in file");
	return lex_error(lx, lx->line, lx->col, "invalid control character 0x%02x", c);
}

static int is_word_byte(unsigned char c)
{
	return c > ' ' && c != '{' && c != '}' && c != '"' && !is_bad_ctl(c);
}

/* Output text grows here; the configs are small, so doubling is plenty. */
struct sbuf {
	char *s;
	size_t len, cap;
};

static void sb_put(struct sbuf *b, char c)
{
	if (b->len + 1 >= b->cap) {
		b->cap = b->cap ? b->cap * 2 : 32;
		b->s = xrealloc(b->s, b->cap);
	}
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

static int lex_string(struct lex *lx, struct lex_tok *t)
{
	struct sbuf b = { 0 };

	advance(lx); /* the opening quote */
	for (;;) {
		unsigned char c;

		if (lx->p == lx->end || *lx->p == '\n' || *lx->p == '\r') {
			free(b.s);
			return lex_error(lx, t->line, t->col, "unterminated string");
		}
		c = *lx->p;
		if (c == '"') {
			advance(lx);
			/* "a"b is almost surely a typo for "a" b or "ab"; say so here. */
			if (lx->p < lx->end && is_word_byte(*lx->p) && *lx->p != '#') {
				free(b.s);
				return lex_error(lx, lx->line, lx->col,
						 "missing space after closing quote");
			}
			break;
		}
		if (is_bad_ctl(c)) {
			free(b.s);
			return bad_byte(lx);
		}
		if (c == '\\') {
			int eline = lx->line, ecol = lx->col;

			advance(lx);
			if (lx->p == lx->end) {
				free(b.s);
				return lex_error(lx, t->line, t->col, "unterminated string");
			}
			switch (*lx->p) {
			case '"': c = '"'; break;
			case '\\': c = '\\'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			default:
				free(b.s);
				if (*lx->p == '\n' || *lx->p == '\r')
					return lex_error(lx, t->line, t->col,
							 "unterminated string");
				if (*lx->p >= 0x20 && *lx->p < 0x7f)
					return lex_error(
						lx, eline, ecol,
						"unknown escape '\\%c' in string (expected \\\" \\\\ \\n \\t \\r)",
						*lx->p);
				return lex_error(lx, eline, ecol, "unknown escape in string");
			}
		}
		sb_put(&b, (char)c);
		advance(lx);
	}
	t->kind = LEX_STRING;
	t->text = b.s ? b.s : xstrdup("");
	t->len = b.len;
	return 0;
}

int lex_next(struct lex *lx, struct lex_tok *t)
{
	memset(t, 0, sizeof(*t));
	for (;;) {
		unsigned char c;

		if (lx->p == lx->end) {
			t->kind = LEX_EOF;
			t->line = lx->line;
			t->col = lx->col;
			return 0;
		}
		c = *lx->p;
		if (c == ' ' || c == '\t' || c == '\r') {
			advance(lx);
			continue;
		}
		if (c == '#') {
			while (lx->p < lx->end && *lx->p != '\n') {
				/* Comments are free text, but not binary junk. */
				if (is_bad_ctl(*lx->p))
					return bad_byte(lx);
				advance(lx);
			}
			continue;
		}
		break;
	}
	t->line = lx->line;
	t->col = lx->col;
	switch (*lx->p) {
	case '\n':
		t->kind = LEX_NEWLINE;
		advance(lx);
		return 0;
	case '{':
		t->kind = LEX_LBRACE;
		advance(lx);
		return 0;
	case '}':
		t->kind = LEX_RBRACE;
		advance(lx);
		return 0;
	case '"': return lex_string(lx, t);
	}
	if (is_bad_ctl(*lx->p))
		return bad_byte(lx);

	{
		const unsigned char *start = lx->p;
		size_t n;

		while (lx->p < lx->end && is_word_byte(*lx->p))
			advance(lx);
		if (lx->p < lx->end && *lx->p == '"')
			return lex_error(lx, lx->line, lx->col, "missing space before '\"'");
		n = (size_t)(lx->p - start);
		t->kind = LEX_WORD;
		t->text = xmalloc(n + 1);
		memcpy(t->text, start, n);
		t->text[n] = '\0';
		t->len = n;
	}
	return 0;
}
