#!/bin/sh
# A daily job for cron: append today's bars to a journal, rerun the
# backtest on the whole history, and keep the latest report as JSON and
# HTML.  A crontab line, after the US close:
#
#   30 22 * * 1-5  cd $HOME/research && /path/to/qts/examples/cron-daily.sh bars.csv.gz
#
# The day's data here is generated (synth:); in production it comes from a
# vendor file or API with qts-fetch.  Every step stops the job on an error
# (set -e), and files are replaced only when whole (write, then mv).
set -eu
journal=${1:-bars.csv.gz}
day=${QTS_DAY:-$(date -u +%Y-%m-%d)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Today's bars, appended as one more gzip member (readers take them whole).
qts-fetch --seed "$(echo "$day" | tr -d -)" --from "$day" --to "$day" synth:AAA,BBB | gzip > "$tmp/today.gz"
cat "$tmp/today.gz" >> "$journal"

qts-fetch --on-bad skip "$journal" |
	qts-strategy sma-cross fast=10 slow=30 weight=0.3 |
	qts-sim --commission bps=10 > "$tmp/run.csv"
qts-report --json --html "$tmp/report.html" "$tmp/run.csv" > "$tmp/report.json"
mv "$tmp/report.json" report.json
mv "$tmp/report.html" report.html
