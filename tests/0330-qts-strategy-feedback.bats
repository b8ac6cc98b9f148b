#!/usr/bin/env bats
# qts-strategy --feedback: the fills and positions of the executing stage
# set the real position the strategy sees (expressions' `position`, the
# built-ins that trade with orders, a plugin's position function);
# without it, fills are presumed as before.  The feedback here is a
# regular file whose events are all known before the first bar, so the
# result is the same however the runtime interleaves it with the input.
# Applied between two chosen puts: tests/unit/test_strategy_stage.c.

load helper

S=$BATS_TEST_DIRNAME/fixtures/strategy

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# cross.csv: daily bars Jan 1..9, closes 10 11 12 11 10 9 10 12 13, lows a
# point under.  A buy limit at the close of each bar, for 100.
prog='target = 100; limit = close'

@test "a limit order qts-sim does not fill: the real position stays 0 and the order follows the price" {
	# without feedback the next bar (low 10 <= 10) is presumed to fill it
	run -0 --separate-stderr qts-strategy -e "$prog" "$S/cross.csv"
	[ "$(printf '%s\n' "$output" | grep -c '^order,')" -eq 1 ]
	# qts-sim with a month of latency fills nothing in these nine days
	qts-strategy -e "$prog" "$S/cross.csv" | qts-sim --latency 30d >fb.csv
	! grep -q '^fill,' fb.csv || false
	run -0 --separate-stderr qts-strategy --feedback fb.csv -e "$prog" "$S/cross.csv"
	[ "$stderr" = "" ]
	[ "$(printf '%s\n' "$output" | grep '^order,' | cut -d, -f2,4,5,6,8)" = "$(cat <<-'EOF'
	2024-01-02T00:00:00Z,expr-1,buy,100,10
	2024-01-03T00:00:00Z,expr-2,buy,100,11
	2024-01-04T00:00:00Z,expr-3,buy,100,12
	2024-01-05T00:00:00Z,expr-4,buy,100,11
	2024-01-06T00:00:00Z,expr-5,buy,100,10
	2024-01-07T00:00:00Z,expr-6,buy,100,9
	2024-01-08T00:00:00Z,expr-7,buy,100,10
	2024-01-09T00:00:00Z,expr-8,buy,100,12
	2024-01-10T00:00:00Z,expr-9,buy,100,13
	EOF
	)" ]
	# each replaces the one before, never two working at once
	[ "$(printf '%s\n' "$output" | grep -c '^cancel,')" -eq 8 ]
	# and qts-sim, fed what it asked for, still holds nothing: they agree
	qts-strategy --feedback fb.csv -e "$prog" "$S/cross.csv" | qts-sim --latency 30d >sim.csv
	[ "$(grep -c '^fill,' sim.csv)" = 0 ]
}

@test "a position sets it outright, a fill moves it, the latest wins" {
	cat >fb.csv <<-'EOF'
	position,2023-12-30T00:00:00Z,ACME,60,10,600,0,0
	fill,2023-12-30T12:00:00Z,ACME,x-1,buy,40,10,0,0
	position,2023-12-31T00:00:00Z,ACME,30,10,300,0,0
	fill,2023-12-31T12:00:00Z,ACME,x-2,sell,10,10,0,0
	equity,2023-12-31T12:00:00Z,1000,1200,200,200,0,0
	EOF
	run -0 --separate-stderr qts-strategy --feedback fb.csv -e "target = 100; limit = 9" "$S/cross.csv"
	# 30 - 10 = 20 held: 80 to buy, and the order works on (no fill known)
	[ "$(printf '%s\n' "$output" | grep -v '^bar,')" = "order,2024-01-02T00:00:00Z,ACME,expr-1,buy,80,limit,9,,gtc,expr" ]
	# an expression's `position` is the real one, in quantity
	run -0 --separate-stderr qts-strategy --feedback fb.csv -e "target = position + 1" "$S/cross.csv"
	[ "$(printf '%s\n' "$output" | grep -v '^bar,')" = "target,2024-01-02T00:00:00Z,ACME,21,qty,expr" ]
	# without feedback it is the last target, presumed reached
	run -0 --separate-stderr qts-strategy -e "target = isnan(position) ? 1 : position + 1" "$S/cross.csv"
	[ "$(printf '%s\n' "$output" | grep -c '^target,')" -eq 9 ]
	[ "$(printf '%s\n' "$output" | grep '^target,' | tail -1 | cut -d, -f4)" = 9 ]
}

@test "a built-in trading with stops: a real long position gets exit stops, not entry stops" {
	run -0 qts-strategy donchian-breakout entry=3 exit=2 stop=1 "$S/cross.csv"
	[ "$(printf '%s\n' "$output" | grep '^order,' | head -1 | cut -d, -f5,9)" = "buy,13" ]
	printf 'position,2023-12-31T00:00:00Z,ACME,1,10,10,0,0\n' >fb.csv
	run -0 qts-strategy --feedback fb.csv donchian-breakout entry=3 exit=2 stop=1 "$S/cross.csv"
	# long 1: a sell stop under the 2-day exit low (9 on Jan 1-2), at once
	[ "$(printf '%s\n' "$output" | grep '^order,' | head -1 | cut -d, -f2,5,6,9)" = "2024-01-03T00:00:00Z,sell,1,9" ]
	[ "$(printf '%s\n' "$output" | grep '^order,' | cut -d, -f5 | sort -u)" = sell ]
	# a target strategy does not read the position: the same output
	printf 'position,2023-12-31T00:00:00Z,ACME,50,10,500,0,0\n' >fb.csv
	diff <(qts-strategy sma-cross fast=2 slow=3 size=100 "$S/cross.csv") \
		<(qts-strategy --feedback fb.csv sma-cross fast=2 slow=3 size=100 "$S/cross.csv")
}

position_plugin() { # logs the position it is told at each bar, targets 5
	cat >pos.c <<-EOF
	#include <qts/strategy.h>
	#include <stdio.h>
	#include <stdlib.h>
	struct s { const qts_strategy_host *h; };
	static void *init(const qts_strategy_host *h, size_t np, const struct qts_strategy_param *p, char *err, size_t len) {
		(void)np, (void)p, (void)err, (void)len; struct s *s = calloc(1, sizeof *s); s->h = h; return s; }
	static void on_bar(void *x, const struct qts_strategy_bar *b) { struct s *s = x; char m[64];
		snprintf(m, sizeof m, "%g", s->h->abi_version >= 2 ? s->h->position(s->h->ctx, b->symbol) : -1);
		s->h->log(s->h->ctx, m); s->h->target(s->h->ctx, b->symbol, 5, "qty"); }
	static void on_fill(void *x, const struct qts_strategy_fill *f) { struct s *s = x; char m[64];
		snprintf(m, sizeof m, "fill %g", f->qty); s->h->log(s->h->ctx, m); }
	static void fr(void *x) { free(x); }
	static const qts_strategy d = { $1, "pos", "position", init, on_bar, NULL, NULL, on_fill, NULL, NULL, fr };
	const qts_strategy *qts_strategy_entry(void) { return &d; }
	EOF
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o pos.so pos.c
}

@test "--plugin: the host's position is the real one with feedback, the last target without" {
	position_plugin QTS_STRATEGY_ABI_VERSION
	head -3 "$S/cross.csv" >in.csv
	run -0 --separate-stderr qts-strategy --plugin ./pos.so in.csv
	[ "$stderr" = "$(printf 'qts-strategy: ./pos.so: %s\n' nan 5 5)" ]
	printf 'position,2023-12-31T00:00:00Z,ACME,7,10,70,0,0\nfill,2023-12-31T00:00:00Z,ACME,y,sell,2,10,0,0\n' >fb.csv
	run -0 --separate-stderr qts-strategy --feedback fb.csv --plugin ./pos.so in.csv
	# the fill fed back reaches on_fill, and moves the position
	[ "$stderr" = "$(printf 'qts-strategy: ./pos.so: %s\n' 'fill 2' 5 5 5)" ]
	# a plugin built for version 1 of the ABI still loads (the host
	# says it is version 2)
	position_plugin 1
	run -0 --separate-stderr qts-strategy --plugin ./pos.so in.csv
	[ "$stderr" = "$(printf 'qts-strategy: ./pos.so: %s\n' nan 5 5)" ]
}

@test "--feedback: with --print refused; a file that cannot be read exits 1" {
	run -2 --separate-stderr qts-strategy --feedback fb.csv --print close "$S/cross.csv"
	[ "${stderr_lines[0]}" = "qts-strategy: --feedback goes with events: --print writes a CSV table" ]
	run -2 --separate-stderr qts-strategy --heartbeat 1s --print close "$S/cross.csv"
	[ "${stderr_lines[0]}" = "qts-strategy: --heartbeat goes with events: --print writes a CSV table" ]
	run -2 --separate-stderr qts-strategy --heartbeat 0s sma-cross "$S/cross.csv"
	[ "${stderr_lines[0]}" = "qts-strategy: --heartbeat: '0s' is not a positive duration (500ms, 10s, 1m)" ]
	run -1 --separate-stderr qts-strategy --feedback /nonexistent/fb.csv sma-cross "$S/cross.csv"
	[[ $stderr == *"/nonexistent/fb.csv: No such file or directory"* ]]
}

@test "--feedback: a failure fed back ends the stream there, says the input is incomplete, exit 1" {
	# a file fed back is read before the input: the stream is the failure
	# alone, passed on as the stage that failed wrote it; no target of
	# the input's crosses
	echo 'system,2024-01-02T00:00:00Z,qts-sim,error,boom' > fb.csv
	run -1 --separate-stderr qts-strategy --feedback fb.csv sma-cross fast=2 slow=3 "$S/cross.csv"
	[ "$stderr" = "qts-strategy: the input is incomplete: qts-sim failed: boom" ]
	[ "$output" = "system,2024-01-02T00:00:00Z,qts-sim,error,boom" ]
}

@test "--plugin: a target a fill fed back before any input causes is dated at the fill, not at 1970" {
	cat >onfill.c <<-EOF
	#include <qts/strategy.h>
	#include <stdlib.h>
	struct s { const qts_strategy_host *h; };
	static void *init(const qts_strategy_host *h, size_t np, const struct qts_strategy_param *p, char *err, size_t len) {
		(void)np, (void)p, (void)err, (void)len; struct s *s = calloc(1, sizeof *s); s->h = h; return s; }
	static void on_bar(void *x, const struct qts_strategy_bar *b) { (void)x, (void)b; }
	static void on_fill(void *x, const struct qts_strategy_fill *f) { struct s *s = x;
		s->h->target(s->h->ctx, f->symbol, 0, "qty"); }
	static void fr(void *x) { free(x); }
	static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, "flat", "flat on a fill", init, on_bar, NULL, NULL, on_fill, NULL, NULL, fr };
	const qts_strategy *qts_strategy_entry(void) { return &d; }
	EOF
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o onfill.so onfill.c
	# before 1970 too: the stream's time, not 0
	for day in 2023-12-31 1960-01-04; do
		printf 'fill,%sT00:00:00Z,ACME,y,buy,2,10,0,0\n' "$day" >fb.csv
		printf 'bar,%sT00:00:00Z,ACME,1d,10,11,9,10,100\n' "$day" >in.csv
		run -0 --separate-stderr qts-strategy --feedback fb.csv --plugin ./onfill.so in.csv
		[ "${lines[0]}" = "target,${day}T00:00:00Z,ACME,0,qty,flat" ]
	done
}
