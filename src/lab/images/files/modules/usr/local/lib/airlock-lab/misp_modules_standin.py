"""LAB IMAGES ONLY: answers on port 6666 the way misp-modules does, enough for MISP's health checks and the roles'."""
import argparse
import json
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

VERSION = open("/etc/airlock-lab/version").read().strip()
# Shaped as misp-modules' GET /modules answers: MISP reads meta["module-type"] of every module (and fails on a
# module without it), and lists the expansion/hover, import and export families in its plugin settings.
MODULES = [
    {"name": "dns", "type": "expansion", "mispattributes": {"input": ["hostname", "domain"], "output": ["ip-src", "ip-dst"]},
     "meta": {"version": VERSION, "author": "airlock lab", "description": "lab stand-in for the dns expansion module",
              "module-type": ["expansion", "hover"], "config": ["nameserver"]}},
    {"name": "csvimport", "type": "import", "mispattributes": {"inputSource": ["file", "paste"], "output": ["MISP attributes"], "format": "misp_standard"},
     "meta": {"version": VERSION, "author": "airlock lab", "description": "lab stand-in for the CSV import module",
              "module-type": ["import"], "config": []}},
    {"name": "cef_export", "type": "export", "mispattributes": {"input": ["ip-src", "ip-dst"], "output": ["CEF"], "responseType": "application/txt"},
     "meta": {"version": VERSION, "author": "airlock lab", "description": "lab stand-in for the CEF export module",
              "module-type": ["export"], "config": []}},
]


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path in ("/modules", "/healthcheck"):
            self._send(200, MODULES if self.path == "/modules" else {"status": True, "version": VERSION})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self):
        if self.path != "/query":
            return self._send(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length) or b"{}")
        self._send(200, {"results": [{"types": ["text"], "values": [f"lab answer for {request.get('module', '?')}"]}]})

    def log_message(self, *args):
        pass


parser = argparse.ArgumentParser()
parser.add_argument("--listen", default="0.0.0.0")
parser.add_argument("--port", type=int, default=6666)
options = parser.parse_args()
ThreadingHTTPServer((options.listen, options.port), Handler).serve_forever()
