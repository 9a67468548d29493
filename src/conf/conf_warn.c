/* What `anycastd -n` warns about in a valid file: configurations that load and run but do not
 * do what their author most likely meant (see conf.h). */
#include "conf/conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bgp/proto.h"

struct warn_out {
	const char *file;
	char *out;
	size_t len, used;
	int n;
};

__attribute__((format(printf, 3, 4))) static void warn(struct warn_out *w, int line,
						       const char *fmt, ...)
{
	va_list ap;
	int k;

	w->n++;
	if (w->used + 1 >= w->len)
		return;
	k = snprintf(w->out + w->used, w->len - w->used, "%s:%d: warning: ", w->file, line);
	if (k > 0)
		w->used += (size_t)k < w->len - w->used ? (size_t)k : w->len - w->used - 1;
	va_start(ap, fmt);
	k = vsnprintf(w->out + w->used, w->len - w->used, fmt, ap);
	va_end(ap);
	if (k > 0)
		w->used += (size_t)k < w->len - w->used ? (size_t)k : w->len - w->used - 1;
	if (w->used + 1 < w->len)
		w->out[w->used++] = '\n';
	w->out[w->used] = '\0';
}

/* Could the neighbour carry routes of family af, as configured? */
static int carries(const struct conf_neighbor *n, int af)
{
	if (!(n->families & (af == AF_INET ? CONF_FAM_IPV4 : CONF_FAM_IPV6)))
		return 0;
	/* IPv4 routes on an IPv6 session need an IPv6 next hop (RFC 8950) or an IPv4 address on
	 * the link, which a link-local session rarely has. */
	if (af == AF_INET && n->addr.af == AF_INET6 && !n->ext_nexthop)
		return 0;
	return 1;
}

int conf_warnings(const struct conf *c, char *out, size_t outlen)
{
	struct warn_out w = { .file = c->file, .out = out, .len = outlen };
	char pb[PREFIX_STRLEN], ab[ADDR_STRLEN];

	if (outlen)
		out[0] = '\0';
	for (size_t i = 0; i < c->nservices && c->nneighbors; i++) {
		const struct conf_service *s = &c->services[i];
		int warned[2] = { 0, 0 };

		for (size_t j = 0; j < s->nprefixes; j++) {
			int af = s->prefixes[j].addr.af, k = af == AF_INET6, ok = 0;

			for (size_t m = 0; m < c->nneighbors && !ok; m++)
				ok = carries(&c->neighbors[m], af);
			if (ok || warned[k]++)
				continue;
			warn(&w, s->line,
			     "service %s: no neighbor can carry %s prefix %s (add a neighbor of "
			     "that family, `family ipv4 ipv6`, or `extended-nexthop yes`): it "
			     "will never be announced",
			     s->name, k ? "IPv6" : "IPv4", prefix_fmt(&s->prefixes[j], pb));
		}
	}
	for (size_t i = 0; i < c->nservices; i++) {
		const struct conf_service *s = &c->services[i];
		size_t loads = 0;

		for (size_t j = 0; j < s->nchecks; j++)
			loads += s->checks[j].load;
		if (s->nsheds && !loads)
			warn(&w, s->sheds[0].line,
			     "service %s: shed without a `check load`: there is no load to shed by",
			     s->name);
		if (s->drain_wait_ms && !s->drain_file)
			warn(&w, s->line,
			     "service %s: drain-wait without drain-file: the service is not told "
			     "to close its connections, so a drain waits the whole drain-wait",
			     s->name);
	}
	for (size_t i = 0; i < c->nneighbors && c->fib && c->rfc8212; i++) {
		const struct conf_neighbor *n = &c->neighbors[i];

		if (n->remote_as == c->local_as || n->role != BGP_ROLE_NONE)
			continue;
		if (!n->nimport_allow || !n->nexport_allow)
			warn(&w, n->line,
			     "neighbor %s: eBGP in router mode without local-role or %s: RFC 8212 "
			     "denies %s (set a role, import-prefix/export-prefix, or `rfc8212 no`)",
			     addr_fmt(&n->addr, ab),
			     !n->nimport_allow && !n->nexport_allow ? "import/export-prefix"
			     : !n->nimport_allow                    ? "import-prefix"
								    : "export-prefix",
			     !n->nimport_allow && !n->nexport_allow ? "every route both ways"
			     : !n->nimport_allow                    ? "every route it sends"
								    : "every route to it");
	}
	return w.n;
}
