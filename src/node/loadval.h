/* Load levels read from text: the output of a `check load exec` command, the body of a `check
 * load http` endpoint, or a sample of a Prometheus text exposition (`metric NAME`). A level is
 * a finite number >= 0 (1.0 = at capacity); anything else is "no level", which fails the check:
 * a load that cannot be read must not pass for an idle service. */
#ifndef NODE_LOADVAL_H
#define NODE_LOADVAL_H

#include <stddef.h>

/* The longest text a load check reads (stdout or HTTP body); the rest is ignored. */
#define LOADVAL_MAX_TEXT 65536

/* The first whitespace-separated word of text[0..n) that is a number ("0.95", "1e-2"; not
 * "inf", "nan" or hex). 0 and *v set, or -1 with *why set (no number, negative, too large). */
int loadval_first_number(const char *text, size_t n, double *v, const char **why);
/* The body is exactly one number, with optional surrounding whitespace. */
int loadval_bare_number(const char *text, size_t n, double *v, const char **why);
/* The value of sample `name` in a Prometheus text exposition: the sample without labels if
 * there is one, else the first sample of that name. Comments (#) and other metrics are
 * skipped; a malformed line is skipped too (a scrape must not fail on one odd line). */
int loadval_prom_sample(const char *text, size_t n, const char *name, double *v, const char **why);

#endif
