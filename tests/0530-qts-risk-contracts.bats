#!/usr/bin/env bats
# qts-risk with contract specifications (--instrument, --instruments, and
# `instrument` lines of a rules file): a contract's multiplier in the
# weight conversion, the limits on value and the view's equity, as
# qts-risk(1) gives them.  Expected values are worked from the formulas
# there and checked against what qts-sim does with the same spec.

load helper

ES=ES,multiplier=10,margin=1000

# sma-cross on 2006-day-001.txt as ES: half the equity long on a cross up
signals() {
	qts-fetch -s ES "file:$DATA/2006-day-001.txt" | qts-strategy sma-cross fast=5 slow=15 weight=0.5
}

setup() {
	[ -r "$DATA/2006-day-001.txt" ] || skip "no $DATA"
	signals > "$BATS_TEST_TMPDIR/sig.csv"
}

# Every reduce of a weight target by --max-position-notional X, at
# multiplier M: from `target A reduced to N` after the bar closing at c,
# A = trunc(0.5 * equity / (c * M)) and N = floor(X / (c * M)).  Prints
# the count of reduces checked, or the first line that disagrees.
check_reduces() {
	awk -F, -v X="$1" -v M="$2" '
		$1 == "bar" { c = $8 }
		$1 == "risk" && $5 == "reduce" {
			split($6, w, " "); n = w[5]
			if (n != int(X / (c * M) + 1e-9)) { print "bad: " $0 " at close " c; exit 1 }
			k++
		}
		END { print k + 0 }'
}

@test "contracts: --max-position-notional caps a contract at notional / (price x multiplier)" {
	qts-risk --cash 1000000 --instrument "$ES" --max-position-notional 200000 "$BATS_TEST_TMPDIR/sig.csv" \
		> "$BATS_TEST_TMPDIR/risk.csv"
	# the first cross up, on 2006-01-30's close of 3677.52:
	# 0.5 * 1000000 / (3677.52 * 10) = 13.6 contracts asked,
	# 200000 / 36775.2 = 5.4 allowed
	grep -q '^risk,2006-01-31T00:00:00Z,ES,max-position-notional,reduce,target 13 reduced to 5$' \
		"$BATS_TEST_TMPDIR/risk.csv"
	run -0 check_reduces 200000 10 < "$BATS_TEST_TMPDIR/risk.csv"
	[ "$output" -ge 5 ]
	# qts-sim, with the same spec, holds what qts-risk allowed: never
	# more than 200000 / (3408.02 * 10) = 5.9 contracts, at the lowest close
	qts-sim --cash 1000000 --instrument "$ES" "$BATS_TEST_TMPDIR/risk.csv" > "$BATS_TEST_TMPDIR/sim.csv"
	run -0 awk -F, '$1 == "position" && ($4 > 5 || $4 < 0) { print; bad = 1 } $1 == "fill" { n++ }
		END { if (!n) print "no fills"; exit bad || !n }' "$BATS_TEST_TMPDIR/sim.csv"
	[ -z "$output" ]
	# a share (no spec here): 500000 / 3677.52 = 135.9 asked,
	# 200000 / 3677.52 = 54.4 allowed
	qts-risk --cash 1000000 --max-position-notional 200000 "$BATS_TEST_TMPDIR/sig.csv" |
		grep -q '^risk,2006-01-31T00:00:00Z,ES,max-position-notional,reduce,target 135 reduced to 54$'
}

@test "contracts: a weight target converts to the contracts qts-sim would order" {
	# qts-sim alone orders trunc(0.5 * 1000000 / (close * 10)) for the
	# first target; qts-risk, capping it, names the same figure
	qts-sim --cash 1000000 --instrument "$ES" "$BATS_TEST_TMPDIR/sig.csv" > "$BATS_TEST_TMPDIR/sim.csv"
	want=$(awk -F, '$1 == "update" && $5 == "new" { split($NF, w, " "); print w[4]; exit }' \
		"$BATS_TEST_TMPDIR/sim.csv")
	[ "$want" = 13 ]
	qts-risk --cash 1000000 --instrument "$ES" --max-position 1 "$BATS_TEST_TMPDIR/sig.csv" |
		grep -q "^risk,2006-01-31T00:00:00Z,ES,max-position,reduce,target $want reduced to 1\$"
	# --max-position-pct 0.3: 0.3 * 1000000 / (3677.52 * 10) = 8.2 contracts
	qts-risk --cash 1000000 --instrument "$ES" --max-position-pct 0.3 "$BATS_TEST_TMPDIR/sig.csv" |
		grep -q "^risk,2006-01-31T00:00:00Z,ES,max-position-pct,reduce,target $want reduced to 8\$"
}

@test "contracts: the view's equity books a contract's P&L times its multiplier" {
	# 13 contracts taken at the close of 2006-01-30, 3677.52; the breach
	# on 2006-02-02's close of 3677.05 reports equity
	# 1000000 + 13 * (3677.05 - 3677.52) * 10 = 999938.9 (a share's
	# view would book a tenth of the loss, on 135 units)
	qts-risk --cash 1000000 --instrument "$ES" --max-drawdown 0.001 "$BATS_TEST_TMPDIR/sig.csv" \
		> "$BATS_TEST_TMPDIR/risk.csv"
	run -0 awk -F, '
		$1 == "bar" { c = $8 }
		$1 == "target" && !entry { entry = c }
		$1 == "risk" && $4 == "max-drawdown" && $5 == "breach" {
			split($6, w, " "); eq = w[6]; sub(/;$/, "", eq)
			want = 1000000 + 13 * (c - entry) * 10
			d = eq - want; if (d < 0) d = -d # the detail has 10 digits
			print (d < 1e-3 ? "ok" : "equity " eq ", want " want); exit
		}' "$BATS_TEST_TMPDIR/risk.csv"
	[ "$output" = ok ]
	grep -q '^risk,2006-02-03T00:00:00Z,,max-drawdown,breach,.*(equity 999938.9; ' "$BATS_TEST_TMPDIR/risk.csv"
}

@test "contracts: --instruments FILE and a rules file's instrument line mean --instrument" {
	qts-risk --cash 1000000 --instrument "$ES" --max-position-notional 200000 "$BATS_TEST_TMPDIR/sig.csv" \
		> "$BATS_TEST_TMPDIR/want.csv"
	printf '# contracts\n\nNQ,multiplier=20\n%s\n' "$ES" > "$BATS_TEST_TMPDIR/ins.csv"
	qts-risk --cash 1000000 --instruments "$BATS_TEST_TMPDIR/ins.csv" --max-position-notional 200000 \
		"$BATS_TEST_TMPDIR/sig.csv" | cmp - "$BATS_TEST_TMPDIR/want.csv"
	printf 'cash 1000000\ninstrument %s\nmax-position-notional 200000\n' "$ES" > "$BATS_TEST_TMPDIR/rules"
	qts-risk --rules "$BATS_TEST_TMPDIR/rules" "$BATS_TEST_TMPDIR/sig.csv" | cmp - "$BATS_TEST_TMPDIR/want.csv"
	printf 'cash 1000000\ninstruments %s\nmax-position-notional 200000\n' "$BATS_TEST_TMPDIR/ins.csv" \
		> "$BATS_TEST_TMPDIR/rules"
	qts-risk --rules "$BATS_TEST_TMPDIR/rules" "$BATS_TEST_TMPDIR/sig.csv" | cmp - "$BATS_TEST_TMPDIR/want.csv"
	# the last spec of a symbol wins: a share again
	qts-risk --cash 1000000 --instruments "$BATS_TEST_TMPDIR/ins.csv" --instrument ES,multiplier=1 \
		--max-position-notional 200000 "$BATS_TEST_TMPDIR/sig.csv" |
		grep -q '^risk,2006-01-31T00:00:00Z,ES,max-position-notional,reduce,target 135 reduced to 54$'
}

@test "contracts: bad specs and files are named; multiplier up to 1e9" {
	run -2 --separate-stderr qts-risk --instrument ES,lots=3 < /dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --instrument ES: unknown key 'lots' (multiplier, margin, tick)" ]
	run -2 --separate-stderr qts-risk --instrument ES,multiplier=1.5e9 < /dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --instrument ES: multiplier: 1.5e9 is out of range [1e-09, 1e+09]" ]
	run -0 qts-risk --instrument ES,multiplier=1e9 "$BATS_TEST_TMPDIR/sig.csv"
	run -1 --separate-stderr qts-risk --instruments "$BATS_TEST_TMPDIR/none.csv" < /dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/none.csv: No such file or directory" ]
	printf 'ES,multiplier=10\nNQ,multiplier=x\n' > "$BATS_TEST_TMPDIR/ins.csv"
	run -1 --separate-stderr qts-risk --instruments "$BATS_TEST_TMPDIR/ins.csv" < /dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/ins.csv:2: instrument NQ: multiplier: 'x' is not a number" ]
	printf 'instrument ES,multiplier=0\n' > "$BATS_TEST_TMPDIR/rules"
	run -2 --separate-stderr qts-risk --rules "$BATS_TEST_TMPDIR/rules" < /dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/rules:1: instrument ES: multiplier: 0 is out of range [1e-09, 1e+09]" ]
}

@test "contracts: valued and stopped at a price of 0 and below, as qts-sim marks them; a share is not" {
	# CL in April 2020: bought at 10, quoted at -37.  qts-risk held its
	# last price of 20 and the stop-loss never fired while qts-sim marked
	# the loss; it fires on the bar at -37 now.
	printf '%s\n' 'bar,2020-04-01T00:00:00Z,CL,1d,20,20,20,20,1000' \
		'target,2020-04-01T12:00:00Z,CL,1,qty,s' \
		'bar,2020-04-02T00:00:00Z,CL,1d,10,10,10,10,1000' \
		'bar,2020-04-03T00:00:00Z,CL,1d,-37,-37,-37,-37,1000' \
		'bar,2020-04-06T00:00:00Z,CL,1d,5,5,5,5,1000' > "$BATS_TEST_TMPDIR/cl.csv"
	CL=CL,multiplier=1000,margin=5000
	run -0 qts-risk --instrument $CL --stop-loss 0.6 "$BATS_TEST_TMPDIR/cl.csv"
	# (the view's average is the price at approval, 20: |20| x 0.6 below it is 8)
	[ "$(grep -A1 '^bar,2020-04-03' <<<"$output" | tail -1)" = "risk,2020-04-04T00:00:00Z,CL,stop-loss,flatten,price -37 vs average 20: loss beyond 0.6" ]
	# once, and on through qts-sim with the same spec
	run -0 sh -c "qts-risk --instrument $CL --stop-loss 0.6 '$BATS_TEST_TMPDIR/cl.csv' | qts-sim --instrument $CL | grep -c '^risk,.*price -37 vs average 20'"
	[ "$output" = 1 ]
	# a share's bar of zeros values nothing: no stop
	sed 's/-37/0/g' "$BATS_TEST_TMPDIR/cl.csv" > "$BATS_TEST_TMPDIR/zero.csv"
	run -0 qts-risk --stop-loss 0.6 "$BATS_TEST_TMPDIR/zero.csv"
	[ "$(grep -c '^risk,' <<<"$output")" = 1 ] # at 5, below 8
	[[ "$(grep '^risk,' <<<"$output")" == *"price 5 vs average 20"* ]]
	# entered below 0 (average -10): F of the average's size, |-10| x 0.5,
	# a stop at -15 and a take-profit at -5 (average x (1 - F) would be a
	# stop at -5, already passed at the entry)
	printf '%s\n' 'bar,2020-04-20T00:00:00Z,CL,1d,-10,-10,-10,-10,1000' \
		'target,2020-04-21T00:00:00Z,CL,1,qty,s' \
		'bar,2020-04-21T00:00:00Z,CL,1d,-14,-14,-14,-14,1000' \
		'bar,2020-04-22T00:00:00Z,CL,1d,-16,-16,-16,-16,1000' > "$BATS_TEST_TMPDIR/negavg.csv"
	run -0 qts-risk --instrument $CL --stop-loss 0.5 "$BATS_TEST_TMPDIR/negavg.csv"
	[ "$(grep '^risk,' <<<"$output")" = "risk,2020-04-23T00:00:00Z,CL,stop-loss,flatten,price -16 vs average -10: loss beyond 0.5" ]
	sed 's/-14/-6/g; s/-16/-4/g' "$BATS_TEST_TMPDIR/negavg.csv" > "$BATS_TEST_TMPDIR/negtp.csv"
	run -0 qts-risk --instrument $CL --take-profit 0.5 "$BATS_TEST_TMPDIR/negtp.csv"
	[ "$(grep '^risk,' <<<"$output")" = "risk,2020-04-23T00:00:00Z,CL,take-profit,flatten,price -4 vs average -10: gain beyond 0.5" ]
	# at a price of 0 or below, the limits on value let it shrink, not
	# grow; a weight target has no number of it; a price band measures |last|
	printf '%s\n' 'bar,2020-04-03T00:00:00Z,CL,1d,-37,-37,-37,-37,1000' \
		'target,2020-04-04T00:00:00Z,CL,2,qty,s' \
		'target,2020-04-04T00:00:00Z,CL,0.1,weight,w' > "$BATS_TEST_TMPDIR/neg.csv"
	run -0 qts-risk --instrument $CL --max-gross 1e6 "$BATS_TEST_TMPDIR/neg.csv"
	grep -qx 'risk,2020-04-04T00:00:00Z,CL,max-gross,reject,target 2 qty: position 0; allowed up to 0' <<<"$output"
	grep -qx "risk,2020-04-04T00:00:00Z,CL,no-price,reject,target 0.1 weight: CL's price -37 is not above 0: no weight of equity is a number of it" <<<"$output"
	# at 0 as well (a unit worth 0: no cap divided by it)
	run -0 qts-risk --instrument $CL --max-gross 1e6 <(sed 's/-37/0/g' "$BATS_TEST_TMPDIR/neg.csv")
	grep -qx 'risk,2020-04-04T00:00:00Z,CL,max-gross,reject,target 2 qty: position 0; allowed up to 0' <<<"$output"
	printf '%s\n' 'bar,2020-04-03T00:00:00Z,CL,1d,-37,-37,-37,-37,1000' \
		'order,2020-04-04T00:00:00Z,CL,o1,buy,1,limit,1,,day,s' > "$BATS_TEST_TMPDIR/band.csv"
	run -0 qts-risk --instrument $CL --price-band 2 "$BATS_TEST_TMPDIR/band.csv"
	grep -qx 'order,2020-04-04T00:00:00Z,CL,o1,buy,1,limit,1,,day,s' <<<"$output"
	run -0 qts-risk --instrument $CL --price-band 1 "$BATS_TEST_TMPDIR/band.csv"
	grep -qx 'risk,2020-04-04T00:00:00Z,CL,price-band,reject,order o1: limit 1 is more than 1 from last -37' <<<"$output" ||
		{ echo "$output"; false; }
}
