#!/usr/bin/env bats
# qts-fetch on vendor files as they come: rows without data, a symbol per
# file, date layouts, separators, headers that do not fit their rows,
# epoch units, CSV quoting errors, unknown sources; and every file of the
# shared data set read with the options a user would give.

load helper

F=$BATS_TEST_DIRNAME/fixtures/fetch
TOP=$BATS_TEST_DIRNAME/..

# ---- rows that do not parse ---------------------------------------------------

@test "a Yahoo row of null stops by default, naming file:line and --on-bad" {
	run -1 --separate-stderr qts-fetch -s ORCL "$F/yahoo-null.csv"
	[ "$stderr" = "qts-fetch: $F/yahoo-null.csv:3: open: 'null' is not a number (a row without data); --on-bad skip drops such rows" ]
	[ "${lines[0]}" = "bar,2014-01-02T00:00:00Z,ORCL,1d,37.779999,38.029999,37.549999,37.84,18162100" ]
	# the stream ends with the failure, for the stages after
	[ "${lines[1]}" = "system,2014-01-03T00:00:00Z,qts-fetch,error,$F/yahoo-null.csv:3: open: 'null' is not a number (a row without data); --on-bad skip drops such rows" ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "--on-bad skip drops rows of null and of empty fields, and counts them" {
	run -0 --separate-stderr qts-fetch -s ORCL --on-bad skip "$F/yahoo-null.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2 | tr '\n' ' ')" = \
	  "2014-01-02T00:00:00Z 2014-01-06T00:00:00Z 2014-01-07T00:00:00Z " ]
	[ "$stderr" = "qts-fetch: skipped 2 bad records (2 that do not parse); the first: $F/yahoo-null.csv:3: open: 'null' is not a number (a row without data)" ]
}

@test "--on-bad skip counts bad rows and bad bars together" {
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,1\n2024-01-03,NaN,2,0.5,1.5,1\n2024-01-04,1,2,3,1.5,1\n2024-01-05,1,2,0.5,1.5,1\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 --separate-stderr qts-fetch -s X --on-bad skip "$BATS_TEST_TMPDIR/m.csv"
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "qts-fetch: skipped 2 bad records (1 that does not parse); the first: $BATS_TEST_TMPDIR/m.csv:3: open: 'NaN' is not a number (a row without data)" ]
}

@test "--on-bad warn drops a row that does not parse, with a warning" {
	run -0 --separate-stderr qts-fetch -s ORCL --on-bad warn "$F/yahoo-null.csv"
	[ "${#lines[@]}" -eq 3 ]
	[ "${stderr_lines[0]}" = "qts-fetch: $F/yahoo-null.csv:3: open: 'null' is not a number (a row without data); row dropped" ]
	[ "${stderr_lines[1]}" = "qts-fetch: $F/yahoo-null.csv:6: open: '' is not a number (a row without data); row dropped" ]
}

@test "bad rows among the first 16 do not stop the timeframe from being inferred" {
	{ echo 'Date,Open,High,Low,Close,Volume'
	  echo '2024-01-02 09:30:00,null,null,null,null,null'
	  for m in 31 32 33 35; do echo "2024-01-02 09:$m:00,1,1,1,1,1"; done; } > "$BATS_TEST_TMPDIR/i.csv"
	run -0 --separate-stderr qts-fetch -s X --on-bad skip "$BATS_TEST_TMPDIR/i.csv"
	[ "${lines[0]}" = "bar,2024-01-02T09:31:00Z,X,1m,1,1,1,1,1" ]
	[ "${#lines[@]}" -eq 4 ]
}

@test "a bad row after the merge's first: the other file's records still come in order" {
	run -0 --separate-stderr qts-fetch --on-bad skip -s ORCL "$F/yahoo-null.csv" -s AAA "$F/yahoo.csv"
	[ "${#lines[@]}" -eq 7 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2,3 | tr '\n' ' ')" = \
	  "2014-01-02T00:00:00Z,AAA 2014-01-02T00:00:00Z,ORCL 2014-01-03T00:00:00Z,AAA 2014-01-06T00:00:00Z,AAA 2014-01-06T00:00:00Z,ORCL 2014-01-07T00:00:00Z,AAA 2014-01-07T00:00:00Z,ORCL " ]
}

@test "a vendor file with a header and no rows is a warning" {
	printf 'Date,Open,High,Low,Close\n' > "$BATS_TEST_TMPDIR/h.csv"
	run -0 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/h.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/h.csv: a header and no rows" ]
	[ "$output" = "" ]
}

@test "one row with a time of day and no other of its symbol fails, asking for -t, where it made a daily bar at 09:05" {
	D=$BATS_TEST_TMPDIR
	printf 'Date,Time,Open,High,Low,Close,Volume\n2006-01-02,09:05:00,3578.73,3587.88,3578.73,3582.99,0\n' > "$D/m.csv"
	run -1 --separate-stderr qts-fetch -s X "$D/m.csv"
	[ "$stderr" = "qts-fetch: $D/m.csv:2: one row of X, at a time of day (09:05:00), and no other to measure its bars' length by: give it with -t (1m, 5m, 1h...)" ]
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == system,*,qts-fetch,error,* ]]
	run -0 qts-fetch -s X -t 5m "$D/m.csv"
	[ "$output" = "bar,2006-01-02T09:05:00Z,X,5m,3578.73,3587.88,3578.73,3582.99,0" ]
	# a row of a date alone is a daily bar, at midnight UTC or of --tz
	printf 'Date,Time,Open,High,Low,Close,Volume\n2006-01-02,00:00:00,1,2,0.5,1.5,0\n' > "$D/d.csv"
	run -0 qts-fetch -s X "$D/d.csv"
	[ "$output" = "bar,2006-01-02T00:00:00Z,X,1d,1,2,0.5,1.5,0" ]
	printf 'Date,Open,High,Low,Close,Volume\n2006-01-02,1,2,0.5,1.5,0\n' > "$D/d.csv"
	run -0 qts-fetch --tz America/New_York -s X "$D/d.csv"
	[ "$output" = "bar,2006-01-02T05:00:00Z,X,1d,1,2,0.5,1.5,0" ]
}

@test "a row read ahead that does not parse is named where a short file's timeframe is inferred, not the want of a second row" {
	# The bad row was dropped unsaid: the file failed at the good row
	# for want of another, and 10:61 or 'x' was never named.
	cd "$BATS_TEST_TMPDIR"
	printf 'Date,Open,High,Low,Close,Volume\n2024-03-01 10:00,1,2,0.5,1.5,100\n2024-03-01 10:61,1,2,0.5,1.5,100\n' > d4.csv
	run -1 --separate-stderr qts-fetch d4.csv
	[ "$stderr" = "qts-fetch: d4.csv:3: '2024-03-01 10:61' is not a time (RFC 3339, YYYY-MM-DD HH:MM:SS or a date; name another layout with --date-format)" ]
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == system,*,qts-fetch,error,* ]]
	printf 'Date,Open,High,Low,Close,Volume\n2024-03-01 10:00,x,2,0.5,1.5,100\n2024-03-01 10:01,1,2,0.5,1.5,100\n' > d1.csv
	run -1 --separate-stderr qts-fetch d1.csv
	[ "$stderr" = "qts-fetch: d1.csv:2: open: 'x' is not a number" ]
	[ "${#lines[@]}" -eq 1 ]
	# dropped as --on-bad says, the row left alone still fails the file
	run -1 --separate-stderr qts-fetch --on-bad warn d1.csv
	[ "${stderr_lines[0]}" = "qts-fetch: d1.csv:2: open: 'x' is not a number; row dropped" ]
	[ "${stderr_lines[1]}" = "qts-fetch: d1.csv:3: one row of D1, at a time of day (10:01:00), and no other to measure its bars' length by: give it with -t (1m, 5m, 1h...)" ]
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == system,*,qts-fetch,error,* ]]
	run -1 --separate-stderr qts-fetch --on-bad skip d4.csv
	[ "${stderr_lines[0]}" = "qts-fetch: d4.csv:2: one row of D4, at a time of day (10:00:00), and no other to measure its bars' length by: give it with -t (1m, 5m, 1h...)" ]
	[ "${#lines[@]}" -eq 1 ]
	run -0 --separate-stderr qts-fetch -t 1m --on-bad skip d4.csv
	[ "$output" = "bar,2024-03-01T10:00:00Z,D4,1m,1,2,0.5,1.5,100" ]
}

# ---- a symbol per file ---------------------------------------------------------

@test "-s names the files after it, up to the next -s" {
	run -0 qts-fetch -s ORCL "$F/yahoo.csv" -s NVDA "$F/yahoo.csv"
	[ "${#lines[@]}" -eq 8 ]
	[ "$(printf '%s\n' "${lines[@]}" | head -2 | cut -d, -f3 | tr '\n' ' ')" = "NVDA ORCL " ]
	# one -s before several files names them all, as before
	run -0 qts-fetch -s X "$F/yahoo.csv" "file:$F/alphavantage.csv"
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f3 | sort -u)" = X ]
	# files before the first -s keep their own names; options after files still count
	# (1m: rows of days are minutes with gaps; rows of 5 minutes are no days)
	run -0 qts-fetch "$F/yahoo.csv" -s AAA "$F/alphavantage.csv" --tf 1m
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f3 | sort -u | tr '\n' ' ')" = "AAA YAHOO " ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f4 | sort -u)" = 1m ]
}

@test "-s with no source after it is a usage error" {
	run -2 --separate-stderr qts-fetch "$F/yahoo.csv" -s ORCL
	[ "${stderr_lines[0]}" = "qts-fetch: --symbol ORCL: no source after it (-s names the files that follow it)" ]
}

@test "-s after -- and standard input" {
	run -0 qts-fetch -s X -- - < "$F/alphavantage.csv"
	[[ "${lines[0]}" == bar,*,X,5m,* ]]
}

# ---- date layouts ----------------------------------------------------------------

@test "--date-format reads day-first dates with times and fractions" {
	run -1 --separate-stderr qts-fetch "$F/dmy.csv"
	[ "$stderr" = "qts-fetch: $F/dmy.csv:2: '02/03/2010 16:53:50' is not a time (RFC 3339, YYYY-MM-DD HH:MM:SS or a date; name another layout with --date-format)" ]
	run -0 qts-fetch --date-format '%d/%m/%Y %H:%M:%S' "$F/dmy.csv"
	[ "${lines[0]}" = "quote,2010-03-02T16:53:50Z,DMY,0.5346,0.5347,0,0" ]
	[ "${lines[2]}" = "quote,2010-03-13T09:05:07.250Z,DMY,0.5543,0.5545,0,0" ]
	run -1 --separate-stderr qts-fetch --date-format '%m/%d/%Y %H:%M:%S' "$F/dmy.csv"
	[ "$stderr" = "qts-fetch: $F/dmy.csv:4: '13/03/2010 09:05:07.25' does not match --date-format '%m/%d/%Y %H:%M:%S'" ]
}

@test "--date-format: %y puts 69-99 in the 1900s and 00-68 in the 2000s" {
	printf 'date,open,high,low,close\n31/12/68,1,1,1,1\n' > "$BATS_TEST_TMPDIR/a.csv"
	printf 'date,open,high,low,close\n01/01/69,1,1,1,1\n' > "$BATS_TEST_TMPDIR/b.csv"
	run -0 qts-fetch -s X --date-format %d/%m/%y "$BATS_TEST_TMPDIR/a.csv" "$BATS_TEST_TMPDIR/b.csv"
	[[ "${lines[0]}" == bar,1969-01-01T00:00:00Z,* ]]
	[[ "${lines[1]}" == bar,2068-12-31T00:00:00Z,* ]]
}

@test "--date-format: month names, 12-hour clock, %f, a zone after the format" {
	printf 'date,open,high,low,close\n02-Jan-2024 3:04:05.5 PM,1,1,1,1\n03-JANUARY-2024 12:00:00.25 am,1,1,1,1\n' > "$BATS_TEST_TMPDIR/b.csv"
	run -0 qts-fetch -s X -t 1d --date-format '%d-%b-%Y %I:%M:%S %p' "$BATS_TEST_TMPDIR/b.csv"
	[[ "${lines[0]}" == bar,2024-01-02T15:04:05.500Z,* ]]
	[[ "${lines[1]}" == bar,2024-01-03T00:00:00.250Z,* ]]
	printf 'date,open,high,low,close\n2024/01/02 10:00:00|123+01:00,1,1,1,1\n' > "$BATS_TEST_TMPDIR/f.csv"
	run -0 qts-fetch -s X -t 1m --date-format '%Y/%m/%d %H:%M:%S|%f' "$BATS_TEST_TMPDIR/f.csv"
	[[ "${lines[0]}" == bar,2024-01-02T09:00:00.123Z,* ]]
}

@test "--date-format with %S and %f: a line where %S reads a fraction and %f gives another is refused, where the second replaced the first" {
	# 10:00:00.25 with 7 was read as 10:00:00.7, exit 0.
	cd "$BATS_TEST_TMPDIR"
	printf 'Date,Open,High,Low,Close,Volume\n01/02/2024 10:00:00.25 7,1,2,0.5,1.5,100\n01/02/2024 10:00:01.25 7,1,2,0.5,1.5,100\n' > f.csv
	run -1 --separate-stderr qts-fetch --date-format '%m/%d/%Y %H:%M:%S %f' f.csv
	[ "$stderr" = "qts-fetch: f.csv:2: '01/02/2024 10:00:00.25 7' has two fractions of a second by --date-format '%m/%d/%Y %H:%M:%S %f': %S read one after its seconds and %f another; a time has one" ]
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == system,*,qts-fetch,error,* ]]
	# as any row that does not parse: --on-bad skip drops it
	run -0 --separate-stderr qts-fetch --on-bad skip -t 1s --date-format '%m/%d/%Y %H:%M:%S %f' f.csv
	[ -z "$output" ]
	# the seconds whole, %f gives the fraction; and %S.%f reads whole seconds
	printf 'Date,Open,High,Low,Close,Volume\n01/02/2024 10:00:00 7,1,2,0.5,1.5,100\n01/02/2024 10:00:01 7,1,2,0.5,1.5,100\n' > g.csv
	run -0 qts-fetch --date-format '%m/%d/%Y %H:%M:%S %f' g.csv
	[ "${lines[0]}" = "bar,2024-01-02T10:00:00.700Z,G,1s,1,2,0.5,1.5,100" ]
	[ "${#lines[@]}" -eq 2 ]
	printf 'Date,Open,High,Low,Close,Volume\n01/02/2024 10:00:00.25,1,2,0.5,1.5,100\n' > h.csv
	run -0 qts-fetch -t 1s --date-format '%m/%d/%Y %H:%M:%S.%f' h.csv
	[ "$output" = "bar,2024-01-02T10:00:00.250Z,H,1s,1,2,0.5,1.5,100" ]
}

@test "--date-format: numbers with nothing between them have two digits each (%Y%m%d, %H%M%S); '2024111' is refused, not November 1" {
	D=$BATS_TEST_TMPDIR
	printf 'date,open,high,low,close\n20241101 093000,1,1,1,1\n' > "$D/c.csv"
	run -0 qts-fetch -s X -t 1m --date-format '%Y%m%d %H%M%S' "$D/c.csv"
	[ "$output" = "bar,2024-11-01T09:30:00Z,X,1m,1,1,1,1,0" ]
	# seven digits are November 1 or January 11: no telling which
	printf 'date,open,high,low,close\n2024111,1,1,1,1\n' > "$D/a.csv"
	run -1 --separate-stderr qts-fetch -s X --date-format '%Y%m%d' "$D/a.csv"
	[ "$stderr" = "qts-fetch: $D/a.csv:2: '2024111' does not match --date-format '%Y%m%d'" ]
	printf 'date,open,high,low,close\n20241101 93000,1,1,1,1\n' > "$D/b.csv"
	run -1 --separate-stderr qts-fetch -s X -t 1m --date-format '%Y%m%d %H%M%S' "$D/b.csv"
	[ "$stderr" = "qts-fetch: $D/b.csv:2: '20241101 93000' does not match --date-format '%Y%m%d %H%M%S'" ]
	# between separators, one digit or two as before
	printf 'date,open,high,low,close\n1/2/2024 9:05,1,1,1,1\n2Jan2024 10:05,1,1,1,1\n' > "$D/s.csv"
	run -0 qts-fetch -s X -t 1m --date-format '%d/%m/%Y %H:%M' <(head -2 "$D/s.csv")
	[ "$output" = "bar,2024-02-01T09:05:00Z,X,1m,1,1,1,1,0" ]
	run -0 qts-fetch -s X -t 1m --date-format '%d%b%Y %H:%M' <(sed 2d "$D/s.csv")
	[ "$output" = "bar,2024-01-02T10:05:00Z,X,1m,1,1,1,1,0" ]
}

@test "--date-format with a separate time column; and with --tz" {
	run -0 qts-fetch -s EURJPY --columns date,time,,,,price,,size --date-format %d/%m/%y "$F/quote-in-header.csv"
	[ "${lines[0]}" = "tick,2016-03-01T23:43:11Z,EURJPY,130.52,1000000" ]
	run -0 qts-fetch -s EURJPY --tz Asia/Tokyo --columns date,time,,,,price,,size --date-format %d/%m/%y "$F/quote-in-header.csv"
	[ "${lines[0]}" = "tick,2016-03-01T14:43:11Z,EURJPY,130.52,1000000" ]
}

@test "a time column named as UTC (timestamp_utc, Time (UTC), utc_time) is UTC whatever --tz says, as if written with a Z; --tz still sets --from and --to" {
	D=$BATS_TEST_TMPDIR
	# CME's minute bars as vendors export them: UTC, no offset written
	printf 'timestamp_utc,open,high,low,close,volume\n2024-01-07 23:01:00,1.0972,1.0973,1.0972,1.09725,21\n2024-01-07 23:02:00,1.0972,1.0973,1.0971,1.0972,8\n' > "$D/6e.csv"
	run -0 qts-fetch -s 6E --stamp end "$D/6e.csv"
	want=$output
	[ "${lines[0]}" = "bar,2024-01-07T23:00:00Z,6E,1m,1.0972,1.0973,1.0972,1.09725,21" ]
	# read as Chicago's wall clock, every bar was six hours late
	run -0 --separate-stderr qts-fetch -s 6E --stamp end --tz America/Chicago "$D/6e.csv"
	[ "$output" = "$want" ]
	# --from in Chicago's time: 17:01 there is 23:01 UTC
	run -0 qts-fetch -s 6E --stamp end --tz America/Chicago --from 2024-01-07T17:01:00 "$D/6e.csv"
	[ "$output" = "bar,2024-01-07T23:01:00Z,6E,1m,1.0972,1.0973,1.0971,1.0972,8" ]
	for h in 'Time (UTC)' utc_time DateTime_UTC; do
		printf '%s,open,high,low,close\n2024-01-02 14:30:00,1,1,1,1\n' "$h" > "$D/u.csv"
		run -0 qts-fetch -s X -t 1m --tz Asia/Tokyo "$D/u.csv"
		[ "$output" = "bar,2024-01-02T14:30:00Z,X,1m,1,1,1,1,0" ]
	done
	# a date and a time column, the time's name saying UTC: as if each
	# time were written with its Z (--tz still sets the calendar)
	printf 'date,time_utc,open,high,low,close\n2024-01-31,15:00:00,1,1,1,1\n2024-03-31,15:00:00,1,1,1,1\n' > "$D/w.csv"
	run -0 qts-fetch -s X -t 1h --tz Asia/Tokyo "$D/w.csv"
	[ "${lines[0]}" = "bar,2024-01-31T15:00:00Z,X,1h,1,1,1,1,0" ]
	sed 's/:00:00,/:00:00Z,/' "$D/w.csv" > "$D/wz.csv"
	for tf in 1h 1d 1w 1M; do
		run -0 qts-fetch -s X -t $tf --tz Asia/Tokyo "$D/w.csv"
		want=$output
		run -0 qts-fetch -s X -t $tf --tz Asia/Tokyo "$D/wz.csv"
		[ "$output" = "$want" ]
	done
	# other names are the zone's wall clock, as before
	printf 'timestamp,open,high,low,close\n2024-01-02 14:30:00,1,1,1,1\n' > "$D/l.csv"
	run -0 qts-fetch -s X -t 1m --tz Asia/Tokyo "$D/l.csv"
	[ "$output" = "bar,2024-01-02T05:30:00Z,X,1m,1,1,1,1,0" ]
}

@test "--date-format: formats that cannot work are usage errors" {
	run -2 --separate-stderr qts-fetch --date-format '%d/%m' synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --date-format: '%d/%m': needs one year (%Y or %y), one month (%m or %b) and one day (%d)" ]
	run -2 --separate-stderr qts-fetch --date-format '%d/%m/%Y %Q' synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --date-format: '%d/%m/%Y %Q': an unknown % directive (known: %Y %y %m %b %d %H %I %p %M %S %f %%)" ]
	run -2 --separate-stderr qts-fetch --date-format '%d/%m/%Y %' synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --date-format: '%d/%m/%Y %': a lone % at the end" ]
	run -2 --separate-stderr qts-fetch --date-format '%d/%m/%Y %I:%M' synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --date-format: '%d/%m/%Y %I:%M': %I (12-hour clock) goes with %p (AM or PM), once" ]
	# a second %f read another fraction over the first
	run -2 --separate-stderr qts-fetch --date-format '%d/%m/%Y %H:%M:%S.%f %f' synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --date-format: '%d/%m/%Y %H:%M:%S.%f %f': %f (a fraction of a second) more than once" ]
}

# ---- separators and headers -------------------------------------------------------

@test "--delimiter reads fields separated by ';', quoted fields included" {
	run -1 --separate-stderr qts-fetch "$F/semicolon.csv"
	[ "$stderr" = "qts-fetch: $F/semicolon.csv:1: header has no date, datetime or timestamp column, and one field: are they separated by ';'? (--delimiter ';')" ]
	run -0 qts-fetch --delimiter ';' --date-format %d.%m.%Y "$F/semicolon.csv"
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,SEMICOLON,1d,10.5,11,10,10.75,1200" ]
	[ "${lines[1]}" = "bar,2024-01-03T00:00:00Z,SEMICOLON,1d,10.75,11.25,10.5,11,900" ]
}

@test "--delimiter tab; a delimiter that cannot be is a usage error" {
	printf 'date\topen\thigh\tlow\tclose\n2024-01-02\t1\t2\t0.5\t1.5\n' > "$BATS_TEST_TMPDIR/t.tsv"
	run -0 qts-fetch -s X --delimiter tab "$BATS_TEST_TMPDIR/t.tsv"
	[ "$output" = "bar,2024-01-02T00:00:00Z,X,1d,1,2,0.5,1.5,0" ]
	for d in '' ';;' '"' 'a' '#' 5; do
		run -2 --separate-stderr qts-fetch --delimiter "$d" synth:A
		[ "${stderr_lines[0]}" = "qts-fetch: --delimiter: '$d' is not one character other than a letter, a digit, '\"' or '#' (or 'tab')" ]
	done
}

@test "--columns replaces a header that names fewer columns than the rows hold" {
	run -1 --separate-stderr qts-fetch -s X "$F/short-header.csv"
	[ "$stderr" = "qts-fetch: $F/short-header.csv:2: 8 fields, but the header names 7 (--columns NAMES names the columns)" ]
	run -0 qts-fetch -s X --stamp end --columns date,time,open,high,low,close,volume,oi "$F/short-header.csv"
	[ "${lines[0]}" = "bar,2006-01-02T09:00:00Z,X,1m,3602,3603,3597,3599,5699" ]
	[ "${#lines[@]}" -eq 3 ]
	run -1 --separate-stderr qts-fetch -s X --columns date,time,open,high,low,close,volume "$F/short-header.csv"
	[ "$stderr" = "qts-fetch: $F/short-header.csv:2: 8 fields, but --columns names 7" ]
	run -1 --separate-stderr qts-fetch -s X --columns date,time,open,high,low "$F/short-header.csv"
	[ "$stderr" = "qts-fetch: $F/short-header.csv: --columns names no close column" ]
}

@test "--columns reads a file without a header, and a header that is not CSV" {
	printf '2024-01-02,1,2,0.5,1.5\n2024-01-03,1,2,0.5,1.5\n' > "$BATS_TEST_TMPDIR/n.csv"
	run -0 qts-fetch -s X --columns date,open,high,low,close "$BATS_TEST_TMPDIR/n.csv"
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,X,1d,1,2,0.5,1.5,0" ]
	run -1 --separate-stderr qts-fetch "$F/quote-in-header.csv"
	[ "$stderr" = "qts-fetch: $F/quote-in-header.csv:1: field 3: a double quote inside a field that does not start with one (a field with a double quote must be quoted whole, each quote inside it doubled); --columns NAMES reads the file without its header" ]
	# read as quotes, every row lacks its bid
	run -0 --separate-stderr qts-fetch --columns date,time,symbol,status,bid,ask,bid_size,ask_size --date-format %d/%m/%y --on-bad skip "$F/quote-in-header.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts-fetch: skipped 2 bad records (2 that do not parse); the first: $F/quote-in-header.csv:2: bid: '' is not a number (a row without data)" ]
	run -0 qts-fetch --columns date,time,symbol,,,price,,size --date-format %d/%m/%y "$F/quote-in-header.csv"
	[ "${lines[1]}" = "tick,2016-03-01T23:43:27Z,EUR/JPY,130.52,2000000" ]
	run -2 --separate-stderr qts-fetch --columns ', ,' synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --columns: ', ,' names no column" ]
}

@test "a quoted field with text after its closing quote is named in words" {
	printf 'date,open,high,low,close\n2024-01-02,"1"x,2,0.5,1.5\n' > "$BATS_TEST_TMPDIR/q.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/q.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/q.csv:2: field 2: text after its closing quote (a field with a double quote must be quoted whole, each quote inside it doubled)" ]
	# an event file says the same
	printf 'bar,2024-01-02,A,1d,1,2,"0.5"",1.5,1\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -1 --separate-stderr qts cat "$BATS_TEST_TMPDIR/e.csv"
	[[ "$stderr" == "qts: $BATS_TEST_TMPDIR/e.csv:1: "* ]]
	[[ "$stderr" != *"strict checking"* ]]
}

# ---- epoch times -----------------------------------------------------------------

@test "epoch integers: the unit from the digits, 9-10 s, 12-13 ms, 15-16 us, 18-19 ns" {
	e() { printf 'timestamp,price,size\n%s,1,1\n' "$1" > "$BATS_TEST_TMPDIR/e.csv"
	      qts-fetch -s X "$BATS_TEST_TMPDIR/e.csv" | cut -d, -f2; }
	[ "$(e 100000000)" = 1973-03-03T09:46:40Z ]
	[ "$(e 1582329602)" = 2020-02-22T00:00:02Z ]
	[ "$(e 100000000000)" = 1973-03-03T09:46:40Z ]
	[ "$(e 1582329602111)" = 2020-02-22T00:00:02.111Z ]
	[ "$(e 100000000000000)" = 1973-03-03T09:46:40Z ]
	[ "$(e 1582329602111000)" = 2020-02-22T00:00:02.111Z ]
	[ "$(e 100000000000000000)" = 1973-03-03T09:46:40Z ]
	[ "$(e 1582329602111000123)" = 2020-02-22T00:00:02.111000123Z ]
	# 9999999999 s is the last second told so: 2286-11-20
	# (past 2262: an error; the stream holds only the failure)
	printf 'timestamp,price,size\n9999999999,1,1\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/e.csv"
	[[ $output == system,*,qts-fetch,error,* ]] && [ "${#lines[@]}" -eq 1 ]
	# eight digits are a date
	[ "$(e 20240102)" = 2024-01-02T00:00:00Z ]
}

@test "epoch integers of a length that fits two units ask for --epoch" {
	printf 'timestamp,price,size\n15823296021,1,1\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/e.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/e.csv:2: '15823296021' is not a time: epoch integers of 11 digits could be of two units; name it with --epoch s|ms|us|ns" ]
	# up to 7 digits are 1970 in any unit: a spreadsheet's serial day
	# (45293 is 2024-01-02) was asked for --epoch, which read it as 1970
	printf 'date,open,high,low,close\n45293,1,1,1,1\n' > "$BATS_TEST_TMPDIR/x.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/x.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/x.csv:2: '45293' is not a time: an integer of 5 digits is no date (YYYYMMDD), and since the epoch in any unit it is in 1970 (a spreadsheet's day number? write the dates as YYYY-MM-DD)" ]
	run -0 qts-fetch -s X --epoch ms "$BATS_TEST_TMPDIR/e.csv"
	# 15823296.021 s: 183 days and 12096.021 s
	[ "$output" = "tick,1970-07-03T03:21:36.021Z,X,1,1" ]
	# --epoch and a time that is no integer
	run -1 --separate-stderr qts-fetch -s X --epoch us "$F/trades.csv" "$F/quotes.csv"
	[ "$stderr" = "qts-fetch: $F/quotes.csv:2: '2013-01-01 22:00:00.295000+00:00' is not an epoch integer (--epoch us)" ]
	# digits after an optional sign, as a number field takes them: no blank
	for t in ' 1700000000' '1700000000 ' '+ 1' '- 1' '-'; do
		printf 'timestamp,price,size\n%s,1,1\n' "$t" > "$BATS_TEST_TMPDIR/e.csv"
		run -1 --separate-stderr qts-fetch -s X --epoch s "$BATS_TEST_TMPDIR/e.csv"
		[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/e.csv:2: '$t' is not an epoch integer (--epoch s)" ]
	done
	printf 'timestamp,price,size\n-86400,1,1\n+86400,1,1\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -0 qts-fetch -s X --epoch s "$BATS_TEST_TMPDIR/e.csv"
	[ "$output" = "tick,1969-12-31T00:00:00Z,X,1,1
tick,1970-01-02T00:00:00Z,X,1,1" ]
}

@test "epoch times with a fraction of their unit (1700000000.5 s) are read to the nanosecond, with --epoch or without" {
	printf 'timestamp,price,size\n1700000000.5,1,1\n1700000001.123456789,1,1\n1700000002,1,1\n' > "$BATS_TEST_TMPDIR/e.csv"
	want="tick,2023-11-14T22:13:20.500Z,X,1,1
tick,2023-11-14T22:13:21.123456789Z,X,1,1
tick,2023-11-14T22:13:22Z,X,1,1"
	run -0 qts-fetch -s X --epoch s "$BATS_TEST_TMPDIR/e.csv"
	[ "$output" = "$want" ]
	# ten digits before the point are seconds, as without one
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/e.csv"
	[ "$output" = "$want" ]
	printf 'timestamp,price,size\n1700000000500.25,1,1\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-fetch -s X --epoch ms "$BATS_TEST_TMPDIR/m.csv"
	[ "$output" = "tick,2023-11-14T22:13:20.500250Z,X,1,1" ]
	# before the epoch, the fraction too
	printf 'timestamp,price,size\n-1.5,1,1\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-fetch -s X --epoch s "$BATS_TEST_TMPDIR/m.csv"
	[ "$output" = "tick,1969-12-31T23:59:58.500Z,X,1,1" ]
	# finer than a nanosecond, as every time in a file
	printf 'timestamp,price,size\n1700000000.1234567891,1,1\n' > "$BATS_TEST_TMPDIR/f.csv"
	run -1 --separate-stderr qts-fetch -s X "$BATS_TEST_TMPDIR/f.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/f.csv:2: '1700000000.1234567891' has 10 decimals: seconds since the epoch take at most 9, to the nanosecond, the finest time kept" ]
	printf 'timestamp,price,size\n1700000000000000000.5,1,1\n' > "$BATS_TEST_TMPDIR/n.csv"
	run -1 --separate-stderr qts-fetch -s X --epoch ns "$BATS_TEST_TMPDIR/n.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/n.csv:2: '1700000000000000000.5' has a fraction of a nanosecond, the finest time kept (--epoch ns)" ]
	# the last instant there is, and past it
	printf 'timestamp,price,size\n9223372036.854775807,1,1\n' > "$BATS_TEST_TMPDIR/l.csv"
	run -0 qts-fetch -s X --epoch s "$BATS_TEST_TMPDIR/l.csv"
	[ "$output" = "tick,2262-04-11T23:47:16.854775807Z,X,1,1" ]
	printf 'timestamp,price,size\n9223372036.854775808,1,1\n' > "$BATS_TEST_TMPDIR/l.csv"
	run -1 --separate-stderr qts-fetch -s X --epoch s "$BATS_TEST_TMPDIR/l.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/l.csv:2: '9223372036.854775808' seconds since the epoch is not a time there is (1677-09-21 to 2262-04-11)" ]
	# a point with no digits on either side is no time
	for t in 1700000000. .5 1700000000.5x; do
		printf 'timestamp,price,size\n%s,1,1\n' "$t" > "$BATS_TEST_TMPDIR/b.csv"
		run -1 --separate-stderr qts-fetch -s X --epoch s "$BATS_TEST_TMPDIR/b.csv"
		[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/b.csv:2: '$t' is not an epoch integer (--epoch s)" ]
	done
}

@test "Tardis files need no --epoch" {
	run -0 qts-fetch "$F/trades.csv"
	[ "${lines[0]}" = "tick,2020-02-22T00:00:02.111Z,BTCUSDT,9682,0.132" ]
	[ "$output" = "$(qts-fetch --epoch us "$F/trades.csv")" ]
}

# ---- sources ---------------------------------------------------------------------

@test "a source of an unknown kind is a usage error, not a missing file" {
	run -2 --separate-stderr qts-fetch quandl:AAPL
	[ "${stderr_lines[0]}" = "qts-fetch: quandl:AAPL: unknown source 'quandl:' (a source is file:PATH, PATH, -, synth:SYM[,SYM...] or KIND:SYM, KIND one of yahoo, alphavantage, stooq, alpaca), and no file of that name" ]
	# a file that has such a name is read
	cp "$F/yahoo.csv" "$BATS_TEST_TMPDIR/quandl:AAPL"
	cp "$F/yahoo.csv" "$BATS_TEST_TMPDIR/yahoo:AAPL"
	cd "$BATS_TEST_TMPDIR"
	run -0 qts-fetch -s AAPL quandl:AAPL
	[ "${#lines[@]}" -eq 4 ]
	# and file: makes one named as a network source a file
	run -0 qts-fetch -s AAPL file:yahoo:AAPL
	[ "${#lines[@]}" -eq 4 ]
	# a missing file is still that
	run -1 --separate-stderr qts-fetch nothing.csv
	[ "$stderr" = "qts-fetch: nothing.csv: No such file or directory" ]
}

@test "synth: without symbols, with an empty one or one twice is a usage error" {
	run -2 --separate-stderr qts-fetch synth:
	[ "${stderr_lines[0]}" = "qts-fetch: synth:: names no symbol (synth:SYM[,SYM...])" ]
	[ "${stderr_lines[1]}" = "usage: qts-fetch [options] [-s SYMBOL] SOURCE... [-s SYMBOL SOURCE...]" ]
	run -2 --separate-stderr qts-fetch synth:A,,B
	[ "${stderr_lines[0]}" = "qts-fetch: synth:A,,B: '' is not a symbol (1 to 31 bytes)" ]
	run -2 --separate-stderr qts-fetch synth:A,
	[ "${stderr_lines[0]}" = "qts-fetch: synth:A,: '' is not a symbol (1 to 31 bytes)" ]
	run -2 --separate-stderr qts-fetch synth:A,B,A
	[ "${stderr_lines[0]}" = "qts-fetch: synth:A,B,A: 'A' is named twice" ]
	run -2 --separate-stderr qts-fetch synth:12345678901234567890123456789012
	[ "${stderr_lines[0]}" = "qts-fetch: synth:12345678901234567890123456789012: '12345678901234567890123456789012' is not a symbol (1 to 31 bytes)" ]
	run -0 qts-fetch --count 1 synth:1234567890123456789012345678901
}

@test "a symbol with a control character is refused wherever qts-fetch takes one: synth, -s, KIND:SYM, a file's column or its name" {
	run -2 --separate-stderr qts-fetch $'synth:A\x02'
	[ "${stderr_lines[0]}" = "qts-fetch: synth:A\\x02: 'A\\x02' is not a symbol (it holds a control character)" ]
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/v.csv"
	run -2 --separate-stderr qts-fetch -s $'A\tB' "$BATS_TEST_TMPDIR/v.csv"
	[ "${stderr_lines[0]}" = "qts-fetch: --symbol: 'A\\tB' holds a control character" ]
	run -2 --separate-stderr qts-fetch $'yahoo:A\x1b'
	[ "${stderr_lines[0]}" = "qts-fetch: yahoo:A\\x1b: the symbol holds a control character" ]
	printf 'Date,Symbol,Open,High,Low,Close,Volume\n2024-01-02,A\001,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/s.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/s.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/s.csv:2: symbol 'A\\x01' holds a control character" ]
	cp "$BATS_TEST_TMPDIR/v.csv" "$BATS_TEST_TMPDIR/"$'X\001.csv'
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/"$'X\001.csv'
	[[ $stderr == *".csv:2: symbol 'X\\x01' holds a control character (the file's name: name the symbol with -s)" ]]
	run -0 qts-fetch -s X "$BATS_TEST_TMPDIR/"$'X\001.csv'
}

@test "a symbol that is not UTF-8 (Latin-1) is refused wherever qts-fetch takes one, as every reader of the stream would refuse it" {
	# written and exit 0 before, then refused by the next stage
	printf 'Date,Symbol,Open,High,Low,Close,Volume\n2024-01-02,OK,1,2,0.5,1.5,10\n2024-01-03,SOCI\311T\311,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/l1.csv"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/l1.csv"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/l1.csv:3: symbol 'SOCI\xc9T\xc9' is not valid UTF-8" ]
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,OK,1d,1,2,0.5,1.5,10" ]
	[[ "${lines[1]}" == "system,2024-01-03T00:00:00Z,qts-fetch,error,"* ]]
	[ "${#lines[@]}" = 2 ]
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n' > "$BATS_TEST_TMPDIR/"$'SOCI\311T\311.csv'
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/"$'SOCI\311T\311.csv'
	[[ $stderr == *".csv:2: symbol 'SOCI\xc9T\xc9' is not valid UTF-8 (the file's name: name the symbol with -s)" ]]
	run -0 qts-fetch -s SOCIETE "$BATS_TEST_TMPDIR/"$'SOCI\311T\311.csv'
	run -2 --separate-stderr qts-fetch -s $'SOCI\311T\311' "$BATS_TEST_TMPDIR/l1.csv"
	[ "${stderr_lines[0]}" = "qts-fetch: --symbol: 'SOCI\xc9T\xc9' is not valid UTF-8" ]
	run -2 --separate-stderr qts-fetch $'synth:A\311'
	[ "${stderr_lines[0]}" = "qts-fetch: synth:A\xc9: 'A\xc9' is not a symbol (it is not valid UTF-8)" ]
	# a symbol of UTF-8 is taken
	run -0 qts-fetch --count 1 synth:SOCIÉTÉ
	[[ $output == *",SOCIÉTÉ,1d,"* ]]
	# and where other stages take one: --benchmark, --borrow-rate
	run -2 --separate-stderr qts-report --benchmark $'A\311' /dev/null
	[ "${stderr_lines[0]}" = "qts-report: --benchmark: 'A\xc9' is not valid UTF-8" ]
	run -2 --separate-stderr qts-sim --borrow-rate $'A\311=0.1' /dev/null
	[ "${stderr_lines[0]}" = "qts-sim: --borrow-rate: symbol 'A\xc9' is not valid UTF-8" ]
}

# ---- the man page ----------------------------------------------------------------

@test "qts-fetch(1) renders every quotation closed before the next opens" {
	command -v mandoc >/dev/null || skip "mandoc is not installed"
	out=$(mandoc -Tutf8 "$TOP/man/qts-fetch.1" | col -b)
	# quotes nested in quotes render as ‘1m, ‘5m ...’’
	! grep -n "‘[^’]*‘" <<<"$out" || false
	! grep -n "’’" <<<"$out" || false
	tr -s ' \t\n' ' ' <<<"$out" | grep -q "(‘1m’, ‘5m’, ‘1h’, ‘1d’, ‘1w’, ‘1M ...’)"
}

@test "qts-fetch(1): the trades and quotes example runs on Tardis files" {
	[ -f "$DATA/tardis_trades.csv" ] || skip "shared data not present"
	cd "$BATS_TEST_TMPDIR"
	cp "$DATA/tardis_trades.csv" trades.csv
	cp "$DATA/tardis_quotes.csv" quotes.csv
	grep -q '^qts-fetch trades.csv | qts-resample 1m > bars.csv$' "$TOP/man/qts-fetch.1"
	grep -q '^qts-fetch bars.csv quotes.csv | qts-strategy sma-cross | qts-sim$' "$TOP/man/qts-fetch.1"
	qts-fetch trades.csv | qts-resample 1m > bars.csv
	run -0 --separate-stderr sh -c 'qts-fetch bars.csv quotes.csv | qts-strategy sma-cross | qts-sim'
	# 2h06m of trades: 125 whole minutes; 9999 quotes; the cross trades
	[ "$(grep -c '^bar,' <<<"$output")" -eq 125 ]
	[ "$(grep -c '^quote,' <<<"$output")" -eq 9999 ]
	grep -q '^fill,' <<<"$output"
}

# ---- every file of the shared data set ---------------------------------------------

# FILE ROWS OPTIONS...: the file reads whole with those options.
loads() {
	local f=$1 rows=$2
	shift 2
	run -0 --separate-stderr qts-fetch "$@" "$DATA/$f"
	[ "${#lines[@]}" -eq "$rows" ] || { echo "$f: ${#lines[@]} records, not $rows; $stderr"; false; }
}

@test "real data: every backtrader and Yahoo file loads as it is" {
	[ -f "$DATA/orcl-2014.txt" ] || skip "shared data not present"
	# row counts from the data set's SOURCES.md
	for fr in 2006-day-001.txt:255 2005-2006-day-001.txt:512 2006-day-001-optix.txt:255 \
		  2006-day-002.txt:129 2006-week-001.txt:52 2006-week-002.txt:26 2006-month-001.txt:12 \
		  2006-min-005.txt:2142 2006-volume-day-001.txt:255 orcl-1995-2014.txt:5036 \
		  orcl-2003-2005.txt:756 orcl-2014.txt:252 nvda-1999-2014.txt:4012 nvda-2014.txt:252 \
		  yhoo-1996-2014.txt:4713 yhoo-1996-2015.txt:4965 yhoo-2003-2005.txt:756 yhoo-2014.txt:252; do
		loads "${fr%:*}" "${fr#*:}" -s X
	done
}

@test "real data: every bar file loads with its own timeframe given, and fails with a longer one than its rows" {
	[ -f "$DATA/orcl-2014.txt" ] || skip "shared data not present"
	for frt in 2006-day-001.txt:255:1d 2005-2006-day-001.txt:512:1d 2006-day-001-optix.txt:255:1d \
		   2006-day-002.txt:129:2d 2006-week-001.txt:52:1w 2006-week-002.txt:26:2w 2006-month-001.txt:12:1M \
		   2006-min-005.txt:2142:5m 2006-volume-day-001.txt:255:1d orcl-1995-2014.txt:5036:1d \
		   nvda-1999-2014.txt:4012:1d yhoo-1996-2015.txt:4965:1d; do
		IFS=: read -r f n t <<< "$frt"
		loads "$f" "$n" -s X -t "$t" --stamp end
		loads "$f" "$n" -s X -t "$t" --tz America/New_York
	done
	loads 6EH4.XCME_1min_bars_20240101_20240131.csv.gz 29996 -s 6E -t 1m --stamp end
	loads 2006-01-02-volume-min-001.txt 30889 -s X -t 1m --stamp end --columns date,time,open,high,low,close,volume,oi
	run -1 --separate-stderr qts-fetch -s X -t 1w "$DATA/2006-day-001.txt"
	[ "$stderr" = "qts-fetch: $DATA/2006-day-001.txt:3: rows of X 1 day apart (2006-01-02, 2006-01-03) are closer than one 1w bar: they are not 1w bars; give -t their timeframe, or leave it out to infer it" ]
	run -1 --separate-stderr qts-fetch -s X -t 2w --stamp end "$DATA/2006-week-001.txt"
	[ "$stderr" = "qts-fetch: $DATA/2006-week-001.txt:3: rows of X 7 days apart (2006-01-06, 2006-01-13) are closer than one 2w bar: they are not 2w bars; give -t their timeframe, or leave it out to infer it" ]
	run -1 --separate-stderr qts-fetch -s X -t 1d "$DATA/2006-min-005.txt"
	[ "$stderr" = "qts-fetch: $DATA/2006-min-005.txt:3: rows of X 5 minutes apart (2006-01-02T09:05:00Z, 2006-01-02T09:10:00Z) are closer than one 1d bar: they are not 1d bars; give -t their timeframe, or leave it out to infer it" ]
	run -1 --separate-stderr qts-fetch -s 6E -t 2m "$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz"
	[[ "$stderr" == *"csv.gz:3: rows of 6E 1 minute apart (2024-01-01T23:01:00Z, 2024-01-01T23:02:00Z) are closer than one 2m bar"* ]]
}

@test "real data: Tardis, TrueFX and CME files load as they are" {
	[ -f "$DATA/tardis_trades.csv" ] || skip "shared data not present"
	loads tardis_trades.csv 9999
	[[ "${lines[0]}" == tick,2020-02-22T00:00:02.111Z,BTCUSDT,9682,0.132 ]]
	loads tardis_quotes.csv 9999
	[[ "${lines[0]}" == quote,2020-02-22T00:00:01.096Z,BTCUSDT,9681.92,9682,0.67,0.84 ]]
	loads usdjpy-ticks.csv 1000 -s USDJPY
	loads 6EH4.XCME_1min_bars_20240101_20240131.csv.gz 29996 -s 6E --stamp end
}

@test "real data: 2006-01-02-volume-min-001.txt, 8 fields under a 7-name header" {
	[ -f "$DATA/2006-01-02-volume-min-001.txt" ] || skip "shared data not present"
	run -1 --separate-stderr qts-fetch -s X "$DATA/2006-01-02-volume-min-001.txt"
	[ "$stderr" = "qts-fetch: $DATA/2006-01-02-volume-min-001.txt:2: 8 fields, but the header names 7 (--columns NAMES names the columns)" ]
	loads 2006-01-02-volume-min-001.txt 30889 -s X --stamp end --columns date,time,open,high,low,close,volume,oi
	[ "${lines[0]}" = "bar,2006-01-02T09:00:00Z,X,1m,3602,3603,3597,3599,5699" ]
}

@test "real data: bidask.csv, day-first dates" {
	[ -f "$DATA/bidask.csv" ] || skip "shared data not present"
	run -1 --separate-stderr qts-fetch "$DATA/bidask.csv"
	[ "$stderr" = "qts-fetch: $DATA/bidask.csv:2: '02/03/2010 16:53:50' is not a time (RFC 3339, YYYY-MM-DD HH:MM:SS or a date; name another layout with --date-format)" ]
	loads bidask.csv 10 -s EURUSD --date-format '%d/%m/%Y %H:%M:%S'
	[ "${lines[0]}" = "quote,2010-03-02T16:53:50Z,EURUSD,0.5346,0.5347,0,0" ]
}

@test "real data: bidask2.csv, a quote in its header and a time column it does not name" {
	[ -f "$DATA/bidask2.csv" ] || skip "shared data not present"
	run -1 --separate-stderr qts-fetch "$DATA/bidask2.csv"
	[ "$stderr" = "qts-fetch: $DATA/bidask2.csv:1: field 3: a double quote inside a field that does not start with one (a field with a double quote must be quoted whole, each quote inside it doubled); --columns NAMES reads the file without its header" ]
	# dealt prices: the offer column holds the price, vol offer the size
	loads bidask2.csv 10 --columns date,time,symbol,status,,price,,size --date-format %d/%m/%y
	[ "${lines[0]}" = "tick,2016-03-01T23:43:11Z,EUR/JPY,130.52,1000000" ]
	[ "${lines[9]}" = "tick,2016-03-01T23:54:27Z,EUR/JPY,130.47,900000" ]
}

@test "real data: ticksample.csv, trade ticks written as bars" {
	[ -f "$DATA/ticksample.csv" ] || skip "shared data not present"
	# rows 0.188 s apart are no one-second bars: one-second bars that
	# overlap went out (with --on-bad skip, exit 0), which every stage
	# refused; the file fails at the first such row, whatever --on-bad says
	msg="rows of ES 0.188 seconds apart (2015-09-23T20:58:00.079Z, 2015-09-23T20:58:00.267Z) are closer than one 1s bar: trades written as bars? --columns naming the time, price and size columns reads them as ticks"
	for bad in stop skip warn; do
		run -1 --separate-stderr qts-fetch -s ES --on-bad $bad "$DATA/ticksample.csv"
		[ "$stderr" = "qts-fetch: $DATA/ticksample.csv:8: $msg" ]
		[ "${#lines[@]}" -eq 7 ]
		[ "${lines[5]}" = "bar,2015-09-23T20:58:00.079Z,ES,1s,3066,3066,3066,3066,168" ]
	done
	# read as what they are, ticks: the open is the price, the volume the size
	loads ticksample.csv 135 -s ES --columns datetime,price,,,,size,
	[ "${lines[0]}" = "tick,2015-09-23T20:57:42.146Z,ES,3067,180" ]
	run -0 qts-resample 1m <<<"$output"
}
