#!/usr/bin/env bats
# Checkpoints (--state, --checkpoint-every, --output-journal): a stage
# killed with SIGKILL at random moments and restarted on its whole input
# with the same state file writes, through its output journal, exactly
# what it writes uninterrupted.  QTS_CHECKPOINT_SEEDS=N runs N seeds per
# stage (2 by default).

load helper
load checkpoint

setup() {
	T=$BATS_TEST_TMPDIR
	SEEDS=${QTS_CHECKPOINT_SEEDS:-2}
	KILL_SPAN=50 # the kills fall within the first half of a run
}

@test "checkpoints: a backtest pipeline killed at random in its resample, risk and sim stages writes what it writes uninterrupted" {
	[ -f "$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz" ] || skip "shared data not present"
	qts-fetch -s 6E --stamp end "$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz" > "$T/1m.csv"
	RISK="qts-risk --cash 1000000 --max-position 40000 --stop-loss 0.002 --trailing-stop 0.003 --max-drawdown 0.2 --target-vol 0.5 --vol-window 30 --max-orders 20/1d"
	SIM="qts-sim --cash 1000000 --commission bps=1 --slippage bps=1 --impact sqrt,k=0.1,window=20 --latency 1m"
	# uninterrupted
	qts-resample 15m,1h "$T/1m.csv" > "$T/bars.ref"
	qts-strategy sma-cross fast=8 slow=30 size=50000 "$T/bars.ref" > "$T/sig.ref"
	$RISK "$T/sig.ref" > "$T/risk.ref"
	$SIM "$T/risk.ref" > "$T/sim.ref"
	qts-report < "$T/sim.ref" > "$T/report.ref"
	[ "$(grep -c '^fill,' "$T/sim.ref")" -gt 20 ]
	[ "$(grep -c '^risk,.*,flatten,' "$T/risk.ref")" -gt 5 ]
	for seed in $(seq 1 "$SEEDS"); do
		killed "$seed" "$T/1m.csv" "$T/bars.$seed" qts-resample 15m,1h
		cmp "$T/bars.$seed" "$T/bars.ref"
		qts-strategy sma-cross fast=8 slow=30 size=50000 "$T/bars.$seed" > "$T/sig.$seed"
		killed "$((seed + 100))" "$T/sig.$seed" "$T/risk.$seed" $RISK
		cmp "$T/risk.$seed" "$T/risk.ref"
		killed "$((seed + 200))" "$T/risk.$seed" "$T/sim.$seed" $SIM
		cmp "$T/sim.$seed" "$T/sim.ref"
		qts-report < "$T/sim.$seed" | cmp - "$T/report.ref"
	done
}

@test "checkpoints: qts-resample -k over symbols with gaps, one stopping, killed at random, writes what it writes uninterrupted" {
	# AAA, BBB and CCC over nights, CCC stopping on the third day: bars
	# are written when the stream is past their end, whichever symbol
	# takes it there, symbol by symbol in the order they last opened one
	qts-fetch --seed 3 --count 2000 -t 1m synth:AAA,BBB,CCC |
		awk -F, '!($3 == "CCC" && $2 > "2024-01-03T15")' > "$T/in.csv"
	qts-resample -k -p 5m,1h,1d "$T/in.csv" > "$T/ref.csv"
	qts cat "$T/ref.csv" > /dev/null
	for seed in $(seq 1 "$SEEDS"); do
		killed "$((seed + 300))" "$T/in.csv" "$T/out.$seed" qts-resample -k -p 5m,1h,1d
		cmp "$T/out.$seed" "$T/ref.csv"
	done
}

@test "checkpoints: a stage and its qts journal killed together at random restart from the checkpoint the journal holds, and write what they write uninterrupted" {
	qts-fetch --seed 3 --count 100000 -t 1m synth:AAA,BBB,CCC > "$T/in.csv"
	qts-resample -k 1m,5m "$T/in.csv" > "$T/ref.csv"
	for seed in $(seq 1 "$SEEDS"); do
		BOTH=1 killed "$((seed + 400))" "$T/in.csv" "$T/out.$seed" qts-resample -k 1m,5m
		cmp "$T/out.$seed" "$T/ref.csv"
		[ "$KILLS" -gt 0 ]
	done
	# qts-sim: its fills, positions and equity
	qts-strategy sma-cross fast=5 slow=20 size=10 "$T/in.csv" > "$T/sig.csv"
	qts-sim --commission bps=1 "$T/sig.csv" > "$T/sim.ref"
	for seed in $(seq 1 "$SEEDS"); do
		BOTH=1 killed "$((seed + 500))" "$T/sig.csv" "$T/sim.$seed" qts-sim --commission bps=1
		cmp "$T/sim.$seed" "$T/sim.ref"
	done
}

@test "checkpoints: a run restarted after its end writes nothing more through its journal" {
	qts-fetch --seed 5 --count 2000 -t 1m synth:AAA,BBB > "$T/in.csv"
	qts-resample 5m "$T/in.csv" > "$T/ref.csv"
	qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv" | qts journal "$T/J" > "$T/a.csv"
	cmp "$T/a.csv" "$T/ref.csv"
	run -0 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[ "$output" = "" ]
	# without the journal the last checkpoint's part is written again:
	# what came after it (here the bars the end of input closes)
	run -0 --separate-stderr qts-resample 5m --state "$T/S" "$T/in.csv"
	[ "$output" = "" ] || [ "$(printf '%s\n' "$output" | head -1)" != "$(head -1 "$T/ref.csv")" ]
}

@test "checkpoints: SIGTERM and SIGHUP write a checkpoint; the restart continues where it stopped" {
	qts-fetch --seed 7 --count 20000 -t 1m synth:AAA > "$T/in.csv"
	qts-resample 5m,1h "$T/in.csv" > "$T/ref.csv"
	mkfifo "$T/fifo"
	for sig in TERM HUP; do
		rm -f "$T/S" "$T/J"
		# a fifo input that pauses: the stage is stopped in the middle
		# (SIGHUP at its default whatever the tests were started with)
		( head -n 10000 "$T/in.csv"; sleep 30 ) > "$T/fifo" 3>&- &
		feeder=$!
		env --default-signal=HUP qts-resample 5m,1h --state "$T/S" --checkpoint-every 1000000 \
			--output-journal "$T/J" "$T/fifo" 2> "$T/err" | qts journal "$T/J" > /dev/null &
		for i in $(seq 1 200); do
			[ -s "$T/J" ] && [ "$(qts journal cat "$T/J" | wc -l)" -ge 500 ] && break
			sleep 0.05
		done
		pkill -$sig -x qts-resample -P $$ 2> /dev/null || true
		for p in $(jobs -p); do [ "$p" = "$feeder" ] || wait "$p" || true; done
		kill "$feeder" 2> /dev/null || true
		wait "$feeder" 2> /dev/null || true
		[ -s "$T/S" ]
		qts-resample 5m,1h --state "$T/S" --output-journal "$T/J" "$T/in.csv" | qts journal "$T/J" > /dev/null
		qts journal cat "$T/J" | cmp - "$T/ref.csv"
	done
}

# Killed with SIGKILL after such a pause, between two bars of one time:
# the checkpoint taken with the pause's equity, the restart continues the
# stream of the run uninterrupted with that pause, byte for byte (it
# lost the time's second bar and wrote the equity twice).
@test "checkpoints: qts-sim --live killed after a pause between two bars of one time continues its stream" {
	printf '%s\n' 'bar,2024-03-04T14:30:00Z,AAA,1m,10,10,10,10,100' 'bar,2024-03-04T14:30:00Z,BBB,1m,20,20,20,20,100' \
		'bar,2024-03-04T14:31:00Z,AAA,1m,10,10,10,10,100' 'bar,2024-03-04T14:31:00Z,BBB,1m,20,20,20,20,100' \
		'bar,2024-03-04T14:32:00Z,AAA,1m,10,10,10,10,100' 'bar,2024-03-04T14:32:00Z,BBB,1m,20,20,20,20,100' > "$T/in.csv"
	paused 3 "$T/in.csv" '^equity,2024-03-04T14:32' "$T/ref.csv" qts-sim --live
	KILL=1 paused 3 "$T/in.csv" '^equity,2024-03-04T14:32' "$T/got.csv" qts-sim --live
	cmp "$T/got.csv" "$T/ref.csv"
	[ "$(grep -c '^bar,' "$T/got.csv")" -eq 6 ]
}

@test "checkpoints: a --state file that cannot be written is refused at the start (exit 1), not after the run it would keep" {
	for p in qts-sim qts-risk qts-resample; do
		args=()
		[ "$p" = qts-resample ] && args=(1h)
		run -1 --separate-stderr "$p" --state "$T/nodir/s" "${args[@]}" </dev/null
		[ "$stderr" = "$p: --state $T/nodir/s: cannot create a temporary beside it: No such file or directory" ]
	done
}

@test "checkpoints: a state of other options, another stage, or another input is refused, naming why" {
	qts-fetch --seed 5 --count 600 -t 1m synth:AAA > "$T/in.csv"
	qts-fetch --seed 6 --count 600 -t 1m synth:AAA > "$T/other.csv"
	qts-resample 5m --state "$T/S" --checkpoint-every 100 "$T/in.csv" > /dev/null
	run -1 --separate-stderr qts-resample 15m --state "$T/S" "$T/in.csv"
	[[ "$stderr" == *"--state $T/S: a state made with other options"* ]]
	run -1 --separate-stderr qts-sim --state "$T/S" "$T/in.csv"
	[[ "$stderr" == *"the state of qts-resample, not of qts-sim"* ]]
	run -1 --separate-stderr qts-resample 5m --state "$T/S" "$T/other.csv"
	[[ "$stderr" == *"the input differs from the one the state was made from, between its events 1 and 1"* ]]
	head -n 300 "$T/in.csv" > "$T/short.csv"
	run -1 --separate-stderr qts-resample 5m --state "$T/S" "$T/short.csv"
	[[ "$stderr" == *"the input ends at its event 300, before the 600 events the state has consumed"* ]]
	# the options that change nothing of the output may change
	qts-resample 5m --state "$T/S" --checkpoint-every 5s --metrics "$T/m" --busy-poll 10us "$T/in.csv" > /dev/null
	# and so may they as getopt takes them: a start of their names
	qts-resample 5m --stat "$T/S" --check 50 --metr="$T/m" --heart 1s "$T/in.csv" > /dev/null
	# a file that is not a state, a truncated one, a corrupt one
	echo hello > "$T/bad"
	run -1 --separate-stderr qts-resample 5m --state "$T/bad" "$T/in.csv"
	[[ "$stderr" == *"--state $T/bad: not a qts state file"* ]]
	# nor is a device or a fifo, which would be read for ever or wait
	# for a writer
	mkfifo "$T/fifo"
	for f in /dev/zero "$T/fifo"; do
		run -1 --separate-stderr timeout 20 qts-resample 5m --state "$f" "$T/in.csv"
		[ "$stderr" = "qts-resample: --state $f: not a regular file: a state is a file written and read back" ]
	done
	head -c 100 "$T/S" > "$T/cut"
	run -1 --separate-stderr qts-resample 5m --state "$T/cut" "$T/in.csv"
	[[ "$stderr" == *"--state $T/cut: truncated"* ]]
	python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); d[60]^=1; open(sys.argv[2],"wb").write(d)' "$T/S" "$T/flip"
	run -1 --separate-stderr qts-resample 5m --state "$T/flip" "$T/in.csv"
	[[ "$stderr" == *"--state $T/flip: "* ]]
}

@test "checkpoints: --output-journal holding fewer records than the state wrote is refused" {
	qts-fetch --seed 5 --count 600 -t 1m synth:AAA > "$T/in.csv"
	qts-resample 5m --state "$T/S" "$T/in.csv" > /dev/null
	head -n 3 "$T/in.csv" | qts journal "$T/J" > /dev/null
	run -1 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[[ "$stderr" == *"--output-journal $T/J: it holds 3 records, fewer than the 120 the state counts as written"* ]]
}

# A journal that lost records the state counts (the stage and the journal
# killed together) is met with the checkpoints kept before it: FILE.next,
# else FILE.prev.  Made here without a kill: the state of a longer run,
# the journal and an earlier state of a shorter one.
@test "checkpoints: a journal short of the state restarts from FILE.next, else FILE.prev, with a warning; it ends as the uninterrupted run's" {
	qts-fetch --seed 5 --count 6000 -t 1m synth:AAA > "$T/in.csv"
	qts-resample 5m "$T/in.csv" > "$T/ref.csv"
	head -n 2000 "$T/in.csv" > "$T/first.csv"
	head -n 4000 "$T/in.csv" > "$T/more.csv"
	for kept in next prev; do
		rm -f "$T"/S* "$T/J"
		qts-resample 5m --state "$T/S1" "$T/first.csv" | qts journal "$T/J" > /dev/null
		qts-resample 5m --state "$T/S" "$T/more.csv" > /dev/null
		mv "$T/S1" "$T/S.$kept"
		run -0 --separate-stderr sh -c "qts-resample 5m --state '$T/S' --output-journal '$T/J' '$T/in.csv' | qts journal '$T/J' > /dev/null"
		[ "$stderr" = "qts-resample: --state $T/S: its output journal $T/J holds 400 records, fewer than the 800 the state counts as written (lost in flight: the stage and the journal stopped together); restarting from the checkpoint before it ($T/S.$kept)" ]
		qts journal cat "$T/J" | cmp - "$T/ref.csv"
		# the one taken stays as FILE.prev
		[ -f "$T/S.prev" ] && [ ! -e "$T/S.next" ]
	done
	# none kept at all: refused, naming them
	rm -f "$T"/S* "$T/J"
	qts-resample 5m "$T/first.csv" | qts journal "$T/J" > /dev/null
	qts-resample 5m --state "$T/S" "$T/more.csv" > /dev/null
	run -1 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[[ "$stderr" == *"--output-journal $T/J: it holds 400 records, fewer than the 800 the state counts as written, as do the checkpoints before it ($T/S.next, .prev) if any"* ]]
}

# A stage that failed on its input wrote its failure to its journal; the
# restart on the input mended goes on from its checkpoint: the journal
# holds every record once, as an uninterrupted run's, and no failure.
@test "checkpoints: a stage restarted after its failure: its journal ends as the uninterrupted run's" {
	qts-fetch --seed 5 --count 6000 -t 1m synth:AAA > "$T/in.csv"
	qts-resample 5m "$T/in.csv" > "$T/ref.csv"
	{ head -n 100 "$T/in.csv"; echo "bar,garbage"; tail -n +101 "$T/in.csv"; } > "$T/bad.csv"
	run -1 --separate-stderr sh -c "qts-resample 5m --state '$T/S' --checkpoint-every 30 --output-journal '$T/J' '$T/bad.csv' | qts journal '$T/J'"
	[ "${lines[${#lines[@]} - 1]}" = "system,2024-01-01T16:10:00Z,qts-resample,error,\"$T/bad.csv:101: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 2\"" ]
	run -0 --separate-stderr sh -c "qts-resample 5m --state '$T/S' --output-journal '$T/J' '$T/in.csv' | qts journal '$T/J' > /dev/null"
	[[ "$stderr" == *"qts journal: $T/J: the failure that ended its stream (qts-resample failed: $T/bad.csv:101: bar: "* ]]
	qts journal cat "$T/J" | cmp - "$T/ref.csv"
}

# A stage after the one that failed read the failure in its input: it
# ends its stream there, closing no books and counting it in no
# checkpoint, so that restarted in turn on the mended stream it goes on
# from its checkpoint.  It wrote its equity of the end after the failure
# and counted the failure in its state: the restart found its input
# differed from the state's and stopped.
@test "checkpoints: the stages after a failed one, restarted once it is mended: their journals end as the uninterrupted run's" {
	qts-fetch --seed 5 --count 300 -t 1d synth:AAA,BBB > "$T/in.csv"
	{ head -n 301 "$T/in.csv"; echo "bar,garbage"; tail -n +302 "$T/in.csv"; } > "$T/bad.csv"
	STRAT="qts-strategy sma-cross fast=3 slow=8 size=10"
	$STRAT "$T/in.csv" | qts-risk --max-position 15 | qts-sim > "$T/ref.csv"
	run -1 --separate-stderr bash -c "set -o pipefail; $STRAT --state '$T/S1' --output-journal '$T/J1' '$T/bad.csv' | qts journal '$T/J1' |
		qts-risk --max-position 15 --state '$T/S2' --checkpoint-every 40 --output-journal '$T/J2' | qts journal '$T/J2' |
		qts-sim --state '$T/S3' --checkpoint-every 40 --output-journal '$T/J3' | qts journal '$T/J3'"
	# the failure is the last record of every stream after it
	for j in J2 J3; do
		[[ "$(qts journal cat "$T/$j" 2> /dev/null | tail -n 1)" == "system,"*",qts-strategy,error,\"$T/bad.csv:302: bar: "* ]]
	done
	[ "$(qts journal cat "$T/J3" 2> /dev/null | grep -c '^equity,')" -gt 100 ]
	[ "${stderr_lines[-1]}" = "qts journal: the input is incomplete: qts-strategy failed: $T/bad.csv:302: bar: expected 9 fields (type,ts,symbol,tf,open,high,low,close,volume), got 2" ]
	# mended, each restarted on the journal of the stage before it
	$STRAT --state "$T/S1" --output-journal "$T/J1" "$T/in.csv" 2> /dev/null | qts journal "$T/J1" > /dev/null 2>&1
	qts journal cat "$T/J1" | qts-risk --max-position 15 --state "$T/S2" --output-journal "$T/J2" 2> /dev/null |
		qts journal "$T/J2" > /dev/null 2>&1
	qts journal cat "$T/J2" | qts-sim --state "$T/S3" --output-journal "$T/J3" 2> /dev/null | qts journal "$T/J3" > /dev/null 2>&1
	qts journal cat "$T/J3" | cmp - "$T/ref.csv"
	# and in one process, the journals apart
	$STRAT "$T/bad.csv" 2> /dev/null | qts pipe 'qts-risk --max-position 15 | qts-sim' > "$T/pipe.out" 2> /dev/null || true
	[[ "$(tail -n 1 "$T/pipe.out")" == "system,"*",qts-strategy,error,\"$T/bad.csv:302: bar: "* ]]
	# qts-broker paper: its books not closed either
	$STRAT "$T/bad.csv" 2> /dev/null | qts-broker paper > "$T/paper.out" 2> /dev/null || true
	[[ "$(tail -n 1 "$T/paper.out")" == "system,"*",qts-strategy,error,\"$T/bad.csv:302: bar: "* ]]
	[ "$(tail -n 2 "$T/paper.out" | head -n 1 | cut -d, -f1)" = bar ]
}

# What a stage writes as its input ends (the books closed: qts-resample
# --partial's last bars) is in its journal; restarted on the same input
# it is not written twice, and on an input grown since it stays where it
# was, the stream going on after it with nothing of its own left out.
@test "checkpoints: the records of an input's end (--partial), restarted on the same input and on a grown one" {
	qts-fetch --seed 5 --count 6000 -t 1m synth:AAA > "$T/in.csv"
	head -n 1030 "$T/in.csv" > "$T/first.csv"
	qts-resample 1h --partial "$T/in.csv" > "$T/ref.csv"
	qts-resample 1h --partial "$T/first.csv" > "$T/first.ref"
	partial=$(tail -n 1 "$T/first.ref")
	[ "$partial" != "$(sed -n "$(wc -l < "$T/first.ref")p" "$T/ref.csv")" ]
	for i in 1 2; do
		qts-resample 1h --partial --state "$T/S" --output-journal "$T/J" "$T/first.csv" 2> /dev/null | qts journal "$T/J" > /dev/null 2>&1
		qts journal cat "$T/J" | cmp - "$T/first.ref"
	done
	qts-resample 1h --partial --state "$T/S" --output-journal "$T/J" "$T/in.csv" 2> /dev/null | qts journal "$T/J" > /dev/null
	n=$(wc -l < "$T/first.ref")
	{ head -n $((n - 1)) "$T/ref.csv"; echo "$partial"; tail -n +"$n" "$T/ref.csv"; } > "$T/want.csv"
	qts journal cat "$T/J" | cmp - "$T/want.csv"
}

# With several timeframes, what differs may be known before the journal's
# end (a partial week now whole, before the partial month the journal ends
# with): qts journal refuses it, on every restart (qts(7)).
@test "checkpoints: --partial of several timeframes, restarted on a grown input, is refused by the journal as out of time order" {
	qts-fetch --count 300 -t 1d synth:A > "$T/all.csv"
	head -n 100 "$T/all.csv" > "$T/part.csv"
	qts-resample 1w,1M --partial --state "$T/S" --output-journal "$T/J" "$T/part.csv" | qts journal "$T/J" > /dev/null
	for i in 1 2; do
		run --separate-stderr bash -c 'qts-resample 1w,1M --partial --state "$1/S" --output-journal "$1/J" "$1/all.csv" | qts journal "$1/J"; echo "${PIPESTATUS[*]}"' _ "$T"
		# (qts-resample ends by the closed pipe, or first, its output small)
		[[ "${lines[-1]}" == *" 1" ]]
		[[ "$stderr" == *"qts journal: -:1: $T/J: the stream's first record, known at 2024-05-27T00:00:00Z, comes before the journal's end (2024-06-01T00:00:00Z): a journal is one stream in time order (start another file)"* ]]
	done
	# one timeframe goes on
	rm -f "$T/S"* "$T/J"*
	qts-resample 1w --partial --state "$T/S" --output-journal "$T/J" "$T/part.csv" | qts journal "$T/J" > /dev/null
	qts-resample 1w --partial --state "$T/S" --output-journal "$T/J" "$T/all.csv" | qts journal "$T/J" > /dev/null
}

# qts-sim's end is no artefact: a target given after its input's last bar
# is held for the next one, and the end lets it go (its orders, an
# equity line), as the next bar would.  Restarted on a grown input, the
# records it makes again that the journal holds from that end are left
# out; at the first that differs, the rest of that end stays where it
# is, and the stream goes on after it, nothing lost (the records the
# state counted were once taken for that end's and left out).
@test "checkpoints: qts-sim's records of an input's end are not written twice on a grown input, and nothing after them is lost" {
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,1000' 'target,2024-01-02T00:00:00Z,A,10,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1000' 'target,2024-01-03T00:00:00Z,A,0,qty,*' > "$T/first.csv"
	{ cat "$T/first.csv"; printf '%s\n' 'bar,2024-01-03T00:00:00Z,A,1d,11,11,11,11,1000' \
		'bar,2024-01-04T00:00:00Z,A,1d,12,12,12,12,1000'; } > "$T/second.csv"
	{ cat "$T/second.csv"; printf '%s\n' 'target,2024-01-05T00:00:00Z,A,5,qty,s' \
		'bar,2024-01-05T00:00:00Z,A,1d,13,13,13,13,1000' 'bar,2024-01-06T00:00:00Z,A,1d,14,14,14,14,1000'; } > "$T/third.csv"
	for f in first second third; do qts-sim "$T/$f.csv" > "$T/$f.ref"; done
	# the end of the first lets the exit go: its target, two updates, equity
	[ "$(tail -n 4 "$T/first.ref" | cut -d, -f1 | tr '\n' ' ')" = "target update update equity " ]
	sim() { qts-sim --state "$T/S" --output-journal "$T/J" "$T/$1.csv" | qts journal "$T/J" > /dev/null; }
	sim first
	qts journal cat "$T/J" | cmp - "$T/first.ref"
	sim second
	qts journal cat "$T/J" | cmp - "$T/second.ref"
	# the second's end is its equity after the last bar, which the third
	# writes after the target that comes next: it stays, once
	[ "$(tail -n 1 "$T/second.ref")" = "equity,2024-01-05T00:00:00Z,100010,100010,0,0,10,0" ]
	sim third
	n=$(wc -l < "$T/second.ref")
	{ cat "$T/second.ref"; tail -n +"$n" "$T/third.ref"; } > "$T/want.csv"
	qts journal cat "$T/J" | cmp - "$T/want.csv"
	# the same input again: nothing more
	sim third
	qts journal cat "$T/J" | cmp - "$T/want.csv"
}

@test "checkpoints: a stage starting without its state removes a FILE.next and FILE.prev left by another run" {
	qts-fetch --seed 5 --count 600 -t 1m synth:AAA > "$T/in.csv"
	echo other > "$T/S.next"
	echo other > "$T/S.prev"
	qts-resample 5m --state "$T/S" --checkpoint-every 1000000 --output-journal "$T/J" "$T/in.csv" | qts journal "$T/J" > /dev/null
	[ -s "$T/S" ] && [ ! -e "$T/S.next" ] && [ ! -e "$T/S.prev" ]
	# one it cannot remove stops it before any event (its failure record
	# alone goes out)
	mkdir -p "$T/S.next/x"
	rm -f "$T/S" "$T/J"
	run -1 --separate-stderr qts-resample 5m --state "$T/S" --output-journal "$T/J" "$T/in.csv"
	[ "$stderr" = "qts-resample: --state $T/S.next: Is a directory" ]
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-resample,error,--state $T/S.next: Is a directory" ]
}

# Without hard links (or with FILE.next not a file) no earlier checkpoint
# can be kept: the stage runs on, and says so once.
@test "checkpoints: FILE.next that cannot be made is said once, and the stage runs on" {
	qts-fetch --seed 5 --count 6000 -t 1m synth:AAA > "$T/in.csv"
	qts-resample 5m "$T/in.csv" > "$T/ref.csv"
	head -n 2000 "$T/in.csv" | qts-resample 5m --state "$T/S" | qts journal "$T/J" > /dev/null
	mkdir -p "$T/S.next/x"
	run -0 --separate-stderr sh -c "qts-resample 5m --state '$T/S' --checkpoint-every 100 --output-journal '$T/J' '$T/in.csv' | qts journal '$T/J' > /dev/null"
	[ "$stderr" = "qts-resample: --state $T/S: the checkpoints before it are not kept ($T/S.next: Is a directory): a restart after the stage and its output journal stop together would be refused" ]
	qts journal cat "$T/J" | cmp - "$T/ref.csv"
}

@test "checkpoints: FILE.next that cannot become FILE.prev at a restart is said, and the stage runs on" {
	qts-fetch --seed 5 --count 6000 -t 1m synth:AAA > "$T/in.csv"
	qts-resample 5m "$T/in.csv" > "$T/ref.csv"
	head -n 2000 "$T/in.csv" | qts-resample 5m --state "$T/S" --checkpoint-every 100 --output-journal "$T/J" | qts journal "$T/J" > /dev/null
	# (FILE.prev is there too unless the journal lagged behind every
	# candidate: a machine under load)
	[ -f "$T/S.next" ]
	rm -f "$T/S.prev"
	mkdir -p "$T/S.prev/x"
	run -0 --separate-stderr sh -c "qts-resample 5m --state '$T/S' --checkpoint-every 100 --output-journal '$T/J' '$T/in.csv' | qts journal '$T/J' > /dev/null"
	[ "${stderr_lines[0]}" = "qts-resample: --state $T/S: the checkpoint before it is not kept ($T/S.prev: Is a directory)" ]
	[[ "${stderr_lines[1]}" == "qts-resample: --state $T/S: the checkpoints before it are not kept ($T/S.prev: "* ]]
	[ "${#stderr_lines[@]}" -eq 2 ]
	qts journal cat "$T/J" | cmp - "$T/ref.csv"
}

@test "checkpoints: bad --checkpoint-every, --state inside qts pipe or with --feedback" {
	run -2 --separate-stderr qts-sim --checkpoint-every 0 /dev/null
	[[ "$stderr" == *"--checkpoint-every: "* ]]
	run -2 --separate-stderr qts-sim --checkpoint-every soon /dev/null
	[[ "$stderr" == *"--checkpoint-every: 'soon' is not a count of events or a positive duration"* ]]
	run -2 --separate-stderr qts-sim --state "" /dev/null
	[[ "$stderr" == *"--state: an empty file name"* ]]
	run -2 --separate-stderr qts pipe "qts-resample 5m --state $T/S | qts-sim" /dev/null
	[[ "$stderr" == *"checkpoints are taken by a stage run as its own program, not inside qts pipe"* ]]
	run -2 --separate-stderr qts-risk --state "$T/S" --feedback /dev/null /dev/null
	[[ "$stderr" == *"--state with --feedback: not supported"* ]]
}

@test "checkpoints: --checkpoint-every without --state is a usage error in every stage, before any output" {
	qts-fetch --seed 5 --count 50 -t 1d synth:AAA > "$T/bars.csv"
	for p in qts-sim qts-risk "qts-resample 1w" qts-report "qts-broker paper" "qts-strategy"; do
		run -2 --separate-stderr $p --checkpoint-every 5 $([ "$p" = qts-strategy ] && echo sma-cross) "$T/bars.csv"
		[[ "$stderr" == *"--checkpoint-every goes with --state: without it no checkpoint is kept"* ]] || { echo "$p: $stderr"; return 1; }
		[ -z "$output" ] || { echo "$p wrote: $output"; return 1; }
	done
}

@test "checkpoints: qts-risk keeps its emergency stop across a restart" {
	qts-fetch --seed 5 --count 400 -t 1d synth:AAA > "$T/bars.csv"
	qts-strategy sma-cross fast=3 slow=8 "$T/bars.csv" > "$T/sig.csv"
	head -n 200 "$T/sig.csv" > "$T/first.csv"
	touch "$T/kill"
	qts-risk --kill-file "$T/kill" --state "$T/S" "$T/first.csv" > /dev/null 2>&1
	rm "$T/kill"
	run -0 --separate-stderr qts-risk --kill-file "$T/kill" --state "$T/S" "$T/sig.csv"
	# halted on restart: the file's going away lifts the stop
	[[ "$stderr" == *"emergency stop lifted"* ]]
}

# qts-sim --live writes a time's equity when its input pauses and again
# at the time's end only if it changed: the state keeps what the pause
# wrote, so a restart does not write it twice.
@test "checkpoints: qts-sim --live stopped during a pause does not write that pause's equity again" {
	printf '%s\n' 'bar,2024-01-02,A,1d,10,11,9,10,1000' 'bar,2024-01-02,B,1d,20,21,19,20,1000' \
		'target,2024-01-03,A,10,qty,s' 'bar,2024-01-03,A,1d,10,11,9,10,1000' \
		'bar,2024-01-03,B,1d,20,21,19,20,1000' 'target,2024-01-04,B,10,qty,s' \
		'bar,2024-01-04,A,1d,11,11,9,11,1000' 'bar,2024-01-04,B,1d,21,21,19,21,1000' > "$T/in.csv"
	mkfifo "$T/fifo"
	( head -n 5 "$T/in.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts-sim --live --state "$T/S" --output-journal "$T/J" "$T/fifo" 2> "$T/err" | qts journal "$T/J" > /dev/null &
	# the pause after the five lines: the equity of 2024-01-04 written
	for i in $(seq 1 200); do
		[ -s "$T/J" ] && qts journal cat "$T/J" | grep -q '^equity,2024-01-04T' && break
		sleep 0.05
	done
	pkill -TERM -x qts-sim -P $$ 2> /dev/null || true
	for p in $(jobs -p); do [ "$p" = "$feeder" ] || wait "$p" || true; done
	kill "$feeder" 2> /dev/null || true
	qts journal cat "$T/J" | grep -q '^equity,2024-01-04T00:00:00Z,99900,'
	qts-sim --live --state "$T/S" --output-journal "$T/J" "$T/in.csv" | qts journal "$T/J" > /dev/null
	qts journal cat "$T/J" > "$T/got.csv"
	qts cat "$T/got.csv" > /dev/null
	[ "$(grep -c '^equity,2024-01-04T' "$T/got.csv")" -eq 1 ]
	# all but the equity events as without --live
	qts-sim "$T/in.csv" | grep -v '^equity' > "$T/want.csv"
	grep -v '^equity' "$T/got.csv" | diff - "$T/want.csv"
}

# A checkpoint before qts-sim's first fill: the restart still writes the
# books as they started before it (they were lost: the restored engine
# took them as written).
@test "checkpoints: qts-sim killed before its first fill writes the books as they started after the restart" {
	printf '%s\n' 'target,2024-01-01T00:00:00Z,AAA,100,qty,s' 'target,2024-01-01T00:00:00Z,BBB,10,qty,s' \
		'bar,2024-01-02T00:00:00Z,AAA,1d,10,11,10,11,1000' 'bar,2024-01-03T00:00:00Z,AAA,1d,11,12,11,12,1000' \
		> "$T/in.csv"
	qts-sim "$T/in.csv" > "$T/ref.csv"
	grep -qx 'equity,2024-01-02T00:00:00Z,100000,100000,0,0,0,0' "$T/ref.csv"
	KILL=1 paused 2 "$T/in.csv" '^update,.*,BBB,.*,accepted,' "$T/got.csv" qts-sim
	cmp "$T/got.csv" "$T/ref.csv"
}

@test "checkpoints: qts-sim's warnings at the end count what the whole run saw, across a restart" {
	# two bars of A at 0 and two of no volume under a participation cap,
	# and two of B whose volume of 5 is half a share under it: one of
	# each before the checkpoint, one after
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,1000' 'target,2024-01-02T00:00:00Z,A,100,qty,s' \
		'bar,2024-01-01T00:00:00Z,B,1d,10,10,10,10,1000' 'target,2024-01-02T00:00:00Z,B,100,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,0,0,0,0,0' 'bar,2024-01-02T00:00:00Z,B,1d,10,10,10,10,5' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,0' \
		> "$T/first.csv"
	cp "$T/first.csv" "$T/all.csv"
	printf '%s\n' 'bar,2024-01-04T00:00:00Z,A,1d,0,0,0,0,0' 'bar,2024-01-04T00:00:00Z,B,1d,10,10,10,10,5' \
		'bar,2024-01-05T00:00:00Z,A,1d,10,10,10,10,0' >> "$T/all.csv"
	run -0 --separate-stderr qts-sim --max-participation 0.1 "$T/all.csv"
	want=$stderr
	[[ "$want" == *"qts-sim: 2 prices of a share at 0 or below, the first of A at 2024-01-02T00:00:00Z"* ]]
	[[ "$want" == *"qts-sim: --max-participation: 2 market events of no volume filled nothing of the orders working, the first of A at 2024-01-03T00:00:00Z"* ]]
	[[ "$want" == *"qts-sim: --max-participation: 2 market events offered less than a whole unit under the cap (F x volume) and filled nothing of the orders working, the first of B at 2024-01-02T00:00:00Z"* ]]
	run -0 --separate-stderr qts-sim --max-participation 0.1 --state "$T/s" "$T/first.csv"
	run -0 --separate-stderr qts-sim --max-participation 0.1 --state "$T/s" "$T/all.csv"
	[ "$stderr" = "$want" ]
}
