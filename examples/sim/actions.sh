#!/bin/sh
# Corporate actions and universe changes: a 2:1 split, a cash dividend and
# a delisting that closes the position at its last price.
. "$(dirname "$0")/common.sh"
qts-fetch --count 20 -t 1d synth:ACME,GONE > "$tmp/bars.csv"
cat > "$tmp/actions.csv" <<'ACTIONS'
date,symbol,action,value
2024-01-08,ACME,split,2
2024-01-10,ACME,dividend,0.25
2024-01-12,GONE,delist
ACTIONS
awk -F, '{ print } /^bar,/ && $2 ~ /^2024-01-03/ { printf "target,%s,%s,100,qty,demo\n", $2, $3 }' "$tmp/bars.csv" |
qts-sim --actions "$tmp/actions.csv" | tee "$tmp/out" | show
last_equity < "$tmp/out"
