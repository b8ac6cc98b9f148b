#!/bin/sh
# bench/pipeline-msgpack.sh — the shell pipeline
# `qts-strategy sma-cross | qts-risk | qts-sim` in msgpack over daily bars
# of 200 interleaved symbols (1M bars by default), and each stage alone on
# the stream the one before it writes; `qts cat -M` for the cost of the
# codec alone.  Target: the pipeline >= 3.2M bars/s.  Figures are medians
# of QTS_BENCH_RUNS runs (bench/lib.sh); QTS_BENCH_BARS bars in all.
cd "$(dirname "$0")/.." || exit 1
n=${QTS_BENCH_BARS:-1000000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

strat='qts-strategy -M sma-cross fast=10 slow=30 size=100'
daily_bars_200 "$n" "$dir/bars.mp"
$strat "$dir/bars.mp" >"$dir/strategy.mp" || exit 1
qts-risk -M "$dir/strategy.mp" >"$dir/risk.mp" || exit 1

t_cat=$(median cat "qts cat -M $dir/bars.mp >/dev/null")
t_strat=$(median strategy "$strat $dir/bars.mp >/dev/null")
t_risk=$(median risk "qts-risk -M $dir/strategy.mp >/dev/null")
t_sim=$(median sim "qts-sim -M $dir/risk.mp >/dev/null")
t_pipe=$(median pipe "$strat <$dir/bars.mp | qts-risk -M | qts-sim -M >/dev/null")

r=$(rate "$n" "$t_cat"); report "qts cat -M, 200 symbols daily" "$r" "M bars/s" "(codec)" 1
r=$(rate "$n" "$t_strat"); report "qts-strategy sma-cross alone" "$r" "M bars/s" "(stage)" 1
r=$(rate "$n" "$t_risk"); report "qts-risk alone" "$r" "M bars/s" "(stage)" 1
r=$(rate "$n" "$t_sim"); report "qts-sim alone" "$r" "M bars/s" "(stage)" 1
r=$(rate "$n" "$t_pipe"); report "strategy | risk | sim (msgpack), $n bars" "$r" "M bars/s" ">= 3.2" "$(ok "$r" 3.2)"
