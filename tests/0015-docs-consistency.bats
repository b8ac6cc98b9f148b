#!/usr/bin/env bats
# The man pages agree with each other: one date, an overview that links to
# every page, and usage lines that name every long option.

load helper

MAN=$BATS_TEST_DIRNAME/../man

@test "every man page carries the same date" {
	n=$(sed -n '1s/^\.Dd //p' "$MAN"/*.[1-9] | sort -u | wc -l)
	[ "$n" -eq 1 ]
	! grep -l 'Mdocdate' "$MAN"/*.[1-9] || false
}

@test "qts(7) SEE ALSO links to every other page" {
	for m in "$MAN"/*.[1-9]; do
		b=$(basename "$m")
		[ "$b" = qts.7 ] && continue
		name=${b%.*} sec=${b##*.}
		sed -n '/^\.Sh SEE ALSO/,$p' "$MAN/qts.7" | grep -q "^\.Xr $name $sec" || { echo "qts(7) misses $name($sec)"; false; }
	done
}

@test "qts --help and qts-sim --help name --msgpack" {
	run -0 qts --help
	[[ "$output" == *--msgpack* ]]
	run -0 qts-sim --help
	[[ "$output" == *--msgpack* ]]
}

@test "no man page renders a quote nested inside another broken" {
	# .Ql inside .Pq on one line rendered "(`2.179012, not `2.17...'')":
	# a quote opened twice and closed twice.
	for m in "$MAN"/*.[1-9]; do
		! mandoc -Tascii "$m" | grep -n "''\|\`\`" || { echo "$m"; false; }
	done
	mandoc -Tascii "$MAN/qts-events.5" | tr -s ' \n' ' ' | grep -qF "(\`2.179012', not \`2.1790120000000002')"
}

@test "a fifo fed back by tee in the docs is written by tee -p: tee dies of SIGPIPE when the stage reading it ends, and cuts the report" {
	# `... | qts-sim | tee fb | qts-report` with `mkfifo fb`: the stage
	# that reads fb closes it at the end of its input, and a plain tee
	# then dies of SIGPIPE in the middle of a record
	for f in "$MAN"/*.[1-9] "$BATS_TEST_DIRNAME"/../README.md "$BATS_TEST_DIRNAME"/../examples/*/*; do
		[ -f "$f" ] || continue
		for fifo in $(sed -n 's/.*mkfifo \([A-Za-z0-9_."$/{}-]*\).*/\1/p' "$f"); do
			if grep -n "tee \(-a \)\?$fifo\b" "$f" | grep -v "tee -p"; then
				echo "$f: tee $fifo without -p"
				false
			fi
		done
	done
}

@test "mdoc markup renders as meant: no stray flag dashes after a comma, no bold quote mark" {
	for m in "$MAN"/*.[1-9]; do
		! mandoc -Tascii "$m" | col -b | grep -n ', -or -\|\(Cm\|Fl\) [a-z-]* '"'"'$' || { echo "$m"; false; }
	done
	! grep -n "^\.Cm [a-z-]* '\$" "$MAN"/*.[1-9] || false
}
