/* The anycast-dns server: UDP workers (one SO_REUSEPORT socket per thread and address,
 * recvmmsg/sendmmsg), TCP in the main thread's event loop, SIGHUP reloads. */
#ifndef DNS_SERVER_H
#define DNS_SERVER_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/answer.h"
#include "dns/bucket.h"
#include "dns/secondary.h"
#include "dns/stats.h"
#include "dns/zone.h"

#define DNS_DEFAULT_PORT 53
#define DNS_TCP_IDLE_DEFAULT_MS 10000
#define DNS_TCP_MAX_DEFAULT 512
#define DNS_TCP_PER_SOURCE_DEFAULT 128
#define DNS_TCP_MSG_DEFAULT_MS 5000

struct dns_listen {
	struct sockaddr_storage ss;
	socklen_t sslen;
	char text[80];
};

struct dns_server_opts {
	struct dns_listen *listen;
	int nlisten;
	char **zones;
	int nzones;
	const char *identity;
	int threads; /* > 0 */
	unsigned tcp_idle_ms;
	unsigned tcp_msg_ms;       /* a message begun must be complete within this */
	const char *version;       /* version.bind; "hide": REFUSED; NULL: ours */
	const char *cookie_secret; /* file with the server cookie secret; NULL: a random one */
	int tcp_max;               /* connections; when full the least recently active one goes */
	int tcp_per_source;        /* connections from one address; 0: no limit */
	uint16_t udp_max;
	unsigned coalesce_us; /* 0: off; see coalesce() in server.c */
	struct dns_secondary_cfg *secondaries;
	int nsecondaries;
	const char *zone_dir; /* where secondaries keep their copies; NULL: nowhere */
	int daemonize;        /* detach and log to syslog once the sockets are bound */
	uint32_t capacity;    /* queries per second answered, all threads together; 0: no limit */
	const struct dns_listen *metrics; /* Prometheus text at /metrics; NULL: none */
	const char *drain_file; /* while it exists, TCP connections are closed once answered */
};

/* "192.0.2.1", "192.0.2.1:5353", "::1", "[::1]:5353". 0 ok, -1 bad. */
int dns_listen_parse(const char *s, struct dns_listen *out);

/* Loads the zones, binds, serves until SIGTERM or SIGINT. Returns the exit status. */
int dns_server_run(const struct dns_server_opts *o);

/* ---- shared between server.c and tcp.c ---- */

struct ev_loop;
struct dns_tcp;

struct dns_server {
	const struct dns_server_opts *o;
	struct dns_ctx ctx;
	_Atomic(struct dns_zoneset *) zs;
	struct ev_loop *loop;
	struct dns_tcp *tcp;
	struct dns_secondaries *sec; /* NULL without secondaries; set before the workers start */
	struct dns_bucket *bucket;   /* --capacity; NULL: every query is answered */
	atomic_int draining;         /* the drain file exists */
};

struct dns_tcp *dns_tcp_start(struct dns_server *srv, const struct dns_listen *l, int n);
void dns_tcp_stop(struct dns_tcp *t);
int dns_tcp_conns(const struct dns_tcp *t);
/* Adds the TCP counters, open connections and closes by kind into s. */
void dns_tcp_stats(const struct dns_tcp *t, struct dns_stats *s);
/* Draining on: no new connection is taken (SYNs are dropped, unanswered), and every connection
 * is closed in order (FIN, never RST) once it has answered what it has read, one whose
 * handshake was under way after its first answers; off: connections are taken and stay open
 * again. */
void dns_tcp_drain(struct dns_tcp *t, int on);

#endif
