#!/usr/bin/env bats
# qts-sim on hostile input: numbers at the ends of the range give whole,
# readable messages and events.

load helper

@test "a rejection for an exposure near 1e308 keeps its whole sentence" {
	# Limit price 1e308 x 1 share: exposure 1e308 > 1 x equity 100000.
	# In cents that number alone is 311 characters, past the reason's
	# limit; the message keeps significant digits instead.
	run -0 qts-sim <<-EOF2
	bar,2024-01-02T14:30:00Z,A,1m,10,10,10,10,1000
	order,2024-01-02T14:30:00Z,A,o-1,buy,1,limit,1e308,,gtc,s
	EOF2
	echo "$output" | grep -qx 'update,2024-01-02T14:30:00Z,A,o-1,rejected,0,,insufficient cash: exposure 1e+308 > 1 x equity 100000'
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
}
