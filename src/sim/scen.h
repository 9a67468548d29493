/* The scenario as the user writes it: `--site NAME=UP[+UP...][/PREPEND]`, `--hijack
 * ASN[/LEN]`, and the same names in a YAML file (`--scenario`), read with the lab's YAML
 * tree so that errors carry FILE:LINE:COL. */
#ifndef SIM_SCEN_H
#define SIM_SCEN_H

#include <stddef.h>
#include <stdint.h>

#include "sim/prop.h"

/* What a scenario file may set beside the scenario proper; strings are owned (free with
 * sim_opts_free). NULL / 0 when the file does not say. */
struct sim_opts {
	char *graph, *topology, *tie, *model, *paths;
	char **fail;
	size_t nfail;
};

/* Parses "NAME=UP[+UP...][/PREPEND]" (UP: ASN, pASN for a peer, rASN for a member of a
 * route server the site is on) and appends the site to s. */
int sim_site_add(struct sim_scen *s, const char *arg, char *err, size_t errlen);
/* Parses "ASN[/LEN]" (LEN 1..128). */
int sim_hijack_parse(const char *arg, uint32_t *asn, unsigned *len, char *err, size_t errlen);
/* Parses a decimal ASN (optionally "AS"-prefixed), 1..4294967295. */
int sim_asn_parse(const char *s, uint32_t *asn);
/* Marks the named site failed; -1 when no site has that name. */
int sim_site_fail(struct sim_scen *s, const char *name, char *err, size_t errlen);
/* A file of ASNs, one a line ('#' comments), for --rov FILE. */
int sim_asn_file(const char *path, uint32_t **v, size_t *n, char *err, size_t errlen);

/* The scenario YAML: origin, sites {NAME: {providers: [...], peers: [...], rs_members:
 * [...], prepend: N}}, fail [...], hijack "ASN[/LEN]", rov all|none|[ASN...], tie, model,
 * graph, topology, paths. */
int sim_scen_parse(const char *name, const char *text, size_t len, struct sim_scen *s,
		   struct sim_opts *o, char *err, size_t errlen);
int sim_scen_load(const char *path, struct sim_scen *s, struct sim_opts *o, char *err,
		  size_t errlen);
void sim_opts_free(struct sim_opts *o);

#endif
