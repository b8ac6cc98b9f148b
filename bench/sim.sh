#!/bin/sh
# qts-sim throughput and memory: qts-sim alone on msgpack bars + targets,
# then the full pipeline when its other stages are built.
# BARS (default 10000000) 1-minute bars over 10 symbols.
set -e
BARS=${BARS:-10000000}
PER=$((BARS / 10))
SYMS=S0,S1,S2,S3,S4,S5,S6,S7,S8,S9
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export QTS_FORMAT=msgpack

# Bars with a target after every 50th bar of each symbol, flipping between
# +100 and -100: orders and fills all along the run.
gen() { # gen N FILE
	qts-fetch --count "$1" -t 1m "synth:$SYMS" | QTS_FORMAT=csv qts cat |
	awk -F, '{ print } /^bar,/ { n[$3]++; if (n[$3] % 50 == 0) printf "target,%s,%s,%d,qty,bench\n", $2, $3, (n[$3] / 50) % 2 ? 100 : -100 }' |
	qts cat -M > "$2"
}

run() { # run FILE: prints seconds and max RSS in KiB
	/usr/bin/time -f '%e %M' -o "$tmp/time" qts-sim --commission bps=1 "$1" > /dev/null
	cat "$tmp/time"
}

gen $((PER / 10)) "$tmp/small.mp"
gen "$PER" "$tmp/in.mp"
set -- $(run "$tmp/small.mp")
small_rss=$2
set -- $(run "$tmp/in.mp")
secs=$1 rss=$2
awk -v b="$BARS" -v s="$secs" -v r="$rss" -v r0="$small_rss" 'BEGIN {
	printf "qts-sim alone, %d bars + targets (msgpack): %.2f s, %.2fM bars/s (target >= 2M bars/s end to end)\n", b, s, b / s / 1e6
	printf "qts-sim max RSS: %d KiB at %d bars, %d KiB at %d bars (target: flat)\n", r0, b / 10, r, b
}'

pipe() { # pipe LABEL COMMAND: time a pipeline over $BARS bars
	start=$(date +%s.%N)
	sh -c "$2" > /dev/null
	end=$(date +%s.%N)
	awk -v l="$1" -v b="$BARS" -v s="$start" -v e="$end" 'BEGIN {
		printf "%s, %d bars: %.2f s, %.2fM bars/s (target >= 2M bars/s)\n", l, b, e - s, b / (e - s) / 1e6 }'
}
export PER SYMS tmp
pipe "qts-fetch | qts-sim" 'qts-fetch --count "$PER" -t 1m "synth:$SYMS" | qts-sim --commission bps=1'
if command -v qts-risk >/dev/null; then
	pipe "qts-risk | qts-sim on bars + targets" 'qts-risk < "$tmp/in.mp" | qts-sim --commission bps=1'
fi

if command -v qts-strategy >/dev/null && command -v qts-risk >/dev/null; then
	start=$(date +%s.%N)
	qts-fetch --count "$PER" -t 1m "synth:$SYMS" | qts-strategy sma-cross fast=10 slow=30 size=100 |
		qts-risk | qts-sim --commission bps=1 > /dev/null
	end=$(date +%s.%N)
	awk -v b="$BARS" -v s="$start" -v e="$end" 'BEGIN {
		printf "full pipeline fetch | strategy | risk | sim, %d bars: %.2f s, %.2fM bars/s (target >= 2M bars/s)\n", b, e - s, b / (e - s) / 1e6 }'
else
	echo "full pipeline: skipped (qts-strategy or qts-risk is not built yet)"
fi

# qts-broker paper on the same stream, half of it and all of it: without
# --journal it keeps the last 65536 ended orders (as qts-sim keeps ids),
# and both runs make more orders than that, so memory is the same.
if command -v qts-broker >/dev/null; then
	gen $((PER / 2)) "$tmp/half.mp"
	/usr/bin/time -f '%M' -o "$tmp/b1" qts-broker paper --commission bps=1 "$tmp/half.mp" > /dev/null
	/usr/bin/time -f '%M' -o "$tmp/b2" qts-broker paper --commission bps=1 "$tmp/in.mp" > /dev/null
	awk -v b="$BARS" -v r1="$(tail -n 1 "$tmp/b1")" -v r2="$(tail -n 1 "$tmp/b2")" 'BEGIN {
		printf "qts-broker paper max RSS: %d KiB at %d bars, %d KiB at %d bars (target: flat, +10%%): %s\n",
			r1, b / 2, r2, b, r2 <= r1 * 1.1 ? "ok" : "MISSED" }'
fi
