/* Named network namespaces as ip(8) keeps them (a bind mount in /run/netns), without running
 * ip: the lab lists, tests and deletes many of them, and enters them from inside its own
 * process to open sockets there. */
#include "lab/netns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "lib/log.h"

#define NETNS_DIR "/run/netns"

void lab_ns_name(const char *lab, const char *node, char *out, size_t len)
{
	snprintf(out, len, "%s-%s", lab, node);
}

int lab_netns_exists(const char *ns)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", ns);
	return access(path, F_OK) == 0;
}

void lab_netns_del(const char *ns)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), NETNS_DIR "/%s", ns);
	umount2(path, MNT_DETACH);
	unlink(path);
}

size_t lab_netns_list(const char *prefix, char ***out)
{
	DIR *d = opendir(NETNS_DIR);
	struct dirent *e;
	size_t n = 0, plen = strlen(prefix);

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || strncmp(e->d_name, prefix, plen) != 0)
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	return n;
}

int lab_in_netns(const char *ns, int (*fn)(void *arg, char *err, size_t errlen), void *arg,
		 char *err, size_t errlen)
{
	char path[PATH_MAX];
	int self, fd, r;

	snprintf(path, sizeof(path), NETNS_DIR "/%s", ns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		snprintf(err, errlen, "namespace %s: %s", ns, strerror(errno));
		if (self >= 0)
			close(self);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	r = fn(arg, err, errlen);
	/* staying in the lab's namespace would silently misdirect everything that follows */
	if (setns(self, CLONE_NEWNET) < 0)
		fatal("cannot return from namespace %s: %s", ns, strerror(errno));
	close(self);
	return r;
}
