/* libFuzzer target: zone files (RFC 1035 master format) from arbitrary bytes.
 *
 * A broken zone must give "fuzz.zone:LINE: reason" with LINE inside the input; a loaded one
 * must answer a query for each of its names with a well-formed reply. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "dns/name.h"
#include "dns/zoneset.h"
#include "lib/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct dns_ctx ctx = { "z", 1, "v", 1, 1232 };

static void ask(const struct dns_zoneset *zs, const struct dns_node *n, uint16_t type)
{
	uint8_t q[12 + DNS_NAME_MAX + 4] = { 0x12, 0x34, 0, 0, 0, 1 };
	static uint8_t out[65535];

	memcpy(q + 12, n->name, n->len);
	put16(q + 12 + n->len, type);
	put16(q + 14 + n->len, 1);
	size_t len = dns_answer(&ctx, zs, q, 16u + n->len, out, sizeof(out), 1);

	if (len < 12 + 4u + n->len || out[0] != 0x12 || !(out[2] & 0x80))
		abort();
	if (memcmp(out + 12, n->name, n->len) != 0)
		abort();
	size_t off = 12 + n->len + 4u;
	int total = get16(out + 6) + get16(out + 8) + get16(out + 10);
	uint8_t name[DNS_NAME_MAX];

	for (int i = 0; i < total; i++) {
		if (dns_name_unpack(out, len, &off, name) < 0 || off + 10 > len)
			abort();
		off += 10 + (size_t)get16(out + off + 8);
	}
	if (off != len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];
	struct dns_zoneset *zs = dns_zoneset_parse("fuzz.zone", (const char *)data, size, err,
						   sizeof(err));

	if (!zs) {
		char *end;
		long line, lines = 1;

		if (strncmp(err, "fuzz.zone:", 10) != 0)
			abort();
		line = strtol(err + 10, &end, 10);
		if (end[0] != ':' || end[1] != ' ' || !end[2])
			abort();
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		if (line < 1 || line > lines)
			abort();
		return 0;
	}
	int asked = 0;

	for (int zi = 0; zi < zs->nzones; zi++) {
		const struct dns_zone *z = zs->zones[zi];

		for (uint32_t i = 0; i <= z->mask && asked < 200; i++) {
			const struct dns_node *n = z->tab[i].p;

			if (!n)
				continue;
			ask(zs, n, 1);
			ask(zs, n, 255);
			if (n->nrrsets)
				ask(zs, n, n->rrsets[0].type);
			asked++;
		}
	}
	dns_zoneset_free(zs);
	return 0;
}
