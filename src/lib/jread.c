/* A strict recursive-descent JSON reader (see jread.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jread.h"

struct jp {
	const char *s;
	size_t len, pos;
	int line;
	size_t line_start;
	char *err;
	size_t errlen;
	int failed;
};

static int fail(struct jp *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct jp *p, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (p->failed)
		return -1;
	p->failed = 1;
	n = snprintf(p->err, p->errlen, "%d:%zu: ", p->line, p->pos - p->line_start + 1);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static void blanks(struct jp *p)
{
	while (p->pos < p->len) {
		char c = p->s[p->pos];

		if (c == '\n') {
			p->line++;
			p->line_start = p->pos + 1;
		} else if (c != ' ' && c != '\t' && c != '\r') {
			return;
		}
		p->pos++;
	}
}

static void *grow(void *a, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return a;
	*cap = *cap ? *cap * 2 : 4;
	a = realloc(a, *cap * size);
	if (!a)
		abort();
	return a;
}

static int hex4(struct jp *p, unsigned *out)
{
	*out = 0;
	if (p->len - p->pos < 4)
		return fail(p, "short \\u escape");
	for (int i = 0; i < 4; i++) {
		char c = p->s[p->pos++];
		unsigned d;

		if (c >= '0' && c <= '9')
			d = (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned)(c - 'A' + 10);
		else
			return fail(p, "bad \\u escape");
		*out = *out << 4 | d;
	}
	return 0;
}

static size_t utf8(unsigned cp, char *o)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | cp >> 18);
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

static const char escapes[][2] = { { '"', '"' },  { '\\', '\\' }, { '/', '/' },  { 'b', '\b' },
				   { 'f', '\f' }, { 'n', '\n' },  { 'r', '\r' }, { 't', '\t' } };

static int escape(struct jp *p, char *o, size_t *k)
{
	char c = p->s[p->pos++];
	unsigned cp, lo;

	for (size_t i = 0; i < sizeof(escapes) / sizeof(escapes[0]); i++)
		if (escapes[i][0] == c) {
			o[(*k)++] = escapes[i][1];
			return 0;
		}
	if (c != 'u')
		return (unsigned char)c > 0x20 && (unsigned char)c < 0x7f
			       ? fail(p, "bad escape '\\%c'", c)
			       : fail(p, "bad escape");
	if (hex4(p, &cp))
		return -1;
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(p, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->len - p->pos < 2 || p->s[p->pos] != '\\' || p->s[p->pos + 1] != 'u')
			return fail(p, "lone high surrogate");
		p->pos += 2;
		if (hex4(p, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(p, "bad low surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	*k += utf8(cp, o + *k);
	return 0;
}

/* At the opening quote. The decoded string is never longer than its source. */
static int string(struct jp *p, char **out)
{
	size_t start = ++p->pos, k = 0;
	char *o;

	while (p->pos < p->len && p->s[p->pos] != '"')
		p->pos += p->s[p->pos] == '\\' ? 2 : 1;
	if (p->pos >= p->len)
		return fail(p, "unterminated string");
	size_t end = p->pos;

	o = malloc(end - start + 1);
	if (!o)
		abort();
	for (p->pos = start; p->pos < end;) {
		unsigned char c = (unsigned char)p->s[p->pos];

		if (c < 0x20) {
			free(o);
			return fail(p, "control character in string");
		}
		p->pos++;
		if (c != '\\')
			o[k++] = (char)c;
		else if (escape(p, o, &k)) {
			free(o);
			return -1;
		}
	}
	p->pos = end + 1;
	o[k] = 0;
	*out = o;
	return 0;
}

static int digits(struct jp *p)
{
	size_t s = p->pos;

	while (p->pos < p->len && p->s[p->pos] >= '0' && p->s[p->pos] <= '9')
		p->pos++;
	return p->pos > s ? 0 : fail(p, "expected a digit");
}

static int number(struct jp *p, double *out)
{
	size_t start = p->pos;
	char tmp[64];

	if (p->s[p->pos] == '-')
		p->pos++;
	if (p->pos < p->len && p->s[p->pos] == '0')
		p->pos++;
	else if (digits(p))
		return -1;
	if (p->pos < p->len && p->s[p->pos] == '.') {
		p->pos++;
		if (digits(p))
			return -1;
	}
	if (p->pos < p->len && (p->s[p->pos] == 'e' || p->s[p->pos] == 'E')) {
		p->pos++;
		if (p->pos < p->len && (p->s[p->pos] == '+' || p->s[p->pos] == '-'))
			p->pos++;
		if (digits(p))
			return -1;
	}
	if (p->pos - start >= sizeof(tmp))
		return fail(p, "number too long");
	memcpy(tmp, p->s + start, p->pos - start);
	tmp[p->pos - start] = 0;
	*out = strtod(tmp, NULL);
	return 0;
}

static int value(struct jp *p, struct jv *v, int depth);

/* Arrays and objects: items separated by commas, keys before colons in objects. */
static int container(struct jp *p, struct jv *v, int depth)
{
	char close = v->type == JV_ARR ? ']' : '}';
	size_t cap = 0, kcap = 0;

	if (depth >= JV_DEPTH_MAX)
		return fail(p, "nested too deep");
	p->pos++;
	blanks(p);
	if (p->pos < p->len && p->s[p->pos] == close) {
		p->pos++;
		return 0;
	}
	for (;;) {
		blanks(p);
		if (v->type == JV_OBJ) {
			if (p->pos >= p->len || p->s[p->pos] != '"')
				return fail(p, "expected a member name");
			v->key = grow(v->key, &kcap, v->n, sizeof(*v->key));
			if (string(p, &v->key[v->n]))
				return -1;
			blanks(p);
			if (p->pos >= p->len || p->s[p->pos] != ':') {
				free(v->key[v->n]);
				return fail(p, "expected ':'");
			}
			p->pos++;
		}
		v->item = grow(v->item, &cap, v->n, sizeof(*v->item));
		if (value(p, &v->item[v->n], depth + 1)) {
			jv_free(&v->item[v->n]);
			if (v->type == JV_OBJ)
				free(v->key[v->n]);
			return -1;
		}
		v->n++;
		blanks(p);
		if (p->pos >= p->len)
			return fail(p, "unterminated %s", v->type == JV_ARR ? "array" : "object");
		if (p->s[p->pos] == close) {
			p->pos++;
			return 0;
		}
		if (p->s[p->pos] != ',')
			return fail(p, "expected ',' or '%c'", close);
		p->pos++;
	}
}

static const struct {
	const char *word;
	enum jv_type type;
} words[] = { { "null", JV_NULL }, { "false", JV_FALSE }, { "true", JV_TRUE } };

static int value(struct jp *p, struct jv *v, int depth)
{
	memset(v, 0, sizeof(*v));
	blanks(p);
	v->line = p->line;
	if (p->pos >= p->len)
		return fail(p, "expected a value");
	char c = p->s[p->pos];

	if (c == '"') {
		v->type = JV_STR;
		return string(p, &v->str);
	}
	if (c == '[' || c == '{') {
		v->type = c == '[' ? JV_ARR : JV_OBJ;
		return container(p, v, depth);
	}
	if (c == '-' || (c >= '0' && c <= '9')) {
		v->type = JV_NUM;
		return number(p, &v->num);
	}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);

		if (p->len - p->pos >= n && memcmp(p->s + p->pos, words[i].word, n) == 0) {
			v->type = words[i].type;
			p->pos += n;
			return 0;
		}
	}
	return fail(p, "unexpected character");
}

int jv_parse(const char *text, size_t len, size_t *pos, int *line, struct jv *v, char *err,
	     size_t errlen)
{
	struct jp p = {
		.s = text, .len = len, .pos = *pos, .line = *line, .err = err, .errlen = errlen
	};

	/* columns count from the start of the line even when *pos is inside one */
	p.line_start = *pos;
	while (p.line_start > 0 && text[p.line_start - 1] != '\n')
		p.line_start--;
	if (errlen)
		err[0] = 0;
	if (value(&p, v, 0)) {
		jv_free(v);
		return -1;
	}
	blanks(&p);
	*pos = p.pos;
	*line = p.line;
	return 0;
}

void jv_free(struct jv *v)
{
	free(v->str);
	for (size_t i = 0; i < v->n; i++) {
		jv_free(&v->item[i]);
		if (v->type == JV_OBJ)
			free(v->key[i]);
	}
	free(v->item);
	free(v->key);
	memset(v, 0, sizeof(*v));
}

const struct jv *jv_get(const struct jv *v, const char *key)
{
	if (!v || v->type != JV_OBJ)
		return NULL;
	for (size_t i = 0; i < v->n; i++)
		if (strcmp(v->key[i], key) == 0)
			return &v->item[i];
	return NULL;
}

int jv_number(const struct jv *v, double *out)
{
	char *end;

	if (v && v->type == JV_NUM) {
		*out = v->num;
		return 0;
	}
	if (!v || v->type != JV_STR || !v->str[0])
		return -1;
	*out = strtod(v->str, &end);
	return *end ? -1 : 0;
}
