/* anycastd.conf: "check" lines inside a service block.
 *
 *   check tcp ADDR:PORT [options]
 *   check dns ADDR[:PORT] [name NAME] [type TYPE] [options]
 *   check http http://IP[:PORT]/PATH [expect CODE] [body TEXT] [options]
 *   check exec COMMAND [user NAME] [options]
 *   check process PIDFILE [options]
 *   check listen ADDR:PORT[/tcp|/udp] [options]
 *   check load exec COMMAND [user NAME] [options]
 *   check load http http://IP[:PORT]/PATH [metric NAME] [expect CODE] [options]
 *   options: interval DUR, timeout DUR, rise N, fall N, fast-interval DUR
 */
#include "conf/conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf/conf_int.h"
#include "conf/lexer.h"
#include "lib/log.h"

/* Defaults for sub-second failover: a dead service is seen within interval + fast-interval
 * (600 ms), and a check on the same host costs next to nothing. */
#define CHECK_DEFAULT_INTERVAL 500
#define CHECK_MAX_TIMEOUT 1000 /* the default timeout is half the interval, but at most this */
#define CHECK_MIN_FAST 100     /* the default fast interval is interval/5, but at least this */
#define CHECK_MAX_RISE_FALL 1000
/* A load level is a sample: once a second is often enough to follow load, and cheap. */
#define CHECK_LOAD_DEFAULT_INTERVAL 1000

enum opt {
	OPT_INTERVAL,
	OPT_TIMEOUT,
	OPT_RISE,
	OPT_FALL,
	OPT_FAST,
	OPT_NAME,
	OPT_TYPE,
	OPT_EXPECT,
	OPT_BODY,
	OPT_USER,
	OPT_METRIC,
	OPT_COUNT
};

static const struct {
	const char *name;
	enum opt opt;
	int kind; /* -1: every kind */
	int load; /* 1: load checks only */
} opts[] = {
	{ "name", OPT_NAME, CHECK_DNS, 0 },
	{ "type", OPT_TYPE, CHECK_DNS, 0 },
	{ "expect", OPT_EXPECT, CHECK_HTTP, 0 },
	{ "body", OPT_BODY, CHECK_HTTP, 0 },
	{ "user", OPT_USER, CHECK_EXEC, 0 },
	{ "interval", OPT_INTERVAL, -1, 0 },
	{ "timeout", OPT_TIMEOUT, -1, 0 },
	{ "rise", OPT_RISE, -1, 0 },
	{ "fall", OPT_FALL, -1, 0 },
	{ "fast-interval", OPT_FAST, -1, 0 },
	{ "metric", OPT_METRIC, CHECK_HTTP, 1 },
};

/* The kinds a `check load` may take, and what their result means (anycastd.conf(5)). */
static const struct {
	const char *name;
	enum conf_check_kind kind;
} load_kinds[] = {
	{ "exec", CHECK_EXEC }, /* stdout's first number */
	{ "http", CHECK_HTTP }, /* the body, or `metric NAME` of a Prometheus exposition */
};

static const char *const kind_names[] = {
	[CHECK_TCP] = "tcp",   [CHECK_HTTP] = "http",       [CHECK_DNS] = "dns",
	[CHECK_EXEC] = "exec", [CHECK_PROCESS] = "process", [CHECK_LISTEN] = "listen",
};

static const struct {
	const char *name;
	uint16_t type;
} dns_types[] = {
	{ "A", 1 },       { "NS", 2 },    { "CNAME", 5 },  { "SOA", 6 },   { "PTR", 12 },
	{ "MX", 15 },     { "TXT", 16 },  { "AAAA", 28 },  { "SRV", 33 },  { "DS", 43 },
	{ "DNSKEY", 48 }, { "SVCB", 64 }, { "HTTPS", 65 }, { "CAA", 257 },
};

void conf_check_free(struct conf_check *k)
{
	free(k->target);
	free(k->dns_name);
	free(k->http_body);
	free(k->http_host);
	free(k->http_path);
	free(k->load_metric);
	conf_user_free(&k->run_as);
}

/* A Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]* */
static int valid_metric_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == ':'))
			return 0;
	return 1;
}

/* Presentation-format name to "a.b.c.", checking label and name lengths (RFC 1035 2.3.4).
 * Escapes are not supported: a health-check name has no need for them. */
static int parse_dns_name(const char *s, char **out)
{
	size_t n = strlen(s), label = 0, wire = 1;

	if (n == 0)
		return -1;
	if (strcmp(s, ".") == 0) {
		*out = xstrdup(".");
		return 0;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];

		if (ch == '.') {
			if (label == 0)
				return -1; /* empty label: ".a", "a..b" */
			wire += label + 1;
			label = 0;
			continue;
		}
		if (ch <= ' ' || ch >= 0x7f || ch == '\\')
			return -1;
		if (++label > 63)
			return -1;
	}
	if (label)
		wire += label + 1;
	if (wire > 255)
		return -1;
	*out = xmalloc(n + 2);
	memcpy(*out, s, n + 1);
	if (s[n - 1] != '.')
		memcpy(*out + n, ".", 2);
	return 0;
}

static int parse_dns_type(const char *s, uint16_t *type)
{
	uint32_t v;

	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++) {
		if (strcasecmp(s, dns_types[i].name) == 0) {
			*type = dns_types[i].type;
			return 0;
		}
	}
	/* RFC 3597 generic "TYPE123", or a plain number. */
	if (strncasecmp(s, "TYPE", 4) == 0)
		s += 4;
	if (conf_parse_u32(s, 65535, &v) < 0 || v == 0)
		return -1;
	*type = (uint16_t)v;
	return 0;
}

/* http://IP[:PORT][/PATH]. The host must be an IP literal: a health check of the local
 * service must not depend on a resolver. Returns NULL or the reason it is invalid. */
static const char *parse_http_url(const char *url, struct conf_check *k)
{
	const char *auth, *end, *path;
	char *hostport;
	size_t al;

	if (strncasecmp(url, "https://", 8) == 0)
		return "https is not supported (expected http://IP[:PORT]/PATH)";
	if (strncasecmp(url, "http://", 7) != 0)
		return "expected http://IP[:PORT]/PATH";
	auth = url + 7;
	end = auth + strcspn(auth, "/?#");
	al = (size_t)(end - auth);
	if (al == 0)
		return "missing host (expected http://IP[:PORT]/PATH)";
	if (memchr(auth, '@', al))
		return "user information is not supported in the URL";
	hostport = xmalloc(al + 1);
	memcpy(hostport, auth, al);
	hostport[al] = '\0';
	/* URLs bracket IPv6 hosts (RFC 3986); say so, as it is the likely mistake. */
	if (hostport[0] != '[' && strchr(hostport, ':') && strchr(strchr(hostport, ':') + 1, ':')) {
		free(hostport);
		return "an IPv6 host must be in brackets, e.g. http://[::1]:8080/";
	}
	if (conf_parse_hostport(hostport, 80, &k->addr, &k->port) < 0) {
		free(hostport);
		return "the host must be an IP address, optionally with a port 1..65535";
	}
	for (path = end; *path && *path != '#'; path++)
		if ((unsigned char)*path <= ' ' || (unsigned char)*path >= 0x7f)
			break;
	if (*path && *path != '#') {
		free(hostport);
		return "spaces and control characters must be percent-encoded in the URL";
	}
	{
		size_t pl = (size_t)(path - end); /* up to the fragment, which is not sent */
		size_t extra = (pl == 0 || *end == '?') ? 1 : 0;

		k->http_path = xmalloc(pl + extra + 1);
		if (extra)
			k->http_path[0] = '/';
		memcpy(k->http_path + extra, end, pl);
		k->http_path[pl + extra] = '\0';
	}
	k->http_host = hostport;
	return NULL;
}

/* "ADDR:PORT[/tcp|/udp]": -1 when malformed. */
static int parse_listen(const char *s, struct addr *a, uint16_t *port, uint8_t *udp)
{
	char hp[128];
	const char *slash = strrchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	*udp = 0;
	if (slash && strcmp(slash, "/udp") == 0)
		*udp = 1;
	else if (slash && strcmp(slash, "/tcp") != 0)
		return -1;
	if (n >= sizeof(hp))
		return -1;
	memcpy(hp, s, n);
	hp[n] = 0;
	return conf_parse_hostport(hp, 0, a, port) < 0 || *port == 0 ? -1 : 0;
}

static int parse_target(struct conf_parser *p, struct conf_check *k, const struct lex_tok *t)
{
	char b[CONF_SHOW_LEN];
	const char *why;

	switch (k->kind) {
	case CHECK_TCP:
		if (conf_parse_hostport(t->text, 0, &k->addr, &k->port) < 0)
			return conf_terr(p, t,
					 "invalid tcp target '%s' (expected IPV4:PORT or "
					 "[IPV6]:PORT)",
					 conf_show(t->text, b, sizeof(b)));
		break;
	case CHECK_DNS:
		if (conf_parse_hostport(t->text, 53, &k->addr, &k->port) < 0)
			return conf_terr(p, t,
					 "invalid dns server '%s' (expected IPV4, IPV4:PORT, "
					 "[IPV6] or [IPV6]:PORT)",
					 conf_show(t->text, b, sizeof(b)));
		break;
	case CHECK_HTTP:
		why = parse_http_url(t->text, k);
		if (why)
			return conf_terr(p, t, "invalid URL '%s': %s",
					 conf_show(t->text, b, sizeof(b)), why);
		break;
	case CHECK_EXEC:
		if (!t->len)
			return conf_terr(p, t, "empty exec command");
		break;
	case CHECK_PROCESS:
		if (!t->len)
			return conf_terr(p, t, "empty pid file name");
		break;
	case CHECK_LISTEN:
		if (parse_listen(t->text, &k->addr, &k->port, &k->udp) < 0)
			return conf_terr(p, t,
					 "invalid listen target '%s' (expected IPV4:PORT or "
					 "[IPV6]:PORT, optionally /tcp or /udp)",
					 conf_show(t->text, b, sizeof(b)));
		break;
	}
	k->target = xstrdup(t->text);
	return 0;
}

static int parse_opt_dur(struct conf_parser *p, const struct lex_tok *t, const char *what,
			 uint32_t *ms)
{
	char b[CONF_SHOW_LEN];

	if (conf_parse_duration(t->text, ms) < 0)
		return conf_terr(p, t,
				 "invalid %s '%s' (expected a duration such as 100ms, 2s, 1m)",
				 what, conf_show(t->text, b, sizeof(b)));
	if (*ms == 0)
		return conf_terr(p, t, "%s must be longer than 0", what);
	return 0;
}

static int parse_opt(struct conf_parser *p, struct conf_check *k, enum opt o,
		     const struct lex_tok *t)
{
	char b[CONF_SHOW_LEN];
	uint32_t v;

	switch (o) {
	case OPT_INTERVAL: return parse_opt_dur(p, t, "interval", &k->interval_ms);
	case OPT_TIMEOUT: return parse_opt_dur(p, t, "timeout", &k->timeout_ms);
	case OPT_FAST: return parse_opt_dur(p, t, "fast-interval", &k->fast_interval_ms);
	case OPT_RISE:
	case OPT_FALL:
		if (conf_parse_u32(t->text, CHECK_MAX_RISE_FALL, &v) < 0 || v == 0)
			return conf_terr(p, t, "invalid %s '%s' (expected 1..%d)",
					 o == OPT_RISE ? "rise" : "fall",
					 conf_show(t->text, b, sizeof(b)), CHECK_MAX_RISE_FALL);
		if (o == OPT_RISE)
			k->rise = v;
		else
			k->fall = v;
		return 0;
	case OPT_NAME:
		free(k->dns_name);
		k->dns_name = NULL;
		if (parse_dns_name(t->text, &k->dns_name) < 0)
			return conf_terr(p, t, "invalid DNS name '%s'",
					 conf_show(t->text, b, sizeof(b)));
		return 0;
	case OPT_TYPE:
		if (parse_dns_type(t->text, &k->dns_type) < 0)
			return conf_terr(p, t,
					 "invalid DNS type '%s' (expected A, AAAA, SOA, NS, TXT, "
					 "another type name, or a number 1..65535)",
					 conf_show(t->text, b, sizeof(b)));
		return 0;
	case OPT_EXPECT:
		if (conf_parse_u32(t->text, 599, &v) < 0 || v < 100)
			return conf_terr(p, t, "invalid HTTP status '%s' (expected 100..599)",
					 conf_show(t->text, b, sizeof(b)));
		k->http_expect = (int)v;
		return 0;
	case OPT_BODY:
		if (!t->len)
			return conf_terr(p, t, "empty body substring");
		k->http_body = xstrdup(t->text);
		return 0;
	case OPT_USER: return conf_check_user(p, t, k);
	case OPT_METRIC:
		if (!valid_metric_name(t->text))
			return conf_terr(p, t,
					 "invalid metric name '%s' (expected letters, digits, '_' "
					 "or ':', not starting with a digit)",
					 conf_show(t->text, b, sizeof(b)));
		k->load_metric = xstrdup(t->text);
		return 0;
	case OPT_COUNT: break;
	}
	return -1;
}

static int opt_applies(size_t i, int kind, int load)
{
	return (opts[i].kind < 0 || opts[i].kind == kind) && (!opts[i].load || load);
}

static int unknown_opt(struct conf_parser *p, const struct lex_tok *t, int kind, int load)
{
	char b[CONF_SHOW_LEN], list[160];
	size_t o = 0;

	list[0] = '\0';
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opt_applies(i, kind, load))
			o += (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", o ? ", " : "",
					      opts[i].name);
	return conf_terr(p, t, "unknown option '%s' for check %s%s (expected %s)",
			 conf_show(t->text, b, sizeof(b)), load ? "load " : "", kind_names[kind],
			 list);
}

/* Fills the defaults documented in anycastd.conf(5) and checks that the timings agree. */
static int finish_timing(struct conf_parser *p, struct conf_check *k,
			 const struct lex_tok *given[OPT_COUNT])
{
	if (!given[OPT_INTERVAL])
		k->interval_ms = k->load ? CHECK_LOAD_DEFAULT_INTERVAL : CHECK_DEFAULT_INTERVAL;
	if (given[OPT_TIMEOUT] && k->timeout_ms > k->interval_ms)
		return conf_terr(p, given[OPT_TIMEOUT],
				 "timeout (%ums) is longer than the interval "
				 "(%ums)",
				 k->timeout_ms, k->interval_ms);
	if (given[OPT_FAST] && k->fast_interval_ms > k->interval_ms)
		return conf_terr(p, given[OPT_FAST],
				 "fast-interval (%ums) is longer than the "
				 "interval (%ums)",
				 k->fast_interval_ms, k->interval_ms);
	if (!given[OPT_TIMEOUT])
		k->timeout_ms = k->interval_ms / 2 < CHECK_MAX_TIMEOUT ? k->interval_ms / 2
								       : CHECK_MAX_TIMEOUT;
	if (k->timeout_ms == 0)
		k->timeout_ms = 1;
	if (!given[OPT_FAST]) {
		/* Faster while the state is changing, but never slower than the interval. */
		uint32_t f = k->interval_ms / 5;

		if (f < CHECK_MIN_FAST)
			f = CHECK_MIN_FAST;
		k->fast_interval_ms = f < k->interval_ms ? f : k->interval_ms;
	}
	return 0;
}

/* `check load KIND ...`: the kind after "load" (exec or http); -1 (error recorded) if none. */
static int load_kind(struct conf_parser *p)
{
	char b[CONF_SHOW_LEN];
	const struct lex_tok *kt;

	if (p->ntok < 3)
		return conf_terr(p, &p->tok[1],
				 "missing kind after 'check load' (expected exec or http)");
	kt = &p->tok[2];
	for (size_t i = 0; i < sizeof(load_kinds) / sizeof(load_kinds[0]); i++)
		if (kt->kind == LEX_WORD && strcmp(kt->text, load_kinds[i].name) == 0)
			return (int)load_kinds[i].kind;
	return conf_terr(p, kt, "unknown load check kind '%s' (expected exec or http)",
			 conf_show(kt->text, b, sizeof(b)));
}

int conf_parse_check(struct conf_parser *p, struct conf_service *s)
{
	const struct lex_tok *given[OPT_COUNT] = { 0 };
	const struct lex_tok *kt;
	struct conf_check *k;
	char b[CONF_SHOW_LEN];
	int kind = -1, load = 0;
	size_t at; /* the target's token */

	if (p->ntok < 2)
		return conf_terr(p, &p->tok[0],
				 "missing check kind after 'check' (expected tcp, dns, "
				 "http, exec, process, listen or load)");
	kt = &p->tok[1];
	if (kt->kind == LEX_WORD && strcmp(kt->text, "load") == 0) {
		load = 1;
		if ((kind = load_kind(p)) < 0)
			return -1;
		kt = &p->tok[2];
	}
	for (int i = 0; !load && i < (int)(sizeof(kind_names) / sizeof(kind_names[0])); i++)
		if (kt->kind == LEX_WORD && strcmp(kt->text, kind_names[i]) == 0)
			kind = i;
	if (kind < 0)
		return conf_terr(p, kt,
				 "unknown check kind '%s' (expected tcp, dns, http, exec, "
				 "process, listen or load)",
				 conf_show(kt->text, b, sizeof(b)));
	at = 2 + (size_t)load;
	if (p->ntok < at + 1)
		return conf_terr(p, kt, "missing %s after 'check %s%s'",
				 kind == CHECK_EXEC      ? "command"
				 : kind == CHECK_PROCESS ? "pid file"
				 : kind == CHECK_HTTP    ? "URL"
				 : kind == CHECK_DNS     ? "server address"
				 : kind == CHECK_LISTEN  ? "ADDR:PORT[/tcp|/udp]"
							 : "ADDR:PORT",
				 load ? "load " : "", kind_names[kind]);

	/* Appended first, so that conf_free() releases whatever a failure leaves behind. */
	s->checks = conf_grow(s->checks, s->nchecks, sizeof(*s->checks));
	k = &s->checks[s->nchecks++];
	memset(k, 0, sizeof(*k));
	k->kind = (enum conf_check_kind)kind;
	k->load = (uint8_t)load;
	k->line = p->tok[0].line;
	k->col = p->tok[0].col;
	k->rise = 2;
	k->fall = 2;
	if (kind == CHECK_DNS)
		k->dns_type = 1;
	if (kind == CHECK_HTTP)
		k->http_expect = 200;
	if (parse_target(p, k, &p->tok[at]) < 0)
		return -1;

	for (size_t i = at + 1; i < p->ntok; i += 2) {
		const struct lex_tok *t = &p->tok[i];
		size_t j;

		if (t->kind != LEX_WORD)
			return conf_terr(p, t, "expected a check option, not a quoted string");
		for (j = 0; j < sizeof(opts) / sizeof(opts[0]); j++)
			if (opt_applies(j, kind, load) && strcmp(t->text, opts[j].name) == 0)
				break;
		if (j == sizeof(opts) / sizeof(opts[0]))
			return unknown_opt(p, t, kind, load);
		if (given[opts[j].opt])
			return conf_terr(p, t, "'%s' given twice in this check", t->text);
		if (i + 1 == p->ntok)
			return conf_terr(p, t, "missing value after '%s'", t->text);
		given[opts[j].opt] = &p->tok[i + 1];
		if (parse_opt(p, k, opts[j].opt, &p->tok[i + 1]) < 0)
			return -1;
	}
	if (kind == CHECK_DNS && !k->dns_name)
		k->dns_name = xstrdup(".");
	return finish_timing(p, k, given);
}
