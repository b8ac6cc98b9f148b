bats_require_minimum_version 1.5.0
# Common set-up for the bats suites: the programs under test come first on
# PATH (the sanitizer build under `make check`), fixtures are at $FIX.
QTS_BIN=${QTS_BIN:-$BATS_TEST_DIRNAME/../bin}
PATH=$QTS_BIN:$PATH
FIX=$BATS_TEST_DIRNAME/fixtures
DATA=$BATS_TEST_DIRNAME/../../shared/data

unset QTS_FORMAT
# qts-fetch's cache of network history: a test's own, never the home's.
export XDG_CACHE_HOME=${BATS_TEST_TMPDIR:-${BATS_RUN_TMPDIR:-/tmp}}/xdg-cache

# minutes SYM START N [TF]: N bars of TF (1m) from START, prices 10+i
# (qts-resample's tests).
minutes() {
	awk -v sym="$1" -v start="$2" -v n="$3" -v tf="${4:-1m}" 'BEGIN {
		split(start, a, /[-T:Z]/)
		for (i = 0; i < n; i++) {
			m = a[5] + i; h = a[4] + int(m / 60); m %= 60
			printf "bar,%s-%s-%sT%02d:%02d:00Z,%s,%s,%d,%d,%d,%d,1\n", a[1], a[2], a[3], h, m, sym, tf, 10 + i, 12 + i, 9 + i, 11 + i
		}
	}'
}

# end_background: ends every process a test started in the background
# and listed in PIDS, however the test ended (its teardown calls this).
end_background() {
	local p alive
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	# A process wedged at its exit (LeakSanitizer's rare hang in the
	# sanitizer build, google/sanitizers#1330) takes SIGTERM no more, and
	# `timeout` without -k waits on it for ever, holding the test's output
	# open: after 5 s, such a process and all it started are killed.
	for _ in $(seq 50); do
		alive=0
		for p in "${PIDS[@]}"; do
			kill -0 "$p" 2>/dev/null && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.1
	done
	for p in "${PIDS[@]}"; do
		kill -0 "$p" 2>/dev/null && kill_tree "$p"
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null || true
	done
}

# kill_tree PID: SIGKILL to PID and every process under it.
kill_tree() {
	local c
	for c in $(pgrep -P "$1"); do
		kill_tree "$c"
	done
	kill -KILL "$1" 2>/dev/null || true
}

# killed_midstream LINES FILE 'UNTIL' CMD...: CMD (given --output-journal
# J, its output into `qts journal J`) reads the first LINES of FILE from
# a FIFO left open, and is killed by SIGKILL once the shell test UNTIL
# holds (20 s at most): a stage stopped in mid-stream, to restart.
killed_midstream() {
	local lines=$1 file=$2 until=$3 n=0 jp
	shift 3
	rm -f fifo pid
	mkfifo fifo
	( "$@" fifo & echo $! > pid; wait ) | qts journal J > /dev/null &
	jp=$!
	exec 7> fifo
	head -n "$lines" "$file" >&7
	until eval "$until" || [ $n -ge 1000 ]; do
		sleep 0.02
		n=$((n + 1))
	done
	kill -KILL "$(cat pid)"
	exec 7>&-
	wait "$jp" || true
}
