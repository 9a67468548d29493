/* "Interrupted": SIGINT, SIGTERM and SIGHUP caught as one flag that long-running commands
 * (lab up, lab demo, probe) poll. The handler only counts; it is installed without SA_RESTART,
 * so a blocking wait returns at once with EINTR and the loop around it looks at the flag and
 * winds down (removing what it built, reporting what it measured). */
#ifndef LIB_SIG_H
#define LIB_SIG_H

#include <signal.h>
#include <stdint.h>

/* How many of those signals came, at most 2 (a first one asks to finish, a second to stop
 * now), and the number of the last one (for an exit status of 128 + it). */
extern volatile sig_atomic_t sig_interrupted;
extern volatile sig_atomic_t sig_last;

#define SIG_NCAUGHT 3
struct sig_saved {
	struct sigaction old[SIG_NCAUGHT];
};

/* Installs the handler for the three signals, keeping the previous dispositions in save (for
 * sig_restore). The flag is not reset: a signal that came before still counts. */
void sig_catch(struct sig_saved *save);
void sig_restore(const struct sig_saved *save);
/* Holds the three signals off (a teardown that a second ^C must not cut short), and lets them
 * through again. */
void sig_hold(sigset_t *prev);
void sig_release(const sigset_t *prev);
/* Sleeps ms, waking early for a signal; -1 if sig_interrupted is set (before or after). */
int sig_nap_ms(int64_t ms);

#endif
