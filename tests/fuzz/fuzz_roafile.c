/* libFuzzer target for the ROA JSON file. Beyond "no crash, no leak, no UB": a refused document
 * leaves a message and no table; an accepted one reports each skipped entry on its own line
 * "f.json:LINE: ..." with LINE inside the file, never keeps more VRPs than good entries, and
 * every VRP it keeps makes its own prefix and origin valid (AS 0 ones: invalid). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpki/roafile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct check {
	const struct vrp_table *t;
};

static void check_vrp(const struct vrp *v, void *ctx)
{
	struct check *c = ctx;
	struct prefix p = v->pfx;

	if (vrp_validate(c->t, &p, v->asn) != (v->asn ? ROV_VALID : ROV_INVALID))
		abort();
	if (v->maxlen > p.len) {
		p.len = v->maxlen;
		if (vrp_validate(c->t, &p, v->asn) != (v->asn ? ROV_VALID : ROV_INVALID))
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct roa_stats st;
	struct buf msgs;
	struct vrp_table *t;
	long lines = 1, nmsg = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	buf_init(&msgs);
	t = roa_parse("f.json", (const char *)data, size, &st, &msgs);
	for (size_t i = 0; i < msgs.len;) {
		const char *s = (const char *)msgs.data + i, *nl = memchr(s, '\n', msgs.len - i);
		char *end;
		long line;

		if (!nl || strncmp(s, "f.json:", 7) != 0)
			abort();
		line = strtol(s + 7, &end, 10);
		if (line < 1 || line > lines || *end != ':')
			abort();
		nmsg++;
		i = (size_t)(nl - (const char *)msgs.data) + 1;
	}
	if (!t) {
		if (nmsg != 1)
			abort();
	} else {
		struct check c = { t };

		if ((size_t)nmsg != st.bad || st.bad > st.entries ||
		    vrp_count(t) > st.entries - st.bad)
			abort();
		vrp_foreach(t, check_vrp, &c);
		vrp_table_free(t);
	}
	buf_free(&msgs);
	return 0;
}
