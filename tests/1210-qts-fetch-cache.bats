#!/usr/bin/env bats
# qts-fetch's cache of network history: its options, --cache-list,
# --cache-clear, --offline with nothing cached, and where the cache is
# (--cache-dir, XDG_CACHE_HOME, HOME).  The cache's behaviour (hits,
# spans lacking, bars not final, --max-age, atomic writes) is proven in
# tests/unit/test_cache.c against a source defined there.

load helper

setup() {
	T=$BATS_TEST_TMPDIR
	export XDG_CACHE_HOME=$T/xdg HOME=$T/home
	mkdir -p "$HOME"
}

# An entry as qts-fetch writes it (lib/cache_priv.h): the header, daily
# bars from FROM as a zstd frame (one raw block, no checksum), no actions.
# mkentry DIR SOURCE SYMBOL FROM TO FETCHED BARS [adj]
mkentry() {
	python3 - "$@" <<'EOF'
import os, struct, sys
from datetime import datetime, timezone
d, source, symbol, frm, to, fetched, bars = sys.argv[1:8]
adj = len(sys.argv) > 8
ns = lambda s: int(datetime.fromisoformat(s).replace(tzinfo=timezone.utc).timestamp()) * 10**9
frm, to, fetched, bars = ns(frm), ns(to), ns(fetched), int(bars)
body = b"".join(struct.pack("<q5d", frm + i * 86400 * 10**9, 10 + i, 11 + i, 9 + i, 10.5 + i, 100)
                for i in range(bars))
frame = b"\x28\xb5\x2f\xfd" + bytes([0xa0]) + struct.pack("<I", len(body)) \
        + (1 | len(body) << 3).to_bytes(3, "little") + body
pad = lambda s, n: s.encode().ljust(n, b"\0")
head = b"QTSCACHE" + struct.pack("<II", 1, 48) + struct.pack("<qqqQQQQ", frm, to, fetched, bars,
        len(frame), 0, 1 if adj else 0) + pad(source, 32) + pad(symbol, 64) + pad("1d", 16) \
        + pad(symbol, 32) + pad("1d", 16)
head = head.ljust(256, b"\0")
os.makedirs(f"{d}/{source}", exist_ok=True)
with open(f"{d}/{source}/{symbol}.1d{'.adj' if adj else ''}.qtc", "wb") as f:
    f.write(head + frame)
EOF
}

# ---- option errors ----------------------------------------------------------

@test "--max-age takes a positive duration" {
	for bad in 0 -1h abc 12; do
		run -2 --separate-stderr qts-fetch --max-age "$bad" synth:A
		[ "${stderr_lines[0]}" = "qts-fetch: --max-age: '$bad' is not a positive duration (30m, 12h, 7d)" ]
	done
	run -2 --separate-stderr qts-fetch --max-age 7d --count 2 synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --no-cache, --offline, --max-age or --cache-dir acts on network sources alone, and no source here is one" ]
}

@test "--cache-dir takes a name, --offline not with --no-cache, --cache-list not with --cache-clear" {
	run -2 --separate-stderr qts-fetch --cache-dir '' synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --cache-dir: an empty file name" ]
	run -2 --separate-stderr qts-fetch --offline --no-cache synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --offline reads the cache, which --no-cache turns off" ]
	run -2 --separate-stderr qts-fetch --cache-list --cache-clear
	[ "${stderr_lines[0]}" = "qts-fetch: --cache-list and --cache-clear go one at a time" ]
	run -2 --separate-stderr qts-fetch --max-age
	[[ "${stderr_lines[0]}" == *"option '--max-age' requires an argument"* ]]
}

@test "the cache options without a network source would do nothing: refused, and no cache is made" {
	for o in "--cache-dir $T/c" "--max-age 1h" --offline --no-cache; do
		run -2 --separate-stderr qts-fetch $o --count 5 synth:A
		[ "${stderr_lines[0]}" = "qts-fetch: --no-cache, --offline, --max-age or --cache-dir acts on network sources alone, and no source here is one" ]
		[ "$output" = "" ]
	done
	[ ! -e "$T/c" ] && [ ! -e "$XDG_CACHE_HOME/qts" ]
}

# ---- --cache-list ------------------------------------------------------------

@test "--cache-list: nothing cached, nothing listed, no SOURCE needed" {
	run -0 --separate-stderr qts-fetch --cache-list
	[ -z "$output" ] && [ -z "$stderr" ]
	[ ! -e "$XDG_CACHE_HOME/qts" ]
}

@test "--cache-list: a line per entry, sorted, tab-separated fields awk reads" {
	C=$XDG_CACHE_HOME/qts
	mkentry "$C" stooq SPY 2024-01-01 2024-01-06 2024-06-01T12:00:00 5
	mkentry "$C" stooq AAPL 2024-01-01 2024-01-04 2024-06-02T08:30:00 3
	mkentry "$C" yahoo AAPL 2024-01-01 2024-01-03 2024-06-03T00:00:00 2 adj
	run -0 --separate-stderr qts-fetch --cache-list
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 3 ]
	tab=$'\t'
	s1=$(stat -c %s "$C/stooq/AAPL.1d.qtc")
	[ "${lines[0]}" = "stooq${tab}AAPL${tab}1d${tab}2024-01-01T00:00:00Z${tab}2024-01-04T00:00:00Z${tab}3${tab}$s1${tab}2024-06-02T08:30:00Z${tab}raw" ]
	[[ "${lines[1]}" == "stooq${tab}SPY${tab}1d${tab}2024-01-01T00:00:00Z${tab}2024-01-06T00:00:00Z${tab}5${tab}"* ]]
	[[ "${lines[2]}" == "yahoo${tab}AAPL${tab}1d${tab}"*"${tab}adjusted" ]]
	# the documented example: symbols and bar counts of the Stooq entries
	run -0 sh -c "qts-fetch --cache-list stooq | awk -F'\t' '{ print \$2, \$6 }'"
	[ "$output" = "AAPL 3
SPY 5" ]
	run -0 qts-fetch --cache-list yahoo:AAPL stooq:SPY
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == "stooq${tab}SPY${tab}"* ]] && [[ "${lines[1]}" == "yahoo${tab}AAPL${tab}"* ]]
}

@test "--cache-list: an entry that is no entry is a warning, the others listed" {
	C=$XDG_CACHE_HOME/qts
	mkentry "$C" stooq SPY 2024-01-01 2024-01-06 2024-06-01T12:00:00 5
	echo hello > "$C/stooq/BAD.1d.qtc"
	: > "$C/stooq/.SPY.1d.qtc.Ab12Cd" # a write a crash interrupted
	run -0 --separate-stderr qts-fetch --cache-list
	[ "${#lines[@]}" -eq 1 ] && [[ "${lines[0]}" == stooq$'\t'SPY$'\t'* ]]
	[ "$stderr" = "qts-fetch: cache: $C/stooq/BAD.1d.qtc: not a qts cache entry (or cut short)" ]
	mkentry "$C" stooq QQQ 2024-01-01 2024-01-06 2024-06-01T12:00:00 5
	truncate -s 300 "$C/stooq/QQQ.1d.qtc"
	run -0 --separate-stderr qts-fetch --cache-list stooq:QQQ
	[ -z "$output" ]
	[[ "$stderr" == "qts-fetch: cache: $C/stooq/QQQ.1d.qtc: corrupt (300 bytes where its header says "*")" ]]
}

# ---- --cache-clear -------------------------------------------------------------

@test "--cache-clear: the entries of the sources named, then all, temporaries too" {
	C=$XDG_CACHE_HOME/qts
	mkentry "$C" stooq SPY 2024-01-01 2024-01-06 2024-06-01T12:00:00 5
	mkentry "$C" stooq AAPL 2024-01-01 2024-01-04 2024-06-02T08:30:00 3
	mkentry "$C" yahoo AAPL 2024-01-01 2024-01-03 2024-06-03T00:00:00 2
	: > "$C/stooq/.SPY.1d.qtc.Ab12Cd"
	run -0 --separate-stderr qts-fetch --cache-clear stooq:SPY
	[ -z "$output" ] && [ -z "$stderr" ]
	[ ! -e "$C/stooq/SPY.1d.qtc" ] && [ ! -e "$C/stooq/.SPY.1d.qtc.Ab12Cd" ]
	[ -e "$C/stooq/AAPL.1d.qtc" ] && [ -e "$C/yahoo/AAPL.1d.qtc" ]
	run -0 qts-fetch --cache-clear yahoo
	[ "$(qts-fetch --cache-list | cut -f1,2)" = "stooq"$'\t'"AAPL" ]
	[ ! -e "$C/yahoo" ]
	run -0 qts-fetch --cache-clear
	[ -z "$(qts-fetch --cache-list)" ]
	[ -z "$(ls -A "$C")" ]
	run -0 qts-fetch --cache-clear # nothing to clear
}

# ---- where the cache is ---------------------------------------------------------

@test "the cache is \$XDG_CACHE_HOME/qts, else ~/.cache/qts, else --cache-dir's" {
	mkentry "$XDG_CACHE_HOME/qts" stooq XDG 2024-01-01 2024-01-02 2024-06-01T00:00:00 1
	mkentry "$HOME/.cache/qts" stooq HOME 2024-01-01 2024-01-02 2024-06-01T00:00:00 1
	mkentry "$T/dir" stooq DIR 2024-01-01 2024-01-02 2024-06-01T00:00:00 1
	[ "$(qts-fetch --cache-list | cut -f2)" = XDG ]
	[ "$(env -u XDG_CACHE_HOME qts-fetch --cache-list | cut -f2)" = HOME ]
	[ "$(XDG_CACHE_HOME= qts-fetch --cache-list | cut -f2)" = HOME ]
	# a relative XDG_CACHE_HOME is ignored, as the XDG Base Directory spec says
	[ "$(cd "$T" && XDG_CACHE_HOME=xdg qts-fetch --cache-list | cut -f2)" = HOME ]
	[ "$(qts-fetch --cache-dir "$T/dir" --cache-list | cut -f2)" = DIR ]
	run -1 --separate-stderr env -u XDG_CACHE_HOME -u HOME qts-fetch --cache-list
	[ "$stderr" = "qts-fetch: cache: neither XDG_CACHE_HOME nor HOME is set; name one with --cache-dir" ]
	run -0 env -u XDG_CACHE_HOME -u HOME qts-fetch --cache-dir "$T/dir" --cache-list
	[ "$(cut -f2 <<<"$output")" = DIR ]
}

# ---- --offline -------------------------------------------------------------------

@test "--offline with nothing cached: exit 1, naming what the cache lacks" {
	run --separate-stderr qts-fetch --offline stooq:SPY
	if [ "$status" -eq 2 ] && [[ "$stderr" == *"unknown source 'stooq:'"* ]]; then
		skip "no network sources in this build"
	fi
	[ "$status" -eq 1 ]
	[ -z "$output" ] || [[ "$output" == system,*,error,* ]]
	[[ "$stderr" == *"offline: the cache lacks stooq:SPY 1d from the start to now"* ]]
}
