#!/bin/sh
# bench/num.sh — nanoseconds a number for the shortest digits of a double
# (qts_shortest_digits) and the whole of qts_num_format, on full-precision
# values; medians of 11 passes over 2^20 numbers (bench/num.c, linked
# against build/release/libqts.a).  Target: the digits in half the time
# double-conversion's Grisu3 took on the bench machine (75 ns).
cd "$(dirname "$0")/.." || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM
. bench/lib.sh

[ -f build/release/libqts.a ] || { echo "bench: build/release/libqts.a: run make first" >&2; exit 1; }
# the libraries libqts links with, as the Makefile says
libs=$(sed -n 's/^LDLIBS *:= *//p' Makefile)
# shellcheck disable=SC2086
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O2 -Ilib -o "$dir/num" bench/num.c \
	build/release/libqts.a $libs || exit 1
# shellcheck disable=SC2046
set -- $("$dir/num") || exit 1
report "shortest digits (full precision)" "$1" "ns/number" "<= 37" "$(awk -v t="$1" 'BEGIN { print (t <= 37) ? 1 : 0 }')"
report "qts_num_format (full precision)" "$2" "ns/number" "(all of it)" 1
