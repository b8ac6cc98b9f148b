#!/bin/sh
# bench/latency-live.sh — end-to-end latency of the live pipeline: a bar in
# to its order out of qts-broker, through
#   qts-strategy | qts-risk | qts-broker paper
# one bar at a time (bench/latency.c, four symbols taking turns).  The
# strategy answers every bar with a target that flips between long and
# short, so every bar makes an order; qts-broker writes the target it was
# given, the order's `new` update and the paper broker's `accepted` in one
# write, and the driver takes the target's arrival as the order's.  Then
# the same with --journal, which syncs each order to the disk before it
# goes out.  Last, the whole live chain as a paper session runs it:
# qts-fetch --pace releasing one-second bars from a file 2 ms apart
# (pace 500), tee copying what it releases to the driver
# (bench/latency-paced.c), then the same three stages; bar out of
# qts-fetch to order out of qts-broker, target p99 < 1 ms.
# Reports the 50th, 99th and 99.9th percentiles of QTS_BENCH_LIVE_BARS
# (default 5000) round trips after 500 to warm up, next to bench/latency.sh's
# single stage: three processes and two more pipes add up.
cd "$(dirname "$0")/.." || exit 1
n=${QTS_BENCH_LIVE_BARS:-5000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$dir/latency" bench/latency.c || exit 1
${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$dir/latency-paced" bench/latency-paced.c || exit 1
cat >"$dir/pipeline.sh" <<'P'
expr='k = 1 - k
target = k ? 1 : -1'
exec qts-strategy -e "$expr" | qts-risk --max-position 10 | qts-broker paper "$@"
P
load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?')
figures=$("$dir/latency" "$n" 500 sh "$dir/pipeline.sh") || exit 1
# shellcheck disable=SC2086
set -- $figures
report "bar in -> order out of qts-broker paper, p50" "$1" "us" "(median)" 1
report "  p99 ($n bars, load average $load)" "$2" "us" "< 5000" "$(awk -v t="$2" 'BEGIN { print (t < 5000) ? 1 : 0 }')"
report "  p99.9" "$3" "us" "(tail)" 1
report "  max" "$4" "us" "(tail)" 1
figures=$("$dir/latency" "$n" 500 sh "$dir/pipeline.sh" --journal "$dir/orders.journal") || exit 1
# shellcheck disable=SC2086
set -- $figures
report "the same with --journal (a sync an order), p50" "$1" "us" "(median)" 1
report "  p99" "$2" "us" "(tail)" 1
report "  p99.9" "$3" "us" "(tail)" 1

# the paced chain: one-second bars of four symbols taking turns, bar i at
# START + i
start=1704205800 # 2024-01-02T14:30:00Z
awk -v s=$start -v n=$((n + 500)) 'BEGIN {
	split("AAPL MSFT ORCL IBM", sym, " ")
	for (i = 0; i < n; i++) {
		o = 100 + (i * 7 % 13) / 4; c = 100 + (i * 5 % 11) / 4
		printf "bar,%s,%s,1s,%.2f,%.2f,%.2f,%.2f,%d\n", strftime("%Y-%m-%dT%H:%M:%SZ", s + i, 1), sym[i % 4 + 1],
			o, (o > c ? o : c) + 0.25, (o < c ? o : c) - 0.25, c, 1000 + i % 997
	}
}' >"$dir/bars.csv"
mkfifo "$dir/tap"
cat >"$dir/paced.sh" <<P
expr='k = 1 - k
target = k ? 1 : -1'
exec qts-fetch --pace 500 "$dir/bars.csv" | tee "$dir/tap" | qts-strategy -e "\$expr" | qts-risk --max-position 10 | qts-broker paper
P
figures=$("$dir/latency-paced" "$n" 500 $start "$dir/tap" sh "$dir/paced.sh") || exit 1
# shellcheck disable=SC2086
set -- $figures
report "paced fetch -> order out of qts-broker, p50" "$1" "us" "(median)" 1
report "  p99 ($n bars, load average $load)" "$2" "us" "< 1000" "$(awk -v t="$2" 'BEGIN { print (t < 1000) ? 1 : 0 }')"
report "  p99.9" "$3" "us" "(tail)" 1
report "  max" "$4" "us" "(tail)" 1
