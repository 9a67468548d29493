/* Services: health from the checks, drain, flap protection, and what to announce. */
#include "node/svc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bgp/proto.h"
#include "lib/log.h"
#include "node/sockdiag.h"

#define DRAIN_POLL_MS 250
/* Connections are counted every second, and every 100 ms while a drain waits for them: the
 * shift starts within 100 ms of the last one closing. */
#define CONN_POLL_MS 1000
#define CONN_POLL_CLOSING_MS 100
/* A drain with drain-wait keeps the route this long even without connections: the service
 * polls the drain file every 100 ms (anycast-dns(8)), and must have seen it, and so stopped
 * taking connections, before the route moves; one it took after would be broken. */
#define DRAIN_NOTICE_MS 250
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

const char *svc_drain_phase_name(enum svc_drain_phase p)
{
	switch (p) {
	case SVC_DRAIN_CLOSING: return "closing";
	case SVC_DRAIN_SHIFTING: return "shifting";
	case SVC_DRAIN_NONE: break;
	}
	return NULL;
}

const struct bgp_attrs *svc_attrs(const struct conf_service *cs, uint32_t local_as, int drain,
				  const uint8_t *shed_on)
{
	struct bgp_attrs a;
	unsigned shed_prepend = 0;

	bgp_attrs_init(&a);
	a.has |= BGP_AH_ORIGIN | BGP_AH_AS_PATH;
	a.origin = BGP_ORIGIN_IGP;
	/* Shed steps: the largest prepend of the active ones; communities are added below. */
	for (size_t i = 0; shed_on && i < cs->nsheds; i++)
		if (shed_on[i] && cs->sheds[i].action == SHED_PREPEND &&
		    cs->sheds[i].prepend > shed_prepend)
			shed_prepend = cs->sheds[i].prepend;
	unsigned prepend = cs->prepend + shed_prepend + (drain ? SVC_DRAIN_PREPEND : 0);

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
	for (size_t i = 0; shed_on && i < cs->nsheds; i++) {
		const struct conf_shed *sh = &cs->sheds[i];

		if (!shed_on[i])
			continue;
		if (sh->action == SHED_COMMUNITY && !bgp_attrs_has_comm(&a, sh->comm))
			bgp_attrs_add_comm(&a, sh->comm);
		if (sh->action == SHED_LARGE_COMMUNITY)
			bgp_attrs_add_lcomm(&a, sh->lcomm[0], sh->lcomm[1], sh->lcomm[2]);
	}
	/* RFC 8326: neighbours lower the preference of these paths, so traffic moves away
	 * before the withdrawal. */
	if (drain && !bgp_attrs_has_comm(&a, BGP_COMM_GRACEFUL_SHUTDOWN))
		bgp_attrs_add_comm(&a, BGP_COMM_GRACEFUL_SHUTDOWN);
	const struct bgp_attrs *out = bgp_attrs_intern(&a);

	bgp_attrs_clear(&a);
	return out;
}

static int drained(const struct svc *s) { return s->drain_cmd || s->drain_file; }

static int shed_eq(const struct conf_shed *a, const struct conf_shed *b)
{
	return a->level == b->level && a->action == b->action && a->prepend == b->prepend &&
	       a->comm == b->comm && memcmp(a->lcomm, b->lcomm, sizeof(a->lcomm)) == 0 &&
	       addr_eq(&a->nbr, &b->nbr);
}

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

static void count_connections(struct svc *s)
{
	char err[128];
	long n = sockdiag_established(s->conf.prefixes, s->conf.nprefixes, err, sizeof(err));

	if (n < 0 && s->connections >= 0)
		log_warn("service %s: cannot count connections: %s", s->name, err);
	s->connections = n;
}

/* The route shift of a drain (GRACEFUL_SHUTDOWN, prepends, then the withdrawal). */
static void start_shift(struct svc *s)
{
	s->drain_phase = SVC_DRAIN_SHIFTING;
	ev_timer_stop(s->loop, &s->wait_timer);
	ev_timer_start(s->loop, &s->drain_timer, s->conf.drain_time_ms);
	log_info("service %s: draining for %ums", s->name, s->conf.drain_time_ms);
}

static void conn_poll(struct ev_timer *t, void *arg)
{
	struct svc *s = arg;

	count_connections(s);
	if (s->drain_phase == SVC_DRAIN_CLOSING && s->connections <= 0 &&
	    ev_now(s->loop) - s->drain_since >= DRAIN_NOTICE_MS) {
		log_info("service %s: TCP connections closed after %llums", s->name,
			 (unsigned long long)(ev_now(s->loop) - s->drain_since));
		start_shift(s);
		svc_update(s);
	}
	ev_timer_start(s->loop, t,
		       s->drain_phase == SVC_DRAIN_CLOSING ? CONN_POLL_CLOSING_MS : CONN_POLL_MS);
}

static void wait_over(struct ev_timer *t, void *arg)
{
	struct svc *s = arg;

	log_info("service %s: drain-wait over with %ld TCP connections open", s->name,
		 s->connections);
	start_shift(s);
	svc_update(s);
}

/* ---- load shedding ---- */

double svc_shed_level(const struct svc *s)
{
	double top = 0;

	for (size_t i = 0; s->shed_on && i < s->conf.nsheds; i++)
		if (s->shed_on[i] && s->conf.sheds[i].level > top)
			top = s->conf.sheds[i].level;
	return top;
}

int svc_withdrawn_from(const struct svc *s, const struct addr *nbr)
{
	for (size_t i = 0; s->shed_on && i < s->conf.nsheds; i++)
		if (s->shed_on[i] && s->conf.sheds[i].action == SHED_WITHDRAW_FROM &&
		    addr_eq(&s->conf.sheds[i].nbr, nbr))
			return 1;
	return 0;
}

int svc_load(const struct svc *s, double *load)
{
	int any = 0;

	*load = 0;
	for (size_t i = 0; i < s->nchecks; i++) {
		const struct check *c = s->checks[i];

		if (!c || !c->conf.load || !c->last_ok || !c->has_load)
			continue;
		if (!any || c->load > *load)
			*load = c->load;
		any = 1;
	}
	return any;
}

static const char *shed_action_text(const struct conf_shed *sh, char *b, size_t len)
{
	char ab[ADDR_STRLEN];

	switch (sh->action) {
	case SHED_PREPEND: snprintf(b, len, "prepend %u", sh->prepend); break;
	case SHED_COMMUNITY:
		snprintf(b, len, "community %u:%u", sh->comm >> 16, sh->comm & 0xffff);
		break;
	case SHED_LARGE_COMMUNITY:
		snprintf(b, len, "large-community %u:%u:%u", sh->lcomm[0], sh->lcomm[1],
			 sh->lcomm[2]);
		break;
	case SHED_WITHDRAW_FROM:
		snprintf(b, len, "withdraw-from %s", addr_fmt(&sh->nbr, ab));
		break;
	}
	return b;
}

/* The attributes follow the active steps (unchanged ones intern to the same pointers). */
static void shed_attrs(struct svc *s)
{
	const struct bgp_attrs *a = s->attrs, *da = s->drain_attrs;

	s->attrs = svc_attrs(&s->conf, s->local_as, 0, s->shed_on);
	s->drain_attrs = svc_attrs(&s->conf, s->local_as, 1, s->shed_on);
	/* Forget what was announced (its references go now): the next svc_update applies the
	 * service again, which also re-exports it for a withdraw-from that changes no attribute. */
	s->announced = NULL;
	bgp_attrs_unref(a);
	bgp_attrs_unref(da);
}

/* One load sample: counts per step, then (hold permitting) the switch. */
static void shed_sample(struct svc *s, double load)
{
	uint64_t now = ev_now(s->loop);
	int changed = 0, hold = s->shed_changed && now - s->shed_changed < s->conf.shed_hold_ms;
	char b[96];

	s->load = load;
	s->has_load = 1;
	for (size_t i = 0; i < s->conf.nsheds; i++) {
		const struct conf_shed *sh = &s->conf.sheds[i];

		s->shed_above[i] = load >= sh->level ? s->shed_above[i] + 1 : 0;
		s->shed_below[i] = load < sh->level - s->conf.shed_hysteresis ? s->shed_below[i] + 1
									      : 0;
	}
	if (hold)
		return;
	for (size_t i = 0; i < s->conf.nsheds; i++) {
		const struct conf_shed *sh = &s->conf.sheds[i];
		int on = s->shed_on[i];

		if (!on && s->shed_above[i] >= s->conf.shed_rise)
			on = 1;
		else if (on && s->shed_below[i] >= s->conf.shed_fall)
			on = 0;
		if (on == s->shed_on[i])
			continue;
		s->shed_on[i] = (uint8_t)on;
		changed = 1;
		log_info("service %s: load %.3g: shed step %g %s %s", s->name, load, sh->level,
			 shed_action_text(sh, b, sizeof(b)), on ? "on" : "off");
	}
	if (!changed)
		return;
	s->shed_changed = now;
	s->shed_changes++;
	shed_attrs(s);
	svc_update(s);
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
		count_connections(s);
		if (s->conf.drain_wait_ms) {
			/* The service closes its connections and takes no new ones (it reads the
			 * drain file too); the route stays until they are gone, or drain-wait is
			 * over, and for DRAIN_NOTICE_MS at least. */
			s->drain_phase = SVC_DRAIN_CLOSING;
			ev_timer_start(s->loop, &s->wait_timer, s->conf.drain_wait_ms);
			ev_timer_start(s->loop, &s->conn_poll, CONN_POLL_CLOSING_MS);
			log_info("service %s: draining: waiting up to %ums for %ld TCP connections "
				 "to close",
				 s->name, s->conf.drain_wait_ms, s->connections);
		} else {
			start_shift(s);
		}
	} else if (!drained(s) && s->drain_since) {
		s->drain_since = 0;
		s->drain_phase = SVC_DRAIN_NONE;
		ev_timer_stop(s->loop, &s->drain_timer);
		ev_timer_stop(s->loop, &s->wait_timer);
		log_info("service %s: resumed", s->name);
	}
	const struct bgp_attrs *want;

	if (s->held_until || !s->healthy)
		want = NULL;
	else if (s->drain_phase == SVC_DRAIN_CLOSING)
		want = s->attrs;
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
	double load;

	if (c->conf.load && c->last_ok && s->conf.nsheds && svc_load(s, &load))
		shed_sample(s, load);
	else if (c->conf.load && c->last_ok && svc_load(s, &load)) {
		s->load = load;
		s->has_load = 1;
	}
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
	s->local_as = local_as;
	s->shed_on = xcalloc(cs->nsheds + 1, 1);
	s->shed_above = xcalloc(cs->nsheds + 1, sizeof(*s->shed_above));
	s->shed_below = xcalloc(cs->nsheds + 1, sizeof(*s->shed_below));
	/* A step configured the same before a reload keeps its state: no flap on SIGHUP. */
	for (size_t i = 0; old && i < cs->nsheds; i++)
		for (size_t j = 0; j < old->conf.nsheds; j++)
			if (shed_eq(&cs->sheds[i], &old->conf.sheds[j])) {
				s->shed_on[i] = old->shed_on[j];
				s->shed_above[i] = old->shed_above[j];
				s->shed_below[i] = old->shed_below[j];
			}
	if (old) {
		s->shed_changed = old->shed_changed;
		s->shed_changes = old->shed_changes;
		s->load = old->load;
		s->has_load = old->has_load;
	}
	s->attrs = svc_attrs(cs, local_as, 0, s->shed_on);
	s->drain_attrs = svc_attrs(cs, local_as, 1, s->shed_on);
	ev_timer_init(&s->drain_timer, drain_over, s);
	ev_timer_init(&s->conn_poll, conn_poll, s);
	ev_timer_init(&s->wait_timer, wait_over, s);
	s->connections = 0;
	ev_timer_start(loop, &s->conn_poll, 0);
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
		s->connections = old->connections;
		if (old->drain_since && drained(s)) {
			uint64_t left = ev_timer_remaining(loop, &old->drain_timer);

			s->drain_since = old->drain_since;
			s->drain_phase = old->drain_phase;
			if (ev_timer_active(&old->drain_timer))
				ev_timer_start(loop, &s->drain_timer, left);
			if (ev_timer_active(&old->wait_timer))
				ev_timer_start(loop, &s->wait_timer,
					       ev_timer_remaining(loop, &old->wait_timer));
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
		ev_timer_stop(s->loop, &s->conn_poll);
		ev_timer_stop(s->loop, &s->wait_timer);
	}
	free(s->shed_on);
	free(s->shed_above);
	free(s->shed_below);
	s->shed_on = NULL;
	s->shed_above = s->shed_below = NULL;
	bgp_attrs_unref(s->attrs);
	bgp_attrs_unref(s->drain_attrs);
	s->attrs = s->drain_attrs = s->announced = NULL;
}
