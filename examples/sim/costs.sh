#!/bin/sh
# Costs: per-share commission with a minimum and a cap, slippage in basis
# points and square-root market impact, on a daily target series.
. "$(dirname "$0")/common.sh"
qts-fetch --count 60 -t 1d synth:ACME > "$tmp/bars.csv"
# a target of 400 shares from day 30, flat from day 45
awk -F, '{ print } /^bar,/ { n++; if (n == 30) printf "target,%s,ACME,400,qty,demo\n", $2;
	if (n == 45) printf "target,%s,ACME,0,qty,demo\n", $2 }' "$tmp/bars.csv" |
qts-sim --commission per-share=0.005,min=1,max-pct=1 --slippage bps=5 \
	--impact sqrt,k=0.1,window=20 | tee "$tmp/out" | show
last_equity < "$tmp/out"
