/* The interrupted flag (sig.h). */
#include "lib/sig.h"

#include <string.h>

#include "lib/clock.h"

volatile sig_atomic_t sig_interrupted;
volatile sig_atomic_t sig_last;

static const int caught[SIG_NCAUGHT] = { SIGINT, SIGTERM, SIGHUP };

static void on_signal(int sig)
{
	sig_last = sig;
	if (sig_interrupted < 2)
		sig_interrupted++;
}

void sig_catch(struct sig_saved *save)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal; /* no SA_RESTART: waits return early */
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < SIG_NCAUGHT; i++)
		sigaction(caught[i], &sa, &save->old[i]);
}

void sig_restore(const struct sig_saved *save)
{
	for (int i = 0; i < SIG_NCAUGHT; i++)
		sigaction(caught[i], &save->old[i], NULL);
}

void sig_hold(sigset_t *prev)
{
	sigset_t block;

	sigemptyset(&block);
	for (int i = 0; i < SIG_NCAUGHT; i++)
		sigaddset(&block, caught[i]);
	sigprocmask(SIG_BLOCK, &block, prev);
}

void sig_release(const sigset_t *prev) { sigprocmask(SIG_SETMASK, prev, NULL); }

int sig_nap_ms(int64_t ms)
{
	int64_t end = clk_now_ns() + ms * 1000000;

	while (!sig_interrupted) {
		int64_t left = end - clk_now_ns();

		if (left <= 0)
			return 0;
		clk_sleep_ns(left);
	}
	return -1;
}
