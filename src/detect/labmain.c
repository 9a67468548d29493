/* `anycast lab detect`: the command around det_lab_detect (labdetect.h), for a running lab.
 *
 * The lab is read the way `anycast lab status` finds it, through the public headers only: the
 * state directory LAB_RUN_DIR/NAME/ and its topology.yaml (lab_topo_load), and the namespace
 * names (lab_ns_name). */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/detect.h"
#include "detect/labdetect.h"
#include "lab/lab.h"
#include "lab/topo.h"
#include "lib/addr.h"

#define COUNT_DEFAULT 5

static void usage(void)
{
	fprintf(stderr, "usage: anycast lab detect [--json] [--map FILE.svg] [--lab NAME]"
			" [--count N] ADDRESS\n");
	exit(2);
}

/* The lab's name: given, or the only directory in LAB_RUN_DIR. */
static int find_lab(const char *given, char *out, size_t len)
{
	DIR *d;
	struct dirent *e;
	int n = 0;

	if (given) {
		snprintf(out, len, "%s", given);
		return 0;
	}
	d = opendir(LAB_RUN_DIR);
	if (!d) {
		fprintf(stderr, "anycast lab detect: no lab is up (%s: %s)\n", LAB_RUN_DIR,
			strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		if (e->d_name[0] != '.' && n++ == 0)
			snprintf(out, len, "%s", e->d_name);
	closedir(d);
	if (n != 1) {
		fprintf(stderr, "anycast lab detect: %s; say which with --lab NAME\n",
			n ? "several labs are up" : "no lab is up");
		return -1;
	}
	return 0;
}

int det_lab_main(int argc, char **argv)
{
	const char *name = NULL, *addr = NULL, *map = NULL;
	int json = 0, count = COUNT_DEFAULT, rc = 1;
	char lab[256], path[512], err[512];
	struct addr a;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			json = 1;
		else if (strcmp(argv[i], "--map") == 0 && i + 1 < argc)
			map = argv[++i];
		else if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--count") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else if (argv[i][0] == '-' || addr)
			usage();
		else
			addr = argv[i];
	}
	if (!addr || count < 1 || count > DET_LAB_COUNT_MAX)
		usage();
	if (addr_parse(addr, &a) < 0) {
		fprintf(stderr, "anycast lab detect: %s: not an IP address\n", addr);
		return 2;
	}
	if (find_lab(name, lab, sizeof(lab)) < 0)
		return 1;

	struct lab_topo t;

	snprintf(path, sizeof(path), "%s/%s/topology.yaml", LAB_RUN_DIR, lab);
	if (lab_topo_load(path, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab detect: lab %s: %s\n", lab, err);
		return 1;
	}

	struct det_input in;
	struct det_result r;
	struct buf msgs;
	int got;

	buf_init(&msgs);
	got = det_lab_detect(&t, addr, count, &in, &r, &msgs, err, sizeof(err));
	buf_put8(&msgs, 0);
	for (char *l = (char *)msgs.data, *nl; (nl = strchr(l, '\n')); l = nl + 1)
		fprintf(stderr, "anycast lab detect: %.*s\n", (int)(nl - l), l);
	buf_free(&msgs);
	if (got < 0) {
		fprintf(stderr, "anycast lab detect: %s\n", err);
	} else {
		rc = det_show(&in, &r, json, map) ? 1 : 0;
		det_result_free(&r);
		det_input_free(&in);
	}
	lab_topo_free(&t);
	return rc;
}
