#!/bin/bash
# bench/failover: time from a service's death to the removal of its route at the upstream router.
#
#   sudo bench/failover/run.sh [--no-results]     (TRIALS=20 by default)
#
# Upstream router: BIRD 2 in namespace B (passive, import all, debug off). Two speakers peer with it:
#   namespace A (198.18.0.1/31 <-> B 198.18.0.0/31): anycastd, AS 65001, service 192.0.2.0/24 with
#       check tcp 127.0.0.1:8053 interval 100ms timeout 80ms rise 2 fall 2, flap-limit 0
#   namespace C (198.18.0.3/31 <-> B 198.18.0.2/31): ExaBGP, AS 65002, with Debian's
#       exabgp-healthcheck as its API process (--withdraw-on-down), checking 127.0.0.1:8053 in C
#       with bash's /dev/tcp; two settings, one after the other:
#         "1s":    --interval 1 --fast-interval 1 --rise 1 --fall 1 --timeout 1 (its fastest whole-second
#                  setting; the help speaks of N seconds)
#         "100ms": --interval 0.1 --fast-interval 0.1 --rise 2 --fall 2 --timeout 1 (argparse takes
#                  floats: the same cadence as anycastd's; --timeout is whole seconds, signal.alarm)
# Two more anycastd phases and an anchor (issue 11):
#   "process": check process PIDFILE (the listener's PID), its exit seen through a pidfd
#   "bfd":     anycastd with bfd yes (100ms x 3); the whole speaker is frozen (SIGSTOP) instead
#              of the service killed, resumed (SIGCONT) once the route is gone
#   anchor:    a BIRD 2 site in C (protocol bfd 100 ms x 3, bfd on), frozen the same way
#   The upstream BIRD runs `bfd on` with the same timers for both.
# One speaker announces 192.0.2.0/24 at a time (the other is stopped). A trial: start the service
# (a Python TCP listener in the speaker's namespace), wait until BIRD has the route, wait a random
# 0.5-1.5 s (a random phase against the checker's interval), then SIGKILL the listener; t0 is
# taken from CLOCK_MONOTONIC just before the kill. The driver then asks BIRD "show route
# 192.0.2.0/24" over one persistent control-socket connection (no birdc process per poll) every
# 2 ms; t1 is when the first answer without the route arrives. Resolution: 2 ms + one query
# (~0.2 ms). Reported: t1 - t0 in ms, median, p90 (nearest rank) and max over the trials.
#
# Needs root, bird/birdc, exabgp, exabgp-healthcheck, build/anycastd (make). Bounded: each phase
# stops after 150 s, each trial waits at most 10 s for the route and 6 s for its removal.
# Everything it starts it stops by PID; its namespaces are deleted on exit, also on failure.
# Results: a table on stdout and, unless --no-results, a "## failover" section in
# bench/RESULTS.md (replaced if there is one, the rest of the file kept).
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
ANYCASTD=${ANYCASTD:-$TOP/build/anycastd}
TRIALS=${TRIALS:-20}
PHASE_S=${PHASE_S:-150}
WRITE=1
[ "${1:-}" = --no-results ] && WRITE=0
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

die() { echo "failover: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
for c in bird birdc exabgp exabgp-healthcheck ip bash; do
	command -v "$c" >/dev/null || die "missing $c"
done
[ -x "$ANYCASTD" ] || die "$ANYCASTD not built (run make)"

A=fo$$a
B=fo$$b
C=fo$$c
NSS=()
PIDS=()
D=$(mktemp -d /tmp/anycast-failover.$$.XXXXXX) || die "mktemp"
chmod 755 "$D"

cleanup() {
	local p ns
	trap - EXIT INT TERM
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	sleep 0.5
	for p in "${PIDS[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for ns in "${NSS[@]}"; do
		# whatever is left inside our own namespaces was started by this run
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	[ "${KEEP_TMP:-0}" = 1 ] && echo "kept $D" || rm -rf "$D"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

forget() {
	local p keep=()
	for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}
# stop PID: TERM, then KILL after 3 s
stop() {
	local i
	kill -TERM "$1" 2>/dev/null
	for i in $(seq 30); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	forget "$1"
}
# wait_for SECONDS CMD...: poll every 100 ms
wait_for() {
	local end=$(($(date +%s) + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$(date +%s)" -ge $end ] && return 1
		sleep 0.1
	done
}

for ns in $A $B $C; do
	ip netns add $ns || die "cannot create namespace $ns"
	NSS+=($ns)
	ip -n $ns link set lo up
	ip netns exec $ns sysctl -qw net.ipv4.ip_forward=0 >/dev/null 2>&1
done
ip link add eth0 netns $A type veth peer name eth0 netns $B || die "veth"
ip link add eth0 netns $C type veth peer name eth1 netns $B || die "veth"
ip -n $A addr add 198.18.0.1/31 dev eth0
ip -n $B addr add 198.18.0.0/31 dev eth0
ip -n $C addr add 198.18.0.3/31 dev eth0
ip -n $B addr add 198.18.0.2/31 dev eth1
for l in "$A eth0" "$B eth0" "$B eth1" "$C eth0"; do set -- $l; ip -n $1 link set $2 up; done

# ---------------------------------------------------------------- BIRD
cat >"$D/bird.conf" <<EOF
log "$D/bird.log" all;
router id 198.18.0.0;
protocol device { }
# only the frozen-site phases run BFD on the sites' side; a BFD session that never came up
# does not touch BGP in BIRD, so the other phases are as before
protocol bfd { interface "eth*" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; }; }
template bgp up {
	local as 64500;
	passive on;
	hold time 9;
	bfd on;
	# a session BFD took down is accepted again after 1 s, not BIRD's default 60 s
	error wait time 1, 5;
	ipv4 { import all; export none; };
}
protocol bgp a from up { neighbor 198.18.0.1 as 65001; source address 198.18.0.0; }
protocol bgp x from up { neighbor 198.18.0.3 as 65002; source address 198.18.0.2; }
EOF
ip netns exec $B bird -f -c "$D/bird.conf" -s "$D/bird.ctl" >"$D/bird.out" 2>&1 </dev/null &
PIDS+=($!)
wait_for 10 birdc -s "$D/bird.ctl" show status || die "BIRD did not start"

# ---------------------------------------------------------------- the trial driver
cat >"$D/trials.py" <<'EOF'
import json, os, random, signal, socket, subprocess, sys, time

birdsock, prefix, ns, port, trials, budget, out = sys.argv[1:8]
port, trials, budget = int(port), int(trials), float(budget)
# "kill" (the service's listener is SIGKILLed), "pidfile:PATH" (the same, its PID written to PATH
# for `check process`), or "freeze:PID" (no listener: the site's speaker PID is SIGSTOPped, and
# SIGCONTed once the route is gone)
mode = sys.argv[8] if len(sys.argv) > 8 else "kill"
frozen = int(mode.split(":", 1)[1]) if mode.startswith("freeze:") else 0
PY = sys.executable
LISTENER = r'''
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(128)
s.settimeout(0.5)
end = time.monotonic() + 60
while time.monotonic() < end:
    try:
        c, _ = s.accept()
        c.close()
    except socket.timeout:
        pass
'''

class Bird:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.f = self.s.makefile("rb")
        self.reply()

    def reply(self):
        lines = []
        while True:
            ln = self.f.readline().decode()
            if not ln:
                raise EOFError("BIRD closed the control socket")
            lines.append(ln)
            if len(ln) >= 5 and ln[:4].isdigit() and ln[4] == " ":
                return lines

    def has(self, pfx):
        self.s.sendall(("show route %s\n" % pfx).encode())
        for ln in self.reply():
            body = ln[5:] if ln[:4].isdigit() else ln
            w = body.split()
            if w and w[0] == pfx:
                return True
        return False

bird = Bird(birdsock)
end = time.monotonic() + budget
res = []
errors = []
missing = 0
for i in range(trials):
    if time.monotonic() > end:
        errors.append("phase budget of %gs used up after %d trials" % (budget, i))
        break
    lst = subprocess.Popen(["ip", "netns", "exec", ns, PY, "-c", LISTENER, str(port)] if not frozen
                           else ["true"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if mode.startswith("pidfile:"):
        with open(mode.split(":", 1)[1], "w") as f:
            f.write("%d\n" % lst.pid)
    try:
        # after a freeze, BFD and then BGP have to come back first
        t = time.monotonic() + (30 if frozen else 10)
        while not bird.has(prefix) and time.monotonic() < t:
            time.sleep(0.01)
        if not bird.has(prefix):
            errors.append("trial %d: the route did not appear within 10 s" % (i + 1))
            missing += 1
            if missing >= 3:
                errors.append("giving up this phase: 3 trials without the route")
                break
            continue
        missing = 0
        time.sleep(random.uniform(0.5, 1.5))
        if not bird.has(prefix):
            errors.append("trial %d: the route went away before the kill" % (i + 1))
            continue
        t0 = time.monotonic_ns()
        if frozen:
            os.kill(frozen, signal.SIGSTOP)
        else:
            lst.kill()
        t1 = None
        try:
            while time.monotonic_ns() - t0 < 6e9:
                if not bird.has(prefix):
                    t1 = time.monotonic_ns()
                    break
                time.sleep(0.002)
        finally:
            if frozen:
                os.kill(frozen, signal.SIGCONT)
        if t1 is None:
            errors.append("trial %d: the route was still there 6 s after the kill" % (i + 1))
            continue
        ms = (t1 - t0) / 1e6
        res.append(round(ms, 1))
        print("  trial %2d: %7.1f ms" % (i + 1, ms), flush=True)
    finally:
        if lst.poll() is None:
            lst.kill()
        lst.wait()
json.dump({"ms": res, "errors": errors}, open(out, "w"))
for e in errors:
    print("  error: " + e, flush=True)
EOF

# trials ARGS...: the driver, in the background so that a signal to this script is acted on at
# once (bash runs traps only between foreground commands); stopped by the cleanup if need be
trials() {
	local tp
	"$PY" "$D/trials.py" "$D/bird.ctl" 192.0.2.0/24 "$@" &
	tp=$!
	PIDS+=($tp)
	wait $tp
	forget $tp
}

# ---------------------------------------------------------------- phase 1: anycastd
cat >"$D/anycastd.conf" <<EOF
router-id 198.18.0.1
local-as 65001
control $D/anycastd.sock
neighbor 198.18.0.0 {
    remote-as 64500
    local-address 198.18.0.1
    hold-time 9
}
service dns {
    prefix 192.0.2.0/24
    check tcp 127.0.0.1:8053 interval 100ms timeout 80ms rise 2 fall 2
    flap-limit 0
}
EOF
"$ANYCASTD" -n -c "$D/anycastd.conf" || die "anycastd refuses the config"
bird_est() { birdc -s "$D/bird.ctl" show protocols "$1" | grep -q Established; }
bird_lacks() { ! birdc -s "$D/bird.ctl" show route 192.0.2.0/24 | grep -q '^192.0.2.0/24'; }

echo "== anycastd: check tcp interval 100ms timeout 80ms rise 2 fall 2 ($TRIALS trials)"
ip netns exec $A "$ANYCASTD" -d -c "$D/anycastd.conf" >"$D/anycastd.log" 2>&1 </dev/null &
APID=$!
PIDS+=($APID)
wait_for 20 bird_est a || die "anycastd's session did not come up at BIRD"
trials $A 8053 "$TRIALS" "$PHASE_S" "$D/anycastd.json"
stop $APID
wait_for 10 bird_lacks || die "BIRD kept 192.0.2.0/24 after anycastd stopped"

# anycastd_phase NAME DESCRIPTION CONF_TEXT TRIALS_MODE: anycastd in A with CONF_TEXT after its
# router-id, AS and control socket, the trials in TRIALS_MODE (APID: anycastd's PID)
anycastd_phase() {
	local name=$1 desc=$2 text=$3 mode=$4
	printf 'router-id 198.18.0.1\nlocal-as 65001\ncontrol %s\n%s\n' "$D/anycastd-$name.sock" "$text" \
		>"$D/anycastd-$name.conf"
	"$ANYCASTD" -n -c "$D/anycastd-$name.conf" || die "anycastd refuses the $name config"
	echo "== anycastd: $desc ($TRIALS trials)"
	ip netns exec $A "$ANYCASTD" -d -c "$D/anycastd-$name.conf" >"$D/anycastd-$name.log" 2>&1 </dev/null &
	APID=$!
	PIDS+=($APID)
	wait_for 20 bird_est a || die "anycastd's session did not come up at BIRD ($name)"
	trials $A 8053 "$TRIALS" "$PHASE_S" "$D/anycastd-$name.json" "${mode/APID/$APID}"
	stop $APID
	wait_for 10 bird_lacks || die "BIRD kept 192.0.2.0/24 after anycastd stopped ($name)"
}
NEIGHBOR="neighbor 198.18.0.0 {
    remote-as 64500
    local-address 198.18.0.1
    hold-time 9"
# the service's process watched through a pidfd; the slow interval only re-reads the pid file
anycastd_phase process "check process PIDFILE interval 1s rise 1" "$NEIGHBOR
}
service dns {
    prefix 192.0.2.0/24
    check process $D/svc.pid interval 1s fast-interval 100ms rise 1 fall 2
    flap-limit 0
}" "pidfile:$D/svc.pid"
# the whole site frozen: only BFD can tell (the hold time is 9 s)
anycastd_phase bfd "the site frozen (SIGSTOP), bfd 100ms x 3" "$NEIGHBOR
    bfd yes
    bfd-interval 100ms
    bfd-multiplier 3
}
service dns {
    prefix 192.0.2.0/24
    flap-limit 0
}" "freeze:APID"

# ---------------------------------------------------------------- phases 2 and 3: ExaBGP
cat >"$D/tcpcheck.sh" <<'EOF'
#!/bin/bash
# exit 0 when 127.0.0.1:8053 accepts a TCP connection
exec 3<>/dev/tcp/127.0.0.1/8053
EOF
chmod 755 "$D/tcpcheck.sh"

# exa_phase NAME HEALTHCHECK_ARGS...
exa_phase() {
	local name=$1 epid
	shift
	{
		echo "#!/bin/sh"
		echo "exec exabgp-healthcheck --no-syslog --cmd $D/tcpcheck.sh --ip 192.0.2.0/24 --no-ip-setup --withdraw-on-down $*"
	} >"$D/hc-$name.sh"
	chmod 755 "$D/hc-$name.sh"
	cat >"$D/exabgp-$name.conf" <<EOF
process hc {
	run $D/hc-$name.sh;
	encoder text;
}
neighbor 198.18.0.2 {
	router-id 198.18.0.3;
	local-address 198.18.0.3;
	local-as 65002;
	peer-as 64500;
	hold-time 9;
	family { ipv4 unicast; }
	api { processes [ hc ]; }
}
EOF
	echo "== exabgp-healthcheck $* ($TRIALS trials)"
	ip netns exec $C env exabgp.daemon.user=root exabgp.daemon.drop=false exabgp.daemon.daemonize=false \
		exabgp.api.cli=false exabgp.log.destination=stdout exabgp.tcp.bind= \
		exabgp "$D/exabgp-$name.conf" >"$D/exabgp-$name.log" 2>&1 </dev/null &
	epid=$!
	PIDS+=($epid)
	wait_for 30 bird_est x || die "ExaBGP's session did not come up at BIRD (see $D/exabgp-$name.log)"
	trials $C 8053 "$TRIALS" "$PHASE_S" "$D/exabgp-$name.json"
	stop $epid
	wait_for 15 bird_lacks || die "BIRD kept 192.0.2.0/24 after ExaBGP stopped"
	wait_for 15 sh -c "! birdc -s '$D/bird.ctl' show protocols x | grep -q Established"
}
EXA1="--interval 1 --fast-interval 1 --rise 1 --fall 1 --timeout 1"
EXA2="--interval 0.1 --fast-interval 0.1 --rise 2 --fall 2 --timeout 1"
exa_phase 1s $EXA1
exa_phase 100ms $EXA2

# ---------------------------------------------------------------- the anchor: a frozen BIRD site
cat >"$D/site-bird.conf" <<EOF
log "$D/site-bird.log" all;
router id 198.18.0.3;
protocol device { }
protocol bfd { interface "eth0" { min rx interval 100 ms; min tx interval 100 ms; multiplier 3; }; }
protocol static { ipv4; route 192.0.2.0/24 blackhole; }
protocol bgp up {
	local 198.18.0.3 as 65002;
	neighbor 198.18.0.2 as 64500;
	hold time 9;
	connect retry time 1; connect delay time 1; error wait time 1, 5;
	bfd on;
	ipv4 { import none; export all; };
}
EOF
echo "== BIRD site: the site frozen (SIGSTOP), bfd 100ms x 3 ($TRIALS trials)"
ip netns exec $C bird -f -c "$D/site-bird.conf" -s "$D/site-bird.ctl" >"$D/site-bird.out" 2>&1 </dev/null &
SPID=$!
PIDS+=($SPID)
wait_for 30 bird_est x || die "the BIRD site's session did not come up at BIRD"
trials $C 8053 "$TRIALS" "$PHASE_S" "$D/bird-bfd.json" "freeze:$SPID"
stop $SPID

# ---------------------------------------------------------------- report
BIRDV=$(bird --version 2>&1 | awk '{ print $NF }')
EXAV=$(exabgp --version 2>&1 | awk '/ExaBGP/ { print $NF }')
"$PY" - "$D" "$TRIALS" "$WRITE" "$TOP/bench/RESULTS.md" "$BIRDV" "$EXAV" "$EXA1" "$EXA2" "$(uname -r)" "$(nproc)" <<'EOF'
import json, math, os, sys, time
d, trials, write, results, birdv, exav, exa1, exa2, kernel, ncpu = sys.argv[1:11]
rows = [("anycastd (interval 100ms, fall 2)", "anycastd"),
        ("exabgp-healthcheck (interval 1, fall 1)", "exabgp-1s"),
        ("exabgp-healthcheck (interval 0.1, fall 2)", "exabgp-100ms"),
        ("anycastd check process (pidfd)", "anycastd-process")]
# the frozen site: anycastd's BFD against a BIRD site's, the same upstream BIRD and timers
frozen_rows = [("anycastd, bfd 100ms x 3", "anycastd-bfd"), ("BIRD site, bfd 100 ms x 3", "bird-bfd")]
def stats(v):
    if not v:
        return None
    s = sorted(v)
    n = len(s)
    med = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    return {"n": n, "min": s[0], "median": med, "p90": s[max(0, math.ceil(0.9 * n) - 1)], "max": s[-1]}
st, errs = {}, []
for _, key in rows + frozen_rows:
    j = json.load(open(os.path.join(d, key + ".json")))
    st[key] = stats(j["ms"])
    errs += ["%s: %s" % (key, e) for e in j["errors"]]
# one table: a row per setup, its median over the median of the row keyed base_key
def tabulate(head, ratio_name, rows, base_key):
    lines = ["| %s | trials | min ms | median ms | p90 ms | max ms | median / %s median |" % (head, ratio_name),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    b = st[base_key]
    for label, key in rows:
        s = st[key]
        if s is None:
            lines.append("| %s | 0 | - | - | - | - | - |" % label)
            continue
        ratio = ("%.2f" % (s["median"] / b["median"])) if b else "-"
        lines.append("| %s | %d | %.0f | %.0f | %.0f | %.0f | %s |" % (label, s["n"], s["min"], s["median"], s["p90"], s["max"], ratio))
    return lines
base = st["anycastd"]
table = "\n".join(tabulate("setup", "anycastd", rows, "anycastd") + [""] +
                  tabulate("frozen site (SIGSTOP of its speaker)", "BIRD", frozen_rows, "bird-bfd"))
print()
print(table)
ok = base is not None and base["n"] == int(trials) and base["median"] < 300 and base["max"] < 500
verdict = ("targets met: median %.0f ms < 300 ms, max %.0f ms < 500 ms" % (base["median"], base["max"])) if ok else \
          ("TARGETS NOT MET (median < 300 ms and max < 500 ms over %s trials): %s" % (trials, base))
pr, ab = st["anycastd-process"], st["anycastd-bfd"]
pok = pr is not None and pr["median"] < 20
verdict += "; check process: median %s ms %s 20 ms" % (pr and "%.0f" % pr["median"], "<" if pok else "NOT <")
bok = ab is not None and ab["max"] < 500
verdict += "; frozen site with BFD: max %s ms %s 500 ms" % (ab and "%.0f" % ab["max"], "<" if bok else "NOT <")
ok = ok and pok and bok
print(verdict)
for e in errs:
    print("error: " + e)
if write == "1":
    sec = """## failover

Time from the service's death (SIGKILL of its TCP listener, CLOCK_MONOTONIC) to the removal of
192.0.2.0/24 at the upstream BIRD, polled every 2 ms over BIRD's control socket (resolution
~2 ms); %s trials per row, each after a random 0.5-1.5 s wait so the kill falls at a random
phase of the checker's interval. ExaBGP %s with Debian's exabgp-healthcheck (`--withdraw-on-down`,
the check a bash /dev/tcp connect), BIRD %s, Linux %s, %s CPUs, %s.

Command: `sudo bench/failover/run.sh` (TRIALS=%s)

- anycastd: `check tcp 127.0.0.1:8053 interval 100ms timeout 80ms rise 2 fall 2`, `flap-limit 0`
- exabgp-healthcheck 1s: `%s` (its fastest whole-second setting)
- exabgp-healthcheck 0.1s: `%s` (fractional seconds are accepted; the same cadence as anycastd)
- anycastd check process: `check process PIDFILE interval 1s fast-interval 100ms rise 1 fall 2`;
  the listener's PID in PIDFILE, its exit seen through a pidfd
- frozen site: the site's speaker SIGSTOPped (t0) instead of a kill, resumed once the route is
  gone; anycastd `bfd yes` (100ms x 3) against a BIRD site (`protocol bfd` 100 ms x 3, `bfd on`)
  as the anchor; the upstream BIRD runs `bfd on` with the same timers; hold time 9 s

%s

%s
""" % (trials, exav, birdv, kernel, ncpu, time.strftime("%Y-%m-%d"), trials, exa1, exa2, table, verdict)
    if errs:
        sec += "\nErrors: " + "; ".join(errs) + "\n"
    old = open(results).read() if os.path.exists(results) else "# Benchmarks\n"
    # replace an earlier "## failover" section, keep everything else
    out, skip = [], False
    for ln in old.splitlines(keepends=True):
        if ln.startswith("## "):
            skip = ln.strip() == "## failover"
        if not skip:
            out.append(ln)
    text = "".join(out).rstrip("\n") + "\n\n" + sec
    tmp = results + ".tmp.%d" % os.getpid()
    open(tmp, "w").write(text)
    os.replace(tmp, results)
    print("written to " + results)
sys.exit(0 if ok and not errs else 1)
EOF
