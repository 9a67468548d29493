/* libFuzzer target: the zone transfer client's response reader (xfr.c). The input is a
 * stream of length-prefixed messages (as they arrive over TCP), its first byte choosing AXFR
 * or IXFR from a small zone we hold; the ID of each message is set to ours, so the fuzzer
 * need not guess it. Beyond "no crash, no UB, no leak": a finished transfer has a SOA of the
 * serial it announced, and its text reads back as the same records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/xfr.h"
#include "lib/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base_text[] = "$ORIGIN x.test.\n$TTL 300\n"
				"@ SOA ns1 h 1 3600 60 600 300\n@ NS ns1\nns1 A 192.0.2.53\n"
				"www A 192.0.2.80\n@ MX 10 mail\nmail A 192.0.2.25\n";
static const uint8_t zone[] = "\1x\4test";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dns_rrdb base;
	static int init;
	static uint8_t msg[65535];
	char err[256];

	if (!init) {
		dns_rrdb_init(&base);
		if (dns_rrdb_parse(&base, "base", base_text, sizeof(base_text) - 1, err,
				   sizeof(err)) < 0)
			abort();
		init = 1;
	}
	if (size < 1)
		return 0;
	struct dns_xfr x;
	enum dns_xfr_result r = DNS_XFR_MORE;

	dns_xfr_begin(&x, zone, sizeof(zone), (data[0] & 1) ? &base : NULL, 0x5eed);
	size_t off = 1;

	while (r == DNS_XFR_MORE && size - off >= 2) {
		size_t n = get16(data + off);

		off += 2;
		if (n > size - off)
			n = size - off;
		memcpy(msg, data + off, n);
		if (n >= 2)
			put16(msg, 0x5eed);
		off += n;
		r = dns_xfr_feed(&x, msg, n);
	}
	if (r == DNS_XFR_DONE) {
		struct buf b;
		struct dns_rrdb back;

		if (!x.db.soa || dns_rrdb_soa_field(&x.db, 0) != x.new_serial)
			abort();
		buf_init(&b);
		dns_rrdb_text(&x.db, &b);
		dns_rrdb_init(&back);
		if (dns_rrdb_parse(&back, "back", (const char *)b.data, b.len, err, sizeof(err)) ==
			    0 &&
		    back.live != x.db.live)
			abort();
		dns_rrdb_free(&back);
		buf_free(&b);
	}
	dns_xfr_end(&x);
	return 0;
}
