/* anycastd's privileges (see priv.h). */
#include "daemon/priv.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "daemon/daemon.h"
#include "lib/log.h"

/* With more groups than this the user keeps its primary one and the sockets' only. */
#define PRIV_MAX_GROUPS 256

int daemon_priv_socket(const char *path, const struct conf_user *g, mode_t others, char *err,
		       size_t errlen)
{
	if (g->set ? chown(path, (uid_t)-1, (gid_t)g->gid) < 0 || chmod(path, 0660) < 0
		   : chmod(path, others) < 0) {
		snprintf(err, errlen, "control socket %s: %s%s: %s", path,
			 g->set ? "group " : "mode", g->set ? g->name : "", strerror(errno));
		return -1;
	}
	return 0;
}

static int cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int n = 40;

	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 40;
		fclose(f);
	}
	return n;
}

static int set_caps(uint64_t keep)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	return (int)syscall(SYS_capset, &h, d);
}

static uint64_t get_caps(uint64_t *eff)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return ~0ull;
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	return d[0].permitted | (uint64_t)d[1].permitted << 32;
}

/* The user's groups, plus the groups the sockets are given (chown needs membership). */
static int set_groups(const struct conf_priv *v, gid_t gid)
{
	gid_t g[PRIV_MAX_GROUPS];
	int n = PRIV_MAX_GROUPS - 2;

	if (getgrouplist(v->user.name, gid, g, &n) < 0)
		n = 0;
	if (v->control_group.set)
		g[n++] = (gid_t)v->control_group.gid;
	if (v->control_ro_group.set)
		g[n++] = (gid_t)v->control_ro_group.gid;
	return setgroups((size_t)n, g);
}

int daemon_priv_drop(const struct conf_priv *v, char *err, size_t errlen)
{
	const char *step;
	uid_t uid = (uid_t)v->user.uid;
	gid_t gid = (gid_t)(v->group.set ? v->group.gid : v->user.gid);
	uint64_t eff = 0;

	if (!v->user.set)
		return 0;
	/* The bounding set first, while CAP_SETPCAP is still effective. */
	step = "dropping the capability bounding set";
	for (int c = 0; c <= cap_last(); c++)
		if (!(PRIV_KEEP_CAPS >> c & 1) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 &&
		    errno != EINVAL)
			goto fail;
	step = "setting the groups";
	if (set_groups(v, gid) < 0 || setresgid(gid, gid, gid) < 0)
		goto fail;
	/* Keep the permitted set across the uid change; the effective one is cleared by it. */
	step = "switching user";
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || setresuid(uid, uid, uid) < 0)
		goto fail;
	step = "setting the capabilities";
	if (set_caps(PRIV_KEEP_CAPS) < 0)
		goto fail;
	prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	/* Make sure: no way back to root, and exactly the three capabilities. */
	step = "checking";
	if (uid != 0 && (setuid(0) == 0 || seteuid(0) == 0)) {
		errno = EPERM;
		goto fail;
	}
	if (get_caps(&eff) != PRIV_KEEP_CAPS || eff != PRIV_KEEP_CAPS) {
		errno = EPERM;
		goto fail;
	}
	log_info("running as user %s (uid %u, gid %u) with CAP_NET_ADMIN, CAP_NET_BIND_SERVICE, "
		 "CAP_NET_RAW",
		 v->user.name, (unsigned)uid, (unsigned)gid);
	return 0;
fail:
	snprintf(err, errlen, "user %s: %s: %s", v->user.name, step, strerror(errno));
	return -1;
}

static int user_eq(const struct conf_user *a, const struct conf_user *b)
{
	return a->set == b->set && a->uid == b->uid && a->gid == b->gid;
}

static int str_eq(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

void daemon_priv_reload(struct daemon *d, const struct conf *nc)
{
	const struct conf_priv *o = &d->conf.priv, *n = &nc->priv;
	char err[256];

	if (!user_eq(&o->user, &n->user) || !user_eq(&o->group, &n->group) ||
	    !user_eq(&o->control_ro_group, &n->control_ro_group) ||
	    !str_eq(o->control_ro, n->control_ro) || !str_eq(o->pidfile, n->pidfile) ||
	    o->kernel_protocol != n->kernel_protocol)
		log_warn("user, group, control-readonly, pidfile or kernel-protocol changed: "
			 "kept as they are until anycastd restarts");
	/* The control socket may be a new one (a new path): it gets the group now. */
	if (daemon_priv_socket(nc->control, &n->control_group, 0660, err, sizeof(err)) < 0)
		log_warn("%s", err);
}
