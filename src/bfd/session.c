/* One BFD session's state machine and timers: RFC 5880 sections 6.2 and 6.8. */
#include <stdlib.h>

#include "bfd/session.h"

#define SLOW_TX_US 1000000u /* 6.8.3: DesiredMinTx while not Up */

/* 6.2, 6.8.6: the state a received packet's state moves us to, by [ours][theirs]; -1: stays.
 * AdminDown discards packets before this table is read. */
/* clang-format off */
static const int8_t next_state[4][4] = {
	/*               ADMIN_DOWN      DOWN      INIT      UP */
	[BFD_ADMIN_DOWN] = { -1,         -1,       -1,       -1 },
	[BFD_DOWN]       = { -1,         BFD_INIT, BFD_UP,   -1 },
	[BFD_INIT]       = { BFD_DOWN,   -1,       BFD_UP,   BFD_UP },
	[BFD_UP]         = { BFD_DOWN,   BFD_DOWN, -1,       -1 },
};
/* clang-format on */

static uint32_t max32(uint32_t a, uint32_t b) { return a > b ? a : b; }

static uint32_t next_rand(struct bfd_session *s)
{
	uint32_t x = s->rand;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return s->rand = x;
}

static uint32_t tx_interval_us(const struct bfd_session *s)
{
	return max32(s->act_tx_us, s->remote_rx_us);
}

uint32_t bfd_session_tx_interval_ms(const struct bfd_session *s)
{
	return tx_interval_us(s) / 1000;
}

uint32_t bfd_session_detect_ms(const struct bfd_session *s)
{
	uint64_t us = (uint64_t)s->remote_mult * max32(s->act_rx_us, s->remote_tx_us);

	return (uint32_t)((us + 999) / 1000);
}

/* 6.8.7: each interval reduced by 0-25% at random, by 10-25% when our multiplier is 1 (so
 * that one late packet does not end the session). */
static uint64_t jittered_ms(struct bfd_session *s)
{
	uint32_t pct = s->conf.mult == 1 ? 75 + next_rand(s) % 16 : 75 + next_rand(s) % 26;
	uint64_t ms = (uint64_t)tx_interval_us(s) * pct / 100 / 1000;

	return ms ? ms : 1;
}

static void send_pkt(struct bfd_session *s, uint8_t flags)
{
	struct bfd_pkt p = {
		.diag = s->diag,
		.state = s->state,
		.flags = flags,
		.mult = s->conf.mult,
		.my_disc = s->local_disc,
		.your_disc = s->remote_disc,
		.min_tx_us = s->adv_tx_us,
		.min_rx_us = s->adv_rx_us,
	};
	uint8_t buf[BFD_PKT_LEN];

	s->ops->send(s, buf, bfd_pkt_encode(&p, buf));
	s->sent++;
}

/* A periodic packet now (P bit while polling), the next one a jittered interval later. */
static void send_periodic(struct bfd_session *s)
{
	/* 6.8.7: nothing periodic to a peer that asked for none. */
	if (s->remote_rx_us != 0)
		send_pkt(s, s->polling ? BFD_F_POLL : 0);
	ev_timer_start(s->loop, &s->tx, jittered_ms(s));
}

static void tx_fire(struct ev_timer *t, void *arg) { send_periodic(arg); }

static void start_poll(struct bfd_session *s)
{
	if (s->polling) {
		s->poll_again = 1;
		return;
	}
	s->polling = 1;
	send_periodic(s);
}

/* What we advertise follows the configuration and the state; while not Up it takes effect at
 * once, while Up only through a Poll sequence (6.8.3). */
static void update_timers(struct bfd_session *s)
{
	s->adv_tx_us = s->conf.min_tx_ms * 1000;
	if (s->state != BFD_UP)
		s->adv_tx_us = max32(s->adv_tx_us, SLOW_TX_US);
	s->adv_rx_us = s->conf.min_rx_ms * 1000;
	if (s->state != BFD_UP) {
		s->act_tx_us = s->adv_tx_us;
		s->act_rx_us = s->adv_rx_us;
		s->polling = s->poll_again = 0;
	} else if (s->adv_tx_us != s->act_tx_us || s->adv_rx_us != s->act_rx_us) {
		start_poll(s);
	}
}

static void set_state(struct bfd_session *s, enum bfd_state st, enum bfd_diag diag)
{
	enum bfd_state old = s->state;

	if (st == old)
		return;
	s->state = st;
	if (st != BFD_UP)
		s->diag = diag;
	if (st != BFD_INIT && st != BFD_UP)
		ev_timer_stop(s->loop, &s->detect);
	update_timers(s);
	/* The peer learns the new state now, not a (slow) interval later. */
	if (!s->polling || st != BFD_UP)
		send_periodic(s);
	if (st == BFD_UP) {
		s->ops->up(s);
	} else if (old == BFD_UP) {
		s->flaps++;
		s->ops->down(s);
	}
}

static void detect_fire(struct ev_timer *t, void *arg)
{
	struct bfd_session *s = arg;

	/* 6.8.1: the peer is forgotten; our packets go out with Your Discriminator 0. */
	s->remote_disc = 0;
	s->remote_state = BFD_DOWN;
	set_state(s, BFD_DOWN, BFD_DIAG_TIME_EXPIRED);
}

struct bfd_session *bfd_session_new(struct ev_loop *loop, const struct bfd_session_ops *ops,
				    void *owner, uint32_t local_disc, const struct bfd_timers *t)
{
	struct bfd_session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->loop = loop;
	s->ops = ops;
	s->owner = owner;
	s->state = s->remote_state = BFD_DOWN;
	s->local_disc = local_disc;
	s->conf = *t;
	s->remote_rx_us = 1; /* 6.8.1: the initial value */
	s->rand = local_disc * 2654435761u ^ (uint32_t)ev_now(loop);
	if (s->rand == 0)
		s->rand = 1;
	ev_timer_init(&s->tx, tx_fire, s);
	ev_timer_init(&s->detect, detect_fire, s);
	update_timers(s);
	ev_timer_start(loop, &s->tx, 0);
	return s;
}

void bfd_session_free(struct bfd_session *s)
{
	if (!s)
		return;
	ev_timer_stop(s->loop, &s->tx);
	ev_timer_stop(s->loop, &s->detect);
	free(s);
}

enum bfd_err bfd_session_input(struct bfd_session *s, const struct bfd_pkt *p)
{
	int8_t next;

	if (p->your_disc != 0 && p->your_disc != s->local_disc)
		return BFD_ERR_DISC;
	s->received++;
	s->remote_disc = p->my_disc;
	s->remote_state = p->state;
	s->remote_tx_us = p->min_tx_us;
	s->remote_rx_us = p->min_rx_us;
	s->remote_mult = p->mult;
	if (s->polling && (p->flags & BFD_F_FINAL)) {
		if (s->poll_again) {
			s->poll_again = 0;
			send_periodic(s);
		} else {
			s->polling = 0;
			s->act_tx_us = s->adv_tx_us;
			s->act_rx_us = s->adv_rx_us;
		}
	}
	if (s->state == BFD_ADMIN_DOWN)
		return BFD_OK;
	next = next_state[s->state][p->state & 3];
	if (next >= 0)
		set_state(s, (enum bfd_state)next, BFD_DIAG_NEIGHBOR_DOWN);
	if (s->state == BFD_INIT || s->state == BFD_UP)
		ev_timer_start(s->loop, &s->detect, bfd_session_detect_ms(s));
	/* 6.8.7: a Final at once, whatever the transmit timer says. */
	if (p->flags & BFD_F_POLL)
		send_pkt(s, BFD_F_FINAL);
	/* A faster interval (the peer lowered its RequiredMinRx, or we came Up) applies now
	 * rather than after what is left of a slow one. */
	if (ev_timer_remaining(s->loop, &s->tx) > tx_interval_us(s) / 1000)
		ev_timer_start(s->loop, &s->tx, jittered_ms(s));
	return BFD_OK;
}

void bfd_session_set_timers(struct bfd_session *s, const struct bfd_timers *t)
{
	s->conf = *t;
	update_timers(s);
}

void bfd_session_admin(struct bfd_session *s, int down)
{
	if (down)
		set_state(s, BFD_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN);
	else if (s->state == BFD_ADMIN_DOWN)
		set_state(s, BFD_DOWN, BFD_DIAG_NONE);
}
