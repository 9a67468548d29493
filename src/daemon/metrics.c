/* The Prometheus endpoint: a minimal HTTP/1.0 server answering GET /metrics. */
#include "daemon/metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "lib/log.h"

#define REQ_MAX 8192

struct metrics_server {
	struct daemon *d;
	int fd;
};

struct metrics_conn {
	struct metrics_server *m;
	int fd;
	struct buf in, out;
	int answered;
};

/* Label values escape backslash, quote and newline (exposition format). */
static void label(struct buf *b, const char *s)
{
	buf_put8(b, '"');
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			buf_put8(b, '\\');
		if (*s == '\n') {
			buf_put(b, "\\n", 2);
			continue;
		}
		buf_put8(b, (uint8_t)*s);
	}
	buf_put8(b, '"');
}

static void help(struct buf *b, const char *name, const char *type, const char *text)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

void metrics_render(struct daemon *d, struct buf *b)
{
	help(b, "anycast_service_up", "gauge", "1 while the service's prefixes are announced");
	for (size_t i = 0; i < d->nsvcs; i++) {
		buf_printf(b, "anycast_service_up{service=");
		label(b, d->svcs[i].name);
		buf_printf(b, "} %d\n", d->svcs[i].announced != NULL);
	}
	help(b, "anycast_service_transitions_total", "counter",
	     "changes of the service's health state");
	for (size_t i = 0; i < d->nsvcs; i++) {
		buf_printf(b, "anycast_service_transitions_total{service=");
		label(b, d->svcs[i].name);
		buf_printf(b, "} %llu\n", (unsigned long long)d->svcs[i].transitions);
	}
	help(b, "anycast_check_ok", "gauge", "1 while the check is up (after rise/fall)");
	for (size_t i = 0; i < d->nsvcs; i++)
		for (size_t j = 0; j < d->svcs[i].nchecks; j++) {
			buf_printf(b, "anycast_check_ok{service=");
			label(b, d->svcs[i].name);
			buf_printf(b, ",check=");
			label(b, d->svcs[i].checks[j]->label);
			buf_printf(b, "} %d\n", d->svcs[i].checks[j]->ok);
		}
	help(b, "anycast_check_duration_seconds", "gauge", "duration of the last run");
	for (size_t i = 0; i < d->nsvcs; i++)
		for (size_t j = 0; j < d->svcs[i].nchecks; j++) {
			buf_printf(b, "anycast_check_duration_seconds{service=");
			label(b, d->svcs[i].name);
			buf_printf(b, ",check=");
			label(b, d->svcs[i].checks[j]->label);
			buf_printf(b, "} %.3f\n", d->svcs[i].checks[j]->last_ms / 1000.0);
		}
	struct bgp_speaker *sp = d->sp;
	static const char *const peer_metrics[][2] = {
		{"anycast_bgp_session_up", "1 while the session is Established"},
		{"anycast_bgp_prefixes_received", "prefixes in the neighbor's Adj-RIB-In"},
		{"anycast_bgp_prefixes_advertised", "prefixes in the neighbor's Adj-RIB-Out"},
	};
	for (int k = 0; k < 3; k++) {
		help(b, peer_metrics[k][0], "gauge", peer_metrics[k][1]);
		for (size_t i = 0; sp && i < sp->npeers; i++) {
			const struct bgp_peer *p = sp->peers[i];
			char a[ADDR_STRLEN];
			size_t value = k == 0 ? p->state == BGP_ESTABLISHED
				     : k == 1 ? p->n_paths : p->adj_out.count;

			buf_printf(b, "%s{neighbor=\"%s\"} %zu\n", peer_metrics[k][0],
				   addr_fmt(&p->conf.addr, a), value);
		}
	}
}

static void conn_close(struct metrics_conn *c)
{
	ev_io_del(c->m->d->loop, c->fd);
	close(c->fd);
	buf_free(&c->in);
	buf_free(&c->out);
	free(c);
}

static void conn_io(int fd, uint32_t events, void *arg)
{
	struct metrics_conn *c = arg;

	if (!c->answered) {
		buf_reserve(&c->in, 1024);
		ssize_t n = read(fd, c->in.data + c->in.len, c->in.cap - c->in.len - 1);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0 || c->in.len + (size_t)n > REQ_MAX) {
			conn_close(c);
			return;
		}
		c->in.len += (size_t)n;
		c->in.data[c->in.len] = 0;
		if (!strstr((char *)c->in.data, "\r\n\r\n") && !strstr((char *)c->in.data, "\n\n"))
			return;
		struct buf body;

		buf_init(&body);
		int ok = strncmp((char *)c->in.data, "GET /metrics ", 13) == 0 ||
			 strncmp((char *)c->in.data, "GET /metrics?", 13) == 0;

		if (ok)
			metrics_render(c->m->d, &body);
		else
			buf_printf(&body, "not found: try /metrics\n");
		buf_printf(&c->out,
			   "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
			   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			   ok ? "200 OK" : "404 Not Found", body.len);
		buf_put(&c->out, body.data, body.len);
		buf_free(&body);
		c->answered = 1;
		ev_io_mod(c->m->d->loop, fd, EPOLLOUT);
	}
	while (buf_pending(&c->out)) {
		ssize_t n = send(fd, c->out.data + c->out.off, buf_pending(&c->out),
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			break;
		buf_consume(&c->out, (size_t)n);
	}
	conn_close(c);
}

static void on_accept(int lfd, uint32_t events, void *arg)
{
	struct metrics_server *m = arg;
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		struct metrics_conn *c = xcalloc(1, sizeof(*c));

		c->m = m;
		c->fd = fd;
		buf_init(&c->in);
		buf_init(&c->out);
		ev_io_add(m->d->loop, fd, EPOLLIN, conn_io, c);
	}
}

struct metrics_server *metrics_listen(struct daemon *d, const struct addr *a, uint16_t port,
				      char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl = addr_to_sa(a, port, &ss);
	int fd = socket(a->af, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	char as[ADDR_STRLEN];

	if (fd < 0)
		goto fail;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 16) < 0)
		goto fail;
	struct metrics_server *m = xcalloc(1, sizeof(*m));

	m->d = d;
	m->fd = fd;
	ev_io_add(d->loop, fd, EPOLLIN, on_accept, m);
	log_info("metrics on http://%s%s%s:%u/metrics", a->af == AF_INET6 ? "[" : "",
		 addr_fmt(a, as), a->af == AF_INET6 ? "]" : "", port);
	return m;
fail:
	snprintf(err, errlen, "metrics %s port %u: %s", addr_fmt(a, as), port, strerror(errno));
	if (fd >= 0)
		close(fd);
	return NULL;
}

void metrics_close(struct metrics_server *m)
{
	if (!m)
		return;
	ev_io_del(m->d->loop, m->fd);
	close(m->fd);
	free(m);
}
