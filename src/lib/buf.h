/* Byte buffers: a growable output buffer and a bounds-checked reader. */
#ifndef LIB_BUF_H
#define LIB_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Output buffer. Bytes [off, len) are pending (e.g. not yet written to a socket). */
struct buf {
	uint8_t *data;
	size_t len, cap, off;
};

void buf_init(struct buf *b);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
void buf_reserve(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_put8(struct buf *b, uint8_t v);
void buf_put16(struct buf *b, uint16_t v); /* network byte order */
void buf_put32(struct buf *b, uint32_t v); /* network byte order */
void buf_set16(struct buf *b, size_t at, uint16_t v);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drop n bytes from the front of the pending region; compacts when empty. */
void buf_consume(struct buf *b, size_t n);
static inline size_t buf_pending(const struct buf *b) { return b->len - b->off; }

/* Reader over a fixed region. Every get fails (returns -1, sets err) past the end. */
struct rd {
	const uint8_t *p;
	size_t len, pos;
	int err;
};

static inline void rd_init(struct rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->err = 0;
}
static inline size_t rd_left(const struct rd *r) { return r->len - r->pos; }
int rd_get8(struct rd *r, uint8_t *v);
int rd_get16(struct rd *r, uint16_t *v);
int rd_get32(struct rd *r, uint32_t *v);
int rd_get(struct rd *r, void *dst, size_t n);
/* Points *p at the next n bytes and skips them. */
int rd_ref(struct rd *r, const uint8_t **p, size_t n);

static inline uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}
static inline void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = (v >> 16) & 0xff;
	p[2] = (v >> 8) & 0xff;
	p[3] = v & 0xff;
}

#endif
