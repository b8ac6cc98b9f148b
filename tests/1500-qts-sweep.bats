#!/usr/bin/env bats
# qts sweep: every combination of a grid run by qts pipe's engines over the
# input held in memory; each row is what qts-report says of qts pipe of
# that combination, byte for byte.

load helper

setup_file() {
	D=$BATS_FILE_TMPDIR
	qts-fetch --seed 5 --count 300 -t 1d synth:AAA,BBB,CCC > "$D/bars.csv"
	qts-fetch --seed 3 --count 300 -t 1d synth:AAA > "$D/one.csv"
	qts-fetch --seed 9 --count 900 -t 1d synth:AAA,BBB > "$D/long.csv"
}

setup() {
	D=$BATS_FILE_TMPDIR
	T=$BATS_TEST_TMPDIR
	CHAIN='qts-strategy sma-cross size=100 | qts-risk --max-position 300 | qts-sim --commission bps=5'
}

# row_is_report TABLE ID 'PIPELINE' FILES: the metrics of row ID of TABLE
# are the values of qts-report --csv on qts pipe of PIPELINE over FILES (a
# list split at spaces), in order.
row_is_report() {
	local table=$1 id=$2 line=$3 file=$4 np
	np=$(head -n 1 "$table" | tr , '\n' | grep -n '^start$' | cut -d: -f1)
	case $line in
	*qts-report*) line="$line --csv" ;;
	*) line="$line | qts-report --csv" ;;
	esac
	qts pipe "$line" $file | sed -n '2,44p' | cut -d, -f2- > "$T/want"
	awk -F, -v id="$id" -v from="$np" '$1 == id { for (i = from; i <= NF; i++) print $i }' "$table" > "$T/got"
	[ "$(wc -l < "$T/want")" -eq 43 ]
	diff "$T/want" "$T/got"
}

@test "sweep: each row is qts-report of qts pipe of that combination, byte for byte" {
	run -0 qts sweep -j 2 "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv"
	printf '%s\n' "$output" > "$T/table.csv"
	[ "${lines[0]%%,start,*}" = "id,fast,slow" ]
	[ "${#lines[@]}" -eq 7 ]
	for c in "1 5 20" "4 10 40" "5 15 20"; do
		set -- $c
		row_is_report "$T/table.csv" "$1" "qts-strategy sma-cross size=100 fast=$2 slow=$3 | qts-risk --max-position 300 | qts-sim --commission bps=5" "$D/bars.csv"
	done
}

@test "sweep: \$NAME in an expression, a qts-report of the pipeline's own, one worker or two alike" {
	line='qts-strategy -e "target = sma(close, $n) > sma(close, ${m}) ? 100 : 0" | qts-sim | qts-report --periods 12'
	run -0 qts sweep -j 1 "$line" n=3,6 m=20 "$D/bars.csv"
	printf '%s\n' "$output" > "$T/j1.csv"
	qts sweep -j 2 "$line" n=3,6 m=20 "$D/bars.csv" > "$T/j2.csv"
	cmp "$T/j1.csv" "$T/j2.csv"
	row_is_report "$T/j1.csv" 2 'qts-strategy -e "target = sma(close, 6) > sma(close, 20) ? 100 : 0" | qts-sim | qts-report --periods 12' "$D/bars.csv"
}

@test "sweep: an average computed once is read by the combinations fed alike; one fed otherwise runs again alone" {
	# tf=1h writes the SMAs of 3 and 8 bars; tf=4h, one worker after it,
	# finds them but feeds its own on other events: its figures must be
	# those of its own run, not of the averages read
	qts-fetch --seed 4 --count 600 -t 1h synth:AAA,BBB > "$T/h1.csv"
	qts-resample --offset 30m 4h "$T/h1.csv" > "$T/h4.csv" 2>/dev/null
	line='qts-strategy --tf $tf sma-cross fast=3 slow=8 size=10 | qts-sim'
	run -0 qts sweep -j 1 "$line" tf=1h,4h "$T/h1.csv" "$T/h4.csv"
	printf '%s\n' "$output" > "$T/table.csv"
	[ "${#lines[@]}" -eq 3 ]
	row_is_report "$T/table.csv" 1 'qts-strategy --tf 1h sma-cross fast=3 slow=8 size=10 | qts-sim' "$T/h1.csv $T/h4.csv"
	row_is_report "$T/table.csv" 2 'qts-strategy --tf 4h sma-cross fast=3 slow=8 size=10 | qts-sim' "$T/h1.csv $T/h4.csv"
	# and a grid whose averages are shared (fast=5 and slow=20 read by
	# the combinations after the first) is what it was alone
	run -0 qts sweep -j 2 "$CHAIN" fast=5,10 slow=20,30,40 "$D/bars.csv"
	printf '%s\n' "$output" > "$T/grid.csv"
	for c in "2 5 30" "4 10 20" "6 10 40"; do
		set -- $c
		row_is_report "$T/grid.csv" "$1" "qts-strategy sma-cross size=100 fast=$2 slow=$3 | qts-risk --max-position 300 | qts-sim --commission bps=5" "$D/bars.csv"
	done
}

@test "sweep: its options go anywhere, as a stage's do" {
	qts sweep -j 1 --top 2 --sort sharpe "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv" > "$T/before"
	[ "$(wc -l < "$T/before")" -eq 3 ]
	qts sweep "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv" --top 2 -j 1 --sort=sharpe | cmp - "$T/before"
	qts sweep "$CHAIN" --top 2 fast=5:15:5 -j 1 slow=20,40 --sort sharpe "$D/bars.csv" | cmp - "$T/before"
}

@test "sweep: values of a grid keep their decimals, a list its texts" {
	run -0 qts sweep -j 2 --sort days 'qts-strategy sma-cross fast=5 slow=20 | qts-sim --commission $c' c=bps=1,bps=2 "$D/one.csv"
	[ "$(cut -d, -f2 <<< "$output" | sort | tr '\n' ' ')" = "bps=1 bps=2 c " ]
	run -0 qts sweep -j 2 --sort days 'qts-strategy sma-cross fast=5 slow=20 weight=$w | qts-sim' w=0.1:0.3:0.1 "$D/one.csv"
	[ "$(cut -d, -f2 <<< "$output" | tail -n +2 | tr '\n' ' ')" = "0.1 0.2 0.3 " ]
	# a step written with an exponent keeps its decimals: 1e-7 steps
	# were all written 1, 5e-1 steps 1, 2, 2
	run -0 qts sweep -j 2 --sort days 'qts-strategy sma-cross fast=5 slow=20 weight=$w | qts-sim' w=0.1:0.1000003:1e-7 "$D/one.csv"
	[ "$(cut -d, -f2 <<< "$output" | tail -n +2 | tr '\n' ' ')" = "0.1 0.1000001 0.1000002 0.1000003 " ]
	run -0 qts sweep -j 2 --sort days 'qts-strategy sma-cross fast=5 slow=20 weight=$w | qts-sim' w=1e-1:2e-1:5e-2 "$D/one.csv"
	[ "$(cut -d, -f2 <<< "$output" | tail -n +2 | tr '\n' ' ')" = "0.1 0.15 0.2 " ]
}

@test "sweep: --sort ranks descending (ascending for volatility), ties by id, --top cuts" {
	run -0 qts sweep -j 2 "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv"
	col=$(head -n 1 <<< "$output" | tr , '\n' | grep -n '^sharpe$' | cut -d: -f1)
	tail -n +2 <<< "$output" | cut -d, -f"$col" > "$T/keys"
	sort -g -r "$T/keys" | cmp - "$T/keys"
	run -0 qts sweep -j 2 --sort volatility --top 2 "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv"
	[ "${#lines[@]}" -eq 3 ]
	col=$(head -n 1 <<< "$output" | tr , '\n' | grep -n '^volatility$' | cut -d: -f1)
	[ "$(tail -n +2 <<< "$output" | cut -d, -f"$col" | sort -g | tr '\n' ' ')" = "$(tail -n +2 <<< "$output" | cut -d, -f"$col" | tr '\n' ' ')" ]
	# every row the same days: the ids in order
	run -0 qts sweep -j 2 --sort days "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv"
	[ "$(tail -n +2 <<< "$output" | cut -d, -f1 | tr '\n' ' ')" = "1 2 3 4 5 6 " ]
}

@test "sweep: --json holds the CSV's rows, numbers as numbers, dates as strings, null where empty" {
	qts sweep -j 2 --top 3 "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv" > "$T/t.csv"
	qts sweep -j 2 --top 3 --json "$CHAIN" fast=5:15:5 slow=20,40 "$D/bars.csv" > "$T/t.json"
	python3 - "$T/t.csv" "$T/t.json" <<'EOF'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
objs = json.load(open(sys.argv[2]))
assert len(rows) == len(objs) == 3
for r, o in zip(rows, objs):
    assert list(r) == list(o), (list(r), list(o))
    for k, v in r.items():
        if v == "":
            assert o[k] is None, k
        elif k in ("start", "end", "max_drawdown_peak", "max_drawdown_trough", "max_drawdown_recovery"):
            assert o[k] == v, k
        else:
            assert o[k] == float(v) and not isinstance(o[k], str), k
EOF
}

@test "sweep: --samples draws distinct combinations of the grid, the same for the same --seed" {
	run -0 qts sweep -j 2 --samples 4 --seed 7 --sort days "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/one.csv"
	[ "${#lines[@]}" -eq 5 ]
	ids=$(tail -n +2 <<< "$output" | cut -d, -f1 | tr '\n' ' ')
	[ "$(tr ' ' '\n' <<< "$ids" | sed '/^$/d' | sort -n -u | wc -l)" -eq 4 ]
	# the grid's numbering: id 1 + 4 (fast index) + (slow index)
	tail -n +2 <<< "$output" | awk -F, '{ if ($1 != ($2 - 5) / 5 * 4 + ($3 - 20) / 10 + 1) exit 1 }'
	run -0 qts sweep -j 2 --samples 4 --seed 7 --sort days "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/one.csv"
	[ "$(tail -n +2 <<< "$output" | cut -d, -f1 | tr '\n' ' ')" = "$ids" ]
	run -0 qts sweep -j 2 --samples 4 --seed 8 --sort days "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/one.csv"
	[ "$(tail -n +2 <<< "$output" | cut -d, -f1 | tr '\n' ' ')" != "$ids" ]
	# more samples than the grid: the grid
	run -0 qts sweep -j 2 --samples 100 "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/one.csv"
	[ "${#lines[@]}" -eq 13 ]
}

@test "sweep: --shard I/N cover every combination once; --merge ranks them as one run" {
	qts sweep -j 2 "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/bars.csv" > "$T/all.csv"
	for i in 1 2 3 4 5; do
		qts sweep -j 2 --shard "$i/5" -o "$T/s$i.csv" "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/bars.csv"
	done
	[ "$(cat "$T"/s?.csv | grep -vc '^id,')" -eq 12 ]
	run -0 qts sweep --merge "$T"/s?.csv
	cmp "$T/all.csv" <(printf '%s\n' "$output")
	# the top N of each shard make the top N of all
	qts sweep -j 2 --top 3 --json "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/bars.csv" > "$T/top.json"
	for i in 1 2; do
		qts sweep -j 2 --top 3 --shard "$i/2" "$CHAIN" fast=5:15:5 slow=20:50:10 "$D/bars.csv" > "$T/t$i.csv"
	done
	qts sweep --merge --top 3 --json "$T/t1.csv" "$T/t2.csv" | cmp - "$T/top.json"
}

@test "sweep: GNU parallel runs the shards (local slots) and the merge is the single run" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed (make deps)"
	cd "$T"
	line='qts-strategy sma-cross weight=0.3 | qts-sim'
	qts sweep -j 2 "$line" fast=5:15:5 slow=20,40 "$D/bars.csv" > single.csv
	cp "$D/bars.csv" bars.csv
	HOSTS=: JOBS=2 SWEEP_JOBS=1 run -0 sh "$BATS_TEST_DIRNAME/../examples/scaling/sweep-shards.sh" 3 merged.csv bars.csv "$line" fast=5:15:5 slow=20,40
	cmp single.csv merged.csv
	[ -s merged.csv.1 ] && [ -s merged.csv.3 ]
}

@test "sweep: the deflated Sharpe ratio and the bootstrap interval, restated in Python" {
	qts sweep -j 2 --overfit "$T/of.csv" --bootstrap 300 --seed 11 'qts-strategy sma-cross size=100 | qts-sim' fast=5:15:5 slow=20,40 "$D/one.csv" > "$T/t.csv"
	best=$(sed -n 2p "$T/t.csv" | cut -d, -f2,3)
	qts pipe "qts-strategy sma-cross size=100 fast=${best%,*} slow=${best#*,} | qts-sim" "$D/one.csv" > "$T/best.csv"
	python3 - "$T/t.csv" "$T/of.csv" "$T/best.csv" <<'EOF'
# Bailey and Lopez de Prado (2014), eq. 6 and the PSR; a plain bootstrap
# with splitmix64; empyrical's Sharpe ratio; numpy's linear percentile.
import csv, math, sys
from statistics import NormalDist
rows = list(csv.DictReader(open(sys.argv[1])))
got = {r[0]: r[1] for r in csv.reader(open(sys.argv[2])) if r[0] != "metric"}
P = 252
sr = [float(r["sharpe"]) / math.sqrt(P) for r in rows if r["sharpe"]]
n = len(sr)
m = sum(sr) / n
var = sum((x - m) ** 2 for x in sr) / (n - 1)
g = 0.5772156649015329
z = NormalDist().inv_cdf
sr0 = math.sqrt(var) * ((1 - g) * z(1 - 1 / n) + g * z(1 - 1 / (n * math.e)))
b = rows[0]
s, k, t = float(b["sharpe"]) / math.sqrt(P), float(b["skew"]), float(b["kurtosis"]) + 3
dsr = NormalDist().cdf((s - sr0) * math.sqrt(float(b["days"]) - 1) / math.sqrt(1 - k * s + (k * 0 + t - 1) / 4 * s * s))
def near(a, b, tol=1e-9):
    assert abs(a - b) <= tol * max(1, abs(b)), (a, b)
near(float(got["trials"]), n)
near(float(got["expected_max_sharpe"]), sr0 * math.sqrt(P))
near(float(got["sharpe_std"]), math.sqrt(var) * math.sqrt(P))
near(float(got["deflated_sharpe"]), dsr)
# the best's daily returns: one equity a day (one symbol, daily bars)
eq = [float(r[3]) for r in csv.reader(open(sys.argv[3])) if r and r[0] == "equity"]
r = [eq[i] / eq[i - 1] - 1 for i in range(1, len(eq))]
assert len(r) == int(b["days"])
def sharpe(x):
    mu = sum(x) / len(x)
    sd = math.sqrt(sum((v - mu) ** 2 for v in x) / (len(x) - 1))
    return float("nan") if not sd > 1e-14 * max(abs(mu), 1) else mu / sd * math.sqrt(P)
near(sharpe(r), float(b["sharpe"]), 1e-12)
M = (1 << 64) - 1
state = 11
def draw():
    global state
    state = (state + 0x9e3779b97f4a7c15) & M
    x = state
    x = ((x ^ (x >> 30)) * 0xbf58476d1ce4e5b9) & M
    x = ((x ^ (x >> 27)) * 0x94d049bb133111eb) & M
    return x ^ (x >> 31)
out = []
for _ in range(300):
    d = [r[int((draw() >> 11) * (1.0 / 9007199254740992.0) * len(r))] for _ in r]
    v = sharpe(d)
    if v == v:
        out.append(v)
def pct(v, p):
    v = sorted(v)
    pos = p / 100 * (len(v) - 1)
    lo = math.floor(pos)
    if lo + 1 >= len(v):
        return v[lo]
    f, dd = pos - lo, v[lo + 1] - v[lo]
    return v[lo + 1] - dd * (1 - f) if f >= 0.5 else v[lo] + dd * f
near(float(got["bootstrap_low"]), pct(out, 2.5))
near(float(got["bootstrap_high"]), pct(out, 97.5))
near(float(got["bootstrap_resamples"]), 300)
EOF
	# the merge: the same deflated ratio from the tables alone, no bootstrap
	qts sweep --merge --overfit "$T/of2.csv" "$T/t.csv" > /dev/null
	diff <(grep -v bootstrap "$T/of.csv") <(grep -v bootstrap "$T/of2.csv")
	grep -qx 'bootstrap_low,' "$T/of2.csv"
	run -0 qts sweep -j 2 --json --overfit "$T/of.json" 'qts-strategy sma-cross size=100 | qts-sim' fast=5 slow=20 "$D/one.csv"
	python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["trials"] == 1 and d["expected_max_sharpe"] == 0' "$T/of.json"
}

@test "sweep: --walk-forward picks in each training window, tests after it, stitches the equity" {
	run -0 qts sweep -j 2 --walk-forward 1y:6m --oos-equity "$T/oos.csv" 'qts-strategy sma-cross size=100 | qts-sim' fast=5:15:5 slow=20,40 "$D/long.csv"
	[ "${lines[0]}" = "window,train_start,train_end,test_start,test_end,id,fast,slow,in_sample,out_of_sample,gap" ]
	[ "$(cut -d, -f1-5 <<< "${lines[1]}")" = "1,2024-01-01,2025-01-01,2025-01-01,2025-07-01" ]
	[ "${#lines[@]}" -eq 6 ]
	# each window's choice is the top of a sweep of its training window
	qts-fetch --to 2024-12-31 "$D/long.csv" > "$T/train1.csv"
	qts sweep -j 2 --top 1 'qts-strategy sma-cross size=100 | qts-sim' fast=5:15:5 slow=20,40 "$T/train1.csv" > "$T/top1.csv"
	[ "$(sed -n 2p "$T/top1.csv" | cut -d, -f1-3)" = "$(cut -d, -f6-8 <<< "${lines[1]}")" ]
	# in_sample is that sharpe; the gap is in_sample - out_of_sample
	col=$(head -n 1 "$T/top1.csv" | tr , '\n' | grep -n '^sharpe$' | cut -d: -f1)
	[ "$(sed -n 2p "$T/top1.csv" | cut -d, -f"$col")" = "$(cut -d, -f9 <<< "${lines[1]}")" ]
	awk -F, 'NR > 1 && $10 != "" { d = $9 - $10 - $11; if (d > 1e-12 || d < -1e-12) exit 1 }' <<< "$output"
	# the stitched equity is a stream qts-report reads, and its return the
	# product of the windows'; it starts at the close before the first test
	# (2024-12-31's, a Tuesday), each point dated at noon UTC of its day
	run -0 qts-report --csv "$T/oos.csv"
	[ "$(grep '^start,' <<< "$output")" = "start,2024-12-31" ]
	[ "$(head -n 2 "$T/oos.csv" | cut -d, -f1-2 | paste -sd' ')" = "equity,2024-12-31T12:00:00Z equity,2025-01-01T12:00:00Z" ]
	# a combination refused in every window: the others chosen, the file written
	run -0 --separate-stderr qts sweep -j 2 --walk-forward 1y:6m --oos-equity "$T/oos2.csv" 'qts-strategy sma-cross size=100 | qts-sim' fast=5,30 slow=20 "$D/long.csv"
	[ "${#lines[@]}" -eq 6 ]
	[ "$(cut -d, -f6 <<< "$output" | tail -n +2 | sort -u)" = 1 ]
	run -0 qts-report --csv "$T/oos2.csv"
}

@test "sweep: --walk-forward reckons every window from the first day, so the tests tile time: no day twice, none left out" {
	# from a 31st, 2m:1m: the boundaries are 2024-01-31 plus n months,
	# each clamped once to its month's last day (by hand, and Python's
	# calendar.monthrange), never carried on (January 31, February 29,
	# March 29...); each test ends where the next starts, the last at
	# the day after the input's (2025-06-30, a Monday)
	qts-fetch --from 2024-01-31 --to 2025-06-30 "$D/long.csv" > "$T/m.csv"
	run -0 qts sweep -j 2 --walk-forward 2m:1m --oos-equity "$T/oos.csv" 'qts-strategy sma-cross size=100 | qts-sim' fast=2,3 slow=5 "$T/m.csv"
	diff - <(cut -d, -f1-5 <<< "$output") <<EOF
window,train_start,train_end,test_start,test_end
1,2024-01-31,2024-03-31,2024-03-31,2024-04-30
2,2024-02-29,2024-04-30,2024-04-30,2024-05-31
3,2024-03-31,2024-05-31,2024-05-31,2024-06-30
4,2024-04-30,2024-06-30,2024-06-30,2024-07-31
5,2024-05-31,2024-07-31,2024-07-31,2024-08-31
6,2024-06-30,2024-08-31,2024-08-31,2024-09-30
7,2024-07-31,2024-09-30,2024-09-30,2024-10-31
8,2024-08-31,2024-10-31,2024-10-31,2024-11-30
9,2024-09-30,2024-11-30,2024-11-30,2024-12-31
10,2024-10-31,2024-12-31,2024-12-31,2025-01-31
11,2024-11-30,2025-01-31,2025-01-31,2025-02-28
12,2024-12-31,2025-02-28,2025-02-28,2025-03-31
13,2025-01-31,2025-03-31,2025-03-31,2025-04-30
14,2025-02-28,2025-04-30,2025-04-30,2025-05-31
15,2025-03-31,2025-05-31,2025-05-31,2025-06-30
16,2025-04-30,2025-06-30,2025-06-30,2025-07-01
EOF
	# the stitched curve: its start, the close before the first test
	# (2024-03-29, a Friday: the test starts on a Sunday), then each day
	# the bars trade on from the first test on, once, in order (a test
	# that starts on a weekend counts the Monday after it, from the
	# Friday's close)
	[ "$(head -n 1 "$T/oos.csv" | cut -d, -f2)" = 2024-03-29T12:00:00Z ]
	cut -d, -f2 "$T/m.csv" | cut -c1-10 | sort -u | awk '$0 >= "2024-03-31"' > "$T/days"
	sed 1d "$T/oos.csv" | cut -d, -f2 | cut -c1-10 | diff "$T/days" -
	run -0 qts-report --csv "$T/oos.csv"
	[ "$(grep -E '^(start|end|days),' <<< "$output" | paste -sd' ')" = "start,2024-03-29 end,2025-06-30 days,$(wc -l < "$T/days")" ]
	# years from a leap day: 2024-02-29 plus 12, 18, 24... months, February
	# 28 in the years without a 29th (by hand); the last test ends the day
	# after the input's last bar, 2027-06-11
	qts-fetch --from 2024-02-29 "$D/long.csv" > "$T/y.csv"
	run -0 qts sweep -j 2 --walk-forward 1y:6m 'qts-strategy sma-cross size=100 | qts-sim' fast=2,3 slow=5 "$T/y.csv"
	diff - <(cut -d, -f1-5 <<< "$output") <<EOF
window,train_start,train_end,test_start,test_end
1,2024-02-29,2025-02-28,2025-02-28,2025-08-29
2,2024-08-29,2025-08-29,2025-08-29,2026-02-28
3,2025-02-28,2026-02-28,2026-02-28,2026-08-29
4,2025-08-29,2026-08-29,2026-08-29,2027-02-28
5,2026-02-28,2027-02-28,2027-02-28,2027-06-12
EOF
}

@test "sweep: --oos-equity dates each point at noon UTC of its session day, the days and months of a direct run" {
	run -0 qts sweep -j 2 --walk-forward 1y:6m --oos-equity "$T/oos.csv" -o "$T/wf.csv" 'qts-strategy sma-cross size=100 | qts-sim' fast=5:15:5 slow=20,40 "$D/long.csv"
	# every time is noon UTC of a day the bars trade on (Monday to
	# Friday), the last the last bar's, 2027-06-11; none the day after
	# (the equity of a daily bar comes at its end, the next midnight)
	[ -z "$(cut -d, -f2 "$T/oos.csv" | grep -v 'T12:00:00Z$')" ]
	cut -d, -f2 "$D/long.csv" | cut -c1-10 | sort -u > "$T/bardays"
	[ -z "$(cut -d, -f2 "$T/oos.csv" | cut -c1-10 | sort -u | comm -23 - "$T/bardays")" ]
	[ "$(tail -n 1 "$T/oos.csv" | cut -d, -f2)" = 2027-06-11T12:00:00Z ]
	qts-report --json "$T/oos.csv" > "$T/oos.json"
	# each test window's months (its tests start on the 1st) have the
	# returns of a direct run of its choice over its training and test
	# windows, whose days qts-report dates by its bars
	tail -n +2 "$T/wf.csv" | while IFS=, read -r w tr_start _ te_start te_end _ fast slow _; do
		last=$(date -u -d "$te_end - 1 day" +%F)
		qts-fetch --from "$tr_start" --to "$last" "$D/long.csv" > "$T/w.csv"
		qts pipe "qts-strategy sma-cross size=100 fast=$fast slow=$slow | qts-sim | qts-report --json" "$T/w.csv" > "$T/direct.json"
		python3 - "$T/direct.json" "$T/oos.json" "$te_start" "$last" <<'EOF' || { echo "window $w"; false; }
import json, sys
d = json.load(open(sys.argv[1]))["monthly_returns"]
o = json.load(open(sys.argv[2]))["monthly_returns"]
months = [m for m in d if sys.argv[3][:7] <= m <= sys.argv[4][:7]]
assert len(months) >= 5, months
for m in months:
    assert abs(d[m] - o[m]) < 1e-12, (m, d[m], o[m])
EOF
	done
}

@test "sweep: --walk-forward over ORCL's days: month windows from a 30th and a 31st, the 2014 test as a direct run" {
	[ -f "$DATA/orcl-1995-2014.txt" ] || skip "shared data not present"
	# from 2005-01-31, 2m:1m: the second test starts where the first ends
	# (2005-04-30), and the stitched curve is in time order
	qts-fetch -f 2005-01-31 -u 2005-12-31 "file:$DATA/orcl-1995-2014.txt" > "$T/o05.csv"
	run -0 qts sweep --walk-forward 2m:1m --oos-equity "$T/oos.csv" 'qts-strategy sma-cross weight=0.5 | qts-sim' fast=2:3:1 slow=4:5:1 "$T/o05.csv"
	[ "$(sed -n '2,3p' <<< "$output" | cut -d, -f1-5 | paste -sd' ')" = "1,2005-01-31,2005-03-31,2005-03-31,2005-04-30 2,2005-02-28,2005-04-30,2005-04-30,2005-05-31" ]
	run -0 qts-report --csv "$T/oos.csv"
	# from 2004-01-30, 3m:1m: every trading day from the first test on is
	# in the stitched curve once (2005-03-28 too, in no test before)
	qts-fetch -f 2004-01-30 "file:$DATA/orcl-1995-2014.txt" > "$T/o04.csv"
	run -0 qts sweep --walk-forward 3m:1m --oos-equity "$T/oos5.csv" 'qts-strategy buy-hold | qts-sim' size=100,200 "$T/o04.csv"
	[ "$(sed -n '12,13p' <<< "$output" | cut -d, -f4-5 | paste -sd' ')" = "2005-02-28,2005-03-30 2005-03-30,2005-04-30" ]
	test_start=$(sed -n 2p <<< "$output" | cut -d, -f4)
	cut -d, -f2 "$T/o04.csv" | cut -c1-10 | awk -v s="$test_start" '$0 >= s' > "$T/days"
	sed 1d "$T/oos5.csv" | cut -d, -f2 | cut -c1-10 | diff "$T/days" -
	grep -q '^2005-03-28$' "$T/days"
	# 3y:1y over 1995-2014: the last test (2014-01-03 on) chose fast=15
	# slow=60; its months after January (whose first day is of the test
	# before) are a direct run's from its training start, and no return is
	# of 2015, which never traded
	qts-fetch "file:$DATA/orcl-1995-2014.txt" > "$T/o95.csv"
	qts sweep --walk-forward 3y:1y --oos-equity "$T/oosB.csv" -o "$T/wf.csv" 'qts-strategy sma-cross weight=0.5 | qts-sim' fast=5:30:5 slow=40:100:20 "$T/o95.csv"
	[ "$(tail -n 1 "$T/wf.csv" | cut -d, -f1-8)" = "17,2011-01-03,2014-01-03,2014-01-03,2015-01-01,10,15,60" ]
	[ "$(tail -n 1 "$T/oosB.csv" | cut -d, -f2)" = 2014-12-31T12:00:00Z ]
	qts-report --json "$T/oosB.csv" > "$T/oos.json"
	qts-fetch -f 2011-01-03 -u 2014-12-31 "$T/o95.csv" | qts-strategy sma-cross fast=15 slow=60 weight=0.5 | qts-sim | qts-report --json > "$T/direct.json"
	python3 - "$T/direct.json" "$T/oos.json" <<'EOF'
import json, sys
d, o = (json.load(open(f)) for f in sys.argv[1:])
assert o["end"] == "2014-12-31" and "2015" not in o["yearly_returns"], (o["end"], o["yearly_returns"])
for m in ["2014-%02d" % i for i in range(2, 13)]:
    assert abs(d["monthly_returns"][m] - o["monthly_returns"][m]) < 1e-12, (m, d["monthly_returns"][m], o["monthly_returns"][m])
EOF
}

@test "sweep: a combination an engine refuses is said once, the others are ranked" {
	run --separate-stderr -0 qts sweep -j 2 "$CHAIN" fast=10,30 slow=20 "$D/one.csv"
	[ "${#lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: fast (30) must be less than slow (20)" ]
	[ "${stderr_lines[1]}" = "qts sweep: 1 of 2 combinations failed; the first (id 2: qts-strategy sma-cross size=100 fast=30 slow=20 | qts-risk --max-position 300 | qts-sim --commission bps=5) said the above" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	# all refused: the engine's status
	run --separate-stderr -2 qts sweep -j 2 "$CHAIN" fast=30 slow=20 "$D/one.csv"
	[ "${stderr_lines[1]}" = "qts sweep: 1 of 1 combination failed; the first (id 1: qts-strategy sma-cross size=100 fast=30 slow=20 | qts-risk --max-position 300 | qts-sim --commission bps=5) said the above" ]
	run --separate-stderr -2 qts sweep 'qts-strategy sma-cross | qts-nope' fast=5 "$D/one.csv"
	[[ "${stderr_lines[0]}" == "qts sweep: stage 2: unknown stage 'qts-nope' (qts pipe runs "* ]]
	run --separate-stderr -2 qts sweep "$CHAIN | qts-report --json" fast=5 "$D/one.csv"
	[ "${stderr_lines[0]}" = "qts sweep: qts-report: in a sweep it writes no report of its own: -j, -c, -t, --html, -o, --live, --tee and FILE are not for it" ]
	run --separate-stderr -2 qts sweep "qts-strategy sma-cross $D/one.csv | qts-sim" fast=5 "$D/one.csv"
	[ "${stderr_lines[0]}" = "qts sweep: '$D/one.csv' in the pipeline: name the files after the parameters" ]
	run --separate-stderr -2 qts sweep "qts-strategy --feedback $T/fb sma-cross | qts-sim" fast=5 "$D/one.csv"
	[ "${stderr_lines[0]}" = "qts sweep: --feedback: a sweep's stages take no feedback" ]
	# bad data in a combination's run: said where, exit 1
	printf 'bar,2024-01-02,AAA,1d,1,2,0.5,1.5,100\nbar,2024-01-03,AAA,1d,1,2,0.5,nan,100\n' > "$T/bad.csv"
	run --separate-stderr qts sweep 'qts-strategy -e "target = close" | qts-sim' x=1,2 "$T/bad.csv"
	[ "$status" -ne 0 ]
}

@test "sweep: one worker runs combination after combination, each as alone; one refused on the way is replaced" {
	# -j 1: one worker builds, runs and frees each combination in turn;
	# id 2 is refused (its worker exits 2) and a new worker takes id 3
	run --separate-stderr -0 qts sweep -j 1 "$CHAIN" fast=10,30,15,5 slow=20 "$D/bars.csv"
	printf '%s\n' "$output" > "$T/table.csv"
	[ "${#lines[@]}" -eq 4 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: fast (30) must be less than slow (20)" ]
	[[ "${stderr_lines[1]}" == "qts sweep: 1 of 4 combinations failed; the first (id 2: "* ]]
	for c in "1 10" "3 15" "4 5"; do
		set -- $c
		row_is_report "$T/table.csv" "$1" "qts-strategy sma-cross size=100 fast=$2 slow=20 | qts-risk --max-position 300 | qts-sim --commission bps=5" "$D/bars.csv"
	done
	# and two workers, the same rows
	qts sweep -j 2 "$CHAIN" fast=10,30,15,5 slow=20 "$D/bars.csv" 2>/dev/null | cmp - "$T/table.csv"
}

@test "sweep: a test window without a figure, an input too short, a training window without one" {
	run --separate-stderr -1 qts sweep --walk-forward 5y:1y 'qts-strategy sma-cross size=100 | qts-sim' fast=5 "$D/long.csv"
	[ "${stderr_lines[0]}" = "qts sweep: --walk-forward: the input's 1258 days hold no training window and a test after it" ]
	run --separate-stderr -1 qts sweep --walk-forward 1m:1m 'qts-strategy sma-cross size=100 fast=5 slow=$s | qts-sim' s=60 "$D/long.csv"
	[ "${stderr_lines[0]}" = "qts sweep: training window 2024-01-01 to 2024-02-01: no combination has a sharpe" ]
}

@test "sweep: usage errors name the option and exit 2" {
	p='qts-strategy sma-cross | qts-sim'
	f=$D/one.csv
	while IFS= read -r l; do
		args=${l%% => *} msg=${l#* => }
		eval "set -- $args"
		run --separate-stderr -2 qts sweep "$@" < /dev/null
		[ "${stderr_lines[0]}" = "qts sweep: $msg" ] || { echo "qts sweep $args: ${stderr_lines[0]}, want $msg"; false; }
	done <<EOF
-j 0 "\$p" fast=5 \$f => --jobs: 0 is out of range [1, 1024]
--samples x "\$p" fast=5 => --samples: 'x' is not a whole number
--seed -1 "\$p" fast=5 => --seed: -1 is out of range [0, 2147483647]
--sort nope "\$p" fast=5 => --sort: 'nope' is not a metric of qts-report (its names in qts-report --csv, not a date)
--sort start "\$p" fast=5 => --sort: 'start' is not a metric of qts-report (its names in qts-report --csv, not a date)
--top 0 "\$p" fast=5 => --top: 0 is out of range [1, 1000000000]
--shard 3 "\$p" fast=5 => --shard: '3' is not I/N
--shard 3/2 "\$p" fast=5 => --shard: '3/2' is not I/N with 1 <= I <= N
--overfit '' "\$p" fast=5 => --overfit: an empty file name
-o '' "\$p" fast=5 => --output: an empty file name
--bootstrap 0 "\$p" fast=5 => --bootstrap: 0 is out of range [1, 1000000]
--merge --periods 0 x => --periods: 0 is out of range [1, 1e+06]
--walk-forward 3y "\$p" fast=5 => --walk-forward: '3y' is not TRAIN:TEST (such as 3y:1y; y, m, w or d)
--walk-forward 3x:1y "\$p" fast=5 => --walk-forward: '3x:1y' is not TRAIN:TEST (such as 3y:1y; y, m, w or d)
--oos-equity '' "\$p" fast=5 => --oos-equity: an empty file name
--merge => --merge: no table named
--merge --samples 3 x => --merge ranks tables: no --samples, --seed, --shard, --walk-forward or --oos-equity
--periods 12 "\$p" fast=5 => --periods goes with --merge (a sweep takes qts-report's own)
 => no pipeline given
"\$p" => no PARAM=SPEC given
--oos-equity x "\$p" fast=5 => --oos-equity goes with --walk-forward
--walk-forward 1y:1y --top 3 "\$p" fast=5 => --walk-forward writes its windows: no --shard, --overfit or --top
"\$p" aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1 => 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...': a parameter's name is at most 63 bytes
"\$p" fast=5 fast=6 => fast given twice
"\$p" sharpe=5 => sharpe: a column of the table has that name: name the parameter otherwise (\$NAME in the pipeline)
"\$p" fast= => fast: no value
"\$p" fast=1:2 => fast: '1:2' is not LO:HI:STEP
"\$p" fast=5:1:1 => fast: '5:1:1': HI is below LO
"\$p" fast=5:1x:1 => fast: '1x' is not a number
"\$p" fast=1:10:0 => fast: step: 0 is out of range [1e-12, 1e+15]
"\$p" fast=1:2000000:1 => fast: '1:2000000:1': more than 1000000 values
"\$p" fast=5,,6 => fast: '5,,6': an empty value in the list
"\$p" fast=5,6,5 => fast: '5,6,5': 5 is in it twice
"\$p" w=1e14:100000000000000.05:1e-7 => w: '1e14:100000000000000.05:1e-7': 100000000000000 is in it twice (a step finer than a double holds there)
'qts-strategy -e "target = \$x" | qts-sim' y=1 => '\$x' in the pipeline: no parameter x given
'qts-sim --slippage \$s' fast=5 s=1 => fast: the pipeline names no \$fast, and its first stage is not qts-strategy (which would take fast=VALUE)
"\$p" a=1:1000:1 b=1:1000:1 c=1:1000:1 => 1000000000 combinations: more than 10000000 (sample them: --samples N)
"\$p" a=1:1000:1 b=1:1000:1 c=1:1000:1 d=1:1000:1 e=1:1000:1 f=1:1000:1 => the grid has more than 10000000000 combinations
EOF
}

@test "sweep --merge: tables that do not fit are named" {
	qts sweep -j 2 "$CHAIN" fast=5,10 slow=20 "$D/one.csv" > "$T/a.csv"
	qts sweep -j 2 "$CHAIN" fast=5,10 slow2=20 "$D/one.csv" 2>/dev/null > "$T/b.csv" || true
	printf 'x,y\n1,2\n' > "$T/not.csv"
	: > "$T/empty.csv"
	run --separate-stderr -1 qts sweep --merge "$T/not.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/not.csv:1: not a table of qts sweep (id, the parameters, the metrics)" ]
	run --separate-stderr -1 qts sweep --merge "$T/empty.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/empty.csv: empty: not a table of qts sweep" ]
	run --separate-stderr -1 qts sweep --merge "$T/a.csv" "$T/a.csv"
	[ "${stderr_lines[0]}" = "qts sweep: id 1 is in more than one table: shards of different runs, or one table given twice" ]
	sed '1s/fast/quick/' "$T/a.csv" > "$T/c.csv"
	run --separate-stderr -1 qts sweep --merge "$T/a.csv" "$T/c.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/c.csv:1: its columns are not those of $T/a.csv" ]
	sed '2s/,[^,]*$//' "$T/a.csv" > "$T/d.csv"
	run --separate-stderr -1 qts sweep --merge "$T/d.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/d.csv:2: 45 fields, where the header has 46" ]
	sed '2s/^[0-9]*,/x,/' "$T/a.csv" > "$T/e.csv"
	run --separate-stderr -1 qts sweep --merge "$T/e.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/e.csv:2: id 'x' is not a combination's number" ]
	# a figure that is no number, a date that is none: damaged, not ranked as missing
	awk -F, 'BEGIN { OFS = "," } NR == 2 { $9 = "garbage" } { print }' "$T/a.csv" > "$T/f.csv"
	col=$(head -n 1 "$T/a.csv" | cut -d, -f9)
	run --separate-stderr -1 qts sweep --merge "$T/f.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/f.csv:2: $col 'garbage' is not a number" ]
	awk -F, 'BEGIN { OFS = "," } NR == 3 { $4 = "2024-13-01" } { print }' "$T/a.csv" > "$T/g.csv"
	run --separate-stderr -1 qts sweep --merge "$T/g.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/g.csv:3: start '2024-13-01' is not a date" ]
	run --separate-stderr -1 qts sweep --merge "$T/nothere.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/nothere.csv: No such file or directory" ]
	run --separate-stderr -1 qts sweep "$CHAIN" fast=5 "$T/nothere.csv"
	[ "${stderr_lines[0]}" = "qts sweep: $T/nothere.csv: No such file or directory" ]
}

@test "sweep: the README's example runs" {
	cmd=$(sed -n '/^    qts sweep .*--top 3/,/^$/p' "$BATS_TEST_DIRNAME/../README.md" | sed 's/^    //')
	[ -n "$cmd" ]
	cd "$T"
	qts-fetch --seed 4 --count 400 -t 1d synth:AAA,BBB > bars.csv
	run -0 bash -c "$cmd"
	[ "${#lines[@]}" -eq 4 ]
}

@test "sweep: every option of --help is in qts(1) and both completions of qts" {
	TOP=$BATS_TEST_DIRNAME/..
	run -0 qts sweep --help
	opts=$(grep -o -- '--[a-z][a-z-]*' <<< "$output" | sort -u)
	[ "$(wc -l <<< "$opts")" -ge 15 ]
	for o in $opts; do
		grep -qE -- "(\\\\-|Fl Fl |Fl -)${o#--}( |$)" "$TOP/man/qts.1" || { echo "$o not in man/qts.1"; false; }
		grep -q -- "$o" "$TOP/completions/bash/qts" || { echo "$o not in the bash completion"; false; }
		grep -q -- "$o" "$TOP/completions/zsh/_qts" || { echo "$o not in the zsh completion"; false; }
	done
	grep -q 'sweep' <(qts --help)
}

@test "sweep: the defaults qts(1) gives: --seed 1, --bootstrap 1000, --sort sharpe" {
	line='qts-strategy sma-cross size=100 | qts-sim'
	qts sweep -j 2 --samples 3 --overfit "$T/a.csv" "$line" fast=5:15:5 slow=20,40 "$D/one.csv" > "$T/a.out"
	qts sweep -j 2 --samples 3 --seed 1 --bootstrap 1000 --sort sharpe --overfit "$T/b.csv" "$line" fast=5:15:5 slow=20,40 "$D/one.csv" > "$T/b.out"
	cmp "$T/a.out" "$T/b.out"
	cmp "$T/a.csv" "$T/b.csv"
	grep -qx 'bootstrap_resamples,1000' "$T/a.csv"
}

@test "sweep: -j defaults to the processors it may run on (taskset), not those online" {
	qts-fetch --seed 5 --count 3000 -t 1h synth:AAA,BBB,CCC,DDD > "$T/bars.csv"
	# the most workers (children) seen at once, polled until the sweep ends
	taskset -c 0 qts sweep 'qts-strategy sma-cross size=100 | qts-sim' fast=2:150:1 slow=200,210,220 \
		"$T/bars.csv" > "$T/out.csv" &
	local pid=$! most=0 n i
	for i in $(seq 1000); do
		n=$(ps --no-headers --ppid "$pid" | wc -l)
		[ "$n" -le "$most" ] || most=$n
		kill -0 "$pid" 2> /dev/null || break
		sleep 0.01
	done
	wait "$pid"
	[ "$most" -eq 1 ]
	[ "$(wc -l < "$T/out.csv")" -eq 448 ]
}

@test "examples/scaling: the research project runs end to end with make -j2" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed (make deps)"
	run -0 make -s -C "$BATS_TEST_DIRNAME/../examples/scaling" -j2 QTS_BIN="$QTS_BIN" OUT="$T/out" SYMBOLS=3 DAYS=700 SHARDS=3
	[[ "$output" == *"the sharded sweep is the sweep"* ]]
	[[ "$output" == *"deflated_sharpe,"* ]]
	grep -q '^window,train_start' "$T/out/walk.csv"
	grep -q 'Sharpe ratio' "$T/out/oos-report.txt"
}

@test "qts sweep: one number written two ways (5, 05, 5.0) is a value twice: a usage error naming both" {
	run -2 --separate-stderr qts sweep 'qts-strategy sma-cross size=100 | qts-sim' fast=5,05,5.0 slow=20 /dev/null
	[[ "$stderr" == *"qts sweep: fast: '5,05,5.0': 5 and 05 are one number, in it twice"* ]]
	run -2 --separate-stderr qts sweep 'qts-strategy sma-cross size=100 | qts-sim' fast=5 slow=20,2e1 /dev/null
	[[ "$stderr" == *"qts sweep: slow: '20,2e1': 20 and 2e1 are one number, in it twice"* ]]
}
