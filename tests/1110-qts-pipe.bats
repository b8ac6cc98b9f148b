#!/usr/bin/env bats
# qts pipe: a shell pipeline's stages chained in one process.  The shell
# pipeline is the reference: the same arguments give the same bytes on
# standard output, the same messages and the same exit status.

load helper

setup() {
	T=$BATS_TEST_TMPDIR
	qts-fetch --seed 5 --count 120 -t 1d synth:AAA,BBB,CCC,DDD > "$T/bars.csv"
}

# same 'PIPELINE' [FILE...]: the shell pipeline (the files given to its
# first stage) and qts pipe (given $OPTS too), on the same input ($IN or none): standard
# output, standard error and the exit status agree.  stderr_lines holds
# qts pipe's messages.
same() {
	local line=$1 in=${IN:-/dev/null} first
	shift
	first=${line%%|*}
	sh_status=0
	bash -c "$first \"\$@\" ${line#"$first"}" _ "$@" < "$in" > "$T/sh.out" 2> "$T/sh.err" || sh_status=$?
	status=0
	qts pipe ${OPTS-} "$line" "$@" < "$in" > "$T/pipe.out" 2> "$T/pipe.err" || status=$?
	cmp "$T/sh.out" "$T/pipe.out"
	diff "$T/sh.err" "$T/pipe.err"
	[ "$status" -eq "$sh_status" ]
	mapfile -t stderr_lines < "$T/pipe.err"
}

# needs STAGE...: skip while a stage is not yet one qts pipe can chain
needs() {
	for s in "$@"; do
		if qts pipe "$s" < /dev/null 2>&1 | grep -q "unknown stage"; then
			skip "$s is not a stage of qts pipe yet"
		fi
	done
}

@test "qts pipe: one stage alone is the program" {
	same 'qts-sim --cash 5000' "$FIX/sim/targets.csv"
	same 'qts-sim -M' "$FIX/sim/targets.csv"
	IN=$T/bars.csv same 'qts-resample 1w'
}

@test "qts pipe: resample | sim, byte for byte, files inside the first stage or after the pipeline" {
	same 'qts-resample 1w | qts-sim --cash 20000' "$T/bars.csv"
	qts-resample 1w "$T/bars.csv" | qts-sim --cash 20000 > "$T/expected"
	qts pipe 'qts-resample 1w | qts-sim --cash 20000' "$T/bars.csv" | cmp - "$T/expected"
	# the program's short name works as well
	qts pipe 'resample 1w | sim --cash 20000' "$T/bars.csv" | cmp - "$T/expected"
	[ "$(grep -c '^equity' "$T/expected")" -ge 10 ]
}

@test "qts pipe: its options go anywhere, as a stage's do; a file named like one follows --" {
	qts pipe -M --threads 1 'qts-resample 1w' "$T/bars.csv" > "$T/expected"
	[ -s "$T/expected" ]
	qts pipe 'qts-resample 1w' "$T/bars.csv" -M --threads 1 | cmp - "$T/expected"
	qts pipe 'qts-resample 1w' --threads=1 "$T/bars.csv" -M | cmp - "$T/expected"
	cp "$T/bars.csv" "$T/-M"
	cd "$T"
	qts pipe 'qts-resample 1w' -M -- -M | cmp - "$T/expected"
}

@test "qts pipe: resample -k | sim | report, and -M for the chain's output" {
	IN=$T/bars.csv same 'qts-resample 1w -p | qts-sim | qts-report -j'
	IN=$T/bars.csv same 'qts-resample 1d -k | qts-sim --cash 1000 | qts-resample 1w -k -p'
	qts-resample 1w < "$T/bars.csv" | qts-sim -M > "$T/expected"
	qts pipe -M 'qts-resample 1w | qts-sim' < "$T/bars.csv" | cmp - "$T/expected"
	# an inner -M changes nothing: nothing is encoded between stages
	qts pipe -M 'qts-resample -M 1w | qts-sim' < "$T/bars.csv" | cmp - "$T/expected"
	qts pipe 'qts-resample 1w | qts-sim -M' < "$T/bars.csv" | cmp - "$T/expected"
}

@test "qts pipe: qts-report writes its report and no events, --tee passes the stream on" {
	IN=$T/bars.csv same 'qts-resample 1w | qts-sim | qts-report'
	IN=$T/bars.csv same 'qts-resample 1w | qts-sim | qts-report -c --tee'
	qts pipe "qts-resample 1w | qts-sim | qts-report -j -o '$T/r.json'" < "$T/bars.csv"
	qts-resample 1w < "$T/bars.csv" | qts-sim | qts-report -j > "$T/expected.json"
	cmp "$T/r.json" "$T/expected.json"
}

@test "qts pipe: strategy | risk | sim equals the shell pipeline" {
	needs qts-strategy qts-risk
	IN=$T/bars.csv same 'qts-strategy sma-cross fast=3 slow=8 size=100 | qts-risk --max-position 500 | qts-sim --commission bps=10'
	IN=$T/bars.csv same 'qts-strategy sma-cross fast=3 slow=8 size=100 | qts-risk --max-position 500 | qts-sim -M'
}

@test "qts pipe: an event of a type qts does not know keeps its msgpack fields' types, as a shell pipeline of msgpack does" {
	# bar; note with an int and a nil; bar (qts-events(5): any lowercase
	# type passes through every stage)
	printf '\x99\xa3bar\xd3\x13\x45\x5f\x42\xa7\xb8\x00\x00\xa1A\xa21d\xcb\x40\x24\0\0\0\0\0\0\xcb\x40\x26\0\0\0\0\0\0\xcb\x40\x22\0\0\0\0\0\0\xcb\x40\x24\0\0\0\0\0\0\xcb\x40\x59\0\0\0\0\0\0' > "$T/n.mp"
	printf '\x95\xa4note\xd3\x13\x45\xad\xd7\x39\x07\x00\x00\xa1A\x05\xc0' >> "$T/n.mp"
	printf '\x99\xa3bar\xd3\x13\x45\xad\xd7\x39\x07\x00\x00\xa1A\xa21d\xcb\x40\x24\0\0\0\0\0\0\xcb\x40\x26\0\0\0\0\0\0\xcb\x40\x22\0\0\0\0\0\0\xcb\x40\x24\0\0\0\0\0\0\xcb\x40\x59\0\0\0\0\0\0' >> "$T/n.mp"
	[ "$(qts cat "$T/n.mp" | sed -n 2p)" = "note,2014-01-03T00:00:00Z,A,5," ]
	QTS_FORMAT=msgpack bash -c 'qts-sim "$1" | qts-risk' _ "$T/n.mp" > "$T/sh.mp"
	qts pipe -M 'qts-sim | qts-risk' "$T/n.mp" | cmp - "$T/sh.mp"
	# its int 5 and nil, as read (a stage writing CSV makes them text)
	od -An -tx1 "$T/sh.mp" | tr -d ' \n' | grep -q 'a46e6f7465.\{18\}a14105c0'
}

@test "qts pipe: resample | strategy | risk | sim | report equals the shell pipeline" {
	needs qts-strategy qts-risk
	IN=$T/bars.csv same 'qts-resample 1w | qts-strategy sma-cross fast=2 slow=4 size=10 | qts-risk | qts-sim | qts-report -c'
}

@test "qts pipe: a stage not in qts pipe is an unknown stage (exit 2)" {
	run --separate-stderr -2 qts pipe 'qts-sim | qts-nosuch --x | qts-report'
	[[ $stderr == "qts pipe: stage 2: unknown stage 'qts-nosuch' (qts pipe runs "*"qts-sim"*")" ]]
	[[ $stderr == *"qts-resample"*"qts-report"* ]]
}

@test "qts pipe: a bad option in a middle stage exits 2 naming that stage" {
	run --separate-stderr -2 qts pipe 'qts-resample 1w | qts-sim --bogus | qts-report' < "$T/bars.csv"
	[ "${stderr_lines[0]}" = "qts-sim: unrecognized option '--bogus'" ]
	[[ ${stderr_lines[1]} == "usage: qts-sim "* ]]
	[ -z "$output" ]
	run --separate-stderr -2 qts pipe 'qts-resample 1w | qts-sim --cash -5' < "$T/bars.csv"
	[[ ${stderr_lines[0]} == "qts-sim: --cash: "* ]]
}

@test "qts pipe: a usage error in the first stage, and no other stage speaks" {
	# in the shell, qts-sim would go on to say its input was empty
	run --separate-stderr -2 qts pipe 'qts-strategy nosuch | qts-sim' "$T/bars.csv"
	[ "${stderr_lines[0]}" = "qts-strategy: unknown strategy 'nosuch' (qts-strategy --list names them)" ]
	[[ ${stderr_lines[1]} == "usage: qts-strategy "* ]]
	[[ $stderr != *qts-sim:* ]]
	[ -z "$output" ]
}

@test "qts pipe: files are read by the first stage only" {
	run --separate-stderr -2 qts pipe 'qts-resample 1w | qts-sim a.csv'
	[ "$stderr" = "qts pipe: stage 2 (qts-sim): 'a.csv': only the first stage reads files (or name them after the pipeline)" ]
	run --separate-stderr -2 qts pipe 'qts-resample 1w a.csv | qts-sim' b.csv
	[ "$stderr" = "qts pipe: files named both in qts-resample ('a.csv') and after the pipeline ('b.csv')" ]
}

@test "qts pipe: words split as by a shell; what a shell would expand is refused (exit 2)" {
	# quoted and escaped words reach the stage whole
	qts-sim --cash 5000 "$FIX/sim/targets.csv" > "$T/expected"
	cp "$FIX/sim/targets.csv" "$T/a b.csv"
	qts pipe "qts-sim --cash \"5000\" '$T/a b.csv'" | cmp - "$T/expected"
	qts pipe "qts-sim --cash 5\\000 $(printf '%q' "$T/a b.csv")" | cmp - "$T/expected"
	run --separate-stderr -2 qts pipe 'qts-sim > out.csv'
	[ "$stderr" = "qts pipe: stage 1 (qts-sim): '>': redirections are not available in qts pipe (it reads FILE... and writes to standard output)" ]
	run --separate-stderr -2 qts pipe 'qts-resample 1w | qts-sim <in.csv'
	[ "$stderr" = "qts pipe: stage 2 (qts-sim): '<in.csv': redirections are not available in qts pipe (it reads FILE... and writes to standard output)" ]
	run --separate-stderr -2 qts pipe 'qts-sim --cash $CASH'
	[ "$stderr" = "qts pipe: stage 1 (qts-sim): '\$CASH': variables and command substitution are not available in qts pipe; quote it ('...') to mean it as text" ]
	run --separate-stderr -2 qts pipe 'qts-sim "$(cat x)"'
	[[ $stderr == "qts pipe: stage 1 (qts-sim): '\"\$(cat x)\"': variables"* ]]
	run --separate-stderr -2 qts pipe 'qts-sim *.csv'
	[ "$stderr" = "qts pipe: stage 1 (qts-sim): '*.csv': qts pipe does no globbing: name the files, or quote it ('...') to mean it as text" ]
	run --separate-stderr -2 qts pipe 'qts-sim ~/x.csv'
	[ "$stderr" = "qts pipe: stage 1 (qts-sim): '~/x.csv': qts pipe expands no '~' and takes no comments: quote it ('...') to mean it as text" ]
	run --separate-stderr -2 qts pipe 'qts-sim; qts-report'
	[ "$stderr" = "qts pipe: stage 1: 'qts-sim;': only '|' joins stages in qts pipe; quote it ('...') to mean it as text" ]
	run --separate-stderr -2 qts pipe 'qts-sim & qts-report'
	[ "$stderr" = "qts pipe: stage 1 (qts-sim): '&': only '|' joins stages in qts pipe; quote it ('...') to mean it as text" ]
	run --separate-stderr -2 qts pipe "qts-sim 'a.csv"
	[ "$stderr" = "qts pipe: a quote (') is not closed: 'a.csv" ]
	run --separate-stderr -2 qts pipe 'qts-sim "a.csv'
	[ "$stderr" = "qts pipe: a quote (\") is not closed: \"a.csv" ]
	run --separate-stderr -2 qts pipe 'qts-sim \'
	[ "$stderr" = "qts pipe: a backslash ends the pipeline: 'qts-sim \\'" ]
	run --separate-stderr -2 qts pipe 'qts-sim || qts-report'
	[ "$stderr" = "qts pipe: stage 2 is empty: 'qts-sim || qts-report'" ]
	run --separate-stderr -2 qts pipe '| qts-report'
	[ "$stderr" = "qts pipe: stage 1 is empty: '| qts-report'" ]
	run --separate-stderr -2 qts pipe
	[[ ${stderr_lines[0]} == "qts pipe: no pipeline given" ]]
}

@test "qts pipe: two stages in different time zones cannot share a process (exit 2)" {
	run --separate-stderr -2 qts pipe 'qts-resample -z Europe/Paris 1w | qts-report -z America/New_York'
	[ "$stderr" = "qts pipe: stage 2: time zone America/New_York, where a stage before it uses Europe/Paris: one zone in one process" ]
	qts pipe 'qts-resample -z Europe/Paris 1w | qts-sim | qts-report -z Europe/Paris' < "$T/bars.csv" > /dev/null
}

@test "qts pipe: bad data in the first stage: its message, the later stages end with its failure, closing no books, exit 1, as in the shell" {
	# a 1h bar among AAA's daily ones: qts-resample's error, in its input
	{ head -8 "$T/bars.csv"; echo "bar,2024-01-03T00:00:00Z,AAA,1h,1,1,1,1,1"; tail -n +9 "$T/bars.csv"; } > "$T/bad.csv"
	IN=$T/bad.csv same 'qts-resample 1d -k | qts-sim --cash 1000'
	# the failure is the stream's last record: qts-sim writes no equity
	# of its end after it (its input is not whole)
	tail -1 "$T/pipe.out" | grep -q '^system,.*,qts-resample,error,-:9: AAA: bars of 1h among bars of 1d'
	[ "${stderr_lines[0]}" = "qts-resample: -:9: AAA: bars of 1h among bars of 1d: one timeframe per symbol" ]
	[ "${stderr_lines[1]}" = "qts-sim: the input is incomplete: qts-resample failed: -:9: AAA: bars of 1h among bars of 1d: one timeframe per symbol" ]
	IN=$T/bad.csv same 'qts-resample 1d -k | qts-sim | qts-report'
	# a record the reader refuses: said in the first stage's name
	printf 'fill,2024-01-02T00:00:00Z,A,1,hold,1,1,0,0\n' > "$T/badfill.csv"
	IN=$T/badfill.csv same 'qts-resample 1d -k | qts-sim | qts-report'
	[ "${stderr_lines[0]}" = "qts-resample: -:1: side: 'hold' is not one of the allowed values" ]
}

@test "qts pipe: bad data in a later stage: named where it is in that stage's input, as in the shell" {
	# qts-sim passes the 1h bar on; qts-resample fails on it, at its own line
	{ head -8 "$T/bars.csv"; echo "bar,2024-01-03T00:00:00Z,AAA,1h,1,1,1,1,1"; tail -n +9 "$T/bars.csv"; } > "$T/bad.csv"
	IN=$T/bad.csv same 'qts-sim | qts-resample 1w -k'
	[[ ${stderr_lines[0]} == "qts-resample: -:1"?": AAA: bars of 1h among bars of 1d: one timeframe per symbol" ]]
	IN=$T/bad.csv same 'qts-sim | qts-resample 1w -k | qts-report -c'
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[[ ${stderr_lines[1]} == "qts-report: the input is incomplete: qts-resample failed: -:1"* ]]
	IN=$T/bad.csv same 'qts-sim | qts-resample 1w -k | qts-risk | qts-report -c'
	[ "${#stderr_lines[@]}" -eq 3 ]
}

# A failure is dated when the latest record its stage wrote became known:
# a day's bar written after a target of that day's end (its start a
# nanosecond past midnight) is known later than the target; the writer
# once dated it by the target, qts pipe by the bar.  And a stage that
# read a failure upstream says no more of its own end than that (no word
# of a strategy that wrote no target), as its program does.
@test "qts pipe: a failure after a bar known past the last target, and a stage given too little before a failure upstream, as in the shell" {
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,1' 'bar,2024-01-02T00:00:00Z,A,1d,11,11,11,11,1' \
		'bar,2024-01-02T00:00:00.000000001Z,B,1d,5,5,5,5,1' 'bar,2024-01-02T00:00:00Z,C,1d,12,12,12,12,1' > "$T/late.csv"
	IN=$T/late.csv same "qts-strategy -e 'target = close > sma(close, 2) ? 1 : 0' | qts-risk | qts-sim"
	[ "$status" -eq 1 ]
	grep -q '^target,2024-01-03T00:00:00Z,A,1,qty,' "$T/pipe.out"
	grep -q '^system,2024-01-03T00:00:00.000000001Z,qts-strategy,error,"-:4: out of time order' "$T/pipe.out"
	# the writer of the program alone, too
	qts-strategy -e 'target = close > sma(close, 2) ? 1 : 0' "$T/late.csv" 2> /dev/null | tail -n 1 | grep -q '^system,2024-01-03T00:00:00.000000001Z,'
	{ head -40 "$T/bars.csv"; echo 'system,2024-02-01T00:00:00Z,qts-fetch,error,gone'; } > "$T/up.csv"
	IN=$T/up.csv same 'qts-resample 1w | qts-strategy sma-cross fast=5 slow=20 | qts-sim'
	[ "${stderr_lines[1]}" = "qts-strategy: the input is incomplete: qts-fetch failed: gone" ]
	[ "${#stderr_lines[@]}" -eq 3 ]
}

# A stage that fails before it wrote anything dates its failure when the
# latest event it read became known, as its program's writer does: qts
# pipe dated it 0 in a stage before the last, and in the last by what the
# first stage had read (the hours of the day and the next, on two threads
# as far as the first had read ahead).
@test "qts pipe: a failure before a stage wrote anything is dated by what that stage read, as in the shell" {
	grep ',AAA,' "$T/bars.csv" | head -3 > "$T/day.csv"
	IN=$T/day.csv same 'qts-resample 2h | qts-sim'
	[ "$status" -eq 1 ]
	grep -q '^system,2024-01-02T00:00:00Z,qts-resample,error,-:1: AAA: bars of 1d are longer than 2h$' "$T/pipe.out"
	qts-fetch --seed 5 --count 30 -t 1h synth:AAA > "$T/hours.csv"
	for t in 1 2; do
		OPTS="--threads $t" IN=$T/hours.csv same "qts-resample 1d -p | qts-resample 2h | qts-sim"
		OPTS="--threads $t" IN=$T/hours.csv same "qts-resample 1d -p | qts-resample 2h"
		[ "$(tail -n 1 "$T/pipe.out")" = "system,2024-01-02T00:00:00Z,qts-resample,error,-:1: AAA: bars of 1d are longer than 2h" ]
	done
}

@test "qts pipe: a failure upstream of the chain is said by every stage, as in the shell" {
	{ head -4 "$T/bars.csv"; echo "system,2024-01-02T00:00:00Z,qts-fetch,error,gone"; } > "$T/up.csv"
	IN=$T/up.csv same 'qts-resample 1d -k | qts-sim | qts-report -c'
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "qts-resample: the input is incomplete: qts-fetch failed: gone" ]
	[ "${stderr_lines[2]}" = "qts-report: the input is incomplete: qts-fetch failed: gone" ]
}

@test "qts pipe: a missing input file exits 1 in the first stage's name" {
	run --separate-stderr -1 qts pipe 'qts-resample 1w' "$T/missing.csv"
	[ "$stderr" = "qts-resample: $T/missing.csv: No such file or directory" ]
}

@test "qts pipe: an input file that cannot be read: the later stages read the failure and say so, as in the shell" {
	# the first stage ends its stream with the failure, as after a bad
	# record: qts-report writes its empty report, and every later stage
	# says that its input is incomplete
	same 'qts-sim | qts-report -c' "$T/missing.csv"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "qts-sim: $T/missing.csv: No such file or directory" ]
	[ "${stderr_lines[-1]}" = "qts-report: the input is incomplete: qts-sim failed: $T/missing.csv: No such file or directory" ]
	[ -s "$T/pipe.out" ]
	same "qts-sim $T/missing.csv | qts-report -c"
	same "qts-strategy sma-cross $T/missing.csv | qts-sim | qts-report -c"
	[ "${#stderr_lines[@]}" -eq 3 ]
	same 'qts-strategy sma-cross | qts-sim | qts-report -c' "$T/missing.csv"
	same 'qts-resample 1w | qts-sim' "$T/missing.csv"
	grep -q "^system,1970-01-01T00:00:00Z,qts-resample,error,$T/missing.csv: No such file or directory$" "$T/pipe.out"
	same 'qts-resample 1w | qts-sim -M' "$T/missing.csv"
	same 'qts-resample 1w | qts-sim | qts-risk' "$T/bars.csv" "$T/missing.csv"
	same "qts-resample 1w $T/bars.csv $T/missing.csv | qts-sim | qts-risk -M"
	mkdir "$T/dir"
	same 'qts-sim | qts-risk' "$T/dir"
	# alone, it exits where the program does: --print's table unwritten
	same 'qts-strategy --print close' "$T/missing.csv"
	same 'qts-sim | qts-strategy --print close' "$T/missing.csv"
	# -M for the chain: the shell's last stage given -M
	qts-resample 1w "$T/missing.csv" 2>/dev/null | qts-sim -M > "$T/expected" 2>/dev/null || true
	run -1 --separate-stderr qts pipe -M 'qts-resample 1w | qts-sim' "$T/missing.csv"
	qts pipe -M 'qts-resample 1w | qts-sim' "$T/missing.csv" 2>/dev/null | cmp - "$T/expected"
}

@test "qts pipe: feedback that cannot be opened fails the stage that takes it, as in the shell" {
	same "qts-strategy sma-cross fast=2 slow=3 | qts-risk --feedback $T/nofb.csv | qts-sim" "$T/bars.csv"
	[ "$status" -eq 1 ]
	[[ ${stderr_lines[0]} == "qts-risk: --feedback: $T/nofb.csv: "* ]]
	[[ ${stderr_lines[1]} == "qts-sim: the input is incomplete: qts-risk failed: --feedback: $T/nofb.csv: "* ]]
	same "qts-strategy --feedback $T/nofb.csv sma-cross fast=2 slow=3 | qts-risk | qts-sim" "$T/bars.csv"
	[ "${#stderr_lines[@]}" -eq 3 ]
	same "qts-strategy --feedback $T/nofb.csv sma-cross fast=2 slow=3 | qts-risk -M" "$T/bars.csv"
}

@test "qts pipe: --metrics that cannot be written fails the first stage, as in the shell" {
	same "qts-sim --metrics $T/nodir/m.json | qts-report -c" "$T/bars.csv"
	[ "$status" -eq 1 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	same "qts-sim --metrics $T/nodir/m.json | qts-risk" "$T/bars.csv"
	# the input first, as the program opens it first
	same "qts-sim --metrics $T/nodir/m.json | qts-risk" "$T/missing.csv"
	[ "${stderr_lines[0]}" = "qts-sim: $T/missing.csv: No such file or directory" ]
}

@test "qts pipe: a closed standard output ends it quietly" {
	qts-fetch --count 20000 -t 1d synth:AAA,BBB > "$T/big.csv"
	run --separate-stderr bash -c 'qts pipe "qts-resample 1d -k | qts-sim" "$1" | head -1' _ "$T/big.csv"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$stderr" ]
}

@test "qts pipe: --help, and a stage's own --help" {
	run -0 qts pipe --help
	[[ $output == *"qts pipe [-M | --msgpack] [--threads 1|2] 'STAGE [ARG...] | STAGE [ARG...] ...' [FILE...]"* ]]
	run -0 qts pipe 'qts-sim --help'
	[[ $output == "usage: qts-sim "* ]]
}

@test "qts pipe: bash completion offers pipe and its options" {
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts'
		COMP_WORDS=(qts pi); COMP_CWORD=1; _qts; echo \${COMPREPLY[*]}"
	[[ $output == *pipe* ]]
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts'
		COMP_WORDS=(qts pipe --m); COMP_CWORD=2; _qts; echo \${COMPREPLY[*]}"
	[ "$output" = "--msgpack" ]
}

@test "qts pipe: one loop beats at the shortest --heartbeat of its stages" {
	# the first stage names the chain's beats; 10s would give none in 1 s
	{ head -n 1 "$T/bars.csv"; sleep 1; sed -n 2p "$T/bars.csv"; } |
		qts pipe 'qts-risk --heartbeat 10s | qts-sim --heartbeat 100ms --busy-poll 1ms' > "$T/out"
	[ "$(grep -c '^system,.*,qts-risk,info,heartbeat in=1 out=1 ' "$T/out")" -ge 5 ]
	[ "$(grep -v ',heartbeat ' "$T/out")" = "$(head -n 2 "$T/bars.csv" | qts-risk | qts-sim)" ]
}

@test "qts pipe: a failure read from upstream ends the stream there: what follows it is not read, as in the shell" {
	bar='bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1'
	broke='system,2024-01-03T00:00:00Z,x,error,upstream broke'
	# a second, different bar for A's time after it: not read, no failure
	# of the stage's own
	printf '%s\n%s\n%s\n' "$bar" "$broke" "${bar%1}2" > "$T/own.csv"
	same 'qts-strategy sma-cross | qts-risk | qts-sim' "$T/own.csv"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[*]}" = "qts-strategy: the input is incomplete: x failed: upstream broke qts-risk: the input is incomplete: x failed: upstream broke qts-sim: the input is incomplete: x failed: upstream broke" ]
	[ "$(cat "$T/pipe.out")" = "$(printf '%s\n%s' "$bar" "$broke")" ]
	# nor a bar cut short
	printf '%s\n%s\n%s\n' "$bar" "$broke" "${bar%,1,1}" > "$T/cut.csv"
	same 'qts-strategy sma-cross | qts-risk | qts-sim' "$T/cut.csv"
	[ "${#stderr_lines[@]}" -eq 3 ]
	# a stage's own failure before it still comes first
	printf '%s\n%s\n%s\n' "$bar" "${bar%1}2" "$broke" > "$T/first.csv"
	same 'qts-strategy sma-cross | qts-risk | qts-sim' "$T/first.csv"
	[[ "${stderr_lines[0]}" == "qts-strategy: $T/first.csv:2: bar A 1d "* ]]
	[[ "${stderr_lines[2]}" == "qts-sim: the input is incomplete: qts-strategy failed: $T/first.csv:2: "* ]]
}

@test "qts pipe: a stage given nothing by the one before says so, as in the shell" {
	: > "$T/empty.csv"
	same 'qts-strategy sma-cross | qts-risk | qts-sim' "$T/empty.csv"
	[ "${stderr_lines[*]}" = "qts-strategy: $T/empty.csv: no events (empty input) qts-risk: -: no events (empty input) qts-sim: -: no events (empty input)" ]
	# events in, none out of the first stage: a week not finished
	head -n 4 "$T/bars.csv" > "$T/days.csv"
	same 'qts-resample 1w | qts-sim' "$T/days.csv"
	[ "${stderr_lines[1]}" = "qts-sim: -: no events (empty input)" ]
}

@test "qts pipe: each stage names the failure it read, as in the shell" {
	# qts-sim ends at the error of x, which it writes as its stream's
	# last record: the bar after it is not read, and qts-report names x
	bar='bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1'
	printf '%s\n%s\n%s\n' "$bar" 'system,2024-01-02T00:00:00Z,x,error,upstream broke' "${bar%1}2" > "$T/held.csv"
	same 'qts-sim | qts-report -c' "$T/held.csv"
	[ "${stderr_lines[0]}" = "qts-sim: the input is incomplete: x failed: upstream broke" ]
	[ "${stderr_lines[-1]}" = "qts-report: the input is incomplete: x failed: upstream broke" ]
	# dated no earlier than the bar qts-sim wrote became known
	same 'qts-sim' "$T/held.csv"
	[ "$(tail -n 1 "$T/pipe.out")" = "system,2024-01-03T00:00:00Z,x,error,upstream broke" ]
}

@test "qts pipe: a failure fed back is the failure of the stage that reads it, as in the shell" {
	echo 'system,2024-01-03T00:00:00Z,qts-sim,error,boom' > "$T/fb.csv"
	# qts-risk ends its stream with it (read before its input: nothing
	# else), says its input is incomplete, and so does qts-sim after it;
	# qts-strategy, cut off as by a closed pipe, says nothing
	same "qts-strategy sma-cross fast=2 slow=3 | qts-risk --feedback $T/fb.csv | qts-sim" "$T/bars.csv"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[*]}" = "qts-risk: the input is incomplete: qts-sim failed: boom qts-sim: the input is incomplete: qts-sim failed: boom" ]
	[ "$(cat "$T/pipe.out")" = "system,2024-01-03T00:00:00Z,qts-sim,error,boom" ]
	# fed back to the first stage, whose input would end with a failure
	# of its own: the one fed back ends the stream first
	{ cat "$T/bars.csv"; echo "system,2024-07-01T00:00:00Z,x,error,gone"; } > "$T/up.csv"
	same "qts-strategy --feedback $T/fb.csv sma-cross fast=2 slow=3 | qts-risk | qts-sim" "$T/up.csv"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "qts-strategy: the input is incomplete: qts-sim failed: boom" ]
	[ "${stderr_lines[-1]}" = "qts-sim: the input is incomplete: qts-sim failed: boom" ]
	[ "$(grep -c ',error,' "$T/pipe.out")" -eq 1 ]
}

@test "qts pipe: feedback that cannot be read fails the stage that takes it, as in the shell" {
	echo 'fill,2024-01-03T00:00:00Z,AAA,x1,buy,three,10,0,0' > "$T/fb.csv"
	same "qts-strategy sma-cross fast=2 slow=3 | qts-risk --feedback $T/fb.csv | qts-sim" "$T/bars.csv"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[0]}" = "qts-risk: --feedback: $T/fb.csv:1: qty: 'three' is not a number" ]
	[ "${stderr_lines[1]}" = "qts-sim: the input is incomplete: qts-risk failed: --feedback: $T/fb.csv:1: qty: 'three' is not a number" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	# dated 0: qts-risk wrote nothing before it
	grep -q "^system,1970-01-01T00:00:00Z,qts-risk,error,--feedback: $T/fb.csv:1: qty: 'three' is not a number$" "$T/pipe.out"
	# in the last stage: the runtime's writer ends the stream
	same "qts-strategy sma-cross fast=2 slow=3 | qts-risk --feedback $T/fb.csv" "$T/bars.csv"
	[ "$status" -eq 1 ]
	[ "${stderr_lines[*]}" = "qts-risk: --feedback: $T/fb.csv:1: qty: 'three' is not a number" ]
	[ "$(tail -n 1 "$T/pipe.out")" = "system,1970-01-01T00:00:00Z,qts-risk,error,--feedback: $T/fb.csv:1: qty: 'three' is not a number" ]
}

@test "qts pipe: a stage that fails stops the stages before it at once" {
	echo 'fill,2024-01-03T00:00:00Z,AAA,x1,buy,three,10,0,0' > "$T/fb.csv"
	# a bad line far into the input: in the shell, qts-strategy reads on
	# and says it; in qts pipe it stops with qts-risk
	sed '400s/^bar,/bar,,/' "$T/bars.csv" > "$T/bad.csv"
	run -1 --separate-stderr qts pipe "qts-strategy sma-cross fast=2 slow=3 | qts-risk --feedback $T/fb.csv | qts-sim" "$T/bad.csv"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[[ ${stderr_lines[0]} == "qts-risk: --feedback: "* ]]
}

@test "qts pipe: a stage that writes a report or a table, not events, can only be last (exit 2, nothing written)" {
	why="it writes a report or a table, not events for the stage after it: put it last, or give qts-report --tee"
	run -2 --separate-stderr qts pipe 'qts-strategy --print close | qts-sim' "$T/bars.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts pipe: stage 1 (qts-strategy): $why" ]
	run -2 --separate-stderr qts pipe 'qts-sim | qts-report -t | qts-sim' "$T/bars.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts pipe: stage 2 (qts-report): $why" ]
	# last, or with --tee, it runs
	run -0 --separate-stderr qts pipe 'qts-sim | qts-report --tee -c | qts-risk' "$T/bars.csv"
	run -0 --separate-stderr qts pipe 'qts-strategy --print close' "$T/bars.csv"
	[ "${lines[0]}" = "ts,symbol,close" ]
	# and the chain's -M is refused for it, as qts-report -M is
	run -2 --separate-stderr qts pipe -M 'qts-sim | qts-report' "$T/bars.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts pipe: -M: the last stage (qts-report) writes a report or a table, not events" ]
}

@test "qts pipe: qts-report --compare reads files whole, not a stream: not a stage (exit 2, nothing written)" {
	qts-sim "$T/bars.csv" > "$T/sim.csv"
	why="--compare reads finished files whole, not a stream: it is not a stage (run qts-report --compare alone)"
	# in the shell it reads nothing of qts-sim: what qts-sim says of a
	# bad record depends on when qts-report exits
	run -2 --separate-stderr qts pipe 'qts-sim | qts-report --compare -c '"$T/sim.csv" "$T/bars.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts pipe: stage 2 (qts-report): $why" ]
	run -2 --separate-stderr qts pipe -M 'qts-sim | qts-report --compare '"$T/sim.csv" "$T/bars.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts pipe: stage 2 (qts-report): $why" ]
	run -2 --separate-stderr qts pipe "qts-report --comp $T/sim.csv"
	[ "$output" = "" ]
	[ "$stderr" = "qts pipe: stage 1 (qts-report): $why" ]
	run -2 --separate-stderr qts pipe "qts-report --compare $T/sim.csv | qts-sim"
	[ "$stderr" = "qts pipe: stage 1 (qts-report): $why" ]
}

@test "qts pipe: qts-report first names the files after the pipeline, as in the shell" {
	qts-sim "$T/bars.csv" > "$T/sim.csv"
	same 'qts-report' "$T/sim.csv"
	[ "$(head -n 1 "$T/pipe.out")" = "qts report  $T/sim.csv" ]
	# its message over a stream without equity
	same 'qts-report --tee -c | qts-sim' "$T/bars.csv"
	[[ ${stderr_lines[0]} == "qts-report: $T/bars.csv: no equity events among "* ]]
}

# 300000 bars of 200 symbols, msgpack: long enough for qts pipe to time
# its windows on two threads and on one, and switch between them.
long_stream() {
	qts-fetch -M --tf 1d --count 1500 "synth:$(awk 'BEGIN { for (i = 0; i < 200; i++) printf "%sS%03d", i ? "," : "", i }')" > "$T/long.mp"
}

@test "qts pipe --threads: 1 or 2, the same bytes either way as the shell pipeline, over a long stream" {
	long_stream
	# cash for every symbol's 100 shares: no rejection said
	chain='qts-strategy sma-cross fast=10 slow=30 size=100 | qts-risk | qts-sim --cash 100000000'
	same "$chain" "$T/long.mp"
	for n in 1 2; do
		run -0 --separate-stderr qts pipe --threads "$n" "$chain" "$T/long.mp"
		[ "$stderr" = "" ]
		printf '%s\n' "$output" | cmp - "$T/sh.out"
		qts pipe -M --threads "$n" "$chain" "$T/long.mp" | cmp - <(qts cat -M "$T/sh.out")
	done
	# the later stages fail near the end (the second thread far behind
	# the first): their message and output alone, as in the shell
	# (the synthetic days end on 2029-09-28)
	{ qts cat "$T/long.mp"; echo "bar,2029-10-01T00:00:00Z,S000,1h,1,1,1,1,1"
	  echo "bar,2029-10-02T00:00:00Z,S001,1d,1,1,1,1,1"; } > "$T/late.csv"
	IN=$T/late.csv same 'qts-sim | qts-resample 1w -k'
	[ "$status" -eq 1 ]
	# (qts-sim's 1500 equity events are in qts-resample's input too)
	[[ ${stderr_lines[0]} == "qts-resample: -:301501: S000: bars of 1h among bars of 1d"* ]]
	# and the first stage failing there, after the later ones' events
	IN=$T/late.csv same 'qts-resample 1d -k | qts-sim'
	[[ ${stderr_lines[0]} == "qts-resample: -:300001: S000: bars of 1h among bars of 1d"* ]]
}

@test "qts pipe --threads 2: a later stage's failure is the failure, though the first stage read past it" {
	# qts-resample (the second thread's) fails at the 1h bar; the first
	# thread reads on, to a bad record it must not name: one thread would
	# not have read it (qts-sim's equity of two days comes before the bar)
	{ head -8 "$T/bars.csv"; echo "bar,2024-01-03T00:00:00Z,AAA,1h,1,1,1,1,1"; sed -n 9,12p "$T/bars.csv"
	  echo "not an event"; tail -n +13 "$T/bars.csv"; } > "$T/two.csv"
	for n in 1 2; do
		run -1 --separate-stderr qts pipe --threads "$n" 'qts-sim | qts-resample 1w -k' "$T/two.csv"
		printf '%s\n' "$output" > "$T/out$n"
		[ "$stderr" = "qts-resample: -:11: AAA: bars of 1h among bars of 1d: one timeframe per symbol" ]
	done
	cmp "$T/out1" "$T/out2"
	[[ $(tail -n 1 "$T/out2") == "system,"*",qts-resample,error,-:11: AAA: bars of 1h among bars of 1d"* ]]
}

@test "qts pipe --threads: anything but 1 or 2 is a usage error (exit 2)" {
	for bad in 0 3 x ''; do
		run -2 --separate-stderr qts pipe --threads "$bad" 'qts-sim' < /dev/null
		[ "$output" = "" ]
		[[ $stderr == "qts pipe: --threads: "* ]]
	done
	run -2 --separate-stderr qts pipe --threads 3 'qts-sim' < /dev/null
	[[ $stderr == "qts pipe: --threads: 3 is out of range [1, 2]"* ]]
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts'
		COMP_WORDS=(qts pipe --th); COMP_CWORD=2; _qts; echo \${COMPREPLY[*]}"
	[ "$output" = "--threads" ]
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts'
		COMP_WORDS=(qts pipe --threads ''); COMP_CWORD=3; _qts; echo \${COMPREPLY[*]}"
	[ "$output" = "1 2" ]
}

# threads 'PIPELINE' [QTS-PIPE-OPTION...]: the threads of qts pipe running
# PIPELINE on an input that pauses (a FIFO held open), once it has read
# an event.
threads() {
	local line=$1 pid n
	shift
	rm -f "$T/fifo" && mkfifo "$T/fifo"
	qts pipe "$@" "$line" < "$T/fifo" > "$T/threads.out" 2>&1 &
	pid=$!
	exec 7> "$T/fifo"
	head -n 1 "$T/bars.csv" >&7
	# the event is written out once the input pauses; its threads are
	# made before (bounded: 10 s)
	for _ in $(seq 100); do [ -s "$T/threads.out" ] && break; sleep 0.1; done
	n=$(ls "/proc/$pid/task" | wc -l)
	exec 7>&-
	wait "$pid" || true
	echo "$n"
}

@test "qts pipe: two threads for a chain that only reads, works and writes; one for live work, a plugin or --threads 1" {
	[ "$(nproc)" -ge 2 ] || skip "one CPU: qts pipe runs on one thread"
	[ "$(threads 'qts-risk | qts-sim')" -eq 2 ]
	[ "$(threads 'qts-risk | qts-sim' --threads 1)" -eq 1 ]
	[ "$(threads 'qts-sim')" -eq 1 ]
	[ "$(threads 'qts-risk --heartbeat 1s | qts-sim')" -eq 1 ]
	[ "$(threads 'qts-risk | qts-sim --busy-poll 1ms')" -eq 1 ]
	# on two threads but for one CPU
	[ "$(taskset -c 0 bash -c "$(declare -f threads); T='$T'; threads 'qts-risk | qts-sim'")" -eq 1 ]
	cat > "$T/p.c" <<-'EOF2'
	#include <qts/strategy.h>
	static void *init(const qts_strategy_host *h, size_t np, const struct qts_strategy_param *p, char *err, size_t len) {
		(void)np; (void)p; (void)err; (void)len; return (void *)h; }
	static void on_bar(void *x, const struct qts_strategy_bar *b) { (void)x; (void)b; }
	static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, "p", "does nothing", init, on_bar, NULL, NULL, NULL, NULL, NULL, NULL };
	const qts_strategy *qts_strategy_entry(void) { return &d; }
	EOF2
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o "$T/p.so" "$T/p.c"
	[ "$(threads "qts-strategy --plugin $T/p.so | qts-sim")" -eq 1 ]
	[ "$(threads "qts-sim | qts-strategy --plugin $T/p.so")" -eq 1 ]
}

@test "qts pipe: a file an option names that cannot be read is said by its stage, and nothing runs (exit 1)" {
	cd "$BATS_TEST_TMPDIR"
	printf 'equity,2024-01-01T00:00:00Z,0,100,0,0,0,0\nequity,2024-01-02T00:00:00Z,0,102,0,0,0,0\n' > eq.csv
	run -1 --separate-stderr qts pipe 'qts-sim --instruments nosuch.csv | qts-report -c' eq.csv
	[ -z "$output" ]
	[ "$stderr" = "qts-sim: nosuch.csv: No such file or directory" ]
	run -1 --separate-stderr qts pipe 'qts-strategy sma-cross | qts-risk --sectors nosuch.csv | qts-sim' eq.csv
	[ -z "$output" ]
	[ "$stderr" = "qts-risk: nosuch.csv: No such file or directory" ]
}

@test "qts pipe: stopped by SIGTERM, its stream ends with the last stage's record, as the shell pipeline's does when the signal stops every stage" {
	cd "$BATS_TEST_TMPDIR"
	# signalled CMD TARGET OUT: CMD reading the FIFO in (its pid in $!
	# given to TARGET, a pid or -pgid), every bar fed and through it,
	# then SIGTERM to TARGET; CMD's status in $rc
	signalled() {
		rm -f in
		mkfifo in
		setsid bash -c "exec $1" &
		local pid=$! target
		exec 8> in
		cat bars.csv >&8
		for _ in $(seq 400); do # 20 s at most: the sanitizers on a busy machine are slow
			[ "$(grep -c '^bar,' "$3" || true)" = 480 ] && break
			sleep 0.05
		done
		target=${2//PID/$pid}
		kill -TERM -- "$target"
		rc=0
		wait "$pid" || rc=$?
		exec 8>&-
	}
	P='qts-strategy sma-cross fast=2 slow=3 size=10 | qts-risk | qts-sim'
	# the one process
	signalled "qts pipe '$P' in > pipe.out 2> pipe.err" PID pipe.out
	[ "$rc" = 143 ]
	[ "$(grep -c '^system,.*,error,' pipe.out)" = 1 ]
	tail -1 pipe.out | grep -q '^system,[^,]*,qts-sim,error,stopped by signal 15 (SIGTERM)$'
	# the shell's, every stage stopped by the signal (its process group);
	# the shell running them dies of it at once, before qts-sim has
	# written its last record: that is awaited (5 s at most)
	signalled "bash -c 'qts-strategy sma-cross fast=2 slow=3 size=10 in | qts-risk | qts-sim > sh.out 2> sh.err'" -PID sh.out
	for _ in $(seq 100); do tail -1 sh.out | grep -q '^system,' && break; sleep 0.05; done
	tail -1 sh.out | grep -q '^system,[^,]*,qts-sim,error,stopped by signal 15 (SIGTERM)$' || { tail -3 sh.out; false; }
}
