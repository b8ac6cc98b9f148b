#!/bin/sh
# bench/fetch.sh — qts-fetch synth: generating one-minute bars to msgpack
# (target >= 10M bars/s), the stream codecs through `qts cat`, and peak RSS
# of qts-fetch at 1M and 50M bars (flat).  QTS_BENCH_N (default 5000000)
# bars for throughput, QTS_BENCH_BIG (default 50000000) for the long run.
cd "$(dirname "$0")/.." || exit 1
N=${QTS_BENCH_N:-5000000}
BIG=${QTS_BENCH_BIG:-50000000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

per=$((N / 10))
t_gen=$(median gen "qts-fetch -M --tf 1m --count $per synth:A,B,C,D,E,F,G,H,I,J")
qts-fetch -M --tf 1m --count $per synth:A,B,C,D,E,F,G,H,I,J >"$dir/bars.mp"
qts cat "$dir/bars.mp" >"$dir/bars.csv"
t_mm=$(median mm "qts cat -M $dir/bars.mp")
t_cm=$(median cm "qts cat -M $dir/bars.csv")
t_cc=$(median cc "qts cat $dir/bars.csv")
qts-fetch -M --tf 1m --count $per synth:K,L,M,N,O,P,Q,R,S,T >"$dir/more.mp"
t_merge=$(median merge "qts-fetch -M $dir/bars.mp $dir/more.mp")

# one decimal here: the generator's figures are large
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / t / 1e6 }'; }
r=$(rate "$N" "$t_gen"); report "synth: 1m bars, 10 symbols -> msgpack" "$r" "M bars/s" ">= 10" "$(ok "$r" 10)"
r=$(rate "$N" "$t_mm"); report "qts cat: msgpack -> msgpack" "$r" "M bars/s" "(codec)" 1
r=$(rate "$N" "$t_cm"); report "qts cat: CSV -> msgpack" "$r" "M bars/s" "(codec)" 1
r=$(rate "$N" "$t_cc"); report "qts cat: CSV -> CSV" "$r" "M bars/s" "(codec)" 1
r=$(rate $((2 * N)) "$t_merge"); report "qts-fetch: merge of two msgpack files" "$r" "M bars/s" "(merge)" 1

small=$(peak_rss qts-fetch -M --tf 1m --count $((1000000 / 10)) synth:A,B,C,D,E,F,G,H,I,J)
big=$(peak_rss qts-fetch -M --tf 1m --count $((BIG / 10)) synth:A,B,C,D,E,F,G,H,I,J)
report "peak RSS, 1M bars generated" "$small" "KB" "flat" 1
report "peak RSS, $BIG bars generated" "$big" "KB" "flat" "$(awk -v a="$small" -v b="$big" 'BEGIN { print (b < a * 1.5 + 1024) ? 1 : 0 }')"
small=$(peak_rss sh -c "qts-fetch -M --tf 1m --count 100000 synth:A,B,C,D,E,F,G,H,I,J | qts cat")
big=$(peak_rss sh -c "qts-fetch -M --tf 1m --count $((BIG / 10)) synth:A,B,C,D,E,F,G,H,I,J | qts cat -M")
report "peak RSS of the reader, 1M bars" "$small" "KB" "flat" 1
report "peak RSS of the reader, $BIG bars" "$big" "KB" "flat" "$(awk -v a="$small" -v b="$big" 'BEGIN { print (b < a * 1.5 + 1024) ? 1 : 0 }')"
