/* The DDoS chapter's renderings (demo_ddos.h): terminal tables, the JSON of DESIGN.md
 * (`"ddos":{"sites":[{"name","answered","dropped"}],"victims":[{"client","site","lost","sent",
 * "rtt_ms"}]}`, the concentrated run, with each run under its own name beside it) and the
 * report's section. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lab/demo_ddos.h"
#include "lib/json.h"

static const char *const blurb[LAB_DDOS_RUNS] = {
	"the attackers in one site's catchment",
	"the same attack spread over every catchment",
	("the same attack with every other site's service failed: one site, as a unicast "
	 "deployment of the same topology"),
};

static double pct(unsigned long part, unsigned long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0;
}

/* ---- terminal ---- */

static void run_text(const struct lab_ddos_run *r, enum lab_ddos_kind k, struct buf *b)
{
	buf_printf(b, "\n  %s: %s\n", lab_ddos_run_name(k), blurb[k]);
	if (!r->ran) {
		buf_printf(b, "  not run: %s\n", r->why);
		return;
	}
	buf_printf(
		b,
		"  attackers %s%s%s%s, %lu queries in %u s: sent %lu, answered %lu, lost %lu in %.1f s%s\n",
		r->attackers, r->target[0] ? " (" : "", r->target,
		r->target[0] ? "'s catchment)" : "", r->count, r->secs, r->att_sent,
		r->att_answered, r->att_lost, r->att_s,
		r->stopped ? " (STOPPED at the deadline)" : "");
	if (r->failed[0])
		buf_printf(b, "  failed for the run: %s\n", r->failed);
	if (r->shed)
		buf_printf(
			b,
			"  %s sheds under load (its anycastd's `shed` steps): a longer attack, and the "
			"clients probe on after it to see the recovery\n",
			r->target);
	buf_printf(b, "  %-12s %10s %10s %7s\n", "SITE", "ANSWERED", "DROPPED", "DROP%");
	for (size_t s = 0; s < r->nsites; s++) {
		const struct lab_ddos_site *st = &r->site[s];

		if (st->ok)
			buf_printf(b, "  %-12s %10lu %10lu %6.1f%%\n", st->name, st->answered,
				   st->dropped, pct(st->dropped, st->answered + st->dropped));
		else
			buf_printf(b, "  %-12s %10s %10s\n", st->name, "-", "-");
	}
	buf_printf(b, "  %-12s %-12s %11s %7s %10s\n", "CLIENT", "SITE", "LOST/SENT", "LOSS%",
		   "RTT");
	for (size_t i = 0; i < r->nvictims; i++) {
		const struct lab_ddos_victim *v = &r->victim[i];

		if (!v->ran) {
			buf_printf(b, "  %-12s probe failed: %s\n", v->client, v->why);
			continue;
		}
		char ls[32];

		snprintf(ls, sizeof(ls), "%lu/%lu", v->lost, v->sent);
		buf_printf(b, "  %-12s %-12s %11s %6.1f%% ", v->client, v->site[0] ? v->site : "-",
			   ls, pct(v->lost, v->sent));
		if (v->rtt_ms >= 0)
			buf_printf(b, "%7.1f ms", v->rtt_ms);
		else
			buf_printf(b, "%10s", "-");
		if (v->attacker)
			buf_printf(b, "  (also attacks)");
		if (v->nseen > 1) {
			buf_printf(b, "  moved:");
			for (size_t j = 0; j < v->nseen; j++)
				buf_printf(b, "%s%s", j ? ">" : " ", v->seen[j]);
		}
		buf_put8(b, '\n');
	}
}

void lab_ddos_text(const struct lab_demo_ddos *x, struct buf *b)
{
	buf_printf(b, "\nddos: ");
	if (!x->capacity) {
		buf_printf(b, "not run: %s\n", x->why);
		return;
	}
	buf_printf(b,
		   "%u queries/s (1.5 x a site's capacity of %u/s, less than the sum); every "
		   "client asks %u/s meanwhile\n",
		   x->rate, x->capacity, x->victim_rate);
	for (int k = 0; k < LAB_DDOS_RUNS; k++)
		run_text(&x->run[k], (enum lab_ddos_kind)k, b);
	if (!x->ran && x->why[0])
		buf_printf(b, "  (%s)\n", x->why);
}

/* ---- JSON ---- */

static void sites_victims_json(const struct lab_ddos_run *r, struct buf *b)
{
	buf_printf(b, "\"sites\":[");
	for (size_t s = 0; s < r->nsites; s++) {
		const struct lab_ddos_site *st = &r->site[s];

		buf_printf(b, "%s{\"name\":", s ? "," : "");
		json_str(b, st->name);
		if (st->ok)
			buf_printf(b, ",\"answered\":%lu,\"dropped\":%lu}", st->answered,
				   st->dropped);
		else
			buf_printf(b, ",\"answered\":null,\"dropped\":null}");
	}
	buf_printf(b, "],\"victims\":[");
	for (size_t i = 0; i < r->nvictims; i++) {
		const struct lab_ddos_victim *v = &r->victim[i];

		buf_printf(b, "%s{\"client\":", i ? "," : "");
		json_str(b, v->client);
		buf_printf(b, ",\"site\":");
		if (v->site[0])
			json_str(b, v->site);
		else
			buf_printf(b, "null");
		buf_printf(b, ",\"lost\":%lu,\"sent\":%lu,\"rtt_ms\":", v->lost, v->sent);
		if (v->ran && v->rtt_ms >= 0)
			buf_printf(b, "%.3f", v->rtt_ms);
		else
			buf_printf(b, "null");
		buf_printf(b, ",\"attacker\":%s,\"moves\":%lu,\"sites_seen\":[",
			   v->attacker ? "true" : "false", v->moves);
		for (size_t k = 0; k < v->nseen; k++) {
			if (k)
				buf_put8(b, ',');
			json_str(b, v->seen[k]);
		}
		buf_put8(b, ']');
		if (!v->ran) {
			buf_printf(b, ",\"error\":");
			json_str(b, v->why);
		}
		buf_put8(b, '}');
	}
	buf_put8(b, ']');
}

void lab_ddos_json(const struct lab_demo_ddos *x, struct buf *b)
{
	buf_printf(b,
		   "\"ddos\":{\"ran\":%s,\"capacity\":%u,\"rate\":%u,\"count\":%lu,"
		   "\"victim_rate\":%u,",
		   x->ran ? "true" : "false", x->capacity, x->rate,
		   x->run[LAB_DDOS_CONCENTRATED].count, x->victim_rate);
	if (x->why[0]) {
		buf_printf(b, "\"error\":");
		json_str(b, x->why);
		buf_put8(b, ',');
	}
	sites_victims_json(&x->run[LAB_DDOS_CONCENTRATED], b);
	for (int k = 0; k < LAB_DDOS_RUNS; k++) {
		const struct lab_ddos_run *r = &x->run[k];

		buf_printf(b, ",\"%s\":{\"ran\":%s,\"attackers\":",
			   lab_ddos_run_name((enum lab_ddos_kind)k), r->ran ? "true" : "false");
		json_str(b, r->attackers);
		buf_printf(b, ",\"target\":");
		if (r->target[0])
			json_str(b, r->target);
		else
			buf_printf(b, "null");
		if (r->failed[0]) {
			buf_printf(b, ",\"failed\":");
			json_str(b, r->failed);
		}
		buf_printf(b, ",\"count\":%lu,\"secs\":%u,\"shed\":%s", r->count, r->secs,
			   r->shed ? "true" : "false");
		if (r->why[0]) {
			buf_printf(b, ",\"error\":");
			json_str(b, r->why);
		}
		buf_printf(
			b,
			",\"attack\":{\"sent\":%lu,\"answered\":%lu,\"lost\":%lu,\"seconds\":%.3f,"
			"\"stopped\":%s},",
			r->att_sent, r->att_answered, r->att_lost, r->att_s,
			r->stopped ? "true" : "false");
		sites_victims_json(r, b);
		buf_put8(b, '}');
	}
	buf_put8(b, '}');
}

/* ---- HTML ---- */

static void esc(struct buf *b, const char *s)
{
	static const char *const ent[] = {
		['&'] = "&amp;", ['<'] = "&lt;", ['>'] = "&gt;", ['"'] = "&quot;", ['\''] = "&#39;"
	};

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < sizeof(ent) / sizeof(ent[0]) && ent[ch])
			buf_printf(b, "%s", ent[ch]);
		else
			buf_put8(b, ch);
	}
}

static void run_html(const struct lab_ddos_run *r, enum lab_ddos_kind k, struct buf *b)
{
	buf_printf(b, "<h3>%c%s: ", lab_ddos_run_name(k)[0] - 'a' + 'A', lab_ddos_run_name(k) + 1);
	esc(b, blurb[k]);
	buf_printf(b, "</h3>\n");
	if (!r->ran) {
		buf_printf(b, "<p class=\"answer\">Not run: ");
		esc(b, r->why);
		buf_printf(b, "</p>\n");
		return;
	}
	buf_printf(b, "<p>Attackers <b>");
	esc(b, r->attackers);
	buf_printf(b, "</b>");
	if (r->failed[0]) {
		buf_printf(b, "; failed for the run: ");
		esc(b, r->failed);
	}
	buf_printf(b, ". They sent %lu queries in %.1f s; %lu were answered.", r->att_sent,
		   r->att_s, r->att_answered);
	if (r->shed) {
		buf_printf(b, " <b>");
		esc(b, r->target);
		buf_printf(b,
			   "</b> sheds under load (<code>shed</code> steps of its anycastd: it "
			   "prepends its announcement, and networks with another route of the same "
			   "kind move to another site); the clients probe on after the attack, "
			   "to see it take them back.");
	}
	buf_printf(b, "</p>\n");
	buf_printf(b, "<table><thead><tr><th>Site</th><th class=\"num\">Answered</th>"
		      "<th class=\"num\">Dropped</th><th class=\"num\">Dropped %%</th></tr></thead>"
		      "<tbody>\n");
	for (size_t s = 0; s < r->nsites; s++) {
		const struct lab_ddos_site *st = &r->site[s];

		buf_printf(b, "<tr><td class=\"name\">");
		esc(b, st->name);
		if (st->ok)
			buf_printf(b,
				   "</td><td class=\"num\">%lu</td><td class=\"num%s\">%lu</td>"
				   "<td class=\"num%s\">%.1f%%</td></tr>\n",
				   st->answered, st->dropped ? " miss" : "", st->dropped,
				   st->dropped ? " miss" : "",
				   pct(st->dropped, st->answered + st->dropped));
		else
			buf_printf(b,
				   "</td><td class=\"num dim\">-</td><td class=\"num dim\">-</td>"
				   "<td class=\"num dim\">-</td></tr>\n");
	}
	buf_printf(
		b,
		"</tbody></table>\n<table style=\"margin-top:10px\"><thead><tr><th>Client</th><th>Site</th>"
		"<th class=\"num\">Lost / sent</th><th class=\"num\">Loss</th>"
		"<th class=\"num\">Median RTT</th><th></th></tr></thead><tbody>\n");
	for (size_t i = 0; i < r->nvictims; i++) {
		const struct lab_ddos_victim *v = &r->victim[i];

		buf_printf(b, "<tr><td class=\"name\">");
		esc(b, v->client);
		buf_printf(b, "</td><td>");
		esc(b, v->site[0] ? v->site : "-");
		if (!v->ran) {
			buf_printf(b, "</td><td colspan=\"4\" class=\"miss\">probe failed: ");
			esc(b, v->why);
			buf_printf(b, "</td></tr>\n");
			continue;
		}
		buf_printf(b,
			   "</td><td class=\"num\">%lu / %lu</td><td class=\"num%s\">%.1f%%</td>"
			   "<td class=\"num\">",
			   v->lost, v->sent, v->lost ? " miss" : "", pct(v->lost, v->sent));
		if (v->rtt_ms >= 0)
			buf_printf(b, "%.1f ms", v->rtt_ms);
		else
			buf_printf(b, "-");
		buf_printf(b, "</td><td class=\"dim\">%s", v->attacker ? "also attacks" : "");
		if (v->nseen > 1) {
			buf_printf(b, "%smoved ", v->attacker ? "; " : "");
			for (size_t k2 = 0; k2 < v->nseen; k2++) {
				if (k2)
					buf_printf(b, " &rarr; ");
				esc(b, v->seen[k2]);
			}
		}
		buf_printf(b, "</td></tr>\n");
	}
	buf_printf(b, "</tbody></table>\n");
}

void lab_ddos_html(const struct lab_demo_ddos *x, struct buf *b)
{
	buf_printf(b, "<h2 id=\"ddos\">A DDoS: absorbed where it lands</h2>\n<p>");
	if (!x->capacity) {
		buf_printf(b, "Not run: ");
		esc(b, x->why);
		buf_printf(b, "</p>\n");
		return;
	}
	buf_printf(b,
		   "Each site answers at most <b>%u queries/s</b> (its <code>capacity</code>); "
		   "above it, its anycast-dns drops. A bounded attack of <b>%u queries/s</b> "
		   "(<code>anycast lab attack</code>: 1.5 times one site, less than all of them) "
		   "runs three times while every client asks %u queries/s as a legitimate user "
		   "would. Loss and median RTT are the legitimate clients'; answered and dropped "
		   "are each site's own counters.</p>\n",
		   x->capacity, x->rate, x->victim_rate);
	for (int k = 0; k < LAB_DDOS_RUNS; k++)
		run_html(&x->run[k], (enum lab_ddos_kind)k, b);
}
