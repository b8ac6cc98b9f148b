#!/bin/sh
# Drawdown: past 2% below the equity peak, flatten everything and refuse
# new risk (drop --on-drawdown to only refuse new risk).
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 200 | awk -f strategy.awk \
	| qts-risk --max-drawdown 0.02 --on-drawdown flatten | grep -E '^(risk|order),'
