#!/usr/bin/env bats
# CSV bar lines are decoded in one pass when enough input is buffered
# (lib/reader.c fast_bar), else split into fields first.  Each line here is
# read both ways (alone: split; followed by a long comment: one pass; with
# CRLF line ends too) and must give the same event or the same error.
# Expected values are what the field-splitting decoder gave before the
# one-pass decoder existed.

load helper

pad='#0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789'

# check LINE EXPECTED: qts cat of LINE in each form prints EXPECTED on
# stdout (exit 0) or, when EXPECTED starts with "qts: ", on stderr (exit 1)
check() {
	for form in plain padded crlf; do
		case $form in
		plain) printf '%s\n' "$1" ;;
		padded) printf '%s\n%s\n' "$1" "$pad" ;;
		crlf) printf '%s\r\n%s\r\n' "$1" "$pad" ;;
		esac >"$BATS_TEST_TMPDIR/in.csv"
		case $2 in
		"qts: "*) run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/in.csv"
			[ "$stderr" = "${2/in.csv/$BATS_TEST_TMPDIR/in.csv}" ] || { echo "$form: $stderr"; return 1; } ;;
		*) run -0 qts cat "$BATS_TEST_TMPDIR/in.csv"
			[ "$output" = "$2" ] || { echo "$form: $output"; return 1; } ;;
		esac
	done
}

@test "csv bars: numbers in every form read the same both ways" {
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,124.13,124.19,124.02,124.02,8402' \
		'bar,2024-01-01T14:30:00Z,SYN,1m,124.13,124.19,124.02,124.02,8402'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,.5,+5,-0,5.,1e3' \
		'bar,2024-01-01T14:30:00Z,SYN,1m,0.5,5,-0,5,1000'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,12345678.12345678,9007199254740993,0.000000001,123456789012,1234567.1' \
		'bar,2024-01-01T14:30:00Z,SYN,1m,12345678.12345678,9.007199254740992e+15,1e-09,123456789012,1234567.1'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,12.3456789,1234567.,-0.5,00012.50,99999999' \
		'bar,2024-01-01T14:30:00Z,SYN,1m,12.3456789,1234567,-0.5,12.5,99999999'
}

@test "csv bars: times in every form and at the ends of the range read the same both ways" {
	check 'bar,2024-01-01,SYN,1d,1,2,0.5,1.5,10' \
		'bar,2024-01-01T00:00:00Z,SYN,1d,1,2,0.5,1.5,10'
	check 'bar,2024-01-01T14:30:00.5Z,SYN,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00.500Z,SYN,1m,1,2,0.5,1.5,10'
	check 'bar,2024-01-01T14:30:00+01:00,SYN,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T13:30:00Z,SYN,1m,1,2,0.5,1.5,10'
	check 'bar,2024-01-01t14:30:00z,SYN,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,1.5,10'
	check 'bar,2024-01-01 14:30:00Z,SYN,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,1.5,10'
	# the last second whose bar ends in time, and the first past the range
	check 'bar,2262-04-11T23:47:15Z,SYN,1s,1,2,0.5,1.5,10' \
		'bar,2262-04-11T23:47:15Z,SYN,1s,1,2,0.5,1.5,10'
	check 'bar,2262-04-11T23:47:16Z,SYN,1s,1,2,0.5,1.5,10' \
		'qts: in.csv:1: bar SYN 1s: 2262-04-11T23:47:16Z + 1s is past 2262-04-11T23:47:16.854775807Z, the last time qts can represent (a bar is known at its end)'
	check 'bar,2262-04-11T23:47:17Z,SYN,1m,1,2,0.5,1.5,10' \
		'qts: in.csv:1: ts: '\''2262-04-11T23:47:17Z'\'' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)'
	check 'bar,1677-09-21T00:13:00Z,SYN,1m,1,2,0.5,1.5,10' \
		'bar,1677-09-21T00:13:00Z,SYN,1m,1,2,0.5,1.5,10'
}

@test "csv bars: symbols and timeframes at their length limits, empty or quoted" {
	# (a timeframe is read by its one name: 00000000000001m is 1m)
	check 'bar,2024-01-01T14:30:00Z,ABCDEFGHIJKLMNOPQRSTUVWXYZ01234,00000000000001m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,ABCDEFGHIJKLMNOPQRSTUVWXYZ01234,1m,1,2,0.5,1.5,10'
	check 'bar,2024-01-01T14:30:00Z,SYN,123456789012345,1,2,0.5,1.5,10' \
		"qts: in.csv:1: tf: '123456789012345' is not a timeframe (a count and a unit: 30s, 1m, 5m, 1h, 1d, 1w, 1M)"
	check 'bar,2024-01-01T14:30:00Z,ABCDEFGHIJKLMNOPQRSTUVWXYZ012345,1m,1,2,0.5,1.5,10' \
		'qts: in.csv:1: symbol: longer than 31 bytes'
	check 'bar,2024-01-01T14:30:00Z,SYN,1234567890123456,1,2,0.5,1.5,10' \
		'qts: in.csv:1: tf: longer than 15 bytes'
	check 'bar,2024-01-01T14:30:00Z,,1m,1,2,0.5,1.5,10' \
		"qts: in.csv:1: symbol: '' is empty: a bar is of a symbol"
	check 'bar,2024-01-01T14:30:00Z,"A,B",1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,"A,B",1m,1,2,0.5,1.5,10'
}

@test "csv bars: bad fields give the same error both ways" {
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,abc,2,0.5,1.5,10' \
		'qts: in.csv:1: open: '\''abc'\'' is not a number'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,1.5,1e400' \
		'qts: in.csv:1: volume: '\''1e400'\'' is not a number'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,1.5,' \
		'qts: in.csv:1: volume: '\'''\'' is not a number'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,-,10' \
		'qts: in.csv:1: close: '\''-'\'' is not a number'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,.,10' \
		'qts: in.csv:1: close: '\''.'\'' is not a number'
	check 'bar,2024-02-30T14:30:00Z,SYN,1m,1,2,0.5,1.5,10' \
		'qts: in.csv:1: ts: '\''2024-02-30T14:30:00Z'\'' is not a time (RFC 3339 or YYYY-MM-DD)'
	check 'bar,2024-01-01T24:00:00Z,SYN,1m,1,2,0.5,1.5,10' \
		'qts: in.csv:1: ts: '\''2024-01-01T24:00:00Z'\'' is not a time (RFC 3339 or YYYY-MM-DD)'
	check 'bar,2024-01-01T23:60:00Z,SYN,1m,1,2,0.5,1.5,10' \
		'qts: in.csv:1: ts: '\''2024-01-01T23:60:00Z'\'' is not a time (RFC 3339 or YYYY-MM-DD)'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,1.5,10,11' \
		'qts: in.csv:1: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 10'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,1.5' \
		'qts: in.csv:1: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 8'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5, 1.5,10' \
		'qts: in.csv:1: close: '\'' 1.5'\'' is not a number'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,1,2,0.5,1.5,0x10' \
		'qts: in.csv:1: volume: '\''0x10'\'' is not a number'
}

@test "csv bars: lines across the end of the input buffer read the same" {
	# 64 KiB buffers: a million bytes of bars cross many of them, at every
	# offset within a line.
	qts-fetch --tf 1m --count 20000 synth:SYN >"$BATS_TEST_TMPDIR/bars.csv"
	run -0 sh -c "qts cat <'$BATS_TEST_TMPDIR/bars.csv' | cmp - '$BATS_TEST_TMPDIR/bars.csv'"
	run -0 sh -c "cat '$BATS_TEST_TMPDIR/bars.csv' | qts cat -M | qts cat | cmp - '$BATS_TEST_TMPDIR/bars.csv'"
}

@test "csv bars: symbols holding bytes below the comma, negative numbers" {
	check 'bar,2024-01-01T14:30:00Z,M&M.NS,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,M&M.NS,1m,1,2,0.5,1.5,10'
	check 'bar,2024-01-01T14:30:00Z,A B,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,A B,1m,1,2,0.5,1.5,10'
	check 'bar,2024-01-01T14:30:00Z,ABCDEFGH&,1m,1,2,0.5,1.5,10' \
		'bar,2024-01-01T14:30:00Z,ABCDEFGH&,1m,1,2,0.5,1.5,10'
	check 'bar,2024-01-01T14:30:00Z,A B'$'\n'',1m,1,2,0.5,1.5,10' \
		'qts: in.csv:1: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 3'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,-7,-.25,-124.13,-0.5,12345678.5' \
		'bar,2024-01-01T14:30:00Z,SYN,1m,-7,-0.25,-124.13,-0.5,12345678.5'
	# (a negative volume is read, and refused, the same both ways)
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,-7,-.25,-124.13,-0.5,-12345678.5' \
		'qts: in.csv:1: volume: -12345678.5 is negative'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,-124.13,-7,-0.5,-.25,1' \
		'qts: in.csv:1: high: -7 is below the low, -0.5'
	# an open or close outside the low and high: a price no one traded at
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,-0.3,-0.5,-7,-.25,1' \
		'qts: in.csv:1: open: -0.3 is above the high, -0.5'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,-7.5,-0.5,-7,-.25,1' \
		'qts: in.csv:1: open: -7.5 is below the low, -7'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,-1,-0.5,-7,-.25,1' \
		'qts: in.csv:1: close: -0.25 is above the high, -0.5'
	check 'bar,2024-01-01T14:30:00Z,SYN,1m,-1,-0.5,-7,-7.25,1' \
		'qts: in.csv:1: close: -7.25 is below the low, -7'
}

@test "csv bars: a bad time of day gives the same error both ways" {
	for t in 14:3a:00 24:00:00 14:30:60 14-30:00 14:30:0/; do
		check "bar,2024-01-01T${t}Z,SYN,1m,1,2,0.5,1.5,10" \
			"qts: in.csv:1: ts: '2024-01-01T${t}Z' is not a time (RFC 3339 or YYYY-MM-DD)"
	done
}

@test "csv bars: numbers shaped like the ones before, or nearly, read the same both ways" {
	# The one-pass decoder tries each number against the layouts of the
	# last ones read (lib/reader.c shaped_num): a line in those layouts
	# first, then fields that match them but for one byte.
	first='bar,2024-01-01T14:30:00Z,SYN,1m,124.1,124.13,1.5,124,8402'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.1,124.13,1.5,124,8402' \
		"$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.1,124.13,1.5,124,8402'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.15,12412,0.13,1241.3,84021' \
		"$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.15,12412,0.13,1241.3,84021'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.1,124.1a,1.5,124,8402' \
		'qts: in.csv:2: high: '\''124.1a'\'' is not a number'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.1,12/.13,1.5,124,8402' \
		'qts: in.csv:2: high: '\''12/.13'\'' is not a number'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124:1,124.13,1.5,124,8402' \
		'qts: in.csv:2: open: '\''124:1'\'' is not a number'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.1,124.13,1.5,124.13.5,8402' \
		'qts: in.csv:2: close: '\''124.13.5'\'' is not a number'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.1,124.13,1.5,124,84:2' \
		'qts: in.csv:2: volume: '\''84:2'\'' is not a number'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.1,124.13,1.5,124,8402x' \
		'qts: in.csv:2: volume: '\''8402x'\'' is not a number'
	same='bar,2024-01-01T14:30:00Z,SYN,1m,124.13,124.19,124.02,124.02,8402'
	check "$same"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.13,124:19,124.02,124.02,8402' \
		'qts: in.csv:2: high: '\''124:19'\'' is not a number'
	check "$same"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.13,124.19,124.02,124.02;8402' \
		'qts: in.csv:2: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 8'
	check "$same"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.13,124.19,124.02,124.02,840.' \
		"$same"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,124.13,124.19,124.02,124.02,840'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,-1.5,124.1,-124.13,124,8402' \
		"$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,-1.5,124.1,-124.13,124,8402'
	check "$first"$'\n''bar,2024-01-01T14:31:00Z,SYN,1m,-1.5,124.1,-124.13,124,-8402' \
		'qts: in.csv:2: volume: -8402 is negative'
}

@test "csv bars: line numbers stay right after lines read in one pass" {
	# Lines read in one pass are counted in batches; a record across two
	# lines (a quoted newline: a message's, a symbol holds none) in
	# between is read split.
	qts-fetch --tf 1m --count 20000 synth:SYN >"$BATS_TEST_TMPDIR/in.csv"
	{
		printf 'system,2024-06-03T14:30:00Z,src,info,"S\nY"\n'
		for m in 31 32 33; do printf 'bar,2024-06-03T14:%s:00Z,SYN,1m,1,2,0.5,1.5,10\n' "$m"; done
		printf 'bar,2024-06-03T14:34:00Z,SYN,1m,1,2,0.5,1.5,1x\n'
		printf '%s\n' "$pad"
	} >>"$BATS_TEST_TMPDIR/in.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/in.csv:20006: volume: '1x' is not a number" ]
	[ "${#lines[@]}" -eq 20006 ] # the quoted newline written as read, then the error event
	[[ "${lines[-1]}" == "system,2024-06-03T14:34:00Z,qts,error,"* ]]
	# A bar out of order deep inside the lines read in one pass.
	qts-fetch --tf 1m --count 20000 synth:SYN | sed '10000p' >"$BATS_TEST_TMPDIR/dup.csv"
	run -1 --separate-stderr qts-resample 1d "$BATS_TEST_TMPDIR/dup.csv"
	[[ "$stderr" = "qts-resample: $BATS_TEST_TMPDIR/dup.csv:10001: SYN: bar "*" is not after the one before" ]]
}

@test "csv bars: a time, a timeframe and numbers' shapes met on lines before read the same both ways" {
	# The one-pass decoder takes a time field equal to the last one read
	# in full, and a timeframe equal to the last one, as they were; and
	# tries a symbol's numbers first in the shapes of its last bar.
	a='bar,2024-01-01T14:30:00Z,AAPL,1m,187.69,187.85,187.62,187.75,11150'
	b='bar,2024-01-01T14:30:00Z,IBM,1m,81.81,81.87,81.79,81.82,5728'
	check "$a"$'\n'"$b"$'\n''bar,2024-01-01T14:31:00Z,AAPL,1m,187.6,187.8,187,187.75,9150' \
		"$a"$'\n'"$b"$'\n''bar,2024-01-01T14:31:00Z,AAPL,1m,187.6,187.8,187,187.75,9150'
	check "$a"$'\n''bar,2024-01-01T14:30:00Z,IBM,1m,8x.81,81.87,81.79,81.82,5728' \
		'qts: in.csv:2: open: '\''8x.81'\'' is not a number'
	# (a timeframe that is not one is refused, the same way both ways)
	check "$a"$'\n''bar,2024-01-01T14:30:00Z,IBM,1m ,81.81,81.87,81.79,81.82,5728' \
		"qts: in.csv:2: tf: '1m ' is not a timeframe: write 1m"
	check "$a"$'\n''bar,2024-01-01T14:30:00Z,IBM,1mm,81.81,81.87,81.79,81.82,5728' \
		"qts: in.csv:2: tf: '1mm' is not a timeframe (a count and a unit: 30s, 1m, 5m, 1h, 1d, 1w, 1M)"
	check "$a"$'\n''bar,2024-01-01T14:30:00Z,IBM,,81.81,81.87,81.79,81.82,5728' \
		"qts: in.csv:2: tf: '' is not a timeframe (a count and a unit: 30s, 1m, 5m, 1h, 1d, 1w, 1M)"
	check "$a"$'\n''bar,2024-01-01T14:30:00Z,IBM,5m,81.81,81.87,81.79,81.82,5728' \
		"$a"$'\n''bar,2024-01-01T14:30:00Z,IBM,5m,81.81,81.87,81.79,81.82,5728'
	# Symbols that share a slot (their first four bytes), of a word with
	# their comma and longer, with a byte below the comma.
	c='bar,2024-01-01T14:30:00Z,BTC-USD,1m,1,2,0.5,1.5,10'$'\n''bar,2024-01-01T14:30:00Z,BTC-EUR,1m,1,2,0.5,1.5,10'
	c="$c"$'\n''bar,2024-01-01T14:30:00Z,BTC-USDT,1m,1,2,0.5,1.5,10'$'\n''bar,2024-01-01T14:30:00Z,BTC-USD,1m,1,2,0.5,1.5,10'
	c="$c"$'\n''bar,2024-01-01T14:30:00Z,BTC USD,1m,1,2,0.5,1.5,10'$'\n''bar,2024-01-01T14:30:00Z,BTC,1m,1,2,0.5,1.5,10'
	check "$c" "$c"
	check "$c"$'\n''bar,2024-01-01T14:30:00Z,BTC-USD",1m,1,2,0.5,1.5,10' \
		'qts: in.csv:7: field 3: a double quote inside a field that does not start with one (a field with a double quote must be quoted whole, each quote inside it doubled)'
	# Nothing read before: the time the first field is compared with.
	check 'bar,1970-01-01T00:00:00Z,SYN,1m,1,2,0.5,1.5,10' \
		'bar,1970-01-01T00:00:00Z,SYN,1m,1,2,0.5,1.5,10'
	# The same time again after one that failed on its date, and after
	# one out of range.
	check 'bar,2024-01-01T14:30:00Z,A,1m,1,2,0.5,1.5,10'$'\n''bar,2024-02-30T14:30:00Z,A,1m,1,2,0.5,1.5,10' \
		"qts: in.csv:2: ts: '2024-02-30T14:30:00Z' is not a time (RFC 3339 or YYYY-MM-DD)"
	check 'bar,2262-04-11T23:47:15Z,A,1s,1,2,0.5,1.5,10'$'\n''bar,2262-04-11T23:47:15Z,B,1s,1,2,0.5,1.5,10' \
		'bar,2262-04-11T23:47:15Z,A,1s,1,2,0.5,1.5,10'$'\n''bar,2262-04-11T23:47:15Z,B,1s,1,2,0.5,1.5,10'
	check 'bar,2262-04-11T23:47:17Z,A,1m,1,2,0.5,1.5,10'$'\n''bar,2262-04-11T23:47:17Z,B,1m,1,2,0.5,1.5,10' \
		"qts: in.csv:1: ts: '2262-04-11T23:47:17Z' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)"
}
