/* Starting an exec check's command (see spawn.h). */
#include "node/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

extern char **environ;

static int spawn_plain(const char *cmd, int out_fd, pid_t *pid)
{
	posix_spawnattr_t attr;
	posix_spawn_file_actions_t fa;
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	sigset_t none;

	posix_spawnattr_init(&attr);
	/* Default signal mask: the daemon blocks the signals it takes through signalfd. */
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setpgroup(&attr, 0);
	sigemptyset(&none);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out_fd >= 0)
		posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	int r = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);

	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return r;
}

/* In the child: only async-signal-safe calls plus initgroups (the daemon has one thread). */
static void child_as(const char *cmd, const struct conf_user *u, int out_fd)
{
	char *argv[] = { "/bin/sh", "-c", (char *)cmd, NULL };
	sigset_t none;
	int fd = open("/dev/null", O_RDWR);

	setpgid(0, 0);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (fd < 0 || dup2(fd, 0) < 0 || dup2(out_fd >= 0 ? out_fd : fd, 1) < 0 || dup2(fd, 2) < 0)
		_exit(126);
	if (fd > 2)
		close(fd);
	/* Groups first: after setresuid the right to change them is gone. */
	if ((u->name ? initgroups(u->name, (gid_t)u->gid) : setgroups(0, NULL)) < 0 ||
	    setresgid((gid_t)u->gid, (gid_t)u->gid, (gid_t)u->gid) < 0 ||
	    setresuid((uid_t)u->uid, (uid_t)u->uid, (uid_t)u->uid) < 0)
		_exit(126);
	/* No way back: a check must not regain the daemon's rights. */
	if (u->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		_exit(126);
	execve("/bin/sh", argv, environ);
	_exit(127);
}

int spawn_sh(const char *cmd, const struct conf_user *u, pid_t *pid)
{
	return spawn_sh_out(cmd, u, -1, pid);
}

int spawn_sh_out(const char *cmd, const struct conf_user *u, int out_fd, pid_t *pid)
{
	if (!u || !u->set || (uid_t)u->uid == geteuid())
		return spawn_plain(cmd, out_fd, pid);
	pid_t p = fork();

	if (p < 0)
		return errno;
	if (p == 0)
		child_as(cmd, u, out_fd);
	/* Also here, so a kill of the group cannot race the child's own setpgid. */
	setpgid(p, p);
	*pid = p;
	return 0;
}
