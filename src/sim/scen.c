/* Scenario input, from the command line and from YAML. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/ytree.h"
#include "sim/scen.h"

int sim_asn_parse(const char *s, uint32_t *asn)
{
	uint64_t v = 0;
	const char *p;

	if ((s[0] == 'A' || s[0] == 'a') && (s[1] == 'S' || s[1] == 's'))
		s += 2;
	for (p = s; *p >= '0' && *p <= '9' && p - s < 11; p++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (p == s || *p || v == 0 || v > 4294967295u)
		return -1;
	*asn = (uint32_t)v;
	return 0;
}

static int valid_name(const char *s, size_t n)
{
	if (n == 0 || n > 31)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return 0;
	return !(n == 8 && memcmp(s, "hijacker", 8) == 0);
}

static struct sim_site *new_site(struct sim_scen *s, const char *name, size_t n)
{
	s->sites = realloc(s->sites, (s->nsites + 1) * sizeof(*s->sites));
	if (!s->sites)
		abort();
	struct sim_site *st = &s->sites[s->nsites++];

	memset(st, 0, sizeof(*st));
	st->name = strndup(name, n);
	return st;
}

static void add_up(struct sim_site *st, uint32_t asn, int peer)
{
	st->up = realloc(st->up, (st->nup + 1) * sizeof(*st->up));
	st->peer = realloc(st->peer, st->nup + 1);
	if (!st->up || !st->peer)
		abort();
	st->up[st->nup] = asn;
	st->peer[st->nup++] = (uint8_t)peer;
}

static const struct sim_site *find_site(const struct sim_scen *s, const char *name)
{
	for (size_t i = 0; i < s->nsites; i++)
		if (strcmp(s->sites[i].name, name) == 0)
			return &s->sites[i];
	return NULL;
}

int sim_site_add(struct sim_scen *s, const char *arg, char *err, size_t errlen)
{
	const char *eq = strchr(arg, '='), *p;
	char tok[16];

	if (!eq || !valid_name(arg, (size_t)(eq - arg))) {
		snprintf(err, errlen,
			 "--site %s: expected NAME=UP[+UP...][/PREPEND] with a name of "
			 "letters, digits, '-', '_' or '.'",
			 arg);
		return -1;
	}
	char *name = strndup(arg, (size_t)(eq - arg));
	int dup = find_site(s, name) != NULL;

	free(name);
	if (dup) {
		snprintf(err, errlen, "--site %s: a site of that name already exists", arg);
		return -1;
	}
	struct sim_site *st = new_site(s, arg, (size_t)(eq - arg));

	for (p = eq + 1;;) {
		size_t n = strcspn(p, "+/");
		int peer = n > 0 && p[0] == 'p'   ? SIM_UP_PEER
			   : n > 0 && p[0] == 'r' ? SIM_UP_RS
						  : 0;
		uint32_t asn;

		size_t skip = peer ? 1 : 0;

		if (n - skip >= sizeof(tok))
			goto bad;
		memcpy(tok, p + skip, n - skip);
		tok[n - skip] = 0;
		if (sim_asn_parse(tok, &asn) < 0)
			goto bad;
		add_up(st, asn, peer);
		p += n;
		if (*p == '+') {
			p++;
			continue;
		}
		if (*p == '/') {
			char *end;

			errno = 0;
			unsigned long v = strtoul(p + 1, &end, 10);

			if (end == p + 1 || *end || v > 200 || errno)
				goto bad;
			st->prepend = (unsigned)v;
		}
		break;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "--site %s: expected NAME=UP[+UP...][/PREPEND] where UP is an ASN, "
		 "pASN (a peer) or rASN (a route-server member), and PREPEND is 0..200",
		 arg);
	s->nsites--;
	free(st->name);
	free(st->up);
	free(st->peer);
	return -1;
}

int sim_hijack_parse(const char *arg, uint32_t *asn, unsigned *len, char *err, size_t errlen)
{
	char tok[16];
	size_t n = strcspn(arg, "/");

	*len = 0;
	if (n >= sizeof(tok))
		goto bad;
	memcpy(tok, arg, n);
	tok[n] = 0;
	if (sim_asn_parse(tok, asn) < 0)
		goto bad;
	if (arg[n] == '/') {
		char *end;
		unsigned long v = strtoul(arg + n + 1, &end, 10);

		if (end == arg + n + 1 || *end || v < 1 || v > 128)
			goto bad;
		*len = (unsigned)v;
	}
	return 0;
bad:
	snprintf(err, errlen, "--hijack %s: expected ASN or ASN/LEN (LEN 1..128)", arg);
	return -1;
}

int sim_site_fail(struct sim_scen *s, const char *name, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nsites; i++)
		if (strcmp(s->sites[i].name, name) == 0) {
			s->sites[i].failed = 1;
			return 0;
		}
	snprintf(err, errlen, "--fail %s: no site of that name", name);
	return -1;
}

static int slurp(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, r;
	char *b;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	b = malloc(cap);
	while ((r = fread(b + n, 1, cap - n - 1, f)) > 0) {
		n += r;
		if (cap - n - 1 == 0 && !(b = realloc(b, cap *= 2)))
			abort();
	}
	fclose(f);
	b[n] = 0;
	*text = b;
	*len = n;
	return 0;
}

int sim_asn_file(const char *path, uint32_t **v, size_t *n, char *err, size_t errlen)
{
	char *text, *line;
	size_t len, ln = 0;

	if (slurp(path, &text, &len, err, errlen) < 0)
		return -1;
	*v = NULL;
	*n = 0;
	/* strtok_r would merge empty lines and lose the count: split by hand */
	for (line = text; line && line <= text + len; ln++) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = 0;
		char *s = line + strspn(line, " \t"), *e = s + strcspn(s, " \t\r#");
		uint32_t asn;

		if (*s && *s != '#') {
			char c = *e;

			*e = 0;
			if (sim_asn_parse(s, &asn) < 0) {
				snprintf(err, errlen, "%s:%zu: expected an ASN", path, ln + 1);
				free(*v);
				*v = NULL;
				free(text);
				return -1;
			}
			*e = c;
			*v = realloc(*v, (*n + 1) * sizeof(**v));
			(*v)[(*n)++] = asn;
		}
		line = nl ? nl + 1 : NULL;
	}
	free(text);
	return 0;
}

/* YAML */

static int y_asn(struct lab_yctx *c, const struct lab_ynode *n, uint32_t *asn, const char *what)
{
	if (lab_ywant_str(c, n, what) < 0)
		return -1;
	if (sim_asn_parse(n->s, asn) < 0) {
		char b[LAB_YSHOW_LEN];

		return lab_yfail_at(c, n, "%s: '%s' is not an ASN (1..4294967295)", what,
				    lab_yshow(n, b));
	}
	return 0;
}

static int y_ups(struct lab_yctx *c, const struct lab_ynode *n, struct sim_site *st, int peer,
		 const char *what)
{
	if (!n)
		return 0;
	if (lab_ywant(c, n, LAB_YSEQ, what) < 0)
		return -1;
	for (size_t i = 0; i < n->n; i++) {
		uint32_t asn;

		if (y_asn(c, n->v[i], &asn, what) < 0)
			return -1;
		add_up(st, asn, peer);
	}
	return 0;
}

static int y_str(struct lab_yctx *c, const struct lab_ynode *n, char **out, const char *what)
{
	if (!n)
		return 0;
	if (lab_ywant_str(c, n, what) < 0)
		return -1;
	free(*out);
	*out = strdup(n->s);
	return 0;
}

static int y_sites(struct lab_yctx *c, const struct lab_ynode *n, struct sim_scen *s)
{
	char b[LAB_YSHOW_LEN];

	if (lab_ywant(c, n, LAB_YMAP, "sites") < 0)
		return -1;
	for (size_t i = 0; i + 1 < n->n; i += 2) {
		const struct lab_ynode *k = n->v[i], *v = n->v[i + 1];
		struct lab_yfield f[] = { { .key = "providers" },
					  { .key = "peers" },
					  { .key = "prepend" },
					  { .key = "rs_members" } };

		if (lab_ywant_str(c, k, "site name") < 0)
			return -1;
		if (!valid_name(k->s, strlen(k->s)))
			return lab_yfail_at(c, k,
					    "site name '%s': letters, digits, '-', '_' or "
					    "'.', at most 31, not 'hijacker'",
					    lab_yshow(k, b));
		if (find_site(s, k->s))
			return lab_yfail_at(c, k, "site '%s' defined twice", k->s);
		if (lab_yfields(c, v, "site", f, 4) < 0)
			return -1;
		struct sim_site *st = new_site(s, k->s, strlen(k->s));

		if (y_ups(c, f[0].v, st, SIM_UP_PROVIDER, "providers") < 0 ||
		    y_ups(c, f[1].v, st, SIM_UP_PEER, "peers") < 0 ||
		    y_ups(c, f[3].v, st, SIM_UP_RS, "rs_members") < 0)
			return -1;
		if (f[2].v) {
			char *end;

			if (lab_ywant_str(c, f[2].v, "prepend") < 0)
				return -1;
			unsigned long pv = strtoul(f[2].v->s, &end, 10);

			if (end == f[2].v->s || *end || pv > 200 || f[2].v->s[0] == '-')
				return lab_yfail_at(c, f[2].v, "prepend: expected 0..200");
			st->prepend = (unsigned)pv;
		}
		if (!st->nup)
			return lab_yfail_at(c, k, "site '%s' has no providers and no peers", k->s);
	}
	return 0;
}

static int y_rov(struct lab_yctx *c, const struct lab_ynode *n, struct sim_scen *s)
{
	if (n->kind == LAB_YSCALAR) {
		if (lab_ywant_str(c, n, "rov") < 0)
			return -1;
		if (strcmp(n->s, "all") == 0)
			s->rov = SIM_ROV_ALL;
		else if (strcmp(n->s, "none") == 0)
			s->rov = SIM_ROV_NONE;
		else
			return lab_yfail_at(c, n, "rov: expected all, none or a list of ASNs");
		return 0;
	}
	if (lab_ywant(c, n, LAB_YSEQ, "rov") < 0)
		return -1;
	s->rov = SIM_ROV_SET;
	free(s->rov_asns);
	s->rov_asns = calloc(n->n + 1, sizeof(uint32_t));
	s->nrov = 0;
	for (size_t i = 0; i < n->n; i++)
		if (y_asn(c, n->v[i], &s->rov_asns[s->nrov++], "rov") < 0)
			return -1;
	return 0;
}

int sim_scen_parse(const char *name, const char *text, size_t len, struct sim_scen *s,
		   struct sim_opts *o, char *err, size_t errlen)
{
	struct lab_yctx c = { .file = name, .err = err, .errlen = errlen };
	struct lab_ynode *root = NULL;
	struct lab_yfield f[] = { { .key = "origin" }, { .key = "sites" }, { .key = "fail" },
				  { .key = "hijack" }, { .key = "rov" },   { .key = "tie" },
				  { .key = "model" },  { .key = "graph" }, { .key = "topology" },
				  { .key = "paths" } };
	int r = -1;

	err[0] = 0;
	if (lab_ytree_load(&c, text, len, &root) < 0)
		return -1;
	if (!root)
		return lab_yfail(&c, 1, 1, "empty scenario");
	if (lab_ywant(&c, root, LAB_YMAP, "scenario") < 0 ||
	    lab_yfields(&c, root, "scenario", f, sizeof(f) / sizeof(f[0])) < 0)
		goto out;
	if (f[0].v && y_asn(&c, f[0].v, &s->origin, "origin") < 0)
		goto out;
	if (f[1].v && y_sites(&c, f[1].v, s) < 0)
		goto out;
	if (f[2].v) {
		if (lab_ywant(&c, f[2].v, LAB_YSEQ, "fail") < 0)
			goto out;
		for (size_t i = 0; i < f[2].v->n; i++) {
			if (lab_ywant_str(&c, f[2].v->v[i], "fail") < 0)
				goto out;
			o->fail = realloc(o->fail, (o->nfail + 1) * sizeof(char *));
			o->fail[o->nfail++] = strdup(f[2].v->v[i]->s);
		}
	}
	if (f[3].v) {
		char e2[200];

		if (lab_ywant_str(&c, f[3].v, "hijack") < 0)
			goto out;
		if (sim_hijack_parse(f[3].v->s, &s->hijack, &s->hijack_len, e2, sizeof(e2)) < 0) {
			lab_yfail_at(&c, f[3].v, "hijack: expected ASN or ASN/LEN (LEN 1..128)");
			goto out;
		}
	}
	if (f[4].v && y_rov(&c, f[4].v, s) < 0)
		goto out;
	if (y_str(&c, f[5].v, &o->tie, "tie") < 0 || y_str(&c, f[6].v, &o->model, "model") < 0 ||
	    y_str(&c, f[7].v, &o->graph, "graph") < 0 ||
	    y_str(&c, f[8].v, &o->topology, "topology") < 0 ||
	    y_str(&c, f[9].v, &o->paths, "paths") < 0)
		goto out;
	r = 0;
out:
	lab_ytree_free(root);
	return r;
}

int sim_scen_load(const char *path, struct sim_scen *s, struct sim_opts *o, char *err,
		  size_t errlen)
{
	char *text;
	size_t len;

	if (slurp(path, &text, &len, err, errlen) < 0)
		return -1;
	int r = sim_scen_parse(path, text, len, s, o, err, errlen);

	free(text);
	return r;
}

void sim_opts_free(struct sim_opts *o)
{
	free(o->graph);
	free(o->topology);
	free(o->tie);
	free(o->model);
	free(o->paths);
	for (size_t i = 0; i < o->nfail; i++)
		free(o->fail[i]);
	free(o->fail);
	memset(o, 0, sizeof(*o));
}
