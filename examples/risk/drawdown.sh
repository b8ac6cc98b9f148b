#!/bin/sh
# Drawdown: past 2% below the equity peak, flatten everything and refuse
# new risk for a day of stream time, then trade again from a new peak (drop
# --on-drawdown to only refuse new risk, holding positions); qts-sim fills
# the exits at the next open.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 200 \
	| qts-strategy sma-cross fast=3 slow=8 short=1 size=300 \
	| qts-risk --max-drawdown 0.02 --on-drawdown flatten --drawdown-cooldown 1d \
	| qts-sim | grep -E '^risk,|^target,.*,\*$|^fill,[^,]*,[^,]*,\*-'
