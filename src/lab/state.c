/* The state of a lab: its directory, the files in it, its name and namespaces (state.h). */
#include "lab/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/netns.h"
#include "lib/log.h"

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
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-' ||
		      *s == '_'))
			return 0;
	return 1;
}

int lab_rename(struct lab_topo *t, const char *name, char *err, size_t errlen)
{
	if (!valid_name(name)) {
		snprintf(err, errlen, "'%s' is not a lab name ([a-z0-9_-], at most 64)", name);
		return -1;
	}
	if (strcmp(t->name, name) != 0) {
		free(t->name);
		t->name = xstrdup(name);
	}
	return 0;
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

size_t lab_count(void)
{
	char **labs;
	size_t n = list_labs(&labs);

	lab_free_names(labs, n);
	return n;
}

void lab_free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int lab_pick(const char *name, char *out, size_t len, char *err, size_t errlen)
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
	else {
		/* never guess: the other lab may be another user's */
		int k = snprintf(err, errlen, "%zu labs are up, name one with --lab NAME:", n);

		for (size_t i = 0; i < n && k > 0 && (size_t)k < errlen; i++)
			k += snprintf(err + k, errlen - (size_t)k, " %s", labs[i]);
	}
	lab_free_names(labs, n);
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
	for (char *save = NULL, *d = strtok_r(copy, ":", &save); d;
	     d = strtok_r(NULL, ":", &save)) {
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
	if (lab_pick(name, lname, sizeof(lname), err, errlen) < 0)
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
	/* a lab brought up under another name (`demo --name`) is known by its directory */
	if (lab_rename(&l->topo, lname, err, errlen) < 0)
		return -1;
	lab_path(l, NULL, "mode", path, sizeof(path));
	if (lab_read_file(path, mode, sizeof(mode)) == 0) {
		l->netem = strcmp(mode, "netem") == 0;
		l->direct = l->netem || strcmp(mode, "direct") == 0;
	}
	lab_find_binaries(l);
	return 0;
}

void lab_close(struct lab *l)
{
	if (l->loaded)
		lab_topo_free(&l->topo);
	l->loaded = 0;
}

int lab_find_node(const struct lab *l, const char *node, char *err, size_t errlen)
{
	const struct lab_node *n = lab_topo_node(&l->topo, node);

	if (!n) {
		snprintf(err, errlen, "lab %s has no node '%s'", l->topo.name, node);
		return -1;
	}
	return (int)n->index;
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
	lab_free_names(labs, n);
	return theirs;
}

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

void lab_hostport(const struct addr *a, int port, char *out, size_t len)
{
	char s[ADDR_STRLEN];

	addr_fmt(a, s);
	snprintf(out, len, a->af == AF_INET6 ? "[%s]:%d" : "%s:%d", s, port);
}

int lab_write_all(int fd, const void *p, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t w = write(fd, (const char *)p + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

int lab_taken(const char *name)
{
	char dir[PATH_MAX], **nss;
	size_t n;

	snprintf(dir, sizeof(dir), "%s/%s", LAB_RUN_DIR, name);
	n = lab_namespaces(name, dir, &nss);
	lab_free_names(nss, n);
	return n || access(dir, F_OK) == 0;
}
