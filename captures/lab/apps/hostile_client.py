#!/usr/bin/python3
"""Send HTTP requests whose paths and headers carry HTML/JS metacharacters and invalid UTF-8,
for the HTML report's escaping tests.   hostile_client.py HOST PORT"""
import socket
import sys
import time

host, port = sys.argv[1], int(sys.argv[2])
reqs = [
    b"GET /<script>alert(1)</script> HTTP/1.1\r\nHost: x\r\nUser-Agent: <img src=x onerror=alert(2)>\r\n\r\n",
    b"GET /search?q=\"'></script><script>alert(3)</script>&x=1&amp;y=2 HTTP/1.1\r\nHost: \"evil\".example\r\n"
    b"Referer: javascript:alert('4')\r\n\r\n",
    b"GET /caf\xe9/\xff\xfe\x80bad-utf8/%00%ff HTTP/1.1\r\nHost: x\r\nX-Note: \xc3\x28 & <b>bold</b> \"q\" 'q'\r\n\r\n",
    b"GET /]]><!-- --><svg/onload=alert(5)> HTTP/1.1\r\nHost: x\r\nCookie: a=\"</style>\"; b=&lt;\r\n\r\n",
]
for r in reqs:
    s = socket.create_connection((host, port), timeout=5)
    s.sendall(r)
    data = b""
    try:
        while True:
            d = s.recv(4096)
            if not d:
                break
            data += d
            if b"\r\n\r\n" in data:
                break
    except socket.timeout:
        pass
    print(repr(data.split(b"\r\n")[0]))
    s.close()
    time.sleep(0.2)
