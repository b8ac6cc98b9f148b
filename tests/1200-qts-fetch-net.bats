#!/usr/bin/env bats
# qts-fetch's network sources (yahoo:, alphavantage:, stooq:) against the
# fake vendors of tests/fakes/vendors.py on 127.0.0.1: their formats,
# missing bars, trading-day dates, history split into requests, retries,
# the circuit breaker, the token bucket, --fallback, --actions, bad vendor
# bars, keys kept out of every message, exit statuses.  Only the base URLs
# (QTS_*_URL) differ from the real vendors'.

load helper

setup() {
	D=$BATS_TEST_TMPDIR
	python3 "$BATS_TEST_DIRNAME/fakes/vendors.py" "$D/port" "$D/log" "$D/control" 3>&- >"$D/server.err" 2>&1 &
	echo $! >"$D/pid"
	for _ in $(seq 100); do
		[ -s "$D/port" ] && break
		sleep 0.05
	done
	[ -s "$D/port" ]
	P=$(cat "$D/port")
	export QTS_YAHOO_URL=http://127.0.0.1:$P QTS_ALPHAVANTAGE_URL=http://127.0.0.1:$P
	export QTS_STOOQ_URL=http://127.0.0.1:$P QTS_NET_BACKOFF_MS=10
	export ALPHAVANTAGE_API_KEY=SeCrEt-KeY-4242
	JAN=(--from 2024-01-01 --to 2024-01-31)
}

teardown() {
	kill "$(cat "$D/pid")" 2>/dev/null || true
}

requests() { # requests PATTERN: how many requests the fake logged that match
	if [ -e "$D/log" ]; then grep -c -- "$1" "$D/log" || true; else echo 0; fi
}

DAYS="2024-01-02 2024-01-03 2024-01-05 2024-01-08 2024-01-09 2024-01-10 2024-01-11 2024-01-12"
dates() { printf '%s\n' "${lines[@]}" | cut -d, -f2 | cut -c1-10 | tr '\n' ' ' | sed 's/ $//'; }

# ---- Yahoo -------------------------------------------------------------------------

@test "yahoo: daily bars dated by their trading day at 00:00 UTC, nulls skipped" {
	run -0 --separate-stderr qts-fetch yahoo:AAPL "${JAN[@]}"
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,AAPL,1d,187.15,188.44,183.89,185.64,82488700" ]
	# 2024-01-04 is all nulls in the answer: missing, never a bar of zeros
	[ "$(dates)" = "$DAYS" ]
	[ "$stderr" = "" ]
	[ "$(requests 'chart/AAPL?period1=')" -eq 1 ]
	grep -q 'interval=1d&events=div%2Csplits&includeAdjustedClose=true' "$D/log"
}

@test "--rate N/min: never more than N requests in any minute, the vendor's burst cut to keep to it" {
	# Stooq's burst is 3, Yahoo's 5: at 1/min and 2/min, one at a time
	timeout -k 5 3 qts-fetch --no-cache --rate 1/min stooq:a.us stooq:b.us stooq:c.us --from 2024-01-02 --to 2024-01-03 \
		>/dev/null 2>&1 </dev/null || true
	[ "$(requests '/q/d/l/')" -eq 1 ]
	timeout -k 5 3 qts-fetch --no-cache --rate 2/min yahoo:A yahoo:B yahoo:C --from 2024-01-02 --to 2024-01-03 \
		>/dev/null 2>&1 </dev/null || true
	[ "$(requests 'chart/')" -eq 1 ]
}

@test "--heartbeat: heartbeats go on while a vendor is slow to answer" {
	# every answer 2 s late: a heartbeat every 200 ms meanwhile, not one at the end
	run --separate-stderr qts-fetch --no-cache --heartbeat 200ms yahoo:SLOW "${JAN[@]}"
	n=$(printf '%s\n' "${lines[@]}" | grep -c ',qts-fetch,info,heartbeat in=0 out=0' || true)
	echo "$n heartbeats" >&2
	[ "$n" -ge 3 ]
}

@test "yahoo: an exchange east of UTC dates its bars by its own day" {
	# Sydney's session opens at 23:00Z the day before; meta.gmtoffset is +11 h
	run -0 qts-fetch yahoo:SYD "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
}

@test "yahoo: the day in progress, repeated at its last trade, is one bar" {
	run -0 qts-fetch yahoo:LIVE "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
}

@test "yahoo: --from and --to keep the dates asked for" {
	run -0 qts-fetch yahoo:AAPL --from 2024-01-05 --to 2024-01-09
	[ "$(dates)" = "2024-01-05 2024-01-08 2024-01-09" ]
}

@test "yahoo: --adjust scales OHLC by adjclose / close, as it does a Yahoo file" {
	{
		echo "Date,Open,High,Low,Close,Adj Close,Volume"
		grep '^2024' "$BATS_TEST_DIRNAME/fixtures/net/bars.csv" | grep -v ',,' |
			awk -F, '{ print $1","$2","$3","$4","$5","$6","$7 }'
	} >"$D/aapl.csv"
	run -0 qts-fetch -a yahoo:AAPL "${JAN[@]}"
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,AAPL,1d,185.78901906916613,187.06963800904978,182.5527262443439,184.29,82488700" ]
	[ "$output" = "$(qts-fetch -a "$D/aapl.csv")" ]
}

@test "yahoo: one-minute bars in requests of 7 days at most" {
	from=$(date -u -d '-20 days' +%F)
	run -0 --separate-stderr qts-fetch --tf 1m --rate 6000/min yahoo:MIN --from "$from"
	[ "$stderr" = "" ]
	[ "${lines[0]%%,*}" = bar ]
	[ "$(echo "${lines[0]}" | cut -d, -f4)" = 1m ]
	n=$(requests 'chart/MIN?')
	[ "$n" -ge 3 ] && [ "$n" -le 4 ]
	# each asks for 7 days or less (the fake refuses more than 8), and
	# each starts where the one before ended
	sed -n 's/.*period1=\([0-9]*\)&period2=\([0-9]*\)&.*/\1 \2/p' "$D/log" |
		awk 'NR > 1 && $1 != end { exit 1 } { if ($2 - $1 > 7 * 86400) exit 1; end = $2 }'
	# no bar twice, none out of order (the validator would stop the run)
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2 | sort -u | wc -l)" -eq "${#lines[@]}" ]
}

@test "yahoo: one-minute bars go back 30 days" {
	run -0 --separate-stderr qts-fetch --tf 1m --rate 6000/min yahoo:MIN --from "$(date -u -d '-60 days' +%F)"
	[ "$stderr" = "qts-fetch: yahoo:MIN: 1m bars go back 30 days: from 30 days ago" ]
	[ "${#lines[@]}" -gt 0 ]
	n=$(requests chart)
	# (not from the cache, which holds what the run before found there: nothing)
	run -1 --separate-stderr qts-fetch --no-cache --tf 1m yahoo:MIN --from "$(date -u -d '-60 days' +%F)" --to "$(date -u -d '-40 days' +%F)"
	[ "$stderr" = "qts-fetch: yahoo:MIN: 1m bars go back 30 days, and none of them are asked for" ]
	[ "$(requests chart)" -eq "$n" ]
}

@test "yahoo: bars under a day go back 60 days, hourly bars 730" {
	run -0 --separate-stderr qts-fetch --tf 5m yahoo:FIVE --from "$(date -u -d '-90 days' +%F)"
	[ "$stderr" = "qts-fetch: yahoo:FIVE: 5m bars go back 60 days: from 60 days ago" ]
	[ "$(requests 'interval=5m')" -eq 1 ]
	run -0 --separate-stderr qts-fetch --tf 1h yahoo:HOUR --from "$(date -u -d '-1000 days' +%F)"
	[ "$stderr" = "qts-fetch: yahoo:HOUR: 60m bars go back 730 days: from 730 days ago" ]
	[ "$(requests 'interval=60m')" -eq 1 ]
}

@test "yahoo: the cache claims no span before the limit: a span before it fails as it does uncached" {
	f90=$(date -u -d '-90 days' +%F) t70=$(date -u -d '-70 days' +%F) t55=$(date -u -d '-55 days' +%F)
	run -1 --separate-stderr qts-fetch --tf 5m yahoo:FIVE --from "$f90" --to "$t70"
	[ "$stderr" = "qts-fetch: yahoo:FIVE: 5m bars go back 60 days, and none of them are asked for" ]
	run -0 --separate-stderr qts-fetch --tf 5m yahoo:FIVE --from "$f90"
	[ "$stderr" = "qts-fetch: yahoo:FIVE: 5m bars go back 60 days: from 60 days ago" ]
	wide=$output
	# the entry starts where the bars it was given could start
	from=$(qts-fetch --cache-list | cut -f4)
	[[ "$from" > "$t70" ]] && [[ "$from" < "$t55" ]]
	run -1 --separate-stderr qts-fetch --tf 5m yahoo:FIVE --from "$f90" --to "$t70"
	[ "$stderr" = "qts-fetch: yahoo:FIVE: 5m bars go back 60 days, and none of them are asked for" ]
	[ "$output" = 'system,1970-01-01T00:00:00Z,qts-fetch,error,"yahoo:FIVE: 5m bars go back 60 days, and none of them are asked for"' ]
	# the wide request again: the span before the entry asks nothing, and is no failure
	n=$(requests 'interval=5m')
	run -0 --separate-stderr qts-fetch --tf 5m yahoo:FIVE --from "$f90"
	# the bars since, and at most a sliver where the limit moved on by a
	# second between the runs (said as the limit): never the span before it
	[ "$(requests 'interval=5m')" -le $((n + 2)) ]
	[ "$(requests "period1=$(date -u -d "$f90" +%s)&")" -eq 0 ]
	[ "${lines[0]}" = "${wide%%$'\n'*}" ]
}

@test "yahoo: an intraday bar repeated at other prices fails the source; the daily bar of the day in progress is one" {
	run -1 --separate-stderr qts-fetch --no-cache --tf 5m yahoo:DUPROW --from "$(date -u -d '-20 days' +%F)"
	[[ "$stderr" == "qts-fetch: yahoo:DUPROW: the answer repeats the bar at "*T14:35:00Z ]]
	run -0 qts-fetch --no-cache --tf 5m yahoo:FIVE --from "$(date -u -d '-20 days' +%F)"
	[ "$(printf '%s\n' "${lines[@]}" | cut -d, -f2 | sort -u | wc -l)" -eq "${#lines[@]}" ]
	run -0 qts-fetch --no-cache yahoo:LIVE "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
}

@test "yahoo: intraday bars keep their UTC times, other intervals in one request" {
	run -0 qts-fetch --tf 5m yahoo:FIVE --from "$(date -u -d '-20 days' +%F)"
	[ "$(requests 'interval=5m')" -eq 1 ]
	[ "$(echo "${lines[0]}" | cut -d, -f2 | cut -c11-)" = "T14:30:00Z" ]
	run -0 qts-fetch --tf 1h yahoo:HOUR --from "$(date -u -d '-20 days' +%F)"
	[ "$(requests 'interval=60m')" -eq 1 ]
	[ "$(echo "${lines[0]}" | cut -d, -f4)" = 1h ]
}

@test "yahoo: an unknown symbol fails with Yahoo's words, exit 1" {
	run -1 --separate-stderr qts-fetch yahoo:NOPE
	[ "$stderr" = "qts-fetch: yahoo:NOPE: Not Found: No data found, symbol may be delisted (HTTP 404)" ]
	[ "$(requests chart/NOPE)" -eq 1 ]
}

@test "yahoo: a timeframe it does not serve is a usage error" {
	run -2 --separate-stderr qts-fetch --tf 4h yahoo:AAPL
	[ "${stderr_lines[0]}" = "qts-fetch: yahoo:AAPL: --tf 4h: yahoo serves 1m,2m,5m,15m,30m,1h,1d,1w,1M" ]
}

# ---- retries, the breaker, the bucket ----------------------------------------------

@test "a 429 with Retry-After, a 500, a body cut short, malformed JSON: asked again" {
	for sym in R429 E500 TRUNC BADJSON; do
		run -0 --separate-stderr qts-fetch "yahoo:$sym" "${JAN[@]}"
		[ "$(dates)" = "$DAYS" ]
		[ "$stderr" = "" ]
		[ "$(requests "chart/$sym?")" -eq 2 ]
	done
}

@test "no answer within --timeout is asked again; --retries bounds the attempts" {
	run -0 qts-fetch --timeout 500ms yahoo:SLOW1 "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
	[ "$(requests chart/SLOW1)" -eq 2 ]
	run -1 --separate-stderr qts-fetch --timeout 200ms --retries 1 yahoo:SLOW "${JAN[@]}"
	[[ "$stderr" = "qts-fetch: yahoo: http://127.0.0.1:$P/v8/finance/chart/SLOW?period1="*"&interval=1d&events=div%2Csplits&includeAdjustedClose=true: no answer within 0.2 s (after 2 attempts)" ]]
}

@test "SIGTERM while a server does not answer ends qts-fetch at once (143), not when the answer or --timeout comes" {
	qts-fetch --timeout 1h yahoo:HANG "${JAN[@]}" >"$D/out" 2>"$D/err" &
	pid=$!
	for _ in $(seq 100); do # the request is out
		[ "$(requests chart/HANG)" -ge 1 ] && break
		sleep 0.05
	done
	start=$(date +%s%N)
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	ms=$((($(date +%s%N) - start) / 1000000))
	[ "$rc" = 143 ]
	# curl is asked at least once a second; the answer would take 30 s
	[ "$ms" -lt 10000 ] || { echo "took $ms ms"; false; }
}

@test "failures that last: the retries run out, exit 1" {
	run -1 --separate-stderr qts-fetch --retries 2 yahoo:DOWN "${JAN[@]}"
	[[ "$stderr" = *": HTTP 500 (after 3 attempts)" ]]
	[ "$(requests chart/DOWN)" -eq 3 ]
	run -1 --separate-stderr qts-fetch --retries 2 yahoo:BADJSONX
	[ "$stderr" = "qts-fetch: yahoo:BADJSONX: not JSON: unexpected token near end of file (after 3 attempts)" ]
	[ "${lines[0]}" = "system,1970-01-01T00:00:00Z,qts-fetch,error,yahoo:BADJSONX: not JSON: unexpected token near end of file (after 3 attempts)" ]
}

@test "four retries by default" {
	run -1 --separate-stderr qts-fetch yahoo:DOWN "${JAN[@]}"
	[[ "$stderr" = *": HTTP 500 (after 5 attempts)" ]]
	[ "$(requests chart/DOWN)" -eq 5 ]
}

@test "five failures in a row open the circuit for 30 s: no more requests" {
	echo DOWN >"$D/control"
	run -1 --separate-stderr qts-fetch --retries 9 yahoo:AAPL
	[ "$(requests chart/AAPL)" -eq 5 ]
	[[ "$stderr" = *": not asked: 5 failures in a row opened the circuit for 30 s; the last: HTTP 500" ]]
	# the control file gone, the vendor answers again, to a new run
	rm "$D/control"
	run -0 qts-fetch yahoo:AAPL "${JAN[@]}"
}

@test "yahoo's own bucket: 30 requests a minute, 5 at once" {
	# the sixth request waits 2 s for a token
	start=$(date +%s%N)
	run -0 qts-fetch yahoo:A yahoo:B yahoo:C yahoo:D yahoo:E yahoo:F "${JAN[@]}"
	end=$(date +%s%N)
	[ "${#lines[@]}" -eq 48 ]
	[ $(((end - start) / 1000000)) -ge 1900 ]
}

@test "--rate paces the requests by a token bucket" {
	# stooq's bucket holds 3: eight requests at 5 a second wait 5 / 5 s at least
	srcs=()
	for i in 1 2 3 4 5 6 7 8; do srcs+=("stooq:s$i.us"); done
	start=$(date +%s%N)
	run -0 qts-fetch --rate 300/min "${srcs[@]}" "${JAN[@]}"
	end=$(date +%s%N)
	[ "${#lines[@]}" -eq 64 ]
	[ "$(requests /q/d/l/)" -eq 8 ]
	[ $(((end - start) / 1000000)) -ge 950 ]
	run -0 qts-fetch --rate 5/s stooq:one.us "${JAN[@]}"
	run -0 qts-fetch --rate 100/h stooq:one.us "${JAN[@]}"
}

@test "--rate, --retries, --timeout: bad values are usage errors" {
	run -2 --separate-stderr qts-fetch --rate 5 stooq:x
	[ "${stderr_lines[0]}" = "qts-fetch: --rate: '5' is not N/min, N/s or N/h" ]
	run -2 --separate-stderr qts-fetch --rate 0/min stooq:x
	[[ "${stderr_lines[0]}" = "qts-fetch: --rate: "* ]]
	run -2 --separate-stderr qts-fetch --rate 2e6/min stooq:x
	[[ "${stderr_lines[0]}" = "qts-fetch: --rate: "* ]]
	run -2 --separate-stderr qts-fetch --retries 101 stooq:x
	[[ "${stderr_lines[0]}" = "qts-fetch: --retries: "* ]]
	run -2 --separate-stderr qts-fetch --retries x stooq:x
	[[ "${stderr_lines[0]}" = "qts-fetch: --retries: "* ]]
	run -2 --separate-stderr qts-fetch --timeout 0s stooq:x
	[ "${stderr_lines[0]}" = "qts-fetch: --timeout: '0s' is not a duration from 1ms to 1h (250ms, 10s, 2m)" ]
	# curl takes a limit under a millisecond as none at all
	run -2 --separate-stderr qts-fetch --timeout 999us stooq:x
	[ "${stderr_lines[0]}" = "qts-fetch: --timeout: '999us' is not a duration from 1ms to 1h (250ms, 10s, 2m)" ]
	run -2 --separate-stderr qts-fetch --timeout 2h stooq:x
	[ "${stderr_lines[0]}" = "qts-fetch: --timeout: '2h' is not a duration from 1ms to 1h (250ms, 10s, 2m)" ]
	run -2 --separate-stderr qts-fetch --actions '' stooq:x
	[ "${stderr_lines[0]}" = "qts-fetch: --actions: an empty file name" ]
	[ "$(requests /)" -eq 0 ]
}

# ---- --fallback --------------------------------------------------------------------

@test "--fallback: a symbol whose source fails comes from the next kind" {
	run -0 --separate-stderr qts-fetch --retries 1 --fallback stooq yahoo:YAHOODOWN "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
	[[ "${stderr_lines[0]}" = "qts-fetch: yahoo: http://127.0.0.1:$P/v8/finance/chart/YAHOODOWN?"*": HTTP 500 (after 2 attempts); trying stooq:YAHOODOWN" ]]
	[ "${stderr_lines[1]}" = "qts-fetch: yahoo:YAHOODOWN: served by stooq:YAHOODOWN" ]
	[ "$(requests chart/YAHOODOWN)" -eq 2 ]
	[ "$(requests 's=YAHOODOWN')" -eq 1 ]
}

@test "--fallback: in order, past a kind that cannot open; the source that served is said" {
	unset ALPHAVANTAGE_API_KEY
	run -0 --separate-stderr qts-fetch --retries 0 --fallback alphavantage --fallback stooq yahoo:YAHOODOWN "${JAN[@]}"
	[ "${#lines[@]}" -eq 8 ]
	[[ "${stderr_lines[0]}" = *"HTTP 500 (after 1 attempt); trying alphavantage:YAHOODOWN" ]]
	[ "${stderr_lines[1]}" = "qts-fetch: alphavantage:YAHOODOWN: no API key: set ALPHAVANTAGE_API_KEY (a free one at http://127.0.0.1:$P/support/#api-key); trying stooq:YAHOODOWN" ]
	[ "${stderr_lines[2]}" = "qts-fetch: yahoo:YAHOODOWN: served by stooq:YAHOODOWN" ]
	# the first that serves is said too when no fallback was needed
	run -0 --separate-stderr qts-fetch --fallback stooq yahoo:AAPL "${JAN[@]}"
	[ "$stderr" = "qts-fetch: yahoo:AAPL: served by yahoo:AAPL" ]
}

@test "--fallback: when every kind fails, the last failure, exit 1" {
	run -1 --separate-stderr qts-fetch --retries 0 --fallback stooq yahoo:NOPE
	[ "${stderr_lines[0]}" = "qts-fetch: yahoo:NOPE: Not Found: No data found, symbol may be delisted (HTTP 404); trying stooq:NOPE" ]
	[ "${stderr_lines[1]}" = "qts-fetch: stooq:NOPE: No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked" ]
}

@test "--fallback: an unknown kind, or one that does not serve --tf, is a usage error" {
	run -2 --separate-stderr qts-fetch --fallback quandl yahoo:AAPL
	[ "${stderr_lines[0]}" = "qts-fetch: --fallback: 'quandl' is not a network source (yahoo, alphavantage, stooq, alpaca)" ]
	run -2 --separate-stderr qts-fetch --tf 5m --fallback stooq yahoo:AAPL
	[ "${stderr_lines[0]}" = "qts-fetch: yahoo:AAPL: --tf 5m: stooq serves 1d" ]
	run -2 --separate-stderr qts-fetch --fallback stooq --fallback stooq --fallback stooq --fallback stooq \
		--fallback stooq --fallback stooq --fallback stooq --fallback stooq --fallback stooq yahoo:AAPL
	[ "${stderr_lines[0]}" = "qts-fetch: --fallback: more than 8" ]
}

# ---- corporate actions, bad bars ---------------------------------------------------

@test "--actions writes Yahoo's dividends and splits as a qts-sim --actions file" {
	run -0 qts-fetch --actions "$D/actions.csv" yahoo:AAPL yahoo:SYD "${JAN[@]}"
	[ "$(cat "$D/actions.csv")" = "date,symbol,action,value
2024-01-05,AAPL,dividend,0.24
2024-01-05,SYD,dividend,0.24
2024-01-09,AAPL,split,4
2024-01-09,SYD,split,4" ]
	# written whole: no temporary left beside it
	[ "$(ls "$D" | grep -c actions)" -eq 1 ]
	# in the symbol of the events (-s), and qts-sim reads it
	run -0 qts-fetch -s APPLE yahoo:AAPL "${JAN[@]}" --actions "$D/actions.csv"
	[ "$(sed -n 2p "$D/actions.csv")" = "2024-01-05,APPLE,dividend,0.24" ]
	printf '%s\n' "${lines[@]}" >"$D/bars.csv"
	qts-sim --actions "$D/actions.csv" <"$D/bars.csv" >/dev/null
	# sources without actions write the header alone
	run -0 qts-fetch stooq:aapl.us --actions "$D/none.csv"
	[ "$(cat "$D/none.csv")" = "date,symbol,action,value" ]
	# a run that fails leaves the file as it was
	run -1 qts-fetch --retries 0 yahoo:AAPL yahoo:NOPE --actions "$D/none.csv"
	[ "$(cat "$D/none.csv")" = "date,symbol,action,value" ]
}

@test "--actions into a directory that is not there fails, exit 1" {
	run -1 --separate-stderr qts-fetch yahoo:AAPL --actions "$D/no/such/dir/a.csv"
	[[ "$stderr" = "qts-fetch: "*"$D/no/such/dir/a.csv"* ]]
}

@test "a vendor's bad bar is named by source, symbol and date; --on-bad applies" {
	run -1 --separate-stderr qts-fetch yahoo:BADBAR "${JAN[@]}"
	[ "$stderr" = "qts-fetch: yahoo:BADBAR: 2024-01-08: prices out of order: need low <= open,close <= high (open 182.09 high 180 low 181.5 close 185.56)" ]
	[ "${#lines[@]}" -eq 4 ] # three bars, then the error
	run -0 --separate-stderr qts-fetch --on-bad skip stooq:badbar.us "${JAN[@]}"
	[ "${#lines[@]}" -eq 7 ]
	[ "$stderr" = "qts-fetch: skipped 1 bad record; the first: stooq:badbar.us: 2024-01-08: prices out of order: need low <= open,close <= high (open 182.09 high 180 low 181.5 close 185.56)" ]
}

# ---- Alpha Vantage -----------------------------------------------------------------

@test "alphavantage: daily CSV, newest first, put in time order" {
	run -0 --separate-stderr qts-fetch alphavantage:IBM "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
	[ "${lines[0]}" = "bar,2024-01-02T00:00:00Z,IBM,1d,187.15,188.44,183.89,185.64,82488700" ]
	[ "$(requests 'function=TIME_SERIES_DAILY&symbol=IBM&outputsize=full&datatype=csv&apikey=')" -eq 1 ]
}

@test "alphavantage: --adjust asks TIME_SERIES_DAILY_ADJUSTED, and scales as Yahoo's" {
	run -0 qts-fetch -a alphavantage:AAPL "${JAN[@]}"
	[ "$(requests TIME_SERIES_DAILY_ADJUSTED)" -eq 1 ]
	[ "$output" = "$(qts-fetch -a yahoo:AAPL "${JAN[@]}")" ]
	# a free key: the premium function's notice is a failure naming it
	run -1 --separate-stderr qts-fetch -a alphavantage:PREMIUM "${JAN[@]}"
	[ "$stderr" = "qts-fetch: alphavantage:PREMIUM: Thank you for using Alpha Vantage! This is a premium endpoint. You may subscribe to any of the premium plans at http://127.0.0.1:$P/premium/ to instantly unlock all premium endpoints" ]
}

@test "alphavantage: intraday a month a request, US Eastern times made UTC" {
	# 2024-03-10: daylight saving time begins in New York
	run -0 --separate-stderr qts-fetch --tf 1h --rate 6000/min alphavantage:IBM --from 2024-02-20 --to 2024-03-15
	[ "$(requests 'function=TIME_SERIES_INTRADAY&symbol=IBM&interval=60min&adjusted=false&month=2024-02&outputsize=full')" -eq 1 ]
	[ "$(requests 'month=2024-03')" -eq 1 ]
	[ "$(requests TIME_SERIES_INTRADAY)" -eq 2 ]
	[ "${lines[0]}" = "bar,2024-02-20T14:30:00Z,IBM,1h,100.66,100.71,100.61,100.67,101" ]
	printf '%s\n' "${lines[@]}" | grep -q '^bar,2024-03-08T14:30:00Z,'
	printf '%s\n' "${lines[@]}" | grep -q '^bar,2024-03-11T13:30:00Z,'
	printf '%s\n' "${lines[@]}" | grep -q '^bar,2024-03-11T19:30:00Z,'
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^bar,2024-03-11T')" -eq 7 ]
	[ "$(printf '%s\n' "${lines[@]}" | tail -1 | cut -d, -f2)" = "2024-03-15T19:30:00Z" ]
}

@test "alphavantage: intraday months are New York's: a span from 00:00 UTC on the 1st asks for the month before" {
	# 2024-03-01T00:00Z is 2024-02-29 19:00 in New York, in February's answer
	run -0 --separate-stderr qts-fetch --tf 5m alphavantage:EXTHOURS --from 2024-03-01 --to 2024-03-01T09:00:00Z
	[ "$(requests 'month=2024-02')" -eq 1 ] && [ "$(requests 'month=2024-03')" -eq 1 ]
	[ "$(requests TIME_SERIES_INTRADAY)" -eq 2 ]
	[ "${lines[0]}" = "bar,2024-03-01T00:00:00Z,EXTHOURS,5m,100.04,100.09,99.99,100.05,101" ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^bar,2024-03-01T00:')" -eq 12 ] # 19:00 to 19:55 in New York
	[ "$(printf '%s\n' "${lines[@]}" | tail -1 | cut -d, -f2)" = "2024-03-01T09:00:00Z" ]
	# and a span ending at 03:00 UTC on the 1st is still the month before alone
	run -0 qts-fetch --no-cache --tf 5m alphavantage:EXTHOURS --from 2024-02-29T20:00:00Z --to 2024-03-01T00:30:00Z
	[ "$(requests 'month=2024-02')" -eq 2 ] && [ "$(requests 'month=2024-03')" -eq 1 ]
}

@test "alphavantage: intraday without --from is the last 30 days, and the cache claims no more" {
	run -0 qts-fetch --tf 5m --rate 6000/min alphavantage:IBM
	[ "$(requests 'month=')" -eq 0 ]
	first=$(echo "${lines[0]}" | cut -d, -f2)
	[ "$(qts-fetch --cache-list | cut -f4)" = "$first" ]
	# an older span is asked for, not served empty from the entry
	run -0 qts-fetch --tf 5m --rate 6000/min alphavantage:IBM --from 2024-03-04 --to 2024-03-05
	[ "$(requests 'month=2024-03')" -eq 1 ]
	[ "${lines[0]}" = "bar,2024-03-04T14:30:00Z,IBM,5m,100.42,100.47,100.37,100.43,103" ]
}

@test "alphavantage: a Note about the call frequency is waited out and asked again" {
	run -0 --separate-stderr qts-fetch alphavantage:NOTE "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
	[ "$(requests symbol=NOTE)" -eq 2 ]
	run -1 --separate-stderr qts-fetch --retries 2 alphavantage:NOTEX "${JAN[@]}"
	[ "$stderr" = "qts-fetch: alphavantage:NOTEX: Thank you for using Alpha Vantage! Our standard API call frequency is 5 calls per minute and 500 calls per day. (after 3 attempts)" ]
	[ "$(requests symbol=NOTEX)" -eq 3 ]
}

@test "alphavantage: an Error Message fails naming it" {
	run -1 --separate-stderr qts-fetch alphavantage:NOPE
	[ "$stderr" = "qts-fetch: alphavantage:NOPE: Invalid API call. Please retry or visit the documentation (http://127.0.0.1:$P/documentation/) for TIME_SERIES_DAILY." ]
	[ "$(requests symbol=NOPE)" -eq 1 ]
}

@test "alphavantage: no key is a clear error, exit 1, and nothing asked" {
	unset ALPHAVANTAGE_API_KEY
	run -1 --separate-stderr qts-fetch alphavantage:IBM
	[ "$stderr" = "qts-fetch: alphavantage:IBM: no API key: set ALPHAVANTAGE_API_KEY (a free one at http://127.0.0.1:$P/support/#api-key)" ]
	[ "$(requests /)" -eq 0 ]
}

@test "alphavantage: the key never appears in a message, not even the vendor's" {
	for sym in INFOKEY NOTEX NOPE DOWN TRUNC BADKEY CSVKEY; do
		run --separate-stderr qts-fetch --retries 1 "alphavantage:$sym" "${JAN[@]}"
		[[ "$output$stderr" != *SeCrEt-KeY-4242* ]]
	done
	run -1 --separate-stderr qts-fetch --retries 1 alphavantage:INFOKEY
	[ "$stderr" = "qts-fetch: alphavantage:INFOKEY: We have detected your API key as *** and our standard API rate limit is 25 requests per day. Please subscribe to any of the premium plans at http://127.0.0.1:$P/premium/ to instantly remove all daily rate limits. (after 2 attempts)" ]
	run -1 --separate-stderr qts-fetch --retries 0 alphavantage:DOWN
	[[ "$stderr" = *"&apikey=***: HTTP 500 (after 1 attempt)" ]]
	# JSON broken where the key stands: the parser's words quote it
	run -1 --separate-stderr qts-fetch alphavantage:BADKEY
	[ "$stderr" = "qts-fetch: alphavantage:BADKEY: an answer neither CSV nor JSON (line 1, column 22)" ]
	run -1 --separate-stderr qts-fetch alphavantage:CSVKEY
	[ "$stderr" = "qts-fetch: alphavantage:CSVKEY:2: open: '***' is not a number" ]
	# the key went to the vendor, only there
	grep -q 'apikey=SeCrEt-KeY-4242' "$D/log"
}

# ---- Stooq -------------------------------------------------------------------------

@test "stooq: daily CSV for the dates asked, d1 and d2 inclusive" {
	run -0 --separate-stderr qts-fetch stooq:aapl.us --from 2024-01-03 --to 2024-01-09
	[ "$(dates)" = "2024-01-03 2024-01-05 2024-01-08 2024-01-09" ]
	[ "${lines[0]}" = "bar,2024-01-03T00:00:00Z,aapl.us,1d,184.22,185.88,183.43,184.25,58414500" ]
	[ "$(requests '/q/d/l/?s=aapl.us&i=d&d1=20240103&d2=20240109')" -eq 1 ]
	# no dates: the whole history, no d1 or d2 (not the spans the cache lacks)
	run -0 qts-fetch --no-cache -s AAPL stooq:aapl.us
	[ "${#lines[@]}" -eq 8 ]
	[ "$(echo "${lines[0]}" | cut -d, -f3)" = AAPL ]
	[ "$(requests '/q/d/l/?s=aapl.us&i=d$')" -eq 1 ]
}

@test "stooq: No data is an unknown symbol, exit 1" {
	run -1 --separate-stderr qts-fetch stooq:nope.us
	[ "$stderr" = "qts-fetch: stooq:nope.us: No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked" ]
}

@test "stooq: daily bars only" {
	run -2 --separate-stderr qts-fetch --tf 1h stooq:aapl.us
	[ "${stderr_lines[0]}" = "qts-fetch: stooq:aapl.us: --tf 1h: stooq serves 1d" ]
}

@test "yahoo: an array shorter than the timestamps, or a value neither a number nor null, fails the source; no bar shifted or lost" {
	run -1 --separate-stderr qts-fetch --no-cache yahoo:SHORTARR "${JAN[@]}"
	[ "$stderr" = "qts-fetch: yahoo:SHORTARR: indicators: open has 8 values for 9 timestamps" ]
	run -1 --separate-stderr qts-fetch --no-cache yahoo:STRVAL "${JAN[@]}"
	[ "$stderr" = "qts-fetch: yahoo:STRVAL: indicators: high[4] is neither a number nor null" ]
	# a null is still a bar that is not there (2024-01-04)
	run -0 qts-fetch --no-cache yahoo:AAPL "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
}

@test "stooq and alphavantage: an answer whose bars go back in time or repeat one fails the source; none is dropped unseen" {
	run -1 --separate-stderr qts-fetch stooq:swaprow.us "${JAN[@]}"
	[ "$stderr" = "qts-fetch: stooq:swaprow.us: the answer goes back in time: a bar at 2024-01-05T00:00:00Z after one at 2024-01-08T00:00:00Z" ]
	[ "${lines[*]}" = "system,1970-01-01T00:00:00Z,qts-fetch,error,stooq:swaprow.us: the answer goes back in time: a bar at 2024-01-05T00:00:00Z after one at 2024-01-08T00:00:00Z" ]
	run -1 --separate-stderr qts-fetch stooq:duprow.us "${JAN[@]}"
	[ "$stderr" = "qts-fetch: stooq:duprow.us: the answer repeats the bar at 2024-01-08T00:00:00Z" ]
	# newest first, put in time order: the swapped rows go back in time all the same
	run -1 --separate-stderr qts-fetch alphavantage:SWAPROW "${JAN[@]}"
	[ "$stderr" = "qts-fetch: alphavantage:SWAPROW: the answer goes back in time: a bar at 2024-01-05T00:00:00Z after one at 2024-01-08T00:00:00Z" ]
	# the same rows in order are taken
	run -0 qts-fetch stooq:aapl.us "${JAN[@]}"
	[ "$(dates)" = "$DAYS" ]
}

@test "stooq and alphavantage: a row without data is skipped with a warning naming the first and counting the rest" {
	run -0 --separate-stderr qts-fetch stooq:nanrow.us "${JAN[@]}"
	[ "$stderr" = "qts-fetch: stooq:nanrow.us:5: close: 'NaN' is not a number (a row without data): skipped, and 1 more such row" ]
	[ "$(dates)" = "2024-01-02 2024-01-03 2024-01-05 2024-01-09 2024-01-11 2024-01-12" ]
	run -0 --separate-stderr qts-fetch alphavantage:NANROW "${JAN[@]}"
	# newest first: 2024-01-10's row is the answer's line 4
	[ "$stderr" = "qts-fetch: alphavantage:NANROW:4: volume: '' is not a number (a row without data): skipped, and 1 more such row" ]
	[ "$(dates)" = "2024-01-02 2024-01-03 2024-01-05 2024-01-09 2024-01-11 2024-01-12" ]
	# one row: no count (asked again: what is cached is bars, said when fetched)
	run -0 --separate-stderr qts-fetch --no-cache stooq:nanrow.us --from 2024-01-08 --to 2024-01-09
	[ "$stderr" = "qts-fetch: stooq:nanrow.us:2: close: 'NaN' is not a number (a row without data): skipped" ]
	[ "$(dates)" = "2024-01-09" ]
}

# ---- together ----------------------------------------------------------------------

@test "network sources and files merge in time order" {
	run -0 qts-fetch yahoo:AAPL stooq:msft.us "${JAN[@]}"
	[ "${#lines[@]}" -eq 16 ]
	[ "$(printf '%s\n' "${lines[@]}" | sed -n '1p;2p' | cut -d, -f3 | tr '\n' ' ')" = "AAPL msft.us " ]
	run -2 --separate-stderr qts-fetch yahoo:
	[ "${stderr_lines[0]}" = "qts-fetch: yahoo:: the symbol must be 1 to 31 bytes" ]
}

@test "the completions offer the network sources and their options" {
	TOP=$BATS_TEST_DIRNAME/..
	run -0 bash -c "source '$TOP/completions/bash/qts-fetch'
		COMP_WORDS=(qts-fetch ''); COMP_CWORD=1; cd /nonexistent 2>/dev/null; _qts_fetch; echo \${COMPREPLY[*]}"
	for k in synth: file: yahoo: alphavantage: stooq: alpaca:; do [[ " $output " = *" $k "* ]]; done
	run -0 bash -c "source '$TOP/completions/bash/qts-fetch'
		COMP_WORDS=(qts-fetch --fallback ''); COMP_CWORD=2; _qts_fetch; echo \${COMPREPLY[*]}"
	[ "$output" = "yahoo alphavantage stooq alpaca" ]
	grep -q 'yahoo\\: alphavantage\\: stooq\\: alpaca\\:' "$TOP/completions/zsh/_qts-fetch"
}

# ---- the real vendors (QTS_INTERNET_TESTS=1 only) ----------------------------------

@test "the real Yahoo and Stooq answer (needs the internet)" {
	[ "${QTS_INTERNET_TESTS:-}" = 1 ] || skip "QTS_INTERNET_TESTS=1 runs it"
	unset QTS_YAHOO_URL QTS_STOOQ_URL
	run -0 qts-fetch yahoo:AAPL --from 2024-01-02 --to 2024-01-05
	[ "$(dates)" = "2024-01-02 2024-01-03 2024-01-04 2024-01-05" ]
	run -0 qts-fetch stooq:aapl.us --from 2024-01-02 --to 2024-01-05
	[ "$(dates)" = "2024-01-02 2024-01-03 2024-01-04 2024-01-05" ]
}

# ---- the cache, end to end ---------------------------------------------------------

@test "cache: a history asked again comes from the cache; a wider one asks only for what it lacks" {
	run -0 qts-fetch yahoo:AAPL --from 2024-01-01 --to 2024-01-10
	first=$output
	[ "$(requests 'chart/AAPL?')" -eq 1 ]
	run -0 qts-fetch yahoo:AAPL --from 2024-01-01 --to 2024-01-10
	[ "$output" = "$first" ]
	[ "$(requests 'chart/AAPL?')" -eq 1 ]
	# the same with the fake gone: --offline
	kill "$(cat "$D/pid")"
	run -0 qts-fetch --offline yahoo:AAPL --from 2024-01-01 --to 2024-01-10
	[ "$output" = "$first" ]
	run -1 --separate-stderr qts-fetch --offline yahoo:AAPL --from 2024-01-01 --to 2024-01-31
	[[ "$stderr" == *"offline: the cache lacks yahoo:AAPL 1d from 2024-01-11T00:00:00Z"* ]]
	run -0 qts-fetch --cache-list
	[[ "$output" == "yahoo	AAPL	1d	2024-01-01"* ]]
}

@test "cache: a wider request fetches only the span after what is cached" {
	run -0 qts-fetch stooq:aapl.us --from 2024-01-03 --to 2024-01-05
	[ "$(requests '/q/d/l/')" -eq 1 ]
	run -0 qts-fetch stooq:aapl.us --from 2024-01-03 --to 2024-01-09
	[ "$(dates)" = "2024-01-03 2024-01-05 2024-01-08 2024-01-09" ]
	[ "$(requests '/q/d/l/')" -eq 2 ]
	[ "$(requests 'd1=20240106&d2=20240109')" -eq 1 ]
	# --no-cache asks for everything again
	run -0 qts-fetch --no-cache stooq:aapl.us --from 2024-01-03 --to 2024-01-09
	[ "$(requests '/q/d/l/')" -eq 3 ]
}

@test "cache: a part left to fetch without a bar (a weekend, the days since) is no failure while the request has bars" {
	run -0 qts-fetch stooq:aapl.us --from 2024-01-03 --to 2024-01-05
	run -0 --separate-stderr qts-fetch stooq:aapl.us --from 2024-01-03 --to 2024-01-07
	[ "$(requests 'd1=20240106&d2=20240107')" -eq 1 ] # Stooq: "No data"
	[ "$stderr" = "" ]
	[ "$(dates)" = "2024-01-03 2024-01-05" ]
	[ "$output" = "$(qts-fetch --no-cache stooq:aapl.us --from 2024-01-03 --to 2024-01-07)" ]
	# the weekend was asked for and had no bar: it is cached
	run -0 qts-fetch stooq:aapl.us --from 2024-01-03 --to 2024-01-07
	[ "$(requests '/q/d/l/')" -eq 3 ]
	# no --to, twice: the second asks only for the days since, which have no bar
	run -0 qts-fetch stooq:msft.us --from 2024-01-08
	first=$output
	run -0 --separate-stderr qts-fetch stooq:msft.us --from 2024-01-08
	[ "$output" = "$first" ] && [ "$stderr" = "" ]
	[ "$(requests 's=msft.us')" -eq 2 ]
	# a request with no bar at all fails, cached or not
	run -1 --separate-stderr qts-fetch stooq:aapl.us --from 2024-01-13 --to 2024-01-14
	[ "$stderr" = "qts-fetch: stooq:aapl.us: No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked" ]
	run -1 --separate-stderr qts-fetch stooq:nope.us --from 2024-01-03 --to 2024-01-07
	[ "$stderr" = "qts-fetch: stooq:nope.us: No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked" ]
	# the weekend cached above, asked alone: the same failure, not asked again
	n=$(requests '/q/d/l/')
	for offline in "" --offline; do
		run -1 --separate-stderr qts-fetch $offline stooq:aapl.us --from 2024-01-06 --to 2024-01-07
		[ "$stderr" = "qts-fetch: stooq:aapl.us: No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked" ]
		[ "$output" = "system,1970-01-01T00:00:00Z,qts-fetch,error,\"stooq:aapl.us: No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked\"" ]
	done
	[ "$(requests '/q/d/l/')" -eq "$n" ]
	run -1 --separate-stderr qts-fetch --no-cache stooq:aapl.us --from 2024-01-06 --to 2024-01-07
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-fetch,error,\"stooq:aapl.us: No data: no such symbol (Stooq's symbols look like aapl.us), or no bars in the dates asked\"" ]
}
