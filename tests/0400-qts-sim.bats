#!/usr/bin/env bats
# qts-sim: the simulated broker (qts-sim(1)).  Every expected figure is
# worked by hand in the comments; none comes from qts-sim itself.

load helper

SIM=$FIX/sim

# Lines of one event type from the output, without the passed-through input.
only() { grep "^$1," || true; }
# near A B: |A - B| <= 1e-9 * max(1, |B|)
near() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1; exit !(d <= 1e-9 * m) }'; }
# field N of the line matching PATTERN
field() { grep "$1" | head -1 | cut -d, -f"$2"; }

@test "sma-cross fast=10 slow=30 size=100, bps=10: fills and final equity by hand" {
	# Fixture: 30 flat bars at 100, then 10 bars; targets as sma-cross
	# emits them from bar 30 on (SMA10 > SMA30 -> 100, else 0):
	#   bar 31 (01-31) C 110: SMA10 = (9*100+110)/10 = 101 > SMA30 = 3010/30 = 100.33 -> 100
	#   bar 37 (02-06) C 76:  SMA10 = (3*100+110+114+116+105+92+81+76)/10 = 99.4
	#                          SMA30 = (23*100+694)/30 = 99.8 -> 0
	# Market orders fill at the next bar's open:
	#   buy 100 at bar 32's open 112: commission 11200 * 10/10000 = 11.2
	#   sell 100 at bar 38's open 77: commission 7700 * 10/10000 = 7.7
	# cash = 100000 - 11200 - 11.2 + 7700 - 7.7 = 96481.1 (flat at the end)
	run -0 qts-sim --commission bps=10 "$SIM/sma-cross.csv"
	fills=$(echo "$output" | only fill)
	[ "$fills" = "fill,2024-02-01T00:00:00Z,ACME,sma-cross-ACME-1,buy,100,112,11.2,0
fill,2024-02-07T00:00:00Z,ACME,sma-cross-ACME-2,sell,100,77,7.7,0" ]
	# realized = (77 - 112) * 100 - 11.2 - 7.7 = -3518.9
	[ "$(echo "$output" | only position | tail -1)" = "position,2024-02-07T00:00:00Z,ACME,0,0,0,0,-3518.9" ]
	[ "$(echo "$output" | only equity | tail -1)" = "equity,2024-02-10T00:00:00Z,96481.1,96481.1,0,0,-3518.9,0" ]
	# bar 33 (02-02) closes 116: 88788.8 + 100 * 116 = 100388.8, stamped at its close 02-03
	echo "$output" | grep -qx 'equity,2024-02-03T00:00:00Z,88788.8,100388.8,11600,11600,-11.2,400'
	# one equity event per bar, at the bar's close time (ts + 1d)
	[ "$(echo "$output" | only equity | wc -l)" -eq 40 ]
	[ "$(echo "$output" | only equity | head -1)" = "equity,2024-01-02T00:00:00Z,100000,100000,0,0,0,0" ]
}

@test "passes every input event through, unchanged and in order" {
	printf 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,1000\nwidget,1,2,3\nsystem,2024-01-01T00:00:00Z,x,info,hello\n' > "$BATS_TEST_TMPDIR/in.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/in.csv"
	[ "$(echo "$output" | grep -v '^equity,')" = "$(cat "$BATS_TEST_TMPDIR/in.csv")" ]
	run -0 qts-sim "$SIM/sma-cross.csv"
	[ "$(echo "$output" | grep -E '^(bar|target),')" = "$(grep -v '^#' "$SIM/sma-cross.csv")" ]
}

@test "same input, same output byte for byte; msgpack output reads back the same" {
	qts-sim --commission bps=10 "$SIM/sma-cross.csv" > "$BATS_TEST_TMPDIR/a"
	qts-sim --commission bps=10 "$SIM/sma-cross.csv" > "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	qts-sim -M --commission bps=10 "$SIM/sma-cross.csv" > "$BATS_TEST_TMPDIR/m"
	qts cat "$BATS_TEST_TMPDIR/m" | cmp - "$BATS_TEST_TMPDIR/a"
	QTS_FORMAT=msgpack qts-sim --commission bps=10 "$SIM/sma-cross.csv" | cmp - "$BATS_TEST_TMPDIR/m"
	# msgpack input gives the same result as CSV input
	qts cat -M "$SIM/sma-cross.csv" | qts-sim --commission bps=10 | cmp - "$BATS_TEST_TMPDIR/a"
}

@test "an event dated after the bars' end (a tick of the next day, an order for next Monday) comes after their equity: the output stays in time order" {
	cat > "$BATS_TEST_TMPDIR/in.csv" <<-EOF
	bar,2024-01-02,X,1d,100,101,99,100,1000
	order,2024-01-03T00:00:00Z,X,a,buy,100,market,,,gtc,s
	bar,2024-01-03,X,1d,100,105,97,104,1000
	tick,2024-01-04T15:00:00Z,Y,50,10
	bar,2024-01-04,X,1d,110,111,90,92,1000
	bar,2024-01-05,X,1d,92,95,91,94,1000
	order,2024-01-08T00:00:00Z,X,d,buy,30,market,,,gtc,s
	bar,2024-01-08,X,1d,94,96,93,95,1000
	EOF
	run -0 qts-sim "$BATS_TEST_TMPDIR/in.csv"
	[ "${lines[8]}" = "equity,2024-01-04T00:00:00Z,90000,100400,10400,10400,0,400" ]
	[ "${lines[9]}" = "tick,2024-01-04T15:00:00Z,Y,50,10" ]
	[ "${lines[13]}" = "equity,2024-01-06T00:00:00Z,90000,99400,9400,9400,0,-600" ]
	[ "${lines[14]}" = "order,2024-01-08T00:00:00Z,X,d,buy,30,market,,,gtc,s" ]
	# every reader takes it, qts-report too
	qts-sim "$BATS_TEST_TMPDIR/in.csv" | qts-report -c > /dev/null
	qts-sim -M "$BATS_TEST_TMPDIR/in.csv" | qts cat > /dev/null
}

@test "--actions of no symbol the stream has prices of (a typo): none applied, and said at the end" {
	printf 'bar,2006-01-09,IBM,1d,10,11,9,10,100\nbar,2006-01-10,IBM,1d,10,11,9,10,100\n' > "$BATS_TEST_TMPDIR/in.csv"
	printf '2006-01-10,IMB,split,2\n' > "$BATS_TEST_TMPDIR/typo.csv"
	run -0 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/typo.csv" "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "qts-sim: --actions $BATS_TEST_TMPDIR/typo.csv: no action is of a symbol the stream has prices of (IMB is not): none was applied" ]
	printf '2006-01-10,IMB,split,2\n2006-01-10,IBM,split,2\n' > "$BATS_TEST_TMPDIR/some.csv"
	run -0 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/some.csv" "$BATS_TEST_TMPDIR/in.csv"
	[ -z "$stderr" ]
}

@test "an order placed on a bar fills at the next bar's open, never on its own bar" {
	run -0 qts-sim "$SIM/orders.csv"
	# m1 placed after the 01-01 bar (open 10) fills at the 01-02 open 10.5
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,10,10.5,0,0'
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,m1,accepted,0,,'
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,m1,filled,10,10.5,'
	echo "$output" | grep -qx 'position,2024-01-02T00:00:00Z,A,10,10.5,105,0,0'
}

@test "limits and stops against the next bars' ranges, at the open on a gap" {
	run -0 qts-sim "$SIM/orders.csv"
	# 01-02 bar O 10.5 H 11 L 9.5 C 10 (down bar: path 10.5 11 9.5 10)
	# l1 buy limit 9.8: reached on the way down -> 9.8
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,l1,buy,10,9.8,0,0'
	# l2 buy limit 11 is above the open 10.5: fills at the open
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,l2,buy,10,10.5,0,0'
	# s1 buy stop 10.8: touched on the way up -> 10.8
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,s1,buy,10,10.8,0,0'
	# l3 sell limit 12 is never reached: still working at the end
	[ -z "$(echo "$output" | grep '^fill,.*,l3,')" ]
	# 01-03 gaps down: O 8 H 8.2 L 7.5 C 8.1; s2 sell stop 9 fills at the open 8
	echo "$output" | grep -qx 'fill,2024-01-03T00:00:00Z,A,s2,sell,10,8,0,0'
	# sl1 buy stop 10.9 limit 10.6: triggered at 10.9 on 01-02 (high 11),
	# the path then falls to 9.5, through 10.6: fills at the limit 10.6
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,sl1,buy,10,10.6,0,0'
}

@test "tif: day expires at the day's end, ioc and fok get one chance" {
	run -0 qts-sim --max-participation 0.01 "$SIM/tif.csv"
	# 1% of 1000 = 10 per bar and side
	# d1 day buy limit 5: never reached on 01-02, expired on 01-03
	echo "$output" | grep -qx 'update,2024-01-03T00:00:00Z,A,d1,expired,0,,day order: end of day'
	# i1 ioc buy 25: 10 fill, the rest canceled
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,i1,buy,10,10,0,0'
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,i1,canceled,10,10,ioc: remainder canceled'
	# f1 fok buy 25: the cap is used up by i1, so nothing can fill in full
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,f1,canceled,0,,fok: only 0 of 25 available'
	# i2 ioc sell limit 20: not marketable
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,i2,canceled,0,,ioc: not marketable'
	# g1 gtc sell 15: 10 on 01-02, 5 on 01-03 (partial then filled)
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,g1,partial,10,10,'
	echo "$output" | grep -qx 'update,2024-01-03T00:00:00Z,A,g1,filled,15,10.333333333333334,'
}

@test "--max-participation caps fills at a fraction of the bar's volume" {
	run -0 qts-sim --max-participation 0.1 "$SIM/orders.csv"
	# m1 10 shares, 10% of 1000 = 100: unaffected; --max-participation
	# 0.005 leaves 5 a bar
	run -0 qts-sim --max-participation 0.005 "$SIM/orders.csv"
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,5,10.5,0,0'
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,m1,partial,5,10.5,'
	echo "$output" | grep -qx 'fill,2024-01-03T00:00:00Z,A,m1,buy,5,8,0,0'
	# avg (5 * 10.5 + 5 * 8) / 10 = 9.25
	echo "$output" | grep -qx 'update,2024-01-03T00:00:00Z,A,m1,filled,10,9.25,'
	run -2 qts-sim --max-participation 0
	run -2 qts-sim --max-participation 1.5
	run -2 --separate-stderr qts-sim --max-participation x
	[ "${stderr_lines[0]}" = "qts-sim: --max-participation: 'x' is not a number" ]
}

@test "--max-participation: bars of no volume fill nothing, and qts-sim says so at the end" {
	# a vendor's file without volume (a column of zeros, as backtrader's)
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,0' \
		'order,2024-01-02T00:00:00Z,A,o1,buy,5,market,,,gtc,' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10,0' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,11,9,10,0' > "$BATS_TEST_TMPDIR/dry.csv"
	run -0 --separate-stderr qts-sim --max-participation 0.1 "$BATS_TEST_TMPDIR/dry.csv"
	! echo "$output" | grep -q '^fill,' || false
	[ "$stderr" = "qts-sim: --max-participation: 2 market events of no volume filled nothing of the orders working, the first of A at 2024-01-02T00:00:00Z" ]
	# with volume, or without the cap, not a word
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/dry.csv"
	[ -z "$stderr" ]
	run -0 --separate-stderr qts-sim --max-participation 0.1 "$SIM/orders.csv"
	[ -z "$stderr" ]
}

@test "--max-participation: a cap that comes to less than a whole unit fills nothing, and qts-sim says so at the end" {
	# 50 shares traded a day, F 0.01: half a share, 0 in whole units
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,50' \
		'order,2024-01-02T00:00:00Z,A,o1,buy,5,market,,,gtc,' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10,50' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,11,9,10,50' > "$BATS_TEST_TMPDIR/thin.csv"
	run -0 --separate-stderr qts-sim --max-participation 0.01 "$BATS_TEST_TMPDIR/thin.csv"
	! echo "$output" | grep -q '^fill,' || false
	[ "$stderr" = "qts-sim: --max-participation: 2 market events offered less than a whole unit under the cap (F x volume) and filled nothing of the orders working, the first of A at 2024-01-02T00:00:00Z (--fractional keeps the fraction)" ]
	run -0 --separate-stderr qts-broker paper --max-participation 0.01 "$BATS_TEST_TMPDIR/thin.csv"
	[[ "$stderr" == "qts-broker: --max-participation: 2 market events offered less than a whole unit"* ]]
	# --fractional fills the half share a bar, not a word
	run -0 --separate-stderr qts-sim --fractional --max-participation 0.01 "$BATS_TEST_TMPDIR/thin.csv"
	[ "$(echo "$output" | grep -c '^fill,2024-01-0[23]T00:00:00Z,A,o1,buy,0.5,')" = 2 ]
	[ -z "$stderr" ]
	# a whole unit or more a bar fills, not a word
	run -0 --separate-stderr qts-sim --max-participation 0.02 "$BATS_TEST_TMPDIR/thin.csv"
	[ "$(echo "$output" | grep -c '^fill,')" = 2 ]
	[ -z "$stderr" ]
}

@test "orders for a symbol of no market data in the stream never fill, and qts-sim says so at the end" {
	# targets of B (a typo, or its bars left out) among bars of A only
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,100' \
		'target,2024-01-01T00:00:00Z,B,5,qty,s' \
		'order,2024-01-01T00:00:00Z,C,o1,buy,5,market,,,gtc,' \
		'order,2024-01-01T00:00:00Z,C,o2,sell,1,limit,9,,gtc,' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10,100' > "$BATS_TEST_TMPDIR/typo.csv"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/typo.csv"
	! echo "$output" | grep -q '^fill,' || false
	[ "$stderr" = "qts-sim: 3 orders working at the end never filled: no market data of B nor of 1 other symbol in the stream" ]
	# said before --close-at-end cancels them
	run -0 --separate-stderr qts-sim --close-at-end "$BATS_TEST_TMPDIR/typo.csv"
	[ "$(echo "$output" | grep -c ',canceled,')" = 3 ]
	[ "$stderr" = "qts-sim: 3 orders working at the end never filled: no market data of B nor of 1 other symbol in the stream" ]
	grep -v ',C,' "$BATS_TEST_TMPDIR/typo.csv" > "$BATS_TEST_TMPDIR/b.csv"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/b.csv"
	[ "$stderr" = "qts-sim: 1 order working at the end never filled: no market data of B in the stream" ]
	run -0 --separate-stderr qts-broker paper "$BATS_TEST_TMPDIR/b.csv"
	[ "$stderr" = "qts-broker: 1 order working at the end never filled: no market data of B in the stream" ]
	# working at the end on a symbol with data (a limit not reached), or
	# filled, not a word
	sed 's/,B,/,A,/; s/,C,/,A,/' "$BATS_TEST_TMPDIR/typo.csv" > "$BATS_TEST_TMPDIR/a.csv"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/a.csv"
	echo "$output" | grep -q '^fill,'
	[ -z "$stderr" ]
}

@test "orders given after the last data of a symbol whose data ends before the stream's never fill, and qts-sim says so at the end" {
	# A's data stops on 01-03 (delisted, its file cut short) while B's
	# goes on: qts-risk's stop-loss exit decided on A's last bar, at its
	# end, has no bar to fill on, and A stays held at 80
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,100,100,100,100,1000' \
		'bar,2024-01-01T00:00:00Z,B,1d,10,10,10,10,1000' \
		'target,2024-01-02T00:00:00Z,A,10,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,100,100,100,100,1000' \
		'bar,2024-01-02T00:00:00Z,B,1d,10,10,10,10,1000' \
		'bar,2024-01-03T00:00:00Z,A,1d,80,80,80,80,1000' \
		'bar,2024-01-03T00:00:00Z,B,1d,10,10,10,10,1000' \
		'order,2024-01-04T00:00:00Z,B,o1,buy,1,limit,5,,gtc,' \
		'bar,2024-01-04T00:00:00Z,B,1d,10,10,10,10,1000' \
		'bar,2024-01-05T00:00:00Z,B,1d,10,10,10,10,1000' > "$BATS_TEST_TMPDIR/end.csv"
	qts-risk --stop-loss 0.1 "$BATS_TEST_TMPDIR/end.csv" > "$BATS_TEST_TMPDIR/exit.csv"
	grep -q '^target,2024-01-04T00:00:00Z,A,0,qty,\*$' "$BATS_TEST_TMPDIR/exit.csv"
	msg='1 order working at the end never filled: the market data of A ended at 2024-01-04T00:00:00Z, before the stream'"'"'s at 2024-01-06T00:00:00Z (delisted? give its --actions, or --close-at-end)'
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/exit.csv"
	[ "$(echo "$output" | grep '^position,' | tail -1)" = "position,2024-01-02T00:00:00Z,A,10,100,1000,0,0" ]
	[ "$stderr" = "qts-sim: $msg" ]
	run -0 --separate-stderr qts-broker paper "$BATS_TEST_TMPDIR/exit.csv"
	[ "$stderr" = "qts-broker: $msg" ]
	# said before --close-at-end cancels it and sells at A's last price
	run -0 --separate-stderr qts-sim --close-at-end "$BATS_TEST_TMPDIR/exit.csv"
	echo "$output" | grep -q '^fill,2024-01-06T00:00:00Z,A,close-A,sell,10,80,0,0$'
	[ "$stderr" = "qts-sim: $msg" ]
	# B's limit, offered to B's bars and not reached, is not a word; nor
	# is an order given on the stream's last bar, nothing after it
	grep -v ',A,' "$BATS_TEST_TMPDIR/exit.csv" > "$BATS_TEST_TMPDIR/b.csv"
	printf 'target,2024-01-06T00:00:00Z,B,3,qty,s\n' >> "$BATS_TEST_TMPDIR/b.csv"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/b.csv"
	[ -z "$stderr" ]
	# one whose --latency outlasts the last bar, of every symbol, is not
	# of these, but of its own warning (it would have filled without)
	printf 'target,2024-01-05T00:00:00Z,B,7,qty,s\nbar,2024-01-05T00:00:00Z,B,1d,10,10,10,10,1000\n' \
		> "$BATS_TEST_TMPDIR/lat.csv"
	run -0 --separate-stderr qts-sim --latency 1h "$BATS_TEST_TMPDIR/lat.csv"
	[ "$stderr" = "qts-sim: 1 order working at the end never filled: --latency 1h outlasted the market data of B after it, the first given at 2024-01-05T00:00:00Z" ]
}

@test "--latency: orders it made eligible only after their symbol's last data are said at the end" {
	# o1 at 14:31 would fill on the 14:31 bar; 10m later nothing comes
	cat > "$BATS_TEST_TMPDIR/lat.csv" <<-'EOF'
	bar,2024-01-02T14:30:00Z,A,1m,10,10,10,10,1000
	bar,2024-01-02T14:30:00Z,B,1m,20,20,20,20,1000
	order,2024-01-02T14:31:00Z,B,o0,buy,5,market,,,gtc,s
	order,2024-01-02T14:31:00Z,A,o1,buy,5,market,,,gtc,s
	bar,2024-01-02T14:31:00Z,A,1m,10,10,10,10,1000
	bar,2024-01-02T14:31:00Z,B,1m,20,20,20,20,1000
	order,2024-01-02T14:32:00Z,A,o2,buy,5,market,,,gtc,s
	bar,2024-01-02T14:32:00Z,A,1m,10,10,10,10,1000
	bar,2024-01-02T14:32:00Z,B,1m,20,20,20,20,1000
	order,2024-01-02T14:33:00Z,A,o3,buy,5,market,,,gtc,s
	EOF
	run -0 --separate-stderr qts-sim --latency 10m "$BATS_TEST_TMPDIR/lat.csv"
	! echo "$output" | grep -q '^fill,' || false
	# o3, given after the last bar, would not have filled without it
	msg='3 orders working at the end never filled: --latency 10m outlasted the market data of A (and of 1 other symbol) after them, the first given at 2024-01-02T14:31:00Z'
	[ "$stderr" = "qts-sim: $msg" ]
	run -0 --separate-stderr qts-broker paper --latency 10m "$BATS_TEST_TMPDIR/lat.csv"
	[ "$stderr" = "qts-broker: $msg" ]
	# a minute fills o0 and o1 on the last bars, o2 not
	run -0 --separate-stderr qts-sim --latency 1m "$BATS_TEST_TMPDIR/lat.csv"
	[ "$(echo "$output" | grep -c '^fill,')" = 2 ]
	[ "$stderr" = "qts-sim: 1 order working at the end never filled: --latency 1m outlasted the market data of A after it, the first given at 2024-01-02T14:32:00Z" ]
	# and without it, o3 alone is left: nothing is said
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/lat.csv"
	[ "$(echo "$output" | grep -c '^fill,')" = 3 ]
	[ -z "$stderr" ]
	# nor does a latency of ticks, on the last tick, whose time works it
	printf '%s\n' 'tick,2024-01-02T14:30:00Z,A,10,100' 'order,2024-01-02T14:30:00Z,A,o1,buy,5,market,,,gtc,s' \
		'tick,2024-01-02T14:30:01Z,A,10,100' > "$BATS_TEST_TMPDIR/tick.csv"
	run -0 --separate-stderr qts-sim --latency 1s "$BATS_TEST_TMPDIR/tick.csv"
	echo "$output" | grep -q '^fill,2024-01-02T14:30:01Z,A,o1,'
	[ -z "$stderr" ]
	run -0 --separate-stderr qts-sim --latency 2s "$BATS_TEST_TMPDIR/tick.csv"
	[ "$stderr" = "qts-sim: 1 order working at the end never filled: --latency 2s outlasted the market data of A after it, the first given at 2024-01-02T14:30:00Z" ]
}

@test "--max-participation: a stop filled in part stays triggered; its rest fills on later bars" {
	# A's sell stop at 90 triggers on 01-02 (low 85), 30 of 100 fill (0.3 of
	# volume 100); the rest is a market order from 01-03's open (95), above
	# the stop again.  B's buy stop_limit 110/112 triggers at 110, 30 fill;
	# the rest is a limit of 112 from then on: 01-03 opens at 105, below it.
	cat > "$BATS_TEST_TMPDIR/stop.csv" <<-'EOF'
	bar,2024-01-01T00:00:00Z,A,1d,100,105,95,100,1000
	order,2024-01-02T00:00:00Z,A,o1,sell,100,stop,,90,gtc,s
	order,2024-01-02T00:00:00Z,B,o2,buy,100,stop_limit,112,110,gtc,s
	bar,2024-01-01T00:00:00Z,B,1d,100,105,95,100,1000
	bar,2024-01-02T00:00:00Z,A,1d,100,101,85,86,100
	bar,2024-01-02T00:00:00Z,B,1d,100,115,99,114,100
	bar,2024-01-03T00:00:00Z,A,1d,95,98,94,96,1000
	bar,2024-01-03T00:00:00Z,B,1d,105,108,104,106,1000
	EOF
	run -0 qts-sim --max-participation 0.3 "$BATS_TEST_TMPDIR/stop.csv"
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,o1,sell,30,90,0,0'
	echo "$output" | grep -qx 'fill,2024-01-03T00:00:00Z,A,o1,sell,70,95,0,0'
	# (30 * 90 + 70 * 95) / 100 = 93.5; (30 * 110 + 70 * 105) / 100 = 106.5
	echo "$output" | grep -qx 'update,2024-01-03T00:00:00Z,A,o1,filled,100,93.5,'
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,B,o2,buy,30,110,0,0'
	echo "$output" | grep -qx 'fill,2024-01-03T00:00:00Z,B,o2,buy,70,105,0,0'
	echo "$output" | grep -qx 'update,2024-01-03T00:00:00Z,B,o2,filled,100,106.5,'
}

@test "an order of 1e12 shares filled in part is not called filled with 500 left; 0.1 a fill adds up to filled" {
	printf 'bar,2024-01-01T00:00:00Z,A,1d,0.5,0.5,0.5,0.5,1000\norder,2024-01-02T00:00:00Z,A,o1,buy,1000000000000,market,,,gtc,s\nbar,2024-01-02T00:00:00Z,A,1d,0.5,0.5,0.5,0.5,999999999500\nbar,2024-01-03T00:00:00Z,A,1d,0.5,0.5,0.5,0.5,999999999500\n' > "$BATS_TEST_TMPDIR/big.csv"
	run -0 qts-sim --cash 1e15 --max-participation 1 "$BATS_TEST_TMPDIR/big.csv"
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,o1,partial,999999999500,0.5,'
	echo "$output" | grep -qx 'fill,2024-01-03T00:00:00Z,A,o1,buy,500,0.5,0,0'
	echo "$output" | grep -qx 'update,2024-01-03T00:00:00Z,A,o1,filled,1000000000000,0.5,'
	# ten fills of 0.1 (their sum is 0.9999999999999999): filled on the tenth
	{ echo 'bar,2024-01-01T00:00:00Z,A,1d,1,1,1,1,1'; echo 'order,2024-01-01T00:00:00Z,A,f1,buy,1,market,,,gtc,s'
	  for d in 02 03 04 05 06 07 08 09 10 11; do echo "bar,2024-01-${d}T00:00:00Z,A,1d,1,1,1,1,0.1"; done; } > "$BATS_TEST_TMPDIR/frac.csv"
	run -0 qts-sim --fractional --max-participation 1 "$BATS_TEST_TMPDIR/frac.csv"
	[ "$(echo "$output" | grep -c '^fill,.*,f1,')" -eq 10 ]
	echo "$output" | grep -q '^update,2024-01-11T00:00:00Z,A,f1,filled,'
}

@test "--fractional keeps fractional quantities" {
	# 0.5 weight of 100000 at 30 is 1666.67 shares: 1666 whole, or all of it
	printf 'bar,2024-01-01,A,1d,30,30,30,30,1e9\ntarget,2024-01-01,A,0.5,weight,w\nbar,2024-01-02,A,1d,30,30,30,30,1e9\n' > "$BATS_TEST_TMPDIR/w.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/w.csv"
	echo "$output" | grep -q '^fill,2024-01-02T00:00:00Z,A,w-A-1,buy,1666,30,'
	run -0 qts-sim --fractional "$BATS_TEST_TMPDIR/w.csv"
	q=$(echo "$output" | field '^fill,' 6)
	near "$q" 1666.6666666666667
	# --max-participation 0.0015 of 1000 = 1.5: floored to 1 unless --fractional
	run -0 qts-sim --max-participation 0.0015 "$SIM/orders.csv"
	echo "$output" | grep -q '^fill,2024-01-02T00:00:00Z,A,m1,buy,1,'
	run -0 qts-sim --fractional --max-participation 0.0015 "$SIM/orders.csv"
	echo "$output" | grep -q '^fill,2024-01-02T00:00:00Z,A,m1,buy,1.5,'
}

@test "--latency: an order becomes eligible that long after its time" {
	run -0 qts-sim --latency 1s "$SIM/quotes.csv"
	# q1 at 14:30:00 skips the tick at 14:30:00.5 and fills on the quote
	# at 14:30:01 at the ask 10.2
	echo "$output" | grep -qx 'fill,2024-01-02T14:30:01Z,B,q1,buy,100,10.2,0,0'
	run -0 qts-sim "$SIM/quotes.csv"
	# without latency the next tick (10) fills it
	echo "$output" | grep -qx 'fill,2024-01-02T14:30:00.500Z,B,q1,buy,100,10,0,0'
	# daily bars with 1d latency: the order placed on 01-01 (known at
	# 01-02) is eligible on 01-03
	run -0 qts-sim --latency 1d "$SIM/orders.csv"
	echo "$output" | grep -qx 'fill,2024-01-03T00:00:00Z,A,m1,buy,10,8,0,0'
	run -2 --separate-stderr qts-sim --latency soon
	[ "${stderr_lines[0]}" = "qts-sim: --latency: 'soon' is not a duration (250ms, 2s, 1m)" ]
}

@test "quotes fill at the bid and ask; ticks at their price" {
	run -0 qts-sim "$SIM/quotes.csv"
	# q2 sell limit 10 after the 9.9/10.1 quote: the tick 10.05 fills it
	echo "$output" | grep -qx 'fill,2024-01-02T14:30:03Z,B,q2,sell,100,10.05,0,0'
	# q3 market sell on the last quote's bid 9.9
	echo "$output" | grep -qx 'fill,2024-01-02T14:30:04Z,B,q3,sell,50,9.9,0,0'
}

@test "--commission bps and per-share with min and max-pct" {
	run -0 qts-sim --commission per-share=0.05,min=2 "$SIM/orders.csv"
	# m1 10 shares: 10 * 0.05 = 0.5 -> the minimum 2
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,10,10.5,2,0'
	run -0 qts-sim --commission per-share=0.5,max-pct=1 "$SIM/orders.csv"
	# 10 * 0.5 = 5 > 1% of 105 = 1.05
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,10,10.5,1.05,0'
	run -0 qts-sim --commission per-share=0.01 "$SIM/orders.csv"
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,10,10.5,0.1,0'
}

@test "bad --commission specs are usage errors" {
	run -2 --separate-stderr qts-sim --commission bps
	[ "${stderr_lines[0]}" = "qts-sim: --commission: 'bps' is not key=value" ]
	[[ "${stderr_lines[1]}" == usage:* ]]
	run -2 --separate-stderr qts-sim --commission flat=1
	[ "${stderr_lines[0]}" = "qts-sim: --commission: unknown model 'flat' (bps, per-share, per-contract)" ]
	run -2 --separate-stderr qts-sim --commission per-share=1,cap=2
	[ "${stderr_lines[0]}" = "qts-sim: --commission: unknown option 'cap' (min, max-pct)" ]
	# an option twice says two things: refused, not the last taken
	run -2 --separate-stderr qts-sim --commission per-share=0.01,min=1,max-pct=1,min=3
	[ "${stderr_lines[0]}" = "qts-sim: --commission: min given twice" ]
	run -2 --separate-stderr qts-sim --commission per-share=0.01,max-pct=1,max-pct=2
	[ "${stderr_lines[0]}" = "qts-sim: --commission: max-pct given twice" ]
	run -2 --separate-stderr qts-sim --commission bps=-3
	[ "${stderr_lines[0]}" = "qts-sim: --commission: bps: -3 is out of range [0, 10000]" ]
	run -2 --separate-stderr qts-sim --commission bps=1,min=1
	[ "${stderr_lines[0]}" = "qts-sim: --commission: bps takes no options: 'min=1'" ]
	run -2 --separate-stderr qts-sim --commission per-share=1,max-pct=200
	[ "${stderr_lines[0]}" = "qts-sim: --commission: max-pct: 200 is out of range (0, 100]" ]
	run -2 --separate-stderr qts-sim --commission ''
	[ "${stderr_lines[0]}" = "qts-sim: --commission: empty spec" ]
}

@test "--slippage bps, ticks and spread: the fill price moves against the order" {
	run -0 qts-sim --slippage bps=100 "$SIM/orders.csv"
	# m1 buy 10 at 10.5: 1% = 0.105 a share -> 10.605, slippage 1.05
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,10,10.605,0,1.05'
	# a limit is honoured: l1 still fills at 9.8 with no slippage
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,l1,buy,10,9.8,0,0'
	# s2 sell stop 9 at the gap open 8: 8 - 0.08 = 7.92, slippage 0.8
	echo "$output" | grep -qx 'fill,2024-01-03T00:00:00Z,A,s2,sell,10,7.92,0,0.8'
	run -0 qts-sim --slippage ticks=2,tick=0.25 "$SIM/orders.csv"
	# 2 ticks of 0.25 = 0.5: 10.5 + 0.5 = 11, slippage 10 * 0.5 = 5
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,10,11,0,5'
	run -0 qts-sim --slippage spread "$SIM/quotes.csv"
	# the tick fill of q1 pays half the last spread (10.1 - 9.9) / 2 = 0.1
	q=$(echo "$output" | field '^fill,.*,q1,' 7)
	near "$q" 10.1
	# a quote fill already pays the spread: q3 at the bid, no slippage
	echo "$output" | grep -qx 'fill,2024-01-02T14:30:04Z,B,q3,sell,50,9.9,0,0'
	run -2 --separate-stderr qts-sim --slippage ticks=1,tick=0
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: tick: 0 is not a tick size (> 0)" ]
	run -2 --separate-stderr qts-sim --slippage pct=1
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: unknown model 'pct' (bps, ticks, spread)" ]
	run -2 --separate-stderr qts-sim --slippage ticks=1,tick=1,lot=2
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: unknown option 'lot' (tick)" ]
	run -2 --separate-stderr qts-sim --slippage ticks=1,tick=0.01,tick=0.02
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: tick given twice" ]
}

@test "--slippage spread: fills on bars or ticks before any quote of their symbol paid no spread, and that is said" {
	# bars alone: every fill at the open, no spread to charge
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,100' 'target,2024-01-03T00:00:00Z,A,5,qty,s' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,100' 'target,2024-01-04T00:00:00Z,A,0,qty,s' \
		'bar,2024-01-04T00:00:00Z,A,1d,10,10,10,10,100' > "$BATS_TEST_TMPDIR/bars.csv"
	w="qts-sim: --slippage spread: 2 fills on bars or ticks before any quote of the symbol paid no spread, the first of A at 2024-01-03T00:00:00Z"
	run -0 --separate-stderr qts-sim --slippage spread "$BATS_TEST_TMPDIR/bars.csv"
	[ "$stderr" = "$w" ]
	grep -qx 'fill,2024-01-03T00:00:00Z,A,s-A-1,buy,5,10,0,0' <<<"$output"
	run -0 --separate-stderr qts-broker paper --slippage spread "$BATS_TEST_TMPDIR/bars.csv"
	[ "$stderr" = "qts-broker:${w#qts-sim:}" ]
	# a quote before the fill, even of no spread, is a spread that was paid
	{ echo 'quote,2024-01-02T12:00:00Z,A,10,10,1,1'; cat "$BATS_TEST_TMPDIR/bars.csv"; } > "$BATS_TEST_TMPDIR/q.csv"
	run -0 --separate-stderr qts-sim --slippage spread "$BATS_TEST_TMPDIR/q.csv"
	[ -z "$stderr" ]
	run -0 --separate-stderr qts-sim --slippage spread "$SIM/quotes.csv"
	[ -z "$stderr" ]
	# other models are not concerned
	run -0 --separate-stderr qts-sim --slippage bps=1 "$BATS_TEST_TMPDIR/bars.csv"
	[ -z "$stderr" ]
}

@test "a cost option given twice: the last counts" {
	printf '%s\n' 'bar,2024-01-01,A,1d,100,100,100,100,1000' 'order,2024-01-01,A,i1,buy,10,market,,,gtc,t' \
		'bar,2024-01-02,A,1d,100,100,100,100,1000' > "$BATS_TEST_TMPDIR/c.csv"
	run -0 qts-sim --commission per-share=1 --commission per-share=2 "$BATS_TEST_TMPDIR/c.csv"
	[ "$(echo "$output" | field '^fill,' 8)" = 20 ]
	run -0 qts-sim --slippage bps=10 --slippage bps=0 "$BATS_TEST_TMPDIR/c.csv"
	[ "$(echo "$output" | field '^fill,' 7)" = 100 ]
}

@test "--impact sqrt: k * sigma * price * sqrt(qty / adv)" {
	# closes 100, 110, 99 (volumes 1000): with window=2 the log returns
	# ln 1.1 and ln 0.9 give sigma = |ln 1.1 - ln 0.9| / sqrt 2 = 0.14189560954670766,
	# adv = 1000.  Buy 10 at the next open 100 with k=1:
	# 1 * 0.1418956 * 100 * sqrt(10 / 1000) = 1.4189560954670766 a share
	run -0 qts-sim --impact sqrt,k=1,window=2 "$SIM/impact.csv"
	p=$(echo "$output" | field '^fill,' 7)
	s=$(echo "$output" | field '^fill,' 9)
	near "$p" 101.41895609546708
	near "$s" 14.189560954670766
	# the same bars of no volume: adv is 0, and no impact is added
	sed 's/,1000$/,0/' "$SIM/impact.csv" > "$BATS_TEST_TMPDIR/novol.csv"
	run -0 --separate-stderr qts-sim --impact sqrt,k=1,window=2 "$BATS_TEST_TMPDIR/novol.csv"
	[ "$(echo "$output" | field '^fill,' 7)" = 100 ]
	[ "$(echo "$output" | field '^fill,' 9)" = 0 ]
	# and that is said: the run was asked for an impact it did not pay
	[ "$stderr" = "qts-sim: --impact: 1 fill after bars of no volume paid no impact (no average volume to take a share of), the first of A at 2024-01-04T00:00:00Z" ]
	run -0 --separate-stderr qts-sim --impact sqrt,k=1,window=2 "$SIM/impact.csv"
	[ -z "$stderr" ]
	run -2 --separate-stderr qts-sim --impact sqrt
	[ "${stderr_lines[0]}" = "qts-sim: --impact: sqrt needs k=X" ]
	run -2 --separate-stderr qts-sim --impact linear,k=1
	[ "${stderr_lines[0]}" = "qts-sim: --impact: unknown model 'linear,k=1' (sqrt)" ]
	run -2 --separate-stderr qts-sim --impact sqrt,k=1,window=1
	[ "${stderr_lines[0]}" = "qts-sim: --impact: window: 1 is not a whole number in [2, 100000]" ]
	run -2 --separate-stderr qts-sim --impact sqrt,k=1,depth=3
	[ "${stderr_lines[0]}" = "qts-sim: --impact: unknown option 'depth' (k, window)" ]
	run -2 --separate-stderr qts-sim --impact sqrt,k=1,window=5,window=6
	[ "${stderr_lines[0]}" = "qts-sim: --impact: window given twice" ]
	run -2 --separate-stderr qts-sim --impact sqrt,k=1,k=2
	[ "${stderr_lines[0]}" = "qts-sim: --impact: k given twice" ]
}

@test "targets: the difference to position plus working orders; strategies add up; weights use equity" {
	run -0 qts-sim "$SIM/targets.csv"
	# s1 wants A at 0.5 of 100000 equity at close 10: 5000 shares
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,s1-A-1,new,0,,target 5000: buy 5000 market'
	# s1 wants B -100, then s2 wants B +50: together -50, so s2's order
	# buys 50 against the working sell of 100
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,s2-B-2,new,0,,target -50: buy 50 market'
	# a repeated target changes nothing: no third B order
	[ -z "$(echo "$output" | grep 'B-3')" ]
	echo "$output" | grep -qx 'position,2024-01-02T00:00:00Z,B,-50,20,-1000,0,0'
	# 01-02 closes: A 5000 * 11 + B -50 * 19 = 55000 - 950; cash 100000 - 50000 + 2000 - 1000 = 51000
	echo "$output" | grep -qx 'equity,2024-01-03T00:00:00Z,51000,105050,55950,54050,0,5050'
}

@test "one equity event per timestamp across symbols" {
	run -0 qts-sim "$SIM/targets.csv"
	[ "$(echo "$output" | only equity | cut -d, -f2 | sort | uniq -d)" = "" ]
	[ "$(echo "$output" | only equity | wc -l)" -eq 4 ]
}

@test "orders needing more cash than there is are rejected; --leverage allows them; --cash" {
	run -0 --separate-stderr qts-sim "$SIM/cash.csv"
	# 15000 * 10 = 150000 > equity 100000
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,c1,rejected,0,,insufficient cash: exposure 150000.00 > 1 x equity 100000.00'
	# said at the end too: a strategy sized past the account trades
	# nothing, which the stream alone said
	[ "$stderr" = "qts-sim: 1 order rejected for want of cash (gross exposure past --leverage x equity), the first of A at 2024-01-01T00:00:00Z" ]
	run -0 --separate-stderr qts-broker paper "$SIM/cash.csv"
	[ "$stderr" = "qts-broker: 1 order rejected for want of cash (gross exposure past --leverage x equity), the first of A at 2024-01-01T00:00:00Z" ]
	run -0 --separate-stderr qts-sim --leverage 2 "$SIM/cash.csv"
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,c1,accepted,0,,'
	[ -z "$stderr" ]
	run -0 qts-sim --cash 200000 "$SIM/cash.csv"
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,c1,accepted,0,,'
	[ "$(echo "$output" | only equity | head -1)" = "equity,2024-01-02T00:00:00Z,200000,200000,0,0,0,0" ]
	run -2 --separate-stderr qts-sim --cash -5
	[ "${stderr_lines[0]}" = "qts-sim: --cash: -5 is out of range [0, 1e+15]" ]
	run -2 --separate-stderr qts-sim --leverage 0
	[ "${stderr_lines[0]}" = "qts-sim: --leverage: 0 is out of range [1e-09, 1000]" ]
}

@test "shorts are allowed; --no-short rejects orders that would leave a short" {
	run -0 qts-sim "$SIM/cash.csv"
	echo "$output" | grep -qx 'position,2024-01-02T00:00:00Z,A,-10,10,-100,0,0'
	run -0 qts-sim --no-short "$SIM/cash.csv"
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,c2,rejected,0,,no-short: would leave A short 10'
}

@test "duplicate order ids are ignored; cancel stops a working order" {
	run -0 qts-sim "$SIM/cash.csv"
	[ "$(echo "$output" | grep -c '^update,.*,c3,accepted')" -eq 1 ]
	[ "$(echo "$output" | grep -c '^fill,.*,c3,')" -eq 1 ]
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,c4,canceled,0,,canceled on request'
	[ -z "$(echo "$output" | grep '^fill,.*,c4,')" ]
}

@test "a cancel naming no symbol stops the order of its id; one naming another symbol does not" {
	cat > "$BATS_TEST_TMPDIR/c.csv" <<-'EOF'
	bar,2024-01-01T00:00:00Z,A,1d,100,105,95,100,1000
	order,2024-01-02T00:00:00Z,A,o1,buy,100,limit,99,,gtc,s
	order,2024-01-02T00:00:00Z,A,o2,buy,100,limit,99,,gtc,s
	cancel,2024-01-02T00:00:00Z,,o1
	cancel,2024-01-02T00:00:00Z,B,o2
	bar,2024-01-02T00:00:00Z,A,1d,100,115,98,114,100
	EOF
	run -0 qts-sim "$BATS_TEST_TMPDIR/c.csv"
	echo "$output" | grep -qx 'update,2024-01-02T00:00:00Z,A,o1,canceled,0,,canceled on request'
	! echo "$output" | grep -q '^fill,.*,o1,' || false
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,o2,buy,100,99,0,0'
}

@test "--close-at-end liquidates at the last prices" {
	run -0 qts-sim --close-at-end --commission bps=10 "$SIM/sma-cross.csv"
	# flat at the end already: nothing to do, same final equity
	[ "$(echo "$output" | only equity | tail -1)" = "equity,2024-02-10T00:00:00Z,96481.1,96481.1,0,0,-3518.9,0" ]
	run -0 qts-sim --close-at-end "$SIM/orders.csv"
	# l3 is canceled; A closes at the last close 8.1 at the last close time
	echo "$output" | grep -qx 'update,2024-01-04T00:00:00Z,A,l3,canceled,0,,end of input'
	echo "$output" | grep -q '^fill,2024-01-04T00:00:00Z,A,close-A,sell,'
	[ "$(echo "$output" | only position | tail -1 | cut -d, -f4)" = "0" ]
	[ "$(echo "$output" | only equity | tail -1 | cut -d, -f5)" = "0" ]
}

@test "--close-at-end closes a contract at its last price, 0 or below too" {
	# 10 contracts of A held, the last bar at 0: closed there, 99000 =
	# 100000 - 10 * 100; a share is not valued at 0 (see the next test):
	# closed at 100
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,100,100,100,100,1000' \
		'target,2024-01-02T00:00:00Z,A,10,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,100,100,100,100,1000' \
		'bar,2024-01-03T00:00:00Z,A,1d,0,0,0,0,1000' >"$BATS_TEST_TMPDIR/z.csv"
	run -0 --separate-stderr qts-sim --close-at-end --instrument A,multiplier=1 "$BATS_TEST_TMPDIR/z.csv"
	[ -z "$stderr" ]
	grep -qx 'fill,2024-01-04T00:00:00Z,A,close-A,sell,10,0,0,0' <<<"$output"
	[ "$(only equity <<<"$output" | tail -1)" = "equity,2024-01-04T00:00:00Z,99000,99000,0,0,-1000,0" ]
	run -0 --separate-stderr qts-sim --close-at-end "$BATS_TEST_TMPDIR/z.csv"
	grep -qx 'fill,2024-01-04T00:00:00Z,A,close-A,sell,10,100,0,0' <<<"$output"
}

@test "a contract trades below zero: fills, limits and stops at prices of 0 and below, moves through zero" {
	# WTI May 2020 as CL (multiplier 1000): bought at 17.73, the open of
	# 20 April; it settled at -37.63 and opened the next day at -14
	printf '%s\n' 'bar,2020-04-17T00:00:00Z,CL,1d,18,19,17,18.27,1000' \
		'target,2020-04-18T00:00:00Z,CL,1,qty,s' \
		'bar,2020-04-20T00:00:00Z,CL,1d,17.73,17.85,-40.32,-37.63,1000' \
		'order,2020-04-21T00:00:00Z,CL,o1,sell,1,limit,-20,,gtc,s' \
		'bar,2020-04-21T00:00:00Z,CL,1d,-14,10.01,-16,10.01,1000' \
		'order,2020-04-22T00:00:00Z,CL,o2,buy,2,stop,,-5,gtc,s' \
		'bar,2020-04-22T00:00:00Z,CL,1d,-10,0,-12,-6,1000' \
		'order,2020-04-23T00:00:00Z,CL,o3,sell,1,stop_limit,-8,-7,gtc,s' \
		'bar,2020-04-23T00:00:00Z,CL,1d,-6,-5,-9,-8.5,1000' > "$BATS_TEST_TMPDIR/cl.csv"
	run -0 --separate-stderr qts-sim --instrument CL,multiplier=1000 --slippage bps=10 --commission bps=10 \
		"$BATS_TEST_TMPDIR/cl.csv"
	[ -z "$stderr" ]
	# the sell limit at -20 fills at the better open, -14, less 10 bps of
	# its size (0.014); commission 10 bps of |notional| (14)
	grep -qx 'fill,2020-04-21T00:00:00Z,CL,o1,sell,1,-14,14,0' <<<"$output"
	# the buy stop at -5, reached on the way up from -10: -5 + 0.005,
	# slippage 0.005 x 2 x 1000 = 10
	grep -qx 'fill,2020-04-22T00:00:00Z,CL,o2,buy,2,-4.995,9.99,10' <<<"$output"
	# the sell stop-limit: triggered at -7 on the down bar's way from its
	# high (-5) to its low, where its limit (-8 or better) takes -7; no
	# slippage on a limit
	grep -qx 'fill,2020-04-23T00:00:00Z,CL,o3,sell,1,-7,7,0' <<<"$output"
	[ "$(only position <<<"$output" | tail -1 | cut -d, -f4,5)" = "1,-4.995" ]
	# a limit not finite is refused, a contract's too; a share's at -20 as before
	printf '%s\n' 'bar,2020-04-17T00:00:00Z,CL,1d,18,19,17,18.27,1000' \
		'order,2020-04-18T00:00:00Z,CL,o1,sell,1,limit,-20,,gtc,s' > "$BATS_TEST_TMPDIR/share.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/share.csv"
	grep -qx 'update,2020-04-18T00:00:00Z,CL,o1,rejected,0,,limit price -20 is not above zero' <<<"$output"
	run -0 qts-sim --instrument CL,multiplier=1000 "$BATS_TEST_TMPDIR/share.csv"
	grep -qx 'update,2020-04-18T00:00:00Z,CL,o1,accepted,0,,' <<<"$output"
	# a quote's side at 0 or below is no side, a contract's too: the
	# market orders wait through bid -1, ask 0 and fill on the next quote
	printf '%s\n' 'quote,2024-01-01T00:00:00Z,CL,1,2,5,5' \
		'order,2024-01-01T00:00:00Z,CL,o1,buy,1,market,,,gtc,' \
		'order,2024-01-01T00:00:00Z,CL,o2,sell,1,market,,,gtc,' \
		'quote,2024-01-02T00:00:00Z,CL,-1,0,5,5' \
		'quote,2024-01-03T00:00:00Z,CL,3,4,5,5' > "$BATS_TEST_TMPDIR/q.csv"
	run -0 qts-sim --instrument CL,multiplier=1000 "$BATS_TEST_TMPDIR/q.csv"
	[ "$(grep '^fill,' <<<"$output")" = "$(printf '%s\n' 'fill,2024-01-03T00:00:00Z,CL,o1,buy,1,4,0,0' \
		'fill,2024-01-03T00:00:00Z,CL,o2,sell,1,3,0,0')" ]
}

@test "a share priced 0 or below is not valued at it: its position keeps its last price, said at the end" {
	# a vendor's bar of zeros between two at 10: marked at 0, equity fell
	# by the whole position (99000) and came back a bar later, a drawdown
	# of 1% that never was; qts-risk values nothing at such a price either
	printf '%s\n' 'target,2024-01-01T00:00:00Z,A,100,qty,x' \
		'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,100' \
		'bar,2024-01-02T00:00:00Z,A,1d,0,0,0,0,100' \
		'bar,2024-01-03T00:00:00Z,A,1d,-1,-1,-1,-1,100' \
		'tick,2024-01-03T12:00:00Z,A,0,5' \
		'bar,2024-01-04T00:00:00Z,A,1d,11,11,11,11,100' >"$BATS_TEST_TMPDIR/z.csv"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/z.csv"
	# (the first: the books before the first bar's fill)
	[ "$(only equity <<<"$output")" = "equity,2024-01-01T00:00:00Z,100000,100000,0,0,0,0
equity,2024-01-02T00:00:00Z,99000,100000,1000,1000,0,0
equity,2024-01-03T00:00:00Z,99000,100000,1000,1000,0,0
equity,2024-01-04T00:00:00Z,99000,100000,1000,1000,0,0
equity,2024-01-05T00:00:00Z,99000,100100,1100,1100,0,100" ]
	[ "$stderr" = "qts-sim: 3 prices of a share at 0 or below, the first of A at 2024-01-02T00:00:00Z: no price to value it at, its position kept at its last price" ]
	# so its drawdown is none
	run -0 sh -c "qts-sim '$BATS_TEST_TMPDIR/z.csv' 2>/dev/null | qts-report -c | grep '^max_drawdown,'"
	[ "$output" = "max_drawdown,0" ]
	# a weight target after the bar of zeros is sized at the last price, as qts-risk sizes it
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,100' \
		'bar,2024-01-02T00:00:00Z,A,1d,0,0,0,0,100' \
		'target,2024-01-03T00:00:00Z,A,0.5,weight,x' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,100' >"$BATS_TEST_TMPDIR/w.csv"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/w.csv"
	grep -q '^fill,2024-01-03T00:00:00Z,A,x-A-1,buy,5000,10,' <<<"$output"
}

@test "--actions: splits, dividends and delistings" {
	run -0 qts-sim --actions "$SIM/actions.csv" --close-at-end "$SIM/targets.csv"
	# 2:1 split on 01-03: 5000 A at 10 become 10000 at 5, the last
	# price 11 becomes 5.5: value 55000, unrealized 10000 * 0.5 = 5000;
	# then 0.5 a share dividend on 10000 = 5000 realized
	echo "$output" | grep -qx 'position,2024-01-03T00:00:00Z,A,10000,5,55000,5000,0'
	echo "$output" | grep -qx 'position,2024-01-03T00:00:00Z,A,10000,5,55000,5000,5000'
	# delisted on 01-04: closed at the last price, the 01-03 close 5.5
	echo "$output" | grep -qx 'fill,2024-01-04T00:00:00Z,A,delist-A,sell,10000,5.5,0,0'
	echo "$output" | grep -qx 'update,2024-01-04T00:00:00Z,A,s1-A-2,rejected,0,,A is delisted'
	# the same file gzip-compressed, with quoted fields, reads the same
	sed 's/^2024-01-03,A,split,2$/"2024-01-03","A",split,"2"/' "$SIM/actions.csv" | gzip > "$BATS_TEST_TMPDIR/a.csv.gz"
	qts-sim --actions "$BATS_TEST_TMPDIR/a.csv.gz" --close-at-end "$SIM/targets.csv" > "$BATS_TEST_TMPDIR/gz.out"
	[ "$(cat "$BATS_TEST_TMPDIR/gz.out")" = "$output" ]
}

@test "--actions: a target on a split's day is in the new shares, before the day's bar; so in qts-broker paper" {
	# 100 A held; the 2:1 split of 2024-01-04 applies before the target
	# of that time (ahead of the day's bar): 200 is what is held, no order
	cat > "$BATS_TEST_TMPDIR/sp.csv" <<-'E'
	bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,1000
	target,2024-01-02T00:00:00Z,A,100,qty,s
	bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	target,2024-01-04T00:00:00Z,A,200,qty,s
	bar,2024-01-04T00:00:00Z,A,1d,5,5,5,5,1000
	E
	echo '2024-01-04,A,split,2' > "$BATS_TEST_TMPDIR/sp_act.csv"
	cd "$BATS_TEST_TMPDIR"
	for flags in "" "--cash-rate 0.05"; do
		run -0 qts-sim $flags --actions sp_act.csv sp.csv
		[ "$(grep -c '^update,.*,new,' <<<"$output")" -eq 1 ]
		grep -A1 '^position,2024-01-04T00:00:00Z,A,200,5,1000,0,0$' <<<"$output" | grep -q '^target,2024-01-04T'
		diff <(qts-broker paper $flags --actions sp_act.csv sp.csv) - <<<"$output"
	done
}

@test "--actions: an action listed twice (a split, a dividend of one symbol and day) is an error naming both lines, in qts-sim, qts-risk and qts-broker paper" {
	cd "$BATS_TEST_TMPDIR"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,100,101,99,100,1000\n' > in.csv
	# applied twice, a split would split the position again
	printf '2024-01-03,A,split,2\n2024-01-03,A,split,2\n' > split2.csv
	for p in qts-sim qts-risk 'qts-broker paper'; do
		run -1 --separate-stderr $p --actions split2.csv in.csv
		[ "$stderr" = "${p% *}: split2.csv:2: split of 'A' on 2024-01-03 is listed twice (line 1 too)" ]
		[[ "$output" != *bar,* ]] # refused before the stream is read
	done
	# however far apart in the file, and a dividend of another value too:
	# a day's dividends are one, their sum
	printf 'date,symbol,action,value\n2024-01-03,A,dividend,0.5\n2024-01-02,B,split,2\n2024-01-03T00:00:00Z,A,dividend,0.25\n' > div2.csv
	run -1 --separate-stderr qts-sim --actions div2.csv in.csv
	[ "$stderr" = "qts-sim: div2.csv:4: dividend of 'A' on 2024-01-03 is listed twice (line 2 too): a day's dividends are one line, of their sum" ]
	printf '2024-01-05,A,delist\n2024-01-05,A,delist\n' > delist2.csv
	run -1 --separate-stderr qts-risk --actions delist2.csv in.csv
	[ "$stderr" = "qts-risk: delist2.csv:2: delist of 'A' on 2024-01-05 is listed twice (line 1 too)" ]
	# one of each kind a day, of one symbol, or one kind of two symbols,
	# or of two days: each its own, in the file's order within a day
	printf '2024-01-03,A,split,2\n2024-01-03,A,dividend,0.5\n2024-01-03,B,split,2\n2024-01-04,A,split,2\n' > ok.csv
	run -0 --separate-stderr qts-sim --actions ok.csv in.csv
	[ -z "$stderr" ]
}

@test "option files of no entry (empty, comments, a header) are said as read, as files none of whose entries is of the stream: --actions, --instruments, --sectors" {
	cd "$BATS_TEST_TMPDIR"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,100,101,99,100,1000\n' > in.csv
	: > empty.csv
	printf '# none yet\n\n' > comments.csv
	printf 'date,symbol,action,value\n' > header.csv # qts-fetch --actions of symbols that had none
	for f in empty.csv comments.csv header.csv; do
		for p in qts-sim qts-risk 'qts-broker paper'; do
			run -0 --separate-stderr $p --actions $f in.csv
			[ "$stderr" = "${p% *}: --actions $f: no action in it (it is empty, or comments and a header): none is applied" ]
			grep -q '^bar,' <<<"$output"
		done
	done
	for f in empty.csv comments.csv; do
		for p in qts-sim qts-risk 'qts-broker paper' 'qts-strategy sma-cross fast=2 slow=3'; do
			run -0 --separate-stderr $p --instruments $f in.csv
			# (qts-strategy says too that one bar was no target)
			[[ "$stderr" == "${p%% *}: --instruments $f: no contract in it (it is empty, or comments): it makes no symbol a contract"* ]]
		done
		qts-sim in.csv > sim.csv
		run -0 --separate-stderr qts-report --instruments $f sim.csv
		[ "$stderr" = "qts-report: --instruments $f: no contract in it (it is empty, or comments): it makes no symbol a contract" ]
		# with contracts of its own flags too: the file gave none
		run -0 --separate-stderr qts-sim --instruments $f --instrument A,multiplier=50,margin=0.1 in.csv
		[ "$stderr" = "qts-sim: --instruments $f: no contract in it (it is empty, or comments): it makes no symbol a contract" ]
	done
	printf 'symbol,sector\n' > sheader.csv
	for f in empty.csv comments.csv sheader.csv; do
		run -0 --separate-stderr qts-risk --sectors $f --max-sector 0.1 in.csv
		[ "$stderr" = "qts-risk: --sectors $f: no symbol in it (it is empty, or comments and a header): --max-sector limits nothing" ]
	done
	# one entry, of the stream: nothing to say
	printf '2024-01-03,A,split,2\n' > one.csv
	printf 'A,tech\n' > sec.csv
	printf 'A,multiplier=50,margin=0.1\n' > ins.csv
	run -0 --separate-stderr qts-risk --actions one.csv --sectors sec.csv --max-sector 0.5 --instruments ins.csv in.csv
	[ -z "$stderr" ]
}

@test "--actions errors name the file and line" {
	printf 'date,symbol,action,value\n2024-01-01,A,split,x\n' > "$BATS_TEST_TMPDIR/a.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/a.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/a.csv:2: split ratio: 'x' is not a number" ]
	printf '# c\n\n2024-01-01,A,merge,1\n' > "$BATS_TEST_TMPDIR/b.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/b.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/b.csv:3: unknown action 'merge' (split, dividend, delist)" ]
	printf 'yesterday,A,delist\n' > "$BATS_TEST_TMPDIR/c.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/c.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/c.csv:1: 'yesterday' is not a time (RFC 3339 or YYYY-MM-DD)" ]
	# a time of day is not cut to its day's start without a word: an
	# announcement at 20:00 New York is 01:00 UTC of the next day
	for t in 2014-03-03T20:00:00-05:00 '2014-03-04 12:00:00' 2014-03-04T00:00:00.5Z; do
		printf '%s,A,split,2\n' "$t" > "$BATS_TEST_TMPDIR/c.csv"
		run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/c.csv" </dev/null
		[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/c.csv:1: '$t' is not a date (YYYY-MM-DD): an action applies at 00:00 UTC of its date" ]
	done
	# the start of a day, written as a time, is its date
	printf '2014-03-04T00:00:00Z,A,split,2\n2014-03-04T01:00:00+01:00,B,split,2\n' > "$BATS_TEST_TMPDIR/c.csv"
	run -0 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/c.csv" </dev/null
	printf '2300-01-01,A,delist\n' > "$BATS_TEST_TMPDIR/c.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/c.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/c.csv:1: '2300-01-01' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)" ]
	printf '2024-01-01,A\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/d.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/d.csv:1: want date,symbol,action,value" ]
	printf '2024-01-01,A,delist,3\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/e.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/e.csv:1: delist takes no value" ]
	# a NUL ended the field where it stood: a split of 2 read
	printf 'date,symbol,action,value\n2024-01-01,A,split,2\0000\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/e.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/e.csv:2: field 4 holds a NUL byte" ]
	printf '2024-01-01,A,dividend,-1\n' > "$BATS_TEST_TMPDIR/f.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/f.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/f.csv:1: dividend: -1 is out of range [0, 1e+09]" ]
	printf '2024-01-01,,split,2\n' > "$BATS_TEST_TMPDIR/g.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/g.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/g.csv:1: bad symbol ''" ]
	printf '2024-01-01,A\x1b[31m,split,2\n' > "$BATS_TEST_TMPDIR/h.csv"
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/h.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/h.csv:1: symbol 'A\x1b[31m' holds a control character" ]
	run -1 --separate-stderr qts-sim --actions "$BATS_TEST_TMPDIR/none.csv" </dev/null
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/none.csv: No such file or directory" ]
}

@test "bad input: exit 1 naming the line, whole records before it" {
	printf 'bar,2024-01-01,A,1d,10,11,9,10,1000\nbar,2024-01-02,A,1d,x,11,9,10,1000\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/bad.csv"
	[[ "$stderr" == "qts-sim: $BATS_TEST_TMPDIR/bad.csv:2: "* ]]
	[ "${lines[0]}" = "bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,1000" ]
	[[ "${lines[1]}" == "system,2024-01-02T00:00:00Z,qts-sim,error,$BATS_TEST_TMPDIR/bad.csv:2: "* ]]
	[ "${#lines[@]}" -eq 2 ]
	run -1 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/missing.csv"
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/missing.csv: No such file or directory" ]
}

@test "several inputs are merged in time order" {
	grep '^bar' "$SIM/orders.csv" > "$BATS_TEST_TMPDIR/bars.csv"
	# merged by the time each event became known: the 01-01 bar at its
	# end 01-02, so an order stamped 01-02 comes after it (ties go to the
	# file named first) and fills at the 01-02 open 10.5 ...
	grep '^order' "$SIM/orders.csv" | grep ',m1,' | sed 's/2024-01-01/2024-01-02/' > "$BATS_TEST_TMPDIR/o.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/bars.csv" "$BATS_TEST_TMPDIR/o.csv"
	echo "$output" | grep -qx 'fill,2024-01-02T00:00:00Z,A,m1,buy,10,10.5,0,0'
	[ "$(echo "$output" | sed -n 2p)" = "order,2024-01-02T00:00:00Z,A,m1,buy,10,market,,,gtc,t" ]
	# ... while one stamped 01-01 comes before the 01-01 bar is known and
	# fills at its open 10
	grep '^order' "$SIM/orders.csv" | grep ',m1,' > "$BATS_TEST_TMPDIR/o.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/bars.csv" "$BATS_TEST_TMPDIR/o.csv"
	echo "$output" | grep -qx 'fill,2024-01-01T00:00:00Z,A,m1,buy,10,10,0,0'
}

@test "usage: --help, --version, unknown options" {
	run -0 qts-sim --help
	[[ "${lines[0]}" == "usage: qts-sim "* ]]
	run -0 qts-sim -h
	run -0 qts-sim --version
	[[ "$output" == "qts-sim "[0-9]* ]]
	run -2 --separate-stderr qts-sim --bogus
	[[ "$stderr" == *"usage: qts-sim"* ]]
	run -0 --separate-stderr qts-sim </dev/null
	[ "$output" = "" ]
	[ "$stderr" = "qts-sim: -: no events (empty input)" ]
}

@test "every long option is in the man page and both completions" {
	opts=$(qts-sim --help | grep -o -- '--[a-z-]*' | sort -u)
	[ -n "$opts" ]
	for o in $opts; do
		grep -q -- "${o#--}" "$BATS_TEST_DIRNAME/../man/qts-sim.1" || { echo "man: $o"; false; }
		grep -q -- "$o" "$BATS_TEST_DIRNAME/../completions/bash/qts-sim" || { echo "bash: $o"; false; }
		grep -q -- "$o" "$BATS_TEST_DIRNAME/../completions/zsh/_qts-sim" || { echo "zsh: $o"; false; }
	done
}

@test "the examples in examples/sim run and fill" {
	for f in "$BATS_TEST_DIRNAME"/../examples/sim/*.sh; do
		[ "$(basename "$f")" = common.sh ] && continue
		run -0 sh "$f"
		echo "$output" | grep -q '^fill,' || { echo "no fill: $f"; false; }
		echo "$output" | grep -q '^equity,' || { echo "no equity: $f"; false; }
	done
}

@test "order ids are remembered for the last 65536 orders" {
	# 65537 distinct ids, then the first and the last again: the first has
	# left the window and is worked again, the last is a repeat
	awk 'BEGIN { print "bar,2024-01-01,A,1d,1,1,1,1,1e12";
		for (i = 0; i <= 65536; i++) printf "order,2024-01-01,A,o%d,buy,1,limit,0.5,,gtc,t\n", i;
		print "order,2024-01-01,A,o0,buy,1,limit,0.5,,gtc,t";
		print "order,2024-01-01,A,o65536,buy,1,limit,0.5,,gtc,t" }' > "$BATS_TEST_TMPDIR/ids.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/ids.csv"
	[ "$(echo "$output" | grep -c ',o0,accepted,')" -eq 2 ]
	[ "$(echo "$output" | grep -c ',o65536,accepted,')" -eq 1 ]
}

@test "an order with the id of a target's order is a repeat, however many targets came before" {
	# t-A-1 .. t-A-3 are made from targets and never looked up; the order
	# naming t-A-2 must still be known as a repeat, and the target after
	# the order t-A-5 skips that id
	cat > "$BATS_TEST_TMPDIR/in.csv" <<-'EOF'
	bar,2024-01-01,A,1d,10,10,10,10,1e9
	target,2024-01-01T00:00:00Z,A,100,qty,t
	target,2024-01-01T00:00:00Z,A,200,qty,t
	target,2024-01-01T00:00:00Z,A,300,qty,t
	order,2024-01-01T00:00:00Z,A,t-A-2,buy,1,limit,0.5,,gtc,x
	order,2024-01-01T00:00:00Z,A,t-A-5,buy,1,limit,0.5,,gtc,x
	target,2024-01-01T00:00:00Z,A,400,qty,t
	target,2024-01-01T00:00:00Z,A,500,qty,t
	EOF
	run -0 qts-sim "$BATS_TEST_TMPDIR/in.csv"
	[ "$(echo "$output" | grep -c ',t-A-2,accepted,')" -eq 1 ]
	[ "$(echo "$output" | grep -c ',t-A-5,accepted,')" -eq 1 ]
	echo "$output" | grep -q ',t-A-4,new,' && echo "$output" | grep -q ',t-A-6,new,'
	! echo "$output" | grep -q ',t-A-5,new,'
}

@test "ids of target-made orders are remembered for the last 65536 too" {
	# 70000 targets make t-A-1 .. t-A-70000, none asked about; then an
	# order naming t-A-3 (forgotten: worked) and one naming t-A-69990 (a
	# repeat), and the next target skips t-A-70001, which an order took
	awk 'BEGIN { print "bar,2024-01-01,A,1d,10,11,9,10,1e9";
		for (i = 0; i < 70000; i++) printf "target,2024-01-01T00:00:00Z,A,%d,qty,t\n", i % 2 ? 0 : 100;
		print "order,2024-01-01T00:00:00Z,A,t-A-3,buy,1,market,,,gtc,x";
		print "order,2024-01-01T00:00:00Z,A,t-A-69990,buy,1,market,,,gtc,x";
		print "order,2024-01-01T00:00:00Z,A,t-A-70001,buy,1,market,,,gtc,x";
		print "target,2024-01-01T00:00:00Z,A,300,qty,t" }' > "$BATS_TEST_TMPDIR/ids.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/ids.csv"
	[ "$(echo "$output" | grep -c ',t-A-3,accepted,')" -eq 2 ]
	[ "$(echo "$output" | grep -c ',t-A-69990,accepted,')" -eq 1 ]
	[ "$(echo "$output" | grep -c ',t-A-70001,accepted,')" -eq 1 ]
	echo "$output" | grep -q ',t-A-70002,new,0,,target 300: buy 298 market$'
}

@test "targets of two strategies whose ids could meet: ids stay unique" {
	# a-b-C-1 is strategy a-b's for symbol C and strategy a's for b-C
	cat > "$BATS_TEST_TMPDIR/in.csv" <<-'EOF'
	bar,2024-01-01,C,1d,10,10,10,10,1e9
	bar,2024-01-01,b-C,1d,10,10,10,10,1e9
	target,2024-01-01T00:00:00Z,C,100,qty,a-b
	target,2024-01-01T00:00:00Z,b-C,100,qty,a
	EOF
	run -0 qts-sim "$BATS_TEST_TMPDIR/in.csv"
	[ "$(echo "$output" | grep -c ',a-b-C-1,new,')" -eq 1 ]
	[ "$(echo "$output" | grep -c ',a-b-C-2,new,')" -eq 1 ]
}

@test "the books balance: equity = initial cash + realized + unrealized, all costs on" {
	qts-fetch --count 300 -t 1m synth:AAA,BBB,CCC |
	awk -F, '{ print } /^bar,/ { n[$3]++; if (n[$3] % 7 == 0) printf "target,%s,%s,%d,qty,x\n", $2, $3, (n[$3] / 7) % 3 * 100 - 100 }' |
	qts-sim --cash 50000 --commission per-share=0.005,min=1 --slippage bps=3 --impact sqrt,k=0.2,window=10 \
		--max-participation 0.01 --close-at-end > "$BATS_TEST_TMPDIR/out"
	[ "$(grep -c '^fill,' "$BATS_TEST_TMPDIR/out")" -gt 10 ]
	run -0 awk -F, '/^equity,/ { n++; d = $4 - (50000 + $7 + $8); if (d < 0) d = -d; if (d > 1e-6) bad++ } END { print n, bad + 0 }' "$BATS_TEST_TMPDIR/out"
	[ "$output" = "300 0" ]
}

@test "equity is stamped at the bar close time, months included" {
	printf 'bar,2024-01-01,A,1M,1,1,1,1,1\nbar,2024-02-01,A,1M,1,1,1,1,1\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/m.csv"
	[ "$(echo "$output" | only equity | cut -d, -f2 | tr '\n' ' ')" = "2024-02-01T00:00:00Z 2024-03-01T00:00:00Z " ]
	printf 'bar,2024-01-02T14:30:00Z,A,5m,1,1,1,1,1\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/m.csv"
	[ "$(echo "$output" | only equity | cut -d, -f2)" = "2024-01-02T14:35:00Z" ]
}

@test "order ids of the longest strategy and symbol names stay unique" {
	s=ABCDEFGHIJKLMNOPQRSTUVWXYZ01234
	n=a-strategy-name-of-31-bytes-xyz
	printf 'bar,2024-01-02,%s,1d,10,11,9,10,1000\ntarget,2024-01-03,%s,5,qty,%s\nbar,2024-01-03,%s,1d,10,11,9,10,1000\ntarget,2024-01-04,%s,0,qty,%s\nbar,2024-01-04,%s,1d,10,11,9,10,1000\n' \
		$s $s $n $s $s $n $s > "$BATS_TEST_TMPDIR/long.csv"
	run -0 timeout -k 5 10 qts-sim "$BATS_TEST_TMPDIR/long.csv"
	ids=$(printf '%s\n' "${lines[@]}" | awk -F, '$1 == "fill" { print $4 }' | sort -u | wc -l)
	[ "$ids" -eq 2 ]
}

@test "--live writes the equity of the latest bar time as soon as the input pauses" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	qts-sim --live < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	echo 'bar,2024-01-02,A,1d,10,11,9,10,1000' >&5
	for i in $(seq 50); do grep -q '^equity,2024-01-03' "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	grep -q '^equity,2024-01-03T00:00:00Z,100000,100000,' "$BATS_TEST_TMPDIR/out"
	exec 5>&-
	wait $pid
	# one equity event: the pause wrote it, the end had none left to write
	[ "$(grep -c '^equity' "$BATS_TEST_TMPDIR/out")" -eq 1 ]
}

# A pause says only that nothing is in the pipe now: a stage upstream
# that was slow may still send a bar of the latest time.  What came after
# the bars stays held until that time is done, so the bar's fill, dated at
# its open, does not follow reports dated later.
@test "--live: a bar of the latest time after a pause fills before what the pause held" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	qts-sim --live < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	first='bar,2024-01-02,A,1d,10,11,9,10,1000
bar,2024-01-02,B,1d,20,21,19,20,1000
target,2024-01-03,A,10,qty,s
target,2024-01-03,B,10,qty,s
bar,2024-01-03,A,1d,10,11,9,10,1000'
	held='target,2024-01-04,A,0,qty,s'
	late='bar,2024-01-03,B,1d,20,21,19,20,1000'
	paused() { # N: the pauses have written N equity events
		for i in $(seq 100); do
			[ "$(grep -c '^equity' "$BATS_TEST_TMPDIR/out")" -ge "$1" ] && return 0
			sleep 0.05
		done
		return 1
	}
	echo "$first" >&5
	paused 2
	echo "$held" >&5
	sleep 0.3
	# held: no order yet for the target of 2024-01-04
	! grep -q '^update,2024-01-04' "$BATS_TEST_TMPDIR/out" || false
	echo "$late" >&5
	paused 3
	exec 5>&-
	wait $pid
	qts cat "$BATS_TEST_TMPDIR/out" > /dev/null # in time order
	# B's fill, at the open of 2024-01-03, comes before A's order of
	# 2024-01-04, and the equity of 2024-01-04 is written again with it
	grep -n '' "$BATS_TEST_TMPDIR/out" > "$BATS_TEST_TMPDIR/numbered"
	fill=$(grep -m1 ':fill,2024-01-03T00:00:00Z,B,' "$BATS_TEST_TMPDIR/numbered" | cut -d: -f1)
	order=$(grep -m1 ':update,2024-01-04T00:00:00Z,A,s-A-2,new,' "$BATS_TEST_TMPDIR/numbered" | cut -d: -f1)
	[ -n "$fill" ] && [ -n "$order" ] && [ "$fill" -lt "$order" ]
	grep -q '^equity,2024-01-04T00:00:00Z,99900,' "$BATS_TEST_TMPDIR/out"
	grep -q '^equity,2024-01-04T00:00:00Z,99700,' "$BATS_TEST_TMPDIR/out"
	# the rest is the stream the input gives without pauses
	printf '%s\n' "$first" "$late" "$held" | qts-sim --live | grep -v '^equity' > "$BATS_TEST_TMPDIR/whole"
	grep -v '^equity' "$BATS_TEST_TMPDIR/out" | diff - "$BATS_TEST_TMPDIR/whole"
	# and an equity unchanged since a pause is not written twice
	[ "$(grep -c '^equity' "$BATS_TEST_TMPDIR/out")" -eq 3 ]
}

# A weekly bar over days the daily bars have worked drives no fills: the
# pause after it writes no equity of its own (qts-sim(1), Portfolio).
@test "--live: a pause after a bar that drives no fills writes no equity for it" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	qts-sim --live < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	for d in 01 02 03 04 05; do echo "bar,2024-01-$d,A,1d,10,11,9,10,1000"; done >&5
	echo 'bar,2024-01-01,A,1w,10,11,9,10,5000' >&5
	for i in $(seq 50); do grep -q '^bar,2024-01-01T00:00:00Z,A,1w' "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
	grep -q '^bar,2024-01-01T00:00:00Z,A,1w' "$BATS_TEST_TMPDIR/out"
	sleep 0.3 # the input has paused since
	run grep -c '^equity' "$BATS_TEST_TMPDIR/out"
	[ "$output" -eq 5 ]
	exec 5>&-
	wait $pid
	# the daily bars' five, the last dated at Friday's end; none at the week's
	[ "$(grep -c '^equity' "$BATS_TEST_TMPDIR/out")" -eq 5 ]
	[ "$(grep '^equity' "$BATS_TEST_TMPDIR/out" | tail -n 1 | cut -d, -f2)" = 2024-01-06T00:00:00Z ]
}

@test "without --live the equity waits for the next bar time or the end" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	qts-sim < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	echo 'bar,2024-01-02,A,1d,10,11,9,10,1000' >&5
	for i in $(seq 20); do [ -s "$BATS_TEST_TMPDIR/out" ] && break; sleep 0.1; done
	sleep 0.3
	! grep -q '^equity' "$BATS_TEST_TMPDIR/out" || false
	exec 5>&-
	wait $pid
	grep -q '^equity,2024-01-03' "$BATS_TEST_TMPDIR/out"
}

@test "orders of a symbol fill on a bar in the order its path reaches them, not the order they came (qts-sim(1))" {
	cd "$BATS_TEST_TMPDIR"
	# long 10 at 100; then a sell limit at 105, and after it a buy limit
	# at 96, on an up bar 100-106-95-105: its path visits 95 first, so
	# the buy fills first (20 at 98), then the sell realizes (105-98)*10
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,100,100,100,100,1000' \
		'order,2024-01-03T00:00:00Z,A,o0,buy,10,market,,,gtc,s' \
		'bar,2024-01-03T00:00:00Z,A,1d,100,100,100,100,1000' \
		'order,2024-01-04T00:00:00Z,A,o1,sell,10,limit,105,,gtc,s' \
		'order,2024-01-04T00:00:00Z,A,o2,buy,10,limit,96,,gtc,s' \
		'bar,2024-01-04T00:00:00Z,A,1d,100,106,95,105,1000' > po.csv
	run -0 qts-sim po.csv
	[ "$(grep -E '^(fill|position),2024-01-04' <<< "$output")" = "fill,2024-01-04T00:00:00Z,A,o2,buy,10,96,0,0
position,2024-01-04T00:00:00Z,A,20,98,1920,-40,0
fill,2024-01-04T00:00:00Z,A,o1,sell,10,105,0,0
position,2024-01-04T00:00:00Z,A,10,98,1050,70,70" ]
	# on a down bar (high first) the sell comes first, though placed last
	sed -e 's/^bar,2024-01-04T00:00:00Z,A,1d,100,106,95,105,1000$/bar,2024-01-04T00:00:00Z,A,1d,100,106,95,97,1000/' \
		-e '/,o1,/{h;d}' -e '/,o2,/G' po.csv > down.csv
	[ "$(grep -c '^order' down.csv)" = 3 ] && [ "$(sed -n 4p down.csv | cut -d, -f4)" = o2 ]
	run -0 qts-sim down.csv
	[ "$(grep -E '^fill,2024-01-04' <<< "$output" | cut -d, -f4)" = "o1
o2" ]
}

# Daily bars of X, and a buy of 150 that --max-participation 0.05 fills 50
# a bar (5% of 1000) at each open: 102 on the 4th, 104 on the 5th, 106 on
# the 8th.
several_tf() {
	cat <<-EOF
	bar,2024-01-02T00:00:00Z,X,1d,100,101,99,100,1000
	bar,2024-01-03T00:00:00Z,X,1d,100,102,99,101,1000
	order,2024-01-04T00:00:00Z,X,o1,buy,150,market,,,gtc,s
	bar,2024-01-04T00:00:00Z,X,1d,102,104,101,103,1000
	bar,2024-01-05T00:00:00Z,X,1d,104,106,103,105,1000
	bar,2024-01-08T00:00:00Z,X,1d,106,107,105,106,1000
	EOF
}

@test "several timeframes of a symbol: the coarser bars (qts-resample -k) fill nothing, and the fills are the finer bars' alone" {
	cd "$BATS_TEST_TMPDIR"
	several_tf > d.csv
	qts-resample -k 2d d.csv > k.csv
	# the 2d bar of the 4th and 5th comes after the 1d bar of the 5th:
	# its open (102) and volume were traded on already
	grep -q '^bar,2024-01-04T00:00:00Z,X,2d,102,106,101,105,2000$' k.csv
	run -0 qts-sim --max-participation 0.05 k.csv
	fills=$(printf '%s\n' "${lines[@]}" | only fill)
	[ "$fills" = "$(printf '%s\n' \
		'fill,2024-01-04T00:00:00Z,X,o1,buy,50,102,0,0' \
		'fill,2024-01-05T00:00:00Z,X,o1,buy,50,104,0,0' \
		'fill,2024-01-08T00:00:00Z,X,o1,buy,50,106,0,0')" ]
	# the same fills, updates and positions as the 1d bars alone
	diff <(qts-sim --max-participation 0.05 k.csv | grep -E '^(fill|update|position),') \
		<(qts-sim --max-participation 0.05 d.csv | grep -E '^(fill|update|position),')
}

@test "several timeframes of several symbols: fills and updates stay in time order" {
	cd "$BATS_TEST_TMPDIR"
	# B's buy fills over three days; A's order comes after A's bar of the
	# 5th, before B's: B's fill of the 5th (dated the 5th) must still come
	# before A's update (the 6th) with the 2d bar of A between them
	cat > in.csv <<-EOF
	bar,2024-01-03T00:00:00Z,A,1d,50,52,49,51,1000
	bar,2024-01-03T00:00:00Z,B,1d,100,102,99,101,1000
	order,2024-01-04T00:00:00Z,B,b1,buy,150,market,,,gtc,s
	bar,2024-01-04T00:00:00Z,A,1d,51,53,50,52,1000
	bar,2024-01-04T00:00:00Z,B,1d,102,104,101,103,1000
	bar,2024-01-05T00:00:00Z,A,1d,52,54,51,53,1000
	order,2024-01-06T00:00:00Z,A,a1,buy,10,market,,,gtc,s
	bar,2024-01-05T00:00:00Z,B,1d,104,106,103,105,1000
	bar,2024-01-08T00:00:00Z,A,1d,53,54,52,53,1000
	bar,2024-01-08T00:00:00Z,B,1d,106,107,105,106,1000
	EOF
	qts-resample -k 2d in.csv > k.csv
	run -0 qts-sim --max-participation 0.05 k.csv
	reports=$(printf '%s\n' "${lines[@]}" | grep -E '^(fill|update),' | cut -d, -f1-4)
	[ "$reports" = "$(printf '%s\n' \
		'update,2024-01-04T00:00:00Z,B,b1' 'fill,2024-01-04T00:00:00Z,B,b1' 'update,2024-01-04T00:00:00Z,B,b1' \
		'fill,2024-01-05T00:00:00Z,B,b1' 'update,2024-01-05T00:00:00Z,B,b1' \
		'update,2024-01-06T00:00:00Z,A,a1' \
		'fill,2024-01-08T00:00:00Z,A,a1' 'update,2024-01-08T00:00:00Z,A,a1' \
		'fill,2024-01-08T00:00:00Z,B,b1' 'update,2024-01-08T00:00:00Z,B,b1')" ]
	qts-sim --max-participation 0.05 k.csv | qts-report -c > /dev/null
}

@test "ticks and the bars made of them: the bars fill nothing, the fills are the ticks' alone" {
	cd "$BATS_TEST_TMPDIR"
	# a buy of 12 at 50% of each tick's size: 5 at 10.1, 5 at 10.2, and 2
	# at 10.4 in the next minute.  The bar of 14:30 comes after its ticks:
	# its open (10.1) and volume were traded on already, and it takes no
	# part, though it starts after the order
	cat > t.csv <<-EOF
	tick,2024-01-02T14:29:40Z,X,10.0,10
	order,2024-01-02T14:29:50Z,X,o1,buy,12,market,,,gtc,s
	tick,2024-01-02T14:30:20Z,X,10.1,10
	tick,2024-01-02T14:30:40Z,X,10.2,10
	tick,2024-01-02T14:31:05Z,X,10.4,10
	tick,2024-01-02T14:32:05Z,X,10.5,10
	EOF
	qts-resample -k 1m t.csv > k.csv 2> /dev/null
	grep -q '^bar,2024-01-02T14:30:00Z,X,1m,10.1,10.2,10.1,10.2,20$' k.csv
	run -0 qts-sim --max-participation 0.5 --latency 0s k.csv
	fills=$(printf '%s\n' "${lines[@]}" | only fill | cut -d, -f2,6,7)
	[ "$fills" = "$(printf '%s\n' '2024-01-02T14:30:20Z,5,10.1' '2024-01-02T14:30:40Z,5,10.2' '2024-01-02T14:31:05Z,2,10.4')" ]
	diff <(qts-sim --max-participation 0.5 --latency 0s k.csv | grep -E '^(fill|update|position),') \
		<(qts-sim --max-participation 0.5 --latency 0s t.csv | grep -E '^(fill|update|position),')
}

@test "coarser bars added by qts-resample -k change nothing the strategy, qts-sim and qts-report make of the finer ones" {
	cd "$BATS_TEST_TMPDIR"
	qts-fetch --seed 3 --count 400 -t 1d synth:AAA,BBB,CCC > d.csv
	qts-strategy sma-cross fast=3 slow=8 size=10 d.csv | qts-sim --max-participation 0.001 > plain.csv
	qts-report -c -b AAA plain.csv > plain.rep
	for tf in 2d 1w 1M 1w,1M; do
		qts-resample -k "$tf" d.csv 2> /dev/null |
			qts-strategy --tf 1d sma-cross fast=3 slow=8 size=10 |
			qts-sim --max-participation 0.001 > k.csv
		# all but the bars: the same bytes
		diff <(grep -v '^bar,' k.csv) <(grep -v '^bar,' plain.csv)
		qts-report -c -b AAA k.csv | diff - plain.rep
	done
	grep -c '^fill,' plain.csv | awk '{ exit !($1 > 20) }'
}

@test "days of a zone across the start of daylight saving time: the bar after the short day opens at its end, for fills and their dates" {
	# Days of New York: 03-10 (the change) starts 05:00 UTC and ends at
	# 04:00 on 03-11, but at 05:00 by ts + 1d; the 03-11 bar starts 04:00.
	# o1 (limit 95) waits from 03-09; o2 comes at 05:00 on 03-11, the end
	# of the 03-10 bar.  The 03-11 bar opens at 05:00 for both: o2 fills
	# at its open 96 (the path reaches the open first), o1 at 95 on the
	# way down to the low 94; both dated 05:00, none before o2's update.
	cat > "$T/dst.csv" <<-'E'
	bar,2024-03-08T05:00:00Z,A,1d,100,101,99,100,1000
	order,2024-03-09T05:00:00Z,A,o1,buy,5,limit,95,,gtc,s
	bar,2024-03-09T05:00:00Z,A,1d,100,101,99,100,1000
	bar,2024-03-10T05:00:00Z,A,1d,100,101,99,100,1000
	order,2024-03-11T05:00:00Z,A,o2,buy,1,market,,,gtc,s
	bar,2024-03-11T04:00:00Z,A,1d,96,97,94,95,1000
	bar,2024-03-12T04:00:00Z,A,1d,95,96,94,95,1000
	E
	run -0 --separate-stderr qts-sim "$T/dst.csv"
	grep -E '^(fill|update),' <<< "$output" > "$T/got"
	cat > "$T/want" <<-'E'
	update,2024-03-09T05:00:00Z,A,o1,accepted,0,,
	update,2024-03-11T05:00:00Z,A,o2,accepted,0,,
	fill,2024-03-11T05:00:00Z,A,o2,buy,1,96,0,0
	update,2024-03-11T05:00:00Z,A,o2,filled,1,96,
	fill,2024-03-11T05:00:00Z,A,o1,buy,5,95,0,0
	update,2024-03-11T05:00:00Z,A,o1,filled,5,95,
	E
	diff "$T/want" "$T/got"
	# and the stream it writes is in order for the next reader
	qts-sim "$T/dst.csv" | qts-report > /dev/null
	# the same from qts-resample: hours into weeks of New York; the week
	# of 03-04 ends at 04:00 on 03-11, at 05:00 by ts + 1w, when sma-cross
	# sells B (long 10 to short 10); the sale fills at the open of the next
	# week, 40.11, not a week on
	qts-fetch --seed 3 --count 2000 -t 1h --session 00:00-24:00 --tz America/New_York synth:A,B 2> /dev/null |
		qts-resample -z America/New_York 1w 2> /dev/null > "$T/weeks.csv"
	run -0 grep '^bar,2024-03-1[01]' "$T/weeks.csv"
	[ "${lines[1]}" = "bar,2024-03-11T04:00:00Z,B,1w,40.11,41.98,39.21,41.55,1778148" ]
	qts-strategy sma-cross fast=2 slow=3 size=10 short=1 "$T/weeks.csv" | qts-sim > "$T/weeks.out"
	run -0 grep '^target,2024-03-11\|^fill,2024-03-1.*,B,' "$T/weeks.out"
	[ "${lines[0]}" = "target,2024-03-11T05:00:00Z,B,-10,qty,sma-cross" ]
	[ "${lines[1]}" = "fill,2024-03-11T05:00:00Z,B,sma-cross-B-3,sell,20,40.11,0,0" ]
	qts-report < "$T/weeks.out" > /dev/null
}

@test "tif day given after the day's last bar (a Friday's daily bar): it works the next day that has data, then expires" {
	printf '%s\n' 'bar,2024-01-05T00:00:00Z,A,1d,100,110,90,105,1000' \
		'order,2024-01-06T00:00:00Z,A,o1,buy,10,market,,,day,s' \
		'order,2024-01-06T00:00:00Z,A,o2,buy,10,limit,80,,day,s' \
		'bar,2024-01-08T00:00:00Z,A,1d,100,108,94,96,1000' \
		'bar,2024-01-09T00:00:00Z,A,1d,96,99,85,90,1000' >"$BATS_TEST_TMPDIR/fri.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/fri.csv"
	# o1 fills at Monday's open; o2's limit 80 is not reached on Monday
	# (low 94), and it expires at Tuesday's bar, not filled at its low 85
	echo "$output" | grep -qx 'fill,2024-01-08T00:00:00Z,A,o1,buy,10,100,0,0'
	echo "$output" | grep -qx 'update,2024-01-09T00:00:00Z,A,o2,expired,0,,day order: end of day'
	! echo "$output" | grep -q ',o1,expired,' || false
	! echo "$output" | grep -q '^fill,.*,o2,' || false
}

@test "an event of a later time after the last bar group: the end's equity is not written again, out of time order" {
	printf '%s\n' 'bar,2024-06-10T00:00:00Z,AAA,1w,1,1,1,1,1' 'system,2024-06-22T00:00:00Z,x,warn,hi' >"$BATS_TEST_TMPDIR/late.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/late.csv"
	[ "$(grep -c '^equity,2024-06-17T00:00:00Z,' <<<"$output")" = 1 ]
	[ "${lines[-1]}" = 'system,2024-06-22T00:00:00Z,x,warn,hi' ]
	qts-sim "$BATS_TEST_TMPDIR/late.csv" | qts-report >/dev/null
}

@test "a weight target when equity is 0 or below is rejected: a weight of it would turn a long into a short" {
	# X bought on margin falls 80%: equity is -7000 when Y's target of
	# half the equity comes; as a quantity that is -70, a short of Y
	run -0 --separate-stderr qts-sim --cash 1000 --leverage 100 "$FIX/sim/negative-equity-weight.csv"
	grep -qx 'update,2024-01-04T00:00:00Z,Y,b-Y-2,rejected,0,,weight target: equity -7000 is not above 0: no weight of it to hold' <<<"$output"
	! grep -q '^fill,.*,Y,b-Y-2,' <<<"$output" || false
	[ "$(grep '^position,.*,Y,' <<<"$output" | tail -1 | cut -d, -f4)" = 100 ]
	# a weight of 0 is flat whatever the equity
	sed 's/^target,2024-01-04T00:00:00Z,Y,0.5,/target,2024-01-04T00:00:00Z,Y,0,/' "$FIX/sim/negative-equity-weight.csv" >"$BATS_TEST_TMPDIR/flat.csv"
	run -0 qts-sim --cash 1000 --leverage 100 "$BATS_TEST_TMPDIR/flat.csv"
	grep -qx 'fill,2024-01-04T00:00:00Z,Y,b-Y-2,sell,100,50,0,0' <<<"$output"
}

@test "the books as they started go out before a fill that comes before the first equity event" {
	printf '%s\n' 'target,2024-01-01T00:00:00Z,A,100,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,11,10,11,1000' \
		'bar,2024-01-03T00:00:00Z,A,1d,11,12,11,12,1000' > "$BATS_TEST_TMPDIR/in.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/in.csv"
	# after the bar that fills it, before the fill, at its time
	[ "$(grep -A1 '^bar,2024-01-02' <<<"$output" | tail -1)" = "equity,2024-01-02T00:00:00Z,100000,100000,0,0,0,0" ]
	[ "$(grep -A1 '^equity,2024-01-02' <<<"$output" | tail -1)" = "fill,2024-01-02T00:00:00Z,A,s-A-1,buy,100,10,0,0" ]
	[ "$(only equity <<<"$output" | sed -n 2p)" = "equity,2024-01-03T00:00:00Z,99000,100100,1100,1100,0,100" ]
	[ "$(only equity <<<"$output" | wc -l)" = 3 ]
	# once, whatever fills after it; with --cash, that cash
	sed -i '1a target,2024-01-01T00:00:00Z,B,5,qty,s\nbar,2024-01-02T00:00:00Z,B,1d,20,20,20,20,1000' "$BATS_TEST_TMPDIR/in.csv"
	run -0 qts-sim --cash 5000 "$BATS_TEST_TMPDIR/in.csv"
	[ "$(only equity <<<"$output" | head -1)" = "equity,2024-01-02T00:00:00Z,5000,5000,0,0,0,0" ]
	# the paper broker, qts pipe and msgpack alike
	run -0 qts-broker paper "$BATS_TEST_TMPDIR/in.csv"
	[ "$(only equity <<<"$output" | head -1)" = "equity,2024-01-02T00:00:00Z,100000,100000,0,0,0,0" ]
	qts-sim "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/shell.csv"
	qts pipe 'qts-sim' "$BATS_TEST_TMPDIR/in.csv" | cmp - "$BATS_TEST_TMPDIR/shell.csv"
	qts-sim -M "$BATS_TEST_TMPDIR/in.csv" | qts cat | cmp - "$BATS_TEST_TMPDIR/shell.csv"
	# a first fill after the first equity event writes none
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,11,10,11,1000' \
		'target,2024-01-02T12:00:00Z,A,100,qty,s' \
		'bar,2024-01-03T00:00:00Z,A,1d,11,12,11,12,1000' > "$BATS_TEST_TMPDIR/late.csv"
	run -0 qts-sim "$BATS_TEST_TMPDIR/late.csv"
	[ "$(only equity <<<"$output" | head -1)" = "equity,2024-01-03T00:00:00Z,100000,100000,0,0,0,0" ]
	[ "$(only equity <<<"$output" | wc -l)" = 2 ]
}

@test "--tz and --session: a day order lives through its trading day, an overnight session's evening included" {
	# CME Globex, 17:00-16:00 in Chicago (UTC-6 in January): a day limit
	# given at 17:30 there (23:30 UTC) is of the trading day that opened
	# at 17:00; the UTC date changes at 18:00 there, in the middle of it
	printf '%s\n' 'bar,2024-01-02T23:29:00Z,E,1m,1.1,1.1,1.1,1.1,10' \
		'order,2024-01-02T23:30:00Z,E,o1,buy,1,limit,1.09,,day,s' \
		'bar,2024-01-02T23:30:00Z,E,1m,1.1,1.1,1.1,1.1,10' \
		'bar,2024-01-03T00:30:00Z,E,1m,1.1,1.1,1.08,1.09,10' \
		'order,2024-01-03T21:00:00Z,E,o2,buy,1,limit,1.05,,day,s' \
		'bar,2024-01-03T21:59:00Z,E,1m,1.1,1.1,1.1,1.1,10' \
		'bar,2024-01-03T23:00:00Z,E,1m,1.1,1.1,1.04,1.05,10' > "$BATS_TEST_TMPDIR/e.csv"
	# by UTC dates: o1 expires at 00:30 UTC, unfilled
	run -0 qts-sim "$BATS_TEST_TMPDIR/e.csv"
	grep -qx 'update,2024-01-03T00:30:00Z,E,o1,expired,0,,day order: end of day' <<<"$output"
	# by Chicago's trading days: o1 fills at 00:30 UTC (18:30 there, the
	# same trading day); o2, given at 15:00 there, expires at 17:00 with
	# the next trading day, before the price reaches it
	run -0 --separate-stderr qts-sim --tz America/Chicago --session 17:00-16:00 "$BATS_TEST_TMPDIR/e.csv"
	[ -z "$stderr" ]
	grep -qx 'fill,2024-01-03T00:30:00Z,E,o1,buy,1,1.09,0,0' <<<"$output"
	grep -qx 'update,2024-01-03T23:00:00Z,E,o2,expired,0,,day order: end of day' <<<"$output"
	# --tz alone: days are Chicago's dates, from midnight there (06:00
	# UTC): o1 lives on, and o2 (the 3rd there) does too until the 4th
	run -0 qts-sim --tz America/Chicago "$BATS_TEST_TMPDIR/e.csv"
	grep -qx 'fill,2024-01-03T00:30:00Z,E,o1,buy,1,1.09,0,0' <<<"$output"
	grep -qx 'fill,2024-01-03T23:00:00Z,E,o2,buy,1,1.05,0,0' <<<"$output"
	# a session within a day changes nothing
	run -0 qts-sim --session 09:30-16:00 "$BATS_TEST_TMPDIR/e.csv"
	grep -qx 'update,2024-01-03T00:30:00Z,E,o1,expired,0,,day order: end of day' <<<"$output"
	# qts-broker paper runs the same engine with the same flags
	run -0 qts-broker paper --tz America/Chicago --session 17:00-16:00 "$BATS_TEST_TMPDIR/e.csv"
	grep -qx 'fill,2024-01-03T00:30:00Z,E,o1,buy,1,1.09,0,0' <<<"$output"
	grep -qx 'update,2024-01-03T23:00:00Z,E,o2,expired,0,,day order: end of day' <<<"$output"
	run -2 --separate-stderr qts-sim --tz Mars/Olympus "$BATS_TEST_TMPDIR/e.csv"
	[[ "$stderr" == "qts-sim: --tz: 'Mars/Olympus' is not an installed time zone"* ]]
	run -2 --separate-stderr qts-sim --session 17:00 "$BATS_TEST_TMPDIR/e.csv"
	[[ "$stderr" == "qts-sim: --session: '17:00' is not HH:MM-HH:MM"* ]]
}

@test "--actions with --tz: a split is of its trading day in the zone, whether the bars are stamped at local or UTC midnight; so in qts-broker paper" {
	# 1 A bought at 100; a 2:1 split dated 2024-01-10, the day its bar
	# opens at 50.  Tokyo's bars of qts-fetch --tz start at 15:00 UTC the
	# day before: the split comes before the bar of its date, which is no
	# loss, and the position goes out at the day's start, in time order
	# (it was applied at 00:00 UTC, after that bar: a loss of 50 that day)
	printf 'date,open,high,low,close,volume\n2024-01-08,100,100,100,100,1000\n2024-01-09,100,100,100,100,1000\n2024-01-10,50,50,50,50,1000\n2024-01-11,50,50,50,50,1000\n' > "$BATS_TEST_TMPDIR/d.csv"
	echo '2024-01-10,A,split,2' > "$BATS_TEST_TMPDIR/act.csv"
	cd "$BATS_TEST_TMPDIR"
	for z in Asia/Tokyo America/New_York Europe/Berlin; do
		qts-fetch --tz $z -s A d.csv > bars.csv
		qts-fetch -s A d.csv > utc.csv
		for f in bars.csv utc.csv; do
			run -0 --separate-stderr qts-sim --tz $z --actions act.csv <(qts-strategy buy-hold < $f)
			# every equity event after the buy is 99900 cash and 100 held
			[ "$(grep -c '^equity,.*,99900,100000,100,100,0,0$' <<<"$output")" -eq 3 ]
			# the split's position comes right before the bar of its date
			grep -A1 '^position,.*,A,2,50,100,0,0$' <<<"$output" | tail -1 | grep -q '^bar,.*,A,1d,50,'
			# no event of A's books goes back in time
			grep '^fill,\|^position,' <<<"$output" | cut -d, -f2 | sort -c
			diff <(qts-broker paper --tz $z --actions act.csv <(qts-strategy buy-hold < $f)) - <<<"$output"
		done
	done
	# Tokyo's at its day's start, 15:00 UTC
	run -0 qts-sim --tz Asia/Tokyo --actions act.csv <(qts-fetch --tz Asia/Tokyo -s A d.csv | qts-strategy buy-hold)
	grep -qx 'position,2024-01-09T15:00:00Z,A,2,50,100,0,0' <<<"$output"
}

@test "--instruments and --actions files that start with a byte order mark (Excel's) are read as without it" {
	cd "$BATS_TEST_TMPDIR"
	printf '\357\273\277A,multiplier=5,margin=100\n' >ins.csv
	# the mark before a comment, as before a row
	printf '\357\273\277# splits\n2024-01-03,A,split,2\n' >act.csv
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1\ntarget,2024-01-02T00:00:00Z,A,1,qty,s\nbar,2024-01-03T00:00:00Z,A,1d,5,5,5,5,1\n' >in.csv
	# A of each file is A of the stream: no warning that none matched
	run -0 --separate-stderr qts-sim --instruments ins.csv --actions act.csv in.csv
	[ "$stderr" = "" ]
	grep -q '^position,2024-01-03T00:00:00Z,A,2,' <<<"$output"
}

# The equity at the end, dated at the last market time, went out after a
# cancel of a later time that qts-sim had passed on: out of time order,
# and qts-report refused the stream.
@test "the equity at the end is dated no earlier than a later event of another kind passed on before it" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-02T14:30:00Z,A,1m,10,10,10,10,100' 'order,2024-01-02T14:31:00Z,A,o1,buy,10,market,,,gtc,s' \
		'quote,2024-01-02T14:31:00.5Z,A,9.9,10.1,100,100' 'cancel,2024-01-02T14:32:00Z,A,x' > q.csv
	run -0 qts-sim q.csv
	[ "${lines[7]}" = "position,2024-01-02T14:31:00.500Z,A,10,10.1,101,0,0" ]
	[ "${lines[8]}" = "cancel,2024-01-02T14:32:00Z,A,x" ]
	[ "${lines[9]}" = "equity,2024-01-02T14:32:00Z,99899,99999,100,100,0,-0.9999999999999964" ]
	[ "${#lines[@]}" = 10 ]
	qts-sim q.csv | qts-report > /dev/null
	# books unchanged since the last equity: nothing more after the cancel
	printf '%s\n' 'bar,2024-01-02T14:30:00Z,A,1m,10,10,10,10,100' 'cancel,2024-01-02T14:32:00Z,A,x' > same.csv
	run -0 qts-sim same.csv
	[ "${lines[-1]}" = "cancel,2024-01-02T14:32:00Z,A,x" ]
	# the same across a restart on the input grown since
	head -n 3 q.csv > first.csv
	qts-sim --state S --output-journal J first.csv 2> /dev/null | qts journal J > /dev/null
	qts-sim --state S --output-journal J q.csv | qts journal J > /dev/null
	qts journal cat J | tail -n 2 | cmp - <(qts-sim q.csv | tail -n 2)
}

# A day's bar labelled 00:07 (a change of offset: the next is labelled at
# midnight and starts before it ends): the equity at its end, 00:07 of the
# next day, went out when a bar of the next day closed the group, before
# an order given at the day's midnight, which followed it back in time:
# qts-risk refused the stream, qts pipe took it.
@test "an equity dated past every event given so far waits for that time: an order of before it still in time order" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,F,1d,10,11,9,10,100' 'order,2024-01-01T00:00:00Z,F,b1,buy,10,market,,,gtc,s' \
		'bar,2024-01-02T00:07:00Z,F,1d,10,11,9,10,100' 'bar,2024-01-03T00:00:00Z,AAA,1h,10,11,9,10,100' \
		'bar,2024-01-03T00:00:00Z,F,1d,10,11,9,10,100' 'order,2024-01-03T00:00:00Z,F,s1,sell,10,market,,,gtc,s' > s.csv
	run -0 qts-sim s.csv
	[ "${lines[11]}" = "update,2024-01-03T00:00:00Z,F,s1,accepted,0,," ]
	[ "${lines[12]}" = "equity,2024-01-03T00:07:00Z,99900,100000,100,100,0,0" ]
	[ "${lines[13]}" = "equity,2024-01-04T00:00:00Z,99900,100000,100,100,0,0" ]
	[ "${#lines[@]}" = 14 ]
	qts-sim s.csv | qts-risk | cmp - <(qts pipe 'qts-sim | qts-risk' s.csv)
	qts-broker paper s.csv | qts-risk > /dev/null
	# an event of its time or later lets it out first, as before
	printf '%s\n' 'quote,2024-01-03T00:07:00Z,AAA,9.9,10.1,100,100' >> s.csv
	run -0 qts-sim s.csv
	[ "${lines[12]}" = "equity,2024-01-03T00:07:00Z,99900,100000,100,100,0,0" ]
	[ "${lines[13]}" = "quote,2024-01-03T00:07:00Z,AAA,9.9,10.1,100,100" ]
	# held in the state: a run killed while it holds it, restarted, writes
	# the stream of a run uninterrupted
	qts-sim s.csv > ref.csv
	killed_midstream 5 s.csv '[ "$(qts journal cat J 2> /dev/null | grep -c "^bar,")" = 5 ]' \
		qts-sim --state S --checkpoint-every 1 --output-journal J
	qts journal cat J | grep -q '^position,2024-01-02T00:07:00Z,F,10,'
	! qts journal cat J | grep -q '^equity,2024-01-03T00:07'
	qts-sim --state S --output-journal J s.csv | qts journal J > /dev/null
	qts journal cat J | cmp - ref.csv
}

# A weekly bar after Friday's daily bar closes Friday's group: its equity
# goes out first (at Saturday 00:00), as before.  A tick of Friday noon
# after them followed that equity back in time, exit 0: qts-risk refused
# the stream.
@test "an event dated inside bars whose equity went out is refused as qts-strategy refuses one; a system event goes out at the equity's time" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-04T00:00:00Z,A,1d,10,11,9,10,1000' 'bar,2024-01-05T00:00:00Z,A,1d,10,11,9,10,1000' \
		'bar,2024-01-01T00:00:00Z,A,1w,10,11,9,10,5000' > w.csv
	cp w.csv s.csv
	printf '%s\n' 'tick,2024-01-05T12:00:00Z,A,10.5,10' >> w.csv
	run -1 --separate-stderr qts-sim w.csv
	[ "${lines[3]}" = "equity,2024-01-06T00:00:00Z,100000,100000,0,0,0,0" ]
	[ "${lines[4]}" = "bar,2024-01-01T00:00:00Z,A,1w,10,11,9,10,5000" ]
	[ "$stderr" = "qts-sim: w.csv:4: tick A at 2024-01-05T12:00:00Z comes inside a bar before it, after what this stage made of the bar (dated at its end, 2024-01-06T00:00:00Z): out of time order for the next stage; put it before the bar (a merge by time does)" ]
	run -1 --separate-stderr qts pipe 'qts-sim' w.csv
	[[ "$stderr" == *"w.csv:4: tick A at 2024-01-05T12:00:00Z comes inside a bar before it"* ]]
	printf '%s\n' 'system,2024-01-05T12:00:00Z,qts-fetch,info,hello' 'bar,2024-01-08T00:00:00Z,A,1d,10,11,9,10,1000' >> s.csv
	run -0 qts-sim s.csv
	[ "${lines[5]}" = "system,2024-01-06T00:00:00Z,qts-fetch,info,hello" ]
	qts-sim s.csv | qts-risk > /dev/null
}

@test "--instruments: a symbol on two lines of the file is an error naming both, in every stage that reads it; a flag after the file replaces its contract" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,ES,1d,5000,5010,4990,5005,100' > in.csv
	printf '%s\n' 'ES,multiplier=50,margin=0.1' '# a note' 'ES,multiplier=5,margin=0.1' > two.csv
	for p in qts-sim qts-risk 'qts-broker paper'; do
		run -1 --separate-stderr $p --instruments two.csv in.csv
		[[ "$stderr" == *"two.csv:3: symbol 'ES' is listed twice (line 1 too)"* ]]
	done
	printf '%s\n' 'ES,multiplier=50,margin=0.1' > one.csv
	run -0 --separate-stderr qts-sim --instruments one.csv --instrument ES,multiplier=5,margin=0.1 in.csv
	[ -z "$stderr" ]
}
