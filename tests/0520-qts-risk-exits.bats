#!/usr/bin/env bats
# qts-risk's exits and drawdown breaches: an exit is a target of 0 for
# every strategy, which qts-sim resolves against what it really holds (so a
# long-only strategy never ends up short through a risk rule); a drawdown
# breach lifted by a cool-down or a recovery; messages without -0.

load helper

bar() { printf 'bar,%s,%s,1m,%s,%s,%s,%s,1000\n' "$1" "$2" "$3" "$3" "$3" "$3"; }

# Positions qts-sim reported short, one line each.
shorts() { awk -F, '$1 == "position" && $4 < 0' "$1"; }

sma_cross() { # FILE RISK-FLAGS...: the pipeline of a long-only sma-cross
	local f=$1
	shift
	qts-fetch "$DATA/$f" | qts-strategy sma-cross fast=10 slow=30 weight=0.5 |
		qts-risk "$@" | qts-sim >"$BATS_TEST_TMPDIR/out"
}

@test "a long-only sma-cross with --stop-loss never ends up short (ORCL, YHOO)" {
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	for f in orcl-1995-2014.txt yhoo-1996-2014.txt; do
		sma_cross $f --stop-loss 0.05
		n=$(grep -c '^risk,[^,]*,[^,]*,stop-loss,flatten,' "$BATS_TEST_TMPDIR/out")
		[ "$n" -ge 10 ]
		# every exit is a target, no quantity guessed upstream
		[ "$(grep -c '^target,[^,]*,[^,]*,0,qty,\*$' "$BATS_TEST_TMPDIR/out")" = "$n" ]
		[ -z "$(shorts "$BATS_TEST_TMPDIR/out")" ]
	done
}

@test "after an exit, a strategy's order that opens the other side is said at the end: it was not told of the exit" {
	# long 10 from o1, the stop-loss flattens at 90; the strategy, not
	# told, places its protective sell stop for the 10 it presumes held:
	# in qts-sim it would open a short of 10
	{
		bar 2024-01-02T00:00:00Z A 100
		printf 'order,2024-01-03T00:00:00Z,A,o1,buy,10,market,,,gtc,s\n'
		bar 2024-01-03T00:00:00Z A 100
		bar 2024-01-04T00:00:00Z A 90
	} > "$BATS_TEST_TMPDIR/head.csv"
	{
		cat "$BATS_TEST_TMPDIR/head.csv"
		printf 'order,2024-01-05T00:00:00Z,A,o2,sell,10,stop,,85,gtc,s\n'
		printf 'order,2024-01-05T00:00:00Z,A,o3,sell,10,stop,,84,gtc,s\n'
		bar 2024-01-05T00:00:00Z A 91
	} > "$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr qts-risk --stop-loss 0.05 "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" == *"risk,2024-01-04T00:01:00Z,A,stop-loss,flatten,"* ]]
	# two orders past flat after one exit are one mistake, said once
	[ "$stderr" = "qts-risk: after 1 exit here, the strategy's orders took a position past flat to the other side (the first: A's order o2 at 2024-01-05T00:00:00Z): it was not told of the exit; feed the fills back to it and to qts-risk (--feedback)" ]
	# the same on B: a second exit
	{
		cat "$BATS_TEST_TMPDIR/in.csv"
		sed 's/,A,/,B,/; s/,o\([0-9]\),/,b\1,/; s/2024-01-0/2024-01-1/' "$BATS_TEST_TMPDIR/in.csv"
	} > "$BATS_TEST_TMPDIR/two.csv"
	run -0 --separate-stderr qts-risk --stop-loss 0.05 "$BATS_TEST_TMPDIR/two.csv"
	[ "$(grep -c ',stop-loss,flatten,' <<< "$output")" = 2 ]
	[[ "$stderr" == "qts-risk: after 2 exits here, the strategy's orders took "*"(the first: A's order o2 at "*"): it was not told of the exits; "* ]]
	# a checkpoint carries the count: restarted on the whole input, it
	# goes on after what it has done
	head -n -2 "$BATS_TEST_TMPDIR/in.csv" > "$BATS_TEST_TMPDIR/one.csv"
	run -0 --separate-stderr qts-risk --stop-loss 0.05 --state "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/one.csv"
	[[ "$stderr" == "qts-risk: after 1 exit here, "* ]]
	run -0 --separate-stderr qts-risk --stop-loss 0.05 --state "$BATS_TEST_TMPDIR/st" "$BATS_TEST_TMPDIR/two.csv"
	[[ "$stderr" == "qts-risk: after 2 exits here, "*"(the first: A's order o2 at "* ]]
	# with fills in the stream they are the truth, and the strategy that
	# sent them is taken to know of the exit: nothing is said
	{
		bar 2024-01-02T00:00:00Z A 100
		printf 'order,2024-01-03T00:00:00Z,A,o1,buy,10,market,,,gtc,s\n'
		printf 'fill,2024-01-03T00:00:00Z,A,o1,buy,10,100,0,0\n'
		bar 2024-01-03T00:00:00Z A 100
		bar 2024-01-04T00:00:00Z A 90
		printf 'order,2024-01-05T00:00:00Z,A,o2,sell,10,stop,,85,gtc,s\n'
		bar 2024-01-05T00:00:00Z A 91
	} > "$BATS_TEST_TMPDIR/fills.csv"
	run -0 --separate-stderr qts-risk --stop-loss 0.05 "$BATS_TEST_TMPDIR/fills.csv"
	[[ "$output" == *"risk,2024-01-04T00:01:00Z,A,stop-loss,flatten,"* ]]
	[ -z "$stderr" ]
	# a target after the exit says where to be: its short is meant
	{
		cat "$BATS_TEST_TMPDIR/head.csv"
		printf 'target,2024-01-05T00:00:00Z,A,0,qty,s\n'
		printf 'order,2024-01-05T00:00:00Z,A,o2,sell,10,stop,,85,gtc,s\n'
	} > "$BATS_TEST_TMPDIR/target.csv"
	run -0 --separate-stderr qts-risk --stop-loss 0.05 "$BATS_TEST_TMPDIR/target.csv"
	[ -z "$stderr" ]
	# so does an order back on the long side, and an order that only
	# reduces what is working
	{
		cat "$BATS_TEST_TMPDIR/head.csv"
		printf 'order,2024-01-05T00:00:00Z,A,o2,buy,5,market,,,gtc,s\n'
		printf 'order,2024-01-05T00:00:00Z,A,o3,sell,10,stop,,85,gtc,s\n'
	} > "$BATS_TEST_TMPDIR/back.csv"
	run -0 --separate-stderr qts-risk --stop-loss 0.05 "$BATS_TEST_TMPDIR/back.csv"
	[ -z "$stderr" ]
}

@test "without fills fed back, a stop order counts as held only once a price reaches it" {
	# A buy stop at 105 that the first bar does not reach, then a fall:
	# taken as filled when approved, the stop's "long" lost 7.6% and its
	# exit canceled the stop in qts-sim before the price came to it.
	{
		printf 'bar,2024-01-02T00:00:00Z,A,1d,100,100,100,100,1000\n'
		printf 'order,2024-01-03T00:00:00Z,A,s1,buy,10,stop,,105,gtc,t\n'
		printf 'bar,2024-01-03T00:00:00Z,A,1d,100,101,97,97,1000\n'
		printf 'bar,2024-01-04T00:00:00Z,A,1d,98,106,98,105.5,1000\n'
		printf 'bar,2024-01-05T00:00:00Z,A,1d,105.5,105.5,102,102,1000\n'
		printf 'bar,2024-01-06T00:00:00Z,A,1d,101,101,101,101,1000\n'
	} | qts-risk --stop-loss 0.02 | qts-sim >"$BATS_TEST_TMPDIR/out"
	run grep -c '^risk,' "$BATS_TEST_TMPDIR/out"
	[ "$output" = 1 ]
	grep -qx 'fill,2024-01-04T00:00:00Z,A,s1,buy,10,105,0,0' "$BATS_TEST_TMPDIR/out"
	# the stop-loss is measured from 105: 102 is a loss beyond 2%
	grep -q '^risk,2024-01-06T00:00:00Z,A,stop-loss,flatten,price 102 vs average 105: loss beyond 0.02$' "$BATS_TEST_TMPDIR/out"
	grep -qx 'fill,2024-01-06T00:00:00Z,A,\*-A-1,sell,10,101,0,0' "$BATS_TEST_TMPDIR/out"
}

@test "ORCL 2014: donchian-breakout's stops take no exit of a position qts-sim never had" {
	[ -f "$DATA/orcl-2014.txt" ] || skip "shared data not present"
	qts-fetch "$DATA/orcl-2014.txt" | qts-strategy donchian-breakout stop=1 |
		qts-risk --stop-loss 0.02 | qts-sim >"$BATS_TEST_TMPDIR/out"
	# every fill is the strategy's own stop: no exit sold what was held
	[ "$(grep -c '^fill,' "$BATS_TEST_TMPDIR/out")" -ge 10 ]
	! grep -q '^fill,[^,]*,[^,]*,\*-' "$BATS_TEST_TMPDIR/out" || false
	# and an exit comes only of a loss qts-sim had: long from the stop price
	! grep -q '^risk,.*stop-loss,flatten' "$BATS_TEST_TMPDIR/out" || false
	[ -z "$(shorts "$BATS_TEST_TMPDIR/out")" ]
}

@test "--take-profit, --trailing-stop and a drawdown flatten never turn a long short" {
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	for f in orcl-1995-2014.txt yhoo-1996-2014.txt; do
		sma_cross $f --take-profit 0.1 --trailing-stop 0.08 --max-drawdown 0.2 --on-drawdown flatten \
			--drawdown-cooldown 30d
		grep -q ',take-profit,flatten,' "$BATS_TEST_TMPDIR/out"
		grep -q ',trailing-stop,flatten,' "$BATS_TEST_TMPDIR/out"
		grep -q ',max-drawdown,flatten,' "$BATS_TEST_TMPDIR/out"
		[ -z "$(shorts "$BATS_TEST_TMPDIR/out")" ]
	done
}

@test "qts-sim: a target for strategy * cancels working orders and sets the whole position" {
	T=2024-01-02T14
	run -0 qts-sim < <(bar $T:30:00Z A 100
		printf 'target,%s:31:00Z,A,10,qty,s1\ntarget,%s:31:00Z,A,5,qty,s2\n' $T $T
		bar $T:31:00Z A 100
		printf 'order,%s:32:00Z,A,lim,buy,7,limit,90,,gtc,s1\n' $T
		printf 'target,%s:32:00Z,A,0,qty,*\n' $T
		printf 'bar,%s:32:00Z,A,1m,100,100,85,95,1000\n' $T
		printf 'target,%s:33:00Z,A,3,qty,s1\n' $T
		bar $T:33:00Z A 95)
	# the limit order is canceled before the exit is ordered: only the 15 held are sold
	grep -qx "update,$T:32:00Z,A,lim,canceled,0,,replaced by a target for every strategy" <<<"$output"
	grep -qx "update,$T:32:00Z,A,\*-A-3,new,0,,target 0: sell 15 market" <<<"$output"
	grep -qx "fill,$T:32:00Z,A,\*-A-3,sell,15,100,0,0" <<<"$output"
	! grep -q '^fill,.*,lim,' <<<"$output" || false
	# s2's target of 5 is forgotten: s1's 3 is the whole position
	grep -qx "update,$T:33:00Z,A,s1-A-4,new,0,,target 3: buy 3 market" <<<"$output"
	[ "$(awk -F, '$1 == "position" { q = $4 } END { print q }' <<<"$output")" = 3 ]
}

@test "qts-sim: a target for * during a partial fill sells what was filled, no more" {
	T=2024-01-02T14
	run -0 qts-sim --max-participation 0.1 < <(bar $T:30:00Z A 100
		printf 'target,%s:31:00Z,A,300,qty,s\n' $T
		bar $T:31:00Z A 100
		printf 'target,%s:32:00Z,A,0,qty,*\n' $T
		bar $T:32:00Z A 100
		bar $T:33:00Z A 100)
	# 10% of 1000 a bar: 100 of 300 bought when the exit comes
	grep -qx "update,$T:32:00Z,A,s-A-1,canceled,100,100,replaced by a target for every strategy" <<<"$output"
	grep -qx "fill,$T:32:00Z,A,\*-A-2,sell,100,100,0,0" <<<"$output"
	[ "$(grep -c '^fill,' <<<"$output")" = 2 ]
	[ "$(awk -F, '$1 == "position" { q = $4 } END { print q }' <<<"$output")" = 0 ]
}

@test "an exit on the bar the strategy leaves: flat, never short in between" {
	T=2024-01-02T14
	run -0 qts-sim < <(bar $T:30:00Z A 100
		printf 'target,%s:31:00Z,A,10,qty,s\n' $T
		bar $T:31:00Z A 100
		printf 'target,%s:32:00Z,A,0,qty,*\ntarget,%s:32:00Z,A,0,qty,s\n' $T $T
		bar $T:32:00Z A 90)
	[ "$(grep -c '^fill,' <<<"$output")" = 2 ]
	grep -qx "fill,$T:32:00Z,A,\*-A-2,sell,10,90,0,0" <<<"$output"
	[ -z "$(shorts <(printf '%s\n' "$output"))" ]
}

@test "fills fed back: no stop on a long that a working market order turns short; the short's stops from its fill on" {
	# 10 A long at 100; the strategy turns it short (sell 20 at market);
	# the next bar, which fills that order at its open (100) in qts-sim,
	# comes here before its fill does: its close of 80 is no stop-loss
	# of the long sold, and would flatten the short, in profit, instead
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,100,100,100,100,1000' \
		'target,2024-01-02T00:00:00Z,A,10,qty,s' \
		'fill,2024-01-02T00:00:00Z,A,s-A-1,buy,10,100,0,0' \
		'bar,2024-01-02T00:00:00Z,A,1d,100,100,100,100,1000' \
		'target,2024-01-03T00:00:00Z,A,-10,qty,s' \
		'bar,2024-01-03T00:00:00Z,A,1d,100,100,80,80,1000' > "$BATS_TEST_TMPDIR/turn.csv"
	run -0 qts-risk --stop-loss 0.1 "$BATS_TEST_TMPDIR/turn.csv"
	[[ "$output" != *risk,* ]]
	[[ "$output" != *'qty,*'* ]]
	# once its fill is back, the short's own stop-loss: 115 against 100
	printf '%s\n' 'fill,2024-01-04T00:00:00Z,A,s-A-2,sell,20,100,0,0' \
		'bar,2024-01-04T00:00:00Z,A,1d,100,115,100,115,1000' >> "$BATS_TEST_TMPDIR/turn.csv"
	run -0 qts-risk --stop-loss 0.1 "$BATS_TEST_TMPDIR/turn.csv"
	[ "$(echo "$output" | grep -c '^risk,')" = 1 ]
	[[ "$output" == *"risk,2024-01-05T00:00:00Z,A,stop-loss,flatten,price 115 vs average 100: loss beyond 0.1"* ]]
	# a market order that only reduces the long leaves its stop on
	sed 's/^target,2024-01-03T00:00:00Z,A,-10,/target,2024-01-03T00:00:00Z,A,5,/' "$BATS_TEST_TMPDIR/turn.csv" | head -6 > "$BATS_TEST_TMPDIR/part.csv"
	run -0 qts-risk --stop-loss 0.1 "$BATS_TEST_TMPDIR/part.csv"
	[[ "$output" == *"risk,2024-01-04T00:00:00Z,A,stop-loss,flatten,price 80 vs average 100: loss beyond 0.1"* ]]
}

@test "--drawdown-cooldown lifts a breach and restarts the peak" {
	run -0 qts-risk --max-drawdown 0.1 --drawdown-cooldown 1h < <(
		bar 2024-01-02T14:30:00Z A 100
		printf 'target,2024-01-02T14:31:00Z,A,1000,qty,s\n'
		bar 2024-01-02T14:32:00Z A 85
		printf 'target,2024-01-02T14:34:00Z,A,1200,qty,s\n'
		bar 2024-01-02T15:32:00Z A 85
		printf 'target,2024-01-02T15:34:00Z,A,1200,qty,s\n')
	[ "${lines[3]}" = "risk,2024-01-02T14:33:00Z,,max-drawdown,breach,drawdown 0.15 beyond 0.1 (equity 85000; peak 100000)" ]
	[ "${lines[4]}" = "risk,2024-01-02T14:34:00Z,A,max-drawdown,reject,target 1200 qty: position 1000; allowed up to 1000" ]
	[ "${lines[6]}" = "risk,2024-01-02T15:33:00Z,,max-drawdown,resume,cool-down over (breach at 2024-01-02T14:33:00Z): peak restarts at equity 85000" ]
	[ "${lines[7]}" = "target,2024-01-02T15:34:00Z,A,1200,qty,s" ]
}

@test "--drawdown-resume lifts a breach once the equity recovers" {
	run -0 qts-risk --max-drawdown 0.1 --drawdown-resume 0.05 < <(
		bar 2024-01-02T14:30:00Z A 100
		printf 'target,2024-01-02T14:31:00Z,A,1000,qty,s\n'
		bar 2024-01-02T14:32:00Z A 85
		bar 2024-01-02T14:33:00Z A 94
		bar 2024-01-02T14:34:00Z A 95)
	[ "${lines[3]}" = "risk,2024-01-02T14:33:00Z,,max-drawdown,breach,drawdown 0.15 beyond 0.1 (equity 85000; peak 100000)" ]
	[ "${lines[4]}" = "bar,2024-01-02T14:33:00Z,A,1m,94,94,94,94,1000" ]
	[ "${lines[6]}" = "risk,2024-01-02T14:35:00Z,,max-drawdown,resume,drawdown 0.05 back within 0.05 (equity 95000; peak 100000)" ]
}

@test "drawdown resume options: rules file, and the errors" {
	printf 'max-drawdown 0.2\ndrawdown-cooldown 30d\ndrawdown-resume 0.1\n' >"$BATS_TEST_TMPDIR/rules"
	run -0 qts-risk --rules "$BATS_TEST_TMPDIR/rules" </dev/null
	run -2 --separate-stderr qts-risk --drawdown-cooldown 1d </dev/null
	[ "$stderr" = "qts-risk: drawdown-cooldown needs max-drawdown" ]
	run -2 --separate-stderr qts-risk --drawdown-resume 0.1 </dev/null
	[ "$stderr" = "qts-risk: drawdown-resume needs max-drawdown" ]
	run -2 --separate-stderr qts-risk --max-drawdown 0.3 --drawdown-resume 0.3 </dev/null
	[ "$stderr" = "qts-risk: drawdown-resume 0.3 must be below max-drawdown 0.3" ]
	run -2 --separate-stderr qts-risk --max-drawdown 0.3 --drawdown-cooldown 0 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --drawdown-cooldown: '0' is not a duration above 0 (10s, 30m, 5d...)" ]
	run -2 --separate-stderr qts-risk --max-drawdown 0.3 --drawdown-resume 1.5 </dev/null
	[[ "${stderr_lines[0]}" == "qts-risk: --drawdown-resume: "* ]]
}

@test "YHOO: a breach without a way back trades no more; a cool-down trades again" {
	[ -f "$DATA/yhoo-1996-2014.txt" ] || skip "shared data not present"
	pipe() {
		qts-fetch "$DATA/yhoo-1996-2014.txt" | qts-strategy sma-cross fast=10 slow=30 weight=1 |
			qts-risk --max-drawdown 0.3 "$@" | qts-sim >"$BATS_TEST_TMPDIR/out"
	}
	pipe
	grep -q '^risk,1998-09-01T00:00:00Z,,max-drawdown,breach,' "$BATS_TEST_TMPDIR/out"
	[ "$(awk -F, '$1 == "fill" && $2 > "1998-09-03"' "$BATS_TEST_TMPDIR/out" | wc -l)" = 0 ]
	pipe --drawdown-cooldown 90d
	grep -q '^risk,1998-12-01T00:00:00Z,,max-drawdown,resume,cool-down over (breach at 1998-09-01T00:00:00Z)' \
		"$BATS_TEST_TMPDIR/out"
	[ "$(awk -F, '$1 == "fill" && $2 > "2010"' "$BATS_TEST_TMPDIR/out" | wc -l)" -gt 10 ]
	# flatten: no position is held through a breach past the next bar
	pipe --on-drawdown flatten --drawdown-cooldown 90d
	run awk -F, '
		$1 == "risk" && $5 == "breach" { due = 1; next }
		due && $1 == "bar" { due = 2; next }
		due == 2 && $1 == "position" { if ($4 != 0) bad++; due = 0 }
		END { print bad + 0 }' "$BATS_TEST_TMPDIR/out"
	[ "$output" = 0 ]
}

@test "a quote with an empty side values nothing: no stop from half the ask" {
	# A bid of 0 is no bid (a vendor's one-sided quote before the open):
	# its mid, half the ask, is no price; qts-sim neither fills a sell at
	# it nor marks at it, so the stop-loss must not take it for a loss of
	# half the position.
	T=2024-01-02T14:30
	q() { printf 'quote,%s,A,%s,%s,5,5\n' "$@"; }
	in=$(q $T:00Z 99.9 100.1
		printf 'target,%s:01Z,A,10,qty,s\n' $T
		q $T:02Z 99.9 100.1
		q $T:03Z 0 100.1
		q $T:04Z 99.9 0
		q $T:05Z 99.9 100.1
		q $T:06Z 90 90.2)
	run -0 qts-risk --stop-loss 0.05 <<<"$in"
	# only the real fall, mid 90.1 against 100 (-9.9%), is a loss
	[ "$(grep -c '^risk,' <<<"$output")" = 1 ]
	grep -qx "risk,$T:06Z,A,stop-loss,flatten,price 90.1 vs average 100: loss beyond 0.05" <<<"$output"
	# through qts-sim: no exit, and the equity at the last whole mid,
	# 100000 - 10 * 100.1 + 10 * 100 (to rounding)
	run -0 sh -c 'qts-risk --stop-loss 0.05 | qts-sim' <<<"$(q $T:00Z 99.9 100.1
		printf 'target,%s:01Z,A,10,qty,s\n' $T
		q $T:02Z 99.9 100.1
		q $T:03Z 0 100.1)"
	! grep -q '^target,.*,\*$' <<<"$output" || false
	awk -F, '$1 == "equity" { ok = $4 > 99998.99 && $4 < 99999.01 } END { exit !ok }' <<<"$output"
}

@test "a bound of zero is printed as 0, never -0" {
	run -0 qts-risk --max-position 0 < <(bar 2024-01-02T14:30:00Z A 10
		printf 'target,2024-01-02T14:31:00Z,A,-5,qty,s\n')
	[ "${lines[1]}" = "risk,2024-01-02T14:31:00Z,A,max-position,reject,target -5 qty: position 0; allowed down to 0" ]
	run -0 qts-risk --max-position-pct 0 < <(bar 2024-01-02T14:30:00Z A 10
		printf 'target,2024-01-02T14:31:00Z,A,-0.5,weight,s\n')
	[ "${lines[1]}" = "risk,2024-01-02T14:31:00Z,A,max-position-pct,reject,target -0.5 weight: position 0; allowed down to 0" ]
}

@test "qts-risk(1) renders without broken nested quotes" {
	command -v mandoc >/dev/null || skip "mandoc not installed"
	# the text as a terminal shows it: overstrikes (bold, underline) removed
	run -0 sh -c 'mandoc -Tutf8 "$1" | sed "s/.\x08//g"' sh "$BATS_TEST_DIRNAME/../man/qts-risk.1"
	! grep -q "’’" <<<"$output" || false
	! grep -q "‘[^’]*‘" <<<"$output" || false
	grep -q "for example ‘10/1s’ or ‘100/1m’; ‘10/s’ means ‘10/1s’" <<<"$output"
}

@test "without fills fed back, an order given before its symbol's first price is held from that price on, and its stops act" {
	# qts-sim fills the market buy at the open of B's first bar (100);
	# the view waited for that price for ever, so no stop ever saw the
	# position lose 40%.
	{
		printf 'bar,2024-01-02T00:00:00Z,A,1d,50,50,50,50,1000\n'
		printf 'order,2024-01-03T00:00:00Z,B,o1,buy,10,market,,,gtc,t\n'
		printf 'target,2024-01-03T00:00:00Z,C,-5,qty,t\n'
		printf 'bar,2024-01-03T00:00:00Z,B,1d,100,100,99,99,1000\n'
		printf 'bar,2024-01-03T00:00:00Z,C,1d,20,20,20,20,1000\n'
		printf 'bar,2024-01-04T00:00:00Z,B,1d,99,99,97,97,1000\n'
		printf 'bar,2024-01-04T00:00:00Z,C,1d,20,22,20,22,1000\n'
		printf 'bar,2024-01-05T00:00:00Z,B,1d,97,97,60,60,1000\n'
		printf 'bar,2024-01-05T00:00:00Z,C,1d,22,22,22,22,1000\n'
	} | qts-risk --stop-loss 0.05 | qts-sim >"$BATS_TEST_TMPDIR/out"
	grep -qx 'fill,2024-01-03T00:00:00Z,B,o1,buy,10,100,0,0' "$BATS_TEST_TMPDIR/out"
	grep -qx 'fill,2024-01-03T00:00:00Z,C,t-C-1,sell,5,20,0,0' "$BATS_TEST_TMPDIR/out"
	# measured from the fills' prices, the opens: 99 and 97 are no loss
	# beyond 5% of 100, 60 is; the short of C from 20 loses 10% at 22
	run grep '^risk,' "$BATS_TEST_TMPDIR/out"
	[ "${lines[0]}" = "risk,2024-01-05T00:00:00Z,C,stop-loss,flatten,price 22 vs average 20: loss beyond 0.05" ]
	[ "${lines[1]}" = "risk,2024-01-06T00:00:00Z,B,stop-loss,flatten,price 60 vs average 100: loss beyond 0.05" ]
	[ "${#lines[@]}" = 2 ]
}

@test "a target for * before the next price gives back the orders taken as filled: no exit of a position qts-sim never took" {
	# qts-sim cancels st-B-1 unfilled, makes no exit order, and refuses
	# st-B-2 (--no-short); with its updates in the input the view gives
	# that back.  It counted an exit order of its own for the buy it had
	# taken as filled, so took st-B-2 for another order, held the short
	# qts-sim refused, and stopped it out when the price rose.
	{
		printf 'bar,2024-01-01T00:00:00Z,B,1d,100,100,100,100,1000\n'
		printf 'target,2024-01-02T00:00:00Z,B,10,qty,st\n'
		printf 'target,2024-01-02T00:00:00Z,B,0,qty,*\n'
		printf 'bar,2024-01-02T00:00:00Z,B,1d,100,100,100,100,1000\n'
		printf 'target,2024-01-03T00:00:00Z,B,-10,qty,st\n'
		printf 'bar,2024-01-03T00:00:00Z,B,1d,100,100,100,100,1000\n'
		printf 'bar,2024-01-04T00:00:00Z,B,1d,100,110,100,110,1000\n'
		printf 'bar,2024-01-05T00:00:00Z,B,1d,110,110,110,110,1000\n'
	} >"$BATS_TEST_TMPDIR/in.csv"
	qts-risk --stop-loss 0.05 "$BATS_TEST_TMPDIR/in.csv" | qts-sim --no-short >"$BATS_TEST_TMPDIR/out"
	grep -qx 'update,2024-01-02T00:00:00Z,B,st-B-1,canceled,0,,replaced by a target for every strategy' "$BATS_TEST_TMPDIR/out"
	grep -qx 'update,2024-01-03T00:00:00Z,B,st-B-2,rejected,0,,no-short: would leave B short 10' "$BATS_TEST_TMPDIR/out"
	[ -z "$(grep '^fill,' "$BATS_TEST_TMPDIR/out")" ]
	grep '^update,' "$BATS_TEST_TMPDIR/out" >"$BATS_TEST_TMPDIR/back.csv"
	qts-fetch "$BATS_TEST_TMPDIR/in.csv" "$BATS_TEST_TMPDIR/back.csv" | qts-risk --stop-loss 0.05 >"$BATS_TEST_TMPDIR/replay"
	[ -z "$(grep '^risk,' "$BATS_TEST_TMPDIR/replay")" ]
	# taken as filled and not yet given a price, the buy is gone with
	# the exit: the flatten writes its target, and no order of its own
	{
		printf 'bar,2024-01-01T00:00:00Z,B,1d,100,100,100,100,1000\n'
		printf 'target,2024-01-02T00:00:00Z,B,10,qty,st\n'
		printf 'target,2024-01-02T00:00:00Z,B,0,qty,*\n'
		printf 'order,2024-01-02T00:00:00Z,B,o1,buy,5,market,,,gtc,st\n'
		printf 'bar,2024-01-02T00:00:00Z,B,1d,100,100,90,90,1000\n'
		printf 'bar,2024-01-03T00:00:00Z,B,1d,90,90,90,90,1000\n'
	} | qts-risk --stop-loss 0.05 | qts-sim >"$BATS_TEST_TMPDIR/out"
	grep -qx 'fill,2024-01-02T00:00:00Z,B,o1,buy,5,100,0,0' "$BATS_TEST_TMPDIR/out"
	grep -qx 'fill,2024-01-03T00:00:00Z,B,\*-B-2,sell,5,90,0,0' "$BATS_TEST_TMPDIR/out"
}
