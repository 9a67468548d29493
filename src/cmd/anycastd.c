/* anycastd: the BGP speaker for anycast sites and routers. See anycastd(8). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "daemon/commands.h"
#include "daemon/daemon.h"
#include "lib/log.h"

#define DEFAULT_CONF "/etc/anycastd.conf"

static void usage(void)
{
	fprintf(stderr, "usage: anycastd [-d] [-n] [-v] [-c FILE]\n"
			"  -c FILE  configuration (default " DEFAULT_CONF ")\n"
			"  -d       stay in the foreground and log to stderr\n"
			"  -n       check the configuration and exit (0: valid, 1: not)\n"
			"  -v       log debug messages too\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *conf_path = DEFAULT_CONF;
	int foreground = 0, check = 0, verbose = 0, ch;
	char err[1024];

	while ((ch = getopt(argc, argv, "c:dnvh")) != -1) {
		switch (ch) {
		case 'c': conf_path = optarg; break;
		case 'd': foreground = 1; break;
		case 'n': check = 1; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (check) {
		struct conf c;

		if (conf_load(conf_path, &c, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (conf_warnings(&c, err, sizeof(err)))
			fputs(err, stderr);
		conf_free(&c);
		printf("%s: configuration OK\n", conf_path);
		return 0;
	}
	log_init("anycastd", foreground, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	/* Check the configuration before detaching, so a mistake is seen on the terminal. */
	{
		struct conf c;

		if (conf_load(conf_path, &c, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		conf_free(&c);
	}
	if (!foreground && daemon(0, 0) < 0) {
		fprintf(stderr, "anycastd: daemon: %s\n", strerror(errno));
		return 1;
	}
	struct ev_loop *loop = ev_loop_new();
	struct daemon d;

	if (daemon_start(&d, loop, conf_path, daemon_ctl, err, sizeof(err)) < 0) {
		log_err("%s", err);
		if (foreground)
			fprintf(stderr, "%s\n", err);
		return 1;
	}
	ev_run(loop);
	daemon_stop(&d);
	ev_loop_free(loop);
	log_info("stopped");
	return 0;
}
