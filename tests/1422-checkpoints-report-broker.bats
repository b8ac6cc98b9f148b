#!/usr/bin/env bats
# Checkpoints of qts-report and qts-broker (--state): killed with SIGKILL
# at random moments and restarted on their whole input with the same
# state file, they write exactly what they write uninterrupted: the
# report (text, JSON, HTML), and qts-broker paper's stream through its
# output journal.  QTS_CHECKPOINT_SEEDS=N runs N seeds (2 by default).

load helper
load checkpoint

setup() {
	T=$BATS_TEST_TMPDIR
	SEEDS=${QTS_CHECKPOINT_SEEDS:-2}
}

teardown() {
	[ -z "${SERVER:-}" ] || kill "$SERVER" 2> /dev/null || true
}

# A long backtest: 12 years of daily bars of four symbols, a strategy,
# qts-risk and qts-sim.
backtest() {
	qts-fetch --seed 11 --count 3000 -t 1d synth:AAA,BBB,CCC,SPY > "$T/bars.csv"
	qts-strategy sma-cross fast=5 slow=20 size=100 "$T/bars.csv" > "$T/sig.csv"
	qts-risk --cash 1000000 --max-position 500 --stop-loss 0.05 "$T/sig.csv" > "$T/risk.csv"
	# financing too: the report's totals of interest come from the equity
	# events; splits, which the report tells by the positions they leave
	printf '%s\n' 2026-03-02,AAA,split,2 2029-07-02,BBB,split,0.5 2031-01-06,CCC,split,3 > "$T/actions.csv"
	qts-sim --cash 1000000 --commission bps=1 --slippage bps=2 --cash-rate 0.03 --borrow-rate 0.01 \
		--actions "$T/actions.csv" "$T/risk.csv" > "$T/sim.csv"
	[ "$(grep -c '^fill,' "$T/sim.csv")" -gt 500 ]
}

@test "checkpoints: qts-report killed at random and restarted writes the report it writes uninterrupted" {
	backtest
	# uninterrupted: the text, JSON and CSV reports, the round trips and the HTML page
	for f in text j c t; do
		opt=; [ $f = text ] || opt=-$f
		qts-report $opt -b SPY --html "$T/ref.html" < "$T/sim.csv" > "$T/ref.$f"
	done
	[ "$(grep -c . "$T/ref.t")" -gt 100 ]
	grep -q 'Total interest' "$T/ref.text"
	for seed in $(seq 1 "$SEEDS"); do
		rm -f "$T/out.html"
		JOURNAL=0 killed "$seed" "$T/sim.csv" "$T/out.j.$seed" qts-report -j -b SPY --html "$T/out.html"
		cmp "$T/out.j.$seed" "$T/ref.j"
		cmp "$T/out.html" "$T/ref.html"
		JOURNAL=0 killed "$((seed + 100))" "$T/sim.csv" "$T/out.text.$seed" qts-report -b SPY
		cmp "$T/out.text.$seed" "$T/ref.text"
		JOURNAL=0 killed "$((seed + 200))" "$T/sim.csv" "$T/out.t.$seed" qts-report -t
		cmp "$T/out.t.$seed" "$T/ref.t"
	done
}

@test "checkpoints: qts-report refuses a state of other options, another stage, another input, a corrupt one" {
	qts-fetch --seed 5 --count 300 -t 1d synth:AAA > "$T/bars.csv"
	qts-strategy sma-cross fast=3 slow=8 "$T/bars.csv" | qts-sim > "$T/sim.csv"
	qts-fetch --seed 6 --count 300 -t 1d synth:AAA > "$T/other.csv"
	qts-report --state "$T/S" --checkpoint-every 100 "$T/sim.csv" > /dev/null
	[ -s "$T/S" ]
	run -1 --separate-stderr qts-report -j --state "$T/S" "$T/sim.csv"
	[[ "$stderr" == *"--state $T/S: a state made with other options"* ]]
	run -1 --separate-stderr qts-sim --state "$T/S" "$T/sim.csv"
	[[ "$stderr" == *"the state of qts-report, not of qts-sim"* ]]
	run -1 --separate-stderr qts-report --state "$T/S" "$T/other.csv"
	[[ "$stderr" == *"the input differs from the one the state was made from, between its events 1 and 1"* ]]
	head -c 100 "$T/S" > "$T/cut"
	run -1 --separate-stderr qts-report --state "$T/cut" "$T/sim.csv"
	[[ "$stderr" == *"--state $T/cut: truncated"* ]]
	python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); d[len(d)//2]^=1; open(sys.argv[2],"wb").write(d)' "$T/S" "$T/flip"
	run -1 --separate-stderr qts-report --state "$T/flip" "$T/sim.csv"
	[[ "$stderr" == *"--state $T/flip: corrupt: its CRC-32 does not match its contents"* ]]
	run -2 --separate-stderr qts-report --compare --state "$T/S" "$T/sim.csv"
	[[ "$stderr" == *"--compare takes no --state: its files are read whole"* ]]
}

@test "checkpoints: qts-report's state made with --html is refused without it" {
	qts-fetch --seed 5 --count 300 -t 1d synth:AAA > "$T/bars.csv"
	qts-strategy sma-cross fast=3 slow=8 "$T/bars.csv" | qts-sim > "$T/sim.csv"
	qts-report --state "$T/S" --html "$T/r.html" "$T/sim.csv" > /dev/null
	run -1 --separate-stderr qts-report --state "$T/S" "$T/sim.csv"
	[[ "$stderr" == *"a state made with other options"* ]]
}

# sigusr2 STAGE-ARGS...: run the stage on a fifo that pauses after
# $T/first, send it SIGUSR2 once it runs (its --metrics file is there),
# and see the state file appear while the stage waits for the rest.
sigusr2() {
	mkfifo "$T/fifo"
	( cat "$T/first"; exec sleep 30 ) > "$T/fifo" &
	feeder=$!
	"$@" --state "$T/S" --checkpoint-every 1000000000 --metrics "$T/m" "$T/fifo" > "$T/out" 2> "$T/err" &
	stage=$!
	for i in $(seq 1 200); do
		[ -s "$T/m" ] && break
		sleep 0.05
	done
	sleep 0.5
	kill -USR2 "$stage"
	for i in $(seq 1 200); do
		[ -s "$T/S" ] && break
		sleep 0.05
	done
	[ -s "$T/S" ]
	kill "$stage" "$feeder" 2> /dev/null || true
	wait "$stage" || true
}

@test "checkpoints: SIGUSR2 makes qts-report write its state; the restart finishes the report" {
	qts-fetch --seed 5 --count 2000 -t 1d synth:AAA,BBB > "$T/bars.csv"
	qts-strategy sma-cross fast=3 slow=8 "$T/bars.csv" | qts-sim > "$T/sim.csv"
	qts-report -j "$T/sim.csv" > "$T/ref.json"
	head -n 3000 "$T/sim.csv" > "$T/first"
	sigusr2 qts-report -j
	[ ! -s "$T/out" ]
	qts-report -j --state "$T/S" "$T/sim.csv" > "$T/out.json"
	cmp "$T/out.json" "$T/ref.json"
}

# Ticks of four symbols over twelve years, with targets of two
# strategies, limit orders and their cancels: events whose times are
# those they are known at, as a journal of the output wants them.
ticks() {
	qts-fetch --seed 11 --count 3000 -t 1d synth:AAA,BBB,CCC,SPY |
		awk -F, 'BEGIN { srand(3) }
		$1 == "bar" {
			n++
			print "tick," $2 "," $3 "," $8 ",100"
			if (n % 7 == 0) print "target," $2 "," $3 "," int(rand() * 400 - 200) ",qty,s" (n % 2)
			if (n % 13 == 0) print "order," $2 "," $3 ",o" n ",buy,10,limit," $8 * 0.99 ",,gtc,lim"
			if (n % 13 == 5) print "cancel," $2 "," $3 ",o" n - 5
		}' > "$T/ticks.csv"
}

@test "checkpoints: qts-broker paper killed before its first checkpoint restarts from the state of its start" {
	# Killed with no checkpoint but the one written at start, the paper
	# account goes back to nothing and its journal with it: no order of
	# the run killed takes its id, and the restart writes what a run
	# uninterrupted writes.
	ticks
	PAPER=(qts-broker paper --cash 1000000 --commission bps=1 --slippage bps=2)
	"${PAPER[@]}" --journal "$T/ref.bj" < "$T/ticks.csv" > "$T/ref.csv"
	mkfifo "$T/in"
	"${PAPER[@]}" --journal "$T/bj" --state "$T/S" --checkpoint-every 1000000 < "$T/in" > "$T/first" &
	pid=$!
	# the first 2000 events, the input kept open after them
	{ head -n 2000 "$T/ticks.csv"; sleep 30; } > "$T/in" &
	feeder=$!
	for _ in $(seq 200); do
		[ "$(grep -c '^fill,' "$T/first")" -gt 20 ] && break
		sleep 0.05
	done
	kill -9 "$pid"
	wait "$pid" || true
	pkill -P "$feeder" sleep || true
	wait "$feeder" || true
	[ "$(grep -c '^fill,' "$T/first")" -gt 20 ]
	[ -s "$T/S" ]
	[ -s "$T/bj" ]
	"${PAPER[@]}" --journal "$T/bj" --state "$T/S" --checkpoint-every 1000000 < "$T/ticks.csv" > "$T/out.csv"
	cmp "$T/out.csv" "$T/ref.csv"
	cmp "$T/bj" "$T/ref.bj"
}

@test "checkpoints: qts-broker paper killed at random and restarted with --state and --journal writes what it writes uninterrupted" {
	ticks
	PAPER="qts-broker paper --cash 1000000 --commission bps=1 --slippage bps=2"
	$PAPER --journal "$T/ref.bj" < "$T/ticks.csv" > "$T/ref.csv"
	[ "$(grep -c '^fill,.*,o[0-9]' "$T/ref.csv")" -gt 100 ]
	[ "$(grep -c '^fill,.*,s[01]-' "$T/ref.csv")" -gt 1000 ]
	[ "$(grep -c ',canceled,' "$T/ref.csv")" -gt 100 ]
	for seed in $(seq 1 "$SEEDS"); do
		BJ=1 killed "$((seed + 300))" "$T/ticks.csv" "$T/out.$seed" $PAPER
		cmp "$T/out.$seed" "$T/ref.csv"
		# the order journal too: what a kill left after the checkpoint
		# was cut, and journaled again as it was
		cmp "$T/out.$seed.bj" "$T/ref.bj"
	done
}

# ---- qts-broker alpaca against tests/fakes/alpaca_trading.py (127.0.0.1) ----

KEY=PKTESTCKPT42
SECRET=S3cr3t-ckpt-never-shown

alpaca_fake() {
	export APCA_API_KEY_ID=$KEY APCA_API_SECRET_KEY=$SECRET QTS_NET_BACKOFF_MS=10
	unset QTS_ALPACA_STREAM_URL
	printf '{"key":"%s","secret":"%s"%s}\n' "$KEY" "$SECRET" "${1:+,$1}" > "$T/cfg.json"
	python3 "$BATS_TEST_DIRNAME/fakes/alpaca_trading.py" "$T/cfg.json" "$T/port" "$T/log" &
	SERVER=$!
	for _ in $(seq 200); do
		[ -s "$T/port" ] && break
		sleep 0.05
	done
	[ -s "$T/port" ]
	export QTS_ALPACA_URL=http://127.0.0.1:$(cat "$T/port")
}

# alpaca_stat EXPR: a Python expression over the fake's counts (s).
alpaca_stat() {
	python3 -c 'import json,sys; s=json.load(open(sys.argv[2])); print(eval(sys.argv[1]))' "$1" "$T/log.stats"
}

# until_in FILE PATTERN: until FILE has a line matching PATTERN (20 s at most).
until_in() {
	for _ in $(seq 400); do
		grep -q -- "$2" "$1" 2> /dev/null && return 0
		sleep 0.05
	done
	echo "no '$2' in $1:" >&2
	cat "$1" >&2
	return 1
}

# consumed STATE: the count of input events a state file says consumed
# (its head: magic, version, two strings, the options' hash, then it).
consumed() {
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
p = 16
for _ in range(2):
    n, = struct.unpack_from("<Q", d, p); p += 8 + n
print(struct.unpack_from("<Q", d, p + 8)[0])' "$1"
}

# Bars of two symbols a minute, a target after the first bar of 14:31:
# paper holds it until that time's bars are in, and a pause of its input
# there (2 ms and more) lets it go and writes the equity, records no
# input event makes.  The checkpoint is taken with them: a stage killed
# after the pause, or between that checkpoint and their going out,
# continues the stream an uninterrupted run with that pause writes, byte
# for byte: no bar lost, no update or equity twice.
pause_input() {
	cat > "$T/in.csv" <<'CSV'
bar,2024-03-04T14:30:00Z,AAA,1m,10,10,10,10,100
bar,2024-03-04T14:30:00Z,BBB,1m,20,20,20,20,100
bar,2024-03-04T14:31:00Z,AAA,1m,10,10,10,10,100
target,2024-03-04T14:32:00Z,AAA,10,qty,s
bar,2024-03-04T14:31:00Z,BBB,1m,20,20,20,20,100
bar,2024-03-04T14:32:00Z,AAA,1m,11,11,11,11,100
bar,2024-03-04T14:32:00Z,BBB,1m,21,21,21,21,100
target,2024-03-04T14:33:00Z,BBB,5,qty,s
bar,2024-03-04T14:33:00Z,AAA,1m,12,12,12,12,100
bar,2024-03-04T14:33:00Z,BBB,1m,22,22,22,22,100
CSV
}

@test "checkpoints: qts-broker paper killed after a pause of its input wrote held events continues the stream it writes uninterrupted" {
	pause_input
	PAPER=(qts-broker paper --commission bps=1 --journal @D@/bj)
	paused 4 "$T/in.csv" '^equity,2024-03-04T14:32' "$T/ref.csv" "${PAPER[@]}"
	# what the pause wrote, before the rest of the time's bars
	grep -n '' "$T/ref.csv" | grep -q '^8:equity,2024-03-04T14:32:00Z,'
	grep -q '^9:bar,2024-03-04T14:31:00Z,BBB,' <(grep -n '' "$T/ref.csv")
	KILL=1 paused 4 "$T/in.csv" '^equity,2024-03-04T14:32' "$T/got.csv" "${PAPER[@]}"
	cmp "$T/got.csv" "$T/ref.csv"
	cmp "$T/got.csv.bj" "$T/ref.csv.bj"
	# killed after the checkpoint of the pause, before what it holds
	# went out: the restart writes it first
	KILL=1 CUT=4 paused 4 "$T/in.csv" '^equity,2024-03-04T14:32' "$T/cut.csv" "${PAPER[@]}"
	cmp "$T/cut.csv" "$T/ref.csv"
	cmp "$T/cut.csv.bj" "$T/ref.csv.bj"
}

@test "checkpoints: qts-broker alpaca killed and restarted with --state and --journal: no order sent twice, the kill switch kept" {
	alpaca_fake '"price":30'
	cat > "$T/in.csv" <<-'IN'
	bar,2024-01-02T14:30:00Z,AAPL,1m,30,30,30,30,1000
	order,2024-01-02T14:31:00Z,AAPL,j-1,buy,1,market,,,day,s
	target,2024-01-02T14:32:00Z,AAPL,10,qty,s
	order,2024-01-02T14:33:00Z,AAPL,j-2,buy,2,market,,,day,s
	risk,2024-01-02T14:34:00Z,,kill,breach,emergency stop: kill file
	IN
	cat "$T/in.csv" - > "$T/all.csv" <<-'IN'
	order,2024-01-02T14:35:00Z,AAPL,j-3,buy,3,market,,,day,s
	risk,2024-01-02T14:36:00Z,,kill,resume,emergency stop lifted
	order,2024-01-02T14:37:00Z,AAPL,j-4,buy,4,market,,,day,s
	target,2024-01-02T14:38:00Z,AAPL,20,qty,s
	IN
	B="qts-broker alpaca --journal $T/j --state $T/S --checkpoint-every 1"
	# the first five events, then the input pauses; killed once the
	# state has consumed them all
	mkfifo "$T/fifo"
	( cat "$T/in.csv"; exec sleep 30 ) > "$T/fifo" &
	feeder=$!
	$B "$T/fifo" > "$T/out1.csv" 2> "$T/err1" &
	pid=$!
	until_in "$T/out1.csv" ',s-AAPL-1,filled,9,'
	until_in "$T/out1.csv" ',j-2,filled,2,'
	for _ in $(seq 400); do
		[ -s "$T/S" ] && [ "$(consumed "$T/S")" = 5 ] && break
		sleep 0.05
	done
	[ "$(consumed "$T/S")" = 5 ]
	kill -KILL "$pid"
	wait "$pid" || true
	kill "$feeder" 2> /dev/null || true
	# the whole input again: the first five events are not acted on again
	$B "$T/all.csv" > "$T/out2.csv" 2> "$T/err2"
	! grep -q '^order,.*,j-1,' "$T/out2.csv" || false
	! grep -q '^target,2024-01-02T14:32:00Z' "$T/out2.csv" || false
	# the emergency stop outlived the kill: j-3 refused, never sent
	grep -q '^update,.*,j-3,rejected,0,,emergency stop' "$T/out2.csv"
	until_in "$T/out2.csv" ',j-4,'
	for id in j-1 j-2 s-AAPL-1 j-4 s-AAPL-2; do
		[ "$(alpaca_stat "s['posts'].get('$id', 0)")" = 1 ]
	done
	[ "$(alpaca_stat "s['posts'].get('j-3', 0)")" = 0 ]
	# the target's order is for what the broker holds: 20 - (1 + 9 + 2 + 4)
	grep -q '^update,.*,s-AAPL-2,new,0,,target 20: buy 4 market$' "$T/out2.csv"
}

# kill_after_state B FILE OUT PATTERN N: B (a qts-broker command) on
# FILE's first N events, its state kept once it has consumed them, then
# the rest, and a pause; killed once PATTERN is out, its state put back to
# the one kept: a crash after the orders, before the next checkpoint
# (the pause writes one).
kill_after_state() {
	rm -f "$T/fifo" "$T/go"
	mkfifo "$T/fifo"
	(
		head -n "$5" "$2"
		for _ in $(seq 400); do
			[ -e "$T/go" ] && break
			sleep 0.05
		done
		tail -n +"$(($5 + 1))" "$2"
		exec sleep 30
	) > "$T/fifo" &
	local feeder=$!
	$1 "$T/fifo" > "$3" 2> "$3.err" &
	local pid=$!
	for _ in $(seq 400); do
		[ -s "$T/S" ] && [ "$(consumed "$T/S")" = "$5" ] && break
		sleep 0.05
	done
	[ "$(consumed "$T/S")" = "$5" ]
	cp "$T/S" "$T/S.kept"
	touch "$T/go"
	until_in "$3" "$4"
	kill -KILL "$pid"
	wait "$pid" || true
	kill "$feeder" 2> /dev/null || true
	mv "$T/S.kept" "$T/S"
}

@test "checkpoints: qts-broker alpaca restarted with --state and --journal: targets replayed after the checkpoint trade no more" {
	alpaca_fake '"price":30'
	# a buy, then its exit, after the state of the start: both replayed
	# by the restart, against a position of 0
	cat > "$T/in.csv" <<-'IN'
	bar,2024-01-02T14:30:00Z,AAPL,1m,30,30,30,30,1000
	target,2024-01-02T14:31:00Z,AAPL,10,qty,s
	target,2024-01-02T14:32:00Z,AAPL,0,qty,s
	target,2024-01-02T14:33:00Z,AAPL,0,qty,s
	IN
	cat "$T/in.csv" - > "$T/all.csv" <<-'IN'
	target,2024-01-02T14:34:00Z,AAPL,5,qty,s
	IN
	B="qts-broker alpaca --journal $T/j --state $T/S --checkpoint-every 1000"
	kill_after_state "$B" "$T/in.csv" "$T/out1.csv" ,s-AAPL-2,filled, 0
	# the journal says at which input event each order was decided
	grep -q "^o	s-AAPL-1	AAPL	s	buy	market	gtc	10		.*	2	#" "$T/j"
	grep -q "^o	s-AAPL-2	AAPL	s	sell	market	gtc	10		.*	3	#" "$T/j"
	$B "$T/all.csv" > "$T/out2.csv" 2> "$T/err2"
	# each order sent once: the restart's only order is for the new target
	[ "$(alpaca_stat "s['posts'].get('s-AAPL-1', 0)")" = 1 ]
	[ "$(alpaca_stat "s['posts'].get('s-AAPL-2', 0)")" = 1 ]
	[ "$(alpaca_stat "s['posts'].get('s-AAPL-3', 0)")" = 1 ]
	[ "$(alpaca_stat "len(s['posts'])")" = 3 ]
	grep -q '^update,.*,s-AAPL-3,new,0,,target 5: buy 5 market$' "$T/out2.csv"
	[ "$(grep -c '^update,.*,new,' "$T/out2.csv")" = 1 ]
	grep -q '^o	s-AAPL-3	.*	5	#' "$T/j"

	# killed after a checkpoint between the two: the exit alone replayed
	rm -f "$T/j" "$T/S" "$T/S.next" "$T/S.prev"
	kill "$SERVER"
	wait "$SERVER" 2> /dev/null || true
	rm -f "$T/port" "$T/log.stats"
	alpaca_fake '"price":30'
	B="qts-broker alpaca --journal $T/j --state $T/S --checkpoint-every 2"
	kill_after_state "$B" "$T/in.csv" "$T/out3.csv" ,s-AAPL-2,filled, 2
	$B "$T/all.csv" > "$T/out4.csv" 2> "$T/err4"
	[ "$(alpaca_stat "len(s['posts'])")" = 3 ]
	[ "$(grep -c '^update,.*,new,' "$T/out4.csv")" = 1 ]
}

@test "checkpoints: qts-broker alpaca restarted with --state and --journal: an emergency stop replayed cancels no order sent after it was lifted" {
	alpaca_fake '"price":30'
	cat > "$T/in.csv" <<-'IN'
	bar,2024-01-02T14:30:00Z,AAPL,1m,30,30,30,30,1000
	order,2024-01-02T14:31:00Z,AAPL,j-1,buy,1,limit,1,,gtc,s
	risk,2024-01-02T14:32:00Z,,kill,breach,emergency stop: kill file
	risk,2024-01-02T14:33:00Z,,kill,resume,emergency stop lifted
	order,2024-01-02T14:34:00Z,AAPL,j-2,buy,2,limit,1,,gtc,s
	IN
	cat "$T/in.csv" - > "$T/all.csv" <<-'IN'
	order,2024-01-02T14:35:00Z,AAPL,j-3,buy,3,limit,1,,gtc,s
	IN
	B="qts-broker alpaca --journal $T/j --state $T/S --checkpoint-every 1000"
	kill_after_state "$B" "$T/in.csv" "$T/out1.csv" ',j-2,accepted,' 0
	[ "$(alpaca_stat "s['deletes'].get('j-1', 0)")" = 1 ]
	$B "$T/all.csv" > "$T/out2.csv" 2> "$T/err2"
	# the stop replayed: j-2, sent after it was lifted, still works
	[ "$(alpaca_stat "s['deletes'].get('j-1', 0)")" = 1 ]
	[ "$(alpaca_stat "s['deletes'].get('j-2', 0)")" = 0 ]
	[ "$(alpaca_stat "s['posts'].get('j-2', 0)")" = 1 ]
	[ "$(alpaca_stat "s['posts'].get('j-3', 0)")" = 1 ]
	! grep -q ',j-2,canceled,' "$T/out2.csv" || false
}

@test "checkpoints: qts-broker alpaca restarted with --state and --journal: an emergency stop replayed still stops the orders after it" {
	alpaca_fake '"price":30'
	# the stop, then an order it refuses (journaled: the restart's replay
	# reaches past the stop)
	cat > "$T/in.csv" <<-'IN'
	bar,2024-01-02T14:30:00Z,AAPL,1m,30,30,30,30,1000
	order,2024-01-02T14:31:00Z,AAPL,j-1,buy,1,market,,,day,s
	risk,2024-01-02T14:32:00Z,,kill,breach,emergency stop: kill file
	order,2024-01-02T14:33:00Z,AAPL,j-2,buy,2,market,,,day,s
	IN
	cat "$T/in.csv" - > "$T/all.csv" <<-'IN'
	order,2024-01-02T14:34:00Z,AAPL,j-3,buy,3,market,,,day,s
	IN
	B="qts-broker alpaca --journal $T/j --state $T/S --checkpoint-every 1000"
	kill_after_state "$B" "$T/in.csv" "$T/out1.csv" ',j-2,rejected,0,,emergency stop' 0
	$B "$T/all.csv" > "$T/out2.csv" 2> "$T/err2"
	grep -q '^update,.*,j-3,rejected,0,,emergency stop' "$T/out2.csv"
	[ "$(alpaca_stat "s['posts'].get('j-1', 0)")" = 1 ]
	[ "$(alpaca_stat "s['posts'].get('j-2', 0)")" = 0 ]
	[ "$(alpaca_stat "s['posts'].get('j-3', 0)")" = 0 ]
}

@test "checkpoints: qts-broker alpaca --state without --journal says what a restart then sends again" {
	alpaca_fake '"price":30'
	run --separate-stderr qts-broker alpaca --state "$T/S" /dev/null
	[ "${stderr_lines[0]}" = "qts-broker: --state $T/S without --journal: the orders sent after a checkpoint are not known at a restart, and the replay of their events sends them again" ]
	run --separate-stderr qts-broker alpaca --state "$T/S2" --journal "$T/j" /dev/null
	! grep -q 'without --journal' <<<"$stderr" || false
	run --separate-stderr qts-broker alpaca --state "$T/S3" --dry-run /dev/null
	! grep -q 'without --journal' <<<"$stderr" || false
	run --separate-stderr qts-broker paper --state "$T/S4" /dev/null
	! grep -q 'without --journal' <<<"$stderr" || false
}

@test "checkpoints: SIGUSR2 makes qts-broker paper write its state; the restart continues its stream" {
	ticks
	PAPER="qts-broker paper --cash 1000000 --commission bps=1"
	$PAPER "$T/ticks.csv" > "$T/ref.csv"
	head -n 9000 "$T/ticks.csv" > "$T/first"
	sigusr2 $PAPER
	$PAPER --state "$T/S" "$T/ticks.csv" > "$T/out2.csv"
	grep -v '^system,' "$T/out" | cat - "$T/out2.csv" | cmp - "$T/ref.csv"
}

@test "checkpoints: qts-broker refuses a state of another broker, other options, a corrupt one, a journal that is not its own" {
	ticks
	qts-broker paper --journal "$T/j" --state "$T/S" --checkpoint-every 500 "$T/ticks.csv" > /dev/null
	run -1 --separate-stderr qts-broker paper --journal "$T/j" --state "$T/S" --cash 5 "$T/ticks.csv"
	[[ "$stderr" == *"--state $T/S: a state made with other options"* ]]
	run -1 --separate-stderr qts-broker alpaca --journal "$T/j" --state "$T/S" "$T/ticks.csv"
	[[ "$stderr" == *"--state $T/S: a state made with other options"* ]]
	run -1 --separate-stderr qts-sim --state "$T/S" "$T/ticks.csv"
	[[ "$stderr" == *"the state of qts-broker, not of qts-sim"* ]]
	python3 -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); d[len(d)//2]^=1; open(sys.argv[2],"wb").write(d)' "$T/S" "$T/flip"
	run -1 --separate-stderr qts-broker paper --journal "$T/j" --state "$T/flip" "$T/ticks.csv"
	[[ "$stderr" == *"--state $T/flip: corrupt: its CRC-32 does not match its contents"* ]]
	# the paper account goes back to the checkpoint with its journal: a
	# journal shorter than the state's is refused
	mv "$T/j" "$T/j.full"
	head -c 100 "$T/j.full" > "$T/j"
	run -1 --separate-stderr qts-broker paper --journal "$T/j" --state "$T/S" "$T/ticks.csv"
	[[ "$stderr" == *"--state $T/S: the engine's state: --journal $T/j holds "*" bytes, fewer than the "*" the state has seen: not the journal of this state"* ]]
}
