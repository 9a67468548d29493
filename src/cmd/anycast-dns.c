/* anycast-dns: an authoritative DNS responder that tells which instance answered.
 * See anycast-dns(8). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/server.h"
#include "dns/zoneset.h"
#include "lib/log.h"

static void usage(FILE *f)
{
	fprintf(f, "usage: anycast-dns --listen ADDR[:PORT] ... --zone FILE ... [--identity NAME]\n"
		   "                   [--threads N] [--tcp-timeout SECONDS] [--udp-size BYTES]\n"
		   "                   [--tcp-idle MS] [--tcp-max N] [--tcp-per-source N]\n"
		   "                   [--coalesce MICROSECONDS] [-d]\n"
		   "                   [--capacity QPS] [--metrics ADDR:PORT] [--drain-file PATH]\n"
		   "                   [--secondary ZONE@PRIMARY[:PORT] ...] [--zone-dir DIR]\n"
		   "       anycast-dns --check --zone FILE ...\n"
		   "                   [--version STRING|hide] [--tcp-msg-timeout MS]\n"
		   "                   [--cookie-secret FILE]\n"
		   "       anycast-dns --version\n");
}

static int parse_num(const char *s, long min, long max, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* The numeric options and their ranges, checked before the option is taken. */
struct num_opt {
	int c;
	const char *name;
	long min, max;
	const char *unit;
};

static const struct num_opt num_opts[] = {
	{ 't', "threads", 1, 1024, "" },
	{ 'T', "tcp-timeout", 1, 3600, " seconds" },
	{ 'I', "tcp-idle", 10, 3600000, " ms" },
	{ 'M', "tcp-max", 1, 1000000, "" },
	{ 'P', "tcp-per-source", 0, 1000000, "" },
	{ 'u', "udp-size", DNS_UDP_MIN, 4096, "" },
	{ 'C', "coalesce", 0, 1000, " microseconds" },
	{ 'm', "tcp-msg-timeout", 10, 3600000, " ms" },
	{ 'Q', "capacity", 1, DNS_CAPACITY_MAX, " queries per second" },
};

static const struct num_opt *num_opt_find(int c)
{
	for (size_t i = 0; i < sizeof(num_opts) / sizeof(num_opts[0]); i++)
		if (num_opts[i].c == c)
			return &num_opts[i];
	return NULL;
}

/* "192.0.2.1:9153" or "[::1]:9153": --metrics wants a port (53, the default of --listen, would
 * be the DNS one). */
static int has_port(const char *s)
{
	const char *c = strrchr(s, ':');

	return s[0] == '[' ? strstr(s, "]:") != NULL : c != NULL && c == strchr(s, ':');
}

/* ZONE@ADDR[:PORT]: the zone, and its primary as --listen reads an address. */
static int secondary_parse(const char *spec, struct dns_secondary_cfg *out)
{
	const char *at = strrchr(spec, '@');
	struct dns_listen l;

	if (!at || at == spec || dns_secondary_zone(spec, (size_t)(at - spec), out) < 0 ||
	    dns_listen_parse(at + 1, &l) < 0)
		return -1;
	out->primary = l.ss;
	out->plen = l.sslen;
	snprintf(out->ptext, sizeof(out->ptext), "%s", l.text);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "zone", required_argument, NULL, 'z' },
		{ "identity", required_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "tcp-timeout", required_argument, NULL, 'T' },
		{ "tcp-idle", required_argument, NULL, 'I' },
		{ "tcp-max", required_argument, NULL, 'M' },
		{ "tcp-per-source", required_argument, NULL, 'P' },
		{ "udp-size", required_argument, NULL, 'u' },
		{ "coalesce", required_argument, NULL, 'C' },
		{ "secondary", required_argument, NULL, 's' },
		{ "tcp-msg-timeout", required_argument, NULL, 'm' },
		{ "cookie-secret", required_argument, NULL, 'k' },
		{ "zone-dir", required_argument, NULL, 'D' },
		{ "capacity", required_argument, NULL, 'Q' },
		{ "metrics", required_argument, NULL, 'R' },
		{ "drain-file", required_argument, NULL, 'F' },
		{ "check", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dns_server_opts o = {
		.tcp_idle_ms = DNS_TCP_IDLE_DEFAULT_MS,
		.tcp_max = DNS_TCP_MAX_DEFAULT,
		.tcp_per_source = DNS_TCP_PER_SOURCE_DEFAULT,
		.udp_max = DNS_UDP_MAX_DEFAULT,
		.daemonize = 1,
		.tcp_msg_ms = DNS_TCP_MSG_DEFAULT_MS,
	};
	struct dns_listen metrics;
	char host[256];
	int check = 0, c;
	long v = 0;

	log_init("anycast-dns", 1, LOG_LVL_INFO);
	o.listen = xcalloc((size_t)argc, sizeof(*o.listen));
	o.zones = xcalloc((size_t)argc, sizeof(*o.zones));
	o.secondaries = xcalloc((size_t)argc, sizeof(*o.secondaries));
	while ((c = getopt_long(argc, argv, "l:z:i:t:T:I:M:P:u:C:s:D:m:k:Q:R:F:dnVh", lopts,
				NULL)) != -1) {
		const struct num_opt *no = num_opt_find(c);

		if (no && parse_num(optarg, no->min, no->max, &v) < 0) {
			fprintf(stderr, "anycast-dns: --%s wants %ld-%ld%s\n", no->name, no->min,
				no->max, no->unit);
			return 2;
		}
		switch (c) {
		case 'l':
			if (dns_listen_parse(optarg, &o.listen[o.nlisten]) < 0) {
				fprintf(stderr, "anycast-dns: bad --listen \"%s\"\n", optarg);
				return 2;
			}
			o.nlisten++;
			break;
		case 'z': o.zones[o.nzones++] = optarg; break;
		case 's':
			if (secondary_parse(optarg, &o.secondaries[o.nsecondaries]) < 0) {
				fprintf(stderr,
					"anycast-dns: bad --secondary \"%s\" (ZONE@ADDR[:PORT])\n",
					optarg);
				return 2;
			}
			o.nsecondaries++;
			break;
		case 'D': o.zone_dir = optarg; break;
		case 'Q': o.capacity = (uint32_t)v; break;
		case 'R':
			if (!has_port(optarg) || dns_listen_parse(optarg, &metrics) < 0) {
				fprintf(stderr, "anycast-dns: bad --metrics \"%s\" (ADDR:PORT)\n",
					optarg);
				return 2;
			}
			o.metrics = &metrics;
			break;
		case 'F': o.drain_file = optarg; break;
		case 'k': o.cookie_secret = optarg; break;
		case 'i': o.identity = optarg; break;
		case 't': o.threads = (int)v; break;
		case 'T': o.tcp_idle_ms = (unsigned)v * 1000; break;
		case 'I': o.tcp_idle_ms = (unsigned)v; break;
		case 'M': o.tcp_max = (int)v; break;
		case 'P': o.tcp_per_source = (int)v; break;
		case 'u': o.udp_max = (uint16_t)v; break;
		case 'C': o.coalesce_us = (unsigned)v; break;
		case 'm': o.tcp_msg_ms = (unsigned)v; break;
		case 'd': o.daemonize = 0; break;
		case 'n': check = 1; break;
		case 'V':
			/* --version STRING (or hide) sets what version.bind says; alone, it prints */
			if (optind < argc && argv[optind][0] != '-') {
				o.version = argv[optind++];
				if (strlen(o.version) > 255) {
					fprintf(stderr, "anycast-dns: --version is at most 255 "
							"characters\n");
					return 2;
				}
				break;
			}
			printf("anycast-dns %s\n", DNS_VERSION);
			return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || (o.nzones == 0 && (check || o.nsecondaries == 0)) ||
	    (!check && o.nlisten == 0)) {
		usage(stderr);
		return 2;
	}
	if (check) {
		char err[1024];
		struct dns_zoneset *zs = dns_zoneset_load(o.zones, o.nzones, err, sizeof(err));

		if (!zs) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		printf("%d zones, %zu records: ok\n", zs->nzones, zs->records);
		dns_zoneset_free(zs);
		return 0;
	}
	if (!o.identity) {
		if (gethostname(host, sizeof(host) - 1) < 0)
			strcpy(host, "anycast-dns");
		host[sizeof(host) - 1] = 0;
		o.identity = host;
	}
	if (strlen(o.identity) > 255) {
		fprintf(stderr, "anycast-dns: --identity is at most 255 characters\n");
		return 2;
	}
	int rc = dns_server_run(&o);

	free(o.listen);
	free(o.zones);
	free(o.secondaries);
	return rc;
}
