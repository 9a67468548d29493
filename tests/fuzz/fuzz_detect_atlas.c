/* libFuzzer target: RIPE Atlas ping results and probe metadata from arbitrary bytes. The input
 * is split at the first NUL byte: results before it, probes after it (no NUL: the same bytes
 * serve as both, which lets the fuzzer reach the matching of results to probes quickly).
 *
 * Beyond "no crash, no leak, no UB": messages are "r.json:LINE..." or "p.json:LINE..." with
 * LINE inside that file, a failure leaves no vantage point, and every vantage point kept is
 * usable and named by a probe id. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static long lines_of(const char *s, size_t n)
{
	long l = 1;

	for (size_t i = 0; i < n; i++)
		l += s[i] == '\n';
	return l;
}

static void check_msgs(const struct buf *m, long rlines, long plines)
{
	for (size_t i = 0; i < m->len;) {
		const char *s = (const char *)m->data + i, *nl = memchr(s, '\n', m->len - i);
		long max;
		char *end;

		if (!nl)
			abort();
		if (strncmp(s, "r.json:", 7) == 0)
			max = rlines;
		else if (strncmp(s, "p.json:", 7) == 0)
			max = plines;
		else
			abort();
		long line = strtol(s + 7, &end, 10);

		if (*end != ':' || line < 1 || line > max)
			abort();
		i = (size_t)(nl - (const char *)m->data) + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nul = memchr(data, 0, size);
	size_t len = nul ? (size_t)(nul - text) : size;
	const char *ptext = nul ? nul + 1 : text;
	size_t plen = nul ? size - len - 1 : size;
	struct det_input in;
	struct buf msgs;

	det_input_init(&in);
	buf_init(&msgs);
	int rc = det_atlas_parse("r.json", text, len, "p.json", ptext, plen, &in, &msgs);

	check_msgs(&msgs, lines_of(text, len), lines_of(ptext, plen));
	if (rc < 0 && in.n)
		abort();
	for (size_t i = 0; i < in.n; i++) {
		if (det_vp_check(in.vp[i].lat, in.vp[i].lon, in.vp[i].rtt_ms))
			abort();
		for (const char *c = in.vp[i].name; *c; c++)
			if (!isdigit((unsigned char)*c))
				abort();
	}
	buf_free(&msgs);
	det_input_free(&in);
	return 0;
}
