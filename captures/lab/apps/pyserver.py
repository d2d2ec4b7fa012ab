#!/usr/bin/python3
"""Small, deliberately misbehaving HTTP/1.1 server for the capture lab (one thread per connection).

  pyserver.py HOST PORT [options]
    --idle-timeout S     close a keep-alive connection idle for S seconds (default 60)
    --linger0            close with SO_LINGER {1, 0}: RST instead of FIN (IIS / LB style)
    --max-requests N     close the connection right after the N-th response (no Connection: close)
    --announce-close     with --max-requests: put Connection: close on the N-th response
    --truncate           announce Content-Length 10000, send 4000 body bytes, close
    --body-bytes N       body size of a 200 response (default 16)
    --split-headers      send the response headers in their own write, then the body
    --backlog N          listen() backlog (default 64)
    --accept-pause A:B   do not accept() between A and B seconds after start (accept queue fills)
    --max-seconds S      exit after S seconds (default 300)
Paths: "/" and "/big" answer 200, everything else 404.
"""
import argparse
import os
import socket
import struct
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("host")
ap.add_argument("port", type=int)
ap.add_argument("--idle-timeout", type=float, default=60)
ap.add_argument("--linger0", action="store_true")
ap.add_argument("--max-requests", type=int, default=0)
ap.add_argument("--announce-close", action="store_true")
ap.add_argument("--truncate", action="store_true")
ap.add_argument("--body-bytes", type=int, default=16)
ap.add_argument("--split-headers", action="store_true")
ap.add_argument("--backlog", type=int, default=64)
ap.add_argument("--accept-pause", default="")
ap.add_argument("--max-seconds", type=float, default=300)
a = ap.parse_args()
start = time.time()


def log(*args):
    print("%.3f" % time.time(), *args, flush=True)


def close(conn, why):
    if a.linger0:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    log("close", why, "RST" if a.linger0 else "FIN")
    conn.close()


def handle(conn, peer):
    conn.settimeout(a.idle_timeout)
    buf = b""
    served = 0
    try:
        while True:
            while b"\r\n\r\n" not in buf:
                try:
                    d = conn.recv(65536)
                except socket.timeout:
                    close(conn, "idle %.1f s %s" % (a.idle_timeout, peer))
                    return
                if not d:
                    conn.close()
                    return
                buf += d
            head, _, buf = buf.partition(b"\r\n\r\n")
            line = head.split(b"\r\n", 1)[0]
            parts = line.split(b" ")
            path = parts[1] if len(parts) > 1 else b"/"
            served += 1
            last = a.max_requests and served >= a.max_requests
            hdr = ""
            if last and a.announce_close:
                hdr = "Connection: close\r\n"
            if a.truncate:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                             b"Content-Length: 10000\r\n\r\n" + b"t" * 4000)
                log("truncated response sent (4000 of 10000)", peer)
                close(conn, "truncate")
                return
            p = path.split(b"?")[0]
            if p in (b"/", b"/big"):
                body = b"x" * (a.body_bytes - 1) + b"\n"
                status = "200 OK"
            else:
                body = b"not found\n"
                status = "404 Not Found"
            head_bytes = ("HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n%s\r\n"
                          % (status, len(body), hdr)).encode()
            if a.split_headers:
                conn.sendall(head_bytes)
                time.sleep(0.1)
                conn.sendall(body)
            else:
                conn.sendall(head_bytes + body)
            log("served", served, status, peer, repr(line[:80]))
            if last:
                close(conn, "after %d requests" % served)
                return
    except OSError as e:
        log("error", e, peer)
        conn.close()


srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind((a.host, a.port))
srv.listen(a.backlog)
srv.settimeout(0.2)
log("listening on %s:%d backlog %d" % (a.host, a.port, a.backlog))
pause = [float(x) for x in a.accept_pause.split(":")] if a.accept_pause else None
while time.time() - start < a.max_seconds:
    el = time.time() - start
    if pause and pause[0] <= el < pause[1]:
        time.sleep(0.05)
        continue
    try:
        conn, peer = srv.accept()
    except socket.timeout:
        continue
    threading.Thread(target=handle, args=(conn, "%s:%d" % peer), daemon=True).start()
log("max-seconds reached")
os._exit(0)
