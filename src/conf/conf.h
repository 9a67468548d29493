/* anycastd.conf: the parsed configuration. See anycastd.conf(5) and DESIGN.md. */
#ifndef CONF_H
#define CONF_H

#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

#define CONF_DEFAULT_CONTROL "/run/anycastd/anycastd.sock"
#define CONF_DEFAULT_HOLD 90

enum conf_check_kind { CHECK_TCP, CHECK_HTTP, CHECK_DNS, CHECK_EXEC };

struct conf_check {
	enum conf_check_kind kind;
	char *target;      /* tcp/dns: "ADDR:PORT" as written; http: the URL; exec: the command */
	struct addr addr;  /* tcp, dns, http: the resolved address */
	uint16_t port;     /* tcp, dns, http */
	char *dns_name;    /* dns: name (default "."), with a trailing dot */
	uint16_t dns_type; /* dns: numeric type (default A = 1) */
	int http_expect;   /* http: status expected (default 200) */
	char *http_body;   /* http: optional substring expected in the body */
	char *http_host, *http_path;
	uint32_t interval_ms;      /* default 1000 */
	uint32_t fast_interval_ms; /* while rising or falling; default interval/2, at least 100 */
	uint32_t timeout_ms;       /* default: min(interval, 1000) */
	uint32_t rise, fall;       /* default 2, 2 */
	int line, col;
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
	int line, col;
};

/* A prefix allow-list entry: pfx itself, or (or_longer) pfx and every more specific. */
struct conf_prefix_filter {
	struct prefix pfx;
	uint8_t or_longer;
};

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
	uint32_t remote_as;
	struct addr local_addr; /* af 0 if none */
	uint8_t role;           /* enum bgp_role of this speaker; BGP_ROLE_NONE if not given */
	uint16_t hold_time;     /* default 90 */
	uint8_t passive;
	char *description;
	uint32_t max_prefix; /* Cease/Maximum Number of Prefixes Reached above it; 0: none */
	uint32_t prepend;    /* extra copies of local-as on routes sent to it (0..16) */
	uint32_t local_pref; /* for its routes; 0: from the role (local-pref-customer...) */
	/* Allow-lists: when non-empty, only matching prefixes are accepted / sent. */
	struct conf_prefix_filter *import_allow;
	size_t nimport_allow;
	struct conf_prefix_filter *export_allow;
	size_t nexport_allow;
	uint8_t rov; /* enum conf_rov, never DEFAULT after parsing */
	int line, col;
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
	struct conf_neighbor *neighbors;
	size_t nneighbors;
	struct conf_service *services;
	size_t nservices;
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
const struct conf_neighbor *conf_find_neighbor(const struct conf *c, const struct addr *a);
/* Durations: "100ms", "2s", "1m", "1h" or plain seconds. Returns 0 or -1. */
int conf_parse_duration(const char *s, uint32_t *ms);

#endif
