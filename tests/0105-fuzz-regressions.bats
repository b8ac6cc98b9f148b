#!/usr/bin/env bats
# Inputs found by fuzzing libqts's input side (tests/fuzz/run.sh), each
# minimised, replayed through `qts cat` or `qts-fetch`.  Each test names
# what went wrong before the fix.

load helper

@test "fuzz: a year far from 1970 is refused, not overflowed (timefmt.c)" {
	# 3015-01-02 is 32977742400 s: times 1e9 overflowed int64 (UBSan).
	printf 'bar,3015-01-02,SPY,1d,1,1,1,1,1\n' > "$BATS_TEST_TMPDIR/y.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/y.csv"
	why="ts: '3015-01-02' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/y.csv:1: $why" ]
	[ "$output" = "system,1970-01-01T00:00:00Z,qts,error,$BATS_TEST_TMPDIR/y.csv:1: $why" ]
}

@test "fuzz: the ends of int64 nanoseconds still read and write" {
	printf 'tick,1677-09-21T00:12:43.145224192Z,A,1,1\ntick,2262-04-11T23:47:16.854775807Z,A,1,1\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -0 qts cat "$BATS_TEST_TMPDIR/e.csv"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/e.csv")" ]
	printf 'tick,1677-09-21T00:12:43.145224191Z,A,1,1\n' | { run -1 qts cat; }
	printf 'tick,2262-04-11T23:47:16.854775808Z,A,1,1\n' | { run -1 qts cat; }
}

@test "fuzz: spaces around a field are kept on a line with a quoted field (csv.c)" {
	# libcsv trimmed them, the unquoted fast path did not: the same field
	# read two ways.
	printf 'u,\t,"\r\377"\nu, x , y ,"z"\n' > "$BATS_TEST_TMPDIR/s.csv"
	run -0 qts cat "$BATS_TEST_TMPDIR/s.csv"
	[ "$output" = "$(printf 'u,\t,"\r\377"\nu, x , y ,z')" ]
	qts cat "$BATS_TEST_TMPDIR/s.csv" | qts cat | cmp - <(qts cat "$BATS_TEST_TMPDIR/s.csv")
}

@test "fuzz: ten NUL bytes are not a time, even as the first time read (timefmt.c)" {
	# The last-date cache started as ten NUL bytes and matched them: 1970-01-01.
	run -1 --separate-stderr sh -c "printf 'tick,\0\0\0\0\0\0\0\0\0\0,A,1,1\n' | qts cat"
	[ "$stderr" = "qts: -:1: ts: holds a NUL byte" ]
	[ "$output" = "system,1970-01-01T00:00:00Z,qts,error,-:1: ts: holds a NUL byte" ]
}

@test "a NUL byte in a number, a type or a time, and a byte order mark, are named as such" {
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10\0,11,9,10.5,100\n' > "$BATS_TEST_TMPDIR/n.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/n.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/n.csv:1: open: holds a NUL byte" ]
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100\n\0\n' > "$BATS_TEST_TMPDIR/t.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/t.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/t.csv:2: type: holds a NUL byte" ]
	printf '\357\273\277bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100\n' > "$BATS_TEST_TMPDIR/b.csv"
	run -1 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/b.csv"
	[ "$stderr" = "qts-sim: $BATS_TEST_TMPDIR/b.csv:1: the line starts with a UTF-8 byte order mark (EF BB BF), which an event stream has none of: remove it (sed '1s/^\\xEF\\xBB\\xBF//')" ]
	# the way it says works, and a vendor's file with one is read
	sed '1s/^\xEF\xBB\xBF//' "$BATS_TEST_TMPDIR/b.csv" | qts cat > /dev/null
	printf '\357\273\277Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/v.csv"
	run -0 qts-fetch -s A "$BATS_TEST_TMPDIR/v.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
	# qts-fetch says of an event file with one what every reader says, not
	# that it is a vendor header without a date column
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/b.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/b.csv:1: the line starts with a UTF-8 byte order mark (EF BB BF), which an event stream has none of: remove it (sed '1s/^\\xEF\\xBB\\xBF//')" ]
}

@test "fuzz: an unknown type that is empty, a comment or a msgpack byte is quoted (writer.c)" {
	# Written bare, "" became a blank line (the event was lost), "#c" a
	# comment, and a first byte 0x93 made the next reader take the stream
	# for msgpack.  Such types are no longer read (a type is a lowercase
	# name), but the writer still quotes them.
	printf '#c\n"\223",x\n' > "$BATS_TEST_TMPDIR/t.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/t.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/t.csv:2: '\\x93' is not an event type (a lowercase name such as bar); a vendor CSV? read it with qts-fetch" ]
	for t in '""' '"#c",1'; do
		printf '%s\n' "$t" | { run -1 --separate-stderr qts cat; [[ "$stderr" == "qts: -:1: '"*"' is not an event type"* ]]; }
	done
}

@test "fuzz: an empty type is quoted as empty, not as whatever the stack held (reader.c)" {
	# a line that starts with a comma: the message showed bytes never
	# written (a different quote each run, and between qts pipe and the
	# shell)
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,1,1,1,1,1' ',2024-01-01T00:00:00Z,A' > "$BATS_TEST_TMPDIR/e.csv"
	for i in 1 2 3; do
		for p in qts-sim qts-risk "qts-resample 1w" "qts cat"; do
			run -1 --separate-stderr $p "$BATS_TEST_TMPDIR/e.csv"
			[ "$stderr" = "${p%% *}: $BATS_TEST_TMPDIR/e.csv:2: '' is not an event type (a lowercase name such as bar); a vendor CSV? read it with qts-fetch" ]
		done
	done
}

@test "fuzz: an array32 header longer than the input is a truncated record, not a huge allocation (reader.c)" {
	# 0xdd ff ff ff ff: 4294967295 fields, each given room before a byte of them was read.
	run -1 --separate-stderr sh -c "printf '\335\377\377\377\377\243foo' | qts cat"
	[ "$stderr" = "qts: -: event 1 (byte 0): truncated record (input ends inside it)" ]
	run -1 --separate-stderr sh -c "printf '\335\000\000\000\003\243foo\001' | qts cat"
	[ "$stderr" = "qts: -: event 1 (byte 0): truncated record (input ends inside it)" ]
}

@test "fuzz: an unknown msgpack event's time as an unsigned integer orders a merge (reader.c)" {
	# msgpack-c packs a positive int64 as uint: the time was ignored and the
	# event took the one before it, ahead of B's tick.
	printf 'tick,1970-01-01T00:00:01Z,A,1,1\n' | qts cat -M > "$BATS_TEST_TMPDIR/a.mp"
	printf '\222\244note\316\262\320\136\000' >> "$BATS_TEST_TMPDIR/a.mp"  # ["note", uint32 3e9]
	printf 'tick,1970-01-01T00:00:02Z,B,1,1\n' | qts cat -M > "$BATS_TEST_TMPDIR/b.mp"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/a.mp" "$BATS_TEST_TMPDIR/b.mp"
	[ "$output" = "$(printf 'tick,1970-01-01T00:00:01Z,A,1,1\ntick,1970-01-01T00:00:02Z,B,1,1\nnote,1970-01-01T00:00:03Z')" ]
}

@test "an unknown event's time is a time in both encodings: checked alike, and kept across conversions" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-03T00:00:00Z,A,1d,1,1,1,1,1' 'note,2024-01-01,hello' > late.csv
	run -1 --separate-stderr qts cat late.csv
	[[ "$stderr" == "qts: late.csv:2: out of time order: note known at 2024-01-01T00:00:00Z"* ]]
	{ head -n 1 late.csv | qts cat -M; tail -n 1 late.csv | qts cat -M; } > late.mp
	run -1 --separate-stderr qts cat late.mp
	[[ "$stderr" == "qts: late.mp: event 2 (byte "*"): out of time order: note known at 2024-01-01T00:00:00Z"* ]]
	# CSV -> msgpack -> CSV -> msgpack: the time stays a time
	printf '%s\n' 'note,2024-01-01T00:00:00Z,hello' 'word,not a time,x' > n.csv
	qts cat -M n.csv > n1.mp
	qts cat n1.mp > n2.csv
	qts cat -M n2.csv > n3.mp
	cmp n1.mp n3.mp
	[ "$(cat n2.csv)" = "$(cat n.csv)" ]
}

@test "fuzz: a NUL byte in a text field is refused, not cut short (reader.c)" {
	run -1 --separate-stderr sh -c "printf 'tick,2024-01-01,A\0B,1,1\n' | qts cat"
	[ "$stderr" = "qts: -:1: symbol: holds a NUL byte" ]
	run -1 --separate-stderr sh -c "printf '\225\244tick\000\243A\0B\001\001' | qts cat"
	[ "$stderr" = "qts: -: event 1 (byte 0): symbol: holds a NUL byte" ]
}

@test "fuzz: lone CR line ends are refused on unquoted lines too (csv.c)" {
	# The fast path split only on commas: two records became one unknown
	# event with a CR inside a field.  (From a file: from a pipe, a last
	# line without its LF is a record cut short, refused before this.)
	f=$BATS_TEST_TMPDIR/cr.csv
	printf 'foo,1\rfoo,2\r' > "$f"
	run -1 --separate-stderr qts cat "$f"
	[ "$stderr" = "qts: $f:1: more than one record on a line (lone CR line ends?)" ]
	[ "$output" = "system,1970-01-01T00:00:00Z,qts,error,$f:1: more than one record on a line (lone CR line ends?)" ]
	run -0 sh -c "printf 'foo,1\r\nfoo,2\r\n' | qts cat"
	[ "$output" = "$(printf 'foo,1\nfoo,2')" ]
}

@test "fuzz: text after a lone CR on a last line without newline is not dropped (csv.c)" {
	f=$BATS_TEST_TMPDIR/cr.csv
	printf 'x,"a"\rb' > "$f"
	run -1 --separate-stderr qts cat "$f"
	[ "$stderr" = "qts: $f:1: more than one record on a line (lone CR line ends?)" ]
	printf 'x,"a"\r"b' > "$f"
	run -1 --separate-stderr qts cat "$f"
	[ "$stderr" = "qts: $f:1: unterminated quoted field" ]
	printf 'x,"a"\r' > "$f"
	run -0 qts cat "$f"
	[ "$output" = "x,a" ]
}

@test "fuzz: vendor files: epochs, infinities, bar starts and adjusted prices that do not fit are refused (fetch_vendor.c)" {
	# Each overflowed (UBSan) or wrote a bar no reader takes back.
	cd "$BATS_TEST_TMPDIR"
	printf 'timestamp,open,high,low,close,volume\n99999999999999999,1,1,1,1,1\n' > ep.csv
	run -1 --separate-stderr qts-fetch --epoch s -s X ep.csv
	[ "$stderr" = "qts-fetch: ep.csv:2: '99999999999999999' seconds since the epoch is not a time there is (1677-09-21 to 2262-04-11)" ]
	printf 'date,open,high,low,close,volume\n2024-01-02,inf,1,1,1,1\n' > inf.csv
	run -1 --separate-stderr qts-fetch -s X inf.csv
	[ "$stderr" = "qts-fetch: inf.csv:2: open: 'inf' is not a number" ]
	printf 'date,open,high,low,close,volume\n1677-09-22,1,1,1,1,1\n' > se.csv
	run -1 --separate-stderr qts-fetch --stamp end -t 1w -s X se.csv
	[ "$stderr" = "qts-fetch: se.csv:2: the bar would start before 1677-09-21" ]
	printf 'date,open,high,low,close,volume\n1677-10-01,1,1,1,1,1\n' > sm.csv
	run -1 --separate-stderr qts-fetch --stamp end -t 1M -s X sm.csv
	[ "$stderr" = "qts-fetch: sm.csv:2: the bar would start before 1677-09-21" ]
	printf 'date,open,high,low,close,adj close,volume\n2024-01-02,1e300,1e300,1e300,1e-300,1,1\n' > adj.csv
	run -1 --separate-stderr qts-fetch -a -s X adj.csv
	[ "$stderr" = "qts-fetch: adj.csv:2: adj close / close overflows the prices" ]
}

@test "fuzz: a date and time too long for one field is not a time, not cut to the date (fetch_vendor.c)" {
	cd "$BATS_TEST_TMPDIR"
	d=2024-01-02T10:00:00.$(printf '0%.0s' $(seq 70))
	printf 'date,time,open,high,low,close,volume\n%s,junk,1,1,1,1,1\n' "$d" > tr.csv
	run -1 --separate-stderr qts-fetch -s X tr.csv
	[ "$stderr" = "qts-fetch: tr.csv:2: '$d' and 'junk' are not a date and a time (YYYY-MM-DD or YYYYMMDD, HH:MM:SS or HHMMSS; name another date layout with --date-format)" ]
}

@test "a NUL byte in a vendor file's field is refused, not read up to it (fetch_vendor.c)" {
	# A date or a symbol was read as a C string: '2024-01-02\0xx' became
	# the date, 'AB\0C' the symbol AB, exit 0.
	cd "$BATS_TEST_TMPDIR"
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02\0xx,1,2,0.5,1.5,100\n' > d.csv
	run -1 --separate-stderr qts-fetch -s X d.csv
	[ "$stderr" = "qts-fetch: d.csv:2: field 1 holds a NUL byte" ]
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-fetch,error,d.csv:2: field 1 holds a NUL byte" ]
	printf 'Date,Symbol,Open,High,Low,Close,Volume\n2024-01-02,AB\0C,1,2,0.5,1.5,100\n2024-01-03,AB,1,2,0.5,1.5,100\n' > s.csv
	run -0 --separate-stderr qts-fetch --on-bad skip s.csv
	[ "$output" = "bar,2024-01-03T00:00:00Z,AB,1d,1,2,0.5,1.5,100" ]
	[ "$stderr" = "qts-fetch: skipped 1 bad record (1 that does not parse); the first: s.csv:2: field 2 holds a NUL byte" ]
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,1\0\n' > v.csv
	run -1 --separate-stderr qts-fetch -s X v.csv
	[ "$stderr" = "qts-fetch: v.csv:2: field 6 holds a NUL byte" ]
}

@test "a vendor time finer than nanoseconds or outside the range is named so, and --date-format does not cut its fraction (fetch_vendor.c)" {
	# --date-format kept nine digits of a fraction and dropped the rest:
	# 10:00:00.1234567891 was read as 10:00:00.123456789, exit 0.
	cd "$BATS_TEST_TMPDIR"
	printf 'Date,Open,High,Low,Close,Volume\n01/02/2024 10:00:00.1234567891,1,2,0.5,1.5,10\n' > f.csv
	run -1 --separate-stderr qts-fetch -s X --date-format '%d/%m/%Y %H:%M:%S' f.csv
	[ "$stderr" = "qts-fetch: f.csv:2: '01/02/2024 10:00:00.1234567891' has more than 9 digits of fraction: nanoseconds are the finest time qts keeps" ]
	printf 'Date,Open,High,Low,Close,Volume\n01/02/2024 10:00:00 1234567891,1,2,0.5,1.5,10\n' > g.csv
	run -1 --separate-stderr qts-fetch -s X --date-format '%d/%m/%Y %H:%M:%S %f' g.csv
	[ "$stderr" = "qts-fetch: g.csv:2: '01/02/2024 10:00:00 1234567891' has more than 9 digits of fraction: nanoseconds are the finest time qts keeps" ]
	printf 'Date,Open,High,Low,Close,Volume\n01/02/2024 10:00:00.123456789,1,2,0.5,1.5,10\n' > n.csv
	run -0 qts-fetch -s X -t 1h --date-format '%d/%m/%Y %H:%M:%S' n.csv
	[ "$output" = "bar,2024-02-01T10:00:00.123456789Z,X,1h,1,2,0.5,1.5,10" ]
	# without --date-format, in one column or two: said as every reader says it
	printf 'Date,Time,Open,High,Low,Close,Volume\n2024-01-02,10:00:00.1234567891,1,2,0.5,1.5,10\n' > t.csv
	run -1 --separate-stderr qts-fetch -s X t.csv
	[ "$stderr" = "qts-fetch: t.csv:2: '2024-01-02 10:00:00.1234567891' has more than 9 digits of fraction: nanoseconds are the finest time qts keeps" ]
	printf 'Date,Open,High,Low,Close,Volume\n1600-01-02,1,2,0.5,1.5,10\n' > r.csv
	run -1 --separate-stderr qts-fetch -s X r.csv
	[ "$stderr" = "qts-fetch: r.csv:2: '1600-01-02' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)" ]
}

@test "fuzz: bars centuries apart infer no timeframe beyond what a reader takes (fetch_vendor.c)" {
	cd "$BATS_TEST_TMPDIR"
	printf 'date,open,high,low,close,volume\n1700-01-01,1,1,1,1,1\n2200-01-01T00:00:01,1,1,1,1,1\n' > far.csv
	run -0 qts-fetch -s X far.csv
	[ "$output" = "$(printf 'bar,1700-01-01T00:00:00Z,X,1d,1,1,1,1,1\nbar,2200-01-01T00:00:01Z,X,1d,1,1,1,1,1')" ]
}

@test "fuzz: a bar ending after 2262-04-11 is refused, not overflowed (event.c, timefmt.c)" {
	# Its end (ts + tf) and the length of 999999w overflowed int64 (UBSan);
	# such a bar is never known, so its reader refuses it.
	cd "$BATS_TEST_TMPDIR"
	printf 'tick,2262-04-11T23:00:00Z,B,1,1\n' > tick.csv
	for b in 2262-04-11T00:00:00Z,A,1d 2262-04-11T01:00:00Z,C,999999w 2262-04-11T02:00:00Z,D,2M; do
		printf 'bar,%s,1,1,1,1,1\n' "$b" > late.csv
		run -1 --separate-stderr qts-fetch late.csv tick.csv
		IFS=, read -r ts sym tf <<< "$b"
		[ "$stderr" = "qts-fetch: late.csv:1: bar $sym $tf: $ts + $tf is past 2262-04-11T23:47:16.854775807Z, the last time qts can represent (a bar is known at its end)" ]
	done
}

@test "fuzz: an unknown type starting with the gzip magic is quoted (writer.c)" {
	# Written bare at the start of a stream, the next reader took it for
	# gzip.  Such a type is no longer read (a type is a lowercase name).
	printf '#c\n\037\213x,1\n' > "$BATS_TEST_TMPDIR/g.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/g.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/g.csv:2: '\\x1F\\x8Bx' is not an event type (a lowercase name such as bar); a vendor CSV? read it with qts-fetch" ]
}

@test "fuzz: gzip errors name the file once, and trailing garbage is called so (input.c, csv.c)" {
	cd "$BATS_TEST_TMPDIR"
	printf 'tick,2024-01-01,A,1,1\n' | gzip > g.gz
	head -c 20 g.gz > cut.gz
	run -1 --separate-stderr qts cat cut.gz
	[ "$stderr" = "qts: cut.gz: truncated gzip data at byte 20 of the gzip data (after $(head -c 20 g.gz | zcat 2> /dev/null | wc -c) bytes decoded)" ]
	{ cat g.gz; printf 'garbage'; } > junk.gz
	run -1 --separate-stderr qts cat junk.gz
	# where: the first byte after the member, all of it decoded
	[ "$stderr" = "qts: junk.gz: trailing garbage after gzip data at byte $(stat -c %s g.gz) of the gzip data (after 22 bytes decoded)" ]
	[ "${lines[0]}" = "tick,2024-01-01T00:00:00Z,A,1,1" ]
	[ "${lines[1]}" = "system,2024-01-01T00:00:00Z,qts,error,junk.gz: trailing garbage after gzip data at byte $(stat -c %s g.gz) of the gzip data (after 22 bytes decoded)" ]
	# a byte changed inside a member: found at its end, where its CRC-32
	# does not match (the example of qts-events(5))
	for i in $(seq 200); do echo "tick,2024-01-01T00:00:$(printf %02d $((i % 60))).$i,A,$i,1"; done | gzip > big.gz
	size=$(stat -c %s big.gz)
	python3 -c "import sys; d = bytearray(open('big.gz', 'rb').read()); d[len(d) // 2] ^= 0x40; open('flip.gz', 'wb').write(d)"
	run -1 --separate-stderr qts cat flip.gz
	[[ "$stderr" == "qts: flip.gz: "*" at byte "*" of the gzip data (after "*" bytes decoded)" ]]
	# An empty member, alone or between others, is no error (but no events).
	gzip -c /dev/null > empty.gz
	run -0 --separate-stderr qts cat empty.gz
	[ "$output" = "" ]
	[ "$stderr" = "qts: empty.gz: no events (empty input)" ]
	cat empty.gz g.gz empty.gz > three.gz
	run -0 qts cat three.gz
	[ "$output" = "tick,2024-01-01T00:00:00Z,A,1,1" ]
}

@test "fuzz: a symbol field cut by the end of its line is not read across it (reader.c)" {
	# The one-pass decoder glued a line of three fields to the next one;
	# the fuzzer compares it with the field-splitting decoder.
	{
		printf 'bar,2024-01-07T00:00:00Z,A B\n'
		printf ',1d,100,100,100,100,1000\n'
		printf '#%080d\n' 0
	} > "$BATS_TEST_TMPDIR/g.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/g.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/g.csv:1: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 3" ]
}

@test "a tick or quote of negative size is refused by every reader, naming the line" {
	printf 'tick,2024-01-02T00:00:00Z,A,10,-0.1\n' > "$BATS_TEST_TMPDIR/t.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/t.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/t.csv:1: size: -0.1 is negative" ]
	printf 'quote,2024-01-02T00:00:00Z,A,10,11,-1,2\n' > "$BATS_TEST_TMPDIR/q.csv"
	run -1 --separate-stderr qts-resample 1m "$BATS_TEST_TMPDIR/q.csv"
	[ "$stderr" = "qts-resample: $BATS_TEST_TMPDIR/q.csv:1: bid_size: -1 is negative" ]
	# the same quote in msgpack, ask_size -2 (as qts cat -M writes one)
	python3 -c 'import struct, sys; d = lambda x: b"\xcb" + struct.pack(">d", x); sys.stdout.buffer.write(b"\x97\xa5quote\xd3" + struct.pack(">q", 1704153600 * 10**9) + b"\xa1A" + d(10) + d(11) + d(1) + d(-2))' > "$BATS_TEST_TMPDIR/q.mp"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/q.mp"
	[[ "$stderr" == "qts: $BATS_TEST_TMPDIR/q.mp: event 1 (byte 0): ask_size: -2 is negative" ]]
}

@test "CSV: a line ends in LF or CRLF; a CR more before the LF is refused, a bar's fast path and the generic one alike" {
	f="$BATS_TEST_TMPDIR/crcr.csv"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,1\r\nbar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1.5,1\r\r\n' > "$f"
	run -1 --separate-stderr qts cat "$f"
	[ "$stderr" = "qts: $f:2: more than one CR at the line's end (lines end in LF or CRLF)" ]
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,1" ]
	printf 'target,2024-01-02T00:00:00Z,A,1,qty,s\r\r\n' > "$f"
	run -1 --separate-stderr qts cat "$f"
	[ "$stderr" = "qts: $f:1: more than one CR at the line's end (lines end in LF or CRLF)" ]
	printf 'bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,1\r\n\r\n' > "$f"
	run -0 qts cat "$f"
}
