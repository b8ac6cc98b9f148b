#!/usr/bin/env bats
# qts-risk: every rule on hand-written events, the rules file, the
# emergency stop (kill file and signals, on a live fifo), flags and errors.

load helper

# Hand-written market data: A at 100 then B at 50, one minute apart.
prices() {
	printf 'bar,2024-01-02T14:30:00Z,A,1m,100,100,100,100,1000\n'
	printf 'bar,2024-01-02T14:30:00Z,B,1m,50,50,50,50,1000\n'
}
T1=2024-01-02T14:31:00Z
target() { printf 'target,%s,%s,%s,%s,s\n' "${4:-$T1}" "$1" "$2" "${3:-qty}"; }
order() { printf 'order,%s,%s,%s,%s,%s,%s,%s,,day,s\n' "${7:-$T1}" "$1" "$2" "$3" "$4" "${6:-market}" "$5"; }
bar() { printf 'bar,%s,%s,1m,%s,%s,%s,%s,1000\n' "$1" "$2" "$3" "$3" "$3" "$3"; }

@test "--help prints usage on stdout, exit 0; --version" {
	run -0 --separate-stderr qts-risk --help
	[[ "$output" == usage:\ qts-risk* ]]
	[ -z "$stderr" ]
	run -0 qts-risk -h
	run -0 qts-risk --version
	[[ "$output" =~ ^qts-risk\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
}

@test "--list shows every rule of --help with its value and summary" {
	run -0 qts-risk --list
	[ "${#lines[@]}" -ge 20 ]
	[ "${lines[0]}" = "# rules: NAME VALUE SUMMARY, the values in effect (- is off)" ]
	[[ "${lines[1]}" == actions\ *-\ *splits,\ dividends* ]]
	[[ "${lines[2]}" == cash\ *100000\ *starting\ equity* ]]
	for r in actions max-position max-position-notional max-position-pct max-gross max-net \
		max-positions sectors max-sector max-drawdown on-drawdown daily-loss target-vol \
		vol-window vol-periods stop-loss take-profit trailing-stop max-orders price-band \
		kill-file cash; do
		grep -q "^$r " <<<"$output"
	done
}

@test "--list reads no stream: an input or an option of the stream with it is a usage error" {
	run -2 --separate-stderr qts-risk --list bars.csv
	[ "${stderr_lines[0]}" = "qts-risk: --list takes no operands: 'bars.csv'" ]
	for o in --feedback=nonexist '--feedback nonexist' '--state s' '--checkpoint-every 10 --state s' -M --fractional \
		'--heartbeat 1s' '--metrics m.prom' '--output-journal j'; do
		run -2 --separate-stderr sh -c "qts-risk --max-position 5 --list $o </dev/null"
		[ "${stderr_lines[0]}" = "qts-risk: --list goes with --rules and rules alone: not ${o%%[ =]*}" ] || { echo "$o: $stderr"; false; }
	done
}

@test "--list shows the values in effect: defaults, then what flags and rules files set, before or after it" {
	run -0 qts-risk --list
	# the defaults, and - for a rule that is off; never a placeholder
	grep -q '^vol-window  *20  *bar returns' <<<"$output"
	grep -q '^vol-periods  *252  *periods' <<<"$output"
	grep -q '^on-drawdown  *block  *after' <<<"$output"
	grep -q '^max-position  *-  *|position|' <<<"$output"
	grep -q '^instrument  *-  *contract' <<<"$output"
	! grep -Eq '^[a-z-]+ +(X|F|N|PATH|FILE|SPEC|DURATION|N/DURATION|block\|flatten) ' <<<"$output" || false
	printf 'max-gross 5e6\nmax-position 100 # a comment\n' >"$BATS_TEST_TMPDIR/rules"
	printf 'ES,multiplier=50,margin=12000\n' >"$BATS_TEST_TMPDIR/ins"
	run -0 qts-risk --rules "$BATS_TEST_TMPDIR/rules" --list --max-orders 10/m --cash 5e4 \
		--instruments "$BATS_TEST_TMPDIR/ins" --instrument CL,multiplier=1000,tick=0.01 \
		--drawdown-cooldown 90m --on-drawdown flatten --max-positions 3 --kill-file "$BATS_TEST_TMPDIR/k"
	grep -q '^cash  *50000  *starting' <<<"$output"
	grep -q '^max-gross  *5000000  *sum' <<<"$output"
	grep -q '^max-position  *100  *|position|' <<<"$output"
	grep -q '^max-orders  *10/1m  *approve' <<<"$output"
	grep -q '^drawdown-cooldown  *90m  *resume' <<<"$output"
	grep -q '^on-drawdown  *flatten  *after' <<<"$output"
	grep -q '^max-positions  *3  *at most' <<<"$output"
	grep -q "^kill-file  *$BATS_TEST_TMPDIR/k  *emergency" <<<"$output"
	grep -q "^instruments  *$BATS_TEST_TMPDIR/ins  *one such" <<<"$output"
	# one line a contract in effect, the file's and the flag's
	[ "$(grep -c '^instrument ' <<<"$output")" -eq 2 ]
	grep -q '^instrument  *ES,multiplier=50,margin=12000  *contract' <<<"$output"
	grep -q '^instrument  *CL,multiplier=1000,tick=0.01  *contract' <<<"$output"
	# a bad value is refused as it would be without --list
	run -2 qts-risk --list --max-position -1
}

@test "every long option is in the man page and both completions" {
	man=$BATS_TEST_DIRNAME/../man/qts-risk.1
	bash_c=$BATS_TEST_DIRNAME/../completions/bash/qts-risk
	zsh_c=$BATS_TEST_DIRNAME/../completions/zsh/_qts-risk
	opts=$(qts-risk --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
	[ "$(wc -l <<<"$opts")" -ge 24 ]
	for o in $opts; do
		grep -q -- "${o#--}" "$man" || { echo "man lacks $o"; return 1; }
		grep -q -- "$o" "$bash_c" || { echo "bash lacks $o"; return 1; }
		grep -q -- "$o" "$zsh_c" || { echo "zsh lacks $o"; return 1; }
	done
}

@test "no rules: every event passes through unchanged, unknown types included" {
	run -0 qts-risk "$FIX/all-types.csv"
	[ "$output" = "$(cat "$FIX/all-types.csv")" ]
	run -0 qts-risk - <"$FIX/all-types.csv"
	[ "$output" = "$(cat "$FIX/all-types.csv")" ]
}

@test "-M and QTS_FORMAT=msgpack write msgpack; same events" {
	qts-risk -M --max-position 50 "$FIX/all-types.csv" >"$BATS_TEST_TMPDIR/o.mp"
	QTS_FORMAT=msgpack qts-risk --max-position 50 "$FIX/all-types.csv" | cmp - "$BATS_TEST_TMPDIR/o.mp"
	run -0 qts cat "$BATS_TEST_TMPDIR/o.mp"
	[ "$output" = "$(qts-risk --max-position 50 "$FIX/all-types.csv")" ]
	qts cat -M "$FIX/all-types.csv" | qts-risk --max-position 50 >"$BATS_TEST_TMPDIR/o.csv"
	[ "$output" = "$(cat "$BATS_TEST_TMPDIR/o.csv")" ]
}

@test "deterministic: same input and flags, same bytes" {
	input() { prices; target A 5000; bar 2024-01-02T14:32:00Z A 80; order A o1 buy 10 '' market 2024-01-02T14:33:00Z; }
	a=$(input | qts-risk --max-position 1000 --stop-loss 0.1 --max-drawdown 0.01 --on-drawdown flatten)
	b=$(input | qts-risk --max-position 1000 --stop-loss 0.1 --max-drawdown 0.01 --on-drawdown flatten)
	[ "$a" = "$b" ]
	[ -n "$a" ]
}

@test "--max-position reduces an order and rejects one at the limit" {
	run -0 qts-risk --max-position 1000 < <(prices; order A o1 buy 800; order A o2 buy 300; order A o3 buy 1)
	[ "${lines[2]}" = "order,$T1,A,o1,buy,800,market,,,day,s" ]
	[ "${lines[3]}" = "risk,$T1,A,max-position,reduce,order o2: qty 300 reduced to 200" ]
	[ "${lines[4]}" = "order,$T1,A,o2,buy,200,market,,,day,s" ]
	[ "${lines[5]}" = "risk,$T1,A,max-position,reject,order o3: position 1000; allowed up to 1000" ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "--max-position-notional and --max-position-pct rewrite targets" {
	run -0 qts-risk --max-position-notional 20000 < <(prices; target A 500)
	[ "${lines[3]}" = "target,$T1,A,200,qty,s" ]
	[[ "${lines[2]}" == *,max-position-notional,reduce,* ]]
	# 0.05 of equity 100000 at 50 is 100 shares; a weight of 0.5 is 1000 shares
	run -0 qts-risk --max-position-pct 0.05 < <(prices; target B 0.5 weight)
	[ "${lines[2]}" = "risk,$T1,B,max-position-pct,reduce,target 1000 reduced to 100" ]
	# a reduced weight target goes on in units: qts-sim would convert a
	# weight with its own equity
	[ "${lines[3]}" = "target,$T1,B,100,qty,s" ]
}

@test "--cash sets the equity that fractions apply to" {
	run -0 qts-risk --cash 10000 --max-position-pct 0.5 < <(prices; target A 100)
	[ "${lines[3]}" = "target,$T1,A,50,qty,s" ]
}

@test "--max-gross and --max-net limit the book" {
	run -0 qts-risk --max-gross 30000 < <(prices; target A 200; target B -400)
	[ "${lines[3]}" = "risk,$T1,B,max-gross,reduce,target -400 reduced to -200" ]
	[ "${lines[4]}" = "target,$T1,B,-200,qty,s" ]
	run -0 qts-risk --max-net 10000 < <(prices; target A 300; target B -300; target A 300)
	[ "${lines[3]}" = "target,$T1,A,100,qty,s" ]
	[ "${lines[4]}" = "target,$T1,B,-300,qty,s" ]
	[ "${lines[6]}" = "target,$T1,A,250,qty,s" ]
}

@test "--max-positions rejects a new symbol beyond the count" {
	run -0 qts-risk --max-positions 1 < <(prices; target A 10; target B 10; target A 20)
	[ "${lines[3]}" = "risk,$T1,B,max-positions,reject,target 10 qty: position 0; allowed up to 0" ]
	[ "${lines[4]}" = "target,$T1,A,20,qty,s" ]
}

@test "--sectors with --max-sector caps a sector's share of equity" {
	printf 'symbol,sector\nA,tech\nB,tech\n' >"$BATS_TEST_TMPDIR/sec"
	run -0 qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 < <(prices; target A 200; target B 400)
	# tech holds 20000 of A; 0.3 * 100000 leaves 10000 for B at 50: 200
	[ "${lines[3]}" = "risk,$T1,B,max-sector,reduce,target 400 reduced to 200" ]
	[ "${lines[4]}" = "target,$T1,B,200,qty,s" ]
	# blanks around a field, as a file written by hand has them: the
	# same sector, not a second one
	printf 'symbol , sector\n A, tech\nB ,tech \n' >"$BATS_TEST_TMPDIR/sec"
	run -0 qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 < <(prices; target A 200; target B 400)
	[ "${lines[3]}" = "risk,$T1,B,max-sector,reduce,target 400 reduced to 200" ]
	printf 'A, \n' >"$BATS_TEST_TMPDIR/sec"
	run -2 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: $BATS_TEST_TMPDIR/sec:1: expected symbol,sector" ]
}

@test "--sectors none of whose symbols is of the stream is said: --max-sector limited nothing" {
	printf 'symbol,sector\nA.US,tech\nB.US,tech\n' >"$BATS_TEST_TMPDIR/sec"
	run -0 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 < <(prices; target A 200; target B 400)
	[ "${lines[3]}" = "target,$T1,B,400,qty,s" ]
	[ "$stderr" = "qts-risk: --sectors $BATS_TEST_TMPDIR/sec: no symbol of the stream is in it (A is not): --max-sector limited nothing" ]
	# one of them in it is enough
	printf 'A,tech\n' >>"$BATS_TEST_TMPDIR/sec"
	run -0 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 < <(prices; target A 200; target B 400)
	[ -z "$stderr" ]
}

@test "--max-drawdown with --on-drawdown block and flatten" {
	input() { prices; target A 1000; bar 2024-01-02T14:32:00Z A 89; target A 1100 qty 2024-01-02T14:33:00Z; }
	run -0 qts-risk --max-drawdown 0.1 < <(input)
	# the bar of 14:32 is known at its end, 14:33: what it triggers is dated then
	[ "${lines[4]}" = "risk,2024-01-02T14:33:00Z,,max-drawdown,breach,drawdown 0.11 beyond 0.1 (equity 89000; peak 100000)" ]
	[ "${lines[5]}" = "risk,2024-01-02T14:33:00Z,A,max-drawdown,reject,target 1100 qty: position 1000; allowed up to 1000" ]
	run -0 qts-risk --max-drawdown 0.1 --on-drawdown block < <(input)
	[ "${lines[5]}" = "risk,2024-01-02T14:33:00Z,A,max-drawdown,reject,target 1100 qty: position 1000; allowed up to 1000" ]
	run -0 qts-risk --max-drawdown 0.1 --on-drawdown flatten < <(input)
	[ "${lines[5]}" = "risk,2024-01-02T14:33:00Z,A,max-drawdown,flatten,drawdown breach" ]
	[ "${lines[6]}" = "target,2024-01-02T14:33:00Z,A,0,qty,*" ]
	[ "${lines[7]}" = "risk,2024-01-02T14:33:00Z,A,max-drawdown,reject,target 1100 qty: position 0; allowed up to 0" ]
}

@test "--daily-loss blocks new risk until the next UTC day" {
	run -0 qts-risk --daily-loss 1000 < <(prices; target A 100; bar 2024-01-02T14:32:00Z A 89
		order A o1 buy 1 '' market 2024-01-02T14:33:00Z; bar 2024-01-03T14:30:00Z A 89
		order A o2 buy 1 '' market 2024-01-03T14:31:00Z)
	[ "${lines[4]}" = "risk,2024-01-02T14:33:00Z,,daily-loss,breach,lost 1100 today; limit 1000 (equity 98900)" ]
	[[ "${lines[5]}" == risk,*,A,daily-loss,reject,order\ o1:* ]]
	[ "${lines[6]}" = "risk,2024-01-03T14:31:00Z,,daily-loss,resume,new day" ]
	[ "${lines[8]}" = "order,2024-01-03T14:31:00Z,A,o2,buy,1,market,,,day,s" ]
}

@test "--daily-loss with --tz and --session: the trading day of CME's 17:00-16:00 Chicago, not the UTC date" {
	# January, Chicago at UTC-6: the trading day of the 3rd runs from
	# 23:00 UTC on the 2nd to 23:00 UTC on the 3rd
	input() {
		bar 2024-01-02T23:00:00Z A 100
		target A 100 qty 2024-01-02T23:01:00Z
		bar 2024-01-02T23:02:00Z A 100
		bar 2024-01-02T23:45:00Z A 89
		order A o1 buy 1 '' market 2024-01-03T00:30:00Z
		bar 2024-01-03T23:05:00Z A 89
		order A o2 buy 1 '' market 2024-01-03T23:06:00Z
	}
	input > "$BATS_TEST_TMPDIR/in.csv"
	# by UTC dates the breach of 23:45 ends at 00:00 and o1 goes out
	run -0 qts-risk --daily-loss 1000 "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" == *"risk,2024-01-02T23:46:00Z,,daily-loss,breach,lost 1100 today; limit 1000 (equity 98900)"* ]]
	[[ "$output" == *"risk,2024-01-03T00:30:00Z,,daily-loss,resume,new day"* ]]
	[[ "$output" == *"order,2024-01-03T00:30:00Z,A,o1,buy,1,market,,,day,s"* ]]
	# by Chicago's trading day it holds until 17:00 there, 23:00 UTC
	run -0 qts-risk --daily-loss 1000 --tz America/Chicago --session 17:00-16:00 "$BATS_TEST_TMPDIR/in.csv"
	[[ "$output" == *"risk,2024-01-03T00:30:00Z,A,daily-loss,reject,order o1:"* ]]
	[[ "$output" != *"2024-01-03T00:30:00Z,,daily-loss,resume"* ]]
	[[ "$output" == *"risk,2024-01-03T23:06:00Z,,daily-loss,resume,new day"* ]]
	[[ "$output" == *"order,2024-01-03T23:06:00Z,A,o2,buy,1,market,,,day,s"* ]]
}

@test "--target-vol with --vol-window and --vol-periods scales targets down" {
	input() { m=26; for p in 100 101 100 101 100; do bar 2024-01-02T14:$((m++)):00Z A $p; done; target A 1000; }
	# 4 returns of +-ln(1.01): sd 0.0114897 (python3 statistics.stdev, ddof=1 as empyrical); * sqrt(252) = 0.182393; 0.1 / 0.182393 * 1000 = 548
	run -0 qts-risk --target-vol 0.1 --vol-window 4 < <(input)
	[ "${lines[5]}" = "risk,$T1,A,target-vol,reduce,target 1000 scaled to 548: volatility 0.182393; target 0.1" ]
	[ "${lines[6]}" = "target,$T1,A,548,qty,s" ]
	# annualised over 52 periods: 0.0114896 * sqrt(52) = 0.0828531 < 0.1: unchanged
	run -0 qts-risk --target-vol 0.1 --vol-window 4 --vol-periods 52 < <(input)
	[ "${lines[5]}" = "target,$T1,A,1000,qty,s" ]
	# the default window of 20 is not full after 4 returns
	run -0 qts-risk --target-vol 0.1 < <(input)
	[ "${lines[5]}" = "target,$T1,A,1000,qty,s" ]
}

@test "--stop-loss, --take-profit and --trailing-stop exit from prices" {
	T2=2024-01-02T14:32:00Z T3=2024-01-02T14:33:00Z E3=2024-01-02T14:34:00Z
	# exits are dated E3, when the bar of T3 ends
	run -0 qts-risk --stop-loss 0.05 < <(prices; target A 10; bar $T2 A 96; bar $T3 A 95)
	[ "${#lines[@]}" -eq 7 ]
	[ "${lines[5]}" = "risk,$E3,A,stop-loss,flatten,price 95 vs average 100: loss beyond 0.05" ]
	[ "${lines[6]}" = "target,$E3,A,0,qty,*" ]
	run -0 qts-risk --take-profit 0.1 < <(prices; target A -10; bar $T2 A 91; bar $T3 A 90)
	[ "${lines[5]}" = "risk,$E3,A,take-profit,flatten,price 90 vs average 100: gain beyond 0.1" ]
	[ "${lines[6]}" = "target,$E3,A,0,qty,*" ]
	run -0 qts-risk --trailing-stop 0.1 < <(prices; target A 10; bar $T2 A 130; bar $T3 A 117)
	[ "${lines[5]}" = "risk,$E3,A,trailing-stop,flatten,price 117 vs best 130: retreat beyond 0.1" ]
}

@test "--max-orders N/DURATION rate-limits approvals in stream time" {
	run -0 qts-risk --max-orders 2/1m < <(prices; order A o1 buy 1; order A o2 buy 1; order A o3 buy 1
		printf 'order,2024-01-02T14:32:00Z,A,o4,buy,1,market,,,day,s\n')
	[ "${lines[4]}" = "risk,$T1,A,max-orders,reject,order o3: more than 2 in 60s" ]
	[ "${lines[5]}" = "order,2024-01-02T14:32:00Z,A,o4,buy,1,market,,,day,s" ]
}

@test "--max-orders approves a move toward flat past its rate, and counts it; not one past flat" {
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,100,100,100,100,1000' 'target,2024-01-02T00:00:00Z,A,10,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,100,100,100,100,1000' 'target,2024-01-03T00:00:00Z,A,4,qty,s' \
		'order,2024-01-03T00:00:00Z,A,o1,sell,4,market,,,day,s' 'order,2024-01-03T00:00:00Z,A,o2,sell,1,market,,,day,s' \
		> "$BATS_TEST_TMPDIR/out.csv"
	run -0 qts-risk --max-orders 1/7d "$BATS_TEST_TMPDIR/out.csv"
	# the exit a strategy sends once is not lost to the rate: the
	# position would stay held
	[[ "$output" == *"target,2024-01-03T00:00:00Z,A,4,qty,s"* ]]
	[[ "$output" == *"order,2024-01-03T00:00:00Z,A,o1,sell,4,market,,,day,s"* ]]
	# flat by then: a sell opens a short, which the rate refuses
	[[ "$output" == *"risk,2024-01-03T00:00:00Z,A,max-orders,reject,order o2: more than 1 in 604800s"* ]]
	[[ "$output" != *"order,2024-01-03T00:00:00Z,A,o2"* ]]
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,100,100,100,100,1000' 'target,2024-01-02T00:00:00Z,A,10,qty,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,100,100,100,100,1000' 'target,2024-01-03T00:00:00Z,A,0,qty,s' \
		'target,2024-01-04T00:00:00Z,A,5,qty,s' > "$BATS_TEST_TMPDIR/out2.csv"
	# the exit counts: the entry after it, within the window, is refused
	run -0 qts-risk --max-orders 2/7d "$BATS_TEST_TMPDIR/out2.csv"
	[[ "$output" == *"target,2024-01-03T00:00:00Z,A,0,qty,s"* ]]
	[[ "$output" == *"risk,2024-01-04T00:00:00Z,A,max-orders,reject,target 5 qty: more than 2 in 604800s"* ]]
}

@test "--price-band rejects a limit price too far from the last price" {
	run -0 qts-risk --price-band 0.05 < <(prices; order A o1 buy 1 105 limit; order A o2 buy 1 106 limit)
	[ "${lines[2]}" = "order,$T1,A,o1,buy,1,limit,105,,day,s" ]
	[ "${lines[3]}" = "risk,$T1,A,price-band,reject,order o2: limit 106 is more than 0.05 from last 100" ]
}

@test "--rules FILE reads the same names as the flags, later flags win" {
	printf '# limits\nmax-position 1000  # per symbol\n\nstop-loss 0.05\n' >"$BATS_TEST_TMPDIR/r"
	a=$(prices | qts-risk --rules "$BATS_TEST_TMPDIR/r" < <(prices; target A 1500))
	b=$(qts-risk --max-position 1000 --stop-loss 0.05 < <(prices; target A 1500))
	[ "$a" = "$b" ]
	run -0 qts-risk --rules "$BATS_TEST_TMPDIR/r" --max-position 10 < <(prices; target A 1500)
	[ "${lines[3]}" = "target,$T1,A,10,qty,s" ]
}

@test "a bad rules file line is named FILE:LINE, exit 2; a file that cannot be read, exit 1" {
	f=$BATS_TEST_TMPDIR/r
	printf 'max-position 10\n# fine\nmax-gross lots\n' >"$f"
	run -2 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $f:3: max-gross: 'lots' is not a number" ]
	printf 'max-wat 1\n' >"$f"
	run -2 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $f:1: unknown rule 'max-wat'" ]
	printf 'stop-loss\n' >"$f"
	run -2 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $f:1: stop-loss: missing value" ]
	printf 'stop-loss 0.1 0.2\n' >"$f"
	run -2 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $f:1: stop-loss: unexpected '0.2' after the value" ]
	# a NUL ended the line where it stood: the rest was never read
	printf 'max-position 10\0 max-gross 5\n' >"$f"
	run -2 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $f:1: a NUL byte" ]
	{ printf 'max-position 10 #'; printf '%02047d\n' 0; } >"$f"
	run -2 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $f:1: line too long (2047 bytes at most)" ]
	run -1 --separate-stderr qts-risk --rules "$BATS_TEST_TMPDIR/none" </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/none: No such file or directory" ]
	run -1 --separate-stderr qts-risk --rules "$BATS_TEST_TMPDIR" </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR: Is a directory" ]
	# a file a rules line names, as the flag would
	printf 'instruments %s\n' "$BATS_TEST_TMPDIR/none" >"$f"
	run -1 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $f:1: $BATS_TEST_TMPDIR/none: No such file or directory" ]
	printf 'sectors %s\nmax-sector 0.5\n' "$BATS_TEST_TMPDIR/none" >"$f"
	run -1 --separate-stderr qts-risk --rules "$f" </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/none: No such file or directory" ]
	run -1 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR" </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR: Is a directory" ]
}

@test "bad flag values print the usage, exit 2" {
	run -2 --separate-stderr qts-risk --max-position lots </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --max-position: 'lots' is not a number" ]
	[[ "${stderr_lines[1]}" == usage:* ]]
	run -2 --separate-stderr qts-risk --max-drawdown 2 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --max-drawdown: 2 is out of range [0, 1]" ]
	run -2 --separate-stderr qts-risk --on-drawdown panic </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --on-drawdown: 'panic' is not block or flatten" ]
	run -2 --separate-stderr qts-risk --max-orders 10 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --max-orders: '10' is not N/DURATION" ]
	run -2 --separate-stderr qts-risk --max-orders 10/soon </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --max-orders: 'soon' is not a duration" ]
	run -2 --separate-stderr qts-risk --vol-window 1 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --vol-window: 1 is out of range [2, 100000]" ]
	# a fraction above 0: the range says so, not the least normal double
	run -2 --separate-stderr qts-risk --stop-loss 0 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --stop-loss: 0 is out of range (0, 1]" ]
	run -2 --separate-stderr qts-risk --target-vol -0.1 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --target-vol: -0.1 is out of range (0, 100]" ]
	run -2 --separate-stderr qts-risk --cash 0 </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --cash: 0 is out of range (0, 1e+15]" ]
	printf 'trailing-stop 0\n' >"$BATS_TEST_TMPDIR/rules0"
	run -2 --separate-stderr qts-risk --rules "$BATS_TEST_TMPDIR/rules0" </dev/null
	[[ "${stderr_lines[0]}" == *"trailing-stop: 0 is out of range (0, 1]" ]]
	# above 0 is above 0, however small
	run -0 qts-risk --take-profit 1e-320 </dev/null
	run -2 --separate-stderr qts-risk --kill-file '' </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: --kill-file: an empty file name" ]
	run -2 --separate-stderr qts-risk --bogus 1 </dev/null
	[[ "$stderr" == *usage:* ]]
}

@test "FILE...: every input named is read, merged in the order events became known" {
	prices >"$BATS_TEST_TMPDIR/p"
	# the bars became known at 14:31, when they ended: before the first target
	{ target A 10 qty 2024-01-02T14:31:30Z; target B -20 qty 2024-01-02T14:32:00Z; } >"$BATS_TEST_TMPDIR/t"
	run -0 qts-risk --max-position 15 "$BATS_TEST_TMPDIR/t" "$BATS_TEST_TMPDIR/p"
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[0]}" = "bar,2024-01-02T14:30:00Z,A,1m,100,100,100,100,1000" ]
	[ "${lines[1]}" = "bar,2024-01-02T14:30:00Z,B,1m,50,50,50,50,1000" ]
	[ "${lines[2]}" = "target,2024-01-02T14:31:30Z,A,10,qty,s" ]
	[ "${lines[3]}" = "risk,2024-01-02T14:32:00Z,B,max-position,reduce,target -20 reduced to -15" ]
	[ "${lines[4]}" = "target,2024-01-02T14:32:00Z,B,-15,qty,s" ]
	# standard input among them, and a file that will not open is named
	run -0 qts-risk --max-position 15 "$BATS_TEST_TMPDIR/t" - <"$BATS_TEST_TMPDIR/p"
	[ "${lines[3]}" = "risk,2024-01-02T14:32:00Z,B,max-position,reduce,target -20 reduced to -15" ]
	run -1 --separate-stderr qts-risk "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/none"
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/none: No such file or directory" ]
}

@test "a setting that tunes a rule not asked for is refused, exit 2" {
	run -2 --separate-stderr qts-risk --vol-window 10 </dev/null
	[ "$stderr" = "qts-risk: vol-window needs target-vol" ]
	run -2 --separate-stderr qts-risk --vol-periods 52 </dev/null
	[ "$stderr" = "qts-risk: vol-periods needs target-vol" ]
	run -2 --separate-stderr qts-risk --on-drawdown block </dev/null
	[ "$stderr" = "qts-risk: on-drawdown needs max-drawdown" ]
	printf 'on-drawdown flatten\n' >"$BATS_TEST_TMPDIR/rules"
	run -2 --separate-stderr qts-risk --rules "$BATS_TEST_TMPDIR/rules" </dev/null
	[ "$stderr" = "qts-risk: on-drawdown needs max-drawdown" ]
	printf 'A,tech\n' >"$BATS_TEST_TMPDIR/sec"
	run -2 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" </dev/null
	[ "$stderr" = "qts-risk: sectors needs max-sector: the file is read for it alone" ]
	run -0 qts-risk --target-vol 0.2 --vol-window 10 --vol-periods 52 </dev/null
	run -0 qts-risk --max-drawdown 0.2 --on-drawdown flatten </dev/null
	run -0 qts-risk --max-sector 0.5 --sectors "$BATS_TEST_TMPDIR/sec" </dev/null
}

@test "sectors file errors, exit 2" {
	run -2 --separate-stderr qts-risk --max-sector 0.3 </dev/null
	[ "$stderr" = "qts-risk: max-sector needs a sectors file" ]
	printf 'A,tech\nB\n' >"$BATS_TEST_TMPDIR/sec"
	run -2 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/sec:2: expected symbol,sector" ]
	printf 'A,tech\nA,energy\n' >"$BATS_TEST_TMPDIR/sec"
	run -2 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/sec:2: symbol 'A' is listed twice (line 1 too)" ]
}

@test "bad input: named, exit 1, whole records before it written" {
	run -1 --separate-stderr qts-risk < <(prices; printf 'bar,yesterday,A,1m,1,1,1,1,1\n')
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == "system,2024-01-02T14:31:00Z,qts-risk,error,"* ]]
	[[ "$stderr" == qts-risk:\ -:3:* ]]
	run -1 --separate-stderr qts-risk "$BATS_TEST_TMPDIR/missing"
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/missing: No such file or directory" ]
}

@test "a weight target before any price is rejected" {
	run -0 --separate-stderr qts-risk < <(target A 0.5 weight)
	[ "$output" = "risk,$T1,A,no-price,reject,target 0.5 weight: no price for A yet" ]
	[ "$stderr" = "qts-risk: 1 target rejected for want of a price or of equity (the first: target 0.5 weight of A at $T1: no price for A yet)" ]
}

@test "a weight target when the view's equity is 0 or below is rejected, not turned into a short" {
	# fills fed back: 100 X bought at 100 on 1000 of cash, X then at 20
	run -0 --separate-stderr qts-risk --cash 1000 < <(
		printf 'bar,2024-01-01T00:00:00Z,X,1d,100,100,100,100,1\nbar,2024-01-01T00:00:00Z,Y,1d,50,50,50,50,1\n'
		printf 'fill,2024-01-02T00:00:00Z,X,o1,buy,100,100,0,0\n'
		printf 'bar,2024-01-02T00:00:00Z,X,1d,20,20,20,20,1\nbar,2024-01-02T00:00:00Z,Y,1d,50,50,50,50,1\n'
		printf 'target,2024-01-03T00:00:00Z,Y,0.5,weight,s\ntarget,2024-01-03T00:00:00Z,Y,0,weight,s\n')
	grep -qx 'risk,2024-01-03T00:00:00Z,Y,target,reject,target 0.5 weight: equity -7000 is not above 0: no weight of it to hold' <<<"$output"
	[ "$stderr" = "qts-risk: 1 target rejected for want of a price or of equity (the first: target 0.5 weight of Y at 2024-01-03T00:00:00Z: equity -7000 is not above 0: no weight of it to hold)" ]
	! grep -q '^target,2024-01-03T00:00:00Z,Y,0.5,' <<<"$output" || false
	grep -qx 'target,2024-01-03T00:00:00Z,Y,0,weight,s' <<<"$output"
}

@test "fills fed back become the view's positions; orders work until they fill" {
	run -0 qts-risk --max-position 100 < <(prices; order A o1 buy 60
		printf 'fill,%s,A,o1,buy,40,100,1,0\n' $T1; order A o2 buy 100)
	[ "${lines[3]}" = "fill,$T1,A,o1,buy,40,100,1,0" ]
	# 40 filled and 20 of o1 still working: 40 more allowed
	[ "${lines[4]}" = "risk,$T1,A,max-position,reduce,order o2: qty 100 reduced to 40" ]
	[ "${lines[5]}" = "order,$T1,A,o2,buy,40,market,,,day,s" ]
}

# The emergency stop on a live stream: qts-risk reads a fifo in the
# background; every wait is bounded so a failure cannot hang the suite.
wait_for() { # wait_for PATTERN FILE: up to 5 s
	for _ in $(seq 50); do grep -q -- "$1" "$2" 2>/dev/null && return 0; sleep 0.1; done
	echo "timed out waiting for '$1' in $2:"; cat "$2"; return 1
}

start_live() {
	d=$BATS_TEST_TMPDIR
	mkfifo "$d/in"
	qts-risk "$@" <"$d/in" >"$d/out" 2>"$d/err" 3>&- &
	pid=$!
	exec 7>"$d/in"
}

stop_live() {
	exec 7>&-
	for _ in $(seq 50); do kill -0 $pid 2>/dev/null || break; sleep 0.1; done
	kill $pid 2>/dev/null || true
	wait $pid
}

@test "--kill-file: flatten, reject, say so on stderr; removing it resumes" {
	start_live --kill-file "$BATS_TEST_TMPDIR/kill"
	{ prices; target A 10; target B -20; } >&7
	wait_for "^target,.*,B,-20" "$d/out"
	touch "$d/kill"
	wait_for "^target,.*,B,0,qty,\*" "$d/out"
	order A o1 buy 1 >&7
	wait_for "kill,reject" "$d/out"
	rm "$d/kill"
	wait_for "kill,resume" "$d/out"
	order A o2 buy 1 >&7
	wait_for "o2,buy" "$d/out"
	stop_live
	run cat "$d/out"
	[ "${lines[4]}" = "risk,$T1,,kill,breach,emergency stop: kill file" ]
	[ "${lines[5]}" = "risk,$T1,A,kill,flatten,emergency stop" ]
	[ "${lines[6]}" = "target,$T1,A,0,qty,*" ]
	[ "${lines[7]}" = "risk,$T1,B,kill,flatten,emergency stop" ]
	[ "${lines[8]}" = "target,$T1,B,0,qty,*" ]
	[ "${lines[9]}" = "risk,$T1,A,kill,reject,order o1: emergency stop" ]
	[ "${lines[10]}" = "risk,$T1,,kill,resume,emergency stop lifted: kill file removed" ]
	[ "${lines[11]}" = "order,$T1,A,o2,buy,1,market,,,day,s" ]
	run cat "$d/err"
	[ "${lines[0]}" = "qts-risk: emergency stop: $d/kill exists: flattening, rejecting every order" ]
	[ "${lines[1]}" = "qts-risk: emergency stop lifted: $d/kill removed" ]
}

@test "--kill-file made while the feed waits: the first event after the wait sees it" {
	start_live --kill-file "$BATS_TEST_TMPDIR/kill"
	{ prices; target A 10; } >&7
	wait_for "^target,.*,A,10" "$d/out"
	# the file looked at by ticks of the timer during the wait (every
	# 100 ms), then made just before the order: whether a tick or the
	# order comes first, the order is rejected
	sleep 0.3
	touch "$d/kill"
	order A o1 buy 1 >&7
	wait_for "kill,reject" "$d/out"
	stop_live
	run cat "$d/out"
	[ "${lines[3]}" = "risk,$T1,,kill,breach,emergency stop: kill file" ]
	grep -q "^risk,$T1,A,kill,reject,order o1: emergency stop$" "$d/out"
	! grep -q '^order,' "$d/out" || false
}

@test "SIGUSR1 stops like the kill file, SIGUSR2 resumes" {
	start_live
	{ prices; target A 10; } >&7
	wait_for "^target,.*,A,10" "$d/out"
	kill -USR1 $pid
	wait_for "^target,.*,A,0,qty,\*" "$d/out"
	order A o1 buy 1 >&7
	wait_for "kill,reject" "$d/out"
	kill -USR2 $pid
	wait_for "kill,resume" "$d/out"
	order A o2 buy 1 >&7
	wait_for "o2,buy" "$d/out"
	stop_live
	run cat "$d/out"
	[ "${lines[3]}" = "risk,$T1,,kill,breach,emergency stop: SIGUSR1" ]
	[ "${lines[5]}" = "target,$T1,A,0,qty,*" ]
	[ "${lines[7]}" = "risk,$T1,,kill,resume,emergency stop lifted: SIGUSR2" ]
	run cat "$d/err"
	[ "${lines[0]}" = "qts-risk: emergency stop: SIGUSR1: flattening, rejecting every order" ]
	[ "${lines[1]}" = "qts-risk: emergency stop lifted: SIGUSR2" ]
}

@test "a kill file present at the start rejects the first order" {
	touch "$BATS_TEST_TMPDIR/kill"
	run -0 --separate-stderr qts-risk --kill-file "$BATS_TEST_TMPDIR/kill" < <(order A o1 buy 1)
	[ "${lines[0]}" = "risk,$T1,,kill,breach,emergency stop: kill file" ]
	[ "${lines[1]}" = "risk,$T1,A,kill,reject,order o1: emergency stop" ]
}

@test "--fractional: targets in fractional units, else whole units toward zero as qts-sim" {
	run -0 qts-risk --max-position 100 < <(prices; target A 50.5; order A o1 buy 100)
	[ "${lines[3]}" = "risk,$T1,A,max-position,reduce,order o1: qty 100 reduced to 50" ]
	run -0 qts-risk --fractional --max-position 100 < <(prices; target A 50.5; order A o1 buy 100)
	[ "${lines[3]}" = "risk,$T1,A,max-position,reduce,order o1: qty 100 reduced to 49.5" ]
}

@test "a target or order of whole units past 2^52 (1e20) is cut to whole units, not to a fraction" {
	run -0 qts-risk --max-gross 1234 < <(prices; target A 1e20)
	[ "${lines[2]}" = "risk,$T1,A,max-gross,reduce,target 1e+20 reduced to 12" ]
	[ "${lines[3]}" = "target,$T1,A,12,qty,s" ]
	run -0 qts-risk --max-gross 1234 < <(prices; order B o1 buy 1e16)
	[ "${lines[2]}" = "risk,$T1,B,max-gross,reduce,order o1: qty 1e+16 reduced to 24" ]
	[ "${lines[3]}" = "order,$T1,B,o1,buy,24,market,,,day,s" ]
}

@test "exits are dated at the end of the bar that triggered them, months included" {
	run -0 qts-risk --stop-loss 0.05 < <(printf 'bar,2024-01-01T00:00:00Z,A,1M,100,100,100,100,1\n'
		target A 10 qty 2024-02-01T00:00:00Z
		printf 'bar,2024-02-01T00:00:00Z,A,1M,90,90,90,90,1\n')
	[ "${lines[3]}" = "risk,2024-03-01T00:00:00Z,A,stop-loss,flatten,price 90 vs average 100: loss beyond 0.05" ]
}

@test "updates: a rejected approval is given back; a repeated order id counts once" {
	run -0 qts-risk --max-position 100 < <(prices; order A o1 buy 80
		printf 'update,%s,A,o1,rejected,0,,no\n' $T1; order A o2 buy 100; order A o2 buy 100)
	[ "${lines[3]}" = "update,$T1,A,o1,rejected,0,,no" ]
	[ "${lines[4]}" = "order,$T1,A,o2,buy,100,market,,,day,s" ]
	[ "${lines[5]}" = "order,$T1,A,o2,buy,100,market,,,day,s" ]
	[ "${#lines[@]}" -eq 6 ]
}

@test "a repeated order id is the first approval again; another order under it is rejected, not passed" {
	cat > "$BATS_TEST_TMPDIR/dup.csv" <<-'EOF'
	bar,2024-01-01T00:00:00Z,A,1d,100,105,95,100,1000
	order,2024-01-02T00:00:00Z,A,o1,buy,20,limit,99,,gtc,s
	order,2024-01-02T00:00:00Z,A,o1,buy,20,limit,99,,gtc,s
	order,2024-01-02T00:00:00Z,A,o1,sell,1000,market,,,ioc,other
	order,2024-01-02T00:00:00Z,B,o1,buy,20,limit,99,,gtc,s
	order,2024-01-02T00:00:00Z,A,o1,buy,20,limit,98,,gtc,s
	EOF
	run -0 qts-risk --max-position 15 "$BATS_TEST_TMPDIR/dup.csv"
	[ "${lines[1]}" = "risk,2024-01-02T00:00:00Z,A,max-position,reduce,order o1: qty 20 reduced to 15" ]
	[ "${lines[2]}" = "order,2024-01-02T00:00:00Z,A,o1,buy,15,limit,99,,gtc,s" ]
	[ "${lines[3]}" = "order,2024-01-02T00:00:00Z,A,o1,buy,15,limit,99,,gtc,s" ]
	[ "${lines[4]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o1: its id was approved before for another order" ]
	[ "${lines[5]}" = "risk,2024-01-02T00:00:00Z,B,order,reject,order o1: its id was approved before for another order" ]
	[ "${lines[6]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o1: its id was approved before for another order" ]
	[ "${#lines[@]}" -eq 7 ]
}

@test "an order qts-sim would reject is rejected as rule order, in its words, taking no limit's room" {
	cat > "$BATS_TEST_TMPDIR/bad.csv" <<-'EOF'
	bar,2024-01-01T00:00:00Z,A,1d,100,105,95,100,1000
	order,2024-01-02T00:00:00Z,A,o1,buy,0,market,,,day,s
	order,2024-01-02T00:00:00Z,A,o2,buy,-5,market,,,day,s
	order,2024-01-02T00:00:00Z,A,o3,buy,1e-10,market,,,day,s
	order,2024-01-02T00:00:00Z,A,o4,buy,5,limit,,,day,s
	order,2024-01-02T00:00:00Z,A,o5,buy,5,stop_limit,99,-1,day,s
	order,2024-01-02T00:00:00Z,A,,buy,5,market,,,day,s
	order,2024-01-02T00:00:00Z,A,o6,buy,5,market,,,day,s
	EOF
	run -0 --separate-stderr qts-risk --max-orders 1/1d --price-band 0.1 "$BATS_TEST_TMPDIR/bad.csv"
	# a program's mistake the stream alone would tell: said at the end
	[ "$stderr" = "qts-risk: 6 orders rejected as not well formed (the first: order o1 of A at 2024-01-02T00:00:00Z: bad qty 0 (must be > 0))" ]
	[ "${lines[1]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o1: bad qty 0 (must be > 0)" ]
	[ "${lines[2]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o2: bad qty -5 (must be > 0)" ]
	[ "${lines[3]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o3: bad qty 1e-10 (must be > 1e-09)" ]
	[ "${lines[4]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o4: limit order needs a limit price" ]
	[ "${lines[5]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o5: stop price -1 is not above zero" ]
	[ "${lines[6]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order : no order id" ]
	# none of them took the one order a day
	[ "${lines[7]}" = "order,2024-01-02T00:00:00Z,A,o6,buy,5,market,,,day,s" ]
	[ "${#lines[@]}" -eq 8 ]
	# qts-sim says the same of each
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/bad.csv"
	printf '%s\n' "${lines[@]}" | grep -q ',o1,rejected,0,,bad qty 0 (must be > 0)$'
	printf '%s\n' "${lines[@]}" | grep -q ',o4,rejected,0,,limit order needs a limit price$'
	printf '%s\n' "${lines[@]}" | grep -q ',o5,rejected,0,,stop price -1 is not above zero$'
	printf '%s\n' "${lines[@]}" | grep -q ',,rejected,0,,no order id$'
	[ "$stderr" = "qts-sim: 6 orders rejected as not well formed, the first of A at 2024-01-02T00:00:00Z: bad qty 0 (must be > 0)" ]
	run -0 --separate-stderr qts-broker paper "$BATS_TEST_TMPDIR/bad.csv"
	[ "$stderr" = "qts-broker: 6 orders rejected as not well formed, the first of A at 2024-01-02T00:00:00Z: bad qty 0 (must be > 0)" ]
}

@test "an order with a price its kind does not use is not well formed, in qts-risk, qts-sim and qts-broker alike" {
	# qts-events(5): limit and stop are empty where the kind does not use
	# them; read as the order's (a band) by one stage and ignored by the
	# next (a fill past it), the two would trade two orders
	cat > "$BATS_TEST_TMPDIR/extra.csv" <<-'EOF'
	bar,2024-01-01T00:00:00Z,A,1d,100,101,99,100,1000
	order,2024-01-02T00:00:00Z,A,o1,buy,5,market,90,,day,s
	order,2024-01-02T00:00:00Z,A,o2,buy,5,market,,110,day,s
	order,2024-01-02T00:00:00Z,A,o3,buy,5,limit,101,95,day,s
	order,2024-01-02T00:00:00Z,A,o4,sell,5,stop,-1,95,day,s
	order,2024-01-02T00:00:00Z,A,o5,buy,5,stop_limit,101,100,day,s
	bar,2024-01-02T00:00:00Z,A,1d,100,101,99,100,1000
	EOF
	run -0 qts cat "$BATS_TEST_TMPDIR/extra.csv" # the stream reads it: a stage rejects it
	run -0 --separate-stderr qts-risk --price-band 0.5 "$BATS_TEST_TMPDIR/extra.csv"
	[ "${lines[1]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o1: market order takes no limit price (90)" ]
	[ "${lines[2]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o2: market order takes no stop price (110)" ]
	[ "${lines[3]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o3: limit order takes no stop price (95)" ]
	[ "${lines[4]}" = "risk,2024-01-02T00:00:00Z,A,order,reject,order o4: stop order takes no limit price (-1)" ]
	[ "${lines[5]}" = "order,2024-01-02T00:00:00Z,A,o5,buy,5,stop_limit,101,100,day,s" ]
	[ "$stderr" = "qts-risk: 4 orders rejected as not well formed (the first: order o1 of A at 2024-01-02T00:00:00Z: market order takes no limit price (90))" ]
	for p in qts-sim 'qts-broker paper'; do
		run -0 --separate-stderr $p "$BATS_TEST_TMPDIR/extra.csv"
		printf '%s\n' "${lines[@]}" | grep -qx 'update,2024-01-02T00:00:00Z,A,o1,rejected,0,,market order takes no limit price (90)'
		printf '%s\n' "${lines[@]}" | grep -qx 'update,2024-01-02T00:00:00Z,A,o2,rejected,0,,market order takes no stop price (110)'
		printf '%s\n' "${lines[@]}" | grep -qx 'update,2024-01-02T00:00:00Z,A,o3,rejected,0,,limit order takes no stop price (95)'
		printf '%s\n' "${lines[@]}" | grep -qx 'update,2024-01-02T00:00:00Z,A,o4,rejected,0,,stop order takes no limit price (-1)'
		# nothing filled but the order of both prices
		! printf '%s\n' "${lines[@]}" | grep -q '^fill,.*,o[1-4],'
		printf '%s\n' "${lines[@]}" | grep -q '^fill,.*,o5,'
		[ "$stderr" = "${p% *}: 4 orders rejected as not well formed, the first of A at 2024-01-02T00:00:00Z: market order takes no limit price (90)" ]
	done
	# a contract trades at any price, but takes no price its kind does not use either
	run -0 --separate-stderr qts-sim --instrument A,multiplier=50,margin=0.1 "$BATS_TEST_TMPDIR/extra.csv"
	printf '%s\n' "${lines[@]}" | grep -qx 'update,2024-01-02T00:00:00Z,A,o4,rejected,0,,stop order takes no limit price (-1)'
}

@test "orders rejected as not well formed are counted across a restart, in qts-risk, qts-sim and qts-broker" {
	printf '%s\n' 'bar,2024-01-01T00:00:00Z,A,1d,100,105,95,100,1000' 'order,2024-01-02T00:00:00Z,A,o1,buy,5,limit,,,day,s' \
		'bar,2024-01-02T00:00:00Z,A,1d,100,105,95,100,1000' > "$BATS_TEST_TMPDIR/first.csv"
	cp "$BATS_TEST_TMPDIR/first.csv" "$BATS_TEST_TMPDIR/all.csv"
	printf '%s\n' 'order,2024-01-03T00:00:00Z,A,o2,sell,5,stop,,,day,s' 'bar,2024-01-03T00:00:00Z,A,1d,100,105,95,100,1000' \
		>> "$BATS_TEST_TMPDIR/all.csv"
	for p in qts-risk qts-sim 'qts-broker paper'; do
		rm -f "$BATS_TEST_TMPDIR/s"
		run -0 --separate-stderr $p --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/first.csv"
		run -0 --separate-stderr $p --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/all.csv"
		[[ "$stderr" == "${p% *}: 2 orders rejected as not well formed"*"2024-01-02T00:00:00Z: limit order needs a limit price"* ]]
	done
	# well formed, nothing to say
	run -0 --separate-stderr qts-sim <(head -n 1 "$BATS_TEST_TMPDIR/all.csv")
	[ -z "$stderr" ]
}

@test "targets no quantity can hold (a weight of 1e308) are rejected as not well formed and said at the end, across a restart, in qts-risk, qts-sim and qts-broker" {
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,100' 'target,2024-01-03T00:00:00Z,A,1e308,weight,x' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,100' > "$BATS_TEST_TMPDIR/first.csv"
	cp "$BATS_TEST_TMPDIR/first.csv" "$BATS_TEST_TMPDIR/all.csv"
	printf '%s\n' 'target,2024-01-04T00:00:00Z,A,-1e308,weight,x' 'bar,2024-01-04T00:00:00Z,A,1d,10,10,10,10,100' \
		>> "$BATS_TEST_TMPDIR/all.csv"
	# said in the stream alone before, exit 0
	run -0 --separate-stderr qts-risk "$BATS_TEST_TMPDIR/first.csv"
	[ "$stderr" = "qts-risk: 1 target rejected as not well formed (the first: target 1e+308 weight of A at 2024-01-03T00:00:00Z: quantity not understood)" ]
	grep -q '^risk,2024-01-03T00:00:00Z,A,target,reject,target 1e+308 weight: quantity inf not understood$' <<<"$output"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/first.csv"
	[ "$stderr" = "qts-sim: 1 target rejected as not well formed, the first of A at 2024-01-03T00:00:00Z: bad target 1e+308" ]
	run -0 --separate-stderr qts-broker paper "$BATS_TEST_TMPDIR/first.csv"
	[ "$stderr" = "qts-broker: 1 target rejected as not well formed, the first of A at 2024-01-03T00:00:00Z: bad target 1e+308" ]
	for p in qts-risk qts-sim 'qts-broker paper'; do
		rm -f "$BATS_TEST_TMPDIR/s"
		run -0 --separate-stderr $p --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/first.csv"
		run -0 --separate-stderr $p --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/all.csv"
		[[ "$stderr" == "${p% *}: 2 targets rejected as not well formed"*"2024-01-03T00:00:00Z"* ]] || { echo "$p: $stderr"; false; }
	done
	# with an order not well formed too, qts-risk counts both
	printf 'order,2024-01-04T00:00:00Z,A,o1,buy,0,market,,,day,s\n' | cat "$BATS_TEST_TMPDIR/first.csv" - > "$BATS_TEST_TMPDIR/both.csv"
	run -0 --separate-stderr qts-risk "$BATS_TEST_TMPDIR/both.csv"
	[[ "$stderr" == "qts-risk: 2 orders and targets rejected as not well formed (the first: target 1e+308 weight of A at "* ]]
}

@test "weight targets no quantity could be made of (before the symbol's first price, or of equity not above 0) are said at the end, across a restart, in qts-risk, qts-sim and qts-broker" {
	# a target file merged before the bars it needs: the target comes
	# before the first bar is known (a daily bar is known at its end)
	printf '%s\n' 'target,2024-01-02T00:00:00Z,A,0.5,weight,x' 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,100' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,100' > "$BATS_TEST_TMPDIR/first.csv"
	cp "$BATS_TEST_TMPDIR/first.csv" "$BATS_TEST_TMPDIR/all.csv"
	printf '%s\n' 'target,2024-01-04T00:00:00Z,B,0.5,weight,x' 'bar,2024-01-04T00:00:00Z,A,1d,10,10,10,10,100' \
		>> "$BATS_TEST_TMPDIR/all.csv"
	# said in the stream alone before, a run of no trades with exit 0
	run -0 --separate-stderr qts-risk "$BATS_TEST_TMPDIR/first.csv"
	[ "$stderr" = "qts-risk: 1 target rejected for want of a price or of equity (the first: target 0.5 weight of A at 2024-01-02T00:00:00Z: no price for A yet)" ]
	grep -q '^risk,2024-01-02T00:00:00Z,A,no-price,reject,target 0.5 weight: no price for A yet$' <<<"$output"
	run -0 --separate-stderr qts-sim "$BATS_TEST_TMPDIR/first.csv"
	[ "$stderr" = "qts-sim: 1 target rejected, the first of A at 2024-01-02T00:00:00Z: weight target: no price for A yet" ]
	grep -q ',rejected,0,,weight target: no price for A yet$' <<<"$output"
	run -0 --separate-stderr qts-broker paper "$BATS_TEST_TMPDIR/first.csv"
	[ "$stderr" = "qts-broker: 1 target rejected, the first of A at 2024-01-02T00:00:00Z: weight target: no price for A yet" ]
	for p in qts-risk qts-sim 'qts-broker paper'; do
		rm -f "$BATS_TEST_TMPDIR/s"
		run -0 --separate-stderr $p --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/first.csv"
		run -0 --separate-stderr $p --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/all.csv"
		[[ "$stderr" == "${p% *}: 2 targets rejected"*"A at 2024-01-02T00:00:00Z"*"no price for A yet"* ]] || { echo "$p: $stderr"; false; }
	done
	# a weight of no equity: the same count, its own reason
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,100' 'target,2024-01-03T00:00:00Z,A,0.5,weight,x' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,100' > "$BATS_TEST_TMPDIR/broke.csv"
	run -0 --separate-stderr qts-sim --cash 0 "$BATS_TEST_TMPDIR/broke.csv"
	[ "$stderr" = "qts-sim: 1 target rejected, the first of A at 2024-01-03T00:00:00Z: weight target: equity 0 is not above 0: no weight of it to hold" ]
	# a target once the price is known: nothing to say
	run -0 --separate-stderr qts-sim <(sed -n '2,3p' "$BATS_TEST_TMPDIR/first.csv"; echo 'target,2024-01-04T00:00:00Z,A,0.5,weight,x')
	[ -z "$stderr" ]
}

@test "exits for the longest symbols" {
	s=ABCDEFGHIJKLMNOPQRSTUVWXYZ01234
	run -0 qts-risk --stop-loss 0.05 < <(bar 2024-01-02T14:30:00Z $s 100; target $s 10; bar 2024-01-02T14:31:00Z $s 90)
	[ "${lines[4]}" = "target,2024-01-02T14:32:00Z,$s,0,qty,*" ]
}

@test "another bar of a symbol and timeframe for a time had is an error naming the line, the same bar again passes; returns are of one timeframe" {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100' 'bar,2024-01-02T00:00:00Z,B,1d,10,11,9,10.5,100' \
		'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100' 'bar,2024-01-02T00:00:00Z,A,1d,10,12,9,10.5,100' > dup.csv
	for rules in "" "--stop-loss 0.1" "--target-vol 0.1"; do
		run -1 --separate-stderr qts-risk $rules dup.csv
		[ "$stderr" = "qts-risk: dup.csv:4: bar A 1d at 2024-01-02T00:00:00Z is not after the symbol's last bar of that timeframe, nor that bar again: another bar for one time would count twice" ]
		[ "${#lines[@]}" = 4 ] # three bars passed on (the repeat too), then the error event
	done
	# daily bars with their weeks among them (qts-resample -k): the
	# volatility is of the daily returns alone, as without the weeks
	qts-fetch --seed 3 --count 120 synth:A > d.csv
	qts-resample -k 1w d.csv 2>/dev/null | qts-strategy --tf 1d sma-cross fast=3 slow=8 > mixed.csv
	[ "$(grep -c ',1w,' mixed.csv)" -gt 10 ]
	grep -v ',1w,' mixed.csv > daily.csv
	qts-risk --target-vol 0.05 --vol-window 5 mixed.csv | grep -E '^(risk|target),' > m.out
	qts-risk --target-vol 0.05 --vol-window 5 daily.csv | grep -E '^(risk|target),' > d.out
	[ -s m.out ]
	cmp m.out d.out
}

@test "--sectors: a comment longer than 255 bytes is skipped whole; a NUL or a control character is refused" {
	# the tail of a long comment was read as a line: A,tech put A in a sector
	{ printf '#%0254d' 0; printf 'A,tech\nB.US,tech\n'; } >"$BATS_TEST_TMPDIR/sec"
	run -0 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 < <(prices; target A 200; target B 400)
	[ "${lines[3]}" = "target,$T1,B,400,qty,s" ]
	[ "$stderr" = "qts-risk: --sectors $BATS_TEST_TMPDIR/sec: no symbol of the stream is in it (A is not): --max-sector limited nothing" ]
	# and the lines after it keep their numbers
	{ printf '#%0300d\n' 0; printf 'A\n'; } >"$BATS_TEST_TMPDIR/sec"
	run -2 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/sec:2: expected symbol,sector" ]
	printf 'A,tech\0B,tech\n' >"$BATS_TEST_TMPDIR/sec"
	run -2 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/sec:1: a NUL byte" ]
	printf 'B,tech\nA,te\tch\n' >"$BATS_TEST_TMPDIR/sec"
	run -2 --separate-stderr qts-risk --sectors "$BATS_TEST_TMPDIR/sec" --max-sector 0.3 </dev/null
	[ "$stderr" = "qts-risk: $BATS_TEST_TMPDIR/sec:2: a control character (byte 0x09)" ]
}

@test "--sectors: a symbol listed twice is named by its line, and the line before" {
	printf 'AAA,tech\nBBB,tech\nAAA,fin\n' >"$BATS_TEST_TMPDIR/s.csv"
	run -2 --separate-stderr qts-risk --max-sector 0.5 --sectors "$BATS_TEST_TMPDIR/s.csv" </dev/null
	[ "${stderr_lines[0]}" = "qts-risk: $BATS_TEST_TMPDIR/s.csv:3: symbol 'AAA' is listed twice (line 1 too)" ]
}

@test "--rules and --sectors files that start with a byte order mark (Excel's) are read as without it" {
	printf '\357\273\277max-position 10\n' >"$BATS_TEST_TMPDIR/rules"
	run -0 --separate-stderr qts-risk --rules "$BATS_TEST_TMPDIR/rules" --list
	grep -q '^max-position  *10 ' <<<"$output"
	printf '\357\273\277A,tech\n' >"$BATS_TEST_TMPDIR/s.csv"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1\ntarget,2024-01-03T00:00:00Z,A,1,qty,s\n' >"$BATS_TEST_TMPDIR/in.csv"
	# A of the file is A of the stream: no warning that none matched
	run -0 --separate-stderr qts-risk --max-sector 0.5 --sectors "$BATS_TEST_TMPDIR/s.csv" "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "" ]
}

@test "a limit of the symbol that allows less than one whole unit from flat is said at the end, across a restart" {
	# --max-position 0.5 meant as a weight: whole units, so nothing of A
	# or B may ever be held
	{ prices; target A 0.5 weight; target B 10; } > "$BATS_TEST_TMPDIR/first.csv"
	{ cat "$BATS_TEST_TMPDIR/first.csv"; bar 2024-01-02T14:31:00Z A 100; target A 0.2 weight 2024-01-02T14:32:00Z; } \
		> "$BATS_TEST_TMPDIR/all.csv"
	w='qts-risk: 3 targets or orders rejected from flat: a limit of the symbol allowed less than one whole unit (the first: --max-position allowed 0.5 units of A at 2024-01-02T14:31:00Z, a weight'"'"'s limit is --max-position-pct); --fractional keeps fractions'
	run -0 --separate-stderr qts-risk --max-position 0.5 "$BATS_TEST_TMPDIR/all.csv"
	[ "$(grep -c ',max-position,reject,' <<<"$output")" = 3 ]
	[ "$stderr" = "$w" ]
	run -0 --separate-stderr qts-risk --max-position 0.5 --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/first.csv"
	run -0 --separate-stderr qts-risk --max-position 0.5 --state "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/all.csv"
	[ "$stderr" = "$w" ]
	# a notional below one share's price: B at 50 for 40
	grep -v ',A,' "$BATS_TEST_TMPDIR/all.csv" > "$BATS_TEST_TMPDIR/bonly.csv"
	run -0 --separate-stderr qts-risk --max-position-notional 40 "$BATS_TEST_TMPDIR/bonly.csv"
	[ "$stderr" = "qts-risk: 1 target or order rejected from flat: a limit of the symbol allowed less than one whole unit (the first: --max-position-notional allowed 0.8 units of B at 2024-01-02T14:31:00Z); --fractional keeps fractions" ]
	# with --fractional, a target of whole units is still one (not cut to
	# a fraction): it is said, without the word on --fractional
	run -0 --separate-stderr qts-risk --fractional --max-position 0.5 "$BATS_TEST_TMPDIR/all.csv"
	[ "$stderr" = "${w%; --fractional keeps fractions}" ]
	# a fractional target is cut to the fraction allowed: not a word
	{ prices; target B 2.5; } > "$BATS_TEST_TMPDIR/frac.csv"
	run -0 --separate-stderr qts-risk --fractional --max-position 0.5 "$BATS_TEST_TMPDIR/frac.csv"
	grep -q '^target,.*,B,0.5,qty,' <<<"$output"
	[ -z "$stderr" ]
	# a limit that binds at a whole unit: not a word
	{ prices; target B 10; target B 20 qty 2024-01-02T14:32:00Z; } > "$BATS_TEST_TMPDIR/b.csv"
	run -0 --separate-stderr qts-risk --max-position 1.5 "$BATS_TEST_TMPDIR/b.csv"
	grep -q ',max-position,reject,' <<<"$output"
	[ -z "$stderr" ]
}

# An order dated at a day bar's start, after that bar (in order by its own
# time): the risk event that reduces or refuses it is dated no later than
# it, not at the bar's end, which would put the order written after it
# back in time for the next stage.
@test "a risk event about an order of an earlier time than the bar's end is dated at the order's, and the stream stays in order" {
	cd "$BATS_TEST_TMPDIR"
	printf 'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,1000\norder,2024-01-01T00:00:00Z,A,f1,buy,25,market,,,gtc,t\n' > r.csv
	run -0 qts-risk --max-position 15 r.csv
	[ "${lines[1]}" = "risk,2024-01-01T00:00:00Z,A,max-position,reduce,order f1: qty 25 reduced to 15" ]
	[ "${lines[2]}" = "order,2024-01-01T00:00:00Z,A,f1,buy,15,market,,,gtc,t" ]
	qts-risk --max-position 15 r.csv | qts-sim > out.csv
	grep -q '^update,2024-01-01T00:00:00Z,A,f1,accepted,' out.csv
	# refused, likewise
	run -0 qts-risk --max-position 0 r.csv
	[[ "${lines[1]}" == "risk,2024-01-01T00:00:00Z,A,max-position,reject,order f1: "* ]]
}
