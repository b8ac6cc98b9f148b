#!/bin/sh
# qts and SQLite: bars kept in a table feed a backtest through
# `sqlite3 -csv -header`, and what qts writes (bars, fills, trades) is
# loaded back into tables with .import.
#
#   sh examples/db/sqlite.sh [DB]      (default qts.db; needs sqlite3 3.32+)
#
# qts-fetch reads the query's CSV as a vendor file: a header naming a
# time column (date, time, datetime or timestamp), open, high, low,
# close, optionally volume and symbol, in any order; see qts-fetch(1).
set -eu
db=${1:-qts.db}

sqlite3 "$db" <<'SQL'
create table if not exists bars(type text, ts text, symbol text, tf text,
	open real, high real, low real, close real, volume integer);
create table if not exists fills(type text, ts text, symbol text, id text, side text,
	qty real, price real, commission real, slippage real);
delete from bars;
delete from fills;
drop table if exists trades;
SQL

# The table filled from qts's own bars, as the stream writes them (a
# vendor's history would come in the same way).
qts-fetch --seed 7 --from 2023-01-01 --to 2023-12-31 synth:AAA,BBB | grep '^bar,' |
	sqlite3 "$db" '.import --csv /dev/stdin bars'

# A query feeds the backtest; its fills and trades go back in.
sqlite3 -csv -header "$db" \
	'select symbol, ts as time, open, high, low, close, volume from bars order by ts, symbol' |
	qts-fetch - | qts-strategy sma-cross fast=10 slow=30 size=100 | qts-sim --commission bps=10 > run.csv
grep '^fill,' run.csv | sqlite3 "$db" '.import --csv /dev/stdin fills'
# A header line names the columns of a new table.
qts-report --trades run.csv > trades.csv
sqlite3 "$db" '.import --csv trades.csv trades'

sqlite3 -header -column "$db" \
	'select symbol, side, count(*) as fills, sum(qty) as qty, round(sum(commission), 2) as commission
	 from fills group by symbol, side order by symbol, side'
sqlite3 -header -column "$db" \
	'select symbol, count(*) as trades, round(sum(pnl), 2) as pnl from trades group by symbol order by symbol'
