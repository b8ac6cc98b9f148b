#!/usr/bin/env bats
# qts-risk's exits: an exit is a target of 0 for
# every strategy, which qts-sim resolves against what it really holds (so a
# long-only strategy never ends up short through a risk rule); messages
# without -0.

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
	! grep -q '^fill,.*,lim,' <<<"$output"
	# s2's target of 5 is forgotten: s1's 3 is the whole position
	grep -qx "update,$T:33:00Z,A,s1-A-4,new,0,,target 3: buy 3 market" <<<"$output"
	[ "$(awk -F, '$1 == "position" { q = $4 } END { print q }' <<<"$output")" = 3 ]
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
	! grep -q "’’" <<<"$output"
	! grep -q "‘[^’]*‘" <<<"$output"
	grep -q "for example ‘10/1s’ or ‘100/1m’; ‘10/s’ means ‘10/1s’" <<<"$output"
}
