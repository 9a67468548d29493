/* The vantage point list shared by the parsers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/input.h"

void det_input_init(struct det_input *in) { memset(in, 0, sizeof(*in)); }

void det_input_free(struct det_input *in)
{
	free(in->vp);
	det_input_init(in);
}

void det_input_add(struct det_input *in, const char *name, double lat, double lon, double rtt_ms)
{
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 64;
		struct det_vp *v = realloc(in->vp, cap * sizeof(*v));

		if (!v)
			abort();
		in->vp = v;
		in->cap = cap;
	}
	struct det_vp *v = &in->vp[in->n++];

	snprintf(v->name, sizeof(v->name), "%s", name);
	v->lat = lat;
	v->lon = lon;
	v->rtt_ms = rtt_ms;
}

static int by_name_rtt(const void *a, const void *b)
{
	const struct det_vp *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return (x->rtt_ms > y->rtt_ms) - (x->rtt_ms < y->rtt_ms);
}

void det_input_merge(struct det_input *in)
{
	size_t k = 0;

	if (!in->n)
		return;
	qsort(in->vp, in->n, sizeof(in->vp[0]), by_name_rtt);
	for (size_t i = 1; i < in->n; i++)
		if (strcmp(in->vp[i].name, in->vp[k].name) != 0)
			in->vp[++k] = in->vp[i];
	in->n = k + 1;
}

/* An RTT above 10 s is no latency measurement any more. */
#define RTT_MAX_MS 10000.0

const char *det_vp_check(double lat, double lon, double rtt_ms)
{
	if (!isfinite(lat) || lat < -90 || lat > 90)
		return "latitude out of [-90, 90]";
	if (!isfinite(lon) || lon < -180 || lon > 180)
		return "longitude out of [-180, 180]";
	if (!isfinite(rtt_ms) || rtt_ms <= 0 || rtt_ms > RTT_MAX_MS)
		return "rtt_ms out of (0, 10000]";
	return NULL;
}
