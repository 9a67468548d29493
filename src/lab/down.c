/* `anycast lab down`: everything of a lab goes, by its recorded PIDs and namespace names, also
 * after a crash (a lost PID file, a namespace the state no longer lists). */
#include "lab/lab.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/netns.h"
#include "lab/proc.h"
#include "lib/log.h"

static char **g_pidfiles;
static size_t g_npidfiles;

static int collect(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	size_t n = strlen(path);

	(void)st;
	(void)ftw;
	if (type == FTW_F && n > 4 && strcmp(path + n - 4, ".pid") == 0) {
		g_pidfiles = xrealloc(g_pidfiles, (g_npidfiles + 1) * sizeof(*g_pidfiles));
		g_pidfiles[g_npidfiles++] = xstrdup(path);
	}
	return 0;
}

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	(void)ftw;
	remove(path);
	return 0;
}

void lab_teardown(const char *name, const char *dir)
{
	char **nss;
	size_t nns;

	/* the daemons first, by their recorded PIDs, while their namespaces still exist */
	g_pidfiles = NULL;
	g_npidfiles = 0;
	nftw(dir, collect, 16, FTW_PHYS);
	lab_proc_stop(g_pidfiles, g_npidfiles);
	lab_free_names(g_pidfiles, g_npidfiles);
	g_pidfiles = NULL;
	nns = lab_namespaces(name, dir, &nss);
	for (size_t i = 0; i < nns; i++) {
		/* whatever is left inside (a crashed `up`'s children, a `lab exec` shell) */
		lab_proc_kill_netns(nss[i]);
		lab_netns_del(nss[i]);
	}
	lab_free_names(nss, nns);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int lab_down(const char *name, char *err, size_t errlen)
{
	char lname[128], dir[PATH_MAX];

	if (!name && lab_count() == 0)
		return 0; /* nothing to take down: down is idempotent */
	if (lab_pick(name, lname, sizeof(lname), err, errlen) < 0)
		return -1;
	/* a typo must not pass for success: nothing of that name, not even a crash's leftovers */
	if (!lab_taken(lname)) {
		snprintf(err, errlen, "no lab %s is up (nothing to take down)", lname);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", LAB_RUN_DIR, lname);
	lab_teardown(lname, dir);
	char **left;
	size_t n = lab_namespaces(lname, dir, &left);
	lab_free_names(left, n);
	if (n || access(dir, F_OK) == 0) {
		snprintf(err, errlen, "lab %s: could not remove everything (%zu namespaces left%s)",
			 lname, n, access(dir, F_OK) == 0 ? ", state directory left" : "");
		return -1;
	}
	return 0;
}
