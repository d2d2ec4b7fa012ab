# Minimal WSGI app for gunicorn in the capture lab.
#   /            small response
#   /slow?s=N    sleeps N seconds before answering (request-timeout scenarios)
#   /big?n=N     N bytes of body
import time
from urllib.parse import parse_qs


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    q = parse_qs(environ.get("QUERY_STRING", ""))
    if path == "/slow":
        time.sleep(float(q.get("s", ["5"])[0]))
        body = b"slow response\n"
    elif path == "/big":
        body = b"x" * int(q.get("n", ["100000"])[0])
    elif path == "/":
        body = b"hello from gunicorn\n"
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "10")])
        return [b"not found\n"]
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
