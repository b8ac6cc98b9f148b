#!/usr/bin/env bats
# qts-resample over several symbols: the output is in time order as a
# whole (every reader checks it, qts cat here), with --keep too, and a bar
# is written once the stream is past its end, whichever symbol takes it
# there.  --keep changes the order only: without the inputs, its output is
# what qts-resample writes without --keep.

load helper

T=$BATS_TEST_TMPDIR

# keep_agrees IN ARGS...: qts-resample -k ARGS IN is in order as a whole,
# passes IN through whole and in its order, and the rest is what
# qts-resample ARGS IN writes.
keep_agrees() {
	local in=$1
	shift
	qts-resample "$@" "$in" > "$T/plain.csv" 2> /dev/null
	qts-resample -k "$@" "$in" 2> /dev/null | qts cat > "$T/kept.csv"
	grep -xFf "$in" "$T/kept.csv" | cmp - "$in"
	grep -vxFf "$in" "$T/kept.csv" | cmp - "$T/plain.csv"
	[ -s "$T/plain.csv" ]
}

@test "-k over interleaved symbols with overnight gaps is in time order, the bars as without -k" {
	# hourly bars of a 09:30 open, on the half hour: intraday intervals
	# start there (--offset 30m, or 90m)
	qts-fetch --seed 4 --count 40 -t 1h synth:AAA,BBB > "$T/in.csv"
	# the report's case: BBB's last 3h bar of a day came after AAA's next
	# morning, passed through
	run -0 qts cat <(qts-resample -k --offset 30m 3h "$T/in.csv" 2> /dev/null)
	for tf in 3h 4h,1d 2h,1d,1w 1d,1M 1w,1d,4h; do
		for opt in "" -p "-z America/New_York" "-p -z Asia/Tokyo" "--offset 90m" \
			"-z America/New_York -s 09:30-16:00" "-p -z America/New_York -s 17:00-16:00"; do
			keep_agrees "$T/in.csv" --offset 30m $opt "$tf" || { echo "$opt $tf"; false; }
		done
	done
}

@test "-k: minute bars of three symbols, ticks of two and quotes of one merged, in time order" {
	qts-fetch --seed 2 --count 100 -t 1m --from 2024-01-02T14:30:00Z synth:SPY,QQQ,IWM > "$T/bars.csv"
	# the merge, by the time each event became known, as the input
	qts-resample -k 1M "$T/bars.csv" "$FIX/resample-ticks.csv" "$FIX/resample-quotes.csv" 2> /dev/null |
		grep -v ',1M,' > "$T/in.csv"
	[ "$(grep -c '^tick,' "$T/in.csv")" -eq 7 ]
	for tf in 1m 5m 1m,15m 2m,1h; do
		for opt in "" -p; do
			keep_agrees "$T/in.csv" $opt "$tf" || { echo "$opt $tf"; false; }
		done
	done
}

@test "a symbol that stops: its last bar is written once the stream is past its end" {
	{ minutes A 2024-01-02T14:00:00Z 8; minutes B 2024-01-02T14:00:00Z 20; } | sort -t, -k2,2 -s > "$T/in.csv"
	run -0 --separate-stderr qts-resample 5m "$T/in.csv"
	[ "$stderr" = "" ] # nothing held to the end, nothing dropped
	[ "${#lines[@]}" -eq 6 ]
	[ "${lines[2]}" = "bar,2024-01-02T14:05:00Z,B,5m,15,21,14,20,5" ]
	# A's bar of 14:05 (three minutes) once B's bar of 14:10 is known
	[ "${lines[3]}" = "bar,2024-01-02T14:05:00Z,A,5m,15,19,14,18,3" ]
	[ "${lines[4]}" = "bar,2024-01-02T14:10:00Z,B,5m,20,26,19,25,5" ]
	run -0 --separate-stderr qts-resample -k 5m "$T/in.csv"
	[ "${lines[19]}" = "bar,2024-01-02T14:09:00Z,B,1m,19,21,18,20,1" ]
	[ "${lines[20]}" = "bar,2024-01-02T14:05:00Z,B,5m,15,21,14,20,5" ]
	[ "${lines[21]}" = "bar,2024-01-02T14:05:00Z,A,5m,15,19,14,18,3" ]
	[ "${lines[22]}" = "bar,2024-01-02T14:10:00Z,B,1m,20,22,19,21,1" ]
	keep_agrees "$T/in.csv" 5m
	keep_agrees "$T/in.csv" -p 5m,15m
}

@test "daily bars of three stocks, two ending a year before the third: their last weeks in order" {
	[ -f "$DATA/yhoo-1996-2015.txt" ] || skip "shared data not present"
	qts-fetch -s NVDA "$DATA/nvda-1999-2014.txt" -s ORCL "$DATA/orcl-1995-2014.txt" \
		-s YHOO "$DATA/yhoo-1996-2015.txt" > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p 1w,1M "$T/in.csv"
	run -0 qts cat <(printf '%s\n' "${lines[@]}")
	# the last weeks of NVDA and ORCL, once YHOO's first bar of 2015 is known
	run -0 --separate-stderr qts-resample 1w "$T/in.csv"
	# (NVDA from a Friday, YHOO from a Friday; ORCL from Tuesday
	# 1995-01-03, after New Year's Day observed on the Monday: whole)
	[ "$stderr" = "qts-resample: YHOO: the first 1w bar, from 1996-04-08T00:00:00Z, may be partial: its input starts at 1996-04-12T00:00:00Z, later in it than in the next (and 1 more first bar)
qts-resample: dropped 1 unfinished bar (use --partial)" ]
	[ "${lines[2852]}" = "bar,2014-12-29T00:00:00Z,NVDA,1w,20.530001,20.700001,19.99,20.049999,9034100" ]
	[ "${lines[2853]}" = "bar,2014-12-29T00:00:00Z,ORCL,1w,46.02,46.09,44.970001,44.970001,32939000" ]
	for tf in 1w 1w,1M 2d,1w 1M,3M; do
		for opt in "" -p "-z America/New_York" "-p -z Asia/Tokyo"; do
			keep_agrees "$T/in.csv" $opt "$tf" || { echo "$opt $tf"; false; }
		done
	done
}

@test "a bar of a symbol missing its last inputs is written before anything later" {
	# B has no bars at 14:04 and 14:05: its 14:00 bar is complete once
	# A's bar of 14:05 is known, and written before it
	{ minutes A 2024-01-02T14:00:00Z 10; minutes B 2024-01-02T14:00:00Z 4; minutes B 2024-01-02T14:06:00Z 4; } |
		sort -t, -k2,2 -s > "$T/in.csv"
	run -0 --separate-stderr qts-resample -k 5m "$T/in.csv"
	[ "${lines[8]}" = "bar,2024-01-02T14:04:00Z,A,1m,14,16,13,15,1" ]
	[ "${lines[9]}" = "bar,2024-01-02T14:00:00Z,A,5m,10,16,9,15,5" ]
	[ "${lines[10]}" = "bar,2024-01-02T14:00:00Z,B,5m,10,15,9,14,4" ]
	[ "${lines[11]}" = "bar,2024-01-02T14:05:00Z,A,1m,15,17,14,16,1" ]
	keep_agrees "$T/in.csv" 5m
	keep_agrees "$T/in.csv" -p 5m,10m
}

@test "an event of another type comes after the bars that end before it" {
	printf '%s\n' "bar,2024-01-02T14:00:00Z,A,1m,10,12,9,11,1" "memo,2024-01-02T14:05:00Z,at the end" \
		"memo,2024-01-02T14:06:00Z,past it" > "$T/in.csv"
	run -0 --separate-stderr qts-resample 5m "$T/in.csv"
	[ "${lines[0]}" = "memo,2024-01-02T14:05:00Z,at the end" ]
	[ "${lines[1]}" = "bar,2024-01-02T14:00:00Z,A,5m,10,12,9,11,1" ]
	[ "${lines[2]}" = "memo,2024-01-02T14:06:00Z,past it" ]
	[ "$stderr" = "" ]
	# a fill is in order among reports only: it writes nothing
	printf '%s\n' "bar,2024-01-02T14:00:00Z,A,1m,10,12,9,11,1" \
		"fill,2024-01-02T14:06:00Z,A,f1,buy,1,11,0,0" > "$T/fill.csv"
	run -0 --separate-stderr qts-resample -p 5m "$T/fill.csv"
	[ "${lines[0]}" = "fill,2024-01-02T14:06:00Z,A,f1,buy,1,11,0,0" ]
	[ "${lines[1]}" = "bar,2024-01-02T14:00:00Z,A,5m,10,12,9,11,1" ]
}

@test "daily bars at 00:00 UTC in weeks of Tokyo: a week takes the Sunday bar; -k refuses such bars" {
	# A trades every day, B on weekdays.  A week of Tokyo starts at 15:00
	# UTC on Sunday, inside the day bar of Sunday, whose middle is in the
	# week before: that week is complete once that bar is known.
	awk 'BEGIN { for (d = 1; d <= 14; d++) {
		printf "bar,2024-01-%02dT00:00:00Z,A,1d,%d,%d,%d,%d,1\n", d, 10 + d, 12 + d, 9 + d, 11 + d
		if ((d - 1) % 7 < 5)
			printf "bar,2024-01-%02dT00:00:00Z,B,1d,%d,%d,%d,%d,1\n", d, 10 + d, 12 + d, 9 + d, 11 + d
	} }' > "$T/in.csv"
	run -0 --separate-stderr qts-resample -z Asia/Tokyo 1w "$T/in.csv"
	[ "${lines[0]}" = "bar,2023-12-31T15:00:00Z,A,1w,11,19,10,18,7" ]
	[ "${lines[1]}" = "bar,2023-12-31T15:00:00Z,B,1w,11,17,10,16,5" ]
	[ "${lines[2]}" = "bar,2024-01-07T15:00:00Z,A,1w,18,26,17,25,7" ]
	[ "${#lines[@]}" = 3 ]
	qts cat <<< "$output" > /dev/null
	# The day bars do not fit weeks of Tokyo (qts-resample(1), --keep): A's
	# Sunday bar is known at 00:00 on Monday, after its week's end by ts +
	# 1w, 15:00 on Sunday; the week would follow it, out of time order.
	# Refused there, after the whole bars before it.
	run -1 --separate-stderr qts-resample -k -z Asia/Tokyo 1w "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:12: A: bar 1d 2024-01-07T00:00:00Z, known at 2024-01-08T00:00:00Z, ends after the 1w bar from 2023-12-31T15:00:00Z it goes into, known at 2024-01-07T15:00:00Z (-z): with -k that bar would follow it, out of time order" ]
	[ "${#lines[@]}" = 12 ]
	head -n 11 "$T/in.csv" | diff - <(printf '%s\n' "${lines[@]:0:11}")
	[[ "${lines[11]}" == "system,2024-01-07T00:00:00Z,qts-resample,error,"* ]]
	# the weeks alone are in order
	qts-resample -p -z Asia/Tokyo 1w,1M "$T/in.csv" | qts cat > /dev/null
	# both every day: B's Sunday bar comes after A's and still joins B's week
	awk -F, -v OFS=, '$3 == "A" { print; $3 = "B"; print }' "$T/in.csv" > "$T/both.csv"
	qts-resample -z Asia/Tokyo 1w "$T/both.csv" | qts cat > /dev/null
	run -0 qts-resample -z Asia/Tokyo 1w "$T/both.csv"
	[ "${lines[1]}" = "bar,2023-12-31T15:00:00Z,B,1w,11,19,10,18,7" ]
}

@test "bars written together go by end, then symbol by symbol as each one's next input writes them" {
	# hourly bars of a 09:30 open: on the half hour, as --offset 30m puts the intervals
	qts-fetch --seed 4 --count 40 -t 1h synth:AAA,BBB > "$T/in.csv"
	run -0 --separate-stderr qts-resample --offset 30m 1h,3h "$T/in.csv"
	# the last 3h bars of a day (18:30 to 21:30, the session ending at
	# 20:30), written when the next morning starts
	[ "${lines[14]}" = "bar,2024-01-01T19:30:00Z,AAA,1h,190.86,191.37,188.55,188.68,322098" ]
	[ "${lines[15]}" = "bar,2024-01-01T19:30:00Z,BBB,1h,93.36,93.56,91.79,92.01,116109" ]
	[ "${lines[16]}" = "bar,2024-01-01T18:30:00Z,AAA,3h,190.34,191.37,188.55,188.68,730913" ]
	[ "${lines[17]}" = "bar,2024-01-01T18:30:00Z,BBB,3h,92.09,93.73,91.78,92.01,241792" ]
	[ "${lines[18]}" = "bar,2024-01-02T14:30:00Z,AAA,1h,187.31,188.42,187.17,188.14,350481" ]
	run -0 qts cat <(qts-resample --offset 30m 1h,3h "$T/in.csv")
}

@test "-k: an input bar of an output timeframe off its intervals stops qts-resample, naming it; on them, it is the same bar twice" {
	# daily bars at 00:00 UTC: days of New York start at 05:00 UTC; the
	# output would hold 1d twice for A, and qts-strategy count each day twice
	printf 'bar,2024-01-%02dT00:00:00Z,A,1d,10,12,9,11,1\n' 2 3 4 > "$T/in.csv"
	run -1 --separate-stderr qts-resample -k -z America/New_York 1d,1w "$T/in.csv"
	# nothing but the error, as a system event for the stages after it
	[ "${#lines[@]}" = 1 ]
	# dated by the bar read, when it became known (the stage wrote nothing)
	[[ "$output" == 'system,2024-01-03T00:00:00Z,qts-resample,error,"'* ]]
	[ "$stderr" = "qts-resample: $T/in.csv:1: A: bar 1d 2024-01-02T00:00:00Z is not on the 1d intervals, which start at 2024-01-02T05:00:00Z (-z): with -k the output would hold 1d twice, under two times" ]
	# 24h is 1d too
	printf 'bar,2024-01-%02dT00:00:00Z,A,24h,10,12,9,11,1\n' 2 3 4 > "$T/h.csv"
	run -1 --separate-stderr qts-resample -k -z America/New_York 1d "$T/h.csv"
	[[ "$stderr" == *"A: bar 24h 2024-01-02T00:00:00Z is not on the 1d intervals, which start at 2024-01-02T05:00:00Z (-z)"* ]]
	# without -k, or in UTC, or into weeks only: as before
	run -0 --separate-stderr qts-resample -z America/New_York 1d "$T/in.csv"
	[ "${lines[0]}" = "bar,2024-01-02T05:00:00Z,A,1d,10,12,9,11,1" ]
	run -0 --separate-stderr qts-resample -k -z America/New_York 1w "$T/in.csv"
	run -0 --separate-stderr qts-resample -k 1d "$T/in.csv"
	[ "${lines[0]}" = "${lines[1]}" ]
	[ "${#lines[@]}" = 6 ]
	# a repeat counts once: the strategy reads the doubled days as the days
	qts-fetch --seed 5 --count 80 -t 1d synth:A > "$T/days.csv"
	qts-strategy sma-cross fast=3 slow=8 "$T/days.csv" | grep -v '^bar,' > "$T/once.csv"
	[ "$(grep -c '^target,' "$T/once.csv")" -ge 3 ]
	qts-resample -k 1d "$T/days.csv" | qts-strategy sma-cross fast=3 slow=8 | grep -v '^bar,' | cmp - "$T/once.csv"
}

@test "-k: the last hour of a zone's day in which daylight saving time ends stops qts-resample, naming it" {
	# 2024-11-03 in New York: 04:00 UTC to 05:00 on 11-04, 25 hours; a day
	# by ts + 1d, it ends at 04:00, and the hour from 04:00 ends after it
	for d in 03 04; do printf "bar,2024-11-${d}T%02d:00:00Z,A,1h,10,11,9,10,1\n" $(seq 0 23); done > "$T/in.csv"
	run -1 --separate-stderr qts-resample -k -z America/New_York 1d "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:29: A: bar 1h 2024-11-04T04:00:00Z, known at 2024-11-04T05:00:00Z, ends after the 1d bar from 2024-11-03T04:00:00Z it goes into, known at 2024-11-04T04:00:00Z (-z): with -k that bar would follow it, out of time order" ]
	# without -k the day holds its 25 hours
	run -0 --separate-stderr qts-resample -z America/New_York 1d "$T/in.csv"
	[ "${lines[1]}" = "bar,2024-11-03T04:00:00Z,A,1d,10,11,9,10,25" ]
	qts cat <<< "$output" > /dev/null
}

@test "an interval shorter than its label (7h, a day's last) goes out by ts + tf, as readers reckon it, with -k too" {
	for h in 20 21 22 23; do echo "bar,2024-01-02T$h:00:00Z,A,1h,10,11,9,10,1"; done > "$T/h7.csv"
	echo "bar,2024-01-03T00:00:00Z,A,1h,10,11,9,10,1" >> "$T/h7.csv"
	run -0 --separate-stderr qts-resample -k 7h "$T/h7.csv"
	qts-fetch <(printf '%s\n' "${lines[@]}") > /dev/null
	# 21:00 to midnight, known at 04:00 by ts + 7h: after the bar of midnight
	[ "${lines[5]}" = "bar,2024-01-03T00:00:00Z,A,1h,10,11,9,10,1" ]
	[ "${lines[6]}" = "bar,2024-01-02T21:00:00Z,A,7h,10,11,9,10,3" ]
	# the day ends with it: the day first, the 7h bar held until 04:00
	awk 'BEGIN { for (i = 0; i < 48; i++)
		printf "bar,2024-01-%02dT%02d:00:00Z,A,1h,10,11,9,10,1\n", 2 + int(i / 24), i % 24 }' > "$T/h48.csv"
	run -0 --separate-stderr qts-resample 7h,1d "$T/h48.csv"
	qts-fetch <(printf '%s\n' "${lines[@]}") > /dev/null
	[ "${lines[3]}" = "bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10,24" ]
	[ "${lines[4]}" = "bar,2024-01-02T21:00:00Z,A,7h,10,11,9,10,3" ]
	keep_agrees "$T/h48.csv" 7h,1d
	keep_agrees "$T/h48.csv" -p 3h,7h,1d
}

@test "-z: intraday and daily intervals across daylight saving time go out by ts + tf, with -k too" {
	# 2024-03-10 in New York: 05:00 UTC to 04:00 on 03-11, 23 hours; its
	# last 4h bar (01:00 to 04:00 UTC) and the day are known at 05:00
	qts-fetch --count 360 -t 1m --from 2024-03-11T00:00:00Z synth:A > "$T/m.csv"
	qts-resample -k -z America/New_York 4h "$T/m.csv" | qts cat > /dev/null
	keep_agrees "$T/m.csv" -z America/New_York 4h
	awk 'BEGIN { for (i = 0; i < 96; i++) { m = i * 30; d = 10 + int(m / 1440); r = m % 1440
		printf "bar,2024-03-%02dT%02d:%02d:00Z,A,30m,10,11,9,10,1\n", d, int(r / 60), r % 60 } }' > "$T/spring.csv"
	run -0 --separate-stderr qts-resample -k -z America/New_York 1d "$T/spring.csv"
	qts cat <(printf '%s\n' "${lines[@]}") > /dev/null
	# the 23-hour day, known at 05:00, after the bar of 04:00, known at 04:30
	[ "${lines[57]}" = "bar,2024-03-11T04:00:00Z,A,30m,10,11,9,10,1" ]
	[ "${lines[58]}" = "bar,2024-03-10T05:00:00Z,A,1d,10,11,9,10,46" ]
	keep_agrees "$T/spring.csv" -z America/New_York 1h,1d
	# 2024-11-03, 25 hours: the day is known at 04:00 by ts + 1d, the
	# hour from 04:00 at 05:00, after it though both end at 05:00
	awk 'BEGIN { for (i = 0; i < 96; i++) { m = i * 30; d = 3 + int(m / 1440); r = m % 1440
		printf "bar,2024-11-%02dT%02d:%02d:00Z,A,30m,10,11,9,10,1\n", d, int(r / 60), r % 60 } }' > "$T/fall.csv"
	run -0 --separate-stderr qts-resample -z America/New_York 1h,1d "$T/fall.csv"
	qts cat <(printf '%s\n' "${lines[@]}") > /dev/null
	[ "${lines[28]}" = "bar,2024-11-04T03:00:00Z,A,1h,10,11,9,10,2" ]
	[ "${lines[29]}" = "bar,2024-11-03T04:00:00Z,A,1d,10,11,9,10,50" ]
	[ "${lines[30]}" = "bar,2024-11-04T04:00:00Z,A,1h,10,11,9,10,2" ]
	# with -k a tick in that last hour would come before the day: refused
	printf 'tick,2024-11-04T%s:00Z,T,10,1\n' 03:30 04:00 04:30 > "$T/ticks.csv"
	run -1 --separate-stderr qts-resample -k -z America/New_York 1d "$T/ticks.csv"
	[ "$stderr" = "qts-resample: $T/ticks.csv:3: T: tick 2024-11-04T04:30:00Z comes after the 1d bar from 2024-11-03T04:00:00Z it goes into, known at 2024-11-04T04:00:00Z (-z): with -k that bar would follow it, out of time order" ]
	[ "${#lines[@]}" = 3 ]
}

@test "-z: a month or quarter that holds the start of daylight saving time goes out by ts + tf, after the day that ends with it" {
	for d in 28 29 30 31; do echo "bar,2024-03-${d}T00:00:00Z,A,1d,10,11,9,10,1"; done > "$T/dm.csv"
	echo "bar,2024-04-01T00:00:00Z,A,1d,10,11,9,10,1" >> "$T/dm.csv"
	run -0 --separate-stderr qts-resample -z America/New_York 1M,1d "$T/dm.csv"
	qts-fetch <(printf '%s\n' "${lines[@]}") > /dev/null
	# the month ends at 04:00 UTC on 04-01, but is known at 05:00 by ts + 1M
	[ "${lines[3]}" = "bar,2024-03-31T04:00:00Z,A,1d,10,11,9,10,1" ]
	[ "${lines[4]}" = "bar,2024-03-01T05:00:00Z,A,1M,10,11,9,10,4" ]
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	qts-fetch -s ORCL "$DATA/orcl-1995-2014.txt" -s NVDA "$DATA/nvda-1999-2014.txt" > "$T/in.csv"
	qts-resample -z America/New_York 1w,1M,3M,1d "$T/in.csv" 2> /dev/null | qts-fetch - > /dev/null
	qts-resample -p -z America/New_York 1w,1M,3M,1d "$T/in.csv" | qts-fetch - > /dev/null
	keep_agrees "$T/in.csv" -z America/New_York 1w,1M,3M
}
