#!/usr/bin/env bats
# examples/research/momentum: the momentum-ranking study run end to end on
# a small universe, its holdings checked against a ranking computed here.

load helper

EX=$BATS_TEST_DIRNAME/../examples/research/momentum

@test "research: the momentum study runs end to end and holds the best TOP by rate of change" {
	out=$BATS_TEST_TMPDIR/out
	run make -s -C "$EX" QTS_BIN="$QTS_BIN" OUT="$out" UNIVERSE=AAA,BBB,CCC,DDD,EEE,FFF FROM=2018-01-01 \
		TO=2021-12-31 LOOK=20 TOP=2 LOOKS=20,60 TOPS=2,3 WINDOWS=2y:1y
	[ "$status" = 0 ] || { echo "$output"; false; }
	for part in "== momentum (top 2 by 20-day rate of change) against equal weights" \
		"== the sweep, best first (sharpe)" "== overfitting: the best of all trials" \
		"== walk-forward 2y:1y: in-sample against out-of-sample"; do
		grep -qxF "$part" "$out/report.txt"
	done
	# every pair of the grid, once; the trials counted for the deflated Sharpe ratio
	[ "$(sed 1d "$out/sweep.csv" | cut -d, -f2,3 | sort | tr '\n' ' ')" = "20,2 20,3 60,2 60,3 " ]
	grep -qx 'trials,4' "$out/overfit.csv"
	# two test windows (2020, 2021), each with its chosen pair
	[ "$(sed 1d "$out/walk-forward.csv" | wc -l)" = 2 ]
	qts-report "$out/oos.csv" >/dev/null
	grep -q '<svg' "$out/momentum.html" && grep -q '<svg' "$out/walk-forward.html"
	# every order filled: none refused for cash
	! grep -q '^update,.*,rejected,' "$out/momentum.csv" "$out/equal.csv" || false
	# the benchmark holds all six at equal weights
	[ "$(awk -F, '$1 == "target" { t[$3] = $4 } END { for (s in t) if (t[s] > 0) n++; print n }' "$out/equal.csv")" = 6 ]

	# The targets standing after the last day are the two symbols with the
	# largest 20-day rate of change (close / close 20 bars before - 1, as
	# TA-Lib's ROC) on that day, computed here from the bars.
	qts cat "$out/bars.mp" | awk -F, '$1 == "bar" { n[$3]++; c[$3, n[$3]] = $8; last = $2 }
		END { for (s in n) printf "%s %.12f\n", s, c[s, n[s]] / c[s, n[s] - 20] - 1 }' |
		sort -k2,2gr | head -2 | cut -d' ' -f1 | sort >"$BATS_TEST_TMPDIR/want"
	awk -F, '$1 == "target" { t[$3] = $4 } END { for (s in t) if (t[s] > 0) print s }' "$out/momentum.csv" |
		sort >"$BATS_TEST_TMPDIR/got"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	# and exactly two are held at every day after the warm-up
	awk -F, '$1 == "target" { if ($2 != last) { if (seen && n != 2) bad = 1; last = $2; seen = 1 }
			if ($4 > 0 && !(t[$3] > 0)) n++; if (!($4 > 0) && t[$3] > 0) n--; t[$3] = $4 }
		END { exit bad || n != 2 }' "$out/momentum.csv"
}
