#!/usr/bin/env bats
# qts-broker: the stage every broker shares (targets from the real
# position, --dry-run, --max-order-value, the kill switch, the journal and
# reconciliation at start) and the paper broker, which fills as qts-sim
# does on the same stream with the same flags.

load helper

setup_file() {
	T=$BATS_FILE_TMPDIR
	qts-fetch "$DATA/orcl-2014.txt" >"$T/orcl.csv"
	qts-fetch "$DATA/nvda-2014.txt" >"$T/nvda.csv"
	qts-strategy sma-cross fast=5 slow=20 size=100 "$T/orcl.csv" "$T/nvda.csv" >"$T/sig.csv"
}

setup() {
	T=$BATS_FILE_TMPDIR
	cd "$BATS_TEST_TMPDIR"
}

# ---- paper: the qts-sim engine ------------------------------------------------

# same_as_sim FLAGS...: qts-broker paper and qts-sim write the same stream.
same_as_sim() {
	qts-sim "$@" "$T/sig.csv" >sim.csv
	qts-broker paper "$@" "$T/sig.csv" >broker.csv
	[ "$(grep -c '^fill,' sim.csv)" -gt 0 ]
	diff <(grep '^fill,' sim.csv) <(grep '^fill,' broker.csv)
	diff sim.csv broker.csv
}

@test "paper: the same fills and stream as qts-sim on two symbols of real data" {
	same_as_sim
	[ "$(grep -c '^fill,' broker.csv)" -eq "$(grep -c '^fill,' sim.csv)" ]
}

@test "paper: an event after the bars' end closes them first, as in qts-sim: their equity is dated at their end" {
	# qts-risk's "new day" at 09:05 comes before the first bar of the day
	# (known at 10:00): the equity of 22:00 goes before it, not after it
	# dated 09:05, as when the paper broker waited for the next bar
	cat >day.csv <<-'E'
	bar,2024-01-02T20:00:00Z,A,1h,10,11,9,10,100
	target,2024-01-02T21:00:00Z,A,5,qty,s
	bar,2024-01-02T21:00:00Z,A,1h,10,12,9,11,100
	risk,2024-01-03T09:05:00Z,,daily-loss,resume,new day
	bar,2024-01-03T09:00:00Z,A,1h,12,13,11,12,100
	E
	qts-sim day.csv >sim.csv
	qts-broker paper day.csv >broker.csv
	diff sim.csv broker.csv
	grep -A1 '^equity,2024-01-02T22:00:00Z,99950,100005,' broker.csv | grep -q '^risk,2024-01-03T09:05:00Z,'
}

@test "paper: another bar of a symbol for one time is refused before it is written, as in qts-sim" {
	# the fill and the equity the bars before it closed go out, the
	# refused bar does not: the error follows the last whole record
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,A,1d,10,11,9,10.5,100' 'bar,2024-01-02T00:00:00Z,B,1d,10,11,9,10.5,100' \
		'target,2024-01-03T00:00:00Z,A,5,qty,s' 'bar,2024-01-03T00:00:00Z,A,1d,10,11,9,10.5,100' \
		'bar,2024-01-03T00:00:00Z,A,1d,10,12,9,10.5,100' > other.csv
	run -1 --separate-stderr qts-sim other.csv
	sed -e 's/,qts-sim,error,"other.csv:5: /,qts-broker,error,"other.csv:5: paper: /' <<< "$output" > sim.csv
	run -1 --separate-stderr qts-broker paper other.csv
	diff sim.csv - <<< "$output"
	grep -q '^fill,2024-01-03T00:00:00Z,A,' <<< "$output"
	[ "$(grep -c '^bar,2024-01-03T00:00:00Z,A,' <<< "$output")" = 1 ]
	[ "$stderr" = "qts-broker: other.csv:5: paper: bar A 1d at 2024-01-03T00:00:00Z is not after the symbol's last bar of that timeframe, nor that bar again: another bar for one time would work its orders twice" ]
}

@test "paper: a share priced 0 keeps its last price and is said, as in qts-sim" {
	printf '%s\n' 'target,2024-01-01T00:00:00Z,A,100,qty,x' \
		'bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,100' \
		'bar,2024-01-02T00:00:00Z,A,1d,0,0,0,0,100' \
		'bar,2024-01-03T00:00:00Z,A,1d,11,11,11,11,100' > z.csv
	qts-sim z.csv > sim.csv 2> sim.err
	run -0 --separate-stderr qts-broker paper z.csv
	diff sim.csv - <<< "$output"
	grep -qx 'equity,2024-01-03T00:00:00Z,99000,100000,1000,1000,0,0' sim.csv
	[ "$stderr" = "qts-broker: 1 price of a share at 0 or below, the first of A at 2024-01-02T00:00:00Z: no price to value it at, its position kept at its last price" ]
	[ "$(cat sim.err)" = "qts-sim: 1 price of a share at 0 or below, the first of A at 2024-01-02T00:00:00Z: no price to value it at, its position kept at its last price" ]
}

@test "paper: contracts or actions given none of which is a symbol of the stream are said, as in qts-sim" {
	printf '2014-06-02,ORCL,split,2\n' > act.csv
	run -0 --separate-stderr qts-broker paper --actions act.csv "$T/sig.csv"
	[ "$stderr" = "qts-broker: --actions act.csv: no action is of a symbol the stream has prices of (ORCL is not): none was applied" ]
	run -0 --separate-stderr qts-sim --actions act.csv "$T/sig.csv"
	[ "$stderr" = "qts-sim: --actions act.csv: no action is of a symbol the stream has prices of (ORCL is not): none was applied" ]
	run -0 --separate-stderr qts-broker paper --instrument ES,multiplier=50 "$T/sig.csv"
	[ "$stderr" = "qts-broker: no contract given (--instrument, --instruments) is a symbol of the stream (ES is not): every symbol was taken as a share" ]
	run -0 --separate-stderr qts-broker paper --instrument ES,multiplier=50 --instrument ORCL-2014 "$T/sig.csv"
	[ -z "$stderr" ]
}

@test "paper: --cash, --commission, --slippage as qts-sim" {
	same_as_sim --cash 50000 --commission bps=5 --slippage bps=3
	same_as_sim --commission per-share=0.005,min=1 --slippage ticks=2,tick=0.01
}

@test "paper: --latency, --max-participation, --leverage, --no-short as qts-sim" {
	same_as_sim --latency 1d --max-participation 0.001
	same_as_sim --leverage 2 --no-short
}

@test "paper: --impact, --fractional, --close-at-end as qts-sim" {
	same_as_sim --impact sqrt,k=0.1,window=10 --close-at-end
	qts-strategy -e 'target = close > sma(close, 10) ? 2.5 : 0' "$T/orcl.csv" >frac.csv
	qts-sim --fractional frac.csv >sim.csv
	qts-broker paper --fractional frac.csv >broker.csv
	cmp sim.csv broker.csv
	grep -q '^fill,.*,buy,2.5,' broker.csv
}

@test "paper: --instrument, --instruments, --actions as qts-sim" {
	echo 'ORCL-2014,multiplier=50,margin=5000,tick=0.25' >ins.txt
	echo '2014-06-02,NVDA-2014,split,2' >actions.csv
	same_as_sim --instruments ins.txt --actions actions.csv
	same_as_sim --instrument NVDA-2014,multiplier=10,margin=100
}

@test "paper: a file an option names that cannot be read fails as in qts-sim" {
	run -1 --separate-stderr qts-broker paper --instruments nope.txt "$T/sig.csv"
	[ "$stderr" = "qts-broker: nope.txt: No such file or directory" ]
	run -1 --separate-stderr qts-broker paper --actions nope.csv "$T/sig.csv"
	[[ "$stderr" == "qts-broker: nope.csv"* ]]
	run -2 --separate-stderr qts-broker paper --commission nope "$T/sig.csv"
	[[ "$stderr" == "qts-broker: --commission: 'nope' is not key=value"* ]]
	run -2 --separate-stderr qts-broker paper --cash -1 "$T/sig.csv"
	[[ "$stderr" == "qts-broker: --cash: -1 is out of range"* ]]
}

@test "paper: minute bars of real volume, partially filled, as qts-sim" {
	qts-fetch --symbol ES --columns date,time,open,high,low,close,volume,oi \
		"$DATA/2006-01-02-volume-min-001.txt" | head -3000 >min.csv
	qts-strategy -e 'target = close > sma(close, 30) ? 20 : -20' min.csv >msig.csv
	qts-sim --max-participation 0.005 --commission bps=1 msig.csv >sim.csv
	qts-broker paper --max-participation 0.005 --commission bps=1 msig.csv >broker.csv
	grep -q ',partial,' broker.csv
	cmp sim.csv broker.csv
}

@test "paper: weeks, as qts-sim: a fill at a bar's open keeps its time, a cancel is dated when asked" {
	# The week of 2024-01-08 is known at 2024-01-15, after qts-risk's
	# "new day" of that time: its fill is dated at its open, 2024-01-08,
	# as qts-sim writes it (reports are in order among themselves), not
	# at the later event; the cancel's update at the cancel, not at the
	# latest bar's start; and the week's interest is on the cash after
	# the fill.
	cat >wk.csv <<-'E'
	bar,2024-01-01T00:00:00Z,A,1w,10,10,10,10,1000
	order,2024-01-08T00:00:00Z,A,a1,buy,100,market,,,gtc,s
	order,2024-01-08T00:00:00Z,A,a2,buy,1,limit,1,,gtc,s
	risk,2024-01-15T00:00:00Z,,daily-loss,resume,new day
	bar,2024-01-08T00:00:00Z,A,1w,10,11,9,10,1000
	cancel,2024-01-15T00:00:00Z,A,a2
	risk,2024-01-22T00:00:00Z,,daily-loss,resume,new day
	bar,2024-01-15T00:00:00Z,A,1w,10,11,9,10,1000
	E
	qts-sim --cash-rate 0.05 wk.csv >sim.csv
	qts-broker paper --cash-rate 0.05 wk.csv >broker.csv
	diff sim.csv broker.csv
	grep -A2 '^risk,2024-01-15T00:00:00Z' broker.csv | grep -qx 'fill,2024-01-08T00:00:00Z,A,a1,buy,100,10,0,0'
	grep -qx 'update,2024-01-15T00:00:00Z,A,a2,canceled,0,,canceled on request' broker.csv
	qts-report broker.csv >/dev/null
}

@test "paper: the bars of a time close as qts-sim closes them: a coarser bar after them, a quote after their end" {
	# qts-resample -k: the 5-minute bar from 10:25, of the 1-minute bar's
	# time but ending after it, closes that bar's time: the target held
	# after it is placed at 10:26, not at 10:30, so with 2 days of
	# latency it fills on 2024-01-04 at 10:26, at 11
	cat >k.csv <<-'E'
	bar,2024-01-02T10:24:00Z,A,1m,10,10,10,10,100
	bar,2024-01-02T10:20:00Z,A,5m,10,10,10,10,500
	bar,2024-01-02T10:25:00Z,A,1m,10,10,10,10,100
	target,2024-01-02T10:26:00Z,A,5,qty,s
	bar,2024-01-02T10:25:00Z,A,5m,10,10,10,10,100
	bar,2024-01-02T10:39:00Z,A,1m,10,10,10,10,100
	bar,2024-01-04T10:26:00Z,A,1m,11,11,11,11,100
	bar,2024-01-04T10:30:00Z,A,1m,12,12,12,12,100
	E
	qts-sim --latency 2d k.csv >sim.csv
	qts-broker paper --latency 2d k.csv >broker.csv
	diff sim.csv broker.csv
	grep -qx 'fill,2024-01-04T10:26:00Z,A,s-A-1,buy,5,11,0,0' broker.csv
	# a quote after the bars' end: their equity goes before it, at their end
	cat >q.csv <<-'E'
	bar,2024-01-02T00:00:00Z,A,1h,10,10,10,10,1000
	target,2024-01-02T01:00:00Z,A,5,qty,s
	quote,2024-01-02T01:30:00Z,A,10,100,10.1,100
	bar,2024-01-02T01:00:00Z,A,1h,10,11,9,10,1000
	quote,2024-01-02T02:30:00Z,A,10,100,10.1,100
	E
	qts-sim q.csv >sim.csv
	qts-broker paper q.csv >broker.csv
	diff sim.csv broker.csv
	grep -A1 '^equity,2024-01-02T01:00:00Z' broker.csv | grep -q '^quote,2024-01-02T01:30:00Z'
}

# held_goes_at_pause LINES ID: feed the first LINES of st.csv through a
# FIFO kept open, and wait (5 s at most) for order ID to come out while no
# more input comes; then the rest.  out.csv: what paper wrote.
held_goes_at_pause() {
	mkfifo in
	qts-broker paper <in >out.csv &
	pid=$!
	exec 7>in
	head -n "$1" st.csv >&7
	for _ in $(seq 100); do grep -q ",$2,new," out.csv 2>/dev/null && break; sleep 0.05; done
	went=$(grep -c ",$2,new," out.csv || true)
	tail -n +"$(($1 + 1))" st.csv >&7
	exec 7>&-
	wait "$pid"
	[ "$went" = 1 ]
}

@test "paper: a pause of the input lets the held events go, at once when the time's bars are all in" {
	# A's target is held for B's bar of the same time (as qts-sim holds
	# it).  When the input pauses, a live feed has nothing more to give:
	# the target's order goes out and the equity of its time is written.
	cat >st.csv <<-'E'
	bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	bar,2024-01-02T00:00:00Z,B,1d,20,20,20,20,1000
	bar,2024-01-03T00:00:00Z,A,1d,10,11,9,10,1000
	target,2024-01-04T00:00:00Z,A,5,qty,s
	bar,2024-01-03T00:00:00Z,B,1d,20,21,19,20,1000
	target,2024-01-04T00:00:00Z,A,0,qty,s
	bar,2024-01-04T00:00:00Z,A,1d,10,11,9,11,1000
	bar,2024-01-04T00:00:00Z,B,1d,20,21,19,21,1000
	E
	qts-broker paper st.csv >file.csv
	diff <(qts-sim st.csv) file.csv
	# B's bar of the 3rd still to come (the time before had two bars): the
	# pause acts once it has lasted 2 ms, by the stage's own timer, with
	# the input still open; B's bar then comes after the order and equity
	held_goes_at_pause 4 s-A-1
	grep -A2 ',s-A-1,new,' out.csv | grep -q '^equity,2024-01-04T00:00:00Z'
	[ "$(grep -n '^bar,2024-01-03T00:00:00Z,B' out.csv | cut -d: -f1)" -gt "$(grep -n ',s-A-1,new,' out.csv | cut -d: -f1)" ]
	! cmp -s file.csv out.csv || false
	# both bars of the 3rd in, and both targets: the pause acts at once,
	# and what goes out is what the file writes
	sed -i '4{h;d};5G' st.csv
	sed -n 5,6p st.csv | grep -c '^target' | grep -qx 2
	qts-broker paper st.csv >file.csv
	rm in
	held_goes_at_pause 6 s-A-2
	diff file.csv out.csv
}

@test "paper: fractional targets partly filled, weights, and a future's weights, sized as qts-sim sizes them" {
	# The order of a target is the difference from the engine's own
	# position and working quantity, to the last bit, and a weight is of
	# the engine's equity at that moment, not of the last equity event.
	qts-fetch --symbol ES --columns date,time,open,high,low,close,volume,oi \
		"$DATA/2006-01-02-volume-min-001.txt" | head -3000 >min.csv
	qts-strategy -e 'target = close > sma(close, 30) ? 20.3 : -7.7' min.csv >qty.csv
	qts-strategy --unit weight -e 'target = close > sma(close, 30) ? 0.3 : -0.2' min.csv >weight.csv
	for f in qty weight; do
		qts-sim --fractional --max-participation 0.005 --commission bps=1 $f.csv >sim.csv
		qts-broker paper --fractional --max-participation 0.005 --commission bps=1 $f.csv >broker.csv
		grep -q ',partial,' broker.csv
		cmp sim.csv broker.csv
	done
	# a future's weight is of its contract's value: price x multiplier
	# (0 contracts bought 45152 before, priced as shares)
	qts-fetch -s 6E --stamp end "$DATA/6EH4.XCME_1min_bars_20240101_20240131.csv.gz" | head -5000 |
		qts-resample 15m 2>/dev/null | qts-strategy --unit weight -e 'target = close > sma(close, 10) ? 5 : -3' >fw.csv
	ins=(--instrument 6E,multiplier=125000,margin=3000,tick=0.00005 --leverage 4)
	qts-sim "${ins[@]}" fw.csv >sim.csv
	qts-broker paper "${ins[@]}" fw.csv >broker.csv
	grep -qx 'update,2024-01-02T01:30:00Z,6E,expr-6E-1,new,0,,target 3: buy 3 market' broker.csv
	cmp sim.csv broker.csv
}

# ---- targets from the real position --------------------------------------------

@test "targets: the order is the difference from the position held and working" {
	cat >in.csv <<-'E'
	bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	order,2014-01-03T00:00:00Z,A,o1,buy,30,market,,,gtc,s
	bar,2014-01-03T00:00:00Z,A,1d,10,10,10,10,1000
	target,2014-01-04T00:00:00Z,A,100,qty,t
	target,2014-01-04T00:00:00Z,A,100,qty,t
	bar,2014-01-06T00:00:00Z,A,1d,11,11,11,11,1000
	target,2014-01-07T00:00:00Z,A,0,qty,*
	target,2014-01-07T00:00:00Z,A,0,qty,*
	bar,2014-01-07T00:00:00Z,A,1d,12,12,12,12,1000
	E
	run -0 qts-broker paper in.csv
	# 30 held: the target of 100 buys 70, once
	[ "$(grep -c ',t-A-.*,new,' <<<"$output")" -eq 1 ]
	grep -qx 'update,2014-01-04T00:00:00Z,A,t-A-1,new,0,,target 100: buy 70 market' <<<"$output"
	# the exit sells the 100 really held (30 ordered by hand, 70 by target);
	# a second exit replaces the first, as in qts-sim: 100 sold in all
	grep -qx 'update,2014-01-07T00:00:00Z,A,\*-A-2,new,0,,target 0: sell 100 market' <<<"$output"
	grep -qx 'update,2014-01-07T00:00:00Z,A,\*-A-2,canceled,0,,replaced by a target for every strategy' <<<"$output"
	grep -qx 'fill,2014-01-07T00:00:00Z,A,\*-A-3,sell,100,12,0,0' <<<"$output"
	[ "$(grep -c '^fill,.*,sell,' <<<"$output")" -eq 1 ]
	[ "$(grep '^position,' <<<"$output" | tail -1 | cut -d, -f4)" = 0 ]
	# qts-sim's stream, the cancel's reason too
	diff <(qts-sim in.csv) - <<<"$output"
}

@test "targets: a position read from the broker counts, a target never over-sells" {
	# fills of the broker's own (a liquidation) move the position too
	cat >in.csv <<-'E'
	bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	target,2014-01-03T00:00:00Z,A,10,qty,t
	bar,2014-01-03T00:00:00Z,A,1d,10,10,10,10,1000
	order,2014-01-04T00:00:00Z,A,o1,sell,4,limit,20,,gtc,s
	target,2014-01-04T00:00:00Z,A,0,qty,t
	bar,2014-01-06T00:00:00Z,A,1d,11,11,11,11,1000
	E
	run -0 qts-broker paper in.csv
	# 10 held, 4 offered by a working sell: the target of 0 sells 6, not 10
	grep -qx 'update,2014-01-04T00:00:00Z,A,t-A-2,new,0,,target 0: sell 6 market' <<<"$output"
}

@test "targets: weight targets need a price and the equity" {
	cat >in.csv <<-'E'
	target,2014-01-02T00:00:00Z,A,0.5,weight,w
	bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	bar,2014-01-03T00:00:00Z,A,1d,10,10,10,10,1000
	target,2014-01-04T00:00:00Z,A,0.5,weight,w
	bar,2014-01-04T00:00:00Z,A,1d,10,10,10,10,1000
	E
	run -0 --separate-stderr qts-broker paper --cash 1000 in.csv
	grep -qx 'update,2014-01-02T00:00:00Z,A,w-A-1,rejected,0,,weight target: no price for A yet' <<<"$output"
	grep -qx 'update,2014-01-04T00:00:00Z,A,w-A-2,new,0,,target 50: buy 50 market' <<<"$output"
	[ "$stderr" = "qts-broker: 1 target rejected, the first of A at 2014-01-02T00:00:00Z: weight target: no price for A yet" ]
	# paper sizes by its engine's books, as qts-sim: before the first
	# equity event (which comes with the second bar's time), the cash
	sed -i '3i target,2014-01-03T00:00:00Z,A,0.5,weight,w' in.csv
	run -0 --separate-stderr qts-broker paper --cash 1000 in.csv
	grep -qx 'update,2014-01-03T00:00:00Z,A,w-A-2,new,0,,target 50: buy 50 market' <<<"$output"
	diff <(qts-sim --cash 1000 in.csv 2>/dev/null) - <<<"$output"
	# --dry-run sends nothing, so the broker's books are not the stage's:
	# it sizes by what it has seen, and has seen no equity yet
	run -0 --separate-stderr qts-broker paper --dry-run --cash 1000 in.csv
	grep -qx 'update,2014-01-03T00:00:00Z,A,w-A-2,rejected,0,,weight target: no equity from the broker yet' <<<"$output"
	[ "$stderr" = "qts-broker: 2 targets rejected, the first of A at 2014-01-02T00:00:00Z: weight target: no price for A yet" ]
	grep -qx 'update,2014-01-04T00:00:00Z,A,w-A-3,new,0,,dry run: buy 50 market not sent' <<<"$output"
}

@test "orders: bad ones are refused as qts-sim words it, a repeated id once" {
	cat >in.csv <<-'E'
	bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	order,2014-01-03T00:00:00Z,A,o1,buy,0,market,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o2,buy,1,limit,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o3,buy,1,stop,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o5,buy,1,limit,-3,,gtc,s
	order,2014-01-03T00:00:00Z,A,,buy,1,market,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o4,buy,1,market,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o4,buy,1,market,,,gtc,s
	bar,2014-01-03T00:00:00Z,A,1d,10,10,10,10,1000
	E
	run -0 qts-broker paper --heartbeat 1h in.csv
	grep -qx 'update,2014-01-03T00:00:00Z,A,o1,rejected,0,,bad qty 0 (must be > 0)' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,o2,rejected,0,,limit order needs a limit price' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,o3,rejected,0,,stop order needs a stop price' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,o5,rejected,0,,limit price -3 is not above zero' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,,rejected,0,,no order id' <<<"$output"
	[ "$(grep -c ',o4,accepted,' <<<"$output")" -eq 1 ]
	[ "$(grep -c '^fill,.*,o4,' <<<"$output")" -eq 1 ]
}

# ---- safety ----------------------------------------------------------------------

@test "--dry-run: a new update for each order that would be sent, nothing sent" {
	run -0 qts-broker paper --dry-run --journal j "$T/sig.csv"
	! grep -q '^fill,\|,accepted,' <<<"$output" || false
	n=$(grep -c '^target,' "$T/sig.csv")
	[ "$(grep -c ',new,0,,dry run: ' <<<"$output")" -gt 0 ]
	grep -q ',sma-cross-ORCL-2014-1,new,0,,dry run: buy 100 market not sent$' <<<"$output"
	[ "$(grep -c "$(printf '^x\t.*\tdry-run\t[1-9][0-9]*\t#')" j)" -eq "$(grep -c ',new,0,,dry run: ' <<<"$output")" ]
	[ "$n" -gt 0 ]
}

@test "--dry-run: an order not sent is presumed working, a cancel ends it" {
	cat >in.csv <<-'E'
	bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	target,2014-01-03T00:00:00Z,A,100,qty,t
	target,2014-01-03T00:00:00Z,A,100,qty,t
	order,2014-01-03T00:00:00Z,A,o1,buy,5,limit,9,,gtc,s
	cancel,2014-01-03T00:00:00Z,A,o1
	target,2014-01-03T00:00:00Z,A,0,qty,t
	E
	run -0 qts-broker paper --dry-run in.csv
	[ "$(grep -c ',new,' <<<"$output")" -eq 3 ]
	grep -qx 'update,2014-01-03T00:00:00Z,A,t-A-1,new,0,,dry run: buy 100 market not sent' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,o1,new,0,,dry run: buy 5 limit not sent' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,t-A-2,new,0,,dry run: sell 100 market not sent' <<<"$output"
}

@test "--max-order-value: an order worth more is rejected, the price its limit or the last" {
	cat >in.csv <<-'E'
	order,2014-01-02T00:00:00Z,A,o0,buy,1,market,,,gtc,s
	bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	order,2014-01-03T00:00:00Z,A,o1,buy,100,market,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o2,buy,101,market,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o3,buy,100,limit,11,,gtc,s
	order,2014-01-03T00:00:00Z,A,o4,sell,200,stop,,5,gtc,s
	bar,2014-01-03T00:00:00Z,A,1d,10,10,10,10,1000
	E
	run -0 qts-broker paper --max-order-value 1000 in.csv
	grep -qx 'update,2014-01-02T00:00:00Z,A,o0,rejected,0,,--max-order-value: no price for A yet' <<<"$output"
	grep -q ',o1,accepted,' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,o2,rejected,0,,--max-order-value: order value 1010 (101 x 10) exceeds 1000' <<<"$output"
	grep -qx 'update,2014-01-03T00:00:00Z,A,o3,rejected,0,,--max-order-value: order value 1100 (100 x 11) exceeds 1000' <<<"$output"
	grep -q ',o4,accepted,' <<<"$output"
	run -2 --separate-stderr qts-broker paper --max-order-value 0 in.csv
	[[ "$stderr" == "qts-broker: --max-order-value: 0 is out of range"* ]]
	run -2 --separate-stderr qts-broker paper --max-order-value 1e16 in.csv
	[[ "$stderr" == "qts-broker: --max-order-value: 1e16 is out of range [1e-09, 1e+15]"* ]]
	run -0 qts-broker paper --max-order-value 1e15 in.csv
	run -2 --separate-stderr qts-broker paper --max-order-value x in.csv
	[[ "$stderr" == "qts-broker: --max-order-value: 'x' is not a number"* ]]
}

kill_stream() {
	cat <<-'E'
	bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	order,2014-01-03T00:00:00Z,A,o1,buy,10,market,,,gtc,s
	order,2014-01-03T00:00:00Z,A,o2,buy,5,limit,5,,gtc,s
	bar,2014-01-03T00:00:00Z,A,1d,10,10,10,10,1000
	risk,2014-01-04T00:00:00Z,,kill,breach,emergency stop: test
	risk,2014-01-04T00:00:00Z,A,kill,flatten,emergency stop
	target,2014-01-04T00:00:00Z,A,0,qty,*
	order,2014-01-04T00:00:00Z,A,o3,buy,1,market,,,gtc,s
	order,2014-01-04T00:00:00Z,A,risk-kill-A-1,sell,1,limit,20,,gtc,s
	target,2014-01-04T00:00:00Z,A,5,qty,s
	bar,2014-01-06T00:00:00Z,A,1d,10,10,10,10,1000
	risk,2014-01-07T00:00:00Z,,kill,resume,emergency stop lifted: test
	order,2014-01-07T00:00:00Z,A,o4,buy,1,market,,,gtc,s
	bar,2014-01-07T00:00:00Z,A,1d,10,10,10,10,1000
	E
}

@test "kill switch: a breach cancels what works and refuses all but the exits until resume" {
	kill_stream >in.csv
	run -0 qts-broker paper --heartbeat 1h in.csv
	grep -qx 'update,2014-01-04T00:00:00Z,A,o2,canceled,0,,emergency stop' <<<"$output"
	grep -qx 'update,2014-01-04T00:00:00Z,A,\*-A-1,new,0,,target 0: sell 10 market' <<<"$output"
	grep -qx "update,2014-01-04T00:00:00Z,A,o3,rejected,0,,emergency stop: qts-risk's kill switch is on" <<<"$output"
	grep -q ',risk-kill-A-1,accepted,' <<<"$output"
	grep -qx "update,2014-01-04T00:00:00Z,A,s-A-2,rejected,0,,emergency stop: qts-risk's kill switch is on" <<<"$output"
	grep -qx 'fill,2014-01-06T00:00:00Z,A,\*-A-1,sell,10,10,0,0' <<<"$output"
	grep -q ',o4,accepted,' <<<"$output"
	grep -qx 'fill,2014-01-07T00:00:00Z,A,o4,buy,1,10,0,0' <<<"$output"
}

@test "kill switch end to end: qts-risk --kill-file flattens through qts-broker paper" {
	mkfifo in
	qts-risk --kill-file stop <in | qts-broker paper >out.csv &
	pid=$!
	exec 7>in
	head -n 60 "$T/sig.csv" >&7
	# wait for a fill to be held, then pull the stop
	for _ in $(seq 200); do grep -q '^position,' out.csv 2>/dev/null && break; sleep 0.05; done
	grep -q '^position,' out.csv
	touch stop
	tail -n +61 "$T/sig.csv" >&7
	exec 7>&-
	wait "$pid"
	grep -q '^risk,.*,kill,breach,' out.csv
	# every position ends flat through the exits, and nothing buys after
	for s in ORCL-2014 NVDA-2014; do
		last=$(grep "^position,[^,]*,$s," out.csv | tail -1 | cut -d, -f4)
		[ -z "$last" ] || [ "$last" = 0 ]
	done
	after=$(sed -n '/,kill,breach,/,$p' out.csv)
	! grep -q '^fill,.*,buy,' <<<"$after" || grep '^fill,.*,buy,' <<<"$after" | grep -q ',\*-'
}

# ---- the journal and reconciliation ------------------------------------------------

# orders.csv: the strategy's targets as orders with ids of their own.
orders() {
	awk -F, -v OFS=, '$1 == "target" { n++; q = $4 - held[$3]; held[$3] = $4
		if (q == 0) next
		print "order", $2, $3, "ord-" n, (q > 0 ? "buy" : "sell"), (q > 0 ? q : -q), "market", "", "", "gtc", "s"; next }
		{ print }' "$T/sig.csv" >orders.csv
}

@test "--journal: every order journaled, a restart on the same input sends none again" {
	orders
	run -0 qts-broker paper --journal j orders.csv
	first=$(grep -c ',accepted,' <<<"$output")
	[ "$first" -gt 10 ]
	[ "$(head -1 j)" = "$(printf 'qts-broker-journal\t2')" ]
	[ "$(grep -c "$(printf '^o\t')" j)" -eq "$first" ]
	[ "$(grep -c "$(printf '^e\t.*\tfilled\t#')" j)" -eq "$first" ]
	run -0 qts-broker paper --journal j orders.csv
	[ "$(grep -c ',accepted,' <<<"$output")" -eq 0 ]
	! grep -q '^fill,' <<<"$output" || false
	# targets replayed are resolved against the account as it is: a
	# paper account starts afresh, and their orders take new ids
	run -0 qts-broker paper --journal j2 "$T/sig.csv"
	grep ',accepted,' <<<"$output" | cut -d, -f4 | sort >ids1
	run -0 qts-broker paper --journal j2 "$T/sig.csv"
	grep ',accepted,' <<<"$output" | cut -d, -f4 | sort >ids2
	[ -s ids2 ]
	[ -z "$(comm -12 ids1 ids2)" ]
}

@test "--journal: SIGKILL mid-stream and a restart: no order is sent twice" {
	orders
	mkfifo feed
	qts-fetch --pace 8640000 orders.csv >feed &
	fetch=$!
	qts-broker paper --journal j <feed >out1.csv &
	pid=$!
	for _ in $(seq 400); do [ "$(grep -c ',accepted,' out1.csv 2>/dev/null)" -ge 4 ] && break; sleep 0.05; done
	kill -KILL "$pid"
	wait "$pid" || true
	kill "$fetch" 2>/dev/null || true
	wait "$fetch" || true
	sent1=$(grep -c ',accepted,' out1.csv)
	[ "$sent1" -ge 4 ]
	[ "$sent1" -lt "$(grep -c '^order,' orders.csv)" ]
	qts-broker paper --journal j orders.csv >out2.csv
	# each id sent once over both runs
	cat out1.csv out2.csv | grep ',accepted,' | cut -d, -f4 | sort >ids
	[ -z "$(uniq -d ids)" ]
	# and none forgotten: every order of the input is in the journal
	[ "$(grep -c "$(printf '^o\t')" j)" -eq "$(grep -c '^order,' orders.csv)" ]
}

@test "--journal: an order journaled but never answered is sent again, one taken but forgotten ends" {
	printf 'qts-broker-journal\t1\no\tq1\tA\ts\tbuy\tmarket\tgtc\t10\t\t\t1388620800000000000\n' >j
	printf 'o\tq2\tA\ts\tbuy\tlimit\tgtc\t5\t9\t\t1388620800000000000\ns\tq2\n' >>j
	printf 'o\tq3\tA\ts\tbuy\tmarket\tgtc\t1\t\t\t1388620800000000000\ne\tq3\tfilled\n' >>j
	printf 'bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000\n' >in.csv
	run -0 qts-broker paper --journal j in.csv
	grep -q '^update,.*,A,q1,accepted,' <<<"$output"
	grep -qx 'fill,2014-01-02T00:00:00Z,A,q1,buy,10,10,0,0' <<<"$output"
	grep -q '^update,.*,A,q2,canceled,0,,the broker does not know this order' <<<"$output"
	# what reconciliation learnt before any input goes out at the first
	# input event's time, just before it: never at the epoch
	[ "$(head -2 <<<"$output" | tail -1)" = 'update,2014-01-02T00:00:00Z,A,q2,canceled,0,,the broker does not know this order' ]
	[ "$(sed -n 3p <<<"$output")" = 'bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000' ]
	! grep -q '^[a-z]*,1970-' <<<"$output" || false
	! grep -q ',q3,' <<<"$output" || false
	grep -q "$(printf '^e\tq2\tcanceled\t#')" j
	grep -q "$(printf '^e\tq1\tfilled\t#')" j
	grep -q "$(printf '^f\tq1\t10\t100\t#')" j
}

@test "--journal: a torn last record is cut, a bad one is an error naming its line" {
	printf 'qts-broker-journal\t1\no\tq1\tA\ts\tbuy\tmarket\tgtc\t10\t\t\t1388620800000000000\no\tq2\tA\ts\tb' >j
	printf 'bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000\n' >in.csv
	run -0 qts-broker paper --journal j in.csv
	grep -q ',q1,accepted,' <<<"$output"
	! grep -q "$(printf '\tq2\t')" j || false
	printf 'qts-broker-journal\t1\nz\tq1\n' >bad
	run -1 --separate-stderr qts-broker paper --journal bad in.csv
	[ "$stderr" = "qts-broker: bad:2: not a record (o, x, s, e or f)" ]
	echo hello >other
	run -1 --separate-stderr qts-broker paper --journal other in.csv
	[ "$stderr" = "qts-broker: other:1: not a qts-broker journal" ]
	mkdir dir
	run -1 --separate-stderr qts-broker paper --journal dir in.csv
	[ "$stderr" = "qts-broker: dir: Is a directory" ]
	# a fifo was read for good, SIGTERM or not; /dev/null kept nothing
	mkfifo fifo
	run -1 --separate-stderr timeout -k 5 20 qts-broker paper --journal fifo in.csv
	[ "$stderr" = "qts-broker: fifo: not a regular file: a journal is a file written and read back" ]
	run -1 --separate-stderr qts-broker paper --journal /dev/null in.csv
	[ "$stderr" = "qts-broker: /dev/null: not a regular file: a journal is a file written and read back" ]
	run -2 --separate-stderr qts-broker paper --journal '' in.csv
	[[ "$stderr" == "qts-broker: --journal: an empty file name"* ]]
}

@test "--journal: a record changed, removed, repeated or moved is refused naming its line, a journal of version 1 still read" {
	orders
	run -0 qts-broker paper --journal j orders.csv
	[ "$(head -1 j)" = "$(printf 'qts-broker-journal\t2')" ]
	# every record ends with its check
	[ -z "$(tail -n +2 j | grep -v "$(printf '\t#[0-9a-f]\\{8\\}$')")" ]
	run -0 qts-broker paper --journal j orders.csv
	cp j good
	n=$(grep -n "$(printf '^f\t')" good | head -1 | cut -d: -f1)
	# a fill's quantity changed: its order would be taken as filled otherwise
	sed "${n}s/$(printf '^f\t\\([^\t]*\\)\t1')/$(printf 'f\t\\1\t7')/" good >j
	! cmp -s good j
	cp j changed
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[ "$stderr" = "qts-broker: j:$n: the check (CRC-32) fails: this record was changed, or one before it removed, repeated or moved" ]
	cmp j changed
	# removed, repeated, moved: the next record's check fails
	sed "${n}d" good >j
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[ "$stderr" = "qts-broker: j:$n: the check (CRC-32) fails: this record was changed, or one before it removed, repeated or moved" ]
	sed "${n}p" good >j
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[[ "$stderr" == "qts-broker: j:$((n + 1)): the check (CRC-32) fails"* ]]
	awk -v n="$n" 'NR == n { held = $0; next } { print } NR == n + 1 { print held }' good >j
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[[ "$stderr" == "qts-broker: j:$n: the check (CRC-32) fails"* ]]
	# the check taken off, or not 8 hex digits
	sed "${n}s/$(printf '\t')#[0-9a-f]*\$//" good >j
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[ "$stderr" = "qts-broker: j:$n: no check: every record of a journal of version 2 ends with one" ]
	sed "${n}s/[0-9a-f]\$//" good >j
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[ "$stderr" = "qts-broker: j:$n: bad check (# and 8 hex digits)" ]
	# the last newline changed is no crash's torn end
	{ head -c -1 good; printf x; } >j
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[[ "$stderr" == "qts-broker: j:$(wc -l <good): a whole record whose newline was changed, not the torn end a crash leaves" ]]
	sed "1s/2\$/3/" good >j
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[ "$stderr" = "qts-broker: j:1: a qts-broker journal of a version not known" ]
	# version 1 (no checks) is read as it was, and what is appended to it checked
	printf 'qts-broker-journal\t1\no\tq1\tA\ts\tbuy\tmarket\tgtc\t10\t\t\t1388620800000000000\n' >j
	printf 'bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000\n' >in.csv
	run -0 qts-broker paper --journal j in.csv
	grep -q ',q1,accepted,' <<<"$output"
	run -0 qts-broker paper --journal j in.csv
	! grep -q ',q1,' <<<"$output" || false
	[ "$(sed -n 2p j)" = "$(printf 'o\tq1\tA\ts\tbuy\tmarket\tgtc\t10\t\t\t1388620800000000000')" ]
	grep -q "$(printf '^e\tq1\tfilled\t#[0-9a-f]\\{8\\}$')" j
	sed "s/$(printf '^f\tq1\t10')/$(printf 'f\tq1\t70')/" j >j2
	run -1 --separate-stderr qts-broker paper --journal j2 in.csv
	[[ "$stderr" == "qts-broker: j2:"*": the check (CRC-32) fails"* ]]
}

# ---- the command line ---------------------------------------------------------------

@test "the broker is the first word: none, or one not known, is a usage error" {
	run -2 --separate-stderr qts-broker </dev/null
	[[ "$stderr" == "qts-broker: no broker named: the first word is the broker"* ]]
	run -2 --separate-stderr qts-broker nope </dev/null
	[[ "$stderr" == "qts-broker: 'nope' is not a broker"* ]]
	[[ "$stderr" == *"BROKER: paper"* ]]
	run -2 --separate-stderr qts-broker paper --fallback '' </dev/null
	[[ "$stderr" == "qts-broker: --fallback: an empty endpoint"* ]]
	run -2 --separate-stderr qts-broker paper $(printf -- '--fallback e%d:1 ' $(seq 17)) </dev/null
	[[ "$stderr" == "qts-broker: --fallback: at most 16 endpoints"* ]]
	run -2 --separate-stderr qts-broker paper --live </dev/null
	[[ "$stderr" == *"usage: qts-broker"* ]]
}

@test "--help lists the common options and every broker's" {
	run -0 qts-broker --help
	[[ "$output" == *"--journal FILE"* ]]
	[[ "$output" == *"  paper: the qts-sim engine"* ]]
	[[ "$output" == *"--close-at-end"* ]]
	run -0 qts-broker paper --help
	[[ "$output" == *"--max-order-value X"* ]]
}

@test "--fallback: paper has no endpoint, so none to fall back from: a usage error" {
	run -2 --separate-stderr qts-broker paper --fallback 127.0.0.1:1 "$T/sig.csv"
	[[ "$stderr" == "qts-broker: --fallback: the paper broker runs in the process, with no endpoint to fall back from"* ]]
	[ "$output" = "" ]
}

@test "--fallback: an endpoint the broker would not take is a usage error as the stage is built, not found at the failover" {
	# (each was taken, exit 0, and said only once the first endpoint failed)
	for ep in nocolon :7497 host:0 host:99999 host:x; do
		run -2 --separate-stderr qts-broker ib --fallback "$ep" </dev/null
		[[ "$stderr" == "qts-broker: --fallback: ib: endpoint \"$ep\" is not HOST:PORT"* ]] || { echo "$ep: $stderr"; false; }
		[ "$output" = "" ]
	done
	run -2 --separate-stderr env APCA_API_KEY_ID=k APCA_API_SECRET_KEY=s qts-broker alpaca --fallback 'paper-api.alpaca.markets' </dev/null
	[[ "$stderr" == "qts-broker: --fallback: alpaca: paper-api.alpaca.markets: not an http:// or https:// URL"* ]]
}

@test "-M, --heartbeat, --metrics" {
	qts-broker paper -M "$T/sig.csv" | qts cat | cmp - <(qts-broker paper "$T/sig.csv")
	qts-broker paper --msgpack "$T/sig.csv" | qts cat | cmp - <(qts-broker paper "$T/sig.csv")
	mkfifo in
	qts-broker paper --heartbeat 10ms --metrics m.prom <in >out.csv &
	pid=$!
	exec 7>in
	head -50 "$T/sig.csv" >&7
	for _ in $(seq 200); do grep -q 'heartbeat' out.csv 2>/dev/null && break; sleep 0.05; done
	exec 7>&-
	wait "$pid"
	grep -q '^system,.*,qts-broker,info,heartbeat in=[0-9]* out=[0-9]* broker=paper up sent=[0-9]* working=[0-9]* refused=0 repeats=0$' out.csv
	grep -q 'qts_events_in_total' m.prom
}

@test "examples/live/paper.sh: the loop through qts-broker paper ends with a report and a journal" {
	run -0 --separate-stderr sh "$BATS_TEST_DIRNAME/../examples/live/paper.sh" "" 1000000 "$PWD"
	[[ $output == *"qts report"* ]]
	[ -z "$(printf '%s\n' "$stderr" | grep -E '^qts(-[a-z]+)?: ')" ]
	[ "$(head -1 orders.journal)" = "$(printf 'qts-broker-journal\t2')" ]
	grep -q "$(printf '^o\t')" orders.journal
}

@test "positions and equity in the input (a stream executed already) are refused, naming the line" {
	cat >run.csv <<-'E'
	bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1000
	target,2024-01-03T00:00:00Z,A,5,qty,s
	bar,2024-01-03T00:00:00Z,A,1d,11,11,11,11,1000
	E
	qts-broker paper run.csv >out.csv
	for type in equity position; do
		n=$(grep -n -m1 "^$type," out.csv | cut -d: -f1)
		grep -v "^$([ $type = equity ] && echo position || echo equity)," out.csv >in.csv
		n=$(grep -n -m1 "^$type," in.csv | cut -d: -f1)
		run -1 --separate-stderr qts-broker paper in.csv
		[ "$stderr" = "qts-broker: in.csv:$n: $type in the input: qts-broker writes the positions and equity itself; is this stream executed already? (keep its bars and orders: grep -v -e '^fill,' -e '^update,' -e '^position,' -e '^equity,')" ]
	done
	grep -v -e '^fill,' -e '^update,' -e '^position,' -e '^equity,' out.csv | qts-broker paper | diff out.csv -
}

@test "--dry-run: the orders of a symbol's targets are presumed working as one, netted: the orders made are those made one by one, the input's orders apart" {
	# targets flipping 100 and 0: each a buy or a sell presumed working,
	# netted to nothing; the orders written are those qts-sim would make
	{
		echo 'bar,2014-01-02T00:00:00Z,A,1d,10,10,10,10,1000'
		for i in $(seq 1 200); do
			echo "target,2014-01-03T00:00:00Z,A,$(( i % 2 ? 100 : 0 )),qty,t"
		done
		echo 'order,2014-01-03T00:00:00Z,A,o1,buy,5,limit,9,,gtc,s'
		echo 'target,2014-01-03T00:00:00Z,A,100,qty,t'
	} >in.csv
	run -0 qts-broker paper --dry-run in.csv
	[ "$(grep -c ',new,0,,dry run: buy 100 market not sent$' <<<"$output")" = 100 ]
	[ "$(grep -c ',new,0,,dry run: sell 100 market not sent$' <<<"$output")" = 100 ]
	# the input's order stays apart: the last target is sized against it
	grep -qx 'update,2014-01-03T00:00:00Z,A,t-A-201,new,0,,dry run: buy 95 market not sent' <<<"$output"
}

@test "--journal: one another qts-broker still running holds is refused, exit 1, and left as it is; free once that one ends" {
	orders
	mkfifo in
	qts-broker paper --journal j <in >out1.csv 2>err1.txt &
	pid=$!
	exec 7>in
	for _ in $(seq 200); do [ -s j ] && break; sleep 0.05; done
	cp j j.before
	run -1 --separate-stderr qts-broker paper --journal j orders.csv
	[ "$stderr" = "qts-broker: j: the journal of another qts-broker still running (it holds its lock)" ]
	cmp j j.before
	exec 7>&-
	wait "$pid"
	run -0 qts-broker paper --journal j orders.csv
	grep -q ',accepted,' <<<"$output"
}
