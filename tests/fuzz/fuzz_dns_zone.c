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

static const struct dns_ctx ctx = { "z", 1, "v", 1, 1232, NULL, 0 };

/* dnssec: with an OPT record asking for DNSSEC data (DO), and a small UDP buffer */
static void ask(const struct dns_zoneset *zs, const uint8_t *name, size_t nlen, uint16_t type,
		int dnssec)
{
	uint8_t q[12 + DNS_NAME_MAX + 4 + 11] = { 0x12, 0x34, 0, 0, 0, 1, 0, 0, 0, 0, 0, dnssec };
	static const uint8_t opt[11] = { 0, 0, 41, 0x02, 0x00, 0, 0, 0x80, 0, 0, 0 };
	static uint8_t out[65535];

	memcpy(q + 12, name, nlen);
	put16(q + 12 + nlen, type);
	put16(q + 14 + nlen, 1);
	if (dnssec)
		memcpy(q + 16 + nlen, opt, sizeof(opt));
	size_t len = dns_answer(&ctx, zs, q, 16u + nlen + (dnssec ? 11u : 0u), out, sizeof(out),
				!dnssec);

	if (len < 12 + 4u + nlen || out[0] != 0x12 || !(out[2] & 0x80))
		abort();
	if (memcmp(out + 12, name, nlen) != 0)
		abort();
	size_t off = 12 + nlen + 4u;
	int total = get16(out + 6) + get16(out + 8) + get16(out + 10);
	uint8_t rname[DNS_NAME_MAX];

	for (int i = 0; i < total; i++) {
		if (dns_name_unpack(out, len, &off, rname) < 0 || off + 10 > len)
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
			ask(zs, n->name, n->len, 1, 0);
			ask(zs, n->name, n->len, 255, 0);
			ask(zs, n->name, n->len, 1, 1);
			ask(zs, n->name, n->len, 43, 1); /* DS */
			if (n->nrrsets) {
				ask(zs, n->name, n->len, n->rrsets[0].type, 0);
				ask(zs, n->name, n->len, n->rrsets[n->nrrsets - 1].type, 1);
			}
			if (n->len + 3u <= DNS_NAME_MAX) {
				/* a name below it: NXDOMAIN proofs, wildcards, DNAME synthesis */
				uint8_t below[DNS_NAME_MAX] = { 2, 'z', 'z' };

				memcpy(below + 3, n->name, n->len);
				ask(zs, below, n->len + 3u, 1, 1);
				ask(zs, below, n->len + 3u, 1, 0);
			}
			asked++;
		}
	}
	dns_zoneset_free(zs);
	return 0;
}
