#!/usr/bin/env bats
# qts-fetch: files, vendor layouts, generated bars, validation, merging.

load helper

F=$BATS_TEST_DIRNAME/fixtures/fetch

@test "Yahoo layout: symbol from the file name, timeframe inferred" {
	run -0 qts-fetch "$F/yahoo.csv"
	[ "${lines[0]}" = "bar,2014-01-02T00:00:00Z,YAHOO,1d,37.779999,38.029999,37.549999,37.84,18162100" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "--symbol names the symbol; file: prefix" {
	run -0 qts-fetch --symbol ORCL "file:$F/yahoo.csv"
	[ "${lines[3]}" = "bar,2014-01-07T00:00:00Z,ORCL,1d,37.540001,37.84,37.389999,37.77,14853600" ]
}

@test "a file's name longer than a symbol is refused as its symbol, naming the line, not cut to 31 bytes" {
	# Cut to its first 31 bytes, two files' names made one symbol, exit 0.
	cd "$BATS_TEST_TMPDIR"
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n' > abcdefghijklmnopqrstuvwxyz012345-a.csv
	run -1 --separate-stderr qts-fetch abcdefghijklmnopqrstuvwxyz012345-a.csv
	[ "$stderr" = "qts-fetch: abcdefghijklmnopqrstuvwxyz012345-a.csv:2: symbol 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345-A' is longer than 31 bytes (the file's name: name the symbol with -s)" ]
	run -0 qts-fetch -s X abcdefghijklmnopqrstuvwxyz012345-a.csv
	[ "$output" = "bar,2024-01-02T00:00:00Z,X,1d,1,2,0.5,1.5,10" ]
	# 31 bytes is a symbol
	cp abcdefghijklmnopqrstuvwxyz012345-a.csv abcdefghijklmnopqrstuvwxyz01234.csv
	run -0 qts-fetch abcdefghijklmnopqrstuvwxyz01234.csv
	[ "$output" = "bar,2024-01-02T00:00:00Z,ABCDEFGHIJKLMNOPQRSTUVWXYZ01234,1d,1,2,0.5,1.5,10" ]
	# a file with a symbol column does not need its name
	printf 'Date,Symbol,Open,High,Low,Close,Volume\n2024-01-02,A,1,2,0.5,1.5,10\n' > abcdefghijklmnopqrstuvwxyz012345-b.csv
	run -0 qts-fetch abcdefghijklmnopqrstuvwxyz012345-b.csv
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
}

@test "--adjust scales OHLC by Adj Close / Close" {
	run -0 qts-fetch -s ORCL --adjust "$F/yahoo.csv"
	# open 37.779999 * 35.166069 / 37.84, computed with awk's doubles
	want=$(awk 'BEGIN{k=35.166069/37.84; printf "%.10f", 37.779999*k}')
	got=$(echo "${lines[0]}" | cut -d, -f5)
	[ "$(printf '%.10f' "$got")" = "$want" ]
	[ "$(echo "${lines[0]}" | cut -d, -f8)" = "35.166069" ]
}

@test "--adjust: an Adj Close or Close that is no positive price is a row error, where it made a bar of zeros" {
	# An Adj Close of 0 scaled the bar to 0,0,0,0, a negative one turned
	# it over, a Close of 0 left it unadjusted: exit 0 each time.
	cd "$BATS_TEST_TMPDIR"
	printf 'Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,11,9,10,10,100\n2024-01-03,10,11,9,10,0,100\n2024-01-04,10,11,9,10,10,100\n' > X.csv
	run -1 --separate-stderr qts-fetch -t 1d -a X.csv
	[ "$stderr" = "qts-fetch: X.csv:3: adj close: '0' is not a positive price (--adjust scales by adj close / close)" ]
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,X,1d,10,11,9,10,100" ]
	[ "${#lines[@]}" -eq 2 ] && [[ "${lines[1]}" == system,*,qts-fetch,error,* ]]
	sed 's/,10,0,100/,10,-5,100/' X.csv > N.csv
	run -1 --separate-stderr qts-fetch -t 1d -a N.csv
	[ "$stderr" = "qts-fetch: N.csv:3: adj close: '-5' is not a positive price (--adjust scales by adj close / close)" ]
	sed 's/^2024-01-03,10,11,9,10,0/2024-01-03,0,11,0,0,10/' X.csv > C.csv
	run -1 --separate-stderr qts-fetch -t 1d -a C.csv
	[ "$stderr" = "qts-fetch: C.csv:3: close: '0' is not a positive price (--adjust scales by adj close / close)" ]
	# a row that does not parse, as --on-bad says
	run -0 --separate-stderr qts-fetch -t 1d -a --on-bad skip X.csv
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-01-02T00:00:00Z 2024-01-04T00:00:00Z " ]
	[ "$stderr" = "qts-fetch: skipped 1 bad record (1 that does not parse); the first: X.csv:3: adj close: '0' is not a positive price (--adjust scales by adj close / close)" ]
	# without --adjust the Adj Close is not used
	run -0 qts-fetch X.csv
	[ "${#lines[@]}" -eq 3 ]
}

@test "--adjust without an Adj Close column is an error" {
	run -1 --separate-stderr qts-fetch --adjust "$F/alphavantage.csv"
	[ "$stderr" = "qts-fetch: $F/alphavantage.csv: --adjust needs an Adj Close column" ]
}

@test "--tz: the hour repeated as clocks go back is read twice, in order; a time the clocks skip is an error naming the line" {
	printf 'Date,Open,High,Low,Close,Volume\n2024-11-03 00:30:00,1,2,0.5,1.5,10\n2024-11-03 01:00:00,1,2,0.5,1.5,10\n2024-11-03 01:30:00,1,2,0.5,1.5,10\n2024-11-03 01:00:00,1,2,0.5,1.5,10\n2024-11-03 01:30:00,1,2,0.5,1.5,10\n2024-11-03 02:00:00,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/back.csv"
	run -0 qts-fetch --tz America/New_York -s X "$BATS_TEST_TMPDIR/back.csv"
	# EDT (-4) until the first 01:59:59, then EST (-5)
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-11-03T04:30:00Z 2024-11-03T05:00:00Z 2024-11-03T05:30:00Z 2024-11-03T06:00:00Z 2024-11-03T06:30:00Z 2024-11-03T07:00:00Z " ]
	printf 'Date,Open,High,Low,Close,Volume\n2024-03-10 01:30:00,1,2,0.5,1.5,10\n2024-03-10 02:30:00,1,2,0.5,1.5,10\n2024-03-10 03:30:00,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/fwd.csv"
	run -1 --separate-stderr qts-fetch --tz America/New_York -s X "$BATS_TEST_TMPDIR/fwd.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/fwd.csv:3: '2024-03-10 02:30:00' is a time the zone of --tz skips: the clocks go forward past it" ]
	# a date alone on a day that starts at 01:00 (Santiago, 2024-09-08) is that day
	printf 'Date,Open,High,Low,Close,Volume\n2024-09-07,1,2,0.5,1.5,10\n2024-09-08,1,2,0.5,1.5,10\n2024-09-09,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/day.csv"
	run -0 qts-fetch --tz America/Santiago -s X "$BATS_TEST_TMPDIR/day.csv"
	[ "${lines[1]}" = "bar,2024-09-08T04:00:00Z,X,1d,1,2,0.5,1.5,10" ]
}

@test "--tz: a date the zone skips whole (Pacific/Apia, 2011-12-30) is an error naming the line, not the next day's start twice" {
	printf 'Date,Open,High,Low,Close,Volume\n2011-12-29,1,2,0.5,1.5,10\n2011-12-30,1,2,0.5,1.5,10\n2011-12-31,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/apia.csv"
	run -1 --separate-stderr qts-fetch --tz Pacific/Apia -s X "$BATS_TEST_TMPDIR/apia.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/apia.csv:3: '2011-12-30' is a date the zone of --tz skips: its clocks go forward past the whole day" ]
	[ "${lines[0]}" = "bar,2011-12-29T10:00:00Z,X,1d,1,2,0.5,1.5,10" ]
	# in another layout too
	printf 'Date,Open,High,Low,Close,Volume\n30/12/2011,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/f.csv"
	run -1 --separate-stderr qts-fetch --tz Pacific/Apia --date-format %d/%m/%Y -s X "$BATS_TEST_TMPDIR/f.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/f.csv:2: '30/12/2011' is a date the zone of --tz skips: its clocks go forward past the whole day" ]
	# the days around it are read
	sed -i '/2011-12-30/d' "$BATS_TEST_TMPDIR/apia.csv"
	run -0 qts-fetch --tz Pacific/Apia -s X "$BATS_TEST_TMPDIR/apia.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2011-12-29T10:00:00Z 2011-12-30T10:00:00Z " ]
}

@test "--tz: the repeated hour is read twice symbol by symbol, and trades of one time in it are of one instant" {
	# Another symbol's row, or a second trade at the same time, was taken
	# for the second pass of the hour: B's 01:00 bar went an hour late (or
	# made a duplicate), and every trade after the second of 01:30:00 too.
	printf 'Datetime,Symbol,Open,High,Low,Close,Volume\n2024-11-03 01:00:00,A,1,2,0.5,1.5,10\n2024-11-03 01:00:00,B,1,2,0.5,1.5,10\n2024-11-03 01:00:00,A,1,2,0.5,1.5,11\n2024-11-03 01:00:00,B,1,2,0.5,1.5,11\n2024-11-03 02:00:00,A,1,2,0.5,1.5,12\n' > "$BATS_TEST_TMPDIR/two.csv"
	run -0 qts-fetch --tz America/New_York -t 1h "$BATS_TEST_TMPDIR/two.csv"
	[ "$output" = "$(printf 'bar,2024-11-03T05:00:00Z,A,1h,1,2,0.5,1.5,10\nbar,2024-11-03T05:00:00Z,B,1h,1,2,0.5,1.5,10\nbar,2024-11-03T06:00:00Z,A,1h,1,2,0.5,1.5,11\nbar,2024-11-03T06:00:00Z,B,1h,1,2,0.5,1.5,11\nbar,2024-11-03T07:00:00Z,A,1h,1,2,0.5,1.5,12')" ]
	printf 'timestamp,price,size\n2024-11-03 01:30:00,10,1\n2024-11-03 01:30:00,11,2\n2024-11-03 01:59:59,12,1\n2024-11-03 01:00:00,13,1\n2024-11-03 01:00:00,14,1\n' > "$BATS_TEST_TMPDIR/trades.csv"
	run -0 qts-fetch --tz America/New_York -s X "$BATS_TEST_TMPDIR/trades.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-11-03T05:30:00Z 2024-11-03T05:30:00Z 2024-11-03T05:59:59Z 2024-11-03T06:00:00Z 2024-11-03T06:00:00Z " ]
}

# last_bar [OPTION...] DATE...: the last bar qts-fetch makes of a vendor
# file of one bar a DATE (1,2,0.5,1.5,10 each), symbol X
last_bar() {
	local opts=()
	while [[ $1 == -* ]]; do opts+=("$1" "$2"); shift 2; done
	{ echo 'Date,Open,High,Low,Close,Volume'; printf '%s,1,2,0.5,1.5,10\n' "$@"; } > "$BATS_TEST_TMPDIR/v.csv"
	qts-fetch -s X "${opts[@]}" "$BATS_TEST_TMPDIR/v.csv" | tail -n 1
}

@test "gaps of calendar quarters, half years and years make 3M, 6M and 12M bars, not 13w or 365d" {
	[ "$(last_bar 2024-01-01 2024-04-01 2024-07-01 2024-10-01)" = "bar,2024-10-01T00:00:00Z,X,3M,1,2,0.5,1.5,10" ]
	[ "$(last_bar 2023-01-01 2023-07-01 2024-01-01)" = "bar,2024-01-01T00:00:00Z,X,6M,1,2,0.5,1.5,10" ]
	[ "$(last_bar 2021-01-01 2022-01-01 2023-01-01 2024-01-01)" = "bar,2024-01-01T00:00:00Z,X,12M,1,2,0.5,1.5,10" ]
	last_bar 2024-01-01 2024-04-01 2024-07-01 2024-10-01 > /dev/null
	qts-fetch -s X "$BATS_TEST_TMPDIR/v.csv" | qts-resample 12M > /dev/null
	# two months (59 to 62 days), four (120 to 123)
	[ "$(last_bar 2024-01-01 2024-03-01 2024-05-01)" = "bar,2024-05-01T00:00:00Z,X,2M,1,2,0.5,1.5,10" ]
	[ "$(last_bar 2024-01-01 2024-05-01 2024-09-01)" = "bar,2024-09-01T00:00:00Z,X,4M,1,2,0.5,1.5,10" ]
	# 91 days is 13 weeks and a quarter both: a quarter (-t 13w says the other)
	[[ "$(last_bar 2024-01-08 2024-04-08 2024-07-08)" == bar,*,X,3M,* ]]
	[[ "$(last_bar -t 13w 2024-01-08 2024-04-08 2024-07-08)" == bar,*,X,13w,* ]]
}

@test "--stamp end: weekly and monthly bars start on the Monday and the 1st, labelled by their last day or by their end" {
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-06,1,2,0.5,1.5,10\n2006-01-16,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/w.csv"
	run -0 qts-fetch --stamp end -t 1w -s X "$BATS_TEST_TMPDIR/w.csv"
	[ "${lines[0]}" = "bar,2006-01-02T00:00:00Z,X,1w,1,2,0.5,1.5,10" ] # Friday: its own week
	[ "${lines[1]}" = "bar,2006-01-09T00:00:00Z,X,1w,1,2,0.5,1.5,10" ] # Monday: the week it ends
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-31,1,2,0.5,1.5,10\n2006-03-01,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-fetch --stamp end -t 1M -s X "$BATS_TEST_TMPDIR/m.csv"
	[ "${lines[0]}" = "bar,2006-01-01T00:00:00Z,X,1M,1,2,0.5,1.5,10" ]
	[ "${lines[1]}" = "bar,2006-02-01T00:00:00Z,X,1M,1,2,0.5,1.5,10" ]
}

@test "--stamp end --tz: a daily bar labelled at a midnight starts at the zone's midnight before, across a change of the clocks" {
	# It started 24 hours before its label: at 23:00 of the day before the
	# spring's short day, and at 01:00 of the autumn's long one.
	printf 'Date,Open,High,Low,Close,Volume\n2024-03-10,1,2,0.5,1.5,10\n2024-03-11,1,2,0.5,1.5,10\n2024-03-12,1,2,0.5,1.5,10\n2024-11-04,1,2,0.5,1.5,10\n2024-11-05,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -0 qts-fetch -t 1d --stamp end --tz America/New_York -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-03-09T05:00:00Z 2024-03-10T05:00:00Z 2024-03-11T04:00:00Z 2024-11-03T04:00:00Z 2024-11-04T05:00:00Z " ]
	# bars of two days: rows two days apart (rows a day apart are no 2d bars)
	printf 'Date,Open,High,Low,Close,Volume\n2024-03-10,1,2,0.5,1.5,10\n2024-03-12,1,2,0.5,1.5,10\n2024-11-04,1,2,0.5,1.5,10\n2024-11-06,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/d2.csv"
	run -0 qts-fetch -t 2d --stamp end --tz America/New_York -s X "$BATS_TEST_TMPDIR/d2.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-03-08T05:00:00Z 2024-03-10T05:00:00Z 2024-11-02T04:00:00Z 2024-11-04T05:00:00Z " ]
}

@test "--stamp end --tz: a daily bar labelled at 00:00 UTC starts at 00:00 UTC the day before, across New York's short day too" {
	# it started 24 hours of New York's wall clock before: at 01:00 UTC
	printf 'Date,Open,High,Low,Close,Volume\n2024-03-09T00:00:00Z,1,2,0.5,1.5,10\n2024-03-11T00:00:00Z,1,2,0.5,1.5,10\n2024-11-04T00:00:00Z,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -0 qts-fetch -t 1d --stamp end --tz America/New_York -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-03-08T00:00:00Z 2024-03-10T00:00:00Z 2024-11-03T00:00:00Z " ]
	# as without --tz, and as a column named as UTC
	run -0 qts-fetch -t 1d --stamp end -s X "$BATS_TEST_TMPDIR/d.csv"
	want=$output
	sed 's/^Date/timestamp_utc/;s/T00:00:00Z//' "$BATS_TEST_TMPDIR/d.csv" > "$BATS_TEST_TMPDIR/u.csv"
	run -0 qts-fetch -t 1d --stamp end --tz America/New_York -s X "$BATS_TEST_TMPDIR/u.csv"
	[ "$output" = "$want" ]
}

@test "--stamp start: a weekly or monthly bar labelled by a later day of it starts on its Monday or its 1st, at --tz's midnight with --tz" {
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-05,1,2,0.5,1.5,10\n2024-01-12,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/w.csv"
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/w.csv"
	[ "$output" = "bar,2024-01-01T00:00:00Z,X,1w,1,2,0.5,1.5,10
bar,2024-01-08T00:00:00Z,X,1w,1,2,0.5,1.5,10" ]
	run -0 qts-fetch -s X --tz Asia/Tokyo "$BATS_TEST_TMPDIR/w.csv"
	[ "${lines[0]}" = "bar,2023-12-31T15:00:00Z,X,1w,1,2,0.5,1.5,10" ]
	run -0 qts-fetch -s X --tz Asia/Tokyo --stamp end "$BATS_TEST_TMPDIR/w.csv"
	[ "${lines[0]}" = "bar,2023-12-31T15:00:00Z,X,1w,1,2,0.5,1.5,10" ]
	# the real file of monthly bars labelled on their last day: quarters of three
	[ -f "$DATA/2006-month-001.txt" ] || skip "shared data not present"
	qts-fetch -s X "$DATA/2006-month-001.txt" > "$BATS_TEST_TMPDIR/m.csv"
	[ "$(head -n 1 "$BATS_TEST_TMPDIR/m.csv" | cut -d, -f2)" = 2006-01-01T00:00:00Z ]
	run -0 qts-resample 3M "$BATS_TEST_TMPDIR/m.csv"
	[ "${#lines[@]}" = 4 ]
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2006-01-01T00:00:00Z 2006-04-01T00:00:00Z 2006-07-01T00:00:00Z 2006-10-01T00:00:00Z " ]
}

@test "--stamp start: bars of several weeks or months labelled late in their first week or month are read so, and qts-fetch says to give --stamp end" {
	# backtrader's 2-week bars, labelled by their last day (a Friday):
	# read as starts, each would begin a week late
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-13,1,2,0.5,1.5,10\n2006-01-27,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/w.csv"
	run -0 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/w.csv"
	[ "${lines[0]}" = "bar,2006-01-09T00:00:00Z,X,2w,1,2,0.5,1.5,10" ]
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/w.csv:2: 2w bar labelled 2006-01-13 (a Friday) is read as starting that week (--stamp start); if labels are bars' last days, give --stamp end" ]
	run -0 --separate-stderr qts-fetch -s X --stamp end "$BATS_TEST_TMPDIR/w.csv"
	[ "${lines[0]}" = "bar,2006-01-02T00:00:00Z,X,2w,1,2,0.5,1.5,10" ]
	[ -z "$stderr" ]
	printf 'Date,Open,High,Low,Close,Volume\n2006-02-28,1,2,0.5,1.5,10\n2006-04-28,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 --separate-stderr qts-fetch -s X -t 2M "$BATS_TEST_TMPDIR/m.csv"
	[ "${lines[0]}" = "bar,2006-02-01T00:00:00Z,X,2M,1,2,0.5,1.5,10" ]
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/m.csv:2: 2M bar labelled 2006-02-28 (day 28) is read as starting that month (--stamp start); if labels are bars' last days, give --stamp end" ]
	# labels on a bar's first days, or of one week or month: nothing said
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-03,1,2,0.5,1.5,10\n2006-01-17,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/s.csv"
	run -0 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/s.csv"
	[ "${lines[0]}" = "bar,2006-01-02T00:00:00Z,X,2w,1,2,0.5,1.5,10" ]
	[ -z "$stderr" ]
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-06,1,2,0.5,1.5,10\n2006-01-13,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/1w.csv"
	run -0 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/1w.csv"
	[ -z "$stderr" ]
	# the lines of qts-fetch(1): Thursday on, the 20th on
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-%s,1,2,0.5,1.5,10\n2006-01-%s,1,2,0.5,1.5,10\n' 04 18 > "$BATS_TEST_TMPDIR/we.csv"
	run -0 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/we.csv"
	[ -z "$stderr" ] # a Wednesday
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-%s,1,2,0.5,1.5,10\n2006-01-%s,1,2,0.5,1.5,10\n' 05 19 > "$BATS_TEST_TMPDIR/th.csv"
	run -0 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/th.csv"
	[[ "$stderr" == *"2w bar labelled 2006-01-05 (a Thursday)"* ]]
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-%s,1,2,0.5,1.5,10\n2006-03-%s,1,2,0.5,1.5,10\n' 19 19 > "$BATS_TEST_TMPDIR/m19.csv"
	run -0 --separate-stderr qts-fetch -s X -t 2M "$BATS_TEST_TMPDIR/m19.csv"
	[ -z "$stderr" ]
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-%s,1,2,0.5,1.5,10\n2006-03-%s,1,2,0.5,1.5,10\n' 20 20 > "$BATS_TEST_TMPDIR/m20.csv"
	run -0 --separate-stderr qts-fetch -s X -t 2M "$BATS_TEST_TMPDIR/m20.csv"
	[[ "$stderr" == *"2M bar labelled 2006-01-20 (day 20)"* ]]
}

@test "Alpha Vantage layout, intraday, --stamp end shifts to the bar start" {
	run -0 qts-fetch -s X "$F/alphavantage.csv"
	[ "${lines[0]}" = "bar,2024-01-02T09:35:00Z,X,5m,10,11,9.5,10.5,100" ]
	run -0 qts-fetch -s X --stamp end "$F/alphavantage.csv"
	[ "${lines[0]}" = "bar,2024-01-02T09:30:00Z,X,5m,10,11,9.5,10.5,100" ]
}

@test "Stooq layout: <TICKER>, YYYYMMDD dates and HHMMSS times" {
	run -0 qts-fetch "$F/stooq.csv"
	[ "${lines[0]}" = "bar,2024-01-02T15:00:00Z,AAPL.US,1h,187.15,188.44,186.84,187.55,1200" ]
}

@test "generic header: any case and order, separate date and time, extra columns ignored" {
	run -0 qts-fetch "$F/generic.csv"
	[ "${lines[0]}" = "bar,2024-01-02T09:31:00Z,ES,1m,4750,4751,4749.5,4750.25,10" ]
	[ "${lines[3]}" = "bar,2024-01-02T09:32:00Z,NQ,1m,16800,16812,16795,16805,6" ]
}

@test "--tf overrides the inferred timeframe" {
	# rows 5 minutes apart are 1m bars with minutes missing (not 1h bars:
	# those would overlap, see below)
	run -0 qts-fetch --tf 1m -s X "$F/alphavantage.csv"
	[ "$(echo "${lines[0]}" | cut -d, -f4)" = "1m" ]
}

# rows FILE DATE...: a file of daily rows, one a date (or date and time).
rows() {
	local f=$1
	shift
	{
		echo 'Date,Open,High,Low,Close,Volume'
		for d; do echo "$d,1,2,0.5,1.5,10"; done
	} > "$f"
}

@test "-t 1w, 1M, 2d on daily rows: the file fails at the first row closer than one bar, naming both rows and the timeframe" {
	rows "$BATS_TEST_TMPDIR/d.csv" 2020-01-02 2020-01-03 2020-01-06
	run -1 --separate-stderr qts-fetch -t 1w -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/d.csv:3: rows of X 1 day apart (2020-01-02, 2020-01-03) are closer than one 1w bar: they are not 1w bars; give -t their timeframe, or leave it out to infer it" ]
	# the bar before it goes out; the stream ends with why
	[ "${lines[0]}" = "bar,2019-12-30T00:00:00Z,X,1w,1,2,0.5,1.5,10" ]
	[ "${lines[1]}" = "system,2020-01-06T00:00:00Z,qts-fetch,error,\"$BATS_TEST_TMPDIR/d.csv:3: rows of X 1 day apart (2020-01-02, 2020-01-03) are closer than one 1w bar: they are not 1w bars; give -t their timeframe, or leave it out to infer it\"" ]
	[ "${#lines[@]}" -eq 2 ]
	run -1 --separate-stderr qts-fetch -t 1M -s X "$BATS_TEST_TMPDIR/d.csv"
	[[ "$stderr" == *"d.csv:3: rows of X 1 day apart (2020-01-02, 2020-01-03) are closer than one 1M bar: they are not 1M bars;"* ]]
	run -1 --separate-stderr qts-fetch -t 2d -s X "$BATS_TEST_TMPDIR/d.csv"
	[[ "$stderr" == *"d.csv:3: rows of X 1 day apart (2020-01-02, 2020-01-03) are closer than one 2d bar: they are not 2d bars;"* ]]
	# a contradiction of the whole file: --on-bad skips no row of it
	run -1 --separate-stderr qts-fetch -t 1w --on-bad skip -s X "$BATS_TEST_TMPDIR/d.csv"
	[[ "$stderr" == *"d.csv:3: rows of X 1 day apart"* ]]
	# the same rows with their own timeframe, or none, load
	run -0 --separate-stderr qts-fetch -t 1d -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ -z "$stderr" ]
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "${#lines[@]}" -eq 3 ]
}

@test "-t 1d or 1h on intraday rows, several a day: refused as bars of days or hours" {
	run -1 --separate-stderr qts-fetch -t 1d -s X "$F/alphavantage.csv"
	[ "$stderr" = "qts-fetch: $F/alphavantage.csv:3: rows of X 5 minutes apart (2024-01-02T09:35:00Z, 2024-01-02T09:40:00Z) are closer than one 1d bar: they are not 1d bars; give -t their timeframe, or leave it out to infer it" ]
	[ "${#lines[@]}" -eq 2 ]
	run -1 --separate-stderr qts-fetch -t 1h -s X "$F/alphavantage.csv"
	[[ "$stderr" == *"alphavantage.csv:3: rows of X 5 minutes apart (2024-01-02T09:35:00Z, 2024-01-02T09:40:00Z) are closer than one 1h bar: they are not 1h bars;"* ]]
	run -1 --separate-stderr qts-fetch -t 10m -s X "$F/alphavantage.csv"
	[[ "$stderr" == *"are closer than one 10m bar"* ]]
	# the last bar of one day and the first of the next are a day apart
	# for daily bars stamped at the close; two of one date are not
	rows "$BATS_TEST_TMPDIR/c.csv" '2024-01-02 16:00:00' '2024-01-03 13:00:00' '2024-01-04 16:00:00' '2024-01-04 16:30:00'
	run -1 --separate-stderr qts-fetch -t 1d -s X "$BATS_TEST_TMPDIR/c.csv"
	[ "${#lines[@]}" -eq 4 ]
	[[ "$stderr" == *"c.csv:5: rows of X 30 minutes apart (2024-01-04T16:00:00Z, 2024-01-04T16:30:00Z) are closer than one 1d bar"* ]]
	# fractions of a second
	rows "$BATS_TEST_TMPDIR/s.csv" '2024-01-02T09:30:00Z' '2024-01-02T09:30:00.5Z'
	run -1 --separate-stderr qts-fetch -t 1s -s X "$BATS_TEST_TMPDIR/s.csv"
	[[ "$stderr" == *"s.csv:3: rows of X 0.5 seconds apart (2024-01-02T09:30:00Z, 2024-01-02T09:30:00.500Z) are closer than one 1s bar"* ]]
}

@test "-t: gaps are no contradiction: weekends, holidays, sessions, weeks labelled on a Thursday, months of 28 days" {
	# daily rows across a weekend and a holiday; then weekly rows with
	# -t 1d: far apart, and no error
	rows "$BATS_TEST_TMPDIR/d.csv" 2023-12-29 2024-01-02 2024-01-03 2024-01-08
	run -0 --separate-stderr qts-fetch -t 1d -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "${#lines[@]}" -eq 4 ]
	[ -z "$stderr" ]
	# weekly rows labelled by their last day: Thursday 2024-03-28 (Good
	# Friday a holiday) is six days after the Friday before
	rows "$BATS_TEST_TMPDIR/w.csv" 2024-03-15 2024-03-22 2024-03-28 2024-04-05
	run -0 --separate-stderr qts-fetch -t 1w -s X "$BATS_TEST_TMPDIR/w.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-03-11T00:00:00Z 2024-03-18T00:00:00Z 2024-03-25T00:00:00Z 2024-04-01T00:00:00Z " ]
	[ -z "$stderr" ]
	run -0 qts-fetch -t 1w --stamp end -s X "$BATS_TEST_TMPDIR/w.csv"
	[ "${#lines[@]}" -eq 4 ]
	# monthly rows across February, labelled by their last day (28 days
	# from January's end to February's) or their first
	rows "$BATS_TEST_TMPDIR/m.csv" 2023-01-31 2023-02-28 2023-03-31 2024-02-29 2024-03-29
	run -0 --separate-stderr qts-fetch -t 1M -s X "$BATS_TEST_TMPDIR/m.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2023-01-01T00:00:00Z 2023-02-01T00:00:00Z 2023-03-01T00:00:00Z 2024-02-01T00:00:00Z 2024-03-01T00:00:00Z " ]
	[ -z "$stderr" ]
	run -0 qts-fetch -t 1M --stamp end -s X "$BATS_TEST_TMPDIR/m.csv"
	[ "${#lines[@]}" -eq 5 ]
	# a day apart in two months are two months' bars; in one (the label
	# of a bar's end is in the month before) they are not
	rows "$BATS_TEST_TMPDIR/m.csv" 2024-01-31 2024-02-29 2024-03-01
	run -0 qts-fetch -t 1M -s X "$BATS_TEST_TMPDIR/m.csv"
	[ "${#lines[@]}" -eq 3 ]
	run -1 --separate-stderr qts-fetch -t 1M --stamp end -s X "$BATS_TEST_TMPDIR/m.csv"
	[ "${#lines[@]}" -eq 3 ]
	[[ "$stderr" == *"m.csv:4: rows of X 1 day apart (2024-02-29, 2024-03-01) are closer than one 1M bar"* ]]
	# intraday rows of two sessions: the night between them is a gap
	rows "$BATS_TEST_TMPDIR/i.csv" '2024-01-02 15:50:00' '2024-01-02 15:55:00' '2024-01-03 09:30:00' '2024-01-03 09:35:00'
	run -0 --separate-stderr qts-fetch -t 5m -s X "$BATS_TEST_TMPDIR/i.csv"
	[ "${#lines[@]}" -eq 4 ]
	[ -z "$stderr" ]
	# each symbol against its own rows before
	printf 'Date,Symbol,Open,High,Low,Close,Volume\n2024-01-05,A,1,2,0.5,1.5,10\n2024-01-05,B,1,2,0.5,1.5,10\n2024-01-12,A,1,2,0.5,1.5,10\n2024-01-12,B,1,2,0.5,1.5,10\n2024-01-14,B,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/s.csv"
	run -1 --separate-stderr qts-fetch -t 1w "$BATS_TEST_TMPDIR/s.csv"
	[ "${#lines[@]}" -eq 5 ]
	[[ "$stderr" == *"s.csv:6: rows of B 2 days apart (2024-01-12, 2024-01-14) are closer than one 1w bar"* ]]
	# rows newest first are measured alike: daily rows are not weekly
	# bars, and daily bars are, whose order validation then names
	rows "$BATS_TEST_TMPDIR/r.csv" 2024-01-05 2024-01-04 2024-01-03
	run -1 --separate-stderr qts-fetch -t 1w -s X "$BATS_TEST_TMPDIR/r.csv"
	[[ "$stderr" == *"r.csv:3: rows of X 1 day apart (2024-01-05, 2024-01-04) are closer than one 1w bar"* ]]
	run -1 --separate-stderr qts-fetch -t 1d -s X "$BATS_TEST_TMPDIR/r.csv"
	[[ "$stderr" == *"r.csv:3: X 1d bar at 2024-01-04T00:00:00Z is not after the one before (2024-01-05T00:00:00Z): the rows are in descending"* ]]
	# and two rows of one time are a duplicate
	rows "$BATS_TEST_TMPDIR/r.csv" 2024-01-05 2024-01-05
	run -1 --separate-stderr qts-fetch -t 1d -s X "$BATS_TEST_TMPDIR/r.csv"
	[[ "$stderr" == *"r.csv:3: duplicate X 1d bar at 2024-01-05T00:00:00Z"* ]]
}

@test "--tz: a weekly or monthly bar labelled at 00:00 UTC is the week or month of the date it names, west and east of UTC, either --stamp" {
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-01T00:00:00Z,1,2,0.5,1.5,10\n2024-01-08T00:00:00Z,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/w.csv"
	# 00:00 UTC on a Monday is Sunday evening in New York: it was the
	# week before, the bar known before its days had traded
	run -0 qts-fetch -s X --tz America/New_York "$BATS_TEST_TMPDIR/w.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-01-01T05:00:00Z 2024-01-08T05:00:00Z " ]
	run -0 qts-fetch -s X -t 1w --tz America/New_York "$BATS_TEST_TMPDIR/w.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-01-01T05:00:00Z 2024-01-08T05:00:00Z " ]
	# a column named as UTC, dates alone: the same
	printf 'timestamp_utc,Open,High,Low,Close,Volume\n2024-01-01,1,2,0.5,1.5,10\n2024-02-01,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-fetch -s X --tz America/New_York "$BATS_TEST_TMPDIR/m.csv"
	[ "$(cut -d, -f2,4 <<< "$output" | tr '\n' ' ')" = "2024-01-01T05:00:00Z,1M 2024-02-01T05:00:00Z,1M " ]
	# labelled at their end: the instant before Monday 00:00 UTC is
	# Monday morning in Tokyo, but the label says the week ended
	run -0 qts-fetch -s X --stamp end --tz Asia/Tokyo "$BATS_TEST_TMPDIR/w.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2023-12-24T15:00:00Z 2023-12-31T15:00:00Z " ]
	run -0 qts-fetch -s X --stamp end --tz Asia/Tokyo "$BATS_TEST_TMPDIR/m.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2023-11-30T15:00:00Z 2023-12-31T15:00:00Z " ]
	# any other time is the zone's: 15:00 UTC is the next day in Tokyo
	printf 'Date,Open,High,Low,Close,Volume\n2023-12-31T15:00:00Z,1,2,0.5,1.5,10\n2024-01-07T15:00:00Z,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/t.csv"
	run -0 qts-fetch -s X --tz Asia/Tokyo "$BATS_TEST_TMPDIR/t.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2023-12-31T15:00:00Z 2024-01-07T15:00:00Z " ]
}

@test "hourly bars after a short first bar of a session (09:30, 10:00...): refused inferred as with -t, saying what it is and the label to give it" {
	printf 'date,open,high,low,close,volume\n' > "$BATS_TEST_TMPDIR/h.csv"
	for t in 09:30 10:00 11:00 12:00 13:00 14:00 15:00; do
		printf '2024-01-02 %s:00,1,2,0.5,1.5,10\n' "$t" >> "$BATS_TEST_TMPDIR/h.csv"
	done
	want="qts-fetch: $BATS_TEST_TMPDIR/h.csv:3: rows of X 30 minutes apart (2024-01-02T09:30:00Z, 2024-01-02T10:00:00Z) are closer than one 1h bar: the one at 09:30 is short (a session's open); label it 09:00, its 1h bar's start, as qts-resample does"
	run -1 --separate-stderr qts-fetch -s X -t 1h "$BATS_TEST_TMPDIR/h.csv"
	[ "$stderr" = "$want" ]
	[ "$output" = "bar,2024-01-02T09:30:00Z,X,1h,1,2,0.5,1.5,10
system,2024-01-02T10:30:00Z,qts-fetch,error,\"${want#qts-fetch: }\"" ]
	# inferred, the same: 1h was the most common gap, and the two first
	# bars went out overlapping, without a word
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/h.csv"
	[ "$stderr" = "$want" ]
	# labelled as the message says, the file is hourly bars
	sed -i 's/ 09:30:00/ 09:00:00/' "$BATS_TEST_TMPDIR/h.csv"
	run -0 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/h.csv"
	[ "${#lines[@]}" -eq 7 ]
	[ -z "$stderr" ]
	# rows closer than the most common gap otherwise: no timeframe read them
	printf 'date,open,high,low,close\n2024-01-02 10:00:00,1,1,1,1\n2024-01-02 10:05:00,1,1,1,1\n2024-01-02 10:10:00,1,1,1,1\n2024-01-02 10:12:00,1,1,1,1\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/m.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/m.csv:5: rows of X 2 minutes apart (2024-01-02T10:10:00Z, 2024-01-02T10:12:00Z) are closer than one 5m bar: they are not 5m bars, though the most common gap between its first rows; give -t their timeframe" ]
	# rows newest first measure no gap: the 1d left is not checked, and
	# validation names their order
	printf 'date,open,high,low,close\n2024-01-02 10:02:00,1,1,1,1\n2024-01-02 10:01:00,1,1,1,1\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/d.csv"
	[[ "$stderr" == *"d.csv:3: X 1d bar at 2024-01-02T10:01:00Z is not after the one before (2024-01-02T10:02:00Z): the rows are in descending (newest-first) order"* ]]
}

@test "-t with --tz: days and weeks of the zone, hours elapsed or on the wall clock, across changes of the clocks" {
	# dates at New York's midnights across the spring's short day: a day
	# apart on the zone's calendar, though 23 hours apart
	rows "$BATS_TEST_TMPDIR/d.csv" 2024-03-08 2024-03-10 2024-03-11
	run -0 --separate-stderr qts-fetch -t 1d --tz America/New_York -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ -z "$stderr" ]
	# and a day apart on its wall clock, in the message too
	run -1 --separate-stderr qts-fetch -t 2d --tz America/New_York -s X "$BATS_TEST_TMPDIR/d.csv"
	[[ "$stderr" == *"d.csv:4: rows of X 1 day apart (2024-03-10, 2024-03-11) are closer than one 2d bar"* ]]
	# weeks of the zone: Sunday 23:00 in UTC is Monday in Tokyo, the
	# week after the Friday before
	rows "$BATS_TEST_TMPDIR/w.csv" '2024-01-05T06:00:00Z' '2024-01-07T23:00:00Z'
	run -0 --separate-stderr qts-fetch -t 1w --tz Asia/Tokyo -s X "$BATS_TEST_TMPDIR/w.csv"
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$stderr" ]
	run -1 --separate-stderr qts-fetch -t 1w -s X "$BATS_TEST_TMPDIR/w.csv"
	[[ "$stderr" == *"w.csv:3: rows of X 65 hours apart (2024-01-05T06:00:00Z, 2024-01-07T23:00:00Z) are closer than one 1w bar"* ]]
	# hourly rows through the autumn's repeated hour: 01:00 twice, an
	# hour apart though no time apart on the wall clock
	rows "$BATS_TEST_TMPDIR/h.csv" '2024-11-03 00:00:00' '2024-11-03 01:00:00' '2024-11-03 01:00:00' '2024-11-03 02:00:00'
	run -0 --separate-stderr qts-fetch -t 1h --tz America/New_York -s X "$BATS_TEST_TMPDIR/h.csv"
	[ "${#lines[@]}" -eq 4 ]
	[ -z "$stderr" ]
	# bars of 4 hours on the wall clock across the spring's skipped hour:
	# 3 hours elapsed, 4 on the wall clock
	rows "$BATS_TEST_TMPDIR/f.csv" '2024-03-10 00:00:00' '2024-03-10 04:00:00' '2024-03-10 08:00:00'
	run -0 --separate-stderr qts-fetch -t 4h --tz America/New_York -s X "$BATS_TEST_TMPDIR/f.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ -z "$stderr" ]
	# and wall-clock times in the message
	rows "$BATS_TEST_TMPDIR/m.csv" '2024-03-11 09:30:00' '2024-03-11 10:00:00'
	run -1 --separate-stderr qts-fetch -t 1h --tz America/New_York -s X "$BATS_TEST_TMPDIR/m.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/m.csv:3: rows of X 30 minutes apart (2024-03-11T09:30:00, 2024-03-11T10:00:00) are closer than one 1h bar: the one at 09:30 is short (a session's open); label it 09:00, its 1h bar's start, as qts-resample does" ]
}

@test "-t 24h or 1440m on rows of dates: 24h bars, with a word that daily bars are 1d" {
	rows "$BATS_TEST_TMPDIR/d.csv" 2020-01-02 2020-01-03 2020-01-06 2020-01-07
	run -0 --separate-stderr qts-fetch -t 1440m -s X "$BATS_TEST_TMPDIR/d.csv"
	[ "${lines[0]}" = "bar,2020-01-02T00:00:00Z,X,24h,1,2,0.5,1.5,10" ]
	[ "${#lines[@]}" -eq 4 ]
	# once
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/d.csv:3: rows of dates (2020-01-02, 2020-01-03) read as 24h bars: 24 hours from the start of a day, not a day of trading (1d); if they are daily bars, give -t 1d" ]
	run -0 --separate-stderr qts-fetch -t 24h -s X "$BATS_TEST_TMPDIR/d.csv"
	[[ "$stderr" == *"read as 24h bars"* ]]
	# two days in hours: closer rows fail; rows two days apart are told 2d
	run -1 --separate-stderr qts-fetch -t 48h -s X "$BATS_TEST_TMPDIR/d.csv"
	[[ "$stderr" == *"d.csv:3: rows of X 1 day apart (2020-01-02, 2020-01-03) are closer than one 48h bar"* ]]
	rows "$BATS_TEST_TMPDIR/2.csv" 2020-01-02 2020-01-06
	run -0 --separate-stderr qts-fetch -t 2880m -s X "$BATS_TEST_TMPDIR/2.csv"
	[[ "$stderr" == *"2.csv:3: rows of dates (2020-01-02, 2020-01-06) read as 48h bars: 48 hours from the start of a day, not a day of trading (2d); if they are daily bars, give -t 2d" ]]
	# rows of a time of day (a close at 17:00) are 24h bars from it: nothing said
	rows "$BATS_TEST_TMPDIR/t.csv" '2020-01-02 17:00:00' '2020-01-03 17:00:00'
	run -0 --separate-stderr qts-fetch -t 24h -s X "$BATS_TEST_TMPDIR/t.csv"
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$stderr" ]
	# hourly rows given 24h are closer than it
	rows "$BATS_TEST_TMPDIR/h.csv" '2020-01-02 00:00:00' '2020-01-02 01:00:00'
	run -1 --separate-stderr qts-fetch -t 24h -s X "$BATS_TEST_TMPDIR/h.csv"
	[[ "$stderr" == "qts-fetch: $BATS_TEST_TMPDIR/h.csv:3: rows of X 1 hour apart (2020-01-02T00:00:00Z, 2020-01-02T01:00:00Z) are closer than one 24h bar"* ]]
}

@test "--epoch ms reads epoch milliseconds" {
	run -0 qts-fetch --epoch ms "$F/epoch.csv"
	[ "${lines[0]}" = "bar,2024-01-02T14:30:00Z,X,1m,1,2,0.5,1.5,10" ]
}

@test "--from and --to cut a date range; --to includes its whole day" {
	run -0 qts-fetch -s X --from 2014-01-03 --to 2014-01-06 "$F/yahoo.csv"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == bar,2014-01-03* ]]
	[[ "${lines[1]}" == bar,2014-01-06* ]]
}

@test "--from and --to that miss a file altogether say so, with the span it holds, where the stream was empty without a word" {
	# the wrong year: exit 0 and nothing, as if the file were empty
	run -0 --separate-stderr qts-fetch -s X --from 2015-01-01 "$F/yahoo.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts-fetch: $F/yahoo.csv: no event within --from and --to: its 4 events run from 2014-01-02T00:00:00Z to 2014-01-07T00:00:00Z" ]
	# of two files, the one missed is named; the other's events go out
	cd "$BATS_TEST_TMPDIR"
	printf 'bar,2014-01-08T00:00:00Z,Y,1d,1,2,0.5,1.5,10\n' > y.csv
	run -0 --separate-stderr qts-fetch --from 2014-01-08 y.csv -s X "$F/yahoo.csv"
	[ "$output" = "bar,2014-01-08T00:00:00Z,Y,1d,1,2,0.5,1.5,10" ]
	[ "$stderr" = "qts-fetch: $F/yahoo.csv: no event within --from and --to: its 4 events run from 2014-01-02T00:00:00Z to 2014-01-07T00:00:00Z" ]
	run -0 --separate-stderr qts-fetch --to 2014-01-07 y.csv
	[ "$stderr" = "qts-fetch: y.csv: no event within --from and --to: its one event is at 2014-01-08T00:00:00Z" ]
	# one event kept is enough: no word
	run -0 --separate-stderr qts-fetch -s X --from 2014-01-07 "$F/yahoo.csv"
	[ "${#lines[@]}" -eq 1 ]
	[ "$stderr" = "" ]
}

@test "several sources are merged in time order" {
	run -0 qts-fetch "$F/b.csv" "$F/a.csv"
	# at the same time, by symbol
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2,3 | tr '\n' ' ')" = \
	  "2024-01-02T00:00:00Z,A 2024-01-03T00:00:00Z,B 2024-01-04T00:00:00Z,A 2024-01-04T00:00:00Z,B 2024-01-05T00:00:00Z,A 2024-01-06T00:00:00Z,B " ]
}

@test "the merge is the same whatever the order of the files" {
	split -l 1 "$F/a.csv" "$BATS_TEST_TMPDIR/a."
	split -l 1 "$F/b.csv" "$BATS_TEST_TMPDIR/b."
	qts-fetch "$F/a.csv" "$F/b.csv" > "$BATS_TEST_TMPDIR/one"
	# the files of one record each, named in a shuffled order
	qts-fetch $(ls "$BATS_TEST_TMPDIR"/[ab].* | sort -r) > "$BATS_TEST_TMPDIR/two"
	cmp "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/two"
	qts-fetch $(ls "$BATS_TEST_TMPDIR"/[ab].* | shuf --random-source=<(yes)) > "$BATS_TEST_TMPDIR/two"
	cmp "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/two"
}

@test "event files and msgpack files merge alike" {
	qts-fetch -M "$F/a.csv" > "$BATS_TEST_TMPDIR/a.mp"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/a.mp" "$F/b.csv"
	[ "${#lines[@]}" -eq 6 ]
	[[ "${lines[0]}" == *",A,"* ]]
}

@test "a daily bar is merged by its end: it comes after that day's intraday bars" {
	printf 'bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/d.csv"
	printf 'bar,2024-01-02T15:00:00Z,A,1h,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/h.csv"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/d.csv" "$BATS_TEST_TMPDIR/h.csv"
	[[ "${lines[0]}" == *",1h,"* ]]
	[[ "${lines[1]}" == *",1d,"* ]]
}

@test "stdin as -" {
	run -0 qts-fetch - < "$F/a.csv"
	[ "${#lines[@]}" -eq 3 ]
}

@test "a vendor file on stdin needs --symbol" {
	run -1 --separate-stderr qts-fetch - < "$F/alphavantage.csv"
	[ "$stderr" = "qts-fetch: -: no symbol column and no --symbol" ]
	run -0 qts-fetch -s X - < "$F/alphavantage.csv"
}

@test "gzip vendor files" {
	gzip -c "$F/yahoo.csv" > "$BATS_TEST_TMPDIR/orcl.csv.gz"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/orcl.csv.gz"
	[[ "${lines[0]}" == "bar,2014-01-02T00:00:00Z,ORCL,1d,"* ]]
}

@test "validation stops at the first bad bar by default, naming file:line" {
	run -1 --separate-stderr qts-fetch -s X "$F/bad-ohlc.csv"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == "system,2024-01-03T00:00:00Z,qts-fetch,error,\"$F/bad-ohlc.csv:3: prices out of order: "* ]]
	[ "$stderr" = "qts-fetch: $F/bad-ohlc.csv:3: prices out of order: need low <= open,close <= high (open 10 high 9.5 low 9 close 10.5)" ]
}

@test "--on-bad skip drops bad bars and counts them" {
	run -0 --separate-stderr qts-fetch -s X --on-bad skip "$F/bad-ohlc.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ "$stderr" = "qts-fetch: skipped 2 bad records; the first: $F/bad-ohlc.csv:3: prices out of order: need low <= open,close <= high (open 10 high 9.5 low 9 close 10.5)" ]
}

@test "--on-bad warn keeps them and says why, but drops what no stage would read" {
	run -0 --separate-stderr qts-fetch -s X --on-bad warn "$F/bad-ohlc.csv"
	# line 3, a high below the close, and line 4's negative volume would
	# stop the next stage's reader: dropped, so line 5 is no duplicate
	[ "${#lines[@]}" -eq 3 ]
	[ "${stderr_lines[0]}" = "qts-fetch: $F/bad-ohlc.csv:3: prices out of order: need low <= open,close <= high (open 10 high 9.5 low 9 close 10.5); dropped (no stage reads a stream with it)" ]
	[ "${stderr_lines[1]}" = "qts-fetch: $F/bad-ohlc.csv:4: negative volume; dropped (no stage reads a stream with it)" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	printf '%s\n' "${lines[@]}" | qts cat >/dev/null
	# a duplicate and a low above the high
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10,1\n2024-01-02,10,11,9,10,1\n2024-01-03,10,9,11,10,1\n2024-01-04,10,11,9,10,1\n' >"$BATS_TEST_TMPDIR/x.csv"
	run -0 --separate-stderr qts-fetch -s X --on-bad warn "$BATS_TEST_TMPDIR/x.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ "${stderr_lines[0]}" = "qts-fetch: $BATS_TEST_TMPDIR/x.csv:3: duplicate X 1d bar at 2024-01-02T00:00:00Z" ]
	[ "${stderr_lines[1]}" = "qts-fetch: $BATS_TEST_TMPDIR/x.csv:4: prices out of order: need low <= open,close <= high (open 10 high 9 low 11 close 10); dropped (no stage reads a stream with it)" ]
	printf '%s\n' "${lines[@]}" | qts cat >/dev/null
	# rows out of time order: the one going back is dropped
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10,1\n2024-01-04,10,11,9,10,1\n2024-01-03,10,11,9,10,1\n2024-01-05,10,11,9,10,1\n' >"$BATS_TEST_TMPDIR/y.csv"
	run -0 --separate-stderr qts-fetch -s X -t 1d --on-bad warn "$BATS_TEST_TMPDIR/y.csv"
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2 | cut -c1-10 | tr '\n' ' ')" = "2024-01-02 2024-01-04 2024-01-05 " ]
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/y.csv:4: X 1d bar at 2024-01-03T00:00:00Z is not after the one before (2024-01-04T00:00:00Z); dropped (no stage reads a stream with it)" ]
	printf '%s\n' "${lines[@]}" | qts cat >/dev/null
	# newest first, as many vendor files are: the fault says so, and how
	# to put the rows in order
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-04,10,11,9,10,1\n2024-01-03,10,11,9,10,1\n2024-01-02,10,11,9,10,1\n' >"$BATS_TEST_TMPDIR/x.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/x.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/x.csv:3: X 1d bar at 2024-01-03T00:00:00Z is not after the one before (2024-01-04T00:00:00Z): the rows are in descending (newest-first) order; reverse them, any header line kept first (tac)" ]
	# and so mended, it reads
	{ head -n 1 "$BATS_TEST_TMPDIR/x.csv"; tail -n +2 "$BATS_TEST_TMPDIR/x.csv" | tac; } >"$BATS_TEST_TMPDIR/r.csv"
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/r.csv"
	[ "${#lines[@]}" -eq 3 ]
	# a second bar of one time with other prices: every stage refuses it
	# (it would count twice); the same bar again is kept (line 4)
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,10,11,9,10,1\n2024-01-03,12,13,9,10,1\n2024-01-03,12,13,9,10,1\n2024-01-03,10,11,9,10,1\n2024-01-04,10,11,9,10,1\n' >"$BATS_TEST_TMPDIR/d.csv"
	run -0 --separate-stderr qts-fetch -s X --on-bad warn "$BATS_TEST_TMPDIR/d.csv"
	[ "${#lines[@]}" -eq 4 ]
	[ "${stderr_lines[0]}" = "qts-fetch: $BATS_TEST_TMPDIR/d.csv:4: duplicate X 1d bar at 2024-01-03T00:00:00Z" ]
	[ "${stderr_lines[1]}" = "qts-fetch: $BATS_TEST_TMPDIR/d.csv:5: duplicate X 1d bar at 2024-01-03T00:00:00Z; dropped (no stage reads a stream with it)" ]
	printf '%s\n' "${lines[@]}" | qts-strategy sma-cross >/dev/null
}

@test "time going backwards in an event file" {
	printf 'bar,2024-01-03,A,1d,1,2,0.5,1.5,1\nbar,2024-01-02,A,1d,1,2,0.5,1.5,1\n' > "$BATS_TEST_TMPDIR/back.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/back.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/back.csv:2: out of time order: bar A 1d known at 2024-01-03T00:00:00Z comes after line 1, a bar known at 2024-01-04T00:00:00Z; a stream is in time order as a whole (name several files to merge them; cat does not)" ]
	# A duplicate is no step back in time: the validator names it.
	printf 'bar,2024-01-03,A,1d,1,2,0.5,1.5,1\nbar,2024-01-03,A,1d,1,2,0.5,1.5,1\n' > "$BATS_TEST_TMPDIR/dup.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/dup.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/dup.csv:2: duplicate A 1d bar at 2024-01-03T00:00:00Z" ]
}

@test "non-finite prices in an event file" {
	printf 'bar,2024-01-03,A,1d,1,inf,0.5,1.5,1\n' > "$BATS_TEST_TMPDIR/inf.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/inf.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/inf.csv:1: high: 'inf' is not a number" ]
}

@test "a row with a different field count than the header" {
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5\n' > "$BATS_TEST_TMPDIR/short.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/short.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/short.csv:2: 5 fields, but the header names 6 (--columns NAMES names the columns)" ]
}

@test "a header with no price columns" {
	printf 'Date,Value\n2024-01-02,1\n' > "$BATS_TEST_TMPDIR/p.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/p.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/p.csv:1: header has no open column (not a known layout; --columns NAMES names the columns)" ]
}

@test "a bad number and a bad date in a vendor file" {
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,x,1.5,1\n' > "$BATS_TEST_TMPDIR/n.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/n.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/n.csv:2: low: 'x' is not a number" ]
	printf 'Date,Open,High,Low,Close,Volume\n02/01/2024,1,2,0.5,1.5,1\n' > "$BATS_TEST_TMPDIR/d.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/d.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/d.csv:2: '02/01/2024' is not a time (RFC 3339, YYYY-MM-DD HH:MM:SS or a date; name another layout with --date-format)" ]
}

@test "a missing file is reported, the others still fetched, exit 1" {
	run -1 --separate-stderr qts-fetch /nonexistent.csv "$F/a.csv"
	[ "$stderr" = "qts-fetch: /nonexistent.csv: No such file or directory" ]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[3]}" == "system,"*",qts-fetch,error,/nonexistent.csv: No such file or directory" ]]
}

@test "synth: deterministic, business days, one bar per symbol per day" {
	run -0 qts-fetch --from 2024-01-05 --count 3 synth:AAA,BBB
	[ "${#lines[@]}" -eq 6 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2 | uniq | tr '\n' ' ')" = \
	  "2024-01-05T00:00:00Z 2024-01-08T00:00:00Z 2024-01-09T00:00:00Z " ]
	qts-fetch --from 2024-01-05 --count 3 synth:AAA,BBB | cmp - <(printf '%s\n' "${lines[@]}")
}

@test "synth: --count and --to together: generation stops at whichever comes first" {
	run -0 qts-fetch --count 5 --to 2024-01-03 synth:A
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2 | tr '\n' ' ')" = \
	  "2024-01-01T00:00:00Z 2024-01-02T00:00:00Z 2024-01-03T00:00:00Z " ]
	run -0 qts-fetch --count 2 --to 2024-01-05 synth:A
	[ "${#lines[@]}" -eq 2 ]
}

@test "synth: --seed changes the walk, the same seed repeats it" {
	a=$(qts-fetch --seed 7 --count 5 synth:X | md5sum)
	b=$(qts-fetch --seed 7 --count 5 synth:X | md5sum)
	c=$(qts-fetch --seed 8 --count 5 synth:X | md5sum)
	[ "$a" = "$b" ]
	[ "$a" != "$c" ]
}

@test "synth: bars are valid (qts-fetch validates its own output read back)" {
	qts-fetch --tf 5m --count 2000 synth:A,B,C > "$BATS_TEST_TMPDIR/s.csv"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/s.csv"
	[ "${#lines[@]}" -eq 6000 ]
}

@test "synth: intraday bars lie in the session, in its time zone (DST too)" {
	run -0 qts-fetch --tf 30m --from 2024-03-08 --to 2024-03-11 synth:A
	# 13 half hours from 09:30 to 16:00 New York: 14:30Z in winter, 13:30Z after 10 March
	[ "${#lines[@]}" -eq 26 ]
	[[ "${lines[0]}" == bar,2024-03-08T14:30:00Z,* ]]
	[[ "${lines[12]}" == bar,2024-03-08T20:30:00Z,* ]]
	[[ "${lines[13]}" == bar,2024-03-11T13:30:00Z,* ]]
}

@test "synth: intraday bars from a --from within a session, before 1970 as after it, and west of UTC" {
	stamps() { printf '%s\n' "${lines[@]}" | cut -d, -f2 | tr '\n' ' '; }
	# the session's bars at or after --from, on its phase, not the next day's
	run -0 qts-fetch --tf 1h --from 2024-01-02T15:00:00Z --to 2024-01-02T18:00:00Z synth:A
	[ "$(stamps)" = "2024-01-02T15:30:00Z 2024-01-02T16:30:00Z 2024-01-02T17:30:00Z " ]
	run -0 qts-fetch --tf 1h --from 2024-01-02T19:30:00Z --count 2 synth:A
	[ "$(stamps)" = "2024-01-02T19:30:00Z 2024-01-03T14:30:00Z " ]
	# a --from before 1970 that is not a midnight: the day of it, not the next
	run -0 qts-fetch --tf 1h --from 1969-12-30T12:00:00Z --count 1 synth:A
	[ "$(stamps)" = "1969-12-30T14:30:00Z " ]
	# Honolulu's session of 3 January ends at 02:00Z on the 4th
	run -0 qts-fetch --tf 1h --tz Pacific/Honolulu --from 2024-01-04T00:00:00Z --count 2 synth:A
	[ "$(stamps)" = "2024-01-04T00:30:00Z 2024-01-04T19:30:00Z " ]
}

@test "synth: --tz: a business day the zone skips whole (Pacific/Apia's Friday 2011-12-30) has no bar, where its bars fell on the Saturday" {
	run -0 qts-fetch --tz Pacific/Apia --from 2011-12-28 --count 4 synth:A
	# Wednesday, Thursday, then Monday 2 and Tuesday 3 January (UTC+14)
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2011-12-28T10:00:00Z 2011-12-29T10:00:00Z 2012-01-01T10:00:00Z 2012-01-02T10:00:00Z " ]
	run -0 qts-fetch --tz Pacific/Apia -t 1h --from 2011-12-29T14:00 --count 2 synth:A
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2011-12-30T00:30:00Z 2012-01-01T19:30:00Z " ]
}

@test "synth: --session and --tz" {
	run -0 qts-fetch --tf 1h --session 08:00-10:00 --tz UTC --count 4 synth:A
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2 | tr '\n' ' ')" = \
	  "2024-01-01T08:00:00Z 2024-01-01T09:00:00Z 2024-01-02T08:00:00Z 2024-01-02T09:00:00Z " ]
}

@test "synth: weekly bars start Monday, monthly on the 1st" {
	run -0 qts-fetch --tf 1w --count 2 synth:A
	[[ "${lines[0]}" == bar,2024-01-01T00:00:00Z,A,1w,* ]]
	[[ "${lines[1]}" == bar,2024-01-08T00:00:00Z,A,1w,* ]]
	run -0 qts-fetch --tf 1M --count 2 --from 2024-01-15 synth:A
	[[ "${lines[0]}" == bar,2024-02-01T00:00:00Z,A,1M,* ]]
}

@test "synth: a window that holds no bar of its calendar is said, exit 0" {
	run -0 --separate-stderr qts-fetch -f 2024-01-06 -u 2024-01-07 synth:A
	[ -z "$output" ]
	[ "$stderr" = "qts-fetch: synth:A: no bar within --from and --to: daily bars fall on business days, Monday to Friday" ]
	run -0 --separate-stderr qts-fetch --tf 1h -f 2024-01-02T01:00:00Z -u 2024-01-02T05:00:00Z synth:A,B
	[ -z "$output" ]
	[ "$stderr" = "qts-fetch: synth:A,B: no bar within --from and --to: intraday bars fill the session 09:30-16:00 of business days" ]
	run -0 --separate-stderr qts-fetch --tf 1w -f 2024-01-02 -u 2024-01-05 synth:A
	[ "$stderr" = "qts-fetch: synth:A: no bar within --from and --to: weekly bars start on Mondays" ]
	run -0 --separate-stderr qts-fetch --tf 1M -f 2024-01-02 -u 2024-01-05 synth:A
	[ "$stderr" = "qts-fetch: synth:A: no bar within --from and --to: monthly bars start on the first of a month" ]
	# without --from, generation starts on 2024-01-01
	run -0 --separate-stderr qts-fetch -u 2023-06-30 synth:A
	[ -z "$output" ]
	[ "$stderr" = "qts-fetch: synth:A: no bar: --to comes before 2024-01-01, where bars start without --from" ]
	# one bar within the window is enough
	run -0 --separate-stderr qts-fetch -f 2024-01-05 -u 2024-01-07 synth:A
	[ "${#lines[@]}" = 1 ]
	[ -z "$stderr" ]
}

@test "synth: a timeframe longer than the session is refused" {
	run -1 --separate-stderr qts-fetch --tf 8h synth:A
	[ "$stderr" = "qts-fetch: synth:A: --tf 8h is longer than the session" ]
}

@test "-M writes msgpack that reads back to the same CSV" {
	qts-fetch -M --count 50 synth:A,B | qts cat > "$BATS_TEST_TMPDIR/a"
	qts-fetch --count 50 synth:A,B | cmp - "$BATS_TEST_TMPDIR/a"
}

@test "usage errors exit 2 with the usage" {
	run -2 --separate-stderr qts-fetch
	[[ "$stderr" == "qts-fetch: no SOURCE given"* ]]
	run -2 --separate-stderr qts-fetch --tf 5x synth:A
	[[ "$stderr" == "qts-fetch: --tf: '5x' is not a timeframe (like 1m, 5m, 1h, 1d, 1w, 1M)"* ]]
	run -2 --separate-stderr qts-fetch --tf 1D synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --tf: '1D' is not a timeframe: write 1d" ]
	run -2 --separate-stderr qts-fetch -t 5min synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --tf: '5min' is not a timeframe: write 5m" ]
	run -2 --separate-stderr qts-fetch -t 0d synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --tf: '0d' is not a timeframe: the count is 1 to 999999" ]
	run -2 --separate-stderr qts-fetch --stamp middle synth:A
	[[ "$stderr" == "qts-fetch: --stamp: 'middle' is not start or end"* ]]
	run -2 --separate-stderr qts-fetch --from yesterday synth:A
	[[ "$stderr" == "qts-fetch: --from: 'yesterday' is not a time (RFC 3339 or YYYY-MM-DD)"* ]]
	# a time written right that qts cannot keep is said so, not "not a time"
	run -2 --separate-stderr qts-fetch --to 2262-04-12 synth:A
	[[ "$stderr" == "qts-fetch: --to: '2262-04-12' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)"* ]]
	run -2 --separate-stderr qts-fetch --from 1600-01-01T00:00:00Z synth:A
	[[ "$stderr" == "qts-fetch: --from: '1600-01-01T00:00:00Z' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)"* ]]
	run -2 --separate-stderr qts-fetch --from 2024-01-01T00:00:00.1234567891Z synth:A
	[[ "$stderr" == "qts-fetch: --from: '2024-01-01T00:00:00.1234567891Z' has more than 9 digits of fraction: nanoseconds are the finest time qts keeps"* ]]
	# the last date that is a whole day of times
	run -0 qts-fetch --count 1 --to 2262-04-11 synth:A
	run -2 --separate-stderr qts-fetch --from 2024-02-01 --to 2024-01-01 synth:A
	[[ "$stderr" == "qts-fetch: --to is not after --from"* ]]
	run -2 --separate-stderr qts-fetch --on-bad ignore synth:A
	[[ "$stderr" == "qts-fetch: --on-bad: 'ignore' is not stop, skip or warn"* ]]
	run -2 --separate-stderr qts-fetch --epoch days synth:A
	[[ "$stderr" == "qts-fetch: --epoch: 'days' is not s, ms, us or ns"* ]]
	run -2 --separate-stderr qts-fetch --count 0 synth:A
	[[ "$stderr" == "qts-fetch: --count: 0 is out of range"* ]]
	run -2 --separate-stderr qts-fetch --seed x synth:A
	[[ "$stderr" == "qts-fetch: --seed: 'x' is not a whole number"* ]]
	run -2 --separate-stderr qts-fetch --session 16:00-09:30 synth:A
	[[ "$stderr" == "qts-fetch: --session: '16:00-09:30' is not HH:MM-HH:MM with open before close"* ]]
	run -2 --separate-stderr qts-fetch --symbol "" synth:A
	[[ "$stderr" == "qts-fetch: --symbol: '' must be 1 to 31 bytes"* ]]
	run -2 qts-fetch --no-such-flag synth:A
}

@test "--help and --version" {
	run -0 qts-fetch --help
	[[ "${lines[0]}" == "usage: qts-fetch [options] [-s SYMBOL] SOURCE... [-s SYMBOL SOURCE...]" ]]
	# an argument is named as qts-fetch(1) names it
	for a in '--symbol SYMBOL ' '--epoch UNIT ' '--date-format FORMAT '; do [[ "$output" == *"$a"* ]]; done
	run -0 qts-fetch --version
	[[ "$output" == "qts-fetch "[0-9]* ]]
}

@test "real data: ORCL 1995-2014 reads whole and valid" {
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	run -0 qts-fetch -s ORCL "$DATA/orcl-1995-2014.txt"
	[ "${#lines[@]}" -eq 5036 ]
}

@test "real data: CME 1-minute bars, gzip, end-stamped" {
	[ -f "$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz" ] || skip "shared data not present"
	qts-fetch -s 6E --stamp end "$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz" > "$BATS_TEST_TMPDIR/6e.csv"
	[ "$(wc -l < "$BATS_TEST_TMPDIR/6e.csv")" -eq 29996 ]
	[ "$(head -1 "$BATS_TEST_TMPDIR/6e.csv" | cut -d, -f2,4)" = "2024-01-01T23:00:00Z,1m" ]
}

@test "trades layout (Tardis): price and amount become ticks, epoch microseconds" {
	run -0 qts-fetch --epoch us "$F/trades.csv"
	[ "${lines[0]}" = "tick,2020-02-22T00:00:02.111Z,BTCUSDT,9682,0.132" ]
	# trades may share a timestamp
	[ "${lines[1]}" = "tick,2020-02-22T00:00:02.111Z,BTCUSDT,9682,0.412" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "quotes layout (TrueFX): bid and ask without sizes, offsets in the times" {
	run -0 qts-fetch -s USDJPY "$F/quotes.csv"
	[ "${lines[0]}" = "quote,2013-01-01T22:00:00.295Z,USDJPY,86.655,86.728,0,0" ]
	[ "${#lines[@]}" -eq 3 ]
}

@test "quotes are validated: crossed, negative size, out of order" {
	run -1 --separate-stderr qts-fetch "$F/crossed.csv"
	[ "$stderr" = "qts-fetch: $F/crossed.csv:3: crossed quote: bid 10.2 above ask 10.1" ]
	run -0 --separate-stderr qts-fetch --on-bad warn "$F/crossed.csv"
	# a crossed quote and a negative size would stop the next stage:
	# dropped, so line 5 no longer goes back in time
	[ "${stderr_lines[0]}" = "qts-fetch: $F/crossed.csv:3: crossed quote: bid 10.2 above ask 10.1; dropped (no stage reads a stream with it)" ]
	[ "${stderr_lines[1]}" = "qts-fetch: $F/crossed.csv:4: quote sizes must be numbers >= 0; dropped (no stage reads a stream with it)" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${#lines[@]}" -eq 2 ]
	printf '%s\n' "${lines[@]}" | qts cat >/dev/null
	# a quote back in time is dropped too
	head -n 2 "$F/crossed.csv" >"$BATS_TEST_TMPDIR/q.csv"
	printf '%s\n' 2024-01-02T14:30:01Z,X,10,10.1,5,5 2024-01-02T14:30:00Z,X,10,10.1,5,5 >>"$BATS_TEST_TMPDIR/q.csv"
	run -0 --separate-stderr qts-fetch --on-bad warn "$BATS_TEST_TMPDIR/q.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/q.csv:4: X quote at 2024-01-02T14:30:00Z is before the one before (2024-01-02T14:30:01Z); dropped (no stage reads a stream with it)" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "ticks: a non-positive price is refused" {
	printf 'time,price,size,symbol\n2024-01-02T14:30:00Z,0,1,X\n' > "$BATS_TEST_TMPDIR/t.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/t.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/t.csv:2: a trade price must be a positive number" ]
}

@test "--tz reads times written without a zone as that zone's wall-clock time" {
	run -0 qts-fetch -s X --tz America/New_York "$F/alphavantage.csv"
	# 09:35 in New York in January is 14:35 UTC
	[ "${lines[0]}" = "bar,2024-01-02T14:35:00Z,X,5m,10,11,9.5,10.5,100" ]
	# and in summer, 13:35
	printf 'timestamp,open,high,low,close,volume\n2024-07-01 09:35:00,1,1,1,1,1\n2024-07-01 09:40:00,1,1,1,1,1\n' > "$BATS_TEST_TMPDIR/s.csv"
	run -0 qts-fetch -s X --tz America/New_York "$BATS_TEST_TMPDIR/s.csv"
	[ "${lines[0]}" = "bar,2024-07-01T13:35:00Z,X,5m,1,1,1,1,1" ]
	# times with a zone are left alone
	printf 'timestamp,open,high,low,close,volume\n2024-01-02T00:00:00Z,1,2,0.5,1.5,10\n2024-01-03T00:00:00Z,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/z.csv"
	run -0 qts-fetch -s A --tz Asia/Tokyo "$BATS_TEST_TMPDIR/z.csv"
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1.5,10" ]
}

@test "--from and --to without a zone are wall-clock time of --tz, a bare date its local day; synth: daily bars dated at its midnight" {
	printf 'timestamp,open,high,low,close,volume\n2024-01-02 09:35:00,1,1,1,1,1\n2024-01-02 09:40:00,1,1,1,1,1\n2024-01-02 23:55:00,1,1,1,1,1\n2024-01-03 00:05:00,1,1,1,1,1\n' > "$BATS_TEST_TMPDIR/ny.csv"
	# the local day of January 2 in New York ends at 05:00 UTC on the 3rd
	run -0 qts-fetch -s X --tz America/New_York --from 2024-01-02 --to 2024-01-02 "$BATS_TEST_TMPDIR/ny.csv"
	[ "${#lines[@]}" = 3 ]
	[ "${lines[2]}" = "bar,2024-01-03T04:55:00Z,X,5m,1,1,1,1,1" ]
	run -0 qts-fetch -s X --tz America/New_York --from 2024-01-02T23:55:00 "$BATS_TEST_TMPDIR/ny.csv"
	[ "${lines[0]}" = "bar,2024-01-03T04:55:00Z,X,5m,1,1,1,1,1" ]
	# a time with a zone is that instant
	run -0 qts-fetch -s X --tz America/New_York --to 2024-01-02T14:35:00Z "$BATS_TEST_TMPDIR/ny.csv"
	[ "$output" = "bar,2024-01-02T14:35:00Z,X,5m,1,1,1,1,1" ]
	# without --tz, UTC
	run -0 qts-fetch -s X --to 2024-01-02 "$BATS_TEST_TMPDIR/ny.csv"
	[ "${#lines[@]}" = 3 ]
	run -0 qts-fetch --tz Asia/Tokyo --from 2024-01-02 --count 2 synth:A
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-01-01T15:00:00Z 2024-01-02T15:00:00Z " ]
}

@test "--from and --to in --tz where the clocks change: the hour repeated kept whole, the hour skipped from the change" {
	# ten-minute bars in UTC through New York's changes of 2024
	{ echo timestamp,open,high,low,close
	  for t in 05:30 05:40 05:50 06:00 06:10 06:20 06:30 06:40 06:50 07:00 07:10 07:20; do
		echo "2024-03-10T$t:00Z,1,1,1,1"; done
	  for t in 04:50 05:00 05:30 05:50 06:00 06:30 06:50 07:00; do
		echo "2024-11-03T$t:00Z,1,1,1,1"; done; } > "$BATS_TEST_TMPDIR/dst.csv"
	# 02:30 on March 10 is skipped: the span starts at the change,
	# 03:00 EDT (07:00 UTC); it was read as 03:30 EDT, an hour of bars
	# dropped, and a --to of 03:10 was "not after" it
	run -0 qts-fetch -s X --tz America/New_York --from 2024-03-10T02:30:00 "$BATS_TEST_TMPDIR/dst.csv"
	[ "${lines[0]}" = "bar,2024-03-10T07:00:00Z,X,10m,1,1,1,1,0" ]
	run -0 qts-fetch -s X --tz America/New_York --from 2024-03-10T02:30:00 --to 2024-03-10T03:10:00 "$BATS_TEST_TMPDIR/dst.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-03-10T07:00:00Z 2024-03-10T07:10:00Z " ]
	# and a span up to it ends at the change
	run -0 qts-fetch -s X --tz America/New_York --to 2024-03-10T02:30:00 "$BATS_TEST_TMPDIR/dst.csv"
	[ "${lines[-1]}" = "bar,2024-03-10T06:50:00Z,X,10m,1,1,1,1,0" ]
	# 01:00 to 01:59:59 on November 3 is both hours of 1 o'clock, EDT
	# (05:00 UTC) and EST (06:00 UTC): --to is the second
	run -0 qts-fetch -s X --tz America/New_York --from 2024-11-03T01:00:00 --to 2024-11-03T01:59:59 "$BATS_TEST_TMPDIR/dst.csv"
	[ "$(cut -d, -f2 <<< "$output" | tr '\n' ' ')" = "2024-11-03T05:00:00Z 2024-11-03T05:30:00Z 2024-11-03T05:50:00Z 2024-11-03T06:00:00Z 2024-11-03T06:30:00Z 2024-11-03T06:50:00Z " ]
	# a day the zone dropped (Samoa went from December 29 to 31, 2011)
	printf 'timestamp,open,high,low,close\n2011-12-30T09:59:00Z,1,1,1,1\n2011-12-30T10:00:00Z,1,1,1,1\n' > "$BATS_TEST_TMPDIR/apia.csv"
	run -0 qts-fetch -t 1m -s X --tz Pacific/Apia --from 2011-12-30 "$BATS_TEST_TMPDIR/apia.csv"
	[ "$output" = "bar,2011-12-30T10:00:00Z,X,1m,1,1,1,1,0" ]
	run -0 qts-fetch -t 1m -s X --tz Pacific/Apia --to 2011-12-30 "$BATS_TEST_TMPDIR/apia.csv"
	[ "$output" = "bar,2011-12-30T09:59:00Z,X,1m,1,1,1,1,0" ]
}

@test "an option for kinds of source none of the sources is, or -s before a file of events, is a usage error" {
	run -2 --separate-stderr qts-fetch --tz Asia/Tokyo "$F/a.csv"
	[ "$stderr" = "qts-fetch: --tz acts on vendor tables and synth: alone, and no source here is one" ]
	run -2 --separate-stderr qts-fetch --stamp end "$F/a.csv"
	[ "$stderr" = "qts-fetch: --stamp acts on vendor tables alone, and no source here is one" ]
	run -2 --separate-stderr qts-fetch -a synth:A
	[ "$stderr" = "qts-fetch: --adjust acts on vendor tables and network sources alone, and no source here is one" ]
	run -2 --separate-stderr qts-fetch -t 1d "$F/a.csv"
	[ "$stderr" = "qts-fetch: --tf acts on vendor tables, synth: and network sources alone, and no source here is one" ]
	for o in "--epoch s" "--date-format %Y-%m-%d" "--delimiter ;"; do
		run -2 --separate-stderr qts-fetch $o synth:A
		[ "$stderr" = "qts-fetch: ${o% *} acts on vendor tables alone, and no source here is one" ]
	done
	for o in "--seed 2" "--count 5" "--session 10:00-11:00"; do
		run -2 --separate-stderr qts-fetch $o "$F/a.csv"
		[ "$stderr" = "qts-fetch: ${o% *} acts on synth: alone, and no source here is one" ]
	done
	for o in "--fallback stooq" "--rate 5/min" "--retries 1" "--timeout 1s" "--actions $BATS_TEST_TMPDIR/act"; do
		run -2 --separate-stderr qts-fetch $o synth:A
		[ "$stderr" = "qts-fetch: ${o% *} acts on network sources alone, and no source here is one" ]
	done
	[ ! -e "$BATS_TEST_TMPDIR/act" ]
	run -2 --separate-stderr qts-fetch -s X "$F/a.csv"
	[ "$stderr" = "qts-fetch: -s X: $F/a.csv holds events, which name their own symbols" ]
	run -2 --separate-stderr qts-fetch -s FOO --count 1 synth:A
	[ "$stderr" = "qts-fetch: -s FOO: synth:A names its symbols itself" ]
	# one source of the kind is enough (of another symbol than the file's,
	# whose bars would be duplicates of different prices)
	run -0 qts-fetch --seed 2 --count 2 synth:B "$F/a.csv"
	run -2 --separate-stderr qts-fetch --columns date,open,high,low,close --count 1 synth:A
	[ "$stderr" = "qts-fetch: --columns acts on files (vendor tables) alone, and no source here is one" ]
	run -2 --separate-stderr qts-fetch --session 10:00-11:00 --count 2 synth:A
	[ "$stderr" = "qts-fetch: --session shapes the intraday bars of synth:, and these are daily or longer" ]
	run -0 qts-fetch --session 10:00-12:00 -t 1h --count 2 synth:A
	run -2 --separate-stderr qts-fetch --feed sip --count 1 synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --feed, --live-types, --silence and --reorder go with --live" ]
	run -2 --separate-stderr qts-fetch --reorder 1s --count 1 synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --feed, --live-types, --silence and --reorder go with --live" ]
	run -2 --separate-stderr qts-fetch --overflow drop --count 2 synth:A
	[ "$stderr" = "qts-fetch: --overflow drop goes with --buffer: without it nothing waits, so nothing is dropped" ]
	run -0 qts-fetch --overflow drop --buffer 10 --count 2 synth:A
}

@test "--tz: an unknown zone is a usage error" {
	run -2 --separate-stderr qts-fetch --tz Mars/Olympus synth:A
	[[ "$stderr" == "qts-fetch: --tz: 'Mars/Olympus' is not an installed time zone"* ]]
	run -2 --separate-stderr qts-fetch --tz ../etc synth:A
	[[ "$stderr" == "qts-fetch: --tz: '../etc' is not a time zone name"* ]]
}

@test "real data: Tardis trades and quotes merge into one stream of 19998 events" {
	[ -f "$DATA/tardis_trades.csv" ] || skip "shared data not present"
	run -0 qts-fetch --epoch us "$DATA/tardis_trades.csv" "$DATA/tardis_quotes.csv"
	[ "${#lines[@]}" -eq 19998 ]
	[[ "${lines[0]}" == quote,2020-02-22T00:00:01.096Z,BTCUSDT,* ]]
}

@test "bars stamped off whole seconds get a timeframe in seconds; rows closer than one are no bars of it" {
	printf 'Datetime,Open,High,Low,Close,Volume\n2015-09-23T20:57:42.146,1,1,1,1,5\n2015-09-23T20:57:46.151,1,1,1,1,2\n2015-09-23T20:57:47.399,1,1,1,1,2\n' > "$BATS_TEST_TMPDIR/t.csv"
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/t.csv"
	[ "${lines[0]}" = "bar,2015-09-23T20:57:42.146Z,X,1s,1,1,1,1,5" ]
	[ "${#lines[@]}" -eq 3 ]
	printf '%s\n' "${lines[@]}" | qts-sim > /dev/null
	# 0.248 s apart: one-second bars that overlap, which no stage reads
	sed -i '$s/47.399/46.399/' "$BATS_TEST_TMPDIR/t.csv"
	run -1 --separate-stderr qts-fetch -s X --on-bad skip "$BATS_TEST_TMPDIR/t.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/t.csv:4: rows of X 0.248 seconds apart (2015-09-23T20:57:46.151Z, 2015-09-23T20:57:46.399Z) are closer than one 1s bar: trades written as bars? --columns naming the time, price and size columns reads them as ticks" ]
}

@test "synth: more bars than time holds is an error, after the whole bars" {
	run -1 --separate-stderr qts-fetch --from 2262-01-01 --count 100 synth:A
	[ "$stderr" = "qts-fetch: synth:A: the bars asked for run past 2262-04-11, the last time there is" ]
	[[ "${lines[-2]}" == bar,2262-04-09T00:00:00Z,A,1d,* ]]
	[ "${lines[-1]}" = "system,2262-04-10T00:00:00Z,qts-fetch,error,\"synth:A: the bars asked for run past 2262-04-11, the last time there is\"" ]
}

@test "synth: bars are checked against the other sources' in the merged stream; a symbol in two synth: sources is refused" {
	# Generated bars skipped validation: a file's bar of their symbol at
	# their time, with other prices, went out beside them, exit 0.
	cd "$BATS_TEST_TMPDIR"
	qts-fetch --count 3 synth:A > a.csv
	sed 's/,97.48,/,97.5,/' a.csv > a2.csv
	run -1 --separate-stderr qts-fetch --count 3 synth:A a2.csv
	[ "$stderr" = "qts-fetch: a2.csv:1: duplicate A 1d bar at 2024-01-01T00:00:00Z" ]
	[ "${lines[0]}" = "bar,2024-01-01T00:00:00Z,A,1d,97.48,98.86,96.94,98.52,2014732" ]
	[ "${#lines[@]}" -eq 2 ]
	# the generated bar second in the merge: named by its source and date
	run -1 --separate-stderr qts-fetch a2.csv --count 3 synth:A
	[ "$stderr" = "qts-fetch: synth:A: 2024-01-01: duplicate A 1d bar at 2024-01-01T00:00:00Z" ]
	[ "${lines[0]}" = "bar,2024-01-01T00:00:00Z,A,1d,97.5,98.86,96.94,98.52,2014732" ]
	# --on-bad as for any record: the same bar again is kept with warn
	run -0 --separate-stderr qts-fetch --on-bad skip --count 3 synth:A a2.csv
	[ "$stderr" = "qts-fetch: skipped 3 bad records; the first: a2.csv:1: duplicate A 1d bar at 2024-01-01T00:00:00Z" ]
	[ "$output" = "$(cat a.csv)" ]
	# other symbols, and synth: sources alone, pass
	run -0 qts-fetch --count 3 synth:B a.csv
	[ "${#lines[@]}" -eq 6 ]
	run -0 qts-fetch --count 3 synth:A synth:B,C
	[ "${#lines[@]}" -eq 9 ]
	# one symbol in two synth: sources made every bar twice, exit 0
	run -2 --separate-stderr qts-fetch --count 3 synth:A synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: synth:A: 'A' is named twice (synth:A names it too)" ]
	[ -z "$output" ]
	run -2 --separate-stderr qts-fetch --count 3 synth:B,A synth:C synth:D,A
	[ "${stderr_lines[0]}" = "qts-fetch: synth:D,A: 'A' is named twice (synth:B,A names it too)" ]
}

@test "a column named twice is an error naming both fields; two names of one column read the first" {
	# The second Close was ignored, exit 0: which is meant is not known.
	printf 'Date,Close,Open,High,Low,Close,Volume\n2024-01-02,1.5,1,2,0.5,1.4,10\n' > "$BATS_TEST_TMPDIR/f.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/f.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/f.csv:1: the header names column 'Close' twice (fields 2 and 6)" ]
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-fetch,error,$BATS_TEST_TMPDIR/f.csv:1: the header names column 'Close' twice (fields 2 and 6)" ]
	# in any case and punctuation, as names are compared
	sed -i '1s/Low,Close/Low,CLOSE/' "$BATS_TEST_TMPDIR/f.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/f.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/f.csv:1: the header names column 'CLOSE' twice (fields 2 and 6)" ]
	run -1 --separate-stderr qts-fetch -s X --columns date,close,open,high,low,close,volume "$BATS_TEST_TMPDIR/f.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/f.csv: --columns names column 'close' twice (fields 2 and 6)" ]
	# close and last name one column: the first is read
	sed -i '1s/Low,CLOSE/Low,Last/' "$BATS_TEST_TMPDIR/f.csv"
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/f.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,X,1d,1,2,0.5,1.5,10" ]
	# a name qts does not read may come twice
	printf 'Date,Open,High,Low,Close,Volume,Note,Note\n2024-01-02,1,2,0.5,1.4,10,a,b\n' > "$BATS_TEST_TMPDIR/g.csv"
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/g.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,X,1d,1,2,0.5,1.4,10" ]
}

@test "--columns: a first row of data whose first field is a symbol is read, not dropped as a header" {
	# A first line whose first field held no digit was dropped as a header.
	printf 'ABC,2024-01-02,1,2,0.5,1.5,10\nABC,2024-01-03,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/n.csv"
	run -0 qts-fetch --columns symbol,date,open,high,low,close,volume "$BATS_TEST_TMPDIR/n.csv"
	[ "$output" = "$(printf 'bar,2024-01-02T00:00:00Z,ABC,1d,1,2,0.5,1.5,10\nbar,2024-01-03T00:00:00Z,ABC,1d,1,2,0.5,1.5,10')" ]
	# a header is still dropped
	{ echo 'Symbol,Date,Open,High,Low,Close,Volume'; cat "$BATS_TEST_TMPDIR/n.csv"; } > "$BATS_TEST_TMPDIR/h.csv"
	run -0 qts-fetch --columns symbol,date,open,high,low,close,volume "$BATS_TEST_TMPDIR/h.csv"
	[ "$output" = "$(printf 'bar,2024-01-02T00:00:00Z,ABC,1d,1,2,0.5,1.5,10\nbar,2024-01-03T00:00:00Z,ABC,1d,1,2,0.5,1.5,10')" ]
}

@test "an event file whose first event is of a type qts does not know is read as events, in CSV as in msgpack" {
	# Its first line was taken for a vendor's header without a date column.
	printf 'news,2024-01-02T14:35:00Z,ORCL,"earnings beat, guidance raised",1.5\nbar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/n.csv"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/n.csv"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/n.csv")" ]
	run -0 qts-fetch - < "$BATS_TEST_TMPDIR/n.csv"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/n.csv")" ]
	qts cat -M "$BATS_TEST_TMPDIR/n.csv" > "$BATS_TEST_TMPDIR/n.mp"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/n.mp"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/n.csv")" ]
	# a vendor's header is still one, lowercase names and all
	printf 'date,open,high,low,close,volume\n2024-01-02,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/v.csv"
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/v.csv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,X,1d,1,2,0.5,1.5,10" ]
}

@test "a file headed by qts's own columns (type,ts,...) is read as events: each bar keeps its tf, other types pass" {
	printf 'type,ts,symbol,tf,open,high,low,close,volume\nbar,2024-01-02T00:00:00Z,BBB,1h,20,21,19,20,100\nbar,2024-01-02T01:00:00Z,BBB,1h,20,21,19,20,100\nequity,2024-01-02T02:00:00Z,100000,100000,0,0,0,0\nbar,2024-01-02T00:00:00Z,AAA,1d,10,11,9,10,100\n' > "$BATS_TEST_TMPDIR/own.csv"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/own.csv"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/own.csv")" ]
	# with the header read as a vendor's, the daily bar came out as 1h
	# (the timeframe inferred from the rows) and the equity row failed
}
