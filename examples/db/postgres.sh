#!/bin/sh
# qts and PostgreSQL: bars kept in a table feed a backtest through psql's
# \copy ... to stdout csv header, and what qts writes (bars, fills,
# trades) is loaded back with \copy ... from stdin.
#
#   sh examples/db/postgres.sh         (the server and database from
#                                       PGHOST, PGPORT, PGUSER, PGDATABASE)
#
# qts-fetch reads the query's CSV as a vendor file (see qts-fetch(1));
# timestamptz text such as 2024-01-02 00:00:00+00 is a time it reads.
set -eu
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@"; }

psql <<'SQL'
create table if not exists bars(type text, ts timestamptz, symbol text, tf text,
	open float8, high float8, low float8, close float8, volume bigint);
create table if not exists fills(type text, ts timestamptz, symbol text, id text, side text,
	qty float8, price float8, commission float8, slippage float8);
create table if not exists trades(symbol text, side text, qty float8,
	entry_ts timestamptz, exit_ts timestamptz, entry_price float8, exit_price float8,
	commission float8, pnl float8, return float8, holding_days float8);
truncate bars, fills, trades;
SQL

# The table filled from qts's own bars, as the stream writes them.
qts-fetch --seed 7 --from 2023-01-01 --to 2023-12-31 synth:AAA,BBB | grep '^bar,' |
	psql -c '\copy bars from stdin csv'

# A query feeds the backtest; its fills and trades go back in.
psql -c '\copy (select symbol, ts as time, open, high, low, close, volume from bars order by ts, symbol) to stdout csv header' |
	qts-fetch - | qts-strategy sma-cross fast=10 slow=30 size=100 | qts-sim --commission bps=10 > run.csv
grep '^fill,' run.csv | psql -c '\copy fills from stdin csv'
qts-report --trades run.csv | psql -c '\copy trades from stdin csv header'

psql -c 'select symbol, side, count(*) as fills, sum(qty) as qty, round(sum(commission)::numeric, 2) as commission
	from fills group by symbol, side order by symbol, side'
psql -c 'select symbol, count(*) as trades, round(sum(pnl)::numeric, 2) as pnl
	from trades group by symbol order by symbol'
