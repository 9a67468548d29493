/* anycastd: the configuration applied to the BGP speaker and the services, the control socket
 * and the signals. */
#ifndef DAEMON_H
#define DAEMON_H

#include "bgp/speaker.h"
#include "conf/conf.h"
#include "ctl/ctl.h"
#include "lib/ev.h"
#include "node/svc.h"

struct kr;
struct daemon_bfd;
struct metrics_server;
struct daemon_rov;
struct daemon_alerts;

/* An `anycast check SERVICE` waiting for every check of the service to finish a run. */
struct check_req {
	struct reqsrv_conn *conn;
	char *service;
	uint64_t *runs; /* each check's run count when asked */
	size_t nruns;
	int json;
};

struct daemon {
	struct ev_loop *loop;
	char *conf_path;
	struct conf conf;
	struct bgp_speaker *sp;
	struct ctl_server *ctl;
	struct metrics_server *metrics;
	struct kr *kr;    /* netlink; NULL if unavailable (then no addresses) */
	struct svc *svcs; /* one per configured service; never reallocated */
	size_t nsvcs;
	struct prefix *originated; /* what the services announce now */
	size_t noriginated;
	struct addr *addresses; /* service addresses we put on lo */
	size_t naddresses;
	struct addr *addr_failed; /* service addresses that could not be put there (serve.c) */
	size_t naddr_failed;
	struct check_req *reqs;
	size_t nreqs;
	uint64_t started_at;
	ctl_handler *commands;        /* the control socket's handler */
	struct ctl_server *ctl_ro;    /* access.h: the read-only control socket, or NULL */
	char *pidfile;                /* access.h: the pidfile we wrote, or NULL */
	struct ev_timer gr_timer;     /* fib_gr.c: the end of our own graceful restart */
	uint8_t gr_active;            /* taking over what an earlier instance left */
	int gr_mark_fd;               /* fib_gr.c: the restart mark (bgp/restart_mark.h), or -1 */
	struct daemon_bfd *bfd;       /* BFD sessions (bfd.h); NULL until the first sync */
	struct daemon_rov *rov;       /* rov.h: caches, ROA file, the VRP table */
	struct daemon_alerts *alerts; /* alerts.h: hijack alarms */
};

/* Loads the configuration and starts everything; commands answers the control socket
 * (commands.h's daemon_ctl). Returns 0, or -1 with a message in err. */
int daemon_start(struct daemon *d, struct ev_loop *loop, const char *conf_path,
		 ctl_handler *commands, char *err, size_t errlen);
/* Re-reads the configuration; on error the running one stays and err says why. */
int daemon_reload(struct daemon *d, char *err, size_t errlen);
/* Cease to every neighbour, routes withdrawn, socket removed. */
void daemon_stop(struct daemon *d);

/* Makes the originated routes and the addresses on lo match what the services announce:
 * addresses go up before announcements, and down only after withdrawals were sent. */
void daemon_sync_routes(struct daemon *d);
struct svc *daemon_find_svc(struct daemon *d, const char *name);
/* fib.c: with `fib yes`, best routes go into the kernel; link-down resets sessions. */
void daemon_fib_start(struct daemon *d);
void daemon_watch_links(struct daemon *d);
/* fib_gr.c: our own graceful restart. begin: at start, before the speaker, returns 1 if the
 * kernel state an earlier instance left is taken over (then not flushed); stop: at exit,
 * returns 1 if kernel routes and addresses are to be kept; eor: the speaker's eor_event. */
int daemon_gr_begin(struct daemon *d);
int daemon_gr_stop(struct daemon *d);
void daemon_gr_eor(struct bgp_speaker *sp, struct bgp_peer *p, void *arg);

/* serve.c: puts a service address on lo (or, without netlink, finds it on an interface);
 * 0, or -1 (logged) when it is not there: its service must not be announced. */
int daemon_addr_up(struct daemon *d, const struct addr *a);
int daemon_addr_failed(const struct daemon *d, const struct addr *a);
/* Why an announced service cannot be served: its address is missing, or no established
 * neighbour carries a family of its prefixes (why: "" if nothing is wrong). Returns 1 when it
 * is not served at all (shown as down), 0 otherwise. */
int daemon_svc_unserved(const struct daemon *d, const struct svc *s, char *why, size_t len);

/* show.c */
void daemon_show_neighbors(struct daemon *d, int json, struct buf *out);
int daemon_show_routes(struct daemon *d, const char *filter, int json, struct buf *out);
void daemon_show_services(struct daemon *d, int json, struct buf *out);
void daemon_show_checks(struct daemon *d, struct svc *s, int json, struct buf *out);

#endif
