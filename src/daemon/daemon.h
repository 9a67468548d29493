/* anycastd: the configuration applied to the BGP speaker and the services, the control socket
 * and the signals. */
#ifndef DAEMON_H
#define DAEMON_H

#include "bgp/speaker.h"
#include "conf/conf.h"
#include "ctl/ctl.h"
#include "lib/ev.h"
#include "node/svc.h"

struct daemon {
	struct ev_loop *loop;
	char *conf_path;
	struct conf conf;
	struct bgp_speaker *sp;
	struct ctl_server *ctl;
	struct svc *svcs;
	size_t nsvcs;
	uint64_t started_at;
};

/* Loads the configuration and starts everything. Returns 0, or -1 with a message in err. */
int daemon_start(struct daemon *d, struct ev_loop *loop, const char *conf_path, char *err,
		 size_t errlen);
/* Re-reads the configuration; on error the running one stays and err says why. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);
/* Cease to every neighbour, routes withdrawn, socket removed. */
void daemon_stop(struct daemon *d);

/* The control commands (show.c). */
int daemon_ctl(int argc, char **argv, struct buf *out, void *arg);

#endif
