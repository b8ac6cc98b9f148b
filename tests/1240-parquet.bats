#!/usr/bin/env bats
# Parquet: qts-fetch reads files of other writers (tests/fixtures/parquet,
# made by parquet-wasm and hyparquet-writer, see its PROVENANCE; each
# NAME.expected holds the events the writing script says the file holds),
# known by their content; `qts cat --parquet` writes events that
# qts-fetch reads back as they were; broken files fail with exit 1 and a
# message naming the file and the place.

load helper

P=$BATS_TEST_DIRNAME/fixtures/parquet

# patched IN OUT FROM TO: qts's own file IN with the bytes FROM (python
# bytes escapes) changed in place to TO, into OUT (a snappy literal and
# the statistics hold text as it is; a page has no checksum)
patched() {
	python3 -c 'import sys; d = open(sys.argv[1], "rb").read()
a, b = (x.encode("latin-1").decode("unicode_escape").encode("latin-1") for x in sys.argv[3:5])
assert d.count(a) > 0
open(sys.argv[2], "wb").write(d.replace(a, b))' "$@"
}

# ---- files of other writers ---------------------------------------------------------

@test "parquet: a table of events takes no vendor option, as a file of events does (exit 2 before anything is read)" {
	cd "$BATS_TEST_TMPDIR"
	qts-fetch --count 5 synth:A > a.csv
	qts cat --parquet a.parquet a.csv
	qts-fetch a.parquet | cmp - a.csv
	# each was ignored, exit 0
	for o in "-t 1h" "-a" "--tz America/New_York" "--stamp end" "--epoch ms" "--delimiter ;"; do
		run -2 --separate-stderr qts-fetch $o a.parquet
		[[ "$stderr" == "qts-fetch: --"*" acts on "*" alone, and no source here is one"* ]] || { echo "$o: $stderr"; false; }
		[ -z "$output" ]
		run -2 --separate-stderr qts-fetch $o a.csv
	done
	run -2 --separate-stderr qts-fetch -s X a.parquet
	[[ "$stderr" == "qts-fetch: -s X: a.parquet holds events, which name their own symbols"* ]]
	# with --columns it is a table of those columns
	run -0 qts-fetch -s X --columns date,,,open,high,low,close,volume a.parquet
	[[ "${lines[0]}" == bar,2024-01-01T00:00:00Z,X,1d,* ]]
}

@test "parquet: PLAIN, uncompressed, pages v1 (parquet-wasm)" {
	run -0 qts-fetch "$P/bars-plain-none.parquet"
	[ "$output" = "$(cat "$P/bars-plain-none.expected")" ]
}

@test "parquet: -t longer than a symbol's rows are apart fails the table at its row, as a CSV file" {
	run -1 --separate-stderr qts-fetch -t 1w "$P/bars-plain-none.parquet"
	[ "$stderr" = "qts-fetch: $P/bars-plain-none.parquet: row 3: rows of AAPL 1 hour apart (2024-01-02T14:00:00Z, 2024-01-02T15:00:00Z) are closer than one 1w bar: they are not 1w bars; give -t their timeframe, or leave it out to infer it" ]
	# the rows of two symbols at one time are each their symbol's first
	[ "${#lines[@]}" -eq 3 ]
	run -0 qts-fetch -t 1h "$P/bars-plain-none.parquet"
	[ "$output" = "$(cat "$P/bars-plain-none.expected")" ]
}

@test "parquet: dictionary pages, snappy, three row groups (parquet-wasm)" {
	run -0 qts-fetch "$P/bars-dict-snappy.parquet"
	[ "$output" = "$(cat "$P/bars-dict-snappy.expected")" ]
}

@test "parquet: dictionary, gzip, data pages v2 (parquet-wasm)" {
	run -0 qts-fetch "$P/bars-dict-gzip-v2.parquet"
	[ "$output" = "$(cat "$P/bars-dict-gzip-v2.expected")" ]
}

@test "parquet: DELTA encodings, zstd, pages v2, two row groups (parquet-wasm)" {
	run -0 qts-fetch "$P/bars-plain-zstd-v2.parquet"
	[ "$output" = "$(cat "$P/bars-plain-zstd-v2.expected")" ]
}

@test "parquet: BYTE_STREAM_SPLIT doubles (parquet-wasm)" {
	run -0 qts-fetch "$P/bars-byte-stream-split.parquet"
	[ "$output" = "$(cat "$P/bars-byte-stream-split.expected")" ]
}

@test "parquet: DECIMAL prices (INT64) and sizes (FIXED_LEN_BYTE_ARRAY of 9 bytes)" {
	run -0 qts-fetch "$P/trades-decimal-zstd.parquet"
	[ "$output" = "$(cat "$P/trades-decimal-zstd.expected")" ]
}

@test "parquet: hyparquet-writer's file: TIMESTAMP_MILLIS, a Ticker column" {
	run -0 qts-fetch "$P/bars-hyparquet.parquet"
	[ "$output" = "$(cat "$P/bars-hyparquet.expected")" ]
}

@test "parquet: nanosecond times not adjusted to UTC are wall-clock time in --tz" {
	run -0 qts-fetch --tz America/New_York "$P/bars-local-ns-zstd.parquet"
	[ "$output" = "$(cat "$P/bars-local-ns-zstd.expected")" ]
	# without --tz, UTC: 14:00 stays 14:00, nanoseconds kept
	run -0 qts-fetch "$P/bars-local-ns-zstd.parquet"
	[ "${lines[1]}" = "bar,2024-01-02T14:00:00.000000001Z,MSFT,1h,370.5,372,369.75,371,1007" ]
}

@test "parquet: a Yahoo-like table: DATE, Adj Close, the symbol from -s or the file's name" {
	run -0 qts-fetch -s AAPL "$P/yahoo-daily-dict-snappy.parquet"
	[ "$output" = "$(cat "$P/yahoo-daily-dict-snappy.expected")" ]
	run -0 qts-fetch "$P/yahoo-daily-dict-snappy.parquet"
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,YAHOO-DAILY-DICT-SNAPPY,1d,187.15,188.44,183.89,185.64,82488700" ]
	# --adjust scales by Adj Close / Close, as for the CSV
	run -0 qts-fetch -s AAPL --adjust "$P/yahoo-daily-dict-snappy.parquet"
	[ "$(echo "${lines[0]}" | cut -d, -f8)" = "184.93" ]
}

@test "parquet: a null is a missing value: the row stops the file, named by its row" {
	run -1 --separate-stderr qts-fetch "$P/trades-nulls-snappy.parquet"
	[ "$stderr" = "qts-fetch: $P/trades-nulls-snappy.parquet: row 3: price: 'null' is not a number (a row without data); --on-bad skip drops such rows" ]
	[ "${lines[0]}" = "tick,2024-01-02T14:00:00Z,AAPL,185.5,100" ]
}

@test "parquet: --on-bad skip drops the rows with nulls, float sizes read exactly" {
	run -0 --separate-stderr qts-fetch --on-bad skip "$P/trades-nulls-snappy.parquet"
	[ "$output" = "$(cat "$P/trades-nulls-snappy.expected")" ]
	[ "$stderr" = "qts-fetch: skipped 3 bad records (3 that do not parse); the first: $P/trades-nulls-snappy.parquet: row 3: price: 'null' is not a number (a row without data)" ]
}

@test "parquet: known by content: file:, any name, stdin, gzip-compressed" {
	want=$(cat "$P/bars-dict-snappy.expected")
	run -0 qts-fetch "file:$P/bars-dict-snappy.parquet"
	[ "$output" = "$want" ]
	cp "$P/bars-dict-snappy.parquet" "$BATS_TEST_TMPDIR/bars.dat"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/bars.dat"
	[ "$output" = "$want" ]
	run -0 --separate-stderr qts-fetch -s X - < "$P/bars-dict-snappy.parquet"
	[ "$output" = "$want" ]
	gzip -c "$P/bars-dict-snappy.parquet" > "$BATS_TEST_TMPDIR/bars.parquet.gz"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/bars.parquet.gz"
	[ "$output" = "$want" ]
}

@test "parquet: --from and --to, and merging with a CSV source" {
	run -0 qts-fetch --from 2024-01-02T15:00:00Z --to 2024-01-02T16:00:00Z "$P/bars-plain-none.parquet"
	# --to a time includes it
	[ "$output" = "$(sed -n 3,6p "$P/bars-plain-none.expected")" ]
	printf 'bar,2024-01-02T14:30:00Z,IBM,1h,160,161,159,160.5,10\n' > "$BATS_TEST_TMPDIR/ibm.csv"
	run -0 qts-fetch "$P/bars-plain-none.parquet" "$BATS_TEST_TMPDIR/ibm.csv"
	[ "${#lines[@]}" -eq 9 ]
	[ "${lines[2]}" = "bar,2024-01-02T14:30:00Z,IBM,1h,160,161,159,160.5,10" ]
}

# ---- qts cat --parquet, read back ------------------------------------------------------

@test "cat --parquet past the disk's room: the reason said, exit 1, no file left" {
	qts-fetch --count 20000 -t 1m synth:A > "$BATS_TEST_TMPDIR/big.csv"
	run -1 --separate-stderr bash -c 'ulimit -f 8; trap "" XFSZ; qts cat --parquet "$1/p.parquet" "$1/big.csv"' sh "$BATS_TEST_TMPDIR"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/p.parquet: File too large" ]
	[ ! -e "$BATS_TEST_TMPDIR/p.parquet" ]
}

@test "cat --parquet: every event type written and read back as it was" {
	# one file a type; system events are one line here (grep)
	for t in bar tick quote target order cancel update fill position equity risk; do
		grep "^$t," "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/$t.csv"
		run -0 qts cat --parquet "$BATS_TEST_TMPDIR/$t.parquet" "$BATS_TEST_TMPDIR/$t.csv"
		[ -z "$output" ]
		run -0 qts-fetch "$BATS_TEST_TMPDIR/$t.parquet"
		[ "$output" = "$(cat "$BATS_TEST_TMPDIR/$t.csv")" ]
	done
	printf 'system,2024-01-02T14:34:00Z,qts-sim,info,one line\n' > "$BATS_TEST_TMPDIR/s.csv"
	qts cat --parquet "$BATS_TEST_TMPDIR/s.parquet" "$BATS_TEST_TMPDIR/s.csv"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/s.parquet"
	[ "$output" = "system,2024-01-02T14:34:00Z,qts-sim,info,one line" ]
}

@test "cat --parquet: bars of a backtest, fills and updates (nulls) read back identically" {
	qts-fetch synth:AAPL,MSFT --count 200 | qts-strategy sma-cross fast=10 slow=30 weight=0.2 |
		qts-sim --commission bps=10 --slippage bps=5 > "$BATS_TEST_TMPDIR/sim.csv"
	for t in bar fill update; do
		grep "^$t," "$BATS_TEST_TMPDIR/sim.csv" > "$BATS_TEST_TMPDIR/$t.csv"
		qts cat --parquet "$BATS_TEST_TMPDIR/$t.parquet" "$BATS_TEST_TMPDIR/$t.csv"
		qts-fetch "$BATS_TEST_TMPDIR/$t.parquet" | cmp - "$BATS_TEST_TMPDIR/$t.csv"
	done
	[ "$(wc -l < "$BATS_TEST_TMPDIR/fill.csv")" -gt 0 ]
	grep -q '^update,.*,,' "$BATS_TEST_TMPDIR/update.csv" # an empty avg_price: a null
}

@test "cat --parquet: 80000 bars in two row groups, from stdin, read back identically" {
	qts-fetch synth:AAPL,MSFT --tf 1m --count 40000 > "$BATS_TEST_TMPDIR/big.csv"
	qts cat --parquet "$BATS_TEST_TMPDIR/big.parquet" < "$BATS_TEST_TMPDIR/big.csv"
	qts-fetch "$BATS_TEST_TMPDIR/big.parquet" | cmp - "$BATS_TEST_TMPDIR/big.csv"
	# msgpack in, too
	qts cat -M "$BATS_TEST_TMPDIR/big.csv" > "$BATS_TEST_TMPDIR/big.mp"
	qts cat --parquet "$BATS_TEST_TMPDIR/big2.parquet" "$BATS_TEST_TMPDIR/big.mp"
	cmp "$BATS_TEST_TMPDIR/big.parquet" "$BATS_TEST_TMPDIR/big2.parquet"
}

@test "cat --parquet: one type a file, the first event's; others counted and said" {
	run -0 --separate-stderr qts cat --parquet "$BATS_TEST_TMPDIR/a.parquet" "$FIX/all-types.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/a.parquet: 1 bar event written; 15 events of other types skipped (a Parquet file holds one type qts knows: the first such event's)" ]
	run -0 qts-fetch "$BATS_TEST_TMPDIR/a.parquet"
	[ "$output" = "bar,2024-01-02T14:30:00Z,ORCL,1m,37.5,37.62,37.41,37.55,12500" ]
	# an event of a type qts does not know has no columns: the first known one's type
	printf 'signal,2024-01-01T00:00:00Z,A,1\nfill,2024-01-01T00:00:00Z,A,o1,buy,1,10,0,0\n' > "$BATS_TEST_TMPDIR/s.csv"
	run -0 --separate-stderr qts cat --parquet "$BATS_TEST_TMPDIR/s.parquet" "$BATS_TEST_TMPDIR/s.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/s.parquet: 1 fill event written; 1 event of other types skipped (a Parquet file holds one type qts knows: the first such event's)" ]
	run -0 qts-fetch "$BATS_TEST_TMPDIR/s.parquet"
	[ "$output" = "fill,2024-01-01T00:00:00Z,A,o1,buy,1,10,0,0" ]
}

@test "cat --parquet: no events make an empty file of bars" {
	: > "$BATS_TEST_TMPDIR/empty.csv"
	run -0 --separate-stderr qts cat --parquet "$BATS_TEST_TMPDIR/e.parquet" "$BATS_TEST_TMPDIR/empty.csv"
	[ "$(head -c 4 "$BATS_TEST_TMPDIR/e.parquet")" = PAR1 ]
	run -0 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/e.parquet"
	[ -z "$output" ]
}

@test "cat --parquet: a stream that fails leaves the target as it was, exit 1" {
	echo old > "$BATS_TEST_TMPDIR/t.parquet"
	printf 'bar,2024-01-02T14:30:00Z,A,1d,1,2,0.5,1.5,10\nbar,oops\n' > "$BATS_TEST_TMPDIR/bad.csv"
	before=$(ls -a "$BATS_TEST_TMPDIR")
	run -1 --separate-stderr qts cat --parquet "$BATS_TEST_TMPDIR/t.parquet" "$BATS_TEST_TMPDIR/bad.csv"
	[[ "$stderr" == "qts: $BATS_TEST_TMPDIR/bad.csv:2: "*"; $BATS_TEST_TMPDIR/t.parquet not written" ]]
	[ "$(cat "$BATS_TEST_TMPDIR/t.parquet")" = old ]
	# no temporary left (bats keeps stderr in a file of its own there)
	[ "$(ls -a "$BATS_TEST_TMPDIR" | grep -v '^separate-stderr')" = "$before" ]
	run -1 --separate-stderr qts cat --parquet "$BATS_TEST_TMPDIR/no/such/dir/x.parquet" "$FIX/all-types.csv"
	[[ "$stderr" == "qts: $BATS_TEST_TMPDIR/no/such/dir/x.parquet: "* ]]
	run -1 --separate-stderr qts cat --parquet "$BATS_TEST_TMPDIR/y.parquet" "$BATS_TEST_TMPDIR/missing.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/missing.csv: No such file or directory" ]
	[ ! -e "$BATS_TEST_TMPDIR/y.parquet" ]
}

@test "cat --parquet: an equity with financing after one without fails, naming it, not dropping the financing" {
	# The file's columns are the first event's: interest, borrow and
	# margin interest of the second were dropped without a word, exit 0.
	printf 'equity,2024-01-02T00:00:00Z,1,2,3,4,5,6\nequity,2024-01-03T00:00:00Z,1,2,3,4,5,6,7,8,9\n' > "$BATS_TEST_TMPDIR/e.csv"
	run -1 --separate-stderr qts cat --parquet "$BATS_TEST_TMPDIR/e.parquet" "$BATS_TEST_TMPDIR/e.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/e.csv:2: an equity event with interest and the fields after it, but the file has no columns for them: its columns are those of the first equity event, which had none; $BATS_TEST_TMPDIR/e.parquet not written" ]
	[ ! -e "$BATS_TEST_TMPDIR/e.parquet" ]
	# the other way round, the later event's financing is null, read back empty
	printf 'equity,2024-01-02T00:00:00Z,1,2,3,4,5,6,7,8,9\nequity,2024-01-03T00:00:00Z,1,2,3,4,5,6\n' > "$BATS_TEST_TMPDIR/f.csv"
	run -0 qts cat --parquet "$BATS_TEST_TMPDIR/f.parquet" "$BATS_TEST_TMPDIR/f.csv"
	run -0 qts-fetch "$BATS_TEST_TMPDIR/f.parquet"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/f.csv")" ]
}

@test "cat --parquet: usage errors exit 2" {
	run -2 --separate-stderr qts cat --parquet x.parquet -M
	[[ "$stderr" == *"--parquet and --msgpack: one output format"* ]]
	run -2 --separate-stderr qts cat --parquet ''
	[[ "$stderr" == *"--parquet: an empty file name"* ]]
	run -2 --separate-stderr qts cat --parquet
	[[ "$stderr" == *"requires an argument"* ]]
}

# ---- broken files: exit 1, the file and the place named ------------------------------------

@test "parquet: a file cut short: no PAR1 at its end" {
	head -c 2000 "$P/bars-plain-none.parquet" > "$BATS_TEST_TMPDIR/cut.parquet"
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/cut.parquet"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/cut.parquet: not a Parquet file: no PAR1 at its end (cut short?)" ]
}

@test "parquet: a footer length past the file, a corrupt page, a corrupt footer" {
	f=$BATS_TEST_TMPDIR/x.parquet
	size=$(wc -c < "$P/bars-plain-none.parquet")
	cp "$P/bars-plain-none.parquet" "$f"
	printf '\377\377\377\177' | dd of="$f" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null
	run -1 --separate-stderr qts-fetch "$f"
	[ "$stderr" = "qts-fetch: $f: footer of 2147483647 bytes in a file of $size bytes" ]
	# the first page header of the first column overwritten
	cp "$P/bars-plain-none.parquet" "$f"
	printf '\377\377\377\377\377\377\377\377\377\377\377\377' | dd of="$f" bs=1 seek=4 conv=notrunc 2>/dev/null
	run -1 --separate-stderr qts-fetch "$f"
	[[ "$stderr" == "qts-fetch: $f: row group 1, column 'timestamp': page header at byte 4: "* ]]
	# the footer's first byte made an unknown field type
	len=$(od -An -tu4 -j$((size - 8)) -N4 "$f" | tr -d ' ')
	cp "$P/bars-plain-none.parquet" "$f"
	printf '\017' | dd of="$f" bs=1 seek=$((size - 8 - len)) conv=notrunc 2>/dev/null
	run -1 --separate-stderr qts-fetch "$f"
	[[ "$stderr" == "qts-fetch: $f: footer: metadata at byte 1 of its $len: an unknown field type" ]]
}

@test "parquet: --columns names a table's columns in their order" {
	run -1 --separate-stderr qts-fetch -s X --columns a,b,c,d,e,f,g "$P/bars-plain-none.parquet"
	[ "$stderr" = "qts-fetch: $P/bars-plain-none.parquet: --columns names no date, datetime or timestamp column" ]
	run -0 qts-fetch --columns ts,symbol,open,high,low,close,volume "$P/bars-plain-none.parquet"
	[ "$output" = "$(cat "$P/bars-plain-none.expected")" ]
	# a file qts wrote is read as a vendor's table when --columns is given
	grep '^bar,' "$FIX/all-types.csv" > "$BATS_TEST_TMPDIR/b.csv"
	qts cat --parquet "$BATS_TEST_TMPDIR/b.parquet" "$BATS_TEST_TMPDIR/b.csv"
	# (one row, of a time of day: its length is not to be guessed, and
	# was taken for a day)
	run -1 --separate-stderr qts-fetch --columns date,symbol,,open,high,low,close,volume "$BATS_TEST_TMPDIR/b.parquet"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/b.parquet: row 1: one row of ORCL, at a time of day (14:30:00), and no other to measure its bars' length by: give it with -t (1m, 5m, 1h...)" ]
	run -0 qts-fetch -t 1m --columns date,symbol,,open,high,low,close,volume "$BATS_TEST_TMPDIR/b.parquet"
	[ "$output" = "bar,2024-01-02T14:30:00Z,ORCL,1m,37.5,37.62,37.41,37.55,12500" ]
}

@test "parquet: a table without a time column (hyparquet-writer)" {
	run -1 --separate-stderr qts-fetch "$P/no-time-hyparquet.parquet"
	[ "$stderr" = "qts-fetch: $P/no-time-hyparquet.parquet: no date, datetime or timestamp column among the file's columns (--columns NAMES names them)" ]
}

# ---- libsnappy: opened by the first Snappy page, not linked ---------------------------------

@test "parquet: qts and qts-fetch do not link libsnappy, nor the libstdc++ it brings" {
	command -v ldd >/dev/null || skip "ldd is not installed"
	for p in qts qts-fetch; do
		run -0 ldd "$(command -v "$p")"
		[[ "$output" != *libsnappy* ]]
		# the sanitizer runtime (the build `make check` tests) needs libstdc++ itself
		if [[ "$output" != *libasan* && "$output" != *libubsan* ]]; then
			[[ "$output" != *libstdc++* && "$output" != *libgcc_s* ]]
		fi
	done
}

@test "parquet: a libsnappy that does not load fails Snappy pages with why and the package, exit 1" {
	command -v cc >/dev/null || skip "cc is not installed (make deps installs it)"
	# found before the system's: LD_LIBRARY_PATH comes first in dlopen's search
	d=$BATS_TEST_TMPDIR/lib
	mkdir "$d"
	: > "$d/libsnappy.so.1"
	run -1 --separate-stderr env LD_LIBRARY_PATH="$d" qts-fetch "$P/bars-dict-snappy.parquet"
	[ "$stderr" = "qts-fetch: $P/bars-dict-snappy.parquet: row group 1, column 'timestamp': page at byte 4: Snappy: $d/libsnappy.so.1: file too short (Debian package libsnappy1v5)" ]
	# pages not compressed with Snappy need no libsnappy
	run -0 env LD_LIBRARY_PATH="$d" qts-fetch "$P/bars-plain-none.parquet"
	[ "$output" = "$(cat "$P/bars-plain-none.expected")" ]
	# the writer fails before it reads a stream, and leaves no file
	run -1 --separate-stderr env LD_LIBRARY_PATH="$d" qts cat --parquet "$BATS_TEST_TMPDIR/o.parquet" "$FIX/all-types.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/o.parquet: Snappy: $d/libsnappy.so.1: file too short (Debian package libsnappy1v5)" ]
	[ ! -e "$BATS_TEST_TMPDIR/o.parquet" ]
	# a shared object without snappy's functions
	echo 'int not_snappy;' | cc -shared -fPIC -x c -o "$d/libsnappy.so.1" -
	run -1 --separate-stderr env LD_LIBRARY_PATH="$d" qts cat --parquet "$BATS_TEST_TMPDIR/o.parquet" "$FIX/all-types.csv"
	[ "$stderr" = "qts: $BATS_TEST_TMPDIR/o.parquet: Snappy: $d/libsnappy.so.1: undefined symbol: snappy_compress (Debian package libsnappy1v5)" ]
	[ ! -e "$BATS_TEST_TMPDIR/o.parquet" ]
}

@test "parquet: a symbol with a control character is refused, naming the row" {
	printf 'bar,2024-01-01T00:00:00Z,QQ1,1d,1,2,0.5,1.5,10\nbar,2024-01-02T00:00:00Z,QQ1,1d,1,2,0.5,1.5,10\n' |
		qts cat --parquet "$BATS_TEST_TMPDIR/q.parquet"
	patched "$BATS_TEST_TMPDIR/q.parquet" "$BATS_TEST_TMPDIR/t.parquet" 'QQ1' 'Q\tQ'
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/t.parquet"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/t.parquet: row 1: symbol: 'Q\\tQ' holds a control character" ]
	run -0 qts-fetch "$BATS_TEST_TMPDIR/q.parquet"
	[ "${#lines[@]}" -eq 2 ]
}

@test "cat --parquet: a column all of nulls (updates of orders none of which filled) is written and read back" {
	# its values were never allocated: a null pointer to copy no bytes
	# from, undefined behaviour the sanitizers stop on
	cd "$BATS_TEST_TMPDIR"
	printf 'update,2024-01-01T00:00:00Z,A,o1,rejected,0,,no cash\nupdate,2024-01-02T00:00:00Z,B,o2,canceled,0,,\n' > u.csv
	qts cat --parquet "$BATS_TEST_TMPDIR/u.parquet" u.csv
	qts-fetch "$BATS_TEST_TMPDIR/u.parquet" | cmp - u.csv
}

@test "parquet: text that is not UTF-8 (Latin-1 bytes) is refused, naming the row and the field" {
	# written and exit 0 before, then refused by the next stage's reader
	printf 'bar,2024-01-01T00:00:00Z,QQ1,1d,1,2,0.5,1.5,10\nbar,2024-01-02T00:00:00Z,QQ1,1d,1,2,0.5,1.5,10\n' |
		qts cat --parquet "$BATS_TEST_TMPDIR/q.parquet"
	patched "$BATS_TEST_TMPDIR/q.parquet" "$BATS_TEST_TMPDIR/t.parquet" 'QQ1' 'Q\xc9Q'
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/t.parquet"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/t.parquet: row 1: symbol: 'Q\\xc9Q' is not valid UTF-8" ]
	# a field of text other than the symbol: an update's reason
	printf 'update,2024-01-01T00:00:00Z,A,o1,rejected,0,,no cash\n' | qts cat --parquet "$BATS_TEST_TMPDIR/u.parquet"
	patched "$BATS_TEST_TMPDIR/u.parquet" "$BATS_TEST_TMPDIR/v.parquet" 'no cash' 'no ca\xdfh'
	run -1 --separate-stderr qts-fetch "$BATS_TEST_TMPDIR/v.parquet"
	[ "$stderr" = "qts-fetch: $BATS_TEST_TMPDIR/v.parquet: row 1: reason: 'no ca\\xdfh' is not valid UTF-8" ]
}
