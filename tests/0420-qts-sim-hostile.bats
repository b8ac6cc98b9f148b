#!/usr/bin/env bats
# qts-sim on hostile input: numbers at the ends of the range give whole,
# readable messages and events.

load helper

@test "a rejection for an exposure near 1e308 keeps its whole sentence" {
	# Limit price 1e308 x 1 share: exposure 1e308 > 1 x equity 100000.
	# In cents that number alone is 311 characters, past the reason's
	# limit; the message keeps significant digits instead.
	run -0 --separate-stderr qts-sim <<-EOF2
	bar,2024-01-02T14:30:00Z,A,1m,10,10,10,10,1000
	order,2024-01-02T14:30:00Z,A,o-1,buy,1,limit,1e308,,gtc,s
	EOF2
	echo "$output" | grep -qx 'update,2024-01-02T14:30:00Z,A,o-1,rejected,0,,insufficient cash: exposure 1e+308 > 1 x equity 100000'
	[[ "$stderr" == "qts-sim: 1 order rejected for want of cash"* ]]
	qts cat <<<"$output" >/dev/null
}

@test "the ranges qts-sim(1) states are the ones accepted" {
	for ok in "--cash 0" "--cash 1e15" "--leverage 1e-9" "--leverage 1000" \
		"--max-participation 1e-9" "--max-participation 1" \
		"--commission bps=10000" "--slippage bps=9999.99" "--slippage ticks=1e6" \
		"--impact sqrt,k=0,window=2" "--impact sqrt,k=1e6,window=100000"; do
		run -0 qts-sim $ok </dev/null
	done
	for bad in "--cash -1" "--cash 1.1e15" "--leverage 0" "--leverage 1000.1" \
		"--max-participation 0" "--max-participation 1.0001" \
		"--commission bps=10000.1" "--slippage bps=10000" "--slippage ticks=1.1e6" \
		"--impact sqrt,k=1,window=1" "--impact sqrt,k=1,window=100001" "--impact sqrt,k=1.1e6"; do
		run -2 qts-sim $bad </dev/null
	done
	# and --help says them as qts-sim(1) does
	run -0 qts-sim --help
	[[ $output == *"--max-participation F   fill at most F (1e-9 <= F <= 1) of"* ]]
	[[ $output == *"--leverage N            gross exposure up to N x equity (1e-9 <= N <= 1000,"* ]]
}

@test "another bar of a symbol and timeframe for a time had is an error naming the line; the same bar again is passed on and not acted on" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100' 'bar,2024-01-02T00:00:00Z,B,1d,10,11,9,10.5,100' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,12,9,10.5,100' > other.csv
	run -1 --separate-stderr qts-sim other.csv
	[ "$stderr" = "qts-sim: other.csv:3: bar A 1d at 2024-01-02T00:00:00Z is not after the symbol's last bar of that timeframe, nor that bar again: another bar for one time would work its orders twice" ]
	[ "${#lines[@]}" = 3 ] # the two bars before it, and the error event
	run -1 --separate-stderr qts-sim -M other.csv
	[[ "$stderr" == *"other.csv:"*"another bar for one time would work its orders twice" ]]
	# an order placed after the first bar: the bar again does not fill it
	# (a market order fills at the next bar's open, 20, not at 10)
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100' \
		'order,2024-01-03T00:00:00Z,A,o1,buy,5,market,,,day,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100' \
		'bar,2024-01-03T00:00:00Z,A,1d,20,21,19,20.5,100' > again.csv
	run -0 qts-sim again.csv
	[ "$(grep -c '^bar,2024-01-02T00:00:00Z,A,' <<< "$output")" = 2 ]
	[ "$(grep '^fill,' <<< "$output" | cut -d, -f2,3,6,7)" = "2024-01-03T00:00:00Z,A,5,20" ]
	# bars of two timeframes of a symbol at one time are not the same bar
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,11,9,10.5,100' 'bar,2024-01-01T00:00:00Z,A,1w,10,12,9,11,500' > tfs.csv
	run -0 qts-sim tfs.csv
}

@test "positions and equity in the input (a stream executed already) are refused, naming the line; the advice in qts-sim(1) runs" {
	cd "$BATS_TEST_TMPDIR"
	cat >run.csv <<-'E'
	bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	target,2024-01-03T00:00:00Z,A,5,qty,s
	bar,2024-01-03T00:00:00Z,A,1d,11,11,11,11,1000
	bar,2024-01-04T00:00:00Z,A,1d,12,12,12,12,1000
	E
	qts-sim run.csv >sim.csv
	# each kind in turn is the first of the stream, named with its line;
	# the error ends the output, after whole records
	seen=
	while first=$(grep -n -m1 -E '^(position|equity),' sim.csv); do
		n=${first%%:*} type=$(cut -d, -f1 <<<"${first#*:}")
		run -1 --separate-stderr qts-sim sim.csv
		[ "$stderr" = "qts-sim: sim.csv:$n: $type in the input: qts-sim writes the positions and equity itself; is this stream executed already? (keep its bars and orders: grep -v -e '^fill,' -e '^update,' -e '^position,' -e '^equity,')" ]
		qts cat <<<"$output" 2>&1 | grep -q 'the input is incomplete'
		seen="$seen $type"
		sed -i "/^$type,/d" sim.csv
	done
	[ "$(tr ' ' '\n' <<<"$seen" | sort | xargs)" = "equity position" ]
	# fills and updates (fed back to qts-risk in the input) pass through
	grep -q '^fill,' sim.csv
	run -0 qts-sim sim.csv
	[ "$(grep -c '^fill,' <<<"$output")" -gt "$(grep -c '^fill,' sim.csv)" ]
	# as qts-sim(1) says: the stream run again with its reports dropped
	grep -v -e '^fill,' -e '^update,' -e '^position,' -e '^equity,' <(qts-sim run.csv) | qts-sim >again.csv
	diff <(qts-sim run.csv) again.csv
	# and in qts pipe, the same
	run -1 --separate-stderr qts pipe 'qts-sim' <(qts-sim run.csv)
	[[ "$stderr" == *" in the input: qts-sim writes the positions and equity itself"* ]]
}
