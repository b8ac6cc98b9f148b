#!/bin/sh
# Build the libFuzzer harnesses of tests/fuzz with clang (libqts's input
# side compiled in, under ASan and UBSan) and run each for a while, one at
# a time, seeded from tests/fixtures.
#
#   tests/fuzz/run.sh [-t SECONDS] [HARNESS...]
#
# SECONDS defaults to 60 per harness; HARNESS is reader, vendor, time,
# num, rules, actions, options, expr, journal, state, parquet, yahoo,
# alpaca_bars, alpaca_stream, broker_journal, alpaca_trade or tws (all by
# default).  The corpus grows in build/fuzz/corpus-HARNESS and is kept
# between runs; a crash is saved in build/fuzz/crash-HARNESS/ and makes the
# script exit 1.  Reproduce one with
#   build/fuzz/fuzz_HARNESS build/fuzz/crash-HARNESS/crash-...
# One fuzzing process at a time (no -jobs: the machine is shared).
# Not part of `make check`: fuzzing takes minutes, not seconds.
set -eu
cd "$(dirname "$0")/../.."
secs=60
if [ "${1:-}" = "-t" ]; then
	secs=$2
	shift 2
fi
all="reader vendor time num rules actions options expr journal state parquet yahoo alpaca_bars alpaca_stream broker_journal alpaca_trade tws"
harnesses=${*:-$all}
CC=${FUZZ_CC:-clang}
out=build/fuzz
mkdir -p "$out/obj"

flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DQTS_VERSION=\"fuzz\"
 -Ilib -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
 -fno-sanitize-recover=undefined -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers"
libs="-lcsv -lmsgpackc -lnats -lcurl -ljansson -lwslay -lzstd -lssl -lcrypto -lz -lm -ldl -lpthread"
# All of libqts; input.c reads through the harness's qts_fuzz_read, which
# cuts reads short.
src=$(for f in lib/*.c; do basename "$f" .c; done)

objs=
for f in $src; do
	o=$out/obj/$f.o
	extra=
	[ "$f" = input ] && extra=-Dread=qts_fuzz_read
	if [ ! -e "$o" ] || [ "lib/$f.c" -nt "$o" ] || [ -n "$(find lib -name '*.h' -newer "$o")" ]; then
		echo "  CC      $o"
		# shellcheck disable=SC2086
		$CC $flags $extra -c -o "$o" "lib/$f.c"
	fi
	objs="$objs $o"
done
# Seeds: the fixtures, read whole and in 5-byte reads (the harnesses take
# the read size from the first byte).
seed() { # seed DIR PREFIX FILE...
	d=$1 pre=$2
	shift 2
	mkdir -p "$d"
	for f in "$@"; do
		[ -f "$f" ] || continue
		b=$(basename "$f")
		{ printf "$pre\377"; cat "$f"; } >"$d/$b"
		{ printf "$pre\005"; cat "$f"; } >"$d/5-$b"
	done
}
fixtures=$(find tests/fixtures -name '*.csv' | sort)
qts=
for q in build/release/bin/qts build/asan/bin/qts; do
	[ -x "$q" ] && qts=$q && break
done

status=0
for h in $harnesses; do
	bin=$out/fuzz_$h
	echo "  CCLD    $bin"
	# shellcheck disable=SC2086
	$CC $flags -Itests/fuzz -o "$bin" "tests/fuzz/fuzz_$h.c" $objs $libs
	seeds=$out/seed-$h
	rm -rf "$seeds"
	mkdir -p "$seeds"
	case $h in
	reader)
		# shellcheck disable=SC2086
		seed "$seeds" "" $fixtures
		for f in tests/fixtures/all-types.csv tests/fixtures/resample-quotes.csv; do
			b=$(basename "$f" .csv)
			{ printf '\377'; gzip -c "$f"; } >"$seeds/$b.gz"
			if [ -n "$qts" ]; then
				{ printf '\377'; "$qts" cat -M "$f"; } >"$seeds/$b.mp"
				{ printf '\005'; "$qts" cat -M "$f"; } >"$seeds/5-$b.mp"
			fi
		done
		;;
	vendor)
		# Two option bytes (see fuzz_vendor.c).  First 0x01: a --symbol;
		# 0x11: and epoch milliseconds.  Second: bits 0-1 the separator
		# (, ; tab |), 2-4 the date format (7: the input's first line),
		# 5-6 the columns (3: the input's next line).
		seed "$seeds" '\001\000' tests/fixtures/fetch/*.csv
		seed "$seeds/epoch" '\021\000' tests/fixtures/fetch/epoch.csv
		seed "$seeds/dmy" '\001\004' tests/fixtures/fetch/dmy.csv
		seed "$seeds/semi" '\001\015' tests/fixtures/fetch/semicolon.csv
		seed "$seeds/short" '\001\040' tests/fixtures/fetch/short-header.csv
		seed "$seeds/quote" '\001\110' tests/fixtures/fetch/quote-in-header.csv
		mkdir -p "$seeds/own"
		{ printf '\001\374\377%%d/%%m/%%Y %%H:%%M:%%S\nts,bid,ask\n'; tail -n +2 tests/fixtures/fetch/dmy.csv; } \
			>"$seeds/own/dmy"
		;;
	time)
		i=0
		# shellcheck disable=SC2086
		for t in $(cut -d, -f2 $fixtures | grep '^[0-9]\{4\}-' | sort -u | head -200) \
			 2024-01-02 '2024-01-02T14:30:00+01:00' '2024-02-29 09:30:00.5-05:30'; do
			printf '%s' "$t" >"$seeds/t$i"
			i=$((i + 1))
		done
		;;
	rules)
		cp examples/risk/limits.rules "$seeds/limits"
		for r in 'max-position 100' 'max-drawdown 0.2' 'stop-loss 0.05 # c' 'max-orders 10/1s' \
			 'target-vol 0.1' 'sectors examples/risk/sectors.csv' 'price-band 0.1'; do
			printf '%s\n' "$r" >>"$seeds/all"
		done
		;;
	actions)
		seed "$seeds" '' tests/fixtures/sim/actions.csv
		;;
	broker_journal)
		cp tests/fixtures/broker/orders.journal "$seeds/"
		head -c 100 tests/fixtures/broker/orders.journal >"$seeds/torn"
		;;
	journal)
		if [ -n "$qts" ]; then
			"$qts" journal --block-size 1k "$seeds/j" tests/fixtures/all-types.csv >/dev/null
			head -c 3000 "$seeds/j" >"$seeds/torn"
		fi
		;;
	state)
		# The first byte: 0 a whole state file, 1-3 an engine's part
		# (fuzz_state.c); seeds from each stage's checkpoints.
		if [ -n "$qts" ]; then
			b=$(dirname "$qts")
			"$b/qts-fetch" --seed 3 --count 300 -t 1m synth:AAA,BBB >"$seeds/bars.csv"
			"$b/qts-strategy" sma-cross fast=3 slow=8 "$seeds/bars.csv" >"$seeds/sig.csv"
			"$b/qts-resample" 5m,1h --state "$seeds/s-rs" "$seeds/bars.csv" >/dev/null 2>&1
			"$b/qts-sim" --impact sqrt,k=0.1,window=5 --state "$seeds/s-sim" "$seeds/sig.csv" >/dev/null
			"$b/qts-risk" --target-vol 0.5 --max-orders 5/1h --state "$seeds/s-risk" "$seeds/sig.csv" >/dev/null
			for f in s-rs s-sim s-risk; do
				{ printf '\000'; cat "$seeds/$f"; } >"$seeds/whole-$f"
				rm "$seeds/$f"
			done
			rm "$seeds/bars.csv" "$seeds/sig.csv"
		fi
		;;
	parquet)
		# The first byte picks the part fuzzed (see fuzz_parquet.c): 0
		# whole files, 7 their footers as Thrift structures.
		for f in tests/fixtures/parquet/*.parquet; do
			b=$(basename "$f" .parquet)
			{ printf '\000'; cat "$f"; } >"$seeds/$b"
			n=$(($(wc -c <"$f") - 8))
			len=$(od -An -tu4 -j"$n" -N4 "$f" | tr -d ' ')
			{ printf '\007'; tail -c $((len + 8)) "$f" | head -c "$len"; } >"$seeds/footer-$b"
		done
		printf '\004\003\002\003\210\306\372' >"$seeds/rle"
		;;
	yahoo)
		# The first byte: bits 0-2 the timeframe, bit 3 --adjust.
		for f in tests/fixtures/net/*.json; do
			b=$(basename "$f" .json)
			{ printf '\000'; cat "$f"; } >"$seeds/$b"
			{ printf '\014'; cat "$f"; } >"$seeds/adj-$b"
			{ printf '\005'; cat "$f"; } >"$seeds/5m-$b"
		done
		;;
	options)
		i=0
		for o in '\0001.5' '\001250' '\002250ms' '\0031h' '\004k=v' '\005bps=10' \
			 '\005per-share=0.01,min=1,max-pct=1' '\006ticks=2,tick=0.01' '\006spread' \
			 '\007sqrt,k=0.1,window=20' '\01009:30-16:00' '\0110.05' '\0231000' '\00310/1s' \
			 '\012fast=10 slow=30' '\025n=20 stop=1' '\040size=5'; do
			printf "$o" >"$seeds/o$i"
			i=$((i + 1))
		done
		;;
	expr)
		# The first byte picks the mode: 0 a --print list, 1 a -e program.
		i=0
		grep -ho "qts-strategy[^|]* -e '[^']*'" tests/*.bats README.md |
			sed "s/.* -e '//; s/'\$//" | sort -u | while IFS= read -r p; do
			printf '\001%s' "$p" >"$seeds/e$i"
			i=$((i + 1))
		done
		grep -ho "qts-strategy[^|]* --print '[^']*'" tests/*.bats README.md |
			sed "s/.* --print '//; s/'\$//" | sort -u | while IFS= read -r p; do
			printf '\000%s' "$p" >"$seeds/p$i"
			i=$((i + 1))
		done
		printf '\001up = close > close[1]\n# c\ntarget = up and not up[1] ? 100 : target[1] == 100 ? 0 : target\nstop = lowest(low@1w, 3)' >"$seeds/multi"
		;;
	alpaca_bars)
		# The first byte picks the timeframe (0 none, 1 1d, 2 1m, 6 1M).
		printf '\001{"bars":[{"t":"2024-01-02T05:00:00Z","o":187.15,"h":188.44,"l":183.885,"c":185.64,"v":82488674,"n":1009074,"vw":185.9465},{"t":"2024-07-01T04:00:00Z","o":212.09,"h":217.51,"l":211.92,"c":216.75,"v":60402929}],"symbol":"AAPL","next_page_token":"QUFQTHxEfDIwMjQ="}' >"$seeds/daily"
		printf '\002{"bars":[{"t":"2024-01-02T14:30:00Z","o":1,"h":2,"l":0.5,"c":1.5,"v":10}],"symbol":"AAPL","next_page_token":null}' >"$seeds/minute"
		printf '\006{"bars":null,"symbol":"ZZZZ","next_page_token":null}' >"$seeds/none"
		;;
	alpaca_stream)
		printf '[{"T":"success","msg":"connected"}]' >"$seeds/connected"
		printf '[{"T":"error","code":402,"msg":"auth failed"}]' >"$seeds/auth-failed"
		printf '[{"T":"subscription","trades":["AAPL"],"quotes":[],"bars":["AAPL"]}]' >"$seeds/subscription"
		printf '[{"T":"t","S":"AAPL","i":1,"x":"V","p":185.12,"s":100,"t":"2024-01-02T14:30:00.208123456Z","c":["@"],"z":"C"},{"T":"q","S":"AAPL","bx":"V","bp":185.1,"bs":2,"ax":"V","ap":185.14,"as":3,"t":"2024-01-02T14:30:00.5Z","c":["R"],"z":"C"},{"T":"b","S":"MSFT","o":370.1,"h":370.5,"l":369.9,"c":370.2,"v":1200,"t":"2024-01-02T14:30:00Z","n":30,"vw":370.22}]' >"$seeds/data"
		;;
	alpaca_trade)
		# The first byte picks the part (see fuzz_alpaca_trade.c): 0
		# stream messages one a line, 1 an order, 2 orders, 3
		# positions, 4 the account, 5 an error body.
		o='{"id":"a5be8f5e-fdfa-41f5-a644-7a74fe947a8f","client_order_id":"s-AAPL-1","created_at":"2022-04-19T13:45:04.981350886-04:00","updated_at":"2022-04-19T13:45:05.027690731-04:00","symbol":"AAPL","asset_class":"us_equity","qty":"10","filled_qty":"%s","filled_avg_price":%s,"type":"market","side":"buy","time_in_force":"day","limit_price":null,"stop_price":null,"status":"%s"}'
		# shellcheck disable=SC2059
		{
			printf '\000{"stream":"authorization","data":{"status":"authorized","action":"authenticate"}}\n'
			printf '{"stream":"listening","data":{"streams":["trade_updates"]}}\n'
			printf '{"stream":"trade_updates","data":{"event":"new","order":'"$o"'}}\n' 0 null new
			printf '{"stream":"trade_updates","data":{"event":"fill","execution_id":"x3","order":'"$o"',"position_qty":"10","price":"103","qty":"6","timestamp":"2022-04-19T17:45:05.024916716Z"}}\n' 10 '"101.9"' filled
			printf '{"stream":"trade_updates","data":{"event":"partial_fill","execution_id":"x1","order":'"$o"',"position_qty":"4","price":"100","qty":"4","timestamp":"2022-04-19T17:45:05Z"}}\n' 4 '"100"' partially_filled
			printf '{"action":"error","data":{"error_message":"internal server error"}}\n'
		} >"$seeds/stream"
		# shellcheck disable=SC2059
		printf '\001'"$o" 4 '"185.25"' partially_filled >"$seeds/order"
		# shellcheck disable=SC2059
		printf '\002['"$o"','"$o"']' 0 null new 10 '"12.5"' canceled >"$seeds/orders"
		printf '\003[{"symbol":"AAPL","avg_entry_price":"100.0","qty":"5","side":"long","market_value":"600.0","unrealized_pl":"100.0"},{"symbol":"TSLA","avg_entry_price":"200","qty":"-3","side":"short","market_value":"-630","unrealized_pl":"-30"}]' >"$seeds/positions"
		printf '\004{"cash":"4000.32","equity":"10421.8","long_market_value":"7000","short_market_value":"-578.52"}' >"$seeds/account"
		printf '\005{"code":40010001,"message":"client_order_id must be unique"}' >"$seeds/error"
		;;
	tws)
		# The first byte picks the version (21: 178); then the hello and
		# messages as the fake TWS sends them.
		python3 - "$seeds" <<'PY'
import struct, sys
def msg(*f):
    b = b"".join(str(x).encode() + b"\0" for x in f)
    return struct.pack(">I", len(b)) + b
hello = msg(178, "20240102 14:30:00 EST")
seeds = {
    "status": msg(3, 7, "Filled", 100, 0, 185.5, 900007, 0, 185.5, 0, "", ""),
    "error": msg(4, 2, 7, 201, "Order rejected - reason:", ""),
    "exec": msg(11, -1, 7, 0, "AAPL", "STK", "", "0", "", "", "SMART", "USD", "AAPL", "NMS",
                "0000e0d5.00000007.01.01", "20240102  14:30:01", "DU1", "ISLAND", "BOT", 60,
                185.5, 900007, 0, 0, 60, 185.5, "o-1", "", "", "", 2, 0),
    "commission": msg(59, 1, "0000e0d5.00000007.01.01", 1.02, "USD", "", "", ""),
    "position": msg(61, 3, "DU1", 0, "AAPL", "STK", "", "0", "", "", "", "USD", "AAPL", "NMS", 100, 185.5),
    "summary": msg(63, 1, 9001, "DU1", "NetLiquidation", "100000", "USD") + msg(64, 1, 9001),
}
for name, body in seeds.items():
    with open(sys.argv[1] + "/" + name, "wb") as f:
        f.write(b"\x15" + hello + body)
PY
		;;
	num)
		i=0
		# shellcheck disable=SC2086
		for n in $(tr ',' '\n' <tests/fixtures/all-types.csv | grep '^[-+0-9.]' | sort -u) \
			 1e22 4.9e-324 -0 .5 9007199254740993 0.30000000000000004; do
			printf '%s' "$n" >"$seeds/n$i"
			i=$((i + 1))
		done
		;;
	esac
	corpus=$out/corpus-$h
	mkdir -p "$corpus" "$out/crash-$h"
	dict=
	[ -f "tests/fuzz/$h.dict" ] && dict=-dict=tests/fuzz/$h.dict
	echo "  FUZZ    $h for ${secs}s"
	# shellcheck disable=SC2086
	if ! "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=200000 \
		-timeout=10 -print_final_stats=1 -artifact_prefix="$out/crash-$h/" $dict \
		"$corpus" "$seeds" >"$out/$h.log" 2>&1; then
		echo "FAIL $h: see $out/$h.log and $out/crash-$h/"
		grep -m1 -A30 -E 'ERROR|runtime error|==[0-9]+==|differ|abort' "$out/$h.log" | head -40 || true
		status=1
	else
		grep -E '^stat::number_of_executed_units|^#[0-9]+.*DONE' "$out/$h.log" | tail -2
	fi
done
exit $status
