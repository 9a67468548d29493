/* Processes of the lab: started inside a network namespace, remembered by PID file, stopped by
 * PID. Never by name: other labs, tests and the host run the same programs. */
#include "lab/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/state.h"
#include "lib/clock.h"
#include "lib/log.h"

/* State letter and start time (field 22, clock ticks since boot) from /proc/PID/stat. The
 * start time tells a process from a later one that got the same PID. */
static int proc_stat(pid_t pid, char *state, unsigned long long *start)
{
	char path[64], text[1024];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	size_t n = fread(text, 1, sizeof(text) - 1, f);

	fclose(f);
	text[n] = 0;
	/* the command name may hold spaces and parentheses: fields restart after the last ')' */
	char *p = strrchr(text, ')');

	if (!p || p[1] != ' ')
		return -1;
	p += 2;
	*state = *p;
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	*start = strtoull(p, NULL, 10);
	return 0;
}

static int alive(pid_t pid, unsigned long long start)
{
	char st;
	unsigned long long s;

	if (proc_stat(pid, &st, &s) < 0 || st == 'Z' || st == 'X')
		return 0;
	return start == 0 || s == start;
}

pid_t lab_proc_start(const char *ns, char *const argv[], const char *logpath, const char *pidfile,
		     char *err, size_t errlen)
{
	char path[PATH_MAX];
	int nsfd = -1, logfd, pfd[2];

	if (ns) {
		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		nsfd = open(path, O_RDONLY | O_CLOEXEC);
		if (nsfd < 0) {
			snprintf(err, errlen, "namespace %s: %s", ns, strerror(errno));
			return -1;
		}
	}
	logfd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (logfd < 0 || pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "%s: %s", logpath, strerror(errno));
		if (logfd >= 0)
			close(logfd);
		if (nsfd >= 0)
			close(nsfd);
		return -1;
	}
	pid_t pid = fork();

	if (pid == 0) {
		sigset_t none;
		int e, nul;

		/* What `lab up` set for itself must not reach the daemon: an ignored or blocked
		 * signal would survive exec. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		/* its own session: a ^C or a closed terminal is for `anycast`, not for the lab */
		setsid();
		if (nsfd >= 0 && setns(nsfd, CLONE_NEWNET) < 0)
			goto fail;
		nul = open("/dev/null", O_RDONLY);
		if (nul < 0 || dup2(nul, 0) < 0 || dup2(logfd, 1) < 0 || dup2(logfd, 2) < 0)
			goto fail;
		/* nothing of ours leaks in (a pipe of the caller's shell would never see EOF) */
		close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
		execv(argv[0], argv);
	fail:
		e = errno;
		(void)!write(pfd[1], &e, sizeof(e));
		_exit(127);
	}
	int e = 0;

	close(pfd[1]);
	close(logfd);
	if (nsfd >= 0)
		close(nsfd);
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		close(pfd[0]);
		return -1;
	}
	/* The pipe closes on exec: EOF means the program runs, an errno means it could not. */
	ssize_t n;

	do
		n = read(pfd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == (ssize_t)sizeof(e)) {
		waitpid(pid, NULL, 0);
		snprintf(err, errlen, "cannot run %s%s%s: %s", argv[0], ns ? " in " : "",
			 ns ? ns : "", strerror(e));
		return -1;
	}
	char st;
	unsigned long long start = 0;
	char text[64];

	if (proc_stat(pid, &st, &start) < 0)
		start = 0;
	snprintf(text, sizeof(text), "%d %llu\n", (int)pid, start);
	if (lab_write_file(pidfile, text, err, errlen) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static int read_pidfile(const char *pidfile, pid_t *pid, unsigned long long *start)
{
	char text[64];
	int p;

	if (lab_read_file(pidfile, text, sizeof(text)) < 0 ||
	    sscanf(text, "%d %llu", &p, start) != 2 || p <= 1)
		return -1;
	*pid = p;
	return 0;
}

pid_t lab_proc_pid(const char *pidfile)
{
	pid_t pid;
	unsigned long long start;

	if (read_pidfile(pidfile, &pid, &start) < 0)
		return 0;
	/* our own child may be a zombie: reap it so it reads as gone */
	waitpid(pid, NULL, WNOHANG);
	return alive(pid, start) ? pid : 0;
}

int lab_proc_exited(pid_t pid, int *status)
{
	int st;
	pid_t r = waitpid(pid, &st, WNOHANG);

	if (r == pid) {
		*status = st;
		return 1;
	}
	return r < 0 && errno == ECHILD && !alive(pid, 0);
}

struct victim {
	pid_t pid;
	unsigned long long start;
};

/* TERM, wait up to grace_ms for all of them, KILL the rest, wait for those too (a namespace
 * is only really gone when its last process is). */
static void stop_all(struct victim *v, size_t n, long grace_ms)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].pid > 0)
			kill(v[i].pid, SIGTERM);
	for (int round = 0; round < 2; round++) {
		int64_t end = clk_now_ms() + (round ? 1000 : grace_ms);

		for (;;) {
			size_t left = 0;

			for (size_t i = 0; i < n; i++) {
				if (v[i].pid <= 0)
					continue;
				waitpid(v[i].pid, NULL, WNOHANG);
				if (alive(v[i].pid, v[i].start))
					left++;
				else
					v[i].pid = 0;
			}
			if (!left || clk_now_ms() >= end)
				break;
			clk_sleep_ms(20);
		}
		if (round == 0)
			for (size_t i = 0; i < n; i++)
				if (v[i].pid > 0)
					kill(v[i].pid, SIGKILL);
	}
}

void lab_proc_stop(char *const *pidfiles, size_t n)
{
	struct victim *v = xcalloc(n ? n : 1, sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		if (read_pidfile(pidfiles[i], &v[i].pid, &v[i].start) < 0 ||
		    !alive(v[i].pid, v[i].start)) {
			waitpid(v[i].pid, NULL, WNOHANG);
			v[i].pid = 0;
		}
	}
	stop_all(v, n, 2000);
	for (size_t i = 0; i < n; i++)
		unlink(pidfiles[i]);
	free(v);
}

/* Every process inside namespace ns (found by PID in /proc), with its start time; *n of them. */
static struct victim *netns_procs(const char *ns, size_t *np)
{
	char path[PATH_MAX];
	struct stat nst, pst;
	DIR *d;
	struct dirent *e;
	struct victim *v = NULL;
	size_t n = 0;

	*np = 0;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	if (stat(path, &nst) < 0)
		return NULL;
	d = opendir("/proc");
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		char st;
		unsigned long long start;

		if (*end || pid <= 1 || pid == getpid())
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/ns/net", pid);
		if (stat(path, &pst) < 0 || pst.st_ino != nst.st_ino || pst.st_dev != nst.st_dev)
			continue;
		if (proc_stat((pid_t)pid, &st, &start) < 0)
			continue;
		v = xrealloc(v, (n + 1) * sizeof(*v));
		v[n].pid = (pid_t)pid;
		v[n].start = start;
		n++;
	}
	closedir(d);
	*np = n;
	return v;
}

void lab_proc_kill_netns(const char *ns)
{
	size_t n;
	struct victim *v = netns_procs(ns, &n);

	/* a frozen process (lab fail --freeze) acts on TERM only once resumed */
	for (size_t i = 0; i < n; i++)
		kill(v[i].pid, SIGCONT);
	if (n)
		stop_all(v, n, 1000);
	free(v);
}

size_t lab_proc_signal_netns(const char *ns, int sig)
{
	size_t n;
	struct victim *v = netns_procs(ns, &n);

	for (size_t i = 0; i < n; i++)
		kill(v[i].pid, sig);
	free(v);
	return n;
}

int lab_cmd_run(char *const argv[], char *err, size_t errlen)
{
	int pfd[2];

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	pid_t pid = fork();

	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (nul >= 0) {
			dup2(nul, 0);
			dup2(nul, 1);
		}
		dup2(pfd[1], 2);
		execvp(argv[0], argv);
		/* ip(8) lives in sbin, which a user's PATH may lack */
		if (!strchr(argv[0], '/')) {
			char path[PATH_MAX];

			snprintf(path, sizeof(path), "/usr/sbin/%s", argv[0]);
			execv(path, argv);
			snprintf(path, sizeof(path), "/sbin/%s", argv[0]);
			execv(path, argv);
		}
		fprintf(stderr, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	if (pid < 0) {
		close(pfd[0]);
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	char out[4096];
	size_t len = 0;
	ssize_t r;

	for (;;) {
		r = read(pfd[0], out + len, sizeof(out) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len == sizeof(out) - 1)
			len = 0; /* keep reading; only the end matters */
	}
	close(pfd[0]);
	out[len] = 0;
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	if (st == 0)
		return 0;
	/* the last line says what went wrong (ip: "Command failed FILE:LINE") */
	while (len && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = 0;
	char *last = strrchr(out, '\n');
	char *prev = NULL;

	if (last) {
		*last = 0;
		prev = strrchr(out, '\n');
		prev = prev ? prev + 1 : out;
		last++;
	}
	if (prev)
		snprintf(err, errlen, "%s: %s (%s)", argv[0], prev, last);
	else if (len)
		snprintf(err, errlen, "%s: %s", argv[0], out);
	else if (WIFSIGNALED(st))
		snprintf(err, errlen, "%s: killed by signal %d", argv[0], WTERMSIG(st));
	else
		snprintf(err, errlen, "%s: exit status %d", argv[0], WEXITSTATUS(st));
	return -1;
}

void lab_log_tail(const char *path, char *out, size_t len)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	size_t n = 0;

	out[0] = 0;
	if (!f)
		return;
	if (fseek(f, 0, SEEK_END) == 0) {
		long size = ftell(f);

		fseek(f, size > (long)sizeof(buf) - 1 ? size - (long)sizeof(buf) + 1 : 0, SEEK_SET);
	}
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	char *line = strrchr(buf, '\n');

	snprintf(out, len, "%s", line ? line + 1 : buf);
}
