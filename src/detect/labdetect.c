/* The detection measured live from every client of a running lab (labdetect.h).
 *
 * Each client pings the address from inside its namespace (`ip netns exec NS ping`, real ICMP
 * echo through the lab's delayed links), all at once, COUNT echoes 200 ms apart, each ping
 * bounded by its own deadline and the whole by ours; the minimum RTT is a client's
 * measurement. A client's location is its city in the topology. The candidate cities are the
 * cities the lab's nodes stand in (the lab's Internet has nothing elsewhere), with the
 * population GeoNames gives the place; the lab's links are LAB_PATH_INFLATION times the great
 * circle, so the method looks for a server where a path of that inflation ends. */
#include "detect/labdetect.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "detect/cities.h"
#include "lab/lab.h"
#include "lib/addr.h"

#define INTERVAL_S "0.2"

struct pinger {
	size_t node;
	pid_t pid;
	int fd;
	char out[4096];
	size_t len;
};

static pid_t start_ping(const char *ns, const char *addr, int count, int *fd)
{
	char c[16], w[16];
	int p[2];
	pid_t pid;

	snprintf(c, sizeof(c), "%d", count);
	snprintf(w, sizeof(w), "%d", count + 2); /* ping's own deadline, seconds */
	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "ip", "netns", "exec", (char *)ns,   "ping",     "-n",
				 "-q", "-c",    c,      "-i",         INTERVAL_S, "-W",
				 "1",  "-w",    w,      (char *)addr, NULL };

		dup2(p[1], 1);
		execvp("ip", argv);
		_exit(127);
	}
	close(p[1]);
	if (pid < 0) {
		close(p[0]);
		return -1;
	}
	*fd = p[0];
	return pid;
}

/* "rtt min/avg/max/mdev = 1.234/..." (iputils) */
static double min_rtt(const char *out)
{
	const char *s = strstr(out, "min/avg/max");
	double v;

	if (!s || !(s = strchr(s, '=')) || sscanf(s + 1, "%lf", &v) != 1 || v <= 0)
		return -1;
	return v;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs every pinger at once; returns when all have finished or the deadline has passed
 * (stragglers are killed by PID). */
static void collect(struct pinger *pg, size_t n, double deadline)
{
	size_t open = n;

	while (open && now_s() < deadline) {
		struct pollfd pfd[256];
		size_t map[256], k = 0;

		for (size_t i = 0; i < n && k < 256; i++)
			if (pg[i].fd >= 0) {
				pfd[k].fd = pg[i].fd;
				pfd[k].events = POLLIN;
				map[k++] = i;
			}
		if (poll(pfd, k, 200) < 0 && errno != EINTR)
			break;
		for (size_t j = 0; j < k; j++) {
			struct pinger *p = &pg[map[j]];

			if (!(pfd[j].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			ssize_t got = read(p->fd, p->out + p->len, sizeof(p->out) - 1 - p->len);

			if (got > 0) {
				p->len += (size_t)got;
				p->out[p->len] = 0;
			}
			if (got <= 0 || p->len == sizeof(p->out) - 1) {
				close(p->fd);
				p->fd = -1;
				open--;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		if (pg[i].fd >= 0) {
			close(pg[i].fd);
			pg[i].fd = -1;
		}
		if (pg[i].pid > 0) {
			if (waitpid(pg[i].pid, NULL, WNOHANG) == 0) {
				kill(pg[i].pid, SIGKILL);
				waitpid(pg[i].pid, NULL, 0);
			}
		}
	}
}

/* The lab's cities, once each, with the population of the place they stand for. */
static size_t lab_places(const struct lab_topo *t, struct det_place *pl)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_city *c = t->nodes[i].city;
		size_t k;

		if (!c)
			continue;
		for (k = 0; k < n && strcmp(pl[k].name, c->label) != 0; k++)
			;
		if (k < n)
			continue;
		const struct det_city *g = det_city_near(c->lat, c->lon, 50);

		memset(&pl[n], 0, sizeof(pl[n]));
		snprintf(pl[n].name, sizeof(pl[n].name), "%s", c->label);
		if (g)
			memcpy(pl[n].cc, g->cc, sizeof(pl[n].cc));
		pl[n].lat = c->lat;
		pl[n].lon = c->lon;
		pl[n].pop = g ? g->pop : 100000;
		n++;
	}
	return n;
}

static void measure(const struct lab_topo *t, const char *addr, int count, struct det_input *in,
		    struct buf *msgs)
{
	struct pinger *pg = calloc(t->nnodes, sizeof(*pg));
	size_t n = 0;

	if (!pg)
		abort();
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct lab_node *nd = &t->nodes[i];
		char ns[128];

		if (nd->kind != LAB_CLIENT || !nd->city)
			continue;
		lab_ns_name(t->name, nd->name, ns, sizeof(ns));
		pg[n].node = i;
		pg[n].pid = start_ping(ns, addr, count, &pg[n].fd);
		if (pg[n].pid < 0) {
			if (msgs)
				buf_printf(msgs, "%s: cannot start ping: %s\n", nd->name,
					   strerror(errno));
			continue;
		}
		n++;
	}
	collect(pg, n, now_s() + count + 5);
	for (size_t i = 0; i < n; i++) {
		const struct lab_node *nd = &t->nodes[pg[i].node];
		double rtt = min_rtt(pg[i].out);

		if (rtt < 0) {
			if (msgs)
				buf_printf(msgs, "%s: no reply from %s\n", nd->name, addr);
			in->discarded++;
			continue;
		}
		det_input_add(in, nd->name, nd->city->lat, nd->city->lon, rtt);
	}
	free(pg);
}

int det_lab_detect(const struct lab_topo *t, const char *addr, int count, struct det_input *in,
		   struct det_result *r, struct buf *msgs, char *err, size_t errlen)
{
	struct det_place *pl;
	struct det_params p;
	struct addr a;
	int rc = -1;

	if (addr_parse(addr, &a) < 0) {
		snprintf(err, errlen, "%s: not an IP address", addr);
		return -1;
	}
	if (count < 1 || count > DET_LAB_COUNT_MAX) {
		snprintf(err, errlen, "%d pings: from 1 to %d", count, DET_LAB_COUNT_MAX);
		return -1;
	}
	pl = calloc(t->nnodes + 1, sizeof(*pl));
	if (!pl)
		abort();
	det_params_default(&p);
	p.nplaces = lab_places(t, pl);
	p.places = pl;
	p.inflation = LAB_PATH_INFLATION;
	p.w_near = 0;
	p.w_dist = 5;
	p.outliers = 0; /* the lab knows where its clients are */
	det_input_init(in);
	measure(t, addr, count, in, msgs);
	det_input_merge(in);
	if (!in->n)
		snprintf(err, errlen, "no client of lab %s reached %s", t->name, addr);
	else if (det_run(in, &p, r) < 0)
		snprintf(err, errlen, "no usable measurement of %s", addr);
	else
		rc = 0;
	if (rc < 0)
		det_input_free(in);
	free(pl);
	return rc;
}
