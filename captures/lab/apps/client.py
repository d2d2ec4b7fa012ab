#!/usr/bin/python3
"""Bounded HTTP/1.1 client for the capture lab.

Sends GET requests over one keep-alive connection (reconnecting when the server closed it),
sleeping the given gaps between requests.  Bounded by --count and --max-seconds.

  client.py HOST PORT --gaps 1.9,2.0,2.6 [--count N] [--path /] [--max-seconds 60] [--new-conn]
"""
import argparse
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("host")
ap.add_argument("port", type=int)
ap.add_argument("--gaps", default="1.0", help="comma-separated seconds, cycled")
ap.add_argument("--count", type=int, default=10)
ap.add_argument("--path", default="/", help="comma-separated paths, cycled")
ap.add_argument("--max-seconds", type=float, default=60)
ap.add_argument("--new-conn", action="store_true", help="one connection per request")
ap.add_argument("--timeout", type=float, default=10)
a = ap.parse_args()
gaps = [float(g) for g in a.gaps.split(",")]
paths = a.path.split(",")
deadline = time.time() + a.max_seconds
sock = None
buf = b""


def read_response(s):
    """Read one response (Content-Length framed); return (status, close_flag)."""
    global buf
    while b"\r\n\r\n" not in buf:
        d = s.recv(65536)
        if not d:
            raise ConnectionError("closed before response headers")
        buf += d
    head, _, rest = buf.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1])
    clen, close = 0, False
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            clen = int(v.strip())
        if k.strip().lower() == b"connection" and v.strip().lower() == b"close":
            close = True
    while len(rest) < clen:
        d = s.recv(65536)
        if not d:
            raise ConnectionError("closed in body (%d of %d bytes)" % (len(rest), clen))
        rest += d
    buf = rest[clen:]
    return status, close


for i in range(a.count):
    if time.time() > deadline:
        break
    t0 = time.time()
    try:
        if sock is None:
            sock = socket.create_connection((a.host, a.port), timeout=a.timeout)
            buf = b""
        sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: lab-client\r\n\r\n"
                      % (paths[i % len(paths)], a.host)).encode())
        status, close = read_response(sock)
        print("%.3f req %d status %d %.1f ms%s" % (t0, i, status, (time.time() - t0) * 1000,
                                                  " (close)" if close else ""), flush=True)
        if close or a.new_conn:
            sock.close()
            sock = None
    except Exception as e:  # noqa: BLE001 - report and go on
        print("%.3f req %d error %s" % (t0, i, e), flush=True)
        if sock:
            sock.close()
        sock = None
    if i < a.count - 1:
        time.sleep(min(gaps[i % len(gaps)], max(0.0, deadline - time.time())))
if sock:
    sock.close()
