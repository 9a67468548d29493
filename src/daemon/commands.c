/* The control commands: show, drain, resume, check, reload (see commands.h). */
#include "daemon/commands.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "daemon/alerts.h"
#include "daemon/checkreq.h"
#include "daemon/daemon.h"
#include "daemon/rov.h"
#include "lib/log.h"

static struct svc *need_svc(struct daemon *d, const char *name, struct buf *out)
{
	struct svc *s = daemon_find_svc(d, name);

	if (!s)
		buf_printf(out, "no service '%s'\n", name);
	return s;
}

/* The drain file is the one truth both daemons read (anycast-dns closes its TCP connections
 * while it exists): `anycast drain` creates it, `anycast resume` removes it. */
static void drain_file_set(struct svc *s, int on, struct buf *out)
{
	const char *f = s->conf.drain_file;
	int fd;

	if (!f)
		return;
	if (on) {
		fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0) {
			log_warn("service %s: cannot create drain file %s: %s", s->name, f,
				 strerror(errno));
			buf_printf(out, "warning: cannot create %s: %s\n", f, strerror(errno));
			return;
		}
		close(fd);
		s->drain_file = 1;
		return;
	}
	if (unlink(f) < 0 && errno != ENOENT) {
		log_warn("service %s: cannot remove drain file %s: %s", s->name, f,
			 strerror(errno));
		buf_printf(out, "warning: cannot remove %s: %s\n", f, strerror(errno));
		return;
	}
	s->drain_file = 0;
}

int daemon_ctl(int argc, char **argv, struct buf *out, void *arg, struct reqsrv_conn *conn)
{
	struct daemon *d = arg;
	int json = argc > 1 && strcmp(argv[argc - 1], "json") == 0;
	struct svc *s;

	if (json)
		argc--;
	if (argc >= 2 && strcmp(argv[0], "show") == 0) {
		if (strcmp(argv[1], "neighbors") == 0 && argc == 2) {
			daemon_show_neighbors(d, json, out);
			return 0;
		}
		if (strcmp(argv[1], "routes") == 0 && argc <= 3)
			return daemon_show_routes(d, argc == 3 ? argv[2] : NULL, json, out);
		if (strcmp(argv[1], "services") == 0 && argc == 2) {
			daemon_show_services(d, json, out);
			return 0;
		}
		if (strcmp(argv[1], "alerts") == 0 && argc == 2) {
			daemon_alerts_show(d, json, out);
			return 0;
		}
		if (strcmp(argv[1], "rpki") == 0 && argc == 2) {
			daemon_rov_show(d, json, out);
			return 0;
		}
	}
	if (argc == 2 && strcmp(argv[0], "drain") == 0) {
		if (!(s = need_svc(d, argv[1], out)))
			return -1;
		log_info("service %s: drain requested", s->name);
		drain_file_set(s, 1, out);
		svc_drain(s);
		if (s->drain_phase == SVC_DRAIN_CLOSING)
			buf_printf(out,
				   "service %s: waiting up to %ums for %ld TCP connections to "
				   "close, then draining for %ums\n",
				   s->name, s->conf.drain_wait_ms, s->connections,
				   s->conf.drain_time_ms);
		else
			buf_printf(out, "service %s: draining for %ums, then withdrawn\n", s->name,
				   s->conf.drain_time_ms);
		return 0;
	}
	if (argc == 2 && strcmp(argv[0], "resume") == 0) {
		if (!(s = need_svc(d, argv[1], out)))
			return -1;
		log_info("service %s: resume requested", s->name);
		drain_file_set(s, 0, out);
		svc_resume(s);
		if (s->drain_file)
			buf_printf(out, "service %s: still drained: %s exists\n", s->name,
				   s->conf.drain_file);
		else
			buf_printf(out, "service %s: resumed (%s)\n", s->name,
				   svc_state_name(s->state));
		return 0;
	}
	if (argc == 2 && strcmp(argv[0], "check") == 0) {
		if (!(s = need_svc(d, argv[1], out)))
			return -1;
		return daemon_check_start(d, s, json, conn);
	}
	if (argc == 1 && strcmp(argv[0], "reload") == 0) {
		char err[512];

		if (daemon_reload(d, err, sizeof(err)) < 0) {
			buf_printf(out, "reload failed, running configuration kept: %s\n", err);
			return -1;
		}
		buf_printf(out, "configuration reloaded\n");
		return 0;
	}
	buf_printf(out, "unknown command:");
	for (int i = 0; i < argc; i++)
		buf_printf(out, " %s", argv[i]);
	buf_put8(out, '\n');
	return -1;
}
