#!/bin/sh
# bench/pipe.sh — `qts pipe` against the shell pipeline of the same stages,
# over one msgpack stream of daily bars of 200 symbols, interleaved (as
# qts-fetch synth: writes them: every symbol's bar of a day, then the next
# day's).  Each pipeline's output is checked to be the same bytes both
# ways before it is timed; figures are medians (bench/lib.sh).
# Targets (strategy | risk | sim): qts pipe >= 10M bars/s, and >= 3x the
# shell pipeline.  A pipeline with a stage qts pipe does not chain yet is
# reported as skipped.  QTS_BENCH_BARS (default 1000000) bars in all.
# Then the peak RSS of qts pipe on a tenth of the bars and on all: flat.
cd "$(dirname "$0")/.." || exit 1
n=${QTS_BENCH_BARS:-1000000}
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

daily_bars_200 "$n" "$dir/bars.mp"


# compare NAME 'A ARGS | B ARGS' RATE-TARGET TIMES-TARGET: time the shell
# pipeline (each stage -M) and qts pipe -M on the same stream.
compare() {
	for s in $(printf '%s\n' "$2" | tr '|' '\n' | awk '{ print $1 }'); do
		if qts pipe "$s --help" < /dev/null 2>&1 | grep -q "unknown stage"; then
			printf "%-46s %s\n" "$1" "skipped ($s is not a stage of qts pipe yet)"
			return 0
		fi
	done
	# -M right after each program's name.
	shell=$(printf '%s\n' "$2" | awk -F'|' -v f="$dir/bars.mp" '{
		for (i = 1; i <= NF; i++) {
			s = $i
			sub(/^ +/, "", s)
			sub(/ +$/, "", s)
			sub(/ /, " -M ", s)
			if (s !~ / -M /)
				s = s " -M"
			printf "%s%s%s", (i > 1 ? " | " : ""), s, (i == 1 ? " " f : "")
		} }')
	sh -c "$shell" > "$dir/shell.out" || { echo "bench: $1: the shell pipeline failed: $shell" >&2; exit 1; }
	qts pipe -M "$2" "$dir/bars.mp" > "$dir/pipe.out" || { echo "bench: $1: qts pipe failed" >&2; exit 1; }
	cmp -s "$dir/shell.out" "$dir/pipe.out" || { echo "bench: $1: qts pipe and the shell differ" >&2; exit 1; }
	t_s=$(median shell "sh -c '$shell 2>/dev/null'")
	t_p=$(median pipe "qts pipe -M '$2' $dir/bars.mp 2>/dev/null")
	r_s=$(rate "$n" "$t_s")
	r_p=$(rate "$n" "$t_p")
	x=$(awk -v s="$t_s" -v p="$t_p" 'BEGIN { printf "%.2f", s / p }')
	report "$1: shell pipeline" "$r_s" "M bars/s" "-" 1
	if [ -n "$3" ]; then
		report "$1: qts pipe" "$r_p" "M bars/s" ">= $3" "$(ok "$r_p" "$3")"
		report "$1: qts pipe / shell" "$x" "x" ">= $4" "$(ok "$x" "$4")"
	else
		report "$1: qts pipe" "$r_p" "M bars/s" "-" 1
		report "$1: qts pipe / shell" "$x" "x" "-" 1
	fi
}

compare "strategy | risk | sim" "qts-strategy sma-cross fast=10 slow=30 size=100 | qts-risk | qts-sim" 10 3
compare "sim" "qts-sim"
compare "resample 1w | sim" "qts-resample 1w | qts-sim"
compare "resample -k 1d | sim" "qts-resample -k 1d | qts-sim"

# Memory stays flat however long the stream: qts pipe's peak RSS on a
# tenth of the bars and on all of them.
daily_bars_200 $((n / 10)) "$dir/small.mp"
chain="qts-strategy sma-cross fast=10 slow=30 size=100 | qts-risk | qts-sim"
small=$(peak_rss qts pipe -M "$chain" "$dir/small.mp")
big=$(peak_rss qts pipe -M "$chain" "$dir/bars.mp")
report "peak RSS of qts pipe, $((n / 10)) bars" "$small" "KB" "flat" 1
report "peak RSS of qts pipe, $n bars" "$big" "KB" "flat" "$(awk -v a="$small" -v b="$big" 'BEGIN { print (b < a * 1.5 + 1024) ? 1 : 0 }')"
