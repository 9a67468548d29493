/* The restart mark file (see restart_mark.h). */
#include "bgp/restart_mark.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

#define STOPPED "stopped "

int bgp_restart_mark_parse(const char *s, size_t len, uint64_t *stopped_at)
{
	size_t k = sizeof(STOPPED) - 1;
	uint64_t t = 0;
	size_t digits = 0;

	if (len < k || memcmp(s, STOPPED, k) != 0)
		return 0;
	for (; k < len && s[k] >= '0' && s[k] <= '9' && digits < 19; k++, digits++)
		t = t * 10 + (uint64_t)(s[k] - '0');
	if (!digits || (k < len && s[k] != '\n'))
		return 0;
	*stopped_at = t;
	return 1;
}

static void write_mark(int fd, const char *line)
{
	size_t n = strlen(line);

	if (ftruncate(fd, 0) < 0 || pwrite(fd, line, n, 0) != (ssize_t)n)
		log_warn("restart mark: %s", strerror(errno));
}

int bgp_restart_mark_open(const char *path, unsigned max_age, int *restarted)
{
	char buf[64];
	uint64_t at;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	*restarted = 0;
	if (fd < 0) {
		log_warn("restart mark %s: %s (a restart will not be told from a first start)",
			 path, strerror(errno));
		return -1;
	}
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	uint64_t now = (uint64_t)time(NULL);

	if (n > 0 && bgp_restart_mark_parse(buf, (size_t)n, &at)) {
		*restarted = at <= now && now - at <= max_age;
		log_info("restart mark %s: the previous instance stopped for a graceful restart "
			 "%" PRIu64 " s ago%s",
			 path, now - at, *restarted ? "" : ", longer than the restart time");
	}
	write_mark(fd, "running\n");
	return fd;
}

void bgp_restart_mark_stopping(int fd)
{
	char line[40];

	if (fd < 0)
		return;
	snprintf(line, sizeof(line), STOPPED "%" PRIu64 "\n", (uint64_t)time(NULL));
	write_mark(fd, line);
	close(fd);
}

void bgp_restart_mark_close(int fd)
{
	if (fd >= 0)
		close(fd);
}
