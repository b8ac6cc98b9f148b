#!/usr/bin/env bats
# Whole pipelines: fetch | strategy | risk | sim | report, checked against an
# independent engine (tests/fixtures/sma-cross-engine.awk).

load helper

backtest() { # backtest BARS.csv: the issue's backtest, its stream on stdout
	qts-fetch "$1" | qts-strategy sma-cross fast=10 slow=30 size=100 |
		qts-risk --max-position 1000 | qts-sim --commission bps=10
}

# fills as date,side,qty,price,commission and the final equity, from a stream
summary() {
	awk -F, '$1 == "fill" { printf "fill,%s,%s,%s,%s,%.6f\n", substr($2, 1, 10), $5, $6, $7, $8 }
		$1 == "equity" { e = $4 } END { printf "equity,%.6f\n", e }' "$1"
}

check_against_engine() { # check_against_engine BARS.csv
	backtest "$1" > "$BATS_TEST_TMPDIR/run.csv"
	summary "$BATS_TEST_TMPDIR/run.csv" > "$BATS_TEST_TMPDIR/ours"
	awk -f "$FIX/sma-cross-engine.awk" "$1" > "$BATS_TEST_TMPDIR/theirs"
	diff "$BATS_TEST_TMPDIR/theirs" "$BATS_TEST_TMPDIR/ours"
	[ "$(grep -c ^fill "$BATS_TEST_TMPDIR/ours")" -ge 4 ]
}

@test "sma-cross backtest: fills and final equity equal the independent engine (generated bars)" {
	qts-fetch --seed 3 --count 400 synth:X > "$BATS_TEST_TMPDIR/bars.csv"
	check_against_engine "$BATS_TEST_TMPDIR/bars.csv"
}

@test "sma-cross backtest: the same on another seed" {
	qts-fetch --seed 11 --count 600 synth:Y > "$BATS_TEST_TMPDIR/bars.csv"
	check_against_engine "$BATS_TEST_TMPDIR/bars.csv"
}

@test "sma-cross backtest on real ORCL daily bars equals the independent engine" {
	[ -f "$DATA/orcl-2003-2005.txt" ] || skip "shared data not present"
	qts-fetch -s ORCL "$DATA/orcl-2003-2005.txt" > "$BATS_TEST_TMPDIR/bars.csv"
	check_against_engine "$BATS_TEST_TMPDIR/bars.csv"
}

@test "the same pipeline in msgpack gives the same stream" {
	qts-fetch --seed 3 --count 300 synth:X,Y > "$BATS_TEST_TMPDIR/bars.csv"
	backtest "$BATS_TEST_TMPDIR/bars.csv" > "$BATS_TEST_TMPDIR/csv"
	QTS_FORMAT=msgpack backtest "$BATS_TEST_TMPDIR/bars.csv" | qts cat > "$BATS_TEST_TMPDIR/mp"
	cmp "$BATS_TEST_TMPDIR/csv" "$BATS_TEST_TMPDIR/mp"
}

@test "a pipeline is deterministic, byte for byte" {
	qts-fetch --tf 5m --count 2000 synth:A,B,C | qts-resample 1h | qts-strategy ema-cross fast=3 slow=8 weight=0.2 |
		qts-risk --max-position-pct 0.5 | qts-sim --slippage bps=2 --commission per-share=0.005,min=1 > "$BATS_TEST_TMPDIR/a"
	qts-fetch --tf 5m --count 2000 synth:A,B,C | qts-resample 1h | qts-strategy ema-cross fast=3 slow=8 weight=0.2 |
		qts-risk --max-position-pct 0.5 | qts-sim --slippage bps=2 --commission per-share=0.005,min=1 > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	grep -q ^fill "$BATS_TEST_TMPDIR/a"
}

@test "the report of a backtest: JSON metrics agree with the equity in the stream" {
	qts-fetch --seed 3 --count 400 synth:X > "$BATS_TEST_TMPDIR/bars.csv"
	backtest "$BATS_TEST_TMPDIR/bars.csv" > "$BATS_TEST_TMPDIR/run.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/run.csv"
	tr=$(printf '%s' "$output" | grep -o '"total_return": *[-0-9.e]*' | sed 's/.*: *//')
	last=$(awk -F, '$1 == "equity" { e = $4 } END { print e }' "$BATS_TEST_TMPDIR/run.csv")
	awk -v tr="$tr" -v e="$last" 'BEGIN { d = (1 + tr) * 100000 - e; exit !(d < 1e-6 && d > -1e-6) }'
}

@test "qts NAME runs each stage" {
	qts fetch --count 40 synth:X | qts strategy buy-hold size=10 | qts sim | qts report --csv > "$BATS_TEST_TMPDIR/r"
	grep -q '^total_return,' "$BATS_TEST_TMPDIR/r"
}

@test "make demo's pipeline writes a report" {
	cd "$BATS_TEST_TMPDIR"
	PATH=$QTS_BIN:$PATH sh "$BATS_TEST_DIRNAME/../examples/demo.sh" > out.txt
	[ -s report.html ]
	grep -q '<svg' report.html
	grep -q 'Sharpe ratio' out.txt
}

@test "every example in the README runs as written" {
	cd "$BATS_TEST_TMPDIR"
	awk '/^```sh$/ { n++; f = "ex" n ".sh"; next } /^```$/ { f = ""; next } f { print > f }' \
		"$BATS_TEST_DIRNAME/../README.md"
	[ -f ex1.sh ]
	for ex in ex*.sh; do
		run -0 --separate-stderr sh -e "$ex"
		[ -n "$output" ] || [ "$ex" = ex1.sh ] || { echo "$ex printed nothing"; false; }
	done
	[ -s report.html ]
	[ -s metrics.json ]
}

@test "donchian-breakout stop=1 through qts-sim: each fill at its stop, or at the open that gapped through it" {
	qts-fetch --seed 3 --count 600 synth:X,Y | qts-strategy donchian-breakout entry=20 exit=10 short=1 stop=1 size=100 |
		qts-sim > "$BATS_TEST_TMPDIR/run.csv"
	run awk -F, '$1 == "bar" { open[$2 "," $3] = $5 }
		$1 == "order" { side[$4] = $5; stop[$4] = $9 }
		$1 == "fill" { o = open[$2 "," $3]; s = stop[$4]; n++
			gap = side[$4] == "buy" ? o >= s : o <= s
			if (!(gap ? $7 == o : $7 == s)) { print "bad fill: " $0 " stop " s " open " o; bad = 1 } }
		END { print n " fills"; exit bad || n < 10 }' "$BATS_TEST_TMPDIR/run.csv"
	echo "$output"
	[ "$status" -eq 0 ]
	! grep -q ',rejected,' "$BATS_TEST_TMPDIR/run.csv" || false
}

@test "examples/research: a make-driven parameter sweep, one column per run" {
	run -0 make -s -C "$BATS_TEST_DIRNAME/../examples/research" OUT="$BATS_TEST_TMPDIR/out" \
		QTS_BIN="$QTS_BIN" FAST="5 10" SLOW="30" SYMBOLS=AAA
	[ "$(head -1 "$BATS_TEST_TMPDIR/out/sweep.csv")" = "metric,$BATS_TEST_TMPDIR/out/sma-5-30.csv,$BATS_TEST_TMPDIR/out/sma-10-30.csv" ]
	grep -q '^sharpe,' "$BATS_TEST_TMPDIR/out/sweep.csv"
	# nothing to redo the second time
	run -0 make -C "$BATS_TEST_DIRNAME/../examples/research" OUT="$BATS_TEST_TMPDIR/out" \
		QTS_BIN="$QTS_BIN" FAST="5 10" SLOW="30" SYMBOLS=AAA
	[[ "$output" != *qts-strategy* ]]
}

@test "examples/cron-daily.sh: each run appends a day and replaces the reports whole" {
	cd "$BATS_TEST_TMPDIR"
	for d in 2024-03-04 2024-03-05 2024-03-06; do
		QTS_DAY=$d PATH=$QTS_BIN:$PATH sh "$BATS_TEST_DIRNAME/../examples/cron-daily.sh" bars.csv.gz
	done
	[ "$(qts cat bars.csv.gz | wc -l)" -eq 6 ]
	grep -q '"total_return"' report.json
	grep -q '<svg' report.html
}
