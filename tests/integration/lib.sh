#!/bin/bash
# Shared helpers for the integration tests (sourced, not run: tests/run.sh skips lib*.sh).
#
# Every test builds its own network namespaces (names carry $$), starts its daemons there in
# the background and records their PIDs; the EXIT/INT/TERM trap stops those PIDs (TERM, then
# KILL after 2 s) and deletes the namespaces and temp dirs, also when the test fails.
# Addresses: only 198.18.0.0/15, 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24, 2001:db8::/32.
# Assertions count passes and failures; finish prints "N passed, N failed" and sets the exit code.
set -u

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$IT_DIR/../.." && pwd)
ANYCASTD=${ANYCASTD:-$TOP/build/anycastd}
ANYCAST=${ANYCAST:-$TOP/build/anycast}
T_NAME=$(basename "$0" .sh)
# the distribution's python3 (a pyenv shim in PATH costs ~300 ms per call)
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi
T_PASSED=0
T_FAILED=0
_PIDS=()        # every process we started, still to be stopped
_NSS=()         # every namespace we created
_DIRS=()        # temp dirs to remove
_FINISHED=0
_FAILS=()       # the failed checks, listed again at the end (the runner shows a log's tail)
_ON_FAIL=()     # commands whose output the end shows when a check failed (on_fail)
_T0=$(date +%s%N)

# ---------------------------------------------------------------- output, skipping

log() { echo "       $(_elapsed) $*"; }
skip() { echo "SKIP: $*"; _FINISHED=1; exit 77; }
require_root() { [ "$(id -u)" = 0 ] || skip "needs root (network namespaces)"; }
# require_cmd CMD...: skip when a command (name in PATH or absolute path) is missing
require_cmd() {
	local c
	for c; do
		command -v "$c" >/dev/null 2>&1 || skip "missing $c"
	done
}
require_anycastd() {
	[ -x "$ANYCASTD" ] || skip "$ANYCASTD not built (run make)"
	[ -x "$ANYCAST" ] || skip "$ANYCAST not built (run make)"
}

# ---------------------------------------------------------------- assertions

_elapsed() { awk -v a="$(date +%s%N)" -v b="$_T0" 'BEGIN{printf "%5.1fs", (a-b)/1e9}'; }
pass() { T_PASSED=$((T_PASSED + 1)); echo "  ok   $(_elapsed) $*"; }
fail() {
	local m="$*"
	T_FAILED=$((T_FAILED + 1))
	_FAILS+=("$(_elapsed) ${m:0:110}")
	echo "  FAIL $(_elapsed) $*"
}
# on_fail CMD: when a check has failed, finish shows CMD's output (its last 12 lines), e.g. the
# tail of a daemon's log: what was going on, where the runner and CI show the test's last lines
on_fail() { _ON_FAIL+=("$1"); }

# check DESC CMD...: pass when CMD exits 0; on failure show its output
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		pass "$desc"
	else
		fail "$desc"
		[ -n "$out" ] && printf '%s\n' "$out" | head -n 40 | sed 's/^/         /'
	fi
	return $rc
}

# check_eventually SECONDS DESC CMD...: pass as soon as CMD exits 0 (polled every 100 ms)
check_eventually() {
	local t=$1 desc=$2 out rc
	shift 2
	if wait_until "$t" "$@"; then
		pass "$desc"
		return 0
	fi
	out=$("$@" 2>&1)
	fail "$desc (not within ${t}s)"
	[ -n "$out" ] && printf '%s\n' "$out" | head -n 40 | sed 's/^/         /'
	return 1
}

# check_steady SECONDS DESC CMD...: pass when CMD keeps exiting 0 for the whole time
check_steady() {
	local t=$1 desc=$2 end out
	shift 2
	end=$(($(date +%s%N) + t * 1000000000))
	while [ "$(date +%s%N)" -lt $end ]; do
		if ! out=$("$@" 2>&1); then
			fail "$desc"
			[ -n "$out" ] && printf '%s\n' "$out" | head -n 40 | sed 's/^/         /'
			return 1
		fi
		sleep 0.2
	done
	pass "$desc"
}

# wait_until SECONDS CMD...: poll CMD every 100 ms; 0 when it succeeded in time
wait_until() {
	local t=$1 end
	shift
	end=$(($(date +%s%N) + t * 1000000000))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s%N)" -ge $end ] && return 1
		sleep 0.1
	done
}

# listening NS tcp|udp PORT: a socket in namespace NS listens on (or is bound to) PORT
listening() {
	[ -n "$(ip netns exec "$1" ss -Hln "--$2" "sport = :$3" 2>/dev/null)" ]
}

# retry N CMD...: run CMD up to N times (200 ms apart) until it succeeds; for probes that can
# fail transiently on a loaded machine (a control socket busy, a CLI timing out)
retry() {
	local n=$1 i
	shift
	for i in $(seq "$n"); do
		"$@" && return 0
		[ "$i" -lt "$n" ] && sleep 0.2
	done
	return 1
}

# nonempty CMD...: print CMD's output, retrying up to 3 times while it is empty
nonempty() {
	local out i
	for i in 1 2 3; do
		out=$("$@" 2>/dev/null)
		[ -n "$out" ] && break
		sleep 0.2
	done
	printf '%s\n' "$out"
}

# finish: print the counts and exit (1 if anything failed)
finish() {
	local c f
	_FINISHED=1
	if [ "$T_FAILED" != 0 ]; then
		for c in "${_ON_FAIL[@]}"; do
			echo "---- $c"
			eval "$c" 2>&1 | tail -n 12 | sed 's/^/   /'
		done
		echo "---- failed:"
		for f in "${_FAILS[@]:0:12}"; do echo "   $f"; done
	fi
	echo "$T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" = 0 ] && exit 0
	exit 1
}

# die MESSAGE: count a failure and stop the test here (cleanup still runs)
die() {
	fail "$*"
	finish
}

# ---------------------------------------------------------------- temp dirs, processes

# mk_tmpdir: make a temp dir (removed at exit) and set TMPD to it.
# Call as: mk_tmpdir; D=$TMPD  (not in $(...): it must record the dir in this shell)
mk_tmpdir() {
	# In $(...) TMPD and the cleanup list would be set in a subshell and lost: the caller's
	# variable would be empty and its files land in / (three lab tests did that until
	# 2026-12-06). Stop the test instead, with a message the runner shows.
	if [ "$BASHPID" != "$$" ]; then
		echo "mk_tmpdir called in a subshell: use 'mk_tmpdir; D=\$TMPD'" >&2
		kill -TERM $$
		exit 1
	fi
	TMPD=$(mktemp -d "/tmp/anycast-$T_NAME.$$.XXXXXX") || die "mktemp failed"
	chmod 755 "$TMPD"
	_DIRS+=("$TMPD")
}

# alive PID: the process exists and is not a zombie
alive() {
	local st
	[ -r "/proc/$1/stat" ] || return 1
	st=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

_forget_pid() {
	local p keep=()
	for p in "${_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	_PIDS=("${keep[@]}")
}

# spawn NS LOGFILE CMD...: run CMD in namespace NS in the background (ip netns exec execs it,
# so the PID is the daemon's). Sets SPAWN_PID.
spawn() {
	local ns=$1 logf=$2
	shift 2
	ip netns exec "$ns" "$@" >"$logf" 2>&1 </dev/null &
	SPAWN_PID=$!
	_PIDS+=("$SPAWN_PID")
}

# wait_exit PID SECONDS: wait for PID (our child) to exit; sets EXIT_STATUS; 1 on timeout
wait_exit() {
	local pid=$1 t=$2 end
	end=$(($(date +%s%N) + t * 1000000000))
	while alive "$pid"; do
		[ "$(date +%s%N)" -ge $end ] && return 1
		sleep 0.1
	done
	wait "$pid" 2>/dev/null
	EXIT_STATUS=$?
	_forget_pid "$pid"
	return 0
}

# stop_pid PID [SIGNAL] [SECONDS]: signal, wait, KILL if still there. Sets EXIT_STATUS.
stop_pid() {
	local pid=$1 sig=${2:-TERM} t=${3:-2}
	kill -"$sig" "$pid" 2>/dev/null
	wait_exit "$pid" "$t" && return 0
	kill -KILL "$pid" 2>/dev/null
	wait_exit "$pid" 2
	return 1
}

# stop_all: stop every recorded process (TERM, KILL after 2 s) and delete every namespace
stop_all() {
	local p ns end left
	for p in "${_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	end=$(($(date +%s%N) + 2000000000))
	while :; do
		left=0
		for p in "${_PIDS[@]}"; do alive "$p" && left=1; done
		[ $left = 0 ] && break
		[ "$(date +%s%N)" -ge $end ] && break
		sleep 0.1
	done
	for p in "${_PIDS[@]}"; do
		alive "$p" && kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	_PIDS=()
	for ns in "${_NSS[@]}"; do
		# anything still inside our own namespace was started by this test: stop it by PID
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	_NSS=()
}

_cleanup() {
	local rc=$? d
	trap - EXIT INT TERM HUP
	trap '' PIPE
	if [ "$_FINISHED" = 0 ]; then
		# aborted: make the runner see a failure
		T_FAILED=$((T_FAILED + 1))
		echo "  FAIL - test aborted (exit status $rc)"
		echo "$T_PASSED passed, $T_FAILED failed"
		[ $rc = 0 ] && rc=1
	fi
	stop_all
	if [ "${KEEP_TMP:-0}" = 1 ]; then
		[ ${#_DIRS[@]} -gt 0 ] && echo "kept: ${_DIRS[*]}"
	else
		for d in "${_DIRS[@]}"; do rm -rf "$d"; done
	fi
	exit $rc
}
trap _cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP
trap 'exit 141' PIPE

# ---------------------------------------------------------------- namespaces and links

# ns_new SUFFIX: create namespace "ac<pid>SUFFIX" with lo up; prints its name.
# Call as: ns_new a; A=$NS  (not in $(...): it must record the namespace in this shell)
ns_new() {
	NS="ac$$$1"
	ip netns add "$NS" || die "cannot create namespace $NS"
	_NSS+=("$NS")
	ip -n "$NS" link set lo up
	# a test namespace never routes anything anywhere
	ip netns exec "$NS" sysctl -qw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0 >/dev/null 2>&1
}

# veth NS1 IF1 NS2 IF2: a veth pair created directly inside the two namespaces, both up
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || die "cannot create veth $2/$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

# addr NS IF ADDR/LEN: add an IPv4 or IPv6 address (IPv6 without DAD so it is usable at once)
addr() {
	case $3 in
	*:*) ip -n "$1" -6 addr add "$3" dev "$2" nodad ;;
	*) ip -n "$1" addr add "$3" dev "$2" ;;
	esac || die "cannot add $3 on $1/$2"
}

# ---------------------------------------------------------------- JSON

# jcheck JSON EXPR [MESSAGE]: evaluate the Python expression EXPR with d = the parsed JSON;
# exit 0 when it is true, else print MESSAGE and the document.
jcheck() {
	"$PY" - "$1" "$2" "${3:-}" <<'EOF'
import json, sys
doc, expr, msg = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    d = json.loads(doc)
except Exception as e:
    print("not JSON (%s): %r" % (e, doc[:500])); sys.exit(2)
try:
    ok = eval(expr, {"d": d, "any": any, "all": all, "len": len, "str": str, "int": int, "set": set, "sorted": sorted})
except Exception as e:
    ok = False; msg = "%s (%s: %s)" % (msg or expr, type(e).__name__, e)
if not ok:
    print(msg or ("false: " + expr))
    print(json.dumps(d, indent=1, sort_keys=True)[:3000])
sys.exit(0 if ok else 1)
EOF
}

# jget JSON EXPR: print the value of the Python expression EXPR (with d = the parsed JSON)
jget() {
	"$PY" -c 'import json,sys; d=json.loads(sys.argv[1]); v=eval(sys.argv[2]); print(v if isinstance(v,str) else json.dumps(v))' "$1" "$2" 2>/dev/null
}

# ---------------------------------------------------------------- anycastd

# anycast_in NS SOCK ARGS...: run build/anycast against a control socket (inside NS)
anycast_in() {
	local ns=$1 sock=$2
	shift 2
	ip netns exec "$ns" "$ANYCAST" -s "$sock" "$@"
}

# neighbor_state NS SOCK ADDR: prints the neighbor's state as anycast reports it
neighbor_state() {
	local j
	j=$(anycast_in "$1" "$2" show neighbors --json 2>/dev/null) || return 1
	jget "$j" "[n['state'] for n in d if n['address']=='$3'][0]"
}
neighbor_established() { [ "$(neighbor_state "$@")" = Established ]; }

# neighbor_uptime NS SOCK ADDR
neighbor_uptime() {
	local j
	j=$(anycast_in "$1" "$2" show neighbors --json 2>/dev/null) || return 1
	jget "$j" "[n['uptime_s'] for n in d if n['address']=='$3'][0]"
}

# neighbor_flaps NS SOCK ADDR: how often anycastd's session with ADDR left Established
neighbor_flaps() {
	local j
	j=$(anycast_in "$1" "$2" show neighbors --json 2>/dev/null) || return 1
	jget "$j" "[n['flaps'] for n in d if n['address']=='$3'][0]"
}

# tcp_sessions NS LOCAL REMOTE: the established BGP connections (port 179 on either end)
# between LOCAL and REMOTE as seen in NS, one "local:port-remote:port" per line, sorted.
# A session that resets is a new TCP connection with a new ephemeral port, so this is the
# session's identity: it changes exactly when the session resets (timestamps do not: BIRD's
# "since" moves by a millisecond with no reset, and two resets can share one second).
tcp_sessions() {
	ip netns exec "$1" ss -tnH state established '( sport = :179 or dport = :179 )' |
		awk -v l="$2" -v r="$3" '
			function host(s) { sub(/:[0-9]+$/, "", s); gsub(/[][]/, "", s); sub(/%.*/, "", s); return s }
			host($3) == l && host($4) == r { print $3 "-" $4 }' | sort
}
# tcp_session NS LOCAL REMOTE: the one established connection; fails while there is none or
# more than one (a connection collision not yet resolved)
tcp_session() {
	local s
	s=$(tcp_sessions "$@")
	[ -n "$s" ] && [ "$(printf '%s\n' "$s" | wc -l)" = 1 ] || return 1
	printf '%s\n' "$s"
}
