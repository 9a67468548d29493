/* libFuzzer target: the client side of DNS (dns/query.h), arbitrary bytes as the response to
 * a query: the one reader that anycastd's dns check, `anycast lab status` and `anycast probe`
 * trust with what comes off the network.
 *
 * Beyond "no crash, no UB", it checks the reader's promises: an identity is NUL-terminated,
 * fits its buffer and is printable ASCII; a response that echoes a well-formed question is
 * taken as the response to that question; and a query built for that question is one the
 * responder's own parser reads back with the same ID and question. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/name.h"
#include "dns/query.h"
#include "lib/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_label(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);

	if (n >= cap)
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			abort();
}

static void read_reply(const uint8_t *data, size_t size, const struct dns_question *q)
{
	struct dns_reply r;
	char who[64], tiny[16], txt[4];

	if (dns_reply_parse(data, size, q, &r) < 0)
		return;
	if (r.answers > size || r.id != get16(data))
		abort();
	int ok = dns_reply_identity(data, size, &r, who, sizeof(who));

	check_label(who, sizeof(who));
	/* an identity only from a NOERROR response; otherwise a "(...)" label */
	if (ok ? r.rcode != 0 || !who[0] : who[0] != '(')
		abort();
	dns_reply_identity(data, size, &r, tiny, sizeof(tiny));
	check_label(tiny, sizeof(tiny));
	enum dns_txt_result t = dns_reply_txt(data, size, &r, txt, sizeof(txt));

	check_label(txt, sizeof(txt));
	if (t == DNS_TXT_FOUND && r.rcode == 0 && !ok && strcmp(who, "(empty)") != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "id.server.", "hostname.bind.", "health.lab." };
	struct dns_question q;
	const char *why;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		dns_question_set(&q, names[i], i < 2 ? DNS_T_TXT : DNS_T_SOA,
				 i < 2 ? DNS_C_CH : DNS_C_IN, &why);
		read_reply(data, size, &q);
	}
	/* the question the input carries: a response echoing it is the response to it */
	size_t off = DNS_HDR_LEN;
	int len;

	if (size < DNS_HDR_LEN || (len = dns_name_unpack(data, size, &off, q.name)) < 0 ||
	    off + 4 > size)
		return 0;
	q.len = (size_t)len;
	q.type = get16(data + off);
	q.qclass = get16(data + off + 2);
	uint16_t flags = get16(data + 2);
	struct dns_reply r;

	if ((flags & DNS_QR) && DNS_OPCODE(flags) == 0 && get16(data + 4) == 1 &&
	    dns_reply_parse(data, size, &q, &r) < 0)
		abort();
	read_reply(data, size, &q);
	/* and a query for it reads back the same through the responder's parser */
	uint8_t pkt[DNS_QUERY_MAX];
	struct dns_edns_opts e = { (uint16_t)(512 + size), (int)(size & 1) };
	int n = dns_query_build(pkt, sizeof(pkt), get16(data), &q, (size & 2) ? &e : NULL);
	struct dns_query pq;

	if (n < 0)
		abort();
	dns_query_parse(&pq, pkt, (size_t)n);
	if (pq.id != get16(data) || !pq.has_question || pq.qname_len != q.len ||
	    !dns_name_eq(pq.qname, pq.qname_len, q.name, q.len))
		abort();
	return 0;
}
