#!/usr/bin/env bats
# qts-strategy's checkpoints (--state, --checkpoint-every, --output-journal,
# SIGUSR2): built-in strategies, expression programs and plugins killed
# with SIGKILL at random moments and restarted on their whole input with
# the same state file write, through their output journal, exactly what
# they write uninterrupted.  QTS_CHECKPOINT_SEEDS=N runs N seeds each (2
# by default), each of QTS_CHECKPOINT_KILLS kills (10 by default) before
# a run to the end.  Every built-in's state is checked bit for bit in
# tests/unit/test_strategy_state.c.

load helper
load checkpoint

setup() {
	T=$BATS_TEST_TMPDIR
	SEEDS=${QTS_CHECKPOINT_SEEDS:-2}
	MAXKILLS=${QTS_CHECKPOINT_KILLS:-10}
	qts-fetch --seed 11 --count 1500 -t 1d synth:AAA,BBB,CCC > "$T/in.csv"
	OPTS_AFTER=1 # the runtime's options before the strategy's name
	KILL_SPAN=50 # the kills fall within the first half of a run
}

# proof ARGS...: qts-strategy ARGS killed and restarted over the seeds
# writes what it writes uninterrupted; at least MIN (default 20) targets
# or orders.
proof() {
	qts-strategy "$@" < "$T/in.csv" > "$T/ref.csv"
	[ "$(grep -c '^target,\|^order,\|^cancel,' "$T/ref.csv")" -ge "${MIN:-20}" ]
	for seed in $(seq 1 "$SEEDS"); do
		killed "$seed" "$T/in.csv" "$T/out.$seed" qts-strategy "$@"
		cmp "$T/out.$seed" "$T/ref.csv"
	done
}

@test "checkpoints: sma-cross killed at random writes what it writes uninterrupted" {
	proof sma-cross fast=5 slow=20 short=1
}

@test "checkpoints: rsi-reversion killed at random" {
	proof rsi-reversion period=10 low=40 high=60 short=1
}

@test "checkpoints: donchian-breakout with stop orders (order ids and working orders) killed at random" {
	proof donchian-breakout entry=15 exit=7 stop=1 short=1
	grep -q '^order,.*,donchian-breakout-[0-9]*[1-9][0-9],' "$T/ref.csv"
}

@test "checkpoints: momentum scaled by volatility killed at random" {
	proof momentum lookback=30 vol=0.2 volwin=15 short=1
}

@test "checkpoints: an expression of indicators, cross, histories and a weekly series killed at random" {
	proof -e 'f = sma(close, 5); g = ema(close, 13); k = stochk(high, low, close)
		up = cross(f, g); n = isnan(up) ? n : n + up
		target = up ? 100 : cross(g, f) ? -100 : rsi(close, 9)[2] > 80 and close[3] > f[2] ? 0 : target[1]
		limit = isnan(k) ? close : close * (1 - (k + n % 3) / 10000)' --tf 1d
	# a second timeframe (one symbol: a target follows its bar, and may be
	# later than another symbol's weekly bar, which qts journal refuses)
	qts-fetch --seed 12 --count 1500 -t 1d synth:AAA | qts-resample 1d,1w > "$T/in.csv" 2> /dev/null
	proof -e 'target = close > sma(close@1w, 3) ? 10 : close < lowest(low, 20)[1] ? -10 : target[1]' --tf 1d
}

# A stream read in parts (a cron job on each day's bars): the first part
# may end before the first bar of a longer timeframe.  Without --state
# that is a failure (the timeframe is not in the input); with it, a
# warning, and the next part goes on.
@test "checkpoints: a first part of the stream before the first weekly bar: a warning, not a failure, and the rest goes on" {
	qts-fetch --seed 12 --count 100 -t 1d synth:AAA | qts-resample 1d,1w > "$T/w.csv" 2> /dev/null
	head -n 3 "$T/w.csv" > "$T/first.csv"
	e='target = close > sma(close@1w, 3) ? 10 : close < lowest(low, 20)[1] ? -10 : target[1]'
	qts-strategy -e "$e" --tf 1d "$T/w.csv" > "$T/ref.csv"
	run -0 --separate-stderr qts-strategy --state "$T/S" -e "$e" --tf 1d "$T/first.csv"
	[ "$stderr" = "qts-strategy: end of input: @1w: no bar of that timeframe in the input so far, its series were nan throughout (its bars are 1d)" ]
	printf '%s\n' "$output" > "$T/a.csv"
	qts-strategy --state "$T/S" -e "$e" --tf 1d "$T/w.csv" > "$T/b.csv"
	cat "$T/a.csv" "$T/b.csv" | cmp - "$T/ref.csv"
	# driven by the weekly bars, the same
	rm -f "$T/S"
	qts-strategy --tf 1w sma-cross fast=2 slow=3 "$T/w.csv" > "$T/ref.csv"
	run -0 --separate-stderr qts-strategy --state "$T/S" --tf 1w sma-cross fast=2 slow=3 "$T/first.csv"
	[ "$stderr" = "qts-strategy: end of input: --tf 1w: no bar of that timeframe in the input so far, nothing computed (its bars are 1d)" ]
	printf '%s\n' "$output" > "$T/a.csv"
	qts-strategy --state "$T/S" --tf 1w sma-cross fast=2 slow=3 "$T/w.csv" > "$T/b.csv"
	cat "$T/a.csv" "$T/b.csv" | cmp - "$T/ref.csv"
	# without --state: the timeframe is not in the input
	run -1 --separate-stderr qts-strategy -e "$e" --tf 1d "$T/first.csv"
	[ "$stderr" = "qts-strategy: end of input: @1w: no bar of that timeframe in the input, its series were nan throughout (its bars are 1d)" ]
}

@test "checkpoints: a state taken between a bar and its repeat counts the repeat once after the restart" {
	# qts-resample -k 1d over daily bars writes each bar twice; a state at
	# the end of the first N records, N odd, falls between the two
	qts-fetch --seed 13 --count 300 -t 1d synth:AAA,BBB | qts-resample -k 1d > "$T/twice.csv"
	[ "$(sed -n 1p "$T/twice.csv")" = "$(sed -n 2p "$T/twice.csv")" ]
	for st in "sma-cross fast=3 slow=8 short=1" "rsi-reversion period=5 low=45 high=55" "momentum lookback=10 vol=0.2 volwin=5"; do
		qts-strategy $st "$T/twice.csv" > "$T/ref.csv"
		[ "$(grep -c '^target,' "$T/ref.csv")" -ge 10 ]
		for n in 1 3 41 101 333; do
			rm -f "$T/S"
			head -n "$n" "$T/twice.csv" | qts-strategy --state "$T/S" $st > "$T/first.csv"
			qts-strategy --state "$T/S" $st "$T/twice.csv" > "$T/rest.csv"
			cat "$T/first.csv" "$T/rest.csv" | cmp - "$T/ref.csv"
		done
	done
}

@test "checkpoints: a cross-sectional program killed at random, its bars of one time held across the kill" {
	# an event of a later time completes the last time, as the next bars
	# would: a stage with --state holds the bars of the last time at the
	# end of its input, for the restart
	echo 'note,2100-01-01T00:00:00Z,end' >> "$T/in.csv"
	proof -e 'r = rank(roc(close, 20))
		target = r <= 1 ? 100 : zscore(close / sma(close, 10)) < -1 ? -50 : 0' --tf 1d
}

@test "checkpoints: a restart cut within a cross-section writes what one run writes, the time completed once" {
	cat > "$T/x.csv" <<-'EOF'
	bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,1
	bar,2024-01-02T00:00:00Z,B,1d,2,2,2,2,1
	bar,2024-01-02T00:00:00Z,C,1d,3,3,3,3,1
	bar,2024-01-03T00:00:00Z,A,1d,5,5,5,5,1
	bar,2024-01-03T00:00:00Z,B,1d,6,6,6,6,1
	bar,2024-01-03T00:00:00Z,C,1d,7,7,7,7,1
	bar,2024-01-04T00:00:00Z,A,1d,9,9,9,9,1
	bar,2024-01-04T00:00:00Z,B,1d,8,8,8,8,1
	bar,2024-01-04T00:00:00Z,C,1d,4,4,4,4,1
	note,2024-01-06T00:00:00Z,end
	EOF
	for p in 'target = rank(close) == 1 ? 100 : 0' 'target = rank(close)' \
		'target = zscore(close) > 0 ? 10 : count()'; do
		qts-strategy -e "$p" "$T/x.csv" > "$T/ref.csv"
		[ "$(grep -c '^target,' "$T/ref.csv")" -ge 4 ]
		# cut after each line, restarted on the whole input
		for n in $(seq 1 9); do
			rm -f "$T/S"
			head -n "$n" "$T/x.csv" | qts-strategy --state "$T/S" -e "$p" > "$T/out.csv"
			qts-strategy --state "$T/S" -e "$p" "$T/x.csv" >> "$T/out.csv"
			cmp "$T/out.csv" "$T/ref.csv"
		done
		# cut after every line, one run after the other on one state
		rm -f "$T/S" "$T/out.csv"
		for n in $(seq 1 10); do
			head -n "$n" "$T/x.csv" | qts-strategy --state "$T/S" -e "$p" >> "$T/out.csv"
		done
		cmp "$T/out.csv" "$T/ref.csv"
		# through an output journal too
		rm -f "$T/S" "$T/J"
		head -n 5 "$T/x.csv" | qts-strategy --state "$T/S" --output-journal "$T/J" -e "$p" |
			qts journal "$T/J" > /dev/null
		qts-strategy --state "$T/S" --output-journal "$T/J" -e "$p" "$T/x.csv" | qts journal "$T/J" > /dev/null
		qts journal cat "$T/J" | cmp - "$T/ref.csv"
	done
	# the input ends within a time: without --state it is evaluated; with
	# --state (or --output-journal) its bars stay held, for a restart
	head -n 8 "$T/x.csv" | qts-strategy -e 'target = rank(close)' > "$T/one.csv"
	[ "$(grep '^target,2024-01-05' "$T/one.csv")" = target,2024-01-05T00:00:00Z,A,1,qty,expr ]
	rm -f "$T/S"
	head -n 8 "$T/x.csv" | qts-strategy --state "$T/S" -e 'target = rank(close)' > "$T/held.csv"
	[ "$(grep -c '^target,2024-01-05' "$T/held.csv")" -eq 0 ]
	[ "$(grep -v '^target,2024-01-05' "$T/one.csv")" = "$(cat "$T/held.csv")" ]
}

@test "checkpoints: rebalance killed at random keeps its model portfolio, period and band" {
	proof rebalance weights=AAA:0.5,BBB:0.3,CCC:0.2 every=1M band=0.02
}

@test "checkpoints: a plugin killed at random keeps its own state through its save and restore" {
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o "$T/breakout.so" \
		"$BATS_TEST_DIRNAME/../examples/plugin/breakout.c"
	MIN=10 proof --plugin "$T/breakout.so" n=15 size=100
}

@test "checkpoints: SIGUSR2 writes qts-strategy's state at once; the restart goes on from it" {
	qts-strategy sma-cross fast=5 slow=20 "$T/in.csv" > "$T/ref.csv"
	mkfifo "$T/fifo"
	( head -n 4000 "$T/in.csv"; sleep 30 ) > "$T/fifo" &
	feeder=$!
	qts-strategy --state "$T/S" --checkpoint-every 1000000 --output-journal "$T/J" \
		sma-cross fast=5 slow=20 "$T/fifo" 2> "$T/err" | qts journal "$T/J" > /dev/null &
	for i in $(seq 1 300); do
		[ -s "$T/J" ] && [ "$(qts journal cat "$T/J" | wc -l)" -ge 4000 ] && break
		sleep 0.05
	done
	[ ! -e "$T/S" ]
	pkill -USR2 -x qts-strategy -P $$
	for i in $(seq 1 300); do [ -s "$T/S" ] && break; sleep 0.05; done
	[ -s "$T/S" ]
	pkill -KILL -x qts-strategy -P $$ 2> /dev/null || true
	kill "$feeder" 2> /dev/null || true
	wait || true
	qts-strategy --state "$T/S" --output-journal "$T/J" sma-cross fast=5 slow=20 "$T/in.csv" |
		qts journal "$T/J" > /dev/null
	qts journal cat "$T/J" | cmp - "$T/ref.csv"
}

@test "checkpoints: qts-strategy refuses a state of other options, another program or stage, or cut short" {
	qts-strategy --state "$T/S" sma-cross fast=5 slow=20 "$T/in.csv" > /dev/null
	run -1 --separate-stderr qts-strategy --state "$T/S" sma-cross fast=6 slow=20 "$T/in.csv"
	[ "$stderr" = "qts-strategy: --state $T/S: a state made with other options: restart with the options it was made with, or remove it to start over" ]
	run -1 --separate-stderr qts-strategy --state "$T/S" ema-cross fast=5 slow=20 "$T/in.csv"
	[[ "$stderr" == *"a state made with other options"* ]]
	head -c 300 "$T/S" > "$T/cut"
	run -1 --separate-stderr qts-strategy --state "$T/cut" sma-cross fast=5 slow=20 "$T/in.csv"
	[[ "$stderr" == "qts-strategy: --state $T/cut: "* ]]
	qts-resample 1w --state "$T/R" "$T/in.csv" > /dev/null
	run -1 --separate-stderr qts-strategy --state "$T/R" sma-cross fast=5 slow=20 "$T/in.csv"
	[ "$stderr" = "qts-strategy: --state $T/R: the state of qts-resample, not of qts-strategy" ]
	# -f names a file: a program changed since is another program
	echo 'target = close > sma(close, 5) ? 1 : -1' > "$T/prog"
	qts-strategy --state "$T/P" -f "$T/prog" "$T/in.csv" > /dev/null
	echo 'target = close > sma(close, 6) ? 1 : -1' > "$T/prog"
	run -1 --separate-stderr qts-strategy --state "$T/P" -f "$T/prog" "$T/in.csv"
	[ "$stderr" = "qts-strategy: --state $T/P: the engine's state: the state of another program" ]
}

@test "checkpoints: --print and a plugin without save and restore refuse --state" {
	run -2 --separate-stderr qts-strategy --state "$T/S" --print 'sma(close, 5)' "$T/in.csv"
	[[ "$stderr" == "qts-strategy: --state goes with events: --print writes a CSV table"* ]]
	cat > "$T/bare.c" << 'EOF'
#include <qts/strategy.h>
#include <stdlib.h>
static void *init(const qts_strategy_host *h, size_t n, const struct qts_strategy_param *p, char *e, size_t l)
{ (void)h, (void)n, (void)p, (void)e, (void)l; return malloc(1); }
static void fr(void *s) { free(s); }
static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, "bare", "no state kept", init, 0, 0, 0, 0, 0, 0, fr };
const qts_strategy *qts_strategy_entry(void) { return &d; }
EOF
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o "$T/bare.so" "$T/bare.c"
	run -2 --separate-stderr qts-strategy --state "$T/S" --plugin "$T/bare.so" "$T/in.csv"
	[[ "$stderr" == "qts-strategy: --state: $T/bare.so has no save and restore functions (qts-strategy-plugin(3)): its state cannot be kept"* ]]
	# without --state it runs as ever
	qts-strategy --plugin "$T/bare.so" "$T/in.csv" | cmp - "$T/in.csv"
	run -2 --separate-stderr qts-strategy --state "$T/S" --feedback /dev/null sma-cross "$T/in.csv"
	[[ "$stderr" == *"--state with --feedback: not supported"* ]]
}

@test "checkpoints: a plugin that refuses its saved state stops the restart, saying why" {
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o "$T/breakout.so" \
		"$BATS_TEST_DIRNAME/../examples/plugin/breakout.c"
	head -n 3000 "$T/in.csv" > "$T/half.csv"
	qts-strategy --state "$T/S" --plugin "$T/breakout.so" n=15 "$T/half.csv" > /dev/null
	# the host's part is the same; the plugin's own says n
	python3 - "$T/S" << 'EOF'
import sys, zlib, struct
p = sys.argv[1]
d = bytearray(open(p, 'rb').read())
i = d.rfind(b'brk1')
assert i > 0
d[i + 8:i + 16] = struct.pack('<q', 16)
d[-8:] = struct.pack('<Q', zlib.crc32(bytes(d[:-8])))
open(p, 'wb').write(d)
EOF
	run -1 --separate-stderr qts-strategy --state "$T/S" --plugin "$T/breakout.so" n=15 "$T/in.csv"
	[ "$stderr" = "qts-strategy: --state $T/S: the engine's state: $T/breakout.so: the plugin refused its saved state: saved with n=16, now n=15" ]
}
