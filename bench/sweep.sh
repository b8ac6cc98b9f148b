#!/bin/sh
# bench/sweep.sh — qts sweep: 100 combinations of sma-cross (fast 5..50 by
# 5, slow 60..150 by 10) through qts-risk and qts-sim, over ten years of
# daily bars of 500 symbols (2600 business days each, 1.3M bars, from
# qts-fetch synth: in msgpack), on every core (-j, the processors online).
# Target: under 10 s on the 2-core machine the suite is benchmarked on.
# Also the time of one combination alone (qts pipe with qts-report), the
# floor the sweep divides by the cores, and a sweep of many small
# combinations (980, over ten years of one symbol), where what a
# combination costs besides its bars shows.  Figures are medians
# (bench/lib.sh; QTS_BENCH_RUNS, 3 here, as a run takes seconds).
cd "$(dirname "$0")/.." || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh
QTS_BENCH_RUNS=${QTS_BENCH_RUNS:-3}

syms=$(awk 'BEGIN { for (i = 0; i < 500; i++) printf "%sS%03d", i ? "," : "", i }')
qts-fetch -M --tf 1d --count 2600 "synth:$syms" > "$dir/bars.mp"
chain='qts-strategy sma-cross size=100 | qts-risk | qts-sim'
grid='fast=5:50:5 slow=60:150:10'

# the sweep's rows are what qts-report says of qts pipe of the same combination
qts sweep --top 1 "$chain" $grid "$dir/bars.mp" > "$dir/top.csv"
best=$(sed -n 2p "$dir/top.csv" | cut -d, -f2,3)
qts pipe "qts-strategy sma-cross size=100 fast=${best%,*} slow=${best#*,} | qts-risk | qts-sim | qts-report --csv" \
	"$dir/bars.mp" | sed -n '2,44p' | cut -d, -f2 > "$dir/want"
sed -n 2p "$dir/top.csv" | cut -d, -f4- | tr , '\n' > "$dir/got"
cmp -s "$dir/want" "$dir/got" || { echo "bench: the sweep's row and qts-report differ" >&2; exit 1; }

one=$(median one "qts pipe '$chain | qts-report --csv' $dir/bars.mp")
all=$(median sweep "qts sweep '$chain' $grid $dir/bars.mp")
report "sweep: one combination (qts pipe + report)" "$one" "s" "-" 1
report "sweep: 100 combinations, 1.3M bars, all cores" "$all" "s" "< 10 s" "$(awk -v t="$all" 'BEGIN { print (t < 10) ? 1 : 0 }')"
report "sweep: bar-combinations a second" "$(rate 130000000 "$all")" "M/s" "-" 1

qts-fetch -M --tf 1d --count 2600 synth:AAA > "$dir/one.mp"
small=$(median small "qts sweep '$chain' fast=2:50:1 slow=60:250:10 $dir/one.mp")
report "sweep: 980 combinations of 2,600 bars" "$small" "s" "-" 1
