#!/usr/bin/env bats
# qts-risk --actions: the splits, dividends and delistings qts-sim applies
# with --actions, applied to the risk view the same way, so that a split
# in unadjusted prices is no loss, a dividend is cash and a delisted
# symbol holds nothing and takes no order.  Expected values are worked
# from qts-risk(1) and qts-sim(1) by hand.

load helper

bar() { printf 'bar,%s,%s,1d,%s,%s,%s,%s,1000\n' "$1" "$2" "$3" "$3" "$3" "$3"; }

setup() {
	A=$BATS_TEST_TMPDIR/actions.csv
	printf 'date,symbol,action,value\n2024-01-04,A,split,2\n' > "$A"
	# 10 A bought at 100; a 2-for-1 split; 48 after it, a loss of 4%
	{
		bar 2024-01-02T00:00:00Z A 100
		printf 'target,2024-01-03T00:00:00Z,A,10,qty,s\n'
		bar 2024-01-03T00:00:00Z A 100
		bar 2024-01-04T00:00:00Z A 50
		bar 2024-01-05T00:00:00Z A 48
	} > "$BATS_TEST_TMPDIR/split.csv"
}

@test "--actions: a split in unadjusted prices is no loss to the stops; without it, it is one" {
	run -0 qts-risk --stop-loss 0.05 "$BATS_TEST_TMPDIR/split.csv"
	# the trap: 50 against an average of 100 looks like a 50% loss
	[[ "$output" == *"risk,2024-01-05T00:00:00Z,A,stop-loss,flatten,price 50 vs average 100: loss beyond 0.05"* ]]
	run -0 --separate-stderr qts-risk --stop-loss 0.05 --actions "$A" "$BATS_TEST_TMPDIR/split.csv"
	[[ "$output" != *risk,* ]]
	[ -z "$stderr" ]
	# at 5% the split's 20 at an average of 50 exit at 47.5 or below
	printf '%s\n' "$(bar 2024-01-08T00:00:00Z A 47.5)" >> "$BATS_TEST_TMPDIR/split.csv"
	run -0 qts-risk --stop-loss 0.05 --actions "$A" "$BATS_TEST_TMPDIR/split.csv"
	[ "$(grep -c '^risk,' <<<"$output")" = 1 ]
	[[ "$output" == *"risk,2024-01-09T00:00:00Z,A,stop-loss,flatten,price 47.5 vs average 50: loss beyond 0.05"* ]]
}

@test "--actions: after a split the position is in the new shares, as qts-sim holds it" {
	printf 'target,2024-01-06T00:00:00Z,A,25,qty,s\n' >> "$BATS_TEST_TMPDIR/split.csv"
	run -0 qts-risk --max-position 22 --actions "$A" "$BATS_TEST_TMPDIR/split.csv"
	# 20 held (10 x 2): 2 more allowed, not 12
	[[ "$output" == *"risk,2024-01-06T00:00:00Z,A,max-position,reduce,target 25 reduced to 22"* ]]
	qts-risk --actions "$A" "$BATS_TEST_TMPDIR/split.csv" | qts-sim --actions "$A" > "$BATS_TEST_TMPDIR/out"
	grep -q '^position,2024-01-04T00:00:00Z,A,20,50,' "$BATS_TEST_TMPDIR/out"
}

@test "--actions: a dividend is cash in the view's equity, a contract's paid on its multiplier, as qts-sim pays it" {
	# all in: 10 shares at 100 of 1000, or 1 contract of multiplier 10;
	# at 89 the drawdown is 11%, beyond 10%, unless a dividend of 2 a
	# share (2 x 10 = 20; for the contract 2 x 1 x 10, where 2 without
	# the multiplier would leave 10.8%, still a breach) came before: then 9%
	printf '2024-01-04,A,dividend,2\n' > "$BATS_TEST_TMPDIR/div-actions.csv"
	for held in "10" "1 --instrument A,multiplier=10"; do
		set -- $held
		local qty=$1
		shift
		{
			bar 2024-01-02T00:00:00Z A 100
			printf 'target,2024-01-03T00:00:00Z,A,%s,qty,s\n' "$qty"
			bar 2024-01-03T00:00:00Z A 100
			bar 2024-01-05T00:00:00Z A 89
		} > "$BATS_TEST_TMPDIR/div.csv"
		run -0 qts-risk --cash 1000 "$@" --max-drawdown 0.1 "$BATS_TEST_TMPDIR/div.csv"
		[[ "$output" == *"risk,2024-01-06T00:00:00Z,,max-drawdown,breach,drawdown 0.11 beyond 0.1 (equity 890; peak 1000)"* ]]
		run -0 qts-risk --cash 1000 "$@" --max-drawdown 0.1 --actions "$BATS_TEST_TMPDIR/div-actions.csv" \
			"$BATS_TEST_TMPDIR/div.csv"
		[[ "$output" != *risk,* ]]
		# qts-sim's books agree: cash 20, equity 890 + 20 at the last bar's end
		qts-risk --cash 1000 "$@" --actions "$BATS_TEST_TMPDIR/div-actions.csv" "$BATS_TEST_TMPDIR/div.csv" |
			qts-sim --cash 1000 "$@" --actions "$BATS_TEST_TMPDIR/div-actions.csv" > "$BATS_TEST_TMPDIR/out"
		grep -q '^equity,2024-01-06T00:00:00Z,20,910,' "$BATS_TEST_TMPDIR/out"
	done
}

@test "--actions: a delisted symbol holds nothing in the view and takes no order or target" {
	printf '2024-01-04,A,delist\n' > "$BATS_TEST_TMPDIR/delist.csv"
	{
		bar 2024-01-02T00:00:00Z A 100
		bar 2024-01-02T00:00:00Z B 10
		printf 'target,2024-01-03T00:00:00Z,A,10,qty,s\n'
		bar 2024-01-03T00:00:00Z A 100
		bar 2024-01-03T00:00:00Z B 10
		bar 2024-01-04T00:00:00Z A 90
		bar 2024-01-04T00:00:00Z B 10
		printf 'target,2024-01-05T00:00:00Z,B,5,qty,s\n'
		printf 'target,2024-01-05T00:00:00Z,A,3,qty,s\n'
		printf 'order,2024-01-05T00:00:00Z,A,o1,buy,1,market,,,day,s\n'
	} > "$BATS_TEST_TMPDIR/in.csv"
	# without it, A still counts: B is refused by --max-positions 1
	run -0 qts-risk --max-positions 1 "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" == *"risk,2024-01-05T00:00:00Z,B,max-positions,"* ]]
	run -0 qts-risk --max-positions 1 --actions "$BATS_TEST_TMPDIR/delist.csv" "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" == *"target,2024-01-05T00:00:00Z,B,5,qty,s"* ]]
	[[ "$output" != *"B,max-positions"* ]]
	[[ "$output" == *"risk,2024-01-05T00:00:00Z,A,actions,reject,target 3 qty: A was delisted at 2024-01-04T00:00:00Z"* ]]
	[[ "$output" == *"risk,2024-01-05T00:00:00Z,A,actions,reject,order o1: A was delisted at 2024-01-04T00:00:00Z"* ]]
	# the bar after the delisting passes on, and moves nothing
	[[ "$output" == *"bar,2024-01-04T00:00:00Z,A,1d,90,90,90,90,1000"* ]]
}

@test "--actions: a contract delisted at a price of 0 or below is closed there in the view, as qts-sim closes it" {
	printf '2024-01-04,CL,delist\n' > "$BATS_TEST_TMPDIR/delist.csv"
	{
		bar 2024-01-02T00:00:00Z B 10
		bar 2024-01-02T00:00:00Z CL 1
		printf 'target,2024-01-03T00:00:00Z,CL,10,qty,s\n'
		bar 2024-01-03T00:00:00Z B 10
		bar 2024-01-03T00:00:00Z CL -2
		printf 'target,2024-01-05T00:00:00Z,B,5,qty,s\n'
		bar 2024-01-05T00:00:00Z B 10
	} > "$BATS_TEST_TMPDIR/in.csv"
	# qts-sim sells the 10 CL at -2 (fill delist-CL) and holds nothing
	run -0 qts-sim --instrument CL,multiplier=10 --actions "$BATS_TEST_TMPDIR/delist.csv" "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" == *"fill,2024-01-04T00:00:00Z,CL,delist-CL,sell,10,-2,0,0"* ]]
	# so the view holds no CL either: B is a first position, not a second
	run -0 qts-risk --max-positions 1 --instrument CL,multiplier=10 --actions "$BATS_TEST_TMPDIR/delist.csv" "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" == *"target,2024-01-05T00:00:00Z,B,5,qty,s"* ]]
	[[ "$output" != *max-positions* ]]
}

@test "--actions: from a rules file, in --list, and the file's faults" {
	printf 'actions %s\n' "$A" > "$BATS_TEST_TMPDIR/rules"
	run -0 qts-risk --rules "$BATS_TEST_TMPDIR/rules" --stop-loss 0.05 "$BATS_TEST_TMPDIR/split.csv"
	[[ "$output" != *risk,* ]]
	run -0 qts-risk --actions "$A" --list
	[[ "$output" == *"actions                $A "* ]]
	run -0 qts-risk --list
	[[ "$output" == *"actions                -  "* ]]
	printf '2024-01-04,A,split,0\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr qts-risk --actions "$BATS_TEST_TMPDIR/bad.csv" "$BATS_TEST_TMPDIR/split.csv"
	[[ "$stderr" == "qts-risk: $BATS_TEST_TMPDIR/bad.csv:1: split ratio: "* ]]
	run -1 --separate-stderr qts-risk --actions "$BATS_TEST_TMPDIR/none.csv" "$BATS_TEST_TMPDIR/split.csv"
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/none.csv: No such file or directory" ]
	run -2 --separate-stderr qts-risk --actions '' "$BATS_TEST_TMPDIR/split.csv"
	[[ "$stderr" == "qts-risk: --actions: an empty file name"* ]]
	printf '2024-01-04T12:00:00Z,A,split,2\n' > "$BATS_TEST_TMPDIR/noon.csv"
	run -1 --separate-stderr qts-risk --actions "$BATS_TEST_TMPDIR/noon.csv" "$BATS_TEST_TMPDIR/split.csv"
	[[ "$stderr" == "qts-risk: $BATS_TEST_TMPDIR/noon.csv:1: '2024-01-04T12:00:00Z' is not a date (YYYY-MM-DD)"* ]]
}

@test "--actions of no symbol the stream has prices of (a typo): none applied, and said at the end" {
	printf '2024-01-04,AA,split,2\n' > "$BATS_TEST_TMPDIR/typo.csv"
	run -0 --separate-stderr qts-risk --stop-loss 0.05 --actions "$BATS_TEST_TMPDIR/typo.csv" "$BATS_TEST_TMPDIR/split.csv"
	[ "$stderr" = "qts-risk: --actions $BATS_TEST_TMPDIR/typo.csv: no action is of a symbol the stream has prices of (AA is not): none was applied" ]
	[[ "$output" == *"A,stop-loss,flatten"* ]]
}

@test "--actions in qts pipe: the same output as the shell pipeline" {
	qts-risk --stop-loss 0.05 --actions "$A" "$BATS_TEST_TMPDIR/split.csv" | qts-sim --actions "$A" > "$BATS_TEST_TMPDIR/shell"
	qts pipe "qts-risk --stop-loss 0.05 --actions $A | qts-sim --actions $A" < "$BATS_TEST_TMPDIR/split.csv" > "$BATS_TEST_TMPDIR/pipe"
	cmp "$BATS_TEST_TMPDIR/shell" "$BATS_TEST_TMPDIR/pipe"
}

@test "--actions with --state: a split applied before a checkpoint is not applied again after it" {
	S=$BATS_TEST_TMPDIR/risk.state
	head -n 4 "$BATS_TEST_TMPDIR/split.csv" > "$BATS_TEST_TMPDIR/first.csv"
	cp "$BATS_TEST_TMPDIR/split.csv" "$BATS_TEST_TMPDIR/all.csv"
	printf '%s\n' "$(bar 2024-01-08T00:00:00Z A 47.5)" >> "$BATS_TEST_TMPDIR/all.csv"
	# the first run ends after the split's bar: its state holds the split
	run -0 qts-risk --stop-loss 0.05 --actions "$A" --state "$S" "$BATS_TEST_TMPDIR/first.csv"
	run -0 qts-risk --stop-loss 0.05 --actions "$A" --state "$S" "$BATS_TEST_TMPDIR/all.csv"
	# the restart writes what follows: 20 at an average of 50, the stop
	# at 47.5 once; a split applied twice would hold 40 at 25
	[ "$(grep -c '^bar,' <<<"$output")" = 2 ]
	[ "$(grep -c '^risk,' <<<"$output")" = 1 ]
	[[ "$output" == *"price 47.5 vs average 50: loss beyond 0.05"* ]]
}

@test "--tz and --session: a day order waiting for its price ends with qts-sim's trading day, not the UTC date" {
	# a day limit at 17:30 in Chicago (23:30 UTC), reached at 00:30 UTC:
	# the same CME trading day; qts-sim fills it, and so the view holds
	# it, so that --max-position 1 refuses one more
	printf '%s\n' 'bar,2024-01-02T23:29:00Z,E,1m,1.1,1.1,1.1,1.1,10' \
		'order,2024-01-02T23:30:00Z,E,o1,buy,1,limit,1.09,,day,s' \
		'bar,2024-01-02T23:30:00Z,E,1m,1.1,1.1,1.1,1.1,10' \
		'bar,2024-01-03T00:30:00Z,E,1m,1.1,1.1,1.08,1.09,10' \
		'order,2024-01-03T00:31:00Z,E,o2,buy,1,market,,,day,s' > "$BATS_TEST_TMPDIR/e.csv"
	run -0 qts-risk --max-position 1 --tz America/Chicago --session 17:00-16:00 "$BATS_TEST_TMPDIR/e.csv"
	[[ "$output" == *"risk,2024-01-03T00:31:00Z,E,max-position,reject,order o2: position 1; allowed up to 1"* ]]
	# by UTC dates it ended unfilled at 00:30: o2 is approved
	run -0 qts-risk --max-position 1 "$BATS_TEST_TMPDIR/e.csv"
	[[ "$output" == *"order,2024-01-03T00:31:00Z,E,o2,buy,1,market,,,day,s"* ]]
	[[ "$output" != *risk,* ]]
	run -0 qts-risk --tz America/Chicago --session 17:00-16:00 --list
	[[ "$output" == *"tz                     America/Chicago "* ]]
	[[ "$output" == *"session                17:00-16:00 "* ]]
	run -2 --separate-stderr qts-risk --tz Mars/Olympus "$BATS_TEST_TMPDIR/e.csv"
	[[ "$stderr" == "qts-risk: --tz: 'Mars/Olympus' is not an installed time zone"* ]]
	run -2 --separate-stderr qts-risk --session 17:00 "$BATS_TEST_TMPDIR/e.csv"
	[[ "$stderr" == "qts-risk: --session: '17:00' is not HH:MM-HH:MM"* ]]
}

@test "--actions with --tz: a split is of its trading day in the zone, no loss on the bar of its date stamped at local midnight" {
	# Tokyo's bars of qts-fetch --tz start at 15:00 UTC the day before:
	# applied at 00:00 UTC, the split came after the bar of its date, at
	# half the price, which flattened at --stop-loss
	printf 'date,open,high,low,close,volume\n2024-01-03,100,100,100,100,1000\n2024-01-04,50,50,50,50,1000\n2024-01-05,48,48,48,48,1000\n' > "$BATS_TEST_TMPDIR/d.csv"
	qts-fetch --tz Asia/Tokyo -s A "$BATS_TEST_TMPDIR/d.csv" > "$BATS_TEST_TMPDIR/tk.csv"
	{
		head -1 "$BATS_TEST_TMPDIR/tk.csv"
		printf 'target,2024-01-02T15:00:00Z,A,10,qty,s\n'
		tail -n +2 "$BATS_TEST_TMPDIR/tk.csv"
	} > "$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr qts-risk --tz Asia/Tokyo --stop-loss 0.05 --actions "$A" "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" != *risk,* ]]
	[ -z "$stderr" ]
	# in the view as qts-sim holds it: 20 at 50
	qts-risk --tz Asia/Tokyo --actions "$A" "$BATS_TEST_TMPDIR/in.csv" | qts-sim --tz Asia/Tokyo --actions "$A" > "$BATS_TEST_TMPDIR/out"
	grep -q '^position,2024-01-03T15:00:00Z,A,20,50,' "$BATS_TEST_TMPDIR/out"
}
