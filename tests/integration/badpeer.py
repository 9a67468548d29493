#!/usr/bin/python3
"""badpeer: a BGP test speaker that sends malformed input (python3 stdlib only).

It connects to a BGP speaker, and depending on --case:
  good          establishes, announces --prefix, stays up
  marker        establishes, sends a KEEPALIVE whose marker is not all ones   (expect NOTIFICATION 1/1)
  length        establishes, sends a header with length 18                     (expect 1/2)
  origin        announces --prefix, then an UPDATE for --prefix and --extra with ORIGIN 5
                                                                               (expect treat-as-withdraw)
  aspath        ... the same with an AS_PATH segment that overruns the attribute (treat-as-withdraw)
  nexthop       ... the same with no NEXT_HOP                                  (treat-as-withdraw)
  attr_overrun  ... the same with a last attribute (MED) whose length runs past the Total Path
                Attribute Length, RFC 7606 section 4                           (treat-as-withdraw)
  attrlist      establishes, sends an UPDATE whose Total Path Attribute Length runs past the message
                                                                               (expect 3/1)
  open          sends its OPEN (with --as, --hold as given) and reports the answer:
                --as not the configured one: expect 2/2; --hold 1 or 2: expect 2/6

For the treat-as-withdraw cases it waits for the file --go (the test checks that the good route
arrived) before sending the bad UPDATE, then keeps the session up until the file --stop exists.
It prints progress lines and finally exactly one line:
  RESULT notification C/S [data-hex]   a NOTIFICATION arrived (code/subcode)
  RESULT session-up                    the session stayed up to the end
  RESULT closed                        the connection closed without a NOTIFICATION
  RESULT timeout STAGE                 nothing decisive happened in time
Exit status 0 when it ran (whatever the result), 2 on usage or connection errors.
"""
import argparse
import ipaddress
import os
import select
import socket
import struct
import sys
import time

MARKER = b"\xff" * 16
OPEN, UPDATE, NOTIFICATION, KEEPALIVE = 1, 2, 3, 4
AS_TRANS = 23456


def out(*a):
    print(*a, flush=True)


def msg(mtype, body, marker=MARKER, length=None):
    if length is None:
        length = 19 + len(body)
    return marker + struct.pack("!HB", length, mtype) + body


def open_msg(my_as, hold, router_id):
    caps = b""
    caps += bytes([1, 4]) + struct.pack("!HBB", 1, 0, 1)            # multiprotocol IPv4 unicast
    caps += bytes([65, 4]) + struct.pack("!I", my_as)                # 4-octet AS
    caps += bytes([2, 0])                                            # route refresh
    opt = bytes([2, len(caps)]) + caps
    body = struct.pack("!BHH", 4, my_as if my_as < 65536 else AS_TRANS, hold)
    body += socket.inet_aton(router_id) + bytes([len(opt)]) + opt
    return msg(OPEN, body)


def nlri(prefixes):
    b = b""
    for p in prefixes:
        n = ipaddress.ip_network(p)
        plen = n.prefixlen
        b += bytes([plen]) + n.network_address.packed[: (plen + 7) // 8]
    return b


def attr(flags, code, value):
    if len(value) > 255:
        return struct.pack("!BBH", flags | 0x10, code, len(value)) + value
    return struct.pack("!BBB", flags, code, len(value)) + value


def a_origin(v=0):
    return attr(0x40, 1, bytes([v]))


def a_aspath(asns):
    return attr(0x40, 2, bytes([2, len(asns)]) + b"".join(struct.pack("!I", a) for a in asns))


def a_nexthop(ip):
    return attr(0x40, 3, socket.inet_aton(ip))


def a_med(v):
    return attr(0x80, 4, struct.pack("!I", v))


def update(attrs, prefixes, withdrawn=b"", total_len=None):
    if total_len is None:
        total_len = len(attrs)
    body = struct.pack("!H", len(withdrawn)) + withdrawn + struct.pack("!H", total_len) + attrs + nlri(prefixes)
    return msg(UPDATE, body)


class Peer:
    def __init__(self, a):
        self.a = a
        self.buf = b""
        self.hold = a.hold
        self.last_ka = 0.0
        fam = socket.AF_INET6 if ":" in a.connect else socket.AF_INET
        self.s = socket.socket(fam, socket.SOCK_STREAM)
        if a.bind:
            self.s.bind((a.bind, 0))
        deadline = time.time() + a.connect_timeout
        while True:
            try:
                self.s.connect((a.connect, a.port))
                break
            except OSError as e:
                if time.time() > deadline:
                    out("connect to %s port %d failed: %s" % (a.connect, a.port, e))
                    sys.exit(2)
                self.s.close()
                time.sleep(0.2)
                self.s = socket.socket(fam, socket.SOCK_STREAM)
                if a.bind:
                    self.s.bind((a.bind, 0))
        out("connected %s -> %s" % (a.bind or "?", a.connect))

    def send(self, data):
        self.s.sendall(data)

    def recv_msgs(self, timeout):
        """Messages that arrive within timeout; None when the connection closed."""
        r, _, _ = select.select([self.s], [], [], timeout)
        if r:
            try:
                d = self.s.recv(65536)
            except OSError:
                d = b""
            if not d:
                return None
            self.buf += d
        msgs = []
        while len(self.buf) >= 19:
            ln, t = struct.unpack("!HB", self.buf[16:19])
            if ln < 19 or len(self.buf) < ln:
                break
            msgs.append((t, self.buf[19:ln]))
            self.buf = self.buf[ln:]
        return msgs

    def keepalive_tick(self):
        if self.hold and time.time() - self.last_ka >= max(self.hold / 3.0, 0.5):
            self.send(msg(KEEPALIVE, b""))
            self.last_ka = time.time()


def result(s):
    out("RESULT " + s)
    sys.exit(0)


def handle(msgs):
    """Report and finish on NOTIFICATION or close."""
    if msgs is None:
        result("closed")
    for t, body in msgs:
        if t == NOTIFICATION:
            code, sub = body[0], body[1] if len(body) > 1 else 0
            result("notification %d/%d %s" % (code, sub, body[2:].hex()))


def establish(p, a):
    p.send(open_msg(a.my_as, a.hold, a.router_id))
    out("sent OPEN as %d hold %d" % (a.my_as, a.hold))
    got_open = False
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        msgs = p.recv_msgs(0.2)
        handle(msgs)
        for t, body in msgs:
            if t == OPEN and not got_open:
                got_open = True
                _, peer_as, hold = struct.unpack("!BHH", body[:5])
                out("received OPEN as %d hold %d" % (peer_as, hold))
                p.hold = min(hold, a.hold) if hold and a.hold else 0
                p.send(msg(KEEPALIVE, b""))
                p.last_ka = time.time()
            elif t == KEEPALIVE and got_open:
                out("ESTABLISHED")
                return
    result("timeout establish")


def wait_file(p, path, stage):
    """Keep the session alive until path exists (or the timeout)."""
    deadline = time.time() + p.a.timeout
    while not (path and os.path.exists(path)):
        if time.time() > deadline:
            result("timeout " + stage)
        handle(p.recv_msgs(0.1))
        p.keepalive_tick()


def linger(p, seconds):
    """The session must stay up (and we keep it alive) for this long."""
    end = time.time() + seconds
    while time.time() < end:
        handle(p.recv_msgs(0.1))
        p.keepalive_tick()


def main():
    ap = argparse.ArgumentParser(description="BGP speaker that sends malformed input")
    ap.add_argument("--connect", required=True, help="address of the speaker under test")
    ap.add_argument("--port", type=int, default=179)
    ap.add_argument("--bind", help="our source address")
    ap.add_argument("--as", dest="my_as", type=int, required=True)
    ap.add_argument("--router-id", required=True)
    ap.add_argument("--hold", type=int, default=9)
    ap.add_argument("--case", required=True,
                    choices="good marker length origin aspath nexthop attr_overrun attrlist open".split())
    ap.add_argument("--prefix", default="203.0.113.0/24", help="announced first, in good shape")
    ap.add_argument("--extra", default="198.51.100.0/24", help="only in the malformed UPDATE")
    ap.add_argument("--next-hop", help="NEXT_HOP to use (default: --bind)")
    ap.add_argument("--go", help="send the malformed UPDATE once this file exists")
    ap.add_argument("--stop", help="end a session that stayed up once this file exists")
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--connect-timeout", type=float, default=10)
    a = ap.parse_args()
    nh = a.next_hop or a.bind or "198.18.0.0"
    p = Peer(a)
    p.a = a

    if a.case == "open":
        p.send(open_msg(a.my_as, a.hold, a.router_id))
        out("sent OPEN as %d hold %d" % (a.my_as, a.hold))
        deadline = time.time() + a.timeout
        got_open = False
        while time.time() < deadline:
            msgs = p.recv_msgs(0.2)
            handle(msgs)
            for t, body in msgs:
                if t == OPEN and not got_open:
                    got_open = True
                    out("received OPEN")
                    p.send(msg(KEEPALIVE, b""))
                elif t == KEEPALIVE and got_open:
                    out("ESTABLISHED (the speaker accepted our OPEN)")
                    linger(p, 2)
                    result("session-up")
        result("timeout open")

    establish(p, a)
    good = a_origin(0) + a_aspath([a.my_as]) + a_nexthop(nh)
    if a.case == "good":
        p.send(update(good, [a.prefix]))
        out("sent UPDATE %s" % a.prefix)
        wait_file(p, a.stop, "stop")
        p.send(msg(NOTIFICATION, bytes([6, 2])))
        result("session-up")
    if a.case == "marker":
        p.send(msg(KEEPALIVE, b"", marker=b"\x00" * 16))
    elif a.case == "length":
        p.send(msg(KEEPALIVE, b"", length=18))
    elif a.case == "attrlist":
        # Total Path Attribute Length claims 200 bytes more than the message holds
        p.send(update(good, [a.prefix], total_len=len(good) + 200))
    else:
        p.send(update(good, [a.prefix]))
        out("sent UPDATE %s" % a.prefix)
        wait_file(p, a.go, "go")
        if a.case == "origin":
            bad = a_origin(5) + a_aspath([a.my_as]) + a_nexthop(nh)
        elif a.case == "aspath":
            # segment says 5 ASNs (20 octets); the attribute holds only one (4 octets)
            bad = a_origin(0) + attr(0x40, 2, bytes([2, 5]) + struct.pack("!I", a.my_as)) + a_nexthop(nh)
        elif a.case == "nexthop":
            bad = a_origin(0) + a_aspath([a.my_as])
        elif a.case == "attr_overrun":
            # MED says 4 octets, but the Total Path Attribute Length ends 2 octets into it;
            # the NLRI follows right after the Total Path Attribute Length
            full = good + a_med(10)
            bad = full[:-2]
        p.send(update(bad, [a.prefix, a.extra]))
        out("sent malformed UPDATE (%s) for %s %s" % (a.case, a.prefix, a.extra))
        wait_file(p, a.stop, "stop")
        p.send(msg(NOTIFICATION, bytes([6, 2])))
        result("session-up")
    out("sent malformed message (%s)" % a.case)
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        handle(p.recv_msgs(0.2))
    result("timeout after-%s" % a.case)


if __name__ == "__main__":
    main()
