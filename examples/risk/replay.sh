#!/bin/sh
# Fills and updates fed back: run a backtest once, then replay the
# strategy's stream with qts-sim's fills and updates merged in time order.
# Orders still working count against the limits, and what qts-sim refused
# is given back, so qts-risk decides as in the first run.
cd "$(dirname "$0")" || exit 1
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT
qts-fetch synth:AAA,BBB --count 80 | qts-strategy sma-cross fast=3 slow=8 size=20000 >"$dir/strategy"
qts-risk --cash 5e6 --max-gross 2500000 "$dir/strategy" \
	| qts-sim --cash 5e6 --max-participation 0.001 >"$dir/run"
grep -E '^(fill|update),' "$dir/run" >"$dir/back"
qts-fetch "$dir/strategy" "$dir/back" | qts-risk --cash 5e6 --max-gross 2500000 \
	| grep -E '^(target|risk),' >"$dir/replay"
grep -E '^(target|risk),' "$dir/run" | diff - "$dir/replay" && echo "replay: same decisions"
cat "$dir/replay"
