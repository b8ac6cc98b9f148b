# bench/lib.sh — helpers shared by the bench/*.sh scripts (sourced).
# Figures are medians of repeated runs: the machine is small and shared, so
# a single run says little.  A failed run stops the script (set -e), rather
# than printing a figure made from nothing.  Market data are interleaved
# streams of four symbols or more (qts-fetch synth:A,B,C,D gives each
# minute's bars of every symbol in turn), the common case; a figure on one
# symbol says so.
set -e

# median NAME CMD: median wall seconds of CMD over QTS_BENCH_RUNS runs (5)
median() {
	hyperfine --style none --warmup 1 --runs "${QTS_BENCH_RUNS:-5}" --export-json "$dir/$1.json" "$2" \
		>/dev/null 2>&1 || { echo "bench: '$2' failed" >&2; exit 1; }
	sed -n 's/.*"median": *\([0-9.e+-]*\).*/\1/p' "$dir/$1.json" | head -n 1
}

# wall CMD: wall seconds of one run of CMD, its output discarded (hyperfine
# takes the time of starting the shell out, as it does for median)
wall() {
	hyperfine --style none --runs 1 --export-json "$dir/wall.json" "$1" >/dev/null 2>&1 ||
		{ echo "bench: '$1' failed" >&2; exit 1; }
	sed -n 's/.*"mean": *\([0-9.e+-]*\).*/\1/p' "$dir/wall.json" | head -n 1
}

# paired_ratio RUNS SLOW FAST: how many times faster FAST is than SLOW, the
# median of RUNS pairs of runs back to back, which goes first taking
# turns.  Two medians measured one after the other, seconds apart, swing
# with the load of a shared machine; the two runs of a pair share it.
paired_ratio() {
	: >"$dir/pairs"
	sh -c "$2" >/dev/null 2>&1 && sh -c "$3" >/dev/null 2>&1 || { echo "bench: '$2' or '$3' failed" >&2; exit 1; }
	i=0
	while [ "$i" -lt "$1" ]; do
		if [ $((i % 2)) = 0 ]; then
			s=$(wall "$2") f=$(wall "$3")
		else
			f=$(wall "$3") s=$(wall "$2")
		fi
		echo "$s $f" >>"$dir/pairs"
		i=$((i + 1))
	done
	awk '{ print $1 / $2 }' "$dir/pairs" | sort -g |
		awk '{ v[NR] = $1 } END { printf "%.1f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# report WHAT VALUE UNIT TARGET-TEXT OK: one aligned line
report() {
	printf '%-46s %10s %-9s target %-12s %s\n' "$1" "$2" "$3" "$4" "$([ "$5" = 1 ] && echo ok || echo MISSED)"
}

# peak_rss CMD...: peak resident set of CMD in KB (its stdout discarded)
peak_rss() {
	/usr/bin/time -f %M -o "$dir/rss" "$@" >/dev/null 2>"$dir/rss.err" || { cat "$dir/rss.err" >&2; return 1; }
	tail -n 1 "$dir/rss"
}

# rate N SECONDS: millions of bars a second, two decimals
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.2f", n / t / 1e6 }'; }

# ok VALUE MIN: 1 when VALUE >= MIN (for report)
ok() { awk -v r="$1" -v m="$2" 'BEGIN { print (r >= m) ? 1 : 0 }'; }

# daily_bars_200 N FILE: N daily bars of 200 interleaved symbols in msgpack
# (every symbol's bar of a day, then the next day's), as qts-fetch synth
# writes them
daily_bars_200() {
	qts-fetch -M --tf 1d --count $(($1 / 200)) \
		"synth:$(awk 'BEGIN { for (i = 0; i < 200; i++) printf "%sS%03d", i ? "," : "", i }')" >"$2"
}
