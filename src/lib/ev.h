/* The event loop: epoll for descriptors, a timer heap, signalfd for signals. One per process.
 * Time is a monotonic millisecond clock sampled once per iteration; tests can drive the clock
 * by hand (ev_set_fake_clock, ev_advance) to run timers deterministically. */
#ifndef LIB_EV_H
#define LIB_EV_H

#include <stdint.h>
#include <sys/epoll.h>

struct ev_loop;
struct ev_timer;

typedef void ev_io_cb(int fd, uint32_t events, void *arg); /* events: EPOLLIN|EPOLLOUT|... */
typedef void ev_timer_cb(struct ev_timer *t, void *arg);
typedef void ev_signal_cb(int signo, void *arg);

struct ev_timer {
	uint64_t when; /* absolute ms */
	ev_timer_cb *cb;
	void *arg;
	int idx; /* position in the heap, -1 when stopped */
};

struct ev_loop *ev_loop_new(void);
void ev_loop_free(struct ev_loop *l);
int ev_io_add(struct ev_loop *l, int fd, uint32_t events, ev_io_cb *cb, void *arg);
int ev_io_mod(struct ev_loop *l, int fd, uint32_t events);
void ev_io_del(struct ev_loop *l, int fd);

void ev_timer_init(struct ev_timer *t, ev_timer_cb *cb, void *arg);
void ev_timer_start(struct ev_loop *l, struct ev_timer *t, uint64_t after_ms);
void ev_timer_stop(struct ev_loop *l, struct ev_timer *t);
static inline int ev_timer_active(const struct ev_timer *t) { return t->idx >= 0; }
/* ms until the timer fires, 0 if stopped or due */
uint64_t ev_timer_remaining(struct ev_loop *l, const struct ev_timer *t);

/* Work left over: fd's callback runs again in the next iteration (with EPOLLIN), even when
 * epoll has nothing new to report for it, and that iteration does not sleep. For a reader that
 * stops after a bounded amount of work with whole messages still in its own buffer: the
 * level-triggered epoll only knows about bytes still in the socket. Cleared by ev_io_del. */
void ev_io_again(struct ev_loop *l, int fd);

/* How long the loop was busy per iteration (from the end of epoll_wait to the end of the
 * timers), so an operator sees whether some work held everything else up. Buckets of the
 * histogram: iterations that took at most EV_HIST_LE_US[i] microseconds (cumulative, as
 * Prometheus wants); the last bound is +Inf. */
#define EV_HIST_N 8
extern const uint64_t EV_HIST_LE_US[EV_HIST_N];
struct ev_stats {
	uint64_t iterations;
	uint64_t max_busy_us; /* the longest iteration so far (wall clock) */
	uint64_t max_cpu_us;  /* the most CPU time one iteration used */
	uint64_t sum_busy_us;
	uint64_t le[EV_HIST_N]; /* cumulative counts, le[EV_HIST_N - 1] == iterations */
};
void ev_get_stats(const struct ev_loop *l, struct ev_stats *out);

/* Blocks signo and delivers it through signalfd. */
int ev_signal_add(struct ev_loop *l, int signo, ev_signal_cb *cb, void *arg);

uint64_t ev_now(struct ev_loop *l); /* ms */
/* Runs until ev_break(). Returns 0. */
int ev_run(struct ev_loop *l);
/* One iteration: waits at most timeout_ms (-1: until the next timer). */
void ev_run_once(struct ev_loop *l, int timeout_ms);
void ev_break(struct ev_loop *l);

/* Tests: freeze the clock at start_ms; ev_advance moves it and fires due timers. */
void ev_set_fake_clock(struct ev_loop *l, uint64_t start_ms);
void ev_advance(struct ev_loop *l, uint64_t ms);

#endif
