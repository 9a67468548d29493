/* The ways the demo's model (demo.h) is shown: the terminal tables and the JSON document of
 * DESIGN.md (demo_out.c), and the self-contained HTML report (report.c: inline SVG world map
 * and failover timelines, no external resources, so that the file can be mailed or archived
 * as it is). */
#ifndef LAB_REPORT_H
#define LAB_REPORT_H

#include <stddef.h>

#include "lab/demo.h"
#include "lib/buf.h"

/* The terminal tables. */
void lab_demo_text(const struct lab_demo *d, struct buf *out);
/* The DESIGN.md `lab demo` document, one line and a newline. */
void lab_demo_json(const struct lab_demo *d, struct buf *out);
/* demo_out_tcp.c: the chapter "tcp" as a table, as the "tcp" member of "chapters", and as
 * the report's section. */
void lab_demo_tcp_text(const struct lab_demo *d, struct buf *out);
void lab_demo_tcp_json(const struct lab_demo *d, struct buf *out);
void lab_demo_tcp_html(const struct lab_demo *d, struct buf *out);
/* The HTML report page. */
void lab_report_html(const struct lab_demo *d, struct buf *out);
/* Writes the report to path; -1 with the reason in err. */
int lab_report_write(const struct lab_demo *d, const char *path, char *err, size_t errlen);

/* worldmap.c: coarse outlines in degrees, (lon, lat) pairs; each polygon ends with one
 * LAB_MAP_END, the list with a second one. */
#define LAB_MAP_END 999.0f
const float *lab_map_land(void);
const float *lab_map_water(void);

#endif
