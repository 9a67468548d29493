/* A site's DNS counters (sitestats.h): one HTTP/1.0 GET of /metrics to the site's anycast-dns,
 * made from inside the site's namespace (its metrics listen on the namespace's loopback, out
 * of any client's reach), and the few samples the lab wants picked out of the answer. */
#include "lab/sitestats.h"

#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/gen.h"
#include "lib/clock.h"
#include "lib/log.h"

#define METRICS_MAX (256 * 1024) /* anycast-dns's exposition is a few KiB */

int lab_metric_value(const char *text, size_t len, const char *name, const char *label, double *out)
{
	size_t nlen = strlen(name);

	for (size_t i = 0; i < len;) {
		const char *line = text + i, *nl = memchr(line, '\n', len - i);
		size_t ll = nl ? (size_t)(nl - line) : len - i;
		char v[64], *end;

		i += ll + 1;
		if (ll <= nlen || line[0] == '#' || memcmp(line, name, nlen) != 0)
			continue;
		const char *p = line + nlen, *stop = line + ll;

		if (*p == '{') {
			const char *close = memchr(p, '}', (size_t)(stop - p));

			if (!close)
				continue;
			/* the label must stand whole inside the braces */
			if (label) {
				size_t lb = strlen(label);
				int found = 0;

				for (const char *q = p + 1; q + lb <= close && !found; q++)
					found = memcmp(q, label, lb) == 0 &&
						(q[-1] == '{' || q[-1] == ',') &&
						(q[lb] == ',' || q[lb] == '}');
				if (!found)
					continue;
			}
			p = close + 1;
		} else if (*p != ' ' || label) {
			continue; /* another metric whose name starts with name, or no labels */
		}
		while (p < stop && *p == ' ')
			p++;
		size_t vl = (size_t)(stop - p);

		if (!vl || vl >= sizeof(v))
			continue;
		memcpy(v, p, vl);
		v[vl] = 0;
		/* a timestamp may follow the value */
		double d = strtod(v, &end);

		if (end == v || (*end && *end != ' '))
			continue;
		*out = d;
		return 0;
	}
	return -1;
}

struct fetch {
	int timeout_ms;
	char *body;
	size_t len;
};

static int fetch_in_ns(void *arg, char *err, size_t errlen)
{
	struct fetch *f = arg;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9153) };
	static const char req[] = "GET /metrics HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
	int64_t deadline = clk_now_ns() + (int64_t)f->timeout_ms * 1000000;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	size_t cap = 0;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS) {
		snprintf(err, errlen, "%s: %s", LAB_DNS_METRICS, strerror(errno));
		close(fd);
		return -1;
	}
	int sent = 0;

	for (;;) {
		int64_t left = (deadline - clk_now_ns()) / 1000000;
		struct pollfd p = { fd, (short)(sent ? POLLIN : POLLOUT), 0 };

		if (left <= 0 || poll(&p, 1, (int)left) <= 0) {
			snprintf(err, errlen, "%s: no answer within %d ms", LAB_DNS_METRICS,
				 f->timeout_ms);
			break;
		}
		if (!sent) {
			int e = 0;
			socklen_t el = sizeof(e);

			getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el);
			if (e || write(fd, req, sizeof(req) - 1) != (ssize_t)sizeof(req) - 1) {
				snprintf(err, errlen, "%s: %s", LAB_DNS_METRICS,
					 strerror(e ? e : errno));
				break;
			}
			sent = 1;
			continue;
		}
		if (cap - f->len < 4096) {
			if (cap >= METRICS_MAX) {
				snprintf(err, errlen, "%s: more than %d bytes", LAB_DNS_METRICS,
					 METRICS_MAX);
				break;
			}
			cap = cap ? cap * 2 : 16384;
			f->body = xrealloc(f->body, cap);
		}
		ssize_t n = read(fd, f->body + f->len, cap - f->len - 1);

		if (n > 0) {
			f->len += (size_t)n;
			f->body[f->len] = 0;
		} else if (n == 0) {
			close(fd);
			return 0;
		} else if (errno != EAGAIN && errno != EINTR) {
			snprintf(err, errlen, "%s: %s", LAB_DNS_METRICS, strerror(errno));
			break;
		}
	}
	close(fd);
	return -1;
}

int lab_site_stats(const struct lab *l, size_t node, int timeout_ms, struct lab_site_stats *st)
{
	struct fetch f = { .timeout_ms = timeout_ms };
	char ns[128];
	double v;

	memset(st, 0, sizeof(*st));
	lab_ns_name(l->topo.name, l->topo.nodes[node].name, ns, sizeof(ns));
	if (lab_in_netns(ns, fetch_in_ns, &f, st->why, sizeof(st->why)) < 0) {
		free(f.body);
		return -1;
	}
	const char *body = f.body ? strstr(f.body, "\r\n\r\n") : NULL;

	if (!body || strncmp(f.body, "HTTP/1.", 7) != 0 || strncmp(f.body + 8, " 200", 4) != 0) {
		snprintf(st->why, sizeof(st->why), "%s: not an HTTP 200 answer", LAB_DNS_METRICS);
		free(f.body);
		return -1;
	}
	body += 4;
	size_t len = f.len - (size_t)(body - f.body);

	if (lab_metric_value(body, len, "anycast_dns_answered_total", NULL, &v) < 0) {
		snprintf(st->why, sizeof(st->why), "%s: no anycast_dns_answered_total",
			 LAB_DNS_METRICS);
		free(f.body);
		return -1;
	}
	st->answered = (uint64_t)v;
	if (lab_metric_value(body, len, "anycast_dns_dropped_total", "reason=\"capacity\"", &v) ==
	    0)
		st->dropped = (uint64_t)v;
	if (lab_metric_value(body, len, "anycast_dns_load", NULL, &v) == 0)
		st->load = v;
	st->ok = 1;
	free(f.body);
	return 0;
}

void lab_site_stats_json(const struct lab_site_stats *st, struct buf *out)
{
	if (!st->ok) {
		buf_printf(out, ",\"answered\":null,\"dropped\":null,\"load\":null");
		return;
	}
	buf_printf(out, ",\"answered\":%llu,\"dropped\":%llu,\"load\":%.3f",
		   (unsigned long long)st->answered, (unsigned long long)st->dropped, st->load);
}
