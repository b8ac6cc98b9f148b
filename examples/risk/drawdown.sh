#!/bin/sh
# Drawdown: past 2% below the equity peak, flatten everything and refuse
# new risk (drop --on-drawdown to only refuse new risk); qts-sim fills the
# exits at the next open.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 200 \
	| qts-strategy sma-cross fast=3 slow=8 short=1 size=300 \
	| qts-risk --max-drawdown 0.02 --on-drawdown flatten \
	| qts-sim | grep -E '^(risk|order),|^fill,.*,risk-'
