/* libFuzzer target: `anycast detect` CSV input from arbitrary bytes.
 *
 * Beyond "no crash, no leak, no UB": every message is "fuzz.csv:LINE: text" with LINE inside
 * the input, one message per discarded row (plus one for a missing header), and every vantage
 * point kept passes det_vp_check. The method then runs on what was kept, so that whatever a
 * file can hold also goes through the discs and the city choice. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t check_msgs(const struct buf *m, const uint8_t *data, size_t size)
{
	long lines = 1;
	size_t count = 0;

	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n';
	for (size_t i = 0; i < m->len;) {
		const char *s = (const char *)m->data + i, *nl = memchr(s, '\n', m->len - i);
		char *end;

		if (!nl || strncmp(s, "fuzz.csv:", 9) != 0)
			abort();
		long line = strtol(s + 9, &end, 10);

		if (end[0] != ':' || end[1] != ' ' || line < 1 || line > lines)
			abort();
		count++;
		i = (size_t)(nl - (const char *)m->data) + 1;
	}
	return count;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct det_input in;
	struct det_result r;
	struct det_params p;
	struct buf msgs;
	int rc;

	det_input_init(&in);
	buf_init(&msgs);
	rc = det_csv_parse("fuzz.csv", (const char *)data, size, &in, &msgs);
	size_t n = check_msgs(&msgs, data, size);

	if (n != in.discarded + (rc < 0))
		abort();
	for (size_t i = 0; i < in.n; i++)
		if (det_vp_check(in.vp[i].lat, in.vp[i].lon, in.vp[i].rtt_ms) || !in.vp[i].name[0])
			abort();
	det_input_merge(&in);
	det_params_default(&p);
	if (in.n && in.n < 200) {
		if (det_run(&in, &p, &r) != 0 || !r.nsites || r.anycast != (r.nsites > 1))
			abort();
		det_result_free(&r);
	}
	buf_free(&msgs);
	det_input_free(&in);
	return 0;
}
