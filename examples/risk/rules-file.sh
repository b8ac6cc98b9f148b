#!/bin/sh
# The same rules from a file (see limits.rules), as a live stage would run.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 60 | qts-strategy sma-cross fast=3 slow=8 short=1 size=2000 \
	| qts-risk --rules limits.rules | grep -E '^(risk|order),'
