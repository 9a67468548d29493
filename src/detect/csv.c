/* `anycast detect` input as CSV: vp,lat,lon,rtt_ms. */
#include <stdlib.h>
#include <string.h>

#include "detect/input.h"

#define MAX_FIELDS 32

enum col { C_VP, C_LAT, C_LON, C_RTT, NCOLS };
static const char *const col_names[NCOLS] = { "vp", "lat", "lon", "rtt_ms" };

/* Splits line (NUL-terminated, modified) at commas; fields are trimmed of blanks. */
static size_t split(char *line, char **f)
{
	size_t n = 0;

	for (char *p = line;;) {
		char *end = strchr(p, ',');

		if (end)
			*end = 0;
		while (*p == ' ' || *p == '\t')
			p++;
		char *e = p + strlen(p);

		while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			*--e = 0;
		if (n < MAX_FIELDS)
			f[n] = p;
		n++;
		if (!end)
			return n;
		p = end + 1;
	}
}

static int number(const char *s, double *v)
{
	char *end;

	if (!*s)
		return -1;
	*v = strtod(s, &end);
	return *end ? -1 : 0;
}

/* A row's problem, or NULL when the vantage point was added. */
static const char *row(char **f, size_t nf, const int *idx, size_t need, struct det_input *in)
{
	double lat, lon, rtt;
	const char *why;

	if (nf < need || nf > MAX_FIELDS)
		return nf < need ? "too few columns" : "too many columns";
	if (!*f[idx[C_VP]])
		return "empty vp";
	if (number(f[idx[C_LAT]], &lat) || number(f[idx[C_LON]], &lon))
		return "lat and lon must be numbers";
	if (number(f[idx[C_RTT]], &rtt))
		return "rtt_ms must be a number";
	why = det_vp_check(lat, lon, rtt);
	if (why)
		return why;
	det_input_add(in, f[idx[C_VP]], lat, lon, rtt);
	return NULL;
}

static int header(char **f, size_t nf, int *idx, size_t *need)
{
	*need = 0;
	for (int c = 0; c < NCOLS; c++) {
		idx[c] = -1;
		for (size_t i = 0; i < nf && i < MAX_FIELDS; i++)
			if (strcmp(f[i], col_names[c]) == 0)
				idx[c] = (int)i;
		if (idx[c] < 0)
			return -1;
		if ((size_t)idx[c] + 1 > *need)
			*need = (size_t)idx[c] + 1;
	}
	return 0;
}

int det_csv_parse(const char *file, const char *text, size_t len, struct det_input *in,
		  struct buf *msgs)
{
	int idx[NCOLS], have_header = 0;
	size_t need = 0, lineno = 0;
	char *f[MAX_FIELDS];

	for (size_t pos = 0; pos < len;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - text) - pos : len - pos;
		char *line = malloc(n + 1);
		const char *why = NULL;

		if (!line)
			abort();
		memcpy(line, text + pos, n);
		line[n] = 0;
		pos += n + 1;
		lineno++;
		int has_nul = strlen(line) != n;
		size_t nf = split(line, f);

		if (has_nul) {
			why = "NUL byte in line";
		} else if ((nf == 1 && !*f[0]) || f[0][0] == '#') {
			free(line);
			continue;
		} else if (!have_header) {
			if (header(f, nf, idx, &need) < 0) {
				buf_printf(msgs,
					   "%s:%zu: expected a header with the columns vp,lat,"
					   "lon,rtt_ms\n",
					   file, lineno);
				free(line);
				return -1;
			}
			have_header = 1;
		} else {
			why = row(f, nf, idx, need, in);
		}
		if (why) {
			buf_printf(msgs, "%s:%zu: %s\n", file, lineno, why);
			in->discarded++;
		}
		free(line);
	}
	if (!have_header) {
		buf_printf(msgs, "%s:%zu: expected a header with the columns vp,lat,lon,rtt_ms\n",
			   file, lineno ? lineno : 1);
		return -1;
	}
	return 0;
}
