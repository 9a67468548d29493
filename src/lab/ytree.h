/* The YAML of lab topology files as a small tree that keeps each node's position, and the
 * helpers topo.c validates it with (ytree.c). Internal to src/lab. */
#ifndef LAB_YTREE_H
#define LAB_YTREE_H

#include <stddef.h>

#define LAB_YMAX_DEPTH 16 /* the topology format needs 4 levels */

enum lab_ykind { LAB_YSCALAR, LAB_YSEQ, LAB_YMAP };

struct lab_ynode {
	enum lab_ykind kind;
	int line, col;        /* 1-based */
	char *s;              /* scalars: the value, NUL-terminated */
	size_t len;           /* its length; differs from strlen(s) on an embedded NUL */
	struct lab_ynode **v; /* sequences: items; mappings: key, value, key, value... */
	size_t n, cap;
};

struct lab_yctx {
	const char *file;
	char *err;
	size_t errlen;
};

/* Errors go to err as "FILE:LINE:COL: message"; every function returns -1 after one. */
int lab_yfail(struct lab_yctx *c, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int lab_yfail_at(struct lab_yctx *c, const struct lab_ynode *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A scalar for an error message: printable ASCII as is, the rest escaped, long ones cut, so
 * that a hostile file cannot put control characters on the operator's terminal. */
#define LAB_YSHOW_LEN 48
const char *lab_yshow(const struct lab_ynode *n, char buf[LAB_YSHOW_LEN]);

/* The first (only) YAML document of text; aliases and more than one document are errors,
 * and so is nesting deeper than LAB_YMAX_DEPTH. */
int lab_ytree_load(struct lab_yctx *c, const char *text, size_t len, struct lab_ynode **root);
void lab_ytree_free(struct lab_ynode *n);

/* n is of kind k; what names it in the message. */
int lab_ywant(struct lab_yctx *c, const struct lab_ynode *n, enum lab_ykind k, const char *what);
/* A scalar usable as a C string (no NUL inside). */
int lab_ywant_str(struct lab_yctx *c, const struct lab_ynode *n, const char *what);

struct lab_yfield {
	const char *key;
	const struct lab_ynode *k, *v; /* set when present */
};
/* Matches a mapping's keys against the fields a context allows; refuses unknown and duplicate
 * keys (YAML forbids duplicates, libyaml does not check). */
int lab_yfields(struct lab_yctx *c, const struct lab_ynode *map, const char *what,
		struct lab_yfield *f, size_t nf);

/* topo_rpki.c: the topology's `rpki:` mapping into t (struct lab_topo, topo.h). */
struct lab_topo;
int lab_topo_rpki(struct lab_yctx *c, const struct lab_ynode *n, struct lab_topo *t);
/* topo_site.c: a node's prepend, communities, announce_to (f[0..2], as matched by
 * lab_yfields) into nd, refused on a node that is no site; the announce_to names resolved and
 * checked against the links; what a node holds of them freed. */
struct lab_node;
int lab_topo_site_keys(struct lab_yctx *c, const struct lab_ynode *k, const struct lab_yfield *f,
		       struct lab_node *nd);
int lab_topo_site_check(struct lab_yctx *c, struct lab_topo *t);
void lab_topo_site_free(struct lab_node *nd);

/* topo_capacity.c: a site's `capacity:` and `shed:` (either may be NULL) into nd (struct lab_node);
 * a node of another kind with either is an error. */
struct lab_node;
int lab_topo_capacity(struct lab_yctx *c, const struct lab_ynode *capacity,
		      const struct lab_ynode *shed, struct lab_node *nd);

#endif
