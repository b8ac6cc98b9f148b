#!/usr/bin/env bats
# Files qts writes whole (qts-report -o and --html today): through a fresh
# temporary beside the target, never through a symbolic link, with the
# target's mode kept, nothing left behind, and a clear error when the write
# fails.  Streams written to a regular file past a size limit end with a
# whole record.

load helper

A=$FIX/report-a.csv

@test "-o and --html never write through a symbolic link at the target" {
	cd "$BATS_TEST_TMPDIR"
	echo keep > victim
	ln -s victim r.txt
	ln -s victim r.html
	run -0 qts-report -o r.txt --html r.html "$A"
	[ "$(cat victim)" = keep ]
	[ -f r.txt ] && [ ! -L r.txt ] && grep -q "Sharpe ratio" r.txt
	[ -f r.html ] && [ ! -L r.html ] && grep -q "<html" r.html
}

@test "a descriptor named (/dev/stdout, /dev/fd/1, a link to one) is written at its own place, the link kept; --state refuses one" {
	T=$BATS_TEST_TMPDIR
	qts-fetch --seed 4 --count 20 -t 1d synth:AAA > "$T/bars.csv"
	printf 'equity,2024-01-02T00:00:00Z,100,100,0,0,0,0\nequity,2024-01-03T00:00:00Z,100,101,0,0,0,0\n' > "$T/eq.csv"
	ln -s /proc/self/fd/1 "$T/out-link"
	echo before > "$T/rep.txt"
	qts-report -o "$T/out-link" "$T/eq.csv" >> "$T/rep.txt"
	[ -L "$T/out-link" ]
	[ "$(head -1 "$T/rep.txt")" = before ]
	grep -q '^Start  *2024-01-02$' "$T/rep.txt"
	# /dev/fd/1 (not /dev/stdout: were it renamed over again, as root,
	# the machine's would be a file)
	qts-report -o /dev/fd/1 "$T/eq.csv" > "$T/rep2.txt"
	cmp <(tail -n +2 "$T/rep.txt") "$T/rep2.txt"
	# standard output a file, as a shell's > makes it
	run -1 --separate-stderr sh -c 'qts-sim --state "$1" "$2" > "$3"' sh "$T/out-link" "$T/bars.csv" "$T/o"
	[ "$stderr" = "qts-sim: --state $T/out-link: names a descriptor, not a file: a state is a file written and read back" ]
	[ -L "$T/out-link" ]
}

@test "links planted at the old predictable temporary names are left alone" {
	cd "$BATS_TEST_TMPDIR"
	echo keep > victim
	for p in $(seq $$ $(($$ + 400))); do ln -s victim "r.txt.tmp$p"; done
	run -0 qts-report -o r.txt "$A"
	[ "$(cat victim)" = keep ]
	grep -q "Sharpe ratio" r.txt
}

@test "the mode of a replaced report is kept; a new one follows the umask" {
	cd "$BATS_TEST_TMPDIR"
	: > old.txt
	chmod 640 old.txt
	run -0 qts-report -o old.txt "$A"
	[ "$(stat -c %a old.txt)" = 640 ]
	(umask 027 && qts-report -o new.txt "$A")
	[ "$(stat -c %a new.txt)" = 640 ]
	(umask 022 && qts-report --html new.html "$A")
	[ "$(stat -c %a new.html)" = 644 ]
}

@test "no temporary is left beside the target, on success or failure" {
	cd "$BATS_TEST_TMPDIR"
	mkdir out
	run -0 qts-report -o out/r.txt --html out/r.html "$A"
	[ "$(ls -A out | sort | tr '\n' ' ')" = "r.html r.txt " ]
	echo old > out/r.html
	run -1 --separate-stderr bash -c "ulimit -f 1; qts-report --html out/r.html '$A'"
	[ "$stderr" = "qts-report: out/r.html: File too large" ]
	[ "$(cat out/r.html)" = old ]
	[ "$(ls -A out | sort | tr '\n' ' ')" = "r.html r.txt " ]
}

@test "temporaries left by writers killed (SIGKILL) are removed by the next writer of the file: a minute old, their writer gone; a live writer's are kept" {
	cd "$BATS_TEST_TMPDIR"
	# a dead pid: one the kernel handed out and that has exited
	sh -c 'exit 0' &
	dead=$!
	wait "$dead"
	: > ".S.$dead.AbC123"        # gone, an hour old: removed
	: > ".S.$dead.DeF456"        # gone, but new: perhaps another host's writer
	: > ".S.$$.GhI789"           # this shell, alive: kept
	: > ".S.1.JkL012"            # init, alive: kept
	: > ".S.$dead.MnO345.x"      # not a temporary's name: kept
	: > ".T.$dead.PqR678"        # another file's: kept
	touch -d '1 hour ago' ".S.$dead.AbC123" ".S.$$.GhI789" ".S.1.JkL012" ".S.$dead.MnO345.x" ".T.$dead.PqR678"
	printf '%s\n' 'bar,2024-01-02T00:00:00Z,AAPL,1d,1,1,1,1,1' > in.csv
	run -0 qts-sim --state S in.csv
	[ -s S ]
	[ "$(ls -A | grep '^\.' | sort)" = "$(printf '%s\n' .S.$$.GhI789 .S.$dead.DeF456 .S.$dead.MnO345.x .S.1.JkL012 .T.$dead.PqR678 | sort)" ]
}

@test "a directory that cannot be written gives an error naming the target" {
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr qts-report -o no/such/r.txt "$A"
	[ "$stderr" = "qts-report: no/such/r.txt: cannot create a temporary beside it: No such file or directory" ]
	run -1 --separate-stderr qts-report --compare -o no/such/c.txt "$A" "$A"
	[ "$stderr" = "qts-report: no/such/c.txt: cannot create a temporary beside it: No such file or directory" ]
}

@test "--compare -o writes whole too" {
	cd "$BATS_TEST_TMPDIR"
	echo keep > victim
	ln -s victim c.txt
	run -0 qts-report --compare -o c.txt "$A" "$A"
	[ "$(cat victim)" = keep ] && [ ! -L c.txt ] && [ -s c.txt ]
}

@test "a stream cut by a file-size limit ends with a whole record, exit 1" {
	cd "$BATS_TEST_TMPDIR"
	run -1 --separate-stderr bash -c 'ulimit -f 300; qts-fetch --count 20000 synth:X > out.csv'
	[ "$stderr" = "qts-fetch: write error: File too large" ]
	[ -s out.csv ]
	[ "$(tail -c 1 out.csv | od -An -c | tr -d ' ')" = '\n' ]
	run -0 qts cat out.csv
	run -1 --separate-stderr bash -c 'ulimit -f 300; qts-fetch -M --count 20000 synth:X > out.mp'
	[ "$stderr" = "qts-fetch: write error: File too large" ]
	run -0 qts cat out.mp
	[ "${#lines[@]}" -gt 10 ]
}

@test "two outputs named by one path, or an output over an input, are a usage error before anything is written" {
	cd "$BATS_TEST_TMPDIR"
	printf 'equity,2024-01-01T00:00:00Z,0,100,0,0,0,0\nequity,2024-01-02T00:00:00Z,0,102,0,0,0,0\n' > eq.csv
	run -2 --separate-stderr qts-report -o out.txt --html out.txt eq.csv
	[ "$stderr" = "qts-report: -o and --html name one file, 'out.txt': each would overwrite the other" ]
	mkdir d
	run -2 --separate-stderr qts-report -o st --state d/../st eq.csv
	[ "$stderr" = "qts-report: -o and --state name one file, 'd/../st': each would overwrite the other" ]
	run -2 --separate-stderr qts-report --state m --metrics ./m eq.csv
	[ "$stderr" = "qts-report: --state and --metrics name one file, './m': each would overwrite the other" ]
	run -2 --separate-stderr qts-sim --state j --output-journal ./j eq.csv
	[ "$stderr" = "qts-sim: --state and --output-journal name one file, './j': each would overwrite the other" ]
	run -2 --separate-stderr qts-report -o ./eq.csv eq.csv
	[ "$stderr" = "qts-report: -o './eq.csv' is an input: it would be replaced" ]
	cp eq.csv eq2.csv
	run -2 --separate-stderr qts-report --compare -o eq2.csv eq.csv eq2.csv
	[ "$stderr" = "qts-report: -o 'eq2.csv' is an input: it would be replaced" ]
	cmp eq.csv eq2.csv
	run -2 --separate-stderr qts-sim --state eq.csv eq.csv
	[ "$stderr" = "qts-sim: --state 'eq.csv' is an input: it would be replaced" ]
	run -2 --separate-stderr qts-risk --feedback eq.csv --metrics eq.csv
	[ "$stderr" = "qts-risk: --metrics 'eq.csv' is the --feedback file: it would be read while written" ]
	[ ! -e out.txt ] && [ ! -e st ] && [ ! -e m ] && [ ! -e j ]
	[ "$(cat eq.csv | wc -l)" -eq 2 ]
	# a device takes any number of writers
	run -0 qts-report -o /dev/null --html /dev/null eq.csv
	run -0 qts-report --compare -o /dev/null eq.csv eq.csv
}
