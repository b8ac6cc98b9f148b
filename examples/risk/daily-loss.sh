#!/bin/sh
# Daily loss limit: after losing 3000 in a UTC day, no new risk that day.
cd "$(dirname "$0")" || exit 1
qts-fetch --tf 1h --session 09:30-16:00 synth:AAA,BBB --count 200 \
	| qts-strategy sma-cross fast=3 slow=8 short=1 size=2000 \
	| qts-risk --daily-loss 3000 | grep '^risk,'
