/* The event loop: epoll, a binary heap of timers, signalfd. */
#include "lib/ev.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/log.h"

struct ev_io {
	ev_io_cb *cb;
	void *arg;
	uint32_t events;
	int used;
	int again; /* 1: in the again list (ev_io_again); 2: to run again in this iteration */
};

struct ev_sig {
	int signo;
	ev_signal_cb *cb;
	void *arg;
};

struct ev_loop {
	int epfd;
	struct ev_io *ios; /* indexed by fd */
	int nios;
	struct ev_timer **heap;
	int nheap, capheap;
	uint64_t now;
	int fake_clock;
	int stop;
	int sigfd;
	sigset_t sigmask;
	struct ev_sig *sigs;
	int nsigs;
	int *again; /* fds whose callbacks run next iteration whatever epoll says */
	int nagain, capagain;
	int *again_run; /* those of this iteration */
	int capagain_run;
	uint64_t iterations, max_busy_us, sum_busy_us;
	uint64_t max_cpu_us;      /* the most CPU one iteration used (this thread's own time) */
	uint64_t hist[EV_HIST_N]; /* per bucket, not cumulative */
};

const uint64_t EV_HIST_LE_US[EV_HIST_N] = { 1000,  5000,   10000,   25000,
					    50000, 100000, 1000000, UINT64_MAX };

struct ev_loop *ev_loop_new(void)
{
	struct ev_loop *l = xcalloc(1, sizeof(*l));

	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		fatal("epoll_create1: %s", strerror(errno));
	l->sigfd = -1;
	sigemptyset(&l->sigmask);
	l->now = (uint64_t)clk_now_ms();
	return l;
}

void ev_loop_free(struct ev_loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	if (l->sigfd >= 0) {
		close(l->sigfd);
		sigprocmask(SIG_UNBLOCK, &l->sigmask, NULL);
	}
	free(l->ios);
	free(l->heap);
	free(l->sigs);
	free(l->again);
	free(l->again_run);
	free(l);
}

uint64_t ev_now(struct ev_loop *l) { return l->now; }

static void update_now(struct ev_loop *l)
{
	if (!l->fake_clock)
		l->now = (uint64_t)clk_now_ms();
}

/* ---- descriptors ---- */

int ev_io_add(struct ev_loop *l, int fd, uint32_t events, ev_io_cb *cb, void *arg)
{
	if (fd >= l->nios) {
		int n = l->nios ? l->nios : 64;

		while (n <= fd)
			n *= 2;
		l->ios = xrealloc(l->ios, (size_t)n * sizeof(*l->ios));
		memset(l->ios + l->nios, 0, (size_t)(n - l->nios) * sizeof(*l->ios));
		l->nios = n;
	}
	struct epoll_event ee = { .events = events, .data.fd = fd };

	if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ee) < 0)
		return -1;
	l->ios[fd] = (struct ev_io){ .cb = cb, .arg = arg, .events = events, .used = 1 };
	return 0;
}

int ev_io_mod(struct ev_loop *l, int fd, uint32_t events)
{
	if (fd >= l->nios || !l->ios[fd].used)
		return -1;
	if (l->ios[fd].events == events)
		return 0;
	struct epoll_event ee = { .events = events, .data.fd = fd };

	if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, fd, &ee) < 0)
		return -1;
	l->ios[fd].events = events;
	return 0;
}

void ev_io_del(struct ev_loop *l, int fd)
{
	if (fd < 0 || fd >= l->nios || !l->ios[fd].used)
		return;
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, fd, NULL);
	memset(&l->ios[fd], 0, sizeof(l->ios[fd])); /* also leaves the again list */
}

void ev_io_again(struct ev_loop *l, int fd)
{
	if (fd < 0 || fd >= l->nios || !l->ios[fd].used || l->ios[fd].again == 1)
		return;
	if (l->nagain == l->capagain) {
		l->capagain = l->capagain ? l->capagain * 2 : 16;
		l->again = xrealloc(l->again, (size_t)l->capagain * sizeof(*l->again));
	}
	l->again[l->nagain++] = fd;
	l->ios[fd].again = 1;
}

/* ---- timers: a min-heap on `when` ---- */

static void heap_swap(struct ev_loop *l, int i, int j)
{
	struct ev_timer *t = l->heap[i];

	l->heap[i] = l->heap[j];
	l->heap[j] = t;
	l->heap[i]->idx = i;
	l->heap[j]->idx = j;
}

static void heap_up(struct ev_loop *l, int i)
{
	while (i > 0) {
		int p = (i - 1) / 2;

		if (l->heap[p]->when <= l->heap[i]->when)
			break;
		heap_swap(l, i, p);
		i = p;
	}
}

static void heap_down(struct ev_loop *l, int i)
{
	for (;;) {
		int c = 2 * i + 1, m = i;

		if (c < l->nheap && l->heap[c]->when < l->heap[m]->when)
			m = c;
		if (c + 1 < l->nheap && l->heap[c + 1]->when < l->heap[m]->when)
			m = c + 1;
		if (m == i)
			return;
		heap_swap(l, i, m);
		i = m;
	}
}

void ev_timer_init(struct ev_timer *t, ev_timer_cb *cb, void *arg)
{
	t->when = 0;
	t->cb = cb;
	t->arg = arg;
	t->idx = -1;
}

void ev_timer_stop(struct ev_loop *l, struct ev_timer *t)
{
	int i = t->idx;

	if (i < 0)
		return;
	l->nheap--;
	if (i != l->nheap) {
		l->heap[i] = l->heap[l->nheap];
		l->heap[i]->idx = i;
		heap_down(l, i);
		heap_up(l, i);
	}
	t->idx = -1;
}

void ev_timer_start(struct ev_loop *l, struct ev_timer *t, uint64_t after_ms)
{
	ev_timer_stop(l, t);
	if (l->nheap == l->capheap) {
		l->capheap = l->capheap ? l->capheap * 2 : 64;
		l->heap = xrealloc(l->heap, (size_t)l->capheap * sizeof(*l->heap));
	}
	t->when = l->now + after_ms;
	t->idx = l->nheap;
	l->heap[l->nheap++] = t;
	heap_up(l, t->idx);
}

uint64_t ev_timer_remaining(struct ev_loop *l, const struct ev_timer *t)
{
	if (t->idx < 0 || t->when <= l->now)
		return 0;
	return t->when - l->now;
}

static void run_timers(struct ev_loop *l)
{
	while (l->nheap > 0 && l->heap[0]->when <= l->now) {
		struct ev_timer *t = l->heap[0];

		ev_timer_stop(l, t);
		t->cb(t, t->arg);
	}
}

/* ---- signals ---- */

static void sig_read(int fd, uint32_t events, void *arg)
{
	struct ev_loop *l = arg;
	struct signalfd_siginfo si;

	while (read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		for (int i = 0; i < l->nsigs; i++)
			if (l->sigs[i].signo == (int)si.ssi_signo)
				l->sigs[i].cb((int)si.ssi_signo, l->sigs[i].arg);
	}
}

int ev_signal_add(struct ev_loop *l, int signo, ev_signal_cb *cb, void *arg)
{
	sigaddset(&l->sigmask, signo);
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL) < 0)
		return -1;
	int fd = signalfd(l->sigfd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (l->sigfd < 0) {
		l->sigfd = fd;
		if (ev_io_add(l, fd, EPOLLIN, sig_read, l) < 0)
			return -1;
	}
	l->sigs = xrealloc(l->sigs, (size_t)(l->nsigs + 1) * sizeof(*l->sigs));
	l->sigs[l->nsigs++] = (struct ev_sig){ .signo = signo, .cb = cb, .arg = arg };
	return 0;
}

/* ---- running ---- */

static void record_busy(struct ev_loop *l, uint64_t us)
{
	int b = 0;

	while (us > EV_HIST_LE_US[b])
		b++;
	l->hist[b]++;
	l->iterations++;
	l->sum_busy_us += us;
	if (us > l->max_busy_us)
		l->max_busy_us = us;
}

/* Takes the requests made so far: each is marked for this iteration (again == 2); epoll's own
 * report of such a descriptor runs it and clears the mark, so it runs once. Requests made from
 * now on (again == 1) are for the next iteration. */
static int take_again(struct ev_loop *l)
{
	int n = l->nagain;
	int *t = l->again;
	int cap = l->capagain;

	for (int i = 0; i < n; i++)
		if (l->ios[t[i]].used && l->ios[t[i]].again == 1)
			l->ios[t[i]].again = 2;
	l->again = l->again_run;
	l->capagain = l->capagain_run;
	l->nagain = 0;
	l->again_run = t;
	l->capagain_run = cap;
	return n;
}

static void run_again(struct ev_loop *l, int n)
{
	for (int i = 0; i < n; i++) {
		int fd = l->again_run[i];

		if (fd < l->nios && l->ios[fd].used && l->ios[fd].again == 2) {
			l->ios[fd].again = 0;
			l->ios[fd].cb(fd, EPOLLIN, l->ios[fd].arg);
		}
	}
}

/* One iteration: wait, then every ready descriptor, then every due timer. I/O comes first so a
 * busy iteration does not make a timer (a hold timer) expire before the socket that would have
 * restarted it (a KEEPALIVE waiting to be read) is looked at. */
/* The CPU time of this thread: an iteration's wall time also counts the time other processes
 * held the CPU, which is not a stall of ours; its CPU time is the work it did in one go. */
static int64_t thread_cpu_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void ev_run_once(struct ev_loop *l, int timeout_ms)
{
	struct epoll_event evs[64];

	update_now(l);
	int wait = timeout_ms;

	if (l->nheap > 0 && !l->fake_clock) {
		uint64_t next = l->heap[0]->when > l->now ? l->heap[0]->when - l->now : 0;

		if (wait < 0 || next < (uint64_t)wait)
			wait = (int)(next > 60000 ? 60000 : next);
	}
	if (l->nagain > 0)
		wait = 0;
	int n = epoll_wait(l->epfd, evs, 64, wait);

	if (n < 0 && errno != EINTR)
		fatal("epoll_wait: %s", strerror(errno));
	int64_t t0 = clk_now_us(), c0 = thread_cpu_us();

	update_now(l);
	int nagain = take_again(l);

	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;

		/* A callback may have removed this or another descriptor. */
		if (fd < l->nios && l->ios[fd].used) {
			uint32_t events = evs[i].events;

			/* Its turn to go on counts even when epoll reports only EPOLLOUT. */
			if (l->ios[fd].again == 2) {
				l->ios[fd].again = 0;
				events |= EPOLLIN;
			}
			l->ios[fd].cb(fd, events, l->ios[fd].arg);
		}
	}
	run_again(l, nagain);
	run_timers(l);
	int64_t t1 = clk_now_us(), c1 = thread_cpu_us();

	record_busy(l, t1 > t0 ? (uint64_t)(t1 - t0) : 0);
	if (c1 > c0 && (uint64_t)(c1 - c0) > l->max_cpu_us)
		l->max_cpu_us = (uint64_t)(c1 - c0);
}

int ev_run(struct ev_loop *l)
{
	l->stop = 0;
	while (!l->stop)
		ev_run_once(l, -1);
	return 0;
}

void ev_break(struct ev_loop *l) { l->stop = 1; }

void ev_get_stats(const struct ev_loop *l, struct ev_stats *out)
{
	uint64_t cum = 0;

	out->iterations = l->iterations;
	out->max_busy_us = l->max_busy_us;
	out->max_cpu_us = l->max_cpu_us;
	out->sum_busy_us = l->sum_busy_us;
	for (int i = 0; i < EV_HIST_N; i++) {
		cum += l->hist[i];
		out->le[i] = cum;
	}
}

void ev_set_fake_clock(struct ev_loop *l, uint64_t start_ms)
{
	l->fake_clock = 1;
	l->now = start_ms;
}

void ev_advance(struct ev_loop *l, uint64_t ms)
{
	uint64_t end = l->now + ms;

	/* Step through each due timer in order so callbacks see the time they were due. */
	while (l->nheap > 0 && l->heap[0]->when <= end) {
		if (l->heap[0]->when > l->now)
			l->now = l->heap[0]->when;
		run_timers(l);
	}
	l->now = end;
}
