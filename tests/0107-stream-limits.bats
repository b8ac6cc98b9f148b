#!/usr/bin/env bats
# What a stream cannot hold (qts-events(5)): a time finer than nanoseconds
# or outside int64 nanoseconds, a bar that ends past the last time, text
# that is not UTF-8 or a msgpack bin.  Every reader refuses it, in both
# encodings, naming where and what, exit 1, after the whole records before
# it; and the ends of what a stream holds still read.  Then the ends of
# the output: a failed write said once, and '-' as standard output for
# the files written whole.

load helper

LAST=2262-04-11T23:47:16.854775807Z
FIRST=1677-09-21T00:12:43.145224192Z
RANGE="qts times run from $FIRST to $LAST (int64 nanoseconds since the epoch)"
GOOD=bar,2024-01-01T00:00:00Z,A,1d,1,2,0.5,1.5,10

# mp KIND...: msgpack records made by hand, as another program would write
# them (python's struct; the msgpack module need not be installed).
mp() {
	python3 - "$@" <<-'EOS'
	import struct, sys
	def s(x):
	    b = x if isinstance(x, bytes) else x.encode()
	    return bytes([0xa0 | len(b)]) + b
	def bar(ts, sym=b"A", tf=b"1d", symtag=None):
	    r = b"\x99" + s("bar") + ts + (symtag or s(sym)) + s(tf)
	    return r + b"".join(b"\xcb" + struct.pack(">d", v) for v in (1, 2, 0.5, 1.5, 10))
	i64 = lambda ns: b"\xd3" + struct.pack(">q", ns)
	good = bar(i64(1704067200 * 10**9))
	ext96 = lambda sec, ns: b"\xc7\x0c\xff" + struct.pack(">Iq", ns, sec)
	recs = {
	    "good": good,
	    "uint64": bar(b"\xcf" + struct.pack(">Q", 2**63)),
	    "ext-late": bar(ext96(9223372037, 0)),
	    "ext-early": bar(ext96(-9223372037, 145224191), tf=b"1s"),
	    "ext-first": bar(ext96(-9223372037, 145224192), tf=b"1s"),
	    "ext32": bar(b"\xd6\xff" + struct.pack(">I", 1704153600)),
	    "ext64": bar(b"\xd7\xff" + struct.pack(">Q", (250000000 << 34) | 1704153600)),
	    "end": bar(i64(9223286400 * 10**9)),
	    "end-1M": bar(i64(9222854400 * 10**9), tf=b"1M"),
	    "bin-symbol": bar(i64(1704153600 * 10**9), symtag=b"\xc4\x01A"),
	    "bin-type": b"\x93\xc4\x03bar\x01\x02",
	    "bin-unknown": b"\x93" + s("note") + i64(1704153600 * 10**9) + b"\xc4\x01x",
	    "utf8-symbol": bar(i64(1704153600 * 10**9), sym=b"A\xc3("),
	    "utf8-tf": bar(i64(1704153600 * 10**9), tf=b"1d\xff"),
	    "utf8-long": bar(i64(1704153600 * 10**9), sym=b"ABCDEFGHIJ\xed\xa0\x80"),
	    "utf8-ok": bar(i64(1704153600 * 10**9), sym="Société".encode()),
	    "empty-symbol": bar(i64(1704153600 * 10**9), sym=b""),
	    "tab-symbol": bar(i64(1704153600 * 10**9), sym=b"A\tB"),
	    "del-symbol": bar(i64(1704153600 * 10**9), sym=b"A\x7f"),
	    "esc-long": bar(i64(1704153600 * 10**9), sym=b"ABCDEFGHIJ\x1b[2J"),
	    "text-late": b"\x93" + s("note") + s("2262-04-12T00:00:00Z") + s("x"),
	    "note-ext32": b"\x93" + s("note") + b"\xd6\xff" + struct.pack(">I", 1704153600) + s("x"),
	    "note-ext-late": b"\x93" + s("note") + ext96(9223372037, 0) + s("x"),
	}
	sys.stdout.buffer.write(b"".join(recs[k] for k in sys.argv[1:]))
	EOS
}

# cat_refuses FILE WHAT: qts cat FILE exits 1, its standard error exactly
# "qts: FILE: WHAT".
cat_refuses() {
	run -1 --separate-stderr qts cat "$1"
	[ "$stderr" = "qts: $1: $2" ] || { echo "$stderr"; false; }
}

# refused FILE WHERE WHAT: every reader ends with WHERE: WHAT, exit 1, after
# the one whole record before it (qts cat writes it).
refused() {
	for prog in "qts cat" "qts-strategy -e target=close" qts-risk qts-sim "qts-resample 1w"; do
		run -1 --separate-stderr $prog "$1"
		[[ $stderr == *"$2: $3"* ]] || { echo "$prog: $stderr"; false; }
	done
	run -1 --separate-stderr qts cat "$1"
	[ "$stderr" = "qts: $2: $3" ]
	[ "${lines[0]}" = "$GOOD" ]
	[[ ${lines[1]} == system,*,qts,error,* ]] && [ "${#lines[@]}" = 2 ]
}

@test "a symbol with a control character, or none where the type is of a symbol, is refused in CSV and msgpack" {
	printf '%s\nbar,2024-01-02T00:00:00Z,A\tB,1d,1,2,0.5,1.5,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/t.csv"
	refused "$BATS_TEST_TMPDIR/t.csv" "$BATS_TEST_TMPDIR/t.csv:2" "symbol: 'A\\tB' holds a control character"
	printf '%s\nbar,2024-01-02T00:00:00Z,,1d,1,2,0.5,1.5,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/e.csv"
	refused "$BATS_TEST_TMPDIR/e.csv" "$BATS_TEST_TMPDIR/e.csv:2" "symbol: '' is empty: a bar is of a symbol"
	# a quoted CSV field (the generic path), DEL, and a long one
	printf '%s\nbar,2024-01-02T00:00:00Z,"A\177",1d,1,2,0.5,1.5,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/d.csv"
	refused "$BATS_TEST_TMPDIR/d.csv" "$BATS_TEST_TMPDIR/d.csv:2" "symbol: 'A\\x7f' holds a control character"
	mp good tab-symbol > "$BATS_TEST_TMPDIR/t.mp"
	refused "$BATS_TEST_TMPDIR/t.mp" "$BATS_TEST_TMPDIR/t.mp: event 2 (byte 64)" "symbol: 'A\\tB' holds a control character"
	mp good empty-symbol > "$BATS_TEST_TMPDIR/e.mp"
	refused "$BATS_TEST_TMPDIR/e.mp" "$BATS_TEST_TMPDIR/e.mp: event 2 (byte 64)" "symbol: '' is empty: a bar is of a symbol"
	mp good del-symbol > "$BATS_TEST_TMPDIR/d.mp"
	cat_refuses "$BATS_TEST_TMPDIR/d.mp" "event 2 (byte 64): symbol: 'A\\x7f' holds a control character"
	mp good esc-long > "$BATS_TEST_TMPDIR/l.mp"
	cat_refuses "$BATS_TEST_TMPDIR/l.mp" "event 2 (byte 64): symbol: 'ABCDEFGHIJ\\x1b[2J' holds a control character"
	# every type that is of a symbol; a cancel, an update, a risk event may have none
	for rec in 'tick,2024-01-02T00:00:00Z,,1,1' 'quote,2024-01-02T00:00:00Z,,1,2,1,1' \
		'target,2024-01-02T00:00:00Z,,1,qty,s' 'order,2024-01-02T00:00:00Z,,o1,buy,1,market,,,day,s' \
		'fill,2024-01-02T00:00:00Z,,o1,buy,1,10,0,0' 'position,2024-01-02T00:00:00Z,,1,10,10,0,0'; do
		run -1 --separate-stderr qts cat <<< "$rec"
		[ "$stderr" = "qts: -:1: symbol: '' is empty: a ${rec%%,*} is of a symbol" ] ||
			[ "$stderr" = "qts: -:1: symbol: '' is empty: an ${rec%%,*} is of a symbol" ]
	done
	for rec in 'cancel,2024-01-02T00:00:00Z,,o1' 'update,2024-01-02T00:00:00Z,,o1,accepted,0,,' \
		'risk,2024-01-02T00:00:00Z,,drawdown,halt,over 10%'; do
		run -0 qts cat <<< "$rec"
		[ "$output" = "$rec" ]
	done
}

@test "a number nearer zero than the least double is refused, not read as 0; the least reads as itself" {
	printf '%s\nbar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1e-400,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/z.csv"
	refused "$BATS_TEST_TMPDIR/z.csv" "$BATS_TEST_TMPDIR/z.csv:2" "close: '1e-400' is not a number"
	run -0 qts cat <<< 'bar,2024-01-02T00:00:00Z,A,1d,5e-324,1e-310,0e-400,1e-310,0'
	[ "$output" = 'bar,2024-01-02T00:00:00Z,A,1d,5e-324,1e-310,0,1e-310,0' ]
	# an option's number, as the stream's
	run -2 --separate-stderr qts-sim --cash 1e-400 < /dev/null
	[ "${stderr_lines[0]}" = "qts-sim: --cash: '1e-400' is not a number" ]
}

@test "a time with more than nine digits of fraction is refused, not cut to nanoseconds" {
	printf '%s\nbar,2024-01-02T00:00:00.1234567891Z,A,1d,1,2,0.5,1.5,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/f.csv"
	refused "$BATS_TEST_TMPDIR/f.csv" "$BATS_TEST_TMPDIR/f.csv:2" \
		"ts: '2024-01-02T00:00:00.1234567891Z' has more than 9 digits of fraction: nanoseconds are the finest time qts keeps"
	# trailing zeros too: the rule is nine digits
	printf '%s\ntick,2024-01-02T00:00:00.1234567890Z,A,1,1\n' "$GOOD" > "$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr qts cat < "$BATS_TEST_TMPDIR/in"
	[[ $stderr == *"-:2: ts: '2024-01-02T00:00:00.1234567890Z' has more than 9 digits"* ]]
	# an unknown event's time alike
	printf '%s\nnote,2024-01-02T00:00:00.1234567891Z,x\n' "$GOOD" > "$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr qts cat < "$BATS_TEST_TMPDIR/in"
	[[ $stderr == *"-:2: ts: '2024-01-02T00:00:00.1234567891Z' has more than 9 digits"* ]]
	# nine digits, and fewer, are kept exactly
	printf 'tick,2024-01-02T00:00:00.1234Z,A,1,1\ntick,2024-01-02T00:00:00.123456789Z,A,1,1\n' > "$BATS_TEST_TMPDIR/in"
	run -0 qts cat < "$BATS_TEST_TMPDIR/in"
	[ "$output" = "tick,2024-01-02T00:00:00.123400Z,A,1,1
tick,2024-01-02T00:00:00.123456789Z,A,1,1" ]
}

@test "a CSV time outside int64 nanoseconds is out of range, and the range is said" {
	for t in 2262-04-12T00:00:00Z 2262-04-11T23:47:16.854775808Z 1677-09-21T00:12:43.145224191Z 3015-01-02 0001-01-01; do
		printf '%s\ntick,%s,A,1,1\n' "$GOOD" "$t" > "$BATS_TEST_TMPDIR/r.csv"
		run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/r.csv"
		[ "$stderr" = "qts: $BATS_TEST_TMPDIR/r.csv:2: ts: '$t' is out of range: $RANGE" ]
		[ "${lines[0]}" = "$GOOD" ] && [ "${#lines[@]}" = 2 ]
	done
	printf '%s\nbar,2262-04-12,A,1d,1,2,0.5,1.5,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/b.csv"
	refused "$BATS_TEST_TMPDIR/b.csv" "$BATS_TEST_TMPDIR/b.csv:2" "ts: '2262-04-12' is out of range: $RANGE"
	# an unknown event's time, in CSV and as text in msgpack
	printf '%s\nnote,2262-04-12T00:00:00Z,x\n' "$GOOD" > "$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr qts cat < "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "qts: -:2: ts: '2262-04-12T00:00:00Z' is out of range: $RANGE" ]
	mp good text-late > "$BATS_TEST_TMPDIR/t.mp"
	cat_refuses "$BATS_TEST_TMPDIR/t.mp" "event 2 (byte 64): ts: '2262-04-12T00:00:00Z' is out of range: $RANGE"
	# not a time at all is still that
	run -1 --separate-stderr qts cat <<< 'tick,2024-13-01,A,1,1'
	[ "$stderr" = "qts: -:1: ts: '2024-13-01' is not a time (RFC 3339 or YYYY-MM-DD)" ]
}

@test "a msgpack time outside int64 nanoseconds is out of range; the timestamp extension is read" {
	mp good uint64 > "$BATS_TEST_TMPDIR/u.mp"
	refused "$BATS_TEST_TMPDIR/u.mp" "$BATS_TEST_TMPDIR/u.mp: event 2 (byte 64)" \
		"bar: field ts (at byte 69): 9223372036854775808 ns since the epoch is out of range: $RANGE"
	mp good ext-late > "$BATS_TEST_TMPDIR/l.mp"
	refused "$BATS_TEST_TMPDIR/l.mp" "$BATS_TEST_TMPDIR/l.mp: event 2 (byte 64)" \
		"bar: field ts (at byte 69): the timestamp of 9223372037 s and 0 ns since the epoch is out of range: $RANGE"
	mp good ext-early > "$BATS_TEST_TMPDIR/e.mp"
	cat_refuses "$BATS_TEST_TMPDIR/e.mp" "event 2 (byte 64): bar: field ts (at byte 69): the timestamp of -9223372037 s and 145224191 ns since the epoch is out of range: $RANGE"
	# the timestamp extension in range: 32, 64 and 96 bits, the first time there is
	mp ext-first > "$BATS_TEST_TMPDIR/x.mp"
	run -0 qts cat "$BATS_TEST_TMPDIR/x.mp"
	[ "$output" = "bar,$FIRST,A,1s,1,2,0.5,1.5,10" ]
	mp ext32 ext64 > "$BATS_TEST_TMPDIR/x.mp"
	run -0 qts cat "$BATS_TEST_TMPDIR/x.mp"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10
bar,2024-01-02T00:00:00.250Z,A,1d,1,2,0.5,1.5,10" ]
}

@test "an event of a type qts does not know takes its time as the timestamp extension, as a bar does" {
	mp note-ext32 > "$BATS_TEST_TMPDIR/n.mp"
	run -0 qts cat "$BATS_TEST_TMPDIR/n.mp"
	[ "$output" = "note,2024-01-02T00:00:00Z,x" ]
	# merged by it: before a bar of that day (known at its end), named first
	mp ext32 > "$BATS_TEST_TMPDIR/b.mp"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/b.mp" "$BATS_TEST_TMPDIR/n.mp"
	[ "$output" = "note,2024-01-02T00:00:00Z,x
bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
	# written on as msgpack's time, ns as an integer (as msgpack-c packs it)
	run -0 sh -c "qts cat -M '$BATS_TEST_TMPDIR/n.mp' | od -An -tx1 | tr -d ' \n'"
	[ "$output" = "93a46e6f7465cf17a65eab92b40000a178" ]
	mp note-ext-late > "$BATS_TEST_TMPDIR/l.mp"
	cat_refuses "$BATS_TEST_TMPDIR/l.mp" "event 1 (byte 0): note: field ts (at byte 6): the timestamp of 9223372037 s and 0 ns since the epoch is out of range: $RANGE"
}

@test "a bar that ends past the last time is refused by every reader, naming it" {
	printf '%s\nbar,2262-04-11T00:00:00Z,A,1d,1,2,0.5,1.5,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/d.csv"
	refused "$BATS_TEST_TMPDIR/d.csv" "$BATS_TEST_TMPDIR/d.csv:2" \
		"bar A 1d: 2262-04-11T00:00:00Z + 1d is past $LAST, the last time qts can represent (a bar is known at its end)"
	for b in 2262-04-07T00:00:00Z,A,1w 2262-04-01T00:00:00Z,A,1M 2262-04-11T23:47:00Z,A,1m; do
		printf '%s\nbar,%s,1,2,0.5,1.5,10\n' "$GOOD" "$b" > "$BATS_TEST_TMPDIR/in"
		run -1 --separate-stderr qts cat < "$BATS_TEST_TMPDIR/in"
		IFS=, read -r ts sym tf <<< "$b"
		[ "$stderr" = "qts: -:2: bar $sym $tf: $ts + $tf is past $LAST, the last time qts can represent (a bar is known at its end)" ]
	done
	mp good end > "$BATS_TEST_TMPDIR/d.mp"
	refused "$BATS_TEST_TMPDIR/d.mp" "$BATS_TEST_TMPDIR/d.mp: event 2 (byte 64)" \
		"bar A 1d: 2262-04-11T00:00:00Z + 1d is past $LAST, the last time qts can represent (a bar is known at its end)"
	mp good end-1M > "$BATS_TEST_TMPDIR/m.mp"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/m.mp"
	[[ $stderr == *"m.mp: event 2 (byte 64): bar A 1M: 2262-04-06T00:00:00Z + 1M is past $LAST"* ]]
	# the last bars that do end in time
	printf 'bar,2262-04-10T00:00:00Z,A,1d,1,2,0.5,1.5,10\nbar,2262-04-11T23:46:00Z,A,1m,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/in"
	run -0 qts cat < "$BATS_TEST_TMPDIR/in"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/in")" ]
}

@test "text that is not UTF-8 is refused in CSV and msgpack, naming the field" {
	printf '%s\nbar,2024-01-02T00:00:00Z,A\303(,1d,1,2,0.5,1.5,10\n' "$GOOD" > "$BATS_TEST_TMPDIR/u.csv"
	refused "$BATS_TEST_TMPDIR/u.csv" "$BATS_TEST_TMPDIR/u.csv:2" "symbol: 'A\\xc3(' is not valid UTF-8"
	mp good utf8-symbol > "$BATS_TEST_TMPDIR/u.mp"
	refused "$BATS_TEST_TMPDIR/u.mp" "$BATS_TEST_TMPDIR/u.mp: event 2 (byte 64)" "symbol: 'A\\xc3(' is not valid UTF-8"
	mp good utf8-tf > "$BATS_TEST_TMPDIR/t.mp"
	cat_refuses "$BATS_TEST_TMPDIR/t.mp" "event 2 (byte 64): tf: '1d\\xff' is not valid UTF-8"
	# a surrogate, past the first word
	mp good utf8-long > "$BATS_TEST_TMPDIR/s.mp"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/s.mp"
	[[ $stderr == *"event 2 (byte 64): symbol: 'ABCDEFGHIJ\\xed\\xa0\\x80' is not valid UTF-8" ]]
	# any text field: an order's id, a system event's message
	run -1 --separate-stderr qts cat <<< $'order,2024-01-02T00:00:00Z,A,o\377,buy,1,market,,,day,s'
	[ "$stderr" = "qts: -:1: id: 'o\\xff' is not valid UTF-8" ]
	run -1 --separate-stderr qts cat <<< $'system,2024-01-02T00:00:00Z,x,info,caf\351'
	[ "$stderr" = "qts: -:1: message: 'caf\\xe9' is not valid UTF-8" ]
	# valid UTF-8 passes, in either encoding and through the fast paths' fallback
	mp utf8-ok > "$BATS_TEST_TMPDIR/ok.mp"
	run -0 qts cat "$BATS_TEST_TMPDIR/ok.mp"
	[ "$output" = "bar,2024-01-02T00:00:00Z,Société,1d,1,2,0.5,1.5,10" ]
	qts cat "$BATS_TEST_TMPDIR/ok.mp" | qts cat -M | cmp - "$BATS_TEST_TMPDIR/ok.mp"
}

@test "a msgpack bin is refused where the stream holds text" {
	mp good bin-symbol > "$BATS_TEST_TMPDIR/b.mp"
	refused "$BATS_TEST_TMPDIR/b.mp" "$BATS_TEST_TMPDIR/b.mp: event 2 (byte 64)" \
		"bar: field symbol (at byte 78): expected a string (str), not bin"
	mp good bin-type > "$BATS_TEST_TMPDIR/t.mp"
	cat_refuses "$BATS_TEST_TMPDIR/t.mp" "event 2 (byte 64): expected the type as a string (str), not bin"
	mp good bin-unknown > "$BATS_TEST_TMPDIR/u.mp"
	cat_refuses "$BATS_TEST_TMPDIR/u.mp" "event 2 (byte 64): expected a string (str), not bin, or another scalar"
	[ "${lines[0]}" = "$GOOD" ] && [ "${#lines[@]}" = 2 ]
}

@test "a failed write to standard output is said once, by every program" {
	printf '%s\n' "$GOOD" > "$BATS_TEST_TMPDIR/in.csv"
	for prog in "qts cat" "qts cat -M" "qts-strategy -e target=close" qts-risk qts-sim "qts-resample -p 1w" \
		    qts-fetch "qts-fetch -M"; do
		run -1 --separate-stderr bash -c "$prog '$BATS_TEST_TMPDIR/in.csv' >&-"
		name=${prog%% *}
		[ "$stderr" = "$name: write error: Bad file descriptor" ] || { echo "$prog: $stderr"; false; }
	done
}

@test "qts cat --parquet - writes the Parquet file, whole, to standard output" {
	qts-fetch --count 3 synth:A > "$BATS_TEST_TMPDIR/in.csv"
	cd "$BATS_TEST_TMPDIR"
	qts cat --parquet - in.csv > out.parquet
	[ ! -e ./- ]
	qts cat --parquet file.parquet in.csv
	cmp out.parquet file.parquet
	qts-fetch out.parquet | cmp - in.csv
	# a stream that fails writes nothing at all
	printf '%s\nbar,2024-01-02T00:00:00Z,A,1d,1,1,2,1,1\n' "$GOOD" > bad.csv
	run -1 --separate-stderr bash -c 'qts cat --parquet - bad.csv > failed.parquet'
	[ ! -s failed.parquet ] && [ ! -e ./- ]
	[[ $stderr == *"bad.csv:2: high: 1 is below the low, 2; - not written" ]]
	# nowhere to write it: said once
	run -1 --separate-stderr bash -c 'qts cat --parquet - in.csv >&-'
	[ "$stderr" = "qts: standard output: write error: Bad file descriptor" ]
}

@test "'-' for any file written whole is standard output, refused where standard output holds something else" {
	cd "$BATS_TEST_TMPDIR"
	qts-fetch --count 30 synth:A | qts-strategy sma-cross | qts-sim > sim.csv
	# the tearsheet to standard output, the text report to a file
	qts-report --html - -o report.txt sim.csv > page.html
	[ ! -e ./- ]
	[[ $(head -c 15 page.html) == "<!DOCTYPE html>" ]] && grep -q '^Start ' report.txt
	run -0 --separate-stderr qts-report -o - sim.csv
	[[ ${lines[0]} == "qts report  sim.csv" ]] && [ ! -e ./- ]
	for args in "--html -" "--html - -o -" "--tee -o -" "--tee --html - -o r.txt"; do
		run -2 --separate-stderr qts-report $args sim.csv
		[[ ${stderr_lines[0]} == "qts-report: '-' is standard output, which holds "*": one output there" ]] || { echo "$args: $stderr"; false; }
	done
	run -2 --separate-stderr qts-fetch --actions - synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --actions: '-' is standard output, which holds the stream; name a file" ]
	run -2 --separate-stderr qts sweep --overfit - 'qts-strategy sma-cross fast={fast} | qts-sim' fast=2:3:1 sim.csv
	[[ ${stderr_lines[0]} == "qts sweep: '-' is standard output, where the table goes unless -o names a file: one output there" ]]
	[ ! -e ./- ]
}
