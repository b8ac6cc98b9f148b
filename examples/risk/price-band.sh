#!/bin/sh
# Price sanity: limit orders 8% from the close are rejected with a 5% band.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA --count 20 | awk -v limit=0.08 -f strategy.awk \
	| qts-risk --price-band 0.05 | grep '^risk,'
