#!/bin/sh
# scripts/soak.sh — the paper-trading pipeline on a paced feed for a long
# time, sampled every 10 s: each stage's resident memory, open descriptors
# and the 99th percentile of the time an event takes through it (from its
# --metrics histogram, over the last 10 s).  Prints a table as it goes and
# writes the samples as CSV; fails when memory or descriptors grow or the
# p99 drifts.
#
#   sh scripts/soak.sh [SECONDS [RATE [CSV]]]
#
# SECONDS of wall time (default 1800), RATE events a second (default
# 10000: one-second bars of RATE/100 symbols released at 100 times real
# time, so the market never pauses), CSV the samples' file (default
# soak.csv).  `make soak` runs it; tests/1440-soak.bats runs two minutes.
# The programs are found on PATH.
set -eu
SECONDS_WANTED=${1:-1800}
RATE=${2:-10000}
CSV=${3:-soak.csv}
EVERY=${SOAK_EVERY:-10}
# The paper broker at the end: qts-sim --live until `qts-broker paper`.
BROKER=${SOAK_BROKER:-qts-sim --live}

tmp=$(mktemp -d)
pids=
# The stages are ended and waited for before their directory is removed:
# one still running writes its metrics there, and the removal would fail.
cleanup() {
	rc=$?
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086
		kill $pids 2>/dev/null
		for _ in $(seq 100); do
			alive=
			for p in $pids; do kill -0 "$p" 2>/dev/null && alive=1; done
			[ -z "$alive" ] && break
			sleep 0.1
		done
	fi
	rm -rf "$tmp"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

nsym=$((RATE / 100))
[ "$nsym" -ge 1 ] || { echo "soak: RATE must be at least 100" >&2; exit 2; }
syms=$(awk -v n="$nsym" 'BEGIN { for (i = 1; i <= n; i++) printf "%sS%03d", (i > 1 ? "," : ""), i }')
# bars per symbol: the whole run and a margin, in one trading-free stretch
# (a session of the whole day, Monday to Tuesday: no weekend to wait out)
count=$(((SECONDS_WANTED + 60) * 100))
mkfifo "$tmp/fb1" "$tmp/fb2"

# Each stage writes its process id, then becomes the program.
run() { # NAME PROGRAM ARGS...
	name=$1
	shift
	sh -c 'echo $$ > "$0"; exec "$@"' "$tmp/$name.pid" "$@" 2>"$tmp/$name.err"
}
m() { echo "--metrics=$tmp/$1.prom"; }
# $BROKER is a program and its arguments, split as words
# shellcheck disable=SC2086
run fetch qts-fetch "$(m fetch)" -t 1s --session 00:00-24:00 --count "$count" --pace 100 --buffer 100000 "synth:$syms" |
	run strategy qts-strategy "$(m strategy)" --feedback "$tmp/fb1" sma-cross fast=5 slow=20 size=10 |
	run risk qts-risk "$(m risk)" --feedback "$tmp/fb2" --max-position 100 |
	run broker $BROKER "$(m broker)" |
	tee -p "$tmp/fb1" "$tmp/fb2" > /dev/null &
stages="fetch strategy risk broker"
for _ in $(seq 50); do
	up=0
	for s in $stages; do [ -s "$tmp/$s.pid" ] && up=$((up + 1)); done
	[ "$up" -eq 4 ] && break
	sleep 0.1
done
for s in $stages; do
	[ -s "$tmp/$s.pid" ] || { echo "soak: $s did not start" >&2; cat "$tmp"/*.err >&2; exit 1; }
	pids="$pids $(cat "$tmp/$s.pid")"
done

# p99 (microseconds) of the events between two samples of a histogram:
# the upper bound of the first bucket holding 99% of them.
p99() { # OLD NEW
	awk -v old="$1" -v new="$2" '
		function load(f, a,   line, le) {
			while ((getline line < f) > 0)
				if (line ~ /^qts_event_seconds_bucket/) {
					le = line; sub(/.*le="/, "", le); sub(/".*/, "", le)
					a[le] = line; sub(/.* /, "", a[le]); order[++n] = le
				}
			close(f)
		}
		BEGIN {
			if (old != "") load(old, o); n = 0; load(new, c)
			total = c["+Inf"] - o["+Inf"]
			if (total <= 0) { print "-"; exit }
			for (i = 1; i <= n; i++) {
				le = order[i]
				if (c[le] - o[le] >= 0.99 * total) {
					print (le == "+Inf" ? "inf" : le * 1e6); exit
				}
			}
		}'
}

printf 'time_s,stage,rss_kb,fds,events_in,p99_us\n' > "$CSV"
printf '%6s %-9s %9s %5s %11s %9s\n' time stage rss_kb fds events_in p99_us
start=$(date +%s)
n=0
while :; do
	n=$((n + 1))
	# to the next multiple of EVERY from the start: sampling takes time
	wait_s=$((start + n * EVERY - $(date +%s)))
	[ "$wait_s" -gt 0 ] && sleep "$wait_s"
	t=$(($(date +%s) - start))
	for s in $stages; do
		p=$(cat "$tmp/$s.pid")
		[ -d "/proc/$p" ] || { echo "soak: $s ended early" >&2; cat "$tmp"/*.err >&2; exit 1; }
		rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status")
		fds=$(find "/proc/$p/fd" -mindepth 1 -maxdepth 1 | wc -l)
		cp "$tmp/$s.prom" "$tmp/$s.now" 2>/dev/null || :
		evin=$(awk '/^qts_events_in_total/ { s += $2 } END { print s + 0 }' "$tmp/$s.now")
		lat=$(p99 "$([ -f "$tmp/$s.last" ] && echo "$tmp/$s.last")" "$tmp/$s.now")
		mv "$tmp/$s.now" "$tmp/$s.last"
		printf '%s,%s,%s,%s,%s,%s\n' "$t" "$s" "$rss" "$fds" "$evin" "$lat" >> "$CSV"
		printf '%6s %-9s %9s %5s %11s %9s\n' "$t" "$s" "$rss" "$fds" "$evin" "$lat"
	done
	[ "$t" -ge "$SECONDS_WANTED" ] && break
done

# Flat: after the first minute (the windows fill), memory grows by less
# than 5% plus 2 MiB, descriptors not at all, and no window's p99 is over
# 4 times the first steady window's and 1 ms at once (a loaded machine
# may stall one window; a leak or a slowdown shows in every later one).
awk -F, -v every="$EVERY" '
	NR == 1 { next }
	$1 >= 60 && !($2 in rss0) { rss0[$2] = $3; fds0[$2] = $4; lat0[$2] = $6 }
	$1 >= 60 { rss1[$2] = $3; fds1[$2] = $4
		if ($6 == "inf" || ($6 != "-" && lat0[$2] != "-" && $6 + 0 > 4 * lat0[$2] && $6 + 0 > 1000))
			bad[$2] = bad[$2] " p99 " $6 "us at " $1 "s" }
	END {
		status = 0
		for (s in rss0) {
			if (rss1[s] > rss0[s] * 1.05 + 2048) { printf "soak: %s: memory grew from %d to %d kB\n", s, rss0[s], rss1[s]; status = 1 }
			if (fds1[s] > fds0[s]) { printf "soak: %s: descriptors grew from %d to %d\n", s, fds0[s], fds1[s]; status = 1 }
			if (bad[s] != "") { printf "soak: %s:%s\n", s, bad[s]; status = 1 }
		}
		if (!length(rss0)) { print "soak: too short to judge (at least 70 s)"; status = 1 }
		if (!status) print "soak: memory, descriptors and p99 flat"
		exit status
	}' "$CSV" >&2
