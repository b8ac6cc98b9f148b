#!/usr/bin/env bats
# Times near the ends of int64 nanoseconds (1677-09-21T00:12:43.145224192Z
# to 2262-04-11T23:47:16.854775807Z), which the readers accept, through every
# stage: a correct result, or exit 1 naming the event whose bar end, latency
# or day boundary has no time; never a wrapped time (under the sanitizer
# build, never an overflow).  A bar that would end past the last time is
# refused by the readers themselves (0107-stream-limits.bats).

load helper

setup() {
	T=$(mktemp -d)
	# Daily bars at both ends: the last one ends on the last day there
	# is, at 2262-04-11T00:00:00Z (one a day later would never end).
	cat > "$T/days.csv" <<-'EOS'
	bar,1677-09-22T00:00:00Z,X,1d,10,11,9,10,100
	bar,1677-09-23T00:00:00Z,X,1d,10,11,9,10.5,100
	bar,1677-09-24T00:00:00Z,X,1d,10,11,9,10,100
	bar,2262-04-08T00:00:00Z,X,1d,10,11,9,10,100
	bar,2262-04-09T00:00:00Z,X,1d,10,11,9,10,100
	bar,2262-04-10T00:00:00Z,X,1d,10,12,9,11,100
	EOS
	# Minute bars at both ends: the first minute there is, the last whole one.
	cat > "$T/minutes.csv" <<-'EOS'
	bar,1677-09-21T00:13:00Z,X,1m,10,11,9,10,100
	bar,1677-09-21T00:14:00Z,X,1m,10,11,9,10.5,100
	bar,2262-04-11T23:45:00Z,X,1m,10,11,9,10,100
	bar,2262-04-11T23:46:00Z,X,1m,10,11,9,11,100
	EOS
}

teardown() {
	rm -rf "$T"
}

LAST=2262-04-11T23:47:16.854775807Z
FIRST=1677-09-21T00:12:43.145224192Z

@test "qts-resample: a bar whose interval has no time is an error naming it" {
	run -1 --separate-stderr qts-resample 1h "$T/minutes.csv"
	[ "$stderr" = "qts-resample: $T/minutes.csv:1: X: bar 1677-09-21T00:13:00Z: its 1h bar would start before $FIRST, the first time qts can represent" ]
	tail -n 2 "$T/minutes.csv" > "$T/late.csv"
	run -1 --separate-stderr qts-resample 1h "$T/late.csv"
	[ "$stderr" = "qts-resample: $T/late.csv:1: X: bar 2262-04-11T23:45:00Z: its 1h bar would end past $LAST, the last time qts can represent" ]
	for tf in 1d 1w 1M; do
		run -1 --separate-stderr qts-resample "$tf" "$T/minutes.csv"
		[[ $stderr == *"its $tf bar would start before $FIRST"* ]]
	done
	# A 1d bar whose own end has no time: its reader refuses it.
	printf 'bar,2262-04-11T00:00:00Z,X,1d,10,12,9,12,100\n' >> "$T/days.csv"
	run -1 --separate-stderr qts-resample -p 1d "$T/days.csv"
	[ "$stderr" = "qts-resample: $T/days.csv:7: bar X 1d: 2262-04-11T00:00:00Z + 1d is past $LAST, the last time qts can represent (a bar is known at its end)" ]
	sed -i '$d' "$T/days.csv"
	# What fits is right: the 2m bar of 23:44, not the one of 23:46.
	run -1 --separate-stderr qts-resample -p 2m "$T/late.csv"
	[ "${lines[0]}" = "bar,2262-04-11T23:44:00Z,X,2m,10,11,9,10,100" ]
	[[ ${lines[1]} == system,*,qts-resample,error,* ]] && [ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "qts-resample: $T/late.csv:2: X: bar 2262-04-11T23:46:00Z: its 2m bar would end past $LAST, the last time qts can represent" ]
	run -0 --separate-stderr qts-resample -p 1m "$T/late.csv"
	[ "$output" = "$(cat "$T/late.csv")" ]
	sed -n '2,3p' "$T/days.csv" > "$T/early.csv"
	run -0 --separate-stderr qts-resample -p 1d "$T/early.csv"
	[ "$output" = "$(cat "$T/early.csv")" ]
}

@test "qts-resample: a symbol's first bar before 1970 is not in a bar already written" {
	printf 'bar,1969-12-31T23:00:00Z,X,1h,1,1,1,1,1\n' > "$T/in.csv"
	run -0 --separate-stderr qts-resample -p 1d,1w,1M "$T/in.csv"
	[ "$output" = "bar,1969-12-31T00:00:00Z,X,1d,1,1,1,1,1
bar,1969-12-01T00:00:00Z,X,1M,1,1,1,1,1
bar,1969-12-29T00:00:00Z,X,1w,1,1,1,1,1" ]
}

@test "qts-resample: a tick at the first and at the last time" {
	printf 'tick,%s,X,10,1\ntick,%s,X,11,1\n' "$FIRST" "$LAST" > "$T/in.csv"
	for tf in 1s 1d 1M; do
		run -1 --separate-stderr qts-resample -p "$tf" "$T/in.csv"
		[[ $stderr == *"tick $FIRST: its $tf bar would start before $FIRST"* ]]
	done
}

@test "qts-sim: an order whose latency runs past the last time is rejected, never filled early" {
	qts-strategy -e 'target = close > 10' "$T/minutes.csv" > "$T/t.csv"
	run -0 --separate-stderr qts-sim --latency 1m "$T/t.csv"
	# The target at 23:47:00 (the last bar's end) would be working from
	# 23:48:00, which has no time.
	[[ $output == *'update,2262-04-11T23:47:00Z,X,expr-X-3,rejected,0,,"2262-04-11T23:47:00Z + latency 1m is past '$LAST', the last time qts can represent"'* ]]
	[[ $output != *"fill,2262-04-11T23:47:00Z,X,expr-X-3"* ]]
	# Latency within the range still delays: the order of 1677 fills in 2262.
	run -0 --separate-stderr qts-sim --latency 1h "$T/t.csv"
	[[ $output == *"fill,2262-04-11T23:45:00Z,X,expr-X-1,buy,1,10"* ]]
}

@test "qts-risk: daily and rate rules at both ends" {
	qts-strategy -e 'target = close > 10' "$T/minutes.csv" > "$T/t.csv"
	run -0 --separate-stderr qts-risk --daily-loss 1 --max-orders 1/1h "$T/t.csv"
	# The one approval of 1677 does not count against 2262 (no wrap), the
	# one of 23:46 does against 23:47.
	[[ $output == *"target,2262-04-11T23:46:00Z,X,0,qty,expr"* ]]
	[[ $output == *"risk,2262-04-11T23:47:00Z,X,max-orders,reject,target 1 qty: more than 1 in 3600s"* ]]
	qts-strategy -e 'target = close > 10' "$T/days.csv" > "$T/d.csv"
	run -0 --separate-stderr qts-risk --daily-loss 1 --max-orders 1/1d --stop-loss 0.01 "$T/d.csv"
}

@test "qts-strategy and a whole pipeline: bars that end on the last day there is" {
	run -0 --separate-stderr qts-strategy -e 'target = close > 10.2' "$T/days.csv"
	[[ $output == *"target,1677-09-24T00:00:00Z,X,1,qty,expr"* ]]
	[[ $output == *"target,2262-04-11T00:00:00Z,X,1,qty,expr"* ]]
	# no 1M bars in the input: said at the end, never an overflow
	run -1 --separate-stderr qts-strategy -e 'target = close@1M > 10' --tf 1d "$T/days.csv"
	[ "$stderr" = "qts-strategy: end of input: @1M: no bar of that timeframe in the input, its series were nan throughout (its bars are 1d)" ]
	for f in days minutes; do
		run -0 bash -c "set -o pipefail; qts-strategy -e 'target = close > 10' '$T/$f.csv' |
			qts-risk --max-orders 2/1h --daily-loss 5 | qts-sim --latency 1d | qts-report"
	done
}

@test "qts-fetch: --to and synth near the last time" {
	run -0 --separate-stderr qts-fetch --to 2262-04-11 "$T/days.csv"
	[ "${#lines[@]}" -eq 6 ]
	run -1 --separate-stderr qts-fetch --from 2262-04-01 synth:X
	# 7 bars, then the failure in the stream
	[ "${#lines[@]}" -eq 8 ]
	[[ ${lines[7]} == system,*,qts-fetch,error,* ]]
	[ "$stderr" = "qts-fetch: synth:X: the bars asked for run past 2262-04-11, the last time there is" ]
	run -1 --separate-stderr qts-fetch --from 2262-04-11T20:00:00Z --tf 1h --session 00:00-24:00 synth:X
	[ "$stderr" = "qts-fetch: synth:X: the bars asked for run past 2262-04-11, the last time there is" ]
	# a bar whose timeframe takes its end past the last time, from the
	# first: none written (it was, exit 0, and no stage read it)
	run -1 --separate-stderr qts-fetch --count 1 --tf 999999w synth:X
	[ "$stderr" = "qts-fetch: synth:X: the bars asked for run past 2262-04-11, the last time there is" ]
	[ "${#lines[@]}" -eq 1 ]
	[[ ${lines[0]} == system,*,qts-fetch,error,* ]]
	run -1 --separate-stderr qts-fetch --count 3 --tf 2880M synth:X
	[ "${#lines[@]}" -eq 1 ]
	# the last bar that ends in time is written
	run -0 --separate-stderr qts-fetch --count 1 --tf 12000w synth:X
	[[ ${lines[0]} == bar,2024-01-01T00:00:00Z,X,12000w,* ]]
}

@test "qts-fetch: a vendor's row on the last day there is makes a bar with no end: refused as every stage refuses it" {
	printf 'Date,Open,High,Low,Close,Volume\n2262-04-09,1,2,0.5,1.5,10\n2262-04-10,1,2,0.5,1.5,10\n2262-04-11,1,2,0.5,1.5,10\n' > "$T/late.csv"
	why="late.csv:4: bar LATE 1d: 2262-04-11T00:00:00Z + 1d is past 2262-04-11T23:47:16.854775807Z, the last time qts can represent (a bar is known at its end)"
	run -1 --separate-stderr qts-fetch "$T/late.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ "${lines[1]}" = "bar,2262-04-10T00:00:00Z,LATE,1d,1,2,0.5,1.5,10" ]
	[[ ${lines[2]} == system,*,qts-fetch,error,* ]]
	[ "$stderr" = "qts-fetch: $T/$why" ]
	# skipped, what is written is a stream every stage reads
	run -0 --separate-stderr qts-fetch --on-bad skip "$T/late.csv"
	[ "${#lines[@]}" -eq 2 ]
	qts-fetch --on-bad warn "$T/late.csv" 2>/dev/null | qts-sim > /dev/null
	# weeks asked for: the week of 2262-04-07 ends after the last time
	run -1 --separate-stderr qts-fetch -t 1w "$T/late.csv"
	[[ $stderr == *"bar LATE 1w: 2262-04-07T00:00:00Z + 1w is past"* ]]
}

@test "qts-report: a round trip from 1677 to 2262 is held 213499 days" {
	# Bought at the open of 1677-09-24, sold at the open of 2262-04-10:
	# 213499 days apart (Python's datetime.date subtraction).
	cat > "$T/rt.csv" <<-'EOS'
	bar,1677-09-22T00:00:00Z,X,1d,10,11,9,10,100
	bar,1677-09-23T00:00:00Z,X,1d,10,11,9,11,100
	bar,1677-09-24T00:00:00Z,X,1d,10,11,9,11,100
	bar,2262-04-09T00:00:00Z,X,1d,10,11,9,10,100
	bar,2262-04-10T00:00:00Z,X,1d,10,11,9,10,100
	EOS
	qts-strategy -e 'target = close > 10.5' "$T/rt.csv" | qts-sim > "$T/sim.csv"
	run -0 --separate-stderr qts-report "$T/sim.csv"
	[[ $output == *"Average holding (days)               213499.0"* ]]
	run -0 --separate-stderr qts-report --json "$T/sim.csv"
	run -0 --separate-stderr qts-report --html "$T/r.html" "$T/sim.csv"
}

@test "qts-sim --actions: a date whose day starts before the first time is an error" {
	printf '1677-09-21,X,split,2\n' > "$T/act.csv"
	run -1 --separate-stderr qts-sim --actions "$T/act.csv" "$T/days.csv"
	[ "$stderr" = "qts-sim: $T/act.csv:1: '1677-09-21' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)" ]
	printf '1677-09-22,X,split,2\n' > "$T/act.csv"
	run -0 --separate-stderr qts-sim --actions "$T/act.csv" "$T/days.csv"
}

@test "qts-sim before 1970: bars work the orders once the ticks before them stop" {
	# Ticks drive X's fills until 11:00 on 1960-01-04; the day bars after
	# them do from then on: o2 fills at the open of 1960-01-06, 14.  (The
	# time worked up to started at 0, 1970, so no bar before it did.)
	cat > "$T/pre.csv" <<-'EOS'
	tick,1960-01-04T10:00:00Z,X,10,100
	order,1960-01-04T10:00:00Z,X,o1,buy,1,market,,,gtc,s
	tick,1960-01-04T11:00:00Z,X,11,100
	bar,1960-01-05T00:00:00Z,X,1d,12,13,11,12,1000
	order,1960-01-06T00:00:00Z,X,o2,buy,2,market,,,gtc,s
	bar,1960-01-06T00:00:00Z,X,1d,14,15,13,14,1000
	EOS
	run -0 --separate-stderr qts-sim "$T/pre.csv"
	[ "$(grep '^fill,' <<< "$output")" = "fill,1960-01-04T11:00:00Z,X,o1,buy,1,11,0,0
fill,1960-01-06T00:00:00Z,X,o2,buy,2,14,0,0" ]
}
