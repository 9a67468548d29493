/* The YAML of lab topology files, read with libyaml's event API into a small tree.
 *
 * Why events and not yaml_parser_load(): the document loader recurses once per nesting level
 * with no limit (a file of "[[[[..." overflows the stack) and expands aliases; building our
 * own tree lets us bound the depth and refuse aliases, which no topology needs. */
#include "lab/ytree.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "lib/log.h"

static int vfail(struct lab_yctx *c, int line, int col, const char *fmt, va_list ap)
{
	if (c->err && c->errlen) {
		int n = snprintf(c->err, c->errlen, "%s:%d:%d: ", c->file, line, col);

		if (n >= 0 && (size_t)n < c->errlen)
			vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	}
	return -1;
}

int lab_yfail(struct lab_yctx *c, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int lab_yfail_at(struct lab_yctx *c, const struct lab_ynode *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(c, n->line, n->col, fmt, ap);
	va_end(ap);
	return -1;
}

const char *lab_yshow(const struct lab_ynode *n, char buf[LAB_YSHOW_LEN])
{
	size_t o = 0, i;

	if (n->kind != LAB_YSCALAR)
		return n->kind == LAB_YMAP ? "{...}" : "[...]";
	for (i = 0; i < n->len && o < LAB_YSHOW_LEN - 8; i++) {
		unsigned char ch = (unsigned char)n->s[i];

		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			buf[o++] = (char)ch;
		else
			o += (size_t)snprintf(buf + o, LAB_YSHOW_LEN - o, "\\x%02x", ch);
	}
	if (i < n->len) {
		memcpy(buf + o, "...", 3);
		o += 3;
	}
	buf[o] = '\0';
	return buf;
}

/* The position of byte offset upto in text, counted as libyaml does: lines end at "\n",
 * "\r\n" or "\r"; columns count characters, not bytes. */
static void text_pos(const char *text, size_t upto, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < upto; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n' || (ch == '\r' && !(i + 1 < upto && text[i + 1] == '\n'))) {
			(*line)++;
			*col = 1;
		} else if (ch != '\r' && (ch & 0xc0) != 0x80) {
			(*col)++;
		}
	}
}

/* libyaml puts the end of the stream on a line of its own when the text does not end with
 * a line break: report the real end instead of a line the file does not have. */
static void clamp(int *line, int *col, int eline, int ecol)
{
	if (*line > eline || (*line == eline && *col > ecol)) {
		*line = eline;
		*col = ecol;
	}
}

static struct lab_ynode *ynode_new(enum lab_ykind kind, int line, int col)
{
	struct lab_ynode *n = xcalloc(1, sizeof(*n));

	n->kind = kind;
	n->line = line;
	n->col = col;
	return n;
}

static void ynode_add(struct lab_ynode *p, struct lab_ynode *child)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 8;
		p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
	}
	p->v[p->n++] = child;
}

/* Recursion bounded by LAB_YMAX_DEPTH. */
void lab_ytree_free(struct lab_ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		lab_ytree_free(n->v[i]);
	free(n->v);
	free(n->s);
	free(n);
}

static int yaml_fail(struct lab_yctx *c, const yaml_parser_t *p, const char *text, size_t len)
{
	int line, col, cline, ccol, eline, ecol;

	if (p->error == YAML_MEMORY_ERROR)
		fatal("libyaml: out of memory");
	text_pos(text, len, &eline, &ecol);
	if (p->error == YAML_READER_ERROR) {
		/* Encoding errors carry a byte offset, not a mark. */
		text_pos(text, p->problem_offset < len ? p->problem_offset : len, &line, &col);
	} else {
		line = (int)p->problem_mark.line + 1;
		col = (int)p->problem_mark.column + 1;
	}
	clamp(&line, &col, eline, ecol);
	if (p->context) {
		cline = (int)p->context_mark.line + 1;
		ccol = (int)p->context_mark.column + 1;
		clamp(&cline, &ccol, eline, ecol);
		return lab_yfail(c, line, col, "YAML: %s (%s at %d:%d)",
				 p->problem ? p->problem : "error", p->context, cline, ccol);
	}
	return lab_yfail(c, line, col, "YAML: %s", p->problem ? p->problem : "syntax error");
}

int lab_ytree_load(struct lab_yctx *c, const char *text, size_t len, struct lab_ynode **rootp)
{
	yaml_parser_t p;
	yaml_event_t ev;
	struct lab_ynode *stack[LAB_YMAX_DEPTH], *root = NULL;
	size_t depth = 0;
	int docs = 0, rc = 0, done = 0, eline, ecol;

	*rootp = NULL;
	text_pos(text, len, &eline, &ecol);
	if (!yaml_parser_initialize(&p))
		fatal("libyaml: out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && rc == 0) {
		struct lab_ynode *n = NULL;
		int line, col;

		if (!yaml_parser_parse(&p, &ev)) {
			rc = yaml_fail(c, &p, text, len);
			break;
		}
		line = (int)ev.start_mark.line + 1;
		col = (int)ev.start_mark.column + 1;
		clamp(&line, &col, eline, ecol);
		switch (ev.type) {
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1)
				rc = lab_yfail(c, line, col,
					       "a topology file holds one YAML document");
			break;
		case YAML_ALIAS_EVENT:
			rc = lab_yfail(c, line, col,
				       "YAML aliases are not supported in topology files");
			break;
		case YAML_SCALAR_EVENT:
			n = ynode_new(LAB_YSCALAR, line, col);
			n->len = ev.data.scalar.length;
			n->s = xmalloc(n->len + 1);
			if (n->len)
				memcpy(n->s, ev.data.scalar.value, n->len);
			n->s[n->len] = '\0';
			break;
		case YAML_SEQUENCE_START_EVENT: n = ynode_new(LAB_YSEQ, line, col); break;
		case YAML_MAPPING_START_EVENT: n = ynode_new(LAB_YMAP, line, col); break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT: depth--; break;
		case YAML_STREAM_END_EVENT: done = 1; break;
		default: break;
		}
		if (n) {
			if (depth)
				ynode_add(stack[depth - 1], n);
			else
				root = n;
			if (n->kind != LAB_YSCALAR) {
				if (depth == LAB_YMAX_DEPTH)
					rc = lab_yfail_at(c, n, "nested too deeply");
				else
					stack[depth++] = n;
			}
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (rc == 0 && !root)
		rc = lab_yfail(c, 1, 1, "empty topology file");
	if (rc)
		lab_ytree_free(root);
	else
		*rootp = root;
	return rc;
}

/* ---- Field access ---- */

static const char *const kind_names[] = { "a scalar", "a sequence", "a mapping" };

int lab_ywant(struct lab_yctx *c, const struct lab_ynode *n, enum lab_ykind k, const char *what)
{
	if (n->kind == k)
		return 0;
	return lab_yfail_at(c, n, "%s: expected %s, not %s", what, kind_names[k],
			    kind_names[n->kind]);
}

int lab_ywant_str(struct lab_yctx *c, const struct lab_ynode *n, const char *what)
{
	if (lab_ywant(c, n, LAB_YSCALAR, what) < 0)
		return -1;
	if (strlen(n->s) != n->len)
		return lab_yfail_at(c, n, "%s: NUL character in value", what);
	return 0;
}

int lab_yfields(struct lab_yctx *c, const struct lab_ynode *map, const char *what,
		struct lab_yfield *f, size_t nf)
{
	char b[LAB_YSHOW_LEN];

	for (size_t i = 0; i < nf; i++)
		f[i].k = f[i].v = NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct lab_ynode *k = map->v[i];
		size_t j;

		if (lab_ywant(c, k, LAB_YSCALAR, "key") < 0)
			return -1;
		for (j = 0; j < nf; j++)
			if (k->len == strlen(f[j].key) && memcmp(k->s, f[j].key, k->len) == 0)
				break;
		if (j == nf) {
			char allowed[128];
			size_t o = 0;

			for (size_t m = 0; m < nf; m++)
				o += (size_t)snprintf(allowed + o, sizeof(allowed) - o, "%s%s",
						      m ? ", " : "", f[m].key);
			return lab_yfail_at(c, k, "unknown key '%s' in %s (expected %s)",
					    lab_yshow(k, b), what, allowed);
		}
		if (f[j].k)
			return lab_yfail_at(c, k, "duplicate key '%s' in %s (first at %d:%d)",
					    f[j].key, what, f[j].k->line, f[j].k->col);
		f[j].k = k;
		f[j].v = map->v[i + 1];
	}
	return 0;
}
