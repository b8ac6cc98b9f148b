#!/bin/sh
# Stop-loss, take-profit and trailing stop per position: the exit orders
# qts-risk generates from prices.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 100 | awk -f strategy.awk \
	| qts-risk --stop-loss 0.03 --take-profit 0.05 --trailing-stop 0.04 \
	| grep -E '^(risk|order),'
