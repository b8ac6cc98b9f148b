#!/usr/bin/env bats
# qts-fetch on a live pipe or fifo: what it is decided from the first bytes
# that came, each event out as it comes (never held for more input), and a
# signal that ends the stream after every event read, in the other stages
# too.  Every process is
# bounded by timeout and ended by teardown, however the test ends.
# timeout --foreground passes a signal to the stage alone: without it,
# timeout sends it and a SIGCONT to its whole process group too, which
# in the sanitizer build can catch LeakSanitizer's tracer at the stage's
# exit and leave the stage spinning for ever (about one run in twenty).

load helper

BAR1='bar,2024-01-02T14:30:00Z,ORCL,1m,37.5,37.62,37.41,37.55,12500'
BAR2='bar,2024-01-02T14:31:00Z,ORCL,1m,37.55,37.7,37.5,37.6,9000'

setup() {
	T=$(mktemp -d)
	PIDS=()
	mkfifo "$T/in"
}

teardown() {
	exec 5>&- 6>&- || true
	end_background
	rm -rf "$T"
}

# Until FILE has N lines, for at most 15 s.
wait_for_lines() {
	for _ in $(seq 150); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "$1 has $(wc -l <"$1") lines, not $2"
	return 1
}

# The output is the lines given, exactly, and the last stage stopped was
# ended by the SIGTERM (term: its status 143).
stopped_with() {
	[ "$rc" -eq 143 ]
	[ "$(cat "$T/out")" = "$(printf '%s\n' "$@")" ] || { cat "$T/out"; return 1; }
}

# A vendor's header and one row into qts-fetch -t 1d -s SPY ARGS... - on
# the fifo, the pipe left open: the bar comes out before the pipe ends.
vendor_row_out() {
	: >"$T/out"
	timeout --foreground -k 5 60 qts-fetch -t 1d -s SPY "$@" - <"$T/in" >"$T/out" &
	PIDS=($!)
	exec 5>"$T/in"
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,100\n' >&5
	wait_for_lines "$T/out" 1
	[ "$(cat "$T/out")" = "bar,2024-01-02T00:00:00Z,SPY,1d,1,2,0.5,1.5,100" ]
	exec 5>&-
	wait "${PIDS[0]}"
}

@test "events from standard input go out as they come, the pipe still open (not after 4 KB or its end)" {
	timeout --foreground -k 5 60 qts-fetch - <"$T/in" >"$T/out" &
	PIDS+=($!)
	exec 5>"$T/in"
	echo "$BAR1" >&5
	wait_for_lines "$T/out" 1
	[ "$(cat "$T/out")" = "$BAR1" ]
	echo "$BAR2" >&5
	wait_for_lines "$T/out" 2
	exec 5>&-
	wait "${PIDS[0]}"
	[ "$(sed -n 2p "$T/out")" = "$BAR2" ]
}

@test "a slow producer: the first event is out long before the producer ends" {
	# the producer sleeps 8 s after its event; the event is read at once
	run -0 timeout 60 bash -c "start=\$(date +%s%N); (printf '%s\n' '$BAR1'; sleep 8) | qts-fetch - |
		{ IFS= read -r l; echo \"\$l\"; echo \$(( (\$(date +%s%N) - start) / 1000000 )); cat >/dev/null; }"
	[ "${lines[0]}" = "$BAR1" ]
	[ "${lines[1]}" -lt 5000 ]
}

@test "msgpack events from a fifo named as a file go out as they come" {
	echo "$BAR1" | qts-fetch -M - >"$T/one.mp"
	timeout --foreground -k 5 60 qts-fetch "$T/in" >"$T/out" &
	PIDS+=($!)
	exec 5>"$T/in"
	cat "$T/one.mp" >&5
	wait_for_lines "$T/out" 1
	[ "$(cat "$T/out")" = "$BAR1" ]
	exec 5>&-
	wait "${PIDS[0]}"
}

@test "a vendor's CSV from a pipe: with -t each row goes out as it comes, with --columns too" {
	vendor_row_out
	vendor_row_out --columns date,open,high,low,close,volume
}

@test "SIGTERM: every event read is written, then the error event at the time the last became known" {
	timeout --foreground -k 5 60 qts-fetch - <"$T/in" >"$T/out" 2>"$T/err" &
	PIDS+=($!)
	exec 5>"$T/in"
	printf '%s\n%s\n' "$BAR1" "$BAR2" >&5
	wait_for_lines "$T/out" 2
	term
	# BAR2's end: the stream stays in time order, never back to 1970
	stopped_with "$BAR1" "$BAR2" "system,2024-01-02T14:32:00Z,qts-fetch,error,stopped by signal 15 (SIGTERM)"
}

@test "the other stages pass a pipe's first event on before its end too" {
	for stage in "qts cat" "qts-resample -k 1h" "qts-risk" "qts-sim"; do
		: >"$T/out"
		timeout --foreground -k 5 60 $stage <"$T/in" >"$T/out" &
		PIDS=($!)
		exec 5>"$T/in"
		echo "$BAR1" >&5
		wait_for_lines "$T/out" 1 || { echo "$stage"; return 1; }
		[ "$(head -1 "$T/out")" = "$BAR1" ]
		exec 5>&-
		wait "${PIDS[0]}"
	done
}

# Start qts-fetch ARGS... in the background on the fifos, output in $T/out.
fetch_bg() {
	timeout --foreground -k 5 60 qts-fetch "$@" >"$T/out" 2>"$T/err" &
	PIDS+=($!)
}

# SIGTERM to the qts-fetch started last; its status in $rc.
term() {
	kill -TERM "${PIDS[-1]}"
	rc=0
	wait "${PIDS[-1]}" || rc=$?
	unset 'PIDS[-1]'
}

@test "SIGTERM while a vendor's rows are read ahead to infer their timeframe: they are written, not lost" {
	read_ahead_then_term
}

@test "SIGTERM with --buffer: the events read go out after what waits in the buffer" {
	read_ahead_then_term --buffer 4
}

read_ahead_then_term() {
	fetch_bg "$@" -s SPY "$T/in"
	exec 5>"$T/in"
	printf 'Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,100\n2024-01-03,1,2,0.5,1.5,200\n' >&5
	# the rows wait for the 16 that infer the timeframe: nothing yet
	sleep 1
	[ ! -s "$T/out" ]
	term
	stopped_with "bar,2024-01-02T00:00:00Z,SPY,1d,1,2,0.5,1.5,100" "bar,2024-01-03T00:00:00Z,SPY,1d,1,2,0.5,1.5,200" \
		"system,2024-01-04T00:00:00Z,qts-fetch,error,stopped by signal 15 (SIGTERM)"
}

@test "SIGTERM while merging: the event held for a source that sent nothing yet is written" {
	mkfifo "$T/b"
	fetch_bg "$T/in" "$T/b"
	# (each source is opened and its kind told from its first bytes
	# before the next is opened)
	exec 5>"$T/in"
	echo "$BAR1" >&5
	exec 6>"$T/b"
	sleep 1
	[ ! -s "$T/out" ] # held: b's first event may come before it
	term
	exec 6>&-
	stopped_with "$BAR1" "system,2024-01-02T14:31:00Z,qts-fetch,error,stopped by signal 15 (SIGTERM)"
}

@test "SIGTERM with --pace: the event read and held for its time is written" {
	fetch_bg --pace 1 "$T/in"
	exec 5>"$T/in"
	# an hour apart: the second is held for an hour at --pace 1
	printf '%s\n%s\n' "$BAR1" 'bar,2024-01-02T15:30:00Z,ORCL,1m,38,38,38,38,1' >&5
	wait_for_lines "$T/out" 1
	sleep 1
	[ "$(wc -l <"$T/out")" -eq 1 ]
	term
	stopped_with "$BAR1" "bar,2024-01-02T15:30:00Z,ORCL,1m,38,38,38,38,1" \
		"system,2024-01-02T15:31:00Z,qts-fetch,error,stopped by signal 15 (SIGTERM)"
}

@test "SIGTERM: the other stages put the event held to merge their inputs before the stream ends" {
	mkfifo "$T/b"
	for stage in qts-risk qts-sim "qts-resample -k 1h"; do
		timeout --foreground -k 5 60 $stage "$T/in" "$T/b" >"$T/out" 2>"$T/err" &
		PIDS+=($!)
		exec 5>"$T/in" 6>"$T/b"
		echo "$BAR1" >&5
		sleep 1
		[ ! -s "$T/out" ] # held: b's first event may come before it
		term
		exec 5>&- 6>&-
		[ "$rc" -eq 143 ]
		[ "$(sed -n 1p "$T/out")" = "$BAR1" ] || { echo "$stage"; cat "$T/out"; return 1; }
		[ "$(tail -n 1 "$T/out")" = "system,2024-01-02T14:31:00Z,${stage%% *},error,stopped by signal 15 (SIGTERM)" ]
	done
}

@test "SIGTERM: qts-broker sends no order after it, not even one read before it" {
	mkfifo "$T/b"
	timeout --foreground -k 5 60 qts-broker paper "$T/in" "$T/b" >"$T/out" 2>"$T/err" &
	PIDS+=($!)
	exec 5>"$T/in" 6>"$T/b"
	printf '%s\norder,2024-01-02T14:31:00Z,ORCL,o-1,buy,10,market,,,day,s\n' "$BAR1" >&5
	sleep 1
	term
	exec 5>&- 6>&-
	[ "$rc" -eq 143 ]
	! grep -Eq '^(fill|order|update),' "$T/out" || false
	! grep -q '^bar,' "$T/out" || false
	[ "$(tail -n 1 "$T/out")" = "system,1970-01-01T00:00:00Z,qts-broker,error,stopped by signal 15 (SIGTERM)" ]
}
