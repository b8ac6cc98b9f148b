#!/usr/bin/env bats
# qts-sim: contracts (--instrument, --instruments), costs at the extremes
# and numbers too large (qts-sim(1)).  Figures are worked by hand in the
# comments or come from backtrader, as named.

load helper

SIM=$FIX/sim
BT=$SIM/backtrader-futures-sma15.csv

# none PATTERN: no line of stdin matches (a bare `! grep` never fails a test)
none() { ! grep -q "$@"; }
# near A B: |A - B| <= 1e-9 * max(1, |B|)
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1; exit !(d <= 1e-9 * m) }'; }

# backtrader's SMA(15)-cross test strategy: long one contract from the bar
# the close crosses above its SMA(15), flat from the bar it crosses below.
sma15() {
	qts-fetch -s ES "file:$DATA/2006-day-001.txt" |
		qts-strategy -e 'target = cross(close, sma(close,15)) ? 1 : cross(sma(close,15), close) ? 0 : target'
}

@test "futures: backtrader's SMA(15)-cross test, mult 10, margin 1000, commission 2: every bar's cash and value" {
	[ -r "$DATA/2006-day-001.txt" ] || skip "no $DATA"
	sma15 | qts-sim --cash 10000 --commission per-contract=2 --instrument ES,multiplier=10,margin=1000 \
		> "$BATS_TEST_TMPDIR/run.csv"
	# backtrader's fill prices (BUYEXEC and SELLEXEC of
	# tests/test_strategy_unoptimized.py): market orders at the next open
	buys=$(grep '^fill,.*,buy,' "$BATS_TEST_TMPDIR/run.csv" | cut -d, -f7 | awk '{ printf "%.2f ", $1 }')
	sells=$(grep '^fill,.*,sell,' "$BATS_TEST_TMPDIR/run.csv" | cut -d, -f7 | awk '{ printf "%.2f ", $1 }')
	[ "$buys" = "3643.35 3801.03 3872.37 3863.57 3845.32 3656.43 3542.65 3639.65 3799.86 3840.20 4047.63 4052.55 " ]
	[ "$sells" = "3763.95 3811.85 3822.35 3822.57 3829.82 3598.58 3545.92 3766.80 3782.15 3979.73 4045.05 " ]
	# a fill costs 2 a contract, whatever the multiplier
	[ -z "$(grep '^fill,' "$BATS_TEST_TMPDIR/run.csv" | cut -d, -f8 | grep -vx 2)" ]
	# one equity event a bar; backtrader's rows are the last 240 bars
	grep '^equity,' "$BATS_TEST_TMPDIR/run.csv" | cut -d, -f3,4 | tail -240 > "$BATS_TEST_TMPDIR/qts"
	grep -v '^#' "$BT" | tail -n +2 | cut -d, -f2,3 > "$BATS_TEST_TMPDIR/bt"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/bt")" -eq 240 ]
	[ "$(grep -c '^equity,' "$BATS_TEST_TMPDIR/run.csv")" -eq 255 ]
	paste -d, "$BATS_TEST_TMPDIR/qts" "$BATS_TEST_TMPDIR/bt" | awk -F, '
		function off(a, b) { d = a - b; return d < 0 ? -d : d }
		off($1, $3) > 1e-6 || off($2, $4) > 1e-6 { print NR ": qts " $1 " " $2 ", backtrader " $3 " " $4; bad = 1 }
		END { exit bad }'
	# the test's assertions: value 12795.00, cash 11795.00
	last=$(grep '^equity,' "$BATS_TEST_TMPDIR/run.csv" | tail -1)
	[ "$(echo "$last" | awk -F, '{ printf "%.2f %.2f", $3, $4 }')" = "11795.00 12795.00" ]
}

@test "futures: margin 2000 (commission-schemes' margin) holds 1000 more of cash, same value" {
	[ -r "$DATA/2006-day-001.txt" ] || skip "no $DATA"
	# backtrader, same strategy and data with margin=2000.0: getcash()
	# 10794.99999999998, getvalue() 12794.99999999998 after the last bar
	last=$(sma15 | qts-sim --cash 10000 --commission per-share=2 --instrument ES,margin=2000,multiplier=10 |
		grep '^equity,' | tail -1)
	near "$(echo "$last" | cut -d, -f3)" 10794.99999999998
	near "$(echo "$last" | cut -d, -f4)" 12794.99999999998
}

@test "futures: margin held out of cash, P&L settled into cash at each bar close" {
	# F: multiplier 50, margin 500, 1.5 a contract; cash 10000.
	# buy 2 at 01-02's open 101: cash 10000 - 3 - 2 * 500 = 8997; at the
	#   close 102 it settles 2 * 1 * 50 = 100: cash 9097, equity 10097,
	#   gross = net = 2 * 102 * 50 = 10200, unrealized 100
	# 01-03 close 99: settles 2 * -3 * 50 = -300: cash 8797, equity 9797,
	#   unrealized 2 * (99 - 101) * 50 = -200
	# sell 2 at 01-04's open 97: 2 * (97 - 99) * 50 = -200 from the last
	#   settlement, -3, margin back: cash 8797 - 200 - 3 + 1000 = 9594;
	#   realized 2 * (97 - 101) * 50 - 6 = -406; equity 10000 - 406
	run -0 qts-sim --cash 10000 --commission per-contract=1.5 --instrument F,multiplier=50,margin=500 "$SIM/futures.csv"
	[ "$(echo "$output" | grep -E '^(fill|position|equity),')" = "equity,2024-01-02T00:00:00Z,10000,10000,0,0,0,0
fill,2024-01-02T00:00:00Z,F,b1,buy,2,101,3,0
position,2024-01-02T00:00:00Z,F,2,101,10100,0,-3
equity,2024-01-03T00:00:00Z,9097,10097,10200,10200,-3,100
equity,2024-01-04T00:00:00Z,8797,9797,9900,9900,-3,-200
fill,2024-01-04T00:00:00Z,F,s1,sell,2,97,3,0
position,2024-01-04T00:00:00Z,F,0,0,0,0,-406
equity,2024-01-05T00:00:00Z,9594,9594,0,0,-406,0" ]
	# without margin the contract is paid in full: 2 * 101 * 50 = 10100
	# of cash (leverage 2 lets it through); equity the same at the end
	run -0 qts-sim --cash 10000 --leverage 2 --commission per-contract=1.5 --instrument F,multiplier=50 "$SIM/futures.csv"
	echo "$output" | grep -qx 'equity,2024-01-03T00:00:00Z,-103,10097,10200,10200,-3,100'
	echo "$output" | grep -qx 'equity,2024-01-05T00:00:00Z,9594,9594,0,0,-406,0'
}

@test "futures: bps of the contract notional, slippage in money, ticks of the instrument" {
	# bps=10 of 2 * 101 * 50 = 10100: 10.1
	run -0 qts-sim --commission bps=10 --instrument F,multiplier=50,margin=500 "$SIM/futures.csv"
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,F,b1,buy,2,101,10.1,0'
	# two ticks of 0.25: buy at 101.5, sell at 96.5; slippage
	# 2 * 0.5 * 50 = 50 of money each
	run -0 qts-sim --slippage ticks=2 --instrument F,multiplier=50,margin=500,tick=0.25 "$SIM/futures.csv"
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,F,b1,buy,2,101.5,0,50'
	echo "$output" | grep -qx 'fill,2024-01-04T00:00:00Z,F,s1,sell,2,96.5,0,50'
	# the instrument's tick wins over the flag's, which serves the rest
	run -0 qts-sim --slippage ticks=2,tick=1 --instrument F,multiplier=50,margin=500,tick=0.25 "$SIM/futures.csv"
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,F,b1,buy,2,101.5,0,50'
	# no tick size anywhere: the order is rejected, never filled
	run -0 qts-sim --slippage ticks=2 "$SIM/futures.csv"
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,F,b1,rejected,0,,"slippage ticks: no tick size for F (--instrument F,tick=T)"'
	echo "$output" | none '^fill,'
}

@test "--slippage ticks: orders rejected for want of a tick size are said at the end, across a restart" {
	# shares of no --instrument: every market order is rejected; the
	# limit is not concerned (it pays no slippage)
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,1000' 'target,2024-01-02T00:00:00Z,A,5,qty,s' \
		'order,2024-01-02T00:00:00Z,A,l1,buy,1,limit,10,,gtc,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1000' > "$BATS_TEST_TMPDIR/first.csv"
	cp "$BATS_TEST_TMPDIR/first.csv" "$BATS_TEST_TMPDIR/all.csv"
	printf '%s\n' 'order,2024-01-03T00:00:00Z,B,m1,buy,1,market,,,gtc,s' 'bar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,1000' \
		'bar,2024-01-03T00:00:00Z,B,1d,10,10,10,10,1000' >> "$BATS_TEST_TMPDIR/all.csv"
	w='--slippage ticks: 2 orders rejected for want of a tick size of the symbol, the first of A at 2024-01-02T00:00:00Z (--instrument SYM,tick=T, or ticks=N,tick=X)'
	run -0 --separate-stderr qts-sim --slippage ticks=2 "$BATS_TEST_TMPDIR/all.csv"
	[ "$stderr" = "qts-sim: $w" ]
	[ "$(echo "$output" | grep -c ',rejected,')" = 2 ]
	run -0 --separate-stderr qts-broker paper --slippage ticks=2 "$BATS_TEST_TMPDIR/all.csv"
	[ "$stderr" = "qts-broker: $w" ]
	run -0 --separate-stderr qts-sim --slippage ticks=2 --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/first.csv"
	run -0 --separate-stderr qts-sim --slippage ticks=2 --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/all.csv"
	[ "$stderr" = "qts-sim: $w" ]
	# a tick of the flag, or of the contract, for each: nothing to say
	run -0 --separate-stderr qts-sim --slippage ticks=2,tick=0.01 "$BATS_TEST_TMPDIR/all.csv"
	[ -z "$stderr" ]
	run -0 --separate-stderr qts-sim --slippage ticks=2 --instrument A,tick=0.01 --instrument B,tick=0.01 \
		"$BATS_TEST_TMPDIR/all.csv"
	[ -z "$stderr" ]
}

@test "futures: a weight target sizes by notional, price times multiplier" {
	# weight 0.5 of 10000 at 100 * 50 a contract: 5000 / 5000 = 1
	printf 'bar,2024-01-01T00:00:00Z,F,1d,100,100,100,100,1000\ntarget,2024-01-01T00:00:00Z,F,0.5,weight,w\nbar,2024-01-02T00:00:00Z,F,1d,100,100,100,100,1000\n' > "$BATS_TEST_TMPDIR/w.csv"
	run -0 qts-sim --cash 10000 --instrument F,multiplier=50,margin=500 "$BATS_TEST_TMPDIR/w.csv"
	echo "$output" | grep -q '^fill,2024-01-02T00:00:00Z,F,w-F-1,buy,1,100,0,0$'
}

@test "--instrument: bad specs are usage errors; the last spec of a symbol wins" {
	run -2 --separate-stderr qts-sim --instrument multiplier=10
	[ "${stderr_lines[0]}" = "qts-sim: --instrument: a spec starts with its symbol (SYM,multiplier=M,margin=X,tick=T)" ]
	[[ "${stderr_lines[1]}" == usage:* ]]
	run -2 --separate-stderr qts-sim --instrument ''
	[ "${stderr_lines[0]}" = "qts-sim: --instrument: a spec starts with its symbol (SYM,multiplier=M,margin=X,tick=T)" ]
	run -2 --separate-stderr qts-sim --instrument ES,mult=10
	[ "${stderr_lines[0]}" = "qts-sim: --instrument ES: unknown key 'mult' (multiplier, margin, tick)" ]
	run -2 --separate-stderr qts-sim --instrument ES,multiplier=0
	[ "${stderr_lines[0]}" = "qts-sim: --instrument ES: multiplier: 0 is out of range [1e-09, 1e+09]" ]
	run -2 --separate-stderr qts-sim --instrument ES,margin=-1
	[ "${stderr_lines[0]}" = "qts-sim: --instrument ES: margin: -1 is out of range [0, 1e+12]" ]
	run -2 --separate-stderr qts-sim --instrument ES,tick=0
	[ "${stderr_lines[0]}" = "qts-sim: --instrument ES: tick: 0 is out of range [1e-12, 1e+09]" ]
	run -2 --separate-stderr qts-sim --instrument ES,margin=1,margin=2
	[ "${stderr_lines[0]}" = "qts-sim: --instrument ES: margin given twice" ]
	run -2 --separate-stderr qts-sim --instrument ES,10
	[ "${stderr_lines[0]}" = "qts-sim: --instrument ES: '10' is not key=value" ]
	run -2 --separate-stderr qts-sim --instrument ES,multiplier=inf
	[ "${stderr_lines[0]}" = "qts-sim: --instrument ES: multiplier: 'inf' is not a number" ]
	run -2 --separate-stderr qts-sim --instrument ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456,margin=1
	[ "${stderr_lines[0]}" = "qts-sim: --instrument: symbol 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456...' is longer than 31 bytes" ]
	# a control character: the stream refuses such a symbol, so the contract would never apply
	run -2 --separate-stderr qts-sim --instrument "$(printf 'ES\x01'),multiplier=50"
	[ "${stderr_lines[0]}" = "qts-sim: --instrument: symbol 'ES\x01' holds a control character" ]
	printf 'NQ,multiplier=20\nE\tS,multiplier=50\n' > "$BATS_TEST_TMPDIR/ins.csv"
	run -1 --separate-stderr qts-sim --instruments "$BATS_TEST_TMPDIR/ins.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/ins.csv:2: instrument: symbol 'E\tS' holds a control character" ]
	run -2 --separate-stderr qts-sim --instrument "ES$(printf ',tick=1%.0s' $(seq 20))"
	[ "${stderr_lines[0]}" = "qts-sim: --instrument: too many fields in 'ES,tick=1,tick=1,tick=1,tick=1,tick=1,tick=1,tick=1,tick=1,tick='" ]
	run -2 --separate-stderr qts-sim --instrument "ES,tick=$(printf '1%.0s' $(seq 600))"
	[ "${stderr_lines[0]}" = "qts-sim: --instrument: spec longer than 511 bytes" ]
	# later wins: the second spec (margin 500) is the one used
	run -0 qts-sim --cash 10000 --instrument F,multiplier=1 --instrument F,multiplier=50,margin=500 "$SIM/futures.csv"
	echo "$output" | grep -qx 'equity,2024-01-05T00:00:00Z,9600,9600,0,0,-400,0'
}

@test "--instrument: contracts none of which is a symbol of the stream are said at the end (ES for bars of ESH4)" {
	E=$BATS_TEST_TMPDIR/esh4.csv
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,ESH4,1d,4800,4800,4800,4800,100' \
		'target,2024-01-03T00:00:00Z,ESH4,0.5,weight,s' \
		'bar,2024-01-03T00:00:00Z,ESH4,1d,4800,4800,4800,4800,100' > "$E"
	for p in qts-sim qts-risk; do
		run -0 --separate-stderr $p --instrument ES,multiplier=50 "$E"
		[ "$stderr" = "$p: no contract given (--instrument, --instruments) is a symbol of the stream (ES is not): every symbol was taken as a share" ]
		# one of them used is enough: a file of many contracts is no mistake
		run -0 --separate-stderr $p --instrument ES,multiplier=50 --instrument ESH4,multiplier=50 "$E"
		[ -z "$stderr" ]
	done
	run -0 --separate-stderr qts-strategy --instrument ES -e 'target = 1' "$E"
	[ "$stderr" = "qts-strategy: no contract given (--instrument, --instruments) is a symbol of the stream (ES is not): every symbol was taken as a share" ]
	# as a share, 0.5 of 100000 at 4800 is 10 units; as ESH4 (x 50), 0
	run -0 qts-sim --instrument ES,multiplier=50 "$E"
	grep -q '^fill,2024-01-03T00:00:00Z,ESH4,[^,]*,buy,10,' <<<"$output"
}

@test "--instruments FILE: one spec a line, comments skipped, errors at FILE:LINE" {
	printf '# contracts\nF,multiplier=50,margin=500\n\nES,multiplier=50,margin=12000,tick=0.25\n' > "$BATS_TEST_TMPDIR/ins.csv"
	run -0 qts-sim --cash 10000 --instruments "$BATS_TEST_TMPDIR/ins.csv" "$SIM/futures.csv"
	echo "$output" | grep -qx 'equity,2024-01-03T00:00:00Z,9100,10100,10200,10200,0,100'
	# gzip as well
	gzip -c "$BATS_TEST_TMPDIR/ins.csv" > "$BATS_TEST_TMPDIR/ins.csv.gz"
	run -0 qts-sim --cash 10000 --instruments "$BATS_TEST_TMPDIR/ins.csv.gz" "$SIM/futures.csv"
	echo "$output" | grep -qx 'equity,2024-01-03T00:00:00Z,9100,10100,10200,10200,0,100'
	# an --instrument after the file wins over it
	run -0 qts-sim --cash 10000 --instruments "$BATS_TEST_TMPDIR/ins.csv" --instrument F,multiplier=1 "$SIM/futures.csv"
	echo "$output" | grep -qx 'equity,2024-01-05T00:00:00Z,9992,9992,0,0,-8,0'
	printf 'F,multiplier=50\nG,margin=x\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr qts-sim --instruments "$BATS_TEST_TMPDIR/bad.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/bad.csv:2: instrument G: margin: 'x' is not a number" ]
	run -1 --separate-stderr qts-sim --instruments "$BATS_TEST_TMPDIR/none.csv"
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/none.csv: No such file or directory" ]
	# a NUL ended the field where it stood: a multiplier of 5 read
	printf 'F,multiplier=5\0000\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr qts-sim --instruments "$BATS_TEST_TMPDIR/bad.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/bad.csv:1: field 2 holds a NUL byte" ]
}

@test "a sell canceled as its slippage takes the price to zero or below is said at the end: the exit's position is kept, across a restart" {
	# ten ticks of 0.01 on a sell at 0.04: the stop-loss's exit of a
	# share that fell from 1 to 0.05 is canceled, the 100 shares held
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,1,1,1,1,1000' 'target,2024-01-02T00:00:00Z,A,100,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1000' > "$BATS_TEST_TMPDIR/first.csv"
	cp "$BATS_TEST_TMPDIR/first.csv" "$BATS_TEST_TMPDIR/all.csv"
	printf '%s\n' 'bar,2024-01-03T00:00:00Z,A,1d,0.05,0.05,0.05,0.05,1000' 'bar,2024-01-04T00:00:00Z,A,1d,0.04,0.04,0.04,0.04,1000' \
		'bar,2024-01-05T00:00:00Z,A,1d,0.04,0.04,0.04,0.04,1000' >> "$BATS_TEST_TMPDIR/all.csv"
	qts-risk --stop-loss 0.5 "$BATS_TEST_TMPDIR/all.csv" > "$BATS_TEST_TMPDIR/exit.csv"
	head -n 4 "$BATS_TEST_TMPDIR/exit.csv" > "$BATS_TEST_TMPDIR/exit1.csv"
	w='1 sell canceled, its slippage taking the price to zero or below, the first of A at 2024-01-04T00:00:00Z: not sold, the position kept'
	run -0 --separate-stderr qts-sim --slippage ticks=10,tick=0.01 "$BATS_TEST_TMPDIR/exit.csv"
	[ "$stderr" = "qts-sim: $w" ]
	echo "$output" | grep -qx 'update,2024-01-04T00:00:00Z,A,\*-A-2,canceled,0,,slippage 0.1 takes the sell price below zero (reference 0.04)'
	[ "$(echo "$output" | grep '^position,' | tail -n 1 | cut -d, -f4)" = 100 ]
	run -0 --separate-stderr qts-broker paper --slippage ticks=10,tick=0.01 "$BATS_TEST_TMPDIR/exit.csv"
	[ "$stderr" = "qts-broker: $w" ]
	run -0 --separate-stderr qts-sim --slippage ticks=10,tick=0.01 --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/exit1.csv"
	[ -z "$stderr" ]
	run -0 --separate-stderr qts-sim --slippage ticks=10,tick=0.01 --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/exit.csv"
	[ "$stderr" = "qts-sim: $w" ]
	# a tick the price can pay: sold, nothing to say
	run -0 --separate-stderr qts-sim --slippage ticks=1,tick=0.01 "$BATS_TEST_TMPDIR/exit.csv"
	[ -z "$stderr" ]
	echo "$output" | grep -qx 'fill,2024-01-04T00:00:00Z,A,\*-A-2,sell,100,0.03,0,1'
}

@test "costs at the extremes: no fill price at or below zero, every accepted value means what it says" {
	# 200 ticks of 1 on a sell at 97 would be -103: not filled, canceled
	run -0 qts-sim --slippage ticks=200,tick=1 "$SIM/futures.csv"
	echo "$output" | grep '^fill,' | cut -d, -f7 | none '^-\|^0$'
	echo "$output" | grep -qx 'update,2024-01-04T00:00:00Z,F,s1,canceled,0,,slippage 200 takes the sell price below zero (reference 97)'
	# the buy pays its 200 ticks: 101 + 200
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,F,b1,buy,2,301,0,400'
	# market data at a price of zero or below fills nothing
	printf 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,100\norder,2024-01-01T00:00:00Z,A,o1,buy,1,market,,,gtc,\norder,2024-01-01T00:00:00Z,A,o2,buy,1,market,,,ioc,\nbar,2024-01-02T00:00:00Z,A,1d,-1,0,-2,-1,100\nbar,2024-01-03T00:00:00Z,A,1d,11,11,11,11,100\n' > "$BATS_TEST_TMPDIR/neg.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/neg.csv"
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,o2,canceled,0,,ioc: not marketable'
	[ "$(echo "$output" | grep '^fill,')" = "fill,2024-01-03T00:00:00Z,A,o1,buy,1,11,0,0" ]
	# max-pct=0 used to be accepted and then ignored
	run -2 --separate-stderr qts-sim --commission per-share=1,max-pct=0
	[ "${stderr_lines[0]}" = "qts-sim: --commission: max-pct: 0 is out of range (0, 100]" ]
	run -2 --separate-stderr qts-sim --commission bps=10001
	[ "${stderr_lines[0]}" = "qts-sim: --commission: bps: 10001 is out of range [0, 10000]" ]
	run -2 --separate-stderr qts-sim --commission per-contract=-1
	[ "${stderr_lines[0]}" = "qts-sim: --commission: per-contract: -1 is out of range [0, 1e+06]" ]
	run -2 --separate-stderr qts-sim --slippage bps=10000
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: bps: 10000 is out of range [0, 10000)" ]
	run -2 --separate-stderr qts-sim --slippage ticks=-1,tick=1
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: ticks: -1 is out of range [0, 1e+06]" ]
	run -2 --separate-stderr qts-sim --impact sqrt,k=-1
	[ "${stderr_lines[0]}" = "qts-sim: --impact: k: -1 is out of range [0, 1e+06]" ]
	run -2 --separate-stderr qts-sim --max-participation 0
	run -2 --separate-stderr qts-sim --leverage 0
	run -2 --separate-stderr qts-sim --cash -1
	run -2 --separate-stderr qts-sim --latency -1s
	# the largest slippage accepted in bps leaves a sell just above zero
	run -0 qts-sim --slippage bps=9999 "$SIM/futures.csv"
	s=$(echo "$output" | grep '^fill,.*,s1,' | cut -d, -f7)
	near "$s" 0.0097
}

@test "numbers too large: a fill that would overflow is refused, never written as inf" {
	# Selling 1 of A at 1e308 gives cash 1e308; buying B at 1e308 then
	# is fine, but buying 2 of C at 1e308 would need 2e308.
	printf '%s\n' \
		'order,2024-01-01T00:00:00Z,A,a,sell,1,market,,,gtc,' \
		'order,2024-01-01T00:00:00Z,C,c,buy,2,market,,,gtc,' \
		'bar,2024-01-02T00:00:00Z,A,1d,1e308,1e308,1e308,1e308,10' \
		'bar,2024-01-02T00:00:00Z,C,1d,1e308,1e308,1e308,1e308,10' > "$BATS_TEST_TMPDIR/big.csv"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/big.csv"
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,C,c,canceled,0,,a fill of 2 at 1e+308 is too large to account for (overflow)'
	echo "$output" | none -i 'inf\|nan'
	# every line reads back
	echo "$output" | qts cat > /dev/null
}

@test "numbers too large: targets that add up past a double are rejected, not ordered" {
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,100' \
		'target,2024-01-01T00:00:00Z,A,1e308,qty,s1' 'target,2024-01-01T00:00:00Z,A,1e308,qty,s2' > "$BATS_TEST_TMPDIR/t.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/t.csv"
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,s1-A-1,rejected,0,,exposure or equity is not finite (overflow)'
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,s2-A-2,rejected,0,,targets for A add up to inf: not a quantity'
	echo "$output" | none '^fill,'
}

@test "numbers too large: books that overflow stop the run with the input named, nothing non-finite written" {
	# Two contracts with no margin, bought at 1: then prices of 1e308
	# make their total value 2e308, which no double holds.
	printf '%s\n' \
		'order,2024-01-01T00:00:00Z,A,a,buy,1,market,,,gtc,' \
		'order,2024-01-01T00:00:00Z,B,b,buy,1,market,,,gtc,' \
		'bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,10' \
		'bar,2024-01-02T00:00:00Z,B,1d,1,1,1,1,10' \
		'bar,2024-01-03T00:00:00Z,A,1d,1e308,1e308,1e308,1e308,10' \
		'bar,2024-01-03T00:00:00Z,B,1d,1e308,1e308,1e308,1e308,10' \
		'bar,2024-01-04T00:00:00Z,A,1d,1,1,1,1,10' > "$BATS_TEST_TMPDIR/big.csv"
	run -1 --separate-stderr qts-sim --instrument A,margin=0 --instrument B,margin=0 "$BATS_TEST_TMPDIR/big.csv"
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/big.csv:7: equity at 2024-01-04T00:00:00Z: cash is not finite (overflow)" ]
	echo "$output" | none -i 'inf\|nan'
	# whole records, then the failure for the stages after
	echo "$output" | grep -v '^system,' | qts cat > /dev/null
	[[ $(echo "$output" | tail -1) == system,*,qts-sim,error,* ]]
	# the bars of 01-03 went out, their equity did not
	[ "$(echo "$output" | grep -v '^system,' | tail -1)" = "bar,2024-01-03T00:00:00Z,B,1d,1e+308,1e+308,1e+308,1e+308,10" ]
	# at the end of input it says so
	head -6 "$BATS_TEST_TMPDIR/big.csv" > "$BATS_TEST_TMPDIR/big6.csv"
	run -1 --separate-stderr qts-sim --instrument A,margin=0 --instrument B,margin=0 "$BATS_TEST_TMPDIR/big6.csv"
	[ "$stderr" = "qts-sim: end of input: equity at 2024-01-04T00:00:00Z: cash is not finite (overflow)" ]
	# one position whose value overflows: the bar that marks it is named
	printf '%s\n' 'order,2024-01-01T00:00:00Z,A,a,buy,2,market,,,gtc,' \
		'bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,10' \
		'bar,2024-01-03T00:00:00Z,A,1d,1,1e308,1,1e308,10' > "$BATS_TEST_TMPDIR/one.csv"
	run -1 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/one.csv"
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/one.csv:3: bar A at 1e+308: the value of a position of 2 is not finite (overflow)" ]
	echo "$output" | none -i 'inf\|nan'
	# a tick or a quote the same
	printf '%s\n' 'order,2024-01-01T00:00:00Z,A,a,buy,2,market,,,gtc,' 'tick,2024-01-01T00:00:01Z,A,1,10' \
		'quote,2024-01-01T00:00:02Z,A,1e308,1.7e308,1,1' > "$BATS_TEST_TMPDIR/q.csv"
	run -1 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/q.csv"
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/q.csv:3: quote A at 1.35e+308: the value of a position of 2 is not finite (overflow)" ]
	# msgpack the same
	run -1 --separate-stderr qts-sim -M --instrument A,margin=0 --instrument B,margin=0 "$BATS_TEST_TMPDIR/big.csv"
	[[ "$stderr" == *"cash is not finite (overflow)" ]]
}

@test "--help lists and explains every option, --msgpack included, in short lines" {
	run -0 qts-sim --help
	[ -z "$(echo "$output" | awk 'length > 79')" ]
	for o in -M --msgpack --cash --commission --slippage --impact --latency --max-participation \
		--leverage --no-short --fractional --instrument --instruments --actions --close-at-end \
		--live --help --version; do
		# each option begins a line of its own explanation
		echo "$output" | grep -qE -- "^  (-M, |-h, )?$o([ ,=]|$)" || { echo "not explained: $o"; false; }
	done
	echo "$output" | grep -q 'per-contract'
}
