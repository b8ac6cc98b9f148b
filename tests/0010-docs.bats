#!/usr/bin/env bats
# Every program's options, as its --help lists them, are in its man page and
# in both completion files; the completions parse; every man page lints.

load helper

TOP=$BATS_TEST_DIRNAME/..

programs() {
	for c in "$TOP"/cmd/qts*.c; do basename "$c" .c; done
}

@test "every program has a man page and bash and zsh completions" {
	for p in $(programs); do
		[ -f "$TOP/man/$p.1" ] || { echo "no man/$p.1"; false; }
		[ -f "$TOP/completions/bash/$p" ] || { echo "no bash completion for $p"; false; }
		[ -f "$TOP/completions/zsh/_$p" ] || { echo "no zsh completion for $p"; false; }
	done
}

@test "every long option of --help is in the man page and both completions" {
	for p in $(programs); do
		opts=$("$p" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
		[ -n "$opts" ] || { echo "$p --help lists no options"; false; }
		for o in $opts; do
			# mdoc writes --name as Fl \-name, Fl -name or Fl Fl name
			grep -qE -- "(\\\\-|Fl Fl |Fl -)${o#--}( |$)" "$TOP/man/$p.1" ||
				{ echo "$p: $o not in man/$p.1"; false; }
			grep -q -- "$o" "$TOP/completions/bash/$p" || { echo "$p: $o not in bash completion"; false; }
			grep -q -- "$o" "$TOP/completions/zsh/_$p" || { echo "$p: $o not in zsh completion"; false; }
		done
	done
}

@test "--version prints the program and the version, --help exits 0" {
	for p in $(programs); do
		run -0 "$p" --version
		[[ "$output" =~ ^$p\ [0-9]+\.[0-9]+\.[0-9]+$ ]] || { echo "$p: $output"; false; }
		run -0 "$p" --help
	done
}

@test "--help lists -h, --help and --version; the checkpoint options line up with the others" {
	for p in $(programs); do
		[ "$p" = qts ] && continue # its usage names --version | --help, its commands' own
		help=$("$p" --help)
		# not the synopsis's `--help | --version`: a line that says what each does
		opts=$(grep -Ev -- '^ *(usage: )?qts' <<<"$help")
		grep -q -- '-h, --help' <<<"$opts" || { echo "$p: no -h, --help line"; false; }
		grep -q -- '--version' <<<"$opts" || { echo "$p: no --version line"; false; }
		grep -q -- '--state FILE' <<<"$help" || continue
		want=$(grep -E -m1 -- '^ +--metrics ' <<<"$help" | sed 's/--.*//')
		got=$(grep -E -m1 -- '^ +--state ' <<<"$help" | sed 's/--.*//')
		[ "${#got}" -eq "${#want}" ] || { echo "$p: --state at ${#got}, --metrics at ${#want}"; false; }
	done
}

@test "a bad option exits 2 with the usage on stderr" {
	for p in $(programs); do
		[ "$p" = qts ] && continue
		run -2 --separate-stderr "$p" --no-such-option < /dev/null
		[[ "$stderr" == *"usage: $p"* ]] || { echo "$p: $stderr"; false; }
	done
}

@test "bash completions parse and define their function" {
	for f in "$TOP"/completions/bash/*; do
		bash -n "$f"
		run -0 bash -c "complete() { echo \"\$@\"; }; source '$f'"
		[[ "$output" == *"$(basename "$f")"* ]]
	done
}

@test "zsh completions parse" {
	command -v zsh >/dev/null || skip "zsh is not installed (make deps installs it)"
	for f in "$TOP"/completions/zsh/_*; do
		zsh -n "$f" || { echo "$f"; false; }
		head -1 "$f" | grep -q "^#compdef $(basename "$f" | cut -c2-)"
	done
}

@test "bash completion of qts-fetch offers its flags and choices" {
	run -0 bash -c "source '$TOP/completions/bash/qts-fetch'
		COMP_WORDS=(qts-fetch --on-bad ''); COMP_CWORD=2; _qts_fetch; echo \${COMPREPLY[*]}"
	[ "$output" = "stop skip warn" ]
	run -0 bash -c "source '$TOP/completions/bash/qts-fetch'
		COMP_WORDS=(qts-fetch --ad); COMP_CWORD=1; _qts_fetch; echo \${COMPREPLY[*]}"
	[ "$output" = "--adjust" ]
}

# offered P [FIRST...]: the long options bash completion offers for P after
# each FIRST word (none: right after P), one per line.
offered() {
	local p=$1 fn=_${1//-/_}
	shift
	for first in "${@:-}"; do
		bash -c "source '$TOP/completions/bash/$p'
			COMP_WORDS=($p $first --); COMP_CWORD=\$((\${#COMP_WORDS[@]} - 1)); $fn
			printf '%s\n' \"\${COMPREPLY[@]}\""
	done | sort -u
}

@test "every long option of --help is offered by its bash completion (not only named in it)" {
	for p in $(programs); do
		case $p in
		qts) continue ;; # its words are commands, each with its own options
		qts-broker) got=$(offered "$p" paper alpaca ib) ;;
		qts-bus) got=$(offered "$p" pub sub) ;;
		*) got=$(offered "$p") ;;
		esac
		for o in $("$p" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			grep -qx -- "$o" <<<"$got" || { echo "$p: $o not offered by its bash completion"; false; }
		done
	done
}

@test "an empty name for an option that names a file is a usage error (exit 2), in every program" {
	while IFS='|' read -r p opt; do
		run -2 --separate-stderr sh -c "$p $opt '' </dev/null"
		# qts-broker paper is qts-broker, qts sweep is itself
		case $p in "qts "*) who=$p ;; *) who=${p%% *} ;; esac
		[[ "${stderr_lines[0]}" == "$who: ${opt}: an empty file name" ]] || { echo "$p $opt: $stderr"; false; }
	done <<-'E'
	qts-sim|--actions
	qts-sim|--instruments
	qts-sim|--metrics
	qts-sim|--state
	qts-risk|--rules
	qts-risk|--instruments
	qts-risk|--feedback
	qts-strategy|--plugin
	qts-strategy|-f
	qts-report|-o
	qts-report|--html
	qts-broker paper|--journal
	qts-broker paper|--actions
	qts-fetch|--actions
	qts-fetch|--cache-dir
	qts-risk|--sectors
	qts-risk|--kill-file
	qts-report|--instruments
	qts sweep|--output
	qts sweep|--overfit
	qts sweep|--oos-equity
	qts cat|--parquet
	E
}

@test "an option's number is read as the stream reads numbers: no hex, no blanks, nothing infinite (exit 2)" {
	for v in 0x10 ' 5' 5x inf nan 1e400; do
		run -2 --separate-stderr qts-sim --cash "$v" </dev/null
		[[ "${stderr_lines[0]}" == "qts-sim: --cash: '$v' is not a number" ]] || { echo "$v: $stderr"; false; }
		run -2 --separate-stderr qts-risk --max-position "$v" </dev/null
		[[ "${stderr_lines[0]}" == "qts-risk: --max-position: '$v' is not a number" ]] || { echo "$v: $stderr"; false; }
	done
	run -0 qts-sim --cash +5e3 </dev/null
	# A whole number is digits after an optional minus, as a duration or
	# a size is digits: strtol alone would skip a blank and take a plus
	for v in ' 1' '+1' 0x10 1x ''; do
		while IFS='|' read -r p opt rest; do
			run -2 --separate-stderr sh -c "$p $opt '$v$rest' </dev/null"
			[[ "${stderr_lines[0]}" == "${p%% *}"*": ${opt}: '$v' is not a whole number" ]] ||
				{ echo "$p $opt [$v$rest]: $stderr"; false; }
		done <<-'E'
		qts-risk|--max-positions|
		qts-risk|--max-orders|/1s
		qts-risk|--vol-window|
		qts pipe|--threads|
		qts-broker ib|--port|
		qts-broker ib|--client-id|
		qts-fetch|--count|
		qts-fetch|--seed|
		qts-bus sub|--count|
		qts-bus sub|--batch|
		qts-bus sub|--from-seq|
		qts sweep|--jobs|
		qts sweep|--top|
		qts sweep|--samples|
		qts sweep|--seed|
		qts sweep|--bootstrap|
		qts top|--iterations|
		E
	done
	for v in ' 1' '+1'; do
		run -2 --separate-stderr qts-report --live --every "$v" </dev/null
		[ "${stderr_lines[0]}" = "qts-report: --every: '$v' is neither a count nor a duration" ]
	done
	run -2 --separate-stderr qts sweep --walk-forward ' 2y:1y' 'qts-sim' x=1 </dev/null
	[[ "$stderr" == *"--walk-forward: ' 2y:1y' is not TRAIN:TEST"* ]]
}
