#!/usr/bin/env bats
# Interleaved streams, the common case: many symbols taking turns, each
# with prices of its own magnitude.  The reader and qts-resample keep
# per-symbol state at hand for such streams (lib/reader.c's number
# shapes, lib/resample.c's recent symbols); these check that what they
# give is what each symbol alone gives.

load helper

T=$BATS_TEST_TMPDIR

# interleaved NSYM N: N one-minute bars of each of NSYM symbols taking
# turns, with prices from 0.05 to 123456.7 (points and lengths of every
# kind, trailing zeros dropped as qts writes them) and volumes of one to
# seven digits.
interleaved() {
	awk -v nsym="$1" -v n="$2" 'BEGIN {
		split("0.05 9.87 97.5 141.74 1234.5 12345.67 3 88.1 123456.7 0.5 45.06 700", base, " ")
		for (i = 0; i < n; i++) {
			h = 14 + int((30 + i) / 60); m = (30 + i) % 60
			for (s = 1; s <= nsym; s++) {
				b = base[(s - 1) % 12 + 1] * (1 + ((i * 7 + s) % 11) / 100)
				printf "bar,2024-01-02T%02d:%02d:00Z,S%d,1m,%.10g,%.10g,%.10g,%.10g,%d\n", h, m, s,
					b, b * 1.01, b * 0.99, b * (1 + ((i + s) % 3) / 200), 10 ^ ((i + s) % 7)
			}
		}
	}'
}

@test "an interleaved stream of prices of every shape reads back as written" {
	interleaved 12 200 | qts cat -M >"$T/in.mp"
	qts cat "$T/in.mp" >"$T/canon.csv" # qts's own spelling of each number
	qts cat "$T/canon.csv" | cmp - "$T/canon.csv"
	qts cat -M "$T/canon.csv" | cmp - "$T/in.mp"
}

@test "qts-resample: an interleaved stream gives what each symbol alone gives" {
	# 100 symbols: more than are kept at hand, so some share a place
	interleaved 100 90 | qts cat >"$T/in.csv"
	qts-resample -p 5m,1h "$T/in.csv" >"$T/all.csv"
	[ "$(wc -l <"$T/all.csv")" -eq 2000 ] # 18 + 2 bars for each of 100
	for s in 1 2 37 64 65 100; do
		grep ",S$s,1m," "$T/in.csv" | qts-resample -p 5m,1h >"$T/one.csv"
		grep ",S$s,[0-9]" "$T/all.csv" | cmp - "$T/one.csv"
	done
}

@test "qts-resample: bars of several symbols closed together go out by end, so a strategy after it stays in order" {
	# September 2006 ends on a Sunday: Monday's daily bars close each
	# symbol's month (known October 1st) and week (known October 2nd)
	for d in 2006-09-25 2006-09-26 2006-09-27 2006-09-28 2006-09-29 2006-10-02 2006-10-03; do
		for s in A B C; do
			echo "bar,${d}T00:00:00Z,$s,1d,10,11,9,10.5,100"
		done
	done > "$T/d.csv"
	run -0 --separate-stderr qts-resample 1w,1M "$T/d.csv"
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f3,4 | paste -sd' ')" = "A,1M B,1M C,1M A,1w B,1w C,1w" ]
	# a target made at the end of A's week comes after every month bar
	qts-resample 1w,1M "$T/d.csv" 2> /dev/null | qts-strategy --tf 1w -e 'target = 1' | qts-sim > "$T/out.csv"
	[ "$(grep -c '^target,2006-10-02T00:00:00Z' "$T/out.csv")" -eq 3 ]
}
