#!/bin/sh
# qts-strategy throughput over msgpack bars from `qts-fetch synth:`, output
# to /dev/null.  Targets: sma-cross >= 5M bars/s; the same logic as an
# expression within 2x of it; --print of ten indicators >= 1M bars/s.
set -e
n=${QTS_BENCH_BARS:-5000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qts-fetch synth:AAA,BBB,CCC,DDD,EEE --count $((n / 5)) -M >"$tmp/bars.mp"

secs() { # secs CMD...: best wall time of three runs, in seconds
	best=
	for i in 1 2 3; do
		s=$(date +%s.%N)
		"$@" <"$tmp/bars.mp" >/dev/null
		e=$(date +%s.%N)
		t=$(echo "$e - $s" | bc -l)
		if [ -z "$best" ] || [ "$(echo "$t < $best" | bc -l)" = 1 ]; then best=$t; fi
	done
	echo "$best"
}

rate() { echo "$n / $1 / 1000000" | bc -l | xargs printf '%.2f'; }

b=$(secs qts-strategy -M sma-cross fast=10 slow=30 size=100)
e=$(secs qts-strategy -M -e 'target = cross(sma(close,10), sma(close,30)) ? 100 : cross(sma(close,30), sma(close,10)) ? 0 : target')
p=$(secs qts-strategy --print 'sma(close,10),ema(close,20),rsi(close,14),atr(high,low,close,14),bbupper(close,20,2,2),macd(close,12,26,9),stochk(high,low,close,14,3,3),willr(high,low,close,14),rocp(close,12),adx(high,low,close,14)')
printf 'sma-cross (msgpack):      %s M bars/s  (target >= 5)\n' "$(rate "$b")"
printf 'expression, same logic:   %s M bars/s  (target: within 2x, ratio %.2f)\n' "$(rate "$e")" "$(echo "$e / $b" | bc -l)"
printf -- '--print ten indicators:   %s M bars/s  (target >= 1)\n' "$(rate "$p")"
