#!/bin/sh
# examples/running-live/trader.sh — the live pipeline a service runs
# (qts-trader.service): the feed, kept in a journal; a strategy warmed up
# on the day's journal; risk limits with an emergency stop; the broker
# with its order journal; every stage's figures for Prometheus; the
# broker's answers kept in a second journal and fed back to the strategy
# and the risk limits.  A restart (systemd's Restart=on-failure, after a
# crash or a reboot) picks up where the journals end: see README.
#
# Every setting comes from the environment (the unit's Environment= and
# EnvironmentFile= lines); keys only from there, never from argv.
set -eu
: "${QTS_HOME:=/var/lib/qts}"                 # journals, the report
: "${QTS_RUN:=${RUNTIME_DIRECTORY:-/run/qts}}" # the FIFOs and the kill file
: "${QTS_METRICS:=$QTS_HOME/metrics}"          # node_exporter's textfile directory
: "${QTS_SYMBOLS:=AAPL,MSFT,NVDA,SPY}"
: "${QTS_BROKER:=alpaca}"                      # or paper, or ib
: "${QTS_BROKER_FLAGS:=--max-order-value 50000}"
: "${QTS_STRATEGY:=sma-cross fast=10 slow=30 weight=0.2}"
: "${QTS_RISK:=--max-position-pct 0.3 --max-drawdown 0.1}"

cd "$QTS_HOME"
mkdir -p "$QTS_RUN" "$QTS_METRICS"
fb1=$QTS_RUN/fb1
fb2=$QTS_RUN/fb2
rm -f "$fb1" "$fb2"
mkfifo "$fb1" "$fb2"

# Where the feed's journal (today's, with --rotate-daily) ends: the live
# feed goes on after it, and the strategy warms up on what it holds.
resume=
[ -e feed.qj ] && resume=$(qts journal cat --types bar feed.qj | tail -n 1 | cut -d, -f2)

live() {
	if [ -n "${QTS_FEED:-}" ]; then
		$QTS_FEED # a replay in place of the network (the tests, a rehearsal)
	else
		qts-fetch --live --buffer 100000 --overflow drop --heartbeat 10s \
			--metrics "$QTS_METRICS/fetch.prom" "alpaca:$QTS_SYMBOLS"
	fi |
		# what the journal holds already is not appended again (the
		# live feed fills its start from the vendor's history)
		awk -F, -v t="$resume" '$1 != "bar" || $2 > t { print; fflush() }' |
		qts journal --sync 1s --rotate-daily --metrics "$QTS_METRICS/journal.prom" feed.qj
}

# The strategy reads the day's journal, then the live feed.  What it
# writes up to the journal's end is history (its targets then were acted
# on before the restart, or are overtaken by the next one: a target is a
# position, not a trade), so only what comes after goes on.  Times are
# compared as text: qts writes them all alike, to the second for bars.
{
	[ ! -e feed.qj ] || qts journal cat feed.qj
	live
} |
	# shellcheck disable=SC2086
	qts-strategy --feedback "$fb1" --metrics "$QTS_METRICS/strategy.prom" $QTS_STRATEGY |
	awk -F, -v t="$resume" 't == "" || $2 > t { print; fflush() }' |
	# shellcheck disable=SC2086
	qts-risk --feedback "$fb2" --kill-file "$QTS_RUN/stop" --metrics "$QTS_METRICS/risk.prom" $QTS_RISK |
	# shellcheck disable=SC2086
	qts-broker "$QTS_BROKER" --journal orders.journal --heartbeat 10s \
		--metrics "$QTS_METRICS/broker.prom" $QTS_BROKER_FLAGS |
	qts journal --sync block --rotate-daily --metrics "$QTS_METRICS/executions.prom" executions.qj |
	tee -p "$fb1" "$fb2" |
	qts-report --live --every 1m 2>/dev/null > report.txt
