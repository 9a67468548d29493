/* anycastd.conf: the parsed configuration. See anycastd.conf(5) and DESIGN.md. */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

#define CONF_DEFAULT_CONTROL "/run/anycastd/anycastd.sock"
#define CONF_DEFAULT_HOLD 90
#define CONF_DEFAULT_GR_TIME 120
#define CONF_DEFAULT_BFD_INTERVAL_MS 100
#define CONF_DEFAULT_BFD_MULT 3

/* CHECK_PROCESS: event-driven, the process named by a pid file (target) has exited.
 * CHECK_LISTEN: a socket listens on addr:port (NETLINK_SOCK_DIAG), re-checked at once when a
 * process check of the same service fails. */
enum conf_check_kind { CHECK_TCP, CHECK_HTTP, CHECK_DNS, CHECK_EXEC, CHECK_PROCESS, CHECK_LISTEN };

/* A user (or group) named in the file, resolved when it is read so `anycastd -n` reports an
 * unknown name (conf_sec.c). name NULL: not given. */
struct conf_user {
	char *name;
	uint32_t uid, gid; /* a group: gid only */
	uint8_t set;       /* given (kept in copies that drop the name) */
	int line, col;     /* where it was given */
};

/* TCP-MD5 keys are at most 80 bytes (RFC 2385 sets no limit; Linux TCP_MD5SIG_MAXKEYLEN). */
#define CONF_PASSWORD_MAX 80

struct conf_check {
	enum conf_check_kind kind;
	char *target;      /* tcp/dns: "ADDR:PORT" as written; http: the URL; exec: the command */
	struct addr addr;  /* tcp, dns, http: the resolved address */
	uint16_t port;     /* tcp, dns, http, listen */
	uint8_t udp;       /* listen: /udp (a bound UDP socket), else a TCP listener */
	char *dns_name;    /* dns: name (default "."), with a trailing dot */
	uint16_t dns_type; /* dns: numeric type (default A = 1) */
	int http_expect;   /* http: status expected (default 200) */
	char *http_body;   /* http: optional substring expected in the body */
	char *http_host, *http_path;
	uint32_t interval_ms;      /* default 1000 */
	uint32_t fast_interval_ms; /* while rising or falling; default interval/2, at least 100 */
	uint32_t timeout_ms;       /* default: min(interval, 1000) */
	uint32_t rise, fall;       /* default 2, 2 */
	struct conf_user run_as;   /* exec: `user`, else `check-user`, else the daemon's user */
	/* `check load exec|http ...`: the run reports a load level (stdout's first number, the
	 * body, or with load_metric a Prometheus sample) instead of only up/down; default
	 * interval 1s. A level that cannot be read fails the run. */
	uint8_t load;
	char *load_metric; /* http: `metric NAME`, or NULL for a bare-number body */
	int line, col;
};

/* `shed LEVEL ACTION`: what a service does to its announcement while its load is at least
 * LEVEL (svc.h says how steps combine and when they switch). */
enum conf_shed_action { SHED_PREPEND, SHED_COMMUNITY, SHED_LARGE_COMMUNITY, SHED_WITHDRAW_FROM };

struct conf_shed {
	double level; /* (0, 10] */
	enum conf_shed_action action;
	uint32_t prepend;      /* SHED_PREPEND: 1..16 */
	uint32_t comm;         /* SHED_COMMUNITY */
	uint32_t lcomm[3];     /* SHED_LARGE_COMMUNITY */
	struct addr nbr;       /* SHED_WITHDRAW_FROM: a configured neighbour's address */
	int line, col;         /* of the statement */
	int arg_line, arg_col; /* of the action's value */
};

struct conf_service {
	char *name;
	struct prefix *prefixes;
	size_t nprefixes;
	struct addr address; /* af 0 if none */
	struct conf_check *checks;
	size_t nchecks;
	uint32_t *comms;
	size_t ncomms;
	uint32_t (*lcomms)[3];
	size_t nlcomms;
	uint8_t has_med;
	uint32_t med;
	uint32_t prepend;       /* extra copies of local-as */
	uint32_t drain_time_ms; /* default 30000 */
	char *drain_file;       /* NULL if none */
	/* health changes tolerated per flap_window_ms; 0: no limit; default 10 */
	uint32_t flap_limit;
	uint32_t flap_window_ms; /* default 60000 */
	/* load shedding (conf_shed.c): the steps in the order given, and their hysteresis */
	struct conf_shed *sheds;
	size_t nsheds;
	uint32_t shed_rise;     /* samples >= LEVEL to switch a step on; default 2 */
	uint32_t shed_fall;     /* samples < LEVEL - hysteresis to switch it off; default 3 */
	double shed_hysteresis; /* default 0.1 */
	uint32_t shed_hold_ms;  /* least time between two changes of the active steps; 5000 */
	/* drain: wait up to this for established TCP connections to the service's prefixes to
	 * close before the announcement changes; 0 (default): no wait */
	uint32_t drain_wait_ms;
	int line, col;
};

/* A prefix allow-list entry: pfx itself, or (or_longer) pfx and every more specific. */
struct conf_prefix_filter {
	struct prefix pfx;
	uint8_t or_longer;
};

/* Address families of a neighbor (conf_neighbor.families). */
#define CONF_FAM_IPV4 0x01
#define CONF_FAM_IPV6 0x02
/* Route origin validation of a neighbour's routes (RFC 6811), `rov` in its block. DEFAULT is
 * resolved when the file is parsed: reject-invalid in router mode when a cache or ROA file is
 * configured, tag-only otherwise. */
enum conf_rov { CONF_ROV_DEFAULT, CONF_ROV_REJECT, CONF_ROV_PREFER, CONF_ROV_TAG };

/* An RTR cache, `rpki ADDR[:PORT] [preference N]`: lower preference is tried first. */
struct conf_rpki {
	struct addr addr;
	uint16_t port;       /* default 323 */
	uint32_t preference; /* default 100 */
	int line, col;
};

/* `watch PREFIX origin ASN`: a prefix of ours whose foreign-origin, more-specific or
 * RPKI-invalid routes raise a hijack alarm. */
struct conf_watch {
	struct prefix pfx;
	uint32_t origin;
	int line, col;
};

struct conf_neighbor {
	struct addr addr;
	char ifname[16]; /* IPv6 link-local: the interface (fe80::1%eth0); "" otherwise */
	/* CONF_FAM_* offered in the MP capability (RFC 4760): `family`, or by default the
	 * address's family plus the other when a service has prefixes of it */
	uint8_t families;
	uint8_t ext_nexthop; /* RFC 8950 offered (IPv6 sessions carrying IPv4); default yes */
	uint32_t remote_as;
	struct addr local_addr; /* af 0 if none */
	uint8_t role;           /* enum bgp_role of this speaker; BGP_ROLE_NONE if not given */
	uint16_t hold_time;     /* default 90 */
	uint8_t passive;
	char *description;
	uint32_t max_prefix; /* accepted prefixes above it: Cease/Maximum Number of Prefixes
				Reached, or a warning; 0: none */
	uint32_t max_prefix_restart_ms; /* restart after exactly this; 0: the usual backoff */
	uint8_t max_prefix_warn_only;   /* log, keep the session */
	uint32_t send_hold_ms;          /* RFC 9687; 0: max(8 minutes, twice the hold time) */
	uint32_t prepend;               /* extra copies of local-as on routes sent to it (0..16) */
	uint32_t local_pref; /* for its routes; 0: from the role (local-pref-customer...) */
	/* Allow-lists: when non-empty, only matching prefixes are accepted / sent. */
	struct conf_prefix_filter *import_allow;
	size_t nimport_allow;
	struct conf_prefix_filter *export_allow;
	size_t nexport_allow;
	/* conf_sec.c: TCP-MD5 key ("" none), GTSM, eBGP TTL (0: 1 for eBGP, 64 for iBGP) */
	char password[CONF_PASSWORD_MAX + 1];
	uint8_t ttl_security;
	uint8_t multihop;
	uint8_t graceful_restart; /* RFC 4724, both roles */
	uint16_t gr_time;         /* our restart time, seconds; default 120 */
	uint8_t bfd;              /* RFC 5880/5881 session to the neighbour (`bfd yes`) */
	uint8_t bfd_mult;         /* default 3 */
	uint32_t bfd_interval_ms; /* our DesiredMinTx and RequiredMinRx; default 100 */
	uint8_t rov;              /* enum conf_rov, never DEFAULT after parsing */
	int line, col;
};

/* What runs with which rights, and the files the daemon leaves for the operator (conf_sec.c,
 * anycastd.conf(5) "PRIVILEGES"). */
struct conf_priv {
	struct conf_user user;             /* `user`: after start-up, this uid; name NULL: stay */
	struct conf_user group;            /* `group`: else user's primary group */
	struct conf_user check_user;       /* `check-user`: default user of exec checks */
	struct conf_user control_group;    /* `control-group`: group of the control socket */
	char *control_ro;                  /* `control-readonly PATH`: show-only socket, or NULL */
	struct conf_user control_ro_group; /* its group (mode 0660); none: mode 0666 */
	char *pidfile;                     /* NULL: none (-p may give one) */
	uint8_t kernel_protocol;           /* rtm_protocol of our kernel routes */
};

struct conf {
	char *file;
	struct addr router_id; /* IPv4 */
	uint32_t local_as;
	struct addr *listen;
	size_t nlisten;
	char *control;            /* default CONF_DEFAULT_CONTROL */
	struct addr metrics_addr; /* af 0: off */
	uint16_t metrics_port;
	uint8_t fib;
	uint8_t transit;   /* re-advertise routes between neighbours; default: as fib */
	uint8_t multipath; /* equal best paths become one ECMP route in the kernel */
	uint32_t lp_customer, lp_peer, lp_provider; /* LOCAL_PREF by relation: 200, 100, 50 */
	/* LOCAL_PREF of received routes tagged GRACEFUL_SHUTDOWN (RFC 8326); default 0 */
	uint32_t gshut_lp;
	uint8_t gshut_off; /* graceful-shutdown-localpref off */
	uint8_t rfc8212;   /* router mode: eBGP without role or policy gets nothing; default 1 */
	char (*listen_ifname)[16]; /* per listen address: interface of a link-local one, or "" */
	struct conf_neighbor *neighbors;
	size_t nneighbors;
	struct conf_service *services;
	size_t nservices;
	struct conf_priv priv;
	struct conf_rpki *rpki; /* RTR caches */
	size_t nrpki;
	char *roa_file;  /* NULL if none */
	uint8_t monitor; /* hijack alarms for the service prefixes */
	struct conf_watch *watch;
	size_t nwatch;
};

/* Parses a file. On error returns -1 and writes "FILE:LINE:COL: message" into err. */
int conf_load(const char *path, struct conf *c, char *err, size_t errlen);
/* Same, from memory; name is used in messages. */
int conf_parse(const char *name, const char *text, size_t len, struct conf *c, char *err,
	       size_t errlen);
void conf_free(struct conf *c);
const struct conf_service *conf_find_service(const struct conf *c, const char *name);
/* A neighbour is its address and, for a link-local one, its interface: fe80::1 may be a
 * neighbour on each of several links. ifname is "" for the others. */
const struct conf_neighbor *conf_find_neighbor(const struct conf *c, const struct addr *a,
					       const char *ifname);
/* What `anycastd -n` should warn about though the file is valid (conf_warn.c): a service
 * prefix no neighbour can carry, a router-mode eBGP neighbour that RFC 8212 leaves without
 * routes, a shed with no load check, a drain-wait with no drain-file. Appends "FILE:LINE: warning: ..." lines to out (NUL-terminated, cut at outlen);
 * returns how many. */
int conf_warnings(const struct conf *c, char *out, size_t outlen);
/* Durations: "100ms", "2s", "1m", "1h" or plain seconds. Returns 0 or -1. */
int conf_parse_duration(const char *s, uint32_t *ms);

#endif
