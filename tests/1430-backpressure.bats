#!/usr/bin/env bats
# qts-fetch --buffer N --overflow block|drop: a source that outruns its
# output keeps reading into a bounded queue, then waits or drops, and a
# drop is counted and said.

load helper

setup() {
	T=$BATS_TEST_TMPDIR
	qts-fetch --count 20000 synth:AAA > "$T/all.csv"
}

# value FILE SERIES: the value of one series line of a metrics file
value() {
	awk -v s="$2" '$1 == s { print $2 }' "$1" 2>/dev/null
}

# Wait (at most 20 s) until the metrics file says the source dropped.
wait_dropped() {
	for _ in $(seq 200); do
		n=$(value "$1" 'qts_dropped_total{stage="qts-fetch"}')
		[ -n "$n" ] && [ "$n" -gt 0 ] && return 0
		sleep 0.1
	done
	return 1
}

@test "--buffer, --overflow block: a reader that waits gets every event, unchanged" {
	# a day of market time each 10 us: far faster than the reader, who
	# starts after a second
	qts-fetch --count 20000 --pace 8640000000 --buffer 100 --overflow block synth:AAA |
		{ sleep 1; cat; } > "$T/out.csv"
	cmp "$T/all.csv" "$T/out.csv"
}

@test "--buffer: events of a type qts does not know wait in the queue whole (their fields are the queue's own)" {
	# their fields live in the reader's buffer until its next read: the
	# queue must keep copies, or what waits shows a later event's text
	awk -F, '{ print; printf "news,%s,%s,headline %d of the day\n", $2, $3, NR }' "$T/all.csv" > "$T/news.csv"
	qts-fetch --buffer 100000 "$T/news.csv" | { sleep 1; cat; } > "$T/out.csv"
	cmp "$T/news.csv" "$T/out.csv"
	qts-fetch --buffer 1000 --overflow drop "$T/news.csv" 2>/dev/null | { sleep 1; cat; } > "$T/out.csv"
	# what was not dropped is as it was read
	grep -v ^system "$T/out.csv" | grep -vxFf "$T/news.csv" | { ! grep .; }
	[ "$(grep -c ^news "$T/out.csv")" -gt 100 ]
}

@test "--buffer: block is the default" {
	qts-fetch --count 20000 --pace 8640000000 --buffer 10 synth:AAA | { sleep 1; cat; } > "$T/out.csv"
	cmp "$T/all.csv" "$T/out.csv"
}

@test "--overflow drop: what does not fit is dropped, counted, and said once there is room" {
	# The reader starts only once the source has dropped: nothing here
	# depends on how fast the machine is.
	qts-fetch --count 20000 --pace 8640000000 --buffer 50 --overflow drop --metrics "$T/m.prom" synth:AAA |
		{ wait_dropped "$T/m.prom" || exit 3; cat; } > "$T/out.csv"
	n=$(grep -c '^system,' "$T/out.csv")
	[ "$n" -ge 1 ]
	# the events that came out are the source's, in order, whole
	grep '^bar,' "$T/out.csv" > "$T/bars.csv"
	kept=$(wc -l < "$T/bars.csv")
	grep -F -x -f "$T/bars.csv" "$T/all.csv" | cmp - "$T/bars.csv"
	# every event is either out or counted as dropped, in the stream and
	# in the metrics
	said=$(sed -n 's/^system,[^,]*,qts-fetch,warn,dropped \([0-9]*\) events\{0,1\} from .* to .*: the output did not keep up (--buffer 50)$/\1/p' "$T/out.csv" |
		awk '{ s += $1 } END { print s }')
	[ $((kept + said)) -eq 20000 ]
	[ "$(value "$T/m.prom" 'qts_dropped_total{stage="qts-fetch"}')" -eq "$said" ]
	# a drop is a warning
	[ "$(value "$T/m.prom" 'qts_warnings_total{stage="qts-fetch"}')" -eq "$n" ]
	# and the stream stays in time order for the stages after it
	qts-sim "$T/out.csv" > /dev/null
}

@test "--overflow drop, an output that keeps up: nothing dropped, nothing said" {
	qts-fetch --count 2000 --buffer 1000 --overflow drop --metrics "$T/m.prom" synth:AAA > "$T/out.csv"
	qts-fetch --count 2000 synth:AAA | cmp - "$T/out.csv"
	[ "$(value "$T/m.prom" 'qts_dropped_total{stage="qts-fetch"}')" -eq 0 ]
}

@test "--buffer and --overflow: bad values are usage errors" {
	run qts-fetch --buffer 0 synth:AAA
	[ "$status" -eq 2 ]
	[[ $output == *"--buffer: '0' is not a whole number of events from 1 to 10000000"* ]]
	run qts-fetch --buffer 1.5 synth:AAA
	[ "$status" -eq 2 ]
	[[ $output == *"--buffer: '1.5' is not a whole number of events from 1 to 10000000"* ]]
	run qts-fetch --buffer 10000001 synth:AAA
	[ "$status" -eq 2 ]
	run qts-fetch --overflow wait synth:AAA
	[ "$status" -eq 2 ]
	[[ $output == *"--overflow: 'wait' is neither block nor drop"* ]]
}
