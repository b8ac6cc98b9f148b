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
