#!/usr/bin/env bats
# The event stream: CSV and msgpack codecs, gzip, errors (qts-events(5)),
# exercised through `qts cat`.

load helper

@test "CSV -> CSV is the identity for every type, unknown types included" {
	run -0 qts cat "$FIX/all-types.csv"
	[ "$output" = "$(cat "$FIX/all-types.csv")" ]
}

@test "CSV -> msgpack -> CSV is the identity, byte for byte" {
	qts cat -M "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/s.mp"
	qts cat "$BATS_TEST_TMPDIR/s.mp" > "$BATS_TEST_TMPDIR/back.csv"
	cmp "$FIX/all-types.csv" "$BATS_TEST_TMPDIR/back.csv"
}

@test "msgpack -> msgpack is the identity" {
	qts cat -M "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/a.mp"
	qts cat -M "$BATS_TEST_TMPDIR/a.mp" > "$BATS_TEST_TMPDIR/b.mp"
	cmp "$BATS_TEST_TMPDIR/a.mp" "$BATS_TEST_TMPDIR/b.mp"
}

@test "msgpack records are arrays: type string, ts int64 ns, numbers float64" {
	printf 'bar,1970-01-01T00:00:01Z,A,1d,1,2,0.5,1.5,10\n' | qts cat -M > "$BATS_TEST_TMPDIR/one.mp"
	# 0x99 array of 9, a3 "bar", d3 int64 1e9, a1 "A", a2 "1d", cb float64 1.0 ...
	run -0 od -An -tx1 -N24 "$BATS_TEST_TMPDIR/one.mp"
	[ "$(echo $output)" = "99 a3 62 61 72 d3 00 00 00 00 3b 9a ca 00 a1 41 a2 31 64 cb 3f f0 00 00" ]
}

@test "QTS_FORMAT=msgpack selects msgpack output" {
	QTS_FORMAT=msgpack qts cat "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/e.mp"
	qts cat -M "$FIX/all-types.csv" | cmp - "$BATS_TEST_TMPDIR/e.mp"
}

@test "gzip input is read transparently, CSV and msgpack alike" {
	gzip -c "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/s.csv.gz"
	run -0 qts cat "$BATS_TEST_TMPDIR/s.csv.gz"
	[ "$output" = "$(cat "$FIX/all-types.csv")" ]
	qts cat -M "$FIX/all-types.csv" | gzip | qts cat > "$BATS_TEST_TMPDIR/back.csv"
	cmp "$FIX/all-types.csv" "$BATS_TEST_TMPDIR/back.csv"
}

@test "concatenated gzip members are read as one stream" {
	head -3 "$FIX/all-types.csv" | gzip > "$BATS_TEST_TMPDIR/m.gz"
	tail -n +4 "$FIX/all-types.csv" | gzip >> "$BATS_TEST_TMPDIR/m.gz"
	qts cat "$BATS_TEST_TMPDIR/m.gz" | cmp - "$FIX/all-types.csv"
}

@test "comments, blank lines and CRLF line ends are accepted" {
	printf '#bar,ts,symbol,tf,open,high,low,close,volume\r\n\r\nbar,2024-01-02,A,1d,1,2,0.5,1.5,10\r\n' > "$BATS_TEST_TMPDIR/c.csv"
	run -0 qts cat "$BATS_TEST_TMPDIR/c.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
}

@test "a last line without a newline is not lost" {
	printf 'tick,2024-01-02,A,1,2\ntick,2024-01-03,A,"1",2' > "$BATS_TEST_TMPDIR/n.csv"
	run -0 qts cat "$BATS_TEST_TMPDIR/n.csv"
	[ "${lines[1]}" = "tick,2024-01-03T00:00:00Z,A,1,2" ]
}

@test "a last line without a newline from a pipe is a record cut short: refused, the whole ones before it kept" {
	# a writer killed in the middle of a line leaves fields that still
	# parse: a volume of 10 for 100, a strategy "brea" for "breakout"
	run -1 --separate-stderr sh -c "printf 'bar,2024-01-02,A,1d,1,2,0.5,1.5,100\nbar,2024-01-03,A,1d,1,2,0.5,1.5,10' | qts cat"
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,100" ]
	[ "${#lines[@]}" -eq 2 ] # and the error event
	[ "$stderr" = "qts: -:2: the input ends inside a line: its writer stopped in the middle of a record" ]
	# a stage reading the pipe says so and stops too, and so does a FIFO
	run -1 --separate-stderr sh -c "printf 'target,2024-01-02,A,10,qty,s\ntarget,2024-01-02,A,100,qty,brea' | qts-risk"
	[ "${stderr##*$'\n'}" = "qts-risk: -:2: the input ends inside a line: its writer stopped in the middle of a record" ]
	mkfifo "$BATS_TEST_TMPDIR/f"
	printf 'tick,2024-01-02,A,1,2\ntick,2024-01-03,A,1,2' > "$BATS_TEST_TMPDIR/f" &
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/f"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/f:2: the input ends inside a line: its writer stopped in the middle of a record" ]
	# the same bytes from a file: its last line is whole
	printf 'tick,2024-01-02,A,1,2\ntick,2024-01-03,A,1,2' > "$BATS_TEST_TMPDIR/n.csv"
	run -0 sh -c "qts cat < '$BATS_TEST_TMPDIR/n.csv'"
	[ "${lines[1]}" = "tick,2024-01-03T00:00:00Z,A,1,2" ]
}

@test "numbers are written in the shortest form that reads back" {
	printf 'tick,2024-01-02,A,2.1790120,0100\n' | qts cat > "$BATS_TEST_TMPDIR/o"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = "tick,2024-01-02T00:00:00Z,A,2.179012,100" ]
}

@test "times: offsets, bare dates, nanoseconds" {
	printf 'tick,2024-01-02T09:30:00.000000001-05:00,A,1,1\n' | qts cat > "$BATS_TEST_TMPDIR/o"
	[ "$(cat "$BATS_TEST_TMPDIR/o")" = "tick,2024-01-02T14:30:00.000000001Z,A,1,1" ]
}

@test "wrong field count: file:line and what, only whole records before it" {
	printf 'tick,2024-01-02,A,1,2\ntick,2024-01-03,A,1\ntick,2024-01-04,A,1,2\n' > "$BATS_TEST_TMPDIR/bad.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/bad.csv"
	[ "${lines[0]}" = "tick,2024-01-02T00:00:00Z,A,1,2" ]
	# then the error, in the stream too (qts-events(5))
	[ "${lines[1]}" = "system,2024-01-02T00:00:00Z,qts,error,\"$BATS_TEST_TMPDIR/bad.csv:2: tick: expected 5 fields (type,ts,symbol,price,size), got 4\"" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/bad.csv:2: tick: expected 5 fields (type,ts,symbol,price,size), got 4" ]
}

@test "a number that is not a number" {
	run -1 --separate-stderr qts cat <<< 'bar,2024-01-02,A,1d,1,2,x,1.5,10'
	[ "$stderr" = "qts: -:1: low: 'x' is not a number" ]
}

@test "a time that is not a time" {
	run -1 --separate-stderr qts cat <<< 'tick,2024-13-02,A,1,1'
	[ "$stderr" = "qts: -:1: ts: '2024-13-02' is not a time (RFC 3339 or YYYY-MM-DD)" ]
}

@test "an enumerated field with another value" {
	run -1 --separate-stderr qts cat <<< 'order,2024-01-02,A,o1,hold,1,market,,,day,s'
	[ "$stderr" = "qts: -:1: side: 'hold' is not one of the allowed values" ]
}

@test "a bar whose tf is not a timeframe: refused by every reader, CSV and msgpack, after the whole records before it" {
	# what follows the refusal: what to write, the count's range, or
	# what a timeframe is
	any=' (a count and a unit: 30s, 1m, 5m, 1h, 1d, 1w, 1M)'
	for case in "1D|: write 1d" "1x|$any" "0s|: the count is 1 to 999999" "-1d|$any" "1.5h|$any" "1d2|$any" \
		"1mo|: write 1M" "1 h|: write 1h" "99999999999d|: the count is 1 to 999999" "1000000M|: the count is 1 to 999999"; do
		tf=${case%%|*}
		run -1 --separate-stderr qts cat <<< "bar,2024-01-01,A,1d,1,2,0.5,1.5,10
bar,2024-01-02,A,$tf,1,2,0.5,1.5,10"
		[ "${lines[0]}" = "bar,2024-01-01T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
		[[ "${lines[1]}" == system,*,qts,error,* ]]
		[ "${#lines[@]}" = 2 ]
		[ "$stderr" = "qts: -:2: tf: '$tf' is not a timeframe${case#*|}" ] || { echo "$tf: $stderr"; false; }
	done
	printf 'bar,2024-01-02,A,1D,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/d.csv"
	# msgpack written by another program: the same bar encoded by hand
	python3 -c '
import struct, sys
def s(x): b = x.encode(); return bytes([0xa0 | len(b)]) + b
r = bytes([0x99]) + s("bar") + b"\xd3" + struct.pack(">q", 1704153600 * 10**9) + s("A") + s("1D")
r += b"".join(b"\xcb" + struct.pack(">d", v) for v in (1, 2, 0.5, 1.5, 10))
sys.stdout.buffer.write(r)' > "$BATS_TEST_TMPDIR/d.mp"
	for prog in "qts cat" "qts-strategy sma-cross" qts-risk qts-sim qts-report "qts-resample 1w"; do
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/d.mp"
		[[ "$stderr" == *"d.mp: event 1 (byte 0): tf: '1D' is not a timeframe: write 1d" ]] || { echo "$prog: $stderr"; false; }
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/d.csv"
		[[ "$stderr" == *"d.csv:1: tf: '1D' is not a timeframe: write 1d" ]] || { echo "$prog: $stderr"; false; }
	done
}

@test "qts-strategy: another bar of a symbol and timeframe for one time is refused before it counts twice; the same bar again is counted once" {
	printf 'bar,2014-01-01T00:00:00Z,A,1d,1,100,0.5,10,100\nbar,2014-01-02T00:00:00Z,A,1d,1,100,0.5,20,100\nbar,2014-01-02T00:00:00Z,A,1d,1,100,0.5,99,100\n' > "$BATS_TEST_TMPDIR/dup.csv"
	run -1 --separate-stderr qts-strategy -e 'target = sma(close, 2)' "$BATS_TEST_TMPDIR/dup.csv"
	[ "${lines[2]}" = "target,2014-01-03T00:00:00Z,A,15,qty,expr" ]
	[[ "${lines[3]}" == system,*,qts-strategy,error,* ]] # the other bar is not passed on
	[ "$stderr" = "qts-strategy: $BATS_TEST_TMPDIR/dup.csv:3: bar A 1d at 2014-01-02T00:00:00Z is not after the symbol's last bar of that timeframe, nor that bar again: another bar for one time would count twice" ]
	run -1 --separate-stderr qts-strategy --print 'close,sma(close,2)' "$BATS_TEST_TMPDIR/dup.csv"
	[ "${#lines[@]}" = 3 ]
	# the same bar again (at-least-once delivery, qts-resample -k): passed, counted once
	printf 'bar,2014-01-01T00:00:00Z,A,1d,1,100,0.5,10,100\nbar,2014-01-02T00:00:00Z,A,1d,1,100,0.5,20,100\nbar,2014-01-02T00:00:00Z,A,1d,1,100,0.5,20,100\nbar,2014-01-03T00:00:00Z,A,1d,1,100,0.5,30,100\n' > "$BATS_TEST_TMPDIR/again.csv"
	run -0 qts-strategy -e 'target = sma(close, 2)' "$BATS_TEST_TMPDIR/again.csv"
	[ "${lines[3]}" = "bar,2014-01-02T00:00:00Z,A,1d,1,100,0.5,20,100" ]
	[ "${lines[5]}" = "target,2014-01-04T00:00:00Z,A,25,qty,expr" ]
	# an earlier bar of the symbol in another timeframe is of its own series
	# (the day after its last hour, when it is known)
	printf 'bar,2014-01-02T23:00:00Z,A,1h,1,100,0.5,10,100\nbar,2014-01-02T00:00:00Z,A,1d,1,100,0.5,20,100\nbar,2014-01-03T00:00:00Z,A,1h,1,100,0.5,10,100\n' > "$BATS_TEST_TMPDIR/two.csv"
	run -0 qts-strategy -e 'target = close' "$BATS_TEST_TMPDIR/two.csv"
}

@test "no memory for a record: exit 1 and why, only the whole records before it written" {
	# a bar, then an unknown event with a 40 MB text: as CSV it may take
	# twice that (quotes doubled), more than the allocator gives here
	python3 -c '
import struct, sys
def s(x): b = x.encode(); return bytes([0xa0 | len(b)]) + b
bar = bytes([0x99]) + s("bar") + b"\xd3" + struct.pack(">q", 1704153600 * 10**9) + s("A") + s("1d")
bar += b"".join(b"\xcb" + struct.pack(">d", v) for v in (1, 2, 0.5, 1.5, 10))
sys.stdout.buffer.write(bar + b"\x93" + s("zork") + s("x") + b"\xdb" + struct.pack(">I", 40 << 20) + b"\"" * (40 << 20))' > "$BATS_TEST_TMPDIR/big.mp"
	if ASAN_OPTIONS=help=1 qts --version 2>&1 | grep -q allocator_may_return_null; then
		export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=64
	else
		ulimit -v 150000
	fi
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/big.mp"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
	# (the sanitizer's own warning may come before)
	[ "${stderr_lines[-1]}" = "qts: write error: Cannot allocate memory" ]
	run -1 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/big.mp"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
	[ "${stderr_lines[-1]}" = "qts-sim: write error: Cannot allocate memory" ]
}

@test "qts-strategy, qts-risk, qts-sim: a bar that starts before the last of its symbol and timeframe ends is refused; a day after a short one (a change of offset) is not" {
	# 1h bars at 14:00 and 14:30 (two feeds in one file): the half hour
	# between counted twice, the orders worked twice on it
	printf 'bar,2024-01-02T14:00:00Z,A,1h,10,11,9,10,100\nbar,2024-01-02T14:30:00Z,A,1h,10,11,9,10,100\n' > "$BATS_TEST_TMPDIR/o.csv"
	why="o.csv:2: bar A 1h at 2024-01-02T14:30:00Z starts before the symbol's last bar of that timeframe ends (2024-01-02T14:00:00Z + 1h): bars of a symbol do not overlap, and the time they share would count twice"
	for prog in "qts-strategy -e target=close" "qts-risk" "qts-risk --max-position 5" "qts-sim"; do
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/o.csv"
		[ "$stderr" = "${prog%% *}: $BATS_TEST_TMPDIR/$why" ] || { echo "$prog: $stderr"; false; }
		[ "${lines[0]}" = "bar,2024-01-02T14:00:00Z,A,1h,10,11,9,10,100" ]
		[[ "${lines[${#lines[@]}-1]}" == system,*,error,* ]]
	done
	run -1 --separate-stderr qts pipe 'qts-strategy -e target=close | qts-risk | qts-sim' "$BATS_TEST_TMPDIR/o.csv"
	[[ "$stderr" == *"$why" ]]
	# and in msgpack, read by the same reader
	qts cat -M "$BATS_TEST_TMPDIR/o.csv" > "$BATS_TEST_TMPDIR/o.mp"
	run -1 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/o.mp"
	[[ "$stderr" == *"bar A 1h at 2024-01-02T14:30:00Z starts before the symbol's last bar"* ]]
	# a month that starts in the middle of the one before
	printf 'bar,2024-01-01T00:00:00Z,A,1M,10,11,9,10,100\nbar,2024-01-15T00:00:00Z,A,1M,10,11,9,10,100\n' > "$BATS_TEST_TMPDIR/m.csv"
	for prog in "qts-strategy -e target=close" "qts-risk" "qts-sim"; do
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/m.csv"
		[[ "$stderr" == *"m.csv:2: bar A 1M at 2024-01-15T00:00:00Z starts before"* ]] || { echo "$prog: $stderr"; false; }
	done
	# days at New York's midnight: 23 hours apart where the clocks go
	# forward, as qts-resample -z America/New_York writes them
	printf 'bar,2024-03-09T05:00:00Z,A,1d,10,11,9,10,100\nbar,2024-03-10T05:00:00Z,A,1d,10,11,9,10,100\nbar,2024-03-11T04:00:00Z,A,1d,10,11,9,10,100\n' > "$BATS_TEST_TMPDIR/d.csv"
	for prog in "qts-strategy -e target=close" "qts-risk" "qts-sim"; do
		run -0 $prog "$BATS_TEST_TMPDIR/d.csv"
	done
	# bars of two timeframes of a symbol overlap as they should
	printf 'bar,2024-01-02T14:00:00Z,A,30m,10,11,9,10,100\nbar,2024-01-02T14:00:00Z,A,1h,10,11,9,10,100\nbar,2024-01-02T14:30:00Z,A,30m,10,11,9,10,100\n' > "$BATS_TEST_TMPDIR/t.csv"
	for prog in "qts-strategy -e target=close" "qts-risk" "qts-sim"; do
		run -0 $prog "$BATS_TEST_TMPDIR/t.csv"
	done
}

@test "a bar whose high is below its low, whose open or close is outside them, or whose volume is negative, is refused by every reader, CSV and msgpack" {
	printf 'bar,2014-01-01,A,1d,10,11,9,10,1000\nbar,2014-01-02,A,1d,10,9,11,10,1000\n' > "$BATS_TEST_TMPDIR/hl.csv"
	printf 'bar,2014-01-01,A,1d,10,11,9,10,1000\nbar,2014-01-02,A,1d,10,11,9,10,-1000\n' > "$BATS_TEST_TMPDIR/vol.csv"
	printf 'bar,2014-01-01,A,1d,10,11,9,10,1000\nbar,2014-01-02,A,1d,50,11,9,10,1000\n' > "$BATS_TEST_TMPDIR/op.csv"
	printf 'bar,2014-01-01,A,1d,10,11,9,10,1000\nbar,2014-01-02,A,1d,10,11,9,8.5,1000\n' > "$BATS_TEST_TMPDIR/cl.csv"
	for f in hl vol op cl; do
		# msgpack of the same bars, written by hand (qts cat would refuse them)
		python3 - "$BATS_TEST_TMPDIR/$f.csv" > "$BATS_TEST_TMPDIR/$f.mp" <<-'PY'
		import struct, sys, calendar, time
		def s(x): b = x.encode(); return bytes([0xa0 | len(b)]) + b
		for line in open(sys.argv[1]):
		    t, d, sym, tf, *v = line.strip().split(",")
		    ts = calendar.timegm(time.strptime(d, "%Y-%m-%d")) * 10**9
		    r = bytes([0x99]) + s(t) + b"\xd3" + struct.pack(">q", ts) + s(sym) + s(tf)
		    sys.stdout.buffer.write(r + b"".join(b"\xcb" + struct.pack(">d", float(x)) for x in v))
		PY
	done
	for prog in "qts cat" qts-sim qts-risk "qts-strategy sma-cross"; do
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/hl.csv"
		[ "${lines[0]}" = "bar,2014-01-01T00:00:00Z,A,1d,10,11,9,10,1000" ]
		[[ "$stderr" == *"hl.csv:2: high: 9 is below the low, 11" ]] || { echo "$prog: $stderr"; false; }
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/vol.csv"
		[[ "$stderr" == *"vol.csv:2: volume: -1000 is negative" ]] || { echo "$prog: $stderr"; false; }
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/hl.mp"
		[[ "$stderr" == *"hl.mp: event 2 (byte 64): high: 9 is below the low, 11" ]] || { echo "$prog: $stderr"; false; }
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/vol.mp"
		[[ "$stderr" == *"vol.mp: event 2 (byte 64): volume: -1000 is negative" ]] || { echo "$prog: $stderr"; false; }
		# a price no one traded at: qts-sim would fill at it, qts-resample
		# make a week of it whose high is below its low
		for form in csv mp; do
			run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/op.$form"
			[ "${lines[0]}" = "bar,2014-01-01T00:00:00Z,A,1d,10,11,9,10,1000" ]
			[[ "$stderr" == *"op.$form:"*"open: 50 is above the high, 11" ]] || { echo "$prog: $stderr"; false; }
			run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/cl.$form"
			[[ "$stderr" == *"cl.$form:"*"close: 8.5 is below the low, 9" ]] || { echo "$prog: $stderr"; false; }
		done
	done
	run -1 --separate-stderr qts-resample 1w "$BATS_TEST_TMPDIR/op.csv"
	[ "$stderr" = "qts-resample: $BATS_TEST_TMPDIR/op.csv:2: open: 50 is above the high, 11" ]
}

@test "a crossed quote (bid above ask, both sides there) is refused by every reader, CSV and msgpack; an empty side is not crossed" {
	printf 'quote,2024-01-02T00:00:00Z,A,10,11,100,100\norder,2024-01-02T00:00:01Z,A,o1,buy,10,market,,,day,s\nquote,2024-01-02T00:00:02Z,A,12,9,100,100\n' > "$BATS_TEST_TMPDIR/x.csv"
	qts cat -M < <(head -n 2 "$BATS_TEST_TMPDIR/x.csv") > "$BATS_TEST_TMPDIR/x.mp"
	# the crossed quote in msgpack, written by hand (qts cat would refuse it)
	python3 - >> "$BATS_TEST_TMPDIR/x.mp" <<-'PY'
	import struct, sys
	def s(x): b = x.encode(); return bytes([0xa0 | len(b)]) + b
	r = bytes([0x97]) + s("quote") + b"\xd3" + struct.pack(">q", 1704153602 * 10**9) + s("A")
	sys.stdout.buffer.write(r + b"".join(b"\xcb" + struct.pack(">d", x) for x in (12, 9, 100, 100)))
	PY
	for prog in "qts cat" qts-sim qts-risk "qts-strategy sma-cross" "qts-resample 1m" "qts-broker paper"; do
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/x.csv"
		[[ "$stderr" == *"x.csv:3: bid: 12 is above the ask, 9 (a crossed quote)" ]] || { echo "$prog: $stderr"; false; }
		run -1 --separate-stderr $prog "$BATS_TEST_TMPDIR/x.mp"
		[[ "$stderr" == *"x.mp: event 3 (byte "*"): bid: 12 is above the ask, 9 (a crossed quote)" ]] || { echo "$prog: $stderr"; false; }
	done
	# qts-sim bought at the ask, 9, below the bid it could sell at
	run -1 qts-sim "$BATS_TEST_TMPDIR/x.csv"
	[[ "$output" != *fill,* ]]
	# a side of 0 or below is empty (no bid, or no offer), not crossed;
	# a locked quote (bid = ask) is a market
	printf 'quote,2024-01-02T00:00:00Z,A,12,0,100,0\nquote,2024-01-02T00:00:01Z,A,12,-1,100,0\nquote,2024-01-02T00:00:02Z,A,12,12,100,100\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -0 qts cat "$BATS_TEST_TMPDIR/e.csv"
	[ "${#lines[@]}" = 3 ]
}

@test "a text field longer than its limit" {
	run -1 --separate-stderr qts cat <<< "tick,2024-01-02,$(printf 'S%.0s' $(seq 40)),1,1"
	[ "$stderr" = "qts: -:1: symbol: longer than 31 bytes" ]
}

@test "an unterminated quote at the end of input" {
	run -1 --separate-stderr qts cat <<< 'news,2024-01-02,"open'
	[[ "$stderr" == "qts: -:1: unterminated quoted field" ]]
}

@test "msgpack truncated mid-record: event number and byte offset, only whole records written" {
	qts cat -M "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/s.mp"
	size=$(stat -c %s "$BATS_TEST_TMPDIR/s.mp")
	head -c $((size - 3)) "$BATS_TEST_TMPDIR/s.mp" > "$BATS_TEST_TMPDIR/t.mp"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/t.mp"
	[ "$(head -n 16 <<< "$output")" = "$(head -n 16 "$FIX/all-types.csv")" ]
	[[ "${lines[16]}" == "system,2024-01-02T14:34:00Z,qts,error,$BATS_TEST_TMPDIR/t.mp: event 16 (byte "*"): truncated record (input ends inside it)" ]]
	[[ "$stderr" == "qts: $BATS_TEST_TMPDIR/t.mp: event 16 (byte "*"): truncated record (input ends inside it)" ]]
}

@test "msgpack with a wrong type in a field" {
	# ["tick", 0, "A", "x", 1.0]: price is a string
	printf '\x95\xa4tick\x00\xa1A\xa1x\xcb\x3f\xf0\x00\x00\x00\x00\x00\x00' > "$BATS_TEST_TMPDIR/w.mp"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/w.mp"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/w.mp: event 1 (byte 0): tick: field price (at byte 9): expected a number" ]
}

@test "msgpack: a record that is not an array" {
	qts cat -M "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/s.mp"
	printf '\xc0' >> "$BATS_TEST_TMPDIR/s.mp"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/s.mp"
	[[ "$stderr" == *"s.mp: event 17 (byte "*"): expected an array (one record)" ]]
	[ "${#lines[@]}" -eq 18 ]
	[[ "${lines[17]}" == "system,2024-01-02T14:3"?":00Z,qts,error,"*": expected an array (one record)" ]]
}

@test "corrupt gzip is an error" {
	gzip -c "$FIX/all-types.csv" | head -c 100 > "$BATS_TEST_TMPDIR/t.gz"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/t.gz"
	[[ "$stderr" == *"truncated gzip data"* ]]
}

@test "a missing file is reported and the others still read" {
	run -1 --separate-stderr qts cat /nonexistent "$FIX/all-types.csv"
	[ "$stderr" = "qts: /nonexistent: No such file or directory" ]
	[ "${#lines[@]}" -eq 18 ]
	[ "${lines[17]}" = "system,2024-01-02T14:35:00Z,qts,error,/nonexistent: No such file or directory" ]
}

@test "empty input gives empty output, and a warning" {
	run -0 --separate-stderr qts cat < /dev/null
	[ -z "$output" ]
	[ "$stderr" = "qts: -: no events (empty input)" ]
}

@test "a broken pipe ends quietly" {
	for i in $(seq 20000); do echo "tick,2024-01-02,A,1,$i"; done > "$BATS_TEST_TMPDIR/big.csv"
	run bash -c "qts cat '$BATS_TEST_TMPDIR/big.csv' | head -1"
	[ "$output" = "tick,2024-01-02T00:00:00Z,A,1,1" ]
}

@test "output is flushed while the input pipe is idle" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	qts cat < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	echo 'tick,2024-01-02,A,1,1' >&5
	for i in $(seq 50); do [ -s "$BATS_TEST_TMPDIR/out" ] && break; sleep 0.1; done
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "tick,2024-01-02T00:00:00Z,A,1,1" ]
	exec 5>&-
	wait $pid
}

@test "SIGTERM flushes and exits 143" {
	mkfifo "$BATS_TEST_TMPDIR/in"
	qts cat < "$BATS_TEST_TMPDIR/in" > "$BATS_TEST_TMPDIR/out" &
	pid=$!
	exec 5> "$BATS_TEST_TMPDIR/in"
	echo 'tick,2024-01-02,A,1,1' >&5
	# the tick written out first (flushed when the input pauses), however slow the start
	for _ in $(seq 300); do [ -s "$BATS_TEST_TMPDIR/out" ] && break; sleep 0.1; done
	kill -TERM $pid
	rc=0
	wait $pid || rc=$?
	exec 5>&-
	[ "$rc" -eq 143 ]
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/out")" = "tick,2024-01-02T00:00:00Z,A,1,1" ]
	[ "$(tail -n 1 "$BATS_TEST_TMPDIR/out")" = "system,2024-01-02T00:00:00Z,qts,error,stopped by signal 15 (SIGTERM)" ]
}

@test "qts dispatches to qts-NAME and lists programs" {
	run -0 qts help
	[[ "$output" == *"usage: qts NAME"* ]]
	run -2 --separate-stderr qts no-such-program
	[[ "$stderr" == "qts: 'no-such-program' is not a qts program"* ]]
	run -0 qts --version
	[[ "$output" == "qts "[0-9]* ]]
	run -2 qts --bogus
	run -2 --separate-stderr qts /nonexistent
	[ "${stderr_lines[0]}" = "qts: '/nonexistent' is not a command: a file is read by a command (qts cat /nonexistent)" ]
}

@test "qts starts without libnats: the bus is qts-bus, which qts bus runs" {
	command -v ldd >/dev/null || skip "ldd is not installed"
	run -0 ldd "$(command -v qts)"
	[[ "$output" != *libnats* ]]
	# and ldd sees what a program links: qts-bus's libnats
	run -0 ldd "$(command -v qts-bus)"
	[[ "$output" == *libnats* ]]
}

@test "the msgpack example of qts-events(5)" {
	printf 'bar,2024-01-02T14:30:00Z,ORCL,1m,37.5,37.62,37.41,37.55,12500\n' | qts cat -M > "$BATS_TEST_TMPDIR/b.mp"
	run -0 od -An -tx1 -N31 "$BATS_TEST_TMPDIR/b.mp"
	[ "$(echo $output)" = "99 a3 62 61 72 d3 17 a6 8e 25 55 29 10 00 a4 4f 52 43 4c a2 31 6d cb 40 42 c0 00 00 00 00 00" ]
}

@test "text limits of qts-events(5): id 63, reason 255 bytes" {
	id=$(printf 'i%.0s' $(seq 63))
	run -0 qts cat <<< "cancel,2024-01-02,A,$id"
	run -1 --separate-stderr qts cat <<< "cancel,2024-01-02,A,${id}x"
	[ "$stderr" = "qts: -:1: id: longer than 63 bytes" ]
	r=$(printf 'r%.0s' $(seq 256))
	run -1 --separate-stderr qts cat <<< "update,2024-01-02,A,o,rejected,0,,$r"
	[ "$stderr" = "qts: -:1: reason: longer than 255 bytes" ]
}

@test "a stage's error event whose message is longer than 255 bytes is cut between characters: the next stage reads it and says the failure" {
	# a file of a path of 300 bytes of UTF-8 (é is two), with a bad line;
	# the cut at 255 bytes fell inside a character, the error event was
	# not UTF-8, and the next stage failed on it instead
	cd "$BATS_TEST_TMPDIR"
	for pad in "" a; do
		d=$pad$(printf '\xc3\xa9%.0s' $(seq 70))/$(printf '\xc3\xa9%.0s' $(seq 70))
		mkdir -p "$d"
		printf 'bar,2024-01-02T00:00:00Z,AAA,1d,1,1,1,1,1\nbar,xx\n' > "$d/in.csv"
		for fmt in "" -M; do
			qts-strategy $fmt sma-cross "$d/in.csv" 2> err > out || true
			grep -q "in.csv:2: bar: expected 9 fields" err
			run -1 --separate-stderr qts cat out
			[ "${#lines[@]}" = 2 ]
			[[ "${lines[1]}" == system,2024-01-03T00:00:00Z,qts-strategy,error,* ]]
			[[ "$stderr" == "qts: the input is incomplete: qts-strategy failed: $pad"$'\xc3\xa9'*$'\xc3\xa9...' ]]
		done
	done
}

@test "property: any bar stream survives CSV -> msgpack -> CSV" {
	for seed in 1 2 3; do
		awk -v seed=$seed 'BEGIN { srand(seed); t = 1704067200
			for (i = 0; i < 500; i++) {
				p = rand() * 10^(int(rand() * 8) - 2); t += 1 + int(rand() * 100000)
				# the open of few digits, rounded, may leave the range: then in full
				o = sprintf("%.*f", int(rand() * 9), p); l = sprintf("%.6g", p / 3)
				if (o + 0 < l + 0) o = sprintf("%g", p)
				printf "bar,%s.%09dZ,S%d,1m,%s,%.17g,%s,%g,%d\n", strftime("%Y-%m-%dT%H:%M:%S", t, 1), int(rand() * 1e9), i % 7, o, p * 2, l, p, int(rand() * 1e6) }
		}' > "$BATS_TEST_TMPDIR/r.csv"
		qts cat "$BATS_TEST_TMPDIR/r.csv" > "$BATS_TEST_TMPDIR/canon.csv"
		qts cat -M "$BATS_TEST_TMPDIR/canon.csv" | qts cat > "$BATS_TEST_TMPDIR/back.csv"
		cmp "$BATS_TEST_TMPDIR/canon.csv" "$BATS_TEST_TMPDIR/back.csv"
		# and every number reads back to the same double
		paste -d, <(cut -d, -f5-9 "$BATS_TEST_TMPDIR/r.csv") <(cut -d, -f5-9 "$BATS_TEST_TMPDIR/back.csv") |
			awk -F, '{ for (i = 1; i <= 5; i++) if ($i + 0 != $(i + 5) + 0) { print "differs: " $0; exit 1 } }'
	done
}

# Large files are read in chunks (lib/input.c), as a pipe is; these
# follow a file that changes while it is read.

# cat_blocked FILE: qts cat FILE in the background into a fifo open on fd
# 7, its stderr in $BATS_TEST_TMPDIR/err, its pid in $pid; returns once its
# first line is read into $first, so it has read the start of the file
# and, the fifo filling, soon waits on its output.
cat_blocked() {
	mkfifo "$BATS_TEST_TMPDIR/out"
	qts cat "$1" >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	exec 7<"$BATS_TEST_TMPDIR/out"
	read -r first <&7
}
@test "large files: read in chunks as a pipe is read" {
	qts-fetch --tf 1m --count 60000 synth:A,B >"$BATS_TEST_TMPDIR/big.csv"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/big.csv")" -gt 3000000 ]
	qts cat "$BATS_TEST_TMPDIR/big.csv" | cmp - "$BATS_TEST_TMPDIR/big.csv"
	qts cat -M "$BATS_TEST_TMPDIR/big.csv" >"$BATS_TEST_TMPDIR/big.mp"
	qts cat "$BATS_TEST_TMPDIR/big.mp" | cmp - "$BATS_TEST_TMPDIR/big.csv"
	# gzip too
	gzip -1 -c "$BATS_TEST_TMPDIR/big.csv" >"$BATS_TEST_TMPDIR/big.csv.gz"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/big.csv.gz")" -gt 1048576 ]
	qts cat "$BATS_TEST_TMPDIR/big.csv.gz" | cmp - "$BATS_TEST_TMPDIR/big.csv"
	# the last line without its newline
	head -c -1 "$BATS_TEST_TMPDIR/big.csv" >"$BATS_TEST_TMPDIR/cut.csv"
	qts cat "$BATS_TEST_TMPDIR/cut.csv" | cmp - "$BATS_TEST_TMPDIR/big.csv"
	# and a bad line in the last window names its line
	printf 'bar,2024-01-01,X,1d,1,2,0.5,1.5,x\n' >>"$BATS_TEST_TMPDIR/big.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/big.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/big.csv:120001: volume: 'x' is not a number" ]
}

@test "large files: one that grows while read is read to its new end" {
	qts-fetch --tf 1m --count 40000 synth:SYN >"$BATS_TEST_TMPDIR/grow.csv"
	qts-fetch --tf 1m --count 1000 --from 2030-01-01 synth:SYN >"$BATS_TEST_TMPDIR/more.csv"
	cat_blocked "$BATS_TEST_TMPDIR/grow.csv" # it knows the file's size
	cat "$BATS_TEST_TMPDIR/more.csv" >>"$BATS_TEST_TMPDIR/grow.csv"
	n=$(wc -l <&7)
	exec 7<&-
	wait $pid
	[ "$n" -eq 40999 ]
	[ "$first" = "$(head -n 1 "$BATS_TEST_TMPDIR/grow.csv")" ]
}

@test "large files: one cut short while read is an error, after whole records" {
	qts-fetch --tf 1m --count 100000 synth:SYN >"$BATS_TEST_TMPDIR/cut.csv"
	cat_blocked "$BATS_TEST_TMPDIR/cut.csv"
	truncate -s 100 "$BATS_TEST_TMPDIR/cut.csv"
	cat <&7 >"$BATS_TEST_TMPDIR/rest"
	exec 7<&-
	status=0
	wait $pid || status=$?
	[ "$status" -eq 1 ]
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "qts: $BATS_TEST_TMPDIR/cut.csv: cut short while being read" ]
	# every line written is a whole record, the last saying the input
	# was cut short
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/rest"
	[ "$stderr" = "qts: the input is incomplete: qts failed: $BATS_TEST_TMPDIR/cut.csv: cut short while being read" ]
}

@test "large files: read from where the descriptor stands, and left past what was read" {
	qts-fetch --tf 1m --count 40000 synth:A,B >"$BATS_TEST_TMPDIR/big.csv"
	# a header read by the shell first
	{ read -r first; qts cat; } <"$BATS_TEST_TMPDIR/big.csv" >"$BATS_TEST_TMPDIR/rest.csv"
	tail -n +2 "$BATS_TEST_TMPDIR/big.csv" | cmp - "$BATS_TEST_TMPDIR/rest.csv"
	[ "$first" = "$(head -n 1 "$BATS_TEST_TMPDIR/big.csv")" ]
	# nothing left for the next reader, as after read(2)
	run -0 sh -c "{ qts cat >/dev/null; wc -c; } <'$BATS_TEST_TMPDIR/big.csv'"
	[ "$output" = 0 ]
}

@test "large files: a bus error from elsewhere is not blamed on the file" {
	# Files are read, not mapped: a SIGBUS sent, or a plug-in's, keeps
	# its default action.
	qts-fetch --tf 1m --count 40000 synth:SYN >"$BATS_TEST_TMPDIR/big.csv"
	cat_blocked "$BATS_TEST_TMPDIR/big.csv"
	kill -BUS $pid
	status=0
	wait $pid || status=$?
	exec 7<&-
	[ "$status" -eq 135 ] # 128 + SIGBUS
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}

@test "a program writing to a pipe makes it hold 256 KiB, as qts(7) says; to a file, nothing changes" {
	# F_GETPIPE_SZ (1032) of the pipe qts-fetch writes, seen from its reader
	[ "$(qts-fetch --count 3 synth:A | python3 -c 'import fcntl; print(fcntl.fcntl(0, 1032))')" = 262144 ]
	[ "$(qts-fetch --count 3 synth:A | qts-sim -M | python3 -c 'import fcntl; print(fcntl.fcntl(0, 1032))')" = 262144 ]
	grep -q '256 KiB' "$BATS_TEST_DIRNAME/../man/qts.7"
	qts-fetch --count 3 synth:A > "$BATS_TEST_TMPDIR/out.csv"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/out.csv")" -eq 3 ]
}

@test "qts cat of several files: the first bad record ends the output, named by its event; a later file going back in time is refused" {
	T=$BATS_TEST_TMPDIR
	printf 'tick,2024-01-01T00:00:00Z,AAA,1,1\ntick,2024-01-01T00:00:04Z,AAA,x,1\n' >"$T/bad.csv"
	printf 'tick,2024-01-01T00:00:05Z,AAA,1,1\n' >"$T/good.csv"
	run -1 --separate-stderr qts cat "$T/bad.csv" "$T/good.csv"
	# the good file after it is not copied: the output ends at the failure
	[ "${#lines[@]}" = 2 ]
	[ "${lines[0]}" = "tick,2024-01-01T00:00:00Z,AAA,1,1" ]
	[[ "${lines[1]}" == "system,"*",qts-cat,error,$T/bad.csv:2: "* ]] || [[ "${lines[1]}" == "system,"*",qts,error,$T/bad.csv:2: "* ]]
	[[ "$stderr" == "qts: $T/bad.csv:2: "* ]]
	# two bad files: the first one's failure is the one said
	run -1 --separate-stderr qts cat "$T/bad.csv" "$T/bad.csv" "$T/good.csv"
	[ "$(grep -c "bad.csv:2" <<<"$stderr")" = 1 ]
	# in time order across the files: one after the other, or refused
	printf 'tick,2024-01-01T00:00:01Z,BBB,1,1\n' >"$T/early.csv"
	run -0 qts cat "$T/good.csv" "$T/good.csv"
	run -1 --separate-stderr qts cat "$T/good.csv" "$T/early.csv"
	[ "$stderr" = "qts: $T/early.csv:1: BBB tick at 2024-01-01T00:00:01Z, after an event at 2024-01-01T00:00:05Z in the files before it: out of time order (qts-fetch merges files by time)" ]
	[ "${lines[0]}" = "tick,2024-01-01T00:00:05Z,AAA,1,1" ]
	[[ "${lines[1]}" == system,*,error,* ]]
}

@test "an equity's financing is all three fields or none: a part of them is refused, naming the line" {
	T=$BATS_TEST_TMPDIR
	printf 'equity,2024-01-01T00:00:00Z,1,1,1,1,1,1,1,,\n' >"$T/e.csv"
	run -1 --separate-stderr qts cat "$T/e.csv"
	[ "$stderr" = "qts: $T/e.csv:1: equity: interest, borrow and margin_interest: all three or none" ]
	printf 'equity,2024-01-01T00:00:00Z,1,1,1,1,1,1,,,\nequity,2024-01-01T00:00:00Z,1,1,1,1,1,1,0,0.5,0\n' >"$T/ok.csv"
	run -0 qts cat "$T/ok.csv"
	# in msgpack as well
	printf 'equity,2024-01-01T00:00:00Z,1,1,1,1,1,1,0,0.5,0\n' | qts cat -M >"$T/e.mp"
	python3 - "$T/e.mp" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
# the last field, margin_interest 0 (a float 64), made nil
assert b[-9:] == b"\xcb" + bytes(8)
open(sys.argv[1], "wb").write(b[:-9] + b"\xc0")
PY
	run -1 --separate-stderr qts cat "$T/e.mp"
	[[ "$stderr" == *"equity: interest, borrow and margin_interest: all three or none" ]]
}

@test "a timeframe has one name: 60m is read as 1h, 3600s as 1h, 120s as 2m, d as 1d; 24h stays apart from 1d" {
	T=$BATS_TEST_TMPDIR
	for tf in 60m 3600s 120s d 24h 90m; do
		printf 'bar,2024-01-01T00:00:00Z,AAA,%s,1,2,0.5,1.5,100\n' "$tf"
	done | awk -F, '{ $2 = "2024-01-0" NR "T00:00:00Z"; print }' OFS=, >"$T/b.csv"
	run -0 qts cat "$T/b.csv"
	[ "$(cut -d, -f4 <<<"$output" | tr '\n' ' ')" = "1h 1h 2m 1d 24h 90m " ]
	# so a bar of 60m at the time of one of 1h is that time again: a
	# second bar for it is refused, as in one spelling
	printf 'bar,2024-01-01T00:00:00Z,AAA,1h,1,2,0.5,1.5,100\nbar,2024-01-01T01:00:00Z,AAA,1h,1,2,0.5,1.5,100\nbar,2024-01-01T01:00:00Z,AAA,60m,1,200,0.5,100,100\n' >"$T/d.csv"
	for p in qts-sim qts-risk "qts-strategy sma-cross fast=2 slow=3"; do
		run -1 --separate-stderr $p "$T/d.csv"
		[[ "$stderr" == *"d.csv:3: bar AAA 1h at 2024-01-01T01:00:00Z is not after the symbol's last bar of that timeframe"* ]] ||
			{ echo "$p: $stderr"; false; }
	done
	# and qts-fetch writes the one name
	run -0 qts-fetch -t 60m --count 1 synth:AAA
	[[ "$output" == bar,*,AAA,1h,* ]]
}

@test "a stage failing after an event of an earlier time (a fill reported late) dates its error at the latest time written, not back in time" {
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1' 'bar,2024-01-03T00:00:00Z,A,1d,1,1,1,1,1' 'fill,2024-01-02T00:00:00Z,A,o1,buy,1,1,0,0' 'bar,bad' >"$BATS_TEST_TMPDIR/e.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/e.csv"
	[ "${lines[-1]%%,qts,*}" = 'system,2024-01-04T00:00:00Z' ]
}
