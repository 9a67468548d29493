/* libFuzzer target: the DNS-over-TCP framing `anycast probe tcp` applies to what it reads
 * (probe/tcp.h), fed the stream in two pieces split where the input's first byte says, as a
 * connection delivers it. Beyond "no crash, no UB": every message handed on lies inside the
 * bytes given, the bytes used are exactly the messages with their length prefixes, and what is
 * left is less than a whole message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "probe/tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct seen {
	const uint8_t *base;
	size_t n, total;
};

static void msg(void *arg, const uint8_t *p, size_t n)
{
	struct seen *s = arg;

	if (p < s->base || p + n > s->base + s->n)
		abort();
	s->total += 2 + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t split = data[0] % size;
	uint8_t *buf = malloc(size);
	size_t have = 0, used = 0;

	if (!buf)
		return 0;
	for (int piece = 0; piece < 2; piece++) {
		size_t add = piece == 0 ? split : size - 1 - split;

		memcpy(buf + have, data + 1 + (piece ? split : 0), add);
		have += add;
		struct seen s = { buf, have, 0 };
		size_t u = probe_tcp_frames(buf, have, msg, &s);

		if (u != s.total || u > have)
			abort();
		/* the rest is not a whole message */
		if (have - u >= 2 && have - u - 2 >= ((size_t)buf[u] << 8 | buf[u + 1]))
			abort();
		memmove(buf, buf + u, have - u);
		have -= u;
		used += u;
	}
	free(buf);
	(void)used;
	return 0;
}
