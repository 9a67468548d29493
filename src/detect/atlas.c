/* `anycast detect` input from RIPE Atlas: ping measurement results and probe metadata. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/input.h"
#include "lib/jread.h"

struct probe {
	long id;
	double lat, lon;
};

static int by_id(const void *a, const void *b)
{
	const struct probe *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

/* Whether the blanks just before pos hold a line break. */
static int newline_before(const char *text, size_t pos)
{
	for (; pos > 0 && strchr(" \t\r\n", text[pos - 1]); pos--)
		if (text[pos - 1] == '\n')
			return 1;
	return 0;
}

/* Reads every JSON value of a file: one document, or one per line (Atlas's "JSON lines"). */
static int read_all(const char *file, const char *text, size_t len, struct jv **out, size_t *n,
		    struct buf *msgs)
{
	size_t pos = 0, cap = 0;
	int line = 1;
	char err[160];

	*out = NULL;
	*n = 0;
	while (pos < len) {
		struct jv v;
		int r = jv_parse(text, len, &pos, &line, &v, err, sizeof(err));

		if (r == 0 && pos < len && !newline_before(text, pos)) {
			snprintf(err, sizeof(err), "%d: expected one JSON value per line", line);
			jv_free(&v);
			r = -1;
		}
		if (r < 0) {
			buf_printf(msgs, "%s:%s\n", file, err);
			for (size_t i = 0; i < *n; i++)
				jv_free(&(*out)[i]);
			free(*out);
			*out = NULL;
			*n = 0;
			return -1;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			*out = realloc(*out, cap * sizeof(**out));
			if (!*out)
				abort();
		}
		(*out)[(*n)++] = v;
	}
	if (!*n) {
		buf_printf(msgs, "%s:1: empty file\n", file);
		return -1;
	}
	return 0;
}

static void free_all(struct jv *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		jv_free(&v[i]);
	free(v);
}

/* The entries of a document: a plain array, {"results":[...]}, {"objects":[...]}, or the
 * document itself when it is a single object. */
static const struct jv *entries(const struct jv *doc, size_t *n)
{
	static const char *const lists[] = { "results", "objects" };

	if (doc->type == JV_ARR) {
		*n = doc->n;
		return doc->item;
	}
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		const struct jv *l = jv_get(doc, lists[i]);

		if (l && l->type == JV_ARR) {
			*n = l->n;
			return l->item;
		}
	}
	*n = 1;
	return doc;
}

static const char *probe_of(const struct jv *e, struct probe *p)
{
	const struct jv *geo = jv_get(jv_get(e, "geometry"), "coordinates");
	double id;

	if (jv_number(jv_get(e, "id"), &id) || id < 0 || id > 1e12 || id != (long)id)
		return "probe without a numeric id";
	p->id = (long)id;
	if (geo && geo->type == JV_ARR && geo->n == 2 && !jv_number(&geo->item[0], &p->lon) &&
	    !jv_number(&geo->item[1], &p->lat))
		return NULL;
	if (!jv_number(jv_get(e, "latitude"), &p->lat) &&
	    !jv_number(jv_get(e, "longitude"), &p->lon))
		return NULL;
	return "probe without a location";
}

static size_t load_probes(const char *file, const struct jv *docs, size_t ndocs, struct probe **out,
			  struct buf *msgs, size_t *bad)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	for (size_t d = 0; d < ndocs; d++) {
		size_t ne;
		const struct jv *e = entries(&docs[d], &ne);

		for (size_t i = 0; i < ne; i++) {
			struct probe p;
			const char *why = probe_of(&e[i], &p);

			if (why) {
				buf_printf(msgs, "%s:%d: %s\n", file, e[i].line, why);
				(*bad)++;
				continue;
			}
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				*out = realloc(*out, cap * sizeof(**out));
				if (!*out)
					abort();
			}
			(*out)[n++] = p;
		}
	}
	if (n)
		qsort(*out, n, sizeof(**out), by_id);
	return n;
}

/* The smallest RTT of a ping result: its "min", else the least "rtt" of its replies. */
static int min_rtt(const struct jv *r, double *rtt)
{
	const struct jv *res = jv_get(r, "result");
	int found = 0;

	if (!jv_number(jv_get(r, "min"), rtt) && *rtt > 0)
		return 0;
	for (size_t i = 0; res && res->type == JV_ARR && i < res->n; i++) {
		double v;

		if (!jv_number(jv_get(&res->item[i], "rtt"), &v) && v > 0 && (!found || v < *rtt)) {
			*rtt = v;
			found = 1;
		}
	}
	return found ? 0 : -1;
}

static const char *result_of(const struct jv *r, const struct probe *probes, size_t np,
			     struct det_input *in)
{
	const struct jv *type = jv_get(r, "type");
	struct probe key;
	double id, rtt;
	char name[32];

	if (r->type != JV_OBJ)
		return "a result must be an object";
	if (type && (type->type != JV_STR || strcmp(type->str, "ping") != 0))
		return "not a ping result";
	if (jv_number(jv_get(r, "prb_id"), &id) || id < 0 || id > 1e12 || id != (long)id)
		return "result without a numeric prb_id";
	key.id = (long)id;
	const struct probe *p = np ? bsearch(&key, probes, np, sizeof(key), by_id) : NULL;

	if (!p)
		return "probe not in the probes file";
	if (min_rtt(r, &rtt))
		return "no reply";
	const char *why = det_vp_check(p->lat, p->lon, rtt);

	if (why)
		return why;
	snprintf(name, sizeof(name), "%ld", key.id);
	det_input_add(in, name, p->lat, p->lon, rtt);
	return NULL;
}

int det_atlas_parse(const char *file, const char *text, size_t len, const char *pfile,
		    const char *ptext, size_t plen, struct det_input *in, struct buf *msgs)
{
	struct jv *docs, *pdocs;
	struct probe *probes;
	size_t ndocs, npdocs, np;

	if (read_all(pfile, ptext, plen, &pdocs, &npdocs, msgs))
		return -1;
	if (read_all(file, text, len, &docs, &ndocs, msgs)) {
		free_all(pdocs, npdocs);
		return -1;
	}
	np = load_probes(pfile, pdocs, npdocs, &probes, msgs, &in->discarded);
	free_all(pdocs, npdocs);
	for (size_t d = 0; d < ndocs; d++) {
		size_t ne;
		const struct jv *e = docs[d].type == JV_ARR ? docs[d].item : &docs[d];

		ne = docs[d].type == JV_ARR ? docs[d].n : 1;
		for (size_t i = 0; i < ne; i++) {
			const char *why = result_of(&e[i], probes, np, in);

			if (why) {
				buf_printf(msgs, "%s:%d: %s\n", file, e[i].line, why);
				in->discarded++;
			}
		}
	}
	free(probes);
	free_all(docs, ndocs);
	return 0;
}
