#!/bin/sh
# Targets as weights of equity from two strategies that add up, on two
# symbols; shorts are refused with --no-short.
. "$(dirname "$0")/common.sh"
qts-fetch --count 20 -t 1d synth:AAA,BBB > "$tmp/bars.csv"
awk -F, '{ print } /^bar,/ && $3 == "BBB" { n++;
	if (n == 5) { printf "target,%s,AAA,0.3,weight,trend\n", $2; printf "target,%s,AAA,0.2,weight,value\n", $2;
		printf "target,%s,BBB,-0.2,weight,trend\n", $2 } }' "$tmp/bars.csv" |
qts-sim --no-short --close-at-end | tee "$tmp/out" | show
last_equity < "$tmp/out"
