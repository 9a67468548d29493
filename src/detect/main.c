/* `anycast detect`: the command line around the parsers, the method and the output. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: anycast detect [--json] [--map FILE.svg] [--probes PROBES.json]"
		" FILE\n"
		"  FILE: CSV with the columns vp,lat,lon,rtt_ms, or with --probes RIPE Atlas ping"
		" results\n");
	exit(2);
}

/* The whole file, NUL-terminated; NULL with a message on stderr. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "anycast detect: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		if (cap - n < 65536) {
			cap = cap ? cap * 2 : 1 << 20;
			data = realloc(data, cap + 1);
			if (!data)
				abort();
		}
		size_t got = fread(data + n, 1, cap - n, f);

		n += got;
		if (!got)
			break;
	}
	if (ferror(f)) {
		fprintf(stderr, "anycast detect: %s: read error\n", path);
		free(data);
		fclose(f);
		return NULL;
	}
	fclose(f);
	data[n] = 0;
	*len = n;
	return data;
}

/* Tuning knobs for the validation (bench/detect), NAME=VALUE; not part of the contract. */
static const struct {
	const char *name;
	size_t off;
} knobs[] = {
	{ "allowance_km", offsetof(struct det_params, allowance_km) },
	{ "max_radius_km", offsetof(struct det_params, max_radius_km) },
	{ "inflation", offsetof(struct det_params, inflation) },
	{ "w_pop", offsetof(struct det_params, w_pop) },
	{ "w_near", offsetof(struct det_params, w_near) },
	{ "w_dist", offsetof(struct det_params, w_dist) },
	{ "w_support", offsetof(struct det_params, w_support) },
	{ "point_tol", offsetof(struct det_params, point_tol) },
};

static int set_knob(struct det_params *p, const char *arg)
{
	const char *eq = strchr(arg, '=');
	char *end;

	if (!eq)
		return -1;
	double v = strtod(eq + 1, &end);

	if (*end || end == eq + 1)
		return -1;
	if (strncmp(arg, "rounds=", 7) == 0) {
		p->rounds = (int)v;
		return 0;
	}
	if (strncmp(arg, "outliers=", 9) == 0) {
		p->outliers = v != 0;
		return 0;
	}
	if (strncmp(arg, "dedup=", 6) == 0) {
		p->dedup = v != 0;
		return 0;
	}
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++)
		if (strlen(knobs[i].name) == (size_t)(eq - arg) &&
		    strncmp(arg, knobs[i].name, (size_t)(eq - arg)) == 0) {
			*(double *)((char *)p + knobs[i].off) = v;
			return 0;
		}
	return -1;
}

/* Shows a result as asked: JSON or the table on stdout, and the map. */
int det_show(const struct det_input *in, const struct det_result *r, int json, const char *map)
{
	struct buf out;
	int rc = 0;

	buf_init(&out);
	if (json)
		det_json(in, r, &out);
	else
		det_text(in, r, &out);
	fwrite(out.data, 1, out.len, stdout);
	if (map) {
		buf_reset(&out);
		det_svg(in, r, &out);
		rc = det_write_file(map, &out);
	}
	buf_free(&out);
	return rc;
}

int det_main(int argc, char **argv)
{
	const char *file = NULL, *probes = NULL, *map = NULL;
	int json = 0, rc = 1;
	struct det_params p;

	det_params_default(&p);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--map") == 0 && i + 1 < argc)
			map = argv[++i];
		else if (strcmp(argv[i], "--probes") == 0 && i + 1 < argc)
			probes = argv[++i];
		else if (strcmp(argv[i], "--set") == 0 && i + 1 < argc) {
			if (set_knob(&p, argv[++i]) < 0)
				usage();
		} else if (argv[i][0] == '-' && argv[i][1])
			usage();
		else if (!file)
			file = argv[i];
		else
			usage();
	}
	if (!file)
		usage();

	struct det_input in;
	struct det_result r;
	struct buf msgs;
	size_t len, plen = 0;
	char *text = slurp(file, &len), *ptext = NULL;
	int pr;

	if (!text)
		return 1;
	if (probes && !(ptext = slurp(probes, &plen))) {
		free(text);
		return 1;
	}
	det_input_init(&in);
	buf_init(&msgs);
	if (probes)
		pr = det_atlas_parse(file, text, len, probes, ptext, plen, &in, &msgs);
	else
		pr = det_csv_parse(file, text, len, &in, &msgs);
	fwrite(msgs.data, 1, msgs.len, stderr);
	det_input_merge(&in);
	if (pr == 0 && in.n == 0)
		fprintf(stderr, "anycast detect: %s: no usable vantage point\n", file);
	else if (pr == 0 && det_run(&in, &p, &r) == 0) {
		rc = det_show(&in, &r, json, map) ? 1 : 0;
		det_result_free(&r);
	}
	buf_free(&msgs);
	det_input_free(&in);
	free(text);
	free(ptext);
	return rc;
}
