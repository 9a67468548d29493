/* Unit tests: the protection keywords of anycastd.conf (conf_sec.c), the socket options of
 * BGP connections (sockopt.c, on real loopback sockets: TCP-MD5 with the right key connects,
 * with a wrong one it does not), exec checks as another user (spawn.c) and the read-only
 * control socket's handler (access.c). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bgp/peer.h"
#include "bgp/sockopt.h"
#include "conf/conf.h"
#include "daemon/access.h"
#include "kernel/kr.h"
#include "node/spawn.h"
#include "t.h"

static int parse(const char *text, struct conf *c, char *err, size_t errlen)
{
	return conf_parse("t.conf", text, strlen(text), c, err, errlen);
}

#define NB "router-id 198.18.0.1\nlocal-as 65001\nneighbor 198.18.0.0 {\n remote-as 64500\n"

/* ---------- configuration ---------- */

static void test_conf_good(void)
{
	struct conf c;
	char err[512];
	const char *text = "user nobody\n"
			   "check-user nobody\n"
			   "control-group root\n"
			   "control-readonly /run/ro.sock group root\n"
			   "pidfile /run/a.pid\n"
			   "kernel-protocol 151\n" NB " password \"s3cret key\"\n"
			   " ttl-security yes\n multihop 2\n}\n"
			   "service s {\n prefix 192.0.2.0/24\n check exec \"true\"\n}\n";
	struct passwd *pw = getpwnam("nobody");

	if (!pw) {
		T_SKIP("no user nobody");
		return;
	}
	CHECK_INT(parse(text, &c, err, sizeof(err)), 0);
	CHECK_STR(err, "");
	CHECK(c.priv.user.set && c.priv.user.uid == pw->pw_uid && c.priv.user.gid == pw->pw_gid);
	CHECK_STR(c.priv.user.name, "nobody");
	CHECK(c.priv.control_group.set && c.priv.control_group.gid == 0);
	CHECK_STR(c.priv.control_ro, "/run/ro.sock");
	CHECK(c.priv.control_ro_group.set && c.priv.control_ro_group.gid == 0);
	CHECK_STR(c.priv.pidfile, "/run/a.pid");
	CHECK_INT(c.priv.kernel_protocol, 151);
	CHECK_STR(c.neighbors[0].password, "s3cret key");
	CHECK_INT(c.neighbors[0].ttl_security, 1);
	CHECK_INT(c.neighbors[0].multihop, 2);
	/* check-user reaches the exec check that names no user */
	CHECK(c.services[0].checks[0].run_as.set &&
	      c.services[0].checks[0].run_as.uid == pw->pw_uid);
	conf_free(&c);
}

static void test_conf_defaults(void)
{
	struct conf c;
	char err[512];

	CHECK_INT(parse(NB "}\nservice s {\n prefix 192.0.2.0/24\n check exec \"true\"\n}\n", &c,
			err, sizeof(err)),
		  0);
	CHECK(!c.priv.user.set && !c.priv.control_group.set && !c.priv.control_ro &&
	      !c.priv.pidfile);
	CHECK_INT(c.priv.kernel_protocol, KR_RTPROT);
	/* not FRR's static routes (196), nor any number iproute2 or FRR name */
	CHECK(KR_RTPROT != 196 && KR_RTPROT != 12 && (KR_RTPROT < 186 || KR_RTPROT > 199));
	CHECK_STR(c.neighbors[0].password, "");
	CHECK_INT(c.neighbors[0].ttl_security, 0);
	CHECK_INT(c.neighbors[0].multihop, 0);
	CHECK(!c.services[0].checks[0].run_as.set);
	conf_free(&c);
}

static const struct {
	const char *text;
	const char *err;
} bad[] = {
	{ "user no-such-user-x\n", "t.conf:1:6: unknown user 'no-such-user-x'" },
	{ "group no-such-group-x\n", "t.conf:1:7: unknown group 'no-such-group-x'" },
	{ "group root\n", "t.conf:1:7: 'group' needs 'user'" },
	{ "user nobody\nuser nobody\n", "t.conf:2:1: 'user' given twice" },
	{ "control-group\n", "t.conf:1:1: missing group name after 'control-group'" },
	{ "control-readonly run/ro.sock\n", "t.conf:1:18: control-readonly path must be absolute" },
	{ "control-readonly /ro.sock mode 0666\n", "t.conf:1:27: unexpected 'mode'" },
	{ "pidfile a.pid\n", "t.conf:1:9: pidfile path must be absolute" },
	{ "kernel-protocol 4\n", "t.conf:1:17: invalid kernel-protocol '4' (expected 5..255)" },
	{ "kernel-protocol 256\n", "t.conf:1:17: invalid kernel-protocol '256'" },
	{ NB " password \"\"\n}\n", "t.conf:5:11: password must be 1 to 80 bytes" },
	{ NB " password "
	     "\"123456789012345678901234567890123456789012345678901234567890123456789012345678901\""
	     "\n}\n",
	  "t.conf:5:11: password must be 1 to 80 bytes" },
	{ NB " ttl-security maybe\n}\n", "t.conf:5:15: invalid ttl-security 'maybe'" },
	{ NB " multihop 0\n}\n", "t.conf:5:11: invalid multihop '0' (expected 1..255 hops)" },
	{ NB " multihop 256\n}\n", "t.conf:5:11: invalid multihop '256'" },
	{ "service s {\n prefix 192.0.2.0/24\n check tcp 127.0.0.1:53 user nobody\n}\n",
	  "t.conf:3:25: unknown option 'user' for check tcp" },
	{ "service s {\n prefix 192.0.2.0/24\n check exec \"true\" user no-such-user-x\n}\n",
	  "t.conf:3:25: unknown user 'no-such-user-x'" },
	/* a daemon that dropped root cannot start a check as someone else */
	{ "user nobody\nservice s {\n prefix 192.0.2.0/24\n check exec \"true\" user root\n}\n",
	  "t.conf:4:2: exec check as user root: anycastd runs as nobody" },
	{ "user nobody\ncheck-user root\nservice s {\n prefix 192.0.2.0/24\n check exec \"x\"\n}\n",
	  "t.conf:5:2: exec check as user root: anycastd runs as nobody" },
};
static size_t cur;

static void test_conf_bad(void)
{
	struct conf c;
	char err[512];

	CHECK_INT(parse(bad[cur].text, &c, err, sizeof(err)), -1);
	if (strncmp(err, bad[cur].err, strlen(bad[cur].err)) != 0) {
		printf("bad[%zu]:\n  got      \"%s\"\n  expected \"%s...\"\n", cur, err,
		       bad[cur].err);
		CHECK(0);
	}
	conf_free(&c);
}

/* ---------- socket options ---------- */

static struct bgp_peer *peer(uint32_t local_as, uint32_t remote_as, const char *pw, int gtsm,
			     int multihop)
{
	static struct bgp_peer p;

	memset(&p, 0, sizeof(p));
	p.env.local_as = local_as;
	p.conf.remote_as = remote_as;
	addr_parse("127.0.0.1", &p.conf.addr);
	snprintf(p.conf.password, sizeof(p.conf.password), "%s", pw);
	p.conf.ttl_security = (uint8_t)gtsm;
	p.conf.multihop = (uint8_t)multihop;
	return &p;
}

static void test_ttl(void)
{
	CHECK_INT(bgp_sockopt_ttl(peer(65001, 64500, "", 0, 0)), 1);   /* eBGP: direct */
	CHECK_INT(bgp_sockopt_ttl(peer(65001, 65001, "", 0, 0)), 64);  /* iBGP */
	CHECK_INT(bgp_sockopt_ttl(peer(65001, 64500, "", 0, 3)), 3);   /* multihop */
	CHECK_INT(bgp_sockopt_ttl(peer(65001, 64500, "", 1, 0)), 255); /* GTSM */
	CHECK_INT(bgp_sockopt_ttl(peer(65001, 64500, "", 1, 3)), 255); /* GTSM, multihop */
	CHECK(strstr(bgp_sockopt_hint(peer(1, 2, "x", 0, 0)), "TCP-MD5"));
	CHECK(strstr(bgp_sockopt_hint(peer(1, 2, "", 1, 0)), "ttl-security"));
}

static int getint(int fd, int level, int opt)
{
	int v = -1;
	socklen_t l = sizeof(v);

	getsockopt(fd, level, opt, &v, &l);
	return v;
}

/* Connects to 127.0.0.1:port with p's options; 1 when the handshake completes within 500 ms. */
static int try_connect(const struct bgp_peer *p, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), ok = 0;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(bgp_sockopt_connect(fd, p), 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0 ||
	    (errno == EINPROGRESS && poll(&pfd, 1, 500) == 1 &&
	     getint(fd, SOL_SOCKET, SO_ERROR) == 0))
		ok = 1;
	close(fd);
	return ok;
}

static void test_md5_loopback(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct tcp_md5sig m;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK_INT(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	CHECK_INT(listen(l, 8), 0);
	getsockname(l, (struct sockaddr *)&sa, &sl);
	/* the listener's key for 127.0.0.1, as the speaker sets it */
	memset(&m, 0, sizeof(m));
	memcpy(&m.tcpm_addr, &sa, sizeof(sa));
	m.tcpm_keylen = 6;
	memcpy(m.tcpm_key, "s3cret", 6);
	if (setsockopt(l, IPPROTO_TCP, TCP_MD5SIG, &m, sizeof(m)) < 0) {
		close(l);
		T_SKIP("no TCP-MD5 in this kernel");
		return;
	}
	CHECK_INT(try_connect(peer(1, 2, "s3cret", 0, 0), ntohs(sa.sin_port)), 1);
	CHECK_INT(try_connect(peer(1, 2, "wrong", 0, 0), ntohs(sa.sin_port)), 0);
	CHECK_INT(try_connect(peer(1, 2, "", 0, 0), ntohs(sa.sin_port)), 0);
	close(l);
}

static void test_socket_ttl_tos(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	int fd6 = socket(AF_INET6, SOCK_STREAM, 0);
	struct bgp_peer *p = peer(65001, 64500, "", 1, 2);

	CHECK_INT(bgp_sockopt_connect(fd, p), 0);
	CHECK_INT(getint(fd, IPPROTO_IP, IP_TTL), 255);
	CHECK_INT(getint(fd, IPPROTO_IP, IP_MINTTL), 254); /* 256 - 2 hops */
	CHECK_INT(getint(fd, IPPROTO_IP, IP_TOS), 0xc0);
	p = peer(65001, 64500, "", 0, 0);
	addr_parse("::1", &p->conf.addr);
	CHECK_INT(bgp_sockopt_connect(fd6, p), 0);
	CHECK_INT(getint(fd6, IPPROTO_IPV6, IPV6_UNICAST_HOPS), 1);
	CHECK_INT(getint(fd6, IPPROTO_IPV6, IPV6_TCLASS), 0xc0);
	close(fd);
	close(fd6);
}

/* A KEEPALIVE-sized write from a TTL 1 socket to a peer that requires minttl (0: none):
 * how much stays unacknowledged after waiting for it to clear (at most T_WAIT_MS, less when
 * it clears). */
static int unacked_after(int minttl)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), a, n = -1;
	int ttl = 1;
	static const char ka[19] = { 0 };

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0)
		goto out;
	getsockname(l, (struct sockaddr *)&sa, &sl);
	setsockopt(c, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0 || (a = accept(l, NULL, NULL)) < 0)
		goto out;
	if (minttl)
		setsockopt(a, IPPROTO_IP, IP_MINTTL, &minttl, sizeof(minttl));
	if (write(c, ka, sizeof(ka)) == (ssize_t)sizeof(ka)) {
		/* dropped segments stay unacknowledged: give them 1 s, a clean one clears at once */
		int64_t end = t_now_ms() + (minttl ? 1000 : T_WAIT_MS);

		while ((n = bgp_sockopt_unacked(c)) > 0 && t_now_ms() < end)
			usleep(10000);
	}
	close(a);
out:
	close(c);
	close(l);
	return n;
}

static void test_unacked(void)
{
	int sv[2];

	CHECK_INT(unacked_after(0), 0);
	/* GTSM at the peer only: our bytes never get acknowledged, so no Established */
	CHECK_INT(unacked_after(255), 19);
	/* not TCP: nothing to wait for */
	CHECK_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_INT(write(sv[0], "x", 1), 1);
	CHECK_INT(bgp_sockopt_unacked(sv[0]), 0);
	close(sv[0]);
	close(sv[1]);
}

/* ---------- exec checks as another user ---------- */

static void test_spawn_as(void)
{
	char path[] = "/tmp/anycast-test-sec.XXXXXX", cmd[128], line[32] = "";
	struct passwd *pw = getpwnam("nobody");
	struct conf_user u = { 0 };
	pid_t pid;
	int st = 0, fd = mkstemp(path);

	if (geteuid() != 0 || !pw || fd < 0) {
		if (fd >= 0)
			unlink(path);
		T_SKIP("needs root and a user nobody");
		return;
	}
	close(fd);
	chmod(path, 0666);
	snprintf(cmd, sizeof(cmd), "id -u > %s; grep ^CapEff /proc/self/status >> %s", path, path);
	u.name = "nobody";
	u.uid = pw->pw_uid;
	u.gid = pw->pw_gid;
	u.set = 1;
	CHECK_INT(spawn_sh(cmd, &u, &pid), 0);
	CHECK_INT(waitpid(pid, &st, 0), pid);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	FILE *f = fopen(path, "r");

	CHECK(f && fgets(line, sizeof(line), f));
	CHECK_INT(atoi(line), (int)pw->pw_uid);
	CHECK(f && fgets(line, sizeof(line), f) && strstr(line, "0000000000000000"));
	if (f)
		fclose(f);
	unlink(path);
}

/* ---------- the read-only control socket ---------- */

static void test_readonly_refuses(void)
{
	static const char *const cmds[][2] = {
		{ "reload", NULL }, { "drain", "dns" }, { "resume", "dns" }, { "check", "dns" }
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		char *argv[3] = { (char *)cmds[i][0], (char *)cmds[i][1], NULL };
		struct buf out;

		buf_init(&out);
		CHECK_INT(daemon_ctl_readonly(cmds[i][1] ? 2 : 1, argv, &out, NULL, NULL), -1);
		buf_put8(&out, 0);
		CHECK(strstr((char *)out.data, "read-only control socket"));
		buf_free(&out);
	}
}

int main(void)
{
	RUN(test_conf_good);
	RUN(test_conf_defaults);
	for (cur = 0; cur < sizeof(bad) / sizeof(bad[0]); cur++)
		RUN(test_conf_bad);
	RUN(test_ttl);
	RUN(test_md5_loopback);
	RUN(test_socket_ttl_tos);
	RUN(test_unacked);
	RUN(test_spawn_as);
	RUN(test_readonly_refuses);
	return t_done();
}
