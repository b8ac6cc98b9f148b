#!/bin/sh
# Order rate limit: at most 3 orders in any 10 days of stream time.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 60 | awk -v kind=order -f strategy.awk \
	| qts-risk --max-orders 3/10d | grep '^risk,'
