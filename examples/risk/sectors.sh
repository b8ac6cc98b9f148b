#!/bin/sh
# Sector concentration: AAA and BBB are both tech; together at most 60% of
# equity.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA,BBB,CCC --count 20 | awk -f strategy.awk \
	| qts-risk --sectors sectors.csv --max-sector 0.6 | grep '^risk,'
