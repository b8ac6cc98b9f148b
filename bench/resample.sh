#!/bin/sh
# bench/resample.sh — qts-resample 1d over one-minute bars of four symbols
# interleaved (the common case): throughput msgpack -> msgpack and CSV ->
# CSV, against an awk one-liner doing the same job in the same run (target
# 10x: runs of the two in pairs, back to back, so that both see the same
# load); the same on one symbol, for comparison; and peak RSS at 1M and 50M
# bars of ten symbols.  QTS_BENCH_N (default 2000000) bars for throughput,
# QTS_BENCH_BIG (default 50000000) for the long stream.  Needs hyperfine
# and /usr/bin/time.
cd "$(dirname "$0")/.." || exit 1
N=${QTS_BENCH_N:-2000000}
BIG=${QTS_BENCH_BIG:-50000000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

gen() { # gen N SYM,SYM...: N one-minute bars in all as CSV, the symbols interleaved
	set -- "$1" "$2" "$(echo "$2" | tr , '\n' | wc -l)"
	qts-fetch --tf 1m --count $(($1 / $3)) "synth:$2"
}

gen10() { # gen10 N: N one-minute bars of ten symbols (a long stream fits in time)
	gen "$1" S0,S1,S2,S3,S4,S5,S6,S7,S8,S9
}

. bench/lib.sh

gen "$N" AAPL,MSFT,ORCL,IBM >"$dir/bars.csv"
qts cat -M "$dir/bars.csv" >"$dir/bars.mp"
gen "$N" SYN >"$dir/one.csv"

# The awk one-liner: daily bars from one-minute CSV bars of any number of
# symbols, interleaved or not, keyed on the UTC date of the bar.  What it
# writes is what qts-resample writes, byte for byte (checked below).
awk1='awk -F, '\''{d=substr($2,1,10);s=$3} d!=pd[s]{if(s in o)printf "bar,%sT00:00:00Z,%s,1d,%s,%s,%s,%s,%s\n",pd[s],s,o[s],h[s],l[s],c[s],v[s];pd[s]=d;o[s]=$5;h[s]=$6;l[s]=$7;v[s]=0} {if($6+0>h[s]+0)h[s]=$6;if($7+0<l[s]+0)l[s]=$7;c[s]=$8;v[s]+=$9}'\'''
qts-resample 1d "$dir/bars.csv" >"$dir/q.csv" 2>/dev/null
sh -c "$awk1 $dir/bars.csv" | cmp -s - "$dir/q.csv" ||
	{ echo "bench: the awk one-liner does not do what qts-resample does" >&2; exit 1; }

t_mp=$(median mp "qts-resample -M 1d $dir/bars.mp")
t_csv=$(median csv "qts-resample 1d $dir/bars.csv")
t_awk=$(median awk "$awk1 $dir/bars.csv")
x4=$(paired_ratio "${QTS_BENCH_PAIRS:-7}" "$awk1 $dir/bars.csv" "qts-resample 1d $dir/bars.csv")
x1=$(paired_ratio "${QTS_BENCH_PAIRS:-7}" "$awk1 $dir/one.csv" "qts-resample 1d $dir/one.csv")

awk -v n="$N" -v mp="$t_mp" -v csv="$t_csv" -v ak="$t_awk" -v x4="$x4" -v x1="$x1" 'BEGIN {
	r = n / mp / 1e6; printf "%s %.1f %d\n", "mp", r, (r >= 10)
	r = n / csv / 1e6; printf "%s %.1f %d\n", "csv", r, (r >= 2)
	r = n / ak / 1e6; printf "%s %.2f %d\n", "awk", r, 1
	printf "%s %.1f %d\n", "ratio", x4, (x4 >= 10)
	printf "%s %.1f %d\n", "ratio1", x1, 1
}' >"$dir/rates"
while read -r what v ok; do
	case $what in
	mp) report "1d, msgpack in -> msgpack out, 4 symbols" "$v" "M bars/s" ">= 10" "$ok" ;;
	csv) report "1d, CSV in -> CSV out, 4 symbols" "$v" "M bars/s" ">= 2" "$ok" ;;
	awk) report "1d, awk one-liner on the same CSV" "$v" "M bars/s" "(reference)" 1 ;;
	ratio) report "CSV: qts-resample vs awk, 4 symbols (pairs)" "$v" "x faster" ">= 10" "$ok" ;;
	ratio1) report "CSV: qts-resample vs awk, 1 symbol (pairs)" "$v" "x faster" "(compare)" 1 ;;
	esac
done <"$dir/rates"

# Peak RSS of qts-resample alone, the bars streamed through a pipe.
rss() { # rss N: peak RSS in KB of qts-resample -M 1d over N bars
	gen10 "$1" | qts cat -M | /usr/bin/time -f %M -o "$dir/rss" qts-resample -M 1d >/dev/null 2>"$dir/err"
	tail -n 1 "$dir/rss"
}
r1=$(rss 1000000)
rb=$(rss "$BIG")
report "peak RSS, 1M bars" "$r1" "KB" "flat" 1
report "peak RSS, $BIG bars" "$rb" "KB" "flat (+10%)" "$(awk -v a="$r1" -v b="$rb" 'BEGIN { print (b <= a * 1.1) }')"
