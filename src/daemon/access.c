/* Who may talk to anycastd, and the lock-down after start (see access.h). */
#include "daemon/access.h"

#include <stdlib.h>
#include <string.h>

#include "daemon/commands.h"
#include "daemon/daemon.h"
#include "daemon/pidfile.h"
#include "daemon/priv.h"
#include "lib/log.h"

int daemon_ctl_readonly(int argc, char **argv, struct buf *out, void *arg, struct reqsrv_conn *conn)
{
	if (strcmp(argv[0], "show") == 0)
		return daemon_ctl(argc, argv, out, arg, conn);
	buf_printf(out, "'%s' refused: this is the read-only control socket (show commands only)\n",
		   argv[0]);
	return -1;
}

int daemon_access_start(struct daemon *d, const char *pidfile, char *err, size_t errlen)
{
	const struct conf_priv *v = &d->conf.priv;

	if (daemon_priv_socket(d->conf.control, &v->control_group, 0660, err, errlen) < 0)
		return -1;
	if (v->control_ro) {
		d->ctl_ro = ctl_listen(d->loop, v->control_ro, daemon_ctl_readonly, d, err, errlen);
		if (!d->ctl_ro ||
		    daemon_priv_socket(v->control_ro, &v->control_ro_group, 0666, err, errlen) < 0)
			return -1;
	}
	if (!pidfile)
		pidfile = v->pidfile;
	if (pidfile) {
		if (daemon_pidfile_write(pidfile, v, err, errlen) < 0)
			return -1;
		d->pidfile = xstrdup(pidfile);
	}
	return daemon_priv_drop(v, err, errlen);
}

void daemon_access_stop(struct daemon *d)
{
	ctl_close(d->ctl_ro);
	d->ctl_ro = NULL;
	if (d->pidfile)
		daemon_pidfile_remove(d->pidfile);
	free(d->pidfile);
	d->pidfile = NULL;
}
