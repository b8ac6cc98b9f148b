#!/usr/bin/env bats
# qts journal: the stream kept on disk in blocks that survive whole, and
# replayed; torn and corrupt blocks; rotation; sync.

load helper

setup() {
	T=$BATS_TEST_TMPDIR
	qts-fetch --seed 3 --count 3000 -t 1d synth:AAA,BBB > "$T/bars.csv"
	qts-fetch --seed 3 --count 3000 -t 1d -M synth:AAA,BBB > "$T/bars.mp"
}

# blocks FILE: "offset size count" of each block, from the header fields
# (qts_journal.h: BSIZE at byte 16, the count at 20, little-endian).
blocks() {
	python3 - "$1" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
off = 0
while off + 40 <= len(d):
    size, count = struct.unpack('<II', d[off + 16:off + 24])
    print(off, size, count)
    off += size
EOF
}

# header FILE N FIELD VALUE [recrc]: set a field of the Nth block's header
# (1 the first; count, first_ts or last_known: qts_journal.h) to VALUE
# (an integer, or a time in ns), in place; with recrc its CRC-16 made to
# match again, as a crafted file or a writer's bug would have it.
header() {
	python3 - "$@" <<'EOF'
import struct, sys, zlib
path, n, field, value = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
recrc = len(sys.argv) > 5
d = bytearray(open(path, 'rb').read())
off = 0
for _ in range(n - 1):
    off += struct.unpack('<I', d[off + 16:off + 20])[0]
at, fmt = {'count': (20, '<I'), 'first_ts': (24, '<q'), 'last_known': (32, '<q')}[field]
d[off + at:off + at + struct.calcsize(fmt)] = struct.pack(fmt, value)
if recrc and d[off + 3] & 2:
    d[off + 40:off + 42] = struct.pack('<H', zlib.crc32(bytes(d[off:off + 40])) & 0xffff)
open(path, 'wb').write(d)
EOF
}

# legacy IN OUT: the journal IN as qts wrote it before its block headers
# had a CRC-16 (FLG FEXTRA alone, a header of 40 bytes).
legacy() {
	python3 - "$@" <<'EOF'
import struct, sys
d = open(sys.argv[1], 'rb').read()
out, off = bytearray(), 0
while off < len(d):
    size = struct.unpack('<I', d[off + 16:off + 20])[0]
    b = bytearray(d[off:off + size])
    b[3] = 4
    b[16:20] = struct.pack('<I', size - 2)
    del b[40:42]
    out += b
    off += size
open(sys.argv[2], 'wb').write(out)
EOF
}

@test "qts journal: the stream passes on unchanged, and the journal replays it" {
	run qts journal "$T/j" "$T/bars.csv"
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$T/bars.csv")" ]
	qts journal cat "$T/j" | cmp - "$T/bars.csv"
}

@test "qts journal: msgpack in and out (-M), byte for byte" {
	qts journal -M "$T/j" "$T/bars.mp" | cmp - "$T/bars.mp"
	qts journal cat -M "$T/j" | cmp - "$T/bars.mp"
}

@test "qts journal: a journal is gzip members that zcat and every qts program read" {
	qts journal "$T/j" "$T/bars.csv" > /dev/null
	gzip -t < "$T/j"
	zcat < "$T/j" | qts cat | cmp - "$T/bars.csv"
	qts cat "$T/j" | cmp - "$T/bars.csv"
}

@test "qts journal: blocks close at --block-size, each with its count" {
	qts journal --block-size 4k "$T/j" "$T/bars.csv" > /dev/null
	blocks "$T/j" > "$T/blocks"
	[ "$(wc -l < "$T/blocks")" -gt 20 ]
	# every record is counted once
	[ "$(awk '{ n += $3 } END { print n }' "$T/blocks")" -eq 6000 ]
	[ "$(awk 'END { print $1 + $2 }' "$T/blocks")" -eq "$(stat -c %s "$T/j")" ]
}

@test "qts journal: a second run appends" {
	head -3001 "$T/bars.csv" > "$T/a.csv"
	tail -n +3002 "$T/bars.csv" > "$T/b.csv"
	qts journal "$T/j" "$T/a.csv" > /dev/null
	qts journal "$T/j" "$T/b.csv" > /dev/null
	qts journal cat "$T/j" | cmp - "$T/bars.csv"
}

@test "qts journal: a stream that starts before the journal's end is refused" {
	head -3001 "$T/bars.csv" > "$T/a.csv"
	qts journal "$T/j" "$T/bars.csv" > /dev/null
	run -1 qts journal "$T/j" "$T/a.csv"
	[[ "$output" == *"$T/j: the stream's first record, known at 2024-01-02T00:00:00Z, comes before the journal's end (2035-06-30T00:00:00Z): a journal is one stream in time order (start another file)"* ]]
	qts journal cat "$T/j" | cmp - "$T/bars.csv"
	# after a reopen as while it runs
	qts journal "$T/k" "$T/a.csv" > /dev/null
	run -1 qts journal "$T/k" "$T/a.csv"
	[[ "$output" == *"comes before the journal's end"* ]]
}

@test "qts journal: a restart that goes on with a fill at the open of the bar the journal ends with is taken" {
	# qts-sim writes a fill at the open of the bar it fills on, after that
	# bar (known at its end): a stage restarted between the two goes on
	# with the fill
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,AAA,1d,10,11,9,10.5,100' > "$T/one.csv"
	printf '%s\n' 'fill,2024-01-02T00:00:00Z,AAA,o-1,buy,5,10,0,0' \
		'bar,2024-01-03T00:00:00Z,AAA,1d,10.5,11,10,10.8,100' > "$T/two.csv"
	qts journal "$T/f" "$T/one.csv" > /dev/null
	qts journal "$T/f" "$T/two.csv" > /dev/null
	qts journal cat "$T/f" | cmp - <(cat "$T/one.csv" "$T/two.csv")
}

@test "qts journal: a restart that goes on with an order at the open of the bar the journal ends with is taken, one before it refused" {
	# by the readers' rule: an event not a bar is known no earlier than
	# the latest time of the records before it; a bar ends no earlier
	# than the time they were known by
	printf '%s\n' 'order,2024-01-01T12:00:00Z,AAA,o-0,buy,5,market,,,gtc,s' 'bar,2024-01-02T00:00:00Z,AAA,1d,10,11,9,10.5,100' > "$T/one.csv"
	printf '%s\n' 'order,2024-01-02T00:00:00Z,AAA,o-1,buy,5,market,,,gtc,s' \
		'bar,2024-01-03T00:00:00Z,AAA,1d,10.5,11,10,10.8,100' > "$T/two.csv"
	qts journal "$T/f" "$T/one.csv" > /dev/null
	cp "$T/f" "$T/g"
	qts journal "$T/f" "$T/two.csv" > /dev/null
	qts journal cat "$T/f" | cmp - <(cat "$T/one.csv" "$T/two.csv")
	printf '%s\n' 'order,2024-01-01T23:59:59Z,AAA,o-1,buy,5,market,,,gtc,s' > "$T/early.csv"
	run -1 --separate-stderr qts journal "$T/g" "$T/early.csv"
	[[ "$stderr" == *"$T/g: the stream's first record, known at 2024-01-01T23:59:59Z, comes before the journal's end (2024-01-02T00:00:00Z): a journal is one stream in time order (start another file)" ]]
	printf '%s\n' 'bar,2024-01-02T12:00:00Z,AAA,1h,10,11,9,10.5,100' > "$T/hour.csv"
	run -1 --separate-stderr qts journal "$T/g" "$T/hour.csv"
	[[ "$stderr" == *"$T/g: the stream's first record, known at 2024-01-02T13:00:00Z, comes before the journal's end (2024-01-03T00:00:00Z)"* ]]
	# the latest time from a block before the last: a block of a bar alone
	# that started before it (a run each)
	printf '%s\n' 'order,2024-01-02T06:00:00Z,AAA,o-3,buy,5,market,,,gtc,s' > "$T/late.csv"
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,BBB,1d,10,11,9,10.5,100' > "$T/bbb.csv"
	qts journal "$T/i" "$T/late.csv" > /dev/null
	qts journal "$T/i" "$T/bbb.csv" > /dev/null
	[ "$(blocks "$T/i" | wc -l)" = 2 ]
	printf '%s\n' 'order,2024-01-02T05:00:00Z,AAA,o-2,buy,5,market,,,gtc,s' > "$T/mid.csv"
	run -1 --separate-stderr qts journal "$T/i" "$T/mid.csv"
	[[ "$stderr" == *"comes before the journal's end (2024-01-02T06:00:00Z)"* ]]
	printf '%s\n' 'order,2024-01-02T06:00:00Z,AAA,o-4,buy,5,market,,,gtc,s' > "$T/six.csv"
	qts journal "$T/i" "$T/six.csv" > /dev/null
	qts journal cat "$T/i" | cmp - <(cat "$T/late.csv" "$T/bbb.csv" "$T/six.csv")
}

@test "qts journal: the latest time is read back from up to three blocks, the last among them; beyond that the latest known is the bound" {
	# an order, then weekly bars that started the day before it, a run
	# (a block) each: every block of a bar could hold a later time than
	# the blocks after it, so each is read back
	printf '%s\n' 'order,2024-01-02T06:00:00Z,AAA,o-1,buy,5,market,,,gtc,s' > "$T/order.csv"
	printf '%s\n' 'order,2024-01-02T07:00:00Z,AAA,o-2,buy,5,market,,,gtc,s' > "$T/next.csv"
	for s in AAA BBB CCC; do
		printf 'bar,2024-01-01T00:00:00Z,%s,1w,10,11,9,10.5,100\n' "$s" > "$T/$s.csv"
	done
	qts journal "$T/i" "$T/order.csv" > /dev/null
	qts journal "$T/i" "$T/AAA.csv" > /dev/null
	qts journal "$T/i" "$T/BBB.csv" > /dev/null
	cp "$T/i" "$T/k"
	# the order's block is the third back: its time is read, 07:00 goes on
	qts journal "$T/i" "$T/next.csv" > /dev/null
	qts journal cat "$T/i" | cmp - <(cat "$T/order.csv" "$T/AAA.csv" "$T/BBB.csv" "$T/next.csv")
	# one more bar's block: the order's is the fourth back, not read; the
	# bound is the bars' end, the stricter
	qts journal "$T/k" "$T/CCC.csv" > /dev/null
	[ "$(blocks "$T/k" | wc -l)" = 4 ]
	run -1 --separate-stderr qts journal "$T/k" "$T/next.csv"
	[[ "$stderr" == *"$T/k: the stream's first record, known at 2024-01-02T07:00:00Z, comes before the journal's end (2024-01-08T00:00:00Z)"* ]]
}

@test "qts journal: a torn last block is cut on reopen, with a warning, and no whole record is lost" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	size=$(stat -c %s "$T/j")
	last=$(blocks "$T/j" | tail -1)
	set -- $last
	truncate -s $((size - 100)) "$T/j"
	kept=$(qts journal cat "$T/j" 2> /dev/null | wc -l)
	[ "$kept" -eq $((6000 - $3)) ]
	run -0 qts journal "$T/j" < /dev/null
	[[ "$output" == *"$T/j: cut a torn block at byte $1 ($(($2 - 100)) bytes): what a crash left"* ]]
	[ "$(stat -c %s "$T/j")" -eq "$1" ]
	[ "$(qts journal cat "$T/j" | wc -l)" -eq "$kept" ]
}

@test "qts journal cat: a torn block at the end is said and left out, exit 0" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	set -- $(blocks "$T/j" | tail -1)
	truncate -s $(($1 + 30)) "$T/j"
	run -0 qts journal cat "$T/j"
	[[ "$output" == *"qts journal cat: $T/j: byte $1: a torn block at the end (30 bytes of a block header), as a crash leaves it: left out"* ]]
}

@test "qts journal: a block whose data is garbage at the end (a crash's) is cut on reopen" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	set -- $(blocks "$T/j" | tail -1)
	printf 'XXXXXXXX' | dd of="$T/j" bs=1 seek=$(($1 + 60)) conv=notrunc 2> /dev/null
	run -0 qts journal "$T/j" < /dev/null
	[[ "$output" == *"cut a torn block at byte $1"* ]]
	[ "$(qts journal cat "$T/j" | wc -l)" -eq $((6000 - $3)) ]
}

@test "qts journal cat: a corrupt block in the middle stops with its offset; --salvage skips it and counts" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	set -- $(blocks "$T/j" | sed -n 3p)
	# in its deflate data, past the header
	printf 'XXXXXXXX' | dd of="$T/j" bs=1 seek=$(($1 + 100)) conv=notrunc 2> /dev/null
	before=$(blocks "$T/j" | head -2 | awk '{ n += $3 } END { print n }')
	run -1 --separate-stderr qts journal cat "$T/j"
	[ "$stderr" = "qts journal cat: $T/j: byte $1: a corrupt block (its deflate data is corrupt); --salvage skips it" ]
	# every record before it, then the system event that ends a failed stream
	[ "${#lines[@]}" -eq $((before + 1)) ]
	[[ "${lines[-1]}" == system,*,error,* ]]
	run -0 --separate-stderr qts journal cat --salvage "$T/j"
	[ "${#lines[@]}" -eq $((6000 - $3)) ]
	[[ "$stderr" == *"qts journal cat: $T/j: byte $1: skipped $2 bytes of corrupt data (its deflate data is corrupt)"* ]]
	[[ "$stderr" == *"qts journal cat: --salvage: skipped 1 corrupt region, $2 bytes, $3 records lost" ]]
}

@test "qts journal: a writer does not cut whole blocks after a corrupt header" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	set -- $(blocks "$T/j" | sed -n 3p)
	cp "$T/j" "$T/j.orig"
	printf 'XX' | dd of="$T/j" bs=1 seek=$(($1 + 12)) conv=notrunc 2> /dev/null
	run -1 qts journal "$T/j" < /dev/null
	[[ "$output" == *"$T/j: byte $1: a corrupt block with whole blocks after it (at byte $(($1 + $2))); not appending (qts journal cat --salvage copies what is whole)"* ]]
	[ "$(stat -c %s "$T/j")" -eq "$(stat -c %s "$T/j.orig")" ]
}

@test "qts journal cat: --from, --to and --types" {
	qts journal --block-size 4k "$T/j" "$T/bars.csv" > /dev/null
	qts journal cat --from 2025-03-01 --to 2025-03-31 --types bar "$T/j" > "$T/got"
	awk -F, '$2 >= "2025-03-01" && $2 < "2025-04-01"' "$T/bars.csv" > "$T/want"
	[ -s "$T/want" ]
	cmp "$T/got" "$T/want"
	# none chosen: said, with the span the journal holds
	run -0 --separate-stderr qts journal cat --types fill "$T/j"
	[ -z "$output" ]
	[[ "$stderr" == "qts journal cat: no record of --types fill: the journal's "*" records span "*" to "* ]]
	# --to is not included; a type qts does not know is a type too
	printf 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,100\nsignal,2024-01-02T00:00:00Z,A,1\nbar,2024-01-03T00:00:00Z,A,1d,10,11,9,10.5,100\n' > "$T/s.csv"
	qts journal "$T/s" "$T/s.csv" > /dev/null
	run -0 qts journal cat --to 2024-01-03T00:00:00Z "$T/s"
	[ "${#lines[@]}" -eq 2 ]
	run -0 qts journal cat --to 2024-01-03 "$T/s"
	[ "${#lines[@]}" -eq 3 ]
	run -0 qts journal cat --types signal "$T/s"
	[ "$output" = "signal,2024-01-02T00:00:00Z,A,1" ]
	# a window on the wrong year, and a type of the window missed: the
	# span from the first record's time to the last bar's end
	run -0 --separate-stderr qts journal cat --from 2023-01-01 --to 2023-12-31 "$T/s"
	[ -z "$output" ]
	[ "$stderr" = "qts journal cat: no record within --from and --to: the journal's 3 records span 2024-01-01T00:00:00Z to 2024-01-04T00:00:00Z" ]
	sed 's/2024-01-0/2024-01-1/' "$T/s.csv" | qts journal "$T/s2" > /dev/null
	run -0 --separate-stderr qts journal cat --to 2024-01-01 --types signal,fill "$T/s" "$T/s2"
	[ "$stderr" = "qts journal cat: no record of --types signal,fill within --from and --to: the journals' 6 records span 2024-01-01T00:00:00Z to 2024-01-14T00:00:00Z" ]
	# a record chosen, or no option that chooses: nothing said
	run -0 --separate-stderr qts journal cat --to 2024-01-01 "$T/s"
	[ -z "$stderr" ] && [ "${#lines[@]}" -eq 1 ]
}

@test "qts journal cat: a journal of a stream that failed upstream replays the failure, exit 1 as qts cat" {
	printf 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,100\nsystem,2024-01-02T00:00:00Z,qts-fetch,error,feed lost\n' > "$T/f.csv"
	run -1 --separate-stderr qts journal "$T/f" "$T/f.csv"
	run -1 --separate-stderr qts journal cat "$T/f"
	[ "$stderr" = "qts journal cat: the input is incomplete: qts-fetch failed: feed lost" ]
	[ "${#lines[@]}" -eq 2 ]
	run -1 --separate-stderr qts cat "$T/f.csv"
	[ "$stderr" = "qts: the input is incomplete: qts-fetch failed: feed lost" ]
}

# The stream started again after its failure (a stage restarted from its
# checkpoint) goes on where the records before the failure end.
@test "qts journal: a failure at the journal's end is cut by the next writer, with a warning: the stream goes on unbroken" {
	printf 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,100\nsystem,2024-01-02T00:00:00Z,qts-fetch,error,feed lost\n' > "$T/f.csv"
	run -1 --separate-stderr qts journal "$T/f" "$T/f.csv"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100\n' > "$T/g.csv"
	run -0 --separate-stderr qts journal "$T/f" "$T/g.csv"
	[ "$stderr" = "qts journal: $T/f: the failure that ended its stream (qts-fetch failed: feed lost) cut from its end: the stream goes on" ]
	run -0 --separate-stderr qts journal cat "$T/f"
	[ "$output" = "$(printf 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,100\nbar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100')" ]
	[ -z "$stderr" ]
	# a stage restarted that fails at once dates its failure at the
	# epoch: kept at the journal's end, for the journal to read in order
	# (and no new file of its own with --rotate-daily)
	printf 'system,1970-01-01T00:00:00Z,qts-sim,error,--state S: truncated\n' > "$T/e.csv"
	run -1 --separate-stderr qts journal --rotate-daily "$T/f" "$T/e.csv"
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-sim,error,--state S: truncated" ]
	run -1 --separate-stderr qts journal cat "$T/f"
	[ "${lines[2]}" = "system,2024-01-03T00:00:00Z,qts-sim,error,--state S: truncated" ]
	[ "$stderr" = "qts journal cat: the input is incomplete: qts-sim failed: --state S: truncated" ]
	[ ! -e "$T/f.000001" ]
}

@test "qts journal: what follows a failure at the journal's end is looked at as after any block: torn, cut and said; whole blocks kept" {
	printf 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,100\nsystem,2024-01-02T00:00:00Z,qts-fetch,error,feed lost\n' > "$T/f.csv"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100\n' > "$T/g.csv"
	run -1 --separate-stderr qts journal "$T/f" "$T/f.csv"
	cp "$T/f" "$T/c"
	size=$(stat -c %s "$T/f")
	# a crash's torn block after the failure: cut with it, both said
	printf 'XXXXXXXXXXXX' >> "$T/f"
	run -0 --separate-stderr qts journal "$T/f" "$T/g.csv"
	[ "$stderr" = "qts journal: $T/f: the failure that ended its stream (qts-fetch failed: feed lost) cut from its end: the stream goes on; a torn block after it cut at byte $size (12 bytes): what a crash left" ]
	run -0 --separate-stderr qts journal cat "$T/f"
	[ "$output" = "$(printf 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10,100\nbar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100')" ]
	# a corrupt block with a whole one after it: not cut, not appended to
	set -- $(blocks "$T/c" | head -1)
	{ printf 'XXXXXXXXXXXX'; head -c "$2" "$T/c"; } >> "$T/c"
	cp "$T/c" "$T/c.orig"
	run -1 --separate-stderr qts journal "$T/c" "$T/g.csv"
	[ "$stderr" = "qts journal: $T/c: byte $size: a corrupt block with whole blocks after it (at byte $((size + 12))); not appending (qts journal cat --salvage copies what is whole)" ]
	cmp "$T/c" "$T/c.orig"
}

@test "qts journal: --rotate-size and --rotate-daily start new files that replay in order" {
	qts journal --rotate-size 20k --block-size 4k "$T/r" "$T/bars.csv" > /dev/null
	[ -e "$T/r.000001" ] && [ -e "$T/r.000002" ]
	for f in "$T"/r.0*; do [ "$(stat -c %s "$f")" -lt $((20 * 1024 + 4 * 1024 + 1024)) ]; done
	qts journal cat "$T"/r.0* "$T/r" | cmp - "$T/bars.csv"
	head -21 "$T/bars.csv" > "$T/ten-days.csv"
	qts journal --rotate-daily "$T/d" "$T/ten-days.csv" > /dev/null
	# 21 bars: ten days of two symbols and one of the eleventh
	[ "$(ls "$T"/d.0* | wc -l)" -eq 10 ]
	[ "$(qts journal cat "$T/d.000003" | cut -d, -f2 | sort -u)" = "2024-01-03T00:00:00Z" ]
	qts journal cat "$T"/d.0* "$T/d" | cmp - "$T/ten-days.csv"
	# a day of them out of the whole: the other files are skipped unread,
	# not said to be empty; an empty file still is
	run -0 --separate-stderr qts journal cat --from 2024-01-03 --to 2024-01-03 "$T"/d.0* "$T/d"
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$stderr" ]
	: > "$T/empty"
	run -0 --separate-stderr qts journal cat --from 2024-01-03 "$T/empty"
	[ "$stderr" = "qts journal cat: $T/empty: no events (empty input)" ]
	# named out of order, or one twice: no stream out of time order with
	# exit 0, which every stage refused; the records before it go out
	run -1 --separate-stderr qts journal cat "$T/d" "$T"/d.0*
	[[ "$stderr" == "qts journal cat: $T/d.000001: event 1 (byte 0): AAA 1d bar at $(head -1 "$T/ten-days.csv" | cut -d, -f2), after an event at "*" in the journals before it: out of time order (name a journal's rotated files first, oldest first: journal.* journal)" ]]
	[ "${lines[0]}" = "$(tail -1 "$T/ten-days.csv")" ]
	[[ "${lines[1]}" == system,*,qts\ journal\ cat,error,* ]]
	[ "${#lines[@]}" -eq 2 ]
	run -1 --separate-stderr qts journal cat "$T/d.000002" "$T/d.000003" "$T/d.000002"
	[[ "$stderr" == *"$T/d.000002: event 1 (byte 0): "*" in the journals before it: out of time order"* ]]
	[ "${#lines[@]}" -eq 5 ]
}

@test "qts journal cat: a bad end of a rotated file is corruption, not a torn block: exit 1 naming the file and byte" {
	qts journal --rotate-size 20k --block-size 4k "$T/q" "$T/bars.csv" > /dev/null
	[ -e "$T/q.000001" ] && [ -e "$T/q.000002" ]
	size=$(stat -c %s "$T/q.000001")
	truncate -s $((size - 10)) "$T/q.000001"
	run -1 --separate-stderr qts journal cat "$T"/q.0* "$T/q"
	[[ "$stderr" == "qts journal cat: $T/q.000001: byte "*" at the end of a rotated file, which no crash tears; --salvage skips it" ]]
	# the records before it, whole, then the error as an event
	[[ "${lines[-1]}" == "system,"*",qts journal cat,error,"*"at the end of a rotated file"* ]]
	n=$((${#lines[@]} - 1))
	[ "$n" -gt 0 ]
	head -n "$n" <<<"$output" | cmp - <(head -n "$n" "$T/bars.csv")
	run -0 --separate-stderr qts journal cat --salvage "$T"/q.0* "$T/q"
	[[ "$stderr" == *"records lost"* ]]
	# the live file's torn end is still a crash's, left out
	cp "$T/q" "$T/live"
	truncate -s $(($(stat -c %s "$T/live") - 10)) "$T/live"
	run -0 --separate-stderr qts journal cat "$T/live"
	[[ "$stderr" == *"a torn block at the end"*"as a crash leaves it: left out" ]]
}

@test "qts journal: a file left without a whole block (a crash just after a rotation) goes on from where the rotated files end" {
	head -21 "$T/bars.csv" > "$T/ten-days.csv"
	qts journal --rotate-daily "$T/d" "$T/ten-days.csv" > /dev/null
	# renamed, and a new file with nothing whole in it
	mv "$T/d" "$T/d.000011"
	head -c 12 /dev/zero > "$T/d"
	# the stream again from its start: refused, as if the file were whole
	run -1 --separate-stderr qts journal --rotate-daily "$T/d" "$T/ten-days.csv"
	[ "$(tail -n 1 "$T/ten-days.csv" | cut -d, -f2)" = 2024-01-15T00:00:00Z ]
	[[ "$stderr" == *"ten-days.csv:1: $T/d: the stream's first record, known at 2024-01-02T00:00:00Z, comes before the journal's end (2024-01-16T00:00:00Z): a journal is one stream in time order (start another file)" ]]
	# from where it ends: it goes on, and a failure dated at the epoch
	# is kept at the end
	printf 'bar,2024-01-16T00:00:00Z,AAA,1d,10,11,9,10,100\n' > "$T/next.csv"
	run -0 --separate-stderr qts journal --rotate-daily "$T/d" "$T/next.csv"
	printf 'system,1970-01-01T00:00:00Z,qts-sim,error,--state S: truncated\n' > "$T/e.csv"
	run -1 --separate-stderr qts journal --rotate-daily "$T/d" "$T/e.csv"
	run -1 --separate-stderr qts journal cat "$T"/d.0* "$T/d"
	[ "${#lines[@]}" -eq 23 ]
	[ "${lines[21]}" = "bar,2024-01-16T00:00:00Z,AAA,1d,10,11,9,10,100" ]
	[ "${lines[22]}" = "system,2024-01-17T00:00:00Z,qts-sim,error,--state S: truncated" ]
	# and with the failure alone in the new file, the next writer cuts it
	# and checks its first record against the rotated files' end
	mv "$T/d" "$T/d.000012"
	run -1 --separate-stderr qts journal "$T/d" "$T/e.csv"
	run -1 --separate-stderr qts journal "$T/d" "$T/ten-days.csv"
	[[ "$stderr" == *"comes before the journal's end (2024-01-17T00:00:00Z)"* ]]
}

@test "qts journal --rotate-daily: a writer that reopens the journal splits its files where one writer would, whatever the times of its last record" {
	# a fill at midnight (known at once) and a weekly bar (known a week
	# later): the file's day is its records', not the day they became known
	for stream in 'fill,2024-01-02T00:00:00Z,A,o1,buy,1,1,0,0|fill,2024-01-02T05:00:00Z,A,o2,buy,1,1,0,0|fill,2024-01-03T00:00:00Z,A,o3,buy,1,1,0,0' \
		'bar,2024-01-01T00:00:00Z,A,1w,1,1,1,1,1|bar,2024-01-07T00:00:00Z,A,1d,1,1,1,1,1|bar,2024-01-08T00:00:00Z,A,1d,1,1,1,1,1'; do
		rm -f "$T"/one* "$T"/two*
		tr '|' '\n' <<<"$stream" > "$T/s.csv"
		qts journal --rotate-daily "$T/one" "$T/s.csv" > /dev/null
		for n in 1 2 3; do
			sed -n "${n}p" "$T/s.csv" | qts journal --rotate-daily "$T/two" > /dev/null
		done
		[ "$(cd "$T" && ls one* | sed 's/^one//')" = "$(cd "$T" && ls two* | sed 's/^two//')" ]
		[ "$(ls "$T"/one* | wc -l)" -ge 2 ]
		for f in "$T"/one*; do cmp <(qts journal cat "$f") <(qts journal cat "$T/two${f#"$T/one"}"); done
	done
}

@test "qts journal: --sync block, none and a duration all keep every record" {
	for s in block none 200ms; do
		rm -f "$T/j"
		qts journal --sync "$s" "$T/j" "$T/bars.csv" > /dev/null
		qts journal cat "$T/j" | cmp - "$T/bars.csv"
	done
}

@test "qts journal: a paused input is written out before it resumes" {
	mkfifo "$T/fifo"
	( head -5 "$T/bars.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts journal "$T/j" "$T/fifo" > /dev/null &
	pid=$!
	for _ in $(seq 100); do
		[ "$(qts journal cat "$T/j" 2> /dev/null | wc -l)" -eq 5 ] && break
		sleep 0.1
	done
	[ "$(qts journal cat "$T/j" | wc -l)" -eq 5 ]
	kill -TERM $pid
	wait $pid || [ $? -eq 143 ]
	kill $feeder 2> /dev/null || true
}

@test "qts journal: SIGTERM writes what was taken, and the journal holds what went on" {
	mkfifo "$T/fifo"
	( cat "$T/bars.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts journal --sync none --block-size 1M "$T/j" "$T/fifo" > "$T/out" &
	pid=$!
	for _ in $(seq 100); do
		[ "$(wc -l < "$T/out")" -ge 6000 ] && break
		sleep 0.1
	done
	kill -TERM $pid
	status=0
	wait $pid || status=$?
	kill $feeder 2> /dev/null || true
	[ "$status" -eq 143 ]
	# all it passed on but the system event that ends the stream
	[ "$(tail -1 "$T/out")" = "system,2035-06-30T00:00:00Z,qts journal,error,stopped by signal 15 (SIGTERM)" ]
	head -n -1 "$T/out" > "$T/passed"
	[ "$(wc -l < "$T/passed")" -eq 6000 ]
	qts journal cat "$T/j" | cmp - "$T/passed"
}

@test "qts journal: --heartbeat counts records, blocks and bytes" {
	mkfifo "$T/fifo"
	( head -5 "$T/bars.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts journal --heartbeat 100ms "$T/j" "$T/fifo" > "$T/out" &
	pid=$!
	for _ in $(seq 100); do
		grep -q 'records=5 blocks=1' "$T/out" && break
		sleep 0.1
	done
	kill -TERM $pid
	wait $pid || true
	kill $feeder 2> /dev/null || true
	grep -q '^system,.*,qts-journal,info,heartbeat in=5 out=5 records=5 blocks=1 bytes=' "$T/out"
}

@test "qts journal: usage errors exit 2" {
	run -2 qts journal
	[[ "$output" == *"qts journal: no journal FILE given"* ]]
	run -2 qts journal --sync often "$T/j"
	[[ "$output" == *"--sync: 'often' is not block, none or a positive duration (1s, 100ms)"* ]]
	run -2 qts journal --block-size 10 "$T/j"
	[[ "$output" == *"--block-size: '10' is not a size from 1024 to 16777216 bytes (64k, 100M, 2G)"* ]]
	run -2 qts journal --block-size 17M "$T/j"
	run -2 qts journal --rotate-size 1x "$T/j"
	[[ "$output" == *"--rotate-size: '1x' is not a size"* ]]
	run -2 qts journal cat
	[[ "$output" == *"qts journal cat: no journal FILE given"* ]]
	run -2 qts journal cat --types bar,Nope "$T/j"
	[[ "$output" == *"--types: 'Nope' is not an event type (a lowercase name: bar, fill, signal...)"* ]]
	run -2 qts journal cat --types "$(printf 't%d,' $(seq 17))bar" "$T/j"
	[[ "$output" == *"--types: more than 16 types qts does not know"* ]]
	run -2 qts journal cat --from 2024-02-01 --to 2024-01-01 "$T/j"
	[[ "$output" == *"--to is not after --from"* ]]
	run -2 qts journal cat --from yesterday "$T/j"
	[[ "$output" == *"--from: 'yesterday' is not a time (RFC 3339 or YYYY-MM-DD)"* ]]
	run -2 qts journal cat --to 3000-01-01 "$T/j"
	[[ "$output" == *"--to: '3000-01-01' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)"* ]]
}

@test "qts journal: files that cannot be used exit 1" {
	run -1 qts journal "$T/nodir/j" < /dev/null
	[[ "$output" == *"qts journal: $T/nodir/j: open: No such file or directory"* ]]
	run -1 qts journal "$T" < /dev/null
	[[ "$output" == *"qts journal: $T: "* ]]
	run -1 --separate-stderr qts journal cat "$T/missing"
	[ "$stderr" = "qts journal cat: $T/missing: No such file or directory" ]
	echo 'not a journal' > "$T/text"
	run -1 --separate-stderr qts journal cat "$T/text"
	[ "$stderr" = "qts journal cat: $T/text: byte 0: a corrupt block (not a block header); --salvage skips it" ]
}

@test "qts journal: a disk that fills up is said once, exit 1, and the journal keeps its whole blocks" {
	qts-fetch --count 3000 synth:A > "$T/in.csv"
	# a file size limit stands for a full disk (write fails, EFBIG)
	run -1 --separate-stderr bash -c 'ulimit -f 8; trap "" XFSZ; qts journal "$1" "$2" > /dev/null' sh "$T/j" "$T/in.csv"
	[ "$stderr" = "qts journal: $T/in.csv:1024: $T/j: write: File too large" ]
	qts journal cat "$T/j" | cmp - <(head -n "$(qts journal cat "$T/j" | wc -l)" "$T/in.csv")
}

@test "qts journal: --help names every option" {
	run -0 qts journal --help
	for o in --sync --block-size --rotate-size --rotate-daily --heartbeat --msgpack; do
		[[ "$output" == *"$o"* ]]
	done
	run -0 qts journal cat --help
	for o in --from --to --types --salvage --msgpack; do
		[[ "$output" == *"$o"* ]]
	done
}

@test "qts journal: a file that is no journal is left whole, exit 1; one of zeros (a crash's first block) is cut; the journal as its own input is refused, exit 2" {
	cp "$T/bars.csv" "$T/events.csv"
	run -1 --separate-stderr qts journal "$T/events.csv" < /dev/null
	[ "$stderr" = "qts journal: $T/events.csv: not a qts journal (no journal block at its start); not appending to it" ]
	cmp "$T/events.csv" "$T/bars.csv"
	gzip -c "$T/bars.csv" > "$T/plain.gz"
	cp "$T/plain.gz" "$T/plain.gz.orig"
	run -1 qts journal "$T/plain.gz" < /dev/null
	cmp "$T/plain.gz" "$T/plain.gz.orig"
	head -c 3000 /dev/zero > "$T/z"
	run -0 --separate-stderr qts journal "$T/z" "$T/bars.csv"
	[[ "$stderr" == *"$T/z: cut a torn block at byte 0 (3000 bytes): what a crash left"* ]]
	qts journal cat "$T/z" | cmp - "$T/bars.csv"
	run -2 --separate-stderr qts journal "$T/z" "$T/z"
	[ "$stderr" = "qts journal: the journal '$T/z' is an input: it would be written while it is read" ]
	qts journal cat "$T/z" | cmp - "$T/bars.csv"
}

@test "qts journal: with its last block cut on reopen, the journal ends where the block before it did: a stream from before that is refused" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	set -- $(blocks "$T/j" | tail -1)
	# the last block's data damaged, its header whole: cut on reopen
	printf 'XXXXXXXX' | dd of="$T/j" bs=1 seek=$(($1 + 60)) conv=notrunc 2> /dev/null
	kept=$((6000 - $3))
	run -1 --separate-stderr qts journal "$T/j" <(head -n 1 "$T/bars.csv")
	[[ "$stderr" == *"cut a torn block at byte $1"* ]]
	[[ "$stderr" == *"comes before the journal's end ("* ]]
	[ "$(qts journal cat "$T/j" | wc -l)" -eq "$kept" ]
}

@test "--state -: refused, exit 2 (the state's images would go into the event stream)" {
	for p in "qts-resample 1d" "qts-sim" "qts-strategy sma-cross" "qts-risk"; do
		set -- $p
		run -2 --separate-stderr "$1" --state - ${2:-} "$T/bars.csv"
		[[ "$stderr" == *"--state: '-' is the standard output, where the events go; a state is a file"* ]]
		[ -z "$output" ]
	done
}

@test "qts journal cat: zeros or garbage after the last whole block (a crash's) are a torn end, left out with a warning, exit 0, as qts journal cuts them" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	size=$(stat -c %s "$T/j")
	cp "$T/j" "$T/z"
	head -c 3000 /dev/zero >> "$T/z"
	run -0 --separate-stderr qts journal cat "$T/z"
	[ "$stderr" = "qts journal cat: $T/z: byte $size: a torn block at the end (not a block header), as a crash leaves it: left out" ]
	cmp <(printf '%s\n' "$output") "$T/bars.csv"
	# a whole header, then garbage where its data was to be
	set -- $(blocks "$T/j" | tail -1)
	cp "$T/j" "$T/g"
	printf 'XXXXXXXX' | dd of="$T/g" bs=1 seek=$(($1 + 60)) conv=notrunc 2> /dev/null
	run -0 --separate-stderr qts journal cat "$T/g"
	[[ "$stderr" == "qts journal cat: $T/g: byte $1: a torn block at the end ("*"), as a crash leaves it: left out" ]]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq $((6000 - $3)) ]
	# a file of zeros alone: no record, no error
	head -c 3000 /dev/zero > "$T/zeros"
	run -0 qts journal cat "$T/zeros"
}

@test "qts journal: a block's header is under its own CRC-16 (gzip's FHCRC), which zcat checks too" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	# FLG of every block: FEXTRA and FHCRC
	[ "$(blocks "$T/j" | while read -r off size count; do od -An -tu1 -j $((off + 3)) -N1 "$T/j"; done | sort -u | tr -d ' ')" = 6 ]
	zcat "$T/j" | qts cat | cmp - "$T/bars.csv"
	header "$T/j" 2 count 7
	run ! sh -c 'zcat "$1" > /dev/null 2>&1' sh "$T/j"
}

@test "qts journal cat: a block header whose count or times are corrupt stops the replay at its offset, exit 1; --from skips no block on its word" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	set -- $(blocks "$T/j" | sed -n 3p)
	before=$(blocks "$T/j" | head -2 | awk '{ n += $3 } END { print n }')
	# its times made the epoch: --from would skip it, its records lost
	for f in first_ts last_known; do
		cp "$T/j" "$T/bad"
		header "$T/bad" 3 "$f" 0
		run -1 --separate-stderr qts journal cat --from 2024-01-01 "$T/bad"
		[ "$stderr" = "qts journal cat: $T/bad: byte $1: a corrupt block (its header fails its CRC-16); --salvage skips it" ]
	done
	cp "$T/j" "$T/bad"
	header "$T/bad" 3 count 1
	run -1 --separate-stderr qts journal cat "$T/bad"
	[ "$stderr" = "qts journal cat: $T/bad: byte $1: a corrupt block (its header fails its CRC-16); --salvage skips it" ]
	[ "${#lines[@]}" -eq $((before + 1)) ]
	run -0 --separate-stderr qts journal cat --salvage "$T/bad"
	[ "${#lines[@]}" -eq $((6000 - $3)) ]
	# its count is not believed
	[[ "$stderr" == *"qts journal cat: --salvage: skipped 1 corrupt region, $2 bytes, at least 0 records lost" ]]
}

# A header under a CRC-16 is believed: a replay does not read its records
# twice to check it (a third of its time), and they go out as they are.
@test "qts journal cat: a header under a CRC-16 that holds is believed, its records going out as they are; one of no block's (a crafted file) is refused" {
	qts journal --block-size 8k "$T/j" "$T/bars.csv" > /dev/null
	set -- $(blocks "$T/j" | sed -n 3p)
	cp "$T/j" "$T/bad"
	header "$T/bad" 3 count $(($3 + 1)) recrc
	qts journal cat "$T/bad" | cmp - "$T/bars.csv"
	cp "$T/j" "$T/bad"
	header "$T/bad" 3 first_ts 0 recrc
	qts journal cat "$T/bad" | cmp - "$T/bars.csv"
	# no block's: a count of none
	cp "$T/j" "$T/bad"
	header "$T/bad" 3 count 0 recrc
	run -1 --separate-stderr qts journal cat "$T/bad"
	[ "$stderr" = "qts journal cat: $T/bad: byte $1: a corrupt block (its header's size, count or times are not a block's); --salvage skips it" ]
}

@test "qts journal: a journal written before the CRC-16 is read, its headers believed once its records agree; appended to, it goes on in blocks with the CRC-16" {
	qts journal --block-size 8k "$T/new" "$T/bars.csv" > /dev/null
	legacy "$T/new" "$T/j"
	qts journal cat "$T/j" | cmp - "$T/bars.csv"
	zcat "$T/j" | qts cat | cmp - "$T/bars.csv"
	# --from, --to over old blocks
	qts journal cat --from 2025-01-01 --to 2025-06-01 "$T/new" > "$T/want"
	[ -s "$T/want" ]
	qts journal cat --from 2025-01-01 --to 2025-06-01 "$T/j" | cmp - "$T/want"
	# a corrupt time or count in an old header: the block's records say so
	set -- $(blocks "$T/j" | sed -n 3p)
	cp "$T/j" "$T/bad"
	header "$T/bad" 3 last_known 0
	header "$T/bad" 3 first_ts 0
	run -1 --separate-stderr qts journal cat --from 2024-01-01 "$T/bad"
	[[ "$stderr" == "qts journal cat: $T/bad: byte $1: a corrupt block (its header's times (1970-01-01T00:00:00Z to 1970-01-01T00:00:00Z) are not its records' ("*")); --salvage skips it" ]]
	cp "$T/j" "$T/bad"
	header "$T/bad" 3 count $(($3 - 1))
	run -1 --separate-stderr qts journal cat "$T/bad"
	[ "$stderr" = "qts journal cat: $T/bad: byte $1: a corrupt block (its header counts $(($3 - 1)) records, its data holds $3); --salvage skips it" ]
	# appended to: old blocks, then new ones
	printf 'bar,2040-01-02T00:00:00Z,AAA,1d,1,2,0.5,1.5,100\nbar,2040-01-03T00:00:00Z,AAA,1d,1.5,2,1,1.25,200\n' > "$T/more.csv"
	qts journal --block-size 8k "$T/j" "$T/more.csv" > /dev/null
	cat "$T/bars.csv" "$T/more.csv" > "$T/all.csv"
	qts journal cat "$T/j" | cmp - "$T/all.csv"
	set -- $(blocks "$T/j" | tail -1)
	[ "$(od -An -tu1 -j $(($1 + 3)) -N1 "$T/j" | tr -d ' ')" = 6 ]
}

@test "qts journal: a stage restarted from its state believes its output journal's block counts only when checked; a corrupt one is refused with its offset, never miscounted" {
	qts-fetch --seed 5 --count 4000 -t 1m synth:AAA > "$T/in.csv"
	head -n 2000 "$T/in.csv" > "$T/first.csv"
	qts-resample 5m "$T/in.csv" > "$T/ref.csv"
	qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/first.csv" | qts journal --block-size 1k "$T/J" > /dev/null
	cp "$T/J" "$T/J.good"
	cp "$T/S" "$T/S.good"
	set -- $(blocks "$T/J" | sed -n 2p)
	header "$T/J" 2 count $(($3 + 5))
	run -1 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[ "$stderr" = "qts-resample: --output-journal $T/J: byte $1: a corrupt block (its header fails its CRC-16) with whole blocks after it (at byte $(($1 + $2))): the journal's records cannot be counted" ]
	# a header that is no longer one: not a count that stops short there
	cp "$T/J.good" "$T/J"
	printf '\0' | dd of="$T/J" bs=1 seek="$1" conv=notrunc 2> /dev/null
	run -1 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[ "$stderr" = "qts-resample: --output-journal $T/J: byte $1: a corrupt block (not a block header) with whole blocks after it (at byte $(($1 + $2))): the journal's records cannot be counted" ]
	# written before the CRC-16: the block's records say what its count is
	legacy "$T/J.good" "$T/J"
	set -- $(blocks "$T/J" | sed -n 2p)
	header "$T/J" 2 count $(($3 + 5))
	run -1 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[ "$stderr" = "qts-resample: --output-journal $T/J: byte $1: a corrupt block (its header counts $(($3 + 5)) records, its data holds $3): the journal's records cannot be counted" ]
	# whole, old or new: the restart on the grown input ends as one run's
	for kind in new old; do
		cp "$T/S.good" "$T/S"
		cp "$T/J.good" "$T/J"
		[ "$kind" = new ] || legacy "$T/J.good" "$T/J"
		qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv" | qts journal "$T/J" > /dev/null
		qts journal cat "$T/J" | cmp - "$T/ref.csv"
	done
}

@test "qts journal: a bad block whose size (a header before the CRC-16) spans whole blocks to the file's end is corruption: neither cut with them nor counted short by a restart" {
	qts-fetch --seed 5 --count 4000 -t 1m synth:AAA > "$T/in.csv"
	head -n 2000 "$T/in.csv" > "$T/first.csv"
	qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/first.csv" | qts journal --block-size 1k "$T/new" > /dev/null
	legacy "$T/new" "$T/J"
	size=$(stat -c %s "$T/J")
	set -- $(blocks "$T/J" | tail -2 | head -1)
	python3 -c 'import struct, sys; d = bytearray(open(sys.argv[1], "rb").read()); o = int(sys.argv[2]); d[o + 16:o + 20] = struct.pack("<I", len(d) - o); open(sys.argv[1], "wb").write(d)' "$T/J" "$1"
	cp "$T/J" "$T/J.bad"
	run -1 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[[ "$stderr" == "qts-resample: --output-journal $T/J: byte $1: a corrupt block ("*") with whole blocks after it (at byte $(($1 + $2))): the journal's records cannot be counted" ]]
	run -1 --separate-stderr qts journal "$T/J" < /dev/null
	[[ "$stderr" == *"$T/J: byte $1: a corrupt block with whole blocks after it (at byte $(($1 + $2))); not appending"* ]]
	cmp "$T/J" "$T/J.bad"
	run -1 --separate-stderr qts journal cat "$T/J"
	[[ "$stderr" == "qts journal cat: $T/J: byte $1: a corrupt block ("*"); --salvage skips it" ]]
}

@test "qts journal: a file left without a whole block whose latest rotated file is corrupt is not appended to as if the journal had no end" {
	head -n 400 "$T/bars.csv" > "$T/part.csv"
	qts journal --block-size 1k "$T/r" "$T/part.csv" > /dev/null
	mv "$T/r" "$T/r.000001"
	: > "$T/r"
	set -- $(blocks "$T/r.000001" | sed -n 2p)
	printf '\0' | dd of="$T/r.000001" bs=1 seek="$1" conv=notrunc 2> /dev/null
	# the stream again from its start: out of order after r.000001
	run -1 --separate-stderr qts journal "$T/r" "$T/part.csv"
	[[ "$stderr" == *"$T/r.000001: byte $1: a corrupt block with whole blocks after it (at byte $(($1 + $2))); not appending"* ]]
	[ ! -s "$T/r" ]
}

@test "qts journal: reports appended are held to the journal's reports of their symbol, and the first record after them to its end" {
	printf '%s\n' 'bar,2024-01-02T14:30:00Z,AAPL,1m,100,100,100,100,1000' \
		'update,2024-01-02T14:31:00Z,AAPL,o-1,accepted,0,,' 'bar,2024-01-02T14:35:00Z,AAPL,1m,100,100,100,100,1000' > "$T/one.csv"
	qts journal "$T/r" "$T/one.csv" > /dev/null
	cp "$T/r" "$T/s"
	# a report of another symbol, then a bar known before the end: the bar is held to the end
	printf '%s\n' 'position,2024-01-02T14:31:00Z,MSFT,10,100,1000,0,0' 'bar,2024-01-02T14:31:00Z,AAPL,1m,100,100,100,100,1000' > "$T/two.csv"
	run -1 --separate-stderr qts journal "$T/r" "$T/two.csv"
	[[ "$stderr" == *"qts journal: $T/two.csv:2: $T/r: the stream's first record after its reports, known at 2024-01-02T14:32:00Z, comes before the journal's end (2024-01-02T14:36:00Z): a journal is one stream in time order (start another file)" ]]
	# what came before it is in the journal, and it reads in order
	qts journal cat "$T/r" | cmp - <(cat "$T/one.csv"; head -1 "$T/two.csv")
	# a report of AAPL dated before the journal's report of AAPL, even after a bar
	printf '%s\n' 'bar,2024-01-02T14:36:00Z,AAPL,1m,100,100,100,100,1000' 'position,2024-01-02T14:30:00Z,AAPL,10,100,1000,0,0' > "$T/three.csv"
	run -1 --separate-stderr qts journal "$T/s" "$T/three.csv"
	[[ "$stderr" == *"qts journal: $T/three.csv:2: $T/s: the stream's position of AAPL at 2024-01-02T14:30:00Z comes before the journal's report of that symbol at 2024-01-02T14:31:00Z: a journal is one stream in time order (start another file)" ]]
	qts journal cat "$T/s" > /dev/null
	# at or after it, and of a symbol without one later: taken
	printf '%s\n' 'position,2024-01-02T14:31:00Z,AAPL,10,100,1000,0,0' 'fill,2024-01-02T14:30:00Z,MSFT,m-1,buy,10,100,0,0' \
		'bar,2024-01-02T14:37:00Z,AAPL,1m,100,100,100,100,1000' > "$T/four.csv"
	qts journal "$T/s" "$T/four.csv" > /dev/null
	qts journal cat "$T/s" | cmp - <(cat "$T/one.csv"; head -1 "$T/three.csv"; cat "$T/four.csv")
}

@test "qts journal: an appended report is checked against the reports of the latest rotated file when the current one is new" {
	# rotated, the next file not begun (as a crash right after a rotation leaves it)
	printf '%s\n' 'update,2024-01-02T14:31:00Z,AAPL,o-1,accepted,0,,' 'bar,2024-01-02T14:35:00Z,AAPL,1m,100,100,100,100,1000' > "$T/one.csv"
	qts journal "$T/q" "$T/one.csv" > /dev/null
	mv "$T/q" "$T/q.000001"
	printf '%s\n' 'position,2024-01-02T14:30:00Z,AAPL,10,100,1000,0,0' > "$T/early.csv"
	run -1 --separate-stderr qts journal "$T/q" "$T/early.csv"
	[[ "$stderr" == *"the stream's position of AAPL at 2024-01-02T14:30:00Z comes before the journal's report of that symbol at 2024-01-02T14:31:00Z"* ]]
}
