#!/usr/bin/env bats
# qts-bus pub|sub, mostly run as qts bus pub|sub, against a real
# nats-server on 127.0.0.1 (JetStream on, its storage in the test's
# directory): a pipeline split across the bus equals the unsplit one byte
# for byte; a subscriber killed mid-stream, a server restarted mid-stream
# and a publisher started again lose no event (repeats only where
# at-least-once allows); replay from a sequence and a time; durable
# consumers; core NATS; every option and message.

load helper

setup() {
	command -v nats-server >/dev/null || skip "nats-server is not installed (make deps installs it)"
	D=$BATS_TEST_TMPDIR
	export QTS_NET_BACKOFF_MS=10
	start_nats || return 1
	U=nats://127.0.0.1:$PORT
}

teardown() {
	for f in "$D"/*.pid; do
		[ -e "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	return 0
}

# A free port: the kernel's pick for port 0, released (nats-server takes
# no port 0); a clash with another program is met by trying again.
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# run_nats PORT [ARGS]: the server on PORT, JetStream in $D/js; 0 once it
# is ready, 1 when it died (a port taken meanwhile) or was not ready in 10 s.
run_nats() {
	local port=$1
	shift
	: >"$D/nats.log"
	# in a subshell: no job of the test's shell, whose kill bash would report
	(nats-server -a 127.0.0.1 -p "$port" "$@" 3>&- 4>&- 5>&- 6>&- >"$D/nats.log" 2>&1 &
		echo $! >"$D/nats.pid")
	for _ in $(seq 200); do
		grep -q "Server is ready" "$D/nats.log" && return 0
		kill -0 "$(cat "$D/nats.pid")" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

start_nats() {
	for _ in 1 2 3 4 5; do
		PORT=$(free_port)
		run_nats "$PORT" -js -sd "$D/js" && return 0
		stop_nats
	done
	echo "nats-server did not start: $(cat "$D/nats.log")" >&2
	return 1
}

stop_nats() { # SIGKILL: a server that dies, not one that says goodbye
	local pid
	pid=$(cat "$D/nats.pid" 2>/dev/null) || return 0
	kill -9 "$pid" 2>/dev/null
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	rm -f "$D/nats.pid"
}

wait_pid() { # wait_pid NAME: the exit status of the background job $D/NAME.pid, within 30 s
	local pid
	pid=$(cat "$D/$1.pid")
	for _ in $(seq 600); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then # stuck: no wait for ever
		kill -9 "$pid"
		echo "$1 still running after 30 s" >&2
	fi
	wait "$pid"
	local rc=$?
	rm -f "$D/$1.pid"
	# what it said, shown with the failure (the temporary files go)
	[ "$rc" -eq 0 ] || [ ! -e "$D/$1.err" ] || sed "s/^/$1.err: /" "$D/$1.err" >&2
	return $rc
}

# wait_lines FILE N: until FILE has N lines, within 30 s (a loaded
# machine running the sanitizer's build); when not, what the programs and
# the server said is shown with the failure.
wait_lines() {
	for _ in $(seq 600); do
		[ -e "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "$1: $(wc -l <"$1" 2>/dev/null) lines of $2 after 30 s" >&2
	for f in sub.err pub.err nats.log; do
		[ ! -e "$D/$f" ] || tail -n 20 "$D/$f" | sed "s/^/$f: /" >&2
	done
	return 1
}

# sub_and_pub [SUB-OPTION...]: a durable subscriber of `orders` writing
# $D/got.csv, and a publisher of it reading the fifo $D/in, open on fd 5.
sub_and_pub() {
	mkfifo "$D/in"
	qts bus sub --server "$U" --durable r "$@" orders >"$D/got.csv" 2>"$D/sub.err" &
	echo $! >"$D/sub.pid"
	qts bus pub --server "$U" orders <"$D/in" 2>"$D/pub.err" &
	echo $! >"$D/pub.pid"
	exec 5>"$D/in"
}

orders() { # the events a strategy writes (bars and orders) for COUNT bars of two symbols
	qts-fetch --seed 3 --count "${1:-300}" synth:X,Y | qts-strategy sma-cross fast=10 slow=30 size=100
}

# two_publishers SUBJECT A B [END]: the events A (text) from one publisher,
# then B from another, one subject; END --no-end: neither ends the stream.
two_publishers() {
	printf '%s' "$2" >"$D/a.csv"
	printf '%s' "$3" >"$D/b.csv"
	timeout -k 5 60 qts bus pub --server "$U" --no-end --id a "$1" "$D/a.csv"
	timeout -k 5 60 qts bus pub --server "$U" ${4:-} --id b "$1" "$D/b.csv"
}

# ---- a pipeline split across the bus ------------------------------------------------

@test "bus: qts-fetch | strategy | pub and sub | qts-sim equal the unsplit pipeline, byte for byte" {
	orders | qts-sim --commission bps=10 >"$D/unsplit.csv"
	orders | timeout -k 5 60 qts bus pub --server "$U" orders
	timeout -k 5 60 qts bus sub --server "$U" orders | qts-sim --commission bps=10 >"$D/split.csv"
	cmp "$D/unsplit.csv" "$D/split.csv"
	[ "$(grep -c ^fill "$D/split.csv")" -ge 4 ]
}

@test "bus: a subscriber started before the publisher gets the same events; msgpack in and out" {
	orders >"$D/orders.csv"
	qts bus sub --server "$U" -M orders >"$D/got.mp" 2>"$D/sub.err" &
	echo $! >"$D/sub.pid"
	qts cat -M "$D/orders.csv" | timeout -k 5 60 qts bus pub --server "$U" orders
	wait_pid sub
	qts cat -M "$D/orders.csv" | cmp - "$D/got.mp"
}

@test "bus: the stream keeps the publisher's order for every symbol" {
	orders >"$D/orders.csv"
	timeout -k 5 60 qts bus pub --server "$U" md "$D/orders.csv"
	timeout -k 5 60 qts bus sub --server "$U" md >"$D/got.csv"
	for s in X Y; do
		diff <(grep ",$s," "$D/orders.csv") <(grep ",$s," "$D/got.csv")
	done
}

@test "bus: two publishers of one subject out of time order between them: the late events are dropped and said, the output stays in time order" {
	two_publishers two 'bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1,10
bar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1,10
' 'bar,2024-01-01T00:00:00Z,B,1d,1,2,0.5,1,10
bar,2024-01-02T00:00:00Z,B,1d,1,2,0.5,1,10
bar,2024-01-04T00:00:00Z,B,1d,1,2,0.5,1,10
'
	run -0 --separate-stderr timeout -k 5 60 qts bus sub --server "$U" two
	[ "$output" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1,10
bar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1,10
bar,2024-01-04T00:00:00Z,B,1d,1,2,0.5,1,10" ]
	[ "${stderr_lines[0]}" = "qts-bus sub: a late event dropped: two: stream sequence 3: B 1d bar at 2024-01-01T00:00:00Z, after an event at 2024-01-03T00:00:00Z (a stream is in time order, and the publishers of a subject are not between them)" ]
	[ "${stderr_lines[1]}" = "qts-bus sub: 2 late events dropped; the first: two: stream sequence 3: B 1d bar at 2024-01-01T00:00:00Z, after an event at 2024-01-03T00:00:00Z" ]
	printf '%s\n' "$output" | qts cat >/dev/null
}

@test "bus: an event of a type qts does not know: without a time it is as late as those before it, never dropped; with one it is late as any other, named by its type" {
	two_publishers unk 'bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1,10
news,hello world
bar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1,10
' 'news,2024-01-01T00:00:00Z,A,late news
'
	run -0 --separate-stderr timeout -k 5 60 qts bus sub --server "$U" unk
	printf '%s\n' "$output" | cmp - "$D/a.csv"
	[ "${stderr_lines[0]}" = "qts-bus sub: a late event dropped: unk: stream sequence 4: - news at 2024-01-01T00:00:00Z, after an event at 2024-01-03T00:00:00Z (a stream is in time order, and the publishers of a subject are not between them)" ]
}

@test "bus: qts-sim's reports pass whole: a fill at an hour's open after a quarter hour's events is in order, as the reader has it" {
	qts-fetch --seed 1 -t 1h --count 30 synth:A > "$D/h.csv"
	qts-fetch --seed 3 -t 15m --count 120 synth:E > "$D/q.csv"
	qts-strategy -e 'target = close > open ? 10 : 0' "$D/h.csv" "$D/q.csv" | qts-sim > "$D/sim.csv"
	# (a fill dated before events written before it: reports go by symbol)
	awk -F, '$1 == "fill" && $2 < max { n++ } $1 !~ /^(fill|update|position)$/ && $2 > max { max = $2 }
		END { exit !n }' "$D/sim.csv"
	timeout -k 5 60 qts bus pub --server "$U" sim "$D/sim.csv"
	run -0 --separate-stderr timeout -k 5 60 qts bus sub --server "$U" sim
	[ -z "$stderr" ]
	printf '%s\n' "$output" | cmp - "$D/sim.csv"
}

# ---- durable consumers, restarts -----------------------------------------------------

@test "bus: late events are acknowledged as they are dropped: a durable subscriber started again does not get them" {
	# no end published: each run waits for more until timeout stops it
	two_publishers two 'bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1,10
bar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1,10
' 'bar,2024-01-01T00:00:00Z,B,1d,1,2,0.5,1,10
bar,2024-01-02T00:00:00Z,B,1d,1,2,0.5,1,10
' --no-end
	run -124 --separate-stderr timeout -k 5 3 qts bus sub --server "$U" --durable late two
	# (and the system event of the signal)
	[ "$(printf '%s\n' "$output" | grep ^bar)" = "bar,2024-01-02T00:00:00Z,A,1d,1,2,0.5,1,10
bar,2024-01-03T00:00:00Z,A,1d,1,2,0.5,1,10" ]
	[[ "$stderr" == *"2 late events dropped"* ]]
	run -124 --separate-stderr timeout -k 5 2 qts bus sub --server "$U" --durable late two
	[ -z "$(printf '%s\n' "$output" | grep ^bar)" ]
	[[ "$stderr" != *late* ]]
}

@test "bus: a durable subscriber stopped after --count resumes where it left off" {
	orders >"$D/orders.csv"
	timeout -k 5 60 qts bus pub --server "$U" orders "$D/orders.csv"
	timeout -k 5 60 qts bus sub --server "$U" --durable d --count 100 orders >"$D/a.csv"
	[ "$(wc -l <"$D/a.csv")" -eq 100 ]
	timeout -k 5 60 qts bus sub --server "$U" --durable d --count 1 orders >"$D/b.csv"
	timeout -k 5 60 qts bus sub --server "$U" --durable d orders >"$D/c.csv"
	cat "$D/a.csv" "$D/b.csv" "$D/c.csv" | cmp - "$D/orders.csv"
	# at the end: a new run waits for more (the end was acknowledged)
	run -124 timeout -k 5 2 qts bus sub --server "$U" --durable d --count 1 orders
}

@test "bus: a subscriber killed mid-stream loses nothing when started again" {
	# more than a pipe holds: 380 KB, a writer making its pipe 256 KiB
	orders 3000 >"$D/orders.csv"
	timeout -k 5 60 qts bus pub --server "$U" orders "$D/orders.csv"
	mkfifo "$D/out"
	qts bus sub --server "$U" --durable k --batch 32 orders >"$D/out" &
	echo $! >"$D/sub.pid"
	exec 4<"$D/out"
	for _ in $(seq 50); do
		IFS= read -r -t 10 line <&4
		printf '%s\n' "$line" >>"$D/part1"
	done
	# the pipe is full now and the subscriber blocked: a batch is out,
	# written in part and not acknowledged
	kill -9 "$(cat "$D/sub.pid")"
	wait_pid sub || true
	cat <&4 >>"$D/part1"
	exec 4<&-
	# what reached downstream whole: a record cut by the kill is not counted
	[ -z "$(tail -c 1 "$D/part1")" ] || sed -i '$d' "$D/part1"
	n1=$(wc -l <"$D/part1")
	[ "$n1" -lt "$(wc -l <"$D/orders.csv")" ]
	timeout -k 5 60 qts bus sub --server "$U" --durable k --batch 32 orders >"$D/part2"
	# every event, in order; repeated at most the batch that was out
	cat "$D/part1" "$D/part2" | awk '!seen[$0]++' | cmp - "$D/orders.csv"
	[ $(($(cat "$D/part1" "$D/part2" | wc -l) - $(wc -l <"$D/orders.csv"))) -le 32 ]
	# and the second run began at the first event not acknowledged: in order
	head -n 1 "$D/part2" | grep -qxF -f - "$D/orders.csv"
}

@test "bus: a server restarted mid-stream: publisher and subscriber carry on, no event lost" {
	orders >"$D/orders.csv"
	sub_and_pub
	head -n 400 "$D/orders.csv" >&5
	wait_lines "$D/got.csv" 400
	stop_nats
	# events published while the server is away are kept and sent again
	sed -n '401,700p' "$D/orders.csv" >&5
	run_nats "$PORT" -js -sd "$D/js"
	tail -n +701 "$D/orders.csv" >&5
	exec 5>&-
	wait_pid pub
	wait_pid sub
	awk '!seen[$0]++' "$D/got.csv" | cmp - "$D/orders.csv"
	grep -q "disconnected; reconnecting with backoff" "$D/pub.err"
	grep -q "reconnected" "$D/sub.err"
}

@test "bus: a server killed loses acknowledgements and sends written events again: they are acknowledged again, and the stream goes on" {
	# --batch 1: the server lets 4 wait unacknowledged.  Killed just
	# after the first 40 were acknowledged one by one, it comes back
	# without those acknowledgements and sends them again; left
	# unacknowledged as written already, they would stop it for good.
	qts-fetch --seed 3 --count 60 synth:X >"$D/all.csv"
	sub_and_pub --batch 1
	head -n 40 "$D/all.csv" >&5
	wait_lines "$D/got.csv" 40
	stop_nats
	run_nats "$PORT" -js -sd "$D/js"
	tail -n +41 "$D/all.csv" >&5
	exec 5>&-
	wait_pid pub
	wait_pid sub
	# each once: the ones sent again are not written again
	cmp "$D/got.csv" "$D/all.csv"
}

@test "bus: a publisher started again over the same input adds nothing twice (message ids)" {
	orders >"$D/orders.csv"
	head -n 500 "$D/orders.csv" | timeout -k 5 60 qts bus pub --server "$U" --no-end orders
	timeout -k 5 60 qts bus pub --server "$U" --metrics "$D/pub.prom" orders "$D/orders.csv"
	timeout -k 5 60 qts bus sub --server "$U" orders >"$D/got.csv"
	cmp "$D/got.csv" "$D/orders.csv"
	# the next run's events are new: another input makes other ids
	qts-fetch --seed 4 --count 20 synth:Z >"$D/more.csv"
	timeout -k 5 60 qts bus pub --server "$U" orders "$D/more.csv"
	timeout -k 5 60 qts bus sub --server "$U" --durable m --from-seq "$(($(wc -l <"$D/orders.csv") + 2))" orders >"$D/next.csv"
	cmp "$D/next.csv" "$D/more.csv"
	grep -q '^qts_events_in_total{stage="qts-bus-pub",type="bar"}' "$D/pub.prom"
}

# ---- replay ---------------------------------------------------------------------------

@test "bus: --from-seq N and --from TIME replay from a stream sequence and a time" {
	# B after A in time: one stream, as a subscriber writes it
	qts-fetch --seed 1 --count 10 synth:A >"$D/a.csv"
	qts-fetch --seed 2 --count 10 --from 2024-02-01 synth:B >"$D/b.csv"
	timeout -k 5 60 qts bus pub --server "$U" --no-end md "$D/a.csv"
	t=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	timeout -k 5 60 qts bus pub --server "$U" md "$D/b.csv"
	timeout -k 5 60 qts bus sub --server "$U" --from "$t" md >"$D/since.csv"
	cmp "$D/since.csv" "$D/b.csv"
	timeout -k 5 60 qts bus sub --server "$U" --from-seq 6 md >"$D/seq.csv"
	cat <(tail -n +6 "$D/a.csv") "$D/b.csv" | cmp - "$D/seq.csv"
}

@test "bus: --from TIME a few nanoseconds into a second: from there, not a tenth of a second later" {
	# libnats would ask the server for .000000001 as ".1": A is stored
	# before the second S, B after S and the time asked, S + 1 ns
	qts-fetch --seed 1 --count 10 synth:A >"$D/a.csv"
	qts-fetch --seed 2 --count 10 synth:B >"$D/b.csv"
	timeout -k 5 60 qts bus pub --server "$U" --no-end md "$D/a.csv"
	s0=$(date -u +%s)
	for _ in $(seq 300); do [ "$(date -u +%s)" -gt "$s0" ] && break; sleep 0.01; done
	t=$(date -u -d "@$((s0 + 1))" +%Y-%m-%dT%H:%M:%S).000000001Z
	timeout -k 5 60 qts bus pub --server "$U" md "$D/b.csv"
	timeout -k 5 20 qts bus sub --server "$U" --from "$t" md >"$D/since.csv"
	cmp "$D/since.csv" "$D/b.csv"
	# a time after every event: nothing, until the end of a later stream
	qts-fetch --seed 3 --count 4 synth:C >"$D/c.csv"
	t=$(date -u +%Y-%m-%dT%H:%M:%S.%NZ)
	timeout -k 5 60 qts bus pub --server "$U" md "$D/c.csv"
	timeout -k 5 20 qts bus sub --server "$U" --from "$t" md >"$D/late.csv"
	cmp "$D/late.csv" "$D/c.csv"
}

@test "bus: --durable of an existing consumer refuses --from-seq; --reset starts it anew" {
	qts-fetch --seed 1 --count 10 synth:A >"$D/a.csv"
	timeout -k 5 60 qts bus pub --server "$U" md "$D/a.csv"
	timeout -k 5 60 qts bus sub --server "$U" --durable d --count 4 md >/dev/null
	run --separate-stderr -1 timeout -k 5 60 qts bus sub --server "$U" --durable d --from-seq 2 md
	[ "$stderr" = "qts-bus sub: --durable d: the consumer exists (acknowledged to stream sequence 4); --from-seq and --from apply to a new one (--reset deletes it)" ]
	timeout -k 5 60 qts bus sub --server "$U" --durable d --reset --from-seq 9 md >"$D/got.csv"
	tail -n +9 "$D/a.csv" | cmp - "$D/got.csv"
	timeout -k 5 60 qts bus sub --server "$U" --durable d --reset md >"$D/all.csv"
	cmp "$D/a.csv" "$D/all.csv"
}

# ---- core NATS ----------------------------------------------------------------------

@test "bus: --core: no JetStream; a running subscriber gets what is published" {
	orders >"$D/orders.csv"
	qts bus sub --server "$U" --core --heartbeat 20ms live >"$D/got.csv" &
	echo $! >"$D/sub.pid"
	wait_lines "$D/got.csv" 1 # subscribed: its loop runs
	timeout -k 5 60 qts bus pub --server "$U" --core live "$D/orders.csv"
	wait_pid sub
	grep -v '^system,.*heartbeat' "$D/got.csv" | cmp - "$D/orders.csv"
}

# ---- the stage runtime: signals, metrics, heartbeats ------------------------------------

@test "bus: SIGTERM ends a waiting subscriber with 143; --heartbeat and --metrics go on while it waits" {
	qts bus sub --server "$U" --durable w --heartbeat 20ms --metrics "$D/sub.prom" quiet >"$D/got.csv" &
	echo $! >"$D/sub.pid"
	wait_lines "$D/got.csv" 2
	grep -q '^system,.*,qts-bus-sub,info,heartbeat in=0 out=0 delivered=0 written=0 acked_seq=0 redelivered=0 late=0$' "$D/got.csv"
	kill -TERM "$(cat "$D/sub.pid")"
	rc=0
	wait_pid sub || rc=$?
	[ "$rc" -eq 143 ]
	grep -q '^qts_uptime_seconds{stage="qts-bus-sub"}' "$D/sub.prom"
}

# ---- errors ---------------------------------------------------------------------------

@test "bus: no server: retried with backoff, then exit 1 naming the server" {
	port=$(free_port)
	run --separate-stderr -1 timeout -k 5 60 qts bus sub --server "nats://u:secret@127.0.0.1:$port" --retries 2 md
	[ "${stderr_lines[0]}" = "qts-bus sub: nats://***@127.0.0.1:$port: connect: no server answered; retrying with backoff" ]
	[ "${stderr_lines[1]}" = "qts-bus sub: nats://***@127.0.0.1:$port: connect: no server answered; gave up after 3 attempts" ]
	[[ "$output" != *secret* ]]
	run --separate-stderr -1 timeout -k 5 60 qts bus pub --server "nats://127.0.0.1:$port" --retries 0 md "$FIX/sim/acme-bars.csv"
	[[ "$stderr" == *"qts-bus pub: $FIX/sim/acme-bars.csv:"*": nats://127.0.0.1:$port: connect: no server answered; gave up after 1 attempt" ]]
}

@test "bus: a server without JetStream: said, exit 1" {
	stop_nats
	PORT=$(free_port)
	run_nats "$PORT" || skip "no free port"
	run --separate-stderr -1 timeout -k 5 60 qts bus pub --server "nats://127.0.0.1:$PORT" --retries 1 md "$FIX/sim/acme-bars.csv"
	[ "$stderr" = "qts-bus pub: $FIX/sim/acme-bars.csv:2: nats://127.0.0.1:$PORT: stream QTS_MD for subject md: no responders (is JetStream on? nats-server -js; or --core)" ]
}

@test "bus: a stream of the default name made for another subject (md.x and md_x are both QTS_MD_X) is said, exit 1, not published to for ever" {
	timeout -k 5 60 qts bus pub --server "$U" md.x "$FIX/sim/acme-bars.csv"
	run --separate-stderr -1 timeout -k 5 60 qts bus pub --server "$U" md_x "$FIX/sim/acme-bars.csv"
	[ "$stderr" = "qts-bus pub: $FIX/sim/acme-bars.csv:2: $U: stream QTS_MD_X is for subject md.x, not md_x: name another with --stream" ]
	run --separate-stderr -1 timeout -k 5 60 qts bus sub --server "$U" --count 1 md_x
	[ "$stderr" = "qts-bus sub: $U: stream QTS_MD_X is for subject md.x, not md_x: name another with --stream" ]
	# a stream whose subjects take the subject is used, whatever its name
	run -0 timeout -k 5 60 qts bus sub --server "$U" --stream QTS_MD_X --count 1 md.x
	[ "${#lines[@]}" -eq 1 ]
	run --separate-stderr -1 timeout -k 5 60 qts bus sub --server "$U" --stream QTS_MD_X --count 1 'md.*'
	[[ "$stderr" == *"stream QTS_MD_X is for subject md.x, not md.*: name another with --stream" ]]
}

@test "bus: a message that is not an event: exit 1 naming its stream sequence" {
	qts-fetch --seed 1 --count 3 synth:A | timeout -k 5 60 qts bus pub --server "$U" --no-end md
	# a raw publish (the NATS text protocol) of bytes that are no event:
	# a msgpack array cut short
	python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.recv(4096)
s.sendall(b"CONNECT {\"verbose\":false}\r\nPUB md 2\r\n\x92\xa3\r\nPING\r\n")
while b"PONG" not in s.recv(4096): pass
' "$PORT"
	run --separate-stderr -1 timeout -k 5 60 qts bus sub --server "$U" md
	[ "${#lines[@]}" -eq 4 ] # the three events, then the error event
	[[ "$stderr" == "qts-bus sub: md: stream sequence 4: "* ]]
}

@test "bus: usage errors exit 2 with a message" {
	u=nats://127.0.0.1:1
	# the ones whose message is not checked below
	for args in "pub a..b" "pub --dedup-window x md" "pub --core --stream S md" "pub --retries -1 md" \
		"sub 'a b'" "sub --from-seq 0 md" "sub --batch 0 md" "sub --batch 4097 md" "sub --count 0 md" \
		"sub --heartbeat 0 md" "pub --bogus md"; do
		eval "run --separate-stderr -2 qts bus $args"
		[[ "$stderr" == *usage:* ]]
	done
	run --separate-stderr -2 qts bus sub --from-seq 1 --from 2024-01-01 md
	[ "${stderr_lines[0]}" = "qts-bus sub: --from-seq and --from: one starting point" ]
	run --separate-stderr -2 qts bus sub --reset md
	[ "${stderr_lines[0]}" = "qts-bus sub: --reset: deletes a --durable consumer; none named" ]
	run --separate-stderr -2 qts bus sub --core --durable d md
	[ "${stderr_lines[0]}" = "qts-bus sub: --core: no JetStream, so no --stream, --durable, --from-seq, --from or --reset" ]
	run --separate-stderr -2 qts bus pub --core --dedup-window 1m md
	[ "${stderr_lines[0]}" = "qts-bus pub: --core: no JetStream, so no --stream or --dedup-window" ]
	run --separate-stderr -2 qts bus pub 'md.*'
	[ "${stderr_lines[0]}" = "qts-bus pub: 'md.*' is not a subject to publish to (tokens separated by dots, no blanks or wildcards)" ]
	run --separate-stderr -2 qts bus sub 'md.>.x'
	[ "${stderr_lines[0]}" = "qts-bus sub: 'md.>.x' is not a subject (tokens separated by dots, no blanks; * and > as whole tokens, > last)" ]
	run --separate-stderr -2 qts bus sub a b
	[ "${stderr_lines[0]}" = "qts-bus sub: one SUBJECT: 'b' is one too many" ]
	run --separate-stderr -2 qts bus sub --durable a.b md
	[ "${stderr_lines[0]}" = "qts-bus sub: --durable: 'a.b' is not a consumer name (no dots, wildcards, blanks or slashes)" ]
	run --separate-stderr -2 qts bus pub --stream a.b md
	[ "${stderr_lines[0]}" = "qts-bus pub: --stream: 'a.b' is not a stream name (no dots, wildcards, blanks or slashes)" ]
	run --separate-stderr -2 qts bus pub --id= md
	[ "${stderr_lines[0]}" = "qts-bus pub: --id: a prefix of 1 to 64 bytes" ]
	run --separate-stderr -2 qts bus pub --dedup-window 0 md
	[ "${stderr_lines[0]}" = "qts-bus pub: --dedup-window: '0' is not a positive duration (2m, 1h)" ]
	run --separate-stderr -2 qts bus sub --from yesterday md
	[ "${stderr_lines[0]}" = "qts-bus sub: --from: 'yesterday' is not a time (RFC 3339 or YYYY-MM-DD)" ]
	run --separate-stderr -2 qts bus sub --from 1600-01-01 md
	[ "${stderr_lines[0]}" = "qts-bus sub: --from: '1600-01-01' is out of range: qts times run from 1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z (int64 nanoseconds since the epoch)" ]
	run --separate-stderr -2 timeout -k 5 60 qts bus pub --server= md
	[ "${stderr_lines[0]}" = "qts-bus pub: --server: an empty URL" ]
	run --separate-stderr -2 qts bus pub md.x --retries x
	[[ "${stderr_lines[0]}" == "qts-bus pub: --retries: "*" (or forever)" ]]
	run --separate-stderr -2 qts bus frob
	[ "${stderr_lines[0]}" = "qts-bus: 'frob': pub or sub?" ]
	run --separate-stderr -2 qts bus
	[ "${stderr_lines[0]}" = "qts-bus: pub or sub?" ]
	run --separate-stderr -2 qts bus pub
	[ "${stderr_lines[0]}" = "qts-bus pub: no SUBJECT given" ]
}

@test "bus: --help and --version" {
	run -0 qts-bus --help
	[[ "${lines[0]}" == "usage: qts-bus pub [options] SUBJECT [FILE...]"* ]]
	# every option of both commands, on one page
	for c in pub sub; do
		[[ "$output" == *"$(qts-bus $c --help)"* ]]
	done
	run -0 qts-bus -h
	[ "$output" = "$(qts-bus --help)" ]
	run -0 qts-bus --version
	[[ "$output" =~ ^qts-bus\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	for c in pub sub; do
		run -0 qts-bus $c --help
		[[ "${lines[0]}" == "usage: qts-bus $c [options] SUBJECT"* ]]
		run -0 qts-bus $c --version
		[[ "$output" == "qts-bus $c "* ]]
	done
	run -0 qts --help
	[[ "$output" == *"qts bus pub|sub"*"(runs qts-bus)"* ]]
	run -0 qts help
	[[ "$output" == *$'\n  bus\n'* ]]
}

@test "bus: qts bus runs qts-bus: the same output, messages and status" {
	for args in --help --version "pub --help" "sub --version"; do
		run -0 qts bus $args
		[ "$output" = "$(qts-bus $args)" ]
	done
	run -2 --separate-stderr qts bus frob
	a=$stderr
	run -2 --separate-stderr qts-bus frob
	[ "$stderr" = "$a" ]
	[[ "$stderr" == "qts-bus: 'frob': pub or sub?"$'\n'"usage: qts-bus "* ]]
	# a whole run: published by one, read back by the other
	qts-fetch --seed 1 --count 10 synth:A >"$D/a.csv"
	timeout -k 5 60 qts bus pub --server "$U" md "$D/a.csv"
	timeout -k 5 60 qts-bus sub --server "$U" md | cmp - "$D/a.csv"
}

@test "bus: every option of pub and sub --help is in qts-bus(1) and both completions of qts-bus" {
	TOP=$BATS_TEST_DIRNAME/..
	for c in pub sub; do
		for o in $(qts-bus $c --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			grep -qE -- "(\\\\-|Fl Fl |Fl -)${o#--}( |$)" "$TOP/man/qts-bus.1" || { echo "$o not in qts-bus.1"; false; }
			grep -q -- "$o" "$TOP/completions/bash/qts-bus" || { echo "$o not in bash completion"; false; }
			grep -q -- "$o" "$TOP/completions/zsh/_qts-bus" || { echo "$o not in zsh completion"; false; }
		done
	done
	run -0 bash -c "source '$TOP/completions/bash/qts-bus'; COMP_WORDS=(qts-bus sub --dur); COMP_CWORD=2; _qts_bus; echo \"\${COMPREPLY[*]}\""
	[ "$output" = "--durable" ]
	# qts bus hands over to qts-bus's completion, as for every qts-NAME
	run -0 bash -c "source '$TOP/completions/bash/qts-bus'; source '$TOP/completions/bash/qts'
		COMP_WORDS=(qts bus sub --dur); COMP_CWORD=3; _qts; echo \"\${COMPREPLY[*]}\""
	[ "$output" = "--durable" ]
	run -0 bash -c "source '$TOP/completions/bash/qts'; COMP_WORDS=(qts bu); COMP_CWORD=1; _qts; echo \"\${COMPREPLY[*]}\""
	[ "$output" = "bus" ]
}

@test "bus: the server configuration of examples/scaling/nats.md is valid for nats-server" {
	sed -n '/^```conf$/,/^```$/p' "$BATS_TEST_DIRNAME/../examples/scaling/nats.md" | sed '1d;$d' >"$D/qts.conf"
	grep -q '^jetstream {' "$D/qts.conf"
	QTS_NATS_PASSWORD=x run -0 nats-server -c "$D/qts.conf" -t
}

# tests/run suppresses leaks inside libnats (tests/lsan.supp) and nothing
# else: a leak libnats makes is hidden, a program's own is still reported.
@test "the leak suppression hides libnats' leaks only" {
	[ -n "$LSAN_OPTIONS" ] || skip "run by tests/run, which names tests/lsan.supp"
	printf '%s\n' '#include <nats/nats.h>' '#include <stdlib.h>' \
		'void *volatile kept;' \
		'int main(int argc, char **argv) {' \
		'	(void)argv;' \
		'	natsMsg *m;' \
		'	if (natsMsg_Create(&m, "s", NULL, "x", 1) != NATS_OK) return 3;' \
		'	m = NULL; /* lost: a leak inside libnats */' \
		'	if (argc > 1) { kept = malloc(64); kept = NULL; } /* a leak of the program itself */' \
		'	return 0;' \
		'}' >"$D/leak.c"
	cc -g -fsanitize=address -o "$D/leak" "$D/leak.c" -lnats 2>"$D/cc.err" || skip "no AddressSanitizer here: $(head -1 "$D/cc.err")"
	run "$D/leak"
	[ "$status" -eq 0 ]
	[[ "$output" != *"detected memory leaks"* ]]
	run "$D/leak" own
	[ "$status" -ne 0 ]
	[[ "$output" == *"detected memory leaks"* ]]
	[[ "$output" == *"64 byte(s) leaked"* ]]
}
