/* Unit tests: the anycastd.conf lexer and parser (src/conf). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <unistd.h>

#include "bgp/proto.h"
#include "conf/conf.h"
#include "conf/lexer.h"
#include "t.h"

static int parse(const char *text, struct conf *c, char *err, size_t errlen)
{
	return conf_parse("t.conf", text, strlen(text), c, err, errlen);
}

static const char *fmt_addr(const struct addr *a)
{
	static char buf[4][ADDR_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return addr_fmt(a, buf[i]);
}

static const char *fmt_prefix(const struct prefix *p)
{
	static char buf[4][PREFIX_STRLEN];
	static int i;

	i = (i + 1) % 4;
	return prefix_fmt(p, buf[i]);
}

/* ---------- lexer ---------- */

static void test_lexer_tokens(void)
{
	static const char text[] = "\xef\xbb\xbfkey  value # comment\n"
				   "\tblock {\"a \\\"q\\\" \\\\ \\n\\t\"}\n"
				   "http://h/p#frag x#y\r\n"
				   "\"\"";
	static const struct {
		enum lex_kind kind;
		const char *text;
		int line, col;
	} want[] = {
		{ LEX_WORD, "key", 1, 1 },
		{ LEX_WORD, "value", 1, 6 },
		{ LEX_NEWLINE, NULL, 1, 21 },
		{ LEX_WORD, "block", 2, 2 },
		{ LEX_LBRACE, NULL, 2, 8 },
		{ LEX_STRING, "a \"q\" \\ \n\t", 2, 9 },
		{ LEX_RBRACE, NULL, 2, 26 },
		{ LEX_NEWLINE, NULL, 2, 27 },
		{ LEX_WORD, "http://h/p#frag", 3, 1 },
		{ LEX_WORD, "x#y", 3, 17 },
		{ LEX_NEWLINE, NULL, 3, 21 },
		{ LEX_STRING, "", 4, 1 },
		{ LEX_EOF, NULL, 4, 3 },
		{ LEX_EOF, NULL, 4, 3 },
	};
	struct lex lx;
	struct lex_tok t;

	lex_init(&lx, text, sizeof(text) - 1);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		CHECK_INT(lex_next(&lx, &t), 0);
		CHECK_INT(t.kind, want[i].kind);
		if (want[i].text) {
			CHECK_STR(t.text, want[i].text);
			CHECK_INT(t.len, strlen(want[i].text));
		} else {
			CHECK(t.text == NULL);
		}
		CHECK_INT(t.line, want[i].line);
		CHECK_INT(t.col, want[i].col);
		lex_tok_free(&t);
	}
}

static void test_lexer_errors(void)
{
	static const struct {
		const char *text;
		size_t len;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "a \"open\n", 0, 1, 3, "unterminated string" },
		{ "a \"open", 0, 1, 3, "unterminated string" },
		{ "\n  \"bad \\q\"", 0, 2, 8,
		  "unknown escape '\\q' in string (expected \\\" \\\\ \\n \\t \\r)" },
		{ "ok\x01", 0, 1, 3, "invalid control character 0x01" },
		{ "ok\0x", 4, 1, 3, "NUL byte in file" },
		{ "# c\x7f\n", 0, 1, 4, "invalid control character 0x7f" },
		{ "word\"s\"", 0, 1, 5, "missing space before '\"'" },
		{ "\"s\"word", 0, 1, 4, "missing space after closing quote" },
		{ "\"trailing\\", 0, 1, 1, "unterminated string" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct lex lx;
		struct lex_tok t;
		size_t len = cases[i].len ? cases[i].len : strlen(cases[i].text);
		int r;

		lex_init(&lx, cases[i].text, len);
		while ((r = lex_next(&lx, &t)) == 0 && t.kind != LEX_EOF)
			lex_tok_free(&t);
		lex_tok_free(&t);
		CHECK_INT(r, -1);
		CHECK_INT(lx.err_line, cases[i].line);
		CHECK_INT(lx.err_col, cases[i].col);
		CHECK_STR(lx.err, cases[i].msg);
	}
}

/* ---------- valid configs ---------- */

/* DESIGN.md's example, verbatim. */
static const char design_example[] =
	"router-id 198.18.0.1\n"
	"local-as 65001\n"
	"listen 198.18.0.1            # accept BGP on port 179 here (repeatable); default: connect only\n"
	"control /run/anycastd/anycastd.sock    # the default\n"
	"metrics 127.0.0.1:9179       # Prometheus text exposition at /metrics; off unless given\n"
	"fib no                       # yes = router mode: install best routes in the kernel\n"
	"\n"
	"neighbor 198.18.0.0 {\n"
	"    remote-as 64500\n"
	"    local-address 198.18.0.1\n"
	"    local-role customer      # RFC 9234 role of THIS speaker: provider|customer|peer|rs|rs-client\n"
	"    hold-time 9              # 0, or >= 3 seconds\n"
	"    passive                  # wait for the neighbour to connect\n"
	"}\n"
	"\n"
	"service dns {\n"
	"    prefix 192.0.2.0/24      # repeatable; IPv4 and IPv6\n"
	"    prefix 2001:db8:1::/48\n"
	"    address 192.0.2.1        # optional: the service address, kept on lo while announced\n"
	"    check tcp 127.0.0.1:53 interval 100ms timeout 80ms rise 2 fall 2\n"
	"    check dns 127.0.0.1:53 name health.lab. type A interval 1s\n"
	"    check http http://127.0.0.1:8080/healthz expect 200\n"
	"    check exec \"/usr/local/bin/my-check\" interval 5s\n"
	"    community 65001:100\n"
	"    large-community 65001:0:1\n"
	"    med 10\n"
	"    prepend 0                # extra copies of local-as\n"
	"    drain-time 30s           # on drain: announce with GRACEFUL_SHUTDOWN (65535:0) and +3 prepend for this long, then withdraw\n"
	"    drain-file /run/anycastd/dns.drain   # while it exists, the service is drained\n"
	"}\n";

static void test_design_example(void)
{
	struct conf c;
	char err[256] = "";
	const struct conf_neighbor *n;
	const struct conf_service *s;
	const struct conf_check *k;
	struct addr a;

	CHECK_INT(parse(design_example, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(c.file, "t.conf");
	CHECK_STR(fmt_addr(&c.router_id), "198.18.0.1");
	CHECK_INT(c.local_as, 65001);
	CHECK_INT(c.nlisten, 1);
	CHECK_STR(fmt_addr(&c.listen[0]), "198.18.0.1");
	CHECK_STR(c.control, CONF_DEFAULT_CONTROL);
	CHECK_STR(fmt_addr(&c.metrics_addr), "127.0.0.1");
	CHECK_INT(c.metrics_port, 9179);
	CHECK_INT(c.fib, 0);

	CHECK_INT(c.nneighbors, 1);
	n = &c.neighbors[0];
	CHECK_STR(fmt_addr(&n->addr), "198.18.0.0");
	CHECK_INT(n->remote_as, 64500);
	CHECK_STR(fmt_addr(&n->local_addr), "198.18.0.1");
	CHECK_INT(n->role, BGP_ROLE_CUSTOMER);
	CHECK_INT(n->hold_time, 9);
	CHECK_INT(n->passive, 1);
	CHECK(n->description == NULL);
	CHECK_INT(n->line, 8);
	CHECK_INT(n->col, 1);
	addr_parse("198.18.0.0", &a);
	CHECK(conf_find_neighbor(&c, &a, "") == n);
	addr_parse("198.18.0.2", &a);
	CHECK(conf_find_neighbor(&c, &a, "") == NULL);

	CHECK_INT(c.nservices, 1);
	s = conf_find_service(&c, "dns");
	CHECK(s == &c.services[0]);
	CHECK(conf_find_service(&c, "web") == NULL);
	if (!s) {
		conf_free(&c);
		return;
	}
	CHECK_STR(s->name, "dns");
	CHECK_INT(s->line, 16);
	CHECK_INT(s->nprefixes, 2);
	CHECK_STR(fmt_prefix(&s->prefixes[0]), "192.0.2.0/24");
	CHECK_STR(fmt_prefix(&s->prefixes[1]), "2001:db8:1::/48");
	CHECK_STR(fmt_addr(&s->address), "192.0.2.1");
	CHECK_INT(s->ncomms, 1);
	CHECK_INT(s->comms[0], 65001u << 16 | 100);
	CHECK_INT(s->nlcomms, 1);
	CHECK_INT(s->lcomms[0][0], 65001);
	CHECK_INT(s->lcomms[0][1], 0);
	CHECK_INT(s->lcomms[0][2], 1);
	CHECK_INT(s->has_med, 1);
	CHECK_INT(s->med, 10);
	CHECK_INT(s->prepend, 0);
	CHECK_INT(s->drain_time_ms, 30000);
	CHECK_STR(s->drain_file, "/run/anycastd/dns.drain");
	CHECK_INT(s->flap_limit, 10);
	CHECK_INT(s->flap_window_ms, 60000);

	CHECK_INT(s->nchecks, 4);
	k = &s->checks[0];
	CHECK_INT(k->kind, CHECK_TCP);
	CHECK_STR(k->target, "127.0.0.1:53");
	CHECK_STR(fmt_addr(&k->addr), "127.0.0.1");
	CHECK_INT(k->port, 53);
	CHECK_INT(k->interval_ms, 100);
	CHECK_INT(k->timeout_ms, 80);
	CHECK_INT(k->fast_interval_ms, 100);
	CHECK_INT(k->rise, 2);
	CHECK_INT(k->fall, 2);
	CHECK_INT(k->line, 20);
	CHECK_INT(k->col, 5);

	k = &s->checks[1];
	CHECK_INT(k->kind, CHECK_DNS);
	CHECK_STR(k->target, "127.0.0.1:53");
	CHECK_INT(k->port, 53);
	CHECK_STR(k->dns_name, "health.lab.");
	CHECK_INT(k->dns_type, 1);
	CHECK_INT(k->interval_ms, 1000);
	CHECK_INT(k->timeout_ms, 500);
	CHECK_INT(k->fast_interval_ms, 200);

	k = &s->checks[2];
	CHECK_INT(k->kind, CHECK_HTTP);
	CHECK_STR(k->target, "http://127.0.0.1:8080/healthz");
	CHECK_STR(fmt_addr(&k->addr), "127.0.0.1");
	CHECK_INT(k->port, 8080);
	CHECK_STR(k->http_host, "127.0.0.1:8080");
	CHECK_STR(k->http_path, "/healthz");
	CHECK_INT(k->http_expect, 200);
	CHECK(k->http_body == NULL);
	CHECK_INT(k->interval_ms, 500);

	k = &s->checks[3];
	CHECK_INT(k->kind, CHECK_EXEC);
	CHECK_STR(k->target, "/usr/local/bin/my-check");
	CHECK_INT(k->interval_ms, 5000);
	CHECK_INT(k->timeout_ms, 1000);
	CHECK_INT(k->fast_interval_ms, 1000);
	CHECK_INT(k->rise, 2);
	CHECK_INT(k->fall, 2);

	conf_free(&c);
	CHECK(c.file == NULL && c.services == NULL && c.nservices == 0);
	conf_free(&c); /* a freed conf is empty: freeing it again is harmless */
}

static const char full_config[] =
	"# every keyword, and a few spellings the grammar allows\n"
	"router-id 198.18.0.9\n"
	"local-as 1.10\n"
	"listen 198.18.0.9\n"
	"listen 2001:db8::9\n"
	"control \"/tmp/any cast.sock\"\n"
	"metrics [::1]:9180\n"
	"fib yes\n"
	"neighbor 2001:db8::1\n"
	"{\n"
	"\tremote-as 4200000000\n"
	"\tlocal-address 2001:db8::9\n"
	"\tlocal-role rs-client\n"
	"\thold-time 0\n"
	"\tdescription \"upstream \\\"A\\\"\\r\"\n"
	"}\n"
	"neighbor 198.18.0.2 { remote-as 64501 }\n"
	"neighbor 198.18.0.4 { remote-as 64502 }\n"
	"neighbor 198.18.0.6 {\n"
	"    remote-as 64503\n"
	"    local-role provider }\n"
	"service web-1 {\n"
	"    prefix 2001:db8:2::/48\n"
	"    prefix 203.0.113.0/24\n"
	"    address 2001:db8:2::80\n"
	"    check http http://[::1]/ expect 204 body \"ok\" interval 2s fast-interval 300ms\n"
	"    check http http://127.0.0.1?x=1#frag\n"
	"    check dns [::1] type aaaa name .\n"
	"    check dns [::1] name example type 99 rise 3 fall 5 timeout 200ms\n"
	"    check dns 127.0.0.1:5353 type TYPE257 interval 50ms\n"
	"    check tcp [2001:db8::1]:443\n"
	"    check exec /bin/true timeout 1s interval 1m\n"
	"    community graceful-shutdown\n"
	"    community no-export\n"
	"    community no-advertise\n"
	"    community 0:65535\n"
	"    large-community 4294967295:4294967295:4294967295\n"
	"    med 4294967295\n"
	"    prepend 16\n"
	"    drain-time 1m30s\n"
	"    flap-limit 0\n"
	"    flap-window 5m\n"
	"}\n"
	"service static { prefix 198.51.100.0/24 }\n";

static void test_full_config(void)
{
	struct conf c;
	char err[256] = "";
	const struct conf_neighbor *n;
	const struct conf_service *s;
	const struct conf_check *k;

	CHECK_INT(parse(full_config, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_STR(fmt_addr(&c.router_id), "198.18.0.9");
	CHECK_INT(c.local_as, 65546);
	CHECK_INT(c.nlisten, 2);
	CHECK_STR(fmt_addr(&c.listen[1]), "2001:db8::9");
	CHECK_STR(c.control, "/tmp/any cast.sock");
	CHECK_STR(fmt_addr(&c.metrics_addr), "::1");
	CHECK_INT(c.metrics_port, 9180);
	CHECK_INT(c.fib, 1);

	CHECK_INT(c.nneighbors, 4);
	if (c.nneighbors != 4 || c.nservices != 2) {
		conf_free(&c);
		return;
	}
	n = &c.neighbors[0];
	CHECK_STR(fmt_addr(&n->addr), "2001:db8::1");
	CHECK_INT(n->remote_as, 4200000000u);
	CHECK_STR(fmt_addr(&n->local_addr), "2001:db8::9");
	CHECK_INT(n->role, BGP_ROLE_RS_CLIENT);
	CHECK_INT(n->hold_time, 0);
	CHECK_INT(n->passive, 0);
	CHECK_STR(n->description, "upstream \"A\"\r");
	n = &c.neighbors[1];
	CHECK_INT(n->remote_as, 64501);
	CHECK_INT(n->hold_time, CONF_DEFAULT_HOLD);
	CHECK_INT(n->role, BGP_ROLE_NONE);
	CHECK_INT(n->local_addr.af, 0);
	CHECK_INT(c.neighbors[2].remote_as, 64502);
	CHECK_INT(c.neighbors[3].remote_as, 64503);
	CHECK_INT(c.neighbors[3].role, BGP_ROLE_PROVIDER);

	s = &c.services[0];
	CHECK_STR(s->name, "web-1");
	CHECK_INT(s->nprefixes, 2);
	CHECK_STR(fmt_addr(&s->address), "2001:db8:2::80");
	CHECK_INT(s->nchecks, 7);
	k = &s->checks[0];
	CHECK_INT(k->kind, CHECK_HTTP);
	CHECK_STR(fmt_addr(&k->addr), "::1");
	CHECK_INT(k->port, 80);
	CHECK_STR(k->http_host, "[::1]");
	CHECK_STR(k->http_path, "/");
	CHECK_INT(k->http_expect, 204);
	CHECK_STR(k->http_body, "ok");
	CHECK_INT(k->interval_ms, 2000);
	CHECK_INT(k->timeout_ms, 1000);
	CHECK_INT(k->fast_interval_ms, 300);
	k = &s->checks[1];
	CHECK_STR(k->http_host, "127.0.0.1");
	CHECK_STR(k->http_path, "/?x=1");
	k = &s->checks[2];
	CHECK_INT(k->kind, CHECK_DNS);
	CHECK_STR(k->target, "[::1]");
	CHECK_STR(fmt_addr(&k->addr), "::1");
	CHECK_INT(k->port, 53);
	CHECK_STR(k->dns_name, ".");
	CHECK_INT(k->dns_type, 28);
	k = &s->checks[3];
	CHECK_STR(fmt_addr(&k->addr), "::1");
	CHECK_INT(k->port, 53);
	CHECK_STR(k->dns_name, "example.");
	CHECK_INT(k->dns_type, 99);
	CHECK_INT(k->rise, 3);
	CHECK_INT(k->fall, 5);
	CHECK_INT(k->timeout_ms, 200);
	k = &s->checks[4];
	CHECK_INT(k->port, 5353);
	CHECK_INT(k->dns_type, 257);
	CHECK_INT(k->interval_ms, 50);
	CHECK_INT(k->timeout_ms, 25);
	CHECK_INT(k->fast_interval_ms, 50); /* never slower than the interval */
	k = &s->checks[5];
	CHECK_INT(k->kind, CHECK_TCP);
	CHECK_STR(fmt_addr(&k->addr), "2001:db8::1");
	CHECK_INT(k->port, 443);
	k = &s->checks[6];
	CHECK_INT(k->kind, CHECK_EXEC);
	CHECK_STR(k->target, "/bin/true");
	CHECK_INT(k->interval_ms, 60000);
	CHECK_INT(k->timeout_ms, 1000);
	CHECK_INT(k->fast_interval_ms, 12000);
	CHECK_INT(s->ncomms, 4);
	CHECK_INT(s->comms[0], BGP_COMM_GRACEFUL_SHUTDOWN);
	CHECK_INT(s->comms[1], BGP_COMM_NO_EXPORT);
	CHECK_INT(s->comms[2], BGP_COMM_NO_ADVERTISE);
	CHECK_INT(s->comms[3], 65535);
	CHECK_INT(s->lcomms[0][0], 4294967295u);
	CHECK_INT(s->lcomms[0][2], 4294967295u);
	CHECK_INT(s->has_med, 1);
	CHECK_INT(s->med, 4294967295u);
	CHECK_INT(s->prepend, 16);
	CHECK_INT(s->drain_time_ms, 90000);
	CHECK(s->drain_file == NULL);
	CHECK_INT(s->flap_limit, 0);
	CHECK_INT(s->flap_window_ms, 300000);

	s = &c.services[1];
	CHECK_STR(s->name, "static");
	CHECK_INT(s->nprefixes, 1);
	CHECK_INT(s->nchecks, 0);
	CHECK_INT(s->address.af, 0);
	CHECK_INT(s->has_med, 0);
	CHECK_INT(s->drain_time_ms, 30000);
	CHECK_INT(s->flap_limit, 10);
	CHECK_INT(s->flap_window_ms, 60000);
	conf_free(&c);
}

/* CRLF line ends (a file edited on Windows) parse the same. */
static void test_crlf(void)
{
	struct conf c;
	char err[256] = "", text[sizeof(design_example) * 2];
	size_t o = 0;

	for (const char *q = design_example; *q; q++) {
		if (*q == '\n')
			text[o++] = '\r';
		text[o++] = *q;
	}
	text[o] = '\0';
	CHECK_INT(parse(text, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(c.nneighbors, 1);
	CHECK_INT(c.nservices, 1);
	if (c.nservices == 1) {
		CHECK_INT(c.services[0].nchecks, 4);
		CHECK_STR(c.services[0].drain_file, "/run/anycastd/dns.drain");
	}
	conf_free(&c);
	CHECK_INT(parse("fib no\r\nfib yes\r\n", &c, err, sizeof(err)), -1);
	CHECK_STR(err, "t.conf:2:1: 'fib' given twice at top level (first at line 1)");
}

/* Without neighbors, router-id and local-as may be left out; everything has its default. */
static void test_minimal(void)
{
	static const char *const texts[] = { "", "\n\n# only a comment", "   \t\n" };
	struct conf c;
	char err[128];

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		CHECK_INT(parse(texts[i], &c, err, sizeof(err)), 0);
		CHECK_INT(c.router_id.af, 0);
		CHECK_INT(c.local_as, 0);
		CHECK_INT(c.nlisten, 0);
		CHECK_STR(c.control, CONF_DEFAULT_CONTROL);
		CHECK_INT(c.metrics_addr.af, 0);
		CHECK_INT(c.fib, 0);
		CHECK_INT(c.nneighbors, 0);
		CHECK_INT(c.nservices, 0);
		conf_free(&c);
	}
	CHECK_INT(parse("metrics 127.0.0.1\nservice s {\nprefix 192.0.2.0/24\n}", &c, err,
			sizeof(err)),
		  0);
	CHECK_INT(c.metrics_port, 9179);
	CHECK_INT(c.nservices, 1);
	conf_free(&c);
}

/* check listen: the address, the port and the protocol (TCP unless /udp). */
static void test_check_listen(void)
{
	struct conf c;
	char err[128];

	CHECK_INT(
		parse("service s {\n prefix 192.0.2.0/24\n check listen 127.0.0.1:53/udp\n check listen [2001:db8::1]:80"
		      "\n check listen 192.0.2.1:8053/tcp interval 2s\n}\n",
		      &c, err, sizeof(err)),
		0);
	CHECK_INT(c.services[0].nchecks, 3);
	const struct conf_check *k = c.services[0].checks;

	CHECK_INT(k[0].kind, CHECK_LISTEN);
	CHECK_STR(fmt_addr(&k[0].addr), "127.0.0.1");
	CHECK_INT(k[0].port, 53);
	CHECK_INT(k[0].udp, 1);
	CHECK_STR(fmt_addr(&k[1].addr), "2001:db8::1");
	CHECK_INT(k[1].port, 80);
	CHECK_INT(k[1].udp, 0);
	CHECK_INT(k[2].port, 8053);
	CHECK_INT(k[2].udp, 0);
	CHECK_INT(k[2].interval_ms, 2000);
	conf_free(&c);
}

/* Router mode: every keyword at the edge of its range. */
static void test_router(void)
{
	static const char text[] =
		"router-id 198.18.0.1\nlocal-as 65001\n"
		"local-pref-customer 4294967295\nlocal-pref-peer 0\nlocal-pref-provider 7\n"
		"multipath yes\ntransit no\nfib yes\n"
		"neighbor 198.18.0.0 {\n remote-as 64500\n max-prefix 4294967295\n prepend 16\n"
		" local-pref 1\n import-prefix 192.0.2.0/24\n import-prefix 2001:db8::/32 or-longer\n"
		" import-prefix 0.0.0.0/0 or-longer\n export-prefix 192.0.2.0/24 or-longer\n}\n"
		"neighbor 198.18.0.2 { remote-as 64501 }\n";
	struct conf c;
	char err[256] = "";
	const struct conf_neighbor *n;

	CHECK_INT(parse(text, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK_INT(c.lp_customer, 4294967295u);
	CHECK_INT(c.lp_peer, 0);
	CHECK_INT(c.lp_provider, 7);
	CHECK_INT(c.multipath, 1);
	CHECK_INT(c.fib, 1);
	CHECK_INT(c.transit, 0); /* given: fib does not override it */
	CHECK_INT(c.nneighbors, 2);
	if (c.nneighbors != 2 || c.neighbors[0].nimport_allow != 3 ||
	    c.neighbors[0].nexport_allow != 1) {
		CHECK(0);
		conf_free(&c);
		return;
	}
	n = &c.neighbors[0];
	CHECK_INT(n->max_prefix, 4294967295u);
	CHECK_INT(n->prepend, 16);
	CHECK_INT(n->local_pref, 1);
	CHECK_STR(fmt_prefix(&n->import_allow[0].pfx), "192.0.2.0/24");
	CHECK_INT(n->import_allow[0].or_longer, 0);
	CHECK_STR(fmt_prefix(&n->import_allow[1].pfx), "2001:db8::/32");
	CHECK_INT(n->import_allow[1].or_longer, 1);
	CHECK_STR(fmt_prefix(&n->import_allow[2].pfx), "0.0.0.0/0");
	CHECK_INT(n->import_allow[2].or_longer, 1);
	CHECK_STR(fmt_prefix(&n->export_allow[0].pfx), "192.0.2.0/24");
	CHECK_INT(n->export_allow[0].or_longer, 1);
	CHECK_INT(n->max_prefix_restart_ms, 0);
	CHECK_INT(n->max_prefix_warn_only, 0);
	n = &c.neighbors[1]; /* the defaults */
	CHECK_INT(n->max_prefix, 0);
	CHECK_INT(n->send_hold_ms, 0);
	CHECK_INT(n->prepend, 0);
	CHECK_INT(n->local_pref, 0);
	CHECK(n->import_allow == NULL && n->nimport_allow == 0);
	CHECK(n->export_allow == NULL && n->nexport_allow == 0);
	conf_free(&c);
}

/* What a neighbour may cost: max-prefix with its action, send-hold-time. */
static void test_limits(void)
{
	static const char text[] = "router-id 198.18.0.1\nlocal-as 65001\n"
				   "neighbor 198.18.0.0 {\n remote-as 64500\n"
				   " max-prefix 10 restart 90s\n send-hold-time 5s\n}\n"
				   "neighbor 198.18.0.2 {\n remote-as 64501\n"
				   " max-prefix 20 warning-only\n send-hold-time 2m\n}\n";
	struct conf c;
	char err[256] = "";

	CHECK_INT(parse(text, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	if (c.nneighbors != 2) {
		CHECK(0);
		conf_free(&c);
		return;
	}
	CHECK_INT(c.neighbors[0].max_prefix, 10);
	CHECK_INT(c.neighbors[0].max_prefix_restart_ms, 90000);
	CHECK_INT(c.neighbors[0].max_prefix_warn_only, 0);
	CHECK_INT(c.neighbors[0].send_hold_ms, 5000);
	CHECK_INT(c.neighbors[1].max_prefix, 20);
	CHECK_INT(c.neighbors[1].max_prefix_restart_ms, 0);
	CHECK_INT(c.neighbors[1].max_prefix_warn_only, 1);
	CHECK_INT(c.neighbors[1].send_hold_ms, 120000);
	conf_free(&c);
}

/* One link-local address on two links is two neighbours, whichever way each names its
 * interface; conf_find_neighbor tells them apart (a reload must not swap their settings). */
static void test_linklocal_same_address(void)
{
	struct conf c;
	char err[256] = "";
	struct addr a;

	CHECK_INT(parse("router-id 198.18.0.1\nlocal-as 65001\n"
			"neighbor fe80::b%eth0 {\n remote-as 64500\n}\n"
			"neighbor fe80::b {\n remote-as 64501\n interface eth1\n}\n",
			&c, err, sizeof(err)),
		  0);
	CHECK_STR(err, "");
	addr_parse("fe80::b", &a);
	CHECK(c.nneighbors == 2 && conf_find_neighbor(&c, &a, "eth0") == &c.neighbors[0]);
	CHECK(c.nneighbors == 2 && conf_find_neighbor(&c, &a, "eth1") == &c.neighbors[1]);
	CHECK(conf_find_neighbor(&c, &a, "") == NULL);
	CHECK(conf_find_neighbor(&c, &a, "eth2") == NULL);
	conf_free(&c);
}

/* Router-mode defaults; transit follows fib unless given, in either order. */
/* Families, link-local neighbours, RFC 8326/8212 keywords, and what -n warns about. */
static void test_multiprotocol(void)
{
	struct conf c;
	char err[256] = "", warn[1024];

	CHECK_INT(parse("router-id 198.18.0.1\nlocal-as 65001\nlisten fe80::a%eth0\n"
			"neighbor fe80::b%eth0 {\n remote-as 64500\n}\n"
			"neighbor fe80::c {\n remote-as 64500\n interface eth1\n family ipv6\n"
			" extended-nexthop no\n}\n"
			"neighbor 198.18.0.0 {\n remote-as 64500\n}\n"
			"service s {\n prefix 192.0.2.0/24\n prefix 2001:db8:1::/48\n}\n",
			&c, err, sizeof(err)),
		  0);
	CHECK_STR(err, "");
	CHECK_STR(c.listen_ifname[0], "eth0");
	CHECK_STR(c.neighbors[0].ifname, "eth0");
	CHECK_STR(c.neighbors[1].ifname, "eth1");
	/* default: its own family; IPv4 has an IPv4 neighbour of its own */
	CHECK_INT(c.neighbors[0].families, CONF_FAM_IPV6);
	CHECK_INT(c.neighbors[0].ext_nexthop, 1);
	CHECK_INT(c.neighbors[1].families, CONF_FAM_IPV6);
	CHECK_INT(c.neighbors[1].ext_nexthop, 0);
	CHECK_INT(c.neighbors[2].families, CONF_FAM_IPV4);
	CHECK_INT(c.gshut_lp, 0);
	CHECK_INT(c.gshut_off, 0);
	CHECK_INT(c.rfc8212, 1);
	CHECK_INT(conf_warnings(&c, warn, sizeof(warn)), 0);
	conf_free(&c);
	/* only IPv6 neighbours: they take IPv4 too; without the extended next hop -n warns */
	CHECK_INT(parse("router-id 198.18.0.1\nlocal-as 65001\nfib yes\nrfc8212 yes\n"
			"graceful-shutdown-localpref 5\n"
			"neighbor 2001:db8::2 {\n remote-as 64500\n extended-nexthop no\n}\n"
			"service s {\n prefix 192.0.2.0/24\n}\n",
			&c, err, sizeof(err)),
		  0);
	CHECK_INT(c.neighbors[0].families, CONF_FAM_IPV4 | CONF_FAM_IPV6);
	CHECK_INT(c.gshut_lp, 5);
	CHECK_INT(conf_warnings(&c, warn, sizeof(warn)), 2);
	CHECK(strstr(warn, "t.conf:10: warning: service s: no neighbor can carry IPv4") != NULL);
	CHECK(strstr(warn, "t.conf:6: warning: neighbor 2001:db8::2: eBGP in router mode") != NULL);
	conf_free(&c);
	/* shed with nothing to measure the load; drain-wait with nobody told to close */
	CHECK_INT(
		parse("service s {\n prefix 192.0.2.0/24\n shed 0.9 prepend 2\n drain-wait 5s\n}\n",
		      &c, err, sizeof(err)),
		0);
	CHECK_INT(c.services[0].nsheds, 1);
	CHECK(c.services[0].sheds[0].level == 0.9);
	CHECK_INT(c.services[0].shed_rise, 2);
	CHECK_INT(c.services[0].shed_fall, 3);
	CHECK(c.services[0].shed_hysteresis == 0.1);
	CHECK_INT(c.services[0].shed_hold_ms, 5000);
	CHECK_INT(c.services[0].drain_wait_ms, 5000);
	CHECK_INT(conf_warnings(&c, warn, sizeof(warn)), 2);
	CHECK(strstr(warn, "t.conf:3: warning: service s: shed without a `check load`") != NULL);
	CHECK(strstr(warn, "t.conf:1: warning: service s: drain-wait without drain-file") != NULL);
	conf_free(&c);
	CHECK_INT(parse("service s {\n prefix 192.0.2.0/24\n check load http http://127.0.0.1:9/m "
			"metric x_y\n shed 0.9 large-community 1:2:3\n}\n",
			&c, err, sizeof(err)),
		  0);
	CHECK_INT(c.services[0].checks[0].load, 1);
	CHECK_INT(c.services[0].checks[0].interval_ms, 1000);
	CHECK_STR(c.services[0].checks[0].load_metric, "x_y");
	CHECK_INT(c.services[0].sheds[0].lcomm[2], 3);
	CHECK_INT(conf_warnings(&c, warn, sizeof(warn)), 0);
	conf_free(&c);
	CHECK_INT(parse("graceful-shutdown-localpref off\nrfc8212 no\n", &c, err, sizeof(err)), 0);
	CHECK_INT(c.gshut_off, 1);
	CHECK_INT(c.rfc8212, 0);
	conf_free(&c);
}

static void test_router_defaults(void)
{
	static const struct {
		const char *text;
		int fib, transit;
	} cases[] = {
		{ "", 0, 0 },
		{ "fib no\n", 0, 0 },
		{ "fib yes\n", 1, 1 },
		{ "transit yes\n", 0, 1 },
		{ "fib yes\ntransit no\n", 1, 0 },
		{ "transit no\nfib yes\n", 1, 0 },
		{ "transit yes\nfib no\n", 0, 1 },
		{ "fib yes\ntransit yes\n", 1, 1 },
	};
	struct conf c;
	char err[256] = "";

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_INT(parse(cases[i].text, &c, err, sizeof(err)), 0);
		CHECK_STR(err, "");
		CHECK_INT(c.fib, cases[i].fib);
		CHECK_INT(c.transit, cases[i].transit);
		CHECK_INT(c.multipath, 0);
		CHECK_INT(c.lp_customer, 200);
		CHECK_INT(c.lp_peer, 100);
		CHECK_INT(c.lp_provider, 50);
		conf_free(&c);
	}
	CHECK_INT(parse("multipath no\n", &c, err, sizeof(err)), 0);
	CHECK_INT(c.multipath, 0);
	conf_free(&c);
}

/* ---------- errors ---------- */

static const struct {
	const char *text;
	const char *err;
} bad[] = {
	/* the brief's own example */
	{ "router-id 198.18.0.1\nlocal-as 65001\n\n\n\n\n\n\n\n\n\nneighbor 198.18.0.0 {\n"
	  "    remote-asn 64500\n}\n",
	  "t.conf:13:5: unknown keyword 'remote-asn' in neighbor block (expected remote-as, "
	  "local-address, local-role, hold-time, passive, description, max-prefix" /* later keywords follow */ },
	{ "routerid 1.2.3.4\n",
	  "t.conf:1:1: unknown keyword 'routerid' at top level (expected router-id, local-as, "
	  "listen, control, metrics, fib, transit, multipath, local-pref-customer, "
	  "local-pref-peer, local-pref-provider" /* later keywords follow */ },
	{ "service s {\n  prefix 192.0.2.0/24\n  bogus 1\n}\n",
	  "t.conf:3:3: unknown keyword 'bogus' in service block (expected prefix, address, check, "
	  "community, large-community, med, prepend, drain-time, drain-file, flap-limit, "
	  "flap-window, drain-wait, shed, shed-rise, shed-fall, shed-hysteresis, shed-hold)" },
	{ "neighbor 198.18.0.0 {\n\t\tremote-asn 1\n}\n",
	  "t.conf:2:3: unknown keyword 'remote-asn' in neighbor block" },
	{ "\"router-id\" 1.2.3.4\n", "t.conf:1:1: expected a keyword, not a quoted string" },
	/* lexical errors carry their position too */
	{ "control \"/x\n", "t.conf:1:9: unterminated string" },
	{ "fib \"n\\o\"\n", "t.conf:1:7: unknown escape '\\o'" },
	/* top level values */
	{ "router-id 2001:db8::1\n", "t.conf:1:11: router-id must be a non-zero IPv4 address" },
	{ "router-id 0.0.0.0\n", "t.conf:1:11: router-id must be a non-zero IPv4 address" },
	{ "router-id 1.2.3\n", "t.conf:1:11: invalid address '1.2.3'" },
	{ "router-id\n", "t.conf:1:1: missing router id after 'router-id'" },
	{ "router-id 1.2.3.4 5.6.7.8\n",
	  "t.conf:1:19: unexpected '5.6.7.8' after 'router-id' value" },
	{ "router-id 1.2.3.4\nrouter-id 1.2.3.5\n",
	  "t.conf:2:1: 'router-id' given twice at top level (first at line 1)" },
	{ "local-as 0\n", "t.conf:1:10: AS number 0 is reserved" },
	{ "local-as 23456\n", "t.conf:1:10: AS 23456 (AS_TRANS) cannot be configured" },
	{ "local-as 4294967296\n", "t.conf:1:10: invalid AS number '4294967296'" },
	{ "local-as -1\n", "t.conf:1:10: invalid AS number '-1'" },
	{ "local-as 1.65536\n", "t.conf:1:10: invalid AS number '1.65536'" },
	{ "local-as .5\n", "t.conf:1:10: invalid AS number '.5'" },
	{ "local-as 65001\nlocal-as 65002\n", "t.conf:2:1: 'local-as' given twice" },
	{ "listen 1.2.3.4\nlisten 1.2.3.4\n", "t.conf:2:8: duplicate listen address 1.2.3.4" },
	{ "listen ::1 {\n", "t.conf:1:12: unexpected '{' after 'listen'" },
	{ "control \"\"\n", "t.conf:1:9: control socket path must be 1 to 107 bytes" },
	{ "metrics ::1:9179\n", "t.conf:1:9: invalid metrics address '::1:9179'" },
	{ "metrics 127.0.0.1:0\n", "t.conf:1:9: invalid metrics address" },
	{ "metrics 127.0.0.1:65536\n", "t.conf:1:9: invalid metrics address" },
	{ "metrics [127.0.0.1]:80\n", "t.conf:1:9: invalid metrics address" },
	{ "metrics ::1\n", "t.conf:1:9: invalid metrics address '::1' (expected IPV4:PORT or "
			   "[IPV6]:PORT)" },
	{ "fib maybe\n", "t.conf:1:5: invalid fib 'maybe' (expected yes or no)" },
	{ "}\n", "t.conf:1:1: unexpected '}' (no block is open)" },
	{ "{\n", "t.conf:1:1: unexpected '{'" },
	/* neighbor */
	{ "neighbor 198.18.0.0 {\n  remote-as 1\n}\nlocal-as 65001\n",
	  "t.conf:1:1: router-id is required when a neighbor is configured" },
	{ "router-id 1.2.3.4\nneighbor 198.18.0.0 {\n  remote-as 1\n}\n",
	  "t.conf:2:1: local-as is required when a neighbor is configured" },
	{ "router-id 1.2.3.4\nlocal-as 1\nneighbor 198.18.0.0 {\n  passive\n}\n",
	  "t.conf:3:1: neighbor 198.18.0.0 has no remote-as" },
	{ "router-id 1.2.3.4\nlocal-as 1\nneighbor 198.18.0.0 {\n remote-as 2\n passive\n}\n",
	  "t.conf:3:1: neighbor 198.18.0.0 is passive but no listen address is configured" },
	{ "router-id 1.2.3.4\nlocal-as 1\nneighbor 198.18.0.0 {\n remote-as 2\n}\n"
	  "neighbor 198.18.0.0 {\n remote-as 3\n}\n",
	  "t.conf:6:10: duplicate neighbor 198.18.0.0 (first at line 3)" },
	/* the same link-local neighbour, its interface named the other way (fuzz_conf found it) */
	{ "router-id 1.2.3.4\nlocal-as 1\nneighbor fe80::b%eth0 {\n remote-as 2\n}\n"
	  "neighbor fe80::b {\n remote-as 3\n interface eth0\n}\n",
	  "t.conf:6:10: duplicate neighbor fe80::b%eth0 (first at line 3)" },
	{ "neighbor 2001:db8::1 {\n remote-as 2\n local-address 198.18.0.1\n}\n",
	  "t.conf:3:16: local-address 198.18.0.1 is IPv4 but neighbor 2001:db8::1 is IPv6" },
	{ "neighbor 198.18.0.0 {\n remote-as 2\n remote-as 3\n}\n",
	  "t.conf:3:2: 'remote-as' given twice in neighbor block (first at line 2)" },
	{ "neighbor 198.18.0.0 {\n passive\n passive\n}\n", "t.conf:3:2: 'passive' given twice" },
	{ "neighbor 198.18.0.0 {\n hold-time 2\n}\n",
	  "t.conf:2:12: invalid hold-time '2' (expected 0 or 3..65535 seconds)" },
	{ "neighbor 198.18.0.0 {\n hold-time 65536\n}\n", "t.conf:2:12: invalid hold-time" },
	{ "neighbor 198.18.0.0 {\n bfd on\n}\n",
	  "t.conf:2:6: invalid bfd 'on' (expected yes or no)" },
	{ "neighbor 198.18.0.0 {\n bfd-interval 5ms\n}\n",
	  "t.conf:2:15: invalid bfd-interval '5ms' (expected 10ms..60s)" },
	{ "neighbor 198.18.0.0 {\n bfd-interval 61s\n}\n", "t.conf:2:15: invalid bfd-interval" },
	{ "neighbor 198.18.0.0 {\n bfd-multiplier 0\n}\n",
	  "t.conf:2:17: invalid bfd-multiplier '0' (expected 1..255)" },
	{ "neighbor 198.18.0.0 {\n bfd-multiplier 256\n}\n",
	  "t.conf:2:17: invalid bfd-multiplier '256'" },
	{ "neighbor 198.18.0.0 {\n local-role upstream\n}\n",
	  "t.conf:2:13: unknown role 'upstream' (expected provider, customer, peer, rs, rs-client)" },
	{ "neighbor 198.18.0.0 {\n passive yes\n}\n",
	  "t.conf:2:10: unexpected 'yes' after 'passive' (it takes no value)" },
	{ "neighbor 198.18.0.0 {\n description\n}\n",
	  "t.conf:2:2: missing text after 'description'" },
	{ "neighbor 198.18.0.0/24 {\n", "t.conf:1:10: invalid address '198.18.0.0/24'" },
	{ "neighbor {\n", "t.conf:1:1: missing neighbor address after 'neighbor'" },
	{ "neighbor 198.18.0.0\n remote-as 1\n",
	  "t.conf:2:2: expected '{' to open the neighbor block, found 'remote-as'" },
	{ "neighbor 198.18.0.0 }\n",
	  "t.conf:1:21: expected '{' to open the neighbor block, found '}'" },
	{ "neighbor 198.18.0.0",
	  "t.conf:1:20: expected '{' to open the neighbor block, found end of file" },
	{ "neighbor 198.18.0.0 {\n remote-as 1\n",
	  "t.conf:3:1: missing '}' to close the neighbor block opened at line 1" },
	{ "neighbor 198.18.0.0 {\n remote-as 1\nneighbor 198.18.0.1 {\n",
	  "t.conf:3:1: 'neighbor' inside a neighbor block: missing '}' to close the block opened "
	  "at line 1?" },
	{ "neighbor 198.18.0.0 {\n remote-as 1 {\n",
	  "t.conf:2:14: unexpected '{' after 'remote-as'" },
	{ "neighbor 198.18.0.0 {\n {\n", "t.conf:2:2: unexpected '{' in neighbor block" },
	/* router mode */
	{ "transit maybe\n", "t.conf:1:9: invalid transit 'maybe' (expected yes or no)" },
	{ "transit\n", "t.conf:1:1: missing yes or no after 'transit'" },
	{ "transit yes no\n", "t.conf:1:13: unexpected 'no' after 'transit' value" },
	{ "transit no\nfib no\ntransit no\n",
	  "t.conf:3:1: 'transit' given twice at top level (first at line 1)" },
	{ "multipath 1\n", "t.conf:1:11: invalid multipath '1' (expected yes or no)" },
	{ "multipath yes\nmultipath yes\n", "t.conf:2:1: 'multipath' given twice at top level" },
	{ "local-pref-customer 4294967296\n",
	  "t.conf:1:21: invalid local-pref-customer '4294967296' (expected 0..4294967295)" },
	{ "local-pref-peer -1\n",
	  "t.conf:1:17: invalid local-pref-peer '-1' (expected 0..4294967295)" },
	{ "local-pref-provider x\n",
	  "t.conf:1:21: invalid local-pref-provider 'x' (expected 0..4294967295)" },
	{ "local-pref-peer\n", "t.conf:1:1: missing number after 'local-pref-peer'" },
	{ "local-pref-peer 1 2\n", "t.conf:1:19: unexpected '2' after 'local-pref-peer' value" },
	{ "local-pref-provider 1\nlocal-pref-provider 2\n",
	  "t.conf:2:1: 'local-pref-provider' given twice at top level (first at line 1)" },
	{ "neighbor 198.18.0.0 {\n max-prefix 0\n}\n",
	  "t.conf:2:13: invalid max-prefix '0' (expected 1..4294967295)" },
	{ "neighbor 198.18.0.0 {\n max-prefix 4294967296\n}\n",
	  "t.conf:2:13: invalid max-prefix '4294967296' (expected 1..4294967295)" },
	{ "neighbor 198.18.0.0 {\n max-prefix\n}\n",
	  "t.conf:2:2: missing number after 'max-prefix'" },
	{ "neighbor 198.18.0.0 {\n max-prefix 1\n max-prefix 2\n}\n",
	  "t.conf:3:2: 'max-prefix' given twice in neighbor block (first at line 2)" },
	{ "neighbor 198.18.0.0 {\n max-prefix 1 restart\n}\n",
	  "t.conf:2:15: 'restart' needs a duration (e.g. restart 1m)" },
	{ "neighbor 198.18.0.0 {\n max-prefix 1 restart 0s\n}\n",
	  "t.conf:2:23: invalid duration '0s' (expected e.g. 100ms, 2s, 1m, 1h or seconds)" },
	{ "neighbor 198.18.0.0 {\n max-prefix 1 restart soon\n}\n",
	  "t.conf:2:23: invalid duration 'soon' (expected e.g. 100ms, 2s, 1m, 1h or seconds)" },
	{ "neighbor 198.18.0.0 {\n max-prefix 1 warning-only 5\n}\n",
	  "t.conf:2:15: unexpected 'warning-only' after max-prefix 1 (expected restart DURATION "
	  "or warning-only)" },
	{ "neighbor 198.18.0.0 {\n max-prefix 1 warn\n}\n",
	  "t.conf:2:15: unexpected 'warn' after max-prefix 1 (expected restart DURATION or "
	  "warning-only)" },
	{ "neighbor 198.18.0.0 {\n send-hold-time 500ms\n}\n",
	  "t.conf:2:17: invalid send-hold-time '500ms' (expected 1s or more)" },
	{ "neighbor 198.18.0.0 {\n send-hold-time\n}\n",
	  "t.conf:2:2: missing duration after 'send-hold-time'" },
	{ "neighbor 198.18.0.0 {\n prepend 17\n}\n",
	  "t.conf:2:10: invalid prepend '17' (expected 0..16)" },
	{ "neighbor 198.18.0.0 {\n prepend 1 2\n}\n",
	  "t.conf:2:12: unexpected '2' after 'prepend' value" },
	{ "neighbor 198.18.0.0 {\n local-pref 0\n}\n",
	  "t.conf:2:13: invalid local-pref '0' (expected 1..4294967295)" },
	{ "neighbor 198.18.0.0 {\n local-pref 100\n local-pref 200\n}\n",
	  "t.conf:3:2: 'local-pref' given twice in neighbor block (first at line 2)" },
	{ "neighbor 198.18.0.0 {\n import-prefix\n}\n",
	  "t.conf:2:2: missing prefix after 'import-prefix'" },
	{ "neighbor 198.18.0.0 {\n import-prefix 192.0.2.1/24\n}\n",
	  "t.conf:2:16: prefix 192.0.2.1/24 has host bits set (did you mean 192.0.2.0/24?)" },
	{ "neighbor 198.18.0.0 {\n export-prefix 2001:db8::1/32 or-longer\n}\n",
	  "t.conf:2:16: prefix 2001:db8::1/32 has host bits set (did you mean 2001:db8::/32?)" },
	{ "neighbor 198.18.0.0 {\n import-prefix 192.0.2.0\n}\n",
	  "t.conf:2:16: prefix '192.0.2.0' has no length (expected ADDR/LEN)" },
	{ "neighbor 198.18.0.0 {\n export-prefix 192.0.2.0/33\n}\n",
	  "t.conf:2:16: invalid prefix '192.0.2.0/33'" },
	{ "neighbor 198.18.0.0 {\n import-prefix 192.0.2.0/24 orlonger\n}\n",
	  "t.conf:2:29: unexpected 'orlonger' after 'import-prefix' prefix (expected or-longer)" },
	{ "neighbor 198.18.0.0 {\n export-prefix 192.0.2.0/24 or-longer x\n}\n",
	  "t.conf:2:39: unexpected 'x' after 'export-prefix' value" },
	{ "neighbor 198.18.0.0 {\n import-prefix 192.0.2.0/24\n import-prefix 192.0.2.0/24\n}\n",
	  "t.conf:3:16: duplicate import-prefix 192.0.2.0/24" },
	{ "neighbor 198.18.0.0 {\n export-prefix ::/0 or-longer\n export-prefix ::/0\n}\n",
	  "t.conf:3:16: duplicate export-prefix ::/0" },
	/* service */
	{ "service dns {\n}\n", "t.conf:1:1: service 'dns' has no prefix" },
	{ "service \"a b\" {\n", "t.conf:1:9: invalid service name 'a b'" },
	{ "service s {\n prefix 192.0.2.0/24\n}\nservice s {\n",
	  "t.conf:4:9: duplicate service 's' (first at line 1)" },
	{ "service s {\n prefix 192.0.2.1/24\n}\n",
	  "t.conf:2:9: prefix 192.0.2.1/24 has host bits set (did you mean 192.0.2.0/24?)" },
	{ "service s {\n prefix 2001:db8::1/32\n}\n",
	  "t.conf:2:9: prefix 2001:db8::1/32 has host bits set (did you mean 2001:db8::/32?)" },
	{ "service s {\n prefix 192.0.2.1\n}\n",
	  "t.conf:2:9: prefix '192.0.2.1' has no length (expected ADDR/LEN)" },
	{ "service s {\n prefix 192.0.2.0/33\n}\n", "t.conf:2:9: invalid prefix '192.0.2.0/33'" },
	{ "service s {\n prefix 192.0.2.0/24\n prefix 192.0.2.0/24\n}\n",
	  "t.conf:3:9: duplicate prefix 192.0.2.0/24" },
	{ "service s {\n prefix 192.0.2.0/24\n}\nservice t {\n prefix 192.0.2.0/24\n}\n",
	  "t.conf:5:9: prefix 192.0.2.0/24 already belongs to service 's' (line 1)" },
	{ "service s {\n address 192.0.2.1\n prefix 198.51.100.0/24\n}\n",
	  "t.conf:2:10: address 192.0.2.1 is not inside any prefix of service 's'" },
	{ "service s {\n prefix 192.0.2.0/24\n address 2001:db8::1\n}\n",
	  "t.conf:3:10: address 2001:db8::1 is not inside any prefix" },
	{ "service s {\n address 192.0.2.1\n address 192.0.2.2\n}\n",
	  "t.conf:3:2: 'address' given twice in service block (first at line 2)" },
	{ "service s {\n community 65536:1\n}\n", "t.conf:2:12: invalid community '65536:1'" },
	{ "service s {\n community 1:2:3\n}\n", "t.conf:2:12: invalid community '1:2:3'" },
	{ "service s {\n community no_export\n}\n", "t.conf:2:12: invalid community 'no_export'" },
	{ "service s {\n community 1:2\n community 1:2\n}\n",
	  "t.conf:3:12: duplicate community 1:2" },
	{ "service s {\n large-community 1:2\n}\n", "t.conf:2:18: invalid large community '1:2'" },
	{ "service s {\n large-community 1:2:4294967296\n}\n",
	  "t.conf:2:18: invalid large community" },
	{ "service s {\n large-community 1::3\n}\n", "t.conf:2:18: invalid large community" },
	{ "service s {\n med x\n}\n", "t.conf:2:6: invalid med 'x'" },
	{ "service s {\n med 1\n med 2\n}\n", "t.conf:3:2: 'med' given twice" },
	{ "service s {\n prepend 17\n}\n", "t.conf:2:10: invalid prepend '17' (expected 0..16)" },
	{ "service s {\n drain-time 30x\n}\n", "t.conf:2:13: invalid duration '30x'" },
	{ "service s {\n drain-file \"\"\n}\n", "t.conf:2:13: empty drain-file path" },
	{ "service s {\n flap-limit 1001\n}\n",
	  "t.conf:2:13: invalid flap-limit '1001' (expected 0..1000, 0 for no limit)" },
	{ "service s {\n flap-window 0\n}\n", "t.conf:2:14: invalid flap-window '0'" },
	{ "service s {\n flap-limit 1\n flap-limit 2\n}\n",
	  "t.conf:3:2: 'flap-limit' given twice" },
	{ "service s {\n prefix 192.0.2.0/24 }\n}\n",
	  "t.conf:3:1: unexpected '}' (no block is open)" },
	/* checks */
	{ "service s {\n check\n}\n", "t.conf:2:2: missing check kind after 'check'" },
	{ "service s {\n check icmp 1.2.3.4\n}\n",
	  "t.conf:2:8: unknown check kind 'icmp' (expected tcp, dns, http, exec, process, listen or load)" },
	{ "service s {\n check tcp\n}\n", "t.conf:2:8: missing ADDR:PORT after 'check tcp'" },
	/* load checks and shedding */
	{ "service s {\n check load\n}\n", "t.conf:2:8: missing kind after 'check load'" },
	{ "service s {\n check load tcp 1.2.3.4:5\n}\n",
	  "t.conf:2:13: unknown load check kind 'tcp' (expected exec or http)" },
	{ "service s {\n check load exec\n}\n",
	  "t.conf:2:13: missing command after 'check load exec'" },
	{ "service s {\n check load http http://127.0.0.1/ metric 1x\n}\n",
	  "t.conf:2:43: invalid metric name '1x'" },
	{ "service s {\n check http http://127.0.0.1/ metric m\n}\n",
	  "t.conf:2:31: unknown option 'metric' for check http" },
	{ "service s {\n check load exec \"x\" metric m\n}\n",
	  "t.conf:2:22: unknown option 'metric' for check load exec" },
	{ "service s {\n shed 0 prepend 1\n}\n", "t.conf:2:7: invalid shed level '0'" },
	{ "service s {\n shed 10.5 prepend 1\n}\n", "t.conf:2:7: invalid shed level '10.5'" },
	{ "service s {\n shed 0.9 prepend 17\n}\n",
	  "t.conf:2:19: invalid shed prepend '17' (expected 1..16)" },
	{ "service s {\n shed 0.9 drop 1\n}\n", "t.conf:2:11: unknown shed action 'drop'" },
	{ "service s {\n shed 0.9 prepend\n}\n", "t.conf:2:2: expected 'shed LEVEL ACTION VALUE'" },
	{ "service s {\n shed 0.9 community 1:x\n}\n", "t.conf:2:21: invalid community '1:x'" },
	{ "service s {\n prefix 192.0.2.0/24\n shed 0.9 withdraw-from 198.18.0.9\n}\n",
	  "t.conf:3:25: withdraw-from 198.18.0.9: no such neighbor" },
	{ "service s {\n shed-rise 0\n}\n", "t.conf:2:12: invalid shed-rise '0'" },
	{ "service s {\n shed-hysteresis -1\n}\n", "t.conf:2:18: invalid shed-hysteresis '-1'" },
	{ "service s {\n drain-wait x\n}\n", "t.conf:2:13: invalid drain-wait 'x'" },
	{ "service s {\n check exec\n}\n", "t.conf:2:8: missing command after 'check exec'" },
	{ "service s {\n check tcp 127.0.0.1\n}\n", "t.conf:2:12: invalid tcp target '127.0.0.1'" },
	{ "service s {\n check tcp ::1:53\n}\n", "t.conf:2:12: invalid tcp target '::1:53'" },
	{ "service s {\n check tcp localhost:53\n}\n", "t.conf:2:12: invalid tcp target" },
	{ "service s {\n check dns ::1\n}\n", "t.conf:2:12: invalid dns server '::1' (expected "
					      "IPV4, IPV4:PORT, [IPV6] or [IPV6]:PORT)" },
	{ "service s {\n check dns [::1]:53:53\n}\n", "t.conf:2:12: invalid dns server" },
	{ "service s {\n check dns 127.0.0.1:x\n}\n",
	  "t.conf:2:12: invalid dns server '127.0.0.1:x'" },
	{ "service s {\n check http https://127.0.0.1/\n}\n",
	  "t.conf:2:13: invalid URL 'https://127.0.0.1/': https is not supported" },
	{ "service s {\n check http http://localhost/\n}\n",
	  "t.conf:2:13: invalid URL 'http://localhost/': the host must be an IP address" },
	{ "service s {\n check http http://::1/\n}\n",
	  "t.conf:2:13: invalid URL 'http://::1/': an IPv6 host must be in brackets" },
	{ "service s {\n check http ftp://1.2.3.4/\n}\n", "t.conf:2:13: invalid URL" },
	{ "service s {\n check http \"http://1.2.3.4/a b\"\n}\n",
	  "t.conf:2:13: invalid URL 'http://1.2.3.4/a b': spaces and control characters" },
	{ "service s {\n check http http://u@1.2.3.4/\n}\n", "t.conf:2:13: invalid URL" },
	{ "service s {\n check exec \"\"\n}\n", "t.conf:2:13: empty exec command" },
	{ "service s {\n check listen 127.0.0.1:53/sctp\n}\n",
	  "t.conf:2:15: invalid listen target '127.0.0.1:53/sctp'" },
	{ "service s {\n check listen 127.0.0.1\n}\n",
	  "t.conf:2:15: invalid listen target '127.0.0.1'" },
	{ "service s {\n check listen 127.0.0.1:0/udp\n}\n", "t.conf:2:15: invalid listen target" },
	{ "service s {\n check listen\n}\n",
	  "t.conf:2:8: missing ADDR:PORT[/tcp|/udp] after 'check listen'" },
	{ "service s {\n check tcp 127.0.0.1:53 timeout 2s\n}\n",
	  "t.conf:2:33: timeout (2000ms) is longer than the interval (500ms)" },
	{ "service s {\n check tcp 127.0.0.1:53 timeout 200ms interval 100ms\n}\n",
	  "t.conf:2:33: timeout (200ms) is longer than the interval (100ms)" },
	{ "service s {\n check tcp 127.0.0.1:53 fast-interval 2s\n}\n",
	  "t.conf:2:39: fast-interval (2000ms) is longer than the interval (500ms)" },
	{ "service s {\n check tcp 127.0.0.1:53 rise 0\n}\n",
	  "t.conf:2:30: invalid rise '0' (expected 1..1000)" },
	{ "service s {\n check tcp 127.0.0.1:53 fall 0\n}\n", "t.conf:2:30: invalid fall '0'" },
	{ "service s {\n check tcp 127.0.0.1:53 interval 0\n}\n",
	  "t.conf:2:34: interval must be longer than 0" },
	{ "service s {\n check tcp 127.0.0.1:53 interval\n}\n",
	  "t.conf:2:25: missing value after 'interval'" },
	{ "service s {\n check tcp 127.0.0.1:53 rise 2 rise 3\n}\n",
	  "t.conf:2:32: 'rise' given twice in this check" },
	{ "service s {\n check tcp 127.0.0.1:53 name x.\n}\n",
	  "t.conf:2:25: unknown option 'name' for check tcp (expected interval, timeout, rise, "
	  "fall, fast-interval)" },
	{ "service s {\n check dns [::1] expect 200\n}\n",
	  "t.conf:2:18: unknown option 'expect' for check dns (expected name, type, interval, "
	  "timeout, rise, fall, fast-interval)" },
	{ "service s {\n check http http://[::1]/ name x\n}\n",
	  "t.conf:2:27: unknown option 'name' for check http (expected expect, body, interval" },
	{ "service s {\n check dns [::1] type BOGUS\n}\n",
	  "t.conf:2:23: invalid DNS type 'BOGUS'" },
	{ "service s {\n check dns [::1] type 0\n}\n", "t.conf:2:23: invalid DNS type '0'" },
	{ "service s {\n check dns [::1] name a..b\n}\n", "t.conf:2:23: invalid DNS name 'a..b'" },
	{ "service s {\n check dns [::1] name "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.\n}\n",
	  "t.conf:2:23: invalid DNS name" },
	{ "service s {\n check http http://[::1]/ expect 600\n}\n",
	  "t.conf:2:34: invalid HTTP status '600' (expected 100..599)" },
	{ "service s {\n check http http://[::1]/ body \"\"\n}\n",
	  "t.conf:2:32: empty body substring" },
	{ "service s {\n check exec /bin/true \"interval\" 1s\n}\n",
	  "t.conf:2:23: expected a check option, not a quoted string" },
	{ "service s {\n large-community 1:2:3\n large-community 1:2:3\n}\n",
	  "t.conf:3:18: duplicate large community 1:2:3" },
	{ "service s {\n check tcp 127.0.0.1:53 interval 1.5s\n}\n",
	  "t.conf:2:34: invalid interval '1.5s' (expected a duration such as 100ms, 2s, 1m)" },
	{ "service s {\n check http http:///x\n}\n",
	  "t.conf:2:13: invalid URL 'http:///x': missing host" },
	{ "service s {\n check http http://[::1/\n}\n", "t.conf:2:13: invalid URL" },
	{ "service s {\n check dns [::1] name \"a b\"\n}\n",
	  "t.conf:2:23: invalid DNS name 'a b'" },
	{ "service s {\n check dns [::1] name \"\"\n}\n", "t.conf:2:23: invalid DNS name ''" },
	{ "service aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa {\n",
	  "t.conf:1:9: invalid service name" },
	{ "service {\n", "t.conf:1:1: missing service name after 'service'" },
	{ "local-as\n", "t.conf:1:1: missing AS number after 'local-as'" },
	{ "listen\n", "t.conf:1:1: missing address after 'listen'" },
	{ "listen 2001:db8::/32\n", "t.conf:1:8: invalid address '2001:db8::/32'" },
	{ "control\n", "t.conf:1:1: missing socket path after 'control'" },
	{ "metrics\n", "t.conf:1:1: missing ADDR:PORT after 'metrics'" },
	{ "fib\n", "t.conf:1:1: missing yes or no after 'fib'" },
	{ "neighbor 198.18.0.0 {\n remote-as\n}\n",
	  "t.conf:2:2: missing AS number after 'remote-as'" },
	{ "neighbor 198.18.0.0 {\n local-address\n}\n", "t.conf:2:2: missing address" },
	{ "neighbor 198.18.0.0 {\n local-role\n}\n", "t.conf:2:2: missing role" },
	{ "neighbor 198.18.0.0 {\n hold-time\n}\n", "t.conf:2:2: missing hold time" },
	{ "service s {\n prefix\n}\n", "t.conf:2:2: missing prefix after 'prefix'" },
	{ "service s {\n address\n}\n", "t.conf:2:2: missing address after 'address'" },
	{ "service s {\n address 192.0.2.300\n}\n", "t.conf:2:10: invalid address '192.0.2.300'" },
	{ "service s {\n community\n}\n", "t.conf:2:2: missing community" },
	{ "service s {\n large-community\n}\n", "t.conf:2:2: missing large community" },
	{ "service s {\n med\n}\n", "t.conf:2:2: missing MED after 'med'" },
	{ "service s {\n prepend\n}\n", "t.conf:2:2: missing count after 'prepend'" },
	{ "service s {\n drain-time\n}\n", "t.conf:2:2: missing duration after 'drain-time'" },
	{ "service s {\n drain-file\n}\n", "t.conf:2:2: missing path after 'drain-file'" },
	{ "description \"x\ty\x01\"\n", "t.conf:1:17: invalid control character 0x01" },
	{ "fib \"\\\x01\"\n", "t.conf:1:6: unknown escape in string" },
	/* messages quote what they show safely */
	{ "fib \"\\n\"\n", "t.conf:1:5: invalid fib '\\x0a' (expected yes or no)" },
	/* families and link-local neighbours (conf_mp.c) */
	{ "neighbor fe80::1 {\n remote-as 1\n}\n",
	  "t.conf:1:10: link-local address fe80::1 needs its interface (fe80::1%IFNAME, or the "
	  "interface keyword)" },
	{ "listen fe80::1\n",
	  "t.conf:1:8: link-local address fe80::1 needs its interface (fe80::1%IFNAME, or the "
	  "interface keyword)" },
	{ "neighbor 2001:db8::1%eth0 {\n}\n",
	  "t.conf:1:10: '%INTERFACE' is only for IPv6 link-local addresses: '2001:db8::1%eth0'" },
	{ "neighbor 2001:db8::1 {\n interface eth0\n}\n",
	  "t.conf:2:2: interface is only for a link-local neighbor, not 2001:db8::1" },
	{ "neighbor 198.18.0.0 {\n family ipv5\n}\n",
	  "t.conf:2:9: unknown family 'ipv5' (expected ipv4, ipv6)" },
	{ "neighbor 198.18.0.0 {\n family ipv4 ipv4\n}\n", "t.conf:2:14: family ipv4 given twice" },
	{ "graceful-shutdown-localpref x\n",
	  "t.conf:1:29: invalid graceful-shutdown-localpref (expected 0..4294967295 or off)" },
};

static size_t cur; /* the table row the next RUN() checks */

static void test_error(void)
{
	struct conf c;
	char err[512] = "";
	int r = parse(bad[cur].text, &c, err, sizeof(err));

	if (r != -1 || strncmp(err, bad[cur].err, strlen(bad[cur].err)) != 0) {
		fprintf(stderr, "bad[%zu]: %s\n  got      \"%s\" (%d)\n  expected \"%s...\"\n", cur,
			bad[cur].text, err, r, bad[cur].err);
		t_case_failed = 1;
	}
	/* A failed parse leaves an empty conf, and freeing it again is harmless. */
	CHECK(c.file == NULL && c.neighbors == NULL && c.services == NULL);
	conf_free(&c);
}

/* Errors fit a short buffer, truncated, and a NULL buffer is allowed. */
static void test_error_buffers(void)
{
	struct conf c;
	char err[12];

	CHECK_INT(parse("bogus\n", &c, err, sizeof(err)), -1);
	CHECK_STR(err, "t.conf:1:1:");
	CHECK_INT(parse("bogus\n", &c, NULL, 0), -1);
	conf_free(&c);
}

/* ---------- durations ---------- */

static const struct {
	const char *s;
	int ok;
	uint32_t ms;
} durations[] = {
	{ "100ms", 1, 100 },
	{ "2s", 1, 2000 },
	{ "1m", 1, 60000 },
	{ "1h", 1, 3600000 },
	{ "5", 1, 5000 },
	{ "0", 1, 0 },
	{ "0ms", 1, 0 },
	{ "1m30s", 1, 90000 },
	{ "1h1m1s1ms", 1, 3661001 },
	{ "1s500ms", 1, 1500 },
	{ "007s", 1, 7000 },
	{ "4294967295ms", 1, 4294967295u },
	{ "4294967s", 1, 4294967000u },
	{ "", 0, 0 },
	{ "ms", 0, 0 },
	{ "1x", 0, 0 },
	{ "1.5s", 0, 0 },
	{ "-1s", 0, 0 },
	{ "1s1m", 0, 0 },
	{ "1s1s", 0, 0 },
	{ "1m30", 0, 0 },
	{ "1 s", 0, 0 },
	{ "4294967296ms", 0, 0 },
	{ "4294968s", 0, 0 },
	{ "1000000h", 0, 0 },
	{ "1msx", 0, 0 },
	{ "1S", 0, 0 },
	{ "99999999999999999999", 0, 0 },
	{ "1d", 0, 0 },
	{ "1sec", 0, 0 },
};

static void test_duration(void)
{
	uint32_t ms = 12345;
	int r = conf_parse_duration(durations[cur].s, &ms);

	if (r != (durations[cur].ok ? 0 : -1) || (durations[cur].ok && ms != durations[cur].ms)) {
		fprintf(stderr, "duration \"%s\": got %d, %u\n", durations[cur].s, r, ms);
		t_case_failed = 1;
	}
	if (!durations[cur].ok)
		CHECK_INT(ms, 12345); /* untouched on error */
}

static void test_duration_null(void) { CHECK_INT(conf_parse_duration(NULL, &(uint32_t){ 0 }), -1); }

/* ---------- files ---------- */

static void test_load(void)
{
	char path[] = "/tmp/test_conf_XXXXXX";
	char err[512];
	struct conf c;
	int fd = mkstemp(path);
	FILE *f;

	CHECK(fd >= 0);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	fputs(design_example, f);
	fclose(f);
	CHECK_INT(conf_load(path, &c, err, sizeof(err)), 0);
	CHECK_STR(c.file, path);
	CHECK_INT(c.nservices, 1);
	conf_free(&c);

	f = fopen(path, "w");
	fputs("router-id 198.18.0.1\nlocal-as 65001\nfib on\n", f);
	fclose(f);
	CHECK_INT(conf_load(path, &c, err, sizeof(err)), -1);
	{
		char want[600];

		snprintf(want, sizeof(want), "%s:3:5: invalid fib 'on' (expected yes or no)", path);
		CHECK_STR(err, want);
	}
	conf_free(&c);
	unlink(path);

	CHECK_INT(conf_load("/nonexistent/anycastd.conf", &c, err, sizeof(err)), -1);
	CHECK_STR(err, "/nonexistent/anycastd.conf: No such file or directory");
	conf_free(&c);
}

/* The example shipped in examples/ must parse (run from the repository root). */
static void test_shipped_example(void)
{
	struct conf c;
	char err[512] = "";

	if (access("examples/anycastd.conf", R_OK) != 0)
		return;
	CHECK_INT(conf_load("examples/anycastd.conf", &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK(c.nneighbors >= 1);
	CHECK(c.nservices >= 1);
	conf_free(&c);
}

static void test_graceful_restart(void)
{
	struct conf c;
	char err[512];
	static const char base[] = "router-id 198.18.0.1\nlocal-as 65001\n";
	static const struct {
		const char *nb;
		int ok;
		uint8_t gr;
		uint16_t time;
		const char *err;
	} cases[] = {
		{ "", 1, 0, 120, NULL },
		{ "    graceful-restart yes\n", 1, 1, 120, NULL },
		{ "    graceful-restart yes\n    graceful-restart-time 2m\n", 1, 1, 120 * 1, NULL },
		{ "    graceful-restart-time 30\n", 1, 0, 30, NULL },
		{ "    graceful-restart-time 4095s\n", 1, 0, 4095, NULL },
		{ "    graceful-restart maybe\n", 0, 0, 0,
		  "t.conf:6:22: invalid graceful-restart 'maybe'" },
		{ "    graceful-restart-time 4096\n", 0, 0, 0,
		  "t.conf:6:27: invalid graceful-restart-time '4096' (expected 1..4095 seconds)" },
		{ "    graceful-restart-time 1500ms\n", 0, 0, 0, "t.conf:6:27: invalid" },
		{ "    graceful-restart-time 0\n", 0, 0, 0, "t.conf:6:27: invalid" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[512];

		snprintf(text, sizeof(text),
			 "%s\nneighbor 198.18.0.0 {\n    remote-as 64500\n%s}\n", base,
			 cases[i].nb);
		int r = parse(text, &c, err, sizeof(err));

		CHECK_INT(r, cases[i].ok ? 0 : -1);
		if (r == 0) {
			CHECK_INT(c.neighbors[0].graceful_restart, cases[i].gr);
			CHECK_INT(c.neighbors[0].gr_time, cases[i].time);
		} else {
			CHECK(strncmp(err, cases[i].err, strlen(cases[i].err)) == 0);
			if (strncmp(err, cases[i].err, strlen(cases[i].err)) != 0)
				printf("  got %s\n", err);
		}
		conf_free(&c);
	}
}

/* BFD per neighbour: off by default with 100 ms x 3 ready; every keyword at its edges. */
static void test_bfd(void)
{
	static const char text[] = "router-id 198.18.0.1\nlocal-as 2\n"
				   "neighbor 198.18.0.0 {\n remote-as 1\n bfd yes\n"
				   " bfd-interval 10ms\n bfd-multiplier 255\n}\n"
				   "neighbor 198.18.0.2 {\n remote-as 1\n bfd-interval 1m\n}\n"
				   "neighbor 198.18.0.4 {\n remote-as 1\n}\n";
	struct conf c;
	char err[256] = "";

	CHECK_INT(parse(text, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	if (c.nneighbors != 3) {
		CHECK(0);
		conf_free(&c);
		return;
	}
	CHECK_INT(c.neighbors[0].bfd, 1);
	CHECK_INT(c.neighbors[0].bfd_interval_ms, 10);
	CHECK_INT(c.neighbors[0].bfd_mult, 255);
	CHECK_INT(c.neighbors[1].bfd, 0);
	CHECK_INT(c.neighbors[1].bfd_interval_ms, 60000);
	CHECK_INT(c.neighbors[2].bfd, 0);
	CHECK_INT(c.neighbors[2].bfd_interval_ms, 100);
	CHECK_INT(c.neighbors[2].bfd_mult, 3);
	conf_free(&c);
}

int main(void)
{
	RUN(test_linklocal_same_address);
	RUN(test_lexer_tokens);
	RUN(test_lexer_errors);
	RUN(test_design_example);
	RUN(test_full_config);
	RUN(test_crlf);
	RUN(test_minimal);
	RUN(test_router);
	RUN(test_limits);
	RUN(test_router_defaults);
	RUN(test_multiprotocol);
	RUN(test_bfd);
	RUN(test_check_listen);
	for (cur = 0; cur < sizeof(bad) / sizeof(bad[0]); cur++)
		RUN(test_error);
	RUN(test_error_buffers);
	for (cur = 0; cur < sizeof(durations) / sizeof(durations[0]); cur++)
		RUN(test_duration);
	RUN(test_duration_null);
	RUN(test_load);
	RUN(test_shipped_example);
	RUN(test_graceful_restart);
	return t_done();
}
