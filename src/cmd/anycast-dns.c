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
		   "                   [--coalesce MICROSECONDS] [-d]\n"
		   "       anycast-dns --check --zone FILE ...\n"
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

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "zone", required_argument, NULL, 'z' },
		{ "identity", required_argument, NULL, 'i' },
		{ "threads", required_argument, NULL, 't' },
		{ "tcp-timeout", required_argument, NULL, 'T' },
		{ "udp-size", required_argument, NULL, 'u' },
		{ "coalesce", required_argument, NULL, 'C' },
		{ "check", no_argument, NULL, 'n' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dns_server_opts o = {
		.tcp_idle_ms = DNS_TCP_IDLE_DEFAULT_MS,
		.udp_max = DNS_UDP_MAX_DEFAULT,
		.daemonize = 1,
	};
	char host[256];
	int check = 0, c;
	long v;

	log_init("anycast-dns", 1, LOG_LVL_INFO);
	o.listen = xcalloc((size_t)argc, sizeof(*o.listen));
	o.zones = xcalloc((size_t)argc, sizeof(*o.zones));
	while ((c = getopt_long(argc, argv, "l:z:i:t:T:u:C:dnVh", lopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (dns_listen_parse(optarg, &o.listen[o.nlisten]) < 0) {
				fprintf(stderr, "anycast-dns: bad --listen \"%s\"\n", optarg);
				return 2;
			}
			o.nlisten++;
			break;
		case 'z': o.zones[o.nzones++] = optarg; break;
		case 'i': o.identity = optarg; break;
		case 't':
			if (parse_num(optarg, 1, 1024, &v) < 0) {
				fprintf(stderr, "anycast-dns: --threads wants 1-1024\n");
				return 2;
			}
			o.threads = (int)v;
			break;
		case 'T':
			if (parse_num(optarg, 1, 3600, &v) < 0) {
				fprintf(stderr,
					"anycast-dns: --tcp-timeout wants 1-3600 seconds\n");
				return 2;
			}
			o.tcp_idle_ms = (unsigned)v * 1000;
			break;
		case 'u':
			if (parse_num(optarg, DNS_UDP_MIN, 4096, &v) < 0) {
				fprintf(stderr, "anycast-dns: --udp-size wants 512-4096\n");
				return 2;
			}
			o.udp_max = (uint16_t)v;
			break;
		case 'C':
			if (parse_num(optarg, 0, 1000, &v) < 0) {
				fprintf(stderr,
					"anycast-dns: --coalesce wants 0-1000 microseconds\n");
				return 2;
			}
			o.coalesce_us = (unsigned)v;
			break;
		case 'd': o.daemonize = 0; break;
		case 'n': check = 1; break;
		case 'V': printf("anycast-dns %s\n", DNS_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc || o.nzones == 0 || (!check && o.nlisten == 0)) {
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
	return rc;
}
