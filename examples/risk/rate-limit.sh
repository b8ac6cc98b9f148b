#!/bin/sh
# Rate limit: at most 3 targets or orders approved in any 10 days of
# stream time.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 60 | qts-strategy sma-cross fast=2 slow=4 short=1 size=500 \
	| qts-risk --max-orders 3/10d | grep '^risk,'
