/* anycast: the operator's command. See anycast(1). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "ctl/ctl.h"
#include "detect/detect.h"
#include "feed/feed.h"
#include "lab/lab.h"
#include "probe/probe.h"
#include "probe/tcp.h"
#include "lib/buf.h"
#include "sim/sim.h"

static void usage(void)
{
	fprintf(stderr,
		"usage: anycast [-s SOCKET] show neighbors [--json]\n"
		"       anycast [-s SOCKET] show routes [PREFIX] [--json]\n"
		"       anycast [-s SOCKET] show services [--json]\n"
		"       anycast [-s SOCKET] show alerts [--json]\n"
		"       anycast [-s SOCKET] show rpki [--json]\n"
		"       anycast [-s SOCKET] drain SERVICE | resume SERVICE | check SERVICE [--json]\n"
		"       anycast [-s SOCKET] reload\n"
		"       anycast feed --peer ADDR --local-as N --remote-as N --routes N"
		" [--local-address ADDR]\n"
		"                    [--port P] [--seed S] [--hold-time S] [--exit-after S] [--json]\n"
		"       anycast probe dns --server ADDR[:PORT] --rate N --count N [--timeout MS]"
		" [--name NAME] [--json]\n"
		"       anycast probe tcp --server ADDR[:PORT] --connections K --rate N --count N"
		" [--timeout MS] [--json]\n"
		"       anycast lab up [--no-delay] [--timeout S] [--keep] [--lab NAME] TOPOLOGY.yaml"
		" | down [--lab NAME] | status [--json] [--lab NAME] | cities\n"
		"       anycast lab exec NODE -- CMD... | fail NODE [--service|--site] | heal NODE\n"
		"       anycast lab demo [--json] [--name NAME] [--report FILE.html]\n"
		"       anycast sim --graph AS-REL-FILE | --topology LAB.yaml [--site NAME=UP...]..."
		" [--json] (see anycast sim --help)\n"
		"       anycast lab detect [--json] [--map FILE.svg] [--lab NAME] [--count N] ADDRESS\n"
		"       anycast detect [--json] [--map FILE.svg] [--probes PROBES.json] FILE\n");
	exit(2);
}

int main(int argc, char **argv)
{
	/* `anycast lab exec NODE -- anycast show ...` sets it to that node's socket */
	const char *sock = getenv("ANYCAST_SOCKET") && *getenv("ANYCAST_SOCKET")
				   ? getenv("ANYCAST_SOCKET")
				   : CONF_DEFAULT_CONTROL;
	char *words[40];
	int nw = 0, json = 0;

	/* feed is a BGP speaker of its own, not a control-socket command */
	if (argc > 1 && strcmp(argv[1], "feed") == 0)
		return feed_main(argc - 1, argv + 1);
	/* here and not in lab_main: detect uses the lab, the lab does not use detect */
	if (argc > 2 && strcmp(argv[1], "lab") == 0 && strcmp(argv[2], "detect") == 0)
		return det_lab_main(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "lab") == 0)
		return lab_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "detect") == 0)
		return det_main(argc - 1, argv + 1);
	if (argc > 2 && strcmp(argv[1], "probe") == 0 && strcmp(argv[2], "tcp") == 0)
		return probe_tcp_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "probe") == 0)
		return probe_main(argc - 1, argv + 1);
	if (argc > 1 && strcmp(argv[1], "sim") == 0)
		return sim_main(argc - 1, argv + 1);
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			sock = argv[++i];
		else if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			usage();
		else if (argv[i][0] == '-')
			usage();
		else if (nw < 38)
			words[nw++] = argv[i];
	}
	if (nw == 0)
		usage();
	static const char *const known[] = { "show", "reload", "drain", "resume", "check", NULL };
	int ok = 0;

	for (int i = 0; known[i]; i++)
		ok |= strcmp(words[0], known[i]) == 0;
	if (!ok) {
		fprintf(stderr, "anycast: unknown command '%s'\n", words[0]);
		usage();
	}
	if (json)
		words[nw++] = "json";
	words[nw] = NULL;

	struct buf out;
	char err[512];

	buf_init(&out);
	int r = ctl_call(sock, nw, words, &out, err, sizeof(err));

	if (r < 0) {
		fprintf(stderr, "anycast: %s\n", err);
		return 1;
	}
	fwrite(out.data, 1, out.len, r == 0 ? stdout : stderr);
	buf_free(&out);
	return r == 0 ? 0 : 1;
}
