#!/bin/sh
# examples/live/run.sh — the paper-trading loop of qts(7) end to end, fed by
# a replay: one-minute bars released at their market time divided by PACE,
# a strategy and risk limits that learn the real fills and positions from
# the simulator through two FIFOs, and a report at the end.
#
#   sh examples/live/run.sh [FILE [PACE]]
#
# FILE is an event file (default: a trading day of one-minute bars of four
# symbols, generated); PACE how many times faster than real time (default
# 1200: the day's 390 minutes in about 20 seconds).  Nothing else is needed
# and no network is used.  See README.
set -e
PACE=${2:-1200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ -n "$1" ]; then
	FILE=$1
else
	FILE=$tmp/day.csv
	qts-fetch --seed 7 --tf 1m --from 2024-03-04 --count 390 synth:AAPL,MSFT,NVDA,SPY >"$FILE"
fi

# The feedback: one FIFO per reader (the readers of one FIFO would split
# its bytes), each written by tee after the simulator.  tee -p (GNU) goes
# on writing to the report when a stage that read a FIFO has ended,
# instead of dying of SIGPIPE with the last fills unsaid.
mkfifo "$tmp/fb1" "$tmp/fb2"

qts-fetch --pace "$PACE" "$FILE" |
	qts-strategy --feedback "$tmp/fb1" sma-cross fast=5 slow=20 size=100 |
	qts-risk --feedback "$tmp/fb2" --max-position 300 --max-drawdown 0.1 |
	qts-sim --live --commission bps=1 |
	tee -p "$tmp/fb1" "$tmp/fb2" |
	qts-report --live --every 2s
