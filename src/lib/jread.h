/* Reading JSON (RFC 8259, strictly: no comments, no trailing commas, no NaN, UTF-8 checked
 * where escapes make it, depth bounded) into a small tree whose values know their line, so
 * that a file's bad entry can be reported as FILE:LINE. json.h writes; this reads. */
#ifndef LIB_JREAD_H
#define LIB_JREAD_H

#include <stddef.h>

enum jv_type { JV_NULL, JV_FALSE, JV_TRUE, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	int line;        /* where the value starts, from 1 */
	double num;      /* JV_NUM */
	char *str;       /* JV_STR: NUL-terminated (a \u0000 ends it early) */
	size_t n;        /* JV_ARR, JV_OBJ: number of items */
	struct jv *item; /* JV_ARR, JV_OBJ */
	char **key;      /* JV_OBJ: key[i] names item[i] */
};

#define JV_DEPTH_MAX 64

/* Parses one value from text[*pos..len) (blanks around it skipped) and advances *pos past it.
 * 0 on success; -1 with "LINE:COL: message" in err and *v left empty (JV_NULL). *line is
 * the line at *pos, updated too, so that values can be read one after another (JSON lines). */
int jv_parse(const char *text, size_t len, size_t *pos, int *line, struct jv *v, char *err,
	     size_t errlen);
void jv_free(struct jv *v);
/* The member named key of an object, or NULL (also when v is not an object). */
const struct jv *jv_get(const struct jv *v, const char *key);
/* The number in v, or in a string holding only a number; -1 if neither. */
int jv_number(const struct jv *v, double *out);

#endif
