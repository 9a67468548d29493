/* anycastd: the BGP speaker for anycast sites and routers. See anycastd(8). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/conf.h"
#include "daemon/access.h"
#include "daemon/commands.h"
#include "daemon/daemon.h"
#include "daemon/detach.h"
#include "lib/log.h"

#define DEFAULT_CONF "/etc/anycastd.conf"

static void usage(void)
{
	fprintf(stderr, "usage: anycastd [-d] [-n] [-v] [-c FILE] [-p PIDFILE]\n"
			"  -c FILE     configuration (default " DEFAULT_CONF ")\n"
			"  -d          stay in the foreground and log to stderr\n"
			"  -n          check the configuration and exit (0: valid, 1: not)\n"
			"  -p PIDFILE  write the process id there (overrides `pidfile`)\n"
			"  -v          log debug messages too\n");
	exit(2);
}

/* The daemon runs in / and re-reads its file on reload: a relative path must not change
 * meaning. The file itself need not exist yet for this (conf_load says so if it does not). */
static char *absolute(const char *path)
{
	char cwd[PATH_MAX], *r = realpath(path, NULL);

	if (r || path[0] == '/')
		return r ? r : xstrdup(path);
	if (!getcwd(cwd, sizeof(cwd)))
		return xstrdup(path);
	r = xmalloc(strlen(cwd) + strlen(path) + 2);
	sprintf(r, "%s/%s", cwd, path);
	return r;
}

int main(int argc, char **argv)
{
	const char *pidfile = NULL;
	char *conf_path = NULL;
	int foreground = 0, check = 0, verbose = 0, ch, dfd = -1;
	char err[1024];

	while ((ch = getopt(argc, argv, "c:dnp:vh")) != -1) {
		switch (ch) {
		case 'c':
			free(conf_path);
			conf_path = absolute(optarg);
			break;
		case 'd': foreground = 1; break;
		case 'n': check = 1; break;
		case 'p': pidfile = optarg; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (!conf_path)
		conf_path = xstrdup(DEFAULT_CONF);
	if (pidfile && pidfile[0] != '/') {
		fprintf(stderr, "anycastd: -p %s: the pidfile path must be absolute\n", pidfile);
		return 2;
	}
	{
		/* Check the configuration before detaching, so a mistake is seen on the terminal. */
		struct conf c;

		if (conf_load(conf_path, &c, err, sizeof(err)) < 0) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (conf_warnings(&c, err, sizeof(err)))
			fputs(err, stderr);
		conf_free(&c);
	}
	if (check) {
		printf("%s: configuration OK\n", conf_path);
		free(conf_path);
		return 0;
	}
	log_init("anycastd", foreground, verbose ? LOG_LVL_DEBUG : LOG_LVL_INFO);
	if (!foreground && (dfd = daemon_detach()) < 0) {
		fprintf(stderr, "anycastd: detaching: %s\n", strerror(errno));
		return 1;
	}
	struct ev_loop *loop = ev_loop_new();
	struct daemon d;

	/* Errors of start-up reach the terminal even in the background (detach.h). */
	if (daemon_start(&d, loop, conf_path, daemon_ctl, err, sizeof(err)) < 0 ||
	    daemon_access_start(&d, pidfile, err, sizeof(err)) < 0) {
		log_err("%s", err);
		if (foreground)
			fprintf(stderr, "%s\n", err);
		daemon_detach_done(dfd, err);
		return 1;
	}
	daemon_detach_done(dfd, NULL);
	free(conf_path);
	ev_run(loop);
	daemon_access_stop(&d);
	daemon_stop(&d);
	ev_loop_free(loop);
	log_info("stopped");
	return 0;
}
