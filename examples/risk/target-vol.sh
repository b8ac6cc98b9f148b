#!/bin/sh
# Volatility targeting: targets scaled so the position's realised
# volatility (20 daily returns, annualised over 252) is at most 10%.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA --count 150 | qts-strategy sma-cross fast=5 slow=20 short=1 weight=0.5 \
	| qts-risk --target-vol 0.1 --vol-window 20 --vol-periods 252 | grep -E '^(risk|target),'
