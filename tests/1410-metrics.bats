#!/usr/bin/env bats
# --metrics FILE on every stage (Prometheus text exposition, written
# atomically every second and at exit) and SIGUSR1 (the same on stderr).

load helper

setup() {
	T=$BATS_TEST_TMPDIR
	qts-fetch --seed 4 --count 500 -t 1d synth:AAA,BBB > "$T/bars.csv"
}

# value FILE SERIES: the value of one series line
value() {
	awk -v s="$2" '$1 == s { print $2 }' "$1"
}

@test "--metrics: events in and out by type, at exit" {
	qts-strategy sma-cross fast=5 slow=20 "$T/bars.csv" > "$T/targets.csv"
	qts-sim --metrics "$T/m.prom" "$T/targets.csv" > "$T/out.csv"
	[ "$(value "$T/m.prom" 'qts_events_in_total{stage="qts-sim",type="bar"}')" -eq 1000 ]
	targets=$(grep -c '^target,' "$T/targets.csv")
	[ "$(value "$T/m.prom" 'qts_events_in_total{stage="qts-sim",type="target"}')" -eq "$targets" ]
	for t in bar target order update fill position equity; do
		n=$(grep -c "^$t," "$T/out.csv" || true)
		[ "$(value "$T/m.prom" "qts_events_out_total{stage=\"qts-sim\",type=\"$t\"}")" -eq "$n" ]
	done
	[ "$(value "$T/m.prom" 'qts_errors_total{stage="qts-sim"}')" -eq 0 ]
	# every event timed once
	[ "$(value "$T/m.prom" 'qts_event_seconds_count{stage="qts-sim"}')" -eq $((1000 + targets)) ]
	[ "$(value "$T/m.prom" 'qts_event_seconds_bucket{stage="qts-sim",le="+Inf"}')" -eq $((1000 + targets)) ]
}

@test "--metrics: the heartbeats a stage writes are events written, counted by type" {
	# paced to last a while: 20 ms heartbeats come between the bars
	qts-fetch --pace 2000000000 "$T/bars.csv" | qts-sim --heartbeat 20ms --metrics "$T/h.prom" > "$T/h.csv"
	n=$(grep -c '^system,.*,qts-sim,info,heartbeat ' "$T/h.csv")
	[ "$n" -ge 1 ]
	[ "$(value "$T/h.prom" 'qts_events_out_total{stage="qts-sim",type="system"}')" -eq "$n" ]
}

@test "--metrics: the Prometheus text format, each series with its HELP and TYPE" {
	qts-resample --metrics "$T/m.prom" 1w "$T/bars.csv" > /dev/null
	grep -q '^# TYPE qts_events_in_total counter$' "$T/m.prom"
	grep -q '^# TYPE qts_lag_seconds gauge$' "$T/m.prom"
	grep -q '^# TYPE qts_event_seconds histogram$' "$T/m.prom"
	grep -q '^# TYPE qts_uptime_seconds gauge$' "$T/m.prom"
	# every line is a comment or `name{labels} value`
	! grep -v -E '^(# (HELP|TYPE) .*|qts_[a-z_]+\{stage="qts-resample"(,(type|le)="[^"]+")?\} [-+0-9.eE]+(Inf)?)$' "$T/m.prom" || false
	# the buckets are cumulative, ending at the count
	awk -F'} ' '/qts_event_seconds_bucket/ { if ($2 < last) exit 1; last = $2 } END { print last }' "$T/m.prom" > "$T/last"
	[ "$(cat "$T/last")" = "$(value "$T/m.prom" 'qts_event_seconds_count{stage="qts-resample"}')" ]
	# lag: now minus the last bar written (2025-05-14, 500 days from 2024-01-01 by 1w bars)
	lag=$(value "$T/m.prom" 'qts_lag_seconds{stage="qts-resample"}')
	awk -v l="$lag" 'BEGIN { exit !(l > 0) }'
}

@test "--metrics: rewritten while the stage runs, never half written" {
	mkfifo "$T/fifo"
	( head -5 "$T/bars.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts-sim --metrics "$T/m.prom" "$T/fifo" > /dev/null &
	pid=$!
	for _ in $(seq 100); do
		[ "$(value "$T/m.prom" 'qts_events_in_total{stage="qts-sim",type="bar"}' 2> /dev/null)" = 5 ] && break
		sleep 0.1
	done
	[ "$(value "$T/m.prom" 'qts_events_in_total{stage="qts-sim",type="bar"}')" = 5 ]
	up1=$(value "$T/m.prom" 'qts_uptime_seconds{stage="qts-sim"}')
	sleep 1.5
	up2=$(value "$T/m.prom" 'qts_uptime_seconds{stage="qts-sim"}')
	awk -v a="$up1" -v b="$up2" 'BEGIN { exit !(b > a) }'
	# no temporary file left beside it but the one being written
	[ "$(ls "$T" | grep -c 'm.prom.tmp')" -le 1 ]
	kill -TERM $pid
	wait $pid || true
	kill $feeder 2> /dev/null || true
	# at exit: the signal counted as an error, the temporary gone
	[ "$(value "$T/m.prom" 'qts_errors_total{stage="qts-sim"}')" -eq 1 ]
	[ "$(ls "$T" | grep -c 'm.prom.tmp')" -eq 0 ]
}

@test "--metrics: errors count the system events of level error written" {
	printf 'bar,2024-01-03,AAA,1d,10,11,9,10,100\nbar,2024-01-02,AAA,1d,10,11,9,10,100\n' > "$T/bad.csv"
	run -1 qts-sim --metrics "$T/m.prom" "$T/bad.csv"
	[ "$(value "$T/m.prom" 'qts_errors_total{stage="qts-sim"}')" -ge 1 ]
}

@test "--metrics: every stage takes it" {
	qts-fetch --metrics "$T/f.prom" synth:AAA --count 10 > /dev/null
	[ "$(value "$T/f.prom" 'qts_events_out_total{stage="qts-fetch",type="bar"}')" -eq 10 ]
	qts-strategy --metrics "$T/s.prom" sma-cross "$T/bars.csv" > /dev/null
	[ "$(value "$T/s.prom" 'qts_events_in_total{stage="qts-strategy",type="bar"}')" -eq 1000 ]
	qts-risk --metrics "$T/r.prom" "$T/bars.csv" > /dev/null
	[ "$(value "$T/r.prom" 'qts_events_in_total{stage="qts-risk",type="bar"}')" -eq 1000 ]
	qts-report --metrics "$T/p.prom" "$T/bars.csv" > /dev/null
	[ "$(value "$T/p.prom" 'qts_events_in_total{stage="qts-report",type="bar"}')" -eq 1000 ]
	qts journal --metrics "$T/j.prom" "$T/j" "$T/bars.csv" > /dev/null
	[ "$(value "$T/j.prom" 'qts_events_in_total{stage="qts-journal",type="bar"}')" -eq 1000 ]
	qts pipe 'qts-strategy --metrics '"$T/pipe.prom"' sma-cross | qts-sim' "$T/bars.csv" > /dev/null
	[ -s "$T/pipe.prom" ]
	# a later stage's would never be written: refused, not ignored
	run -2 --separate-stderr qts pipe 'qts-strategy sma-cross | qts-sim --metrics '"$T/later.prom" "$T/bars.csv"
	[ "$stderr" = "qts pipe: stage 2 (qts-sim): --metrics: the chain's figures are one stage's, given to the first" ]
	[ ! -e "$T/later.prom" ]
}

@test "--metrics: a file that cannot be written at the start is refused (exit 1); one that fails later is said once, and the stage goes on" {
	run -1 --separate-stderr qts-sim --metrics "$T/nodir/m.prom" "$T/bars.csv"
	[ "$stderr" = "qts-sim: --metrics $T/nodir/m.prom: cannot create a temporary beside it: No such file or directory" ]
	[ "${#lines[@]}" -eq 1 ] && [[ "$output" == system,*,error,* ]]
	run -2 qts-sim --metrics '' "$T/bars.csv"
	[[ "$output" == *"--metrics: an empty file name"* ]]
	# its directory gone while the stage runs: live trading is not
	# stopped by its figures
	mkdir "$T/d"
	mkfifo "$T/fifo"
	qts-sim --metrics "$T/d/m.prom" "$T/fifo" >"$T/out" 2>"$T/err" &
	pid=$!
	exec 5>"$T/fifo"
	head -5 "$T/bars.csv" >&5
	for _ in $(seq 100); do
		[ -s "$T/d/m.prom" ] && break
		sleep 0.05
	done
	rm -rf "$T/d"
	sleep 1.5 # the next write, a second later, fails
	tail -n +6 "$T/bars.csv" >&5
	exec 5>&-
	wait "$pid"
	[ "$(wc -l <"$T/out")" -eq 1500 ]
	[ "$(grep -c -- "--metrics $T/d/m.prom: cannot create a temporary beside it: No such file or directory" "$T/err")" -eq 1 ]
}

@test "--metrics: a directory, a fifo, a device or a descriptor named is refused at the start (exit 1), and left as it was; '-' is a usage error" {
	# renamed over before: /dev/null or /dev/stdout made a file, as root
	# for every program after
	mkfifo "$T/fifo"
	run -1 --separate-stderr qts-sim --metrics "$T/fifo" "$T/bars.csv"
	[ "$stderr" = "qts-sim: --metrics $T/fifo: not a file of its own (a directory, device, fifo or descriptor): the figures are a file rewritten each second" ]
	[ -p "$T/fifo" ]
	[ "${#lines[@]}" -eq 1 ] && [[ "$output" == system,*,error,* ]]
	run -1 --separate-stderr qts-sim --metrics /dev/null "$T/bars.csv"
	[ "$stderr" = "qts-sim: --metrics /dev/null: not a file of its own (a directory, device, fifo or descriptor): the figures are a file rewritten each second" ]
	[ -c /dev/null ]
	# a link to the descriptor of standard output, as /dev/stdout is,
	# when a shell sent it to a file: the figures would be written into
	# the events, the link replaced
	ln -s /proc/self/fd/1 "$T/out-link"
	run -1 --separate-stderr qts-risk --metrics "$T/out-link" "$T/bars.csv"
	[[ "$stderr" == "qts-risk: --metrics $T/out-link: not a file of its own"* ]]
	[ -L "$T/out-link" ]
	run -1 --separate-stderr qts-sim --metrics /dev/fd/1 "$T/bars.csv"
	[[ "$stderr" == "qts-sim: --metrics /dev/fd/1: not a file of its own"* ]]
	mkdir "$T/dir"
	run -1 --separate-stderr qts-resample --metrics "$T/dir" 1w "$T/bars.csv"
	[[ "$stderr" == "qts-resample: --metrics $T/dir: not a file of its own"* ]]
	[ -d "$T/dir" ]
	# a link to a file is replaced, as a file written whole replaces one
	ln -s "$T/elsewhere" "$T/link"
	run -0 qts-sim --metrics "$T/link" "$T/bars.csv"
	[ -f "$T/link" ] && [ ! -L "$T/link" ] && [ ! -e "$T/elsewhere" ]
	run -2 --separate-stderr qts-sim --metrics - "$T/bars.csv"
	[ "${stderr_lines[0]}" = "qts-sim: --metrics: '-' is standard output, which carries the events: name a file" ]
	# a file: written, no temporary left beside it
	mkdir "$T/m"
	qts-sim --metrics "$T/m/sim.prom" "$T/bars.csv" > /dev/null
	[ "$(ls -A "$T/m")" = sim.prom ]
	grep -q '^qts_events_in_total{stage="qts-sim",type="bar"} 1000$' "$T/m/sim.prom"
}

@test "SIGUSR1: the figures on stderr, and the stage goes on" {
	mkfifo "$T/fifo"
	( head -5 "$T/bars.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts-sim "$T/fifo" > "$T/out" 2> "$T/err" &
	pid=$!
	for _ in $(seq 100); do
		[ "$(wc -l < "$T/out")" -ge 5 ] && break
		sleep 0.1
	done
	kill -USR1 $pid
	for _ in $(seq 100); do
		grep -q 'qts_events_in_total{stage="qts-sim",type="bar"} 5' "$T/err" && break
		sleep 0.1
	done
	grep -q 'qts_events_in_total{stage="qts-sim",type="bar"} 5' "$T/err"
	kill -0 $pid
	kill -TERM $pid
	status=0
	wait $pid || status=$?
	kill $feeder 2> /dev/null || true
	[ "$status" -eq 143 ]
}

@test "qts top --once: one line a stage from the metrics files of a directory" {
	mkdir "$T/m"
	qts-strategy --metrics "$T/m/strategy.prom" sma-cross "$T/bars.csv" |
		qts-sim --metrics "$T/m/sim.prom" > /dev/null
	run -0 qts top --once "$T/m"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == "STAGE"*"IN"*"IN/S"*"OUT"*"OUT/S"*"ERR"*"WARN"*"LAG"*"P50"*"P99"*"UP" ]]
	read -r name in rate out _ <<< "${lines[1]}"
	[ "$name" = qts-sim ] && [ "$rate" = - ]
	[ "$in" = "$(awk '$1 ~ /^qts_events_in_total/ { n += $2 } END { print n }' "$T/m/sim.prom")" ]
	[ "$out" = "$(awk '$1 ~ /^qts_events_out_total/ { n += $2 } END { print n }' "$T/m/sim.prom")" ]
	[[ "${lines[2]}" == "qts-strategy "* ]]
	# files named one by one
	run -0 qts top --once "$T/m/sim.prom"
	[ "${#lines[@]}" -eq 2 ]
}

@test "qts top --once: a stage's label as the exposition format escapes it, and no terminal escape printed from a file" {
	mkdir "$T/m"
	printf '%s\n' 'qts_events_in_total{stage="a \"b\" \\c",type="bar"} 7' > "$T/m/one.prom"
	printf 'qts_events_in_total{stage="x\033[2Jy",type="bar"} 9\n' > "$T/m/two.prom"
	run -0 qts top --once "$T/m"
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[1]}" == 'a "b" \c '*' 7 '* ]]
	[[ "${lines[2]}" == 'x?[2Jy '*' 9 '* ]]
	! grep -q $'\033' <<< "$output" || false
}

@test "qts top: errors and usage" {
	run -1 --separate-stderr qts top --once "$T/none.prom"
	[ "$stderr" = "qts top: no metrics file could be read" ]
	run -2 qts top
	[[ "$output" == *"no metrics FILE or DIR given"* ]]
	run -2 qts top -d 10ms "$T"
	[[ "$output" == *"--delay: '10ms' is not a duration from 100ms to 1h"* ]]
	run -2 qts top -n 0 "$T"
	[[ "$output" == *"--iterations: "* ]]
	run -0 qts top --help
	for o in --delay --iterations --once; do [[ "$output" == *"$o"* ]]; done
	[[ "$output" == *"-n, --iterations COUNT "* ]] # as qts(1) names it
}

@test "qts top: a refreshed screen in a terminal, rates from two readings, q quits" {
	command -v tmux > /dev/null || skip "no tmux"
	mkfifo "$T/fifo"
	( head -5 "$T/bars.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts-sim --metrics "$T/sim.prom" "$T/fifo" > /dev/null &
	pid=$!
	sock="$T/tmux.sock"
	tmux -S "$sock" new-session -d -x 120 -y 20 "PATH='$PATH' qts top -d 200ms '$T/sim.prom'; echo top-ended; sleep 30"
	for _ in $(seq 100); do
		tmux -S "$sock" capture-pane -p > "$T/screen"
		grep -q '^qts-sim  *5  *0 ' "$T/screen" && break
		sleep 0.1
	done
	status=0
	grep -q '^qts-sim  *5  *0 ' "$T/screen" || status=1
	grep -q 'q: quit' "$T/screen" || status=1
	tmux -S "$sock" send-keys q
	for _ in $(seq 50); do
		tmux -S "$sock" capture-pane -p | grep -q top-ended && break
		sleep 0.1
	done
	tmux -S "$sock" capture-pane -p | grep -q top-ended || status=1
	tmux -S "$sock" kill-server
	kill -TERM $pid
	wait $pid || true
	kill $feeder 2> /dev/null || true
	[ "$status" -eq 0 ]
}

# The stage writes its metrics each second, qts top reads them every -d:
# rates from the wall clock between two reads showed a burst when two
# writes fell between them and 0 when none did.  From the uptime written
# with the counts, each rate is the stage's own.
@test "qts top: rates over the stage's own uptime between two writes, whatever -d; a file left unwritten goes to 0" {
	qts-sim --metrics "$T/a.prom" "$T/bars.csv" > /dev/null
	up=$(value "$T/a.prom" 'qts_uptime_seconds{stage="qts-sim"}')
	# the same stage a second later: 200 more bars in, 300 more events out
	awk -v up="$up" '
		$1 == "qts_events_in_total{stage=\"qts-sim\",type=\"bar\"}" { $2 += 200 }
		$1 == "qts_events_out_total{stage=\"qts-sim\",type=\"bar\"}" { $2 += 300 }
		$1 == "qts_uptime_seconds{stage=\"qts-sim\"}" { $2 = sprintf("%.3f", up + 1) }
		{ print }' "$T/a.prom" > "$T/b.prom"
	cp "$T/a.prom" "$T/m.prom"
	qts top -n 20 -d 250ms "$T/m.prom" > "$T/screens" &
	top=$!
	for _ in $(seq 100); do grep -q '^qts-sim' "$T/screens" && break; sleep 0.05; done
	sleep 0.3
	cp "$T/b.prom" "$T/m.new" && mv "$T/m.new" "$T/m.prom"
	wait "$top"
	awk '$1 == "qts-sim" { print $3, $5 }' "$T/screens" > "$T/rates"
	[ "$(wc -l < "$T/rates")" -eq 20 ]
	[ "$(sed -n 1p "$T/rates")" = "- -" ]
	# every rate is the write's own, read once or many times
	! grep -v '^- -$' "$T/rates" | grep -v '^200 300$' | grep -v '^0 0$' || false
	grep -q '^200 300$' "$T/rates"
	# over 3 s without a write: the stage is gone
	[ "$(tail -n 1 "$T/rates")" = "0 0" ]
}

@test "--metrics: a reader that closes the pipe (| head) is no error; a signal counts one" {
	qts-fetch --seed 4 --count 20000 -t 1m synth:AAA,BBB > "$T/many.csv"
	(trap '' PIPE; qts-sim --metrics "$T/h.prom" "$T/many.csv" | head -n 1 >/dev/null)
	[ "$(value "$T/h.prom" 'qts_errors_total{stage="qts-sim"}')" = 0 ]
}

@test "--metrics and SIGUSR1 go on while the output waits on a reader that does not read: the stage is seen held up, not gone" {
	qts-fetch --seed 4 --count 100000 -t 1m synth:AAA,BBB > "$T/many.csv"
	# the reader sleeps: the pipe fills, and the stage's write waits
	( qts-sim --metrics "$T/m.prom" "$T/many.csv" 2> "$T/err" & echo $! > "$T/pid"; wait ) | sleep 30 &
	reader=$!
	for _ in $(seq 100); do [ -s "$T/pid" ] && [ -s "$T/m.prom" ] && break; sleep 0.05; done
	pid=$(cat "$T/pid")
	up() { value "$T/m.prom" 'qts_uptime_seconds{stage="qts-sim"}'; }
	sleep 1.5
	u1=$(up)
	out1=$(value "$T/m.prom" 'qts_events_out_total{stage="qts-sim",type="bar"}')
	sleep 2.2
	u2=$(up)
	echo "uptime $u1 then $u2, bars out $out1" >&2
	# rewritten each second: two seconds later, two more of uptime
	awk -v a="$u1" -v b="$u2" 'BEGIN { exit !(b - a >= 1.5) }'
	# the stage is blocked: what it wrote stopped short of the input
	[ "$(value "$T/m.prom" 'qts_events_out_total{stage="qts-sim",type="bar"}')" -lt 200000 ]
	kill -USR1 "$pid"
	for _ in $(seq 100); do
		grep -q '^qts_uptime_seconds{stage="qts-sim"}' "$T/err" && break
		sleep 0.05
	done
	grep -q '^qts_uptime_seconds{stage="qts-sim"}' "$T/err"
	kill -TERM "$pid"
	kill "$reader" 2> /dev/null || true
	wait "$reader" 2> /dev/null || true
}
