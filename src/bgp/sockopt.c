/* Socket options of BGP connections (see sockopt.h). */
#include "bgp/sockopt.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "bgp/speaker.h"
#include "lib/log.h"

#define TTL_MAX 255
#define TTL_IBGP 64
#define TOS_CS6 0xc0 /* DSCP 48 (CS6, network control) << 2 */

int bgp_sockopt_ttl(const struct bgp_peer *p)
{
	if (p->conf.ttl_security)
		return TTL_MAX;
	if (p->conf.multihop)
		return p->conf.multihop;
	return p->env.local_as == p->conf.remote_as ? TTL_IBGP : 1;
}

/* key "" removes the key for peer (ENOENT then is no error). */
static int set_md5(int fd, const struct addr *peer, const char *key)
{
	struct tcp_md5sig m;
	size_t kl = strlen(key);

	memset(&m, 0, sizeof(m));
	addr_to_sa(peer, 0, &m.tcpm_addr);
	m.tcpm_keylen = (uint16_t)kl;
	memcpy(m.tcpm_key, key, kl);
	if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &m, sizeof(m)) == 0 || (!kl && errno == ENOENT))
		return 0;
	return -1;
}

/* TTL out, minimum TTL in, class: per family. */
static void set_ttl_tos(int fd, int af, int ttl, int minttl)
{
	int tos = TOS_CS6;

	if (af == AF_INET) {
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IP, IP_TOS, &tos, sizeof(tos));
		if (minttl)
			setsockopt(fd, IPPROTO_IP, IP_MINTTL, &minttl, sizeof(minttl));
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
		setsockopt(fd, IPPROTO_IPV6, IPV6_TCLASS, &tos, sizeof(tos));
		if (minttl)
			setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &minttl, sizeof(minttl));
	}
}

/* RFC 5082 section 3: accept only what left the neighbour with 255 and crossed at most
 * `multihop` - 1 routers. */
static int min_ttl(const struct bgp_peer *p)
{
	int hops = p->conf.multihop ? p->conf.multihop : 1;

	return p->conf.ttl_security ? TTL_MAX + 1 - hops : 0;
}

static void peer_opts(int fd, const struct bgp_peer *p)
{
	set_ttl_tos(fd, p->conf.addr.af, bgp_sockopt_ttl(p), min_ttl(p));
}

int bgp_sockopt_connect(int fd, const struct bgp_peer *p)
{
	char a[ADDR_STRLEN];

	if (p->conf.password[0] && set_md5(fd, &p->conf.addr, p->conf.password) < 0) {
		log_warn("neighbor %s: cannot set the TCP-MD5 key: %s", addr_fmt(&p->conf.addr, a),
			 strerror(errno));
		return -1;
	}
	peer_opts(fd, p);
	return 0;
}

/* The TTL (hop limit) the SYN arrived with, from the headers the listener saved; -1 if
 * unknown (then the minimum TTL on the socket still guards everything after it). */
static int syn_ttl(int fd)
{
	uint8_t h[512];
	socklen_t len = sizeof(h);

	if (getsockopt(fd, IPPROTO_TCP, TCP_SAVED_SYN, h, &len) < 0 || len < 20)
		return -1;
	if (h[0] >> 4 == 4)
		return h[8];
	return len >= 40 && h[0] >> 4 == 6 ? h[7] : -1;
}

int bgp_sockopt_accepted(int fd, const struct bgp_peer *p, char *why, size_t whylen)
{
	int ttl = syn_ttl(fd);

	if (p->conf.ttl_security && ttl >= 0 && ttl < min_ttl(p)) {
		snprintf(why, whylen,
			 "connection closed: it arrived with TTL %d, ttl-security accepts %d or "
			 "more (GTSM off at the neighbour, or more hops away than multihop allows)",
			 ttl, min_ttl(p));
		return -1;
	}
	peer_opts(fd, p);
	return 0;
}

static void listener_key(const struct bgp_listener *l, const struct bgp_peer *p, int add)
{
	char a[ADDR_STRLEN];

	if (l->addr.af != p->conf.addr.af || !p->conf.password[0])
		return;
	if (set_md5(l->fd, &p->conf.addr, add ? p->conf.password : "") < 0)
		log_warn("neighbor %s: cannot %s the TCP-MD5 key on a listening socket: %s",
			 addr_fmt(&p->conf.addr, a), add ? "set" : "remove", strerror(errno));
}

void bgp_sockopt_listener(struct bgp_speaker *sp, int fd, int af)
{
	struct bgp_listener l = { .fd = fd };

	int one = 1;

	l.addr.af = (uint8_t)af;
	set_ttl_tos(fd, af, TTL_MAX, 0);
	setsockopt(fd, IPPROTO_TCP, TCP_SAVE_SYN, &one, sizeof(one));
	for (size_t i = 0; i < sp->npeers; i++)
		listener_key(&l, sp->peers[i], 1);
}

void bgp_sockopt_peer_keys(struct bgp_speaker *sp, const struct bgp_peer *p, int add)
{
	for (size_t i = 0; i < sp->nlisteners; i++)
		listener_key(&sp->listeners[i], p, add);
}

int bgp_sockopt_unacked(int fd)
{
	int proto = 0, n = 0;
	socklen_t l = sizeof(proto);

	if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &l) < 0 || proto != IPPROTO_TCP ||
	    ioctl(fd, SIOCOUTQ, &n) < 0)
		return 0;
	return n;
}

uint64_t bgp_sockopt_md5_drops(void)
{
	FILE *f = fopen("/proc/net/netstat", "re");
	char names[8192], values[8192];
	uint64_t sum = 0;

	if (!f)
		return 0;
	/* Pairs of lines: "TcpExt: NAME NAME ..." then "TcpExt: VALUE VALUE ...". */
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		char *sn = NULL, *sv = NULL;
		char *n = strtok_r(names, " \n", &sn), *v = strtok_r(values, " \n", &sv);

		if (!n || strcmp(n, "TcpExt:") != 0)
			continue;
		while ((n = strtok_r(NULL, " \n", &sn)) && (v = strtok_r(NULL, " \n", &sv)))
			if (strncmp(n, "TCPMD5", 6) == 0)
				sum += strtoull(v, NULL, 10);
	}
	fclose(f);
	return sum;
}

const char *bgp_sockopt_hint(const struct bgp_peer *p)
{
	if (p->conf.password[0] && p->conf.ttl_security)
		return "; TCP-MD5 and ttl-security are configured: check that the neighbour has "
		       "the same password and GTSM too (the kernel drops segments that fail "
		       "either without a word)";
	if (p->conf.password[0])
		return "; TCP-MD5 is configured: the neighbour's password probably differs or is "
		       "missing (the kernel drops segments with a wrong or missing signature "
		       "without a word)";
	if (p->conf.ttl_security)
		return "; ttl-security is configured: the neighbour probably does not send with "
		       "TTL 255 (GTSM off there, or more hops away than multihop allows)";
	return "; no TCP-MD5 or ttl-security here: if the neighbour uses either, configure "
	       "it here too";
}
