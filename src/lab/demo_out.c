/* The demo's terminal tables and JSON document (report.h). The HTML report is report.c. */
#include "lab/report.h"

#include <stdio.h>
#include <string.h>

#include "lib/json.h"

/* ---- terminal ---- */

static void col(struct buf *b, const char *s, size_t w)
{
	size_t n = lab_demo_chars(s);

	buf_printf(b, "%s%*s", s, (int)(w > n ? w - n : 0) + 1, "");
}

static void col_ms(struct buf *b, double ms, int mark)
{
	if (ms < 0)
		buf_printf(b, "%10s ", "-");
	else
		buf_printf(b, "%7.1f ms%c", ms, mark ? '*' : ' ');
}

static int nearest_site(const struct lab_demo *d, const struct lab_demo_client *c)
{
	int best = LAB_DEMO_NONE;

	for (size_t s = 0; s < d->nsites; s++) {
		if (c->unicast_ms[s] >= 0 && (best < 0 || c->unicast_ms[s] < c->unicast_ms[best]))
			best = (int)s;
	}
	return best;
}

static const char *fo_what(const struct lab_demo_failover *f)
{
	return f->crash ? "site crash (all links cut)" : "service failure (anycast-dns stopped)";
}

/* A client's answer as the chapter names it: "hijacker" for the hijacker's, "-" for none. */
static const char *hijack_site(const char *id)
{
	return !id[0] ? "-" : strncmp(id, "hijacker-", 9) == 0 ? "hijacker" : id;
}

/* Each client's site before the hijack, without ROV and with the ROA; and the drop time. */
static void hijack_text(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_hijack *h = &d->hijack;

	buf_printf(b, "\nhijack: %s originates the anycast prefix from its own AS",
		   h->hijacker[0] ? h->hijacker : "-");
	if (!h->ran) {
		buf_printf(b, ": not run: %s\n", h->why);
		return;
	}
	buf_printf(b, "\n%-14s %-14s %-14s %s\n", "CLIENT", "BEFORE", "NO ROV", "ROV + ROA");
	for (size_t k = 0; k < h->n; k++)
		buf_printf(b, "%-14s %-14s %-14s %s%s\n", h->c[k].client,
			   hijack_site(h->c[k].before), hijack_site(h->c[k].rov_off),
			   hijack_site(h->c[k].rov_on),
			   h->c[k].own ? "  (the hijacker is its ISP)" : "");
	if (h->drop_ms >= 0)
		buf_printf(b,
			   "the routers dropped the hijack %.0f ms after the ROA was written "
			   "(only the hijacker's own clients still reach it)\n",
			   h->drop_ms);
	else
		buf_printf(
			b,
			"the hijack was NOT dropped within the wait after the ROA was written\n");
	if (h->why[0])
		buf_printf(b, "(%s)\n", h->why);
}

/* "yes: 3 sites: New York, London, Tokyo" */
static void detect_text(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_detect *x = &d->detect;

	buf_printf(b, "\nis %s anycast? ", d->anycast);
	if (!x->ran) {
		buf_printf(b, "not measured: %s\n", x->why);
	} else {
		buf_printf(b, "%s: %zu site%s", x->anycast ? "yes" : "no", x->nsites,
			   x->nsites == 1 ? "" : "s");
		for (size_t i = 0; i < x->nsites; i++)
			buf_printf(b, "%s %s", i ? "," : ":", x->site[i].city);
		buf_printf(b, " (from the RTTs of %zu clients)\n", x->vps);
	}
	buf_printf(b, "%s (%s's own address): ", x->unicast, x->unicast_of);
	if (!x->unicast_ran)
		buf_printf(b, "not measured: %s\n", x->unicast_why);
	else if (x->unicast_ok)
		buf_printf(b, "unicast, at %s\n", x->unicast_city);
	else
		buf_printf(b, "judged anycast (wrongly)\n");
}

/* "a site hangs: lon frozen; median outage 290 ms with BFD, 7400 ms without (hold 9 s)" */
static void hang_text(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_hang *h = &d->hang;
	double bfd = h->bfd_ran ? lab_demo_fo_median(d, &h->bfd) : -1,
	       hold = h->hold_ran ? lab_demo_fo_median(d, &h->hold) : -1;

	buf_printf(b, "\na site hangs: %s frozen (every process stopped, links up); ",
		   lab_demo_site_name(d, h->site));
	if (bfd >= 0)
		buf_printf(b, "median outage of its clients %.0f ms with BFD", bfd);
	if (hold >= 0)
		buf_printf(b, "%s%.0f ms without (hold time %d s)", bfd >= 0 ? ", " : "", hold,
			   h->hold_s);
	if (h->why[0])
		buf_printf(b, "%s%s", bfd >= 0 || hold >= 0 ? "; " : "", h->why);
	buf_printf(b, "\n");
	if (bfd >= 0 && hold >= 0)
		buf_printf(b, "BFD saved each of them %.1f s of silence\n", (hold - bfd) / 1e3);
}

void lab_demo_text(const struct lab_demo *d, struct buf *b)
{
	size_t wn = 6, wc = 4;

	for (size_t i = 0; i < d->nclients; i++) {
		if (lab_demo_chars(d->client[i].at.name) > wn)
			wn = lab_demo_chars(d->client[i].at.name);
		if (lab_demo_chars(d->client[i].at.city) > wc)
			wc = lab_demo_chars(d->client[i].at.city);
	}
	buf_printf(b, "lab %s: anycast %s from", d->lab, d->anycast);
	for (size_t s = 0; s < d->nsites; s++)
		buf_printf(b, "%s %s (%s)", s ? "," : "", d->site[s].name,
			   d->site[s].city[0] ? d->site[s].city : "-");
	buf_printf(b, "; lab up in %.1f s\n\n", d->up_s);

	col(b, "CLIENT", wn);
	col(b, "CITY", wc);
	col(b, "SITE", 6);
	buf_printf(b, "%10s ", "ANYCAST");
	for (size_t s = 0; s < d->nsites; s++) {
		char h[48];

		snprintf(h, sizeof(h), "%.16s", d->site[s].name);
		buf_printf(b, "%10s ", h);
	}
	buf_printf(b, "\n");
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];
		int near = nearest_site(d, c);

		col(b, c->at.name, wn);
		col(b, c->at.city[0] ? c->at.city : "-", wc);
		col(b, lab_demo_site_name(d, c->site), 6);
		col_ms(b, c->rtt_ms, 0);
		for (size_t s = 0; s < d->nsites; s++)
			col_ms(b, c->unicast_ms[s], (int)s == near);
		if (c->site == LAB_DEMO_NONE && c->why[0])
			buf_printf(b, " (%s)", c->why);
		if (c->predicted != LAB_DEMO_OTHER && c->predicted != c->site)
			buf_printf(b, "  (predicted: %s)", lab_demo_site_name(d, c->predicted));
		buf_printf(b, "\n");
	}
	buf_printf(b, "(RTT: median to the anycast address, and to each site's own address; "
		      "* nearest site)\n");
	size_t agree, known = lab_demo_predicted(d, &agree);

	if (known)
		buf_printf(b, "anycast sim --topology predicted the site of %zu of %zu clients\n",
			   agree, known);

	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];

		buf_printf(b, "\nfailover %zu: %s %s; ", k + 1, lab_demo_site_name(d, f->site),
			   fo_what(f));
		if (f->heal_ms >= 0)
			buf_printf(b, "healed, all clients back in %.1f s\n", f->heal_ms / 1e3);
		else
			buf_printf(b, "not all clients were back after the heal\n");
		col(b, "CLIENT", wn);
		col(b, "BEFORE", 7);
		col(b, "AFTER", 7);
		buf_printf(b, "%12s  %s\n", "OUTAGE", "LOST/SENT");
		for (size_t i = 0; i < d->nclients; i++) {
			const struct lab_demo_fo_client *c = &f->c[i];

			col(b, d->client[i].at.name, wn);
			if (!c->ran) {
				buf_printf(b, "probe failed: %s\n", c->why);
				continue;
			}
			col(b, lab_demo_site_name(d, c->before), 7);
			col(b, lab_demo_site_name(d, c->after), 7);
			buf_printf(b, "%c%8.1f ms  %lu/%lu\n", c->recovered ? ' ' : '>',
				   c->outage_ms, c->lost, c->sent);
		}
	}
	if (d->chapters & LAB_DEMO_CH_HANG)
		hang_text(d, b);
	if (d->chapters & LAB_DEMO_CH_DETECT)
		detect_text(d, b);
	if (d->chapters & LAB_DEMO_CH_HIJACK)
		hijack_text(d, b);
	if (d->chapters & LAB_DEMO_CH_TCP)
		lab_demo_tcp_text(d, b);
	if (d->chapters & LAB_DEMO_CH_DDOS)
		lab_ddos_text(&d->ddos, b);
	buf_printf(b, "\ndemo took %.1f s\n", d->total_s);
}

static void hijack_list(struct buf *b, const struct lab_demo_hijack *h, int col)
{
	for (size_t k = 0; k < h->n; k++) {
		const char *s = col ? h->c[k].rov_on : h->c[k].rov_off;

		buf_printf(b, "%s{\"client\":", k ? "," : "");
		json_str(b, h->c[k].client);
		buf_printf(b, ",\"before\":");
		if (h->c[k].before[0])
			json_str(b, hijack_site(h->c[k].before));
		else
			buf_printf(b, "null");
		buf_printf(b, ",\"own\":%s,\"site\":", h->c[k].own ? "true" : "false");
		if (s[0])
			json_str(b, hijack_site(s));
		else
			buf_printf(b, "null");
		buf_put8(b, '}');
	}
}

/* "hijack":{"hijacker","rov_off":[{"client","before","own","site"}],"rov_on":[...],"drop_ms"}:
 * site "hijacker" for a hijacked client, null for none; own: the hijacker is the client's ISP;
 * drop_ms null when not dropped. */
static void hijack_json(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_hijack *h = &d->hijack;

	buf_printf(b, "\"hijack\":{\"hijacker\":");
	json_str(b, h->hijacker);
	if (!h->ran) {
		buf_printf(b, ",\"error\":");
		json_str(b, h->why);
	}
	buf_printf(b, ",\"rov_off\":[");
	hijack_list(b, h, 0);
	buf_printf(b, "],\"rov_on\":[");
	hijack_list(b, h, 1);
	buf_printf(b, "],\"drop_ms\":");
	if (h->ran && h->drop_ms >= 0)
		buf_printf(b, "%.1f}", h->drop_ms);
	else
		buf_printf(b, "null}");
}

static void json_site(struct buf *b, const struct lab_demo *d, int site)
{
	if (site == LAB_DEMO_NONE)
		buf_printf(b, "null");
	else
		json_str(b, lab_demo_site_name(d, site));
}

static void json_ms(struct buf *b, double ms)
{
	if (ms < 0)
		buf_printf(b, "null");
	else
		buf_printf(b, "%.1f", ms);
}

/* "detect":{"anycast","sites":[{"city","lat","lon","site"}],"unicast_check",...}: anycast is
 * null and "error" says why when the address could not be measured; unicast_check is true when
 * the site's own address was measured and judged unicast. */
static void detect_json(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_detect *x = &d->detect;

	buf_printf(b, "\"detect\":{\"address\":");
	json_str(b, d->anycast);
	buf_printf(b, ",\"anycast\":%s", !x->ran ? "null" : x->anycast ? "true" : "false");
	if (!x->ran) {
		buf_printf(b, ",\"error\":");
		json_str(b, x->why);
	}
	buf_printf(b, ",\"vps\":%zu,\"sites\":[", x->vps);
	for (size_t i = 0; i < x->nsites; i++) {
		buf_printf(b, "%s{\"city\":", i ? "," : "");
		json_str(b, x->site[i].city);
		buf_printf(b, ",\"lat\":%.4f,\"lon\":%.4f,\"site\":", x->site[i].lat,
			   x->site[i].lon);
		if (x->site[i].name[0])
			json_str(b, x->site[i].name);
		else
			buf_printf(b, "null");
		buf_put8(b, '}');
	}
	buf_printf(b, "],\"unicast_address\":");
	json_str(b, x->unicast);
	buf_printf(b, ",\"unicast_site\":");
	json_str(b, x->unicast_of);
	buf_printf(b, ",\"unicast_check\":%s", x->unicast_ok ? "true" : "false");
	if (!x->unicast_ran) {
		buf_printf(b, ",\"unicast_error\":");
		json_str(b, x->unicast_why);
	}
	buf_put8(b, '}');
}

/* "hang":{"site","hold_time_s","bfd_outage_ms","hold_outage_ms","clients":[{"client",
 * "site_before","bfd_outage_ms","bfd_new_site","hold_outage_ms","hold_new_site"}]}: medians
 * and per client of the frozen site's clients; null for a run not made ("error" says why). */
static void hang_json(const struct lab_demo *d, struct buf *b)
{
	const struct lab_demo_hang *h = &d->hang;
	int first = 1;

	buf_printf(b, "\"hang\":{\"site\":");
	json_str(b, lab_demo_site_name(d, h->site));
	buf_printf(b, ",\"hold_time_s\":%d,\"bfd_outage_ms\":", h->hold_s);
	json_ms(b, h->bfd_ran ? lab_demo_fo_median(d, &h->bfd) : -1);
	buf_printf(b, ",\"hold_outage_ms\":");
	json_ms(b, h->hold_ran ? lab_demo_fo_median(d, &h->hold) : -1);
	if (h->why[0]) {
		buf_printf(b, ",\"error\":");
		json_str(b, h->why);
	}
	buf_printf(b, ",\"clients\":[");
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_fo_client *x = &h->bfd.c[i], *y = &h->hold.c[i];
		int bfd = h->bfd_ran && x->ran && x->before == h->site,
		    hold = h->hold_ran && y->ran && y->before == h->site;

		if (!bfd && !hold)
			continue;
		buf_printf(b, "%s{\"client\":", first ? "" : ",");
		first = 0;
		json_str(b, d->client[i].at.name);
		buf_printf(b, ",\"site_before\":");
		json_site(b, d, h->site);
		buf_printf(b, ",\"bfd_outage_ms\":");
		json_ms(b, bfd ? x->outage_ms : -1);
		buf_printf(b, ",\"bfd_new_site\":");
		json_site(b, d, bfd ? x->after : LAB_DEMO_NONE);
		buf_printf(b, ",\"hold_outage_ms\":");
		json_ms(b, hold ? y->outage_ms : -1);
		buf_printf(b, ",\"hold_new_site\":");
		json_site(b, d, hold ? y->after : LAB_DEMO_NONE);
		buf_put8(b, '}');
	}
	buf_printf(b, "]}");
}

void lab_demo_json(const struct lab_demo *d, struct buf *b)
{
	buf_printf(b, "{\"lab\":");
	json_str(b, d->lab);
	buf_printf(b, ",\"anycast_address\":");
	json_str(b, d->anycast);
	buf_printf(b, ",\"sites\":[");
	for (size_t s = 0; s < d->nsites; s++) {
		buf_printf(b, "%s", s ? "," : "");
		json_str(b, d->site[s].name);
	}
	buf_printf(b, "],\"clients\":[");
	for (size_t i = 0; i < d->nclients; i++) {
		const struct lab_demo_client *c = &d->client[i];

		buf_printf(b, "%s{\"name\":", i ? "," : "");
		json_str(b, c->at.name);
		buf_printf(b, ",\"city\":");
		json_str(b, c->at.city);
		buf_printf(b, ",\"site\":");
		json_site(b, d, c->site);
		buf_printf(b, ",\"rtt_ms\":");
		json_ms(b, c->rtt_ms);
		buf_printf(b, ",\"predicted_site\":");
		json_site(b, d, c->predicted == LAB_DEMO_OTHER ? LAB_DEMO_NONE : c->predicted);
		buf_printf(b, ",\"unicast_rtt_ms\":{");
		for (size_t s = 0; s < d->nsites; s++) {
			buf_printf(b, "%s", s ? "," : "");
			json_str(b, d->site[s].name);
			buf_put8(b, ':');
			json_ms(b, c->unicast_ms[s]);
		}
		buf_printf(b, "}}");
	}
	buf_printf(b, "],\"failover\":[");
	int first = 1;

	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];

		for (size_t i = 0; i < d->nclients; i++) {
			const struct lab_demo_fo_client *c = &f->c[i];

			if (!c->ran)
				continue;
			buf_printf(b, "%s{\"failed\":", first ? "" : ",");
			first = 0;
			json_str(b, lab_demo_site_name(d, f->site));
			buf_printf(b,
				   ",\"kind\":\"%s\",\"client\":", f->crash ? "site" : "service");
			json_str(b, d->client[i].at.name);
			buf_printf(b, ",\"site_before\":");
			json_site(b, d, c->before);
			buf_printf(b, ",\"new_site\":");
			json_site(b, d, c->after);
			buf_printf(b,
				   ",\"outage_ms\":%.1f,\"longest_loss_ms\":%.1f,\"recovered\":%s,"
				   "\"lost\":%lu,\"sent\":%lu}",
				   c->outage_ms, c->longest_loss_ms,
				   c->recovered ? "true" : "false", c->lost, c->sent);
		}
	}
	buf_printf(b, "],\"failures\":[");
	for (size_t k = 0; k < d->nfo; k++) {
		const struct lab_demo_failover *f = &d->fo[k];

		buf_printf(b, "%s{\"failed\":", k ? "," : "");
		json_str(b, lab_demo_site_name(d, f->site));
		buf_printf(b,
			   ",\"kind\":\"%s\",\"window_ms\":[%.1f,%.1f],\"interval_ms\":%.3f,"
			   "\"inject_ms\":%.1f,\"heal_ms\":",
			   f->crash ? "site" : "service", f->from_ms, f->to_ms, f->interval_ms,
			   f->inject_ms);
		json_ms(b, f->heal_ms);
		buf_put8(b, '}');
	}
	buf_printf(b, "],\"chapters\":{");
	if (d->chapters & LAB_DEMO_CH_DETECT)
		detect_json(d, b);
	if (d->chapters & LAB_DEMO_CH_HANG) {
		buf_printf(b, "%s", d->chapters & LAB_DEMO_CH_DETECT ? "," : "");
		hang_json(d, b);
	}
	if (d->chapters & LAB_DEMO_CH_HIJACK) {
		if (d->chapters & (LAB_DEMO_CH_DETECT | LAB_DEMO_CH_HANG))
			buf_put8(b, ',');
		hijack_json(d, b);
	}
	if (d->chapters & LAB_DEMO_CH_TCP) {
		if (d->chapters & (LAB_DEMO_CH_DETECT | LAB_DEMO_CH_HANG | LAB_DEMO_CH_HIJACK))
			buf_put8(b, ',');
		lab_demo_tcp_json(d, b);
	}
	if (d->chapters & LAB_DEMO_CH_DDOS) {
		if (d->chapters &
		    (LAB_DEMO_CH_DETECT | LAB_DEMO_CH_HANG | LAB_DEMO_CH_HIJACK | LAB_DEMO_CH_TCP))
			buf_put8(b, ',');
		lab_ddos_json(&d->ddos, b);
	}
	buf_printf(b, "},\"up_s\":%.1f,\"duration_s\":%.1f}\n", d->up_s, d->total_s);
}
