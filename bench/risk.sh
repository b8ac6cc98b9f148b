#!/bin/sh
# qts-risk throughput on msgpack: generated 1-minute bars for 10 symbols
# (with a target every 100 bars) passed through with no rules, then with
# every per-bar rule on.  The pipeline target is 2M bars/s end to end, so
# qts-risk alone must go well beyond it.  QTS_BENCH_BARS sets the count.
n=${QTS_BENCH_BARS:-10000000}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

awk -v n="$n" '
function stamp(t,  z, era, doe, yoe, y, doy, mp, d, m, sod) { # civil from days
	z = int(t / 86400) + 719468; sod = t % 86400
	era = int(z / 146097); doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400; doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153); d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9; if (m <= 2) y++
	return sprintf("%04d-%02d-%02dT%02d:%02d:00Z", y, m, d, int(sod / 3600), int(sod % 3600 / 60))
}
BEGIN {
	t0 = 1704205800; srand(1)
	for (s = 0; s < 10; s++) px[s] = 100 + 10 * s
	for (i = 0; i < n; i++) {
		s = i % 10
		if (s == 0) ts = stamp(t0 + 60 * int(i / 10))
		px[s] *= 1 + (rand() - 0.5) * 0.002
		printf "bar,%s,S%d,1m,%.4f,%.4f,%.4f,%.4f,1000\n", ts, s, px[s], px[s], px[s], px[s]
		if (i % 100 == 99)
			printf "target,%s,S%d,%d,qty,bench\n", ts, s, (i % 300) - 100
	}
}' | qts cat -M >"$tmp/bars.mp" || exit 1

run() { # run LABEL ARGS...: bars/s of qts-risk -M over the file
	label=$1; shift
	start=$(date +%s.%N)
	qts-risk -M "$@" "$tmp/bars.mp" >/dev/null || { echo "$label: qts-risk failed"; return 1; }
	end=$(date +%s.%N)
	awk -v n="$n" -v a="$start" -v b="$end" -v l="$label" 'BEGIN {
		r = n / (b - a)
		printf "%-34s %6.2f M bars/s  (target >= 4 M bars/s: %s)\n", l, r / 1e6, (r >= 4e6 ? "ok" : "MISSED") }'
}

echo "qts-risk on msgpack, $n bars, 10 symbols"
run "pass-through, no rules" || exit 1
run "position limits" --max-position 1000 --max-gross 1e6 --max-positions 8 || exit 1
run "stops, drawdown, daily loss, kill" --stop-loss 0.05 --take-profit 0.1 --trailing-stop 0.05 \
	--max-drawdown 0.2 --daily-loss 5000 --target-vol 0.3 --kill-file "$tmp/kill" || exit 1
