#!/usr/bin/env python3
"""A fake of Alpaca's market data API v2 for qts-fetch's tests, on 127.0.0.1
only: the REST historical bars (GET /v2/stocks/{symbol}/bars) and the
real-time WebSocket stream (/v2/iex, /v2/sip), RFC 6455 framing by hand.

    alpaca.py CONFIG.json PORTFILE LOGFILE [CERT.pem KEY.pem]

It binds port 0, writes the port to PORTFILE, and logs every request to
LOGFILE; given a certificate and its key, it speaks TLS (https, wss).  CONFIG (read again at every request, so a test may change it):

  key, secret       the keys it takes (APCA-API-KEY-ID / APCA-API-SECRET-KEY
                    headers for REST, {"action":"auth"} on the stream)
  bars              {"AAPL": [{"t":..,"o":..,"h":..,"l":..,"c":..,"v":..}, ...]}
  page_size         bars a page at most (besides limit)
  rest_faults       answers for the first requests, in order, before the real
                    ones: {"status": 429, "retry_after": 0} | {"status": 500} |
                    {"malformed": true} | {"truncate": true}
  rest_fail         every request (after rest_faults) answers this status
  rate_headers      {"remaining": N, "reset": SECONDS}: every answer carries
                    X-RateLimit-Limit 200, X-RateLimit-Remaining N (199) and
                    X-RateLimit-Reset, the epoch second SECONDS (60) from now,
                    as Alpaca's answers do; a fault may set its own
                    "remaining" and "reset"
  redirects         {"SYM": "LOCATION"}: a request for SYM's bars answers 302
                    with that Location, {query} in it replaced by the query
  stuck_token       a page asked for by its token answers no bars and
                    that same token as the next
  cycle_tokens      a page asked for by its token answers no bars and
                    names "A" next, or "B" when asked with "A" (A, B, A...)
  auth              "fail": the stream refuses the keys (402 auth failed)
  sessions          the stream, one entry a connection (the last repeats):
                    {"messages": [[...], "raw text", ...],
                     "error": [406, "connection limit exceeded"],
                     "fault": "utf8" | "rsv" | "big",
                     "then": "stay" | "drop" | "silent" | "close"}
                    fault, after the messages: a frame a client must refuse
                    (a text message not UTF-8, a reserved bit set, a
                    message of 17 MiB)

The shapes follow Alpaca's documentation (docs.alpaca.markets: Historical
bars; WebSocket Stream; Real-time stock data).
"""
import base64
import datetime
import hashlib
import json
import os
import select
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CONFIG, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
lock = threading.Lock()
state = {"requests": 0, "connections": 0}


def config():
    with open(CONFIG) as f:
        return json.load(f)


def log(line):
    with lock, open(LOGFILE, "a") as f:
        f.write(line + "\n")


def when(s):
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


# ---- RFC 6455 framing (server side: frames out unmasked, in masked) ----

def read_exact(sock, n):
    b = b""
    while len(b) < n:
        chunk = sock.recv(n - len(b))
        if not chunk:
            raise EOFError
        b += chunk
    return b


def read_frame(sock):
    h = read_exact(sock, 2)
    opcode = h[0] & 0x0F
    masked = h[1] & 0x80
    n = h[1] & 0x7F
    if n == 126:
        n = struct.unpack("!H", read_exact(sock, 2))[0]
    elif n == 127:
        n = struct.unpack("!Q", read_exact(sock, 8))[0]
    if not masked:
        raise ValueError("a client frame without a mask")
    mask = read_exact(sock, 4)
    data = bytearray(read_exact(sock, n))
    for i in range(n):
        data[i] ^= mask[i % 4]
    return opcode, bytes(data)


def send_frame(sock, opcode, payload):
    if isinstance(payload, str):
        payload = payload.encode()
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, n)
    elif n < 65536:
        head = struct.pack("!BBH", 0x80 | opcode, 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, n)
    sock.sendall(head + payload)


def send_text(sock, obj):
    send_frame(sock, 1, obj if isinstance(obj, str) else json.dumps(obj, separators=(",", ":")))


def next_text(sock):
    """The next text message, answering pings; None when the client closed."""
    while True:
        opcode, data = read_frame(sock)
        if opcode == 9:
            log("WS ping")
            send_frame(sock, 10, data)
        elif opcode == 8:
            log("WS close")
            send_frame(sock, 8, data[:2])
            return None
        elif opcode == 1:
            return data.decode()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=(), fault=None):
        b = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        rate = config().get("rate_headers")
        if rate is not None:
            f = fault or {}
            self.send_header("X-RateLimit-Limit", "200")
            self.send_header("X-RateLimit-Remaining", str(f.get("remaining", rate.get("remaining", 199))))
            self.send_header("X-RateLimit-Reset", str(int(time.time()) + f.get("reset", rate.get("reset", 60))))
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def do_GET(self):
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return self.stream()
        cfg = config()
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        kid, sec = self.headers.get("APCA-API-KEY-ID"), self.headers.get("APCA-API-SECRET-KEY")
        keys = "ok" if (kid, sec) == (cfg.get("key"), cfg.get("secret")) else "missing" if not kid else "wrong"
        # the log never holds the keys, whatever qts-fetch sent
        log("GET %s keys=%s" % (self.path.replace(cfg.get("secret", "\0"), "LEAKED"), keys))
        with lock:
            n = state["requests"]
            state["requests"] += 1
        where = cfg.get("redirects", {}).get(u.path.split("/")[3] if u.path.count("/") >= 3 else "")
        if where:
            return self.answer(302, "{}", [("Location", where.replace("{query}", u.query))])
        faults = cfg.get("rest_faults", [])
        if n < len(faults):
            f = faults[n]
            if f.get("malformed"):
                return self.answer(200, '{"bars":[{"t":')
            if f.get("truncate"):
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                self.wfile.write(b'{"bars":[')
                self.close_connection = True
                return
            hdrs = [("Retry-After", str(f["retry_after"]))] if "retry_after" in f else []
            return self.answer(f["status"], json.dumps({"message": "fault %d" % f["status"]}), hdrs, f)
        if cfg.get("rest_fail"):
            return self.answer(cfg["rest_fail"], json.dumps({"message": "internal server error"}))
        parts = u.path.split("/")
        if len(parts) != 5 or parts[1:3] != ["v2", "stocks"] or parts[4] != "bars":
            return self.answer(404, json.dumps({"message": "not found"}))
        if keys != "ok":
            return self.answer(401, json.dumps({"message": "unauthorized."}))
        sym = parts[3]
        try:
            limit = int(q.get("limit", "1000"))
            if not 1 <= limit <= 10000:
                raise ValueError
        except ValueError:
            return self.answer(422, json.dumps({"message": "invalid limit"}))
        if "timeframe" not in q:
            return self.answer(422, json.dumps({"message": "timeframe is required"}))
        bars = cfg.get("bars", {}).get(sym, [])
        if "start" in q:
            bars = [b for b in bars if when(b["t"]) >= when(q["start"])]
        if "end" in q:  # Alpaca's end is inclusive
            bars = [b for b in bars if when(b["t"]) <= when(q["end"])]
        if cfg.get("cycle_tokens") and "page_token" in q:
            token = "B" if q["page_token"] == "A" else "A"
            return self.answer(200, json.dumps({"bars": [], "symbol": sym, "next_page_token": token}))
        at = int(base64.b64decode(q["page_token"]).decode()) if "page_token" in q else 0
        size = min(limit, cfg.get("page_size", limit))
        page = bars[at:at + size]
        token = base64.b64encode(str(at + size).encode()).decode() if at + size < len(bars) else None
        if cfg.get("stuck_token") and "page_token" in q:  # the page asked for names itself next
            token, page = q["page_token"], []
        self.answer(200, json.dumps({"bars": page, "symbol": sym, "next_page_token": token}))

    def stream(self):
        cfg = config()
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        with lock:
            n = state["connections"]
            state["connections"] += 1
        sessions = cfg.get("sessions", [{"then": "stay"}])
        sess = sessions[min(n, len(sessions) - 1)]
        sock = self.connection
        log("WS connect %d %s" % (n + 1, self.path))
        try:
            send_text(sock, [{"T": "success", "msg": "connected"}])
            if "error" in sess:
                code, msg = sess["error"]
                send_text(sock, [{"T": "error", "code": code, "msg": msg}])
                log("WS error %d" % code)
                return
            auth = json.loads(next_text(sock) or "{}")
            ok = (auth.get("action") == "auth" and auth.get("key") == cfg.get("key")
                  and auth.get("secret") == cfg.get("secret") and cfg.get("auth") != "fail")
            log("WS auth %s" % ("ok" if ok else "failed"))
            if not ok:
                send_text(sock, [{"T": "error", "code": 402, "msg": "auth failed"}])
                time.sleep(0.2)
                return
            send_text(sock, [{"T": "success", "msg": "authenticated"}])
            sub = json.loads(next_text(sock) or "{}")
            lists = {k: sub.get(k, []) for k in ("trades", "quotes", "bars")}
            log("WS %s %s" % (sub.get("action"), json.dumps(lists, sort_keys=True, separators=(",", ":"))))
            send_text(sock, [dict(T="subscription", **lists)])
            for m in sess.get("messages", []):
                send_text(sock, m)
            fault = sess.get("fault")
            if fault == "utf8":
                send_frame(sock, 1, b'[{"T":"b","S":"AAPL\xff\xfe"}]')
            elif fault == "rsv":
                sock.sendall(struct.pack("!BB", 0x80 | 0x40 | 1, 2) + b"[]")
            elif fault == "big":
                send_frame(sock, 1, b"[" + b" " * (17 << 20) + b"]")
            if fault:
                log("WS fault %s" % fault)
            then = sess.get("then", "stay")
            log("WS then %s" % then)
            if then == "drop":
                sock.shutdown(socket.SHUT_RDWR)
                return
            if then == "close":
                send_frame(sock, 8, struct.pack("!H", 1001))
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if then == "silent":  # read nothing, answer nothing
                    r, _, _ = select.select([sock], [], [], 0.05)
                    if r and not sock.recv(1, socket.MSG_PEEK):
                        return
                    time.sleep(0.05)
                    continue
                if next_text(sock) is None:
                    return
        except (EOFError, OSError, ValueError):
            log("WS gone")


def main():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    if len(sys.argv) > 5:
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[4], sys.argv[5])
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(PORTFILE + ".tmp", PORTFILE)
    srv.serve_forever()


if __name__ == "__main__":
    main()
