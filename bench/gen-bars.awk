# gen-bars.awk — N one-minute bars of a random walk for the benchmarks:
#   awk -v n=N [-v seed=S] [-v sym=SYM] -f bench/gen-bars.awk
# Every minute of every day from 2020-01-01T00:00:00Z.  The date is worked
# out once a day (days-to-civil, as in timefmt.c), the time from a table.
BEGIN {
	if (seed == "") seed = 1
	if (sym == "") sym = "SYN"
	srand(seed)
	for (k = 0; k < 1440; k++)
		hm[k] = sprintf("T%02d:%02d:00Z,%s,1m,", int(k / 60), k % 60, sym)
	p = 100
	day = 18262 # 2020-01-01
	for (i = 0; i < n; i++) {
		k = i % 1440
		if (k == 0)
			date = civil(day++)
		o = p
		c = o + (rand() - 0.5) * 0.2
		h = (o > c ? o : c) + rand() * 0.05
		l = (o < c ? o : c) - rand() * 0.05
		printf "%s%s%.2f,%.2f,%.2f,%.2f,%d\n", date, hm[k], o, h, l, c, int(rand() * 1000)
		p = c
	}
}
function civil(z,    era, doe, yoe, y, doy, mp, d, m) {
	z += 719468
	era = int(z / 146097)
	doe = z - era * 146097
	yoe = int((doe - int(doe / 1460) + int(doe / 36524) - int(doe / 146096)) / 365)
	y = yoe + era * 400
	doy = doe - (365 * yoe + int(yoe / 4) - int(yoe / 100))
	mp = int((5 * doy + 2) / 153)
	d = doy - int((153 * mp + 2) / 5) + 1
	m = mp < 10 ? mp + 3 : mp - 9
	if (m <= 2) y++
	return sprintf("bar,%04d-%02d-%02d", y, m, d)
}
