#!/usr/bin/env bats
# qts-fetch and Alpaca's market data API v2, against tests/fakes/alpaca.py
# on 127.0.0.1 (only the base URLs change): the REST bars, page after
# page, and --live, the WebSocket stream with its reconnects.  The bars
# are AAPL's of Alpaca's own answers (daily bars stamped at midnight New
# York, 05:00Z in winter, 04:00Z in summer).

load helper

SECRET=S3cr3t-never-shown-9f2c

setup() {
	cd "$BATS_TEST_TMPDIR"
	export APCA_API_KEY_ID=PKTEST123 APCA_API_SECRET_KEY=$SECRET QTS_NET_BACKOFF_MS=10
	unset QTS_ALPACA_FEED
}

teardown() {
	[ -n "${live_pid:-}" ] && kill -KILL "$live_pid" 2>/dev/null
	[ -n "${fake_pid:-}" ] && kill "$fake_pid" 2>/dev/null
	wait 2>/dev/null || true
}

# fake CONFIG-JSON [CERT KEY]: start the fake with that configuration
# (over TLS with a certificate).
fake() {
	printf '%s\n' "$1" >cfg.json
	python3 "$BATS_TEST_DIRNAME/fakes/alpaca.py" cfg.json port log "${@:2}" &
	fake_pid=$!
	for _ in $(seq 100); do
		[ -s port ] && break
		sleep 0.05
	done
	[ -s port ]
	export QTS_ALPACA_DATA_URL=http://127.0.0.1:$(cat port)
	export QTS_ALPACA_STREAM_URL=ws://127.0.0.1:$(cat port)/v2/iex
}

# january_fails: AAPL's daily bars of January 2024 from the fake, no cache,
# a run that fails (bounded, should the pages never end).
january_fails() {
	run -1 --separate-stderr timeout -k 5 30 qts-fetch --from 2024-01-01 --to 2024-01-31 --no-cache alpaca:AAPL --tf 1d
}

# wait_for FILE PATTERN [COUNT]: until FILE has COUNT lines matching
# PATTERN, for at most 15 s.
wait_for() {
	for _ in $(seq 300); do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null || true)" -ge "${3:-1}" ] 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no '$2' (x${3:-1}) in $1:" >&2
	cat "$1" >&2
	return 1
}

# live ARGS...: qts-fetch --live in the background, out.csv and err.txt.
live() {
	qts-fetch --live "$@" >out.csv 2>err.txt &
	live_pid=$!
}

# stop: SIGTERM, and its status in $status.
stop() {
	kill -TERM "$live_pid"
	status=0
	wait "$live_pid" || status=$?
	live_pid=
}

DAILY='{"AAPL":[
 {"t":"2024-01-02T05:00:00Z","o":187.15,"h":188.44,"l":183.885,"c":185.64,"v":82488674,"n":1009074,"vw":185.9465},
 {"t":"2024-01-03T05:00:00Z","o":184.22,"h":185.88,"l":183.43,"c":184.25,"v":58414460},
 {"t":"2024-01-04T05:00:00Z","o":182.15,"h":183.0872,"l":180.88,"c":181.91,"v":71983570},
 {"t":"2024-01-05T05:00:00Z","o":181.99,"h":182.76,"l":180.17,"c":181.18,"v":62303315},
 {"t":"2024-01-08T05:00:00Z","o":182.085,"h":185.6,"l":181.5,"c":185.56,"v":59144470},
 {"t":"2024-07-01T04:00:00Z","o":212.09,"h":217.51,"l":211.92,"c":216.75,"v":60402929}]}'

MINUTES='{"AAPL":[
 {"t":"2024-01-09T14:30:00Z","o":1,"h":1,"l":1,"c":1,"v":10},
 {"t":"2024-01-09T14:31:00Z","o":2,"h":2,"l":2,"c":2,"v":20},
 {"t":"2024-01-09T14:32:00Z","o":3,"h":3,"l":3,"c":3,"v":30},
 {"t":"2024-01-09T14:33:00Z","o":4,"h":4,"l":4,"c":4,"v":40},
 {"t":"2024-01-09T14:34:00Z","o":5,"h":5,"l":5,"c":5,"v":50}]}'

bar() { # bar MINUTE VALUE: a stream message with one minute bar of AAPL
	printf '[{"T":"b","S":"AAPL","o":%s,"h":%s,"l":%s,"c":%s,"v":%s0,"t":"2024-01-09T14:%s:00Z","n":1,"vw":%s}]' \
		"$2" "$2" "$2" "$2" "$2" "$1" "$2"
}

@test "alpaca: pages followed to the last, one stream in time order, daily bars dated by their day" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":2,"bars":'"$DAILY"'}'
	run -0 --separate-stderr timeout -k 5 30 qts-fetch --live --from 2024-01-01 --to 2024-07-31 alpaca:AAPL --tf 1d
	[ "$output" = "bar,2024-01-02T00:00:00Z,AAPL,1d,187.15,188.44,183.885,185.64,82488674
bar,2024-01-03T00:00:00Z,AAPL,1d,184.22,185.88,183.43,184.25,58414460
bar,2024-01-04T00:00:00Z,AAPL,1d,182.15,183.0872,180.88,181.91,71983570
bar,2024-01-05T00:00:00Z,AAPL,1d,181.99,182.76,180.17,181.18,62303315
bar,2024-01-08T00:00:00Z,AAPL,1d,182.085,185.6,181.5,185.56,59144470
bar,2024-07-01T00:00:00Z,AAPL,1d,212.09,217.51,211.92,216.75,60402929" ]
	[ "$(grep -c '^GET /v2/stocks/AAPL/bars?timeframe=1Day&start=2024-01-01T00:00:00Z&end=2024-08-01T00:00:00Z&limit=10000&adjustment=raw.* keys=ok$' log)" = 3 ]
	grep -q 'page_token=Mg%3D%3D keys=ok' log
	grep -q 'page_token=NA%3D%3D keys=ok' log
	! grep -q 'WS connect' log || false # --to in the past: the history is all
}

@test "alpaca: --tf and --adjust are Alpaca's timeframe and adjustment, --from/--to its start and end" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","bars":'"$MINUTES"'}'
	run -0 --separate-stderr timeout -k 5 30 qts-fetch --live -a --tf 1m --from 2024-01-09T14:31:00Z --to 2024-01-09T14:33:00Z alpaca:AAPL
	# --to is inclusive, as for every source
	[ "$output" = "bar,2024-01-09T14:31:00Z,AAPL,1m,2,2,2,2,20
bar,2024-01-09T14:32:00Z,AAPL,1m,3,3,3,3,30
bar,2024-01-09T14:33:00Z,AAPL,1m,4,4,4,4,40" ]
	grep -q 'timeframe=1Min&start=2024-01-09T14:31:00Z&end=2024-01-09T14:33:00.000000001Z&limit=10000&adjustment=all ' log
	run -0 --separate-stderr timeout -k 5 30 qts-fetch --live --feed sip --tf 4h --from 2024-01-09 --to 2024-01-10 alpaca:AAPL
	grep -q 'timeframe=4Hour&.*&adjustment=raw&feed=sip ' log
}

@test "alpaca: a timeframe Alpaca has not is a usage error" {
	run -2 --separate-stderr qts-fetch --live --tf 2d --from 2024-01-02 --to 2024-01-03 alpaca:AAPL
	[[ $stderr == *"qts-fetch: alpaca:AAPL: --tf 2d: alpaca serves 1m-59m,1h-23h,1d,1w,1M,2M,3M,4M,6M,12M"* ]]
}

@test "alpaca: 429 with Retry-After and 500 are retried; the keys are never printed" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","rest_faults":[{"status":429,"retry_after":0},{"status":500}],"bars":'"$DAILY"'}'
	run -0 --separate-stderr timeout -k 5 30 qts-fetch --live --from 2024-01-01 --to 2024-01-04 alpaca:AAPL --tf 1d
	[ "${#lines[@]}" = 3 ]
	[ "$(grep -c '^GET ' log)" = 3 ]
	[ "$(grep -c 'keys=ok' log)" = 3 ] # in the headers, every time
	! grep -q LEAKED log || false                 # never in the URL
}

@test "alpaca: the rate-limit headers on every answer (X-RateLimit-Reset) hold back a retry only when the quota is spent, not after a 500" {
	# Alpaca's answers all carry X-RateLimit-Limit, -Remaining and -Reset
	# (the epoch second the quota is renewed): a 500 with quota left is
	# asked again after the backoff, not at the minute's renewal
	fake '{"key":"PKTEST123","secret":"'$SECRET'","rate_headers":{"reset":60},"rest_faults":[{"status":500}],"bars":'"$DAILY"'}'
	t0=$(date +%s)
	run -0 --separate-stderr timeout -k 5 40 qts-fetch --no-cache --from 2024-01-01 --to 2024-01-04 alpaca:AAPL --tf 1d
	[ "${#lines[@]}" = 3 ]
	[ $(( $(date +%s) - t0 )) -lt 20 ]
	# a 429 with the quota spent waits for its renewal, no Retry-After given
	kill "$fake_pid"
	rm -f port
	fake '{"key":"PKTEST123","secret":"'$SECRET'","rate_headers":{"reset":60},"rest_faults":[{"status":429,"remaining":0,"reset":3}],"bars":'"$DAILY"'}'
	t0=$(date +%s%N)
	run -0 --separate-stderr timeout -k 5 40 qts-fetch --no-cache --from 2024-01-01 --to 2024-01-04 alpaca:AAPL --tf 1d
	[ "${#lines[@]}" = 3 ]
	[ $(( ($(date +%s%N) - t0) / 1000000 )) -ge 1500 ]
}

@test "alpaca: retries spent: the source, the URL and the last failure, exit 1, no key shown" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","rest_fail":500}'
	run -1 --separate-stderr timeout -k 5 30 qts-fetch --live --from 2024-01-01 --to 2024-01-04 alpaca:AAPL --tf 1d
	[[ $stderr == *"qts-fetch: alpaca: http://127.0.0.1:"*"/v2/stocks/AAPL/bars?timeframe=1Day&start=2024-01-01T00:00:00Z&end=2024-01-05T00:00:00Z&limit=10000&adjustment=raw: HTTP 500 (after 5 attempts)"* ]]
	[ "$(grep -c '^GET ' log)" = 5 ]
	[[ $stderr$output != *"$SECRET"* ]]
}

@test "alpaca: wrong keys: 401 said with the variables to check, the secret never shown" {
	fake '{"key":"PKTEST123","secret":"another","bars":'"$DAILY"'}'
	run -1 --separate-stderr timeout -k 5 30 qts-fetch --live --from 2024-01-01 --to 2024-01-04 alpaca:AAPL --tf 1d
	[[ $stderr == *"qts-fetch: alpaca: AAPL: HTTP 401 (unauthorized.): the keys in APCA_API_KEY_ID and APCA_API_SECRET_KEY were refused"* ]]
	[[ $stderr$output != *"$SECRET"* ]]
	grep -q 'keys=wrong' log
}

@test "alpaca: a redirect is followed with the keys within the origin only; to another host or port it fails, the keys kept back" {
	mkdir b
	(cd b && printf '{}\n' >cfg.json && exec python3 "$BATS_TEST_DIRNAME/fakes/alpaca.py" cfg.json port log) &
	other_pid=$!
	for _ in $(seq 100); do
		[ -s b/port ] && break
		sleep 0.05
	done
	fake '{"key":"PKTEST123","secret":"'$SECRET'","bars":'"$DAILY"',"redirects":{
	 "OLD":"/v2/stocks/AAPL/bars?{query}",
	 "AWAY":"http://localhost:'"$(cat b/port)"'/v2/stocks/AAPL/bars?{query}"}}'
	run -0 --separate-stderr timeout -k 5 30 qts-fetch --from 2024-01-01 --to 2024-01-04 --tf 1d alpaca:OLD
	[ "${#lines[@]}" = 3 ]
	grep -q '^GET /v2/stocks/AAPL/bars?.* keys=ok$' log
	run -1 --separate-stderr timeout -k 5 30 qts-fetch --from 2024-01-01 --to 2024-01-04 --tf 1d alpaca:AWAY
	kill "$other_pid"
	[[ $stderr == *"/v2/stocks/AWAY/bars?"*": HTTP 302 redirects to another origin (http://localhost:$(cat b/port)): not followed with the request's keys (after 1 attempt)"* ]]
	[ "$(grep -c '^GET /v2/stocks/AWAY/' log)" = 1 ] # not asked again
	[ ! -e b/log ]                                    # nothing went there
}

@test "alpaca: no keys: a clear error, exit 1, nothing asked" {
	unset APCA_API_SECRET_KEY
	run -1 --separate-stderr qts-fetch --live alpaca:AAPL
	[ "$stderr" = "qts-fetch: alpaca: APCA_API_SECRET_KEY not set: Alpaca's market data needs the keys of an account (a free one will do) in APCA_API_KEY_ID and APCA_API_SECRET_KEY" ]
	unset APCA_API_KEY_ID
	run -1 --separate-stderr qts-fetch --live alpaca:AAPL
	[[ $stderr == "qts-fetch: alpaca: APCA_API_KEY_ID and APCA_API_SECRET_KEY not set: "* ]]
}

@test "alpaca: bars that go back in time across pages fail the source, none dropped unseen" {
	# 2024-01-04 after 2024-01-05, on the next page
	swapped=$(echo "$DAILY" | python3 -c 'import json, sys; d = json.load(sys.stdin); b = d["AAPL"]; b[2], b[3] = b[3], b[2]; print(json.dumps(d))')
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":3,"bars":'"$swapped"'}'
	january_fails
	[ "$stderr" = "qts-fetch: alpaca:AAPL: the answer goes back in time: a bar at 2024-01-04T00:00:00Z after one at 2024-01-05T00:00:00Z" ]
}

@test "alpaca: a page that names itself as the next fails, rather than being asked for forever" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":2,"stuck_token":true,"bars":'"$DAILY"'}'
	january_fails
	[ "$stderr" = 'qts-fetch: alpaca: AAPL: page 2: "next_page_token" is the token it was asked with: the pages would never end' ]
	[ "$(grep -c '^GET /v2/stocks/AAPL/bars' log)" = 2 ]
}

@test "alpaca: a bar repeated where a page begins, at other prices, fails the source as on one page" {
	# page 2 opens with 2024-01-03 again
	dup=$(echo "$DAILY" | python3 -c 'import json, sys; d = json.load(sys.stdin); b = d["AAPL"]; b.insert(2, dict(b[1], o=50, h=51, l=49, c=50)); print(json.dumps(d))')
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":2,"bars":'"$dup"'}'
	january_fails
	[ "$stderr" = "qts-fetch: alpaca:AAPL: the answer repeats the bar at 2024-01-03T00:00:00Z" ]
	[ "$(grep -c 'page_token=' log)" = 1 ]
	python3 -c 'import json; c=json.load(open("cfg.json")); c["page_size"]=10; json.dump(c, open("cfg.json","w"))'
	january_fails
	[ "$stderr" = "qts-fetch: alpaca:AAPL: the answer repeats the bar at 2024-01-03T00:00:00Z" ]
}

@test "alpaca: pages whose tokens go round (A, B, A...) fail at the first token asked for before" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":2,"cycle_tokens":true,"bars":'"$DAILY"'}'
	january_fails
	[ "$stderr" = 'qts-fetch: alpaca: AAPL: page 4: "next_page_token" is the token page 3 was asked with: the pages would never end' ]
	[ "$(grep -c '^GET /v2/stocks/AAPL/bars' log)" = 4 ]
	grep -q 'page_token=A ' log && grep -q 'page_token=B ' log
}

@test "alpaca: the cache keeps each feed's bars apart (QTS_ALPACA_FEED, --feed)" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","bars":'"$DAILY"'}'
	run -0 env QTS_ALPACA_FEED=iex qts-fetch --from 2024-01-01 --to 2024-01-05 alpaca:AAPL
	run -0 env QTS_ALPACA_FEED=sip qts-fetch --from 2024-01-01 --to 2024-01-05 alpaca:AAPL
	run -0 qts-fetch --from 2024-01-01 --to 2024-01-05 alpaca:AAPL
	[ "$(grep -c '&feed=iex ' log)" = 1 ] && [ "$(grep -c '&feed=sip ' log)" = 1 ]
	[ "$(grep -c '^GET /v2/stocks/AAPL/bars' log)" = 3 ]
	# asked again, each from its own entry
	run -0 env QTS_ALPACA_FEED=sip qts-fetch --from 2024-01-01 --to 2024-01-05 alpaca:AAPL
	[ "$(grep -c '^GET /v2/stocks/AAPL/bars' log)" = 3 ]
	# a tenth field names the feed of the entries fetched with one
	run -0 qts-fetch --cache-list alpaca
	[ "${#lines[@]}" = 3 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -f1-3,9- | sort)" = "alpaca	AAPL	1d	raw
alpaca	AAPL	1d	raw	iex
alpaca	AAPL	1d	raw	sip" ]
	[ -e "$XDG_CACHE_HOME/qts/alpaca/AAPL.1d.sip.qtc" ]
}

@test "alpaca: a page that is not JSON fails naming the page, exit 1" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":2,"rest_faults":[],"bars":'"$DAILY"'}'
	python3 -c 'import json; c=json.load(open("cfg.json")); c["rest_faults"]=[{"malformed":True}]; json.dump(c, open("cfg.json","w"))'
	run -1 --separate-stderr timeout -k 5 30 qts-fetch --live --from 2024-01-01 --to 2024-01-04 alpaca:AAPL --tf 1d
	[[ $stderr == *"qts-fetch: alpaca: AAPL: page 1: not JSON: "* ]]
	[[ $output == "system,"*",qts-fetch,error,alpaca: AAPL: page 1: not JSON: "* ]] # and no bar
}

@test "alpaca --live: bars, trades and quotes become events as they come; the subscription names them" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":[
	 [{"T":"b","S":"AAPL","o":185.1,"h":185.3,"l":185,"c":185.2,"v":1200,"t":"2024-01-09T14:30:00Z","n":30,"vw":185.2}],
	 [{"T":"t","S":"AAPL","i":1,"x":"V","p":185.21,"s":100,"t":"2024-01-09T14:31:00.208123456Z","c":["@"],"z":"C"},
	  {"T":"q","S":"MSFT","bx":"V","bp":370.1,"bs":2,"ax":"V","ap":370.14,"as":3,"t":"2024-01-09T14:31:00.5Z","c":["R"],"z":"C"}],
	 [{"T":"u","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2024-01-09T14:30:00Z"}]],"then":"stay"}]}'
	live --live-types bars,trades,quotes alpaca:AAPL alpaca:MSFT
	wait_for out.csv '^quote,'
	stop
	[ "$status" = 143 ]
	[ "$(sed -n 1,3p out.csv)" = "bar,2024-01-09T14:30:00Z,AAPL,1m,185.1,185.3,185,185.2,1200
tick,2024-01-09T14:31:00.208123456Z,AAPL,185.21,100
quote,2024-01-09T14:31:00.500Z,MSFT,370.1,370.14,2,3" ]
	[ "$(sed -n 4p out.csv)" = "system,2024-01-09T14:31:00.500Z,qts-fetch,error,stopped by signal 15 (SIGTERM)" ]
	[ "$(wc -l <out.csv)" = 4 ]
	grep -q '^WS auth ok$' log
	grep -q '^WS subscribe {"bars":\["AAPL","MSFT"\],"quotes":\["AAPL","MSFT"\],"trades":\["AAPL","MSFT"\]}$' log
	[[ "$(cat err.txt out.csv)" != *"$SECRET"* ]]
}

@test "alpaca --live: the bars since --from first, then the stream, each bar once" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","bars":'"$MINUTES"',"sessions":[{"messages":['"$(bar 34 5),$(bar 35 6)"'],"then":"stay"}]}'
	live --from 2024-01-09T14:32:00Z alpaca:AAPL
	wait_for out.csv 'T14:35:00Z'
	stop
	[ "$(cut -d, -f2,5 out.csv | sed -n 1,4p)" = "2024-01-09T14:32:00Z,3
2024-01-09T14:33:00Z,4
2024-01-09T14:34:00Z,5
2024-01-09T14:35:00Z,6" ]
	grep -q '^WS subscribe {"bars":\["AAPL"\],"quotes":\[\],"trades":\[\]}$' log
}

@test "alpaca --live: a dropped stream is connected again, subscribed again, and its gap filled from REST" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":2,"bars":'"$MINUTES"',"sessions":[
	 {"messages":['"$(bar 30 1),$(bar 31 2)"'],"then":"drop"},
	 {"messages":['"$(bar 35 6)"'],"then":"stay"}]}'
	live alpaca:AAPL
	wait_for out.csv 'T14:35:00Z'
	stop
	[ "$status" = 143 ]
	[ "$(cut -d, -f2,5 out.csv | sed -n 1,6p)" = "2024-01-09T14:30:00Z,1
2024-01-09T14:31:00Z,2
2024-01-09T14:32:00Z,3
2024-01-09T14:33:00Z,4
2024-01-09T14:34:00Z,5
2024-01-09T14:35:00Z,6" ]
	[ "$(grep -c '^WS subscribe' log)" = 2 ]
	grep -q '^GET /v2/stocks/AAPL/bars?timeframe=1Min&start=2024-01-09T14:32:00Z&end=.* keys=ok$' log
	grep -q 'qts-fetch: alpaca: the stream: the server closed the connection; connecting again' err.txt
}

@test "alpaca --live: a gap that cannot be filled is a system event at warn level" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","rest_fail":500,"sessions":[
	 {"messages":['"$(bar 30 1)"'],"then":"drop"},
	 {"messages":['"$(bar 35 6)"'],"then":"stay"}]}'
	live --live-types bars,trades alpaca:AAPL
	wait_for out.csv 'T14:35:00Z'
	stop
	grep -q '^system,2024-01-09T14:30:00Z,qts-fetch,warn,alpaca: AAPL: 1m bars from 2024-01-09T14:31:00Z to 20[-0-9T:]*Z not filled after the stream dropped: HTTP 500 (after 5 attempts)$' out.csv
	grep -q '^system,2024-01-09T14:30:00Z,qts-fetch,warn,alpaca: trades from 20[-0-9T:]*Z to 20[-0-9T:]*Z lost while the stream was down$' out.csv
	[ "$(grep -c '^bar,' out.csv)" = 2 ]
}

@test "alpaca --live: a stream that drops, or says 500, soon after each subscription is connected again after a doubling wait, not in a storm" {
	for then in '"then":"drop"' '"messages":[[{"T":"error","code":500,"msg":"internal error"}]],"then":"stay"'; do
		rm -f port log
		fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$(bar 30 1)"'],"then":"drop"},{'"$then"'}]}'
		rc=0
		QTS_NET_BACKOFF_MS=100 timeout -k 5 3 qts-fetch --live alpaca:AAPL >out.csv 2>err.txt || rc=$?
		[ "$rc" = 124 ] # still connecting again when timeout ended it
		# waits of 50 to 100 ms, then 100 to 200, 200 to 400, 400 to 800,
		# 800 to 1600: six connections in 3 s at the most, however fast
		n=$(grep -c '^WS connect' log)
		echo "$then: $n connections" >&2
		[ "$n" -ge 2 ] && [ "$n" -le 7 ]
		kill "$fake_pid"
		wait "$fake_pid" 2>/dev/null || true
	done
}

@test "alpaca --live: an event exactly at -u is written and ends the run" {
	m() { printf '[{"T":"b","S":"AAPL","o":%s,"h":%s,"l":%s,"c":%s,"v":1,"t":"2099-01-05T14:%s:00Z"}]' $2 $2 $2 $2 $1; }
	# nothing comes after it: the run ends on it, not on a later one
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$(m 30 1),$(m 31 2)"'],"then":"stay"}]}'
	run -0 --separate-stderr timeout -k 5 20 qts-fetch --live -u 2099-01-05T14:31:00Z alpaca:AAPL
	[ "$output" = "bar,2099-01-05T14:30:00Z,AAPL,1m,1,1,1,1,1
bar,2099-01-05T14:31:00Z,AAPL,1m,2,2,2,2,1" ]
}

@test "alpaca --live: a frame qts refuses (not UTF-8, a reserved bit, over 16 MiB) is said as qts closing the stream, not the server" {
	for f in 'utf8 1007 a text message that is not UTF-8' \
		 'rsv 1002 a frame that breaks the protocol (reserved bits, opcode, masking or fragments)' \
		 'big 1009 a message larger than 16 MiB'; do
		set -- $f
		rm -f port log
		fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":[],"fault":"'$1'","then":"stay"}]}'
		live alpaca:AAPL
		wait_for err.txt 'connecting again'
		stop
		grep -qF "qts-fetch: alpaca: qts closed the stream (code $2): the server sent ${*:3}; connecting again" err.txt
		! grep -q 'the server closed' err.txt || false
		kill "$fake_pid"
		wait "$fake_pid" 2>/dev/null || true
	done
}

@test "alpaca --live: a silent stream (no pong either) is found out and connected again" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","bars":{},"sessions":[
	 {"messages":['"$(bar 30 1)"'],"then":"silent"},
	 {"messages":['"$(bar 31 2)"'],"then":"stay"}]}'
	live --silence 300ms alpaca:AAPL
	wait_for out.csv 'T14:31:00Z'
	stop
	grep -q 'qts-fetch: alpaca: the stream: nothing heard for 0.3 s (--silence); connecting again' err.txt
	[ "$(grep -c '^WS connect' log)" -ge 2 ]
	[ "$(grep -c '^bar,' out.csv)" = 2 ]
}

@test "alpaca --live: a quiet stream that answers pings is not silent" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":[],"then":"stay"}]}'
	live --silence 200ms alpaca:AAPL
	wait_for log '^WS ping' 4
	stop
	[ "$(grep -c '^WS connect' log)" = 1 ]
	! grep -q 'nothing heard' err.txt || false
}

@test "alpaca --live: keys refused: a clear error, exit 1, the secret never shown" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","auth":"fail"}'
	run -1 --separate-stderr timeout -k 5 30 qts-fetch --live alpaca:AAPL
	[[ $stderr == *"qts-fetch: alpaca: the stream refused the keys: 402 auth failed (the keys in APCA_API_KEY_ID and APCA_API_SECRET_KEY)"* ]]
	[[ $stderr$output != *"$SECRET"* ]]
	[ "$(grep -c '^WS connect' log)" = 1 ]
}

@test "alpaca --live: 406 connection limit exceeded is tried again" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[
	 {"error":[406,"connection limit exceeded"]},
	 {"messages":['"$(bar 30 1)"'],"then":"stay"}]}'
	live alpaca:AAPL
	wait_for out.csv '^bar,'
	stop
	grep -q 'the stream said 406 connection limit exceeded; trying again (attempt 2)' err.txt
}

@test "alpaca --live: a message that is not JSON is dropped with a warning; the stream goes on" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":["[{\"T\":\"b\",", '"$(bar 31 2)"'],"then":"stay"}]}'
	live alpaca:AAPL
	wait_for out.csv '^bar,'
	stop
	grep -q 'qts-fetch: alpaca: a stream message dropped: not JSON: ' err.txt
	[ "$(grep -c '^bar,' out.csv)" = 1 ]
}

@test "alpaca --live: live events are validated (--on-bad)" {
	msgs='[{"T":"t","S":"AAPL","p":1,"s":1,"t":"2024-01-09T14:31:00Z"}],[{"T":"t","S":"AAPL","p":0,"s":1,"t":"2024-01-09T14:31:30Z"}]'
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$msgs"'],"then":"stay"}]}'
	run -1 --separate-stderr timeout -k 5 30 qts-fetch --live --live-types trades alpaca:AAPL
	[ "$stderr" = "qts-fetch: alpaca: a trade price must be a positive number" ]
	[ "${lines[0]}" = "tick,2024-01-09T14:31:00Z,AAPL,1,1" ]
	# warn: kept, said (the reader of a stage takes it)
	live --live-types trades --on-bad warn alpaca:AAPL
	wait_for out.csv '^tick,' 2
	stop
	[ "$status" = 143 ]
	grep -qxF 'qts-fetch: alpaca: a trade price must be a positive number' err.txt
}

@test "alpaca --live: a bar the stream sends late, after a later one, is dropped and said, not unseen" {
	late='[{"T":"b","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2024-01-09T14:31:00Z"}],[{"T":"b","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2024-01-09T14:30:00Z"}]'
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$late"'],"then":"stay"}]}'
	live alpaca:AAPL
	wait_for err.txt 'late event dropped'
	stop
	[ "$status" = 143 ]
	[ "$(grep -v '^system,' out.csv)" = "bar,2024-01-09T14:31:00Z,AAPL,1m,1,1,1,1,1" ]
	grep -qF 'qts-fetch: alpaca: 1 late event dropped; the first: AAPL 1m bar at 2024-01-09T14:30:00Z, after a bar ending at 2024-01-09T14:32:00Z' err.txt
}

@test "alpaca --live: SIGTERM ends it at once with whole records, exit 143" {
	msgs=$(for m in 30 31 32 33 34 35 36 37 38 39; do printf '%s,' "$(bar $m 1)"; done)
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"${msgs%,}"'],"then":"stay"}]}'
	live alpaca:AAPL
	wait_for out.csv '^bar,' 10
	stop
	[ "$status" = 143 ]
	[ "$(wc -l <out.csv)" = 11 ]
	[ "$(awk -F, 'NF != 9' out.csv)" = "system,2024-01-09T14:40:00Z,qts-fetch,error,stopped by signal 15 (SIGTERM)" ]
	grep -q '^WS close$' log # said goodbye
}

@test "alpaca --live: wss:// through TLS, the server's certificate verified" {
	command -v openssl >/dev/null || skip "no openssl to make a certificate"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2 -subj /CN=localhost \
		-addext subjectAltName=DNS:localhost 2>/dev/null
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$(bar 30 1)"'],"then":"stay"}]}' cert.pem key.pem
	export QTS_ALPACA_STREAM_URL=wss://localhost:$(cat port)/v2/iex
	SSL_CERT_FILE=cert.pem live alpaca:AAPL
	wait_for out.csv '^bar,'
	stop
	[ "$status" = 143 ]
	grep -q '^WS auth ok$' log
	# not trusted: refused, said, tried again
	live alpaca:AAPL
	wait_for err.txt 'TLS handshake: the certificate: self-signed certificate; trying again (attempt 3)'
	stop
	[ "$(grep -c '^bar,' out.csv)" = 0 ]
	[ "$(grep -c '^WS connect' log)" = 1 ]
}

@test "alpaca --live: heartbeats go on while the stream is quiet, with its counts" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":[],"then":"stay"}]}'
	live --heartbeat 100ms alpaca:AAPL,MSFT
	wait_for out.csv ',qts-fetch,info,heartbeat in=0 out=0 symbols=2 reconnects=0 unfilled=0 late=0$' 2
	stop
	[ "$status" = 143 ]
}

@test "alpaca --live: a stream URL that is not ws:// or wss:// fails at once" {
	QTS_ALPACA_STREAM_URL=https://127.0.0.1/v2/iex run -1 --separate-stderr qts-fetch --live alpaca:AAPL
	[ "$stderr" = "qts-fetch: QTS_ALPACA_STREAM_URL: https://127.0.0.1/v2/iex: not a ws:// or wss:// URL" ]
}

@test "alpaca --live: usage errors exit 2" {
	run -2 --separate-stderr qts-fetch --live synth:AAPL
	[[ $stderr == *"qts-fetch: --live: 'synth:AAPL' is not alpaca:SYM (the live stream is Alpaca's)"* ]]
	run -2 --separate-stderr qts-fetch --live --live-types bars,ticks alpaca:AAPL
	[[ $stderr == *"qts-fetch: --live-types: 'ticks' is not bars, trades or quotes"* ]]
	run -2 --separate-stderr qts-fetch --live --live-types '' alpaca:AAPL
	[[ $stderr == *"qts-fetch: --live-types: '' names none of bars, trades, quotes"* ]]
	run -2 --separate-stderr qts-fetch --live --feed nasdaq alpaca:AAPL
	[[ $stderr == *"qts-fetch: --feed: 'nasdaq' is not iex or sip"* ]]
	run -2 --separate-stderr qts-fetch --live --silence 10ms alpaca:AAPL
	[[ $stderr == *"qts-fetch: --silence: '10ms' is not a duration from 100ms to 1h"* ]]
	run -2 --separate-stderr qts-fetch --live alpaca:
	[[ $stderr == *"qts-fetch: alpaca:: the symbol must be 1 to 31 bytes"* ]]
	run -2 --separate-stderr qts-fetch --live alpaca:A,
	[[ $stderr == *"qts-fetch: alpaca:A,: the symbol '' must be 1 to 31 bytes"* ]]
	run -2 --separate-stderr qts-fetch --live --reorder 61s alpaca:AAPL
	[[ $stderr == *"qts-fetch: --reorder: '61s' is not a duration from 0 to 60s"* ]]
	run -2 --separate-stderr qts-fetch --live --reorder -1s alpaca:AAPL
	[[ $stderr == *"qts-fetch: --reorder: '-1s' is not a duration from 0 to 60s"* ]]
}

# A trade, a quote stamped before it, and a later trade: one message each.
LATE='[{"T":"t","S":"AAPL","i":1,"x":"V","p":185.1,"s":100,"t":"2024-01-09T14:31:03.5Z"}],
 [{"T":"q","S":"MSFT","bx":"V","bp":370,"bs":2,"ax":"V","ap":370.1,"as":3,"t":"2024-01-09T14:31:02.7Z"}],
 [{"T":"t","S":"AAPL","i":2,"x":"V","p":185.2,"s":100,"t":"2024-01-09T14:31:04.5Z"}]'

@test "alpaca --live: an event that comes after one of a later time is late: dropped and said, the output stays in time order" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$LATE"'],"then":"stay"}]}'
	live --live-types trades,quotes --heartbeat 100ms alpaca:AAPL alpaca:MSFT
	wait_for out.csv '^tick,' 2
	wait_for out.csv 'late=1'
	stop
	[ "$status" = 143 ]
	[ "$(grep -c -e '^tick,' -e '^quote,' out.csv)" = 2 ]
	! grep -q '^quote,' out.csv || false
	grep -qF 'qts-fetch: alpaca: a late event dropped: MSFT quote at 2024-01-09T14:31:02.700Z, after an event at 2024-01-09T14:31:03.500Z (a stream is in time order; --reorder holds events to put them back in it)' err.txt
	grep -qF 'qts-fetch: alpaca: 1 late event dropped; the first: MSFT quote at 2024-01-09T14:31:02.700Z, after an event at 2024-01-09T14:31:03.500Z' err.txt
	grep -v '^system,' out.csv | qts cat >/dev/null
	# --reorder 0, the default said: the same
	cp out.csv default.csv
	live --live-types trades,quotes --reorder 0 alpaca:AAPL alpaca:MSFT
	wait_for out.csv '^tick,' 2
	stop
	[ "$(grep -v '^system,' out.csv)" = "$(grep -v '^system,' default.csv)" ]
	grep -qF 'qts-fetch: alpaca: 1 late event dropped;' err.txt
}

@test "alpaca --live: a minute bar after the next minute's trade, or after a later bar of another symbol, is late; --reorder puts it in its place" {
	msgs='[{"T":"b","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2024-01-09T14:31:00Z"}],
	 [{"T":"t","S":"AAPL","i":1,"x":"V","p":1,"s":1,"t":"2024-01-09T14:32:00.5Z"}],
	 [{"T":"b","S":"MSFT","o":2,"h":2,"l":2,"c":2,"v":2,"t":"2024-01-09T14:31:00Z"}],
	 [{"T":"b","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2024-01-09T14:32:00Z"}],
	 [{"T":"b","S":"MSFT","o":2,"h":2,"l":2,"c":2,"v":2,"t":"2024-01-09T14:31:00Z"}]'
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$msgs"'],"then":"stay"}]}'
	live --live-types bars,trades alpaca:AAPL alpaca:MSFT
	wait_for out.csv '^bar,2024-01-09T14:32:00Z,AAPL'
	stop
	# MSFT's 14:31 bar, known at 14:32, after a trade of 14:32:00.5: late
	[ "$(grep -v '^system,' out.csv | cut -d, -f1-3 | tr '\n' ' ')" = "bar,2024-01-09T14:31:00Z,AAPL tick,2024-01-09T14:32:00.500Z,AAPL bar,2024-01-09T14:32:00Z,AAPL " ]
	# (its repeat is the same bar: once, as ever)
	grep -qF 'qts-fetch: alpaca: 1 late event dropped; the first: MSFT 1m bar at 2024-01-09T14:31:00Z, after an event at 2024-01-09T14:32:00.500Z' err.txt
	grep -v '^system,' out.csv | qts cat >/dev/null
	live --live-types bars,trades --reorder 500ms alpaca:AAPL alpaca:MSFT
	wait_for out.csv '^bar,2024-01-09T14:32:00Z,AAPL'
	stop
	# held: the MSFT bar goes before the trade, and its repeat not again
	[ "$(grep -v '^system,' out.csv | cut -d, -f1-3 | tr '\n' ' ')" = "bar,2024-01-09T14:31:00Z,AAPL bar,2024-01-09T14:31:00Z,MSFT tick,2024-01-09T14:32:00.500Z,AAPL bar,2024-01-09T14:32:00Z,AAPL " ]
	grep -v '^system,' out.csv | qts cat >/dev/null
}

@test "alpaca --live: a trade of a minute after that minute's bar is late (a stage acts on the bar at its end); --reorder puts it before the bar" {
	msgs='[{"T":"b","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2024-01-09T14:31:00Z"}],
	 [{"T":"t","S":"AAPL","i":1,"x":"V","p":1,"s":1,"t":"2024-01-09T14:31:59.5Z"}],
	 [{"T":"t","S":"AAPL","i":2,"x":"V","p":1,"s":1,"t":"2024-01-09T14:32:00.5Z"}],
	 [{"T":"b","S":"AAPL","o":1,"h":1,"l":1,"c":1,"v":1,"t":"2024-01-09T14:32:00Z"}]'
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$msgs"'],"then":"stay"}]}'
	live --live-types bars,trades alpaca:AAPL
	wait_for out.csv '^bar,2024-01-09T14:32:00Z,AAPL'
	stop
	[ "$(grep -v '^system,' out.csv | cut -d, -f1-3 | tr '\n' ' ')" = "bar,2024-01-09T14:31:00Z,AAPL tick,2024-01-09T14:32:00.500Z,AAPL bar,2024-01-09T14:32:00Z,AAPL " ]
	grep -qF 'qts-fetch: alpaca: 1 late event dropped; the first: AAPL tick at 2024-01-09T14:31:59.500Z, after a bar ending at 2024-01-09T14:32:00Z' err.txt
	# what a strategy makes of it is in order for the next stage
	grep -v '^system,' out.csv | qts-strategy -e 'target = 1' | qts cat >/dev/null
	live --live-types bars,trades --reorder 500ms alpaca:AAPL
	wait_for out.csv '^bar,2024-01-09T14:32:00Z,AAPL'
	stop
	[ "$(grep -v '^system,' out.csv | cut -d, -f1-3 | tr '\n' ' ')" = "tick,2024-01-09T14:31:59.500Z,AAPL bar,2024-01-09T14:31:00Z,AAPL tick,2024-01-09T14:32:00.500Z,AAPL bar,2024-01-09T14:32:00Z,AAPL " ]
	grep -v '^system,' out.csv | qts-strategy -e 'target = 1' | qts cat >/dev/null
}

@test "alpaca --live --reorder: events held that long go out in time order; a signal writes those held" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","sessions":[{"messages":['"$LATE"'],"then":"stay"}]}'
	live --live-types trades,quotes --reorder 500ms alpaca:AAPL alpaca:MSFT
	wait_for out.csv '^tick,' 2
	stop
	[ "$status" = 143 ]
	[ "$(grep -v '^system,' out.csv | cut -d, -f1-3 | tr '\n' ' ')" = "quote,2024-01-09T14:31:02.700Z,MSFT tick,2024-01-09T14:31:03.500Z,AAPL tick,2024-01-09T14:31:04.500Z,AAPL " ]
	! grep -q 'late' err.txt || false
	# held for a minute: SIGTERM writes what was held, in order
	live --live-types trades,quotes --reorder 60s alpaca:AAPL alpaca:MSFT
	wait_for log '^WS subscribe'
	sleep 0.5
	[ ! -s out.csv ]
	stop
	[ "$status" = 143 ]
	[ "$(grep -v '^system,' out.csv | cut -d, -f1-3 | tr '\n' ' ')" = "quote,2024-01-09T14:31:02.700Z,MSFT tick,2024-01-09T14:31:03.500Z,AAPL tick,2024-01-09T14:31:04.500Z,AAPL " ]
}

@test "alpaca:SYM without --live: the history through the network sources" {
	fake '{"key":"PKTEST123","secret":"'$SECRET'","page_size":2,"bars":'"$DAILY"'}'
	run --separate-stderr timeout -k 5 30 qts-fetch --from 2024-01-01 --to 2024-01-04 alpaca:AAPL
	[[ $stderr == *"No such file"* ]] && skip "qts-fetch has no network sources in this build"
	[ "$status" = 0 ]
	[ "${#lines[@]}" = 3 ]
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,AAPL,1d,187.15,188.44,183.885,185.64,82488674" ]
}

@test "alpaca --live: bash completion offers the feeds and the types" {
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts-fetch'
		COMP_WORDS=(qts-fetch --feed ''); COMP_CWORD=2; _qts_fetch; echo \${COMPREPLY[*]}"
	[ "$output" = "iex sip" ]
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts-fetch'
		COMP_WORDS=(qts-fetch --live-types bars,q); COMP_CWORD=2; _qts_fetch; echo \${COMPREPLY[*]}"
	[ "$output" = "bars,quotes" ]
	run -0 bash -c "source '$BATS_TEST_DIRNAME/../completions/bash/qts-fetch'
		COMP_WORDS=(qts-fetch alpa); COMP_CWORD=1; _qts_fetch; echo \${COMPREPLY[*]}"
	[ "$output" = "alpaca:" ]
}
