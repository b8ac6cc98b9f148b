#!/usr/bin/env bats
# The plugin host against plugins that misbehave: exit(), endless loops
# under a signal, NULL and over-long arguments, terminal escapes in logs,
# crashes, and builds cut short under --watch.  Each plugin is built here.

load helper

setup() {
	cd "$BATS_TEST_TMPDIR"
}

# build NAME BODY [CODE]: NAME.so from a C body after the ABI header.
# The body defines on_bar, CODE goes before it; the rest is a stateless
# boilerplate.
build() {
	cat >"$1.c" <<-EOF
	#include <qts/strategy.h>
	#include <math.h>
	#include <signal.h>
	#include <stdio.h>
	#include <stdlib.h>
	#include <string.h>
	#include <unistd.h>
	static const qts_strategy_host *H;
	static void *init(const qts_strategy_host *h, size_t np, const struct qts_strategy_param *p, char *err, size_t len) {
		(void)np; (void)p; (void)err; (void)len; H = h; return (void *)h; }
	static long n;
	$3
	static void on_bar(void *x, const struct qts_strategy_bar *b) { (void)x; n++; $2 }
	static const qts_strategy d = { QTS_STRATEGY_ABI_VERSION, "bad", "misbehaves", init, on_bar, NULL, NULL, NULL, NULL, NULL, NULL };
	const qts_strategy *qts_strategy_entry(void) { return &d; }
	EOF
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o "$1.so" "$1.c"
}

bars() { qts-fetch --count "$1" synth:X; }

@test "a plugin that calls exit(0): what was written stays, exit 1, said why" {
	build quit 'H->target(H->ctx, b->symbol, (double)n, "qty"); if (n == 50) exit(0);'
	bars 200 >in.csv
	run --separate-stderr qts-strategy --plugin ./quit.so in.csv
	[ "$status" -eq 1 ]
	[ "$stderr" = "qts-strategy: ./quit.so: the plugin called exit() in on_bar" ]
	[ "$(printf '%s\n' "$output" | grep -c '^target,')" -eq 50 ]
	[ "$(printf '%s\n' "$output" | grep '^target,' | tail -1 | cut -d, -f4)" = 50 ]
	# the stream says it ended in failure, for the stages after
	[ "${lines[${#lines[@]} - 1]}" = "system,2024-03-09T00:00:00Z,qts-strategy,error,./quit.so: the plugin called exit() in on_bar" ]
	# msgpack too: whole records, readable
	run --separate-stderr bash -c 'qts-strategy -M --plugin ./quit.so in.csv > out.mp'
	[ "$status" -eq 1 ]
	run -1 qts cat out.mp
	[ "$(printf '%s\n' "$output" | grep -c '^target,')" -eq 50 ]
}

@test "a plugin that crashes: what was written stays, the stream says why, the host dies of the signal" {
	build segv 'H->target(H->ctx, b->symbol, (double)n, "qty"); if (n == 30) { volatile int *z = 0; *z = 1; }'
	build fpe 'H->target(H->ctx, b->symbol, (double)n, "qty"); if (n == 30) raise(SIGFPE);'
	# recursion without end: the handler runs on a stack of its own
	build deep 'H->target(H->ctx, b->symbol, (double)n, "qty"); if (n == 30) down(0);' \
		'static int down(int d) { volatile char pad[4096]; pad[d % 4096] = (char)d; return down(d + 1) + pad[0]; }'
	bars 100 >in.csv
	for p in segv:SIGSEGV:139 fpe:SIGFPE:136 deep:SIGSEGV:139; do
		IFS=: read -r name sig rc <<<"$p"
		# a pipe: the output is flushed by the host, not lost with it
		run --separate-stderr bash -c "ASAN_OPTIONS=detect_stack_use_after_return=0 qts-strategy --plugin ./$name.so in.csv | cat"
		[ "$stderr" = "qts-strategy: ./$name.so: the plugin crashed ($sig) in on_bar" ]
		[ "$(printf '%s\n' "$output" | grep -c '^target,')" -eq 30 ]
		[ "${lines[${#lines[@]} - 1]}" = "system,2024-02-10T00:00:00Z,qts-strategy,error,./$name.so: the plugin crashed ($sig) in on_bar" ]
		run bash -c "qts-strategy --plugin ./$name.so in.csv >/dev/null 2>&1"
		[ "$status" -eq "$rc" ]
	done
}

@test "SIGTERM while a plugin loops: exit 143 within a bounded time, output flushed" {
	build spin 'H->target(H->ctx, b->symbol, (double)n, "qty"); if (n == 20) { fclose(fopen("spinning", "w")); for (;;) ; }'
	bars 100 >in.csv
	qts-strategy --plugin ./spin.so in.csv >out.csv 2>err.txt &
	pid=$!
	for i in $(seq 200); do [ -e spinning ] && break; sleep 0.1; done
	kill -TERM "$pid"
	# bounded: gone within 5 s, or killed and failed
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; wait "$pid" || true; false; fi
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	grep -q "the plugin did not return after a signal, in on_bar" err.txt
	[ "$(grep -c '^target,' out.csv)" -eq 20 ]
}

@test "SIGTERM while a plugin is read from a fifo whose writer never ends: the read stops, said" {
	mkfifo plug
	sleep 60 <>plug & holder=$!
	bars 5 >in.csv
	qts-strategy --plugin ./plug in.csv >out.csv 2>err.txt &
	pid=$!
	sleep 0.5
	kill -TERM "$pid"
	for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	gone=1
	if kill -0 "$pid" 2>/dev/null; then gone=0; kill -KILL "$pid"; fi
	wait "$pid" || true
	kill "$holder"
	[ "$gone" -eq 1 ]
	grep -q "^qts-strategy: ./plug: Interrupted system call" err.txt
}

@test "a well-behaved plugin under SIGTERM finishes its callback and exits as usual" {
	build slow 'H->target(H->ctx, b->symbol, (double)n, "qty"); usleep(20000);'
	bars 1000 >in.csv
	qts-strategy --plugin ./slow.so in.csv >out.csv 2>err.txt &
	pid=$!
	sleep 1
	kill -TERM "$pid"
	rc=0
	wait "$pid" || rc=$?
	[ "$rc" -eq 143 ]
	[ ! -s err.txt ]
	# whole records, and the stream says it was cut short
	grep -v '^system,' out.csv | qts cat > /dev/null
	[[ $(tail -1 out.csv) == system,*,qts-strategy,error,* ]]
}

@test "NULL arguments to host functions are refused, not a crash" {
	build nulls 'if (n == 1) {
		if (H->target(H->ctx, NULL, 1, "qty") != -1) abort();
		if (H->target(H->ctx, b->symbol, 1, NULL) != -1) abort();
		if (H->order(H->ctx, NULL) != -1) abort();
		struct qts_strategy_order o = { NULL, NULL, 1, NULL, NAN, NAN, NULL, NULL };
		if (H->order(H->ctx, &o) != -1) abort();
		H->log(H->ctx, NULL); }'
	bars 3 >in.csv
	run --separate-stderr qts-strategy --plugin ./nulls.so in.csv
	# refused calls leave events out of the stream: the run fails at the end
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$stderr" | sed -n 1p)" = 'qts-strategy: in.csv:1: ./nulls.so: target refused: symbol "" is missing (NULL) (at most 31 bytes, no control characters)' ]
	[ "$(printf '%s\n' "$stderr" | sed -n 3p)" = 'qts-strategy: in.csv:1: ./nulls.so: order refused: no order (NULL)' ]
	[ "$(printf '%s\n' "$stderr" | sed -n 5p)" = 'qts-strategy: ./nulls.so: (null)' ]
	[ "$(printf '%s\n' "$stderr" | sed -n 6p)" = 'qts-strategy: end of input: ./nulls.so: 4 calls refused' ]
}

@test "over-long, empty and control-character symbols and ids are refused, never cut" {
	build names 'if (n == 1) {
		char sym[40]; memset(sym, 65, 39); sym[39] = 0;
		if (H->target(H->ctx, sym, 1, "qty") != -1) abort();
		if (H->target(H->ctx, "", 1, "qty") != -1) abort();
		if (H->target(H->ctx, "A\x1b[2J", 1, "qty") != -1) abort();
		if (H->target(H->ctx, "A\xc9", 1, "qty") != -1) abort();
		char id[80]; memset(id, 105, 79); id[79] = 0;
		struct qts_strategy_order o = { b->symbol, "buy", 1, "market", NAN, NAN, NULL, id };
		if (H->order(H->ctx, &o) != -1) abort();
		o.id = ""; if (H->order(H->ctx, &o) != 0) abort();
		sym[31] = 0; if (H->target(H->ctx, sym, 1, "qty") != 0) abort(); }'
	bars 2 >in.csv
	run --separate-stderr qts-strategy --plugin ./names.so in.csv
	[ "$status" -eq 1 ]
	printf '%s\n' "$stderr" | grep -qF 'target refused: symbol "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" is too long (at most 31 bytes'
	printf '%s\n' "$stderr" | grep -qF 'target refused: symbol "" is empty'
	printf '%s\n' "$stderr" | grep -qF 'target refused: symbol "A\x1b[2J" is holding a control character'
	printf '%s\n' "$stderr" | grep -qF 'target refused: symbol "A\xc9" is not valid UTF-8'
	printf '%s\n' "$stderr" | grep -qF 'order refused: id "iiiiiiiiii'
	# the empty id is numbered by the host; the 31-byte symbol is whole
	printf '%s\n' "$output" | grep -q '^order,.*,X,bad-1,buy,1,market,'
	printf '%s\n' "$output" | grep -q '^target,.*,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,1,qty,bad$'
	! printf '%s\n' "$output" | grep -q '^target,[^,]*,,' || false
}

@test "a plugin's name that is not UTF-8 is written escaped: its orders and targets stay readable by the next stage" {
	build latin 'if (n == 1) {
		struct qts_strategy_order o = { b->symbol, "buy", 1, "market", NAN, NAN, NULL, NULL };
		if (H->order(H->ctx, &o) != 0) abort();
		H->target(H->ctx, b->symbol, 1, "qty"); }'
	sed -i 's/"bad", "misbehaves"/"b\\351d", "misbehaves"/' latin.c
	grep -qF '"b\351d"' latin.c
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o latin.so latin.c
	bars 2 >in.csv
	qts-strategy --plugin ./latin.so in.csv > out.csv
	grep -qF ',X,b\xe9d-1,buy,1,market,' out.csv
	grep -qF ',X,1,qty,b\xe9d' out.csv
	qts cat out.csv | cmp - out.csv
}

@test "non-finite targets and order prices from a plugin are refused" {
	build inf 'if (n == 1) {
		if (H->target(H->ctx, b->symbol, INFINITY, "qty") != -1) abort();
		if (H->target(H->ctx, b->symbol, NAN, "qty") != -1) abort();
		struct qts_strategy_order o = { b->symbol, "buy", 1, "limit", INFINITY, NAN, NULL, NULL };
		if (H->order(H->ctx, &o) != -1) abort();
		o.kind = "stop"; o.stop = -1; if (H->order(H->ctx, &o) != -1) abort();
		o.kind = "market"; o.qty = INFINITY; if (H->order(H->ctx, &o) != -1) abort(); }'
	bars 2 >in.csv
	run --separate-stderr qts-strategy --plugin ./inf.so in.csv
	[ "$status" -eq 1 ]
	# no value written is one (the closing system event names ./inf.so)
	! printf '%s\n' "$output" | grep -v '^system,' | grep -qi 'inf\|nan' || false
	[ "$(printf '%s\n' "$stderr" | grep -c 'refused:')" -eq 5 ]
	printf '%s\n' "$stderr" | grep -qF 'order refused: stop -1 is not a positive price' 
}

@test "a contract's order at a price of 0 or below is taken from a plugin with --instrument, as qts-sim trades it" {
	build neg 'if (n == 1) {
		struct qts_strategy_order o = { b->symbol, "buy", 1, "stop", NAN, -1, NULL, NULL };
		H->order(H->ctx, &o); }'
	bars 2 >in.csv
	run -1 --separate-stderr qts-strategy --plugin ./neg.so in.csv
	[[ "$stderr" == *'order refused: stop -1 is not a positive price'* ]]
	! printf '%s\n' "$output" | grep -q '^order,' || false
	run -0 --separate-stderr qts-strategy --instrument X,multiplier=1000 --plugin ./neg.so in.csv
	[ -z "$stderr" ]
	printf '%s\n' "$output" | grep -q '^order,[^,]*,X,bad-1,buy,1,stop,,-1,day,bad$'
}

@test "a plugin's log and init message cannot drive the terminal" {
	build esc 'if (n == 1) H->log(H->ctx, "red \x1b[31m bell \a cut \xe2\x82 ok \xe2\x82\xac");'
	bars 2 >in.csv
	run --separate-stderr qts-strategy --plugin ./esc.so in.csv
	[ "$status" -eq 0 ]
	[ "$stderr" = 'qts-strategy: ./esc.so: red \x1b[31m bell \x07 cut \xe2\x82 ok €' ]
}

@test "a plugin that crashes, even while loading, leaves no copy of itself on disk" {
	build crash 'if (n == 3) { volatile int *z = 0; *z = 1; }'
	mkdir tmp
	bars 10 >in.csv
	run -139 env TMPDIR="$PWD/tmp" ASAN_OPTIONS=handle_segv=0 qts-strategy --plugin ./crash.so in.csv
	[ -z "$(ls -A tmp)" ]
	# a constructor that crashes inside dlopen, before the loader returns
	printf '%s\n' '__attribute__((constructor)) static void boom(void) { volatile int *z = 0; *z = 1; }' >>crash.c
	cc -shared -fPIC -I "$BATS_TEST_DIRNAME/../include" -o crash.so crash.c
	run -139 env TMPDIR="$PWD/tmp" ASAN_OPTIONS=handle_segv=0 qts-strategy --plugin ./crash.so in.csv
	[ -z "$(ls -A tmp)" ]
}

@test "--watch: a build cut short is not loaded; the complete one is" {
	build v1 'H->target(H->ctx, b->symbol, 1, "qty");'
	build v2 'H->target(H->ctx, b->symbol, 2, "qty");'
	cp v1.so live.so
	rm -f fifo && mkfifo fifo
	qts-strategy --watch --plugin ./live.so <fifo >out.csv 2>err.txt &
	pid=$!
	exec 7>fifo
	printf 'bar,2024-01-01T00:00:00Z,X,1d,1,1,1,1,1\n' >&7
	# loaded and running: the first target is out
	for i in $(seq 100); do grep -q '^target,' out.csv && break; sleep 0.1; done
	# a linker half way through writing the new build, in place
	head -c 3000 v2.so > live.so
	sleep 0.5
	printf 'bar,2024-01-02T00:00:00Z,X,1d,1,1,1,1,1\n' >&7
	for i in $(seq 100); do grep -q '^bar,2024-01-02' out.csv && break; sleep 0.1; done
	cat v2.so > live.so
	sleep 0.5
	printf 'bar,2024-01-03T00:00:00Z,X,1d,1,1,1,1,1\n' >&7
	exec 7>&-
	wait "$pid"
	grep -q "reload failed, the running plugin stays: incomplete file" err.txt
	[ "$(grep '^target,' out.csv | cut -d, -f4 | tr '\n' ' ')" = "1 2 " ]
}
