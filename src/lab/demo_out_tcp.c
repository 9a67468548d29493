/* The chapter "tcp" (demo.h, demo_tcp.c) shown: terminal table, JSON member, HTML section. */
#include <stdio.h>
#include <string.h>

#include "lab/report.h"
#include "lib/json.h"

static const char *const run_name[2] = { "failover", "drain" };

static const struct lab_demo_tcp_run *run_of(const struct lab_demo_tcp *t, int k)
{
	return k ? &t->drain : &t->failover;
}

/* ---- terminal ---- */

void lab_demo_tcp_text(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_tcp *t = &d->tcp;

	buf_printf(b,
		   "\ntcp: %s's clients keep %u DNS connections each (%u queries/s), through a "
		   "hard failure of %s, then its drain\n",
		   lab_demo_site_name(d, t->site), t->connections, t->rate,
		   lab_demo_site_name(d, t->site));
	if (!t->failover.ran && !t->drain.ran) {
		buf_printf(b, "  not run: %s\n", t->why);
		return;
	}
	for (int k = 0; k < 2; k++) {
		const struct lab_demo_tcp_run *r = run_of(t, k);

		if (!r->ran) {
			buf_printf(b, "  %-8s not run: %s\n", run_name[k], r->why);
			continue;
		}
		buf_printf(b,
			   "  %-8s %u connections open, %lu of them reset (%lu reset in all), %lu "
			   "closed in order; %lu of %lu queries answered, %lu lost; %zu of %zu "
			   "clients moved",
			   run_name[k], r->open_at, r->reset_of_open, r->reset, r->closed_orderly,
			   r->answered, r->sent, r->lost, r->moved, r->n);
		if (r->move_ms >= 0)
			buf_printf(b, " (the last after %.0f ms)", r->move_ms);
		buf_printf(b, "\n");
		for (size_t i = 0; i < r->n; i++) {
			const struct lab_demo_tcp_client *c = &r->c[i];

			if (!c->ran) {
				buf_printf(b, "    %-12s probe failed: %s\n", c->client, c->why);
				continue;
			}
			buf_printf(b,
				   "    %-12s %-6s -> %-6s open %u (reset %lu)  reset in all %lu  "
				   "orderly %lu  lost %lu\n",
				   c->client, c->before[0] ? c->before : "-",
				   c->after[0] ? c->after : "-", c->open_at, c->reset_of_open,
				   c->reset, c->closed_orderly, c->lost);
		}
	}
}

/* ---- JSON ---- */

static void run_json(struct buf *b, const struct lab_demo_tcp_run *r)
{
	buf_printf(
		b,
		"{\"ran\":%s,\"opened\":%lu,\"reset\":%lu,\"closed_orderly\":%lu,\"answered\":%lu,"
		"\"lost\":%lu,\"sent\":%lu,\"open_at_event\":%u,\"reset_of_open\":%lu,"
		"\"moved\":%zu,\"move_ms\":",
		r->ran ? "true" : "false", r->opened, r->reset, r->closed_orderly, r->answered,
		r->lost, r->sent, r->open_at, r->reset_of_open, r->moved);
	if (r->move_ms >= 0)
		buf_printf(b, "%.1f", r->move_ms);
	else
		buf_printf(b, "null");
	if (!r->ran) {
		buf_printf(b, ",\"why\":");
		json_str(b, r->why);
	}
	buf_printf(b, ",\"clients\":[");
	for (size_t i = 0; i < r->n; i++) {
		const struct lab_demo_tcp_client *c = &r->c[i];

		buf_printf(b, "%s{\"client\":", i ? "," : "");
		json_str(b, c->client);
		buf_printf(b, ",\"ran\":%s,\"before\":", c->ran ? "true" : "false");
		if (c->before[0])
			json_str(b, c->before);
		else
			buf_printf(b, "null");
		buf_printf(b, ",\"after\":");
		if (c->after[0])
			json_str(b, c->after);
		else
			buf_printf(b, "null");
		buf_printf(b,
			   ",\"opened\":%lu,\"reset\":%lu,\"closed_orderly\":%lu,\"answered\":%lu,"
			   "\"lost\":%lu,\"sent\":%lu,\"open_at_event\":%u,\"reset_of_open\":%lu}",
			   c->opened, c->reset, c->closed_orderly, c->answered, c->lost, c->sent,
			   c->open_at, c->reset_of_open);
	}
	buf_printf(b, "]}");
}

/* "tcp":{"site","connections","rate","drain_wait_s","failover":{...},"drain":{...}} */
void lab_demo_tcp_json(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_tcp *t = &d->tcp;

	buf_printf(b, "\"tcp\":{\"site\":");
	json_str(b, lab_demo_site_name(d, t->site));
	buf_printf(b, ",\"ran\":%s,\"connections\":%u,\"rate\":%u,\"drain_wait_s\":%.0f",
		   t->ran ? "true" : "false", t->connections, t->rate, t->drain_wait_s);
	if (!t->ran) {
		buf_printf(b, ",\"why\":");
		json_str(b, t->why);
	}
	buf_printf(b, ",\"failover\":");
	run_json(b, &t->failover);
	buf_printf(b, ",\"drain\":");
	run_json(b, &t->drain);
	buf_printf(b, "}");
}

/* ---- HTML ---- */

static void esc(struct buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			buf_printf(b, "&amp;");
		else if (*s == '<')
			buf_printf(b, "&lt;");
		else if (*s == '>')
			buf_printf(b, "&gt;");
		else if (*s == '"')
			buf_printf(b, "&quot;");
		else
			buf_put8(b, (uint8_t)*s);
	}
}

void lab_demo_tcp_html(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_tcp *t = &d->tcp;
	const char *site = lab_demo_site_name(d, t->site);

	buf_printf(b, "<h2 id=\"tcp\">TCP across a failover and across a drain</h2>\n<p>");
	buf_printf(
		b,
		"The clients that %s answers each keep %u long-lived DNS-over-TCP connections "
		"open (<code>anycast probe tcp</code>, %u queries/s, pipelined). Pure anycast "
		"cannot move a connection: when the route moves, the new site answers the old "
		"connection's packets with a reset. A hard failure (the site's links cut) breaks "
		"every open connection. A drain (<code>anycast drain</code>) first lets "
		"anycast-dns close the connections in order and keeps the route until they are "
		"gone (<code>drain-wait %.0fs</code>), and only then moves it. Meanwhile the site "
		"takes no new connection: anycast-dns drops the reconnecting clients' SYNs, "
		"and the SYN their kernel sends again a second later reaches another site.</p>\n",
		site, t->connections, t->rate, t->drain_wait_s);
	if (!t->failover.ran && !t->drain.ran) {
		buf_printf(b, "<p class=\"answer\">Not run: ");
		esc(b, t->why);
		buf_printf(b, "</p>\n");
		return;
	}
	buf_printf(b, "<table><thead><tr><th></th><th>Open</th><th>Of those reset</th>"
		      "<th>Reset in all</th><th>Closed in order</th><th>Answered</th><th>Lost</th>"
		      "<th>Clients moved</th><th>Last move</th></tr></thead><tbody>\n");
	for (int k = 0; k < 2; k++) {
		const struct lab_demo_tcp_run *r = run_of(t, k);

		buf_printf(b, "<tr><td>%s %s</td>", k ? "Drain of" : "Hard failure of", site);
		if (!r->ran) {
			buf_printf(b, "<td colspan=\"8\" class=\"miss\">not run: ");
			esc(b, r->why);
			buf_printf(b, "</td></tr>\n");
			continue;
		}
		buf_printf(
			b,
			"<td>%u</td><td%s><b>%lu</b></td><td>%lu</td><td>%lu</td><td>%lu / %lu</td>"
			"<td>%lu</td><td>%zu / %zu</td><td>",
			r->open_at, r->reset_of_open ? " class=\"miss\"" : "", r->reset_of_open,
			r->reset, r->closed_orderly, r->answered, r->sent, r->lost, r->moved, r->n);
		if (r->move_ms >= 0)
			buf_printf(b, "%.0f ms", r->move_ms);
		else
			buf_printf(b, "-");
		buf_printf(b, "</td></tr>\n");
	}
	buf_printf(b, "</tbody></table>\n<p class=\"answer\">");
	if (t->failover.ran && t->drain.ran)
		buf_printf(b,
			   "The hard failure broke <b>%lu</b> of %u open connections; the drain "
			   "broke <b>%lu</b> of %u.",
			   t->failover.reset_of_open, t->failover.open_at, t->drain.reset_of_open,
			   t->drain.open_at);
	buf_printf(b, "</p>\n");
	if (t->drain.ran && t->drain.reset > t->drain.reset_of_open)
		buf_printf(
			b,
			"<p>%lu new connection%s, opened during the drain while the routers "
			"converged, %s reset: answered by one site on a passing path, its next "
			"packet routed to another. %s never saw %s; the window is one round trip "
			"per new connection, between two live sites.</p>\n",
			t->drain.reset - t->drain.reset_of_open,
			t->drain.reset - t->drain.reset_of_open == 1 ? "" : "s",
			t->drain.reset - t->drain.reset_of_open == 1 ? "was" : "were", site,
			t->drain.reset - t->drain.reset_of_open == 1 ? "it" : "them");
}
