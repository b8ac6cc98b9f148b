#!/usr/bin/env bats
# qts-resample: timeframes, time zones, sessions, ordering, errors, docs.

load helper

T=$BATS_TEST_TMPDIR

@test "--help lists every option; each is in the man page and both completions" {
	run -0 qts-resample --help
	[[ $output == usage:* ]]
	opts=$(printf '%s\n' "$output" | grep -o -- '--[a-z]*' | sort -u)
	[ -n "$opts" ]
	for o in $opts; do
		grep -q -- "Fl -${o#--}" "$BATS_TEST_DIRNAME/../man/qts-resample.1" || { echo "man: $o"; false; }
		grep -q -- "$o" "$BATS_TEST_DIRNAME/../completions/bash/qts-resample" || { echo "bash: $o"; false; }
		grep -q -- "$o" "$BATS_TEST_DIRNAME/../completions/zsh/_qts-resample" || { echo "zsh: $o"; false; }
	done
	run -0 qts-resample -h
	[[ $output == usage:* ]]
}

@test "--version" {
	run -0 qts-resample --version
	[[ $output == "qts-resample "[0-9]* ]]
}

@test "usage errors exit 2 with a message" {
	run -2 --separate-stderr qts-resample
	[[ ${stderr_lines[0]} == "qts-resample: no timeframe given" ]]
	run -2 --separate-stderr qts-resample 5x
	[[ ${stderr_lines[0]} == "qts-resample: bad timeframe '5x'" ]]
	# a count out of range: the range
	run -2 --separate-stderr qts-resample 0m
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '0m': the count is 1 to 999999" ]
	run -2 --separate-stderr qts-resample 1d,1000000s
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '1000000s': the count is 1 to 999999" ]
	# other tools' spellings: refused, with the timeframe to write
	run -2 --separate-stderr qts-resample 1D
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '1D': write 1d" ]
	run -2 --separate-stderr qts-resample 5m,15min
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '15min': write 15m" ]
	run -2 --separate-stderr qts-resample 1y
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '1y': write 12M" ]
	run -2 --separate-stderr qts-resample 1mo
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '1mo': write 1M" ]
	run -2 --separate-stderr qts-resample ' 4H'
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe ' 4H': write 4h" ]
	run -2 --separate-stderr qts-resample '1 d'
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '1 d': write 1d" ]
	run -2 --separate-stderr qts-resample 60Min
	[ "${stderr_lines[0]}" = "qts-resample: bad timeframe '60Min': write 1h" ]
	# a unit alone is a count of one, in every program (qts-events(5))
	run -0 --separate-stderr qts-resample -p M "$FIX/resample-ticks.csv"
	[[ "${lines[0]}" == bar,2024-01-01T00:00:00Z,*,1M,* ]]
	run -2 --separate-stderr qts-resample 5m,1h,5m
	[[ ${stderr_lines[0]} == "qts-resample: timeframe '5m' given twice" ]]
	run -2 --separate-stderr qts-resample d,1d
	[[ ${stderr_lines[0]} == "qts-resample: timeframe '1d' given twice" ]]
	run -2 --separate-stderr qts-resample 1h,60m
	[[ ${stderr_lines[0]} == "qts-resample: timeframe '60m' is 1h, given already" ]]
	run -2 --separate-stderr qts-resample 5m,300s
	[[ ${stderr_lines[0]} == "qts-resample: timeframe '300s' is 5m, given already" ]]
	run -2 --separate-stderr qts-resample ""
	[[ ${stderr_lines[0]} == "qts-resample: no timeframe in ''" ]]
	run -2 --separate-stderr qts-resample "$(seq -s, 1 33 | sed 's/,/s,/g')s"
	[[ ${stderr_lines[0]} == "qts-resample: more than 32 timeframes" ]]
	run -2 --separate-stderr qts-resample "$(printf '1m%.0s,' $(seq 400))"
	[[ ${stderr_lines[0]} == "qts-resample: timeframe list too long" ]]
	run -2 --separate-stderr qts-resample --session 9:30-16:00 1d
	[[ ${stderr_lines[0]} == "qts-resample: --session: '9:30-16:00' is not HH:MM-HH:MM" ]]
	run -2 --separate-stderr qts-resample -s 10:00-10:00 1d
	[[ ${stderr_lines[0]} == "qts-resample: --session: '10:00-10:00' is not HH:MM-HH:MM" ]]
	run -2 --separate-stderr qts-resample --tz Nowhere/Atlantis 1d
	[[ ${stderr_lines[0]} == "qts-resample: --tz: 'Nowhere/Atlantis' is not an installed time zone" ]]
	run -2 --separate-stderr qts-resample --tz "" 1d
	[[ ${stderr_lines[0]} == "qts-resample: --tz: '' is not an installed time zone" ]]
	run -2 --separate-stderr qts-report -z "" /dev/null
	[[ ${stderr_lines[0]} == "qts-report: --tz: '' is not an installed time zone" ]]
	run -2 --separate-stderr qts-strategy rebalance weights=A:1 every=1M tz= /dev/null
	[[ ${stderr_lines[0]} == "qts-strategy: rebalance: tz: unknown time zone ''" ]]
	for l in 1d,,1w ,1d 1d, ,; do
		run -2 --separate-stderr qts-resample "$l"
		[[ ${stderr_lines[0]} == "qts-resample: '$l': an empty timeframe (TF[,TF...])" ]] || { echo "$l: $stderr"; return 1; }
	done
	run -2 --separate-stderr qts-resample --bogus 1d
	[[ ${stderr_lines[-1]} == *"usage: qts-resample"* || ${stderr} == *"usage: qts-resample"* ]]
}

@test "1m -> 5m: OHLCV, ts at the start, written right after the last minute" {
	minutes A 2024-01-02T14:30:00Z 6 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -k 5m "$T/in.csv"
	[ "${lines[5]}" = "bar,2024-01-02T14:30:00Z,A,5m,10,16,9,15,5" ]
	[ "${lines[4]}" = "bar,2024-01-02T14:34:00Z,A,1m,14,16,13,15,1" ]
	[ "${lines[6]}" = "bar,2024-01-02T14:35:00Z,A,1m,15,17,14,16,1" ]
	[ "${#lines[@]}" -eq 7 ]
	[ "$stderr" = "qts-resample: dropped 1 unfinished bar (use --partial)" ]
}

@test "several timeframes at once; bars ending together in the order given" {
	minutes A 2024-01-02T14:00:00Z 60 > "$T/in.csv"
	run -0 --separate-stderr qts-resample 1h,15m "$T/in.csv"
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[2]}" = "bar,2024-01-02T14:30:00Z,A,15m,40,56,39,55,15" ]
	[ "${lines[3]}" = "bar,2024-01-02T14:00:00Z,A,1h,10,71,9,70,60" ]
	[ "${lines[4]}" = "bar,2024-01-02T14:45:00Z,A,15m,55,71,54,70,15" ]
}

@test "--partial writes the unfinished bars, by end then symbol; default drops them" {
	{ minutes B 2024-01-02T14:00:00Z 3; minutes A 2024-01-02T14:00:00Z 3; } | sort -t, -k2,2 -s > "$T/in.csv"
	run -0 --separate-stderr qts-resample --partial 5m,1h "$T/in.csv"
	[ "$stderr" = "" ]
	[ "$output" = "bar,2024-01-02T14:00:00Z,A,5m,10,14,9,13,3
bar,2024-01-02T14:00:00Z,B,5m,10,14,9,13,3
bar,2024-01-02T14:00:00Z,A,1h,10,14,9,13,3
bar,2024-01-02T14:00:00Z,B,1h,10,14,9,13,3" ]
	run -0 --separate-stderr qts-resample -p 5m "$T/in.csv"
	[ "${#lines[@]}" -eq 2 ]
	run -0 --separate-stderr qts-resample 5m,1h "$T/in.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts-resample: dropped 4 unfinished bars (use --partial)" ]
}

@test "a first bar whose input starts later in its interval than the next is written and told of, as the unfinished last is dropped and told of" {
	# Thursday 2024-01-04 to Monday 2024-01-15: the first week from its
	# Thursday, the second whole, the third unfinished
	for d in 04 05 08 09 10 11 12 15; do
		printf 'bar,2024-01-%sT00:00:00Z,A,1d,10,12,9,11,1\n' $d
	done > "$T/in.csv"
	run -0 --separate-stderr qts-resample 1w "$T/in.csv"
	[ "$output" = "bar,2024-01-01T00:00:00Z,A,1w,10,12,9,11,2
bar,2024-01-08T00:00:00Z,A,1w,10,12,9,11,5" ]
	[ "${stderr_lines[0]}" = "qts-resample: A: the first 1w bar, from 2024-01-01T00:00:00Z, may be partial: its input starts at 2024-01-04T00:00:00Z, later in it than in the next" ]
	[ "${stderr_lines[1]}" = "qts-resample: dropped 1 unfinished bar (use --partial)" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	# --partial asks for bars of part of an interval: both ends written, unsaid
	run -0 --separate-stderr qts-resample -p 1w "$T/in.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ "$stderr" = "" ]
	# of several, the first and the count of the others
	sed 's/,A,/,B,/' "$T/in.csv" | paste -d '\n' "$T/in.csv" - > "$T/ab.csv"
	run -0 --separate-stderr qts-resample 1w,1d "$T/ab.csv"
	[ "${stderr_lines[0]}" = "qts-resample: A: the first 1w bar, from 2024-01-01T00:00:00Z, may be partial: its input starts at 2024-01-04T00:00:00Z, later in it than in the next (and 1 more first bar)" ]
	sed 's/,A,/,C,/' "$T/in.csv" > "$T/c.csv"
	sed 's/,A,/,B,/' "$T/in.csv" | paste -d '\n' "$T/in.csv" - "$T/c.csv" > "$T/abc.csv"
	run -0 --separate-stderr qts-resample 1w "$T/abc.csv"
	[ "${stderr_lines[0]}" = "qts-resample: A: the first 1w bar, from 2024-01-01T00:00:00Z, may be partial: its input starts at 2024-01-04T00:00:00Z, later in it than in the next (and 2 more first bars)" ]
	# a first week from its Monday is whole: nothing said but the last
	printf 'bar,2024-01-%sT00:00:00Z,A,1d,10,12,9,11,1\n' 08 09 10 11 12 15 16 > "$T/in.csv"
	run -0 --separate-stderr qts-resample 1w "$T/in.csv"
	[ "$stderr" = "qts-resample: dropped 1 unfinished bar (use --partial)" ]
	# nor one from the Tuesday after a Monday holiday, nor a year from
	# Tuesday 3 January 1995 (New Year's Day observed on the 2nd) into
	# weeks and months: one weekday late is a holiday's, allowed (ORCL's
	# own start; Wednesday the 4th is two days late, said)
	printf 'bar,1995-01-%sT00:00:00Z,A,1d,10,12,9,11,1\n' 03 04 05 06 09 10 11 12 13 16 > "$T/in.csv"
	printf 'bar,1995-02-%sT00:00:00Z,A,1d,10,12,9,11,1\n' 01 02 03 06 >> "$T/in.csv"
	run -0 --separate-stderr qts-resample 1w,1M "$T/in.csv"
	[ "$stderr" = "qts-resample: dropped 2 unfinished bars (use --partial)" ]
	run -0 --separate-stderr qts-resample -z America/New_York 1w,1M "$T/in.csv"
	[ "$stderr" = "qts-resample: dropped 2 unfinished bars (use --partial)" ]
	tail -n +2 "$T/in.csv" > "$T/wed.csv"
	run -0 --separate-stderr qts-resample 1w,1M "$T/wed.csv"
	[ "${stderr_lines[0]}" = "qts-resample: A: the first 1w bar, from 1995-01-02T00:00:00Z, may be partial: its input starts at 1995-01-04T00:00:00Z, later in it than in the next (and 1 more first bar)" ]
	# nor of a day of minutes from the open, as every day is
	{ minutes A 2024-01-02T14:30:00Z 390; minutes A 2024-01-03T14:30:00Z 390; } > "$T/in.csv"
	run -0 --separate-stderr qts-resample 1d "$T/in.csv"
	[ "$stderr" = "qts-resample: dropped 1 unfinished bar (use --partial)" ]
	# nor, under a day, of the hour the session opens within (09:30 in
	# hourly bars), as every day's first hour is: the first is compared
	# with the first after the next break, not with the whole hour after
	run -0 --separate-stderr qts-resample 1h "$T/in.csv"
	[ "$stderr" = "" ]
	run -0 --separate-stderr qts-resample -z America/New_York --session 09:30-16:00 1h,1d "$T/in.csv"
	[ "$stderr" = "qts-resample: dropped 1 unfinished bar (use --partial)" ]
	# a first day from 09:45 is told of in hours and in days
	{ minutes A 2024-01-02T14:45:00Z 375; minutes A 2024-01-03T14:30:00Z 390; } > "$T/late.csv"
	run -0 --separate-stderr qts-resample 1h,1d "$T/late.csv"
	[ "${stderr_lines[0]}" = "qts-resample: A: the first 1h bar, from 2024-01-02T14:00:00Z, may be partial: its input starts at 2024-01-02T14:45:00Z, later in it than in the next (and 1 more first bar)" ]
	# input that never breaks (round the clock): the second hour decides,
	# at the end
	minutes A 2024-01-02T14:45:00Z 120 > "$T/on.csv"
	run -0 --separate-stderr qts-resample 1h "$T/on.csv"
	[ "${stderr_lines[0]}" = "qts-resample: A: the first 1h bar, from 2024-01-02T14:00:00Z, may be partial: its input starts at 2024-01-02T14:45:00Z, later in it than in the next" ]
	minutes A 2024-01-02T14:00:00Z 120 > "$T/on.csv"
	run -0 --separate-stderr qts-resample 1h "$T/on.csv"
	[ "$stderr" = "" ]
}

@test "ticks: price and size, a bar written before the tick that closes it" {
	run -0 --separate-stderr qts-resample -p 1m "$FIX/resample-ticks.csv"
	[ "$output" = "bar,2024-01-02T14:30:00Z,AAPL,1m,185.5,186,185,185,175
bar,2024-01-02T14:30:00Z,MSFT,1m,370,370,370,370,10
bar,2024-01-02T14:31:00Z,AAPL,1m,185.25,185.25,185.25,185.25,5
bar,2024-01-02T14:31:00Z,MSFT,1m,371,371,371,371,20
bar,2024-01-02T14:33:00Z,AAPL,1m,184,184,184,184,1" ]
	run -0 --separate-stderr qts-resample -k 1m "$FIX/resample-ticks.csv"
	[ "${lines[3]}" = "tick,2024-01-02T14:30:59.999Z,AAPL,185,25" ]
	[ "${lines[4]}" = "bar,2024-01-02T14:30:00Z,AAPL,1m,185.5,186,185,185,175" ]
	[ "${lines[5]}" = "tick,2024-01-02T14:31:00Z,AAPL,185.25,5" ]
}

@test "quotes: the mid price, both sizes into the volume" {
	run -0 --separate-stderr qts-resample -p 1m "$FIX/resample-quotes.csv"
	[ "$output" = "bar,2024-01-02T14:30:00Z,EURUSD,1m,1.1001,1.1005,1.1001,1.1005,4000000
bar,2024-01-02T14:31:00Z,EURUSD,1m,1.10005,1.10005,1.10005,1.10005,200000" ]
}

@test "interleaved symbols keep their own intervals" {
	{ minutes A 2024-01-02T14:00:00Z 10; minutes B 2024-01-02T14:02:00Z 8; } | sort -t, -k2,2 -s > "$T/in.csv"
	run -0 --separate-stderr qts-resample 5m "$T/in.csv"
	[ "$output" = "bar,2024-01-02T14:00:00Z,A,5m,10,16,9,15,5
bar,2024-01-02T14:00:00Z,B,5m,10,14,9,13,3
bar,2024-01-02T14:05:00Z,A,5m,15,21,14,20,5
bar,2024-01-02T14:05:00Z,B,5m,13,19,12,18,5" ]
}

@test "symbols that share a prefix, or end inside a word, are told apart" {
	printf '%s\n' 'bar,2024-01-01T14:30:00Z,ABCDEFGH1,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,ABCDEFGH2,1m,3,4,2.5,3.5,20' \
		'bar,2024-01-01T14:30:00Z,AB,1m,5,6,4.5,5.5,30' 'bar,2024-01-01T14:30:00Z,ABC,1m,7,8,6.5,7.5,40' \
		'bar,2024-01-01T14:31:00Z,ABCDEFGH1,1m,1.5,2.5,1,2,1' 'bar,2024-01-01T14:31:00Z,ABCDEFGH2,1m,3.5,4.5,3,4,2' \
		'bar,2024-01-01T14:31:00Z,AB,1m,5.5,6.5,5,6,3' 'bar,2024-01-01T14:31:00Z,ABC,1m,7.5,8.5,7,8,4' > "$T/in.csv"
	run -0 --separate-stderr qts-resample 2m "$T/in.csv"
	[ "$output" = "bar,2024-01-01T14:30:00Z,ABCDEFGH1,2m,1,2.5,0.5,2,11
bar,2024-01-01T14:30:00Z,ABCDEFGH2,2m,3,4.5,2.5,4,22
bar,2024-01-01T14:30:00Z,AB,2m,5,6.5,4.5,6,33
bar,2024-01-01T14:30:00Z,ABC,2m,7,8.5,6.5,8,44" ]
}

@test "other events pass through unchanged and in order" {
	{ minutes A 2024-01-02T14:00:00Z 2; echo 'target,2024-01-02T14:02:00Z,A,5,qty,x'; echo 'weird,1,2,three'; minutes A 2024-01-02T14:03:00Z 2; } > "$T/in.csv"
	run -0 --separate-stderr qts-resample 5m "$T/in.csv"
	[ "$output" = "target,2024-01-02T14:02:00Z,A,5,qty,x
weird,1,2,three
bar,2024-01-02T14:00:00Z,A,5m,10,13,9,12,4" ]
}

@test "msgpack out with -M and QTS_FORMAT; msgpack in" {
	minutes A 2024-01-02T14:00:00Z 10 > "$T/in.csv"
	qts-resample 5m "$T/in.csv" > "$T/want.csv"
	qts-resample -M 5m "$T/in.csv" > "$T/out.mp"
	QTS_FORMAT=msgpack qts-resample 5m "$T/in.csv" | cmp - "$T/out.mp"
	qts cat -M "$T/in.csv" | qts-resample --msgpack 5m - | qts cat | cmp - "$T/want.csv"
	qts cat "$T/out.mp" | cmp - "$T/want.csv"
}

@test "several files are merged in time order" {
	minutes A 2024-01-02T14:00:00Z 10 > "$T/a.csv"
	minutes B 2024-01-02T14:00:00Z 10 > "$T/b.csv"
	run -0 --separate-stderr qts-resample 5m "$T/a.csv" "$T/b.csv"
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2,3 | tr '\n' ' ')" = "2024-01-02T14:00:00Z,A 2024-01-02T14:00:00Z,B 2024-01-02T14:05:00Z,A 2024-01-02T14:05:00Z,B " ]
}

@test "weeks start on Monday" {
	# 2024-01-03 is a Wednesday; daily bars from Wed 3 to Tue 16 January.
	awk 'BEGIN { for (d = 3; d <= 16; d++) printf "bar,2024-01-%02dT00:00:00Z,A,1d,%d,%d,%d,%d,1\n", d, d, d + 1, d - 1, d }' > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p 1w "$T/in.csv"
	[ "$output" = "bar,2024-01-01T00:00:00Z,A,1w,3,8,2,7,5
bar,2024-01-08T00:00:00Z,A,1w,8,15,7,14,7
bar,2024-01-15T00:00:00Z,A,1w,15,17,14,16,2" ]
	# The Sunday bar completes its week: written right after it.
	run -0 --separate-stderr qts-resample -k 1w "$T/in.csv"
	[ "${lines[4]}" = "bar,2024-01-07T00:00:00Z,A,1d,7,8,6,7,1" ]
	[ "${lines[5]}" = "bar,2024-01-01T00:00:00Z,A,1w,3,8,2,7,5" ]
}

@test "calendar months and quarters, leap February" {
	awk 'BEGIN { split("31 29 31 30", n, " "); for (m = 1; m <= 4; m++) for (d = 1; d <= n[m]; d++) printf "bar,2024-%02d-%02dT00:00:00Z,A,1d,%d,%d,%d,%d,1\n", m, d, m, m, m, m }' > "$T/in.csv"
	run -0 --separate-stderr qts-resample 1M,3M "$T/in.csv"
	[ "$output" = "bar,2024-01-01T00:00:00Z,A,1M,1,1,1,1,31
bar,2024-02-01T00:00:00Z,A,1M,2,2,2,2,29
bar,2024-03-01T00:00:00Z,A,1M,3,3,3,3,31
bar,2024-01-01T00:00:00Z,A,3M,1,3,1,3,91
bar,2024-04-01T00:00:00Z,A,1M,4,4,4,4,30" ]
	[ "$stderr" = "qts-resample: dropped 1 unfinished bar (use --partial)" ]
	qts-resample -p 1M "$T/in.csv" | qts-resample -p 3M | tail -n 1 | grep -qx 'bar,2024-04-01T00:00:00Z,A,3M,4,4,4,4,30'
}

@test "--tz: New York days around the spring-forward of 2024-03-10" {
	# Hourly bars from 2024-03-09T00:00Z to 2024-03-12T00:00Z, volume 1.
	awk 'BEGIN { for (h = 0; h < 72; h++) printf "bar,2024-03-%02dT%02d:00:00Z,A,1h,1,1,1,1,1\n", 9 + int(h / 24), h % 24 }' > "$T/in.csv"
	run -0 --separate-stderr qts-resample --tz America/New_York 1d "$T/in.csv"
	# 00:00Z-04:59Z on the 9th is still the 8th in New York.
	[ "$output" = "bar,2024-03-08T05:00:00Z,A,1d,1,1,1,1,5
bar,2024-03-09T05:00:00Z,A,1d,1,1,1,1,24
bar,2024-03-10T05:00:00Z,A,1d,1,1,1,1,23" ]
	# (the first New York day from its 19:00, the hours before missing)
	[ "$stderr" = "qts-resample: A: the first 1d bar, from 2024-03-08T05:00:00Z, may be partial: its input starts at 2024-03-09T00:00:00Z, later in it than in the next
qts-resample: dropped 1 unfinished bar (use --partial)" ]
	run -0 --separate-stderr qts-resample -p -z America/New_York 1d "$T/in.csv"
	[ "${lines[0]}" = "bar,2024-03-08T05:00:00Z,A,1d,1,1,1,1,5" ]
	[ "${lines[3]}" = "bar,2024-03-11T04:00:00Z,A,1d,1,1,1,1,20" ]
	run -0 --separate-stderr qts-resample -p 1d "$T/in.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = "bar,2024-03-10T00:00:00Z,A,1d,1,1,1,1,24" ]
}

@test "--tz: daily bars stamped at 00:00 UTC stay on their date" {
	# Fri 2024-03-08, Mon 11, Tue 12: weeks in New York.
	printf 'bar,2024-03-%sT00:00:00Z,A,1d,1,1,1,1,1\n' 08 11 12 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p --tz America/New_York 1w "$T/in.csv"
	[ "$output" = "bar,2024-03-04T05:00:00Z,A,1w,1,1,1,1,1
bar,2024-03-11T04:00:00Z,A,1w,1,1,1,1,2" ]
}

@test "--tz: daily bars stamped at 00:00 UTC stay on their date east of UTC+12 too (Auckland, Kiritimati)" {
	printf 'bar,2024-01-%sT00:00:00Z,A,1d,1,2,0.5,%s,10\n' 29 1.5 30 1.5 31 1.6 > "$T/in.csv"
	printf 'bar,2024-02-%sT00:00:00Z,A,1d,1,2,0.5,%s,10\n' 01 1.7 02 1.8 >> "$T/in.csv"
	# January's three days make January in every zone, its last bar
	# straddling the month's end (11:00 UTC in Auckland)
	for z in UTC Pacific/Auckland Pacific/Kiritimati America/New_York; do
		run -0 --separate-stderr qts-resample -p --tz $z 1M,1d "$T/in.csv"
		[ "$(grep -c ',1M,1,2,0.5,1.6,30$' <<< "$output")" = 1 ] || { echo "$z: $output"; return 1; }
		[ "$(grep -c ',1M,1,2,0.5,1.8,20$' <<< "$output")" = 1 ]
	done
	# each daily bar keeps its date: Auckland's January 29 begins at 11:00 UTC the day before
	run -0 --separate-stderr qts-resample -p --tz Pacific/Auckland 1d "$T/in.csv"
	[ "${lines[0]}" = "bar,2024-01-28T11:00:00Z,A,1d,1,2,0.5,1.5,10" ]
	qts-sim "$T/in.csv" > "$T/eq.csv"
	run -0 qts-report -z Pacific/Kiritimati "$T/eq.csv"
	[[ "$output" == *"Start                              2024-01-29"* ]]
}

@test "--session keeps regular hours in the local zone" {
	# 14:25Z..21:04Z on 2024-01-02 is 09:25..16:04 in New York (EST).
	minutes A 2024-01-02T14:25:00Z 400 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p -z America/New_York --session 09:30-16:00 1d "$T/in.csv"
	[ "$output" = "bar,2024-01-02T05:00:00Z,A,1d,15,406,14,405,390" ]
	run -0 --separate-stderr qts-resample -k -z America/New_York -s 09:30-16:00 1h "$T/in.csv"
	[ "${lines[0]}" = "bar,2024-01-02T14:30:00Z,A,1m,15,17,14,16,1" ]
	[ "$(grep -c ',1m,' <<<"$output")" -eq 390 ]
	# In summer the same hours are 13:30Z..20:00Z.
	minutes A 2024-07-01T13:25:00Z 400 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p -z America/New_York -s 09:30-16:00 1d "$T/in.csv"
	[ "$output" = "bar,2024-07-01T04:00:00Z,A,1d,15,406,14,405,390" ]
	# Overnight session, UTC: its trading days start at 22:00 the day
	# before, so one calendar day's minutes are the end of one session and
	# the start of the next.
	minutes A 2024-01-02T00:00:00Z 1440 > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p -s 22:00-02:00 1d "$T/in.csv"
	[ "$(cut -d, -f2,9 <<<"$output" | tr '\n' ' ')" = "2024-01-01T22:00:00Z,120 2024-01-02T22:00:00Z,120 " ]
}

@test "hours that do not divide a day end at midnight" {
	minutes A 2024-01-02T00:00:00Z 1440 > "$T/in.csv"
	run -0 --separate-stderr qts-resample 7h "$T/in.csv"
	[ "$(cut -d, -f2,9 <<<"$output" | tr '\n' ' ')" = "2024-01-02T00:00:00Z,420 2024-01-02T07:00:00Z,420 2024-01-02T14:00:00Z,420 2024-01-02T21:00:00Z,180 " ]
}

@test "a timeframe of hours longer than a day is refused with the days to write; a day of hours takes no daily bars, and says to write 1d" {
	minutes A 2024-01-02T00:00:00Z 60 > "$T/in.csv"
	# 48h counted within each day made a bar of each day labelled 48h
	run -2 --separate-stderr qts-resample 48h "$T/in.csv"
	[ "${stderr_lines[0]}" = "qts-resample: timeframe '48h' is longer than a day, within which seconds, minutes and hours count: write 2d" ]
	run -2 --separate-stderr qts-resample 1h,2880m "$T/in.csv"
	[ "${stderr_lines[0]}" = "qts-resample: timeframe '2880m' is longer than a day, within which seconds, minutes and hours count: write 2d" ]
	run -2 --separate-stderr qts-resample 36h "$T/in.csv"
	[ "${stderr_lines[0]}" = "qts-resample: timeframe '36h' is longer than a day, within which seconds, minutes and hours count" ]
	# a day of hours from hourly bars: the day's 24 hours
	for d in 02 03; do for h in $(seq 0 23); do
		printf 'bar,2024-01-%sT%02d:00:00Z,A,1h,10,12,9,11,1\n' $d $h
	done; done > "$T/in.csv"
	run -0 --separate-stderr qts-resample 1440m "$T/in.csv"
	[ "$(cut -d, -f2,4,9 <<<"$output" | tr '\n' ' ')" = "2024-01-02T00:00:00Z,24h,24 2024-01-03T00:00:00Z,24h,24 " ]
	# from daily bars: 1d is what is meant, and the error says so
	printf 'bar,2024-01-%02dT00:00:00Z,A,1d,10,12,9,11,1\n' 2 3 4 > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1440m "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:1: A: bars of 1d do not divide 24h, which counts hours within a day: write 1d" ]
}

@test "input errors name the place and exit 1" {
	minutes A 2024-01-02T14:00:00Z 3 1h > "$T/in.csv"
	run -1 --separate-stderr qts-resample 5m "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:1: A: bars of 1h are longer than 5m" ]
	minutes A 2024-01-02T14:00:00Z 3 7m > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:1: A: bars of 7m do not divide 1h" ]
	minutes A 2024-01-02T14:00:00Z 3 bogus > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:1: tf: 'bogus' is not a timeframe (a count and a unit: 30s, 1m, 5m, 1h, 1d, 1w, 1M)" ]
	{ minutes A 2024-01-02T14:00:00Z 3; minutes A 2024-01-02T14:01:00Z 1; } > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:4: out of time order: bar A 1m known at 2024-01-02T14:02:00Z comes after line 3, a bar known at 2024-01-02T14:03:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
	{ minutes A 2024-01-02T14:00:00Z 3; minutes A 2024-01-02T14:02:00Z 1; } > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:4: A: bar 2024-01-02T14:02:00Z is not after the one before" ]
	{ minutes A 2024-01-02T14:00:00Z 2; minutes A 2024-01-02T14:05:00Z 1 5m; } > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:3: A: bars of 5m among bars of 1m: one timeframe per symbol" ]
	{ minutes A 2024-01-02T14:00:00Z 2; echo 'tick,2024-01-02T14:05:00Z,A,1,1'; } > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1h "$T/in.csv"
	[ "$stderr" = "qts-resample: $T/in.csv:3: A: a tick among bars: one kind of input per symbol" ]
	printf '%s\n' 'bar,2024-01-02T14:59:00Z,A,1m,1,1,1,1,1' 'bar,2024-01-02T14:59:10Z,A,1m,1,1,1,1,1' > "$T/in.csv"
	run -1 --separate-stderr qts-resample 5m "$T/in.csv"
	[ "${lines[0]}" = "bar,2024-01-02T14:55:00Z,A,5m,1,1,1,1,1" ]
	[ "${lines[1]}" = "system,2024-01-02T15:00:00Z,qts-resample,error,$T/in.csv:2: A: bar 2024-01-02T14:59:10Z falls in a 5m bar already written" ]
	[ "$stderr" = "qts-resample: $T/in.csv:2: A: bar 2024-01-02T14:59:10Z falls in a 5m bar already written" ]
	printf 'bar,2024-01-02T14:00:00Z,A,1m,1,1,1,1,1\nbar,nonsense\n' > "$T/in.csv"
	run -1 --separate-stderr qts-resample 1h "$T/in.csv"
	[[ $stderr == "qts-resample: $T/in.csv:2: "* ]]
	run -1 --separate-stderr qts-resample 1h "$T/missing.csv"
	[ "$stderr" = "qts-resample: $T/missing.csv: No such file or directory" ]
}

@test "a volume summed past the largest number is an error naming the input; a quote's mid price does not overflow" {
	# qts-events(5): a number that is not finite is an error
	printf 'bar,2024-01-02T00:00:00Z,A,1m,10,11,9,10,1.7e308\nbar,2024-01-02T00:01:00Z,A,1m,10,11,9,10,1.7e308\n' > "$T/ovf.csv"
	run -1 --separate-stderr qts-resample -p 1h "$T/ovf.csv"
	[ "$stderr" = "qts-resample: $T/ovf.csv:2: A: bar 2024-01-02T00:01:00Z: the volume of the 1h bar from 2024-01-02T00:00:00Z sums past the largest number (1.79769e+308), not a finite one" ]
	[ "${#lines[@]}" = 1 ]
	[[ "${lines[0]}" == "system,"*",qts-resample,error,"* ]]
	# the whole bars before it are written, the stream ends with the error
	{ printf 'bar,2024-01-01T23:59:00Z,A,1m,10,11,9,10,1\n'; cat "$T/ovf.csv"; } > "$T/ovf2.csv"
	run -1 --separate-stderr qts-resample -k 1h "$T/ovf2.csv"
	[ "${lines[0]}" = "bar,2024-01-01T23:59:00Z,A,1m,10,11,9,10,1" ]
	[ "${lines[1]}" = "bar,2024-01-01T23:00:00Z,A,1h,10,11,9,10,1" ]
	[ "${lines[2]}" = "bar,2024-01-02T00:00:00Z,A,1m,10,11,9,10,1.7e+308" ]
	[ "${lines[3]}" = "bar,2024-01-02T00:01:00Z,A,1m,10,11,9,10,1.7e+308" ]
	[[ "${lines[4]}" == "system,"*"qts-resample,error,\"$T/ovf2.csv:3: A: bar 2024-01-02T00:01:00Z: the volume"* ]]
	[ "${#lines[@]}" = 5 ]
	# ticks too, and a quote's two sizes
	printf 'tick,2024-01-02T00:00:00Z,A,10,1.7e308\ntick,2024-01-02T00:00:01Z,A,10,1.7e308\n' > "$T/ovt.csv"
	run -1 --separate-stderr qts-resample 1m "$T/ovt.csv"
	[ "$stderr" = "qts-resample: $T/ovt.csv:2: A: tick 2024-01-02T00:00:01Z: the volume of the 1m bar from 2024-01-02T00:00:00Z sums past the largest number (1.79769e+308), not a finite one" ]
	printf 'quote,2024-01-02T00:00:00Z,A,1,2,1.7e308,1.7e308\n' > "$T/ovs.csv"
	run -1 --separate-stderr qts-resample -p 1h "$T/ovs.csv"
	[ "$stderr" = "qts-resample: $T/ovs.csv:1: A: quote 2024-01-02T00:00:00Z: bid_size + ask_size sums past the largest number (1.79769e+308), not a finite one" ]
	# the mean of two prices near the largest number is one (as qts-sim's mid)
	printf 'quote,2024-01-02T00:00:00Z,A,1.7e308,1.7e308,0,0\n' > "$T/ovq.csv"
	run -0 --separate-stderr qts-resample -p 1h "$T/ovq.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1h,1.7e+308,1.7e+308,1.7e+308,1.7e+308,0" ]
}

@test "a failed write is an error" {
	minutes A 2024-01-02T00:00:00Z 1000 > "$T/in.csv"
	run -1 --separate-stderr sh -c 'qts-resample 1m "$1" > /dev/full' sh "$T/in.csv"
	[ "$stderr" = "qts-resample: write error: No space left on device" ]
}

@test "a closed pipe ends qts-resample quietly (141), the unfinished bars it drops unsaid" {
	qts-fetch --count 500 synth:AAA > "$T/in.csv"
	# its output a pipe whose reader is gone before it starts; a file
	# in, whose reads never wait: its bars go out at the end of the
	# input, and fail, before the bar it drops would be said
	run -141 --separate-stderr bash -c 'exec > >(exit 0); sleep 0.3; exec qts-resample 1w "$1"' sh "$T/in.csv"
	[ -z "$stderr" ]
	# read whole, it says so
	run -0 --separate-stderr qts-resample 1w "$T/in.csv"
	[ "$stderr" = "qts-resample: dropped 1 unfinished bar (use --partial)" ]
}

@test "two steps (1m -> 5m -> 1h) equal one step (1m -> 1h) on random data" {
	# Three symbols, random walks, about one minute in five missing.
	awk 'BEGIN {
		srand(20240102)
		split("AAA BBB CCC", s, " ")
		for (k = 1; k <= 3; k++) p[k] = 100
		for (i = 0; i < 3000; i++) {
			d = 2 + int(i / 1440); h = int(i % 1440 / 60); m = i % 60
			for (k = 1; k <= 3; k++) {
				if (rand() < 0.2) continue
				o = p[k]; c = o + int((rand() - 0.5) * 100) / 100
				hi = (o > c ? o : c) + int(rand() * 30) / 100; lo = (o < c ? o : c) - int(rand() * 30) / 100
				printf "bar,2024-01-%02dT%02d:%02d:00Z,%s,1m,%.2f,%.2f,%.2f,%.2f,%d\n", d, h, m, s[k], o, hi, lo, c, int(rand() * 1000)
				p[k] = c
			}
		}
	}' > "$T/in.csv"
	qts-resample -p 1h "$T/in.csv" | sort -s -t, -k3,3 > "$T/one.csv"
	qts-resample -p 5m "$T/in.csv" | qts-resample -p 1h | sort -s -t, -k3,3 > "$T/two.csv"
	[ "$(wc -l < "$T/one.csv")" -eq 150 ]
	cmp "$T/one.csv" "$T/two.csv"
	# Through msgpack too, and with a zone and a session.
	qts-resample -M -p -z America/New_York -s 09:30-16:00 1d "$T/in.csv" | qts cat | sort -s -t, -k3,3 > "$T/one.csv"
	qts-resample -M -p -z America/New_York -s 09:30-16:00 15m "$T/in.csv" | qts-resample -p -z America/New_York 1d | sort -s -t, -k3,3 > "$T/two.csv"
	[ -s "$T/one.csv" ]
	cmp "$T/one.csv" "$T/two.csv"
}

@test "the output does not hang on the input's encoding" {
	minutes A 2024-01-02T14:00:00Z 100 > "$T/in.csv"
	qts cat -M "$T/in.csv" | gzip > "$T/in.mp.gz"
	qts-resample -p 15m "$T/in.csv" > "$T/a"
	qts-resample -p 15m "$T/in.mp.gz" | cmp - "$T/a"
}

@test "quotes with an empty side (no bid, or no offer) make no price, as they value nothing in qts-sim and qts-risk" {
	[ -f "$DATA/usdjpy-ticks.csv" ] || skip "shared data not present"
	qts-fetch "$DATA/usdjpy-ticks.csv" | head -60 > "$T/q.csv"
	# the same quotes, one with no bid and one with no offer among them:
	# their mid would be half the other side, a low of 43 in a market at 86
	awk -F, 'BEGIN { OFS = "," } NR == 3 { $4 = 0 } NR == 20 { $5 = 0 } { print }' "$T/q.csv" > "$T/empty.csv"
	awk 'NR != 3 && NR != 20' "$T/q.csv" > "$T/without.csv"
	run -0 --separate-stderr qts-resample -p 1m,5m "$T/empty.csv"
	[ -n "$output" ]
	printf '%s\n' "$output" > "$T/out.csv"
	qts-resample -p 1m,5m "$T/without.csv" | cmp - "$T/out.csv"
	awk -F, '$7 < 80 { bad = 1 } END { exit bad }' "$T/out.csv"
	# kept with -k, as every input is, though they are in no bar
	run -0 qts-resample -k -p 1m "$T/empty.csv"
	[ "$(printf '%s\n' "$output" | grep -c '^quote,')" -eq 60 ]
	[ "$(printf '%s\n' "$output" | grep '^bar,')" = "$(qts-resample -p 1m "$T/without.csv")" ]
	# a symbol whose every quote has an empty side has no bar at all
	printf 'quote,2024-01-02T14:30:00Z,A,0,1.1,0,5\nquote,2024-01-02T14:31:30Z,A,1.1,0,5,0\n' > "$T/none.csv"
	run -0 --separate-stderr qts-resample -p 1m "$T/none.csv"
	[ -z "$output" ]
	[ "$stderr" = "qts-resample: A: no bar: none of its quotes has both a bid and an ask" ]
}

@test "--offset's bars read back: a day's first bar cut at midnight is followed by the next, not refused as an overlap" {
	# 30m bars from 00:00: with --offset 30m the first 1h bar is cut to
	# 00:00-00:30 and the next starts at 00:30; summed into one day, the
	# volume of all five
	for t in 00:00 00:30 01:00 01:30 02:00; do
		printf 'bar,2024-01-03T%s:00Z,A,30m,1,2,0.5,1.5,10\n' $t
	done > "$BATS_TEST_TMPDIR/m30.csv"
	qts-resample --offset 30m 1h "$BATS_TEST_TMPDIR/m30.csv" > "$BATS_TEST_TMPDIR/h.csv"
	run -0 qts-resample --partial 1d "$BATS_TEST_TMPDIR/h.csv"
	[ "$output" = "bar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1.5,50" ]
}
