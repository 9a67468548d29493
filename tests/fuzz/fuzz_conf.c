/* libFuzzer target: anycastd.conf parsing from arbitrary bytes.
 *
 * Beyond "no crash, no leak, no UB", it checks the parser's promises: a failed parse leaves
 * an empty conf and a "NAME:LINE:COL: message" error whose position lies inside the input;
 * a successful one leaves no error and a conf whose invariants hold. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/conf.h"
#include "conf/lexer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const char *err, const uint8_t *data, size_t size)
{
	long line, col, lines = 1;
	char *end;

	if (strncmp(err, "fuzz.conf:", 10) != 0)
		abort();
	line = strtol(err + 10, &end, 10);
	if (*end != ':')
		abort();
	col = strtol(end + 1, &end, 10);
	if (*end != ':' || end[1] != ' ' || line < 1 || col < 1)
		abort();
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	/* The end of the file is a position too: the line after a final newline. */
	if (line > lines || col > (long)size + 1)
		abort();
}

static void check_conf(const struct conf *c)
{
	for (size_t i = 0; i < c->nneighbors; i++) {
		const struct conf_neighbor *n = &c->neighbors[i];

		if (!n->remote_as || conf_find_neighbor(c, &n->addr, n->ifname) != n)
			abort();
		if (n->local_addr.af && n->local_addr.af != n->addr.af)
			abort();
		if (!c->local_as || c->router_id.af != AF_INET || (n->passive && !c->nlisten))
			abort();
	}
	for (size_t i = 0; i < c->nservices; i++) {
		const struct conf_service *s = &c->services[i];

		if (!s->nprefixes || conf_find_service(c, s->name) != s || s->prepend > 16)
			abort();
		for (size_t j = 0; j < s->nchecks; j++) {
			const struct conf_check *k = &s->checks[j];

			if (!k->target || !k->interval_ms || !k->timeout_ms ||
			    !k->fast_interval_ms || k->timeout_ms > k->interval_ms ||
			    k->fast_interval_ms > k->interval_ms || !k->rise || !k->fall)
				abort();
			if (k->kind == CHECK_DNS && (!k->dns_name || !k->dns_type || !k->port))
				abort();
			if (k->kind == CHECK_HTTP &&
			    (!k->http_host || !k->http_path || k->http_path[0] != '/' || !k->port))
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;
	char err[256];
	struct lex lx;
	struct lex_tok t;
	int r;

	r = conf_parse("fuzz.conf", (const char *)data, size, &c, err, sizeof(err));
	if (r == 0) {
		if (err[0])
			abort();
		check_conf(&c);
	} else {
		check_error(err, data, size);
		if (c.file || c.neighbors || c.services || c.listen || c.control)
			abort();
	}
	conf_free(&c);

	/* The lexer alone, over the whole input: positions only move forward. */
	lex_init(&lx, (const char *)data, size);
	{
		int pl = 1, pc = 0;

		while ((r = lex_next(&lx, &t)) == 0 && t.kind != LEX_EOF) {
			if (t.line < pl || (t.line == pl && t.col <= pc))
				abort();
			if ((t.kind == LEX_WORD || t.kind == LEX_STRING) &&
			    (!t.text || strlen(t.text) != t.len))
				abort();
			pl = t.line;
			pc = t.col;
			lex_tok_free(&t);
		}
		lex_tok_free(&t);
	}

	/* Durations: the input as one NUL-terminated word. */
	if (size < 64) {
		char s[64];
		uint32_t ms;

		memcpy(s, data, size);
		s[size] = '\0';
		(void)conf_parse_duration(s, &ms);
	}
	return 0;
}
