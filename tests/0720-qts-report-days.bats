#!/usr/bin/env bats
# qts-report: returns belong to the session day of the bar whose close
# produced them (qts-sim stamps a daily bar's equity at the next midnight),
# the benchmark lines up on the same days, and the monthly and yearly
# returns equal backtrader's; SQN too.
#
# Reference values: backtrader (mementum/backtrader at commit b853d7c9),
# analyzers TimeReturn(timeframe=Months) and TimeReturn(timeframe=Years),
# cash 100000, no commission, YahooFinanceCSVData(adjclose=False,
# round=False), market orders filled at the next bar's open:
#  - BuyHold: buy(size=100) on the first bar, on yhoo-2014.txt;
#  - SmaCross: CrossOver(SMA(10), SMA(30)) > 0: order_target_size(100),
#    < 0: order_target_size(0), on orcl-2014.txt; analyzer SQN as well.

load helper

setup() {
	[ -f "$DATA/yhoo-2014.txt" ] || skip "shared data not present"
}

# period KEY WANT: the CSV report in $output has row KEY within 1e-12 of WANT
period() {
	local got
	got=$(printf '%s\n' "$output" | awk -F, -v k="$1" '$1 == k { print $2 }')
	awk -v g="$got" -v w="$2" -v k="$1" 'BEGIN {
		d = g - w; if (d < 0) d = -d
		if (g == "" || d > 1e-12) { print k ": got " g ", want " w; exit 1 } }'
}

# row KEY: the value of row KEY of the CSV report in $output
row() {
	printf '%s\n' "$output" | awk -F, -v k="$1" '$1 == k { print $2 }'
}

# within KEY LO HI: row KEY of the CSV report lies in [LO, HI]
within() {
	local got
	got=$(row "$1")
	awk -v g="$got" -v lo="$2" -v hi="$3" -v k="$1" 'BEGIN {
		if (g == "" || g < lo || g > hi) { print k ": got " g ", want " lo ".." hi; exit 1 } }'
}

@test "buy and hold YHOO 2014: monthly and yearly returns are backtrader's TimeReturn" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim \
		> "$BATS_TEST_TMPDIR/bh.csv"
	run -0 qts-report -c "$BATS_TEST_TMPDIR/bh.csv"
	period return_2014-01 -0.0041500019999999305
	period return_2014-02 0.002671085008125962
	period return_2014-03 -0.0027741294584414655
	period return_2014-04 5.0212906882896036e-05
	period return_2014-05 -0.0013054951332054365
	period return_2014-06 0.000482658447078288
	period return_2014-07 0.0006834376909017337
	period return_2014-08 0.00271179329813509
	period return_2014-09 0.002243704116279277
	period return_2014-10 0.005296873844431671
	period return_2014-11 0.005656685130239536
	period return_2014-12 -0.0012159236022539766
	period return_2014 0.010349998000000138
	# the last close is in 2014: no month or year of 2015
	[[ $output != *return_2015* ]]
	[ "$(row start)" = 2014-01-02 ]
	[ "$(row end)" = 2014-12-31 ]
	# 252 bars: the first close is the start, 251 daily returns
	[ "$(row days)" = 251 ]
}

@test "SMA(10/30) cross on ORCL 2014: monthly and yearly returns are backtrader's TimeReturn" {
	qts-fetch -s ORCL "$DATA/orcl-2014.txt" | qts-strategy sma-cross fast=10 slow=30 size=100 |
		qts-sim > "$BATS_TEST_TMPDIR/sma.csv"
	run -0 qts-report -c "$BATS_TEST_TMPDIR/sma.csv"
	period return_2014-01 0
	period return_2014-02 0.001270000999999965
	period return_2014-03 -0.00045941554180262134
	period return_2014-04 -2.9974720416436895e-05
	period return_2014-05 0.0011391104904001637
	period return_2014-06 -0.0012875279437728482
	period return_2014-07 0
	period return_2014-08 0.0003697660466510655
	period return_2014-09 -0.0001798211786414594
	period return_2014-10 0
	period return_2014-11 0.00347714873803473
	period return_2014-12 0.0025490401274519403
	period return_2014 0.006860000999999949
	[[ $output != *return_2015* ]]
	# backtrader's SQN analyzer on the same run: 3 trades
	period trades 3
	period sqn 0.8668325500564302
	run -0 qts-report -j "$BATS_TEST_TMPDIR/sma.csv"
	[[ $output == *'"sqn": 0.86683255005643'* ]]
	run -0 qts-report "$BATS_TEST_TMPDIR/sma.csv"
	[[ $output == *$'\nSQN                                     0.867\n'* ]]
}

@test "a self-benchmark: beta 1, correlation 1, alpha 0" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim \
		> "$BATS_TEST_TMPDIR/bh.csv"
	# an account that is always 1000 shares of YHOO and nothing else: its
	# equity at each of qts-sim's times is 1000 times the close just valued
	awk -F, -v OFS=, '$1 == "bar" { c = $8 } $1 == "equity" { $4 = sprintf("%.17g", 1000 * c) } 1' \
		"$BATS_TEST_TMPDIR/bh.csv" > "$BATS_TEST_TMPDIR/self.csv"
	run -0 qts-report -c -b YHOO "$BATS_TEST_TMPDIR/self.csv"
	within beta 0.999999999999 1.000000000001
	within correlation 0.999999999999 1.000000000001
	within alpha -1e-12 1e-12
	awk -v a="$(row total_return)" -v b="$(row benchmark_return)" \
		'BEGIN { d = a - b; exit !(a != "" && d < 1e-12 && d > -1e-12) }'
	# a real run, fully invested from the first open: nearly the same
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold weight=1 |
		qts-sim --fractional > "$BATS_TEST_TMPDIR/bh1.csv"
	run -0 qts-report -c -b YHOO "$BATS_TEST_TMPDIR/bh1.csv"
	within beta 0.98 1.02
	within correlation 0.998 1
}

@test "--benchmark of a run that starts at the first open: bought at that open, the first day's return is its own" {
	# a target before the first bar fills at its open (100): qts-sim's
	# books start then, inside the first day; the benchmark A is bought at
	# the same open, so an account of A alone is A: alpha 0, the same
	# return (8.9%), where buying A at the first close (110) gave it -1%
	{
		printf 'target,2024-01-02T00:00:00Z,A,1000,qty,s\n'
		printf 'bar,2024-01-02T00:00:00Z,A,1d,100,112,99,110,1000\n'
		printf 'bar,2024-01-03T00:00:00Z,A,1d,110,122,109,121,1000\n'
		printf 'bar,2024-01-04T00:00:00Z,A,1d,121,122,108,108.9,1000\n'
	} | qts-sim > "$BATS_TEST_TMPDIR/open.csv"
	run -0 qts-report -c -b A "$BATS_TEST_TMPDIR/open.csv"
	period total_return 0.089
	period benchmark_return 0.089
	within alpha -1e-12 1e-12
	within beta 0.999999999999 1.000000000001
}

@test "--benchmark of an intraday run: bought at the close of the bar the starting equity is of" {
	# qts-sim's starting equity is at 11:00, the end of the first bar
	# (close 100): the benchmark is bought there, not at the first day's
	# close (120, which gave 150/120 - 1 = 0.25): 150/100 - 1
	for t in 10:100 11:110 12:120; do
		echo "bar,2024-01-02T${t%:*}:00:00Z,X,1h,${t#*:},${t#*:},${t#*:},${t#*:},1000"
	done > "$BATS_TEST_TMPDIR/x.csv"
	for t in 10:130 11:140 12:150; do
		echo "bar,2024-01-03T${t%:*}:00:00Z,X,1h,${t#*:},${t#*:},${t#*:},${t#*:},1000"
	done >> "$BATS_TEST_TMPDIR/x.csv"
	qts-sim "$BATS_TEST_TMPDIR/x.csv" > "$BATS_TEST_TMPDIR/bh.csv"
	run -0 qts-report -c -b X "$BATS_TEST_TMPDIR/bh.csv"
	period benchmark_return 0.5
	# started after the benchmark's first bar (the 11:00 equity left
	# out): at the close of the bar that ends at 12:00, 150/110 - 1
	grep -v '^equity,2024-01-02T11:' "$BATS_TEST_TMPDIR/bh.csv" > "$BATS_TEST_TMPDIR/later.csv"
	run -0 qts-report -c -b X "$BATS_TEST_TMPDIR/later.csv"
	period benchmark_return 0.36363636363636354
	# a target at the first bar fills at its open, the books start at
	# 10:00, before any close: bought at that open (100), as before
	{ echo 'target,2024-01-02T10:00:00Z,X,10,qty,s'; cat "$BATS_TEST_TMPDIR/x.csv"; } |
		qts-sim > "$BATS_TEST_TMPDIR/open.csv"
	grep -q '^equity,2024-01-02T10:00:00Z,' "$BATS_TEST_TMPDIR/open.csv"
	run -0 qts-report -c -b X "$BATS_TEST_TMPDIR/open.csv"
	period benchmark_return 0.5
	# a run of Y whose benchmark X starts later that day, at 12:00 (open
	# 118): bought at that open, 150/118 - 1; one whose X starts the day
	# after (10:00, open 128, close 130): the days before take that bar's
	# close, 150/130 - 1 (the day's close, 150, gave 0)
	for d in 02 03; do
		for h in 10 11 12; do
			echo "bar,2024-01-${d}T$h:00:00Z,Y,1h,50,50,50,50,1000"
			case $d$h in
			0212) echo 'bar,2024-01-02T12:00:00Z,X,1h,118,120,118,120,1000' ;;
			0310) echo 'bar,2024-01-03T10:00:00Z,X,1h,128,130,128,130,1000' ;;
			0312) echo 'bar,2024-01-03T12:00:00Z,X,1h,150,150,150,150,1000' ;;
			esac
		done
	done | qts-sim > "$BATS_TEST_TMPDIR/late.csv"
	run -0 qts-report -c -b X "$BATS_TEST_TMPDIR/late.csv"
	period benchmark_return 0.27118644067796605
	grep -v '^bar,2024-01-02T12:00:00Z,X' "$BATS_TEST_TMPDIR/late.csv" > "$BATS_TEST_TMPDIR/day2.csv"
	run -0 --separate-stderr qts-report -c -b X "$BATS_TEST_TMPDIR/day2.csv"
	period benchmark_return 0.15384615384615374
	[[ $stderr == *'1 of the 2 days of the equity'* ]]
}

@test "--benchmark of an intraday run: beta, alpha, information ratio and correlation from the first bar's close" {
	# X in 1h bars over four days; 500 X bought at the second bar's open
	# (101).  Daily equity 100000 (the start, at the first bar's close),
	# 49500 + 500 * (103, 108, 99, 110); X 102 (the first bar's close),
	# 103, 108, 99, 110.  Figures by hand in Python from empyrical's
	# formulas (r, f the daily returns; P 252, rf 0):
	#   beta = cov(r, f) / var(f), ddof 0; alpha = (1 + mean(r - beta f))^252 - 1;
	#   information_ratio = mean(r - f) / stdev(r - f), ddof 1;
	#   correlation = cov(r, f) / (pstdev(r) pstdev(f)).
	# (X bought at the first day's close, 103, gave 110/103 - 1 = 0.068.)
	{
		echo 'bar,2024-01-02T10:00:00Z,X,1h,100,102,100,102,1000'
		echo 'target,2024-01-02T11:00:00Z,X,500,qty,s'
		echo 'bar,2024-01-02T11:00:00Z,X,1h,101,104,101,104,1000'
		echo 'bar,2024-01-02T12:00:00Z,X,1h,104,104,103,103,1000'
		echo 'bar,2024-01-03T10:00:00Z,X,1h,103,106,103,106,1000'
		echo 'bar,2024-01-03T11:00:00Z,X,1h,106,106,105,105,1000'
		echo 'bar,2024-01-03T12:00:00Z,X,1h,105,108,105,108,1000'
		echo 'bar,2024-01-04T10:00:00Z,X,1h,108,108,102,102,1000'
		echo 'bar,2024-01-04T11:00:00Z,X,1h,102,102,101,101,1000'
		echo 'bar,2024-01-04T12:00:00Z,X,1h,101,101,99,99,1000'
		echo 'bar,2024-01-05T10:00:00Z,X,1h,99,103,99,103,1000'
		echo 'bar,2024-01-05T11:00:00Z,X,1h,103,107,103,107,1000'
		echo 'bar,2024-01-05T12:00:00Z,X,1h,107,110,107,110,1000'
	} | qts-sim > "$BATS_TEST_TMPDIR/s.csv"
	run -0 qts-report -c -b X "$BATS_TEST_TMPDIR/s.csv"
	period total_return 0.045
	period benchmark_return 0.07843137254901955       # 110/102 - 1
	period beta 0.5071986083004953
	period alpha 0.2191926569652798
	period information_ratio -0.24420578315765024
	period correlation 0.9975730565577323
}

@test "--benchmark of 5-minute bars: bought at the first bar's close; a self-benchmark has beta 1, alpha 0" {
	qts-fetch -s X "$DATA/2006-min-005.txt" | qts-sim > "$BATS_TEST_TMPDIR/m.csv"
	# the first bar (09:05) closes at 3582.99, the last at 3677.52:
	# 3677.52/3582.99 - 1 (from 3604.33, the first day's last close, it
	# was 0.0203)
	run -0 qts-report -c -b X "$BATS_TEST_TMPDIR/m.csv"
	period benchmark_return 0.026382992975140906
	# an account of 1000 X alone is X, the first day too
	awk -F, -v OFS=, '$1 == "bar" { c = $8 } $1 == "equity" { $4 = sprintf("%.17g", 1000 * c) } 1' \
		"$BATS_TEST_TMPDIR/m.csv" > "$BATS_TEST_TMPDIR/self.csv"
	run -0 qts-report -c -b X "$BATS_TEST_TMPDIR/self.csv"
	period total_return 0.026382992975140906
	period benchmark_return 0.026382992975140906
	within beta 0.999999999999 1.000000000001
	within correlation 0.999999999999 1.000000000001
	within alpha -1e-12 1e-12
}

@test "--benchmark: a bar closed at 0 or below is no price to hold at, left out and said" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim \
		> "$BATS_TEST_TMPDIR/bh.csv"
	# the tenth bar's close made 0 (a vendor's bar of zeros), its day
	# valued at the close before it: the same as that bar at that close
	awk -F, -v OFS=, '$1 == "bar" && ++n == 10 { $5 = $6 = $7 = $8 = 0 } 1' "$BATS_TEST_TMPDIR/bh.csv" > "$BATS_TEST_TMPDIR/z.csv"
	awk -F, -v OFS=, '$1 == "bar" && ++n == 10 { $5 = $6 = $7 = $8 = c } $1 == "bar" { c = $8 } 1' "$BATS_TEST_TMPDIR/bh.csv" \
		> "$BATS_TEST_TMPDIR/same.csv"
	day=$(awk -F, '$1 == "bar" && ++n == 10 { print $2 }' "$BATS_TEST_TMPDIR/bh.csv")
	run -0 --separate-stderr qts-report -c -b YHOO "$BATS_TEST_TMPDIR/z.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/z.csv: --benchmark YHOO: 1 bar closed at 0 or below, the first at $day: no price to buy and hold at, left out of its returns" ]
	# beta, alpha and correlation are numbers, not undefined
	for k in beta alpha correlation information_ratio benchmark_return; do
		[ -n "$(row $k)" ]
	done
	bz=$(row benchmark_return)
	# the strategy's own figures differ (qts-sim marked at 0 that day);
	# the benchmark's return does not
	run -0 --separate-stderr qts-report -c -b YHOO "$BATS_TEST_TMPDIR/same.csv"
	[ "$stderr" = "" ]
	[ "$(row benchmark_return)" = "$bz" ]
}

@test "no date of a daily report falls on a weekend" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim \
		> "$BATS_TEST_TMPDIR/bh.csv"
	run -0 qts-report -c "$BATS_TEST_TMPDIR/bh.csv"
	for k in start end max_drawdown_peak max_drawdown_trough max_drawdown_recovery; do
		d=$(row $k | cut -c1-10)
		[ -z "$d" ] && continue
		dow=$(date -u -d "$d" +%u)
		[ "$dow" -le 5 ] || { echo "$k $d is a weekend day"; false; }
	done
}

@test "--tz: daily bars stamped at local midnight fall on their own dates" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim \
		> "$BATS_TEST_TMPDIR/utc.csv"
	qts-fetch -s YHOO --tz America/New_York "$DATA/yhoo-2014.txt" |
		qts-strategy buy-hold size=100 | qts-sim > "$BATS_TEST_TMPDIR/ny.csv"
	grep -q '^bar,2014-01-02T05:00:00Z,YHOO' "$BATS_TEST_TMPDIR/ny.csv"
	want=$(qts-report -c "$BATS_TEST_TMPDIR/utc.csv")
	run -0 qts-report -c --tz America/New_York "$BATS_TEST_TMPDIR/ny.csv"
	[ "$output" = "$want" ]
	# the middle of a bar names its day in either zone
	run -0 qts-report -c "$BATS_TEST_TMPDIR/ny.csv"
	[ "$output" = "$want" ]
	run -0 qts-report -c -z America/New_York "$BATS_TEST_TMPDIR/utc.csv"
	[ "$output" = "$want" ]
}

@test "--tz: equity without bars falls on the local date of its time" {
	printf 'equity,2024-01-02T03:00:00Z,0,100,0,0,0,0\nequity,2024-01-03T03:00:00Z,0,101,0,0,0,0\n' \
		> "$BATS_TEST_TMPDIR/e.csv"
	run -0 qts-report -c --tz America/New_York "$BATS_TEST_TMPDIR/e.csv"
	[ "$(row start)" = 2024-01-01 ]
	[ "$(row end)" = 2024-01-02 ]
	run -0 qts-report -c "$BATS_TEST_TMPDIR/e.csv"
	[ "$(row start)" = 2024-01-02 ]
	run -2 --separate-stderr qts-report --tz Mars/Olympus_Mons "$BATS_TEST_TMPDIR/e.csv"
	[ "${stderr_lines[0]}" = "qts-report: --tz: 'Mars/Olympus_Mons' is not an installed time zone" ]
}

@test "intraday: adding 1d bars (qts-resample 1h,1d) adds no weekend day and changes nothing" {
	# 5-minute bars of January 2006 read as New York time; the daily bar of
	# a Friday ends at midnight New York, Saturday 05:00 UTC
	qts-fetch -s X --stamp end --tz America/New_York "$DATA/2006-min-005.txt" \
		> "$BATS_TEST_TMPDIR/m5.csv"
	for tfs in 1h 1h,1d; do
		qts-resample -z America/New_York "$tfs" "$BATS_TEST_TMPDIR/m5.csv" 2>/dev/null |
			qts-strategy --tf 1h sma-cross fast=3 slow=8 size=1 | qts-sim \
			> "$BATS_TEST_TMPDIR/$tfs.csv"
	done
	grep -q '^bar,2006-01-06T05:00:00Z,X,1d,' "$BATS_TEST_TMPDIR/1h,1d.csv"
	want=$(qts-report -c "$BATS_TEST_TMPDIR/1h.csv")
	for z in UTC America/New_York; do
		run -0 qts-report -c -z $z "$BATS_TEST_TMPDIR/1h,1d.csv"
		[ "$output" = "$want" ]
	done
	# 21 trading days, each a return: the first hour's close is the start
	run -0 qts-report -c "$BATS_TEST_TMPDIR/1h,1d.csv"
	[ "$(row days)" = 21 ]
	[ "$(row end)" = 2006-01-30 ]
}

@test "--benchmark of a symbol the stream has no bar of is an error naming the symbols" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim \
		> "$BATS_TEST_TMPDIR/bh.csv"
	run -1 --separate-stderr qts-report -b NOPE "$BATS_TEST_TMPDIR/bh.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/bh.csv: --benchmark NOPE: no bar of NOPE in the stream (bars of: YHOO)" ]
	run -1 --separate-stderr qts-report -b NOPE < "$BATS_TEST_TMPDIR/bh.csv"
	[ "$stderr" = "qts-report: standard input: --benchmark NOPE: no bar of NOPE in the stream (bars of: YHOO)" ]
	run -1 --separate-stderr qts-report --compare -b NOPE "$BATS_TEST_TMPDIR/bh.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/bh.csv: --benchmark NOPE: no bar of NOPE in the stream (bars of: YHOO)" ]
	grep '^equity' "$BATS_TEST_TMPDIR/bh.csv" > "$BATS_TEST_TMPDIR/eq.csv"
	run -1 --separate-stderr qts-report -b YHOO "$BATS_TEST_TMPDIR/eq.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/eq.csv: --benchmark YHOO: the stream has no bars" ]
}

@test "--benchmark whose bars are all of other days than the curve's (other years) is said: its returns are 0" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim > "$BATS_TEST_TMPDIR/bh.csv"
	{ qts-fetch -s X "$DATA/orcl-2003-2005.txt"; grep -v '^bar' "$BATS_TEST_TMPDIR/bh.csv"; } > "$BATS_TEST_TMPDIR/x.csv"
	first=$(grep -m1 '^equity' "$BATS_TEST_TMPDIR/x.csv" | cut -d, -f2)
	last=$(grep '^equity' "$BATS_TEST_TMPDIR/x.csv" | tail -n 1 | cut -d, -f2)
	w="--benchmark X: none of its bars is of a day of the equity, from $first to $last: they run from 2003-01-02T00:00:00Z to 2005-12-30T00:00:00Z, and its returns are 0"
	run -0 --separate-stderr qts-report -c -b X "$BATS_TEST_TMPDIR/x.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/x.csv: $w" ]
	[ "$(row benchmark_return)" = 0 ]
	run -0 --separate-stderr qts-report --compare -c -b X "$BATS_TEST_TMPDIR/x.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/x.csv: $w" ]
	# one bar within the curve's days is a benchmark, and no warning
	run -0 --separate-stderr qts-report -c -b YHOO "$BATS_TEST_TMPDIR/bh.csv"
	[ -z "$stderr" ]
}

@test "--benchmark whose bars cover part of the curve's days is said: its returns are 0 outside them" {
	qts-fetch -s YHOO "$DATA/yhoo-2014.txt" | qts-strategy buy-hold size=100 | qts-sim > "$BATS_TEST_TMPDIR/bh.csv"
	# X's bars of the first quarter alone (60 days), then nothing: each
	# after YHOO's bar of its time
	qts-fetch -s X "$DATA/orcl-2014.txt" | head -n 60 > "$BATS_TEST_TMPDIR/xb.csv"
	awk -F, 'NR == FNR { x[$2] = $0; next } { print } $1 == "bar" && ($2 in x) { print x[$2] }' \
		"$BATS_TEST_TMPDIR/xb.csv" "$BATS_TEST_TMPDIR/bh.csv" > "$BATS_TEST_TMPDIR/x.csv"
	first=$(grep -m1 '^equity' "$BATS_TEST_TMPDIR/x.csv" | cut -d, -f2)
	last=$(grep '^equity' "$BATS_TEST_TMPDIR/x.csv" | tail -n 1 | cut -d, -f2)
	w="--benchmark X: 192 of the 252 days of the equity, from $first to $last, are outside its bars, which run from 2014-01-02T00:00:00Z to 2014-03-28T00:00:00Z: its returns there are 0"
	run -0 --separate-stderr qts-report -c -b X "$BATS_TEST_TMPDIR/x.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/x.csv: $w" ]
	run -0 --separate-stderr qts-report --compare -c -b X "$BATS_TEST_TMPDIR/x.csv"
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/x.csv: $w" ]
	# bars of every day of the curve: nothing to say
	run -0 --separate-stderr qts-report -c -b YHOO "$BATS_TEST_TMPDIR/x.csv"
	[ -z "$stderr" ]
}

@test "--session: an overnight session dates its evening by the next trading day" {
	f=$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz
	[ -f "$f" ] || skip "shared data not present"
	# CME Globex, 17:00-16:00 Chicago: the bars from Monday Jan 1 17:00 on
	# trade for Tuesday Jan 2; January 2024 then has 22 trading days
	qts-fetch -s 6E --stamp end "$f" | qts-resample -z America/Chicago 1h 2>/dev/null |
		qts-strategy sma-cross fast=5 slow=20 size=1 | qts-sim > "$BATS_TEST_TMPDIR/6e.csv"
	run -0 qts-report -c -z America/Chicago -s 17:00-16:00 "$BATS_TEST_TMPDIR/6e.csv"
	[ "$(row start)" = 2024-01-02 ]
	[ "$(row end)" = 2024-01-31 ]
	[ "$(row days)" = 22 ]
	# by calendar dates, the Sunday evenings and New Year's Day are days too
	run -0 qts-report -c -z America/Chicago "$BATS_TEST_TMPDIR/6e.csv"
	[ "$(row start)" = 2024-01-01 ]
	[ "$(row days)" = 27 ]
	# a session within a day changes nothing
	run -0 qts-report -c -z America/Chicago -s 08:30-15:00 "$BATS_TEST_TMPDIR/6e.csv"
	[ "$(row days)" = 27 ]
	run -2 --separate-stderr qts-report -s 25:00-26:00 "$BATS_TEST_TMPDIR/6e.csv"
	[ "${stderr_lines[0]}" = "qts-report: --session: '25:00-26:00' is not HH:MM-HH:MM" ]
}

@test "the first day's P&L is a return: qts-sim writes the books as they started before it" {
	# a target before the first bar fills at its open (10) and the bar
	# closes at 11: 100 shares made 100 on the first day, 100 more on the
	# second.  Starting from the first close (100100) left the first
	# day's 100 out: 0.0999% where the account made 0.2%.
	printf '%s\n' 'target,2024-01-01T00:00:00Z,A,100,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,11,10,11,1000' \
		'bar,2024-01-03T00:00:00Z,A,1d,11,12,11,12,1000' > "$BATS_TEST_TMPDIR/in.csv"
	qts-sim "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/run.csv"
	run -0 qts-report -c "$BATS_TEST_TMPDIR/run.csv"
	period total_return 0.002
	[ "$(row start_equity)" = 100000 ]
	[ "$(row end_equity)" = 100200 ]
	[ "$(row start)" = 2024-01-02 ]
	[ "$(row days)" = 2 ]
	period best_day 0.001
	# a day of interest on the cash alone: each day's return is its interest
	grep '^bar,' "$BATS_TEST_TMPDIR/in.csv" | qts-sim --cash-rate 0.05 > "$BATS_TEST_TMPDIR/fin.csv"
	run -0 qts-report -c "$BATS_TEST_TMPDIR/fin.csv"
	[ "$(row days)" = 2 ]
	last=$(grep '^equity,' "$BATS_TEST_TMPDIR/fin.csv" | tail -1 | cut -d, -f4)
	period total_return "$(awk -v e="$last" 'BEGIN { printf "%.17g", e / 100000 - 1 }')"
	# a run whose first bar changes nothing starts at its close, as before
	grep '^bar,' "$BATS_TEST_TMPDIR/in.csv" | qts-sim > "$BATS_TEST_TMPDIR/flat.csv"
	[ "$(grep -c '^equity,' "$BATS_TEST_TMPDIR/flat.csv")" = 2 ]
}
