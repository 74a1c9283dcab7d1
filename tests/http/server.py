#!/usr/bin/env python3
"""A misbehaving HTTP server for jixiao's upload tests, on 127.0.0.1 only.

It records every request as one JSON line in --log: "request" events (all of
them) and "delivered" events (a record accepted: a 2xx answer, or the commit
point of /slow). A request whose Idempotency-Key was already delivered gets the
stored answer again and a "duplicate" event instead, which is how "exactly
once" is kept when a client repeats itself after losing an answer.

Routes (query parameters in brackets):
  /ok                      200
  /status/CODE             answers CODE
  /slow[delay=S]           reads the body, delivers, sleeps S s, answers 200
  /slowread[delay=S]       sleeps S s before reading the body
  /drop[name=,times=N]     closes the connection without answering, N times
  /flaky[name=,fail=N,code=C]       C (500) for the first N requests, then 200
  /ratelimit[name=,fail=N,after=S]  429 with Retry-After: S, then 200
  /hook                    a JSON webhook (the body must parse as JSON)
  /api/3/action/resource_create, resource_update   CKAN-shaped
  absolute URIs (GET http://host/...)               answered as a proxy
It exits by itself after --lifetime seconds.
"""
import argparse
import hashlib
import json
import os
import ssl
import sys
import threading
import time
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
HITS = {}
DELIVERED = {}  # idempotency key -> (status, body)


def log(args, event, **fields):
    fields["event"] = event
    fields["t"] = time.time()
    with LOCK, open(args.log, "a", encoding="utf-8") as f:
        f.write(json.dumps(fields, ensure_ascii=False) + "\n")


def hit(name):
    with LOCK:
        HITS[name] = HITS.get(name, 0) + 1
        return HITS[name]


def multipart(ctype, body):
    msg = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + ctype.encode("latin-1") + b"\r\n\r\n" + body)
    parts = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        data = part.get_payload(decode=True) or b""
        parts[name] = {"filename": part.get_filename(), "type": part.get_content_type(),
                       "size": len(data), "sha256": hashlib.sha256(data).hexdigest(),
                       "text": data.decode("utf-8", "replace") if part.get_filename() is None else None}
    return parts


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "jixiao-test"

    def log_message(self, fmt, *a):  # the JSON log is the record; keep stderr quiet
        pass

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        data = bytearray()
        while len(data) < n:
            chunk = self.rfile.read(min(1 << 20, n - len(data)))
            if not chunk:
                return None
            data += chunk
        return bytes(data)

    def answer(self, status, body, headers=None, key=None, record=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            headers = dict(headers or {}, **{"Content-Type": "application/json"})
        if 200 <= status < 300 and record is not None:
            if key:
                DELIVERED[key] = (status, body)
            log(self.server.args, "delivered", key=key, **record)
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def handle_any(self):
        args = self.server.args
        url = urlsplit(self.path)
        q = {k: v[-1] for k, v in parse_qs(url.query).items()}
        key = self.headers.get("Idempotency-Key")
        if url.path == "/slowread":
            time.sleep(min(float(q.get("delay", 2)), 30))
        body = self.read_body()
        if body is None:
            log(args, "incomplete", method=self.command, path=self.path)
            self.close_connection = True
            return
        rec = {"method": self.command, "path": url.path, "query": q,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "size": len(body), "sha256": hashlib.sha256(body).hexdigest()}
        ctype = self.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            rec["parts"] = multipart(ctype, body)
        log(args, "request", key=key, **rec)
        if url.path.startswith("/api/3/action/") and args.token \
                and self.headers.get("Authorization") != args.token:
            return self.answer(403, {"help": "ckan", "success": False, "error": {
                "message": "Access denied: not authorized to create resources",
                "__type": "Authorization Error"}})
        with LOCK:
            seen = DELIVERED.get(key) if key else None
        if seen:
            log(args, "duplicate", key=key, path=url.path)
            return self.answer(seen[0], seen[1])
        record = {"method": self.command, "path": url.path, "query": q, "sha256": rec["sha256"],
                  "size": len(body), "parts": rec.get("parts")}
        if self.path.startswith("http://"):
            record["path"] = self.path
            return self.answer(200, {"proxied": self.path}, record=record)
        name = q.get("name", url.path)
        if url.path == "/ok" or url.path == "/slowread":
            return self.answer(200, {"ok": True}, key=key, record=record)
        if url.path.startswith("/status/"):
            return self.answer(int(url.path[8:]), {"status": int(url.path[8:])}, key=key, record=record)
        if url.path == "/slow":
            if key:
                DELIVERED[key] = (200, b'{"ok": true}')
            log(args, "delivered", key=key, **record)
            time.sleep(min(float(q.get("delay", 2)), 30))
            return self.answer(200, {"ok": True})
        if url.path == "/drop":
            if hit(name) <= int(q.get("times", 1)):
                self.close_connection = True
                self.connection.shutdown(2)
                return
            return self.answer(200, {"ok": True}, key=key, record=record)
        if url.path == "/flaky":
            if hit(name) <= int(q.get("fail", 1)):
                return self.answer(int(q.get("code", 500)), {"error": "try again"})
            return self.answer(200, {"ok": True}, key=key, record=record)
        if url.path == "/ratelimit":
            if hit(name) <= int(q.get("fail", 1)):
                return self.answer(429, {"error": "slow down"}, {"Retry-After": q.get("after", "1")})
            return self.answer(200, {"ok": True}, key=key, record=record)
        if url.path == "/hook":
            try:
                record["json"] = json.loads(body)
            except ValueError:
                return self.answer(400, {"error": "not JSON"})
            return self.answer(200, {"received": True}, key=key, record=record)
        if url.path.startswith("/api/3/action/"):
            return self.ckan(url.path[14:], rec, key, record)
        return self.answer(404, {"error": "no route " + url.path})

    def ckan(self, action, rec, key, record):
        def error(status, err):
            return self.answer(status, {"help": "ckan", "success": False, "error": err})
        parts = rec.get("parts") or {}
        fields = {k: v["text"] for k, v in parts.items() if v["text"] is not None}
        need = "package_id" if action == "resource_create" else "id"
        if action not in ("resource_create", "resource_update"):
            return error(400, {"message": "Bad request - Action name not known: " + action,
                               "__type": "Bad Request"})
        if not fields.get(need):
            return error(409, {"__type": "Validation Error", need: ["Missing value"]})
        up = parts.get("upload")
        result = {"id": fields.get("id") or str(uuid.uuid4()), "package_id": fields.get("package_id"),
                  "name": fields.get("name") or (up or {}).get("filename"),
                  "format": fields.get("format"), "size": (up or {}).get("size"),
                  "url_type": "upload" if up else None}
        return self.answer(200, {"help": "ckan", "success": True, "result": result}, key=key, record=record)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = handle_any


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port-file", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--token", default=None, help="the Authorization value CKAN routes require")
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--lifetime", type=float, default=300)
    args = p.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.args = args
    if args.tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(*args.tls)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    timer = threading.Timer(args.lifetime, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
