/* libFuzzer target for BFD: the input is read as a sequence of Control packets (24 bytes
 * each, the last one as long as what is left). Each is decoded; a packet that decodes is
 * encoded again and must decode to the same fields, and is then fed to a session on a fake
 * clock, which moves between packets, so the state machine and its timers are fuzzed too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bfd/packet.h"
#include "bfd/session.h"
#include "lib/ev.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void on_send(struct bfd_session *s, const uint8_t *pkt, size_t len)
{
	struct bfd_pkt p;

	/* What we send must pass our own checks (Your Discriminator 0 only while not Up). */
	if (len != BFD_PKT_LEN || bfd_pkt_decode(pkt, len, &p) != BFD_OK)
		abort();
}

static void on_state(struct bfd_session *s) {}

static const struct bfd_session_ops ops = { .send = on_send, .up = on_state, .down = on_state };

static void round_trip(const struct bfd_pkt *p)
{
	uint8_t buf[BFD_PKT_LEN];
	struct bfd_pkt q;

	bfd_pkt_encode(p, buf);
	if (bfd_pkt_decode(buf, sizeof(buf), &q) != BFD_OK || q.state != p->state ||
	    q.diag != p->diag || q.flags != p->flags || q.mult != p->mult ||
	    q.my_disc != p->my_disc || q.your_disc != p->your_disc || q.min_tx_us != p->min_tx_us ||
	    q.min_rx_us != p->min_rx_us || q.min_echo_rx_us != p->min_echo_rx_us)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ev_loop *loop = ev_loop_new();
	struct bfd_timers t = { 100, 100, 3 };
	struct bfd_session *s;

	ev_set_fake_clock(loop, 1000000);
	s = bfd_session_new(loop, &ops, NULL, 0x1111, &t);
	while (size > 0) {
		size_t n = size < 2 * BFD_PKT_LEN ? size : BFD_PKT_LEN;
		struct bfd_pkt p;
		enum bfd_err e = bfd_pkt_decode(data, n, &p);

		if (!bfd_err_name(e) || !bfd_state_name(p.state))
			abort();
		if (e == BFD_OK) {
			round_trip(&p);
			bfd_session_input(s, &p);
			/* The last byte moves the clock: up to 2.5 s, enough for any detection. */
			ev_advance(loop, (uint64_t)data[n - 1] * 10);
			/* Always transmitting; detecting only in Init and Up. */
			if (!ev_timer_active(&s->tx) ||
			    (ev_timer_active(&s->detect) && s->state != BFD_INIT &&
			     s->state != BFD_UP))
				abort();
		}
		data += n;
		size -= n;
	}
	bfd_session_free(s);
	ev_loop_free(loop);
	return 0;
}
