#!/usr/bin/env bats
# qts-strategy: cross-sectional functions (rank, pct_rank, zscore,
# demean, count) over every symbol's bar of one time, checked against an
# independent computation (tests/0340-cross-section.py, Python standard
# library only) on real data, then the hostile cases: one symbol, all
# nan, ties, a missing symbol, a symbol that ends (delisted), a late bar.

load helper

REF=$BATS_TEST_DIRNAME/0340-cross-section.py
PROG='target = rank(roc(close,20)) <= 3 ? 0.3 : 0'

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# Ten symbols of real daily bars from $DATA: each (stock, year) is a
# symbol, its first 240 sessions dated on the first 240 sessions of 2014
# (orcl-2014.txt), so that all ten trade on the same days.
ten() {
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	awk -F, 'NR > 1 && NR <= 241 { print $1 }' "$DATA/orcl-2014.txt" >dates
	for spec in ORCL:orcl-1995-2014:2012 ORCL:orcl-1995-2014:2013 ORCL:orcl-1995-2014:2014 \
		NVDA:nvda-1999-2014:2012 NVDA:nvda-1999-2014:2013 NVDA:nvda-1999-2014:2014 \
		YHOO:yhoo-1996-2014:2011 YHOO:yhoo-1996-2014:2012 YHOO:yhoo-1996-2014:2013 \
		YHOO:yhoo-1996-2014:2014; do
		IFS=: read -r s f y <<<"$spec"
		awk -F, -v s="$s$y" -v y="$y" 'NR == FNR { d[FNR] = $1; next }
			index($1, y "-") == 1 && ++n <= 240 {
				printf "bar,%s,%s,1d,%s,%s,%s,%s,%s\n", d[n], s, $2, $3, $4, $5, $7 }' \
			dates "$DATA/$f.txt"
	done | sort -t, -k2,2 -s >ten.csv
	[ "$(wc -l <ten.csv)" -eq 2400 ]
}

# Two CSV tables field by field: text exactly, numbers within 1e-9
# relative, an empty field (nan) only against an empty one.
same_table() {
	awk -F, 'function bad(a, b,   d, m) {
			if (a == "" || b == "" || a !~ /^-?[0-9]/) return a != b
			d = a - b; if (d < 0) d = -d; m = b < 0 ? -b : b; if (m < 1) m = 1
			return d > 1e-9 * m
		}
		NR == FNR { want[FNR] = $0; n = FNR; next }
		{ k = split(want[FNR], w, ","); split($0, g, ",")
		  for (i = 1; i <= k; i++) if (bad(g[i], w[i])) { print "line " FNR ": " $0 " want " want[FNR]; bad_n++; break } }
		END { if (FNR != n) { print "lines: " FNR " want " n; bad_n++ } exit bad_n > 0 }' "$1" "$2"
}

@test "the three best 20-bar rates of change of ten symbols, as computed independently" {
	ten
	python3 "$REF" targets 20 <ten.csv >want
	[ "$(wc -l <want)" -gt 100 ]
	run -0 --separate-stderr qts-strategy --unit weight -e "$PROG" ten.csv
	[ -z "$stderr" ]
	diff <(printf '%s\n' "${lines[@]}" | grep '^target,') want
	# every bar passes through, unchanged and in order
	diff <(printf '%s\n' "${lines[@]}" | grep -v '^target,' | sed 's/T00:00:00Z//') \
		<(sed 's/,\([0-9.]*\)0*,/,\1,/g' ten.csv | qts cat | sed 's/T00:00:00Z//')
	# a rank assigned to a variable first is the same program
	run -0 qts-strategy --unit weight -e 'r = rank(roc(close,20)); target = r <= 3 ? 0.3 : 0' ten.csv
	diff <(printf '%s\n' "${lines[@]}" | grep '^target,') want
}

@test "rank, pct_rank, zscore, demean and count, as computed independently" {
	ten
	python3 "$REF" values 20 <ten.csv >want
	qts-strategy --print 'rank(roc(close,20)),pct_rank(roc(close,20)),zscore(roc(close,20)),demean(roc(close,20)),count()' \
		ten.csv >got.csv
	[ "$(head -n 1 got.csv)" = 'ts,symbol,"rank(roc(close,20))","pct_rank(roc(close,20))","zscore(roc(close,20))","demean(roc(close,20))",count()' ]
	tail -n +2 got.csv | sed 's/T00:00:00Z//' >got
	same_table got want
	# the first 20 sessions warm up: ranks empty, count 10
	[ "$(sed -n 1p got)" = "2014-01-02,ORCL2012,,,,,10" ]
}

@test "qts-sim holds the three best at every session, in a shell pipeline and in qts pipe" {
	ten
	python3 "$REF" held 20 <ten.csv | head -n -1 | cut -d' ' -f2- >want
	# a buy may come before the sale it replaces, at the same open: leverage 2
	qts-strategy --unit weight -e "$PROG" ten.csv | qts-sim --leverage 2 >sim.csv
	! grep -q ',rejected,' sim.csv || false
	# the positions after session d's open are the best three of d - 1
	python3 "$REF" sim <sim.csv | tail -n +2 | cut -d' ' -f2- >got
	diff got want
	[ "$(awk 'NF == 3' want | wc -l)" -eq 219 ]
	qts pipe "qts-strategy --unit weight -e '$PROG' | qts-sim --leverage 2" ten.csv >pipe.csv
	cmp sim.csv pipe.csv
}

@test "a time's output follows its last bar, before the next time, in input order, at each bar's end" {
	printf '%s\n' 'bar,2024-01-01,B,1d,1,20,1,20,1' 'bar,2024-01-01,A,1d,1,10,1,10,1' \
		'bar,2024-01-01,C,1d,1,30,1,30,1' 'tick,2024-01-02T09:30:00Z,A,10,1' \
		'bar,2024-01-02,A,1d,1,40,1,40,1' 'bar,2024-01-02,C,1d,1,5,1,5,1' >in.csv
	run -0 --separate-stderr qts-strategy -e 'target = rank(close)' in.csv
	[ "${lines[3]}" = "target,2024-01-02T00:00:00Z,B,2,qty,expr" ]
	[ "${lines[4]}" = "target,2024-01-02T00:00:00Z,A,3,qty,expr" ]
	[ "${lines[5]}" = "target,2024-01-02T00:00:00Z,C,1,qty,expr" ]
	[ "${lines[6]}" = "tick,2024-01-02T09:30:00Z,A,10,1" ]
	# B has no bar on 01-02: out of that cross-section, its target stands
	[ "${lines[9]}" = "target,2024-01-03T00:00:00Z,A,1,qty,expr" ]
	[ "${lines[10]}" = "target,2024-01-03T00:00:00Z,C,2,qty,expr" ]
	[ "${#lines[@]}" -eq 11 ]
	# a program without a cross-sectional function is not held
	run -0 qts-strategy -e 'target = close' in.csv
	[ "${lines[1]}" = "target,2024-01-02T00:00:00Z,B,20,qty,expr" ]
}

@test "a missing symbol is out of that time's cross-section: count and ranks without it" {
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-01,B,1d,1,20,1,20,1' \
		'bar,2024-01-01,C,1d,1,30,1,30,1' 'bar,2024-01-02,A,1d,1,10,1,10,1' \
		'bar,2024-01-02,C,1d,1,30,1,30,1' 'bar,2024-01-03,A,1d,1,10,1,10,1' \
		'bar,2024-01-03,B,1d,1,20,1,20,1' 'bar,2024-01-03,C,1d,1,30,1,30,1' >in.csv
	run -0 qts-strategy --print 'rank(close),pct_rank(close),zscore(close),demean(close),count()' in.csv
	[ "${lines[4]}" = "2024-01-02T00:00:00Z,A,2,0.5,-1,-10,2" ]
	[ "${lines[5]}" = "2024-01-02T00:00:00Z,C,1,1,1,10,2" ]
	[ "${lines[6]}" = "2024-01-03T00:00:00Z,A,3,0.3333333333333333,-1.224744871391589,-10,3" ]
	[ "${#lines[@]}" -eq 9 ]
}

@test "one symbol: rank 1, pct_rank 1, zscore nan, demean 0, count 1" {
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-02,A,1d,1,11,1,11,1' >in.csv
	run -0 qts-strategy --print 'rank(close),pct_rank(close),zscore(close),demean(close),count()' in.csv
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,A,1,1,,0,1" ]
	[ "${lines[2]}" = "2024-01-02T00:00:00Z,A,1,1,,0,1" ]
}

@test "all nan: every symbol out, nothing written, count still counts the bars" {
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-01,B,1d,1,20,1,20,1' \
		'bar,2024-01-02,A,1d,1,11,1,11,1' 'bar,2024-01-02,B,1d,1,21,1,21,1' >in.csv
	run -0 qts-strategy --print 'rank(roc(close,5)),zscore(roc(close,5)),demean(roc(close,5)),count()' in.csv
	[ "${lines[4]}" = "2024-01-02T00:00:00Z,B,,,,2" ]
	run -0 --separate-stderr qts-strategy -e 'target = rank(roc(close,5)) <= 1 ? 1 : 0' in.csv
	! printf '%s\n' "${lines[@]}" | grep -q '^target,' || false
	[ "$stderr" = "qts-strategy: end of input: 4 bars of 2 symbols and no target: the target was nan on every bar (a warm-up longer than the input, or no signal yet)" ]
	# asked for, a symbol out of the cross-section is flat
	run -0 qts-strategy -e 'target = isnan(rank(roc(close,5))) or rank(roc(close,5)) > 1 ? 0 : 1' in.csv
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^target,.*,0,qty,expr$')" -eq 2 ]
}

@test "ties share the best rank (pandas method min) and the lowest pct_rank" {
	# closes 5, 5, 3, 7: pandas rank(method="min", ascending=False) 2, 2, 4, 1;
	# rank(method="min", pct=True) 0.5, 0.5, 0.25, 1
	printf '%s\n' 'bar,2024-01-01,A,1d,1,5,1,5,1' 'bar,2024-01-01,B,1d,1,5,1,5,1' \
		'bar,2024-01-01,C,1d,1,3,1,3,1' 'bar,2024-01-01,D,1d,1,7,1,7,1' >in.csv
	run -0 qts-strategy --print 'rank(close),pct_rank(close)' in.csv
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,A,2,0.5" ]
	[ "${lines[2]}" = "2024-01-01T00:00:00Z,B,2,0.5" ]
	[ "${lines[3]}" = "2024-01-01T00:00:00Z,C,4,0.25" ]
	[ "${lines[4]}" = "2024-01-01T00:00:00Z,D,1,1" ]
	# rank <= 2 holds three symbols on a tie for second place
	run -0 qts-strategy -e 'target = rank(close) <= 2 ? 1 : 0' in.csv
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^target,.*,1,qty,expr$')" -eq 3 ]
}

@test "a delisted symbol leaves the cross-section; qts-sim --actions closes it at its last price" {
	# A leads until its data ends on 01-03; B and C go on
	printf '%s\n' 'bar,2024-01-01,A,1d,10,10,10,10,1000' 'bar,2024-01-01,B,1d,10,10,10,10,1000' \
		'bar,2024-01-01,C,1d,10,10,10,10,1000' 'bar,2024-01-02,A,1d,12,12,12,12,1000' \
		'bar,2024-01-02,B,1d,11,11,11,11,1000' 'bar,2024-01-02,C,1d,9,9,9,9,1000' \
		'bar,2024-01-03,A,1d,13,13,13,13,1000' 'bar,2024-01-03,B,1d,10,10,10,10,1000' \
		'bar,2024-01-03,C,1d,9,9,9,9,1000' 'bar,2024-01-04,B,1d,12,12,12,12,1000' \
		'bar,2024-01-04,C,1d,9,9,9,9,1000' 'bar,2024-01-05,B,1d,13,13,13,13,1000' \
		'bar,2024-01-05,C,1d,10,10,10,10,1000' >in.csv
	run -0 qts-strategy --print 'rank(roc(close,1)),count()' in.csv
	[ "${lines[10]}" = "2024-01-04T00:00:00Z,B,1,2" ]
	[ "${lines[11]}" = "2024-01-04T00:00:00Z,C,2,2" ]
	printf '2024-01-04,A,delist\n' >actions.csv
	qts-strategy --unit weight -e 'target = rank(roc(close,1)) <= 1 ? 0.5 : 0' in.csv |
		qts-sim --actions actions.csv >sim.csv
	# A bought at the 01-03 open (12 -> 13: best on 01-02), closed at its
	# last price, the 01-03 close 13, when delisted on 01-04
	grep -qx 'fill,2024-01-03T00:00:00Z,A,expr-A-1,buy,4166,13,0,0' sim.csv
	grep -qx 'fill,2024-01-04T00:00:00Z,A,delist-A,sell,4166,13,0,0' sim.csv
	grep -q '^position,2024-01-04T00:00:00Z,A,0,' sim.csv
	! grep -q '^target,2024-01-0[5-9]T00:00:00Z,A,' sim.csv || false
}

@test "a second bar of a symbol for one time is an error" {
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-01,B,1d,1,10,1,10,1' \
		'bar,2024-01-01,A,1d,1,11,1,11,1' >in.csv
	run -1 --separate-stderr qts-strategy -e 'target = rank(close)' in.csv
	[ "$stderr" = "qts-strategy: in.csv:3: bar A 1d at 2024-01-01T00:00:00Z is not after the symbol's last bar of that timeframe, nor that bar again: another bar for one time would count twice" ]
	# the same bar again (delivered twice) is passed on and counted once
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-01,B,1d,1,11,1,11,1' \
		'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-02,A,1d,1,10,1,10,1' >again.csv
	run -0 qts-strategy -e 'target = rank(close)' again.csv
	[ "$(grep -c '^bar,2024-01-01T00:00:00Z,A,' <<< "$output")" = 2 ]
	[ "$(grep -c '^target,2024-01-02T00:00:00Z,A,' <<< "$output")" = 1 ]
}

@test "cross-sectional calls: their arguments are checked" {
	run -2 --separate-stderr qts-strategy -e 'target = count(close)' /dev/null
	[ "${stderr%%$'\n'*}" = "qts-strategy: -e:1:10: count takes no argument" ]
	run -2 --separate-stderr qts-strategy -e 'target = zscore(close, 2)' /dev/null
	[ "${stderr%%$'\n'*}" = "qts-strategy: -e:1:10: zscore takes 1 argument" ]
	run -2 --separate-stderr qts-strategy -e 'target = pct_rnk(close)' /dev/null
	[ "${stderr%%$'\n'*}" = "qts-strategy: -e:1:10: unknown function 'pct_rnk' (did you mean 'pct_rank'?)" ]
}

@test "--xs-wait: a positive duration, with a program that calls a cross-sectional function" {
	run -2 --separate-stderr qts-strategy --xs-wait 0 -e 'target = rank(close)' /dev/null
	[ "${stderr%%$'\n'*}" = "qts-strategy: --xs-wait: '0' is not a positive duration (500ms, 2s, 1m)" ]
	run -2 --separate-stderr qts-strategy --xs-wait 1s -e 'target = close' /dev/null
	[ "${stderr%%$'\n'*}" = "qts-strategy: --xs-wait: the program calls no cross-sectional function (rank, pct_rank, zscore, demean, count)" ]
	run -2 --separate-stderr qts-strategy --xs-wait 1s sma-cross /dev/null
	[ "${stderr%%$'\n'*}" = "qts-strategy: --xs-wait goes with -e, -f or --print" ]
	# batch: the same output as without it
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-01,B,1d,1,20,1,20,1' >in.csv
	run -0 qts-strategy --xs-wait 1m -e 'target = rank(close)' in.csv
	[ "${lines[2]}" = "target,2024-01-02T00:00:00Z,A,2,qty,expr" ]
}

@test "--xs-wait: a live time is evaluated after the wait; a bar after that is out of it" {
	mkfifo in
	qts-strategy --xs-wait 200ms -e 'target = rank(close) + count() * 10' <in >out 2>err &
	pid=$!
	exec 5>in
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'bar,2024-01-01,B,1d,1,20,1,20,1' >&5
	# no later event comes: the wait evaluates the time (bounded: 30 s)
	for _ in $(seq 300); do [ "$(grep -c '^target' out)" -eq 2 ] && break; sleep 0.1; done
	[ "$(grep '^target' out | head -n 1)" = "target,2024-01-02T00:00:00Z,A,22,qty,expr" ]
	[ "$(grep '^target' out | tail -n 1)" = "target,2024-01-02T00:00:00Z,B,21,qty,expr" ]
	# C's bar of the same time comes late: out of it, nan, nothing written
	printf '%s\n' 'bar,2024-01-01,C,1d,1,30,1,30,1' 'bar,2024-01-02,A,1d,1,40,1,40,1' \
		'bar,2024-01-02,C,1d,1,30,1,30,1' >&5
	exec 5>&-
	wait $pid
	[ "$(cat err)" = "qts-strategy: -:3: bar C 1d at 2024-01-01T00:00:00Z came after the cross-section of its time was evaluated: it is out of it (every cross-sectional function is nan for it)" ]
	[ "$(grep -c '^target,2024-01-02' out)" -eq 2 ]
	grep -qx 'target,2024-01-03T00:00:00Z,A,21,qty,expr' out
	grep -qx 'target,2024-01-03T00:00:00Z,C,22,qty,expr' out
}

@test "a fill, update or position of a later time does not complete a time: they are out of its order" {
	printf '%s\n' 'bar,2024-01-01,A,1d,1,10,1,10,1' 'fill,2024-01-05,A,o1,buy,1,10,0,0' \
		'bar,2024-01-01,B,1d,1,20,1,20,1' 'tick,2024-01-03,A,10,1' >in.csv
	run -0 qts-strategy -e 'target = rank(close) + count() * 10' in.csv
	[ "${lines[3]}" = "target,2024-01-02T00:00:00Z,A,22,qty,expr" ]
	[ "${lines[4]}" = "target,2024-01-02T00:00:00Z,B,21,qty,expr" ]
	[ "${lines[5]}" = "tick,2024-01-03T00:00:00Z,A,10,1" ]
}

@test "nested calls: rank of a zscore or a demean is the rank; an indicator of a rank averages it" {
	ten
	qts-strategy --print 'rank(roc(close,20)),rank(zscore(roc(close,20))),rank(demean(roc(close,20))),sma(rank(roc(close,20)),2),rank(roc(close,20))[1]' \
		ten.csv 2>err >got.csv || true
	# history [N] of a cross-sectional call is refused: through a variable instead
	grep -q 'history \[N\] applies to' err
	qts-strategy --print 'rank(roc(close,20)),rank(zscore(roc(close,20))),rank(demean(roc(close,20))),sma(rank(roc(close,20)),2)' \
		ten.csv | tail -n +2 >got.csv
	[ "$(awk -F, '$3 != "" && ($3 != $4 || $3 != $5)' got.csv | wc -l)" -eq 0 ]
	[ "$(awk -F, '$3 != ""' got.csv | wc -l)" -eq 2200 ]
	# sma of 2: the mean of this rank and the symbol's one before
	awk -F, '{ if ($3 != "" && prev[$2] != "" && $6 != (prev[$2] + $3) / 2) bad++; prev[$2] = $3 }
		END { exit bad > 0 }' got.csv
}
