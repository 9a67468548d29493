#!/usr/bin/python3
"""loadpeer: a BGP test neighbour for load tests (python3 stdlib only).

It connects to --peer from --local, sends its OPEN (--as, --hold) and answers the OPEN with a
KEEPALIVE, then in --mode:
  steady   reads everything, sends a KEEPALIVE every hold/3 s, and keeps its own hold timer: if
           nothing arrives for --hold seconds it sends NOTIFICATION 4/0 and ends. Each withdrawn
           IPv4 prefix in an UPDATE's Withdrawn Routes is appended to --events as "W PREFIX".
           Ends when the file --stop exists.
  noread   after Established, reads nothing more; sends a KEEPALIVE every second (so the other
           side's hold timer never expires) until the connection is closed or --stop exists.
It prints progress lines and finally exactly one line:
  RESULT session-up          still up when --stop appeared
  RESULT hold-expired        (steady) nothing from the other side for the hold time
  RESULT notification C/S    a NOTIFICATION arrived
  RESULT closed              the connection closed (reset) without a NOTIFICATION we could read
Exit status 0 when it ran, 2 on usage or connection errors.
"""
import argparse
import os
import select
import socket
import struct
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4


def out(*a):
    print(*a, flush=True)


def msg(mtype, body=b""):
    return MARKER + struct.pack("!HB", 19 + len(body), mtype) + body


def open_msg(my_as, hold, router_id):
    caps = bytes([1, 4]) + struct.pack("!HBB", 1, 0, 1)  # multiprotocol IPv4 unicast
    caps += bytes([65, 4]) + struct.pack("!I", my_as)    # 4-octet AS
    opt = bytes([2, len(caps)]) + caps
    body = struct.pack("!BHH", 4, my_as if my_as < 65536 else 23456, hold)
    return msg(OPEN, body + socket.inet_aton(router_id) + bytes([len(opt)]) + opt)


def withdrawn(body):
    """The IPv4 prefixes of an UPDATE's Withdrawn Routes field."""
    n = struct.unpack("!H", body[:2])[0]
    w, i, res = body[2:2 + n], 0, []
    while i < len(w):
        plen = w[i]
        nb = (plen + 7) // 8
        a = w[i + 1:i + 1 + nb] + bytes(4 - nb)
        res.append("%s/%d" % (socket.inet_ntoa(a), plen))
        i += 1 + nb
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer", required=True)
    ap.add_argument("--local", required=True)
    ap.add_argument("--as", dest="asn", type=int, required=True)
    ap.add_argument("--hold", type=int, default=90)
    ap.add_argument("--mode", choices=["steady", "noread"], required=True)
    ap.add_argument("--events", default=os.devnull)
    ap.add_argument("--stop", required=True)
    ap.add_argument("--limit", type=float, default=300, help="seconds before giving up")
    a = ap.parse_args()
    s = socket.socket()
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if a.mode == "noread":  # a small window: the other side's queue fills sooner
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    try:
        s.bind((a.local, 0))
        s.connect((a.peer, 179))
    except OSError as e:
        out("connect:", e)
        return 2
    s.sendall(open_msg(a.asn, a.hold, a.local))
    buf, up, updates = b"", False, 0
    last_rx = last_tx = time.monotonic()
    ka = max(a.hold / 3.0, 0.5) if a.mode == "steady" else 1.0
    end = time.monotonic() + a.limit
    ev = open(a.events, "a")
    while time.monotonic() < end:
        if os.path.exists(a.stop):
            out("RESULT session-up" if up else "RESULT timeout establish")
            return 0
        now = time.monotonic()
        if up and now - last_tx >= ka:
            try:
                s.sendall(msg(KEEPALIVE)) if a.mode == "steady" else s.send(msg(KEEPALIVE))
            except OSError:
                out("RESULT closed")
                return 0
            last_tx = now
        if a.mode == "steady" and up and now - last_rx > a.hold:
            s.sendall(msg(NOTIFICATION, bytes([4, 0])))
            out("RESULT hold-expired after %d updates" % updates)
            return 0
        if up and a.mode == "noread":
            # a reset (send hold timer) shows as an error on the next send
            time.sleep(0.1)
            continue
        r, _, _ = select.select([s], [], [], 0.05)
        if not r:
            continue
        try:
            data = s.recv(1 << 20)
        except OSError:
            data = b""
        if not data:
            out("RESULT closed")
            return 0
        last_rx = time.monotonic()
        buf += data
        while len(buf) >= 19:
            mlen, mtype = struct.unpack("!HB", buf[16:19])
            if len(buf) < mlen:
                break
            body, buf = buf[19:mlen], buf[mlen:]
            if mtype == OPEN:
                s.sendall(msg(KEEPALIVE))
            elif mtype == KEEPALIVE and not up:
                up = True
                out("established")
            elif mtype == UPDATE:
                updates += 1
                for p in withdrawn(body):
                    ev.write("W %s\n" % p)
                    ev.flush()
            elif mtype == NOTIFICATION:
                out("RESULT notification %d/%d" % (body[0], body[1]))
                return 0
    out("RESULT timeout")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
