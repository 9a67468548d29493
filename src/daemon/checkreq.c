/* `anycast check SERVICE` requests: each waits for every check of its service to finish a run
 * (see checkreq.h). */
#include "daemon/checkreq.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/daemon.h"
#include "lib/json.h"
#include "lib/log.h"

int daemon_check_start(struct daemon *d, struct svc *s, int json, struct reqsrv_conn *conn)
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
