/* Loading a zone set: read and parse every master file into one arena, index the apexes,
 * then precompute the answers. It sits above both zone.c (building, lookups) and answer.c
 * (which looks zones up while it precomputes), so neither of those calls the other back. */
#include "dns/zoneset.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/answer.h"
#include "dns/xfr.h"
#include "dns/zone.h"
#include "lib/log.h"

#define ZONE_FILE_MAX (1024u * 1024 * 1024)

static struct dns_zoneset *zs_new(void)
{
	struct dns_zoneset *zs = xcalloc(1, sizeof(*zs));

	dns_arena_init(&zs->arena);
	return zs;
}

struct dns_zoneset *dns_zoneset_parse(const char *file, const char *text, size_t len, char *err,
				      size_t errlen)
{
	struct dns_zoneset *zs = zs_new();

	if (dns_zone_build(zs, file, text, len, err, errlen) < 0) {
		dns_zoneset_free(zs);
		return NULL;
	}
	dns_zoneset_index(zs);
	dns_answer_prepare(zs);
	return zs;
}

static char *read_file(const char *file, size_t *len, char *err, size_t errlen)
{
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s:0: cannot open: %s", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode) || (size_t)st.st_size > ZONE_FILE_MAX) {
		snprintf(err, errlen, "%s:0: not a regular file of at most 1 GiB", file);
		close(fd);
		return NULL;
	}
	char *text = xmalloc((size_t)st.st_size + 1);
	size_t got = 0;

	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, text + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "%s:0: read: %s", file,
				 r < 0 ? strerror(errno) : "file shrank");
			free(text);
			close(fd);
			return NULL;
		}
		got += (size_t)r;
	}
	close(fd);
	*len = got;
	return text;
}

struct dns_zoneset *dns_zoneset_load(char *const *files, int n, char *err, size_t errlen)
{
	return dns_zoneset_build(files, n, NULL, 0, err, errlen);
}

struct dns_zoneset *dns_zoneset_build(char *const *files, int n, struct dns_ztext *t, int nt,
				      char *err, size_t errlen)
{
	struct dns_zoneset *zs = zs_new();

	for (int i = 0; i < n; i++) {
		size_t len;
		char *text = read_file(files[i], &len, err, errlen);
		int rc = text ? dns_zone_build(zs, files[i], text, len, err, errlen) : -1;

		free(text);
		if (rc < 0) {
			dns_zoneset_free(zs);
			return NULL;
		}
	}
	for (int i = 0; i < nt; i++) {
		char why[512];

		t[i].took_cand = t[i].in_set = 0;
		t[i].err[0] = 0;
		if (t[i].cdb) { /* a transfer's records: text here, off the main thread */
			struct buf b;

			buf_init(&b);
			dns_rrdb_text(t[i].cdb, &b);
			t[i].cand = (const char *)b.data;
			t[i].clen = b.len;
		}
		if (t[i].cand && dns_zone_build(zs, t[i].name, t[i].cand, t[i].clen, t[i].err,
						sizeof(t[i].err)) == 0) {
			t[i].took_cand = t[i].in_set = 1;
			continue;
		}
		if (!t[i].text)
			continue;
		if (dns_zone_build(zs, t[i].name, t[i].text, t[i].len, why, sizeof(why)) == 0)
			t[i].in_set = 1;
		else if (!t[i].err[0])
			snprintf(t[i].err, sizeof(t[i].err), "%s", why);
	}
	dns_zoneset_index(zs);
	dns_answer_prepare(zs);
	return zs;
}
