#!/bin/bash
# anycast-dns --drain-file (issue 16, the lead's TCP drain design, point 1): N TCP connections
# with pipelined queries, then the drain file: every connection gets all its answers, then an
# orderly EOF (FIN, no ECONNRESET), idle ones too, and the metrics count orderly closes and no
# reset; a connection with half a query gets its answer once the rest comes, with EDNS TCP
# keepalive 0 (RFC 7828), then EOF; a new connection meanwhile is neither accepted nor refused
# (its SYN dropped), and one begun during the drain gets in on its SYN's retransmission once the
# file is gone; UDP is unchanged; the file removed, connections stay open again; no RST on the
# wire throughout.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_root
require_cmd curl dig tcpdump "$PY"
dns_setup
MPORT=9153
N=8  # connections with queries
K=20 # pipelined queries on each
IDLE=3

NS="dnscap-$$-drain"
ip netns add "$NS" || die "cannot create namespace $NS"
_NSS+=("$NS")
ip -n "$NS" link set lo up

metric() {
	ip netns exec "$NS" curl -sf --max-time 2 "http://127.0.0.1:$MPORT/metrics" |
		awk -v n="$1" '$1 == n { print $2; found = 1 } END { exit !found }'
}
metric_is() { [ "$(metric "$1")" = "$2" ]; }

DRAIN=$D/drain/dns.drain # its directory does not exist yet: created with the file
spawn "$NS" "$D/dns.log" "$DNS_BIN" -d --listen 127.0.0.1 "${ZONES[@]}" --identity drain \
	--threads 2 --tcp-idle 20000 --metrics "127.0.0.1:$MPORT" --drain-file "$DRAIN"
DNS_PID=$SPAWN_PID
wait_until 10 metric anycast_dns_draining || {
	cat "$D/dns.log"
	die "anycast-dns did not start"
}
check "not draining without the file" metric_is anycast_dns_draining 0

cat >"$D/drain.py" <<'PYEOF'
import json, os, socket, struct, sys, threading, time, urllib.request
drain, dnsdir, n, k, idle, mport = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:7])
sys.path.insert(0, dnsdir)
from dnswire import recv_msgs

def query(qid, edns=True):
    qn = b'\x03www\x07example\x03com\x00'
    q = struct.pack('>HHHHHH', qid, 0, 1, 0, 0, 1 if edns else 0) + qn + struct.pack('>HH', 1, 1)
    if edns:  # OPT: udp 1232, no options
        q += b'\x00' + struct.pack('>HHIH', 41, 1232, 0, 0)
    return struct.pack('>H', len(q)) + q

def keepalive(msg):
    """The edns-tcp-keepalive TIMEOUT of a reply (our OPT is its last record), or None."""
    i = msg.rfind(b'\x00\x00\x29')
    if i < 0:
        return None
    rdlen = struct.unpack('>H', msg[i + 9:i + 11])[0]
    opts, j = msg[i + 11:i + 11 + rdlen], 0
    while j + 4 <= len(opts):
        code, l = struct.unpack('>HH', opts[j:j + 4])
        if code == 11 and l == 2:
            return struct.unpack('>H', opts[j + 4:j + 6])[0]
        j += 4 + l
    return None

def draining():
    body = urllib.request.urlopen('http://127.0.0.1:%d/metrics' % mport, timeout=2).read().decode()
    return [l.split()[1] for l in body.splitlines() if l.startswith('anycast_dns_draining ')][0]

def wait_draining(v):
    end = time.time() + 10
    while draining() != v and time.time() < end:
        time.sleep(0.05)
    return draining() == v

def finish(s, want):
    """Reads want answers, then expects EOF: (answers in order, 'eof'|'reset'|'open'|error)."""
    got = recv_msgs(s, want)
    ok = len(got) == want and all(m[:2] == struct.pack('>H', i) for i, m in enumerate(got))
    try:
        s.settimeout(5)
        end = s.recv(1)
        how = 'eof' if end == b'' else 'data'
    except ConnectionResetError:
        how = 'reset'
    except socket.timeout:
        how = 'open'
    except OSError as e:
        how = str(e)
    return ok, how, got

out = {}
# 1. N connections with K pipelined queries each, IDLE silent ones, one with half a query;
# then the drain file
conns = [socket.create_connection(('127.0.0.1', 53), timeout=5) for _ in range(n)]
idles = [socket.create_connection(('127.0.0.1', 53), timeout=5) for _ in range(idle)]
half = socket.create_connection(('127.0.0.1', 53), timeout=5)
hq = query(0)
half.sendall(hq[:7])
for s in conns:
    s.sendall(b''.join(query(i) for i in range(k)))
os.makedirs(os.path.dirname(drain), exist_ok=True)
open(drain, 'w').close()
res = [finish(s, k) for s in conns]
out['all_answered'] = sum(r[0] for r in res)
out['ends'] = [r[1] for r in res]
out['idle_ends'] = [finish(s, 0)[1] for s in idles]
for s in conns + idles:
    s.close()
out['draining_seen'] = wait_draining('1')

# 2. the half query completed while draining: its answer, keepalive 0, then EOF
half.sendall(hq[7:])
ok, how, got = finish(half, 1)
half.close()
out['half'] = {'answered': ok, 'end': how, 'keepalive': [keepalive(m) for m in got]}

# 3. a new connection while draining: no SYN-ACK and no RST, so the connect times out
s = socket.socket()
s.settimeout(1.5)
t0 = time.time()
try:
    s.connect(('127.0.0.1', 53))
    out['new'] = 'connected'
except socket.timeout:
    out['new'] = 'timeout'
except OSError as e:
    out['new'] = str(e)
s.close()

# 4. a connect begun during the drain, the file removed 300 ms later: the kernel's SYN
# retransmission (1 s after the first) is taken, the query answered
s = socket.socket()
s.settimeout(5)
res = {}
def connect():
    t = time.time()
    try:
        s.connect(('127.0.0.1', 53))
        res['after'] = time.time() - t
    except OSError as e:
        res['error'] = str(e)
th = threading.Thread(target=connect)
th.start()
time.sleep(0.3)
os.unlink(drain)
th.join()
if 'after' in res:
    s.sendall(query(7))
    res['answered'] = len(recv_msgs(s, 1))
s.close()
out['retried'] = res

# 5. the file removed: a connection stays open and answers again, without keepalive 0
out['undrained_seen'] = wait_draining('0')
s = socket.create_connection(('127.0.0.1', 53), timeout=5)
s.sendall(query(0))
first = recv_msgs(s, 1)
s.settimeout(1.5)
try:
    still = 'eof' if s.recv(1) == b'' else 'data'
except socket.timeout:
    still = 'open'
except OSError as e:
    still = str(e)
s.settimeout(5)
s.sendall(query(1))
second = recv_msgs(s, 1)
s.close()
out['after'] = {'first': len(first), 'second': len(second), 'between': still,
                'keepalive': [keepalive(m) for m in first + second]}
print(json.dumps(out))
PYEOF

# every RST on the DNS port, either way, seen on the wire
spawn "$NS" "$D/tcpdump.log" tcpdump -i lo -nn -l -w "$D/rst.pcap" 'tcp port 53 and tcp[tcpflags] & tcp-rst != 0'
TCPDUMP=$SPAWN_PID
wait_until 10 grep -q "listening on" "$D/tcpdump.log" || die "tcpdump did not start: $(cat "$D/tcpdump.log")"
# the metrics before, to count this test's closes
O0=$(metric 'anycast_dns_tcp_closed_total{how="orderly"}')
J=$(ip netns exec "$NS" "$PY" "$D/drain.py" "$DRAIN" "$D" $N $K $IDLE $MPORT)
log "client: $J"
check "every connection got all its $K pipelined answers" jcheck "$J" "d['all_answered'] == $N"
check "then an orderly EOF on every connection (no reset)" jcheck "$J" "d['ends'] == ['eof'] * $N"
check "idle connections: an orderly EOF" jcheck "$J" "d['idle_ends'] == ['eof'] * $IDLE"
check "metrics: draining 1 while the file exists" jcheck "$J" "d['draining_seen']"
check "half a query, completed while draining: answered, then EOF" jcheck "$J" "d['half']['answered'] and d['half']['end'] == 'eof'"
check "its answer carries edns-tcp-keepalive 0" jcheck "$J" "d['half']['keepalive'] == [0]"
check "new connection while draining: neither accepted nor refused (SYN dropped)" jcheck "$J" "d['new'] == 'timeout'"
check "a connect begun while draining: in on the SYN's retransmission after the file is gone" \
	jcheck "$J" "0.9 < d['retried'].get('after', 0) < 3.5"
check "and answered" jcheck "$J" "d['retried'].get('answered') == 1"
check "file removed: metrics draining 0" jcheck "$J" "d['undrained_seen']"
check "file removed: a connection stays open between queries" jcheck "$J" "d['after'] == {'first': 1, 'second': 1, 'between': 'open', 'keepalive': [None, None]}"
# every connection of steps 1 and 2 (N + IDLE + 1) closed in order; none reset
check_eventually 5 "metrics: $((N + IDLE + 1)) orderly closes" \
	eval "[ \$((\$(metric 'anycast_dns_tcp_closed_total{how=\"orderly\"}') - O0)) -ge $((N + IDLE + 1)) ]"
check "metrics: no connection reset" metric_is 'anycast_dns_tcp_closed_total{how="reset"}' 0
stop_pid "$TCPDUMP" INT 5
RSTS=$(tcpdump -nn -r "$D/rst.pcap" 2>/dev/null | wc -l)
check "no RST on the wire ($RSTS)" test "$RSTS" = 0

# UDP while draining: answered as ever
touch "$DRAIN"
wait_until 5 metric_is anycast_dns_draining 1
check "UDP answered while draining" eval "ip netns exec $NS dig +time=2 +tries=1 @127.0.0.1 www.example.com A +short | grep -q ."

# a restart while drained stays drained: the file is looked at before the first query
spawn "$NS" "$D/dns2.log" "$DNS_BIN" -d --listen 127.0.0.1:5353 "${ZONES[@]}" --identity drain2 \
	--threads 1 --metrics "127.0.0.1:$((MPORT + 1))" --drain-file "$DRAIN"
wait_until 10 eval "ip netns exec $NS curl -sf http://127.0.0.1:$((MPORT + 1))/metrics | grep -qx 'anycast_dns_draining 1'"
check "started with the file: draining from the first query" \
	eval "ip netns exec $NS curl -sf http://127.0.0.1:$((MPORT + 1))/metrics | grep -qx 'anycast_dns_draining 1'"
cat >"$D/once.py" <<'PYEOF'
import socket
s = socket.socket()
s.settimeout(1.5)
try:
    s.connect(('127.0.0.1', 5353))
    print('connected')
except socket.timeout:
    print('timeout')
except OSError as e:
    print(e)
PYEOF
check "its TCP listener: a connection neither accepted nor refused" \
	test "$(ip netns exec "$NS" "$PY" "$D/once.py" 2>&1)" = "timeout"
check "its UDP: answered" eval "ip netns exec $NS dig +time=2 +tries=1 -p 5353 @127.0.0.1 www.example.com A +short | grep -q ."
rm -f "$DRAIN"
finish
