#!/bin/sh
# Partial fills: --max-participation caps each fill at 1% of the bar's
# volume; the rest stays working and fills on later bars.
. "$(dirname "$0")/common.sh"
qts-fetch --count 390 -t 1m synth:ACME > "$tmp/bars.csv"
first=$(awk -F, '/^bar,/ { print $2; exit }' "$tmp/bars.csv")
awk -F, -v t="$first" '{ print } NR == 1 { printf "target,%s,ACME,1000,qty,demo\n", t }' "$tmp/bars.csv" |
qts-sim --max-participation 0.01 --leverage 2 | tee "$tmp/out" | show | head -20
last_equity < "$tmp/out"
