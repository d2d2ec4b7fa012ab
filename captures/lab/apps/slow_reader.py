#!/usr/bin/python3
"""Client that asks for a large body and then stops reading for a while (tiny receive buffer),
so the server sees a zero window.   slow_reader.py HOST PORT PATH SLEEP_S [RCVBUF]"""
import socket
import sys
import time

host, port, path, pause = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])
rcvbuf = int(sys.argv[5]) if len(sys.argv) > 5 else 4096
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)   # before connect: sets the window scale
s.settimeout(20)
s.connect((host, port))
s.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" % (path, host)).encode())
first = s.recv(2048)
print("got %d bytes, now not reading for %.1f s" % (len(first), pause), flush=True)
time.sleep(pause)
total = len(first)
head, _, _ = first.partition(b"\r\n\r\n")
want = None
for line in head.split(b"\r\n")[1:]:
    k, _, v = line.partition(b":")
    if k.strip().lower() == b"content-length":
        want = len(head) + 4 + int(v.strip())
deadline = time.time() + 15
while time.time() < deadline and (want is None or total < want):
    d = s.recv(65536)
    if not d:
        break
    total += len(d)
print("read %d bytes in all" % total, flush=True)
s.close()
