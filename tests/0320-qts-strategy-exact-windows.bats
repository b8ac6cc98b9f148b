#!/usr/bin/env bats
# Moving averages from exact window sums: on ORCL 1995-2014, SMA(10) and
# SMA(30) of 2004-06-29 are both 11.375 and sma-cross crosses when
# backtrader does, on every bar of the twenty years.  Reference values:
# backtrader 1.9.78.123, see the fixture's header.

load helper

setup() {
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
}

@test "sma: ORCL 2004-06-29, SMA(10) and SMA(30) are both 11.375, as backtrader's" {
	run -0 --separate-stderr sh -c 'qts-fetch -s ORCL "$1" | qts-strategy --print "sma(close,10),sma(close,30)" | grep "^2004-06-\(28\|29\|30\)T"' sh "$DATA/orcl-1995-2014.txt"
	# backtrader: 11.369 11.369333333333334 / 11.375 11.375 / 11.433 11.394
	[ "${lines[0]}" = "2004-06-28T00:00:00Z,ORCL,11.369,11.369333333333334" ]
	[ "${lines[1]}" = "2004-06-29T00:00:00Z,ORCL,11.375,11.375" ]
	[ "${lines[2]}" = "2004-06-30T00:00:00Z,ORCL,11.433,11.394" ]
}

@test "sma-cross: no cross on ORCL 2004-06-29 where the averages are equal, a cross up the day after" {
	run -0 --separate-stderr sh -c 'qts-fetch -s ORCL "$1" | qts-strategy sma-cross fast=10 slow=30 | grep -A1 "^bar,2004-06-\(29\|30\)T"' sh "$DATA/orcl-1995-2014.txt"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[0]%%,*}" = bar ]
	[ "${lines[1]%%,*}" = bar ]
	[ "${lines[2]}" = "target,2004-07-01T00:00:00Z,ORCL,1,qty,sma-cross" ]
}

@test "sma-cross fast=10 slow=30: every cross of ORCL 1995-2014 on backtrader's bar" {
	# a target follows the bar whose close made it: name it by that bar
	qts-fetch -s ORCL "$DATA/orcl-1995-2014.txt" | qts-strategy sma-cross fast=10 slow=30 |
		awk -F, '$1 == "bar" { d = substr($2, 1, 10) } $1 == "target" { print d, $4 }' >"$BATS_TEST_TMPDIR/got"
	grep -v '^#' "$FIX/strategy/orcl-sma-cross-10-30-backtrader.txt" >"$BATS_TEST_TMPDIR/want"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want")" -eq 196 ]
	diff "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
}

@test "the same cross as an expression agrees" {
	qts-fetch -s ORCL "$DATA/orcl-1995-2014.txt" |
		qts-strategy -e 'target = cross(sma(close,10), sma(close,30)) ? 1 : cross(sma(close,30), sma(close,10)) ? 0 : target' |
		awk -F, '$1 == "bar" { d = substr($2, 1, 10) } $1 == "target" { print d, $4 }' >"$BATS_TEST_TMPDIR/got"
	run -0 grep '^2004-06-' "$BATS_TEST_TMPDIR/got"
	[ "$output" = "2004-06-18 1
2004-06-23 0
2004-06-30 1" ]
}
