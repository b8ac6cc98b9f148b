#!/usr/bin/env bats
# The stage runtime: heartbeats idle and busy, paced replay, signals and
# exit statuses, the output's flags set back, and a pipeline that feeds a
# stage's own output back to it through tee and FIFOs without deadlock.
# Nothing here asserts an upper bound on time except through `timeout`,
# generously.

load helper

UNIT=${QTS_UNIT:-$BATS_TEST_DIRNAME/../build/asan/unit}
BAR1='bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1'
BAR2='bar,2024-01-03T00:00:00Z,A,1d,1,1,1,1,1'

setup() {
	T=$(mktemp -d)
	PIDS=()
}

# Every process started in the background is ended, however the test ends.
teardown() {
	end_background
	rm -rf "$T"
}

ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Until FILE has a line, for at most 30 s.
wait_for_line() {
	for _ in $(seq 300); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

@test "--heartbeat: a system event while the input pauses, dated by the last event written" {
	{ echo "$BAR1"; sleep 2; echo "$BAR2"; } | qts-sim --heartbeat 100ms > "$T/out"
	grep -q '^system,2024-01-02T00:00:00Z,qts-sim,info,heartbeat in=1 out=1$' "$T/out"
	# the stream stays in time order for the next stage
	qts cat "$T/out" > /dev/null
	[ "$(grep -v heartbeat "$T/out")" = "$(printf '%s\n%s\n' "$BAR1" "$BAR2" | qts-sim)" ]
}

@test "--heartbeat: before any event, dated at the first time qts represents" {
	mkfifo "$T/in"
	exec 4<>"$T/in"
	qts-sim --heartbeat 100ms < "$T/in" > "$T/out" 2>/dev/null 3>&- 4>&- &
	PIDS+=($!)
	wait_for_line "$T/out"
	exec 4>&-
	[ "$(head -n 1 "$T/out")" = "system,1677-09-21T00:12:43.145224192Z,qts-sim,info,heartbeat in=0 out=0" ]
}

@test "--heartbeat: a busy stage beats too, and its stream is otherwise the same" {
	qts-fetch --count 20000 -t 1m synth:A,B,C,D > "$T/bars.csv"
	qts-sim --heartbeat 1ms "$T/bars.csv" > "$T/beat.csv"
	qts-sim "$T/bars.csv" > "$T/plain.csv"
	[ "$(grep -c ',heartbeat in=' "$T/beat.csv")" -ge 1 ]
	grep -v ',heartbeat in=' "$T/beat.csv" | cmp - "$T/plain.csv"
	qts cat "$T/beat.csv" > /dev/null
}

@test "--heartbeat: a duration that is not one exits 2" {
	run -2 --separate-stderr qts-sim --heartbeat 0 /dev/null
	[ "${stderr_lines[0]}" = "qts-sim: --heartbeat: '0' is not a positive duration (500ms, 10s, 1m)" ]
	run -2 --separate-stderr qts-fetch --heartbeat soon synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --heartbeat: 'soon' is not a positive duration (500ms, 10s, 1m)" ]
	# more often than each millisecond, heartbeats would be all it writes
	run -2 --separate-stderr qts-sim --heartbeat 999us /dev/null
	[ "${stderr_lines[0]}" = "qts-sim: --heartbeat: '999us' is shorter than 1ms" ]
	run -0 qts-sim --heartbeat 1ms /dev/null
}

@test "--busy-poll: a duration from 0 to 1s, else exit 2" {
	for d in -1us 2s 1001ms soon ''; do
		run -2 --separate-stderr qts-strategy --busy-poll "$d" -e 'target = 1' /dev/null
		[ "${stderr_lines[0]}" = "qts-strategy: --busy-poll: '$d' is not a duration from 0 to 1s (200us)" ]
	done
	for d in 0 1us 200us 1s; do
		run -0 qts-sim --busy-poll "$d" /dev/null
	done
}

@test "--busy-poll: the stream is the same, from every stage and qts pipe" {
	qts-fetch --count 300 synth:A,B > "$T/bars.csv"
	qts-strategy sma-cross fast=5 slow=20 "$T/bars.csv" > "$T/plain.csv"
	qts-strategy --busy-poll 200us sma-cross fast=5 slow=20 < "$T/bars.csv" | cmp - "$T/plain.csv"
	qts-strategy sma-cross fast=5 slow=20 < "$T/bars.csv" | qts-risk | qts-sim > "$T/shell.csv"
	cat "$T/bars.csv" | qts-strategy --busy-poll 1ms sma-cross fast=5 slow=20 |
		qts-risk --busy-poll 1ms | qts-sim --busy-poll 1ms | cmp - "$T/shell.csv"
	qts pipe 'qts-strategy sma-cross fast=5 slow=20 | qts-risk --busy-poll 50us | qts-sim' < "$T/bars.csv" |
		cmp - "$T/shell.csv"
	qts-fetch --busy-poll 10us "$T/bars.csv" | qts-resample --busy-poll 10us 1w > "$T/w1.csv"
	qts-resample 1w "$T/bars.csv" | cmp - "$T/w1.csv"
	qts-sim < "$T/bars.csv" | qts-report --busy-poll 1ms > "$T/r1.txt"
	qts-sim "$T/bars.csv" | qts-report | cmp - "$T/r1.txt"
	qts journal --busy-poll 1ms "$T/j" < "$T/bars.csv" | cmp - "$T/bars.csv"
	qts journal cat "$T/j" | cmp - "$T/bars.csv"
}

@test "--busy-poll: the spin ends, and a stage waiting on its input sleeps" {
	# a stage that kept spinning while its input pauses for 1.5 s would
	# take 1.5 s of CPU; one that spins 20 ms and sleeps takes little
	TIMEFORMAT='%U %S'
	{ time { echo "$BAR1"; sleep 1.5; echo "$BAR2"; } | qts-sim --busy-poll 20ms > "$T/out"; } 2> "$T/cpu"
	[ "$(grep -c ^bar, "$T/out")" -eq 2 ]
	awk '{ exit !($1 + $2 < 0.5) }' "$T/cpu" || { cat "$T/cpu"; false; }
}

@test "--busy-poll: a spin longer than the heartbeat keeps its time" {
	# the spin ends at the loop's next deadline: beats still come each
	# 100 ms while the input pauses for 1 s and the stage spins up to 1 s
	{ echo "$BAR1"; sleep 1; echo "$BAR2"; } | qts-sim --busy-poll 1s --heartbeat 100ms > "$T/out"
	[ "$(grep -c ',heartbeat in=1 out=1$' "$T/out")" -ge 5 ]
	[ "$(grep -v heartbeat "$T/out")" = "$(printf '%s\n%s\n' "$BAR1" "$BAR2" | qts-sim)" ]
}

@test "qts-fetch --pace 1: events at their market time, measured from the first" {
	printf 'tick,2024-01-02T00:00:00Z,A,1,1\ntick,2024-01-02T00:00:00.2Z,A,1,1\ntick,2024-01-02T00:00:00.4Z,A,1,1\n' > "$T/t.csv"
	t0=$(ms)
	run -0 qts-fetch --pace 1 "$T/t.csv"
	t1=$(ms)
	[ "${#lines[@]}" -eq 3 ]
	[ $((t1 - t0)) -ge 350 ]
}

@test "qts-fetch --pace: a large factor replays a day at once" {
	qts-fetch --count 24 -t 1h synth:A > "$T/h.csv"
	run -0 timeout -k 5 20 qts-fetch --pace 1e9 "$T/h.csv"
	[ "$output" = "$(qts-fetch "$T/h.csv")" ]
}

@test "qts-fetch --pace with --heartbeat: beats while it waits, in order" {
	printf 'tick,2024-01-02T00:00:00Z,A,1,1\ntick,2024-01-02T00:00:00.6Z,A,1,1\n' > "$T/t.csv"
	qts-fetch --pace 1 --heartbeat 100ms "$T/t.csv" > "$T/out"
	grep -q '^system,2024-01-02T00:00:00Z,qts-fetch,info,heartbeat in=2 out=1 sources=1 skipped=0$' "$T/out"
	qts cat "$T/out" > /dev/null
}

@test "qts-fetch --pace: a factor that is not positive exits 2" {
	run -2 --separate-stderr qts-fetch --pace 0 synth:A
	[ "${stderr_lines[0]}" = "qts-fetch: --pace: 0 is out of range [1e-06, 1e+12]" ]
	run -2 --separate-stderr qts-fetch --pace fast synth:A
}

@test "SIGTERM while paced: 143, the stream ends saying so" {
	printf 'tick,2024-01-02T00:00:00Z,A,1,1\ntick,2024-01-03T00:00:00Z,A,1,1\n' > "$T/t.csv"
	qts-fetch --pace 1 "$T/t.csv" > "$T/out" 2> "$T/err" 3>&- &
	PIDS+=($!)
	wait_for_line "$T/out"
	kill -TERM "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	[ "$rc" -eq 143 ]
	# the tick held for its time was read before the signal: written
	[ "$(sed -n 2p "$T/out")" = "tick,2024-01-03T00:00:00Z,A,1,1" ]
	[ "$(tail -n 1 "$T/out")" = "system,2024-01-03T00:00:00Z,qts-fetch,error,stopped by signal 15 (SIGTERM)" ]
	[ "$(wc -l <"$T/out")" -eq 3 ]
}

@test "SIGHUP (a terminal or session closed): 129, the stream ends saying so; under nohup the stage runs on" {
	printf 'tick,2024-01-02T00:00:00Z,A,1,1\ntick,2024-01-03T00:00:00Z,A,1,1\n' > "$T/t.csv"
	# at its default when started, whatever the tests were started with
	# (nohup)
	env --default-signal=HUP qts-fetch --pace 1 "$T/t.csv" > "$T/out" 2> "$T/err" 3>&- &
	PIDS+=($!)
	wait_for_line "$T/out"
	kill -HUP "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	[ "$rc" -eq 129 ]
	[ "$(tail -n 1 "$T/out")" = "system,2024-01-03T00:00:00Z,qts-fetch,error,stopped by signal 1 (SIGHUP)" ]
	[ "$(wc -l <"$T/out")" -eq 3 ]
	# ignored when it started, as nohup starts it: ignored still (the
	# second tick 5 s after the first)
	nohup qts-fetch --pace 17280 "$T/t.csv" > "$T/out2" 2> "$T/err2" 3>&- &
	PIDS+=($!)
	wait_for_line "$T/out2"
	kill -HUP "${PIDS[1]}"
	rc=0
	wait "${PIDS[1]}" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$T/out2")" = "tick,2024-01-02T00:00:00Z,A,1,1
tick,2024-01-03T00:00:00Z,A,1,1" ]
}

@test "SIGINT while waiting for input: 130" {
	mkfifo "$T/in"
	exec 4<>"$T/in"
	# a background job of a script starts with SIGINT ignored: at its default here
	env --default-signal=INT qts-sim --heartbeat 1s < "$T/in" > "$T/out" 2> "$T/err" 3>&- 4>&- &
	PIDS+=($!)
	echo "$BAR1" >&4
	wait_for_line "$T/out"
	kill -INT "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	exec 4>&-
	[ "$rc" -eq 130 ]
	[ "$(head -n 1 "$T/out")" = "$BAR1" ]
}

@test "SIGINT ignored when the stage starts (a script's background job) stays ignored; SIGTERM still stops it" {
	mkfifo "$T/in"
	exec 4<>"$T/in"
	env --ignore-signal=INT qts-sim < "$T/in" > "$T/out" 2> "$T/err" 3>&- 4>&- &
	PIDS+=($!)
	echo "$BAR1" >&4
	wait_for_line "$T/out"
	kill -INT "${PIDS[0]}"
	sleep 0.3
	kill -0 "${PIDS[0]}"
	kill -TERM "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	exec 4>&-
	[ "$rc" -eq 143 ]
	[ "$(tail -n 1 "$T/out")" = "system,2024-01-03T00:00:00Z,qts-sim,error,stopped by signal 15 (SIGTERM)" ]
}

@test "the output's flags are set back: a writer after the stage on the same pipe is not made non-blocking" {
	echo "$BAR1" > "$T/one.csv"
	head -c 2000000 /dev/zero | tr '\0' x > "$T/big"
	{ qts-sim --heartbeat 1s "$T/one.csv"; cat "$T/big"; } | { sleep 0.5; cat; } > "$T/out"
	[ "$(wc -c < "$T/out")" -gt 2000000 ]
}

@test "a file named by an option that cannot be read exits 1 in every program" {
	run -1 --separate-stderr qts-sim --actions "$T/none" /dev/null
	run -1 --separate-stderr qts-sim --instruments "$T/none" /dev/null
	run -1 --separate-stderr qts-report --instruments "$T/none" /dev/null
	run -1 --separate-stderr qts-fetch "$T/none"
	run -1 --separate-stderr qts-resample 1h "$T/none"
}

@test "a bad option run by its full path is said under the program's name, as every other message" {
	local bin
	for p in qts-fetch qts-resample qts-strategy qts-risk qts-sim qts-broker qts-report; do
		bin=$(command -v $p)
		[[ $bin == /* ]]
		run -2 --separate-stderr "$bin" --bogus
		[ "${stderr_lines[0]}" = "$p: unrecognized option '--bogus'" ]
		run -2 --separate-stderr "$bin" -%
		[ "${stderr_lines[0]}" = "$p: invalid option -- '%'" ]
	done
	bin=$(command -v qts-bus)
	run -2 --separate-stderr "$bin" pub --bogus
	[ "${stderr_lines[0]}" = "qts-bus pub: unrecognized option '--bogus'" ]
	run -2 --separate-stderr "$bin" sub --bogus
	[ "${stderr_lines[0]}" = "qts-bus sub: unrecognized option '--bogus'" ]
	run -2 --separate-stderr "$(command -v qts)" cat --bogus
	[ "${stderr_lines[0]}" = "qts cat: unrecognized option '--bogus'" ]
}

@test "a stage that fails on a file an option names ends its stream with the failure, as on an input it cannot read" {
	echo "$BAR1" > "$T/one.csv"
	printf '2024-01-02,A,dividend,abc\n' > "$T/bad.csv"
	run -1 --separate-stderr qts-sim --actions "$T/bad.csv" "$T/one.csv"
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-sim,error,$T/bad.csv:1: dividend: 'abc' is not a number" ]
	# so the stage after it fails too, saying why, where it took an
	# empty input for a finished one and exited 0
	run -1 --separate-stderr bash -c "qts-sim --actions '$T/bad.csv' '$T/one.csv' | qts-report -c > /dev/null"
	[ "${stderr_lines[-1]}" = "qts-report: the input is incomplete: qts-sim failed: $T/bad.csv:1: dividend: 'abc' is not a number" ]
	# msgpack with -M
	run -1 --separate-stderr bash -c "qts-sim -M --instruments '$T/none' '$T/one.csv' | qts cat"
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-sim,error,$T/none: No such file or directory" ]
	run -0 --separate-stderr bash -c "qts-sim -M --instruments '$T/none' '$T/one.csv' | head -c 1 | od -An -tx1"
	[ "$output" = " 95" ]
	for s in "qts-risk --rules $T/none" "qts-strategy rebalance weights=@$T/none every=1M" "qts-broker paper --actions $T/none"; do
		run -1 --separate-stderr $s "$T/one.csv"
		[[ $output == "system,1970-01-01T00:00:00Z,qts-"*",error,"*"$T/none: No such file or directory" ]]
	done
	# a usage error writes nothing
	run -2 --separate-stderr qts-sim --actions "$T/bad.csv" --cash x "$T/one.csv"
	[ -z "$output" ]
}

@test "a stage without feedback does not offer --feedback" {
	run -2 --separate-stderr qts-sim --feedback "$T/fb" /dev/null
}

# The pipeline of the design: a stage's output goes through the executing
# stage and back to it by tee and a FIFO.  Where the stage would block on
# its output, it drains the FIFO meanwhile; else all three would wait on
# each other as soon as the pipes filled.
@test "feedback through tee and a FIFO: no deadlock on a large input" {
	# msgpack in and out of the stage: faster than qts-sim after it, it
	# fills its output pipe and must wait there
	qts-fetch -M --count 30000 -t 1m synth:A,B,C,D > "$T/bars.mp"
	mkfifo "$T/fb"
	run -0 timeout 120 bash -c "set -o pipefail; '$UNIT/test_stage' stage -M --feedback '$T/fb' '$T/bars.mp' |
		qts-sim --live | tee -p '$T/fb' > '$T/out'"
	[ "$(grep -c '^bar,' "$T/out")" -eq 120000 ]
	grep -q '^system,2262-04-11T23:47:16.854775807Z,fake,info,fed=[0-9]* fills=0 reentered=0 timed=[-01]*$' "$T/out"
}

# fed N: the stage writing $T/out says in a heartbeat that it has applied
# N events fed back (6 s at most).
fed() {
	for _ in $(seq 300); do
		grep -q "heartbeat .*feedback=$1\\b" "$T/out" && return 0
		sleep 0.02
	done
	return 1
}

# The feedback arrives as it comes: in parts, a record cut between two of
# them.  It is one stream all the same: its lines count from its start
# and its reports keep time order across the parts.
@test "--feedback in parts: one stream, its lines counted from its start and its order kept across the parts" {
	mkfifo "$T/in" "$T/fb"
	exec 4<>"$T/in" 5<>"$T/fb"
	qts-risk --feedback "$T/fb" --heartbeat 20ms < "$T/in" > "$T/out" 2> "$T/err" 3>&- 4>&- 5>&- &
	PIDS+=($!)
	echo "$BAR1" >&4
	# a part of only a comment: nothing to say of it
	printf '# what qts-sim wrote\n' >&5
	sleep 0.3
	printf 'fill,2024-01-03T00:00:00Z,A,o1,buy,10,1,0,0\n' >&5
	fed 1
	printf 'position,2024-01-03T00:00:00Z,A,10,1,10,0,0\nfill,2024-01-02T00:' >&5
	fed 2
	printf '00:00Z,A,o2,buy,10,1,0,0\n' >&5
	timeout 20 tail --pid="${PIDS[0]}" -f /dev/null || kill "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	exec 4>&- 5>&-
	[ "$rc" -eq 1 ]
	! grep -q "no events" "$T/err" || false
	grep -q "^qts-risk: --feedback: $T/fb:4: out of time order: fill A known at 2024-01-02T00:00:00Z comes after line 3, a report (fill, update, position) at 2024-01-03T00:00:00Z" "$T/err"
}

# A writer of the feedback FIFO that dies mid-record (tee killed, the
# broker's pipeline restarted) leaves part of one: the next writer's first
# record must not be joined to it.
@test "--feedback FIFO: a record its writer cut short as it went is dropped with a warning, and the next writer's records are read" {
	mkfifo "$T/in" "$T/fb"
	exec 4<>"$T/in"
	qts-risk --feedback "$T/fb" --heartbeat 20ms < "$T/in" > "$T/out" 2> "$T/err" 3>&- 4>&- &
	PIDS+=($!)
	echo "$BAR1" >&4
	# no writer yet: heartbeats all the same
	fed 0
	printf 'fill,2024-01-03T00:00:00Z,A,o1,buy,10,1,0,0\nfill,2024-01-03T00:00:00Z,A,o2,bu' > "$T/fb"
	fed 1
	printf 'fill,2024-01-03T00:00:00Z,A,o3,buy,10,1,0,0\n' > "$T/fb"
	fed 2
	# and a third writer, in msgpack's stead CSV still: one stream
	printf 'position,2024-01-03T00:00:00Z,A,20,1,20,0,0\n' > "$T/fb"
	fed 3
	echo "$BAR2" >&4
	exec 4>&-
	rc=0
	wait "${PIDS[0]}" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(cat "$T/err")" = "qts-risk: --feedback: $T/fb: a record cut short where its writer closed the FIFO (33 bytes): dropped" ]
	! grep -q ',error,' "$T/out" || false
}

# A FIFO no writer has opened yet reads as ended: that is not the end a
# writer leaves, and a busy stage must not open it again at each look
# (every 256 events).
@test "--feedback FIFO with no writer yet: opened once over a busy run, not again at each look" {
	mkfifo "$T/fb"
	qts-fetch --count 20000 -t 1m synth:A,B,C,D > "$T/bars.csv"
	# LeakSanitizer does not run under ptrace
	ASAN_OPTIONS=detect_leaks=0 strace -f -e trace=openat -o "$T/trace" qts-risk --feedback "$T/fb" "$T/bars.csv" > "$T/out"
	[ "$(grep -c "\"$T/fb\"" "$T/trace")" -eq 1 ]
	[ "$(wc -l < "$T/out")" -eq "$(wc -l < "$T/bars.csv")" ]
}

@test "a FIFO named as input: the stage runs before its writer comes (heartbeats, a signal heard: 143), then reads it to the writer's end" {
	mkfifo "$T/in"
	qts-sim --heartbeat 50ms "$T/in" > "$T/out" 2> "$T/err" &
	PIDS+=($!)
	# no writer: the loop beats all the same
	for _ in $(seq 200); do
		[ "$(grep -c 'heartbeat in=0 out=0' "$T/out" 2>/dev/null || true)" -ge 3 ] && break
		sleep 0.05
	done
	[ "$(grep -c 'heartbeat in=0 out=0' "$T/out")" -ge 3 ]
	kill -TERM "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	[ "$rc" -eq 143 ]
	[ -z "$(cat "$T/err")" ]
	tail -1 "$T/out" | grep -q ',qts-sim,error,stopped by signal 15 (SIGTERM)$'
	# a writer that comes late: its events, to its end, exit 0; two
	# FIFOs merged, their writers in either order
	mkfifo "$T/in2"
	qts-sim "$T/in" "$T/in2" > "$T/out" 2> "$T/err" &
	PIDS+=($!)
	sleep 0.3
	echo "$BAR2" > "$T/in2"
	sleep 0.3
	echo "$BAR1" > "$T/in"
	rc=0
	wait "${PIDS[1]}" || rc=$?
	[ "$rc" -eq 0 ]
	[ "$(grep '^bar,' "$T/out" | cut -d, -f2 | tr '\n' ' ')" = "2024-01-02T00:00:00Z 2024-01-03T00:00:00Z " ]
}

@test "a last flush that waits on a slow reader touches nothing freed (qts-broker paper, whose descriptor the loop watches)" {
	# The engine is freed before the output's last bytes are written; a
	# reader slower than the stage keeps the pipe full, so that write
	# waits in the loop, which asked the freed broker for its descriptor
	# (a crash now and then; under AddressSanitizer, every time).
	cd "$T"
	qts-fetch --symbol ES --columns date,time,open,high,low,close,volume,oi \
		"$DATA/2006-01-02-volume-min-001.txt" | head -3000 >min.csv
	qts-strategy -e 'target = close > sma(close, 30) ? 20 : -20' min.csv >sig.csv
	qts-broker paper sig.csv >want.csv
	[ "$(wc -c <want.csv)" -gt 300000 ] # beyond the pipe the stage asks for (256 KiB)
	python3 - sig.csv >got.csv <<-'PY'
	import os, subprocess, sys, time
	r, w = os.pipe()
	p = subprocess.Popen(["qts-broker", "paper", sys.argv[1]], stdout=w)
	os.close(w)
	out = sys.stdout.buffer
	while True:
	    b = os.read(r, 4096)
	    if not b:
	        break
	    out.write(b)
	    time.sleep(0.002)  # 2 MB/s, slower than the stage
	sys.exit(p.wait())
	PY
	cmp want.csv got.csv
}

@test "qts-fetch stopped by SIGTERM before its input's first byte: 143, said by the stream's last event alone, as by any stage" {
	mkfifo "$T/in"
	qts-fetch "$T/in" > "$T/out" 2> "$T/err" &
	PIDS+=($!)
	sleep 0.5
	kill -TERM "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	[ "$rc" -eq 143 ]
	[ -z "$(cat "$T/err")" ]
	[ "$(cat "$T/out")" = "system,1970-01-01T00:00:00Z,qts-fetch,error,stopped by signal 15 (SIGTERM)" ]
}

@test "a stage stopped by SIGTERM after reading but before writing an event dates the stream's last event by when the latest it read became known" {
	mkfifo "$T/in"
	qts-resample 1d "$T/in" > "$T/out" 2> "$T/err" &
	PIDS+=($!)
	exec 5> "$T/in"
	printf 'bar,2024-01-02T14:3%d:00Z,A,1m,1,1,1,1,1\n' 0 1 2 >&5
	sleep 0.5
	kill -TERM "${PIDS[0]}"
	rc=0
	wait "${PIDS[0]}" || rc=$?
	exec 5>&-
	[ "$rc" -eq 143 ]
	[ "$(cat "$T/out")" = "system,2024-01-02T14:33:00Z,qts-resample,error,stopped by signal 15 (SIGTERM)" ]
}

# A bar into the FIFO $T/in, closed; the status of the stage PIDS[0] in rc.
one_bar_then_wait() {
	exec 5> "$T/in"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n' >&5
	exec 5>&-
	rc=0
	wait "${PIDS[0]}" || rc=$?
}

@test "qts-fetch beats and writes its metrics while a FIFO's first bytes are awaited; what they hold is judged when they come" {
	mkfifo "$T/in"
	timeout -k 5 30 qts-fetch --heartbeat 100ms --metrics "$T/m.prom" "$T/in" > "$T/out" 2> "$T/err" &
	PIDS+=($!)
	# no writer yet: the source is not open, the stage beats all the same
	# (it wrote nothing until the first bytes came)
	for _ in $(seq 100); do [ "$(wc -l < "$T/out")" -ge 3 ] && break; sleep 0.05; done
	[ "$(sed -n 1p "$T/out")" = "system,1677-09-21T00:12:43.145224192Z,qts-fetch,info,heartbeat in=0 out=0 sources=1 skipped=0" ]
	[ -s "$T/m.prom" ]
	one_bar_then_wait
	[ "$rc" -eq 0 ]
	[ "$(grep -v '^system,' "$T/out")" = "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1" ]
	# an option its content refuses: after heartbeats, no longer a usage
	# error that writes nothing, but the run's failure, said in the stream
	timeout -k 5 30 qts-fetch --heartbeat 100ms -s X "$T/in" > "$T/out" 2> "$T/err" &
	PIDS[0]=$!
	for _ in $(seq 100); do [ -s "$T/out" ] && break; sleep 0.05; done
	one_bar_then_wait
	[ "$rc" -eq 1 ]
	[ "$(cat "$T/err")" = "qts-fetch: -s X: $T/in holds events, which name their own symbols" ]
	[ "$(tail -n 1 "$T/out")" = "system,1677-09-21T00:12:43.145224192Z,qts-fetch,error,\"-s X: $T/in holds events, which name their own symbols\"" ]
	# a file is judged as the stage is built: a usage error, nothing written
	printf 'bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n' > "$T/f.csv"
	run -2 --separate-stderr qts-fetch --heartbeat 100ms -s X "$T/f.csv"
	[ -z "$output" ]
	# and what no content could make right, with a FIFO too, without a wait
	run -2 --separate-stderr timeout -k 5 10 qts-fetch --heartbeat 100ms --seed 3 "$T/in"
	[ -z "$output" ]
	[ "${stderr_lines[0]}" = "qts-fetch: --seed acts on synth: alone, and no source here is one" ]
}

@test "qts-fetch beats while a socket on its standard input is silent, then reads it to its end" {
	# a stream socket as standard input (a service's socket, systemd's
	# or inetd's): opened in the loop as a pipe is
	timeout 30 python3 - "$T/out" <<'PY'
import os, socket, subprocess, sys, time
mine, its = socket.socketpair()
out = open(sys.argv[1], "w")
p = subprocess.Popen(["qts-fetch", "--heartbeat", "100ms", "-"], stdin=its, stdout=out)
its.close()
for _ in range(200):
    if open(sys.argv[1]).read().count("\n") >= 3:
        break
    time.sleep(0.05)
mine.sendall(b"bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1\n")
mine.close()
sys.exit(p.wait(timeout=20))
PY
	[ "$(sed -n 1p "$T/out")" = "system,1677-09-21T00:12:43.145224192Z,qts-fetch,info,heartbeat in=0 out=0 sources=1 skipped=0" ]
	[ "$(grep -c '^system,.*heartbeat' "$T/out")" -ge 3 ]
	[ "$(grep -v '^system,' "$T/out")" = "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1" ]
}

@test "SIGTERM while the output is blocked (a reader that does not read): the stage stops within a second or two, 143, without live options" {
	qts-fetch --seed 4 --count 100000 -t 1m synth:AAA,BBB > "$T/many.csv"
	for prog in "qts-fetch" "qts-sim"; do
		rm -f "$T/pid" "$T/rc"
		# the reader sleeps: the pipe fills, the stage blocks in write(2)
		( $prog "$T/many.csv" & echo $! > "$T/pid"; rc=0; wait $! || rc=$?; echo $rc > "$T/rc" ) | sleep 8 &
		reader=$!
		for _ in $(seq 100); do [ -s "$T/pid" ] && break; sleep 0.05; done
		sleep 1
		start=$(date +%s%N)
		kill -TERM "$(cat "$T/pid")"
		for _ in $(seq 100); do [ -s "$T/rc" ] && break; sleep 0.05; done
		took=$((($(date +%s%N) - start) / 1000000))
		echo "$prog: rc $(cat "$T/rc" 2>/dev/null) after $took ms" >&2
		[ "$(cat "$T/rc")" = 143 ]
		[ "$took" -lt 4000 ]
		kill "$reader" 2>/dev/null || true
		wait "$reader" 2>/dev/null || true
	done
}
