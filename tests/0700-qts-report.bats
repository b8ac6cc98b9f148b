#!/usr/bin/env bats
# qts-report: metrics against reference values, outputs, live mode, errors.
#
# report-a.csv is built from two fixed return series: the equity closes at
# 100000 * cumprod(1 + A) and SPY at 100 * cumprod(1 + B) (with an intraday
# equity event that the day's close must replace).  The expected figures
# are those of tests/unit/test_metrics.c: empyrical's formulas (stats.py)
# evaluated independently in node; each check names the function.

load helper

A=$FIX/report-a.csv

# near KEY WANT: the JSON in $output has "KEY": within 1e-9 (relative) of WANT
near() {
	local got
	got=$(printf '%s\n' "$output" | sed -n "s/^ *\"$1\": \\([^,]*\\),*\$/\\1/p")
	awk -v g="$got" -v w="$2" -v k="$1" 'BEGIN {
		d = g - w; if (d < 0) d = -d; s = w < 0 ? -w : w; if (s < 1) s = 1
		if (g == "" || d > 1e-9 * s) { print k ": got " g ", want " w; exit 1 } }'
}

is_null() {
	printf '%s\n' "$output" | grep -q "^ *\"$1\": null,*\$" || { echo "$1 is not null"; return 1; }
}

@test "--json: the figures of series A equal empyrical's" {
	run -0 qts-report --json -b SPY "$A"
	near total_return 0.023523852981333304      # cum_returns_final
	near cagr 0.79667200068113586               # annual_return
	near volatility 0.20096566870985705         # annual_volatility
	near sharpe 3.0094692485669103              # sharpe_ratio
	near sortino 4.9769434264724337             # sortino_ratio
	near calmar 39.833600034056872              # calmar_ratio
	near max_drawdown -0.02                     # max_drawdown
	near omega 1.5714285714285716               # omega_ratio
	near tail_ratio 1.1128526645768022          # tail_ratio
	near stability 0.54405796899357595          # stability_of_timeseries
	near skew -0.34147927952568202              # scipy.stats.skew
	near kurtosis -0.94933799555741372          # scipy.stats.kurtosis
	near value_at_risk -0.01595                 # value_at_risk
	near best_day 0.02
	near worst_day -0.02
	near alpha 0.14438735319996399              # alpha
	near beta 1.5538838348495456                # beta
	near information_ratio 0.23354968324845690  # excess_sharpe
	near correlation 0.97818680882959352        # np.corrcoef
	near benchmark_return 0.0117762631533906    # prod(1 + B) - 1
	near days 10
}

@test "--json: drawdown dates, duration and exposure" {
	run -0 qts-report --json "$A"
	# peak after day 1, trough after day 2, recovered after day 6 (by hand);
	# dates are the session days
	[[ $output == *'"max_drawdown_peak": "2024-01-03"'* ]]
	[[ $output == *'"max_drawdown_trough": "2024-01-04"'* ]]
	[[ $output == *'"max_drawdown_recovery": "2024-01-08"'* ]]
	near max_drawdown_duration 5
	# AAA held Jan 4-7, BBB short Jan 9-11: 7 of 10 days
	near exposure 0.7
}

@test "--json: round-trip statistics (worked by hand)" {
	run -0 qts-report --json "$A"
	# AAA: 10 @ 100 -> 110, commission 1 + 1: 98; BBB short 5 @ 40 -> 42, 0.5 + 0.5: -11
	near trades 2
	near win_rate 0.5
	near avg_win 98
	near avg_loss -11
	near profit_factor 8.909090909090909
	near expectancy 43.5
	near largest_win 98
	near largest_loss -11
	near avg_holding_time 2.5
	near total_commission 3
	near total_slippage 0.2
}

@test "--json has every metric of the issue as a key" {
	run -0 qts-report --json -b SPY "$A"
	for k in total_return cagr volatility sharpe sortino calmar max_drawdown \
		max_drawdown_peak max_drawdown_trough max_drawdown_recovery max_drawdown_duration \
		omega tail_ratio stability skew kurtosis best_day worst_day value_at_risk exposure \
		trades win_rate avg_win avg_loss profit_factor expectancy largest_win largest_loss \
		avg_holding_time total_commission total_slippage turnover benchmark_return alpha \
		beta information_ratio correlation monthly_returns yearly_returns; do
		[[ $output == *"\"$k\": "* ]] || { echo "missing $k"; false; }
	done
	[[ $output == *'"monthly_returns": {"2024-01": 0.0235238529813'* ]]
}

@test "--risk-free and --periods change the annualisation as empyrical's arguments" {
	run -0 qts-report --json --risk-free 0.02 "$A"
	near sharpe 2.9109280126072363              # sharpe_ratio(risk_free=(1.02)^(1/252)-1)
	near sortino 4.7869928251125691             # sortino_ratio(required_return=same)
	near omega 1.5486119057384604               # omega_ratio(risk_free=same)
	run -0 qts-report --json --periods 12 "$A"
	near sharpe 0.65672003015236835             # sharpe_ratio(annualization=12)
	near cagr 0.028294615971150350              # annual_return(annualization=12)
}

@test "constant equity: sharpe and sortino are null, not a division by zero" {
	printf 'equity,2024-01-0%d,100,100,0,0,0,0\n' 1 2 3 4 > "$BATS_TEST_TMPDIR/flat.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/flat.csv"
	is_null sharpe; is_null sortino; is_null calmar; is_null omega; is_null skew
	near volatility 0; near max_drawdown 0; near total_return 0; near stability 0
	is_null max_drawdown_peak
}

@test "returns past double's range: sharpe, volatility, beta are null, not 0 or inf" {
	# equity 100, 1e308, 1e-308: the returns' squared spread overflows,
	# and mean / inf made a Sharpe ratio of 0
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 1e308 3 1e-308 > "$BATS_TEST_TMPDIR/big.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/big.csv"
	is_null sharpe; is_null volatility; is_null skew
	near sortino 1.1224972160321822e+307        # sortino_ratio: no sum overflows
	# equity 1, 2, -1e200: the downside deviation overflows (sortino was -0)
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1 2 2 3 -1e200 > "$BATS_TEST_TMPDIR/neg.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/neg.csv"
	is_null sharpe; is_null sortino
	# equity 1e-300, 1e-100, 1e100, 0.5e100: the compounded curve
	# overflows, and the max drawdown was 0
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1e-300 2 1e-100 3 1e100 4 0.5e100 > "$BATS_TEST_TMPDIR/up.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/up.csv"
	is_null max_drawdown; is_null total_return; is_null cagr; is_null calmar
	# a benchmark whose variance overflows: beta and correlation were 0
	{
		for d in 1 2 3 4; do
			p=$(echo 1 1e-200 1e100 1e-200 | cut -d' ' -f$d)
			echo "bar,2024-01-0${d}T00:00:00Z,SPY,1d,$p,$p,$p,$p,0"
			echo "equity,2024-01-0$((d + 1))T00:00:00Z,0,$(echo 100 101 100 102 | cut -d' ' -f$d),0,0,0,0"
		done
	} > "$BATS_TEST_TMPDIR/bench.csv"
	run -0 qts-report --json -b SPY "$BATS_TEST_TMPDIR/bench.csv"
	is_null beta; is_null correlation; is_null alpha
}

@test "text: a figure of 1e15 or more is in exponent notation, not cut to the column's digits" {
	# equity 100, 1e308, 1e-308: sortino 1.12e307 was written as 63 of
	# its 308 digits, reading as 1.12e62
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 1e308 3 1e-308 > "$BATS_TEST_TMPDIR/big.csv"
	run -0 qts-report "$BATS_TEST_TMPDIR/big.csv"
	[[ $output =~ "Sortino ratio "\ +"1.122e+307"$'\n' ]]
	[[ $output =~ "Best day "\ +"1.000e+308%"$'\n' ]]
	[[ $output =~ "Omega ratio "\ +"1.000e+306"$'\n' ]]
	run -0 qts-report --compare "$BATS_TEST_TMPDIR/big.csv" "$BATS_TEST_TMPDIR/big.csv"
	[[ $output == *"1.122e+307"* ]]
	[[ $output != *"1122497216032182"* ]]
	# the chart's scale and the tables: 1e308 was cut to 31 digits (1e30)
	# or pushed the monthly table 300 columns wide
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 1e308 > "$BATS_TEST_TMPDIR/up.csv"
	run -0 qts-report "$BATS_TEST_TMPDIR/up.csv"
	[[ $output == *$'\n''1.000e+308 '* ]]
	[[ $output == *$'\n''2024   1e+308      '*' 1e+308'* ]]
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1 2 2 3 -1e200 > "$BATS_TEST_TMPDIR/neg.csv"
	run -0 qts-report "$BATS_TEST_TMPDIR/neg.csv"
	[[ $output == *$'\n''1     -5e+201%  2024-01-02'* ]]
	# a best day of 1e308 is 1e310%: 100 times it was inf, written "inf%"
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1e-300 2 1e8 3 1e-300 4 -1e8 > "$BATS_TEST_TMPDIR/span.csv"
	run -0 qts-report "$BATS_TEST_TMPDIR/span.csv"
	[[ $output =~ "Best day "\ +"1.000e+310%"$'\n' ]]
	[[ $output =~ "Worst day "\ +"-1.000e+310%"$'\n' ]]
	[[ $output == *$'\n''2024  -1e+310 '* ]]
	[[ $output != *inf* ]]
	run -0 qts-report --html "$BATS_TEST_TMPDIR/span.html" "$BATS_TEST_TMPDIR/span.csv"
	grep -q '<title>2024: -1.000e+310%</title>' "$BATS_TEST_TMPDIR/span.html"
	grep -q '>-1.000e+310</td>' "$BATS_TEST_TMPDIR/span.html"
	! grep -q -E '>-?inf%?<' "$BATS_TEST_TMPDIR/span.html" || false
}

@test "text: the charts' rows and their dates line up whatever the width of the scale's labels" {
	# a label wider than 10 columns (100000000.00, -1.000e+300%) pushed
	# its own row of the chart right, and the dates did not follow
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100000000 2 200000000 3 150000000 > "$BATS_TEST_TMPDIR/a.csv"
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 200 3 -1e300 > "$BATS_TEST_TMPDIR/b.csv"
	for r in a b; do
		run -0 qts-report "$BATS_TEST_TMPDIR/$r.csv"
		# the column of the first braille byte of each chart row, and of
		# the first digit of the dates' row: one column for all 17
		run -0 bash -c 'printf "%s\n" "$1" | LC_ALL=C awk '\''
			/\xe2[\xa0-\xa3]/ { print index($0, "\xe2"); next }
			/^ +[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] / { match($0, /[0-9]/); print RSTART }
			'\'' | sort | uniq -c' _ "$output"
		[ "${#lines[@]}" -eq 1 ]
		[[ ${lines[0]} =~ ^\ *17\ 14$ ]]
	done
}

@test "text: equity from 1e308 to -1e308 is drawn, the drawdown is -200%, not -inf" {
	# the span of the scale overflowed to inf: each point's height was
	# inf / inf, NaN, turned to an int (undefined); the drawdown
	# (eq - top) / top overflowed to -inf
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 1e308 3 -1e308 > "$BATS_TEST_TMPDIR/a.csv"
	run -0 --separate-stderr qts-report "$BATS_TEST_TMPDIR/a.csv"
	[ -z "$stderr" ]
	[[ $output == *$'\n'' 1.000e+308 '* ]]
	[[ $output == *$'\n''-1.000e+308 '* ]]
	[[ $output == *$'\n''   -200.00% '* ]]
}

@test "--html: the tables write figures as the text report: 1e15 or more in exponent notation, no -0.00" {
	# a pnl of 1e308 was a cell of 310 digits in the round trips and
	# contributions; a loss of 1e-9 was "-0.00"; %.4g cut a price of
	# 187.45 to 187.4 and wrote 600000 as 6e+05, and %g a qty of
	# 1234567 as 1.23457e+06
	printf '%s\n' 'equity,2024-01-01,100,100,0,0,0,0' \
		'fill,2024-01-02T00:00:00Z,X,o1,buy,1,1,0,0' 'fill,2024-01-02T01:00:00Z,X,o2,sell,1,1e308,0,0' \
		'fill,2024-01-02T02:00:00Z,Y,o3,buy,1,1,0,0' 'fill,2024-01-02T03:00:00Z,Y,o4,sell,1,0.999999999,0,0' \
		'fill,2024-01-02T04:00:00Z,Z,o5,buy,1234567,187.45,0,0' \
		'fill,2024-01-02T05:00:00Z,Z,o6,sell,1234567,0.0001234,0,0' \
		'fill,2024-01-02T06:00:00Z,W,o7,buy,1,1.1076,0,0' 'fill,2024-01-02T07:00:00Z,W,o8,sell,1,600000,0,0' \
		'fill,2024-01-02T08:00:00Z,V,o9,buy,1,5e-9,0,0' 'fill,2024-01-02T09:00:00Z,V,o10,sell,1,1e-8,0,0' \
		'equity,2024-01-03,100,99.99999,0,0,0,0' > "$BATS_TEST_TMPDIR/t.csv"
	run -0 qts-report --periods 1000000 --html "$BATS_TEST_TMPDIR/t.html" "$BATS_TEST_TMPDIR/t.csv"
	# the text: no -0.00 for a loss of 1e-9, no -0.0 for a month of -1e-7
	[[ $output =~ "Largest loss "\ +"-231419431.80"$'\n' ]]
	[[ $output != *-0.0* ]]
	[[ $output == *$'\n''2024      0.0 '*' 0.0'* ]]
	local h=$BATS_TEST_TMPDIR/t.html
	! grep -q -E '[0-9]{20}|>-0\.00%?<|inf' "$h" || false
	grep -q '<td>1.1076</td><td>600000.00</td>' "$h"
	grep -q '<td>5.000e-09</td><td>0.00000001</td>' "$h"
	grep -q '<td>1.00</td><td>1.000e+308</td><td>0.00</td><td class="pos">1.000e+308</td><td>1.000e+310%</td><td>0.0</td>' "$h"
	grep -q '<td class="neg">0.00</td><td>0.00%</td><td>0.0</td></tr>' "$h"
	grep -q '<td>1234567</td><td class="l">2024-01-02</td><td class="l">2024-01-02</td><td>187.45</td><td>0.0001234</td>' "$h"
	grep -q '<td class="l">X</td><td>2</td><td class="pos">1.000e+308</td><td>1.000e+308%</td></tr>' "$h"
	grep -q 'Other (cash, fees, flows)</td><td></td><td>-1.000e+308</td><td>-1.000e+308%</td></tr>' "$h"
	grep -q '<title>X: 1.000e+308%, P&amp;L 1.000e+308</title>' "$h"
	grep -q 'annualisation 1000000,' "$h"
	# a quantity with 10 significant digits: the last of three lots of
	# 0.1 closed by one sell of 0.3 is 0.09999999999999998
	printf '%s\n' 'equity,2024-01-01,100,100,0,0,0,0' \
		'fill,2024-01-02T00:00:00Z,X,o1,buy,0.1,10,0,0' 'fill,2024-01-02T00:00:01Z,X,o2,buy,0.1,10,0,0' \
		'fill,2024-01-02T00:00:02Z,X,o3,buy,0.1,10,0,0' 'fill,2024-01-02T01:00:00Z,X,o4,sell,0.3,11,0,0' \
		'equity,2024-01-03,100,101,0,0,0,0' > "$BATS_TEST_TMPDIR/dust.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/dust.html" "$BATS_TEST_TMPDIR/dust.csv"
	[ "$(grep -c '<td class="l">long</td><td>0.1</td>' "$BATS_TEST_TMPDIR/dust.html")" -eq 3 ]
	# the worst drawdowns: a depth of -5e199 was 200 digits
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1 2 2 3 -1e200 > "$BATS_TEST_TMPDIR/neg.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/neg.html" "$BATS_TEST_TMPDIR/neg.csv"
	grep -q '<td>1</td><td class="neg">-5.000e+201%</td>' "$BATS_TEST_TMPDIR/neg.html"
	# a histogram's bins as its axis labels them: %g wrote 10000 as 1e+04
	printf '%s\n' 'equity,2024-01-01,0,1000000,0,0,0,0' \
		'fill,2024-01-02T00:00:00Z,X,o1,buy,1,1,0,0' 'fill,2024-01-02T01:00:00Z,X,o2,sell,1,100001,0,0' \
		'fill,2024-01-02T02:00:00Z,X,o3,buy,1,100001,0,0' 'fill,2024-01-02T03:00:00Z,X,o4,sell,1,1,0,0' \
		'fill,2024-01-02T04:00:00Z,X,o5,buy,1,1,0,0' 'fill,2024-01-02T05:00:00Z,X,o6,sell,1,50001,0,0' \
		'equity,2024-01-03,0,1000000,0,0,0,0' > "$BATS_TEST_TMPDIR/b.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/b.html" "$BATS_TEST_TMPDIR/b.csv"
	grep -q '3 round trips in bins of 10000; mean 16666.67.' "$BATS_TEST_TMPDIR/b.html"
}

@test "--html: daily returns past double's range draw no histogram; a huge mean is not cut short" {
	# equity 1e-300, 1e8, 1e-300, -1e8: returns of 1e308 and -1e308, a
	# span of inf, were cut into bins of width 1 counted from inf
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1e-300 2 1e8 3 1e-300 4 -1e8 > "$BATS_TEST_TMPDIR/span.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/span.html" "$BATS_TEST_TMPDIR/span.csv"
	grep -q 'Daily returns beyond the range of a double: no histogram.' "$BATS_TEST_TMPDIR/span.html"
	! grep -q 'sd inf' "$BATS_TEST_TMPDIR/span.html" || false
	# a mean of 1.5e152% was written as the first 120 of its 153 digits
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1 2 2e150 3 2e300 > "$BATS_TEST_TMPDIR/big.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/big.html" "$BATS_TEST_TMPDIR/big.csv"
	grep -q '2 days in bins of 5.000e+150%; mean 1.500e+152%, sd 7.071e+151%.' "$BATS_TEST_TMPDIR/big.html"
	# trips of +1e308 and -1e308 were "in bins of 1; mean 0.00"
	printf '%s\n' 'equity,2024-01-01,100,100,0,0,0,0' \
		'fill,2024-01-02T00:00:00Z,X,o1,buy,1,1,0,0' 'fill,2024-01-02T01:00:00Z,X,o2,sell,1,1e308,0,0' \
		'fill,2024-01-02T02:00:00Z,X,o3,buy,1,1e308,0,0' 'fill,2024-01-02T03:00:00Z,X,o4,sell,1,1,0,0' \
		'equity,2024-01-03,100,100,0,0,0,0' > "$BATS_TEST_TMPDIR/trips.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/trips.html" "$BATS_TEST_TMPDIR/trips.csv"
	# (the page writes & as &amp;)
	grep -q "Round trips' P&amp;L beyond the range of a double: no histogram." "$BATS_TEST_TMPDIR/trips.html"
	! grep -q 'round trips in bins of 1;' "$BATS_TEST_TMPDIR/trips.html" || false
}

@test "--html: equity over hundreds of decades is drawn, no coordinate NaN or inf" {
	# 100, 1e308, 1e-308 on a log scale: hi / lo overflowed and every
	# point was at y = -nan; 1, 2e150, 2e300: the margin took hi to inf;
	# the ticks of 616 decades fell back to linear ones from 0, at y = inf
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 1e308 3 1e-308 > "$BATS_TEST_TMPDIR/a.csv"
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1 2 2e150 3 2e300 > "$BATS_TEST_TMPDIR/b.csv"
	for r in a b; do
		run -0 qts-report --html "$BATS_TEST_TMPDIR/$r.html" "$BATS_TEST_TMPDIR/$r.csv"
		! grep -q -i -E '="[^"]*(nan|inf)|[ML]-?[0-9.]* -?(nan|inf)' "$BATS_TEST_TMPDIR/$r.html" || false
		grep -q 'd="M62.0 [0-9]' "$BATS_TEST_TMPDIR/$r.html"
	done
	grep -q '>1.000e-256</text>' "$BATS_TEST_TMPDIR/a.html"
}

@test "round trips past double's range: sqn and profit factor are null, not 0" {
	# pnl 1e308, 1e307, -1e308, -1e308: the losses sum to -inf and the
	# squared spread overflows; profit factor was 0 and sqn -0
	printf '%s\n' 'equity,2024-01-01,100,100,0,0,0,0' \
		'fill,2024-01-02T00:00:00Z,X,o1,buy,1,1,0,0' 'fill,2024-01-02T01:00:00Z,X,o2,sell,1,1e308,0,0' \
		'fill,2024-01-02T02:00:00Z,X,o3,buy,1,1,0,0' 'fill,2024-01-02T03:00:00Z,X,o4,sell,1,1e307,0,0' \
		'fill,2024-01-02T04:00:00Z,X,o5,buy,1,1e308,0,0' 'fill,2024-01-02T05:00:00Z,X,o6,sell,1,1,0,0' \
		'fill,2024-01-02T06:00:00Z,X,o7,buy,1,1e308,0,0' 'fill,2024-01-02T07:00:00Z,X,o8,sell,1,1,0,0' \
		'equity,2024-01-03,100,100,0,0,0,0' > "$BATS_TEST_TMPDIR/t.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/t.csv"
	near trades 4; near win_rate 0.5
	is_null profit_factor; is_null sqn; is_null avg_loss
	near expectancy -2.25e+307
}

@test "a month compounded past double's range has an undefined return, not inf" {
	# equity 1e-300 to 1e300 in January: the month's growth is inf, which
	# the text and the CSV wrote as "inf" and the page drew at NaN
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 1e-300 2 1e300 3 2e300 > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-report "$BATS_TEST_TMPDIR/m.csv"
	[[ $output == *$'\n''2024        -      '*' -' ]]
	run -0 qts-report --csv "$BATS_TEST_TMPDIR/m.csv"
	[[ $output == *$'\n''return_2024-01,'$'\n''return_2024,'* ]]
	run -0 qts-report --json "$BATS_TEST_TMPDIR/m.csv"
	[[ $output == *'"monthly_returns": {"2024-01": null}'* ]]
	run -0 qts-report --html "$BATS_TEST_TMPDIR/m.html" "$BATS_TEST_TMPDIR/m.csv"
	grep -q '<td class="m" data-month="2024-01" data-v="">-</td>' "$BATS_TEST_TMPDIR/m.html"
	! grep -q -i -E '="[^"]*(nan|inf)|>-?(nan|inf)' "$BATS_TEST_TMPDIR/m.html" || false
}

@test "points centuries apart: annualised per return, not per calendar year, as the page says" {
	printf 'equity,%s,0,%s,0,0,0,0\n' 1700-01-01 100 2200-01-01 200 > "$BATS_TEST_TMPDIR/c.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/c.csv"
	near days 1; near total_return 1
	near cagr 7.2370055773322621e+75            # annual_return([1.0]): 2^252 - 1
	[[ $output == *'"start": "1700-01-01"'* && $output == *'"end": "2200-01-01"'* ]]
}

@test "no trades: the count is 0 and the trade ratios are null" {
	printf 'equity,2024-01-0%d,100,10%d,0,0,0,0\n' 1 0 2 1 3 3 > "$BATS_TEST_TMPDIR/nt.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/nt.csv"
	near trades 0; is_null win_rate; is_null profit_factor; is_null expectancy
	is_null avg_holding_time; near exposure 0
}

@test "one day: one return, the ratios that need two are null" {
	printf 'equity,2024-01-02T14:30:00Z,100,100,0,0,0,0\nequity,2024-01-02T21:00:00Z,101,101,0,0,0,0\n' \
		> "$BATS_TEST_TMPDIR/one.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/one.csv"
	near days 1; near total_return 0.01
	near cagr 11.274002099240244                # annual_return([0.01])
	is_null sharpe; is_null volatility; is_null sortino; is_null stability
}

@test "a stream without equity: days 0, every return figure null" {
	run -0 qts-report --json /dev/null
	near days 0; is_null total_return; is_null sharpe; is_null start
}

@test "a first-day loss: the starting equity is the first peak" {
	printf 'equity,2024-01-02T14:30:00Z,100,100,0,0,0,0\nequity,2024-01-02T21:00:00Z,95,95,0,0,0,0\nequity,2024-01-03T21:00:00Z,96.9,96.9,0,0,0,0\n' \
		> "$BATS_TEST_TMPDIR/fl.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/fl.csv"
	near max_drawdown -0.05
	[[ $output == *'"max_drawdown_peak": "2024-01-02"'* ]]
	is_null max_drawdown_recovery
}

@test "negative equity: returns stop there, cagr is null, the text says why" {
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 50 3 -25 4 -20 > "$BATS_TEST_TMPDIR/neg.csv"
	run -0 qts-report --json "$BATS_TEST_TMPDIR/neg.csv"
	near days 2; near total_return -1.25; near max_drawdown -1.25; is_null cagr
	run -0 qts-report "$BATS_TEST_TMPDIR/neg.csv"
	[[ $output == *"Equity fell to zero or below on 2024-01-03"* ]]
	# an account that starts at 0 (qts-sim --cash 0) never fell: it was
	# there from the first day, and no return is defined at all
	printf 'equity,2024-01-0%d,0,0,0,0,0,0\n' 1 2 3 > "$BATS_TEST_TMPDIR/zero.csv"
	run -0 qts-report "$BATS_TEST_TMPDIR/zero.csv"
	[[ $output == *"Equity was zero or below from the start, on 2024-01-01: no return is defined."* ]]
	[[ $output != *"fell"* ]]
}

@test "text: aligned summary with braille charts, no colours off a terminal" {
	run -0 qts-report -b SPY "$A"
	[[ $output == *"Sharpe ratio                            3.009"* ]]
	[[ $output == *"Benchmark return"* ]]
	[[ $output == *"⣀"* || $output == *"⠉"* ]]
	[[ $output == *"2024      2.4"* ]]
	[[ $output != *$'\033'* ]]
	run -0 qts-report "$A"
	[[ $output != *"Benchmark return"* ]]
}

@test "--csv: metric,value rows, empty where undefined" {
	run -0 qts-report --csv "$A"
	[ "${lines[0]}" = "metric,value" ]
	[[ $output == *$'\nsharpe,3.00946924856'* ]]
	[[ $output == *$'\nalpha,\n'* ]]
	[[ $output == *$'\nreturn_2024-01,0.0235238529813'* ]]
}

@test "--trades: the round trips as CSV" {
	run -0 qts-report --trades "$A"
	[ "${lines[0]}" = "symbol,side,qty,entry_ts,exit_ts,entry_price,exit_price,commission,pnl,return,holding_days" ]
	[ "${lines[1]}" = "AAA,long,10,2024-01-04T20:00:00Z,2024-01-07T20:00:00Z,100,110,2,98,0.098,3" ]
	[ "${lines[2]}" = "BBB,short,5,2024-01-09T20:00:00Z,2024-01-11T20:00:00Z,40,42,1,-11,-0.055,2" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "a split from qts-sim --actions: the open lots take it, the round trips and the contribution follow qts-sim's books" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,X,1d,40,40,40,40,0' 'order,2024-01-02T00:00:00Z,X,o1,buy,1000,market,,,gtc,s' \
		'bar,2024-01-03T00:00:00Z,X,1d,40,40,40,40,0' 'bar,2024-01-04T00:00:00Z,X,1d,21,21,21,21,0' \
		'order,2024-01-04T00:00:00Z,X,o2,sell,2000,market,,,gtc,s' 'bar,2024-01-05T00:00:00Z,X,1d,21,21,21,21,0' > in.csv
	printf '2024-01-04,X,split,2\n' > split.csv
	qts-sim --actions split.csv in.csv > s.csv
	# qts-sim: 2000 @ 20 after the split, sold at 21
	grep -q '^position,2024-01-05T00:00:00Z,X,0,0,0,0,2000$' s.csv
	run -0 qts-report -t --html s.html s.csv
	[ "${lines[1]}" = "X,long,2000,2024-01-03T00:00:00Z,2024-01-05T00:00:00Z,20,21,0,2000,0.05,2" ]
	[ "${#lines[@]}" -eq 2 ]
	grep -q '<td class="l">X</td><td>2</td><td class="pos">2000.00</td>' s.html
	grep -q 'Other (cash, fees, flows)</td><td></td><td>0.00</td>' s.html
	# a reverse split (1 for 2) of a position bought in two lots, with
	# commissions, part sold before it: the trips' cost is the lots'
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,X,1d,40,40,40,40,0' 'order,2024-01-02T00:00:00Z,X,o1,buy,1000,market,,,gtc,s' \
		'bar,2024-01-03T00:00:00Z,X,1d,42,42,42,42,0' 'order,2024-01-03T00:00:00Z,X,o2,buy,500,market,,,gtc,s' \
		'bar,2024-01-04T00:00:00Z,X,1d,44,44,44,44,0' 'order,2024-01-04T00:00:00Z,X,o3,sell,300,market,,,gtc,s' \
		'bar,2024-01-05T00:00:00Z,X,1d,45,45,45,45,0' 'bar,2024-01-08T00:00:00Z,X,1d,92,92,92,92,0' \
		'order,2024-01-08T00:00:00Z,X,o4,sell,600,market,,,gtc,s' 'bar,2024-01-09T00:00:00Z,X,1d,90,90,90,90,0' \
		'bar,2024-01-10T00:00:00Z,X,1d,91,91,91,91,0' > in2.csv
	printf '2024-01-08,X,split,0.5\n' > reverse.csv
	qts-sim --commission per-share=0.01 --actions reverse.csv in2.csv > r.csv
	run -0 qts-report -t --html r.html r.csv
	[ "${lines[1]}" = "X,long,300,2024-01-03T00:00:00Z,2024-01-05T00:00:00Z,42,45,6,894,0.07095238095238095,2" ]
	[ "${lines[2]}" = "X,long,350,2024-01-03T00:00:00Z,2024-01-09T00:00:00Z,84,90,10.5,2089.5,0.07107142857142858,6" ]
	[ "${lines[3]}" = "X,long,250,2024-01-04T00:00:00Z,2024-01-09T00:00:00Z,88,90,7.5,492.5,0.022386363636363635,5" ]
	[ "${#lines[@]}" -eq 4 ]
	# the realized P&L qts-sim says, and nothing left open
	grep -q '^position,2024-01-09T00:00:00Z,X,0,0,0,0,3476\.00000000000' r.csv # 894 + 2089.5 + 492.5, to rounding
	grep -q 'Other (cash, fees, flows)</td><td></td><td>0.00</td>' r.html
	# a position event that changes the cost is a broker's correction, not a split
	printf '%s\n' 'fill,2024-01-02T00:00:00Z,X,o1,buy,1000,40,0,0' 'position,2024-01-02T00:00:00Z,X,1000,40,40000,0,0' \
		'position,2024-01-03T00:00:00Z,X,2000,40,80000,0,0' 'fill,2024-01-04T00:00:00Z,X,o2,sell,2000,41,0,0' > fix.csv
	run -0 qts-report -t fix.csv
	[ "${lines[1]}" = "X,long,1000,2024-01-02T00:00:00Z,2024-01-04T00:00:00Z,40,41,0,1000,0.025,2" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "msgpack input gives the same report as CSV" {
	qts cat -M "$A" > "$BATS_TEST_TMPDIR/a.mp"
	run -0 qts-report --json -b SPY "$BATS_TEST_TMPDIR/a.mp"
	[ "$output" = "$(qts-report --json -b SPY "$A")" ]
	run -0 qts-report --json -b SPY < "$BATS_TEST_TMPDIR/a.mp"
	[ "$output" = "$(qts-report --json -b SPY "$A")" ]
}

@test "--tee: the stream passes unchanged to stdout, the report to stderr" {
	run --separate-stderr -0 qts-report --tee "$A"
	[ "$output" = "$(qts cat "$A")" ]
	[[ $stderr == *"Sharpe ratio"* ]]
	qts-report --tee -M "$A" 2>/dev/null | cmp - <(qts cat -M "$A")
}

@test "-o writes the report to a file; output is deterministic" {
	run -0 qts-report -j -o "$BATS_TEST_TMPDIR/r.json" "$A"
	[ -z "$output" ]
	cmp "$BATS_TEST_TMPDIR/r.json" <(qts-report -j "$A")
	cmp <(qts-report -b SPY "$A") <(qts-report -b SPY "$A")
}

@test "--live refreshes the report every N events while the stream flows" {
	run --separate-stderr -0 qts-report --live --every 3 --tee -j "$A"
	[ "$output" = "$(qts cat "$A")" ]
	n=$(printf '%s\n' "$stderr" | grep -c '"sharpe"')
	[ "$n" -ge 5 ]
	run -0 qts-report --live --every 5 -o "$BATS_TEST_TMPDIR/live.txt" --every 100ms "$A"
	grep -q "Sharpe ratio" "$BATS_TEST_TMPDIR/live.txt"
	[ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep "^\.live")" ]
}

@test "--live brings the report up to date when the input is quiet" {
	f=$BATS_TEST_TMPDIR/fifo
	mkfifo "$f"
	qts-report --live -j -o "$BATS_TEST_TMPDIR/q.json" < "$f" &
	pid=$!
	exec 5>"$f"
	head -6 "$A" >&5
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/q.json" ] && break; sleep 0.1; done
	grep -q '"days": 1' "$BATS_TEST_TMPDIR/q.json"
	exec 5>&-
	wait $pid
}

@test "stopped by a signal: 128 + n and no report; with --live the last one written stays" {
	f=$BATS_TEST_TMPDIR/fifo
	mkfifo "$f"
	qts-report -o "$BATS_TEST_TMPDIR/r.txt" < "$f" 3>&- &
	pid=$!
	exec 5>"$f"
	head -6 "$A" >&5
	sleep 0.5
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	exec 5>&-
	[ "$rc" -eq 143 ]
	[ ! -e "$BATS_TEST_TMPDIR/r.txt" ]
	# SIGHUP at its default when started, whatever the tests were
	# started with (nohup)
	env --default-signal=HUP qts-report --live -j -o "$BATS_TEST_TMPDIR/q.json" < "$f" 3>&- &
	pid=$!
	exec 5>"$f"
	head -6 "$A" >&5
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/q.json" ] && break; sleep 0.1; done
	cp "$BATS_TEST_TMPDIR/q.json" "$BATS_TEST_TMPDIR/was.json"
	kill -HUP $pid
	rc=0
	wait $pid || rc=$?
	exec 5>&-
	[ "$rc" -eq 129 ]
	cmp "$BATS_TEST_TMPDIR/q.json" "$BATS_TEST_TMPDIR/was.json"
}

@test "--html: one self-contained page with the charts and tables" {
	run -0 qts-report -b SPY --html "$BATS_TEST_TMPDIR/r.html" "$A"
	h=$BATS_TEST_TMPDIR/r.html
	grep -q '<svg' "$h"
	# equity and underwater (each drawn wide and narrow); 10 returns are
	# too few for a rolling window (tests/0750-qts-report-tearsheet.bats
	# checks the rest)
	[ "$(grep -c '<svg class="chart equity"' "$h")" -eq 2 ]
	[ "$(grep -c '<svg class="chart underwater"' "$h")" -eq 2 ]
	grep -q 'Fewer than 21 daily returns' "$h"
	grep -q 'Monthly returns' "$h"
	grep -q '<td class="l">AAA</td>' "$h"
	grep -q 'benchmark SPY' "$h"
	! grep -qi '<script' "$h" || false
	! grep -Eqi '(src|href)=' "$h" || false
	! grep -Eqi 'https?:' "$h" || false
}

@test "--html: symbols, the benchmark and the file name are text on the page, escaped wherever they go" {
	cd "$BATS_TEST_TMPDIR"
	S='<script>alert("1")&</script>'
	C='"<script>alert(""1"")&</script>"' # as a CSV field
	printf '%s\n' "bar,2024-01-02T00:00:00Z,$C,1d,10,10,10,10,0" "fill,2024-01-02T00:00:00Z,$C,o1,buy,1,10,0,0" \
		'equity,2024-01-03T00:00:00Z,90,100,10,10,0,0' "bar,2024-01-03T00:00:00Z,$C,1d,11,11,11,11,0" \
		"fill,2024-01-03T00:00:00Z,$C,o2,sell,1,11,0,0" 'equity,2024-01-04T00:00:00Z,101,101,0,0,0,0' > '<i>.csv'
	run -0 qts-report -b "$S" --html p.html '<i>.csv'
	! grep -qi '<script\|<i>' p.html || false
	E='&lt;script&gt;alert(&quot;1&quot;)&amp;&lt;/script&gt;'
	# the yearly bars' titles, the header, the legends and the tables
	grep -q "<title>2024 $E: 10.00%</title>" p.html
	grep -q "benchmark $E" p.html
	grep -q '&lt;i&gt;.csv' p.html
	[ "$(grep -o "$E" p.html | wc -l)" -ge 8 ]
}

@test "--html renders in headless Chromium: not blank, no console errors" {
	chromium=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$chromium" ] || skip "chromium is not installed (Debian package chromium)"
	qts-report -b SPY --html "$BATS_TEST_TMPDIR/r.html" "$A"
	prof=$(mktemp -d)
	"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --enable-logging=stderr --v=0 --window-size=1000,1400 \
		--screenshot="$BATS_TEST_TMPDIR/shot.png" "file://$BATS_TEST_TMPDIR/r.html" \
		2> "$BATS_TEST_TMPDIR/log" || true
	rm -rf "$prof"
	[ -s "$BATS_TEST_TMPDIR/shot.png" ]
	! grep -Ei 'Uncaught|CONSOLE\(' "$BATS_TEST_TMPDIR/log" || false
	# not blank: a blank page compresses to almost nothing
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/shot.png")" -gt 20000 ]
}

@test "--compare: one column per run" {
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 2 100 3 101 4 99 > "$BATS_TEST_TMPDIR/b.csv"
	run -0 --separate-stderr qts-report --compare "$A" "$BATS_TEST_TMPDIR/b.csv"
	[[ ${lines[0]} == *"report-a.csv"*"b.csv"* ]]
	# b's three days beside a's of 01-02 to 01-12 are no comparison: said
	[ "$stderr" = "qts-report: --compare: $BATS_TEST_TMPDIR/b.csv runs from 2024-01-02T00:00:00Z to 2024-01-04T00:00:00Z, $A from 2024-01-02T21:00:00Z to 2024-01-12T21:00:00Z: their metrics are of different days" ]
	[[ $output == *"Sharpe ratio                          3.009"* ]]
	run -0 --separate-stderr qts-report --compare --csv "$A" "$BATS_TEST_TMPDIR/b.csv"
	[[ ${lines[0]} == "metric,$A,$BATS_TEST_TMPDIR/b.csv" ]]
	[[ $output == *$'\ntotal_return,0.0235238529813'*',-0.0100000000000'* ]]
	run -0 --separate-stderr qts-report --compare --json "$A" "$BATS_TEST_TMPDIR/b.csv"
	[ "$(printf '%s\n' "$output" | grep -c '"run": ')" -eq 2 ]
	# runs of the same days: nothing said
	run -0 --separate-stderr qts-report --compare -c "$A" "$A"
	[ -z "$stderr" ]
	# a run of no equity (its signals, not yet through qts-sim): said, as of a file alone
	printf '%s\n' 'target,2024-01-02T00:00:00Z,X,10,qty,s' 'bar,2024-01-02T00:00:00Z,X,1d,1,1,1,1,1' > "$BATS_TEST_TMPDIR/sig.csv"
	run -0 --separate-stderr qts-report --compare -c "$A" "$BATS_TEST_TMPDIR/sig.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/sig.csv: no equity events among the 2 read: a report is made of the equity qts-sim or qts-broker writes (is it in the pipeline?)" ]
}

@test "--compare: every run's column is as wide as its heading, past 64 runs" {
	# the widths were kept in an array of 64: the 65th run's took the
	# 1st's place, and the 1st's rows were cut to 14 under its long name
	mkdir "$BATS_TEST_TMPDIR/c"
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 1 100 2 101 3 99 > "$BATS_TEST_TMPDIR/c/a_run_with_a_long_name.csv"
	for i in $(seq 10 73); do
		cp "$BATS_TEST_TMPDIR/c/a_run_with_a_long_name.csv" "$BATS_TEST_TMPDIR/c/r$i.csv"
	done
	run -0 qts-report --compare "$BATS_TEST_TMPDIR"/c/*.csv
	# every line as long as the heading's
	[ "$(printf '%s\n' "$output" | awk '{ print length($0) }' | sort -u | wc -l)" -eq 1 ]
}

@test "--compare: a run without financing shows '-', null or nothing beside one with it" {
	cd "$BATS_TEST_TMPDIR"
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 2 100 3 101 > run.csv
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0,%s,0,0\n' 2 100 0 3 101 0.5 > fin.csv
	run -0 qts-report --compare -j run.csv fin.csv
	[ "$(printf '%s\n' "$output" | grep -c '"total_interest": null,')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c '"total_borrow": null,')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c '"total_margin_interest": null,')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c '"total_interest": 0.5,')" -eq 1 ]
	run -0 qts-report --compare -c run.csv fin.csv
	[[ $output == *$'\ntotal_interest,,0.5\n'* ]]
	run -0 qts-report --compare run.csv fin.csv
	[[ $output == *$'\nTotal interest                            -           0.50\n'* ]]
	# a report of one run without financing has no such key
	run -0 qts-report --compare -j run.csv
	[[ $output != *total_interest* ]]
}

@test "bad input: named by file and line, exit 1" {
	printf 'equity,2024-01-02,0,100,0,0,0,0\nfill,2024-01-03,A,o1,hold,1,10,0,0\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run --separate-stderr -1 qts-report "$BATS_TEST_TMPDIR/bad.csv"
	[[ $stderr == "qts-report: $BATS_TEST_TMPDIR/bad.csv:2: "*"'hold'"* ]]
	printf 'fill,2024-01-03,A,o1,buy,-1,10,0,0\n' > "$BATS_TEST_TMPDIR/bad2.csv"
	run --separate-stderr -1 qts-report "$BATS_TEST_TMPDIR/bad2.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/bad2.csv:1: fill: qty and price must be numbers, qty above 0" ]
	# a fill worth more than a double holds: its trade's P&L was -inf in --trades
	printf 'fill,2024-01-03,A,o1,buy,1e308,92.28,0,0\nfill,2024-01-04,A,o2,sell,1e308,90,0,0\n' > "$BATS_TEST_TMPDIR/big.csv"
	run --separate-stderr -1 qts-report -t "$BATS_TEST_TMPDIR/big.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/big.csv:1: fill: the value of qty 1e+308 at price 92.28 is not finite (overflow)" ]
	# a NaN equity in msgpack
	z='\xcb\x00\x00\x00\x00\x00\x00\x00\x00'
	printf "\x98\xa6equity\xd3\x00\x00\x00\x00\x3b\x9a\xca\x00\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00\xcb\x7f\xf8\x00\x00\x00\x00\x00\x00$z$z$z$z" \
		> "$BATS_TEST_TMPDIR/nan.mp"
	run --separate-stderr -1 qts-report "$BATS_TEST_TMPDIR/nan.mp"
	[[ $stderr == "qts-report: $BATS_TEST_TMPDIR/nan.mp: event 1 (byte 0): "* ]]
	printf 'equity,notatime,1,1,0,0,0,0\n' > "$BATS_TEST_TMPDIR/bad4.csv"
	run --separate-stderr -1 qts-report "$BATS_TEST_TMPDIR/bad4.csv"
	[[ $stderr == "qts-report: $BATS_TEST_TMPDIR/bad4.csv:1: "* ]]
	run --separate-stderr -1 qts-report /nonexistent
	[ "$stderr" = "qts-report: /nonexistent: No such file or directory" ]
}

@test "usage errors exit 2 with the usage" {
	run --separate-stderr -2 qts-report --bogus
	[[ $stderr == *"usage: qts-report"* ]]
	run -2 qts-report --periods 0
	run -2 qts-report --risk-free abc
	# a percentage is refused as qts-sim refuses one for its rates
	run -2 --separate-stderr qts-report --risk-free 2%
	[ "${stderr_lines[0]}" = "qts-report: --risk-free: '2%' is not a rate: give a fraction (0.05 for 5%)" ]
	# a rate of 1 or more is taken, and said: 5 meant as 5% is 500% a year
	run -0 --separate-stderr qts-report --risk-free 5 "$FIX/report-a.csv"
	[ "$stderr" = "qts-report: --risk-free 5 is 500% a year (a rate is a fraction: 0.05 for 5%)" ]
	[ "$output" != "$(qts-report --risk-free 0.05 "$FIX/report-a.csv")" ]
	run -0 --separate-stderr qts-report --risk-free 0.99 "$FIX/report-a.csv"
	[ -z "$stderr" ]
	run -2 qts-report --every soon
	run -2 qts-report --compare
	run -2 qts-report --compare --live a b
	run -2 qts-report a b
	run -2 qts-report -b ''
}

@test "options that would do nothing, or two reports at once, are usage errors" {
	run -2 --separate-stderr qts-report -j -c /dev/null
	[ "${stderr_lines[0]}" = "qts-report: -j, -c and -t exclude each other: one report" ]
	run -2 --separate-stderr qts-report -c -t /dev/null
	[ "${stderr_lines[0]}" = "qts-report: -j, -c and -t exclude each other: one report" ]
	run -0 qts-report -j -j /dev/null
	run -2 --separate-stderr qts-report --every 5 /dev/null
	[ "${stderr_lines[0]}" = "qts-report: --every goes with --live" ]
	run -2 --separate-stderr qts-report --html-log on /dev/null
	[ "${stderr_lines[0]}" = "qts-report: --html-log goes with --html" ]
	run -2 --separate-stderr qts-report -M /dev/null
	[ "${stderr_lines[0]}" = "qts-report: -M goes with --tee: the report itself is text" ]
	run -2 --separate-stderr qts-report --heartbeat 1s /dev/null
	[ "${stderr_lines[0]}" = "qts-report: --heartbeat goes with --tee: the report itself is text" ]
	run -0 qts-report --tee -M --heartbeat 1s /dev/null
}

@test "-t: the options of the metrics would do nothing, refused by name before any output; with --html they serve the page" {
	A=$FIX/report-a.csv
	run -2 --separate-stderr qts-report -t --periods 12 "$A"
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "qts-report: -t writes the round trips alone: --periods would do nothing there (they go with the metrics, or --html)" ]
	run -2 --separate-stderr qts-report -t --risk-free 0.02 "$A"
	[ "${stderr_lines[0]}" = "qts-report: -t writes the round trips alone: --risk-free would do nothing there (they go with the metrics, or --html)" ]
	run -2 --separate-stderr qts-report --trades -z America/New_York "$A"
	[ "${stderr_lines[0]}" = "qts-report: -t writes the round trips alone: -z would do nothing there (they go with the metrics, or --html)" ]
	run -2 --separate-stderr qts-report -t -z UTC --periods 12 --risk-free 0 -s 17:00-16:00 -b SPY "$A"
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "qts-report: -t writes the round trips alone: -b, -z, -s, --periods and --risk-free would do nothing there (they go with the metrics, or --html)" ]
	# live too: refused before anything is read
	run -2 --separate-stderr timeout -k 5 20 qts-report -t --live --periods 12 </dev/null
	[ "${stderr_lines[0]}" = "qts-report: -t writes the round trips alone: --periods would do nothing there (they go with the metrics, or --html)" ]
	# the round trips alone, and with the page that uses them
	run -0 qts-report -t "$A"
	trips=$output
	run -0 qts-report -t --periods 12 --risk-free 0.02 -z America/New_York --html "$BATS_TEST_TMPDIR/r.html" "$A"
	[ "$output" = "$trips" ]
	[ -s "$BATS_TEST_TMPDIR/r.html" ]
}

@test "--compare takes no --metrics: it runs no stage to measure" {
	run -2 --separate-stderr qts-report --compare --metrics "$BATS_TEST_TMPDIR/m" "$FIX/report-a.csv"
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "qts-report: --compare takes no --metrics: its files are read whole, not run as a stage" ]
	[ ! -e "$BATS_TEST_TMPDIR/m" ]
	# --periods and --risk-free serve --compare as they do one report
	run -0 qts-report --compare -c "$FIX/report-a.csv"
	plain=$output
	run -0 qts-report --compare -c --periods 12 --risk-free 0.02 "$FIX/report-a.csv"
	[ "$output" != "$plain" ]
}

@test "events without equity (a strategy's, not through qts-sim): an empty report, and a warning that says why" {
	printf 'bar,2024-01-02,A,1d,1,2,0.5,1.5,10\ntarget,2024-01-03T00:00:00Z,A,10,qty,s\n' > "$BATS_TEST_TMPDIR/t.csv"
	run -0 --separate-stderr qts-report -c "$BATS_TEST_TMPDIR/t.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/t.csv: no equity events among the 2 read: a report is made of the equity qts-sim or qts-broker writes (is it in the pipeline?)" ]
	run -0 --separate-stderr qts-report -c < "$BATS_TEST_TMPDIR/t.csv"
	[[ "$stderr" == "qts-report: standard input: no equity events among the 2 read:"* ]]
	qts-sim "$BATS_TEST_TMPDIR/t.csv" | { run -0 --separate-stderr qts-report -c; [ -z "$stderr" ]; }
}

@test "--html before any equity event: an empty page and a warning, not out of memory; --live goes on" {
	cd "$BATS_TEST_TMPDIR"
	printf 'bar,2024-01-02T00:00:00Z,X,1d,1,1,1,1,0\n' > bar.csv
	run -0 --separate-stderr qts-report --html bar.html bar.csv
	[[ $stderr == "qts-report: bar.csv: no equity events among the 1 read:"* ]]
	grep -q 'Fewer than two points' bar.html
	: > empty.csv
	run -0 --separate-stderr qts-report --html empty.html empty.csv
	[ "$stderr" = "qts-report: empty.csv: no events (empty input)" ]
	grep -q 'Fewer than two points' empty.html
	# one day of equity: no exposure chart, and the page says why
	printf '%s\n' 'equity,2024-01-03T00:00:00Z,90,100,10,10,0,0' > one.csv
	run -0 --separate-stderr qts-report --html one.html one.csv
	grep -q 'Fewer than two days have an exposure: a day of equity 0 or less has none.' one.html
	# the round trips need no equity, and the page is drawn beside them
	printf 'fill,2024-01-02T00:00:00Z,X,o1,buy,1,10,0,0\n' > fill.csv
	run -0 --separate-stderr qts-report -t --html fill.html fill.csv
	[ "$output" = "symbol,side,qty,entry_ts,exit_ts,entry_price,exit_price,commission,pnl,return,holding_days" ]
	grep -q 'No starting equity to measure against' fill.html
	# live, a refresh after a benchmark's bar or a fill that came first
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,X,1d,10,10,10,10,0' 'fill,2024-01-02T00:00:00Z,X,o1,buy,1,10,0,0' \
		'equity,2024-01-03T00:00:00Z,90,100,10,10,0,0' 'bar,2024-01-03T00:00:00Z,X,1d,11,11,11,11,0' \
		'equity,2024-01-04T00:00:00Z,90,101,11,11,0,0' > live.csv
	run -0 --separate-stderr qts-report --live --every 1 -b X --html live.html -o live.txt live.csv
	[ -z "$stderr" ]
	grep -q 'End equity *101.00' live.txt
	run -0 --separate-stderr qts-report --live --every 1 --html live.html -o live.txt live.csv
	[ -z "$stderr" ]
	grep -q 'End equity *101.00' live.txt
}

@test "--help, --version; every option in the man page and both completions" {
	run -0 qts-report --version
	[[ $output == "qts-report "* ]]
	run -0 qts-report --help
	[[ ${lines[0]} == "usage: qts-report"* ]]
	opts=$(printf '%s\n' "$output" | grep -oE -- '--[a-z][a-z-]+' | sort -u)
	[ -n "$opts" ]
	man=$BATS_TEST_DIRNAME/../man/qts-report.1
	for o in $opts; do
		grep -q -- "Fl -${o#--}" "$man" || { echo "man: $o"; false; }
		grep -q -- "$o" "$BATS_TEST_DIRNAME/../completions/bash/qts-report" || { echo "bash: $o"; false; }
		grep -q -- "$o" "$BATS_TEST_DIRNAME/../completions/zsh/_qts-report" || { echo "zsh: $o"; false; }
	done
}

@test "the man page gives a formula for every metric" {
	man=$BATS_TEST_DIRNAME/../man/qts-report.1
	for k in total_return cagr volatility sharpe sortino calmar max_drawdown omega tail_ratio \
		stability skew kurtosis best_day value_at_risk exposure trades win_rate avg_win \
		profit_factor expectancy largest_win avg_holding_time total_commission turnover \
		benchmark_return beta alpha information_ratio correlation; do
		grep -q "^\.It Cm .*\b$k\b" "$man" || { echo "man: $k"; false; }
	done
}

@test "a report of standard input says so" {
	run -0 qts-report < "$A"
	[ "${lines[0]}" = "qts report  standard input" ]
}
