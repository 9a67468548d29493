#!/bin/bash
# Helpers for the site_*.sh tests: anycastd on a site with BIRD 2 as its upstream router.
# Sourced after lib.sh (tests/run.sh skips lib*.sh).
#
# Topology (site_net):
#   namespace A: anycastd (AS 65001), the service listeners, eth0 198.18.0.1/31
#   namespace B: BIRD 2   (AS 64500),                       eth0 198.18.0.0/31
# BIRD is passive; anycastd connects. BIRD imports everything from protocol "a" and exports
# nothing. Its RIB is read with `birdc -s $BIRDSOCK show route all PREFIX`.

SA_V4=198.18.0.1
SB_V4=198.18.0.0
SITE_AS=65001
BIRD_AS=64500

# site_net: the two namespaces and the veth; sets A, B, D (temp dir), SOCK, BIRDSOCK
site_net() {
	ns_new a
	A=$NS
	ns_new b
	B=$NS
	veth "$A" eth0 "$B" eth0
	addr "$A" eth0 $SA_V4/31
	addr "$B" eth0 $SB_V4/31
	mk_tmpdir
	D=$TMPD
	SOCK=$D/anycastd.sock
	BIRDSOCK=$D/bird.ctl
}

# ---------------------------------------------------------------- BIRD

# bird_start HOLD_TIME: BIRD in B, one BGP protocol "a" towards anycastd. Sets BIRD_PID.
bird_start() {
	cat >"$D/bird.conf" <<EOF
log stderr all;
router id $SB_V4;
timeformat protocol iso long ms;
timeformat route iso long ms;
protocol device { }
protocol bgp a {
	local $SB_V4 as $BIRD_AS;
	neighbor $SA_V4 as $SITE_AS;
	passive on;
	hold time ${1:-9};
	connect retry time 1; error wait time 1, 5;
	ipv4 { import all; export none; };
}
EOF
	spawn "$B" "$D/bird.log" bird -f -c "$D/bird.conf" -s "$BIRDSOCK"
	BIRD_PID=$SPAWN_PID
	wait_until 10 birdc -s "$BIRDSOCK" show status || die "BIRD control socket did not come up"
}

birdc_() { birdc -s "$BIRDSOCK" "$@"; }

# bird_routes PREFIX: BIRD's routes for exactly PREFIX (fails when BIRD does not answer)
bird_routes() {
	local out
	# birdc exits 1 on "Network not found" (an empty answer): judge by what it printed
	out=$(birdc_ show route all "$1" 2>&1)
	case $out in
	*"Network not found"*) return 0 ;;
	*"Unable to connect"* | "") echo "birdc failed: $out"; return 2 ;;
	esac
	printf '%s\n' "$out"
}
# bird_has PREFIX / bird_lacks PREFIX: is PREFIX in BIRD's table (learned from anycastd)?
bird_has() {
	local out
	out=$(bird_routes "$1") || { echo "$out"; return 1; }
	printf '%s\n' "$out" | awk -v p="$1" '$1 == p { f = 1 } END { exit !f }' && return 0
	echo "BIRD lacks $1:"
	printf '%s\n' "$out"
	return 1
}
bird_lacks() {
	local out
	out=$(bird_routes "$1") || { echo "$out"; return 1; }
	printf '%s\n' "$out" | awk -v p="$1" '$1 == p { f = 1 } END { exit f }' && return 0
	echo "BIRD still has $1:"
	printf '%s\n' "$out"
	return 1
}
# ms_to_withdraw PREFIX T0_NS: waits (at most 10 s, a tight loop) until BIRD lacks PREFIX and
# prints the ms since T0_NS (date +%s%N taken just before the failure was caused)
ms_to_withdraw() {
	while birdc_ show route "$1" 2>/dev/null | grep -q "^$1"; do
		[ $(($(date +%s%N) - $2)) -gt 10000000000 ] && break
	done
	echo $((($(date +%s%N) - $2) / 1000000))
}
# bird_attr PREFIX ATTR: the value of BGP.ATTR (as_path, community, ...) of PREFIX at BIRD
bird_attr() { bird_routes "$1" | sed -n "s/^[[:space:]]*BGP\.$2:[[:space:]]*//p" | head -n 1; }
# bird_path_len PREFIX: number of ASes in the AS path of PREFIX at BIRD
bird_path_len() { bird_attr "$1" as_path | wc -w; }

# bird_route_is PREFIX PATH_LEN GSHUT(0|1): PREFIX is at BIRD with that AS path length, and with
# (1) or without (0) the community (65535,0)
bird_route_is() {
	local out path comm n g=0
	out=$(bird_routes "$1") || { echo "$out"; return 1; }
	printf '%s\n' "$out" | awk -v p="$1" '$1 == p { f = 1 } END { exit !f }' || {
		echo "BIRD lacks $1:"
		printf '%s\n' "$out"
		return 1
	}
	path=$(printf '%s\n' "$out" | sed -n 's/^[[:space:]]*BGP\.as_path:[[:space:]]*//p' | head -n 1)
	comm=$(printf '%s\n' "$out" | sed -n 's/^[[:space:]]*BGP\.community:[[:space:]]*//p' | head -n 1)
	n=$(echo $path | wc -w)
	case $comm in *"(65535,0)"*) g=1 ;; esac
	[ "$n" = "$2" ] && [ "$g" = "$3" ] && return 0
	echo "want $1 with AS path length $2 and graceful-shutdown=$3; BIRD has path '$path' ($n) community '$comm':"
	printf '%s\n' "$out"
	return 1
}

# bird_proto: BIRD's "show protocols a" line: name proto table state since(2 words) info
bird_proto() { birdc_ show protocols a | awk '$1 == "a"'; }
bird_established() { bird_proto | grep -q Established; }
# bird_session_id: the state of protocol a and BIRD's end of its TCP connection. A reset is a
# new connection (a new ephemeral port), so this changes exactly when the session resets; the
# protocol's "since" time does not (BIRD moves it by a millisecond after Established).
bird_session_id() {
	local st t
	st=$(bird_proto | awk '{ print $4 }')
	t=$(tcp_sessions "$B" $SB_V4 $SA_V4 | paste -sd ' ' -)
	echo "$st ${t:-no-connection}"
}
bird_session_ready() { bird_established && tcp_session "$B" $SB_V4 $SA_V4 >/dev/null; }
# bird_stable_session_id: the session id once BIRD is Established over exactly one connection
# (a collision may leave two for a moment); at most 10 s
bird_stable_session_id() {
	wait_until 10 bird_session_ready
	bird_session_id
}

# ---------------------------------------------------------------- anycastd

# site_conf FILE HOLD_TIME [SERVICE_TEXT]: anycastd config (router-id, AS, control socket,
# metrics on 127.0.0.1:9179, the neighbor BIRD), then SERVICE_TEXT verbatim
site_conf() {
	cat >"$1" <<EOF
# generated by $T_NAME
router-id $SA_V4
local-as $SITE_AS
control $SOCK
metrics 127.0.0.1:9179
neighbor $SB_V4 {
    remote-as $BIRD_AS
    local-address $SA_V4
    hold-time $2
}
${3:-}
EOF
}

# anycastd_start: anycastd -d -c $D/anycastd.conf in A; sets APID; waits for the control socket
anycastd_start() {
	spawn "$A" "$D/anycastd.log" "$ANYCASTD" -d -c "$D/anycastd.conf"
	APID=$SPAWN_PID
	wait_until 10 anycast_in "$A" "$SOCK" show services || die "anycastd control socket did not come up"
}

ac() { anycast_in "$A" "$SOCK" "$@"; }

# svc_state NAME: up|down|draining, as `anycast show services --json` says
svc_state() { jget "$(ac show services --json)" "[s['state'] for s in d if s['name']=='$1'][0]"; }
svc_is() {
	local s
	s=$(svc_state "$1")
	[ "$s" = "$2" ] && return 0
	echo "service $1 is '$s', want '$2'"
	return 1
}

# lo_has ADDR / lo_lacks ADDR: the address on lo in A
lo_addrs() { ip -n "$A" addr show dev lo; }
lo_has() { lo_addrs | grep -q "inet $1/" && return 0; echo "no $1 on lo:"; lo_addrs; return 1; }
lo_lacks() { lo_addrs | grep -q "inet $1/" || return 0; echo "$1 still on lo:"; lo_addrs; return 1; }

# metrics: the Prometheus text from anycastd's endpoint in A
metrics() { ip netns exec "$A" curl -s -m 2 http://127.0.0.1:9179/metrics; }
# metric NAME LABEL_SUBSTRING: the value of the first sample of NAME whose labels contain it
# (label values may hold spaces: the value is the last field)
metric() { metrics | awk -v n="$1" -v l="$2" 'index($0, n "{") == 1 && index($0, l) { print $NF; exit }'; }
metric_is() {
	local v
	v=$(metric "$1" "$2")
	[ "$v" = "$3" ] && return 0
	echo "metric $1{..$2..} = '$v', want '$3'"
	metrics | grep "^$1" | head
	return 1
}

# ---------------------------------------------------------------- the service: a TCP listener

# listener_start PORT: a TCP listener on 127.0.0.1:PORT in A that accepts and closes (at most
# 300 s); sets LISTEN_PID; waits until it accepts
listener_start() {
	spawn "$A" "$D/listen-$1.log" "$PY" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(128)
s.settimeout(0.5)
end = time.monotonic() + 300
while time.monotonic() < end:
    try:
        c, _ = s.accept()
        c.close()
    except socket.timeout:
        pass
' "$1"
	LISTEN_PID=$SPAWN_PID
	wait_until 5 ip netns exec "$A" "$PY" -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$1" ||
		fail "listener on port $1 did not come up"
}
listener_stop() { stop_pid "$1" KILL 2; }

# show_site_logs: tails of anycastd's and BIRD's logs (after a failure)
show_site_logs() {
	local f
	for f in "$D/anycastd.log" "$D/bird.log"; do
		[ -s "$f" ] || continue
		echo "---- tail of $f"
		tail -n 25 "$f"
	done
}
