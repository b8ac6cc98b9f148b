#!/bin/sh
# bench/risk.sh — qts-risk on msgpack: 1-minute bars for 10 symbols with
# the targets of qts-strategy sma-cross, passed through with no rules, with
# position limits, and with every per-bar rule on (target >= 4M bars/s
# each, so that the pipeline can make its own); the full pipeline
# qts-fetch | qts-strategy | qts-risk | qts-sim (target >= 2M bars/s); and
# peak RSS of qts-risk at a tenth of the bars and at all of them (flat).
# Figures are medians of QTS_BENCH_RUNS runs (5); QTS_BENCH_N bars
# (default 10000000).
cd "$(dirname "$0")/.." || exit 1
N=${QTS_BENCH_N:-10000000}
per=$((N / 10))
SYMS=S0,S1,S2,S3,S4,S5,S6,S7,S8,S9
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

qts-fetch -M --tf 1m --count $per synth:$SYMS | qts-strategy -M sma-cross fast=10 slow=30 size=100 \
	>"$dir/in.mp" || exit 1
qts-fetch -M --tf 1m --count $((per / 10)) synth:$SYMS | qts-strategy -M sma-cross fast=10 slow=30 size=100 \
	>"$dir/small.mp" || exit 1
LIMITS="--max-position 1000 --max-gross 1e6 --max-positions 8"
ALL="--stop-loss 0.05 --take-profit 0.1 --trailing-stop 0.05 --max-drawdown 0.2 --daily-loss 5000 \
	--target-vol 0.3 --vol-periods 98280 --max-orders 1000/1m --kill-file $dir/kill"

t_pass=$(median pass "qts-risk -M $dir/in.mp")
t_lim=$(median limits "qts-risk -M $LIMITS $dir/in.mp")
t_all=$(median all "qts-risk -M $ALL $dir/in.mp")
t_pipe=$(median pipe "qts-fetch -M --tf 1m --count $per synth:$SYMS \
	| qts-strategy -M sma-cross fast=10 slow=30 size=100 \
	| qts-risk -M --max-position 1000 --stop-loss 0.05 | qts-sim -M")

r=$(rate "$N" "$t_pass"); report "qts-risk: pass-through, no rules" "$r" "M bars/s" ">= 4" "$(ok "$r" 4)"
r=$(rate "$N" "$t_lim"); report "qts-risk: position limits" "$r" "M bars/s" ">= 4" "$(ok "$r" 4)"
r=$(rate "$N" "$t_all"); report "qts-risk: stops, drawdown, vol, rate, kill" "$r" "M bars/s" ">= 4" "$(ok "$r" 4)"
r=$(rate "$N" "$t_pipe"); report "fetch | strategy | risk | sim, $N bars" "$r" "M bars/s" ">= 2" "$(ok "$r" 2)"

small=$(peak_rss qts-risk -M $ALL "$dir/small.mp")
big=$(peak_rss qts-risk -M $ALL "$dir/in.mp")
report "peak RSS of qts-risk, $((N / 10)) bars" "$small" "KB" "flat" 1
report "peak RSS of qts-risk, $N bars" "$big" "KB" "flat" "$(awk -v a="$small" -v b="$big" 'BEGIN { print (b < a * 1.5 + 1024) ? 1 : 0 }')"
