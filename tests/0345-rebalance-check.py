#!/usr/bin/env python3
"""Checks a qts-sim --fractional run of qts-strategy rebalance, computed
here from the stream alone, independently of qts (tests/0345-*.bats).

usage: 0345-rebalance-check.py SIM_OUTPUT WEIGHTS EVERY BAND

WEIGHTS is SYM:W,...; EVERY is 1M, 1w or - (none); BAND a number, 0 for
none.  Daily bars only (known at ts + 1 day), UTC.

1. Held: after the fills of each rebalance at time T, every symbol targeted
   then holds qty * close(T) / equity(T) == its target (1e-9), qty from
   qts-sim's position events, equity from its equity event at T.
2. When: the rebalances are at the first bar of the input, the first bar
   of each new period (calendar month or Monday week), and the first bar
   at which a weight of the portfolio set at the last rebalance's closes
   (units = w / close, the rest cash), ridden on the closes since, is more
   than BAND from its target.
Prints the rebalance times, one a line, and exits 1 on a mismatch.
"""
import csv
import datetime as dt
import sys

path, weights, every, band = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
W = {}
for item in weights.split(","):
    sym, w = item.rsplit(":", 1)
    W[sym] = float(w)

DAY = dt.timedelta(days=1)


def t(s):
    return dt.datetime.fromisoformat(s.replace("Z", "+00:00"))


def period(ts):
    if every == "1M":
        return (ts.year, ts.month)
    if every == "1w":
        return (ts - dt.timedelta(days=ts.weekday())).date()
    return None


events = list(csv.reader(open(path)))
bad = []

# 1. held weights after each rebalance
close_at = {}   # (symbol, known time) -> close
equity_at = {}  # time -> equity
snap = []       # (time, positions) at each equity event
pos = {}
targets = {}    # time -> {symbol: weight}
for e in events:
    if e[0] == "bar":
        close_at[(e[2], t(e[1]) + DAY)] = float(e[7])
    elif e[0] == "position":
        pos[e[2]] = float(e[3])
    elif e[0] == "equity":
        equity_at[t(e[1])] = float(e[3])
        snap.append((t(e[1]), dict(pos)))
    elif e[0] == "target":
        targets.setdefault(t(e[1]), {})[e[2]] = float(e[3])
    elif e[0] == "update" and e[5] == "rejected":
        bad.append("an order rejected: " + ",".join(e))
for T, tg in sorted(targets.items()):
    after = next((p for ts, p in snap if ts > T), None)
    if after is None:
        continue  # the last rebalance: its fills are past the end
    for sym, w in tg.items():
        if w != W.get(sym, 0):
            bad.append(f"{T:%Y-%m-%d} {sym}: target {w!r}, weights say {W.get(sym, 0)!r}")
        held = after.get(sym, 0) * close_at[(sym, T)] / equity_at[T]
        if abs(held - w) > 1e-9:
            bad.append(f"{T:%Y-%m-%d} {sym}: held {held!r}, target {w!r}")

# 2. when: the model, bar by bar in stream order
units, cash, price = {}, 1.0, {}
pending, last_period, started = None, None, False
expected = []
for e in events:
    if e[0] != "bar":
        continue
    sym, ts, known = e[2], t(e[1]), t(e[1]) + DAY
    if pending is not None and known > pending:
        # the rebalance's group of bars is complete: hold its targets
        eq = cash + sum(u * price[s] for s, u in units.items())
        for s in W:
            if s in price:
                cash -= (W[s] * eq / price[s] - units.get(s, 0)) * price[s]
                units[s] = W[s] * eq / price[s]
        pending = None
    price[sym] = float(e[7])
    due = not started
    p = period(ts)
    if p is not None and p != last_period:
        due = due or last_period is not None
        last_period = p
    if not due and band > 0 and pending is None:
        eq = cash + sum(u * price[s] for s, u in units.items())
        drift = max(abs(units.get(s, 0) * price[s] / eq - W[s]) for s in W if s in price)
        due = drift > band
    if due:
        started = True
        pending = known
        if not expected or expected[-1] != known:
            expected.append(known)
    elif sym in W and sym not in units and started:
        # a symbol's first bar after the rebalance that could not price it
        pending = known
        if expected[-1] != known:
            expected.append(known)

got = sorted(targets)
if got != expected:
    extra = sorted(set(got) - set(expected))[:3]
    missing = sorted(set(expected) - set(got))[:3]
    bad.append(f"rebalances: {len(got)}, expected {len(expected)}; not expected {extra}, missing {missing}")
for T in got:
    print(f"{T:%Y-%m-%d}")
for b in bad[:10]:
    print("BAD", b, file=sys.stderr)
sys.exit(1 if bad else 0)
