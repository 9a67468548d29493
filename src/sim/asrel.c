/* The as-rel reader: a hand-written line parser, because the file has 570k lines and the
 * whole load must stay under a second with bzip2 taking most of it. */
#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/asrel.h"

static void push(struct sim_links *l, uint32_t a, uint32_t b, int rel)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	l->v[l->n++] = (struct sim_link){ .a = a, .b = b, .rel = (int8_t)rel };
}

void sim_links_free(struct sim_links *l)
{
	free(l->v);
	*l = (struct sim_links){ 0 };
}

/* A decimal ASN 1..4294967295 ending at '|'; returns the position after it or NULL. */
static const char *get_asn(const char *p, const char *end, uint32_t *asn)
{
	uint64_t v = 0;
	const char *s = p;

	while (p < end && *p >= '0' && *p <= '9' && p - s < 11)
		v = v * 10 + (uint64_t)(*p++ - '0');
	if (p == s || p - s > 10 || v == 0 || v > 4294967295u)
		return NULL;
	*asn = (uint32_t)v;
	return p;
}

static int bad(char *err, size_t errlen, const char *name, size_t line, const char *what)
{
	snprintf(err, errlen, "%s:%zu: %s", name, line, what);
	return -1;
}

int sim_asrel_parse(const char *name, const char *text, size_t len, struct sim_links *out,
		    char *err, size_t errlen)
{
	const char *p = text, *end = text + len;
	size_t line = 0;

	err[0] = 0;
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
		uint32_t a, b;
		int rel;

		if (!eol)
			eol = end;
		line++;
		const char *le = eol;

		if (le > p && le[-1] == '\r')
			le--;
		if (le == p || *p == '#') {
			p = eol + 1;
			continue;
		}
		q = get_asn(p, le, &a);
		if (!q || q == le || *q != '|')
			return bad(err, errlen, name, line, "expected ASN|ASN|REL (first ASN)");
		q = get_asn(q + 1, le, &b);
		if (!q || q == le || *q != '|')
			return bad(err, errlen, name, line, "expected ASN|ASN|REL (second ASN)");
		q++;
		if (le - q >= 2 && q[0] == '-' && q[1] == '1') {
			rel = SIM_REL_P2C;
			q += 2;
		} else if (le - q >= 1 && q[0] == '0') {
			rel = SIM_REL_P2P;
			q += 1;
		} else {
			return bad(err, errlen, name, line, "relation must be -1 (p2c) or 0 (p2p)");
		}
		if (q != le && *q != '|')
			return bad(err, errlen, name, line, "relation must be -1 (p2c) or 0 (p2p)");
		if (a == b)
			return bad(err, errlen, name, line, "a link from an AS to itself");
		for (const char *c = q; c < le; c++)
			if (*c == 0)
				return bad(err, errlen, name, line, "NUL byte in the line");
		push(out, a, b, rel);
		p = eol + 1;
	}
	return 0;
}

/* The whole file in memory: 10 MB for the 2025 CAIDA file, parsed in one pass. */
static int read_all(const char *path, char **data, size_t *len, sim_progress_fn fn, void *arg,
		    char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 20, n = 0;
	char *buf;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	buf = malloc(cap);
	for (;;) {
		if (n == cap && !(buf = realloc(buf, cap *= 2)))
			abort();
		ssize_t r = read(fd, buf + n, cap - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n < 3 || memcmp(buf, "BZh", 3) != 0) {
		*data = buf;
		*len = n;
		return 0;
	}
	/* bzip2: decompress the whole stream (and concatenated streams, as bzip2 writes them
	 * for parallel compressors) into a growing buffer. */
	size_t ocap = n * 6 + 4096, on = 0, in_off = 0;
	char *o = malloc(ocap);
	bz_stream s;

	while (in_off < n) {
		memset(&s, 0, sizeof(s));
		if (BZ2_bzDecompressInit(&s, 0, 0) != BZ_OK)
			abort();
		s.next_in = buf + in_off;
		s.avail_in = (unsigned)(n - in_off);
		int r;

		do {
			if (ocap - on < 65536 && !(o = realloc(o, ocap *= 2)))
				abort();
			s.next_out = o + on;
			s.avail_out = (unsigned)(ocap - on > 1u << 20 ? 1u << 20 : ocap - on);
			unsigned before = s.avail_out;

			r = BZ2_bzDecompress(&s);
			on += before - s.avail_out;
			if (fn)
				fn(arg, on, 0);
		} while (r == BZ_OK && (s.avail_in > 0 || s.avail_out == 0));
		in_off = n - s.avail_in;
		BZ2_bzDecompressEnd(&s);
		if (r != BZ_STREAM_END) {
			snprintf(err, errlen, "%s: corrupt bzip2 data (%s)", path,
				 r == BZ_OK ? "truncated" : "bad block");
			free(o);
			free(buf);
			return -1;
		}
		/* trailing garbage after a stream that is not another stream: ignore it, as
		 * bzip2 -d warns and does */
		if (n - in_off < 3 || memcmp(buf + in_off, "BZh", 3) != 0)
			break;
	}
	free(buf);
	*data = o;
	*len = on;
	return 0;
}

int sim_asrel_load(const char *path, struct sim_links *out, sim_progress_fn fn, void *arg,
		   char *err, size_t errlen)
{
	char *data;
	size_t len;

	if (read_all(path, &data, &len, fn, arg, err, errlen) < 0)
		return -1;
	int r = sim_asrel_parse(path, data, len, out, err, errlen);

	if (fn)
		fn(arg, len, out->n);
	free(data);
	return r;
}
