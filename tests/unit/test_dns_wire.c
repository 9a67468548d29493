/* Wire format: names with compression pointers (RFC 1035 4.1.4), presentation form, the
 * compressing writer, query parsing, and --listen parsing. */
#include <arpa/inet.h>
#include <string.h>

#include "dns/compress.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/server.h"
#include "lib/buf.h"
#include "t.h"

static void test_unpack(void)
{
	/* 12 bytes of header, then "a.b." at 12, then "c" + pointer to 14 ("b.") */
	static const uint8_t m[] = { 0, 0, 0,   0, 0,   0, 0, 0,   0,    0, 0,
				     0, 1, 'a', 1, 'b', 0, 1, 'c', 0xc0, 14 };
	uint8_t out[DNS_NAME_MAX];
	size_t off = 12;

	CHECK_INT(dns_name_unpack(m, sizeof(m), &off, out), 5);
	CHECK_INT(off, 17);
	off = 17;
	CHECK_INT(dns_name_unpack(m, sizeof(m), &off, out), 5);
	CHECK_INT(off, 21);
	CHECK(memcmp(out, "\1c\1b", 5) == 0);
	off = 17;
	CHECK_INT(dns_name_unpack(m, sizeof(m) - 1, &off, out), -1); /* pointer cut short */
	static const uint8_t loop[] = { 0xc0, 0 };
	off = 0;
	CHECK_INT(dns_name_unpack(loop, sizeof(loop), &off, out), -1); /* points at itself */
	static const uint8_t fwd[] = { 0xc0, 2, 0 };
	off = 0;
	CHECK_INT(dns_name_unpack(fwd, sizeof(fwd), &off, out), -1); /* forward pointer */
	static const uint8_t ext[] = { 0x41, 0 };
	off = 0;
	CHECK_INT(dns_name_unpack(ext, sizeof(ext), &off, out), -1); /* extended label type */
	/* a name that grows past 255 through pointers */
	uint8_t big[600];
	size_t o = 0;

	for (int i = 0; i < 4; i++) {
		big[o++] = 63;
		memset(big + o, 'x', 63);
		o += 63;
	}
	big[o++] = 0;
	off = 0;
	CHECK_INT(dns_name_skip(big, o, &off), -1);
	CHECK_INT(dns_name_skip(big + 64, o - 64, &(size_t){ 0 }), 193);
}

static void test_text(void)
{
	uint8_t w[DNS_NAME_MAX];
	const char *err = NULL;
	char t[1100];

	CHECK_INT(dns_name_from_text("www.Example.com.", 16, NULL, w, &err), 17);
	dns_name_to_text(w, t, sizeof(t));
	CHECK_STR(t, "www.Example.com.");
	CHECK_INT(dns_name_from_text(".", 1, NULL, w, &err), 1);
	dns_name_to_text(w, t, sizeof(t));
	CHECK_STR(t, ".");
	CHECK_INT(dns_name_from_text("a\\.b\\032c.", 10, NULL, w, &err), 7);
	dns_name_to_text(w, t, sizeof(t));
	CHECK_STR(t, "a\\.b\\032c.");
	CHECK_INT(dns_name_from_text("x", 1, (const uint8_t *)"\1t", w, &err), 5);
	CHECK_INT(dns_name_from_text("@", 1, NULL, w, &err), -1);
	CHECK_INT(dns_name_from_text(".a", 2, NULL, w, &err), -1);
	CHECK_INT(dns_name_from_text("a\\", 2, NULL, w, &err), -1);
	/* 4 labels of 63: 256 octets, one too many */
	char s[300];
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		memset(s + n, 'a', 63);
		n += 63;
		s[n++] = '.';
	}
	CHECK_INT(dns_name_from_text(s, n, NULL, w, &err), -1);
	CHECK_STR(err, "name longer than 255 octets");
	CHECK_INT(dns_name_from_text(s, n - 2, NULL, w, &err), -1);      /* relative, no origin */
	CHECK_INT(dns_name_from_text(s + 2, n - 2, NULL, w, &err), 255); /* 61+63+63+63 */
	CHECK_INT(dns_name_labels(w), 4);
	CHECK(dns_name_under((const uint8_t *)"\1a\1b\1c", 7, (const uint8_t *)"\1b\1c", 5));
	CHECK(!dns_name_under((const uint8_t *)"\1a\1b\1c", 7, (const uint8_t *)"\1c\1c", 5));
	CHECK(dns_name_under((const uint8_t *)"\1c", 3, (const uint8_t *)"", 1));
	CHECK(dns_name_eq((const uint8_t *)"\1A\1b", 5, (const uint8_t *)"\1a\1B", 5));
}

static void test_writer(void)
{
	uint8_t buf[70]; /* an A RR after 55 bytes needs 71, an NS with pointers 69 */
	struct dns_wr w;
	static const uint8_t q[] = "\3www\7example\3com";

	dns_wr_init(&w, buf, sizeof(buf));
	w.len = 12;
	CHECK(dns_wr_name(&w, q, sizeof(q), 1) == 0);
	CHECK_INT(w.len, 12 + 17);
	/* "mail.EXAMPLE.com." compresses to "mail" + pointer to 16 */
	static const uint8_t m[] = "\4mail\7EXAMPLE\3com";

	CHECK(dns_wr_name(&w, m, sizeof(m), 1) == 0);
	CHECK_INT(w.len, 29 + 7);
	CHECK(memcmp(buf + 29, "\4mail\xc0\x10", 7) == 0);
	CHECK(dns_wr_name(&w, m, sizeof(m), 1) == 0); /* now all of it is known */
	CHECK(memcmp(buf + 36, "\xc0\x1d", 2) == 0);
	CHECK(dns_wr_name(&w, q, sizeof(q), 0) == 0); /* compression not allowed */
	CHECK_INT(w.len, 38 + 17);
	struct dns_wr_mark mk = dns_wr_mark(&w);

	CHECK(dns_wr_rr(&w, q, sizeof(q), DNS_T_A, 1, 60, (const uint8_t *)"\1\2\3\4", 4) < 0);
	CHECK_INT(w.len, mk.len); /* did not fit: nothing written */
	CHECK(dns_wr_rr(&w, q, sizeof(q), DNS_T_NS, 1, 60, q, sizeof(q)) == 0);
	CHECK_INT(w.len, 55 + 2 + 10 + 2);
	CHECK_INT(get16(buf + 55 + 2 + 8), 2); /* rdlength of the compressed rdata */
}

static void test_query(void)
{
	uint8_t p[64] = { 0xab, 0xcd, 0x01, 0x00, 0,   1, 0, 0, 0, 0, 0,
			  0,    1,    'X',  1,    't', 0, 0, 1, 0, 1 };
	struct dns_query q;

	CHECK_INT(dns_query_parse(&q, p, 21), DNS_RC_NOERROR);
	CHECK_INT(q.id, 0xabcd);
	CHECK_INT(q.qname_len, 5);
	CHECK(memcmp(q.qname, "\1x\1t", 5) == 0);
	CHECK_INT(q.qlabels, 2);
	CHECK_INT(q.loff[1], 2);
	CHECK_INT(q.qtype, 1);
	CHECK(!q.edns);
	/* with OPT: size 4096, version 0, DO, NSID */
	static const uint8_t opt[] = { 0, 0, 41, 0x10, 0, 0, 0, 0x80, 0, 0, 4, 0, 3, 0, 0 };

	memcpy(p + 21, opt, sizeof(opt));
	p[11] = 1;
	CHECK_INT(dns_query_parse(&q, p, 21 + sizeof(opt)), DNS_RC_NOERROR);
	CHECK(q.edns && q.edns_do && q.nsid);
	CHECK_INT(q.udp_size, 4096);
	CHECK_INT(dns_opt_len(&q, 5), 11 + 4 + 5);
	uint8_t o[64];

	CHECK_INT(dns_opt_write(o, &q, 1232, DNS_RC_BADVERS, "hello", 5), 20);
	CHECK_INT(o[5], 1); /* extended rcode: 16 >> 4 */
	CHECK(memcmp(o + 15, "hello", 5) == 0);
	CHECK_INT(dns_query_parse(&q, p, 21 + sizeof(opt) - 1), DNS_RC_FORMERR); /* cut */
	p[12] = 0xc0; /* pointer in the question */
	CHECK_INT(dns_query_parse(&q, p, 21), DNS_RC_FORMERR);
}

static void test_listen(void)
{
	struct dns_listen l;

	CHECK(dns_listen_parse("127.0.0.1", &l) == 0);
	CHECK_STR(l.text, "127.0.0.1:53");
	CHECK(dns_listen_parse("127.0.0.1:5353", &l) == 0);
	CHECK_STR(l.text, "127.0.0.1:5353");
	CHECK_INT(ntohs(((struct sockaddr_in *)&l.ss)->sin_port), 5353);
	CHECK(dns_listen_parse("::1", &l) == 0);
	CHECK_STR(l.text, "[::1]:53");
	CHECK(dns_listen_parse("[2001:db8::1]:8053", &l) == 0);
	CHECK_STR(l.text, "[2001:db8::1]:8053");
	CHECK_INT(l.ss.ss_family, AF_INET6);
	CHECK(dns_listen_parse("[::1]", &l) == 0);
	CHECK(dns_listen_parse("127.0.0.1:0", &l) < 0);
	CHECK(dns_listen_parse("127.0.0.1:65536", &l) < 0);
	CHECK(dns_listen_parse("127.0.0.1:", &l) < 0);
	CHECK(dns_listen_parse("[::1]x", &l) < 0);
	CHECK(dns_listen_parse("localhost", &l) < 0);
	CHECK(dns_listen_parse("[::1", &l) < 0);
}

int main(void)
{
	RUN(test_unpack);
	RUN(test_text);
	RUN(test_writer);
	RUN(test_query);
	RUN(test_listen);
	return t_done();
}
