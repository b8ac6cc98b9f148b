#!/bin/sh
# Stop-loss, take-profit and trailing stop per position: the exit orders
# qts-risk generates from prices, and qts-sim filling them at the next open.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 100 | qts-strategy sma-cross fast=3 slow=8 short=1 size=300 \
	| qts-risk --stop-loss 0.03 --take-profit 0.05 --trailing-stop 0.04 \
	| qts-sim | grep -E '^(risk|order),|^fill,.*,risk-'
