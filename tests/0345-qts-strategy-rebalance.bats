#!/usr/bin/env bats
# qts-strategy rebalance: fixed target weights set again each calendar
# period or past a drift band, on real daily data (Oracle, NVIDIA and
# Yahoo, Yahoo's CSVs of /work/shared/data, see its SOURCES.md) through
# qts-sim --fractional.  tests/0345-rebalance-check.py computes from the
# stream alone, independently of qts, the weights held after each
# rebalance and when each rebalance is due.

load helper

CHECK=$BATS_TEST_DIRNAME/0345-rebalance-check.py
W=ORCL:0.3,NVDA:0.3,YHOO:0.3

setup() {
	cd "$BATS_TEST_TMPDIR"
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	qts-fetch -s ORCL "$DATA/orcl-1995-2014.txt" >O.csv
	qts-fetch -s NVDA "$DATA/nvda-1999-2014.txt" >N.csv
	qts-fetch -s YHOO "$DATA/yhoo-1996-2014.txt" >Y.csv
	qts-fetch -s ORCL "$DATA/orcl-2014.txt" >o14.csv
	qts-fetch -s NVDA "$DATA/nvda-2014.txt" >n14.csv
}

# ---- when, and what is held ------------------------------------------------

@test "every=1M: at the first bar of each month, the weights held after it are the targets" {
	run -0 --separate-stderr qts-strategy rebalance weights=$W every=1M O.csv N.csv Y.csv
	[ "$stderr" = "" ]
	printf '%s\n' "$output" | qts-sim --fractional >sim.csv
	run -0 python3 "$CHECK" sim.csv $W 1M 0
	# 240 months of 1995..2014 and the first bars of YHOO and NVDA;
	# Feb 1 1995 was a Wednesday: its bar is known at the close, 1995-02-02
	[ "${#lines[@]}" -eq 242 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -c1-7 | uniq | wc -l)" -eq 240 ]
	[ "${lines[0]}" = 1995-01-04 ]
	[ "${lines[1]}" = 1995-02-02 ]
	# YHOO and NVDA, listed later, get their weight at their first bar
	[ "$(grep -m1 '^target,.*,YHOO,' sim.csv)" = "target,1996-04-13T00:00:00Z,YHOO,0.3,weight,rebalance" ]
	[ "$(grep -m1 '^target,.*,NVDA,' sim.csv)" = "target,1999-01-23T00:00:00Z,NVDA,0.3,weight,rebalance" ]
	# a target for every symbol priced, changed or not, cuts first
	[ "$(grep '^target,2014-12-02' sim.csv | cut -d, -f3,4 | sort | tr '\n' ' ')" = "NVDA,0.3 ORCL,0.3 YHOO,0.3 " ]
	# the check catches other weights and other periods
	run -1 python3 "$CHECK" sim.csv ORCL:0.3,NVDA:0.3,YHOO:0.31 1M 0
	run -1 python3 "$CHECK" sim.csv $W 1w 0
}

@test "every=1w: at the first bar of each week (from Monday)" {
	qts-strategy rebalance weights=$W every=1w O.csv N.csv Y.csv | qts-sim --fractional >sim.csv
	run -0 python3 "$CHECK" sim.csv $W 1w 0
	[ "${#lines[@]}" -gt 1000 ]
	# 1995-01-09 was a Monday, its bar known on the 10th
	[ "${lines[1]}" = 1995-01-10 ]
}

@test "every=3M, 12M, 1d: quarters, years, days" {
	qts-strategy rebalance weights=ORCL:1 every=3M o14.csv >q.csv
	[ "$(grep '^target' q.csv | cut -d, -f2 | tr '\n' ' ')" = "2014-01-03T00:00:00Z 2014-04-02T00:00:00Z 2014-07-02T00:00:00Z 2014-10-02T00:00:00Z " ]
	qts-strategy rebalance weights=ORCL:1 every=12M O.csv >y.csv
	[ "$(grep -c '^target' y.csv)" -eq 20 ]
	qts-strategy rebalance weights=ORCL:1 every=1d o14.csv >d.csv
	[ "$(grep -c '^target' d.csv)" -eq 252 ]
}

@test "tz=: the months of a time zone; tz goes with every and must be installed" {
	[ -f /usr/share/zoneinfo/Asia/Tokyo ] || skip "no zoneinfo"
	# bars stamped at midnight UTC are 09:00 in Tokyo: the same dates
	qts-strategy rebalance weights=ORCL:1 every=1M o14.csv >utc.csv
	qts-strategy rebalance weights=ORCL:1 every=1M tz=Asia/Tokyo o14.csv >tokyo.csv
	cmp utc.csv tokyo.csv
	# in New York they start the evening before, but a bar is of the date
	# of its middle, as qts-resample -z places it: the bar of Thursday
	# May 1 is May's first there too, as qts-resample's May opens with it
	qts-strategy rebalance weights=ORCL:1 every=1M tz=America/New_York o14.csv >ny.csv
	[ "$(grep '^target,2014-05' utc.csv | cut -d, -f2)" = 2014-05-02T00:00:00Z ]
	[ "$(grep '^target,2014-05' ny.csv | cut -d, -f2)" = 2014-05-02T00:00:00Z ]
	[ "$(qts-resample -z America/New_York 1M o14.csv 2>/dev/null | grep ',2014-05-' | cut -d, -f5)" = 40.720001 ]
	[ "$(grep ',2014-05-01T' o14.csv | cut -d, -f5)" = 40.720001 ]
	cmp utc.csv ny.csv
	# the same days' bars stamped at New York's midnight rebalance on the
	# same dates: a bar's period does not hang on where its day was stamped
	qts-resample -z America/New_York 1d o14.csv >nyd.csv
	qts-strategy rebalance weights=ORCL:1 every=1M tz=America/New_York nyd.csv >nyd-t.csv
	[ "$(grep '^target' nyd-t.csv | cut -c8-17 | tr '\n' ' ')" = "$(grep '^target' utc.csv | cut -c8-17 | tr '\n' ' ')" ]
	qts-strategy rebalance weights=ORCL:1 every=1w tz=America/New_York o14.csv >nyw.csv
	qts-strategy rebalance weights=ORCL:1 every=1w o14.csv >utcw.csv
	cmp utcw.csv nyw.csv
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 band=0.1 tz=UTC o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: tz goes with every=" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1M tz=Mars/Olympus o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: tz: unknown time zone 'Mars/Olympus'" ]
}

@test "band=: when a weight drifts past it, checked after every bar" {
	qts-strategy rebalance weights=$W band=0.05 O.csv N.csv Y.csv | qts-sim --fractional >sim.csv
	run -0 python3 "$CHECK" sim.csv $W - 0.05
	n=${#lines[@]}
	[ "$n" -gt 20 ] && [ "$n" -lt 240 ]
	# another band would rebalance at other times
	run -1 python3 "$CHECK" sim.csv $W - 0.04
	# a wider band rebalances less often
	qts-strategy rebalance weights=$W band=0.1 O.csv N.csv Y.csv | qts-sim --fractional >wide.csv
	run -0 python3 "$CHECK" wide.csv $W - 0.1
	[ "${#lines[@]}" -lt "$n" ]
}

@test "every= and band= together: at each month, or earlier past the band" {
	qts-strategy rebalance weights=$W every=1M band=0.05 O.csv N.csv Y.csv | qts-sim --fractional >sim.csv
	run -0 python3 "$CHECK" sim.csv $W 1M 0.05
	[ "${#lines[@]}" -gt 240 ]
	run -1 python3 "$CHECK" sim.csv $W 1M 0
}

@test "whole units: the weights held are the targets to a share" {
	qts-strategy rebalance weights=$W every=1M O.csv N.csv Y.csv | qts-sim >sim.csv
	! grep -q ',rejected,' sim.csv || false
	# after each rebalance's fills, each weight within one share's value
	# of its target, at the closes and equity of its time
	python3 - sim.csv <<-'EOF'
	import csv, sys, datetime as dt
	close, eq, pos, snaps, tg = {}, {}, {}, [], []
	d = dt.timedelta(days=1)
	t = lambda s: dt.datetime.fromisoformat(s.replace("Z", "+00:00"))
	for e in csv.reader(open(sys.argv[1])):
	    if e[0] == "bar": close[(e[2], t(e[1]) + d)] = float(e[7])
	    elif e[0] == "position": pos[e[2]] = float(e[3])
	    elif e[0] == "equity": eq[t(e[1])] = float(e[3]); snaps.append((t(e[1]), dict(pos)))
	    elif e[0] == "target": tg.append((t(e[1]), e[2], float(e[3])))
	n = 0
	for T, s, w in tg:
	    after = next((p for ts, p in snaps if ts > T), None)
	    if after is None: continue
	    c = close[(s, T)]
	    held = after.get(s, 0) * c / eq[T]
	    assert abs(held - w) <= c / eq[T] + 1e-12, (T, s, held, w)
	    n += 1
	assert n > 600, n
	EOF
}

# ---- where the weights come from ---------------------------------------------

@test "weights=@FILE: SYMBOL,WEIGHT lines, comments and blank lines, the same run" {
	qts-strategy rebalance weights=$W every=1M O.csv N.csv Y.csv >inline.csv
	printf '# the three\r\nORCL,0.3\r\n\r\n  NVDA,0.3\nYHOO,0.3\n' >w.txt
	run -0 --separate-stderr qts-strategy rebalance weights=@w.txt every=1M O.csv N.csv Y.csv
	[ "$stderr" = "" ]
	printf '%s\n' "$output" | cmp - inline.csv
}

@test "a symbol holding a colon or an equals sign: the weight follows the last colon" {
	sed 's/,ORCL,/,EURUSD=X,/' o14.csv >fx.csv
	sed 's/,NVDA,/,ES:c:0,/' n14.csv >es.csv
	run -0 --separate-stderr qts-strategy rebalance weights=EURUSD=X:0.4,ES:c:0:0.5 every=1M fx.csv es.csv
	[ "$(printf '%s\n' "$output" | grep -m2 '^target' | cut -d, -f3,4 | sort | tr '\n' ' ')" = "ES:c:0,0.5 EURUSD=X,0.4 " ]
}

@test "from=TYPE: weights from events of the stream, each from the next rebalance on" {
	printf 'weight,2014-01-01T00:00:00Z,ORCL,0.5\nweight,2014-06-01T00:00:00Z,ORCL,0\nweight,2014-06-01T00:00:00Z,NVDA,0.5\n' >wts.csv
	run -0 --separate-stderr qts-strategy rebalance from=weight every=1M o14.csv n14.csv wts.csv
	[ "$stderr" = "" ]
	# the weight events pass through
	[ "$(printf '%s\n' "$output" | grep -c '^weight,')" -eq 3 ]
	[ "$(printf '%s\n' "$output" | grep '^target' | cut -d, -f2,3,4 | sed -n '5,8p')" = "$(cat <<-'EOF'
	2014-05-02T00:00:00Z,ORCL,0.5
	2014-06-03T00:00:00Z,ORCL,0
	2014-06-03T00:00:00Z,NVDA,0.5
	2014-07-02T00:00:00Z,NVDA,0.5
	EOF
	)" ]
	# a weight at 0 and not held is not written again
	[ "$(printf '%s\n' "$output" | grep -c '^target,.*,ORCL,0,')" -eq 1 ]
	# the same from msgpack, where a weight is a float64 or an integer
	python3 - <<-'EOF'
	import struct
	def ev(ts, sym, w):
	    ns = struct.pack(">q", ts * 10**9)
	    num = b"\xcb" + struct.pack(">d", w) if isinstance(w, float) else bytes([w])
	    return b"\x94\xa6weight\xd3" + ns + bytes([0xa0 + len(sym)]) + sym.encode() + num
	open("wts.mp", "wb").write(ev(1388534400, "ORCL", 0.5) + ev(1401580800, "ORCL", 0) +
	                           ev(1401580800, "NVDA", 0.5))
	EOF
	qts-strategy rebalance from=weight every=1M o14.csv n14.csv wts.mp >mp.csv
	[ "$(grep '^target' mp.csv)" = "$(printf '%s\n' "$output" | grep '^target')" ]
}

@test "from=TYPE of no event of the input: named, and nothing targeted exits 1" {
	printf 'weight,2014-01-01T00:00:00Z,ORCL,0.5\n' >wts.csv
	run -1 --separate-stderr qts-strategy rebalance from=weights every=1M o14.csv wts.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: from=weights: no 'weights' event in the input (the input has 'weight' events): no weight was given, nothing was targeted" ]
	[ "$(grep -c '^target' <<<"$output")" -eq 0 ]
	run -1 --separate-stderr qts-strategy rebalance from=weight every=1M o14.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: from=weight: no 'weight' event in the input: no weight was given, nothing was targeted" ]
	# with --state the input may be the first part of the stream
	run -0 --separate-stderr qts-strategy --state st rebalance from=weight every=1M o14.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: from=weight: no 'weight' event in the input so far: no weight was given, nothing was targeted" ]
	# events of it, of weight 0 alone, are weights given: a portfolio of
	# cash, said as that (not as a target of nan)
	printf 'weight,2014-01-01T00:00:00Z,ORCL,0\n' >zero.csv
	run -0 --separate-stderr qts-strategy rebalance from=weight every=1M o14.csv zero.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: from=weight: every weight given was 0: nothing was targeted" ]
	run -0 --separate-stderr qts-strategy rebalance weights=ORCL:0 every=1M o14.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: every weight given was 0: nothing was targeted" ]
}

@test "from=TYPE: a weight set to 0 while the last targets' bars are coming writes the symbol's 0" {
	# the weight of A drops to 0 after the targets of the bars of 01-02
	# were written and before the next bar: the model still holds A at
	# what its target asked, so the next rebalance cuts it to 0, first
	cat >fr.csv <<-'EOF'
	wt,2024-01-01T00:00:00Z,A,0.5
	wt,2024-01-01T00:00:00Z,B,0.4
	bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1
	bar,2024-01-02T00:00:00Z,B,1d,20,20,20,20,1
	wt,2024-01-03T00:00:00Z,A,0
	bar,2024-01-03T00:00:00Z,A,1d,11,11,11,11,1
	bar,2024-01-03T00:00:00Z,B,1d,20,20,20,20,1
	bar,2024-01-04T00:00:00Z,A,1d,11,11,11,11,1
	bar,2024-01-04T00:00:00Z,B,1d,20,20,20,20,1
	bar,2024-01-08T00:00:00Z,A,1d,11,11,11,11,1
	bar,2024-01-08T00:00:00Z,B,1d,20,20,20,20,1
	EOF
	for when in every=1d band=0.05 "every=1d band=0.05"; do
		run -0 --separate-stderr qts-strategy rebalance from=wt $when fr.csv
		[ "$stderr" = "" ]
		[ "$(printf '%s\n' "$output" | grep '^target' | sed -n 3,4p)" = "$(cat <<-'EOF'
		target,2024-01-04T00:00:00Z,A,0,weight,rebalance
		target,2024-01-04T00:00:00Z,B,0.4,weight,rebalance
		EOF
		)" ]
	done
	# every=1w: at the first bar of the next week
	run -0 qts-strategy rebalance from=wt every=1w fr.csv
	[ "$(printf '%s\n' "$output" | grep '^target' | sed -n 3,4p)" = "$(cat <<-'EOF'
	target,2024-01-09T00:00:00Z,A,0,weight,rebalance
	target,2024-01-09T00:00:00Z,B,0.4,weight,rebalance
	EOF
	)" ]
	# and the same after a restart cut before the weight event
	head -4 fr.csv | qts-strategy --state fr.st rebalance from=wt every=1w >cut.csv
	qts-strategy --state fr.st rebalance from=wt every=1w fr.csv >>cut.csv
	[ "$(cat cut.csv)" = "$output" ]
}

@test "from=TYPE: bad weight events end the run, named by file and line" {
	printf 'weight,2014-01-01T00:00:00Z,ORCL\n' >a.csv
	run -1 --separate-stderr qts-strategy rebalance from=weight every=1M a.csv o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: a.csv:1: weight event: 3 fields, not 4 (weight,ts,symbol,weight)" ]
	printf 'weight,2014-01-01T00:00:00Z,,0.5\n' >b.csv
	run -1 --separate-stderr qts-strategy rebalance from=weight every=1M b.csv o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: b.csv:1: weight event: its third field is not a symbol" ]
	printf 'weight,2014-01-01T00:00:00Z,ORCL,x\n' >c.csv
	run -1 --separate-stderr qts-strategy rebalance from=weight every=1M c.csv o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: c.csv:1: weight 'ORCL': 'x' is not a number" ]
	printf 'weight,2014-01-01T00:00:00Z,ORCL,-0.5\n' >d.csv
	run -1 --separate-stderr qts-strategy rebalance from=weight every=1M d.csv o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: d.csv:1: weight 'ORCL': weight '-0.5' is negative (short=1 allows it)" ]
	printf 'weight,2014-01-01T00:00:00Z,ORCL,0.6\nweight,2014-01-01T00:00:00Z,NVDA,0.6\n' >e.csv
	run -1 --separate-stderr qts-strategy rebalance from=weight every=1M e.csv o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: o14.csv:1: weight events: the weights' absolute values add up to 1.2 at this rebalance, above leverage=1" ]
	run -0 qts-strategy rebalance from=weight every=1M leverage=1.2 e.csv o14.csv
	# the sum is checked where it is used: a move from one symbol to
	# another may pass through more than leverage on the way
	printf 'weight,2014-01-01T00:00:00Z,ORCL,0.6\nweight,2014-06-01T00:00:00Z,NVDA,0.6\nweight,2014-06-01T00:00:00Z,ORCL,0\n' >f.csv
	run -0 --separate-stderr qts-strategy rebalance from=weight every=1M f.csv o14.csv n14.csv
	[ "$stderr" = "" ]
	# a type of the stream, or not a type name, is refused before any input
	run -2 --separate-stderr qts-strategy rebalance from=bar every=1M o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: from: 'bar' is not the name of a type of its own (a lowercase name, not bar, target...)" ]
	run -2 --separate-stderr qts-strategy rebalance from=Weight every=1M o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: from: 'Weight' is not the name of a type of its own (a lowercase name, not bar, target...)" ]
}

@test "--feedback: the drift of the executing stage's positions and cash; a symbol held and not wanted gets 0" {
	# known before the first bar: ORCL 1000 held, NVDA 100, cash 50000
	cat >fb.csv <<-'EOF'
	equity,2013-12-31T00:00:00Z,50000,89386,39386,39386,0,0
	position,2013-12-31T00:00:00Z,ORCL,1000,37,37800,0,0
	position,2013-12-31T00:00:00Z,NVDA,100,15,1586,0,0
	EOF
	run -0 --separate-stderr qts-strategy --feedback fb.csv rebalance weights=ORCL:0.5 band=0.05 o14.csv n14.csv
	[ "$stderr" = "" ]
	printf '%s\n' "$output" >out.csv
	[ "$(grep -m2 '^target' out.csv | cut -d, -f3,4 | tr '\n' ' ')" = "NVDA,0 ORCL,0.5 " ]
	# the positions do not move (the feedback says nothing more): a
	# rebalance at each bar time where ORCL's weight, 1000 x close over
	# 50000 + 1000 x ORCL + 100 x NVDA, is more than 0.05 from 0.5
	python3 - out.csv <<-'EOF'
	import csv, sys
	px, times, first = {}, [], None
	got = sorted({e[1] for e in csv.reader(open(sys.argv[1])) if e[0] == "target"})
	for e in csv.reader(open(sys.argv[1])):
	    if e[0] != "bar": continue
	    px[e[2]] = float(e[7])
	    if first is None: first = e[1]; continue
	    if e[1] == first or len(px) < 2: continue
	    eq = 50000 + 1000 * px["ORCL"] + 100 * px["NVDA"]
	    drift = max(abs(1000 * px["ORCL"] / eq - 0.5), 100 * px["NVDA"] / eq)
	    if drift > 0.05: times.append(e[1])
	want = sorted({first} | set(times))
	# a target's time is its bar's close, a day after the bar's start
	import datetime as dt
	want = sorted({(dt.date.fromisoformat(t[:10]) + dt.timedelta(days=1)).isoformat() + "T00:00:00Z" for t in want})
	assert got == want, (len(got), len(want), sorted(set(got) ^ set(want))[:4])
	assert 100 < len(got) < 252, len(got)
	EOF
}

# ---- the parameters, refused before any input ---------------------------------

@test "a symbol of the weights without a bar: said at the end; none with a bar exits 1" {
	run -0 --separate-stderr qts-strategy rebalance weights=ORCL:0.3,NVDA:0.3,MSFT:0.3 every=1M o14.csv n14.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: no bar of 'MSFT' (1 of 3 symbols of the weights): never targeted" ]
	[ "$(grep -c '^target,.*,ORCL,' <<<"$output")" -eq 12 ]
	# a misspelt list: nothing traded is no success
	run -1 --separate-stderr qts-strategy rebalance weights=ORACLE:0.5,NVIDIA:0.5 every=1M o14.csv n14.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: no bar of any symbol of the weights ('ORACLE' and 1 other): nothing was targeted" ]
	[ "$(grep -c '^target' <<<"$output")" -eq 0 ]
	# with --state the input may be the first part of the stream
	run -0 --separate-stderr qts-strategy --state st rebalance weights=ORACLE:1 every=1M o14.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: no bar of 'ORACLE' so far (1 of 1 symbols of the weights): never targeted" ]
}

@test "--list names rebalance with its parameters" {
	run -0 qts-strategy --list
	[[ "$output" == *"rebalance weights= from= every= band=0 tz= leverage=1 short=0"* ]]
}

@test "neither or both of weights and from, neither every nor band" {
	run -2 --separate-stderr qts-strategy rebalance every=1M o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: weights= or from= names the weights" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 from=weight every=1M o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: weights= and from= exclude each other" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: every= or band= says when to rebalance" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 band=0 o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: every= or band= says when to rebalance" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1M weights=NVDA:1 o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: weights given twice" ]
	# the common size and weight are not rebalance's
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1M size=2 o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: unknown parameter 'size=2'" ]
	[ "$output" = "" ]
}

@test "every: a period of days, weeks or months; band, leverage and short in their ranges" {
	for p in 1q 1h 30m 0h x ''; do
		run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=$p o14.csv
		[ "${stderr_lines[0]}" = "qts-strategy: rebalance: every: '$p' is not a period (1d, 1w, 1M, 3M...)" ]
	done
	# other tools' spellings of a period: the one to write
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1W o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: every: '1W' is not a period (1d, 1w, 1M, 3M...): write 1w" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1y o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: every: '1y' is not a period (1d, 1w, 1M, 3M...): write 12M" ]
	# a count of days, weeks or months out of range: the range
	for p in 0M 0d 1000000w; do
		run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=$p o14.csv
		[ "${stderr_lines[0]}" = "qts-strategy: rebalance: every: '$p' is not a period (1d, 1w, 1M, 3M...): the count is 1 to 999999" ]
	done
	# (an hour spelled otherwise is no period either way)
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1H o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: every: '1H' is not a period (1d, 1w, 1M, 3M...)" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 band=-0.1 o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: band: -0.1 is out of range [0, 10]" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 band=nan o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: band: 'nan' is not a number" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1M leverage=0 o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: leverage: 0 is out of range [0.001, 100]" ]
	run -2 --separate-stderr qts-strategy rebalance weights=ORCL:1 every=1M short=2 o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: short: 2 is out of range [0, 1]" ]
}

@test "weights=: items, symbols and weights refused with what is wrong" {
	bad() {
		run -2 --separate-stderr qts-strategy rebalance weights="$1" every=1M o14.csv
		[ "${stderr_lines[0]}" = "qts-strategy: rebalance: $2" ] || { echo "$1: ${stderr_lines[0]}"; false; }
		[ "$output" = "" ]
	}
	bad '' "weights: empty"
	bad 'ORCL' "weights: 'ORCL' is not SYMBOL:WEIGHT"
	bad 'ORCL:0.5,' "weights: '' is not SYMBOL:WEIGHT"
	bad ':0.5' "weights: ':0.5': no symbol before the weight"
	bad 'ORCL:x' "weights: 'ORCL:x': 'x' is not a number"
	bad 'ORCL:nan' "weights: 'ORCL:nan': 'nan' is not a number"
	bad 'ORCL:-0.5' "weights: 'ORCL:-0.5': weight '-0.5' is negative (short=1 allows it)"
	bad 'ORCL:2' "weights: 'ORCL:2': 2 is out of range [-1, 1]"
	bad 'ORCL:0.5,ORCL:0.2' "weights: 'ORCL:0.2': 'ORCL' named twice"
	bad 'ORCL:0.6,NVDA:0.6' "weights: their absolute values add up to 1.2, above leverage=1"
	long=$(printf '%032d' 0)
	bad "$long:0.5" "weights: '$long:0.5': symbol '$long' is longer than 31 bytes"
	bad "$(printf 'OR\x01CL'):0.5" "weights: 'OR\x01CL:0.5': symbol 'OR\x01CL' holds a control character"
	run -2 --separate-stderr qts-strategy rebalance weights=$(printf 'S%0200d:0.1' 0) every=1M o14.csv
	[[ "${stderr_lines[0]}" == "qts-strategy: rebalance: weights: 'S000"*"...' is too long" ]]
	# short=1 takes a negative weight, leverage a larger sum
	run -0 qts-strategy rebalance weights=ORCL:-0.5,NVDA:0.5 short=1 every=1M o14.csv n14.csv
	[ "$(printf '%s\n' "$output" | grep -m1 '^target,.*,ORCL,')" = "target,2014-01-03T00:00:00Z,ORCL,-0.5,weight,rebalance" ]
	run -0 qts-strategy rebalance weights=ORCL:0.6,NVDA:0.6 leverage=1.2 every=1M o14.csv n14.csv
}

@test "weights=@FILE: a bad line named FILE:LINE, a file not read exits 1" {
	bad() {
		run -2 --separate-stderr qts-strategy rebalance weights=@w.txt every=1M o14.csv
		[ "${stderr_lines[0]}" = "qts-strategy: rebalance: $1" ] || { echo "${stderr_lines[0]}"; false; }
	}
	printf 'ORCL,0.3\n\nNVDA 0.3\n' >w.txt
	bad "weights: w.txt:3: 'NVDA 0.3' is not SYMBOL,WEIGHT"
	printf 'ORCL,0.3\nNVDA,lots\n' >w.txt
	bad "weights: w.txt:2: 'lots' is not a number"
	printf 'ORCL,0.3\nORCL,0.3\n' >w.txt
	bad "weights: w.txt:2: 'ORCL' named twice"
	printf ',0.3\n' >w.txt
	bad "weights: w.txt:1: no symbol before the weight"
	printf '# nothing\n\n' >w.txt
	bad "weights: w.txt: no SYMBOL,WEIGHT line"
	printf 'ORCL,0.3\nNV\0DA,0.3\n' >w.txt
	bad "weights: w.txt:2: a NUL byte"
	{ printf 'ORCL,0.3\n'; printf 'X%0600d,0.1\n' 0; } >w.txt
	run -2 --separate-stderr qts-strategy rebalance weights=@w.txt every=1M o14.csv
	[[ "${stderr_lines[0]}" == "qts-strategy: rebalance: weights: w.txt:2: symbol 'X000"*"...' is longer than 31 bytes" ]]
	awk 'BEGIN { for (i = 0; i < 4097; i++) printf "S%d,0.0001\n", i }' >w.txt
	bad "weights: w.txt:4097: more than 4096 symbols"
	# 4096 are taken (ORCL among them: the others, never priced, are named at the end)
	awk 'BEGIN { print "ORCL,0.0001"; for (i = 1; i < 4096; i++) printf "S%d,0.0001\n", i }' >w.txt
	run -0 --separate-stderr qts-strategy rebalance weights=@w.txt every=1M o14.csv
	[ "$stderr" = "qts-strategy: end of input: rebalance: no bar of 'S1' and 4094 others (4095 of 4096 symbols of the weights): never targeted" ]
	run -1 --separate-stderr qts-strategy rebalance weights=@nowhere.txt every=1M o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: weights: nowhere.txt: No such file or directory" ]
	# the stream ends with the failure, as when an input cannot be read
	[ "$output" = "system,1970-01-01T00:00:00Z,qts-strategy,error,rebalance: weights: nowhere.txt: No such file or directory" ]
	mkdir dir
	run -1 --separate-stderr qts-strategy rebalance weights=@dir every=1M o14.csv
	[ "${stderr_lines[0]}" = "qts-strategy: rebalance: weights: dir: Is a directory" ]
}

@test "a bar whose period starts before the earliest time ends the run" {
	printf 'bar,1677-09-22T00:00:00Z,X,1d,1,1,1,1,1\n' >old.csv
	run -1 --separate-stderr qts-strategy rebalance weights=X:1 every=1M old.csv
	[ "${stderr_lines[0]}" = "qts-strategy: old.csv:1: 'X': every=1M: the period of its bar starts before the earliest time" ]
	run -0 qts-strategy rebalance weights=X:1 every=1d old.csv
}

@test "--name names the targets; qts pipe gives the same stream as the shell pipeline" {
	qts-strategy --name rb rebalance weights=ORCL:0.5,NVDA:0.4 every=1M band=0.05 o14.csv n14.csv |
		qts-sim --fractional >shell.csv
	grep -q '^target,2014-01-03T00:00:00Z,NVDA,0.4,weight,rb$' shell.csv
	qts pipe 'qts-strategy --name rb rebalance weights=ORCL:0.5,NVDA:0.4 every=1M band=0.05 | qts-sim --fractional' \
		o14.csv n14.csv >pipe.csv
	cmp shell.csv pipe.csv
}
