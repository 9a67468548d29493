/* CAIDA AS-relationship files (serial-1 "A|B|REL" and serial-2 "A|B|REL|SOURCE"), plain or
 * bzip2-compressed, read into a flat list of links that graph.c turns into the CSR graph.
 * Kept apart from the graph so that the fuzz target and the tests can feed it bytes. */
#ifndef SIM_ASREL_H
#define SIM_ASREL_H

#include <stddef.h>
#include <stdint.h>

enum sim_rel { SIM_REL_P2C = -1, SIM_REL_P2P = 0 };

struct sim_link {
	uint32_t a, b; /* p2c: a is the provider of b */
	int8_t rel;    /* enum sim_rel */
};

struct sim_links {
	struct sim_link *v;
	size_t n, cap;
};

/* Progress while a big file loads: called every few hundred thousand links with the bytes
 * read and links so far; NULL for none. */
typedef void (*sim_progress_fn)(void *arg, size_t bytes, size_t links);

/* Parses text (name names it in errors). Lines starting with '#' and empty lines are skipped;
 * anything else must be "ASN|ASN|-1|..." or "ASN|ASN|0|...". On error returns -1 with
 * "NAME:LINE: message" in err. Links are appended to out. */
int sim_asrel_parse(const char *name, const char *text, size_t len, struct sim_links *out,
		    char *err, size_t errlen);
/* Reads a file, decompressing it when it starts with the bzip2 magic "BZh". */
int sim_asrel_load(const char *path, struct sim_links *out, sim_progress_fn fn, void *arg,
		   char *err, size_t errlen);
void sim_links_free(struct sim_links *l);

#endif
