#!/usr/bin/env bats
# qts-resample: overnight sessions make trading days (CME: the session that
# opens Sunday 17:00 Central time is Monday's), and --offset aligns
# intraday bars.  The expected bars of the small cases are worked out by
# hand from the inputs, in the comments next to them.

load helper

setup() {
	T=$(mktemp -d)
}

teardown() {
	rm -rf "$T"
}

# Hourly bars around a weekend, Chicago winter (CST = UTC-6): 17:00 CST is
# 23:00Z.  Friday's last hour, Sunday's open, the hours across midnight,
# Monday's last hour, one in the 16:00 break (out of the session), Tuesday's
# session's first hour.
cme_hours() {
	cat <<-'EOS'
	bar,2024-01-05T21:00:00Z,6E,1h,1,2,0.5,1.5,1
	bar,2024-01-07T23:00:00Z,6E,1h,10,12,9,11,1
	bar,2024-01-08T00:00:00Z,6E,1h,11,13,10,12,1
	bar,2024-01-08T05:00:00Z,6E,1h,12,14,11,13,1
	bar,2024-01-08T06:00:00Z,6E,1h,13,20,12,14,1
	bar,2024-01-08T21:00:00Z,6E,1h,14,15,8,9,1
	bar,2024-01-08T22:00:00Z,6E,1h,100,100,100,100,1
	bar,2024-01-08T23:00:00Z,6E,1h,9,10,8.5,9.5,1
	EOS
}

cme() { # cme TF: the hours above resampled to TF on CME trading days
	cme_hours > "$T/in.csv"
	qts-resample -p -z America/Chicago -s 17:00-16:00 "$1" "$T/in.csv"
}

@test "overnight session: a trading day is one daily bar, from the open the evening before" {
	run -0 --separate-stderr cme 1d
	# Friday 5th: its last hour alone.  Monday 8th: Sunday 17:00 CST
	# (23:00Z) to Monday 16:00, midnight included: open 10, high 20 (00:00
	# CST), low 8, close 9, five hours; the 16:00 hour is out.  Tuesday
	# 9th: from Monday 17:00 CST.
	[ "$output" = "bar,2024-01-04T23:00:00Z,6E,1d,1,2,0.5,1.5,1
bar,2024-01-07T23:00:00Z,6E,1d,10,20,8,9,5
bar,2024-01-08T23:00:00Z,6E,1d,9,10,8.5,9.5,1" ]
}

@test "overnight session: weeks from Sunday's open, months of trading days" {
	run -0 --separate-stderr cme 1w
	# Friday 5th is in the week of Monday 1st, which opens Sunday Dec 31
	# 17:00 CST; Monday 8th and Tuesday 9th in the next.
	[ "$output" = "bar,2023-12-31T23:00:00Z,6E,1w,1,2,0.5,1.5,1
bar,2024-01-07T23:00:00Z,6E,1w,10,20,8,9.5,6" ]
	run -0 --separate-stderr cme 1M
	# January's trading days open Sunday Dec 31 17:00 CST.
	[ "$output" = "bar,2023-12-31T23:00:00Z,6E,1M,1,20,0.5,9.5,7" ]
}

@test "overnight session: 4h bars count from the open and run across midnight" {
	run -0 --separate-stderr cme 4h
	# 17:00, 21:00, 01:00, ... 13:00 CST: Friday's 13:00 (19:00Z); Sunday
	# 17:00-21:00 (two hours); 21:00-01:00 (23:00 and 00:00 CST); Monday
	# 13:00-17:00 (15:00 CST); Monday 17:00 (Tuesday's first).
	[ "$output" = "bar,2024-01-05T19:00:00Z,6E,4h,1,2,0.5,1.5,1
bar,2024-01-07T23:00:00Z,6E,4h,10,13,9,12,2
bar,2024-01-08T03:00:00Z,6E,4h,12,20,11,14,2
bar,2024-01-08T19:00:00Z,6E,4h,14,15,8,9,1
bar,2024-01-08T23:00:00Z,6E,4h,9,10,8.5,9.5,1" ]
}

@test "overnight session: the open follows daylight saving time" {
	# Friday 2024-03-08 15:00 CST is 21:00Z; Sunday 10th 17:00 CDT, after
	# the change, is 22:00Z and opens Monday 11th.
	printf '%s\n' bar,2024-03-08T21:00:00Z,6E,1h,1,1,1,1,1 bar,2024-03-10T22:00:00Z,6E,1h,2,2,2,2,1 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p -z America/Chicago -s 17:00-16:00 1d,1w "$T/in.csv"
	[ "$output" = "bar,2024-03-07T23:00:00Z,6E,1d,1,1,1,1,1
bar,2024-03-03T23:00:00Z,6E,1w,1,1,1,1,1
bar,2024-03-10T22:00:00Z,6E,1d,2,2,2,2,1
bar,2024-03-10T22:00:00Z,6E,1w,2,2,2,2,1" ]
}

@test "overnight session: daily bars of trading days read back into weeks" {
	cme 1d > "$T/d.csv"
	run -0 --separate-stderr qts-resample -p -z America/Chicago -s 17:00-16:00 1w "$T/d.csv"
	[ "$output" = "$(cme 1w)" ]
}

@test "CME 6E minute bars: one daily bar per trading day" {
	# Reference: the file's minute bars grouped by their CME trading day
	# (in January, CST: the UTC date of the bar's start plus one hour),
	# computed apart from qts with a short Python script.  23 trading
	# days: Jan 2 (opened Monday Jan 1 17:00 CST) to Feb 1 (opened Jan 31
	# 17:00 CST, partial); no volume lost.
	qts-fetch --stamp end -s 6E "$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz" > "$T/6e.csv"
	run -0 --separate-stderr qts-resample -p -z America/Chicago -s 17:00-16:00 1d "$T/6e.csv"
	[ "${#lines[@]}" -eq 23 ]
	[ "${lines[0]}" = "bar,2024-01-01T23:00:00Z,6E,1d,1.1076,1.10785,1.09725,1.09735,202411" ]
	[ "${lines[4]}" = "bar,2024-01-07T23:00:00Z,6E,1d,1.0977,1.101,1.09535,1.0982,139716" ]
	[ "${lines[5]}" = "bar,2024-01-08T23:00:00Z,6E,1d,1.0984,1.09965,1.0941,1.09615,175055" ]
	[ "${lines[22]}" = "bar,2024-01-31T23:00:00Z,6E,1d,1.08355,1.08385,1.08225,1.0823,2810" ]
	[ "$(cut -d, -f9 <<<"$output" | awk '{ v += $1 } END { print v }')" -eq 4310578 ]
	# Before, days were cut at midnight: a bar stamped at 06:00Z.
	[[ $output != *T06:00:00Z* ]]
}

@test "--offset aligns hourly bars to a 09:30 open" {
	# 14:30Z..21:00Z on 2024-01-02 is 09:30..16:00 in New York (EST):
	# six whole hours from 09:30, then 15:30-16:00.
	awk 'BEGIN { for (i = 0; i < 400; i++) { m = 25 + i; printf "bar,2024-01-02T%02d:%02d:00Z,A,1m,1,1,1,1,1\n", 14 + int(m / 60), m % 60 } }' > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p -z America/New_York -s 09:30-16:00 --offset 30m 1h "$T/in.csv"
	[ "$(cut -d, -f2,9 <<<"$output" | tr '\n' ' ')" = "2024-01-02T14:30:00Z,60 2024-01-02T15:30:00Z,60 2024-01-02T16:30:00Z,60 2024-01-02T17:30:00Z,60 2024-01-02T18:30:00Z,60 2024-01-02T19:30:00Z,60 2024-01-02T20:30:00Z,30 " ]
	# Without it, hours from 09:00: the first holds 30 minutes.
	run -0 --separate-stderr qts-resample -p -z America/New_York -s 09:30-16:00 1h "$T/in.csv"
	[ "$(head -n 1 <<<"$output" | cut -d, -f2,9)" = "2024-01-02T14:00:00Z,30" ]
	# The first interval of a day runs from midnight to the offset.
	printf 'bar,2024-01-02T00:%s:00Z,A,1m,1,1,1,1,1\n' 00 10 20 30 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p --offset 30m 1h "$T/in.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1h,1,1,1,1,3
bar,2024-01-02T00:30:00Z,A,1h,1,1,1,1,1" ]
}

@test "--offset leaves days alone; refuses bars across its starts and bad durations" {
	printf 'bar,2024-01-02T%s:00:00Z,A,1h,1,1,1,1,1\n' 00 01 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p --offset 30m 1d "$T/in.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,2" ]
	run -1 --separate-stderr qts-resample --offset 30m 1h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:1: A: bar 1h 2024-01-02T00:00:00Z to 2024-01-02T01:00:00Z straddles the 1h bar from 2024-01-02T00:30:00Z to 2024-01-02T01:30:00Z: the zone's intervals are not on the input's phase (--offset sets where intraday bars start)" ]
}

@test "a bar across an interval's end is refused before the interval it ends is written, which holds a part of it" {
	# 1s bars off the minute's phase (ticks written as bars): the second
	# is placed in 00:01 by its middle, but holds 0.4 s of 00:00
	printf 'bar,2024-01-02T00:00:%s,A,1s,1,1,1,1,1\n' 58.5Z 59.6Z > "$T/in.csv"
	run -1 --separate-stderr qts-resample -p 1m "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:2: A: bar 1s 2024-01-02T00:00:59.600Z to 2024-01-02T00:01:00.600Z straddles the 1m bar from 2024-01-02T00:01:00Z to 2024-01-02T00:02:00Z: the zone's intervals are not on the input's phase (--offset sets where intraday bars start)" ]
	[ "${#lines[@]}" = 1 ] && [[ "$output" == system,*,qts-resample,error,* ]]
	# one that ends on the minute is whole in it
	printf 'bar,2024-01-02T00:00:%s,A,1s,1,1,1,1,1\n' 58.5Z 59Z > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p 1m "$T/in.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1m,1,1,1,1,2" ]
}

@test "--tz in a zone of half hours: hourly bars on UTC hours are refused, not relabelled to :30; --offset 30m puts the intervals on them" {
	printf 'bar,2024-01-02T%s:00:00Z,A,1h,1,1,1,1,1\n' 04 05 06 07 > "$T/in.csv"
	run -1 --separate-stderr qts-resample --tz Asia/Kolkata 2h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:1: A: bar 1h 2024-01-02T04:00:00Z to 2024-01-02T05:00:00Z straddles the 2h bar from 2024-01-02T04:30:00Z to 2024-01-02T06:30:00Z: the zone's intervals are not on the input's phase (--offset sets where intraday bars start)" ]
	[ "${#lines[@]}" = 1 ] && [[ "$output" == system,*,qts-resample,error,* ]] # nothing else written
	run -0 --separate-stderr qts-resample -p --tz Asia/Kolkata --offset 30m 2h "$T/in.csv"
	[ "$output" = "bar,2024-01-02T03:00:00Z,A,2h,1,1,1,1,1
bar,2024-01-02T05:00:00Z,A,2h,1,1,1,1,2
bar,2024-01-02T07:00:00Z,A,2h,1,1,1,1,1" ]
	# days are the zone's, whatever the phase of the hours, while no bar straddles one's start
	run -0 --separate-stderr qts-resample -p --tz Asia/Kolkata 1d "$T/in.csv"
	[ "$output" = "bar,2024-01-01T18:30:00Z,A,1d,1,1,1,1,4" ]
	# a bar across Kathmandu's midnight (18:15 UTC) belongs to neither day
	printf 'bar,2024-01-02T%s:00:00Z,A,1h,1,1,1,1,1\n' 17 18 19 > "$T/k.csv"
	run -1 --separate-stderr qts-resample --tz Asia/Kathmandu 1d "$T/k.csv"
	[ "$stderr" = "qts-resample: $T/k.csv:2: A: bar 1h 2024-01-02T18:00:00Z to 2024-01-02T19:00:00Z straddles the 1d bar from 2024-01-02T18:15:00Z to 2024-01-03T18:15:00Z: the zone's days do not begin on the input's phase, so it belongs to neither" ]
	# the day before it holds a part of it too: not written as if whole
	[ "${#lines[@]}" = 1 ] && [[ "$output" == system,*,qts-resample,error,* ]]
	run -2 --separate-stderr qts-resample --offset 1d 1h "$T/in.csv"
	[[ $stderr == "qts-resample: --offset: '1d' is not a duration under a day (30m, 1h)"* ]]
	run -2 --separate-stderr qts-resample --offset soon 1h "$T/in.csv"
	[[ $stderr == "qts-resample: --offset: 'soon' is not a duration under a day (30m, 1h)"* ]]
}

@test "a session that drops every input of a symbol says so at the end, where the output was empty and silent" {
	# The hours of New York given without -z: the session is read in UTC,
	# which these bars at 14:30-15:30 UTC are all outside of.
	cat > "$T/in.csv" <<-'EOS'
	bar,2024-01-02T14:30:00Z,A,30m,1,2,0.5,1.5,1
	bar,2024-01-02T14:30:00Z,B,30m,1,2,0.5,1.5,1
	bar,2024-01-02T15:00:00Z,A,30m,1,2,0.5,1.5,1
	bar,2024-01-02T15:00:00Z,B,30m,1,2,0.5,1.5,1
	bar,2024-01-02T15:00:00Z,C,30m,1,2,0.5,1.5,1
	EOS
	run -0 --separate-stderr qts-resample -s 09:30-11:00 1h "$T/in.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts-resample: A: no bar: none of its inputs lies within the session 09:30-11:00 in UTC (and 2 more symbols without a bar)" ]
	# in its zone, the session keeps them; no word
	run -0 --separate-stderr qts-resample -p -z America/New_York -s 09:30-11:00 1h "$T/in.csv"
	[ "${#lines[@]}" -eq 5 ]
	[ "$stderr" = "" ]
	# with --partial, the open bars written
	run -0 --separate-stderr qts-resample -p -z America/New_York -s 10:00-11:00 1h "$T/in.csv"
	[ "$output" = "bar,2024-01-02T15:00:00Z,A,1h,1,2,0.5,1.5,1
bar,2024-01-02T15:00:00Z,B,1h,1,2,0.5,1.5,1
bar,2024-01-02T15:00:00Z,C,1h,1,2,0.5,1.5,1" ]
	# one symbol left out of three
	run -0 --separate-stderr qts-resample -z America/New_York -s 09:00-10:00 1h "$T/in.csv"
	[ "$output" = "bar,2024-01-02T14:00:00Z,A,1h,1,2,0.5,1.5,1
bar,2024-01-02T14:00:00Z,B,1h,1,2,0.5,1.5,1" ]
	[ "$stderr" = "qts-resample: C: no bar: none of its inputs lies within the session 09:00-10:00 in America/New_York" ]
	# quotes: only those with both sides count
	printf 'quote,2024-01-02T14:30:00Z,E,0,10,1,1\nquote,2024-01-02T15:30:00Z,E,9,0,1,1\n' > "$T/q.csv"
	run -0 --separate-stderr qts-resample -p 1h "$T/q.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts-resample: E: no bar: none of its quotes has both a bid and an ask" ]
	run -0 --separate-stderr qts-resample -p -s 14:00-16:00 1h "$T/q.csv"
	[ "$stderr" = "qts-resample: E: no bar: none of its quotes with a bid and an ask lies within the session 14:00-16:00 in UTC" ]
}
