"""LAB IMAGES ONLY: stands in for MISP's Apache front end.

HTTPS on 443 with a self-signed certificate for misp.local, port 80 redirecting to it, as the MISP image does.
GET /users/login answers 200 only when MISP could really serve: the database in app/Config/database.php answers and
has MISP's schema, the key-value store named by the MISP.redis_host/redis_port settings answers PING, and the session
store socket named in php.ini answers. That makes it an honest health check target for update and rollback.
GET /servers/getVersion checks the API key (Authorization header) against the users table.
"""
import hashlib
import json
import os
import re
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

APP = "/var/www/MISP/app"
VERSION = open("/etc/airlock-lab/version").read().strip()


def settings():
    try:
        return json.load(open(f"{APP}/Config/config.json"))
    except FileNotFoundError:
        return {}


def redis_ping(address):
    family, target = (socket.AF_UNIX, address) if isinstance(address, str) else (socket.AF_INET, address)
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        sock.connect(target)
        sock.sendall(b"PING\r\n")
        return sock.recv(16).startswith(b"+PONG")


def sql(statement):
    text = open(f"{APP}/Config/database.php").read()
    config = dict(re.findall(r"'(\w+)'\s*=>\s*'([^']*)'", text))
    result = subprocess.run(
        ["mariadb", "-h", config.get("host", ""), "-P", config.get("port") or "3306", "-u", config.get("login", ""),
         "-N", "-B", "--connect-timeout=3", config.get("database", ""), "-e", statement],
        capture_output=True, text=True, env={**os.environ, "MYSQL_PWD": config.get("password", "")})
    if result.returncode != 0:
        raise RuntimeError(result.stderr.strip())
    return result.stdout


def health_problems():
    problems = []
    try:
        sql("SELECT version FROM db_version")
    except Exception as error:  # noqa: BLE001 - every cause is a reason to report unhealthy
        problems.append(f"database: {error}")
    current = settings()
    try:
        if not redis_ping((current.get("MISP.redis_host", "127.0.0.1"), int(current.get("MISP.redis_port", 6379)))):
            problems.append("key-value store: no PONG")
    except Exception as error:  # noqa: BLE001
        problems.append(f"key-value store: {error}")
    php_ini = open("/etc/php/8.3/apache2/php.ini").read()
    socket_path = re.search(r'^session\.save_path\s*=\s*"?unix://([^"?\s]+)', php_ini, re.M)
    if re.search(r"^session\.save_handler\s*=\s*redis", php_ini, re.M) and socket_path:
        try:
            if not redis_ping(socket_path.group(1)):
                problems.append("session store: no PONG")
        except Exception as error:  # noqa: BLE001
            problems.append(f"session store: {error}")
    return problems


class Handler(BaseHTTPRequestHandler):
    def _send(self, status, body, content_type="application/json"):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path.startswith("/users/login"):
            problems = health_problems()
            if problems:
                return self._send(503, "MISP is not ready: " + "; ".join(problems) + "\n", "text/plain")
            return self._send(200, f"<html><title>Users - MISP</title><body>MISP {VERSION} login (lab)</body></html>\n", "text/html")
        if self.path.startswith("/servers/getVersion"):
            key = self.headers.get("Authorization", "")
            digest = hashlib.sha256(key.encode()).hexdigest()
            if not re.fullmatch(r"[0-9a-f]{40}", key) or sql(f"SELECT COUNT(*) FROM users WHERE authkey_sha256 = '{digest}'").strip() == "0":
                return self._send(403, {"name": "Authentication failed.", "url": self.path})
            return self._send(200, {"version": VERSION})
        self._send(404, {"error": "not found"})

    def log_message(self, *args):
        pass


class Redirect(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(301)
        self.send_header("Location", "https://" + (self.headers.get("Host") or "misp.local") + self.path)
        self.end_headers()

    def log_message(self, *args):
        pass


cert, key = "/etc/ssl/private/misp.local.crt", "/etc/ssl/private/misp.local.key"
if not os.path.exists(cert):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=misp.local", "-days", "3650",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
https = ThreadingHTTPServer(("0.0.0.0", 443), Handler)
https.socket = context.wrap_socket(https.socket, server_side=True)
threading.Thread(target=ThreadingHTTPServer(("0.0.0.0", 80), Redirect).serve_forever, daemon=True).start()
https.serve_forever()
