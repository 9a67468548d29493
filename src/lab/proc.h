/* Processes of the lab: started inside a network namespace, remembered by PID file, stopped by
 * PID; never by name (other labs, tests and the host run the same programs). And the command
 * runner for the tools the lab drives (ip). */
#ifndef LAB_PROC_H
#define LAB_PROC_H

#include <stddef.h>
#include <sys/types.h>

/* Starts argv (argv[0] a path) in namespace ns (NULL: ours), in a session of its own, stdin
 * /dev/null, stdout and stderr appended to logpath; records "PID STARTTIME" in pidfile.
 * Returns the PID (our child), -1 with the reason in err. */
pid_t lab_proc_start(const char *ns, char *const argv[], const char *logpath, const char *pidfile,
		     char *err, size_t errlen);
/* The PID in pidfile if that very process (same start time) still runs, else 0. */
pid_t lab_proc_pid(const char *pidfile);
/* For our own children: 1 and the wait status if pid has exited (and is reaped). */
int lab_proc_exited(pid_t pid, int *status);
/* Stops the processes of the PID files: TERM, then KILL after 2 s; removes the files. */
void lab_proc_stop(char *const *pidfiles, size_t n);
/* TERM, then KILL, every process still inside namespace ns (found by PID in /proc). */
void lab_proc_kill_netns(const char *ns);
/* Sends sig to every process inside namespace ns (SIGSTOP, SIGCONT: lab fail --freeze);
 * returns how many. */
size_t lab_proc_signal_netns(const char *ns, int sig);
/* The last non-empty line of a log file, for error messages. */
void lab_log_tail(const char *path, char *out, size_t len);

/* Runs the command argv (searched in PATH, then in /usr/sbin and /sbin) and waits for it; a
 * failure gives its last stderr lines in err. */
int lab_cmd_run(char *const argv[], char *err, size_t errlen);

#endif
