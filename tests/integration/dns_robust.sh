#!/bin/bash
# anycast-dns keeps answering whatever it is sent, and speaks TCP as RFC 7766 says: garbage,
# truncated and hostile UDP packets (each followed by a real query that must be answered),
# length-prefixed queries pipelined on one connection (answered in order), queries split
# across segments, a half-closed connection, the idle timeout, many connections at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/dns_common.inc"

require_cmd dig kdig "$PY"
dns_setup
dns_start --threads 2 --tcp-timeout 2

# raw.py: a small client for what dig and kdig cannot send
cat >"$D/raw.py" <<'PYEOF'
import socket, struct, sys, time, random

def name(n):
    return b''.join(bytes([len(l)]) + l.encode() for l in n.strip('.').split('.') if l) + b'\0'

def query(n, t=1, qid=0x4242, edns=False):
    h = struct.pack('>HHHHHH', qid, 0, 1, 0, 0, 1 if edns else 0)
    q = h + name(n) + struct.pack('>HH', t, 1)
    if edns:
        q += b'\0' + struct.pack('>HHIH', 41, 1232, 0, 0)
    return q

def rcode_ancount(r):
    return r[3] & 15, struct.unpack('>H', r[6:8])[0]

fam = socket.AF_INET6 if ':' in sys.argv[2] else socket.AF_INET
addr, port, mode = sys.argv[2], int(sys.argv[3]), sys.argv[1]

def udp(pkt, wait=1.0):
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.settimeout(wait)
    s.sendto(pkt, (addr, port))
    try:
        return s.recv(65535)
    except socket.timeout:
        return None

from dnswire import recv_msgs

def tcp():
    s = socket.create_connection((addr, port), timeout=3)
    return s

if mode == 'garbage':
    # each hostile packet, then a real query on the same socket family; print failures
    bad = 0
    rnd = random.Random(7)
    good = query('www.example.com')
    pkts = [b'', b'\0', b'\xff' * 11, good[:12], good[:20], good[:-1],
            struct.pack('>HHHHHH', 1, 0, 1, 0, 0, 0) + b'\xc0\x0c\0\1\0\1',   # pointer loop qname
            struct.pack('>HHHHHH', 1, 0, 1, 0, 0, 0) + b'\x40abc\0\0\1\0\1',  # bad label type
            struct.pack('>HHHHHH', 1, 0, 1, 0xffff, 0xffff, 0xffff) + name('www.example.com') + b'\0\1\0\1',
            struct.pack('>HHHHHH', 1, 0, 2, 0, 0, 0) + name('a') + b'\0\1\0\1' + name('b') + b'\0\1\0\1',
            good[:-1] + b'\0\0\x29\x04\xd0\0\0\0\0\0\x09\0\3\0\5',  # OPT option past the end
            b'\0' * 512, bytes(range(256)) * 16]
    for i in range(300):
        pkts.append(bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 600))))
        p = bytearray(good)
        for _ in range(3):
            p[rnd.randrange(len(p))] = rnd.getrandbits(8)
        pkts.append(bytes(p))
    replies = 0
    for i, p in enumerate(pkts):
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.sendto(p, (addr, port))
        s.close()
        if i % 25 == 0 or i < 13:
            r = udp(query('www.example.com', qid=i))
            if r is None or r[:2] != struct.pack('>H', i) or rcode_ancount(r) != (0, 1):
                bad += 1
                print('no good answer after packet %d: %r' % (i, p[:40]))
    # and the same junk over TCP, one connection each
    for i, p in enumerate(pkts[:40]):
        try:
            s = tcp()
            s.sendall(struct.pack('>H', len(p)) + p)
            s.close()
        except OSError:
            pass
    r = udp(query('www.example.com', qid=7))
    if r is None or rcode_ancount(r) != (0, 1):
        bad += 1
        print('no answer after TCP junk')
    print('garbage: %d bad' % bad)
    sys.exit(1 if bad else 0)

if mode == 'pipeline':
    # 50 queries in one write; the replies must come back in order, each matching its query
    names = ['www.example.com', 'nothere.example.com', 'chain1.example.com', 'x.sub.example.com',
             'a.wild.example.com']
    s = tcp()
    qs = [query(names[i % len(names)], qid=1000 + i) for i in range(50)]
    s.sendall(b''.join(struct.pack('>H', len(q)) + q for q in qs))
    rs = recv_msgs(s, 50)
    ok = len(rs) == 50 and all(r[:2] == struct.pack('>H', 1000 + i) for i, r in enumerate(rs))
    ok = ok and [rcode_ancount(r)[0] for r in rs[:5]] == [0, 3, 0, 0, 0]
    print('pipeline: %d replies, in order: %s' % (len(rs), ok))
    sys.exit(0 if ok else 1)

if mode == 'split':
    # one query written a byte at a time, then a second one in the same segment as its prefix
    s = tcp()
    q = query('www.example.com', qid=77)
    for b in struct.pack('>H', len(q)) + q:
        s.send(bytes([b]))
        time.sleep(0.002)
    r = recv_msgs(s, 1)
    q2 = query('mail.example.com', qid=78, edns=True)
    s.sendall(struct.pack('>H', len(q2)) + q2)
    r += recv_msgs(s, 1)
    ok = len(r) == 2 and r[0][:2] == b'\0\x4d' and r[1][:2] == b'\0\x4e'
    print('split: %s' % ok)
    sys.exit(0 if ok else 1)

if mode == 'halfclose':
    # send three queries, shut down our side: all three answers still arrive, then EOF
    s = tcp()
    for i in range(3):
        q = query('www.example.com', qid=i)
        s.sendall(struct.pack('>H', len(q)) + q)
    s.shutdown(socket.SHUT_WR)
    rs = recv_msgs(s, 3)
    eof = s.recv(10) == b''
    print('halfclose: %d answers, eof %s' % (len(rs), eof))
    sys.exit(0 if len(rs) == 3 and eof else 1)

if mode == 'idle':
    # a silent connection is closed by the server after its idle timeout (2 s here)
    s = tcp()
    # not before the timeout; the upper bound only has to tell "closed" from "left open"
    s.settimeout(30)
    t0 = time.monotonic()
    d = s.recv(10)
    took = time.monotonic() - t0
    print('idle: closed after %.1f s' % took)
    sys.exit(0 if d == b'' and 1.5 < took < 20 else 1)

if mode == 'many':
    # 100 connections open at once, each asks one query
    conns = [tcp() for _ in range(100)]
    for i, s in enumerate(conns):
        q = query('www.example.com', qid=i)
        s.sendall(struct.pack('>H', len(q)) + q)
    n = sum(1 for i, s in enumerate(conns) if recv_msgs(s, 1)[0][:2] == struct.pack('>H', i))
    print('many: %d of 100 answered' % n)
    sys.exit(0 if n == 100 else 1)
PYEOF

for addr in 127.0.0.1 ::1; do
	check "$addr: hostile UDP and TCP input never stops the answers" "$PY" "$D/raw.py" garbage $addr $PORT
	check "$addr: 50 pipelined TCP queries answered in order" "$PY" "$D/raw.py" pipeline $addr $PORT
	check "$addr: a TCP query split across segments" "$PY" "$D/raw.py" split $addr $PORT
	check "$addr: a half-closed connection gets its answers" "$PY" "$D/raw.py" halfclose $addr $PORT
	check "$addr: 100 TCP connections at once" "$PY" "$D/raw.py" many $addr $PORT
done
check "an idle TCP connection is closed after --tcp-timeout" "$PY" "$D/raw.py" idle 127.0.0.1 $PORT
for client in dig kdig; do
	for tr in udp tcp; do
		out=$(dns_q $client $tr ::1 www.example.com A)
		check "$client/$tr: still answering after all that" ok_all "$out" 'status: NOERROR' 'ANSWER: 1[,;]'
	done
done
out=$(dns_q kdig tcp 127.0.0.1 www.example.com A +keepopen www.example.com AAAA mail.example.com A)
check "kdig: three queries on one kept-open TCP connection" \
	test "$(grep -c 'status: NOERROR' <<<"$out")" -eq 3
out=$(dns_q dig tcp 127.0.0.1 +keepopen www.example.com A mail.example.com A)
check "dig: two queries on one kept-open TCP connection" \
	test "$(grep -c 'status: NOERROR' <<<"$out")" -eq 2
check "the server is still running" alive "$DNS_PID"
finish
