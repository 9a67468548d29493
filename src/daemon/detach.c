/* Going to the background without losing the start-up's errors (see detach.h). */
#include "daemon/detach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define DETACH_OK "ok\n"

/* The parent: the child's report, or its death, decides the exit status. */
_Noreturn static void parent_wait(int fd, pid_t child)
{
	char msg[2048];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(msg) - 1 &&
	       ((n = read(fd, msg + len, sizeof(msg) - 1 - len)) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			len += (size_t)n;
	msg[len] = 0;
	if (len == strlen(DETACH_OK) && strcmp(msg, DETACH_OK) == 0)
		_exit(0);
	if (len) {
		fprintf(stderr, "%s\n", msg);
	} else {
		int st = 0;

		/* It died before saying anything: say how. */
		waitpid(child, &st, 0);
		fprintf(stderr, "anycastd: exited during start-up (%s %d)\n",
			WIFSIGNALED(st) ? "signal" : "status",
			WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
	}
	_exit(1);
}

int daemon_detach(void)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid_t pid = fork();

	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return -1;
	}
	if (pid > 0) {
		close(p[1]);
		parent_wait(p[0], pid);
	}
	close(p[0]);
	setsid();
	if (chdir("/") < 0) {
		/* / always exists; nothing sensible to do otherwise */
	}
	return p[1];
}

void daemon_detach_done(int fd, const char *err)
{
	if (fd < 0)
		return;
	const char *m = err ? err : DETACH_OK;

	(void)!write(fd, m, strlen(m));
	close(fd);
	if (err)
		return;
	int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (nul >= 0) {
		dup2(nul, 0);
		dup2(nul, 1);
		dup2(nul, 2);
		if (nul > 2)
			close(nul);
	}
}
