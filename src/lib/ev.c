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
};

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
	memset(&l->ios[fd], 0, sizeof(l->ios[fd]));
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

void ev_run_once(struct ev_loop *l, int timeout_ms)
{
	struct epoll_event evs[64];

	update_now(l);
	run_timers(l);
	if (l->stop)
		return;
	int wait = timeout_ms;

	if (l->nheap > 0 && !l->fake_clock) {
		uint64_t next = l->heap[0]->when > l->now ? l->heap[0]->when - l->now : 0;

		if (wait < 0 || next < (uint64_t)wait)
			wait = (int)(next > 60000 ? 60000 : next);
	}
	int n = epoll_wait(l->epfd, evs, 64, wait);

	if (n < 0 && errno != EINTR)
		fatal("epoll_wait: %s", strerror(errno));
	update_now(l);
	for (int i = 0; i < n; i++) {
		int fd = evs[i].data.fd;

		/* A callback may have removed this or another descriptor. */
		if (fd < l->nios && l->ios[fd].used)
			l->ios[fd].cb(fd, evs[i].events, l->ios[fd].arg);
	}
	run_timers(l);
}

int ev_run(struct ev_loop *l)
{
	l->stop = 0;
	while (!l->stop)
		ev_run_once(l, -1);
	return 0;
}

void ev_break(struct ev_loop *l) { l->stop = 1; }

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
