#!/usr/bin/env bats
# qts-strategy: built-in strategies, the expression language, --print,
# plugins with hot reload, and its documentation.

load helper

S=$BATS_TEST_DIRNAME/fixtures/strategy

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# cross.csv: daily closes 10 11 12 11 10 9 10 12 13 (Jan 1..9).
#   sma2: -  10.5 11.5 11.5   10.5 9.5 9.5   11     12.5
#   sma3: -  -    11   11.33  11   10  9.67  10.33  11.67
# Jan 5: fast 10.5 < slow 11 after 11.5 >= 11.33: crosses below -> 0.
# Jan 8: fast 11 > slow 10.33 after 9.5 <= 9.67: crosses above -> 100.
# Each target is stamped with the end of its bar (the next midnight).
@test "sma-cross: targets on the hand-computed crossings, right after their bar" {
	run --separate-stderr qts-strategy sma-cross fast=2 slow=3 size=100 "$S/cross.csv"
	[ "$status" -eq 0 ]
	[ "${lines[4]}" = "bar,2024-01-05T00:00:00Z,ACME,1d,10,11,9,10,1000" ]
	[ "${lines[5]}" = "target,2024-01-06T00:00:00Z,ACME,0,qty,sma-cross" ]
	[ "${lines[8]}" = "bar,2024-01-08T00:00:00Z,ACME,1d,12,13,11,12,1000" ]
	[ "${lines[9]}" = "target,2024-01-09T00:00:00Z,ACME,100,qty,sma-cross" ]
	[ "${#lines[@]}" -eq 11 ]
	[ -z "$stderr" ]
}

@test "options go anywhere, as every stage takes them: after the strategy's name, its parameters or a file" {
	qts-strategy -M --tf 1d sma-cross fast=2 slow=3 size=100 "$S/cross.csv" > expected
	[ "$(qts cat expected | grep -c '^target,')" -eq 2 ]
	qts-strategy sma-cross fast=2 -M slow=3 size=100 "$S/cross.csv" --tf 1d | cmp - expected
	qts-strategy sma-cross fast=2 slow=3 size=100 "$S/cross.csv" -M --tf=1d | cmp - expected
	qts-strategy -e 'target = sma(close, 2) > sma(close, 3) ? 100 : 0' "$S/cross.csv" -M > e1
	qts-strategy "$S/cross.csv" -M -e 'target = sma(close, 2) > sma(close, 3) ? 100 : 0' | cmp - e1
	# a file that starts with '-' follows --
	cp "$S/cross.csv" ./-M
	qts-strategy sma-cross fast=2 slow=3 size=100 --tf 1d -M -- -M | cmp - expected
}

@test "every event passes through unchanged and in order" {
	printf 'fill,2024-01-01T00:00:00Z,ACME,o1,buy,1,10,0,0\nweird,1,2,3\n' >other.csv
	cat other.csv "$S/cross.csv" >in.csv
	run qts-strategy sma-cross fast=2 slow=3 in.csv
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "${lines[@]}" | grep -v '^target,') in.csv
}

@test "short=1 reverses instead of going flat; weight= gives unit weight" {
	run qts-strategy sma-cross fast=2 slow=3 short=1 weight=0.5 "$S/cross.csv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^target,')" = "target,2024-01-06T00:00:00Z,ACME,-0.5,weight,sma-cross
target,2024-01-09T00:00:00Z,ACME,0.5,weight,sma-cross" ]
}

@test "the issue's expression gives the built-in's targets" {
	run qts-strategy --name sma-cross -e 'target = cross(sma(close,2), sma(close,3)) ? 100 : cross(sma(close,3), sma(close,2)) ? 0 : target' "$S/cross.csv"
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "${lines[@]}") <(qts-strategy sma-cross fast=2 slow=3 size=100 "$S/cross.csv")
}

@test "-f reads a program with comments and several statements; --unit weight" {
	cat >prog.q <<-'P'
	# long when the close is above its 3-bar mean, half the equity
	m = sma(close, 3)
	up = close > m; target = up ? 0.5 : 0
	P
	run qts-strategy -f prog.q --unit weight "$S/cross.csv"
	[ "$status" -eq 0 ]
	# Jan 3: 12 > 11; Jan 4: 11 < 11.33; Jan 7: 10 > 9.67 (each at its bar's end)
	[ "$(printf '%s\n' "${lines[@]}" | grep '^target,')" = "target,2024-01-04T00:00:00Z,ACME,0.5,weight,expr
target,2024-01-05T00:00:00Z,ACME,0,weight,expr
target,2024-01-08T00:00:00Z,ACME,0.5,weight,expr" ]
}

@test "a syntax error names its column, shows a caret, exits 2" {
	run --separate-stderr qts-strategy -e 'target = sma(close,10) +* 2' </dev/null
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "qts-strategy: -e:1:25: expected an expression, found '*'
target = sma(close,10) +* 2
                        ^" ]
}

@test "errors in a -f program name the file and line" {
	printf 'a = 1\nb = foo(close)\n' >bad.q
	run --separate-stderr qts-strategy -f bad.q </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: bad.q:2:5: unknown function 'foo'" ]
	[ "${stderr_lines[2]}" = "    ^" ]
}

@test "a -f program that cannot be read (a directory) is said alone, exit 1" {
	mkdir prog.d
	run -1 --separate-stderr qts-strategy -f prog.d </dev/null
	[ "$stderr" = "qts-strategy: prog.d: Is a directory" ]
}

@test "--print: a CSV table, empty while warming up" {
	run --separate-stderr qts-strategy --print 'sma(close,3), close[1], cross(sma(close,2),sma(close,3))' "$S/cross.csv"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 'ts,symbol,"sma(close,3)",close[1],"cross(sma(close,2),sma(close,3))"' ]
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,ACME,,," ]
	[ "${lines[3]}" = "2024-01-03T00:00:00Z,ACME,11,11,0" ]
	[ "${lines[8]}" = "2024-01-08T00:00:00Z,ACME,10.333333333333334,10,1" ]
	[ "${#lines[@]}" -eq 10 ]
	# no bar at all: the header alone
	: > "$BATS_TEST_TMPDIR/empty.csv"
	run -0 --separate-stderr qts-strategy --print 'close,open' "$BATS_TEST_TMPDIR/empty.csv"
	[ "$output" = "ts,symbol,close,open" ]
}

@test "--print: a zero that is negative in floating point is written 0" {
	run -0 --separate-stderr qts-strategy --print '-0*close,-(close-close),close' "$S/cross.csv"
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,ACME,0,0,10" ]
}

# intraday.csv: hourly bars over midnight UTC; typical prices 10 20 | 30 40,
# volumes 100 300 | 50 150: vwap 10, (1000 + 6000) / 400 = 17.5 | 30, 37.5.
@test "ts: the bar's start in ns; vwap from an expression restarts each UTC day" {
	run --separate-stderr qts-strategy --print 'vwap(high,low,close,volume,ts),ts % 86400e9 / 3600e9,ts - ts[1]' "$S/intraday.csv"
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "2024-01-01T22:00:00Z,ACME,10,22," ]
	[ "${lines[2]}" = "2024-01-01T23:00:00Z,ACME,17.5,23,3600000000000" ]
	[ "${lines[3]}" = "2024-01-02T00:00:00Z,ACME,30,0,3600000000000" ]
	[ "${lines[4]}" = "2024-01-02T01:00:00Z,ACME,37.5,1,3600000000000" ]
	run -2 --separate-stderr qts-strategy -e 'ts = 1' "$S/intraday.csv"
	[[ "$stderr" == *"cannot assign to 'ts'"* ]]
}

# sma(close,2) over cross.csv: - 10.5 11.5 11.5 10.5 9.5 9.5 11 12.5
@test "history [N] on variables and on indicator calls" {
	run --separate-stderr qts-strategy --print 'sma(close,2)[1],cross(sma(close,2),sma(close,3))[1],bbmiddle(close,2)[8]' "$S/cross.csv"
	[ "$status" -eq 0 ]
	[ "${lines[2]}" = "2024-01-02T00:00:00Z,ACME,,," ]
	[ "${lines[3]}" = "2024-01-03T00:00:00Z,ACME,10.5,," ]
	[ "${lines[4]}" = "2024-01-04T00:00:00Z,ACME,11.5,0," ]
	[ "${lines[9]}" = "2024-01-09T00:00:00Z,ACME,11,1," ]
	# long for one bar when the close rises after a bar that did not (up[1] is
	# nan on the second bar, so the first rise does not count); flat after
	run --separate-stderr qts-strategy -e 'up = close > close[1]; target = up and not up[1] ? 100 : target[1] == 100 ? 0 : target' "$S/cross.csv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^target,' | cut -d, -f2,4 | tr '\n' ' ')" = "2024-01-08T00:00:00Z,100 2024-01-09T00:00:00Z,0 " ]
	run -2 --separate-stderr qts-strategy --print 'abs(close)[1]' "$S/cross.csv"
	[[ "$stderr" == *"history [N] applies to bar fields, variables, indicators and cross only"* ]]
}

# channel.csv, entry=2 exit=2: highs 11 12 12 13 12.5 11.5 10.5 9.5,
# lows 9 9 10 10 11 9.5 8 8.5.  After Jan 2 a buy stop at max(11,12) = 12;
# Jan 3 reaches 12: long, a sell stop at min(9,10) = 9, raised to 10 after
# Jan 4, kept after Jan 5 (min(10,11) = 10); Jan 6 (open 11, high 11.5, low
# 9.5) falls through 10: flat, a buy stop at max(12.5,11.5) = 12.5, then
# lowered bar by bar.  Each order and cancel is stamped at its bar's end.
@test "donchian-breakout stop=1: stop orders at the channels; qts-sim fills them there" {
	run --separate-stderr qts-strategy donchian-breakout entry=2 exit=2 stop=1 size=10 "$S/channel.csv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -v '^bar,')" = "order,2024-01-03T00:00:00Z,X,donchian-breakout-1,buy,10,stop,,12,gtc,donchian-breakout
order,2024-01-04T00:00:00Z,X,donchian-breakout-2,sell,10,stop,,9,gtc,donchian-breakout
cancel,2024-01-05T00:00:00Z,X,donchian-breakout-2
order,2024-01-05T00:00:00Z,X,donchian-breakout-3,sell,10,stop,,10,gtc,donchian-breakout
order,2024-01-07T00:00:00Z,X,donchian-breakout-4,buy,10,stop,,12.5,gtc,donchian-breakout
cancel,2024-01-08T00:00:00Z,X,donchian-breakout-4
order,2024-01-08T00:00:00Z,X,donchian-breakout-5,buy,10,stop,,11.5,gtc,donchian-breakout
cancel,2024-01-09T00:00:00Z,X,donchian-breakout-5
order,2024-01-09T00:00:00Z,X,donchian-breakout-6,buy,10,stop,,10.5,gtc,donchian-breakout" ]
	# every event passes through: the bars are all there, in order
	diff <(printf '%s\n' "${lines[@]}" | grep '^bar,') "$S/channel.csv"
	run --separate-stderr sh -c "qts-strategy donchian-breakout entry=2 exit=2 stop=1 size=10 '$S/channel.csv' | qts-sim"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^fill,')" = "fill,2024-01-03T00:00:00Z,X,donchian-breakout-1,buy,10,12,0,0
fill,2024-01-06T00:00:00Z,X,donchian-breakout-3,sell,10,10,0,0" ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c ',canceled,0,,canceled on request$')" -eq 3 ]
	# the same as an expression, through position
	run qts-strategy --name donchian-breakout -e 'target = position > 0 ? 0 : 10; stop = position > 0 ? lowest(low, 2) : highest(high, 2)' "$S/channel.csv"
	diff <(printf '%s\n' "${lines[@]}") <(qts-strategy donchian-breakout entry=2 exit=2 stop=1 size=10 "$S/channel.csv")
}

@test "limit and stop in a program: orders for the target's change, as qts-sim fills them" {
	# closes 10 11 11 12 11.5 10 9 9: long 5 after Jan 2 (close 11 > 10) at
	# the limit 10, flat after Jan 6 (close 10) at the limit 9
	run --separate-stderr qts-strategy -e 'target = close > 10 ? 5 : 0; limit = close - 1' "$S/channel.csv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -v '^bar,')" = "order,2024-01-03T00:00:00Z,X,expr-1,buy,5,limit,10,,gtc,expr
order,2024-01-07T00:00:00Z,X,expr-2,sell,5,limit,9,,gtc,expr" ]
	# no price yet, no order: the 3-bar high is there from Jan 3 on
	run qts-strategy --name s -e 'target = 1; stop = highest(high, 3); limit = stop + 0.25' "$S/channel.csv"
	[ "$(printf '%s\n' "${lines[@]}" | grep '^order,' | head -n 1)" = "order,2024-01-04T00:00:00Z,X,s-1,buy,1,stop_limit,12.25,12,gtc,s" ]
	# over many bars, every order the strategy cancels is still working in
	# qts-sim and every other one fills there, but the last few
	qts-fetch --tf 1h --count 2000 synth:A,B >bars.csv
	for args in "donchian-breakout stop=1 size=10" "donchian-breakout entry=5 exit=3 short=1 stop=1 size=10" \
		"-e target=close>sma(close,20)?10:0;limit=close*(target>position?0.998:1.002)" \
		"-e target=close>sma(close,20)?10:-10;stop=close*(target>position?1.001:0.999);limit=stop*(target>position?1.002:0.998)"; do
		qts-strategy $args bars.csv >orders.csv
		qts-sim <orders.csv >sim.csv
		o=$(grep -c '^order,' orders.csv) c=$(grep -c '^cancel,' orders.csv)
		f=$(grep -c '^update,.*,filled,' sim.csv) k=$(grep -c ',canceled,0,,canceled on request$' sim.csv)
		echo "$args: $o orders, $c cancels, $f filled, $k canceled"
		[ "$c" -eq "$k" ] && [ "$f" -gt 10 ] && [ $((o - c - f)) -ge 0 ] && [ $((o - c - f)) -le 4 ]
		[ "$(grep -c -e ',rejected,' -e ',partial,' sim.csv)" -eq 0 ]
	done
}

@test "orders: quantities only; position cannot be assigned" {
	run -2 --separate-stderr qts-strategy --unit weight -e 'target = 1; limit = close' "$S/channel.csv"
	[[ "$stderr" == *"-e: limit and stop orders take quantities: not --unit weight"* ]]
	run -2 --separate-stderr qts-strategy donchian-breakout stop=1 weight=0.5 "$S/channel.csv"
	[[ "$stderr" == *"donchian-breakout: stop=1 trades quantities: size=, not weight="* ]]
	run -2 --separate-stderr qts-strategy donchian-breakout stop=2 "$S/channel.csv"
	[ "$status" -eq 2 ]
	run -2 --separate-stderr qts-strategy -e 'position = 1' "$S/channel.csv"
	[[ "$stderr" == *"cannot assign to 'position'"* ]]
	# without limit or stop, position is the last target written
	run qts-strategy -e 'target = isnan(position) ? 7 : position + 1' "$S/channel.csv"
	[ "$(printf '%s\n' "${lines[@]}" | grep '^target,' | cut -d, -f4 | tr '\n' ' ')" = "7 8 9 10 11 12 13 14 " ]
}

@test "--print: a long table comes out whole, in order, row for row" {
	qts-fetch --tf 1m --count 20000 synth:A,B >bars.csv
	qts-strategy --print 'close,volume' bars.csv >table.csv
	[ "$(wc -l <table.csv)" -eq 40001 ]
	diff <(tail -n +2 table.csv) <(awk -F, '$1 == "bar" { print $2 "," $3 "," $8 "," $9 }' bars.csv)
}

@test "state is per symbol" {
	sed 's/ACME/BETA/' "$S/cross.csv" | paste -d '\n' "$S/cross.csv" - >two.csv
	run qts-strategy sma-cross fast=2 slow=3 two.csv
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^target,2024-01-09T00:00:00Z,.*,1,qty')" -eq 2 ]
}

@test "--tf and close@1d: another timeframe's series" {
	# two 12h bars per day, then the day's bar
	awk -F, -v OFS=, '{ d = $2; sub(/T.*/, "", d); $3 = "X"
		printf "bar,%sT00:00:00Z,X,12h,%s,%s,%s,%s,1\n", d, $8 - 1, $8 - 1, $8 - 1, $8 - 1
		printf "bar,%sT12:00:00Z,X,12h,%s,%s,%s,%s,1\n", d, $8, $8, $8, $8
		print }' "$S/cross.csv" >mtf.csv
	run --separate-stderr qts-strategy --tf 12h --print 'close,close@1d' mtf.csv
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,X,9," ]
	[ "${lines[3]}" = "2024-01-02T00:00:00Z,X,10,10" ]
	[ "${#lines[@]}" -eq 19 ]
	run --separate-stderr qts-strategy --print 'close' mtf.csv
	[ "${lines[2]}" = "2024-01-01T12:00:00Z,X,10" ]
	run qts-strategy --tf 1d --print 'close' mtf.csv
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,X,10" ]
	[ "${#lines[@]}" -eq 10 ]
}

@test "a call on a finer timeframe advances on each of its bars" {
	# two 12h bars per day (close - 1, then close), then the day's bar
	awk -F, -v OFS=, '{ d = $2; sub(/T.*/, "", d); $3 = "X"
		printf "bar,%sT00:00:00Z,X,12h,%s,%s,%s,%s,1\n", d, $8 - 1, $8 - 1, $8 - 1, $8 - 1
		printf "bar,%sT12:00:00Z,X,12h,%s,%s,%s,%s,1\n", d, $8, $8, $8, $8
		print }' "$S/cross.csv" >mtf.csv
	run --separate-stderr qts-strategy --tf 1d --print 'sma(close@12h,2),sma(close@12h,4)' mtf.csv
	[ "$status" -eq 0 ]
	# the mean of the day's two 12h closes, and of the last two days' four
	expected=$(awk -F, '{ c[NR] = $8 } END { for (i = 1; i <= NR; i++) {
			a = c[i] - 0.5
			b = i > 1 ? (c[i - 1] - 1 + c[i - 1] + c[i] - 1 + c[i]) / 4 : ""
			printf "%s,%s\n", a, b } }' "$S/cross.csv")
	diff <(printf '%s\n' "${lines[@]:1}" | cut -d, -f3,4) <(printf '%s\n' "$expected")
	# cross() too: on day 2, 11 against the mean of 10, 10 and 11 after 10
	# against that of 9, 10 and 10: above both times, no cross (stepped a
	# day at a time it would still be warming up, nan)
	run --separate-stderr qts-strategy --tf 1d --print 'cross(close@12h,sma(close@12h,3))' mtf.csv
	[ "${lines[2]}" = "2024-01-02T00:00:00Z,X,0" ]
}

@test "msgpack output reads back to the CSV output" {
	qts-strategy -M sma-cross fast=2 slow=3 "$S/cross.csv" >out.mp
	run qts cat out.mp
	[ "$status" -eq 0 ]
	diff <(printf '%s\n' "${lines[@]}") <(qts-strategy sma-cross fast=2 slow=3 "$S/cross.csv")
}

@test "every built-in runs on real-looking data" {
	awk 'BEGIN { p = 100; for (i = 0; i < 400; i++) {
		p *= 1 + 0.02 * sin(i / 7) + 0.005 * cos(i * 1.3)
		printf "bar,%d,Z,1d,%.4f,%.4f,%.4f,%.4f,1000\n", 1704067200 + 86400 * i, p, p * 1.01, p * 0.99, p }}' |
		qts cat >/dev/null 2>&1 || true
	for i in $(seq 0 399); do :; done
	awk 'BEGIN { p = 100; for (i = 0; i < 400; i++) {
		p *= 1 + 0.02 * sin(i / 7) + 0.005 * cos(i * 1.3)
		d = 19723 + i; printf "bar,%s,Z,1d,%.4f,%.4f,%.4f,%.4f,1000\n", d, p, p * 1.01, p * 0.99, p }}' >days.txt
	while IFS=, read -r t ts rest; do
		printf '%s,%s,%s\n' "$t" "$(date -u -d @$((ts * 86400)) +%Y-%m-%dT%H:%M:%SZ)" "$rest"
	done <days.txt >wave.csv
	for s in sma-cross ema-cross macd-cross rsi-reversion bollinger-reversion donchian-breakout momentum buy-hold; do
		run --separate-stderr qts-strategy "$s" "$([ $s = momentum ] && echo lookback=20 || echo size=1)" wave.csv
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		n=$(printf '%s\n' "${lines[@]}" | grep -c "^target,.*,$s\$")
		echo "$s $n"
		[ "$n" -ge 1 ]
	done
	run qts-strategy momentum lookback=20 vol=0.1 volwin=10 wave.csv
	[ "$status" -eq 0 ]
	printf '%s\n' "${lines[@]}" | grep -q '^target,.*,momentum$'
}

@test "momentum vol=: the signal over the annualised standard deviation of the population of the last volwin log returns, at most cap" {
	printf 'bar,2024-01-0%sT00:00:00Z,A,1d,%s,%s,%s,%s,1\n' 1 100 100 100 100 2 110 110 110 110 3 99 99 99 99 \
		4 115 115 115 115 > mo.csv
	run -0 qts-strategy momentum lookback=2 vol=0.1 volwin=2 periods=252 cap=3 mo.csv
	# python3: a, b = log(99/110), log(115/99); m = (a + b) / 2;
	# 0.1 / (sqrt(((a - m)**2 + (b - m)**2) / 2) * sqrt(252)) gives
	# 0.049373663920373984 (divided by volwin - 1: 0.0349...)
	[ "${lines[3]}" = "target,2024-01-04T00:00:00Z,A,0,qty,momentum" ]
	[ "${lines[5]}" = "target,2024-01-05T00:00:00Z,A,0.049373663920373984,qty,momentum" ]
	# a target volatility past the realised: cap times the signal
	run -0 qts-strategy momentum lookback=2 vol=10 volwin=2 periods=252 cap=3 mo.csv
	[ "${lines[5]}" = "target,2024-01-05T00:00:00Z,A,3,qty,momentum" ]
}

@test "bad parameters: unknown strategy, unknown parameter, out of range, exit 2" {
	run --separate-stderr qts-strategy nope </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: unknown strategy 'nope' (qts-strategy --list names them)" ]
	run --separate-stderr qts-strategy sma-cross speed=3 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: unknown parameter 'speed=3'" ]
	run --separate-stderr qts-strategy sma-cross fast=1 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: fast: 1 is out of range [2, 100000]" ]
	# a channel of one bar is no range of TA-Lib's MAX and MIN: refused
	# in the parameter's name, not in the indicator's
	for p in entry exit; do
		run -2 --separate-stderr qts-strategy donchian-breakout $p=1 </dev/null
		[ "${stderr_lines[0]}" = "qts-strategy: donchian-breakout: $p: 1 is out of range [2, 100000]" ]
	done
	run --separate-stderr qts-strategy sma-cross fast=30 slow=10 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: fast (30) must be less than slow (10)" ]
	run --separate-stderr qts-strategy sma-cross fast=2.5 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: fast: 2.5 is not a whole number" ]
	run --separate-stderr qts-strategy rsi-reversion short=2 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: rsi-reversion: short: 2 is out of range [0, 1]" ]
	run --separate-stderr qts-strategy rsi-reversion low=80 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: rsi-reversion: low (80) must be less than high (70)" ]
	run --separate-stderr qts-strategy -e 'target = 1' --plugin x.so </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: -e, -f, --print and --plugin exclude each other" ]
	run --separate-stderr qts-strategy -e 'target = 1' --unit shares </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: --unit: 'shares' is neither qty nor weight" ]
	run --separate-stderr qts-strategy --tf 3q sma-cross </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: --tf: '3q' is not a timeframe" ]
	run -2 --separate-stderr qts-strategy --tf 1H sma-cross </dev/null
	[ "${stderr_lines[0]}" = "qts-strategy: --tf: '1H' is not a timeframe: write 1h" ]
	run -2 --separate-stderr qts-strategy --tf 1000000m sma-cross </dev/null
	[ "${stderr_lines[0]}" = "qts-strategy: --tf: '1000000m' is not a timeframe: the count is 1 to 999999" ]
	run -2 --separate-stderr qts-strategy -e 'target = close@0d > 0 ? 1 : 0' </dev/null
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:16: bad timeframe '0d': the count is 1 to 999999" ]
	run -2 --separate-stderr qts-strategy -e 'target = close@1W > 0 ? 1 : 0' </dev/null
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:16: bad timeframe '1W': write 1w" ]
	run --separate-stderr qts-strategy </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: no strategy named" ]
	run --separate-stderr qts-strategy --bogus </dev/null
	[ "$status" -eq 2 ]
	run --separate-stderr qts-strategy -e 'x = 1' k=v </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: k=v: parameters go with a built-in strategy or a plugin" ]
	run --separate-stderr qts-strategy --watch sma-cross </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: --watch goes with --plugin" ]
	# a file named by an option that cannot be read: 1, as in every program
	run --separate-stderr qts-strategy -f /nonexistent </dev/null
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "qts-strategy: /nonexistent: No such file or directory" ]
	run --separate-stderr qts-strategy -M --print close </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: -M goes with events: --print writes a CSV table" ]
	run --separate-stderr qts-strategy macd-cross fast=26 slow=12 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: macd-cross: fast (26) must be less than slow (12)" ]
	run --separate-stderr qts-strategy donchian-breakout stop=0.5 </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: donchian-breakout: stop: '0.5' is neither 0 nor 1" ]
	run --separate-stderr qts-strategy --name '' sma-cross </dev/null
	[ "$status" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: --name: between 1 and 31 bytes" ]
}

@test "bad input: a bar missing a field is named, exit 1, whole records before it" {
	head -3 "$S/cross.csv" >bad.csv
	echo 'bar,2024-01-04T00:00:00Z,ACME,1d,1,2,3' >>bad.csv
	run --separate-stderr qts-strategy sma-cross fast=2 slow=3 bad.csv
	[ "$status" -eq 1 ]
	[[ "${stderr_lines[0]}" == "qts-strategy: bad.csv:4"* ]]
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[3]}" == "system,"*",qts-strategy,error,\"bad.csv:4"* ]]
	run --separate-stderr qts-strategy sma-cross /nonexistent/x.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "qts-strategy: /nonexistent/x.csv: No such file or directory" ]
}

@test "--list names every strategy with its defaults, and the indicators" {
	run qts-strategy --list
	[ "$status" -eq 0 ]
	for s in sma-cross ema-cross macd-cross rsi-reversion bollinger-reversion donchian-breakout momentum buy-hold; do
		printf '%s\n' "${lines[@]}" | grep -q "^$s "
	done
	printf '%s\n' "${lines[@]}" | grep -qx 'sma-cross fast=10 slow=30 short=0 size=1 weight='
	printf '%s\n' "${lines[@]}" | grep -qx 'bbupper(close,period=5,nbdevup=2,nbdevdn=2)'
	printf '%s\n' "${lines[@]}" | grep -qx 'stochk(high,low,close,fastk_period=5,slowk_period=3,slowd_period=3)' ||
		printf '%s\n' "${lines[@]}" | grep -q '^stochk(high,low,close,'
}

@test "--list goes alone; -e, -f, --print, --plugin, --tf, --name and --unit once each" {
	for o in '-e target=1' '--tf 1d' '-M' '--name x' '--heartbeat 1s'; do
		run -2 --separate-stderr sh -c "qts-strategy $o --list </dev/null"
		[ "${stderr_lines[0]}" = "qts-strategy: --list goes alone: it reads no input and runs no strategy" ] || { echo "$o: $stderr"; false; }
	done
	run -2 --separate-stderr qts-strategy -e 'target=1' -e 'target=2' </dev/null
	[[ "${stderr_lines[0]}" == "qts-strategy: -e given twice: "* ]]
	for o in '-f a -f b' '--print close --print open' '--plugin a.so --plugin b.so' '--tf 1d --tf 1h' \
		'--name a --name b' '--unit qty --unit weight'; do
		run -2 --separate-stderr sh -c "qts-strategy $o </dev/null"
		[[ "${stderr_lines[0]}" == "qts-strategy: ${o%% *} given twice"* ]] || { echo "$o: $stderr"; false; }
	done
}

@test "the issue's indicator calls compile and produce values" {
	run qts-strategy --print 'atr(high,low,close,3),bbupper(close,3,2,2),stochk(high,low,close,3,2,2),macdsignal(close,2,3,2),rocp(close,2),willr(high,low,close,3)' "$S/cross.csv"
	[ "$status" -eq 0 ]
	[[ "${lines[8]}" =~ ^2024-01-08T00:00:00Z,ACME,[0-9.]+,[0-9.]+,[0-9.]+,[0-9.-]+,[0-9.]+,[0-9.-]+$ ]]
	# rocp(close,2) on Jan 8: (12 - 9) / 9
	[ "$(echo "${lines[8]}" | cut -d, -f7)" = "0.3333333333333333" ]
}

plugin() { # plugin NAME K [restore-fails]: a counting plugin, target = count * K
	cat >"$1.c" <<-EOF
	#include <qts/strategy.h>
	#include <stdlib.h>
	#include <string.h>
	#include <stdio.h>
	struct s { const qts_strategy_host *h; long n; };
	static void *init(const qts_strategy_host *h, size_t np, const struct qts_strategy_param *p, char *err, size_t len) {
		for (size_t i = 0; i < np; i++) if (strcmp(p[i].key, "ok")) { snprintf(err, len, "unknown parameter %s", p[i].key); return NULL; }
		struct s *s = calloc(1, sizeof *s); s->h = h; return s; }
	static void on_bar(void *x, const struct qts_strategy_bar *b) { struct s *s = x; s->n++;
		s->h->target(s->h->ctx, b->symbol, s->n * $2, "qty");
		if (s->n == 2) { struct qts_strategy_order o = { b->symbol, "buy", 5, "limit", 9.5, 0, "gtc", NULL }; s->h->order(s->h->ctx, &o); } }
	static void on_fill(void *x, const struct qts_strategy_fill *f) { struct s *s = x; (void)f; s->h->log(s->h->ctx, "a fill"); }
	static int save(void *x, void **d, size_t *l) { *d = malloc(sizeof(long)); memcpy(*d, &((struct s *)x)->n, sizeof(long)); *l = sizeof(long); return 0; }
	static int restore(void *x, const void *d, size_t l, char *err, size_t len) {
		if (${3:-0}) { snprintf(err, len, "state format 9 unknown"); return -1; }
		if (l != sizeof(long)) return -1; memcpy(&((struct s *)x)->n, d, l); return 0; }
	static void fr(void *x) { free(x); }
	static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, "count", "counts bars", init, on_bar, NULL, NULL, on_fill, save, restore, fr };
	const qts_strategy *qts_strategy_entry(void) { return &d; }
	EOF
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o "$1.so" "$1.c"
}

@test "--plugin: targets and orders through the host, parameters checked" {
	plugin count 1
	printf 'fill,2024-01-09T12:00:00Z,ACME,count-1,buy,5,9.5,0,0\n' >fill.csv
	run --separate-stderr qts-strategy --plugin ./count.so ok=1 "$S/cross.csv" fill.csv
	[ "$status" -eq 0 ]
	[ "${lines[1]}" = "target,2024-01-02T00:00:00Z,ACME,1,qty,count" ]
	[ "${lines[4]}" = "order,2024-01-03T00:00:00Z,ACME,count-1,buy,5,limit,9.5,,gtc,count" ]
	# the files are merged in time order: the fill comes after the bar of
	# 2024-01-08 (known at 01-09 00:00) and before the next
	fill=$(printf '%s\n' "${lines[@]}" | grep -n '^fill,' | cut -d: -f1)
	[ "${lines[fill - 1]}" = "fill,2024-01-09T12:00:00Z,ACME,count-1,buy,5,9.5,0,0" ]
	[[ "${lines[fill - 2]}" == bar,2024-01-08* ]] || [[ "${lines[fill - 2]}" == target,2024-01-09* ]]
	[ "$stderr" = "qts-strategy: ./count.so: a fill" ]
	run --separate-stderr qts-strategy --plugin ./count.so bad=1 </dev/null
	[ "$status" -eq 2 ]
	[ "$stderr" = "qts-strategy: ./count.so: unknown parameter bad" ]
	run --separate-stderr qts-strategy --plugin ./nope.so </dev/null
	[ "$status" -eq 1 ]
	[ "$stderr" = "qts-strategy: ./nope.so: No such file or directory" ]
}

# Feed the first half of the bars, swap the plugin, feed the rest: the
# count goes on from the saved state, no bar lost or seen twice.
reload_run() { # reload_run HOW NEWNAME ARGS...
	how=$1 new=$2
	shift 2
	rm -f fifo && mkfifo fifo
	qts-strategy "$@" <fifo >out.csv 2>err.txt &
	pid=$!
	exec 7>fifo
	head -4 "$S/cross.csv" >&7
	sleep 0.5
	if [ "$how" = hup ]; then
		cp "$new.so" count.so.new && mv count.so.new count.so
		kill -HUP "$pid"
	else
		sleep 0.1
		cp "$new.so" count.so.new && mv count.so.new count.so
	fi
	sleep 0.5
	tail -n +5 "$S/cross.csv" >&7
	exec 7>&-
	wait "$pid"
}

@test "hot reload on SIGHUP keeps the state and every event" {
	plugin v2 1000
	plugin count 1
	reload_run hup v2 --plugin ./count.so
	[ "$(grep -c '^bar,' out.csv)" -eq 9 ]
	[ "$(grep '^target,' out.csv | cut -d, -f4 | tr '\n' ' ')" = "1 2 3 4 5000 6000 7000 8000 9000 " ]
	[ ! -s err.txt ]
}

@test "hot reload with --watch when the file changes" {
	plugin v2 1000
	plugin count 1
	reload_run watch v2 --watch --plugin ./count.so
	[ "$(grep '^target,' out.csv | cut -d, -f4 | tr '\n' ' ')" = "1 2 3 4 5000 6000 7000 8000 9000 " ]
}

@test "a plugin that fails to restore leaves the old one running" {
	plugin v3 1000 1
	plugin count 1
	reload_run hup v3 --plugin ./count.so
	[ "$(grep '^target,' out.csv | cut -d, -f4 | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 " ]
	[ "$(cat err.txt)" = "qts-strategy: ./count.so: reload failed, the running plugin stays: state format 9 unknown" ]
	echo 'not a shared object' >broken.so
	plugin count 1
	reload_run hup broken --plugin ./count.so
	[ "$(grep '^target,' out.csv | cut -d, -f4 | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 9 " ]
	grep -q '^qts-strategy: ./count.so: reload failed, the running plugin stays: ' err.txt
}

@test "the example plugin builds with its Makefile and trades" {
	cp -r "$BATS_TEST_DIRNAME/../examples/plugin" .
	make -s -C plugin CPPFLAGS="-I$BATS_TEST_DIRNAME/../include"
	run qts-strategy --plugin plugin/breakout.so n=3 size=5 "$S/cross.csv"
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^target,')" = "target,2024-01-05T00:00:00Z,ACME,0,qty,breakout
target,2024-01-09T00:00:00Z,ACME,5,qty,breakout" ]
}

@test "examples: awk and Python strategies read and write the stream" {
	run sh "$BATS_TEST_DIRNAME/../examples/strategy-awk.sh" 3 100 <"$S/cross.csv"
	[ "$status" -eq 0 ]
	[ "${lines[3]}" = "target,2024-01-03T00:00:00Z,ACME,100,qty,awk-sma" ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^bar,')" -eq 9 ]
	if command -v python3 >/dev/null; then
		run python3 "$BATS_TEST_DIRNAME/../examples/strategy.py" 2 3 100 <"$S/cross.csv"
		[ "$status" -eq 0 ]
		[ "$(printf '%s\n' "${lines[@]}" | grep '^target,' | cut -d, -f2,4 | tr '\n' ' ')" = "2024-01-03T00:00:00Z,100 2024-01-05T00:00:00Z,0 2024-01-08T00:00:00Z,100 " ]
	fi
}

@test "--help, --version; every long option in the man page and completions" {
	run qts-strategy --help
	[ "$status" -eq 0 ]
	[[ "$output" == usage:* ]]
	run qts-strategy --version
	[ "$status" -eq 0 ]
	[[ "$output" == "qts-strategy "* ]]
	root=$BATS_TEST_DIRNAME/..
	for o in $(qts-strategy --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "${o#--}" "$root/man/qts-strategy.1" || { echo "man: $o"; false; }
		grep -q -- "$o" "$root/completions/bash/qts-strategy" || { echo "bash: $o"; false; }
		grep -q -- "$o" "$root/completions/zsh/_qts-strategy" || { echo "zsh: $o"; false; }
	done
	# every strategy, each parameter with its default on the strategy's
	# line of the man page, and the parameters in both completions
	qts-strategy --list | grep -v '^[# ]' | grep -v '(' | while read -r s kv; do
		grep -q -- "$s" "$root/completions/bash/qts-strategy" || { echo "bash: $s"; false; }
		grep -q -- "$s" "$root/completions/zsh/_qts-strategy" || { echo "zsh: $s"; false; }
		line=$(grep -- "^\.It Cm $s" "$root/man/qts-strategy.1") || { echo "man: $s"; false; }
		for p in $kv; do
			k=${p%%=*}
			grep -qE -- "$s[|)].*\<$k\>" "$root/completions/bash/qts-strategy" ||
				[ "$k" = size ] || [ "$k" = weight ] || { echo "bash: $s $k"; false; }
			grep -qE -- "$s[|)].*\<$k\>" "$root/completions/zsh/_qts-strategy" ||
				[ "$k" = size ] || [ "$k" = weight ] || { echo "zsh: $s $k"; false; }
			case $k in
			size|weight) grep -q "^\.Cm $k Ns =" "$root/man/qts-strategy.1" || { echo "man: $k"; false; } ;;
			*) [[ "$line" == *"Cm $k Ns =${p#*=}"* ]] || { echo "man: $s $p"; false; } ;;
			esac
		done
	done
}

@test "--print to a full disk or a closed output: the write error alone, exit 1" {
	qts-fetch --count 5000 synth:AAA > "$BATS_TEST_TMPDIR/in.csv"
	run -1 --separate-stderr sh -c 'qts-strategy --print "sma(close,3)" "$1" > /dev/full' sh "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "qts-strategy: write error: No space left on device" ]
	run -1 --separate-stderr sh -c 'qts-strategy --print "sma(close,3)" "$1" >&-' sh "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "qts-strategy: write error: Bad file descriptor" ]
}

@test "momentum: a return of exactly 0 holds the signal (long stays long, short stays short)" {
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1\nbar,2024-01-03T00:00:00Z,A,1d,11,11,11,11,1\nbar,2024-01-04T00:00:00Z,A,1d,11,11,11,11,1\nbar,2024-01-05T00:00:00Z,A,1d,10,10,10,10,1\nbar,2024-01-08T00:00:00Z,A,1d,10,10,10,10,1\n' > "$BATS_TEST_TMPDIR/m.csv"
	run -0 qts-strategy momentum lookback=1 "$BATS_TEST_TMPDIR/m.csv"
	[ "$(printf '%s\n' "${lines[@]}" | grep '^target' | cut -d, -f2,4 | tr '\n' ' ')" = "2024-01-04T00:00:00Z,1 2024-01-06T00:00:00Z,0 " ]
	run -0 qts-strategy momentum lookback=1 short=1 "$BATS_TEST_TMPDIR/m.csv"
	[ "$(printf '%s\n' "${lines[@]}" | grep '^target' | cut -d, -f2,4 | tr '\n' ' ')" = "2024-01-04T00:00:00Z,1 2024-01-06T00:00:00Z,-1 " ]
}

@test "a system event dated inside a bar the strategy has acted on goes out at the time of what it made, so the next stage takes the stream" {
	printf '%s\n' 'bar,2024-08-30T00:00:00Z,AAA,1d,1,1,1,1,1' 'system,2024-08-30T00:00:00Z,x,warn,hi' >"$BATS_TEST_TMPDIR/sys.csv"
	run -0 qts-strategy buy-hold "$BATS_TEST_TMPDIR/sys.csv"
	[ "${lines[1]%%,*}" = target ]
	[ "${lines[2]}" = 'system,2024-08-31T00:00:00Z,x,warn,hi' ]
	qts-strategy buy-hold "$BATS_TEST_TMPDIR/sys.csv" | qts-risk | qts-sim >/dev/null
	# as a paced live feed's heartbeats (dated at a bar's start) come
	qts-fetch --seed 3 --count 120 -t 1d synth:AAA >"$BATS_TEST_TMPDIR/d.csv"
	timeout -k 5 60 qts-fetch --pace 100000000 --heartbeat 1ms "$BATS_TEST_TMPDIR/d.csv" |
		qts-strategy sma-cross fast=3 slow=8 | qts-risk | qts-sim | qts-report >/dev/null
}

@test "ts % 86400e9: the time of day before 1970 too (% is floored)" {
	printf 'bar,1969-12-31T22:00:00Z,A,1h,1,1,1,1,0\nbar,1969-12-31T23:30:00Z,A,1h,1,1,1,1,0\nbar,1970-01-01T01:00:00Z,A,1h,1,1,1,1,0\n' > "$BATS_TEST_TMPDIR/old.csv"
	run -0 --separate-stderr qts-strategy --print 'ts % 86400e9 / 3600e9,-7 % 3,7 % -3,close % 0' "$BATS_TEST_TMPDIR/old.csv"
	[ "${lines[1]}" = "1969-12-31T22:00:00Z,A,22,2,-2," ]
	[ "${lines[2]}" = "1969-12-31T23:30:00Z,A,23.5,2,-2," ]
	[ "${lines[3]}" = "1970-01-01T01:00:00Z,A,1,2,-2," ]
}

@test "orders: a stop_limit triggered on one bar is presumed to fill at its limit on a later one, as qts-sim fills it" {
	# buy stop 10 limit 9.5: the second bar runs through 10 and never back
	# to 9.5; the third comes down to 9.4 without reaching 10 again
	printf 'bar,2024-01-01T00:00:00Z,A,1d,9,9,9,9,0\nbar,2024-01-02T00:00:00Z,A,1d,9.8,10.2,9.8,10.1,0\nbar,2024-01-03T00:00:00Z,A,1d,9.6,9.7,9.4,9.5,0\nbar,2024-01-04T00:00:00Z,A,1d,9.5,9.6,9.4,9.5,0\n' > "$BATS_TEST_TMPDIR/sl.csv"
	run -0 --separate-stderr qts-strategy -e 'target = position >= 1 ? 0 : 1
		stop = position >= 1 ? 20 : 10
		limit = position >= 1 ? 1 : 9.5' "$BATS_TEST_TMPDIR/sl.csv"
	[ "$(grep -v '^bar' <<<"$output")" = "order,2024-01-02T00:00:00Z,A,expr-1,buy,1,stop_limit,9.5,10,gtc,expr
order,2024-01-04T00:00:00Z,A,expr-2,sell,1,stop_limit,1,20,gtc,expr
order,2024-01-05T00:00:00Z,A,expr-3,buy,1,stop_limit,9.5,10,gtc,expr" ]
	# qts-sim fills the buy on the third bar and the sell on the fourth,
	# as the positions were presumed
	run -0 --separate-stderr sh -c 'printf "%s\n" "$1" | qts-sim | grep "^fill"' sh "$output"
	[ "$output" = "fill,2024-01-03T00:00:00Z,A,expr-1,buy,1,9.5,0,0
fill,2024-01-04T00:00:00Z,A,expr-2,sell,1,9.5,0,0" ]
}

@test "bars and no target at all: said at the end, as the backtest after it trades nothing" {
	for i in $(seq 1 40); do
		printf 'bar,%s,A,1d,1,20,0.5,%s,10\n' "$(date -u -d "2024-01-01 + $i days" +%F)" $((10 + i % 7))
	done > "$BATS_TEST_TMPDIR/forty.csv"
	said="qts-strategy: end of input: 40 bars of 1 symbol and no target: the target was nan on every bar (a warm-up longer than the input, or no signal yet)"
	# a warm-up longer than the input, of a built-in and of a program
	run -0 --separate-stderr qts-strategy sma-cross fast=10 slow=50 "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "$said" ]
	[ "$(grep -c '^bar,' <<<"$output")" = 40 ]
	run -0 --separate-stderr qts-strategy -e 'target = sma(close, 41) > 0 ? 1 : 0' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "$said" ]
	# in qts pipe as in the shell
	run -0 --separate-stderr qts pipe 'qts-strategy sma-cross fast=10 slow=50 | qts-sim' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "$said" ]
	# one bar short of the warm-up, and one bar long enough
	run -0 --separate-stderr qts-strategy -e 'target = sma(close, 40) > 0 ? 1 : 0' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "" ]
	[ "$(grep -c '^target,' <<<"$output")" = 1 ]
	run -0 --separate-stderr qts-strategy sma-cross fast=2 slow=3 "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "" ]
	# a target of 0 is a target; with orders, a target equal to the
	# position needs no order; --print writes no targets: nothing said
	run -0 --separate-stderr qts-strategy -e 'target = 0' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "" ]
	# but targets of 0 alone from the market: a condition never true
	run -0 --separate-stderr qts-strategy -e 'target = close > 1000 ? 1 : 0' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "qts-strategy: end of input: 40 bars of 1 symbol and every target 0: no position was ever wanted (a condition never true?)" ]
	[ "$(grep -c '^target,.*,0,qty,expr$' <<<"$output")" = 1 ]
	run -0 --separate-stderr qts-strategy -e 'target = close > 1 ? 1 : 0' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "" ]
	run -0 --separate-stderr qts-strategy -e 'target = 0; limit = close' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "" ]
	run -0 --separate-stderr qts-strategy --print 'sma(close, 50)' "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "" ]
	# a part of a stream with --state may rightly change no target
	run -0 --separate-stderr qts-strategy --state "$BATS_TEST_TMPDIR/st" sma-cross fast=10 slow=50 "$BATS_TEST_TMPDIR/forty.csv"
	[ "$stderr" = "" ]
	run -0 --separate-stderr sh -c 'qts-strategy --output-journal "$1/J" sma-cross fast=10 slow=50 "$1/forty.csv" | qts journal "$1/J"' sh "$BATS_TEST_TMPDIR"
	[ "$stderr" = "" ]
	[ "$(qts cat "$BATS_TEST_TMPDIR/J" | grep -c '^bar,')" = 40 ]
}

@test "bars and no target for some symbols: the first of them named at the end" {
	for i in $(seq 1 40); do
		d=$(date -u -d "2024-01-01 + $i days" +%F)
		printf 'bar,%s,A,1d,1,20,0.5,%s,10\n' "$d" $((10 + i % 7))
		[ "$i" -le 35 ] || printf 'bar,%s,B,1d,1,20,0.5,%s,10\n' "$d" $((10 + i % 3))
		[ "$i" -le 38 ] || printf 'bar,%s,C,1d,1,20,0.5,%s,10\n' "$d" $((10 + i % 3))
	done > "$BATS_TEST_TMPDIR/late.csv"
	# B's 5 bars and C's 2 are shorter than sma(close, 6)'s warm-up
	run -0 --separate-stderr qts-strategy -e 'target = sma(close, 6) > 0' "$BATS_TEST_TMPDIR/late.csv"
	[ "$stderr" = "qts-strategy: end of input: no target for B and others (2 of 3 symbols with bars): the target was nan on all their bars (a warm-up longer than their history, or no signal yet)" ]
	[ "$(grep -c '^target,' <<<"$output")" = 1 ]
	run -0 --separate-stderr qts-strategy -e 'target = sma(close, 3) > 0' "$BATS_TEST_TMPDIR/late.csv"
	[ "$stderr" = "qts-strategy: end of input: no target for C (1 of 3 symbols with bars): the target was nan on all its bars (a warm-up longer than its history, or no signal yet)" ]
	run -0 --separate-stderr qts pipe 'qts-strategy -e "target = sma(close, 3) > 0" | qts-sim' "$BATS_TEST_TMPDIR/late.csv"
	[ "$stderr" = "qts-strategy: end of input: no target for C (1 of 3 symbols with bars): the target was nan on all its bars (a warm-up longer than its history, or no signal yet)" ]
	# every symbol with a target: nothing said; nor for a rebalance's
	# symbols outside its weights, nor with --print
	run -0 --separate-stderr qts-strategy -e 'target = sma(close, 2) > 0' "$BATS_TEST_TMPDIR/late.csv"
	[ "$stderr" = "" ]
	run -0 --separate-stderr qts-strategy buy-hold "$BATS_TEST_TMPDIR/late.csv"
	[ "$stderr" = "" ]
	run -0 --separate-stderr qts-strategy rebalance weights=A:1 every=1w "$BATS_TEST_TMPDIR/late.csv"
	[ "$stderr" = "" ]
	run -0 --separate-stderr qts-strategy --print 'sma(close, 6)' "$BATS_TEST_TMPDIR/late.csv"
	[ "$stderr" = "" ]
}

@test "--tf: a symbol without a bar of that timeframe is named at the end, the strategy never having run for it" {
	printf 'bar,2024-01-01T00:00:00Z,A,1h,1,1,1,1,0\nbar,2024-01-01T01:00:00Z,A,1h,1,2,1,2,0\nbar,2024-01-01T00:00:00Z,B,1d,1,1,1,1,0\nbar,2024-01-01T00:00:00Z,C,1d,1,1,1,1,0\n' > "$BATS_TEST_TMPDIR/mixed.csv"
	run -0 --separate-stderr qts-strategy --tf 1h buy-hold "$BATS_TEST_TMPDIR/mixed.csv"
	[ "$stderr" = "qts-strategy: end of input: --tf 1h: no bar of that timeframe for B and others (2 of 3 symbols with bars): the strategy never ran for them" ]
	[ "$(grep -c '^target' <<<"$output")" = 1 ]
	run -0 --separate-stderr qts-strategy --tf 1d -e 'target = 1' "$BATS_TEST_TMPDIR/mixed.csv"
	[ "$stderr" = "qts-strategy: end of input: --tf 1d: no bar of that timeframe for A (1 of 3 symbols with bars): the strategy never ran for it" ]
	# without --tf each symbol's first timeframe drives it: nothing to say
	run -0 --separate-stderr qts-strategy buy-hold "$BATS_TEST_TMPDIR/mixed.csv"
	[ "$stderr" = "" ]
	[ "$(grep -c '^target' <<<"$output")" = 3 ]
}

@test "stddev and bbands are 0 on a window whose variance is below 1e-14, as TA-Lib's; prices scaled first are not" {
	# a coin at 1.2e-6 moving by 1e-9: a deviation near 1e-9, below 1e-7
	for i in $(seq 1 8); do
		c=$(awk -v i="$i" 'BEGIN { printf "%.10g", 1.2e-6 + (i % 3) * 1e-9 }')
		printf 'bar,2024-01-%02dT00:00:00Z,C,1d,%s,%s,%s,%s,10\n' "$i" "$c" "$c" "$c" "$c"
	done > "$BATS_TEST_TMPDIR/coin.csv"
	run -0 qts-strategy --print 'stddev(close, 5),bbupper(close, 5) - sma(close, 5),stddev(close * 1e6, 5)' "$BATS_TEST_TMPDIR/coin.csv"
	[ "$(sed -n 9p <<<"$output" | cut -d, -f3,4)" = "0,0" ]
	# scaled by 1e6: the last window is 1.201, 1.202, 1.2, 1.201, 1.202;
	# by hand, population variance 0.56e-6, deviation 0.000748...
	[ "$(sed -n 9p <<<"$output" | cut -d, -f5 | cut -c1-8)" = "0.000748" ]
}
