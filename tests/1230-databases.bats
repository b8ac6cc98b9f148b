#!/usr/bin/env bats
# qts and databases: SQLite (sqlite3 -csv -header, .import) and a real
# PostgreSQL server (psql's \copy) feed qts-fetch, and qts's output loads
# back into tables; examples/db and the README's Databases section run as
# written.  The server is started here in a temporary directory, listening
# on a unix socket there only (no TCP port), and stopped on every way out.
# initdb refuses to run as root: then the server runs as nobody.

load helper

TOP=$BATS_TEST_DIRNAME/..

pg_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { echo "$d"; return; }
	done
	command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v initdb)"
}

# Run as the server's user: nobody when we are root, else ourselves.
as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

stop_pg() {
	[ -n "${PGDIR:-}" ] && [ -d "$PGDIR" ] || return 0
	if [ -f "$PGDIR/data/postmaster.pid" ]; then
		(cd "$PGDIR" && as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -m immediate -w -t 20 stop) >/dev/null 2>&1 ||
			kill -KILL "$(head -1 "$PGDIR/data/postmaster.pid")" 2>/dev/null || true
	fi
	rm -rf "$PGDIR"
}

start_pg() {
	PGDIR=$(mktemp -d /tmp/qts-pg.XXXXXX)
	echo "$PGDIR" > "$BATS_FILE_TMPDIR/pgdir"
	[ "$(id -u)" -ne 0 ] || chown nobody: "$PGDIR"
	chmod 700 "$PGDIR"
	cd "$PGDIR" # the server's user may not enter the directory we are in
	as_pg "$PGBIN/initdb" -D "$PGDIR/data" -U qts --auth=trust -E UTF8 --no-locale --no-sync \
		> "$PGDIR/initdb.log" 2>&1 || { cat "$PGDIR/initdb.log" >&2; return 1; }
	as_pg "$PGBIN/pg_ctl" -D "$PGDIR/data" -l "$PGDIR/server.log" -w -t 60 \
		-o "-c listen_addresses='' -k $PGDIR -c fsync=off" start > /dev/null ||
		{ cat "$PGDIR/server.log" >&2; return 1; }
}

setup_file() {
	PGBIN=$(pg_bindir) || true
	export PGBIN
	if [ -n "$PGBIN" ] && command -v psql >/dev/null 2>&1; then
		start_pg || { stop_pg; return 1; }
	fi
}

teardown_file() {
	PGDIR=$(cat "$BATS_FILE_TMPDIR/pgdir" 2>/dev/null) || true
	stop_pg
}

setup() {
	T=$BATS_TEST_TMPDIR
	cd "$T"
	PGDIR=$(cat "$BATS_FILE_TMPDIR/pgdir" 2>/dev/null) || true
	export PGHOST=$PGDIR PGUSER=qts PGDATABASE=postgres PGOPTIONS="-c client_min_messages=warning" PSQLRC=/dev/null
}

need_sqlite() {
	command -v sqlite3 >/dev/null 2>&1 || skip "sqlite3 is not installed"
}

need_pg() {
	[ -n "$PGBIN" ] || skip "PostgreSQL's initdb, pg_ctl and postgres are not installed"
	command -v psql >/dev/null 2>&1 || skip "psql is not installed"
}

# A fresh database for a test.
pg_db() {
	PGDATABASE=t$BATS_TEST_NUMBER
	psql -X -q -d postgres -c "drop database if exists $PGDATABASE" -c "create database $PGDATABASE"
}

BARS_SQL='create table bars(type text, ts text, symbol text, tf text, open real, high real, low real, close real, volume integer)'

# ---- SQLite ---------------------------------------------------------------------

@test "sqlite3: bars loaded into a table and read back are the stream they were" {
	need_sqlite
	qts-fetch --seed 5 --count 300 synth:AAA,BBB,CCC > want.csv
	grep '^bar,' want.csv | sqlite3 q.db "$BARS_SQL" '.import --csv /dev/stdin bars'
	[ "$(sqlite3 q.db 'select count(*) from bars')" -eq 900 ]
	run -0 --separate-stderr sh -c "sqlite3 -csv -header q.db \
		'select symbol, ts as time, open, high, low, close, volume from bars order by ts, symbol' | qts-fetch -"
	[ -z "$stderr" ]
	[ "$output" = "$(cat want.csv)" ]
}

@test "sqlite3: columns in any order and any of the time names; --columns for CSV without a header" {
	need_sqlite
	qts-fetch --tf 1h --count 40 synth:X > want.csv
	grep '^bar,' want.csv | sqlite3 q.db "$BARS_SQL" '.import --csv /dev/stdin bars'
	for t in date time datetime timestamp; do
		run -0 sh -c "sqlite3 -csv -header q.db 'select volume, close, low, high, open, ts as $t, symbol from bars order by ts' |
			qts-fetch -"
		[ "$output" = "$(cat want.csv)" ]
	done
	run -0 sh -c "sqlite3 -csv q.db 'select ts, open, high, low, close, volume from bars order by ts' |
		qts-fetch -s X --columns time,open,high,low,close,volume -"
	[ "$output" = "$(cat want.csv)" ]
	# without a symbol column or -s, standard input has no symbol: an error that says so
	run -1 --separate-stderr sh -c "sqlite3 -csv -header q.db 'select ts as time, open, high, low, close from bars' |
		qts-fetch -"
	[ -n "$stderr" ]
}

@test "sqlite3: fills of a backtest fed from a query load back, one row a fill" {
	need_sqlite
	qts-fetch --seed 9 --count 250 synth:AAA,BBB | grep '^bar,' | sqlite3 q.db "$BARS_SQL" '.import --csv /dev/stdin bars'
	sqlite3 -csv -header q.db 'select symbol, ts as time, open, high, low, close, volume from bars order by ts, symbol' |
		qts-fetch - | qts-strategy sma-cross fast=10 slow=30 size=100 | qts-sim > run.csv
	grep '^fill,' run.csv | sqlite3 q.db \
		'create table fills(type, ts, symbol, id, side, qty real, price real, commission real, slippage real)' \
		'.import --csv /dev/stdin fills'
	n=$(grep -c '^fill,' run.csv)
	[ "$n" -gt 4 ]
	[ "$(sqlite3 q.db 'select count(*) from fills')" -eq "$n" ]
	# the same fills as the stream, field for field
	[ "$(sqlite3 -csv q.db 'select * from fills order by rowid' | sed 's/\.0,/,/g; s/\.0$//')" = "$(grep '^fill,' run.csv)" ]
}

@test "examples/db/sqlite.sh runs: fills and trades in tables, summed in SQL" {
	need_sqlite
	run -0 --separate-stderr env PATH="$QTS_BIN:$PATH" sh "$TOP/examples/db/sqlite.sh" ex.db
	[ -z "$stderr" ]
	[ "${lines[0]}" = "symbol  side  fills  qty    commission" ]
	[ "$(sqlite3 ex.db 'select count(*) from fills')" -eq "$(grep -c '^fill,' run.csv)" ]
	[ "$(sqlite3 ex.db 'select count(*) from trades')" -eq "$(($(qts-report --trades run.csv | wc -l) - 1))" ]
}

# ---- PostgreSQL -------------------------------------------------------------------

@test "psql: the server of this file answers on its socket, and runs as nobody when we are root" {
	need_pg
	run -0 psql -X -Atc 'select 1'
	[ "$output" = 1 ]
	[ -S "$PGDIR/.s.PGSQL.5432" ]
	owner=$(stat -c %U "$PGDIR/data")
	if [ "$(id -u)" -eq 0 ]; then [ "$owner" = nobody ]; else [ "$owner" = "$(id -un)" ]; fi
}

@test "psql: daily bars through a timestamptz table, read back with \\copy, are the stream they were" {
	need_pg
	pg_db
	qts-fetch --seed 5 --count 300 synth:AAA,BBB,CCC > want.csv
	psql -X -q -c 'create table bars(type text, ts timestamptz, symbol text, tf text,
		open float8, high float8, low float8, close float8, volume bigint)'
	grep '^bar,' want.csv | psql -X -q -c '\copy bars from stdin csv'
	[ "$(psql -X -Atc 'select count(*) from bars')" -eq 900 ]
	# timestamptz as PostgreSQL writes it: 2024-01-01 00:00:00+00
	[ "$(psql -X -Atc 'select ts from bars order by ts limit 1')" = "2024-01-01 00:00:00+00" ]
	run -0 --separate-stderr sh -c "psql -X -c '\\copy (select symbol, ts as time, open, high, low, close, volume
		from bars order by ts, symbol) to stdout csv header' | qts-fetch -"
	[ -z "$stderr" ]
	[ "$output" = "$(cat want.csv)" ]
}

@test "psql: minute bars written in New York time (-05, -04 offsets) are the same instants" {
	need_pg
	pg_db
	qts-fetch --tf 1m --from 2024-03-08 --to 2024-03-12 synth:X > want.csv
	psql -X -q -c 'create table bars(type text, ts timestamptz, symbol text, tf text,
		open float8, high float8, low float8, close float8, volume bigint)'
	grep '^bar,' want.csv | psql -X -q -c '\copy bars from stdin csv'
	export PGOPTIONS="$PGOPTIONS -c TimeZone=America/New_York"
	[ "$(psql -X -Atc 'select ts from bars order by ts limit 1')" = "2024-03-08 09:30:00-05" ]
	[ "$(psql -X -Atc 'select ts from bars order by ts desc limit 1')" = "2024-03-12 15:59:00-04" ]
	run -0 --separate-stderr sh -c "psql -X -c '\\copy (select symbol, ts as time, open, high, low, close, volume
		from bars order by ts) to stdout csv header' | qts-fetch -t 1m -"
	[ -z "$stderr" ]
	[ "$output" = "$(cat want.csv)" ]
}

@test "psql: fills and trades load back with \\copy from stdin, with and without a header" {
	need_pg
	pg_db
	qts-fetch --seed 9 --count 250 synth:AAA,BBB | qts-strategy sma-cross fast=10 slow=30 size=100 | qts-sim > run.csv
	psql -X -q -c 'create table fills(type text, ts timestamptz, symbol text, id text, side text,
		qty float8, price float8, commission float8, slippage float8)' \
		-c 'create table trades(symbol text, side text, qty float8, entry_ts timestamptz, exit_ts timestamptz,
		entry_price float8, exit_price float8, commission float8, pnl float8, return float8, holding_days float8)'
	grep '^fill,' run.csv | psql -X -q -c '\copy fills from stdin csv'
	qts-report --trades run.csv | psql -X -q -c '\copy trades from stdin csv header'
	[ "$(psql -X -Atc 'select count(*) from fills')" -eq "$(grep -c '^fill,' run.csv)" ]
	[ "$(psql -X -Atc 'select count(*) from trades')" -eq "$(($(qts-report --trades run.csv | wc -l) - 1))" ]
	# the prices exactly (float8 text is the shortest that reads back)
	[ "$(psql -X -Atc "select string_agg(price::text, ' ' order by ts, id) from fills")" = \
	  "$(grep '^fill,' run.csv | sort -t, -k2,2 -k4,4 | cut -d, -f7 | tr '\n' ' ' | sed 's/ $//')" ]
}

@test "examples/db/postgres.sh runs, and sums what examples/db/sqlite.sh sums" {
	need_pg
	need_sqlite
	pg_db
	run -0 --separate-stderr env PATH="$QTS_BIN:$PATH" sh "$TOP/examples/db/postgres.sh"
	[ -z "$stderr" ]
	pg_pnl=$(psql -X -At -F, -c 'select symbol, count(*), round(sum(pnl)::numeric, 2) from trades group by 1 order by 1')
	mkdir s && cd s
	env PATH="$QTS_BIN:$PATH" sh "$TOP/examples/db/sqlite.sh" ex.db > /dev/null
	sq_pnl=$(sqlite3 -csv ex.db 'select symbol, count(*), printf("%.2f", sum(pnl)) from trades group by 1 order by 1')
	[ -n "$pg_pnl" ] && [ "$pg_pnl" = "$sq_pnl" ]
}

@test "README: the Databases section's PostgreSQL example runs as written" {
	need_pg
	pg_db
	awk '/^```sh postgres$/ { n++; f = "pg" n ".sh"; next } /^```$/ { f = ""; next } f { print > f }' "$TOP/README.md"
	[ -f pg1.sh ]
	for ex in pg*.sh; do
		run -0 --separate-stderr env PATH="$QTS_BIN:$PATH" sh -e "$ex"
		[[ "$output" == *"(2 rows)"* ]]
	done
}
