#!/usr/bin/env bats
# make install and make uninstall, into a scratch DESTDIR.

load helper

TOP=$BATS_TEST_DIRNAME/..

@test "make install puts programs, man pages, the plugin header and completions in place" {
	d=$BATS_TEST_TMPDIR/root
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr > /dev/null
	for p in "$TOP"/cmd/qts*.c; do
		p=$(basename "$p" .c)
		[ -x "$d/usr/bin/$p" ] || { echo "no $p"; false; }
		[ -f "$d/usr/share/man/man1/$p.1" ]
		[ -f "$d/usr/share/bash-completion/completions/$p" ]
		[ -f "$d/usr/share/zsh/site-functions/_$p" ]
	done
	[ -f "$d/usr/share/man/man5/qts-events.5" ]
	[ -f "$d/usr/share/man/man7/qts.7" ]
	[ -f "$d/usr/include/qts/strategy.h" ]
	# the installed ABI is include/qts/ alone: no header of lib/
	[ "$(cd "$d/usr/include" && find . -type f | sort)" = "$(cd "$TOP/include" && find . -name '*.h' | sort)" ]
	# the installed qts finds its siblings
	run -0 "$d/usr/bin/qts" fetch --count 2 synth:A
	[ "${#lines[@]}" -eq 2 ]
	make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/usr > /dev/null
	[ -z "$(find "$d" -type f)" ]
}

@test "make builds with the training profile; PGO=0, or a compiler not gcc, without it" {
	run -0 make -nB -C "$TOP" build/release/lib/writer.o
	[[ "$output" == *"-fprofile-use"* ]]
	run -0 make -nB -C "$TOP" PGO=0 build/release/lib/writer.o
	[[ "$output" != *"-fprofile"* ]]
	[[ "$output" == *"-O3"* ]]
	# another compiler than gcc reads its counts another way: none
	run -0 make -nB -C "$TOP" CC=clang build/release/lib/writer.o
	[[ "$output" != *"-fprofile"* ]]
	# the numbers, which the profile had built for size, go without it
	for f in num num_ryu; do
		run -0 make -nB -C "$TOP" build/release/lib/$f.o
		line=$(grep -e "-o build/release/lib/$f.o " <<<"$output")
		[[ "$line" == *"-O3"* ]]
		[[ "$line" != *"-fprofile"* ]]
	done
}

@test "the training run leaves counts for the files a backtest spends its time in" {
	# (up to date after make install above; else the training runs now)
	make -s -C "$TOP" build/release/profile > /dev/null
	for f in reader_msgpack reader_csv writer strat strategy_stage risk sim stage pipe; do
		[ -s "$TOP/build/release/lib/$f.gcda" ] || { echo "no counts for lib/$f.c"; false; }
	done
}
