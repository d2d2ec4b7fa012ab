#!/usr/bin/python3
"""Open N connections (non-blocking connects, STAGGER_S apart), send a request on each, report what happened.
   burst_connect.py HOST PORT N [WAIT_S] [STAGGER_S]"""
import select
import socket
import sys
import time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
wait = float(sys.argv[4]) if len(sys.argv) > 4 else 10
stagger = float(sys.argv[5]) if len(sys.argv) > 5 else 0.0
socks = []
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex((host, port))
    socks.append(s)
    time.sleep(stagger)
time.sleep(0.2)   # handshakes complete (RTT 50 ms)
for i, s in enumerate(socks):
    try:
        s.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    except OSError as e:
        print("conn %d send: %s" % (i, e))
deadline = time.time() + wait
pending = set(range(n))
while pending and time.time() < deadline:
    r, _, _ = select.select([socks[i] for i in pending], [], [], 0.5)
    for s in r:
        i = socks.index(s)
        try:
            d = s.recv(4096)
            print("conn %d: %s" % (i, (d.split(b"\r\n")[0] if d else b"closed").decode(errors="replace")))
        except OSError as e:
            print("conn %d: %s" % (i, e))
        pending.discard(i)
for i in sorted(pending):
    print("conn %d: no answer" % i)
for s in socks:
    s.close()
