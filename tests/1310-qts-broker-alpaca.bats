#!/usr/bin/env bats
# qts-broker alpaca against tests/fakes/alpaca_trading.py on 127.0.0.1
# (only the base URL changes): orders, targets and cancels over Alpaca's
# REST API, updates and fills from the trade_updates stream (binary
# frames), faults of every kind, and the journal across a SIGKILL, each
# order and each fill counted on the server's side.

load helper

SECRET=S3cr3t-never-shown-7d1e
KEY=PKTESTBROKER42

setup() {
	cd "$BATS_TEST_TMPDIR"
	export APCA_API_KEY_ID=$KEY APCA_API_SECRET_KEY=$SECRET QTS_NET_BACKOFF_MS=10
	unset QTS_ALPACA_STREAM_URL
}

teardown() {
	exec 7>&- 2>/dev/null || true
	[ -n "${broker_pid:-}" ] && kill -KILL "$broker_pid" 2>/dev/null
	[ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null
	wait 2>/dev/null || true
}

# fake CONFIG-JSON-FIELDS: start the fake with the keys and these fields.
fake() {
	printf '{"key":"%s","secret":"%s"%s}\n' "$KEY" "$SECRET" "${1:+,$1}" >cfg.json
	python3 "$BATS_TEST_DIRNAME/fakes/alpaca_trading.py" cfg.json port log &
	fake_pid=$!
	for _ in $(seq 200); do
		[ -s port ] && break
		sleep 0.05
	done
	[ -s port ]
	export QTS_ALPACA_URL=http://127.0.0.1:$(cat port)
}

# stat EXPR: a Python expression over the fake's counts (s), printed.
stat() {
	python3 -c 'import json,sys; s=json.load(open("log.stats")); print(eval(sys.argv[1]))' "$1"
}

# wait_for FILE PATTERN [COUNT]: until FILE has COUNT lines matching
# PATTERN, for at most 20 s.
wait_for() {
	for _ in $(seq 400); do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null || true)" -ge "${3:-1}" ] 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no '$2' (x${3:-1}) in $1:" >&2
	cat "$1" >&2
	return 1
}

# broker ARGS...: qts-broker alpaca reading the fifo `in` (written by
# `send`), writing out.csv and err.txt.
broker() {
	rm -f in
	mkfifo in
	qts-broker alpaca "$@" <in >out.csv 2>err.txt &
	broker_pid=$!
	exec 7>in
}

send() {
	printf '%s\n' "$@" >&7
}

# done_: the input ends; the broker's status in $status.
done_() {
	exec 7>&-
	status=0
	wait "$broker_pid" || status=$?
	broker_pid=
}

# filled ID: the quantity qts-broker reported filled for ID (its fills).
filled() {
	cat out*.csv | awk -F, -v id="$1" '$1 == "fill" && $4 == id { q += $6 } END { print q + 0 }'
}

# positions_agree FILE: every position event holds exactly the fills
# written before it (from flat): no reader counts a fill twice.
positions_agree() {
	awk -F, '$1 == "fill" { p[$3] += ($5 == "buy" ? $6 : -$6) }
		$1 == "position" && ($4 - p[$3] > 1e-9 || p[$3] - $4 > 1e-9) {
			print "line " NR ": position " $4 " of " $3 ", the fills make " p[$3] + 0; bad = 1 }
		END { exit bad }' "$1"
}

BAR='bar,2024-01-02T14:30:00Z,AAPL,1m,185,186,184,185.5,1000'

@test "alpaca: an order, a target and a cancel; fills from the stream's binary frames, each once" {
	fake '"price":{"AAPL":185.5},"partial":2'
	broker --journal j
	send "$BAR" 'order,2024-01-02T14:31:00Z,AAPL,o-1,buy,10,market,,,day,s'
	wait_for out.csv '^update,.*,o-1,filled,10,185.505,$'
	send 'target,2024-01-02T14:32:00Z,AAPL,25,qty,s'
	wait_for out.csv '^update,.*,s-AAPL-1,filled,15,'
	send 'order,2024-01-02T14:33:00Z,AAPL,o-2,buy,5,limit,100,,gtc,s'
	wait_for out.csv ',o-2,accepted,'
	send 'cancel,2024-01-02T14:34:00Z,AAPL,o-2'
	wait_for out.csv '^update,.*,o-2,canceled,0,,$'
	wait_for out.csv '^position,.*,AAPL,25,'
	done_
	[ "$status" = 0 ]
	# the executions at the fake's prices, 185.5 then 185.51, said at the
	# input's time
	grep -qx 'fill,2024-01-02T14:31:00Z,AAPL,o-1,buy,5,185.5,0,0' out.csv
	grep -qx 'fill,2024-01-02T14:31:00Z,AAPL,o-1,buy,5,185.51,0,0' out.csv
	grep -qx 'update,2024-01-02T14:31:00Z,AAPL,o-1,partial,5,185.5,' out.csv
	grep -q '^update,.*,s-AAPL-1,new,0,,target 25: buy 15 market$' out.csv
	[ "$(filled o-1)" = 10 ] && [ "$(filled s-AAPL-1)" = 15 ] && [ "$(filled o-2)" = 0 ]
	# the server's side: each order created once, each fill reported once
	[ "$(stat 'sorted(s["created"].items())')" = "[('o-1', 1), ('o-2', 1), ('s-AAPL-1', 1)]" ]
	[ "$(stat 's["posts"]["o-1"]')" = 1 ]
	[ "$(stat 'len(s["executions"]["o-1"])')" = 2 ]
	[ "$(grep -c '^fill,' out.csv)" = "$(stat 'sum(len(v) for v in s["executions"].values())')" ]
	[ "$(stat 's["deletes"]')" = "{'o-2': 1}" ]
	grep -q '^WS auth ok$' log
	grep -q '^WS listen trade_updates$' log
	! grep -q 'keys=bad' log || false
	positions_agree out.csv
	# the time order holds: the output reads back
	qts cat out.csv >/dev/null
}

@test "alpaca: the account read ahead of the stream: a position written agrees with the fills written" {
	# the second execution of each order is told 1 s after the account
	# and the positions have it
	fake '"price":{"AAPL":185.5},"partial":2,"stream":{"late":1}'
	broker
	send "$BAR" 'order,2024-01-02T14:31:00Z,AAPL,o-1,buy,10,market,,,day,s'
	wait_for out.csv '^update,.*,o-1,filled,10,'
	send 'target,2024-01-02T14:32:00Z,AAPL,25,qty,s'
	wait_for out.csv '^update,.*,s-AAPL-1,filled,15,'
	wait_for out.csv '^position,.*,AAPL,25,'
	done_
	[ "$status" = 0 ]
	positions_agree out.csv
	[ "$(filled s-AAPL-1)" = 15 ]
	grep -q '^update,.*,s-AAPL-1,new,0,,target 25: buy 15 market$' out.csv
	! grep -q "taking the account's" out.csv || false
}

@test "alpaca: an account that stays apart from the fills written is taken as it is, with a warning" {
	# the second execution is told long after the test: only the account has it
	fake '"price":{"AAPL":185.5},"partial":2,"stream":{"late":600}'
	broker
	send "$BAR" 'order,2024-01-02T14:31:00Z,AAPL,o-1,buy,10,market,,,day,s'
	wait_for out.csv "alpaca: AAPL: the account holds 10, the fills written make 5; taking the account's"
	wait_for out.csv '^position,.*,AAPL,10,'
	done_
	[ "$status" = 0 ]
	[ "$(filled o-1)" = 5 ]
	# the warning comes after five reads of the account, a second apart
	[ "$(grep -c '^position,' out.csv)" = 1 ]
}

@test "alpaca: a rejection is an update with Alpaca's reason; the account and positions at start" {
	fake '"reject":{"TSLA":"insufficient buying power"},"positions":{"MSFT":7},"price":{"MSFT":400}'
	broker
	send 'order,2024-01-02T14:31:00Z,TSLA,r-1,buy,10,market,,,day,s'
	wait_for out.csv ',r-1,rejected,'
	done_
	[ "$status" = 0 ]
	grep -qx 'update,2024-01-02T14:31:00Z,TSLA,r-1,rejected,0,,"alpaca: insufficient buying power (HTTP 403, code 40310000)"' out.csv
	# learnt at start, written at the time of the first input event
	grep -qx 'position,2024-01-02T14:31:00Z,MSFT,7,400,2800,0,0' out.csv
	grep -qx 'equity,2024-01-02T14:31:00Z,100000,102800,2800,2800,0,0' out.csv
	[ "$(stat 's["created"]')" = "{}" ]
}

@test "alpaca: 429 with Retry-After and 500 are retried; an answer lost after the order was taken: adopted, not sent twice" {
	fake '"price":185.5,"faults":[{"match":"GET /v2/account","status":429,"retry_after":0},{"match":"GET /v2/positions","status":500},{"match":"POST /v2/orders","drop_after_accept":true}]'
	broker
	send 'order,2024-01-02T14:31:00Z,AAPL,d-1,buy,3,market,,,day,s'
	wait_for out.csv ',d-1,filled,3,'
	done_
	[ "$status" = 0 ]
	[ "$(stat 's["posts"]["d-1"]')" = 2 ]
	[ "$(stat 's["created"]["d-1"]')" = 1 ]
	[ "$(filled d-1)" = 3 ]
	grep -q '^DROP after accepting d-1$' log
	grep -q '^GET /v2/orders:by_client_order_id?client_order_id=d-1 keys=ok$' log
	[ "$(grep -c '^GET /v2/account' log)" -ge 2 ]
}

@test "alpaca: an id Alpaca says is taken (422) but does not find (404) is looked up again, then in doubt and reconciled: never rejected, its fill reported" {
	NF='{"match":"GET /v2/orders:by_client_order_id","status":404}'
	# two lookups not found: the third, 0.6 s later, finds it
	fake '"price":30,"faults":[{"match":"POST /v2/orders","drop_after_accept":true},'"$NF,$NF"']'
	broker
	send 'order,2024-01-02T14:31:00Z,AAPL,k-1,buy,10,market,,,day,s'
	wait_for out.csv ',k-1,filled,10,'
	done_
	[ "$status" = 0 ]
	[ "$(grep -c ',k-1,rejected,' out.csv || true)" = 0 ]
	[ "$(filled k-1)" = 10 ]
	[ "$(grep -c 'by_client_order_id?client_order_id=k-1' log)" = 3 ]
	# never found in four lookups: in doubt, the broker down, and the
	# order found by the reconciliation when it is back
	kill "$fake_pid"
	wait "$fake_pid" || true
	rm -f port log log.stats
	fake '"price":30,"faults":[{"match":"POST /v2/orders","drop_after_accept":true},'"$NF,$NF,$NF,$NF"']'
	broker
	send 'order,2024-01-02T14:31:00Z,AAPL,k-2,buy,10,market,,,day,s'
	wait_for out.csv ',k-2,filled,10,'
	done_
	[ "$status" = 0 ]
	[ "$(grep -c ',k-2,rejected,' out.csv || true)" = 0 ]
	[ "$(filled k-2)" = 10 ]
	[ "$(stat "s['created']['k-2']")" = 1 ]
	grep -q 'order k-2: no answer from the broker (alpaca: order k-2: Alpaca has its client_order_id, yet does not find it)' out.csv
}

@test "alpaca: --alpaca-timeout: a slow answer is given up and the order asked again, once at Alpaca" {
	fake '"price":185.5,"faults":[{"match":"POST /v2/orders","slow":2}]'
	broker --alpaca-timeout 500ms
	send 'order,2024-01-02T14:31:00Z,AAPL,t-1,sell,4,market,,,day,s'
	wait_for out.csv ',t-1,filled,4,'
	done_
	[ "$status" = 0 ]
	[ "$(stat 's["created"]["t-1"]')" = 1 ]
	[ "$(filled t-1)" = 4 ]
	grep -qx 'position,.*,AAPL,-4,185.5,-742,0,0' out.csv
	run -2 --separate-stderr qts-broker alpaca --alpaca-timeout 50ms </dev/null
	[[ "$stderr" == "qts-broker: --alpaca-timeout: '50ms' is not a duration from 100ms to 10m"* ]]
	run -2 --separate-stderr qts-broker alpaca --alpaca-timeout 11m </dev/null
	[[ "$stderr" == "qts-broker: --alpaca-timeout: '11m' is not a duration from 100ms to 10m"* ]]
	# --help needs no keys
	unset APCA_API_KEY_ID APCA_API_SECRET_KEY
	run -0 qts-broker alpaca --help
	[[ "$output" == *"  alpaca: Alpaca's trading API, paper by default"* ]]
	[[ "$output" == *"--alpaca-timeout DURATION"*"the longest a request to Alpaca may take (10s)"* ]]
}

@test "alpaca: updates twice and out of order: every fill once, no status back" {
	fake '"price":50,"partial":3,"stream":{"duplicate":true,"reverse":true}'
	broker
	for i in 1 2 3; do
		send "order,2024-01-02T14:3$i:00Z,AAPL,u-$i,buy,9,market,,,day,s"
	done
	for i in 1 2 3; do wait_for out.csv ",u-$i,filled,9,"; done
	done_
	[ "$status" = 0 ]
	for i in 1 2 3; do
		[ "$(filled u-$i)" = 9 ]
		# nothing of an order after its final update
		[ "$(grep ",u-$i," out.csv | tail -1 | cut -d, -f5)" = filled ]
	done
	[ "$(stat 's["updates_sent"]')" -ge 18 ]
}

@test "alpaca: the stream drops: connected again, and what it missed polled; every fill once" {
	fake '"price":20,"partial":2,"stream":{"drop_after":2}'
	broker
	for i in 1 2 3 4; do
		send "order,2024-01-02T14:3$i:00Z,AAPL,p-$i,buy,6,market,,,day,s"
		wait_for out.csv ",p-$i,accepted,"
	done
	for i in 1 2 3 4; do wait_for out.csv ",p-$i,filled,6,"; done
	done_
	[ "$status" = 0 ]
	for i in 1 2 3 4; do [ "$(filled p-$i)" = 6 ] && [ "$(stat "s['created']['p-$i']")" = 1 ]; done
	[ "$(stat 's["connections"]')" -ge 2 ]
	grep -q '^GET /v2/orders?status=all' log
	grep -q 'qts-broker: .*alpaca: the server closed the stream\|qts-broker,warn,alpaca: .*polling until it is back' out.csv
}

@test "alpaca: no stream at all: updates by polling" {
	fake '"price":20,"stream":{"refuse":true}'
	broker
	send 'order,2024-01-02T14:31:00Z,AAPL,n-1,buy,2,market,,,day,s'
	wait_for out.csv ',n-1,filled,2,'
	done_
	[ "$status" = 0 ]
	grep -q '^system,.*,qts-broker,warn,alpaca: the stream ws://127.0.0.1:[0-9]*/stream: the server refused the Upgrade: HTTP/1.[01] 404 .*; polling until it is back$' out.csv
	[ "$(filled n-1)" = 2 ]
}

@test "alpaca: keys refused or missing: the broker is down, orders rejected, the keys never shown" {
	fake '"price":20'
	APCA_API_SECRET_KEY=wrong-$SECRET run -0 --separate-stderr qts-broker alpaca \
		<<<'order,2024-01-02T14:31:00Z,AAPL,k-1,buy,2,market,,,day,s'
	grep -q '^update,.*,k-1,rejected,0,,"broker down: alpaca: the account: request is not authorized (HTTP 401, code 40110000) (the keys in APCA_API_KEY_ID and APCA_API_SECRET_KEY)"$' <<<"$output"
	[[ $stderr != *"$SECRET"* && $output != *"$SECRET"* ]]
	unset APCA_API_KEY_ID
	run -0 --separate-stderr qts-broker alpaca <<<'order,2024-01-02T14:31:00Z,AAPL,k-2,buy,2,market,,,day,s'
	grep -q '^update,.*,k-2,rejected,0,,broker down: alpaca: APCA_API_KEY_ID not set: trading needs the keys of the account (paper or live) in APCA_API_KEY_ID and APCA_API_SECRET_KEY$' <<<"$output"
	[ "$(stat 's["created"]')" = "{}" ]
	# the broker's warnings are of level warn, as every stage's, and counted
	grep -q '^system,.*,qts-broker,warn,broker down: alpaca: APCA_API_KEY_ID not set' <<<"$output"
	run -0 qts-broker alpaca --metrics m.prom <<<'order,2024-01-02T14:31:00Z,AAPL,k-3,buy,2,market,,,day,s'
	grep -qx 'qts_warnings_total{stage="qts-broker"} 1' m.prom
}

@test "alpaca: SIGKILL mid-stream and a restart with the same journal: no order sent twice, every fill reported once" {
	fake '"price":30,"partial":2'
	for i in $(seq 1 8); do
		echo "order,2024-01-02T14:$((30 + i)):00Z,AAPL,j-$i,buy,$i,market,,,day,s"
	done >orders.csv
	broker --journal j
	head -4 orders.csv | while read -r l; do send "$l"; done
	wait_for out.csv ',j-4,filled,'
	send "$(sed -n 5p orders.csv)"
	wait_for out.csv ',j-5,accepted,'
	kill -KILL "$broker_pid"
	wait "$broker_pid" || true
	broker_pid=
	exec 7>&-
	mv out.csv out1.csv
	# the whole input again: what was sent is not sent again, what was
	# filled meanwhile is reported from the broker's figures
	broker --journal j
	while read -r l; do send "$l"; done <orders.csv
	for i in $(seq 1 8); do # filled in the first run, or the second
		for _ in $(seq 400); do
			grep -q ",j-$i,filled,$i," out1.csv out.csv && break
			sleep 0.05
		done
	done
	done_
	[ "$status" = 0 ]
	for i in $(seq 1 8); do
		[ "$(stat "s['posts']['j-$i']")" = 1 ]
		[ "$(stat "s['created']['j-$i']")" = 1 ]
		[ "$(filled j-$i)" = "$i" ]
		[ "$(stat "s['filled']['j-$i']")" = "$i.0" ]
	done
}

@test "alpaca: SIGKILL after a restart has reconciled, before its first input event: the fill it holds back is reported by the next start, not lost" {
	fake '"price":30'
	ORDER='order,2024-01-02T14:31:00Z,AAPL,k-1,buy,10,market,,,day,s'
	broker --journal j
	send "$ORDER"
	wait_for j "$(printf '^s\tk-1\t#')"
	kill -KILL "$broker_pid"
	wait "$broker_pid" || true
	broker_pid=
	exec 7>&-
	for _ in $(seq 200); do # filled at Alpaca while qts-broker is down
		[ "$(stat "s['filled'].get('k-1', 0)")" = 10.0 ] && break
		sleep 0.05
	done
	# started again on a live input that says nothing yet: the order is
	# looked up and found filled, and its fill held until the first
	# event dates it; the journal says nothing of it meanwhile
	broker --journal j
	wait_for log 'by_client_order_id?client_order_id=k-1'
	sleep 0.5
	[ "$(grep -c "$(printf '^[ef]\tk-1')" j)" = 0 ]
	kill -KILL "$broker_pid"
	wait "$broker_pid" || true
	broker_pid=
	exec 7>&-
	mv out.csv out2.csv
	broker --journal j
	send "$ORDER"
	done_
	[ "$status" = 0 ]
	[ "$(filled k-1)" = 10 ]
	grep -q ',k-1,filled,10,30,reconciled with the broker$' out.csv
	grep -q "$(printf '^e\tk-1\tfilled\t#')" j
	[ "$(stat "s['created']['k-1']")" = 1 ]
}

@test "alpaca: an order filled while qts-broker restarts, after it read the positions: the account is read again after its fill, and a target replayed does not buy again" {
	# filled 1 s after it is taken
	fake '"price":30,"fill_delay":1.0'
	printf '%s\n' "$BAR" 'target,2024-01-02T14:31:00Z,AAPL,100,qty,t' >in.csv
	broker --journal j
	send "$(cat in.csv)"
	wait_for j "$(printf '^s\tt-AAPL-1\t#')"
	kill -KILL "$broker_pid"
	wait "$broker_pid" || true
	broker_pid=
	exec 7>&-
	# the restart's list of open orders takes 1.5 s (the fake reads its
	# configuration on each request): the fill comes after the positions
	# are read at connect, before the journaled order is looked up
	printf '{"key":"%s","secret":"%s","price":30,"fill_delay":1.0,"faults":[{"match":"GET /v2/orders?status=open","slow":1.5}]}\n' \
		"$KEY" "$SECRET" >cfg.json
	broker --journal j
	send "$(cat in.csv)"
	sleep 3 # time for a second order, were one sent
	done_
	[ "$status" = 0 ]
	[ "$(stat "s['created'].get('t-AAPL-2', 0)")" = 0 ]
	[ "$(stat "s['created']['t-AAPL-1']")" = 1 ]
	# its fill, then the account read again: the position holds it
	[ "$(filled t-AAPL-1)" = 100 ]
	grep -q '^position,.*,AAPL,100,' out.csv
	positions_agree out.csv
}

@test "alpaca: --state, and a position closed at Alpaca while qts-broker is down: the list without it is a position of 0, and a target buys from flat" {
	fake '"price":10'
	printf '%s\n' "$BAR" 'target,2024-01-02T14:31:00Z,AAPL,30,qty,s' >in.csv
	broker --journal j --state S
	send "$(cat in.csv)"
	wait_for out.csv ',s-AAPL-1,filled,30,'
	done_
	[ "$status" = 0 ]
	[ -s S ]
	mv out.csv out1.csv
	# sold elsewhere meanwhile: Alpaca's list of positions no longer has
	# AAPL at all
	python3 -c 'import os, urllib.request as u
r = u.Request(os.environ["QTS_ALPACA_URL"] + "/v2/orders", method="POST", headers={
    "APCA-API-KEY-ID": os.environ["APCA_API_KEY_ID"], "APCA-API-SECRET-KEY": os.environ["APCA_API_SECRET_KEY"],
    "Content-Type": "application/json"}, data=b"{\"symbol\":\"AAPL\",\"qty\":\"30\",\"side\":\"sell\",\"type\":\"market\",\"time_in_force\":\"day\",\"client_order_id\":\"elsewhere-1\"}")
u.urlopen(r, timeout=10).read()'
	for _ in $(seq 200); do
		[ "$(stat "s['filled'].get('elsewhere-1', 0)")" = 30.0 ] && break
		sleep 0.05
	done
	[ "$(stat "s['filled'].get('elsewhere-1', 0)")" = 30.0 ]
	# restored, the stage held 30: the read at connect sets it to 0, said
	# as a position event before the target, which then buys 25, not
	# sells 5
	broker --journal j --state S
	send "$(cat in.csv)" 'target,2024-01-02T14:32:00Z,AAPL,25,qty,s'
	wait_for out.csv ',s-AAPL-2,filled,'
	done_
	[ "$status" = 0 ]
	grep -q '^position,.*,AAPL,0,' out.csv
	[ "$(grep -n '^position,.*,AAPL,0,' out.csv | head -1 | cut -d: -f1)" -lt "$(grep -n '^target,.*,AAPL,25,' out.csv | cut -d: -f1)" ]
	grep -q ',s-AAPL-2,new,0,,target 25: buy 25 market$' out.csv
	[ "$(filled s-AAPL-2)" = 25 ]
	[ "$(stat "s['created'].get('s-AAPL-3', 0)")" = 0 ]
}

@test "alpaca: a whole live pipeline with test keys: the keys nowhere but in Alpaca's headers" {
	fake '"price":{"ORCL-2014":40,"NVDA-2014":20},"partial":2'
	qts-fetch "$DATA/orcl-2014.txt" | head -60 >orcl.csv
	qts-fetch --pace 100000000 orcl.csv 2>fetch.err |
		qts-strategy --metrics strat.prom sma-cross fast=3 slow=8 size=10 2>strat.err |
		qts-risk --max-position 100 2>risk.err |
		qts-broker alpaca --journal j --metrics broker.prom --heartbeat 50ms >out.csv 2>err.txt
	grep -q '^fill,.*,ORCL-2014,' out.csv
	[ "$(stat 'sum(s["created"].values())')" = "$(stat 'len(s["created"])')" ]
	for f in out.csv err.txt fetch.err strat.err risk.err j broker.prom strat.prom log log.stats; do
		! grep -qF -- "$SECRET" "$f" || false
		! grep -qF -- "$KEY" "$f" || false
	done
	! grep -q 'LEAKED' log || false
	qts cat out.csv >/dev/null
}

@test "alpaca: a stream that hangs up each time it says it listens, the input idle: connected again after doubling waits, each drop said, and said still when stopped before any input" {
	fake '"stream":{"hangup":true}'
	mkfifo in
	# the input open and idle: the stage waits on it and on the stream
	(sleep 6 >in &)
	QTS_NET_BACKOFF_MS=100 timeout -k 5 4 qts-broker alpaca <in >out.csv 2>err.txt || true
	# waits of 100 ms, then 100 ms to 200, 400, 800, 1600 ms... after
	# each drop (full jitter, never under the base): four to eight
	# connections in 4 s as a rule, up to twelve when the draws are
	# short (nine came once in CI); a stage stuck reading its idle input
	# made two, one whose waits began anew at each message forty
	n=$(grep -c '^WS connect' log)
	echo "$n connections" >&2
	[ "$n" -ge 4 ] && [ "$n" -le 12 ]
	# what it learnt before its first input event is not lost at the signal
	grep -q '^equity,' out.csv
	[ "$(grep -c '^system,.*,qts-broker,warn,alpaca: the stream: the server closed the connection; polling until it is back$' out.csv)" -ge 3 ]
	tail -n 1 out.csv | grep -q ',qts-broker,error,stopped by signal 15 (SIGTERM)$'
	# and in time order, as every reader takes a stream
	grep -v ',error,stopped by signal' out.csv | qts cat >/dev/null
}

@test "alpaca: --fallback: with the first endpoint refusing, orders go to the fallback; its circuit is its own" {
	fake '"price":100'
	good=$QTS_ALPACA_URL
	# a port nothing listens on: the kernel's pick for port 0, released
	dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	QTS_ALPACA_URL=http://127.0.0.1:$dead
	broker --fallback "$good"
	send "$BAR" 'order,2024-01-02T14:31:00Z,AAPL,F-1,buy,1,market,,,day,s'
	wait_for out.csv ',F-1,accepted,'
	send 'order,2024-01-02T14:32:00Z,AAPL,F-2,buy,1,market,,,day,s'
	wait_for out.csv ',F-2,accepted,'
	done_
	[ "$status" = 0 ]
	[ "$(stat "s['created']['F-1']")" = 1 ] && [ "$(stat "s['created']['F-2']")" = 1 ]
	! grep -q ',rejected,' out.csv || false
}

@test "alpaca: a cancel that comes after the fill (422, not cancelable): one final update, the refusal a warning, and the account read again" {
	# filled in two executions at once, the stream telling the second
	# only much later: to qts-broker the order still works
	fake '"price":100,"partial":2,"stream":{"late":600}'
	broker
	send "$BAR" 'order,2024-01-02T14:31:00Z,AAPL,C-1,buy,6,market,,,day,s'
	wait_for out.csv '^fill,.*,C-1,buy,3,'
	send 'cancel,2024-01-02T14:31:30Z,AAPL,C-1'
	wait_for out.csv 'qts-broker,warn,"alpaca: cancel C-1 refused: order is not cancelable'
	wait_for out.csv '^position,.*,AAPL,6,'
	done_
	[ "$status" = 0 ]
	[ "$(grep -c ',C-1,filled,' out.csv)" = 1 ]
	[ "$(filled C-1)" = 6 ]
	positions_agree out.csv
}

@test "alpaca: a target's id that an earlier run's order holds (ids start again without a journal) is not taken for it: sent under the next free id, its fills its own" {
	# yesterday's run: s-AAPL-1 and s-AAPL-2 bought 25 and filled, then
	# sold; s-AAPL-3 works still (listed at connect, so skipped unasked)
	fake '"price":{"AAPL":185.5},"orders":[
		{"client_order_id":"s-AAPL-1","symbol":"AAPL","side":"buy","qty":"25","status":"filled","filled_qty":25,"filled_avg_price":180},
		{"client_order_id":"s-AAPL-2","symbol":"AAPL","side":"sell","qty":"25","status":"filled","filled_qty":25,"filled_avg_price":181},
		{"client_order_id":"s-AAPL-3","symbol":"MSFT","side":"buy","qty":"1","status":"new"}]'
	broker
	send "$BAR" 'target,2024-01-02T14:32:00Z,AAPL,25,qty,s'
	wait_for out.csv '^update,.*,s-AAPL-4,filled,25,'
	send 'target,2024-01-02T14:33:00Z,AAPL,30,qty,s'
	wait_for out.csv '^update,.*,s-AAPL-5,filled,5,'
	done_
	[ "$status" = 0 ]
	grep -q '^update,.*,AAPL,s-AAPL-1,rejected,0,,order id s-AAPL-1 is an earlier order.s at the broker: sent as s-AAPL-4$' out.csv
	grep -q '^update,.*,AAPL,s-AAPL-4,new,0,,buy 25 market (first sent as s-AAPL-1)$' out.csv
	# one refused POST, one list of the orders, then no refusal more
	[ "$(grep -c '^POST /v2/orders' log)" = 3 ]
	[ "$(grep -c '^GET /v2/orders?status=all' log)" = 1 ]
	[ "$(stat "s['created']['s-AAPL-4']")" = 1 ] && [ "$(stat "s['created']['s-AAPL-5']")" = 1 ]
	# the earlier run's fills are not this run's
	[ "$(filled s-AAPL-1)" = 0 ] && [ "$(filled s-AAPL-4)" = 25 ] && [ "$(filled s-AAPL-5)" = 5 ]
	! grep -q ',s-AAPL-2,' out.csv || false
	[ "$(filled s-AAPL-3)" = 0 ]
	positions_agree out.csv
}

@test "alpaca: an open order the journal does not hold (an earlier run's without one) is working: a target counts it, a cancel of it is sent, the kill switch cancels it" {
	fake '"price":{"AAPL":100},"positions":{"AAPL":10},"fill":"never","orders":[
		{"client_order_id":"old-1","symbol":"AAPL","side":"buy","qty":"5","status":"new","filled_qty":"0","filled_avg_price":null}]'
	broker
	send 'bar,2024-01-02T14:30:00Z,AAPL,1m,100,100,100,100,1000' 'target,2024-01-02T14:31:00Z,AAPL,30,qty,s'
	# 30 wanted, 10 held, 5 wanted still by old-1: buy 15 (was 20)
	wait_for out.csv '^update,.*,s-AAPL-1,accepted,'
	grep -q '^update,.*,AAPL,s-AAPL-1,new,0,,target 30: buy 15 market$' out.csv
	grep -q '^update,.*,AAPL,old-1,accepted,0,,$' out.csv
	send 'risk,2024-01-02T14:34:00Z,,kill,breach,stop'
	wait_for out.csv '^update,.*,old-1,canceled,'
	wait_for out.csv '^update,.*,s-AAPL-1,canceled,'
	done_
	[ "$status" = 0 ]
	[ "$(grep -c '^DELETE /v2/orders/' log)" = 2 ]
	# a cancel of it by id
	kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; rm -f port log*
	fake '"price":{"AAPL":100},"fill":"never","orders":[
		{"client_order_id":"old-1","symbol":"AAPL","side":"buy","qty":"5","status":"new","filled_qty":"0","filled_avg_price":null}]'
	broker
	send 'bar,2024-01-02T14:30:00Z,AAPL,1m,100,100,100,100,1000' 'cancel,2024-01-02T14:32:00Z,AAPL,old-1'
	wait_for out.csv '^update,.*,old-1,canceled,'
	done_
	[ "$(grep -c '^DELETE /v2/orders/' log)" = 1 ]
}

@test "alpaca: another program's orders on the account, with client_order_ids longer than a qts id (Alpaca takes 128 characters), are left alone, not a failure of the order list" {
	long=$(printf 'other-app-%090d' 7)
	fake '"price":{"AAPL":185.5},"orders":[
		{"client_order_id":"'"$long"'","symbol":"MSFT","side":"buy","qty":"1","status":"new"},
		{"client_order_id":"'"$long"'x","symbol":"MSFT","side":"buy","qty":"2","status":"filled","filled_qty":2,"filled_avg_price":400}]'
	broker
	send "$BAR" 'order,2024-01-02T14:31:00Z,AAPL,o1,buy,10,market,,,day,s'
	wait_for out.csv '^update,.*,o1,filled,10,'
	done_
	[ "$status" = 0 ]
	[ "$(filled o1)" = 10 ]
	! grep -q 'other-app' out.csv err.txt || false
	positions_agree out.csv
}

# Alpaca lists an account's 500 latest orders at most: an earlier run's
# older ids are met only as refusals, one fresh id at a time.  Eight of
# renames and the target's order is refused at the ninth, not sent.
@test "alpaca: a fresh id refused as an earlier order's, and the eight ids after it, ends the order unsent" {
	orders=$(awk 'BEGIN { for (i = 1; i <= 520; i++)
		printf "%s{\"client_order_id\":\"s-AAPL-%d\",\"symbol\":\"AAPL\",\"side\":\"buy\",\"qty\":\"1\",\"status\":\"filled\",\"filled_qty\":1,\"filled_avg_price\":180}", (i > 1 ? "," : ""), i }')
	fake '"price":{"AAPL":185.5},"orders":['"$orders"']'
	broker
	send "$BAR" 'target,2024-01-02T14:32:00Z,AAPL,25,qty,s'
	wait_for out.csv 'as were the ids before it: not sent'
	done_
	[ "$status" = 0 ]
	# s-AAPL-1 renamed as -2, ... -8 as -9, which is refused and not sent
	for i in $(seq 1 8); do
		grep -q "^update,.*,AAPL,s-AAPL-$i,rejected,0,,order id s-AAPL-$i is an earlier order.s at the broker: sent as s-AAPL-$((i + 1))\$" out.csv
	done
	grep -q '^update,.*,AAPL,s-AAPL-9,rejected,0,,"order id s-AAPL-9 is an earlier order.s at the broker, as were the ids before it: not sent"$' out.csv
	[ "$(grep -c '^POST /v2/orders' log)" = 9 ]
	[ "$(stat "len(s['created'])")" = 0 ]
	! grep -q '^fill,' out.csv || false
}

@test "alpaca: heartbeats go on while Alpaca is slow to answer a request" {
	fake '"price":{"AAPL":185.5},"faults":[{"match":"POST /v2/orders","slow":1.5}]'
	broker --heartbeat 100ms
	send "$BAR" 'target,2024-01-02T14:32:00Z,AAPL,25,qty,s'
	wait_for out.csv ',s-AAPL-1,accepted,'
	done_
	[ "$status" = 0 ]
	# between the order's new and its acceptance: 1.5 s of heartbeats
	n=$(awk '/,s-AAPL-1,new,/ { on = 1 } /,s-AAPL-1,accepted,/ { on = 0 } on && /,heartbeat / { n++ } END { print n + 0 }' out.csv)
	echo "$n heartbeats during the request" >&2
	[ "$n" -ge 5 ]
	[ "$(stat "s['created']['s-AAPL-1']")" = 1 ]
	qts cat out.csv > /dev/null
}

@test "alpaca: a journaled order the open list names, whose lookup misses it once (404) at a restart: working still, not ended; the kill switch cancels it" {
	fake '"price":{"AAPL":100},"fill":"never"'
	broker --journal bj
	send 'bar,2024-01-02T14:30:00Z,AAPL,1m,100,100,100,100,1000' 'order,2024-01-02T14:31:00Z,AAPL,o-1,buy,10,limit,90,,gtc,s'
	wait_for out.csv '^update,.*,o-1,accepted,'
	done_
	[ "$status" = 0 ]
	# the next start: Alpaca lists o-1 open, then its lookup answers 404
	printf '{"key":"%s","secret":"%s","price":{"AAPL":100},"fill":"never","faults":[%s]}\n' "$KEY" "$SECRET" \
		'{"match":"GET /v2/orders:by_client_order_id","status":404}' >cfg.json
	mv out.csv out1.csv
	broker --journal bj
	send 'bar,2024-01-02T14:32:00Z,AAPL,1m,100,100,100,100,1000' 'risk,2024-01-02T14:33:00Z,*,kill,breach,stop'
	wait_for out.csv '^update,.*,o-1,canceled,'
	done_
	[ "$status" = 0 ]
	[ "$(grep -c 'by_client_order_id?client_order_id=o-1' log)" -ge 1 ]
	! grep -q 'does not know this order' out.csv
	grep -q '^update,.*,AAPL,o-1,accepted,0,,reconciled with the broker$' out.csv
	[ "$(grep -c '^DELETE /v2/orders/' log)" = 1 ]
	[ "$(stat 's["deletes"]')" = "{'o-1': 1}" ]
	grep -q "^e	o-1	canceled" bj
}

@test "alpaca and ib: --output-journal is a usage error, the output after a restart not the uninterrupted run's; paper takes it" {
	for b in alpaca ib; do
		run -2 --separate-stderr qts-broker "$b" --state S --output-journal J /dev/null
		[[ "$stderr" == *"qts-broker: --output-journal: $b's output after a restart is not the stream a run uninterrupted writes (the broker's news of the time down comes first), so no count of the journal's records says what not to write again: give each run's output a journal of its own"* ]]
		[ ! -e S ] && [ ! -e J ]
	done
	printf '%s\n' 'bar,2024-01-02T14:30:00Z,AAPL,1m,100,100,100,100,1000' > in.csv
	qts-broker paper --state S --output-journal J in.csv > /dev/null
	[ -s S ]
}

@test "alpaca: an input replayed without --state: its emergency stop does not cancel an order sent after the stop was lifted" {
	fake '"price":{"AAPL":100},"fill":"never"'
	printf '%s\n' 'bar,2024-01-02T14:30:00Z,AAPL,1m,100,100,100,100,1000' \
		'order,2024-01-02T14:31:00Z,AAPL,a-1,buy,1,limit,90,,gtc,s' \
		'risk,2024-01-02T14:32:00Z,*,kill,breach,test' \
		'risk,2024-01-02T14:33:00Z,*,kill,resume,test' \
		'order,2024-01-02T14:34:00Z,AAPL,a-2,buy,2,limit,90,,gtc,s' > in.csv
	qts-broker alpaca --journal bj in.csv > out1.csv
	[ "$(stat 's["deletes"]')" = "{'a-1': 1}" ]
	# the same input again (a restart replaying it): nothing sent, a-2 working still
	qts-broker alpaca --journal bj in.csv > out2.csv
	[ "$(stat 's["deletes"]')" = "{'a-1': 1}" ]
	[ "$(stat 's["created"]')" = "{'a-1': 1, 'a-2': 1}" ]
	! grep -q '^update,.*,a-2,canceled' out2.csv
	# a stop that comes after it cancels it
	printf '%s\n' 'risk,2024-01-02T14:35:00Z,*,kill,breach,again' >> in.csv
	qts-broker alpaca --journal bj in.csv > out3.csv
	grep -q '^update,.*,a-2,canceled,' out3.csv
	[ "$(stat 's["deletes"]')" = "{'a-1': 1, 'a-2': 1}" ]
}
