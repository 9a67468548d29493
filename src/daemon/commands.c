/* The control commands: show, drain, resume, check, reload. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "lib/json.h"
#include "lib/log.h"

static struct svc *need_svc(struct daemon *d, const char *name, struct buf *out)
{
	struct svc *s = daemon_find_svc(d, name);

	if (!s)
		buf_printf(out, "no service '%s'\n", name);
	return s;
}

/* `anycast check SERVICE`: run every check now, answer when each has finished a run. */
static int start_check(struct daemon *d, struct svc *s, int json, struct reqsrv_conn *conn)
{
	struct check_req *r;

	d->reqs = xrealloc(d->reqs, (d->nreqs + 1) * sizeof(*d->reqs));
	r = &d->reqs[d->nreqs++];
	r->conn = conn;
	r->service = xstrdup(s->name);
	r->nruns = s->nchecks;
	r->json = json;
	r->runs = xcalloc(s->nchecks ? s->nchecks : 1, sizeof(*r->runs));
	for (size_t i = 0; i < s->nchecks; i++) {
		/* A run in progress counts: its result is what "now" gives. */
		r->runs[i] = s->checks[i]->runs + (s->checks[i]->running ? 0 : 1);
		check_run_now(s->checks[i]);
	}
	if (s->nchecks == 0)
		daemon_check_done(d, s);
	return CTL_LATER;
}

static void finish_req(struct daemon *d, size_t i, int status, struct buf *body)
{
	struct check_req *r = &d->reqs[i];

	ctl_reply(r->conn, status, body);
	free(r->service);
	free(r->runs);
	d->reqs[i] = d->reqs[--d->nreqs];
}

void daemon_check_done(struct daemon *d, struct svc *s)
{
	for (size_t i = 0; i < d->nreqs;) {
		struct check_req *r = &d->reqs[i];
		int done = strcmp(r->service, s->name) == 0;

		for (size_t j = 0; done && j < r->nruns && j < s->nchecks; j++)
			done = s->checks[j]->runs >= r->runs[j];
		if (!done) {
			i++;
			continue;
		}
		struct buf body;
		int all_ok = 1;

		buf_init(&body);
		for (size_t j = 0; j < s->nchecks; j++)
			all_ok &= s->checks[j]->last_ok;
		if (r->json) {
			buf_printf(&body, "{\"service\":");
			json_str(&body, s->name);
			buf_printf(&body, ",\"ok\":%s,\"state\":\"%s\",\"checks\":[",
				   all_ok ? "true" : "false", svc_state_name(s->state));
			daemon_show_checks(d, s, 1, &body);
			buf_printf(&body, "]}\n");
		} else {
			buf_printf(&body, "service %s: checks %s, state %s\n", s->name,
				   all_ok ? "pass" : "FAIL", svc_state_name(s->state));
			daemon_show_checks(d, s, 0, &body);
		}
		finish_req(d, i, all_ok ? 0 : -1, &body);
		buf_free(&body);
	}
}

void daemon_fail_check_reqs(struct daemon *d, struct svc *v, size_t n)
{
	for (size_t i = 0; i < d->nreqs;) {
		int gone = 0;

		for (size_t j = 0; j < n; j++)
			gone |= strcmp(d->reqs[i].service, v[j].name) == 0;
		if (!gone) {
			i++;
			continue;
		}
		struct buf body;

		buf_init(&body);
		buf_printf(&body, "service %s was reconfigured or stopped before its checks ran\n",
			   d->reqs[i].service);
		finish_req(d, i, -1, &body);
		buf_free(&body);
	}
}

int daemon_ctl(int argc, char **argv, struct buf *out, void *arg, struct reqsrv_conn *conn)
{
	struct daemon *d = arg;
	int json = argc > 1 && strcmp(argv[argc - 1], "json") == 0;
	struct svc *s;

	if (json)
		argc--;
	if (argc >= 2 && strcmp(argv[0], "show") == 0) {
		if (strcmp(argv[1], "neighbors") == 0 && argc == 2) {
			daemon_show_neighbors(d, json, out);
			return 0;
		}
		if (strcmp(argv[1], "routes") == 0 && argc <= 3)
			return daemon_show_routes(d, argc == 3 ? argv[2] : NULL, json, out);
		if (strcmp(argv[1], "services") == 0 && argc == 2) {
			daemon_show_services(d, json, out);
			return 0;
		}
	}
	if (argc == 2 && strcmp(argv[0], "drain") == 0) {
		if (!(s = need_svc(d, argv[1], out)))
			return -1;
		log_info("service %s: drain requested", s->name);
		svc_drain(s);
		buf_printf(out, "service %s: draining for %ums, then withdrawn\n", s->name,
			   s->conf.drain_time_ms);
		return 0;
	}
	if (argc == 2 && strcmp(argv[0], "resume") == 0) {
		if (!(s = need_svc(d, argv[1], out)))
			return -1;
		log_info("service %s: resume requested", s->name);
		svc_resume(s);
		if (s->drain_file)
			buf_printf(out, "service %s: still drained: %s exists\n", s->name,
				   s->conf.drain_file);
		else
			buf_printf(out, "service %s: resumed (%s)\n", s->name, svc_state_name(s->state));
		return 0;
	}
	if (argc == 2 && strcmp(argv[0], "check") == 0) {
		if (!(s = need_svc(d, argv[1], out)))
			return -1;
		return start_check(d, s, json, conn);
	}
	if (argc == 1 && strcmp(argv[0], "reload") == 0) {
		char err[512];

		if (daemon_reload(d, err, sizeof(err)) < 0) {
			buf_printf(out, "reload failed, running configuration kept: %s\n", err);
			return -1;
		}
		buf_printf(out, "configuration reloaded\n");
		return 0;
	}
	buf_printf(out, "unknown command:");
	for (int i = 0; i < argc; i++)
		buf_printf(out, " %s", argv[i]);
	buf_put8(out, '\n');
	return -1;
}
