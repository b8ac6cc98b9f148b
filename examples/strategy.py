#!/usr/bin/env python3
"""strategy.py — any program is a strategy: read the CSV event stream on
stdin, pass every event through, and write a target after each bar.

This one is a moving-average cross (fast over slow, long SIZE, flat
otherwise), written for reading rather than speed:

    qts-fetch file:bars.csv | python3 examples/strategy.py 10 30 100 | qts-sim
"""
import csv
import sys
from collections import defaultdict, deque


def main():
    fast, slow, size = (int(a) for a in (sys.argv[1:] + ["10", "30", "100"][len(sys.argv) - 1:])[:3])
    closes = defaultdict(lambda: deque(maxlen=slow))
    last = {}
    out = csv.writer(sys.stdout, lineterminator="\n")
    for line in sys.stdin:
        sys.stdout.write(line)  # pass through, unchanged and in order
        if not line.startswith("bar,"):
            continue
        _, ts, sym, tf, o, h, l, c, v = next(csv.reader([line]))
        q = closes[sym]
        q.append(float(c))
        if len(q) < slow:
            continue
        f = sum(list(q)[-fast:]) / fast
        s = sum(q) / slow
        t = size if f > s else 0
        if last.get(sym) != t:
            last[sym] = t
            out.writerow(["target", ts, sym, t, "qty", "py-sma"])
        sys.stdout.flush()


if __name__ == "__main__":
    main()
