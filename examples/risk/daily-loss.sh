#!/bin/sh
# Daily loss limit: after losing 3000 in a UTC day, no new risk that day.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 200 | awk -f strategy.awk \
	| qts-risk --daily-loss 3000 | grep '^risk,'
