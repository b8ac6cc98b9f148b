#!/bin/sh
# Price sanity: limit orders 8% from the close are rejected with a 5% band.
# The awk step routes each target of qts-strategy as a limit order for the
# difference, 8% through the close.
cd "$(dirname "$0")" || exit 1
qts-fetch synth:AAA --count 60 | qts-strategy sma-cross fast=3 slow=8 short=1 size=500 \
	| awk -F, -v OFS=, '{ print }
		$1 == "bar" { px[$3] = $8 }
		$1 == "target" {
			d = $4 - held[$3]; held[$3] = $4; n++
			if (d != 0) print "order", $2, $3, "ex-" n, (d > 0 ? "buy" : "sell"), (d > 0 ? d : -d),
				"limit", px[$3] * (d > 0 ? 1.08 : 0.92), "", "day", "example"
		}' \
	| qts-risk --price-band 0.05 | grep '^risk,'
