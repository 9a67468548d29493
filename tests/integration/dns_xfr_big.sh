#!/bin/bash
# A big transfer does not stall serving: Knot is the primary of a zone of 200,000 records;
# while anycast-dns takes it by AXFR, then a one-record change by NOTIFY + IXFR (each a new
# zone text of ~8 MB, built and written to --zone-dir with its fsync), a client keeps asking
# another zone over one TCP connection (TCP is served by the main thread, where transfers
# run) and over UDP, and the longest wait for any reply stays bounded. The write of the copy
# runs on the builder thread (builder.h); on the main thread it held every TCP reply for the
# write and fsync.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig knotd knotc
dns_setup
mkdir -p "$D/knot" "$D/zd"
N=200000
# The longest wait allowed for one reply. Measured at a load average of 8-12 on 2 cores:
# 230-260 ms, against 3000-4300 ms when the zone's text was made, copied and written on the
# main thread.
MAX_MS=${MAX_MS:-800}

write_zone() { # SERIAL [EXTRA-LINE]
	{
		printf '$ORIGIN big.test.\n$TTL 300\n@ SOA ns1 hostmaster %s 3600 60 86400 60\n' "$1"
		printf '@ NS ns1\nns1 A 192.0.2.53\n%s\n' "${2:-}"
		awk -v n=$((N - 3)) 'BEGIN { for (i = 0; i < n; i++)
			printf "h%d A 198.51.%d.%d\n", i, 100, i % 250 + 1 }'
	} >"$D/big.zone.new"
	mv "$D/big.zone.new" "$D/big.zone"
}
write_zone 1

KPORT=$((20000 + RANDOM % 40000))
SEC=(--secondary "big.test@127.0.0.1:$KPORT" --zone-dir "$D/zd")
dns_start "${SEC[@]}"
cat >"$D/knot.conf" <<CONF
server:
    rundir: "$D/knot"
    listen: 127.0.0.1@$KPORT
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
database:
    storage: "$D/knot"
remote:
  - id: anycast-dns
    address: 127.0.0.1@$PORT
acl:
  - id: xfr
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "$D"
    zonefile-sync: -1
    zonefile-load: difference
    journal-content: changes
    journal-max-usage: 200M
zone:
  - domain: big.test
    file: "big.zone"
    notify: anycast-dns
    acl: xfr
CONF

# the client: one TCP connection and a UDP socket, one query at a time on each in turn, for
# at most SECS seconds; prints "tcp N MAX_MS udp N MAX_MS lost" when stopped or done
cat >"$D/client.py" <<'PYEOF'
import socket, struct, sys, time, signal
port, secs, stopfile = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3]
import os
q = bytes.fromhex('12340000000100000000000003777777076578616d706c6503636f6d0000010001')
t = socket.create_connection(('127.0.0.1', port), timeout=5)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(2)
st = {'tcp': [0, 0.0], 'udp': [0, 0.0]}
lost = 0
end = time.monotonic() + secs
def recv_n(s, n):
    b = b''
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise ConnectionError('closed')
        b += d
    return b
while time.monotonic() < end and not os.path.exists(stopfile):
    t0 = time.monotonic()
    t.sendall(struct.pack('>H', len(q)) + q)
    l = struct.unpack('>H', recv_n(t, 2))[0]
    recv_n(t, l)
    dt = (time.monotonic() - t0) * 1000
    st['tcp'][0] += 1
    st['tcp'][1] = max(st['tcp'][1], dt)
    t0 = time.monotonic()
    u.sendto(q, ('127.0.0.1', port))
    try:
        u.recv(4096)
        dt = (time.monotonic() - t0) * 1000
        st['udp'][0] += 1
        st['udp'][1] = max(st['udp'][1], dt)
    except socket.timeout:
        lost += 1
    time.sleep(0.002)
print('tcp %d %.0f udp %d %.0f lost %d' % (st['tcp'][0], st['tcp'][1], st['udp'][0], st['udp'][1], lost))
PYEOF

q() { dig -p "$PORT" @127.0.0.1 +time=2 +tries=1 +norecurse "$@" 2>&1; }
served() { q "$1" A +short | grep -qx "$2"; }
STOP=$D/stop
$PY "$D/client.py" "$PORT" 120 "$STOP" >"$D/client.out" 2>&1 &
CLIENT_PID=$!
_PIDS+=("$CLIENT_PID")
knotd -c "$D/knot.conf" >"$D/knot.log" 2>&1 </dev/null &
KNOT_PID=$!
_PIDS+=("$KNOT_PID")
check_eventually 60 "AXFR of $N records: the last name served" served "h$((N - 4)).big.test" 198.51.100.$(((N - 4) % 250 + 1))
check "the log names the AXFR" grep -q "secondary big.test.: serial 1 from .* by AXFR" "$D/dns.log"
check_eventually 10 "the copy is on disk, whole" grep -q "^h$((N - 4))\.big\.test\." "$D/zd/big.test.zone"

write_zone 2 'new A 192.0.2.99'
knotc -c "$D/knot.conf" zone-reload big.test >/dev/null
check_eventually 60 "NOTIFY + IXFR: the change served" served new.big.test 192.0.2.99
check "the log names the IXFR" grep -q 'secondary big.test.: serial 2 from .* by IXFR' "$D/dns.log"
check_eventually 10 "the copy on disk has the change" grep -q '^new\.big\.test\.' "$D/zd/big.test.zone"
check "no temporary file left" bash -c "! ls '$D/zd' | grep -q tmp"
touch "$STOP"
wait_exit "$CLIENT_PID" 10 || die "the client did not stop"
read -r _ tn tmax _ un umax _ lost <"$D/client.out" || { cat "$D/client.out"; die "no client result"; }
log "during both transfers: $tn TCP replies, longest wait $tmax ms; $un UDP, longest $umax ms, $lost lost"
grep -E 'secondary|reloaded' "$D/dns.log" | sed 's/^/         /'
check "TCP kept answering during the transfers ($tn replies)" test "$tn" -gt 100
check "the longest wait for a TCP reply: $tmax ms < $MAX_MS ms" test "$tmax" -lt "$MAX_MS"
check "the longest wait for a UDP reply: $umax ms < $MAX_MS ms" test "$umax" -lt "$MAX_MS"
check "no UDP query lost" test "$lost" = 0
stop_pid "$DNS_PID"
stop_pid "$KNOT_PID"
finish
