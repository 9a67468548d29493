/* `anycast detect` and `anycast lab detect`: is this address anycast, how many sites, where?
 * The method is in method.h, the inputs in input.h; this is the command and its output. */
#ifndef DETECT_DETECT_H
#define DETECT_DETECT_H

#include <stdio.h>

#include "detect/input.h"
#include "detect/method.h"
#include "lib/buf.h"

/* `anycast detect [--json] [--map FILE.svg] [--probes FILE.json] FILE` (argv[0] "detect").
 * Exit status 0, 1 when the input cannot be read, 2 on usage. */
int det_main(int argc, char **argv);
/* `anycast lab detect [--json] [--map FILE.svg] [--lab NAME] [--count N] ADDRESS` (argv[0]
 * "detect"); labmain.c, around det_lab_detect (labdetect.h). */
int det_lab_main(int argc, char **argv);

/* main.c: shows a result as asked: the table or JSON on stdout, and the map if map is not
 * NULL; -1 if the map cannot be written. */
int det_show(const struct det_input *in, const struct det_result *r, int json, const char *map);

/* output.c: the table (site, city, country, vantage points, radius, confidence). */
void det_text(const struct det_input *in, const struct det_result *r, struct buf *out);
/* The DESIGN.md document: {"anycast","sites":[{"city","country","lat","lon","vps",
 * "radius_km","confidence","vp"}],"vps","discarded","outliers"}, one line. */
void det_json(const struct det_input *in, const struct det_result *r, struct buf *out);
/* An SVG world map with every disc of the independent sets and every site. */
void det_svg(const struct det_input *in, const struct det_result *r, struct buf *out);
/* Writes out to path, or -1 with the reason on stderr. */
int det_write_file(const char *path, const struct buf *out);

#endif
