/* The ways a detection result is shown: table, JSON, SVG map. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "detect/detect.h"
#include "lab/report.h"
#include "lib/json.h"

/* Columns count characters, not bytes: "São Paulo" is 9 wide. */
static void utf8_pad(struct buf *out, const char *s, size_t width)
{
	size_t n = 0;

	for (const char *c = s; *c; c++)
		n += ((unsigned char)*c & 0xc0) != 0x80;
	buf_printf(out, "%s%*s", s, n < width ? (int)(width - n) : 0, "");
}

void det_text(const struct det_input *in, const struct det_result *r, struct buf *out)
{
	buf_printf(out, "%s: %zu site%s from %zu vantage points (%zu discarded, %zu outliers)\n",
		   r->anycast ? "anycast" : "unicast", r->nsites, r->nsites == 1 ? "" : "s", r->vps,
		   in->discarded, r->outliers);
	buf_printf(out, "%-4s %-28s %-7s %5s %10s %5s  %s\n", "site", "city", "country", "vps",
		   "radius_km", "conf", "vantage point");
	for (size_t i = 0; i < r->nsites; i++) {
		const struct det_site *s = &r->site[i];

		buf_printf(out, "%-4zu ", i + 1);
		utf8_pad(out, s->city.name, 29);
		buf_printf(out, "%-7s %5zu %10.0f %5.2f  %s\n", s->city.cc[0] ? s->city.cc : "-",
			   s->vps, s->radius_km, s->confidence, in->vp[s->vp].name);
	}
}

void det_json(const struct det_input *in, const struct det_result *r, struct buf *out)
{
	buf_printf(out, "{\"anycast\":%s,\"sites\":[", r->anycast ? "true" : "false");
	for (size_t i = 0; i < r->nsites; i++) {
		const struct det_site *s = &r->site[i];

		buf_printf(out, "%s{\"city\":", i ? "," : "");
		json_str(out, s->city.name);
		buf_printf(out, ",\"country\":");
		json_str(out, s->city.cc);
		buf_printf(out,
			   ",\"lat\":%.4f,\"lon\":%.4f,\"vps\":%zu,\"radius_km\":%.1f,"
			   "\"confidence\":%.3f,\"vp\":",
			   s->city.lat, s->city.lon, s->vps, s->radius_km, s->confidence);
		json_str(out, in->vp[s->vp].name);
		buf_printf(out, "}");
	}
	buf_printf(out, "],\"vps\":%zu,\"discarded\":%zu,\"outliers\":%zu}\n", r->vps,
		   in->discarded, r->outliers);
}

/* Equirectangular, 2 px per degree. */
#define W 720.0
#define H 360.0
static double px(double lon) { return (lon + 180.0) * W / 360.0; }
static double py(double lat) { return (90.0 - lat) * H / 180.0; }

static void polygons(struct buf *b, const float *pts, const char *cls)
{
	while (pts[0] != LAB_MAP_END) {
		buf_printf(b, "<polygon class=\"%s\" points=\"", cls);
		for (; pts[0] != LAB_MAP_END; pts += 2)
			buf_printf(b, "%.1f,%.1f ", px(pts[0]), py(pts[1]));
		buf_printf(b, "\"/>\n");
		pts++;
	}
}

/* A disc on the sphere drawn as the polygon of its edge: the point at radius_km from the
 * centre in 72 directions (longitudes unwrapped, so a disc across the date line spills off the
 * map instead of streaking across it). */
static void disc(struct buf *b, double lat, double lon, double radius_km, const char *cls)
{
	const double rad = M_PI / 180.0, a = radius_km / 6371.0088;
	double la = lat * rad, lo = lon * rad;

	if (a >= M_PI * 0.999) {
		buf_printf(b, "<rect class=\"%s\" width=\"%.0f\" height=\"%.0f\"/>\n", cls, W, H);
		return;
	}
	buf_printf(b, "<polygon class=\"%s\" points=\"", cls);
	for (int k = 0; k < 72; k++) {
		double t = k * 5.0 * rad;
		double sl = sin(la) * cos(a) + cos(la) * sin(a) * cos(t);
		double lat2 = asin(sl);
		double lon2 = lo + atan2(sin(t) * sin(a) * cos(la), cos(a) - sin(la) * sl);

		buf_printf(b, "%.1f,%.1f ", px(lon2 / rad), py(lat2 / rad));
	}
	buf_printf(b, "\"/>\n");
}

void det_svg(const struct det_input *in, const struct det_result *r, struct buf *out)
{
	buf_printf(out,
		   "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
		   "width=\"1440\" height=\"720\">\n<style>.sea{fill:#dfeaf3}"
		   ".land{fill:#f4f1e8;stroke:#b8b2a0;stroke-width:.4}.water{fill:#dfeaf3}"
		   ".disc{fill:#d9480f;fill-opacity:.12;stroke:#d9480f;stroke-width:.5}"
		   ".site{fill:#1c7ed6;stroke:#fff;stroke-width:.6}"
		   "text{font:6px sans-serif;fill:#212529}</style>\n"
		   "<rect class=\"sea\" width=\"%.0f\" height=\"%.0f\"/>\n",
		   W, H, W, H);
	polygons(out, lab_map_land(), "land");
	polygons(out, lab_map_water(), "water");
	for (size_t i = 0; i < r->nsites; i++) {
		const struct det_vp *v = &in->vp[r->site[i].vp];

		disc(out, v->lat, v->lon, r->site[i].radius_km, "disc");
	}
	for (size_t i = 0; i < r->nsites; i++) {
		const struct det_site *s = &r->site[i];

		buf_printf(out,
			   "<circle class=\"site\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>"
			   "<text x=\"%.1f\" y=\"%.1f\">",
			   px(s->city.lon), py(s->city.lat), px(s->city.lon) + 3,
			   py(s->city.lat) - 2);
		for (const char *c = s->city.name; *c; c++) {
			if (*c == '<')
				buf_printf(out, "&lt;");
			else if (*c == '&')
				buf_printf(out, "&amp;");
			else
				buf_put8(out, (unsigned char)*c);
		}
		buf_printf(out, "</text>\n");
	}
	buf_printf(out,
		   "<text x=\"4\" y=\"%.0f\">%s, %zu sites. Cities: GeoNames (CC BY 4.0)"
		   "</text>\n</svg>\n",
		   H - 4, r->anycast ? "anycast" : "unicast", r->nsites);
}

int det_write_file(const char *path, const struct buf *out)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f) {
		fprintf(stderr, "anycast detect: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(out->data, 1, out->len, f) == out->len;
	if (fclose(f) != 0 || !ok) {
		fprintf(stderr, "anycast detect: %s: write failed\n", path);
		return -1;
	}
	return 0;
}
