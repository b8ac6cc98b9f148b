#!/bin/sh
# qts-report: 10M equity events in msgpack summarised; target under 2 s.
# Memory follows days, not events: the same 10M events spread over ~6900
# days (one a minute) and over ~116 days (one a second) are both measured.
# Then what a report reads in practice: qts-sim's stream over one-minute
# bars of four symbols interleaved (bars, targets, fills, updates,
# positions, equity), QTS_BENCH_BARS (default 2000000) bars in all.
set -e
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=${QTS_BENCH_EVENTS:-10000000}
gen() { # gen STEP_SECONDS: n equity events, a slow random walk (gawk)
	awk -v n="$n" -v step="$1" 'BEGIN { srand(1); e = 100000; t = 946684800
		for (i = 0; i < n; i++) { e *= 1 + (rand() - 0.5) * 0.0004
			printf "equity,%s,%.2f,%.2f,0,0,0,0\n",
				strftime("%Y-%m-%dT%H:%M:%SZ", t + step * i, 1), e, e } }' |
		qts cat -M
}
gen 60 > "$tmp/min.mp"
gen 1 > "$tmp/sec.mp"
echo "input: $n equity events, $(wc -c < "$tmp/min.mp") bytes of msgpack"
if command -v hyperfine >/dev/null 2>&1; then
	hyperfine -N -w 1 -r 5 "qts-report -j $tmp/min.mp" 2>/dev/null | sed -n '2,3p'
fi
for f in min sec; do
	/usr/bin/time -f '%e s, %M KiB max RSS' qts-report -j "$tmp/$f.mp" 2>"$tmp/time" >"$tmp/out"
	days=$(sed -n 's/^ *"days": \([0-9]*\),/\1/p' "$tmp/out")
	echo "qts-report -j, $n events over $days days: $(cat "$tmp/time")   (target: < 2 s)"
done

bars=${QTS_BENCH_BARS:-2000000}
qts-fetch -M --tf 1m --count $((bars / 4)) synth:AAPL,MSFT,ORCL,IBM |
	qts-strategy -M sma-cross fast=10 slow=30 size=100 | qts-sim -M --commission bps=1 >"$tmp/sim.mp"
events=$(qts cat "$tmp/sim.mp" | wc -l)
/usr/bin/time -f '%e s, %M KiB max RSS' qts-report -j "$tmp/sim.mp" 2>"$tmp/time" >"$tmp/out"
echo "qts-report -j, qts-sim's $events events over $bars bars of 4 symbols: $(cat "$tmp/time")"
