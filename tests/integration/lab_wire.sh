#!/bin/bash
# The lab's wire (src/lab/wire.c): frames between two namespaces cross a third one with a
# one-way delay added in userspace. Asserts the RTT it gives, that TCP moves 5 MB intact through
# it (GSO frames pass whole), that a link set down on the wire side cuts traffic, and that a
# link with a capacity drops what exceeds it (counted in the stats file) while a flood on it
# leaves the RTT of another link as it was.
. "$(dirname "$0")/lib.sh"
require_root
require_cmd python3
[ -x "$ANYCAST" ] || skip "build/anycast not built"

DELAY_US=5000
ns_new x; X=$NS
ns_new y; Y=$NS
ns_new w; W=$NS
veth "$X" xa "$W" wa
veth "$Y" yb "$W" wb
addr "$X" xa 198.18.250.0/31
addr "$Y" yb 198.18.250.1/31
# a second link, X to Y, with a capacity of CAP frames/s each way and a queue of 50
CAP=1000
veth "$X" xc "$W" wc
veth "$Y" yd "$W" wd
addr "$X" xc 198.18.250.2/31
addr "$Y" yd 198.18.250.3/31
mk_tmpdir
T=$TMPD
printf 'wa wb %s\nwc wd 1000 %s 50\n' "$DELAY_US" "$CAP" >"$T/links"
spawn "$W" "$T/wire.log" "$ANYCAST" lab wire --links "$T/links" --stats "$T/stats"
WIRE=$SPAWN_PID

# A UDP echo in Y and 30 round trips from X: every one at least twice the delay (the wire never
# delivers early), the median within 5 ms of it (headroom for a loaded machine).
spawn "$Y" "$T/echo.log" timeout 60 $PY -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("198.18.250.1", 9001))
while True:
    d, a = s.recvfrom(2048)
    s.sendto(d, a)'
wait_until 10 listening "$Y" udp 9001 || die "the UDP echo did not start"
# rtt [COUNT [TIMEOUT_S]]: "answered min_us median_us" of COUNT round trips
rtt() {
	ip netns exec "$X" timeout 20 $PY -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(float(sys.argv[2]))
r = []
for i in range(int(sys.argv[1])):
    t = time.perf_counter()
    s.sendto(b"x" * 64, ("198.18.250.1", 9001))
    try:
        s.recv(100)
        r.append((time.perf_counter() - t) * 1e6)
    except socket.timeout:
        pass
r.sort()
print(len(r), int(r[0]) if r else 0, int(r[len(r) // 2]) if r else 0)' "${1:-30}" "${2:-1}"
}
read -r got min med <<<"$(rtt)"
log "30 round trips: $got answered, min ${min}us, median ${med}us (one-way delay ${DELAY_US}us)"
check "every round trip answered" [ "$got" = 30 ]
check "no round trip shorter than twice the delay" [ "$min" -ge $((2 * DELAY_US)) ]
check "median within 5 ms of twice the delay" [ "$med" -le $((2 * DELAY_US + 5000)) ]

# TCP: 5 MB through the wire, counted at the far end.
spawn "$Y" "$T/sink.log" timeout 30 $PY -c '
import socket
s = socket.socket()
s.bind(("198.18.250.1", 9000))
s.listen(1)
c, _ = s.accept()
n = 0
while True:
    d = c.recv(65536)
    if not d:
        break
    n += len(d)
c.sendall(str(n).encode())'
wait_until 10 listening "$Y" tcp 9000 || die "the TCP sink did not start"
got=$(ip netns exec "$X" timeout 20 $PY -c '
import socket
s = socket.create_connection(("198.18.250.1", 9000))
s.sendall(b"x" * 5000000)
s.shutdown(socket.SHUT_WR)
print(s.recv(100).decode())')
check "5,000,000 bytes over TCP arrive intact (got $got)" [ "$got" = 5000000 ]

# The wire side of a link going down cuts the link.
ip -n "$W" link set wb down
read -r got min med <<<"$(rtt 5 0.3)"
check "no answer while the wire side is down (got ${got:-none})" [ "$got" = 0 ]
ip -n "$W" link set wb up
check_eventually 5 "answers again once it is up" sh -c "[ \"\$(ip netns exec $X timeout 3 $PY -c 'import socket;s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(1);s.sendto(b\"x\",(\"198.18.250.1\",9001));print(len(s.recv(10)))' 2>/dev/null)\" = 1 ]"
check "the wire is still running" alive "$WIRE"

# Capacity: 3000 datagrams at 3000/s into the second link (three times its capacity; bounded,
# about a second) while the first link's RTT is measured. The flood gets through at about the
# link's rate and the rest is dropped and counted; the other link does not notice.
read -r got min idle <<<"$(rtt 30 1)"
ip netns exec "$X" timeout 20 $PY -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
t0 = time.perf_counter()
for i in range(100): # 30 every 10 ms, without spinning a core
    for j in range(30):
        s.sendto(b"f" * 64, ("198.18.250.3", 9)) # discard: nobody listens
    time.sleep(max(0, t0 + (i + 1) / 100 - time.perf_counter()))
' &
FLOOD=$!
read -r got min busy <<<"$(rtt 30 1)"
wait "$FLOOD"
log "other link's median RTT: ${idle}us idle, ${busy}us during the flood"
check "the other link's median RTT within 20% (+1 ms) of idle" \
	[ "$busy" -le $((idle * 12 / 10 + 1000)) ]
# the stats file is rewritten every second: wait until it has seen the whole flood
flood_stats() { awk '$1 == "link" && $2 == "wc" { print $4, $5 }' "$T/stats"; }
check_eventually 5 "the flood's drops reach the stats file" \
	sh -c "[ \"\$(awk '\$1 == \"link\" && \$2 == \"wc\" { print \$4 + \$5 }' $T/stats)\" -ge 3000 ]"
read -r fwd dropped <<<"$(flood_stats)"
log "capacity $CAP/s: $fwd forwarded, $dropped dropped of 3000"
check "frames beyond the capacity dropped (got $dropped)" [ "$dropped" -ge 1000 ]
check "about a second's worth forwarded (got $fwd)" [ "$fwd" -ge 700 -a "$fwd" -le 1800 ]
check "the stats file has the wire's CPU" grep -q '^cpu [0-9.]*$' "$T/stats"
finish
