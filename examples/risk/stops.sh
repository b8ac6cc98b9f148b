#!/bin/sh
# Stop-loss, take-profit and trailing stop per position: the exits qts-risk
# generates from prices (a target of 0 for every strategy, `*`), and the
# orders qts-sim makes from them for what it holds, filled at the next open.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 100 | qts-strategy sma-cross fast=3 slow=8 short=1 size=300 \
	| qts-risk --stop-loss 0.03 --take-profit 0.05 --trailing-stop 0.04 \
	| qts-sim | grep -E '^risk,|^target,.*,\*$|^fill,[^,]*,[^,]*,\*-'
