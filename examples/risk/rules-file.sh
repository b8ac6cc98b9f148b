#!/bin/sh
# The same rules from a file (see limits.rules), as a live stage would run.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB --count 60 | awk -f strategy.awk \
	| qts-risk --rules limits.rules | grep -E '^(risk|order),'
