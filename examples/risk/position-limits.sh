#!/bin/sh
# Position limits: per symbol in units, value and share of equity, and on
# the whole book (gross, net, number of positions).  Shows the risk events.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB,CCC --count 40 \
	| qts-strategy sma-cross fast=3 slow=8 short=1 size=2000 \
	| qts-risk --max-position 1500 --max-position-notional 150000 --max-position-pct 0.5 \
		--max-gross 300000 --max-net 200000 --max-positions 2 \
	| grep '^risk,'
