#!/bin/sh
# bench/strategy.sh — qts-strategy throughput over msgpack bars from
# `qts-fetch synth:` (five symbols, one-minute bars: a million daily
# bars a symbol would run past 2262), output to /dev/null; figures are
# medians (bench/lib.sh).  Targets: sma-cross >= 5M bars/s; the same logic
# as an expression within 2x of it; --print of ten indicators >= 1M bars/s.
# QTS_BENCH_BARS (default 5000000) bars in all.
cd "$(dirname "$0")/.." || exit 1
n=${QTS_BENCH_BARS:-5000000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

qts-fetch synth:AAA,BBB,CCC,DDD,EEE --tf 1m --count $((n / 5)) -M >"$dir/bars.mp" || exit 1
ten='sma(close,10),ema(close,20),rsi(close,14),atr(high,low,close,14),bbupper(close,20,2,2),macd(close,12,26,9),stochk(high,low,close,14,3,3),willr(high,low,close,14),rocp(close,12),adx(high,low,close,14)'
t_b=$(median builtin "qts-strategy -M sma-cross fast=10 slow=30 size=100 $dir/bars.mp")
t_e=$(median expr "qts-strategy -M -e 'target = cross(sma(close,10), sma(close,30)) ? 100 : cross(sma(close,30), sma(close,10)) ? 0 : target' $dir/bars.mp")
t_p=$(median print "qts-strategy --print '$ten' $dir/bars.mp")
t_l=$(median linreg "qts-strategy --print 'linearreg(close,200)' $dir/bars.mp")

r=$(rate "$n" "$t_b"); report "sma-cross fast=10 slow=30 (msgpack)" "$r" "M bars/s" ">= 5" "$(ok "$r" 5)"
r=$(rate "$n" "$t_e"); x=$(awk -v e="$t_e" -v b="$t_b" 'BEGIN { printf "%.2f", e / b }')
report "the same as an expression" "$r" "M bars/s" "(x$x) <= 2x" "$(awk -v x="$x" 'BEGIN { print (x <= 2) ? 1 : 0 }')"
r=$(rate "$n" "$t_p"); report "--print of ten indicators" "$r" "M bars/s" ">= 1" "$(ok "$r" 1)"
r=$(rate "$n" "$t_l"); report "--print linearreg(close,200)" "$r" "M bars/s" "(O(1))" 1
