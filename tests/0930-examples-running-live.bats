#!/usr/bin/env bats
# examples/running-live: trader.sh, the pipeline its units run, on a
# replay with the paper broker, stopped half way and started again as
# systemd would after a crash; and the unit files themselves.

load helper

EX=$BATS_TEST_DIRNAME/../examples/running-live

setup() {
	T=$BATS_TEST_TMPDIR
	mkdir -p "$T/home" "$T/run"
	qts-fetch --seed 7 --tf 1m --from 2024-03-04 --count 390 synth:AAPL,MSFT > "$T/day.csv"
}

trader() { # FEED-COMMAND
	QTS_HOME=$T/home QTS_RUN=$T/run QTS_METRICS=$T/home/metrics QTS_BROKER=paper \
		QTS_BROKER_FLAGS="--cash 100000" QTS_STRATEGY="sma-cross fast=5 slow=20 weight=0.2" \
		QTS_FEED="$1" timeout 120 sh "$EX/trader.sh"
}

@test "running-live: trader.sh on a replay writes its journals, figures and report" {
	trader "qts-fetch $T/day.csv"
	cd "$T/home"
	for f in feed.qj executions.qj orders.journal report.txt; do [ -s "$f" ]; done
	for s in journal strategy risk broker executions; do
		grep -q '^qts_events_in_total' "metrics/$s.prom"
	done
	# the feed journal holds the day, in order, once
	qts journal cat feed.qj | cmp - "$T/day.csv"
	# the broker traded, and said so
	qts journal cat --types fill executions.qj | grep -q '^fill,'
	grep -q 'Trades ' report.txt
	# the FIFOs were made where QTS_RUN says
	[ -p "$T/run/fb1" ] && [ -p "$T/run/fb2" ]
}

@test "running-live: a restart appends only the bars after the journal's end, and the warm-up sends no order" {
	trader "qts-fetch --to 2024-03-04T17:00:00Z $T/day.csv"
	cd "$T/home"
	resume=$(qts journal cat --types bar feed.qj | tail -n 1 | cut -d, -f2)
	[ "$resume" = "$(qts-fetch --to 2024-03-04T17:00:00Z "$T/day.csv" | tail -n 1 | cut -d, -f2)" ]
	before=$(qts journal cat --types order,update executions.qj | wc -l)
	# the whole day again, as a feed that starts before the journal's end
	trader "qts-fetch $T/day.csv"
	qts journal cat feed.qj | cmp - "$T/day.csv"
	# what the broker did after the restart is all after the resume point:
	# the warm-up's targets never reached it
	qts journal cat --types order,update executions.qj | tail -n +$((before + 1)) > after.csv
	[ -s after.csv ]
	! awk -F, -v t="$resume" '$2 <= t' after.csv | grep -q . || false
	# and no order id was sent twice over the two runs
	qts journal cat --types order executions.qj | cut -d, -f4 | sort | uniq -d > dup.txt
	[ ! -s dup.txt ]
}

@test "running-live: the units run trader.sh with the keys from a file, never argv" {
	grep -q '^ExecStart=/usr/local/lib/qts/trader.sh$' "$EX/qts-trader.service"
	grep -q '^EnvironmentFile=/etc/qts/alpaca.env$' "$EX/qts-trader.service"
	grep -q '^Restart=on-failure$' "$EX/qts-trader.service"
	! grep -i 'APCA_API\|secret' "$EX/qts-trader.service" | grep -v '^#' | grep -q . || false
	grep -q '^OnCalendar=' "$EX/qts-report.timer"
	# each unit is sections of Key=Value lines
	for u in "$EX"/*.service "$EX"/*.timer; do
		! grep -v -E '^(#.*|\[(Unit|Service|Timer|Install)\]|[A-Za-z]+=.*|)$' "$u" || false
	done
	if command -v systemd-analyze > /dev/null && [ -d /run/systemd/system ]; then
		systemd-analyze verify --man=no "$EX/qts-report.timer" "$EX/qts-report.service"
	fi
	# the crontab's lines are five times and a command
	! grep -v -E '^(#.*|([^ ]+ +){5}[^ ].*|)$' "$EX/crontab" || false
	sh -n "$EX/trader.sh"
}
