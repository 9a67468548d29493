/* Growable output buffer and bounds-checked reader. */
#include "lib/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"

void buf_init(struct buf *b) { memset(b, 0, sizeof(*b)); }

void buf_free(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void buf_reset(struct buf *b) { b->len = b->off = 0; }

void buf_reserve(struct buf *b, size_t extra)
{
	if (b->len + extra <= b->cap)
		return;
	/* Reclaim consumed space before growing: a send buffer that drains keeps its size. */
	if (b->off > 0) {
		memmove(b->data, b->data + b->off, b->len - b->off);
		b->len -= b->off;
		b->off = 0;
		if (b->len + extra <= b->cap)
			return;
	}
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra)
		cap *= 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	buf_reserve(b, n);
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void buf_put8(struct buf *b, uint8_t v) { buf_put(b, &v, 1); }

void buf_put16(struct buf *b, uint16_t v)
{
	uint8_t x[2];

	put16(x, v);
	buf_put(b, x, 2);
}

void buf_put32(struct buf *b, uint32_t v)
{
	uint8_t x[4];

	put32(x, v);
	buf_put(b, x, 4);
}

void buf_set16(struct buf *b, size_t at, uint16_t v) { put16(b->data + at, v); }

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Format into the room there is; only a longer text formats twice. (This also keeps
	 * vsnprintf off a NULL buffer, which gcc's -fsanitize=undefined build took for a NULL
	 * format and refused under -Werror.) */
	buf_reserve(b, 64);
	va_start(ap, fmt);
	n = vsnprintf((char *)b->data + b->len, b->cap - b->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= b->cap - b->len) {
		buf_reserve(b, (size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	b->len += (size_t)n;
}

void buf_consume(struct buf *b, size_t n)
{
	b->off += n;
	if (b->off >= b->len)
		b->off = b->len = 0;
}

int rd_get(struct rd *r, void *dst, size_t n)
{
	if (r->err || rd_left(r) < n) {
		r->err = 1;
		return -1;
	}
	memcpy(dst, r->p + r->pos, n);
	r->pos += n;
	return 0;
}

int rd_ref(struct rd *r, const uint8_t **p, size_t n)
{
	if (r->err || rd_left(r) < n) {
		r->err = 1;
		return -1;
	}
	*p = r->p + r->pos;
	r->pos += n;
	return 0;
}

int rd_get8(struct rd *r, uint8_t *v) { return rd_get(r, v, 1); }

int rd_get16(struct rd *r, uint16_t *v)
{
	uint8_t x[2];

	if (rd_get(r, x, 2) < 0)
		return -1;
	*v = get16(x);
	return 0;
}

int rd_get32(struct rd *r, uint32_t *v)
{
	uint8_t x[4];

	if (rd_get(r, x, 4) < 0)
		return -1;
	*v = get32(x);
	return 0;
}
