#!/usr/bin/env python3
"""A fake of Alpaca's trading API v2 for qts-broker's tests, on 127.0.0.1
only: the REST endpoints qts uses and the trade_updates WebSocket stream,
RFC 6455 framing by hand, its messages in binary frames as Alpaca's paper
and live endpoints send them.

    alpaca_trading.py CONFIG.json PORTFILE LOGFILE

It binds port 0, writes the port to PORTFILE, logs every request to
LOGFILE (never a key), and keeps its counts in LOGFILE.stats (JSON, also
at GET /_stats): POSTs and orders created per client_order_id,
executions and their quantities per client_order_id, stream connections.
CONFIG is read again at every request, so a test may change it:

  key, secret     the keys it takes (APCA-API-KEY-ID / APCA-API-SECRET-KEY
                  headers; {"action":"auth","key","secret"} on the stream, or
                  the older {"action":"authenticate","data":{"key_id",
                  "secret_key"}})
  price           fill price: a number, or {"AAPL": 185.5, ...}
  cash            the account's cash at the start (100000)
  positions       positions at the start: {"AAPL": 10}
  fill            "now" (market orders, and limits that cross, fill after
                  a moment, the default) or "never"
  partial         each fill comes in this many executions (1)
  reject          {"AAPL": "insufficient buying power"}: orders of the
                  symbol answered 403
  fill_delay      seconds from taking an order to its first execution (0.05)
  faults          answers for the first matching requests, in order:
                  {"match": "POST /v2/orders", "status": 429,
                   "retry_after": 0} | {"status": 500} | {"slow": SECONDS}
                  | {"drop_after_accept": true} (the order is taken, the
                  connection closed before the answer) | {"drop": true}
  stream          {"refuse": true} (Upgrade answered 404),
                  {"unauthorized": true}, {"duplicate": true} (every
                  update sent twice), {"reverse": true} (an order's
                  updates sent newest first), {"drop_after": N} (the
                  connection closed after N updates), {"text": true}
                  (text frames instead of binary), {"hangup": true}
                  (closed as soon as it said it listens, twice), {"late": SECONDS}
                  (the executions after an order's first told that much
                  later; the account and positions have them at once)
  orders          orders at the start (a previous run's): a list of
                  {"client_order_id", "symbol", "side", "qty", "status",
                   "filled_qty", "filled_avg_price"}

The shapes follow Alpaca's documentation (docs.alpaca.markets: Orders,
Positions, Account, Websocket Streaming).
"""
import base64
import datetime
import hashlib
import json
import os
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

CONFIG, PORTFILE, LOGFILE = sys.argv[1], sys.argv[2], sys.argv[3]
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
lock = threading.RLock()
orders = {}        # client_order_id -> order object
by_id = {}         # Alpaca's id -> client_order_id
positions = {}     # symbol -> [qty, avg_entry_price]
listeners = []     # [sock, sent, drop_after, send lock]
stats = {"posts": {}, "created": {}, "executions": {}, "filled": {}, "requests": 0,
         "connections": 0, "updates_sent": 0, "deletes": {}}
faults_used = [0]
account = {"cash": None}


def config():
    with open(CONFIG) as f:
        return json.load(f)


def log(line):
    with lock, open(LOGFILE, "a") as f:
        f.write(line + "\n")


def save_stats():
    with lock:
        text = json.dumps(stats, sort_keys=True)
        with open(LOGFILE + ".stats.tmp", "w") as f:
            f.write(text)
        os.replace(LOGFILE + ".stats.tmp", LOGFILE + ".stats")


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def num(x):
    """Alpaca's way with numbers: strings."""
    if x is None:
        return None
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def price_of(cfg, sym):
    p = cfg.get("price", 100)
    return float(p.get(sym, 100) if isinstance(p, dict) else p)


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


def send_msg(sock, obj):
    """Alpaca's trading stream: JSON in binary frames (text when asked)."""
    text = json.dumps(obj, separators=(",", ":"))
    send_frame(sock, 1 if config().get("stream", {}).get("text") else 2, text)


def next_msg(sock, slock):
    """The next data message (text or binary), answering pings (under the
    connection's lock, so that no frame is cut by another); None at the end."""
    while True:
        opcode, data = read_frame(sock)
        if opcode == 9:
            with slock:
                send_frame(sock, 10, data)
        elif opcode == 8:
            with slock:
                send_frame(sock, 8, data[:2])
            return None
        elif opcode in (1, 2):
            return data.decode()


# ---- orders --------------------------------------------------------------

def broadcast(events):
    """Send trade updates to every listening stream, as the faults say."""
    st = config().get("stream", {})
    if st.get("reverse"):
        events = list(reversed(events))
    out = []
    for e in events:
        out.append(e)
        if st.get("duplicate"):
            out.append(e)
    with lock:
        conns = list(listeners)
    for c in conns:
        sock, drop_after, slock = c[0], c[2], c[3]
        for e in out:
            with slock:
                if c[1] is None:
                    break
                if drop_after is not None and c[1] >= drop_after:
                    log("WS drop after %d updates" % c[1])
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                    c[1] = None
                    break
                try:
                    send_msg(sock, {"stream": "trade_updates", "data": e})
                    c[1] += 1
                    with lock:
                        stats["updates_sent"] += 1
                except OSError:
                    c[1] = None
                    break
    save_stats()


def update_event(o, event, **extra):
    d = {"event": event, "timestamp": now(), "order": dict(o)}
    d.update(extra)
    return d


def execute(cid):
    """Fill an order, in config's number of executions."""
    cfg = config()
    with lock:
        o = orders.get(cid)
        if not o or o["status"] in ("filled", "canceled", "expired", "rejected"):
            return
        px = price_of(cfg, o["symbol"])
        if o["type"] == "limit":
            lim = float(o["limit_price"])
            if (o["side"] == "buy" and px > lim) or (o["side"] == "sell" and px < lim):
                return
        qty = float(o["qty"])
        parts = max(1, int(cfg.get("partial", 1)))
        events = []
        done = float(o["filled_qty"])
        cost = done * float(o["filled_avg_price"] or 0)
        left = qty - done
        for k in range(parts):
            q = left / parts if k < parts - 1 else qty - done
            if k < parts - 1:
                q = float(int(q)) if q >= 1 else q
            if q <= 0:
                continue
            p = round(px + 0.01 * k, 4)
            done += q
            cost += q * p
            o["filled_qty"] = num(done)
            o["filled_avg_price"] = num(round(cost / done, 6))
            o["status"] = "filled" if done >= qty else "partially_filled"
            o["updated_at"] = now()
            if done >= qty:
                o["filled_at"] = o["updated_at"]
            sign = 1 if o["side"] == "buy" else -1
            pos = positions.setdefault(o["symbol"], [0.0, 0.0])
            newq = pos[0] + sign * q
            if newq != 0 and (pos[0] == 0 or (pos[0] > 0) == (sign > 0)):
                pos[1] = (abs(pos[0]) * pos[1] + q * p) / abs(newq)
            pos[0] = newq
            if pos[0] == 0:
                del positions[o["symbol"]]
            account["cash"] -= sign * q * p
            xid = str(uuid.uuid4())
            stats["executions"].setdefault(cid, []).append(q)
            stats["filled"][cid] = done
            events.append(update_event(o, "fill" if done >= qty else "partial_fill", execution_id=xid,
                                       price=num(p), qty=num(q), position_qty=num(newq)))
    log("FILL %s %s in %d" % (cid, o["qty"], len(events)))
    late = cfg.get("stream", {}).get("late")
    if late and len(events) > 1:
        broadcast(events[:1])
        threading.Timer(float(late), broadcast, (events[1:],)).start()
    else:
        broadcast(events)


def new_order(body, cfg):
    cid = body.get("client_order_id") or str(uuid.uuid4())
    o = {
        "id": str(uuid.uuid4()), "client_order_id": cid, "created_at": now(), "updated_at": now(),
        "submitted_at": now(), "filled_at": None, "expired_at": None, "canceled_at": None,
        "failed_at": None, "replaced_at": None, "replaced_by": None, "replaces": None,
        "asset_id": "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415", "symbol": body["symbol"],
        "asset_class": "us_equity", "notional": None, "qty": num(body["qty"]), "filled_qty": "0",
        "filled_avg_price": None, "order_class": "", "order_type": body["type"], "type": body["type"],
        "side": body["side"], "time_in_force": body["time_in_force"],
        "limit_price": num(body.get("limit_price")), "stop_price": num(body.get("stop_price")),
        "status": "new", "extended_hours": False, "legs": None, "trail_percent": None,
        "trail_price": None, "hwm": None,
    }
    return cid, o


def seed():
    cfg = config()
    account["cash"] = float(cfg.get("cash", 100000))
    for sym, q in cfg.get("positions", {}).items():
        positions[sym] = [float(q), price_of(cfg, sym)]
    for s in cfg.get("orders", []):
        cid, o = new_order({"symbol": s["symbol"], "qty": s["qty"], "side": s["side"], "type": "market",
                            "time_in_force": "day", "client_order_id": s["client_order_id"]}, cfg)
        o["status"] = s.get("status", "new")
        o["filled_qty"] = num(s.get("filled_qty", 0))
        o["filled_avg_price"] = num(s.get("filled_avg_price"))
        orders[cid] = o
        by_id[o["id"]] = cid
        stats["filled"][cid] = float(o["filled_qty"])


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, body, headers=()):
        b = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(b)))
        self.end_headers()
        self.wfile.write(b)

    def error(self, status, code, message, headers=()):
        self.answer(status, {"code": code, "message": message}, headers)

    def keys_ok(self, cfg):
        return (self.headers.get("APCA-API-KEY-ID"), self.headers.get("APCA-API-SECRET-KEY")) == \
            (cfg.get("key"), cfg.get("secret"))

    def fault(self, cfg, what):
        """The next fault for this request, if any is left."""
        with lock:
            faults = cfg.get("faults", [])
            while faults_used[0] < len(faults):
                f = faults[faults_used[0]]
                if f.get("match") and not what.startswith(f["match"]):
                    return None
                faults_used[0] += 1
                return f
        return None

    def handle_any(self, method):
        cfg = config()
        u = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(u.query).items()}
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n) if n else b""
        secret = cfg.get("secret", "\0")
        with lock:
            stats["requests"] += 1
        save_stats()
        shown = "%s %s" % (method, self.path)
        log("%s keys=%s%s" % (shown.replace(secret, "LEAKED"), "ok" if self.keys_ok(cfg) else "bad",
                              " LEAKED" if secret.encode() in raw else ""))
        if u.path == "/_stats":
            return self.answer(200, stats)
        f = self.fault(cfg, shown)
        if f and f.get("slow"):
            time.sleep(f["slow"])
        elif f and f.get("drop"):
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        elif f and "status" in f:
            hdrs = [("Retry-After", str(f["retry_after"]))] if "retry_after" in f else []
            return self.error(f["status"], 50000000 + f["status"], "fault %d" % f["status"], hdrs)
        if not self.keys_ok(cfg):
            return self.error(401, 40110000, "request is not authorized")
        p = u.path
        if method == "POST" and p == "/v2/orders":
            return self.post_order(cfg, raw, f)
        if method == "DELETE" and p.startswith("/v2/orders/"):
            return self.delete_order(unquote(p[len("/v2/orders/"):]))
        if method != "GET":
            return self.error(404, 40410000, "endpoint not found")
        if p == "/v2/account":
            with lock:
                lmv = sum(q_ * price_of(cfg, s) for s, (q_, _) in positions.items() if q_ > 0)
                smv = sum(q_ * price_of(cfg, s) for s, (q_, _) in positions.items() if q_ < 0)
                cash = account["cash"]
            return self.answer(200, {
                "id": "e6fe16f3-64a4-4921-8928-cadf02f92f98", "account_number": "PA3TEST", "status": "ACTIVE",
                "currency": "USD", "cash": num(cash), "portfolio_value": num(cash + lmv + smv),
                "equity": num(cash + lmv + smv), "last_equity": num(cash + lmv + smv),
                "long_market_value": num(lmv), "short_market_value": num(smv), "buying_power": num(cash * 2),
                "multiplier": "2", "pattern_day_trader": False, "trading_blocked": False,
                "account_blocked": False, "shorting_enabled": True, "daytrade_count": 0})
        if p == "/v2/positions":
            out = []
            with lock:
                for s, (q_, avg) in sorted(positions.items()):
                    px = price_of(cfg, s)
                    out.append({"asset_id": "b0b6dd9d-8b9b-48a9-ba46-b9d54906e415", "symbol": s,
                                "exchange": "NASDAQ", "asset_class": "us_equity", "avg_entry_price": num(avg),
                                "qty": num(q_), "qty_available": num(q_), "side": "long" if q_ > 0 else "short",
                                "market_value": num(q_ * px), "cost_basis": num(q_ * avg),
                                "unrealized_pl": num(q_ * (px - avg)), "unrealized_plpc": "0",
                                "current_price": num(px), "lastday_price": num(px), "change_today": "0",
                                "asset_marginable": True})
            return self.answer(200, out)
        if p == "/v2/orders:by_client_order_id":
            with lock:
                o = orders.get(q.get("client_order_id", ""))
            return self.answer(200, o) if o else self.error(404, 40410000, "order not found")
        if p == "/v2/orders":
            status = q.get("status", "open")
            final = ("filled", "canceled", "expired", "rejected", "replaced", "done_for_day")
            with lock:
                lst = [o for o in orders.values()
                       if status == "all" or (status == "open") == (o["status"] not in final)]
            lst.sort(key=lambda o: o["created_at"], reverse=q.get("direction", "desc") == "desc")
            return self.answer(200, lst[:int(q.get("limit", 50))])
        if p.startswith("/v2/orders/"):
            with lock:
                cid = by_id.get(p[len("/v2/orders/"):])
                o = orders.get(cid) if cid else None
            return self.answer(200, o) if o else self.error(404, 40410000, "order not found")
        return self.error(404, 40410000, "endpoint not found")

    def post_order(self, cfg, raw, f):
        try:
            body = json.loads(raw)
            for k in ("symbol", "qty", "side", "type", "time_in_force"):
                if k not in body:
                    return self.error(422, 40010001, "%s is required" % k)
            float(body["qty"])
        except (ValueError, TypeError):
            return self.error(422, 40010001, "invalid order")
        cid = body.get("client_order_id", "")
        with lock:
            stats["posts"][cid] = stats["posts"].get(cid, 0) + 1
        save_stats()
        if body["type"] in ("limit", "stop_limit") and "limit_price" not in body:
            return self.error(422, 40010001, "limit_price is required")
        why = cfg.get("reject", {}).get(body["symbol"])
        if why:
            return self.error(403, 40310000, why)
        with lock:
            if cid in orders:
                dup = True
            else:
                dup = False
                cid, o = new_order(body, cfg)
                orders[cid] = o
                by_id[o["id"]] = cid
                stats["created"][cid] = stats["created"].get(cid, 0) + 1
                snapshot = dict(o)
        if dup:
            return self.error(422, 40010001, "client_order_id must be unique")
        save_stats()
        log("ORDER %s %s %s %s" % (cid, body["side"], body["qty"], body["symbol"]))
        broadcast([update_event(snapshot, "new")])
        if cfg.get("fill", "now") == "now" and body["type"] in ("market", "limit"):
            threading.Timer(float(cfg.get("fill_delay", 0.05)), execute, (cid,)).start()
        if f and f.get("drop_after_accept"):
            log("DROP after accepting %s" % cid)
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return None
        return self.answer(200, snapshot)

    def delete_order(self, oid):
        with lock:
            cid = by_id.get(oid)
            o = orders.get(cid) if cid else None
            if cid:
                stats["deletes"][cid] = stats["deletes"].get(cid, 0) + 1
            if not o:
                return self.error(404, 40410000, "order not found")
            if o["status"] in ("filled", "canceled", "expired", "rejected"):
                return self.error(422, 42210000, "order is not cancelable")
            o["status"] = "canceled"
            o["canceled_at"] = o["updated_at"] = now()
            snapshot = dict(o)
        log("CANCEL %s" % cid)
        broadcast([update_event(snapshot, "canceled")])
        return self.answer(204, None)

    def do_GET(self):
        if self.headers.get("Upgrade", "").lower() == "websocket":
            return self.stream()
        return self.handle_any("GET")

    def do_POST(self):
        return self.handle_any("POST")

    def do_DELETE(self):
        return self.handle_any("DELETE")

    def stream(self):
        cfg = config()
        st = cfg.get("stream", {})
        with lock:
            stats["connections"] += 1
            n = stats["connections"]
        save_stats()
        log("WS connect %d %s" % (n, self.path))
        if st.get("refuse") or self.path != "/stream":
            return self.error(404, 40410000, "not found")
        key = self.headers.get("Sec-WebSocket-Key", "")
        accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.send_response(101)
        self.send_header("Upgrade", "websocket")
        self.send_header("Connection", "Upgrade")
        self.send_header("Sec-WebSocket-Accept", accept)
        self.end_headers()
        self.wfile.flush()
        self.close_connection = True
        sock = self.connection
        conn = None
        slock = threading.Lock()
        try:
            auth = json.loads(next_msg(sock, slock) or "{}")
            if auth.get("action") == "auth":
                k, s = auth.get("key"), auth.get("secret")
            else:
                d = auth.get("data", {})
                k, s = d.get("key_id"), d.get("secret_key")
            ok = (auth.get("action") in ("auth", "authenticate") and (k, s) == (cfg.get("key"), cfg.get("secret"))
                  and not st.get("unauthorized"))
            log("WS auth %s" % ("ok" if ok else "failed"))
            send_msg(sock, {"stream": "authorization",
                            "data": {"status": "authorized" if ok else "unauthorized", "action": "authenticate"}})
            if not ok:
                time.sleep(0.2)
                return
            lst = json.loads(next_msg(sock, slock) or "{}")
            streams = lst.get("data", {}).get("streams", [])
            log("WS listen %s" % ",".join(streams))
            conn = [sock, 0, st.get("drop_after"), slock]
            with conn[3]:
                send_msg(sock, {"stream": "listening", "data": {"streams": [s for s in streams
                                                                            if s == "trade_updates"]}})
            if st.get("hangup"):
                with conn[3]:
                    send_msg(sock, {"stream": "listening", "data": {"streams": ["trade_updates"]}})
                log("WS hangup")
                return
            with lock:
                listeners.append(conn)
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and conn[1] is not None:
                if next_msg(sock, slock) is None:
                    return
        except (EOFError, OSError, ValueError):
            return
        finally:
            if conn:
                conn[1] = None
                with lock:
                    if conn in listeners:
                        listeners.remove(conn)
            log("WS closed %d" % n)


class Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)  # a client that gave up is no error


def main():
    seed()
    save_stats()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(PORTFILE + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(PORTFILE + ".tmp", PORTFILE)
    deadline = time.monotonic() + 600  # never outlives a test run
    srv.timeout = 0.5
    while time.monotonic() < deadline:
        srv.handle_request()


if __name__ == "__main__":
    main()
