#!/usr/bin/env bats
# qts-strategy against hostile and mistaken input: expressions of any depth
# and length, numbers that cannot be written, untrusted text in messages,
# parameters and timeframes that would be ignored in silence.

load helper

S=$BATS_TEST_DIRNAME/fixtures/strategy

setup() {
	cd "$BATS_TEST_TMPDIR"
	# cross.csv: daily closes 10 11 12 11 10 9 10 12 13 (Jan 1..9)
	cp "$S/cross.csv" .
}

# ---- depth and length ------------------------------------------------------

@test "10000 parentheses: refused past 256 levels, not a stack overflow" {
	p=$(printf '%10000s' | tr ' ' '(')1$(printf '%10000s' | tr ' ' ')')
	run -2 --separate-stderr qts-strategy -e "target = $p" cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:267: nested too deeply (more than 256 parentheses, calls and ?: inside each other)" ]
	# the line around the column, cut to 60 bytes either side
	[ "${stderr_lines[1]}" = "...$(printf '%120s' | tr ' ' '(')..." ]
	[ "${stderr_lines[2]}" = "$(printf '%63s')^" ]
	[ "$output" = "" ]
	run -2 --separate-stderr qts-strategy --print "$p" cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: --print:1:258: nested too deeply (more than 256 parentheses, calls and ?: inside each other)" ]
}

@test "256 parentheses inside each other are a program, 257 are not (as qts-strategy(1) says)" {
	ok="$(printf '%256s' | tr ' ' '(')close$(printf '%256s' | tr ' ' ')')"
	run -0 qts-strategy --print "$ok" cross.csv
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,ACME,10" ]
	run -2 --separate-stderr qts-strategy --print "($ok)" cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: --print:1:258: nested too deeply (more than 256 parentheses, calls and ?: inside each other)" ]
	calls="$(printf 'abs(%.0s' $(seq 256))close$(printf ')%.0s' $(seq 256))"
	run -0 qts-strategy --print "$calls" cross.csv
	calls="$(printf 'abs(%.0s' $(seq 257))close$(printf ')%.0s' $(seq 257))"
	run -2 --separate-stderr qts-strategy --print "$calls" cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: --print:1:1029: nested too deeply (more than 256 parentheses, calls and ?: inside each other)" ]
}

@test "200000 unary minuses and a 100000-term sum run, as --print too" {
	{ printf 'target = '; printf '%200000s' | tr ' ' '-'; printf '1\n'; } >neg.q
	run -0 qts-strategy -f neg.q cross.csv
	[ "${lines[1]}" = "target,2024-01-02T00:00:00Z,ACME,1,qty,expr" ]
	# a sum is a left-leaning tree 100000 deep: evaluated in a loop
	{ printf 'target = close'; printf ' + close%.0s' $(seq 99999); printf '\n'; } >sum.q
	run -0 qts-strategy -f sum.q cross.csv
	[ "${lines[1]}" = "target,2024-01-02T00:00:00Z,ACME,1000000,qty,expr" ]
	[ "${lines[3]}" = "target,2024-01-03T00:00:00Z,ACME,1100000,qty,expr" ]
	# 100000 terms do not fit in one argument (Linux caps one at 128 KiB): 20000 do
	run -0 qts-strategy --print "close$(printf '+close%.0s' $(seq 19999))" cross.csv
	[ "${lines[9]}" = "2024-01-09T00:00:00Z,ACME,260000" ]
}

@test "a long chain of ?: and of not is no nesting" {
	{ printf 'target = '; for i in $(seq 1000); do printf 'close == %d ? %d : ' "$i" "$i"; done; printf '0\n'; } >chain.q
	run -0 qts-strategy -f chain.q cross.csv
	[ "${lines[1]}" = "target,2024-01-02T00:00:00Z,ACME,10,qty,expr" ]
	run -0 qts-strategy --print "$(printf 'not %.0s' $(seq 1001))0" cross.csv
	[ "${lines[1]}" = "2024-01-01T00:00:00Z,ACME,1" ]
}

# ---- numbers that cannot be written -------------------------------------------

@test "a target that is not finite stops the run with the line, symbol and statement" {
	for e in '1/0' 'exp(1000)' 'pow(10,400)' 'close*1e308' '-1/0'; do
		run -1 --separate-stderr qts-strategy -e "target = $e" cross.csv
		v=inf
		[ "$e" = -1/0 ] && v=-inf
		[ "$stderr" = "qts-strategy: cross.csv:1: ACME: target is $v, not a finite number (from 'target = $e')" ]
		[ "${lines[0]}" = "bar,2024-01-01T00:00:00Z,ACME,1d,10,11,9,10,1000" ]
		# and the stream ends saying so, for the stages after
		[[ ${lines[1]} == system,*,qts-strategy,error,* ]] && [ "${#lines[@]}" -eq 2 ]
	done
}

@test "what was written before the bad bar is complete: every event up to it" {
	run -1 --separate-stderr qts-strategy -e 'target = close > 12 ? close * 1e308 : 1' cross.csv
	[ "$stderr" = "qts-strategy: cross.csv:9: ACME: target is inf, not a finite number (from 'target = close > 12 ? close * 1e308 : 1')" ]
	[ "${#lines[@]}" -eq 11 ]
	[ "${lines[1]}" = "target,2024-01-02T00:00:00Z,ACME,1,qty,expr" ]
	[ "${lines[9]}" = "bar,2024-01-09T00:00:00Z,ACME,1d,13,14,12,13,1000" ]
	[[ ${lines[10]} == system,*,qts-strategy,error,* ]]
	# nan is no opinion, not an error
	run -0 qts-strategy -e 'target = close > 12 ? nan : 1' cross.csv
	[ "${#lines[@]}" -eq 10 ]
}

@test "an order's limit or stop that is not finite stops the run; unused, it does not" {
	run -1 --separate-stderr qts-strategy -e 'target = 5; limit = close / 0' cross.csv
	[ "$stderr" = "qts-strategy: cross.csv:1: ACME: limit is inf, not a finite number (from 'limit = close / 0')" ]
	run -1 --separate-stderr qts-strategy -e 'target = 5; stop = -exp(1000)' cross.csv
	[ "$stderr" = "qts-strategy: cross.csv:1: ACME: stop is -inf, not a finite number (from 'stop = -exp(1000)')" ]
	# no order wanted (target 0, position 0): the price is never written
	run -0 qts-strategy -e 'target = 0; limit = 1/0' cross.csv
	[ "${#lines[@]}" -eq 9 ]
	# finite target and position whose difference overflows
	run -1 --separate-stderr qts-strategy -e 'target = close == 10 ? 1e308 : -1e308; limit = close' cross.csv
	[ "$stderr" = "qts-strategy: cross.csv:2: ACME: the order from position 1e+308 to target -1e+308 is inf, not a finite number" ]
}

@test "--print: a column that is not finite stops the table" {
	run -1 --separate-stderr qts-strategy --print 'close, (close - 9) * 1e308' cross.csv
	[ "$stderr" = "qts-strategy: cross.csv:2: ACME: column '(close - 9) * 1e308' is inf, not a finite number" ]
	[ "$output" = 'ts,symbol,close,(close - 9) * 1e308
2024-01-01T00:00:00Z,ACME,10,1e+308' ]
	run -1 --separate-stderr qts-strategy --print 'log(close - 10)' cross.csv
	[ "$stderr" = "qts-strategy: cross.csv:1: ACME: column 'log(close - 10)' is -inf, not a finite number" ]
}

@test "a number in a program must be finite" {
	run -2 --separate-stderr qts-strategy -e 'target = 1e400' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:10: number '1e400' out of range" ]
}

plugin_inf() { # a plugin asking for an infinite target, limit, stop and qty on the 2nd bar
	cat >inf.c <<-'EOF'
	#include <qts/strategy.h>
	#include <math.h>
	#include <stdlib.h>
	struct s { const qts_strategy_host *h; int n; };
	static void *init(const qts_strategy_host *h, size_t np, const struct qts_strategy_param *p, char *err, size_t len) {
		(void)np, (void)p, (void)err, (void)len; struct s *s = calloc(1, sizeof *s); s->h = h; return s; }
	static void on_bar(void *x, const struct qts_strategy_bar *b) { struct s *s = x;
		if (++s->n != 2) { s->h->target(s->h->ctx, b->symbol, s->n, "qty"); return; }
		int r = s->h->target(s->h->ctx, b->symbol, INFINITY, "qty");
		struct qts_strategy_order o = { b->symbol, "buy", 5, "limit", INFINITY, NAN, "gtc", NULL };
		r += s->h->order(s->h->ctx, &o);
		o.kind = "stop"; o.stop = -INFINITY; r += s->h->order(s->h->ctx, &o);
		o.kind = "market"; o.qty = INFINITY; r += s->h->order(s->h->ctx, &o);
		if (r == -4) s->h->log(s->h->ctx, "all four refused"); }
	static void fr(void *x) { free(x); }
	static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, "huge", "huge", init, on_bar, NULL, NULL, NULL, NULL, NULL, fr };
	const qts_strategy *qts_strategy_entry(void) { return &d; }
	EOF
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o inf.so inf.c
}

@test "--plugin: an infinite target, price or quantity is refused, said, and fails the run" {
	plugin_inf
	run -1 --separate-stderr qts-strategy --plugin ./inf.so cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: cross.csv:2: ACME: ./inf.so: target refused: inf is not a finite number" ]
	[ "${stderr_lines[1]}" = "qts-strategy: cross.csv:2: ACME: ./inf.so: order refused: limit inf is not a finite number" ]
	[ "${stderr_lines[2]}" = "qts-strategy: cross.csv:2: ACME: ./inf.so: order refused: stop -inf is not a finite number" ]
	[ "${stderr_lines[3]}" = "qts-strategy: cross.csv:2: ACME: ./inf.so: order refused: qty inf is not a finite number" ]
	[ "${stderr_lines[4]}" = "qts-strategy: ./inf.so: all four refused" ]
	[ "${stderr_lines[5]}" = "qts-strategy: end of input: ./inf.so: 4 calls refused" ]
	# the run went on: every bar, the later targets, no infinity
	[ "$(printf '%s\n' "${lines[@]}" | grep -c '^bar,')" -eq 9 ]
	[ "${lines[4]}" = "target,2024-01-04T00:00:00Z,ACME,3,qty,huge" ]
	! printf '%s\n' "${lines[@]}" | grep -q inf, || false
}

# ---- untrusted text in messages ----------------------------------------------

@test "an unexpected character is shown whole, and control bytes escaped" {
	run -2 --separate-stderr qts-strategy -e $'target = 1 \xe2\x82\xac 2' cross.csv
	[ "$stderr" = $'qts-strategy: -e:1:12: unexpected character \'\xe2\x82\xac\'\ntarget = 1 \xe2\x82\xac 2\n           ^' ]
	run -2 --separate-stderr qts-strategy -e $'target = 1 \e[31m 2' cross.csv
	[ "$stderr" = "qts-strategy: -e:1:12: unexpected character '\\x1b'
target = 1 \\x1b[31m 2
           ^" ]
	# half a character and a byte that is no UTF-8 at all
	run -2 --separate-stderr qts-strategy -e $'target = 1 \xe2\x82 \xff' cross.csv
	[ "$stderr" = "qts-strategy: -e:1:12: unexpected character '\\xe2\\x82'
target = 1 \\xe2\\x82 \\xff
           ^" ]
}

@test "the caret lines up after multibyte characters, tabs and escapes" {
	printf '# caf\xc3\xa9 \x01\n\ttarget = 1 +* 2\n' >p.q
	run -2 --separate-stderr qts-strategy -f p.q cross.csv
	[ "$stderr" = "qts-strategy: p.q:2:14: expected an expression, found '*'
	target = 1 +* 2
	            ^" ]
	printf 'target = "\xc3\xa9" + 1\n' >r.q
	run -2 --separate-stderr qts-strategy -f r.q cross.csv
	[ "$stderr" = $'qts-strategy: r.q:1:10: unexpected character \'"\'\ntarget = "\xc3\xa9" + 1\n         ^' ]
	printf 'target = \xc3\xa9\xc3\xa9 $\n' >u.q
	run -2 --separate-stderr qts-strategy -f u.q cross.csv
	[ "$stderr" = $'qts-strategy: u.q:1:10: unexpected character \'\xc3\xa9\'\ntarget = \xc3\xa9\xc3\xa9 $\n         ^' ]
}

@test "a long line is cut between characters, never inside one" {
	# 60 bytes past the column falls on the second byte of an é
	{ printf 'target = 1 $ #  '; printf '\xc3\xa9%.0s' $(seq 40); printf '\n'; } >l.q
	run -2 --separate-stderr qts-strategy -f l.q cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: l.q:1:12: unexpected character '\$'" ]
	[ "${stderr_lines[1]}" = "target = 1 \$ #  $(printf '\xc3\xa9%.0s' $(seq 27))..." ]
	[ "${stderr_lines[2]}" = "$(printf '%11s')^" ]
	# and 60 before it, from the start of a long line
	{ printf 'target = 1'; printf ' + 1%.0s' $(seq 30); printf ' $'; printf '\n'; } >m.q
	run -2 --separate-stderr qts-strategy -f m.q cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: m.q:1:132: unexpected character '\$'" ]
	[ "${stderr_lines[1]}" = "...+ 1$(printf ' + 1%.0s' $(seq 14)) \$" ]
	[ "${stderr_lines[2]}" = "$(printf '%63s')^" ]
}

@test "names from the command line are quoted in messages" {
	run -2 --separate-stderr qts-strategy $'sma\e[2Jcross' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: unknown strategy 'sma\\x1b[2Jcross' (qts-strategy --list names them)" ]
	run -2 --separate-stderr qts-strategy sma-cross $'f\x07st=2' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: unknown parameter 'f\\x07st=2'" ]
}

# ---- no silent success ---------------------------------------------------------

@test "parameters that would be ignored are usage errors" {
	run -2 --separate-stderr qts-strategy sma-cross weight=0.5 size=10 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: size and weight exclude each other" ]
	run -2 --separate-stderr qts-strategy buy-hold size=10 weight=0.5 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: buy-hold: size and weight exclude each other" ]
	run -2 --separate-stderr qts-strategy sma-cross size=0 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: size: 0 would make every target 0 (a size above 0, or weight=)" ]
	run -2 --separate-stderr qts-strategy donchian-breakout stop=1 size=0 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: donchian-breakout: size: 0 would make every target 0 (a size above 0, or weight=)" ]
	run -2 --separate-stderr qts-strategy momentum vol=0.1 cap=0 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: momentum: cap: 0 would make every target 0 (a cap above 0)" ]
	run -2 --separate-stderr qts-strategy buy-hold weight=0 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: buy-hold: weight: 0 would make every target 0 (a weight other than 0)" ]
	run -2 --separate-stderr qts-strategy sma-cross fast=3 fast=4 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: fast given twice" ]
	for p in volwin=30 periods=12 cap=3; do
		run -2 --separate-stderr qts-strategy momentum "$p" cross.csv
		[ "${stderr_lines[0]}" = "qts-strategy: momentum: ${p%%=*} goes with vol above 0" ]
	done
	run -0 qts-strategy momentum vol=0.1 volwin=5 periods=12 cap=3 lookback=2 cross.csv
	run -2 --separate-stderr qts-strategy --tf 1d --plugin ./x.so </dev/null
	[ "${stderr_lines[0]}" = "qts-strategy: --tf goes with a built-in strategy, -e, -f or --print: a plugin sees the bars of every timeframe" ]
	run -2 --separate-stderr qts-strategy --name x --print close </dev/null
	[ "${stderr_lines[0]}" = "qts-strategy: --name goes with events: --print writes a table" ]
}

@test "a variable assigned and never read is an error, with a hint" {
	run -2 --separate-stderr qts-strategy -e 'targt = close > 10' cross.csv
	[ "$stderr" = "qts-strategy: -e:1:1: 'targt' is assigned but never read (did you mean 'target'?)
targt = close > 10
^" ]
	run -2 --separate-stderr qts-strategy -e 'target = 1; lmit = close' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:13: 'lmit' is assigned but never read (did you mean 'limit'?)" ]
	run -2 --separate-stderr qts-strategy -e 'fast = sma(close,2); target = 1' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:1: 'fast' is assigned but never read: only target, limit and stop leave the program" ]
	run -2 --separate-stderr qts-strategy -e 'close > open' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:1: a statement that assigns nothing has no effect (assign it: target = ...)" ]
	run -2 --separate-stderr qts-strategy -e 'n = n + 1' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:1: the program never assigns target, so it would write nothing" ]
	run -2 --separate-stderr qts-strategy -e 'target = clsoe' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:10: unknown name 'clsoe' (did you mean 'close'?)" ]
	run -2 --separate-stderr qts-strategy -e 'target = bbuper(close)' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:10: unknown function 'bbuper' (did you mean 'bbupper'?)" ]
	# a variable read only by itself is read
	run -0 qts-strategy -e 'n = n + 1; target = n' cross.csv
}

@test "a timeframe that never arrives is said at the end, exit 1" {
	run -1 --separate-stderr qts-strategy --tf 1h sma-cross fast=2 slow=3 cross.csv
	[ "$stderr" = "qts-strategy: end of input: --tf 1h: no bar of that timeframe in the input, nothing computed (its bars are 1d)" ]
	# every event still passed through
	[ "$(printf '%s\n' "$output" | grep -v '^system,')" = "$(cat cross.csv)" ]
	run -1 --separate-stderr qts-strategy -e 'target = close@1h > 10 ? 1 : 0' cross.csv
	[ "$stderr" = "qts-strategy: end of input: @1h: no bar of that timeframe in the input, its series were nan throughout (its bars are 1d)" ]
	[ "$(printf '%s\n' "$output" | grep -v '^system,')" = "$(cat cross.csv)" ]
	run -1 --separate-stderr qts-strategy --print 'close@1w' cross.csv
	[ "$stderr" = "qts-strategy: end of input: @1w: no bar of that timeframe in the input, its series were nan throughout (its bars are 1d)" ]
	# ticks and quotes but no bar (qts-resample left out): nothing computed,
	# said, exit 1; events other than market data alone are passed quietly
	printf 'tick,2024-01-01T00:00:00Z,A,1,1\nquote,2024-01-01T00:00:01Z,A,1,2,1,1\n' > points.csv
	run -1 --separate-stderr qts-strategy sma-cross points.csv
	[ "$stderr" = "qts-strategy: end of input: no bar in the input, nothing computed: only ticks and quotes (2; qts-resample makes bars of them)" ]
	[ "$(printf '%s\n' "$output" | grep -v '^system,')" = "$(cat points.csv)" ]
	run -1 --separate-stderr qts-strategy -e 'target = close > 1' points.csv
	[ "$stderr" = "qts-strategy: end of input: no bar in the input, nothing computed: only ticks and quotes (2; qts-resample makes bars of them)" ]
	run -0 --separate-stderr qts-strategy sma-cross <<< "target,2024-01-01T00:00:00Z,A,1,qty,x"
	[ "$stderr" = "" ]
	# no bar at all: only the empty input is said, no timeframe
	run -0 --separate-stderr qts-strategy --tf 1h sma-cross </dev/null
	[ "$stderr" = "qts-strategy: -: no events (empty input)" ]
	# the timeframe there: fine
	qts-resample 1w <cross.csv >week.csv
	run -0 qts-strategy --tf 1d -e 'target = close@1w > 10 ? 1 : 0' cross.csv week.csv
}

@test "a timeframe that came for some symbols and not others is said at the end, naming the first" {
	cat >mixed.csv <<-'E'
	bar,2024-01-01T00:00:00Z,A,1d,10,10,10,10,1
	bar,2024-01-02T00:00:00Z,A,1h,10,10,10,10,1
	bar,2024-01-02T00:00:00Z,B,1h,10,10,10,10,1
	bar,2024-01-02T00:00:00Z,C,1h,10,10,10,10,1
	bar,2024-01-02T01:00:00Z,A,1h,11,11,11,11,1
	bar,2024-01-02T01:00:00Z,B,1h,11,11,11,11,1
	bar,2024-01-02T01:00:00Z,C,1h,11,11,11,11,1
	E
	# A trades on its 1d close; B and C never could, exit 0 but said
	run -0 --separate-stderr qts-strategy --tf 1h -e 'target = close > close@1d ? 1 : 0' mixed.csv
	[ "$stderr" = "qts-strategy: end of input: @1d: no bar of that timeframe for B and others (2 of 3 symbols with 1h bars): their series were nan throughout" ]
	grep -q '^target,.*,A,1,' <<<"$output"
	! grep -q '^target,.*,[BC],' <<<"$output" || false
	grep -v ',C,' mixed.csv >ab.csv
	run -0 --separate-stderr qts-strategy --tf 1h --print 'close@1d' ab.csv
	[ "$stderr" = "qts-strategy: end of input: @1d: no bar of that timeframe for B (1 of 2 symbols with 1h bars): its series were nan throughout" ]
	run -0 --separate-stderr qts-strategy --tf 1h -e 'target = close > close@1d ? 1 : 0' --state st ab.csv
	[ "$stderr" = "qts-strategy: end of input: @1d: no bar of that timeframe for B so far (1 of 2 symbols with 1h bars): its series were nan throughout" ]
	# every symbol with its 1d bar: nothing said
	sed -n 1p ab.csv | sed 's/,A,/,B,/' | cat - ab.csv >both.csv
	run -0 --separate-stderr qts-strategy --tf 1h -e 'target = close > close@1d ? 1 : 0' both.csv
	[ "$stderr" = "" ]
}

# ---- docs -----------------------------------------------------------------------

@test "qts-strategy(1): quotes around target[1] render, no talk of an issue" {
	run -0 sh -c "mandoc -Tutf8 '$BATS_TEST_DIRNAME/../man/qts-strategy.1' | col -b"
	[[ "$output" == *"(so ‘target[1]’ is the last bar's"* ]]
	[[ "$output" != *issue* ]]
	[[ "$output" == *"‘1/0’, ‘exp(1000)’ or ‘close*1e308’"* ]]
}

# ---- inputs found by fuzzing the expression language (tests/fuzz/fuzz_expr.c) ----

@test "fuzz: a history index beyond the range of long is refused, not cast (expr.c)" {
	# (long)1e3080 and (long)1e20 were undefined behaviour (UBSan).
	run -2 --separate-stderr qts-strategy -e 'up =target > close[1e3080p ? 0 : target' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:20: number '1e3080' out of range" ]
	run -2 --separate-stderr qts-strategy -e 'target = close[1e20]' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:16: history index must be a whole number in [0, 100000]" ]
}

@test "fuzz: the deepest history of a call is kept, and freed, without a stall (expr.c)" {
	run -0 qts-strategy --print 'atr(high,low,close,6)[100000]' cross.csv
	[ "${lines[9]}" = "2024-01-09T00:00:00Z,ACME," ]
}

@test "an indicator's option out of range or not whole is named once, at the option" {
	run -2 --separate-stderr qts-strategy --print 'sma(close,2.5)' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: --print:1:11: sma: period must be a whole number, not 2.5" ]
	run -2 --separate-stderr qts-strategy -e 'target = sma(close, 0)' cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: -e:1:21: sma: period must be in [2, 100000]" ]
	run -2 --separate-stderr qts-strategy sma-cross fast=2.5 cross.csv
	[ "${stderr_lines[0]}" = "qts-strategy: sma-cross: fast: 2.5 is not a whole number" ]
}

@test "--name not UTF-8, --print with a trailing comma, --list with operands: usage errors" {
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1\n' > "$BATS_TEST_TMPDIR/b.csv"
	run -2 --separate-stderr qts-strategy --name $'a\xffb' -e 'target = 1' "$BATS_TEST_TMPDIR/b.csv"
	[ "${stderr_lines[0]}" = "qts-strategy: --name: not valid UTF-8" ]
	[ -z "$output" ]
	run -2 --separate-stderr qts-strategy --print 'close,' "$BATS_TEST_TMPDIR/b.csv"
	[ "${stderr_lines[0]}" = "qts-strategy: --print:1:7: expected an expression, found end of input" ]
	run -2 --separate-stderr qts-strategy --list extra
	[ "${stderr_lines[0]}" = "qts-strategy: --list takes no operands: 'extra'" ]
}

@test "a limit or stop of 0 or below for an order wanted stops the run, naming the bar and the statement" {
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1\nbar,2024-01-03T00:00:00Z,A,1d,10,10,10,10,1\n' > "$BATS_TEST_TMPDIR/b.csv"
	run -1 --separate-stderr qts-strategy -e $'target = 100\nlimit = -5' "$BATS_TEST_TMPDIR/b.csv"
	[ "$stderr" = "qts-strategy: $BATS_TEST_TMPDIR/b.csv:1: A: limit is -5, not a price above zero (from 'limit = -5')" ]
	[ "${#lines[@]}" -eq 2 ] && [[ "${lines[1]}" == system,*,error,* ]]
	run -1 --separate-stderr qts-strategy -e $'target = 100\nstop = 0' "$BATS_TEST_TMPDIR/b.csv"
	[ "$stderr" = "qts-strategy: $BATS_TEST_TMPDIR/b.csv:1: A: stop is 0, not a price above zero (from 'stop = 0')" ]
	# no order wanted (the position is the target): no price needed
	run -0 qts-strategy -e $'target = 0\nlimit = -5' "$BATS_TEST_TMPDIR/b.csv"
}

@test "donchian-breakout stop=1 over a bar priced 0 stops the run, as a program's stop of 0 does" {
	# A bar of zeros (a vendor's placeholder) makes the lowest low 0: the
	# sell stop at it is an order qts-sim rejects ('stop ... not above
	# zero'), which the strategy would go on counting as working.
	{
		printf 'bar,2024-01-0%sT00:00:00Z,A,1d,10,11,9,10,100\n' 1 2
		printf 'bar,2024-01-03T00:00:00Z,A,1d,0,0,0,0,100\n'
		printf 'bar,2024-01-0%sT00:00:00Z,A,1d,12,13,12,13,100\n' 4 5 6
	} >z.csv
	# the buy stop at the entry high, 11, fills on Jan 4 (open 12 gaps over
	# it): long, the sell stop wanted after that bar is at the low of the
	# last 3 bars, 0 (Jan 3's)
	run -1 --separate-stderr qts-strategy donchian-breakout entry=3 exit=3 stop=1 z.csv
	[ "$stderr" = "qts-strategy: z.csv:4: A: the stop of donchian-breakout's sell order is 0, not a price above zero" ]
	! grep -q '^order,.*,sell,.*,0,gtc,' <<<"$output" || false
	[[ "${lines[${#lines[@]}-1]}" == system,2024-01-05T00:00:00Z,qts-strategy,error,* ]]
	# short=1 when flat: the sell stop at the entry low, 0
	run -1 --separate-stderr qts-strategy donchian-breakout entry=3 exit=3 stop=1 short=1 z.csv
	[[ "$stderr" == *"the stop of donchian-breakout's sell order is 0, not a price above zero" ]]
}

@test "--instrument: a contract's limits and stops at 0 or below go out, presumed filled there as qts-sim fills them" {
	# WTI May 2020 as CL: 20 April opened at 17.73 and fell to -40.32
	printf '%s\n' 'bar,2020-04-17T00:00:00Z,CL,1d,18,19,17,18.27,1000' \
		'bar,2020-04-20T00:00:00Z,CL,1d,17.73,17.85,-40.32,-37.63,1000' \
		'bar,2020-04-21T00:00:00Z,CL,1d,-14,10.01,-16,10.01,1000' > cl.csv
	prog=$'target = 1 + (close < 0)\nlimit = -20'
	run -1 --separate-stderr qts-strategy -e "$prog" cl.csv
	[ "$stderr" = "qts-strategy: cl.csv:1: CL: limit is -20, not a price above zero (from 'limit = -20')" ]
	run -0 --separate-stderr qts-strategy --instrument CL,multiplier=1000 -e "$prog" cl.csv
	[ -z "$stderr" ]
	# the buy limit at -20 is reached on the 20th: presumed long 1, the
	# target of 2 after it orders 1 more (not 2, with the first canceled)
	[ "$(grep -v '^bar,' <<<"$output")" = "$(printf '%s\n' \
		'order,2020-04-18T00:00:00Z,CL,expr-1,buy,1,limit,-20,,gtc,expr' \
		'order,2020-04-21T00:00:00Z,CL,expr-2,buy,1,limit,-20,,gtc,expr' \
		'cancel,2020-04-22T00:00:00Z,CL,expr-2')" ]
	# and qts-sim fills it there
	qts-sim --instrument CL,multiplier=1000 <<<"$output" | grep -qx 'fill,2020-04-20T00:00:00Z,CL,expr-1,buy,1,-20,0,0'
	# --instruments FILE means the same; a spec of another symbol does not
	printf 'CL,multiplier=1000\n' > ins.csv
	run -0 qts-strategy --instruments ins.csv -e "$prog" cl.csv
	grep -q '^order,2020-04-21T00:00:00Z,CL,expr-2,buy,1,' <<<"$output"
	run -1 qts-strategy --instrument ES,multiplier=50 -e "$prog" cl.csv
	# a symbol given twice is no error: the last spec wins, as in qts-sim
	run -0 --separate-stderr qts-strategy --instrument CL,multiplier=1000 --instrument CL,multiplier=50,margin=0.1 \
		--instruments ins.csv -e "$prog" cl.csv
	[ -z "$stderr" ]
	grep -q '^order,2020-04-21T00:00:00Z,CL,expr-2,buy,1,' <<<"$output"
	# a built-in's: donchian-breakout's sell stop at a low of 0 goes out
	{
		printf 'bar,2024-01-0%sT00:00:00Z,A,1d,10,11,9,10,100\n' 1 2
		printf 'bar,2024-01-03T00:00:00Z,A,1d,0,0,0,0,100\n'
		printf 'bar,2024-01-0%sT00:00:00Z,A,1d,12,13,12,13,100\n' 4 5 6
	} >z.csv
	run -0 --separate-stderr qts-strategy --instrument A donchian-breakout entry=3 exit=3 stop=1 z.csv
	grep -q '^order,2024-01-05T00:00:00Z,A,.*,sell,1,stop,,0,gtc,' <<<"$output"
}

@test "--instrument: bad specs are usage errors, an unreadable file a failure, and not with --print" {
	run -2 --separate-stderr qts-strategy --instrument CL,multiplier=0 -e 'target = 1' cl.csv
	[ "${stderr_lines[0]}" = "qts-strategy: --instrument CL: multiplier: 0 is out of range [1e-09, 1e+09]" ]
	run -1 --separate-stderr qts-strategy --instruments "$BATS_TEST_TMPDIR/none.csv" -e 'target = 1' cl.csv
	[ "${stderr_lines[0]}" = "qts-strategy: $BATS_TEST_TMPDIR/none.csv: No such file or directory" ]
	run -2 --separate-stderr qts-strategy --instruments '' -e 'target = 1' cl.csv
	[ "${stderr_lines[0]}" = "qts-strategy: --instruments: an empty file name" ]
	run -2 --separate-stderr qts-strategy --instrument CL --print close cl.csv
	[ "${stderr_lines[0]}" = "qts-strategy: --instrument goes with events: --print places no order" ]
}

@test "a symbol of more than 8 timeframes: a second driving bar for one time is still refused, a repeat counted once" {
	for tf in 1m 2m 3m 4m 5m 6m 10m 15m 30m; do
		echo "bar,2024-01-01T00:00:00Z,A,$tf,1,1,1,1,0"
	done > many.csv
	{ cat many.csv; echo "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,0"; echo "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,0"
	  echo "bar,2024-01-03T00:00:00Z,A,1d,1,3,1,3,0"; } > repeat.csv
	run -0 --separate-stderr qts-strategy --tf 1d -e 'n = n + 1; target = n' repeat.csv
	[ "$(grep -c '^target' <<<"$output")" = 2 ]
	[ "$(grep '^target' <<<"$output" | tail -1)" = "target,2024-01-04T00:00:00Z,A,2,qty,expr" ]
	{ cat many.csv; echo "bar,2024-01-02T00:00:00Z,A,1d,1,1,1,1,0"; echo "bar,2024-01-02T00:00:00Z,A,1d,1,2,1,2,0"; } > twice.csv
	run -1 --separate-stderr qts-strategy --tf 1d sma-cross fast=2 slow=3 twice.csv
	[ "$stderr" = "qts-strategy: twice.csv:11: bar A 1d at 2024-01-02T00:00:00Z is not after the symbol's last bar of that timeframe, nor that bar again: another bar for one time would count twice" ]
}

@test "a file whose name holds '=' is read when named with a '/'; without one it is a parameter" {
	cp cross.csv 'a=b.csv'
	run -0 --separate-stderr qts-strategy buy-hold ./a=b.csv
	[ "$(grep -c '^bar' <<<"$output")" = 9 ]
	run -0 --separate-stderr qts-strategy -e 'target = 1' "$PWD/a=b.csv"
	[ "${lines[1]}" = "target,2024-01-02T00:00:00Z,ACME,1,qty,expr" ]
	run -0 --separate-stderr qts-strategy --print close ./a=b.csv
	[ "${#lines[@]}" = 10 ]
	run -2 --separate-stderr qts-strategy buy-hold a=b.csv
	[ "${stderr_lines[0]}" = "qts-strategy: buy-hold: unknown parameter 'a=b.csv'" ]
}

@test "a program (-f) and a weights=@ file that start with a byte order mark (Excel's) are read as without it" {
	printf '\357\273\277target = 1\n' >"$BATS_TEST_TMPDIR/p.qts"
	printf '\357\273\277A,1\n' >"$BATS_TEST_TMPDIR/w.csv"
	printf 'bar,2024-01-02T00:00:00Z,A,1d,10,10,10,10,1\n' >"$BATS_TEST_TMPDIR/in.csv"
	run -0 --separate-stderr qts-strategy -f "$BATS_TEST_TMPDIR/p.qts" "$BATS_TEST_TMPDIR/in.csv"
	grep -q '^target,.*,A,1,qty,expr$' <<<"$output"
	run -0 --separate-stderr qts-strategy rebalance weights=@"$BATS_TEST_TMPDIR/w.csv" every=1w "$BATS_TEST_TMPDIR/in.csv"
	[ "$stderr" = "" ]
	grep -q '^target,.*,A,1,weight,rebalance$' <<<"$output"
}
