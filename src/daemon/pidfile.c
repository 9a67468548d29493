/* The pidfile (see pidfile.h). */
#include "daemon/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/log.h"

/* Whether uid/gid may create and remove entries in the directory of path. */
static int dir_writable_by(const char *path, uint32_t uid, uint32_t gid)
{
	char dir[4096];
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');

	if (!slash)
		return 1;
	if (slash == dir)
		slash[1] = 0;
	else
		*slash = 0;
	if (stat(dir, &st) < 0)
		return 0;
	if (st.st_uid == uid)
		return (st.st_mode & S_IWUSR) != 0;
	if (st.st_gid == gid)
		return (st.st_mode & S_IWGRP) != 0;
	return (st.st_mode & S_IWOTH) != 0;
}

int daemon_pidfile_write(const char *path, const struct conf_priv *v, char *err, size_t errlen)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		snprintf(err, errlen, "pidfile %s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(path);
		}
		return -1;
	}
	close(fd);
	if (v->user.set &&
	    !dir_writable_by(path, v->user.uid, v->group.set ? v->group.gid : v->user.gid))
		log_warn("pidfile %s: its directory is not writable by user %s, so the file "
			 "will be left behind at exit",
			 path, v->user.name);
	return 0;
}

void daemon_pidfile_remove(const char *path)
{
	char line[32] = "";
	FILE *f = fopen(path, "re");

	if (!f)
		return;
	if (!fgets(line, sizeof(line), f))
		line[0] = 0;
	fclose(f);
	if (strtol(line, NULL, 10) != (long)getpid())
		return;
	if (unlink(path) < 0)
		log_warn("pidfile %s: %s", path, strerror(errno));
}
