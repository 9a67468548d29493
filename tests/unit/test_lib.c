/* src/lib: addresses and prefixes, buffers, the event loop's timers. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/addr.h"
#include "lib/buf.h"
#include "lib/clock.h"
#include "lib/ev.h"
#include "lib/json.h"
#include "t.h"

static void test_prefix_parse(void)
{
	static const struct {
		const char *in;
		int ret;
		const char *out;
	} cases[] = {
		{ "192.0.2.0/24", 0, "192.0.2.0/24" },
		{ "192.0.2.1/32", 0, "192.0.2.1/32" },
		{ "192.0.2.1", 0, "192.0.2.1/32" },
		{ "0.0.0.0/0", 0, "0.0.0.0/0" },
		{ "2001:db8::/32", 0, "2001:db8::/32" },
		{ "2001:db8:1::/48", 0, "2001:db8:1::/48" },
		{ "192.0.2.1/24", -2, NULL }, /* host bits set */
		{ "2001:db8::1/64", -2, NULL },
		{ "192.0.2.0/33", -1, NULL },
		{ "192.0.2.0/", -1, NULL },
		{ "192.0.2.0/2x", -1, NULL },
		{ "192.0.2/24", -1, NULL },
		{ "example/8", -1, NULL },
		{ "", -1, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct prefix p;
		char buf[PREFIX_STRLEN];

		CHECK_INT(prefix_parse(cases[i].in, &p), cases[i].ret);
		if (cases[i].out)
			CHECK_STR(prefix_fmt(&p, buf), cases[i].out);
	}
}

static void test_prefix_contains(void)
{
	struct prefix a, b, c, d;

	prefix_parse("192.0.2.0/24", &a);
	prefix_parse("192.0.2.128/25", &b);
	prefix_parse("198.51.100.0/24", &c);
	prefix_parse("2001:db8::/32", &d);
	CHECK(prefix_contains(&a, &b));
	CHECK(!prefix_contains(&b, &a));
	CHECK(!prefix_contains(&a, &c));
	CHECK(!prefix_contains(&a, &d));
	CHECK(prefix_contains(&a, &a));
	CHECK(prefix_hash(&a) != prefix_hash(&c));
	CHECK(prefix_cmp(&a, &c) < 0);
}

static void test_addr(void)
{
	struct addr a, b;
	char buf[ADDR_STRLEN];
	struct sockaddr_storage ss;
	uint16_t port;

	CHECK_INT(addr_parse("198.18.0.1", &a), 0);
	CHECK_INT(a.af, AF_INET);
	CHECK_INT(addr_parse("2001:db8::1", &b), 0);
	CHECK_STR(addr_fmt(&b, buf), "2001:db8::1");
	CHECK_INT(addr_parse("198.18.0.256", &a), -1);
	addr_parse("198.18.0.1", &a);
	addr_to_sa(&b, 179, &ss);
	CHECK_INT(addr_from_sa((struct sockaddr *)&ss, &a, &port), 0);
	CHECK(addr_eq(&a, &b));
	CHECK_INT(port, 179);
}

static void test_buf_reader(void)
{
	struct buf b;
	struct rd r;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;

	buf_init(&b);
	buf_put8(&b, 7);
	buf_put16(&b, 0x1234);
	buf_put32(&b, 0xdeadbeef);
	buf_printf(&b, "%s-%d", "x", 5);
	CHECK_INT(b.len, 10);
	rd_init(&r, b.data, b.len);
	CHECK_INT(rd_get8(&r, &u8), 0);
	CHECK_INT(u8, 7);
	CHECK_INT(rd_get16(&r, &u16), 0);
	CHECK_INT(u16, 0x1234);
	CHECK_INT(rd_get32(&r, &u32), 0);
	CHECK(u32 == 0xdeadbeef);
	CHECK_INT(rd_left(&r), 3);
	CHECK_INT(rd_get32(&r, &u32), -1); /* past the end */
	CHECK(r.err);
	CHECK_INT(rd_get8(&r, &u8), -1); /* errors are sticky */
	buf_consume(&b, 4);
	CHECK_INT(buf_pending(&b), 6);
	buf_consume(&b, 6);
	CHECK_INT(b.len, 0);
	buf_free(&b);
}

static void test_json(void)
{
	struct buf b;

	buf_init(&b);
	json_str(&b, "a\"b\\c\n\x01");
	buf_put8(&b, 0);
	CHECK_STR((char *)b.data, "\"a\\\"b\\\\c\\n\\u0001\"");
	buf_free(&b);
}

static int fired[4];
static uint64_t fired_at[4];
static struct ev_loop *tl;

static void on_timer(struct ev_timer *t, void *arg)
{
	int i = (int)(intptr_t)arg;

	fired[i]++;
	fired_at[i] = ev_now(tl);
}

static void test_timers(void)
{
	struct ev_timer t[4];

	tl = ev_loop_new();
	ev_set_fake_clock(tl, 1000);
	for (int i = 0; i < 4; i++)
		ev_timer_init(&t[i], on_timer, (void *)(intptr_t)i);
	ev_timer_start(tl, &t[0], 300);
	ev_timer_start(tl, &t[1], 100);
	ev_timer_start(tl, &t[2], 200);
	ev_timer_start(tl, &t[3], 50);
	ev_timer_stop(tl, &t[3]);
	CHECK(!ev_timer_active(&t[3]));
	CHECK_INT(ev_timer_remaining(tl, &t[0]), 300);
	ev_advance(tl, 150);
	CHECK_INT(fired[1], 1);
	CHECK_INT(fired_at[1], 1100); /* callbacks see the time they were due */
	CHECK_INT(fired[0] + fired[2] + fired[3], 0);
	ev_timer_start(tl, &t[0], 10); /* restart moves it */
	ev_advance(tl, 200);
	CHECK_INT(fired[0], 1);
	CHECK_INT(fired_at[0], 1160);
	CHECK_INT(fired[2], 1);
	CHECK_INT(fired[3], 0);
	CHECK_INT(ev_now(tl), 1350);
	ev_loop_free(tl);
}

static int sig_seen;
static void on_sig(int signo, void *arg) { sig_seen = signo; }

static void test_signals(void)
{
	struct ev_loop *l = ev_loop_new();

	CHECK_INT(ev_signal_add(l, SIGUSR1, on_sig, NULL), 0);
	kill(getpid(), SIGUSR1);
	for (int i = 0; i < 10 && !sig_seen; i++)
		ev_run_once(l, 50);
	CHECK_INT(sig_seen, SIGUSR1);
	ev_loop_free(l);
}

/* ev_io_again: a reader that stopped with work left is called again in the next iteration
 * although epoll has nothing to report, and that iteration does not sleep. I/O before timers:
 * a due timer runs after the descriptors of the same wakeup. Every iteration is counted. */
static int again_calls, order_n;
static char order[8];

static void on_again(int fd, uint32_t events, void *arg)
{
	struct ev_loop *l = arg;

	CHECK(events & EPOLLIN);
	if (order_n < (int)sizeof(order) - 1)
		order[order_n++] = 'i';
	if (++again_calls < 3)
		ev_io_again(l, fd);
}

static void on_order_timer(struct ev_timer *t, void *arg)
{
	if (order_n < (int)sizeof(order) - 1)
		order[order_n++] = 't';
}

static void test_io_again(void)
{
	struct ev_loop *l = ev_loop_new();
	struct ev_timer t;
	struct ev_stats st;
	int p[2];

	CHECK_INT(pipe(p), 0);
	CHECK_INT(ev_io_add(l, p[0], EPOLLIN, on_again, l), 0);
	ev_timer_init(&t, on_order_timer, NULL);
	ev_timer_start(l, &t, 0);
	ev_io_again(l, p[0]);
	ev_io_again(l, p[0]); /* twice is once */
	int64_t t0 = clk_now_ms();

	for (int i = 0; i < 3; i++)
		ev_run_once(l, 2000); /* nothing is readable: only "again" wakes it */
	CHECK(clk_now_ms() - t0 < 1000);
	CHECK_INT(again_calls, 3);
	CHECK_STR(order, "itii");
	/* No more requests: the fourth iteration waits for its timeout. */
	t0 = clk_now_ms();
	ev_run_once(l, 50);
	CHECK(clk_now_ms() - t0 >= 40);
	CHECK_INT(again_calls, 3);
	/* A deleted descriptor's request goes with it. */
	ev_io_again(l, p[0]);
	ev_io_del(l, p[0]);
	ev_run_once(l, 0);
	CHECK_INT(again_calls, 3);
	ev_get_stats(l, &st);
	CHECK_INT(st.iterations, 5);
	CHECK_INT(st.le[EV_HIST_N - 1], st.iterations);
	CHECK(st.max_busy_us < 1000000);
	close(p[0]);
	close(p[1]);
	ev_loop_free(l);
}

/* A descriptor whose turn comes (ev_io_again) while epoll reports it only writable is still
 * called with EPOLLIN: its buffered input must not wait for the next readable event. */
static uint32_t seen_events;

static void on_writable(int fd, uint32_t events, void *arg) { seen_events |= events; }

static void test_again_with_epollout(void)
{
	struct ev_loop *l = ev_loop_new();
	int sv[2];

	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(ev_io_add(l, sv[0], EPOLLIN | EPOLLOUT, on_writable, NULL), 0);
	ev_io_again(l, sv[0]);
	ev_run_once(l, 100);
	CHECK(seen_events & EPOLLOUT);
	CHECK(seen_events & EPOLLIN);
	close(sv[0]);
	close(sv[1]);
	ev_loop_free(l);
}

/* The longest iteration is what a busy callback took. */
static void on_busy(struct ev_timer *t, void *arg) { clk_sleep_ms(30); }

static void test_loop_stats(void)
{
	struct ev_loop *l = ev_loop_new();
	struct ev_timer t;
	struct ev_stats st;

	ev_timer_init(&t, on_busy, NULL);
	ev_timer_start(l, &t, 0);
	ev_run_once(l, 0);
	ev_run_once(l, 0);
	ev_get_stats(l, &st);
	CHECK_INT(st.iterations, 2);
	CHECK(st.max_busy_us >= 30000);
	CHECK(st.sum_busy_us >= st.max_busy_us);
	/* the busy one is above the 25 ms bound, the idle one below 1 ms */
	CHECK_INT(st.le[0], 1);
	CHECK_INT(st.le[3], 1);
	CHECK_INT(st.le[EV_HIST_N - 1], 2);
	ev_loop_free(l);
}

int main(void)
{
	RUN(test_prefix_parse);
	RUN(test_prefix_contains);
	RUN(test_addr);
	RUN(test_buf_reader);
	RUN(test_json);
	RUN(test_timers);
	RUN(test_signals);
	RUN(test_io_again);
	RUN(test_again_with_epollout);
	RUN(test_loop_stats);
	return t_done();
}
