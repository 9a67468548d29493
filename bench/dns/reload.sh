#!/bin/bash
# Reload of a large zone: the longest pause of TCP answers while anycast-dns reloads (SIGHUP)
# a zone of N names (default 400,000), and its RSS after the load and after each of two
# reloads. One TCP client asks queries back to back on one connection and records the
# longest gap between two answers during each reload.
#   bench/dns/reload.sh [-n NAMES] [-b BINARY]
set -eu
NAMES=400000
BIN=$(cd "$(dirname "$0")/../.." && pwd)/build/anycast-dns
while getopts n:b: o; do
	case $o in
	n) NAMES=$OPTARG ;;
	b) BIN=$OPTARG ;;
	*) exit 2 ;;
	esac
done
TMP=$(mktemp -d)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$TMP"' EXIT
awk -v n="$NAMES" 'BEGIN { print "$ORIGIN big.test.\n$TTL 300\n@ SOA ns1 h 1 3600 600 86400 300\n@ NS ns1\nns1 A 192.0.2.53"
	for (i = 0; i < n; i++) printf "h%d A 198.51.100.%d\n", i, i % 250 + 1 }' >"$TMP/big.zone"
PORT=$((20000 + RANDOM % 40000))
"$BIN" -d --listen "127.0.0.1:$PORT" --zone "$TMP/big.zone" --threads 1 --identity b >"$TMP/log" 2>&1 &
PID=$!
for _ in $(seq 600); do grep -q ready "$TMP/log" && break; sleep 0.1; done
rss() { awk '/^VmRSS/ { print $2 / 1024 }' "/proc/$PID/status"; }
echo "names $NAMES, binary $BIN"
echo "RSS after the load: $(rss) MiB"
for round in 1 2; do
	python3 - "$PORT" "$TMP/log" "$round" "$PID" <<'PY' &
import socket, struct, sys, time, os
port, logf, want, pid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
q = struct.pack('>HHHHHH', 1, 0, 1, 0, 0, 0) + b'\x02h1\x03big\x04test\x00' + struct.pack('>HH', 1, 1)
s = socket.create_connection(('127.0.0.1', port)); s.settimeout(10)
def ask():
    s.sendall(struct.pack('>H', len(q)) + q)
    b = b''
    while len(b) < 2 or len(b) < 2 + struct.unpack('>H', b[:2])[0]:
        b += s.recv(65536)
last = time.monotonic(); worst = 0; n = 0; sent = False
end = last + 120
while time.monotonic() < end:
    ask(); n += 1
    now = time.monotonic(); worst = max(worst, now - last); last = now
    if not sent and n == 200:
        os.kill(pid, 1); sent = True
    if sent and open(logf).read().count('reloaded') >= want:
        break
for _ in range(200):
    ask(); now = time.monotonic(); worst = max(worst, now - last); last = now
print(f"reload {want}: {n} TCP answers, longest pause {worst * 1000:.1f} ms")
PY
	wait $!
	sleep 1
	echo "RSS after reload $round: $(rss) MiB"
done
