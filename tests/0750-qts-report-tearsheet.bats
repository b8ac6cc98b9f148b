#!/usr/bin/env bats
# qts-report --html: the tearsheet's parts exist and hold the right
# numbers.  Tables and bars are checked against qts-report's own --json,
# text and --trades output; the figures only the page draws (histogram,
# rolling volatility, Sharpe ratio and beta over 126 returns, exposure,
# contribution by symbol, the benchmark's column and yearly returns) are
# recomputed from the stream by tests/0750-tearsheet.py in Python's
# standard library, with pyfolio's definitions (rolling_volatility,
# rolling_sharpe: std with ddof 1; empyrical.beta: ddof 0).  Real data:
# ORCL and YHOO daily bars, long and short on an SMA(10, 30) cross.

load helper

CHECK=$BATS_TEST_DIRNAME/0750-tearsheet.py

setup_file() {
	[ -f "$DATA/orcl-1995-2014.txt" ] || return 0
	cd "$BATS_FILE_TMPDIR" || return 1
	# twenty years: year ticks, a log scale; three: months, linear
	qts-fetch -s ORCL "$DATA/orcl-1995-2014.txt" -s YHOO "$DATA/yhoo-1996-2014.txt" |
		qts-strategy sma-cross fast=10 slow=30 short=1 weight=0.4 | qts-sim > long.csv
	qts-fetch -s ORCL "$DATA/orcl-2003-2005.txt" -s YHOO "$DATA/yhoo-2003-2005.txt" |
		qts-strategy sma-cross fast=10 slow=30 short=1 weight=0.4 | qts-sim > short.csv
	for r in long short; do
		qts-report -b ORCL --html "$BATS_FILE_TMPDIR/$r.html" $r.csv > $r.txt
		qts-report -b ORCL --json $r.csv > $r.json
		qts-report --trades $r.csv > $r.trades # (-b would do nothing: refused)
	done
}

setup() {
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	T=$BATS_FILE_TMPDIR
}

@test "every part is there; tags balance; no script, no URL, no fixed-size drawing" {
	for r in long short; do
		run -0 python3 "$CHECK" parts "$T/$r.html"
	done
}

@test "drawdowns, yearly bars, heatmap, metrics and round trips equal qts-report's own output" {
	for r in long short; do
		run -0 python3 "$CHECK" tables "$T/$r.html" "$T/$r.json" "$T/$r.txt" "$T/$r.trades"
	done
	# the same five drawdowns as the text report
	[ "$(grep -c '<tr class="dd"' "$T/long.html")" -eq 5 ]
}

@test "histogram, rolling windows, exposure, contribution and the benchmark recomputed from the stream" {
	for r in long short; do
		run -0 python3 "$CHECK" figures "$T/$r.html" "$T/$r.csv" ORCL
	done
	grep -q 'Rolling volatility (126 days)' "$T/long.html"
	grep -q 'Rolling beta to ORCL (126 days)' "$T/long.html"
}

@test "rolling windows: a month (21 days) on a run shorter than a year" {
	qts-fetch -s ORCL "$DATA/orcl-2014.txt" | qts-fetch -f 2014-01-01 -u 2014-08-31 - |
		qts-strategy buy-hold size=100 | qts-sim > "$BATS_TEST_TMPDIR/s.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/s.html" "$BATS_TEST_TMPDIR/s.csv"
	grep -q 'Rolling Sharpe ratio (21 days)' "$BATS_TEST_TMPDIR/s.html"
	grep -q 'data-window="21"' "$BATS_TEST_TMPDIR/s.html"
	! grep -q 'id="rolling-beta"' "$BATS_TEST_TMPDIR/s.html" || false
}

@test "equity: log scale when the curve spans more than tenfold, --html-log forces it" {
	grep -q '<svg class="chart equity"[^>]*data-log="1"' "$T/long.html"
	grep -q 'as the curve spans more than tenfold' "$T/long.html"
	grep -q '<svg class="chart equity"[^>]*data-log="0"' "$T/short.html"
	run -0 qts-report -b ORCL --html-log off --html "$BATS_TEST_TMPDIR/off.html" "$T/long.csv"
	grep -q 'data-log="0"' "$BATS_TEST_TMPDIR/off.html"
	run -0 qts-report -b ORCL --html-log on --html "$BATS_TEST_TMPDIR/on.html" "$T/short.csv"
	grep -q 'data-log="1"' "$BATS_TEST_TMPDIR/on.html"
	qts-report -b ORCL --html "$BATS_TEST_TMPDIR/default.html" "$T/short.csv"
	run -0 qts-report -b ORCL --html-log auto --html "$BATS_TEST_TMPDIR/auto.html" "$T/short.csv"
	cmp "$BATS_TEST_TMPDIR/auto.html" "$BATS_TEST_TMPDIR/default.html"
	# the 10x rule: 100 -> 1000 is not past tenfold, 100 -> 1001 is
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 2 100 3 500 4 1000 > "$BATS_TEST_TMPDIR/x10.csv"
	qts-report --html "$BATS_TEST_TMPDIR/x10.html" "$BATS_TEST_TMPDIR/x10.csv" > /dev/null
	grep -q 'data-log="0"' "$BATS_TEST_TMPDIR/x10.html"
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 2 100 3 500 4 1001 > "$BATS_TEST_TMPDIR/x10.csv"
	qts-report --html "$BATS_TEST_TMPDIR/x10.html" "$BATS_TEST_TMPDIR/x10.csv" > /dev/null
	grep -q 'data-log="1"' "$BATS_TEST_TMPDIR/x10.html"
	# no logarithm of equity at or below zero: linear, and said
	printf 'equity,2024-01-0%d,0,%s,0,0,0,0\n' 2 100 3 -5 4 10 > "$BATS_TEST_TMPDIR/neg.csv"
	qts-report --html-log on --html "$BATS_TEST_TMPDIR/neg.html" "$BATS_TEST_TMPDIR/neg.csv" > /dev/null
	grep -q 'data-log="0"' "$BATS_TEST_TMPDIR/neg.html"
	grep -q 'equity at or below zero has no logarithm' "$BATS_TEST_TMPDIR/neg.html"
}

@test "--html-log: a value other than auto, on or off is a usage error" {
	run --separate-stderr -2 qts-report --html-log sometimes --html /dev/null /dev/null
	[[ $stderr == *"qts-report: --html-log: 'sometimes' is not auto, on or off"* ]]
}

@test "date axis: years on a long run, months on a short one; round value ticks" {
	# the wide equity chart of twenty years: a tick every 5 years
	labels=$(sed -n '/<div class="w">/,/<\/svg>/p' "$T/long.html" | sed -n '/class="chart equity"/,/<\/svg>/p' |
		grep -o 'class="xl"[^>]*>[^<]*' | sed 's/.*>//' | tr '\n' ' ')
	[ "$labels" = "2000 2005 2010 " ]
	# three years: every 6 months
	labels=$(sed -n '/class="chart equity"/,/<\/svg>/p' "$T/short.html" | grep -o 'class="xl"[^>]*>[^<]*' |
		sed 's/.*>//' | sort -u | tr '\n' ' ')
	[[ $labels == *"Jan 2004"*"Jul 2004"* ]]
	# the log axis: 1, 2 and 5 times powers of ten
	labels=$(sed -n '/class="chart equity"/,/<\/svg>/p' "$T/long.html" | grep -o 'class="yl"[^>]*>[^<]*' |
		sed 's/.*>//' | sort -u | tr '\n' ' ')
	[[ $labels =~ ^((100k|200k|500k|1M|2M|5M|10M)\ )+$ ]]
	# underwater: round percentages
	labels=$(sed -n '/class="chart underwater"/,/<\/svg>/p' "$T/long.html" | grep -o 'class="yl"[^>]*>[^<]*' |
		sed 's/.*>//' | sort -u | tr '\n' ' ')
	[[ $labels =~ ^((-?(0|10|20|30|40|50|60|70|80|90|100)%)\ )+$ ]]
}

# layout HTML: lay the page out at 1400 and at 390 pixels wide in headless
# Chromium and print, for each, the document's scroll width, its client
# width, the charts shown, the narrowest chart and the smallest chart text
# (pixels).
layout() {
	chromium=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$chromium" ] || skip "chromium is not installed (Debian package chromium)"
	cat > "$BATS_TEST_TMPDIR/wrap.html" <<-EOF
	<!DOCTYPE html><html><body>
	<iframe id="w1400" src="file://$1" style="width:1400px;height:900px;border:0"></iframe>
	<iframe id="w390" src="file://$1" style="width:390px;height:900px;border:0"></iframe>
	<script>
	function measure(fr) {
		var d = fr.contentDocument, shown = 0, least = 1e9, text = 1e9;
		for (var s of d.querySelectorAll("svg.chart")) {
			var b = s.getBoundingClientRect();
			if (b.width > 0) { shown++; least = Math.min(least, b.width); }
		}
		for (var t of d.querySelectorAll("svg.chart text")) {
			var b = t.getBoundingClientRect();
			if (b.height > 0) text = Math.min(text, b.height);
		}
		return [fr.id, d.documentElement.scrollWidth, d.documentElement.clientWidth, shown,
			Math.round(least), Math.round(text)].join(" ");
	}
	window.onload = function () {
		document.body.setAttribute("data-layout",
			measure(document.getElementById("w1400")) + ";" + measure(document.getElementById("w390")));
	};
	</script></body></html>
	EOF
	prof=$(mktemp -d)
	"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--allow-file-access-from-files --user-data-dir="$prof" --window-size=1900,1000 \
		--virtual-time-budget=10000 --dump-dom "file://$BATS_TEST_TMPDIR/wrap.html" \
		2> /dev/null | grep -o 'data-layout="[^"]*"' | sed 's/data-layout="//; s/"$//' | tr ';' '\n'
	rm -rf "$prof"
}

@test "Chromium at 1400 and 390 pixels: no horizontal overflow, every chart drawn and legible" {
	run -0 layout "$T/long.html"
	echo "$output"
	[ "${#lines[@]}" -eq 2 ]
	read -r id sw cw shown least text <<< "${lines[0]}"
	# the client width is the frame's less a scroll bar
	[ "$id" = w1400 ] && [ "$sw" -le "$cw" ] && [ "$cw" -ge 1380 ]
	# 10 charts (the 3 wide ones drawn wide), each at least 500 px wide
	[ "$shown" -eq 10 ] && [ "$least" -ge 500 ] && [ "$text" -ge 10 ]
	read -r id sw cw shown least text <<< "${lines[1]}"
	[ "$id" = w390 ] && [ "$sw" -le "$cw" ] && [ "$cw" -ge 370 ]
	# on a phone the wide charts are drawn at the usual size; text stays
	# at least 8 px high
	[ "$shown" -eq 10 ] && [ "$least" -ge 300 ] && [ "$text" -ge 8 ]
}

@test "Chromium on a phone: the page renders, not blank" {
	chromium=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$chromium" ] || skip "chromium is not installed (Debian package chromium)"
	printf '<!DOCTYPE html><html><body style="margin:0"><iframe src="file://%s" style="width:390px;height:2400px;border:0"></iframe></body></html>\n' \
		"$T/short.html" > "$BATS_TEST_TMPDIR/phone.html"
	prof=$(mktemp -d)
	"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--allow-file-access-from-files --user-data-dir="$prof" --window-size=500,2400 \
		--screenshot="$BATS_TEST_TMPDIR/phone.png" "file://$BATS_TEST_TMPDIR/phone.html" 2> /dev/null || true
	rm -rf "$prof"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/phone.png")" -gt 20000 ]
}

@test "a stream of equity alone: exposure from its fields, no contribution without fills" {
	printf 'equity,2024-01-0%d,0,%s,%s,%s,0,0\n' 2 100 0 0 3 101 50 -50 4 99 0 0 > "$BATS_TEST_TMPDIR/e.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/e.html" "$BATS_TEST_TMPDIR/e.csv"
	# 50 long and 50 short... as gross 50, net -50: all of it short
	grep -q 'data-gross-max="0.49504950495049505"' "$BATS_TEST_TMPDIR/e.html"
	grep -q 'data-net-min="-0.49504950495049505"' "$BATS_TEST_TMPDIR/e.html"
	grep -q 'No fill.' "$BATS_TEST_TMPDIR/e.html"
	run -0 python3 "$CHECK" parts "$BATS_TEST_TMPDIR/e.html"
}

@test "contribution: the 25 largest P&L drawn, every symbol in the table" {
	{
		echo 'equity,2024-01-02,100000,100000,0,0,0,0'
		for i in $(seq 1 26); do
			printf 'fill,2024-01-03,S%02d,b%d,buy,10,100,0,0\n' "$i" "$i"
		done
		for i in $(seq 1 26); do
			printf 'fill,2024-01-04,S%02d,s%d,sell,10,%d,0,0\n' "$i" "$i" $((100 + i))
		done
		echo 'equity,2024-01-04,100000,103510,0,0,0,0'
	} > "$BATS_TEST_TMPDIR/many.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/m.html" "$BATS_TEST_TMPDIR/many.csv"
	[ "$(grep -c '<rect class="sym"' "$BATS_TEST_TMPDIR/m.html")" -eq 25 ]
	# S01 gained least (10): the one left out of the drawing, not the table
	! grep -q 'data-symbol="S01"' "$BATS_TEST_TMPDIR/m.html" || false
	grep -q '<td class="l">S01</td><td>2</td><td class="pos">10.00</td><td>0.01%</td>' "$BATS_TEST_TMPDIR/m.html"
	# 10 * (1 + ... + 26) = 3510: the symbols add up to the change of equity
	grep -q 'All symbols</td><td></td><td>3510.00</td>' "$BATS_TEST_TMPDIR/m.html"
	grep -q 'Other (cash, fees, flows)</td><td></td><td>0.00</td>' "$BATS_TEST_TMPDIR/m.html"
}

@test "round trips: the last 1000 in the table, every one in the P&L histogram" {
	awk 'BEGIN { print "equity,2024-01-02,100000,100000,0,0,0,0"
		for (i = 0; i < 2002; i++)
			printf "fill,2024-01-03T%02d:%02d:%02dZ,AAA,o%d,%s,1,%d,0,0\n", i / 3600, i / 60 % 60,
				i % 60, i, i % 2 ? "sell" : "buy", 100 + i % 2
		print "equity,2024-01-03T23:00:00Z,100000,101001,0,0,0,0" }' > "$BATS_TEST_TMPDIR/t.csv"
	run -0 qts-report --html "$BATS_TEST_TMPDIR/t.html" "$BATS_TEST_TMPDIR/t.csv"
	grep -q 'The last 1000 of 1001 round trips' "$BATS_TEST_TMPDIR/t.html"
	[ "$(grep -c '<tr class="trip"' "$BATS_TEST_TMPDIR/t.html")" -eq 1000 ]
	grep -q '<svg class="chart trade-pnl"[^>]*data-n="1001"' "$BATS_TEST_TMPDIR/t.html"
}
