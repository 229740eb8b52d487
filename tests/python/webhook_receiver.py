"""A webhook receiver no one on the project wrote the HTTP side of (Python's http.server):
prints `port N` once listening, then one JSON line per request received (path, content
type, user agent, body). Requests to /flaky are answered 503 the first two times (to
/flaky?fail=N the first N times), as a receiver that is briefly down; everything else gets 200.
"""

import collections
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

calls = collections.Counter()
# Requests are served on threads: one at a time counts and prints, so two lines never mix.
lock = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        status = 200
        url = urlsplit(self.path)
        with lock:
            if url.path == "/flaky":
                calls[self.path] += 1
                fail = int(parse_qs(url.query).get("fail", ["2"])[0])
                status = 503 if calls[self.path] <= fail else 200
            print(json.dumps({
                "path": self.path,
                "status": status,
                "content_type": self.headers.get("Content-Type"),
                "user_agent": self.headers.get("User-Agent"),
                "body": json.loads(body),
            }), flush=True)
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print("port %d" % server.server_address[1], flush=True)
server.serve_forever()
