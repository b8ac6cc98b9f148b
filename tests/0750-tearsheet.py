#!/usr/bin/env python3
"""Independent checks of qts-report's HTML tearsheet, Python standard
library only.  Used by tests/0750-qts-report-tearsheet.bats:

  parts HTML                      the parts exist; tags balance; no URL
  tables HTML JSON TEXT TRADES    tables and bars against qts-report's
                                  own JSON, text and --trades output
  figures HTML SIM BENCH          figures recomputed from the stream:
                                  histogram, rolling windows, exposure,
                                  contribution, the benchmark's column
Each prints what differs and exits 1, or exits 0 in silence."""
import csv
import json
import math
import re
import statistics
import sys
from html.parser import HTMLParser

VOID = {"meta", "br", "hr", "img", "input", "link", "area", "base", "col",
        "embed", "source", "track", "wbr"}
# SVG elements written self-closed (<path .../>) close themselves
fails = []


def fail(msg):
    fails.append(msg)


class Page(HTMLParser):
    """Every element with its attributes and text; a check of nesting."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.elems, self.bad = [], [], []
        self.cur_text = []

    def handle_starttag(self, tag, attrs):
        e = {"tag": tag, "a": dict(attrs), "text": "", "parent": self.stack[-1] if self.stack else None}
        self.elems.append(e)
        if tag not in VOID:
            self.stack.append(e)

    def handle_startendtag(self, tag, attrs):
        self.elems.append({"tag": tag, "a": dict(attrs), "text": "",
                           "parent": self.stack[-1] if self.stack else None})

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1]["tag"] != tag:
            self.bad.append("</%s> closes %s" % (tag, self.stack[-1]["tag"] if self.stack else "nothing"))
            return
        self.stack.pop()

    def handle_data(self, data):
        for e in self.stack:
            e["text"] += data

    def find(self, tag=None, **attrs):
        out = []
        for e in self.elems:
            if tag and e["tag"] != tag:
                continue
            if all(e["a"].get(k.replace("_", "-")) == v for k, v in attrs.items()):
                out.append(e)
        return out

    def cells(self, row):
        return [e["text"] for e in self.elems if e["tag"] == "td" and e["parent"] is row]

    def cls(self, tag, name):
        return [e for e in self.elems if e["tag"] == tag and name in e["a"].get("class", "").split()]


def load(path):
    p = Page()
    with open(path, encoding="utf-8") as f:
        text = f.read()
    p.feed(text)
    p.close()
    return p, text


def near(got, want, what, rel=1e-7, absolute=1e-12):
    got = float(got)
    if not (abs(got - want) <= max(rel * abs(want), absolute)):
        fail("%s: page %r, want %r" % (what, got, want))


def parts(html):
    p, text = load(html)
    for b in p.bad:
        fail("tags: " + b)
    if p.stack:
        fail("tags left open: %s" % [e["tag"] for e in p.stack])
    # a benchmark column in the metrics: then a rolling beta as well
    metrics = p.cls("table", "metrics")
    bench = metrics and len([e for e in p.elems if e["tag"] == "th"
                             and e["parent"]["parent"]["parent"] is metrics[0]]) == 3
    for id_ in ("equity", "underwater", "metrics", "drawdowns", "yearly", "monthly",
                "histogram", "rolling-vol", "rolling-sharpe", "exposure",
                "contribution", "trade-pnl", "trips") + (("rolling-beta",) if bench else ()):
        if not p.find("section", id=id_):
            fail("no section #" + id_)
    if re.search(r"https?:", text, re.I):
        fail("an http(s) URL: " + re.search(r".{0,40}https?:.{0,40}", text, re.I).group(0))
    if re.search(r"<script|\b(src|href)=|@import|url\(", text, re.I):
        fail("a script or a reference to another file")
    for s in p.find("svg"):
        if "viewBox" not in {k: 1 for k in s["a"]} and "viewbox" not in s["a"]:
            fail("an svg without viewBox")
        if "width" in s["a"] or "height" in s["a"]:
            fail("an svg of fixed size")


def text_metrics(path):
    """The values of the text report's metric lines, in order."""
    vals = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for line in lines[2:]:
        if line.startswith("Equity fell") or line.startswith("Worst drawdowns"):
            break
        if line.strip():
            vals.append((line[:28].strip(), line[29:].strip()))
    return vals


def tables(html, jpath, tpath, trades):
    p, _ = load(html)
    with open(jpath) as f:
        js = json.load(f, parse_float=str, parse_int=str)
    # worst drawdowns: the rows of --json's "drawdowns"
    rows = p.cls("tr", "dd")
    if len(rows) != len(js["drawdowns"]):
        fail("drawdowns: %d rows, --json has %d" % (len(rows), len(js["drawdowns"])))
    for r, d in zip(rows, js["drawdowns"]):
        cells = p.cells(r)
        if r["a"]["data-depth"] != d["depth"]:
            fail("drawdown depth %s != %s" % (r["a"]["data-depth"], d["depth"]))
        want = [d["peak"], d["trough"], d["recovery"] or "-", d["days"]]
        if cells[2:6] != want:
            fail("drawdown row %s != %s" % (cells[2:6], want))
    # yearly bars and the heatmap: --json's yearly and monthly returns
    bars = {b["a"]["data-year"]: b["a"]["data-v"] for b in p.cls("rect", "ys")}
    if bars != js["yearly_returns"]:
        fail("yearly bars %s != %s" % (bars, js["yearly_returns"]))
    ycells = {c["a"]["data-year"]: c["a"]["data-v"] for c in p.cls("td", "y")}
    if ycells != js["yearly_returns"]:
        fail("heatmap years differ from --json")
    cells = {c["a"]["data-month"]: c["a"]["data-v"] for c in p.cls("td", "m")}
    if cells != js["monthly_returns"]:
        fail("heatmap months differ from --json")
    # the metrics' strategy column: the text report's values, in order
    mine = [e["text"] for e in p.cls("td", "s")]
    want = [v for _, v in text_metrics(tpath)]
    if mine != want:
        fail("metrics column %s != text report %s" % (mine, want))
    # round trips: the table and the P&L histogram hold every trip
    with open(trades) as f:
        trips = list(csv.DictReader(f))
    got = [r["a"]["data-pnl"] for r in p.cls("tr", "trip")]
    if got != [t["pnl"] for t in trips][-1000:]:
        fail("round trips table != --trades")
    hist = p.find("svg", **{"class": "chart trade-pnl"})[0]
    tp = trade_bins(p)
    if sum(tp) != len(trips) or int(hist["a"]["data-n"]) != len(trips):
        fail("trade P&L histogram counts %d, trips %d" % (sum(tp), len(trips)))


def trade_bins(p):
    """Counts of the bins of the trade P&L histogram (after its <svg>)."""
    out, inside = [], False
    for e in p.elems:
        if e["tag"] == "svg":
            inside = "trade-pnl" in e["a"].get("class", "")
        elif inside and e["tag"] == "rect" and e["a"].get("class") == "bin":
            out.append(int(e["a"]["data-count"]))
    return out


def stream(path, bench):
    """Each equity event with the benchmark's last close before it, the
    fills by symbol, and every symbol's last close."""
    pts, fills, last = [], {}, {}
    with open(path) as f:
        for row in csv.reader(f):
            if not row or row[0].startswith("#"):
                continue
            if row[0] == "bar":
                last[row[2]] = float(row[7])
                if row[2] == bench:
                    day = row[1][:10]
            elif row[0] == "equity":
                pts.append({"equity": float(row[3]), "gross": float(row[4]),
                            "net": float(row[5]), "bench": last.get(bench), "day": day})
            elif row[0] == "fill":
                d = 1 if row[4] == "buy" else -1
                s = fills.setdefault(row[2], {"cash": 0.0, "qty": 0.0})
                s["cash"] -= d * float(row[5]) * float(row[6]) + float(row[7] or 0)
                s["qty"] += d * float(row[5])
    return pts, fills, last


def rolling(r, f, w):
    vol, sh, beta = [], [], []
    for i in range(w - 1, len(r)):
        x = r[i + 1 - w:i + 1]
        sd = statistics.stdev(x)
        vol.append(sd * math.sqrt(252))
        sh.append(statistics.mean(x) / sd * math.sqrt(252))
        y = f[i + 1 - w:i + 1]
        mx, my = statistics.mean(x), statistics.mean(y)
        cov = sum((a - mx) * (b - my) for a, b in zip(x, y)) / w
        var = sum((b - my) ** 2 for b in y) / w
        beta.append(cov / var)
    return {"rolling-vol": vol, "rolling-sharpe": sh, "rolling-beta": beta}


def figures(html, sim, bench):
    p, _ = load(html)
    pts, fills, last = stream(sim, bench)
    eq = [x["equity"] for x in pts]
    r = [eq[i] / eq[i - 1] - 1 for i in range(1, len(eq))]
    bq = [x["bench"] for x in pts]
    fr = [bq[i] / bq[i - 1] - 1 for i in range(1, len(bq))]
    # the daily histogram: every day in a bin, the bins as their edges say
    h = p.find("svg", **{"class": "chart histogram"})[0]["a"]
    bins, inside = [], False
    for e in p.elems:
        if e["tag"] == "svg":
            inside = "histogram" in e["a"].get("class", "")
        elif inside and e["tag"] == "rect" and e["a"].get("class") == "bin":
            bins.append((float(e["a"]["data-lo"]), int(e["a"]["data-count"])))
    width = float(h["data-width"])
    if sum(c for _, c in bins) != len(r) or int(h["data-n"]) != len(r):
        fail("histogram counts %d, days %d" % (sum(c for _, c in bins), len(r)))
    # bin k holds lo_k <= v < lo_(k+1), the last one up to the greatest
    for k, (lo, c) in enumerate(bins):
        hi = bins[k + 1][0] if k + 1 < len(bins) else math.inf
        n = sum(1 for v in r if lo <= v < hi)
        if n != c:
            fail("histogram bin at %r: %d, counted %d" % (lo, c, n))
    near(h["data-mean"], statistics.mean(r), "histogram mean")
    near(h["data-sd"], statistics.stdev(r), "histogram sd")
    # rolling figures over 126 returns, recomputed
    for id_, v in rolling(r, fr, 126).items():
        a = p.find("svg", **{"class": "chart " + id_})[0]["a"]
        if a["data-window"] != "126" or int(a["data-n"]) != len(v):
            fail("%s: window %s, %s values; want 126, %d" % (id_, a["data-window"], a["data-n"], len(v)))
        near(a["data-first"], v[0], id_ + " first")
        near(a["data-last"], v[-1], id_ + " last")
        near(a["data-min"], min(v), id_ + " min")
        near(a["data-max"], max(v), id_ + " max")
        near(a["data-mean"], statistics.mean(v), id_ + " mean")
    # exposure: gross and net over equity of each day
    g = [x["gross"] / x["equity"] for x in pts]
    n = [x["net"] / x["equity"] for x in pts]
    a = p.find("svg", **{"class": "chart exposure"})[0]["a"]
    near(a["data-gross-max"], max(g), "gross exposure max")
    near(a["data-gross-mean"], statistics.mean(g), "gross exposure mean")
    near(a["data-net-min"], min(n), "net exposure min")
    near(a["data-net-max"], max(n), "net exposure max")
    # contribution: each symbol's fills and last close; they add up
    total = 0
    for e in p.cls("rect", "sym"):
        s = fills[e["a"]["data-symbol"]]
        want = s["cash"] + s["qty"] * last[e["a"]["data-symbol"]]
        near(e["a"]["data-pnl"], want, "P&L of " + e["a"]["data-symbol"], rel=1e-9, absolute=1e-6)
        total += want
    if len(p.cls("rect", "sym")) != len(fills):
        fail("contribution: %d symbols drawn, %d traded" % (len(p.cls("rect", "sym")), len(fills)))
    near(total, eq[-1] - eq[0], "sum of the symbols' P&L against the change of equity", rel=1e-9, absolute=1e-6)
    # the benchmark's column, from its closes
    col = {e["a"]["data-key"]: p.cells(e) for e in p.find("tr") if "data-key" in e["a"]}
    cum, top, mdd = 1, 1, 0
    for v in fr:
        cum *= 1 + v
        top = max(top, cum)
        mdd = min(mdd, cum / top - 1)
    want = {"total_return": (cum - 1) * 100, "volatility": statistics.stdev(fr) * math.sqrt(252) * 100,
            "sharpe": statistics.mean(fr) / statistics.stdev(fr) * math.sqrt(252),
            "max_drawdown": mdd * 100, "cagr": (cum ** (252 / len(fr)) - 1) * 100}
    for k, v in want.items():
        got = float(col[k][2].rstrip("%"))
        if abs(got - v) > 0.0051:
            fail("benchmark %s: %s, want %.4f" % (k, col[k][2], v))
    # the benchmark's yearly bars, compounded from its closes
    yb = {e["a"]["data-year"]: float(e["a"]["data-v"]) for e in p.cls("rect", "yb")}
    prev, want = bq[0], {}
    for i in range(1, len(pts)):
        y = pts[i]["day"][:4]
        want[y] = bq[i]
        if i + 1 == len(pts) or pts[i + 1]["day"][:4] != y:
            want[y] = bq[i] / prev - 1
            prev = bq[i]
    if sorted(yb) != sorted(want):
        fail("benchmark years %s != %s" % (sorted(yb), sorted(want)))
    for y in want:
        near(yb.get(y, "nan"), want[y], "benchmark return of " + y, rel=1e-9)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    {"parts": parts, "tables": tables, "figures": figures}[cmd](*args)
    for m in fails[:20]:
        print(m)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
