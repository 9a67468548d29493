/* The restart mark (bgp/restart_mark.h): what a stop leaves makes the next start a restart, for
 * the restart time only; a first start, a mark that says "running" (the instance was killed)
 * and garbage do not. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "bgp/restart_mark.h"
#include "t.h"

static void test_parse(void)
{
	static const struct {
		const char *s;
		int ok;
		uint64_t t;
	} tab[] = {
		{ "stopped 1764900000\n", 1, 1764900000 },
		{ "stopped 12", 1, 12 },
		{ "running\n", 0, 0 },
		{ "stopped \n", 0, 0 },
		{ "stopped 12x\n", 0, 0 },
		{ "stopped -1\n", 0, 0 },
		{ "stopped 99999999999999999999\n", 0, 0 },
		{ "", 0, 0 },
	};

	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		uint64_t t = 0;

		CHECK_INT(bgp_restart_mark_parse(tab[i].s, strlen(tab[i].s), &t), tab[i].ok);
		if (tab[i].ok)
			CHECK_INT(t, tab[i].t);
	}
}

static void write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");

	fputs(s, f);
	fclose(f);
}

static void test_open_stop(void)
{
	char path[] = "/tmp/test_restart_mark.XXXXXX";
	int fd = mkstemp(path), restarted = -1;

	close(fd);
	unlink(path);
	/* first start: no file */
	fd = bgp_restart_mark_open(path, 120, &restarted);
	CHECK(fd >= 0);
	CHECK_INT(restarted, 0);
	/* killed: the mark says running */
	bgp_restart_mark_close(fd);
	fd = bgp_restart_mark_open(path, 120, &restarted);
	CHECK_INT(restarted, 0);
	/* stopped for a restart: the next start is one */
	bgp_restart_mark_stopping(fd);
	fd = bgp_restart_mark_open(path, 120, &restarted);
	CHECK_INT(restarted, 1);
	/* and only that one */
	bgp_restart_mark_close(fd);
	fd = bgp_restart_mark_open(path, 120, &restarted);
	CHECK_INT(restarted, 0);
	bgp_restart_mark_close(fd);
	/* a stop longer ago than the restart time */
	char old[64];

	snprintf(old, sizeof(old), "stopped %lld\n", (long long)time(NULL) - 200);
	write_file(path, old);
	fd = bgp_restart_mark_open(path, 120, &restarted);
	CHECK_INT(restarted, 0);
	bgp_restart_mark_close(fd);
	write_file(path, old);
	fd = bgp_restart_mark_open(path, 300, &restarted);
	CHECK_INT(restarted, 1);
	bgp_restart_mark_close(fd);
	unlink(path);
}

int main(void)
{
	RUN(test_parse);
	RUN(test_open_stop);
	return t_done();
}
