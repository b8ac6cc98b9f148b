/* report_html_axis.c — where an axis of the tearsheet puts its ticks and
 * what it writes at them: round values (1, 2 or 5 times a power of ten,
 * as a person would pick them), powers of ten on a log scale, and the
 * first days of years, months or days on a date axis. */
#include <string.h>

#include "report_html_priv.h"

double qts_nice_step(double span, int most)
{
	if (!(span > 0) || !isfinite(span) || most < 1)
		return 1;
	double raw = span / most;
	double mag = pow(10, floor(log10(raw)));
	static const double m[] = {1, 2, 5, 10};
	for (size_t i = 0; i < 4; i++)
		/* a little slack: 0.3 / 3 is 0.1 in decimal, not in binary */
		if (m[i] * mag >= raw * (1 - 1e-9))
			return m[i] * mag;
	return 10 * mag;
}

size_t qts_nice_ticks(double lo, double hi, int most, double *out, size_t max, double *step)
{
	double s = qts_nice_step(hi - lo, most);
	size_t n = 0;
	if (step)
		*step = s;
	if (!(hi >= lo) || !isfinite(lo) || !isfinite(hi))
		return 0;
	for (double k = ceil(lo / s - 1e-9); k * s <= hi + s * 1e-9 && n < max; k++) {
		double v = k * s;
		out[n++] = fabs(v) < s * 1e-9 ? 0 : v; /* no -0 */
	}
	return n;
}

/* The values m * 10^e in [lo, hi] for m in mult (0-ended) and e a
 * multiple of every; how many there are, storing up to max. */
static size_t decade_ticks(double lo, double hi, const double *mult, int every, double *out,
			   size_t max)
{
	int e0 = (int)floor(log10(lo)), e1 = (int)ceil(log10(hi));
	size_t n = 0;
	for (int e = e0; e <= e1; e++) {
		if (e % every)
			continue;
		for (const double *m = mult; *m > 0; m++) {
			double v = *m * pow(10, e);
			if (v < lo * (1 - 1e-12) || v > hi * (1 + 1e-12))
				continue;
			if (n < max)
				out[n] = v;
			n++;
		}
	}
	return n;
}

size_t qts_log_ticks(double lo, double hi, int most, double *out, size_t max)
{
	static const double m125[] = {1, 2, 5, 0}, m15[] = {1, 5, 0}, m1[] = {1, 0};
	if (lo > 0 && hi > lo) {
		const double *sets[] = {m125, m15, m1};
		for (int s = 0; s < 3; s++) {
			size_t n = decade_ticks(lo, hi, sets[s], 1, out, max);
			if (n < 2)
				break; /* within a decade or so: round linear ticks */
			if (n <= (size_t)most && n <= max)
				return n;
		}
		/* up to 128: equity from 1e-308 to 1e308 spans 616 decades,
		 * which at every 64th fell back to linear ticks, 0 among
		 * them, whose logarithm put a label at y = inf */
		for (int every = 2; every <= 128; every *= 2) {
			size_t n = decade_ticks(lo, hi, m1, every, out, max);
			if (n <= (size_t)most && n <= max && n >= 1)
				return n;
		}
	}
	return qts_nice_ticks(lo, hi, most, out, max, NULL);
}

size_t qts_date_ticks(int64_t d0, int64_t d1, int most, int64_t *out, size_t max, int *unit)
{
	int y0, y1;
	unsigned m0, m1, dd;
	size_t n = 0;
	qts_civil_from_days(d0, &y0, &m0, &dd);
	qts_civil_from_days(d1, &y1, &m1, &dd);
	int64_t span = d1 - d0;
	if (span > 3 * 365) {
		static const int steps[] = {1, 2, 5, 10, 20, 50, 100};
		int step = 100;
		for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
			if ((y1 - y0) / steps[i] + 1 <= most) {
				step = steps[i];
				break;
			}
		*unit = QTS_DT_YEAR;
		for (int y = y0 + 1; y <= y1 && n < max; y++)
			if (y % step == 0)
				out[n++] = qts_days_from_civil(y, 1, 1);
		return n;
	}
	if (span > 60) {
		static const int steps[] = {1, 2, 3, 6, 12};
		int months = (y1 - y0) * 12 + (int)m1 - (int)m0, step = 12;
		for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
			if (months / steps[i] + 1 <= most) {
				step = steps[i];
				break;
			}
		*unit = QTS_DT_MONTH;
		for (int k = 1; k <= months && n < max; k++) {
			int mm = (int)m0 - 1 + k;
			int y = y0 + mm / 12, m = mm % 12 + 1;
			if ((m - 1) % step == 0)
				out[n++] = qts_days_from_civil(y, (unsigned)m, 1);
		}
		return n;
	}
	static const int steps[] = {1, 2, 5, 7, 14, 30};
	int step = 30;
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (span / steps[i] + 1 <= most) {
			step = steps[i];
			break;
		}
	*unit = QTS_DT_DAY;
	for (int64_t d = d0; d <= d1 && n < max; d += step)
		out[n++] = d;
	return n;
}

void qts_date_label(int64_t day, int unit, char *buf, size_t size)
{
	static const char *const mn[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int y;
	unsigned m, d;
	qts_civil_from_days(day, &y, &m, &d);
	if (unit == QTS_DT_YEAR)
		snprintf(buf, size, "%d", y);
	else if (unit == QTS_DT_MONTH)
		snprintf(buf, size, "%s %d", mn[m - 1], y);
	else
		snprintf(buf, size, "%u %s", d, mn[m - 1]);
}

/* Decimals that show a multiple of step exactly (step a round number). */
static int decimals(double step)
{
	int d = (int)ceil(-log10(step) - 1e-9);
	return d < 0 ? 0 : d > 8 ? 8 : d;
}

void qts_value_label(double v, double step, int kind, char *buf, size_t size)
{
	if (fabs(v) < fabs(step) * 1e-9)
		v = 0; /* no -0 */
	if (kind == QTS_AX_PCT) {
		qts_percent_text(v, decimals(step * 100), "%", buf, size);
	} else if (kind == QTS_AX_MONEY && fabs(v) >= 1e15) {
		/* past T the digits would overflow the label */
		qts_fixed_text(v, 0, "", buf, size);
	} else if (kind == QTS_AX_MONEY && fabs(v) >= 1000) {
		static const char suffix[] = "kMBT";
		double a = fabs(v);
		int k = 0;
		while (k < 3 && a >= 1e6) {
			a /= 1000;
			k++;
		}
		a /= 1000;
		/* enough decimals to tell ticks apart */
		double st = step / pow(1000, k + 1);
		snprintf(buf, size, "%s%.*f%c", v < 0 ? "-" : "", decimals(st > 0 ? st : 1), a,
			 suffix[k]);
	} else if (v != 0 && fabs(v) < 1e-8) {
		/* past decimals()'s 8 places a log tick of 1e-256 read 0 */
		snprintf(buf, size, "%.3e", v);
	} else {
		qts_fixed_text(v, decimals(step), "", buf, size);
	}
}
