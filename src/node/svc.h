/* Services: the prefixes a site announces while the service is healthy.
 *
 * A service is healthy when every one of its checks is up (a service without checks always
 * is). What it announces follows from three things, in this order:
 *   held down by flap protection  -> nothing
 *   not healthy                   -> nothing
 *   drained, closing (drain-wait) -> the prefixes unchanged while established TCP connections
 *                                    to them close, for at most drain-wait
 *   drained                       -> GRACEFUL_SHUTDOWN (65535:0) and 3 extra prepends for
 *                                    drain-time (RFC 8326), then nothing
 *   otherwise                     -> the prefixes with the configured attributes, changed by
 *                                    the active shed steps
 *
 * Load shedding: each completed run of a `check load` is a sample of the service's load (the
 * highest level its load checks read). A `shed LEVEL` step switches on once shed-rise samples
 * in a row were >= LEVEL, and off once shed-fall samples in a row were < LEVEL -
 * shed-hysteresis; the set of active steps changes at most once per shed-hold (a wanted change
 * waits for the first sample after the hold). Active steps combine: the largest prepend (on
 * top of `prepend`), every community, every withdraw-from neighbour.
 * The owner is told only when that changes, so a check that passes again and again sends no
 * UPDATE. */
#ifndef NODE_SVC_H
#define NODE_SVC_H

#include <stdint.h>

#include "bgp/attr.h"
#include "conf/conf.h"
#include "lib/ev.h"
#include "node/check.h"

enum svc_state { SVC_DOWN, SVC_UP, SVC_DRAINING };
/* Of a drain: waiting for TCP connections to close (drain-wait), then the route shift. */
enum svc_drain_phase { SVC_DRAIN_NONE, SVC_DRAIN_CLOSING, SVC_DRAIN_SHIFTING };

#define SVC_DRAIN_PREPEND 3
#define SVC_FLAP_MAX 64

struct svc;
/* What the service announces (s->announced) changed. May be NULL (nobody told). */
typedef void svc_apply_cb(struct svc *s, void *arg);

struct svc {
	char *name;
	struct conf_service conf; /* shallow copy, valid until the next reload */
	struct ev_loop *loop;
	svc_apply_cb *apply;
	svc_apply_cb *checked; /* optional: after every completed check run */
	void *arg;
	struct check **checks;
	size_t nchecks;
	enum svc_state state;
	uint8_t healthy;
	uint8_t drain_cmd;                           /* `anycast drain` (kept across reloads) */
	uint8_t drain_file;                          /* the drain-file exists */
	uint64_t drain_since;                        /* ms; 0 when not drained */
	struct ev_timer drain_timer;                 /* end of drain-time: withdraw */
	struct ev_timer drain_poll;                  /* looks for the drain-file */
	const struct bgp_attrs *attrs, *drain_attrs; /* interned */
	const struct bgp_attrs *announced;           /* attrs, drain_attrs or NULL */
	uint64_t transitions;                        /* of the health state */
	/* flap protection */
	uint64_t flaps[SVC_FLAP_MAX]; /* times of recent health transitions (ring) */
	unsigned nflaps;
	uint64_t held_until; /* ms; 0 when not held down */
	uint32_t hold_ms;    /* the next hold-down, doubling */
	struct ev_timer hold_timer;
	/* load shedding */
	double load;           /* the last sample */
	uint8_t has_load;      /* a sample was taken */
	uint8_t *shed_on;      /* per conf.sheds[i]: active */
	uint32_t *shed_above;  /* per step: samples in a row >= its level */
	uint32_t *shed_below;  /* per step: samples in a row < its level - hysteresis */
	uint64_t shed_changed; /* ms of the last change of the active set; 0: never */
	uint64_t shed_changes; /* how many times the active set changed */
	uint32_t local_as;
	/* TCP connections to the prefixes (sock_diag), and the drain's closing phase */
	long connections; /* -1: could not be counted */
	enum svc_drain_phase drain_phase;
	struct ev_timer conn_poll;  /* 1 s, 100 ms while closing */
	struct ev_timer wait_timer; /* end of drain-wait */
};

const char *svc_state_name(enum svc_state s);

/* Creates a service from its configuration and starts its checks; call svc_update to learn
 * what it announces. If `old` (a service of the same name before a reload) is given, its drain
 * state, flap history and the checks whose configuration did not change carry over (they leave
 * `old`, which svc_free still frees). */
void svc_init(struct svc *s, struct ev_loop *loop, const struct conf_service *cs, uint32_t local_as,
	      svc_apply_cb *apply, void *arg, struct svc *old);
/* Stops everything; announces nothing more (the owner withdraws what it holds). */
void svc_free(struct svc *s);
/* Recomputes health and the announcement; calls apply on a change. */
void svc_update(struct svc *s);
void svc_drain(struct svc *s);
const char *svc_drain_phase_name(enum svc_drain_phase p); /* NULL for NONE */
/* The highest level among the active shed steps, or 0 when none is active. */
double svc_shed_level(const struct svc *s);
/* 1 when an active `shed ... withdraw-from` names this neighbour. */
int svc_withdrawn_from(const struct svc *s, const struct addr *nbr);
/* The service's load: the highest level its passing load checks read; 0 when it has none. */
int svc_load(const struct svc *s, double *load);
void svc_resume(struct svc *s);
/* The attributes a service's prefixes are originated with (`drain`: with GRACEFUL_SHUTDOWN and
 * the drain prepends; shed_on, may be NULL: the active shed steps). Interned; the caller owns
 * one reference. */
const struct bgp_attrs *svc_attrs(const struct conf_service *cs, uint32_t local_as, int drain,
				  const uint8_t *shed_on);

#endif
