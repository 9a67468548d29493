/* `anycast lab ...`: the command line of every lab command; the operations are lab.h's, the
 * demo demo.h's, the wire wire.h's. */
#include "lab/lab.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lab/demo.h"
#include "lab/wire.h"
#include "lib/log.h"
#include "lib/sig.h"

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: anycast lab up [--no-delay|--wire] [--timeout SECONDS] [--keep] [--lab NAME]"
		" TOPOLOGY.yaml\n"
		"       anycast lab down [--lab NAME | NAME]\n"
		"       anycast lab status [--json] [--lab NAME | NAME]\n"
		"       anycast lab exec [--lab NAME] NODE -- CMD...\n"
		"       anycast lab fail [--lab NAME] NODE [--service|--site|--freeze]\n"
		"       anycast lab heal [--lab NAME] NODE\n"
		"       anycast lab hijack [--lab NAME] NODE [--more-specific LEN]\n"
		"       anycast lab demo [--json] [--name NAME] [--report FILE.html] [--topology FILE]"
		" [--fail SITE] [--crash SITE]\n"
		"       anycast lab cities\n");
	exit(2);
}

/* A whole number of seconds in [lo, hi] for flag; a usage error otherwise, never a default. */
static unsigned flag_seconds(const char *flag, const char *v, unsigned lo, unsigned hi)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < lo || n > hi) {
		fprintf(stderr, "anycast lab: %s '%s': a whole number of seconds from %u to %u\n",
			flag, v, lo, hi);
		exit(2);
	}
	return (unsigned)n;
}

static int cmd_cities(void)
{
	size_t n;
	const struct lab_city *c = lab_cities(&n);

	printf("%-16s %-18s %9s %10s\n", "CITY", "NAME", "LAT", "LON");
	for (size_t i = 0; i < n; i++)
		printf("%-16s %-18s %9.4f %10.4f\n", c[i].name, c[i].label, c[i].lat, c[i].lon);
	return 0;
}

static int cmd_exec(int argc, char **argv)
{
	const char *name = NULL, *node = NULL;
	int i = 1;
	char err[512], ns[128];
	struct lab l;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (!node)
			node = argv[i];
		else
			break;
	}
	if (!node || i >= argc)
		usage();
	if (lab_open(name, &l, err, sizeof(err)) < 0 ||
	    lab_find_node(&l, node, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab exec: %s\n", err);
		return 1;
	}
	lab_ns_name(l.topo.name, node, ns, sizeof(ns));
	/* `anycast show` in the node talks to that node's anycastd (src/cmd/anycast.c) */
	char sock[PATH_MAX];

	lab_path(&l, node, "anycastd.sock", sock, sizeof(sock));
	setenv("ANYCAST_SOCKET", sock, 1);
	setenv("ANYCAST_LAB", l.topo.name, 1);
	lab_close(&l);
	/* ip netns exec also remounts /sys for the namespace: `ip link`, `ss` show the node */
	char **args = xcalloc((size_t)(argc - i) + 5, sizeof(*args));
	int n = 0;

	args[n++] = "ip";
	args[n++] = "netns";
	args[n++] = "exec";
	args[n++] = ns;
	while (i < argc)
		args[n++] = argv[i++];
	execvp("ip", args);
	execv("/usr/sbin/ip", args); /* sbin may not be in a user's PATH */
	execv("/sbin/ip", args);
	fprintf(stderr, "anycast lab exec: cannot run ip: %s\n", strerror(errno));
	return 127;
}

int lab_main(int argc, char **argv)
{
	char err[1024] = "";
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *name = NULL, *node = NULL;
	int json = 0, r;

	if (strcmp(cmd, "wire") == 0)
		return lab_wire_main(argc - 1, argv + 1);
	if (strcmp(cmd, "exec") == 0)
		return cmd_exec(argc - 1, argv + 1);
	if (strcmp(cmd, "hijack") == 0)
		return lab_hijack_main(argc - 1, argv + 1);
	if (strcmp(cmd, "demo") == 0)
		return lab_demo_main(argc - 1, argv + 1);
	if (strcmp(cmd, "cities") == 0)
		return argc == 2 ? cmd_cities() : (usage(), 2);
	if (strcmp(cmd, "up") == 0) {
		struct lab_up_opts o = { 0 };
		const char *file = NULL;

		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--no-delay") == 0)
				o.no_delay = 1;
			else if (strcmp(argv[i], "--wire") == 0)
				o.wire = 1;
			else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
				o.timeout_s = flag_seconds("--timeout", argv[++i], 1, 3600);
			else if (strcmp(argv[i], "--keep") == 0)
				o.keep = 1;
			else if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
				o.name = argv[++i];
			else if (argv[i][0] == '-' || file)
				usage();
			else
				file = argv[i];
		}
		if (!file)
			usage();
		if (lab_up_with(file, &o, err, sizeof(err)) < 0) {
			fprintf(stderr, "anycast lab up: %s\n", err);
			return sig_interrupted ? 130 : 1;
		}
		return 0;
	}
	enum lab_fail_kind how = LAB_FAIL_SERVICE;
	int how_given = 0;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--service") == 0)
			how = LAB_FAIL_SERVICE, how_given = 1;
		else if (strcmp(argv[i], "--site") == 0)
			how = LAB_FAIL_SITE, how_given = 1;
		else if (strcmp(argv[i], "--freeze") == 0)
			how = LAB_FAIL_FREEZE, how_given = 1;
		else if (argv[i][0] == '-')
			usage();
		else if ((strcmp(cmd, "down") == 0 || strcmp(cmd, "status") == 0) && !name)
			/* the old positional form of --lab */
			name = argv[i];
		else if ((strcmp(cmd, "fail") == 0 || strcmp(cmd, "heal") == 0) && !node)
			node = argv[i];
		else
			usage();
	}
	if (strcmp(cmd, "down") == 0) {
		if (lab_down(name, err, sizeof(err)) < 0) {
			fprintf(stderr, "anycast lab down: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (strcmp(cmd, "status") == 0) {
		struct buf out;

		buf_init(&out);
		r = lab_status(name, json, &out, err, sizeof(err));
		if (r == 0)
			fwrite(out.data, 1, out.len, stdout);
		else
			fprintf(stderr, "anycast lab status: %s\n", err);
		buf_free(&out);
		return r == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "fail") == 0 || strcmp(cmd, "heal") == 0) {
		if (!node)
			usage();
		if (cmd[0] == 'f') {
			/* without a flag: a site loses its service, any other node its links */
			if (!how_given) {
				struct lab l;

				if (lab_open(name, &l, err, sizeof(err)) == 0) {
					const struct lab_node *n = lab_topo_node(&l.topo, node);

					if (n && n->kind != LAB_SITE)
						how = LAB_FAIL_SITE;
					lab_close(&l);
				}
			}
			r = lab_fail(name, node, how, err, sizeof(err));
		} else {
			r = lab_heal(name, node, err, sizeof(err));
		}
		if (r < 0) {
			fprintf(stderr, "anycast lab %s: %s\n", cmd, err);
			return 1;
		}
		return 0;
	}
	usage();
}
