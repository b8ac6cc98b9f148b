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

# has PROGRAM FLAG: whether PROGRAM --help lists FLAG
has() { "$1" --help 2>/dev/null | grep -q -e "$2\\b"; }
say() { echo "live: $*" >&2; }

# The replay: paced when qts-fetch can pace, else as fast as it goes.
if has qts-fetch --pace; then
	source="qts-fetch --pace $PACE"
else
	source="qts-fetch"
	say "qts-fetch has no --pace yet: replaying at full speed"
fi

# The feedback: one FIFO per reader (the readers of one FIFO would split
# its bytes), each written by tee after the simulator.  A stage that does
# not take --feedback yet gets no FIFO, and presumes its position.
fifos=
strategy_fb= risk_fb=
if has qts-strategy --feedback; then
	mkfifo "$tmp/fb1"
	strategy_fb="--feedback $tmp/fb1"
	fifos="$fifos $tmp/fb1"
else
	say "qts-strategy has no --feedback yet: it presumes its position"
fi
if has qts-risk --feedback; then
	mkfifo "$tmp/fb2"
	risk_fb="--feedback $tmp/fb2"
	fifos="$fifos $tmp/fb2"
else
	say "qts-risk has no --feedback yet: its limits use the position it presumes"
fi
live=
if has qts-sim --live; then
	live=--live
else
	say "qts-sim has no --live: its equity is written at the end"
fi

# tee -p (GNU) goes on writing to the report when a stage that read a
# FIFO has ended, instead of dying of SIGPIPE with the last fills unsaid.
tee_p=
if tee -p </dev/null >/dev/null 2>&1; then
	tee_p=-p
fi

# shellcheck disable=SC2086 # the flags above are words on purpose
$source "$FILE" |
	qts-strategy $strategy_fb sma-cross fast=5 slow=20 size=100 |
	qts-risk $risk_fb --max-position 300 --max-drawdown 0.1 |
	qts-sim $live --commission bps=1 |
	tee $tee_p $fifos |
	qts-report --live --every 2s
