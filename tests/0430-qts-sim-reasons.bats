#!/usr/bin/env bats
# qts-sim: the reasons of refusals and targets over a book of several
# symbols, to the last digit.  The exposure is a sum over every symbol;
# its cents are printf's (%.2f, halfway cases to even, as C's printf
# rounds the exact binary value), %.6g past 1e15, and %g for a target's
# numbers.  Every figure is worked by hand in the comments.

load helper

wide() {
	cat > "$BATS_TEST_TMPDIR/wide.csv" <<'CSV'
bar,2024-01-01,A,1d,0.125,0.125,0.125,0.125,1000000
bar,2024-01-01,B,1d,10,10,10,10,1000000
bar,2024-01-01,C,1d,1000000,1000000,1000000,1000000,1000000
order,2024-01-01,A,a1,buy,1,market,,,gtc,t
order,2024-01-01,B,b1,buy,100,market,,,gtc,t
order,2024-01-01,B,b2,buy,300,market,,,gtc,t
order,2024-01-01,C,c1,buy,2000000000,market,,,gtc,t
target,2024-01-01,B,1000000,qty,s
target,2024-01-01,A,-0.5,qty,s
CSV
}

@test "a refusal's exposure over several symbols: cents of the exact sum, halfway to even; %.6g from 1e15" {
	wide
	run -0 qts-sim --cash 1000 "$BATS_TEST_TMPDIR/wide.csv"
	# a1 working: 1 x 0.125 = 0.125 <= 1000.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,a1,accepted,0,,'
	# b1: 0.125 + 100 x 10 = 1000.125, exactly halfway: 1000.12.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,b1,rejected,0,,insufficient cash: exposure 1000.12 > 1 x equity 1000.00'
	# b2: 0.125 + 300 x 10 = 3000.125: 3000.12.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,b2,rejected,0,,insufficient cash: exposure 3000.12 > 1 x equity 1000.00'
	# c1: 0.125 + 2e9 x 1e6 = 2e15, past 1e15: significant digits.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,C,c1,rejected,0,,insufficient cash: exposure 2e+15 > 1 x equity 1000'
	# The target of 1e6 B: an order of 1e6 (%g), exposure 0.125 + 1e7.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,s-B-1,new,0,,target 1e+06: buy 1e+06 market'
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,s-B-1,rejected,0,,insufficient cash: exposure 10000000.12 > 1 x equity 1000.00'
	# -0.5 A in whole units is 0: sell the 1 working; exposure falls, accepted.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,s-A-1,new,0,,target 0: sell 1 market'
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,s-A-1,accepted,0,,'
}

@test "the same book with --leverage 2.5 --fractional" {
	wide
	run -0 qts-sim --cash 1000 --leverage 2.5 --fractional "$BATS_TEST_TMPDIR/wide.csv"
	# b1: 1000.125 <= 2.5 x 1000.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,b1,accepted,0,,'
	# b2: 0.125 + (100 + 300) x 10 = 4000.125 > 2500: 4000.12.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,b2,rejected,0,,insufficient cash: exposure 4000.12 > 2.5 x equity 1000.00'
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,C,c1,rejected,0,,insufficient cash: exposure 2e+15 > 2.5 x equity 1000'
	# 1e6 B less the 100 working: 999900; exposure 0.125 + 1e6 x 10.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,s-B-1,new,0,,target 1e+06: buy 999900 market'
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,B,s-B-1,rejected,0,,insufficient cash: exposure 10000000.12 > 2.5 x equity 1000.00'
	# -0.5 A, fractional, with 1 working: sell 1.5.
	echo "$output" | grep -qx 'update,2024-01-01T00:00:00Z,A,s-A-1,new,0,,target -0.5: sell 1.5 market'
}
