#!/bin/sh
# examples/live/paper.sh — the live pipeline with qts-broker at its end: the
# stage a real broker sits in, here with the paper broker, so that the
# journal, the fuses and the kill switch are tried before any money is.
#
#   sh examples/live/paper.sh [FILE [PACE [DIR]]]
#
# FILE and PACE as for run.sh (a generated day of four symbols, 1200 times
# real time).  DIR keeps the journal and the kill file (default: a
# temporary directory): run it again with the same DIR and the orders
# already decided on are not sent twice.  `touch DIR/stop` while it runs
# flattens every position and halts trading; `rm DIR/stop` resumes.
# No network is used.  See README.
set -e
PACE=${2:-1200}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
DIR=${3:-$tmp}

if [ -n "$1" ]; then
	FILE=$1
else
	FILE=$tmp/day.csv
	qts-fetch --seed 7 --tf 1m --from 2024-03-04 --count 390 synth:AAPL,MSFT,NVDA,SPY >"$FILE"
fi

mkfifo "$tmp/fb1" "$tmp/fb2"

qts-fetch --pace "$PACE" "$FILE" |
	qts-strategy --feedback "$tmp/fb1" sma-cross fast=5 slow=20 size=100 |
	qts-risk --feedback "$tmp/fb2" --max-position 300 --max-drawdown 0.1 --kill-file "$DIR/stop" |
	qts-broker paper --journal "$DIR/orders.journal" --max-order-value 50000 --commission bps=1 |
	tee -p "$tmp/fb1" "$tmp/fb2" |
	qts-report --live --every 2s
