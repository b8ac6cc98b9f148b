#!/bin/sh
# bench/latency.sh — latency through the loop: a bar in to a target out of
# qts-strategy, one bar at a time through pipes (bench/latency.c: each bar
# is sent once the target for the one before is in, four symbols taking
# turns), with an expression that answers every bar with a target.
# Reports the 50th, 99th and 99.9th percentiles of QTS_BENCH_BARS (default
# 20000) round trips after 1000 to warm up, twice: qts-strategy as it
# runs by default, asleep in poll(2) between bars, and with --busy-poll
# 200us, polling without sleeping for up to 200 us before it sleeps (the
# setting for latency; target p99 < 50 us).  The tail is the scheduler's
# as much as qts's: the load average is printed beside it, since on a
# busy machine a wake-up waits for a time slice.
cd "$(dirname "$0")/.." || exit 1
n=${QTS_BENCH_BARS:-20000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$dir/latency" bench/latency.c || exit 1
# A target on every bar, flipping between long and short.
expr='k = 1 - k
target = k ? 1 : -1'
# The driver's figures, or its failure (a program not found, an early
# end): never a line of empty figures marked ok.
figures=$("$dir/latency" "$n" 1000 qts-strategy -e "$expr") || exit 1
# shellcheck disable=SC2086
set -- $figures
load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?')
report "bar in -> target out of qts-strategy, p50" "$1" "us" "(median)" 1
report "  p99 ($n bars, load average $load)" "$2" "us" "(asleep)" 1
figures=$("$dir/latency" "$n" 1000 qts-strategy --busy-poll 200us -e "$expr") || exit 1
# shellcheck disable=SC2086
set -- $figures
load=$(cut -d ' ' -f 1 /proc/loadavg 2>/dev/null || echo '?')
report "the same with --busy-poll 200us, p50" "$1" "us" "(median)" 1
report "  p99 ($n bars, load average $load)" "$2" "us" "< 50" "$(awk -v t="$2" 'BEGIN { print (t < 50) ? 1 : 0 }')"
report "  p99.9" "$3" "us" "(tail)" 1
report "  max" "$4" "us" "(tail)" 1

# The floor of the machine at this moment: the same round trips through
# an awk that answers each bar with its target, unbuffered.
echo='{ split($2, a, /[-T:Z]/); t = mktime(a[1] " " a[2] " " a[3] " " a[4] " " a[5] " " a[6]) + 60
	print "target," strftime("%Y-%m-%dT%H:%M:%SZ", t, 1) "," $3 ",1,qty,echo" }'
# shellcheck disable=SC2046
if set -- $(TZ=UTC "$dir/latency" "$n" 1000 awk -W interactive -F, "$echo" 2>/dev/null); then
	report "the same through awk (the pipes' floor), p50" "$1" "us" "(floor)" 1
	report "  p99" "$2" "us" "(floor)" 1
fi
