#!/usr/bin/env python3
"""A fake of three market data vendors for qts-fetch's tests, on
127.0.0.1 and a port of the system's choosing:

  Yahoo's chart API      GET /v8/finance/chart/SYM?period1=&period2=&interval=&events=
  Alpha Vantage          GET /query?function=TIME_SERIES_DAILY[_ADJUSTED]|TIME_SERIES_INTRADAY
                             &symbol=&interval=&month=&datatype=csv&apikey=
  Stooq                  GET /q/d/l/?s=SYM&i=d&d1=YYYYMMDD&d2=YYYYMMDD

in their formats: Yahoo's JSON (nulls for bars that are not there, daily
bars stamped at the session's open, meta.gmtoffset, events.dividends and
events.splits, chart.error with a 4xx), Alpha Vantage's CSV newest row
first and its JSON notices with status 200 ("Error Message", "Note",
"Information"), Stooq's CSV and its "No data".  Daily bars come from
tests/fixtures/net/bars.csv (empty fields are Yahoo's nulls), Yahoo's
events from actions.csv; intraday bars are made up from their times.

  vendors.py PORTFILE LOGFILE [CONTROLFILE]

writes the port to PORTFILE once listening, and each request's path and
query as a line of LOGFILE.  Faults on demand, by words in the symbol
(any case), "first" ones only on the first request for that vendor and
symbol:

  SLOW     every answer 2 s late          SLOW1    the first one
  HANG     every answer 30 s late (a server that does not answer)
  R429     first: 429, Retry-After: 1     E500     first: 500
  DOWN     every answer a 500             TRUNC    first: a body cut short
  YAHOODOWN, STOOQDOWN, ALPHAVANTAGEDOWN   every answer of that vendor a 500
  BADJSON  first: malformed JSON          BADJSONX every one
  NOPE     an unknown symbol              BADBAR   2024-01-08's high below its low
  SYD      Yahoo: an exchange at UTC+11 (bars stamped the UTC day before)
  LIVE     Yahoo: the last day again, later (the day in progress)
  NOTE     AV: first a Note (throttled)   NOTEX    AV: always a Note
  INFOKEY  AV: an Information quoting the key (the daily limit)
  PREMIUM  AV: an Information about a premium endpoint
  BADKEY   AV: malformed JSON with the key where a parser stops
  CSVKEY   AV: a CSV row with the key where a price belongs
  SWAPROW  2024-01-08's row before 2024-01-05's
  DUPROW   2024-01-08's row twice; Yahoo intraday: the second bar again,
           its prices a cent higher
  EXTHOURS AV intraday: the extended hours too, 04:00 to 20:00 New York
           (what extended_hours=true, Alpha Vantage's default, gives)
  NANROW   2024-01-08's close NaN and 2024-01-10's volume empty (Stooq, AV)
  SHORTARR Yahoo: the open array one value short (2024-01-05's left out)
  STRVAL   Yahoo: 2024-01-08's high a string

and a CONTROLFILE whose first word, while it exists, is a fault for
every request (DOWN, SLOW...).
"""
import csv
import datetime as dt
import json
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
FIX = os.path.join(HERE, "..", "fixtures", "net")
UTC = dt.timezone.utc
NY = ZoneInfo("America/New_York")


def read_fixture(name):
    with open(os.path.join(FIX, name)) as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


BARS = read_fixture("bars.csv")
ACTIONS = read_fixture("actions.csv")
seen = {}
seen_lock = threading.Lock()
log_lock = threading.Lock()


def day_epoch(date, hour=14, minute=30, offset_days=0):
    d = dt.datetime.strptime(date, "%Y-%m-%d").replace(hour=hour, minute=minute, tzinfo=UTC)
    return int((d + dt.timedelta(days=offset_days)).timestamp())


def num(v):
    return None if v == "" else float(v)


def synth_bar(t, step):
    k = t // step
    base = 100 + (k % 100) * 0.01
    return round(base, 2), round(base + 0.05, 2), round(base - 0.05, 2), round(base + 0.01, 2), 100 + k % 7


STEPS = {"1m": 60, "2m": 120, "5m": 300, "15m": 900, "30m": 1800, "60m": 3600, "1h": 3600,
         "1min": 60, "5min": 300, "15min": 900, "30min": 1800, "60min": 3600}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    # ---- answers and faults ------------------------------------------------

    def send(self, status, body, ctype="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        cut = "TRUNC" in self.faults and self.first
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data) + (100 if cut else 0)))
        for h in headers:
            self.send_header(*h)
        if cut:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        try:
            self.wfile.write(data[: len(data) // 2] if cut else data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def common_faults(self):
        """True when a fault answered the request."""
        f = self.faults
        if "HANG" in f:
            time.sleep(30)
        if "SLOW" in f and ("SLOW1" not in f or self.first):
            time.sleep(2)
        if "R429" in f and self.first:
            self.send(429, '{"error":"Too Many Requests"}', headers=[("Retry-After", "1")])
            return True
        down = "DOWN" in f.replace(self.vendor.upper() + "DOWN", "DOWN").replace("YAHOODOWN", "").replace(
            "STOOQDOWN", "").replace("ALPHAVANTAGEDOWN", "")
        if ("E500" in f and self.first) or down:
            self.send(500, "Internal Server Error", "text/plain")
            return True
        if "BADJSONX" in f or ("BADJSON" in f and self.first):
            self.send(200, '{"chart":{"result":[{"meta":', "application/json")
            return True
        return False

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        q = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        with log_lock, open(LOG, "a") as f:
            f.write(self.path + "\n")
        if url.path.startswith("/v8/finance/chart/"):
            vendor, sym = "yahoo", urllib.parse.unquote(url.path.rsplit("/", 1)[1])
        elif url.path == "/query":
            vendor, sym = "alphavantage", q.get("symbol", "")
        elif url.path == "/q/d/l/":
            vendor, sym = "stooq", q.get("s", "")
        else:
            return self.send(404, "Not Found", "text/plain")
        with seen_lock:
            seen[(vendor, sym)] = seen.get((vendor, sym), 0) + 1
            self.first = seen[(vendor, sym)] == 1
        self.faults = sym.upper()
        if CONTROL and os.path.exists(CONTROL):
            with open(CONTROL) as f:
                self.faults += " " + (f.read().split() or [""])[0].upper()
        self.sym, self.vendor = sym, vendor
        if self.common_faults():
            return
        getattr(self, vendor)(q)

    def rows(self):
        out = []
        for r in BARS:
            r = dict(r)
            if "BADBAR" in self.faults and r["date"] == "2024-01-08":
                r["high"] = "180.00"
            if "NANROW" in self.faults and r["date"] == "2024-01-08":
                r["close"] = "NaN"
            if "NANROW" in self.faults and r["date"] == "2024-01-10":
                r["volume"] = ""
            out.append(r)
            if "DUPROW" in self.faults and r["date"] == "2024-01-08":
                out.append(dict(r))
        if "SWAPROW" in self.faults:
            i = [r["date"] for r in out].index("2024-01-05")
            j = [r["date"] for r in out].index("2024-01-08")
            out[i], out[j] = out[j], out[i]
        return out

    # ---- Yahoo -------------------------------------------------------------

    def yahoo_error(self, status, code, desc):
        self.send(status, json.dumps({"chart": {"result": None, "error": {"code": code, "description": desc}}}))

    def yahoo(self, q):
        if "NOPE" in self.faults:
            return self.yahoo_error(404, "Not Found", "No data found, symbol may be delisted")
        p1, p2, interval = int(q["period1"]), int(q["period2"]), q.get("interval", "1d")
        syd = "SYD" in self.faults
        gmtoffset = 39600 if syd else -18000
        ts, cols, adj = [], {k: [] for k in ("open", "high", "low", "close", "volume")}, []
        events = {}
        if interval in ("1d", "1wk", "1mo"):
            for r in self.rows():
                # The session opens at 09:30 in New York (14:30Z in
                # winter), at 10:00 in Sydney (23:00Z the day before).
                t = day_epoch(r["date"], 23, 0, -1) if syd else day_epoch(r["date"])
                if not p1 <= t < p2:
                    continue
                ts.append(t)
                for k in cols:
                    v = num(r[k])
                    cols[k].append(int(v) if k == "volume" and v is not None else v)
                adj.append(num(r["adjclose"]))
            if "LIVE" in self.faults and ts:
                ts.append(ts[-1] + 3 * 3600)
                for k in cols:
                    cols[k].append(cols[k][-1])
                adj.append(adj[-1])
            divs, splits = {}, {}
            for a in ACTIONS:
                t = day_epoch(a["date"], 23, 0, -1) if syd else day_epoch(a["date"])
                if not p1 <= t < p2:
                    continue
                if a["action"] == "dividend":
                    divs[str(t)] = {"amount": float(a["value"]), "date": t}
                else:
                    splits[str(t)] = {"date": t, "numerator": float(a["value"]), "denominator": 1.0,
                                      "splitRatio": "%s:1" % a["value"]}
            if divs:
                events["dividends"] = divs
            if splits:
                events["splits"] = splits
        else:
            step = STEPS.get(interval)
            if not step:
                return self.yahoo_error(400, "Bad Request", "Invalid input - interval=%s is not supported." % interval)
            now = int(time.time())
            if interval == "1m" and p2 - p1 > 8 * 86400:
                return self.yahoo_error(422, "Unprocessable Entity",
                                        "Only 8 days worth of 1m granularity data are allowed to be fetched per request.")
            limit = 30 if interval == "1m" else 730 if step == 3600 else 60
            if p1 < now - limit * 86400:
                return self.yahoo_error(422, "Unprocessable Entity",
                                        "%s data not available for startTime=%d. The requested range must be "
                                        "within the last %d days." % (interval, p1, limit))
            t = (p1 + step - 1) // step * step
            while t < p2 and t <= now:
                d = dt.datetime.fromtimestamp(t, UTC)
                if d.weekday() < 5 and (14 * 60 + 30) <= d.hour * 60 + d.minute < 21 * 60:
                    o, h, l, c, v = synth_bar(t, step)
                    ts.append(t)
                    for k, x in zip(("open", "high", "low", "close", "volume"), (o, h, l, c, v)):
                        cols[k].append(x)
                    if "DUPROW" in self.faults and len(ts) == 2:
                        ts.append(t)
                        for k, x in zip(("open", "high", "low", "close", "volume"), (o, h, l, c, v)):
                            cols[k].append(x if k == "volume" else round(x + 0.01, 2))
                t += step
        result = {
            "meta": {"currency": "USD", "symbol": self.sym, "exchangeName": "NMS", "instrumentType": "EQUITY",
                     "gmtoffset": gmtoffset, "timezone": "AEDT" if syd else "EST",
                     "exchangeTimezoneName": "Australia/Sydney" if syd else "America/New_York",
                     "dataGranularity": interval, "range": ""},
            "indicators": {"quote": [cols]},
        }
        if ts:
            result["timestamp"] = ts
        if events:
            result["events"] = events
        if interval in ("1d", "1wk", "1mo"):
            result["indicators"]["adjclose"] = [{"adjclose": adj}]
        if "SHORTARR" in self.faults and len(ts) > 3:
            del cols["open"][3]
        if "STRVAL" in self.faults and len(ts) > 4:
            cols["high"][4] = str(cols["high"][4])
        self.send(200, json.dumps({"chart": {"result": [result], "error": None}}, separators=(",", ":")))

    # ---- Alpha Vantage -----------------------------------------------------

    def av_json(self, obj):
        self.send(200, json.dumps(obj, indent=4))

    def alphavantage(self, q):
        key = q.get("apikey", "")
        f = self.faults
        # Alpha Vantage's texts link to its own site: here, this server.
        site = "http://127.0.0.1:%d" % self.server.server_address[1]
        if not key:
            return self.av_json({"Error Message": "the parameter apikey is invalid or missing. Please claim "
                                 "your free API key on (%s/support/#api-key)." % site})
        if "NOPE" in f:
            return self.av_json({"Error Message": "Invalid API call. Please retry or visit the documentation "
                                 "(%s/documentation/) for %s." % (site, q.get("function"))})
        if "NOTEX" in f or ("NOTE" in f and self.first):
            return self.av_json({"Note": "Thank you for using Alpha Vantage! Our standard API call frequency is "
                                 "5 calls per minute and 500 calls per day."})
        if "CSVKEY" in f:
            return self.send(200, "timestamp,open,high,low,close,volume\r\n2024-01-02,%s,2,1,1,1\r\n" % key,
                             "application/x-download")
        if "BADKEY" in f:
            return self.send(200, '{"Information": %s is your key' % key)
        if "INFOKEY" in f:
            return self.av_json({"Information": "We have detected your API key as %s and our standard API rate "
                                 "limit is 25 requests per day. Please subscribe to any of the premium plans at "
                                 "%s/premium/ to instantly remove all daily rate limits."
                                 % (key, site)})
        fn = q.get("function")
        if "PREMIUM" in f or fn == "TIME_SERIES_DAILY_ADJUSTED" and "FREE" in f:
            return self.av_json({"Information": "Thank you for using Alpha Vantage! This is a premium endpoint. "
                                 "You may subscribe to any of the premium plans at "
                                 "%s/premium/ to instantly unlock all premium endpoints" % site})
        if fn in ("TIME_SERIES_DAILY", "TIME_SERIES_DAILY_ADJUSTED"):
            adjusted = fn.endswith("ADJUSTED")
            head = "timestamp,open,high,low,close," + ("adjusted_close,volume,dividend_amount,split_coefficient"
                                                       if adjusted else "volume")
            lines = [head]
            divs = {a["date"]: a["value"] for a in ACTIONS if a["action"] == "dividend"}
            splits = {a["date"]: a["value"] for a in ACTIONS if a["action"] == "split"}
            for r in reversed(self.rows()):
                if r["open"] == "":
                    continue
                vals = [r["date"], r["open"], r["high"], r["low"], r["close"]]
                if adjusted:
                    vals += [r["adjclose"], r["volume"], divs.get(r["date"], "0.0000"), splits.get(r["date"], "1.0")]
                else:
                    vals.append(r["volume"])
                lines.append(",".join(vals))
            return self.send(200, "\r\n".join(lines) + "\r\n", "application/x-download")
        if fn == "TIME_SERIES_INTRADAY":
            step = STEPS.get(q.get("interval", ""))
            if not step:
                return self.av_json({"Error Message": "Invalid API call. Please retry or visit the documentation "
                                     "(%s/documentation/) for TIME_SERIES_INTRADAY." % site})
            month = q.get("month")
            now = dt.datetime.now(NY)
            if month:
                y, m = map(int, month.split("-"))
                start = dt.datetime(y, m, 1, tzinfo=NY)
                end = dt.datetime(y + (m == 12), m % 12 + 1, 1, tzinfo=NY)
            else:
                start, end = now - dt.timedelta(days=30), now
            lines = []
            day = start.date()
            ext = "EXTHOURS" in self.faults
            while day < end.date() or (not month and day <= end.date()):
                if day.weekday() < 5:
                    t = dt.datetime(day.year, day.month, day.day, 4 if ext else 9, 0 if ext else 30, tzinfo=NY)
                    close = dt.datetime(day.year, day.month, day.day, 20 if ext else 16, 0, tzinfo=NY)
                    while t < close:
                        if start <= t < end:
                            epoch = int(t.timestamp())
                            o, h, l, c, v = synth_bar(epoch, step)
                            lines.append("%s,%.2f,%.2f,%.2f,%.2f,%d" % (t.strftime("%Y-%m-%d %H:%M:%S"), o, h, l, c, v))
                        t += dt.timedelta(seconds=step)
                day += dt.timedelta(days=1)
            lines.append("timestamp,open,high,low,close,volume")
            return self.send(200, "\r\n".join(reversed(lines)) + "\r\n", "application/x-download")
        return self.av_json({"Error Message": "This API function (%s) does not exist." % fn})

    # ---- Stooq -------------------------------------------------------------

    def stooq(self, q):
        d1 = q.get("d1", "00000000")
        d2 = q.get("d2", "99999999")
        lines = []
        if "NOPE" not in self.faults:
            for r in self.rows():
                if r["open"] == "" or not d1 <= r["date"].replace("-", "") <= d2:
                    continue
                lines.append(",".join([r["date"], r["open"], r["high"], r["low"], r["close"], r["volume"]]))
        if not lines:
            return self.send(200, "No data", "text/plain")
        body = "Date,Open,High,Low,Close,Volume\r\n" + "\r\n".join(lines) + "\r\n"
        self.send(200, body, "application/octet-stream",
                  headers=[("Content-Disposition", "attachment;filename=%s_d.csv" % self.sym)])


def main():
    global LOG, CONTROL
    port_file, LOG = sys.argv[1], sys.argv[2]
    CONTROL = sys.argv[3] if len(sys.argv) > 3 else None
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    with open(port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(port_file + ".tmp", port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
