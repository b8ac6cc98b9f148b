#!/bin/sh
# bench/resample.sh — qts-resample 1d over one-minute bars: throughput
# msgpack -> msgpack and CSV -> CSV (against an awk one-liner doing the
# same job in the same run), and peak RSS at 1M and 50M bars.
# QTS_BENCH_N (default 2000000) bars for throughput, QTS_BENCH_BIG (default
# 50000000) for the long stream.  Needs hyperfine and /usr/bin/time.
cd "$(dirname "$0")/.." || exit 1
N=${QTS_BENCH_N:-2000000}
BIG=${QTS_BENCH_BIG:-50000000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

gen() { # gen N: N one-minute bars as CSV on stdout
	qts-fetch --tf 1m --count "$1" synth:SYN
}

gen10() { # gen10 N: N one-minute bars of ten symbols (a long stream fits in time)
	qts-fetch --tf 1m --count $(($1 / 10)) synth:S0,S1,S2,S3,S4,S5,S6,S7,S8,S9
}

. bench/lib.sh

gen "$N" >"$dir/bars.csv"
qts cat -M "$dir/bars.csv" >"$dir/bars.mp"

# The awk one-liner: daily bars from one-minute CSV bars of one or many
# symbols, keyed on the UTC date of the bar.
awk1='awk -F, '\''{d=substr($2,1,10)} d!=pd||$3!=ps{if(NR>1)printf "bar,%sT00:00:00Z,%s,1d,%s,%s,%s,%s,%s\n",pd,ps,o,h,l,c,v;pd=d;ps=$3;o=$5;h=$6;l=$7;v=0} {if($6+0>h+0)h=$6;if($7+0<l+0)l=$7;c=$8;v+=$9}'\'''

t_mp=$(median mp "qts-resample -M 1d $dir/bars.mp")
t_csv=$(median csv "qts-resample 1d $dir/bars.csv")
t_awk=$(median awk "$awk1 $dir/bars.csv")

awk -v n="$N" -v mp="$t_mp" -v csv="$t_csv" -v ak="$t_awk" 'BEGIN {
	r = n / mp / 1e6; printf "%s %.1f %d\n", "mp", r, (r >= 10)
	r = n / csv / 1e6; printf "%s %.1f %d\n", "csv", r, (r >= 2)
	r = n / ak / 1e6; printf "%s %.2f %d\n", "awk", r, 1
	r = ak / csv; printf "%s %.1f %d\n", "ratio", r, (r >= 10)
}' >"$dir/rates"
while read -r what v ok; do
	case $what in
	mp) report "1d, msgpack in -> msgpack out ($N bars)" "$v" "M bars/s" ">= 10" "$ok" ;;
	csv) report "1d, CSV in -> CSV out ($N bars)" "$v" "M bars/s" ">= 2" "$ok" ;;
	awk) report "1d, awk one-liner on the same CSV" "$v" "M bars/s" "(reference)" 1 ;;
	ratio) report "CSV: qts-resample vs awk one-liner" "$v" "x faster" ">= 10" "$ok" ;;
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
