#!/usr/bin/env bats
# qts-risk --feedback: the executing stage's fills, positions, updates and
# equity set the real position, and limits and exits use it.  The engine's
# handling of each event, with qts-sim in the same process, is in
# tests/unit/test_risk_feedback.c; here the programs, and the live loop
# through a fifo (qts-sim's output tee'd back) once the runtime reads it.

load helper

T0=2024-01-02T14:30:00Z
T1=2024-01-02T14:31:00Z
T2=2024-01-02T14:32:00Z
T3=2024-01-02T14:33:00Z
bar() { printf 'bar,%s,A,1m,%s,%s,%s,%s,1000\n' "$1" "$2" "$(max "$2" "$3")" "$(min "$2" "$3")" "$3"; }
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b) ? a : b }'; }
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a < b) ? a : b }'; }
target() { printf 'target,%s,A,%s,qty,s\n' "$1" "$2"; }
order() { printf 'order,%s,A,%s,%s,%s,market,,,day,s\n' "$1" "$2" "$3" "$4"; }

# qts-sim holds the events of a time until the next comes, so the loop is
# watched on qts-risk's own output ($d/mid) and checked on qts-sim's at the
# end.

# A target qts-sim --no-short refuses, then an order that the refused
# target would push past --max-position 100.
refused() { bar $T0 100 100; target $T1 -50; bar $T1 100 100; }
then_sell() { order $T2 o1 sell 60; bar $T2 100 100; }

# A target approved at 100 and filled at the next open, 95 (a gap), then
# prices falling: --stop-loss 0.05 is 95 from the estimate's 100, 90.25
# from the real 95.
gap() { bar $T0 100 100; target $T1 10; bar $T1 95 96; }
then_fall() { bar $T2 91 91; }
then_more() { bar $T3 90 90; }

@test "without --feedback the estimate keeps what qts-sim refused, and the stop uses the approval price" {
	run -0 qts-risk --max-position 100 < <(refused; then_sell)
	grep -qx "risk,$T2,A,max-position,reduce,order o1: qty 60 reduced to 50" <<<"$output"
	run -0 qts-risk --stop-loss 0.05 < <(gap; then_fall)
	grep -qx "risk,$T3,A,stop-loss,flatten,price 91 vs average 100: loss beyond 0.05" <<<"$output"
}

@test "--feedback: no approval is taken as filled before a fill says so" {
	# No fill fed back (an empty file): nothing is held, so no stop fires,
	# while the estimate without --feedback exits what it never bought.
	run -0 qts-risk --stop-loss 0.05 < <(gap; then_fall)
	grep -q ',stop-loss,flatten,' <<<"$output"
	run -0 qts-risk --feedback /dev/null --stop-loss 0.05 < <(gap; then_fall)
	! grep -q ',stop-loss,' <<<"$output" || false
	# Working, an approval still counts against the limits.
	run -0 qts-risk --feedback /dev/null --max-position 100 < <(bar $T0 100 100; target $T1 70; order $T1 o1 buy 60)
	grep -qx "risk,$T1,A,max-position,reduce,order o1: qty 60 reduced to 30" <<<"$output"
}

# ---- live: qts-risk | qts-sim | tee FIFO, the fifo fed back -------------

# The runtime reads --feedback FILE (a file that will not open is named).
feedback_read() {
	! qts-risk --feedback "$BATS_TEST_TMPDIR/none" </dev/null >/dev/null 2>&1
}

wait_for() { # wait_for PATTERN FILE: up to 5 s
	for _ in $(seq 50); do grep -q -- "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
	echo "timed out waiting for '$1' in $2:"; cat "$2"; return 1
}

# Every fill, position, update and equity qts-sim wrote has been applied:
# a heartbeat of qts-risk (read before qts-sim, which holds the events of
# a time until the next) counts as many applied.
wait_fed() {
	local n
	for _ in $(seq 50); do
		n=$(grep -cE '^(fill|position|update|equity),' "$d/out" || true)
		grep -q "^system,.*,qts-risk,info,heartbeat .*applied=$n\\b" "$d/mid" && return 0
		sleep 0.1
	done
	echo "timed out waiting for applied=$n in $d/out:"; cat "$d/out"; return 1
}

start_loop() { # start_loop RISK-ARGS -- SIM-ARGS
	d=$BATS_TEST_TMPDIR
	local risk=() sim=()
	while [ "$1" != -- ]; do risk+=("$1"); shift; done
	shift
	sim=("$@")
	mkfifo "$d/in" "$d/back"
	# The heartbeats stop at $d/mid: they are not what is tested downstream.
	qts-risk --feedback "$d/back" --heartbeat 20ms "${risk[@]}" <"$d/in" 2>"$d/err" 3>&- | tee "$d/mid" |
		grep --line-buffered -v '^system,' | qts-sim "${sim[@]}" 3>&- | tee -p "$d/back" >"$d/out" 3>&- &
	loop=$!
	exec 7>"$d/in"
}

stop_loop() { # the input ends: the loop ends, never waiting on the feedback
	exec 7>&-
	for _ in $(seq 50); do kill -0 $loop 2>/dev/null || break; sleep 0.1; done
	! kill -0 $loop 2>/dev/null || false
	wait $loop
}

@test "--feedback live: qts-sim --no-short refuses the target; the real position bounds the next order" {
	feedback_read || skip "the runtime does not read --feedback yet"
	start_loop --max-position 100 -- --no-short
	refused >&7
	wait_for "^update,$T1,A,s-A-1,rejected," "$d/out"
	wait_fed
	then_sell >&7
	wait_for "^order,$T2,A,o1," "$d/mid"
	stop_loop
	# Flat in reality: selling 60 is within 100, approved whole.
	grep -qx "order,$T2,A,o1,sell,60,market,,,day,s" "$d/out"
	! grep -q ',max-position,' "$d/out" || false
}

@test "--feedback live: the stop is measured from the real fill price" {
	feedback_read || skip "the runtime does not read --feedback yet"
	start_loop --stop-loss 0.05 --
	gap >&7
	wait_for "^fill,$T1,A,s-A-1,buy,10,95," "$d/out"
	wait_fed
	then_fall >&7
	wait_for "^bar,$T2," "$d/mid"
	wait_fed
	! grep -q ',stop-loss,' "$d/mid" || false
	then_more >&7
	wait_for ",stop-loss,flatten," "$d/mid"
	bar 2024-01-02T14:34:00Z 90 90 >&7 # the exit fills at its open
	stop_loop
	grep -qx "risk,2024-01-02T14:34:00Z,A,stop-loss,flatten,price 90 vs average 95: loss beyond 0.05" "$d/out"
	grep -q "^fill,[^,]*,A,\*-A-[0-9]*,sell,10,90," "$d/out"
}

@test "--feedback: a failure fed back ends the stream there, says the input is incomplete, exit 1" {
	cd "$BATS_TEST_TMPDIR"
	# a file fed back is read before the input: the stream is the failure
	# alone, as qts-sim wrote it
	echo "system,$T0,qts-sim,error,boom" > fb.csv
	{ bar $T0 100 100; target $T1 10; bar $T1 100 100; } > in.csv
	run -1 --separate-stderr qts-risk --feedback fb.csv in.csv
	[ "$stderr" = "qts-risk: the input is incomplete: qts-sim failed: boom" ]
	[ "$output" = "system,$T0,qts-sim,error,boom" ]
}

@test "--feedback live: a failure fed back ends the stream at once, though the input goes on; dated no earlier than what was written, exit 1" {
	# qts-sim (or the broker) failed: no fill will come back for what
	# qts-risk would send on, so it ends there, not at its input's end,
	# which a live feed never reaches
	d=$BATS_TEST_TMPDIR
	mkfifo "$d/in" "$d/back"
	qts-risk --feedback "$d/back" <"$d/in" >"$d/out" 2>"$d/err" 3>&- &
	pid=$!
	exec 7>"$d/in" 8>"$d/back"
	{ bar $T0 100 100; target $T1 10; } >&7
	wait_for "^target,$T1,A," "$d/out"
	echo "system,$T0,qts-sim,error,boom" >&8
	for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	if kill -0 $pid 2>/dev/null; then
		kill $pid; exec 7>&- 8>&-; wait $pid || true
		echo "qts-risk went on after the failure fed back"; cat "$d/out"; return 1
	fi
	rc=0; wait $pid || rc=$?
	exec 7>&- 8>&-
	[ "$rc" -eq 1 ]
	[ "$(cat "$d/err")" = "qts-risk: the input is incomplete: qts-sim failed: boom" ]
	# the target went out at T1: the failure after it is dated there
	[ "$(cat "$d/out")" = "$(bar $T0 100 100; target $T1 10; echo "system,$T1,qts-sim,error,boom")" ]
}
