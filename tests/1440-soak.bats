#!/usr/bin/env bats
# The two-minute form of `make soak` (scripts/soak.sh): the paper pipeline
# on a paced feed at 10,000 events a second, each stage's memory,
# descriptors and p99 sampled every 10 s, and judged flat.  Two minutes
# of wall time, whatever the machine: what is checked is growth, never
# speed.

load helper

@test "soak, two minutes: memory, descriptors and p99 flat" {
	cd "$BATS_TEST_TMPDIR"
	run --separate-stderr timeout 300 sh "$BATS_TEST_DIRNAME/../scripts/soak.sh" "${QTS_SOAK_SECONDS:-120}" 10000 soak.csv
	# shown when the test fails: the verdict first, then the samples
	printf '%s\n' "$stderr" "$output"
	[ "$status" -eq 0 ]
	[[ $stderr == *"soak: memory, descriptors and p99 flat"* ]]
	# a sample every 10 s of every stage, each with its figures
	[ "$(head -1 soak.csv)" = "time_s,stage,rss_kb,fds,events_in,p99_us" ]
	for s in fetch strategy risk broker; do
		[ "$(grep -c ",$s," soak.csv)" -ge 10 ]
	done
	# the events kept flowing: the broker's count rises to the end
	awk -F, '$2 == "broker" { if ($5 + 0 <= last + 0) bad = 1; last = $5 } END { exit bad }' soak.csv
}

@test "soak: a rate under 100 events a second is refused" {
	run sh "$BATS_TEST_DIRNAME/../scripts/soak.sh" 10 50 "$BATS_TEST_TMPDIR/s.csv"
	[ "$status" -eq 2 ]
	[[ $output == *"soak: RATE must be at least 100"* ]]
}
