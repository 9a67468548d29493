/* Load levels read from text (loadval.h). No strtod on unchecked input: only the characters of
 * a decimal number reach it, so "inf", "nan", hex floats and locale quirks are refused. */
#include "node/loadval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A level above this is a misconfigured scale (a raw count, not a ratio): refused. */
#define LOADVAL_MAX 1e6

static int is_space(char ch) { return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r'; }

/* s[0..n) is a decimal number: digits with at most one '.', an optional sign, an optional
 * exponent. Returns 0 and *v, or -1. */
static int parse_num(const char *s, size_t n, double *v)
{
	char b[64], *end;
	size_t i = 0, digits = 0;

	if (n == 0 || n >= sizeof(b))
		return -1;
	if (s[i] == '+' || s[i] == '-')
		i++;
	for (int dot = 0; i < n && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')); i++) {
		if (s[i] == '.' && dot++)
			return -1;
		digits += s[i] != '.';
	}
	if (!digits)
		return -1;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t e = 0;

		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			e++;
		if (!e)
			return -1;
	}
	if (i != n)
		return -1;
	memcpy(b, s, n);
	b[n] = 0;
	*v = strtod(b, &end);
	return end == b + n ? 0 : -1;
}

static int level(double v, double *out, const char **why)
{
	if (!isfinite(v) || v < 0) {
		*why = "negative load";
		return -1;
	}
	if (v > LOADVAL_MAX) {
		*why = "load out of range";
		return -1;
	}
	*out = v == 0 ? 0 : v; /* -0 reads as 0 */
	return 0;
}

int loadval_first_number(const char *text, size_t n, double *v, const char **why)
{
	size_t i = 0;

	while (i < n) {
		size_t w;
		double x;

		while (i < n && is_space(text[i]))
			i++;
		for (w = i; w < n && !is_space(text[w]); w++)
			;
		if (w > i && parse_num(text + i, w - i, &x) == 0)
			return level(x, v, why);
		i = w;
	}
	*why = "no number in the output";
	return -1;
}

int loadval_bare_number(const char *text, size_t n, double *v, const char **why)
{
	double x;

	while (n && is_space(text[n - 1]))
		n--;
	while (n && is_space(*text)) {
		text++;
		n--;
	}
	if (parse_num(text, n, &x) < 0) {
		*why = "the body is not a number";
		return -1;
	}
	return level(x, v, why);
}

/* After the metric name at s[0..n): the label set "{...}" (quoted values may hold '}' and
 * escapes), or nothing. Returns the length of the label set (0: none), or -1 if malformed. */
static long labels_len(const char *s, size_t n)
{
	size_t i = 1;
	int quoted = 0;

	if (n == 0 || s[0] != '{')
		return 0;
	for (; i < n; i++) {
		if (quoted && s[i] == '\\') {
			i++;
			continue;
		}
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted && s[i] == '}')
			return (long)i + 1;
	}
	return -1;
}

int loadval_prom_sample(const char *text, size_t n, const char *name, double *v, const char **why)
{
	size_t nl = strlen(name), pos = 0;
	int found = 0;
	double first = 0;

	while (pos < n) {
		const char *line = text + pos, *eol = memchr(line, '\n', n - pos);
		size_t len = eol ? (size_t)(eol - line) : n - pos;
		long ll;
		size_t i, w;
		double x;

		pos += len + 1;
		if (len < nl + 1 || line[0] == '#' || memcmp(line, name, nl) != 0)
			continue;
		/* name, then labels or whitespace: "load_ratio" is not "load" */
		if (line[nl] != '{' && !is_space(line[nl]))
			continue;
		ll = labels_len(line + nl, len - nl);
		if (ll < 0)
			continue;
		i = nl + (size_t)ll;
		while (i < len && is_space(line[i]))
			i++;
		for (w = i; w < len && !is_space(line[w]); w++)
			;
		if (parse_num(line + i, w - i, &x) < 0)
			continue; /* NaN, +Inf or garbage: not a level */
		if (ll == 0)
			return level(x, v, why);
		if (!found) {
			found = 1;
			first = x;
		}
	}
	if (found)
		return level(first, v, why);
	*why = "no such sample in the metrics";
	return -1;
}
