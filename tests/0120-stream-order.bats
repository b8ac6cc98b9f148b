#!/usr/bin/env bats
# The stream as a whole (qts-events(5)): in time order across symbols,
# checked by every stage; a type is a lowercase name; an input with no
# event is said; a failed stage says so in the stream, and every stage
# after it fails at its end.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	qts-fetch --seed 1 --count 60 synth:A > a.csv
	qts-fetch --seed 2 --count 60 synth:B > b.csv
}

# Every stage that keeps state, with arguments that make it do something.
stages=(
	"qts-resample -p 1w"
	"qts-strategy sma-cross fast=3 slow=5"
	"qts-risk --max-position 100"
	"qts-sim"
	"qts-report"
)

@test "cat of two files into a backtest: refused at the first step back, both times named" {
	run -1 --separate-stderr bash -c 'cat a.csv b.csv | qts-strategy sma-cross fast=3 slow=5 | qts-sim | qts-report'
	[ "${stderr_lines[0]}" = "qts-strategy: -:61: out of time order: bar B 1d known at 2024-01-02T00:00:00Z comes after line 60, a bar known at 2024-03-23T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
	[[ "${stderr_lines[-1]}" == "qts-report: the input is incomplete: qts-strategy failed: -:61: out of time order: "* ]]
}

@test "the same files named to the stage are merged in time, and the backtest runs" {
	run -0 bash -c 'qts-strategy sma-cross fast=3 slow=5 a.csv b.csv | qts-sim | qts-report --csv'
	[[ "$output" == *"trades,"* ]]
}

@test "real data: ORCL and NVDA concatenated are refused, named they are merged" {
	[ -f "$DATA/orcl-2014.txt" ] || skip "shared data not present"
	qts-fetch -s ORCL "$DATA/orcl-2014.txt" > orcl.csv
	qts-fetch -s NVDA "$DATA/nvda-2014.txt" > nvda.csv
	run -1 --separate-stderr bash -c 'cat orcl.csv nvda.csv | qts-strategy sma-cross fast=10 slow=30 | qts-sim | qts-report'
	[[ "${stderr_lines[0]}" == "qts-strategy: -:253: out of time order: bar NVDA 1d known at 2014-01-03T00:00:00Z comes after line 252, a bar known at 2015-01-01T00:00:00Z; "* ]]
	run -0 --separate-stderr bash -c 'qts-strategy sma-cross fast=10 slow=30 orcl.csv nvda.csv | qts-sim | qts-report'
	[ -z "$stderr" ]
}

@test "every stage that keeps state checks the order of its input" {
	cat a.csv b.csv > ab.csv
	for s in "${stages[@]}"; do
		run -1 --separate-stderr $s ab.csv
		[[ "${stderr_lines[0]}" == "${s%% *}: ab.csv:61: out of time order: bar B 1d known at 2024-01-02T00:00:00Z comes after line 60, a bar known at 2024-03-23T00:00:00Z; "* ]]
	done
}

@test "a failure record out of time order is refused as such, not also taken for a failure upstream; qts pipe says the same" {
	{ head -n 30 a.csv; echo "system,2024-01-03T00:00:00Z,feed,error,inside bar"; tail -n +31 a.csv; } > late.csv
	for s in "${stages[@]}"; do
		run -1 --separate-stderr $s late.csv
		[[ "$stderr" == "${s%% *}: late.csv:31: out of time order: system known at 2024-01-03T00:00:00Z comes after line 30, "* ]]
		[ "${#stderr_lines[@]}" -eq 1 ] || { echo "$s: $stderr"; false; }
	done
	run -1 --separate-stderr bash -c 'qts-strategy sma-cross fast=3 slow=5 late.csv | qts-sim'
	shell=$stderr
	[ "${#stderr_lines[@]}" -eq 2 ]
	run -1 --separate-stderr qts pipe 'qts-strategy sma-cross fast=3 slow=5 | qts-sim' late.csv
	[ "$stderr" = "$shell" ]
}

@test "shuffled input is refused" {
	{ head -n 30 a.csv | tail -n 10; head -n 10 a.csv; } > shuffled.csv
	run -1 --separate-stderr qts-sim shuffled.csv
	[[ "$stderr" == "qts-sim: shuffled.csv:11: out of time order: bar A 1d known at 2024-01-02T00:00:00Z comes after line 10, a bar known at "* ]]
}

@test "an equity stream that goes back in time is refused by qts-report" {
	printf 'equity,2024-01-03,100,100,0,0,0,0\nequity,2024-01-02T12:00:00Z,101,101,0,0,0,0\n' > eq.csv
	run -1 --separate-stderr qts-report eq.csv
	[ "$stderr" = "qts-report: eq.csv:2: out of time order: equity known at 2024-01-02T12:00:00Z comes after line 1, at 2024-01-03T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
}

@test "equal times are in order, across symbols and types" {
	printf '%s\n' 'bar,2024-01-02,B,1d,1,1,1,1,1' 'bar,2024-01-02,A,1d,1,1,1,1,1' \
		'tick,2024-01-03,C,1,1' 'target,2024-01-03,B,1,qty,x' 'bar,2024-01-03,A,1d,1,1,1,1,1' > tie.csv
	for s in "${stages[@]}"; do
		run -0 --separate-stderr $s tie.csv
		# (qts-report says that it has no equity to report on,
		# qts-strategy that its three bars made no target, and qts-sim
		# and qts-broker that B's order came after B's last bar)
		[ -z "$stderr" ] || [[ $s == qts-report* && $stderr == *": no equity events among the 5 read: "* ]] ||
			[[ $s == qts-strategy* && $stderr == "qts-strategy: end of input: 3 bars of 2 symbols and no target: "* ]] ||
			[[ $stderr == *": 1 order working at the end never filled: the market data of B ended at 2024-01-03T00:00:00Z, before the stream's at 2024-01-04T00:00:00Z "* ]]
	done
}

@test "a bar is known at its end: in order after what happened inside it, not after what followed it" {
	printf 'tick,2024-01-02T12:00:00Z,A,1,1\nbar,2024-01-02,B,1d,1,1,1,1,1\n' > inside.csv
	run -0 --separate-stderr qts-sim inside.csv
	printf 'tick,2024-01-02T12:00:00Z,A,1,1\nbar,2024-01-02,C,1h,1,1,1,1,1\n' > after.csv
	run -1 --separate-stderr qts-sim after.csv
	[ "$stderr" = "qts-sim: after.csv:2: out of time order: bar C 1h known at 2024-01-02T01:00:00Z comes after line 1, at 2024-01-02T12:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
	# What a bar causes may follow it, dated by its start.
	printf 'bar,2024-01-02,A,1d,1,1,1,1,1\nfill,2024-01-02,A,x,buy,1,1,0,0\n' > fill.csv
	run -0 --separate-stderr qts-report fill.csv
	# Reports fed back arrive late: in order among themselves only.
	printf 'bar,2024-01-03,A,1d,1,1,1,1,1\nfill,2024-01-02,A,x,buy,1,1,0,0\nupdate,2024-01-01,A,x,filled,1,1,\n' > late.csv
	run -1 --separate-stderr qts-report late.csv
	[ "$stderr" = "qts-report: late.csv:3: out of time order: update A known at 2024-01-01T00:00:00Z comes after line 2, a report (fill, update, position) at 2024-01-02T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
	# Months end on the same day of the next month.
	printf 'tick,2024-02-29,A,1,1\nbar,2024-01-31,B,1M,1,1,1,1,1\ntick,2024-03-01,A,1,1\nbar,2024-01-31,C,1M,1,1,1,1,1\n' > month.csv
	run -1 --separate-stderr qts-sim month.csv
	[[ "$stderr" == "qts-sim: month.csv:4: out of time order: bar C 1M known at 2024-02-29T00:00:00Z comes after line 3, at 2024-03-01T00:00:00Z;"* ]]
}

@test "msgpack: the place is the event's number and byte offset, of both events" {
	qts cat -M a.csv > a.mp
	qts cat -M b.csv > b.mp
	cat a.mp b.mp > ab.mp
	size=$(stat -c %s a.mp) n=$(qts cat a.mp | wc -l)
	run -1 --separate-stderr qts-sim ab.mp
	[[ "$stderr" == "qts-sim: ab.mp: event $((n + 1)) (byte $size): out of time order: bar B 1d known at 2024-01-02T00:00:00Z comes after event $n (byte $((size - 64))), a bar known at 2024-03-23T00:00:00Z; "* ]]
}

@test "several files: each checked on its own, the merge in time order" {
	{ head -n 5 b.csv; head -n 2 b.csv; } > bad.csv
	run -1 --separate-stderr qts-sim a.csv bad.csv
	[[ "$stderr" == "qts-sim: bad.csv:6: out of time order: "* ]]
	run -0 qts-sim a.csv b.csv
	qts-sim a.csv b.csv | qts-report > /dev/null
}

@test "an unknown type with a time is ordered; one without stays beside its neighbours" {
	printf '%s\n' 'bar,2024-01-02,A,1d,1,1,1,1,1' 'note,hello' 'news,2024-01-03,A,x' 'news,2024-01-02T06:00:00Z,A,y' > u.csv
	run -1 --separate-stderr qts-risk u.csv
	[ "${lines[1]}" = "note,hello" ]
	[ "${lines[2]}" = "news,2024-01-03,A,x" ]
	[ "$stderr" = "qts-risk: u.csv:4: out of time order: news known at 2024-01-02T06:00:00Z comes after line 3, at 2024-01-03T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
}

@test "a vendor CSV given to a stage: not an event type, with a hint" {
	printf 'Date,Open,High,Low,Close,Adj Close,Volume\n2014-01-02,1,1,1,1,1,100\n' > yahoo.csv
	for s in "${stages[@]}" "qts cat"; do
		run -1 --separate-stderr $s yahoo.csv
		[ "${stderr_lines[0]}" = "${s%% *}: yahoo.csv:1: 'Date' is not an event type (a lowercase name such as bar); a vendor CSV? read it with qts-fetch" ]
	done
	# A header in lowercase still fails on its first row.
	printf 'exchange,symbol,timestamp\nbinance-futures,BTCUSDT,1582329601096000\n' > tardis.csv
	run -1 --separate-stderr qts-sim tardis.csv
	[ "$stderr" = "qts-sim: tardis.csv:2: 'binance-futures' is not an event type (a lowercase name such as bar); a vendor CSV? read it with qts-fetch" ]
	printf '2024-01-02,1,2\n' | { run -1 --separate-stderr qts-strategy sma-cross; [[ "$stderr" == "qts-strategy: -:1: '2024-01-02' is not an event type"* ]]; }
	# In msgpack too.
	printf '\x92\xa4Date\x01' | { run -1 --separate-stderr qts-sim; [[ "$stderr" == "qts-sim: -: event 1 (byte 0): 'Date' is not an event type"* ]]; }
}

@test "unknown lowercase types still pass through unchanged" {
	printf '%s\n' 'news,2024-01-02T00:00:00Z,A,"beat, raised",1.5' 'my_type2,x' > unk.csv
	for s in "qts-resample 1d" "qts-risk" "qts-sim" "qts cat"; do
		run -0 --separate-stderr $s unk.csv
		[ "${lines[0]}" = 'news,2024-01-02T00:00:00Z,A,"beat, raised",1.5' ]
		[ "${lines[1]}" = 'my_type2,x' ]
	done
}

@test "an empty or header-only input: a warning" {
	: > empty.csv
	printf '#bar,ts,symbol,tf,open,high,low,close,volume\n' > header.csv
	for s in "${stages[@]}" "qts cat"; do
		run -0 --separate-stderr $s empty.csv
		[ "$stderr" = "${s%% *}: empty.csv: no events (empty input)" ]
		run -0 --separate-stderr $s header.csv
		[ "$stderr" = "${s%% *}: header.csv: no events (only comment or header lines)" ]
	done
	run -0 --separate-stderr qts-sim < /dev/null
	[ "$stderr" = "qts-sim: -: no events (empty input)" ]
	# One empty file among others is named.
	run -0 --separate-stderr qts-sim a.csv empty.csv
	[ "$stderr" = "qts-sim: empty.csv: no events (empty input)" ]
}

@test "a failed stage upstream: the end of the pipeline exits 1 and says why" {
	run -1 --separate-stderr bash -c 'printf "bad-line\n" | qts-strategy sma-cross fast=3 slow=5 | qts-sim | qts-report'
	[ "${stderr_lines[0]}" = "qts-strategy: -:1: 'bad-line' is not an event type (a lowercase name such as bar); a vendor CSV? read it with qts-fetch" ]
	[ "${stderr_lines[-1]}" = "qts-report: the input is incomplete: qts-strategy failed: -:1: 'bad-line' is not an event type (a lowercase name such as bar); a vendor CSV? read it with qts-fetch" ]
	# The report is still written, from what came through.
	[[ "$output" == *"Trades"* ]]
}

@test "the failing stage ends its stream with a system error event, after its last whole record" {
	{ head -n 20 a.csv; printf 'bar,2024-01-30,A,1d,1,2\n'; } > cut.csv
	run -1 --separate-stderr qts-strategy sma-cross fast=3 slow=5 cut.csv
	[ "$stderr" = "qts-strategy: cut.csv:21: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 6" ]
	[ "${lines[-2]}" = "$(sed -n 20p a.csv)" ]
	# Dated when the last event written became known: the end of that bar.
	[ "${lines[-1]}" = 'system,2024-01-27T00:00:00Z,qts-strategy,error,"cut.csv:21: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 6"' ]
	# In msgpack as well, read back the same.
	run -1 qts-strategy -M sma-cross fast=3 slow=5 cut.csv
	qts-strategy -M sma-cross fast=3 slow=5 cut.csv 2>/dev/null | { run -1 --separate-stderr qts cat; [ "${lines[-1]}" = 'system,2024-01-27T00:00:00Z,qts-strategy,error,"cut.csv:21: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 6"' ]; [ "$stderr" = "qts: the input is incomplete: qts-strategy failed: cut.csv:21: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 6" ]; }
}

@test "every stage passes the error on once, and fails at its end" {
	printf 'bar,2024-01-02,A,1d,1,1,1,1,1\nsystem,2024-01-03,qts-fetch,error,"vendor: connection lost"\nbar,2024-01-03,A,1d,1,1,1,1,1\n' > failed.csv
	for s in "qts-resample 1d" "qts-strategy sma-cross fast=3 slow=5" "qts-risk --max-position 100" "qts-sim" "qts cat"; do
		run -1 --separate-stderr $s failed.csv
		[ "$stderr" = "${s%% *}: the input is incomplete: qts-fetch failed: vendor: connection lost" ]
		[ "$(printf '%s\n' "${lines[@]}" | grep -c '^system,.*,error,')" -eq 1 ]
	done
	run -1 --separate-stderr qts-report failed.csv
	[ "${stderr_lines[-1]}" = "qts-report: the input is incomplete: qts-fetch failed: vendor: connection lost" ]
	# Other levels are only passed on.
	sed 's/,error,/,warning,/' failed.csv > warned.csv
	run -0 --separate-stderr qts-sim warned.csv
	[ -z "$stderr" ]
}

@test "a day back is out of order; qts-risk and qts-sim fail in the stream too" {
	printf 'bar,2024-01-02,A,1d,1,1,1,1,1\nbar,2024-01-01,A,1d,1,1,1,1,1\n' > back.csv
	for s in "qts-risk --max-position 100" "qts-sim" "qts-resample 1w"; do
		run -1 --separate-stderr $s back.csv
		[ "$stderr" = "${s%% *}: back.csv:2: out of time order: bar A 1d known at 2024-01-02T00:00:00Z comes after line 1, a bar known at 2024-01-03T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
		[[ "${lines[-1]}" == "system,"*",${s%% *},error,\"back.csv:2: out of time order: "* ]]
	done
	# A file that cannot be opened, once the output is open.
	run -1 --separate-stderr qts-sim /nonexistent
	[ "$output" = 'system,1970-01-01T00:00:00Z,qts-sim,error,/nonexistent: No such file or directory' ]
}

@test "a stage stopped by SIGTERM ends its stream with the error event" {
	mkfifo in
	qts-sim < in > out &
	pid=$!
	exec 5> in
	echo 'bar,2024-01-02,A,1d,1,1,1,1,1' >&5
	for i in $(seq 50); do [ -s out ] && break; sleep 0.1; done
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	exec 5>&-
	[ "$rc" -eq 143 ]
	[ "$(tail -n 1 out)" = "system,2024-01-03T00:00:00Z,qts-sim,error,stopped by signal 15 (SIGTERM)" ]
}

@test "bars go by their end across timeframes: a daily bar at its start, before the hours of its day, is refused" {
	# (ORDER BY ts in SQL puts it there.)  What a stage makes of the day,
	# dated at its end (a target, an equity), would come before the hours:
	# the next stage refused it, and qts-sim never filled the hours' orders.
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,AAA,1d,10,11,9,10,100' 'bar,2024-01-02T00:00:00Z,BBB,1h,20,21,19,20,100' \
		'bar,2024-01-02T01:00:00Z,BBB,1h,20,21,19,20,100' > start.csv
	for s in "${stages[@]}"; do
		run -1 --separate-stderr $s start.csv
		[ "${stderr_lines[0]}" = "${s%% *}: start.csv:2: out of time order: bar BBB 1h known at 2024-01-02T01:00:00Z comes after line 1, a bar of another timeframe known at 2024-01-03T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
	done
	# in the order of their ends, as a merge puts it, the hours' orders fill
	# and qts-sim's stream is in order
	grep AAA start.csv > day.csv
	grep BBB start.csv > hours.csv
	for h in 02 03 23; do echo "bar,2024-01-02T$h:00:00Z,BBB,1h,20,21,19,20,100"; done >> hours.csv
	qts-fetch day.csv hours.csv > merged.csv
	[ "$(sed -n 5p merged.csv)" = "bar,2024-01-02T00:00:00Z,AAA,1d,10,11,9,10,100" ]
	run -0 --separate-stderr sh -c "qts-strategy --tf 1h buy-hold weight=0.1 merged.csv | qts-sim | qts cat"
	[[ "$output" == *$'\nfill,2024-01-02T01:00:00Z,BBB,buy-hold-BBB-1,buy,500,20,0,0\n'* ]]
	# msgpack alike, its bars read a record at a time after the first
	for n in 1 2 3; do sed -n ${n}p start.csv | qts cat -M; done > start.mp
	run -1 --separate-stderr qts-sim start.mp
	[[ "$stderr" == "qts-sim: start.mp: event 2 (byte "*"): out of time order: bar BBB 1h known at 2024-01-02T01:00:00Z comes after event 1 (byte 0), a bar of another timeframe known at 2024-01-03T00:00:00Z; "* ]]
}

@test "reports go in order symbol by symbol: the fill at an hour's open follows the fills of quarter hours that ended before it" {
	qts-fetch --seed 1 -t 1h --count 30 synth:A > h.csv
	qts-fetch --seed 3 -t 15m --count 120 synth:E > q.csv
	qts-strategy -e 'target = close > open ? 10 : 0' h.csv q.csv | qts-sim > out.csv
	# qts-sim wrote a fill dated before a fill of the other symbol written
	# before it, which readers refused when reports went in one order
	run -0 awk -F, '$1 == "fill" { if ($2 < last) { print; exit } last = $2 }' out.csv
	[ "$output" = "fill,2024-01-01T15:30:00Z,A,expr-A-1,buy,10,97.89,0,0" ]
	run -0 --separate-stderr qts-report out.csv
	run -0 --separate-stderr qts cat out.csv
	# one symbol's reports going back are refused still
	printf 'fill,2024-01-02,A,x,buy,1,1,0,0\nfill,2024-01-03,B,y,buy,1,1,0,0\nupdate,2024-01-01,A,x,filled,1,1,\n' > back.csv
	run -1 --separate-stderr qts cat back.csv
	[ "$stderr" = "qts: back.csv:3: out of time order: update A known at 2024-01-01T00:00:00Z comes after line 1, a report (fill, update, position) at 2024-01-02T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
}

@test "a trade inside the span of a bar read before it: qts-strategy and qts-risk refuse it where what they made of the bar would go before it, in the shell and in qts pipe alike" {
	# the reader takes a trade at a daily bar's start after the bar; the
	# target of the bar is dated at its end, a day later
	awk -F, '{ print } $1 == "bar" && NR == 40 { printf "tick,%s,%s,%s,1\n", $2, $3, $8 }' a.csv > in.csv
	run -0 qts cat in.csv
	run -1 --separate-stderr qts-strategy -e 'target = round(close)' in.csv
	[ "$stderr" = "qts-strategy: in.csv:41: tick A at 2024-02-23T00:00:00Z comes inside a bar before it, after what this stage made of the bar (dated at its end, 2024-02-24T00:00:00Z): out of time order for the next stage; put it before the bar (a merge by time does)" ]
	# all it wrote before its failure is in order for the next stage
	printf '%s\n' "$output" | grep -v '^system,' | qts cat > /dev/null
	run -1 --separate-stderr qts pipe "qts-strategy -e 'target = round(close)' | qts-risk | qts-sim" in.csv
	[ "${stderr_lines[0]}" = "qts-strategy: in.csv:41: tick A at 2024-02-23T00:00:00Z comes inside a bar before it, after what this stage made of the bar (dated at its end, 2024-02-24T00:00:00Z): out of time order for the next stage; put it before the bar (a merge by time does)" ]
	qts-strategy -e 'target = round(close)' in.csv 2>/dev/null | qts-risk 2>/dev/null | qts-sim > shell.out 2>/dev/null || true
	printf '%s\n' "$output" | cmp - shell.out
	# the trade at the bar's end, or before the bar, is in order
	awk -F, '{ print } $1 == "bar" && NR == 40 { printf "tick,2024-02-24T00:00:00Z,%s,%s,1\n", $3, $8 }' a.csv > end.csv
	qts-strategy -e 'target = round(close)' end.csv | qts cat > /dev/null
	# qts-risk's exit of a position is dated at the end of the bar that
	# stopped it
	# (a target just before the bar: bought at its open, stopped at its close)
	awk -F, 'NR == 40 { printf "target,%s,%s,10,qty,s\n", $2, $3 } { print }
		$1 == "bar" && NR == 40 { printf "tick,%s,%s,%s,1\n", $2, $3, $8 }' a.csv > risk.csv
	run -1 --separate-stderr qts-risk --stop-loss 0.0001 risk.csv
	[[ "$stderr" == "qts-risk: risk.csv:"*": tick A at "*" comes inside a bar before it, after what this stage made of the bar (dated at its end, "* ]]
	grep -q '^risk,.*flatten' <<<"$output"
	run -1 --separate-stderr qts pipe 'qts-risk --stop-loss 0.0001 | qts-sim' risk.csv
	[[ "${stderr_lines[0]}" == "qts-risk: risk.csv:"*": tick A at "* ]]
	# an event of an unknown type without a time goes on
	sed 's/^tick,.*/note,stopped here/' risk.csv > untimed.csv
	qts-risk --stop-loss 0.0001 untimed.csv | qts-strategy -e 'target = 1' | qts cat | grep -qx 'note,stopped here'
	# one with a time is refused as a tick is: every reader after judges
	# its time (it went out after the target, and the next stage failed)
	awk -F, '{ print } $1 == "bar" && NR == 40 { printf "news,%s,%s,halted\n", $2, $3 }' a.csv > news.csv
	run -0 qts cat news.csv
	run -1 --separate-stderr qts-strategy -e 'target = round(close)' news.csv
	[ "$stderr" = "qts-strategy: news.csv:41: news at 2024-02-23T00:00:00Z comes inside a bar before it, after what this stage made of the bar (dated at its end, 2024-02-24T00:00:00Z): out of time order for the next stage; put it before the bar (a merge by time does)" ]
	printf '%s\n' "$output" | grep -v '^system,' | qts cat > /dev/null
	awk -F, 'NR == 40 { printf "target,%s,%s,10,qty,s\n", $2, $3 } { print }
		$1 == "bar" && NR == 40 { printf "news,%s,%s,halted\n", $2, $3 }' a.csv > risknews.csv
	run -1 --separate-stderr qts-risk --stop-loss 0.0001 risknews.csv
	[[ "$stderr" == "qts-risk: risknews.csv:"*": news at "*" comes inside a bar before it, after what this stage made of the bar (dated at its end, "* ]]
}
