#!/usr/bin/env bats
# qts-report: the five worst drawdowns (pyfolio's drawdown table) in the
# text, JSON and HTML reports.  Series A (tests/fixtures/report-a.csv) has
# three drawdown periods, worked by hand from its equity closes: -2% from
# Jan 3 to Jan 4, back on Jan 8; -0.4% from Jan 8 to Jan 9, back on Jan 10;
# -1.1% from Jan 10 to Jan 11, not recovered at the end (Jan 12).

load helper

A=$FIX/report-a.csv

@test "text: the worst drawdowns, deepest first" {
	run -0 qts-report "$A"
	[[ $output == *$'\nWorst drawdowns\n         depth  peak        trough      recovery     days\n'* ]]
	[[ $output == *$'\n1       -2.00%  2024-01-03  2024-01-04  2024-01-08      5\n'* ]]
	[[ $output == *$'\n2       -1.10%  2024-01-10  2024-01-11  -               2\n'* ]]
	[[ $output == *$'\n3       -0.40%  2024-01-08  2024-01-09  2024-01-10      2\n'* ]]
}

@test "--json: drawdowns, an array of objects" {
	run -0 qts-report -j "$A"
	[[ $output == *'"drawdowns": [{"depth": -0.0199999999'*', "peak": "2024-01-03", "trough": "2024-01-04", "recovery": "2024-01-08", "days": 5}, {"depth": -0.011'*', "peak": "2024-01-10", "trough": "2024-01-11", "recovery": null, "days": 2}, {"depth": -0.0039999'*', "peak": "2024-01-08", "trough": "2024-01-09", "recovery": "2024-01-10", "days": 2}]'* ]]
	# no drawdown: an empty array
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 2 100 3 101 4 102 > "$BATS_TEST_TMPDIR/up.csv"
	run -0 qts-report -j "$BATS_TEST_TMPDIR/up.csv"
	[[ $output == *'"drawdowns": []'* ]]
}

@test "at most five: the shallower ones are left out" {
	# seven dips of 1% to 7% below a rising high
	{
		printf 'equity,2024-01-01,0,100,0,0,0,0\n'
		v=100 d=2
		for k in 3 1 7 5 2 6 4; do
			printf 'equity,2024-01-%02d,0,%s,0,0,0,0\n' $d "$(awk -v v=$v -v k=$k 'BEGIN { print v * (1 - k / 100) }')"
			v=$((v + 10)) d=$((d + 1))
			printf 'equity,2024-01-%02d,0,%s,0,0,0,0\n' $d $v
			d=$((d + 1))
		done
	} > "$BATS_TEST_TMPDIR/seven.csv"
	run -0 qts-report -j "$BATS_TEST_TMPDIR/seven.csv"
	[ "$(printf '%s\n' "$output" | grep -o '"depth"' | wc -l)" -eq 5 ]
	# the 7%, 6%, 5%, 4% and 3% dips, by their peaks
	[[ $output == *'"drawdowns": [{"depth": -0.07'*'"peak": "2024-01-05"'*'"peak": "2024-01-11"'*'"peak": "2024-01-07"'*'"peak": "2024-01-13"'*'"peak": "2024-01-01"'*']'* ]]
}

@test "--html: a table of the worst drawdowns" {
	qts-report --html "$BATS_TEST_TMPDIR/r.html" "$A" > /dev/null
	grep -q '<h2>Worst drawdowns</h2>' "$BATS_TEST_TMPDIR/r.html"
	grep -q '<tr class="dd" data-depth="[^"]*"><td>1</td><td class="neg">-2.00%</td><td class="l">2024-01-03</td><td class="l">2024-01-04</td><td class="l">2024-01-08</td><td>5</td></tr>' "$BATS_TEST_TMPDIR/r.html"
	# under water still: no recovery, written as the text report writes it
	grep -q '<td class="l">-</td><td>2</td>' "$BATS_TEST_TMPDIR/r.html"
}
