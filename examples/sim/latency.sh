#!/bin/sh
# Latency on quotes: an order becomes eligible 250ms after its time and
# fills at the ask (buys) or the bid (sells) of the first quote after.
. "$(dirname "$0")/common.sh"
cat > "$tmp/q.csv" <<'QUOTES'
quote,2024-01-02T14:30:00Z,ACME,99.98,100.02,300,300
order,2024-01-02T14:30:00Z,ACME,q-1,buy,100,market,,,gtc,demo
quote,2024-01-02T14:30:00.1Z,ACME,99.99,100.03,300,300
quote,2024-01-02T14:30:00.3Z,ACME,100.01,100.05,300,300
order,2024-01-02T14:30:00.3Z,ACME,q-2,sell,100,limit,100.02,,gtc,demo
quote,2024-01-02T14:30:01Z,ACME,100.03,100.06,300,300
QUOTES
qts-sim --latency 250ms --commission per-share=0.005,min=1 "$tmp/q.csv" | tee "$tmp/out" | show
last_equity < "$tmp/out"
