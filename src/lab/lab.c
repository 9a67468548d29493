/* `anycast lab`: the commands, the state directory, and taking a lab down, failing and healing
 * its nodes. Building it is up.c. */
#include "lab/lab_int.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/report.h"
#include "lab/wire.h"
#include "lib/log.h"

volatile sig_atomic_t lab_interrupted;

void lab_ns_name(const char *lab, const char *node, char *out, size_t len)
{
	snprintf(out, len, "%s-%s", lab, node);
}

void lab_path(const struct lab *l, const char *node, const char *file, char *out, size_t len)
{
	if (node)
		snprintf(out, len, "%s/%s/%s", l->dir, node, file);
	else
		snprintf(out, len, "%s/%s", l->dir, file);
}

int lab_write_file(const char *path, const char *text, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t len = strlen(text);

	if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int lab_read_file(const char *path, char *out, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, out, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	out[n] = 0;
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		out[--n] = 0;
	return 0;
}

/* Lab names are file and namespace names: never let one climb out of LAB_RUN_DIR. */
static int valid_name(const char *s)
{
	if (!*s || strlen(s) > 64)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			return 0;
	return 1;
}

/* The labs that have a state directory. */
static size_t list_labs(char ***out)
{
	DIR *d = opendir(LAB_RUN_DIR);
	struct dirent *e;
	size_t n = 0;

	*out = NULL;
	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.' || !valid_name(e->d_name))
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = xstrdup(e->d_name);
	}
	closedir(d);
	return n;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* NULL name: the only lab there is. */
static int pick_lab(const char *name, char *out, size_t len, char *err, size_t errlen)
{
	char **labs;
	size_t n;

	if (name) {
		if (!valid_name(name)) {
			snprintf(err, errlen, "'%s' is not a lab name", name);
			return -1;
		}
		snprintf(out, len, "%s", name);
		return 0;
	}
	n = list_labs(&labs);
	if (n == 1)
		snprintf(out, len, "%s", labs[0]);
	else if (n == 0)
		snprintf(err, errlen, "no lab is up (%s is empty)", LAB_RUN_DIR);
	else
		snprintf(err, errlen, "%zu labs are up (%s, %s%s): name one", n, labs[0], labs[1],
			 n > 2 ? ", ..." : "");
	free_list(labs, n);
	return n == 1 ? 0 : -1;
}

static void find_binary(const char *env, const char *dir, const char *name, char *out, size_t len)
{
	const char *v = getenv(env);
	char path[PATH_MAX];

	if (v && *v) {
		snprintf(out, len, "%s", v);
		return;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (access(path, X_OK) == 0) {
		snprintf(out, len, "%s", path);
		return;
	}
	/* installed: anycastd and anycast-dns in sbin, anycast in bin */
	const char *p = getenv("PATH");
	char *copy = xstrdup(p && *p ? p : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin");

	snprintf(out, len, "%s", name);
	for (char *save = NULL, *d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", d, name);
		if (access(path, X_OK) == 0) {
			snprintf(out, len, "%s", path);
			break;
		}
	}
	free(copy);
}

void lab_find_binaries(struct lab *l)
{
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", l->self, sizeof(l->self) - 1);

	l->self[n > 0 ? n : 0] = 0;
	snprintf(dir, sizeof(dir), "%s", l->self);
	char *slash = strrchr(dir, '/');

	if (slash)
		*slash = 0;
	find_binary("ANYCAST_LAB_ANYCASTD", dir, "anycastd", l->anycastd, sizeof(l->anycastd));
	find_binary("ANYCAST_LAB_DNS", dir, "anycast-dns", l->dns, sizeof(l->dns));
}

int lab_open(const char *name, struct lab *l, char *err, size_t errlen)
{
	char lname[128], path[PATH_MAX], mode[32];

	memset(l, 0, sizeof(*l));
	if (pick_lab(name, lname, sizeof(lname), err, errlen) < 0)
		return -1;
	snprintf(l->dir, sizeof(l->dir), "%s/%s", LAB_RUN_DIR, lname);
	lab_path(l, NULL, "topology.yaml", path, sizeof(path));
	if (access(l->dir, F_OK) < 0) {
		snprintf(err, errlen, "lab %s is not up (no %s)", lname, l->dir);
		return -1;
	}
	if (lab_topo_load(path, &l->topo, err, errlen) < 0)
		return -1;
	l->loaded = 1;
	lab_path(l, NULL, "mode", path, sizeof(path));
	l->direct = lab_read_file(path, mode, sizeof(mode)) == 0 && strcmp(mode, "direct") == 0;
	lab_find_binaries(l);
	return 0;
}

void lab_close(struct lab *l)
{
	if (l->loaded)
		lab_topo_free(&l->topo);
	l->loaded = 0;
}

/* ---- down ---- */

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

/* A namespace "NAME-..." may belong to another lab whose name starts with "NAME-". */
static int other_labs(const char *name, const char *ns)
{
	char **labs;
	size_t n = list_labs(&labs), len;
	int theirs = 0;

	for (size_t i = 0; i < n && !theirs; i++) {
		len = strlen(labs[i]);
		theirs = strcmp(labs[i], name) != 0 && strlen(labs[i]) > strlen(name) &&
			 strncmp(ns, labs[i], len) == 0 && ns[len] == '-';
	}
	free_list(labs, n);
	return theirs;
}

/* The namespaces of lab name: those its state recorded, and any "NAME-*" left by a lab whose
 * state is gone. */
size_t lab_namespaces(const char *name, const char *dir, char ***out)
{
	char prefix[128], path[PATH_MAX], line[256];
	char **found;
	size_t n = 0, nf;
	FILE *f;

	*out = NULL;
	snprintf(path, sizeof(path), "%s/namespaces", dir);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!line[0] || strchr(line, '/'))
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = xstrdup(line);
	}
	if (f)
		fclose(f);
	snprintf(prefix, sizeof(prefix), "%s-", name);
	nf = lab_netns_list(prefix, &found);
	for (size_t i = 0; i < nf; i++) {
		int dup = 0;

		for (size_t j = 0; j < n && !dup; j++)
			dup = strcmp((*out)[j], found[i]) == 0;
		if (dup || other_labs(name, found[i])) {
			free(found[i]);
			continue;
		}
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n++] = found[i];
	}
	free(found);
	return n;
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
	free_list(g_pidfiles, g_npidfiles);
	g_pidfiles = NULL;
	nns = lab_namespaces(name, dir, &nss);
	for (size_t i = 0; i < nns; i++) {
		/* whatever is left inside (a crashed `up`'s children, a `lab exec` shell) */
		lab_proc_kill_netns(nss[i]);
		lab_netns_del(nss[i]);
	}
	free_list(nss, nns);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int lab_down(const char *name, char *err, size_t errlen)
{
	char lname[128], dir[PATH_MAX];

	if (!name) {
		char **labs;
		size_t n = list_labs(&labs);

		free_list(labs, n);
		if (n == 0)
			return 0;       /* nothing to take down: down is idempotent */
	}
	if (pick_lab(name, lname, sizeof(lname), err, errlen) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s", LAB_RUN_DIR, lname);
	lab_teardown(lname, dir);
	char **left;
	size_t n = lab_namespaces(lname, dir, &left);
	free_list(left, n);
	if (n || access(dir, F_OK) == 0) {
		snprintf(err, errlen, "lab %s: could not remove everything (%zu namespaces left%s)",
			 lname, n, access(dir, F_OK) == 0 ? ", state directory left" : "");
		return -1;
	}
	return 0;
}

/* ---- fail, heal ---- */

pid_t lab_start_dns(const struct lab *l, size_t node, char *err, size_t errlen)
{
	const struct lab_node *n = &l->topo.nodes[node];
	char ns[128], zone[PATH_MAX], log[PATH_MAX], pidf[PATH_MAX];
	char any[ADDR_STRLEN + 8], uni[ADDR_STRLEN + 8];

	lab_ns_name(l->topo.name, n->name, ns, sizeof(ns));
	lab_path(l, n->name, "lab.zone", zone, sizeof(zone));
	lab_path(l, n->name, "anycast-dns.log", log, sizeof(log));
	lab_path(l, n->name, "anycast-dns.pid", pidf, sizeof(pidf));
	lab_hostport(&l->topo.anycast_addr, 53, any, sizeof(any));
	lab_hostport(&n->unicast, 53, uni, sizeof(uni));
	char *argv[] = {(char *)l->dns, "-d", "--listen", "127.0.0.1:53", "--listen", any,
			"--listen", uni, "--zone", zone, "--identity", n->name, "--threads", "1",
			NULL};

	return lab_proc_start(ns, argv, log, pidf, err, errlen);
}

static int find_node(const struct lab *l, const char *node, char *err, size_t errlen)
{
	const struct lab_node *n = lab_topo_node(&l->topo, node);

	if (!n) {
		snprintf(err, errlen, "lab %s has no node '%s'", l->topo.name, node);
		return -1;
	}
	return (int)n->index;
}

int lab_fail(const char *name, const char *node, enum lab_fail_kind how, char *err,
	     size_t errlen)
{
	struct lab l;
	char path[PATH_MAX], was[32];
	int i, r = -1;

	if (lab_open(name, &l, err, errlen) < 0)
		return -1;
	if ((i = find_node(&l, node, err, errlen)) < 0)
		goto out;
	lab_path(&l, node, "failed", path, sizeof(path));
	if (lab_read_file(path, was, sizeof(was)) == 0) {
		snprintf(err, errlen, "%s has already failed (%s): anycast lab heal %s", node, was,
			 node);
		goto out;
	}
	if (how == LAB_FAIL_SERVICE) {
		char pidf[PATH_MAX];
		char *files[] = {pidf};

		if (l.topo.nodes[i].kind != LAB_SITE) {
			snprintf(err, errlen, "%s is not a site: only a site has a service to fail "
				 "(--site cuts any node's links)", node);
			goto out;
		}
		/* the service dies, anycastd stays: its dns check fails and it withdraws */
		lab_path(&l, node, "anycast-dns.pid", pidf, sizeof(pidf));
		lab_proc_stop(files, 1);
		r = lab_write_file(path, "service\n", err, errlen);
	} else {
		if (lab_links_set(&l, (size_t)i, 0, err, errlen) == 0)
			r = lab_write_file(path, "site\n", err, errlen);
	}
out:
	lab_close(&l);
	return r;
}

int lab_heal(const char *name, const char *node, char *err, size_t errlen)
{
	struct lab l;
	char path[PATH_MAX], was[32];
	int i, r = -1;

	if (lab_open(name, &l, err, errlen) < 0)
		return -1;
	if ((i = find_node(&l, node, err, errlen)) < 0)
		goto out;
	lab_path(&l, node, "failed", path, sizeof(path));
	if (lab_read_file(path, was, sizeof(was)) < 0) {
		r = 0;          /* nothing to heal */
		goto out;
	}
	if (strcmp(was, "service") == 0)
		r = lab_start_dns(&l, (size_t)i, err, errlen) < 0 ? -1 : 0;
	else
		r = lab_links_set(&l, (size_t)i, 1, err, errlen);
	if (r == 0)
		unlink(path);
out:
	lab_close(&l);
	return r;
}

/* ---- the command ---- */

static _Noreturn void usage(void)
{
	fprintf(stderr,
		"usage: anycast lab up [--no-delay] [--timeout SECONDS] TOPOLOGY.yaml\n"
		"       anycast lab down [NAME]\n"
		"       anycast lab status [--json] [NAME]\n"
		"       anycast lab exec [--lab NAME] NODE -- CMD...\n"
		"       anycast lab fail [--lab NAME] NODE [--service|--site]\n"
		"       anycast lab heal [--lab NAME] NODE\n"
		"       anycast lab demo [--json] [--report FILE.html] [--topology FILE] [--fail SITE] [--crash SITE]\n");
	exit(2);
}

static int cmd_exec(int argc, char **argv)
{
	const char *name = NULL, *node = NULL;
	int i = 1;
	char err[512], ns[128];
	struct lab l;

	for (; i < argc; i++) {
		if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		} else if (!node)
			node = argv[i];
		else
			break;
	}
	if (!node || i >= argc)
		usage();
	if (lab_open(name, &l, err, sizeof(err)) < 0 || find_node(&l, node, err, sizeof(err)) < 0) {
		fprintf(stderr, "anycast lab exec: %s\n", err);
		return 1;
	}
	lab_ns_name(l.topo.name, node, ns, sizeof(ns));
	lab_close(&l);
	/* ip netns exec also remounts /sys for the namespace: `ip link`, `ss` show the node */
	char **args = xcalloc((size_t)(argc - i) + 5, sizeof(*args));
	int n = 0;

	args[n++] = "ip";
	args[n++] = "netns";
	args[n++] = "exec";
	args[n++] = ns;
	while (i < argc)
		args[n++] = argv[i++];
	execvp("ip", args);
	execv("/usr/sbin/ip", args);    /* sbin may not be in a user's PATH */
	execv("/sbin/ip", args);
	fprintf(stderr, "anycast lab exec: cannot run ip: %s\n", strerror(errno));
	return 127;
}

int lab_main(int argc, char **argv)
{
	char err[1024] = "";
	const char *cmd = argc > 1 ? argv[1] : "";
	const char *name = NULL, *node = NULL;
	int json = 0, r;

	if (strcmp(cmd, "wire") == 0)
		return lab_wire_main(argc - 1, argv + 1);
	if (strcmp(cmd, "exec") == 0)
		return cmd_exec(argc - 1, argv + 1);
	if (strcmp(cmd, "demo") == 0)
		return lab_demo_main(argc - 1, argv + 1);
	if (strcmp(cmd, "up") == 0) {
		struct lab_up_opts o = {0};
		const char *file = NULL;

		for (int i = 2; i < argc; i++) {
			if (strcmp(argv[i], "--no-delay") == 0)
				o.no_delay = 1;
			else if (strcmp(argv[i], "--timeout") == 0 && i + 1 < argc)
				o.timeout_s = (unsigned)atoi(argv[++i]);
			else if (argv[i][0] == '-' || file)
				usage();
			else
				file = argv[i];
		}
		if (!file)
			usage();
		if (lab_up_with(file, &o, err, sizeof(err)) < 0) {
			fprintf(stderr, "anycast lab up: %s\n", err);
			return 1;
		}
		return 0;
	}
	enum lab_fail_kind how = LAB_FAIL_SERVICE;
	int how_given = 0;

	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "--lab") == 0 && i + 1 < argc)
			name = argv[++i];
		else if (strcmp(argv[i], "--service") == 0)
			how = LAB_FAIL_SERVICE, how_given = 1;
		else if (strcmp(argv[i], "--site") == 0)
			how = LAB_FAIL_SITE, how_given = 1;
		else if (argv[i][0] == '-')
			usage();
		else if ((strcmp(cmd, "down") == 0 || strcmp(cmd, "status") == 0) && !name)
			name = argv[i];
		else if ((strcmp(cmd, "fail") == 0 || strcmp(cmd, "heal") == 0) && !node)
			node = argv[i];
		else
			usage();
	}
	if (strcmp(cmd, "down") == 0) {
		if (lab_down(name, err, sizeof(err)) < 0) {
			fprintf(stderr, "anycast lab down: %s\n", err);
			return 1;
		}
		return 0;
	}
	if (strcmp(cmd, "status") == 0) {
		struct buf out;

		buf_init(&out);
		r = lab_status(name, json, &out, err, sizeof(err));
		if (r == 0)
			fwrite(out.data, 1, out.len, stdout);
		else
			fprintf(stderr, "anycast lab status: %s\n", err);
		buf_free(&out);
		return r == 0 ? 0 : 1;
	}
	if (strcmp(cmd, "fail") == 0 || strcmp(cmd, "heal") == 0) {
		if (!node)
			usage();
		if (cmd[0] == 'f') {
			/* without a flag: a site loses its service, any other node its links */
			if (!how_given) {
				struct lab l;

				if (lab_open(name, &l, err, sizeof(err)) == 0) {
					const struct lab_node *n = lab_topo_node(&l.topo, node);

					if (n && n->kind != LAB_SITE)
						how = LAB_FAIL_SITE;
					lab_close(&l);
				}
			}
			r = lab_fail(name, node, how, err, sizeof(err));
		} else {
			r = lab_heal(name, node, err, sizeof(err));
		}
		if (r < 0) {
			fprintf(stderr, "anycast lab %s: %s\n", cmd, err);
			return 1;
		}
		return 0;
	}
	usage();
}
