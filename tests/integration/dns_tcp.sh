#!/bin/bash
# anycast-dns over TCP under load and abuse (RFC 7766): thousands of pipelined queries with
# large answers on one connection never stall; hundreds of idle connections from one host do
# not lock other clients out; a process out of file descriptors does not spin and keeps
# answering UDP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig "$PY"
dns_setup
# "huge": a TXT RRset of about 1.5 KB, so that a few hundred answers fill the output buffer
{
	printf 'huge TXT'
	for i in $(seq 15); do printf ' "%0099d"' "$i"; done
	printf '\n'
} >>"$D/example.com.zone"
dns_start --threads 1 --tcp-idle 5000

cat >"$D/tcp.py" <<'PYEOF'
import resource, socket, struct, sys, threading, time

def query(n, qid):
    qn = b''.join(bytes([len(l)]) + l.encode() for l in n.split('.') if l) + b'\0'
    q = struct.pack('>HHHHHH', qid, 0, 1, 0, 0, 0) + qn + struct.pack('>HH', 16, 1)
    return struct.pack('>H', len(q)) + q

mode, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])

def conn(src=None, timeout=5):
    return socket.create_connection((addr, port), timeout=timeout,
                                    source_address=(src, 0) if src else None)

from dnswire import recv_msgs as answers  # up to n replies, until n or a 5 s silence

def one_query(src=None):
    try:
        s = conn(src)
        s.sendall(query('www.example.com', 7))
        r = answers(s, 1)
        s.close()
        return len(r) == 1 and r[0][:2] == b'\0\x07'
    except OSError as e:
        print('query from %s: %s' % (src, e))
        return False

if mode == 'pipeline':
    # N queries written by a thread while this one reads: all answered, in order, each > 1 KB
    n = int(sys.argv[4])
    s = conn()
    data = b''.join(query('huge.example.com', i & 0xffff) for i in range(n))
    threading.Thread(target=s.sendall, args=(data,), daemon=True).start()
    rs = answers(s, n)
    ok = all(r[:2] == struct.pack('>H', i & 0xffff) and len(r) > 1024 for i, r in enumerate(rs))
    print('pipeline: %d of %d answered, in order and > 1 KB: %s' % (len(rs), n, ok))
    sys.exit(0 if len(rs) == n and ok else 1)

if mode == 'idle':
    # N silent connections from 127.0.0.1, then clients from 127.0.0.1 and 127.0.0.2 are served
    n = int(sys.argv[4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, n + 100)), hard))
    idle = [conn('127.0.0.1') for _ in range(n)]
    time.sleep(0.5)
    ok = one_query('127.0.0.2') and one_query('127.0.0.1')
    # the server closed the oldest idle ones to make room; the newest are still open
    closed = 0
    for s in idle:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b''
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print('idle: %d silent connections, %d closed by the server, others served: %s'
          % (n, closed, ok))
    sys.exit(0 if ok and closed > 0 else 1)

if mode == 'hold':
    # N connections held open (silent) for S seconds; those refused are counted, not fatal
    n, secs = int(sys.argv[4]), float(sys.argv[5])
    held = []
    for _ in range(n):
        try:
            held.append(conn(timeout=1))
        except OSError:
            pass
    print('hold: %d connections open' % len(held), flush=True)
    time.sleep(secs)
    sys.exit(0)
PYEOF

# cpu_ticks PID: user + system CPU time of PID in clock ticks
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

check "20000 pipelined queries with 1.5 KB answers on one connection all answered" \
	"$PY" "$D/tcp.py" pipeline 127.0.0.1 "$PORT" 20000
check "the same over IPv6" "$PY" "$D/tcp.py" pipeline ::1 "$PORT" 2000
check "600 idle connections from one source do not keep other clients out" \
	"$PY" "$D/tcp.py" idle 127.0.0.1 "$PORT" 600
out=$(dns_q dig udp 127.0.0.1 www.example.com A)
check "UDP still answered" ok_all "$out" 'status: NOERROR'
stop_pid "$DNS_PID"

# Out of file descriptors: a wrapper lowers the limit before starting anycast-dns.
cat >"$D/lowfd.sh" <<EOF
#!/bin/sh
ulimit -n 32
exec "$DNS_BIN" "\$@"
EOF
chmod +x "$D/lowfd.sh"
DNS_BIN=$D/lowfd.sh dns_start --threads 1 --tcp-idle 60000
"$PY" "$D/tcp.py" hold 127.0.0.1 "$PORT" 60 6 >"$D/hold.log" 2>&1 &
HOLD=$!
_PIDS+=("$HOLD")
wait_until 5 grep -q 'connections open' "$D/hold.log"
before=$(cpu_ticks "$DNS_PID")
sleep 2
after=$(cpu_ticks "$DNS_PID")
hz=$(getconf CLK_TCK)
log "$(cat "$D/hold.log"); anycast-dns used $((after - before)) ticks of $((2 * hz)) in 2 s"
check "out of descriptors, anycast-dns does not spin (CPU < 15% over 2 s)" \
	test $(((after - before) * 100)) -lt $((2 * hz * 15))
out=$(dns_q dig udp 127.0.0.1 www.example.com A)
check "out of descriptors, UDP is still answered" ok_all "$out" 'status: NOERROR'
check "EMFILE is logged once per episode, not per attempt" \
	test "$(grep -c 'Too many open files' "$D/dns.log")" -le 5
out=$(dns_q dig tcp 127.0.0.1 www.example.com A)
check "out of descriptors, a new TCP client is still served" ok_all "$out" 'status: NOERROR'
stop_pid "$HOLD"
check "the server is still running" alive "$DNS_PID"
finish
