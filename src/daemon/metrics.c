/* The Prometheus endpoint: HTTP/1.0, GET /metrics, one request per connection. */
#include "daemon/metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "daemon/bfd.h"
#include "daemon/alerts.h"
#include "daemon/daemon.h"
#include "daemon/rov.h"
#include "lib/log.h"
#include "lib/reqsrv.h"

#define REQ_MAX 8192

struct metrics_server {
	struct daemon *d;
	struct reqsrv *srv;
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

/* How long the event loop was busy per iteration: a long one held every timer and socket. */
static void render_loop(struct ev_loop *l, struct buf *b)
{
	struct ev_stats st;

	ev_get_stats(l, &st);
	help(b, "anycastd_loop_max_iteration_seconds", "gauge",
	     "the longest event loop iteration since start");
	buf_printf(b, "anycastd_loop_max_iteration_seconds %.6f\n", st.max_busy_us / 1e6);
	help(b, "anycastd_loop_max_iteration_cpu_seconds", "gauge",
	     "the most CPU time one event loop iteration used since start");
	buf_printf(b, "anycastd_loop_max_iteration_cpu_seconds %.6f\n", st.max_cpu_us / 1e6);
	help(b, "anycastd_loop_iteration_seconds", "histogram",
	     "event loop iterations by duration");
	for (int i = 0; i < EV_HIST_N; i++) {
		if (i < EV_HIST_N - 1)
			buf_printf(b, "anycastd_loop_iteration_seconds_bucket{le=\"%g\"} %llu\n",
				   EV_HIST_LE_US[i] / 1e6, (unsigned long long)st.le[i]);
		else
			buf_printf(b, "anycastd_loop_iteration_seconds_bucket{le=\"+Inf\"} %llu\n",
				   (unsigned long long)st.le[i]);
	}
	buf_printf(b, "anycastd_loop_iteration_seconds_sum %.6f\n", st.sum_busy_us / 1e6);
	buf_printf(b, "anycastd_loop_iteration_seconds_count %llu\n",
		   (unsigned long long)st.iterations);
}

void metrics_render(struct daemon *d, struct buf *b)
{
	help(b, "anycast_service_up", "gauge", "1 while the service's prefixes are announced");
	for (size_t i = 0; i < d->nsvcs; i++) {
		buf_printf(b, "anycast_service_up{service=");
		label(b, d->svcs[i].name);
		char why[160];

		buf_printf(b, "} %d\n",
			   d->svcs[i].announced != NULL &&
				   !daemon_svc_unserved(d, &d->svcs[i], why, sizeof(why)));
	}
	help(b, "anycast_service_transitions_total", "counter",
	     "changes of the service's health state");
	for (size_t i = 0; i < d->nsvcs; i++) {
		buf_printf(b, "anycast_service_transitions_total{service=");
		label(b, d->svcs[i].name);
		buf_printf(b, "} %llu\n", (unsigned long long)d->svcs[i].transitions);
	}
	help(b, "anycast_service_load", "gauge",
	     "load level of the service's load checks (1 = at capacity); absent without one");
	for (size_t i = 0; i < d->nsvcs; i++) {
		double v;

		if (!svc_load(&d->svcs[i], &v))
			continue;
		buf_printf(b, "anycast_service_load{service=");
		label(b, d->svcs[i].name);
		buf_printf(b, "} %.6g\n", v);
	}
	help(b, "anycast_service_shed_level", "gauge",
	     "the highest active shed level; 0 when nothing is shed");
	for (size_t i = 0; i < d->nsvcs; i++) {
		buf_printf(b, "anycast_service_shed_level{service=");
		label(b, d->svcs[i].name);
		buf_printf(b, "} %g\n", svc_shed_level(&d->svcs[i]));
	}
	help(b, "anycast_service_shed_changes_total", "counter",
	     "changes of the set of active shed steps");
	for (size_t i = 0; i < d->nsvcs; i++) {
		buf_printf(b, "anycast_service_shed_changes_total{service=");
		label(b, d->svcs[i].name);
		buf_printf(b, "} %llu\n", (unsigned long long)d->svcs[i].shed_changes);
	}
	help(b, "anycast_service_connections", "gauge",
	     "established TCP connections to the service's prefixes");
	for (size_t i = 0; i < d->nsvcs; i++) {
		if (d->svcs[i].connections < 0)
			continue;
		buf_printf(b, "anycast_service_connections{service=");
		label(b, d->svcs[i].name);
		buf_printf(b, "} %ld\n", d->svcs[i].connections);
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
		{ "anycast_bgp_session_up", "1 while the session is Established" },
		{ "anycast_bgp_prefixes_received", "prefixes in the neighbor's Adj-RIB-In" },
		{ "anycast_bgp_prefixes_advertised", "prefixes in the neighbor's Adj-RIB-Out" },
		{ "anycast_bgp_output_queue_bytes",
		  "encoded messages not yet taken by the socket" },
	};
	for (int k = 0; k < 4; k++) {
		help(b, peer_metrics[k][0], "gauge", peer_metrics[k][1]);
		for (size_t i = 0; sp && i < sp->npeers; i++) {
			const struct bgp_peer *p = sp->peers[i];
			char a[ADDR_STRLEN];
			size_t value = k == 0   ? p->state == BGP_ESTABLISHED
				       : k == 1 ? p->n_paths
				       : k == 2 ? p->adj_out.count
						: bgp_session_queued(p);

			buf_printf(b, "%s{neighbor=\"%s\"} %zu\n", peer_metrics[k][0],
				   addr_fmt(&p->conf.addr, a), value);
		}
	}
	render_loop(d->loop, b);
	help(b, "anycast_bgp_routes_unencodable_total", "counter",
	     "routes withdrawn from the neighbor because no UPDATE could hold them");
	for (size_t i = 0; sp && i < sp->npeers; i++) {
		char a[ADDR_STRLEN];

		buf_printf(b, "anycast_bgp_routes_unencodable_total{neighbor=\"%s\"} %llu\n",
			   addr_fmt(&sp->peers[i]->conf.addr, a),
			   (unsigned long long)sp->peers[i]->unencodable);
	}
	daemon_bfd_metrics(d, b);
	daemon_rov_metrics(d, b);
	daemon_alerts_metrics(d, b);
}

static int http_complete(const char *req, size_t len)
{
	return strstr(req, "\r\n\r\n") || strstr(req, "\n\n");
}

static int answer(struct reqsrv_conn *c, char *req, size_t len, struct buf *out, void *arg)
{
	struct metrics_server *m = arg;
	struct buf body;
	int ok = strncmp(req, "GET /metrics ", 13) == 0 || strncmp(req, "GET /metrics?", 13) == 0;

	buf_init(&body);
	if (ok)
		metrics_render(m->d, &body);
	else
		buf_printf(&body, "not found: try /metrics\n");
	buf_printf(out,
		   "HTTP/1.0 %s\r\nContent-Type: text/plain; version=0.0.4\r\n"
		   "Content-Length: %zu\r\nConnection: close\r\n\r\n",
		   ok ? "200 OK" : "404 Not Found", body.len);
	buf_put(out, body.data, body.len);
	buf_free(&body);
	return 0;
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
	m->srv = reqsrv_new(d->loop, fd, REQ_MAX, http_complete, answer, m);
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
	reqsrv_free(m->srv);
	free(m);
}
