#!/usr/bin/env bats
# qts-broker ib: Interactive Brokers' TWS API against tests/fakes/tws.py, a
# fake TWS on 127.0.0.1 that counts on its side the orders it received and
# the executions it made, and injects faults on demand.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
	export QTS_NET_BACKOFF_MS=10
}

teardown() {
	[ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null
	[ -n "${broker_pid:-}" ] && kill -9 "$broker_pid" 2>/dev/null
	true
}

# fake CONFIG-JSON: start the fake TWS; PORT is its port.
fake() {
	[ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null
	rm -f port
	printf '%s' "$1" >tws.json
	python3 "$BATS_TEST_DIRNAME/fakes/tws.py" tws.json port state.json 2>fake.err &
	fake_pid=$!
	for _ in $(seq 100); do
		[ -s port ] && break
		sleep 0.1
	done
	[ -s port ]
	PORT=$(cat port)
}

# state PYTHON-EXPRESSION: a figure of the fake's state (s).
state() {
	python3 -c 'import json, sys; s = json.load(open("state.json")); print(eval(sys.argv[1]))' "$1"
}

# wait_for REGEX FILE: until a line of FILE matches (10 s at most).
wait_for() {
	for _ in $(seq 100); do
		grep -q "$1" "$2" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "no line '$1' in $2:" >&2
	cat "$2" >&2
	return 1
}

# fills_of ID FILE...: the quantity filled for ID in the streams.
fills_of() {
	local id=$1
	shift
	cat "$@" | awk -F, -v id="$id" '$1 == "fill" && $4 == id { q += $6 } END { print q + 0 }'
}

@test "ib: orders, a cancel and a target through TWS: the account first, fills with their commission" {
	fake '{"positions": {"AAPL": [100, 185.5]}, "netliq": 123456.5, "cash": 100000}'
	cat >in.csv <<-'E'
	order,2024-01-02T14:30:00Z,AAPL,o1,buy,10,market,,,day,s
	order,2024-01-02T14:30:01Z,AAPL,o2,buy,10,limit,99.5,,gtc,s
	cancel,2024-01-02T14:30:02Z,AAPL,o2
	order,2024-01-02T14:30:03Z,AAPL,o3,sell,5,stop,,90,day,s
	order,2024-01-02T14:30:04Z,AAPL,o4,sell,5,stop_limit,89,90,day,s
	target,2024-01-02T14:30:05Z,AAPL,50,qty,t
	E
	run -0 --separate-stderr qts-broker ib --port "$PORT" --client-id 7 --journal j in.csv
	# the position and the account, from reqPositions and reqAccountSummary
	[ "$(sed -n 1p <<<"$output" | cut -d, -f1,3-5)" = "position,AAPL,100,185.5" ]
	[ "$(sed -n 2p <<<"$output" | cut -d, -f1,3-4)" = "equity,100000,123456.5" ]
	# o1 filled at the fake's 100, its commission from the commissionReport
	grep -q '^fill,[^,]*,AAPL,o1,buy,10,100,0.05,0$' <<<"$output"
	grep -q '^update,[^,]*,AAPL,o1,filled,10,100,$' <<<"$output"
	grep -q '^update,[^,]*,AAPL,o2,accepted,0,,$' <<<"$output"
	grep -q '^update,[^,]*,AAPL,o2,canceled,0,,IB 202: Order Canceled - reason:$' <<<"$output"
	grep -q '^update,[^,]*,AAPL,o3,accepted,0,,$' <<<"$output"
	grep -q '^update,[^,]*,AAPL,o4,accepted,0,,$' <<<"$output"
	# the target counts the 110 held and the 10 offered by o3 and o4: sells 50
	grep -q ',t-AAPL-1,new,0,,target 50: sell 50 market$' <<<"$output"
	[ "$(fills_of t-AAPL-1 <<<"$output")" = 50 ]
	# on the fake's side: each order once, one cancel, the layouts as expected
	[ "$(state 's["orders"]')" = "{'o1': 1, 'o2': 1, 'o3': 1, 'o4': 1, 't-AAPL-1': 1}" ]
	[ "$(state 's["cancels"]')" = "{'o2': 1}" ]
	[ "$(state 's["bad"]')" = "[]" ]
	[ "$(state 's["versions_asked"]')" = "['v157..178']" ]
}

@test "ib: a rejection is an update with IB's code and text" {
	fake '{"reject": {"XYZ": [201, "Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION"]}}'
	echo 'order,2024-01-02T14:30:00Z,XYZ,r1,buy,10,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in.csv
	grep -q '^update,[^,]*,XYZ,r1,rejected,0,,IB 201: Order rejected - reason:YOUR ORDER IS NOT ACCEPTED. IN ORDER TO OBTAIN THE DESIRED POSITION$' <<<"$output"
	[ "$(state 's["orders"]["r1"]')" = 1 ]
}

@test "ib: partial fills, every orderStatus twice, then out of order: each fill once, no status back" {
	fake '{"parts": 3, "dup_status": true}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,p1,buy,9,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in.csv
	[ "$(grep -c '^fill,[^,]*,AAPL,p1,buy,3,100,0.015,0$' <<<"$output")" -eq 3 ]
	[ "$(grep -c ',p1,filled,' <<<"$output")" -eq 1 ]
	[ "$(grep ',p1,' <<<"$output" | grep '^update' | tail -1 | cut -d, -f5-6)" = "filled,9" ]
	fake '{"parts": 3, "reorder": true}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,p2,buy,9,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in.csv
	[ "$(fills_of p2 <<<"$output")" = 9 ]
	# Filled came first: the partial statuses after it change nothing
	[ "$(grep '^update,.*,p2,' <<<"$output" | cut -d, -f5 | tr '\n' ' ')" = "filled " ]
	[ "$(state 'len(s["executions"])')" = 3 ]
}

@test "ib: an execution corrected (its execId again with .02 for .01) is one fill, not two" {
	# TWS API, Execution.ExecId: a correction is an ExecId that differs
	# from an earlier one only in the digits after the final period
	fake '{"parts": 2, "correct": true}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,c1,buy,10,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in.csv
	[ "$(state 'len(s["executions"])')" = 4 ]
	[ "$(grep -c '^fill,[^,]*,AAPL,c1,buy,5,100,0.025,0$' <<<"$output")" -eq 2 ]
	[ "$(fills_of c1 <<<"$output")" = 10 ]
	[ "$(grep '^update,.*,c1,' <<<"$output" | tail -1 | cut -d, -f5-6)" = "filled,10" ]
}

@test "ib: the connection drops after an order was taken: reconnected, the fill said once, nothing sent twice" {
	fake '{"drop_after_accept": ["d1"]}'
	cat >in.csv <<-'E'
	order,2024-01-02T14:30:00Z,AAPL,d1,buy,10,market,,,day,s
	order,2024-01-02T14:30:01Z,AAPL,d2,buy,5,market,,,day,s
	E
	mkfifo in
	qts-broker ib --port "$PORT" --journal j in >out 2>err &
	broker_pid=$!
	exec 5>in
	sed -n 1p in.csv >&5
	wait_for 'broker back on' out
	wait_for '^fill,.*,d1,' out
	sed -n 2p in.csv >&5
	wait_for '^fill,.*,d2,' out
	exec 5>&-
	wait "$broker_pid"
	broker_pid=
	[ "$(state 's["connections"]')" -ge 2 ]
	[ "$(state 's["orders"]')" = "{'d1': 1, 'd2': 1}" ]
	[ "$(fills_of d1 out)" = 10 ]
	[ "$(grep -c '^fill,.*,d1,' out)" -eq 1 ]
	grep -q '^fill,[^,]*,AAPL,d1,buy,10,100,0.05,0$' out
	[ "$(fills_of d2 out)" = 5 ]
	grep -q 'broker down: ib: 127.0.0.1:[0-9]*: the server closed the connection' err
}

@test "ib: SIGKILL mid-stream, restart with the same journal: no order sent twice, every fill reported once" {
	fake '{"silent_after_accept": ["k3"]}'
	cat >all.csv <<-'E'
	order,2024-01-02T14:30:00Z,AAPL,k1,buy,10,market,,,day,s
	order,2024-01-02T14:30:01Z,AAPL,k2,buy,10,limit,99,,gtc,s
	order,2024-01-02T14:30:02Z,AAPL,k3,buy,7,market,,,day,s
	E
	mkfifo in
	qts-broker ib --port "$PORT" --journal j in >out1 2>err1 &
	broker_pid=$!
	exec 5>in
	sed -n 1p all.csv >&5
	wait_for '^fill,.*,k1,' out1
	sed -n 2p all.csv >&5
	wait_for '^update,.*,k2,accepted' out1
	# k3 is taken and filled, then TWS says nothing more: killed waiting
	sed -n 3p all.csv >&5
	for _ in $(seq 100); do
		[ "$(state 's["orders"].get("k3", 0)')" = 1 ] && break
		sleep 0.1
	done
	kill -9 "$broker_pid"
	wait "$broker_pid" || true
	broker_pid=
	exec 5>&-
	# the restart reads the same orders again
	run -0 --separate-stderr qts-broker ib --port "$PORT" --journal j all.csv
	echo "$output" >out2
	[ "$(state 's["orders"]')" = "{'k1': 1, 'k2': 1, 'k3': 1}" ]
	# every execution of the fake's is in the output once, in one run or the other
	[ "$(state 'len(s["executions"])')" = 2 ]
	[ "$(fills_of k1 out1 out2)" = 10 ]
	[ "$(fills_of k3 out1 out2)" = 7 ]
	[ "$(cat out1 out2 | grep -c '^fill,')" -eq 2 ]
	grep -q '^update,[^,]*,AAPL,k3,filled,7,100,reconciled with the broker$' out2
	grep -q '^update,[^,]*,AAPL,k2,accepted,0,,reconciled with the broker$' out2
}

@test "ib: a server outside the versions qts speaks is refused, and said" {
	fake '{"version": 150}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,v1,buy,10,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in.csv
	grep -q "qts-broker: the default endpoint: ib: 127.0.0.1:$PORT: server version 150 is outside the range qts speaks: 157..178" <<<"$stderr"
	grep -q '^update,[^,]*,AAPL,v1,rejected,0,,broker down: ib: .*: server version 150 is outside the range qts speaks: 157..178$' <<<"$output"
	[ "$(state 's["orders"]')" = "{}" ]
}

@test "ib: a client id in use is IB's error 326, said" {
	fake '{"client_id_in_use": true}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,c1,buy,10,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" --client-id 3 in.csv
	grep -q 'ib: error 326: Unable to connect as the client id is already in use' <<<"$stderr"
	[ "$(state 's["orders"]')" = "{}" ]
}

@test "ib: --host, --port, --client-id and --account are checked" {
	run -2 --separate-stderr qts-broker ib --port 0 /dev/null
	[[ "$stderr" == "qts-broker: --port: "*"out of range"* ]]
	run -2 --separate-stderr qts-broker ib --port x /dev/null
	[[ "$stderr" == "qts-broker: --port: "* ]]
	run -2 --separate-stderr qts-broker ib --client-id -1 /dev/null
	[[ "$stderr" == "qts-broker: --client-id: "*"out of range"* ]]
	run -2 --separate-stderr qts-broker ib --account A,B /dev/null
	[[ "$stderr" == "qts-broker: --account: \"A,B\" is not an account"* ]]
	run -2 --separate-stderr qts-broker ib --host '' /dev/null
	[[ "$stderr" == "qts-broker: --host: \"\" is not a host name"* ]]
}

@test "ib: --account: orders carry it; the account's figures alone are read" {
	fake '{"account": "DU7654321", "positions": {"MSFT": [3, 370]}}'
	echo 'order,2024-01-02T14:30:00Z,MSFT,a1,buy,1,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" --account DU7654321 in.csv
	grep -q '^position,[^,]*,MSFT,3,370,' <<<"$output"
	grep -q '^fill,[^,]*,MSFT,a1,buy,1,100,' <<<"$output"
	run -0 --separate-stderr qts-broker ib --port "$PORT" --account DU0000000 /dev/null
	! grep -q '^position,' <<<"$output" || false
}

@test "ib: bash completion offers the options of ib alone" {
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts-broker'
		COMP_WORDS=(qts-broker ib --cl); COMP_CWORD=2; _qts_broker; echo \${COMPREPLY[*]}"
	[ "$output" = "--client-id" ]
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts-broker'
		COMP_WORDS=(qts-broker paper --cl); COMP_CWORD=2; _qts_broker; echo \${COMPREPLY[*]}"
	[ "$output" = "--close-at-end" ]
}

@test "ib: TWS's notices: a data farm fine passes over, one broken is a warning" {
	fake '{"notices": [[2104, "Market data farm connection is OK:usfarm"], [2106, "HMDS data farm connection is OK:ushmds"], [2107, "HMDS data farm connection is inactive but should be available upon demand.ushmds"], [2108, "Market data farm connection is inactive but should be available upon demand.usfarm"], [2119, "Market data farm is connecting:usfarm"], [2158, "Sec-def data farm connection is OK:secdefnj"], [2103, "Market data farm connection is broken:usfarm"]]}'
	run -0 --separate-stderr qts-broker ib --port "$PORT" /dev/null
	[ "$(grep -c '^system,' <<<"$output")" -eq 1 ]
	grep -q '^system,[^,]*,qts-broker,warn,ib: error 2103: Market data farm connection is broken:usfarm$' <<<"$output"
}

@test "ib: --fallback HOST:PORT when TWS refuses; back to --port at the next connection" {
	fake '{}'
	# a port nothing listens on: taken from a socket closed at once
	dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	echo 'order,2024-01-02T14:30:00Z,AAPL,f1,buy,10,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$dead" --fallback "127.0.0.1:$PORT" in.csv
	grep -q "qts-broker: the default endpoint: ib: 127.0.0.1:$dead: connect: Connection refused" <<<"$stderr"
	grep -q '^fill,[^,]*,AAPL,f1,buy,10,100,' <<<"$output"
	[ "$(state 's["orders"]')" = "{'f1': 1}" ]
	run -0 --separate-stderr qts-broker ib --port "$PORT" --fallback "127.0.0.1:$dead" in.csv
	[ "$(state 's["orders"]')" = "{'f1': 1}" ]
}

@test "ib: a --fallback that is not HOST:PORT is a usage error (exit 2), before any connection" {
	run -2 --separate-stderr qts-broker ib --port 1 --fallback nope /dev/null
	[[ "$stderr" == 'qts-broker: --fallback: ib: endpoint "nope" is not HOST:PORT'* ]]
	[ -z "$output" ]
}

@test "ib: a position TWS sends before the fill it holds is written after that fill, so that no reader counts the fill twice" {
	fake '{"positions": {"AAPL": [100, 185.5]}, "position_first": true}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,f1,buy,10,market,,,day,s' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in.csv
	# the account's 100 at connect, then the fill, then the 110 that holds it
	[ "$(grep -E '^(position|fill),' <<<"$output" | cut -d, -f1,3,4 | tr '\n' ' ')" = \
		"position,AAPL,100 fill,AAPL,f1 position,AAPL,110 " ]
	! grep -q '^system,.*,warn,' <<<"$output" || false
	# a reader moving the position by fills and setting it by positions ends at 110
	[ "$(awk -F, '$1 == "position" { q = $4 } $1 == "fill" { q += ($5 == "buy" ? $6 : -$6) } END { print q }' <<<"$output")" = 110 ]
}

@test "ib: a position that never agrees with the fills (a trade made elsewhere) is taken after five offers a second apart, with a warning" {
	fake '{"positions": {"AAPL": [100, 185.5]}, "elsewhere": {"AAPL": 5}}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,e1,buy,10,market,,,day,s' >in.csv
	(cat in.csv; sleep 7) | qts-broker ib --port "$PORT" >out.csv 2>err.txt
	grep -q '^fill,[^,]*,AAPL,e1,buy,10,' out.csv
	grep -q '^system,[^,]*,qts-broker,warn,"ib: AAPL: the account holds 115, the fills written make 110; taking the account.s"$' out.csv
	# held back until then: the fill first, the 115 after the warning
	[ "$(grep -E '^(position|fill|system)' out.csv | grep -v ',info,' | cut -d, -f1 | tr '\n' ' ')" = "position fill system position " ]
	[ "$(grep '^position' out.csv | tail -1 | cut -d, -f4)" = 115 ]
	# five offers a second apart: the first when it came, with the fill
	local t0 t1
	t0=$(date -d "$(grep '^fill' out.csv | cut -d, -f2)" +%s.%N)
	t1=$(date -d "$(grep '^system.*,warn,' out.csv | cut -d, -f2)" +%s.%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 3.9 && b - a < 6) }'
}

@test "ib: --state, and a position TWS no longer lists after the restart: a position event of 0, and a target buys from flat" {
	fake '{"positions": {"AAPL": [30, 10]}}'
	printf '%s\n' 'target,2024-01-02T14:30:00Z,AAPL,30,qty,t' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" --journal j --state S in.csv
	grep -q '^position,[^,]*,AAPL,30,' <<<"$output"
	[ -s S ]
	# a new TWS session, on the same port: a position closed on an
	# earlier day is not listed at all
	printf '%s' '{"session_positions": {}}' >tws.json
	printf '%s\n' 'target,2024-01-02T14:31:00Z,AAPL,25,qty,t' >>in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" --journal j --state S in.csv
	grep -q '^position,[^,]*,AAPL,0,' <<<"$output"
	grep -q ',t-AAPL-1,new,0,,target 25: buy 25 market$' <<<"$output"
	[ "$(fills_of t-AAPL-1 <<<"$output")" = 25 ]
}

@test "ib: restarted from a state before its orders (--state, --journal): the targets replayed up to the last order journaled send nothing" {
	fake '{}'
	: >empty.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" --journal j --state S empty.csv
	cp S S.start
	printf '%s\n' 'target,2024-01-02T14:30:00Z,AAPL,10,qty,t' 'target,2024-01-02T14:31:00Z,AAPL,0,qty,t' >in.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" --journal j --state S in.csv
	[ "$(fills_of t-AAPL-1 <<<"$output")" = 10 ]
	[ "$(fills_of t-AAPL-2 <<<"$output")" = 10 ]
	# killed, as it were, before its first checkpoint: the state of its
	# start, the journal with both orders; the input again, and one more
	cp S.start S
	printf '%s\n' 'target,2024-01-02T14:32:00Z,AAPL,5,qty,t' >>in.csv
	mkfifo fifo
	(cat in.csv; sleep 3) >fifo &
	run -0 --separate-stderr qts-broker ib --port "$PORT" --journal j --state S --heartbeat 100ms fifo
	# the two replayed counted as repeats
	grep -q '^system,.*,qts-broker,info,heartbeat in=3 out=[0-9]* broker=ib up sent=1 working=0 refused=0 repeats=2$' <<<"$output"
	[ "$(grep -c ',new,' <<<"$output")" = 1 ]
	grep -q ',t-AAPL-3,new,0,,target 5: buy 5 market$' <<<"$output"
	[ "$(fills_of t-AAPL-3 <<<"$output")" = 5 ]
	[ "$(state 'len(s["orders"])')" = 3 ]
}

@test "ib: a TWS that drops each connection, the input idle: connected again and again, each time said, the stream in time order" {
	fake '{"hangup": true}'
	mkfifo in
	(sleep 6 >in &)
	QTS_NET_BACKOFF_MS=100 timeout -k 5 4 qts-broker ib --port "$PORT" <in >out.csv 2>err.txt || true
	# a stage stuck reading its idle input connected twice
	n=$(state 's["connections"]')
	echo "$n connections" >&2
	[ "$n" -ge 3 ]
	[ "$(grep -c '^system,.*,qts-broker,warn,broker down: ib: 127.0.0.1:[0-9]*: the server closed the connection; orders are rejected until it is back$' out.csv)" -ge 2 ]
	grep -q '^system,.*,qts-broker,warn,broker back on the default endpoint$' out.csv
	grep -v ',error,stopped by signal' out.csv | qts cat >/dev/null
}

@test "ib: an id TWS has from an earlier run today, for another order, is rejected with why, not taken for sent; the same order again is not sent twice" {
	fake '{}'
	echo 'order,2024-01-02T14:30:00Z,AAPL,o1,buy,10,market,,,day,s' >in1.csv
	run -0 qts-broker ib --port "$PORT" in1.csv
	[ "$(state 's["orders"]["o1"]')" = 1 ]
	# a later run without the journal reuses o1 for a sell
	echo 'order,2024-01-03T14:30:00Z,AAPL,o1,sell,3,limit,120,,day,s' >in2.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in2.csv
	grep -qx 'update,[^,]*,AAPL,o1,rejected,0,,order id o1 is taken at IB by another order of today (buy 10 AAPL)' <<<"$output"
	[ "$(state 's["orders"]["o1"]')" = 1 ]
	# the same order under its id: IB has it; not sent again, nor rejected
	run -0 --separate-stderr qts-broker ib --port "$PORT" in1.csv
	! grep -q ',o1,rejected,' <<<"$output" || false
	[ "$(state 's["orders"]["o1"]')" = 1 ]
}

@test "ib: a target's id that an order of an earlier run today holds (ids start again without a journal) is skipped: the order goes out under the next, its fills its own" {
	fake '{}'
	echo 'target,2024-01-02T14:30:00Z,AAPL,10,qty,t' >in1.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in1.csv
	[ "$(fills_of t-AAPL-1 <<<"$output")" = 10 ]
	# a later run without the journal: a target that buys 10 more, the
	# same order as t-AAPL-1's
	echo 'target,2024-01-02T15:30:00Z,AAPL,20,qty,t' >in2.csv
	run -0 --separate-stderr qts-broker ib --port "$PORT" in2.csv
	grep -q ',t-AAPL-2,new,0,,target 20: buy 10 market$' <<<"$output"
	[ "$(fills_of t-AAPL-2 <<<"$output")" = 10 ]
	! grep -q ',t-AAPL-1,' <<<"$output" || false
	[ "$(state 's["orders"]["t-AAPL-1"]')" = 1 ] && [ "$(state 's["orders"]["t-AAPL-2"]')" = 1 ]
	grep -q '^position,[^,]*,AAPL,20,' <<<"$output"
}
