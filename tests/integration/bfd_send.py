#!/usr/bin/env python3
"""Sends malformed BFD Control packets (RFC 5880 4.1) to a BFD receiver over UDP, for the
integration tests: each case is a packet that would take the receiver's session down (state
Down, naming the session's discriminators) were it not dropped.

  bfd_send.py SRC DST CASE MY_DISC YOUR_DISC [COUNT]
  CASE: ttl      a well-formed packet with TTL (hop limit) 254
        length   Length field 48, 24 bytes sent
        disc     Your Discriminator that is not the receiver's
        version  version 2
"""
import socket
import struct
import sys


def packet(case, my_disc, your_disc):
    version = 2 if case == "version" else 1
    length = 48 if case == "length" else 24
    if case == "disc":
        your_disc ^= 0x5A5A5A5A
    state_down = 1
    # vers/diag, state/flags, detect mult, length, my disc, your disc, min tx, min rx, min echo
    return struct.pack("!BBBBIIIII", version << 5, state_down << 6, 3, length, my_disc,
                       your_disc, 100000, 100000, 0)


def main():
    src, dst, case, my_disc, your_disc = sys.argv[1:6]
    count = int(sys.argv[6]) if len(sys.argv) > 6 else 1
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    ttl = 254 if case == "ttl" else 255
    if fam == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, ttl)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, ttl)
    s.bind((src, 0))
    pkt = packet(case, int(my_disc), int(your_disc))
    for _ in range(min(count, 100)):
        s.sendto(pkt, (dst, 3784))


if __name__ == "__main__":
    main()
