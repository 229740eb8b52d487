"""A webhook receiver no one on the project wrote the HTTP side of (Python's http.server):
prints `port N` once listening, then one JSON line per request received (path, content
type, user agent, body). Requests to /flaky are answered 503 the first two times, as a
receiver that is briefly down; everything else gets 200.
"""

import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

flaky_calls = 0


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        global flaky_calls
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        status = 200
        if self.path == "/flaky":
            flaky_calls += 1
            status = 503 if flaky_calls <= 2 else 200
        self.send_response(status)
        self.end_headers()
        print(json.dumps({
            "path": self.path,
            "status": status,
            "content_type": self.headers.get("Content-Type"),
            "user_agent": self.headers.get("User-Agent"),
            "body": json.loads(body),
        }), flush=True)

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
print("port %d" % server.server_address[1], flush=True)
server.serve_forever()
