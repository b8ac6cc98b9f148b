#!/usr/bin/env bats
# What the man pages and --help promise, held to what the programs do:
# every option spelling, every error message a user can reach and every
# number the pages state. Suites of each program test the behaviour in
# depth; these close the gaps an audit of the docs found.

load helper

setup_file() {
	T=$BATS_FILE_TMPDIR
	qts-fetch --count 100 synth:A > "$T/bars.csv"
	qts-strategy sma-cross fast=3 slow=8 "$T/bars.csv" | qts-sim > "$T/run.csv"
}

setup() {
	T=$BATS_FILE_TMPDIR
}

# ---- long and short spellings of one option do the same ---------------------

@test "qts-fetch: -f/--from and -u/--to are one option each, and they filter" {
	run -0 qts-fetch -f 2024-01-10 -u 2024-01-20 --count 100 synth:A
	[ "$output" = "$(qts-fetch --from 2024-01-10 --to 2024-01-20 --count 100 synth:A)" ]
	# synth bars are weekdays: Wednesday 10th to Friday 19th
	[ "${#lines[@]}" -eq 8 ]
	[[ "${lines[0]}" == bar,2024-01-10T* ]]
	[[ "${lines[7]}" == bar,2024-01-19T* ]]
}

@test "qts-fetch, qts-resample, qts-strategy, qts-risk, qts-sim: --msgpack is -M" {
	qts cat -M "$T/bars.csv" > "$T/want.mp"
	qts-fetch --msgpack "$T/bars.csv" | cmp - "$T/want.mp"
	qts-resample -M 1w "$T/bars.csv" > "$T/a.mp"
	qts-resample --msgpack 1w "$T/bars.csv" | cmp - "$T/a.mp"
	qts-strategy -M sma-cross fast=3 slow=8 "$T/bars.csv" > "$T/s.mp"
	qts-strategy --msgpack sma-cross fast=3 slow=8 "$T/bars.csv" | cmp - "$T/s.mp"
	qts-risk --msgpack --max-position 5 "$T/run.csv" | qts cat | cmp - <(qts-risk --max-position 5 "$T/run.csv")
	qts-sim --msgpack "$T/run.csv" | qts cat | cmp - <(qts-sim "$T/run.csv")
	# and msgpack it is: not the CSV bytes
	! qts-sim --msgpack "$T/run.csv" | cmp -s - <(qts-sim "$T/run.csv") || false
}

@test "qts-resample: --keep is -k and passes the input bars through" {
	run -0 --separate-stderr qts-resample --keep 1w "$T/bars.csv"
	[ "$output" = "$(qts-resample -k 1w "$T/bars.csv" 2>/dev/null)" ]
	[ "$(grep -c ',1d,' <<<"$output")" -eq 100 ]
	[ "$(grep -c ',1w,' <<<"$output")" -gt 10 ]
}

@test "qts-strategy: --expr is -e, --file is -f" {
	run -0 qts-strategy --expr 'target = close > sma(close, 5) ? 10 : 0' "$T/bars.csv"
	[ "$output" = "$(qts-strategy -e 'target = close > sma(close, 5) ? 10 : 0' "$T/bars.csv")" ]
	grep -q '^target,' <<<"$output"
	echo 'target = close > sma(close, 5) ? 10 : 0' > "$T/prog"
	run -0 qts-strategy --file "$T/prog" "$T/bars.csv"
	[ "$output" = "$(qts-strategy -f "$T/prog" "$T/bars.csv")" ]
	grep -q '^target,' <<<"$output"
}

@test "qts-report: -c is --csv, -t is --trades, -b is --benchmark, -o is --output" {
	run -0 qts-report -c "$T/run.csv"
	[ "$output" = "$(qts-report --csv "$T/run.csv")" ]
	[ "${lines[0]}" = metric,value ]
	run -0 qts-report -t "$T/run.csv"
	[ "$output" = "$(qts-report --trades "$T/run.csv")" ]
	[ "${lines[0]}" = symbol,side,qty,entry_ts,exit_ts,entry_price,exit_price,commission,pnl,return,holding_days ]
	run -0 qts-report --json --benchmark A "$T/run.csv"
	[ "$output" = "$(qts-report --json -b A "$T/run.csv")" ]
	[ "$output" != "$(qts-report --json "$T/run.csv")" ]
	qts-report --output "$T/r1" "$T/run.csv"
	qts-report -o "$T/r2" "$T/run.csv"
	cmp "$T/r1" "$T/r2"
	cmp "$T/r1" <(qts-report "$T/run.csv")
}

@test "qts-report: --msgpack copies the stream as msgpack with --tee" {
	qts-report --tee --msgpack -o "$T/discard" "$T/run.csv" > "$T/tee.mp"
	qts-report --tee -M -o "$T/discard" "$T/run.csv" | cmp - "$T/tee.mp"
	qts cat -M "$T/run.csv" | cmp - "$T/tee.mp"
}

@test "qts: -h and --help print the usage to stdout and exit 0" {
	run -0 --separate-stderr qts -h
	[[ "${lines[0]}" == "usage: qts NAME"* ]]
	[ -z "$stderr" ]
	[ "$output" = "$(qts --help)" ]
}

@test "qts: a command's option errors, --help and --version name it (qts cat, not cat)" {
	for c in cat pipe top sweep journal 'journal cat'; do
		run -2 --separate-stderr sh -c "qts $c --bogus </dev/null"
		[ "${stderr_lines[0]}" = "qts $c: unrecognized option '--bogus'" ] || { echo "$c: $stderr"; false; }
		[[ "${stderr_lines[1]}" == "usage: qts $c "* ]] || { echo "$c: $stderr"; false; }
		run -0 --separate-stderr qts $c --version
		[[ "$output" =~ ^qts\ $c\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "$c: $output"; false; }
		run -0 --separate-stderr qts $c --help
		[[ "${lines[0]}" == "usage: qts $c "* ]] || { echo "$c: $output"; false; }
	done
	run -2 --separate-stderr qts sweep -j
	[ "${stderr_lines[0]}" = "qts sweep: option requires an argument -- 'j'" ]
}

# ---- error messages ----------------------------------------------------------

@test "qts: an unknown program is named, exit 2" {
	run -2 --separate-stderr qts no-such-program
	[ "$stderr" = "qts: 'no-such-program' is not a qts program (qts-no-such-program: No such file or directory); see 'qts help'" ]
}

@test "qts-report: usage errors name what is wrong" {
	run -2 --separate-stderr qts-report -b 12345678901234567890123456789012 </dev/null
	[ "${stderr_lines[0]}" = "qts-report: --benchmark: '12345678901234567890123456789012' is not a symbol" ]
	run -2 --separate-stderr qts-report -b '' </dev/null
	[ "${stderr_lines[0]}" = "qts-report: --benchmark: '' is not a symbol" ]
	run -2 --separate-stderr qts-report -b "$(printf 'SPY\t')" </dev/null
	[ "${stderr_lines[0]}" = "qts-report: --benchmark: 'SPY\t' holds a control character" ]
	# 31 bytes is a symbol (one the stream has no bar of)
	run -1 --separate-stderr qts-report -j -b 1234567890123456789012345678901 "$T/run.csv"
	[[ ${stderr_lines[0]} == *"--benchmark 1234567890123456789012345678901: no bar of"* ]]
	run -2 --separate-stderr qts-report --live --every xyz </dev/null
	[ "${stderr_lines[0]}" = "qts-report: --every: 'xyz' is neither a count nor a duration" ]
	run -2 --separate-stderr qts-report --compare
	[ "${stderr_lines[0]}" = "qts-report: --compare needs at least one FILE" ]
	for o in --live --tee "--html x" --trades; do
		run -2 --separate-stderr qts-report --compare $o "$T/run.csv"
		[ "${stderr_lines[0]}" = "qts-report: --compare takes no --live, --tee, --html or --trades" ]
	done
	run -2 --separate-stderr qts-report "$T/run.csv" "$T/run.csv"
	[ "${stderr_lines[0]}" = "qts-report: one input at most (several with --compare)" ]
}

@test "qts-strategy: --unit without -e or -f; a NUL byte in a program" {
	run -2 --separate-stderr qts-strategy --unit qty sma-cross </dev/null
	[ "${stderr_lines[0]}" = "qts-strategy: --unit goes with -e or -f" ]
	printf 'close\0> 1\n' > "$T/nul"
	run -2 --separate-stderr qts-strategy -f "$T/nul" </dev/null
	[ "$stderr" = "qts-strategy: $T/nul: a NUL byte in a program" ]
}

@test "qts-sim: --slippage refuses an empty spec and options on bps" {
	run -2 --separate-stderr qts-sim --slippage '' </dev/null
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: empty spec" ]
	run -2 --separate-stderr qts-sim --slippage bps=1,x=2 </dev/null
	[ "${stderr_lines[0]}" = "qts-sim: --slippage: bps takes no options: 'x=2'" ]
}

@test "qts-sim: orders it cannot accept are rejected with the reason" {
	B='bar,2024-01-01,A,1d,10,10,10,10,100'
	run -0 qts-sim <<-EOF
	$B
	order,2024-01-01,A,,buy,1,market,,,gtc,t
	order,2024-01-01,A,o5,buy,0,market,,,gtc,t
	order,2024-01-01,A,o6,buy,1,limit,,,gtc,t
	order,2024-01-01,A,o7,buy,1,stop,,,gtc,t
	order,2024-01-01,A,o8,buy,1,stop_limit,,11,gtc,t
	order,2024-01-01,A,o9,buy,1,limit,-5,,gtc,t
	order,2024-01-01,A,o10,sell,1,stop_limit,9,0,gtc,t
	order,2024-01-01,A,o11,buy,1e-9,market,,,gtc,t
	target,2024-01-01,B,1,weight,t
	EOF
	grep -qx 'update,2024-01-01T00:00:00Z,A,,rejected,0,,no order id' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,A,o5,rejected,0,,bad qty 0 (must be > 0)' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,A,o6,rejected,0,,limit order needs a limit price' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,A,o7,rejected,0,,stop order needs a stop price' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,A,o8,rejected,0,,stop_limit order needs a limit price' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,A,o9,rejected,0,,limit price -5 is not above zero' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,A,o10,rejected,0,,stop price 0 is not above zero' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,A,o11,rejected,0,,bad qty 1e-09 (must be > 1e-09)' <<<"$output"
	grep -qx 'update,2024-01-01T00:00:00Z,B,t-B-1,rejected,0,,weight target: no price for B yet' <<<"$output"
	[ "$(grep -c ',rejected,' <<<"$output")" -eq 9 ]
}

@test "qts-fetch: synth without symbols; bad trade sizes and quotes" {
	run -2 --separate-stderr qts-fetch synth:
	[ "${stderr_lines[0]}" = "qts-fetch: synth:: names no symbol (synth:SYM[,SYM...])" ]
	run -1 --separate-stderr qts-fetch - <<<'tick,2024-01-01,A,10,-1'
	[ "$stderr" = "qts-fetch: -:1: size: -1 is negative" ]
	run -1 --separate-stderr qts-fetch - <<<'quote,2024-01-01,A,0,1,10,1'
	[ "$stderr" = "qts-fetch: -:1: bid and ask must be positive numbers" ]
}

@test "qts-report: a fill must buy or sell a positive quantity" {
	run -1 --separate-stderr qts-report - <<<'fill,2024-01-01,A,f1,buy,0,10,0,0'
	[ "$stderr" = "qts-report: -:1: fill: qty and price must be numbers, qty above 0" ]
}

# ---- numbers the pages state -------------------------------------------------

@test "qts-events(5): strategy, rule and source 31 bytes; tf 15" {
	s31=sssssssssssssssssssssssssssssss
	run -0 qts cat <<<"target,2024-01-01,A,1,qty,$s31"
	run -1 --separate-stderr qts cat <<<"target,2024-01-01,A,1,qty,${s31}s"
	[ "$stderr" = "qts: -:1: strategy: longer than 31 bytes" ]
	run -1 --separate-stderr qts cat <<<"risk,2024-01-01,A,${s31}s,reject,x"
	[ "$stderr" = "qts: -:1: rule: longer than 31 bytes" ]
	run -1 --separate-stderr qts cat <<<"system,2024-01-01,${s31}s,info,hi"
	[ "$stderr" = "qts: -:1: source: longer than 31 bytes" ]
	run -1 --separate-stderr qts cat <<<"bar,2024-01-01,A,1234567890123456,1,1,1,1,1"
	[ "$stderr" = "qts: -:1: tf: longer than 15 bytes" ]
}

@test "qts-fetch(1): synth starts on 2024-01-01, covers 366 days, seed 1, session 09:30-16:00 New York" {
	run -0 qts-fetch synth:A
	[[ "${lines[0]}" == bar,2024-01-01T00:00:00Z,A,1d,* ]]
	[[ "${lines[-1]}" == bar,2024-12-31T00:00:00Z,A,1d,* ]]
	[ "$output" = "$(qts-fetch --seed 1 synth:A)" ]
	[ "$output" != "$(qts-fetch --seed 2 synth:A)" ]
	# 09:30 in New York is 14:30Z in January; 390 one-minute bars a day
	run -0 qts-fetch --tf 1m --count 391 synth:A
	[[ "${lines[0]}" == bar,2024-01-01T14:30:00Z,* ]]
	[[ "${lines[389]}" == bar,2024-01-01T20:59:00Z,* ]]
	[[ "${lines[390]}" == bar,2024-01-02T14:30:00Z,* ]]
	[ "$output" = "$(qts-fetch --tf 1m --count 391 --session 09:30-16:00 synth:A)" ]
}

@test "qts-risk(1): --cash defaults to 100000, --vol-window to 20 returns" {
	run -0 qts-risk --max-position-pct 0.5 <<-EOF
	bar,2024-01-02T14:30:00Z,A,1m,100,100,100,100,1000
	target,2024-01-02T14:31:00Z,A,1000,qty,s
	EOF
	# 0.5 x 100000 / 100 = 500
	[ "${lines[2]}" = "target,2024-01-02T14:31:00Z,A,500,qty,s" ]
	input() {
		for i in $(seq "$1"); do
			p=$((100 + i % 2))
			echo "bar,2024-01-02T14:$((30 - $1 + i)):00Z,A,1m,$p,$p,$p,$p,1000"
		done
		echo "target,2024-01-02T14:31:00Z,A,1000,qty,s"
	}
	# 21 bars give the 20 returns the estimate needs; 20 bars do not
	run -0 qts-risk --target-vol 0.1 < <(input 21)
	[ "${lines[-1]}" != "target,2024-01-02T14:31:00Z,A,1000,qty,s" ]
	[ "$output" = "$(qts-risk --target-vol 0.1 --vol-window 20 < <(input 21))" ]
	run -0 qts-risk --target-vol 0.1 < <(input 20)
	[ "${lines[-1]}" = "target,2024-01-02T14:31:00Z,A,1000,qty,s" ]
}

@test "qts-sim(1): --impact window defaults to 20" {
	qts-strategy -e 'n = n + 1; target = n % 2 * 100' "$T/bars.csv" > "$T/flip.csv"
	a=$(qts-sim --impact sqrt,k=0.5 "$T/flip.csv")
	[ "$a" = "$(qts-sim --impact sqrt,k=0.5,window=20 "$T/flip.csv")" ]
	[ "$a" != "$(qts-sim --impact sqrt,k=0.5,window=10 "$T/flip.csv")" ]
}

@test "qts-report(1): --periods 252 and --risk-free 0 by default; HTML lists the last 1000 round trips" {
	run -0 qts-report -j "$T/run.csv"
	[ "$output" = "$(qts-report -j --periods 252 --risk-free 0 "$T/run.csv")" ]
	[ "$output" != "$(qts-report -j --periods 12 "$T/run.csv")" ]
	qts-fetch --count 2100 synth:A | qts-strategy -e 'n = n + 1; target = n % 2' | qts-sim > "$T/trips.csv"
	[ "$(qts-report -t "$T/trips.csv" | wc -l)" -eq 1050 ]
	qts-report --html "$T/r.html" -o "$T/discard" "$T/trips.csv"
	grep -q 'The last 1000 of 1049 round trips' "$T/r.html"
	# the header row and 1000 trips
	[ "$(sed -n '/<h2>Round trips/,$p' "$T/r.html" | grep -o '<tr' | wc -l)" -eq 1001 ]
}

@test "qts-strategy(1): momentum's defaults are those --list and the page give" {
	run -0 qts-strategy --list
	grep -qx 'momentum lookback=252 short=0 vol=0 volwin=20 periods=252 cap=2 size=1 weight=' <<<"$output"
	qts-fetch --count 300 synth:A > "$T/m.csv"
	a=$(qts-strategy momentum "$T/m.csv")
	grep -q '^target,' <<<"$a"
	[ "$a" = "$(qts-strategy momentum lookback=252 short=0 vol=0 "$T/m.csv")" ]
	# volwin, periods and cap apply with vol above 0 only
	[ "$(qts-strategy momentum vol=0.1 "$T/m.csv")" = "$(qts-strategy momentum vol=0.1 volwin=20 periods=252 cap=2 "$T/m.csv")" ]
	[ "$a" != "$(qts-strategy momentum lookback=100 "$T/m.csv")" ]
}

@test "qts-report: -o and --html onto a fifo write through it and leave it a fifo" {
	mkfifo "$T/fifo"
	timeout 20 cat "$T/fifo" > "$T/got" &
	qts-report -o "$T/fifo" "$T/run.csv"
	wait
	[ -p "$T/fifo" ]
	cmp "$T/got" <(qts-report "$T/run.csv")
	timeout 20 cat "$T/fifo" > "$T/got.html" &
	qts-report --html "$T/fifo" -o "$T/discard" "$T/run.csv"
	wait
	[ -p "$T/fifo" ]
	grep -q '<h2>Round trips' "$T/got.html"
}
