#!/bin/sh
# Sector concentration: AAA and BBB are both tech; together at most 60% of
# equity.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB,CCC --count 40 | qts-strategy sma-cross fast=3 slow=8 size=400 \
	| qts-risk --sectors sectors.csv --max-sector 0.6 | grep '^risk,'
