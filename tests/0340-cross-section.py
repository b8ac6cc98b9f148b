#!/usr/bin/env python3
"""An independent computation of qts-strategy's cross-sectional functions
(qts-strategy(1), Cross-sections), Python standard library only.  Used by
tests/0340-qts-strategy-cross-section.bats.  Reads a CSV bar stream (one
driving timeframe, 1d) on standard input:

  targets N   the targets of `target = rank(roc(close,N)) <= 3 ? 0.3 : 0`
              (--unit weight), written when they change, as qts-strategy
  values N    `date,symbol,rank,pct_rank,zscore,demean,count` of roc(close,N)
              a bar, empty for nan, as qts-strategy --print writes them
  held N      `date SYMBOL...`: the symbols whose rank is 3 or better
  sim         `date SYMBOL...`: from qts-sim's output, the symbols with a
              position after each session's events

Definitions: roc as TA-Lib's ROC, ((price/prevPrice)-1)*100; rank as
pandas' rank(method="min", ascending=False); pct_rank as pandas'
rank(method="min", pct=True); zscore as scipy.stats.zscore (population
sd, ddof=0), nan when every value is equal; demean x - mean; count the
bars of the date."""
import math
import statistics
import sys
from datetime import datetime, timedelta


def rank_min_desc(vals):
    return {k: 1 + sum(1 for w in vals.values() if w > v) for k, v in vals.items()}


def pct_rank_min(vals):
    n = len(vals)
    return {k: (1 + sum(1 for w in vals.values() if w < v)) / n for k, v in vals.items()}


def zscore(vals):
    xs = list(vals.values())
    if not xs or max(xs) == min(xs):
        return {}
    m, sd = statistics.fmean(xs), statistics.pstdev(xs)
    return {k: (v - m) / sd for k, v in vals.items()}


def demean(vals):
    if not vals:
        return {}
    m = statistics.fmean(list(vals.values()))
    return {k: v - m for k, v in vals.items()}


def groups(lines):
    """(date, [(symbol, close)...]) in input order, one group a date."""
    cur, rows = None, []
    for line in lines:
        f = line.strip().split(',')
        if f[0] != 'bar':
            continue
        if f[1] != cur and rows:
            yield cur, rows
            rows = []
        cur = f[1]
        rows.append((f[2], float(f[7])))
    if rows:
        yield cur, rows


def known(date):
    d = datetime.strptime(date[:10], '%Y-%m-%d') + timedelta(days=1)
    return d.strftime('%Y-%m-%dT00:00:00Z')


def field(m, s):
    return repr(m[s]) if s in m else ''


def main():
    mode = sys.argv[1]
    if mode == 'sim':
        held, order, pos = {}, [], {}
        for line in sys.stdin:
            f = line.strip().split(',')
            if f[0] == 'bar' and f[1][:10] not in held:
                order.append(f[1][:10])
            if f[0] == 'position':
                pos[f[2]] = float(f[3])
            if f[0] in ('bar', 'position'):
                held[f[1][:10]] = ' '.join(sorted(s for s, q in pos.items() if q))
        for d in order:
            print(d, held[d])
        return
    period = int(sys.argv[2])
    hist, last = {}, {}
    for date, rows in groups(sys.stdin):
        roc = {}
        for s, c in rows:
            h = hist.setdefault(s, [])
            h.append(c)
            if len(h) > period:
                roc[s] = (h[-1] / h[-1 - period] - 1) * 100
        r = rank_min_desc(roc)
        if mode == 'targets':
            for s, _ in rows:
                if s in r:
                    t = 0.3 if r[s] <= 3 else 0
                    if last.get(s) != t:
                        last[s] = t
                        print(f'target,{known(date)},{s},{t},weight,expr')
        elif mode == 'values':
            p, z, d = pct_rank_min(roc), zscore(roc), demean(roc)
            for s, _ in rows:
                print(f'{date[:10]},{s},{field(r, s)},{field(p, s)},{field(z, s)},'
                      f'{field(d, s)},{len(rows)}')
        elif mode == 'held':
            print(date[:10], ' '.join(sorted(s for s in r if r[s] <= 3)))


main()
