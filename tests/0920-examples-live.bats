#!/usr/bin/env bats
# examples/live/run.sh: the paced paper-trading loop of qts(7) runs end to
# end, on its generated day and on a file given, paced fast enough that
# the replay takes no time to speak of.

load helper

@test "examples/live: the loop on a generated day ends cleanly with a report" {
	run -0 --separate-stderr sh "$BATS_TEST_DIRNAME/../examples/live/run.sh" "" 1000000
	[[ $output == *"qts report"* ]]
	[[ $output == *"Trades "* ]]
	# on standard error, the live report, but no program's complaint
	[ -z "$(printf '%s\n' "$stderr" | grep -E '^qts(-[a-z]+)?: ')" ]
}

@test "examples/live: the loop on a file of four symbols" {
	cd "$BATS_TEST_TMPDIR"
	for s in AAA BBB CCC DDD; do
		qts-fetch --seed 3 --from 2024-01-02 --to 2024-06-28 "synth:$s" >"$s.csv"
	done
	qts-fetch AAA.csv BBB.csv CCC.csv DDD.csv >merged.csv # merged in time
	run -0 --separate-stderr sh "$BATS_TEST_DIRNAME/../examples/live/run.sh" merged.csv 100000000
	[[ $output == *"Start                              2024-01-02"* ]]
	[ -z "$(printf '%s\n' "$stderr" | grep -E '^qts(-[a-z]+)?: ')" ]
}
