/* The metrics endpoint: HTTP/1.0, one request per connection, as anycastd's. */
#include "dns/metrics.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/reqsrv.h"

#define REQ_MAX 8192

struct dns_metrics {
	struct reqsrv *srv;
	dns_metrics_read_fn *read;
	void *arg;
};

static void help(struct buf *b, const char *name, const char *type, const char *text)
{
	buf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, text, name, type);
}

void dns_metrics_render(const struct dns_stats *s, struct buf *b)
{
	help(b, "anycast_dns_queries_total", "counter",
	     "queries received, answered or not (dropped, unanswerable)");
	buf_printf(b, "anycast_dns_queries_total{transport=\"udp\"} %llu\n",
		   (unsigned long long)s->received[DNS_UDP]);
	buf_printf(b, "anycast_dns_queries_total{transport=\"tcp\"} %llu\n",
		   (unsigned long long)s->received[DNS_TCP]);
	help(b, "anycast_dns_answered_total", "counter", "queries answered");
	buf_printf(b, "anycast_dns_answered_total %llu\n", (unsigned long long)s->answered);
	help(b, "anycast_dns_dropped_total", "counter",
	     "queries received and not answered: over the capacity, or not a query at all");
	buf_printf(b, "anycast_dns_dropped_total{reason=\"capacity\"} %llu\n",
		   (unsigned long long)s->dropped_capacity);
	buf_printf(b, "anycast_dns_dropped_total{reason=\"malformed\"} %llu\n",
		   (unsigned long long)s->unanswered);
	help(b, "anycast_dns_load", "gauge",
	     "queries received in the last second over the capacity (0 without a capacity)");
	buf_printf(b, "anycast_dns_load %.4f\n", s->load);
	help(b, "anycast_dns_capacity_qps", "gauge",
	     "queries per second this instance answers (0: no limit)");
	buf_printf(b, "anycast_dns_capacity_qps %u\n", s->capacity);
	help(b, "anycast_dns_tcp_connections", "gauge", "TCP connections open now");
	buf_printf(b, "anycast_dns_tcp_connections %d\n", s->tcp_conns);
	help(b, "anycast_dns_tcp_closed_total", "counter", "TCP connections closed, by how");
	for (int i = 0; i < DNS_CLOSE_N; i++)
		buf_printf(b, "anycast_dns_tcp_closed_total{how=\"%s\"} %llu\n",
			   dns_tcp_close_names[i], (unsigned long long)s->tcp_closed[i]);
	help(b, "anycast_dns_draining", "gauge", "1 while the drain file exists");
	buf_printf(b, "anycast_dns_draining %d\n", s->draining);
}

static int http_complete(const char *req, size_t len)
{
	return strstr(req, "\r\n\r\n") || strstr(req, "\n\n");
}

/* "GET /path " or "GET /path?...": the path is asked for. */
static int is_get(const char *req, const char *path)
{
	size_t n = strlen(path);

	return strncmp(req, "GET ", 4) == 0 && strncmp(req + 4, path, n) == 0 &&
	       (req[4 + n] == ' ' || req[4 + n] == '?');
}

static int answer(struct reqsrv_conn *c, char *req, size_t len, struct buf *out, void *arg)
{
	struct dns_metrics *m = arg;
	struct dns_stats s;
	struct buf body;
	int metrics = is_get(req, "/metrics"), load = is_get(req, "/load");

	buf_init(&body);
	if (metrics || load) {
		m->read(&s, m->arg);
		if (metrics)
			dns_metrics_render(&s, &body);
		else
			buf_printf(&body, "%.4f\n", s.load);
	} else {
		buf_printf(&body, "not found: try /metrics or /load\n");
	}
	buf_printf(out,
		   "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
		   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		   metrics || load ? "200 OK" : "404 Not Found", body.len);
	buf_put(out, body.data, body.len);
	buf_free(&body);
	return 0;
}

struct dns_metrics *dns_metrics_new(struct ev_loop *loop, const struct dns_listen *l,
				    dns_metrics_read_fn *read, void *arg)
{
	int fd = socket(l->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (const struct sockaddr *)&l->ss, l->sslen) < 0 || listen(fd, 16) < 0) {
		log_err("metrics %s: %s", l->text, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	struct dns_metrics *m = xcalloc(1, sizeof(*m));

	m->read = read;
	m->arg = arg;
	m->srv = reqsrv_new(loop, fd, REQ_MAX, http_complete, answer, m);
	log_info("metrics on http://%s/metrics", l->text);
	return m;
}

void dns_metrics_free(struct dns_metrics *m)
{
	if (!m)
		return;
	reqsrv_free(m->srv);
	free(m);
}
