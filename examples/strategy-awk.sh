#!/bin/sh
# strategy-awk.sh — any program is a strategy: this one reads the CSV event
# stream, passes every line through, and after each bar writes a target when
# the close crosses its N-bar simple moving average (long SIZE above, flat
# below).  For brevity the target carries the bar's own time, where
# qts-strategy writes the bar's end.
#   qts-fetch file:bars.csv | sh examples/strategy-awk.sh 20 100 | qts-sim
n=${1:-20} size=${2:-100}
exec awk -F, -v n="$n" -v size="$size" '
{ print }
$1 == "bar" {
	sym = $3; c = $8
	k = cnt[sym]++ % n
	sum[sym] += c - buf[sym, k]; buf[sym, k] = c
	if (cnt[sym] < n) next
	t = c > sum[sym] / n ? size : 0
	if ((sym in last) && last[sym] == t) next
	last[sym] = t
	print "target," $2 "," sym "," t ",qty,awk-sma"
	fflush()
}'
