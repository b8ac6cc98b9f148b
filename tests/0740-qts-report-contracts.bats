#!/usr/bin/env bats
# qts-report: contracts (--instrument, --instruments).  A round trip's pnl
# is points times qty times the multiplier, less commissions; figures are
# worked by hand in the comments or come from backtrader, as named.

load helper

SIM=$FIX/sim

# field NAME: the value of metric NAME in `qts-report -c` output on stdin
field() { awk -F, -v k="$1" '$1 == k { print $2 }'; }
# near A B: |A - B| <= 1e-9 * max(1, |B|)
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1; exit !(d <= 1e-9 * m) }'; }

@test "futures: backtrader's SMA(15)-cross test, mult 10: TradeAnalyzer's and SQN's figures" {
	[ -r "$DATA/2006-day-001.txt" ] || skip "no $DATA"
	qts-fetch -s ES "file:$DATA/2006-day-001.txt" |
		qts-strategy -e 'target = cross(close, sma(close,15)) ? 1 : cross(sma(close,15), close) ? 0 : target' |
		qts-sim --cash 10000 --commission per-contract=2 --instrument ES,multiplier=10,margin=1000 \
		> "$BATS_TEST_TMPDIR/run.csv"
	# backtrader commit b853d7c90b6721476eb5a5ea3135224e33db1f14,
	# tests/test_strategy_unoptimized.py with stocklike=False
	# (commission=2.0, mult=10.0, margin=1000.0), runonce and preload, on
	# datas/2006-day-001.txt, with analyzers TradeAnalyzer and SQN added:
	#   total.closed 11, won.total 5, lost.total 6
	#   pnl.gross.total 2167.1000000000004, pnl.net.total 2123.1000000000004
	#   won.pnl.max 1391.300000000002, lost.pnl.max -582.4999999999991
	#   won.pnl.average 798.7399999999998, lost.pnl.average -311.7666666666664
	#   pnl.net.average 193.00909090909093
	#   streak.won.longest 2, streak.lost.longest 4
	#   SQN: sqn 0.9125503164393756, trades 11
	run -0 qts-report -c --instrument ES,multiplier=10,margin=1000 "$BATS_TEST_TMPDIR/run.csv"
	c=$output
	[ "$(echo "$c" | field trades)" = 11 ]
	near "$(echo "$c" | field win_rate)" "$(awk 'BEGIN { printf "%.17g", 5 / 11 }')"
	near "$(echo "$c" | field largest_win)" 1391.300000000002
	near "$(echo "$c" | field largest_loss)" -582.4999999999991
	near "$(echo "$c" | field avg_win)" 798.7399999999998
	near "$(echo "$c" | field avg_loss)" -311.7666666666664
	near "$(echo "$c" | field expectancy)" 193.00909090909093
	near "$(echo "$c" | field sqn)" 0.9125503164393756
	# profit factor: won.pnl.total / -lost.pnl.total
	near "$(echo "$c" | field profit_factor)" "$(awk 'BEGIN { printf "%.17g", 3993.699999999999 / 1870.5999999999985 }')"
	# the trips: won and lost counts, net and gross totals, streaks
	run -0 qts-report -t --instrument ES,multiplier=10,margin=1000 "$BATS_TEST_TMPDIR/run.csv"
	echo "$output" | tail -n +2 > "$BATS_TEST_TMPDIR/trips.csv"
	[ "$(awk -F, '$9 > 0' "$BATS_TEST_TMPDIR/trips.csv" | wc -l)" -eq 5 ]
	[ "$(awk -F, '$9 < 0' "$BATS_TEST_TMPDIR/trips.csv" | wc -l)" -eq 6 ]
	near "$(awk -F, '{ s += $9 } END { printf "%.17g", s }' "$BATS_TEST_TMPDIR/trips.csv")" 2123.1000000000004
	near "$(awk -F, '{ s += $9 + $8 } END { printf "%.17g", s }' "$BATS_TEST_TMPDIR/trips.csv")" 2167.1000000000004
	[ "$(awk -F, '{ w = $9 > 0 ? w + 1 : 0; l = $9 < 0 ? l + 1 : 0; if (w > mw) mw = w; if (l > ml) ml = l }
		END { print mw, ml }' "$BATS_TEST_TMPDIR/trips.csv")" = "2 4" ]
	# the first trip: bought 3643.35, sold 3763.95: 120.6 * 10 - 4
	near "$(head -1 "$BATS_TEST_TMPDIR/trips.csv" | cut -d, -f9)" 1201.999999999999
	# turnover counts the contract notional: 23 fills of 1 * price * 10
	# over the mean equity; ten times that of the run read as shares
	t10=$(echo "$c" | field turnover)
	t1=$(qts-report -c "$BATS_TEST_TMPDIR/run.csv" | field turnover)
	near "$t10" "$(awk -v t="$t1" 'BEGIN { printf "%.17g", t * 10 }')"
	# the metrics from equity do not depend on the instrument
	[ "$(echo "$c" | grep -E '^(total_return|sharpe|max_drawdown),')" = \
		"$(qts-report -c "$BATS_TEST_TMPDIR/run.csv" | grep -E '^(total_return|sharpe|max_drawdown),')" ]
}

@test "a contract's trip is points * qty * multiplier - commissions; others stay shares" {
	# F, multiplier 50: buy 2 at 101, sell 2 at 97, 3 of commission each:
	# (97 - 101) * 2 * 50 - 6 = -406 (qts-sim's realized P&L, too)
	qts-sim --cash 10000 --commission per-contract=1.5 --instrument F,multiplier=50,margin=500 \
		"$SIM/futures.csv" > "$BATS_TEST_TMPDIR/f.csv"
	grep -q '^position,2024-01-04T00:00:00Z,F,0,0,0,0,-406$' "$BATS_TEST_TMPDIR/f.csv"
	run -0 qts-report -t --instrument F,multiplier=50,margin=500 "$BATS_TEST_TMPDIR/f.csv"
	# return: -406 / (101 * 2 * 50)
	[ "$(echo "$output" | tail -1)" = "F,long,2,2024-01-02T00:00:00Z,2024-01-04T00:00:00Z,101,97,6,-406,-0.0401980198019802,2" ]
	# without the spec, points: (97 - 101) * 2 - 6
	run -0 qts-report -t "$BATS_TEST_TMPDIR/f.csv"
	[ "$(echo "$output" | tail -1 | cut -d, -f9)" = "-14" ]
	# a short contract and a share side by side: S without a spec is a
	# share.  F short 1 at 100, covered at 90: (100 - 90) * 1 * 50 - 2 = 498;
	# S bought 10 at 5, sold at 6: 10 - 1 = 9
	printf '%s\n' 'fill,2024-01-02T00:00:00Z,F,a,sell,1,100,1,0' 'fill,2024-01-02T00:00:00Z,S,b,buy,10,5,0.5,0' \
		'fill,2024-01-03T00:00:00Z,F,c,buy,1,90,1,0' 'fill,2024-01-03T00:00:00Z,S,d,sell,10,6,0.5,0' > "$BATS_TEST_TMPDIR/two.csv"
	run -0 qts-report -t --instrument F,multiplier=50 "$BATS_TEST_TMPDIR/two.csv"
	[ "$(echo "$output" | tail -n +2 | cut -d, -f1,2,9)" = "F,short,498
S,long,9" ]
	run -0 qts-report -c --instrument F,multiplier=50 "$BATS_TEST_TMPDIR/two.csv"
	[ "$(echo "$output" | field largest_win)" = 498 ]
	[ "$(echo "$output" | field expectancy)" = 253.5 ]
	# --compare reads each run with the same contracts
	run -0 qts-report --compare -c --instrument F,multiplier=50 "$BATS_TEST_TMPDIR/two.csv" "$BATS_TEST_TMPDIR/f.csv"
	echo "$output" | grep -qx 'largest_win,498,'
	echo "$output" | grep -qx 'largest_loss,,-406'
}

@test "--instruments FILE; the last spec of a symbol wins; bad specs are errors" {
	printf '# contracts\nF,multiplier=50,margin=500\n\nES,multiplier=50,tick=0.25\n' > "$BATS_TEST_TMPDIR/ins.csv"
	printf '%s\n' 'fill,2024-01-02T00:00:00Z,F,a,buy,1,100,0,0' 'fill,2024-01-03T00:00:00Z,F,b,sell,1,102,0,0' > "$BATS_TEST_TMPDIR/one.csv"
	run -0 qts-report -c --instruments "$BATS_TEST_TMPDIR/ins.csv" "$BATS_TEST_TMPDIR/one.csv"
	[ "$(echo "$output" | field largest_win)" = 100 ]
	gzip -c "$BATS_TEST_TMPDIR/ins.csv" > "$BATS_TEST_TMPDIR/ins.csv.gz"
	run -0 qts-report -c --instruments "$BATS_TEST_TMPDIR/ins.csv.gz" "$BATS_TEST_TMPDIR/one.csv"
	[ "$(echo "$output" | field largest_win)" = 100 ]
	# a later --instrument wins over the file, and the other way round
	run -0 qts-report -c --instruments "$BATS_TEST_TMPDIR/ins.csv" --instrument F,multiplier=5 "$BATS_TEST_TMPDIR/one.csv"
	[ "$(echo "$output" | field largest_win)" = 10 ]
	run -0 qts-report -c --instrument F,multiplier=5 --instruments "$BATS_TEST_TMPDIR/ins.csv" "$BATS_TEST_TMPDIR/one.csv"
	[ "$(echo "$output" | field largest_win)" = 100 ]
	# the parser is qts-sim's, and so are its messages
	run -2 --separate-stderr qts-report --instrument multiplier=10 /dev/null
	[ "${stderr_lines[0]}" = "qts-report: --instrument: a spec starts with its symbol (SYM,multiplier=M,margin=X,tick=T)" ]
	[[ "${stderr_lines[1]}" == usage:* ]]
	run -2 --separate-stderr qts-report --instrument ES,multiplier=0 /dev/null
	[ "${stderr_lines[0]}" = "qts-report: --instrument ES: multiplier: 0 is out of range [1e-09, 1e+09]" ]
	run -2 --separate-stderr qts-report --instrument ES,mult=10 /dev/null
	[ "${stderr_lines[0]}" = "qts-report: --instrument ES: unknown key 'mult' (multiplier, margin, tick)" ]
	printf 'F,multiplier=50\nG,margin=x\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr qts-report --instruments "$BATS_TEST_TMPDIR/bad.csv" /dev/null
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/bad.csv:2: instrument G: margin: 'x' is not a number" ]
	run -1 --separate-stderr qts-report --instruments "$BATS_TEST_TMPDIR/none.csv" /dev/null
	[ "$stderr" = "qts-report: $BATS_TEST_TMPDIR/none.csv: No such file or directory" ]
}

@test "--help explains --instrument and --instruments in short lines" {
	run -0 qts-report --help
	echo "$output" | grep -qE -- '^      --instrument SYM,multiplier=M'
	echo "$output" | grep -qE -- '^      --instruments FILE'
	[ -z "$(echo "$output" | grep -i instrument | awk 'length > 79')" ]
}

@test "--instrument: contracts none of which is a symbol of a fill are said at the end (ES for fills of ESH4), --compare too" {
	E=$BATS_TEST_TMPDIR/esh4.csv
	printf '%s\n' 'fill,2024-01-02T00:00:00Z,ESH4,a,buy,1,4800,0,0' 'fill,2024-01-03T00:00:00Z,ESH4,b,sell,1,4810,0,0' \
		'equity,2024-01-03T00:00:00Z,100010,100010,0,0,10,0' > "$E"
	w="qts-report: no contract given (--instrument, --instruments) is a symbol of the stream (ES is not): every symbol was taken as a share"
	run -0 --separate-stderr qts-report -c --instrument ES,multiplier=50 "$E"
	[ "$stderr" = "$w" ]
	[ "$(echo "$output" | field largest_win)" = 10 ]
	run -0 --separate-stderr qts-report --compare -c --instrument ES,multiplier=50 "$E" "$E"
	[ "$stderr" = "$w" ]
	# one of them used is enough, in any of the files compared
	run -0 --separate-stderr qts-report -c --instrument ES,multiplier=50 --instrument ESH4,multiplier=50 "$E"
	[ -z "$stderr" ]
	[ "$(echo "$output" | field largest_win)" = 500 ]
	printf 'equity,2024-01-03T00:00:00Z,100000,100000,0,0,0,0\n' > "$BATS_TEST_TMPDIR/flat.csv"
	run -0 --separate-stderr qts-report --compare -c --instrument ESH4,multiplier=50 "$BATS_TEST_TMPDIR/flat.csv" "$E"
	[ -z "$stderr" ]
	# no fill at all: nothing was reckoned, as of a share or of a contract
	run -0 --separate-stderr qts-report -c --instrument ES,multiplier=50 "$BATS_TEST_TMPDIR/flat.csv"
	[ -z "$stderr" ]
}
