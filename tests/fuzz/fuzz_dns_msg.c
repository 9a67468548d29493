/* libFuzzer target: the DNS responder's input path, from arbitrary bytes as a query (over
 * UDP at several EDNS limits, and over TCP) to the reply.
 *
 * Beyond "no crash, no UB", it checks what a client relies on: no reply to a response or to a
 * runt; a reply that echoes the ID, has QR, fits the transport's limit, and is well-formed
 * (every count matches the records, every name decompresses). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/answer.h"
#include "dns/name.h"
#include "dns/zoneset.h"
#include "lib/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char zone_text[] =
	"$ORIGIN example.com.\n$TTL 3600\n"
	"@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\n@ NS ns2.example.net.\n"
	"@ MX 10 mail\nns1 A 192.0.2.53\nns1 AAAA 2001:db8::53\nmail A 192.0.2.25\n"
	"www A 192.0.2.80\nwww AAAA 2001:db8::80\nalias CNAME www\nc1 CNAME c2\nc2 CNAME alias\n"
	"loop CNAME loop\nout CNAME www.example.net.\n*.wild A 192.0.2.99\n*.wc CNAME www\n"
	"a.b.c TXT deep\n*.c A 192.0.2.100\nsub NS ns.sub\nsub NS ns.example.net.\n"
	"ns.sub A 192.0.2.153\nsrv._tcp SRV 1 2 3 www\ncaa CAA 0 issue x\nbig TXT"
	" \"0123456789012345678901234567890123456789012345678901234567890123456789\""
	" \"0123456789012345678901234567890123456789012345678901234567890123456789\""
	" \"0123456789012345678901234567890123456789012345678901234567890123456789\""
	" \"0123456789012345678901234567890123456789012345678901234567890123456789\""
	" \"0123456789012345678901234567890123456789012345678901234567890123456789\""
	" \"0123456789012345678901234567890123456789012345678901234567890123456789\""
	" \"0123456789012345678901234567890123456789012345678901234567890123456789\"\n";

static struct dns_zoneset *zs;
static const struct dns_ctx ctx = { "fuzz-id", 7, "anycast-dns fuzz", 16, 1232, NULL, 0 };

static void check_reply(const uint8_t *q, size_t qlen, const uint8_t *r, size_t n, size_t limit)
{
	if (n == 0)
		return;
	if (qlen < 12 || (q[2] & 0x80) || n < 12 || n > limit)
		abort();
	if (r[0] != q[0] || r[1] != q[1] || !(r[2] & 0x80))
		abort();
	size_t off = 12;
	uint8_t name[DNS_NAME_MAX];

	for (int i = 0; i < get16(r + 4); i++) {
		if (dns_name_unpack(r, n, &off, name) < 0 || off + 4 > n)
			abort();
		off += 4;
	}
	int total = get16(r + 6) + get16(r + 8) + get16(r + 10);

	for (int i = 0; i < total; i++) {
		if (dns_name_unpack(r, n, &off, name) < 0 || off + 10 > n)
			abort();
		uint16_t type = get16(r + off), rdlen = get16(r + off + 8);
		size_t rd = off + 10;

		off += 10 + (size_t)rdlen;
		if (off > n)
			abort();
		/* compressed names inside rdata must decompress and end at the rdata's end */
		if (type == 2 || type == 5 || type == 12 || type == 15) {
			size_t p = rd + (type == 15 ? 2 : 0);

			if (dns_name_unpack(r, n, &p, name) < 0 || p != off)
				abort();
		}
	}
	if (off != n)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[65535];
	char err[256];

	if (!zs) {
		zs = dns_zoneset_parse("fuzz", zone_text, sizeof(zone_text) - 1, err, sizeof(err));
		if (!zs)
			abort();
	}
	static const size_t caps[] = { 512, 1232, 4096 };

	for (size_t i = 0; i < 3; i++) {
		size_t n = dns_answer(&ctx, zs, data, size, out, caps[i], 0);

		check_reply(data, size, out, n, caps[i] < 1232 ? caps[i] : 1232);
	}
	size_t n = dns_answer(&ctx, zs, data, size, out, sizeof(out), 1);

	check_reply(data, size, out, n, sizeof(out));
	/* a draining server's TCP reply: edns-tcp-keepalive 0 in the OPT record */
	static const struct dns_ctx closing = {
		"fuzz-id", 7, "anycast-dns fuzz", 16, 1232, NULL, 1
	};

	n = dns_answer(&closing, zs, data, size, out, sizeof(out), 1);
	check_reply(data, size, out, n, sizeof(out));
	/* and the name decoder on its own, from every offset of a short input */
	for (size_t o = 0; o < size && o < 64; o++) {
		uint8_t name[DNS_NAME_MAX];
		size_t off = o;
		int l = dns_name_unpack(data, size, &off, name);

		if (l > DNS_NAME_MAX || (l > 0 && (size_t)l != dns_name_len(name)))
			abort();
	}
	return 0;
}
