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

# report WHAT VALUE UNIT TARGET-TEXT OK: one aligned line
report() {
	printf '%-46s %10s %-9s target %-12s %s\n' "$1" "$2" "$3" "$4" "$([ "$5" = 1 ] && echo ok || echo MISSED)"
}

# peak_rss CMD...: peak resident set of CMD in KB (its stdout discarded)
peak_rss() {
	/usr/bin/time -f %M -o "$dir/rss" "$@" >/dev/null 2>"$dir/rss.err" || { cat "$dir/rss.err" >&2; return 1; }
	tail -n 1 "$dir/rss"
}
