#!/usr/bin/env bats
# qts-sim's financing: interest on cash, margin interest on a debit and
# borrow fees on shorts, accrued a calendar day at a time (ACT/360 by
# default) on the balances at the end of the day before.  The expected
# values are computed here, independently, in Python: a day's amount is
# balance x rate / days-a-year, as Interactive Brokers' statements state
# it ("Borrow Fee: (Value x Fee Rate)/360") and as brokers accrue interest.

load helper

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	# One share symbol over a weekend: Thursday, Friday (a buy of 10 at
	# the open, 100), Monday (close 110), Tuesday.
	cat > long.csv <<-EOF
	bar,2024-01-04T00:00:00Z,AAA,1d,100,100,100,100,1000
	target,2024-01-05T00:00:00Z,AAA,10,qty,s
	bar,2024-01-05T00:00:00Z,AAA,1d,100,100,100,100,1000
	bar,2024-01-08T00:00:00Z,AAA,1d,100,110,100,110,1000
	bar,2024-01-09T00:00:00Z,AAA,1d,110,110,110,110,1000
	EOF
}

# The fields of the equity events that financing touches: ts, cash,
# equity, interest, borrow, margin_interest.
fin_fields() {
	grep '^equity,' | cut -d, -f2,3,4,9,10,11
}

# Python's shortest repr is qts's number form (without a trailing .0).
PYFMT='
def f(x):
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s
'

# Cash c from 100000 at 5% a year, ACT/360, and the interest I: days(n)
# accrues n calendar days, each on the balance of the day before.
PYDAYS='
r, c, I = 0.05, 100000.0, 0.0
def days(n):
    global c, I
    for _ in range(n):
        i = c * r / 360; I += i; c += i
'

@test "financing: interest on cash over a weekend, Friday to Monday three calendar days" {
	run -0 qts-sim --cash-rate 0.05 long.csv
	echo "$output" | fin_fields > got
	python3 - > want <<-EOF
	$PYFMT
	$PYDAYS
	print("2024-01-04T00:00:00Z,100000,100000,0,0,0")  # the start: financing is reckoned from here
	days(1)                                   # Thursday, at Friday 00:00
	print("2024-01-05T00:00:00Z,%s,%s,%s,0,0" % (f(c), f(c), f(I)))
	c -= 10.0 * 100.0 * 1.0                   # the buy at Friday's open
	days(1)                                   # Friday
	print("2024-01-06T00:00:00Z,%s,%s,%s,0,0" % (f(c), f(c + 10.0 * 100.0), f(I)))
	days(3)                                   # Saturday, Sunday, Monday
	print("2024-01-09T00:00:00Z,%s,%s,%s,0,0" % (f(c), f(c + 10.0 * 110.0), f(I)))
	days(1)                                   # Tuesday
	print("2024-01-10T00:00:00Z,%s,%s,%s,0,0" % (f(c), f(c + 10.0 * 110.0), f(I)))
	EOF
	diff want got
	# the weekend: Monday's equity carries three days, Friday's one
	python3 - "$(sed -n 3p got | cut -d, -f4)" "$(sed -n 4p got | cut -d, -f4)" <<-'EOF'
	import sys
	fri, mon = map(float, sys.argv[1:])
	assert abs((mon - fri) / (fri - 100000 * 0.05 / 360) - 3) < 1e-3, (fri, mon)
	EOF
}

@test "financing: weeks: an event of a week's end before the week's bar does not accrue it on the books before its fill" {
	# The week of 2024-01-08 is known at 2024-01-15, after qts-risk's
	# "new day" of that time; its bar fills the buy at its open, dated
	# 2024-01-08, so the week's interest is on the cash after the buy.
	cat > wk.csv <<-'E'
	bar,2024-01-01T00:00:00Z,A,1w,10,10,10,10,1000
	order,2024-01-08T00:00:00Z,A,a1,buy,100,market,,,gtc,s
	risk,2024-01-15T00:00:00Z,,daily-loss,resume,new day
	bar,2024-01-08T00:00:00Z,A,1w,10,11,9,10,1000
	risk,2024-01-22T00:00:00Z,,daily-loss,resume,new day
	bar,2024-01-15T00:00:00Z,A,1w,10,11,9,10,1000
	E
	run -0 qts-sim --cash-rate 0.05 wk.csv
	echo "$output" | fin_fields > got
	python3 - > want <<-EOF
	$PYFMT
	$PYDAYS
	print("2024-01-01T00:00:00Z,100000,100000,0,0,0")
	days(7)
	print("2024-01-08T00:00:00Z,%s,%s,%s,0,0" % (f(c), f(c), f(I)))
	c -= 100 * 10.0                           # the buy at the open of 2024-01-08
	days(7)
	print("2024-01-15T00:00:00Z,%s,%s,%s,0,0" % (f(c), f(c + 1000.0), f(I)))
	days(7)
	print("2024-01-22T00:00:00Z,%s,%s,%s,0,0" % (f(c), f(c + 1000.0), f(I)))
	EOF
	diff want got
	grep -qx 'fill,2024-01-08T00:00:00Z,A,a1,buy,100,10,0,0' <<<"$output"
}

@test "financing: --tz and --session change no accrual: it is by UTC date, as documented" {
	# hourly bars across 17:00 Chicago (23:00 UTC, where CME's trading day
	# of 17:00-16:00 turns) and 00:00 UTC
	for t in 05T22:00 05T23:30 06T00:30; do
		printf 'bar,2024-01-%s:00Z,AAA,1h,100,100,100,100,1000\n' $t
	done > hours.csv
	run -0 qts-sim --cash-rate 0.05 hours.csv
	want=$output
	run -0 qts-sim --cash-rate 0.05 --tz America/Chicago --session 17:00-16:00 hours.csv
	[ "$output" = "$want" ]
	# the day's interest (100000 x 0.05 / 360) first at 00:30 UTC, none
	# in the equity of 23:00 UTC, the Chicago trading day's start
	echo "$output" | fin_fields | sed -n 2,3p > got
	printf '%s\n' 2024-01-05T23:00:00Z,100000,100000,0,0,0 \
		2024-01-06T00:30:00Z,100013.88888888889,100013.88888888889,13.88888888888889,0,0 > want
	diff want got
}

@test "financing: --day-count 365 divides by 365 (ACT/365)" {
	run -0 qts-sim --cash-rate 0.05 --day-count 365 long.csv
	first=$(echo "$output" | fin_fields | sed -n 2p) # after the start
	want=$(python3 -c "$PYFMT
c = 100000.0; i = c * 0.05 / 365
print('2024-01-05T00:00:00Z,%s,%s,%s,0,0' % (f(c + i), f(c + i), f(i)))")
	[ "$first" = "$want" ]
	run -0 qts-sim --cash-rate 0.05 --day-count 360 long.csv
	[ "$(echo "$output" | fin_fields | sed -n 2p | cut -d, -f4)" = "$(python3 -c "$PYFMT
print(f(100000.0 * 0.05 / 360))")" ]
}

@test "financing: borrow fees on shorts, per-symbol rates over the default, at the day's closing value" {
	cat > short.csv <<-EOF
	bar,2024-01-04T00:00:00Z,AAA,1d,100,100,100,100,1000
	bar,2024-01-04T00:00:00Z,BBB,1d,50,50,50,50,1000
	bar,2024-01-04T00:00:00Z,CCC,1d,20,20,20,20,1000
	target,2024-01-05T00:00:00Z,AAA,-10,qty,s
	target,2024-01-05T00:00:00Z,BBB,-5,qty,s
	target,2024-01-05T00:00:00Z,CCC,-4,qty,s
	bar,2024-01-05T00:00:00Z,AAA,1d,100,102,100,102,1000
	bar,2024-01-05T00:00:00Z,BBB,1d,50,50,48,48,1000
	bar,2024-01-05T00:00:00Z,CCC,1d,20,20,20,20,1000
	bar,2024-01-08T00:00:00Z,AAA,1d,102,104,102,104,1000
	bar,2024-01-08T00:00:00Z,BBB,1d,48,48,46,46,1000
	bar,2024-01-08T00:00:00Z,CCC,1d,20,20,20,20,1000
	bar,2024-01-09T00:00:00Z,AAA,1d,104,104,104,104,1000
	bar,2024-01-09T00:00:00Z,BBB,1d,46,46,46,46,1000
	bar,2024-01-09T00:00:00Z,CCC,1d,20,20,20,20,1000
	EOF
	# AAA at the default 2%, BBB at its own 30% (the later flag), CCC at 0
	run -0 qts-sim --borrow-rate 0.02 --borrow-rate BBB=0.5 --borrow-rate BBB=0.3 \
		--borrow-rate CCC=0 short.csv
	echo "$output" | fin_fields > got
	python3 - > want <<-EOF
	$PYFMT
	qty = {"AAA": -10.0, "BBB": -5.0, "CCC": -4.0}
	rate = {"AAA": 0.02, "BBB": 0.3, "CCC": 0.0}
	c, B = 100000.0, 0.0
	def days(n, mark):
	    global c, B
	    fee = 0.0
	    for s in ("AAA", "BBB", "CCC"):
	        fee += -(qty[s] * mark[s] * 1.0) * rate[s] / 360
	    for _ in range(n):
	        B += fee; c -= fee
	def equity(mark):
	    e = c
	    for s in ("AAA", "BBB", "CCC"):
	        e += qty[s] * mark[s] * 1.0
	    return e
	print("2024-01-04T00:00:00Z,100000,100000,0,0,0")  # the start
	print("2024-01-05T00:00:00Z,100000,100000,0,0,0")  # Thursday: nothing short
	for s, px in (("AAA", 100.0), ("BBB", 50.0), ("CCC", 20.0)):
	    c -= qty[s] * px * 1.0                           # the sales at Friday's open
	fri = {"AAA": 102.0, "BBB": 48.0, "CCC": 20.0}
	days(1, fri)
	print("2024-01-06T00:00:00Z,%s,%s,0,%s,0" % (f(c), f(equity(fri)), f(B)))
	mon = {"AAA": 104.0, "BBB": 46.0, "CCC": 20.0}
	days(2, fri)                                         # the weekend at Friday's close
	days(1, mon)
	print("2024-01-09T00:00:00Z,%s,%s,0,%s,0" % (f(c), f(equity(mon)), f(B)))
	days(1, mon)
	print("2024-01-10T00:00:00Z,%s,%s,0,%s,0" % (f(c), f(equity(mon)), f(B)))
	EOF
	diff want got
}

@test "financing: rates of symbols none of which is in the stream are said at the end (GME for bars of GME.US)" {
	sed 's/AAA/GME.US/' long.csv > gme.csv
	w="--borrow-rate: no symbol given a rate of its own is a symbol of the stream (GME is not): every short was charged the default rate"
	for p in qts-sim "qts-broker paper"; do
		run -0 --separate-stderr $p --borrow-rate GME=0.5 gme.csv
		[ "$stderr" = "${p%% *}: $w, 0" ]
		run -0 --separate-stderr $p --borrow-rate 0.02 --borrow-rate GME=0.5 gme.csv
		[ "$stderr" = "${p%% *}: $w, 0.02" ]
		# one of them in the stream is enough: a list of many is no mistake
		run -0 --separate-stderr $p --borrow-rate GME=0.5 --borrow-rate GME.US=0.5 gme.csv
		[ -z "$stderr" ]
		run -0 --separate-stderr $p --borrow-rate 0.02 gme.csv
		[ -z "$stderr" ]
	done
}

@test "financing: margin interest on negative cash, interest again once it is positive" {
	cat > margin.csv <<-EOF
	bar,2024-01-04T00:00:00Z,AAA,1d,100,100,100,100,1000
	target,2024-01-05T00:00:00Z,AAA,30,qty,s
	bar,2024-01-05T00:00:00Z,AAA,1d,100,100,100,100,1000
	bar,2024-01-08T00:00:00Z,AAA,1d,100,110,100,110,1000
	target,2024-01-09T00:00:00Z,AAA,0,qty,s
	bar,2024-01-09T00:00:00Z,AAA,1d,110,110,110,110,1000
	EOF
	run -0 qts-sim --cash 1000 --leverage 4 --cash-rate 0.05 --margin-rate 0.08 margin.csv
	echo "$output" | fin_fields > got
	python3 - > want <<-EOF
	$PYFMT
	c, I, M = 1000.0, 0.0, 0.0
	def days(n):
	    global c, I, M
	    for _ in range(n):
	        if c > 0:
	            i = c * 0.05 / 360; I += i; c += i
	        elif c < 0:
	            m = -c * 0.08 / 360; M += m; c -= m
	print("2024-01-04T00:00:00Z,1000,1000,0,0,0")  # the start
	days(1)
	print("2024-01-05T00:00:00Z,%s,%s,%s,0,%s" % (f(c), f(c), f(I), f(M)))
	c -= 30.0 * 100.0 * 1.0                     # the buy: cash goes below zero
	days(1)
	print("2024-01-06T00:00:00Z,%s,%s,%s,0,%s" % (f(c), f(c + 30.0 * 100.0), f(I), f(M)))
	days(3)
	print("2024-01-09T00:00:00Z,%s,%s,%s,0,%s" % (f(c), f(c + 30.0 * 110.0), f(I), f(M)))
	c -= -30.0 * 110.0 * 1.0                    # the sale at Tuesday's open
	days(1)
	print("2024-01-10T00:00:00Z,%s,%s,%s,0,%s" % (f(c), f(c), f(I), f(M)))
	EOF
	diff want got
	# the margin interest stops once cash is positive, the interest resumes
	[ "$(sed -n 4p got | cut -d, -f6)" = "$(sed -n 5p got | cut -d, -f6)" ]
	[ "$(sed -n 4p got | cut -d, -f4)" != "$(sed -n 5p got | cut -d, -f4)" ]
}

@test "financing: without the flags the stream is as before; a rate of 0 writes zeros" {
	run -0 qts-sim long.csv
	plain=$output
	# equity events of 8 fields, no financing
	[ "$(echo "$plain" | grep '^equity,' | awk -F, '{ print NF }' | sort -u)" = 8 ]
	# options of the rates alone would do nothing: refused
	run -2 --separate-stderr qts-sim --day-count 365 long.csv
	[ "${stderr_lines[0]}" = "qts-sim: --day-count divides the yearly rates of --cash-rate, --margin-rate and --borrow-rate, and none is given" ]
	run -2 --separate-stderr qts-sim --borrow-rate 0.1 --no-short long.csv
	[ "${stderr_lines[0]}" = "qts-sim: --borrow-rate with --no-short: no short is ever held to pay it on" ]
	run -0 qts-sim --cash-rate 0 long.csv
	[ "$(echo "$output" | grep '^equity,' | awk -F, '{ print NF }' | sort -u)" = 11 ]
	[ "$(echo "$output" | grep '^equity,' | cut -d, -f9-11 | sort -u)" = "0,0,0" ]
	# the books at the start, from which financing is reckoned, then apart
	# from the three fields the same stream
	[ "${lines[0]}" = "equity,2024-01-04T00:00:00Z,100000,100000,0,0,0,0,0,0,0" ]
	[ "$(echo "$output" | sed 1d | sed 's/^\(equity,.*\),0,0,0$/\1/')" = "$plain" ]
}

@test "financing: equity events with the fields read back, in CSV and msgpack, byte for byte" {
	qts-sim --cash-rate 0.05 --borrow-rate 0.1 long.csv > a.csv
	qts-sim -M --cash-rate 0.05 --borrow-rate 0.1 long.csv > a.mp
	qts cat -M a.csv | cmp - a.mp
	qts cat a.mp | cmp - a.csv
	# and in Parquet (a file of one type), as columns after the others
	grep '^equity,' a.csv > eq.csv
	qts cat --parquet eq.parquet eq.csv
	qts-fetch eq.parquet | cmp - eq.csv
	qts-sim long.csv | grep '^equity,' > eq0.csv
	qts cat --parquet eq0.parquet eq0.csv
	qts-fetch eq0.parquet | cmp - eq0.csv
	# 8 or 11 fields, nothing between
	printf 'equity,2024-01-05T00:00:00Z,1,1,0,0,0,0,1\n' > bad.csv
	run -1 --separate-stderr qts cat bad.csv
	[[ "$stderr" == *"bad.csv:1: equity: expected 8 or 11 fields (type,ts,cash,equity,gross,net,realized_pnl,unrealized_pnl[,interest,borrow,margin_interest]), got 9"* ]]
}

@test "financing: qts-broker paper accrues as qts-sim does" {
	for flags in "--cash-rate 0.05" "--cash 1000 --leverage 4 --margin-rate 0.08 --borrow-rate AAA=0.2"; do
		qts-sim $flags long.csv > sim.csv
		qts-broker paper $flags long.csv > broker.csv
		diff <(grep '^equity,' sim.csv) <(grep '^equity,' broker.csv)
		[ "$(grep -c '^equity,.*,.*,.*,.*,.*,.*,.*,.*,.*,' broker.csv)" -gt 0 ]
	done
	run -2 --separate-stderr qts-broker paper --cash-rate 5% long.csv
	[[ "$stderr" == *"--cash-rate: '5%' is not a rate: give a fraction (0.05 for 5%)"* ]]
}

@test "financing: hostile flags are refused with their reason (exit 2)" {
	check() { # check MESSAGE FLAG...
		local want=$1
		shift
		run -2 --separate-stderr qts-sim "$@" long.csv
		[[ "$stderr" == *"qts-sim: $want"* ]] || { echo "$* -> $stderr"; false; }
		[[ "$stderr" == *"usage: qts-sim"* ]]
		[ -z "$output" ]
	}
	check "--cash-rate: -0.01 is out of range [0, 10] (a fraction a year: 0.05 for 5%)" --cash-rate -0.01
	check "--cash-rate: 10.5 is out of range [0, 10] (a fraction a year: 0.05 for 5%)" --cash-rate 10.5
	check "--cash-rate: 'abc' is not a number (a fraction a year: 0.05 for 5%)" --cash-rate abc
	check "--cash-rate: '' is not a number (a fraction a year: 0.05 for 5%)" --cash-rate ''
	check "--cash-rate: '5%' is not a rate: give a fraction (0.05 for 5%)" --cash-rate 5%
	check "--margin-rate: 'nan' is not a number (a fraction a year: 0.05 for 5%)" --margin-rate nan
	check "--margin-rate: 'inf' is not a number (a fraction a year: 0.05 for 5%)" --margin-rate inf
	check "--borrow-rate: -1 is out of range [0, 10] (a fraction a year: 0.05 for 5%)" --borrow-rate -1
	check "--borrow-rate: '=0.1': a symbol before '=' (SYM=RATE)" --borrow-rate =0.1
	check "--borrow-rate: BBB: '' is not a number (a fraction a year: 0.05 for 5%)" --borrow-rate BBB=
	check "--borrow-rate: BBB: 'x' is not a number (a fraction a year: 0.05 for 5%)" --borrow-rate BBB=x
	check "--borrow-rate: BBB: -0.5 is out of range [0, 10] (a fraction a year: 0.05 for 5%)" --borrow-rate BBB=-0.5
	check "--borrow-rate: BBB: '3%' is not a rate: give a fraction (0.05 for 5%)" --borrow-rate BBB=3%
	check "--borrow-rate: BBB: '0.1=2' is not a number (a fraction a year: 0.05 for 5%)" --borrow-rate BBB=0.1=2
	long=$(printf 'S%.0s' $(seq 40))
	check "--borrow-rate: symbol 'SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS...' is longer than 31 bytes" --borrow-rate "$long=0.1"
	check "--borrow-rate: symbol 'GM\\x7f' holds a control character" --borrow-rate "$(printf 'GM\x7f')=0.1"
	check "--day-count: '366' is neither 360 (ACT/360) nor 365 (ACT/365)" --day-count 366
	check "--day-count: 'act' is neither 360 (ACT/360) nor 365 (ACT/365)" --day-count act
	# the ends of the range are taken
	for ok in "--cash-rate 0" "--cash-rate 10" "--margin-rate 10" "--borrow-rate 10" "--borrow-rate A=0"; do
		run -0 qts-sim $ok long.csv
	done
}

@test "financing: a rate of 100% a year or more is taken with a warning (5 meant as 5%)" {
	run -0 --separate-stderr qts-sim --cash-rate 5 long.csv
	[ "$stderr" = "qts-sim: --cash-rate 5 is 500% a year (a rate is a fraction: 0.05 for 5%)" ]
	# taken as given: 500% a year of interest on the cash
	[ "$output" != "$(qts-sim --cash-rate 0.05 long.csv)" ]
	run -0 --separate-stderr qts-broker paper --margin-rate 1 --borrow-rate 0.2 --borrow-rate AAA=2.5 long.csv
	[ "${stderr_lines[0]}" = "qts-broker: --margin-rate 1 is 100% a year (a rate is a fraction: 0.05 for 5%)" ]
	[ "${stderr_lines[1]}" = "qts-broker: --borrow-rate AAA=2.5 is 250% a year (a rate is a fraction: 0.05 for 5%)" ]
	[ "${#stderr_lines[@]}" = 2 ]
	run -0 --separate-stderr qts-sim --borrow-rate 10 long.csv
	[ "$stderr" = "qts-sim: --borrow-rate 10 is 1000% a year (a rate is a fraction: 0.05 for 5%)" ]
	# below 1: no word
	run -0 --separate-stderr qts-sim --cash-rate 0.99 --margin-rate 0.5 --borrow-rate AAA=0.999 long.csv
	[ -z "$stderr" ]
}

@test "financing: a sim killed and restarted with --state writes the same stream" {
	qts-fetch --seed 7 --count 400 -t 1d synth:AAA,BBB > in.csv
	qts-strategy sma-cross fast=3 slow=8 size=100 in.csv > sig.csv
	# shorts too: BBB's targets turned around
	awk -F, 'BEGIN { OFS = "," } $1 == "target" && $3 == "BBB" { $4 = -$4 } { print }' sig.csv > sig2.csv
	FIN="--cash 3000 --leverage 3 --cash-rate 0.04 --margin-rate 0.07 --borrow-rate 0.01 --borrow-rate BBB=0.25"
	qts-sim $FIN sig2.csv > ref.csv
	[ "$(grep -c '^fill,' ref.csv)" -gt 10 ]
	tail -1 ref.csv | awk -F, '$9 > 0 && $10 > 0 && $11 > 0 { ok = 1 } END { exit !ok }'
	# the first run reads part of the input from a pipe, checkpoints, and
	# is killed; the second reads it all from the state on
	killed_midstream "$(( $(wc -l < sig2.csv) / 2 ))" sig2.csv \
		'[ -s S ] && [ "$(qts journal cat J 2> /dev/null | grep -c "^equity,.*,.*,.*,.*,.*,.*,.*,[1-9]")" -gt 20 ]' \
		qts-sim $FIN --state S --checkpoint-every 20 --output-journal J
	qts-sim $FIN --state S --output-journal J sig2.csv | qts journal J > /dev/null
	qts journal cat J > got.csv
	cmp got.csv ref.csv
}

@test "financing: on ORCL 2014 daily bars, the accruals follow the cash of the same run without them" {
	[ -f "$DATA/orcl-2014.txt" ] || skip "shared data not present"
	qts-fetch -s ORCL "$DATA/orcl-2014.txt" | qts-strategy sma-cross fast=10 slow=30 size=100 > sig.csv
	# 100 shares near 40 on 2000 of cash: a debit while held, cash when not
	qts-sim --cash 2000 --leverage 3 sig.csv > base.csv
	qts-sim --cash 2000 --leverage 3 --cash-rate 0.03 --margin-rate 0.09 sig.csv > fin.csv
	# the same fills (targets are in shares)
	diff <(grep '^fill,' base.csv) <(grep '^fill,' fin.csv)
	python3 - base.csv fin.csv <<-'EOF'
	import sys, datetime
	def equities(path):
	    out = []
	    for line in open(path):
	        f = line.rstrip("\n").split(",")
	        if f[0] == "equity":
	            out.append(f)
	    return out
	base, fin = equities(sys.argv[1]), equities(sys.argv[2])
	# financing's run starts with the books before its first day
	assert fin[0][1:8] == ["2014-01-02T00:00:00Z", "2000", "2000", "0", "0", "0", "0"], fin[0]
	fin = fin[1:]
	assert len(base) == len(fin) > 200
	def day(ts):
	    return datetime.date.fromisoformat(ts[:10]).toordinal()
	# Daily bars: the equity at the close of day D (ts D+1 00:00) holds the
	# cash at the end of D; the days between two equity events (weekends,
	# holidays) keep the earlier one's balance; all of it plus what has
	# accrued, day by day on 360.
	acc, I, M = 0.0, 0.0, 0.0
	prev = None
	for b, f in zip(base, fin):
	    end = day(b[1])
	    first = end - 1 if prev is None else prev[0]
	    for d in range(first, end):
	        cash = (float(b[2]) if d == end - 1 else prev[1]) + acc
	        if cash > 0:
	            i = cash * 0.03 / 360; I += i; acc += i
	        elif cash < 0:
	            m = -cash * 0.09 / 360; M += m; acc -= m
	    prev = (end, float(b[2]))
	    for got, want in ((float(f[8]), I), (float(f[10]), M), (float(f[2]), float(b[2]) + acc)):
	        assert abs(got - want) <= 1e-9 * max(1.0, abs(want)), (f, got, want)
	    assert f[9] == "0"
	assert I > 0 and M > 0, (I, M)
	print("interest %.4f, margin interest %.4f" % (I, M))
	EOF
}

@test "financing: qts pipe and qts sweep run the same engine with the flags" {
	qts-fetch --seed 3 --count 300 -t 1d synth:AAA > in.csv
	qts-strategy sma-cross fast=3 slow=8 size=100 in.csv | qts-sim --cash-rate 0.05 --borrow-rate 0.1 > shell.csv
	qts pipe 'qts-strategy sma-cross fast=3 slow=8 size=100 | qts-sim --cash-rate 0.05 --borrow-rate 0.1' in.csv > pipe.csv
	cmp shell.csv pipe.csv
	run -0 qts sweep -j 1 'qts-strategy sma-cross fast=3 slow=$s size=100 | qts-sim --cash-rate $r' s=8 r=0,0.05 in.csv
	# the run with interest ends higher than the one without, by its interest
	with=$(echo "$output" | awk -F, '$3 == "0.05" { print $8 }')
	without=$(echo "$output" | awk -F, '$3 == "0" { print $8 }')
	fin=$(qts-strategy sma-cross fast=3 slow=8 size=100 in.csv | qts-sim --cash-rate 0.05 | grep '^equity,' | tail -1)
	[ "$(echo "$fin" | cut -d, -f4)" = "$with" ]
	python3 -c "assert $with > $without"
	[ "$without" = "$(qts-strategy sma-cross fast=3 slow=8 size=100 in.csv | qts-sim | grep '^equity,' | tail -1 | cut -d, -f4)" ]
}

@test "financing: qts-report shows the totals with the costs, only when the equity events carry them" {
	qts-sim --cash 500 --leverage 4 --cash-rate 0.05 --margin-rate 0.08 --borrow-rate 0.1 long.csv > fin.csv
	qts-sim long.csv > plain.csv
	last=$(grep '^equity,' fin.csv | tail -1)
	I=$(echo "$last" | cut -d, -f9) B=$(echo "$last" | cut -d, -f10) M=$(echo "$last" | cut -d, -f11)
	# text: after Total slippage, in money
	run -0 qts-report fin.csv
	echo "$output" | grep -A3 '^Total slippage' > rows
	python3 - "$I" "$B" "$M" <<-'EOF2'
	import sys
	I, B, M = map(float, sys.argv[1:])
	rows = open("rows").read().split("\n")
	want = ["Total interest", "Total borrow fees", "Total margin interest"]
	for row, label, v in zip(rows[1:4], want, (I, B, M)):
	    assert row == "%-28s %16s" % (label, "%.2f" % v), (row, label, v)
	assert I > 0 and M > 0 and B == 0
	EOF2
	# JSON and CSV: the cumulative amounts of the last equity event
	run -0 qts-report --json fin.csv
	echo "$output" | grep -qx "  \"total_interest\": $I,"
	echo "$output" | grep -qx "  \"total_borrow\": $B,"
	echo "$output" | grep -qx "  \"total_margin_interest\": $M,"
	run -0 qts-report --csv fin.csv
	[ "$(echo "$output" | grep -A3 '^total_slippage,' | tail -3 | tr '\n' ' ')" = \
		"total_interest,$I total_borrow,$B total_margin_interest,$M " ]
	# a stream without them: no such rows
	for fmt in "" --json --csv; do
		run -0 qts-report $fmt plain.csv
		! echo "$output" | grep -qi 'interest\|borrow' || false
	done
	# side by side: '-' and an empty field for the run without them
	run -0 qts-report --compare fin.csv plain.csv
	echo "$output" | grep -q '^Total margin interest  .* [0-9.]*  *-$'
	run -0 qts-report --compare --csv fin.csv plain.csv
	echo "$output" | grep -qx "total_interest,$I,"
	# the tearsheet's metrics table
	qts-report --html page.html fin.csv > /dev/null
	grep -q '<tr data-key="total_interest"><td class="l">Total interest</td>' page.html
	qts-report --html plain.html plain.csv > /dev/null
	! grep -q 'total_interest' plain.html || false
}
