#!/bin/sh
# Order kinds and time in force: market, limit, stop and stop_limit with
# day, gtc, ioc and fok, hand-written next to generated bars.
. "$(dirname "$0")/common.sh"
qts-fetch --count 10 -t 1d synth:ACME > "$tmp/bars.csv"
# Orders stamped at the first bar's close (2024-01-02) follow that bar.
cat > "$tmp/orders.csv" <<'ORDERS'
order,2024-01-02,ACME,mkt-1,buy,100,market,,,gtc,demo
order,2024-01-02,ACME,lim-1,buy,100,limit,170,,gtc,demo
order,2024-01-02,ACME,stp-1,sell,100,stop,,169,gtc,demo
order,2024-01-02,ACME,stl-1,buy,50,stop_limit,174.5,174.8,day,demo
order,2024-01-02,ACME,ioc-1,buy,10,limit,160,,ioc,demo
order,2024-01-02,ACME,fok-1,buy,10,market,,,fok,demo
ORDERS
qts-sim "$tmp/bars.csv" "$tmp/orders.csv" | tee "$tmp/out" | show
last_equity < "$tmp/out"
