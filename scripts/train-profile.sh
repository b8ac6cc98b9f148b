#!/bin/sh
# scripts/train-profile.sh BINDIR — the workload the release build is
# optimised for (gcc's profile-guided optimisation, Makefile): the
# instrumented programs in BINDIR run qts's common work on generated data,
# and leave their counts behind as .gcda files next to their objects.
#
# The work is what users run most, not what the benchmarks time: daily and
# minute bars of several interleaved symbols, in CSV and msgpack; the
# built-in strategies and an expression; risk limits; fills with costs;
# resampling; reports; the same chains in one process with `qts pipe`, and
# most of all strategies over a larger universe in `qts pipe`, the work a
# parameter sweep repeats.  The data are generated here (qts-fetch synth:),
# other symbols and sizes than bench/'s.  Code a run does not reach keeps
# gcc's usual optimisation (-fprofile-partial-training).
set -eu
bin=$1
PATH=$bin:$PATH
export PATH
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT INT TERM
cd "$dir"

syms=$(awk 'BEGIN { for (i = 0; i < 60; i++) printf "%sT%02d", i ? "," : "", i }')
qts-fetch --seed 7 --tf 1d --count 400 "synth:$syms" >daily.csv
qts-fetch -M --seed 7 --tf 1d --count 400 "synth:$syms" >daily.mp
qts-fetch --seed 9 --tf 1m --count 20000 synth:AA,BB,CC,DD >minute.csv
qts-fetch -M daily.csv >/dev/null
qts-fetch minute.csv >/dev/null

# a sweep's work: strategies over 150 symbols in qts pipe
big=$(awk 'BEGIN { for (i = 0; i < 150; i++) printf "%sU%03d", i ? "," : "", i }')
qts-fetch -M --seed 3 --tf 1d --count 1000 "synth:$big" >big.mp
for s in 'sma-cross fast=10 slow=30 size=100' 'ema-cross weight=0.1' 'macd-cross size=50' \
	 'rsi-reversion size=100'; do
	qts pipe -M "qts-strategy $s | qts-risk | qts-sim" big.mp >/dev/null
done

risk='qts-risk --max-position-pct 0.25 --max-drawdown 0.3'
sim='qts-sim --commission bps=10 --slippage bps=5'
for s in 'sma-cross fast=10 slow=30 size=100' 'ema-cross weight=0.1' 'macd-cross size=50' \
	 'rsi-reversion size=100' 'bollinger-reversion weight=0.05' 'donchian-breakout size=100' \
	 'momentum lookback=60 weight=0.02' 'buy-hold weight=0.01'; do
	qts-strategy $s <daily.csv | $risk | $sim >out.csv
	qts-strategy -M $s <daily.mp | qts-risk -M | qts-sim -M >out.mp
	qts pipe -M "qts-strategy $s | qts-risk | qts-sim" daily.mp >/dev/null
	qts pipe "qts-strategy $s | $risk | $sim" daily.csv >/dev/null
done
qts-strategy -e 'target = sma(close,5) > sma(close,20) ? 100 : 0' <daily.csv | qts-sim >/dev/null
qts-strategy --unit weight -e 'target = rank(roc(close,20)) <= 3 ? 0.3 : 0' <daily.csv | qts-sim >/dev/null
# indicators printed: their updates and the table of --print (the numbers
# themselves are built without the profile: Makefile)
qts-strategy --print 'sma(close,10),ema(close,20),rsi(close,14),atr(high,low,close,14),macd(close,12,26,9),adx(high,low,close,14)' minute.csv >/dev/null
qts-report <out.csv >/dev/null
qts-report <out.mp >/dev/null
qts-report -t <out.csv >/dev/null

qts-resample --partial 5m,1h <minute.csv >/dev/null
qts-resample --partial -k 15m <minute.csv | qts-strategy --tf 15m sma-cross size=10 | qts-sim >/dev/null
qts-resample --partial -M 1w daily.mp | qts-sim -M >/dev/null
qts pipe -M 'qts-resample --partial 1h | qts-strategy --tf 1h ema-cross size=10 | qts-risk | qts-sim' minute.csv >/dev/null
qts cat -M daily.csv >/dev/null
