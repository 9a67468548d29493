/* Services: health from the checks, drain, flap protection, and what to announce. */
#include "node/svc.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bgp/proto.h"
#include "lib/log.h"

#define DRAIN_POLL_MS 250
#define FLAP_HOLD_MIN_MS 10000
#define FLAP_HOLD_MAX_MS 600000

const char *svc_state_name(enum svc_state s)
{
	switch (s) {
	case SVC_UP: return "up";
	case SVC_DRAINING: return "draining";
	case SVC_DOWN: break;
	}
	return "down";
}

const struct bgp_attrs *svc_attrs(const struct conf_service *cs, uint32_t local_as, int drain)
{
	struct bgp_attrs a;

	bgp_attrs_init(&a);
	a.has |= BGP_AH_ORIGIN | BGP_AH_AS_PATH;
	a.origin = BGP_ORIGIN_IGP;
	unsigned prepend = cs->prepend + (drain ? SVC_DRAIN_PREPEND : 0);

	if (prepend)
		bgp_attrs_prepend(&a, local_as, prepend);
	if (cs->has_med) {
		a.has |= BGP_AH_MED;
		a.med = cs->med;
	}
	for (size_t i = 0; i < cs->ncomms; i++)
		bgp_attrs_add_comm(&a, cs->comms[i]);
	for (size_t i = 0; i < cs->nlcomms; i++)
		bgp_attrs_add_lcomm(&a, cs->lcomms[i][0], cs->lcomms[i][1], cs->lcomms[i][2]);
	/* RFC 8326: neighbours lower the preference of these paths, so traffic moves away
	 * before the withdrawal. */
	if (drain && !bgp_attrs_has_comm(&a, BGP_COMM_GRACEFUL_SHUTDOWN))
		bgp_attrs_add_comm(&a, BGP_COMM_GRACEFUL_SHUTDOWN);
	const struct bgp_attrs *out = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return out;
}

static int drained(const struct svc *s) { return s->drain_cmd || s->drain_file; }

/* Flap protection: more than flap-limit health transitions within flap-window hold the
 * service down for a while, doubling each time it happens again. */
static void flap_hold_over(struct ev_timer *t, void *arg)
{
	struct svc *s = arg;

	log_info("service %s: flap hold-down over", s->name);
	s->held_until = 0;
	s->nflaps = 0;
	svc_update(s);
}

static void note_transition(struct svc *s)
{
	uint64_t now = ev_now(s->loop);
	uint32_t limit = s->conf.flap_limit, window = s->conf.flap_window_ms;

	s->transitions++;
	if (!limit || s->held_until)
		return;
	s->flaps[s->nflaps++ % SVC_FLAP_MAX] = now;
	unsigned recent = 0;

	for (unsigned i = 0; i < s->nflaps && i < SVC_FLAP_MAX; i++)
		recent += now - s->flaps[i] <= window;
	if (recent <= limit)
		return;
	s->hold_ms = s->hold_ms ? s->hold_ms * 2 : FLAP_HOLD_MIN_MS;
	if (s->hold_ms > FLAP_HOLD_MAX_MS)
		s->hold_ms = FLAP_HOLD_MAX_MS;
	s->held_until = now + s->hold_ms;
	ev_timer_start(s->loop, &s->hold_timer, s->hold_ms);
	log_warn("service %s: %u state changes in %ums, held down for %us", s->name, recent, window,
		 s->hold_ms / 1000);
}

void svc_update(struct svc *s)
{
	int healthy = 1;

	for (size_t i = 0; i < s->nchecks; i++)
		healthy &= s->checks[i]->ok;
	if (healthy != s->healthy) {
		s->healthy = (uint8_t)healthy;
		log_info("service %s: %s", s->name, healthy ? "healthy" : "unhealthy");
		note_transition(s);
	}
	/* Drain starts (or ends) here, whatever triggered it. */
	if (drained(s) && !s->drain_since) {
		s->drain_since = ev_now(s->loop);
		ev_timer_start(s->loop, &s->drain_timer, s->conf.drain_time_ms);
		log_info("service %s: draining for %ums", s->name, s->conf.drain_time_ms);
	} else if (!drained(s) && s->drain_since) {
		s->drain_since = 0;
		ev_timer_stop(s->loop, &s->drain_timer);
		log_info("service %s: resumed", s->name);
	}
	const struct bgp_attrs *want;

	if (s->held_until || !s->healthy)
		want = NULL;
	else if (s->drain_since)
		want = ev_timer_active(&s->drain_timer) ? s->drain_attrs : NULL;
	else
		want = s->attrs;
	s->state = s->drain_since ? SVC_DRAINING : want ? SVC_UP : SVC_DOWN;
	if (want == s->announced)
		return;
	s->announced = want;
	if (s->apply)
		s->apply(s, s->arg);
}

static void drain_over(struct ev_timer *t, void *arg)
{
	struct svc *s = arg;

	log_info("service %s: drain time over, withdrawing", s->name);
	svc_update(s);
}

static void drain_poll(struct ev_timer *t, void *arg)
{
	struct svc *s = arg;
	struct stat st;
	int present = stat(s->conf.drain_file, &st) == 0;

	ev_timer_start(s->loop, t, DRAIN_POLL_MS);
	if (present == s->drain_file)
		return;
	s->drain_file = (uint8_t)present;
	log_info("service %s: drain file %s %s", s->name, s->conf.drain_file,
		 present ? "appeared" : "removed");
	svc_update(s);
}

void svc_drain(struct svc *s)
{
	s->drain_cmd = 1;
	svc_update(s);
}

void svc_resume(struct svc *s)
{
	s->drain_cmd = 0;
	svc_update(s);
}

static void check_changed(struct check *c, int changed, void *arg)
{
	struct svc *s = arg;

	/* A dead process takes its listening sockets with it: ask the listen checks now rather
	 * than at their next run. */
	if (c->conf.kind == CHECK_PROCESS && !c->last_ok)
		for (size_t i = 0; i < s->nchecks; i++)
			if (s->checks[i] && s->checks[i]->conf.kind == CHECK_LISTEN)
				check_run_now(s->checks[i]);
	if (changed)
		svc_update(s);
	if (s->checked)
		s->checked(s, s->arg);
}

void svc_init(struct svc *s, struct ev_loop *loop, const struct conf_service *cs, uint32_t local_as,
	      svc_apply_cb *apply, void *arg, struct svc *old)
{
	memset(s, 0, sizeof(*s));
	s->conf = *cs;
	s->name = s->conf.name;
	s->loop = loop;
	s->apply = apply;
	s->arg = arg;
	s->attrs = svc_attrs(cs, local_as, 0);
	s->drain_attrs = svc_attrs(cs, local_as, 1);
	ev_timer_init(&s->drain_timer, drain_over, s);
	ev_timer_init(&s->drain_poll, drain_poll, s);
	ev_timer_init(&s->hold_timer, flap_hold_over, s);
	s->checks = xcalloc(cs->nchecks ? cs->nchecks : 1, sizeof(*s->checks));
	s->nchecks = cs->nchecks;
	for (size_t i = 0; i < cs->nchecks; i++) {
		/* An unchanged check keeps its state, so a reload does not bounce the service. */
		for (size_t j = 0; old && j < old->nchecks && !s->checks[i]; j++) {
			if (old->checks[j] &&
			    check_conf_equal(&old->checks[j]->conf, &cs->checks[i])) {
				s->checks[i] = old->checks[j];
				old->checks[j] = NULL;
				s->checks[i]->arg = s;
			}
		}
		if (!s->checks[i]) {
			s->checks[i] = xmalloc(sizeof(struct check));
			check_init(s->checks[i], loop, &cs->checks[i], check_changed, s);
		}
	}
	/* Health as the checks say now; no transition is counted for the carried-over state. */
	s->healthy = 1;
	for (size_t i = 0; i < s->nchecks; i++)
		s->healthy &= s->checks[i]->ok;
	/* Before the carry-over below: a drain by file is a drain to keep, too. */
	if (s->conf.drain_file) {
		struct stat st;

		s->drain_file = stat(s->conf.drain_file, &st) == 0;
		ev_timer_start(loop, &s->drain_poll, DRAIN_POLL_MS);
	}
	if (old) {
		s->drain_cmd = old->drain_cmd;
		s->transitions = old->transitions;
		memcpy(s->flaps, old->flaps, sizeof(s->flaps));
		s->nflaps = old->nflaps;
		s->hold_ms = old->hold_ms;
		if (old->held_until > ev_now(loop)) {
			s->held_until = old->held_until;
			ev_timer_start(loop, &s->hold_timer, old->held_until - ev_now(loop));
		}
		if (old->drain_since && drained(s)) {
			uint64_t left = ev_timer_remaining(loop, &old->drain_timer);

			s->drain_since = old->drain_since;
			if (ev_timer_active(&old->drain_timer))
				ev_timer_start(loop, &s->drain_timer, left);
		}
	}
}

void svc_free(struct svc *s)
{
	for (size_t i = 0; i < s->nchecks; i++) {
		if (s->checks[i]) {
			check_free(s->checks[i]);
			free(s->checks[i]);
		}
	}
	free(s->checks);
	s->checks = NULL;
	s->nchecks = 0;
	if (s->loop) {
		ev_timer_stop(s->loop, &s->drain_timer);
		ev_timer_stop(s->loop, &s->drain_poll);
		ev_timer_stop(s->loop, &s->hold_timer);
	}
	bgp_attrs_unref(s->attrs);
	bgp_attrs_unref(s->drain_attrs);
	s->attrs = s->drain_attrs = s->announced = NULL;
}
