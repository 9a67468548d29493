/* The ROA file reader (stayrtr's and rpki-client's JSON), on the strict reader of lib/jread. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lib/jread.h"
#include "rpki/roafile.h"

/* "AS65001", "as65001", "65001" or the number 65001: an ASN of 32 bits. */
static int parse_asn(const struct jv *v, uint32_t *asn)
{
	double d;

	if (v->type == JV_STR) {
		const char *s = v->str;
		char *end;
		unsigned long long n;

		if (strncasecmp(s, "AS", 2) == 0)
			s += 2;
		if (*s < '0' || *s > '9' || strlen(s) > 10)
			return -1;
		errno = 0;
		n = strtoull(s, &end, 10);
		if (*end || errno || n > UINT32_MAX)
			return -1;
		*asn = (uint32_t)n;
		return 0;
	}
	if (v->type != JV_NUM || jv_number(v, &d) < 0 || d < 0 || d > UINT32_MAX ||
	    d != (double)(uint32_t)d)
		return -1;
	*asn = (uint32_t)d;
	return 0;
}

/* One entry of "roas" into v; NULL, or what is wrong with it. */
static const char *parse_entry(const struct jv *e, struct vrp *v)
{
	const struct jv *p = jv_get(e, "prefix"), *m = jv_get(e, "maxLength"),
			*a = jv_get(e, "asn");
	unsigned bits;

	if (e->type != JV_OBJ)
		return "a ROA must be an object";
	if (!p || p->type != JV_STR)
		return "\"prefix\" missing or not a string";
	switch (prefix_parse(p->str, &v->pfx)) {
	case 0: break;
	case -2: return "\"prefix\" has host bits set";
	default: return "\"prefix\" is not an IPv4 or IPv6 prefix";
	}
	bits = v->pfx.addr.af == AF_INET ? 32 : 128;
	v->maxlen = v->pfx.len;
	if (m) {
		/* Range first: the cast to int of a number out of range is undefined. */
		if (m->type != JV_NUM || m->num < v->pfx.len || m->num > bits ||
		    m->num != (double)(int)m->num)
			return "\"maxLength\" must be an integer from the prefix length to 32 or 128";
		v->maxlen = (uint8_t)m->num;
	}
	if (!a)
		return "\"asn\" missing";
	if (parse_asn(a, &v->asn) < 0)
		return "\"asn\" is not an AS number (\"AS65001\" or 65001)";
	return NULL;
}

struct vrp_table *roa_parse(const char *name, const char *text, size_t len, struct roa_stats *st,
			    struct buf *msgs)
{
	struct jv doc;
	const struct jv *roas;
	struct vrp_table *t;
	size_t pos = 0;
	int line = 1;
	char err[160];

	memset(st, 0, sizeof(*st));
	if (jv_parse(text, len, &pos, &line, &doc, err, sizeof(err)) < 0) {
		buf_printf(msgs, "%s:%s\n", name, err);
		return NULL;
	}
	while (pos < len && strchr(" \t\r\n", text[pos]))
		pos++;
	roas = jv_get(&doc, "roas");
	if (pos < len || !roas || roas->type != JV_ARR) {
		buf_printf(msgs, "%s:%d: %s\n", name, pos < len ? line : doc.line,
			   pos < len ? "text after the JSON document"
				     : "expected an object with a \"roas\" array");
		jv_free(&doc);
		return NULL;
	}
	t = vrp_table_new();
	for (size_t i = 0; i < roas->n; i++) {
		const struct jv *e = &roas->item[i];
		struct vrp v;
		const char *why = parse_entry(e, &v);

		st->entries++;
		if (why) {
			buf_printf(msgs, "%s:%d: %s\n", name, e->line, why);
			st->bad++;
			continue;
		}
		/* A repeated ROA is one VRP, as stayrtr and rpki-client dedupe them. */
		if (vrp_add(t, &v) == 0)
			vrp_del(t, &v);
	}
	jv_free(&doc);
	return t;
}

struct vrp_table *roa_load(const char *path, struct roa_stats *st, struct buf *msgs)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	struct vrp_table *t;
	char chunk[65536];
	size_t n;

	memset(st, 0, sizeof(*st));
	if (!f) {
		buf_printf(msgs, "%s: %s\n", path, strerror(errno));
		return NULL;
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(f)) {
		buf_printf(msgs, "%s: %s\n", path, strerror(errno));
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	t = roa_parse(path, (const char *)b.data, b.len, st, msgs);
	buf_free(&b);
	return t;
}
